"""What the templates know of a page: its place, its feeds and calendars, the subscribe links, and lists in pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from feeds import calendar_links
from feeds.calendar_links import CALENDAR_PATH, tag_calendar_path
from feeds.model import LIST_PAGES, Item, Site, Tag
from feeds.render.channels import (
    MEDIA_TYPES,
    NAMES,
    SITE_FOLDER,
    Channel,
    feed_paths,
    tag_feed_paths,
)


@dataclass(frozen=True)
class Alternate:
    """A <link rel="alternate">: a feed or calendar of the page, for readers to discover."""

    type: str
    title: str
    href: str


@dataclass(frozen=True)
class Page:
    """What every template knows about the page it renders."""

    path: str  # the output file, e.g. news/x/index.html
    url: str  # canonical absolute URL
    root: str  # relative link to the site root from this page, e.g. ../../
    title: str
    description: str
    alternates: tuple[Alternate, ...]
    open_graph: tuple[tuple[str, str], ...]
    json_ld: str  # serialised schema.org data, or ""


@dataclass(frozen=True)
class ListPage:
    """One page of a paginated list of items."""

    items: tuple[Item, ...]
    number: int
    count: int
    first: str  # the folder of the list's first page, from the site root

    def path(self, number: int) -> str:
        """The folder of the list's page `number`, from the site root."""
        return self.first if number == 1 else f"{self.first}{LIST_PAGES}/{number}/"

    @property
    def newer(self) -> str:
        """The page before, or "" on the first."""
        return self.path(self.number - 1) if self.number > 1 else ""

    @property
    def older(self) -> str:
        """The page after, or "" on the last."""
        return self.path(self.number + 1) if self.number < self.count else ""

    @property
    def numbers(self) -> list[int | None]:
        """The pages to link by number, in order: the first, the last and those near this one, with
        None where pages are left out (a single page left out is linked instead)."""
        near = range(max(1, self.number - _NEAR), min(self.count, self.number + _NEAR) + 1)
        numbers: list[int | None] = []
        last = 0
        for number in sorted({1, self.count, *near}):
            if number - last == 2:
                numbers.append(number - 1)
            elif number - last > 2:
                numbers.append(None)
            numbers.append(number)
            last = number
        return numbers


_NEAR = 2  # pages linked by number on either side of the one shown


@dataclass(frozen=True)
class Links:
    """The site's subscribe links: paths from the site root, and absolute URLs for calendar apps."""

    atom: str
    rss: str
    json: str
    calendar: str
    feeds_page: str
    webcal: str
    google: str
    outlook: str


@dataclass(frozen=True)
class CalendarLinks:
    """A subscribable calendar's links: its path from the site root, and absolute URLs that subscribe
    calendar apps to it."""

    path: str
    webcal: str
    google: str
    outlook: str


@dataclass(frozen=True)
class TagSubscriptions:
    """What a tag offers to follow on the feeds page: its feeds, unless they leave out all its items,
    and its calendar, if any event has the tag."""

    tag: Tag
    count: int  # its items: those of its feeds, or with none, all of them
    channel: Channel | None
    calendar: CalendarLinks | None


def calendar_subscribe_links(site: Site, path: str, name: str) -> CalendarLinks:
    """The links to the calendar at `path`, which Outlook.com names `name`."""
    config = site.config
    return CalendarLinks(path, calendar_links.webcal_url(config, path), calendar_links.google_subscribe_url(config, path),
                         calendar_links.outlook_subscribe_url(config, name, path))


def tag_calendar_links(site: Site, tag: Tag) -> CalendarLinks:
    """The links to a tag's calendar."""
    return calendar_subscribe_links(site, tag_calendar_path(tag.slug), site.tag_calendar_name(tag))


def subscribe_links(site: Site) -> Links:
    """Where the site's feeds, calendar and feeds page are, and the links that add the calendar."""
    main = feed_paths(SITE_FOLDER)
    calendar = calendar_subscribe_links(site, CALENDAR_PATH, site.calendar_name)
    return Links(atom=main["atom"], rss=main["rss"], json=main["json"], calendar=calendar.path,
                 feeds_page=SITE_FOLDER, webcal=calendar.webcal, google=calendar.google, outlook=calendar.outlook)


def tag_subscriptions(site: Site, channels: list[Channel]) -> list[TagSubscriptions]:
    """Each tag that has feeds (among `channels`) or a calendar, in slug order."""
    fed = {channel.tag.slug: channel for channel in channels if channel.tag}
    found = []
    for tag, items in site.tags.items():
        channel = fed.get(tag.slug)
        if channel or tag.slug in site.calendar_slugs:
            calendar = tag_calendar_links(site, tag) if tag.slug in site.calendar_slugs else None
            found.append(TagSubscriptions(tag, len(channel.items if channel else items), channel, calendar))
    return found


def site_alternates(site: Site) -> tuple[Alternate, ...]:
    """The site's feeds and calendar, which every page names in its head."""
    config = site.config
    calendar = Alternate("text/calendar", site.calendar_name, config.url(CALENDAR_PATH))
    return (*_feed_alternates(site, feed_paths(SITE_FOLDER), config.title), calendar)


def tag_alternates(site: Site, tag: Tag, *, fed: bool, calendar: bool) -> tuple[Alternate, ...]:
    """A tag's own feeds, when it has them, and its calendar, when it has one, which its pages name
    besides the site's."""
    config = site.config
    own: list[Alternate] = []
    if fed:
        own += _feed_alternates(site, tag_feed_paths(tag.slug),
                                site.strings.tag_feed_title.format(title=config.title, tag=tag.name))
    if calendar:
        own.append(Alternate("text/calendar", site.tag_calendar_name(tag), config.url(tag_calendar_path(tag.slug))))
    return tuple(own)


def _feed_alternates(site: Site, paths: dict[str, str], name: str) -> tuple[Alternate, ...]:
    """A channel's documents in each format, as a page's alternates."""
    return tuple(Alternate(MEDIA_TYPES[fmt], f"{name} ({NAMES[fmt]})", site.config.url(path)) for fmt, path in paths.items())


def page_count(items: int, per_page: int) -> int:
    """How many pages a list of this many items has, `per_page` a page: one at least, empty or not."""
    return max(1, -(-items // per_page))


def paginate(items: Sequence[Item], first: str, per_page: int) -> list[tuple[str, ListPage]]:
    """Items in pages of `per_page`, each with its folder: the first at `first`, then `first`page/2/ and on."""
    count = page_count(len(items), per_page)
    pages = [ListPage(tuple(items[n * per_page:(n + 1) * per_page]), n + 1, count, first) for n in range(count)]
    return [(page.path(page.number), page) for page in pages]
