"""iCalendar TEXT values escaped exactly as RFC 5545 section 3.3.11 says."""

from __future__ import annotations

from icalendar import vText


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
