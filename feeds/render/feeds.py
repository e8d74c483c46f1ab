"""The news feed: Atom 1.0 and RSS 2.0, written with feedgen, from the same entries."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from feedgen.feed import FeedGenerator

from feeds.model import Event, Item, Site
from feeds.render import OutputFile
from feeds.render.links import absolutize

ATOM_PATH = "feeds/atom.xml"
RSS_PATH = "feeds/rss.xml"


def feed_items(site: Site) -> list[Item]:
    """The entries of the main feed: newest first by publication, events included if set."""
    included = site.items if site.config.feeds.include_events else site.news
    return list(included[: site.config.feeds.limit])


def render_feeds(site: Site) -> list[OutputFile]:
    """Atom and RSS of the newest items."""
    entries = feed_items(site)
    atom = _generator(site, entries, ATOM_PATH)
    rss = _generator(site, entries, RSS_PATH)
    return [
        OutputFile(ATOM_PATH, atom.atom_str(pretty=True, encoding="utf-8")),
        OutputFile(RSS_PATH, rss.rss_str(pretty=True, encoding="utf-8")),
    ]


def _generator(site: Site, entries: Sequence[Item], self_path: str) -> FeedGenerator:
    config = site.config
    fg = FeedGenerator()
    fg.load_extension("dc")
    fg.id(config.url())
    fg.title(config.title)
    fg.subtitle(config.description or config.title)
    fg.description(config.description or config.title)
    fg.language(config.language)
    fg.author({"name": config.author.name, **({"email": config.author.email} if config.author.email else {})})
    fg.link(href=config.url(self_path), rel="self",
            type="application/atom+xml" if self_path.endswith("atom.xml") else "application/rss+xml")
    fg.link(href=config.url(), rel="alternate", type="text/html")  # last link() call: RSS <link>
    newest = max((item.updated for item in entries), default=site.now)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    for item in reversed(entries):  # feedgen prepends: add oldest first so the newest leads
        _add_entry(fg, site, item)
    return fg


def _add_entry(fg: FeedGenerator, site: Site, item: Item) -> None:
    page_url = site.config.url(item.path)
    entry = fg.add_entry()
    entry.id(item.id)
    entry.guid(item.id, permalink=False)
    entry.title(item.title)
    entry.link(href=page_url, rel="alternate", type="text/html")
    entry.published(item.date)
    entry.updated(item.updated)
    entry.summary(item.summary)
    entry.description(escape(item.summary, quote=False))  # RSS readers render <description> as HTML
    entry.content(absolutize(_content_html(item), page_url), type="html")
    author = getattr(item, "author", None) or site.config.author
    entry.author({"name": author.name})
    entry.dc.dc_creator(author.name)
    for tag in item.tags:
        entry.category(term=tag)


def _content_html(item: Item) -> str:
    if isinstance(item, Event):
        return f"<p>{_event_line(item)}</p>\n{item.body_html}"
    return item.body_html


def _event_line(event: Event) -> str:
    when = event.start.isoformat() if event.all_day else f"{event.start:%Y-%m-%d %H:%M} ({event.timezone.key})"
    place = f" — {event.location.text}" if event.location else ""
    return escape(f"{when}{place}")
