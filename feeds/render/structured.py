"""What search engines and link previews read: schema.org JSON-LD and Open Graph, from the model."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from feeds.event_status import schema_org_status
from feeds.model import Event, Item, NewsItem, Site, Status

SCHEMA = "https://schema.org/"



def json_ld(data: dict[str, Any]) -> str:
    """JSON for a <script type="application/ld+json">, with <, > and & escaped so it cannot end the script."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def website(site: Site) -> dict[str, Any]:
    """The front page: the newsroom as a WebSite of its publisher."""
    config = site.config
    return {"@context": "https://schema.org", "@type": "WebSite", "name": config.title, "url": config.url(),
            "description": config.description, "inLanguage": config.language, "publisher": _publisher(site)}


def news_article(site: Site, item: NewsItem) -> dict[str, Any]:
    """A NewsArticle with what Google's article rich results read."""
    config = site.config
    url = config.url(item.path)
    author = item.author or config.author
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": item.title,
        "description": item.summary,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": item.date.isoformat(),
        "dateModified": item.updated.isoformat(),
        "author": [{"@type": "Organization" if author.name == config.author.name else "Person",
                    "name": author.name}],
        "publisher": _publisher(site),
        "inLanguage": item.lang or config.language,
    }
    if item.dateline:
        data["dateline"] = item.dateline
    if item.tags:
        data["keywords"] = [tag.name for tag in item.tags]
    return data | _image(site, item)


def event(site: Site, item: Event) -> dict[str, Any]:
    """An Event with every property Google's event rich results require, and the recommended ones we know."""
    config = site.config
    url = config.url(item.path)
    online = _online(site, item)
    start, end = _dates(site, item)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": item.title,
        "description": item.summary,
        "url": url,
        "startDate": start.isoformat(),
        "endDate": end.isoformat(),
        "eventStatus": schema_org_status(item.status),
        "eventAttendanceMode": SCHEMA + ("OnlineEventAttendanceMode" if online else "OfflineEventAttendanceMode"),
        "organizer": _organizer(site),
        "inLanguage": item.lang or config.language,
    }
    if item.previous_start:
        data["previousStartDate"] = item.previous_start.isoformat()
    location = _location(item, url, online)
    if location:  # Google requires one; an event without a place has none to give
        data["location"] = location
    if item.tags:
        data["keywords"] = [tag.name for tag in item.tags]
    return data | _image(site, item)  # an Event's image, which Google's event rich results recommend


def open_graph(site: Site, url: str, title: str, description: str, item: Item | None = None,
               sizes: Callable[[str | None], tuple[int, int] | None] = lambda path: None) -> list[tuple[str, str]]:
    """Open Graph properties for link previews, in a fixed order; `sizes` gives the width and height
    of an image of the site from its path in the output, when known."""
    config = site.config
    properties = [
        ("og:site_name", config.title),
        ("og:title", title),
        ("og:description", description),
        ("og:url", url),
        ("og:type", "article" if isinstance(item, NewsItem) else "website"),
        ("og:locale", _locale(item.lang if item and item.lang else config.language)),
    ]
    # An item's own image, else (for it too) the site's logo: a link preview with a picture.
    image, alt = (item.image, item.image_alt) if item is not None and item.image else (config.feeds.logo, "")
    if image:
        size = sizes(config.own_file(image))
        properties += [("og:image", config.absolute(image)), ("og:image:width", str(size[0]) if size else ""),
                       ("og:image:height", str(size[1]) if size else ""), ("og:image:alt", alt)]
    if isinstance(item, NewsItem):
        properties += [("article:published_time", item.date.isoformat()),
                       ("article:modified_time", item.updated.isoformat())]
        properties += [("article:tag", tag.name) for tag in item.tags]
    return [(key, value) for key, value in properties if value]


def _locale(language: str) -> str:
    """Open Graph's language_TERRITORY (fr_CH) for a language tag with a region; "" (left out) for one
    without, which Open Graph has no form for."""
    language, _, territory = language.partition("-")
    return f"{language}_{territory.upper()}" if len(territory) == 2 else ""


def _dates(site: Site, item: Event) -> tuple[date | datetime, date | datetime]:
    """When the event is, as search engines should list it: a series by its next date (once all are
    past, its first date that is not excluded); an all-day event ends on its last day, as schema.org
    reads endDate."""
    start, end = item.first_start, item.first_end or item.first_start
    if following := site.next_occurrences.get(item.id):
        start, end = following.start, following.end - timedelta(days=1) if item.all_day else following.end
    return start, end


def _image(site: Site, item: Item) -> dict[str, Any]:
    """The item's image as its schema.org data gives it, if it has one."""
    return {"image": [site.config.absolute(item.image)]} if item.image else {}


def _publisher(site: Site) -> dict[str, Any]:
    config = site.config
    data: dict[str, Any] = {"@type": "Organization", "name": config.author.name, "url": config.url()}
    if config.feeds.logo:
        data["logo"] = {"@type": "ImageObject", "url": config.absolute(config.feeds.logo)}
    return data


def _organizer(site: Site) -> dict[str, Any]:
    organizer = site.config.calendar.organizer
    return {"@type": "Organization", "name": organizer.name if organizer else site.config.author.name,
            "url": site.config.url()}


def _online(site: Site, item: Event) -> bool:
    """Whether the event is held online: moved online, or online from the start, its location the
    word the lint suggests for it ('Online', or the site's own word for it) and nowhere on a map."""
    if item.status is Status.MOVED_ONLINE:
        return True
    where = item.location
    words = {"online", site.strings.online.casefold()}
    return where is not None and where.geo is None and where.text.strip().casefold() in words


def _location(item: Event, url: str, online: bool) -> dict[str, Any] | None:
    """The event's schema.org location: a Place, or a VirtualLocation (its url:, else its page) online."""
    if online:
        return {"@type": "VirtualLocation", "url": item.url or url}
    location = item.location
    if location is None:
        return None
    place: dict[str, Any] = {"@type": "Place", "name": location.name or location.address,
                             "address": location.address or location.name}
    if location.geo:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": location.geo[0], "longitude": location.geo[1]}
    return place
