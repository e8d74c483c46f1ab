"""When an event happens, in words: its dates, and its times in its own time zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from feeds.model import Event
from feeds.recurrence import Occurrence
from feeds.strings import Strings
from feeds.timezones import on_the_clock


def event_dates(event: Event, t: Strings) -> str:
    """26–27 November 2018; or 26 November 2018, 09:00–17:30 in the event's own time zone (for a
    series, its first date that is not excluded)."""
    if event.all_day:
        start, end = event.first_start, event.first_end
        if end is None or end == start:
            return t.date(start)
        if (start.year, start.month) == (end.year, end.month):
            return t.day_span_same_month.format(start_day=start.day, end_day=end.day,
                                                month=t.months[start.month - 1], year=start.year)
        return t.span.format(start=t.date(start), end=t.date(end))
    start, end = local_start(event), event.first_end
    if end is None:
        return t.moment(start)
    end = on_the_clock(end, event.timezone)
    if end.date() == start.date():
        return t.time_span.format(start=t.moment(start), end=t.time(end))
    return t.span.format(start=t.moment(start), end=t.moment(end))


def series_last(event: Event, t: Strings) -> str:
    """The date of a series' last occurrence (not one it leaves out), in the event's own zone; an
    event that does not repeat, its start."""
    start = event.recurrence.last_kept if event.recurrence else event.start
    return t.date(on_the_clock(start, event.timezone).date() if isinstance(start, datetime) else start)


def event_zone(event: Event, t: Strings, shown: Sequence[Occurrence] = ()) -> str:
    """The time zone a timed event's times are in, e.g. "CET, Europe/Zurich time", or "CET–CEST, ..."
    for one that summer time begins during; of a series' dates `shown` (its next ones, on a card),
    when given, rather than its first date's; "" for all-day events."""
    if event.all_day:
        return ""
    end = event.first_end
    moments = [moment for o in shown for moment in (o.start, o.end)] or [local_start(event), *([end] if end else [])]
    names = dict.fromkeys(on_the_clock(moment, event.timezone).tzname() or "" for moment in moments)  # type: ignore[arg-type]
    abbreviation = "–".join(names)
    if abbreviation in ("", event.timezone.key):
        return event.timezone.key
    return t.time_zone.format(abbreviation=abbreviation, zone=event.timezone.key)


def local_start(event: Event) -> datetime:
    """A timed event's first start (a series' first date that is not excluded) in the event's own time zone."""
    start = event.first_start
    assert isinstance(start, datetime)
    return on_the_clock(start, event.timezone)
