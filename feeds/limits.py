"""What input the publisher accepts: file size, nesting depth and characters every output can carry."""

from __future__ import annotations

import re
import unicodedata

MAX_FILE_BYTES = 1024 * 1024  # a long press release is tens of kilobytes
MAX_YAML_DEPTH = 16  # front matter is flat: a location mapping and a geo list are the deepest
MAX_SLUG_BYTES = 200  # a slug names a folder of the output; file systems allow 255 bytes a name
MAX_TAGS = 100  # tags of one item: each has pages and feeds, each listing the item with all its tags
MAX_HTML_DEPTH = 256  # nested blocks in an item's body; HTML sanitising costs grow with depth squared

# Unicode's 66 noncharacters: U+FDD0 to U+FDEF, and the last two code points of each of the 17 planes.
NONCHARACTERS = "".join(chr(code) for code in [*range(0xFDD0, 0xFDF0),
                                               *(plane << 16 | last for plane in range(17) for last in (0xFFFE, 0xFFFF))])
# Control characters (all of Unicode's Cc but tab, LF and CR), which XML 1.0 and iCalendar cannot carry,
# and the noncharacters, each an error to HTML's parser (U+FFFE and U+FFFF to XML's too): refused
# rather than silently dropped. Any character beyond the first plane is a candidate, checked on its own
# (an emoji is not one): a class naming the 32 noncharacters there made every search ten times slower.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\U00010000-\U0010ffff]")
# The bytes that begin none of those characters in UTF-8: all but the control bytes and the lead bytes
# of U+0080-U+00BF (\xc2: C1 controls), of U+F000-U+FFFF (\xef: U+FDD0-U+FDEF, U+FFFE, U+FFFF) and of
# the planes beyond the first. A text whose bytes are all of these needs no search: most are.
_HARMLESS_BYTES = bytes(set(range(256)) - {*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xC2, *range(0xEF, 0xF5)})
_WHITESPACE_RUN = re.compile(r"[ \t\n\r]+")

# Elements whose end tag HTML lets a writer leave out; not counted, so sloppy pasted HTML passes.
_OPTIONAL_END = frozenset("p li dt dd tr td th thead tbody tfoot option optgroup colgroup caption rt rp".split())
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")


class TooDeep(ValueError):
    """HTML nested deeper than MAX_HTML_DEPTH."""


REFUSED_HINT = "remove it; feeds, pages and calendars cannot carry it"


def refused_character(text: str) -> int | None:
    """The index of the first character no output can carry, or None."""
    if not text.encode("utf-8", "surrogatepass").translate(None, _HARMLESS_BYTES):
        return None
    found = _REFUSED.search(text)
    while found and found[0] > "\uffff" and found[0] not in NONCHARACTERS:
        found = _REFUSED.search(text, found.end())
    return found.start() if found else None


def refused_kind(character: str) -> str:
    """What a refused character is, in its error: a "control character" or a "noncharacter"."""
    return "control character" if unicodedata.category(character) == "Cc" else "noncharacter"


def refused_problem(text: str) -> str | None:
    """What is wrong with a text holding a character no output can carry ("contains the control
    character U+0007"), or None; REFUSED_HINT says what to do."""
    bad = refused_character(text)
    return None if bad is None else f"contains the {refused_kind(text[bad])} U+{ord(text[bad]):04X}"


def describe_character(text: str, index: int) -> str:
    """'U+0001 at line 3, column 7' for a character of a multi-line text."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"U+{ord(text[index]):04X} at line {line}, column {column}"


def one_line(text: str) -> str:
    """A text field as published: runs of spaces, tabs and line breaks become one space; ends trimmed;
    directions it opens, closed (see directions_closed)."""
    return directions_closed(_WHITESPACE_RUN.sub(" ", text).strip())


# Unicode's explicit directional formatting: embeddings and overrides (LRE, RLE, LRO, RLO) that PDF
# closes, and isolates (LRI, RLI, FSI) that PDI closes.
_DIRECTIONAL = re.compile("[\u202a-\u202e\u2066-\u2069]")
_PDF, _PDI = "\u202c", "\u2069"


_UNSEEN = {"Zs", "Zl", "Zp", "Cc", "Cf"}  # Unicode's separators, controls and format characters


def shows_nothing(text: str) -> bool:
    """True when no character of the text is seen: it is empty, or holds only spaces and characters
    that format others (a zero-width space, joiner or mark of direction, a soft hyphen)."""
    return all(unicodedata.category(character) in _UNSEEN for character in text)


def directions_closed(text: str) -> str:
    """The text with every direction it opens and leaves open closed at its end, as the end of a
    paragraph closes them on a page. A title is also shown beside other text, in a window's title bar
    (before the site's name), a feed reader's list or a calendar: a right-to-left override (U+202E)
    left open there would reverse that text too."""
    if not _DIRECTIONAL.search(text):
        return text
    still_open: list[str] = []  # the closer of each direction opened, the innermost last
    for mark in _DIRECTIONAL.findall(text):
        if mark == _PDF:
            if still_open and still_open[-1] == _PDF:
                still_open.pop()
        elif mark == _PDI:
            if _PDI in still_open:  # closes its isolate, and what was opened inside it
                while still_open.pop() != _PDI:
                    pass
        else:
            still_open.append(_PDI if mark >= "\u2066" else _PDF)
    return text + "".join(reversed(still_open))


def html_depth(fragment: str) -> int:
    """How deeply the elements of an HTML fragment nest (end tags a writer may omit are not counted)."""
    stack: list[str] = []
    open_count: dict[str, int] = {}
    deepest = 0
    for closing, name, self_closing in _TAG.findall(fragment):
        name = name.lower()
        if name in _OPTIONAL_END or name in _VOID or self_closing:
            continue
        if not closing:
            stack.append(name)
            open_count[name] = open_count.get(name, 0) + 1
            deepest = max(deepest, len(stack))
        elif open_count.get(name):
            while stack:  # each element is pushed once and popped once: linear overall
                popped = stack.pop()
                open_count[popped] -= 1
                if popped == name:
                    break
    return deepest


def check_depth(fragment: str) -> None:
    """Raise TooDeep when a fragment nests deeper than the sanitiser handles quickly.

    Every level opens with a '<', so a fragment with no more of them than the limit cannot go past
    it: counting them (in C) spares almost every body the tag scan.
    """
    if fragment.count("<") <= MAX_HTML_DEPTH:
        return
    depth = html_depth(fragment)
    if depth > MAX_HTML_DEPTH:
        raise TooDeep(f"the body nests {depth} levels deep; the limit is {MAX_HTML_DEPTH}")
