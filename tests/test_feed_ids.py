"""Feed ids are permanent: edits keep them, a vanished or re-identified item fails the build naming
its file, and an item is taken down only explicitly, with withdrawn: true."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
from conftest import EXAMPLE_NOW
from feed_readers import feedparse, feedsmith, smith_entries, smith_id

NEWS = "content/news/2018-11-12-forum-joins-paris-call.md"
NEWS_ID = "tag:newsroom.example.org,2018-11-12:news/forum-joins-paris-call"


def ids(site: Path) -> dict[str, set[str]]:
    feeds = site / "public/feeds"
    found = {doc["format"]: {smith_id(doc, e) for e in smith_entries(doc)}
             for doc in feedsmith(feeds / "atom.xml", feeds / "rss.xml", feeds / "feed.json")}
    found["feedparser"] = {e.id for e in feedparse(feeds / "atom.xml").entries}
    return found


def test_ids_survive_edits_to_title_body_tags_summary_slug_and_base_url(example_site: Path, feeds) -> None:
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    before = ids(example_site)
    ledger = (example_site / "published.json").read_bytes()
    path = example_site / NEWS
    text = path.read_text()
    text = text.replace("title: World Economic Forum joins", "title: Forum signs")
    text = text.replace("tags: [Cybersecurity, Paris Call, Centre for Cybersecurity]", "tags: [other]")
    text = text.replace("summary: >-", "slug: renamed-slug\nsummary: >-\n  Changed.\n  ")
    path.write_text(text + "\nA new closing paragraph.\n")
    config = example_site / "site.toml"
    config.write_text(config.read_text().replace("https://newsroom.example.org/", "http://news.example.net/"))
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    assert ids(example_site) == before
    assert NEWS_ID in before["atom"]
    assert (example_site / "published.json").read_bytes() == ledger


def test_a_deleted_file_fails_the_build_naming_it(example_site: Path, feeds) -> None:
    (example_site / NEWS).unlink()
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert f"{NEWS}: the published item '{NEWS_ID}' has disappeared" in result.err
    assert "withdrawn: true" in result.err
    assert "if it was never deployed (a test), delete its entry from published.json" in result.err


def test_a_renamed_file_keeps_its_id_when_told(example_site: Path, feeds) -> None:
    old = example_site / NEWS
    new = example_site / "content/news/paris-call.md"
    old.rename(new)
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 1  # a new id would flood readers
    new.write_text(new.read_text().replace("---\n", f"---\nid: \"{NEWS_ID}\"\n", 1))
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    assert NEWS_ID in ids(example_site)["rss"]
    rows = json.loads((example_site / "published.json").read_text())["items"]
    assert {"id": NEWS_ID, "path": "content/news/paris-call.md", "kind": "news"} in rows


def test_changing_a_published_id_fails_naming_the_file(example_site: Path, feeds) -> None:
    path = example_site / NEWS
    path.write_text(path.read_text().replace("---\n", "---\nid: \"urn:new-id\"\n", 1))
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert f"{NEWS}:1: id: changes the published id '{NEWS_ID}' to 'urn:new-id'" in result.err


def test_a_withdrawn_item_leaves_the_feeds_and_keeps_its_id_reserved(example_site: Path, feeds) -> None:
    path = example_site / NEWS
    path.write_text(path.read_text().replace("---\n", "---\nwithdrawn: true\n", 1))
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    assert all(NEWS_ID not in found for found in ids(example_site).values())
    rows = json.loads((example_site / "published.json").read_text())["items"]
    assert {"id": NEWS_ID, "path": NEWS, "kind": "news", "withdrawn": True} in rows
    path.unlink()  # once the withdrawal is recorded, the file may go
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    assert json.loads((example_site / "published.json").read_text())["items"] == rows


def test_a_withdrawn_id_is_not_given_to_a_new_item(example_site: Path, feeds) -> None:
    path = example_site / NEWS
    path.write_text(path.read_text().replace("---\n", "---\nwithdrawn: true\n", 1))
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    path.unlink()
    ledger = (example_site / "published.json").read_bytes()
    reborn = example_site / "content/news/reborn.md"  # the same date and slug: the same id
    reborn.write_text("---\ntitle: Reborn\ndate: 2018-11-12T10:00:00+01:00\nslug: forum-joins-paris-call\n---\nNew.\n")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert f"content/news/reborn.md:1: id: would reuse the id of a withdrawn item ({NEWS})" in result.err
    assert (example_site / "published.json").read_bytes() == ledger
    reborn.write_text(reborn.read_text().replace("slug: forum-joins-paris-call", "slug: reborn"))
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    assert NEWS_ID not in ids(example_site)["atom"]


def test_a_published_file_with_an_error_or_made_a_draft_has_not_disappeared(example_site: Path, feeds) -> None:
    path = example_site / NEWS
    original = path.read_text()
    path.write_text(original.replace("date: 2018-11-12", "date: 2018-11-31", 1))
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1 and f"{NEWS}:" in result.err and "disappeared" not in result.err
    path.write_text(original.replace("---\n", "---\ndraft: true\n", 1))
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0 and "disappeared" not in result.err, result.err
    assert NEWS_ID not in ids(example_site)["atom"]
    rows = json.loads((example_site / "published.json").read_text())["items"]
    assert {"id": NEWS_ID, "path": NEWS, "kind": "news"} in rows  # still reserved for when it is published again


GATHERING = "content/events/annual-gathering-2018.md"


def _withdraw_the_gathering(site: Path, feeds) -> None:
    path = site / GATHERING
    path.write_text(path.read_text().replace("---\n", "---\nwithdrawn: true\n", 1))
    assert feeds("build", "--site", site, "--now", EXAMPLE_NOW).code == 0
    path.unlink()


def test_a_withdrawn_uid_is_not_given_to_a_new_event_with_an_id_of_its_own(example_site: Path, feeds) -> None:
    _withdraw_the_gathering(example_site, feeds)
    (example_site / "content/events/other.md").write_text(  # the same slug: the same derived UID
        '---\ntitle: Other\nid: "urn:other"\nslug: annual-gathering-2018\nstart: 2018-12-10\nlocation: Bern\n---\nX.\n')
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert f"content/events/other.md:1: uid: would reuse the uid of a withdrawn item ({GATHERING})" in result.err


def test_an_embargoed_item_that_would_reuse_a_withdrawn_id_fails_before_its_embargo_lifts(example_site: Path,
                                                                                           feeds) -> None:
    _withdraw_the_gathering(example_site, feeds)
    (example_site / "content/events/next.md").write_text(
        "---\ntitle: Next\nslug: annual-gathering-2018\ndate: 2018-12-01T09:00:00+01:00\nstart: 2019-11-26\n"
        "location: Geneva\n---\nX.\n")  # announced after EXAMPLE_NOW: embargoed
    for command in ("check", "build"):
        result = feeds(command, "--site", example_site, "--now", EXAMPLE_NOW)
        assert result.code == 1 and "content/events/next.md:1: uid: would reuse the uid of a withdrawn item" in result.err


def test_an_id_that_contradicts_the_one_published_is_refused_when_a_uid_is_given(example_site: Path, feeds) -> None:
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    path = example_site / GATHERING
    path.write_text(path.read_text().replace(
        "---\n", '---\nuid: annual-gathering-2018@newsroom.example.org\nid: "urn:changed"\n', 1))
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert f"{GATHERING}:1: id: changes the published id" in result.err


def test_a_new_file_where_a_withdrawn_one_was_does_not_take_its_id(example_site: Path, feeds) -> None:
    path = example_site / NEWS
    original = path.read_text()
    path.write_text(original.replace("---\n", "---\nwithdrawn: true\n", 1))
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    path.unlink()
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    path.write_text("---\ntitle: Other\ndate: 2018-11-12T10:00:00+01:00\n---\nAnother item.\n")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1 and f"{NEWS}:1: id: would reuse the id of a withdrawn item ({NEWS})" in result.err
    path.write_text(original)  # the withdrawn item itself, published again: only with its id given
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 1
    path.write_text(original.replace("---\n", f'---\nid: "{NEWS_ID}"\n', 1))
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    assert NEWS_ID in ids(example_site)["atom"]


def test_a_new_file_where_a_withdrawn_one_was_is_a_new_item_with_a_slug_or_an_id_of_its_own(example_site: Path,
                                                                                              feeds) -> None:
    path = example_site / NEWS
    path.write_text(path.read_text().replace("---\n", "---\nwithdrawn: true\n", 1))
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    path.unlink()
    for front, new_id in (("slug: another-story\n", "tag:newsroom.example.org,2018-11-12:news/another-story"),
                          ('id: "urn:another-story"\n', "urn:another-story")):
        path.write_text(f"---\ntitle: Other\ndate: 2018-11-12T10:00:00+01:00\n{front}---\nAnother item.\n")
        result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
        assert result.code == 0, result.err
        assert new_id in ids(example_site)["atom"] and NEWS_ID not in ids(example_site)["atom"]
        rows = json.loads((example_site / "published.json").read_text())["items"]
        assert {"id": NEWS_ID, "path": NEWS, "kind": "news", "withdrawn": True} in rows
        (example_site / "published.json").write_text(json.dumps({"version": 1, "items": [
            row for row in rows if row["id"] != new_id]}))  # each way from the same ledger


def test_a_withdrawn_event_given_its_id_is_published_again_with_its_uid(example_site: Path, feeds) -> None:
    """Its id given, a withdrawn event comes back as itself: the UID its file derives is its own, not
    a withdrawn one taken, so calendars update the event they had rather than get a second one."""
    original = (example_site / GATHERING).read_text()
    _withdraw_the_gathering(example_site, feeds)
    gathering_id = "tag:newsroom.example.org,2018-11-12:events/annual-gathering-2018"
    (example_site / GATHERING).write_text(original.replace("---\n", f'---\nid: "{gathering_id}"\n', 1))
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    assert gathering_id in ids(example_site)["atom"]
    calendar = icalendar.Calendar.from_ical((example_site / "public/feeds/events.ics").read_bytes())
    assert "annual-gathering-2018@newsroom.example.org" in [str(event["UID"]) for event in calendar.walk("VEVENT")]
