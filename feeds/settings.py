"""The site's settings, typed and frozen: what feeds.config reads from site.toml and validates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote, unquote, urlsplit
from zoneinfo import ZoneInfo

from feeds.addresses import uri_path


@dataclass(frozen=True)
class Person:
    name: str
    email: str = ""


@dataclass(frozen=True)
class FeedSettings:
    limit: int = 20
    include_events: bool = True
    hub: str = ""
    icon: str = ""
    logo: str = ""


@dataclass(frozen=True)
class CalendarSettings:
    name: str | None  # None: named from the site's title in its UI words (Site.calendar_name)
    description: str
    refresh: timedelta = timedelta(hours=12)
    color: str = ""
    image: str = ""
    organizer: Person | None = None
    past: timedelta | None = None  # past_days: how long events.ics keeps an event after it ends; None: for good


@dataclass(frozen=True)
class PageSettings:
    per_page: int = 20  # items on each page of a list: the archive, all news, all events, a tag
    front_page: int = 10  # items in each list of the front page: the latest news, upcoming and past events


# What a path inside the site may hold as it is: all but spaces, non-ASCII and the few characters no
# URL may hold (a query or fragment, and what is already percent-encoded, are kept).
_URL_SAFE = "/%?#=&;:@!$'()*+,[]"


def site_path(value: str) -> str | None:
    """The path inside the site that a setting or front matter value names (static/images/photo.jpg),
    percent-encoded as a URL must be and without a leading slash; None for a web address."""
    return None if urlsplit(value).scheme else quote(value.lstrip("/"), safe=_URL_SAFE)


@dataclass(frozen=True)
class SiteConfig:
    title: str
    description: str
    base_url: str  # always ends with "/"
    language: str
    timezone: ZoneInfo
    author: Person
    feeds: FeedSettings
    calendar: CalendarSettings
    pages: PageSettings
    id_domain: str  # the host that qualifies ids and UIDs; fixed by site.toml, not --base-url
    id_path: str  # with it, base_url's path in site.toml ("cyber/" under https://org.github.io/cyber/, "" at a root)
    production_url: str  # base_url in site.toml, where the site is published; base_url differs in a staging build

    @property
    def staging(self) -> bool:
        """True when the build is for another address than site.toml's base_url (--base-url: a staging
        host, the preview): a copy that search engines must not index beside, or in place of, the site."""
        return self.base_url != self.production_url

    @property
    def published_under(self) -> str:
        """id_path with its percent-escapes decoded: the path the site is published under by site.toml
        ("newsroom/" under https://example.org/newsroom/, "" at a host's root), from which an item's
        old addresses are written."""
        return unquote(self.id_path)

    def url(self, path: str = "") -> str:
        """The absolute URL of a path inside the site, percent-encoded where it goes beyond ASCII
        (tags/%E6%9D%B1%E4%BA%AC/ for tags/東京/), as every URI the outputs write must be."""
        return self.base_url + uri_path(path.lstrip("/"))

    def absolute(self, value: str) -> str:
        """A setting or front matter value as an absolute URL: a web address as it is, else a path
        inside the site (static/images/photo.jpg), percent-encoded as a URL must be."""
        path = site_path(value)
        return value if path is None else self.url(path)

    def own_file(self, value: str) -> str | None:
        """The path in the output, percent-escapes decoded (static/images/photo.jpg), of the site's file
        that a setting or front matter value names, as a path or a URL under base_url; None for an
        address elsewhere."""
        url = self.absolute(value)
        return unquote(urlsplit(url[len(self.base_url):]).path) if url.startswith(self.base_url) else None
