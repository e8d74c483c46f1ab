"""The ids and UIDs a site derives, qualified by its host and, for a site published under a path
(https://org.github.io/cyber/), by that path too, so that two newsrooms under one host never give
two items or events one id. At a domain's root (path "") each is what it always was."""

from __future__ import annotations

import uuid
from datetime import datetime

from feeds.addresses import uri_path


def tag_uri(domain: str, path: str, day: datetime, section: str, slug: str) -> str:
    """An item's id when it is given none (RFC 4151): tag:org.github.io,2018-11-12:cyber/news/slug,
    the site's path ("cyber/") opening the specific part, which may hold '/'; a slug beyond ASCII
    percent-encoded, as a tag URI must be."""
    return f"tag:{domain},{day:%Y-%m-%d}:{path}{section}/{uri_path(slug)}"


def uid_of(name: str, domain: str, path: str) -> str:
    """A calendar UID: name@org.github.io, and under a path its segments after the name, each after a
    dot (name.cyber@org.github.io). The host stays on the right, as RFC 5545 advises; the path holds
    no '/', which CalDAV servers that store an event under its UID cannot take; and a segment's own
    dots are written %2E, so that no two paths give one UID (a slug has no dot)."""
    segments = path.removesuffix("/").split("/") if path else []
    return ".".join([name, *(segment.replace(".", "%2E") for segment in segments)]) + f"@{domain}"


def feed_uuid(domain: str, path: str, folder: str) -> str:
    """A feed's own id: a UUID from its folder's address as site.toml places it (in https)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"https://{domain}/{path}{folder}").urn
