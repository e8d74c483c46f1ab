"""The writer: files placed as they are rendered, the rest at the end, and exactly the files wanted swapped in."""

from __future__ import annotations

from pathlib import Path

import pytest

import feeds.write as write
from feeds.render import Output, OutputFile
from feeds.write import Stamp, new_tree


def write_tree(output: Path, files: list[Output], spare: dict[str, Stamp] | None = None) -> dict[str, Stamp]:
    """A whole build's writing: every file placed at the end, and the tree swapped in."""
    with new_tree(output, spare or {}) as building:
        return building.complete(files)


def tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}


@pytest.mark.parametrize("exact", [False, True], ids=["walked", "trusted"])
def test_files_placed_early_turn_the_spare_trees_files_into_folders_and_back(tmp_path: Path, exact: bool) -> None:
    """Whether the spare tree is walked, or trusted to hold exactly the files its stamps give."""
    output = tmp_path / "public"
    before = [OutputFile("a/index.html", b"a page"), OutputFile("b", b"a file"), OutputFile("c/d/e.txt", b"deep"),
              OutputFile("kept.txt", b"same")]
    spare = write_tree(output, before)
    write_tree(output, [OutputFile("other.txt", b"between")], {})  # the first tree becomes the spare
    after = [OutputFile("a", b"a file now"), OutputFile("b/index.html", b"a folder now"), OutputFile("c/x.txt", b"x"),
             OutputFile("kept.txt", b"same")]
    with new_tree(output, spare, exact=exact) as building:
        placed = [building.place(file) for file in after[:2]]  # as a worker places what it renders
        stamps = building.complete([*placed, *after[2:]])
    assert tree(output) == {file.path: file.data for file in after}
    assert set(stamps) == {file.path for file in after}
    assert stamps["kept.txt"] == spare["kept.txt"]  # the same bytes in the spare: not written again
    assert (output / "kept.txt").stat().st_ino == spare["kept.txt"][3]


def test_a_failed_build_leaves_the_output_as_it_was(tmp_path: Path) -> None:
    output = tmp_path / "public"
    first = [OutputFile("index.html", b"first"), OutputFile("news/x/index.html", b"x")]
    write_tree(output, first)
    try:
        with new_tree(output, {}) as building:
            building.place(OutputFile("index.html", b"half-made"))
            raise RuntimeError("a renderer failed")
    except RuntimeError:
        pass
    assert tree(output) == {file.path: file.data for file in first}


@pytest.mark.parametrize("exchange", [True, False], ids=["exchanged", "renamed"])
def test_a_tree_that_cannot_be_swapped_in_leaves_the_output_in_place(tmp_path: Path, exchange: bool,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether the system swaps two folders in one step, or the writer renames them one after the other."""
    output = tmp_path / "public"
    first = [OutputFile("index.html", b"first")]
    write_tree(output, first)
    if not exchange:
        monkeypatch.setattr(write, "_exchange", lambda staging, output: False)
    with pytest.raises(FileNotFoundError):
        write._swap_in(tmp_path / ".public.new-gone", output)  # as when another build removed it
    assert tree(output) == {file.path: file.data for file in first}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["public"]
