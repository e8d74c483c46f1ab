"""The calendar: events.ics, RFC 5545 with RFC 7986 properties, written with icalendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from icalendar import Calendar, Event as VEvent, vCalAddress, vDuration

from feeds import __version__
from feeds.model import Event, Site, Status
from feeds.render import OutputFile
from feeds.render.ics_text import plain

CALENDAR_PATH = "feeds/events.ics"

_STATUS = {
    Status.CONFIRMED: "CONFIRMED",
    Status.TENTATIVE: "TENTATIVE",
    Status.POSTPONED: "TENTATIVE",
    Status.RESCHEDULED: "CONFIRMED",
    Status.MOVED_ONLINE: "CONFIRMED",
    Status.CANCELLED: "CANCELLED",
}


def render_calendar(site: Site) -> list[OutputFile]:
    """The subscribable calendar of every event."""
    return [OutputFile(CALENDAR_PATH, calendar(site, site.events).to_ical())]


def calendar(site: Site, events: tuple[Event, ...]) -> Calendar:
    """A VCALENDAR of these events, with a VTIMEZONE for every zone they use."""
    config = site.config
    settings = config.calendar
    cal = Calendar.new(
        prodid=f"-//{config.id_domain}//feeds {__version__}//EN",
        name=settings.name,
        description=settings.description or config.description or None,
        url=config.url(),
        source=config.url(CALENDAR_PATH),
        refresh_interval=settings.refresh,
        color=settings.color or None,
        method="PUBLISH" if settings.organizer else None,
        uid=f"calendar@{config.id_domain}",
    )
    cal.add("X-WR-TIMEZONE", config.timezone.key)
    cal.add("X-PUBLISHED-TTL", vDuration(settings.refresh))  # REFRESH-INTERVAL for older clients
    for event in events:
        cal.add_component(_vevent(site, event))
    if events:
        first = min(_day(e.start) for e in events)
        last = max(_day(e.end_exclusive or e.start) for e in events)
        cal.add_missing_timezones(first_date=first - timedelta(days=1), last_date=last + timedelta(days=1))
    return cal


def _vevent(site: Site, event: Event) -> VEvent:
    config = site.config
    cancelled = event.status is Status.CANCELLED
    organizer = config.calendar.organizer
    vevent = VEvent.new(
        uid=event.uid,
        stamp=event.updated,
        created=event.date,
        last_modified=event.updated,
        sequence=event.sequence,
        summary=plain(f"Cancelled: {event.title}" if cancelled else event.title),
        description=plain(event.summary),
        start=event.start,
        end=event.end_exclusive,
        location=plain(event.location.text) if event.location else None,
        url=event.url or config.url(event.path),
        status=_STATUS[event.status],
        transparency="TRANSPARENT" if event.all_day else "OPAQUE",
        categories=list(event.tags),
        organizer=_organizer(organizer.name, organizer.email) if organizer else None,
    )
    if event.location and event.location.geo:
        vevent.add("GEO", event.location.geo)
    return vevent


def _organizer(name: str, email: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = name
    return address


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
