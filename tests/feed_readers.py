"""Two independent feed readers: feedparser in Python and feedsmith under node."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import feedparser

NODE_DIR = Path(__file__).resolve().parent / "node"


def feedsmith(*paths: Path) -> list[dict]:
    """Each file parsed by feedsmith: {"format": "atom"|"rss"|"json", "feed": {...}}."""
    result = subprocess.run(["node", "read_feeds.mjs", *map(str, paths)], cwd=NODE_DIR,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def feedparse(path: Path) -> feedparser.FeedParserDict:
    """feedparser's reading of a file, asserting it found nothing malformed."""
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    return parsed


def links(parsed: feedparser.FeedParserDict) -> dict[str, str]:
    """feedparser's feed-level links by rel."""
    return {link.rel: link.href for link in parsed.feed.get("links", [])}


def smith_links(doc: dict) -> dict[str, str]:
    """feedsmith's feed-level links by rel, Atom or RSS (atom:link)."""
    feed = doc["feed"]
    found = feed.get("links") or feed.get("atom", {}).get("links", [])
    return {link.get("rel", "alternate"): link["href"] for link in found}


def smith_entries(doc: dict) -> list[dict]:
    feed = doc["feed"]
    return feed.get("entries") or feed.get("items") or []


def smith_id(doc: dict, entry: dict) -> str:
    if doc["format"] == "rss":
        return entry["guid"]["value"]
    return entry["id"]
