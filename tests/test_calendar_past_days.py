"""`[calendar] past_days`: events.ics holds the events to come and those that ended within that many
days, read back by icalendar and by ical.js; each event's own event.ics, its page and the feeds keep
every event."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest
from conftest import tree_bytes
from test_calendar import read_with_icaljs

NOW = "2024-06-01T12:00:00+02:00"  # noon in Zurich, the site's zone
HOST = "past.example.org"


def _event(title: str, start: str, end: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\nstart: {start}\nend: {end}\nlocation: Bern\n{extra}---\n\nBody.\n"


# By slug: each event's text, and whether a calendar keeping 30 days of the past holds it at NOW.
EVENTS = {
    "ended-31-days-ago": (_event("Out", "2024-05-01T10:00", "2024-05-01T12:00"), False),
    "ended-30-days-ago-to-the-second": (_event("Out", "2024-05-02T10:00", "2024-05-02T12:00"), False),
    "ended-29-days-ago": (_event("In", "2024-05-03T10:00", "2024-05-03T12:00"), True),
    # All day: over at midnight after its last day, however long ago it began.
    "all-day-whose-last-day-is-in": (_event("In", "2024-03-01", "2024-05-02"), True),  # over 29.5 days ago
    "all-day-whose-last-day-is-out": (_event("Out", "2024-04-28", "2024-04-30"), False),  # over 31.5 days ago
    # A series by its last date: 2024-01-05 and every Friday to 2024-05-10; every Thursday to 2024-04-25.
    "series-whose-last-date-is-in": (_event("In", "2024-01-05T09:00", "2024-01-05T10:00",
                                            "rrule: FREQ=WEEKLY;COUNT=19\n"), True),
    "series-whose-last-date-is-out": (_event("Out", "2024-01-04T09:00", "2024-01-04T10:00",
                                             "rrule: FREQ=WEEKLY;COUNT=17\n"), False),
    "cancelled-in": (_event("In", "2024-05-12T10:00", "2024-05-12T12:00", "status: cancelled\n"), True),
    "cancelled-out": (_event("Out", "2024-04-22T10:00", "2024-04-22T12:00", "status: cancelled\n"), False),
    "to-come": (_event("In", "2024-06-10T10:00", "2024-06-10T12:00"), True),
}


def _site(tmp_path: Path, calendar: str) -> Path:
    """A newsroom of EVENTS with this [calendar] table."""
    site = tmp_path / "site"
    (site / "content/events").mkdir(parents=True)
    (site / "site.toml").write_text(f'title = "Past Days"\nbase_url = "https://{HOST}/"\n'
                                    f'timezone = "Europe/Zurich"\n\n[calendar]\n{calendar}', encoding="utf-8")
    for slug, (text, _) in EVENTS.items():
        (site / f"content/events/{slug}.md").write_text(text, encoding="utf-8")
    return site


def _build(feeds, site: Path, output: Path, now: str = NOW) -> Path:
    result = feeds("build", "--site", site, "--output", output, "--now", now)
    assert result.code == 0, result.err
    return output


def _slugs(uids: list[str]) -> set[str]:
    assert all(uid.endswith(f"@{HOST}") for uid in uids)
    return {uid.partition("@")[0] for uid in uids}


def subscribed(calendar: Path) -> set[str]:
    """The slugs of the events in a calendar file, as icalendar and as ical.js read it (they agree)."""
    by_icalendar = _slugs([str(v["UID"]) for v in icalendar.Calendar.from_ical(calendar.read_bytes()).walk("VEVENT")])
    by_icaljs = _slugs([event["uid"] for event in read_with_icaljs(calendar)["events"]])
    assert by_icalendar == by_icaljs
    return by_icalendar


def test_the_calendar_holds_events_to_come_and_those_ended_within_past_days(tmp_path: Path, feeds) -> None:
    public = _build(feeds, _site(tmp_path, "past_days = 30\n"), tmp_path / "public")
    assert subscribed(public / "feeds/events.ics") == {slug for slug, (_, kept) in EVENTS.items() if kept}
    for slug in EVENTS:  # each keeps its own file, with itself in it
        assert subscribed(public / f"events/{slug}/event.ics") == {slug}


def test_past_days_0_keeps_only_the_events_to_come(tmp_path: Path, feeds) -> None:
    public = _build(feeds, _site(tmp_path, "past_days = 0\n"), tmp_path / "public")
    assert subscribed(public / "feeds/events.ics") == {"to-come"}


def test_without_past_days_the_calendar_holds_every_event(tmp_path: Path, feeds) -> None:
    public = _build(feeds, _site(tmp_path, ""), tmp_path / "public")
    assert subscribed(public / "feeds/events.ics") == set(EVENTS)


def test_a_calendar_left_without_events_holds_the_sites_zone(tmp_path: Path, feeds) -> None:
    """RFC 5545 asks a calendar for one component at least, as for a newsroom without events; and
    without events there is no METHOD:PUBLISH, which iTIP gives only a calendar with one."""
    site = _site(tmp_path, 'past_days = 0\n\n[calendar.organizer]\nname = "Press"\nemail = "press@past.example.org"\n')
    public = _build(feeds, site, tmp_path / "public", now="2024-07-01T00:00:00+02:00")
    calendar = icalendar.Calendar.from_ical((public / "feeds/events.ics").read_bytes())
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Zurich"]
    assert not calendar.walk("VEVENT") and "METHOD" not in calendar
    assert read_with_icaljs(public / "feeds/events.ics")["events"] == []
    assert "METHOD:PUBLISH" in (public / "events/to-come/event.ics").read_text(encoding="utf-8")


@pytest.mark.parametrize("past_days", [0, 30])
def test_past_days_changes_the_calendar_alone(tmp_path: Path, feeds, past_days: int) -> None:
    """The history stays on the site: every page, feed and event.ics is as without the setting."""
    every = tree_bytes(_build(feeds, _site(tmp_path / "every", ""), tmp_path / "every-out"))
    recent = tree_bytes(_build(feeds, _site(tmp_path / "recent", f"past_days = {past_days}\n"), tmp_path / "recent-out"))
    assert {path for path in every.keys() | recent.keys() if every.get(path) != recent.get(path)} == {"feeds/events.ics"}
