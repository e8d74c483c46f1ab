"""Read content files: each parsed once into front matter (with the line of every key) and body."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from feeds.errors import Problem, display_path

try:  # PyYAML's C loader where libyaml is installed: same safe semantics, much faster.
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on the platform's wheel
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(_SafeLoader):  # type: ignore[misc,valid-type]
    """Safe YAML with dates left as text: validation parses them and can point at a bad one."""

    yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP]
        for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
    }

KINDS = {"news": "news", "events": "event"}  # content folder -> item kind


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

    def line(self, key: str) -> int:
        """The line of a key, or of the nearest enclosing key, or of the front matter's start."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0]
        return 1


def find_sources(site_dir: Path) -> list[Path]:
    """Every content file, in a stable order."""
    return [site_dir / name for name in source_names(site_dir)]


def source_names(site_dir: Path) -> list[str]:
    """Every content file's path relative to the site directory (content/news/x.md), in a stable order:
    by folder, then as the parts of the path sort."""
    found: list[str] = []
    for folder in KINDS:
        top = f"content/{folder}/"
        names: list[str] = []
        pending = [""]
        while pending:
            prefix = pending.pop()
            try:
                entries = list(os.scandir(os.path.join(site_dir, top + prefix)))
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(prefix + entry.name + "/")
                elif entry.name.endswith(".md") and entry.is_file():
                    names.append(prefix + entry.name)
        found += [top + name for name in sorted(names, key=lambda name: name.split("/"))]
    return found


def read_source(path: Path, site_dir: Path, data: bytes | None = None) -> Source | Problem:
    """Parse one file (its bytes when already read), or say in one located problem why it cannot be read."""
    shown = display_path(path, site_dir)
    kind = KINDS[path.relative_to(site_dir / "content").parts[0]]
    data = path.read_bytes() if data is None else data
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return Problem(shown, line, "", f"not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start}",
                       "save the file as UTF-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return Problem(shown, 1, "", "the file is empty", "start it with --- front matter ---, then the body")
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return Problem(shown, 1, "", "no front matter: the file must start with a line '---'")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return Problem(shown, 1, "", "the front matter is not closed by a line '---'")
    front = "\n".join(lines[1:end])
    try:
        meta, key_lines = _parse_front_matter(front, first_line=2)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 2 if mark else 1
        return Problem(shown, line, "", f"YAML syntax: {error.problem or error}")
    except yaml.YAMLError as error:
        return Problem(shown, 1, "", f"YAML: {error}", "plain values only: no !tags")
    if not isinstance(meta, dict):
        return Problem(shown, 2, "", "the front matter must be a mapping of keys to values")
    body = "\n".join(lines[end + 1 :])
    return Source(shown, kind, path.stem, meta, key_lines, body, end + 2)


def _parse_front_matter(text: str, first_line: int) -> tuple[Any, dict[str, int]]:
    """Parse YAML once, keeping the line of every mapping key (dotted for nested keys)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        key_lines: dict[str, int] = {}
        _collect_lines(node, "", first_line, key_lines)
        return loader.construct_document(node), key_lines
    finally:
        loader.dispose()


def _collect_lines(node: yaml.Node, prefix: str, offset: int, out: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}{key_node.value}"
            out.setdefault(key, key_node.start_mark.line + offset)
            _collect_lines(value_node, key + ".", offset, out)
