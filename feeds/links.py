"""Links inside item HTML: listed, and made absolute for feeds and calendars read away from the site."""

from __future__ import annotations

import html
import re
from urllib.parse import unquote, urljoin, urlsplit

# The sanitiser writes every attribute double-quoted and every '<' of text as '&lt;', so a '<' begins
# a tag: these patterns see attributes of tags only, never text that looks like one (a code sample).
_URL_ATTRIBUTE = re.compile(r'(<[a-zA-Z][^<>]*?\s(?:href|src|cite)=")([^"]*)"')
_SRCSET = re.compile(r'(<[a-zA-Z][^<>]*?\ssrcset=")([^"]*)"')

# The links of sanitised HTML, whose '<' always begins a tag (see the patterns above): never text
# that looks like a link, as in a code sample.
_HREF = re.compile(r'<a(?:\s[^<>]*?)?\shref="([^"]*)"')
_IMAGE_SRC = re.compile(r'<img(?:\s[^<>]*?)?\ssrc="([^"]*)"')
_SOURCE_SRCSET = re.compile(r'<source(?:\s[^<>]*?)?\ssrcset="([^"]*)"')  # a <picture>'s sources


def absolutize(fragment: str, page_url: str) -> str:
    """Rewrite every href, src, cite and srcset in sanitised HTML against the item's page URL."""
    fragment = _URL_ATTRIBUTE.sub(lambda m: m[1] + _absolute(page_url, m[2]) + '"', fragment)
    if "srcset=" not in fragment:  # most bodies have none, and the search for one costs as much as the rewrite
        return fragment
    return _SRCSET.sub(lambda m: m[1] + _srcset(m[2], page_url) + '"', fragment)


def _absolute(page_url: str, url: str) -> str:
    """`url` resolved against the page; a web address is kept as written (most links are, and
    resolving each costs more than the rest of the rewrite)."""
    return url if url.startswith(("https://", "http://")) else urljoin(page_url, url)


def _srcset(value: str, page_url: str) -> str:
    """Each candidate's URL made absolute. As HTML parses a srcset, a URL runs to the next white space
    and may hold commas (w_300,h_200/photo.jpg); commas at its end, or after its descriptors, part
    the candidates."""
    candidates, at = [], 0
    while at < len(value):
        while at < len(value) and (value[at].isspace() or value[at] == ","):
            at += 1
        end = at
        while end < len(value) and not value[end].isspace():
            end += 1
        url = value[at:end]
        if not url:
            break
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            comma = value.find(",", end)
            descriptor, end = (value[end:] if comma < 0 else value[end:comma]).strip(), len(value) if comma < 0 else comma
        candidates.append(" ".join(filter(None, (_absolute(page_url, url), descriptor))))
        at = end
    return ", ".join(candidates)


def site_paths(body_html: str, page_url: str, base_url: str) -> tuple[str, ...]:
    """The paths inside the site (news/x/, news/x/index.html, static/a.pdf) that a body's links lead
    to, query and fragment left out, percent-escapes decoded (an item keeps them, see Item.links)."""
    return _inside(_HREF.findall(body_html), page_url, base_url)


def image_paths(body_html: str, page_url: str, base_url: str) -> tuple[str, ...]:
    """The paths inside the site (static/chart.png) of a body's images, in the order they come: each
    <img>, and each source of a <picture> by its first candidate (the others are the same picture at
    other densities or widths), as `site_paths` gives links'."""
    return _inside([url for _, url in _images(body_html)], page_url, base_url)


def written_as(body_html: str, page_url: str, base_url: str) -> list[tuple[str, str]]:
    """Each link and image of a body that leads inside the site, in the order they come: the URL as
    its Markdown or HTML likely wrote it (entities decoded), and the path it leads to, as `site_paths`
    and `image_paths` give it."""
    return [(html.unescape(url), path) for url in _links_and_images(body_html)
            for path in _inside([url], page_url, base_url)]


def from_the_hosts_root(body_html: str, base_path: str) -> tuple[str, ...]:
    """The links and images of a body written from the host's root (/news/x/) that lead outside a site
    published under a path (`base_path`, percent-decoded: /newsroom/), as written, in the order they
    come; none for a site at a domain's root."""
    if base_path == "/" or '="/' not in body_html:  # most bodies write no such address: found in C
        return ()
    return tuple(url for url in map(html.unescape, _links_and_images(body_html)) if url.startswith("/")
                 and not url.startswith("//") and not unquote(urlsplit(url).path).startswith(base_path))


def _images(body_html: str) -> list[tuple[int, str]]:
    """Where each image of a body starts, with its URL: an <img>'s src, a <picture> source's first
    candidate; in the order they come."""
    found = [(image.start(), image[1]) for image in _IMAGE_SRC.finditer(body_html)]
    if "<source" in body_html:
        found += [(source.start(), url) for source in _SOURCE_SRCSET.finditer(body_html)
                  if (url := first_candidate(source[1])[0])]
        found.sort()
    return found


def _links_and_images(body_html: str) -> list[str]:
    """The URLs of a body's links and images (see `_images`), as written, in the order they come."""
    found = [(link.start(), link[1]) for link in _HREF.finditer(body_html)] + _images(body_html)
    return [url for _, url in sorted(found)]


def first_candidate(srcset: str) -> tuple[str, float]:
    """The URL of a srcset's first image candidate, and the pixel density it is for, as HTML parses
    them: after any spaces and commas, the URL up to a space without the commas that end it; then
    its descriptor (2 for `photo-2x.png 2x`: the image is drawn that many times smaller in CSS
    pixels), 1 when it gives none or a width (`800w`)."""
    words = srcset.lstrip(" \t\n\r\f,").split(maxsplit=1)
    if not words:
        return "", 1.0
    url = words[0].rstrip(",")
    if len(words) < 2 or words[0].endswith(","):  # no descriptors: 1x
        return url, 1.0
    descriptor = words[1].split(",", 1)[0].strip()
    try:
        density = float(descriptor[:-1]) if descriptor.endswith("x") else 1.0
    except ValueError:
        return url, 1.0
    return url, density if 0 < density < float("inf") else 1.0


def source_density(tag: str) -> float:
    """The pixel density the first candidate of a <source> tag's srcset is for (see first_candidate);
    1 for any other tag."""
    source = _SOURCE_SRCSET.match(tag)
    return first_candidate(source[1])[1] if source else 1.0


def _inside(urls: list[str], page_url: str, base_url: str) -> tuple[str, ...]:
    """The paths inside the site that these URLs, as written on the page, lead to."""
    found = []
    for written in urls:
        if written.startswith(("https://", "http://")) and not written.startswith(base_url):
            continue  # another site's, without resolving it
        url = urljoin(page_url, html.unescape(written))
        if url.startswith(base_url):
            found.append(unquote(urlsplit(url[len(base_url):]).path))
    return tuple(found)
