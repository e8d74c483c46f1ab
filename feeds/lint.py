"""Warnings for content that is valid but likely a mistake; `--strict` turns them into failures."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import cache
from urllib.parse import unquote, urlsplit

from feeds import markup
from feeds.config import SiteConfig
from feeds.errors import Problem, Severity
from feeds.links import from_the_hosts_root, written_as
from feeds.load import Source
from feeds.model import LIST_PAGES, Event, Item, NewsItem, Status, item_path
from feeds.new import PLACEHOLDER
from feeds.render.channels import SITE_FOLDER

SUMMARY_LIMIT = 300  # characters; feed readers and search results show less than this

# An image in Markdown with empty alt text, or an <img> tag without an alt attribute.
_BARE_IMAGE = re.compile(r"!\[\s*\]\(|<img\b(?![^>]*\balt\s*=)[^>]*>", re.IGNORECASE)


def lint_item(item: Item, source: Source) -> list[Problem]:
    """The warnings one file shows by itself, located in it."""
    warnings: list[Problem] = []

    def warn(key: str, message: str, hint: str, line: int | None = None) -> None:
        where = source.line(key) if line is None else line
        warnings.append(Problem(item.source, where, key, message, hint, Severity.WARNING))

    if "summary" in source.meta and len(item.summary) > SUMMARY_LIMIT:
        warn("summary", f"is {len(item.summary)} characters; readers show about {SUMMARY_LIMIT}",
             "keep it to one or two sentences; the body holds the rest")
    folder = item.source.split("/")[-2]
    if source.stem in ("index", "_index") and "slug" not in source.meta and folder != item.section:  # a Hugo bundle
        warn("slug", f"the file's name gives the page {item.path}, as a folder's name is no part of an address",
             f"give it slug: {folder}, or name the file {folder}.md: Hugo names a page bundle by its folder")
    if PLACEHOLDER in source.body:
        warn("body", "still holds the placeholder that feeds new wrote", "write the item's text in its place",
             source.body_line + source.body[: source.body.index(PLACEHOLDER)].count("\n"))
    if not source.body.strip():
        warn("body", "is empty: the item's page and feed entry have no text",
             "write the item's text below the closing ---", source.body_line - 1)
    for offset in _bare_image_lines(source.body):
        warn("body", "an image has no alt text", "describe it: ![what it shows](picture.jpg) or alt=\"...\"",
             source.body_line + offset)
    for line, tag in _template_tags(source.body):
        warn("body", f"{tag} is a template's tag (a Hugo shortcode, or Jekyll's Liquid), which feeds publishes as "
             "written", "write it in Markdown: an image ![what it shows](../../static/chart.png), a link to another "
             "item [words](../slug/); in `backticks` it is shown as code", source.body_line + line - 1)
    for line, problem in _outline_problems(item, source):
        warn("body", problem, "the page's title is its heading of level 1 (#): begin the body's headings at ## "
             "and go down one level at a time (## then ###)", source.body_line + line - 1)
    if isinstance(item, NewsItem) and item.image and not item.image_alt:
        warn("image", "has no image_alt", "add image_alt: a few words saying what the picture shows")
    if isinstance(item, Event) and item.location is None and item.status is not Status.CANCELLED:
        warn("location", "the event has no location", "add location: a place, or 'Online'")
    return warnings


def _outline_problems(item: Item, source: Source) -> list[tuple[int, str]]:
    """Each heading of the body that breaks the page's outline, with its line in the body and what is
    wrong: screen reader users move through a page by its headings' levels, and the title is level 1."""
    if "<h" not in item.body_html or not _out_of_order([int(level) for level in _HEADING.findall(item.body_html)]):
        return []  # the common case, found without parsing the body again for its lines
    problems, above = [], 1
    for level, line in markup.headings(source.body):
        if level == 1:
            problems.append((line, "a heading of level 1 (#) in the body stands beside the page's title, "
                                   "not under it"))
        elif level > above + 1:
            problems.append((line, f"a heading of level {level} follows one of level {above}, skipping "
                                   f"{'a level' if level == above + 2 else f'{level - above - 1} levels'}"))
        above = level
    return problems


_HEADING = re.compile(r"<h([1-6])\b")


def _out_of_order(levels: list[int]) -> bool:
    """Whether headings of these levels, under a title of level 1, hold another 1 or skip a level."""
    return any(level == 1 or level > above + 1 for above, level in zip([1, *levels], levels))


# A template's tag, as Hugo's shortcodes ({{< figure src="x.png" >}}, {{% note %}}) and Jekyll's Liquid
# ({% post_url 2018-11-12-x %}, {{ site.baseurl }}) write them: no template is rendered in a body.
_TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_CODE_SPAN = re.compile(r"(`+).*?\1")


def _template_tags(body: str) -> list[tuple[int, str]]:
    """Each template's tag the body writes outside code, with its line in the body (from 1)."""
    if "{{" not in body and "{%" not in body:
        return []
    tagged = [(number, text) for number, text in enumerate(body.split("\n"), 1) if _TEMPLATE_TAG.search(text)]
    code = markup.code_block_lines(body) if tagged else set()
    return [(number, tag[0]) for number, text in tagged if number not in code
            for tag in _TEMPLATE_TAG.finditer(_CODE_SPAN.sub("", text))]


def _bare_image_lines(body: str) -> list[int]:
    """The index of each line of the body with an image that has no alt text.

    Either kind of image starts with '![' or '<', which most Markdown bodies have neither of: looking
    for those in C spares such a body the regex, line by line.
    """
    if "![" not in body and "<" not in body:
        return []
    return [offset for offset, text in enumerate(body.split("\n")) if _BARE_IMAGE.search(text)]


def lint_images(items: Iterable[Item], lines: Mapping[str, Mapping[str, int]], files: set[str],
                config: SiteConfig) -> list[Problem]:
    """A news image named as a file of the site (a path, or a URL under base_url) that the site does
    not have: `files` are the paths of the site's static files, from templates/static/."""
    return [Problem(item.source, lines.get(item.source, {}).get("image", 1), "image",
                    f"{item.image} is not a file of the site; the page would show a broken image",
                    "put the file under templates/static/ and name it static/..., or give an https:// address",
                    Severity.WARNING)
            for item in items if isinstance(item, NewsItem) and item.image
            and (path := config.own_file(item.image)) is not None and path not in files]


def lint_links(items: Iterable[Item], held: Iterable[Item], lines: Mapping[str, Mapping[str, int]],
               files: set[str], unmade: set[str], base_url: str, read: Callable[[str], str]) -> list[Problem]:
    """A link or image in a body that leads to nothing the site has: an item's page (news/...,
    events/...) that no item has, as after a file's slug changed, or that an item still held back
    will have, which leads nowhere till then; a static file the site does not have (`files`), as
    static/chart.png written on an item's page leads to news/<slug>/static/chart.png; and, for a
    site published under a path, one of its pages or files written from the host's root without it
    (/news/x/ for /newsroom/news/x/), which leads to another site's address. The `unmade` pages are
    those of files with errors, which are reported as such. Each is reported at its line, found in
    the text of its file (`read`, by its path) for the few items that have one."""
    items, held = list(items), list(held)
    pages = {item.path for item in items} | unmade
    held_until = {item.path: item.embargoed_until for item in held}
    base_path = unquote(urlsplit(base_url).path)

    @cache
    def pages_of_files() -> dict[str, set[str]]:  # by file name: asked for only when a body links to one
        found: dict[str, set[str]] = {}
        for item in (*items, *held):
            found.setdefault(item.source.rpartition("/")[2], set()).add(item.path)
        return found

    @cache
    def tags() -> set[str]:  # the slugs of the tags the site has pages for: asked for only when a body links to one
        return {tag.slug for item in items for tag in item.tags}

    warnings = []
    for item in items:
        dead = [(path, found) for path in (*item.links, *item.images)
                if (found := _content_file(path, pages_of_files()) if path.endswith(".md") and path not in files
                    else _no_tag(path, tags) if path.startswith(_TAG_FOLDERS)
                    else _dead_end(path, pages, held_until, files))]
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
    return "\n".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[body_line - 1:])


def _written_urls(item: Item, paths: list[str], base_url: str) -> list[str | None]:
    """The URL as the item's body writes it of each of these paths (in the order item.links and
    item.images give them): the k-th path to a place is the k-th link or image leading there; None
    where none is found (cmark-gfm percent-encodes some)."""
    written = written_as(item.body_html, base_url + item.path, base_url)
    taken: Counter[str] = Counter()
    urls: list[str | None] = []
    for path in paths:
        leading = [url for url, leads_to in written if leads_to == path]
        urls.append(leading[taken[path]] if taken[path] < len(leading) else None)
        taken[path] += 1
    return urls


def _lines_of(urls: list[str | None], body: str, body_line: int) -> list[int]:
    """The line of the file where the body (from line `body_line`) writes each of these URLs, a URL
    given again at the place after the one before (a reference link's at its definition); the
    body's first line for a URL not found (None, or not as written)."""
    seen: Counter[str] = Counter()
    at = []
    for url in urls:
        if url is None:
            at.append(body_line)
            continue
        at.append(_line_of(url, body, body_line, same=seen[url]))
        seen[url] += 1
    return at


def _line_of(url: str, body: str, body_line: int, same: int = 0) -> int:
    """The line of the file where the body writes the URL after `same` places that write it too
    (percent-decoded, where it is not found as it is); the body's first line when it is not found.
    A place writes it whole: /news/x/ is not found inside /newsroom/news/x/, nor /news/x at the start
    of /news/x-more/ or /news/x?y."""
    places = [match.start() for match in re.finditer(_BEFORE + re.escape(url) + _AFTER, body)] or \
             [match.start() for match in re.finditer(_BEFORE + re.escape(unquote(url)) + _AFTER, body)]
    return body_line + body.count("\n", 0, places[min(same, len(places) - 1)]) if places else body_line


# What comes before a URL in Markdown or HTML: the start, a space, ( or < of a link, = or a quote of an
# attribute, the comma between a srcset's candidates.
_BEFORE = r"(?<![^\s(<\"'=,])"
# What comes after one: the end, a space, ) or > of a link, a quote of a title or an attribute, the comma
# between a srcset's candidates; or the punctuation that ends a sentence after an address that GitHub's
# autolinks leave out of the link (https://example.org/news/x/.), then one of those.
_AFTER = r"""(?=[.!?:;*_~]*(?:[\s)>"',]|\Z))"""


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
            slug in ("", LIST_PAGES) or item_path(section, slug) in pages):  # a list's pages, or an item's
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


def _content_file(path: str, pages_of_files: Mapping[str, set[str]]) -> tuple[str, str]:
    """What is wrong with a link to a content file by its name (board-meeting.md), as between Markdown
    files in an editor, and the page to link instead (from an item's page, ../../ is the site's root)."""
    name = path.rpartition("/")[2]
    pages = pages_of_files.get(name, set())
    hint = (f"link to its page: ../../{next(iter(pages))}" if len(pages) == 1
            else f"link to the item's page, ../../{NewsItem.section}/<slug>/ or ../../{Event.section}/<slug>/")
    return f"links to the content file {name}, which the site does not publish", hint


def _dead_end(path: str, pages: set[str], held_until: Mapping[str, datetime | None],
              files: set[str]) -> tuple[str, str] | None:
    """What is wrong with a path of the site a body leads to, and a hint; None when something is there."""
    section, _, rest = path.partition("/")
    if section == "static":
        if path in files:
            return None
        return f"leads to {path}, which is no file of the site", "put the file under templates/static/"
    slug, _, inside = rest.partition("/")
    if section not in (NewsItem.section, Event.section) or not slug:
        return None  # the site's lists and feeds, which the build makes whatever the items
    page = item_path(section, slug)
    if page not in pages:
        if slug == LIST_PAGES:
            return None  # a list's later page: news/page/2/
        until = held_until.get(page)
        if until:
            return (f"links to {page}, which is held until {until.isoformat()}: the link leads nowhere until then",
                    _LINK_HINT)
        return f"links to {page}, which is no page of the site", _LINK_HINT
    if inside not in _ITEM_FILES:
        return (f"leads to {path}, which is no file of the site",
                "from an item's page, a file of the site is ../../static/...")
    return None


# Where a tag's pages and feeds are: tags/<slug>/ and feeds/tags/<slug>/
_TAG_FOLDERS = ("tags/", f"{SITE_FOLDER}tags/")


def _no_tag(path: str, tags: Callable[[], set[str]]) -> tuple[str, str] | None:
    """What is wrong with a path to a tag's page or feed (under _TAG_FOLDERS) when no item has that tag
    (`tags` gives the slugs of those the items have), and a hint; None otherwise, or for tags/ itself."""
    slug = path.removeprefix(SITE_FOLDER).removeprefix("tags/").partition("/")[0]
    if not slug or slug in tags():
        return None
    verb = "links to" if path.endswith("/") else "leads to"
    return (f"{verb} {path}, which the site does not have: no item has a tag whose slug is {slug}",
            "link to a tag an item has; tags/ lists them")


_LINK_HINT = "link to the item's page as it is now; a renamed item keeps its page with slug: set to its old slug"


def lint_timely(items: Iterable[Item], lines: Mapping[str, Mapping[str, int]], now: datetime) -> list[Problem]:
    """The warnings that depend on the time of the build: an event that is over but still tentative,
    and one published now but dated later (no `date:`, so announced at its start)."""
    warnings = []
    for item in items:
        if not isinstance(item, Event):
            continue
        where = lines.get(item.source, {})
        if item.status is Status.TENTATIVE and item.ends_before(now):
            warnings.append(Problem(item.source, where.get("status", 1), "status", "the event is over but still tentative",
                                    "set status: confirmed if it took place, or cancelled if it did not", Severity.WARNING))
        if item.date > now:  # a date given in the future would have held the event back
            warnings.append(Problem(item.source, where.get("start", 1), "date",
                                    f"is not given, so the event is dated by its start (or an earlier updated:), "
                                    f"{item.date.date()}: feeds and calendars date it in the future",
                                    "add date: with when it is announced, e.g. today", Severity.WARNING))
    return warnings
