"""Front matter's values read one key at a time: each checked, each bad one a problem at its line."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from feeds.addresses import web_address
from feeds.aliases import AliasError, alias_path
from feeds.errors import Problem, Severity, closest
from feeds.languages import language_problem
from feeds.limits import (
    MAX_SLUG_BYTES,
    MAX_TAGS,
    REFUSED_HINT,
    one_line,
    refused_problem,
    shows_nothing,
)
from feeds.load import Source, list_items
from feeds.model import Tag, tag_words
from feeds.slugs import cut_at_word, slug_of
from feeds.timezones import OutOfRange, comes_twice, day_or_moment, in_range

# A URI with a scheme (RFC 3986 section 3.1) and no character a URI cannot hold (section 2; IRIs add
# the characters beyond ASCII): what Atom's id must be (RFC 4287 section 4.2.6).
_ABSOLUTE_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+\Z")
# A '-' that begins a word of a text, as a list's lines give it when written with no space after it
# (tags:⏎  -Cyber⏎  -Paris, which YAML reads as the one text "-Cyber -Paris").
_DASHED = re.compile(r"(?:^|\s)-(?=\S)")
_LIST_DASH = re.compile(r"(?:^|\s)-\s*")  # each '-' that begins a line of such a list, spaced or not


def absolute_uri(value: str) -> bool:
    """Whether the text is an absolute URI, as an item's id must be."""
    return _ABSOLUTE_URI.match(value) is not None


@lru_cache(maxsize=4096)
def _tag(written: str) -> Tag:
    """A tag as written in a list of tags: its name on one line, in Unicode's composed form (NFC: an é
    typed on a Mac may come as e and an accent, the same text to a reader but not to a feed reader
    matching categories), and its slug. A newsroom writes the same few hundred tags again and again,
    and a slug takes a few microseconds each time."""
    name = unicodedata.normalize("NFC", one_line(written))
    return Tag(slug_of(name), name)


def _as_a_list(text: str) -> str | None:
    """How to write as a list the tags a text given for tags likely meant, or None for a text that
    is one word: words parted by commas (tags: Cyber, Paris), a list's lines with no space after
    their '-', which YAML reads as one text, or words parted by spaces, a tag each to Jekyll."""
    if "," in text:
        listed = ", ".join(word for word in map(one_line, text.split(",")) if word)
        return f"for a tag each, write a list: tags: [{listed}]"
    if _DASHED.match(text):
        words = [word.strip() for word in _LIST_DASH.split(text) if word.strip()]
        return f"a list puts a space after each '-': - {words[0]}; or write tags: [{', '.join(words)}]"
    if len(words := text.split()) > 1:
        return (f"for a tag each, as Jekyll reads words parted by spaces, write a list: tags: [{', '.join(words)}]; "
                f"for one tag, tags: [{' '.join(words)}]")
    return None


class Fields:
    """Typed reads of one file's front matter; each bad value becomes a located problem."""

    def __init__(self, source: Source, problems: list[Problem]) -> None:
        self.source = source
        self.meta = source.meta
        self.problems = problems

    def fail(self, key: str, message: str, hint: str = "", severity: Severity = Severity.ERROR,
             line: int | None = None) -> None:
        """A problem at the line of `key` (or at `line`, one of its list's): an error unless told otherwise."""
        where = self.source.line(key) if line is None else line
        self.problems.append(Problem(self.source.path, where, key, message, hint, severity))

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        """A one-line text field: whitespace runs become one space (limits.one_line)."""
        value = self.meta.get(key)
        if value is None:
            if key in self.meta:
                self.empty(key)
            elif required:
                self.fail(key, "missing; it is required", f"add a line '{key}: ...' to the front matter")
            return default
        if not isinstance(value, str):
            self.fail(key, f"expected text, got {describe(value)}",
                      f"quote it: {key}: \"{_as_written(self.source, key, value)}\"")
            return default
        if not self.checked(key, value):
            return default
        if required and shows_nothing(value):
            self.fail(key, "is empty" if not value.strip() else "shows nothing: it holds only invisible characters",
                      "give it a value")
        return one_line(value)

    def empty(self, key: str) -> None:
        """The problem of a key written without a value, or with one YAML reads as a comment (title: #1)."""
        written = _written(self.source, key)
        if written.startswith("#"):
            quoted = written.replace("\\", "\\\\").replace('"', '\\"')  # as YAML reads a double-quoted text
            self.fail(key, "is empty: YAML reads ' #' and what follows as a comment",
                      f"quote the value: {key}: \"{quoted}\"")
            return
        self.fail(key, "is empty",
                  f"give it a value, or leave the key out; quote words YAML reads as nothing: {key}: \"null\"")

    def checked(self, key: str, value: str) -> bool:
        """False, after a problem, when a text holds a character no output can carry (e.g. a YAML escape)."""
        problem = refused_problem(value)
        if problem is not None:
            self.fail(key, problem, REFUSED_HINT)
        return problem is None

    def web_address(self, key: str, *, in_site: bool = False) -> str:
        """An http(s) URL as published (see `web_address`); with `in_site`, or the path of a file of the
        site (static/images/photo.jpg)."""
        value = self.text(key)
        address = web_address(value, in_site=in_site) if value else value
        if address is None:
            example = "static/images/photo.jpg or https://example.org/photo.jpg" if in_site else "https://example.org/"
            self.fail(key, f"not a web address: {value!r}", f"write it in full, e.g. {example}")
            return ""
        return address

    def feed_id(self, key: str, made: str) -> str:
        """An item's id as given: an absolute URI (a tag: URI, a urn:uuid:, a web address), as Atom's
        id must be; `made` is the id the item gets without one ("" when its date is wrong)."""
        value = self.text(key)
        if value and not absolute_uri(value):
            self.fail(key, f"{value!r} is not an absolute URI, which feeds need an id to be",
                      "an id is a URI such as tag:example.org,2018-11-12:news/slug (no spaces); or leave the key "
                      "out" + (f" for {made}" if made else ""))
            return ""
        return value

    def language(self) -> str:
        """The item's language tag (lang:), when it is not the site's."""
        value = self.text("lang")
        if value and (problem := language_problem(value)) is not None:
            self.fail("lang", *problem)
            return ""
        return value

    def wall_time(self, key: str, local: datetime, zone: ZoneInfo) -> None:
        """A warning for a time of day the zone skips as its clocks go forward, or has twice as they go
        back: calendar apps disagree on such times (RFC 5545 means the offset before the change)."""
        back = local.astimezone(timezone.utc).astimezone(zone)
        if back.replace(tzinfo=None) != local.replace(tzinfo=None):
            self.fail(key, f"{local:%Y-%m-%d %H:%M} does not exist in {zone.key}: the clocks skip it; it is read "
                      f"as {back:%H:%M}", "give a time outside the change", Severity.WARNING)
        elif comes_twice(local):
            self.fail(key, f"{local:%Y-%m-%d %H:%M} happens twice in {zone.key}, as the clocks go back; the first "
                      "is meant, and some calendar apps read the second", f"give its offset to be sure: "
                      f"{local.isoformat()}", Severity.WARNING)

    def flag(self, key: str) -> bool:
        """A true-or-false key; false when it is left out or is not true or false."""
        value = self.meta.get(key, False)
        if value is None:  # draft: with nothing after it
            self.fail(key, "is empty", f"write {key}: true or {key}: false, unquoted, or leave the key out")
            return False
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {describe(value)}", f"write {key}: true or {key}: false, unquoted")
            return False
        return value

    def tags(self) -> tuple[Tag, ...]:
        """The item's tags, one per slug, sorted: from a list of words, or from one word alone."""
        value = self.meta.get("tags", [])
        if value is None:
            self.empty("tags")
            return ()
        if isinstance(value, str):
            if (hint := _as_a_list(value)) is not None:
                self.fail("tags", f"{one_line(value)!r} is one tag (tags/{_tag(value).slug}/)", hint, Severity.WARNING)
            value = [value]
        if not isinstance(value, list):
            self.fail("tags", f"expected a list of words, got {describe(value)}", "e.g. tags: [cybersecurity, paris-call]")
            return ()
        if len(value) > MAX_TAGS:  # the item's entry in each tag's feed names every tag: work grows as their square
            self.fail("tags", f"{len(value):,} tags; the limit is {MAX_TAGS}",
                      "keep the topics the item is about: each tag has its own pages and feeds")
            return ()
        if not self.tags_are_words(value):
            return ()
        tags: dict[str, Tag] = {}
        for written in value:
            tag = _tag(written)
            name, slug = tag.name, tag.slug
            if not self.checked("tags", name):
                continue
            if not slug:
                self.fail("tags", f"{name!r} gives no slug: a tag's pages are named by its letters and digits",
                          "add a word to it, or leave it out")
            elif len(slug.encode()) > MAX_SLUG_BYTES:  # a tag names folders too
                self.fail("tags", f"a tag gives a slug of {len(slug.encode())} bytes in UTF-8; the limit is {MAX_SLUG_BYTES}",
                          f"shorten it, e.g. to {cut_at_word(slug, 40)}")
            elif slug in tags and tag_words(tags[slug].name) != tag_words(name):
                self.fail("tags", f"{name!r} gives the same slug as {tags[slug].name!r} (tags/{slug}/), and is left out",
                          "write one of them in other words", Severity.WARNING)
            else:
                tags.setdefault(slug, tag)
        return tuple(sorted(tags.values()))

    def aliases(self, site_path: str) -> tuple[str, ...]:
        """The item's old addresses (see feeds.aliases), each once, in the order written: from a list,
        or one alone. `site_path` is base_url's (newsroom/), from which they are written."""
        value = self.meta.get("aliases", [])
        if value is None:
            self.empty("aliases")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(written, str) for written in value):
            self.fail("aliases", f"expected a list of the item's old addresses, got {describe(value)}",
                      "e.g. aliases: [/2018/11/12/forum-joins-paris-call.html]")
            return ()
        paths: dict[str, None] = {}
        for n, written in enumerate(value):
            if not self.checked("aliases", written):
                continue
            try:
                paths[alias_path(written.strip(), site_path)] = None
            except AliasError as error:  # at the address's own line, in a list of one a line
                lines = _item_lines(self.source, "aliases")
                self.fail("aliases", error.problem, error.hint, line=lines[n] if n < len(lines) else None)
        return tuple(paths)

    def tags_are_words(self, items: list[Any]) -> bool:
        """False, after a problem for each, when a tag in the list is not a word (YAML reads 2018 as a number)."""
        bad = [n for n, item in enumerate(items) if not (isinstance(item, str) and item.strip())]
        written = _written_items(self.source, "tags") if bad else []
        for n in bad:
            item, as_written = items[n], written[n] if n < len(written) else ""
            if item is None or isinstance(item, str):
                self.fail("tags", "a tag is empty", "give it a word, or leave it out; quote words YAML reads as "
                          "nothing: \"null\"")
            elif as_written:
                self.fail("tags", f"the tag {as_written} is not text, but {describe(item)}",
                          f"quote it: \"{as_written}\"")
            else:
                self.fail("tags", f"a tag is {describe(item)}, not a word", "e.g. tags: [cybersecurity, paris-call]")
        return not bad

    def moment(self, key: str, zone: ZoneInfo, required: bool = False) -> date | datetime | None:
        """A date or an aware datetime (naive times are in `zone`)."""
        value = self.meta.get(key)
        if value is None:
            if required:
                self.fail(key, "missing; it is required", "a date like 2018-11-12 or a time like 2018-11-12T09:30")
            return None
        if isinstance(value, str):
            try:
                value = day_or_moment(value)
            except OutOfRange as error:
                self.fail(key, f"{value.strip()!r}: {error}", "a date in a newsroom's lifetime")
                return None
            except ValueError:
                self.fail(key, f"not a date or time: {value.strip()!r}", "write 2018-11-12 or 2018-11-12T09:30:00+01:00")
                return None
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                return value
            local = value.replace(tzinfo=zone)
            if key in ("start", "end"):  # the times calendars read
                self.wall_time(key, local, zone)
            return local
        if isinstance(value, date):
            return value
        self.fail(key, f"expected a date or time, got {describe(value)}", "write 2018-11-12 or 2018-11-12T09:30:00+01:00")
        return None

    def instant(self, key: str) -> datetime | None:
        """A date-time with its zone (an offset or Z): no guessing for the moment something goes public."""
        value = self.meta.get(key)
        hint = f"write the time with its offset, e.g. {key}: 2018-11-26T09:00:00+01:00"
        if value is None:
            if key in self.meta:  # embargo: with nothing after it holds nothing back: not what was meant
                self.fail(key, "is empty: it would hold nothing back", f"{hint}, or leave the key out")
            return None
        text = value.strip() if isinstance(value, str) else ""
        try:
            moment = datetime.fromisoformat(text) if len(text) > 10 else None
        except ValueError:
            moment = None
        if moment is None:
            self.fail(key, f"not a date-time: {value!r}", hint)
            return None
        if moment.tzinfo is None:
            self.fail(key, f"{text!r} has no zone", hint)
            return None
        try:
            return in_range(moment)
        except OutOfRange as error:
            self.fail(key, f"{text!r}: {error}", "a date in a newsroom's lifetime")
            return None

    def unknown_keys(self, known: set[str]) -> None:
        """A warning for each key not among `known`, with the closest known one; an error for one by
        which Jekyll or Hugo held an item back, as unread it would publish the item."""
        for key in self.meta:  # every key is text (feeds.load refuses others)
            if key in known:
                continue
            if (held := _held_back(key, self.meta[key])) is not None:
                self.fail(key, *held)
            else:
                hint = _NAMED_OTHERWISE.get(key.lower()) or closest(key, known, "known keys")
                self.fail(key, "unknown key; it is ignored", hint, Severity.WARNING)


_PAGES = "news/<slug>/ or events/<slug>/"
# Keys of Jekyll's and Hugo's front matter, by their names in lower case (Hugo's are of any case), and
# what feeds has for each: an editor moving a site over is told what to write.
_NAMED_OTHERWISE = {
    "published": "every item not a draft is published here: leave it out",  # Jekyll's published: true
    "layout": "leave it out: an item's kind picks its template, templates/news.html or templates/event.html",
    "excerpt": "Jekyll's excerpt is summary here: rename the key",
    "description": "a description is the summary here: rename the key",
    "lastmod": "Hugo's lastmod is updated here: rename the key",
    "last_modified_at": "Jekyll's last_modified_at is updated here: rename the key",
    "categories": "feeds files items under tags alone: add them to tags: [...]",
    "category": "feeds files items under tags alone: add it to tags: [...]",
    "permalink": f"an item's page is {_PAGES}: slug: names it; aliases: [...] lists old addresses that lead to it",
    "url": f"an item's page is {_PAGES}: slug: names it; aliases: [...] lists old addresses that lead to it",
    "redirect_from": "Jekyll's redirect_from is aliases here: rename the key",
}


def _held_back(key: str, value: Any) -> tuple[str, str] | None:
    """The problem and its hint for a key by which Jekyll or Hugo kept an item from being published, or
    took it down: Jekyll's published: false, Hugo's publishDate and expiryDate (of any case, and their
    other names). Read as an unknown key, it would leave the item published."""
    name = key.lower()
    hugos_date = isinstance(value, str) and _A_DATE.match(value)  # Hugo's published: is its publishDate
    if name == "published" and value is not True and not hugos_date:
        return (f"Jekyll's {key}: is not read here, and the item would be published",
                f"to keep the item out, replace {key}: with draft: true; to publish it, delete the line")
    if name in ("publishdate", "pubdate", "published") and value is not True:
        return (f"Hugo's {key} is not read here, and the item would be published at its date",
                "a date still to come holds an item back here: put this one in date:, or in embargo: with its zone")
    if name in ("expirydate", "unpublishdate"):
        return (f"Hugo's {key} is not read here, and the item would stay published",
                "feeds takes no item down at a time: withdrawn: true takes it down at the next build; or leave the "
                "key out")
    return None


_A_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # how a date begins


def describe(value: Any) -> str:
    """What a YAML value is, for a problem that says what was expected and what was found."""
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()}); YAML reads yes/no/on/off that way"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, (date, datetime)):
        return f"a date ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return f"text ({value!r})"
    return type(value).__name__


def _as_written(source: Source, key: str, value: Any) -> str:
    """The value as the writer typed it (YAML reads 1:30 as 90), for a hint that quotes it."""
    return _written(source, key) or str(value)


def _written(source: Source, key: str) -> str:
    """What follows the key on its line as written, comments included; "" for a key not written."""
    line = source.line(key)
    return source.raw_line(line).partition(":")[2].strip() if line > 1 else ""


def _written_items(source: Source, key: str) -> list[str]:
    """The items of a list as the writer typed them (YAML reads yes as true), "" for one that is not a
    plain value; [] when the key holds no list."""
    return [item.value if isinstance(item, yaml.ScalarNode) else "" for _, item in list_items(source, key)]


def _item_lines(source: Source, key: str) -> list[int]:
    """The line of each item of a list, in the file; [] when the key holds no list."""
    return [line for line, _ in list_items(source, key)]
