"""Property-based: any Unicode in titles, summaries, bodies and locations builds or fails cleanly, and
what feedparser, icalendar and an HTML parser read back is what was written (after one_line)."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import tempfile
import unicodedata
import zoneinfo
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
import icalendar
import lxml.etree
import lxml.html
import yaml
from conftest import EXAMPLE_NOW, ROOT
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from test_safety import assert_harmless

from feeds.cli import main
from feeds.limits import NONCHARACTERS, one_line, refused_character
from feeds.model import NewsItem, Tag, by_tag, newest_first
from feeds.render.ics_text import plain, to_ical

ATOM = "{http://www.w3.org/2005/Atom}"
PROP_ID = "tag:newsroom.example.org,2018-12-01:events/prop"
# Any character a UTF-8 file can hold (surrogates cannot be encoded), control characters included.
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
# Text with no refused character, whitespace of every kind included: it must come back exactly.
CLEAN_CHARACTER = st.one_of(st.characters(exclude_categories=("Cs", "Cc"), exclude_characters=NONCHARACTERS),
                            st.sampled_from(" \t\n\r"))
CLEAN_TEXT = st.text(CLEAN_CHARACTER, max_size=40)
WORD = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=12)
SNIPPETS = st.sampled_from([
    "<script>window.pwned=1</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    '<a href="data:text/html,x">d</a>', "<iframe src=//evil.example></iframe>", "<b>bold</b>", "*em*",
    "<style>p{}</style>", '<svg onload="alert(1)">', "&amp;", "<!-- c -->", "`code`", "\n\n", "\n---\n",
])
BODY = st.lists(st.one_of(WORD, SNIPPETS, ANY_TEXT), max_size=12).map(" ".join)
CLEAN_BODY = st.lists(st.one_of(WORD, SNIPPETS, CLEAN_TEXT), max_size=12).map(" ".join)

PROPERTY = settings(max_examples=int(__import__("os").environ.get("PROPERTY_EXAMPLES", 60)), deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def build(front: dict[str, str], body: str) -> tuple[int, str, Path, tempfile.TemporaryDirectory[str]]:
    """Build the example site plus one event written from these values; return code, stderr, output."""
    holder = tempfile.TemporaryDirectory()
    site = Path(holder.name) / "site"
    site.mkdir()
    shutil.copy(ROOT / "site.toml", site)
    shutil.copytree(ROOT / "content", site / "content")
    front_matter = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=10**9)
    (site / "content/events/prop.md").write_text(f"---\n{front_matter}---\n{body}", encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["build", "--site", str(site), "--now", EXAMPLE_NOW])
    return code, err.getvalue(), site / "public", holder


@PROPERTY
@given(title=ANY_TEXT, summary=ANY_TEXT, location=ANY_TEXT, body=BODY)
def test_any_text_builds_or_fails_cleanly(title: str, summary: str, location: str, body: str) -> None:
    check(title, summary, location, body)


@PROPERTY
@given(title=CLEAN_TEXT.filter(one_line), summary=CLEAN_TEXT, location=CLEAN_TEXT, body=CLEAN_BODY)
def test_text_reads_back_as_written_in_every_format(title: str, summary: str, location: str, body: str) -> None:
    assert check(title, summary, location, body) == "built"


def check(title: str, summary: str, location: str, body: str) -> str:
    """Build one event from these values: either every reader gets them back, or the errors say why."""
    front = {"title": title, "start": "2018-12-01T10:00", "summary": summary, "location": location}
    code, err, public, holder = build(front, body)
    with holder:
        refused = [key for key, value in (("title", title), ("summary", summary), ("location", location))
                   if refused_character(value) is not None]
        if refused_character(body) is not None or refused or not one_line(title):
            assert code == 1, err
            for line in err.splitlines()[:-1]:
                assert line.startswith("content/events/prop.md:") and "(hint: " in line, err
            if refused_character(body) is not None:  # a raw control character: the file is refused at its line
                assert ": control character U+" in err or ": noncharacter U+" in err, err
            for key in refused if refused_character(body) is None else []:
                # Caught per field where YAML escaped the character ("\a"), else at its place in the file
                # (YAML writes some, such as U+0085, as they are).
                assert any(f": {key}: contains the {kind}" in err or f": {kind} U+" in err
                           for kind in ("control character", "noncharacter")), err
            event("refused")
            return "refused"
        event("built")
        assert code == 0, err
        expected = {"title": one_line(title), "summary": one_line(summary), "location": one_line(location),
                    "body": body}
        _check_html(public, expected)
        _check_feeds(public, expected)
        _check_calendar(public, expected)
        return "built"


def _check_html(public: Path, expected: dict[str, str]) -> None:
    page = lxml.html.parse(str(public / "events/prop/index.html")).getroot()
    assert page.findtext(".//h1") == expected["title"]
    location = page.find_class("p-location")
    assert (location[0].text_content() if location else "") == expected["location"]
    if expected["summary"]:
        assert page.xpath("string(//meta[@name='description']/@content)") == expected["summary"]
    assert_harmless(page.find_class("e-content")[0])


def feedparser_view(text: str) -> str:
    """Text as feedparser returns it: it takes UTF-8 that reads as Latin-1 for mojibake and repairs it."""
    try:
        return text.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _check_feeds(public: Path, expected: dict[str, str]) -> None:
    for name, ns, entry_tag, summary_tag in (("atom.xml", ATOM, "entry", "summary"), ("rss.xml", "", "item", "description")):
        data = (public / "feeds" / name).read_bytes()
        # A strict XML parser reads back exactly what was written...
        entry_xml = next(e for e in lxml.etree.fromstring(data).iter(ns + entry_tag)
                         if e.findtext(ns + "id") == PROP_ID or e.findtext("guid") == PROP_ID)
        assert entry_xml.findtext(ns + "title") == expected["title"]
        # ...and so does feedparser, give or take its mojibake repair.
        feed = feedparser.parse(data)
        assert not feed.bozo, feed.get("bozo_exception")
        entry = next(e for e in feed.entries if e.link.endswith("/events/prop/"))
        assert entry.title == feedparser_view(expected["title"])
        if expected["summary"]:
            raw_summary = entry_xml.findtext(ns + summary_tag)
            if name == "rss.xml":  # <description> is HTML: it holds the summary escaped
                raw_summary = lxml.html.fragment_fromstring(f"<div>{raw_summary}</div>").text_content()
            assert raw_summary == expected["summary"]
            summary = entry.summary
            if entry.summary_detail.type == "text/html":
                summary = lxml.html.fragment_fromstring(f"<div>{summary}</div>").text_content()
            assert summary == feedparser_view(expected["summary"])


def _check_calendar(public: Path, expected: dict[str, str]) -> None:
    calendar = icalendar.Calendar.from_ical((public / "feeds/events.ics").read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 2  # nothing in a field started a component
    event = next(e for e in events if e["UID"] == "prop@newsroom.example.org")
    assert str(event["SUMMARY"]) == expected["title"]
    assert str(event.get("LOCATION", "")) == expected["location"]
    # DESCRIPTION is the body as plain text (the summary when there is no body), then the page's URL.
    page = "https://newsroom.example.org/events/prop/"
    description = str(event["DESCRIPTION"])
    assert description.endswith(page)
    if expected["summary"] and not expected["body"].strip():
        assert description == f"{expected['summary']}\n\n{page}"


# Text dense in what folding must not break: multi-byte characters, escapes and their lead characters.
FOLD_TEXT = st.text(st.sampled_from("\\^;,:\"\n aé€😀"), min_size=70, max_size=400)


@PROPERTY
@given(FOLD_TEXT, FOLD_TEXT)
def test_calendar_lines_fold_as_icalendar_folds_them(description: str, summary: str) -> None:
    """Folding by byte slices writes exactly the bytes icalendar's own serialiser writes."""
    vevent = icalendar.Event()
    vevent.add("UID", "fold@newsroom.example.org")
    vevent.add("SUMMARY", icalendar.vText(summary or "-"))
    vevent.add("DESCRIPTION", plain(description) or "-")
    vevent.add("X-ALT-DESC", icalendar.vText(description or "-"), parameters={"FMTTYPE": "text/html"})
    assert to_ical(vevent) == vevent.to_ical()
    assert all(len(line) <= 75 for line in to_ical(vevent).split(b"\r\n"))


ATTRIBUTE_TEXT = st.lists(st.sampled_from([" ", "\n", "\t", "\u00a0", "href", "src", "srcset", "cite", "=", '"', "x",
                                            "h", "ref", "c", "set", "<a", "<img", "<source", "<p", ">"]), max_size=24).map("".join)


@PROPERTY
@given(ATTRIBUTE_TEXT)
@example('<a xhref="x">')  # no link: the attribute is another's
@example('<a data-href="y" href="z">')
@example(' href="" <img src="a">')  # an attribute outside any tag is none
def test_url_attributes_are_found_as_the_plain_patterns_find_them(text: str) -> None:
    """In each tag, the patterns find the first URL attribute they look for, as a plain search of the
    tag finds it (the sanitiser gives no tag two of them), and nothing outside tags."""
    from feeds.links import _HREF, _IMAGE_SRC, _SOURCE_SRCSET, _SRCSET, _URL_ATTRIBUTE

    for fast, tags, attribute in ((_URL_ATTRIBUTE, r"[a-zA-Z]", r"(?:href|src|cite)"), (_SRCSET, r"[a-zA-Z]", "srcset"),
                                  (_HREF, r"a(?![^\s<>])", "href"), (_IMAGE_SRC, r"img(?![^\s<>])", "src"),
                                  (_SOURCE_SRCSET, r"source(?![^\s<>])", "srcset")):
        found = [(match.end(), match[match.re.groups]) for match in fast.finditer(text)]  # the URL: the last group
        expected = []
        for tag in re.finditer(rf"<{tags}[^<>]*", text):
            first = re.search(rf'\s{attribute}="([^"]*)"', text[tag.start():])
            if first and tag.start() + first.start() < tag.end():
                expected.append((tag.start() + first.end(), first[1]))
        assert found == expected


def test_every_code_point_is_refused_exactly_when_it_is_a_control_character_or_a_noncharacter() -> None:
    """All 1,112,064 code points a file can hold, one at a time amid text: refused_character's
    shortcut (a text whose UTF-8 bytes begin none of the refused characters needs no search) never
    lets one through, and refuses nothing else."""
    allowed_controls = "\t\n\r"
    for code in [*range(0xD800), *range(0xE000, 0x110000)]:
        character = chr(code)
        refused = (unicodedata.category(character) == "Cc" and character not in allowed_controls
                   or character in NONCHARACTERS)
        assert refused_character(f"ab{character}c") == (2 if refused else None), f"U+{code:04X}"


_ZONES = [zoneinfo.ZoneInfo(name) for name in ("Europe/Zurich", "America/Sao_Paulo", "Australia/Lord_Howe")]
_CHANGES = [datetime(2018, 3, 25, 2), datetime(2018, 10, 28, 2), datetime(2018, 11, 4, 0), datetime(2018, 2, 17, 23),
            datetime(2018, 4, 1, 1, 30), datetime(2018, 10, 7, 2)]  # wall times near changes of these zones' clocks
DATES = st.builds(lambda change, minutes, zone, fold: (change + timedelta(minutes=minutes)).replace(tzinfo=zone, fold=fold),
                  st.sampled_from(_CHANGES), st.integers(-3000, 3000),
                  st.sampled_from([*_ZONES, timezone.utc, timezone(timedelta(hours=1))]), st.integers(0, 1))


@given(st.lists(st.tuples(DATES, st.sampled_from("abcd")), max_size=30))
@example([(datetime(2018, 3, 25, 2, 49, tzinfo=_ZONES[0]), "a"), (datetime(2018, 3, 25, 3, 32, tzinfo=_ZONES[0]), "b"),
          (datetime(2018, 3, 25, 1, 40, tzinfo=timezone.utc), "c")])  # on the clock 03:32 comes after 02:49; as instants not
def test_items_are_ordered_by_the_instants_of_their_dates(dated: list[tuple[datetime, str]]) -> None:
    """newest_first orders by the instant a date stands for, also around times a zone skips or has
    twice, where Python's comparison of two dates of one zone goes by the clock instead."""
    items = [NewsItem(source=f"content/news/{n}.md", slug=str(n), id=item_id, title="", date=date, updated=date,
                      summary="", body_html="") for n, (date, item_id) in enumerate(dated)]
    assert newest_first(items) == sorted(items, key=lambda item: (item.date.timestamp(), item.id), reverse=True)


# A few ways of writing two tags: the same slug in other cases and spacings, as items write them.
_WRITTEN = [Tag("paris-call", "Paris Call"), Tag("paris-call", "paris call"), Tag("paris-call", "Paris-Call"),
            Tag("geneva", "Geneva"), Tag("geneva", "GENEVA")]


@given(st.lists(st.lists(st.sampled_from(_WRITTEN), max_size=2, unique_by=lambda tag: tag.slug), max_size=20))
def test_each_tag_lists_its_items_in_order_under_the_name_most_items_write(tagged: list[list[Tag]]) -> None:
    """by_tag: every item of a slug, however it writes the tag, in the items' order, under the way
    most of them write it (the first in alphabetical order of those written as often)."""
    date = datetime(2018, 11, 12, tzinfo=timezone.utc)
    items = [NewsItem(source=f"content/news/{n}.md", slug=str(n), id=str(n), title="", date=date, updated=date,
                      summary="", body_html="", tags=tuple(sorted(tags))) for n, tags in enumerate(tagged)]
    expected = {}
    for slug in sorted({tag.slug for tags in tagged for tag in tags}):
        written = [tag.name for item in items for tag in item.tags if tag.slug == slug]
        name = min(set(written), key=lambda way: (-written.count(way), way))
        expected[Tag(slug, name)] = tuple(item for item in items if any(tag.slug == slug for tag in item.tags))
    assert by_tag(items) == expected
    assert [tag.name for tag in by_tag(items)] == [tag.name for tag in expected]  # Tag == compares slug and name
