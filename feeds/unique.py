"""No two items may share a page, a feed id or a calendar UID."""

from __future__ import annotations

from collections.abc import Mapping

from feeds.errors import Problem
from feeds.model import Event, Item


def check_unique(items: list[Item], problems: list[Problem], lines: Mapping[str, Mapping[str, int]]) -> None:
    """Two items may not share a page, an id or a UID; point at the key (line 1 when derived from the file name)."""
    seen: dict[tuple[str, str], Item] = {}
    for item in items:
        keys = [("slug", f"{item.section}/{item.slug}"), ("id", item.id)]
        if isinstance(item, Event):
            keys.append(("uid", item.uid))
        for field, value in keys:
            other = seen.setdefault((field, value), item)
            if other is not item:
                problems.append(Problem(item.source, _key_line(lines.get(item.source, {}), field), field,
                                        f"{value!r} is already used by {other.source}",
                                        f"give one of them its own {field}: in the front matter"))


def _key_line(lines: Mapping[str, int], field: str) -> int:
    """The line of the key a value comes from: its own key, else the slug it derives from, else line 1."""
    return next((lines[key] for key in (field, "slug") if key in lines), 1)
