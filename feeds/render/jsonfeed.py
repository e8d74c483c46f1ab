"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1), written with the standard json module."""

from __future__ import annotations

import json
from typing import Any

from feeds.model import Site
from feeds.render import OutputFile
from feeds.render.channels import Document
from feeds.render.entries import Entries, Entry

VERSION = "https://jsonfeed.org/version/1.1"


def render_json_feed(site: Site, document: Document, entries: Entries) -> OutputFile:
    """This document as JSON Feed; `next_url` leads to older items, as RFC 5005's prev-archive does."""
    config = site.config
    channel = document.channel
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": channel.title,
        "home_page_url": config.url(channel.page),
        "feed_url": config.url(document.path("json")),
        "description": channel.subtitle,
    }
    older = document.relations("json").get("prev-archive")
    if older:
        feed["next_url"] = config.url(older)
    if config.feeds.icon:  # JSON Feed's icon and favicon are both square (large and small): never the wide logo
        feed["icon"] = feed["favicon"] = config.absolute(config.feeds.icon)
    feed["authors"] = [{"name": config.author.name}]
    feed["language"] = config.language
    if config.feeds.hub:
        feed["hubs"] = [{"type": "WebSub", "url": config.feeds.hub}]
    feed["items"] = [_item(entries(item)) for item in document.entries]
    # Compact: Python's json module writes indented JSON with its pure-Python encoder, several times slower.
    data = json.dumps(feed, ensure_ascii=False, separators=(",", ":")) + "\n"
    return OutputFile(document.path("json"), data.encode())


def _item(entry: Entry) -> dict[str, Any]:
    item = entry.item
    out: dict[str, Any] = {
        "id": item.id,
        "url": entry.url,
        "title": entry.title,
        "content_html": entry.content_html,
    }
    if item.summary:
        out["summary"] = item.summary
    if entry.image:
        out["image"] = entry.image.url
    out["date_published"] = entry.published.isoformat()
    out["date_modified"] = entry.updated.isoformat()
    out["authors"] = [{"name": entry.author}]
    if item.tags:
        out["tags"] = [tag.name for tag in item.tags]
    if item.lang:
        out["language"] = item.lang
    if entry.image and entry.image.length is not None:
        out["attachments"] = [{"url": entry.image.url, "mime_type": entry.image.type,
                               "size_in_bytes": entry.image.length}]
    return out
