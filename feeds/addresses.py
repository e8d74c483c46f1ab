"""Web addresses as the outputs publish them: absolute http(s) URLs checked and percent-encoded, a
site's base URL, a path of the site as a URI carries it, and an address as a reader would write it."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit

import idna

from feeds.limits import NONCHARACTERS

_URI_KEPT = "!#$%&'()*+,/:;=?@[]~"  # RFC 3986's delimiters, and the % of escapes already made
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")  # a % that begins no escape: itself, escaped
_HOST = re.compile(r"[A-Za-z0-9._-]+|[0-9A-Fa-f:.]+")  # a name in its ASCII form, or an IPv6 address
# What an address shown as written keeps escaped: the refused characters and line breaks, as browsers do.
_KEPT_ESCAPED = re.compile(f"[\x00-\x1f\x7f-\x9f{NONCHARACTERS}]")
# Every printable ASCII character but the space: a path made of them is published as it is, so that
# the escapes it holds already (static/my%20photo.jpg) are not escaped again.
_ASCII_KEPT = "".join(map(chr, range(0x21, 0x7F)))


def web_address(value: str, *, in_site: bool = False) -> str | None:
    """`value` as it is published when it is an absolute http or https URL: a host in its ASCII form
    (xn--, IDNA 2008) and what a URI cannot hold (spaces, other characters than ASCII) percent-encoded,
    as calendars' URI values and RSS require. With `in_site`, a path inside the site
    (static/images/photo.jpg), which has neither scheme nor host, as it is. Otherwise None: other
    schemes (javascript:, data:) are refused, as the value becomes a link or an image in every output.
    White space around the value is none of it, as browsers read an address (urlsplit drops what leads)."""
    value = value.strip(" \t\n\r")
    try:
        parts = urlsplit(value)
        host, port = parts.hostname, parts.port
    except ValueError:  # e.g. an unclosed [IPv6 host], or a port that is not a number under 65536
        return None
    if parts.scheme not in ("http", "https"):
        return value if in_site and not parts.scheme and not parts.netloc else None
    if not host:
        return None
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            return None
        user, at, _ = parts.netloc.rpartition("@")
        value = parts._replace(netloc=f"{user}{at}{host}{'' if port is None else f':{port}'}").geturl()
    if not _HOST.fullmatch(host):
        return None
    return quote(_LONE_PERCENT.sub("%25", value), safe=_URI_KEPT)


def readable_address(address: str) -> str:
    """A published address as a reader would write it, as browsers show it: the host in its own
    script and escapes undone (https://bücher.example/Programm 2018, not xn--bcher-kva and %20), but
    those of control characters and line breaks (%01, %0A), which no page or feed can show."""
    parts = urlsplit(address)
    host = parts.hostname or ""
    try:
        readable = idna.decode(host) if "xn--" in host else host
        shown = unquote(parts._replace(netloc=parts.netloc.replace(host, readable, 1)).geturl(), errors="strict")
    except (idna.IDNAError, UnicodeDecodeError):  # not IDNA, or escapes of other text than UTF-8
        return address
    return _KEPT_ESCAPED.sub(lambda character: quote(character[0]), shown)


_DEFAULT_PORTS = {"http": 80, "https": 443}


def site_address(value: str) -> str | None:
    """A site's base URL as published (see `web_address`), its host in lower case and without the
    scheme's own port, as browsers write it (HTTPS://Example.org:443/ is https://example.org/: the
    same site, not a staging copy of it); or None: one with a query or a fragment would break every
    link made from it, one with a user name or password would publish them in every link, and port 0
    is none a reader can reach."""
    address = web_address(value)
    if address is None or "?" in address or "#" in address:
        return None
    parts = urlsplit(address)
    if "@" in parts.netloc or parts.port == 0:
        return None
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None and parts.port != _DEFAULT_PORTS[parts.scheme]:
        netloc += f":{parts.port}"
    return parts._replace(netloc=netloc).geturl()


def uri_path(path: str) -> str:
    """A path of the site as a URI holds it: characters beyond ASCII (a slug's) percent-encoded as
    UTF-8, and everything else as it is."""
    return path if path.isascii() else quote(path, safe=_ASCII_KEPT)
