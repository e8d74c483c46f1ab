"""CommonMark through cmark-gfm: the same HTML as cmarkgfm's own function, without its leak."""

from __future__ import annotations

import cmarkgfm
import lxml.html
from cmarkgfm.cmark import Options

from feeds import commonmark

OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_SMART
EXTENSIONS = ["table", "strikethrough", "autolink"]
SAMPLES = [
    "",
    "Plain *text* with **strong**, `code`, a [link](https://example.org/a?b=1&c=2) and \"quotes\" -- dashes...",
    "| a | b |\n|---|:-:|\n| 1 | ~~2~~ |\n\nhttps://example.org/autolinked and www.example.org",
    "# Heading\n\n> quote\n\n- one\n- two\n\n1. first\n\n```python\nprint('x')\n```\n\n<div><b>raw</b></div>",
    "Ünïcödé, emoji 😀, and a line  \nbreak.\n\n![image](img.png \"title\")",
]


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def test_the_html_is_cmarkgfms() -> None:
    for markdown in SAMPLES:
        expected = cmarkgfm.markdown_to_html_with_extensions(markdown, options=OPTIONS, extensions=EXTENSIONS)
        assert commonmark.to_html(markdown, options=OPTIONS, extensions=EXTENSIONS) == expected


def test_parsing_many_bodies_does_not_grow_the_process() -> None:
    """cmarkgfm's own function keeps each parsed document and its HTML: over 400 MB here."""
    body = "\n\n".join(f"Paragraph {n} with *emphasis*, a [link](https://example.org/{n}) and ~~more~~ words."
                       for n in range(60))
    assert commonmark._FREEING is not None  # the freeing functions are found on this platform
    commonmark.to_html(body, options=OPTIONS, extensions=EXTENSIONS)
    before = resident_mb()
    for _ in range(3000):
        commonmark.to_html(body, options=OPTIONS, extensions=EXTENSIONS)
    assert resident_mb() - before < 10


def test_footnotes_and_task_lists_render_and_stay_out_of_summaries() -> None:
    from feeds.markup import first_paragraph, to_html, to_plain_text

    body = to_html("Signed by 51 states[^count].\n\n- [x] signed\n- [ ] ratified\n\n[^count]: As of 12 November.\n")
    page = lxml.html.fragment_fromstring(body, create_parent="div")
    [ref] = page.find_class("footnote-ref")
    note = page.get_element_by_id(ref.find("a").get("href").removeprefix("#"))
    assert "As of 12 November." in note.text_content()
    assert [box.get("checked") is not None for box in page.iter("input")] == [True, False]
    assert first_paragraph(body) == "Signed by 51 states."
    assert to_plain_text(body).splitlines()[0] == "Signed by 51 states[1]."


def test_plain_text_numbers_the_items_of_a_numbered_list() -> None:
    """Calendars show the plain text: a numbered list keeps its numbers (from its start), a bulleted
    one its bullets, and footnotes their numbers."""
    from feeds.markup import to_html, to_plain_text

    text = to_plain_text(to_html("3. Register\n4. Attend\n   - in person\n5. Report\n\n- tea\n\nA note[^n].\n\n[^n]: It.\n"))
    assert text.splitlines() == ["3. Register", "4. Attend", "- in person", "", "5. Report", "", "- tea", "",
                                 "A note[1].", "", "1. It."]


def test_plain_text_reads_an_image_as_its_alt_text() -> None:
    from feeds.markup import to_html, to_plain_text

    assert to_plain_text(to_html("Badges at ![the CICG desk](desk.png) from 8:00.\n\n![](divider.png)\n\nBring ID.")) == \
        "Badges at the CICG desk from 8:00.\n\nBring ID."


def test_a_body_gets_typographic_punctuation_but_its_code_is_as_written() -> None:
    """As Hugo's and Jekyll's defaults give it (the README says so): curly quotes and dashes in text,
    never in code, where `--verbose` is an option to type."""
    from feeds.markup import to_html

    html = to_html('He said "it\'s ready" -- run `tool --verbose` --- or:\n\n```\ntool --verbose "x"\n```\n')
    page = lxml.html.fromstring(f"<div>{html}</div>")
    assert page.findtext("p").startswith("He said “it’s ready” – run ")
    assert page.findtext("p/code") == "tool --verbose"
    assert "— or:" in page.find("p").text_content()
    assert page.findtext("pre/code") == 'tool --verbose "x"\n'
