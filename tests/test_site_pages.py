"""The newsroom's pages, read back as machines read them: microformats2, JSON-LD, Open Graph, sitemaps."""

from __future__ import annotations

import json
import math
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html
import mf2py
import pytest
from conftest import (
    EXAMPLE_NOW,
    ROOT,
    exif_jpeg_header,
    png,
    with_event_photo,
    with_news_photo,
)
from site_newsroom import (
    EVENT_COUNT,
    LARGE_NOW,
    NEWS_COUNT,
    html_pages,
)

from feeds.build import load_site
from feeds.inputs import BuildOptions

BASE = "https://newsroom.example.org/"
LARGE = "https://large.example.org/"
NEWS = "news/forum-joins-paris-call/"
EVENT = "events/annual-gathering-2018/"


def _html(output: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((output / path).read_bytes())


def _mf2(output: Path, path: str, base: str) -> dict:
    return mf2py.parse(doc=(output / path).read_text(), url=base + path.removesuffix("index.html"))


def _json_ld(output: Path, path: str) -> dict:
    [script] = _html(output, path).xpath('//script[@type="application/ld+json"]')
    return json.loads(script.text)


def _h_feed(parsed: dict) -> dict:
    [feed] = [item for item in parsed["items"] if "h-feed" in item["type"]]
    return feed


def test_index_is_an_h_feed_with_one_entry_per_item(built_sites) -> None:
    feed = _h_feed(_mf2(built_sites["example"].output, "index.html", BASE))
    assert feed["properties"]["name"] == ["Centre for Cybersecurity Newsroom"]
    children = {child["properties"]["url"][0]: child for child in feed["children"]}
    assert len(feed["children"]) == len(children) == 2
    assert children[BASE + NEWS]["type"] == ["h-entry"]
    assert children[BASE + NEWS]["properties"]["published"] == ["2018-11-12T09:00:00+0100"]  # mf2py's form
    event = children[BASE + EVENT]
    assert event["type"] == ["h-event"]
    assert event["properties"]["start"] == ["2018-11-26"] and event["properties"]["end"] == ["2018-11-27"]
    assert event["properties"]["location"] == ["World Economic Forum, Geneva, Switzerland"]


def test_the_archive_pages_hold_every_item_once_newest_first(built_sites) -> None:
    output = built_sites["large"].output
    path, urls, pages = "archive/index.html", [], 0
    while path:
        parsed = _mf2(output, path, LARGE)
        urls += [child["properties"]["url"][0] for child in _h_feed(parsed)["children"]]
        pages += 1
        following = parsed["rels"].get("next", [])
        path = urlsplit(following[0]).path.lstrip("/") + "index.html" if following else ""
    assert pages == math.ceil((NEWS_COUNT + EVENT_COUNT) / 20) == 3
    assert len(urls) == len(set(urls)) == NEWS_COUNT + EVENT_COUNT
    published = [(output / urlsplit(url).path.lstrip("/") / "index.html") for url in urls]
    assert all(page.is_file() for page in published)
    index = _h_feed(_mf2(output, "index.html", LARGE))
    index_urls = [child["properties"]["url"][0] for child in index["children"]]
    assert len(index_urls) == len(set(index_urls)) and set(index_urls) <= set(urls)


def test_each_list_page_links_every_page_of_its_list_by_number(built_sites) -> None:
    """Followed from any page of the archive, the numbered links reach each page once, and each page
    marks itself as the current one."""
    output = built_sites["large"].output
    count = math.ceil((NEWS_COUNT + EVENT_COUNT) / 20)
    for number in range(1, count + 1):
        path = "archive/" + (f"page/{number}/" if number > 1 else "")
        [nav] = _html(output, path + "index.html").xpath('//nav[@class="pagination"]')
        links = {link.text: urljoin("/" + path, link.get("href")) for link in nav.xpath(".//ol//a")}
        assert list(links) == [str(n) for n in range(1, count + 1)]
        for shown, href in links.items():
            [current] = _html(output, href.lstrip("/") + "index.html").xpath('//nav[@class="pagination"]//a[@aria-current="page"]')
            assert current.text == shown and current.get("aria-label") == f"Page {shown} of {count}"


def test_a_long_list_links_its_first_and_last_pages_and_those_near_by_number() -> None:
    from feeds.render.pages import ListPage

    def numbers(number: int, count: int) -> list[int | None]:
        return ListPage((), number, count, "archive/").numbers

    assert numbers(6, 500) == [1, None, 4, 5, 6, 7, 8, None, 500]  # None: pages left out, shown as …
    assert numbers(1, 500) == [1, 2, 3, None, 500]
    assert numbers(500, 500) == [1, None, 498, 499, 500]
    assert numbers(4, 8) == [1, 2, 3, 4, 5, 6, 7, 8]  # one page left out is linked rather than elided
    assert numbers(1, 1) == [1]
    page = ListPage((), 6, 500, "tags/paris-call/")
    assert (page.path(1), page.newer, page.older) == ("tags/paris-call/", "tags/paris-call/page/5/",
                                                     "tags/paris-call/page/7/")


def test_item_pages_are_h_entry_and_h_event(built_sites) -> None:
    output = built_sites["example"].output
    [entry, *_] = _mf2(output, NEWS + "index.html", BASE)["items"]
    assert entry["type"] == ["h-entry"]
    assert entry["properties"]["url"] == [BASE + NEWS]
    assert entry["properties"]["category"] == ["Centre for Cybersecurity", "Cybersecurity", "Paris Call"]
    assert "eight principles" in entry["properties"]["content"][0]["value"]
    [author] = entry["properties"]["author"]
    assert author["type"] == ["h-card"] and author["properties"]["name"] == ["World Economic Forum"]  # not "By ..."
    [event, *_] = _mf2(output, EVENT + "index.html", BASE)["items"]
    assert event["type"] == ["h-event"] and event["properties"]["start"] == ["2018-11-26"]


def test_news_json_ld_is_a_news_article(built_sites) -> None:
    data = _json_ld(built_sites["example"].output, NEWS + "index.html")
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"].startswith("World Economic Forum joins the Paris Call")
    assert data["datePublished"] == data["dateModified"] == "2018-11-12T09:00:00+01:00"
    assert data["author"] == [{"@type": "Organization", "name": "World Economic Forum"}]
    assert data["publisher"]["name"] == "World Economic Forum"
    assert data["dateline"] == "Geneva, Switzerland"
    assert data["mainEntityOfPage"] == data["url"] == BASE + NEWS


def test_event_json_ld_has_what_google_requires(built_sites) -> None:
    data = _json_ld(built_sites["example"].output, EVENT + "index.html")
    assert data["@type"] == "Event"
    assert data["name"] == "Annual Gathering of the Centre for Cybersecurity"
    assert (data["startDate"], data["endDate"]) == ("2018-11-26", "2018-11-27")
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"] == {"@type": "Place", "name": "World Economic Forum", "address": "Geneva, Switzerland"}
    assert data["organizer"]["name"] == "World Economic Forum, Centre for Cybersecurity"
    assert data["description"].startswith("Two days in Geneva")


def test_event_status_reaches_json_ld_and_the_page(built_sites) -> None:
    output = built_sites["large"].output
    expected = {
        "event-00": ("EventScheduled", "This event has taken place."), "event-01": ("EventCancelled", "This event is cancelled."),
        "event-02": ("EventPostponed", "postponed"), "event-03": ("EventMovedOnline", "moved online"),
        "event-04": ("EventRescheduled", "rescheduled"), "event-05": ("EventScheduled", "not yet confirmed"),
    }
    for slug, (status, banner) in expected.items():
        path = f"events/{slug}/index.html"
        data = _json_ld(output, path)
        assert data["eventStatus"] == "https://schema.org/" + status, slug
        shown = _html(output, path).xpath('//*[@role="status"]')
        assert (banner in shown[0].text_content()) if banner else not shown, slug
    online = _json_ld(output, "events/event-03/index.html")
    assert online["location"]["@type"] == "VirtualLocation"
    assert online["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    geo = _json_ld(output, "events/event-00/index.html")["location"]["geo"]
    assert (geo["latitude"], geo["longitude"]) == (46.2226, 6.1369)
    # Cancelled, over, or postponed (its date is not the one it will have): nothing to add to a calendar.
    for over in ("event-01", "event-00", "event-08"):
        assert not _html(output, f"events/{over}/index.html").xpath('//*[@id="add-heading"]'), over
    assert _html(output, "events/event-09/index.html").xpath('//*[@id="add-heading"]')  # still to come
    cards = {card.find(".//a").text: card for page in sorted(output.glob("archive/**/index.html"))
             for card in _html(output, page.relative_to(output).as_posix()).iter("article")}
    badges = {title: [span.text for span in card.find_class("badge")] for title, card in cards.items()}
    assert badges["Test event number 6"] == ["Over"] and badges["Test event number 9"] == ["Moved online"]
    meta = {title: " ".join(card.find_class("meta")[0].text_content().split()) for title, card in cards.items()}
    assert "Online" in meta["Test event number 9"] and "Hall 9" not in meta["Test event number 9"]  # moved online
    assert "Asia/Tokyo" in meta["Test event number 2"]  # times not in the site's zone say whose they are
    assert "Europe/Zurich" not in " ".join(meta.values())


def test_event_times_are_shown_in_the_events_own_zone(built_sites) -> None:
    # event-01: 18:00-20:00 UTC on 4 February 2018, held in New York (EST, UTC-5)
    page = _html(built_sites["large"].output, "events/event-01/index.html")
    facts = " ".join(page.xpath('//dl[@class="facts"]')[0].text_content().split())
    assert "4 February 2018, 13:00–15:00" in facts
    assert "EST, America/New_York time" in facts
    tokyo = _html(built_sites["large"].output, "events/event-02/index.html")
    assert "7 March 2018, 09:30–17:00" in tokyo.text_content()
    assert "JST, Asia/Tokyo time" in tokyo.text_content()


def test_an_event_that_summer_time_begins_during_names_both_offsets(example_site: Path, feeds) -> None:
    (example_site / "content/events/night.md").write_text(  # clocks go from 02:00 CET to 03:00 CEST
        "---\ntitle: Night\ndate: 2018-11-13\nstart: 2019-03-31T01:00\nend: 2019-03-31T05:00\nlocation: Bern\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    page = _html(example_site / "public", "events/night/index.html")
    facts = " ".join(page.xpath('//dl[@class="facts"]')[0].text_content().split())
    assert "31 March 2019, 01:00–05:00 CET–CEST, Europe/Zurich time" in facts  # three hours, not four


def test_a_span_of_days_names_its_month_once_only_within_one_year(example_site: Path, feeds) -> None:
    """4–6 March 2019; but an exhibition from 1 March 2019 to 31 March 2020 gives both years."""
    for slug, start, end in (("fair", "2019-03-04", "2019-03-06"), ("exhibition", "2019-03-01", "2020-03-31")):
        (example_site / f"content/events/{slug}.md").write_text(
            f"---\ntitle: {slug}\ndate: 2018-11-13\nstart: {start}\nend: {end}\nlocation: Bern\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    output = example_site / "public"
    for slug, shown in (("fair", "4–6 March 2019"), ("exhibition", "1 March 2019 – 31 March 2020")):
        facts = " ".join(_html(output, f"events/{slug}/index.html").xpath('//dl[@class="facts"]')[0].text_content().split())
        assert shown in facts, (slug, facts)


def test_a_series_that_leaves_out_its_start_is_shown_from_its_first_date_kept(example_site: Path, feeds) -> None:
    # Its start is called off with exdate: the calendar keeps it (DTSTART with EXDATE), nothing else shows it.
    # The first date kept is on the first day of summer time: 10:00 CEST, an hour later in UTC.
    (example_site / "content/events/weekly.md").write_text(
        "---\ntitle: Weekly\ndate: 2018-03-01T09:00\nstart: 2018-03-18T10:00\nend: 2018-03-18T11:00\n"
        "timezone: Europe/Zurich\nrrule: FREQ=WEEKLY;COUNT=4\nexdate: [2018-03-18T10:00]\nlocation: Bern\n---\nX.\n")
    (example_site / "content/events/days.md").write_text(
        "---\ntitle: Days\ndate: 2018-09-01T09:00\nstart: 2018-10-01\nend: 2018-10-02\n"
        "rrule: FREQ=WEEKLY;COUNT=3\nexdate: [2018-10-01]\nlocation: Bern\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0  # both series are over
    output = example_site / "public"
    shown = {"weekly": (["2018-03-25T10:00:00+0200"], ["2018-03-25T11:00:00+0200"]),  # mf2py's form
             "days": (["2018-10-08"], ["2018-10-09"])}
    for slug, (start, end) in shown.items():
        [event, *_] = _mf2(output, f"events/{slug}/index.html", BASE)["items"]
        assert (event["properties"]["start"], event["properties"]["end"]) == (start, end), slug
    page = _html(output, "events/weekly/index.html")
    facts = " ".join(page.xpath('//dl[@class="facts"]')[0].text_content().split())
    assert "25 March 2018, 10:00–11:00 CEST, Europe/Zurich time" in facts
    assert "8–9 October 2018" in _html(output, "events/days/index.html").xpath('//dl[@class="facts"]')[0].text_content()
    json_ld = {slug: _json_ld(output, f"events/{slug}/index.html") for slug in shown}
    assert (json_ld["weekly"]["startDate"], json_ld["weekly"]["endDate"]) == ("2018-03-25T10:00:00+02:00", "2018-03-25T11:00:00+02:00")
    assert (json_ld["days"]["startDate"], json_ld["days"]["endDate"]) == ("2018-10-08", "2018-10-09")
    cards = {card["properties"]["url"][0]: card for card in _h_feed(_mf2(output, "events/index.html", BASE))["children"]}
    for slug, (start, end) in shown.items():  # the past events' list: over, so no next dates
        properties = cards[f"{BASE}events/{slug}/"]["properties"]
        assert (properties["start"], properties["end"]) == (start, end), slug
    meta = {card.find(".//a").text: " ".join(card.find_class("meta")[0].text_content().split())
            for card in _html(output, "events/index.html").iter("article")}
    assert meta["Weekly"].startswith("Event 25 March 2018, 10:00–11:00 The first date;")
    assert meta["Days"].startswith("Event 8–9 October 2018 The first date;")
    ics = (output / "events/weekly/event.ics").read_text()
    assert "DTSTART;TZID=Europe/Zurich:20180318T100000" in ics and "EXDATE;TZID=Europe/Zurich:20180318T100000" in ics
    (example_site / "content/events/between.md").write_text(  # after the start called off, before the first date kept
        "---\ntitle: Between\ndate: 2018-03-01T09:00\nstart: 2018-03-20T10:00\nlocation: Bern\n---\nX.\n")
    site = load_site(example_site, BuildOptions(now=datetime.fromisoformat(EXAMPLE_NOW))).site
    assert [event.title for event in site.events][:3] == ["Between", "Weekly", "Days"]  # `site.events`, by start


def test_a_series_written_in_utc_lists_its_next_dates_in_its_own_zone(example_site: Path, feeds) -> None:
    # 09:00 UTC is 10:00 in Geneva in winter and 11:00 in summer: each date as the clock there reads it.
    (example_site / "content/events/briefing.md").write_text(
        "---\ntitle: Briefing\ndate: 2018-11-13T09:00\nstart: 2019-03-19T09:00:00Z\nend: 2019-03-19T10:00:00Z\n"
        "timezone: Europe/Zurich\nrrule: FREQ=WEEKLY;COUNT=3\nlocation: Geneva\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    output = example_site / "public"
    page = _html(output, "events/briefing/index.html")
    facts = " ".join(page.xpath('//dl[@class="facts"]')[0].text_content().split())
    assert "19 March 2019, 10:00–11:00 CET, Europe/Zurich time" in facts
    next_dates = [" ".join(li.text_content().split()) for li in page.xpath('//section[@class="occurrences"]//li')]
    assert next_dates == ["19 March 2019, 10:00", "26 March 2019, 10:00", "2 April 2019, 11:00"]
    meta = {card.find(".//a").text: " ".join(card.find_class("meta")[0].text_content().split())
            for card in _html(output, "index.html").iter("article")}
    assert meta["Briefing"].startswith("Event 19 March 2019, 10:00; 26 March 2019, 10:00; 2 April 2019, 11:00")
    [card] = [card for card in _h_feed(_mf2(output, "index.html", BASE))["children"] if card["properties"]["name"] == ["Briefing"]]
    assert (card["properties"]["start"], card["properties"]["end"]) == (["2019-03-19T10:00:00+0100"], ["2019-03-19T11:00:00+0100"])


def test_a_series_names_the_zone_its_next_dates_are_in_on_its_card_and_page(example_site: Path, feeds) -> None:
    # Held in New York from November, in winter time (EST); by spring its next dates are in summer time (EDT).
    (example_site / "content/events/call.md").write_text(
        "---\ntitle: Call\ndate: 2018-11-13T09:00\nstart: 2018-11-22T10:00\nend: 2018-11-22T11:00\n"
        "timezone: America/New_York\nrrule: FREQ=WEEKLY;COUNT=30\nlocation: New York\n---\nX.\n")
    output = example_site / "public"

    def card(now: str) -> str:
        assert feeds("build", "--site", example_site, "--now", now).code == 0
        meta = {card.find(".//a").text: " ".join(card.find_class("meta")[0].text_content().split())
                for card in _html(output, "index.html").iter("article")}
        return meta["Call"]

    assert card(EXAMPLE_NOW).startswith(
        "Event 22 November 2018, 10:00; 29 November 2018, 10:00; 6 December 2018, 10:00 (EST, America/New_York time)")
    assert card("2019-04-01T12:00:00+02:00").startswith(
        "Event 4 April 2019, 10:00; 11 April 2019, 10:00; 18 April 2019, 10:00 (EDT, America/New_York time)")
    assert "(EST–EDT, America/New_York time)" in card("2019-03-01T12:00:00+01:00")  # 7 March, then 14 and 21
    # The event's page names the zone of its first date under When, and that of its next dates under them.
    page = _html(output, "events/call/index.html")
    [when] = page.find_class("facts")[0].find_class("zone")
    [next_dates] = page.find_class("occurrences")
    assert (when.text_content(), next_dates.find_class("zone")[0].text_content()) == (
        "EST, America/New_York time", "EST–EDT, America/New_York time")


def test_event_page_links_a_map_and_calendars(built_sites) -> None:
    output = built_sites["large"].output
    page = _html(output, "events/event-00/index.html")
    hrefs = [a.get("href") for a in page.iter("a")]
    [osm] = [h for h in hrefs if h.startswith("https://www.openstreetmap.org/")]
    assert parse_qs(urlsplit(osm).query) == {"mlat": ["46.2226"], "mlon": ["6.1369"]}
    assert not [h for h in hrefs if h.startswith("https://calendar.google.com/")]  # over: nothing to add
    hrefs = [a.get("href") for a in _html(output, "events/event-15/index.html").iter("a")]  # still to come
    [google] = [h for h in hrefs if h.startswith("https://calendar.google.com/")]
    query = parse_qs(urlsplit(google).query)
    assert query["action"] == ["TEMPLATE"] and query["dates"] == ["20190419/20190421"]
    assert query["text"] == ["Test event number 15"]
    [outlook] = [h for h in hrefs if h.startswith("https://outlook.live.com/")]
    query = parse_qs(urlsplit(outlook).query)
    assert (query["startdt"], query["enddt"], query["allday"]) == (["2019-04-19"], ["2019-04-21"], ["true"])
    assert "event.ics" in hrefs  # the event's own calendar file, beside its page


def test_a_sites_event_template_reads_every_add_link_as_a_mapping_past_events_too(example_site: Path,
                                                                                 feeds) -> None:
    (example_site / "templates").mkdir(exist_ok=True)
    (example_site / "templates/event.html").write_text(
        '{% extends "builtin/event.html" %}{% block main %}{{ super() }}<ul id="own">'
        '{% for name, href in add | dictsort %}<li><a class="{{ name }}" href="{{ href }}">{{ name }}</a></li>'
        '{% endfor %}</ul><p id="google">{{ add["google"] }} {{ add.get("outlook") }} {{ add | length }}</p>'
        '{% endblock %}\n')
    links, buttons = {}, {}
    for now in (EXAMPLE_NOW, "2019-01-01T00:00:00+01:00"):  # before the Annual Gathering, and after it
        assert feeds("build", "--site", example_site, "--now", now).code == 0
        page = _html(example_site / "public", EVENT + "index.html")
        links[now] = {a.get("class"): a.get("href") for a in page.xpath('//ul[@id="own"]/li/a')}
        buttons[now] = [a.get("href") for a in page.xpath('//ul[@class="buttons"]//a')]
        assert page.findtext('.//p[@id="google"]') == f"{links[now]['google']} {links[now]['outlook']} 3"
    assert buttons[EXAMPLE_NOW] == [links[EXAMPLE_NOW][name] for name in ("ics", "google", "outlook")]
    assert links[EXAMPLE_NOW]["google"].startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    assert buttons["2019-01-01T00:00:00+01:00"] == []  # over: the built-in page offers nothing to add
    assert links["2019-01-01T00:00:00+01:00"] == links[EXAMPLE_NOW]


def test_news_and_events_link_each_other(built_sites) -> None:
    output = built_sites["example"].output
    news = _html(output, NEWS + "index.html")
    [related] = news.xpath('//section[@class="related"]')
    assert [urljoin(BASE + NEWS, a.get("href")) for a in related.iter("a")] == [BASE + EVENT]
    event = _html(output, EVENT + "index.html")
    [related] = event.xpath('//section[@class="related"]')
    assert [urljoin(BASE + EVENT, a.get("href")) for a in related.iter("a")] == [BASE + NEWS]


def test_related_items_are_listed_newest_first_and_never_the_item_itself(example_site: Path, feeds) -> None:
    """An item's related news, those it links to and those linking to it, come newest first, as every
    other list of the site does, whatever the order of the links; its links to its own page (a
    footnote's, one to itself by its address) do not make it its own related item."""
    news = example_site / "content/news"
    (news / "2018-11-15-roundup.md").write_text(
        "---\ntitle: Roundup\ndate: 2018-11-15T10:00\n---\nSee [older](../older/) and [newer](../newer/).[^1]\n\n"
        "[^1]: This [very roundup](../roundup/).\n")
    (news / "2018-10-01-older.md").write_text("---\ntitle: Older\ndate: 2018-10-01T10:00\n---\nX.\n")
    (news / "2018-11-14-newer.md").write_text("---\ntitle: Newer\ndate: 2018-11-14T10:00\n---\nX.\n")
    (news / "2018-11-16-later.md").write_text(
        "---\ntitle: Later\ndate: 2018-11-16T10:00\n---\nAfter the [roundup](../roundup/).\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    page = _html(example_site / "public", "news/roundup/index.html")
    [related] = page.xpath('//section[@class="related"]')
    assert [a.text_content() for a in related.xpath(".//a[contains(@class, 'p-name')]")] == ["Later", "Newer", "Older"]


def test_every_page_has_canonical_open_graph_and_autodiscovery(built_sites) -> None:
    for name, base in (("example", BASE), ("large", LARGE)):
        output = built_sites[name].output
        for path in html_pages(output):
            head = _html(output, path).head
            alternates = set(head.xpath('link[@rel="alternate"]/@href'))
            assert {base + "feeds/atom.xml", base + "feeds/rss.xml", base + "feeds/feed.json",
                    base + "feeds/events.ics"} <= alternates, path
            if path == "404.html":
                assert head.xpath('meta[@name="robots"]/@content') == ["noindex"]
                continue
            [canonical] = head.xpath('link[@rel="canonical"]/@href')
            assert canonical == base + path.removesuffix("index.html"), path
            og = {meta.get("property"): meta.get("content") for meta in head.xpath("meta[@property]")}
            assert og["og:url"] == canonical and og["og:title"] and og["og:site_name"], path
    # A tag's page offers its own feeds first: a reader that subscribes to a page's first feed gets the tag.
    tag = _html(built_sites["example"].output, "tags/paris-call/index.html").head
    assert tag.xpath('link[@rel="alternate"]/@href')[:3] == [
        BASE + f"feeds/tags/paris-call/{name}" for name in ("atom.xml", "rss.xml", "feed.json")]


def test_sitemap_lists_every_page_and_robots_points_at_it(built_sites) -> None:
    for name, base in (("example", BASE), ("large", LARGE)):
        output = built_sites[name].output
        sitemap = lxml.etree.parse(str(output / "sitemap.xml"))
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        listed = sitemap.xpath("//s:loc/text()", namespaces=ns)
        pages = [base + p.removesuffix("index.html") for p in html_pages(output) if p != "404.html"]
        assert sorted(listed) == sorted(pages)
        assert "Sitemap: " + base + "sitemap.xml" in (output / "robots.txt").read_text()
    example = lxml.etree.parse(str(built_sites["example"].output / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    lastmod = {url.findtext("s:loc", namespaces=ns): url.findtext("s:lastmod", namespaces=ns)
               for url in example.xpath("//s:url", namespaces=ns)}
    assert lastmod[BASE + NEWS] == "2018-11-12T08:00:00Z"
    # A list changed when its newest item did: the event, announced half an hour after the news.
    assert lastmod[BASE + EVENT] == lastmod[BASE + "tags/cybersecurity/"] == lastmod[BASE + "archive/"] == "2018-11-12T08:30:00Z"


def test_a_page_showing_an_event_changed_when_the_event_ended(example_site: Path, feeds, tmp_path: Path) -> None:
    """Once the Annual Gathering is over, its page says so and the lists move it among the past events:
    the sitemap dates those pages at its end (midnight in Geneva after its last day), not at its
    announcement, so that search engines read them again; a page that shows no event keeps its date.
    A weekly series' page changed when its last date over ended, as its next dates moved on."""
    (example_site / "content/events/weekly.md").write_text(
        "---\ntitle: Weekly briefing\ndate: 2018-11-01T09:00:00+01:00\nstart: 2018-11-05T10:00\n"
        "end: 2018-11-05T11:00\nrrule: FREQ=WEEKLY;COUNT=10\ntags: [Briefings]\n---\nEvery Monday.\n", encoding="utf-8")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}

    def lastmod(now: str) -> dict[str, str]:
        output = tmp_path / now
        assert feeds("build", "--site", example_site, "--output", output, "--now", now).code == 0
        sitemap = lxml.etree.parse(str(output / "sitemap.xml"))
        return {url.findtext("s:loc", namespaces=ns).removeprefix(BASE): url.findtext("s:lastmod", namespaces=ns)
                for url in sitemap.xpath("//s:url", namespaces=ns)}

    before, after = lastmod(EXAMPLE_NOW), lastmod("2018-12-01T12:00:00+01:00")
    assert before[EVENT] == "2018-11-12T08:30:00Z"  # announced; on 20 November it is still to come
    for page in (EVENT, "", "events/", "archive/", "tags/cybersecurity/"):
        assert after[page] == "2018-11-27T23:00:00Z", page
    assert after[NEWS] == before[NEWS] == "2018-11-12T08:00:00Z"
    assert before["events/weekly/"] == "2018-11-19T10:00:00Z"  # its third Monday, 10:00 to 11:00 in Zurich
    assert after["events/weekly/"] == "2018-11-26T10:00:00Z"


def test_an_updated_news_item_says_when_it_was_published_and_when_it_changed(example_site: Path, feeds) -> None:
    (example_site / "content/news/changed.md").write_text(
        "---\ntitle: Changed\ndate: 2018-11-13T09:00:00+01:00\nupdated: 2018-11-15T16:30:00+01:00\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    page = _html(example_site / "public", "news/changed/index.html")
    graph = {meta.get("property"): meta.get("content") for meta in page.iter("meta") if meta.get("property")}
    data = _json_ld(example_site / "public", "news/changed/index.html")
    assert (graph["article:published_time"], graph["article:modified_time"]) == (
        data["datePublished"], data["dateModified"]) == ("2018-11-13T09:00:00+01:00", "2018-11-15T16:30:00+01:00")


def test_a_date_written_to_the_microsecond_is_published_to_the_second(example_site: Path, feeds) -> None:
    """As a script moving a site over writes dates (Python's isoformat): HTML's <time datetime> takes
    three digits of a second's fraction at most, and a page holding six is invalid."""
    (example_site / "content/news/moved.md").write_text(
        "---\ntitle: Moved\ndate: 2018-11-13T09:00:00.123456+01:00\nupdated: 2018-11-15T16:30:00.5+01:00\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    page = _html(example_site / "public", "news/moved/index.html")
    assert [time.get("datetime") for time in page.iter("time")] == ["2018-11-13T09:00:00+01:00", "2018-11-15T16:30:00+01:00"]
    entry = feedparser.parse((example_site / "public/feeds/atom.xml").read_bytes()).entries[0]
    assert (entry.published, entry.updated) == ("2018-11-13T09:00:00+01:00", "2018-11-15T16:30:00+01:00")


def test_a_sitemap_past_the_protocols_limits_is_an_index_of_several(example_site: Path, feeds, monkeypatch,
                                                                      tmp_path: Path) -> None:
    """A sitemap lists at most 50,000 URLs in at most 50 MB (sitemaps.org), which a newsroom of 100,000
    items passes: its sitemap.xml is then an index of sitemaps within both limits, which together
    list every page once, each dated by its newest page. Here the limits are lowered to 3 URLs and
    800 bytes to show it on the example newsroom."""
    from feeds.render import sitemap

    assert (sitemap.SITEMAP_URLS, sitemap.SITEMAP_BYTES) == (50_000, 50 * 1024 * 1024)
    assert feeds("build", "--site", example_site, "--output", tmp_path / "one", "--now", EXAMPLE_NOW).code == 0
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    single = lxml.etree.parse(str(tmp_path / "one/sitemap.xml"))
    pages = dict(zip(single.xpath("//s:url/s:loc/text()", namespaces=ns),
                     (url.findtext("s:lastmod", namespaces=ns) for url in single.xpath("//s:url", namespaces=ns))))
    monkeypatch.setattr(sitemap, "SITEMAP_URLS", 3)
    monkeypatch.setattr(sitemap, "SITEMAP_BYTES", 800)
    assert feeds("build", "--site", example_site, "--output", tmp_path / "split", "--now", EXAMPLE_NOW).code == 0
    index = lxml.etree.parse(str(tmp_path / "split/sitemap.xml")).getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    listed = []
    for entry in index.iterfind("s:sitemap", ns):
        part = tmp_path / "split" / entry.findtext("s:loc", namespaces=ns).removeprefix(BASE)
        urls = lxml.etree.parse(str(part)).getroot().findall("s:url", ns)
        assert 0 < len(urls) <= 3 and part.stat().st_size <= 800
        locs = [url.findtext("s:loc", namespaces=ns) for url in urls]
        assert entry.findtext("s:lastmod", namespaces=ns) == max(filter(None, (pages[loc] for loc in locs)))
        listed += locs
    assert listed == list(pages) and len(listed) > 6
    assert "Sitemap: " + BASE + "sitemap.xml" in (tmp_path / "split/robots.txt").read_text()


def test_index_shows_news_events_tags_and_subscribe(built_sites) -> None:
    index = _html(built_sites["example"].output, "index.html")
    news = index.get_element_by_id("news-heading").getparent()
    assert "Geneva, Switzerland · 12 November 2018" in " ".join(news.text_content().split())
    subscribe = index.get_element_by_id("subscribe")
    hrefs = {urljoin(BASE, a.get("href")) for a in subscribe.iter("a")}
    assert {BASE + "feeds/atom.xml", BASE + "feeds/rss.xml", BASE + "feeds/feed.json", BASE + "feeds/events.ics",
            "webcal://newsroom.example.org/feeds/events.ics"} <= hrefs
    google = next(h for h in hrefs if h.startswith("https://calendar.google.com/"))
    assert parse_qs(urlsplit(google).query)["cid"] == ["webcal://newsroom.example.org/feeds/events.ics"]
    outlook = next(h for h in hrefs if h.startswith("https://outlook.live.com/"))
    assert parse_qs(urlsplit(outlook).query)["url"] == [BASE + "feeds/events.ics"]
    tags = [a.text for a in index.get_element_by_id("tags-heading").getparent().iter("a")]
    assert tags == ["Centre for Cybersecurity", "Cybersecurity", "Paris Call"]
    large = _html(built_sites["large"].output, "index.html")
    past = large.get_element_by_id("past-heading").getparent()
    assert "Cancelled" in past.text_content()  # a cancelled event says so in the list


def test_site_templates_and_strings_override_the_built_in_ones(example_site: Path, feeds) -> None:
    templates = example_site / "templates"
    (templates / "strings").mkdir(parents=True)
    (templates / "404.html").write_text('{% extends "base.html" %}{% block main %}<h1>Perdu</h1>{% endblock %}\n')
    (templates / "strings/fr.toml").write_text('latest_news = "Dernières nouvelles"\n'
                                               'months = ["janvier", "février", "mars", "avril", "mai", "juin", '
                                               '"juillet", "août", "septembre", "octobre", "novembre", "décembre"]\n')
    config = example_site / "site.toml"
    config.write_text(config.read_text().replace('language = "en"', 'language = "fr"'))
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    index = _html(example_site / "public", "index.html")
    assert index.get_element_by_id("news-heading").text == "Dernières nouvelles"
    assert "12 novembre 2018" in index.text_content()
    assert index.get_element_by_id("past-heading").text == "Événements passés"  # the built-in French
    assert _html(example_site / "public", "404.html").findtext(".//h1") == "Perdu"


@pytest.mark.parametrize(("language", "words"), [
    ("fr", {"past": "Événements passés", "date": "12 novembre 2018", "feed": "Flux Atom\u202f: chaque nouvelle "
            "publication, dans tout lecteur de flux.", "title": "Centre for Cybersecurity Newsroom\u202f: Paris Call"}),
    ("de-CH", {"past": "Vergangene Veranstaltungen", "date": "12. November 2018", "feed": "Atom-Feed: jeder neue "
               "Beitrag, in jedem Feedreader.", "title": "Centre for Cybersecurity Newsroom: Paris Call"}),
])
def test_a_french_or_german_site_speaks_its_language_with_no_strings_of_its_own(
        example_site: Path, feeds, language: str, words: dict[str, str]) -> None:
    """feeds ships its words in French and German; a regional tag (de-CH) takes its language's."""
    config = example_site / "site.toml"
    config.write_text(config.read_text().replace('language = "en"', f'language = "{language}"'))
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--strict")
    assert result.code == 0, result.err
    index = _html(example_site / "public", "index.html")
    assert index.get_element_by_id("past-heading").text == words["past"]
    assert words["date"] in index.text_content()
    subscribe = index.get_element_by_id("subscribe-feeds").getparent()
    assert subscribe.xpath("string(.//li[1])") == words["feed"]  # the label joined as the language joins it
    tag_feed = feedparser.parse((example_site / "public/feeds/tags/paris-call/atom.xml").read_bytes())
    assert tag_feed.feed.title == words["title"]


def test_the_built_in_translations_give_every_word() -> None:
    import tomllib

    strings = ROOT / "templates/strings"
    english = tomllib.loads((strings / "en.toml").read_text(encoding="utf-8"))
    for language in ("fr", "de"):
        words = tomllib.loads((strings / f"{language}.toml").read_text(encoding="utf-8"))
        assert words.keys() == english.keys(), language
        assert words != english


def test_a_language_feeds_has_no_words_in_is_warned_of(example_site: Path, feeds) -> None:
    """Pages marked as Japanese would show English menus and dates: a warning at `language`, until
    the site translates them."""
    config = example_site / "site.toml"
    config.write_text(config.read_text().replace('language = "en"', 'language = "ja"'))
    line = 1 + config.read_text().splitlines().index('language = "ja"')
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0
    assert (f"site.toml:{line}: warning: language: the site's own words (menus, labels, dates) have no 'ja' "
            "translation: they stay English (hint: translate the built-in strings/en.toml into "
            "templates/strings/ja.toml") in result.err, result.err
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--strict").code == 1
    (example_site / "templates/strings").mkdir(parents=True)
    (example_site / "templates/strings/ja.toml").write_text('latest_news = "最新ニュース"\n', encoding="utf-8")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--strict")
    assert result.code == 0, result.err


def test_a_sites_macros_html_changes_the_macros_it_defines_and_keeps_the_others(example_site: Path, feeds) -> None:
    """A site that changes how a card looks writes that macro alone: the pages still show the built-in
    tag lists and badges, which its own macro may call too, and its errors keep their lines."""
    (example_site / "templates").mkdir()
    macros = example_site / "templates/macros.html"
    macros.write_text('{# Our cards #}\n{% macro card(item, level=3) %}\n<article class="ours">{{ item.title }}'
                      '{{ status_badge(item) if item.kind == "event" else "" }}</article>\n{% endmacro %}\n')
    event = example_site / "content/events/annual-gathering-2018.md"
    event.write_text(event.read_text().replace("start:", "status: postponed\nstart:"))
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    index = _html(example_site / "public", "index.html")
    cards = index.find_class("ours")
    assert [card.text.strip() for card in cards] == ["World Economic Forum joins the Paris Call for Trust and Security in "
                                             "Cyberspace", "Annual Gathering of the Centre for Cybersecurity"]
    assert cards[1].find_class("badge-postponed")  # a built-in macro, called from the site's
    assert not index.find_class("card")
    page = _html(example_site / "public", NEWS + "index.html")
    assert [a.text for a in page.find_class("item-tags")[0].iter("a")] == ["Centre for Cybersecurity", "Cybersecurity",
                                                                          "Paris Call"]  # item_tags, built in
    macros.write_text(macros.read_text().replace("{{ item.title }}", "{{ item.headline }}"))
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1 and "templates/macros.html:3: template error: " in result.err, result.err


def test_a_draft_shown_by_a_preview_is_marked_as_one(example_site: Path, feeds) -> None:
    """feeds serve --drafts shows drafts among the published items: each says it is one, on its page
    and its card, so that no one takes it for published."""
    (example_site / "content/news/wip.md").write_text("---\ntitle: Work in progress\ndate: 2018-11-19\ndraft: true\n"
                                                      "---\nNot yet.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--drafts").code == 0
    output = example_site / "public"
    page = _html(output, "news/wip/index.html")
    assert [badge.text for badge in page.find_class("badge-draft")] == ["Draft"]
    cards = {card.findtext(".//a").strip(): card for card in _html(output, "index.html").find_class("card")}
    assert cards["Work in progress"].find_class("badge-draft")
    assert not cards["World Economic Forum joins the Paris Call for Trust and Security in Cyberspace"].find_class(
        "badge-draft")
    assert not _html(output, NEWS + "index.html").find_class("badge-draft")


def test_every_template_has_item_none_where_it_renders_no_item(example_site: Path, feeds) -> None:
    base = (ROOT / "templates/base.html").read_text()
    (example_site / "templates").mkdir(exist_ok=True)
    (example_site / "templates/base.html").write_text(
        base.replace("</body>", '{% if item %}<p id="shown-item">{{ item.title }}</p>{% endif %}</body>'))
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    for path in ("404.html", "index.html", "tags/index.html", "feeds/index.html"):
        assert _html(example_site / "public", path).find('.//p[@id="shown-item"]') is None


def test_a_sites_template_can_build_on_the_built_in_one_of_its_name(example_site: Path, feeds, tmp_path: Path) -> None:
    """A site's base.html that changes one block extends builtin/base.html, the built-in template under
    the site's own of the same name, as a theme's child templates do; one extending base.html, itself,
    is told how."""
    (example_site / "templates").mkdir()
    own = example_site / "templates/base.html"
    own.write_text('{% extends "builtin/base.html" %}\n'
                   '{% block head %}<meta name="x-newsroom" content="{{ config.title }}">{{ super() }}{% endblock %}\n')
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    pages = sorted(path.relative_to(example_site / "public").as_posix()
                   for path in (example_site / "public").rglob("*.html"))
    assert {"archive/index.html", "tags/paris-call/index.html", "404.html"} <= set(pages)  # pages with a head of their own
    for path in pages:
        page = _html(example_site / "public", path)
        assert page.xpath('//meta[@name="x-newsroom"]/@content') == ["Centre for Cybersecurity Newsroom"], path
        assert page.find_class("site-header") and page.get_element_by_id("main") is not None, path  # the built-in rest
    assert feeds("check", "--site", example_site).code == 0
    own.write_text('{% extends "base.html" %}\n{% block head %}<meta name="x">{% endblock %}\n')
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1 and ('templates/base.html:1: template syntax: extends itself; to build on the '
                                 'built-in base.html, extend "builtin/base.html"') in result.err, result.err


def test_a_mistyped_string_is_located(example_site: Path, feeds) -> None:
    (example_site / "templates/strings").mkdir(parents=True)
    (example_site / "templates/strings/en.toml").write_text(
        '# ours\nlatest_nws = "News"\nmonths = ["Jan"]\ndate = "{jour} {month} {year}"\nby = "By {author"\n'
        'time = "{hour:02d}h{minute:02q}"\nfooter_feeds = "Feeds {RSS"\n')
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert "templates/strings/en.toml:2: latest_nws: unknown UI string" in result.err
    assert "templates/strings/en.toml:3: months: expected a list of 12" in result.err
    assert ("templates/strings/en.toml:4: date: uses {jour}, which it is not given "
            "(hint: its placeholders are {day}, {month}, {year}, {weekday}") in result.err
    assert "templates/strings/en.toml:5: by: cannot be filled in: expected '}' before end of string" in result.err
    assert "templates/strings/en.toml:6: time: cannot be filled in: Unknown format code 'q'" in result.err
    assert "footer_feeds" not in result.err  # never filled in: a brace is text


def test_a_mistyped_string_is_located_however_its_key_is_written(example_site: Path, feeds) -> None:
    """A quoted key, a dotted one and a table are TOML's too: each is reported at its line."""
    (example_site / "templates/strings").mkdir(parents=True)
    (example_site / "templates/strings/en.toml").write_text(
        '# ours\n"latest_nws" = "News"\n\'when\' = 3\nwhere.text = "Where"\n\n[status]\nword = "Status"\n')
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert "templates/strings/en.toml:2: latest_nws: unknown UI string" in result.err
    assert "templates/strings/en.toml:3: when: expected text" in result.err
    assert "templates/strings/en.toml:4: where: expected text" in result.err
    assert "templates/strings/en.toml:6: status: expected text" in result.err


def test_a_translation_may_use_whatever_the_code_fills_in(example_site: Path, feeds) -> None:
    """The weekday, say, which the English date leaves out; a regional file over its language's."""
    config = example_site / "site.toml"
    config.write_text(config.read_text().replace('language = "en"', 'language = "de-CH"'))
    (example_site / "templates/strings").mkdir(parents=True)
    (example_site / "templates/strings/de.toml").write_text('date = "{weekday}, {day}. {month} {year}"\nby = "Von"\n')
    (example_site / "templates/strings/de-CH.toml").write_text('by = "Von {author}"\n')
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    page = _html(example_site / "public", NEWS + "index.html")
    assert page.xpath('//time[@class="dt-published"]')[0].text == "Montag, 12. November 2018"  # the built-in German weekday
    assert "Von World Economic Forum" in page.text_content()


def test_every_string_the_code_fills_in_takes_what_it_is_given() -> None:
    import tomllib

    from feeds.strings import FILLED

    english = tomllib.loads((ROOT / "templates/strings/en.toml").read_text(encoding="utf-8"))
    for key, given in FILLED.items():
        english[key].format(**given)  # raises if the English uses what the code does not give


def test_a_fault_on_a_template_line_is_located_when_workers_render_it(tmp_path: Path, feeds) -> None:
    """An error raised on a template's line, by Jinja or by Python, names that line, from whichever
    process rendered the page (a site of 300 items renders its pages in workers)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from corpus import make_corpus

    site = tmp_path / "site"
    make_corpus(300, site)
    (site / "templates").mkdir()
    template = '{% extends "base.html" %}\n{% block main %}\n<h1>{{ 1 / 0 }}</h1>\n{% endblock %}\n'
    (site / "templates/news.html").write_text(template)
    result = feeds("build", "--site", site, "--now", "2030-01-01T00:00:00+00:00")
    assert result.code == 1
    assert "templates/news.html:3: template error: division by zero" in result.err


def broken_links(output: Path, base: str) -> list[tuple[str, str]]:
    """Every link and resource of every page that points inside the site at no file: (page, URL)."""
    broken = []
    for path in html_pages(output):
        if path == "404.html":
            continue  # served at any depth: its links start at the site's root path
        page_url = base + path.removesuffix("index.html")
        html = _html(output, path)
        urls = html.xpath("//a/@href | //link/@href | //img/@src | //script/@src | //source/@src")
        urls += [part.split()[0] for srcset in html.xpath("//@srcset") for part in srcset.split(",")]
        for url in urls:
            target = urljoin(page_url, url)
            if not target.startswith(base):
                continue
            local = unquote(urlsplit(target).path.removeprefix(urlsplit(base).path))
            if not (output / local).is_file() and not (output / local / "index.html").is_file():
                broken.append((path, url))
    return broken


def test_no_page_links_inside_the_site_to_a_missing_file(built_sites) -> None:
    for built, base in ((built_sites["example"], BASE), (built_sites["large"], LARGE)):
        assert broken_links(built.output, base) == []


def test_no_missing_file_is_linked_without_events_in_the_feeds_or_with_images(example_site: Path, feeds) -> None:
    """A tag only events have gets no feed when the feeds leave events out (its calendar alone), and its
    page links none; an item's image in the site is found from its page."""
    config = example_site / "site.toml"
    config.write_text(config.read_text().replace("include_events = true", "include_events = false"))
    (example_site / "templates/static/images").mkdir(parents=True)
    (example_site / "templates/static/images/photo.png").write_bytes(b"\x89PNG picture")
    (example_site / "content/events/meetup.md").write_text(
        "---\ntitle: Meetup\nstart: 2018-12-03\nlocation: Bern\ntags: [meetups]\n---\nA meetup.\n")
    (example_site / "content/news/photo.md").write_text(
        "---\ntitle: Photo\ndate: 2018-11-13\nimage: static/images/photo.png\nimage_alt: A photo\n---\nA photo.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    output = example_site / "public"
    assert [path.name for path in (output / "feeds/tags/meetups").iterdir()] == ["events.ics"]
    assert (output / "tags/meetups/index.html").is_file()
    assert _html(output, "news/photo/index.html").xpath('//img[contains(@class, "u-photo")]/@src') == [
        "../../static/images/photo.png"]
    assert broken_links(output, BASE) == []


def test_an_editors_lock_link_among_the_templates_is_no_template(example_site: Path, feeds) -> None:
    (example_site / "templates").mkdir()
    (example_site / "templates/.#index.html").symlink_to("user@host.1234:1700000000")  # dangling, as Emacs leaves it
    for command in ("check", "build"):
        result = feeds(command, "--site", example_site, "--now", EXAMPLE_NOW)
        assert result.code == 0, result.err


def test_every_page_of_a_list_has_its_own_title(example_site: Path, feeds) -> None:
    for n in range(25):
        (example_site / f"content/news/bulk-{n:02d}.md").write_text(
            f"---\ntitle: Bulk {n}\ndate: 2018-10-{n + 1:02d}\ntags: [bulk]\n---\nItem {n}.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    output = example_site / "public"
    lists = [p for p in html_pages(output) if p.startswith(("archive/", "tags/bulk/"))]
    assert "tags/bulk/page/2/index.html" in lists and "archive/page/2/index.html" in lists
    titles = [_html(output, path).findtext(".//title") for path in lists]
    assert len(set(titles)) == len(titles), titles
    assert _html(output, "tags/bulk/page/2/index.html").findtext(".//h1") == "Tagged “bulk” (Page 2 of 2)"


def test_pages_settings_size_every_list_and_the_front_pages_lists(example_site: Path, feeds) -> None:
    """[pages] per_page sizes the archive, the news, the events and each tag's pages; front_page the
    front page's lists. Read back as microformats: the entries each page lists, and its rel=next."""
    for n in range(7):
        (example_site / f"content/news/bulk-{n}.md").write_text(
            f"---\ntitle: Bulk {n}\ndate: 2018-10-{n + 1:02d}\ntags: [bulk]\n---\nItem {n}.\n")
    with (example_site / "site.toml").open("a") as settings:
        settings.write("\n[pages]\nper_page = 3\nfront_page = 2\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    output = example_site / "public"

    def pages_of(first: str) -> list[int]:
        """How many entries each page of a list shows, following rel=next from its first page."""
        counts, path = [], first
        while path:
            parsed = _mf2(output, path + "index.html", BASE)
            counts.append(len(_h_feed(parsed)["children"]))
            following = parsed["rels"].get("next", [])
            path = urlsplit(following[0]).path.lstrip("/") if following else ""
        return counts

    assert pages_of("archive/") == [3, 3, 3]  # 9 items: the example's two and seven more
    assert pages_of("news/") == [3, 3, 2]
    assert pages_of("tags/bulk/") == [3, 3, 1]
    news = _html(output, "index.html").get_element_by_id("news-heading").getparent()
    assert [a.text for a in news.xpath(".//h3/a")] == ["World Economic Forum joins the Paris Call for Trust and Security in Cyberspace",
                                                        "Bulk 6"]


def test_an_item_in_another_language_is_marked_so_wherever_it_is_shown(example_site: Path, feeds) -> None:
    (example_site / "content/news/geneve.md").write_text(
        "---\ntitle: Genève\ndate: 2018-11-13\nlang: fr-CH\n---\nLe Forum à Genève.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    output = example_site / "public"
    for path in ("index.html", "archive/index.html"):
        [card] = [a for a in _html(output, path).iter("article") if "Genève" in a.text_content()]
        assert card.xpath('.//*[@lang="fr-CH"]/text()') == ["Genève", "Le Forum à Genève."], path  # title, summary
        assert card.xpath('.//*[@lang and not(@lang="fr-CH")]') == [], path  # the date and "News" are the site's
    page = _html(output, "news/geneve/index.html")
    assert page.xpath('//meta[@property="og:locale"]/@content') == ["fr_CH"]
    [article] = page.xpath("//article")
    assert [(e.tag, e.get("class")) for e in article.xpath('.//*[@lang="fr-CH"]')] == [
        ("h1", "p-name"), ("data", "p-summary"), ("div", "e-content body")]
    # The words around the item's own are the site's, in English: the kicker, the date line, the tags' heading.
    assert article.get("lang") is None and "News" in article.find_class("kicker")[0].text_content()
    # English without a region has no Open Graph locale (language_TERRITORY): none is given.
    assert _html(output, NEWS + "index.html").xpath('//meta[@property="og:locale"]') == []


def test_tags_keep_their_written_names_and_a_shared_slug_is_reported(example_site: Path, feeds) -> None:
    """A tag's slug names its pages and feeds; everywhere people read it, it is as written. Tags in
    other words that give one slug share a page, which a warning says; one with no slug is an error."""
    news = example_site / "content/news"
    (news / "2018-11-13-a.md").write_text("---\ntitle: A\ndate: 2018-11-13T09:00:00+01:00\n"
                                          "tags: [C++, 東京, Paris Call]\n---\nA.\n", encoding="utf-8")
    (news / "2018-11-14-b.md").write_text("---\ntitle: B\ndate: 2018-11-14T09:00:00+01:00\n"
                                          "tags: [C#, paris call, Paris Call]\n---\nB.\n", encoding="utf-8")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    assert "content/news/2018-11-13-a.md:4: warning: tags: 'C++' shares the page tags/c/ with 'C#'" in result.err
    assert "paris" not in result.err  # the same words, written in another case, are the same tag
    out = example_site / "public"
    page = lxml.html.parse(str(out / "news/a/index.html")).getroot()
    links = {a.text_content(): a.get("href") for a in page.iter("a") if "p-category" in a.classes}
    assert links == {"C++": "../../tags/c/", "Paris Call": "../../tags/paris-call/", "東京": "../../tags/東京/"}
    tag_page = lxml.html.parse(str(out / "tags/paris-call/index.html")).getroot()
    assert "Paris Call" in tag_page.findtext(".//h1")  # the way most items write it
    entry = next(e for e in feedparser.parse(str(out / "feeds/atom.xml")).entries if e.title == "A")
    assert [t.term for t in entry.tags] == ["C++", "Paris Call", "東京"]  # in slug order: c, paris-call, 東京
    assert feedparser.parse(str(out / "feeds/tags/paris-call/atom.xml")).feed.title.endswith(": Paris Call")
    feed = json.loads((out / "feeds/feed.json").read_text(encoding="utf-8"))
    assert next(i for i in feed["items"] if i["title"] == "B")["tags"] == ["C#", "paris call"]

    (news / "2018-11-15-c.md").write_text("---\ntitle: C\ndate: 2018-11-15T09:00:00+01:00\n"
                                          "tags: [🚀]\n---\nC.\n", encoding="utf-8")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert "content/news/2018-11-15-c.md:4: tags: '🚀' gives no slug" in result.err


def test_a_tag_written_in_either_unicode_form_is_one_tag_named_alike_everywhere(example_site: Path, feeds) -> None:
    """Café with its é as one character (NFC) or as e and an accent (NFD, as a Mac may give it) is the
    same text: one tag, without a warning that it shares its page with itself, and one category to
    the feed readers that match them by their text."""
    news = example_site / "content/news"
    (news / "a.md").write_text("---\ntitle: A\ndate: 2018-11-13T09:00:00+01:00\ntags: [Caf\u00e9]\n---\nA.\n")
    (news / "b.md").write_text("---\ntitle: B\ndate: 2018-11-14T09:00:00+01:00\ntags: [Cafe\u0301]\n---\nB.\n")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0 and result.err == "", result.err
    entries = feedparser.parse(str(example_site / "public/feeds/atom.xml")).entries
    assert {entry.title: [tag.term for tag in entry.tags] for entry in entries if entry.title in ("A", "B")} == {
        "A": ["Caf\u00e9"], "B": ["Caf\u00e9"]}


def test_a_language_tag_is_checked(example_site: Path, feeds) -> None:
    config = example_site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('language = "en"', 'language = "fr_CH"'), encoding="utf-8")
    result = feeds("check", "--site", example_site)
    assert result.code == 1 and "site.toml:5: language: not a language tag: 'fr_CH' (hint: did you mean 'fr-CH'?)" in result.err


def test_news_and_events_have_pages_of_their_own(built_sites) -> None:
    """news/ lists the news alone, newest first; events/ every event, upcoming soonest first, then the
    past ones newest first; the front page links to events/."""
    output = built_sites["large"].output

    def titles(first: str) -> list[str]:
        found, path = [], first
        while path:
            page = _html(output, path + "index.html")
            found += [a.text for card in page.iter("article") for a in card.find_class("u-url")]
            older = page.xpath('//a[@rel="next"]/@href')
            path = urljoin(path, older[0]) if older else ""
        return found

    news = titles("news/")
    assert len(news) == NEWS_COUNT and all(title.startswith("Test news item") for title in news)
    events = titles("events/")
    assert sorted(events) == sorted(f"Test event number {n}" for n in range(EVENT_COUNT))
    site = load_site(built_sites["large"].site, BuildOptions(now=datetime.fromisoformat(LARGE_NOW))).site
    assert events == [e.title for e in (*site.upcoming, *site.past)] and site.upcoming and site.past
    assert "./events/" in _html(output, "index.html").xpath('//p[@class="more"]/a/@href')


def test_the_sites_own_images_carry_their_width_and_height(example_site: Path, feeds) -> None:
    """A page keeps the place of each of the site's images before it loads (no layout shift), and a
    link preview knows the picture's shape: the size is read from the file, a writer's own is kept."""
    news = with_news_photo(example_site, 120, 80)
    (example_site / "templates/static/images/chart one.png").write_bytes(png(300, 100))
    body = ("\n![A chart](../../static/images/chart%20one.png)\n\n"
            '<img src="https://newsroom.example.org/static/images/photo.png" alt="Sized by hand" width="60">\n\n'
            "![Elsewhere](https://cdn.example.org/photo.png)\n")
    news.write_text(news.read_text(encoding="utf-8") + body, encoding="utf-8")
    event = example_site / "content/events/annual-gathering-2018.md"
    event.write_text(event.read_text(encoding="utf-8") + body, encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    output = example_site / "public"
    for path in (NEWS + "index.html", EVENT + "index.html"):
        sizes = {img.get("alt"): (img.get("width"), img.get("height")) for img in _html(output, path).iter("img")}
        assert sizes["A chart"] == ("300", "100"), path
        assert sizes["Sized by hand"] == ("60", None), path  # as written: the browser keeps the ratio itself
        assert sizes["Elsewhere"] == (None, None), path  # another site's: its size is not known
    news_page = _html(output, NEWS + "index.html")
    [hero] = news_page.find_class("u-photo")
    assert (hero.get("width"), hero.get("height")) == ("120", "80")
    graph = {meta.get("property"): meta.get("content") for meta in news_page.iter("meta") if meta.get("property")}
    assert (graph["og:image:width"], graph["og:image:height"]) == ("120", "80")


def test_a_news_items_photo_is_previewed_large_where_its_link_is_shared(example_site: Path, feeds) -> None:
    """X reads Open Graph's title, description and image, but shows the image large only when the page
    asks for that card by name; a page without a photo of its own leaves it to the summary card."""
    with_news_photo(example_site, 1200, 630)
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    output = example_site / "public"
    head = _html(output, NEWS + "index.html").head
    assert head.xpath('meta[@name="twitter:card"]/@content') == ["summary_large_image"]
    assert head.xpath('meta[@property="og:image"]/@content') == [BASE + "static/images/photo.png"]
    for path in html_pages(output):
        if path != NEWS + "index.html":
            assert _html(output, path).head.xpath('meta[@name="twitter:card"]') == [], path


def test_an_events_poster_is_shown_on_its_page_and_previewed_as_a_news_items_photo(example_site: Path, feeds) -> None:
    """An event's image (a poster, the venue) is on its page below the time and place, with its alt
    text and its size read from the file; link previews show it large with that size and alt, and
    search engines find it in the page's schema.org Event."""
    with_event_photo(example_site, 1200, 630)
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--strict").code == 0
    output, poster = example_site / "public", BASE + "static/images/poster.png"
    page = _html(output, EVENT + "index.html")
    [hero] = page.find_class("u-photo")
    assert urljoin(BASE + EVENT, hero.get("src")) == poster and (output / "static/images/poster.png").is_file()
    assert (hero.get("alt"), hero.get("width"), hero.get("height")) == ("The gathering's poster", "1200", "630")
    assert hero.getprevious().tag == "dl" and "facts" in hero.getprevious().classes  # below the time and place
    graph = {meta.get("property"): meta.get("content") for meta in page.head.iter("meta") if meta.get("property")}
    assert (graph["og:image"], graph["og:image:width"], graph["og:image:height"], graph["og:image:alt"]) == (
        poster, "1200", "630", "The gathering's poster")
    assert page.head.xpath('meta[@name="twitter:card"]/@content') == ["summary_large_image"]
    data = _json_ld(output, EVENT + "index.html")
    assert data["@type"] == "Event" and data["image"] == [poster]
    [event, *_] = _mf2(output, EVENT + "index.html", BASE)["items"]
    assert event["type"] == ["h-event"] and event["properties"]["photo"] == [
        {"value": poster, "alt": "The gathering's poster"}]
    assert _html(output, NEWS + "index.html").head.xpath('meta[@name="twitter:card"]') == []  # the news has none


def _built_picture(example_site: Path, feeds, picture: str) -> lxml.html.HtmlElement:
    """The <picture> of the news page, built with `picture` (its sources and <img>) at the end of its
    body and three images of the site: wide.png (400×100), wide-2x.png (800×200), square.png (90×90)."""
    images = example_site / "templates/static/images"
    images.mkdir(parents=True)
    (images / "wide.png").write_bytes(png(400, 100))
    (images / "wide-2x.png").write_bytes(png(800, 200))
    (images / "square.png").write_bytes(png(90, 90))
    news = example_site / "content/news/2018-11-12-forum-joins-paris-call.md"
    news.write_text(news.read_text(encoding="utf-8") + f"\n<picture>{picture}</picture>\n", encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    [built] = _html(example_site / "public", NEWS + "index.html").iter("picture")
    return built


def _source_sizes(picture: lxml.html.HtmlElement) -> list[tuple[str | None, str | None]]:
    return [(source.get("width"), source.get("height")) for source in picture.iter("source")]


def test_an_art_directed_picture_gives_each_source_its_own_size(example_site: Path, feeds) -> None:
    """A <picture> shows a wide image on wide screens and a square one elsewhere: each <source> carries
    the size of its own image (browsers take the chosen source's), the <img> that of its src."""
    picture = _built_picture(example_site, feeds, (
        '<source media="(min-width: 40em)" srcset="../../static/images/wide.png 1x, ../../static/images/wide-2x.png 2x">'
        '<source srcset="https://cdn.example.org/other.png"><img src="../../static/images/square.png" alt="A square">'))
    assert _source_sizes(picture) == [
        ("400", "100"),  # its first candidate's: the others are the same picture at other densities
        (None, None)]  # another site's
    [img] = picture.iter("img")
    assert (img.get("width"), img.get("height")) == ("90", "90")


def test_a_source_whose_first_candidate_is_for_a_denser_screen_has_its_size_in_css_pixels(example_site: Path,
                                                                                            feeds) -> None:
    """An 800-pixel image given for 2x screens is drawn 400 CSS pixels wide: a source whose srcset lists
    it first has width 400, as one listing the 1x image first has (a `w` candidate's size is its own)."""
    picture = _built_picture(example_site, feeds, (
        '<source media="(min-width: 40em)" srcset="../../static/images/wide-2x.png 2x, ../../static/images/wide.png 1x">'
        '<source media="(min-width: 30em)" srcset="../../static/images/wide-2x.png 1.5x">'
        '<source srcset="../../static/images/wide-2x.png 800w, ../../static/images/wide.png 400w" sizes="50vw">'
        '<img src="../../static/images/square.png" alt="A square">'))
    assert _source_sizes(picture) == [("400", "100"), ("533", "133"), ("800", "200")]


def test_a_photo_turned_by_its_exif_has_the_size_it_is_shown_at(example_site: Path, feeds) -> None:
    """A camera's portrait photo is stored on its side with an EXIF orientation, which browsers follow:
    its width and height are those of the turned picture, or the page would squash it."""
    images = example_site / "templates/static/images"
    images.mkdir(parents=True)
    (images / "portrait.jpg").write_bytes(exif_jpeg_header(120, 80, orientation=6))
    news = example_site / "content/news/2018-11-12-forum-joins-paris-call.md"
    news.write_text(news.read_text(encoding="utf-8").replace(
        "author:", "image: static/images/portrait.jpg\nimage_alt: A portrait\nauthor:", 1), encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    [hero] = _html(example_site / "public", NEWS + "index.html").find_class("u-photo")
    assert (hero.get("width"), hero.get("height")) == ("80", "120")


def test_an_svgs_size_is_its_own_in_whole_pixels_or_none(example_site: Path, feeds) -> None:
    """An SVG's width and height are those of its root element, in whole pixels as HTML requires them
    (never 100.0); one with a viewBox alone has no size of its own, and gets none, not that of the
    first shape inside it."""
    images = example_site / "templates/static/images"
    images.mkdir(parents=True)
    (images / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50px">'
                                     '<rect width="10" height="10"/></svg>', encoding="utf-8")
    (images / "mark.svg").write_text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
                                     'viewBox="0 0 100 50"><rect width="10" height="10"/></svg>', encoding="utf-8")
    news = example_site / "content/news/2018-11-12-forum-joins-paris-call.md"
    text = news.read_text(encoding="utf-8").replace("author:", "image: static/images/logo.svg\nimage_alt: A logo\nauthor:", 1)
    news.write_text(text + "\n![A mark](../../static/images/mark.svg)\n", encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    page = _html(example_site / "public", NEWS + "index.html")
    sizes = {img.get("alt"): (img.get("width"), img.get("height")) for img in page.iter("img")}
    assert sizes["A logo"] == ("100", "50")
    assert sizes["A mark"] == (None, None)
    graph = {meta.get("property"): meta.get("content") for meta in page.iter("meta") if meta.get("property")}
    assert (graph["og:image:width"], graph["og:image:height"]) == ("100", "50")


def test_every_list_page_has_a_description_of_its_own(built_sites) -> None:
    """Pages that share a description are taken by search engines for copies of one another: each
    page of the archive, the news, the events and each tag's list says which it is."""
    output = built_sites["large"].output
    lists = [path for path in output.rglob("index.html")
             if path.relative_to(output).parts[0] in ("archive", "news", "events", "tags")
             and (len(path.relative_to(output).parts) == 2 or "page" in path.relative_to(output).parts
                  or path.relative_to(output).parts[0] == "tags")]
    described = {}
    for path in lists:
        [description] = lxml.html.parse(str(path)).getroot().head.xpath('meta[@name="description"]/@content')
        described.setdefault(description, []).append(path.relative_to(output).as_posix())
    assert len(lists) > 10 and "tags/index.html" in {p for paths in described.values() for p in paths}
    assert {d: paths for d, paths in described.items() if len(paths) > 1} == {}


def test_a_bodys_images_load_lazily_and_the_lead_image_at_once(example_site: Path, feeds) -> None:
    """Charts and photos down a release cost a phone nothing until read to; the lead image (`image:`),
    at the top, loads at once; a writer's own loading="eager" is kept."""
    news = with_news_photo(example_site, 120, 80)
    news.write_text(news.read_text(encoding="utf-8") + "\n![A chart](../../static/images/photo.png)\n\n"
                    '<img src="https://cdn.example.org/map.png" alt="A map" loading="eager">\n', encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    page = _html(example_site / "public", NEWS + "index.html")
    loading = {img.get("alt"): img.get("loading") for img in page.iter("img")}
    assert loading == {"A room": None, "A chart": "lazy", "A map": "eager"}, loading
    chart = next(img for img in page.iter("img") if img.get("alt") == "A chart")
    assert chart.get("width") and chart.get("height")  # sized as before


def test_an_event_online_from_the_start_is_a_virtual_location(example_site: Path, feeds) -> None:
    """location: Online, as the lint suggests for an event without a place, is no address: search
    engines are told of an online event at its url, not of a place called Online."""
    event = example_site / "content/events/annual-gathering-2018.md"
    text = event.read_text(encoding="utf-8")
    start = text.index("location:")
    end = text.index("summary:")
    event.write_text(text[:start] + "location: Online\nurl: https://meet.example.org/gathering\n" + text[end:],
                     encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    data = _json_ld(example_site / "public", "events/annual-gathering-2018/index.html")
    assert data["location"] == {"@type": "VirtualLocation", "url": "https://meet.example.org/gathering"}
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"


def test_an_item_without_an_image_is_previewed_with_the_sites_logo(example_site: Path, feeds) -> None:
    """Link previews of a release or an event with no image of its own show the site's logo, as the
    lists' do, in X's small card."""
    (example_site / "templates/static/images").mkdir(parents=True)
    (example_site / "templates/static/images/logo.png").write_bytes(png(200, 100))
    config = example_site / "site.toml"
    config.write_text(config.read_text().replace("[feeds]\n", '[feeds]\nlogo = "static/images/logo.png"\n'))
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    for path in NEWS + "index.html", EVENT + "index.html":
        head = _html(example_site / "public", path).head
        assert head.xpath('meta[@property="og:image"]/@content') == [BASE + "static/images/logo.png"], path
        assert head.xpath('meta[@property="og:image:width"]/@content') == ["200"], path
        assert head.xpath('meta[@name="twitter:card"]/@content') == ["summary"], path


def test_a_series_that_leaves_out_its_last_date_is_over_after_the_last_date_kept(example_site: Path, feeds) -> None:
    """The last date called off with exdate: once the date before it has passed, the series is over
    (listed with the past events, its page saying it has taken place), not upcoming until the
    cancelled date."""
    (example_site / "content/events/weekly.md").write_text(
        "---\ntitle: Weekly\ndate: 2018-10-01T09:00\nstart: 2018-11-01T10:00\nend: 2018-11-01T11:00\n"
        "timezone: Europe/Zurich\nrrule: FREQ=WEEKLY;COUNT=4\nexdate: [2018-11-22T10:00]\nlocation: Bern\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0  # 20 Nov: the 15th was the last
    output = example_site / "public"
    index = _html(output, "index.html")
    past = {a.text for a in index.xpath('//section[@aria-labelledby="past-heading"]//a[contains(@class, "p-name")]')}
    upcoming = {a.text for a in index.xpath('//section[@aria-labelledby="upcoming-heading"]//a[contains(@class, "p-name")]')}
    assert "Weekly" in past and "Weekly" not in upcoming
    note = _html(output, "events/weekly/index.html").find_class("note")
    assert note and "taken place" in note[0].text_content()
    # Its last date is the last one kept, on its page and card and in its feed entry, as in its status.
    [repeats] = _html(output, "events/weekly/index.html").find_class("repeats")
    assert repeats.text_content() == "The first date; it repeats until 15 November 2018."
    [card] = [a for a in index.iter("article") if "Weekly" in a.text_content()]
    assert card.find_class("repeats")[0].text_content() == "The first date; it repeats until 15 November 2018."
    [entry] = [e for e in feedparser.parse((output / "feeds/atom.xml").read_bytes()).entries if e.title == "Weekly"]
    assert "it repeats until 15 November 2018." in lxml.html.fromstring(entry.content[0].value).text_content()
