"""The command line: the only module that prints or chooses an exit code."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

from feeds import __version__
from feeds.errors import Problem, SiteError

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {text!r} (e.g. 2018-11-20T09:00+01:00)") from None


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="feeds", description="Publish a newsroom: news feeds, a calendar and a site.")
    top.add_argument("--version", action="version", version=f"feeds {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def site_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--site", type=Path, default=Path("."), metavar="DIR",
                             help="the site directory, holding site.toml and content/ (default: .)")
        command.add_argument("--now", type=_moment, metavar="DATETIME",
                             help="the time to build as of, for upcoming events and embargoes (default: now)")
        command.add_argument("--drafts", action="store_true", help="include items marked draft: true")
        command.add_argument("--strict", action="store_true", help="treat warnings as errors")

    build = commands.add_parser("build", help="build the site into the output directory")
    site_options(build)
    build.add_argument("--output", type=Path, metavar="DIR", help="where to write (default: DIR/public)")
    build.add_argument("--base-url", metavar="URL", help="override base_url, e.g. for a staging host")

    check = commands.add_parser("check", help="validate the content; write nothing")
    site_options(check)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the command; return its exit code."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return EXIT_OK if exit_.code in (0, None) else EXIT_USAGE
    try:
        if args.command == "build":
            return _build(args)
        return _check(args)
    except SiteError as error:
        _report(error.problems)
        errors = sum(p.is_error for p in error.problems)
        warnings = len(error.problems) - errors
        strict = f" and {warnings} warning{'s' * (warnings != 1)} (--strict)" if warnings and args.strict else ""
        print(f"feeds: {errors} error{'s' * (errors != 1)}{strict}; nothing was written", file=sys.stderr)
        return EXIT_CONTENT


def _build(args: argparse.Namespace) -> int:
    from feeds.build import build  # imported here so `feeds --help` starts fast

    started = time.perf_counter()
    output = args.output or args.site / "public"
    result = build(args.site, output, now=args.now, base_url=args.base_url, drafts=args.drafts, strict=args.strict)
    _report(result.warnings)
    site = result.site
    print(f"feeds: built {len(site.news)} news items and {len(site.events)} events "
          f"into {output} ({result.files} files, {time.perf_counter() - started:.2f} s)")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from feeds.build import load_site, render

    loaded = load_site(args.site, now=args.now, drafts=args.drafts, strict=args.strict)
    render(loaded.site, args.site)  # templates are checked too; the files are not written
    _report(loaded.warnings)
    print(f"feeds: {len(loaded.site.news)} news items and {len(loaded.site.events)} events are valid")
    return EXIT_OK


def _report(problems: tuple[Problem, ...] | list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
