"""The width and height of the site's own images: a page keeps their place while they load, and a
link preview knows their shape before it fetches them."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path

import imagesize
from markupsafe import Markup

from feeds.links import image_paths
from feeds.template_paths import STATIC_DIR, files_in_use

# An <img> tag of sanitised HTML, which escapes every '<' and '>' of text and of attribute values.
_IMAGE_TAG = re.compile(r"<img\s[^<>]*>")


class ImageSizes:
    """Each of the site's images' width and height, read from the start of its file when first asked for."""

    def __init__(self, files: Mapping[str, Path]) -> None:
        self._files = files  # path in the output (static/images/photo.jpg) -> the file
        self._known: dict[str, tuple[int, int] | None] = {}

    def __call__(self, path: str | None) -> tuple[int, int] | None:
        """The width and height of the image at `path` in the output (turned as its EXIF says), or
        None: not a file of the site, or not an image whose size its first bytes tell (an SVG with
        a viewBox alone)."""
        if path is None:
            return None
        if path not in self._known:
            file = self._files.get(path)
            width, height = imagesize.get(file) if file is not None else (-1, -1)
            self._known[path] = (width, height) if width > 0 and height > 0 else None
        return self._known[path]

    def attributes(self, path: str | None) -> Markup:
        """` width="1200" height="800"` for the image at `path`, or nothing when its size is unknown."""
        size = self(path)
        return Markup(' width="{}" height="{}"').format(*size) if size else Markup("")

    def in_html(self, body_html: str, page_url: str, base_url: str) -> str:
        """Sanitised HTML with the size added to each <img> of the site that has neither a width
        nor a height (the writer's own are kept)."""
        if "<img" not in body_html:
            return body_html

        def sized(tag: re.Match[str]) -> str:
            if ' width="' in tag[0] or ' height="' in tag[0]:
                return tag[0]
            path = next(iter(image_paths(tag[0], page_url, base_url)), None)
            return f"{tag[0][:-1]}{self.attributes(path)}>"

        return _IMAGE_TAG.sub(sized, body_html)


@functools.lru_cache(maxsize=8)
def image_sizes(templates: str, template_dirs: tuple[Path, ...]) -> ImageSizes:
    """The sizes of the static files, remembered under `templates`, the digest of the template
    folders that hold them: a changed image is another digest, and its size is read again."""
    static = {name: path for name, path in files_in_use(template_dirs).items() if name.startswith(f"{STATIC_DIR}/")}
    return ImageSizes(static)
