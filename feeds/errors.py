"""Problems found in a site's input, and the exception that carries them."""

from __future__ import annotations

import codecs
import difflib
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

# What a problem's line never holds as it is: line breaks, and the other control characters, which a
# terminal takes for commands (ESC [2J clears the screen). A name or a link's path may give them.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    # A warning in a draft the build leaves out: shown, but no reason for --strict to stop the news
    # that is ready (a colleague's placeholder body, say).
    DRAFT_WARNING = "warning in a draft"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located at `path:line`."""

    path: str
    line: int
    field: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if not self.is_error:
            where += f": {self.severity.value}"
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        text = f"{text} (hint: {self.hint})" if self.hint else text
        return _CONTROL.sub(_written_out, text)  # one line, whatever a name or value holds

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def fails_strict(self) -> bool:
        """Whether --strict stops on it: an error or a warning, not one in a draft left out."""
        return self.severity is not Severity.DRAFT_WARNING


def how_many(number: int, noun: str) -> str:
    """A number of things, as the reports say it: "1 draft", "2 drafts"."""
    return f"{number} {noun}{'s' * (number != 1)}"


def _written_out(character: re.Match[str]) -> str:
    """A control character as Python writes it in a string: \\n, \\x1b."""
    return character[0].encode("unicode_escape").decode("ascii")


class SiteError(Exception):
    """The input has errors; nothing was written. Carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def closest(word: str, known: set[str] | frozenset[str], listing: str) -> str:
    """A hint for an unknown key: the known one it was most likely meant to be, else the known ones."""
    close = closest_known(word, known)
    return f"did you mean {close!r}?" if close else f"{listing}: " + ", ".join(sorted(known))


def closest_known(word: str, known: set[str] | frozenset[str]) -> str | None:
    """The known word this one was most likely meant to be, if any is close."""
    close = difflib.get_close_matches(word, sorted(known), n=1)
    return close[0] if close else None


def not_utf8(shown: str, data: bytes, error: UnicodeDecodeError, *, after_mark: bool = True) -> Problem:
    """Where a file's bytes, decoded as UTF-8 after any byte order mark (or, with `after_mark` false,
    from the first byte), are not UTF-8: the byte, its offset in the file and its line."""
    # The decoder counts from after the byte order mark, which the file holds all the same.
    at = error.start + (len(codecs.BOM_UTF8) if after_mark and data.startswith(codecs.BOM_UTF8) else 0)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # as Windows' Notepad saves "Unicode"
        return Problem(shown, 1, "", "not UTF-8: the file is UTF-16, as its first two bytes say",
                       "save the file as UTF-8 (in Notepad: Save as, Encoding: UTF-8)")
    before = data[:at]  # its lines end as files end them: LF, CRLF, or CR alone (an old Mac's, as its MacRoman)
    line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
    return Problem(shown, line, "", f"not UTF-8: byte 0x{data[at]:02x} at offset {at}", "save the file as UTF-8")


def unreadable(shown: str, error: OSError, line: int = 0) -> Problem:
    """A file that is there but cannot be read, as one saved by another user without read permission."""
    return Problem(shown, line, "", f"cannot be read: {error.strerror}",
                   "let the user who builds the site read it: chmod a+r, or change its owner")


def unreadable_folder(shown: str, held: str) -> Problem:
    """A folder that is there but cannot be read (listed), as one made by another user without
    permission: what it holds (`held`: "the items", "the files") would be left out unsaid."""
    return Problem(shown, 0, "", f"cannot be read: Permission denied; {held} in it would be left out",
                   "let the user who builds the site read it: chmod a+rx, or change its owner")


def readable_name(name: str) -> str:
    """A file's name as text: the bytes of a name that is not UTF-8, which Python holds as surrogates
    (os.fsdecode), written out as \\xe8."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def name_problem(name: str) -> str | None:
    """What is wrong with the name of a file the site publishes, which makes its URL, or None: bytes
    that are not UTF-8, or a control character (a line break, or an escape a terminal obeys)."""
    if readable_name(name) != name:
        return "the file's name is not UTF-8"
    if _CONTROL.search(name) or "\t" in name:
        return "the file's name holds a control character"
    return None


def published_file_problem(shown: str, name: str, path: Path, folder: Path, outside: str, into: str,
                           linked: bool = True) -> Problem | None:
    """What is wrong with a file published as it is (at `name` in the output, from `path` under
    `folder`; `shown` in the report), or None: a name no URL can carry, or a link leading outside the
    folder (`outside`, as the user knows it), whose files alone are inputs: the hint says to copy the
    file `into` its place. Only a file reached through a link (`linked`) can lead outside."""
    if (wrong := name_problem(name)) is not None:  # its name is its URL, and a line of _headers
        return Problem(shown, 0, "", wrong, "rename it: its name is its URL")
    if "\\" in name:  # a URL's \ is a / to browsers, and Windows' separator
        return Problem(shown, 0, "", "the file's name holds a backslash, which browsers read as a folder's /",
                       "rename it: its name is its URL")
    if linked and not path.resolve().is_relative_to(folder.resolve()):
        return Problem(shown, 0, "", f"is a link leading outside {outside}",
                       f"copy the file into {into} instead of linking to it")
    return None


def display_path(path: Path, root: Path) -> str:
    """The path as the user knows it: relative to the site directory, with forward slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
