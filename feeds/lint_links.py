"""Warnings for the links and images of items' bodies that lead nowhere the site has, found once
every item is known: an item's page no item has, a static file the site lacks, a tag no item has,
or, for a site published under a path, an address written from the host's root."""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import cache
from urllib.parse import unquote, urlsplit

from feeds.calendar_links import CALENDAR_NAME
from feeds.errors import Problem, Severity, how_many
from feeds.links import from_the_hosts_root, written_as
from feeds.load import lines_ended
from feeds.model import LIST_PAGES, Event, Item, NewsItem, item_path
from feeds.render.channels import SITE_FOLDER
from feeds.render.pages import page_count


def lint_links(items: Iterable[Item], held: Iterable[Item], lines: Mapping[str, Mapping[str, int]],
               files: set[str], unmade: set[str], base_url: str, per_page: int,
               read: Callable[[str], str]) -> list[Problem]:
    """A link or image in a body that leads to nothing the site has: an item's page (news/...,
    events/...) that no item has, as after a file's slug changed, or that an item still held back will
    have, which leads nowhere till then; a later page of a list of items past its last (news/page/9/,
    with `per_page` items a page); a static file the site does not have (`files`), as
    static/chart.png written on an item's page leads to news/<slug>/static/chart.png; a tag's page or
    feed that no item's tag gives (a mistyped slug); another item's file (board-meeting.md), where its
    page is meant; and, for a site published under a path, one of its pages or files written from the
    host's root without it (/news/x/ for /newsroom/news/x/), which leads to another site's address. The
    `unmade` pages are those of files with errors, which are reported as such. Each is reported at its
    line, found in the text of its file (`read`, by its path) for the few items that have one."""
    items, held = list(items), list(held)
    # An item's old addresses (aliases) lead on to its page: a link to one is no dead end.
    pages = {item.path for item in items} | {path for item in items for path in item.aliases} | unmade
    held_until = {path: item.embargoed_until for item in held for path in (item.path, *item.aliases)}
    base_path = unquote(urlsplit(base_url).path)

    @cache
    def pages_of_files() -> dict[str, set[str]]:  # by file name: asked for only when a body links to one
        found: dict[str, set[str]] = {}
        for item in (*items, *held):
            found.setdefault(item.source.rpartition("/")[2], set()).add(item.path)
        return found

    @cache
    def alike() -> dict[str, list[str]]:  # by _start: asked for only when a body links to a page no item has
        found: dict[str, list[str]] = {}
        for page in sorted(pages):
            found.setdefault(_start(page), []).append(page)
        return found

    @cache
    def tags() -> dict[str, datetime | None]:  # asked for only when a body links to a tag
        """The slugs of the tags the site has pages for (None), or will have when the first item held
        back with the tag comes out (that time)."""
        return _tag_slugs(items, held)

    @cache
    def event_tags() -> dict[str, datetime | None]:  # asked for only when a body links to a tag's calendar
        """As tags(), for the tags that events have: those with a calendar."""
        return _tag_slugs([item for item in items if isinstance(item, Event)],
                          [item for item in held if isinstance(item, Event)])

    @cache
    def list_pages() -> dict[str, int]:  # asked for only when a body links to a list's later page
        return _list_pages(items, per_page)

    def wrong(path: str) -> tuple[str, str] | None:
        """What is wrong with a path of the site that a body leads to, and a hint; None when something is there."""
        if _LATER_PAGES in path and (later := _LATER_PAGE.fullmatch(path)) and later[1] in list_pages():
            return _past_the_last(path, later[1], int(later[2]), list_pages()[later[1]])
        if path.endswith(".md") and path not in files:
            return _content_file(path, pages_of_files())
        if path.startswith(_TAG_FOLDERS):
            return _no_tag(path, event_tags if path.endswith(_TAG_CALENDAR) else tags)
        return _dead_end(path, pages, held_until, files, lambda page: _alike(alike(), page))

    warnings = []
    for item in items:
        dead = [(path, found) for path in (*item.links, *item.images) if (found := wrong(path))]
        outside = [(written, found) for written in from_the_hosts_root(item.body_html, base_path)
                   if (found := _outside(written, base_path, pages, files))] if base_path != "/" else []
        if dead or outside:
            body_line = lines.get(item.source, {}).get("body", 1)
            body = _body_text(read(item.source), body_line)
            urls = _written_urls(item, [path for path, _ in dead], base_url) + [written for written, _ in outside]
            at = _lines_of(urls, body, body_line)
            warnings += [Problem(item.source, line, "body", *found, Severity.WARNING)
                         for (_, found), line in zip([*dead, *outside], at)]
    return warnings


def _body_text(text: str, body_line: int) -> str:
    """The body of a content file's text, which begins at line `body_line`, with its lines ended by \\n."""
    return "\n".join(lines_ended(text).split("\n")[body_line - 1:])


def _written_urls(item: Item, paths: list[str], base_url: str) -> list[str | None]:
    """The URL as the item's body writes it of each of these paths (in the order item.links and
    item.images give them): the k-th path to a place is the k-th link or image leading there; None
    where none is found (cmark-gfm percent-encodes some)."""
    leading: dict[str, list[str]] = defaultdict(list)  # the URLs written, by the path each leads to
    for url, leads_to in written_as(item.body_html, base_url + item.path, base_url):
        leading[leads_to].append(url)
    taken: Counter[str] = Counter()
    urls: list[str | None] = []
    for path in paths:
        urls.append(leading[path][taken[path]] if taken[path] < len(leading[path]) else None)
        taken[path] += 1
    return urls


_MOST_SEARCHED = 1000  # distinct URLs looked for in one body: each search reads the whole body


def _lines_of(urls: list[str | None], body: str, body_line: int) -> list[int]:
    """The line of the file where the body (from line `body_line`) writes each of these URLs, a URL
    given again at the place after the one before (a reference link's at its definition); the
    body's first line for a URL not found (None, or not as written), and for those past the first
    _MOST_SEARCHED URLs (a file of thousands of broken links would otherwise take hours)."""
    line_ends = [end.start() for end in re.finditer("\n", body)]
    places: dict[str, list[int]] = {}  # where the body writes each URL, looked for once
    seen: Counter[str] = Counter()
    at = []
    for url in urls:
        if url is None:
            at.append(body_line)
            continue
        if url not in places and len(places) < _MOST_SEARCHED:
            places[url] = _places(url, body)
        found = places.get(url, [])
        at.append(body_line + bisect_right(line_ends, found[min(seen[url], len(found) - 1)]) if found else body_line)
        seen[url] += 1
    return at


def _places(url: str, body: str) -> list[int]:
    """Where the body writes the URL (percent-decoded, where it is not found as it is). A place writes
    it whole: /news/x/ is not found inside /newsroom/news/x/, nor /news/x at the start of
    /news/x-more/ or /news/x?y."""
    for written in (url, unquote(url)):
        if found := [match.start() for match in re.finditer(_BEFORE + re.escape(written) + _AFTER, body)]:
            return found
    return []


# What comes before a URL in Markdown or HTML: the start, a space, ( or < of a link, = or a quote of an
# attribute, the comma between a srcset's candidates, the > of HTML or the | of a table's cell before an
# autolinked address.
_BEFORE = r"(?<![^\s(<>\"'=,|])"
# What comes after one: the end, a space, ) or > of a link, a quote of a title or an attribute, the comma
# between a srcset's candidates, the < of HTML or the | of a table's cell after an autolinked address;
# or the punctuation that ends a sentence after an address that GitHub's autolinks leave out of the link
# (https://example.org/news/x/.), then one of those.
_AFTER = r"""(?=[.!?:;*_~]*(?:[\s)<>"',|]|\Z))"""


def _outside(written: str, base_path: str, pages: set[str], files: set[str]) -> tuple[str, str] | None:
    """What is wrong with an address written from the host's root that leads outside the site (under
    `base_path`), when the site has a page or file at that path (the address meant the site's own): an
    item's page, a list of items (/news/, /news/page/2/), a static file, or what the build alone makes
    under its own folders (tag pages, the archive, the feeds); None otherwise."""
    path = unquote(urlsplit(written).path).lstrip("/")
    section, _, rest = path.partition("/")
    slug = rest.partition("/")[0]
    if path in files:
        verb = "leads to"
    elif section in _LISTS_AND_FEEDS or section in (NewsItem.section, Event.section) and (
            slug in (*_LIST_FIRST, LIST_PAGES) or item_path(section, slug) in pages):  # a list's pages, or an item's
        verb = "links to"
    else:
        return None  # the host's other pages (/about/, /news/2018/) are no concern of the site's
    written = written.lstrip("/")
    return (f"{verb} /{written}, outside the site, which is under {base_path}",
            f"write the address from the item's page, ../../{written}, or from the host's root with the site's path, "
            f"{base_path}{written}")


# The folders of the output that hold only what the build makes, whatever the items (see feeds.render.TOP_LEVEL)
_LISTS_AND_FEEDS = ("tags", "archive", SITE_FOLDER.rstrip("/"))
_ITEM_FILES = {"", "index.html", "event.ics"}  # what an item's folder holds
_LIST_FIRST = ("", "index.html")  # after news/ or events/: the list's first page (its others are under LIST_PAGES)


def _content_file(path: str, pages_of_files: Mapping[str, set[str]]) -> tuple[str, str]:
    """What is wrong with a link to a content file by its name (board-meeting.md), as between Markdown
    files in an editor, and the page to link instead (from an item's page, ../../ is the site's root)."""
    name = path.rpartition("/")[2]
    pages = pages_of_files.get(name, set())
    hint = (f"link to its page: ../../{next(iter(pages))}" if len(pages) == 1
            else f"link to the item's page, ../../{NewsItem.section}/<slug>/ or ../../{Event.section}/<slug>/")
    return f"links to the content file {name}, which the site does not publish", hint


def _dead_end(path: str, pages: set[str], held_until: Mapping[str, datetime | None], files: set[str],
              alike: Callable[[str], list[str]]) -> tuple[str, str] | None:
    """What is wrong with a path of the site a body leads to, and a hint; None when something is there.
    `alike` gives the pages whose slugs begin as a page's does (see _page_hint)."""
    section, _, rest = path.partition("/")
    if section == "static":
        if path in files:
            return None
        return f"leads to {path}, which is no file of the site", "put the file under templates/static/"
    slug, _, inside = rest.partition("/")
    if section not in (NewsItem.section, Event.section) or slug in _LIST_FIRST:
        return None  # the site's lists and feeds, which the build makes whatever the items
    page = item_path(section, slug)
    if page not in pages:
        if slug == LIST_PAGES:
            return None  # a list's later page: news/page/2/
        until = held_until.get(page)
        if until:
            return (f"links to {page}, which is held until {until.isoformat()}: the link leads nowhere until then",
                    _LINK_HINT)
        return f"links to {page}, which is no page of the site", _page_hint(page, alike(page))
    if inside not in _ITEM_FILES:
        return (f"leads to {path}, which is no file of the site",
                "from an item's page, a file of the site is ../../static/...")
    return None


# A later page of a list of items: its folder (news/, events/, archive/, tags/<slug>/) and its number;
# looked for only in a path that holds /page/ (found in C: most links lead to items' pages)
_LATER_PAGES = f"/{LIST_PAGES}/"
_LATER_PAGE = re.compile(rf"((?:{NewsItem.section}|{Event.section}|archive|tags/[^/]+)/){LIST_PAGES}/(\d+)/(?:index\.html)?")


def _list_pages(items: list[Item], per_page: int) -> dict[str, int]:
    """How many pages each list of the items has, by its folder (see render.pages.paginate)."""
    counts = Counter({f"{NewsItem.section}/": 0, f"{Event.section}/": 0, "archive/": len(items)})
    for item in items:
        counts[f"{item.section}/"] += 1
        counts.update(f"tags/{tag.slug}/" for tag in item.tags)
    return {folder: page_count(count, per_page) for folder, count in counts.items()}


def _past_the_last(path: str, folder: str, number: int, pages: int) -> tuple[str, str] | None:
    """What is wrong with a link to page `number` of the list at `folder`, which has `pages`; None for
    one it has (its first is the folder itself, not page/1/)."""
    if 2 <= number <= pages:
        return None
    return (f"links to {path}, which is no page of the site: {folder} has {how_many(pages, 'page')}",
            f"link to the list's first page, {folder}: which items a later page shows changes as items are added")


# Where a tag's pages and feeds are: tags/<slug>/ and feeds/tags/<slug>/; its calendar, there too
_TAG_FOLDERS = ("tags/", f"{SITE_FOLDER}tags/")
_TAG_CALENDAR = "/" + CALENDAR_NAME


def _tag_slugs(items: Iterable[Item], held: Iterable[Item]) -> dict[str, datetime | None]:
    """The slugs of the items' tags (None), and of the held items' others, each with the time the first
    held item with it comes out."""
    coming = {tag.slug: item.embargoed_until for item in reversed(list(held)) for tag in item.tags}  # soonest last
    return coming | dict.fromkeys(tag.slug for item in items for tag in item.tags)


def _no_tag(path: str, tags: Callable[[], Mapping[str, datetime | None]]) -> tuple[str, str] | None:
    """What is wrong with a path to a tag's page, feed or calendar (under _TAG_FOLDERS) when no item
    shown has that tag, or for a calendar no event (`tags` gives the slugs of the tags, of events for a
    calendar, each with the time its first held item comes out, or None for one shown), and a hint;
    None otherwise, or for tags/ itself (tags/index.html)."""
    slug = path.removeprefix(SITE_FOLDER).removeprefix("tags/").partition("/")[0]
    if not slug or path == "tags/index.html":
        return None
    verb = "links to" if path.endswith("/") else "leads to"
    kind = "event" if path.endswith(_TAG_CALENDAR) else "item"
    if slug not in tags():
        return (f"{verb} {path}, which the site does not have: no {kind} has a tag whose slug is {slug}",
                "link to the calendar of a tag an event has; the tag's page links it" if kind == "event"
                else "link to a tag an item has; tags/ lists them")
    if (until := tags()[slug]) is None:
        return None
    return (f"{verb} {path}, which the site does not have until {until.isoformat()}, when the first {kind} held "
            f"back with the tag {slug} comes out: the link leads nowhere until then",
            "link to a tag an item has now; tags/ lists them")


_LINK_HINT = ("link to the item's page as it is now; a renamed item keeps its page with slug: set to its old slug, "
              "or sends readers on from it with aliases: listing its old address")


def _page_hint(page: str, alike: list[str]) -> str:
    """The hint for a link to an item's page that no item has, naming the page it most likely means when
    one is close: a slug mistyped (events/cyber-summit-newyork/ for events/cyber-summit-new-york/), or
    cut short (news/annual-report/ for news/annual-report-embargoed/, the one page it begins). Only the
    pages whose slug begins with the same three characters, or with the whole of a shorter one (`alike`,
    sorted), are compared: at 10,000 pages, comparing all took 50 ms a link."""
    longer = [known for known in alike if known.startswith(page[:-1] + "-")]
    close = longer if len(longer) == 1 else difflib.get_close_matches(page, alike, n=1, cutoff=0.8)
    return f"did you mean {close[0]}? If not, {_LINK_HINT}" if close else _LINK_HINT


def _start(page: str) -> str:
    """A page's section and the first three characters of its slug: news/ann for news/annual-report/,
    news/ai for news/ai/."""
    section, _, rest = page.partition("/")
    return f"{section}/{rest.partition('/')[0][:3]}"


def _alike(index: Mapping[str, list[str]], page: str) -> list[str]:
    """The pages of `index` (by _start) whose slugs begin as the slug of `page` does: with its first
    three characters, or, for a slug shorter than that (news/ai/), with the whole slug, so that
    news/ai/ finds news/ai-week/, which it cuts short."""
    start = _start(page)
    if len(start) - len(page.partition("/")[0]) > 3:  # "/" and three characters
        return index.get(start, [])
    return sorted(known for key, pages in index.items() if key.startswith(start) for known in pages)
