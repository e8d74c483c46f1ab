"""Front matter to typed items: every problem in every file collected, none short-circuiting another."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from slugify import slugify

from feeds.config import Person, SiteConfig
from feeds.errors import Problem, Severity, closest
from feeds.languages import language_problem
from feeds.limits import (
    MAX_SLUG_BYTES,
    REFUSED_HINT,
    TooDeep,
    cut_at_word,
    one_line,
    refused_character,
    web_address,
)
from feeds.links import absolutize, image_paths, site_paths
from feeds.load import Source
from feeds.markup import first_paragraph, to_html, to_plain_text
from feeds.model import Event, Location, NewsItem, Status, Tag, item_path, tag_words
from feeds.recurrence import Recurrence, RecurrenceError, parse_recurrence
from feeds.timezones import (
    OutOfRange,
    comes_twice,
    day_or_moment,
    in_range,
    instant,
    zone_or_none,
)

# A URI with a scheme (RFC 3986 section 3.1) and no character a URI cannot hold (section 2; IRIs add
# the characters beyond ASCII): what Atom's id must be (RFC 4287 section 4.2.6).
_ABSOLUTE_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+\Z")
COMMON_KEYS = {"title", "date", "updated", "summary", "tags", "slug", "draft", "embargo", "lang", "withdrawn"}
NEWS_KEYS = COMMON_KEYS | {"dateline", "author", "image", "image_alt", "id"}
EVENT_KEYS = COMMON_KEYS | {"start", "end", "timezone", "location", "url", "status", "uid", "id",
                            "rrule", "exdate", "previous_start"}
_LEADING_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}-")


@lru_cache(maxsize=4096)
def _tag(written: str) -> Tag:
    """A tag as written in a list of tags: its name on one line, and its slug. A newsroom writes the
    same few hundred tags again and again, and slugify takes a few microseconds each time."""
    name = one_line(written)
    return Tag(slugify(name), name)


class _Fields:
    """Typed reads of one file's front matter; each bad value becomes a located problem."""

    def __init__(self, source: Source, problems: list[Problem]) -> None:
        self.source = source
        self.meta = source.meta
        self.problems = problems

    def fail(self, key: str, message: str, hint: str = "", severity: Severity = Severity.ERROR) -> None:
        self.problems.append(Problem(self.source.path, self.source.line(key), key, message, hint, severity))

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
            self.fail(key, f"expected text, got {_describe(value)}",
                      f"quote it: {key}: \"{_as_written(self.source, key, value)}\"")
            return default
        if not self.checked(key, value):
            return default
        if required and not value.strip():
            self.fail(key, "is empty", "give it a value")
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
        bad = refused_character(value)
        if bad is not None:
            self.fail(key, f"contains the control character U+{ord(value[bad]):04X}", REFUSED_HINT)
        return bad is None

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
        if value and not _ABSOLUTE_URI.match(value):
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
        value = self.meta.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {_describe(value)}", f"write {key}: true or {key}: false, unquoted")
            return False
        return value

    def tags(self) -> tuple[Tag, ...]:
        value = self.meta.get("tags", [])
        if value is None:
            self.empty("tags")
            return ()
        if isinstance(value, str):
            if "," in value:  # tags: Cyber, Paris is one tag, published at tags/cyber-paris/
                listed = ", ".join(word for word in map(one_line, value.split(",")) if word)
                self.fail("tags", f"{one_line(value)!r} is one tag (tags/{_tag(value).slug}/)",
                          f"for a tag each, write a list: tags: [{listed}]", Severity.WARNING)
            value = [value]
        if not isinstance(value, list):
            self.fail("tags", f"expected a list of words, got {_describe(value)}", "e.g. tags: [cybersecurity, paris-call]")
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
                self.fail("tags", f"a tag gives a slug of {len(slug.encode())} characters; the limit is {MAX_SLUG_BYTES}",
                          f"shorten it, e.g. to {cut_at_word(slug, 40)}")
            elif slug in tags and tag_words(tags[slug].name) != tag_words(name):
                self.fail("tags", f"{name!r} gives the same slug as {tags[slug].name!r} (tags/{slug}/), and is left out",
                          "write one of them in other words", Severity.WARNING)
            else:
                tags.setdefault(slug, tag)
        return tuple(sorted(tags.values()))

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
                self.fail("tags", f"the tag {as_written} is not text, but {_describe(item)}",
                          f"quote it: \"{as_written}\"")
            else:
                self.fail("tags", f"a tag is {_describe(item)}, not a word", "e.g. tags: [cybersecurity, paris-call]")
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
        self.fail(key, f"expected a date or time, got {_describe(value)}", "write 2018-11-12 or 2018-11-12T09:30:00+01:00")
        return None

    def instant(self, key: str) -> datetime | None:
        """A date-time with its zone (an offset or Z): no guessing for the moment something goes public."""
        value = self.meta.get(key)
        if value is None:
            return None
        hint = f"write the time with its offset, e.g. {key}: 2018-11-26T09:00:00+01:00"
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
        for key in self.meta:  # every key is text (feeds.load refuses others)
            if key not in known:
                self.fail(key, "unknown key; it is ignored", closest(key, known, "known keys"), Severity.WARNING)


def _describe(value: Any) -> str:
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
    document = yaml.compose("\n".join(source.front_lines), Loader=yaml.SafeLoader)
    for key_node, value_node in document.value if isinstance(document, yaml.MappingNode) else ():
        if key_node.value == key and isinstance(value_node, yaml.SequenceNode):
            return [item.value if isinstance(item, yaml.ScalarNode) else "" for item in value_node.value]
    return []


def default_slug(source: Source) -> str:
    """The slug from the file name, without a leading YYYY-MM-DD- date."""
    return slugify(_LEADING_DATE.sub("", source.stem))


def _common(f: _Fields, config: SiteConfig, default_date: datetime | None = None,
            zone: ZoneInfo | None = None, date_required: bool = True) -> dict[str, Any]:
    """The fields every item has; times without an offset are in `zone` (the event's), else the site's."""
    zone = zone or config.timezone
    title = f.text("title", required=True)
    published = f.moment("date", zone, required=date_required)
    published_at = instant(published, zone) if published else default_date
    updated = f.moment("updated", zone)
    updated_at = instant(updated, zone) if updated else published_at
    if not published and published_at and updated_at and updated_at < published_at:
        published_at = updated_at  # an event announced without a date was known when it last changed
    if published_at and updated_at and updated_at < published_at:
        f.fail("updated", "is before date", "updated is when the item last changed after publication")
        updated_at = published_at
    embargo = f.instant("embargo")
    holds = [moment for moment in (published_at if published else None, embargo) if moment]
    slug = _slug(f)
    try:
        body_html = to_html(f.source.body)
        # The file's text has no such character (load refuses it); a reference such as &#1; can make one.
        if "&#" in f.source.body and (bad := refused_character(body_html)) is not None:
            f.problems.append(Problem(f.source.path, f.source.body_line, "body",
                                      f"a character reference gives U+{ord(body_html[bad]):04X}, a control character",
                                      REFUSED_HINT))
            body_html = ""
        summary = f.text("summary") or first_paragraph(body_html)
    except TooDeep as error:
        f.problems.append(Problem(f.source.path, f.source.body_line, "body", str(error),
                                  "flatten the nested quotes, lists or HTML blocks"))
        body_html, summary = "", ""
    return dict(
        source=f.source.path,
        slug=slug,
        title=title,
        date=published_at,
        updated=updated_at,
        summary=summary,
        body_html=body_html,
        tags=f.tags(),
        lang=f.language(),
        draft=f.flag("draft"),
        withdrawn=f.flag("withdrawn"),
        embargoed_until=max(holds) if holds else None,
    )


def _body_paths(fields: dict[str, Any], section: str, config: SiteConfig) -> dict[str, tuple[str, ...]]:
    """The paths inside the site that the body's links and images lead to, from the item's page: found
    once, as the item is parsed, for the related items and the check for broken links of every build."""
    page_url, body = config.base_url + item_path(section, fields["slug"]), fields["body_html"]
    return {"links": site_paths(body, page_url, config.base_url), "images": image_paths(body, page_url, config.base_url)}


def _tag_uri(config: SiteConfig, fields: dict[str, Any], section: str) -> str:
    """The id an item gets without an id: (RFC 4151), from the site's domain, its date and slug; ""
    when its date is wrong."""
    return f"tag:{config.id_domain},{fields['date']:%Y-%m-%d}:{section}/{fields['slug']}" if fields["date"] else ""


def _slug(f: _Fields) -> str:
    """The item's slug, from slug: or else the file name; "" after a problem."""
    before = len(f.problems)
    slug = slugify(f.text("slug")) if f.meta.get("slug") is not None else default_slug(f.source)
    if _has_errors(f.problems, before):  # slug: 123 is not text: that is the problem, not the empty slug it gives
        return ""
    if not slug:
        f.fail("slug", "gives an empty slug", "use letters or digits")
    elif len(slug.encode()) > MAX_SLUG_BYTES:
        f.fail("slug", f"gives a slug of {len(slug.encode())} characters; the limit is {MAX_SLUG_BYTES}",
               f"give a shorter one: slug: {cut_at_word(slug, 80)}")
    return slug


def news_item(source: Source, config: SiteConfig, problems: list[Problem]) -> NewsItem | None:
    """A validated news item, or None after adding its problems."""
    f = _Fields(source, problems)
    before = len(problems)
    f.unknown_keys(NEWS_KEYS)
    fields = _common(f, config)
    author = f.text("author")
    made_id = _tag_uri(config, fields, NewsItem.section)
    given_id = f.feed_id("id", made_id)
    item_id = given_id or made_id
    dateline, image, image_alt = f.text("dateline"), f.web_address("image", in_site=True), f.text("image_alt")
    if _has_errors(problems, before):
        return None
    return NewsItem(
        **fields,
        **_body_paths(fields, NewsItem.section, config),
        id=item_id,
        id_given=bool(given_id),
        dateline=dateline,
        author=Person(author) if author else None,
        image=image,
        image_alt=image_alt,
    )


def event(source: Source, config: SiteConfig, problems: list[Problem]) -> Event | None:
    """A validated event, or None after adding its problems."""
    f = _Fields(source, problems)
    before = len(problems)
    f.unknown_keys(EVENT_KEYS)
    zone_name = f.text("timezone")
    zone = zone_or_none(zone_name) if zone_name else config.timezone
    if zone is None:
        f.fail("timezone", f"unknown time zone {zone_name!r}", "use an IANA name such as Europe/Zurich")
        zone = config.timezone
    start = f.moment("start", zone, required=True)
    end = f.moment("end", zone)
    start, end = _event_span(f, start, end, zone)
    # An event without an announcement date is taken as announced when it starts; with no start, its
    # start's own problem says what is missing, and the date is not missing too.
    fields = _common(f, config, default_date=instant(start, zone) if start else None, zone=zone,
                     date_required=False)
    status = _status(f)
    recurrence = _recurrence(f, start)
    previous_start = _in_zone(f.moment("previous_start", zone), zone)
    slug = fields["slug"]
    made_id = _tag_uri(config, fields, Event.section)
    given_id, given_uid = f.feed_id("id", made_id), f.text("uid")
    location, url = _location(f), f.web_address("url")
    if _has_errors(problems, before):
        return None
    return Event(
        **fields,
        **_body_paths(fields, Event.section, config),
        id=given_id or made_id,
        uid=given_uid or f"{slug}@{config.id_domain}",
        id_given=bool(given_id),
        uid_given=bool(given_uid),
        start=start,
        end=end,
        timezone=zone,
        location=location,
        url=url,
        status=status,
        recurrence=recurrence,
        previous_start=previous_start,
        # Calendars cannot link: every link keeps its address, made absolute as in the calendar's HTML.
        body_text=to_plain_text(absolutize(fields["body_html"], config.url(f"{Event.section}/{slug}/"))),
    )


def _event_span(f: _Fields, start: Any, end: Any, zone: ZoneInfo) -> tuple[Any, Any]:
    """Check start and end agree; times given in UTC stay UTC, other offsets move to the event's zone."""
    start, end = _in_zone(start, zone), _in_zone(end, zone)
    if start is None or end is None:
        return start, None
    if isinstance(start, datetime) != isinstance(end, datetime):
        kind = "a time" if isinstance(start, datetime) else "a date (all-day)"
        f.fail("end", f"must be {kind} like start", "an all-day event has dates for both; a timed one times for both")
        return start, None
    if isinstance(end, datetime) and end == start:  # (an all-day end on the start day is a one-day event)
        f.fail("end", f"is the same moment as start ({start.isoformat()})",
               "leave end out for an event with no end, or give the time it ends")
    elif end < start:
        f.fail("end", f"is before start ({start.isoformat()})", "for all-day events end is the last day; leave it out for one day")
    return start, end


def _in_zone(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not zone and value.utcoffset() != timedelta(0):
        return value.astimezone(zone)
    return value


def _status(f: _Fields) -> Status:
    value = f.text("status", default="confirmed").lower().replace(" ", "-").replace("_", "-")
    try:
        return Status(value)
    except ValueError:
        f.fail("status", f"unknown status {value!r}", "one of: " + ", ".join(s.value for s in Status))
        return Status.CONFIRMED


def _recurrence(f: _Fields, start: date | datetime | None) -> Recurrence | None:
    if f.meta.get("rrule") is None:
        if f.meta.get("exdate") is not None:
            f.fail("exdate", "needs an rrule", "exdate leaves occurrences out of a repeating event")
        return None
    if start is None:
        return None
    try:
        return parse_recurrence(f.meta["rrule"], f.meta.get("exdate"), start)
    except RecurrenceError as error:
        f.fail(error.key, error.message, error.hint)
        return None


def _location(f: _Fields) -> Location | None:
    value = f.meta.get("location")
    if value is None:
        return None
    if isinstance(value, str):
        return Location(one_line(value)) if f.checked("location", value) and one_line(value) else None
    if not isinstance(value, dict):
        f.fail("location", f"expected text or a mapping with name, address, geo; got {_describe(value)}",
               "location: Geneva, or name:, address: and geo: [lat, lon] indented under it")
        return None
    for key in value:
        if key not in ("name", "address", "geo"):
            f.fail(f"location.{key}", "unknown key", "location has name, address and geo: [lat, lon]")
    name, address = value.get("name", ""), value.get("address", "")
    if not isinstance(name, str) or not isinstance(address, str):
        f.fail("location", "name and address must be text", "quote them: name: \"...\"")
        return None
    if not (f.checked("location.name", name) and f.checked("location.address", address)):
        return None
    if not one_line(name) and not one_line(address):
        f.fail("location", "has neither a name nor an address", "give it a name: the place people go to, or Online")
        return None
    geo = value.get("geo")
    if geo is not None:
        valid = (
            isinstance(geo, list) and len(geo) == 2
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in geo)
            and -90 <= geo[0] <= 90 and -180 <= geo[1] <= 180
        )
        if not valid:
            f.fail("location.geo", f"expected [latitude, longitude], got {geo!r}", "e.g. geo: [46.2044, 6.1432]")
            geo = None
    return Location(one_line(name), one_line(address), (float(geo[0]), float(geo[1])) if geo else None)


def _has_errors(problems: list[Problem], since: int) -> bool:
    return any(p.is_error for p in problems[since:])
