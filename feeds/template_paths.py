"""Where the templates are: the site's own templates/ first, then the built-in ones; and which files
are in use (what each template parses to is feeds.template_syntax's)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from feeds.listing import litter

STATIC_DIR = "static"
BUILTIN_PREFIX = "builtin/"  # `{% extends "builtin/base.html" %}`: the built-in template under the site's own
# The macros the pages import: a site's own file of this name holds the macros it changes, over the
# built-in ones (see feeds.render.html._TemplateFiles).
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
    return next((d / name for d in template_dirs if (d / name).is_file()), None)


def template_dirs(site_dir: Path) -> list[Path]:
    """Where templates are looked up, first match wins."""
    builtin = builtin_templates()
    own = site_dir / "templates"
    return [own, builtin] if own.is_dir() and own.resolve() != builtin.resolve() else [builtin]


def template_files(directory: Path) -> list[Path]:
    """Every file under a templates folder, sorted. An editor's swap file, autosave or backup
    (.news.html.swp, #news.html#, news.html~) and other hidden files and folders are let be, as in
    content/: typing in an editor neither changes the site nor rebuilds the preview. A dangling link
    (an editor's lock file, .#news.html) is no file. A static/ that is a link to a folder is walked
    too, which rglob does not follow: its files are published (or refused, when it leads outside the
    templates folder: see render.html.static_files)."""
    found = [path for path in directory.rglob("*")
             if path.is_file() and not any(litter(part) for part in path.relative_to(directory).parts)]
    static = directory / STATIC_DIR
    if static.is_symlink() and static.is_dir():
        found += template_files(static)
    return sorted(found)


def files_in_use(template_dirs: Sequence[Path]) -> dict[str, Path]:
    """Every file of the template folders (see template_files) by its path in them, sorted: the site's
    own over a built-in one of the same name."""
    found: dict[str, Path] = {}
    for directory in reversed(template_dirs):
        found.update((path.relative_to(directory).as_posix(), path) for path in template_files(directory))
    return dict(sorted(found.items()))


def page_templates(template_dirs: Sequence[Path]) -> list[str]:
    """The names of the HTML templates in use; the files under static/ are copied, not templates."""
    return [name for name in files_in_use(template_dirs) if name.endswith(".html") and not name.startswith(f"{STATIC_DIR}/")]
