"""An image file's width and height, read from its first bytes: all that pages take from the site's
images (see feeds.render.images), worked out when the file is read to be digested."""

from __future__ import annotations

import io
import re

# An SVG's root element, and a length of it in pixels (a number alone, or in px): imagesize would take
# the first width and height in the file, a shape's where the root has a viewBox alone, in fractions.
_SVG_ROOT = re.compile(rb"<svg\s[^>]*>")
_SVG_PIXELS = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*")


def dimensions(name: str, data: bytes) -> tuple[int, int] | None:
    """The width and height of the image file `name` holding `data`: an SVG's from its root element,
    another's as imagesize reads it from its first bytes (turned as its EXIF says); None for a file
    that is no image whose size in pixels its first bytes tell (a style sheet, an SVG with a viewBox
    alone)."""
    if name.lower().endswith(".svg"):
        return _svg_size(data)
    import imagesize  # here: importing it takes 40 ms, which a build that reads no image needs not

    width, height = imagesize.get(io.BytesIO(data))
    return (width, height) if width > 0 and height > 0 else None


def _svg_size(data: bytes) -> tuple[int, int] | None:
    """An SVG's size in whole pixels, HTML's form: its root element's width and height, when both are
    lengths in pixels; None for one sized by its viewBox alone, in other units, or in percent."""
    root = _SVG_ROOT.search(data[:4096])
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
