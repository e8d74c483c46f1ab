"""Files a build knows by a digest of their bytes: the template folders' (see feeds.template_digests)
and root/'s (see feeds.root_files).

A file is read only when the build cache does not know it unchanged (by its size, times and inode,
as a content file is known: see BuildCache.known_files). templates/static/ and root/ hold a
newsroom's press photos: reading and digesting them all at every build, to find them unchanged, made a
preview's rebuild after one edit take 0.76 s instead of 0.09 s with 200 MB of them (1,000 items).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from feeds.errors import SiteError, unreadable
from feeds.listing import source_stamp
from feeds.render import file_digest

if TYPE_CHECKING:
    from feeds.cache import BuildCache, FileSeen


class DigestedFile(NamedTuple):
    """One file as a build found it. (A tuple: a newsroom may have 10,000 photos.)"""

    path: str  # the file's own
    name: str  # its path in its folder: news.html, static/images/photo.jpg, .well-known/security.txt
    digest: str  # of its bytes (see render.file_digest): the key of its copy in the output
    size: int  # in bytes
    dimensions: tuple[int, int] | None  # a static image's width and height (see feeds.dimensions)


def look_at_files(files: Sequence[tuple[str, str]], cache: BuildCache | None, record: str,
                  measure: Callable[[str, bytes], tuple[int, int] | None] | None = None, *,
                  folder: str) -> list[DigestedFile]:
    """Each file, by its path and name, but one removed since it was listed: read and digested unless
    `cache` knows it unchanged (without one, every file is read), and `measure`d by its name and
    bytes as it is read. What was seen is kept in the cache's `record` (see BuildCache.known_files)
    for the next build. A file that cannot be read is a SiteError at once, named in its `folder` as
    the user knows it (templates, root), as site.toml is."""
    taken = time.time_ns()
    listed: list[tuple[str, str, os.stat_result]] = []
    for path, name in files:
        try:
            listed.append((path, name, os.stat(path)))
        except FileNotFoundError:  # removed since it was listed
            continue
    known = (cache.known_files(record, ((path, stat) for path, _, stat in listed)) if cache is not None
             else [None] * len(listed))
    found: list[DigestedFile] = []
    seen: dict[str, FileSeen] = {}
    for (path, name, stat), file in zip(listed, known):
        if file is None:
            try:
                data = Path(path).read_bytes()
            except FileNotFoundError:
                continue
            except OSError as error:  # there, but not ours to read (its permissions)
                raise SiteError([unreadable(f"{folder}/{name}", error)]) from None
            file = (*source_stamp(stat), file_digest(data), measure(name, data) if measure else None)
            size = len(data)
        else:
            size = file[0]  # unchanged since it was read: the size it had then
        seen[path] = file
        found.append(DigestedFile(path, name, file[4], size, file[5]))
    if cache is not None:
        cache.save_files(record, taken, seen, read=any(file is None for file in known))
    return found
