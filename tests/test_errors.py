"""Bad input: every error located as path:line: field, all reported at once, exit 1, output untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLE_NOW, tree_bytes

# (file, text, expected message lines, each beginning "path:line: field:")
BROKEN = [
    ("news/no-title.md", "---\ndate: 2018-11-12\n---\nBody\n", ["content/news/no-title.md:1: title: missing"]),
    ("news/bool-title.md", "---\ntitle: yes\ndate: 2018-11-12\n---\n", ["content/news/bool-title.md:2: title: expected text"]),
    ("news/bad-date.md", "---\ntitle: T\ndate: 2018-02-30\n---\n", ["content/news/bad-date.md:3: date: not a date or time"]),
    ("news/bad-yaml.md", "---\ntitle: T\ndate: [2018\n---\n", ["content/news/bad-yaml.md:4: YAML syntax"]),
    ("news/no-front.md", "Just text\n", ["content/news/no-front.md:1: no front matter"]),
    ("news/latin1.md", b"---\ntitle: Z\xfcrich\n---\n", ["content/news/latin1.md:2: not UTF-8"]),
    ("events/end-first.md", "---\ntitle: E\nstart: 2018-11-26\nend: 2018-11-25\n---\n",
     ["content/events/end-first.md:4: end: is before start"]),
    ("events/bad-zone.md", "---\ntitle: E\nstart: 2018-11-26T09:00\ntimezone: Europe/Genev\n---\n",
     ["content/events/bad-zone.md:4: timezone: unknown time zone"]),
    ("events/mixed.md", "---\ntitle: E\nstart: 2018-11-26T09:00\nend: 2018-11-27\n---\n",
     ["content/events/mixed.md:4: end: must be a time like start"]),
    ("events/bad-geo.md", "---\ntitle: E\nstart: 2018-11-26\nlocation:\n  name: X\n  geo: [500, 1]\n---\n",
     ["content/events/bad-geo.md:6: location.geo: expected [latitude, longitude]"]),
    ("events/bad-status.md", "---\ntitle: E\nstart: 2018-11-26\nstatus: maybe\n---\n",
     ["content/events/bad-status.md:4: status: unknown status"]),
]


@pytest.fixture
def built(example_site: Path, feeds) -> tuple[Path, dict[str, bytes]]:
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    return example_site, tree_bytes(example_site / "public")


@pytest.mark.parametrize(("name", "text", "expected"), BROKEN, ids=[case[0] for case in BROKEN])
def test_broken_file_is_located_and_nothing_is_written(built, feeds, name, text, expected) -> None:
    site, before = built
    path = site / "content" / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    for line in expected:
        assert any(reported.startswith(line) for reported in result.err.splitlines()), result.err
    assert tree_bytes(site / "public") == before


def test_every_error_of_the_run_is_reported_at_once(built, feeds) -> None:
    site, before = built
    for name, text, _ in BROKEN:
        (site / "content" / name).write_bytes(text if isinstance(text, bytes) else text.encode())
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    for _, _, expected in BROKEN:
        for line in expected:
            assert any(reported.startswith(line) for reported in result.err.splitlines()), (line, result.err)
    assert tree_bytes(site / "public") == before


def test_bad_site_toml_gives_its_line(built, feeds) -> None:
    site, before = built
    config = site / "site.toml"
    config.write_text(config.read_text().replace('timezone = "Europe/Zurich"', 'timezone = "Mars/Olympus"'))
    result = feeds("build", "--site", site)
    assert result.code == 1
    assert "site.toml:6: timezone: unknown time zone 'Mars/Olympus'" in result.err
    assert tree_bytes(site / "public") == before


def test_usage_errors_exit_2(feeds) -> None:
    assert feeds("build", "--now", "yesterday").code == 2
    assert feeds("publish").code == 2


def test_check_validates_without_writing(example_site: Path, feeds) -> None:
    result = feeds("check", "--site", example_site)
    assert result.code == 0, result.err
    assert not (example_site / "public").exists()
    (example_site / "content/news/no-title.md").write_text("---\ndate: 2018-11-12\n---\n")
    assert feeds("check", "--site", example_site).code == 1
