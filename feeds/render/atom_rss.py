"""Atom 1.0 and RSS 2.0 documents, written with feedgen from the same entries.

feedgen's RSS writer keeps only the rel="self" atom:link, and its Atom writer drops the rel, type
and length of entry links; so the WebSub hub, the RFC 5005 archive links and the enclosures go
through a small feedgen extension that writes them into both formats. It also writes Atom's <logo>
when the logo is no image RSS's <image> may be (feedgen writes both or neither).
"""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from typing import Any
from urllib.parse import urlsplit

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from feeds import __version__
from feeds.ids import feed_uuid
from feeds.mediatypes import UNKNOWN, media_type
from feeds.model import Site
from feeds.render import OutputFile
from feeds.render.channels import MEDIA_TYPES, Document, last_change
from feeds.render.entries import Entries, Entry, Media, feed_time

HISTORY_NS = "http://purl.org/syndication/history/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
NO_ENTRIES = datetime(1970, 1, 1, tzinfo=timezone.utc)  # `updated` of an empty feed, never the clock
RSS_IMAGE_TYPES = {"image/gif", "image/jpeg", "image/png"}  # the kinds of image RSS 2.0's <image> may be


def feed_id(site: Site, document: Document) -> str:
    """A channel's permanent id: a UUID from the site's id domain and path and the feed's folder."""
    return feed_uuid(site.config.id_domain, site.config.id_path, document.channel.folder)


def updated(document: Document) -> datetime:
    """When the newest entry changed or came in: its `updated`, or the end of an embargo that held it
    past that. Rebuilding the same content gives the same bytes."""
    return max(map(last_change, document.entries), key=datetime.timestamp, default=NO_ENTRIES)


def render_atom_rss(site: Site, document: Document, entries: Entries) -> list[OutputFile]:
    """This document as Atom and as RSS."""
    fg, extra = _generator(site, document, entries)
    _set_links(fg, extra, site, document, "atom")
    atom = fg.atom_str(pretty=True, encoding="utf-8")
    _set_links(fg, extra, site, document, "rss")
    # RSS readers disagree on plain text vs HTML; hex references read the same in both.
    rss = fg.rss_str(pretty=True, encoding="utf-8").replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;")
    return [OutputFile(document.path("atom"), atom), OutputFile(document.path("rss"), rss)]


class _FeedLinks(BaseExtension):  # type: ignore[misc]
    """Feed-level atom:links that feedgen's RSS writer drops, fh:archive for archive documents, and
    Atom's <logo> when RSS cannot have it."""

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []
        self.archive = False
        self.atom_logo = ""

    def extend_ns(self) -> dict[str, str]:
        return {"fh": HISTORY_NS} if self.archive else {}

    def extend_atom(self, feed: Any) -> Any:
        self._add(feed, "link")  # feedgen writes Atom elements unqualified, under a default namespace
        if self.atom_logo:
            etree.SubElement(feed, "logo").text = self.atom_logo
        return feed

    def extend_rss(self, feed: Any) -> Any:
        self._add(feed[0], f"{{{ATOM_NS}}}link")  # into <channel>
        return feed

    def _add(self, parent: Any, tag: str) -> None:
        for link in self.links:
            etree.SubElement(parent, tag, link)
        if self.archive:
            etree.SubElement(parent, f"{{{HISTORY_NS}}}archive")


class _EntryMedia(BaseEntryExtension):  # type: ignore[misc]
    """An entry's enclosure with its type and length: <link rel="enclosure"> in Atom, <enclosure> in RSS;
    and, in Atom, its language when it is not the feed's (xml:lang)."""

    def __init__(self) -> None:
        self.enclosure: Media | None = None
        self.lang = ""

    def extend_atom(self, entry: Any) -> Any:
        if self.lang:
            entry.set("{http://www.w3.org/XML/1998/namespace}lang", self.lang)
        if self.enclosure:
            etree.SubElement(entry, "link", rel="enclosure", href=self.enclosure.url, type=self.enclosure.type,
                             length=str(self.enclosure.length))
        return entry

    def extend_rss(self, item: Any) -> Any:
        if self.enclosure:
            etree.SubElement(item, "enclosure", url=self.enclosure.url, length=str(self.enclosure.length),
                             type=self.enclosure.type)
        return item


def _generator(site: Site, document: Document, entries: Entries) -> tuple[FeedGenerator, _FeedLinks]:
    """The document's feed and its entries, for either format, with the extension that writes what
    feedgen cannot (its links are set per format by _set_links)."""
    config = site.config
    channel = document.channel
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.load_extension("media")
    fg.register_extension("extra", _FeedLinks, _EntryMedia)
    extra: _FeedLinks = fg.extra
    extra.archive = document.is_archive
    fg.id(feed_id(site, document))
    fg.title(channel.title)
    fg.subtitle(channel.subtitle)
    fg.description(channel.subtitle)
    fg.language(config.language)
    fg.generator("feeds", version=__version__)
    fg.author({"name": config.author.name, **({"email": config.author.email} if config.author.email else {})})
    if config.feeds.icon:
        fg.icon(config.absolute(config.feeds.icon))
    if config.feeds.logo:
        logo = config.absolute(config.feeds.logo)
        if media_type(urlsplit(logo).path) in RSS_IMAGE_TYPES | {UNKNOWN}:  # unknown: no telling
            fg.image(url=logo, title=channel.title, link=config.url(channel.page))
        else:  # an SVG, say: Atom's logo may be any image
            extra.atom_logo = logo
    newest = feed_time(updated(document))
    fg.updated(newest)
    fg.lastBuildDate(newest)
    for item in document.entries:
        _add_entry(fg, entries(item))
    return fg, extra


def _set_links(fg: FeedGenerator, extra: _FeedLinks, site: Site, document: Document, fmt: str) -> None:
    """The document's links in one format: its own address, its page, RFC 5005's and the hub's."""
    config = site.config
    fg.link(href=config.url(document.path(fmt)), rel="self", type=MEDIA_TYPES[fmt], replace=True)
    fg.link(href=config.url(document.channel.page), rel="alternate", type="text/html")  # last: RSS <link>
    extra.links = [{"rel": rel, "href": config.url(path), "type": MEDIA_TYPES[fmt]}
                   for rel, path in document.relations(fmt).items()]
    if config.feeds.hub:
        extra.links.append({"rel": "hub", "href": config.feeds.hub})


def _add_entry(fg: FeedGenerator, entry: Entry) -> None:
    item = entry.item
    fe = fg.add_entry(order="append")
    fe.guid(item.id, permalink=False)  # also the Atom id
    fe.title(entry.title)
    fe.link(href=entry.url, rel="alternate", type="text/html")
    fe.published(entry.published)
    fe.updated(entry.updated)
    if item.summary:
        fe.summary(item.summary)
        fe.description(escape(item.summary, quote=False))  # RSS readers take <description> for HTML
    fe.content(entry.content_html, type="html")  # after description(), which also sets Atom content
    fe.author({"name": entry.author})
    fe.dc.dc_creator(entry.author)
    if item.lang:  # the feed's own is the site's language
        fe.extra.lang = item.lang
        fe.dc.dc_language(item.lang)
    for tag in item.tags:
        fe.category(term=tag.name)
    if entry.image:
        if entry.image.length is not None:
            fe.extra.enclosure = entry.image
        fe.media.thumbnail(url=entry.image.url, group=None)
