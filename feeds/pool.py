"""Work spread over the cores: forked workers that inherit the work instead of receiving it."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_MAX_WORKERS = 8
# The work of one pool, set before the workers fork so they inherit it (closures included).
_work: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def spread(function: Callable[[T], R], jobs: Sequence[T], *, minimum: int) -> list[R]:
    """function(job) for every job, in order; over the cores when there are at least `minimum` jobs.

    Below `minimum`, starting workers costs more than it saves. Results come back in the order of
    `jobs`, so the output does not depend on how the work was split.
    """
    workers = min(cores(), _MAX_WORKERS)
    if len(jobs) < minimum or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(job) for job in jobs]
    global _work
    _work = (function, jobs)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            chunk = -(-len(jobs) // (workers * 4))
            starts = range(0, len(jobs), chunk)
            return [result for part in pool.map(_run_range, starts, [chunk] * len(starts)) for result in part]
    finally:
        _work = None


def _run_range(start: int, count: int) -> list[Any]:
    assert _work is not None
    _collect_own_garbage()
    function, jobs = _work
    return [function(job) for job in jobs[start : start + count]]


def _collect_own_garbage() -> None:
    """In a worker: collect the cycles its own work leaves (parsers leave some in every file), but never
    scan what it inherited, which would cost time and copy the pages it shares with the parent.

    The parent may have paused the collector for its own reasons; a worker that never collects
    grows by everything it ever parsed."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
