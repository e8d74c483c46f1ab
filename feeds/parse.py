"""Content files to validated items, each file parsed once, over every core when there are many."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from feeds.config import SiteConfig
from feeds.errors import Problem
from feeds.lint import lint_item
from feeds.load import read_source
from feeds.model import Item
from feeds.validate import event, news_item

# What one content file validates to: its item (None when it has errors), every problem found in it
# (the warnings the file alone shows included) and the line of each front matter key.
Parsed = tuple[Item | None, tuple[Problem, ...], dict[str, int]]
# One file to parse: its path, its bytes, and whether it is reached through a symbolic link.
Job = tuple[Path, bytes, bool]

_PARALLEL_FROM = 200  # below this, starting workers costs more than it saves
_MAKE = {"news": news_item, "event": event}

# The work of one pool, set before the workers fork so they inherit it instead of receiving it.
_jobs: list[Job] = []
_site: tuple[Path, SiteConfig] | None = None


def parse_file(path: Path, data: bytes, site_dir: Path, config: SiteConfig, linked: bool = True) -> Parsed:
    """One file's item, problems and key lines."""
    source = read_source(path, site_dir, data, linked)
    if isinstance(source, Problem):
        return None, (source,), {}
    problems: list[Problem] = []
    item = _MAKE[source.kind](source, config, problems)
    if item is not None:
        problems += lint_item(item, source)
    return item, tuple(problems), source.lines


def parse_files(jobs: list[Job], site_dir: Path, config: SiteConfig) -> list[Parsed]:
    """parse_file for each (path, bytes, linked), in order; spread over the cores when it pays."""
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8)
    if len(jobs) < _PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [parse_file(path, data, site_dir, config, linked) for path, data, linked in jobs]
    global _jobs, _site
    _jobs, _site = jobs, (site_dir, config)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            chunk = -(-len(jobs) // (workers * 4))
            starts = range(0, len(jobs), chunk)
            return [parsed for part in pool.map(_parse_range, starts, [chunk] * len(starts)) for parsed in part]
    finally:
        _jobs, _site = [], None


def _parse_range(start: int, count: int) -> list[Parsed]:
    assert _site is not None
    site_dir, config = _site
    return [parse_file(path, data, site_dir, config, linked) for path, data, linked in _jobs[start : start + count]]
