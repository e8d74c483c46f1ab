"""Links that put the calendar or one event into people's calendar apps (pure functions)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from urllib.parse import urlencode, urlsplit, urlunsplit

from feeds.model import Event

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK_SUBSCRIBE = "https://outlook.live.com/calendar/0/addfromweb"
OUTLOOK_COMPOSE = "https://outlook.live.com/calendar/0/deeplink/compose"


def webcal(url: str) -> str:
    """The webcal:// form of an http(s) calendar URL, which calendar apps open as a subscription."""
    return urlunsplit(("webcal", *urlsplit(url)[1:]))


def google_subscribe(calendar_url: str) -> str:
    """Subscribe to the calendar in Google Calendar."""
    return f"{GOOGLE}?{urlencode({'cid': webcal(calendar_url)})}"


def outlook_subscribe(calendar_url: str, name: str) -> str:
    """Subscribe to the calendar in Outlook.com."""
    return f"{OUTLOOK_SUBSCRIBE}?{urlencode({'url': calendar_url, 'name': name})}"


def google_event(event: Event, page_url: str) -> str:
    """Add one event to Google Calendar (all-day events by date, timed ones as UTC instants)."""
    end = event.end_exclusive or event.start
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{_google_time(event.start)}/{_google_time(end)}",
        "details": f"{event.summary}\n\n{page_url}".strip(),
        "location": event.location.text if event.location else "",
        "ctz": event.timezone.key,
    }
    return f"{GOOGLE}?{urlencode({k: v for k, v in query.items() if v})}"


def outlook_event(event: Event, page_url: str) -> str:
    """Add one event to Outlook.com."""
    end = event.end_exclusive or event.start
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": _outlook_time(event.start),
        "enddt": _outlook_time(end),
        "allday": "true" if event.all_day else "false",
        "body": f"{event.summary}\n\n{page_url}".strip(),
        "location": event.location.text if event.location else "",
    }
    return f"{OUTLOOK_COMPOSE}?{urlencode({k: v for k, v in query.items() if v})}"


def _google_time(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")


def _outlook_time(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()
