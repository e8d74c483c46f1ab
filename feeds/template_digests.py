"""The files of the template folders as a build finds them, each known by a digest of its bytes.

A file is read only when the build cache does not know it unchanged (by its size, times and inode,
as a content file is known: see BuildCache.known_files). templates/static/ holds a newsroom's press
photos: reading and digesting them all at every build, to find them unchanged, made a preview's
rebuild after one edit take 0.76 s instead of 0.09 s with 200 MB of them (1,000 items).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from feeds.dimensions import dimensions
from feeds.keys import digest
from feeds.listing import source_stamp
from feeds.render import file_digest
from feeds.template_paths import STATIC_DIR, template_files

if TYPE_CHECKING:
    from feeds.cache import BuildCache, FileSeen


class TemplateFile(NamedTuple):
    """One file of a template folder. (A tuple: a newsroom may have 10,000 photos.)"""

    path: str  # the file's own
    name: str  # its path in the folder: news.html, static/images/photo.jpg
    digest: str  # of its bytes (see render.file_digest): the key of its copy in the output
    size: int  # in bytes
    dimensions: tuple[int, int] | None  # a static image's width and height (see feeds.dimensions)
    linked: bool  # whether it is reached through a symbolic link (see template_files)


@dataclass(frozen=True)
class Templates:
    """Every file of the template folders (`directories`, in lookup order: the site's own first), as
    one look found them."""

    directories: tuple[Path, ...]
    files: tuple[tuple[TemplateFile, ...], ...]  # each folder's, sorted as template_files sorts them

    @cached_property
    def key(self) -> str:
        """A digest of every file, by its folder, its name and its bytes."""
        parts: list[str] = []
        for directory, files in zip(self.directories, self.files):
            parts.append(str(directory))
            for file in files:
                parts += [file.name, file.digest]
        return digest(*parts)

    @cached_property
    def pages(self) -> str:
        """A digest of what pages take from the template folders: every file but the static ones (the
        templates, the UI strings), the width and height of each static image, and the bytes of the
        static files that templates use as templates ({% include "static/logo.svg" %}). Not every
        static byte: a change to static/style.css, which no page reads, renders no page again."""
        # Imported here: it brings Jinja2, which a build that changes nothing needs not.
        from feeds.template_reads import static_templates

        used = static_templates(self.key, self.directories)  # None: any static file may be one
        parts: list[str] = []
        for directory, files in zip(self.directories, self.files):
            parts.append(str(directory))
            for file in files:
                if not _static(file.name) or used is None or file.name in used:
                    parts += [file.name, file.digest]
        sizes = [f"{name} {file.dimensions[0]}x{file.dimensions[1]}" for name, file in self.static.items()
                 if file.dimensions]
        return digest("pages", digest(*parts), *sizes)

    @cached_property
    def static(self) -> dict[str, TemplateFile]:
        """The static files published, by their names (static/style.css), sorted: the site's own over
        a built-in one of the same name."""
        found: dict[str, TemplateFile] = {}
        for files in reversed(self.files):
            found.update((file.name, file) for file in files if _static(file.name))
        return dict(sorted(found.items()))


def look_at_templates(directories: Sequence[Path], cache: BuildCache | None = None) -> Templates:
    """Every file of the template folders, each read and digested unless `cache` knows it unchanged
    (without one, every file is read); what was seen is kept in the cache for the next build."""
    taken = time.time_ns()
    listed: list[tuple[int, str, str, bool, os.stat_result]] = []
    for number, directory in enumerate(directories):
        for name, linked in template_files(directory):
            path = os.path.join(directory, name)
            try:
                listed.append((number, path, name, linked, os.stat(path)))
            except FileNotFoundError:  # removed since it was listed
                continue
    known = (cache.known_files((path, stat) for _, path, _, _, stat in listed) if cache is not None
             else [None] * len(listed))
    files: list[list[TemplateFile]] = [[] for _ in directories]
    seen: dict[str, FileSeen] = {}
    for (number, path, name, linked, stat), file in zip(listed, known):
        if file is None:
            try:
                data = Path(path).read_bytes()
            except FileNotFoundError:
                continue
            file = (*source_stamp(stat), file_digest(data), dimensions(name, data) if _static(name) else None)
            size = len(data)
        else:
            size = file[0]  # unchanged since it was read: the size it had then
        seen[path] = file
        files[number].append(TemplateFile(path, name, file[4], size, file[5], linked))
    if cache is not None:
        cache.save_files(taken, seen, read=any(file is None for file in known))
    return Templates(tuple(directories), tuple(map(tuple, files)))


def _static(name: str) -> bool:
    """True for a file of a template folder's static/, which is published as it is."""
    return name.startswith(f"{STATIC_DIR}/")
