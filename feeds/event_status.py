"""The one status model, mapped to each output: iCalendar STATUS, schema.org eventStatus, page banners."""

from __future__ import annotations

from datetime import date, datetime

from feeds.model import Event, Location, Status
from feeds.strings import Strings
from feeds.timezones import on_the_clock

_ICALENDAR = {
    Status.CONFIRMED: "CONFIRMED",
    Status.TENTATIVE: "TENTATIVE",
    Status.POSTPONED: "TENTATIVE",  # no date yet: iCalendar has no POSTPONED
    Status.RESCHEDULED: "CONFIRMED",  # confirmed at its new time; SEQUENCE tells clients it moved
    Status.MOVED_ONLINE: "CONFIRMED",
    Status.CANCELLED: "CANCELLED",
}

_SCHEMA_ORG = {
    Status.CONFIRMED: "EventScheduled",
    Status.TENTATIVE: "EventScheduled",
    Status.POSTPONED: "EventPostponed",
    Status.RESCHEDULED: "EventRescheduled",
    Status.MOVED_ONLINE: "EventMovedOnline",
    Status.CANCELLED: "EventCancelled",
}

# Prefixed to the title in calendars, for clients that hide STATUS or cancelled events entirely.
_TITLE_PREFIXED = {Status.CANCELLED, Status.POSTPONED}


def ical_status(status: Status) -> str:
    """The VEVENT STATUS value."""
    return _ICALENDAR[status]


def schema_org_status(status: Status) -> str:
    """The schema.org eventStatus URL, for JSON-LD."""
    return f"https://schema.org/{_SCHEMA_ORG[status]}"


def calendar_title(event: Event, t: Strings) -> str:
    """The title calendars and feeds show: prefixed ("Cancelled: ...") when the event is cancelled or postponed."""
    if event.status in _TITLE_PREFIXED:
        return t.status_title.format(status=t["status_" + event.status.value], title=event.title)
    return event.title


def venue(event: Event) -> Location | None:
    """The place people go to: none once the event has moved online, whatever its `location:` still says."""
    return None if event.status is Status.MOVED_ONLINE else event.location


def place(event: Event, t: Strings) -> str | None:
    """Where the event is, in words, as its page says it: Online once it has moved online, else its
    location's text (None without one). Calendars, add-to-calendar links and feeds give this, so that
    none of them still sends people to the venue the page no longer names."""
    if event.status is Status.MOVED_ONLINE:
        return t.online
    return event.location.text if event.location else None


def banner(event: Event, t: Strings) -> str:
    """One sentence, in the site's words, telling people the event is not going ahead as first announced;
    empty if it is. Pages, feeds and calendars all say it."""
    if event.status is Status.CONFIRMED:
        return ""
    if event.status is Status.RESCHEDULED and event.previous_start:
        start, previous = (_zoned(moment, event, t) for moment in (event.first_start, event.previous_start))
        return t.banner_rescheduled_from.format(start=start, previous=previous)
    return t["banner_" + event.status.value]


def _zoned(moment: date | datetime, event: Event, t: Strings) -> str:
    """A date, or a time in the event's own zone (as its page gives its times, even one written in UTC)
    followed by that zone: "12 May 2027, 11:00 (EDT, America/New_York time)". The sentence is read in
    calendars too, which show the event's times in the reader's own zone, where a time alone would
    contradict them."""
    if not isinstance(moment, datetime):
        return t.moment(moment)
    local = on_the_clock(moment, event.timezone)
    zone = event.timezone.key
    abbreviation = local.tzname() or ""
    named = zone if abbreviation in ("", zone) else t.time_zone.format(abbreviation=abbreviation, zone=zone)
    return f"{t.moment(local)} ({named})"
