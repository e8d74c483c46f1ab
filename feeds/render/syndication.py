"""Every feed of the site: the site-wide one and one per tag, each as Atom, RSS and JSON Feed,
with RFC 5005 archives reaching back to the first item."""

from __future__ import annotations

from collections.abc import Iterable

from feeds.model import Site
from feeds.render import OutputFile
from feeds.render.channels import channels, documents
from feeds.render.entries import entries
from feeds.render.feeds import render_atom_rss
from feeds.render.jsonfeed import render_json_feed


def render_feeds(site: Site, published: Iterable[OutputFile] = ()) -> list[OutputFile]:
    """All feed documents; `published` are the site's other files, which give enclosure sizes."""
    all_channels = channels(site)
    by_id = entries(site, all_channels[0].items, published)  # each item's entry built once, shared
    files: list[OutputFile] = []
    for channel in all_channels:
        for document in documents(channel, site.config.feeds.limit):
            files += render_atom_rss(site, document, by_id)
            files.append(render_json_feed(site, document, by_id))
    return files
