"""The one module that writes: a whole output tree built aside and swapped in at once."""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from feeds.render import KeptFile, Output

Stamp = tuple[str, int, int, int]  # an output file's key (or digest of its bytes), size, mtime_ns, inode

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class UnsafePath(ValueError):
    """An output path that would land outside the output directory."""


def safe_target(root: Path, relative: str) -> Path:
    """root/relative, refusing absolute paths, '..' and empty parts."""
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or any(p in ("..", ".", "") for p in parts) or "\\" in relative:
        raise UnsafePath(f"refusing to write {relative!r}: outside the output directory")
    return root.joinpath(*parts)


def _joined(root: str, relative: str) -> str:
    """root/relative as text for an output file's path, which must be normalised and inside root."""
    parts = relative.split("/")
    if not relative or "\\" in relative or any(p in ("..", ".", "") for p in parts):
        raise UnsafePath(f"refusing to write {relative!r}: outside the output directory")
    return f"{root}/{relative}"


def write_tree(output: Path, files: Iterable[Output], spare: Mapping[str, Stamp] | None = None) -> dict[str, Stamp]:
    """Make `output` hold exactly these files, swapping the complete tree in at once; return its stamps.

    The new tree is the previous build's tree (kept beside `output` as a spare) brought up to date:
    only files no longer produced are removed, and only files whose key or digest differs from the
    spare's stamp (or whose stamp no longer matches the file, as after a hand edit) are written, so
    a rebuild neither recreates nor deletes thousands of files, nor reads them back. A failed or
    killed build leaves the previous output exactly as it was.
    """
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(output)
    spare_dir = output.parent / f".{output.name}.spare"
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    if spare_dir.is_dir():
        os.rename(spare_dir, staging)  # onto the empty directory just made: atomic, no copy
    else:
        spare = {}
    try:
        stamps = _sync(staging, list(files), spare or {})
        staging.chmod(0o755)
        _swap_in(staging, output)
    finally:
        # After a swap, `staging` holds the previous tree; after a failure, a partly updated one.
        # Either is kept as the starting point of the next build rather than deleted.
        if staging.exists():
            os.rename(staging, spare_dir)
    return stamps


def _sync(root: Path, files: list[Output], known: Mapping[str, Stamp]) -> dict[str, Stamp]:
    """Bring the tree at root to exactly these files, touching only what differs; return their stamps.

    `known` are the stamps of the tree at root when it was written. A file is never changed in
    place, since it may be linked into the tree being served: it is replaced by a new one.
    """
    targets = [(_joined(str(root), file.path), file) for file in files]
    wanted = {target for target, _ in targets}
    folders: set[str] = set()  # every directory that holds a wanted file, at any depth
    for target in wanted:
        folder = os.path.dirname(target)
        while folder not in folders and len(folder) > len(str(root)):
            folders.add(folder)
            folder = os.path.dirname(folder)
    for directory, subdirectories, names in os.walk(root, topdown=False):
        for name in names:
            path = os.path.join(directory, name)
            if path not in wanted:
                os.unlink(path)
        for name in subdirectories:
            path = os.path.join(directory, name)
            if path in wanted:
                shutil.rmtree(path)
            elif path not in folders:
                os.rmdir(path)  # emptied above, being walked bottom-up
    made: set[str] = set()
    stamps: dict[str, Stamp] = {}
    for target, file in targets:
        digest = file.digest
        old = known.get(file.path)
        if old is not None and old[0] == digest and _stat(target) == old[1:]:
            stamps[file.path] = old
            continue
        parent = os.path.dirname(target)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        if os.path.lexists(target):
            os.unlink(target)
        _put(file, target)
        st = os.stat(target)
        stamps[file.path] = (digest, st.st_size, st.st_mtime_ns, st.st_ino)
    return stamps


def _put(file: Output, target: str) -> None:
    """Create target with the file's bytes: a hard link to the same bytes in the last tree where there are some."""
    if not (isinstance(file, KeptFile) and _linked(file.source, target)):
        with open(target, "wb") as stream:
            stream.write(file.data)
        os.chmod(target, 0o644)


def _linked(source: str, target: str) -> bool:
    """Link target to the same file as source; False where the file system has no hard links."""
    try:
        os.link(source, target)
    except OSError:
        return False
    return True


def _stat(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def write_file(path: Path, data: bytes) -> bool:
    """Replace one file atomically if its bytes change; say whether it did."""
    if path.exists() and path.read_bytes() == data:
        return False
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def _swap_in(staging: Path, output: Path) -> None:
    if not output.exists():
        os.rename(staging, output)
        return
    if sys.platform == "linux" and _exchange(staging, output):
        return
    # Elsewhere: two renames; a crash between them leaves the previous tree at `retired`.
    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    os.rename(output, retired / "tree")
    os.rename(staging, output)
    os.rename(retired / "tree", staging)
    retired.rmdir()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _remove_leftovers(output: Path) -> None:
    """Remove staging trees that a killed build left behind."""
    for leftover in output.parent.glob(f".{output.name}.new-*"):
        shutil.rmtree(leftover, ignore_errors=True)
