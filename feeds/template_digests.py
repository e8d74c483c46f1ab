"""The files of the template folders as a build finds them, each known by a digest of its bytes, read
only when the build cache does not know it unchanged (see feeds.file_digests)."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from feeds.cache import TEMPLATE_FILES
from feeds.dimensions import dimensions
from feeds.errors import Problem, SiteError, readable_name, unreadable_folder
from feeds.file_digests import DigestedFile, FoundFile, digest_files, found_files
from feeds.keys import digest
from feeds.template_paths import STATIC_DIR, template_walk

if TYPE_CHECKING:
    from feeds.cache import BuildCache


@dataclass(frozen=True)
class TemplateListing:
    """Every file of the template folders (`directories`, in lookup order: the site's own first) as one
    look found it, unread (see template_walk), and the folders of them that cannot be read."""

    taken: int  # ns since the epoch, before the first file was looked at
    directories: tuple[Path, ...]
    files: tuple[tuple[FoundFile, ...], ...]  # each folder's, sorted as template_walk sorts them
    unreadable: tuple[str, ...] = ()  # as the user knows them (templates/static/photos/), each with its "/"


def list_templates(directories: Sequence[Path]) -> TemplateListing:
    """Every file of the template folders and its status now, and the folders that cannot be read;
    a file removed while looking is left out."""
    taken = time.time_ns()
    walks = [template_walk(directory) for directory in directories]
    looks = [found_files((os.path.join(directory, name), name, linked) for name, linked in found)
             for directory, (found, _) in zip(directories, walks)]
    # Named as a file of theirs that cannot be read is (see read_templates).
    unreadable = sorted({f"templates/{folder}" for (_, walked), (_, looked) in zip(walks, looks)
                         for folder in (*walked, *looked)})
    return TemplateListing(taken, tuple(directories), tuple(tuple(files) for files, _ in looks), tuple(unreadable))


@dataclass(frozen=True)
class Templates:
    """Every file of the template folders (`directories`, in lookup order: the site's own first), as
    one look found them."""

    directories: tuple[Path, ...]
    files: tuple[tuple[DigestedFile, ...], ...]  # each folder's, sorted as template_walk sorts them
    linked: frozenset[str]  # the paths of those reached through a symbolic link (see template_walk)
    unreadable: tuple[str, ...] = ()  # the folders that cannot be read (see TemplateListing)

    @cached_property
    def key(self) -> str:
        """A digest of every file, by its folder, its name and its bytes, and of the folders that
        cannot be read, which no file shows: a build that can read them is another one."""
        parts: list[str] = []
        for directory, files in zip(self.directories, self.files):
            parts.append(str(directory))
            for file in files:
                parts += [file.name, file.digest]
        return digest(*parts, *(f"{folder} unreadable" for folder in self.unreadable))

    @cached_property
    def problems(self) -> tuple[Problem, ...]:
        """An error for each folder that cannot be read: the templates and static files in it would be
        left out, and the static ones taken down if they were published."""
        return tuple(unreadable_folder(readable_name(folder), "the files") for folder in self.unreadable)

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
    def static(self) -> dict[str, DigestedFile]:
        """The static files published, by their names (static/style.css), sorted: the site's own over
        a built-in one of the same name."""
        found: dict[str, DigestedFile] = {}
        for files in reversed(self.files):
            found.update((file.name, file) for file in files if _static(file.name))
        return dict(sorted(found.items()))


def read_templates(listing: TemplateListing, cache: BuildCache | None = None) -> Templates:
    """Every file of the template folders as `listing` found it, each read and digested unless `cache`
    knows it unchanged (without one, every file is read); what was seen is kept in the cache for the
    next build."""
    every = [file for files in listing.files for file in files]
    digested, unread = digest_files(listing.taken, every, cache, TEMPLATE_FILES, _static_dimensions, folder="templates")
    if unread:  # at once, as site.toml: the templates' syntax, and the pages, are found by reading them
        raise SiteError(unread)
    found = {file.path: file for file in digested}
    return Templates(listing.directories,
                     tuple(tuple(found[file.path] for file in files if file.path in found) for files in listing.files),
                     frozenset(file.path for files in listing.files for file in files if file.linked),
                     listing.unreadable)


def _static_dimensions(name: str, data: bytes) -> tuple[int, int] | None:
    """A static image's width and height (see feeds.dimensions); None for a template."""
    return dimensions(name, data) if _static(name) else None


def _static(name: str) -> bool:
    """True for a file of a template folder's static/, which is published as it is."""
    return name.startswith(f"{STATIC_DIR}/")
