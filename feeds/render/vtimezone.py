"""The VTIMEZONE of each zone a calendar names, from the IANA data through icalendar, written so
that every client reads the same offsets as the zone gives."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from functools import cache
from typing import Any, ClassVar

from icalendar import Timezone
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
    """icalendar's definition from the IANA data, with each onset on an RDATE line of its own.

    icalendar lists an observance's later onsets as one multi-valued RDATE; ical.js (Thunderbird,
    Nextcloud) reads only the first value of each RDATE line, and it and older libical skip DTSTART
    once an RDATE is present, so every onset, DTSTART's included, gets its own line.
    """
    timezone = _from_tzid(tzid, date(first_year, 1, 1), date(last_year, 1, 1))
    for observance in timezone.subcomponents:
        if "RDATE" not in observance:
            continue
        onsets = _onsets(observance)
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
    asking for one raises OverflowError, and the moment asked for is kept."""

    def __init__(self, zone: tzinfo, end: datetime) -> None:
        self.zone, self.end = zone, end
        self.refused: datetime | None = None

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        assert dt is not None
        wall = dt.replace(tzinfo=None)
        if wall > self.end:
            self.refused = wall
            raise OverflowError(f"{wall} is past the end of the range")
        return self.zone.utcoffset(dt.replace(tzinfo=self.zone))

    def dst(self, dt: datetime | None) -> timedelta | None:
        assert dt is not None
        return self.zone.dst(dt.replace(tzinfo=self.zone))

    def tzname(self, dt: datetime | None) -> str | None:
        assert dt is not None
        return self.zone.tzname(dt.replace(tzinfo=self.zone))


def _onsets(observance: Any) -> list[datetime]:
    """When an observance of a VTIMEZONE begins: its DTSTART and every RDATE value."""
    return [observance.DTSTART] + [d.dt for line in _as_list(observance.get("RDATE", [])) for d in line.dts]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
