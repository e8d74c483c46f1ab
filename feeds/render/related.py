"""Which items belong together: an item is related to the items its body links to, and to those linking to it."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from feeds.model import Item, Site

# The links of sanitised HTML, whose '<' always begins a tag (see feeds.links): never text
# that looks like a link, as in a code sample.
_HREF = re.compile(r'<a\s[^<>]*?href="([^"]*)"')


def related_items(site: Site) -> dict[str, tuple[Item, ...]]:
    """Each item's related items by item id, in the site's order (newest first); one pass over every link."""
    by_path = {item.path: item for item in site.items}
    base = site.config.base_url
    links: dict[str, set[str]] = defaultdict(set)
    for item in site.items:
        page_url = base + item.path
        for href in _hrefs(item.body_html):
            if href.startswith(("https://", "http://")) and not href.startswith(base):
                continue  # another site's page, without resolving it
            target = by_path.get(_site_path(urljoin(page_url, href), base))
            if target is not None and target is not item:
                links[item.id].add(target.id)
                links[target.id].add(item.id)
    order = {item.id: position for position, item in enumerate(site.items)}
    by_id = {item.id: item for item in site.items}
    return {item_id: tuple(by_id[other] for other in sorted(others, key=order.__getitem__))
            for item_id, others in links.items()}


@lru_cache(maxsize=1 << 16)
def _hrefs(body_html: str) -> tuple[str, ...]:
    """The links of a body; remembered, since a process that builds again (`feeds serve`) sees the same bodies."""
    return tuple(_HREF.findall(body_html))


def _site_path(url: str, base: str) -> str:
    """The item path a URL inside the site points at ("news/x/"), or "" for anything else."""
    if not url.startswith(base):
        return ""
    path = urlsplit(url[len(base):]).path
    path = path.removesuffix("index.html")
    return path if path.endswith("/") else path + "/"
