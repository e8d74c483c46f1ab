"""Read content files: each parsed once into front matter (with the line of every key) and body."""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from feeds.errors import (
    Problem,
    display_path,
    name_problem,
    not_utf8,
    readable_name,
    unreadable,
)
from feeds.limits import (
    MAX_FILE_BYTES,
    MAX_YAML_DEPTH,
    REFUSED_HINT,
    describe_character,
    refused_character,
    refused_kind,
)
from feeds.listing import KINDS, leads_outside

try:  # PyYAML's C loader where libyaml is installed: same safe semantics, much faster.
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on the platform's wheel
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_INT = "tag:yaml.org,2002:int"
_read_int = yaml.constructor.SafeConstructor().construct_yaml_int  # an int node's value, as the loader reads it
_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq")}


class _Loader(_SafeLoader):  # type: ignore[misc,valid-type]
    """Safe YAML with dates left as text: validation parses them and can point at a bad one."""

    yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP]
        for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
    }


_LAYOUT = "start it with a --- line, the front matter, a --- line, then the body"


@dataclass(frozen=True)
class Source:
    """One content file after parsing: raw front matter, where each key sits, and the body."""

    path: str  # as shown to the user, relative to the site directory
    kind: str  # "news" or "event"
    stem: str  # file name without its extension
    meta: dict[str, Any]
    lines: dict[str, int] = field(repr=False)  # dotted key -> line in the file
    body: str = field(repr=False)
    body_line: int = 1
    front_lines: tuple[str, ...] = field(default=(), repr=False)  # the front matter as written, from line 2

    def raw_line(self, line: int) -> str:
        """A line of the front matter as written (line 2 is its first)."""
        index = line - 2
        return self.front_lines[index] if 0 <= index < len(self.front_lines) else ""

    def line(self, key: str) -> int:
        """The line of a key, or of the nearest enclosing key, or of the front matter's start."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0]
        return 1


def read_source(path: Path, site_dir: Path, data: bytes | None = None, linked: bool = True) -> Source | Problem:
    """Parse one file (its bytes when already read), or say in one located problem why it cannot be read.

    `linked` says whether the file is reached through a symbolic link (see feeds.listing); only then can
    it lead outside the site, and only then is its path resolved. Not knowing, a caller leaves it True.
    """
    shown = display_path(path, site_dir)
    if (wrong := name_problem(shown)) is not None:  # a name no URL, nor a line of the report, can carry
        return Problem(readable_name(shown), 1, "", wrong, "rename it; its slug, its page's URL, is made from it")
    kind = KINDS[path.relative_to(site_dir / "content").parts[0]]
    if linked and leads_outside(path, site_dir):
        return Problem(shown, 1, "", "is a link (or inside a linked folder) leading outside the site directory",
                       "copy the file into content/ instead of linking to it")
    try:
        size = len(data) if data is not None else path.stat().st_size
        if size > MAX_FILE_BYTES:
            return Problem(shown, 1, "", f"too large: {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                           "split it, or move large media out of the Markdown")
        data = path.read_bytes() if data is None else data
    except OSError as error:  # not ours to read, as a file saved by another user with no read permission
        return unreadable(shown, error, line=1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return not_utf8(shown, data, error)
    text = lines_ended(text)
    if not text.strip():
        return Problem(shown, 1, "", "the file is empty", _LAYOUT)
    bad = refused_character(text)
    if bad is not None:
        where = describe_character(text, bad)
        return Problem(shown, text.count("\n", 0, bad) + 1, "", f"{refused_kind(text[bad])} {where}", REFUSED_HINT)
    lines = text.split("\n")
    if lines[0].strip() == "+++":
        return Problem(shown, 1, "", "the front matter is TOML, between '+++' lines as Hugo writes it; feeds reads "
                       "YAML between '---' lines", "write it as YAML between '---' lines: title = \"Paris Call\" "
                       "becomes title: Paris Call, and tags = [\"a\", \"b\"] becomes tags: [a, b]")
    if lines[0].strip() != "---":
        return Problem(shown, 1, "", "no front matter: the file must start with a line '---'", _LAYOUT)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return Problem(shown, 1, "", "the front matter is not closed by a line '---'",
                       "end the front matter with a line '---' before the body")
    front = "\n".join(lines[1:end])
    try:
        meta, key_lines = _parse_front_matter(front, first_line=2)
    except FrontMatterError as error:
        return Problem(shown, error.line, error.field, error.message, error.hint)
    except yaml.MarkedYAMLError as error:
        return _syntax_problem(shown, error, front, lines)
    except yaml.YAMLError as error:
        return Problem(shown, 1, "", f"YAML: {error}", "plain values only: no !tags")
    if not isinstance(meta, dict):
        return Problem(shown, 2, "", "the front matter must be a mapping of keys to values",
                       "write one 'key: value' per line")
    if not meta:
        return Problem(shown, 1, "", "the front matter is empty",
                       "give at least a title, and a date (news) or a start (events)")
    body = "\n".join(lines[end + 1 :])
    return Source(shown, kind, unicodedata.normalize("NFC", path.stem), meta, key_lines, body, end + 2,
                  tuple(lines[1:end]))


# A quote or bracket left open, which YAML finds lines later (at the next key, or where the front matter
# ends): its context, the words of the problem found then, and what to say at the line where it opens.
_LEFT_OPEN = {
    "while scanning a quoted scalar": ("end of stream", "the quote that begins the value on this line is not closed",
                                       "end the value with the same quote mark"),
    "while parsing a flow sequence": ("expected ','", "the '[' on this line is not closed", "end the list with ']'"),
    "while parsing a flow mapping": ("expected ','", "the '{' on this line is not closed", "end the mapping with '}'"),
}


def lines_ended(text: str) -> str:
    """The text with each line ended by \\n, as Windows' \\r\\n and old Macs' \\r end them too."""
    if "\r" not in text:  # one character, found by memchr: several times faster than the two of "\r\n"
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _syntax_problem(shown: str, error: yaml.MarkedYAMLError, front: str, lines: list[str]) -> Problem:
    """A YAML syntax error, at the line of the file to change (`lines`, the file's; `front`, the front matter)."""
    file_line = _file_lines(front)
    problem, context = error.problem_mark, error.context_mark
    if error.context in _LEFT_OPEN and problem is not None and context is not None and context.line < problem.line:
        found, message, hint = _LEFT_OPEN[error.context]
        if found in (error.problem or ""):
            return Problem(shown, file_line(context.line) + 2, "", f"YAML syntax: {message}", hint)
    mark = problem or context
    if error.context == "while scanning a simple key":  # a key without its colon, found out lines later
        mark = context or mark  # the line of the key is where the colon is missing
    line = file_line(mark.line) + 2 if mark else 1
    colon = _KEY_AND_TEXT.match(lines[line - 1]) if "mapping values are not allowed" in (error.problem or "") else None
    if colon and mark and mark.column > colon.start("text"):  # title: Report: cyber resilience
        quoted = colon["text"].replace("\\", "\\\\").replace('"', '\\"')  # as YAML reads a double-quoted text
        return Problem(shown, line, colon["key"], "holds ': ', which YAML takes for the start of another key",
                       f"quote the value: {colon['key']}: \"{quoted}\"")
    if (dashed := _DASHED_LINE.match(lines[line - 1])) and "expected ':'" in (error.problem or ""):  # tags:⏎-Cyber
        return Problem(shown, line, "", "YAML syntax: a list's line needs a space after its '-'",
                       f"write - {dashed['item']}")
    if "invalid Unicode character escape" in (error.problem or ""):  # "\ud83d\ude80", 🚀 as JSON escapes it
        return Problem(shown, line, "", "YAML syntax: a \\u escape that is no character (\\ud800 to \\udfff are "
                       "halves of the pairs JSON writes emoji as, which YAML does not join)",
                       "write the character itself, or its code point in one escape: \\U0001F680 for \\ud83d\\ude80")
    if _indented_by_tab(lines[line - 1]):  # libyaml's message does not name the tab
        return Problem(shown, line, "", "YAML syntax: a tab indents this line; YAML indents with spaces only",
                       "replace the tab with spaces")
    return Problem(shown, line, "", f"YAML syntax: {error.problem or error}",
                   "check the colons, quotes and brackets on this line; quote text that has ': ' or '#'")


# A line that begins like a list's item but has no space after its '-' (-Cyber), which YAML reads as a key.
_DASHED_LINE = re.compile(r"\s*-(?P<item>[^\s-].*?)\s*$")
# A line 'key: text' whose text is neither quoted nor a list or mapping written in brackets.
_KEY_AND_TEXT = re.compile(r"\s*(?P<key>[\w-]+):[ \t]+(?P<text>[^\s\"'\[{].*?)\s*$")


def _indented_by_tab(line: str) -> bool:
    """Whether a tab is among the white space that begins this line, as an editor's Tab key puts it."""
    return "\t" in line[: len(line) - len(line.lstrip(" \t"))]


class FrontMatterError(ValueError):
    """Front matter that parses as YAML but is refused: tags, aliases, repeated keys, deep nesting."""

    def __init__(self, line: int, field: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.field, self.message, self.hint = line, field, message, hint


def _parse_front_matter(text: str, first_line: int) -> tuple[Any, dict[str, int]]:
    """Parse YAML once, keeping the line of every mapping key (dotted for nested keys)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        key_lines: dict[str, int] = {}
        file_line = _file_lines(text)
        _check_nodes(node, "", lambda mark: file_line(mark.line) + first_line, key_lines, set(), 0)
        return loader.construct_document(node), key_lines
    finally:
        loader.dispose()


def list_items(source: Source, key: str) -> list[tuple[int, yaml.Node]]:
    """The items of the list a key of the front matter holds, each with its line in the file, as the
    loader composes them (asked for only to report a problem with one); [] when the key holds none."""
    text = "\n".join(source.front_lines)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    file_line = _file_lines(text)
    for key_node, value_node in node.value if isinstance(node, yaml.MappingNode) else ():
        if key_node.value == key and isinstance(value_node, yaml.SequenceNode):
            return [(file_line(item.start_mark.line) + 2, item) for item in value_node.value]  # from line 2
    return []


_YAML_ONLY_BREAKS = re.compile("[\u2028\u2029]")  # line breaks to YAML, shown within a line by editors


def _file_lines(text: str) -> Callable[[int], int]:
    """The line of the file (from 0) that holds each of YAML's lines of `text`: YAML also breaks lines
    at U+2028 and U+2029, which would shift every line reported after one."""
    if not _YAML_ONLY_BREAKS.search(text):
        return lambda line: line  # as is the rule: YAML's lines are the file's
    breaks = [match.start() for match in re.finditer("[\n\u2028\u2029]", text)]
    return lambda line: text.count("\n", 0, breaks[line - 1] + 1) if line else 0


def _check_nodes(node: yaml.Node, prefix: str, at: Callable[[yaml.Mark], int], out: dict[str, int], seen: set[int],
                 depth: int) -> None:
    """Record each key's line; refuse what would surprise: object tags, aliases, repeated keys, depth."""
    line = at(node.start_mark)
    field = prefix.rstrip(".")
    seen.add(id(node))
    if depth > MAX_YAML_DEPTH:
        raise FrontMatterError(line, field, f"nested more than {MAX_YAML_DEPTH} levels deep",
                               "front matter is flat: one 'key: value' per line")
    if node.tag not in _PLAIN_TAGS:
        raise FrontMatterError(line, field, f"the YAML tag {node.tag!r} is not allowed",
                               "plain values only: remove the !tag, and quote the value if it is text")
    if node.tag == _INT and not _readable_number(node):
        raise FrontMatterError(line, field, f"a number of more than {sys.get_int_max_str_digits():,} digits",
                               "quote it: it is read as text then")
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise FrontMatterError(at(key_node.start_mark), field, "YAML merge keys (<<) are not "
                                       "supported", "write each key out in full")
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                written = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
                raise FrontMatterError(at(key_node.start_mark), written, "a key must be a word",
                                       "write one 'key: value' per line; YAML reads null, yes and numbers as no words")
            key = f"{prefix}{key_node.value}"
            key_line = at(key_node.start_mark)
            if key in out:
                raise FrontMatterError(key_line, key, f"given twice (first on line {out[key]})", "keep one of them")
            out[key] = key_line
            _check_child(value_node, key, key_line, at, out, seen, depth)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_child(item, field, line, at, out, seen, depth)


def _readable_number(node: yaml.ScalarNode) -> bool:
    """Whether Python holds and shows the int the node is: it refuses one of more than
    sys.get_int_max_str_digits() digits, which 5,000 nines or 0x and 4,000 f's would be."""
    try:
        str(_read_int(node))
    except ValueError:
        return False
    return True


def _check_child(node: yaml.Node, field: str, line: int, at: Callable[[yaml.Mark], int], out: dict[str, int], seen: set[int],
                 depth: int) -> None:
    """Check a value; a node met before is an alias, which would share (and could multiply) data."""
    if id(node) in seen:
        raise FrontMatterError(line, field, "YAML aliases (*name) are not supported", "write the value out in full")
    _check_nodes(node, f"{field}." if field else "", at, out, seen, depth + 1)
