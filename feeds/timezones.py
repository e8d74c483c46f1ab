"""IANA time zones by name, from the standard zoneinfo with the tzdata package."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def day_or_moment(text: str) -> date | datetime:
    """A date (all-day) or a date-time, written as front matter takes them; ValueError otherwise."""
    text = text.strip()
    return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)


def instant(value: date | datetime, zone: tzinfo) -> datetime:
    """A moment as an aware datetime: a date is its midnight in `zone`; a datetime stays as it is."""
    return value if isinstance(value, datetime) else datetime.combine(value, time(), zone)


@cache
def zone_or_none(name: str) -> ZoneInfo | None:
    """The zone of that IANA name, or None when there is no such zone."""
    if not name or name.startswith("/") or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
