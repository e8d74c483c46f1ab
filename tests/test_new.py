"""`feeds new` writes a draft with the right front matter, slug and date, and the file builds."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import icalendar
from conftest import EXAMPLE_NOW

GENEVA = ZoneInfo("Europe/Zurich")


def test_new_news_builds_once_drafts_are_shown(example_site: Path, feeds) -> None:
    title = 'Forum to host "Cyber Resilience: Next Steps"'
    result = feeds("new", "news", title, "--site", example_site, "--now", "2018-11-20T10:15:30+01:00")
    assert result.code == 0, result.err
    path = Path(result.out.strip())
    assert path == example_site / "content/news/2018-11-20-forum-to-host-cyber-resilience-next-steps.md"
    assert "draft: true" in path.read_text()

    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    atom = feedparser.parse((example_site / "public/feeds/atom.xml").read_bytes())
    assert title not in [entry.title for entry in atom.entries]  # a draft until published

    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--drafts")
    assert result.code == 0
    assert f"{path.relative_to(example_site)}:8: warning: body: still holds the placeholder that feeds new wrote" in result.err
    atom = feedparser.parse((example_site / "public/feeds/atom.xml").read_bytes())
    [entry] = [entry for entry in atom.entries if entry.title == title]
    assert entry.link == "https://newsroom.example.org/news/forum-to-host-cyber-resilience-next-steps/"
    assert entry.published_parsed[:6] == (2018, 11, 20, 9, 15, 30)


def test_new_event_builds_into_the_calendar(example_site: Path, feeds) -> None:
    result = feeds("new", "event", "Cyber Workshop", "--site", example_site, "--start", "2018-12-03T09:30",
                   "--end", "2018-12-03T17:00", "--now", "2018-11-20T10:00")
    assert result.code == 0, result.err
    path = Path(result.out.strip())
    assert path == example_site / "content/events/cyber-workshop.md"
    path.write_text(path.read_text().replace("draft: true", "draft: false"))

    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    calendar = icalendar.Calendar.from_ical((example_site / "public/feeds/events.ics").read_bytes())
    [workshop] = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Cyber Workshop"]
    assert workshop.decoded("DTSTART") == datetime(2018, 12, 3, 9, 30, tzinfo=GENEVA)
    assert workshop.decoded("DTEND") == datetime(2018, 12, 3, 17, 0, tzinfo=GENEVA)
    assert workshop.decoded("CREATED") == datetime(2018, 11, 20, 10, 0, tzinfo=GENEVA)


def test_new_all_day_event(example_site: Path, feeds) -> None:
    path = Path(feeds("new", "event", "Winter Meeting", "--site", example_site,
                      "--start", "2019-01-22", "--end", "2019-01-25", "--now", "2018-11-20T10:00").out.strip())
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--drafts").code == 0
    calendar = icalendar.Calendar.from_ical((example_site / "public/feeds/events.ics").read_bytes())
    [meeting] = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Winter Meeting"]
    assert (meeting.decoded("DTSTART"), meeting.decoded("DTEND")) == (date(2019, 1, 22), date(2019, 1, 26))
    assert path.name == "winter-meeting.md"


def test_new_never_overwrites(example_site: Path, feeds) -> None:
    args = ("new", "event", "Annual Gathering 2018", "--site", example_site, "--start", "2018-11-26")
    result = feeds(*args)
    assert result.code == 1
    assert "content/events/annual-gathering-2018.md: already exists" in result.err


def test_new_refuses_bad_input(example_site: Path, feeds) -> None:
    assert feeds("new", "event", "No Start", "--site", example_site).code == 2
    assert feeds("new", "page", "What", "--site", example_site).code == 2
    assert feeds("new", "news", "When", "--site", example_site, "--start", "2018-12-03").code == 2  # an event's
    bad = feeds("new", "event", "Backwards", "--site", example_site, "--start", "2018-12-03", "--end", "2018-12-01")
    assert bad.code == 1 and bad.err.startswith("--end: must be a date not before --start (2018-12-03) (hint: give "
                                                "the event's last day, or leave --end out for one day)")
    bad = feeds("new", "event", "Backwards", "--site", example_site, "--start", "2018-12-03T10:00", "--end", "2018-12-03")
    assert bad.code == 1 and bad.err.startswith("--end: must be a time after --start (2018-12-03T10:00) (hint: give "
                                                "the time it ends, as 2018-12-03T11:00)")
    assert feeds("new", "news", "!!!", "--site", example_site).code == 1
    for title in ("Caf\udce9 news", "Bell\x07 news"):  # bytes of the command line that were not UTF-8; a control character
        assert feeds("new", "news", title, "--site", example_site, "--now", "2018-11-20T10:00:00+01:00").code == 1
    assert not list((example_site / "content/news").glob("2018-11-20-*"))  # no file begun and left empty
    assert feeds("new", "news", "Late", "--site", example_site, "--now", "9999-12-31T23:59:59-12:00").code == 2
    assert not (example_site / "content/events/backwards.md").exists()


def test_a_long_title_gets_the_first_words_of_its_slug(example_site: Path, feeds) -> None:
    title = ("Cyber security agreement signed between the European Union and the Swiss Confederation "
             "on data protection matters")
    result = feeds("new", "news", title, "--site", example_site, "--now", "2018-12-01T10:00:00+01:00")
    assert result.code == 0, result.err
    slug = Path(result.out.strip()).stem.removeprefix("2018-12-01-")
    whole = "cyber-security-agreement-signed-between-the-european-union-and-the-swiss-confederation-on-data-protection-matters"
    assert len(slug) <= 80 and (whole + "-").startswith(slug + "-")  # whole words, from the start
    assert slug == "cyber-security-agreement-signed-between-the-european-union-and-the-swiss"


def test_a_slug_whose_80th_character_ends_a_word_keeps_that_word(example_site: Path, feeds) -> None:
    """The cut falls between two words here: the slug is the first 80 characters whole, not one word fewer."""
    title = "Government Announces Strategic Framework Regarding Important Technical Standards for Cyber Defence"
    result = feeds("new", "news", title, "--site", example_site, "--now", "2018-12-01T10:00:00+01:00")
    assert result.code == 0, result.err
    slug = Path(result.out.strip()).stem.removeprefix("2018-12-01-")
    assert slug == "government-announces-strategic-framework-regarding-important-technical-standards"
    assert len(slug) == 80


def test_a_long_title_gets_a_slug_cut_at_a_word_and_builds(example_site: Path, feeds) -> None:
    title = "東京" * 60  # transliterated, a slug of some 400 characters: past a file name's 255 bytes
    result = feeds("new", "news", title, "--site", example_site, "--now", "2018-11-20T10:15:30+01:00")
    assert result.code == 0, result.err
    path = Path(result.out.strip())
    slug = path.stem.removeprefix("2018-11-20-")
    assert 0 < len(slug) <= 80 and not slug.endswith("-")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--drafts").code == 0
    assert (example_site / f"public/news/{slug}/index.html").is_file()


def test_the_embargo_line_once_uncommented_holds_the_item_to_the_next_morning(example_site: Path, feeds) -> None:
    title = "Forum and partners sign the charter"
    path = Path(feeds("new", "news", title, "--site", example_site, "--now", "2018-11-20T22:15:30+01:00").out.strip())
    text = path.read_text().replace("draft: true  # remove this line to publish\n", "")
    path.write_text(text.replace("# embargo:", "embargo:"))

    def titles_at(now: str) -> list[str]:
        result = feeds("build", "--site", example_site, "--now", now)
        assert result.code == 0, result.err
        return [entry.title for entry in feedparser.parse((example_site / "public/feeds/atom.xml").read_bytes()).entries]

    assert title not in titles_at("2018-11-21T08:59+01:00")
    assert title in titles_at("2018-11-21T09:00+01:00")


def test_an_event_with_a_start_time_and_no_end_gets_an_end_line_to_uncomment(example_site: Path, feeds) -> None:
    path = Path(feeds("new", "event", "Press briefing", "--site", example_site, "--start", "2018-12-03T10:00",
                      "--now", "2018-11-20T10:00").out.strip())
    built = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--drafts")
    assert "warning: start: the event has a start time but no end" in built.err  # an end is not made up
    path.write_text(path.read_text().replace("# end:", "end:"))
    built = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--drafts")
    assert built.code == 0 and "no end" not in built.err, built.err
    calendar = icalendar.Calendar.from_ical((example_site / "public/feeds/events.ics").read_bytes())
    [briefing] = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Press briefing"]
    assert briefing.decoded("DTEND") == datetime(2018, 12, 3, 11, 0, tzinfo=GENEVA)


def test_an_event_takes_its_location_or_gets_a_line_to_fill_in(example_site: Path, feeds) -> None:
    """With --location, the event's place is in the calendar and it has no warning for the lack of
    one; without, the file has a location line to uncomment and correct."""
    path = Path(feeds("new", "event", "Press briefing", "--site", example_site, "--start", "2018-12-03T10:00",
                      "--end", "2018-12-03T11:00", "--location", "Salle 2, Geneva", "--now", "2018-11-20T10:00").out.strip())
    built = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--drafts")
    assert built.code == 0 and "location" not in built.err, built.err
    calendar = icalendar.Calendar.from_ical((example_site / "public/feeds/events.ics").read_bytes())
    [briefing] = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Press briefing"]
    assert str(briefing["LOCATION"]) == "Salle 2, Geneva"
    path.unlink()
    path = Path(feeds("new", "event", "Press briefing", "--site", example_site, "--start", "2018-12-03T10:00",
                      "--end", "2018-12-03T11:00", "--now", "2018-11-20T10:00").out.strip())
    built = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--drafts")
    assert "content/events/press-briefing.md:1: warning: location: the event has no location" in built.err
    path.write_text(path.read_text().replace("# location:", "location:"))
    built = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--drafts")
    assert built.code == 0 and "location" not in built.err, built.err
    assert feeds("new", "news", "A release", "--site", example_site, "--location", "Geneva").code == 2
