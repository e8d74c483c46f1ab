"""A site published under a path of a host (https://org.github.io/cyber/, as GitHub project pages
are) qualifies its ids and UIDs by that path too, so that two newsrooms under one host give no two
items, events, feeds or calendars one id; items it published before keep their ids and UIDs."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from pathlib import Path

import icalendar
from conftest import EXAMPLE_NOW, ROOT
from feed_readers import feedparse, feedsmith, smith_entries, smith_id
from test_calendar import read_with_icaljs

NEWS = "content/news/2018-11-12-forum-joins-paris-call.md"
GATHERING = "content/events/annual-gathering-2018.md"
# RFC 4151: tag:authorityName,date:specific, the specific part pchars, '/' and '?'.
_TAG_URI = re.compile(r"tag:[a-z0-9.-]+,\d{4}-\d\d-\d\d:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-F]{2})+")


def _under(site: Path, base_url: str) -> Path:
    config = site / "site.toml"
    config.write_text(config.read_text().replace('base_url = "https://newsroom.example.org/"', f'base_url = "{base_url}"'))
    return site


def _build(feeds, site: Path, *options: str) -> None:
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW, *options)
    assert result.code == 0, result.err


def _read(site: Path) -> dict[str, object]:
    """The ids and UIDs of a built site as feedparser, feedsmith, icalendar and ical.js read them."""
    feeds = site / "public/feeds"
    atom = feedparse(feeds / "atom.xml")
    entries = {doc["format"]: {smith_id(doc, e) for e in smith_entries(doc)}
               for doc in feedsmith(feeds / "atom.xml", feeds / "rss.xml", feeds / "feed.json")}
    calendar = icalendar.Calendar.from_ical((feeds / "events.ics").read_bytes())
    uids = {str(event["UID"]) for event in calendar.walk("VEVENT")}
    assert {event["uid"] for event in read_with_icaljs(feeds / "events.ics")["events"]} == uids
    entry_ids = {entry.id for entry in atom.entries}
    assert all(found == entry_ids for found in entries.values()), entries
    return {"feed": atom.feed.id, "entries": entry_ids, "calendar": str(calendar["UID"]), "uids": uids}


def _the_site(tmp_path: Path, name: str, base_url: str) -> Path:
    """The example newsroom, never built before, under `base_url`."""
    site = tmp_path / name
    site.mkdir()
    (site / "site.toml").write_bytes((ROOT / "site.toml").read_bytes())
    shutil.copytree(ROOT / "content", site / "content")
    return _under(site, base_url)


def test_two_newsrooms_under_one_host_share_no_id(tmp_path: Path, feeds) -> None:
    cyber, climate = (_the_site(tmp_path, name, f"https://org.github.io/{name}/") for name in ("cyber", "climate"))
    for site in (cyber, climate):
        _build(feeds, site)
    ids = _read(cyber)
    assert ids == {
        "feed": uuid.uuid5(uuid.NAMESPACE_URL, "https://org.github.io/cyber/feeds/").urn,
        "entries": {"tag:org.github.io,2018-11-12:cyber/news/forum-joins-paris-call",
                    "tag:org.github.io,2018-11-12:cyber/events/annual-gathering-2018"},
        "calendar": "calendar.cyber@org.github.io",
        "uids": {"annual-gathering-2018.cyber@org.github.io"},
    }
    assert all(_TAG_URI.fullmatch(entry) for entry in ids["entries"])
    other = _read(climate)
    assert ids["feed"] != other["feed"] and ids["calendar"] != other["calendar"]
    assert not ids["entries"] & other["entries"] and not ids["uids"] & other["uids"]
    event_ics = icalendar.Calendar.from_ical((cyber / "public/events/annual-gathering-2018/event.ics").read_bytes())
    assert str(event_ics["UID"]) == "import.annual-gathering-2018.cyber@org.github.io"
    ledger = json.loads((cyber / "published.json").read_text())
    assert {row["id"] for row in ledger["items"]} == ids["entries"]


def test_a_path_in_several_segments_or_with_dots_gives_uids_without_a_slash_that_stay_apart(tmp_path: Path,
                                                                                           feeds) -> None:
    """A UID holds no '/' (CalDAV servers that store an event under its UID cannot take one); the
    segments come after dots, and a segment's own dots are escaped, so /a.b/ and /a/b/ stay apart."""
    found = {}
    for name, path in (("nested", "a/b/"), ("dotted", "a.b/")):
        site = _the_site(tmp_path, name, f"https://group.gitlab.io/{path}")
        _build(feeds, site)
        found[name] = _read(site)
    assert found["nested"]["uids"] == {"annual-gathering-2018.a.b@group.gitlab.io"}
    assert found["dotted"]["uids"] == {"annual-gathering-2018.a%2Eb@group.gitlab.io"}
    assert "tag:group.gitlab.io,2018-11-12:a/b/news/forum-joins-paris-call" in found["nested"]["entries"]
    assert "tag:group.gitlab.io,2018-11-12:a.b/news/forum-joins-paris-call" in found["dotted"]["entries"]
    assert found["nested"]["calendar"] == "calendar.a.b@group.gitlab.io"


def test_ids_under_a_path_are_fixed_by_site_toml_not_by_base_url(tmp_path: Path, feeds) -> None:
    site = _the_site(tmp_path, "cyber", "https://org.github.io/cyber/")
    _build(feeds, site)
    published = _read(site)
    for preview in ("http://127.0.0.1:8000/", "https://preview.example.net/pr-12/"):
        _build(feeds, site, "--base-url", preview, "--no-cache")
        assert _read(site) == published
    # A new site previewed first (the ledger left as it was) has the ids its first build will give.
    fresh = _the_site(tmp_path, "fresh", "https://org.github.io/cyber/")
    _build(feeds, fresh, "--base-url", "http://127.0.0.1:8000/")
    assert _read(fresh) == published


# The ledger of the example newsroom built under https://org.github.io/cyber/ before ids carried the
# path: as the committed one, with the host that qualified every id and UID.
def _ledger_before_paths() -> str:
    return (ROOT / "published.json").read_text().replace("newsroom.example.org", "org.github.io")


def _published_before_paths(site: Path) -> Path:
    (site / "published.json").write_text(_ledger_before_paths())
    return site


NEW_NEWS = "---\ntitle: A new report\ndate: 2018-11-19T10:00:00+01:00\n---\nThe report.\n"
NEW_EVENT = "---\ntitle: Workshop\ndate: 2018-11-19T10:00:00+01:00\nstart: 2018-12-03\nlocation: Bern\n---\nX.\n"


def test_a_site_under_a_path_that_published_before_keeps_its_ids_and_gives_new_items_the_path(example_site: Path,
                                                                                              feeds) -> None:
    site = _published_before_paths(_under(example_site, "https://org.github.io/cyber/"))
    (site / "content/news/new-report.md").write_text(NEW_NEWS)
    (site / "content/events/workshop.md").write_text(NEW_EVENT)
    _build(feeds, site)
    assert _read(site) == {
        # The site's own ids, which readers and calendar apps do not follow it by (they follow its
        # addresses), take the path at once: the ledger keeps the items' alone.
        "feed": uuid.uuid5(uuid.NAMESPACE_URL, "https://org.github.io/cyber/feeds/").urn,
        "calendar": "calendar.cyber@org.github.io",
        "entries": {"tag:org.github.io,2018-11-12:news/forum-joins-paris-call",
                    "tag:org.github.io,2018-11-12:events/annual-gathering-2018",
                    "tag:org.github.io,2018-11-19:cyber/news/new-report",
                    "tag:org.github.io,2018-11-19:cyber/events/workshop"},
        "uids": {"annual-gathering-2018@org.github.io", "workshop.cyber@org.github.io"},
    }
    ledger = json.loads((site / "published.json").read_text())
    before = json.loads(_ledger_before_paths())["items"]
    assert [row for row in ledger["items"] if row["path"] in (NEWS, GATHERING)] == before
    rows = {row["path"]: row for row in ledger["items"]}
    assert rows["content/events/workshop.md"]["uid"] == "workshop.cyber@org.github.io"
    # Built again, from a fresh checkout of the ledger, it gives the same ids.
    built = _read(site)
    _build(feeds, site, "--no-cache")
    assert _read(site) == built


def test_a_new_site_under_a_path_keeps_its_own_ids_as_it_publishes_more(tmp_path: Path, feeds) -> None:
    site = _the_site(tmp_path, "cyber", "https://org.github.io/cyber/")
    gathering = (site / GATHERING).read_text()
    (site / GATHERING).unlink()
    _build(feeds, site)
    first = _read(site)
    assert (first["feed"], first["calendar"]) == (uuid.uuid5(uuid.NAMESPACE_URL, "https://org.github.io/cyber/feeds/").urn,
                                                  "calendar.cyber@org.github.io")
    (site / GATHERING).write_text(gathering)
    _build(feeds, site)  # its ledger holds a published item now
    then = _read(site)
    assert (then["feed"], then["calendar"], then["uids"]) == (first["feed"], first["calendar"],
                                                              {"annual-gathering-2018.cyber@org.github.io"})


def test_a_withdrawn_item_published_before_ids_carried_the_path_keeps_its_id_reserved(example_site: Path,
                                                                                     feeds) -> None:
    site = _published_before_paths(_under(example_site, "https://org.github.io/cyber/"))
    news_id, gathering_id = (f"tag:org.github.io,2018-11-12:{path}" for path in
                             ("news/forum-joins-paris-call", "events/annual-gathering-2018"))
    for path in (NEWS, GATHERING):
        (site / path).write_text((site / path).read_text().replace("---\n", "---\nwithdrawn: true\n", 1))
    _build(feeds, site)
    for path in (NEWS, GATHERING):  # the withdrawn items' own files, published again without their ids
        (site / path).write_text((site / path).read_text().replace("withdrawn: true\n", ""))
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert f"{NEWS}:1: id: would reuse the id of a withdrawn item ({NEWS})" in result.err
    assert f"{GATHERING}:1: id: would reuse the id of a withdrawn item ({GATHERING})" in result.err
    (site / "content/events/other.md").write_text(  # another event of the withdrawn one's slug, its UID
        '---\ntitle: Other\nid: "urn:other"\nslug: annual-gathering-2018\nstart: 2018-12-10\nlocation: Bern\n---\nX.\n')
    (site / GATHERING).unlink()
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW)
    assert "content/events/other.md:1: uid: would reuse the uid of a withdrawn item" in result.err
    (site / "content/events/other.md").unlink()
    (site / NEWS).write_text((site / NEWS).read_text().replace("---\n", f'---\nid: "{news_id}"\n', 1))
    _build(feeds, site)  # given its id, it is published again as itself
    assert _read(site)["entries"] == {news_id}
    assert gathering_id not in _read(site)["entries"]
