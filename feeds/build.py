"""The pipeline, top to bottom: load, validate, place in the ledger, render, write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import jinja2

from feeds.cache import BuildCache, templates_key
from feeds.config import SiteConfig, load_config
from feeds.embargo import split_embargoed, withdrawals
from feeds.errors import Problem, SiteError, display_path
from feeds.ledger import LEDGER_NAME, Ledger, apply, read_ledger
from feeds.lint import lint_timely
from feeds.load import find_sources, read_source
from feeds.model import Event, Item, NewsItem, Site
from feeds.parse import Parsed, parse_files
from feeds.progress import Progress
from feeds.render import OutputFile
from feeds.render.hosting import render_headers, render_next_lift
from feeds.render.html import render_site, template_dirs
from feeds.render.ics import render_calendar
from feeds.render.syndication import render_feeds
from feeds.template_errors import template_problem
from feeds.validate import check_unique
from feeds.write import UnsafePath, write_file, write_tree


@dataclass(frozen=True)
class Loaded:
    """A validated site, the ledger it implies, the warnings found on the way, and what is embargoed."""

    site: Site
    ledger: Ledger
    warnings: tuple[Problem, ...]
    embargoed: tuple[Item, ...] = ()  # held out of every output, the soonest to lift first


@dataclass(frozen=True)
class BuildResult:
    site: Site
    files: int
    warnings: tuple[Problem, ...]
    embargoed: tuple[Item, ...] = ()


def load_site(site_dir: Path, *, now: datetime | None = None, base_url: str | None = None, drafts: bool = False,
              strict: bool = False, progress: Progress | None = None, cache: BuildCache | None = None) -> Loaded:
    """Read and validate everything; raise SiteError listing every error (and, if strict, warning)."""
    progress = progress or Progress()
    problems: list[Problem] = []
    with progress.phase("read"):
        files = _read_all(site_dir, progress)
        config = _config(site_dir, base_url, files)
        now = _resolve_now(now, config)
        cache = cache or BuildCache.open(site_dir)
    with progress.phase("validate"):
        parsed = _validate_all(files, site_dir, config, cache, problems)
        items = [item for item, _, _ in parsed if item is not None]
        lines = {item.source: key_lines for item, _, key_lines in parsed if item is not None}
        public, embargoed = split_embargoed(items, now)
        recorded = read_ledger(site_dir)
        published, ledger, ledger_problems = apply(recorded, [i for i in public if not i.draft])
        withdrawn = withdrawals(embargoed, recorded)
        held_back = {problem.path for problem in withdrawn}  # not "disappeared": held by its embargo
        problems += withdrawn + [p for p in ledger_problems if p.path not in held_back]
        shown = published + ([i for i in public if i.draft] if drafts else [])
        check_unique([*shown, *embargoed], problems, lines)
        problems += lint_timely(shown, lines, now)
    if any(p.is_error for p in problems) or (strict and problems):
        raise SiteError(problems)
    site = Site(
        config=config,
        news=tuple(sorted((i for i in shown if isinstance(i, NewsItem)), key=lambda i: (i.date, i.id), reverse=True)),
        events=tuple(sorted((i for i in shown if isinstance(i, Event)), key=lambda e: (e.starts_at, e.id))),
        now=now,
        next_lift=embargoed[0].embargoed_until if embargoed else None,
    )
    return Loaded(site, ledger, tuple(sorted(problems)), embargoed)


def render(site: Site, site_dir: Path) -> list[OutputFile]:
    """Every output file, from pure renderers."""
    try:
        files = [*render_calendar(site), *render_site(site, site_dir), *render_next_lift(site)]
        files += render_feeds(site, published=files)  # the other files give enclosure sizes
        return [*files, render_headers(files)]
    except jinja2.TemplateError as error:
        raise SiteError([template_problem(error, site_dir)]) from None


def build(site_dir: Path, output: Path, *, now: datetime | None = None, base_url: str | None = None,
          drafts: bool = False, strict: bool = False, progress: Progress | None = None,
          use_cache: bool = True) -> BuildResult:
    """Build the site into `output`, replacing it only when every file is ready.

    With the cache, unchanged content files are not parsed again, and when nothing the renderers
    read has changed since the last build into an untouched `output`, nothing is rendered or written.
    """
    progress = progress or Progress()
    cache = BuildCache.open(site_dir) if use_cache else BuildCache.empty(site_dir)
    loaded = load_site(site_dir, now=now, base_url=base_url, drafts=drafts, strict=strict, progress=progress,
                       cache=cache)
    key = cache.site_key(loaded.site, templates_key(template_dirs(site_dir)))
    written = cache.current_output(output, key)
    with progress.phase("render"):
        files = render(loaded.site, site_dir) if written is None else []
    with progress.phase("write"):
        if written is None:
            try:
                write_tree(output, files)
            except UnsafePath as error:
                raise SiteError([Problem(str(output), 0, "", str(error),
                                         "report this: a renderer made an unsafe path")]) from None
            written = cache.remember_output(output, key, len(files))
        cache.save_items()
        write_file(site_dir / LEDGER_NAME, loaded.ledger.to_bytes())
    return BuildResult(loaded.site, written.files, loaded.warnings, loaded.embargoed)


def _read_all(site_dir: Path, progress: Progress) -> list[tuple[Path, bytes]]:
    """Every content file's bytes, each read once."""
    return [(path, path.read_bytes()) for path in progress.track(find_sources(site_dir), "reading")]


def _config(site_dir: Path, base_url: str | None, files: list[tuple[Path, bytes]]) -> SiteConfig:
    """The settings; when they are wrong, the errors come with those of content files that cannot be read."""
    try:
        return load_config(site_dir, base_url)
    except SiteError as error:
        unreadable = [found for path, data in files if isinstance(found := read_source(path, site_dir, data), Problem)]
        raise SiteError([*error.problems, *unreadable]) from None


def _validate_all(files: list[tuple[Path, bytes]], site_dir: Path, config: SiteConfig, cache: BuildCache,
                  problems: list[Problem]) -> list[Parsed]:
    """Every content file's item, problems and key lines: from the cache when its bytes were seen, else parsed."""
    keys = [cache.item_key(config, display_path(path, site_dir), data) for path, data in files]
    cached = [cache.get(key) for key in keys]
    fresh = iter(parse_files([file for file, hit in zip(files, cached) if hit is None], site_dir, config))
    results = []
    for key, hit in zip(keys, cached):
        if hit is None:
            hit = next(fresh)
            cache.put(key, hit)
        problems += hit[1]
        results.append(hit)
    return results


def _resolve_now(now: datetime | None, config: SiteConfig) -> datetime:
    if now is None:
        return datetime.now(timezone.utc)
    return now if now.tzinfo else now.replace(tzinfo=config.timezone)
