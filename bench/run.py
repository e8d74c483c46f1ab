"""Time feeds (and Hugo, side by side) on large newsrooms; print a Markdown table.

    python bench/run.py [N ...] [--runs 3] [--work DIR] [--peers DIR]

For each N (default 1,000 and 10,000): a full build from scratch (no cache, no previous output), a
no-change rebuild, a rebuild after editing one file (by the command, and by a running `feeds serve`
from the edit to the new tree swapped in), and the full build's peak memory; medians of --runs runs
(of three times as many edits under `feeds serve`).
Every build must publish every item (the builds run as of NOW, after the corpus's last date). With --peers (the Hugo/Pelican harness holding make_corpus.py), both tools build the
harness's corpus of N items (its neutral/ tree is our content format) and Hugo is timed in the same
run: a full build into a fresh directory, and its peak memory. Nothing is deleted while measuring:
each full build writes a new directory (see "Performance" in the README for why).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import SITE_TOML, make_corpus  # noqa: E402

NOW = "2030-01-01T00:00:00+00:00"  # after the corpus's last date, so that every item is published
FEEDS = [sys.executable, "-m", "feeds"]


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak resident memory (MB) of one command, which must succeed.

    What earlier commands wrote is flushed to disk first, so that no command is timed while the
    kernel writes out another's files (a full build leaves some 450 MB to write)."""
    os.sync()
    # Into files, not pipes: waited for without reading, a command that prints more than a pipe
    # holds (the warnings of 100,000 items) would wait for ever to print the rest.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        printed, complaints = out.read().decode(), err.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{complaints}")
    if command[:len(FEEDS)] == FEEDS:
        _check_all_published(command, printed)
    return elapsed, usage.ru_maxrss // 1024


def _check_all_published(command: list[str], printed: str) -> None:
    """A figure counts only if the build published every content file (none embargoed or invalid)."""
    site = Path(command[command.index("--site") + 1])
    files = sum(1 for _ in (site / "content").rglob("*.md"))
    built = re.search(r"built (\d+) news items? and (\d+) events?", printed)
    if built is None or int(built[1]) + int(built[2]) != files or "embargoed" in printed:
        raise SystemExit(f"not every one of the {files} items was published: {printed.strip()}")


def corpus(n: int, work: Path, peers: Path | None) -> tuple[Path, Path | None]:
    """The site for feeds, and Hugo's copy of the same corpus when the harness is given."""
    if peers is None:
        site = work / f"feeds-{n}"
        if not (site / "site.toml").exists():
            make_corpus(n, site)
        return site, None
    root = work / f"peers-{n}"
    if not (root / "manifest.json").exists():
        subprocess.run([sys.executable, str(peers / "make_corpus.py"), str(n), str(root)], check=True,
                       stdout=subprocess.DEVNULL)
    site = root / "neutral"
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    return site, root / "hugo"


def measure(n: int, runs: int, work: Path, peers: Path | None) -> dict[str, float]:
    site, hugo_site = corpus(n, work, peers)
    stamp = time.strftime("%Y%m%d%H%M%S")
    row: dict[str, float] = {"n": n}
    fulls = [timed(FEEDS + ["build", "--site", str(site), "--now", NOW, "--no-cache",
                            "--output", str(work / f"out-{n}-{stamp}-{run}")]) for run in range(runs)]
    row["full"] = statistics.median(t for t, _ in fulls)
    row["memory"] = statistics.median(m for _, m in fulls)
    build = FEEDS + ["build", "--site", str(site), "--now", NOW]
    timed(build)  # prime the cache and the output tree
    row["nochange"] = statistics.median(timed(build)[0] for _ in range(runs))
    edits = []
    victims = sorted((site / "content/news").glob("*.md"))[:runs]
    for number, victim in enumerate(victims):
        original = victim.read_bytes()
        victim.write_bytes(original + f"\nA correction, number {number}.\n".encode())
        edits.append(timed(build)[0])
        victim.write_bytes(original)
        timed(build)
    row["edit"] = statistics.median(edits)
    # Edits under `feeds serve` take a fraction of a second, where the machine's noise weighs most: three per run.
    serve = subprocess.run([sys.executable, str(HERE / "serve_edit.py"), str(site), "--edits", str(3 * runs), "--now", NOW,
                            "--work", str(work)], check=True, capture_output=True, text=True)
    row["serve_edit"] = float(serve.stdout.split()[0])
    if hugo_site is not None and shutil.which("hugo"):
        hugo = [timed(["hugo", "--quiet", "-s", str(hugo_site), "-d", str(work / f"hugo-{n}-{stamp}-{run}")])
                for run in range(runs)]
        row["hugo_full"] = statistics.median(t for t, _ in hugo)
        row["hugo_memory"] = statistics.median(m for _, m in hugo)
    return row


def table(rows: list[dict[str, float]]) -> str:
    lines = ["| N | full build | peak memory | no-change rebuild | one file edited | serve: one file edited"
             " | Hugo full | Hugo memory | full / Hugo | memory / Hugo | no-change / Hugo full |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        hugo = "hugo_full" in row

        def ratio(ours: str, theirs: str) -> str:
            return f"{row[ours] / row[theirs]:.2f}×" if hugo else "–"

        hugo_full = f"{row['hugo_full']:.2f} s" if hugo else "–"
        hugo_memory = f"{row['hugo_memory']:,.0f} MB" if hugo else "–"
        lines.append(
            f"| {row['n']:,} | {row['full']:.2f} s | {row['memory']:,.0f} MB | {row['nochange']:.2f} s"
            f" | {row['edit']:.2f} s | {row['serve_edit']:.2f} s | {hugo_full} | {hugo_memory} | {ratio('full', 'hugo_full')}"
            f" | {ratio('memory', 'hugo_memory')} | {ratio('nochange', 'hugo_full')} |")
    return "\n".join(lines)


def scale(rows: list[dict[str, float]]) -> str:
    """How the full build grows from 10,000 items to 100,000 (the target: at most 11 times the time),
    when both were measured; else ""."""
    full = {row["n"]: row["full"] for row in rows}
    if 10_000 not in full or 100_000 not in full:
        return ""
    return (f"Full build at 100,000 items: {full[100_000] / full[10_000]:.1f}× the time at 10,000 "
            f"({full[100_000]:.2f} s against {full[10_000]:.2f} s).")


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    hugo = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[:2] \
        if shutil.which("hugo") else []
    return (f"{os.cpu_count()} cores ({model}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}" + (f", {' '.join(hugo)}" if hugo else ""))


def compiled() -> None:
    """feeds' modules compiled to bytecode, as `pip install` leaves them: each command timed starts
    Python anew, which would otherwise compile the modules it imports from their source at every
    start where bytecode is not written (PYTHONDONTWRITEBYTECODE), about 0.05 s of a no-change rebuild."""
    import compileall

    import feeds

    compileall.compile_dir(Path(feeds.__file__).parent, quiet=1)


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("sizes", nargs="*", type=int, default=[1000, 10000], metavar="N")
    arguments.add_argument("--runs", type=int, default=3, help="runs per figure; medians are shown")
    arguments.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "feeds-bench",
                           help="where corpora and outputs go (kept between runs)")
    arguments.add_argument("--peers", type=Path, help="the Hugo/Pelican harness, to time Hugo on the same corpus")
    args = arguments.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    compiled()
    rows = []
    for n in args.sizes:
        rows.append(measure(n, args.runs, args.work.absolute(), args.peers))
        print(f"N = {n:,} done", file=sys.stderr)
    print(table(rows))
    if grown := scale(rows):
        print(f"\n{grown}")
    print(f"\nMedians of {args.runs} runs on {machine()}.")


if __name__ == "__main__":
    main()
