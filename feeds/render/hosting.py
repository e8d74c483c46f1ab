"""Files for hosting: `_headers` for static hosts, and `next-lift.txt` for the job that rebuilds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from feeds.addresses import uri_path
from feeds.embargo import utc_text
from feeds.mediatypes import content_type, hosts_guess
from feeds.render import Output, OutputFile

if TYPE_CHECKING:
    from feeds.model import Site

HEADERS_PATH = "_headers"
NEXT_LIFT_PATH = "next-lift.txt"

# Pages, feeds and calendars, and static files alike: a lifted embargo shows within minutes, and a
# style sheet (static/style.css, named the same whatever it holds) comes with the pages written for it,
# where a day's cache of it served new pages with the old style for up to a day.
CACHE = "public, max-age=300"
NO_CACHE = "no-cache"


def render_next_lift(site: Site) -> list[OutputFile]:
    """When the next embargo lifts, in UTC, or an empty file when nothing is held."""
    text = f"{utc_text(site.next_lift)}\n" if site.next_lift else ""
    return [OutputFile(NEXT_LIFT_PATH, text.encode())]


def render_headers(files: Sequence[Output], *, noindex: bool = False) -> OutputFile:
    """`_headers` (Netlify, Cloudflare Pages and others): cache rules and the types hosts do not guess;
    with `noindex` (a staging build), `X-Robots-Tag: noindex` for every file, which reaches search
    engines for files that carry no robots meta (feeds, calendars, a site's own templates).

    Hosts merge the values of a header set by several matching rules, so each cache rule covers one
    top-level entry of the output and no two overlap; Content-Type rules share a pattern per file
    name at a depth inside a folder (`/events/:folder1/event.ics`) to stay far below Cloudflare's 100 rules.
    """
    blocks = [_block("/*", {"X-Robots-Tag": "noindex"})] if noindex else []
    blocks += [_block(pattern, {"Cache-Control": cache, "X-Content-Type-Options": "nosniff"})
               for pattern, cache in _cache_rules(files)]
    blocks += [_block(pattern, {"Content-Type": kind}) for pattern, kind in _type_rules(files)]
    return OutputFile(HEADERS_PATH, "\n".join(blocks).encode())


def _cache_rules(files: Sequence[Output]) -> list[tuple[str, str]]:
    rules: dict[str, str] = {}
    for file in files:
        top, *rest = file.path.split("/")  # output paths are relative and normalised
        if file.path == NEXT_LIFT_PATH:
            rules[f"/{top}"] = NO_CACHE
        elif rest:
            rules[f"/{top}/*"] = CACHE
        else:
            rules[f"/{top}"] = CACHE
            if top == "index.html":
                rules["/"] = CACHE
    return sorted(rules.items())


def _type_rules(files: Sequence[Output]) -> list[tuple[str, str]]:
    groups: dict[tuple[str, int, str], list[str]] = defaultdict(list)
    for file in files:
        if file.path != HEADERS_PATH and not hosts_guess(file.path):
            parts = file.path.split("/")
            groups[(parts[0] if len(parts) > 1 else "", len(parts), parts[-1])].append(file.path)
    rules = {}
    for (top, depth, name), paths in groups.items():
        kind = content_type(paths[0])
        if depth > 2 and len(paths) > 1:
            # A placeholder per folder, which matches one segment: Netlify reads a segment of `*` alone as
            # optional, so /feeds/*/atom.xml would match /feeds/atom.xml too and give it the type twice.
            folders = "/".join(f":folder{number}" for number in range(1, depth - 1))
            rules[f"/{top}/{folders}/{name}"] = kind
        else:
            rules.update((f"/{path}", kind) for path in paths)
    return sorted(rules.items())


def _block(pattern: str, headers: dict[str, str]) -> str:
    return uri_path(pattern) + "\n" + "".join(f"  {name}: {value}\n" for name, value in headers.items())
