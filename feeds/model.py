"""The validated site: typed, frozen items that every renderer reads."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from functools import cached_property
from heapq import merge
from typing import NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from feeds.recurrence import (
    Occurrence,
    Recurrence,
    first_occurrence,
    last_end,
    occurrences,
)
from feeds.settings import Person, SiteConfig
from feeds.strings import Strings
from feeds.timezones import comes_twice, instant


class Status(str, Enum):
    """An event's status; every output maps it from this one model."""

    CONFIRMED = "confirmed"
    TENTATIVE = "tentative"
    POSTPONED = "postponed"
    RESCHEDULED = "rescheduled"
    MOVED_ONLINE = "moved-online"
    CANCELLED = "cancelled"


class Tag(NamedTuple):
    """A tag: the slug that names its pages and feeds, and its name as written (C++, 東京, Paris Call).
    A tuple, as items carry tens of thousands of them between processes and into the cache."""

    slug: str
    name: str

    def __str__(self) -> str:
        """The slug: a template written when tags were slugs alone (tags/{{ tag }}/) still links right."""
        return self.slug


def by_tag(items: Iterable[Item]) -> dict[Tag, tuple[Item, ...]]:
    """Every tag of these items, in slug order, with its items in their order. A tag written in more
    than one way (Paris Call, paris call) goes by the way its items write most often (of those, the
    first in alphabetical order), so that its pages and feeds have one name."""
    items = tuple(items)
    written: dict[Tag, list[Item]] = defaultdict(list)  # by the tag as written: one lookup per tag of an item
    for item in items:
        for tag in item.tags:
            written[tag].append(item)
    ways: dict[str, list[Tag]] = defaultdict(list)
    for tag in written:
        ways[tag.slug].append(tag)
    grouped = {}
    position: dict[int, int] = {}  # each item's place among `items`, by id(): found once a slug needs it
    for slug in sorted(ways):
        tags = ways[slug]
        name = usual_name({tag.name: len(written[tag]) for tag in tags})
        if len(tags) == 1:
            grouped[Tag(slug, name)] = tuple(written[tags[0]])
            continue
        # Written in more than one way: the items written each way, each list in order, merged in order.
        position = position or {id(item): n for n, item in enumerate(items)}
        grouped[Tag(slug, name)] = tuple(merge(*(written[tag] for tag in tags), key=lambda item: position[id(item)]))
    return grouped


ItemT = TypeVar("ItemT", bound="Item")


def newest_first(items: Iterable[ItemT]) -> list[ItemT]:
    """The items by date and id, newest first: the order of the site's lists and feeds. Dates compare
    as instants (Python compares two of one zone on the clock, which puts 03:32 after 02:49 on the
    night the clocks skip from 02:00 to 03:00, though 02:49 is read as 03:49), and as instants in
    UTC, which compare without asking two zones for their offsets: 40 ms less at 10,000 items."""
    return sorted(items, key=lambda item: (item.date_at, item.id), reverse=True)


def tag_words(name: str) -> str:
    """A tag's words, whatever their case or what separates them: Paris Call, paris-call."""
    return " ".join(re.split(r"[\s_-]+", name.casefold())).strip()


def usual_name(counts: Mapping[str, int]) -> str:
    """Of the ways a tag is written, with how many items write each, the one its pages go by."""
    return min(counts, key=lambda name: (-counts[name], name))


# The folder of a list's later pages, under its first: news/page/2/.
LIST_PAGES = "page"


def item_path(section: str, slug: str) -> str:
    """The path in the output of an item's page (news/forum-joins-paris-call/)."""
    return f"{section}/{slug}/"


@dataclass(frozen=True)
class Claim:
    """What a content file with errors would take that no other item may share, of what it gives
    without a problem of its own: its page (its slug's), the id and UID it gives, its old addresses.
    Checked with the items' (feeds.unique, feeds.aliases), so that one run reports every error: a
    file's bad date hides no slug that another file has. An id or UID it would make is made from its
    slug, whose page is checked."""

    source: str
    path: str  # "" when its slug has a problem
    id: str
    uid: str
    aliases: tuple[str, ...]
    draft: bool


@dataclass(frozen=True)
class Location:
    name: str
    address: str = ""
    geo: tuple[float, float] | None = None

    @property
    def text(self) -> str:
        """One line for a calendar's LOCATION or a page's place line."""
        return ", ".join(part for part in (self.name, self.address) if part)


@dataclass(frozen=True, kw_only=True)
class Item:
    """What news items and events share."""

    source: str  # content path, relative to the site directory
    slug: str
    id: str  # permanent feed id (Atom id, RSS guid, JSON Feed id), kept by the ledger
    title: str
    date: datetime  # published (news) or announced (events); aware
    updated: datetime  # aware, >= date
    summary: str  # plain text
    body_html: str  # sanitised HTML; links as written (relative links stay relative)
    links: tuple[str, ...] = ()  # the paths inside the site its body links to (news/x/, static/a.pdf), once
    images: tuple[str, ...] = ()  # the paths inside the site of its body's images (static/chart.png)
    tags: tuple[Tag, ...] = ()  # in slug order, one for each slug
    image: str = ""  # a picture for the item: a path inside the site (static/images/photo.jpg) or an https:// address
    image_alt: str = ""  # its text alternative
    aliases: tuple[str, ...] = ()  # old addresses leading to its page: paths in the site (see feeds.aliases)
    lang: str = ""
    draft: bool = False
    withdrawn: bool = False  # taken down after publication; its id stays reserved in the ledger
    embargoed_until: datetime | None = None  # not public before then: the later of a given date and embargo
    id_given: bool = False  # the id was set in front matter rather than derived

    kind = "item"
    section = "items"

    @cached_property
    def path(self) -> str:
        """The item page's path in the output, with a trailing slash."""
        return item_path(self.section, self.slug)

    @cached_property
    def date_at(self) -> datetime:
        """date as an instant in UTC (see newest_first)."""
        return self.date.astimezone(UTC)

    @cached_property
    def updated_at(self) -> datetime:
        """updated as an instant in UTC: moments of one zone compare without asking their zones for
        offsets, as finding when each of thousands of lists last changed does."""
        return self.updated.astimezone(UTC)


@dataclass(frozen=True, kw_only=True)
class NewsItem(Item):
    dateline: str = ""
    author: Person | None = None

    kind = "news"
    section = "news"


@dataclass(frozen=True, kw_only=True)
class Event(Item):
    uid: str  # permanent iCalendar UID, kept by the ledger
    uid_given: bool = False  # the UID was set in front matter rather than derived
    start: date | datetime  # a date for all-day events; an aware datetime for timed ones
    end: date | datetime | None  # all-day: the LAST day, inclusive; timed: aware datetime
    timezone: ZoneInfo
    location: Location | None = None
    url: str = ""
    status: Status = Status.CONFIRMED
    sequence: int = 0
    recurrence: Recurrence | None = None  # a repeating series (rrule, exdate)
    previous_start: date | datetime | None = None  # where a rescheduled event was first planned
    body_text: str = ""  # the body as plain text, paragraphs and list items kept apart (for calendars)

    kind = "event"
    section = "events"

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    @property
    def end_exclusive(self) -> date | datetime | None:
        """The end as calendars store it: the day after the last day for all-day events."""
        if self.all_day:
            return (self.end or self.start) + timedelta(days=1)
        return self.end

    @property
    def first_start(self) -> date | datetime:
        """When the event is shown to begin: its start, or a series' first date that exdate does not
        leave out (calendars keep the start, with the exdate)."""
        return self._first.start

    @property
    def first_end(self) -> date | datetime | None:
        """The end that goes with first_start, in the form of end: an all-day event's last day, and
        None when the event has no end."""
        if self.end is None:
            return None
        return self._first.end - timedelta(days=1) if self.all_day else self._first.end

    @cached_property
    def _first(self) -> Occurrence:
        return first_occurrence(self)

    @cached_property
    def starts_at(self) -> datetime:
        """first_start as an instant, in UTC (as ends_at): midnight in the event's zone for all-day events."""
        return instant(self.first_start, self.timezone).astimezone(UTC)

    @cached_property
    def ends_at(self) -> datetime:
        """The end of its last occurrence that takes place as an instant, in UTC: moments of one zone
        compare without asking their zones for offsets, as sorting the past events does thousands of times."""
        return instant(last_end(self), self.timezone).astimezone(UTC)

    def ends_before(self, moment: datetime) -> bool:
        """True once the event is over at that moment."""
        return self.ends_at <= moment

    def unsure_on_the_clock(self, moment: date | datetime | None) -> bool:
        """Whether one of the event's times cannot be given by the clock of its zone: a single event's
        time that the zone has twice or skips as the clocks change, which clients read differently (the
        calendar and the add links give it in UTC); a series keeps its zone, which its later dates follow."""
        return self.recurrence is None and isinstance(moment, datetime) and comes_twice(moment)

    @cached_property
    def fingerprint(self) -> str:
        """A digest of what, when changed, must raise the event's SEQUENCE in the ledger."""
        location = self.location
        significant = [
            self.start.isoformat(),
            self.end.isoformat() if self.end else "",
            str(self.timezone),
            location.text if location else "",
            list(location.geo) if location and location.geo else [],
            self.status.value,
        ]
        if self.recurrence:  # appended only when set, so single events keep the digests already published
            significant += [self.recurrence.rule, [d.isoformat() for d in self.recurrence.exdates]]
        return hashlib.sha256(json.dumps(significant).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Site:
    """Everything the renderers need, sorted once: news newest first, events by start (a series by its
    first date kept)."""

    config: SiteConfig
    news: tuple[NewsItem, ...]
    events: tuple[Event, ...]
    now: datetime
    strings: Strings  # the UI words, in the site's language: pages, feeds and calendars speak them
    next_lift: datetime | None = None  # when the earliest embargoed item becomes public
    items: tuple[Item, ...] = field(init=False)

    def __post_init__(self) -> None:
        merged = newest_first((*self.news, *self.events))
        object.__setattr__(self, "items", tuple(merged))

    @property
    def calendar_name(self) -> str:
        """The calendar's name in calendar apps: `[calendar] name`, else the site's title as the UI words
        `calendar_name` put it ("Newsroom events")."""
        name = self.config.calendar.name
        return self.strings["calendar_name"].format(title=self.config.title) if name is None else name

    def tag_calendar_name(self, tag: Tag) -> str:
        """A tag's calendar's name in calendar apps: the calendar's name and the tag's, as the UI words
        `tag_calendar_name` put them ("Newsroom events (Paris Call)"); the tag's alone when the
        calendar is named empty."""
        name = self.calendar_name
        return self.strings["tag_calendar_name"].format(calendar=name, tag=tag.name) if name else tag.name

    @property
    def year(self) -> int:
        """The year it is now, in the site's time zone."""
        return self.now.astimezone(self.config.timezone).year

    @cached_property
    def tags(self) -> dict[Tag, tuple[Item, ...]]:
        """Every tag, in slug order, with its items newest first (see by_tag)."""
        return by_tag(self.items)

    @cached_property
    def calendar_slugs(self) -> frozenset[str]:
        """The slugs of the tags that any event has, each with a calendar of its own (see render.ics)."""
        return frozenset(tag.slug for event in self.events for tag in event.tags)

    @cached_property
    def calendar_tags(self) -> tuple[Tag, ...]:
        """The tags that have a calendar (see calendar_slugs), in slug order and named as their pages
        name them."""
        return tuple(tag for tag in self.tags if tag.slug in self.calendar_slugs)

    @cached_property
    def upcoming(self) -> tuple[Event, ...]:
        """The events not over, soonest first: a series by its next date, not its first."""
        return tuple(sorted((e for e in self.events if not e.ends_before(self.now)), key=self._next_start))

    @cached_property
    def next_occurrences(self) -> dict[str, Occurrence]:
        """The next occurrence of each series not over, by event id: what the upcoming list's order, and
        what the outputs take from the moment, follow."""
        found = {}
        for event in self.events:
            if event.recurrence and not event.ends_before(self.now) and (following := occurrences(event, self.now, 1)):
                found[event.id] = following[0]
        return found

    def _next_start(self, event: Event) -> tuple[datetime, str]:
        following = self.next_occurrences.get(event.id)
        start = following.start if following else event.start  # an event that does not repeat
        return instant(start, event.timezone), event.id

    @cached_property
    def subscribed_events(self) -> tuple[Event, ...]:
        """The events the subscription calendar (events.ics) holds: every one, or with `[calendar]
        past_days`, those not over and those that ended (a series: its last date) within that many
        days, so that a large newsroom's calendar stays small enough for Google Calendar to read whole."""
        past = self.config.calendar.past
        if past is None:
            return self.events
        return tuple(e for e in self.events if not e.ends_before(self.now - past))

    @cached_property
    def past(self) -> tuple[Event, ...]:
        """The events over, the last to end first: a series by its last date, not its first."""
        over = (e for e in self.events if e.ends_before(self.now))
        return tuple(sorted(over, key=lambda e: (e.ends_at, e.id), reverse=True))
