"""The one status model, mapped to each output: iCalendar STATUS, schema.org eventStatus, page banners."""

from __future__ import annotations

from datetime import date, datetime

from feeds.model import Event, Status

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
_TITLE_PREFIX = {Status.CANCELLED: "Cancelled: ", Status.POSTPONED: "Postponed: "}


def ical_status(status: Status) -> str:
    """The VEVENT STATUS value."""
    return _ICALENDAR[status]


def schema_org_status(status: Status) -> str:
    """The schema.org eventStatus URL, for JSON-LD."""
    return f"https://schema.org/{_SCHEMA_ORG[status]}"


def calendar_title(event: Event) -> str:
    """The SUMMARY calendars show: the title, prefixed when the event is cancelled or postponed."""
    return _TITLE_PREFIX.get(event.status, "") + event.title


def banner(event: Event) -> str:
    """One sentence telling people the event is not going ahead as first announced; empty if it is."""
    if event.status is Status.CANCELLED:
        return "This event is cancelled."
    if event.status is Status.POSTPONED:
        return "This event is postponed; a new date will be announced."
    if event.status is Status.RESCHEDULED:
        before = f", first planned for {_when(event.previous_start)}" if event.previous_start else ""
        return f"This event has been rescheduled to {_when(event.start)}{before}."
    if event.status is Status.MOVED_ONLINE:
        return "This event has moved online."
    if event.status is Status.TENTATIVE:
        return "This event is not yet confirmed."
    return ""


def _when(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return f"{value.day} {value:%B %Y, %H:%M} ({value.tzname()})"
    return f"{value.day} {value:%B %Y}"
