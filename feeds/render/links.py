"""Absolute URLs inside item HTML, for feeds and calendars read away from the site."""

from __future__ import annotations

import re
from urllib.parse import urljoin

# The sanitiser writes every attribute double-quoted, so these patterns see canonical HTML.
_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)(")')


def absolutize(fragment: str, page_url: str) -> str:
    """Rewrite every href, src and srcset in sanitised HTML against the item's page URL.

    Most bodies have no srcset: looking for the word first spares them a regex pass as slow as the
    one for href and src (feeds and calendar both absolutize every body).
    """
    fragment = _URL_ATTRIBUTE.sub(lambda m: m[1] + urljoin(page_url, m[2]) + m[3], fragment)
    if "srcset=" not in fragment:
        return fragment
    return _SRCSET.sub(lambda m: m[1] + _srcset(m[2], page_url) + m[3], fragment)


def _srcset(value: str, page_url: str) -> str:
    candidates = []
    for candidate in value.split(","):
        url, _, descriptor = candidate.strip().partition(" ")
        candidates.append(" ".join(filter(None, (urljoin(page_url, url), descriptor.strip()))))
    return ", ".join(candidates)
