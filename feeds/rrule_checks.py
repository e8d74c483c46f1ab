"""What an event's rrule may say, checked before the rule is expanded from the event's start: what
RFC 5545 forbids, and what calendar apps read apart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from feeds.limits import one_line

if TYPE_CHECKING:
    from icalendar import vRecur

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_EXAMPLE = 'e.g. rrule: "FREQ=MONTHLY;BYDAY=1TU;COUNT=12"'
# The numbered parts, each counting from 1 or back from the end from -1 (RFC 5545 section 3.3.10):
# the most they count to, and what they count.
_COUNTED = {"BYMONTHDAY": (31, "day of the month"), "BYYEARDAY": (366, "day of the year"),
            "BYWEEKNO": (53, "week of the year")}
_CLOCK_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")


class RecurrenceError(ValueError):
    """A bad rrule or exdate; carries the front matter key and a hint."""

    def __init__(self, key: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.key, self.message, self.hint = key, message, hint


def checked_parts(rule: Any) -> vRecur:
    """The parts of front matter `rrule`, checked as a rule by itself (the series it gives from the
    event's start is checked by feeds.recurrence.parse_recurrence); raise RecurrenceError."""
    if not isinstance(rule, str) or not rule.strip():
        raise RecurrenceError("rrule", "expected an iCalendar rule as text", _EXAMPLE)
    # Imported here: a build that changes nothing reads no rule, nor imports icalendar.
    from icalendar import vRecur

    text = rule.strip().removeprefix("RRULE:").upper()
    if (twice := _part_twice(text)) is not None:
        raise RecurrenceError("rrule", *twice)
    try:
        parts = vRecur.from_ical(text)
    except ValueError as error:
        raise RecurrenceError("rrule", f"not an iCalendar rule: {one_line(str(error))}", _EXAMPLE) from None
    freq = parts.get("FREQ", [""])[0]
    if freq not in FREQUENCIES:
        raise RecurrenceError("rrule", f"FREQ must be one of {', '.join(FREQUENCIES)}, got {freq!r}" if freq else
                              f"the rule gives no FREQ, which must be one of {', '.join(FREQUENCIES)}",
                              "a series repeats by the day at most; for several times a day, write an event for each"
                              if freq else _EXAMPLE)
    if (refused := _refused_parts(freq, parts)) is not None:
        raise RecurrenceError("rrule", refused, "Thunderbird and other clients on ical.js cannot read a calendar that "
                              "holds such a rule; see RFC 5545 section 3.3.10 for which parts go with which FREQ")
    if (refused_value := _refused_values(parts)) is not None:
        raise RecurrenceError("rrule", *refused_value)
    if ("COUNT" in parts) == ("UNTIL" in parts):
        raise RecurrenceError("rrule", "needs exactly one of COUNT or UNTIL",
                              "an open-ended series cannot be given correct time zone data for every date")
    return parts


def _part_twice(text: str) -> tuple[str, str] | None:
    """The problem and hint of a rule that gives a part twice (RFC 5545 forbids it), or None: a
    parser keeps one of them, so BYDAY=MO;BYDAY=TU would silently mean Tuesdays alone."""
    values: dict[str, list[str]] = {}
    for part in text.split(";"):
        name, _, value = part.partition("=")
        values.setdefault(name.strip(), []).append(value.strip())
    for name, given in values.items():
        if len(given) > 1:
            hint = (f"give a part once, its values separated by commas: {name}={','.join(given)}"
                    if name.startswith("BY") else f"keep one {name}")
            return f"{name} is given twice", hint
    return None


def _refused_parts(freq: str, parts: Mapping[str, list[Any]]) -> str | None:
    """Why a rule's parts cannot go together: RFC 5545 (section 3.3.10) forbids some parts with some
    frequencies, and ical.js refuses to expand two more pairs; None when they can."""
    numbered = [str(day) for day in parts.get("BYDAY", []) if str(day)[:1] in "+-0123456789"]
    if freq == "WEEKLY" and "BYMONTHDAY" in parts:
        return "BYMONTHDAY does not go with FREQ=WEEKLY"
    if freq in ("DAILY", "WEEKLY", "MONTHLY") and "BYYEARDAY" in parts:
        return f"BYYEARDAY does not go with FREQ={freq}"
    if freq != "YEARLY" and "BYWEEKNO" in parts:
        return "BYWEEKNO goes with FREQ=YEARLY only"
    if numbered and freq not in ("MONTHLY", "YEARLY"):
        return f"a numbered BYDAY ({numbered[0]}) goes with FREQ=MONTHLY or YEARLY only"
    if numbered and "BYWEEKNO" in parts:
        return f"a numbered BYDAY ({numbered[0]}) does not go with BYWEEKNO"
    for part, others in (("BYYEARDAY", ("BYMONTH", "BYMONTHDAY")), ("BYWEEKNO", ("BYMONTHDAY",))):
        if part in parts and (other := next((o for o in others if o in parts), None)):
            return f"{part} does not go with {other} in calendar apps on ical.js"
    return None


def _refused_values(parts: Mapping[str, list[Any]]) -> tuple[str, str] | None:
    """The problem and hint of an INTERVAL or a number that RFC 5545 does not allow, or of a part that
    sets the time of day, or None. Clients read such rules apart: given BYMONTHDAY=0, dateutil finds
    dates and ical.js none; INTERVAL=0 gives dateutil the start three times. A time of day is start's
    alone: BYHOUR or BYMINUTE would add dates within a day (or move the first from start), and one
    that says start's time again adds nothing."""
    interval = parts.get("INTERVAL", [1])[0]
    if interval < 1:
        return f"INTERVAL must be 1 or more, got {interval}", "INTERVAL=2 is every other one; leave it out for every one"
    for part, (most, unit) in _COUNTED.items():
        if (wrong := next((n for n in parts.get(part, []) if not 1 <= abs(n) <= most), None)) is not None:
            return (f"{part}={wrong} names no {unit}: RFC 5545 counts them 1 to {most} from the start, -1 to -{most} "
                    "from the end", f"e.g. {part}=-1 for the last {unit}")
    if (clock := next((part for part in _CLOCK_PARTS if part in parts), None)) is not None:
        return (f"{clock} does not go in a series' rule: each date begins at start's time",
                "leave it out: a series repeats by the day at most; for several times a day, write an event for each")
    return None
