"""The build cache is safe: every edit changes exactly the outputs it should, and a cached build
gives the same bytes as a clean one."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import zoneinfo
from datetime import datetime
from pathlib import Path

import feedparser
import icalendar
import lxml.etree
import lxml.html
import pytest
from conftest import (
    EXAMPLE_NOW,
    ROOT,
    png,
    tree_bytes,
    with_event_photo,
    with_news_photo,
)

from feeds.cache import CACHE_DIR, ROOT_FILES, TEMPLATE_FILES, BuildCache
from feeds.config import load_config
from feeds.listing import source_files
from feeds.parse import parse_file, parse_files
from feeds.serve import Preview

sys.path.insert(0, str(ROOT / "bench"))
from corpus import make_corpus  # noqa: E402

NEWS = "content/news/2018-11-12-forum-joins-paris-call.md"
EVENT = "content/events/annual-gathering-2018.md"
NEWS_PAGE = "news/forum-joins-paris-call/index.html"
EVENT_PAGE = "events/annual-gathering-2018/index.html"
FEEDS = {"feeds/atom.xml", "feeds/rss.xml"}


@pytest.fixture
def site(example_site: Path) -> Path:
    """The example newsroom with a second news item, so edits have neighbours to leave alone."""
    (example_site / "content/news/2018-10-01-second.md").write_text(
        "---\ntitle: A second release\ndate: 2018-10-01T10:00\ntags: [policy]\n---\n\nIts body.\n",
        encoding="utf-8")
    return example_site


@pytest.fixture
def build(feeds):
    """Build a site (with its cache unless told otherwise) and return its output tree's bytes."""

    def run(site: Path, *options: str, now: str = EXAMPLE_NOW) -> dict[str, bytes]:
        result = feeds("build", "--site", site, "--now", now, *options)
        assert result.code == 0, result.err
        return tree_bytes(site / "public")

    return run


def clean_build(site: Path, build, tmp_path: Path, *options: str, now: str = EXAMPLE_NOW) -> dict[str, bytes]:
    """The same site built from scratch: a fresh copy with no cache and no previous output."""
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns(CACHE_DIR, "public", ".public.*"))
    return build(fresh, "--no-cache", *options, now=now)


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def mentioning(*trees: dict[str, bytes], needles: tuple[str, ...]) -> set[str]:
    """The outputs, in any of the trees, that show one of the needles: the only ones an edit may change."""
    encoded = [needle.encode() for needle in needles]
    return {path for tree in trees for path, data in tree.items() if any(n in data for n in encoded)}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def override_template(site: Path, name: str, old: str, new: str) -> None:
    """Give the site its own copy of a built-in template, edited."""
    (site / "templates").mkdir(exist_ok=True)
    shutil.copy(ROOT / "templates" / name, site / "templates" / name)
    edit(site / "templates" / name, old, new)


def test_a_cached_build_is_byte_identical_to_a_clean_one(site: Path, build, tmp_path: Path) -> None:
    first = build(site)
    assert (site / CACHE_DIR).is_dir()
    again = build(site)  # everything from the cache: nothing parsed, rendered or written
    assert again == first == clean_build(site, build, tmp_path)


def test_a_copy_of_an_item_under_another_name_is_an_item_of_its_own(site: Path, build, tmp_path: Path) -> None:
    """A file is known by its path as well as its bytes: a copy of an item under another name, as a new
    release is often begun, is read as itself (its own slug, page and id), not as the item it copies."""
    build(site)
    shutil.copy(site / "content/news/2018-10-01-second.md", site / "content/news/2018-10-02-third.md")
    after = build(site)
    assert {"news/second/index.html", "news/third/index.html"} <= after.keys()
    ids = {entry.id for entry in feedparser.parse(after["feeds/atom.xml"]).entries}
    assert {"tag:newsroom.example.org,2018-10-01:news/second", "tag:newsroom.example.org,2018-10-01:news/third"} <= ids
    assert after == clean_build(site, build, tmp_path)


def test_an_unchanged_rebuild_writes_nothing(site: Path, build) -> None:
    build(site)
    inode = (site / "public" / NEWS_PAGE).stat().st_ino
    build(site)
    assert (site / "public" / NEWS_PAGE).stat().st_ino == inode  # the same tree, not a rewritten one


def test_editing_a_news_item_changes_its_page_the_index_and_the_feeds_only(site: Path, build, tmp_path: Path) -> None:
    before = build(site)
    edit(site / NEWS, "title: World", "title: Updated World")
    after = build(site)
    assert changed(before, after) == mentioning(before, needles=("World Economic Forum joins the Paris Call",))
    assert {NEWS_PAGE, "index.html", *FEEDS} <= changed(before, after)
    page = lxml.html.fromstring(after[NEWS_PAGE])
    assert page.findtext(".//h1").startswith("Updated World")
    titles = [entry.title for entry in feedparser.parse(after["feeds/atom.xml"]).entries]
    assert any(title.startswith("Updated World") for title in titles)
    assert after == clean_build(site, build, tmp_path)


def test_moving_an_event_end_changes_its_page_and_the_calendar_only(site: Path, build, tmp_path: Path) -> None:
    before = build(site)
    edit(site / EVENT, "end: 2018-11-27", "end: 2018-11-28")
    after = build(site)
    # Only what shows the event may change, and what shows its end must.
    assert changed(before, after) <= mentioning(before, needles=("annual-gathering-2018",))
    assert {EVENT_PAGE, "feeds/events.ics", "events/annual-gathering-2018/event.ics"} <= changed(before, after)
    [event] = icalendar.Calendar.from_ical(after["feeds/events.ics"]).walk("VEVENT")
    assert event.decoded("DTEND").isoformat() == "2018-11-29"
    assert int(event["SEQUENCE"]) == 1  # the ledger saw the change too
    assert after == clean_build(site, build, tmp_path)


def test_editing_a_template_changes_the_pages_that_use_it(site: Path, build, tmp_path: Path) -> None:
    before = build(site)
    override_template(site, "news.html", '<article class="h-entry item"', '<article class="h-entry item edited"')
    after = build(site)
    news_pages = {path for path in after if path.startswith("news/") and path != "news/index.html"}  # not the list
    assert len(news_pages) == 2
    assert changed(before, after) == news_pages
    assert all(lxml.html.fromstring(after[p]).find_class("edited") for p in news_pages)
    assert after == clean_build(site, build, tmp_path)


def test_editing_a_setting_changes_every_output_that_shows_it(site: Path, build, tmp_path: Path) -> None:
    before = build(site)
    edit(site / "site.toml", 'title = "Centre for Cybersecurity Newsroom"', 'title = "Cyber Newsroom"')
    after = build(site)
    # Every output that shows the title, and no other: the calendar is named by [calendar] name.
    assert changed(before, after) == mentioning(before, needles=("Centre for Cybersecurity Newsroom",))
    assert {path for path in after if path.endswith(".html")} | FEEDS <= changed(before, after)
    assert feedparser.parse(after["feeds/atom.xml"]).feed.title == "Cyber Newsroom"
    assert after == clean_build(site, build, tmp_path)


def test_a_smaller_page_of_lists_pages_every_list_anew(site: Path, build, tmp_path: Path) -> None:
    before = build(site)
    with (site / "site.toml").open("a") as settings:
        settings.write("\n[pages]\nper_page = 1\n")
    after = build(site)
    added = set(after) - set(before)
    assert {"archive/page/2/index.html", "tags/cybersecurity/page/2/index.html"} <= added
    assert lxml.html.fromstring(after["archive/page/2/index.html"]).xpath('//nav[@class="pagination"]')
    assert after == clean_build(site, build, tmp_path)


def test_a_base_url_override_is_a_setting_too(site: Path, build, tmp_path: Path) -> None:
    before = build(site)
    after = build(site, "--base-url", "https://staging.example.org/")
    assert "https://staging.example.org/news/forum-joins-paris-call/" in after[NEWS_PAGE].decode()
    assert changed(before, after) >= {NEWS_PAGE, "index.html", "feeds/events.ics", *FEEDS}
    assert after == clean_build(site, build, tmp_path, "--base-url", "https://staging.example.org/")


def test_a_production_build_after_a_staging_build_is_a_clean_production_build(site: Path, build,
                                                                             tmp_path: Path) -> None:
    """Whether a build is for staging (robots.txt, noindex, X-Robots-Tag) follows the settings in
    every kept part: nothing of the staging copy is left in the production build that follows it."""
    staging = build(site, "--base-url", "https://staging.example.net/")
    assert staging["robots.txt"] == b"User-agent: *\nDisallow: /\n"
    after = build(site)
    assert after == clean_build(site, build, tmp_path)
    assert build(site, "--base-url", "https://staging.example.net/") == staging


def test_the_preview_opens_to_crawlers_once_base_url_is_its_address(site: Path, feeds, tmp_path: Path) -> None:
    """The preview builds for its own address, a staging copy; base_url set to that address in
    site.toml makes it the site's own, whose _headers (kept between the preview's builds while the
    paths are the same) no longer says noindex."""
    output, base_url = tmp_path / "preview", "http://127.0.0.1:8000/"
    preview = Preview(site, output, base_url=base_url, now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False,
                      echo=lambda line: None)
    preview.rebuild()
    assert b"X-Robots-Tag: noindex" in (output / "_headers").read_bytes()
    edit(site / "site.toml", 'base_url = "https://newsroom.example.org/"', f'base_url = "{base_url}"')
    preview.rebuild()
    assert not preview.state.problems
    assert b"X-Robots-Tag" not in (output / "_headers").read_bytes()
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW, "--no-cache", "--output", tmp_path / "clean")
    assert result.code == 0, result.err
    assert tree_bytes(output) == tree_bytes(tmp_path / "clean")


def test_deleting_a_file_removes_exactly_its_outputs(site: Path, build, tmp_path: Path) -> None:
    before = build(site)
    (site / "content/news/2018-10-01-second.md").unlink()
    ledger = json.loads((site / "published.json").read_text(encoding="utf-8"))
    ledger["items"] = [row for row in ledger["items"] if row["path"] != "content/news/2018-10-01-second.md"]
    (site / "published.json").write_text(json.dumps(ledger), encoding="utf-8")  # retired on purpose
    after = build(site)
    # What showed the item or its only tag (policy), and nothing else.
    assert changed(before, after) <= mentioning(before, needles=("A second release", "news/second/", "policy"))
    assert {"news/second/index.html", "index.html", *FEEDS} <= changed(before, after)
    assert "news/second/index.html" not in after
    assert not (site / "public/news/second").exists()
    assert "A second release" not in after["index.html"].decode()
    assert after == clean_build(site, build, tmp_path)


def test_a_deleted_published_file_still_fails_and_leaves_the_output(site: Path, build, feeds) -> None:
    before = build(site)
    (site / NEWS).unlink()
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert "has disappeared" in result.err
    assert tree_bytes(site / "public") == before


def test_time_passing_moves_events_to_the_past_despite_the_cache(site: Path, build, tmp_path: Path) -> None:
    build(site)
    later = "2018-11-28T00:00:00+01:00"
    after = build(site, now=later)
    past = lxml.html.fromstring(after["index.html"]).get_element_by_id("past-heading").getparent()
    assert "Annual Gathering" in past.text_content()
    assert after == clean_build(site, build, tmp_path, now=later)


def test_a_hand_edited_output_is_rebuilt(site: Path, build) -> None:
    before = build(site)
    (site / "public/index.html").write_text("tampered", encoding="utf-8")
    (site / "public/stray.txt").write_text("left behind", encoding="utf-8")
    assert build(site) == before


def _stray_file(public: Path) -> None:
    (public / "news/forum-joins-paris-call/notes.txt").write_text("left behind", encoding="utf-8")


def _stray_folder(public: Path) -> None:
    (public / "events/annual-gathering-2018/old").mkdir()


def _page_deleted(public: Path) -> None:
    (public / "tags/paris-call/index.html").unlink()


def _page_made_a_folder(public: Path) -> None:
    (public / "tags/paris-call/index.html").unlink()
    (public / "tags/paris-call/index.html").mkdir()


@pytest.mark.parametrize("tamper", [_stray_file, _stray_folder, _page_deleted, _page_made_a_folder])
def test_any_change_to_the_output_tree_alone_is_undone_by_the_next_build(site: Path, build, tamper) -> None:
    """A build that changes nothing checks that the tree is as it left it, every file and folder."""
    before = build(site)
    tamper(site / "public")
    assert build(site) == before
    assert not (site / "public/news/forum-joins-paris-call/notes.txt").exists()
    assert not (site / "public/events/annual-gathering-2018/old").exists()


def test_drafts_flag_is_part_of_the_key(site: Path, build, tmp_path: Path) -> None:
    (site / "content/news/2018-11-01-draft.md").write_text(
        "---\ntitle: Not yet\ndate: 2018-11-01\ndraft: true\n---\n\nSoon.\n", encoding="utf-8")
    without = build(site)
    with_drafts = build(site, "--drafts")
    assert changed(without, with_drafts) == mentioning(with_drafts, needles=("Not yet", "news/draft/"))
    assert {"news/draft/index.html", "index.html", *FEEDS} <= changed(without, with_drafts)
    assert build(site) == without == clean_build(site, build, tmp_path)


def test_a_corrupt_cache_is_ignored(site: Path, build) -> None:
    before = build(site)
    for stored in (site / CACHE_DIR).iterdir():
        stored.write_bytes(b"not a pickle")
    (site / "public/index.html").write_text("tampered", encoding="utf-8")
    assert build(site) == before


def test_parsing_over_the_cores_gives_the_same_items_in_order(tmp_path: Path) -> None:
    site = tmp_path / "bench"
    make_corpus(400, site, seed=3)
    config = load_config(site)
    jobs = [(site / name, (site / name).read_bytes(), linked) for name, linked in source_files(site)]
    parallel = parse_files(jobs, site, config)
    assert parallel == [parse_file(path, data, site, config, linked) for path, data, linked in jobs]
    assert all(parsed.item is not None and not any(p.is_error for p in parsed.problems) for parsed in parallel)


def test_the_benchmark_corpus_is_deterministic(tmp_path: Path, build) -> None:
    make_corpus(60, tmp_path / "a", seed=7)
    make_corpus(60, tmp_path / "b", seed=7)
    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")
    output = build(tmp_path / "a", now="2020-01-01T00:00:00+00:00")
    events = icalendar.Calendar.from_ical(output["feeds/events.ics"]).walk("VEVENT")
    zones = {str(event["DTSTART"].params.get("TZID")) for event in events if "TZID" in event["DTSTART"].params}
    assert len(zones) >= 3
    assert any(event.decoded("DTSTART").__class__.__name__ == "date" for event in events)


def link_second_to_first(site: Path) -> None:
    """The second release links to the first, so each is the other's related item."""
    (site / "content/news/2018-10-01-second.md").write_text(
        "---\ntitle: A second release\ndate: 2018-10-01T10:00\ntags: [policy]\n---\n\n"
        "See [our release](https://newsroom.example.org/news/forum-joins-paris-call/).\n", encoding="utf-8")


def test_editing_a_related_item_changes_the_page_that_lists_it(site: Path, build, tmp_path: Path) -> None:
    link_second_to_first(site)
    config = load_config(site)
    (site / "content/news/2018-10-01-second.md").write_text(
        (site / "content/news/2018-10-01-second.md").read_text(encoding="utf-8")
        .replace("https://newsroom.example.org/", config.base_url), encoding="utf-8")
    before = build(site)
    second = "news/second/index.html"
    assert "World Economic Forum joins the Paris Call" in lxml.html.fromstring(before[second]).text_content()
    edit(site / NEWS, "title: World", "title: Updated World")
    after = build(site)
    related = lxml.html.fromstring(after[second]).find_class("related")
    assert related and "Updated World" in related[0].text_content()
    assert second in changed(before, after)
    assert after == clean_build(site, build, tmp_path)


def test_editing_strings_changes_every_page(site: Path, build, tmp_path: Path) -> None:
    before = build(site)
    (site / "templates/strings").mkdir(parents=True)
    (site / "templates/strings/en.toml").write_text('footer_feeds = "Subscribe"\n', encoding="utf-8")
    after = build(site)
    pages = {path for path in after if path.endswith(".html")}
    assert pages <= changed(before, after)
    for path in (NEWS_PAGE, EVENT_PAGE, "archive/index.html", "tags/policy/index.html"):
        footer = lxml.html.fromstring(after[path]).find_class("site-footer")[0]
        assert "Subscribe" in footer.text_content()
    assert after == clean_build(site, build, tmp_path)


def output_keys(site: Path) -> dict[str, str]:
    """The key (or digest) of each file the last build wrote, by path: a file rendered again under a
    new key is told from one kept, whatever its bytes."""
    from feeds.cache import OutputRecord

    record = pickle.loads((site / CACHE_DIR / "output.pickle").read_bytes())
    assert isinstance(record, OutputRecord)
    return {path: stamp[0] for path, stamp in record.stamps.items()}


def rekeyed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def test_editing_the_style_sheet_publishes_it_alone(site: Path, build, tmp_path: Path) -> None:
    """No page reads static/style.css (pages take from static files the sizes of images alone): an
    edit to it publishes that file, and renders no page or feed again (each keeps its key)."""
    (site / "templates/static").mkdir(parents=True)
    shutil.copy(ROOT / "templates/static/style.css", site / "templates/static/style.css")
    before, keys = build(site), output_keys(site)
    with open(site / "templates/static/style.css", "a", encoding="utf-8") as sheet:
        sheet.write(".site-footer { color: navy; }\n")
    after = build(site)
    assert changed(before, after) == {"static/style.css"}
    assert rekeyed(keys, output_keys(site)) == {"static/style.css"}
    assert after == clean_build(site, build, tmp_path)


def test_an_image_of_other_dimensions_renders_again_the_pages_that_show_it(site: Path, build, tmp_path: Path) -> None:
    """A page takes from a static image its width and height (an item's image, one in a body, a link
    preview's): another picture of other dimensions renders again the pages that show it. One of the
    same dimensions renders no page again, but the feed documents whose enclosures give its size."""
    with_news_photo(site, 120, 80)
    edit(site / "content/news/2018-10-01-second.md", "Its body.", "Its body.\n\n![A room](../../static/images/photo.png)")
    photo = site / "templates/static/images/photo.png"
    before, keys = build(site), output_keys(site)
    photo.write_bytes(png(90, 60))
    after = build(site)
    for path in (NEWS_PAGE, "news/second/index.html"):
        [image] = lxml.html.fromstring(after[path]).xpath('//img[contains(@src, "static/images/photo.png")]')
        assert (image.get("width"), image.get("height")) == ("90", "60")
    assert b'<meta property="og:image:width" content="90">' in after[NEWS_PAGE]
    assert {NEWS_PAGE, "news/second/index.html"} <= rekeyed(keys, output_keys(site))
    assert changed(before, after) <= mentioning(before, needles=("static/images/photo.png",)) | {
        "static/images/photo.png"}
    assert after == clean_build(site, build, tmp_path)
    before, keys = after, output_keys(site)
    photo.write_bytes(png(90, 60) + b"\0" * 1000)  # the same dimensions, a longer file
    after = build(site)
    assert not {path for path in rekeyed(keys, output_keys(site)) if path.endswith(".html")}
    assert FEEDS <= changed(before, after) <= {"static/images/photo.png", *(p for p in after if p.startswith("feeds/"))}
    assert after == clean_build(site, build, tmp_path)


@pytest.mark.parametrize("include", ['{% include "static/mark.svg" %}', '{% include "static/" ~ "mark.svg" %}'])
def test_a_static_file_a_template_includes_is_part_of_the_pages(site: Path, build, tmp_path: Path,
                                                                include: str) -> None:
    """A template may include a static file ({% include "static/mark.svg" %}, an SVG drawn inline):
    the pages then hold its bytes, and a change to it renders them again; so does any static file
    when a template names the one it includes at run time."""
    (site / "templates/static").mkdir(parents=True)
    mark = site / "templates/static/mark.svg"
    mark.write_text('<svg xmlns="http://www.w3.org/2000/svg"><title>Old mark</title></svg>\n', encoding="utf-8")
    override_template(site, "base.html", '<a class="skip"', include + '<a class="skip"')
    build(site)
    edit(mark, "Old mark", "New mark")
    after = build(site)
    assert b"New mark" in after[NEWS_PAGE] and b"New mark" in after["archive/index.html"]
    assert after == clean_build(site, build, tmp_path)


def test_a_news_image_in_root_that_changes_gives_its_enclosure_its_new_size(site: Path, build, tmp_path: Path) -> None:
    """An item's image may be a file of root/, published as it is: the feeds' enclosures give its
    size, so a change to it (and nothing else) renders the feed documents again."""
    (site / "root/press").mkdir(parents=True)
    photo = site / "root/press/photo.png"
    photo.write_bytes(png(4, 3))
    edit(site / NEWS, "dateline:", "image: press/photo.png\nimage_alt: The signing\ndateline:")
    before = build(site, "--strict")  # a file of the site: not warned of as missing
    photo.write_bytes(png(40, 30) + b"\0" * 1000)
    after = build(site)
    assert after == clean_build(site, build, tmp_path)
    assert "press/photo.png" in changed(before, after)
    for path in ("feeds/atom.xml", "feeds/rss.xml"):
        [enclosure] = [link for entry in feedparser.parse(after[path]).entries for link in entry.enclosures]
        assert int(enclosure.length) == photo.stat().st_size, path


EVENT_ID = "tag:newsroom.example.org,2018-11-12:events/annual-gathering-2018"
EVENT_FILES = {EVENT_PAGE, "events/annual-gathering-2018/event.ics", "feeds/events.ics",
               *(f"feeds/tags/{tag}/events.ics" for tag in ("centre-for-cybersecurity", "cybersecurity"))}  # its tags' calendars


def holding_the_event(tree: dict[str, bytes]) -> set[str]:
    """The feed documents that hold the example's event as an entry."""
    return {path for path, data in tree.items() if path.startswith("feeds/") and EVENT_ID.encode() in data}


def test_giving_an_event_an_image_changes_its_page_calendars_and_feed_entries_only(site: Path, build,
                                                                                   tmp_path: Path) -> None:
    """An event's image is on its page, in its VEVENT (events.ics and its own file) and in its feed
    entries: giving it one changes those, and no list page, which shows no image."""
    event = with_event_photo(site, 120, 80)
    text = event.read_text(encoding="utf-8")
    event.write_text(text.replace("image: static/images/poster.png\nimage_alt: The gathering's poster\n", ""),
                     encoding="utf-8")
    before = build(site)
    event.write_text(text, encoding="utf-8")
    after = build(site)
    assert len(holding_the_event(before)) == 9  # the site's feeds and two tags', in three formats
    assert changed(before, after) == EVENT_FILES | holding_the_event(before)
    [vevent] = icalendar.Calendar.from_ical(after["feeds/events.ics"]).walk("VEVENT")
    assert [image.uri for image in vevent.images] == ["https://newsroom.example.org/static/images/poster.png"]
    assert after == clean_build(site, build, tmp_path)


def test_an_event_image_of_other_dimensions_or_length_renders_again_what_gives_them(site: Path, build,
                                                                                  tmp_path: Path) -> None:
    """An event's page gives its image's width and height, and its feed entries the file's length: a
    picture of other dimensions renders its page again, one of another length the feed documents that
    hold it; the calendars, which give its address alone, are kept."""
    with_event_photo(site, 120, 80)
    poster = site / "templates/static/images/poster.png"
    before, keys = build(site), output_keys(site)
    poster.write_bytes(png(90, 60))
    after = build(site)
    [hero] = lxml.html.fromstring(after[EVENT_PAGE]).find_class("u-photo")
    assert (hero.get("width"), hero.get("height")) == ("90", "60")
    assert changed(before, after) == {EVENT_PAGE, "static/images/poster.png"} | holding_the_event(before)
    assert not rekeyed(keys, output_keys(site)) & EVENT_FILES - {EVENT_PAGE}
    assert after == clean_build(site, build, tmp_path)
    before, keys = after, output_keys(site)
    poster.write_bytes(png(90, 60) + b"\0" * 1000)  # the same dimensions, a longer file
    after = build(site)
    assert changed(before, after) == {"static/images/poster.png"} | holding_the_event(before)
    assert not {path for path in rekeyed(keys, output_keys(site)) if path.endswith((".html", ".ics"))}
    for path in ("feeds/atom.xml", "feeds/rss.xml"):
        [enclosure] = [link for entry in feedparser.parse(after[path]).entries for link in entry.enclosures]
        assert int(enclosure.length) == poster.stat().st_size, path
    assert after == clean_build(site, build, tmp_path)


def test_an_event_image_left_out_of_the_feeds_does_not_render_them_again(site: Path, build, tmp_path: Path) -> None:
    """With `[feeds] include_events = false` no feed gives an event's image, which its page and
    calendars still give: a new length of its file renders no feed document again."""
    with_event_photo(site, 120, 80)
    edit(site / "site.toml", "include_events = true", "include_events = false")
    poster = site / "templates/static/images/poster.png"
    before, keys = build(site), output_keys(site)
    assert not holding_the_event(before)
    assert all(b"static/images/poster.png" in before[path] for path in EVENT_FILES)
    poster.write_bytes(png(120, 80) + b"\0" * 1000)
    after = build(site)
    assert changed(before, after) == rekeyed(keys, output_keys(site)) == {"static/images/poster.png"}
    assert after == clean_build(site, build, tmp_path)


def test_editing_the_list_template_changes_every_list_page(site: Path, build, tmp_path: Path) -> None:
    before = build(site)
    override_template(site, "listing.html", "{% block main %}", '{% block main %}<p class="edited-list"></p>')
    after = build(site)
    lists = {path for path in after if path.startswith(("archive/", "tags/")) and path != "tags/index.html"}
    lists |= {"news/index.html", "events/index.html"}
    assert lists and changed(before, after) == lists
    assert all(lxml.html.fromstring(after[path]).find_class("edited-list") for path in lists)
    assert after == clean_build(site, build, tmp_path)


def test_a_template_reading_the_whole_site_makes_every_page_follow_it(site: Path, build, tmp_path: Path) -> None:
    override_template(site, "news.html", '<article class="h-entry item"',
                      '<p class="count">{{ site.items | length }} items</p><article class="h-entry item"')
    before = build(site)
    assert lxml.html.fromstring(before[NEWS_PAGE]).find_class("count")[0].text == "3 items"
    (site / "content/news/2018-09-01-third.md").write_text(
        "---\ntitle: A third release\ndate: 2018-09-01T10:00\n---\n\nAnother body.\n", encoding="utf-8")
    after = build(site)
    assert lxml.html.fromstring(after[NEWS_PAGE]).find_class("count")[0].text == "4 items"
    assert after == clean_build(site, build, tmp_path)


def test_a_hand_edited_page_is_repaired_by_the_next_build_that_renders(site: Path, build, tmp_path: Path) -> None:
    before = build(site)
    (site / "public" / NEWS_PAGE).write_text("tampered", encoding="utf-8")
    (site / "public/news/second/index.html").write_text("tampered too", encoding="utf-8")
    edit(site / EVENT, "end: 2018-11-27", "end: 2018-11-28")  # renders again, reusing what is untouched
    after = build(site)
    assert after["news/second/index.html"] == before["news/second/index.html"]  # untouched by the edit
    assert after == clean_build(site, build, tmp_path)
    edit(site / EVENT, "end: 2018-11-28", "end: 2018-11-29")  # the tampered tree is now the spare
    assert build(site) == clean_build(site, build, tmp_path)


def test_unchanged_files_are_linked_not_rewritten(site: Path, build) -> None:
    untouched = site / "public/news/second/index.html"  # shows nothing of the event
    build(site)
    edit(site / EVENT, "end: 2018-11-27", "end: 2018-11-28")
    build(site)
    first, event_page = untouched.stat(), (site / "public" / EVENT_PAGE).stat()
    edit(site / EVENT, "end: 2018-11-28", "end: 2018-11-29")
    build(site)
    second = untouched.stat()
    # The new tree holds the same file as the last one (linked, or kept in the spare), never a rewrite.
    assert (second.st_ino, second.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    assert (site / "public" / EVENT_PAGE).stat().st_ino != event_page.st_ino


def test_the_files_of_root_are_inputs_each_changing_its_own_output(site: Path, build, tmp_path: Path) -> None:
    """root/'s files are published as they are: a build that changes nothing still does nothing, and
    editing, adding or deleting one changes exactly that file (and, for a new or gone path, _headers)."""
    (site / "root/.well-known").mkdir(parents=True)
    (site / "root/CNAME").write_bytes(b"newsroom.example.org\n")
    (site / "root/_redirects").write_bytes(b"/press/old.html /news/forum-joins-paris-call/ 301\n")
    before = build(site)
    swapped = (site / "public").stat().st_ino
    assert build(site) == before
    assert (site / "public").stat().st_ino == swapped  # nothing was rendered or swapped in
    steps = [(lambda: (site / "root/_redirects").write_bytes(b"/press/old.html /news/second/ 301\n"), {"_redirects"}),
             (lambda: (site / "root/.well-known/security.txt").write_bytes(b"Contact: mailto:s@example.org\n"),
              {".well-known/security.txt", "_headers"}),
             (lambda: (site / "root/CNAME").unlink(), {"CNAME", "_headers"})]
    for change, outputs in steps:
        change()
        after = build(site)
        assert changed(before, after) == outputs
        assert {name: after[name] for name in outputs if name in after and name != "_headers"} == {
            name: (site / "root" / name).read_bytes() for name in outputs if (site / "root" / name).exists()}
        assert after == clean_build(site, build, tmp_path)
        before = after
    assert "CNAME" not in before and not (site / "public/CNAME").exists()


def test_unchanged_files_of_root_are_linked_from_the_last_tree(site: Path, build) -> None:
    (site / "root").mkdir()
    (site / "root/CNAME").write_bytes(b"newsroom.example.org\n")
    (site / "root/_redirects").write_bytes(b"/old /news/ 301\n")
    build(site)
    first = (site / "public/CNAME").stat()
    (site / "root/_redirects").write_bytes(b"/older /news/ 301\n")
    build(site)
    second = (site / "public/CNAME").stat()
    assert (second.st_ino, second.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    assert (site / "public/_redirects").read_bytes() == b"/older /news/ 301\n"


def test_a_repeating_event_page_follows_time_despite_the_cache(site: Path, build, tmp_path: Path) -> None:
    (site / "content/events/weekly-briefing.md").write_text(
        "---\ntitle: Weekly briefing\ndate: 2018-10-01T10:00\nstart: 2018-11-05T10:00\nend: 2018-11-05T11:00\n"
        "rrule: FREQ=WEEKLY;COUNT=10\ntags: [policy]\n---\n\nEvery Monday.\n", encoding="utf-8")
    page = "events/weekly-briefing/index.html"
    before = build(site)
    later = "2018-12-04T12:00:00+01:00"
    after = build(site, now=later)
    assert before[page] != after[page]
    first_shown = lxml.html.fromstring(after[page]).find_class("occurrences")[0].find(".//time").get("datetime")
    assert first_shown.startswith("2018-12-10")
    assert after == clean_build(site, build, tmp_path, now=later)


def age_source_record(site: Path) -> None:
    """Move the recorded moment the content files were stamped ten seconds on, as if they had been
    written long before: only then does a build trust their stamps instead of reading them."""
    from feeds.cache import SourceRecord

    stored = site / CACHE_DIR / "sources.pickle"
    record = pickle.loads(stored.read_bytes())
    assert isinstance(record, SourceRecord) and record.stamps
    stored.write_bytes(pickle.dumps(dataclasses.replace(record, taken=record.taken + 10_000_000_000)))


def test_a_file_is_known_by_its_stamp_and_any_write_is_seen(site: Path, build, tmp_path: Path) -> None:
    build(site)
    age_source_record(site)
    config = load_config(site)
    cache = BuildCache.open(site)
    names = [name for name, _ in source_files(site)]
    assert all(cache.known_keys(config, [(name, (site / name).stat(), False) for name in names]))  # not read again
    path = site / NEWS
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: World", "title: Wxrld", 1), encoding="utf-8")  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same modification time
    assert BuildCache.open(site).known_keys(config, [(NEWS, path.stat(), False)]) == [None]  # its change time moved
    after = build(site)
    assert lxml.html.fromstring(after[NEWS_PAGE]).findtext(".//h1").startswith("Wxrld")
    assert after == clean_build(site, build, tmp_path)


def test_stray_files_and_folders_are_removed_from_either_tree(site: Path, build) -> None:
    build(site)
    (site / "public/stray/deeper").mkdir(parents=True)
    (site / "public/news/stray.txt").write_text("left behind", encoding="utf-8")
    for end in ("2018-11-28", "2018-11-29"):  # the second build starts from the tree that was tampered with
        text = (site / EVENT).read_text(encoding="utf-8")
        (site / EVENT).write_text(re.sub(r"end: 2018-11-\d\d", f"end: {end}", text, count=1), encoding="utf-8")
        build(site)
        assert not (site / "public/stray").exists() and not (site / "public/news/stray.txt").exists()


def test_a_template_reading_the_time_makes_every_page_follow_it(site: Path, build, tmp_path: Path) -> None:
    override_template(site, "event.html", "{% block main %}",
                      '{% block main %}<p class="when-built">{{ "over" if item.ends_before(site.now) else "ahead" }}</p>')
    before = build(site)
    assert lxml.html.fromstring(before[EVENT_PAGE]).find_class("when-built")[0].text == "ahead"
    later = "2018-11-28T00:00:00+01:00"
    after = build(site, now=later)
    assert lxml.html.fromstring(after[EVENT_PAGE]).find_class("when-built")[0].text == "over"
    assert after == clean_build(site, build, tmp_path, now=later)


HEAVY = ("jinja2", "icalendar", "feedgen", "lxml", "yaml", "cmarkgfm")


def loaded_after(code: str) -> set[str]:
    """The heavy libraries a fresh interpreter has imported after running `code`."""
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    return set(done.stdout.split())


def test_help_and_a_build_that_changes_nothing_start_light(site: Path, build) -> None:
    assert loaded_after("from feeds.cli import parser; parser().format_help()") == set()
    build(site)
    age_source_record(site)
    unchanged = ("import contextlib, io\nfrom feeds.cli import main\nwith contextlib.redirect_stdout(io.StringIO()):\n"
                 f"    assert main(['build', '--site', {str(site)!r}, '--now', {EXAMPLE_NOW!r}]) == 0")
    # Nothing is parsed or rendered: no parser, template engine or feed writer is even loaded.
    assert loaded_after(unchanged) == set()


def test_a_build_that_changes_nothing_does_not_even_read_the_items(site: Path, build) -> None:
    before = build(site)
    age_source_record(site)
    items = site / CACHE_DIR / "items.pickle"
    items.write_bytes(b"not read")  # a build that read it would parse everything again and save it
    assert build(site) == before
    assert items.read_bytes() == b"not read"
    (site / "public/index.html").write_text("tampered", encoding="utf-8")  # but any change is seen
    assert build(site) == before
    assert items.read_bytes() != b"not read"


def test_a_site_without_items_is_not_built_again_as_time_passes(example_site: Path, build) -> None:
    """Nothing it shows depends on the moment within the year (an empty feed is dated 1970), so a
    build a day later does nothing: the output folder is not even swapped; a build in the next year
    is a new one (its calendar's time zone covers that year)."""
    for item in (example_site / "content").rglob("*.md"):
        item.unlink()
    (example_site / "published.json").unlink()
    build(example_site, now="2018-11-20T12:00:00+01:00")
    folder = (example_site / "public").stat().st_ino
    assert build(example_site, now="2018-11-21T12:00:00+01:00") and (example_site / "public").stat().st_ino == folder
    build(example_site, now="2019-01-02T12:00:00+01:00")
    assert (example_site / "public").stat().st_ino != folder


def test_a_strict_build_fails_on_warnings_even_when_nothing_changed(site: Path, build, feeds) -> None:
    (site / "content/events/nowhere.md").write_text(
        "---\ntitle: Somewhere\nstart: 2018-12-01\n---\n\nNo place yet.\n", encoding="utf-8")
    before = build(site)  # built, with a warning: the event has no location
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW, "--strict")
    assert result.code == 1
    assert "content/events/nowhere.md:1: warning: location: the event has no location" in result.err
    assert tree_bytes(site / "public") == before


def test_a_change_to_the_package_code_changes_every_key(tmp_path: Path) -> None:
    """A renderer changed without a new version (an install from a checkout) never meets its old parts."""
    shutil.copytree(ROOT / "feeds", tmp_path / "feeds", ignore=shutil.ignore_patterns("__pycache__"))

    def software_key() -> str:
        return subprocess.run([sys.executable, "-c", "from feeds.keys import software_key; print(software_key())"],
                              cwd=tmp_path, capture_output=True, text=True, check=True).stdout

    before = software_key()
    assert software_key() == before
    renderer = tmp_path / "feeds/render/ics.py"
    renderer.write_text(renderer.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert software_key() != before


def test_another_python_changes_every_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python's own modules (html, json, zoneinfo) shape outputs too, and a virtual environment
    moved to another Python keeps the libraries' versions."""
    import platform

    from feeds import keys

    before = keys.software_key.__wrapped__()
    monkeypatch.setattr(platform, "python_version", lambda: "3.99.0")
    assert keys.software_key.__wrapped__() != before


@pytest.mark.parametrize("library", [dependency for dependency in re.findall(
    r'^  "([A-Za-z0-9_.-]+)', (ROOT / "pyproject.toml").read_text(encoding="utf-8").partition("dependencies = [")[2]
    .partition("]")[0], re.M) if dependency not in ("tqdm", "watchdog")])  # a progress bar, the preview's watcher
def test_a_new_version_of_a_library_that_shapes_the_outputs_changes_every_key(library: str,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Each library the outputs are made with (a Markdown, YAML or iCalendar release) is in the key: an
    upgrade never meets what the old one made."""
    from importlib import metadata

    from feeds import keys

    before = keys.software_key.__wrapped__()
    version = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "99.0" if name.lower() == library.lower() else version(name))
    assert keys.software_key.__wrapped__() != before


def test_a_template_that_shows_now_is_rendered_again_at_every_moment(example_site: Path, feeds) -> None:
    """The build keys what the standard templates take from `now`; one that shows `now` itself makes
    every moment its own, and a cached build stays the clean one."""
    (example_site / "templates").mkdir()
    base = (ROOT / "templates/base.html").read_text()
    (example_site / "templates/base.html").write_text(base.replace("</main>", "<p id=now>{{ site.now }}</p>\n</main>"))
    for now in ("2018-11-20T12:00:00+01:00", "2018-11-21T12:00:00+01:00"):
        assert feeds("build", "--site", example_site, "--now", now).code == 0
        page = lxml.html.parse(str(example_site / "public/index.html")).getroot()
        assert page.get_element_by_id("now").text == now.replace("T", " ")


@pytest.mark.parametrize(("name", "text", "warned"), [
    # an event with no date, announced at its start: warned of until it starts
    ("content/events/soon.md", "title: Soon\nstart: 2018-12-20T10:00\nend: 2018-12-20T12:00\nlocation: Geneva\n",
     "is not given"),
    # an update still to come: warned of until then
    ("content/news/fixed.md", "title: Fixed\ndate: 2018-11-12T09:00:00Z\nupdated: 2018-12-20T10:00:00Z\n",
     "updated: is still to come"),
])
def test_a_warning_that_ends_at_a_moment_is_not_kept_past_it(example_site: Path, feeds, name: str, text: str,
                                                             warned: str) -> None:
    (example_site / name).write_text(f"---\n{text}---\nX.\n")
    assert warned in feeds("build", "--site", example_site, "--now", "2018-12-20T08:00:00Z").err
    result = feeds("build", "--site", example_site, "--now", "2018-12-20T10:30:00Z", "--strict")
    assert result.code == 0 and warned not in result.err, result.err


def test_an_older_item_added_keeps_the_archive_walk_whole(example_site: Path, feeds, tmp_path: Path) -> None:
    """The subscription document's prev-archive depends on the number of items, not only on its own
    entries: a cached build links the right archive, as a clean build does."""
    config = example_site / "site.toml"
    config.write_text(config.read_text().replace("limit = 20", "limit = 3").replace("include_events = true", "include_events = false"))
    for n in range(2, 7):
        (example_site / f"content/news/n{n}.md").write_text(f"---\ntitle: N{n}\ndate: 2018-11-0{n}\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    (example_site / "content/news/older.md").write_text("---\ntitle: Older\ndate: 2018-10-01\n---\nX.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    assert feeds("build", "--site", example_site, "--output", tmp_path / "clean", "--no-cache", "--now", EXAMPLE_NOW).code == 0
    assert tree_bytes(example_site / "public") == tree_bytes(tmp_path / "clean")


def test_a_newer_item_that_fills_an_archive_links_the_one_before_to_it(example_site: Path, build,
                                                                       tmp_path: Path) -> None:
    """An archive that is full never changes its entries, but the archive before it gains a
    next-archive link to it: a cached build writes that link, as a clean build does."""
    config = example_site / "site.toml"
    config.write_text(config.read_text().replace("limit = 20", "limit = 2").replace("include_events = true", "include_events = false"))
    for n in (2, 3):
        (example_site / f"content/news/n{n}.md").write_text(f"---\ntitle: N{n}\ndate: 2018-11-0{n}\n---\nX.\n")
    before = build(example_site)
    assert "feeds/archive/2/atom.xml" not in before
    (example_site / "content/news/newer.md").write_text("---\ntitle: Newer\ndate: 2018-11-19\n---\nX.\n")
    after = build(example_site)
    for fmt in ("atom.xml", "rss.xml"):
        archive = feedparser.parse(after[f"feeds/archive/1/{fmt}"])
        assert {link.rel: link.href for link in archive.feed.links}.get("next-archive") == (
            f"https://newsroom.example.org/feeds/archive/2/{fmt}")
    assert after == clean_build(example_site, build, tmp_path)


def test_a_sequence_raised_in_the_ledger_alone_reaches_the_calendar(site: Path, build, tmp_path: Path) -> None:
    """published.json may change without the content, as when a colleague's build raised an event's
    SEQUENCE and the ledger is pulled: a cached build gives the calendars the ledger's sequence."""
    build(site)
    ledger = json.loads((site / "published.json").read_text(encoding="utf-8"))
    [entry] = [row for row in ledger["items"] if row["path"] == EVENT]
    entry["sequence"] = 3
    (site / "published.json").write_text(json.dumps(ledger, indent=2) + "\n", encoding="utf-8")
    after = build(site)
    for path in ("feeds/events.ics", "events/annual-gathering-2018/event.ics"):
        [event] = icalendar.Calendar.from_ical(after[path]).walk("VEVENT")
        assert int(event["SEQUENCE"]) == 3, path
    assert after == clean_build(site, build, tmp_path)


def test_editing_a_string_the_calendar_speaks_changes_the_calendar(site: Path, build, tmp_path: Path) -> None:
    """A cancelled event's title is prefixed in the site's UI words: the site's own strings file
    changes the calendars, not only the pages."""
    edit(site / EVENT, "timezone: Europe/Zurich", "timezone: Europe/Zurich\nstatus: cancelled")
    build(site)
    (site / "templates/strings").mkdir(parents=True)
    (site / "templates/strings/en.toml").write_text('status_cancelled = "Called off"\n', encoding="utf-8")
    after = build(site)
    for path in ("feeds/events.ics", "events/annual-gathering-2018/event.ics"):
        [event] = icalendar.Calendar.from_ical(after[path]).walk("VEVENT")
        assert str(event["SUMMARY"]) == "Called off: Annual Gathering of the Centre for Cybersecurity", path
    assert after == clean_build(site, build, tmp_path)


def test_a_series_date_that_ends_moves_its_page_on_despite_the_cache(site: Path, build, tmp_path: Path) -> None:
    """A build just after one date of a series ends, with nothing else over since the last build,
    is not that build again: the series' page and card list its following dates."""
    (site / "content/events/weekly-briefing.md").write_text(
        "---\ntitle: Weekly briefing\ndate: 2018-10-01T10:00\nstart: 2018-11-05T10:00\nend: 2018-11-05T11:00\n"
        "rrule: FREQ=WEEKLY;COUNT=10\nlocation: Bern\n---\n\nEvery Monday.\n", encoding="utf-8")
    page = "events/weekly-briefing/index.html"
    before = build(site)  # 20 November: its next date is the 26th, the first day of the Annual Gathering
    assert lxml.html.fromstring(before[page]).find_class("occurrences")[0].find(".//time").get("datetime").startswith("2018-11-26")
    later = "2018-11-26T12:00:00+01:00"  # that date is over, the Gathering is not
    after = build(site, now=later)
    first_shown = lxml.html.fromstring(after[page]).find_class("occurrences")[0].find(".//time").get("datetime")
    assert first_shown.startswith("2018-12-03")
    assert after == clean_build(site, build, tmp_path, now=later)


def test_a_tags_name_changed_by_one_item_follows_on_every_page_and_feed(site: Path, build, tmp_path: Path) -> None:
    """A tag goes by the way most of its items write it: an edit to one item can rename it on pages
    and in feeds that do not show that item."""
    from feeds.settings import PageSettings

    for n in range(PageSettings.per_page + 1):  # a second tag page, showing the oldest item only
        written = "Policy Papers" if n % 2 else "policy-papers"  # one more of these
        (site / f"content/news/2018-09-{n + 1:02d}-p{n}.md").write_text(
            f"---\ntitle: Paper {n}\ndate: 2018-09-{n + 1:02d}T10:00\ntags: [{written}]\n---\n\nA paper.\n", encoding="utf-8")
    before = build(site)
    assert "Tagged “policy-papers” (Page 2 of 2)" == lxml.html.fromstring(before["tags/policy-papers/page/2/index.html"]).findtext(".//h1")
    edit(site / "content/news/2018-09-21-p20.md", "tags: [policy-papers]", "tags: [Policy Papers]")  # on page 1
    after = build(site)
    assert "Tagged “Policy Papers” (Page 2 of 2)" == lxml.html.fromstring(after["tags/policy-papers/page/2/index.html"]).findtext(".//h1")
    assert feedparser.parse(after["feeds/tags/policy-papers/atom.xml"]).feed.title.endswith(": Policy Papers")
    assert after == clean_build(site, build, tmp_path)


def test_a_template_that_shows_the_year_shows_the_new_one_after_new_year(example_site: Path, build,
                                                                          tmp_path: Path) -> None:
    """`site.year` changes at New Year in the site's time zone, where nothing else may change: a build
    after it is not the last one, though every event is long over."""
    (example_site / "templates").mkdir()
    base = (ROOT / "templates/base.html").read_text()
    (example_site / "templates/base.html").write_text(base.replace("</main>", "<p id=year>{{ site.year }}</p>\n</main>"))
    build(example_site, now="2019-12-31T23:30:00+01:00")
    after = build(example_site, now="2020-01-01T00:30:00+01:00")
    assert lxml.html.fromstring(after["index.html"]).get_element_by_id("year").text == "2020"
    assert after == clean_build(example_site, build, tmp_path, now="2020-01-01T00:30:00+01:00")


def test_a_calendar_without_events_follows_the_year_despite_the_cache(example_site: Path, build, tmp_path: Path) -> None:
    """Its VTIMEZONE covers the year it is built in: a build in the next year is not the same."""
    (example_site / "content/events/annual-gathering-2018.md").unlink()
    (example_site / "published.json").unlink()
    build(example_site, now="2018-12-31T12:00:00+01:00")
    after = build(example_site, now="2019-01-02T12:00:00+01:00")
    assert b"2019" in after["feeds/events.ics"].partition(b"BEGIN:VTIMEZONE")[2]
    assert after == clean_build(example_site, build, tmp_path, now="2019-01-02T12:00:00+01:00")


def test_an_event_leaves_the_calendar_past_days_after_it_ends_despite_the_cache(site: Path, build,
                                                                               tmp_path: Path) -> None:
    """A build once an event has been over for `past_days`, with nothing else over since the last
    build, is not that build again: the calendar leaves the event out."""
    edit(site / "site.toml", "refresh_hours = 12", "refresh_hours = 12\npast_days = 3")
    gathering = "annual-gathering-2018@newsroom.example.org"

    def uids(tree: dict[str, bytes]) -> set[str]:
        return {str(event["UID"]) for event in icalendar.Calendar.from_ical(tree["feeds/events.ics"]).walk("VEVENT")}

    before = build(site, now="2018-11-30T12:00:00+01:00")  # the Gathering (26 and 27 November) ended 2.5 days ago
    assert gathering in uids(before)
    later = "2018-12-01T12:00:00+01:00"  # 3.5 days ago
    after = build(site, now=later)
    assert gathering not in uids(after)
    assert after == clean_build(site, build, tmp_path, now=later)


def calendars(tree: dict[str, bytes]) -> dict[str, list[str]]:
    """Each tag's calendar in an output tree, by path, with the UIDs of its events in order."""
    return {path: [str(event["UID"]) for event in icalendar.Calendar.from_ical(data).walk("VEVENT")]
            for path, data in tree.items() if path.startswith("feeds/tags/") and path.endswith("/events.ics")}


def test_editing_an_events_tags_moves_it_between_tag_calendars(site: Path, build, tmp_path: Path) -> None:
    gathering = "annual-gathering-2018@newsroom.example.org"
    before = build(site)
    assert calendars(before) == {"feeds/tags/centre-for-cybersecurity/events.ics": [gathering],
                                 "feeds/tags/cybersecurity/events.ics": [gathering]}
    keys = output_keys(site)
    edit(site / EVENT, "tags: [Cybersecurity, Centre for Cybersecurity]", "tags: [Cybersecurity, Paris Call]")
    after = build(site)
    # The Centre's tag is the news item's alone now: it keeps its page and feeds, and has no calendar.
    assert calendars(after) == {"feeds/tags/cybersecurity/events.ics": [gathering],
                                "feeds/tags/paris-call/events.ics": [gathering]}
    assert "feeds/tags/centre-for-cybersecurity/atom.xml" in after
    assert {path for path in rekeyed(keys, output_keys(site)) if path.endswith(".ics")} == {
        "feeds/events.ics", "events/annual-gathering-2018/event.ics", "feeds/tags/centre-for-cybersecurity/events.ics",
        "feeds/tags/cybersecurity/events.ics", "feeds/tags/paris-call/events.ics"}  # the event's CATEGORIES changed
    assert after == clean_build(site, build, tmp_path)


def test_editing_an_event_changes_exactly_the_tag_calendars_it_is_in(site: Path, build, tmp_path: Path) -> None:
    (site / "content/events/policy-forum.md").write_text(
        "---\ntitle: Policy forum\ndate: 2018-10-01T10:00\nstart: 2018-12-03T10:00\nend: 2018-12-03T12:00\n"
        "location: Bern\ntags: [policy, Cybersecurity]\n---\n\nA forum.\n", encoding="utf-8")
    before = build(site)
    keys = output_keys(site)
    edit(site / EVENT, "title: Annual Gathering", "title: The Annual Gathering")
    after = build(site)
    calendar_files = {path for path in after if path.endswith(".ics")}
    assert calendar_files == {"feeds/events.ics", "events/annual-gathering-2018/event.ics",
                              "events/policy-forum/event.ics", "feeds/tags/centre-for-cybersecurity/events.ics",
                              "feeds/tags/cybersecurity/events.ics", "feeds/tags/policy/events.ics"}
    edited = {"feeds/events.ics", "events/annual-gathering-2018/event.ics", "feeds/tags/centre-for-cybersecurity/events.ics",
              "feeds/tags/cybersecurity/events.ics"}
    assert changed(before, after) & calendar_files == edited
    assert rekeyed(keys, output_keys(site)) & calendar_files == edited  # the policy calendar kept, not written again
    [summary] = [str(event["SUMMARY"]) for event in icalendar.Calendar.from_ical(
        after["feeds/tags/centre-for-cybersecurity/events.ics"]).walk("VEVENT")]
    assert summary == "The Annual Gathering of the Centre for Cybersecurity"
    assert after == clean_build(site, build, tmp_path)


def test_the_tag_calendars_reuse_each_events_vevent_serialised_once(site: Path, feeds, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Each VEVENT is written once, by a clean build or by a cached one for the event edited alone, and
    its bytes go into events.ics, the event's file and each of its tags' calendars."""
    from feeds.render import ics

    made: list[str] = []
    vevent = ics._vevent

    def counted(site_, event):  # type: ignore[no-untyped-def]
        made.append(event.slug)
        return vevent(site_, event)

    monkeypatch.setattr(ics, "_vevent", counted)
    (site / "content/events/policy-forum.md").write_text(
        "---\ntitle: Policy forum\ndate: 2018-10-01T10:00\nstart: 2018-12-03T10:00\nend: 2018-12-03T12:00\n"
        "location: Bern\ntags: [policy, Cybersecurity]\n---\n\nA forum.\n", encoding="utf-8")
    assert feeds("build", "--site", site, "--now", EXAMPLE_NOW, "--no-cache").code == 0
    assert sorted(made) == ["annual-gathering-2018", "policy-forum"]
    tree = tree_bytes(site / "public")
    assert calendars(tree)["feeds/tags/cybersecurity/events.ics"] == [
        "annual-gathering-2018@newsroom.example.org", "policy-forum@newsroom.example.org"]
    made.clear()
    edit(site / EVENT, "title: Annual Gathering", "title: The Annual Gathering")
    assert feeds("build", "--site", site, "--now", EXAMPLE_NOW).code == 0
    assert made == ["annual-gathering-2018"]
    assert b"The Annual Gathering" in (site / "public/feeds/tags/cybersecurity/events.ics").read_bytes()


def test_a_tag_page_links_the_feeds_its_tag_gains_from_an_item_it_does_not_show(example_site: Path, build,
                                                                                 tmp_path: Path) -> None:
    """With events left out of the feeds, a tag only events have has no feeds; a news item given
    the tag gives it feeds, which its first page links though it shows only events."""
    config = example_site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("include_events = true", "include_events = false"),
                      encoding="utf-8")
    for n in range(21):
        (example_site / f"content/events/e{n}.md").write_text(
            f"---\ntitle: E{n}\ndate: 2018-10-01T10:00\nstart: 2018-12-{n + 1:02d}\nlocation: Bern\ntags: [x]\n---\nE.\n",
            encoding="utf-8")
    before = build(example_site)
    assert b"feeds/tags/x/atom.xml" not in before["tags/x/index.html"]
    (example_site / "content/news/2018-01-01-old.md").write_text(
        "---\ntitle: Old\ndate: 2018-01-01T10:00\ntags: [x]\n---\nOld.\n", encoding="utf-8")  # on page 2
    after = build(example_site)
    assert b"feeds/tags/x/atom.xml" in after["tags/x/index.html"]
    assert after == clean_build(example_site, build, tmp_path)


def test_a_tag_page_links_the_calendar_its_tag_gains_from_an_event_it_does_not_show(site: Path, build,
                                                                                    tmp_path: Path) -> None:
    """A tag's first event gives it a calendar, which each of its pages links, though the event is on
    the last page alone."""
    for n in range(21):
        (site / f"content/news/2018-10-{n + 2:02d}-n{n}.md").write_text(
            f"---\ntitle: N{n}\ndate: 2018-10-{n + 2:02d}T10:00\ntags: [x]\n---\nN.\n", encoding="utf-8")
    before = build(site)
    assert b"feeds/tags/x/events.ics" not in before["tags/x/index.html"]
    (site / "content/events/old-meeting.md").write_text(
        "---\ntitle: Old meeting\ndate: 2018-01-01T10:00\nstart: 2018-01-10\nlocation: Bern\ntags: [x]\n---\nOld.\n",
        encoding="utf-8")  # on page 2
    after = build(site)
    assert b"feeds/tags/x/events.ics" in after["tags/x/index.html"]
    assert "feeds/tags/x/events.ics" in after
    assert after == clean_build(site, build, tmp_path)


def test_resizing_an_image_changes_the_pages_that_show_it(site: Path, build, tmp_path: Path) -> None:
    """A page carries the size of the site's images it shows: a new picture of another shape under
    the same name is a new size there (and a new length in the feeds that enclose it)."""
    (site / "templates/static/images").mkdir(parents=True)
    photo = site / "templates/static/images/photo.png"
    photo.write_bytes(png(120, 80))
    edit(site / NEWS, "author:", "image: static/images/photo.png\nauthor:")
    before = build(site)
    photo.write_bytes(png(90, 90))
    after = build(site)
    assert NEWS_PAGE in changed(before, after) <= mentioning(before, needles=("static/images/photo.png",)) | {
        "static/images/photo.png"}
    [hero] = lxml.html.fromstring(after[NEWS_PAGE]).find_class("u-photo")
    assert (hero.get("width"), hero.get("height")) == ("90", "90")
    assert after == clean_build(site, build, tmp_path)


def test_a_file_changed_as_the_build_reads_it_is_cached_by_the_bytes_read(site: Path, build, feeds,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A file known by its stamp, whose item the cache lacks (its build failed on another file), is read
    when validation needs it. If it changed since it was listed, what is parsed is kept under the key of
    the bytes read, not of those listed: going back to those must not bring back the other's pages."""
    import feeds.cache as cache
    import feeds.check as checking

    monkeypatch.setattr(cache, "_RACY_NS", 0)  # files written just now are known by their stamps
    build(site)
    edit(site / NEWS, "title: World", "title: Listed World")
    listed = (site / NEWS).read_text(encoding="utf-8")
    event = (site / EVENT).read_text(encoding="utf-8")
    (site / EVENT).write_text(event.replace("end: 2018-11-27", "end: someday", 1), encoding="utf-8")
    assert feeds("build", "--site", site, "--now", EXAMPLE_NOW).code != 0  # the news item's key is kept, not its item
    (site / EVENT).write_text(event, encoding="utf-8")
    validate_all = checking._validate_all

    def changed_while_read(*args: object, **kwargs: object) -> object:
        edit(site / NEWS, "title: Listed World", "title: Read World")
        return validate_all(*args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(checking, "_validate_all", changed_while_read)
        assert h1_of(build(site)[NEWS_PAGE]).startswith("Read World")
    (site / NEWS).write_text(listed, encoding="utf-8")
    assert h1_of(build(site)[NEWS_PAGE]).startswith("Listed World")


def h1_of(page: bytes) -> str:
    return lxml.html.fromstring(page).findtext(".//h1")


def test_a_file_made_a_link_leading_outside_fails_as_in_a_clean_build(site: Path, build, feeds, tmp_path: Path) -> None:
    """Whether a content file leads outside the site is no part of its bytes: the same bytes behind
    a link to a copy outside the site are an error, cached or not, and a file again are not."""
    before = build(site)
    second, outside = site / "content/news/2018-10-01-second.md", tmp_path / "outside.md"
    outside.write_bytes(second.read_bytes())
    second.unlink()
    second.symlink_to(outside)
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert "content/news/2018-10-01-second.md:1: is a link (or inside a linked folder) leading outside" in result.err
    assert tree_bytes(site / "public") == before
    second.unlink()
    second.write_bytes(outside.read_bytes())
    assert build(site) == before == clean_build(site, build, tmp_path)


def test_linked_content_known_by_its_stamp_is_not_read_again(site: Path, build, monkeypatch: pytest.MonkeyPatch) -> None:
    """content/news/ a link to a folder of the site: its files are known by their stamps as any
    others are, and where they lead is looked up, not read, on a build that changes nothing."""
    import builtins

    shutil.move(site / "content/news", site / "press")
    (site / "content/news").symlink_to("../press", target_is_directory=True)
    before = build(site)
    age_source_record(site)
    opened: list[str] = []
    real_open = builtins.open

    def noting_open(file: object, *args: object, **kwargs: object) -> object:
        if str(file).endswith(".md"):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(builtins, "open", noting_open)
        assert build(site) == before
    assert opened == []


def age_file_record(site: Path, name: str) -> None:
    """Move the recorded moment the template files (TEMPLATE_FILES) or root/'s (ROOT_FILES) were stamped
    ten seconds on (see age_source_record)."""
    from feeds.cache import FileRecord

    stored = site / CACHE_DIR / name
    record = pickle.loads(stored.read_bytes())
    assert isinstance(record, FileRecord) and record.stamps
    stored.write_bytes(pickle.dumps(dataclasses.replace(record, taken=record.taken + 10_000_000_000)))


def reads_of(monkeypatch: pytest.MonkeyPatch, folder: Path) -> list[str]:
    """The files under `folder` that are read whole from now on (as a template file is to be digested
    or copied), in order."""
    read: list[str] = []
    real_read_bytes = Path.read_bytes

    def noting_read_bytes(path: Path) -> bytes:
        if path.absolute().is_relative_to(folder):
            read.append(path.relative_to(folder).as_posix())
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", noting_read_bytes)
    return read


def test_static_files_known_by_their_stamps_are_not_read_again(site: Path, build, feeds, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """templates/static/ holds a newsroom's press photos: a build reads and digests only the template
    files whose stamp changed since the last (as it does content files), whether it renders or
    changes nothing, and so does `feeds check`, which renders every page; --no-cache reads them all."""
    news = with_news_photo(site, 120, 80)
    (site / "templates/static/images/other.png").write_bytes(png(60, 40))
    build(site)
    age_source_record(site)
    age_file_record(site, TEMPLATE_FILES)
    with monkeypatch.context() as patched:
        read = reads_of(patched, site / "templates")
        edit(news, "title: World", "title: Wxrld")
        build(site)  # renders the pages
        build(site)  # changes nothing
        assert feeds("check", "--site", site, "--now", EXAMPLE_NOW).code == 0
        assert read == []
        (site / "templates/static/images/photo.png").write_bytes(png(90, 90))
        after = build(site)
        assert set(read) == {"static/images/photo.png"}  # digested, then copied
        read.clear()
        build(site, "--no-cache")
        assert {"static/images/photo.png", "static/images/other.png"} <= set(read)
    assert after == clean_build(site, build, tmp_path)


def test_the_preview_reads_no_static_file_an_edit_leaves_alone(site: Path, build, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview keeps what it knows of the template files in memory: a rebuild after an edit reads
    none of the press photos, and shows a changed one as a clean build does."""
    import feeds.cache as cache

    monkeypatch.setattr(cache, "_RACY_NS", 0)  # files written just now are known by their stamps
    news = with_news_photo(site, 120, 80)
    output = tmp_path / "preview"
    preview = Preview(site, output, base_url="http://127.0.0.1:8000/", now=datetime.fromisoformat(EXAMPLE_NOW),
                      drafts=False, echo=lambda line: None)
    preview.rebuild()
    with monkeypatch.context() as patched:
        read = reads_of(patched, site / "templates")
        edit(news, "title: World", "title: Wxrld")
        preview.rebuild()
        assert read == []
        (site / "templates/static/images/photo.png").write_bytes(png(90, 90))
        preview.rebuild()
        assert set(read) == {"static/images/photo.png"}
    assert not preview.state.problems
    assert tree_bytes(output) == clean_build(site, build, tmp_path, "--base-url", "http://127.0.0.1:8000/")


def test_the_preview_parses_again_only_the_template_that_changed(site: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """What each template parses to is remembered by its bytes: after an edit to static/style.css
    (which changes the digest of the template folders) the preview parses no template again, and
    after an edit to one template, that one alone."""
    import jinja2

    (site / "templates/static").mkdir(parents=True)
    shutil.copy(ROOT / "templates/static/style.css", site / "templates/static/style.css")
    preview = Preview(site, tmp_path / "preview", base_url="http://127.0.0.1:8000/",
                      now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False, echo=lambda line: None)
    preview.rebuild()
    parsed: list[str] = []
    parse = jinja2.Environment.parse

    def noting_parse(self: jinja2.Environment, source: str, name: str | None = None,
                     filename: str | None = None) -> object:
        parsed.append(name or "")
        return parse(self, source, name, filename)

    with monkeypatch.context() as patched:
        patched.setattr(jinja2.Environment, "parse", noting_parse)
        with open(site / "templates/static/style.css", "a", encoding="utf-8") as sheet:
            sheet.write(".site-footer { color: navy; }\n")
        preview.rebuild()
        assert parsed == []
        override_template(site, "news.html", "{% block main %}", '{% block main %}<p class="note">Note</p>')
        preview.rebuild()
        assert parsed == ["news.html"]
    assert not preview.state.problems


def test_a_template_file_written_just_before_its_record_is_read_until_a_later_record(site: Path) -> None:
    """A file written in the seconds before its stamp was recorded may change again within the clock's
    grain, stamp unchanged: it is read again, and its record taken anew, which a later build trusts
    (else a theme copied in just before a first build would be read at every build). Any write is
    seen, even one that keeps the size and the modification time."""
    from feeds.cache import FileRecord
    from feeds.template_digests import list_templates, read_templates

    def record() -> FileRecord:
        return pickle.loads((site / CACHE_DIR / TEMPLATE_FILES).read_bytes())

    with_news_photo(site, 120, 80)
    photo, dirs = site / "templates/static/images/photo.png", [site / "templates"]
    read_templates(list_templates(dirs), BuildCache.open(site))
    first = record().taken
    assert BuildCache.open(site).known_files(TEMPLATE_FILES, [(str(photo), photo.stat())]) == [None]  # written just now
    read_templates(list_templates(dirs), BuildCache.open(site))
    assert record().taken > first
    age_file_record(site, TEMPLATE_FILES)
    [known] = BuildCache.open(site).known_files(TEMPLATE_FILES, [(str(photo), photo.stat())])
    assert known is not None
    stat, data = photo.stat(), photo.read_bytes()
    photo.write_bytes(data[::-1])  # the same size
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same modification time
    assert BuildCache.open(site).known_files(TEMPLATE_FILES, [(str(photo), photo.stat())]) == [None]  # its change time moved


def build_changing_after_the_look(feeds, site: Path, monkeypatch: pytest.MonkeyPatch, look: str, path: Path,
                                  data: bytes):
    """A build of the site in which `path` is given `data` right after the build's `look` at its folder
    (feeds.build.read_templates or read_root) has digested it."""
    import feeds.build as building

    looked = getattr(building, look)

    def changed_after_the_look(*args: object, **kwargs: object) -> object:
        found = looked(*args, **kwargs)
        path.write_bytes(data)
        return found

    with monkeypatch.context() as patched:
        patched.setattr(building, look, changed_after_the_look)
        return feeds("build", "--site", site, "--now", EXAMPLE_NOW)


def test_a_static_file_changed_as_the_build_publishes_it_fails_the_build(site: Path, build, feeds, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A static file is copied into the output after its digest was taken: one that changed in between
    would be kept under a digest its bytes do not have, and never published again. The build fails
    instead; the next one publishes it."""
    with_news_photo(site, 120, 80)
    build(site)
    photo = site / "templates/static/images/photo.png"
    photo.write_bytes(png(90, 90))
    result = build_changing_after_the_look(feeds, site, monkeypatch, "read_templates", photo, png(30, 30))
    assert result.code == 1
    assert "templates/static/images/photo.png: changed while the build was publishing it" in result.err
    after = build(site)
    assert after["static/images/photo.png"] == png(30, 30)
    assert after == clean_build(site, build, tmp_path)


def test_files_of_root_known_by_their_stamps_are_not_read_again(site: Path, build, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """root/ may hold a press kit, as templates/static/ does: a build reads and digests only the files
    of root/ whose stamp changed since the last, whether it renders or changes nothing; --no-cache
    reads them all."""
    (site / "root/press").mkdir(parents=True)
    photo = site / "root/press/photo.png"
    photo.write_bytes(png(120, 80))
    (site / "root/CNAME").write_bytes(b"newsroom.example.org\n")
    build(site)
    age_source_record(site)
    age_file_record(site, ROOT_FILES)
    with monkeypatch.context() as patched:
        read = reads_of(patched, site / "root")
        edit(site / NEWS, "title: World", "title: Wxrld")
        build(site)  # renders the pages
        build(site)  # changes nothing
        assert read == []
        photo.write_bytes(png(90, 90))
        after = build(site)
        assert set(read) == {"press/photo.png"}  # digested, then copied
        read.clear()
        build(site, "--no-cache")
        assert set(read) == {"press/photo.png", "CNAME"}
    assert after["press/photo.png"] == png(90, 90)
    assert after == clean_build(site, build, tmp_path)


def test_a_file_of_root_changed_as_the_build_publishes_it_fails_the_build(site: Path, build, feeds, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A file of root/ is copied into the output after its digest was taken, as a static file is: one
    that changed in between fails the build, and the next one publishes it."""
    (site / "root").mkdir()
    cname = site / "root/CNAME"
    cname.write_bytes(b"old.example.org\n")
    build(site)
    cname.write_bytes(b"new.example.org\n")
    result = build_changing_after_the_look(feeds, site, monkeypatch, "read_root", cname, b"newer.example.org\n")
    assert result.code == 1
    assert "root/CNAME: changed while the build was publishing it" in result.err
    after = build(site)
    assert after["CNAME"] == b"newer.example.org\n"
    assert after == clean_build(site, build, tmp_path)


def test_a_link_pointed_outside_at_the_very_same_file_fails_as_in_a_clean_build(site: Path, build, feeds,
                                                                                tmp_path: Path) -> None:
    """A link to a file of the site, pointed at a hard link to that same file outside the site: the
    file's stamp is unchanged, but where the link leads is not, and that is an error."""
    second = site / "content/news/2018-10-01-second.md"
    inside, outside = site / "press-second.md", tmp_path / "outside.md"
    shutil.move(second, inside)
    os.link(inside, outside)  # the very same file, stamp and all
    second.symlink_to(inside)
    before = build(site)
    age_source_record(site)
    second.unlink()
    second.symlink_to(outside)
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW)
    assert result.code == 1, result.out
    assert "content/news/2018-10-01-second.md:1: is a link (or inside a linked folder) leading outside" in result.err
    assert tree_bytes(site / "public") == before


def test_the_preview_follows_a_time_rewritten_as_the_same_instant_in_utc(site: Path, feeds, tmp_path: Path) -> None:
    """10:00 in Geneva and 09:00Z are the same instant, and items holding either compare equal; but
    calendars write one with the event's TZID and the other in UTC, and pages give each its offset.
    The preview, which keeps its keys between builds, must make them again as a clean build does."""
    talk = site / "content/events/talk.md"
    talk.write_text("---\ntitle: Talk\ndate: 2018-11-01T10:00\nstart: 2018-12-03T10:00\nend: 2018-12-03T11:00\n"
                    "location: Geneva\n---\n\nA talk.\n", encoding="utf-8")
    output, base_url = tmp_path / "preview", "http://127.0.0.1:8000/"
    preview = Preview(site, output, base_url=base_url, now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False,
                      echo=lambda line: None)
    preview.rebuild()
    edit(talk, "start: 2018-12-03T10:00\nend: 2018-12-03T11:00", "start: 2018-12-03T09:00Z\nend: 2018-12-03T10:00Z")
    edit(site / "content/news/2018-10-01-second.md", "date: 2018-10-01T10:00", "date: 2018-10-01T08:00Z")
    preview.rebuild()
    assert not preview.state.problems
    [event] = icalendar.Calendar.from_ical((output / "events/talk/event.ics").read_bytes()).walk("VEVENT")
    assert event["DTSTART"].to_ical() == b"20181203T090000Z"
    assert b'datetime="2018-10-01T08:00:00+00:00"' in (output / "news/second/index.html").read_bytes()
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW, "--no-cache", "--base-url", base_url,
                   "--output", tmp_path / "clean")
    assert result.code == 0, result.err
    assert tree_bytes(output) == tree_bytes(tmp_path / "clean")


def test_the_preview_dates_each_list_in_the_sitemap_by_its_items_as_they_are_now(site: Path, feeds,
                                                                                 tmp_path: Path) -> None:
    """The sitemap dates each page of a list by the latest update of its items, which the preview
    remembers from one build to the next for a page showing the very same items: an item updated
    since must date every list that shows it anew."""
    output, base_url = tmp_path / "preview", "http://127.0.0.1:8000/"
    preview = Preview(site, output, base_url=base_url, now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False,
                      echo=lambda line: None)
    preview.rebuild()
    edit(site / "content/news/2018-10-01-second.md", "date: 2018-10-01T10:00\n",
         "date: 2018-10-01T10:00\nupdated: 2018-11-19T10:00Z\n")
    preview.rebuild()
    assert not preview.state.problems
    sitemap = lxml.etree.fromstring((output / "sitemap.xml").read_bytes())
    space = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    lastmod = {url.findtext("s:loc", namespaces=space): url.findtext("s:lastmod", namespaces=space)
               for url in sitemap.iterfind("s:url", space)}
    for page in ("", "archive/", "news/", "tags/policy/"):
        assert lastmod[base_url + page] == "2018-11-19T10:00:00Z", page
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW, "--no-cache", "--base-url", base_url,
                   "--output", tmp_path / "clean")
    assert result.code == 0, result.err
    assert tree_bytes(output) == tree_bytes(tmp_path / "clean")


def test_an_update_of_the_systems_zone_data_is_a_new_build(site: Path, build, tmp_path: Path) -> None:
    """zoneinfo reads the system's IANA data before the tzdata package's: when an update of it changes
    a zone's rules (a country ends summer time), nothing made under the old rules is kept."""
    system = next((Path(folder) for folder in zoneinfo.TZPATH if (Path(folder) / "tzdata.zi").is_file()), None)
    if system is None:
        pytest.skip("no system zone data with tzdata.zi here")
    old, new = tmp_path / "zones-old", tmp_path / "zones-new"
    shutil.copytree(system, old)
    shutil.copytree(system, new)
    (new / "Europe/Zurich").unlink()
    shutil.copy(system / "Asia/Tokyo", new / "Europe/Zurich")  # Geneva on Tokyo's time, as a law might have it
    (new / "tzdata.zi").write_bytes((system / "tzdata.zi").read_bytes() + b"# Zurich: +09\n")

    def build_with(zones: Path, site: Path, *options: str) -> dict[str, bytes]:
        done = subprocess.run([sys.executable, "-m", "feeds", "build", "--site", str(site), "--now", EXAMPLE_NOW,
                               *options], cwd=ROOT, env={**os.environ, "PYTHONTZPATH": str(zones)},
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return tree_bytes(site / "public")

    before = build_with(old, site)
    after = build_with(new, site)
    second = "news/second/index.html"  # dated 2018-10-01T10:00, in the site's zone
    assert b"2018-10-01T10:00:00+09:00" in after[second] and b"+09:00" not in before[second]
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns(CACHE_DIR, "public", ".public.*"))
    assert after == build_with(new, fresh, "--no-cache")


def test_an_item_held_back_under_a_template_that_shows_now_reaches_next_lift(site: Path, build, tmp_path: Path) -> None:
    """A template showing `now` keys the build by the moment itself rather than by what the outputs
    take from it; the next embargo's lift is taken from the items held back, which no page shows."""
    override_template(site, "event.html", "{% block main %}", '{% block main %}<p class="built">{{ site.now }}</p>')
    before = build(site)
    assert before["next-lift.txt"] == b""
    (site / "content/news/2018-12-01-soon.md").write_text(
        "---\ntitle: Coming soon\ndate: 2018-12-01T09:00\n---\n\nNot yet.\n", encoding="utf-8")
    after = build(site)
    assert after["next-lift.txt"] == b"2018-12-01T08:00:00Z\n"
    assert after == clean_build(site, build, tmp_path)


def test_a_page_showing_the_next_lift_follows_an_item_held_back(site: Path, build, tmp_path: Path) -> None:
    """A page reading `site` is keyed by the whole site: the items held back count too, through the
    moment their embargo lifts."""
    override_template(site, "news.html", "{% block main %}",
                      '{% block main %}<p class="lift">{{ site.next_lift or "none" }}</p>')
    before = build(site)
    assert lxml.html.fromstring(before[NEWS_PAGE]).find_class("lift")[0].text == "none"
    (site / "content/news/2018-12-01-soon.md").write_text(
        "---\ntitle: Coming soon\ndate: 2018-12-01T09:00\n---\n\nNot yet.\n", encoding="utf-8")
    after = build(site)
    assert lxml.html.fromstring(after[NEWS_PAGE]).find_class("lift")[0].text.startswith("2018-12-01 09:00")
    assert after == clean_build(site, build, tmp_path)


def test_a_setting_changed_is_seen_by_files_known_by_their_stamps(site: Path, build, tmp_path: Path) -> None:
    """A content file is known unread by its stamp only under the settings it was read with: after the
    site's time zone changes, a release dated without an offset is dated in the new zone."""
    build(site)
    age_source_record(site)
    edit(site / "site.toml", 'timezone = "Europe/Zurich"', 'timezone = "Asia/Tokyo"')
    after = build(site)
    assert b'datetime="2018-10-01T10:00:00+09:00"' in after["news/second/index.html"]
    assert after == clean_build(site, build, tmp_path)


def test_a_setting_changed_on_a_site_without_items_is_a_new_build(example_site: Path, build, tmp_path: Path) -> None:
    """With no content file, no item's key carries the settings: the build's own keys must."""
    for item in (example_site / "content").rglob("*.md"):
        item.unlink()
    (example_site / "published.json").unlink()
    build(example_site)
    edit(example_site / "site.toml", 'title = "Centre for Cybersecurity Newsroom"', 'title = "Cyber Newsroom"')
    after = build(example_site)
    assert feedparser.parse(after["feeds/atom.xml"]).feed.title == "Cyber Newsroom"
    assert after == clean_build(example_site, build, tmp_path)


def test_an_id_and_a_uid_changed_in_the_ledger_alone_reach_the_feeds_and_calendars(site: Path, build,
                                                                                   tmp_path: Path) -> None:
    """published.json may change without the content (pulled from a colleague's build): the ids and
    UIDs it gives are what the outputs carry, as in a clean build."""
    build(site)
    ledger = json.loads((site / "published.json").read_text(encoding="utf-8"))
    rows = {row["path"]: row for row in ledger["items"]}
    rows[NEWS]["id"] = "tag:newsroom.example.org,2018-11-12:news/paris-call"
    rows[EVENT]["uid"] = "gathering-2018@newsroom.example.org"
    (site / "published.json").write_text(json.dumps(ledger, indent=2) + "\n", encoding="utf-8")
    after = build(site)
    ids = {entry.id for entry in feedparser.parse(after["feeds/atom.xml"]).entries}
    assert "tag:newsroom.example.org,2018-11-12:news/paris-call" in ids
    for path in ("feeds/events.ics", "events/annual-gathering-2018/event.ics"):
        [event] = icalendar.Calendar.from_ical(after[path]).walk("VEVENT")
        assert str(event["UID"]) == "gathering-2018@newsroom.example.org", path
    assert after == clean_build(site, build, tmp_path)


def test_a_file_written_in_the_seconds_before_it_was_read_is_read_again(site: Path, build) -> None:
    """Where the file system's clock is coarse, a file written again just after it was read can keep
    its stamp: one changed in the two seconds before the files were looked at is read again, even
    when its modification time was set back (as cp -p, tar and rsync do); its change time says when."""
    path = site / NEWS
    os.utime(path, ns=(0, 1_500_000_000_000_000_000))  # 2017: only the change time is recent
    build(site)
    stored = site / CACHE_DIR / "sources.pickle"
    record = pickle.loads(stored.read_bytes())
    changed_at = path.stat().st_ctime_ns
    config = load_config(site)

    def known(taken: int) -> list[str | None]:
        stored.write_bytes(pickle.dumps(dataclasses.replace(record, taken=taken)))
        return BuildCache.open(site).known_keys(config, [(NEWS, path.stat(), False)])

    assert known(changed_at + 3_000_000_000) != [None]  # long enough before: its stamp is trusted
    assert known(changed_at + 1_000_000_000) == [None]


def test_a_static_file_renamed_is_published_under_its_new_name(site: Path, build, tmp_path: Path) -> None:
    """The templates' digest takes each file's name with its bytes: a file renamed, its bytes the same,
    moves in the output too."""
    (site / "templates/static/images").mkdir(parents=True)
    (site / "templates/static/images/photo.png").write_bytes(png(120, 80))
    before = build(site)
    assert "static/images/photo.png" in before
    (site / "templates/static/images/photo.png").rename(site / "templates/static/images/picture.png")
    after = build(site)
    assert "static/images/picture.png" in after and "static/images/photo.png" not in after
    assert after == clean_build(site, build, tmp_path)


def test_a_build_at_an_earlier_moment_is_not_the_later_one_again(site: Path, build, tmp_path: Path) -> None:
    """The span in which `now` changes nothing starts at the moment of the last build: a build with an
    earlier --now (the site as it stood before an event ended) shows the event to come again."""
    build(site, now="2018-11-28T00:00:00+01:00")  # the Annual Gathering is over
    after = build(site)
    upcoming = lxml.html.fromstring(after["index.html"]).get_element_by_id("upcoming-heading").getparent()
    assert "Annual Gathering" in upcoming.text_content()
    assert after == clean_build(site, build, tmp_path)


def test_an_output_edited_by_hand_to_the_same_size_is_rebuilt(site: Path, build) -> None:
    """An output file is known untouched by its size, time and inode: a hand edit that keeps the size
    still changes the others."""
    before = build(site)
    page = site / "public/index.html"
    page.write_bytes(page.read_bytes().replace(b"Newsroom", b"Newsdesk", 1))
    assert build(site) == before


def test_no_cache_renders_every_file_again(site: Path, build, tmp_path: Path) -> None:
    """--no-cache parses and renders everything again, as a first build does: even a page edited by hand
    with its size and time kept, which no stamp can tell, is made again."""
    before = build(site)
    page = site / "public" / NEWS_PAGE
    stat = page.stat()
    with open(page, "r+b") as stream:  # in place: the same file, its size and time kept
        data = stream.read()
        stream.seek(0)
        stream.write(data.replace(b"Paris Call", b"Paris Cull", 1))
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert build(site, "--no-cache") == before == clean_build(site, build, tmp_path)


def test_a_folder_the_cache_knows_no_build_into_is_left_alone(site: Path, build, feeds, tmp_path: Path) -> None:
    """What the cache recorded of the build into public/ says nothing of another folder: one holding
    someone's files (a Pages checkout's .git and CNAME) is refused, as it is on a first build."""
    build(site)
    deploy = tmp_path / "deploy"
    (deploy / ".git").mkdir(parents=True)
    (deploy / "CNAME").write_text("newsroom.example.org\n", encoding="utf-8")
    before = tree_bytes(deploy)
    result = feeds("build", "--site", site, "--output", deploy, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert f"{deploy}: holds .git, CNAME, which no build makes" in result.err
    assert tree_bytes(deploy) == before and (deploy / ".git").is_dir()


def test_a_tags_name_changed_by_an_item_its_feed_leaves_out_follows_in_the_feed(example_site: Path, build,
                                                                                 tmp_path: Path) -> None:
    """A tag's feed shows its newest items only, but is titled by the way most of all its items write
    the tag: an edit to an older item can rename the feed without changing its entries."""
    config = example_site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("limit = 20", "limit = 2"), encoding="utf-8")
    for n, written in ((1, "policy-papers"), (2, "policy-papers"), (3, "Policy Papers")):
        (example_site / f"content/news/2018-10-0{n}-p{n}.md").write_text(
            f"---\ntitle: Paper {n}\ndate: 2018-10-0{n}T10:00\ntags: [{written}]\n---\n\nA paper.\n", encoding="utf-8")
    before = build(example_site)
    assert feedparser.parse(before["feeds/tags/policy-papers/atom.xml"]).feed.title.endswith(": policy-papers")
    edit(example_site / "content/news/2018-10-01-p1.md", "tags: [policy-papers]", "tags: [Policy Papers]")
    after = build(example_site)
    feed = feedparser.parse(after["feeds/tags/policy-papers/atom.xml"])
    assert [entry.title for entry in feed.entries] == ["Paper 3", "Paper 2"]
    assert feed.feed.title.endswith(": Policy Papers")
    assert after == clean_build(example_site, build, tmp_path)


def test_a_hand_edited_event_file_or_feed_is_repaired_by_the_next_build_that_renders(site: Path, build,
                                                                                   tmp_path: Path) -> None:
    """An event's VEVENT is kept in the cache and its own .ics in the output: with the file edited by
    hand, the next build that renders makes the file again, though the VEVENT it holds is unchanged.
    A feed document is kept as its three files: one of them edited, the three are made again."""
    build(site)
    (site / "public/events/annual-gathering-2018/event.ics").write_text("tampered", encoding="utf-8")
    (site / "public/feeds/tags/policy/rss.xml").write_text("tampered", encoding="utf-8")
    edit(site / NEWS, "title: World", "title: Updated World")  # renders again, neither the event nor the tag
    after = build(site)
    [event] = icalendar.Calendar.from_ical(after["events/annual-gathering-2018/event.ics"]).walk("VEVENT")
    assert str(event["UID"]) == "annual-gathering-2018@newsroom.example.org"
    assert [entry.title for entry in feedparser.parse(after["feeds/tags/policy/rss.xml"]).entries] == [
        "A second release"]
    assert after == clean_build(site, build, tmp_path)


@pytest.mark.parametrize("stored", ["events.pickle", "items.pickle", "sources.pickle", "output.pickle"])
def test_any_one_file_of_the_cache_damaged_is_ignored(site: Path, build, tmp_path: Path, stored: str) -> None:
    """Each file of .feeds-cache/ stands for itself: one damaged while the others are whole (the
    VEVENTs lost, but not the record of the output that holds the events' own files) is ignored."""
    build(site)
    (site / CACHE_DIR / stored).write_bytes(b"not a pickle")
    edit(site / NEWS, "title: World", "title: Updated World")  # renders again, the event untouched
    after = build(site)
    assert len(icalendar.Calendar.from_ical(after["feeds/events.ics"]).walk("VEVENT")) == 1
    assert after == clean_build(site, build, tmp_path)


def test_a_preview_makes_an_items_row_again_when_its_files_key_changes_though_the_item_is_the_same(
        site: Path) -> None:
    """The rows of the site's key are kept from one rebuild to the next for the very same items, but
    an item's row says its file's key too: where that key is another, the row is made again, even
    for the very same item (which a cache that gives an unchanged file's item as the same object
    never does, but the rows do not count on it)."""
    from feeds.build import load_site
    from feeds.incremental import rows_again
    from feeds.inputs import BuildOptions

    items = load_site(site, BuildOptions(now=datetime.fromisoformat(EXAMPLE_NOW))).site.items
    keys = {item.source: f"key of {item.source}" for item in items}

    def row(item) -> str:
        return f"{keys[item.source]} {item.id}"

    first = rows_again(None, items, keys, row)
    keys = {**keys, NEWS: "another key"}
    again = rows_again(first, tuple(items), keys, row)
    news = next(item for item in items if item.source == NEWS)
    assert f"another key {news.id}" in again.rows
    assert again.rows == [row(item) for item in items]
