"""The width and height of the site's own images: a page keeps their place while they load, and a
link preview knows their shape before it fetches them."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path

import imagesize
from markupsafe import Markup

from feeds.links import image_paths, source_density
from feeds.template_paths import STATIC_DIR, files_in_use

# An <img> or <source> tag of sanitised HTML, which escapes every '<' and '>' of text and of
# attribute values. A <source> of a <picture> can show an image of another shape (art direction).
_IMAGE_TAG = re.compile(r"<(?:img|source)\s[^<>]*>")
# An SVG's root element, and a length of it in pixels (a number alone, or in px): imagesize would take
# the first width and height in the file, a shape's where the root has a viewBox alone, in fractions.
_SVG_ROOT = re.compile(rb"<svg\s[^>]*>")
_SVG_PIXELS = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*")


class ImageSizes:
    """Each of the site's images' width and height, read from the start of its file when first asked for."""

    def __init__(self, files: Mapping[str, Path]) -> None:
        self._files = files  # path in the output (static/images/photo.jpg) -> the file
        self._known: dict[str, tuple[int, int] | None] = {}

    def __call__(self, path: str | None) -> tuple[int, int] | None:
        """The width and height of the image at `path` in the output (turned as its EXIF says), or
        None: not a file of the site, or not an image whose size in pixels its first bytes tell (an
        SVG with a viewBox alone)."""
        if path is None:
            return None
        if path not in self._known:
            file = self._files.get(path)
            self._known[path] = _read_size(file) if file is not None else None
        return self._known[path]

    def attributes(self, path: str | None, density: float = 1.0) -> Markup:
        """` width="1200" height="800"` for the image at `path` (in CSS pixels, for an image meant for
        screens of that pixel `density`), or nothing when its size is unknown."""
        size = self(path)
        if size and density != 1:
            size = (max(1, round(size[0] / density)), max(1, round(size[1] / density)))
        return Markup(' width="{}" height="{}"').format(*size) if size else Markup("")

    def in_html(self, body_html: str, page_url: str, base_url: str) -> str:
        """Sanitised HTML with the size added to each <img> and <picture> source of the site that has
        neither a width nor a height (the writer's own are kept): browsers take the chosen source's.
        Each <img> is loaded lazily unless the writer says otherwise: a release's charts and photos
        further down cost a reader on a phone nothing until they scroll to them."""
        if "<img" not in body_html:
            return body_html

        def sized(tag: re.Match[str]) -> str:
            found, extra = tag[0], ""
            if ' width="' not in found and ' height="' not in found:
                path = next(iter(image_paths(found, page_url, base_url)), None)
                extra = str(self.attributes(path, source_density(found)))  # not Markup, which would escape the rest
            if found.startswith("<img") and ' loading="' not in found:
                extra += ' loading="lazy"'
            return f"{found[:-1]}{extra}>" if extra else found

        return _IMAGE_TAG.sub(sized, body_html)


def _read_size(file: Path) -> tuple[int, int] | None:
    """An image file's width and height: an SVG's from its root element, another's as imagesize reads
    it from the file's first bytes (turned as its EXIF says)."""
    if file.suffix.lower() == ".svg":
        return _svg_size(file)
    width, height = imagesize.get(file)
    return (width, height) if width > 0 and height > 0 else None


def _svg_size(file: Path) -> tuple[int, int] | None:
    """An SVG's size in whole pixels, HTML's form: its root element's width and height, when both are
    lengths in pixels; None for one sized by its viewBox alone, in other units, or in percent."""
    with open(file, "rb") as stream:
        root = _SVG_ROOT.search(stream.read(4096))
    if root is None:
        return None
    tag = root[0].decode("utf-8", "replace")
    width, height = (_svg_pixels(tag, name) for name in ("width", "height"))
    return (width, height) if width and height else None


def _svg_pixels(tag: str, name: str) -> int | None:
    """An attribute of an SVG's root element in whole pixels, when it is a length in pixels."""
    value = re.search(rf"""\s{name}\s*=\s*(["'])(.*?)\1""", tag)
    number = _SVG_PIXELS.fullmatch(value[2]) if value else None
    return round(float(number[1])) if number else None


@functools.lru_cache(maxsize=8)
def image_sizes(templates: str, template_dirs: tuple[Path, ...]) -> ImageSizes:
    """The sizes of the static files, remembered under `templates`, the digest of the template
    folders that hold them: a changed image is another digest, and its size is read again."""
    static = {name: path for name, path in files_in_use(template_dirs).items() if name.startswith(f"{STATIC_DIR}/")}
    return ImageSizes(static)
