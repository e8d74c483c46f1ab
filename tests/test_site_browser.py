"""The newsroom in a real browser (Chromium via Playwright), served over loopback: pages load cleanly,
touch no other host, pass an axe-core audit, fit a phone, and subscribe links lead to the right files."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import icalendar
import pytest
from conftest import EXAMPLE_NOW, loopback, with_news_photo
from playwright.sync_api import Browser, Page, Route, sync_playwright
from site_newsroom import BuiltSite, html_pages

TESTS = Path(__file__).resolve().parent
AXE = TESTS / "node/node_modules/axe-core/axe.min.js"
ARTIFACTS = TESTS / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
# One page of every kind in the large newsroom; the example newsroom is visited whole.
LARGE_PAGES = ["index.html", "feeds/index.html", "archive/index.html", "archive/page/2/index.html", "tags/index.html",
               "tags/privacy/index.html", "news/news-00/index.html", "events/event-00/index.html",
               "events/event-01/index.html", "events/event-02/index.html", "events/event-03/index.html",
               "404.html"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """A page opened with every console error, page error, failed load and foreign request recorded."""

    def __init__(self, browser: Browser, width: int = 1280, scheme: str = "light") -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        self.problems: list[str] = []
        self.context.route("**/*", self._only_loopback)
        self.page: Page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"))

    def _only_loopback(self, route) -> None:
        if urlsplit(route.request.url).hostname != "127.0.0.1":
            self.problems.append(f"foreign request: {route.request.url}")
            route.abort()
        else:
            route.continue_()

    def open(self, url: str) -> Page:
        self.page.goto(url, wait_until="load")
        return self.page

    def axe_violations(self) -> list[dict]:
        self.page.add_script_tag(path=str(AXE))
        # With WCAG 2.2's target size, which axe leaves out unless asked: a link alone, not in a line of
        # text, is 24 CSS pixels across or that far from its neighbours.
        return self.page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations'], "
                                  "rules: {'target-size': {enabled: true}}})).violations")

    def close(self) -> None:
        self.context.close()


@contextlib.contextmanager
def _serving(folder: Path) -> Iterator[str]:
    """The files of `folder` served over loopback, as a static host serves them; yields its address."""
    with loopback(functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))) as address:
        yield address + "/"


def _pages(built_sites: dict[str, BuiltSite]) -> list[tuple[str, str]]:
    example = [("example", page) for page in html_pages(built_sites["example"].output)]
    return example + [("large", page) for page in LARGE_PAGES]


def _describe(violations: list[dict]) -> str:
    return json.dumps([{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in violations], indent=1)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_kind_of_page_loads_cleanly_and_passes_axe(browser, built_sites, served, scheme) -> None:
    pages = _pages(built_sites)
    assert len(pages) >= 20
    for site, path in pages:
        visit = Visit(browser, scheme=scheme)
        page = visit.open(served[site] + path.removesuffix("index.html"))
        assert page.title(), (site, path)
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == \
            ("rgb(19, 20, 22)" if scheme == "dark" else "rgb(255, 255, 255)")  # the stylesheet loaded
        violations = visit.axe_violations()
        assert visit.problems == [], (site, path, visit.problems)
        assert violations == [], (site, path, scheme, _describe(violations))
        visit.close()


def test_every_page_fits_a_phone(browser, built_sites, served) -> None:
    """No page scrolls sideways at 360 px: long words and addresses wrap, code scrolls in its box."""
    wide = []
    for site, path in _pages(built_sites):
        visit = Visit(browser, width=360)
        page = visit.open(served[site] + path.removesuffix("index.html"))
        if (width := page.evaluate("document.documentElement.scrollWidth")) > 360:
            wide.append((site, path, width))
        visit.close()
    assert wide == []


def test_pages_fit_a_phone_and_screenshots_are_taken(browser, built_sites, served) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shots = {"index": "", "event": "events/annual-gathering-2018/", "large-index": "", "cancelled": "events/event-01/"}
    for width, label in ((360, "phone"), (1280, "desktop")):
        for name, path in shots.items():
            visit = Visit(browser, width=width)
            page = visit.open(served["large" if name in ("large-index", "cancelled") else "example"] + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
            target = ARTIFACTS / f"{name}-{label}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            assert visit.problems == [], visit.problems
            visit.close()


def test_subscribe_links_lead_to_the_right_files(browser, built_sites, served) -> None:
    visit = Visit(browser)
    page = visit.open(served["example"])
    links = page.eval_on_selector_all("#subscribe a", "links => links.map(a => a.href)")
    local = [link for link in links if link.startswith(served["example"])]
    assert [urlsplit(link).path for link in local] == ["/feeds/atom.xml", "/feeds/rss.xml", "/feeds/feed.json",
                                                       "/feeds/events.ics", "/feeds/"]
    bodies = {urlsplit(link).path: page.request.get(link) for link in local}
    for path in ("/feeds/atom.xml", "/feeds/rss.xml"):
        feed = feedparser.parse(bodies[path].body())
        assert not feed.bozo and len(feed.entries) == 2, path
    calendar = icalendar.Calendar.from_ical(bodies["/feeds/events.ics"].body())
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Annual Gathering of the Centre for Cybersecurity"]
    json_feed = json.loads(bodies["/feeds/feed.json"].body())
    assert json_feed["version"] == "https://jsonfeed.org/version/1.1" and len(json_feed["items"]) == 2
    feeds_page = bodies["/feeds/"]
    assert feeds_page.ok and "text/html" in feeds_page.headers["content-type"]
    assert "webcal://newsroom.example.org/feeds/events.ics" in links
    assert visit.problems == []
    visit.close()


def test_right_to_left_text_is_laid_out_right_to_left(browser, example_site: Path, feeds) -> None:
    """lang alone does not set a direction: an Arabic item is dir="rtl" on its page and its card, and
    a dateline of either direction is kept apart from the date beside it (bidi isolation)."""
    (example_site / "content/news/2018-11-13-ar.md").write_text(
        "---\ntitle: إطلاق مبادرة الأمن السيبراني\ndate: 2018-11-13T09:00:00+01:00\nlang: ar\n"
        "dateline: دبي، الإمارات\n---\nأعلنت المنظمة اليوم عن مبادرة جديدة.\n", encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    out = example_site / "public"
    page = browser.new_page()
    for target in (out / "news/ar/index.html", out / "index.html"):
        page.goto(target.as_uri())
        assert page.evaluate("getComputedStyle(document.documentElement).direction") == "ltr"  # the site is English
        title = page.locator(".p-name[lang=ar]")
        assert title.evaluate("e => getComputedStyle(e).direction") == "rtl", target
        article = page.locator("article", has=title)
        assert article.locator(".dateline").evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate", target
        assert article.locator("time").first.evaluate("e => getComputedStyle(e).direction") == "ltr", target  # the site's
    page.close()


def test_a_right_to_left_site_fits_a_phone_and_sets_its_marks_at_the_start(browser, example_site: Path, feeds) -> None:
    """An Arabic site's pages do not scroll sideways (the skip link waits off screen on the side the
    page does not scroll to), and what marks a block's start (a banner's or a quotation's rule, a table
    cell's alignment, the space before a badge) is on the right, where the lines begin."""
    config = example_site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('language = "en"', 'language = "ar"'), encoding="utf-8")
    event = example_site / "content/events/annual-gathering-2018.md"
    event.write_text(event.read_text(encoding="utf-8").replace("timezone:", "status: cancelled\ntimezone:", 1)
                     + "\n> اقتباس\n\n| أ | ب |\n|---|---|\n| ١ | ٢ |\n", encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    out = example_site / "public"
    page = browser.new_page(viewport={"width": 360, "height": 800})
    try:
        for target in (out / "index.html", out / "events/annual-gathering-2018/index.html"):
            page.goto(target.as_uri())
            assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, target
        style = "([selector, property]) => getComputedStyle(document.querySelector(selector))[property]"
        assert page.evaluate(style, [".banner", "borderRightWidth"]) != "0px"
        assert page.evaluate(style, [".banner", "borderLeftWidth"]) == "0px"
        assert page.evaluate(style, [".body blockquote", "borderRightWidth"]) != "0px"
        assert page.evaluate(style, [".body blockquote", "paddingRight"]) != "0px"
        assert page.evaluate(style, [".body td", "textAlign"]) in ("start", "right")
        page.goto((out / "events/index.html").as_uri())
        assert page.evaluate(style, [".badge", "marginRight"]) != "0px"
    finally:
        page.close()


def test_an_image_keeps_its_place_while_it_loads(browser, example_site: Path, feeds) -> None:
    """The page lays out around the site's images before they arrive: nothing below one moves when
    it loads (no layout shift). The image is held back until the layout is measured."""
    with_news_photo(example_site, 600, 400)
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    held: list[Route] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.route("**/*.png", lambda route: held.append(route))  # answered once the layout is measured
    with _serving(example_site / "public") as site, contextlib.closing(page):
        page.goto(site + "news/forum-joins-paris-call/", wait_until="domcontentloaded")
        hero = page.locator("img.u-photo")
        assert page.evaluate("document.querySelector('img.u-photo').complete") is False  # still loading
        box = hero.bounding_box()
        assert box is not None and box["width"] > 0 and abs(box["height"] - box["width"] * 400 / 600) < 1
        body_top = page.locator(".e-content").bounding_box()["y"]
        for route in held:
            route.continue_()
        page.wait_for_function("document.querySelector('img.u-photo').complete")
        assert page.locator(".e-content").bounding_box()["y"] == body_top  # nothing moved


def test_an_old_address_takes_the_browser_to_the_items_page(browser, example_site: Path, feeds) -> None:
    """An item's aliases: the browser that opens an old address lands on the item's page, and going
    back does not return to the old address (which would send it on again)."""
    news = example_site / "content/news/2018-11-12-forum-joins-paris-call.md"
    news.write_text(news.read_text(encoding="utf-8").replace(
        "\ntags:", "\naliases: [/2018/11/12/forum-joins-paris-call.html, /press/paris-call/]\ntags:", 1), encoding="utf-8")
    with _serving(example_site / "public") as site:
        assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--base-url", site).code == 0
        for old in "2018/11/12/forum-joins-paris-call.html", "press/paris-call/":
            visit = Visit(browser)
            page = visit.open(site + "feeds/")
            page.wait_for_load_state("networkidle")  # its icon too, which leaving it would cancel
            page.goto(site + old)
            page.wait_for_url(site + "news/forum-joins-paris-call/")
            page.wait_for_load_state("networkidle")
            assert page.locator("h1").inner_text().startswith("World Economic Forum joins the Paris Call")
            page.go_back()
            assert page.url == site + "feeds/", old
            assert visit.problems == [], (old, visit.problems)
            visit.close()


def test_a_task_lists_tick_boxes_are_named_by_their_items(browser, example_site: Path, feeds) -> None:
    """A task list's tick box is read with its item's words ("signed, check box, checked"), tight or
    loose, nested or not, and the page passes axe's audit (form-field labels among its rules)."""
    news = example_site / "content/news/2018-11-12-forum-joins-paris-call.md"
    news.write_text(news.read_text(encoding="utf-8") + "\n- [x] signed by *the Forum*\n- [ ] ratified\n  - [ ] in Geneva\n"
                    "\nand\n\n- [x] announced\n\n- [ ] implemented\n\n  in two steps\n", encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    visit = Visit(browser)
    with _serving(example_site / "public") as site, contextlib.closing(visit):
        page = visit.open(site + "news/forum-joins-paris-call/")
        assert page.get_by_role("checkbox").count() == 5
        for name, checked in (("signed by the Forum", True), ("ratified", False), ("in Geneva", False),
                              ("announced", True), ("implemented", False)):
            assert page.get_by_role("checkbox", name=name, exact=True, checked=checked).count() == 1, name
        violations = visit.axe_violations()
        assert violations == [], _describe(violations)


@contextlib.contextmanager
def _wide_code_and_table_page(browser: Browser, site: Path, feeds, columns: int, width: int) -> Iterator[tuple[Visit, Page]]:
    """The example's news item ending with a code block and a table of `columns` columns, both wider
    than a page, built and opened in a window `width` pixels wide; yields the visit and the page."""
    news = site / "content/news/2018-11-12-forum-joins-paris-call.md"
    news.write_text(news.read_text(encoding="utf-8") + "\n```\n" + "openssl dgst -sha256 " * columns + "\n```\n\n"
                    + "| " + " | ".join(f"Signatory {n}" for n in range(columns)) + " |\n" + "|---" * columns + "|\n"
                    + "| " + " | ".join(f"State {n}" for n in range(columns)) + " |\n", encoding="utf-8")
    assert feeds("build", "--site", site, "--now", EXAMPLE_NOW).code == 0
    visit = Visit(browser, width=width)
    with _serving(site / "public") as address, contextlib.closing(visit):
        yield visit, visit.open(address + "news/forum-joins-paris-call/")


def test_a_bodys_wide_code_and_tables_scroll_from_the_keyboard(browser, example_site: Path, feeds) -> None:
    """On a phone, a code block or a table wider than the page scrolls in its box: each is a stop of the
    Tab key, so one who reads without a mouse can scroll it with the arrow keys (browsers that do not
    focus such a box of their own leave them no way to), and axe's audit passes at that width."""
    with _wide_code_and_table_page(browser, example_site, feeds, columns=8, width=320) as (visit, page):
        for box in (page.locator(".body pre"), page.locator(".body table")):
            assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # it scrolls
            assert box.evaluate("e => e.tabIndex") == 0
            box.focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_function("e => e.scrollLeft > 0", arg=box.element_handle(), timeout=5000)  # scrolls smoothly
        violations = visit.axe_violations()
        assert violations == [], _describe(violations)


def test_a_bodys_wide_code_and_tables_print_whole(browser, example_site: Path, feeds) -> None:
    """Paper does not scroll: printed, a table or code block wider than the page is laid out whole,
    its lines wrapped, where on screen it scrolls in its box (and was printed cut at the box's edge)."""
    with _wide_code_and_table_page(browser, example_site, feeds, columns=12, width=700) as (_, page):
        for box in (page.locator(".body pre"), page.locator(".body table")):
            assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # on screen: it scrolls
        page.emulate_media(media="print")
        body = page.locator(".body")
        for box in (page.locator(".body pre"), page.locator(".body table")):
            assert box.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # printed: nothing past its edge
            assert box.evaluate("(e, b) => e.getBoundingClientRect().right <= b.getBoundingClientRect().right + 1",
                                body.element_handle())


def test_the_add_to_calendar_buttons_keep_their_shape_in_forced_colours(browser, example_site: Path, feeds) -> None:
    """Windows' high-contrast themes (forced colours) drop backgrounds: the add-to-calendar links, drawn
    as buttons by their background alone, would read as bold text; a border the theme colours keeps
    their outline."""
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    page = browser.new_page()
    try:
        page.emulate_media(forced_colors="active")
        page.goto((example_site / "public/events/annual-gathering-2018/index.html").as_uri())
        border = page.evaluate("""() => {
            const style = getComputedStyle(document.querySelector('.buttons a'));
            return [style.borderTopStyle, style.borderTopWidth, style.borderTopColor, style.backgroundColor];
        }""")
        style, width, colour, background = border
        assert (style, width) == ("solid", "1px") and colour not in ("rgba(0, 0, 0, 0)", "transparent", background)
    finally:
        page.close()
