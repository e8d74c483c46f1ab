"""The command line: the only module that prints or chooses an exit code."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from feeds import __version__
from feeds.addresses import site_address
from feeds.errors import Problem, SiteError, how_many
from feeds.timezones import OutOfRange, day_or_moment, in_range

if TYPE_CHECKING:
    from feeds.inputs import BuildOptions

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
EXIT_STOPPED = 130  # 128 + SIGINT: what a shell reports for a command stopped by Ctrl+C


def _moment(text: str) -> datetime:
    try:
        return in_range(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except OutOfRange as error:
        raise argparse.ArgumentTypeError(f"{text!r}: {error}") from None
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {text!r} (e.g. 2018-11-20T09:00+01:00)") from None


def _day_or_moment(text: str) -> str:
    try:
        day_or_moment(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date or time: {text!r} ({error}; e.g. 2018-11-26 or 2018-11-26T09:30)") from None
    return text


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"not a port: {text!r} (0 to 65535)")
    return int(text)


def _site_address(text: str) -> str:
    address = site_address(text)
    if address is None:
        raise argparse.ArgumentTypeError(f"not an http(s) URL without user:password@, ? or #: {text!r} "
                                         "(e.g. https://staging.example.org/)")
    return address


def parser() -> argparse.ArgumentParser:
    """The command line: `feeds build`, `check`, `new`, `serve` and `ping`, with their options."""
    top = argparse.ArgumentParser(prog="feeds", description="Publish a newsroom: news feeds, a calendar and a site.")
    top.add_argument("--version", action="version", version=f"feeds {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def site_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--site", type=Path, default=Path("."), metavar="DIR",
                             help="the site directory, holding site.toml and content/ (default: .)")
        command.add_argument("--now", type=_moment, metavar="DATETIME",
                             help="the time to build as of, for upcoming events and embargoes (default: now)")
        command.add_argument("--drafts", action="store_true", help="include items marked draft: true")

    build = commands.add_parser("build", help="build the site into the output directory")
    site_options(build)
    build.add_argument("--output", type=Path, metavar="DIR", help="where to write (default: DIR/public)")
    build.add_argument("--base-url", type=_site_address, metavar="URL", help="override base_url, e.g. for a staging host")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("-v", "--verbose", action="store_true", help="print the time each phase took")
    build.add_argument("--no-cache", action="store_true",
                       help="parse and render everything again instead of reusing .feeds-cache/")

    check = commands.add_parser("check", help="validate the content and list embargoes; write nothing")
    site_options(check)
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--format", choices=("text", "github"), default="text",
                       help="github: errors as GitHub Actions annotations, shown inline on the files")

    new = commands.add_parser("new", help="write a new draft news item or event and print its path")
    new.add_argument("kind", choices=("news", "event"))
    new.add_argument("title")
    new.add_argument("--site", type=Path, default=Path("."), metavar="DIR", help="the site directory (default: .)")
    new.add_argument("--start", type=_day_or_moment, metavar="DATE[TIME]", help="an event's start: 2018-11-26 (all day) or 2018-11-26T09:30")
    new.add_argument("--end", type=_day_or_moment, metavar="DATE[TIME]", help="an event's end: its last day, or a time")
    new.add_argument("--location", metavar="TEXT", help="where an event is held: a place, or Online")
    new.add_argument("--now", type=_moment, metavar="DATETIME", help="the item's date (default: now)")

    serve = commands.add_parser("serve", help="preview the site, rebuilt and reloaded as files change")
    site_options(serve)
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="the port; 0 picks a free one (default: 8000)")
    serve.add_argument("--base-url", type=_site_address, metavar="URL",
                       help="the address other devices reach the preview at, for its absolute links (feeds, "
                            "calendar), e.g. http://192.168.1.20:8000/ with --host 0.0.0.0 (default: its own)")

    ping = commands.add_parser("ping", help="tell the WebSub hub (feeds.hub) that the feeds changed, after a deploy")
    site_options(ping)
    ping.add_argument("--base-url", type=_site_address, metavar="URL", help="the feeds' base URL, if not base_url")
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the command; return its exit code."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return EXIT_OK if exit_.code in (0, None) else EXIT_USAGE
    if not (args.site / "site.toml").exists():  # the wrong folder: every command reads the site's settings
        where = "is no folder" if not args.site.is_dir() else "holds no site.toml"
        print(f"feeds {args.command}: --site {args.site} {where} (hint: run feeds in the site directory, or give it "
              "with --site DIR)", file=sys.stderr)
        return EXIT_USAGE
    # SIGTERM (a CI job cancelled, docker stop) stops a command as Ctrl+C does: by unwinding, so that
    # the workers are stopped and a half-made tree is put aside, never in place of the output.
    in_main = threading.current_thread() is threading.main_thread()  # where alone Python takes signals
    previous = signal.signal(signal.SIGTERM, _stop) if in_main else None
    try:
        command = {"build": _build, "check": _check, "new": _new, "serve": _serve, "ping": _ping}[args.command]
        return command(args)
    except SiteError as error:
        _report(error.problems)
        _failed(args, error.problems)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        print(f"feeds {args.command}: stopped", file=sys.stderr)
        return EXIT_STOPPED
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _failed(args: argparse.Namespace, problems: Sequence[Problem], outcome: str | None = None) -> None:
    """The last line of a run that failed on its problems: how many, and what it left undone (the
    command's `outcome`, else what the command leaves undone when it fails)."""
    errors = sum(p.is_error for p in problems)
    warnings = sum(p.fails_strict for p in problems) - errors
    strict = getattr(args, "strict", False)
    if outcome is None:
        outcome = {"check": "", "new": "; no file was written", "ping": "; no hub was told"}.get(args.command,
                                                                                                 "; nothing was written")
    if warnings and strict and not errors:
        counted = f"{how_many(warnings, 'warning')}, which --strict counts as {'an error' if warnings == 1 else 'errors'}"
    else:
        counted = how_many(errors, "error") + (f" and {how_many(warnings, 'warning')} (--strict)" if warnings and strict else "")
    print(f"feeds: {counted}{outcome}", file=sys.stderr)


def _options(args: argparse.Namespace) -> BuildOptions:
    """What the command's options ask of a build (a command without --base-url or --strict asks neither)."""
    from feeds.inputs import BuildOptions

    return BuildOptions(now=args.now, base_url=getattr(args, "base_url", None), drafts=args.drafts,
                        strict=getattr(args, "strict", False))


def _build(args: argparse.Namespace) -> int:
    from feeds.build import (  # imported here so `feeds --help` starts fast
        build,
        counted,
        unsafe_output,
    )
    from feeds.cache import BuildCache
    from feeds.embargo import utc_text
    from feeds.progress import Progress
    from feeds.render.hosting import NEXT_LIFT_PATH

    started = time.perf_counter()
    output = args.output or args.site / "public"
    if (unsafe := unsafe_output(args.site, output)) is not None:
        print(f"feeds build: --output {output} {unsafe}", file=sys.stderr)
        return EXIT_USAGE
    progress = Progress(bar=sys.stderr.isatty())
    result = build(args.site, output, _options(args), progress=progress,
                   cache=BuildCache.empty(args.site) if args.no_cache else None)
    _report(result.warnings)
    print(f"feeds: built {counted(result.news, result.events)} "
          f"into {output} ({result.files} files, {time.perf_counter() - started:.2f} s)")
    if result.drafts:
        print(f"feeds: {how_many(result.drafts, 'draft')} left out; feeds serve --drafts previews them")
    if result.staging:
        print(f"feeds: a staging copy for {result.staging}, not base_url: robots.txt, its pages and _headers keep "
              "it out of search engines")
    if result.next_lift:
        print(f"feeds: {len(result.embargoed)} embargoed; the next lifts at {utc_text(result.next_lift)} "
              f"(written to {output / NEXT_LIFT_PATH}): build again then")
    if args.verbose:
        for phase, seconds in progress.timings.items():
            print(f"feeds: {phase:<9} {seconds:8.3f} s", file=sys.stderr)
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from feeds.annotations import checkout_path, github_annotation, github_command
    from feeds.build import counted, load_site, render
    from feeds.embargo import utc_text
    from feeds.parts import Fresh

    github = args.format == "github"
    try:
        loaded = load_site(args.site, _options(args))
        # The templates are tried on every page too; no file is written.
        render(loaded.site, args.site, loaded.root, Fresh(loaded.templates))
    except SiteError as error:
        if not github:
            raise
        for problem in error.problems:
            print(github_annotation(problem, args.site, strict=args.strict))
        _failed(args, error.problems)
        return EXIT_CONTENT
    held = [(item, f"embargoed until {item.embargoed_until.isoformat()} (lifts {utc_text(item.embargoed_until)})")
            for item in loaded.embargoed]
    if github:
        for problem in loaded.warnings:
            print(github_annotation(problem, args.site))
        for item, when in held:
            print(github_command("notice", checkout_path(args.site, item.source), f"{item.title}: {when}",
                                 title="embargo"))
    else:
        _report(loaded.warnings)
        for item, when in held:
            print(f"{item.source}: {when}: {item.title}")
    print(f"feeds: {counted(len(loaded.site.news), len(loaded.site.events))} are valid"
          + (f"; {len(loaded.embargoed)} embargoed" if loaded.embargoed else "")
          + (f"; {how_many(loaded.drafts, 'draft')} left out" if loaded.drafts else ""))
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from feeds.new import new_item

    if args.kind == "event" and not args.start:
        print("feeds new event: --start is required, e.g. --start 2018-11-26", file=sys.stderr)
        return EXIT_USAGE
    if args.kind == "news" and (args.start or args.end or args.location is not None):
        print("feeds new news: --start, --end and --location are an event's; news is dated by --now", file=sys.stderr)
        return EXIT_USAGE
    now = args.now or datetime.now(timezone.utc)
    print(new_item(args.site, args.kind, args.title, now=now, start=args.start, end=args.end, location=args.location))
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from feeds.serve import serve

    def echo(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        serve(args.site, host=args.host, port=args.port, now=args.now, drafts=args.drafts, echo=echo,
              base_url=args.base_url)
    except OSError as error:
        print(f"feeds: cannot serve on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _ping(args: argparse.Namespace) -> int:
    from feeds.build import load_site
    from feeds.websub import ping, topics

    site = load_site(args.site, _options(args)).site
    hub = site.config.feeds.hub
    if not hub:
        print("feeds: no hub to ping: set feeds.hub in site.toml", file=sys.stderr)
        return EXIT_USAGE
    feeds = topics(site)
    accepted, problems = ping(hub, feeds)
    if problems:
        _report(problems)
        _failed(args, problems, f"; the hub took {accepted or 'none'} of the {len(feeds)} feeds")
        return EXIT_CONTENT
    print(f"feeds: {hub} accepted {how_many(accepted, 'feed')}")
    return EXIT_OK


def _report(problems: tuple[Problem, ...] | list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
