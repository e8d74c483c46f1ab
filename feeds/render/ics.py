"""The calendar: events.ics and each event's event.ics, RFC 5545 with RFC 7986 properties, via icalendar."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from icalendar import Calendar, Event as VEvent, Timezone, vCalAddress, vDuration, vRecur, vText, vUri

from feeds import __version__
from feeds.calendar_links import CALENDAR_PATH, event_ics_path, event_text
from feeds.config import Person
from feeds.event_status import calendar_title, ical_status
from feeds.model import Event, Site
from feeds.recurrence import series_end
from feeds.render import OutputFile
from feeds.render.links import absolutize
from feeds.render.ics_text import plain

__all__ = ["CALENDAR_PATH", "calendar", "render_calendar"]


def render_calendar(site: Site) -> list[OutputFile]:
    """The subscribable calendar of every event, and one importable file per event."""
    files = [OutputFile(CALENDAR_PATH, calendar(site, site.events).to_ical())]
    files += [OutputFile(event_ics_path(e), calendar(site, (e,), subscription=False).to_ical()) for e in site.events]
    return files


def calendar(site: Site, events: Iterable[Event], *, subscription: bool = True) -> Calendar:
    """A VCALENDAR of these events, with a VTIMEZONE covering every date they use in every zone.

    A subscription carries the calendar's name, source and refresh interval; a file to import
    one event carries none of them, so clients add the event rather than a new calendar.
    """
    config = site.config
    settings = config.calendar
    events = list(events)
    # iTIP requires an ORGANIZER in every VEVENT of a METHOD:PUBLISH calendar.
    method = "PUBLISH" if settings.organizer else None
    prodid = f"-//{config.id_domain}//feeds {__version__}//EN"
    if not subscription:
        # icalendar would otherwise give the calendar a random UID.
        cal = Calendar.new(prodid=prodid, method=method, uid="import." + ",".join(e.uid for e in events))
    else:
        cal = Calendar.new(
            prodid=prodid,
            name=settings.name,
            description=settings.description or config.description or None,
            url=config.url(),
            source=config.url(CALENDAR_PATH),
            refresh_interval=settings.refresh,
            color=settings.color or None,
            method=method,
            uid=f"calendar@{config.id_domain}",
        )
        cal.add("X-WR-TIMEZONE", config.timezone.key)
        cal.add("X-PUBLISHED-TTL", vDuration(settings.refresh))  # REFRESH-INTERVAL for older clients
        if settings.image:
            image = settings.image if "://" in settings.image else config.url(settings.image)
            cal.add("IMAGE", vUri(image), parameters={"VALUE": "URI", "DISPLAY": "BADGE"})
    for event in events:
        cal.add_component(_vevent(site, event))
    _add_timezones(cal, events)
    return cal


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
        summary=plain(calendar_title(event)),
        description=plain(event_text(event, config)),
        start=event.start,
        end=event.end_exclusive,
        location=plain(event.location.text) if event.location else None,
        url=event.url or page_url,
        status=ical_status(event.status),  # type: ignore[arg-type]
        transparency="TRANSPARENT" if event.all_day else "OPAQUE",
        categories=event.tags,
        organizer=_organizer(organizer) if organizer else None,
    )
    if event.body_html:  # Outlook shows this HTML instead of DESCRIPTION
        html = absolutize(event.body_html, page_url)
        vevent.add("X-ALT-DESC", vText(f"<html><body>{html}</body></html>"), parameters={"FMTTYPE": "text/html"})
    if event.location and event.location.geo:
        vevent.add("GEO", event.location.geo)
    if event.recurrence:
        vevent.add("RRULE", vRecur.from_ical(event.recurrence.rule))
        if event.recurrence.exdates:
            vevent.add("EXDATE", list(event.recurrence.exdates))
    return vevent


def _organizer(person: Person) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = person.name
    return address


def _add_timezones(cal: Calendar, events: list[Event]) -> None:
    """Put a VTIMEZONE for every TZID before the events, covering whole years around all of their dates.

    Generated definitions list each transition of the range they were made for, so the range must hold
    every occurrence; whole years let one cached definition serve the calendar and every event file.
    """
    missing = cal.get_missing_tzids()
    if not missing:
        return
    first = min(_day(e.start) for e in events) - timedelta(days=1)
    last = max(_day(series_end(e)) for e in events) + timedelta(days=1)
    for position, tzid in enumerate(sorted(missing)):
        cal.subcomponents.insert(position, _vtimezone(tzid, first.year, last.year + 1))


@cache
def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """icalendar's definition from the IANA data, with each onset on an RDATE line of its own.

    icalendar lists an observance's later onsets as one multi-valued RDATE; ical.js (Thunderbird,
    Nextcloud) reads only the first value of each RDATE line, and it and older libical skip DTSTART
    once an RDATE is present, so every onset, DTSTART's included, gets its own line.
    """
    timezone = Timezone.from_tzid(tzid, first_date=date(first_year, 1, 1), last_date=date(last_year, 1, 1))
    for observance in timezone.subcomponents:
        if "RDATE" not in observance:
            continue
        written = observance.pop("RDATE")
        onsets = [observance.DTSTART] + [d.dt for line in _as_list(written) for d in line.dts]
        for onset in onsets:
            observance.add("RDATE", onset)
    return timezone


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
