"""Recurring events: the front matter's rrule (whose parts feeds.rrule_checks checks) and exdate,
validated against the event's start, and the occurrences they give."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from itertools import islice
from typing import TYPE_CHECKING, Any

from feeds.limits import one_line
from feeds.rrule_checks import RecurrenceError, checked_parts
from feeds.timezones import (
    YEARS,
    clock_change,
    comes_twice,
    day_or_moment,
    instant,
    offset_of,
)

if TYPE_CHECKING:
    from dateutil.rrule import rrule

    from feeds.model import Event

MAX_OCCURRENCES = 1000


@dataclass(frozen=True)
class Recurrence:
    """A validated series: its RRULE value as written to calendars, its excluded starts, its last start,
    its last start that is not excluded, and its later starts that calendar apps read apart."""

    rule: str  # e.g. "FREQ=MONTHLY;COUNT=12;BYDAY=1TU"; a timed series' UNTIL is in UTC
    exdates: tuple[date | datetime, ...]  # dates for all-day series; aware times in the event's zone
    last_start: date | datetime
    last_kept: date | datetime
    # Its later starts, not excluded, at a wall time its zone skips or has twice as the clocks change
    unsure_starts: tuple[datetime, ...] = ()
    # Its starts, not excluded, of dates that run over a change of the clocks (22:00 to 04:00 as summer time ends)
    spanning_starts: tuple[datetime, ...] = ()


@dataclass(frozen=True)
class Occurrence:
    """One instance of an event: its start and, as calendars store it, its exclusive end."""

    start: date | datetime
    end: date | datetime


_DATE_PARTS = {"BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY"}


def parse_recurrence(rule: Any, exdates: Any, start: date | datetime, length: timedelta | None = None) -> Recurrence:
    """Validate front matter `rrule` (see feeds.rrule_checks) and `exdate` against the event's start, each
    date lasting `length` on the clock (a timed event's: see length_on_the_clock); raise RecurrenceError."""
    parts = checked_parts(rule)
    if "UNTIL" in parts:
        parts["UNTIL"] = [_until(parts["UNTIL"][0], start)]
    if parts["FREQ"][0] == "YEARLY" and (start.month, start.day) == (2, 29) and not _DATE_PARTS & parts.keys():
        # The day the rule takes from start, said outright: clients on ical.js (Thunderbird, Nextcloud)
        # otherwise move it to 1 March in other years, where RFC 5545 skips those years.
        parts.update(BYMONTH=[2], BYMONTHDAY=[29])
    if "WKST" not in parts and _weeks_count(parts):
        # The week start said outright: RFC 5545 makes it Monday, Outlook Sunday (MS-OXCICAL), and a
        # fortnightly rule on Tuesdays and Sundays then falls on other Sundays there.
        parts["WKST"] = ["MO"]
    canonical = parts.to_ical().decode()
    try:
        series = _rule(canonical, start)
        starts = list(islice(_starts(series, start), MAX_OCCURRENCES + 1))
    except (ValueError, TypeError, IndexError, OverflowError) as error:  # IndexError: dateutil, for BYDAY=99MO
        raise RecurrenceError("rrule", f"not a valid rule: {one_line(str(error)) or type(error).__name__}",
                              'check each part, e.g. rrule: "FREQ=MONTHLY;BYDAY=1TU;COUNT=12"') from None
    if not starts:
        raise RecurrenceError("rrule", "gives no occurrence at all", "UNTIL must not be before start" if "UNTIL" in parts
                              else "check that its parts go together, and that start is one of its dates")
    if starts[-1].year not in YEARS:
        raise RecurrenceError("rrule", f"runs to {starts[-1].year}, past {YEARS[-1]}", "lower COUNT or bring UNTIL closer")
    if len(starts) > MAX_OCCURRENCES:
        raise RecurrenceError("rrule", f"gives more than {MAX_OCCURRENCES} occurrences",
                              "lower COUNT or bring UNTIL closer")
    if starts[0] != start:
        raise RecurrenceError("rrule", f"does not include start ({start.isoformat()}) as its first occurrence",
                              "set start to the series' first date")
    excluded = tuple(sorted(set(_exdates(exdates, start, set(starts)))))
    if len(excluded) == len(starts):
        raise RecurrenceError("exdate", "leaves out every date of the series", "a series needs one date at least; "
                              "to call the event off, set status: cancelled")
    left_out = set(excluded)
    kept = [begin for begin in starts if begin not in left_out]
    unsure = tuple(later for later in kept if later != start and comes_twice(later)) if isinstance(start, datetime) else ()
    spanning = tuple(begin for begin in kept if offset_of(begin) != offset_of(begin + length)) \
        if isinstance(start, datetime) and length else ()
    return Recurrence(canonical, excluded, starts[-1], kept[-1], unsure, spanning)


def _weeks_count(parts: Mapping[str, list[Any]]) -> bool:
    """Whether the day a week starts on changes the rule's dates (RFC 5545 section 3.3.10): a weekly
    rule of several days every other week or more, or a yearly rule by week number."""
    weekly = parts["FREQ"][0] == "WEEKLY" and parts.get("INTERVAL", [1])[0] > 1 and len(parts.get("BYDAY", [])) > 1
    return weekly or "BYWEEKNO" in parts


def unsure_date(recurrence: Recurrence) -> tuple[str, str] | None:
    """The problem and hint of a series' later dates at a wall time its zone skips or has twice, or None:
    the first told in full, then how many more there are and the next two, so that one warning tells
    the editor of them all. Calendar apps read such a time apart: as RFC 5545 says (the first of two; a
    skipped time moved on by the gap) or, as ical.js does (Thunderbird), at the zone's other offset."""
    if not recurrence.unsure_starts:
        return None
    wall, *others = recurrence.unsure_starts
    first, last = clock_change(wall)
    gap, clock = last - first, _clock(first, last)
    # Each change's times, the same every year but where the zone's rules changed
    windows = dict.fromkeys([_window(first, last), *(_window(*clock_change(other)) for other in others)])
    hint = f"choose a time outside {_and(list(windows))} on the night{'s' if others else ''} the clocks change"
    where = f"its date of {wall:%Y-%m-%d} at {wall:%H:%M}"
    if offset_of(wall) < offset_of(wall.replace(fold=1)):  # a skipped time's first reading is at the earlier offset
        problem = (f"{where} is skipped in {wall.tzinfo} as the clocks go forward: calendar apps disagree whether it "
                   f"is {wall - gap:{clock}} or {wall + gap:{clock}}")
    else:
        problem = f"{where} comes twice in {wall.tzinfo} as the clocks go back: calendar apps disagree which one"
    if others:
        named = [f"{other:%Y-%m-%d}" for other in others[:2]] + ([f"{len(others) - 2} more"] if len(others) > 2 else [])
        problem += (f"; {len(others)} more of its dates {'is' if len(others) == 1 else 'are'} at a time the clocks "
                    f"skip or have twice: {_and(named)}")
    return problem, hint


def spanning_date(recurrence: Recurrence, length: timedelta) -> tuple[str, str] | None:
    """The problem and hint of a series' dates that run over a change of the clocks, each `length` long
    on the clock, or None: the first told in full, then how many more there are. Each date lasts as
    long on the clock as the first, as its page gives it and ical.js reads it; RFC 5545 counts the
    hours of its length exactly, so that apps that follow it end such a date an hour early or late."""
    if not recurrence.spanning_starts:
        return None
    begin, *others = recurrence.spanning_starts
    exact = (begin.astimezone(timezone.utc) + length).astimezone(begin.tzinfo)
    problem = (f"its date of {begin:%Y-%m-%d}, {begin:%H:%M} to {begin + length:%H:%M}, runs over a change of the "
               f"clocks in {begin.tzinfo}: calendar apps that count its hours exactly, as RFC 5545 says, end it at "
               f"{exact:%H:%M}")
    if others:
        named = [f"{other:%Y-%m-%d}" for other in others[:2]] + ([f"{len(others) - 2} more"] if len(others) > 2 else [])
        problem += f"; {len(others)} more of its dates {'does' if len(others) == 1 else 'do'}: {_and(named)}"
    return problem, ("leave such a date out with exdate: and write it as an event of its own, or choose times "
                     "that the clocks do not change between")


def skipped_periods(recurrence: Recurrence, start: date | datetime) -> tuple[str, str] | None:
    """The problem and hint of a monthly or yearly series that skips some of its months or years,
    which lack its day (the 31st, 29 February, a fifth Friday), or None. RFC 5545 skips them, as
    Google, Apple and ical.js do; Outlook puts a date on the month's last day, or its last such
    weekday, since its patterns count no further than "last": the two read different dates."""
    from icalendar import vRecur

    parts = vRecur.from_ical(recurrence.rule)
    freq = parts["FREQ"][0]
    if freq not in ("MONTHLY", "YEARLY") or {"BYWEEKNO", "BYYEARDAY", "BYSETPOS"} & parts.keys():
        return None
    fifth = next((day for day in parts.get("BYDAY", []) if day.relative == 5), None)
    days = parts.get("BYMONTHDAY", [] if "BYDAY" in parts else [start.day])
    if fifth is None and not (len(days) == 1 and days[0] >= 29):
        return None
    yearly = freq == "YEARLY"
    taken = {(s.year, 0 if yearly else s.month) for s in _starts(_rule(recurrence.rule, start), start)}
    months = parts.get("BYMONTH", range(1, 13))
    step, last = parts.get("INTERVAL", [1])[0], recurrence.last_start
    periods = ([(year, 0) for year in range(start.year, last.year + 1, step)] if yearly else
               [(n // 12, n % 12 + 1) for n in range(start.year * 12 + start.month - 1, last.year * 12 + last.month, step)
                if n % 12 + 1 in months])
    skipped = [period for period in periods if period not in taken]
    if not skipped:
        return None
    named = [f"{year}" if yearly else f"{date(year, month, 1):%B %Y}" for year, month in skipped]
    which = named[0] + (f" and {len(named) - 1} more of its {'years' if yearly else 'months'}" if len(named) > 1 else "")
    if fifth is not None:
        weekday = _WEEKDAYS[fifth.weekday]
        what, outlook = f"the fifth {weekday} of the month", f"the month's last {weekday}"
        hint = f"for the last {weekday} of every month, write BYDAY=-1{fifth.weekday}; else choose a week every month has"
    elif yearly:
        what, outlook = "29 February", "28 February"
        hint = "for 29 February in leap years alone, add INTERVAL=4 to the rule"
    else:
        what, outlook = f"the {days[0]}th" if days[0] < 31 else "the 31st", "the month's last day"
        hint = "for the last day of every month, write BYMONTHDAY=-1 and start on a month's last day"
    return (f"its dates fall on {what}, which {which} lack{'s' if len(named) == 1 else ''}: most calendar apps skip "
            f"{'it' if len(named) == 1 else 'them'}, as RFC 5545 says, and Outlook puts a date on {outlook}", hint)


_WEEKDAYS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday", "SA": "Saturday",
             "SU": "Sunday"}


def _window(first: datetime, last: datetime) -> str:
    """The wall times a change of the clocks skips or has twice, from `first` up to `last`: 02:00–03:00."""
    clock = _clock(first, last)
    return f"{first:{clock}}–{last:{clock}}"


def _clock(first: datetime, last: datetime) -> str:
    """How to write the times of a change of the clocks: the hour alone, or with its date for a change
    of a day or so (Samoa skipped 30 December 2011)."""
    return "%H:%M" if last - first < timedelta(hours=12) else "%Y-%m-%d %H:%M"


def _and(words: list[str]) -> str:
    """Words listed as a sentence lists them: a, b and c."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def occurrences(event: Event, after: datetime, count: int) -> list[Occurrence]:
    """The next `count` instances of an event that have not ended at `after` (the event itself if single)."""
    found = (o for o in _all_occurrences(event) if instant(o.end, event.timezone) > after)
    return list(islice(found, count))


def last_ended(event: Event, now: datetime) -> datetime | None:
    """The end of the event's last date over at `now`, when time alone last changed how pages show it
    (the event marked over, or a series' next dates moved on), as an instant; None while none is over."""
    if event.ends_before(now):
        return event.ends_at
    if event.recurrence is None:
        return None
    ended = None
    for occurrence in _all_occurrences(event):
        end = instant(occurrence.end, event.timezone)
        if end > now:
            return ended
        ended = end
    return ended


def first_occurrence(event: Event) -> Occurrence:
    """The event's first instance: its start, or a series' first date that is not excluded."""
    return next(_all_occurrences(event), Occurrence(event.start, event.end_exclusive or event.start))


def _all_occurrences(event: Event) -> Iterator[Occurrence]:
    start, end = event.start, event.end_exclusive or event.start
    if event.recurrence is None:
        yield Occurrence(start, end)
        return
    length = length_on_the_clock(event)
    excluded = set(event.recurrence.exdates)
    for begin in _starts(_rule(event.recurrence.rule, start), start):
        if begin not in excluded:
            yield Occurrence(begin, begin + length)


def _rule(rule: str, start: date | datetime) -> rrule:
    """The dateutil rule, expanded in the event's wall-clock time (so 10:00 stays 10:00 across DST)."""
    wall = start.replace(tzinfo=None) if isinstance(start, datetime) else datetime.combine(start, time())
    from dateutil.rrule import rrulestr
    from icalendar import vRecur

    parts = vRecur.from_ical(rule)
    until = parts.get("UNTIL", [None])[0]
    if isinstance(until, datetime) and isinstance(start, datetime):
        # dateutil compares UNTIL with the naive wall-clock starts: give it UNTIL in that wall time.
        parts["UNTIL"] = [until.astimezone(start.tzinfo).replace(tzinfo=None)]
    elif until is not None and not isinstance(until, datetime):
        parts["UNTIL"] = [datetime.combine(until, time())]
    rule = vRecur(parts).to_ical().decode()
    return rrulestr(rule, dtstart=wall)  # type: ignore[return-value]


def _starts(series: rrule, start: date | datetime) -> Iterator[date | datetime]:
    zone = start.tzinfo if isinstance(start, datetime) else None
    for wall in series:
        yield wall.replace(tzinfo=zone) if zone else wall.date()


def _until(value: date | datetime, start: date | datetime) -> date | datetime:
    """UNTIL in the form RFC 5545 requires: a date for all-day series, else UTC."""
    if not isinstance(start, datetime):
        return value.date() if isinstance(value, datetime) else value
    zone = start.tzinfo
    if not isinstance(value, datetime):  # the whole last day counts
        value = datetime.combine(value, time(23, 59, 59))
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(timezone.utc)


def _exdates(values: Any, start: date | datetime, starts: set[date | datetime]) -> Iterator[date | datetime]:
    if values is None:
        return
    for value in values if isinstance(values, list) else [values]:
        moment = _moment(value, start.tzinfo if isinstance(start, datetime) else None)
        if moment is None or isinstance(moment, datetime) != isinstance(start, datetime):
            kind = "a date-time like start" if isinstance(start, datetime) else "a date like start"
            shown = "an empty entry" if value is None else repr(value)  # a list's "-" with nothing after it
            raise RecurrenceError("exdate", f"{shown} is not {kind}", "list the starts to leave out")
        if isinstance(moment, datetime):
            moment = moment.astimezone(start.tzinfo)
        if moment not in starts:
            raise RecurrenceError("exdate", f"{value} is not an occurrence of the rule",
                                  "give the exact start of the occurrence to leave out")
        yield moment


def _moment(value: Any, zone: tzinfo | None) -> date | datetime | None:
    if isinstance(value, str):
        try:
            value = day_or_moment(value)
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    return value if isinstance(value, date) else None


def series_end(event: Event) -> date | datetime:
    """The exclusive end of the last occurrence of the event's rule, excluded or not (its start, for a
    timed event without an end): what a calendar's time zone data must reach."""
    return _end_from(event, event.recurrence.last_start if event.recurrence else event.start)


def last_end(event: Event) -> date | datetime:
    """The exclusive end of the event's last occurrence that takes place: when it is over."""
    return _end_from(event, event.recurrence.last_kept if event.recurrence else event.start)


def _end_from(event: Event, start: date | datetime) -> date | datetime:
    """The exclusive end of the occurrence beginning at `start`: as long as the event (a single event's
    own end, as written)."""
    if event.recurrence is None:
        return event.end_exclusive or event.start
    return start + length_on_the_clock(event)


def length_on_the_clock(event: Event) -> timedelta:
    """How long each date of the event lasts on the clock of its start's zone: its first date's length
    there, whichever zone its end is written in (an end in UTC, a start in the event's zone)."""
    start, end = event.start, event.end_exclusive or event.start
    if isinstance(end, datetime) and isinstance(start, datetime):
        end = end.astimezone(start.tzinfo)
    return end - start  # of one zone, aware times subtract as the clock reads them
