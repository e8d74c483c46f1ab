"""The site's UI words, one TOML file per language under templates/strings/, English as the base."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from feeds.errors import Problem, SiteError, not_utf8
from feeds.limits import REFUSED_HINT, refused_problem
from feeds.toml_text import parse_toml

STRINGS_DIR = "strings"
BASE_LANGUAGE = "en"

_DAY = {"day": 26, "month": "November", "year": 2018, "weekday": "Monday"}
# The UI strings the code fills in with str.format, with what it gives each (values of the kinds it
# gives): a translation is tried with these when it is read.
FILLED: dict[str, dict[str, Any]] = {
    "by": {"author": "World Economic Forum"},
    "page_of": {"number": 2, "count": 3},
    "tag_title": {"tag": "cybersecurity"},
    "tag_count": {"count": 2},
    "tag_feed_title": {"title": "Centre for Cybersecurity Newsroom", "tag": "cybersecurity"},
    "tag_feed_about": {"description": "News and events of the Centre.", "tag": "cybersecurity"},
    "labelled": {"label": "When"},
    "footnote_back": {"number": "1-2"},
    "calendar_name": {"title": "Centre for Cybersecurity Newsroom"},
    "tag_calendar_name": {"calendar": "Centre for Cybersecurity events", "tag": "cybersecurity"},
    "status_title": {"status": "Cancelled", "title": "Annual Gathering"},
    "time_zone": {"abbreviation": "CET", "zone": "Europe/Zurich"},
    "banner_rescheduled_from": {"start": "3 December 2018", "previous": "26 November 2018"},
    "series_until": {"date": "1 October 2019"},
    "date": _DAY,
    "date_time": {**_DAY, "time": "09:30"},
    "day_span_same_month": {"start_day": 26, "end_day": 27, "month": "November", "year": 2018},
    "span": {"start": "26 November 2018", "end": "2 December 2018"},
    "time_span": {"start": "26 November 2018, 09:30", "end": "17:00"},
    "time": {"hour": 9, "minute": 30},
}


class Strings(Mapping[str, Any]):
    """Read-only UI strings; templates read them as `t.latest_news` or `t["status_cancelled"]`."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        # Each word is an attribute too, found without a call to __getattr__ (pages read tens of
        # thousands a build); a word named as a method (`date`, `time`) is read as t["date"].
        vars(self).update((key, value) for key, value in values.items() if not hasattr(Strings, key))
        self._values = MappingProxyType(dict(values))

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(f"no UI string {key!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    @cached_property
    def digest(self) -> str:
        """A digest of every word, for the keys of what is rendered with them."""
        return hashlib.sha256(json.dumps(dict(self._values), sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def date(self, value: date) -> str:
        """A day as people read it: 26 November 2018."""
        return self["date"].format(**self._parts(value))

    def moment(self, value: date | datetime) -> str:
        """A date, or a date and time: 26 November 2018, 09:30."""
        if not isinstance(value, datetime):
            return self.date(value)
        return self["date_time"].format(**self._parts(value), time=self.time(value))

    def time(self, value: datetime) -> str:
        """A time of day in the form the UI words give it (`time`, such as 14:30)."""
        return self["time"].format(hour=value.hour, minute=value.minute)

    def _parts(self, value: date) -> dict[str, Any]:
        return {"day": value.day, "month": self["months"][value.month - 1], "year": value.year,
                "weekday": self["weekdays"][value.weekday()]}


def load_strings(template_dirs: list[Path], language: str) -> Strings:
    """English, overlaid by `strings/<language>.toml` (then `<lang-REGION>.toml`) from each template dir.

    `template_dirs` is in lookup order, the site's own first; later files win over earlier ones.
    """
    names = [BASE_LANGUAGE, *(name for name in _languages(language) if name != BASE_LANGUAGE)]
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for name in names:
        for directory in reversed(template_dirs):
            path = directory / STRINGS_DIR / f"{name}.toml"
            if os.path.isfile(path):  # False in a folder that cannot be searched, which the walk reports
                values.update(_read(path, directory, values if values else None, problems))
    if problems:
        raise SiteError(problems)
    return Strings(values)


def untranslated(template_dirs: list[Path], language: str) -> bool:
    """Whether no strings file, the site's or a built-in one, is in `language` (fr or fr-CH for
    fr-CH): the site's own words would be English, in pages marked as written in that language."""
    names = [name for name in _languages(language) if name != BASE_LANGUAGE]
    return bool(names) and not any(os.path.isfile(d / STRINGS_DIR / f"{name}.toml") for name in names for d in template_dirs)


def _languages(language: str) -> list[str]:
    """fr-CH: fr, then fr-CH."""
    primary = language.split("-")[0]
    return [primary, language] if primary != language else [language]


def _read(path: Path, directory: Path, known: dict[str, Any] | None, problems: list[Problem]) -> dict[str, Any]:
    shown = f"templates/{path.relative_to(directory).as_posix()}"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(not_utf8(shown, path.read_bytes(), error))
        return {}
    data = parse_toml(shown, text, 'write key = "text", one to a line, quoting the text')
    if isinstance(data, Problem):
        problems.append(data)
        return {}
    if known is None:
        return data
    lines = text.splitlines()
    for key, value in data.items():
        line = next((n for n, l in enumerate(lines, 1) if _key_written(l) == key), 0)
        if key not in known:
            problems.append(Problem(shown, line, key, "unknown UI string", "the keys are those of strings/en.toml"))
        elif type(value) is not type(known[key]) or (isinstance(value, list) and len(value) != len(known[key])):
            problems.append(Problem(shown, line, key, f"expected {_kind(known[key])}, like the English",
                                    _kind_hint(key, known[key])))
        elif (refused := _refused(value)) is not None:
            problems.append(Problem(shown, line, key, refused, REFUSED_HINT))
        elif isinstance(value, str):
            problems += _filling_problems(value, key, shown, line)
    return {k: v for k, v in data.items() if k in known}


def _refused(value: str | list[Any]) -> str | None:
    """What is wrong with a text, or a list's texts, holding a control character (TOML lets "\\u0007"
    write one), or None."""
    texts = [value] if isinstance(value, str) else [text for text in value if isinstance(text, str)]
    return next((problem for text in texts if (problem := refused_problem(text)) is not None), None)


def _key_written(line: str) -> str:
    """The key a TOML line gives a value to, as the data names it: `key = `, `"key" = `, `key.part = `
    or a table's `[key]`."""
    head = line.split("=")[0] if "=" in line else line.strip().strip("[]")
    return head.split(".")[0].strip().strip("\"'")


def _filling_problems(value: str, key: str, shown: str, line: int) -> list[Problem]:
    """A string the code fills in must take what the code gives it, and nothing else."""
    given = FILLED.get(key)
    if given is None:
        return []  # never filled in: its braces are text
    try:
        value.format(**given)
    except KeyError as error:
        message = f"uses {{{error.args[0]}}}, which it is not given"
    except (ValueError, IndexError, AttributeError, TypeError) as error:  # a lone brace, {}, {x:q}, {x!z}
        message = f"cannot be filled in: {error}"
    else:
        return []
    names = ", ".join(f"{{{name}}}" for name in given)
    return [Problem(shown, line, key, message, f"its placeholders are {names}; write {{{{ or }}}} for a brace")]


def _kind(value: Any) -> str:
    return f"a list of {len(value)}" if isinstance(value, list) else "text"


def _kind_hint(key: str, english: Any) -> str:
    """How to write a string of the kind the English one is."""
    if isinstance(english, list):
        return f'{key} = ["...", ...] with {len(english)} texts, in the order of strings/en.toml ({english[0]} first)'
    return f'{key} = "..." (quoted), as in strings/en.toml'
