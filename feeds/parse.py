"""Content files to validated items, each file parsed once, over every core when there are many."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from feeds.errors import Problem
from feeds.lint import lint_item
from feeds.load import read_source
from feeds.model import Claim, Item
from feeds.pool import spread
from feeds.settings import SiteConfig
from feeds.validate import claim_of, event, news_item


class Parsed(NamedTuple):
    """What one content file validates to."""

    item: Item | None  # None when the file has errors
    problems: tuple[Problem, ...]  # every problem found in it, the warnings the file alone shows included
    lines: dict[str, int]  # the line of each front matter key, and of the body
    claim: Claim | None = None  # what a file with errors would take that no other may (see Claim)


# One file to parse: its path, its bytes (None for one that could not be read: read_source tries again,
# and says why it cannot), and whether it is reached through a symbolic link.
Job = tuple[Path, bytes | None, bool]

_PARALLEL_FROM = 200  # below this, starting workers costs more than it saves
_MAKE = {"news": news_item, "event": event}


def parse_file(path: Path, data: bytes | None, site_dir: Path, config: SiteConfig, linked: bool = True) -> Parsed:
    """One file's item, problems and key lines."""
    source = read_source(path, site_dir, data, linked)
    if isinstance(source, Problem):
        return Parsed(None, (source,), {})
    problems: list[Problem] = []
    item = _MAKE[source.kind](source, config, problems)
    if item is not None:
        problems += lint_item(item, source)
    return Parsed(item, tuple(problems), {**source.lines, "body": source.body_line},
                  None if item is not None else claim_of(source, config))


def parse_files(jobs: list[Job], site_dir: Path, config: SiteConfig) -> list[Parsed]:
    """parse_file for each (path, bytes, linked), in order; spread over the cores when it pays."""
    return spread(lambda job: parse_file(job[0], job[1], site_dir, config, job[2]), jobs, minimum=_PARALLEL_FROM)
