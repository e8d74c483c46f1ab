"""`_headers` for static hosts: every file gets its type and exactly one cache rule, in few rules."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import EXAMPLE_NOW, tree_bytes

from feeds.mediatypes import content_type, hosts_guess
from feeds.render import OutputFile
from feeds.render.hosting import render_headers


def parse_headers(text: str) -> list[tuple[str, dict[str, str]]]:
    """The rules of a `_headers` file as Netlify and Cloudflare Pages read it: a path, then indented headers."""
    rules: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("/"):
            rules.append((line.strip(), {}))
        else:
            name, _, value = line.strip().partition(":")
            rules[-1][1][name.strip()] = value.strip()
    return rules


def matches(pattern: str, path: str) -> bool:
    """A rule's URL pattern against a request path; `*` (a splat) matches anything, once per rule."""
    assert pattern.count("*") <= 1, pattern
    return re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), path) is not None


def headers_for(rules: list[tuple[str, dict[str, str]]], path: str) -> dict[str, list[str]]:
    """What a host sends for a path: every matching rule's headers, a repeated header's values merged."""
    sent: dict[str, list[str]] = {}
    for pattern, headers in rules:
        if matches(pattern, path):
            for name, value in headers.items():
                sent.setdefault(name, []).append(value)
    return sent


def url_paths(name: str) -> list[str]:
    return ["/" + name, "/" + name.removesuffix("index.html")] if name.endswith("index.html") else ["/" + name]


def test_every_built_file_gets_one_cache_rule_and_the_types_hosts_miss(example_output: Path) -> None:
    rules = parse_headers((example_output / "_headers").read_text())
    for name in tree_bytes(example_output):
        if name == "_headers":
            continue
        for path in url_paths(name):
            sent = headers_for(rules, path)
            assert len(sent["Cache-Control"]) == 1, (path, sent)
            assert sent["X-Content-Type-Options"] == ["nosniff"]
            if not hosts_guess(name):  # what hosts type right by extension needs no rule
                assert sent["Content-Type"] == [content_type(name)], path
    assert headers_for(rules, "/feeds/atom.xml")["Content-Type"] == ["application/atom+xml; charset=utf-8"]
    assert headers_for(rules, "/feeds/rss.xml")["Content-Type"] == ["application/rss+xml; charset=utf-8"]
    assert headers_for(rules, "/feeds/events.ics")["Content-Type"] == ["text/calendar; charset=utf-8"]
    assert headers_for(rules, "/static/style.css")["Cache-Control"] == ["public, max-age=86400"]
    assert headers_for(rules, "/next-lift.txt")["Cache-Control"] == ["no-cache"]


def test_many_files_share_a_few_rules() -> None:
    files = [OutputFile("index.html", b""), OutputFile("feeds/atom.xml", b""), OutputFile("feed.json", b"")]
    files += [OutputFile(f"events/e{n}/event.ics", b"") for n in range(10_000)]
    files += [OutputFile(f"tags/t{n}/atom.xml", b"") for n in range(500)]
    rules = parse_headers(render_headers(files).data.decode())
    assert len(rules) < 100  # Cloudflare Pages reads at most 100
    assert headers_for(rules, "/events/e9999/event.ics")["Content-Type"] == ["text/calendar; charset=utf-8"]
    assert headers_for(rules, "/tags/t7/atom.xml")["Content-Type"] == ["application/atom+xml; charset=utf-8"]
    assert headers_for(rules, "/feed.json")["Content-Type"] == ["application/feed+json; charset=utf-8"]
    assert headers_for(rules, "/feeds/atom.xml")["Content-Type"] == ["application/atom+xml; charset=utf-8"]


def test_a_site_s_many_static_files_need_no_rules(example_site: Path, feeds, tmp_path: Path) -> None:
    """Files whose type hosts know from their extension (a press kit's PDFs, GIFs, fonts) get no
    Content-Type rule each: 120 of them took the file past Cloudflare's 100 rules."""
    press = example_site / "templates/static/press"
    press.mkdir(parents=True)
    for n in range(120):
        for suffix in (".pdf", ".gif", ".woff2"):
            (press / f"kit-{n}{suffix}").write_bytes(b"x")
    assert feeds("build", "--site", example_site, "--output", tmp_path / "out", "--now", EXAMPLE_NOW).code == 0
    rules = parse_headers((tmp_path / "out/_headers").read_text())
    assert len(rules) < 100
    assert "Content-Type" not in headers_for(rules, "/static/press/kit-7.pdf")
    assert headers_for(rules, "/static/press/kit-7.pdf")["Cache-Control"] == ["public, max-age=86400"]


def test_the_build_and_the_next_lift_file_are_deterministic(example_site: Path, feeds, tmp_path: Path) -> None:
    (example_site / "content/news/later.md").write_text("---\ntitle: Later\ndate: 2030-01-01T09:00:00+01:00\n---\n")
    for out in ("a", "b"):
        assert feeds("build", "--site", example_site, "--output", tmp_path / out, "--now", EXAMPLE_NOW).code == 0
    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")
    assert (tmp_path / "a/next-lift.txt").read_text() == "2030-01-01T08:00:00Z\n"
