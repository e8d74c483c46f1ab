"""How long each build phase took (for -v), and a progress bar over content files on a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

BAR_THRESHOLD = 100  # content files; smaller builds finish before a bar would tell anyone anything


class Progress:
    """Phase timings, always recorded; a bar only when asked for (the command line asks on a terminal)."""

    def __init__(self, *, bar: bool = False) -> None:
        self.bar = bar
        self.timings: dict[str, float] = {}  # seconds by phase, in the order the phases began

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time the block under `name`, adding to the time of any earlier block of that name."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - started

    def track(self, items: Sequence[T], label: str) -> Iterable[T]:
        """The items, with a bar drawn on stderr while they are gone through, for long builds."""
        if not self.bar or len(items) < BAR_THRESHOLD:
            return items
        # Imported here: a build that changes nothing draws no bar.
        from tqdm import tqdm

        return tqdm(items, desc=label, unit="file", leave=False, file=sys.stderr, dynamic_ncols=True)
