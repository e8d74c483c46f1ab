"""The Nu Html Checker (vnu.jar, run with Java) finds no error on any page of either newsroom."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from site_newsroom import BuiltSite, built_sites, html_pages  # noqa: F401 - the fixture

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
