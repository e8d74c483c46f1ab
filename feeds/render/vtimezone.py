"""The VTIMEZONE of each zone a calendar names, from the IANA data through icalendar, written so
that every client reads the same offsets as the zone gives."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from typing import Any, ClassVar

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard
from icalendar.timezone import tzp

from feeds.render.ics_text import to_ical

# How far past a VTIMEZONE's range its zone is searched for the change that ends the range's last
# observance: a zone with summer time changes within a year; see _from_tzid for the others.
_LOOK_PAST = timedelta(days=366)


@cache
def vtimezone_ical(tzid: str, first_year: int, last_year: int) -> bytes:
    """A VTIMEZONE covering whole years, so that one definition serves the calendar and every event file.

    Generated definitions list each transition of the range they were made for, so the range must hold
    every occurrence.
    """
    return to_ical(_vtimezone(tzid, first_year, last_year))


@cache
def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """The zone's yearly rules where its clocks follow them through the range (see _yearly), else
    icalendar's definition from the IANA data, each change listed (see _listed).
    """
    listed = _from_tzid(tzid, date(first_year, 1, 1), date(last_year, 1, 1))
    yearly = _yearly(tzid, listed, first_year, last_year)
    return yearly if yearly is not None else _listed(listed)


def _listed(timezone: Timezone) -> Timezone:
    """icalendar's definition with each change dated as RFC 5545 dates it, each on an RDATE line of its own.

    RFC 5545 (section 3.6.5) reads DTSTART and RDATE on the clock before the change, in TZOFFSETFROM;
    icalendar dates a change by the first time on the clock after it, which is the same for a change
    back (03:00 as Zurich's summer time ends) but the later clock for a change forward: every reader
    placed New York's summer time an hour late (03:00 at -05:00), and Samoa's skipped 30 December 2011
    a day late. Each onset of a change forward is moved back by its change; one observance holds the
    changes between the same two offsets, so all of its onsets move alike.

    icalendar lists an observance's later onsets as one multi-valued RDATE; ical.js (Thunderbird,
    Nextcloud) reads only the first value of each RDATE line, and it and older libical skip DTSTART
    once an RDATE is present, so every onset, DTSTART's included, gets its own line.
    """
    for observance in timezone.subcomponents:
        forward = max(observance.TZOFFSETTO - observance.TZOFFSETFROM, timedelta(0))
        onsets = [onset - forward for onset in _onsets(observance)]
        observance.DTSTART = onsets[0]
        if "RDATE" in observance:
            observance.pop("RDATE")
            for onset in onsets:
                observance.add("RDATE", onset)
    return timezone


def _from_tzid(tzid: str, first: date, last: date) -> Timezone:
    """icalendar's Timezone.from_tzid, without its walk to the year 9999 after the range.

    From the last change in the range, icalendar searches on until the offset changes again or the
    zone's data ends: a zone with no changes to come (Asia/Tokyo, or any that gave up summer time)
    is stepped through to the year 9999, 8 ms a time. Here the zone ends, as its data would, _LOOK_PAST
    after the range. The search then stops at the first moment it looks at past that; where the offset
    there is that of the range's last observance, icalendar's search would have carried on from it
    without recording anything more, so the definition is the same. Otherwise icalendar's own is made.
    """
    zone = tzp.timezone(tzid)
    if zone is None:  # icalendar says so in its own words
        return _Timezone.from_tzid(tzid, first_date=first, last_date=last)
    ending = _Ending(zone, datetime(last.year, last.month, last.day) + _LOOK_PAST)
    timezone = _Timezone.from_tzinfo(ending, tzid, first, last)
    if ending.refused is None:  # never looked past the end: the very same search
        return timezone
    final = max((onset, observance.TZOFFSETTO) for observance in timezone.subcomponents
                for onset in _onsets(observance))
    if zone.utcoffset(ending.refused.replace(tzinfo=zone)) == final[1]:
        return timezone
    return _Timezone.from_tzid(tzid, first_date=first, last_date=last)


class _Timezone(Timezone):  # type: ignore[misc]
    """icalendar's VTIMEZONE, searched in steps of at most 4 days.

    icalendar looks for the next change of offset 64 days ahead first, and so misses an offset that
    lasts less: Morocco's clocks go back an hour for about five weeks around Ramadan every year, and
    events in those weeks would be an hour off in every client that reads the file's definitions.
    Steps of 8 days missed a week-long change too: Brazil's north-east in October 2000, Gaza in 2040.
    """

    _from_tzinfo_skip_search: ClassVar[list[timedelta]] = [
        step for step in Timezone._from_tzinfo_skip_search if step <= timedelta(days=4)]


class _Ending(tzinfo):
    """A time zone whose offsets end after `end` (wall-clock time), as zoneinfo's end at the year 9999:
    asking for one raises OverflowError, and the moment asked for is kept.

    It is asked only about times on its own clock (icalendar's search makes them with it), and hands
    them to the zone as they are: a ZoneInfo reads a time's wall clock and fold, never its tzinfo. The
    search asks a thousand times a definition, and moving each time to the zone took 0.45 s of the
    calendars' time at 10,000 items.
    """

    def __init__(self, zone: tzinfo, end: datetime) -> None:
        self.zone, self.end = zone, end.replace(tzinfo=self)
        self.refused: datetime | None = None

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        assert dt is not None
        if dt > self.end:  # on the same tzinfo: compared by wall clock alone
            self.refused = dt.replace(tzinfo=None)
            raise OverflowError(f"{self.refused} is past the end of the range")
        return self.zone.utcoffset(dt)

    def dst(self, dt: datetime | None) -> timedelta | None:
        return self.zone.dst(dt)

    def tzname(self, dt: datetime | None) -> str | None:
        return self.zone.tzname(dt)


def _onsets(observance: Any) -> list[datetime]:
    """When an observance of a VTIMEZONE begins: its DTSTART and every RDATE value."""
    return [observance.DTSTART] + [d.dt for line in _as_list(observance.get("RDATE", [])) for d in line.dts]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# Outlook keeps one yearly rule a zone: it reads a definition that lists each change as the last
# change alone (MS-OXCICAL 2.1.3.1.1.19), so events of other years would be an hour off. Outlook,
# Google and Apple all write a zone as a STANDARD and a DAYLIGHT rule repeating yearly.
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class _Kind:
    """One of the two changes a zone makes every year: the offsets it goes from and to, and its name."""

    before: timedelta
    after: timedelta
    name: str
    standard: bool


@dataclass(frozen=True)
class _Rule:
    """When a change comes each year, as RRULE:FREQ=YEARLY says it: the nth (or last, -1) weekday of a
    month, at a time on the clock before the change."""

    month: int
    weekday: int  # Monday is 0
    week: int
    clock: time

    def wall(self, year: int) -> datetime:
        days = monthrange(year, self.month)[1]
        if self.week < 0:
            day = days - (date(year, self.month, days).weekday() - self.weekday) % 7
        else:
            day = 1 + (self.weekday - date(year, self.month, 1).weekday()) % 7 + 7 * (self.week - 1)
        return datetime.combine(date(year, self.month, day), self.clock)

    def rrule(self) -> dict[str, object]:
        return {"FREQ": "YEARLY", "BYMONTH": self.month, "BYDAY": f"{self.week}{_WEEKDAYS[self.weekday]}"}


def _yearly(tzid: str, listed: Timezone, first_year: int, last_year: int) -> Timezone | None:
    """The zone as two observances repeating yearly, when its changes through the range follow two
    yearly rules exactly (Europe's, the United States', Australia's...); else None.

    Each observance begins with the change in force on 1 January of the first year, or the first
    after it, and every change the rules give from there to the end of the range is checked against
    the IANA data: a zone that changed its rules, or whose clocks change more often (Morocco around
    Ramadan), keeps its listed changes.
    """
    changes: dict[_Kind, list[datetime]] = {}
    for observance in listed.subcomponents:
        before, after = observance.TZOFFSETFROM, observance.TZOFFSETTO
        if before == after:  # the range's start, not a change
            continue
        # Standard time is the one the clocks go back to, as every client has it: Ireland's summer
        # time is its standard time in law, and its winter a negative DST, which Outlook cannot hold.
        kind = _Kind(before, after, str(observance["TZNAME"]), after < before)
        # icalendar dates a change by the first time on the clock with the new offset: the later clock.
        changes.setdefault(kind, []).extend(onset - max(before, after) for onset in _onsets(observance))
    rules = {kind: rule for kind, instants in changes.items() if (rule := _rule([at + kind.before for at in instants]))}
    if len(rules) != 2 or len(changes) != 2:
        return None
    one, other = rules
    if (one.before, one.after) != (other.after, other.before):  # each undoes the other
        return None
    zone = tzp.timezone(tzid)
    start = datetime(first_year, 1, 1, tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)
    end = datetime(last_year, 1, 1, tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)
    given = sorted((rule.wall(year) - kind.before, kind)
                   for kind, rule in rules.items() for year in range(first_year - 1, last_year + 1))
    in_force = max(n for n, (at, _) in enumerate(given) if at <= start)
    given = [(at, kind) for at, kind in given[in_force:] if at < end]
    if {at for at, _ in given[1:]} != {at for found in changes.values() for at in found}:
        return None
    if not all(_offset(zone, at - timedelta(seconds=1)) == kind.before and _offset(zone, at) == kind.after
               for at, kind in given):
        return None
    defined = Timezone()
    defined.add("TZID", tzid)
    for kind, at in sorted({kind: at for at, kind in reversed(given)}.items(), key=lambda pair: pair[1]):
        observance = TimezoneStandard() if kind.standard else TimezoneDaylight()
        observance.DTSTART = at + kind.before  # RFC 5545: on the clock before the change
        observance.add("RRULE", rules[kind].rrule())
        observance.add("TZNAME", kind.name)
        observance.TZOFFSETFROM, observance.TZOFFSETTO = kind.before, kind.after
        defined.add_component(observance)
    return defined


def _rule(walls: list[datetime]) -> _Rule | None:
    """The yearly rule that gives exactly these times (on the clock before each change), if one does."""
    first = walls[0]
    last_week = all(wall.day > monthrange(wall.year, wall.month)[1] - 7 for wall in walls)
    week = -1 if last_week else (first.day - 1) // 7 + 1
    if week == 5:  # the fifth weekday of a month some years, the last of it: no rule gives that
        return None
    rule = _Rule(first.month, first.weekday(), week, first.time())
    return rule if all(rule.wall(wall.year) == wall for wall in walls) else None


def _offset(zone: tzinfo, utc: datetime) -> timedelta | None:
    return utc.replace(tzinfo=timezone.utc).astimezone(zone).utcoffset()
