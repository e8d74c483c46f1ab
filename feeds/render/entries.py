"""What every feed format says about one item, worked out once per build: the permalink, the full
content with absolute URLs, the author and the image with its type and size."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cache
from html import escape
from urllib.parse import urlsplit

from feeds.addresses import readable_address
from feeds.event_status import banner, calendar_title, place
from feeds.languages import direction
from feeds.links import absolutize
from feeds.markup import with_back_labels
from feeds.mediatypes import media_type
from feeds.model import Event, Item, NewsItem, Site
from feeds.render import Output
from feeds.render.channels import last_change, public_since
from feeds.render.when import local_start, series_last
from feeds.settings import SiteConfig
from feeds.strings import Strings
from feeds.timezones import on_the_clock


@dataclass(frozen=True)
class Media:
    """An item's image: its absolute URL and, when the file is part of the site, its type and size."""

    url: str
    type: str
    length: int | None  # bytes; None when the file is hosted elsewhere


@dataclass(frozen=True)
class Entry:
    item: Item
    title: str
    published: datetime  # when the item became public (see public_since), as feeds write it
    updated: datetime  # when it last changed, never before it became public
    url: str  # the item's page
    content_html: str  # the full body, every href, src and srcset absolute, in a <div dir> where needed (_content)
    author: str
    image: Media | None


def entries(site: Site, published: Iterable[Output]) -> Entries:
    """Each item's entry, worked out when first asked for (the feeds a build reuses need none);
    `published` are the site's other output files, for image sizes."""
    @cache
    def files() -> dict[str, Output]:  # by path: looked up only for an item with an image of its own
        return {file.path: file for file in published}

    site_direction = direction(site.config.language)  # once: most items have no language of their own
    return Entries(lambda item: _entry(site.config, site.strings, site_direction, item, files))


class Entries:
    """Each item's entry, made the first time it is asked for and then shared by every document that
    holds the item (the site's, its tags', an archive)."""

    def __init__(self, make: Callable[[Item], Entry]) -> None:
        self._made: dict[str, Entry] = {}  # by item id
        self._make = make

    def __call__(self, item: Item) -> Entry:
        entry = self._made.get(item.id)
        if entry is None:
            entry = self._made[item.id] = self._make(item)
        return entry


def feed_time(moment: datetime) -> datetime:
    """A moment as feeds write it: at its own offset, or in UTC where that offset has seconds (a zone's
    local mean time, before about 1900), which RFC 3339 and RFC 822 timestamps cannot carry, or is
    not in whole or half hours (Nepal's +05:45), which RSS validators flag as problematical (Atom and
    RSS are written from the same moments)."""
    offset = moment.utcoffset()
    return moment if offset is None or offset.seconds % 1800 == 0 else moment.astimezone(timezone.utc)


def _entry(config: SiteConfig, t: Strings, site_direction: str, item: Item,
           files: Callable[[], Mapping[str, Output]]) -> Entry:
    url = config.url(item.path)
    author = item.author if isinstance(item, NewsItem) and item.author else config.author
    image = _media(config, item.image, files) if item.image else None
    title = calendar_title(item, t) if isinstance(item, Event) else item.title
    # A release dated the 12th and held until the 26th is dated the 26th in feeds (its page keeps its
    # date): feed-to-email services and some readers take only entries newer than their last look.
    return Entry(item, title, feed_time(public_since(item)), feed_time(last_change(item)), url,
                 _content(config, t, site_direction, item, url), author.name, image)


def _content(config: SiteConfig, t: Strings, site_direction: str, item: Item, url: str) -> str:
    """The entry's HTML: an event's details, in the site's words, then the body, links made absolute.

    Pages give the direction on <html>, but no feed format can give one for its content (Atom's
    xml:lang is a language alone, RSS and JSON Feed give none on the HTML): a reader laid Arabic out
    left to right, its punctuation at the wrong end. So where the item's direction or the site's is
    right to left, the HTML says its own: a reader that takes the direction from the feed's language
    would lay an English entry of an Arabic site out right to left. Where both are left to right, the
    common case and every reader's default, it is left as it is."""
    body = with_back_labels(item.body_html, t.footnote_back)
    own_direction = direction(item.lang) if item.lang else site_direction
    if isinstance(item, Event):
        details = event_details(item, t)
        if own_direction != site_direction:  # the site's words, in an entry marked as the item's language
            details = _directed(details, config.language, site_direction)
        body = f"{details}\n{body}"
    body = absolutize(body, url)
    if "rtl" not in (own_direction, site_direction):
        return body
    return _directed(body, item.lang or config.language, own_direction)


def _directed(html: str, language: str, way: str) -> str:
    """The HTML in a <div> that gives its direction ("rtl" or "ltr") and language."""
    return f'<div dir="{way}" lang="{escape(language)}">{html}</div>'


def _media(config: SiteConfig, value: str, files: Callable[[], Mapping[str, Output]]) -> Media:
    url, path = config.absolute(value), config.own_file(value)
    size = files()[path].size if path and path in files() else None
    return Media(url, media_type(urlsplit(url).path), size)


def event_details(event: Event, t: Strings) -> str:
    """When, in which time zone, where and in what state, in the site's words: the HTML that opens an
    event's entry."""
    when = _span(event, t)
    if event.recurrence:  # as its page says it: a series' entry is not a one-off on its first date
        when += " " + escape(t.series_until.format(date=series_last(event, t)))
    rows = [(t.when, when)]
    if where := place(event, t):
        rows.append((t.where, escape(where)))
    if status := banner(event, t):
        rows.append((t.status, escape(status)))
    if event.url:
        rows.append((t.event_website, f'<a href="{escape(event.url)}">{escape(readable_address(event.url))}</a>'))
    return "\n".join(f"<p><strong>{escape(t.labelled.format(label=label))}</strong> {html}</p>" for label, html in rows)


def _span(event: Event, t: Strings) -> str:
    start, end = event.first_start, event.first_end  # a series from its first date that is not excluded
    zone = escape(event.timezone.key)
    if event.all_day:
        days = _filled(t.span, _time(start, t), _time(end, t)) if end and end != start else _time(start, t)
        return f"{days} ({escape(t.all_day)}, {zone})"
    assert isinstance(start, datetime)
    start = local_start(event)  # times written in UTC are shown, like the page shows them, in the event's zone
    if end is None:
        return f"{_time(start, t)} ({zone}, {_offset(start)})"
    assert isinstance(end, datetime)
    end = on_the_clock(end, event.timezone)
    same_day = end.date() == start.date()
    span = _filled(t.time_span if same_day else t.span, _time(start, t), _time(end, t, time_only=same_day))
    offsets = _offset(start) if end.utcoffset() == start.utcoffset() else f"{_offset(start)} – {_offset(end)}"
    return f"{span} ({zone}, {offsets})"


def _filled(pattern: str, start: str, end: str) -> str:
    """A span in the site's words (`span`, `time_span`), its ends the <time> elements given."""
    return escape(pattern).format(start=start, end=end)


def _offset(moment: datetime) -> str:
    """UTC+01:00: the offset from UTC at that moment (an event that summer time begins during has two)."""
    return "UTC" + moment.replace(microsecond=0).isoformat()[19:]


def _time(value: date | datetime, t: Strings, time_only: bool = False) -> str:
    """<time> with the ISO value, and the text people read: 26 November 2018, 09:30."""
    if isinstance(value, datetime):
        text = t.time(value) if time_only else t.moment(value)
    else:
        text = t.date(value)
    return f'<time datetime="{value.isoformat()}">{escape(text)}</time>'
