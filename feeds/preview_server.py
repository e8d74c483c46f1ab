"""The preview's web side: the built files with validators, the stream that tells pages of each
rebuild, and the reload script (and the last build's errors) added to every page."""

from __future__ import annotations

import hashlib
import html
import socket
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from feeds.mediatypes import content_type
from feeds.render.hosting import HEADERS_PATH
from feeds.write import UnsafePath, safe_target

if TYPE_CHECKING:
    from feeds.serve import Preview, State

LIVE_PATH = "/_feeds/live"
KEEP_ALIVE_SECONDS = 15.0


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # open live-reload streams must not keep the process alive
    preview: Preview


class PreviewServer6(PreviewServer):
    address_family = socket.AF_INET6  # for --host ::1 and other IPv6 addresses


class Handler(BaseHTTPRequestHandler):
    """GET and HEAD of the built files, with validators, and the live-reload stream."""

    server: PreviewServer
    server_version = "feeds-serve"

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the terminal shows builds and errors, not every request

    def _respond(self, send_body: bool) -> None:
        preview = self.server.preview
        state = preview.state
        request = urlsplit(self.path)
        path = unquote(request.path)
        if path == LIVE_PATH and send_body:
            return self._live(preview)
        relative = path.lstrip("/")
        try:
            target = safe_target(preview.output, relative) if relative else preview.output
            folder = target.is_dir()
        except (UnsafePath, OSError, ValueError):  # outside the output, a name too long, a NUL character
            return self._send(404, "text/plain; charset=utf-8", b"not found\n", state, send_body)
        if relative == HEADERS_PATH:  # the host's settings, which a host reads and serves to no one
            return self._send(404, "text/plain; charset=utf-8", b"not found\n", state, send_body)
        if folder:
            if not path.endswith("/"):
                self.send_response(301)
                # As the request named it, percent-encoded: a header holds Latin-1 alone.
                self.send_header("Location", request.path + "/" + (f"?{request.query}" if request.query else ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            target, relative = target / "index.html", relative + "index.html"
        try:
            body = target.read_bytes()
        except (OSError, ValueError):  # not there, not a file, or a name with a NUL character
            try:  # the site's own page, as a host set up as the README says serves it
                page = (preview.output / "404.html").read_bytes()
            except OSError:
                page = b"<!doctype html><title>Not found</title><h1>Not found</h1></html>"
            return self._send(404, "text/html; charset=utf-8", _with_live_reload(page, state), state, send_body)
        kind = content_type(relative)
        if kind.startswith("text/html"):
            body = _with_live_reload(body, state)
        return self._send(200, kind, body, state, send_body)

    def _send(self, code: int, kind: str, body: bytes, state: State, send_body: bool) -> None:
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        modified = state.changed
        if code == 200 and _not_modified(self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since"),
                                         etag, modified):
            code, body = 304, b""
        self.send_response(code)
        if code != 304:
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(modified, usegmt=True))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)

    def _live(self, preview: Preview) -> None:
        """Server-sent events: the build generation now and after every rebuild."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        sent = -1
        try:
            while True:
                with preview.changed:
                    preview.changed.wait_for(lambda: preview.state.generation != sent or preview.stopping,
                                             timeout=KEEP_ALIVE_SECONDS)
                    if preview.stopping:
                        return
                    state = preview.state
                generation = state.generation
                message = f"data: {build_label(state)}\n\n" if generation != sent else ": still here\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
                sent = generation
        except (BrokenPipeError, ConnectionResetError):
            return


def build_label(state: State) -> str:
    """What a page and the stream name a build by: its generation, and the run of the preview it
    belongs to, so that a page left open while the preview restarts reloads too."""
    return f"{state.run}.{state.generation}"


def _not_modified(if_none_match: str | None, if_modified_since: str | None, etag: str, modified: int) -> bool:
    """RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since."""
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if if_modified_since is not None:
        try:
            return modified <= parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError, OverflowError):  # no date, or one past what a timestamp holds
            return False
    return False


# One stream a browser, not one a tab: a browser opens at most six connections to a host over HTTP/1.1,
# and each open stream holds one, so a seventh tab of the preview would never load. The tab that
# holds the lock listens and tells the others; when it closes, another takes the lock and listens.
_SCRIPT = """<script>/* feeds serve: reload when the site is rebuilt */
(function () {
  var shown = "%s", channel = window.BroadcastChannel && new BroadcastChannel("feeds-serve");
  function told(build) { if (build !== shown) location.reload(); }
  function listen() {
    return new Promise(function () {
      new EventSource("%s").onmessage = function (event) {
        if (channel) channel.postMessage(event.data);
        told(event.data);
      };
    });
  }
  if (channel && navigator.locks) {
    channel.onmessage = function (event) { told(event.data); };
    navigator.locks.request("feeds-serve", listen);
  } else listen();
})();
</script>
"""
_ERROR = """<div id="feeds-build-error" role="alert" style="position:fixed;inset:auto 0 0 0;max-height:50vh;\
overflow:auto;margin:0;padding:1rem;background:#fff0f0;color:#600;border-top:3px solid #c00;z-index:2147483647">\
<strong>%s</strong><pre style="white-space:pre-wrap">%s</pre></div>
"""


def _with_live_reload(page: bytes, state: State) -> bytes:
    """The page with the reload script, and the build's errors when it failed."""
    extra = _SCRIPT % (build_label(state), LIVE_PATH)
    if state.problems:
        headline = ("The last build failed; this is the last good build." if state.served
                    else "The build failed; there is no good build to show yet.")
        extra = _ERROR % (headline, html.escape("\n".join(state.problems))) + extra
    at = page.lower().rfind(b"</body>")
    at = len(page) if at < 0 else at
    return page[:at] + extra.encode() + page[at:]
