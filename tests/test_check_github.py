"""`feeds check --format github`: problems and embargoes as workflow commands CI shows on the line."""

from __future__ import annotations

from pathlib import Path

from feeds.annotations import github_annotation, github_command
from feeds.errors import Problem, Severity


def test_errors_become_annotations_on_their_file_and_line(example_site: Path, feeds, monkeypatch) -> None:
    """Paths are given from the working directory (a workflow's checkout), however --site names the site."""
    monkeypatch.chdir(example_site.parent)
    (example_site / "content/news/bad-date.md").write_text("---\ntitle: T\ndate: 2018-02-30\ncolour: red\n---\n")
    result = feeds("check", "--site", example_site, "--format", "github")
    assert result.code == 1
    lines = result.out.splitlines()
    site = "site"
    assert (f"::error file={site}/content/news/bad-date.md,line=3,title=date::not a date or time: '2018-02-30' "
            "(hint: write 2018-11-12 or 2018-11-12T09:30:00+01:00)") in lines
    assert any(line.startswith(f"::warning file={site}/content/news/bad-date.md,line=4,title=colour::unknown key")
               for line in lines), lines


def test_with_strict_a_warning_is_an_error_annotation_as_it_fails_the_run(example_site: Path, feeds,
                                                                            monkeypatch) -> None:
    monkeypatch.chdir(example_site.parent)
    (example_site / "content/news/typo.md").write_text("---\ntitle: T\ndate: 2018-11-12\ncolour: red\n---\nX.\n")
    warned = feeds("check", "--site", example_site, "--format", "github")
    assert warned.code == 0 and any(line.startswith("::warning file=site/content/news/typo.md,line=4,title=colour::")
                                    for line in warned.out.splitlines()), warned.out
    failed = feeds("check", "--site", example_site, "--format", "github", "--strict")
    assert failed.code == 1 and any(line.startswith("::error file=site/content/news/typo.md,line=4,title=colour::")
                                    for line in failed.out.splitlines()), failed.out
    assert failed.err == "feeds: 1 warning, which --strict counts as an error\n"  # the log's last line, as without --format


def test_paths_are_relative_to_the_checkout_when_run_from_it(example_site: Path, feeds, monkeypatch) -> None:
    monkeypatch.chdir(example_site.parent)
    (example_site / "content/news/no-title.md").write_text("---\ndate: 2018-11-12\n---\n")
    result = feeds("check", "--site", "site", "--format", "github")
    assert "::error file=site/content/news/no-title.md,line=1,title=title::missing; it is required" in result.out


def test_embargoes_are_notices(example_site: Path, feeds, monkeypatch) -> None:
    monkeypatch.chdir(example_site.parent)
    (example_site / "content/news/later.md").write_text("---\ntitle: Later\ndate: 2030-01-01T09:00:00Z\n---\n")
    result = feeds("check", "--site", example_site, "--format", "github", "--now", "2018-11-20T12:00:00Z")
    assert result.code == 0
    assert ("::notice file=site/content/news/later.md,title=embargo::"
            "Later: embargoed until 2030-01-01T09:00:00+00:00 (lifts 2030-01-01T09:00:00Z)") in result.out.splitlines()


def test_special_characters_are_escaped() -> None:
    problem = Problem("content/news/a,b:c.md", 2, "title", "50% done\nsecond line", severity=Severity.WARNING)
    assert github_annotation(problem, Path(".")) == \
        "::warning file=content/news/a%2Cb%3Ac.md,line=2,title=title::50%25 done%0Asecond line"
    assert github_command("notice", "x.md", "a:b") == "::notice file=x.md,title=feeds::a:b"
