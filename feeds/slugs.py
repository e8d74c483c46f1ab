"""Slugs, the names of item and tag pages in URLs."""

from __future__ import annotations

import re
import unicodedata

from slugify import slugify

from feeds.limits import MAX_SLUG_BYTES


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


def cut_at_word(slug: str, length: int) -> str:
    """The slug cut to at most `length` characters and MAX_SLUG_BYTES bytes (a slug in another script
    than Latin takes two to four bytes a letter), at the last hyphen before the cut if there is one:
    a prefix of whole words, since it becomes a permanent URL."""
    length = min(length, len(slug.encode()[:MAX_SLUG_BYTES].decode(errors="ignore")))
    if len(slug) <= length:
        return slug
    head = slug[: length + 1]
    return head[: head.rfind("-")] if head.rfind("-") > 0 else slug[:length]


LEADING_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}-")  # a Jekyll post's file name's: 2018-11-12-forum-joins.md


def slug_from_name(stem: str) -> str:
    """The slug a content file's name (without .md) gives, without a leading YYYY-MM-DD- date."""
    return slug_of(LEADING_DATE.sub("", stem))
