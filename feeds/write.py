"""The one module that writes: a whole output tree built aside and swapped in at once."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from feeds.render import (
    CopiedFile,
    JoinedFile,
    KeptFile,
    Output,
    OutputFile,
    PlacedFile,
)

Stamp = tuple[str, int, int, int]  # an output file's key (or digest of its bytes), size, mtime_ns, inode

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class UnsafePath(ValueError):
    """An output path that would land outside the output directory."""


def safe_target(root: Path, relative: str) -> Path:
    """root/relative for a path asked of the output (a folder's may end in /), refused as an output
    file's path is (see _joined)."""
    if _unsafe(relative.removesuffix("/")):
        raise UnsafePath(f"refusing to read {relative!r}: outside the output directory")
    return root / relative


def _joined(root: str, relative: str) -> str:
    """root/relative as text for an output file's path, which must be normalised and inside root."""
    if _unsafe(relative):
        raise UnsafePath(f"refusing to write {relative!r}: outside the output directory")
    return f"{root}/{relative}"


def _unsafe(relative: str) -> bool:
    """Whether a path inside the output is not one written as it must be: empty, absolute, with a '..',
    '.' or empty part, or a backslash (a separator on Windows)."""
    return not relative or "\\" in relative or any(part in ("..", ".", "") for part in relative.split("/"))


@contextmanager
def new_tree(output: Path, spare: Mapping[str, Stamp], *, exact: bool = False) -> Iterator[Tree]:
    """The next output tree, built aside from the previous build's tree and swapped in by `complete`.

    The previous tree (kept beside `output` as a spare, with its stamps in `spare`) is brought up to
    date: files go in as they are rendered, by any process, and only those whose key or digest
    differs from the spare's stamp (or whose stamp no longer matches the file, as after a hand edit)
    are written; `complete` removes what is no longer produced. A rebuild thus neither recreates
    nor deletes thousands of files, nor reads them back. A failed or killed build leaves the
    previous output exactly as it was; a failed one leaves the partly updated tree as the next
    build's spare, a killed one beside the output, where the next build removes it (and writes its
    tree in full).

    With `exact`, the caller vouches that `spare` describes the spare tree exactly (no one else
    writes there, and no build failed since it was recorded): its files are then neither looked at
    nor walked, and what is no longer produced is found by comparing paths.
    """
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(output)
    spare_dir = _spare_dir(output)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    fresh = not spare_dir.is_dir()
    if fresh:
        spare = {}
    else:
        os.rename(spare_dir, staging)  # onto the empty directory just made: atomic, no copy
    try:
        yield Tree(str(staging), output, spare, fresh, exact)
    finally:
        # After a swap, `staging` holds the previous tree; after a failure, a partly updated one.
        # Either is kept as the starting point of the next build rather than deleted.
        if staging.exists():
            os.rename(staging, spare_dir)


def link_spare(output: Path) -> bool:
    """Make the tree beside `output` from which the next build starts, where there is none, as a
    copy of `output` made of hard links (no file's bytes are copied); say whether it was made."""
    output = output.absolute()
    spare_dir = _spare_dir(output)
    if spare_dir.exists() or not output.is_dir():
        return False
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    try:
        shutil.copytree(output, staging / "tree", copy_function=os.link)
    except (OSError, shutil.Error):  # no hard links here: the next build writes its tree in full
        shutil.rmtree(staging, ignore_errors=True)
        return False
    os.rename(staging / "tree", spare_dir)
    staging.rmdir()
    return True


def _spare_dir(output: Path) -> Path:
    """Where the tree the next build into `output` starts from is kept."""
    return output.parent / f".{output.name}.spare"


@dataclass
class Tree:
    """An output tree being built: `place` puts one file in (from a worker process too), `complete`
    the rest, and swaps the tree in.

    A file is never changed in place, since it may be linked into the tree being served: it is
    replaced by a new one.
    """

    root: str
    output: Path
    known: Mapping[str, Stamp]  # the stamps of the files at root when they were written
    fresh: bool = False  # the tree started empty: it holds only files placed in it
    exact: bool = False  # `known` describes every file at root as it is (see new_tree)
    made: set[str] = field(default_factory=set)  # folders this process made or found

    def place(self, file: Output) -> PlacedFile:
        """Put the file in the tree unless the same bytes are there already; say where and what it is."""
        return file if isinstance(file, PlacedFile) else PlacedFile(file.path, self._put(file))

    def _put(self, file: OutputFile | JoinedFile | KeptFile | CopiedFile) -> Stamp:
        """Put the file in unless the same bytes are there already; its stamp in the tree."""
        digest = file.digest
        old = self.known.get(file.path)  # a known path was checked when its file was first written
        if old is not None and old[0] == digest and (self.exact or file_stat(_joined(self.root, file.path)) == old[1:]):
            return old
        target = _joined(self.root, file.path)
        parent = os.path.dirname(target)
        if parent not in self.made:
            self._make_folder(parent)
        if not self.fresh:
            _remove(target)  # a file or a folder of the last tree that stands where this file goes
        return digest, *_create(file, target)

    def complete(self, files: list[Output]) -> dict[str, Stamp]:
        """Place every file not yet placed, remove every other file of the last tree, and swap the tree in."""
        wanted = {file.path for file in files}
        if self.exact and not self.fresh:
            self._remove_known_unwanted(wanted)
        elif not self.fresh:
            self._remove_unwanted(wanted)
        stamps = {file.path: file.stamp if isinstance(file, PlacedFile) else self._put(file) for file in files}
        os.chmod(self.root, 0o755)
        _swap_in(Path(self.root), self.output)
        return stamps

    def _make_folder(self, folder: str) -> None:
        """Make the folder and those above it, removing any file of the last tree that stands in the way."""
        try:
            os.makedirs(folder, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            above = folder
            while len(above) > len(self.root) and not os.path.isfile(above):
                above = os.path.dirname(above)
            if os.path.isfile(above):
                with contextlib.suppress(FileNotFoundError):  # another worker, making a folder there too
                    os.unlink(above)
            os.makedirs(folder, exist_ok=True)
        self.made.add(folder)

    def _remove_unwanted(self, wanted: set[str]) -> None:
        """Remove every file and folder of the tree that holds no wanted file."""
        folders = {_joined(self.root, folder) for folder in folders_above(wanted)}
        targets = {_joined(self.root, path) for path in wanted}
        pending = [self.root]
        while pending:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    if entry.path in folders and entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    elif entry.path not in targets or entry.is_dir(follow_symlinks=False):
                        _remove(entry.path)
                        self.made.clear()  # a folder this process made may be gone

    def _remove_known_unwanted(self, wanted: set[str]) -> None:
        """Remove every known file that is not wanted, with the folders that hold no wanted file,
        without walking the tree."""
        unwanted = self.known.keys() - wanted
        folders = folders_above(wanted) if unwanted else set()
        for path in sorted(unwanted):
            top = path  # the highest folder above it that holds no wanted file, or the file itself
            while (above := os.path.dirname(top)) and above not in folders:
                top = above
            if top in wanted or top in folders:
                continue  # a wanted file or folder stands there now, put there by `place`
            _remove(_joined(self.root, top))
            self.made.clear()  # a folder this process made may be gone


def folders_above(paths: Iterable[str]) -> set[str]:
    """Every folder above these relative paths, at any depth."""
    folders: set[str] = set()
    for path in paths:
        folder = os.path.dirname(path)
        while folder and folder not in folders:
            folders.add(folder)
            folder = os.path.dirname(folder)
    return folders


def _remove(path: str) -> None:
    """Remove what stands at path, if anything: a folder with all it holds, or a file or link."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)


def _create(file: OutputFile | JoinedFile | KeptFile | CopiedFile, target: str) -> tuple[int, int, int]:
    """Create target with the file's bytes: a hard link to the same bytes in the last tree where there
    are some. Its size, mtime_ns and inode."""
    if isinstance(file, KeptFile) and _linked(file.source, target):
        st = os.stat(target)
    else:
        with open(target, "wb") as stream:
            if isinstance(file, JoinedFile):
                stream.writelines(file.parts)
            else:
                stream.write(file.data)
            stream.flush()
            os.fchmod(stream.fileno(), 0o644)
            st = os.fstat(stream.fileno())
    return st.st_size, st.st_mtime_ns, st.st_ino


def _linked(source: str, target: str) -> bool:
    """Link target to the same file as source; False where the file system has no hard links."""
    try:
        os.link(source, target)
    except OSError:
        return False
    return True


def file_stat(path: str) -> tuple[int, int, int] | None:
    """A file's size, modification time and inode, as its Stamp holds them; None if there is none."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):  # gone, or a file stands where a folder was
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def write_file(path: Path, data: bytes) -> None:
    """Replace one file atomically if its bytes change."""
    if not path.exists() or path.read_bytes() != data:
        write_stream(path, lambda stream: stream.write(data))


def write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet, with its folders: never over one written meanwhile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as stream:
        stream.write(data)


def write_stream(path: Path, fill: Callable[[BinaryIO], object]) -> None:
    """Replace one file atomically with what `fill` writes into it, never holding it all in memory."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            fill(stream)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _swap_in(staging: Path, output: Path) -> None:
    if not output.exists():
        os.rename(staging, output)
        return
    if sys.platform == "linux" and _exchange(staging, output):
        return
    # Elsewhere: two renames; a crash between them leaves the previous tree at `retired`.
    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    os.rename(output, retired / "tree")
    try:
        os.rename(staging, output)
    except BaseException:
        os.rename(retired / "tree", output)
        retired.rmdir()
        raise
    os.rename(retired / "tree", staging)
    retired.rmdir()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False where the system or
    the file system cannot. Any other failure (a directory gone) is raised."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL):
        return False
    raise OSError(error, os.strerror(error), str(a), None, str(b))


def _remove_leftovers(output: Path) -> None:
    """Remove staging trees that a killed build left behind."""
    for leftover in output.parent.glob(f".{output.name}.new-*"):
        shutil.rmtree(leftover, ignore_errors=True)
