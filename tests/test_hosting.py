"""Hosting: `_headers` for static hosts gives every file its type and exactly one cache rule, in few rules;
and a site served as such a host serves it, at a domain's root or under a path, has a file behind every
address it gives."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urldefrag, urljoin, urlsplit

import icalendar
import lxml.etree
import lxml.html
import pytest
from conftest import EXAMPLE_NOW, ROOT, loopback, tree_bytes
from newsroom import write_newsroom

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


def cloudflare_regex(pattern: str) -> str:
    """A rule's URL pattern as Cloudflare Pages reads it: `*` (a splat, once per rule) matches anything,
    `:name` (a placeholder) one segment."""
    assert pattern.count("*") <= 1, pattern
    return "/".join("[^/]+" if part.startswith(":") else ".*".join(map(re.escape, part.split("*")))
                    for part in pattern.split("/"))


def netlify_regex(pattern: str) -> str:
    """A rule's URL pattern as Netlify reads it (its headers parser's getForRegExp): a segment that is a
    `*` alone matches anything or nothing, slash included (`/feeds/*/atom.xml` matches /feeds/atom.xml),
    `:name` one segment, and a trailing slash is optional."""
    def segment(part: str) -> str:
        if part.startswith(":"):
            return "[^/]+"
        return "?(.*)" if part == "*" else part.replace("*", "(.*)") if "*" in part else re.escape(part)
    return "/" + "/".join(segment(part) for part in pattern.split("/") if part) + "/?"


HOSTS = {"cloudflare": cloudflare_regex, "netlify": netlify_regex}


def headers_for(rules: list[tuple[str, dict[str, str]]], path: str, host: str = "cloudflare") -> dict[str, list[str]]:
    """What a host sends for a path: every matching rule's headers, a repeated header's values merged."""
    sent: dict[str, list[str]] = {}
    for pattern, headers in rules:
        if re.fullmatch(HOSTS[host](pattern), path, re.IGNORECASE if host == "netlify" else 0):
            for name, value in headers.items():
                sent.setdefault(name, []).append(value)
    return sent


def url_paths(name: str) -> list[str]:
    return ["/" + name, "/" + name.removesuffix("index.html")] if name.endswith("index.html") else ["/" + name]


@pytest.mark.parametrize("host", HOSTS)
def test_every_built_file_gets_one_cache_rule_and_the_types_hosts_miss(example_output: Path, host: str) -> None:
    rules = parse_headers((example_output / "_headers").read_text())
    for name in tree_bytes(example_output):
        if name == "_headers":
            continue
        for path in url_paths(name):
            sent = headers_for(rules, path, host)
            assert len(sent["Cache-Control"]) == 1, (path, sent)
            assert sent["X-Content-Type-Options"] == ["nosniff"]
            if not hosts_guess(name):  # what hosts type right by extension needs no rule
                assert sent["Content-Type"] == [content_type(name)], path
    assert headers_for(rules, "/feeds/atom.xml", host)["Content-Type"] == ["application/atom+xml; charset=utf-8"]
    assert headers_for(rules, "/feeds/rss.xml", host)["Content-Type"] == ["application/rss+xml; charset=utf-8"]
    assert headers_for(rules, "/feeds/events.ics", host)["Content-Type"] == ["text/calendar; charset=utf-8"]
    # as long as the pages': a style sheet changed with the templates comes with the pages written for it
    assert headers_for(rules, "/static/style.css", host)["Cache-Control"] == ["public, max-age=300"]
    assert headers_for(rules, "/next-lift.txt", host)["Cache-Control"] == ["no-cache"]


@pytest.mark.parametrize("host", HOSTS)
def test_many_files_share_a_few_rules(host: str) -> None:
    files = [OutputFile("index.html", b""), OutputFile("feeds/atom.xml", b""), OutputFile("feed.json", b"")]
    files += [OutputFile(f"events/e{n}/event.ics", b"") for n in range(10_000)]
    files += [OutputFile(f"{top}/t{n}/atom.xml", b"") for n in range(500) for top in ("tags", "feeds/tags")]
    rules = parse_headers(render_headers(files).data.decode())
    assert len(rules) < 100  # Cloudflare Pages reads at most 100
    assert headers_for(rules, "/events/e9999/event.ics", host)["Content-Type"] == ["text/calendar; charset=utf-8"]
    assert headers_for(rules, "/tags/t7/atom.xml", host)["Content-Type"] == ["application/atom+xml; charset=utf-8"]
    assert headers_for(rules, "/feeds/tags/t7/atom.xml", host)["Content-Type"] == \
        ["application/atom+xml; charset=utf-8"]
    assert headers_for(rules, "/feed.json", host)["Content-Type"] == ["application/feed+json; charset=utf-8"]
    assert headers_for(rules, "/feeds/atom.xml", host)["Content-Type"] == ["application/atom+xml; charset=utf-8"]


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
    assert headers_for(rules, "/static/press/kit-7.pdf")["Cache-Control"] == ["public, max-age=300"]


@pytest.mark.parametrize("host", HOSTS)
def test_the_files_of_root_get_the_rules_other_files_get(example_site: Path, feeds, tmp_path: Path, host: str) -> None:
    """root/'s files are in _headers as the build's own are: one cache rule each, and the type of those
    hosts would not type right (security.txt is text/plain in UTF-8, as RFC 9116 asks)."""
    for name, data in {"CNAME": "newsroom.example.org\n", "_redirects": "/old /news/ 301\n",
                       ".well-known/security.txt": "Contact: mailto:security@example.org\n",
                       "google1234abcd.html": "google-site-verification: google1234abcd.html"}.items():
        (example_site / "root" / name).parent.mkdir(parents=True, exist_ok=True)
        (example_site / "root" / name).write_text(data, encoding="utf-8")
    assert feeds("build", "--site", example_site, "--output", tmp_path / "out", "--now", EXAMPLE_NOW).code == 0
    rules = parse_headers((tmp_path / "out/_headers").read_text())
    for path in ("/CNAME", "/_redirects", "/.well-known/security.txt", "/google1234abcd.html", "/feeds/atom.xml"):
        sent = headers_for(rules, path, host)
        assert sent["Cache-Control"] == ["public, max-age=300"], path
        assert sent["X-Content-Type-Options"] == ["nosniff"]
    assert headers_for(rules, "/.well-known/security.txt", host)["Content-Type"] == ["text/plain; charset=utf-8"]
    assert "Content-Type" not in headers_for(rules, "/google1234abcd.html", host)  # hosts type .html right


def test_the_build_and_the_next_lift_file_are_deterministic(example_site: Path, feeds, tmp_path: Path) -> None:
    (example_site / "content/news/later.md").write_text("---\ntitle: Later\ndate: 2030-01-01T09:00:00+01:00\n---\n")
    for out in ("a", "b"):
        assert feeds("build", "--site", example_site, "--output", tmp_path / out, "--now", EXAMPLE_NOW).code == 0
    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")
    assert (tmp_path / "a/next-lift.txt").read_text() == "2030-01-01T08:00:00Z\n"


# A built site hosted under a path, as GitHub project pages are (https://org.github.io/newsroom/), and crawled

class _Host(http.server.SimpleHTTPRequestHandler):
    """A static host serving the output at `prefix`, as Netlify or Cloudflare Pages serve it: `_headers`
    applied, a folder's index.html for the folder (its name without the slash redirected), and 404.html,
    with status 404, for anything else."""

    output: Path
    prefix: str

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass

    def translate_path(self, path: str) -> str:
        path = unquote(urlsplit(path).path)
        if not path.startswith(self.prefix):
            return str(self.output / "\0")  # outside the site: nothing there
        return str(self.output / path[len(self.prefix):])

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        site_path = "/" + unquote(urlsplit(self.path).path)[len(self.prefix):]
        rules = parse_headers((self.output / "_headers").read_text())
        declared = headers_for(rules, site_path).get("Content-Type")
        if declared:
            return declared[0]
        return content_type(str(path)) if hosts_guess(str(path)) else "application/octet-stream"

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            return super().send_error(code, message, explain)
        page = (self.output / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)


@contextlib.contextmanager
def _hosting(output: Path, prefix: str) -> Iterator[str]:
    """`output` served over loopback at `prefix`; yields the address of the site (its base URL)."""
    with loopback(type("Host", (_Host,), {"output": output, "prefix": prefix})) as address:
        yield address + prefix


# What README's Hosting section says feed readers and calendar apps are sent.
HOSTED_TYPES = {"atom.xml": "application/atom+xml; charset=utf-8", "rss.xml": "application/rss+xml; charset=utf-8",
                "feed.json": "application/feed+json; charset=utf-8", ".ics": "text/calendar; charset=utf-8",
                ".html": "text/html; charset=utf-8"}
_CALENDAR_APPS = ("calendar.google.com", "outlook.live.com")  # links that carry the calendar's address


def _fetch(url: str) -> tuple[int, str, bytes, str]:
    """Status, Content-Type, body and the file's name (after redirects) of a GET."""
    url = quote(url.replace("webcal://", "http://", 1), safe=":/?#[]@!$&'()*+,;=%")  # as browsers send it
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.headers["Content-Type"], response.read(), response.url
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read(), url


def _urls_in(body: bytes, kind: str) -> list[str]:
    """Every URL a document gives: links and sources of pages (and of the HTML that feeds and calendars
    carry), feeds' links, ids and enclosures, the sitemap's, robots.txt's and the calendar's."""
    if kind == "text/html":
        return _html_urls(body.decode())
    if kind in ("application/atom+xml", "application/rss+xml", "application/xml"):
        urls = []
        for element in lxml.etree.fromstring(body).iter():
            name = lxml.etree.QName(element).localname if isinstance(element.tag, str) else ""
            urls += [element.get(key) for key in ("href", "url") if element.get(key)]
            if name in ("loc", "link", "icon", "logo", "url") and element.text and element.text.strip():
                urls.append(element.text.strip())
            if name in ("content", "encoded", "description") and element.text and "<" in element.text:
                urls += _html_urls(element.text)
        return urls
    if kind == "application/feed+json":
        feed = json.loads(body)
        urls = [feed[key] for key in ("home_page_url", "feed_url", "next_url", "icon", "favicon") if key in feed]
        for item in feed["items"]:
            urls += [item[key] for key in ("url", "image") if key in item] + _html_urls(item.get("content_html", ""))
            urls += [attachment["url"] for attachment in item.get("attachments", [])]
        return urls
    if kind == "text/calendar":
        calendar = icalendar.Calendar.from_ical(body)
        return [str(component[key]) for component in calendar.walk() for key in ("URL", "SOURCE", "IMAGE")
                if key in component]
    if kind == "text/plain":
        return [line.split(":", 1)[1].strip() for line in body.decode().splitlines() if line.startswith("Sitemap:")]
    return []


def _html_urls(text: str) -> list[str]:
    if not text.strip():
        return []
    urls = []
    for element in lxml.html.fromstring(text).iter():
        urls += [element.get(key) for key in ("href", "src") if element.get(key)]
        urls += [candidate.split()[0] for candidate in element.get("srcset", "").split(",") if candidate.strip()]
        if element.tag == "meta" and element.get("content", "").startswith("http"):  # Open Graph
            urls.append(element.get("content"))
        if element.tag == "script" and element.get("type") == "application/ld+json":
            urls += _json_urls(json.loads(element.text))
    return urls


def _json_urls(value: object) -> list[str]:
    """Every web address in JSON-LD."""
    if isinstance(value, dict):
        return [url for item in value.values() for url in _json_urls(item)]
    if isinstance(value, list):
        return [url for item in value for url in _json_urls(item)]
    return [value] if isinstance(value, str) and value.startswith("http") else []


def crawl(base: str, start: list[str]) -> tuple[dict[str, str], list[str]]:
    """Follow every URL into the site from the documents at `start` (whatever their status: a missing
    page's are the host's 404.html): the Content-Type of each URL reached, and each URL of the site's
    host that leads nowhere or outside `base`, with the document that gives it."""
    host = urlsplit(base).netloc
    reached: dict[str, str] = {}
    broken: list[str] = []
    waiting = [(url, "") for url in start]
    while waiting:
        written, where = waiting.pop()
        url = urldefrag(urljoin(where, written)).url
        parts = urlsplit(url)
        if parts.hostname in _CALENDAR_APPS:  # the subscribe and add-to-calendar links carry an address of ours
            waiting += [(value, where) for values in parse_qs(parts.query).values() for value in values
                        if value.startswith(("http://", "webcal://"))]
            continue
        if parts.netloc != host or parts.scheme not in ("http", "webcal") or url in reached:
            continue
        status, kind, body, final = _fetch(url)
        reached[url] = kind
        if where and (status != 200 or not url.replace("webcal://", "http://", 1).startswith(base)):
            broken.append(f"{where} -> {written} ({status})")
            continue
        waiting += [(found, final) for found in _urls_in(body, kind.partition(";")[0])]
    return reached, broken


def _newsroom(name: str, tmp_path: Path) -> tuple[Path, str]:
    """The example newsroom, or the larger one of the feed tests (archives, images, tags, a hub) with a page
    and a tag named beyond ASCII, which pages link as written and feeds percent-encoded; and its now."""
    site = tmp_path / "site"
    if name == "press":
        write_newsroom(site)
        (site / "content/news/2019-01-31-東京の市場.md").write_text(
            "---\ntitle: 東京の市場\ndate: 2019-01-31T10:00\ntags: [東京, alpha]\n---\nSee [the first](../item-0/).\n")
        return site, "2019-02-01T00:00:00+01:00"
    site.mkdir()
    shutil.copy(ROOT / "site.toml", site)
    shutil.copy(ROOT / "published.json", site)
    shutil.copytree(ROOT / "content", site / "content")
    return site, EXAMPLE_NOW


@pytest.mark.parametrize(("name", "prefix"), [("example", "/"), ("example", "/newsroom/"), ("press", "/newsroom/")])
def test_a_hosted_site_has_a_file_behind_every_address_it_gives(name: str, prefix: str, feeds, tmp_path: Path) -> None:
    """Crawled over HTTP from its front page, from robots.txt (which names the sitemap) and from a missing
    page deep in it (the host's 404.html), a site built for where it is hosted, at a domain's root or
    under a path, leads only to its own files, each sent with the type README's Hosting section promises."""
    site, now = _newsroom(name, tmp_path)
    output = tmp_path / "public"
    with _hosting(output, prefix) as base:
        # Its own address in site.toml: built with --base-url, it would be a staging copy, whose
        # robots.txt names no sitemap.
        config = site / "site.toml"
        config.write_text(re.sub(r'(?m)^base_url = ".*"$', f'base_url = "{base}"', config.read_text(encoding="utf-8")),
                          encoding="utf-8")
        assert feeds("build", "--site", site, "--output", output, "--now", now).code == 0
        missing = _fetch(base + "no/such/page/")
        reached, broken = crawl(base, [base, base + "robots.txt", base + "no/such/page/"])
    assert missing[0] == 404 and b"<h1>Page not found</h1>" in missing[2]
    assert broken == []
    assert len(reached) > 20
    for url, kind in reached.items():
        path = urlsplit(url).path
        for ending, promised in HOSTED_TYPES.items():
            if path.endswith(ending) or (ending == ".html" and path.endswith("/")):
                assert kind == promised, url
    addresses = {unquote(urlsplit(url).path)[len(prefix):] for url in reached}
    unlinked = {path.removesuffix("index.html") for path in tree_bytes(output)} - addresses
    # For hosts and the job that rebuilds; and the event.ics of an event whose page offers no add links (cancelled)
    assert {path for path in unlinked if not path.endswith("/event.ics")} == {"_headers", "next-lift.txt", "404.html"}
