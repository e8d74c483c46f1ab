"""Shared fixtures: a copy of a site in a temp dir, built in-process through the real command line."""

from __future__ import annotations

import contextlib
import http.server
import shutil
import signal
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from feeds.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_NOW = "2018-11-20T12:00:00+01:00"  # between the announcement and the Annual Gathering
# The built sites and their server, fixtures the site tests share (tests/site_newsroom.py).
pytest_plugins = ("site_newsroom",)


@contextlib.contextmanager
def loopback(handler: Callable[..., http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """A server of `handler` over loopback, as a host serves a site; yields its address, without a slash."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def pytest_configure(config: pytest.Config) -> None:
    """Ctrl+C reaches the commands the tests start, as in a terminal, even where the suite runs as a
    background job: a shell starts such a job with SIGINT ignored, its children inherit that, and a
    `feeds serve` told to stop by it would run on. A handler of the suite's own is reset for them."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the outputs of this build (see tests/test_golden.py)")


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def feeds(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run the `feeds` command in-process and capture what it printed."""

    def run(*argv: str | Path) -> Run:
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def example_site(tmp_path: Path) -> Path:
    """A fresh copy of the example newsroom (site.toml, content/, templates/, published.json)."""
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(ROOT / "site.toml", site)
    shutil.copy(ROOT / "published.json", site)
    shutil.copytree(ROOT / "content", site / "content")
    return site


@pytest.fixture
def example_output(example_site: Path, feeds: Callable[..., Run]) -> Path:
    """The example newsroom, built."""
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    return example_site / "public"


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under root with its bytes, for byte-for-byte comparisons."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def png(width: int, height: int) -> bytes:
    """A real PNG of one colour, which a browser decodes and draws at width x height."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + b"\x1f\x4e\x79" * width for _ in range(height))  # each row unfiltered
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits per channel, RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def with_news_photo(site: Path, width: int, height: int) -> Path:
    """The example's news item given a photo of its own, static/images/photo.png of width x height;
    the item's file."""
    return _with_image(site, "content/news/2018-11-12-forum-joins-paris-call.md", "photo.png", "A room", "author:",
                       png(width, height))


def with_event_photo(site: Path, width: int, height: int) -> Path:
    """The example's event given a poster of its own, static/images/poster.png of width x height;
    the event's file."""
    return _with_image(site, "content/events/annual-gathering-2018.md", "poster.png", "The gathering's poster",
                       "timezone:", png(width, height))


def _with_image(site: Path, item: str, name: str, alt: str, before: str, data: bytes) -> Path:
    """The item's file given `image:` static/images/`name` (these bytes) and `image_alt:` `alt`, written
    before the line that begins with `before`; the item's file."""
    images = site / "templates/static/images"
    images.mkdir(parents=True, exist_ok=True)
    (images / name).write_bytes(data)
    path = site / item
    path.write_text(path.read_text(encoding="utf-8").replace(
        before, f"image: static/images/{name}\nimage_alt: {alt}\n{before}", 1), encoding="utf-8")
    return path


def translated(site: Path, language: str, strings: str) -> None:
    """The example site set in another `language`, with these UI strings (TOML) for it."""
    config = site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('language = "en"', f'language = "{language}"'),
                      encoding="utf-8")
    (site / "templates/strings").mkdir(parents=True, exist_ok=True)
    (site / f"templates/strings/{language}.toml").write_text(strings, encoding="utf-8")


def exif_jpeg_header(width: int, height: int, orientation: int) -> bytes:
    """The start of a JPEG stored at width x height whose EXIF says to show it turned (6: a quarter
    turn clockwise): all a reader of sizes looks at, not a picture a browser draws."""
    tiff = b"MM\x00*" + struct.pack(">IHHHIHHI", 8, 1, 0x0112, 3, 1, orientation, 0, 0)  # one entry: Orientation
    app1 = b"Exif\x00\x00" + tiff
    frame = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    return (b"\xff\xd8\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1
            + b"\xff\xc0" + struct.pack(">H", len(frame) + 2) + frame + b"\xff\xd9")
