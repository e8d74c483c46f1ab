"""Renderers: pure functions from the Site model to output files."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from feeds.errors import Problem, SiteError

# What a build may make at the top of its output folder, whatever the content holds: the pages of
# items, tags and archives, the feeds, the static files, and the files of the site's root.
ROBOTS_PATH = "robots.txt"  # the build's, which a file of root/ may replace (see feeds.root_files)
TOP_LEVEL = frozenset({"news", "events", "tags", "archive", "feeds", "static",
                       "index.html", "404.html", ROBOTS_PATH, "sitemap.xml", "sitemaps", "_headers", "next-lift.txt"})


@dataclass(frozen=True)
class OutputFile:
    """One file of the output: its path inside the output directory and its bytes.

    `key`, when given, is a digest of everything the bytes were made from: two files with the same
    key have the same bytes, so the writer compares keys rather than bytes.
    """

    path: str
    data: bytes
    key: str = ""

    @property
    def digest(self) -> str:
        """The key, or a digest of the bytes."""
        return self.key or "b:" + hashlib.blake2b(self.data, digest_size=16).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class JoinedFile:
    """An output file of many parts, written one after another and never joined in memory (as the
    calendar of every event is: 37 MB at 10,000 items). Its key is a digest of what it is made from,
    and its parts are put together only when it is written: a tree that has the file with this key
    already keeps it (a preview's rebuild after a news edit keeps every calendar)."""

    path: str
    join: Callable[[], tuple[bytes, ...]]  # its parts, in order
    key: str

    @property
    def parts(self) -> tuple[bytes, ...]:
        return self.join()

    @property
    def data(self) -> bytes:
        return b"".join(self.parts)

    @property
    def digest(self) -> str:
        return self.key

    @property
    def size(self) -> int:
        return sum(map(len, self.parts))


class KeptFile(NamedTuple):
    """An output file that the last build already wrote with the same key: linked, never re-rendered.
    (A tuple, quicker to make than a frozen dataclass: most files of a preview's build are kept.)"""

    path: str
    key: str
    source: str  # the file in the last build's output

    @property
    def data(self) -> bytes:
        return Path(self.source).read_bytes()

    @property
    def digest(self) -> str:
        return self.key

    @property
    def size(self) -> int:
        return os.stat(self.source).st_size


def file_digest(data: bytes) -> str:
    """The digest of a file published as it is from the template folders or root/ (see CopiedFile):
    two files with the same bytes have the same."""
    return "f:" + hashlib.sha256(data).hexdigest()


class CopiedFile(NamedTuple):
    """A file published as it is from the template folders (a static file) or root/, known by the
    digest of its bytes that the build took (see feeds.file_digests) and read only when the tree must
    have it written: a build does not read a newsroom's press photos to find them unchanged."""

    path: str
    key: str  # the digest of its bytes
    source: str  # the file in the template folder or root/
    length: int  # its size, in bytes, when the digest was taken

    @property
    def data(self) -> bytes:
        """The file's bytes; SiteError if they are no longer those digested (it changed during the
        build), which the tree would keep under a digest they do not have."""
        data = Path(self.source).read_bytes()
        if file_digest(data) != self.key:
            raise SiteError([Problem(self.source, 0, "", "changed while the build was publishing it",
                                     "build again")])
        return data

    @property
    def digest(self) -> str:
        return self.key

    @property
    def size(self) -> int:
        return self.length


class PlacedFile(NamedTuple):
    """An output file already in the tree being built, placed there by whichever process rendered it.
    (A tuple, as KeptFile is: every file a preview's build keeps is placed.)"""

    path: str
    stamp: tuple[str, int, int, int]  # its key or digest, size, mtime_ns and inode

    @property
    def digest(self) -> str:
        return self.stamp[0]

    @property
    def size(self) -> int:
        return self.stamp[1]


Output = OutputFile | JoinedFile | KeptFile | CopiedFile | PlacedFile
