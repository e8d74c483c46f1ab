"""feeds/index.html: a person following a feed link finds every feed and calendar and how to subscribe."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from newsroom import BASE, write_newsroom
from playwright.sync_api import sync_playwright

from feeds.render.channels import tag_feed_paths

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture
def built(tmp_path: Path, feeds) -> Path:
    site = write_newsroom(tmp_path / "site")
    assert feeds("build", "--site", site, "--now", "2019-02-01T00:00:00+01:00").code == 0
    return site / "public"


def test_the_page_lists_every_feed_and_calendar(built: Path) -> None:
    page = lxml.html.parse(str(built / "feeds/index.html")).getroot()
    hrefs = {a.get("href") for a in page.iter("a")}
    expected = {BASE + path for tag in ("alpha", "beta", "gamma") for path in tag_feed_paths(tag).values()}
    expected |= {BASE + "feeds/atom.xml", BASE + "feeds/rss.xml", BASE + "feeds/feed.json", BASE + "feeds/events.ics",
                 "webcal://press.example.com/newsroom/feeds/events.ics"}
    assert expected <= hrefs
    for path in expected - {"webcal://press.example.com/newsroom/feeds/events.ics"}:
        assert (built / path.removeprefix(BASE)).is_file(), path
    assert "How to subscribe" in page.text_content()


def test_a_browser_shows_the_page_with_its_subscribe_links(built: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page()
            tab.goto((built / "feeds/index.html").as_uri())
            assert tab.locator("h1").inner_text() == "Feeds and calendars"
            assert tab.get_by_role("link", name="Subscribe").first.is_visible()
            alpha = tab.locator("#tag-alpha")
            assert alpha.get_by_role("link", name="JSON Feed").get_attribute("href") == BASE + "feeds/tags/alpha/feed.json"
            assert "Feedly" in tab.locator("#how-heading + ul").inner_text()
        finally:
            browser.close()
