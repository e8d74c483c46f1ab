"""Drafts and embargoes: held items appear in no output until their time; the next lift is announced."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import icalendar
import lxml.html
from conftest import EXAMPLE_NOW, tree_bytes

MARKER = "Zephyrine"  # a word that appears nowhere but in the held items
LIFT = "2018-11-21T09:00:00+01:00"
JUST_BEFORE = "2018-11-21T08:59:59+01:00"


def held_news(site: Path, front: str) -> None:
    (site / "content/news/2018-11-21-zephyrine.md").write_text(
        f"---\ntitle: {MARKER} report\n{front}tags: [{MARKER.lower()}-tag]\n---\nThe {MARKER} report is out.\n")


def held_event(site: Path, front: str) -> None:
    (site / "content/events/zephyrine-forum.md").write_text(
        f"---\ntitle: {MARKER} forum\nstart: 2018-12-10\n{front}---\nAbout the {MARKER} forum.\n")


def mentions(root: Path, word: str) -> list[str]:
    needle = word.lower().encode()
    return [name for name, data in tree_bytes(root).items() if needle in name.lower().encode() or needle in data.lower()]


def test_an_item_dated_in_the_future_is_in_no_output_until_that_exact_second(example_site: Path, feeds) -> None:
    held_news(example_site, f"date: {LIFT}\n")
    held_event(example_site, f"date: {LIFT}\n")
    out = example_site / "public"

    before = feeds("build", "--site", example_site, "--now", JUST_BEFORE)
    assert before.code == 0, before.err
    assert mentions(out, MARKER) == []
    assert "2 embargoed; the next lifts at 2018-11-21T08:00:00Z" in before.out
    assert (out / "next-lift.txt").read_text() == "2018-11-21T08:00:00Z\n"
    assert "zephyrine" not in (example_site / "published.json").read_text()

    at = feeds("build", "--site", example_site, "--now", LIFT)
    assert at.code == 0, at.err
    atom = feedparser.parse((out / "feeds/atom.xml").read_bytes())
    assert f"{MARKER} report" in [entry.title for entry in atom.entries]
    calendar = icalendar.Calendar.from_ical((out / "feeds/events.ics").read_bytes())
    assert f"{MARKER} forum" in [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    page = lxml.html.parse(str(out / "news/zephyrine/index.html")).getroot()
    assert page.findtext(".//h1") == f"{MARKER} report"
    assert (out / "next-lift.txt").read_text() == ""
    assert "embargoed" not in at.out


def test_the_embargo_key_holds_an_item_past_its_date(example_site: Path, feeds) -> None:
    held_news(example_site, f"date: 2018-11-12T09:00:00+01:00\nembargo: {LIFT}\n")
    out = example_site / "public"
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    assert mentions(out, MARKER) == []
    assert feeds("build", "--site", example_site, "--now", JUST_BEFORE).code == 0
    assert mentions(out, MARKER) == []
    assert feeds("build", "--site", example_site, "--now", LIFT).code == 0
    assert "news/zephyrine/index.html" in mentions(out, MARKER)


def test_a_release_held_past_its_date_reaches_subscribers_when_it_lifts(tmp_path: Path, feeds) -> None:
    """Feeds order items by when they became public: a release dated before its embargo goes into the
    subscription documents when it lifts, and a full archive, which readers never fetch again, keeps
    its entries."""
    site = tmp_path / "site"
    (site / "content/news").mkdir(parents=True)
    (site / "site.toml").write_text('title = "T"\nbase_url = "https://example.org/"\n[feeds]\nlimit = 3\n')
    for day in range(2, 7):
        (site / f"content/news/2020-01-0{day}-item-{day}.md").write_text(
            f"---\ntitle: Item {day}\ndate: 2020-01-0{day}\ntags: [{MARKER.lower()}-tag]\n---\nBody.\n")
    (site / "content/news/2020-01-01-release.md").write_text(
        f"---\ntitle: {MARKER} release\ndate: 2020-01-01\nembargo: 2020-01-10T09:00:00+00:00\n"
        f"tags: [{MARKER.lower()}-tag]\n---\nBig news.\n")
    out = site / "public"
    assert feeds("build", "--site", site, "--now", "2020-01-07T00:00:00+00:00").code == 0
    archived = [entry.id for entry in feedparser.parse((out / "feeds/archive/1/atom.xml").read_bytes()).entries]

    assert feeds("build", "--site", site, "--now", "2020-01-11T00:00:00+00:00").code == 0
    for path in ("feeds/atom.xml", f"feeds/tags/{MARKER.lower()}-tag/atom.xml"):
        atom = feedparser.parse((out / path).read_bytes())
        assert atom.entries[0].title == f"{MARKER} release", path
        # Dated when it came out, as feed-to-email services send only entries newer than their last look
        assert atom.entries[0].published == atom.entries[0].updated == "2020-01-10T09:00:00+00:00"
    assert [entry.id for entry in feedparser.parse((out / "feeds/archive/1/atom.xml").read_bytes()).entries] == archived
    json_titles = [item["title"] for item in json.loads((out / "feeds/feed.json").read_bytes())["items"]]
    rss_titles = [entry.title for entry in feedparser.parse((out / "feeds/rss.xml").read_bytes()).entries]
    assert json_titles[0] == rss_titles[0] == f"{MARKER} release"
    rss = feedparser.parse((out / "feeds/rss.xml").read_bytes()).entries[0]
    assert rss.published_parsed[:5] == (2020, 1, 10, 9, 0)
    assert json.loads((out / "feeds/feed.json").read_bytes())["items"][0]["date_published"] == "2020-01-10T09:00:00+00:00"
    page = lxml.html.parse(str(out / "news/release/index.html")).getroot()
    assert page.find(".//time").get("datetime").startswith("2020-01-01")  # the page keeps the date as written
    feed = feedparser.parse((out / "feeds/atom.xml").read_bytes()).feed
    assert feed.updated == "2020-01-10T09:00:00+00:00"  # the feed changed when the release came in


def test_an_event_without_a_date_is_not_held_until_it_starts(example_site: Path, feeds) -> None:
    held_event(example_site, "")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    assert "events/zephyrine-forum/index.html" in mentions(example_site / "public", MARKER)


def test_check_lists_what_is_embargoed_and_when_it_lifts(example_site: Path, feeds) -> None:
    held_news(example_site, f"date: 2018-11-12T09:00:00+01:00\nembargo: {LIFT}\n")
    result = feeds("check", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    assert (f"content/news/2018-11-21-zephyrine.md: embargoed until {LIFT} (lifts 2018-11-21T08:00:00Z): "
            f"{MARKER} report") in result.out.splitlines()
    assert "1 embargoed" in result.out


def test_an_embargo_needs_a_date_time_with_its_zone(example_site: Path, feeds) -> None:
    held_news(example_site, "date: 2018-11-12\nembargo: 2018-11-21T09:00\n")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert "content/news/2018-11-21-zephyrine.md:4: embargo: '2018-11-21T09:00' has no zone" in result.err
    held_news(example_site, "date: 2018-11-12\nembargo: tomorrow\n")
    assert "zephyrine.md:4: embargo: not a date-time: 'tomorrow'" in feeds("check", "--site", example_site).err


def test_drafts_are_left_out_unless_asked_for(example_site: Path, feeds) -> None:
    held_news(example_site, "date: 2018-11-12\ndraft: true\n")
    out = example_site / "public"
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    assert mentions(out, MARKER) == []
    assert "zephyrine" not in (example_site / "published.json").read_text()
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--drafts").code == 0
    assert {"news/zephyrine/index.html", "feeds/atom.xml", "index.html"} <= set(mentions(out, MARKER))
    assert "zephyrine" not in (example_site / "published.json").read_text()  # a preview records nothing


def test_an_embargoed_draft_stays_out_even_with_drafts(example_site: Path, feeds) -> None:
    held_news(example_site, f"date: {LIFT}\ndraft: true\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--drafts").code == 0
    assert mentions(example_site / "public", MARKER) == []


def test_an_embargo_cannot_withdraw_a_published_item(example_site: Path, feeds) -> None:
    news = example_site / "content/news/2018-11-12-forum-joins-paris-call.md"
    news.write_text(news.read_text().replace("dateline:", f"embargo: {LIFT}\ndateline:"))
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert result.err.splitlines()[1] == (  # after the warning that the event links to it, held
        "content/news/2018-11-12-forum-joins-paris-call.md:4: embargo: the item is already published; "
        f"it cannot be held until {LIFT} (hint: remove the embargo, or set it back; if a build with a later --now "
        "published it by mistake, restore published.json from version control)")
    assert "disappeared" not in result.err


def test_a_build_as_of_a_moment_before_a_published_date_says_so(example_site: Path, feeds) -> None:
    """The item has no embargo: it is its date, still to come at that moment, that would hold it."""
    result = feeds("build", "--site", example_site, "--now", "2018-11-01T00:00:00+01:00")
    assert result.code == 1
    assert ("content/news/2018-11-12-forum-joins-paris-call.md:3: date: the item is already published, and its "
            "date (2018-11-12T09:00:00+01:00) is still to come at the moment of this build") in result.err


def test_an_events_announcement_time_without_an_offset_is_in_its_own_zone(example_site: Path, feeds) -> None:
    """As the README says of every time without an offset in an event: 10:00 in New York is 15:00 UTC."""
    (example_site / "content/events/ny.md").write_text(
        "---\ntitle: NY event\ndate: 2018-12-03T10:00\nstart: 2019-03-01T10:00\ntimezone: America/New_York\n"
        "location: New York\n---\nBody.\n")
    for now, shown in (("2018-12-03T14:59:00Z", False), ("2018-12-03T15:00:00Z", True)):
        assert feeds("build", "--site", example_site, "--now", now).code == 0
        assert (example_site / "public/events/ny/index.html").exists() == shown, now


def test_the_next_lift_is_never_before_the_embargo_and_never_a_drafts(example_site: Path, feeds) -> None:
    """next-lift.txt has whole seconds, rounded up: a build at that second publishes the item. A draft
    dated later lifts nothing, so it sets no time to build again."""
    held_news(example_site, "date: 2018-11-12\nembargo: 2018-11-21T09:00:00.700+01:00\n")
    held_event(example_site, "date: 2018-11-21T08:00:00+01:00\ndraft: true\n")
    out = example_site / "public"
    assert feeds("build", "--site", example_site, "--now", JUST_BEFORE).code == 0
    lift = (out / "next-lift.txt").read_text().strip()
    assert lift == "2018-11-21T08:00:01Z"
    assert feeds("build", "--site", example_site, "--now", lift).code == 0
    assert "news/zephyrine/index.html" in mentions(out, MARKER)
    assert (out / "next-lift.txt").read_text() == ""


def test_the_next_lift_is_the_soonest_of_several(example_site: Path, feeds) -> None:
    """Of several held items, the one that lifts first sets the time to build again, whatever the order
    of their files; check lists them soonest first."""
    news = example_site / "content/news"
    (news / "2018-11-12-a-later.md").write_text("---\ntitle: Later\ndate: 2018-11-12\nembargo: 2018-11-30T09:00:00+01:00\n---\nX.\n")
    (news / "2018-11-12-b-sooner.md").write_text("---\ntitle: Sooner\ndate: 2018-11-12\nembargo: 2018-11-21T09:00:00+01:00\n---\nX.\n")
    (news / "2018-11-12-c-latest.md").write_text("---\ntitle: Latest\ndate: 2018-11-12\nembargo: 2018-12-05T09:00:00+01:00\n---\nX.\n")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    assert "3 embargoed; the next lifts at 2018-11-21T08:00:00Z" in result.out
    assert (example_site / "public/next-lift.txt").read_text() == "2018-11-21T08:00:00Z\n"
    listed = [line.split(": embargoed")[0] for line in feeds("check", "--site", example_site, "--now", EXAMPLE_NOW).out.splitlines()
              if ": embargoed until " in line]
    assert listed == ["content/news/2018-11-12-b-sooner.md", "content/news/2018-11-12-a-later.md",
                      "content/news/2018-11-12-c-latest.md"]


def test_with_an_embargo_in_the_site_feeds_keep_the_order_of_instants(tmp_path: Path, feeds) -> None:
    """An item held past its date makes the feeds sort by when each item came out: by instants, as the
    site's lists go, also on the night the clocks skip 02:00-03:00, where 02:49 (read as 03:49) comes
    after 03:32 though Python puts it before, comparing two times of one zone on the clock."""
    site = tmp_path / "site"
    (site / "content/news").mkdir(parents=True)
    (site / "site.toml").write_text('title = "T"\nbase_url = "https://example.org/"\ntimezone = "Europe/Zurich"\n')
    for name, front in (("skipped", "date: 2018-03-25T02:49"), ("after", "date: 2018-03-25T03:32"),
                        ("held", "date: 2018-03-01\nembargo: 2018-03-10T09:00:00+01:00")):
        (site / f"content/news/{name}.md").write_text(f"---\ntitle: {name}\n{front}\n---\nText.\n")
    assert feeds("build", "--site", site, "--now", "2018-03-26T00:00:00+01:00").code == 0
    entries = feedparser.parse((site / "public/feeds/atom.xml").read_bytes()).entries
    assert [entry.title for entry in entries] == ["skipped", "after", "held"]
    page = lxml.html.parse(str(site / "public/archive/index.html")).getroot()
    assert [link.text for link in page.iterfind(".//main//h2/a")] == ["skipped", "after", "held"]
