"""The pages at items' old addresses (see feeds.aliases): each sends the reader on to the item's page
at once (a refresh, which search engines follow as a permanent redirect, with the page as canonical),
and says where it went for a browser that does not follow it."""

from __future__ import annotations

from html import escape

from feeds.aliases import alias_file
from feeds.languages import direction
from feeds.model import Site
from feeds.render import OutputFile


def render_redirects(site: Site) -> list[OutputFile]:
    """A page at each old address of every item shown, in the site's order."""
    config, moved = site.config, site.strings.moved
    language = config.language
    files = []
    for item in site.items:
        if not item.aliases:
            continue
        url, title = escape(config.url(item.path)), escape(item.title)
        words = f' lang="{item.lang}" dir="{direction(item.lang)}"' if item.lang else ""
        page = (f'<!doctype html>\n<html lang="{language}" dir="{direction(language)}">\n<head>\n'
                f'<meta charset="utf-8">\n<title>{title}</title>\n<meta name="robots" content="noindex">\n'
                f'<link rel="canonical" href="{url}">\n<meta http-equiv="refresh" content="0; url={url}">\n'
                f'</head>\n<body>\n<p>{escape(moved)} <a href="{url}"{words}>{title}</a></p>\n</body>\n</html>\n')
        data = page.encode()
        files += [OutputFile(alias_file(path), data) for path in item.aliases]
    return files
