"""IANA time zones by name, from the standard zoneinfo with the tzdata package; dates as written, and
the years they may fall in."""

from __future__ import annotations

import difflib
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

D = TypeVar("D", bound=date)


# The years a newsroom's dates may fall in: far enough from Python's year 1 and 9999 that moving a
# date to any zone, or a day on, stays a date.
YEARS = range(1800, 3000)


class OutOfRange(ValueError):
    """A date outside YEARS."""

    def __init__(self, moment: date) -> None:
        super().__init__(f"the year {moment.year} is out of range: {YEARS[0]} to {YEARS[-1]}")


def day_or_moment(text: str) -> date | datetime:
    """A date (all-day) or a date-time, written as front matter takes them, to the second; ValueError
    otherwise (OutOfRange for one outside YEARS). A fraction of a second, as a script moving a site over
    may write (Python's isoformat: 10:00:00.123456), is dropped, as Hugo and Jekyll drop it: a page's
    <time datetime> takes three digits of one at most, and no newsroom's date needs them."""
    text = text.strip()
    return in_range(date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).replace(microsecond=0))


def in_range(moment: D) -> D:
    """The date or date-time itself, when its year is in YEARS; else OutOfRange."""
    if moment.year not in YEARS:
        raise OutOfRange(moment)
    return moment


def comes_twice(moment: datetime) -> bool:
    """True when the moment's wall time comes twice in its zone, as the clocks go back (02:30 on the
    night summer time ends in Europe): the time alone cannot say which of the two it is. So too for
    one the clocks skip as they go forward, which the zone gives both offsets for (fold 0 and 1)."""
    return moment.utcoffset() != moment.replace(fold=1 - moment.fold).utcoffset()


def clock_change(moment: datetime) -> tuple[datetime, datetime]:
    """The wall times, from the first up to the last (naive, exclusive), that the change of the clocks
    at `moment` skips or has twice; `moment` is such a time (see comes_twice). The change is found to
    the second between the two instants its wall time may mean."""
    zone, wall = moment.tzinfo, moment.replace(tzinfo=None)
    assert zone is not None
    less, more = sorted(offset_of(moment.replace(fold=fold)) for fold in (0, 1))
    low, high = (int((wall - offset - _EPOCH).total_seconds()) for offset in (more, less))
    before = offset_of(datetime.fromtimestamp(low, zone))  # at low the offset before the change, at high after it
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if offset_of(datetime.fromtimestamp(middle, zone)) == before else (low, middle)
    at = _EPOCH + timedelta(seconds=high)
    return at + less, at + more


_EPOCH = datetime(1970, 1, 1)


def offset_of(moment: datetime) -> timedelta:
    """The UTC offset of an aware moment."""
    offset = moment.utcoffset()
    assert offset is not None
    return offset


def on_the_clock(moment: datetime, zone: tzinfo) -> datetime:
    """The moment as the clock of `zone` reads it. moment.astimezone(zone) leaves a time already in that
    zone as written, so a time its clocks skip (02:30 on the night summer time begins) would read
    02:30, where calendars, as RFC 5545 says, read the instant it stands for: 03:30."""
    return moment.astimezone(timezone.utc).astimezone(zone)


def instant(value: date | datetime, zone: tzinfo) -> datetime:
    """A moment as an aware datetime: a date is its midnight in `zone`; a datetime stays as it is."""
    return value if isinstance(value, datetime) else datetime.combine(value, time(), zone)


def read_in(moment: datetime, zone: tzinfo) -> datetime:
    """A moment given with its offset as it is, one without read on the clock of `zone` (--now
    2018-11-20T12:00 is noon in the site's zone)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


# Files of the system's zone folder that name no IANA zone: the build machine's own zone, and copies
# of every zone counting leap seconds (right/, whose changes of the clocks fall 27 s late) or not (posix/).
_NOT_IANA = ("localtime", "posixrules")
_NOT_IANA_FOLDERS = ("right", "posix")


@cache
def zone_or_none(name: str) -> ZoneInfo | None:
    """The zone of that IANA name, or None when there is no such zone."""
    if not name or name.startswith("/") or ".." in name or name in _NOT_IANA or name.split("/")[0] in _NOT_IANA_FOLDERS:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of zones (Europe), a name too long
        return None


@cache  # 4 ms a name: a zone misspelt the same way in many events is looked up once
def zone_hint(name: str) -> str:
    """The hint for an unknown zone: the IANA name it most likely misspells (`America/New York`,
    `america/new_york`, `America/New_Yrok`, or the city alone, `New York`, are America/New_York), else
    what such a name looks like. Only a close name is offered: a city that names no zone (Geneva) is
    nearer to other cities' zones than to its own."""
    names = sorted(available_timezones())
    by_key = {_zone_key(known): known for known in names}
    cities: dict[str, list[str]] = {}
    for known in names:
        cities.setdefault(_zone_key(known.rpartition("/")[2]), []).append(known)
    in_city = cities.get(_zone_key(name), [])
    close = (by_key.get(_zone_key(name)) or (in_city[0] if len(in_city) == 1 else None)
             or next(iter(difflib.get_close_matches(name, names, n=1, cutoff=0.85)), None))
    return f"did you mean {close}?" if close and zone_or_none(close) else "use an IANA name such as Europe/Zurich"


def _zone_key(name: str) -> str:
    return name.strip().replace(" ", "_").casefold()
