"""The Content-Type of every output file, shared by `feeds serve` and the hosting files."""

from __future__ import annotations

import functools
import mimetypes
import posixpath
from pathlib import PurePosixPath

# By file name first: both feeds end in .xml, and a JSON Feed is not plain JSON.
BY_NAME = {
    "atom.xml": "application/atom+xml",
    "rss.xml": "application/rss+xml",
    "feed.json": "application/feed+json",
}
BY_SUFFIX = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".ics": "text/calendar",
    ".xml": "application/xml",
    ".json": "application/json",
    ".txt": "text/plain",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/vnd.microsoft.icon",
}
_TEXT = {"application/atom+xml", "application/rss+xml", "application/feed+json", "application/xml",
         "application/json", "text/javascript", "image/svg+xml"}
# What static hosts and web servers already get right by extension.
HOSTS_KNOW = {".html", ".css", ".js", ".svg", ".png", ".jpg", ".jpeg", ".webp", ".ico"}
# What is declared: the feeds (by name) and these, which hosts type wrong or without a charset. A type
# found elsewhere (mimetypes: a site's PDFs, GIFs, fonts) is left to the host, which knows it too: a
# rule for each such file took `_headers` past Cloudflare's 100 rules.
DECLARED = set(BY_SUFFIX) - HOSTS_KNOW


# Python's own table of types, not the system's (/etc/mime.types, which slim containers lack and
# other machines extend): the same file gets the same type on every machine, the site the same bytes.
_PYTHONS = mimetypes.MimeTypes(filenames=())
UNKNOWN = "application/octet-stream"


def media_type(path: str) -> str:
    """The bare media type, e.g. application/atom+xml; UNKNOWN when the name does not tell."""
    name = PurePosixPath(path).name
    suffix = PurePosixPath(name).suffix.lower()
    return BY_NAME.get(name) or BY_SUFFIX.get(suffix) or _PYTHONS.guess_type(name)[0] or UNKNOWN


def content_type(path: str) -> str:
    """The Content-Type header for a file: the media type, with charset=utf-8 for text."""
    kind = media_type(path)
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind in _TEXT else kind


def hosts_guess(path: str) -> bool:
    """True when common hosts serve the file with the right type without being told."""
    return _hosts_guess_name(path.rpartition("/")[2])


@functools.lru_cache(maxsize=256)
def _hosts_guess_name(name: str) -> bool:  # most of a site's files share a few names (index.html)
    return name not in BY_NAME and posixpath.splitext(name)[1].lower() not in DECLARED
