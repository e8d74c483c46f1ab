"""Every feed of the site: the site-wide one and one per tag, each as Atom, RSS and JSON Feed,
with RFC 5005 archives reaching back to the first item."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from feeds.model import Site
from feeds.render import Output, OutputFile
from feeds.render.atom_rss import render_atom_rss
from feeds.render.channels import (
    ChangedAfter,
    Channel,
    Document,
    channels,
    documents,
    each_changed_after,
)
from feeds.render.entries import entries
from feeds.render.jsonfeed import render_json_feed

# Each document's files (in the order of FORMATS), from the function that renders one document; a cache may provide it.
DocumentFiles = Callable[[Callable[[Document], list[OutputFile]], Sequence[Document]], Sequence[Sequence[Output]]]


def each_document(render: Callable[[Document], list[OutputFile]], documents: Sequence[Document]) -> list[list[OutputFile]]:
    """Every feed document's files, rendered here and now (a cache may give some instead: see feeds.parts)."""
    return [render(document) for document in documents]


def render_feeds(site: Site, published: Iterable[Output] = (), document_files: DocumentFiles = each_document,
                 feeds: list[Channel] | None = None, changed: ChangedAfter = each_changed_after) -> list[Output]:
    """All feed documents; `published` are the site's other files, which give enclosure sizes, and
    `feeds` the site's channels, when the caller has them. Which items changed after an instant
    (see channels.revised) is found by `changed`, which a cache may provide."""
    all_channels = channels(site) if feeds is None else feeds
    entry = entries(site, published)  # each item's entry built once, shared

    def render(document: Document) -> list[OutputFile]:
        return [*render_atom_rss(site, document, entry), render_json_feed(site, document, entry)]

    every = [document for channel in all_channels for document in documents(channel, site.config.feeds.limit, changed)]
    return [file for files in document_files(render, every) for file in files]
