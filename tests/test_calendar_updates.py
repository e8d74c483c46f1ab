"""SEQUENCE through the committed ledger: up by one when an event moves, unchanged otherwise; bad rules located."""

from __future__ import annotations

import shutil
from pathlib import Path

import icalendar
import pytest
from conftest import EXAMPLE_NOW, ROOT

GATHERING = "content/events/annual-gathering-2018.md"
UID = "annual-gathering-2018@newsroom.example.org"


def _event(site: Path, uid: str = UID) -> icalendar.Event:
    cal = icalendar.Calendar.from_ical((site / "public/feeds/events.ics").read_bytes())
    return next(e for e in cal.walk("VEVENT") if str(e["UID"]) == uid)


def _edit(site: Path, old: str, new: str) -> None:
    path = site / GATHERING
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _build(feeds, site: Path) -> None:
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err


def test_the_committed_ledger_is_current(example_site: Path, feeds) -> None:
    _build(feeds, example_site)
    assert (example_site / "published.json").read_bytes() == (ROOT / "published.json").read_bytes()
    assert _event(example_site)["SEQUENCE"] == 0


def test_moving_an_event_raises_sequence_by_one_and_keeps_the_uid(example_site: Path, feeds, tmp_path: Path) -> None:
    _build(feeds, example_site)
    _edit(example_site, "start: 2018-11-26\nend: 2018-11-27", "start: 2018-11-27\nend: 2018-11-28")
    _build(feeds, example_site)
    event = _event(example_site)
    assert (str(event["UID"]), event["SEQUENCE"]) == (UID, 1)
    assert str(event["DTSTART"].to_ical().decode()) == "20181127"
    # A fresh checkout of the edited content and its ledger builds the same calendar, byte for byte.
    checkout = tmp_path / "checkout"
    shutil.copytree(example_site, checkout, ignore=shutil.ignore_patterns("public"))
    _build(feeds, checkout)
    assert (checkout / "public/feeds/events.ics").read_bytes() == (example_site / "public/feeds/events.ics").read_bytes()


def test_cancelling_raises_sequence_and_a_new_title_does_not(example_site: Path, feeds) -> None:
    _edit(example_site, "title: Annual Gathering of the Centre for Cybersecurity", "title: The Annual Gathering")
    _build(feeds, example_site)
    assert _event(example_site)["SEQUENCE"] == 0
    _edit(example_site, "tags:", "status: cancelled\ntags:")
    _build(feeds, example_site)
    event = _event(example_site)
    assert (event["SEQUENCE"], str(event["STATUS"]), str(event["UID"])) == (1, "CANCELLED", UID)


def test_a_rebuild_without_changes_is_byte_identical(example_site: Path, feeds) -> None:
    _build(feeds, example_site)
    first = (example_site / "public/feeds/events.ics").read_bytes()
    ledger = (example_site / "published.json").read_bytes()
    _build(feeds, example_site)
    assert (example_site / "public/feeds/events.ics").read_bytes() == first
    assert (example_site / "published.json").read_bytes() == ledger


def test_changing_a_series_raises_sequence(tmp_path: Path, feeds) -> None:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "tests/fixtures/calendar-newsroom", site)
    uid = "monthly-press-briefing@calendar.example.org"
    _build(feeds, site)
    path = site / "content/events/monthly-press-briefing.md"
    path.write_text(path.read_text().replace("exdate: [2019-01-01T10:00]", "exdate: [2019-01-01T10:00, 2019-04-02T10:00]"))
    _build(feeds, site)
    assert _event(site, uid)["SEQUENCE"] == 1


BAD_SERIES = [
    ("rrule: FREQ=MONTHLY;BYDAY=1TU", "rrule: needs exactly one of COUNT or UNTIL"),
    ("rrule: FREQ=SOMETIMES;COUNT=3", "rrule: not an iCalendar rule"),
    ("rrule: FREQ=HOURLY;COUNT=3", "rrule: FREQ must be one of DAILY, WEEKLY, MONTHLY, YEARLY"),
    ("rrule: COUNT=3", "rrule: the rule gives no FREQ, which must be one of DAILY, WEEKLY, MONTHLY, YEARLY"),
    ("rrule: FREQ=MONTHLY;BYDAY=2TU;COUNT=3", "rrule: does not include start (2018-11-06T10:00:00+01:00)"),
    ("rrule: FREQ=MONTHLY;BYDAY=1TU;COUNT=3\nexdate: [2018-12-05T10:00]", "exdate: 2018-12-05T10:00 is not an occurrence"),
    ("exdate: [2018-12-04T10:00]", "exdate: needs an rrule"),
    ("rrule: FREQ=MONTHLY;BYDAY=1TU;COUNT=3\nexdate:\n  - 2018-12-04T10:00\n  -",
     "exdate: an empty entry is not a date-time like start"),
    ("rrule: FREQ=WEEKLY;COUNT=2\nexdate: [2018-11-06T10:00, 2018-11-13T10:00]", "exdate: leaves out every date of the series"),
    # Parts that RFC 5545 section 3.3.10 forbids together, or that ical.js (Thunderbird) will not expand:
    # the whole calendar would fail to load there.
    ("rrule: FREQ=WEEKLY;BYMONTHDAY=6;COUNT=3", "rrule: BYMONTHDAY does not go with FREQ=WEEKLY"),
    ("rrule: FREQ=MONTHLY;BYYEARDAY=310;COUNT=3", "rrule: BYYEARDAY does not go with FREQ=MONTHLY"),
    ("rrule: FREQ=MONTHLY;BYWEEKNO=45;COUNT=3", "rrule: BYWEEKNO goes with FREQ=YEARLY only"),
    ("rrule: FREQ=WEEKLY;BYDAY=1TU;COUNT=3", "rrule: a numbered BYDAY (1TU) goes with FREQ=MONTHLY or YEARLY only"),
    ("rrule: FREQ=YEARLY;BYYEARDAY=310;BYMONTH=11;COUNT=3", "rrule: BYYEARDAY does not go with BYMONTH"),
    ("rrule: FREQ=YEARLY;BYWEEKNO=45;BYMONTHDAY=6;COUNT=3", "rrule: BYWEEKNO does not go with BYMONTHDAY"),
    ("rrule: FREQ=YEARLY;BYWEEKNO=45;BYDAY=1TU;COUNT=3", "rrule: a numbered BYDAY (1TU) does not go with BYWEEKNO"),
]


@pytest.mark.parametrize(("keys", "message"), BAD_SERIES, ids=[m for _, m in BAD_SERIES])
def test_a_bad_series_is_located(example_site: Path, feeds, keys: str, message: str) -> None:
    path = example_site / "content/events/briefing.md"
    path.write_text(f"---\ntitle: Briefing\nstart: 2018-11-06T10:00\nend: 2018-11-06T11:00\n{keys}\n---\n")
    result = feeds("check", "--site", example_site)
    assert result.code == 1
    key = message.split(":")[0]
    line = 1 + next(i for i, text in enumerate(path.read_text().splitlines()) if text.startswith(key + ":"))
    assert f"content/events/briefing.md:{line}: {message}" in result.err, result.err



def test_an_event_given_only_its_uid_moves_and_is_renamed_keeping_it(example_site: Path, feeds) -> None:
    """No `date:` (so announced at its start) and no `id:`: its start and file name make the feed id,
    yet moving the event or renaming its file keeps its UID, and raises SEQUENCE only for the move."""
    uid = "cyber-summit@newsroom.example.org"
    summit = example_site / "content/events/summit.md"
    summit.write_text(f"---\ntitle: Summit\nuid: {uid}\nstart: 2018-12-10T10:00\nend: 2018-12-10T12:00\n"
                      "location: Bern\n---\nA summit.\n", encoding="utf-8")
    _build(feeds, example_site)
    summit.write_text(summit.read_text().replace("2018-12-10T", "2018-12-17T"), encoding="utf-8")
    _build(feeds, example_site)
    moved = _event(example_site, uid)
    assert (moved["SEQUENCE"], moved.decoded("DTSTART").day) == (1, 17)
    summit.rename(example_site / "content/events/cyber-summit.md")
    _build(feeds, example_site)
    assert _event(example_site, uid)["SEQUENCE"] == 1


def test_an_event_without_a_date_is_announced_by_its_last_change(example_site: Path, feeds) -> None:
    """An event with no `date:` is announced at its start; given an earlier `updated:`, it was known
    by then, and its calendar stamps say so (rather than the edit failing the build)."""
    _edit(example_site, "date: 2018-11-12T09:30:00+01:00\n", "updated: 2018-11-15T09:00:00+01:00\n")
    _build(feeds, example_site)
    event = _event(example_site)
    assert event.decoded("CREATED") == event.decoded("LAST-MODIFIED") == event.decoded("DTSTAMP")
    assert event.decoded("DTSTAMP").isoformat() == "2018-11-15T08:00:00+00:00"
