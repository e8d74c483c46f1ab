"""TOML text read into its tables, or the problem that keeps it from being read, at its line (for
site.toml and the UI words)."""

from __future__ import annotations

import re
import sys
import tomllib
from typing import Any

from feeds.errors import Problem

# A number written out over a thousand digits: tomllib reads it with int(), which refuses more than
# sys.get_int_max_str_digits() digits; one in hexadecimal it reads, but no message can write it out.
# It may be a key's value or stand in a list or an inline table, on the key's line or one below.
_LONG_NUMBER = re.compile(r"(?<![\w.+-])[+-]?(?:0x[0-9a-fA-F_]{1000,}|0o[0-7_]{1000,}|0b[01_]{1000,}|[0-9_]{1000,})(?![\w.])")
_KEY = re.compile(r"^[ \t]*([^=\s#\[][^=]*?)[ \t]*=", re.M)
_TABLE_HEADER = re.compile(r"^[ \t]*\[[ \t]*([^\]]+?)[ \t]*\]", re.M)

# A line whose value opens a quoted text (basic or literal) that it does not close: key = "text, or
# key = ["a", "text (the texts before it in a list closed)
_QUOTE_LEFT_OPEN = re.compile(r"""^\s*[^=#]+=\s*(?:\[\s*(?:(?:"(?:[^"\\]|\\.)*"|'[^']*')\s*,\s*)*)?("(?:[^"\\]|\\.)*|'[^']*)$""")


def parse_toml(shown: str, text: str, hint: str) -> dict[str, Any] | Problem:
    """The TOML's tables, or the problem that keeps it from being read, at its line: a syntax error,
    a number longer than Python holds and writes out, or nesting deeper than Python recurses."""
    for found in _LONG_NUMBER.finditer(text):
        try:
            str(int(found[0], 0))
        except ValueError:
            return Problem(shown, text.count("\n", 0, found.start()) + 1, _key_before(text, found.start()),
                           f"a number of more than {sys.get_int_max_str_digits():,} digits", "write a smaller one")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        if (line := _unclosed_quote(text, error)) is not None:
            return Problem(shown, line, "", "TOML syntax: the quote that begins the text on this line is not closed",
                           'end the text with the same quote mark on the same line, title = "..."; a text of '
                           'several lines is written between triple quotes, """..."""')
        return _given_twice(shown, text, error) or toml_syntax(shown, error, hint)
    except RecursionError:  # tomllib reads nested arrays and tables by recursing
        return Problem(shown, 0, "", "TOML syntax: nested too deeply to be read", hint)


def _unclosed_quote(text: str, error: tomllib.TOMLDecodeError) -> int | None:
    """The line of a quoted text that the line does not close, where tomllib finds one: at that line's
    end (Illegal character '\\n'), or at the end of the document (a text left open on the last line,
    or, as tomllib reads it, any text in single quotes); else None. tomllib's words name a character,
    not the quote to close."""
    message, lines = str(error), text.splitlines()
    if at_line := re.fullmatch(r"Illegal character '\\n' \(at line (\d+), column \d+\)", message):
        line = int(at_line[1])
        return line if line <= len(lines) and _QUOTE_LEFT_OPEN.match(lines[line - 1]) else None
    if re.fullmatch(r"""(Unterminated string|Expected "'") \(at end of document\)""", message):
        # The last such line: the text left open runs to the end (one above it would have ended at its line).
        return next((n for n, written in reversed(list(enumerate(lines, 1))) if _QUOTE_LEFT_OPEN.match(written)), None)
    return None


def _given_twice(shown: str, text: str, error: tomllib.TOMLDecodeError) -> Problem | None:
    """A key or a table given a second time, at that line, named and with the line of the first, as
    front matter says it; None for any other error (tomllib says "Cannot overwrite a value", or names
    the table as a Python tuple)."""
    match = re.fullmatch(r"(?:Cannot overwrite a value|Cannot declare \(.*\) twice) \(at line (\d+), column \d+\)",
                         str(error))
    if match is None:
        return None
    line = int(match[1])
    names = _names(text.splitlines()[:line])
    if len(names) < line or names[-1] is None:
        return None
    first = names.index(names[-1]) + 1
    return Problem(shown, line, names[-1][1], f"given twice (first on line {first})" if first < line else "given twice",
                   "keep one of them")


def _names(lines: list[str]) -> list[tuple[str, str] | None]:
    """What each line names: a table by its header, a key with its table's name before it, or nothing."""
    table, names = "", []
    for written in lines:
        if header := _TABLE_HEADER.match(written):
            table = header[1]
            names.append(("table", table))
        elif key := _KEY.match(written):
            names.append(("key", f"{table}.{key[1]}" if table else key[1]))
        else:
            names.append(None)
    return names


def _key_before(text: str, end: int) -> str:
    """The dotted key of the value written at `end`: the last key before it, under the last table header."""
    key = next(reversed(list(_KEY.finditer(text, 0, end))), None)
    table = next(reversed(list(_TABLE_HEADER.finditer(text, 0, end))), None)
    if key is not None and table is not None and key.start() < table.start():
        key = None  # a key of an earlier table
    return ".".join(found[1] for found in (table, key) if found is not None)


def toml_syntax(shown: str, error: tomllib.TOMLDecodeError, hint: str) -> Problem:
    """A TOML syntax error at its line: Python 3.11's tomllib gives the line only in the message."""
    match = re.search(r"\(at line (\d+), column \d+\)", str(error))
    line = int(match.group(1)) if match else 0
    message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
    return Problem(shown, line, "", f"TOML syntax: {message}", hint)
