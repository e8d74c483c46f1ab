"""`feeds serve`: the right headers for every file, 304s, rebuilds on change, errors shown, last good build kept."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import feedparser
import icalendar
import lxml.html
import pytest
from conftest import EXAMPLE_NOW, ROOT, tree_bytes
from test_hosting import headers_for, parse_headers

from feeds.cache import CACHE_DIR
from feeds.inputs import look_at_site
from feeds.listing import list_sources
from feeds.serve import Preview, Seen
from feeds.watch import Changes

NEWS = "content/news/2018-11-12-forum-joins-paris-call.md"
NEWS_PAGE = "news/forum-joins-paris-call/"
TITLE = "World Economic Forum joins the Paris Call for Trust and Security in Cyberspace"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


class Server:
    """`feeds serve` in a subprocess on a free loopback port; its terminal output collected as it comes."""

    def __init__(self, site: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "feeds", "serve", "--site", str(site), "--port", "0", *args],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
        )
        self.collector = threading.Thread(target=self._collect, daemon=True)
        self.collector.start()
        wait_until(lambda: any("serving http://" in line for line in self.lines), "the server to start")
        self.url = re.search(r"serving (http://\S+/)", "".join(self.lines))[1]
        assert self.url.startswith("http://[::1]:" if "::1" in args else "http://0.0.0.0:" if "0.0.0.0" in args
                                   else "http://127.0.0.1:")

    def _collect(self) -> None:
        assert self.process.stderr
        for line in self.process.stderr:
            self.lines.append(line)

    @property
    def terminal(self) -> str:
        return "".join(self.lines)

    def stop(self) -> int:
        """Stop it as Ctrl+C does; its exit status, once all it wrote is collected."""
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=20)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.collector.join(timeout=10)  # its last lines may still be in the pipe when it has exited


def wait_until(condition: Callable[[], object], what: str, timeout: float = 30) -> None:
    """Poll until the condition holds; fail (not time anything) if it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def server(example_site: Path) -> Iterator[Server]:
    # A site's own static file named feed.json is served as a JSON Feed, like the built feed.json.
    (example_site / "templates/static").mkdir(parents=True)
    (example_site / "templates/static/feed.json").write_text('{"version": "https://jsonfeed.org/version/1.1"}\n')
    running = Server(example_site, "--now", EXAMPLE_NOW)
    yield running
    assert running.stop() == 0
    assert "feeds: stopped" in running.terminal


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The time as builds and the preview read it when they run without --now: clock[0], which a
    test sets (EXAMPLE_NOW to begin with)."""
    import feeds.build as building
    import feeds.serve as serving

    now = [datetime.fromisoformat(EXAMPLE_NOW)]

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return now[0].astimezone(tz)

    monkeypatch.setattr(building, "datetime", Clock)
    monkeypatch.setattr(serving, "datetime", Clock)
    return now


def built_preview(site: Path, output: Path) -> tuple[Preview, Seen]:
    """A preview of the site as of EXAMPLE_NOW, built once into `output`, and the files as it saw them."""
    preview = Preview(site, output, base_url="http://127.0.0.1:8000/", now=datetime.fromisoformat(EXAMPLE_NOW),
                      drafts=False, echo=lambda line: None)
    seen = preview.look()
    preview.rebuild(seen.look)
    return preview, seen


def h1(body: bytes) -> str:
    return lxml.html.fromstring(body).findtext(".//h1")


def test_every_kind_of_file_has_its_content_type(server: Server) -> None:
    expected = {
        "": "text/html; charset=utf-8",
        NEWS_PAGE: "text/html; charset=utf-8",
        "feeds/atom.xml": "application/atom+xml; charset=utf-8",
        "feeds/rss.xml": "application/rss+xml; charset=utf-8",
        "static/feed.json": "application/feed+json; charset=utf-8",
        "feeds/events.ics": "text/calendar; charset=utf-8",
        "feeds/tags/cybersecurity/events.ics": "text/calendar; charset=utf-8",
        "static/style.css": "text/css; charset=utf-8",
        "next-lift.txt": "text/plain; charset=utf-8",
    }
    for path, content_type in expected.items():
        status, headers, body = get(server.url + path)
        assert (status, headers["Content-Type"]) == (200, content_type), path
        assert int(headers["Content-Length"]) == len(body)
    atom = feedparser.parse(get(server.url + "feeds/atom.xml")[2])
    assert not atom.bozo
    assert atom.entries[0].link.startswith(server.url)  # links point at the preview
    calendar = icalendar.Calendar.from_ical(get(server.url + "feeds/events.ics")[2])
    assert len(calendar.walk("VEVENT")) == 1
    assert get(server.url + "news/forum-joins-paris-call")[0] == 200  # redirected to the slash
    status, _, body = get(server.url + "nothing-here/")
    own = get(server.url + "404.html")[2]
    assert status == 404 and body.startswith(own.partition(b"</head>")[0])  # the site's own page, as a host serves it
    assert get(server.url + "../site.toml")[0] == 404
    assert get(server.url + "%00")[0] == 404  # never a traceback
    assert get(server.url + "a" * 300)[0] == 404
    assert get(server.url + "_headers")[0] == 404  # the host's settings, which hosts read and never serve


def test_a_folder_named_in_any_script_redirects_to_its_slash(server: Server, example_site: Path) -> None:
    """The redirect names the folder as the request did, percent-encoded: a header holds Latin-1 alone, and
    a name in another script made the handler fail (a traceback in the terminal, no answer)."""
    import http.client
    from urllib.parse import urlsplit

    for name in ("日本", "a b"):
        (example_site / "templates/static" / name).mkdir()
        (example_site / "templates/static" / name / "x.txt").write_text("x\n")
    wait_until(lambda: get(server.url + "static/%E6%97%A5%E6%9C%AC/x.txt")[0] == 200, "the new static files")
    address = urlsplit(server.url)
    for path in ("/static/%E6%97%A5%E6%9C%AC", "/static/a%20b?q=1"):
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            assert (response.status, response.getheader("Location")) == (301, path.replace("?", "/?") if "?" in path
                                                                          else path + "/")
        finally:
            connection.close()
    assert "Traceback" not in server.terminal


def test_a_page_named_in_another_script_opens_in_a_browser(server: Server, example_site: Path) -> None:
    """Chromium asks for tags/東京/ percent-encoded; the preview serves the folder named in UTF-8, and
    the page's links, written as the page's own script, lead on."""
    from playwright.sync_api import expect, sync_playwright

    (example_site / "content/news/2018-11-15-東京の市場.md").write_text(
        "---\ntitle: 東京の市場\ndate: 2018-11-15T09:00:00+01:00\nlang: ja\ntags: [東京]\n---\n市場。\n", encoding="utf-8")
    wait_until(lambda: get(server.url + "tags/%E6%9D%B1%E4%BA%AC/")[0] == 200, "the new tag's page")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            response = page.goto(server.url + "tags/東京/")
            assert response.status == 200 and response.url == server.url + "tags/%E6%9D%B1%E4%BA%AC/"
            page.get_by_role("link", name="東京の市場").click()
            expect(page.locator("h1")).to_have_text("東京の市場")
            assert page.url == server.url + "news/%E6%9D%B1%E4%BA%AC%E3%81%AE%E5%B8%82%E5%A0%B4/"
        finally:
            browser.close()


def test_the_preview_listens_on_ipv6_loopback_too(example_site: Path) -> None:
    running = Server(example_site, "--now", EXAMPLE_NOW, "--host", "::1")
    try:
        status, _, body = get(running.url + NEWS_PAGE)
        assert status == 200 and h1(body) == TITLE
    finally:
        assert running.stop() == 0


def test_conditional_gets_answer_304(server: Server) -> None:
    for path in ("feeds/atom.xml", "feeds/events.ics", NEWS_PAGE):
        status, headers, _ = get(server.url + path)
        assert headers["ETag"] and headers["Last-Modified"]
        assert get(server.url + path, **{"If-None-Match": headers["ETag"]})[:2][0] == 304
        assert get(server.url + path, **{"If-Modified-Since": headers["Last-Modified"]})[0] == 304
        assert get(server.url + path, **{"If-None-Match": '"other"'})[0] == 200
        assert get(server.url + path, **{"If-Modified-Since": "Mon, 12 Nov 2018 08:00:00 GMT"})[0] == 200
        assert get(server.url + path, **{"If-Modified-Since": "Mon, 01 Jan 99999999999 00:00:00 GMT"})[0] == 200


def test_an_edit_is_served_without_restarting(server: Server, example_site: Path) -> None:
    first = get(server.url + NEWS_PAGE)
    assert h1(first[2]) == TITLE
    source = example_site / NEWS
    source.write_text(source.read_text().replace(f"title: {TITLE}", "title: The Forum signs the Paris Call"))
    wait_until(lambda: h1(get(server.url + NEWS_PAGE)[2]) == "The Forum signs the Paris Call", "the rebuild")
    assert get(server.url + NEWS_PAGE, **{"If-None-Match": first[1]["ETag"]})[0] == 200
    assert get(server.url + NEWS_PAGE, **{"If-Modified-Since": first[1]["Last-Modified"]})[0] == 200
    atom = feedparser.parse(get(server.url + "feeds/atom.xml")[2])
    assert "The Forum signs the Paris Call" in [entry.title for entry in atom.entries]


def test_a_broken_file_shows_its_error_and_the_last_good_build_stays(server: Server, example_site: Path) -> None:
    source = example_site / NEWS
    good = source.read_text()
    source.write_text(good.replace("date: 2018-11-12T09:00:00+01:00", "date: 2018-11-31"))
    error = f"{NEWS}:3: date: not a date or time: '2018-11-31'"
    wait_until(lambda: error in server.terminal, "the error in the terminal")
    assert "still serving the last good build" in server.terminal
    status, _, body = get(server.url + NEWS_PAGE)
    page = lxml.html.fromstring(body)
    assert status == 200 and page.findtext(".//h1") == TITLE  # the last good page
    assert error in page.get_element_by_id("feeds-build-error").text_content()
    assert get(server.url + "feeds/atom.xml")[0] == 200

    source.write_text(good)
    wait_until(lambda: b"feeds-build-error" not in get(server.url + NEWS_PAGE)[2], "the error to clear")


def test_the_open_page_reloads_itself_in_a_browser(server: Server, example_site: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    source = example_site / NEWS
    good = source.read_text()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(server.url + NEWS_PAGE)
            expect(page.locator("h1")).to_have_text(TITLE)
            page.wait_for_function("document.readyState === 'complete'")
            source.write_text(good.replace(f"title: {TITLE}", "title: Live reload works"))
            expect(page.locator("h1")).to_have_text("Live reload works", timeout=30_000)
            source.write_text(good.replace("date: 2018-11-12T09:00:00+01:00", "date: 2018-11-31"))
            expect(page.locator("#feeds-build-error")).to_contain_text("date: not a date or time", timeout=30_000)
            expect(page.locator("h1")).to_have_text("Live reload works")
        finally:
            browser.close()


def test_many_tabs_of_one_browser_load_and_all_reload(server: Server, example_site: Path) -> None:
    """A browser opens six connections to a host at most: with a live stream a tab, a seventh tab of
    the preview never loaded. One tab listens for the browser's tabs, which all reload."""
    from playwright.sync_api import expect, sync_playwright

    source = example_site / NEWS
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            tabs = []
            for _ in range(8):
                tab = context.new_page()
                tab.goto(server.url + NEWS_PAGE, timeout=15_000)
                tab.wait_for_function("document.readyState === 'complete'")
                tabs.append(tab)
            source.write_text(source.read_text().replace(f"title: {TITLE}", "title: Every tab reloads"))
            for tab in tabs:
                expect(tab.locator("h1")).to_have_text("Every tab reloads", timeout=30_000)
            tabs[0].close()  # the tab that listened, say: another listens in its place
            source.write_text(source.read_text().replace("title: Every tab reloads", "title: And again"))
            for tab in tabs[1:]:
                expect(tab.locator("h1")).to_have_text("And again", timeout=30_000)
        finally:
            browser.close()


def test_a_page_open_across_a_restart_is_told_of_another_build(example_site: Path) -> None:
    """Each run of the preview numbers its builds from one: a page left open while it restarts (with
    --drafts, say) heard build 1 again and kept showing the other run's page. Builds are named by
    their run too."""
    labels = []
    for _ in range(2):
        running = Server(example_site, "--now", EXAMPLE_NOW)
        try:
            page = get(running.url + NEWS_PAGE)[2].decode()
            [shown] = re.findall(r'var shown = "([^"]+)"', page)
            with urllib.request.urlopen(running.url + "_feeds/live", timeout=10) as stream:
                assert stream.readline().decode() == f"data: {shown}\n"
            labels.append(shown)
        finally:
            assert running.stop() == 0
    assert labels[0] != labels[1]


def test_a_failed_builds_errors_come_before_its_warnings(server: Server, example_site: Path) -> None:
    """In the page's box and at the terminal's end, the error that stops the build comes first: under
    a newsroom's warnings it went unseen."""
    for n in range(5):  # events with no location: a warning each
        (example_site / f"content/events/e{n}.md").write_text(
            f"---\ntitle: E{n}\ndate: 2018-11-13\nstart: 2018-12-0{n + 1}\n---\nX.\n")
    wait_until(lambda: server.terminal.count("warning: location") >= 5, "the warnings")
    source = example_site / NEWS
    source.write_text(source.read_text().replace("date: 2018-11-12T09:00:00+01:00", "date: 2018-11-31"))
    wait_until(lambda: "the build failed" in server.terminal, "the failed build")
    box = lxml.html.fromstring(get(server.url + NEWS_PAGE)[2]).get_element_by_id("feeds-build-error")
    lines = box.findtext("pre").splitlines()
    assert lines[0].startswith(f"{NEWS}:3: date: not a date or time") and len(lines) == 6, lines
    reported = server.terminal.split("date: not a date or time", 1)[1]
    assert reported.count("warning: location") == 5  # after the error


def test_ctrl_c_during_a_build_says_it_waits_and_a_second_leaves_nothing_behind(example_site: Path,
                                                                                tmp_path: Path) -> None:
    """Stopped while a build is under way, the preview waits for it: it says so, rather than saying it
    stopped and then hanging, which had people press Ctrl+C again; and a second Ctrl+C, which cuts
    the wait short, still removes the preview's copy of the site."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    (example_site / "templates").mkdir()
    (example_site / "templates/base.html").write_text(  # a page that takes a while: seconds a build
        '{% for _ in range(10_000_000) %}{% endfor %}{% extends "builtin/base.html" %}\n')
    running = Server(example_site, "--now", EXAMPLE_NOW, env={**os.environ, "TMPDIR": str(scratch)})
    try:
        assert [path.name for path in scratch.iterdir()][0].startswith("feeds-serve-")
        config = example_site / "site.toml"
        config.write_text(config.read_text().replace("Centre for Cybersecurity Newsroom", "Newsroom"))
        # the change seen, the build under way: writing its new tree beside the preview's
        wait_until(lambda: any(scratch.glob("feeds-serve-*/.site.new-*")), "the build to be under way")
        running.process.send_signal(signal.SIGINT)
        wait_until(lambda: "stopping when the build under way ends" in running.terminal, "the first stop")
        running.process.send_signal(signal.SIGINT)
        running.process.wait(timeout=30)
    finally:
        if running.process.poll() is None:
            running.process.kill()
    assert list(scratch.iterdir()) == [], (running.terminal, sorted(str(p) for p in scratch.rglob("*"))[:20])


def test_the_preview_says_what_it_leaves_out_when_that_changes(server: Server, example_site: Path, feeds) -> None:
    """An item just written by feeds new is a draft, and one dated ahead is held: neither is in any
    page, and the count alone went down; the preview says so, as feeds build does, when it changes."""
    assert feeds("new", "news", "Work in progress", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    wait_until(lambda: "feeds: 1 draft left out; feeds serve --drafts shows them" in server.terminal, "the draft")
    (example_site / "content/news/later.md").write_text("---\ntitle: Later\ndate: 2018-12-01T09:00:00+01:00\n---\nX.\n")
    wait_until(lambda: "feeds: 1 embargoed; the next lifts at 2018-12-01T08:00:00Z, after this preview's --now: "
                       "a later --now shows it" in server.terminal, "the embargo")
    said = server.terminal.count("embargoed")
    source = example_site / NEWS
    source.write_text(source.read_text().replace(f"title: {TITLE}", "title: Edited"))
    wait_until(lambda: h1(get(server.url + NEWS_PAGE)[2]) == "Edited", "the edit")
    assert server.terminal.count("embargoed") == said  # unchanged: not said again


def test_a_preview_for_other_devices_links_to_the_address_given(example_site: Path) -> None:
    """Listening on every address (--host 0.0.0.0), the preview's own address is no address to reach:
    feed and calendar links led to http://0.0.0.0:port/ on a phone. It says so, and --base-url gives
    the address its absolute links lead to."""
    running = Server(example_site, "--now", EXAMPLE_NOW, "--host", "0.0.0.0")
    try:
        assert "lead to http://0.0.0.0:" in running.terminal and "give --base-url" in running.terminal
    finally:
        assert running.stop() == 0
    running = Server(example_site, "--now", EXAMPLE_NOW, "--base-url", "http://preview.test:8123/")
    try:
        assert ", its links as http://preview.test:8123/" in running.terminal
        page = lxml.html.fromstring(get(running.url + NEWS_PAGE)[2])
        assert page.xpath('//link[@rel="canonical"]/@href') == ["http://preview.test:8123/" + NEWS_PAGE.removesuffix(
            "index.html")]
        assert feedparser.parse(get(running.url + "feeds/atom.xml")[2]).feed.link.startswith("http://preview.test:8123/")
        assert "give --base-url" not in running.terminal
    finally:
        assert running.stop() == 0


def test_published_pages_carry_no_script(example_output: Path) -> None:
    for page in example_output.rglob("*.html"):
        scripts = lxml.html.parse(str(page)).getroot().iter("script")
        assert [s.get("type") for s in scripts if s.get("type") != "application/ld+json"] == [], page


def test_a_taken_port_is_a_usage_error(server: Server, example_site: Path) -> None:
    port = server.url.rsplit(":", 1)[1].strip("/")
    result = subprocess.run([sys.executable, "-m", "feeds", "serve", "--site", str(example_site), "--port", port],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr


def test_a_rebuild_renders_and_writes_only_what_an_edit_affects(example_site: Path, tmp_path: Path, feeds) -> None:
    (example_site / "content/news/2018-10-01-second.md").write_text(
        "---\ntitle: A second release\ndate: 2018-10-01T10:00\ntags: [policy]\n---\n\nIts body.\n", encoding="utf-8")
    output, base_url = tmp_path / "preview", "http://127.0.0.1:8000/"
    preview = Preview(example_site, output, base_url=base_url, now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False,
                      echo=lambda line: None)
    preview.rebuild()
    untouched = output / "news/second/index.html"
    before = untouched.stat()
    path = example_site / NEWS
    path.write_text(path.read_text(encoding="utf-8").replace("title: World", "title: Updated World", 1),
                    encoding="utf-8")
    preview.rebuild()
    assert not preview.state.problems
    page = lxml.html.fromstring((output / NEWS_PAGE / "index.html").read_bytes())
    assert page.findtext(".//h1").startswith("Updated World")
    after = untouched.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # linked, not rewritten
    # The preview keeps its cache in memory: the site's .feeds-cache/ and ledger are left alone.
    assert not (example_site / CACHE_DIR).exists()
    ledger = (example_site / "published.json").read_bytes()
    preview.rebuild()
    assert (example_site / "published.json").read_bytes() == ledger
    # And what it serves is what a clean build of the same site gives.
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--no-cache", "--base-url", base_url,
                   "--output", tmp_path / "clean")
    assert result.code == 0, result.err
    assert tree_bytes(output) == tree_bytes(tmp_path / "clean")


def test_an_older_item_added_in_the_preview_is_listed_on_the_pages_of_its_tags(example_site: Path, tmp_path: Path,
                                                                              feeds) -> None:
    """A list page whose items so far are all still there, first, lists an item added after them too:
    what a page shows is compared whole from one rebuild to the next, not only as far as the last showed."""
    output, base_url = tmp_path / "preview", "http://127.0.0.1:8000/"
    preview = Preview(example_site, output, base_url=base_url, now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False,
                      echo=lambda line: None)
    preview.rebuild()
    (example_site / "content/news/2018-10-01-older.md").write_text(
        "---\ntitle: An older release\ndate: 2018-10-01T10:00\ntags: [Cybersecurity]\n---\n\nIts body.\n",
        encoding="utf-8")
    preview.rebuild()
    assert not preview.state.problems
    page = lxml.html.fromstring((output / "tags/cybersecurity/index.html").read_bytes())
    assert "An older release" in [a.text_content() for a in page.xpath("//article//h2/a | //article//h3/a")]
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--no-cache", "--base-url", base_url,
                   "--output", tmp_path / "clean")
    assert result.code == 0, result.err
    assert tree_bytes(output) == tree_bytes(tmp_path / "clean")


def test_a_rebuild_as_time_passes_shows_the_event_over_on_every_page(example_site: Path, tmp_path: Path, feeds) -> None:
    """The pages keep their keys from one rebuild to the next while no event's moments change; once
    the gathering is over, every page that shows it is made again, as a clean build makes it."""
    output, base_url = tmp_path / "preview", "http://127.0.0.1:8000/"
    preview = Preview(example_site, output, base_url=base_url, now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False,
                      echo=lambda line: None)
    preview.rebuild()
    preview.rebuild()  # nothing changed: the keys are taken from the last build
    later = "2018-11-28T00:00:00+01:00"
    preview.options = replace(preview.options, now=datetime.fromisoformat(later))
    preview.rebuild()
    assert not preview.state.problems
    result = feeds("build", "--site", example_site, "--now", later, "--no-cache", "--base-url", base_url,
                   "--output", tmp_path / "clean")
    assert result.code == 0, result.err
    assert tree_bytes(output) == tree_bytes(tmp_path / "clean")
    page = lxml.html.fromstring((output / "events/annual-gathering-2018/index.html").read_bytes())
    assert page.find_class("note")  # "This event has taken place"


def clean_build(site: Path, tmp_path: Path, feeds, base_url: str = "http://127.0.0.1:8000/") -> dict[str, bytes]:
    """The files of a clean build of a copy of the site (a build records the ledger, which the preview
    leaves alone)."""
    copy = tmp_path / "copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(CACHE_DIR, "public", ".public.*"))
    result = feeds("build", "--site", copy, "--now", EXAMPLE_NOW, "--no-cache", "--base-url", base_url)
    assert result.code == 0, result.err
    return tree_bytes(copy / "public")


def test_an_older_item_revised_in_the_preview_comes_into_the_subscription_documents_and_goes(
        example_site: Path, tmp_path: Path, feeds) -> None:
    """Which older items of a channel changed since its newest came in is found again only for the
    items edited since the last rebuild: one given a later `updated:` comes into the subscription
    documents, and leaves them when the change is taken back, as a clean build has it."""
    config = example_site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("limit = 20", "limit = 3"), encoding="utf-8")
    for day in range(13, 18):
        (example_site / f"content/news/n{day}.md").write_text(
            f"---\ntitle: N{day}\ndate: 2018-11-{day}T09:00\ntags: [policy]\n---\nX.\n", encoding="utf-8")
    output = tmp_path / "preview"
    preview, seen = built_preview(example_site, output)
    n13 = example_site / "content/news/n13.md"
    written = n13.read_text(encoding="utf-8")
    for text, listed in ((written.replace("date:", "updated: 2018-11-18T09:00\ndate:"), True), (written, False)):
        n13.write_text(text, encoding="utf-8")
        seen = preview.catch_up(seen, {str(n13)})
        assert not preview.state.problems
        for feed in ("feeds/atom.xml", "feeds/tags/policy/atom.xml"):
            titles = [entry.title for entry in feedparser.parse((output / feed).read_bytes()).entries]
            assert ("N13" in titles) == listed, (feed, titles)
        assert tree_bytes(output) == clean_build(example_site, tmp_path, feeds)


def test_an_item_edited_in_the_preview_is_shown_anew_among_the_related_items_of_those_it_links(
        example_site: Path, tmp_path: Path, feeds) -> None:
    """Which items are related is found again only around the items edited since the last rebuild:
    the event the release links to lists the release as it is now (a new title, whether or not its
    links changed), and once neither links to the other, it lists none, as a clean build has it."""
    output = tmp_path / "preview"
    preview, seen = built_preview(example_site, output)
    news, event = example_site / NEWS, example_site / "content/events/annual-gathering-2018.md"
    news_text, event_text = news.read_text(encoding="utf-8"), event.read_text(encoding="utf-8")
    retitled = news_text.replace("title: World", "title: Retitled World", 1)
    unlinked = retitled.replace("(../../events/annual-gathering-2018/)", "(https://example.com/)")
    edits = ((news, retitled, "Retitled World"), (news, unlinked, "Retitled World"), (news, news_text, "World"),
             (news, unlinked, "Retitled World"),
             (event, event_text.replace("(../../news/forum-joins-paris-call/)", "(https://example.com/)"), None))
    for path, text, shown in edits:
        path.write_text(text, encoding="utf-8")
        seen = preview.catch_up(seen, {str(path)})
        assert not preview.state.problems
        page = lxml.html.fromstring((output / "events/annual-gathering-2018/index.html").read_bytes())
        titles = [a.text_content().strip() for a in page.xpath('//section[@class="related"]//a')]
        assert (titles[0].startswith(shown) if shown else titles == []), titles
        assert tree_bytes(output) == clean_build(example_site, tmp_path, feeds)


def test_an_old_address_given_in_the_preview_relates_the_items_that_link_to_it(example_site: Path, tmp_path: Path,
                                                                              feeds) -> None:
    """A release links to an address no item has; once the news item lists it in aliases, each is
    related to the other, as a clean build has it, though no link changed."""
    (example_site / "content/news/2018-11-13-follow-up.md").write_text(
        "---\ntitle: Follow-up\ndate: 2018-11-13\n---\nAs [announced](../../2018/11/12/paris-call.html).\n",
        encoding="utf-8")
    output = tmp_path / "preview"
    preview, seen = built_preview(example_site, output)
    news = example_site / NEWS
    news.write_text(news.read_text(encoding="utf-8").replace("\ntags:", "\naliases: [/2018/11/12/paris-call.html]\ntags:",
                                                             1), encoding="utf-8")
    seen = preview.catch_up(seen, {str(news)})
    assert not preview.state.problems
    page = lxml.html.fromstring((output / "news/follow-up/index.html").read_bytes())
    assert page.xpath('//section[@class="related"]//a/@href') == ["../../news/forum-joins-paris-call/"]
    assert tree_bytes(output) == clean_build(example_site, tmp_path, feeds)


def test_a_ledger_changed_under_the_preview_gives_the_items_its_ids(example_site: Path, tmp_path: Path,
                                                                   feeds) -> None:
    """Each item's place in the ledger is kept from one rebuild to the next only against the very same
    ledger: when published.json changes (a pull brings another id for an item), an item whose file is
    unchanged takes the id the ledger gives it now, as a clean build does."""
    output = tmp_path / "preview"
    preview, seen = built_preview(example_site, output)
    ledger = example_site / "published.json"
    old_id = "tag:newsroom.example.org,2018-11-12:news/forum-joins-paris-call"
    new_id = "tag:newsroom.example.org,2018-11-12:news/paris-call"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace(old_id, new_id), encoding="utf-8")
    seen = preview.catch_up(seen)
    assert not preview.state.problems
    ids = [entry.id for entry in feedparser.parse((output / "feeds/atom.xml").read_bytes()).entries]
    assert new_id in ids and old_id not in ids
    assert tree_bytes(output) == clean_build(example_site, tmp_path, feeds)


def test_the_preview_trusts_its_own_trees_until_a_build_fails_halfway(example_site: Path, tmp_path: Path,
                                                                     feeds) -> None:
    """The preview does not walk its trees: it knows what it wrote, and removes what is no longer
    made by its paths. A build that fails after writing part of a tree leaves files it did not
    record; the next build that writes a tree must still find and remove them, even after builds that
    kept the last tree whole (the same site again, or a new input that changes no output)."""
    output, base_url = tmp_path / "preview", "http://127.0.0.1:8000/"
    preview = Preview(example_site, output, base_url=base_url, now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False,
                      echo=lambda line: None)
    news, third = example_site / NEWS, example_site / "content/news/2018-10-02-third.md"
    not_found = example_site / "templates/404.html"

    def rebuild(*, fails: bool = False) -> None:
        preview.rebuild(look_at_site(example_site))
        assert bool(preview.state.problems) == fails, preview.state.problems
        if not fails:
            assert tree_bytes(output) == clean_build(example_site, tmp_path, feeds, base_url)

    def retitle(title: str) -> None:
        news.write_text(re.sub(r"(?m)^title: .*$", f"title: {title}", news.read_text(encoding="utf-8"), count=1),
                        encoding="utf-8")

    rebuild()
    preview.prepare_spare()  # the first tree's twin, of hard links, is the spare from the start
    spare = tmp_path / ".preview.spare"
    assert tree_bytes(spare) == tree_bytes(output)
    assert (spare / NEWS_PAGE / "index.html").stat().st_ino == (output / NEWS_PAGE / "index.html").stat().st_ino
    for title in ("Updated", "Updated again", "Updated once more", "Updated at last"):  # each tree becomes the spare
        if title == "Updated again":
            third.write_text("---\ntitle: A third release\ndate: 2018-10-02\ntags: [novel]\n---\n\nIts body.\n",
                             encoding="utf-8")
        elif title == "Updated once more":
            third.unlink()  # its pages and its tag's folder are in the spare, known by their paths
        retitle(title)
        rebuild()
    assert not (output / "news/third").exists() and not (output / "tags/novel").exists()
    # A template and a setting: every page that shows them follows, though its items are the same.
    (example_site / "templates").mkdir()
    news_template = (ROOT / "templates/news.html").read_text(encoding="utf-8")
    (example_site / "templates/news.html").write_text(news_template.replace('class="h-entry item"',
                                                                            'class="h-entry item edited"', 1))
    rebuild()
    settings = example_site / "site.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("Centre for Cybersecurity Newsroom",
                                                                     "Renamed Newsroom", 1), encoding="utf-8")
    rebuild()
    assert b"Renamed Newsroom" in (output / NEWS_PAGE / "index.html").read_bytes()

    third.write_text("---\ntitle: A third release\ndate: 2018-10-02\ntags: [novel]\n---\n\nIts body.\n",
                     encoding="utf-8")
    not_found.write_text("{% extends 'base.html' %}{% block main %}{{ missing() }}{% endblock %}", encoding="utf-8")
    rebuild(fails=True)  # after the third release's pages went into the spare: 404.html comes last
    third.unlink()
    not_found.unlink()
    rebuild()  # the site of the last good build again: its tree is kept, and nothing is written
    assert not (output / "news/third").exists() and not (output / "tags/novel").exists()
    (example_site / "content/notes.txt").write_text("Not published.\n", encoding="utf-8")
    rebuild()  # a new input, but the same outputs: the tree is kept again
    retitle("Updated after the failure")  # the first build since the failure to write into the spare
    rebuild()
    assert not (output / "news/third").exists() and not (output / "tags/novel").exists()


def test_the_watcher_is_told_which_files_changed_and_when_files_moved(example_site: Path) -> None:
    changes = Changes(example_site)
    try:
        news = example_site / NEWS
        news.write_text(news.read_text(encoding="utf-8") + "\nA correction.\n", encoding="utf-8")
        paths, moves = changes.wait(5)
        assert str(news) in paths and not moves
        (example_site / "content/news/2018-10-02-new.md").write_text("---\ntitle: New\ndate: 2018-10-02\n---\n")
        assert changes.wait(5)[1]  # a file was added: only a new look at the folders finds it
        (example_site / "templates").mkdir()
        assert changes.wait(5)[1]
        (example_site / "templates/news.html").write_text("{% extends 'base.html' %}", encoding="utf-8")
        paths, _ = changes.wait(5)  # the new templates/ folder is watched too
        assert str(example_site / "templates/news.html") in paths
        assert changes.wait(0.1) == (set(), False)  # reading a file is no change
    finally:
        changes.stop()


def test_a_rebuild_walks_the_template_folders_and_root_once(example_site: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The look that finds what changed is the one the build reads: each template folder and root/ is
    walked once per rebuild, not again by the build (1,000 files of root/ took 16 ms to walk)."""
    import feeds.root_files as root_files
    import feeds.template_digests as template_digests

    (example_site / "templates").mkdir()
    (example_site / "templates/news.html").write_text((ROOT / "templates/news.html").read_text(encoding="utf-8"),
                                                      encoding="utf-8")
    (example_site / "root").mkdir()
    (example_site / "root/CNAME").write_bytes(b"newsroom.example.org\n")
    output = tmp_path / "out"
    preview, seen = built_preview(example_site, output)
    walked: list[str] = []
    walk_root, walk_templates = root_files._walk, template_digests.template_walk
    monkeypatch.setattr(root_files, "_walk", lambda site: walked.append("root/") or walk_root(site))
    monkeypatch.setattr(template_digests, "template_walk",
                        lambda folder: walked.append(str(folder)) or walk_templates(folder))
    news = example_site / NEWS
    news.write_text(news.read_text(encoding="utf-8").replace(f"title: {TITLE}", "title: Walked once"), encoding="utf-8")
    preview.catch_up(seen, {str(news)})
    assert h1((output / NEWS_PAGE / "index.html").read_bytes()) == "Walked once"
    assert sorted(walked) == sorted([str(example_site / "templates"), str(ROOT / "templates"), "root/"])


def test_a_listing_takes_again_only_the_files_it_is_told_of(example_site: Path) -> None:
    listing = list_sources(example_site)
    news = example_site / NEWS
    news.write_text(news.read_text(encoding="utf-8") + "\nA correction.\n", encoding="utf-8")
    again = listing.restated(example_site, [str(news), str(example_site / "site.toml")])
    assert again is not None and again.stamps == list_sources(example_site).stamps != listing.stamps
    assert listing.restated(example_site, [str(example_site / "site.toml")]) is listing  # no content file
    assert again.restated(example_site, [str(news)]) is again  # told of a file that did not change
    hidden = [example_site / "content/news/.unfinished.md", example_site / "content/news/.drafts/x.md"]
    for path in hidden:
        path.parent.mkdir(exist_ok=True)
        path.write_text("---\ntitle: Hidden\ndate: 2018-10-02\n---\n", encoding="utf-8")
    assert again.restated(example_site, list(map(str, hidden))) is again  # hidden: never read, no new look
    added = example_site / "content/news/2018-10-02-new.md"
    added.write_text("---\ntitle: New\ndate: 2018-10-02\n---\n", encoding="utf-8")
    assert listing.restated(example_site, [str(added)]) is None  # not listed: a new look is needed
    news.unlink()
    assert listing.restated(example_site, [str(news)]) is None  # gone


def test_a_site_broken_from_the_start_says_there_is_nothing_to_serve_yet(example_site: Path) -> None:
    source = example_site / NEWS
    good = source.read_text()
    source.write_text(good.replace("date: 2018-11-12T09:00:00+01:00", "date: 2018-11-31"))
    server = Server(example_site, "--now", EXAMPLE_NOW)
    try:
        assert "there is nothing to serve until it succeeds" in server.terminal
        assert "still serving" not in server.terminal
        status, _, body = get(server.url)
        assert status == 404 and b"there is no good build to show yet" in body
        source.write_text(good)
        wait_until(lambda: get(server.url)[0] == 200, "the first good build")
    finally:
        assert server.stop() == 0


def test_the_preview_survives_a_build_that_fails_unexpectedly(example_site: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A fault of feeds itself is reported and the preview keeps going, so that it rebuilds once the
    cause is gone (an exception out of `rebuild` would end the watcher thread for good)."""
    import feeds.check

    lines: list[str] = []
    preview = Preview(example_site, tmp_path / "out", base_url="http://127.0.0.1:8000/",
                      now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False, echo=lines.append)
    strings = example_site / "templates/strings/en.toml"
    strings.parent.mkdir(parents=True)
    strings.write_bytes('latest_news = "News"\n'.encode("utf-16"))
    preview.rebuild()
    assert preview.state.problems[0].startswith("templates/strings/en.toml:1: not UTF-8: the file is UTF-16")
    strings.unlink()

    def fault(*args: object) -> None:
        raise RuntimeError("a fault")

    with monkeypatch.context() as patched:
        patched.setattr(feeds.check, "load_strings", fault)
        preview.rebuild()
    assert preview.state.problems[0].startswith("feeds: the build stopped on an unexpected error: RuntimeError: "
                                                "a fault")
    assert any("Traceback" in line for line in lines) and lines[-1].startswith("feeds: the build failed")
    preview.rebuild()
    assert not preview.state.problems and preview.state.served
    assert lines[-1].startswith("feeds: built 1 news item and ")


class Told:
    """A watcher that tells the preview what `told` lists, each in turn (the paths changed, and whether
    files moved), and then to stop."""

    def __init__(self, preview: Preview, told: list[tuple[set[str], bool]]) -> None:
        self.preview, self.told = preview, iter(told)

    def wait(self, timeout: float) -> tuple[set[str], bool]:
        try:
            return next(self.told)
        except StopIteration:
            self.preview.stopping = True
            return set(), False


def test_the_watcher_survives_a_look_that_fails(example_site: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """An error while looking at the files (a folder gone as it is walked) is reported, and the next
    change makes the watcher look at every file, and rebuild."""
    lines: list[str] = []
    preview = Preview(example_site, tmp_path / "out", base_url="http://127.0.0.1:8000/",
                      now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False, echo=lines.append)
    seen = preview.look()
    preview.rebuild(seen[0])
    news = example_site / NEWS
    told = [({str(news)}, False), ({str(news)}, False)]
    looks: list[object] = []
    look = preview.look

    def failing_once(last=None, changed=()):
        looks.append(None if last is None else set(changed))
        if len(looks) == 1:
            raise FileNotFoundError("a folder went while it was looked at")
        return look(last, changed)

    monkeypatch.setattr(preview, "look", failing_once)
    news.write_text(news.read_text(encoding="utf-8").replace("title: World", "title: Watched World", 1), encoding="utf-8")
    preview.watch(Told(preview, told), seen)  # returns once told to stop: the exception did not end it
    assert looks == [{str(news)}, None]  # after the failure, a look at every file
    assert any("a folder went" in line for line in lines) and lines[-1].startswith("feeds: built")
    page = lxml.html.fromstring((tmp_path / "out" / NEWS_PAGE / "index.html").read_bytes())
    assert page.findtext(".//h1").startswith("Watched World")


def test_an_edit_where_a_linked_folder_leads_is_seen(example_site: Path, tmp_path: Path) -> None:
    """content/news/press/ links to shared/, a folder of the site that is not watched: the watcher is
    told of nothing when its file changes, so with links in the content every file is looked at."""
    (example_site / "shared").mkdir()
    release = example_site / "shared/x.md"
    release.write_text("---\ntitle: Partner release\ndate: 2018-11-12\n---\nText.\n", encoding="utf-8")
    (example_site / "content/news/press").symlink_to("../../shared", target_is_directory=True)
    lines: list[str] = []
    preview = Preview(example_site, tmp_path / "out", base_url="http://127.0.0.1:8000/",
                      now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False, echo=lines.append)
    seen = preview.look()
    preview.rebuild(seen.look)
    release.write_text(release.read_text(encoding="utf-8").replace("Partner release", "Partner release, edited"),
                       encoding="utf-8")
    preview.watch(Told(preview, [(set(), False)]), seen)
    page = lxml.html.fromstring((tmp_path / "out/news/x/index.html").read_bytes())
    assert page.findtext(".//h1").startswith("Partner release, edited")


def test_a_file_the_build_leaves_out_is_warned_of_when_it_comes(example_site: Path, tmp_path: Path) -> None:
    lines: list[str] = []
    preview = Preview(example_site, tmp_path / "out", base_url="http://127.0.0.1:8000/",
                      now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False, echo=lines.append)
    seen = preview.look()
    preview.rebuild(seen[0])
    stray = example_site / "content/event/x.md"
    stray.parent.mkdir()
    stray.write_text("---\ntitle: E\nstart: 2018-12-01\n---\n", encoding="utf-8")
    seen = preview.catch_up(seen)  # as after a file came: every file looked at
    assert lines[-2].startswith("content/event/x.md: warning: is not in content/news/ or content/events/")
    assert lines[-1].startswith("feeds: built")
    stray.unlink()
    preview.catch_up(seen)
    assert lines[-1].startswith("feeds: built") and "content/event/x.md" not in lines[-2]


def test_a_folder_of_templates_or_root_that_cannot_be_read_fails_the_rebuild_until_it_can(
        example_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As a content folder's: the error shown, the last good build served, and a build again once the
    folder can be read. Folders that hold no file, which no file's stamp tells of."""
    from test_errors import FOLDER_HINT, unreadable

    for folder in ("templates/static/photos", "root/.well-known"):
        (example_site / folder).mkdir(parents=True)
    lines: list[str] = []
    preview = Preview(example_site, tmp_path / "out", base_url="http://127.0.0.1:8000/",
                      now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False, echo=lines.append)
    seen = preview.look()
    preview.rebuild(seen.look)
    before = tree_bytes(tmp_path / "out")
    with monkeypatch.context() as patched:
        unreadable(patched, example_site / "templates/static/photos", example_site / "root/.well-known")
        seen = preview.catch_up(seen)  # as after a change: every file looked at
        assert preview.state.generation == 2 and preview.state.problems == tuple(
            f"{folder}/: cannot be read: Permission denied; the files in it would be left out {FOLDER_HINT}"
            for folder in ("root/.well-known", "templates/static/photos"))
        assert lines[-1] == "feeds: the build failed; still serving the last good build"
    assert tree_bytes(tmp_path / "out") == before
    preview.catch_up(seen)
    assert preview.state.generation == 3 and not preview.state.problems and lines[-1].startswith("feeds: built")


@pytest.mark.parametrize("told", [False, True], ids=["looked-again", "told-of-a-file"])
def test_a_folder_that_can_be_listed_but_not_searched_fails_the_rebuild_until_it_can(
        example_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, told: bool) -> None:
    """chmod a-x, under content/, the template folders and root/: named as a folder that cannot be
    read, not its files left out (nor, told of a change to an item in it, the look a traceback)."""
    from test_errors import FOLDER_HINT, unreadable

    item = example_site / "content/news/2018/x.md"
    for path, text in ((item, "---\ntitle: T\ndate: 2018-11-12\n---\nBody.\n"),
                       (example_site / "templates/static/photos/a.jpg", "x"),
                       (example_site / "root/.well-known/x.txt", "x")):
        path.parent.mkdir(parents=True)
        path.write_text(text)
    lines: list[str] = []
    preview = Preview(example_site, tmp_path / "out", base_url="http://127.0.0.1:8000/",
                      now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False, echo=lines.append)
    seen = preview.look()
    preview.rebuild(seen.look)
    assert not preview.state.problems
    before = tree_bytes(tmp_path / "out")
    folders = ("content/news/2018", "root/.well-known", "templates/static/photos")
    with monkeypatch.context() as patched:
        unreadable(patched, *(example_site / folder for folder in folders), listed=True)
        seen = preview.catch_up(seen, {str(item)} if told else None)
        assert preview.state.generation == 2 and preview.state.problems == tuple(
            f"{folder}/: cannot be read: Permission denied; the {'items' if folder.startswith('content') else 'files'}"
            f" in it would be left out {FOLDER_HINT}" for folder in folders)
        assert lines[-1] == "feeds: the build failed; still serving the last good build"
    assert tree_bytes(tmp_path / "out") == before
    preview.catch_up(seen)
    assert preview.state.generation == 3 and not preview.state.problems and lines[-1].startswith("feeds: built")


def test_template_edits_leave_no_garbage_behind(example_site: Path, tmp_path: Path) -> None:
    """Each template edit makes a new Jinja environment; the old one, in cycles frozen with the
    build's objects, must still be collected (else `feeds serve` grows with every edit)."""
    import gc

    preview = Preview(example_site, tmp_path / "out", base_url="http://127.0.0.1:8000/",
                      now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False, echo=lambda line: None)
    (example_site / "templates").mkdir()
    try:
        sizes = []
        for edit in range(60):
            (example_site / "templates/extra.html").write_text(f"edit {edit}")
            preview.rebuild()
            sizes.append(gc.get_freeze_count())
        assert max(sizes[10:]) < sizes[9] * 1.1, sizes[9::10]
    finally:
        gc.unfreeze()


def test_a_fault_after_the_new_tree_is_in_place_leaves_no_stale_preview(example_site: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview trusts what it recorded of its output without looking: a build that fails after
    swapping its tree in must not leave the record of the tree before, or a return to the inputs of
    that tree would be taken as a build with nothing to do, and the page would stay as it was."""
    from feeds.cache import BuildCache

    output = tmp_path / "out"
    preview = Preview(example_site, output, base_url="http://127.0.0.1:8000/",
                      now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False, echo=lambda line: None)
    preview.rebuild()
    news = example_site / NEWS
    original = news.read_text(encoding="utf-8")
    news.write_text(original.replace("title: World", "title: Faulty World", 1), encoding="utf-8")

    def fault(self: BuildCache) -> None:
        raise RuntimeError("a fault")

    with monkeypatch.context() as patched:
        patched.setattr(BuildCache, "save_items", fault)  # called once the new tree is in place
        preview.rebuild()
    assert preview.state.problems
    news.write_text(original, encoding="utf-8")
    preview.rebuild()
    assert not preview.state.problems
    assert h1((output / NEWS_PAGE / "index.html").read_bytes()).startswith("World")


def test_a_preview_on_the_clock_rebuilds_when_an_event_ends(example_site: Path, tmp_path: Path, feeds,
                                                             clock: list[datetime]) -> None:
    """Without --now the preview builds as of the clock: once an event it shows as upcoming is over,
    it builds again, as it does when an embargo lifts, and shows what a clean build shows then."""
    output, base_url = tmp_path / "preview", "http://127.0.0.1:8000/"
    preview = Preview(example_site, output, base_url=base_url, now=None, drafts=False, echo=lambda line: None)
    seen = preview.look()
    preview.rebuild(seen[0])
    seen = preview.catch_up(seen, set())
    assert preview.state.generation == 1  # nothing changed
    later = "2018-11-28T00:00:00+01:00"  # the gathering is over
    clock[0] = datetime.fromisoformat(later)
    preview.catch_up(seen, set())
    assert preview.state.generation == 2 and not preview.state.problems
    result = feeds("build", "--site", example_site, "--now", later, "--no-cache", "--base-url", base_url,
                   "--output", tmp_path / "clean")
    assert result.code == 0, result.err
    assert tree_bytes(output) == tree_bytes(tmp_path / "clean")


@pytest.mark.parametrize("shows_now", [False, True], ids=["standard templates", "a template showing now"])
def test_a_preview_on_the_clock_shows_an_embargoed_release_once_it_lifts(tmp_path: Path, clock: list[datetime],
                                                                         shows_now: bool) -> None:
    """A new newsroom's first release, under embargo: the preview shows nothing of it, then builds
    again when the embargo lifts (though a site with no items to show has no other moment to wait for;
    nor has one whose templates show `now` itself, whose every moment is its own)."""
    clock[0] = datetime.fromisoformat("2018-11-12T08:00:00+01:00")
    site = tmp_path / "site"
    (site / "content/news").mkdir(parents=True)
    shutil.copy(ROOT / "site.toml", site)
    if shows_now:
        (site / "templates").mkdir()
        base = (ROOT / "templates/base.html").read_text(encoding="utf-8")
        (site / "templates/base.html").write_text(base.replace("</main>", "<p>{{ site.now }}</p>\n</main>"),
                                                  encoding="utf-8")
    (site / "content/news/first.md").write_text(
        "---\ntitle: Our first release\ndate: 2018-11-12T08:00:00+01:00\nembargo: 2018-11-12T09:00:00+01:00\n---\n"
        "It is out.\n", encoding="utf-8")
    output = tmp_path / "preview"
    preview = Preview(site, output, base_url="http://127.0.0.1:8000/", now=None, drafts=False, echo=lambda line: None)
    seen = preview.look()
    preview.rebuild(seen[0])
    assert not (output / "news/first/index.html").exists()
    clock[0] = datetime.fromisoformat("2018-11-12T09:00:01+01:00")
    preview.catch_up(seen, set())
    assert h1((output / "news/first/index.html").read_bytes()) == "Our first release"


def test_a_template_rewritten_to_the_same_size_and_time_is_seen(example_site: Path, tmp_path: Path) -> None:
    """An editor may save a template within the same tick of the clock as the last look, keeping its
    size: the preview tells the files apart as it does content files, by inode and change time too."""
    templates = example_site / "templates"
    templates.mkdir()
    shutil.copy(ROOT / "templates/news.html", templates / "news.html")
    preview, seen = built_preview(example_site, tmp_path / "out")
    template = templates / "news.html"
    before = template.stat()
    text = template.read_text(encoding="utf-8")
    assert '<article class="h-entry item"' in text
    replaced = templates / "news.html.new"  # saved beside it and moved over it, as editors do
    replaced.write_text(text.replace('<article class="h-entry item"', '<article class="h-entry ITEM"'), encoding="utf-8")
    os.utime(replaced, ns=(before.st_atime_ns, before.st_mtime_ns))
    replaced.replace(template)
    assert (template.stat().st_size, template.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    preview.catch_up(seen, {str(template)})
    page = (tmp_path / "out" / NEWS_PAGE / "index.html").read_text(encoding="utf-8")
    assert 'class="h-entry ITEM"' in page


def test_stopping_during_a_rebuild_leaves_no_temporary_folder(example_site: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+C (here SIGTERM, which the preview takes the same way) while the watcher rebuilds: the
    preview waits for that build to end before removing its folder, which the build would otherwise
    write into again once removed, leaving it in the system's temporary folder; and that build, thrown
    away, does not report itself after the terminal said the preview stopped."""
    import tempfile

    import feeds.serve as serving

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    builds = 0
    real_build = serving.build

    def interrupted_build(*args: object, **kwargs: object) -> object:
        nonlocal builds
        builds += 1
        if builds == 2:  # the rebuild after the edit: stopped while it runs
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.5)  # the main thread stops meanwhile
        return real_build(*args, **kwargs)

    monkeypatch.setattr(serving, "build", interrupted_build)
    lines: list[str] = []

    def echo(line: str) -> None:
        lines.append(line)
        if line.startswith("feeds: serving"):
            news = example_site / NEWS
            news.write_text(news.read_text(encoding="utf-8").replace("title: World", "title: Stopped World", 1),
                            encoding="utf-8")

    serving.serve(example_site, host="127.0.0.1", port=0, now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False,
                  echo=echo)
    for thread in threading.enumerate():  # a watcher left running would write on
        if thread.name == "feeds-watch":
            thread.join(timeout=30)
    assert builds == 2 and lines[-1] == "feeds: stopped"  # the build thrown away reports nothing after it
    assert list(temporary.iterdir()) == []


def test_headers_follow_a_static_file_renamed_in_the_preview(example_site: Path, tmp_path: Path) -> None:
    """_headers is kept from one rebuild to the next only for the very same paths: a file renamed
    (as many files as before) gets its rule under its new name."""
    static = example_site / "templates/static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "programme.ics").write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    output = tmp_path / "preview"
    preview = Preview(example_site, output, base_url="http://127.0.0.1:8000/",
                      now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False, echo=lambda line: None)
    preview.rebuild()
    assert headers_for(parse_headers((output / "_headers").read_text()), "/static/programme.ics")["Content-Type"] == [
        "text/calendar; charset=utf-8"]
    (static / "programme.ics").rename(static / "agenda.ics")
    preview.rebuild()
    assert not preview.state.problems
    rules = parse_headers((output / "_headers").read_text())
    assert headers_for(rules, "/static/agenda.ics")["Content-Type"] == ["text/calendar; charset=utf-8"]
    assert "Content-Type" not in headers_for(rules, "/static/programme.ics")


def test_an_editors_scratch_files_among_the_templates_neither_rebuild_nor_are_published(example_site: Path,
                                                                                        tmp_path: Path, feeds) -> None:
    """vim's swap file, Emacs's autosave and the backups both make, beside a template or a static file
    they edit: written as one types, they rebuilt the preview (and reloaded its pages) each time, and
    those under static/ were published. Only the saved file counts."""
    templates = example_site / "templates"
    (templates / "static").mkdir(parents=True)
    shutil.copy(ROOT / "templates/news.html", templates / "news.html")
    (templates / "static/extra.css").write_text("p { color: teal; }\n", encoding="utf-8")
    output, base_url = tmp_path / "preview", "http://127.0.0.1:8000/"
    preview = Preview(example_site, output, base_url=base_url, now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False,
                      echo=lambda line: None)
    seen = preview.look()
    preview.rebuild(seen.look)
    scratch = [templates / ".news.html.swp", templates / "#news.html#", templates / "news.html~",
               templates / "static/.extra.css.swp", templates / "static/#extra.css#", templates / "static/extra.css~"]
    for path in scratch:
        path.write_bytes(b"b0VIM 9.0\0")
    seen = preview.catch_up(seen, {str(path) for path in scratch})
    assert preview.state.generation == 1  # no rebuild: nothing the site is made of changed
    news = templates / "news.html"
    news.write_text(news.read_text(encoding="utf-8").replace('class="h-entry item"', 'class="h-entry item saved"', 1),
                    encoding="utf-8")
    preview.catch_up(seen, {str(news)})
    assert preview.state.generation == 2 and not preview.state.problems
    page = lxml.html.fromstring((output / NEWS_PAGE / "index.html").read_bytes())
    assert page.find_class("saved")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "--base-url", base_url,
                   "--output", tmp_path / "clean")
    assert result.code == 0, result.err
    static = sorted(path.name for path in (tmp_path / "clean/static").iterdir())
    assert static == ["extra.css", "favicon.svg", "style.css"]
    assert tree_bytes(output) == tree_bytes(tmp_path / "clean")


def test_the_files_of_root_are_served_and_followed_as_they_change(example_site: Path) -> None:
    """root/ is watched as content/ is, even when it comes while the preview runs: a file added,
    edited or deleted there is served so at once."""
    server = Server(example_site, "--now", EXAMPLE_NOW)
    try:
        root = example_site / "root"
        (root / ".well-known").mkdir(parents=True)  # root/ comes while the preview runs
        security = root / ".well-known/security.txt"
        security.write_text("Contact: mailto:security@example.org\n", encoding="utf-8")
        wait_until(lambda: get(server.url + ".well-known/security.txt")[0] == 200, "root/ to be published")
        status, headers, body = get(server.url + ".well-known/security.txt")
        assert body == b"Contact: mailto:security@example.org\n"
        assert headers["Content-Type"] == "text/plain; charset=utf-8"
        security.write_text("Contact: https://example.org/security\n", encoding="utf-8")
        wait_until(lambda: get(server.url + ".well-known/security.txt")[2] == b"Contact: https://example.org/security\n",
                   "the edit")
        security.unlink()
        wait_until(lambda: get(server.url + ".well-known/security.txt")[0] == 404, "the file to go")
    finally:
        assert server.stop() == 0


def test_an_editors_scratch_files_in_root_neither_rebuild_nor_are_published(example_site: Path,
                                                                            tmp_path: Path) -> None:
    root = example_site / "root"
    root.mkdir()
    (root / "_redirects").write_text("/old /news/ 301\n", encoding="utf-8")
    output = tmp_path / "preview"
    preview, seen = built_preview(example_site, output)
    scratch = [root / "._redirects.swp", root / "#_redirects#", root / "_redirects~", root / ".DS_Store"]
    for path in scratch:
        path.write_bytes(b"b0VIM 9.0\0")
    seen = preview.catch_up(seen, {str(path) for path in scratch})
    assert preview.state.generation == 1  # no rebuild: nothing the site is made of changed
    (root / "_redirects").write_text("/older /news/ 301\n", encoding="utf-8")
    preview.catch_up(seen, {str(root / "_redirects")})
    assert preview.state.generation == 2 and not preview.state.problems
    assert sorted(path.name for path in output.iterdir() if path.name.startswith(("_", ".", "#"))) == [
        "_headers", "_redirects"]
    assert (output / "_redirects").read_bytes() == b"/older /news/ 301\n"


def test_a_save_that_empties_the_file_first_is_taken_once_written(example_site: Path, tmp_path: Path) -> None:
    """Some editors and tools empty a file, then write it a moment later: the watcher waits for the file
    to be closed, so the preview never builds the empty file (an error shown, then a second build)."""
    lines: list[str] = []
    preview = Preview(example_site, tmp_path / "out", base_url="http://127.0.0.1:8000/",
                      now=datetime.fromisoformat(EXAMPLE_NOW), drafts=False, echo=lines.append)
    seen = preview.look()
    preview.rebuild(seen.look)
    changes = Changes(example_site)
    news = example_site / NEWS
    saved = news.read_text(encoding="utf-8").replace(f"title: {TITLE}", "title: Saved in two steps")

    def save() -> None:
        with open(news, "w", encoding="utf-8") as file:  # emptied
            file.flush()
            time.sleep(0.3)
            file.write(saved)

    writer = threading.Thread(target=save)
    try:
        writer.start()
        paths, moves = changes.wait(10)
        assert news.read_text(encoding="utf-8") == saved  # not taken while the file was empty
        seen = preview.catch_up(seen, paths)
    finally:
        writer.join()
        changes.stop()
    assert preview.state.generation == 2 and not preview.state.problems, lines
    assert h1((tmp_path / "out" / NEWS_PAGE / "index.html").read_bytes()) == "Saved in two steps"


def test_a_folder_moved_out_of_the_site_and_back_is_watched_without_a_warning(example_site: Path,
                                                                              tmp_path: Path) -> None:
    """The system keeps watching a folder moved out of the site; moved back, it is watched again, and
    watchdog warned of that in the terminal ("RuntimeWarning: Callback with id ... already exists")."""
    folder = example_site / "content/news/2018"
    folder.mkdir()
    news = folder / Path(NEWS).name
    (example_site / NEWS).rename(news)
    server = Server(example_site, "--now", EXAMPLE_NOW)
    try:
        folder.rename(tmp_path / "2018")
        wait_until(lambda: "has disappeared" in server.terminal, "the item's file to be missed")
        (tmp_path / "2018").rename(folder)
        wait_until(lambda: server.terminal.count("feeds: built") == 2, "the rebuild")
        news.write_text(news.read_text(encoding="utf-8").replace(f"title: {TITLE}", "title: Back again"),
                        encoding="utf-8")
        wait_until(lambda: h1(get(server.url + NEWS_PAGE)[2]) == "Back again", "the edit in the folder moved back")
    finally:
        assert server.stop() == 0
    assert "Warning" not in server.terminal, server.terminal


def test_an_edit_where_a_linked_template_leads_is_seen(example_site: Path, tmp_path: Path) -> None:
    """templates/ linked to a theme kept elsewhere, or one template linked to a file there: the watcher
    is told of nothing when the theme's files change, so the preview looks at the templates each time."""
    theme = tmp_path / "theme"
    theme.mkdir()
    news = theme / "news.html"
    original = (ROOT / "templates/news.html").read_text(encoding="utf-8")
    news.write_text(original, encoding="utf-8")
    (example_site / "templates").symlink_to(theme, target_is_directory=True)
    output = tmp_path / "out"
    preview, seen = built_preview(example_site, output)
    for edit in ("themed", "themed again"):
        if edit == "themed again":  # the site's own folder, with one template linked to the theme's
            (example_site / "templates").unlink()
            (example_site / "templates").mkdir()
            (example_site / "templates/news.html").symlink_to(news)
            seen = preview.catch_up(seen)  # as after files came: every file looked at
        news.write_text(original.replace('class="h-entry item"', f'class="h-entry item {edit}"', 1), encoding="utf-8")
        seen = preview.catch_up(seen, set())  # told of nothing, as where a link leads
        page = lxml.html.fromstring((output / NEWS_PAGE / "index.html").read_bytes())
        assert page.find_class(edit.split()[-1]), edit


def test_an_edit_where_a_linked_root_leads_is_seen(example_site: Path, tmp_path: Path) -> None:
    """root/ linked to a folder kept elsewhere (a press kit shared by several sites, say): the watcher
    is told of nothing when its files change, so the preview looks at root/ each time."""
    kit = tmp_path / "kit"
    kit.mkdir()
    (kit / "CNAME").write_bytes(b"one.example.org\n")
    (example_site / "root").symlink_to(kit, target_is_directory=True)
    output = tmp_path / "out"
    preview, seen = built_preview(example_site, output)
    assert (output / "CNAME").read_bytes() == b"one.example.org\n"
    (kit / "CNAME").write_bytes(b"two.example.org\n")
    preview.catch_up(seen, set())  # told of nothing, as where a link leads
    assert (output / "CNAME").read_bytes() == b"two.example.org\n"


def test_an_edit_where_linked_settings_lead_is_seen(example_site: Path, tmp_path: Path) -> None:
    """site.toml linked to settings kept elsewhere (shared by several sites, say): the watcher is told
    of nothing when that file changes, so the preview looks at the settings each time."""
    shared = tmp_path / "shared.toml"
    shared.write_text((example_site / "site.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (example_site / "site.toml").unlink()
    (example_site / "site.toml").symlink_to(shared)
    output = tmp_path / "out"
    preview, seen = built_preview(example_site, output)
    generation = preview.state.generation
    seen = preview.catch_up(seen, set())
    assert preview.state.generation == generation  # looked at, unchanged: not built again
    settings = tomllib.loads(shared.read_text(encoding="utf-8"))
    shared.write_text(shared.read_text(encoding="utf-8").replace(settings["title"], "Shared title", 1), encoding="utf-8")
    preview.catch_up(seen, set())  # told of nothing, as where a link leads
    page = lxml.html.fromstring((output / "index.html").read_bytes())
    assert page.findtext(".//title") == "Shared title"
