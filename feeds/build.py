"""The pipeline, top to bottom: load, validate, place in the ledger, render, write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import jinja2

from feeds.config import SiteConfig, load_config
from feeds.errors import Problem, SiteError
from feeds.ledger import LEDGER_NAME, Ledger, apply, read_ledger
from feeds.lint import lint
from feeds.load import Source, find_sources, read_source
from feeds.model import Event, Item, NewsItem, Site
from feeds.render import OutputFile
from feeds.render.feeds import render_feeds
from feeds.render.html import render_site
from feeds.render.ics import render_calendar
from feeds.template_errors import template_problem
from feeds.validate import check_unique, event, news_item
from feeds.write import UnsafePath, write_file, write_tree


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
              drafts: bool = False, strict: bool = False) -> Loaded:
    """Read and validate everything; raise SiteError listing every error (and, if strict, warning)."""
    problems: list[Problem] = []
    sources = _read_all(site_dir, problems)
    try:
        config = load_config(site_dir, base_url)
    except SiteError as error:  # still report the content files that cannot even be read
        raise SiteError([*error.problems, *problems]) from None
    items = _validate_all(sources, config, problems)
    published, ledger, ledger_problems = apply(read_ledger(site_dir), [i for i in items if not i.draft])
    problems += ledger_problems
    shown = published + ([i for i in items if i.draft] if drafts else [])
    by_path = {source.path: source for source in sources}
    check_unique(shown, problems, by_path)
    moment = _resolve_now(now, config)
    problems += lint(shown, by_path, moment)
    if any(p.is_error for p in problems) or (strict and problems):
        raise SiteError(problems)
    site = Site(
        config=config,
        news=tuple(sorted((i for i in shown if isinstance(i, NewsItem)), key=lambda i: (i.date, i.id), reverse=True)),
        events=tuple(sorted((i for i in shown if isinstance(i, Event)), key=lambda e: (e.starts_at, e.id))),
        now=moment,
    )
    return Loaded(site, ledger, tuple(sorted(problems)))


def render(site: Site, site_dir: Path) -> list[OutputFile]:
    """Every output file, from pure renderers."""
    try:
        return [*render_feeds(site), *render_calendar(site), *render_site(site, site_dir)]
    except jinja2.TemplateError as error:
        raise SiteError([template_problem(error, site_dir)]) from None


def build(site_dir: Path, output: Path, *, now: datetime | None = None, base_url: str | None = None,
          drafts: bool = False, strict: bool = False) -> BuildResult:
    """Build the site into `output`, replacing it only when every file is ready."""
    loaded = load_site(site_dir, now=now, base_url=base_url, drafts=drafts, strict=strict)
    files = render(loaded.site, site_dir)
    try:
        write_tree(output, files)
    except UnsafePath as error:
        raise SiteError([Problem(str(output), 0, "", str(error),
                                 "report this: a renderer made an unsafe path")]) from None
    write_file(site_dir / LEDGER_NAME, loaded.ledger.to_bytes())
    return BuildResult(loaded.site, len(files), loaded.warnings)


def _read_all(site_dir: Path, problems: list[Problem]) -> list[Source]:
    sources = []
    for path in find_sources(site_dir):
        result = read_source(path, site_dir)
        if isinstance(result, Problem):
            problems.append(result)
        else:
            sources.append(result)
    return sources


def _validate_all(sources: list[Source], config: SiteConfig, problems: list[Problem]) -> list[Item]:
    make = {"news": news_item, "event": event}
    items = [make[source.kind](source, config, problems) for source in sources]
    return [item for item in items if item is not None]


def _resolve_now(now: datetime | None, config: SiteConfig) -> datetime:
    if now is None:
        return datetime.now(timezone.utc)
    return now if now.tzinfo else now.replace(tzinfo=config.timezone)
