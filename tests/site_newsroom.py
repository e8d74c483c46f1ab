"""Built sites for the site tests: the example newsroom and a larger generated one, served over loopback."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import EXAMPLE_NOW, ROOT, loopback, png

from feeds.cli import main

LARGE_NOW = "2019-03-01T12:00:00+01:00"
TAG_POOL = ["cybersecurity", "paris-call", "privacy", "elections", "internet", "norms", "ransomware",
            "cyber-hygiene", "identity", "policy", "research", "partners"]
NEWS_COUNT, EVENT_COUNT = 44, 16  # 60 items: three archive pages of 20


@dataclass(frozen=True)
class BuiltSite:
    name: str
    site: Path
    output: Path


def write_large_newsroom(site: Path) -> None:
    """A newsroom of 60 items over a year, with many tags and events of every status, zone and kind,
    the first with a photo of its venue."""
    (site / "content/news").mkdir(parents=True)
    (site / "content/events").mkdir(parents=True)
    (site / "templates/static/images").mkdir(parents=True)
    (site / "templates/static/images/venue.png").write_bytes(png(800, 450))
    (site / "site.toml").write_text(
        'title = "Large Test Newsroom"\ndescription = "Many items, for pagination."\n'
        'base_url = "https://large.example.org/"\ntimezone = "Europe/Zurich"\n'
    )
    statuses = ["confirmed", "cancelled", "postponed", "moved-online", "rescheduled", "tentative"]
    for n in range(EVENT_COUNT):
        month, day = 1 + n % 12, 1 + (n * 3) % 27
        year = 2018 if n < 8 else 2019
        tags = [TAG_POOL[n % len(TAG_POOL)], TAG_POOL[(n + 5) % len(TAG_POOL)]]
        if n % 3 == 0:  # all-day, two days
            when = f"start: {year}-{month:02d}-{day:02d}\nend: {year}-{month:02d}-{day + 1:02d}\n"
        elif n % 3 == 1:  # timed, written in UTC, held in New York
            when = (f"start: {year}-{month:02d}-{day:02d}T18:00:00Z\nend: {year}-{month:02d}-{day:02d}T20:00:00Z\n"
                    "timezone: America/New_York\n")
        else:  # timed, local to Tokyo
            when = f"start: {year}-{month:02d}-{day:02d}T09:30\nend: {year}-{month:02d}-{day:02d}T17:00\ntimezone: Asia/Tokyo\n"
        location = ("location:\n  name: Conference Centre\n  address: Rue de Varembé 9, Geneva, Switzerland\n"
                    "  geo: [46.2226, 6.1369]\n") if n % 2 == 0 else f"location: Hall {n}, Tokyo, Japan\n"
        image = "image: static/images/venue.png\nimage_alt: The conference centre's hall, set for the event\n" if n == 0 else ""
        (site / f"content/events/event-{n:02d}.md").write_text(
            f"---\ntitle: Test event number {n}\ndate: {year}-01-01T08:00\n{when}{location}{image}"
            f"status: {statuses[n % len(statuses)]}\ntags: [{', '.join(tags)}]\n"
            f"summary: The event numbered {n}, for the tests.\n---\n"
            f"Event {n} follows [the news item {n}](../../news/news-{n:02d}/).\n"
        )
    for n in range(NEWS_COUNT):
        month, day = 1 + n % 12, 1 + n % 28
        tags = [TAG_POOL[n % len(TAG_POOL)], TAG_POOL[(n * 7 + 3) % len(TAG_POOL)]]
        (site / f"content/news/2018-{month:02d}-{day:02d}-news-{n:02d}.md").write_text(
            f"---\ntitle: Test news item number {n} & friends\ndate: 2018-{month:02d}-{day:02d}T{9 + n % 8:02d}:15\n"
            f"dateline: City {n}, Country\ntags: [{', '.join(sorted(set(tags)))}]\n---\n"
            f"The body of news item {n}, with <em>emphasis</em> and a [link](https://example.com/{n}).\n\n"
            f"## A section\n\nMore text for item {n}.\n"
        )


def _build(site: Path, now: str) -> Path:
    code = main(["build", "--site", str(site), "--now", now])
    assert code == 0
    return site / "public"


@pytest.fixture(scope="session")
def built_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BuiltSite]:
    """The example newsroom and the large test newsroom, each built once for the session."""
    example = tmp_path_factory.mktemp("example") / "site"
    example.mkdir()
    shutil.copy(ROOT / "site.toml", example)
    shutil.copy(ROOT / "published.json", example)
    shutil.copytree(ROOT / "content", example / "content")
    large = tmp_path_factory.mktemp("large") / "site"
    large.mkdir()
    write_large_newsroom(large)
    return {
        "example": BuiltSite("example", example, _build(example, EXAMPLE_NOW)),
        "large": BuiltSite("large", large, _build(large, LARGE_NOW)),
    }


def html_pages(output: Path) -> list[str]:
    """Every HTML page of a built site, as paths from its root."""
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def served(built_sites: dict[str, BuiltSite]) -> Iterator[dict[str, str]]:
    """Each built site served over loopback, as an http://127.0.0.1:PORT/ base URL by site name."""
    with contextlib.ExitStack() as stack:
        yield {name: stack.enter_context(loopback(functools.partial(_QuietHandler, directory=str(built.output)))) + "/"
               for name, built in built_sites.items()}
