"""The width and height of the site's own images: a page keeps their place while they load, and a
link preview knows their shape before it fetches them."""

from __future__ import annotations

import re
from collections.abc import Mapping

from markupsafe import Markup

from feeds.links import image_paths, source_density
from feeds.template_digests import Templates

# An <img> or <source> tag of sanitised HTML, which escapes every '<' and '>' of text and of
# attribute values. A <source> of a <picture> can show an image of another shape (art direction).
_IMAGE_TAG = re.compile(r"<(?:img|source)\s[^<>]*>")


class ImageSizes:
    """Each of the site's images' width and height, as read when its file was digested (see
    feeds.dimensions): pages take no more than these from the static files."""

    def __init__(self, sizes: Mapping[str, tuple[int, int]]) -> None:
        self._sizes = sizes  # path in the output (static/images/photo.jpg) -> width and height

    def __call__(self, path: str | None) -> tuple[int, int] | None:
        """The width and height of the image at `path` in the output (turned as its EXIF says), or
        None: not a file of the site, or not an image whose size in pixels its first bytes tell (an
        SVG with a viewBox alone)."""
        return self._sizes.get(path) if path is not None else None

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


def image_sizes(templates: Templates) -> ImageSizes:
    """The sizes of the static images in use (the site's own over a built-in one of the same name)."""
    return ImageSizes({name: file.dimensions for name, file in templates.static.items() if file.dimensions})
