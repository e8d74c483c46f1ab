"""What a build is given: the options the user asked for, and the site's files as one look found them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from feeds.listing import Listing, list_sources
from feeds.root_files import RootListing, list_root
from feeds.template_digests import TemplateListing, list_templates
from feeds.template_paths import template_dirs

LEDGER_NAME = "published.json"  # the ledger (see feeds.ledger): written by the build, read by the next as an input


@dataclass(frozen=True)
class BuildOptions:
    """What the user asked of a build, a check or a preview (the command line's options)."""

    now: datetime | None = None  # the moment to build as of (one without an offset is in the site's time zone);
    # None: the clock's, read once
    base_url: str | None = None  # in place of site.toml's, for a staging copy
    drafts: bool = False  # publish the drafts, each marked as one
    strict: bool = False  # fail on warnings as on errors


@dataclass(frozen=True)
class Look:
    """The site's files as one look found them, before any is read: the content files, the template
    folders' and root/'s, each with its status. A build reads the files of its look, known by these
    statuses (a file the cache knows unchanged is not read): one changed after the look has another
    status at the next, and is read again."""

    content: Listing
    templates: TemplateListing
    root: RootListing


class Found(NamedTuple):
    """A content file of the look as the build read it."""

    key: str  # in the cache
    name: str  # its path relative to the site directory
    data: bytes | None  # its bytes; None when the cache knew the file and it was not read, or it cannot be read
    linked: bool  # reached through a symbolic link


def look_at_site(site_dir: Path) -> Look:
    """The site's files now (see Look)."""
    return Look(list_sources(site_dir), list_templates(template_dirs(site_dir)), list_root(site_dir))
