"""events.ics and event.ics read back by icalendar and by ical.js, checked against the content itself.

Expectations come from each fixture file's front matter, converted with zoneinfo, never from the
package's own model.
"""

from __future__ import annotations

import calendar as weekdays
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urljoin, urlsplit
from zoneinfo import ZoneInfo

import icalendar
import lxml.etree
import lxml.html
import pytest
import recurring_ical_events
import yaml
from feed_readers import feedparse

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests/fixtures/calendar-newsroom"
READER = ROOT / "tests/node/read_ics.mjs"
BASE = "https://calendar.example.org/"
NOW = "2018-11-20T12:00:00+01:00"
SITE_ZONE = "Europe/Zurich"
UTC = timezone.utc
STATUS = {"confirmed": "CONFIRMED", "cancelled": "CANCELLED", "rescheduled": "CONFIRMED"}


@dataclass(frozen=True)
class Expected:
    uid: str
    slug: str
    title: str
    status: str
    all_day: bool
    start: str  # a date (all-day) or a UTC instant, ISO
    end: str  # exclusive
    occurrences: tuple[tuple[str, str], ...]  # (start, end) as UTC ISO instants, for a series
    zone: str


def _instant(text: str, zone: str) -> datetime:
    value = datetime.fromisoformat(text)
    return (value if value.tzinfo else value.replace(tzinfo=ZoneInfo(zone))).astimezone(UTC)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _series(meta: dict[str, str], zone: str) -> tuple[tuple[str, str], ...]:
    """The fixture's series, expanded by hand: no rule engine shared with the code under test."""
    rule = meta.get("rrule")
    if not rule:
        return ()
    start, end = datetime.fromisoformat(meta["start"]), datetime.fromisoformat(meta["end"])
    if rule == "FREQ=MONTHLY;BYDAY=1TU;COUNT=12":
        walls = []
        for n in range(12):
            year, month = start.year + (start.month - 1 + n) // 12, (start.month - 1 + n) % 12 + 1
            first_tuesday = next(d for d in range(1, 8) if weekdays.weekday(year, month, d) == weekdays.TUESDAY)
            walls.append(start.replace(year=year, month=month, day=first_tuesday))
    elif rule == "FREQ=YEARLY;COUNT=3" and (start.month, start.day) == (2, 29):  # RFC 5545 skips the years without one
        walls = [start.replace(year=year) for year in range(start.year, start.year + 12) if weekdays.isleap(year)]
    elif rule == "FREQ=YEARLY;UNTIL=20311231":
        walls = [start.replace(year=y) for y in range(start.year, 2032)]
    else:
        raise AssertionError(f"no hand expansion for {rule}")
    excluded = {datetime.fromisoformat(d) for d in meta.get("exdate", [])}
    tz = ZoneInfo(zone)
    return tuple((_iso(w.replace(tzinfo=tz)), _iso((w + (end - start)).replace(tzinfo=tz)))
                 for w in walls if w not in excluded)


def expected_events() -> dict[str, Expected]:
    """What each fixture file says, by UID."""
    found = {}
    for path in sorted((FIXTURE / "content/events").glob("*.md")):
        meta = yaml.load(path.read_text(encoding="utf-8").split("---")[1], Loader=yaml.BaseLoader)
        zone = "UTC" if meta["start"].endswith("Z") else meta.get("timezone", SITE_ZONE)
        all_day = len(meta["start"]) == 10
        if all_day:
            start, end = meta["start"], (date.fromisoformat(meta["end"]) + timedelta(days=1)).isoformat()
        else:
            start, end = _iso(_instant(meta["start"], zone)), _iso(_instant(meta["end"], zone))
        uid = f"{path.stem}@calendar.example.org"
        found[uid] = Expected(uid, path.stem, meta["title"], STATUS[meta.get("status", "confirmed")], all_day,
                              start, end, _series(meta, zone), zone)
    return found


EXPECTED = expected_events()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The calendar test newsroom, built once for this module."""
    from feeds.cli import main

    site = tmp_path_factory.mktemp("calendar") / "site"
    shutil.copytree(FIXTURE, site)
    assert main(["build", "--site", str(site), "--now", NOW]) == 0
    return site / "public"


def _built_with(tmp_path: Path, events: dict[str, str], now: str = NOW) -> Path:
    """The calendar test newsroom with these events added (content/events/<slug>.md: its text),
    built as of `now`; the site's folder."""
    from feeds.cli import main

    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    for slug, text in events.items():
        (site / f"content/events/{slug}.md").write_text(text, encoding="utf-8")
    assert main(["build", "--site", str(site), "--now", now]) == 0
    return site


def read_with_icaljs(path: Path) -> dict:
    result = subprocess.run(["node", str(READER), str(path)], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def _js_iso(value: str) -> str:
    return value if len(value) == 10 else value.replace(".000Z", "Z")


def test_fixture_covers_every_edge() -> None:
    zones = {e.zone for e in EXPECTED.values() if not e.all_day}
    assert {"Asia/Kolkata", "Asia/Kathmandu", "Australia/Eucla", "America/New_York", "Europe/London",
            "Africa/Casablanca"} <= zones  # Casablanca: a change of offset that lasts five weeks
    assert {e.status for e in EXPECTED.values()} >= {"CANCELLED", "CONFIRMED"}
    assert sum(bool(e.occurrences) for e in EXPECTED.values()) == 3  # one on 29 February
    assert any(e.all_day and e.start[:4] != e.end[:4] for e in EXPECTED.values())  # across a year end
    assert any(e.all_day and e.start[5:7] != e.end[5:7] for e in EXPECTED.values())  # across a month end


def test_icaljs_reads_every_event_as_the_content_says(built: Path) -> None:
    data = read_with_icaljs(built / "feeds/events.ics")
    assert data["name"] == "Calendar test events" and data["method"] == "PUBLISH"
    events = {e["uid"]: e for e in data["events"]}
    assert events.keys() == EXPECTED.keys()
    for uid, want in EXPECTED.items():
        got = events[uid]
        assert (got["allDay"], _js_iso(got["start"]), _js_iso(got["end"])) == (want.all_day, want.start, want.end), uid
        assert (got["sequence"], got["status"]) == (0, want.status), uid
        if want.occurrences:
            assert tuple((_js_iso(o["start"]), _js_iso(o["end"])) for o in got["occurrences"]) == want.occurrences


def test_icalendar_reads_every_event_through_the_files_own_vtimezones(built: Path) -> None:
    cal = icalendar.Calendar.from_ical((built / "feeds/events.ics").read_bytes())
    # Built from the VTIMEZONE components, not looked up by name: this checks the definitions written.
    zones = {str(tz["TZID"]): tz.to_tz(lookup_tzid=False) for tz in cal.walk("VTIMEZONE")}
    seen = set()
    for vevent in cal.walk("VEVENT"):
        want = EXPECTED[str(vevent["UID"])]
        seen.add(want.uid)
        start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
        if want.all_day:
            assert not isinstance(start, datetime) and (start.isoformat(), end.isoformat()) == (want.start, want.end)
            assert vevent["TRANSP"] == "TRANSPARENT"
            continue
        tzid = vevent["DTSTART"].params.get("TZID")
        if want.zone == "UTC" or tzid is None:
            assert start.tzinfo is not None and start.utcoffset() == timedelta(0), want.uid
            assert "TZID" not in vevent["DTEND"].params
        else:
            assert tzid == want.zone, want.uid
            start = start.replace(tzinfo=zones[tzid])
            end = end.replace(tzinfo=zones[vevent["DTEND"].params["TZID"]])
        assert (_iso(start), _iso(end)) == (want.start, want.end), want.uid
        assert (vevent["SEQUENCE"], str(vevent["STATUS"])) == (0, want.status)
        assert vevent["TRANSP"] == "OPAQUE"
    assert seen == EXPECTED.keys()


def test_recurring_ical_events_expands_the_series_as_the_content_says(built: Path) -> None:
    cal = icalendar.Calendar.from_ical((built / "feeds/events.ics").read_bytes())
    occurrences = recurring_ical_events.of(cal).between(datetime(2018, 1, 1), datetime(2033, 1, 1))
    by_uid: dict[str, list[tuple[str, str]]] = {}
    for occurrence in occurrences:
        if isinstance(occurrence.start, datetime):
            by_uid.setdefault(str(occurrence["UID"]), []).append((_iso(occurrence.start), _iso(occurrence.end)))
    for want in EXPECTED.values():
        if want.occurrences:
            assert tuple(sorted(by_uid[want.uid])) == want.occurrences


def test_every_vtimezone_gives_the_iana_offset_at_every_occurrence(built: Path) -> None:
    cal = icalendar.Calendar.from_ical((built / "feeds/events.ics").read_bytes())
    tzids = {v["DTSTART"].params["TZID"] for v in cal.walk("VEVENT") if "TZID" in v["DTSTART"].params}
    assert tzids == {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    zones = {str(tz["TZID"]): tz.to_tz(lookup_tzid=False) for tz in cal.walk("VTIMEZONE")}
    checked = 0
    for want in EXPECTED.values():
        if want.zone not in zones:
            continue
        for start, _ in want.occurrences or ((want.start, want.end),):
            wall = datetime.fromisoformat(start.replace("Z", "+00:00")).astimezone(ZoneInfo(want.zone))
            assert wall.replace(tzinfo=zones[want.zone]).utcoffset() == wall.utcoffset(), (want.uid, start)
            checked += 1
    assert checked >= 25


def test_lines_are_crlf_and_folded_at_75_octets_on_character_boundaries(built: Path) -> None:
    data = (built / "feeds/events.ics").read_bytes()
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # raises if a fold split a character
    assert any(len(line) >= 70 and any(b > 127 for b in line) for line in lines)  # non-ASCII was folded


def test_calendar_properties_for_subscribers(built: Path) -> None:
    cal = icalendar.Calendar.from_ical((built / "feeds/events.ics").read_bytes())
    assert str(cal["NAME"]) == str(cal["X-WR-CALNAME"]) == "Calendar test events"
    assert str(cal["X-WR-CALDESC"]) == str(cal["DESCRIPTION"]) == "Events that calendar clients get wrong."
    assert str(cal["X-WR-TIMEZONE"]) == SITE_ZONE
    assert cal.decoded("REFRESH-INTERVAL") == timedelta(hours=6)
    assert str(cal["X-PUBLISHED-TTL"]) == "PT6H"
    assert str(cal["SOURCE"]) == BASE + "feeds/events.ics" and str(cal["URL"]) == BASE
    assert str(cal["COLOR"]) == "teal" and str(cal["IMAGE"]) == BASE + "static/calendar.png"
    assert str(cal["METHOD"]) == "PUBLISH" and str(cal["PRODID"]).startswith("-//calendar.example.org//")
    for vevent in cal.walk("VEVENT"):
        assert str(vevent["ORGANIZER"]) == "mailto:events@calendar.example.org"
        assert vevent["ORGANIZER"].params["CN"] == "Calendar Test Newsroom"
        assert str(vevent["URL"]) == f"{BASE}events/{EXPECTED[str(vevent['UID'])].slug}/"


def test_event_dates_come_from_the_content_and_descriptions_are_text_and_html(built: Path) -> None:
    cal = icalendar.Calendar.from_ical((built / "feeds/events.ics").read_bytes())
    panel = next(v for v in cal.walk("VEVENT") if str(v["UID"]).startswith("cancelled-panel@"))
    assert panel.decoded("CREATED") == _instant("2018-11-01T09:00", SITE_ZONE)
    assert panel.decoded("LAST-MODIFIED") == panel.decoded("DTSTAMP") == _instant("2018-11-20T09:00", SITE_ZONE)
    meeting = next(v for v in cal.walk("VEVENT") if str(v["UID"]).startswith("multilingual-meeting@"))
    description = str(meeting["DESCRIPTION"])
    assert "参加者は重要インフラの保護" in description and "<" not in description
    assert description.endswith(BASE + "events/multilingual-meeting/")
    html = lxml.html.fromstring(str(meeting["X-ALT-DESC"]))
    assert meeting["X-ALT-DESC"].params["FMTTYPE"] == "text/html"
    assert "المشاركون سيناقشون" in html.text_content()
    assert str(meeting["SUMMARY"]) == "Réunion multilingue à Genève — 多言語会議"
    assert meeting.decoded("GEO") is not None and str(meeting["LOCATION"]) == "Palais des Nations, Genève, Suisse"
    assert [str(c) for c in meeting["CATEGORIES"].cats] == ["genève", "multilingual"]  # as written, not as slugs
    untagged = [event for event in cal.walk("VEVENT") if str(event["UID"]).startswith("month-end-retreat@")]
    assert untagged and all("CATEGORIES" not in event for event in untagged)  # not one empty category


def test_a_cancelled_event_stays_in_the_calendar_and_says_so(built: Path) -> None:
    cal = icalendar.Calendar.from_ical((built / "feeds/events.ics").read_bytes())
    panel = next(v for v in cal.walk("VEVENT") if str(v["UID"]).startswith("cancelled-panel@"))
    assert str(panel["STATUS"]) == "CANCELLED"
    assert str(panel["SUMMARY"]) == "Cancelled: Panel on incident response"
    assert str(panel["DESCRIPTION"]).startswith("This event is cancelled.")
    # Outlook shows the HTML description instead: it says so too, and links the page, as the text does.
    html = lxml.html.fromstring(_text(panel["X-ALT-DESC"]))
    assert html.text_content().strip().startswith("This event is cancelled.")
    assert html.xpath("//a/@href")[-1] == str(panel["DESCRIPTION"]).rsplit("\n", 1)[-1] == BASE + "events/cancelled-panel/"
    page = lxml.html.parse(str(built / "events/cancelled-panel/index.html")).getroot()
    assert "This event is cancelled." in page.find_class("banner-cancelled")[0].text_content()
    # Its own file is offered no more, but is still there for whoever saved or subscribed to its address.
    assert not [href for href in page.xpath("//a/@href") if href.endswith("event.ics")]
    own = icalendar.Calendar.from_ical((built / "events/cancelled-panel/event.ics").read_bytes())
    assert [(str(v["UID"]), str(v["STATUS"])) for v in own.walk("VEVENT")] == [(str(panel["UID"]), "CANCELLED")]


def test_the_html_description_is_laid_out_in_its_languages_direction(tmp_path: Path) -> None:
    """Outlook shows X-ALT-DESC as a page: on an Arabic site it is marked lang="ar" dir="rtl", and an
    event in another language (`lang`) has its own words marked, as its page marks them."""
    from feeds.cli import main

    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    config = site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'timezone = "Europe/Zurich"', 'timezone = "Europe/Zurich"\nlanguage = "ar"'), encoding="utf-8")
    (site / "content/events/majlis.md").write_text(
        "---\ntitle: مجلس\nstart: 2018-12-10\nlocation: جنيف\nstatus: cancelled\n---\nلقاء الشركاء.\n", encoding="utf-8")
    (site / "content/events/briefing.md").write_text(
        "---\ntitle: Briefing\nstart: 2018-12-11\nlocation: Geneva\nlang: en-GB\n---\nA briefing.\n", encoding="utf-8")
    assert main(["build", "--site", str(site), "--now", NOW]) == 0
    cal = icalendar.Calendar.from_ical((site / "public/feeds/events.ics").read_bytes())
    html = {str(v["UID"]).split("@")[0]: lxml.html.document_fromstring(_text(v["X-ALT-DESC"])) for v in cal.walk("VEVENT")}
    assert (html["majlis"].get("lang"), html["majlis"].get("dir")) == ("ar", "rtl")
    assert (html["briefing"].get("lang"), html["briefing"].get("dir")) == ("ar", "rtl")
    [own] = html["briefing"].xpath('//*[@lang="en-GB"]')
    assert own.get("dir") == "ltr" and own.text_content().strip() == "A briefing."
    assert html["majlis"].xpath("//*[@lang]") == [html["majlis"]]  # the site's language throughout


def test_a_rescheduled_event_says_when_it_was_first_planned(built: Path) -> None:
    page = lxml.html.parse(str(built / "events/rescheduled-roundtable/index.html")).getroot()
    banner = page.find_class("banner-rescheduled")[0].text_content()
    assert "12 February 2019, 14:00" in banner and "first planned for 22 January 2019, 14:00" in banner


def test_a_rescheduled_events_times_name_their_zone_for_readers_in_another(tmp_path: Path) -> None:
    """A calendar shows the event at the reader's own time (17:00 in Zurich for 11:00 in New York):
    the sentence in its description that says when it moved names the zone its times are in, and
    each is the instant the calendar gives, and the one first planned."""
    site = _built_with(tmp_path, {"summit":
        "---\ntitle: Summit\ndate: 2018-11-01T09:00\nstart: 2019-05-14T11:00\nend: 2019-05-14T18:00\n"
        "timezone: America/New_York\nstatus: rescheduled\nprevious_start: 2019-03-05T11:00\nlocation: Javits Center\n"
        "---\nX.\n"})
    said = ("rescheduled to 14 May 2019, 11:00 (EDT, America/New_York time); it was first planned for "
            "5 March 2019, 11:00 (EST, America/New_York time).")
    [vevent] = icalendar.Calendar.from_ical((site / "public/events/summit/event.ics").read_bytes()).walk("VEVENT")
    assert said in str(vevent["DESCRIPTION"])
    [event] = read_with_icaljs(site / "public/events/summit/event.ics")["events"]
    assert event["start"] == "2019-05-14T15:00:00.000Z"  # 11:00 EDT, as the sentence says
    page = lxml.html.parse(str(site / "public/events/summit/index.html")).getroot()
    assert said in page.find_class("banner-rescheduled")[0].text_content()


def test_an_events_image_is_its_rfc_7986_image_in_both_calendars(tmp_path: Path) -> None:
    """An event's image (a poster, the venue) is its IMAGE by URI, shown full size, with its media type
    when the name tells it, in events.ics and in its own file, as icalendar and ical.js read them;
    an event without one has none."""
    front = "---\ntitle: {title}\ndate: 2018-11-01T09:00\nstart: 2019-06-0{day}T10:00\nend: 2019-06-0{day}T12:00\n" \
            "location: Bern\nimage: {image}\nimage_alt: A picture\n---\nX.\n"
    site = _built_with(tmp_path, {
        "poster": front.format(title="Poster", day=3, image="https://cdn.example.org/posters/summer forum.jpg"),
        "venue": front.format(title="Venue", day=4, image="https://cdn.example.org/venue?size=large")})
    expected = {"poster@calendar.example.org": ("https://cdn.example.org/posters/summer%20forum.jpg", "image/jpeg"),
                "venue@calendar.example.org": ("https://cdn.example.org/venue?size=large", None)}
    seen = []
    for path in ("feeds/events.ics", "events/poster/event.ics", "events/venue/event.ics"):
        data = (site / "public" / path).read_bytes()
        for vevent in icalendar.Calendar.from_ical(data).walk("VEVENT"):
            images = [(image.uri, image.fmttype, image.display) for image in vevent.images]
            if (uid := str(vevent["UID"])) in expected:
                assert images == [(*expected[uid], "FULLSIZE")], (path, uid)
                assert vevent["IMAGE"].params["VALUE"] == "URI"
                seen.append(("icalendar", path, uid))
            else:
                assert images == [], (path, uid)
        for event in read_with_icaljs(site / "public" / path)["events"]:
            uri, kind = expected.get(event["uid"], (None, None))
            assert event["image"] == (uri and {"value": uri, "type": "uri", "display": "FULLSIZE", "fmttype": kind})
            seen += [("ical.js", path, event["uid"])] if uri else []
    assert len(seen) == 8  # each reader: both events in events.ics, and each in its own file


def test_each_event_has_its_own_importable_file(built: Path) -> None:
    for want in EXPECTED.values():
        path = built / f"events/{want.slug}/event.ics"
        data = read_with_icaljs(path)
        [event] = data["events"]
        assert (event["uid"], _js_iso(event["start"]), _js_iso(event["end"])) == (want.uid, want.start, want.end)
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        assert "SOURCE" not in cal and "REFRESH-INTERVAL" not in cal and "X-WR-CALNAME" not in cal
        assert data["timezones"] == ([] if want.all_day or want.zone == "UTC" else [want.zone])


def test_texts_with_commas_semicolons_backslashes_and_lines_read_back_as_written(tmp_path: Path) -> None:
    """RFC 5545 section 3.3.11: TEXT escapes ',', ';', '\\' and line breaks; a literal backslash-N stays
    a backslash and an N, in the calendar's own texts as in an event's."""
    from feeds.cli import main

    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    name, description = "Press, events; and C:\\News", "Briefings, panels;\nnotes in C:\\News."
    config = site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'name = "Calendar test events"', f"name = {json.dumps(name)}\ndescription = {json.dumps(description)}"), encoding="utf-8")
    (site / "content/events/paths.md").write_text(
        "---\ntitle: Paths\nstart: 2018-12-10\nlocation: Bern\n---\nThe files are in `C:\\News\\2018`.\n", encoding="utf-8")
    assert main(["build", "--site", str(site), "--now", NOW]) == 0
    cal = icalendar.Calendar.from_ical((site / "public/feeds/events.ics").read_bytes())
    assert str(cal["DESCRIPTION"]) == description
    # icalendar gives the properties it does not know as written: they are TEXT (NAME by RFC 7986,
    # the X- ones by Apple and Microsoft), read here by the RFC's rule.
    assert _text(cal["NAME"]) == _text(cal["X-WR-CALNAME"]) == name
    assert _text(cal["X-WR-CALDESC"]) == description
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"  # RFC 7986 section 5.7 requires it
    paths = next(v for v in cal.walk("VEVENT") if str(v["UID"]).startswith("paths@"))
    assert "C:\\News\\2018" in str(paths["DESCRIPTION"])
    assert lxml.html.fromstring(_text(paths["X-ALT-DESC"])).findtext(".//code") == "C:\\News\\2018"
    # As written, every comma and semicolon of a text is escaped, as RFC 5545 requires (a reader may
    # otherwise take a comma for a separator of values): the calendar's name, a location.
    unfolded = (site / "public/feeds/events.ics").read_bytes().replace(b"\r\n ", b"").decode()
    assert "\r\nNAME:Press\\, events\\; and C:\\\\News\r\n" in unfolded
    assert "\r\nLOCATION:Geneva\\, Switzerland\r\n" in unfolded


def test_a_calendar_without_a_name_is_named_in_the_sites_language(tmp_path: Path) -> None:
    """Without `[calendar] name`, the calendar is named from the site's title by the UI words: a
    German site's calendar is not "... events" in calendar apps, the pages' heads and Outlook's link."""
    from feeds.cli import main

    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    config = site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('name = "Calendar test events"\n', "")
                      .replace('timezone = "Europe/Zurich"', 'timezone = "Europe/Zurich"\nlanguage = "de"'), encoding="utf-8")
    (site / "templates/strings").mkdir(parents=True)
    (site / "templates/strings/de.toml").write_text('calendar_name = "Termine: {title}"\n', encoding="utf-8")
    assert main(["build", "--site", str(site), "--now", NOW]) == 0
    name = "Termine: Calendar Test Newsroom"
    path = site / "public/feeds/events.ics"
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    assert _text(cal["NAME"]) == _text(cal["X-WR-CALNAME"]) == name
    assert read_with_icaljs(path)["name"] == name
    index = lxml.html.parse(str(site / "public/index.html")).getroot()
    assert index.xpath('//link[@type="text/calendar"]/@title') == [name]
    assert _link(index, "https://outlook.live.com/calendar/0/addfromweb")["name"] == name
    # English, the words a site has by default
    config.write_text(config.read_text(encoding="utf-8").replace('language = "de"', 'language = "en"'), encoding="utf-8")
    assert main(["build", "--site", str(site), "--now", NOW]) == 0
    assert _text(icalendar.Calendar.from_ical(path.read_bytes())["NAME"]) == "Calendar Test Newsroom events"


def test_a_calendar_named_empty_has_no_name(tmp_path: Path) -> None:
    """`[calendar] name = ""` leaves the name out, as it says, rather than naming the calendar from the title."""
    from feeds.cli import main

    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    config = site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('name = "Calendar test events"', 'name = ""'),
                      encoding="utf-8")
    assert main(["build", "--site", str(site), "--now", NOW]) == 0
    cal = icalendar.Calendar.from_ical((site / "public/feeds/events.ics").read_bytes())
    assert "NAME" not in cal and "X-WR-CALNAME" not in cal


def _text(value: object) -> str:
    """An RFC 5545 TEXT value as written, unescaped (section 3.3.11)."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], str(value))


def test_a_link_in_an_events_text_keeps_its_address_where_text_cannot_link(tmp_path: Path) -> None:
    """A calendar's text description, and the add-to-calendar links made from it, cannot link: a
    link to the web keeps its address after its words (an online event's join link above all)."""
    site = _built_with(tmp_path, {"online":
        "---\ntitle: Online briefing\nstart: 2018-12-10T10:00\nend: 2018-12-10T11:00\nstatus: moved-online\n---\n"
        "To take part, [join the webinar](https://meet.example.org/j/123?a=1&b=2). [Last time](../webinar/).\n"})
    cal = icalendar.Calendar.from_ical((site / "public/feeds/events.ics").read_bytes())
    online = next(v for v in cal.walk("VEVENT") if str(v["UID"]).startswith("online@"))
    joining = f"To take part, join the webinar (https://meet.example.org/j/123?a=1&b=2). Last time ({BASE}events/webinar/)."
    assert joining in str(online["DESCRIPTION"])
    page = lxml.html.parse(str(site / "public/events/online/index.html")).getroot()
    assert joining in _link(page, "https://calendar.google.com/")["details"]


def test_an_event_moved_online_is_online_wherever_it_is_published(tmp_path: Path) -> None:
    """An event that keeps its venue's `location:` when it moves online is Online on its page; calendars
    (LOCATION, and no GEO to map), the add-to-calendar links and feed entries say so too, rather than
    sending subscribers to the hall."""
    site = _built_with(tmp_path, {"summit": (
        "---\ntitle: Summit\nstart: 2018-12-10T10:00\nend: 2018-12-10T17:00\nstatus: moved-online\n"
        "location: {name: Javits Center, address: \"429 11th Ave, New York\", geo: [40.7577, -74.0022]}\n---\n"
        "Join us.\n")})
    cal = icalendar.Calendar.from_ical((site / "public/events/summit/event.ics").read_bytes())
    [summit] = cal.walk("VEVENT")
    assert (_text(summit["LOCATION"]), "GEO" in summit) == ("Online", False)
    page = lxml.html.parse(str(site / "public/events/summit/index.html")).getroot()
    assert page.find_class("p-location")[0].text_content() == "Online"
    assert _link(page, "https://calendar.google.com/")["location"] == "Online"
    assert _link(page, "https://outlook.live.com/")["location"] == "Online"
    [entry] = [e for e in feedparse(site / "public/feeds/atom.xml").entries if e.link.endswith("/events/summit/")]
    where = lxml.html.fromstring(entry.content[0].value).xpath("//p[strong[starts-with(., 'Where')]]")[0]
    assert where.text_content() == "Where: Online"


def test_without_an_organizer_there_is_no_method(tmp_path: Path) -> None:
    from feeds.cli import main

    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    config = site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").split("[calendar.organizer]")[0], encoding="utf-8")
    assert main(["build", "--site", str(site), "--now", NOW]) == 0
    cal = icalendar.Calendar.from_ical((site / "public/feeds/events.ics").read_bytes())
    assert "METHOD" not in cal
    assert all("ORGANIZER" not in v for v in cal.walk("VEVENT"))


def _link(page: lxml.html.HtmlElement, prefix: str) -> dict[str, str]:
    [href] = [a.get("href") for a in page.iter("a") if a.get("href", "").startswith(prefix)]
    return {key: values[0] for key, values in parse_qs(urlsplit(href).query).items()}


def _over(want: Expected) -> bool:
    """Whether the event (its last date, for a series) has ended at NOW."""
    end = want.occurrences[-1][1] if want.occurrences else want.end
    moment = _instant(end, SITE_ZONE) if len(end) == 10 else datetime.fromisoformat(end)
    return moment <= datetime.fromisoformat(NOW)


@pytest.mark.parametrize("words", ["中文的活动说明。", "Описание события. "])
def test_an_add_event_link_in_another_script_is_cut_to_its_encoded_size(example_site: Path, feeds, words: str) -> None:
    """A Chinese character takes 9 bytes percent-encoded, a Cyrillic one 6: a text cut at 1,000
    characters made links of 6 to 9 KB, past what many servers take. The text is cut to 3,000 bytes
    encoded as well, the page's address still at its end."""
    event = example_site / "content/events/annual-gathering-2018.md"
    event.write_text(event.read_text() + "\n" + words * 200 + "\n")
    assert feeds("build", "--site", example_site, "--now", "2018-11-20T12:00:00+01:00").code == 0
    page = lxml.html.parse(str(example_site / "public/events/annual-gathering-2018/index.html")).getroot()
    google = _link(page, "https://calendar.google.com/calendar/render?action=TEMPLATE")
    outlook = _link(page, "https://outlook.live.com/calendar/0/deeplink/compose")
    assert google["details"] == outlook["body"]
    text = google["details"]
    assert text.endswith("…\n\nhttps://newsroom.example.org/events/annual-gathering-2018/")
    assert words[:3] in text
    assert 3000 - 12 <= len(quote(text, safe="")) <= 3000  # as much as fits: a character is 9 bytes at most
    for a in page.iter("a"):
        assert len(a.get("href", "")) < 4000


def test_add_to_calendar_links_carry_the_right_times(built: Path) -> None:
    cut = []
    for want in EXPECTED.values():
        page = lxml.html.parse(str(built / f"events/{want.slug}/index.html")).getroot()
        if want.status == "CANCELLED" or _over(want):  # nothing to add: the page offers no add-to-calendar links
            assert not [a for a in page.iter("a") if "calendar/render?action=TEMPLATE" in a.get("href", "")]
            continue
        google = _link(page, "https://calendar.google.com/calendar/render?action=TEMPLATE")
        outlook = _link(page, "https://outlook.live.com/calendar/0/deeplink/compose")
        for text in (google["details"], outlook["body"]):  # both cut alike, the page's URL kept at the end
            assert len(text) <= 1000 and text.endswith(f"\n\n{BASE}events/{want.slug}/"), want.uid
        assert outlook["body"] == google["details"]
        if "…\n\n" in outlook["body"]:
            cut.append(want.slug)
        start, end = google["dates"].split("/")
        if want.all_day:
            assert (start, end) == (want.start.replace("-", ""), want.end.replace("-", ""))
            assert (outlook["startdt"], outlook["enddt"], outlook["allday"]) == (want.start, want.end, "true")
            continue
        if start.endswith("Z"):
            instants = [datetime.strptime(v, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) for v in (start, end)]
        else:  # wall-clock times in the zone Google is told with ctz
            zone = ZoneInfo(google["ctz"])
            instants = [datetime.strptime(v, "%Y%m%dT%H%M%S").replace(tzinfo=zone) for v in (start, end)]
        assert [_iso(i) for i in instants] == [want.start, want.end], want.uid
        outlook_times = [datetime.fromisoformat(outlook[k].replace("Z", "+00:00")) for k in ("startdt", "enddt")]
        assert [_iso(i) for i in outlook_times] == [want.start, want.end], want.uid
        assert "allday" not in outlook
        assert google["text"].endswith(want.title) and outlook["subject"].endswith(want.title)
    assert cut == ["multilingual-meeting"]  # the one long body: the cut itself is tested
    briefing = lxml.html.parse(str(built / "events/monthly-press-briefing/index.html")).getroot()
    assert _link(briefing, "https://calendar.google.com/")["recur"] == "RRULE:FREQ=MONTHLY;COUNT=12;BYDAY=1TU"


def test_googles_link_gives_a_time_that_happens_twice_or_never_as_the_instant_written(tmp_path: Path) -> None:
    """02:30 comes twice in Zurich on 27 October 2019 and not at all on 31 March: Google's link cannot
    say such a time on the clock (ctz) for sure, so a single event's link gives it in UTC, as its .ics does."""
    site = _built_with(tmp_path, {
        "second": "---\ntitle: Second\ndate: 2018-11-01T09:00\nstart: 2019-10-27T02:30:00+01:00\n"
                  "end: 2019-10-27T04:00\nlocation: Bern\n---\nX.\n",
        "first": "---\ntitle: First\ndate: 2018-11-01T09:00\nstart: 2019-10-27T01:30\n"
                 "end: 2019-10-27T02:30:00+02:00\nlocation: Bern\n---\nX.\n",
        "skipped": "---\ntitle: Skipped\ndate: 2018-11-01T09:00\nstart: 2019-03-31T02:30\nend: 2019-03-31T04:00\n"
                   "location: Bern\n---\nX.\n"})
    written = {"second": ("2019-10-27T01:30:00Z", "2019-10-27T03:00:00Z"),
               "first": ("2019-10-26T23:30:00Z", "2019-10-27T00:30:00Z"),
               "skipped": ("2019-03-31T01:30:00Z", "2019-03-31T02:00:00Z")}
    for slug, (start, end) in written.items():
        [vevent] = icalendar.Calendar.from_ical((site / f"public/events/{slug}/event.ics").read_bytes()).walk("VEVENT")
        assert (_iso(vevent.decoded("DTSTART")), _iso(vevent.decoded("DTEND"))) == (start, end), slug
        page = lxml.html.parse(str(site / f"public/events/{slug}/index.html")).getroot()
        google = _link(page, "https://calendar.google.com/calendar/render?action=TEMPLATE")
        times = google["dates"].split("/")
        if "ctz" in google:  # on the clock: each time must be one the zone has, once
            zone = ZoneInfo(google["ctz"])
            walls = [datetime.strptime(v, "%Y%m%dT%H%M%S") for v in times]
            for wall in walls:
                once = wall.replace(tzinfo=zone)
                assert once.utcoffset() == once.replace(fold=1).utcoffset(), (slug, wall)
            instants = [wall.replace(tzinfo=zone) for wall in walls]
        else:
            instants = [datetime.strptime(v, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) for v in times]
        assert (_iso(instants[0]), _iso(instants[1])) == (start, end), slug


def _google_series(google: dict[str, str], reader_zone: str) -> list[tuple[str, str]]:
    """A Google link's series as Google adds it: from its dates, repeated by its rule on the clock of
    ctz, or, without ctz, of the calendar it is added to (in `reader_zone`), as events Google makes."""
    from dateutil.rrule import rrulestr

    zone = ZoneInfo(google.get("ctz", reader_zone))
    start, end = (datetime.strptime(v.rstrip("Z"), "%Y%m%dT%H%M%S").replace(tzinfo=UTC if v.endswith("Z") else zone)
                  for v in google["dates"].split("/"))
    first, length = start.astimezone(zone), end - start
    rule = rrulestr(google["recur"].removeprefix("RRULE:"), dtstart=first.replace(tzinfo=None))
    return [(_iso(wall.replace(tzinfo=zone)), _iso(wall.replace(tzinfo=zone) + length)) for wall in rule]


@pytest.mark.parametrize("reader_zone", ["Europe/Zurich", "America/New_York", "Asia/Kolkata"])
def test_googles_link_repeats_a_series_written_in_utc_at_the_instants_of_its_ics(tmp_path: Path,
                                                                               reader_zone: str) -> None:
    """A weekly series at 12:00 UTC across the change to summer time (31 March 2019 in Zurich): its .ics
    repeats it in UTC, and so must the series Google's link adds, whatever the zone of the calendar
    it is added to, so the link names UTC as the zone its dates repeat on."""
    site = _built_with(tmp_path, {"utc-weekly": "---\ntitle: UTC weekly\ndate: 2018-11-01T09:00\n"
                                                "start: 2019-03-19T12:00:00Z\nend: 2019-03-19T13:00:00Z\n"
                                                "rrule: FREQ=WEEKLY;COUNT=4\nlocation: Online\n---\nX.\n"})
    ics = site / "public/events/utc-weekly/event.ics"
    [read] = read_with_icaljs(ics)["events"]
    from_ics = [(_js_iso(o["start"]), _js_iso(o["end"])) for o in read["occurrences"]]
    expanded = recurring_ical_events.of(icalendar.Calendar.from_ical(ics.read_bytes())).between(
        datetime(2019, 3, 1), datetime(2019, 5, 1))
    assert [(_iso(e["DTSTART"].dt), _iso(e.end)) for e in expanded] == from_ics
    assert from_ics == [(f"2019-{day}T12:00:00Z", f"2019-{day}T13:00:00Z")
                        for day in ("03-19", "03-26", "04-02", "04-09")]
    page = lxml.html.parse(str(site / "public/events/utc-weekly/index.html")).getroot()
    google = _link(page, "https://calendar.google.com/calendar/render?action=TEMPLATE")
    assert _google_series(google, reader_zone) == from_ics


def test_links_into_calendars_read_the_same_percent_decoded(built: Path) -> None:
    """Outlook.com shows a '+' in its add and subscribe links as a plus sign, not a space (it decodes
    as JavaScript's decodeURIComponent does): every value reads the same percent-decoded as form-decoded."""
    pages = [built / "index.html", built / "events/multilingual-meeting/index.html"]
    checked = set()
    for path in pages:
        for a in lxml.html.parse(str(path)).getroot().iter("a"):
            href = a.get("href", "")
            if not href.startswith(("https://calendar.google.com/", "https://outlook.live.com/")):
                continue
            form = parse_qs(urlsplit(href).query)
            for pair in urlsplit(href).query.split("&"):
                key, _, value = pair.partition("=")
                assert [unquote(value)] == form[key], (href, key)
            checked.add(href.split("=")[0])
    assert len(checked) == 4  # Google's and Outlook's links to add an event and to subscribe


def test_outlooks_link_adds_a_series_first_date_that_is_not_excluded(tmp_path: Path) -> None:
    site = _built_with(tmp_path, {"weekly":
        "---\ntitle: Weekly\ndate: 2018-11-01T09:00\nstart: 2018-12-03T10:00\nend: 2018-12-03T11:00\n"
        "rrule: FREQ=WEEKLY;COUNT=4\nexdate: [2018-12-03T10:00]\nlocation: Bern\n---\nX.\n"})
    page = lxml.html.parse(str(site / "public/events/weekly/index.html")).getroot()
    outlook = _link(page, "https://outlook.live.com/calendar/0/deeplink/compose")
    assert (outlook["startdt"], outlook["enddt"]) == ("2018-12-10T09:00:00Z", "2018-12-10T10:00:00Z")


def test_a_rescheduled_series_that_leaves_out_its_start_says_its_first_date_kept(tmp_path: Path) -> None:
    site = _built_with(tmp_path, {"weekly":
        "---\ntitle: Weekly\ndate: 2018-11-01T09:00\nstart: 2018-12-03T10:00\nend: 2018-12-03T11:00\n"
        "rrule: FREQ=WEEKLY;COUNT=4\nexdate: [2018-12-03T10:00]\nstatus: rescheduled\n"
        "previous_start: 2018-11-26T10:00\nlocation: Bern\n---\nX.\n"})
    page = lxml.html.parse(str(site / "public/events/weekly/index.html")).getroot()
    said = ("rescheduled to 10 December 2018, 10:00 (CET, Europe/Zurich time); it was first planned for "
            "26 November 2018, 10:00 (CET, Europe/Zurich time).")
    assert said in page.find_class("banner-rescheduled")[0].text_content()
    assert said in _link(page, "https://outlook.live.com/calendar/0/deeplink/compose")["body"]
    [vevent] = icalendar.Calendar.from_ical((site / "public/events/weekly/event.ics").read_bytes()).walk("VEVENT")
    assert said in str(vevent["DESCRIPTION"])
    assert vevent.decoded("DTSTART") == datetime(2018, 12, 3, 10, tzinfo=ZoneInfo(SITE_ZONE))  # kept, with its EXDATE
    [script] = page.xpath('//script[@type="application/ld+json"]')  # as search engines list it
    data = json.loads(script.text)
    assert (data["eventStatus"], data["startDate"], data["previousStartDate"]) == (
        "https://schema.org/EventRescheduled", "2018-12-10T10:00:00+01:00", "2018-11-26T10:00:00+01:00")


def test_an_all_day_series_is_listed_for_search_engines_by_its_next_dates_last_day(tmp_path: Path) -> None:
    """schema.org's endDate of an all-day event is its last day, where calendars end the day after."""
    site = _built_with(tmp_path, {"fair":
        "---\ntitle: Fair\ndate: 2018-11-01T09:00\nstart: 2018-11-19\nend: 2018-11-21\n"
        "rrule: FREQ=WEEKLY;COUNT=3\nlocation: Bern\n---\nX.\n"})
    page = lxml.html.parse(str(site / "public/events/fair/index.html")).getroot()
    [script] = page.xpath('//script[@type="application/ld+json"]')
    data = json.loads(script.text)
    assert (data["startDate"], data["endDate"]) == ("2018-11-19", "2018-11-21")  # under way on the 20th
    [vevent] = icalendar.Calendar.from_ical((site / "public/events/fair/event.ics").read_bytes()).walk("VEVENT")
    assert (vevent.decoded("DTSTART"), vevent.decoded("DTEND")) == (date(2018, 11, 19), date(2018, 11, 22))


def test_geo_near_the_meridian_is_written_without_an_exponent(tmp_path: Path) -> None:
    site = _built_with(tmp_path, {"greenwich":
        "---\ntitle: Greenwich\ndate: 2018-11-01T09:00\nstart: 2018-12-10\n"
        "location:\n  name: Royal Observatory\n  geo: [51.4769, -0.00005]\n---\nX.\n"})
    data = (site / "public/events/greenwich/event.ics").read_text()
    [line] = [line for line in data.splitlines() if line.startswith("GEO:")]
    assert re.fullmatch(r"GEO:[+-]?\d+(\.\d+)?;[+-]?\d+(\.\d+)?", line), line  # RFC 5545 section 3.3.7
    [vevent] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert (vevent["GEO"].latitude, vevent["GEO"].longitude) == (51.4769, -0.00005)


def test_the_index_offers_every_way_to_subscribe(built: Path) -> None:
    index = lxml.html.parse(str(built / "index.html")).getroot()
    hrefs = {urljoin(BASE, a.get("href")) for a in index.iter("a")}
    assert "webcal://calendar.example.org/feeds/events.ics" in hrefs
    assert BASE + "feeds/events.ics" in hrefs
    assert _link(index, "https://calendar.google.com/")["cid"] == "webcal://calendar.example.org/feeds/events.ics"
    outlook = _link(index, "https://outlook.live.com/calendar/0/addfromweb")
    assert (outlook["url"], outlook["name"]) == (BASE + "feeds/events.ics", "Calendar test events")
    assert "12 to 24 hours" in index.get_element_by_id("subscribe-heading").getparent().text_content()


def test_upcoming_list_shows_the_next_occurrences_of_a_series(tmp_path: Path) -> None:
    site = _built_with(tmp_path, {}, now="2019-03-01T12:00:00+01:00")
    index = lxml.html.parse(str(site / "public/index.html")).getroot()
    upcoming = index.get_element_by_id("upcoming-heading").getparent()
    [item] = [card for card in upcoming.iter("article") if "Monthly press briefing" in card.text_content()]
    times = [t.get("datetime") for t in item.iter("time")]
    assert times == ["2019-03-05T10:00:00+01:00", "2019-04-02T10:00:00+02:00", "2019-05-07T10:00:00+02:00"]
    past = index.get_element_by_id("past-heading").getparent()
    assert "Monthly press briefing" not in past.text_content()



def test_an_event_ending_at_the_second_of_a_repeated_hour_is_upcoming_until_then(tmp_path: Path) -> None:
    """02:30+01:00 on 28 October 2018 is the second 02:30 in Zurich, an hour after the first: at 02:00
    winter time the event is still on, and listed as upcoming."""
    site = _built_with(tmp_path, {"late": "---\ntitle: Late shift\ndate: 2018-10-01\nstart: 2018-10-28T01:00\n"
                                          "end: 2018-10-28T02:30:00+01:00\nlocation: Bern\n---\nX.\n"},
                       now="2018-10-28T02:00:00+01:00")
    index = lxml.html.parse(str(site / "public/index.html")).getroot()
    assert "Late shift" in index.get_element_by_id("upcoming-heading").getparent().text_content()
    assert "Late shift" not in index.get_element_by_id("past-heading").getparent().text_content()


def test_a_series_date_that_ends_at_the_moment_of_the_build_is_no_next_date(tmp_path: Path) -> None:
    """At the very moment a date of a series ends it is over, as a single event is over at its end:
    the index and the event's page list the series from its following date."""
    site = _built_with(tmp_path, {}, now="2019-03-05T11:00:00+01:00")  # the briefing of 5 March ends now
    index = lxml.html.parse(str(site / "public/index.html")).getroot()
    upcoming = index.get_element_by_id("upcoming-heading").getparent()
    [card] = [card for card in upcoming.iter("article") if "Monthly press briefing" in card.text_content()]
    assert [t.get("datetime") for t in card.iter("time")] == [
        "2019-04-02T10:00:00+02:00", "2019-05-07T10:00:00+02:00", "2019-06-04T10:00:00+02:00"]
    page = lxml.html.parse(str(site / "public/events/monthly-press-briefing/index.html")).getroot()
    [listed] = page.find_class("occurrences")
    assert [t.get("datetime") for t in listed.iter("time")][0] == "2019-04-02T10:00:00+02:00"


def test_a_series_is_listed_dated_and_described_by_its_next_date(tmp_path: Path) -> None:
    """Upcoming events come soonest first, a series by its next date; its card's microformats and its
    page's JSON-LD give that date's start and end, not the first occurrence's."""
    import mf2py

    site = _built_with(tmp_path, {"tomorrow":  # before the briefing's next date, after its first
        "---\ntitle: Tomorrow\ndate: 2019-02-01T09:00\nstart: 2019-03-02\nlocation: Bern\n---\nX.\n"}, now="2019-03-01T12:00:00+01:00")
    index_html = (site / "public/index.html").read_text()
    upcoming = lxml.html.fromstring(index_html).get_element_by_id("upcoming-heading").getparent()
    firsts = [datetime.fromisoformat(card.find(".//time").get("datetime")) for card in upcoming.iter("article")]
    as_instants = [f if isinstance(f, datetime) and f.tzinfo else f.replace(tzinfo=ZoneInfo(SITE_ZONE)) for f in firsts]
    assert len(as_instants) > 2 and as_instants == sorted(as_instants)
    parsed = mf2py.parse(doc=index_html, url=BASE)
    [briefing] = [e for e in _h_events(parsed["items"]) if e["properties"]["name"] == ["Monthly press briefing"]]
    assert (briefing["properties"]["start"][0], briefing["properties"]["end"][0]) == (
        "2019-03-05T10:00:00+0100", "2019-03-05T11:00:00+0100")
    page = lxml.html.parse(str(site / "public/events/monthly-press-briefing/index.html")).getroot()
    [data] = [json.loads(s.text) for s in page.xpath('//script[@type="application/ld+json"]')]
    assert (data["startDate"], data["endDate"]) == ("2019-03-05T10:00:00+01:00", "2019-03-05T11:00:00+01:00")


def _h_events(items: list[dict]) -> list[dict]:
    found = []
    for item in items:
        found += [item] if "h-event" in item["type"] else []
        found += _h_events(item.get("children", []))
    return found


def test_a_series_whose_last_date_is_excluded_builds_once_the_others_are_past(tmp_path: Path) -> None:
    _built_with(tmp_path, {"weekly":
        "---\ntitle: Weekly\ndate: 2018-11-01T09:00\nstart: 2018-12-03T10:00\nend: 2018-12-03T11:00\n"
        "rrule: FREQ=WEEKLY;COUNT=3\nexdate: [2018-12-17T10:00]\nlocation: Bern\n---\nX.\n"},
        now="2018-12-12T12:00:00+01:00")


def test_a_finished_series_shows_its_dates_and_no_empty_list_of_next_ones(tmp_path: Path) -> None:
    site = _built_with(tmp_path, {}, now="2021-01-01T12:00:00+01:00")  # after its 12 dates
    archive = lxml.html.parse(str(site / "public/archive/index.html")).getroot()
    [card] = [card for card in archive.iter("article") if "Monthly press briefing" in card.text_content()]
    assert [t.get("datetime") for t in card.iter("time")] == ["2018-11-06T10:00:00+01:00"]  # where it began
    page = lxml.html.parse(str(site / "public/events/monthly-press-briefing/index.html")).getroot()
    assert page.find_class("occurrences") == []


# Zones that never change, that gave up or took up summer time, that change twice a year in either
# hemisphere, by half hours, or around Ramadan.
VTIMEZONE_ZONES = ["Asia/Tokyo", "Asia/Kolkata", "Asia/Kathmandu", "Africa/Nairobi", "UTC", "America/Sao_Paulo",
                   "Europe/Moscow", "Africa/Cairo", "America/Nuuk", "Europe/Zurich", "America/New_York",
                   "Australia/Sydney", "Pacific/Auckland", "Australia/Lord_Howe", "Africa/Casablanca"]


@pytest.mark.parametrize("zone", VTIMEZONE_ZONES)
def test_vtimezones_are_icalendars_own(zone: str) -> None:
    """The VTIMEZONE made without icalendar's walk to the year 9999 is the one icalendar's search
    (in steps of at most 8 days) makes."""
    from feeds.render.vtimezone import _from_tzid, _Timezone

    ranges = [(year, year + 1) for year in range(2008, 2028, 3)] + [(2010, 2012), (2015, 2026), (1990, 2040)]
    for first, last in ranges:
        made = _from_tzid(zone, date(first, 1, 1), date(last, 1, 1)).to_ical()
        assert made == _Timezone.from_tzid(zone, first_date=date(first, 1, 1), last_date=date(last, 1, 1)).to_ical()


@pytest.mark.parametrize("zone", VTIMEZONE_ZONES)
def test_a_vtimezone_gives_the_iana_offset_every_day_of_its_range(zone: str) -> None:
    """Even where an offset lasts only weeks (Cairo's and Casablanca's Ramadan changes)."""
    from feeds.render.vtimezone import _vtimezone

    defined = _vtimezone(zone, 2010, 2029).to_tz(lookup_tzid=False)
    iana = ZoneInfo(zone)
    day = datetime(2010, 1, 1, 12)
    while day.year < 2029:
        assert day.replace(tzinfo=defined).utcoffset() == day.replace(tzinfo=iana).utcoffset(), (zone, day)
        day += timedelta(days=1)


def test_outlook_gets_each_regular_zone_as_a_standard_and_a_daylight_rule(built: Path) -> None:
    """Outlook keeps one yearly rule a zone and reads a list of changes as its last change alone: a
    zone is written as Outlook, Google and Apple write it, each rule starting on the clock before
    its change (RFC 5545: 02:00 in Zurich when summer time begins, 03:00 when it ends)."""
    cal = icalendar.Calendar.from_ical((built / "feeds/events.ics").read_bytes())
    zones = {str(tz["TZID"]): tz for tz in cal.walk("VTIMEZONE")}
    shapes = {tzid: [(o.name, o["DTSTART"].dt, o["RRULE"].to_ical().decode(), o.TZOFFSETFROM, o.TZOFFSETTO)
                     for o in zones[tzid].subcomponents] for tzid in ("Europe/Zurich", "America/New_York")}
    hour = timedelta(hours=1)
    assert shapes == {
        "Europe/Zurich": [("STANDARD", datetime(2017, 10, 29, 3), "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", 2 * hour, hour),
                          ("DAYLIGHT", datetime(2018, 3, 25, 2), "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", hour, 2 * hour)],
        "America/New_York": [("STANDARD", datetime(2018, 11, 4, 2), "FREQ=YEARLY;BYDAY=1SU;BYMONTH=11", -4 * hour, -5 * hour),
                             ("DAYLIGHT", datetime(2019, 3, 10, 2), "FREQ=YEARLY;BYDAY=2SU;BYMONTH=3", -5 * hour, -4 * hour)]}
    # Morocco's clocks change around Ramadan, on dates no yearly rule gives: they stay listed.
    assert not any("RRULE" in o for o in zones["Africa/Casablanca"].subcomponents)


# A range over which a zone keeps two yearly rules, or not: the United States changed theirs in 2007;
# Chile's clocks change on the first Sunday from the 2nd, which no nth weekday gives.
YEARLY = [("Europe/Zurich", 2010, 2029, True), ("America/New_York", 2010, 2029, True),
          ("Australia/Sydney", 2010, 2029, True), ("Australia/Lord_Howe", 2010, 2029, True),
          ("Europe/Dublin", 2010, 2029, True), ("Pacific/Chatham", 2019, 2020, True),
          ("America/New_York", 2005, 2010, False), ("America/Santiago", 2019, 2030, False),
          ("Africa/Casablanca", 2010, 2029, False), ("America/Sao_Paulo", 2010, 2029, False)]


@pytest.mark.parametrize(("zone", "first", "last", "yearly"), YEARLY)
def test_a_vtimezone_lands_every_time_around_each_change_where_the_zone_does(zone: str, first: int, last: int,
                                                                             yearly: bool) -> None:
    """Every quarter hour of the day before and after each change of the range, read through the
    definition: yearly rules as Outlook takes them (a month, one nth or last weekday), or the list."""
    from feeds.render.vtimezone import vtimezone_ical

    defined = icalendar.Timezone.from_ical(vtimezone_ical(zone, first, last))
    if yearly:
        assert sorted(o.name for o in defined.subcomponents) == ["DAYLIGHT", "STANDARD"]
        for observance in defined.subcomponents:
            rule = observance["RRULE"]
            assert (rule["FREQ"], len(rule["BYMONTH"])) == (["YEARLY"], 1) and "RDATE" not in observance
            assert re.fullmatch(r"(-1|[1-4])(MO|TU|WE|TH|FR|SA|SU)", "".join(map(str, rule["BYDAY"])))
            # Standard time is the one clocks go back to, in Ireland too, whose law has it the other way.
            assert (observance.name == "STANDARD") == (observance.TZOFFSETTO < observance.TZOFFSETFROM)
    else:
        assert not any("RRULE" in o for o in defined.subcomponents)
    tz, iana = defined.to_tz(lookup_tzid=False), ZoneInfo(zone)
    instant, end, checked = datetime(first, 1, 2, tzinfo=UTC), datetime(last - 1, 12, 31, tzinfo=UTC), 0
    while instant < end:
        if instant.astimezone(iana).utcoffset() != (instant - timedelta(hours=6)).astimezone(iana).utcoffset():
            for quarter in range(-4 * 30, 4 * 24):
                wall = (instant + quarter * timedelta(minutes=15)).astimezone(iana).replace(tzinfo=None)
                if wall.replace(tzinfo=iana).utcoffset() == wall.replace(tzinfo=iana, fold=1).utcoffset():
                    assert wall.replace(tzinfo=tz).utcoffset() == wall.replace(tzinfo=iana).utcoffset(), (zone, wall)
                    checked += 1
        instant += timedelta(hours=6)
    assert checked > 200 * (last - first)


def _iana_changes(zone: str, first: int, last: int) -> set[tuple[datetime, timedelta, timedelta]]:
    """Each change of the zone's offset from 1 January of `first` to 1 January of `last` (its wall
    clock), by zoneinfo: the instant (UTC, naive) and the offsets it goes from and to."""
    iana = ZoneInfo(zone)
    instant = datetime(first, 1, 1, tzinfo=iana).astimezone(UTC)
    end = datetime(last, 1, 1, tzinfo=iana).astimezone(UTC)
    changes = set()
    while instant < end:
        before, after = (instant - timedelta(hours=1)).astimezone(iana).utcoffset(), instant.astimezone(iana).utcoffset()
        if before != after:
            at = instant - timedelta(hours=1)
            while (at + timedelta(minutes=1)).astimezone(iana).utcoffset() == before:
                at += timedelta(minutes=1)
            changes.add(((at + timedelta(minutes=1)).replace(tzinfo=None), before, after))
        instant += timedelta(hours=1)
    return changes


# Zones whose changes are listed (not yearly) over the range, with changes forward by an hour, half an
# hour (Lord Howe) and a day (Samoa skipped 30 December 2011).
LISTED = [("America/New_York", 2005, 2008), ("Africa/Casablanca", 2024, 2025), ("Australia/Lord_Howe", 2006, 2010),
          ("Europe/Moscow", 2010, 2012), ("Pacific/Apia", 2011, 2012)]


@pytest.mark.parametrize(("zone", "first", "last"), LISTED)
def test_each_listed_change_is_dated_on_the_clock_before_it(zone: str, first: int, last: int) -> None:
    """RFC 5545 (section 3.6.5) reads DTSTART and each RDATE of an observance in its TZOFFSETFROM, the
    clock before the change: read so, the onsets are exactly the zone's changes, forward as well as back."""
    from feeds.render.vtimezone import vtimezone_ical

    defined = icalendar.Timezone.from_ical(vtimezone_ical(zone, first, last))
    listed = set()
    for observance in defined.subcomponents:
        assert "RRULE" not in observance
        before, after = observance.TZOFFSETFROM, observance.TZOFFSETTO
        rdates = observance.get("RDATE", [])
        onsets = [observance.DTSTART] + [d.dt for line in (rdates if isinstance(rdates, list) else [rdates]) for d in line.dts]
        listed |= {(onset - before, before, after) for onset in onsets if before != after}
    assert listed == _iana_changes(zone, first, last)


def test_a_skipped_time_written_in_utc_reads_after_the_change_through_a_listed_zone(tmp_path: Path) -> None:
    """02:30 on 10 March 2024 is skipped in New York, and a single event then is written in UTC (07:30Z),
    to be read through the calendar's definition of its zone: an event of 2005 there makes it a list
    (the rules changed in 2007), whose change forward must be dated 02:00, not 03:00, for 07:30Z to be
    03:30 rather than a 02:30 that never was. So too in Casablanca, where 02:00 became 03:00 on 14 April."""
    site = _built_with(tmp_path, {
        "old-new-york": "---\ntitle: Old\ndate: 2004-12-01\nstart: 2005-03-01T10:00\nend: 2005-03-01T11:00\n"
                        "timezone: America/New_York\nlocation: New York\n---\nX.\n",
        "skipped-new-york": "---\ntitle: Skipped in New York\ndate: 2018-11-01\nstart: 2024-03-10T02:30\n"
                            "end: 2024-03-10T04:00\ntimezone: America/New_York\nlocation: New York\n---\nX.\n",
        "casablanca-morning": "---\ntitle: Morning\ndate: 2018-11-01\nstart: 2024-04-14T10:00\nend: 2024-04-14T11:00\n"
                              "timezone: Africa/Casablanca\nlocation: Casablanca\n---\nX.\n",
        "skipped-casablanca": "---\ntitle: Skipped in Casablanca\ndate: 2018-11-01\nstart: 2024-04-14T02:30\n"
                              "end: 2024-04-14T04:00\ntimezone: Africa/Casablanca\nlocation: Casablanca\n---\nX.\n"})
    ics = site / "public/feeds/events.ics"
    cal = icalendar.Calendar.from_ical(ics.read_bytes())
    definitions = {str(tz["TZID"]): tz for tz in cal.walk("VTIMEZONE")}
    by_icaljs = {e["summary"]: e for e in read_with_icaljs(ics)["events"]}
    half_an_hour = timedelta(minutes=30)  # from 03:30 to its end at 04:00
    for title, zone, wall in (("Skipped in New York", "America/New_York", "2024-03-10T03:30:00"),
                              ("Skipped in Casablanca", "Africa/Casablanca", "2024-04-14T03:30:00")):
        assert not any("RRULE" in o for o in definitions[zone].subcomponents), zone  # the listed form
        [event] = [e for e in cal.walk("VEVENT") if e["SUMMARY"] == title]
        start, tz = event.decoded("DTSTART"), definitions[zone].to_tz(lookup_tzid=False)
        assert start.utcoffset() == timedelta(0) and "TZID" not in event["DTSTART"].params
        assert start.astimezone(tz).replace(tzinfo=None).isoformat() == wall, zone
        assert event["DTEND"].dt.replace(tzinfo=tz) - start == half_an_hour, zone  # 04:00, written in its zone
        read = by_icaljs[title]
        assert datetime.fromisoformat(read["end"]) - datetime.fromisoformat(read["start"]) == half_an_hour, zone
        walls = subprocess.run(["node", str(ROOT / "tests/node/wall_clock.mjs"), str(ics), zone], check=True,
                               capture_output=True, text=True, input=json.dumps([read["start"]]))
        assert json.loads(walls.stdout) == [wall], zone


def test_ical_js_lands_a_series_through_yearly_rules_in_either_hemisphere(tmp_path: Path) -> None:
    """ical.js (Thunderbird, Nextcloud) knows only the file's own definitions: every Sunday of a year at
    04:15 lands where the zone has it through its STANDARD and DAYLIGHT rules, south of the equator,
    by half an hour (Lord Howe), with Ireland's summer time as standard in law, and at 02:45 (Chatham)."""
    zones = ["Australia/Lord_Howe", "Australia/Sydney", "Europe/Dublin", "Pacific/Chatham"]
    site = _built_with(tmp_path, {zone.split("/")[1].lower().replace("_", "-"):
        f"---\ntitle: Sunday\ndate: 2018-11-01T09:00\nstart: 2019-01-06T04:15\nend: 2019-01-06T05:15\n"
        f"timezone: {zone}\nrrule: FREQ=WEEKLY;COUNT=53\nlocation: Here\n---\nX.\n" for zone in zones})
    for zone in zones:
        ics = site / f"public/events/{zone.split('/')[1].lower().replace('_', '-')}/event.ics"
        [vtimezone] = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VTIMEZONE")
        assert sorted(o.name for o in vtimezone.subcomponents if "RRULE" in o) == ["DAYLIGHT", "STANDARD"], zone
        [read] = read_with_icaljs(ics)["events"]
        sundays = [datetime(2019, 1, 6, 4, 15, tzinfo=ZoneInfo(zone)) + timedelta(weeks=n) for n in range(53)]
        offsets = {sunday.utcoffset() for sunday in sundays}
        assert len(offsets) == 2, zone  # the year's dates fall on both sides of its changes
        assert [o["start"] for o in read["occurrences"]] == [
            sunday.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z") for sunday in sundays], zone


def test_each_zone_covers_the_years_of_its_own_events_only(tmp_path: Path) -> None:
    """An event of 2005 in Zurich stretches Zurich's VTIMEZONE back to 2005, not New York's: over
    2005-2024 New York's rules changed (2007) and its changes would be listed one by one, which
    Outlook reads as the last change alone, where its events of 2019 and 2024 need only yearly rules."""
    site = _built_with(tmp_path, {
        "old-zurich": "---\ntitle: Old\ndate: 2004-12-01\nstart: 2005-03-01T10:00\nend: 2005-03-01T11:00\n"
                      "location: Bern\n---\nX.\n",
        "new-york-later": "---\ntitle: Later\ndate: 2018-11-01\nstart: 2024-11-20T10:00\nend: 2024-11-20T11:00\n"
                          "timezone: America/New_York\nlocation: New York\n---\nX.\n"})
    for path in ("feeds/events.ics", "events/new-york-later/event.ics"):
        ics = site / "public" / path
        zones = {str(tz["TZID"]): tz for tz in icalendar.Calendar.from_ical(ics.read_bytes()).walk("VTIMEZONE")}
        observances = zones["America/New_York"].subcomponents
        assert sorted(o.name for o in observances if "RRULE" in o) == ["DAYLIGHT", "STANDARD"], path
        assert not any("RDATE" in o for o in observances), path
        starts = {e["summary"]: e["start"] for e in read_with_icaljs(ics)["events"]}
        assert starts["Later"] == "2024-11-20T15:00:00.000Z", path
    # Zurich's still reaches back to the event of 2005, read through the file's own definitions.
    starts = {e["summary"]: e["start"] for e in read_with_icaljs(site / "public/feeds/events.ics")["events"]}
    assert starts["Old"] == "2005-03-01T09:00:00.000Z"


def test_an_events_web_address_is_published_as_a_uri_and_shown_as_written(tmp_path: Path) -> None:
    """RFC 5545's URL is a URI: a host in its ASCII form, spaces and other characters escaped."""
    site = _built_with(tmp_path, {"fair":
        "---\ntitle: Book fair\nstart: 2018-12-10T10:00\nend: 2018-12-10T11:00\nlocation: Bern\n"
        "url: https://bücher.example:8443/Programm 2018?stadt=Zürich&rabatt=100%#tag 1\n---\nBooks.\n"})
    address = "https://xn--bcher-kva.example:8443/Programm%202018?stadt=Z%C3%BCrich&rabatt=100%25#tag%201"
    cal = icalendar.Calendar.from_ical((site / "public/feeds/events.ics").read_bytes())
    fair = next(v for v in cal.walk("VEVENT") if str(v["UID"]).startswith("fair@"))
    assert str(fair["URL"]) == address
    page = lxml.html.parse(str(site / "public/events/fair/index.html")).getroot()
    [link] = [a for a in page.iter("a") if a.get("href") == address]
    # Its page links the URI and shows the address as written, as a browser's address bar does.
    assert link.text_content() == "https://bücher.example:8443/Programm 2018?stadt=Zürich&rabatt=100%#tag 1"
    atom = lxml.etree.parse(str(site / "public/feeds/atom.xml"))  # and so does its entry in the feeds
    [entry] = [e for e in atom.iter("{http://www.w3.org/2005/Atom}entry")
               if e.findtext("{http://www.w3.org/2005/Atom}title") == "Book fair"]
    content = lxml.html.fragment_fromstring(entry.findtext("{http://www.w3.org/2005/Atom}content"), create_parent="div")
    [link] = [a for a in content.iter("a") if a.get("href") == address]
    assert link.text_content() == "https://bücher.example:8443/Programm 2018?stadt=Zürich&rabatt=100%#tag 1"


def test_an_events_address_shown_as_written_keeps_the_escapes_of_line_breaks(tmp_path: Path) -> None:
    """No page can show a line break or a control character: shown as written, an address undoes its
    other escapes (ü) but keeps theirs (%0A, %01), as browsers do."""
    site = _built_with(tmp_path, {"notes": "---\ntitle: Notes\nstart: 2018-12-10\nlocation: Bern\n"
                                           "url: https://example.org/B%C3%BCcher%0A2018%01\n---\nX.\n"})
    address = "https://example.org/B%C3%BCcher%0A2018%01"
    page = lxml.html.parse(str(site / "public/events/notes/index.html")).getroot()
    [link] = [a for a in page.iter("a") if a.get("href") == address]
    assert link.text_content() == "https://example.org/Bücher%0A2018%01"


@pytest.mark.parametrize("offset", ["+02:00", "+01:00"])
def test_a_time_that_happens_twice_lands_at_the_instant_written_in_every_client(example_site: Path, feeds,
                                                                                 offset: str) -> None:
    """02:30 comes twice in Zurich on 28 October 2018: a TZID time cannot say which, and icalendar and
    ical.js read it differently, so the offset written survives only as UTC."""
    (example_site / "content/events/night.md").write_text(
        f"---\ntitle: Night shift\ndate: 2018-10-01\nstart: 2018-10-28T02:30:00{offset}\nend: 2018-10-28T04:00\n"
        "location: Geneva\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", NOW).code == 0
    start = datetime.fromisoformat(f"2018-10-28T02:30:00{offset}").astimezone(timezone.utc)
    for path in ("feeds/events.ics", "events/night/event.ics"):
        ics = example_site / "public" / path
        [event] = [e for e in icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT") if e["SUMMARY"] == "Night shift"]
        assert event.decoded("DTSTART") == start and event.decoded("DTEND") == datetime(2018, 10, 28, 3, tzinfo=timezone.utc)
        [read] = [e for e in read_with_icaljs(ics)["events"] if e["summary"] == "Night shift"]
        assert (read["start"], read["end"]) == (start.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "2018-10-28T03:00:00.000Z")


def test_a_series_that_begins_at_a_time_that_happens_twice_keeps_its_wall_time(example_site: Path, feeds) -> None:
    """A single event at such a time is written in UTC (above); a series keeps its zone, since its
    later dates, after the clocks went back, follow the wall clock: 02:30 every Sunday stays 02:30."""
    (example_site / "content/events/night.md").write_text(
        "---\ntitle: Night shift\ndate: 2018-10-01\nstart: 2018-10-28T02:30\nend: 2018-10-28T03:30\n"
        "rrule: FREQ=WEEKLY;COUNT=3\nlocation: Geneva\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", NOW).code == 0
    zone = ZoneInfo("Europe/Zurich")
    later = [datetime(2018, 11, 4, 2, 30, tzinfo=zone), datetime(2018, 11, 11, 2, 30, tzinfo=zone)]
    ics = example_site / "public/events/night/event.ics"
    expanded = recurring_ical_events.of(icalendar.Calendar.from_ical(ics.read_bytes())).between(
        datetime(2018, 10, 29), datetime(2018, 12, 1))
    assert [e["DTSTART"].dt for e in expanded] == later
    [read] = read_with_icaljs(ics)["events"]
    assert [o["start"] for o in read["occurrences"]][1:] == [
        moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z") for moment in later]


def test_a_fortnightly_series_of_several_weekdays_says_its_week_start(example_site: Path, feeds) -> None:
    """Which Sunday follows a Tuesday every other week depends on the day weeks start on: Monday by
    RFC 5545, Sunday where a rule does not say (Outlook, by MS-OXCICAL). The rule says it, so a
    reader of either default lands every date where the page and ical.js do."""
    (example_site / "content/events/fortnightly.md").write_text(
        "---\ntitle: Fortnightly\ndate: 2018-10-01\nstart: 2027-05-04T10:00\nend: 2027-05-04T11:00\n"
        "rrule: FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;COUNT=6\nlocation: Geneva\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", NOW).code == 0
    from dateutil.rrule import SU, rrulestr

    ics = example_site / "public/events/fortnightly/event.ics"
    [vevent] = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    start = vevent.decoded("DTSTART")
    days = ["2027-05-04", "2027-05-09", "2027-05-18", "2027-05-23", "2027-06-01", "2027-06-06"]
    [read] = read_with_icaljs(ics)["events"]
    assert [o["start"][:10] for o in read["occurrences"]] == days
    page = lxml.html.parse(str(example_site / "public/events/fortnightly/index.html")).getroot()
    google = _link(page, "https://calendar.google.com/calendar/render?action=TEMPLATE")
    for rule in (vevent["RRULE"].to_ical().decode(), google["recur"].removeprefix("RRULE:")):
        sunday_first = rrulestr(rule, dtstart=start.replace(tzinfo=None))
        if "WKST" not in rule:  # what a reader whose weeks start on Sunday makes of it
            sunday_first = sunday_first.replace(wkst=SU)
        assert [f"{wall:%Y-%m-%d}" for wall in sunday_first] == days, rule


def test_a_timed_series_until_a_date_takes_place_on_that_date(tmp_path: Path) -> None:
    """UNTIL given as a date for a timed series means the whole of its last day: a weekly 10:00
    meeting until 18 December meets on the 18th too, in every client and on its page."""
    site = _built_with(tmp_path, {"weekly":
        "---\ntitle: Weekly\ndate: 2018-11-01T09:00\nstart: 2018-12-04T10:00\nend: 2018-12-04T11:00\n"
        "rrule: FREQ=WEEKLY;UNTIL=20181218\nlocation: Bern\n---\nX.\n"})
    zone = ZoneInfo(SITE_ZONE)
    dates = [datetime(2018, 12, day, 10, tzinfo=zone) for day in (4, 11, 18)]
    ics = site / "public/events/weekly/event.ics"
    expanded = recurring_ical_events.of(icalendar.Calendar.from_ical(ics.read_bytes())).between(
        datetime(2018, 12, 1), datetime(2019, 1, 1))
    assert [e["DTSTART"].dt for e in expanded] == dates
    [read] = read_with_icaljs(ics)["events"]
    assert [o["start"] for o in read["occurrences"]] == [
        d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z") for d in dates]
    page = lxml.html.parse(str(site / "public/events/weekly/index.html")).getroot()
    assert [t.get("datetime") for t in page.find_class("occurrences")[0].iter("time")] == [d.isoformat() for d in dates]


def test_an_offset_that_lasts_a_week_is_in_the_time_zone_definition(example_site: Path, feeds) -> None:
    """Recife kept summer time for one week of October 2000 only; ical.js knows only the file's own
    definitions, so a week missing from them puts the event an hour off."""
    (example_site / "content/events/brief.md").write_text(
        "---\ntitle: Brief\ndate: 2000-01-01\nstart: 2000-10-10T12:00\ntimezone: America/Recife\nlocation: Here\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", NOW).code == 0
    [read] = read_with_icaljs(example_site / "public/events/brief/event.ics")["events"]
    assert read["start"] == "2000-10-10T14:00:00.000Z"  # at -02:00; -03:00 the week before and after


def test_a_time_in_a_zone_that_is_utc_now_but_was_not_then_keeps_its_offset(example_site: Path, feeds) -> None:
    """icalendar writes Z for a zone that is UTC today (Atlantic/Reykjavik) whatever its offset at the
    date: an hour behind in 1950, by the time zone database this system has."""
    (example_site / "content/events/reykjavik.md").write_text(
        "---\ntitle: Old meeting\ndate: 1949-12-01\nstart: 1950-01-15T12:00\nend: 1950-01-15T13:00\n"
        "timezone: Atlantic/Reykjavik\nlocation: Reykjavik\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", NOW).code == 0
    zone = ZoneInfo("Atlantic/Reykjavik")
    ics = example_site / "public/events/reykjavik/event.ics"
    [event] = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert event.decoded("DTSTART") == datetime(1950, 1, 15, 12, tzinfo=zone)
    assert event.decoded("DTEND") == datetime(1950, 1, 15, 13, tzinfo=zone)
    [read] = read_with_icaljs(ics)["events"]
    assert read["start"] == datetime(1950, 1, 15, 12, tzinfo=zone).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_a_series_whose_first_date_spans_the_change_of_clocks_keeps_its_hours(example_site: Path, feeds) -> None:
    """22:00 to 04:00 every Saturday, from the night summer time ends: every date of a series lasts as
    long as its first, which is 7 hours that night; each date still ends at 04:00 by the clock."""
    (example_site / "content/events/night.md").write_text(
        "---\ntitle: Night shift\ndate: 2018-10-01\nstart: 2018-10-27T22:00\nend: 2018-10-28T04:00\n"
        "rrule: FREQ=WEEKLY;COUNT=3\nlocation: Geneva\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", NOW).code == 0
    zone = ZoneInfo("Europe/Zurich")
    expected = [(datetime(2018, 10, 27, 22, tzinfo=zone), datetime(2018, 10, 28, 4, tzinfo=zone)),
                (datetime(2018, 11, 3, 22, tzinfo=zone), datetime(2018, 11, 4, 4, tzinfo=zone)),
                (datetime(2018, 11, 10, 22, tzinfo=zone), datetime(2018, 11, 11, 4, tzinfo=zone))]
    ics = example_site / "public/events/night/event.ics"
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    expanded = recurring_ical_events.of(calendar).between(datetime(2018, 10, 1), datetime(2018, 12, 1))
    assert [(e["DTSTART"].dt, e["DTEND"].dt) for e in expanded] == expected
    [read] = read_with_icaljs(ics)["events"]
    utc = "%Y-%m-%dT%H:%M:%S.000Z"
    assert [(o["start"], o["end"]) for o in read["occurrences"]] == [
        (start.astimezone(timezone.utc).strftime(utc), end.astimezone(timezone.utc).strftime(utc)) for start, end in expected]


@pytest.mark.parametrize(("start", "end", "hours"), [
    ("2018-12-04T10:00", "2018-12-04T11:00:00Z", (10, 12)),  # an end in UTC, 12:00 in Zurich
    ("2018-12-04T09:00:00Z", "2018-12-04T12:00", (10, 12)),  # a start in UTC, an end in the zone
    ("2018-10-27T22:00", "2018-10-28T03:00:00Z", (22, 4)),  # 04:00 in Zurich, the night the clocks go back
])
def test_a_series_with_one_end_written_in_utc_ends_each_date_when_written(tmp_path: Path, start: str, end: str,
                                                                         hours: tuple[int, int]) -> None:
    """A series' start and end written in different zones (one in UTC): each date lasts, on the
    start's clock, as long as the first one as written, on its page and in every client."""
    site = _built_with(tmp_path, {"weekly": f"---\ntitle: Weekly\ndate: 2018-10-01\nstart: {start}\nend: {end}\n"
                                            "rrule: FREQ=WEEKLY;COUNT=3\nlocation: Bern\n---\nX.\n"})
    first_start, first_end = (datetime.fromisoformat(text) for text in (start, end))
    zone = first_start.tzinfo or ZoneInfo(SITE_ZONE)
    first_start = first_start.replace(tzinfo=zone)
    first_end = first_end.astimezone(zone) if first_end.tzinfo else first_end.replace(tzinfo=ZoneInfo(SITE_ZONE))
    walls = [(first_start + timedelta(weeks=n), (first_end.astimezone(zone) + timedelta(weeks=n))) for n in range(3)]
    expected = [(_iso(a), _iso(b)) for a, b in walls]
    assert expected[0] == (_iso(first_start), _iso(first_end))  # the first date as written
    ics = site / "public/events/weekly/event.ics"
    expanded = recurring_ical_events.of(icalendar.Calendar.from_ical(ics.read_bytes())).between(
        datetime(2018, 10, 1), datetime(2019, 1, 1))
    assert [(_iso(e["DTSTART"].dt), _iso(e.end)) for e in expanded] == expected
    [read] = read_with_icaljs(ics)["events"]
    assert [(_js_iso(o["start"]), _js_iso(o["end"])) for o in read["occurrences"]] == expected
    page = lxml.html.parse(str(site / "public/events/weekly/index.html")).getroot()
    [when] = page.find_class("facts")[0].find_class("dt-start")
    shown_end = first_end.astimezone(ZoneInfo(SITE_ZONE))
    assert _iso(datetime.fromisoformat(page.find_class("dt-end")[0].get("value"))) == expected[0][1]
    assert when.text_content().endswith(f"{shown_end:%H:%M}") and shown_end.hour == hours[1]


def test_a_time_the_clocks_skip_is_shown_as_the_time_calendars_read(tmp_path: Path) -> None:
    """02:30 does not exist in Zurich on 31 March 2019: calendars read it, as RFC 5545 says, at the
    offset before the change, 03:30 summer time, as the build's warning says; so do the pages and
    feeds, in their words as in their machine-readable times."""
    site = _built_with(tmp_path, {
        "skipped": "---\ntitle: Skipped\ndate: 2018-10-01\nstart: 2019-03-31T02:30\nend: 2019-03-31T04:00\n"
                   "location: Bern\n---\nX.\n",
        "weekly": "---\ntitle: Weekly\ndate: 2018-10-01\nstart: 2019-03-24T02:30\nend: 2019-03-24T03:00\n"
                  "rrule: FREQ=WEEKLY;COUNT=3\nlocation: Bern\n---\nX.\n",
        "ends-skipped": "---\ntitle: Ends skipped\ndate: 2018-10-01\nstart: 2019-03-31T01:00\nend: 2019-03-31T02:30\n"
                        "location: Bern\n---\nX.\n"})
    zone = ZoneInfo(SITE_ZONE)
    weekly = [datetime(2019, 3, 24, 1, 30, tzinfo=UTC), datetime(2019, 3, 31, 1, 30, tzinfo=UTC),
              datetime(2019, 4, 7, 0, 30, tzinfo=UTC)]  # 02:30, 03:30 and 02:30 in Zurich
    calendar = icalendar.Calendar.from_ical((site / "public/events/weekly/event.ics").read_bytes())
    expanded = recurring_ical_events.of(calendar).between(datetime(2019, 3, 1), datetime(2019, 5, 1))
    assert [e["DTSTART"].dt.astimezone(UTC) for e in expanded] == weekly
    page = lxml.html.parse(str(site / "public/events/weekly/index.html")).getroot()
    shown = [(datetime.fromisoformat(t.get("datetime")), t.text_content()) for t in page.find_class("occurrences")[0].iter("time")]
    assert shown == [(moment, f"{moment.astimezone(zone):%-d %B %Y, %H:%M}") for moment in weekly]
    [skipped] = [e for e in icalendar.Calendar.from_ical((site / "public/feeds/events.ics").read_bytes()).walk("VEVENT")
                 if e["SUMMARY"] == "Skipped"]
    assert skipped.decoded("DTSTART") == datetime(2019, 3, 31, 1, 30, tzinfo=UTC)
    page = lxml.html.parse(str(site / "public/events/skipped/index.html")).getroot()
    assert page.find_class("facts")[0].find_class("dt-start")[0].text_content() == "31 March 2019, 03:30–04:00"
    assert "CEST, Europe/Zurich" in page.find_class("facts")[0].find_class("zone")[0].text_content()
    [entry] = [i for i in json.loads((site / "public/feeds/feed.json").read_text())["items"] if i["title"] == "Skipped"]
    assert ">31 March 2019, 03:30</time>" in entry["content_html"] and "UTC+02:00)" in entry["content_html"]
    # So is an end the clocks skip, in summer time, after a start in winter time.
    facts = lxml.html.parse(str(site / "public/events/ends-skipped/index.html")).getroot().find_class("facts")[0]
    assert facts.find_class("dt-start")[0].text_content() == "31 March 2019, 01:00–03:30"
    assert facts.find_class("zone")[0].text_content().startswith("CET–CEST, Europe/Zurich")


@pytest.mark.parametrize(("start", "end", "first"), [
    ("2019-03-31T01:30", "2019-03-31T02:30", ("2019-03-31T00:30:00Z", "2019-03-31T01:30:00Z")),  # 02:30 skipped
    ("2019-10-27T01:30", "2019-10-27T02:30", ("2019-10-26T23:30:00Z", "2019-10-27T00:30:00Z")),  # 02:30 twice
    ("2019-03-31T02:15", "2019-03-31T02:45", ("2019-03-31T01:15:00Z", "2019-03-31T01:45:00Z")),  # both skipped
    ("2019-10-27T02:15", "2019-10-27T02:45", ("2019-10-27T00:15:00Z", "2019-10-27T00:45:00Z")),  # both twice
])
def test_a_series_whose_first_date_ends_at_a_time_the_clocks_skip_or_repeat_lasts_the_same_everywhere(
        tmp_path: Path, start: str, end: str, first: tuple[str, str]) -> None:
    """Its end read as RFC 5545 says (the offset before the change; the first of two) makes the first
    date as long as on the clock; ical.js reads such a wall time the other way, and took every date of the
    series to last no time at all, or two hours. (Expanding the series, ical.js adds the length to
    the first date on the clock, which lands on that wall time again.)"""
    site = _built_with(tmp_path, {"weekly": f"---\ntitle: Weekly\ndate: 2018-10-01\nstart: {start}\nend: {end}\n"
                                            "rrule: FREQ=WEEKLY;COUNT=3\nlocation: Bern\n---\nX.\n"})
    zone = ZoneInfo(SITE_ZONE)
    walls = [datetime.fromisoformat(start) + timedelta(weeks=n) for n in (1, 2)]
    length = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    expected = [first] + [(_iso(w.replace(tzinfo=zone)), _iso((w + length).replace(tzinfo=zone))) for w in walls]
    ics = site / "public/events/weekly/event.ics"
    expanded = recurring_ical_events.of(icalendar.Calendar.from_ical(ics.read_bytes())).between(
        datetime(2019, 1, 1), datetime(2020, 1, 1))
    assert [(_iso(e["DTSTART"].dt), _iso(e.end)) for e in expanded] == expected
    [read] = read_with_icaljs(ics)["events"]
    assert [(_js_iso(o["start"]), _js_iso(o["end"])) for o in read["occurrences"]][1:] == expected[1:]


@pytest.mark.parametrize(("start", "rule", "wall", "rfc", "icaljs"), [
    # 01:45 comes twice in Lord Howe on 7 April 2030, at +11:00 then at +10:30: RFC 5545 means the first
    ("2030-01-07T01:45", "FREQ=MONTHLY;BYMONTHDAY=7;COUNT=12", "2030-04-07T01:45", "2030-04-06T14:45:00Z",
     "2030-04-06T15:15:00Z"),
    # 02:15 is skipped on 6 October 2030 (02:00 to 02:30): RFC 5545 moves it on by the gap, to 02:45 at +11:00
    ("2030-09-06T02:15", "FREQ=MONTHLY;BYMONTHDAY=6;COUNT=3", "2030-10-06T02:15", "2030-10-05T15:45:00Z",
     "2030-10-05T15:15:00Z"),
])
def test_a_series_date_at_a_time_the_clocks_skip_or_repeat_lands_apart_in_clients_as_warned(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], start: str, rule: str, wall: str, rfc: str,
        icaljs: str) -> None:
    """The build's warning for such a later date of a series says calendar apps disagree: icalendar
    reads the date as RFC 5545 says, ical.js (Thunderbird, Nextcloud) at the zone's other offset."""
    from feeds.cli import main

    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    (site / "content/events/night.md").write_text(
        f"---\ntitle: Night\ndate: 2018-11-01\nstart: {start}\ntimezone: Australia/Lord_Howe\nrrule: {rule}\n"
        "location: Lord Howe Island\n---\nX.\n", encoding="utf-8")
    assert main(["build", "--site", str(site), "--now", NOW]) == 0
    day = datetime.fromisoformat(wall)
    assert f"content/events/night.md:6: warning: rrule: its date of {day:%Y-%m-%d} at {day:%H:%M} " in capsys.readouterr().err
    ics = site / "public/events/night/event.ics"
    expanded = recurring_ical_events.of(icalendar.Calendar.from_ical(ics.read_bytes())).between(
        day - timedelta(days=1), day + timedelta(days=1))
    assert [_iso(e["DTSTART"].dt) for e in expanded] == [rfc]
    [read] = read_with_icaljs(ics)["events"]
    [read_there] = [_js_iso(o["start"]) for o in read["occurrences"] if o["start"].startswith(icaljs[:10])]
    assert read_there == icaljs != rfc


def test_a_series_in_a_zone_that_is_utc_now_leaves_out_its_excluded_date(example_site: Path, feeds) -> None:
    """Its start and its excluded dates are written alike, at their true offset (an hour behind UTC
    in 1950, by this system's time zone database): the excluded date stays out."""
    (example_site / "content/events/weekly.md").write_text(
        "---\ntitle: Weekly\ndate: 1949-12-01\nstart: 1950-01-10T10:00\nrrule: FREQ=WEEKLY;COUNT=3\n"
        "exdate: [1950-01-17T10:00]\ntimezone: Atlantic/Reykjavik\nlocation: Reykjavik\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", NOW).code == 0
    zone = ZoneInfo("Atlantic/Reykjavik")
    calendar = icalendar.Calendar.from_ical((example_site / "public/events/weekly/event.ics").read_bytes())
    expanded = recurring_ical_events.of(calendar).between(datetime(1950, 1, 1), datetime(1950, 3, 1))
    assert [e["DTSTART"].dt for e in expanded] == [datetime(1950, 1, 10, 10, tzinfo=zone),
                                                   datetime(1950, 1, 24, 10, tzinfo=zone)]


def test_a_calendar_without_events_still_has_a_component(example_site: Path, feeds) -> None:
    """RFC 5545 asks every VCALENDAR for one component at least: a newsroom with no events yet
    publishes its time zone."""
    (example_site / "content/events/annual-gathering-2018.md").unlink()
    (example_site / "published.json").unlink()
    assert feeds("build", "--site", example_site, "--now", NOW).code == 0
    cal = icalendar.Calendar.from_ical((example_site / "public/feeds/events.ics").read_bytes())
    assert [c.name for c in cal.subcomponents] == ["VTIMEZONE"] and str(cal.subcomponents[0]["TZID"]) == "Europe/Zurich"
    assert "METHOD" not in cal  # iTIP's PUBLISH needs a VEVENT at least (RFC 5546 section 3.2.1)
    assert read_with_icaljs(example_site / "public/feeds/events.ics")["events"] == []


def test_a_series_page_says_until_when_it_repeats(built: Path) -> None:
    """Its first date, and its last one that is not left out, in words."""
    page = lxml.html.parse(str(built / "events/monthly-press-briefing/index.html")).getroot()
    [repeats] = page.find_class("repeats")
    assert repeats.text_content() == "The first date; it repeats until 1 October 2019."


def test_a_rescheduled_event_written_in_utc_is_announced_in_its_own_zone(tmp_path: Path) -> None:
    """Its times are written in UTC; the sentence saying it moved gives them as its page does, in its zone."""
    site = _built_with(tmp_path, {"moved":
        "---\ntitle: Moved\ndate: 2018-11-01T09:00\nstart: 2018-12-03T09:00:00Z\nend: 2018-12-03T10:00:00Z\n"
        "timezone: Europe/Zurich\nstatus: rescheduled\nprevious_start: 2018-11-26T09:00:00Z\nlocation: Bern\n---\nX.\n"})
    page = lxml.html.parse(str(site / "public/events/moved/index.html")).getroot()
    said = ("rescheduled to 3 December 2018, 10:00 (CET, Europe/Zurich time); it was first planned for "
            "26 November 2018, 10:00 (CET, Europe/Zurich time).")
    assert said in page.find_class("banner-rescheduled")[0].text_content()
    assert "3 December 2018, 10:00–11:00" in page.xpath('//dl[@class="facts"]')[0].text_content()
    [vevent] = icalendar.Calendar.from_ical((site / "public/events/moved/event.ics").read_bytes()).walk("VEVENT")
    assert said in str(vevent["DESCRIPTION"])
