"""No two items may share a page, a feed id or a calendar UID; no two tags a page unawares."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from feeds.errors import Problem, Severity
from feeds.model import Claim, Event, Item, Tag, tag_words, usual_name


def check_unique(items: list[Item | Claim], lines: Mapping[str, Mapping[str, int]]) -> list[Problem]:
    """Two items may not share a page, an id or a UID, nor what a file with errors claims (see Claim);
    point at the key (line 1 when derived from the file name)."""
    problems = []
    pages: dict[str, Item | Claim] = {}
    ids: dict[str, Item | Claim] = {}
    uids: dict[str, Item | Claim] = {}

    def take(item: Item | Claim, field: str, seen: dict[str, Item | Claim], value: str) -> None:
        if not value:  # a claim's, left out for its problem
            return
        other = seen.setdefault(value, item)
        if other is not item:
            shown = value.removesuffix("/") if field == "slug" else value  # a page by section and slug: news/x
            problems.append(Problem(item.source, _key_line(lines.get(item.source, {}), field), field,
                                    f"{shown!r} is already used by {other.source}",
                                    f"give one of them its own {field}: in the front matter"))

    for item in items:
        take(item, "slug", pages, item.path)
        take(item, "id", ids, item.id)
        if isinstance(item, (Event, Claim)):
            take(item, "uid", uids, item.uid)
    return problems


def check_tags(items: list[Item], lines: Mapping[str, Mapping[str, int]]) -> list[Problem]:
    """A warning for each way of writing a tag that gives the same slug as another in other words
    (C++ and C#, both tags/c/): they share one page and one feed, which the writer may not mean.
    Case, spaces, hyphens and underscores may differ (Paris Call, paris-call). Each way is reported
    once, at the first file that writes it."""
    files: dict[Tag, list[str]] = defaultdict(list)  # the files that write a tag each way
    for item in items:
        for tag in item.tags:
            files[tag].append(item.source)
    written: dict[str, dict[str, list[str]]] = defaultdict(dict)  # slug -> name -> files
    for tag, sources in files.items():
        written[tag.slug][tag.name] = sources
    problems = []
    for slug, names in sorted(written.items()):
        if len(names) < 2:
            continue
        usual = usual_name({name: len(sources) for name, sources in names.items()})
        for name, sources in sorted(names.items()):
            if tag_words(name) == tag_words(usual):
                continue
            first = min(sources)
            also = f" (and in {len(sources) - 1} other files)" if len(sources) > 1 else ""
            problems.append(Problem(first, lines.get(first, {}).get("tags", 1), "tags",
                                    f"{name!r}{also} shares the page tags/{slug}/ with {usual!r}",
                                    "write the tag as the other items do, or in other words", Severity.WARNING))
    return problems


def _key_line(lines: Mapping[str, int], field: str) -> int:
    """The line of the key a value comes from: its own key, else the slug it derives from, else line 1."""
    return next((lines[key] for key in (field, "slug") if key in lines), 1)
