"""`feeds new`: a content file with the right front matter, slug and date, ready to write in."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from feeds.config import load_config
from feeds.errors import Problem, SiteError, display_path
from feeds.limits import one_line, refused_character, refused_kind
from feeds.slugs import cut_at_word, slug_of
from feeds.timezones import day_or_moment, read_in
from feeds.write import write_new

PLACEHOLDER = "Write the text here. Its first paragraph is the summary unless you add `summary:` above."
NEW_SLUG_LENGTH = 80  # a long title's slug is cut at a word: URLs and file names stay readable


def new_item(site_dir: Path, kind: str, title: str, *, now: datetime,
             start: str | None = None, end: str | None = None, location: str | None = None) -> Path:
    """Write content/news/YYYY-MM-DD-slug.md or content/events/slug.md as a draft; return its path."""
    config = load_config(site_dir)
    title = _plain("title", title)
    location = _plain("--location", location) if location is not None else None
    slug = cut_at_word(slug_of(title), NEW_SLUG_LENGTH)
    if not title.strip() or not slug:
        raise SiteError([Problem("title", 0, "", f"{title!r} gives no slug", "use letters or digits")])
    published = read_in(now, config.timezone).astimezone(config.timezone).replace(microsecond=0)
    if kind == "news":
        path = site_dir / "content" / "news" / f"{published:%Y-%m-%d}-{slug}.md"
        extra: list[str] = []
    else:
        path = site_dir / "content" / "events" / f"{slug}.md"
        extra = _event_lines(start or "", end, config.timezone.key) + _location_lines(location)
    if path.exists():
        raise SiteError([Problem(display_path(path, site_dir), 0, "", "already exists",
                                 "choose another title, or edit that file")])
    lines = [
        "---",
        f"title: {json.dumps(title.strip(), ensure_ascii=False)}",
        f"date: {published.isoformat()}",
        *extra,
        "tags: []",
        "draft: true  # remove this line to publish",
        f"# embargo: {_next_morning(published).isoformat()}  # held out of every output until then",
        "---",
        PLACEHOLDER,
        "",
    ]
    write_new(path, "\n".join(lines).encode("utf-8"))
    return path


def _plain(name: str, text: str) -> str:
    """A text given on the command line, on one line; SiteError when it holds what no output can carry."""
    if (bad := refused_character(text)) is not None or not _is_text(text):
        what = f"the {refused_kind(text[bad])} U+{ord(text[bad]):04X}" if bad is not None else "bytes that are not UTF-8"
        raise SiteError([Problem(name, 0, "", f"{text!r} holds {what}", f"give the {name.lstrip('-')} as plain text")])
    return one_line(text)


def _location_lines(location: str | None) -> list[str]:
    """An event's location line: as given, else an example to correct (an event without one is a warning)."""
    if location and location.strip():
        return [f"location: {json.dumps(location.strip(), ensure_ascii=False)}"]
    return ["# location: \"Hall, street, city\"  # where it is held, or Online with the event's url:"]


def _next_morning(moment: datetime) -> datetime:
    """09:00 on the day after `moment`, in its zone: the commented embargo's example, a moment to come."""
    return datetime.combine(moment.date() + timedelta(days=1), time(9), moment.tzinfo)


def _is_text(title: str) -> bool:
    """False for a title with lone surrogates: bytes of the command line that were not UTF-8."""
    try:
        title.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _event_lines(start: str, end: str | None, zone: str) -> list[str]:
    try:
        first = day_or_moment(start)
        last = day_or_moment(end) if end else None
    except ValueError as error:
        raise SiteError([Problem("--start/--end", 0, "", f"not a date or time: {error}",
                                 "write 2018-11-26 or 2018-11-26T09:30")]) from None
    if last is not None and (isinstance(first, datetime) != isinstance(last, datetime) or not _in_order(first, last)):
        timed = isinstance(first, datetime)
        raise SiteError([Problem("--end", 0, "", f"must be a {'time after' if timed else 'date not before'} --start ({start})",
                                 f"give the time it ends, as {an_hour_on(first)}" if timed
                                 else "give the event's last day, or leave --end out for one day")])
    if last is not None:
        ending = [f"end: {last.isoformat()}"]
    elif isinstance(first, datetime):  # an example to correct, not an end made up and published unnoticed
        ending = [f"# end: {an_hour_on(first)}  # when it ends: without an end, calendars show a moment"]
    else:
        ending = []  # an all-day event of one day
    return [f"start: {first.isoformat()}", *ending, f"timezone: {zone}"]


def an_hour_on(start: date | datetime) -> str:
    """The wall time an hour after a start, as --end and end: take it (2018-12-03T11:00 for 10:00)."""
    assert isinstance(start, datetime)
    return (start.replace(tzinfo=None) + timedelta(hours=1)).isoformat(timespec="minutes")


def _in_order(first: date | datetime, last: date | datetime) -> bool:
    if not isinstance(first, datetime):
        return last >= first
    if (first.tzinfo is None) != (last.tzinfo is None):  # type: ignore[union-attr]
        return True  # one is in the event's zone: the build compares them there
    return last > first
