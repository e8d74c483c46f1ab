"""A progress bar for long builds on a terminal, silence elsewhere, and `-v` phase timings."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

from conftest import EXAMPLE_NOW

from feeds.progress import BAR_THRESHOLD


def many_items(site: Path) -> None:
    for n in range(BAR_THRESHOLD + 20):
        (site / f"content/news/2018-10-{n % 28 + 1:02d}-note-{n}.md").write_text(
            f"---\ntitle: Note {n}\ndate: 2018-10-{n % 28 + 1:02d}\n---\nNote number {n}.\n")


def build_command(site: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "feeds", "build", "--site", str(site), "--now", EXAMPLE_NOW, *extra]


def run_on_a_terminal(command: list[str]) -> tuple[int, str]:
    """Run with stdout and stderr on a pseudo-terminal, as in an interactive shell."""
    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 24 rows, 100 columns
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=secondary, stderr=secondary)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closes when the process exits
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return process.wait(timeout=60), b"".join(chunks).decode(errors="replace")


def test_a_long_build_draws_a_bar_on_a_terminal(example_site: Path) -> None:
    many_items(example_site)
    code, screen = run_on_a_terminal(build_command(example_site))
    assert code == 0, screen
    assert re.search(r"reading: +\d+%\|", screen), screen
    assert f"/{BAR_THRESHOLD + 22} " in screen  # the example's two files and the new ones
    assert "built 121 news items" in screen


def test_no_bar_when_not_on_a_terminal(example_site: Path) -> None:
    many_items(example_site)
    result = subprocess.run(build_command(example_site), capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("feeds: built 121 news items")


def test_a_small_build_draws_no_bar_even_on_a_terminal(example_site: Path) -> None:
    code, screen = run_on_a_terminal(build_command(example_site))
    assert code == 0 and "%|" not in screen and "reading" not in screen


def test_verbose_prints_the_time_of_each_phase(example_site: Path, feeds) -> None:
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, "-v")
    assert result.code == 0
    phases = re.findall(r"^feeds: (\w+) +(\d+\.\d{3}) s$", result.err, re.MULTILINE)
    assert [name for name, _ in phases] == ["read", "validate", "render", "write"]
    assert "read" not in feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).err
