"""Front matter to typed items: every problem in every file collected, none short-circuiting another."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from feeds.errors import Problem, Severity
from feeds.fields import Fields, describe
from feeds.ids import tag_uri, uid_of
from feeds.limits import (
    MAX_SLUG_BYTES,
    REFUSED_HINT,
    TooDeep,
    one_line,
    refused_character,
    refused_kind,
)
from feeds.links import absolutize, image_paths, site_paths
from feeds.load import Source
from feeds.markup import first_paragraph, lead, to_html, to_plain_text
from feeds.model import Claim, Event, Location, NewsItem, Status, Tag, item_path
from feeds.recurrence import (
    Recurrence,
    RecurrenceError,
    parse_recurrence,
    skipped_periods,
    spanning_date,
    unsure_date,
)
from feeds.settings import Person, SiteConfig
from feeds.slugs import LEADING_DATE, cut_at_word, slug_from_name, slug_of
from feeds.timezones import comes_twice, instant, zone_hint, zone_or_none

COMMON_KEYS = {"title", "date", "updated", "summary", "tags", "slug", "draft", "embargo", "lang", "withdrawn",
               "image", "image_alt", "aliases"}
NEWS_KEYS = COMMON_KEYS | {"dateline", "author", "id"}
EVENT_KEYS = COMMON_KEYS | {"start", "end", "timezone", "location", "url", "status", "uid", "id",
                            "rrule", "exdate", "previous_start"}


class Common(NamedTuple):
    """The checked fields every item has, named as Item names them, so that an item is made from them whole."""

    source: str
    slug: str  # "" after a problem with it
    title: str
    date: datetime | None  # None after a problem with it
    updated: datetime | None
    summary: str
    body_html: str
    tags: tuple[Tag, ...]
    image: str
    image_alt: str
    aliases: tuple[str, ...]
    lang: str
    draft: bool
    withdrawn: bool
    embargoed_until: datetime | None


def _common(f: Fields, config: SiteConfig, default_date: datetime | None = None,
            zone: ZoneInfo | None = None, date_required: bool = True) -> Common:
    """The fields every item has; times without an offset are in `zone` (the event's), else the site's."""
    zone = zone or config.timezone
    title = f.text("title", required=True)
    if date_required and "date" not in f.meta and (named := LEADING_DATE.match(f.source.stem)):  # as Jekyll's posts
        f.fail("date", "missing; it is required", f"date: {named[0][:-1]}, as the file's name has it: feeds reads an "
               "item's date from its front matter alone")
        date_required = False
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
    body_html, summary = _body(f)
    return Common(
        source=f.source.path,
        slug=slug,
        title=title,
        date=published_at,
        updated=updated_at,
        summary=summary,
        body_html=body_html,
        tags=f.tags(),
        image=f.web_address("image", in_site=True),
        image_alt=f.text("image_alt"),
        aliases=f.aliases(config.published_under),
        lang=f.language(),
        draft=f.flag("draft"),
        withdrawn=f.flag("withdrawn"),
        embargoed_until=max(holds) if holds else None,
    )


def _body(f: Fields) -> tuple[str, str]:
    """The body as sanitised HTML and the summary (as given, else what the body writes before its
    <!--more-->, else its first paragraph); the body is "" after a problem with it, and the summary
    too when the body nests too deep."""
    source = f.source
    try:
        body_html = to_html(source.body)
        # The file's text has no such character (load refuses it); a reference such as &#1; can make one.
        if "&#" in source.body and (bad := refused_character(body_html)) is not None:
            f.problems.append(Problem(source.path, source.body_line, "body",
                                      f"a character reference gives U+{ord(body_html[bad]):04X}, a "
                                      f"{refused_kind(body_html[bad])}",
                                      REFUSED_HINT))
            body_html = ""
        return body_html, f.text("summary") or lead(source.body) or first_paragraph(body_html)
    except TooDeep as error:
        f.problems.append(Problem(source.path, source.body_line, "body", str(error),
                                  "flatten the nested quotes, lists or HTML blocks"))
        return "", ""


def _body_paths(common: Common, section: str, config: SiteConfig) -> dict[str, tuple[str, ...]]:
    """The paths inside the site that the body's links and images lead to, from the item's page: found
    once, as the item is parsed, for the related items and the check for broken links of every build."""
    page_url, body = config.base_url + item_path(section, common.slug), common.body_html
    return {"links": site_paths(body, page_url, config.base_url), "images": image_paths(body, page_url, config.base_url)}


def _tag_uri(config: SiteConfig, common: Common, section: str) -> str:
    """The id an item gets without an id: (see `tag_uri`), from the site's domain and path, its date and
    slug; "" when its date is wrong."""
    return tag_uri(config.id_domain, config.id_path, common.date, section, common.slug) if common.date else ""


def _slug(f: Fields) -> str:
    """The item's slug, from slug: or else the file name; "" after a problem."""
    before = len(f.problems)
    slug = slug_of(f.text("slug")) if f.meta.get("slug") is not None else slug_from_name(f.source.stem)
    if _has_errors(f.problems, before):  # slug: 123 is not text: that is the problem, not the empty slug it gives
        return ""
    if not slug:
        f.fail("slug", "gives an empty slug", "use letters or digits")
    elif len(slug.encode()) > MAX_SLUG_BYTES:
        f.fail("slug", f"gives a slug of {len(slug.encode())} bytes in UTF-8; the limit is {MAX_SLUG_BYTES}",
               f"give a shorter one: slug: {cut_at_word(slug, 80)}")
    return slug


def claim_of(source: Source, config: SiteConfig) -> Claim | None:
    """What a file with errors claims (see Claim); None for a withdrawn one, which has no page. Its
    problems, those of the keys read here among them, were reported as it was validated."""
    f = Fields(source, [])
    if f.flag("withdrawn"):
        return None
    slug = _slug(f)
    section = NewsItem.section if source.kind == "news" else Event.section
    return Claim(source=source.path, path=item_path(section, slug) if slug else "", id=f.feed_id("id", ""),
                 uid=f.text("uid") if source.kind == "event" else "", aliases=f.aliases(config.published_under),
                 draft=f.flag("draft"))


def news_item(source: Source, config: SiteConfig, problems: list[Problem]) -> NewsItem | None:
    """A validated news item, or None after adding its problems."""
    f = Fields(source, problems)
    before = len(problems)
    f.unknown_keys(NEWS_KEYS)
    common = _common(f, config)
    author = f.text("author")
    made_id = _tag_uri(config, common, NewsItem.section)
    given_id = f.feed_id("id", made_id)
    dateline = f.text("dateline")
    if _has_errors(problems, before):
        return None
    return NewsItem(
        **common._asdict(),
        **_body_paths(common, NewsItem.section, config),
        id=given_id or made_id,
        id_given=bool(given_id),
        dateline=dateline,
        author=Person(author) if author else None,
    )


def event(source: Source, config: SiteConfig, problems: list[Problem]) -> Event | None:
    """A validated event, or None after adding its problems."""
    f = Fields(source, problems)
    before = len(problems)
    f.unknown_keys(EVENT_KEYS)
    zone_name = f.text("timezone")
    zone = zone_or_none(zone_name) if zone_name else config.timezone
    if zone is None:
        f.fail("timezone", f"unknown time zone {zone_name!r}", zone_hint(zone_name))
        zone = config.timezone
    start = f.moment("start", zone, required=True)
    end = f.moment("end", zone)
    start, end = _event_span(f, start, end, zone)
    # An event without an announcement date is taken as announced when it starts; with no start, its
    # start's own problem says what is missing, and the date is not missing too.
    common = _common(f, config, default_date=instant(start, zone) if start else None, zone=zone,
                     date_required=False)
    status = _status(f)
    recurrence = _recurrence(f, start, end)
    previous_start = _in_zone(f.moment("previous_start", zone), zone)
    made_id = _tag_uri(config, common, Event.section)
    given_id, given_uid = f.feed_id("id", made_id), f.text("uid")
    location, url = _location(f), f.web_address("url")
    if _has_errors(problems, before):
        return None
    return Event(
        **common._asdict(),
        **_body_paths(common, Event.section, config),
        id=given_id or made_id,
        uid=given_uid or uid_of(common.slug, config.id_domain, config.id_path),
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
        body_text=to_plain_text(absolutize(common.body_html, config.url(item_path(Event.section, common.slug)))),
    )


def _event_span(f: Fields, start: Any, end: Any, zone: ZoneInfo) -> tuple[Any, Any]:
    """Check start and end agree; times given in UTC stay UTC, other offsets move to the event's zone."""
    start, end = _in_zone(start, zone), _in_zone(end, zone)
    if start is None or end is None:
        return start, None
    if isinstance(start, datetime) != isinstance(end, datetime):
        kind = "a time" if isinstance(start, datetime) else "a date (all-day)"
        f.fail("end", f"must be {kind} like start", "an all-day event has dates for both; a timed one times for both")
        return start, None
    # Times compared as instants: of one zone, Python compares them on the clock, where 03:15 is after
    # 02:45 on the night the clocks skip 02:00 to 03:00, though 02:45 is read as 03:45.
    first, last = (instant(moment, zone).astimezone(UTC) for moment in (start, end))
    if isinstance(end, datetime) and last == first:  # (an all-day end on the start day is a one-day event)
        f.fail("end", f"is the same moment as start ({start.isoformat()})",
               "leave end out for an event with no end, or give the time it ends")
    elif last < first:
        f.fail("end", f"is before start ({start.isoformat()})",
               "give the time the event ends, after its start; past midnight, with the next day's date"
               if isinstance(end, datetime) else "for all-day events end is the last day; leave it out for one day")
    return start, end


def _in_zone(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not zone and value.utcoffset() != timedelta(0):
        return value.astimezone(zone)
    return value


def _status(f: Fields) -> Status:
    value = f.text("status", default="confirmed").lower().replace(" ", "-").replace("_", "-")
    try:
        return Status(value)
    except ValueError:
        f.fail("status", f"unknown status {value!r}", "one of: " + ", ".join(s.value for s in Status))
        return Status.CONFIRMED


def _recurrence(f: Fields, start: date | datetime | None, end: date | datetime | None) -> Recurrence | None:
    if f.meta.get("rrule") is None:
        if f.meta.get("exdate") is not None:
            f.fail("exdate", "needs an rrule", "exdate leaves occurrences out of a repeating event")
        return None
    if start is None:
        return None
    if isinstance(start, datetime) and start.fold and comes_twice(start):  # RFC 5545 reads a wall time as the first
        f.fail("start", f"a series cannot start at the second {start:%H:%M} of {start:%Y-%m-%d} in {start.tzinfo}, as the "
               "clocks go back: calendars read a series' start on the clock, as the first",
               "start it at another time, or write this date as an event of its own")
        return None
    # Each date's length on the clock of the start's zone (as feeds.recurrence.length_on_the_clock)
    length = end.astimezone(start.tzinfo) - start if isinstance(start, datetime) and isinstance(end, datetime) else None
    try:
        recurrence = parse_recurrence(f.meta["rrule"], f.meta.get("exdate"), start, length)
    except RecurrenceError as error:
        f.fail(error.key, error.message, error.hint)
        return None
    read_apart = (unsure_date(recurrence), spanning_date(recurrence, length) if length else None,
                  skipped_periods(recurrence, start))
    for problem in read_apart:  # the dates calendar apps read apart
        if problem is not None:
            f.fail("rrule", *problem, Severity.WARNING)
    return recurrence


def _split_value_hint(value: dict[str, Any], keys: list[Any], index: int) -> str | None:
    """The hint for a key with no value (`keys[index]`) that follows a text in a mapping written on one
    line: there a comma ends the value (location: {name: Hall, address: 1 Main St, Geneva} makes Geneva
    a key), so the text was cut, at each of its commas (1 Main St, Geneva, Switzerland makes two keys,
    and each gets the whole text); None for any other unknown key."""
    if value[keys[index]] is not None:
        return None
    first = index
    while first > 0 and value[keys[first - 1]] is None:
        first -= 1
    last = index
    while last + 1 < len(keys) and value[keys[last + 1]] is None:
        last += 1
    before = keys[first - 1] if first > 0 else None
    if not isinstance(before, str) or not isinstance(value[before], str):
        return None
    cut = "".join(f", {key}" for key in keys[first:last + 1])
    return f'in {{...}} a comma ends a value: quote the {before} that holds one, {before}: "{value[before]}{cut}"'


def _location(f: Fields) -> Location | None:
    value = f.meta.get("location")
    if value is None:
        return None
    if isinstance(value, str):
        return Location(one_line(value)) if f.checked("location", value) and one_line(value) else None
    if not isinstance(value, dict):
        f.fail("location", f"expected text or a mapping with name, address, geo; got {describe(value)}",
               "location: Geneva, or name:, address: and geo: [lat, lon] indented under it")
        return None
    keys = list(value)
    for index, key in enumerate(keys):
        if key not in ("name", "address", "geo"):
            f.fail(f"location.{key}", "unknown key", _split_value_hint(value, keys, index)
                   or "location has name, address and geo: [lat, lon]")
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
