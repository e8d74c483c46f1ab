"""Hostile and unusual input: sanitised bodies, escaped fields in every format, safe paths, odd encodings."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import feedparser
import icalendar
import lxml.html
import pytest
from conftest import EXAMPLE_NOW
from playwright.sync_api import sync_playwright

from feeds.render import OutputFile
from feeds.write import UnsafePath, new_tree, safe_target

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]

HOSTILE = """\
---
title: "<script>window.pwned = 1</script> Tom & \\"Jerry\\"\\r\\nBEGIN:VEVENT"
start: 2018-12-01T10:00
summary: "<b>bold</b> & <img src=x onerror=window.pwned=1>\\r\\nUID:evil\\nDTSTART:20000101"
location: "Room 1\\r\\nATTENDEE:mailto:x@evil.example; \\"q\\", \\\\n"
---
Hello <script>window.pwned = 1</script> <img src=x onerror="window.pwned=1" alt=a>
[click](javascript:window.pwned=1) <a href="JaVaScRiPt:window.pwned=1">x</a> <a href="data:text/html,x">d</a>
<iframe src="https://evil.example/"></iframe> <style>body{display:none}</style> <object data="x"></object>
<svg onload="window.pwned=1"><a xlink:href="javascript:window.pwned=1">y</a></svg>
<form action="https://evil.example/"><input name="q"><button formaction="javascript:window.pwned=1">b</button></form>
<div style="background:url(javascript:window.pwned=1)" onclick="window.pwned=1">kept text</div>
<img alt="s" srcset="../ok.png 1x, javascript:window.pwned=1 2x"> <blockquote cite="javascript:window.pwned=1">q</blockquote>
"""
TITLE = '<script>window.pwned = 1</script> Tom & "Jerry" BEGIN:VEVENT'  # line break made one space
SUMMARY = "<b>bold</b> & <img src=x onerror=window.pwned=1> UID:evil DTSTART:20000101"
LOCATION = 'Room 1 ATTENDEE:mailto:x@evil.example; "q", \\n'


@pytest.fixture
def hostile(example_site: Path, feeds) -> Path:
    (example_site / "content/events/hostile.md").write_text(HOSTILE)
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    return example_site / "public"


def assert_harmless(root: lxml.html.HtmlElement) -> None:
    """No scripts, frames, forms, event handlers, inline styles or script URLs anywhere in the tree."""
    assert not root.xpath(".//script | .//iframe | .//object | .//embed | .//form | .//style | .//svg | .//button")
    for element in root.iter(lxml.etree.Element):
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert name.lower() != "style", element.tag
            for url in value.split(",") if name == "srcset" else [value]:  # each of a srcset's candidates
                assert not url.strip().lower().startswith(("javascript:", "data:", "vbscript:")), (name, value)
    for box in root.xpath(".//input"):
        assert box.get("type") == "checkbox" and box.get("disabled") is not None


def test_page_of_hostile_item_is_sanitised_and_fields_are_text(hostile: Path) -> None:
    page = lxml.html.parse(str(hostile / "events/hostile/index.html")).getroot()
    body = page.find_class("e-content")[0]
    assert_harmless(body)
    assert "kept text" in body.text_content()
    assert "pwned" not in lxml.html.tostring(body, encoding="unicode")  # scripts go with their content
    assert page.findtext(".//h1") == TITLE
    assert page.find_class("p-location")[0].text_content() == LOCATION
    assert page.xpath("string(//meta[@name='description']/@content)") == SUMMARY
    index = lxml.html.parse(str(hostile / "index.html")).getroot()
    assert TITLE in [a.text_content() for a in index.iter("a")]


def test_hostile_page_runs_no_script_in_a_browser(hostile: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            for path in ("events/hostile/index.html", "index.html"):
                page.goto((hostile / path).as_uri())
                for link in page.locator(".e-content a").all():
                    link.click(no_wait_after=True) if link.get_attribute("href") else None
                assert page.evaluate("typeof window.pwned") == "undefined"
                assert page.locator("h1").first.inner_text() != ""
            assert dialogs == []
        finally:
            browser.close()


def test_feeds_carry_hostile_fields_as_text_and_bodies_sanitised(hostile: Path) -> None:
    for name in ("atom.xml", "rss.xml"):
        feed = feedparser.parse((hostile / "feeds" / name).read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        entry = next(e for e in feed.entries if e.link.endswith("/events/hostile/"))
        assert entry.title == TITLE
        summary = entry.summary
        if entry.summary_detail.type == "text/html":  # RSS: <description> is HTML, so it holds escaped text
            summary = lxml.html.fragment_fromstring(summary, create_parent="div").text_content()
        assert summary == SUMMARY
        # The raw content, before feedparser's own sanitiser, is already harmless.
        raw = lxml.etree.fromstring((hostile / "feeds" / name).read_bytes())
        contents = [el.text for el in raw.iter() if isinstance(el.tag, str) and el.tag.endswith(("content", "encoded"))]
        hostile_html = next(c for c in contents if "kept text" in c)
        assert_harmless(lxml.html.fragment_fromstring(hostile_html, create_parent="div"))


def test_calendar_fields_never_start_a_new_property(hostile: Path) -> None:
    data = (hostile / "feeds/events.ics").read_bytes()
    calendar = icalendar.Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    event = next(e for e in events if e["UID"] == "hostile@newsroom.example.org")
    assert str(event["SUMMARY"]) == TITLE
    description = str(event["DESCRIPTION"])  # the sanitised body as plain text, then the page's URL
    assert "kept text" in description and "pwned" not in description and "<" not in description
    assert description.endswith("\n\nhttps://newsroom.example.org/events/hostile/")
    assert str(event["LOCATION"]) == LOCATION
    assert "ATTENDEE" not in event and event.decoded("DTSTART").year == 2018
    unfolded = data.replace(b"\r\n ", b"")
    starts = [line.split(b":")[0].split(b";")[0] for line in unfolded.split(b"\r\n") if line]
    assert starts.count(b"BEGIN") == starts.count(b"END") and b"ATTENDEE" not in starts


def _open_overrides(text: str) -> int:
    """How many embeddings and overrides (U+202A, B, D, E) the text leaves open: each PDF (U+202C) closes one."""
    depth = 0
    for character in text:
        if character in "\u202a\u202b\u202d\u202e":
            depth += 1
        elif character == "\u202c" and depth:
            depth -= 1
    return depth


def test_a_right_to_left_override_in_a_title_reverses_no_other_text(example_site: Path, feeds) -> None:
    """A title or summary holding a right-to-left override (U+202E), as a spoofed file name does, is
    closed at its end: in the window's title, the site's name after it, in a feed reader or calendar
    the text beside it, would read backwards otherwise."""
    (example_site / "content/news/spoof.md").write_text(
        "---\ntitle: \"Invoice \\u202Efdp.exe\"\ndate: 2018-11-13\nsummary: \"Read \\u202Eit now\"\n---\n"
        "Body \u202ereversed.\n\n## Section\n", encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    output = example_site / "public"
    page = lxml.html.fromstring((output / "news/spoof/index.html").read_bytes())
    title, _, site_name = page.findtext(".//title").partition(" · ")
    assert title == "Invoice \u202efdp.exe\u202c" and site_name == "Centre for Cybersecurity Newsroom"
    assert _open_overrides(title) == 0  # closed before the site's name
    feed = feedparser.parse((output / "feeds/atom.xml").read_bytes())
    entry = next(e for e in feed.entries if e.link.endswith("/news/spoof/"))
    assert entry.title == title and _open_overrides(entry.summary) == 0
    card = lxml.html.fromstring((output / "index.html").read_bytes()).xpath('//a[contains(@href, "news/spoof/")]')[0]
    assert _open_overrides(card.text_content()) == 0


def test_bom_and_crlf_files_build(example_site: Path, feeds) -> None:
    text = "---\r\ntitle: Windows note\r\ndate: 2018-11-13\r\nsummary: Written on Windows.\r\n---\r\nBody line.\r\n"
    (example_site / "content/news/windows.md").write_bytes("\ufeff".encode() + text.encode())
    (example_site / "site.toml").write_bytes(b"\xef\xbb\xbf" + (example_site / "site.toml").read_bytes().replace(b"\n", b"\r\n"))
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    page = lxml.html.parse(str(example_site / "public/news/windows/index.html")).getroot()
    assert page.findtext(".//h1") == "Windows note"
    assert page.find_class("e-content")[0].text_content().strip() == "Body line."


@pytest.mark.parametrize(("stem", "slug"), [
    ("2018-11-13-Zürich-Treffen", "zurich-treffen"),
    (unicodedata.normalize("NFD", "Genève Événement"), "geneve-evenement"),
    ("北京会议", "北京会议"),  # another script than Latin keeps its letters (test_slugs)
    (unicodedata.normalize("NFD", "한국 회의"), "한국-회의"),  # in NFKC, as the file system may give it decomposed
])
def test_unicode_file_names_give_their_slugs(example_site: Path, feeds, stem: str, slug: str) -> None:
    (example_site / f"content/news/{stem}.md").write_text("---\ntitle: Treffen\ndate: 2018-11-13\n---\nText.\n")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    assert (example_site / f"public/news/{slug}/index.html").is_file()


def test_unicode_file_names_that_normalise_alike_collide(example_site: Path, feeds) -> None:
    (example_site / "content/news/Zürich.md").write_text("---\ntitle: A\ndate: 2018-11-13\n---\n")
    (example_site / "content/news/zurich.md").write_text("---\ntitle: B\ndate: 2018-11-13\n---\n")
    result = feeds("check", "--site", example_site)
    assert result.code == 1
    assert "slug: 'news/zurich' is already used by content/news/" in result.err


def test_date_like_title_is_kept_as_written(example_site: Path, feeds) -> None:
    (example_site / "content/news/dated.md").write_text("---\ntitle: 2018-11-13\ndate: 2018-11-13\n---\nText.\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    page = lxml.html.parse(str(example_site / "public/news/dated/index.html")).getroot()
    assert page.findtext(".//h1") == "2018-11-13"


def test_a_slug_cannot_leave_its_folder(example_site: Path, feeds) -> None:
    (example_site / "content/news/escape.md").write_text(
        "---\ntitle: E\ndate: 2018-11-13\nslug: ../../../../etc/passwd\n---\n")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    assert (example_site / "public/news/etc-passwd/index.html").is_file()
    assert sorted(p.name for p in example_site.iterdir()) == [
        ".feeds-cache", "content", "public", "published.json", "site.toml"]


@pytest.mark.parametrize("path", ["../x.html", "/etc/passwd", "news/../../x", "a\\..\\b", "", ".."])
def test_unsafe_output_paths_are_refused(tmp_path: Path, path: str) -> None:
    """By the preview's server, which looks up a request's path, and by the writer of the output tree."""
    with pytest.raises(UnsafePath):
        safe_target(tmp_path, path)
    with new_tree(tmp_path / "public", {}) as tree, pytest.raises(UnsafePath):
        tree.place(OutputFile(path, b"x"))


def test_escapes_of_control_characters_in_a_web_address_stay_escaped_where_it_is_shown(example_site: Path,
                                                                                       feeds) -> None:
    """An address shows as written (escapes undone), but an escape that gives a control character, a
    noncharacter (U+FFFE, U+FDD0) or a line break is kept, as browsers keep it: XML and HTML cannot carry
    those characters."""
    address = "https://x.example/a%01b%00c%EF%BF%BEd%C2%85e%0Af%20g%EF%B7%90h"
    (example_site / "content/events/odd.md").write_text(
        f"---\ntitle: Odd\nstart: 2018-12-01\nlocation: Bern\nurl: {address}\n---\nText.\n")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    shown = "https://x.example/a%01b%00c%EF%BF%BEd%C2%85e%0Af g%EF%B7%90h"
    page = lxml.html.parse(str(example_site / "public/events/odd/index.html")).getroot()
    [link] = [a for a in page.iter("a") if a.get("href") == address]
    assert link.text_content() == shown
    for name in ("atom.xml", "rss.xml"):
        feed = feedparser.parse((example_site / "public/feeds" / name).read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        [entry] = [e for e in feed.entries if e.title == "Odd"]
        content = lxml.html.fragment_fromstring(entry.content[0].value, create_parent="div")
        assert [a.text_content() for a in content.iter("a") if a.get("href") == address] == [shown]


def test_code_that_shows_attributes_keeps_them(example_site: Path, feeds) -> None:
    """A body's ids (but its footnotes'), srcset and cite are checked in its tags, never in its text: a
    code sample showing them is shown whole."""
    samples = ['<div id="player">', '<img srcset="data:image/png;base64,AA 2x">', '<q cite="urn:isbn:1">']
    body = " ".join(f"`{sample}`" for sample in samples)
    (example_site / "content/news/embed.md").write_text(
        f"---\ntitle: Embed\ndate: 2018-11-13\n---\n{body}\n\n<p id=\"main\">Raw.</p>\n\n"
        '<img alt="a" srcset="javascript:x 2x">\n')
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    page = lxml.html.parse(str(example_site / "public/news/embed/index.html")).getroot()
    content = page.find_class("e-content")[0]
    assert [code.text_content() for code in content.iter("code")] == samples
    assert content.xpath(".//*[@id]") == [] and content.xpath(".//img/@srcset") == []  # the tags' own go
    atom = feedparser.parse((example_site / "public/feeds/atom.xml").read_bytes())
    [entry] = [e for e in atom.entries if e.title == "Embed"]
    shown = lxml.html.fragment_fromstring(entry.content[0].value, create_parent="div")
    assert [code.text_content() for code in shown.iter("code")] == samples


def test_a_code_blocks_language_class_is_a_plain_name_on_code_alone() -> None:
    """A fence's info string is the writer's to type: a language that could leave its attribute or
    add classes is dropped (the code stays), and language-... is kept on <code> and nowhere else."""
    from feeds.markup import to_html

    fences = ['"onmouseover=alert(1)', "a&b", "{.python}", "c#", "objective-c", "vue.js"]
    body = "".join(f"```{info}\nx\n```\n\n" for info in fences)
    raw = '<code class="language-go" onclick="x">y</code> <span class="language-go">z</span> <code class="big">w</code>'
    html = lxml.html.fragment_fromstring(to_html(body + raw), create_parent="div")
    assert [code.get("class") for code in html.iter("code")] == [
        None, None, None, "language-c#", "language-objective-c", "language-vue.js", "language-go", None]
    assert [element.tag for element in html.iter() if element.get("class")] == ["code"] * 4
    assert_harmless(html)


def test_a_body_links_a_calendar_to_subscribe_to_by_webcal(example_site: Path, feeds) -> None:
    """webcal: is how a page offers a calendar to subscribe to (the site's own subscribe links use it):
    a body's webcal: link stays a link, on the page and in the feeds, as written."""
    webcal = "webcal://calendars.example.org/board.ics"
    (example_site / "content/news/board.md").write_text(
        f"---\ntitle: Board\ndate: 2018-11-13\n---\n[Subscribe to the board's calendar]({webcal}).\n")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    page = lxml.html.parse(str(example_site / "public/news/board/index.html")).getroot()
    assert page.find_class("e-content")[0].xpath(".//a/@href") == [webcal]
    for name in ("atom.xml", "rss.xml"):  # read raw: feedparser's own sanitiser knows no webcal:
        raw = lxml.etree.fromstring((example_site / "public/feeds" / name).read_bytes())
        [content] = [el.text for el in raw.iter() if isinstance(el.tag, str) and el.tag.endswith(("content", "encoded"))
                     and "Subscribe to the board" in el.text]
        assert lxml.html.fragment_fromstring(content, create_parent="div").xpath(".//a/@href") == [webcal], name
