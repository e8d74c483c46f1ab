"""The Nu Html Checker (vnu.jar, run with Java) finds no error on any page of either newsroom."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import lxml.html
from conftest import EXAMPLE_NOW
from site_newsroom import BuiltSite, html_pages

VNU = Path(__file__).resolve().parent / "node/node_modules/vnu-jar/build/dist/vnu.jar"


def _errors(paths: list[Path], *extra: str) -> list[dict]:
    result = subprocess.run(["java", "-jar", str(VNU), "--format", "json", *extra, *map(str, paths)],
                            capture_output=True, text=True, check=False)
    messages = json.loads(result.stderr)["messages"]
    return [m for m in messages if m["type"] in ("error", "non-document-error")]


def test_every_page_is_valid_html(built_sites: dict[str, BuiltSite]) -> None:
    pages = [built.output / page for built in built_sites.values() for page in html_pages(built.output)]
    assert len(pages) > 80  # both newsrooms, every page
    errors = _errors(pages)
    assert errors == [], "\n".join(f"{e.get('url')}:{e.get('lastLine')}: {e['message']}" for e in errors)


def test_the_stylesheet_is_valid_css(built_sites: dict[str, BuiltSite]) -> None:
    errors = _errors([built_sites["example"].output / "static/style.css"], "--css")
    assert errors == [], errors


def test_a_link_left_without_its_address_is_valid_html(example_site: Path, feeds) -> None:
    """A body's link whose address the sanitiser removes (a scheme no reader should follow, such as
    javascript: or ftp:) or that never had one (an old anchor, <a name>) is a placeholder: HTML
    allows it no rel or hreflang, which only a link with an address may have."""
    (example_site / "content/news/anchors.md").write_text(
        "---\ntitle: Anchors\ndate: 2018-11-13\n---\n<a name=\"top\"></a>Run "
        "[a script](javascript:alert(1)) or "
        "<a href=\"ftp://example.org/kit.zip\" hreflang=\"fr\" title=\"Kit\">the press kit</a>, "
        "or [read on](https://example.org/).\n")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    page = example_site / "public/news/anchors/index.html"
    errors = _errors([page])
    assert errors == [], "\n".join(f"{e.get('lastLine')}: {e['message']}" for e in errors)
    content = lxml.html.parse(str(page)).getroot().find_class("e-content")[0]
    assert [(a.get("href"), a.get("rel"), a.get("title")) for a in content.iter("a")] == [
        (None, None, None), (None, None, None), (None, None, "Kit"),
        ("https://example.org/", "noopener noreferrer", None)]


def test_a_bodys_footnotes_are_a_section_with_a_heading(example_site: Path, feeds) -> None:
    """cmark-gfm's footnotes are a <section>, which the checker warns of with no heading, and which a
    screen reader lists by its heading: one it alone reads, in the site's words."""
    news = example_site / "content/news/2018-11-12-forum-joins-paris-call.md"
    news.write_text(news.read_text(encoding="utf-8") + "\nSigned in Paris.[^1]\n\n[^1]: On 12 November 2018.\n",
                    encoding="utf-8")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    page = example_site / "public/news/forum-joins-paris-call/index.html"
    result = subprocess.run(["java", "-jar", str(VNU), "--format", "json", str(page)], capture_output=True, text=True,
                            check=False)
    messages = json.loads(result.stderr)["messages"]
    assert [m["message"] for m in messages if "heading" in m["message"]] == [], messages
    [section] = lxml.html.parse(str(page)).getroot().find_class("footnotes")
    heading = section[0]
    assert (heading.tag, heading.get("class"), heading.text) == ("h2", "visually-hidden", "Footnotes")
