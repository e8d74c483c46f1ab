"""sitemap.xml and robots.txt: what search engines read to find every page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from functools import lru_cache
from xml.sax.saxutils import escape

from feeds.config import SiteConfig
from feeds.model import Site
from feeds.render import OutputFile

SITEMAP_PATH = "sitemap.xml"
ROBOTS_PATH = "robots.txt"


def render_sitemap(site: Site, pages: Sequence[tuple[str, datetime | None]]) -> list[OutputFile]:
    """A sitemap of these (URL path, last modified) pages, and a robots.txt that points at it."""
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {site.config.url(SITEMAP_PATH)}\n"
    return [OutputFile(SITEMAP_PATH, _sitemap(site.config, tuple(pages))), OutputFile(ROBOTS_PATH, robots.encode())]


@lru_cache(maxsize=1)  # a process that builds again and again (`feeds serve`) mostly lists the same pages
def _sitemap(config: SiteConfig, pages: tuple[tuple[str, datetime | None], ...]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path, modified in pages:
        lastmod = f"<lastmod>{_w3c(modified)}</lastmod>" if modified else ""
        lines.append(f"<url><loc>{escape(config.url(path))}</loc>{lastmod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode()


def _w3c(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0, tzinfo=None).isoformat() + "Z"
