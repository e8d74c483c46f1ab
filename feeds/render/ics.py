"""The calendar: events.ics and each event's event.ics, RFC 5545 with RFC 7986 properties, via icalendar."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import partial
from html import escape
from typing import NamedTuple
from urllib.parse import urlsplit

from icalendar import Calendar, vCalAddress, vDuration, vGeo, vRecur, vUri
from icalendar import Event as VEvent
from icalendar.timezone.tzid import is_utc

from feeds import __version__
from feeds.calendar_links import (
    CALENDAR_PATH,
    event_ics_path,
    event_text,
    tag_calendar_path,
)
from feeds.event_status import banner, calendar_title, ical_status, place, venue
from feeds.ids import uid_of
from feeds.languages import direction
from feeds.links import absolutize
from feeds.markup import with_back_labels
from feeds.mediatypes import media_type
from feeds.model import Event, Site
from feeds.recurrence import length_on_the_clock, series_end
from feeds.render import JoinedFile, Output, OutputFile
from feeds.render.ics_text import PlainText, plain, to_ical
from feeds.render.vtimezone import vtimezone_ical
from feeds.settings import Person, SiteConfig
from feeds.timezones import comes_twice

__all__ = ["EventPart", "EventText", "event_part", "render_calendar"]

_END = b"END:VCALENDAR\r\n"


@dataclass(frozen=True)
class EventText:
    """One VEVENT as icalendar writes it (folded, CRLF), the time zones it names and the years it spans."""

    data: bytes
    tzids: tuple[str, ...]
    years: tuple[int, int]  # the VTIMEZONEs must cover 1 January of the first to 1 January of the last


@dataclass(frozen=True)
class EventPart:
    """One event's VEVENT, and its own importable file."""

    text: EventText
    file: Output


EventParts = Callable[[Callable[[Event], EventPart], Sequence[Event]], list[EventPart]]


def each_event(make: Callable[[Event], EventPart], events: Sequence[Event]) -> list[EventPart]:
    """Every event's part, made here and now (a cache may give some instead: see feeds.parts)."""
    return [make(event) for event in events]


def render_calendar(site: Site, event_parts: EventParts = each_event) -> list[Output]:
    """The subscribable calendar of its events (see Site.subscribed_events), one per tag that any event
    has, holding those of its events, and one importable file per event.

    Each VEVENT is serialised once and its bytes are placed in the calendar, in its tags' calendars
    and in the event's own file; `event_parts` makes them with the function given, and a cache may
    provide it.
    """
    parts = event_parts(partial(event_part, site), site.events)
    subscribed = {event.id for event in site.subscribed_events}
    held = [(event, _Held(part.text, part.file.digest)) for event, part in zip(site.events, parts)
            if event.id in subscribed]
    tagged: dict[str, list[_Held]] = {tag.slug: [] for tag in site.calendar_tags}  # in the calendar's order
    for event, one in held:
        for tag in event.tags:
            tagged[tag.slug].append(one)
    config = site.config
    calendars = [_subscription(site, [one for _, one in held], CALENDAR_PATH, site.calendar_name, "",
                               uid_of("calendar", config.id_domain, config.id_path))]
    for tag in site.calendar_tags:
        page = f"tags/{tag.slug}/"  # its URL, and in its UID: calendar.tags.<slug>@host
        calendars.append(_subscription(site, tagged[tag.slug], tag_calendar_path(tag.slug), site.tag_calendar_name(tag),
                                       page, uid_of("calendar", config.id_domain, config.id_path + page)))
    return [*calendars, *(part.file for part in parts)]


class _Held(NamedTuple):
    """An event as a subscribable calendar holds it: its VEVENT, and the digest of its own file, which
    holds the VEVENT (taken once, though the event is in several calendars)."""

    text: EventText
    digest: str


def _subscription(site: Site, held: list[_Held], path: str, name: str, page: str, uid: str) -> JoinedFile:
    """A subscribable calendar at `path` of these events, named `name`, whose page (URL) is `page`."""
    header = _subscription_header(site.config, path, name, page, uid, bool(held))
    # RFC 5545 asks a calendar for one component at least: with no events, the site's time zone.
    zone = None if held else (site.config.timezone.key, site.year)
    return JoinedFile(path, partial(_calendar_parts, header, [one.text for one in held], zone),
                      _calendar_key(header, [one.digest for one in held], zone))


def _calendar_key(header: bytes, digests: list[str], zone: tuple[str, int] | None) -> str:
    """A key of the calendar's bytes: its header, and the digest of each event's own file, which holds its VEVENT."""
    hasher = hashlib.blake2b(header + repr(zone).encode(), digest_size=16)
    for digest in digests:
        hasher.update(b"\0" + digest.encode())
    return "calendar:" + hasher.hexdigest()


def event_part(site: Site, event: Event) -> EventPart:
    """An event's VEVENT and its own file."""
    text = _vevent_text(site, event)
    own = b"".join(_calendar_parts(_import_header(site, event), [text]))
    return EventPart(text, OutputFile(event_ics_path(event), own))


def _vevent_text(site: Site, event: Event) -> EventText:
    """One event's VEVENT as icalendar writes it, with the zones and years its VTIMEZONEs must cover."""
    vevent = _vevent(site, event)
    tzids = {value.params.get("TZID") for _, value in vevent.property_items(sorted=False) if hasattr(value, "params")}
    first = _day(event.start) - timedelta(days=1)
    last = _day(series_end(event)) + timedelta(days=1)
    return EventText(to_ical(vevent), tuple(sorted(tzids - {None, "UTC"})), (first.year, last.year + 1))


def _calendar_parts(header: bytes, texts: list[EventText], zone: tuple[str, int] | None = None) -> tuple[bytes, ...]:
    """The parts of a VCALENDAR, in order: its properties, a VTIMEZONE for every zone the events
    name, covering the years of the events that name it (or for `zone`, a zone's name and a year,
    when they name none), the events, its end."""
    spans = _zone_years(texts)
    parts = [header]
    if spans:
        parts += [vtimezone_ical(tzid, first, last) for tzid, (first, last) in sorted(spans.items())]
    elif zone is not None:
        parts.append(vtimezone_ical(zone[0], zone[1], zone[1] + 1))
    parts += [text.data for text in texts]
    parts.append(_END)
    return tuple(parts)


def _zone_years(texts: list[EventText]) -> dict[str, tuple[int, int]]:
    """Each zone the events name, with the years of the events that name it: not the years of all
    events, since a zone whose rules changed anywhere in a wider span would be listed change by change
    rather than as the yearly rules Outlook needs (New York in 2024 by an event of 2005 in Zurich)."""
    spans: dict[str, tuple[int, int]] = {}
    for text in texts:
        for tzid in text.tzids:
            first, last = spans.get(tzid, text.years)
            spans[tzid] = (min(first, text.years[0]), max(last, text.years[1]))
    return spans


@functools.lru_cache(maxsize=4096)
def _subscription_header(config: SiteConfig, path: str, name: str, page: str, uid: str, any_events: bool) -> bytes:
    """A subscribable calendar's own properties, without its END line: its name, description, source
    (its own address, at `path`), page, UID, refresh interval, colour and image. Remembered: the
    preview makes the same ones, one per tag with events, at each rebuild."""
    settings = config.calendar
    cal = Calendar.new(
        prodid=_prodid(config),
        url=config.url(page),
        source=config.url(path),
        color=settings.color or None,
        method=_method(config, any_events),
        uid=uid,
    )
    # Texts as TEXT values (icalendar writes NAME and the X-WR- names unescaped), each in RFC 7986's
    # property and in the older X-WR- one that Apple Calendar and Outlook read.
    description = settings.description or config.description
    for names, text in ((("NAME", "X-WR-CALNAME"), name), (("DESCRIPTION", "X-WR-CALDESC"), description)):
        for prop in names if text else ():
            cal.add(prop, plain(text))
    cal.add("REFRESH-INTERVAL", vDuration(settings.refresh), parameters={"VALUE": "DURATION"})  # as RFC 7986 requires
    cal.add("X-WR-TIMEZONE", config.timezone.key)
    cal.add("X-PUBLISHED-TTL", vDuration(settings.refresh))  # REFRESH-INTERVAL for older clients
    if settings.image:
        image = config.absolute(settings.image)
        cal.add("IMAGE", vUri(image), parameters={"VALUE": "URI", "DISPLAY": "BADGE"})
    return _without_end(cal)


def _import_header(site: Site, event: Event) -> bytes:
    """The own properties of the file that imports one event, without its END line: none of a
    subscription's, so that clients add the event rather than a new calendar."""
    # The UID given: icalendar would otherwise give the calendar a random one.
    cal = Calendar.new(prodid=_prodid(site.config), method=_method(site.config, True), uid=f"import.{event.uid}")
    return _without_end(cal)


def _prodid(config: SiteConfig) -> str:
    return f"-//{config.id_domain}//feeds {__version__}//EN"


def _method(config: SiteConfig, any_events: bool) -> str | None:
    """iTIP requires an ORGANIZER in every VEVENT of a METHOD:PUBLISH calendar, and a VEVENT at least."""
    return "PUBLISH" if config.calendar.organizer and any_events else None


def _without_end(cal: Calendar) -> bytes:
    data = to_ical(cal)
    assert data.endswith(_END)
    return data[: -len(_END)]


def _vevent(site: Site, event: Event) -> VEvent:
    config = site.config
    organizer = config.calendar.organizer
    page_url = config.url(event.path)
    vevent = VEvent.new(
        uid=event.uid,  # always given: icalendar would otherwise make a random one
        stamp=event.updated,  # from the content, never the build time
        created=event.date,
        last_modified=event.updated,
        sequence=event.sequence,
        summary=plain(calendar_title(event, site.strings)),
        description=plain(event_text(site, event)),
        start=_unambiguous(event.start, event),
        end=None if (length := _wall_length(event)) else _unambiguous(event.end_exclusive, event),
        location=plain(where) if (where := place(event, site.strings)) else None,
        url=event.url or page_url,
        status=ical_status(event.status),  # type: ignore[arg-type]
        transparency="TRANSPARENT" if event.all_day else "OPAQUE",
        categories=[tag.name for tag in event.tags] or None,  # none rather than one empty category
        organizer=_organizer(organizer) if organizer else None,
    )
    if event.body_html:  # Outlook shows this HTML instead of DESCRIPTION: it says all DESCRIPTION says
        status = banner(event, site.strings)
        body = absolutize(with_back_labels(event.body_html, site.strings.footnote_back), page_url)
        if event.lang:  # the status and the link are in the site's words, the body in its own
            body = f'<div lang="{escape(event.lang)}" dir="{direction(event.lang)}">{body}</div>'
        html = "".join((f"<p><strong>{escape(status)}</strong></p>" if status else "", body,
                        f'<p><a href="{escape(page_url)}">{escape(page_url)}</a></p>'))
        # Marked with its language and direction, as a page is: an Arabic text is laid out right to left.
        document = f'<html lang="{escape(config.language)}" dir="{direction(config.language)}"><body>{html}</body></html>'
        vevent.add("X-ALT-DESC", PlainText(document), parameters={"FMTTYPE": "text/html"})
    if (location := venue(event)) and location.geo:
        vevent.add("GEO", _Geo(location.geo))
    if length:
        vevent.add("DURATION", length)
    if event.recurrence:
        vevent.add("RRULE", vRecur.from_ical(event.recurrence.rule))
        if event.recurrence.exdates:
            vevent.add("EXDATE", [_unambiguous(moment, event) for moment in event.recurrence.exdates])
    if event.image:
        image = config.absolute(event.image)
        vevent.add("IMAGE", vUri(image), parameters=_image_parameters(image))
    return vevent


def _image_parameters(url: str) -> dict[str, str]:
    """The parameters of an event's IMAGE (RFC 7986), given by its URI as the calendar's own is: shown
    as a picture that enhances the event (DISPLAY=FULLSIZE: a poster, the venue; the calendar's is a
    BADGE beside its name), with its media type when the name tells it."""
    kind = media_type(urlsplit(url).path)
    return {"VALUE": "URI", "DISPLAY": "FULLSIZE", **({"FMTTYPE": kind} if kind.startswith("image/") else {})}


def _wall_length(event: Event) -> timedelta | None:
    """For a series whose first date spans a change of the clocks (from 22:00 to 04:00 on the night
    summer time ends), its length on the clock, to be written as DURATION; None for any other event.
    Every date of a series lasts as long as its first (RFC 5545 section 3.8.5.3), and a DTEND would
    make that 7 hours: each later date would end at 05:00, where its page says 04:00. So too for a
    series whose first date ends at a time the clocks skip or have twice: ical.js reads such a DTEND
    at the other offset than RFC 5545 does, and would make every date an hour shorter or longer."""
    start, end = event.start, event.end_exclusive
    if not event.recurrence or not isinstance(start, datetime) or not isinstance(end, datetime):
        return None
    length = length_on_the_clock(event)
    if start.utcoffset() == (start + length).utcoffset() and not comes_twice(end):
        return None
    return length


def _unambiguous(moment: date | datetime | None, event: Event) -> date | datetime | None:
    """An event's time, in UTC where its zone would not say it for sure:

    - a single event's time whose wall time happens twice in its zone, as the clocks go back:
      clients disagree on which of the two it means (icalendar takes the first, as RFC 5545 says,
      and ical.js the second); a series keeps its zone, which its later dates follow;
    - a time in a zone that icalendar writes as UTC (Z) for being UTC now, as Atlantic/Reykjavik is,
      at a date when it was not (Reykjavik was an hour behind until 1968).
    """
    if not isinstance(moment, datetime):
        return moment
    taken_for_utc = bool(moment.utcoffset()) and is_utc(moment)
    if taken_for_utc or event.unsure_on_the_clock(moment):
        return moment.astimezone(timezone.utc)
    return moment


class _Geo(vGeo):  # type: ignore[misc]
    """GEO as RFC 5545 section 3.3.7 writes a FLOAT: digits, never an exponent (icalendar writes
    str(float), which gives -5e-05 near the meridian or the equator)."""

    def to_ical(self) -> str:
        return ";".join(f"{value:.6f}".rstrip("0").rstrip(".") for value in (self.latitude, self.longitude))


def _organizer(person: Person) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = person.name
    return address


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
