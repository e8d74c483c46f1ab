"""Time `feeds serve`'s rebuild after one edited file: from the edit to the new tree swapped in.

    python bench/serve_edit.py SITE [--edits 3] [--now DATETIME] [--work DIR]

Drives the preview in-process as its file watcher does, less the wait between two looks: each time
is one look at the files and the rebuild it starts. The preview builds into a new directory under
--work, once to prime it, then once per edit and once per restore; prints the median seconds of the
rebuilds after an edit. The directory is left in place: deleting
many files just before measuring slows file creation on some file systems.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from feeds.serve import Preview


def edit_latencies(site: Path, edits: int, now: datetime, work: Path) -> list[float]:
    """Seconds from each edit to its rebuild swapped in, with the preview kept warm between them."""
    work.mkdir(parents=True, exist_ok=True)
    output = Path(tempfile.mkdtemp(prefix="serve-", dir=work)) / "site"
    preview = Preview(site, output, base_url="http://127.0.0.1:8000/", now=now, drafts=False, echo=lambda line: None)
    preview.rebuild()
    if preview.state.problems:
        raise SystemExit("\n".join(preview.state.problems))
    seen = preview.look()
    latencies = []
    for number, victim in enumerate(sorted((site / "content/news").glob("*.md"))[:edits]):
        original = victim.read_bytes()
        correction = f"A correction, number {number}."
        victim.write_bytes(original + f"\n{correction}\n".encode())
        try:
            os.sync()  # nothing the last rebuild wrote is still being written out while this one is timed
            started = time.perf_counter()
            seen = preview.catch_up(seen)
            latencies.append(time.perf_counter() - started)
            if preview.state.problems or not _shows(output, correction):
                raise SystemExit(f"the rebuild after editing {victim} does not show the edit")
        finally:
            victim.write_bytes(original)
        seen = preview.catch_up(seen)
    return latencies


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
