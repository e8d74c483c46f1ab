"""feeds/index.html: a page for people, listing every feed and calendar with how to subscribe,
so that following a feed link from the site never ends at a wall of XML."""

from __future__ import annotations

from pathlib import Path

from feeds.model import Site
from feeds.render import OutputFile
from feeds.render.channels import INDEX_PATH, SITE_FOLDER, channels, feed_paths
from feeds.render.html import environment
from feeds.render.ics import CALENDAR_PATH


def render_feed_index(site: Site, site_dir: Path) -> list[OutputFile]:
    """The subscription page, from the `feeds.html` template."""
    main = feed_paths(SITE_FOLDER)
    html = environment(site_dir).get_template("feeds.html").render(
        site=site,
        config=site.config,
        feeds={**main, "calendar": CALENDAR_PATH},
        channels=channels(site),
        root="../",
        page_path=INDEX_PATH,
    )
    return [OutputFile(INDEX_PATH, html.encode())]
