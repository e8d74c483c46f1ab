"""Links into people's calendars: add one event (Google Calendar, Outlook.com), or subscribe to them all."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime, timezone
from functools import cached_property, lru_cache
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from feeds.event_status import banner, calendar_title, place
from feeds.model import Event, Site
from feeds.recurrence import first_occurrence
from feeds.render.channels import SITE_FOLDER, tag_folder
from feeds.settings import SiteConfig
from feeds.strings import Strings

CALENDAR_NAME = "events.ics"  # the subscribable calendar's file, in the site's feeds folder and in each tag's
CALENDAR_PATH = SITE_FOLDER + CALENDAR_NAME
# The most text an add-event link carries: Google cuts its details at about this many characters, and
# many servers refuse a query string past 2 to 8 KB, so Outlook's body is cut the same way; and the
# most bytes it takes percent-encoded, which for Chinese (9 bytes a character) or Russian (6) is
# reached first.
ADD_EVENT_TEXT_LIMIT = 1000
ADD_EVENT_QUOTED_LIMIT = 3000
_UNRESERVED_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"  # as quote() keeps them


def tag_calendar_path(slug: str) -> str:
    """The path of a tag's calendar, beside its feeds (feeds/tags/paris-call/events.ics)."""
    return tag_folder(slug) + CALENDAR_NAME


def event_ics_path(event: Event) -> str:
    """The path of the event's own .ics file, for download or import."""
    return f"{event.path}event.ics"


def event_text(site: Site, event: Event) -> str:
    """The event as plain text for calendars: any status banner, the body (or summary), the page's URL."""
    body = event.body_text or event.summary
    return "\n\n".join(part for part in (banner(event, site.strings), body, site.config.url(event.path)) if part)


def add_event_text(site: Site, event: Event) -> str:
    """The event's plain text for add-event links, cut to ADD_EVENT_TEXT_LIMIT characters and
    ADD_EVENT_QUOTED_LIMIT bytes percent-encoded, with the page's URL kept at its end; worked out once
    for both links."""
    text = event_text(site, event)
    if len(text) <= ADD_EVENT_TEXT_LIMIT and _quoted_length(text) <= ADD_EVENT_QUOTED_LIMIT:
        return text
    tail = "…\n\n" + site.config.url(event.path)
    kept = text[: ADD_EVENT_TEXT_LIMIT - len(tail)]
    budget = ADD_EVENT_QUOTED_LIMIT - _quoted_length(tail)
    low, high = 0, len(kept)  # the longest beginning of `kept` within the budget, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if _quoted_length(kept[:middle]) <= budget else (low, middle - 1)
    return kept[:low].rstrip() + tail


def _quoted_length(text: str) -> int:
    """How many bytes a text takes percent-encoded (as _quote writes it): one for each unreserved
    character, three for each byte of the others in UTF-8 (counted in C)."""
    data = text.encode("utf-8", "surrogatepass")
    kept_as_is = len(data) - len(data.translate(None, _UNRESERVED_BYTES))
    return 3 * len(data) - 2 * kept_as_is


def google_event_url(event: Event, t: Strings, details: str) -> str:
    """A Google Calendar link that adds the event (the whole series if it repeats), with add_event_text."""
    end = event.end_exclusive or event.start
    zone = _google_zone(event, end)
    if event.all_day:
        dates = f"{event.start:%Y%m%d}/{end:%Y%m%d}"
    elif zone is None:
        dates = f"{_utc(event.start):%Y%m%dT%H%M%SZ}/{_utc(end):%Y%m%dT%H%M%SZ}"
    else:  # wall-clock times with ctz, so a repeating series keeps its local time across DST
        dates = f"{event.start:%Y%m%dT%H%M%S}/{end.astimezone(event.start.tzinfo):%Y%m%dT%H%M%S}"
    query = {"action": "TEMPLATE", "text": calendar_title(event, t), "dates": dates, "details": details}
    if where := place(event, t):
        query["location"] = where
    if zone is not None:
        query["ctz"] = zone
    if event.recurrence:
        query["recur"] = f"RRULE:{event.recurrence.rule}"
    return "https://calendar.google.com/calendar/render?" + urlencode(query, quote_via=_quote)


def outlook_event_url(event: Event, t: Strings, body: str) -> str:
    """An Outlook.com link that adds the event (its first occurrence that is not excluded, if it
    repeats), with add_event_text."""
    first = first_occurrence(event)
    start, end = first.start, first.end
    if event.all_day:
        # Plain dates: Outlook moves an all-day event given as times by the viewer's UTC offset.
        span = {"startdt": start.isoformat(), "enddt": end.isoformat(), "allday": "true"}
    else:
        span = {"startdt": f"{_utc(start):%Y-%m-%dT%H:%M:%SZ}", "enddt": f"{_utc(end):%Y-%m-%dT%H:%M:%SZ}"}
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": calendar_title(event, t),
        **span,
        "body": body,
    }
    if where := place(event, t):
        query["location"] = where
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(query, quote_via=_quote)


class AddLinks(Mapping[str, str]):
    """An event page's links that add the event to a calendar: `ics` (its own file, beside the page),
    `google` and `outlook`, each made when a template reads it. The built-in page shows them only for
    an event still to come, and most pages of a newsroom's events are of events past."""

    _NAMES = ("ics", "google", "outlook")

    def __init__(self, site: Site, event: Event) -> None:
        self._site, self._event = site, event

    def __getitem__(self, name: str) -> str:
        site, event = self._site, self._event
        if name == "ics":
            return event_ics_path(event).rpartition("/")[2]
        if name == "google":
            return google_event_url(event, site.strings, self._text)
        if name == "outlook":
            return outlook_event_url(event, site.strings, self._text)
        raise KeyError(name)

    @cached_property
    def _text(self) -> str:
        """The event's text for both web calendars, made once."""
        return add_event_text(self._site, self._event)

    def __iter__(self) -> Iterator[str]:
        return iter(self._NAMES)

    def __len__(self) -> int:
        return len(self._NAMES)


def webcal_url(config: SiteConfig, path: str = CALENDAR_PATH) -> str:
    """The webcal:// URL of the calendar at `path` (the site's, or a tag's), which calendar apps open
    as a subscription."""
    return urlunsplit(urlsplit(config.url(path))._replace(scheme="webcal"))


def google_subscribe_url(config: SiteConfig, path: str = CALENDAR_PATH) -> str:
    """Google Calendar's "add by URL" page for the calendar at `path`."""
    query = {"cid": webcal_url(config, path)}
    return "https://calendar.google.com/calendar/render?" + urlencode(query, quote_via=_quote)


def outlook_subscribe_url(config: SiteConfig, name: str, path: str = CALENDAR_PATH) -> str:
    """Outlook.com's "subscribe from web" page for the calendar at `path`, which it names `name`."""
    query = {"url": config.url(path), "name": name}
    return "https://outlook.live.com/calendar/0/addfromweb?" + urlencode(query, quote_via=_quote)


@lru_cache(maxsize=32)
def _quote(value: str, safe: str = "", encoding: str | None = None, errors: str | None = None) -> str:
    """A value percent-encoded, a space as %20: Outlook.com reads a '+' as a plus sign, where urlencode's
    quote_plus means a space. Remembered for the last few values: an event page's two add-event links
    carry the same text (up to ADD_EVENT_TEXT_LIMIT characters), title and place."""
    return quote(value, safe, encoding, errors)


def _google_zone(event: Event, end: date | datetime) -> str | None:
    """The zone a timed event's link gives its times on the clock of (ctz), or None to give them in UTC
    with no zone: a single event's times the clock cannot say for sure (see _in_utc).

    A series written in UTC is given on UTC's clock with ctz=UTC, as its .ics repeats it: without a
    zone, Google repeats a series at its first date's time on the clock of the calendar it is added
    to, and in Zurich a weekly 12:00 UTC would come an hour early (11:00 UTC) once summer time began.
    """
    if event.all_day:
        return None
    if _in_utc(event, end):
        return "UTC" if event.recurrence else None
    return event.timezone.key


def _in_utc(event: Event, end: date | datetime) -> bool:
    """Whether Google is given the event's times in UTC: times written in UTC, and times the clock and
    ctz cannot say for sure (see Event.unsure_on_the_clock), as the .ics gives them."""
    if isinstance(event.start, datetime) and event.start.tzinfo is timezone.utc:
        return True
    return event.unsure_on_the_clock(event.start) or event.unsure_on_the_clock(end)


def _utc(value: date | datetime) -> datetime:
    assert isinstance(value, datetime)
    return value.astimezone(timezone.utc)
