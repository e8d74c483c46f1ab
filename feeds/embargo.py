"""Embargoes: an item whose time to go public has not come is held out of every output."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from feeds.errors import Problem

if TYPE_CHECKING:
    from feeds.ledger import Ledger
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


def published_but_held(held: Iterable[Item], ledger: Ledger, lines: Mapping[str, Mapping[str, int]]) -> list[Problem]:
    """Neither an embargo nor a date still to come can take back what was published: one problem per
    held item the ledger has, at the key that holds it."""
    problems = []
    for item in held:
        if item.source not in ledger.by_path:
            continue
        assert item.embargoed_until is not None
        key = "date" if item.embargoed_until == item.date else "embargo"
        line = lines.get(item.source, {}).get(key, 1)
        if key == "embargo":
            problems.append(Problem(item.source, line, key, "the item is already published; it cannot be held until "
                                    f"{item.embargoed_until.isoformat()}", "remove the embargo, or set it back; if a "
                                    "build with a later --now published it by mistake, restore published.json from "
                                    "version control"))
        else:
            problems.append(Problem(item.source, line, key, f"the item is already published, and its date "
                                    f"({item.date.isoformat()}) is still to come at the moment of this build",
                                    "build as of a later moment (--now), or set the date back; if a build with "
                                    "a later --now published it by mistake, restore published.json from version control"))
    return problems


def utc_text(moment: datetime) -> str:
    """An instant as ISO 8601 in UTC, e.g. 2018-11-26T08:00:00Z: sortable as text, read by cron scripts.
    A fraction of a second is rounded up, so that a build at that time finds the embargo lifted."""
    moment = moment.astimezone(timezone.utc)
    if moment.microsecond:
        moment = moment.replace(microsecond=0) + timedelta(seconds=1)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
