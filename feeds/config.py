"""site.toml: read once, validated into a frozen SiteConfig."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import webcolors

from feeds.addresses import site_address, web_address
from feeds.errors import Problem, SiteError, closest, not_utf8
from feeds.languages import language_problem
from feeds.limits import (
    REFUSED_HINT,
    one_line,
    refused_problem,
    shows_nothing,
)
from feeds.settings import (
    CalendarSettings,
    FeedSettings,
    PageSettings,
    Person,
    SiteConfig,
)
from feeds.timezones import zone_hint, zone_or_none
from feeds.toml_text import parse_toml

CONFIG_NAME = "site.toml"


_EMAIL = re.compile(r"[^@\s:<>,;]+@[^@\s<>,;]+")  # an address alone: no mailto:, no name, no list
_KIND_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}
_KIND_HINTS = {str: '{key} = "..." (quoted)', int: "{key} = 20 (unquoted)", float: "{key} = 12 (unquoted)",
               bool: "{key} = true or {key} = false (unquoted)"}

_KNOWN = {
    "": {"title", "description", "base_url", "language", "timezone", "author", "feeds", "calendar", "pages"},
    "author": {"name", "email"},
    "feeds": {"limit", "include_events", "hub", "icon", "logo"},
    "calendar": {"name", "description", "refresh_hours", "past_days", "color", "image", "organizer"},
    "calendar.organizer": {"name", "email"},
    "pages": {"per_page", "front_page"},
}


class _Reader:
    """Typed access to the parsed TOML that records a located problem for each bad value."""

    def __init__(self, text: str, path: str) -> None:
        self.lines = text.splitlines()
        self.path = path
        self.problems: list[Problem] = []

    def line_of(self, dotted: str) -> int:
        """The line where a key is set; the line of its [table] header when it is a table. A key
        that is not set is placed where its table is: that is where it belongs."""
        *tables, key = dotted.split(".")
        header = re.compile(r"^\s*\[\s*" + re.escape(".".join(tables)) + r"\s*\]") if tables else None
        assign = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
        table_header = re.compile(r"^\s*\[\[?\s*" + re.escape(dotted) + r"\s*\]")  # [feeds], or [[feeds]] by mistake
        in_table = header is None
        for number, line in enumerate(self.lines, 1):
            if table_header.match(line):
                return number
            if line.lstrip().startswith("["):
                in_table = bool(header and header.match(line))
            elif in_table and assign.match(line):
                return number
        dotted_key = re.compile(r"^\s*" + r"\s*\.\s*".join(map(re.escape, dotted.split("."))) + r"\s*=")
        for number, line in enumerate(self.lines, 1):  # a dotted key: feeds.limit = 20
            if dotted_key.match(line):
                return number
        return self.line_of(".".join(tables)) if tables else 1

    def fail(self, dotted: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, self.line_of(dotted), dotted, message, hint))

    def get(self, table: dict[str, Any], dotted: str, kind: type, default: Any = None) -> Any:
        key = dotted.rsplit(".", 1)[-1]
        if key not in table:
            if default is None:
                self.fail(dotted, "missing; it is required", f"add {key} = ... to {CONFIG_NAME}")
            return default
        value = table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(dotted, f"expected {_KIND_NAMES[kind]}, got {_found(value)}", _KIND_HINTS[kind].format(key=key))
            return default
        if isinstance(value, str) and (problem := refused_problem(value)) is not None:
            self.fail(dotted, problem, REFUSED_HINT)
            return default
        return value

    def table(self, parent: dict[str, Any], dotted: str) -> dict[str, Any]:
        value = parent.get(dotted.rsplit(".", 1)[-1], {})
        if not isinstance(value, dict):
            self.fail(dotted, "expected a table", f"write it as a [{dotted}] section")
            return {}
        return value

    def line(self, table: dict[str, Any], dotted: str, default: str | None = None) -> str | None:
        """A text shown on one line (a name, a title): its runs of white space made one space."""
        value = self.get(table, dotted, str, default)
        return one_line(value) if isinstance(value, str) else value

    def email(self, table: dict[str, Any], dotted: str, default: str | None = None) -> str:
        """An email address, written alone (no mailto:, no name)."""
        value = self.get(table, dotted, str, default)
        if value and not _EMAIL.fullmatch(value):
            self.fail(dotted, f"not an email address: {value!r}", "write the address alone, e.g. press@example.org")
            return ""
        return value or ""

    def address(self, table: dict[str, Any], dotted: str, *, in_site: bool = False) -> str:
        """A web address (http or https) as published (see `web_address`); with `in_site`, or the path
        of a file of the site."""
        value = self.get(table, dotted, str, "")
        address = web_address(value, in_site=in_site) if value else value
        if address is None:
            example = '"static/logo.png" or "https://example.org/logo.png"' if in_site else '"https://example.org/"'
            self.fail(dotted, f"not a web address: {value!r}", f"write it in full, e.g. {dotted.rpartition('.')[2]} = {example}")
            return ""
        return address

    def check_unknown(self, table: dict[str, Any], prefix: str) -> None:
        for key in table:
            if key not in _KNOWN[prefix]:
                dotted = f"{prefix}.{key}" if prefix else key
                self.fail(dotted, "unknown setting", closest(key, _KNOWN[prefix], "known"))


def _color(r: _Reader, table: dict[str, Any]) -> str:
    """The calendar's colour: a CSS3 colour name, the only kind RFC 7986's COLOR takes."""
    color = r.get(table, "calendar.color", str, "")
    if color and color.lower() not in webcolors.names("css3"):
        try:
            hint = f"this one is named {webcolors.hex_to_name(color)!r}"
        except ValueError:
            hint = 'e.g. color = "steelblue"'
        r.fail("calendar.color", f"not a CSS3 colour name: {color!r}", hint)
        return ""
    return color


def _found(value: Any) -> str:
    """A TOML value as TOML writes it, or what it is, for a message saying what was found."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (date, time)):  # a datetime is a date
        return f"the {'time' if isinstance(value, time) else 'date'} {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return repr(value)


class SettingsError(SiteError):
    """site.toml has errors. `stand_in` is what it says with a stand-in for each wrong setting, against
    which the content can be checked meanwhile, so that its errors come at once with the settings'
    own; None when it cannot be read as TOML at all, or its time zone is wrong (content times hang on it)."""

    def __init__(self, problems: list[Problem], stand_in: SiteConfig | None = None) -> None:
        super().__init__(problems)
        self.stand_in = stand_in


# What the path of base_url (percent-encoded already) keeps in a tag URI's specific part (RFC 4151): all
# but '[' and ']', which only a host may hold.
_TAG_SAFE = "/%!$&'()*+,;=:@~"
_STAND_IN_URL = "https://localhost/"  # for a base_url that is wrong or missing, while the content is checked


def load_config(site_dir: Path, base_url_override: str | None = None) -> SiteConfig:
    """Read and validate site.toml; raise SiteError with every problem found."""
    text = _config_text(site_dir)
    data = parse_toml(CONFIG_NAME, text, 'write key = "value", quoting text, with [section] headers on their own lines')
    if isinstance(data, Problem):
        raise SiteError([data])

    r = _Reader(text, CONFIG_NAME)
    r.check_unknown(data, "")
    title = r.line(data, "title")
    if title is not None and shows_nothing(title):
        r.fail("title", "is empty" if not title else "shows nothing: it holds only invisible characters",
               'name the newsroom, e.g. title = "Newsroom"')
    description = r.get(data, "description", str, "")
    base_url = _base_url(r, data)
    zone_name = r.get(data, "timezone", str, "UTC")
    zone = zone_or_none(zone_name)
    if zone is None:
        r.fail("timezone", f"unknown time zone {zone_name!r}", zone_hint(zone_name))
    author = _author(r, data, title)
    feeds = _feed_settings(r, data)
    calendar = _calendar_settings(r, data, description)
    pages = _page_settings(r, data)
    language = r.get(data, "language", str, "en")
    if (problem := language_problem(language)) is not None:
        r.fail("language", *problem)
        language = "en"

    base_url = (base_url or _STAND_IN_URL).rstrip("/") + "/"
    config = SiteConfig(
        title=title or "",
        description=description,
        base_url=(base_url_override.rstrip("/") + "/") if base_url_override else base_url,
        language=language,
        timezone=zone or ZoneInfo("UTC"),
        author=author,
        feeds=feeds,
        calendar=calendar,
        pages=pages,
        id_domain=urlsplit(base_url).hostname or "localhost",
        id_path=quote(urlsplit(base_url).path.lstrip("/"), safe=_TAG_SAFE),
        production_url=base_url,
    )
    if r.problems:
        # Content times without an offset are in the site's zone: against a stand-in for it, an end
        # could seem to come before its start. Then only the content files' own reading is checked.
        raise SettingsError(r.problems, config if zone is not None else None)
    return config


def setting_line(site_dir: Path, dotted: str) -> int:
    """The line of site.toml that sets a key (see _Reader.line_of), for a problem found after the
    settings were read."""
    return _Reader(_config_text(site_dir), CONFIG_NAME).line_of(dotted)


def _config_text(site_dir: Path) -> str:
    """The text of site.toml; SiteError when there is none, or it cannot be read as UTF-8 text."""
    path = site_dir / CONFIG_NAME
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SiteError([Problem(CONFIG_NAME, 0, "", f"not found in {site_dir}",
                                 "run feeds in the site directory, or give it with --site DIR")]) from None
    except OSError as error:  # a folder of that name, say
        raise SiteError([Problem(CONFIG_NAME, 0, "", f"cannot be read: {error.strerror}",
                                 "the settings are a TOML file")]) from None
    except UnicodeDecodeError as error:
        raise SiteError([not_utf8(CONFIG_NAME, path.read_bytes(), error)]) from None


def _base_url(r: _Reader, data: dict[str, Any]) -> str | None:
    """base_url as published (see `site_address`); None when it is missing or wrong."""
    base_url = r.get(data, "base_url", str)
    if base_url is None:
        return None
    address = site_address(base_url)
    if address is None:
        r.fail("base_url", f"expected an absolute http(s) URL without user:password@, ? or #, got {base_url!r}",
               'e.g. base_url = "https://newsroom.example.org/"')
    return address


def _author(r: _Reader, data: dict[str, Any], title: str | None) -> Person:
    """[author]: the feeds' author, named after the newsroom unless given."""
    table = r.table(data, "author")
    r.check_unknown(table, "author")
    return Person(r.line(table, "author.name", title or "") or "", r.email(table, "author.email", ""))


def _feed_settings(r: _Reader, data: dict[str, Any]) -> FeedSettings:
    """[feeds]: how many entries a feed holds, whether events are among them, the hub, the icon and the logo."""
    table = r.table(data, "feeds")
    r.check_unknown(table, "feeds")
    return FeedSettings(
        limit=_count(r, table, "feeds.limit", FeedSettings.limit),
        include_events=r.get(table, "feeds.include_events", bool, True),
        hub=r.address(table, "feeds.hub"),
        icon=r.address(table, "feeds.icon", in_site=True),
        logo=r.address(table, "feeds.logo", in_site=True),
    )


def _page_settings(r: _Reader, data: dict[str, Any]) -> PageSettings:
    """[pages]: how many items a page of a list shows, and each list of the front page."""
    table = r.table(data, "pages")
    r.check_unknown(table, "pages")
    return PageSettings(per_page=_count(r, table, "pages.per_page", PageSettings.per_page),
                        front_page=_count(r, table, "pages.front_page", PageSettings.front_page))


def _count(r: _Reader, table: dict[str, Any], dotted: str, default: int) -> int:
    """A number of items, 1 or more; the default when it is not one (a problem recorded)."""
    count = r.get(table, dotted, int, default)
    if count < 1:
        r.fail(dotted, f"expected a positive number, got {count}", f"e.g. {dotted.rpartition('.')[2]} = {default}")
        return default
    return count


def _calendar_settings(r: _Reader, data: dict[str, Any], description: str) -> CalendarSettings:
    """[calendar] and [calendar.organizer]: its description defaults to the newsroom's, and its name
    (None when not given) to the newsroom's title in the UI words (Site.calendar_name)."""
    table = r.table(data, "calendar")
    r.check_unknown(table, "calendar")
    organizer_table = r.table(table, "calendar.organizer")
    r.check_unknown(organizer_table, "calendar.organizer")
    organizer = None
    if organizer_table:
        organizer = Person(
            r.line(organizer_table, "calendar.organizer.name"),
            r.email(organizer_table, "calendar.organizer.email"),
        )
    return CalendarSettings(
        name=(r.line(table, "calendar.name", "") or "") if "name" in table else None,
        description=r.get(table, "calendar.description", str, description),
        refresh=_refresh(r, table),
        color=_color(r, table),
        image=r.address(table, "calendar.image", in_site=True),
        organizer=organizer,
        past=_past_days(r, table),
    )


def _refresh(r: _Reader, table: dict[str, Any]) -> timedelta:
    """[calendar] refresh_hours, from a minute to a year: REFRESH-INTERVAL and X-PUBLISHED-TTL are
    written in whole seconds, so that 0.0001 (0.36 s) was published as P0D, and a client asked to
    refresh more often than once a minute would only be polling."""
    default = CalendarSettings.refresh / timedelta(hours=1)
    hours = r.get(table, "calendar.refresh_hours", float, default)
    if not 1 / 60 <= hours <= 24 * 366:  # not NaN either
        r.fail("calendar.refresh_hours", f"expected a number of hours from a minute's (0.0167) to a year's (8784), "
               f"got {hours:g}", "e.g. refresh_hours = 12, or 0.25 for a quarter of an hour")
        hours = default
    return timedelta(hours=hours)


_MOST_PAST_DAYS = 366_000  # about a thousand years: events are dated up to 2999, and each leaves the calendar by 9999


def _past_days(r: _Reader, table: dict[str, Any]) -> timedelta | None:
    """[calendar] past_days: how many days events.ics keeps an event after it ends; None when unset,
    which keeps every event."""
    if "past_days" not in table:
        return None
    days = r.get(table, "calendar.past_days", int, None)  # None when not a whole number (a problem recorded)
    if days is not None and not 0 <= days <= _MOST_PAST_DAYS:
        r.fail("calendar.past_days", f"expected a number of days from 0 to {_MOST_PAST_DAYS:,}, got {days}",
               "e.g. past_days = 365")
        days = None
    return None if days is None else timedelta(days=days)
