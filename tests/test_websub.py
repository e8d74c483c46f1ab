"""WebSub: `feeds ping` tells the hub, by a real HTTP POST, which feeds changed."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from newsroom import BASE, write_newsroom


class _Hub(BaseHTTPRequestHandler):
    received: list[dict[str, list[str]]] = []
    status = 204
    refused = ""  # a topic ending so is answered 400

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        length = int(self.headers["Content-Length"])
        form = parse_qs(self.rfile.read(length).decode())
        type(self).received.append(form)
        refused = type(self).refused and form["hub.url"][0].endswith(type(self).refused)
        self.send_response(400 if refused else type(self).status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hub():
    _Hub.received = []
    _Hub.status = 204
    _Hub.refused = ""
    server = HTTPServer(("127.0.0.1", 0), _Hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", _Hub
    server.shutdown()
    server.server_close()


def _site_with_hub(tmp_path: Path, hub_url: str) -> Path:
    site = write_newsroom(tmp_path / "site")
    config = site / "site.toml"
    config.write_text(config.read_text().replace('hub = "https://hub.example.net/"', f'hub = "{hub_url}"'))
    return site


def test_ping_notifies_the_hub_of_every_subscription_feed(tmp_path: Path, feeds, hub) -> None:
    url, handler = hub
    result = feeds("ping", "--site", _site_with_hub(tmp_path, url))
    assert result.code == 0, result.err
    topics = sorted(form["hub.url"][0] for form in handler.received)
    assert all(form["hub.mode"] == ["publish"] for form in handler.received)
    folders = ["feeds/", "feeds/tags/alpha/", "feeds/tags/beta/", "feeds/tags/gamma/"]
    assert topics == sorted(BASE + folder + name for folder in folders for name in ("atom.xml", "rss.xml", "feed.json"))
    assert "accepted 12 feeds" in result.out
    assert not (tmp_path / "site/.feeds-cache").exists()  # it reads the site, and writes nothing there


def test_a_refusing_hub_is_an_error(tmp_path: Path, feeds, hub) -> None:
    url, handler = hub
    handler.status = 400
    result = feeds("ping", "--site", _site_with_hub(tmp_path, url))
    assert result.code == 1
    assert "site.toml: feeds.hub: " in result.err and "HTTP 400" in result.err


def test_a_hub_that_refuses_some_feeds_says_which_and_how_many_it_took(tmp_path: Path, feeds, hub) -> None:
    url, handler = hub
    handler.refused = "rss.xml"
    result = feeds("ping", "--site", _site_with_hub(tmp_path, url))
    assert result.code == 1 and len(handler.received) == 12
    assert result.err.count("HTTP 400") == 4 and f"refused {BASE}feeds/rss.xml: HTTP 400" in result.err
    assert result.err.splitlines()[-1] == "feeds: 4 errors; the hub took 8 of the 12 feeds"


def test_an_unreachable_hub_is_an_error_and_no_feed_was_announced(tmp_path: Path, feeds) -> None:
    result = feeds("ping", "--site", _site_with_hub(tmp_path, "http://127.0.0.1:9/"))  # the discard port: refused
    assert result.code == 1 and "site.toml: feeds.hub: cannot reach http://127.0.0.1:9/" in result.err
    assert result.err.splitlines()[-1] == "feeds: 1 error; the hub took none of the 12 feeds"


def test_ping_without_a_hub_is_a_usage_error(example_site: Path, feeds) -> None:
    result = feeds("ping", "--site", example_site)
    assert result.code == 2
    assert "feeds.hub" in result.err
