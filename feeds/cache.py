"""The build cache in .feeds-cache/ beside site.toml: content-addressed, so it is never stale.

Two things are kept:

- every content file's validated item (and its problems), keyed by the file's path and bytes, the
  settings and the versions of this package and the libraries that shape an item;
- what the last build wrote: a key of everything the renderers read (the items, the templates, the
  settings, which events are over) with the size, time and inode of every output file, so a build
  whose key and output tree are unchanged writes nothing.

A key that differs in any input is a different key; unused entries are dropped on each save.
Outputs depend on `now` only through which events are over (`Site.upcoming` / `Site.past`), the
next occurrence of each series and when the next embargo lifts (`Site.next_lift`).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from feeds import __version__
from feeds.config import SiteConfig
from feeds.model import Site
from feeds.parse import Parsed
from feeds.recurrence import occurrences
from feeds.write import write_file

CACHE_DIR = ".feeds-cache"
_ITEMS = "items.pickle"
_OUTPUT = "output.pickle"
_FORMAT = 1  # raise when the stored layout changes
# Libraries whose version changes what an item or a page holds.
_LIBRARIES = ("cmarkgfm", "nh3", "PyYAML", "python-slugify", "tzdata", "Jinja2", "feedgen", "icalendar")


def _digest(*parts: bytes | str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def software_key() -> str:
    """This package's version and the versions of the libraries that shape the outputs."""
    versions = [f"feeds {__version__}", f"format {_FORMAT}"]
    for name in _LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    return _digest(*versions)


@functools.cache
def _settings_key(config: SiteConfig) -> str:
    return _digest(repr(config))


def templates_key(directories: Iterable[Path]) -> str:
    """A digest of every file under the template directories (static files included)."""
    parts: list[bytes | str] = []
    for directory in directories:
        parts.append(str(directory))
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            parts += [path.relative_to(directory).as_posix(), path.read_bytes()]
    return _digest(*parts)


@dataclass(frozen=True)
class OutputRecord:
    """What the last build wrote into an output directory, and the key it was rendered from."""

    key: str
    output: str
    stats: dict[str, tuple[int, int, int]]  # path -> (size, mtime_ns, inode)
    files: int


@dataclass
class BuildCache:
    """The cache of one site directory, loaded once per build and saved after it."""

    directory: Path
    software: str
    items: dict[str, Parsed] = field(default_factory=dict)
    used: dict[str, str] = field(default_factory=dict)  # content path -> key, this build
    fresh: dict[str, Parsed] = field(default_factory=dict)  # parsed this build

    @classmethod
    def open(cls, site_dir: Path) -> BuildCache:
        directory = site_dir / CACHE_DIR
        return cls(directory, software_key(), _read_pickle(directory / _ITEMS, dict))

    @classmethod
    def empty(cls, site_dir: Path) -> BuildCache:
        """A cache that starts with nothing, as for a first build; what it learns is saved."""
        return cls(site_dir / CACHE_DIR, software_key())

    def item_key(self, config: SiteConfig, path: str, data: bytes) -> str:
        """The key of one content file's bytes under these settings."""
        key = _digest(self.software, _settings_key(config), path, data)
        self.used[path] = key
        return key

    def get(self, key: str) -> Parsed | None:
        return self.items.get(key)

    def put(self, key: str, parsed: Parsed) -> None:
        self.items[key] = parsed
        self.fresh[key] = parsed

    def site_key(self, site: Site, templates: str) -> str:
        """A key of everything the renderers read from this site."""
        rows = [f"{self.used[item.source]} {item.id} {getattr(item, 'uid', '')} {getattr(item, 'sequence', '')}"
                for item in site.items]
        return _digest(self.software, _settings_key(site.config), templates, *_moment(site), *rows)

    def current_output(self, output: Path, key: str) -> OutputRecord | None:
        """The record of the last build if it had this key and its output tree is untouched."""
        record = _read_pickle(self.directory / _OUTPUT, OutputRecord)
        if record is None or record.key != key or record.output != str(output.absolute()):
            return None
        return record if record.stats == output_stats(output) else None

    def remember_output(self, output: Path, key: str, files: int) -> OutputRecord:
        """Record what was just written into `output`, and under which key."""
        record = OutputRecord(key, str(output.absolute()), output_stats(output), files)
        self._save(_OUTPUT, record)
        return record

    def save_items(self) -> None:
        """Keep exactly the entries this build used; write only when they changed."""
        kept = {key: self.items[key] for key in sorted(set(self.used.values())) if key in self.items}
        if self.fresh or kept.keys() != self.items.keys():
            self._save(_ITEMS, kept)

    def _save(self, name: str, value: object) -> None:
        self.directory.mkdir(exist_ok=True)
        write_file(self.directory / name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def _moment(site: Site) -> list[str]:
    """What the outputs take from `now`: which events are over, the next occurrence of each series,
    and when the next embargo lifts. With no items at all, the feeds' dates fall back to `now` itself."""
    if not site.items:
        return [site.now.isoformat()]
    following = [occurrences(event, site.now, 1) for event in site.upcoming if event.recurrence]
    return [f"{len(site.past)} over", str(site.next_lift),
            *(next_ones[0].start.isoformat() for next_ones in following if next_ones)]


def output_stats(root: Path) -> dict[str, tuple[int, int, int]]:
    """Size, modification time and inode of every file under root."""
    stats: dict[str, tuple[int, int, int]] = {}
    if not root.is_dir():
        return stats
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            st = os.stat(path)
            stats[os.path.relpath(path, root)] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return stats


def _read_pickle(path: Path, kind: type) -> object:
    """A stored value, or an empty one when missing, unreadable or of another layout."""
    try:
        value = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return kind() if kind is dict else None
    if isinstance(value, kind):
        return value
    return kind() if kind is dict else None

