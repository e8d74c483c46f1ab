"""The example newsroom's outputs, each compared whole with its golden copy in tests/golden/.

The other tests read the outputs with the parsers people use; these catch any change to the bytes
they let through. After a change to an output made on purpose, run
`pytest tests/test_golden.py --update-golden` and read the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, tree_bytes

GOLDEN = ROOT / "tests/golden/example"


def compared(path: str) -> bool:
    """One file of each kind the renderers make: the static files are copies of templates/static/,
    and the tag feeds come from the renderer of the site's feeds (a tag's calendar, whose own
    properties are its own, is compared)."""
    return not path.startswith("static/") and (not path.startswith("feeds/tags/") or path.endswith("/events.ics"))


def test_example_outputs_are_the_golden_files(example_output: Path, request: pytest.FixtureRequest) -> None:
    made = {path: data for path, data in tree_bytes(example_output).items() if compared(path)}
    if request.config.getoption("update_golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for path, data in made.items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_bytes(data)
    golden = tree_bytes(GOLDEN)
    assert sorted(made) == sorted(golden)
    for path, data in made.items():
        assert data.decode() == golden[path].decode(), f"{path} differs from tests/golden/example/{path}"
