"""Rendered parts reused across builds: pages of items and lists, VEVENTs and feed documents, each under a key.

Each part's key is a digest of exactly what it is rendered from: the cache keys of the items it
shows (their files' bytes, the settings and the software) with the ids the ledger gave them, an
item's related items, what they take from the template folders (see Templates.pages: the templates
and UI strings, and the width and height of each static image, not the bytes of static files no
page reads), for feed documents the size of each static file an item of the feeds gives as its
image and the files of root/ (an item's image may be one, whose size its enclosure gives) and, for
repeating events, their next occurrences. A part whose key is unchanged is not rendered again:

- VEVENTs are kept in .feeds-cache/ beside the items (the calendar is assembled from them);
- pages, event files and feed documents are kept where the last build wrote them: the output tree,
  whose paths, keys and file stamps the build cache records. A file whose key and stamp are
  unchanged is linked into the new tree rather than rendered and written, so the cache holds no
  second copy of the site (1.2 GB at 10,000 items, most of it feed archives).

Parts left to render are spread over the cores, and each goes into the new output tree from the
worker that rendered it (see `place`). When the templates of item or list pages read
`site` for anything but a series' next occurrences, every page depends on the whole site and the
moment, and is reused only when nothing changed.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from pathlib import Path
from typing import NamedTuple, TypeVar

from feeds.cache import BuildCache
from feeds.calendar_links import event_ics_path
from feeds.incremental import (
    ChangedFound,
    RelatedFound,
    changed_after_again,
    related_again,
)
from feeds.keys import digest, settings_key
from feeds.last_output import LastOutput
from feeds.model import Event, Item, Site
from feeds.pool import spread
from feeds.recurrence import occurrences
from feeds.render import CopiedFile, KeptFile, Output, OutputFile
from feeds.render.channels import FORMATS, Document, each_changed_after
from feeds.render.html import PageJob, each_page, page_changed
from feeds.render.ics import EventPart, EventText, each_event
from feeds.render.related import related_items
from feeds.render.syndication import each_document
from feeds.template_digests import Templates
from feeds.template_reads import templates_read_site
from feeds.write import Stamp

T = TypeVar("T")

_EVENTS = "events.pickle"
_PAGE_KEYS, _DOCUMENT_KEYS, _EVENT_KEYS, _MOMENTS = "page keys", "document keys", "event keys", "moments"  # kept between builds
_HEADERS = "headers"  # kept between builds: the paths of the output, and the _headers they make
_UPDATED = "updated"  # kept between builds: each page's items and events' ends, and when the page last changed
_IMAGE_FILES = "image files"  # kept between builds: the file of the site each image in the feeds names
_CHANGED = "changed after"  # kept between builds: which items of each channel changed after an instant (see changed_after)
_RELATED = "related"  # kept between builds: which items are linked, and each one's related items (see related)
_SPREAD_PAGES = 200  # parts to render before it pays to start workers
_SPREAD_EVENTS = 200
_SPREAD_DOCUMENTS = 40


class KeyPart(NamedTuple):
    """What a part's key is made from: its name among its kind, a basis, the items it shows, and
    whether it shows what those items take from the moment (pages do; see Parts._moments)."""

    name: Hashable
    basis: tuple[str, ...]
    shows: tuple[Item, ...]
    with_moments: bool


class Updated(NamedTuple):
    """When a page last changed, and what that was found from, as a private cache remembers it."""

    items: Sequence[Item]
    ended: Mapping[str, datetime]  # when time alone last changed how each event is shown, by event id
    when: datetime | None


class MadeKey(NamedTuple):
    """A part's key and what it was made from, as a private cache remembers it for the next build."""

    basis: tuple[str, ...]
    shows: tuple[Item, ...]
    moments: tuple[str, ...]  # what the items shown take from the moment, for a page; else ()
    key: str


@dataclass
class Parts:
    """The parts of one build: what the last build left, and what this one renders."""

    cache: BuildCache
    site: Site
    output: Path
    kept: Mapping[str, Stamp]  # the last build's output tree: path -> (key or digest, size, mtime, inode)
    templates: Templates  # the files of the template folders
    page_base: str
    feed_base: str
    event_base: str
    events: dict[str, EventText] = field(default_factory=dict)  # VEVENTs by key, from the cache
    used_events: dict[str, EventText] = field(default_factory=dict)
    rows: dict[str, str] = field(default_factory=dict)  # each item's row, by id, worked out once
    moments: dict[str, tuple[str, ...]] = field(default_factory=dict)  # each event's, by id, once a build (see _moments)
    moments_as_before: bool | None = None  # whether they are as at the last build; None: not worked out yet
    place: Callable[[OutputFile], Output] = lambda file: file  # where a rendered file goes: kept, or written
    trusted: bool = False  # the last build's files are as recorded, without looking (see BuildCache.private)
    updated_before: dict[str, Updated] = field(default_factory=dict)  # see page_changed
    updated_now: dict[str, Updated] = field(default_factory=dict)
    ended_equal: dict[tuple[int, int], tuple[Mapping[str, datetime], bool]] = field(default_factory=dict)  # see _same_ended
    changed_before: dict[str, ChangedFound] = field(default_factory=dict)  # see changed_after
    changed_now: dict[str, ChangedFound] = field(default_factory=dict)

    @classmethod
    def open(cls, last: LastOutput, site: Site, templates: Templates, root: str,
             place: Callable[[OutputFile], Output] | None = None) -> Parts:
        """The parts cache of a build into `last.output`, from the files of the template folders; `root`
        is the digest of root/'s files. With `place`, each rendered part is handed to it (from the
        worker that rendered it) as soon as it is made."""
        cache = last.cache
        updated: dict[str, Updated] = {}
        updated_before = cache.between_builds(_UPDATED)
        cache.keep_between_builds(_UPDATED, updated)  # filled as the pages' dates are found
        changed: dict[str, ChangedFound] = {}
        changed_before = cache.between_builds(_CHANGED)
        cache.keep_between_builds(_CHANGED, changed)  # filled as the feeds are made
        settings = settings_key(site.config)
        page_base = digest("page", cache.software, settings, templates.pages)
        if templates_read_site(templates.key, templates.directories):
            page_base = digest(page_base, cache.site_key(site, templates.key, exact_now=True))
        return cls(cache, site, last.output.absolute(), last.stamps(), templates, page_base,
                   digest("feed", cache.software, settings, templates.pages, root, *_enclosed(cache, site, templates)),
                   digest("event", cache.software, settings, site.strings.digest),  # calendars speak the UI words
                   cache.read(_EVENTS, dict) if cache.reuse else {},  # type: ignore[arg-type]
                   place=place or (lambda file: file), trusted=cache.private, updated_before=updated_before,
                   updated_now=updated, changed_before=changed_before, changed_now=changed)

    def pages(self, render: Callable[[PageJob], OutputFile], jobs: Sequence[PageJob]) -> list[Output]:
        """Each page of an item or a list: linked from the last build when its key is unchanged, else rendered."""
        keys = self._keys(_PAGE_KEYS, [KeyPart(job.folder, (self.page_base, job.folder, job.label), job.shows, True)
                                       for job in jobs])
        found: list[Output | None] = [self._kept(job.path, key) for job, key in zip(jobs, keys)]

        def make(n: int) -> Output:
            return self.place(OutputFile(jobs[n].path, render(jobs[n]).data, keys[n]))

        return _fill(found, make, _SPREAD_PAGES)

    def page_changed(self, folder: str, items: Sequence[Item], ended: Mapping[str, datetime]) -> datetime | None:
        """When a page showing these items last changed (see render.html.page_changed): as at the last
        build when it showed the very same items, and the events' ends (`ended`) were as then, as a
        private cache remembers. (Finding it touches each item, which at 10,000 items, 50,000 on the
        pages of lists, took a sixth of a preview's rebuild.)"""
        known = self.updated_before.get(folder)
        same = known is not None and _same(known.items, items) and self._same_ended(known.ended, ended)
        when = known.when if same else page_changed(items, ended)  # type: ignore[union-attr]
        self.updated_now[folder] = Updated(items, ended, when)
        return when

    def changed_after(self, folder: str, items: Sequence[Item], start: int, since: datetime) -> list[int]:
        """Which of a channel's items changed after `since` (see render.channels.changed_after): as at
        the last build, as a private cache remembers, but for the items in positions that hold other
        items now. (Looking at every item of every channel took 20 ms of a preview's rebuild at
        10,000 items, 40,000 in the channels of their tags.)"""
        found = self.changed_now[folder] = changed_after_again(self.changed_before.get(folder), items, start, since)
        return found.positions

    def related(self, site: Site) -> Mapping[str, tuple[Item, ...]]:
        """Each item's related items (see render.related): as at the last build, as a private cache
        remembers, but for the items edited since and those they link to or are linked from, when
        no edit changed an item's links, page or id. (Following every link of every item again took
        11 ms of a preview's rebuild at 10,000 items.)"""
        last: RelatedFound | None = self.cache.between_builds(_RELATED).get("found")
        found = related_again(last, site.items)
        self.cache.keep_between_builds(_RELATED, {"found": found})
        return found.related

    def _same_ended(self, before: Mapping[str, datetime], now: Mapping[str, datetime]) -> bool:
        """Whether two mappings of the events' ends are equal: compared once a build for each pair (the
        pages share one), told apart by their ids, which stay theirs while both are held (`before` by
        updated_before, `now` here)."""
        if before is now:
            return True
        pair = (id(before), id(now))
        if pair not in self.ended_equal:
            self.ended_equal[pair] = (now, before == now)
        return self.ended_equal[pair][1]

    def event_parts(self, make: Callable[[Event], EventPart], events: Sequence[Event]) -> list[EventPart]:
        """Each event's VEVENT and own file: from the cache and the last build when its key is unchanged."""
        keys = self._keys(_EVENT_KEYS, [KeyPart(event.id, (self.event_base,), (event,), False) for event in events])
        found: list[EventPart | None] = []
        for event, key in zip(events, keys):
            text, kept = self.events.get(key), self._kept(event_ics_path(event), key)
            found.append(EventPart(text, kept) if text and kept else None)

        def made(n: int) -> EventPart:
            part = make(events[n])
            return EventPart(part.text, self.place(OutputFile(part.file.path, part.file.data, keys[n])))

        # Made zone by zone: a process makes a zone's VTIMEZONE for a span of years once, so a worker
        # given the events of a few zones makes a few (given them by their starts, both made nearly all).
        parts = _fill(found, made, _SPREAD_EVENTS, order=lambda n: events[n].timezone.key)
        self.used_events.update((key, part.text) for key, part in zip(keys, parts))
        return parts

    def document_files(self, render: Callable[[Document], list[OutputFile]],
                       documents: Sequence[Document]) -> list[list[Output]]:
        """Each feed document's files (Atom, RSS, JSON): linked when unchanged, else rendered."""
        keys = self._keys(_DOCUMENT_KEYS, [KeyPart((document.channel.folder, document.number),
                                                   (self.feed_base, document.channel.folder, document.channel.title,
                                                    str(document.number), str(document.archives), str(document.older)),
                                                   document.entries, False)
                                           for document in documents])
        found: list[list[Output] | None] = []
        for document, key in zip(documents, keys):
            kept = [self._kept(document.path(fmt), digest(key, fmt)) for fmt in FORMATS]
            found.append(kept if all(kept) else None)  # type: ignore[arg-type]

        def make(n: int) -> list[Output]:
            return [self.place(OutputFile(file.path, file.data, digest(keys[n], fmt)))
                    for file, fmt in zip(render(documents[n]), FORMATS)]

        return _fill(found, make, _SPREAD_DOCUMENTS)

    def headers(self, render: Callable[[Sequence[Output]], OutputFile], files: Sequence[Output]) -> OutputFile:
        """_headers, which the paths of the other files and the settings (whether the build is for
        staging) alone decide: as at the last build when they are the same, as a private cache
        remembers, else rendered."""
        basis = (settings_key(self.site.config), *(file.path for file in files))
        last = self.cache.between_builds(_HEADERS)
        made = last["file"] if last.get("basis") == basis else render(files)
        self.cache.keep_between_builds(_HEADERS, {"basis": basis, "file": made})
        return made

    def copied(self, files: Sequence[OutputFile | CopiedFile]) -> list[Output]:
        """Files copied as they are (root/'s, the static ones): each linked from the last build where it
        has the same bytes there, untouched since, rather than read and written again."""
        return [self._kept(file.path, file.digest) or file for file in files]

    def save_events(self) -> None:
        """Keep exactly the VEVENTs this build used, for the next build, and let go of them here: once
        the calendar is made, the rest of the build needs none."""
        if self.used_events.keys() != self.events.keys():
            self.cache.write(_EVENTS, dict(sorted(self.used_events.items())))
        self.events, self.used_events = {}, {}

    def _row(self, item: Item) -> str:
        row = self.rows.get(item.id)
        if row is None:
            row = self.rows[item.id] = self.cache.item_row(item)
        return row

    def _moments(self, shows: tuple[Item, ...]) -> tuple[str, ...]:
        """What pages showing these items take from the moment: which events are over, and the next
        occurrences of the series among them."""
        table = self.moments if self.moments_as_before is not None else self._every_event_moments()
        found = [table[item.id] for item in shows if item.id in table]  # most pages show no event
        return tuple(chain.from_iterable(found)) if found else ()

    def _every_event_moments(self) -> dict[str, tuple[str, ...]]:
        """Each event's moments (see _event_moments), by id: worked out once a build, into `moments`,
        compared with the last build's and kept for the next (as a private cache remembers them)."""
        self.moments = {event.id: self._event_moments(event) for event in self.site.events}
        self.moments_as_before = self.cache.between_builds(_MOMENTS) == self.moments
        self.cache.keep_between_builds(_MOMENTS, self.moments)
        return self.moments

    def _moments_as_before(self) -> bool:
        """True when every event's moments are as at the last build."""
        if self.moments_as_before is None:
            self._every_event_moments()
        return bool(self.moments_as_before)

    def _event_moments(self, event: Event) -> tuple[str, ...]:
        """Whether the event is over and, for a series, its next occurrences."""
        now = self.site.now
        following = occurrences(event, now, 5) if event.recurrence else []
        return ("over" if event.ends_before(now) else "ahead", *(f"{o.start.isoformat()} {o.end.isoformat()}" for o in following))

    def _keys(self, kind: str, parts: list[KeyPart]) -> list[str]:
        """Each part's key: a digest of its basis, the rows of the items it shows and, for a page, what
        they take from the moment.

        A private cache remembers, by part, what each key was made from (a MadeKey): a part made from
        the same basis and moments and the very same items keeps its key without the rows and the
        digest being worked out again. Equal items will not do: 10:00 in Geneva equals 09:00Z, which
        calendars and pages write otherwise.
        """
        last: dict[Hashable, MadeKey] = self.cache.between_builds(kind)
        made: dict[Hashable, MadeKey] = {}
        keys = []
        for name, basis, shows, with_moments in parts:
            known = last.get(name)
            same = known is not None and _same(known.shows, shows)
            moments: tuple[str, ...] = ()
            if with_moments:  # the same items show the same moments as at the last build, unless an event's changed
                moments = known.moments if same and self._moments_as_before() else ("|", *self._moments(shows))
            if same and known.basis == basis and known.moments == moments:
                made[name] = known
            else:
                made[name] = MadeKey(basis, shows, moments, digest(*basis, *map(self._row, shows), *moments))
            keys.append(made[name].key)
        self.cache.keep_between_builds(kind, made)
        return keys

    def _kept(self, path: str, key: str) -> KeptFile | None:
        """The file the last build wrote at `path`, if it had this key and is untouched since."""
        stamp = self.kept.get(path)
        if stamp is None or stamp[0] != key:
            return None
        source = f"{self.output}/{path}"
        if self.trusted:
            return KeptFile(path, key, source)
        try:
            st = os.stat(source)
        except FileNotFoundError:
            return None
        return KeptFile(path, key, source) if (st.st_size, st.st_mtime_ns, st.st_ino) == stamp[1:] else None


class Fresh:
    """The parts of a render with no cache, as `feeds check` renders: each part made here and now, and
    left where it is made (Parts' interface, with nothing reused and nothing placed)."""

    def __init__(self, templates: Templates) -> None:
        self.templates = templates  # the files of the template folders, as validation found them

    pages = staticmethod(each_page)
    event_parts = staticmethod(each_event)
    document_files = staticmethod(each_document)
    changed_after = staticmethod(each_changed_after)
    related = staticmethod(related_items)

    @staticmethod
    def place(file: Output) -> Output:
        return file

    @staticmethod
    def page_changed(folder: str, items: Sequence[Item], ended: Mapping[str, datetime]) -> datetime | None:
        return page_changed(items, ended)

    @staticmethod
    def copied(files: Sequence[OutputFile | CopiedFile]) -> list[Output]:
        return list(files)

    @staticmethod
    def headers(render: Callable[[Sequence[Output]], OutputFile], files: Sequence[Output]) -> OutputFile:
        return render(files)

    def save_events(self) -> None:
        pass


def _enclosed(cache: BuildCache, site: Site, templates: Templates) -> list[str]:
    """The static files that the items of the feeds (news, and events unless left out of them) give
    as their image, each with its size, which their feed entries' enclosures say (see
    render.entries._media): what feeds take from the static files. Which file each image names is
    remembered from one build to the next by a private cache (working it out for 10,000 images takes
    30 ms)."""
    last: dict[tuple[str, str], str | None] = cache.between_builds(_IMAGE_FILES)
    named: dict[tuple[str, str], str | None] = {}
    config = site.config
    for item in site.items if config.feeds.include_events else site.news:
        if item.image:
            asked = (config.base_url, item.image)
            named[asked] = last[asked] if asked in last else config.own_file(item.image)
    cache.keep_between_builds(_IMAGE_FILES, named)
    static = templates.static
    return [f"{path} {static[path].size}" for path in sorted({path for path in named.values() if path in static})]


def _same(these: Sequence[Item], those: Sequence[Item]) -> bool:
    """True when both hold the very same items in the same order. (Equal items will not do: 10:00 in
    Geneva equals 09:00Z, which calendars and pages write otherwise.)"""
    return len(these) == len(those) and all(map(operator.is_, these, those))


def _fill(found: list[T | None], make: Callable[[int], T], minimum: int,
          order: Callable[[int], str] | None = None) -> list[T]:
    """`found` with each gap n filled by make(n), over the cores when there are at least `minimum` gaps,
    made in the `order` given (by the key of each n), if any."""
    missing = [n for n, part in enumerate(found) if part is None]
    if order is not None:
        missing.sort(key=order)
    for n, part in zip(missing, spread(make, missing, minimum=minimum)):
        found[n] = part
    return found  # type: ignore[return-value]
