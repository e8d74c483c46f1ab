"""The pipeline, top to bottom: load, validate, place in the ledger, render, write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import jinja2

from feeds.cache import BuildCache, templates_key
from feeds.config import SiteConfig, load_config
from feeds.errors import Problem, SiteError, display_path
from feeds.ledger import LEDGER_NAME, Ledger, apply, read_ledger
from feeds.load import find_sources
from feeds.model import Event, Item, NewsItem, Site
from feeds.parse import parse_files
from feeds.render import OutputFile
from feeds.render.feeds import render_feeds
from feeds.render.html import render_site, template_dirs
from feeds.render.ics import render_calendar
from feeds.validate import check_unique
from feeds.write import write_file, write_tree


@dataclass(frozen=True)
class Loaded:
    """A validated site, the ledger it implies, and the warnings found on the way."""

    site: Site
    ledger: Ledger
    warnings: tuple[Problem, ...]


@dataclass(frozen=True)
class BuildResult:
    site: Site
    files: int
    warnings: tuple[Problem, ...]


def load_site(site_dir: Path, *, now: datetime | None = None, base_url: str | None = None,
              drafts: bool = False, cache: BuildCache | None = None) -> Loaded:
    """Read and validate everything; raise SiteError listing every error in the run."""
    config = load_config(site_dir, base_url)
    problems: list[Problem] = []
    items = _parse_all(site_dir, config, cache or BuildCache.open(site_dir), problems)
    published, ledger, ledger_problems = apply(read_ledger(site_dir), [i for i in items if not i.draft])
    problems += ledger_problems
    shown = published + ([i for i in items if i.draft] if drafts else [])
    check_unique(shown, problems)
    if any(p.is_error for p in problems):
        raise SiteError(problems)
    site = Site(
        config=config,
        news=tuple(sorted((i for i in shown if isinstance(i, NewsItem)), key=lambda i: (i.date, i.id), reverse=True)),
        events=tuple(sorted((i for i in shown if isinstance(i, Event)), key=lambda e: (e.starts_at, e.id))),
        now=_resolve_now(now, config),
    )
    return Loaded(site, ledger, tuple(sorted(problems)))


def render(site: Site, site_dir: Path) -> list[OutputFile]:
    """Every output file, from pure renderers."""
    try:
        return [*render_feeds(site), *render_calendar(site), *render_site(site, site_dir)]
    except jinja2.TemplateSyntaxError as error:
        raise SiteError([Problem(f"templates/{error.name}", error.lineno, "", f"template error: {error.message}")]) from None
    except jinja2.TemplateError as error:
        raise SiteError([Problem("templates", 0, "", f"template error: {error}")]) from None


def build(site_dir: Path, output: Path, *, now: datetime | None = None, base_url: str | None = None,
          drafts: bool = False, use_cache: bool = True) -> BuildResult:
    """Build the site into `output`, replacing it only when every file is ready.

    With the cache, unchanged content files are not parsed again, and when nothing the renderers
    read has changed since the last build into an untouched `output`, nothing is rendered or written.
    """
    cache = BuildCache.open(site_dir) if use_cache else BuildCache.empty(site_dir)
    loaded = load_site(site_dir, now=now, base_url=base_url, drafts=drafts, cache=cache)
    key = cache.site_key(loaded.site, templates_key(template_dirs(site_dir)))
    written = cache.current_output(output, key)
    if written is None:
        files = render(loaded.site, site_dir)
        write_tree(output, files)
        written = cache.remember_output(output, key, len(files))
    cache.save_items()
    write_file(site_dir / LEDGER_NAME, loaded.ledger.to_bytes())
    return BuildResult(loaded.site, written.files, loaded.warnings)


def _parse_all(site_dir: Path, config: SiteConfig, cache: BuildCache, problems: list[Problem]) -> list[Item]:
    """Every content file's item: from the cache when its bytes were seen before, else parsed."""
    paths = find_sources(site_dir)
    found = []
    for path in paths:
        data = path.read_bytes()
        key = cache.item_key(config, display_path(path, site_dir), data)
        found.append((key, cache.get(key), path, data))
    missing = [(path, data) for _, parsed, path, data in found if parsed is None]
    fresh = iter(parse_files(missing, site_dir, config))
    items = []
    for key, parsed, _, _ in found:
        if parsed is None:
            parsed = next(fresh)
            cache.put(key, parsed)
        item, item_problems = parsed
        problems += item_problems
        if item is not None:
            items.append(item)
    return items


def _resolve_now(now: datetime | None, config: SiteConfig) -> datetime:
    if now is None:
        return datetime.now(timezone.utc)
    return now if now.tzinfo else now.replace(tzinfo=config.timezone)
