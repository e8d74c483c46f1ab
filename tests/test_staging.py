"""A staging build (`--base-url` another address than site.toml's base_url) is kept out of search
engines as crawlers read it: robots.txt closes the site, every page says noindex, and `_headers` has
hosts send X-Robots-Tag; a build for site.toml's own address is open to them, as before."""

from __future__ import annotations

from pathlib import Path
from urllib.robotparser import RobotFileParser

import lxml.html
from conftest import EXAMPLE_NOW, tree_bytes
from test_hosting import HOSTS, headers_for, parse_headers, url_paths

BASE = "https://newsroom.example.org/"
STAGING = "https://staging.example.net/"
NEWS = "news/forum-joins-paris-call/"


def robots(output: Path, base: str) -> RobotFileParser:
    """robots.txt as crawlers read it, fetched from the host at `base`."""
    parser = RobotFileParser(base + "robots.txt")
    parser.parse((output / "robots.txt").read_text(encoding="utf-8").splitlines())
    return parser


def robots_metas(page: bytes) -> list[str]:
    return lxml.html.fromstring(page).head.xpath('meta[@name="robots"]/@content')


def built(site: Path, feeds, output: Path, *options: str) -> dict[str, bytes]:
    result = feeds("build", "--site", site, "--output", output, "--now", EXAMPLE_NOW, *options)
    assert result.code == 0, result.err
    return tree_bytes(output)


def test_a_staging_build_is_closed_to_crawlers_and_says_noindex_everywhere(example_site: Path, feeds,
                                                                           tmp_path: Path) -> None:
    output = tmp_path / "staging"
    files = built(example_site, feeds, output, "--base-url", STAGING)
    said = f"feeds: a staging copy for {STAGING}, not base_url: robots.txt, its pages and _headers keep it out of"
    assert said in feeds("build", "--site", example_site, "--output", output, "--now", EXAMPLE_NOW, "--base-url",
                         STAGING).out  # so too when nothing changed
    crawler = robots(output, STAGING)
    for agent in ("Googlebot", "Bingbot", "*"):
        assert not crawler.can_fetch(agent, STAGING)
        assert not crawler.can_fetch(agent, STAGING + NEWS)
    assert crawler.site_maps() is None  # the staging sitemap is named nowhere
    pages = [name for name in files if name.endswith(".html")]
    assert len(pages) > 10
    for name in pages:
        assert robots_metas(files[name]) == ["noindex"], name  # once, 404.html too
    # Canonical links stay on the host the copy is served from (see README, Hosting).
    [canonical] = lxml.html.fromstring(files[NEWS + "index.html"]).head.xpath('link[@rel="canonical"]/@href')
    assert canonical == STAGING + NEWS
    rules = parse_headers(files["_headers"].decode())
    for host in HOSTS:
        for name in files:
            for path in url_paths(name):
                assert headers_for(rules, path, host)["X-Robots-Tag"] == ["noindex"], (host, path)


def test_only_another_address_than_base_url_makes_a_staging_build(example_site: Path, feeds, tmp_path: Path) -> None:
    """--base-url giving base_url itself (with or without its last slash, its host in capitals or with
    the scheme's own port, as browsers take it) is no staging build, and a site.toml whose base_url is
    the staging address makes that host's build the site's own."""
    built(example_site, feeds, tmp_path / "staging", "--base-url", STAGING)
    assert not robots(tmp_path / "staging", STAGING).can_fetch("Googlebot", STAGING)
    for number, options in enumerate([(), ("--base-url", BASE), ("--base-url", BASE.rstrip("/")),
                                      ("--base-url", "HTTPS://Newsroom.Example.ORG:443/")]):
        _assert_open(built(example_site, feeds, tmp_path / str(number), *options), tmp_path / str(number), BASE)
        result = feeds("build", "--site", example_site, "--output", tmp_path / str(number), *options)
        assert result.code == 0 and "staging" not in result.out, result.out
    staged = example_site / "site.toml"
    staged.write_text(staged.read_text(encoding="utf-8").replace(BASE, STAGING), encoding="utf-8")
    _assert_open(built(example_site, feeds, tmp_path / "own", "--base-url", STAGING), tmp_path / "own", STAGING)


def _assert_open(files: dict[str, bytes], output: Path, base: str) -> None:
    """The site at `base` as it is published: every page open to crawlers, and none but 404.html noindex."""
    crawler = robots(output, base)
    assert crawler.can_fetch("Googlebot", base) and crawler.can_fetch("Googlebot", base + NEWS)
    assert crawler.site_maps() == [base + "sitemap.xml"]
    noindex = {name for name in files if name.endswith(".html") and robots_metas(files[name])}
    assert noindex == {"404.html"}
    assert not any("X-Robots-Tag" in headers for _, headers in parse_headers(files["_headers"].decode()))


def test_base_url_is_published_as_browsers_write_it(example_site: Path, feeds, tmp_path: Path) -> None:
    """A base_url written with its host in capitals and the scheme's own port is published as
    browsers write it, in links and feeds alike."""
    settings = example_site / "site.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(BASE, "HTTPS://Newsroom.Example.ORG:443/"),
                        encoding="utf-8")
    files = built(example_site, feeds, tmp_path / "out")
    _assert_open(files, tmp_path / "out", BASE)
    [canonical] = lxml.html.fromstring(files[NEWS + "index.html"]).head.xpath('link[@rel="canonical"]/@href')
    assert canonical == BASE + NEWS
