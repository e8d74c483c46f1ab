"""Warnings for content that is valid but likely a mistake; `--strict` turns them into failures."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, tzinfo
from urllib.parse import unquote

from feeds import markup
from feeds.config import CONFIG_NAME
from feeds.errors import Problem, Severity
from feeds.load import Source
from feeds.model import Event, Item, NewsItem, Status, item_path
from feeds.new import PLACEHOLDER, an_hour_on
from feeds.settings import SiteConfig
from feeds.slugs import slug_from_name

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
    if source.stem in ("index", "_index") and "slug" not in source.meta:  # as Hugo names its pages
        warn("slug", *_named_index(item))
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
    if item.image and not item.image_alt:
        warn("image", "has no image_alt", "add image_alt: a few words saying what the picture shows")
    if item.image_alt and not item.image:
        warn("image_alt", "describes no picture: the item has no image", "add image: the picture it describes, "
             "or leave image_alt out")
    if isinstance(item, Event) and item.location is None and item.status is not Status.CANCELLED:
        warn("location", "the event has no location", "add location: a place, or 'Online'")
    if isinstance(item, Event) and isinstance(item.start, datetime) and item.end is None:
        # RFC 5545: a DTSTART with a time and no DTEND ends as it starts
        warn("start", "the event has a start time but no end: calendars show it as a moment with no length",
             f"add end: with the time it ends, such as end: {an_hour_on(item.start)}")
    return warnings


def _named_index(item: Item) -> tuple[str, str]:
    """The warning for a file named index.md or _index.md, whose page here is news/index/ (or
    events/index/): Hugo names a page bundle (news/board-meeting/index.md) by its folder, and keeps a
    section's list page, which the build makes here, in its _index.md."""
    folder = item.source.split("/")[-2]
    if folder == item.section:
        return (f"the file's name gives the page {item.path}",
                "name the file after the item, as board-meeting.md, or give it slug:; the list of a section's items, "
                "Hugo's _index.md, is made by the build")
    return (f"the file's name gives the page {item.path}, as a folder's name is no part of an address",
            f"give it slug: {slug_from_name(folder)}, or name the file {folder}.md: Hugo names a page bundle by its folder")


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
# What on a line is not published as text: a code span, and an HTML comment.
_CODE_SPAN_OR_COMMENT = re.compile(r"(`+).*?\1|<!--.*?-->")


def _template_tags(body: str) -> list[tuple[int, str]]:
    """Each template's tag the body writes outside code and comments, with its line in the body (from 1)."""
    if "{" not in body:  # one character, found by memchr: several times faster than two
        return []
    tagged = [(number, text) for number, text in enumerate(body.split("\n"), 1) if _TEMPLATE_TAG.search(text)]
    code = markup.code_block_lines(body) if tagged else set()
    return [(number, tag[0]) for number, text in tagged if number not in code
            for tag in _TEMPLATE_TAG.finditer(_CODE_SPAN_OR_COMMENT.sub("", text))]


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
    """An item's image named as a file of the site (a path, or a URL under base_url) that the site does
    not have: `files` are the paths of the files the site publishes as they are, from
    templates/static/ and root/."""
    return [_missing_image(item.source, lines.get(item.source, {}).get("image", 1), "image", item.image,
                           "the page would show a broken image")
            for item in items if _names_missing_file(config, item.image, files)]


def lint_setting_images(config: SiteConfig, files: set[str], line_of: Callable[[str], int]) -> list[Problem]:
    """A warning for each image of the settings ([feeds] icon and logo, [calendar] image) named as a file
    of the site that the site does not have (see lint_images), at its line of site.toml (`line_of`)."""
    named = {"feeds.icon": config.feeds.icon, "feeds.logo": config.feeds.logo, "calendar.image": config.calendar.image}
    return [_missing_image(CONFIG_NAME, line_of(key), key, value, "feed readers and calendar apps would show a broken image")
            for key, value in named.items() if _names_missing_file(config, value, files)]


def _names_missing_file(config: SiteConfig, value: str, files: set[str]) -> bool:
    """Whether an image's value names a file of the site (see SiteConfig.own_file) that is not among `files`."""
    return bool(value) and (path := config.own_file(value)) is not None and path not in files


def _missing_image(source: str, line: int, key: str, value: str, shown: str) -> Problem:
    """The warning for an image that names a file the site lacks, saying where it is `shown` broken."""
    return Problem(source, line, key, f"{value} is not a file of the site; {shown}",
                   "put the file under templates/static/ and name it static/..., or give an https:// address",
                   Severity.WARNING)


def lint_timely(items: Iterable[Item], lines: Mapping[str, Mapping[str, int]], now: datetime,
                site_zone: tzinfo) -> list[Problem]:
    """The warnings that depend on the time of the build: an item changed at a time still to come, an
    event that is over but still tentative, and one published now but dated later (no `date:`, so
    announced at its start)."""
    warnings = []
    for item in items:
        where = lines.get(item.source, {})
        if "updated" in where and item.updated > now:
            warnings.append(_updated_to_come(item, where["updated"], now.astimezone(site_zone)))
        if not isinstance(item, Event):
            continue
        if item.status is Status.TENTATIVE and item.ends_before(now):
            warnings.append(Problem(item.source, where.get("status", 1), "status", "the event is over but still tentative",
                                    "set status: confirmed if it took place, or cancelled if it did not", Severity.WARNING))
        if item.date > now:  # a date given in the future would have held the event back
            warnings.append(Problem(item.source, where.get("start", 1), "date",
                                    f"is not given, so the event is dated by its start (or an earlier updated:), "
                                    f"{item.date.date()}: feeds and calendars date it in the future",
                                    "add date: with when it is announced, e.g. today", Severity.WARNING))
    return warnings


def lint_moved(items: Iterable[Item], held: Iterable[Item], lines: Mapping[str, Mapping[str, int]], id_domain: str,
               id_path: str) -> list[Problem]:
    """A warning for each item whose page has moved since it was first published (its slug changed,
    or its kind): its id, made then and kept by the ledger, names the page it had, where links and
    bookmarks still lead. None when another item has that page now, or will have once its embargo
    lifts (`held`), or the item lists it in aliases."""
    items = list(items)
    moved = [(item, old) for item in items
             if not item.id.endswith(f":{id_path}{item.section}/{item.slug}")  # at once: its id names its page
             and (old := _first_page(item.id, id_domain, id_path)) is not None and old != item.path]
    pages = {item.path for item in (*items, *held)} if moved else set()
    warnings = []
    for item, old in moved:
        if old in pages or old in item.aliases:
            continue
        where = lines.get(item.source, {})
        warnings.append(Problem(item.source, where.get("slug", 1), "slug",
                                f"the item's page has moved since it was published, from {old} to {item.path}: "
                                "links to the old address lead nowhere",
                                f"add aliases: [/{old}] to send readers on from it, or set slug: back to keep the "
                                "page where it was", Severity.WARNING))
    return warnings


def _first_page(item_id: str, id_domain: str, id_path: str) -> str | None:
    """The page an id made by feeds names (tag:example.org,2018-11-12:news/slug is news/slug/), or
    None for an id of another form or site."""
    scheme, _, rest = item_id.partition(":")
    authority, _, specific = rest.partition(":")
    if scheme != "tag" or authority.partition(",")[0] != id_domain or not specific.startswith(id_path):
        return None
    section, _, slug = unquote(specific.removeprefix(id_path)).partition("/")
    if section not in (NewsItem.section, Event.section) or not slug or "/" in slug:
        return None
    return item_path(section, slug)


def _updated_to_come(item: Item, line: int, now: datetime) -> Problem:
    """The warning for an `updated:` still to come: feeds and calendars would carry a change dated in the
    future, and a later edit given its true time would look older to calendar apps, which keep the copy
    they have. For an event it is most often a time written without its offset, which is read in the
    event's own zone (10:00 meant in Zurich, read in New York, is six hours later)."""
    zone = f"in the event's time zone, {item.timezone.key}" if isinstance(item, Event) else "in the site's time zone"
    return Problem(item.source, line, "updated", f"is still to come at this build ({item.updated.isoformat()}): feeds "
                   "and calendars would date the change in the future",
                   f"give when the item last changed, with its offset, as updated: {now.isoformat(timespec='minutes')} "
                   f"would be this moment; a time without one is {zone}",
                   Severity.WARNING)
