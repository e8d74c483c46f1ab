"""Which feeds exist and what each holds: the site-wide feed and one per tag, each a subscription
document of the newest entries plus RFC 5005 archives that together hold every item ever published."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial

from feeds.model import Item, Site, Tag, by_tag

# Each feed format: its file's name in a channel's folder, its media type and the name readers know it by.
FORMATS = {"atom": "atom.xml", "rss": "rss.xml", "json": "feed.json"}
MEDIA_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml", "json": "application/feed+json"}
NAMES = {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}
SITE_FOLDER = "feeds/"

# The positions of a channel's items from a start on that changed after an instant (see changed_after),
# by the channel's folder; a cache may provide them.
ChangedAfter = Callable[[str, Sequence[Item], int, datetime], list[int]]


def feed_paths(folder: str) -> dict[str, str]:
    """The paths of one channel's subscription documents, by format."""
    return {fmt: folder + name for fmt, name in FORMATS.items()}


def tag_folder(slug: str) -> str:
    """Where a tag's feeds are, in the output."""
    return f"{SITE_FOLDER}tags/{slug}/"


def tag_feed_paths(slug: str) -> dict[str, str]:
    """A tag's feeds in the output, e.g. {"atom": "feeds/tags/paris-call/atom.xml", "rss": ..., "json": ...}."""
    return feed_paths(tag_folder(slug))


def document_path(folder: str, number: int, fmt: str) -> str:
    """Number 0 is the subscription document; archives are numbered from 1, the oldest."""
    return folder + (f"archive/{number}/" if number else "") + FORMATS[fmt]


@dataclass(frozen=True)
class Channel:
    """One logical feed: the site's, or a tag's."""

    tag: Tag | None  # None for the site-wide feed
    folder: str
    title: str
    subtitle: str
    page: str  # the site page this feed follows, relative to the site's root
    items: tuple[Item, ...]  # the most recently public first (see became_public)

    @property
    def paths(self) -> dict[str, str]:
        return feed_paths(self.folder)


@dataclass(frozen=True)
class Document:
    """One feed document: the subscription document (number 0) or archive `number` (1 is the oldest)."""

    channel: Channel
    number: int
    entries: tuple[Item, ...]  # newest first; the subscription document's then those revised since (see documents)
    archives: int  # how many archive documents the channel has
    limit: int  # the items of an archive, and the newest ones the subscription document holds

    @property
    def is_archive(self) -> bool:
        return self.number > 0

    def path(self, fmt: str) -> str:
        return document_path(self.channel.folder, self.number, fmt)

    @property
    def older(self) -> int:
        """The archive that prev-archive leads to (0: none). From the subscription document, past the
        newest archive when that holds just what the subscription document holds."""
        older = self.archives if self.number == 0 else self.number - 1
        if self.number == 0 and older and len(self.channel.items) == older * self.limit:
            older -= 1
        return older

    def relations(self, fmt: str) -> dict[str, str]:
        """RFC 5005 links by relation: prev-archive, next-archive and, in an archive, current."""
        folder = self.channel.folder
        older = self.older
        links = {"prev-archive": document_path(folder, older, fmt)} if older else {}
        if self.is_archive:
            if self.number < self.archives:
                links["next-archive"] = document_path(folder, self.number + 1, fmt)
            links["current"] = document_path(folder, 0, fmt)
        return links


def channels(site: Site) -> list[Channel]:
    """The site-wide channel first, then one per tag in tag order, each in the order its items became
    public (see `became_public`); a tag's feeds go by the name its pages give it."""
    config, t = site.config, site.strings
    items = _in_publication_order(site.items if config.feeds.include_events else site.news)
    subtitle = config.description or config.title
    named = {tag.slug: tag for tag in site.tags}
    found = [Channel(None, SITE_FOLDER, config.title, subtitle, "", items)]
    for grouped, tagged in (site.tags if items is site.items else by_tag(items)).items():  # the site's grouping, if it holds
        tag = named[grouped.slug]
        found.append(Channel(tag, tag_folder(tag.slug), t.tag_feed_title.format(title=config.title, tag=tag.name),
                             t.tag_feed_about.format(description=subtitle, tag=tag.name), f"tags/{tag.slug}/", tagged))
    return found


def _in_publication_order(items: tuple[Item, ...]) -> tuple[Item, ...]:
    """Items given newest first by date, put in the order they became public (see became_public): the
    very same tuple when no embargo held one past its date, as is the rule."""
    # Most items' embargo is their date, the same object: `is` tells so without comparing two moments.
    if all(public_since(item) is item.date for item in items):
        return items
    return tuple(sorted(items, key=became_public, reverse=True))


def became_public(item: Item) -> tuple[float, str]:
    """When an item became public, as an instant, and its id: the order of feeds, which is the site's
    (see model.newest_first) but for embargoes. A release dated the 12th and embargoed until the 26th
    goes into the newest document on the 26th, where subscribers look, rather than into an archive
    they have read already."""
    return public_since(item).timestamp(), item.id


def public_since(item: Item) -> datetime:
    """When an item became public: its date, or the end of an embargo that held it past its date (the
    later instant: Python compares two times of one zone on the clock, which around a change of the
    clocks is not the order of the instants they stand for)."""
    if item.embargoed_until is None or item.embargoed_until is item.date:
        return item.date
    return max(item.date, item.embargoed_until, key=datetime.timestamp)


def last_change(item: Item) -> datetime:
    """When an item last changed, as feeds tell it: its `updated`, or when it became public if that is
    later (compared as instants, see public_since)."""
    return max(item.updated, public_since(item), key=datetime.timestamp)


def changed_after(items: Sequence[Item], start: int, since: datetime) -> list[int]:
    """The positions, from `start` on, of the items changed (`updated:`) after `since`, an instant in UTC."""
    return [n for n in range(start, len(items)) if items[n].updated_at > since]  # instants of one zone: compared fast


def each_changed_after(folder: str, items: Sequence[Item], start: int, since: datetime) -> list[int]:
    """changed_after for the items of the channel in `folder`, found here and now (a `ChangedAfter`)."""
    return changed_after(items, start, since)


def documents(channel: Channel, limit: int, changed: ChangedAfter = each_changed_after) -> list[Document]:
    """The subscription document (the newest `limit` items, then those revised since, see `revised`),
    then, for the site-wide channel, every full archive, oldest first.

    Archives hold `limit` items each, counted from the first item ever published, so an archive
    never changes once full; the items not yet in a full archive are all in the subscription document.
    A tag's channel has no archives: every item is in the site-wide history already, and archiving
    each tag again would repeat the whole history about as many times as items have tags. Which items
    changed after an instant is found by `changed`, which a cache may provide.
    """
    oldest_first = channel.items[::-1]
    archives = len(oldest_first) // limit if not channel.tag else 0
    newest = channel.items[:limit]
    found = [Document(channel, 0, newest + revised(channel.items, limit, partial(changed, channel.folder)), archives,
                      limit)]
    for number in range(1, archives + 1):
        chunk = oldest_first[(number - 1) * limit : number * limit]
        found.append(Document(channel, number, tuple(reversed(chunk)), archives, limit))
    return found


def revised(items: tuple[Item, ...], limit: int,
            changed: Callable[[Sequence[Item], int, datetime], list[int]] = changed_after) -> tuple[Item, ...]:
    """Of a channel's items, those older than the newest `limit` (which the subscription document
    holds) that changed (`updated:`) after the oldest of those became public: at most `limit` of them,
    the latest change first.

    Feed readers poll the subscription document alone: an event announced months ago and cancelled
    today, or a correction to an old release, would otherwise reach no subscriber. RFC 5005 lets an
    entry be in an archive and the subscription document both; a reader keeps the latest `updated`.
    Those that changed are found by `changed` (see changed_after), which a cache may provide.
    """
    if len(items) <= limit:
        return ()
    since = public_since(items[limit - 1]).astimezone(timezone.utc)  # each older item became public before
    found = [items[n] for n in changed(items, limit, since)]
    return tuple(heapq.nsmallest(limit, found, key=lambda item: (-item.updated_at.timestamp(), item.id)))
