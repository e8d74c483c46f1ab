"""`feeds serve`: build into a private directory, serve it on loopback, rebuild on change, reload the page.

The preview runs the same pipeline as `feeds build` (without recording the ledger), so it shows the
site exactly as it will be published. Pages get a small live-reload script; published pages have none.
"""

from __future__ import annotations

import gc
import os
import secrets
import shutil
import signal
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from ipaddress import ip_address
from pathlib import Path
from typing import NamedTuple

from feeds.build import BuildResult, build, counted
from feeds.cache import BuildCache
from feeds.config import CONFIG_NAME
from feeds.embargo import utc_text
from feeds.errors import SiteError, how_many
from feeds.file_digests import file_stamps
from feeds.inputs import LEDGER_NAME, BuildOptions, Look
from feeds.last_output import LastOutput
from feeds.listing import Listing, list_sources, source_stamp
from feeds.preview_server import Handler, PreviewServer, PreviewServer6
from feeds.root_files import list_root
from feeds.template_digests import list_templates
from feeds.template_paths import template_dirs
from feeds.watch import Changes
from feeds.write import link_spare

POLL_SECONDS = 0.25  # how often the watcher checks for an embargo lifting, or for the preview stopping

Echo = Callable[[str], None]


class Seen(NamedTuple):
    """The site's files at one look: what a change is found against."""

    look: Look  # the content files, the template folders' and root/'s, as the build takes them
    others: tuple[tuple[str, int, int, int, int], ...]  # the settings', the ledger's, every template file's and root/'s
    linked: bool = False  # whether the settings, a template of the site's own or a file of root/ is reached through a link


@dataclass(frozen=True)
class State:
    """What the last build attempt left: a generation number pages compare, and its problems if it failed."""

    generation: int
    problems: tuple[str, ...]
    changed: int  # when, in whole seconds since the epoch: the Last-Modified of everything served
    next_change: datetime | None = None  # when the outputs change with time alone: an event ends, an embargo lifts
    served: bool = True  # whether a good build is served (none is when the first one failed)
    run: str = ""  # this run of the preview's own, which another run (a restart) does not share


class Preview:
    """The served output directory and the state of the last build; rebuilt by the watcher thread."""

    def __init__(self, site_dir: Path, output: Path, *, base_url: str, now: datetime | None, drafts: bool,
                 echo: Echo) -> None:
        self.site_dir, self.output, self.echo = site_dir, output, echo
        self.options = BuildOptions(now=now, base_url=base_url, drafts=drafts)
        self.changed = threading.Condition()
        self.state = State(0, (), int(time.time()), run=secrets.token_hex(4))
        self.stopping = False
        self.built_once = False  # whether there is a good build to serve
        self.collected = 0  # how many objects were frozen when last collected
        self.rebuilds = 0
        self.building = False  # whether a build is under way
        self.held: tuple[int, int, datetime | None] = (0, 0, None)  # drafts and embargoes last said (_held_back)
        # Items, rendered parts and what the output holds, from one build to the next: a change
        # parses, renders and writes only what it affects.
        self.memory: dict[str, object] = {}

    def rebuild(self, look: Look | None = None) -> None:
        """Build once (from the files of `look` when the watcher has just looked); on content errors,
        report them and keep serving the last good build."""
        # The collector would scan all the preview keeps, again and again, while the rebuild makes
        # little garbage: it runs once the new build is served (workers collect as usual).
        gc.disable()
        self.building = True
        try:
            self._rebuild(look)
        finally:
            self.building = False
            gc.enable()
            self._collect_frozen()

    def _collect_frozen(self) -> None:
        """Validation freezes what the build keeps (see feeds.check), which the collector then never
        scans: garbage in cycles frozen with it, such as the Jinja environment a template edit
        replaced, would stay for good. When the frozen heap has grown by a twentieth since it was
        last collected (as looked at every 16th build), collect it once."""
        self.rebuilds += 1
        if self.rebuilds % 16 == 0 and gc.get_freeze_count() > self.collected * 1.05:  # counting takes 10 ms
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self.collected = gc.get_freeze_count()

    def _rebuild(self, look: Look | None) -> None:
        started = time.perf_counter()
        next_change = None
        try:
            result = build(self.site_dir, self.output, self.options, cache=BuildCache.open(self.site_dir, self.memory),
                           record_ledger=False, look=look)
            next_change = result.changes_at
            self.built_once = True
            problems: tuple[str, ...] = ()
            for warning in result.warnings:
                self._say(str(warning))
            self._say(f"feeds: built {counted(result.news, result.events)} "
                      f"({time.perf_counter() - started:.2f} s)")
            self._held_back(result)
        except SiteError as error:
            # The errors first, then the warnings: in a page's box, or a terminal's last lines, an
            # error under a newsroom's dozen warnings went unseen.
            problems = tuple(str(problem) for problem in sorted(error.problems, key=lambda p: not p.is_error))
            self._failed(problems)
        except Exception as error:  # a fault of feeds itself: say so, and keep watching for the next change
            self._say(_traceback(error))
            problems = (f"feeds: the build stopped on an unexpected error: {type(error).__name__}: {error} "
                        "(hint: this is a fault of feeds: please report it, with the traceback the terminal shows)",)
            self._failed(problems)
        with self.changed:
            # Last-Modified has whole seconds: two states must never share one, or If-Modified-Since
            # would answer 304 with the page of the state before.
            changed = max(int(time.time()), self.state.changed + 1)
            self.state = State(self.state.generation + 1, problems, changed, next_change, self.built_once,
                               self.state.run)
            self.changed.notify_all()

    def _held_back(self, result: BuildResult) -> None:
        """Say what the build left out, drafts and embargoed items, when that changed: an item just
        written by feeds new (a draft), or dated ahead, is in no page, and the count alone went down."""
        held = (result.drafts, len(result.embargoed), result.next_lift)
        if held == self.held:
            return
        self.held = held
        if result.drafts:
            self._say(f"feeds: {how_many(result.drafts, 'draft')} left out; feeds serve --drafts shows them")
        if result.next_lift:
            then = ("when the preview shows it (--now shows it sooner)" if self.options.now is None
                    else "after this preview's --now: a later --now shows it")
            self._say(f"feeds: {len(result.embargoed)} embargoed; the next lifts at {utc_text(result.next_lift)}, {then}")

    def _say(self, line: str) -> None:
        """Print a line of the build's report, unless the preview is stopping: a build under way at
        Ctrl+C is waited for and thrown away, and the terminal's last word is that it stopped."""
        if not self.stopping:
            self.echo(line)

    def _failed(self, problems: tuple[str, ...]) -> None:
        """Report why the build failed, and what is served meanwhile."""
        for line in problems:
            self._say(line)
        self._say("feeds: the build failed; " + ("still serving the last good build" if self.built_once
                                                 else "there is nothing to serve until it succeeds"))

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()

    def watch(self, changes: Changes, seen: Seen) -> None:
        """Rebuild when content, templates, root/ or settings change, or when time alone changes the outputs (an
        event ends, an embargo lifts); `seen` is what the files were like when `changes` began to be told."""
        lost = False  # whether the last look failed, so that the next looks at every file
        while not self.stopping:
            paths, moves = changes.wait(POLL_SECONDS)
            # Where files moved, or links lead (perhaps where nothing is watched), look at every file.
            try:
                seen = self.catch_up(seen, None if moves or lost or seen.look.content.linked else paths)
                lost = False
            except Exception as error:  # a folder gone while looked at, or a fault of feeds: keep watching
                self.echo(_traceback(error))
                self.echo("feeds: looking at the files failed; the next change makes it look again")
                lost = True

    def prepare_spare(self) -> None:
        """Link the tree the next build starts from, so that even the first edit writes only what it
        changes (else that build writes a whole second tree)."""
        if link_spare(self.output):
            LastOutput(BuildCache.open(self.site_dir, self.memory), self.output).spare_linked()

    def catch_up(self, seen: Seen, changed: set[str] | None = None) -> Seen:
        """Rebuild if the files changed since they were `seen`, or time alone changed the outputs (an event
        ended, an embargo lifted); return what is seen now. `changed` are the paths the watcher was told
        of; None: look at every file."""
        due = self.state.next_change
        moved = bool(self.options.now is None and due and datetime.now(timezone.utc) >= due)
        # Where a link leads, the system tells of no change: the files behind links are looked at each time.
        if changed is not None and not changed and not moved and not seen.linked:
            return seen
        now_seen = self.look(seen.look.content if changed is not None else None, changed or ())
        listing, last = now_seen.look.content, seen.look.content
        # A listing taken again from the last one is a new one only when some file's stamp differs; a
        # file that is not published, or a folder that cannot be read, counts only by its name (its
        # problem says no more).
        differs = listing is not last and (changed is not None or listing.stamps != last.stamps
                                           or listing.strays != last.strays or listing.unreadable != last.unreadable)
        if differs or now_seen.others != seen.others or _unreadable(now_seen.look) != _unreadable(seen.look) or moved:
            self.rebuild(now_seen.look)  # built from this very look: a file changed since is found by the next
        return now_seen

    def look(self, last: Listing | None = None, changed: Iterable[str] = ()) -> Seen:
        """The site's files as the build takes them (see feeds.inputs.Look), the stamps of the settings,
        the ledger, every template file and every file of root/ (as a content file's: a rewrite that
        keeps the size and the time still changes the inode or the change time), and whether a link
        leads to any of those but the ledger (where the system tells of no change); with the `last`
        listing of the content files, only the `changed` ones are looked at again."""
        own_templates = self.site_dir / "templates"
        templates, root = list_templates(template_dirs(self.site_dir)), list_root(self.site_dir)
        listing = last.restated(self.site_dir, changed) if last is not None else None
        look = Look(listing if listing is not None else list_sources(self.site_dir), templates, root)
        stamps = []
        for path in (str(self.site_dir / CONFIG_NAME), str(self.site_dir / LEDGER_NAME)):
            try:
                stamps.append((path, *source_stamp(os.stat(path))))
            except FileNotFoundError:
                continue
        stamps += file_stamps(file for files in templates.files for file in files)
        stamps += file_stamps(root.files)
        own = next((files for directory, files in zip(templates.directories, templates.files)
                    if directory == own_templates), ())
        linked = ((self.site_dir / CONFIG_NAME).is_symlink() or own_templates.is_symlink()
                  or any(file.linked for file in own) or any(file.linked for file in root.files))
        return Seen(look, tuple(sorted(stamps)), linked)


def _unreadable(look: Look) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The folders of the templates and of root/ that cannot be read at this look: one that comes to be
    so, or readable again, counts by its name, as a content folder does (no stamp tells, when it holds
    no file)."""
    return look.templates.unreadable, look.root.unreadable


def _traceback(error: BaseException) -> str:
    """The error with its traceback, as Python prints it, for a fault the preview survives."""
    return "".join(traceback.format_exception(error)).rstrip()


def serve(site_dir: Path, *, host: str, port: int, now: datetime | None, drafts: bool, echo: Echo,
          base_url: str | None = None) -> None:
    """Serve the site until interrupted (Ctrl+C or SIGTERM); raises OSError when the port is taken.
    The pages' absolute links lead to `base_url`, else to the address served."""
    server = (PreviewServer6 if ":" in host else PreviewServer)((host, port), Handler)
    scratch = Path(tempfile.mkdtemp(prefix="feeds-serve-"))
    shown_host = f"[{host}]" if ":" in host else host
    served = f"http://{shown_host}:{server.server_address[1]}/"
    if base_url is None and _every_address(host):
        echo(f"feeds: the pages' absolute links (feeds, calendar) lead to {served}, which other devices cannot "
             "reach: give --base-url with this machine's address")
    base_url = base_url or served
    preview = Preview(site_dir, scratch / "site", base_url=base_url, now=now, drafts=drafts, echo=echo)
    server.preview = preview
    previous = signal.signal(signal.SIGTERM, _interrupt)
    changes = Changes(site_dir)  # told of every change from before the first look on
    watched = threading.Event()  # set when the watcher has stopped, its last build done
    watched.set()
    try:
        seen = preview.look()
        preview.rebuild(seen.look)
        preview.prepare_spare()
        watched.clear()
        threading.Thread(target=_watch, args=(preview, changes, seen, watched), name="feeds-watch", daemon=True).start()
        echo(f"feeds: serving {served} (Ctrl+C to stop)" + (f", its links as {base_url}" if base_url != served else ""))
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        preview.stop()  # first, so that a build under way says nothing after this
        if preview.building:
            echo("feeds: stopping when the build under way ends")
    finally:
        preview.stop()
        _wait_for(watched)  # a rebuild under way writes into `scratch` until it ends
        changes.stop()
        server.server_close()
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(scratch, ignore_errors=True)
    echo("feeds: stopped")


def _every_address(host: str) -> bool:
    """Whether `host` is 0.0.0.0 or ::, which listens on every address and is no address to reach."""
    try:
        return ip_address(host).is_unspecified
    except ValueError:  # a name, such as localhost
        return False


def _watch(preview: Preview, changes: Changes, seen: Seen, watched: threading.Event) -> None:
    """The watcher thread: rebuild as the files change (see Preview.watch), and say when it stopped."""
    try:
        preview.watch(changes, seen)
    finally:
        watched.set()


def _wait_for(watched: threading.Event) -> None:
    """Wait for the watcher to end its build, through any further Ctrl+C: cut short, the wait would
    leave the build writing into the preview's copy of the site as it was removed, and the copy
    behind (a second Ctrl+C left 150 MB in /tmp at 2,000 items). The first Ctrl+C said it waits.
    (An Event, not Thread.join: Python 3.11's join, once interrupted, may say a thread ended that has not.)"""
    while True:
        try:
            if watched.wait(0.25):
                return
        except KeyboardInterrupt:
            continue


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
