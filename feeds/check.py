"""The whole site checked before anything is rendered: every content file validated (from the
cache when its bytes were seen), the items placed in the ledger and looked at together (pages, ids
and UIDs, tags, links, images), the UI words read; every problem found at once."""

from __future__ import annotations

import gc
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from feeds.aliases import alias_line, check_aliases
from feeds.cache import BuildCache
from feeds.config import CONFIG_NAME, setting_line
from feeds.embargo import published_but_held, split_embargoed
from feeds.errors import Problem, Severity, SiteError
from feeds.inputs import Found
from feeds.ledger import Ledger, apply, read_ledger, reused_withdrawn
from feeds.listing import Listing, leads_outside, stray_problems, unreadable_problems
from feeds.load import Source, read_source
from feeds.model import Claim, Event, Item, NewsItem, Site, item_path, newest_first
from feeds.progress import Progress
from feeds.root_files import RootFiles
from feeds.settings import SiteConfig
from feeds.strings import Strings, load_strings, untranslated
from feeds.template_digests import Templates
from feeds.template_paths import template_dirs
from feeds.unique import check_tags, check_unique

if TYPE_CHECKING:
    from feeds.parse import Parsed

_PLACINGS = "placings"  # kept between builds: the ledger read, and each item's placing in it (see ledger.apply)


@dataclass(frozen=True)
class Loaded:
    """A validated site, the ledger it implies, the warnings found on the way, the template files and
    root/'s files it was checked with, and what is embargoed."""

    site: Site
    ledger: Ledger
    warnings: tuple[Problem, ...]
    templates: Templates
    root: RootFiles  # what the site publishes at its output's root as it is
    embargoed: tuple[Item, ...] = ()  # held out of every output, the soonest to lift first
    drafts: int = 0  # drafts left out (none when the build shows them)


def validate_site(site_dir: Path, config: SiteConfig, found: list[Found], *, now: datetime, drafts: bool,
                  strict: bool, progress: Progress, cache: BuildCache, listing: Listing,
                  templates: Templates, root: RootFiles) -> Loaded:
    """Validate the content files read, as of `now`; raise SiteError listing every error (and, if
    strict, warning). `listing` is the look at content/ they were read from: each file there that is
    not published is a warning, each folder of a kind that cannot be read an error; `templates` are
    the files of the template folders (see feeds.template_digests), and `root` those of root/ (see
    feeds.root_files), each folder of theirs that cannot be read an error too."""
    # Imported here, with the parsers and checks they bring: a build that changes nothing needs none.
    from feeds.lint import lint_images, lint_moved, lint_setting_images, lint_timely
    from feeds.lint_links import lint_links

    with progress.phase("validate"), _collector_paused():
        parsed = _validate_all(found, site_dir, config, cache)
        problems = [problem for result in parsed for problem in result.problems]
        problems += stray_problems(listing.strays) + unreadable_problems(listing.unreadable) + list(templates.problems)
        items = [result.item for result in parsed if result.item is not None]
        # What the files with errors would take, which the checks across items take too (see Claim)
        claims = [result.claim for result in parsed if result.claim is not None and (drafts or not result.claim.draft)]
        lines = {made.source: result.lines for result in parsed if (made := result.item or result.claim) is not None}
        recorded = read_ledger(site_dir)
        # The items published from a folder that cannot be read are not gone: the folder is reported.
        present = [file.name for file in found] + [entry.path for entry in recorded.entries
                                                   if entry.path.startswith(listing.unreadable)]
        shown, embargoed, ledger, placing = _place(items, recorded, present, now, drafts, lines, config, cache)
        problems += placing
        problems += check_unique([*shown, *embargoed, *claims], lines) + check_tags(shown, lines)
        files = _published_as_is(templates, root)
        problems += check_aliases([*shown, *embargoed, *claims], files, partial(_alias_line, site_dir, config, lines))
        problems += lint_timely(shown, lines, now, config.timezone) + lint_images(shown, lines, files, config)
        problems += lint_moved(shown, embargoed, lines, config.id_domain, config.id_path)
        problems += lint_setting_images(config, files, partial(setting_line, site_dir))
        problems += lint_links(shown, embargoed, lines, files, _unmade_pages(found, parsed), config.base_url,
                               config.pages.per_page, lambda name: _text_of(site_dir / name))
        strings, string_problems = _strings(site_dir, config, templates.key)
        problems += string_problems + list(root.problems)
    site = Site(
        config=config,
        news=tuple(newest_first(i for i in shown if isinstance(i, NewsItem))),
        events=tuple(sorted((i for i in shown if isinstance(i, Event)), key=lambda e: (e.starts_at, e.id))),
        now=now,
        strings=strings,
        next_lift=embargoed[0].embargoed_until if embargoed else None,
    )
    if not drafts:
        problems = _drafts_warnings_apart(problems, {item.source for item in items if item.draft})
    if any(p.is_error for p in problems) or (strict and any(p.fails_strict for p in problems)):
        problems += [p for p in _rendering_problems(site, site_dir, templates, problems) if p not in problems]
        raise SiteError(problems)
    left_out = 0 if drafts else sum(1 for item in items if item.draft)
    return Loaded(site, ledger, tuple(sorted(problems)), templates, root, embargoed, left_out)


def _untranslated_problem(site_dir: Path, language: str) -> Problem:
    """The warning for a `language` no strings file is in: pages marked as written in it around
    English menus, labels and dates (which screen readers then read with the wrong language's rules)."""
    return Problem(CONFIG_NAME, setting_line(site_dir, "language"), "language",
                   f"the site's own words (menus, labels, dates) have no {language!r} translation: they stay English",
                   f"translate the built-in strings/en.toml into templates/strings/{language.split('-')[0]}.toml, "
                   "as the README's Translating the site tells", Severity.WARNING)


def _drafts_warnings_apart(problems: list[Problem], drafts: set[str]) -> list[Problem]:
    """The problems, those warnings of the drafts (their files) that the build leaves out told apart,
    which --strict lets pass: they hold back nothing that is published."""
    return [replace(p, severity=Severity.DRAFT_WARNING) if not p.is_error and p.path in drafts else p
            for p in problems]


def _alias_line(site_dir: Path, config: SiteConfig, lines: Mapping[str, Mapping[str, int]], item: Item | Claim,
                path: str) -> int:
    """The line of an item's old address that gives `path` (see aliases.alias_line), else of its key."""
    source = read_source(site_dir / item.source, site_dir)
    found = alias_line(source, path, config.published_under) if isinstance(source, Source) else None
    return found or lines.get(item.source, {}).get("aliases", 1)


def _text_of(path: Path) -> str:
    """A content file's text read again, to locate a warning in it; "" when it cannot be read now."""
    try:
        return path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError:
        return ""


def _unmade_pages(found: list[Found], parsed: list[Parsed]) -> set[str]:
    """The pages the content files with errors have by their names: a link to one is right, and its
    file's errors are reported already. (A slug: in such a file goes unread.)"""
    from feeds.slugs import slug_from_name

    unmade = (PurePosixPath(file.name) for file, result in zip(found, parsed) if result.item is None)
    # content/news/2018/x.md: the folder under content/ is the section its page is in
    return {item_path(path.parts[1], slug_from_name(unicodedata.normalize("NFC", path.stem))) for path in unmade}


def _rendering_problems(site: Site, site_dir: Path, templates: Templates, found: list[Problem]) -> list[Problem]:
    """The templates' faults that show only when they run (an unknown attribute, a division by zero),
    found on the items that are valid, so that they come with the problems `found` so far: the pages
    no list or item makes, and the first page of each template that does. The templates that compile
    are tried beside another's syntax error, but none when the UI words or a template cannot be read:
    the pages would ask for words or templates that are not there."""
    from feeds.render.html import first_pages, render_site
    from feeds.template_errors import SYNTAX

    if any(p.path.startswith("templates/") and not p.message.startswith(SYNTAX) for p in found):
        return []

    try:
        render_site(site, site_dir, templates, pages=first_pages)
    except SiteError as error:
        return list(error.problems)
    return []


def _place(items: list[Item], recorded: Ledger, present: list[str], now: datetime, drafts: bool,
           lines: Mapping[str, Mapping[str, int]], config: SiteConfig,
           cache: BuildCache) -> tuple[list[Item], tuple[Item, ...], Ledger, list[Problem]]:
    """The items shown, those held by an embargo (the soonest to lift first), the ledger they make,
    and what is wrong in that: an item published before that would be held now, or has disappeared,
    or a withdrawn item's id given again. Drafts are shown with `drafts`, and never recorded. A
    private cache keeps each item's placing in the ledger read (see ledger.apply) for the next build."""
    public, embargoed = split_embargoed(items, now)
    embargoed = tuple(item for item in embargoed if drafts or not item.draft)  # a draft lifts with no date
    last = cache.between_builds(_PLACINGS)
    known = last.get("placings") if last.get("ledger") is recorded else None
    published, ledger, ledger_problems, placings = apply(recorded, [i for i in public if not i.draft],
                                                         present=present, known=known)
    cache.keep_between_builds(_PLACINGS, {"ledger": recorded, "placings": placings})
    taken_back = published_but_held(embargoed, recorded, lines)
    held_back = {problem.path for problem in taken_back}  # not "disappeared": held by its embargo
    problems = taken_back + [p for p in ledger_problems if p.path not in held_back]
    problems += reused_withdrawn(recorded, [*published, *embargoed], config.id_domain, config.id_path)
    shown = published + ([i for i in public if i.draft] if drafts else [])
    return shown, embargoed, ledger, problems


def _validate_all(found: list[Found], site_dir: Path, config: SiteConfig, cache: BuildCache) -> list[Parsed]:
    """Every content file's item, problems and key lines: from the cache when its bytes were seen, else parsed."""
    from feeds.parse import parse_files

    keys = [file.key for file in found]
    cached = [cache.get(key) for key in keys]
    missing = []
    for n, (file, parsed) in enumerate(zip(found, cached)):
        if parsed is None:
            data = file.data
            if data is None:  # known by its stamp, but its item is not kept, or unread: keyed by the bytes read now
                outside = file.linked and leads_outside(site_dir / file.name, site_dir)
                keys[n], data = cache.read_keyed(config, site_dir, file.name, outside=outside)  # None: read_source says why
            missing.append((site_dir / file.name, data, file.linked))
    fresh = iter(parse_files(missing, site_dir, config))
    results = []
    for key, parsed in zip(keys, cached):
        if parsed is None:
            parsed = next(fresh)
            cache.put(key, parsed)
        results.append(parsed)
    return results


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Validation creates a few objects per content file and frees almost none; CPython's cyclic
    collector would scan all of them again and again (at 100,000 files, half the validation time).
    Pause it, and then exempt what was made from later scans: the site lives to the end of the build."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _published_as_is(templates: Templates, root: RootFiles) -> set[str]:
    """The paths in the output of the files published as they are: the static files (static/...), the
    site's and the built-in ones, and the files of root/ (press/photo.jpg)."""
    return set(templates.static) | {file.name for file in root.files}


def _strings(site_dir: Path, config: SiteConfig, templates: str) -> tuple[Strings, list[Problem]]:
    """The UI words, and their problems with the templates' syntax errors, which join those of the
    content, so that one run reports them all; `templates` is the template folders' digest."""
    from feeds.template_errors import syntax_problems

    dirs = template_dirs(site_dir)
    problems = list(syntax_problems(templates, tuple(dirs)))
    if untranslated(dirs, config.language):
        problems.append(_untranslated_problem(site_dir, config.language))
    try:
        return load_strings(dirs, config.language), problems
    except SiteError as error:
        return Strings({}), problems + list(error.problems)
