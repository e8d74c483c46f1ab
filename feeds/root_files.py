"""root/ beside site.toml: files the site publishes at the root of its output as they are, such as a
host's CNAME or _redirects, .well-known/security.txt or a search console's verification file."""

from __future__ import annotations

import os
import re
from pathlib import Path

from feeds.errors import Problem, SiteError, published_file_problem, readable_name
from feeds.listing import FILE_MANAGER_LITTER
from feeds.render import TOP_LEVEL, OutputFile

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
_ROBOTS = "robots.txt"
# What root/ may give in place of the build's own file, by that file's exact name: robots.txt is the
# site's to write (a host's other paths, a crawler kept out), and the build's is a default.
REPLACEABLE = frozenset({_ROBOTS})
_HINTS = {
    "robots.txt": "name it robots.txt, in lower case, to publish it in place of the build's",
    "static": "put the file under templates/static/, which is published at static/",
    "index.html": "to change the front page, give the site its own templates/index.html",
    "404.html": "to change the not-found page, give the site its own templates/404.html",
}
_HINT = "remove the file, or give it a path of its own in root/"


def root_files(site_dir: Path) -> dict[str, Path]:
    """Every file under root/ by its path in the output, sorted. Hidden files and folders are
    published (.well-known/, .nojekyll), as hosts read them; an editor's or a file manager's scratch
    files and a .git folder are not (see _scratch), so that typing in an editor changes nothing. A
    dangling link (an editor's lock file) is no file. A linked folder is walked as any other, once,
    unless it leads outside root/ (see root_problems)."""
    return walk_root(site_dir)[0]


def walk_root(site_dir: Path) -> tuple[dict[str, Path], list[str]]:
    """The files of root/ (see root_files), and the folders linked there that lead outside it, which
    are not walked: a link to /, or to the site above, would have the whole of it read."""
    folder = site_dir / ROOT_DIR
    inside = os.path.realpath(folder)
    found: dict[str, Path] = {}
    outside: list[str] = []
    walked: set[str] = set()  # the real paths of the folders walked: a link to a folder above is no loop
    for top, folders, names in os.walk(folder, followlinks=True):
        walked.add(os.path.realpath(top))
        kept = []
        for name in folders:
            real = os.path.realpath(os.path.join(top, name))
            if _scratch(name) or real in walked:
                continue
            if os.path.commonpath([real, inside]) != inside:
                outside.append(Path(top, name).relative_to(folder).as_posix())
            else:
                kept.append(name)
        folders[:] = kept  # the others are not walked at all
        for name in names:
            path = Path(top, name)
            if not _scratch(name) and path.is_file():
                found[path.relative_to(folder).as_posix()] = path
    return dict(sorted(found.items())), sorted(outside)


def _scratch(name: str) -> bool:
    """A file or folder no one means to publish: an editor's swap file (.x.swp), autosave (#x#),
    backup (x~) or lock link (.#x), what macOS and Windows leave in folders (.DS_Store, ._x,
    Thumbs.db), or a repository's .git and own files (.gitignore, .gitkeep)."""
    return (name.startswith(("#", ".#", "._")) or name.endswith("~") or name in FILE_MANAGER_LITTER
            or name in _REPOSITORY_FILES or _VIM_SWAP.fullmatch(name) is not None)


_REPOSITORY_FILES = frozenset({".git", ".gitignore", ".gitattributes", ".gitkeep", ".gitmodules"})


def root_problems(site_dir: Path) -> list[Problem]:
    """What is wrong with root/: a file's name that no URL can carry, a link leading out of root/, a
    file where the build writes one of its own but one of REPLACEABLE by its exact name (in any case:
    hosts that ignore it take either for the other), or a file where the folder should be."""
    return _problems(site_dir, *walk_root(site_dir))


def _problems(site_dir: Path, files: dict[str, Path], outside: list[str]) -> list[Problem]:
    """What is wrong with root/, walked into these files and folders linked from outside (see root_problems)."""
    folder = site_dir / ROOT_DIR
    if os.path.lexists(folder) and not folder.is_dir():
        return [Problem(ROOT_DIR, 0, "", "is not a folder",
                        "make root/ a folder of the files to publish at the site's root, or remove it")]
    problems = [Problem(f"{ROOT_DIR}/{readable_name(name)}", 0, "", "is a link leading outside root/",
                        "copy the folder into root/ instead of linking to it") for name in outside]
    for name, path in files.items():
        shown = f"{ROOT_DIR}/{readable_name(name)}"
        top = name.partition("/")[0]
        taken = next((own for own in TOP_LEVEL if own.casefold() == top.casefold()), None)
        if (problem := published_file_problem(shown, name, path, folder, f"{ROOT_DIR}/", f"{ROOT_DIR}/")) is not None:
            problems.append(problem)
        elif taken is not None and name not in REPLACEABLE:
            where = "is where" if top == name else f"is in {top}/, where"
            problems.append(Problem(shown, 1, "", f"{where} the build writes {_BUILD_WRITES[taken]}",
                                    _HINTS.get(taken, _HINT)))
    return problems


def root_outputs(site_dir: Path, *, staging: bool = False) -> list[OutputFile]:
    """The files of root/, each at its path in the output, byte for byte; SiteError if any is wrong.
    In a staging build (see SiteConfig.staging), not robots.txt: the build's own, which closes the
    copy to crawlers, stays, as the site's is written for the site itself and would open the copy."""
    files, outside = walk_root(site_dir)  # once: checked and read as walked
    if problems := _problems(site_dir, files, outside):
        raise SiteError(problems)
    return [OutputFile(name, path.read_bytes()) for name, path in files.items()
            if not (staging and name == _ROBOTS)]
