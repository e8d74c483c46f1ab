"""sitemap.xml and robots.txt: what search engines read to find every page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from functools import lru_cache
from xml.sax.saxutils import escape

from feeds.model import Site
from feeds.render import ROBOTS_PATH, OutputFile
from feeds.settings import SiteConfig

SITEMAP_PATH = "sitemap.xml"
SITEMAPS_FOLDER = "sitemaps/"  # where the sitemaps of an index go
# What one sitemap may hold (sitemaps.org): a site with more pages has an index of several.
SITEMAP_URLS = 50_000
SITEMAP_BYTES = 50 * 1024 * 1024

_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
_HEAD = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{_NAMESPACE}">\n'
_TAIL = "</urlset>\n"

SitemapEntry = tuple[str, datetime | None]  # a page's URL path, and when it last changed


def render_sitemap(site: Site, pages: Sequence[SitemapEntry]) -> list[OutputFile]:
    """A sitemap of these pages (an index of several, past one sitemap's limits), and a robots.txt
    that points at it (see `robots`)."""
    return [*_sitemaps(site.config, tuple(pages), SITEMAP_URLS, SITEMAP_BYTES),
            OutputFile(ROBOTS_PATH, robots(site.config).encode())]


def robots(config: SiteConfig) -> str:
    """robots.txt: every page open to crawlers, and where the sitemap is; for a staging build (see
    SiteConfig.staging), every page closed and no sitemap named, so that the copy is not crawled."""
    if config.staging:
        return "User-agent: *\nDisallow: /\n"
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.url(SITEMAP_PATH)}\n"


@lru_cache(maxsize=1)  # a process that builds again and again (`feeds serve`) mostly lists the same pages
def _sitemaps(config: SiteConfig, pages: tuple[SitemapEntry, ...], most_urls: int, most_bytes: int) -> tuple[OutputFile, ...]:
    """sitemap.xml listing the pages; past `most_urls` or `most_bytes`, an index of the sitemaps
    under sitemaps/ that list them, each within both."""
    parts: list[tuple[list[str], datetime | None]] = []  # each sitemap's lines, and its newest page
    lines: list[str] = []
    newest: datetime | None = None
    size = len(_HEAD) + len(_TAIL)
    for path, modified in pages:
        lastmod = f"<lastmod>{_w3c(modified)}</lastmod>" if modified else ""
        line = f"<url><loc>{escape(config.url(path))}</loc>{lastmod}</url>\n"
        length = len(line.encode())
        if lines and (len(lines) == most_urls or size + length > most_bytes):
            parts.append((lines, newest))
            lines, newest, size = [], None, len(_HEAD) + len(_TAIL)
        lines.append(line)
        size += length
        if modified and (newest is None or modified > newest):
            newest = modified
    parts.append((lines, newest))
    if len(parts) == 1:
        return (OutputFile(SITEMAP_PATH, _urlset(parts[0][0])),)
    files = [OutputFile(f"{SITEMAPS_FOLDER}{number}.xml", _urlset(lines)) for number, (lines, _) in enumerate(parts, 1)]
    index = [f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{_NAMESPACE}">\n']
    for file, (_, newest) in zip(files, parts):
        lastmod = f"<lastmod>{_w3c(newest)}</lastmod>" if newest else ""
        index.append(f"<sitemap><loc>{escape(config.url(file.path))}</loc>{lastmod}</sitemap>\n")
    index.append("</sitemapindex>\n")
    return (OutputFile(SITEMAP_PATH, "".join(index).encode()), *files)


def _urlset(lines: list[str]) -> bytes:
    return (_HEAD + "".join(lines) + _TAIL).encode()


def _w3c(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0, tzinfo=None).isoformat() + "Z"
