"""Time `feeds serve`'s rebuild after one edited file: from the edit to the new tree swapped in.

    python bench/serve_edit.py SITE [--edits 3] [--now DATETIME] [--work DIR]

Runs the preview in-process with its own watcher, as `feeds serve` does, building into a new
directory under --work: once to prime it, then once per edit and once per restore. Each time runs
from the moment the edited file is written to the moment the preview has swapped in a tree that
shows the edit; prints the median seconds. The directory is left in place: deleting many files just
before measuring slows file creation on some file systems.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path

from feeds.serve import Preview
from feeds.watch import Changes


def edit_latencies(site: Path, edits: int, now: datetime, work: Path) -> list[float]:
    """Seconds from each edit to its rebuild swapped in, with the preview kept warm between them."""
    work.mkdir(parents=True, exist_ok=True)
    output = Path(tempfile.mkdtemp(prefix="serve-", dir=work)) / "site"
    preview = Preview(site, output, base_url="http://127.0.0.1:8000/", now=now, drafts=False, echo=lambda line: None)
    changes = Changes(site)
    seen = preview.look()
    preview.rebuild(seen[0])
    if preview.state.problems:
        raise SystemExit("\n".join(preview.state.problems))
    preview.prepare_spare()  # as `feeds serve` does before it starts watching
    watcher = threading.Thread(target=preview.watch, args=(changes, seen), daemon=True)
    watcher.start()
    latencies = []
    try:
        for number, victim in enumerate(sorted((site / "content/news").glob("*.md"))[:edits]):
            original = victim.read_bytes()
            correction = f"A correction, number {number}."
            try:
                os.sync()  # nothing the last rebuild wrote is still being written out while this one is timed
                edited = original + f"\n{correction}\n".encode()
                latencies.append(_until_rebuilt(preview, partial(victim.write_bytes, edited)))
                if not _shows(output, correction):
                    raise SystemExit(f"the rebuild after editing {victim} does not show the edit")
            finally:
                _until_rebuilt(preview, partial(victim.write_bytes, original))
    finally:
        preview.stop()
        changes.stop()
        watcher.join()
    return latencies


def _until_rebuilt(preview: Preview, edit: Callable[[], object]) -> float:
    """Seconds from the edit until the preview has swapped in a good build made after it."""
    with preview.changed:
        generation = preview.state.generation
    started = time.perf_counter()
    edit()
    with preview.changed:
        if not preview.changed.wait_for(lambda: preview.state.generation > generation and not preview.state.problems,
                                        timeout=60):
            raise SystemExit(f"no good build within a minute of the edit: {preview.state.problems}")
    return time.perf_counter() - started


def _shows(output: Path, text: str) -> bool:
    """True when some news page in the output holds the text."""
    return any(text in page.read_text(encoding="utf-8") for page in (output / "news").glob("*/index.html"))


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("site", type=Path)
    arguments.add_argument("--edits", type=int, default=3)
    arguments.add_argument("--now", default="2030-01-01T00:00:00+00:00")
    arguments.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "feeds-bench")
    args = arguments.parse_args()
    latencies = edit_latencies(args.site, args.edits, datetime.fromisoformat(args.now), args.work)
    print(f"{statistics.median(latencies):.3f}")
    print("runs: " + " ".join(f"{t:.3f}" for t in latencies), file=sys.stderr)


if __name__ == "__main__":
    main()
