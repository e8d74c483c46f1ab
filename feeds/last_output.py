"""What the build cache knows of the last build into an output directory (its OutputRecord): the key
it was rendered from, a digest of its inputs, the span of time in which `now` changes nothing, each
file's stamp and each folder's modification time, so that a build whose inputs or key and output
tree are unchanged writes nothing;
and the stamps of the spare tree beside it (see feeds.write.new_tree), which the next build brings
up to date rather than writing a whole tree."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from feeds.cache import OUTPUT_RECORD, BuildCache, OutputRecord
from feeds.write import Stamp, file_stat, folders_above

if TYPE_CHECKING:
    from feeds.build import BuildResult


@dataclass(frozen=True)
class LastOutput:
    """The record of the last build into `output`, read and kept in `cache`."""

    cache: BuildCache
    output: Path

    def record(self) -> OutputRecord | None:
        """The record of the last build into `output`, if that was the last build."""
        record = self.cache.read(OUTPUT_RECORD, OutputRecord)
        return record if isinstance(record, OutputRecord) and record.output == str(self.output.absolute()) else None

    def stamps(self) -> dict[str, Stamp]:
        """What the last build wrote into `output`, by path: the files this build may reuse."""
        record = self.record() if self.cache.reuse else None
        return record.stamps if record else {}

    def spare_stamps(self) -> dict[str, Stamp]:
        """What the tree beside `output` holds, by path: the files the writer need not write again."""
        record = self.record()
        return record.spare if record else {}

    def spare_exact(self) -> bool:
        """True when the tree beside `output` holds exactly the files `spare_stamps` gives."""
        record = self.record()
        return record is not None and record.spare_exact

    def spare_linked(self) -> None:
        """Record that the tree beside `output` was just made of hard links to the files of `output`."""
        record = self.record()
        if record is not None:
            self.cache.write(OUTPUT_RECORD, dataclasses.replace(record, spare=record.stamps,
                                                                spare_exact=self.cache.private))

    def spare_changed(self) -> None:
        """Record that a build that failed changed the tree beside `output` in ways not recorded."""
        record = self.record()
        if record is not None and record.spare_exact:
            self.cache.write(OUTPUT_RECORD, dataclasses.replace(record, spare_exact=False))

    def unchanged_build(self, inputs: str, now: datetime) -> BuildResult | None:
        """The last build's result if it read the same inputs at a moment the outputs do not tell
        from `now`, and its output tree is untouched: then there is nothing to do."""
        record = self.record() if self.cache.reuse else None
        if record is None or record.inputs != inputs or record.window is None:
            return None
        start, end = record.window
        if not start <= now < end:
            return None
        return record.result if self.cache.private or _untouched(record, self.output) else None

    def current(self, key: str) -> OutputRecord | None:
        """The record of the last build if it had this key and its output tree is untouched."""
        record = self.record()
        if record is None or record.key != key or not self.cache.reuse:
            return None
        return record if self.cache.private or _untouched(record, self.output) else None

    def remember(self, key: str, stamps: dict[str, Stamp], inputs: str, window: tuple[datetime, datetime] | None,
                 result: BuildResult, *, swapped: bool) -> None:
        """Record what `output` holds, from which key and inputs, and what is in the spare tree: after
        a swap, the tree that was at `output`; else the spare is as it was."""
        last = self.record()
        if last is None:
            spare, exact = {}, False
        elif swapped:
            spare, exact = last.stamps, self.cache.private
        else:
            spare, exact = last.spare, last.spare_exact
        folders = {} if self.cache.private else folder_times(self.output, stamps)  # a private cache never looks
        self.cache.write(OUTPUT_RECORD, OutputRecord(key, str(self.output.absolute()), stamps, spare, inputs, window,
                                                     result, exact, folders))


def _untouched(record: OutputRecord, output: Path) -> bool:
    """Whether the tree at `output` is as the last build left it: each of its files as stamped, and
    each of its folders as old as it was, which adding, removing or renaming anything in the folder
    would have made it. (Walking the tree, listing every folder, takes twice as long: 0.17 s
    against 0.09 s at 10,000 items.)"""
    if not record.folders:  # a private cache's record, kept without them
        return False
    root = str(output)
    return (all(_modified(f"{root}/{folder}") == modified for folder, modified in record.folders.items())
            and all(file_stat(f"{root}/{path}") == stamp[1:] for path, stamp in record.stamps.items()))


def folder_times(output: Path, stamps: dict[str, Stamp]) -> dict[str, int | None]:
    """The modification time of `output` ("") and of each folder in it that holds a file of `stamps`."""
    root = str(output)
    return {folder: _modified(f"{root}/{folder}") for folder in sorted({"", *folders_above(stamps)})}


def _modified(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except (FileNotFoundError, NotADirectoryError):
        return None
