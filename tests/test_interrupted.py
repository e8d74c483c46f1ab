"""A build killed at any moment (SIGKILL), or overtaken by another, leaves a complete output in place and
no worker behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import EXAMPLE_NOW, tree_bytes

# Runs `feeds build` in a child that stops at a chosen moment, says so, and waits to be killed.
CHILD = r"""
import sys
import time
import feeds.write as write
from feeds.cli import main

moment, argv = sys.argv[1], sys.argv[2:]

def pause():
    print("paused", flush=True)
    sys.stdin.read()  # the parent kills us here
    raise SystemExit("not killed")

if moment.startswith("file:"):
    after, original, count = int(moment[5:]), write._create, [0]
    def put(file, target):
        if count[0] == after:
            pause()
        count[0] += 1
        return original(file, target)
    write._create = put
elif moment == "swap":
    original_swap = write._swap_in
    def swap_in(staging, output):
        pause()
        return original_swap(staging, output)
    write._swap_in = swap_in
sys.exit(main(argv))
"""

MOMENTS = ["file:0", "file:1", "file:25", "swap"]


@pytest.fixture
def changed_site(example_site: Path, feeds) -> tuple[Path, dict[str, bytes]]:
    """The example built once, then changed so that the next build would write different bytes."""
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    before = tree_bytes(example_site / "public")
    for n in range(40):
        (example_site / f"content/news/2018-11-{10 + n % 10:02d}-note-{n}.md").write_text(
            f"---\ntitle: Note {n}\ndate: 2018-11-{10 + n % 10:02d}\n---\nText {n}.\n")
    return example_site, before


@pytest.mark.parametrize("moment", MOMENTS)
def test_killed_build_leaves_previous_output_intact(changed_site, feeds, moment: str) -> None:
    site, before = changed_site
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, moment, "build", "--site", str(site), "--now", EXAMPLE_NOW],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "paused\n", child.communicate()
    child.send_signal(signal.SIGKILL)
    child.communicate()
    assert child.returncode == -signal.SIGKILL

    assert tree_bytes(site / "public") == before
    leftovers = list(site.glob(".public.new-*"))
    assert len(leftovers) == 1  # killed mid-build: the half-written tree is beside the output, not in it

    assert feeds("build", "--site", site, "--now", EXAMPLE_NOW).code == 0
    assert not list(site.glob(".public.new-*"))  # cleaned up; only the kept spare tree remains beside it
    after = tree_bytes(site / "public")
    assert "news/note-39/index.html" in after and after != before


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_a_stopped_build_says_so_and_leaves_the_previous_output(changed_site, feeds, stop: signal.Signals) -> None:
    """Ctrl+C, or SIGTERM (a CI job cancelled, docker stop), during a build: a line saying so, not a
    traceback, the exit code a shell gives Ctrl+C, and the output as it was."""
    site, before = changed_site
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, "file:1", "build", "--site", str(site), "--now", EXAMPLE_NOW],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "paused\n", child.communicate()
    child.send_signal(stop)
    _, err = child.communicate()
    assert (child.returncode, err) == (130, "feeds build: stopped\n")
    assert tree_bytes(site / "public") == before
    assert feeds("build", "--site", site, "--now", EXAMPLE_NOW).code == 0
    assert "news/note-39/index.html" in tree_bytes(site / "public")


# Runs `feeds build` in a child that stops just before it swaps its tree in, says so, and goes on when told.
PAUSED_CHILD = r"""
import sys
import time
import feeds.write as write
from feeds.cli import main

original_swap = write._swap_in
def swap_in(staging, output):
    print("paused", flush=True)
    sys.stdin.readline()
    return original_swap(staging, output)
write._swap_in = swap_in
sys.exit(main(sys.argv[1:]))
"""


def test_a_build_overtaken_by_another_leaves_the_output_in_place(changed_site, feeds) -> None:
    """A second build into the same folder takes the first one's tree for a killed build's leftover and
    removes it: the first then cannot swap its tree in, and must leave the output where it is."""
    site, _ = changed_site
    child = subprocess.Popen(
        [sys.executable, "-c", PAUSED_CHILD, "build", "--site", str(site), "--now", EXAMPLE_NOW],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "paused\n", child.communicate()
    assert feeds("build", "--site", site, "--now", EXAMPLE_NOW).code == 0
    built = tree_bytes(site / "public")
    child.communicate("go\n")

    assert tree_bytes(site / "public") == built
    assert not list(site.glob(".public.old-*"))
    assert feeds("build", "--site", site, "--now", EXAMPLE_NOW).code == 0
    assert tree_bytes(site / "public") == built


# Spreads slow jobs over the cores; each worker says its process id; then waits to be killed. Each says
# it in one write, which a pipe keeps whole: print() writes the number and the newline apart, and two
# workers' lines could interleave ("1234", "1235", "\n", "\n").
SPREADING_CHILD = r"""
import os, sys, time
from feeds.pool import spread

def job(n):
    os.write(1, f"{os.getpid()}\n".encode())
    time.sleep(60)
    return n

spread(job, list(range(4)), minimum=1)
"""


def test_the_workers_of_a_killed_build_die_with_it() -> None:
    """A build killed outright (SIGKILL: out of memory, a CI timeout) leaves no worker behind holding
    its memory: they would sleep on forever, waiting for work from a parent that is gone."""
    child = subprocess.Popen([sys.executable, "-c", SPREADING_CHILD], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    workers = {int(child.stdout.readline()) for _ in range(2)}
    child.send_signal(signal.SIGKILL)
    child.wait()
    deadline = time.monotonic() + 10
    while (alive := {pid for pid in workers if Path(f"/proc/{pid}").exists()}) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in alive:  # not to leave them to the rest of the run
        os.kill(pid, signal.SIGKILL)
    assert not alive
