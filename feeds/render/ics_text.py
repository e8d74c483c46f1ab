"""iCalendar text: TEXT values escaped exactly as RFC 5545 section 3.3.11 says, and content lines folded."""

from __future__ import annotations

from icalendar import vText
from icalendar.cal.component import Component

_OCTETS = 74  # per physical line, as icalendar folds: under the 75 that RFC 5545 section 3.1 allows
_ESCAPES = b"\\^"  # TEXT and RFC 6868 parameter escapes, never split from the character they escape


class PlainText(vText):
    """A TEXT value from plain text: every backslash is escaped, so nothing in it reads as an escape.

    icalendar's own vText takes a literal backslash-N in the text for an escaped line break; a title
    such as 'C:\\News' would then reach calendar apps with a line break in it.
    """

    def to_ical(self) -> bytes:
        text = str(self).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n").encode(self.encoding)


def plain(text: str | None) -> PlainText | None:
    """The text as a TEXT value, or None to leave the property out."""
    return PlainText(text) if text else None


def to_ical(component: Component) -> bytes:
    """The component as icalendar writes it, byte for byte, folded by slices of bytes.

    icalendar's `to_ical` folds one character at a time in Python, which was 40% of the calendar's
    time with the long descriptions of 10,000 events; `fold` makes the same lines from the encoded
    line at once.
    """
    return b"".join(fold(line.encode()) + b"\r\n" for line in component.content_lines() if line)


def fold(line: bytes) -> bytes:
    """A UTF-8 content line folded into physical lines of at most 74 octets, each break on a character
    boundary and never straight after a backslash or caret, which would part an escape from its letter."""
    if len(line) <= _OCTETS:
        return line
    pieces, start = [], 0
    while len(line) - start > _OCTETS:
        end = start + _OCTETS
        while line[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: break before its character
            end -= 1
        if line[end - 1] in _ESCAPES and end - 1 > start:
            end -= 1
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return b"\r\n ".join(pieces)
