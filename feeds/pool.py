"""Work spread over the cores: forked workers that inherit the work instead of receiving it."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_MAX_WORKERS = 8
_PR_SET_PDEATHSIG = 1  # Linux prctl: the signal a process gets when its parent dies
_MAX_CHUNK = 1000  # jobs a worker takes at once: their results are pickled, sent and held together
_LAST_CHUNK = 8  # jobs in the smallest chunks, the last ones (see _chunks)
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
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_start_worker, initargs=(os.getpid(),)) as pool:
            starts, counts = zip(*_chunks(len(jobs), workers))
            return [result for part in pool.map(_run_range, starts, counts) for result in part]
    finally:
        _work = None


def _chunks(count: int, workers: int) -> list[tuple[int, int]]:
    """The jobs cut into chunks (start, count): eight a worker, of one size, but none larger than a
    worker's share of the jobs left, so that the last ones are halves, quarters and so on of it.

    While the last chunk is worked on, the other workers wait: with chunks all of one size, longest
    where the last jobs are the longest (the tags' list pages, after the items' pages). Chunks that
    shrink all along (guided scheduling) spread the work as well, but results of so many sizes left
    the parent's heap larger (9 MB at 10,000 items)."""
    size = min(-(-count // (workers * 8)), _MAX_CHUNK)
    chunks = []
    start = 0
    while start < count:
        step = min(size, max((count - start) // workers, _LAST_CHUNK), count - start)
        chunks.append((start, step))
        start += step
    return chunks


def _start_worker(parent: int) -> None:
    """A worker collects garbage again (whatever the parent paused), and dies with its parent: one
    killed outright (out of memory, a CI timeout) would leave it waiting for work forever, holding
    what it inherited."""
    gc.enable()
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _run_range(start: int, count: int) -> list[Any]:
    assert _work is not None
    function, jobs = _work
    return [function(job) for job in jobs[start : start + count]]
