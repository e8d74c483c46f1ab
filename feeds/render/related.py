"""Which items belong together: an item is related to the items its body links to, and to those linking to it."""

from __future__ import annotations

from collections import defaultdict

from feeds.model import Item, Site


def related_items(site: Site) -> dict[str, tuple[Item, ...]]:
    """Each item's related items by item id, in the site's order (newest first); one pass over every link."""
    by_path = {item.path: item for item in site.items}
    links: dict[str, set[str]] = defaultdict(set)
    for item in site.items:
        for path in item.links:
            target = by_path.get(_page(path))
            if target is not None and target is not item:
                links[item.id].add(target.id)
                links[target.id].add(item.id)
    order = {item.id: position for position, item in enumerate(site.items)}
    by_id = {item.id: item for item in site.items}
    return {item_id: tuple(by_id[other] for other in sorted(others, key=order.__getitem__))
            for item_id, others in links.items()}


def _page(path: str) -> str:
    """The page a path inside the site shows: news/x/ for news/x/index.html or news/x."""
    path = path.removesuffix("index.html")
    return path if path.endswith("/") else path + "/"
