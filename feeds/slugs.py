"""Slugs, the names of item and tag pages in URLs, and those names as URIs carry them."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from slugify import slugify

# Every printable ASCII character but the space: a path made of them is published as it is, so that
# the escapes it holds already (static/my%20photo.jpg) are not escaped again.
_ASCII_KEPT = "".join(map(chr, range(0x21, 0x7F)))


def slug_of(text: str) -> str:
    """The slug of a title, file name or tag. Text in the Latin script is transliterated to ASCII
    (Zürich: zurich), as it always was; text with letters of any other script keeps them, in NFKC and
    lower case (東京: 東京, علم: علم), since transliteration gives them readings that are wrong (kanji
    read as Mandarin), the same for different words, or nothing at all (Tifinagh)."""
    if text.isascii() or all(map(_latin, filter(str.isalpha, text))):
        return slugify(text)
    return slugify(text, allow_unicode=True, algorithm="modern")  # "modern" keeps vowel signs and harakat


def _latin(letter: str) -> bool:
    """Whether a letter is Latin: named so (ß, ø, fullwidth ｆ), or an ASCII letter with marks (ª)."""
    return "LATIN" in unicodedata.name(letter, "") or unicodedata.normalize("NFKD", letter).isascii()


def uri_path(path: str) -> str:
    """A path of the site as a URI holds it: characters beyond ASCII (a slug's) percent-encoded as
    UTF-8, and everything else as it is."""
    return path if path.isascii() else quote(path, safe=_ASCII_KEPT)
