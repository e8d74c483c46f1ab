"""A calendar per tag, feeds/tags/<slug>/events.ics: read back by icalendar and by ical.js, each holds
the events of its tag that events.ics holds, in its order, each VEVENT as events.ics writes it and
landing at the instants the content says; its tag's page and the feeds page link it.

Expectations come from the fixture's front matter (test_calendar.EXPECTED) and from events.ics as
written, never from the package's own model.
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin

import icalendar
import lxml.html
import pytest
import yaml
from test_calendar import (
    BASE,
    EXPECTED,
    FIXTURE,
    NOW,
    _iso,
    _js_iso,
    _link,
    read_with_icaljs,
)
from test_calendar_past_days import _event

# The tags given to the calendar fixture's events, by file: every zone, the series, the all-day
# events and the odd statuses each fall in a tag of their own, and some events in two.
TAGGED = {
    "casablanca-forum": ["Zones"], "eucla-roadhouse": ["Zones"], "kathmandu-workshop": ["Zones"],
    "kolkata-briefing": ["briefing", "Zones"], "new-york-spring-forward": ["Zones"],
    "london-conference": ["Zones"], "zurich-dst-night": ["Zones"],
    "leap-day-reception": ["Series"], "monthly-press-briefing": ["Series"], "summer-forum": ["Series", "Zones"],
    "month-end-retreat": ["All day"], "year-end-watch": ["All day"],
    "utc-webinar": ["Paris Call"], "cancelled-panel": ["Paris Call"], "rescheduled-roundtable": ["Paris Call"],
    "multilingual-meeting": ["multilingual", "genève", "Paris Call"],
}
# Each tag's slug and its calendar's name, as the README gives them.
SLUGS = {"Zones": "zones", "briefing": "briefing", "Series": "series", "All day": "all-day", "Paris Call": "paris-call",
         "multilingual": "multilingual", "genève": "geneve"}
NEWS = "---\ntitle: A release\ndate: 2018-11-01T10:00\ntags: [Paris Call, Press]\n---\n\nIts body.\n"


def _tag_events(site: Path, tags: dict[str, list[str]]) -> None:
    """Give each event file named in `tags` those tags, in place of any it had."""
    for slug, names in tags.items():
        path = site / f"content/events/{slug}.md"
        text = re.sub(r"^tags: .*\n", "", path.read_text(encoding="utf-8"), flags=re.M)
        path.write_text(text.replace("\n", f"\ntags: [{', '.join(names)}]\n", 1), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The calendar test newsroom with its events tagged (TAGGED) and a news item whose tag no event
    has, built once for this module."""
    from feeds.cli import main

    site = tmp_path_factory.mktemp("tagged") / "site"
    shutil.copytree(FIXTURE, site)
    _tag_events(site, TAGGED)
    (site / "content/news").mkdir()
    (site / "content/news/2018-11-01-a-release.md").write_text(NEWS, encoding="utf-8")
    assert main(["build", "--site", str(site), "--now", NOW]) == 0
    return site / "public"


def _expected_tags() -> dict[str, list[str]]:
    """Each tag's slug with the UIDs of its events, from the front matter of the files built."""
    found: dict[str, list[str]] = {}
    for uid, want in EXPECTED.items():
        for name in TAGGED.get(want.slug, []):
            found.setdefault(SLUGS[name], []).append(uid)
    return found


def _vevents(data: bytes) -> dict[str, bytes]:
    """Each VEVENT of a calendar as written, by UID, in the file's order."""
    blocks = re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", data, flags=re.S)
    return {re.search(rb"\r\nUID:(.*?)\r\n", block)[1].decode(): block for block in blocks}


def _tag_calendars(public: Path) -> dict[str, Path]:
    return {path.parent.name: path for path in sorted((public / "feeds/tags").glob("*/events.ics"))}


def test_every_tag_an_event_has_gets_a_calendar_of_its_events_as_events_ics_writes_them(built: Path) -> None:
    for slug, names in TAGGED.items():  # the expectations read TAGGED: the files built hold those tags
        meta = yaml.load((built.parent / f"content/events/{slug}.md").read_text(encoding="utf-8").split("---")[1],
                         Loader=yaml.BaseLoader)
        assert meta["tags"] == names
    site_wide = _vevents((built / "feeds/events.ics").read_bytes())
    calendars = _tag_calendars(built)
    expected = _expected_tags()
    assert calendars.keys() == expected.keys()  # not the news item's Press: no event has it
    assert (built / "feeds/tags/press/atom.xml").is_file()
    for slug, path in calendars.items():
        own = _vevents(path.read_bytes())
        assert set(own) == set(expected[slug]), slug
        assert list(own) == [uid for uid in site_wide if uid in own], slug  # in the order of events.ics
        assert all(own[uid] == site_wide[uid] for uid in own), slug  # each VEVENT the very same bytes


def test_each_tag_calendar_defines_the_zones_its_events_name_and_no_other(built: Path) -> None:
    for slug, path in _tag_calendars(built).items():
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        named = {prop.params["TZID"] for vevent in cal.walk("VEVENT") for key in ("DTSTART", "DTEND", "EXDATE")
                 for prop in (vevent[key] if isinstance(vevent.get(key), list) else [vevent.get(key)])
                 if prop is not None and "TZID" in getattr(prop, "params", {})}
        assert named == {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}, slug
    assert len({str(tz["TZID"]) for tz in icalendar.Calendar.from_ical(
        (built / "feeds/tags/zones/events.ics").read_bytes()).walk("VTIMEZONE")}) >= 7


def test_icalendar_lands_every_event_of_a_tag_calendar_where_events_ics_does(built: Path) -> None:
    """Through each file's own VTIMEZONEs (not looked up by name): at the instants the content says."""
    def instants(path: Path) -> dict[str, tuple[str, str]]:
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        zones = {str(tz["TZID"]): tz.to_tz(lookup_tzid=False) for tz in cal.walk("VTIMEZONE")}
        found = {}
        for vevent in cal.walk("VEVENT"):
            start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
            if isinstance(start, datetime):
                if tzid := vevent["DTSTART"].params.get("TZID"):
                    start = start.replace(tzinfo=zones[tzid])
                    end = end.replace(tzinfo=zones[vevent["DTEND"].params["TZID"]])
                start, end = _iso(start), _iso(end)
            else:
                start, end = start.isoformat(), end.isoformat()
            found[str(vevent["UID"])] = (start, end)
        return found

    site_wide = instants(built / "feeds/events.ics")
    checked = 0
    for slug, path in _tag_calendars(built).items():
        for uid, moments in instants(path).items():
            assert moments == site_wide[uid] == (EXPECTED[uid].start, EXPECTED[uid].end), (slug, uid)
            checked += 1
    assert checked == sum(map(len, _expected_tags().values()))


def test_icaljs_reads_every_tag_calendar_as_events_ics_and_the_content_say(built: Path) -> None:
    site_wide = {e["uid"]: e for e in read_with_icaljs(built / "feeds/events.ics")["events"]}
    names = {slug: name for name, slug in SLUGS.items()}
    assert _tag_calendars(built).keys() == _expected_tags().keys()
    for slug, path in _tag_calendars(built).items():
        data = read_with_icaljs(path)
        assert data["name"] == f"Calendar test events ({names[slug]})" and data["method"] == "PUBLISH"
        assert [e["uid"] for e in data["events"]] == _in_site_order(site_wide, _expected_tags()[slug])
        for got in data["events"]:
            want = EXPECTED[got["uid"]]
            assert got == site_wide[got["uid"]], (slug, got["uid"])  # every occurrence too
            assert (got["allDay"], _js_iso(got["start"]), _js_iso(got["end"])) == (want.all_day, want.start, want.end)
            if want.occurrences:
                assert tuple((_js_iso(o["start"]), _js_iso(o["end"])) for o in got["occurrences"]) == want.occurrences


def _in_site_order(site_wide: dict[str, dict], uids: list[str]) -> list[str]:
    return [uid for uid in site_wide if uid in uids]


def test_a_tag_calendar_is_named_for_the_tag_with_its_own_address_and_the_calendars_settings(built: Path) -> None:
    site_wide = icalendar.Calendar.from_ical((built / "feeds/events.ics").read_bytes())
    cal = icalendar.Calendar.from_ical((built / "feeds/tags/paris-call/events.ics").read_bytes())
    assert str(cal["NAME"]) == str(cal["X-WR-CALNAME"]) == "Calendar test events (Paris Call)"
    assert str(cal["SOURCE"]) == BASE + "feeds/tags/paris-call/events.ics"
    assert str(cal["URL"]) == BASE + "tags/paris-call/"
    assert str(cal["UID"]) == "calendar.tags.paris-call@calendar.example.org" != str(site_wide["UID"])
    for name in ("PRODID", "METHOD", "DESCRIPTION", "X-WR-CALDESC", "X-WR-TIMEZONE", "X-PUBLISHED-TTL", "COLOR",
                 "IMAGE", "VERSION"):
        assert str(cal[name]) == str(site_wide[name]), name
    assert cal.decoded("REFRESH-INTERVAL") == site_wide.decoded("REFRESH-INTERVAL") == timedelta(hours=6)
    # A tag written beyond ASCII: its address percent-encoded, its name as written.
    geneve = icalendar.Calendar.from_ical((built / "feeds/tags/geneve/events.ics").read_bytes())
    assert str(geneve["NAME"]) == "Calendar test events (genève)"


def _page(public: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(public / path)).getroot()


def test_a_tag_page_offers_its_own_calendar_when_its_tag_has_events(built: Path) -> None:
    page = _page(built, "tags/zones/index.html")
    own = BASE + "feeds/tags/zones/events.ics"
    calendars = [(link.get("title"), link.get("href")) for link in page.xpath('//head/link[@rel="alternate"]')
                 if link.get("type") == "text/calendar"]
    assert calendars == [("Calendar test events (Zones)", own), ("Calendar test events", BASE + "feeds/events.ics")]
    hrefs = {urljoin(BASE + "tags/zones/", a.get("href")) for a in page.iter("a")}
    assert {"webcal://calendar.example.org/feeds/tags/zones/events.ics", own} <= hrefs
    assert _link(page, "https://calendar.google.com/")["cid"] == "webcal://calendar.example.org/feeds/tags/zones/events.ics"
    outlook = _link(page, "https://outlook.live.com/calendar/0/addfromweb")
    assert (outlook["url"], outlook["name"]) == (own, "Calendar test events (Zones)")
    # A tag no event has: its feeds alone, and the site's calendar in its head.
    press = _page(built, "tags/press/index.html")
    assert not (built / "feeds/tags/press/events.ics").exists()
    assert [link.get("href") for link in press.xpath('//head/link[@type="text/calendar"]')] == [BASE + "feeds/events.ics"]
    assert not press.find_class("tag-calendar")
    assert not [a for a in press.iter("a") if a.get("href", "").startswith(("webcal:", "https://calendar.google.com/",
                                                                             "https://outlook.live.com/"))]


def test_the_feeds_page_lists_each_tags_calendar_beside_its_feeds(built: Path) -> None:
    page = _page(built, "feeds/index.html")
    for slug in _expected_tags():
        row = page.get_element_by_id(f"tag-{slug}")
        hrefs = {a.get("href") for a in row.iter("a")}
        assert {BASE + f"feeds/tags/{slug}/atom.xml", BASE + f"feeds/tags/{slug}/events.ics",
                f"webcal://calendar.example.org/feeds/tags/{slug}/events.ics"} <= hrefs, slug
        assert _link(row, "https://calendar.google.com/")["cid"] == f"webcal://calendar.example.org/feeds/tags/{slug}/events.ics"
    press = page.get_element_by_id("tag-press")
    assert not [a for a in press.iter("a") if "events.ics" in a.get("href", "")]


def test_a_tag_only_events_have_gets_its_calendar_where_feeds_leave_events_out(example_site: Path, feeds) -> None:
    config = example_site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("include_events = true", "include_events = false"),
                      encoding="utf-8")
    event = example_site / "content/events/annual-gathering-2018.md"
    event.write_text(event.read_text(encoding="utf-8").replace("tags: [Cybersecurity, Centre for Cybersecurity]",
                                                               "tags: [Cybersecurity, Gatherings]"), encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", NOW).code == 0
    public = example_site / "public"
    assert not (public / "feeds/tags/gatherings/atom.xml").exists()
    [uid] = [e["uid"] for e in read_with_icaljs(public / "feeds/tags/gatherings/events.ics")["events"]]
    assert uid == "annual-gathering-2018@newsroom.example.org"
    tag_page = _page(public, "tags/gatherings/index.html")
    assert [link.get("type") for link in tag_page.xpath('//head/link[@rel="alternate"]')][0] == "text/calendar"
    row = _page(public, "feeds/index.html").get_element_by_id("tag-gatherings")
    assert {a.get("href") for a in row.iter("a")} >= {"https://newsroom.example.org/feeds/tags/gatherings/events.ics"}
    assert not [a for a in row.iter("a") if a.get("type") == "application/atom+xml"]


def test_a_tag_calendar_is_named_by_the_ui_words_or_by_its_tag_alone(example_site: Path, feeds) -> None:
    (example_site / "templates/strings").mkdir(parents=True)
    (example_site / "templates/strings/en.toml").write_text('tag_calendar_name = "{tag} – {calendar}"\n',
                                                              encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", NOW).code == 0
    path = example_site / "public/feeds/tags/cybersecurity/events.ics"
    assert read_with_icaljs(path)["name"] == "Cybersecurity – Centre for Cybersecurity events"
    config = example_site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('name = "Centre for Cybersecurity events"',
                                                                 'name = ""'), encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", NOW).code == 0
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    assert str(cal["NAME"]) == str(cal["X-WR-CALNAME"]) == "Cybersecurity"


PAST_NOW = "2024-06-01T12:00:00+02:00"
PAST_EVENTS = {  # by slug: its text, with its tags
    "ended-long-ago": _event("Out", "2024-04-01T10:00", "2024-04-01T12:00", "tags: [Archive, Board]\n"),
    "ended-lately": _event("In", "2024-05-20T10:00", "2024-05-20T12:00", "tags: [Board]\n"),
    "to-come": _event("In", "2024-06-10T10:00", "2024-06-10T12:00", "tags: [Board, Forum]\n"),
}


def test_past_days_applies_to_tag_calendars_and_a_tag_left_without_events_keeps_its_file(tmp_path: Path,
                                                                                         feeds) -> None:
    site = tmp_path / "site"
    (site / "content/events").mkdir(parents=True)
    (site / "site.toml").write_text('title = "Past Days"\nbase_url = "https://past.example.org/"\n'
                                    'timezone = "Europe/Zurich"\n\n[calendar]\npast_days = 30\n', encoding="utf-8")
    for slug, text in PAST_EVENTS.items():
        (site / f"content/events/{slug}.md").write_text(text, encoding="utf-8")

    def held(tag: str) -> list[str]:
        uids = [e["uid"].partition("@")[0] for e in read_with_icaljs(site / f"public/feeds/tags/{tag}/events.ics")["events"]]
        cal = icalendar.Calendar.from_ical((site / f"public/feeds/tags/{tag}/events.ics").read_bytes())
        assert uids == [str(v["UID"]).partition("@")[0] for v in cal.walk("VEVENT")]
        return uids

    assert feeds("build", "--site", site, "--now", PAST_NOW).code == 0
    assert (held("archive"), held("board"), held("forum")) == ([], ["ended-lately", "to-come"], ["to-come"])
    archive = icalendar.Calendar.from_ical((site / "public/feeds/tags/archive/events.ics").read_bytes())
    assert [c.name for c in archive.subcomponents] == ["VTIMEZONE"] and str(archive.subcomponents[0]["TZID"]) == "Europe/Zurich"
    assert str(archive["NAME"]) == "Past Days events (Archive)"
    # A month on, with the cache: the board's last event has left too, and its file stays, empty.
    later = (datetime.fromisoformat(PAST_NOW) + timedelta(days=40)).isoformat()
    assert feeds("build", "--site", site, "--now", later).code == 0
    assert (held("archive"), held("board"), held("forum")) == ([], [], [])
    cached = {path: path.read_bytes() for path in (site / "public/feeds").rglob("*.ics")}
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns(".feeds-cache", "public", ".public.*"))
    assert feeds("build", "--site", fresh, "--now", later, "--no-cache").code == 0
    assert {path.relative_to(site): data for path, data in cached.items()} == {
        path.relative_to(fresh): path.read_bytes() for path in (fresh / "public/feeds").rglob("*.ics")}


def test_a_tag_calendar_under_a_path_has_its_address_and_a_uid_of_its_own(example_site: Path, feeds) -> None:
    config = example_site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('base_url = "https://newsroom.example.org/"',
                                                                 'base_url = "https://org.github.io/cyber/"'),
                      encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", NOW).code == 0
    public = example_site / "public/feeds"
    site_wide = icalendar.Calendar.from_ical((public / "events.ics").read_bytes())
    cal = icalendar.Calendar.from_ical((public / "tags/cybersecurity/events.ics").read_bytes())
    assert (str(site_wide["UID"]), str(cal["UID"])) == ("calendar.cyber@org.github.io",
                                                         "calendar.cyber.tags.cybersecurity@org.github.io")
    assert str(cal["SOURCE"]) == "https://org.github.io/cyber/feeds/tags/cybersecurity/events.ics"
    assert str(cal["URL"]) == "https://org.github.io/cyber/tags/cybersecurity/"
