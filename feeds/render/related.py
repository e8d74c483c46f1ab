"""Which items belong together: an item is related to the items its body links to, and to those linking to it."""

from __future__ import annotations

from collections import defaultdict

from feeds.model import Item, Site


def related_items(site: Site) -> dict[str, tuple[Item, ...]]:
    """Each item's related items by item id, in the site's order (newest first); one pass over every link."""
    items = site.items
    position = {item.path: n for n, item in enumerate(items)}
    links: dict[int, set[int]] = defaultdict(set)  # by position in the site's order, which sorting keeps
    for n, item in enumerate(items):
        for path in item.links:
            other = position.get(_page(path))
            if other is not None and other != n:
                links[n].add(other)
                links[other].add(n)
    return {items[n].id: tuple(items[other] for other in sorted(others)) for n, others in links.items()}


def _page(path: str) -> str:
    """The page a path inside the site shows: news/x/ for news/x/index.html or news/x."""
    path = path.removesuffix("index.html")
    return path if path.endswith("/") else path + "/"
