"""The build cache in .feeds-cache/ beside site.toml: content-addressed, so it is never stale.

What is kept:

- every content file's validated item (and its problems), keyed by the file's path and bytes, the
  settings and the versions of this package and the libraries that shape an item;
- each content file's size, times and inode with its key, so an untouched file is known unread;
- each template file's (static files' too) and each file of root/'s size, times and inode with the
  digest of its bytes (and a static image's width and height), so that a build does not read again
  the press photos of templates/static/ or root/ (see feeds.file_digests);
- what the last build wrote: a key of everything the renderers read (the items, the templates, the
  settings, which events are over), a digest of every input, the span of time in which `now`
  changes nothing, and each output file's key (or digest) with its size, time and inode, so a
  build whose inputs or key and output tree are unchanged writes nothing, and one that renders
  reuses what did not change (see feeds.last_output and feeds.parts).

A key that differs in any input is a different key; unused entries are dropped on each save.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feeds.keys import digest, settings_key, software_key, source_prefix
from feeds.listing import Listing, source_stamp
from feeds.moments import moment_key
from feeds.settings import SiteConfig
from feeds.write import Stamp, write_stream

if TYPE_CHECKING:
    from feeds.build import BuildResult
    from feeds.model import Item, Site
    from feeds.parse import Parsed

CACHE_DIR = ".feeds-cache"
_ITEMS = "items.pickle"
OUTPUT_RECORD = "output.pickle"  # read and written by feeds.last_output
_SOURCES = "sources.pickle"
# The records of the files known by their digests (see BuildCache.known_files), each folder's own.
TEMPLATE_FILES = "templates.pickle"
ROOT_FILES = "root.pickle"
_RACY_NS = 2_000_000_000  # files changed this close before their key was taken are read again
_ROWS = "rows"  # kept between builds: each item's row (see BuildCache.item_rows)
# A content file as its key was taken: its size, times and inode (listing.source_stamp), the key, and
# whether it led outside the site.
SourceSeen = tuple[int, int, int, int, str, bool]
# A template file or a file of root/ as its digest was taken: its size, times and inode
# (listing.source_stamp), the digest of its bytes and, for a static file, its width and height as an
# image (see feeds.dimensions).
FileSeen = tuple[int, int, int, int, str, tuple[int, int] | None]


@dataclass(frozen=True)
class SourceRecord:
    """Each content file's size, times, inode and key when last read, under a software and settings prefix."""

    prefix: str
    taken: int  # ns since the epoch, before the files were looked at
    stamps: dict[str, SourceSeen]  # by content path


@dataclass(frozen=True)
class FileRecord:
    """Each template file's (or each file of root/'s) size, times, inode and digest when last read, by its path."""

    software: str
    taken: int  # ns since the epoch, before the files were looked at
    stamps: dict[str, FileSeen]


@dataclass(frozen=True)
class OutputRecord:
    """What the last build wrote into an output directory, and the key it was rendered from.

    `stamps` describe the tree now at `output`, and `folders` the modification time of each of its
    folders (see feeds.last_output); `spare` the previous tree, kept beside it as the starting point
    of the next build.
    """

    key: str
    output: str
    stamps: dict[str, Stamp]
    spare: dict[str, Stamp]
    inputs: str = ""  # a digest of every input file (content, settings, templates, ledger) and option
    window: tuple[datetime, datetime] | None = None  # while `now` is in [from, until), outputs are the same (None: every moment counts)
    result: BuildResult | None = None  # what the build reported
    spare_exact: bool = False  # `spare` is known to describe the spare tree exactly (see BuildCache.private)
    folders: dict[str, int | None] = field(default_factory=dict)  # by path from `output`, "" itself


@dataclass
class BuildCache:
    """The cache of one site directory, loaded once per build and saved after it."""

    directory: Path
    software: str
    stored: dict[str, Parsed] | None = None  # read when first needed
    used: dict[str, str] = field(default_factory=dict)  # content path -> key, this build
    seen: dict[str, SourceSeen] = field(default_factory=dict)  # by content path, this build
    fresh: dict[str, Parsed] = field(default_factory=dict)  # parsed this build
    reuse: bool = True  # False: parse and render everything again (what is learnt is still saved)
    memory: dict[str, object] | None = None  # kept here instead of in the directory, between builds of one process
    loaded: dict[str, object] = field(default_factory=dict)  # what was read from the directory, by name
    read_only: bool = False  # used, never written (as by `feeds check`, which writes nothing)

    @classmethod
    def open(cls, site_dir: Path, memory: dict[str, object] | None = None, *, read_only: bool = False) -> BuildCache:
        """The cache in the site's .feeds-cache/, or in `memory` when given (as `feeds serve` keeps it)."""
        return cls(site_dir / CACHE_DIR, software_key(), memory=memory, read_only=read_only)

    @classmethod
    def empty(cls, site_dir: Path) -> BuildCache:
        """A cache that starts with nothing, as for a first build; what it learns is saved."""
        return cls(site_dir / CACHE_DIR, software_key(), stored={}, reuse=False)

    @property
    def private(self) -> bool:
        """True when the cache lives in a process's memory: that process alone writes its output
        directories (as `feeds serve` does a scratch directory), so what it recorded of them is
        trusted without looking at their files again."""
        return self.memory is not None

    @property
    def items(self) -> dict[str, Parsed]:
        if self.stored is None:
            self.stored = self.read(_ITEMS, dict)  # type: ignore[assignment]
        return self.stored  # type: ignore[return-value]

    def item_key(self, config: SiteConfig, path: str, data: bytes, stat: os.stat_result | None = None, *,
                 outside: bool = False) -> str:
        """The key of one content file's bytes under these settings, and of whether it is a link leading
        outside the site (which makes it an error, whatever its bytes); with the file's stat taken
        before reading, remembered so that the next build knows the unchanged file without reading it."""
        key = digest(self.software, settings_key(config), path, data, *(["outside"] if outside else []))
        self.used[path] = key
        if stat is not None:
            self.seen[path] = (*source_stamp(stat), key, outside)
        return key

    def read_keyed(self, config: SiteConfig, site_dir: Path, path: str, *, outside: bool,
                   stat: os.stat_result | None = None) -> tuple[str, bytes | None]:
        """A content file read now, with its key (see item_key); or, when it cannot be read (its
        permissions, say: an error of the file, which validation reports), its unread_key and None."""
        try:
            with open(os.path.join(site_dir, path), "rb") as stream:
                data = stream.read()
        except OSError:
            return self.unread_key(config, path), None
        return self.item_key(config, path, data, stat, outside=outside), data

    def unread_key(self, config: SiteConfig, path: str) -> str:
        """The key of a content file that cannot be read (its permissions), which is an error whatever
        it holds: an input of the build all the same, so that a build that can read it is another one.
        Its stamp is not remembered: the next build tries to read it again."""
        key = digest(self.software, settings_key(config), path, "unreadable")
        self.used[path] = key
        return key

    def known_keys(self, config: SiteConfig, files: Iterable[tuple[str, os.stat_result, bool]]) -> list[str | None]:
        """The key of each content file whose size, times and inode are as when its key was taken,
        and which leads outside the site as it did then (None for the others), by its path, status
        and whether it leads outside now.

        Any write changes the change time (ctime), which no one can set; a file written in the
        last seconds before the key was taken is read again, whatever the file system's clock grain.
        """
        record = self.read(_SOURCES, SourceRecord) if self.reuse else None
        if not isinstance(record, SourceRecord) or record.prefix != source_prefix(self.software, config):
            return [None for _ in files]
        racy = record.taken - _RACY_NS
        keys: list[str | None] = []
        for path, stat, outside in files:
            known = record.stamps.get(path)
            if known is None or not _unchanged(known, stat, racy) or known[5] != outside:
                keys.append(None)
                continue
            self.seen[path] = known
            self.used[path] = known[4]
            keys.append(known[4])
        return keys

    def save_sources(self, config: SiteConfig, taken: int) -> None:
        """Remember each content file's stamp and key, when they changed; `taken` is when the files
        were first looked at (ns since the epoch)."""
        record = self.read(_SOURCES, SourceRecord)
        prefix = source_prefix(self.software, config)
        if isinstance(record, SourceRecord) and record.prefix == prefix and record.stamps == self.seen:
            return
        self.write(_SOURCES, SourceRecord(prefix, taken, dict(self.seen)))

    def known_files(self, name: str, files: Iterable[tuple[str, os.stat_result]]) -> list[FileSeen | None]:
        """What the record `name` (TEMPLATE_FILES, ROOT_FILES) says was seen of each file, by its path and
        status, when its digest was taken, where it is trusted as content files' keys are (see
        known_keys); None for the others, to be read."""
        record = self.read(name, FileRecord) if self.reuse else None
        if not isinstance(record, FileRecord) or record.software != self.software:
            return [None for _ in files]
        racy = record.taken - _RACY_NS
        return [known if (known := record.stamps.get(path)) is not None and _unchanged(known, stat, racy) else None
                for path, stat in files]

    def save_files(self, name: str, taken: int, seen: dict[str, FileSeen], read: bool) -> None:
        """Remember in the record `name` each file's stamp and digest, by its path; `taken` is when the
        files were first looked at (ns since the epoch), and `read` whether any was read. Saved again
        whenever one was: a file read only for having been written just before the record was taken is
        trusted under a later one (else a theme copied in just before a first build would be read at
        every build)."""
        record = self.read(name, FileRecord)
        if not read and isinstance(record, FileRecord) and record.software == self.software and record.stamps == seen:
            return
        self.write(name, FileRecord(self.software, taken, seen))

    def item_row(self, item: Item) -> str:
        """What an item's outputs are made from: its file's key and the ids the ledger gave it."""
        return f"{self.used[item.source]} {item.id} {getattr(item, 'uid', '')} {getattr(item, 'sequence', '')}"

    def item_rows(self, items: Sequence[Item]) -> list[str]:
        """Each item's row (see item_row): as at the last build, as a private cache remembers them, but
        for the items in positions that hold other objects now and those whose file's key changed.
        (Making them all took 10 ms of a preview's rebuild at 10,000 items.)"""
        # Imported here, as the renderers are (feeds.incremental brings some): a build that changes nothing needs none.
        from feeds.incremental import RowsFound, rows_again

        last: RowsFound | None = self.between_builds(_ROWS).get("found")
        found = rows_again(last, items, self.used, self.item_row)
        self.keep_between_builds(_ROWS, {"found": found})
        return found.rows

    def get(self, key: str) -> Parsed | None:
        return self.items.get(key)

    def put(self, key: str, parsed: Parsed) -> None:
        self.items[key] = parsed
        self.fresh[key] = parsed

    def site_key(self, site: Site, templates_key: str, *, root_key: str = "", exact_now: bool = False) -> str:
        """A key of everything the renderers read from this site (the templates by `templates_key`),
        and of the files of root/ that the build copies (by `root_key`); with `exact_now`, of `now`
        itself rather than of what the standard templates take from it, and of when the next embargo
        lifts, which the items held back decide (no row is theirs)."""
        rows = self.item_rows(site.items)
        taken = [site.now.isoformat(), str(site.next_lift)] if exact_now else moment_key(site)  # from `now`
        return digest(self.software, settings_key(site.config), templates_key, root_key, *taken, *rows)

    def inputs_key(self, config: SiteConfig, templates_key: str, root_key: str, drafts: bool, ledger: bytes,
                   listing: Listing) -> str:
        """A digest of every file a build reads (the content files read so far; the templates' and
        root/'s by their keys), of what under content/ it does not read (the files `listing` found
        that are not published, each a warning, and the folders that cannot be read, each an error),
        and of its options."""
        return digest(self.software, settings_key(config), templates_key, root_key, str(drafts), ledger,
                      *(f"{path} {key}" for path, key in sorted(self.used.items())),
                      *(f"{path} -" for path in listing.strays), *(f"{path} unreadable" for path in listing.unreadable))

    def between_builds(self, name: str) -> dict[Any, Any]:
        """What a private cache keeps under `name` from one build to the next; empty for any other."""
        value = self.memory.get(name) if self.memory is not None else None
        return value if isinstance(value, dict) else {}

    def keep_between_builds(self, name: str, value: dict[Any, Any]) -> None:
        """Keep `value` for the next build, in a private cache only: it may hold live objects."""
        if self.memory is not None:
            self.memory[name] = value

    def read(self, name: str, kind: type) -> object:
        """A value stored in the cache, or an empty one when missing, unreadable or of another layout."""
        if self.memory is not None:
            value = self.memory.get(name)
            return value if isinstance(value, kind) else _empty(kind)
        if name not in self.loaded:
            self.loaded[name] = _read_pickle(self.directory / name, kind)
        return self.loaded[name]

    def save_items(self) -> None:
        """Keep exactly the entries this build used; write only when they changed."""
        kept = {key: self.items[key] for key in sorted(set(self.used.values())) if key in self.items}
        if self.fresh or kept.keys() != self.items.keys():
            self.write(_ITEMS, kept)

    def write(self, name: str, value: object) -> None:
        """Store `value` under `name`: in the private memory, else in the directory (not at all when
        read-only, or when a file stands where the directory goes)."""
        if self.read_only:
            return
        if self.memory is not None:
            self.memory[name] = value
            return
        self.loaded.pop(name, None)  # read again if asked: a saved value may be large, and done with
        try:
            self.directory.mkdir(exist_ok=True)
        except (FileExistsError, NotADirectoryError):  # a file stands in its place: build without a cache
            return
        write_stream(self.directory / name, lambda stream: pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL))


def _unchanged(known: tuple[Any, ...], stat: os.stat_result, racy: int) -> bool:
    """True when a file's size, times and inode are those `known` when it was read, and it was not
    written after `racy` (the racy window before that record was taken, which a coarse clock blurs).
    Any write changes the change time (ctime), which no one can set back."""
    return known[:4] == source_stamp(stat) and stat.st_mtime_ns < racy and stat.st_ctime_ns < racy


def _read_pickle(path: Path, kind: type) -> object:
    """A stored value, or an empty one when missing, unreadable or of another layout."""
    try:
        value = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return _empty(kind)
    return value if isinstance(value, kind) else _empty(kind)


def _empty(kind: type) -> object:
    """What stands for a stored value that is missing: an empty dict, or None for a record."""
    return {} if kind is dict else None

