"""What changed under a site while `feeds serve` runs, as the operating system tells it.

watchdog reports changes (inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows;
it polls elsewhere), so the preview neither looks at every content file on a timer nor waits
for the next look once a file is saved.
"""

from __future__ import annotations

import os
import threading
import time
import warnings
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from feeds.listing import litter
from feeds.root_files import ROOT_DIR
from feeds.template_paths import template_dirs

# Reading a file (as every build does) is reported too, as opened and closed without writing.
_CHANGES = {"created", "deleted", "modified", "moved", "closed"}
_WRITES = {"modified", "closed"}  # to a file that stays where it is
_SETTLE_SECONDS = 0.01  # changes are taken once none has come for this long,
_SETTLE_MAX_SECONDS = 0.2  # or after this long however many keep coming,
_WRITING_MAX_SECONDS = 1.0  # but while a file is open and written to, for up to this long


class Changes(FileSystemEventHandler):
    """The paths that changed since they were last taken, and whether files or folders came, went or
    moved (then only a new look tells what the folders hold)."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir.absolute()  # so that every path told is absolute
        self.lock = threading.Lock()
        self.arrived = threading.Event()
        self.paths: set[str] = set()
        self.moves = False
        self.opened: set[str] = set()  # files open, as far as the system tells (inotify does)
        self.writing: set[str] = set()  # of those, the ones written to since: their save is under way
        self.blind = False
        self.observer = Observer()
        # A folder moved out of the site stays watched by the system; moved back, inotify gives its
        # watch again, and watchdog warns that it replaces its own callback: a fault of none of the
        # user's files, and nothing to say in the terminal.
        warnings.filterwarnings("ignore", "Callback with id .* already exists", RuntimeWarning)
        self.observer.start()
        self.watch_folders()

    def watch_folders(self) -> None:
        """Watch the settings, the ledger, and every file under content/, root/ and the template folders.

        Where the system will not watch them all (Linux limits the folders one user may watch),
        `wait` says after each timeout that files moved, and so the preview looks at every file.
        """
        self.observer.unschedule_all()
        try:
            self.observer.schedule(self, str(self.site_dir), recursive=False)  # site.toml, published.json, content/
            for folder in [self.site_dir / "content", self.site_dir / ROOT_DIR, *template_dirs(self.site_dir)]:
                if folder.is_dir():
                    self.observer.schedule(self, str(folder), recursive=True)
            self.blind = False
        except OSError:
            self.observer.unschedule_all()
            self.blind = True

    def on_any_event(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self._follow_writing(event.event_type, os.fsdecode(event.src_path))
        if event.event_type not in _CHANGES or event.is_directory and event.event_type in _WRITES:
            return  # a folder is "modified" when a file in it is: the file's own event tells which
        with self.lock:
            self.paths.add(os.fsdecode(event.src_path))
            if event.dest_path:
                self.paths.add(os.fsdecode(event.dest_path))
            self.moves |= event.event_type not in _WRITES
        self.arrived.set()

    def _follow_writing(self, kind: str, path: str) -> None:
        """Keep track of the files open and written to. A save that empties the file and writes it a
        moment later (as some editors and tools do) would otherwise be taken half done: an empty
        file, an error shown, and a second build. An editor's own files are let be: vim keeps its
        swap file open for as long as it edits."""
        if litter(os.path.basename(path)):
            return
        with self.lock:
            if kind == "opened":
                self.opened.add(path)
            elif kind == "modified" and path in self.opened:
                self.writing.add(path)
            elif kind in ("closed", "closed_no_write", "deleted", "moved"):
                self.opened.discard(path)
                self.writing.discard(path)

    def wait(self, timeout: float) -> tuple[set[str], bool]:
        """The paths changed since the last call, and whether files came, went or moved, once
        changes have arrived and settled (a save is often more than one write) and no file is
        still being written, or `timeout` seconds pass."""
        if self.arrived.wait(timeout):
            began = time.monotonic()
            while True:
                self.arrived.clear()
                came = self.arrived.wait(_SETTLE_SECONDS)
                waited = time.monotonic() - began
                with self.lock:
                    writing = bool(self.writing)
                if waited >= (_WRITING_MAX_SECONDS if writing else _SETTLE_MAX_SECONDS) or not (came or writing):
                    break
        with self.lock:
            paths, moves = self.paths, self.moves or self.blind
            self.paths, self.moves = set(), False
            self.writing.clear()  # those written meanwhile are taken now; one still open, written again, comes back
            self.arrived.clear()
        own = {str(self.site_dir / folder) for folder in ("content", "templates", ROOT_DIR)}
        if moves and not own.isdisjoint(paths):
            self.watch_folders()  # content/, templates/ or root/ came, went or moved
        return paths, moves

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join()
