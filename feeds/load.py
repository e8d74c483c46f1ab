"""Read content files: each parsed once into front matter (with the line of every key) and body."""

from __future__ import annotations

import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from feeds.errors import Problem, Severity, closest_known, display_path, not_utf8
from feeds.limits import (
    MAX_FILE_BYTES,
    MAX_YAML_DEPTH,
    REFUSED_HINT,
    describe_character,
    refused_character,
)

try:  # PyYAML's C loader where libyaml is installed: same safe semantics, much faster.
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on the platform's wheel
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq")}


class _Loader(_SafeLoader):  # type: ignore[misc,valid-type]
    """Safe YAML with dates left as text: validation parses them and can point at a bad one."""

    yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP]
        for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
    }

KINDS = {"news": "news", "events": "event"}  # content folder -> item kind
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


def source_files(site_dir: Path) -> list[tuple[str, bool]]:
    """Every content file's path relative to the site directory, in a stable order (by folder, then as
    the parts of the path sort), each with whether it is reached through a symbolic link.

    Linked folders are followed, each real folder once. Only a file that is a link, or lies in a folder
    whose real path is not where its name says, can lead outside the site: read_source resolves the
    path of those alone, and every other file costs no more than the walk that found it.
    """
    return _content_walk(site_dir)[0]


def _content_walk(site_dir: Path) -> tuple[list[tuple[str, bool]], list[str]]:
    """The content files (see source_files), and the other files under content/, which are not
    published (see stray_problems): found on the same walk, and not read."""
    site_real = os.path.realpath(site_dir)
    found: list[tuple[str, bool]] = []
    strays: list[str] = []
    for folder in KINDS:
        top = f"content/{folder}/"
        names: list[tuple[str, bool]] = []
        pending = [""]
        visited: set[str] = set()
        while pending:
            prefix = pending.pop()
            directory = os.path.join(site_dir, top + prefix)
            real = os.path.realpath(directory)
            if real in visited:  # a link back to a folder already walked
                continue
            visited.add(real)
            try:
                entries = list(os.scandir(directory))
            except (FileNotFoundError, NotADirectoryError):
                continue
            linked_folder = real != os.path.normpath(os.path.join(site_real, top + prefix))
            for entry in entries:
                try:
                    if entry.is_dir():
                        if not _litter(entry.name):  # a hidden folder (.git, .obsidian) holds no content
                            pending.append(prefix + entry.name + "/")
                    elif entry.name.endswith(".md") and entry.is_file():
                        names.append((prefix + entry.name, linked_folder or entry.is_symlink()))
                    elif not _litter(entry.name) and entry.is_file():
                        strays.append(top + prefix + entry.name)
                except OSError:  # a link in a loop leads nowhere, as a dangling one does
                    continue
        found += [(top + name, linked) for name, linked in sorted(names, key=lambda named: named[0].split("/"))]
    strays += _outside_kinds(site_dir)
    return found, sorted(strays, key=lambda name: name.split("/"))


def _outside_kinds(site_dir: Path) -> list[str]:
    """The files under content/ but not in the folders of a kind (news/, events/, and whatever leads
    to the same folder, as News/ does where names ignore case): no build reads them."""
    content = os.path.join(site_dir, "content")
    visited = {_identity(os.path.join(content, folder)) for folder in KINDS} - {None}  # walked by _content_walk
    strays: list[str] = []
    pending = [""]
    while pending:
        prefix = pending.pop()
        directory = os.path.join(content, prefix)
        identity = _identity(directory)
        if identity is None or identity in visited:  # gone, a folder of a kind, or a link back to one walked
            continue
        visited.add(identity)
        try:
            entries = list(os.scandir(directory))
        except OSError:  # no folder
            continue
        for entry in entries:
            try:
                if _litter(entry.name):
                    continue
                if entry.is_dir():
                    pending.append(prefix + entry.name + "/")
                elif entry.is_file():
                    strays.append(f"content/{prefix}{entry.name}")
            except OSError:
                continue
    return strays


def _identity(path: str) -> tuple[int, int] | None:
    """What tells one folder from another, whatever name or link leads to it: its device and inode."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


FILE_MANAGER_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})  # left in any folder by macOS and Windows


def _litter(name: str) -> bool:
    """A file no one means as content: hidden (.DS_Store, .gitkeep, an editor's swap file), an editor's
    backup (x.md~, #x.md#), or Windows' thumbnails and folder settings."""
    return name.startswith((".", "#")) or name.endswith("~") or name in FILE_MANAGER_LITTER


# Names of text files meant as items, it seems: x.MD, x.markdown and x.txt are to be named x.md.
_MARKDOWN = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".txt"})


def stray_problems(strays: Iterable[str]) -> list[Problem]:
    """A warning for each file under content/ that is not published (see Listing.strays)."""
    return [_stray_problem(path) for path in strays]


def _stray_problem(path: str) -> Problem:
    """Why a file under content/ is not published: it is not named *.md, or not in a folder of a kind."""
    parts = path.split("/")
    if len(parts) > 2 and parts[1] in KINDS:
        stem, dot, extension = parts[-1].rpartition(".")
        named = f"{stem if dot else extension}.md"
        hint = f"rename it {named}" if f".{extension.lower()}" in _MARKDOWN else (
            f"rename it {named} if it is an item; the site's other files go in templates/static/")
        return Problem(path, 0, "", "is not named *.md, so it is not published", hint, Severity.WARNING)
    folder = closest_known(parts[1].lower(), set(KINDS)) if len(parts) > 2 else None
    hint = f"move it into content/{folder}/" if folder else "move it into content/news/ or content/events/"
    return Problem(path, 0, "", "is not in content/news/ or content/events/, so it is not published", hint,
                   Severity.WARNING)


@dataclass(frozen=True)
class Listing:
    """Every content file as found at one moment (see source_files), with its status."""

    taken: int  # ns since the epoch, before the first file was looked at
    files: tuple[tuple[str, bool, os.stat_result], ...]  # path relative to the site, whether linked, status
    strays: tuple[str, ...] = ()  # the other files under content/, which no build reads: misplaced or misnamed

    @cached_property
    def stamps(self) -> tuple[tuple[str, tuple[int, int, int, int]], ...]:
        """What tells one listing's files from another's: path, size, times and inode."""
        return tuple((name, source_stamp(st)) for name, _, st in self.files)

    @cached_property
    def linked(self) -> bool:
        """True when some file is reached through a symbolic link (see source_files)."""
        return any(linked for _, linked, _ in self.files)

    def restated(self, site_dir: Path, paths: Iterable[str]) -> Listing | None:
        """This listing with the status of the files at these paths (absolute, or relative to the
        working directory) taken again, where they are content files it lists; itself when none of
        them changed. None when one is a content file it does not list, or one of them is gone:
        only a new look tells what there is."""
        content = os.path.join(os.path.abspath(site_dir), "content") + os.sep
        changed = {}
        for path in paths:
            path = os.path.abspath(path)
            if path.startswith(content) and path.endswith(".md"):
                changed[os.path.relpath(path, site_dir).replace(os.sep, "/")] = path
        if not changed:
            return self
        files, differs = list(self.files), False
        for n, (name, linked, old) in enumerate(files):
            path = changed.pop(name, None)
            if path is not None:
                try:
                    new = os.stat(path)
                except FileNotFoundError:
                    return None
                differs |= source_stamp(new) != source_stamp(old)
                files[n] = (name, linked, new)
        if changed:
            return None
        return Listing(self.taken, tuple(files), self.strays) if differs else self


def source_stamp(status: os.stat_result) -> tuple[int, int, int, int]:
    """What tells a content file's state: size, modification and change times, inode."""
    return status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino


def list_sources(site_dir: Path) -> Listing:
    """Every content file and its status now, and the files under content/ that are not published; a
    file removed while looking is left out."""
    taken = time.time_ns()
    files = []
    names, strays = _content_walk(site_dir)
    for name, linked in names:
        try:
            files.append((name, linked, os.stat(os.path.join(site_dir, name))))
        except OSError:  # removed while looking, or a link that became a loop
            continue
    return Listing(taken, tuple(files), tuple(strays))


def read_source(path: Path, site_dir: Path, data: bytes | None = None, linked: bool = True) -> Source | Problem:
    """Parse one file (its bytes when already read), or say in one located problem why it cannot be read.

    `linked` says whether the file is reached through a symbolic link (see source_files); only then can
    it lead outside the site, and only then is its path resolved. Not knowing, a caller leaves it True.
    """
    shown = display_path(path, site_dir)
    kind = KINDS[path.relative_to(site_dir / "content").parts[0]]
    if linked and not path.resolve().is_relative_to(site_dir.resolve()):
        return Problem(shown, 1, "", "is a link (or inside a linked folder) leading outside the site directory",
                       "copy the file into content/ instead of linking to it")
    size = len(data) if data is not None else path.stat().st_size
    if size > MAX_FILE_BYTES:
        return Problem(shown, 1, "", f"too large: {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                       "split it, or move large media out of the Markdown")
    data = path.read_bytes() if data is None else data
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return not_utf8(shown, data, error)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return Problem(shown, 1, "", "the file is empty", _LAYOUT)
    bad = refused_character(text)
    if bad is not None:
        where = describe_character(text, bad)
        return Problem(shown, text.count("\n", 0, bad) + 1, "", f"control character {where}", REFUSED_HINT)
    lines = text.split("\n")
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
        mark = error.problem_mark or error.context_mark
        if error.context == "while scanning a simple key":  # a key without its colon, found out lines later
            mark = error.context_mark or mark  # the line of the key is where the colon is missing
        line = _file_lines(front)(mark.line) + 2 if mark else 1
        return Problem(shown, line, "", f"YAML syntax: {error.problem or error}",
                       "check the colons, quotes and brackets on this line; quote text that has ': ' or '#'")
    except yaml.YAMLError as error:
        return Problem(shown, 1, "", f"YAML: {error}", "plain values only: no !tags")
    except ValueError as error:  # a value YAML reads but Python will not hold, as a number of 5,000 digits
        return Problem(shown, 1, "", f"YAML: {error}", "quote the value: it is read as text then")
    if not isinstance(meta, dict):
        return Problem(shown, 2, "", "the front matter must be a mapping of keys to values",
                       "write one 'key: value' per line")
    if not meta:
        return Problem(shown, 1, "", "the front matter is empty",
                       "give at least a title, and a date (news) or a start (events)")
    body = "\n".join(lines[end + 1 :])
    return Source(shown, kind, unicodedata.normalize("NFC", path.stem), meta, key_lines, body, end + 2,
                  tuple(lines[1:end]))


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


def _check_child(node: yaml.Node, field: str, line: int, at: Callable[[yaml.Mark], int], out: dict[str, int], seen: set[int],
                 depth: int) -> None:
    """Check a value; a node met before is an alias, which would share (and could multiply) data."""
    if id(node) in seen:
        raise FrontMatterError(line, field, "YAML aliases (*name) are not supported", "write the value out in full")
    _check_nodes(node, f"{field}." if field else "", at, out, seen, depth + 1)
