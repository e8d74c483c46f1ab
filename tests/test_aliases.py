"""An item's old addresses (aliases:): a page at each that sends the reader on to the item's page,
written only while the item is shown, checked against every other page the build writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
from conftest import EXAMPLE_NOW, tree_bytes
from test_site_vnu import _errors

from feeds.cache import CACHE_DIR

NEWS = "content/news/2018-11-12-forum-joins-paris-call.md"
PAGE = "https://newsroom.example.org/news/forum-joins-paris-call/"
OLD = ["2018/11/12/forum-joins-paris-call.html", "news/paris-call/index.html", "press/paris-call/index.html",
       "café/index.html"]


def with_aliases(site: Path, aliases: str, item: str = NEWS) -> None:
    path = site / item
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ntags:", f"\naliases: {aliases}\ntags:", 1), encoding="utf-8")


def redirect(output: Path, path: str) -> tuple[str, str, str, str]:
    """Where an old address's page sends the reader (its refresh), its canonical page, its robots
    rule and the link it shows."""
    head = lxml.html.parse(str(output / path)).getroot()
    [refresh] = head.xpath('//meta[@http-equiv="refresh"]/@content')
    [canonical] = head.xpath('//link[@rel="canonical"]/@href')
    [robots] = head.xpath('//meta[@name="robots"]/@content')
    [link] = head.xpath("//body//a/@href")
    return refresh, canonical, robots, link


def test_each_old_address_sends_the_reader_on_to_the_items_page(example_site: Path, feeds) -> None:
    """As Hugo's aliases: an old page by its path from the site's root, one by an item's old slug, and
    one written as a folder with or without its slash or index.html, or with its accents escaped."""
    with_aliases(example_site, "[/2018/11/12/forum-joins-paris-call.html, /news/paris-call/, /press/paris-call, "
                               "/news/paris-call/index.html, /caf%C3%A9/]")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--strict")
    assert result.code == 0, result.err
    output = example_site / "public"
    for path in OLD:
        assert redirect(output, path) == (f"0; url={PAGE}", PAGE, "noindex", PAGE), path
    page = lxml.html.parse(str(output / OLD[0])).getroot()
    assert page.findtext(".//title") == "World Economic Forum joins the Paris Call for Trust and Security in Cyberspace"
    assert page.get("lang") == "en"
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    assert "paris-call.html" not in sitemap and "press/" not in sitemap  # no page of its own to index
    assert _errors([output / path for path in OLD]) == []  # valid HTML


def test_a_staging_build_sends_readers_on_within_the_staging_copy(example_site: Path, feeds) -> None:
    with_aliases(example_site, "[/press/paris-call/]")
    staging = "https://staging.example.org/"
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--base-url", staging).code == 0
    refresh, canonical, _, _ = redirect(example_site / "public", "press/paris-call/index.html")
    assert refresh == f"0; url={staging}news/forum-joins-paris-call/" and canonical == refresh.removeprefix("0; url=")


def test_an_item_held_back_has_no_page_at_its_old_addresses_till_it_is_out(example_site: Path, feeds) -> None:
    (example_site / "content/news/2018-11-22-later.md").write_text(
        "---\ntitle: Later\ndate: 2018-11-22T09:00\naliases: [/press/later/]\n---\nIts body.\n", encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    assert not (example_site / "public/press").exists()
    assert feeds("build", "--site", example_site, "--now", "2018-11-22T09:00:00+01:00").code == 0
    assert redirect(example_site / "public", "press/later/index.html")[1] == "https://newsroom.example.org/news/later/"


def test_a_link_to_an_old_address_is_no_dead_link(example_site: Path, feeds) -> None:
    with_aliases(example_site, "[/news/paris-call/]")
    event = example_site / "content/events/annual-gathering-2018.md"
    event.write_text(event.read_text(encoding="utf-8").replace("../../news/forum-joins-paris-call/",
                                                               "../../news/paris-call/"), encoding="utf-8")
    result = feeds("check", "--site", example_site, "--now", EXAMPLE_NOW, "--strict")
    assert result.code == 0, result.err


def test_adding_and_removing_an_old_address_changes_its_page_alone(example_site: Path, feeds,
                                                                    tmp_path: Path) -> None:
    def build(site: Path, *options: str) -> dict[str, bytes]:
        assert feeds("build", "--site", site, "--now", EXAMPLE_NOW, *options).code == 0
        return tree_bytes(site / "public")

    before = build(example_site)
    with_aliases(example_site, "[/press/paris-call/]")
    after = build(example_site)
    assert {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)} == {
        "press/paris-call/index.html", "_headers"}  # _headers: the cache rule of press/
    fresh = tmp_path / "fresh"
    shutil.copytree(example_site, fresh, ignore=shutil.ignore_patterns(CACHE_DIR, "public", ".public.*"))
    assert build(fresh, "--no-cache") == after
    news = example_site / NEWS
    news.write_text(news.read_text(encoding="utf-8").replace("aliases: [/press/paris-call/]\n", ""), encoding="utf-8")
    assert build(example_site) == before
    assert not (example_site / "public/press").exists()


def test_a_page_moved_since_it_was_published_is_a_warning_till_its_old_address_leads_on(example_site: Path,
                                                                                       feeds) -> None:
    """The news item was published at news/forum-joins-paris-call/ (as its id, kept by published.json,
    says), where the event's body links: a new slug moves the page, and the old address leads nowhere
    until the item lists it in aliases."""
    news = example_site / NEWS
    news.write_text(news.read_text(encoding="utf-8").replace("\ntags:", "\nslug: paris-call-joined\ntags:", 1),
                    encoding="utf-8")
    moved = feeds("check", "--site", example_site, "--now", EXAMPLE_NOW, "--strict")
    assert moved.code == 1
    assert f"{NEWS}:9: warning: slug: the item's page has moved since it was published" in moved.err
    with_aliases(example_site, "[/news/forum-joins-paris-call/]")
    kept = feeds("check", "--site", example_site, "--now", EXAMPLE_NOW, "--strict")
    assert kept.code == 0, kept.err


def test_an_item_linking_to_an_old_address_is_related_to_the_item_there(example_site: Path, feeds) -> None:
    """A later release links to the news item at its old address: each lists the other as related."""
    with_aliases(example_site, "[/2018/11/12/forum-joins-paris-call.html]")
    (example_site / "content/news/2018-11-13-follow-up.md").write_text(
        "---\ntitle: Follow-up\ndate: 2018-11-13\n---\nAs [announced](../../2018/11/12/forum-joins-paris-call.html).\n",
        encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--strict").code == 0
    output = example_site / "public"

    def related(page: str) -> list[str]:
        sections = lxml.html.parse(str(output / page / "index.html")).getroot().find_class("related")
        return [a.get("href") for section in sections for a in section.iter("a")]

    assert related("news/follow-up/") == ["../../news/forum-joins-paris-call/"]
    assert "../../news/follow-up/" in related("news/forum-joins-paris-call/")


def test_a_moved_page_that_an_item_held_back_will_have_is_no_warning(example_site: Path, feeds) -> None:
    """The news item's old page goes to another item once its embargo lifts: the old address will lead
    somewhere, so the move is not warned of."""
    news = example_site / NEWS
    news.write_text(news.read_text(encoding="utf-8").replace("\ntags:", "\nslug: paris-call-joined\ntags:", 1),
                    encoding="utf-8")
    (example_site / "content/news/2018-11-22-forum-joins-paris-call.md").write_text(
        "---\ntitle: Later\ndate: 2018-11-22T09:00\n---\nIts body.\n", encoding="utf-8")
    result = feeds("check", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    assert "has moved" not in result.err
