"""Which items belong together: an item is related to the items its body links to (at their pages or
old addresses), and to those linking to it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from feeds.model import Item, Site

# Each item's related items by id (see related_items); a cache may provide them.
Related = Callable[[Site], Mapping[str, tuple[Item, ...]]]


def related_items(site: Site) -> dict[str, tuple[Item, ...]]:
    """Each item's related items by item id, in the site's order (newest first); one pass over every link."""
    return related_by_id(site.items, linked_positions(site.items))


def linked_positions(items: Sequence[Item]) -> dict[int, tuple[int, ...]]:
    """By each item's position, the positions of the items it links to or is linked from, in order
    (an item no link joins to another is left out)."""
    position = {item.path: n for n, item in enumerate(items)}
    position |= {path: n for n, item in enumerate(items) for path in item.aliases}  # an old address leads to it
    links: dict[int, set[int]] = defaultdict(set)  # by position in the site's order, which sorting keeps
    for n, item in enumerate(items):
        for path in item.links:
            other = position.get(_page(path), position.get(path))  # news/x/, or an old address 2018/x.html
            if other is not None and other != n:
                links[n].add(other)
                links[other].add(n)
    return {n: tuple(sorted(others)) for n, others in links.items()}


def related_by_id(items: Sequence[Item], linked: Mapping[int, tuple[int, ...]]) -> dict[str, tuple[Item, ...]]:
    """Each linked item's related items (see linked_positions), by its id."""
    return {items[n].id: tuple(items[other] for other in others) for n, others in linked.items()}


def _page(path: str) -> str:
    """The page a path inside the site shows: news/x/ for news/x/index.html or news/x."""
    path = path.removesuffix("index.html")
    return path if path.endswith("/") else path + "/"
