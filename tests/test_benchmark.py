"""The benchmark's report: the table the README shows, and how the full build grows with the newsroom."""

from __future__ import annotations

import sys
import threading

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from run import scale, table, timed  # noqa: E402


def row(n: int, full: float) -> dict[str, float]:
    return {"n": n, "full": full, "memory": 100, "nochange": 0.5, "edit": 2, "serve_edit": 0.3,
            "hugo_full": 7.0, "hugo_memory": 1500}


def test_the_report_gives_each_ratio_against_hugo() -> None:
    [_, _, line] = table([row(10_000, 3.5)]).splitlines()
    cells = [cell.strip() for cell in line.strip("|").split("|")]
    assert cells[0] == "10,000" and cells[1] == "3.50 s"
    assert cells[-3:] == ["0.50×", "0.07×", "0.07×"]  # full, memory and no-change against Hugo's full build


def test_the_report_says_how_the_full_build_grows_to_100000_items() -> None:
    assert scale([row(1_000, 1.0), row(10_000, 10.0), row(100_000, 105.0)]) == \
        "Full build at 100,000 items: 10.5× the time at 10,000 (105.00 s against 10.00 s)."
    assert scale([row(1_000, 1.0), row(10_000, 10.0)]) == ""  # not measured: nothing to say


def test_a_command_that_prints_more_than_a_pipe_holds_is_timed_to_its_end() -> None:
    """A build of 100,000 items prints its warnings: waited for without its output read, it would wait
    for ever to print the rest."""
    timings = []
    command = [sys.executable, "-c", "import sys; sys.stderr.write('warning\\n' * 50_000); print('done')"]
    timer = threading.Thread(target=lambda: timings.append(timed(command)), daemon=True)
    timer.start()
    timer.join(60)  # a guard against hanging the suite, not a measure
    assert len(timings) == 1
