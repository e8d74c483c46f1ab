"""Atom, RSS and JSON Feed: every field, read back by feedparser and by feedsmith under node,
on the example newsroom and on a larger one with archives, tricky titles and images."""

from __future__ import annotations

import calendar
import json
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin

import icalendar
import jsonschema
import lxml.html
import pytest
from conftest import EXAMPLE_NOW, translated, tree_bytes
from feed_readers import (
    feedparse,
    feedsmith,
    links,
    smith_entries,
    smith_id,
    smith_links,
)
from lxml import etree
from newsroom import (
    BASE,
    EVENT_IMAGES,
    HUB,
    IMAGES,
    LIMIT,
    NEWS,
    news_files,
    write_newsroom,
)

from feeds.render.channels import tag_feed_paths

SCHEMA = json.loads((Path(__file__).parent / "jsonfeed-1.1.schema.json").read_text())
EXAMPLE_BASE = "https://newsroom.example.org/"
BIG_NOW = "2019-02-01T00:00:00+01:00"
HISTORY_NS = "http://purl.org/syndication/history/1.0"


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The larger test newsroom, built once for this module."""
    from feeds.cli import main

    site = write_newsroom(tmp_path_factory.mktemp("big") / "site")
    assert main(["build", "--site", str(site), "--now", BIG_NOW]) == 0
    return site / "public"


def absolute_urls(html: str) -> list[str]:
    """Every href, src and srcset URL in an HTML fragment."""
    urls = []
    for element in lxml.html.fragment_fromstring(html, create_parent="div").iter():
        urls += [element.get(name) for name in ("href", "src") if element.get(name) is not None]
        urls += [candidate.split()[0] for candidate in element.get("srcset", "").split(",") if candidate.strip()]
    return urls


def contents(out: Path, title: str) -> dict[str, lxml.html.HtmlElement]:
    """An entry's HTML content in each format, as feedparser (Atom content, RSS content:encoded, or
    <description> for an item without a summary) and json (content_html) read it, each parsed inside a
    <div> of its own."""
    found = {}
    for fmt, name in (("atom", "atom.xml"), ("rss", "rss.xml")):
        [entry] = [e for e in feedparse(out / "feeds" / name).entries if e.title == title]
        found[fmt] = entry.content[0].value if "content" in entry else entry.summary
    [item] = [i for i in json.loads((out / "feeds/feed.json").read_bytes())["items"] if i["title"] == title]
    found["json"] = item["content_html"]
    return {fmt: lxml.html.fragment_fromstring(html, create_parent="div") for fmt, html in found.items()}


def utc(text_or_struct) -> int:
    if isinstance(text_or_struct, str):
        return int(datetime.fromisoformat(text_or_struct).timestamp())
    return calendar.timegm(text_or_struct)


# The example newsroom


def test_example_feeds_in_three_formats(example_output: Path) -> None:
    feeds = example_output / "feeds"
    atom, rss = feedparse(feeds / "atom.xml"), feedparse(feeds / "rss.xml")
    smith = {doc["format"]: doc for doc in feedsmith(feeds / "atom.xml", feeds / "rss.xml", feeds / "feed.json")}
    news_id = "tag:newsroom.example.org,2018-11-12:news/forum-joins-paris-call"
    event_id = "tag:newsroom.example.org,2018-11-12:events/annual-gathering-2018"
    for parsed in (atom, rss):
        assert {e.id for e in parsed.entries} == {news_id, event_id}
        news = next(e for e in parsed.entries if e.id == news_id)
        assert news.link == EXAMPLE_BASE + "news/forum-joins-paris-call/"
        assert news.author == "World Economic Forum"
        assert {t.term for t in news.tags} == {"Cybersecurity", "Paris Call", "Centre for Cybersecurity"}
        assert news.summary.startswith("The Forum, through its Centre for Cybersecurity")
        assert all(url.startswith(EXAMPLE_BASE) for url in absolute_urls(news.content[0].value))
        assert utc(news.published_parsed) == utc("2018-11-12T09:00:00+01:00")
    assert atom.feed.title == rss.feed.title == "Centre for Cybersecurity Newsroom"
    assert links(atom)["self"] == EXAMPLE_BASE + "feeds/atom.xml"
    assert links(rss)["self"] == EXAMPLE_BASE + "feeds/rss.xml"
    assert rss.feed.link == EXAMPLE_BASE
    for fmt in ("atom", "rss", "json"):
        ids = [smith_id(smith[fmt], e) for e in smith_entries(smith[fmt])]
        assert sorted(ids) == sorted([news_id, event_id]), fmt
    json_feed = json.loads((feeds / "feed.json").read_bytes())
    jsonschema.validate(json_feed, SCHEMA)
    assert json_feed["feed_url"] == EXAMPLE_BASE + "feeds/feed.json"


def test_the_event_entry_says_when_and_where(example_output: Path) -> None:
    atom = feedparse(example_output / "feeds/atom.xml")
    event = next(e for e in atom.entries if "events/" in e.id)
    assert event.link == EXAMPLE_BASE + "events/annual-gathering-2018/"
    text = lxml.html.fromstring(event.content[0].value).text_content()
    assert "26 November 2018 – 27 November 2018 (all day, Europe/Zurich)" in text
    assert "World Economic Forum, Geneva, Switzerland" in text


def test_an_event_written_in_utc_is_announced_in_its_own_zone(example_site: Path, feeds) -> None:
    (example_site / "content/events/webinar.md").write_text(
        "---\ntitle: Webinar\ndate: 2018-11-15T09:00\nstart: 2018-12-05T15:00:00Z\nend: 2018-12-05T16:30:00Z\n"
        "timezone: Europe/Zurich\nlocation: Online\n---\nGiven in UTC, held from Geneva.\n", encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    atom = feedparse(example_site / "public/feeds/atom.xml")
    [webinar] = [e for e in atom.entries if e.link == EXAMPLE_BASE + "events/webinar/"]
    text = lxml.html.fromstring(webinar.content[0].value).text_content()
    assert "5 December 2018, 16:00–17:30 (Europe/Zurich, UTC+01:00)" in text  # as the event's page says


def test_an_event_that_summer_time_begins_during_is_announced_with_both_offsets(example_site: Path, feeds) -> None:
    (example_site / "content/events/weekend.md").write_text(
        "---\ntitle: Weekend\ndate: 2018-11-15T09:00\nstart: 2019-03-30T10:00\nend: 2019-03-31T17:00\n"
        "location: Geneva\n---\nTwo days.\n", encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    [weekend] = [e for e in feedparse(example_site / "public/feeds/atom.xml").entries if e.title == "Weekend"]
    text = lxml.html.fromstring(weekend.content[0].value).text_content()
    assert "30 March 2019, 10:00 – 31 March 2019, 17:00 (Europe/Zurich, UTC+01:00 – UTC+02:00)" in text


def test_a_series_entry_says_until_when_it_repeats_in_every_format(example_site: Path, feeds) -> None:
    (example_site / "content/events/briefing.md").write_text(
        "---\ntitle: Briefing\ndate: 2018-11-15T09:00\nstart: 2018-12-04T18:00\nend: 2018-12-04T20:00\n"
        "rrule: FREQ=MONTHLY;BYDAY=1TU;COUNT=12\nlocation: Geneva\n---\nMonthly.\n", encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    feeds_dir = example_site / "public/feeds"
    [atom] = [e for e in feedparse(feeds_dir / "atom.xml").entries if e.title == "Briefing"]
    [rss] = [e for e in feedparse(feeds_dir / "rss.xml").entries if e.title == "Briefing"]
    [item] = [i for i in json.loads((feeds_dir / "feed.json").read_bytes())["items"] if i["title"] == "Briefing"]
    for html in (atom.content[0].value, rss.content[0].value, item["content_html"]):
        text = lxml.html.fromstring(html).text_content()
        assert "4 December 2018, 18:00–20:00 (Europe/Zurich, UTC+01:00) The first date; it repeats until 5 November 2019." in text


def test_a_series_that_leaves_out_its_start_is_announced_from_its_first_date_kept(example_site: Path, feeds) -> None:
    (example_site / "content/events/weekly.md").write_text(  # 25 March 2018 is the first day of summer time
        "---\ntitle: Weekly\ndate: 2018-03-01T09:00\nstart: 2018-03-18T10:00\nend: 2018-03-18T11:00\n"
        "timezone: Europe/Zurich\nrrule: FREQ=WEEKLY;COUNT=4\nexdate: [2018-03-18T10:00]\nlocation: Bern\n---\nX.\n")
    (example_site / "content/events/days.md").write_text(
        "---\ntitle: Days\ndate: 2018-09-01T09:00\nstart: 2018-10-01\nend: 2018-10-02\n"
        "rrule: FREQ=WEEKLY;COUNT=3\nexdate: [2018-10-01]\nlocation: Bern\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    entries = {e.title: e for e in feedparse(example_site / "public/feeds/atom.xml").entries}
    weekly = lxml.html.fromstring(entries["Weekly"].content[0].value)
    assert "25 March 2018, 10:00–11:00 (Europe/Zurich, UTC+02:00) The first date;" in weekly.text_content()
    assert [t.get("datetime") for t in weekly.iter("time")][:2] == ["2018-03-25T10:00:00+02:00", "2018-03-25T11:00:00+02:00"]
    days = lxml.html.fromstring(entries["Days"].content[0].value)
    assert "8 October 2018 – 9 October 2018 (all day, Europe/Zurich) The first date;" in days.text_content()


@pytest.mark.parametrize(("body", "summary"), [
    ("## The call\n\n- one\n- two\n\n> A quote.\n\n![A chart](chart.png)\n\nThe *first* paragraph.\n\nThe second.",
     "The first paragraph."),
    ("1.5 million people signed.\n\nThe second.", "1.5 million people signed."),
    ("![A logo](logo.png) ![](line.png)\n\nBadges at ![the CICG desk](desk.png) from 8:00.", "Badges at the CICG desk from 8:00."),
    ("#1 priority: security.\n\nThe second.", "#1 priority: security."),
    ("Press release\n=============\n\nThe Forum joins the [Paris Call][call] today.\n\n[call]: https://pariscall.international/",
     "The Forum joins the Paris Call today."),
    # Hugo's divider (and Jekyll's, where a site sets it): what comes before it is the summary
    ("The Forum joins the *Paris Call*.\n\nIt signs today.\n<!--more-->\nThe rest.", "The Forum joins the Paris Call. It signs today."),
    ("## Lead\n\nThe Forum joins. <!-- more --> The rest.\n\nMore.", "Lead The Forum joins."),
    ("```\nhugo new\n<!--more-->\n```\n\nThe first paragraph.", "The first paragraph."),  # shown as code, it divides nothing
    # A line break or a block's edge parts words, though no space is written
    ("Says the `report`<br>and more.", "Says the report and more."),
    ("<p>One.</p><p>Two.</p><div>Three.</div>Four<br/>five.\n<!--more-->\nThe rest.", "One. Two. Three. Four five."),
])
def test_without_a_summary_the_first_paragraph_is_the_summary(example_site: Path, feeds, body: str, summary: str) -> None:
    (example_site / "content/news/plain.md").write_text(f"---\ntitle: Plain\ndate: 2018-11-13\n---\n{body}\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    atom = feedparse(example_site / "public/feeds/atom.xml")
    [entry] = [e for e in atom.entries if e.title == "Plain"]
    assert entry.summary == summary


def test_feed_updated_is_the_newest_entry_not_the_clock(example_site: Path, feeds, tmp_path: Path) -> None:
    for name, now in (("a", EXAMPLE_NOW), ("b", "2030-01-01T00:00:00+00:00")):
        assert feeds("build", "--site", example_site, "--output", tmp_path / name, "--now", now).code == 0
    first, second = tree_bytes(tmp_path / "a" / "feeds"), tree_bytes(tmp_path / "b" / "feeds")
    assert {k: v for k, v in first.items() if k != "index.html"} == {k: v for k, v in second.items() if k != "index.html"}
    atom = feedparse(tmp_path / "a/feeds/atom.xml")
    assert utc(atom.feed.updated_parsed) == max(utc(e.updated_parsed) for e in atom.entries)
    rss = etree.parse(str(tmp_path / "a/feeds/rss.xml"))
    assert rss.findtext("channel/lastBuildDate") == "Mon, 12 Nov 2018 09:30:00 +0100"  # the event, announced last


# The larger newsroom


def test_every_entry_field_in_every_format(big: Path) -> None:
    expected = {f"tag:press.example.com,{n.date:%Y-%m-%d}:newsroom/news/item-{i}": n for i, n in enumerate(news_files())}
    paths = [big / "feeds/atom.xml", big / "feeds/rss.xml", big / "feeds/feed.json"]
    paths += [big / f"feeds/archive/{n}/{name}" for n in range(1, 6) for name in ("atom.xml", "rss.xml", "feed.json")]
    seen = {"atom": set(), "rss": set(), "json": set()}
    for doc in feedsmith(*paths):
        fmt = doc["format"]
        for entry in smith_entries(doc):
            entry_id = smith_id(doc, entry)
            seen[fmt].add(entry_id)
            if entry_id not in expected:
                continue
            news = expected[entry_id]
            title = entry["title"] if fmt != "atom" else entry["title"]["value"]
            assert title == news.title, (fmt, entry_id)
            html = {"atom": lambda e: e["content"]["value"], "rss": lambda e: e["content"]["encoded"],
                    "json": lambda e: e["content_html"]}[fmt](entry)
            urls = absolute_urls(html)
            assert len(urls) == 8 and all(u.startswith(("https://press.example.com/newsroom/", "https://other.example.net/")) for u in urls), urls
            published = {"atom": "published", "rss": "pubDate", "json": "date_published"}[fmt]
            assert utc(datetime.strptime(entry[published], "%a, %d %b %Y %H:%M:%S %z").isoformat() if fmt == "rss"
                       else entry[published]) == utc(news.date.isoformat())
            _check_image(fmt, entry, news.image)
    assert seen["atom"] == seen["rss"] == seen["json"]
    assert set(expected) <= seen["atom"] and len(seen["atom"]) == NEWS + 4


def _check_image(fmt: str, entry: dict, image: str) -> None:
    enclosures = {"atom": [link for link in entry.get("links", []) if link.get("rel") == "enclosure"],
                  "rss": entry.get("enclosures", []), "json": entry.get("attachments", [])}[fmt]
    if image.startswith("static/"):
        [enclosure] = enclosures
        url = enclosure.get("href") or enclosure.get("url")
        length = enclosure.get("length") or enclosure.get("size_in_bytes")
        kind = enclosure.get("type") or enclosure.get("mime_type")
        assert (url, int(length), kind) == (BASE + image, len(IMAGES[image]), "image/jpeg" if image.endswith(".jpg") else "image/png")
    else:
        assert enclosures == []  # a file outside the site has no known length
    thumbnail = entry.get("image") if fmt == "json" else (entry.get("media", {}).get("thumbnails") or [{}])[0].get("url")
    assert thumbnail == ((BASE + image if image.startswith("static/") else image) or None)


def _entry_page(fmt: str, entry: dict) -> str:
    """The address of the page an entry, as feedsmith reads it, links to."""
    if fmt == "atom":
        return next(link["href"] for link in entry["links"] if link.get("rel", "alternate") == "alternate")
    return entry["link"] if fmt == "rss" else entry["url"]


def test_an_events_image_is_in_its_feed_entries_as_a_news_items_is(big: Path) -> None:
    """An event's image, as a news item's: a thumbnail and JSON Feed's image, and for a file of the
    site an enclosure with its type and size, in every document that holds the event (read by
    feedsmith and by feedparser); an event without one has none."""
    paths = sorted(path for path in (big / "feeds").rglob("*") if path.name in ("atom.xml", "rss.xml", "feed.json"))
    images = {BASE + f"events/{slug}/": image for slug, image in EVENT_IMAGES.items()}
    seen = set()
    for doc in feedsmith(*paths):
        for entry in smith_entries(doc):
            page = _entry_page(doc["format"], entry)
            if "/events/" in page:
                _check_image(doc["format"], entry, images.get(page, ""))
                seen.add((doc["format"], page))
    assert {page for _, page in seen} > set(images) and {fmt for fmt, _ in seen} == {"atom", "rss", "json"}
    found = set()
    for path in (path for path in paths if path.suffix == ".xml"):
        for entry in feedparse(path).entries:
            if entry.link == BASE + "events/conference/":
                assert [(e.href, int(e.length), e.type) for e in entry.enclosures] == [
                    (BASE + "static/images/diagram.png", len(IMAGES["static/images/diagram.png"]), "image/png")]
                assert [thumbnail["url"] for thumbnail in entry.media_thumbnail] == [BASE + "static/images/diagram.png"]
                found.add(path.name)
            elif entry.link == BASE + "events/summit/":
                assert entry.enclosures == []  # another site's file: its length is not known
                assert [thumbnail["url"] for thumbnail in entry.media_thumbnail] == [EVENT_IMAGES["summit"]]
                found.add(path.name)
    assert found == {"atom.xml", "rss.xml"}


def test_an_items_image_is_one_address_on_its_page_and_in_its_data(big: Path) -> None:
    """A site file named as `image: static/...` is found from the item's page (a news item's or an
    event's), in its Open Graph and JSON-LD, as in the feeds; an image elsewhere keeps its address."""
    expected = {BASE + "static/images/photo.jpg", BASE + "static/images/diagram.png",
                "https://cdn.example.org/pictures/outside.png", "https://cdn.example.org/pictures/venue.jpg"}
    seen = set()
    for page in sorted([*big.glob("news/*/index.html"), *big.glob("events/*/index.html")]):
        html = lxml.html.parse(str(page)).getroot()
        photos = html.xpath('//img[contains(@class, "u-photo")]/@src')
        if not photos:
            continue
        url = BASE + page.parent.relative_to(big).as_posix() + "/"
        image = urljoin(url, photos[0])
        [og] = html.xpath('//meta[@property="og:image"]/@content')
        [data] = [json.loads(script.text) for script in html.xpath('//script[@type="application/ld+json"]')]
        assert og == data["image"][0] == image, page
        if image.startswith(BASE):
            assert (big / image[len(BASE):]).is_file()
        seen.add(image)
    assert seen == expected


def test_titles_are_escaped_and_read_back_exactly(big: Path) -> None:
    tricky = {n.title for n in news_files() if "<" in n.title or "&" in n.title or "🎉" in n.title}
    assert len(tricky) == 3
    raw = (big / "feeds/rss.xml").read_bytes() + (big / "feeds/archive/1/rss.xml").read_bytes()
    assert b"<b>" not in raw and b"<script>" not in raw  # never unescaped markup
    titles = set()
    for name in ("atom.xml", "rss.xml"):
        for path in [big / "feeds" / name, *(big / f"feeds/archive/{n}/{name}" for n in range(1, 6))]:
            titles |= {e.title for e in feedparse(path).entries}
    assert tricky <= titles
    assert feedparse(big / "feeds/atom.xml").feed.title == "Test & <Newsroom>"


def test_events_are_entries_at_their_announcement_date(big: Path) -> None:
    atom = feedparse(big / "feeds/atom.xml")
    entries = {e.id.rsplit("/", 1)[1]: e for e in atom.entries}
    assert list(entries)[0] == "unannounced"  # no announcement date: its start, the newest here
    dates = [utc(e.published_parsed) for e in atom.entries]
    assert dates == sorted(dates, reverse=True)
    archive = {e.id.rsplit("/", 1)[1]: e for n in range(1, 6) for e in feedparse(big / f"feeds/archive/{n}/atom.xml").entries}
    cancelled = archive["cancelled"]
    assert cancelled.title == "Cancelled: Workshop that was cancelled"
    # Announced on the 14th, changed on the 20th: each format says both, and its date is the first.
    announced, changed = utc("2019-01-14T11:00:00+01:00"), utc("2019-01-20T16:45:00+01:00")
    assert (utc(cancelled.published_parsed), utc(cancelled.updated_parsed)) == (announced, changed)
    rss = {e.id.rsplit("/", 1)[1]: e for n in range(1, 6) for e in feedparse(big / f"feeds/archive/{n}/rss.xml").entries}
    assert utc(rss["cancelled"].published_parsed) == announced
    items = {item["id"].rsplit("/", 1)[1]: item for n in range(1, 6)
             for item in json.loads((big / f"feeds/archive/{n}/feed.json").read_bytes())["items"]}
    assert (utc(items["cancelled"]["date_published"]), utc(items["cancelled"]["date_modified"])) == (announced, changed)
    text = lxml.html.fromstring(archive["conference"].content[0].value).text_content()
    assert "4 March 2019, 09:30–17:00 (America/New_York, UTC-05:00)" in text
    assert "Hall A, New York, USA" in text
    summit = lxml.html.fromstring(archive["summit"].content[0].value)
    assert "https://summit.example.org/" in [a.get("href") for a in summit.iter("a")]


@pytest.mark.parametrize("fmt", ["atom.xml", "rss.xml", "feed.json"])
@pytest.mark.parametrize("folder", ["feeds/"])
def test_archives_walk_back_to_the_first_item(big: Path, fmt: str, folder: str) -> None:
    """From the subscription document, prev-archive (JSON Feed: next_url) reaches every item once."""
    url = BASE + folder + fmt
    seen: list[str] = []
    visited = []
    while url:
        path = big / url.removeprefix(BASE)
        visited.append(path)
        [doc] = feedsmith(path)
        seen += [smith_id(doc, e) for e in smith_entries(doc)]
        if fmt == "feed.json":
            url = doc["feed"].get("next_url")
            jsonschema.validate(json.loads(path.read_bytes()), SCHEMA)
            continue
        parsed = feedparse(path)
        assert links(parsed).get("prev-archive") == smith_links(doc).get("prev-archive")
        archived = etree.parse(str(path)).find(f".//{{{HISTORY_NS}}}archive") is not None
        assert archived == (len(visited) > 1)
        if archived:
            assert smith_links(doc)["current"] == BASE + folder + fmt
        url = smith_links(doc).get("prev-archive")
    all_ids = {e.id for e in feedparse(big / folder / "atom.xml").entries}
    for path in visited[1:]:
        all_ids |= {e.id for e in feedparse(path.with_suffix(".xml").with_name("atom.xml")).entries}
    expected = NEWS + 4 if folder == "feeds/" else sum("alpha" in n.tags for n in news_files()) + 2
    assert len(set(seen)) == expected == len(all_ids)
    assert len(visited) == 1 + expected // LIMIT
    oldest = min(feedparse(visited[-1].with_name("atom.xml")).entries, key=lambda e: e.published_parsed)
    assert oldest.id == "tag:press.example.com,2019-01-07:newsroom/news/item-0"


@pytest.mark.parametrize("fmt", ["atom.xml", "rss.xml"])
def test_archives_walk_forward_to_the_newest_and_no_further(big: Path, fmt: str) -> None:
    """RFC 5005's next-archive leads from the oldest archive to each newer one in turn; the newest has
    none, as no archive comes after it (a link there would lead a reader to a missing document)."""
    url, visited = BASE + "feeds/archive/1/" + fmt, []
    while url:
        path = big / url.removeprefix(BASE)
        assert path.is_file(), url
        visited.append(path.parent.name)
        [doc] = feedsmith(path)
        assert links(feedparse(path)).get("next-archive") == smith_links(doc).get("next-archive")
        url = smith_links(doc).get("next-archive")
    archives = sorted(int(p.name) for p in (big / "feeds/archive").iterdir())
    assert visited == [str(n) for n in archives] and len(archives) > 1


def test_archives_do_not_change_when_news_is_added(big: Path, tmp_path: Path) -> None:
    from feeds.cli import main

    site = write_newsroom(tmp_path / "site")
    (site / "content/news/new.md").write_text("---\ntitle: Newer\ndate: 2019-06-01\ntags: [alpha]\n---\nNew.\n")
    assert main(["build", "--site", str(site), "--now", BIG_NOW]) == 0
    for n in range(1, 6):
        for name in ("atom.xml", "rss.xml", "feed.json"):
            assert (site / f"public/feeds/archive/{n}/{name}").read_bytes() == (big / f"feeds/archive/{n}/{name}").read_bytes()


def test_feed_level_fields(big: Path) -> None:
    atom, rss = feedparse(big / "feeds/atom.xml"), feedparse(big / "feeds/rss.xml")
    assert atom.feed.subtitle == rss.feed.subtitle == 'A newsroom with "many" items.'
    assert atom.feed.language == rss.feed.language == "en"
    assert atom.feed.icon == BASE + "static/icon.png" and atom.feed.logo == BASE + "static/logo.png"
    assert rss.feed.image.href == BASE + "static/logo.png"
    assert links(atom)["alternate"] == BASE and rss.feed.link == BASE
    assert len(atom.entries) == len(rss.entries) == LIMIT
    data = json.loads((big / "feeds/feed.json").read_bytes())
    jsonschema.validate(data, SCHEMA)
    # JSON Feed's icon is square (as is its favicon): the square icon, never the wide logo.
    assert (data["icon"], data["favicon"], data["hubs"]) == (BASE + "static/icon.png", BASE + "static/icon.png",
                                                            [{"type": "WebSub", "url": HUB}])
    for item in data["items"]:
        for key in ("date_published", "date_modified"):
            assert datetime.fromisoformat(item[key]).tzinfo is not None  # RFC 3339 needs the offset


def test_hub_links_are_in_the_atom_and_rss_bytes(big: Path) -> None:
    atom = etree.parse(str(big / "feeds/atom.xml"))
    rss = etree.parse(str(big / "feeds/rss.xml"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert atom.xpath("/a:feed/a:link[@rel='hub']/@href", namespaces=ns) == [HUB]
    assert rss.xpath("/rss/channel/a:link[@rel='hub']/@href", namespaces=ns) == [HUB]
    assert rss.xpath("/rss/channel/a:link[@rel='self']/@href", namespaces=ns) == [BASE + "feeds/rss.xml"]


def test_a_feed_per_tag(big: Path) -> None:
    for tag in ("alpha", "beta", "gamma"):
        paths = tag_feed_paths(tag)
        assert paths == {"atom": f"feeds/tags/{tag}/atom.xml", "rss": f"feeds/tags/{tag}/rss.xml",
                         "json": f"feeds/tags/{tag}/feed.json"}
        for doc in feedsmith(*(big / p for p in paths.values())):
            ids = [smith_id(doc, e) for e in smith_entries(doc)]
            assert ids, (tag, doc["format"])
        for entry in feedparse(big / paths["atom"]).entries:
            assert tag in {t.term for t in entry.tags}


@pytest.mark.parametrize("fmt", ["atom.xml", "rss.xml", "feed.json"])
def test_a_tag_feed_is_its_newest_entries_without_archives(big: Path, fmt: str) -> None:
    [doc] = feedsmith(big / "feeds/tags/alpha" / fmt)
    tagged = sum("alpha" in n.tags for n in news_files()) + 2
    assert tagged > LIMIT  # enough for archives, had tags any
    assert len(smith_entries(doc)) == LIMIT
    if fmt == "feed.json":
        assert "next_url" not in doc["feed"]
    else:
        assert "prev-archive" not in smith_links(doc)
        assert "prev-archive" not in links(feedparse(big / "feeds/tags/alpha" / fmt))
    assert not (big / "feeds/tags/alpha/archive").exists()


def test_settings_limit_and_include_events(example_site: Path, feeds) -> None:
    config = example_site / "site.toml"
    config.write_text(config.read_text().replace("limit = 20", "limit = 1").replace("include_events = true", "include_events = false"))
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    atom = feedparse(example_site / "public/feeds/atom.xml")
    assert [e.id for e in atom.entries] == ["tag:newsroom.example.org,2018-11-12:news/forum-joins-paris-call"]
    assert "prev-archive" not in links(atom)  # its one entry is the whole history


def test_a_tags_feed_without_events_goes_by_the_name_its_pages_give_it(example_site: Path, feeds) -> None:
    """Most items write the tag 'cybersecurity' (two events), one news item 'Cybersecurity': the tag's
    pages go by the usual name, and so does its feed, which holds that news item alone."""
    config = example_site / "site.toml"
    config.write_text(config.read_text().replace("include_events = true", "include_events = false"))
    (example_site / "content/events/webinar.md").write_text(
        "---\ntitle: Webinar\ndate: 2018-11-15\nstart: 2018-12-05T15:00\nlocation: Online\ntags: [cybersecurity]\n---\nX.\n")
    event = example_site / "content/events/annual-gathering-2018.md"
    event.write_text(event.read_text().replace("tags: [Cybersecurity,", "tags: [cybersecurity,"))
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    out = example_site / "public"
    page = lxml.html.parse(str(out / "tags/cybersecurity/index.html")).getroot()
    assert page.findtext(".//h1") == "Tagged “cybersecurity”"
    atom = feedparse(out / "feeds/tags/cybersecurity/atom.xml")
    assert atom.feed.title.endswith(": cybersecurity") and len(atom.entries) == 1


def test_feeds_and_calendar_speak_the_sites_ui_strings(example_site: Path, feeds) -> None:
    """The words of event entries and calendar text come from the same strings file as the pages."""
    event = example_site / "content/events/annual-gathering-2018.md"
    event.write_text(event.read_text().replace("start: 2018-11-26", "status: cancelled\nstart: 2018-11-26"))
    translated(example_site, "it",
               'when = "Quando"\nwhere = "Dove"\nstatus = "Stato"\nall_day = "tutto il giorno"\n'
               'status_cancelled = "Annullato"\nbanner_cancelled = "Questo evento è annullato."\n'
               'months = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", '
               '"settembre", "ottobre", "novembre", "dicembre"]\n')
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    entry = next(e for e in feedparse(example_site / "public/feeds/atom.xml").entries if "events" in e.link)
    assert entry.title == "Annullato: Annual Gathering of the Centre for Cybersecurity"
    text = lxml.html.fromstring(entry.content[0].value).text_content()
    assert "Quando: 26 novembre 2018 – 27 novembre 2018 (tutto il giorno, Europe/Zurich)" in text
    assert "Dove: World Economic Forum, Geneva, Switzerland" in text
    assert "Stato: Questo evento è annullato." in text
    [vevent] = icalendar.Calendar.from_ical((example_site / "public/feeds/events.ics").read_bytes()).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Annullato: Annual Gathering of the Centre for Cybersecurity"
    assert str(vevent["DESCRIPTION"]).startswith("Questo evento è annullato.\n\n")
    page = lxml.html.parse(str(example_site / "public/events/annual-gathering-2018/index.html")).getroot()
    assert "Questo evento è annullato." in page.find_class("banner-cancelled")[0].text_content()


def test_labels_and_tag_feeds_are_punctuated_and_worded_as_the_site_writes_them(example_site: Path, feeds) -> None:
    """French puts a no-break space before a colon, and names a tag's feeds in its own words: the
    event rows of feeds, a tag's feed title and description, and the pages' feed lists follow the
    UI strings."""
    translated(example_site, "fr",
               'labelled = "{label}\u202f:"\nwhen = "Quand"\nfooter_feeds = "Flux"\n'
               'tag_feed_title = "{title} — {tag}"\ntag_feed_about = "{description} Étiquette « {tag} »."\n')
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    entry = next(e for e in feedparse(example_site / "public/feeds/atom.xml").entries if "events" in e.link)
    assert lxml.html.fromstring(entry.content[0].value).text_content().startswith("Quand\u202f: 26 novembre 2018")
    tag = feedparse(example_site / "public/feeds/tags/paris-call/atom.xml").feed
    assert tag.title == "Centre for Cybersecurity Newsroom — Paris Call"
    assert tag.subtitle.endswith("Cybersecurity. Étiquette « Paris Call ».")
    page = lxml.html.parse(str(example_site / "public/tags/paris-call/index.html")).getroot()
    assert page.find_class("site-footer")[0].text_content().strip().startswith("Flux\u202f: Atom")
    titles = {link.get("title") for link in page.iterfind(".//head/link[@rel='alternate']")}
    assert "Centre for Cybersecurity Newsroom — Paris Call (Atom)" in titles
    feeds_page = lxml.html.parse(str(example_site / "public/feeds/index.html")).getroot()
    assert feeds_page.get_element_by_id("tag-paris-call").text_content().startswith("Paris Call (1 publication)\u202f: Atom")


def test_footnotes_links_back_are_named_in_the_sites_words(example_site: Path, feeds) -> None:
    """cmark-gfm names a footnote's link back "Back to reference 1" whatever the language: a screen
    reader on a French site read it in English. Pages, feeds and Outlook's HTML description name it
    as the UI string `footnote_back` says."""
    event = example_site / "content/events/annual-gathering-2018.md"
    event.write_text(event.read_text() + "\nAvec une note[^a], citée deux fois[^a].\n\n[^a]: La note.\n")
    translated(example_site, "fr", 'footnote_back = "Retour à l’appel {number}"\n')
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    expected = ["Retour à l’appel 1", "Retour à l’appel 1-2"]

    def labels(fragment: str) -> list[str]:
        return [a.get("aria-label") for a in lxml.html.fromstring(fragment).find_class("footnote-backref")]

    page = (example_site / "public/events/annual-gathering-2018/index.html").read_text(encoding="utf-8")
    assert labels(page) == expected
    # feedparser's sanitiser drops aria-label: the entry's content as the feed holds it.
    atom = etree.parse(str(example_site / "public/feeds/atom.xml"))
    [content] = atom.xpath("//a:entry[a:link[contains(@href, '/events/')]]/a:content",
                           namespaces={"a": "http://www.w3.org/2005/Atom"})
    assert labels(content.text) == expected
    [vevent] = icalendar.Calendar.from_ical((example_site / "public/feeds/events.ics").read_bytes()).walk("VEVENT")
    assert labels(str(vevent["X-ALT-DESC"])) == expected


def test_a_cancelled_events_title_is_prefixed_as_the_site_writes_it(example_site: Path, feeds) -> None:
    """French puts a space before a colon, Japanese writes 【中止】 before the name: `status_title` says
    how calendars, feeds and add-to-calendar links prefix a cancelled event's title."""
    event = example_site / "content/events/annual-gathering-2018.md"
    event.write_text(event.read_text().replace("start: 2018-11-26", "status: cancelled\nstart: 2018-11-26"))
    translated(example_site, "ja", 'status_cancelled = "中止"\nstatus_title = "【{status}】{title}"\n')
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    title = "【中止】Annual Gathering of the Centre for Cybersecurity"
    entry = next(e for e in feedparse(example_site / "public/feeds/atom.xml").entries if "events" in e.link)
    assert entry.title == title
    [vevent] = icalendar.Calendar.from_ical((example_site / "public/feeds/events.ics").read_bytes()).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == title
    json_feed = json.loads((example_site / "public/feeds/feed.json").read_text(encoding="utf-8"))
    assert title in [item["title"] for item in json_feed["items"]]


def test_the_event_entry_says_when_in_the_sites_date_patterns(example_site: Path, feeds) -> None:
    """`span` and `time_span` are date patterns like `date`: an entry's When line follows them, as the page does."""
    (example_site / "content/events/webinar.md").write_text(
        "---\ntitle: Webinar\ndate: 2018-11-15T09:00\nstart: 2018-12-05T16:00\nend: 2018-12-05T17:30\n"
        "location: Online\n---\nOne afternoon.\n", encoding="utf-8")
    translated(example_site, "it", 'span = "dal {start} al {end}"\ntime_span = "{start} fino alle {end}"\n')
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    entries = {e.title: e for e in feedparse(example_site / "public/feeds/atom.xml").entries}
    days = lxml.html.fromstring(entries["Annual Gathering of the Centre for Cybersecurity"].content[0].value)
    assert "When: dal 26 November 2018 al 27 November 2018 (all day, Europe/Zurich)" in days.text_content()
    assert [t.get("datetime") for t in days.iter("time")] == ["2018-11-26", "2018-11-27"]
    hours = lxml.html.fromstring(entries["Webinar"].content[0].value)
    assert "When: 5 December 2018, 16:00 fino alle 17:30 (Europe/Zurich, UTC+01:00)" in hours.text_content()
    page = lxml.html.parse(str(example_site / "public/events/webinar/index.html")).getroot()
    assert page.find_class("dt-start")[0].text_content() == "5 December 2018, 16:00 fino alle 17:30"


def test_only_real_links_are_made_absolute_and_srcset_keeps_its_commas(example_site: Path, feeds) -> None:
    """A code sample's text is left as written; a srcset URL may hold commas; a quote's cite is a link."""
    body = ('```html\n<a class="badge" href="/partners/">Partner</a>\n```\n\nInline `<link href="feed.xml">`.\n\n'
            '<img alt="chart" src="chart.png" srcset="https://cdn.example.net/w_300,h_200/chart.png 1x, chart@2x.png 2x">\n\n'
            '<blockquote cite="../forum-joins-paris-call/"><p>Quoted.</p></blockquote>\n')
    (example_site / "content/news/samples.md").write_text(f"---\ntitle: Samples\ndate: 2018-11-13\n---\n{body}")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    page = lxml.html.parse(str(example_site / "public/news/samples/index.html")).getroot()
    atom = etree.parse(str(example_site / "public/feeds/atom.xml"))
    [content] = [e.findtext("{http://www.w3.org/2005/Atom}content") for e in atom.iter("{http://www.w3.org/2005/Atom}entry")
                 if e.findtext("{http://www.w3.org/2005/Atom}title") == "Samples"]
    html = lxml.html.fromstring(content)
    assert [c.text_content() for c in html.iter("code")] == [c.text_content() for c in page.iter("code")]
    assert html.xpath("//img/@srcset") == [
        f"https://cdn.example.net/w_300,h_200/chart.png 1x, {EXAMPLE_BASE}news/samples/chart@2x.png 2x"]
    assert html.xpath("//blockquote/@cite") == [EXAMPLE_BASE + "news/forum-joins-paris-call/"]


def test_a_fenced_code_blocks_language_is_its_class_on_the_page_and_in_every_feed(example_site: Path, feeds) -> None:
    """Hugo and Jekyll mark a fenced block ```python as <code class="language-python">, where a
    template's highlighter (highlight.js, Prism) finds it: pages and feeds keep that class."""
    body = "```python\nprint('hi')\n```\n\n```c++\nint main();\n```\n\n```\nplain\n```\n"
    (example_site / "content/news/code.md").write_text(f"---\ntitle: Code\ndate: 2018-11-13\n---\n{body}")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    expected = [("print('hi')\n", "language-python"), ("int main();\n", "language-c++"), ("plain\n", None)]
    page = lxml.html.parse(str(example_site / "public/news/code/index.html")).getroot()
    shown = {"page": page.find_class("e-content")[0], **contents(example_site / "public", "Code")}
    for where, html in shown.items():
        assert [(code.text, code.get("class")) for code in html.iter("code")] == expected, where


def test_when_every_item_is_archived_the_walk_skips_the_copy_of_the_newest_page(example_site: Path, feeds) -> None:
    """Four items and a limit of two: the subscription document holds what the newest archive holds,
    so prev-archive (JSON Feed: next_url, "the next items") leads past that archive."""
    config = example_site / "site.toml"
    config.write_text(config.read_text().replace("limit = 20", "limit = 2"))
    for n in (1, 2):
        (example_site / f"content/news/extra-{n}.md").write_text(f"---\ntitle: Extra {n}\ndate: 2018-11-0{n}\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    for name in ("atom.xml", "feed.json"):
        url, pages = EXAMPLE_BASE + "feeds/" + name, []
        while url:
            [doc] = feedsmith(example_site / "public" / url.removeprefix(EXAMPLE_BASE))
            pages.append([smith_id(doc, e) for e in smith_entries(doc)])
            url = doc["feed"].get("next_url") if name == "feed.json" else smith_links(doc).get("prev-archive")
        seen = [entry for page in pages for entry in page]
        assert len(pages) == 2 and len(seen) == len(set(seen)) == 4, pages


def test_an_entry_in_another_language_says_so_in_every_format(example_site: Path, feeds) -> None:
    (example_site / "content/news/arabic.md").write_text(
        "---\ntitle: منتدى الأمن السيبراني\ndate: 2018-11-13\nlang: ar\n---\nنص الخبر.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    out = example_site / "public/feeds"
    atom = feedparse(out / "atom.xml")
    assert {e.title: e.title_detail.language for e in atom.entries}["منتدى الأمن السيبراني"] == "ar"
    rss = etree.parse(str(out / "rss.xml"))
    [item] = [i for i in rss.iter("item") if i.findtext("title") == "منتدى الأمن السيبراني"]
    assert item.findtext("{http://purl.org/dc/elements/1.1/}language") == "ar"
    [entry] = [e for e in json.loads((out / "feed.json").read_text())["items"] if e["title"] == "منتدى الأمن السيبراني"]
    assert entry["language"] == "ar"


NEWS_TITLE = "World Economic Forum joins the Paris Call for Trust and Security in Cyberspace"
EVENT_TITLE = "Annual Gathering of the Centre for Cybersecurity"


def wrapper(content: lxml.html.HtmlElement) -> tuple[str, str, str] | None:
    """The tag, dir and lang of the one element an entry's HTML is wrapped in; None when it is not
    wrapped in one (text or other elements beside it)."""
    children = list(content)
    if (content.text or "").strip() or len(children) != 1 or (children[0].tail or "").strip():
        return None
    return children[0].tag, children[0].get("dir"), children[0].get("lang")


def test_entries_of_a_right_to_left_site_say_their_direction_in_every_format(example_site: Path, feeds) -> None:
    """Feeds carry no direction (Atom's xml:lang is a language alone): a site in Arabic wraps each
    entry's HTML in <div dir="rtl" lang="ar">, and its English entries in dir="ltr", lest a reader
    that goes by the feed's language lay them out right to left; an English event's When and Where,
    in the site's words, are right to left within it."""
    translated(example_site, "ar", 'when = "متى"\n')
    (example_site / "content/news/english.md").write_text(
        "---\ntitle: In English\ndate: 2018-11-13\nlang: en\n---\nAn English paragraph, (with brackets).\n")
    event = example_site / "content/events/annual-gathering-2018.md"
    event.write_text(event.read_text(encoding="utf-8").replace("\n---\n", "\nlang: en\n---\n", 1), encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    out = example_site / "public"
    for fmt, content in contents(out, NEWS_TITLE).items():
        assert wrapper(content) == ("div", "rtl", "ar"), fmt
    for fmt, content in contents(out, "In English").items():
        assert wrapper(content) == ("div", "ltr", "en"), fmt
        assert content.text_content().strip() == "An English paragraph, (with brackets)."
    for fmt, content in contents(out, EVENT_TITLE).items():
        assert wrapper(content) == ("div", "ltr", "en"), fmt
        [details] = [div for div in content[0] if div.tag == "div"]
        assert (details.get("dir"), details.get("lang")) == ("rtl", "ar"), fmt
        assert details.text_content().startswith("متى"), fmt


def test_a_right_to_left_entry_of_a_left_to_right_site_says_its_direction_in_every_format(example_site: Path,
                                                                                         feeds) -> None:
    """An item with `lang: ar` in an English site: its entry's HTML is wrapped in <div dir="rtl"
    lang="ar">, an event's English details in dir="ltr" within it; the English entries are as written."""
    (example_site / "content/news/arabic.md").write_text(
        "---\ntitle: خبر\ndate: 2018-11-13\nlang: ar\n---\nنص الخبر (مع أقواس).\n", encoding="utf-8")
    (example_site / "content/events/arabic.md").write_text(
        "---\ntitle: ملتقى\ndate: 2018-11-13\nstart: 2018-12-01\nlang: ar\n---\nنص الحدث.\n", encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    out = example_site / "public"
    for fmt, content in contents(out, "خبر").items():
        assert wrapper(content) == ("div", "rtl", "ar"), fmt
        assert content.text_content().strip() == "نص الخبر (مع أقواس)."
    for fmt, content in contents(out, "ملتقى").items():
        assert wrapper(content) == ("div", "rtl", "ar"), fmt
        [details] = [div for div in content[0] if div.tag == "div"]
        assert (details.get("dir"), details.get("lang")) == ("ltr", "en"), fmt
        assert details.text_content().startswith("When:"), fmt
    for title in (NEWS_TITLE, EVENT_TITLE):
        for fmt, content in contents(out, title).items():
            assert content.xpath(".//@dir | .//@lang") == [], (title, fmt)


def test_an_image_whose_name_has_spaces_and_accents_is_a_valid_url_everywhere(example_site: Path, feeds) -> None:
    (example_site / "templates/static/images").mkdir(parents=True)
    (example_site / "templates/static/images/my photo ü.jpg").write_bytes(b"\xff\xd8\xff" + b"j" * 1231)
    (example_site / "content/news/photo.md").write_text(
        "---\ntitle: Photo\ndate: 2018-11-13\nimage: static/images/my photo ü.jpg\nimage_alt: A photo\n---\nX.\n")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--strict")
    assert result.code == 0, result.err
    url = EXAMPLE_BASE + "static/images/my%20photo%20%C3%BC.jpg"
    rss = etree.parse(str(example_site / "public/feeds/rss.xml"))
    [item] = [i for i in rss.iter("item") if i.findtext("title") == "Photo"]
    assert item.find("enclosure").attrib == {"url": url, "length": "1234", "type": "image/jpeg"}
    [entry] = [e for e in json.loads((example_site / "public/feeds/feed.json").read_text())["items"] if e["title"] == "Photo"]
    assert entry["image"] == url
    page = lxml.html.parse(str(example_site / "public/news/photo/index.html")).getroot()
    [src] = page.xpath('//img[contains(@class, "u-photo")]/@src')
    assert urljoin(EXAMPLE_BASE + "news/photo/", src) == url


def test_a_site_path_keeps_its_query(example_site: Path, feeds) -> None:
    config = example_site / "site.toml"
    config.write_text(config.read_text().replace("include_events = true", 'include_events = true\nicon = "static/favicon.svg?v=2"'))
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    atom = etree.parse(str(example_site / "public/feeds/atom.xml"))
    assert atom.findtext("{http://www.w3.org/2005/Atom}icon") == EXAMPLE_BASE + "static/favicon.svg?v=2"


def test_a_logo_that_rss_cannot_carry_is_atoms_alone(example_site: Path, feeds) -> None:
    """RSS's <image> is a GIF, JPEG or PNG: an SVG logo is Atom's <logo> alone, so that the RSS stays valid."""
    config = example_site / "site.toml"
    config.write_text(config.read_text().replace("include_events = true", 'include_events = true\nlogo = "static/favicon.svg"'))
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    atom, rss = feedparse(example_site / "public/feeds/atom.xml"), feedparse(example_site / "public/feeds/rss.xml")
    assert atom.feed.logo == EXAMPLE_BASE + "static/favicon.svg"
    assert "image" not in rss.feed
    assert etree.parse(str(example_site / "public/feeds/rss.xml")).find("channel/image") is None


def test_media_types_are_the_same_on_every_machine(example_site: Path, feeds, monkeypatch: pytest.MonkeyPatch) -> None:
    """A WebP photo's enclosure is image/webp, and a WebP logo is Atom's alone, on a machine without
    the system's table of types (/etc/mime.types, missing from slim containers) too: the same input
    gives the same bytes everywhere."""
    import mimetypes

    monkeypatch.setattr(mimetypes, "guess_type", lambda *args, **kwargs: (None, None))  # no system table
    (example_site / "templates/static").mkdir(parents=True)
    (example_site / "templates/static/photo.webp").write_bytes(b"RIFF" + b"w" * 96)
    (example_site / "content/news/photo.md").write_text(
        "---\ntitle: Photo\ndate: 2018-11-13\nimage: static/photo.webp\nimage_alt: A photo\n---\nX.\n")
    config = example_site / "site.toml"
    config.write_text(config.read_text().replace("include_events = true", 'include_events = true\nlogo = "static/photo.webp"'))
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    rss = etree.parse(str(example_site / "public/feeds/rss.xml"))
    [item] = [i for i in rss.iter("item") if i.findtext("title") == "Photo"]
    assert item.find("enclosure").get("type") == "image/webp"
    assert rss.find("channel/image") is None


def test_a_date_in_local_mean_time_is_written_in_utc(example_site: Path, feeds) -> None:
    """Zurich kept local mean time (UTC+00:29:46) until 1894: no feed timestamp can carry seconds in an offset."""
    (example_site / "content/news/old.md").write_text("---\ntitle: Old\ndate: 1890-03-01T10:00\n---\nLong ago.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    out = example_site / "public/feeds"
    [atom] = [e for e in feedparse(out / "atom.xml").entries if e.title == "Old"]
    [rss] = [e for e in feedparse(out / "rss.xml").entries if e.title == "Old"]
    assert atom.published_parsed[:6] == rss.published_parsed[:6] == (1890, 3, 1, 9, 30, 14)
    [item] = [e for e in json.loads((out / "feed.json").read_text())["items"] if e["title"] == "Old"]
    assert item["date_published"] == "1890-03-01T09:30:14+00:00"


def test_an_offset_of_quarter_hours_is_written_in_utc(example_site: Path, feeds) -> None:
    """Nepal is at UTC+05:45: RSS validators flag an offset not in whole or half hours, so such
    moments are written in UTC, in every format alike; India's +05:30 is kept."""
    for name, zone in (("kathmandu", "+05:45"), ("delhi", "+05:30")):
        (example_site / f"content/news/{name}.md").write_text(
            f"---\ntitle: {name}\ndate: 2018-11-13T10:00:00{zone}\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    rss = etree.parse(str(example_site / "public/feeds/rss.xml"))
    dates = {item.findtext("title"): item.findtext("pubDate") for item in rss.iter("item")}
    assert (dates["kathmandu"], dates["delhi"]) == ("Tue, 13 Nov 2018 04:15:00 +0000", "Tue, 13 Nov 2018 10:00:00 +0530")
    items = {item["title"]: item for item in json.loads((example_site / "public/feeds/feed.json").read_text())["items"]}
    assert items["kathmandu"]["date_published"] == "2018-11-13T04:15:00+00:00"


def test_an_international_base_url_is_published_as_a_uri(example_site: Path, feeds) -> None:
    """Links in feeds, calendars and the sitemap are URIs: the host in its ASCII form."""
    config = example_site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'base_url = "https://newsroom.example.org/"', 'base_url = "https://bücher.example/Neuigkeiten/"'), encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    out = example_site / "public"
    base = "https://xn--bcher-kva.example/Neuigkeiten/"
    assert feedparse(out / "feeds/atom.xml").entries[0].link.startswith(base)
    assert str(icalendar.Calendar.from_ical((out / "feeds/events.ics").read_bytes())["SOURCE"]) == base + "feeds/events.ics"
    assert f"Sitemap: {base}sitemap.xml" in (out / "robots.txt").read_text(encoding="utf-8")


def test_white_space_around_an_address_in_site_toml_is_not_published(example_site: Path, feeds) -> None:
    """A base_url pasted with a space inside its quotes, or a hub and an icon with one, are published
    as browsers read them: without it, not as every link's %20https://... or .../%20/."""
    config = example_site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'base_url = "https://newsroom.example.org/"', 'base_url = " https://newsroom.example.org/ "').replace(
        "include_events = true", 'include_events = true\nhub = "https://hub.example.org/\\n"\nicon = " static/icon.png"'),
        encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    out = example_site / "public"
    feed = feedparse(out / "feeds/atom.xml")
    assert all(entry.link.startswith("https://newsroom.example.org/") for entry in feed.entries)
    assert feed.feed.icon == "https://newsroom.example.org/static/icon.png"
    assert [link.href for link in feed.feed.links if link.rel == "hub"] == ["https://hub.example.org/"]
    assert str(icalendar.Calendar.from_ical((out / "feeds/events.ics").read_bytes())["SOURCE"]) == (
        "https://newsroom.example.org/feeds/events.ics")


def test_an_older_item_revised_since_the_newest_came_in_is_in_the_subscription_documents(example_site: Path,
                                                                                        feeds) -> None:
    """Readers poll the subscription document alone: an event announced long ago and cancelled now,
    with its `updated:`, is in it again (at most `limit` such items, the latest change first), as well
    as in its archive. A change made before the oldest of the newest items came in is not."""
    from feeds.build import load_site
    from feeds.inputs import BuildOptions
    from feeds.render.channels import channels, documents

    config = example_site / "site.toml"
    config.write_text(config.read_text().replace("limit = 20", "limit = 3"))
    for day in range(13, 18):
        (example_site / f"content/news/n{day}.md").write_text(f"---\ntitle: N{day}\ndate: 2018-11-{day}T09:00\n---\nX.\n")
    event = example_site / "content/events/annual-gathering-2018.md"
    event.write_text(event.read_text().replace("start:", "status: cancelled\nupdated: 2018-11-19T10:00:00+01:00\nstart:"))
    n13 = example_site / "content/news/n13.md"
    n13.write_text(n13.read_text().replace("date:", "updated: 2018-11-18T09:00\ndate:"))
    release = example_site / "content/news/2018-11-12-forum-joins-paris-call.md"
    release.write_text(release.read_text().replace("date:", "updated: 2018-11-14T09:00:00+01:00\ndate:", 1))
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0

    out = example_site / "public/feeds"
    newest = ["N17", "N16", "N15"]
    cancelled = "Cancelled: Annual Gathering of the Centre for Cybersecurity"
    for fmt in ("atom.xml", "rss.xml"):
        feed = feedparse(out / fmt)
        assert [e.title for e in feed.entries] == [*newest, cancelled, "N13"], fmt
        assert feed.feed.updated_parsed[:5] == (2018, 11, 19, 9, 0), fmt  # the cancellation, in UTC
    assert [i["title"] for i in json.loads((out / "feed.json").read_bytes())["items"]] == [*newest, cancelled, "N13"]
    archived = feedparse(out / "archive/1/atom.xml")
    assert cancelled in [e.title for e in archived.entries]  # the archive keeps it, revised too

    site = load_site(example_site, BuildOptions(now=datetime.fromisoformat(EXAMPLE_NOW))).site
    [document, *_] = documents(channels(site)[0], 1)  # one newer item: one revised item, the latest change
    assert [item.title for item in document.entries] == ["N17", "Annual Gathering of the Centre for Cybersecurity"]
