"""The example newsroom builds end to end, and every output reads back with the parsers people use."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import icalendar
import lxml.html
from conftest import EXAMPLE_NOW, tree_bytes

NEWS_TITLE = "World Economic Forum joins the Paris Call for Trust and Security in Cyberspace"
EVENT_TITLE = "Annual Gathering of the Centre for Cybersecurity"
BASE = "https://newsroom.example.org/"


def test_every_output_is_written(example_output: Path) -> None:
    for path in [
        "index.html",
        "news/forum-joins-paris-call/index.html",
        "events/annual-gathering-2018/index.html",
        "feeds/atom.xml",
        "feeds/rss.xml",
        "feeds/events.ics",
    ]:
        assert (example_output / path).is_file(), path


def test_atom_and_rss_parse_cleanly_with_absolute_links(example_output: Path) -> None:
    for name in ("atom.xml", "rss.xml"):
        feed = feedparser.parse((example_output / "feeds" / name).read_bytes())
        assert not feed.bozo, (name, feed.get("bozo_exception"))
        titles = [entry.title for entry in feed.entries]
        assert titles == [EVENT_TITLE, NEWS_TITLE]  # newest first: the event was announced half an hour later
        news = next(e for e in feed.entries if e.title == NEWS_TITLE)
        assert news.link == BASE + "news/forum-joins-paris-call/"
        assert news.id == "tag:newsroom.example.org,2018-11-12:news/forum-joins-paris-call"
        assert news.published_parsed[:5] == (2018, 11, 12, 8, 0)  # 09:00 in Geneva is 08:00 UTC
        body = lxml.html.fromstring(news.content[0].value)
        hrefs = [a.get("href") for a in body.iter("a")]
        assert BASE + "events/annual-gathering-2018/" in hrefs
        assert all(href.startswith(BASE) for href in hrefs), hrefs


def test_annual_gathering_spans_exactly_26_and_27_november(example_output: Path) -> None:
    calendar = icalendar.Calendar.from_ical((example_output / "feeds/events.ics").read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == EVENT_TITLE
    assert event["DTSTART"].params.get("VALUE") in (None, "DATE")
    assert event.decoded("DTSTART") == date(2018, 11, 26)
    assert event.decoded("DTEND") == date(2018, 11, 28)  # exclusive: the last day is the 27th
    assert "DTSTART;VALUE=DATE:20181126" in (example_output / "feeds/events.ics").read_text()
    assert str(event["UID"]) == "annual-gathering-2018@newsroom.example.org"
    assert event.decoded("DTSTAMP") == datetime(2018, 11, 12, 8, 30, tzinfo=timezone.utc)  # announced 09:30 CET
    assert str(event["LOCATION"]) == "World Economic Forum, Geneva, Switzerland"


def test_pages_link_the_items_and_the_feeds(example_output: Path) -> None:
    index = lxml.html.parse(str(example_output / "index.html")).getroot()
    links = {urljoin(BASE, a.get("href")) for a in index.iter("a")}
    assert {BASE + "news/forum-joins-paris-call/", BASE + "events/annual-gathering-2018/"} <= links
    assert {BASE + "feeds/atom.xml", BASE + "feeds/rss.xml", BASE + "feeds/events.ics"} <= links
    assert "webcal://newsroom.example.org/feeds/events.ics" in links
    upcoming = index.get_element_by_id("upcoming-heading").getparent()
    assert EVENT_TITLE in upcoming.text_content()  # upcoming as of 20 November 2018
    news = lxml.html.parse(str(example_output / "news/forum-joins-paris-call/index.html")).getroot()
    assert news.findtext(".//h1") == NEWS_TITLE
    assert "Geneva, Switzerland" in news.text_content()
    event = lxml.html.parse(str(example_output / "events/annual-gathering-2018/index.html")).getroot()
    assert event.findtext(".//h1") == EVENT_TITLE


def test_past_events_move_down_once_over(example_site: Path, feeds) -> None:
    assert feeds("build", "--site", example_site, "--now", "2018-11-28T00:00:00+01:00").code == 0
    index = lxml.html.parse(str(example_site / "public/index.html")).getroot()
    past = index.get_element_by_id("past-heading").getparent()
    assert EVENT_TITLE in past.text_content()


def test_past_events_come_last_to_end_first_and_a_series_says_until_when(example_site: Path, feeds) -> None:
    """A weekly series that ended after a one-day event comes before it among past events, although
    it began long before, and its card gives its last date rather than only its first."""
    (example_site / "content/events/weekly.md").write_text(
        "---\ntitle: Weekly briefing\ndate: 2018-01-01\nstart: 2018-01-08T10:00\nend: 2018-01-08T11:00\n"
        "rrule: FREQ=WEEKLY;UNTIL=20181217T235959Z\nlocation: Geneva\n---\nEvery Monday.\n", encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", "2019-01-01T00:00:00+01:00").code == 0
    for path in ("index.html", "events/index.html"):
        page = lxml.html.parse(str(example_site / "public" / path)).getroot()
        cards = [card for card in page.find_class("h-event") if "Over" in card.text_content()]
        titles = [card.find(".//a").text for card in cards]
        assert titles == ["Weekly briefing", EVENT_TITLE], path
        assert "it repeats until 17 December 2018" in cards[0].text_content()


def test_the_build_and_the_check_count_the_items_in_words(example_site: Path, feeds) -> None:
    built = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert built.out.startswith("feeds: built 1 news item and 1 event into ")
    assert feeds("check", "--site", example_site, "--now", EXAMPLE_NOW).out == "feeds: 1 news item and 1 event are valid\n"
    (example_site / "content/news/second.md").write_text("---\ntitle: Second\ndate: 2018-11-13\n---\nMore.\n")
    assert feeds("check", "--site", example_site, "--now", EXAMPLE_NOW).out == "feeds: 2 news items and 1 event are valid\n"


def test_the_build_and_the_check_say_how_many_drafts_they_left_out(example_site: Path, feeds) -> None:
    for name in ("draft-one", "draft-two"):
        (example_site / f"content/news/{name}.md").write_text(f"---\ntitle: {name}\ndate: 2018-11-13\ndraft: true\n---\nText.\n")
    for _ in range(2):  # the second build changes nothing, and says the same
        built = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
        assert built.out.startswith("feeds: built 1 news item and 1 event into ")
        assert built.out.splitlines()[1] == "feeds: 2 drafts left out; feeds serve --drafts previews them"
    checked = feeds("check", "--site", example_site, "--now", EXAMPLE_NOW).out
    assert checked == "feeds: 1 news item and 1 event are valid; 2 drafts left out\n"
    shown = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--drafts").out
    assert shown.startswith("feeds: built 3 news items and 1 event into ") and "left out" not in shown


def test_two_builds_give_the_same_bytes(example_site: Path, feeds, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert feeds("build", "--site", example_site, "--output", first, "--now", EXAMPLE_NOW).code == 0
    assert feeds("build", "--site", example_site, "--output", second, "--now", EXAMPLE_NOW).code == 0
    assert tree_bytes(first) == tree_bytes(second)
    assert len(tree_bytes(first)) >= 6


def test_generate_py_is_the_same_command(example_site: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, str(root / "generate.py"), "build", "--site", str(example_site), "--now", EXAMPLE_NOW],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (example_site / "public/feeds/atom.xml").is_file()


def test_the_top_of_the_output_holds_only_what_a_build_may_make(example_output: Path) -> None:
    """A folder holding anything else at its top is not a build's (see feeds.build.foreign_entries)."""
    from feeds.render import TOP_LEVEL

    assert {path.name for path in example_output.iterdir()} <= TOP_LEVEL
