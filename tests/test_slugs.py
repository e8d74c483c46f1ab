"""Slugs: Latin text transliterated to ASCII as always; text in other scripts keeps its letters, in
folders named in UTF-8 and in URLs percent-encoded wherever the outputs write them absolute."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import icalendar
import lxml.etree
import lxml.html
import pytest
from conftest import EXAMPLE_NOW
from feed_readers import feedparse, links
from test_site_pages import broken_links

from feeds.render import OutputFile
from feeds.render.hosting import render_headers
from feeds.slugs import slug_of

BASE = "https://newsroom.example.org/"


@pytest.mark.parametrize("text, slug", [
    ("Zürich", "zurich"),
    ("Ångström Straße, Łódź", "angstrom-strasse-lodz"),
    ("C++ & C#", "c-c"),
    ("ｆｕｌｌ ｗｉｄｔｈ", "full-width"),
    ("1ª edição", "1a-edicao"),  # ª is no LATIN letter by name, but an ASCII one with its marks
    ("علم", "علم"),
    ("عالم", "عالم"),
    ("الأمن السيبراني", "الأمن-السيبراني"),
    ("東京", "東京"),
    ("東経", "東経"),
    ("市場", "市場"),
    ("市長", "市長"),
    ("Zürich 東京", "zürich-東京"),  # a word of another script: Unicode, the Latin word kept too
    ("ⵜⴰⵎⴰⵣⵉⵖⵜ", "ⵜⴰⵎⴰⵣⵉⵖⵜ"),  # Tifinagh, Gothic and Javanese had no slug at all
    ("𐌲𐌿𐍄𐌹𐍃𐌺", "𐌲𐌿𐍄𐌹𐍃𐌺"),
    ("ꦗꦮꦶ", "ꦗꦮꦶ"),  # with its vowel sign
    ("हिन्दी भाषा", "हिन्दी-भाषा"),
    ("Русский Текст", "русский-текст"),
])
def test_latin_text_is_transliterated_and_other_scripts_are_kept(text: str, slug: str) -> None:
    assert slug_of(text) == slug


def _write(site: Path, path: str, front: str, body: str = "Text.") -> None:
    file = site / "content" / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")


def _file_of(output: Path, url: str) -> Path:
    """The file written for an absolute URL of the site, which must be ASCII (a URI)."""
    assert url.isascii() and url.startswith(BASE), url
    path = unquote(urlsplit(url).path[len(urlsplit(BASE).path):])
    return output / (path + "index.html" if path.endswith("/") or not path else path)


@pytest.fixture
def scripts_site(example_site: Path, feeds) -> Path:
    """The example newsroom with two Arabic items, علم (science) and عالم (world), each tagged with its
    word, which were both lm before, a Japanese item tagged 東京 and 市場, and an event in Tifinagh."""
    _write(example_site, "news/2018-11-13-علم.md",
           "title: علم\ndate: 2018-11-13T09:00:00+01:00\nlang: ar\ntags: [علم]\n")
    _write(example_site, "news/2018-11-14-عالم.md",
           "title: عالم\ndate: 2018-11-14T09:00:00+01:00\nlang: ar\ntags: [عالم]\n")
    _write(example_site, "news/2018-11-15-tokyo.md",
           "title: 東京の市場\ndate: 2018-11-15T09:00:00+01:00\nlang: ja\nslug: 東京の市場\ntags: [東京, 市場, Zürich]\n")
    _write(example_site, "events/ⵜⴰⵎⴰⵣⵉⵖⵜ.md",
           "title: ⵜⴰⵎⴰⵣⵉⵖⵜ\nstart: 2018-12-01T10:00\nend: 2018-12-01T12:00\ndate: 2018-11-15T10:00:00+01:00\n")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    assert "shares the page" not in result.err
    return example_site / "public"


def test_two_arabic_tags_have_pages_of_their_own(scripts_site: Path) -> None:
    for word, title in (("علم", "علم"), ("عالم", "عالم")):
        page = lxml.html.parse(str(scripts_site / f"tags/{word}/index.html")).getroot()
        assert [a.text_content() for a in page.xpath("//article//h2/a | //article//h3/a")] == [title]
        item = lxml.html.parse(str(scripts_site / f"news/{word}/index.html")).getroot()
        [tag] = [a for a in item.iter("a") if "p-category" in a.classes]
        assert (tag.text_content(), tag.get("href")) == (word, f"../../tags/{word}/")  # relative links as written
    assert not (scripts_site / "tags/lm").exists()
    assert broken_links(scripts_site, BASE) == []  # every page's links, relative or canonical, lead to a file


def test_a_japanese_item_and_its_tags_have_unicode_folders_and_latin_tags_keep_theirs(scripts_site: Path) -> None:
    assert (scripts_site / "news/東京の市場/index.html").is_file()
    for folder in ("tags/東京", "tags/市場", "tags/zurich", "feeds/tags/東京"):
        assert (scripts_site / folder).is_dir(), folder
    assert (scripts_site / "events/ⵜⴰⵎⴰⵣⵉⵖⵜ/event.ics").is_file()
    assert not (scripts_site / "tags/dong-jing").exists()


def test_feeds_give_percent_encoded_urls_that_lead_to_the_files(scripts_site: Path) -> None:
    feeds = scripts_site / "feeds"
    for path in (feeds / "atom.xml", feeds / "rss.xml", feeds / "tags/東京/atom.xml", feeds / "tags/東京/rss.xml"):
        parsed = feedparse(path)
        for url in links(parsed).values():
            assert _file_of(scripts_site, url).is_file(), (path, url)
        for entry in parsed.entries:
            assert _file_of(scripts_site, entry.link).is_file(), (path, entry.link)
            assert entry.id.isascii(), entry.id  # a tag URI (RFC 4151) percent-encodes what is not ASCII
    atom = feedparse(feeds / "atom.xml")
    [entry] = [e for e in atom.entries if e.title == "東京の市場"]
    assert entry.link == BASE + "news/%E6%9D%B1%E4%BA%AC%E3%81%AE%E5%B8%82%E5%A0%B4/"
    assert entry.id == "tag:newsroom.example.org,2018-11-15:news/%E6%9D%B1%E4%BA%AC%E3%81%AE%E5%B8%82%E5%A0%B4"
    assert links(feedparse(feeds / "tags/東京/atom.xml"))["self"] == BASE + "feeds/tags/%E6%9D%B1%E4%BA%AC/atom.xml"
    feed = json.loads((feeds / "tags/東京/feed.json").read_text(encoding="utf-8"))
    for url in (feed["home_page_url"], feed["feed_url"], *(item["url"] for item in feed["items"])):
        assert _file_of(scripts_site, url).is_file(), url


def test_pages_sitemap_calendar_and_headers_give_uris(scripts_site: Path) -> None:
    sitemap = lxml.etree.parse(str(scripts_site / "sitemap.xml"))
    locs = sitemap.xpath("//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    assert BASE + "tags/%D8%B9%D9%84%D9%85/" in locs
    for loc in locs:
        assert _file_of(scripts_site, loc).is_file(), loc
    page = lxml.html.parse(str(scripts_site / "tags/東京/index.html")).getroot()
    canonical = page.xpath('//link[@rel="canonical"]/@href') + page.xpath('//meta[@property="og:url"]/@content')
    assert canonical == [BASE + "tags/%E6%9D%B1%E4%BA%AC/"] * 2
    item = lxml.html.parse(str(scripts_site / "news/東京の市場/index.html")).getroot()
    [data] = [json.loads(s.text) for s in item.xpath('//script[@type="application/ld+json"]')]
    assert _file_of(scripts_site, data["url"]).is_file()

    event_url = BASE + "events/%E2%B5%9C%E2%B4%B0%E2%B5%8E%E2%B4%B0%E2%B5%A3%E2%B5%89%E2%B5%96%E2%B5%9C/"
    for path in ("feeds/events.ics", "events/ⵜⴰⵎⴰⵣⵉⵖⵜ/event.ics"):
        calendar = icalendar.Calendar.from_ical((scripts_site / path).read_bytes())
        [event] = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "ⵜⴰⵎⴰⵣⵉⵖⵜ"]
        assert str(event["URL"]) == event_url
        assert str(event["DESCRIPTION"]).endswith(event_url)
    assert (scripts_site / "_headers").read_text(encoding="utf-8").isascii()
    alone = render_headers([OutputFile("events/ⵜⴰⵎⴰⵣⵉⵖⵜ/event.ics", b"")]).data.decode()  # a rule of its own
    assert f"/{event_url[len(BASE):]}event.ics\n  Content-Type: text/calendar" in alone


def test_feeds_new_names_a_file_in_its_script_and_cuts_it_within_the_slug_limit(example_site: Path, feeds) -> None:
    result = feeds("new", "news", "東京の市場", "--site", example_site, "--now", "2018-11-20T10:00")
    assert result.code == 0, result.err
    assert Path(result.out.strip()) == example_site / "content/news/2018-11-20-東京の市場.md"
    result = feeds("new", "news", "Café à Zürich", "--site", example_site, "--now", "2018-11-20T10:00")
    assert Path(result.out.strip()) == example_site / "content/news/2018-11-20-cafe-a-zurich.md"
    gothic = "𐌲𐌿𐍄𐌹𐍃𐌺"  # four bytes a letter: 80 letters are 320 bytes, past the limit of 200
    result = feeds("new", "event", " ".join([gothic] * 20), "--site", example_site, "--start", "2018-12-03")
    assert result.code == 0, result.err
    assert Path(result.out.strip()).name == "-".join([gothic] * 8) + ".md"  # 199 bytes: a slug the build takes
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--drafts")
    assert result.code == 0, result.err


def test_a_slug_of_exactly_the_limit_is_published_and_one_byte_more_is_refused(example_site: Path, feeds) -> None:
    at_limit = "東" * 66 + "ab"  # 3 bytes a letter: 200 bytes in UTF-8, the limit
    _write(example_site, "news/2018-11-13-long.md", f"title: Long\ndate: 2018-11-13T09:00:00+01:00\nslug: {at_limit}\n")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    output = example_site / "public"
    [entry] = [e for e in feedparse(output / "feeds/atom.xml").entries if e.title == "Long"]
    assert _file_of(output, entry.link) == output / f"news/{at_limit}/index.html"
    assert _file_of(output, entry.link).is_file()
    _write(example_site, "news/2018-11-13-long.md", f"title: Long\ndate: 2018-11-13T09:00:00+01:00\nslug: {at_limit}c\n")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert ("content/news/2018-11-13-long.md:4: slug: gives a slug of 201 bytes in UTF-8; the limit is 200"
            in result.err), result.err
