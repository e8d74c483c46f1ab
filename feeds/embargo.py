"""Embargoes: an item whose time to go public has not come is held out of every output."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from feeds.model import Item


def is_public(item: Item, now: datetime) -> bool:
    """True once the item's date and its embargo (if any) have passed."""
    return item.embargoed_until is None or item.embargoed_until <= now


def split_embargoed(items: Iterable[Item], now: datetime) -> tuple[list[Item], tuple[Item, ...]]:
    """The items public at `now`, and those still held, the soonest to lift first."""
    public: list[Item] = []
    held: list[Item] = []
    for item in items:
        (public if is_public(item, now) else held).append(item)
    return public, tuple(sorted(held, key=lambda item: (item.embargoed_until, item.source)))


def utc_text(moment: datetime) -> str:
    """An instant as ISO 8601 in UTC, e.g. 2018-11-26T08:00:00Z: sortable as text, read by cron scripts."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
