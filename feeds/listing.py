"""Find the content files under content/, each with its status, and the files there that are not published."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from feeds.errors import (
    Problem,
    Severity,
    closest_known,
    readable_name,
    unreadable_folder,
)

KINDS = {"news": "news", "events": "event"}  # content folder -> item kind


def source_files(site_dir: Path) -> list[tuple[str, bool]]:
    """Every content file's path relative to the site directory, in a stable order (by folder, then as
    the parts of the path sort), each with whether it is reached through a symbolic link.

    Linked folders are followed, each real folder once. Only a file that is a link, or lies in a folder
    whose real path is not where its name says, can lead outside the site: leads_outside resolves the
    path of those alone, and every other file costs no more than the walk that found it.
    """
    return _content_walk(site_dir)[0]


def leads_outside(path: Path, site_dir: Path) -> bool:
    """True when a content file reached through a symbolic link (see source_files) is in fact outside
    the site directory: an error, whatever it holds."""
    return not path.resolve().is_relative_to(site_dir.resolve())


def _content_walk(site_dir: Path) -> tuple[list[tuple[str, bool]], list[str], list[str]]:
    """The content files (see source_files), the other files under content/, which are not
    published (see stray_problems), and the folders of a kind that cannot be read (see
    unreadable_problems): found on the same walk, and not read."""
    site_real = os.path.realpath(site_dir)
    found: list[tuple[str, bool]] = []
    strays: list[str] = []
    unreadable: set[str] = set()
    walked: set[str] = set()  # the real path of every folder whose files are published
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
                entries = _in_order(directory)
            except PermissionError:  # not ours to read: its items would be left out unsaid
                unreadable.add(top + refused_folder(prefix, directory))
                continue
            except OSError:  # no such folder, or a link in a loop
                continue
            linked_folder = real != os.path.normpath(os.path.join(site_real, top + prefix))
            for entry in entries:
                try:
                    if entry.is_dir():
                        if not litter(entry.name):  # a hidden folder (.git, .obsidian) holds no content
                            pending.append(prefix + entry.name + "/")
                    elif litter(entry.name):  # hidden (.draft.md, macOS's ._x.md) or an editor's: never read
                        continue
                    elif entry.name.endswith(".md") and entry.is_file():
                        names.append((prefix + entry.name, linked_folder or entry.is_symlink()))
                    elif entry.is_file():
                        strays.append(top + prefix + entry.name)
                except PermissionError:  # listed, but perhaps not searched: then its items would be left out unsaid
                    if unsearchable(entry.path):
                        unreadable.add(top + prefix)
                    elif entry.name.endswith(".md"):  # a link leading where none may look: reading it says so
                        names.append((prefix + entry.name, True))
                except OSError:  # a link in a loop leads nowhere, as a dangling one does
                    continue
        found += [(top + name, linked) for name, linked in sorted(names, key=lambda named: named[0].split("/"))]
        walked |= visited
    strays += _outside_kinds(site_dir, walked)
    return found, sorted(strays, key=lambda name: name.split("/")), sorted(unreadable)


def _outside_kinds(site_dir: Path, walked: set[str]) -> list[str]:
    """The files under content/ but not in the folders of a kind (news/, events/, and whatever leads
    to the same folder, as News/ does where names ignore case) nor in a folder that a link in one
    leads to (`walked`, by real path): no build reads them."""
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
        if os.path.realpath(directory) in walked:  # linked from a folder of a kind: its files are published
            continue
        visited.add(identity)
        try:
            entries = _in_order(directory)
        except OSError:  # no folder
            continue
        for entry in entries:
            try:
                if litter(entry.name):
                    continue
                if entry.is_dir():
                    pending.append(prefix + entry.name + "/")
                elif entry.is_file():
                    strays.append(f"content/{prefix}{entry.name}")
            except OSError:
                continue
    return strays


def _in_order(directory: str) -> list[os.DirEntry[str]]:
    """A folder's entries to walk: its own subfolders before the links in it, each by name (listed in
    reverse, as the walks take the last first). A folder that two names lead to is then walked, and
    its files named, the same way whatever order the file system lists them in, and by its own name
    when it and a link to it are side by side."""
    return sorted(os.scandir(directory), key=lambda entry: (entry.is_symlink(), entry.name), reverse=True)


def unsearchable(path: str) -> bool:
    """True when the folder holding `path`, which was listed, cannot be searched: it may be read but
    not entered (chmod a-x), so nothing in it can be looked at, opened or listed, and its files would
    be left out unsaid. Asked only once looking at `path` was refused: False when `path` itself can be
    looked at (what was refused is where a link leads, or the folder at `path`)."""
    try:
        os.lstat(path)
    except PermissionError:
        return True
    except OSError:
        return False
    return False


def file_status(path: str, name: str, refused: set[str]) -> os.stat_result | None:
    """A listed file's status now, through a link if it is one; errors other than a refusal (the file
    gone) are the caller's. Where looking is refused: when the file itself cannot be looked at, the
    folder holding it was listed but cannot be searched, and goes into `refused` by its name in the
    walk (see holding_folder), as its files would be left out unsaid (None); else a link leads where
    none may look, and its own status stands for the file, whose reading then fails and says so. (A
    file that cannot be read is read again at every build: its status is not remembered.)"""
    try:
        return os.stat(path)
    except PermissionError:
        try:
            return os.lstat(path)
        except PermissionError:
            refused.add(holding_folder(name))
        except OSError:  # gone since
            pass
    return None


def refused_folder(prefix: str, directory: str) -> str:
    """The folder to name when listing the one at `prefix` (its path in the walk, with its "/"; ""
    for the top) and `directory` was refused: that folder, or the one holding it when that one
    cannot be searched (see unsearchable). The top is named itself: the walk looks no higher."""
    if prefix and unsearchable(directory):
        return holding_folder(prefix)
    return prefix


def holding_folder(name: str) -> str:
    """The folder holding a file or folder by its path in the walk (news/2018/x.md, static/photos/),
    with its "/"; "" for the top."""
    folder = name.rstrip("/").rpartition("/")[0]
    return folder + "/" if folder else ""


def _identity(path: str) -> tuple[int, int] | None:
    """What tells one folder from another, whatever name or link leads to it: its device and inode."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


FILE_MANAGER_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})  # left in any folder by macOS and Windows


def litter(name: str) -> bool:
    """A file no one means as content: hidden (.DS_Store, .gitkeep, an editor's swap file), an editor's
    backup (x.md~, #x.md#), or Windows' thumbnails and folder settings."""
    return name.startswith((".", "#")) or name.endswith("~") or name in FILE_MANAGER_LITTER


# Names of text files meant as items, it seems: x.MD, x.markdown and x.txt are to be named x.md.
_MARKDOWN = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".txt"})


def stray_problems(strays: Iterable[str]) -> list[Problem]:
    """A warning for each file under content/ that is not published (see Listing.strays)."""
    return [_stray_problem(readable_name(path)) for path in strays]


def unreadable_problems(folders: Iterable[str]) -> list[Problem]:
    """An error for each folder of a kind that cannot be read (see Listing.unreadable): the items in it
    would be left out, and taken down if they were published."""
    return [unreadable_folder(readable_name(folder), "the items") for folder in folders]


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
    hint = f"move it into content/{folder}/" if folder else ("move it into content/news/ or content/events/ if "
                                                             "it is an item: feeds publishes news and events alone")
    return Problem(path, 0, "", "is not in content/news/ or content/events/, so it is not published", hint,
                   Severity.WARNING)


@dataclass(frozen=True)
class Listing:
    """Every content file as found at one moment (see source_files), with its status."""

    taken: int  # ns since the epoch, before the first file was looked at
    files: tuple[tuple[str, bool, os.stat_result], ...]  # path relative to the site, whether linked, status
    strays: tuple[str, ...] = ()  # the other files under content/, which no build reads: misplaced or misnamed
    unreadable: tuple[str, ...] = ()  # the folders of a kind that cannot be read, each named with its "/"

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
                name = os.path.relpath(path, site_dir).replace(os.sep, "/")
                if not any(map(litter, name.split("/"))):  # a hidden file, or one in a hidden folder, is never read
                    changed[name] = path
        if not changed:
            return self
        files, differs = list(self.files), False
        for n, (name, linked, old) in enumerate(files):
            path = changed.pop(name, None)
            if path is not None:
                try:
                    new = os.stat(path)
                except OSError:  # gone, or in a folder that can no longer be searched: a new look tells
                    return None
                differs |= source_stamp(new) != source_stamp(old)
                files[n] = (name, linked, new)
        if changed:
            return None
        return replace(self, files=tuple(files)) if differs else self


def source_stamp(status: os.stat_result) -> tuple[int, int, int, int]:
    """What tells a content file's state: size, modification and change times, inode."""
    return status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino


def list_sources(site_dir: Path) -> Listing:
    """Every content file and its status now, the files under content/ that are not published, and the
    folders of a kind that cannot be read (listed but not searched, too); a file removed while looking
    is left out."""
    taken = time.time_ns()
    files = []
    names, strays, unreadable = _content_walk(site_dir)
    refused = set(unreadable)
    for name, linked in names:
        try:
            status = file_status(os.path.join(site_dir, name), name, refused)
        except OSError:  # removed while looking, or a link that became a loop
            continue
        if status is not None:
            files.append((name, linked, status))
    return Listing(taken, tuple(files), tuple(strays), tuple(sorted(refused)))
