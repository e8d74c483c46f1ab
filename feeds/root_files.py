"""root/ beside site.toml: files the site publishes at the root of its output as they are, such as a
host's CNAME or _redirects, .well-known/security.txt or a search console's verification file."""

from __future__ import annotations

import os
import re
import stat
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from feeds.cache import ROOT_FILES
from feeds.errors import (
    Problem,
    published_file_problem,
    readable_name,
    unreadable_folder,
)
from feeds.file_digests import DigestedFile, FoundFile, digest_files, found_files
from feeds.keys import digest
from feeds.listing import FILE_MANAGER_LITTER, refused_folder
from feeds.render import ROBOTS_PATH, TOP_LEVEL, CopiedFile

if TYPE_CHECKING:
    from feeds.cache import BuildCache

ROOT_DIR = "root"
_VIM_SWAP = re.compile(r"\..*\.sw[a-p]")  # .x.swp, and .x.swo... when that one is taken
# What the build writes at each entry of its output's top (see feeds.render.TOP_LEVEL), for the error
# of a file of root/ that stands there; and the hint.
_BUILD_WRITES = {
    "news": "the news pages", "events": "the event pages and their calendar files", "tags": "the tag pages",
    "archive": "the archive pages", "feeds": "the feeds, the calendar and the page listing them",
    "static": "the files of templates/static/", "index.html": "the front page", "404.html": "the not-found page",
    "robots.txt": "robots.txt, letting crawlers read every page and naming the sitemap",
    "sitemap.xml": "the sitemap", "sitemaps": "the sitemaps of a site past 50,000 pages",
    "_headers": "_headers, the content types and cache rules that static hosts read",
    "next-lift.txt": "when the next embargo lifts",
}
# What root/ may give in place of the build's own file, by that file's exact name: robots.txt is the
# site's to write (a host's other paths, a crawler kept out), and the build's is a default.
REPLACEABLE = frozenset({ROBOTS_PATH})
_HINTS = {
    "robots.txt": "name it robots.txt, in lower case, to publish it in place of the build's",
    "static": "put the file under templates/static/, which is published at static/",
    "index.html": "to change the front page, give the site its own templates/index.html",
    "404.html": "to change the not-found page, give the site its own templates/404.html",
}
_HINT = "remove the file, or give it a path of its own in root/"


@dataclass(frozen=True)
class RootListing:
    """root/ as one look found it, unread: its files (see list_root), the folders linked there that
    lead outside it, the folders that cannot be read, and whether something else stands where the
    folder goes."""

    taken: int  # ns since the epoch, before the first file was looked at
    folder: Path
    files: tuple[FoundFile, ...]  # sorted by name, their paths in the output
    outside: tuple[str, ...]
    not_a_folder: bool
    unreadable: tuple[str, ...] = ()  # by their paths in root/, each with its "/" ("" for root/ itself)


def list_root(site_dir: Path) -> RootListing:
    """Every file under root/ and its status now, by its path in root/, which is its path in the output,
    sorted; a file removed while looking is left out. Hidden files and folders are published
    (.well-known/, .nojekyll), as hosts read them; an editor's or a file manager's scratch files and a
    .git folder are not (see _scratch), so that typing in an editor changes nothing. A dangling link
    (an editor's lock file) is no file. A linked folder is walked as any other, once, unless it leads
    outside root/ (see RootFiles.problems). Each file says whether it is reached through a symbolic
    link (it is one, or lies in a folder that is one, root/ itself included): only such a file can
    lead outside root/, or change where the preview's watcher is told of nothing. A folder that cannot
    be read, root/ itself included, is named (see RootFiles.problems): its files would be left out."""
    taken = time.time_ns()
    folder = site_dir / ROOT_DIR
    found, outside, unreadable = _walk(site_dir)
    files, refused = found_files((os.path.join(folder, name), name, linked) for name, linked in found)
    return RootListing(taken, folder, tuple(files), tuple(outside), os.path.lexists(folder) and not folder.is_dir(),
                       tuple(sorted({*unreadable, *refused})))


@dataclass(frozen=True)
class RootFiles:
    """root/ as one look found it: its files, each known by a digest of its bytes, by their paths in the
    output; the folders linked there that lead outside it, which were not walked; the folders that
    cannot be read; and whether something else stands where the folder goes."""

    folder: Path
    files: tuple[DigestedFile, ...]  # sorted by name, their paths in the output
    outside: tuple[str, ...]
    not_a_folder: bool
    linked: frozenset[str]  # the names of the files reached through a symbolic link (see list_root)
    unreadable: tuple[str, ...] = ()  # by their paths in root/, each with its "/" ("" for root/ itself)
    unread: tuple[Problem, ...] = ()  # the files that cannot be read, left out of `files` (see digest_files)

    @cached_property
    def key(self) -> str:
        """A digest of the files by their paths in the output and their bytes, and of what is wrong
        that no file shows: something else where the folder goes, a folder linked from outside, a
        folder or a file that cannot be read."""
        parts = ["no folder" if self.not_a_folder else "folder", *(f"outside {name}" for name in self.outside),
                 *(f"unreadable {name}" for name in self.unreadable), *(f"unread {file.path}" for file in self.unread)]
        for file in self.files:
            parts += [file.name, file.digest]
        return digest(*parts)

    @cached_property
    def problems(self) -> tuple[Problem, ...]:
        """What is wrong with root/: a file's name that no URL can carry, a link leading out of root/, a
        folder or a file that cannot be read (its files would be left out, and taken down if they were
        published), a file where the build writes one of its own but one of REPLACEABLE by its exact
        name (in any case: hosts that ignore it take either for the other), or a file where the folder
        should be."""
        if self.not_a_folder:
            return (Problem(ROOT_DIR, 0, "", "is not a folder",
                            "make root/ a folder of the files to publish at the site's root, or remove it"),)
        problems = [Problem(f"{ROOT_DIR}/{readable_name(name)}", 0, "", "is a link leading outside root/",
                            "copy the folder into root/ instead of linking to it") for name in self.outside]
        problems += [unreadable_folder(f"{ROOT_DIR}/{readable_name(name)}", "the files") for name in self.unreadable]
        problems += self.unread
        for file in self.files:
            name = file.name
            shown = f"{ROOT_DIR}/{readable_name(name)}"
            top = name.partition("/")[0]
            taken = next((own for own in TOP_LEVEL if own.casefold() == top.casefold()), None)
            if (problem := published_file_problem(shown, name, Path(file.path), self.folder, f"{ROOT_DIR}/",
                                                  f"{ROOT_DIR}/", name in self.linked)) is not None:
                problems.append(problem)
            elif taken is not None and name not in REPLACEABLE:
                where = "is where" if top == name else f"is in {top}/, where"
                problems.append(Problem(shown, 1, "", f"{where} the build writes {_BUILD_WRITES[taken]}",
                                        _HINTS.get(taken, _HINT)))
        return tuple(problems)

    def outputs(self, *, staging: bool) -> list[CopiedFile]:
        """The files, each at its path in the output, to be copied byte for byte (validation reports
        the problems). In a staging build (see SiteConfig.staging), not robots.txt: the build's own,
        which closes the copy to crawlers, stays, as the site's is written for the site itself and
        would open the copy."""
        return [CopiedFile(file.name, file.digest, file.path, file.size) for file in self.files
                if not (staging and file.name == ROBOTS_PATH)]


def read_root(listing: RootListing, cache: BuildCache) -> RootFiles:
    """root/ as `listing` found it, each file read and digested unless `cache` knows it unchanged, as
    a template file is (see feeds.file_digests)."""
    files, unread = digest_files(listing.taken, listing.files, cache, ROOT_FILES, folder=ROOT_DIR)
    return RootFiles(listing.folder, tuple(files), listing.outside, listing.not_a_folder,
                     frozenset(file.name for file in listing.files if file.linked), listing.unreadable, tuple(unread))


def _walk(site_dir: Path) -> tuple[list[tuple[str, bool]], list[str], list[str]]:
    """The files of root/ (see list_root), each with whether it is reached through a link; the
    folders linked there that lead outside it, which are not walked: a link to /, or to the site
    above, would have the whole of it read; and the folders that cannot be read, each by its path in
    root/ with its "/" ("" for root/ itself)."""
    folder = str(site_dir / ROOT_DIR)
    inside = os.path.realpath(folder)
    found: list[tuple[str, bool]] = []
    outside: list[str] = []
    unreadable: set[str] = set()

    def refused(error: OSError) -> None:
        """A folder os.walk cannot list: one not ours to read is named (or the one holding it, when
        that one cannot be searched), as its files would be left out unsaid; one gone (root/ itself,
        where there is none) is no folder."""
        if isinstance(error, PermissionError) and error.filename is not None:
            path = os.fsdecode(error.filename)
            unreadable.add("" if path == folder else
                           refused_folder(os.path.relpath(path, folder).replace(os.sep, "/") + "/", path))

    walked: set[str] = set()  # the real paths of the folders walked: a link to a folder above is no loop
    linked = {folder} if os.path.islink(folder) else set()  # the folders walked that are reached through a link
    for top, folders, names in os.walk(folder, onerror=refused, followlinks=True):
        walked.add(os.path.realpath(top))
        prefix = "" if top == folder else os.path.relpath(top, folder).replace(os.sep, "/") + "/"
        through_link = top in linked
        kept = []
        for name in folders:
            path = os.path.join(top, name)
            real = os.path.realpath(path)
            if _scratch(name) or real in walked:
                continue
            if os.path.commonpath([real, inside]) != inside:
                outside.append(prefix + name)
            else:
                kept.append(name)
                if through_link or os.path.islink(path):
                    linked.add(path)
        folders[:] = kept  # the others are not walked at all
        for name in names:
            if _scratch(name):
                continue
            try:
                is_link = _file_or_link(os.path.join(top, name))
            except PermissionError:  # listed, but not searched: its files would be left out unsaid
                unreadable.add(prefix)
                continue
            if is_link is not None:
                found.append((prefix + name, through_link or is_link))
    return sorted(found), sorted(outside), sorted(unreadable)


def _file_or_link(path: str) -> bool | None:
    """True when the entry at `path` is a symbolic link to a file, or to where none may look (reading it
    then says so), False when it is a file; None when it is neither (a dangling link, say), or is
    gone. PermissionError when it cannot be looked at: the folder holding it may be listed but not
    searched."""
    try:
        mode = os.lstat(path).st_mode
    except PermissionError:
        raise
    except OSError:
        return None
    if stat.S_ISLNK(mode):
        try:
            return True if stat.S_ISREG(os.stat(path).st_mode) else None
        except PermissionError:  # it leads where none may look: listed all the same, and reading it says so
            return True
        except OSError:  # a dangling link, or one in a loop
            return None
    return False if stat.S_ISREG(mode) else None


def _scratch(name: str) -> bool:
    """A file or folder no one means to publish: an editor's swap file (.x.swp), autosave (#x#),
    backup (x~) or lock link (.#x), what macOS and Windows leave in folders (.DS_Store, ._x,
    Thumbs.db), or a repository's .git and own files (.gitignore, .gitkeep)."""
    return (name.startswith(("#", ".#", "._")) or name.endswith("~") or name in FILE_MANAGER_LITTER
            or name in _REPOSITORY_FILES or _VIM_SWAP.fullmatch(name) is not None)


_REPOSITORY_FILES = frozenset({".git", ".gitignore", ".gitattributes", ".gitkeep", ".gitmodules"})

