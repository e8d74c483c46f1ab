"""What a build's results are keyed by: digests of parts, of the software that made them and of the
settings (for the template folders' and root/'s files, see feeds.template_digests and feeds.root_files)."""

from __future__ import annotations

import functools
import hashlib
import platform
import zoneinfo
from importlib import metadata
from pathlib import Path

from feeds import __version__
from feeds.settings import SiteConfig

CACHE_FORMAT = 7  # raise when the layout of what .feeds-cache/ stores changes
# Where a folder of the system's IANA zone data says which data it holds: Linux's, and macOS's.
_ZONE_DATA_NAMES = ("tzdata.zi", "+VERSION")
# Libraries whose version changes what an item or a page holds.
_LIBRARIES = ("cmarkgfm", "nh3", "PyYAML", "python-slugify", "tzdata", "Jinja2", "MarkupSafe", "feedgen", "lxml",
              "icalendar", "python-dateutil", "idna", "webcolors", "imagesize")


def digest(*parts: bytes | str) -> str:
    """A digest of these parts, encoded so that no two lists of parts share one (a file's name that is
    not UTF-8 by the bytes it has)."""
    try:
        joined = "\0".join(parts)  # type: ignore[arg-type]
    except TypeError:  # some part is bytes
        pass
    else:
        if joined.count("\0") == len(parts) - 1:  # no part holds a NUL: the separators tell them apart
            return hashlib.sha256(b"T" + joined.encode("utf-8", "surrogateescape")).hexdigest()
    hasher = hashlib.sha256(b"L")
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


@functools.cache
def software_key() -> str:
    """This package's version and code, Python's version and those of the libraries that shape the
    outputs, and the system's time zone data.

    The code is digested as well as the version, so that a renderer changed without a new release
    (an install from a checkout) never meets what the old one cached.
    """
    package = Path(__file__).parent
    code = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        code.update(digest(path.relative_to(package).as_posix(), path.read_bytes()).encode())
    versions = [f"feeds {__version__}", f"code {code.hexdigest()}", f"format {CACHE_FORMAT}",
                f"{platform.python_implementation()} {platform.python_version()}"]
    for name in _LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    return digest(*versions, f"zones {_system_zone_data()}")


def _system_zone_data() -> str:
    """A digest of the system's IANA zone data, which zoneinfo reads before the tzdata package's:
    an update of the system's (a new law on summer time) changes offsets and VTIMEZONEs."""
    for folder in zoneinfo.TZPATH:
        for name in _ZONE_DATA_NAMES:
            try:
                data = (Path(folder) / name).read_bytes()
            except OSError:
                continue
            return digest(folder, name, data)
    return "-"  # none: the tzdata package's, whose version is among the libraries'


@functools.cache
def settings_key(config: SiteConfig) -> str:
    """A digest of the settings."""
    return digest(repr(config))


@functools.cache
def source_prefix(software: str, config: SiteConfig) -> str:
    """What every content file's key starts from: the software and the settings."""
    return digest(software, settings_key(config))
