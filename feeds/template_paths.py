"""Where the templates are: the site's own templates/ first, then the built-in ones; and which files
are in use (what each template parses to is feeds.template_syntax's)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from feeds.listing import litter, refused_folder, unsearchable

STATIC_DIR = "static"
BUILTIN_PREFIX = "builtin/"  # `{% extends "builtin/base.html" %}`: the built-in template under the site's own
# The macros the pages import: a site's own file of this name holds the macros it changes, over the
# built-in ones (see feeds.render.environment._TemplateFiles).
MACROS = "macros.html"


def builtin_templates() -> Path:
    """The built-in templates: inside the installed package, or beside it in a source checkout."""
    packaged = Path(__file__).resolve().parent / "templates"
    return packaged if packaged.is_dir() else packaged.parent.parent / "templates"


def template_file(name: str, template_dirs: Sequence[Path]) -> Path | None:
    """The file a template's name leads to: the site's own over the built-in one of that name, and
    `builtin/<name>` the built-in one, which a site's template of the same name can extend."""
    if name.startswith(BUILTIN_PREFIX):
        path = builtin_templates() / name.removeprefix(BUILTIN_PREFIX)
        return path if path.is_file() else None
    # os.path.isfile, not Path.is_file: a folder that cannot be searched holds no file to use, and is
    # reported by the walk of the templates (see template_walk).
    return next((d / name for d in template_dirs if os.path.isfile(d / name)), None)


def template_dirs(site_dir: Path) -> list[Path]:
    """Where templates are looked up, first match wins."""
    builtin = builtin_templates()
    own = site_dir / "templates"
    return [own, builtin] if own.is_dir() and own.resolve() != builtin.resolve() else [builtin]


def template_files(directory: Path) -> list[tuple[str, bool]]:
    """Every file under a templates folder (see template_walk), sorted."""
    return template_walk(directory)[0]


def template_walk(directory: Path) -> tuple[list[tuple[str, bool]], list[str]]:
    """Every file under a templates folder, by its path in it (static/images/photo.jpg), sorted, each
    with whether it is reached through a symbolic link (it is one, or lies in a static/ that is one):
    only such a file can lead outside the folder, so only its real path is looked up (a newsroom's
    static/ may hold 10,000 photos: the walk makes no Path of each). An editor's swap file, autosave
    or backup (.news.html.swp, #news.html#, news.html~) and other hidden files and folders are let
    be, as in content/: typing in an editor neither changes the site nor rebuilds the preview. A
    dangling link (an editor's lock file, .#news.html) is no file. A folder that is a link is not
    walked, but for static/: its files are published (or refused, when it leads outside the
    templates folder: see render.html.static_files).

    And the folders that cannot be read, the folder itself included, each by its path in it with its
    "/" ("" for the folder itself), sorted: the files in them would be left out unsaid. One that can be
    listed but not searched (see listing.unsearchable) is found here when what is in it cannot be told
    a file from a folder without looking, else when its files are (see file_digests.found_files)."""
    found: list[tuple[str, bool]] = []
    unreadable: set[str] = set()
    pending = [("", False)]
    while pending:
        prefix, linked = pending.pop()
        path = os.path.join(directory, prefix)
        try:
            entries = list(os.scandir(path))
        except PermissionError:  # not ours to read: its templates and static files would be left out unsaid
            unreadable.add(refused_folder(prefix, path))
            continue
        except OSError:  # gone, or a link in a loop
            continue
        for entry in entries:
            if litter(entry.name):
                continue
            name = prefix + entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((name + "/", linked))
                elif entry.is_symlink() and name == STATIC_DIR and entry.is_dir():
                    pending.append((name + "/", True))
                elif entry.is_file():
                    found.append((name, linked or entry.is_symlink()))
            except PermissionError:  # listed, but perhaps not searched: then its files would be left out unsaid
                if unsearchable(entry.path):
                    unreadable.add(prefix)
                else:  # a link leading where none may look: reading it says so
                    found.append((name, True))
            except OSError:  # a link in a loop leads nowhere, as a dangling one does
                continue
    return sorted(found, key=lambda file: file[0].split("/")), sorted(unreadable)


def template_names(template_dirs: Sequence[Path]) -> list[str]:
    """The path in its folder of every file of the template folders (see template_files), sorted: the
    site's own and the built-in ones."""
    return sorted({name for directory in template_dirs for name, _ in template_files(directory)})


def page_templates(template_dirs: Sequence[Path]) -> list[str]:
    """The names of the HTML templates in use; the files under static/ are copied, not templates."""
    return [name for name in template_names(template_dirs)
            if name.endswith(".html") and not name.startswith(f"{STATIC_DIR}/")]
