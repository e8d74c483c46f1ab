"""Problems as GitHub Actions workflow commands, which CI shows inline on the file and line."""

from __future__ import annotations

import os
from pathlib import Path

from feeds.errors import Problem


def github_annotation(problem: Problem, site_dir: Path, *, strict: bool = False) -> str:
    """`::error file=content/news/x.md,line=3,title=date::message`, with the path from the working
    directory (the checkout's root, in a workflow), however the site was named; with `strict`, a
    warning is an error, as it fails the run (but one in a draft left out, which does not)."""
    level = "error" if problem.is_error or (strict and problem.fails_strict) else "warning"
    message = f"{problem.message} (hint: {problem.hint})" if problem.hint else problem.message
    return github_command(level, checkout_path(site_dir, problem.path), message, line=problem.line,
                          title=problem.field or "feeds")


def checkout_path(site_dir: Path, path: str) -> str:
    """A file of the site as a workflow names it: from the working directory, the checkout's root."""
    return Path(os.path.relpath(Path(site_dir, path))).as_posix()


def github_command(level: str, file: str, message: str, *, line: int = 0, title: str = "feeds") -> str:
    """One workflow command (`error`, `warning` or `notice`) about a file."""
    properties = [f"file={_property(file)}"] + ([f"line={line}"] if line else []) + [f"title={_property(title)}"]
    return f"::{level} {','.join(properties)}::{_data(message)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
