"""The ledger of published items (published.json, committed beside the content).

It keeps every published item's id and UID permanent across edits, renames and base URL changes,
and each event's SEQUENCE with a fingerprint of the fields whose change calendars must be told of.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from feeds.errors import Problem, SiteError
from feeds.fields import absolute_uri
from feeds.ids import tag_uri, uid_of
from feeds.inputs import LEDGER_NAME
from feeds.limits import refused_problem
from feeds.model import Event, Item


class LedgerEntry(NamedTuple):
    """One published item's record. (A tuple: a build makes one for each of thousands of items, which a
    frozen dataclass takes three times as long to make.)"""

    id: str
    path: str
    kind: str
    uid: str = ""
    sequence: int = 0
    fingerprint: str = ""
    withdrawn: bool = False


@dataclass(frozen=True)
class Ledger:
    entries: tuple[LedgerEntry, ...] = ()

    # Its entries by id, path and UID: worked out when first asked, once for a ledger that a process
    # reads again and again unchanged (see _parse).
    @functools.cached_property
    def by_id(self) -> dict[str, LedgerEntry]:
        return {e.id: e for e in self.entries}

    @functools.cached_property
    def by_path(self) -> dict[str, LedgerEntry]:
        return {e.path: e for e in self.entries}

    @functools.cached_property
    def by_uid(self) -> dict[str, LedgerEntry]:
        return {e.uid: e for e in self.entries if e.uid}

    def to_bytes(self) -> bytes:
        """Deterministic JSON sorted by path, for readable diffs."""
        rows = [_row(e) for e in sorted(self.entries, key=lambda e: (e.path, e.id))]
        return (json.dumps({"version": 1, "items": rows}, indent=2, ensure_ascii=False) + "\n").encode()


def _row(entry: LedgerEntry) -> dict[str, object]:
    row = entry._asdict() if entry.kind == "event" else {"id": entry.id, "path": entry.path, "kind": entry.kind}
    row.pop("withdrawn", None)
    return {**row, "withdrawn": True} if entry.withdrawn else row


def read_ledger(site_dir: Path) -> Ledger:
    """The ledger as committed; empty for a site that has never been built."""
    path = site_dir / LEDGER_NAME
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Ledger()
    except OSError as error:  # a folder of that name, say
        raise SiteError([Problem(LEDGER_NAME, 0, "", f"cannot be read: {error.strerror}",
                                 f"{LEDGER_NAME} is a file the build writes; move what stands in its place")]) from None
    return _parse(data)


@functools.lru_cache(maxsize=1)
def _parse(data: bytes) -> Ledger:
    """The ledger in these bytes; the last one is remembered, for a process that builds again and again."""
    try:
        text = data.decode("utf-8")
        rows = json.loads(text)
        if not isinstance(rows, dict) or not isinstance(rows.get("items"), list):
            raise ValueError('expected {"version": 1, "items": [...]}')
        entries = tuple(LedgerEntry(**row) for row in rows["items"])
    except (ValueError, KeyError, TypeError) as error:
        raise SiteError([Problem(LEDGER_NAME, 0, "", f"unreadable ledger: {error}",
                                 "restore it from version control")]) from None
    if problems := [problem for entry in entries for problem in _edited(entry, text)]:
        raise SiteError(problems)
    return Ledger(entries)


# The type of each of an entry's values, and how a problem names it.
_TYPES: dict[str, type] = {"id": str, "path": str, "kind": str, "uid": str, "sequence": int, "fingerprint": str,
                           "withdrawn": bool}
_TYPE_NAMES = {str: "text", int: "a number", bool: "true or false"}


def _edited(entry: LedgerEntry, text: str) -> list[Problem]:
    """What an entry edited by hand holds that the build would not have written: a value of another
    kind, or an id that feeds cannot carry; each at the entry's line (of its id, which is unique)."""
    problems = []

    def problem(key: str, message: str) -> None:  # the text is searched only for an entry with a problem
        at_id = text.find(json.dumps(entry.id, ensure_ascii=False)) if isinstance(entry.id, str) else -1
        start = text.rfind("{", 0, at_id) if at_id >= 0 else 0  # the entry's opening brace
        line = text.count("\n", 0, text.find(f'"{key}"', start)) + 1
        problems.append(Problem(LEDGER_NAME, line, key, message,
                                "the build writes this file: restore it from version control, or set the value back"))

    for key, expected in _TYPES.items():
        value = getattr(entry, key)
        if type(value) is not expected:
            problem(key, f"expected {_TYPE_NAMES[expected]}, got {json.dumps(value, ensure_ascii=False)}")
        elif expected is str and (refused := refused_problem(value)) is not None:
            problem(key, refused)
        elif key == "id" and not absolute_uri(value):
            problem(key, f"{value!r} is not an absolute URI, which feeds need an id to be")
    return problems


class Placing(NamedTuple):
    """What the ledger makes of one item as read (`given`): the item with its permanent ids and its entry
    now, or the entry a withdrawn item keeps, or the problem that leaves it out. The same item and
    ledger make the same placing, which a process that builds again and again keeps (see apply)."""

    given: Item
    placed: Item | None  # None when left out: withdrawn, or its id changed
    entry: LedgerEntry | None  # its entry now; None for a withdrawn item the ledger never had, or a problem
    problem: Problem | None = None


Placings = dict[int, Placing]  # by id() of the item given, which each placing holds


def apply(ledger: Ledger, items: list[Item], present: Collection[str] = (),
          known: Mapping[int, Placing] | None = None) -> tuple[list[Item], Ledger, list[Problem], Placings]:
    """Give items their permanent ids and sequences; return the updated ledger and any problems, and
    each item's placing.

    A withdrawn item (`withdrawn: true`) is left out of the returned items but keeps its ledger
    entry, marked withdrawn, so its id stays reserved for good; only then may its file be deleted.
    `present` are the content files there are, `items` or not (drafts, files with errors): an item
    of the ledger whose file is present keeps its entry, and has not disappeared. `known` are the
    placings of the last build against this very ledger: an item that is the very same object is
    placed as it was (at 10,000 items, placing each again took a twentieth of a preview's rebuild).
    """
    known = known or {}
    problems: list[Problem] = []
    placed: list[Item] = []
    kept: dict[str, LedgerEntry] = {}
    placings: Placings = {}
    for item in items:
        placing = known.get(id(item))
        if placing is None or placing.given is not item:  # (an id is another object's once that one is gone)
            placing = _placing(ledger, item)
        placings[id(item)] = placing
        if placing.problem is not None:
            problems.append(placing.problem)
        if placing.entry is not None:
            kept[placing.entry.id] = placing.entry
        if placing.placed is not None:
            placed.append(placing.placed)
    present = set(present)
    for entry in ledger.entries:
        if entry.id in kept:
            continue
        if entry.withdrawn or entry.path in present:
            kept[entry.id] = entry
        else:
            problems.append(_disappeared(entry))
    return placed, Ledger(tuple(kept.values())), problems, placings


def _placing(ledger: Ledger, item: Item) -> Placing:
    """What the ledger makes of one item (see Placing)."""
    entry = _recorded(item, ledger)
    if entry and item.id_given and entry.id != item.id:
        problem = Problem(item.source, 1, "id", f"changes the published id {entry.id!r} to {item.id!r}",
                          "a published id is permanent: remove the id key or set it back")
        return Placing(item, None, None, problem)
    if item.withdrawn:
        return Placing(item, None, None if entry is None else entry._replace(path=item.source, withdrawn=True))
    placed, new_entry = _entry_for(item, entry)
    return Placing(item, placed, new_entry)


def _recorded(item: Item, ledger: Ledger) -> LedgerEntry | None:
    """The ledger's entry for an item, or None for a new one: by the id or UID its front matter gives,
    else by its file's path."""
    entry = ledger.by_id.get(item.id) if item.id_given else None
    if entry is None and isinstance(item, Event) and item.uid_given:
        entry = ledger.by_uid.get(item.uid)
    if entry is None:
        entry = ledger.by_path.get(item.source)
        if entry is not None and entry.withdrawn and not item.withdrawn:
            entry = None  # a new file where a withdrawn one was: a new item (its old id stays reserved)
    return entry


def _disappeared(entry: LedgerEntry) -> Problem:
    """A published item whose file is gone, and how to keep it or take it down."""
    return Problem(
        entry.path, 0, "", f"the published item {entry.id!r} has disappeared",
        "if you renamed the file, add to its front matter: "
        f"id: \"{entry.id}\"" + (f" (and uid: \"{entry.uid}\")" if entry.uid else "")
        + ", and slug: with its old slug to keep its page where it was; to take it down, keep the "
        "file and add withdrawn: true; if it was never deployed (a test), delete its entry from published.json",
    )


def reused_withdrawn(ledger: Ledger, items: Iterable[Item], id_domain: str, id_path: str) -> list[Problem]:
    """A withdrawn item's id and UID stay reserved for good: a problem for each item that would take
    one (as published, or as it will be when its embargo lifts), even a new file at the withdrawn
    one's path, or readers would take it for that one. Only an `id:` given in the front matter
    takes a withdrawn item's id back, to publish it again. On a site under a path, an item whose id
    (or UID) is made with the path is also held to the one it would have had before ids carried it,
    which the items withdrawn before then have: the withdrawn item's own file, published again, would
    otherwise come back under a new id, a second copy for readers who kept the first."""
    ids = {e.id: e for e in ledger.entries if e.withdrawn}
    if not ids:
        return []
    uids = {e.uid: e for e in ledger.entries if e.withdrawn and e.uid}
    problems = []
    for item in items:
        before_id, before_uid = _before_paths(item, id_domain, id_path)
        by_id = None if item.id_given else ids.get(item.id) or ids.get(before_id)
        by_uid = uids.get(item.uid) or uids.get(before_uid) if isinstance(item, Event) and not item.uid_given else None
        if by_uid is not None and item.id_given and by_uid.id == item.id:
            by_uid = None  # the withdrawn event itself, its id given to publish it again
        taken = [(what, entry) for what, entry in (("id", by_id), ("uid", by_uid)) if entry is not None]
        for what, entry in taken[:1]:
            problems.append(Problem(item.source, 1, what, f"would reuse the {what} of a withdrawn item ({entry.path})",
                                    "a withdrawn item's id and uid stay reserved for good: give this item another "
                                    "slug, or an id: (and, for an event, a uid:) of its own; to publish the "
                                    f"withdrawn item again, give it its id: \"{entry.id}\""))
    return problems


def _before_paths(item: Item, id_domain: str, id_path: str) -> tuple[str, str]:
    """The id and UID an item of a site under a path would have had before ids carried the path, for
    each it has made with the path; "" for any other (given, or kept by the ledger)."""
    if not id_path:
        return "", ""
    made = tag_uri(id_domain, id_path, item.date, item.section, item.slug)
    before_id = tag_uri(id_domain, "", item.date, item.section, item.slug) if item.id == made else ""
    made_uid = isinstance(item, Event) and item.uid == uid_of(item.slug, id_domain, id_path)
    return before_id, uid_of(item.slug, id_domain, "") if made_uid else ""


def _entry_for(item: Item, entry: LedgerEntry | None) -> tuple[Item, LedgerEntry]:
    """The item with the id (and, for an event, the UID and SEQUENCE) the ledger keeps for it, and its
    entry now; `entry` is its entry so far, None for a new item."""
    if entry is not None and (entry.id != item.id or isinstance(item, Event) and entry.uid not in ("", item.uid)):
        item = replace(item, id=entry.id, **({"uid": entry.uid} if isinstance(item, Event) and entry.uid else {}))
    if not isinstance(item, Event):
        return item, LedgerEntry(item.id, item.source, item.kind)
    digest = item.fingerprint
    sequence = 0 if entry is None else entry.sequence + (entry.fingerprint != digest)
    if item.sequence != sequence:
        item = replace(item, sequence=sequence)
    return item, LedgerEntry(item.id, item.source, item.kind, item.uid, sequence, digest)
