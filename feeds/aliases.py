"""An item's old addresses (`aliases:`, as Hugo names them): each a small page of the site that sends
the reader on to the item's page, as a site moving to feeds keeps its old links working on hosts
that cannot redirect (GitHub Pages)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import unquote

from feeds.errors import Problem, name_problem
from feeds.limits import MAX_SLUG_BYTES
from feeds.load import Source, list_items
from feeds.model import LIST_PAGES, Claim, Event, Item, NewsItem
from feeds.render import TOP_LEVEL

# The folders of the build's own pages in which an old address may be: an item's page by its old slug.
_ITEM_SECTIONS = (NewsItem.section, Event.section)
_PAGE_ENDINGS = (".html", ".htm")
_EXAMPLE = "/2018/11/12/forum-joins-paris-call.html or /news/old-slug/"
_BUILDS_FOLDERS = sorted(f"/{own}/" for own in TOP_LEVEL if "." not in own and own != "_headers")
REDIRECT_HINT = "redirect it on the web server (on Netlify or Cloudflare Pages, a line of root/_redirects)"


class AliasError(ValueError):
    """An old address that cannot be a page of the site, with a hint."""

    def __init__(self, problem: str, hint: str) -> None:
        super().__init__(problem)
        self.problem, self.hint = problem, hint


def alias_path(written: str, site_path: str = "") -> str:
    """The path in the site of an old address written from the site's root (/2018/11/old.html is
    2018/11/old.html; /news/old-slug and /news/old-slug/index.html are news/old-slug/), at which its
    page is written (see alias_file); AliasError when no page of the site can be there. Under a
    base_url with a path (`site_path`, newsroom/), an address that begins with it was written from
    the host's root: its page would be at /newsroom/newsroom/..."""
    if not written.startswith("/") or written.startswith("//"):
        raise AliasError(f"{written!r} is not written from the site's root", f"begin it with /, as {_EXAMPLE}")
    if site_path and written[1:].startswith(site_path):
        raise AliasError(f"{written!r} begins with the site's own path, /{site_path}: an old address is written "
                         "from the site's root", f"write it without it, as /{written[1 + len(site_path):]}")
    if "?" in written or "#" in written:
        raise AliasError(f"{written!r} has a query or a fragment, which no page of the site can answer to",
                         REDIRECT_HINT)
    try:
        *folders, name = (unquote(segment, errors="strict") for segment in written[1:].split("/"))
    except UnicodeDecodeError:
        raise AliasError(f"{written!r} holds an escape (%..) that is not UTF-8",
                         "write the address as the browser shows it") from None
    if any(part in ("", ".", "..") for part in folders) or name in (".", "..") or any(
            "/" in part or "\\" in part for part in (*folders, name)):
        raise AliasError(f"{written!r} is no page's address", f"write the path of the old page, as {_EXAMPLE}")
    if (long := next((part for part in (*folders, name) if len(part.encode()) > MAX_SLUG_BYTES), None)) is not None:
        # Each part names a folder or file of the output, as a slug does (file systems allow 255 bytes a name)
        raise AliasError(f"{written!r} has a part of {len(long.encode())} bytes in UTF-8, longer than a file's name "
                         f"may be; the limit is {MAX_SLUG_BYTES}", REDIRECT_HINT)
    if (wrong := name_problem("/".join((*folders, name)))) is not None:
        raise AliasError(f"{written!r} is no page's address: {wrong.replace('file', 'page')}",
                         f"write the path of the old page, as {_EXAMPLE}")
    if name.lower() == "index.html":
        name = ""
    if name and not name.lower().endswith(_PAGE_ENDINGS) and "." in name:
        raise AliasError(f"{written!r} is not an address a page can have: only one ending in / or .html can be",
                         REDIRECT_HINT)
    path = "/".join((*folders, name)) if name.lower().endswith(_PAGE_ENDINGS) else "".join(
        f"{part}/" for part in (*folders, name) if part)
    _check_outside_the_builds(path, written)
    return path


def _check_outside_the_builds(path: str, written: str) -> None:
    """AliasError for a path where the build writes its own files (the front page, news/, feeds/...),
    in any case, as hosts that ignore it take one for the other, but for an item's page by an old slug."""
    top, _, rest = path.partition("/")
    if not path:
        raise AliasError(f"{written!r} is the front page", "give the old address of the item's own page")
    slug, _, inside = rest.partition("/")
    if top in _ITEM_SECTIONS and slug and not inside and slug != LIST_PAGES and path.endswith("/"):
        return  # news/old-slug/: checked against the items' pages (see check_aliases)
    if any(top.casefold() == own.casefold() for own in TOP_LEVEL):
        raise AliasError(f"{written!r} is where the build writes its own files",
                         "an old address may be an item's page by its old slug, /news/<slug>/ or /events/<slug>/, "
                         f"or any address outside {', '.join(_BUILDS_FOLDERS)}")


def alias_file(path: str) -> str:
    """The output file of an old address's page: its index.html for a folder."""
    return path + "index.html" if path.endswith("/") else path


def check_aliases(items: Iterable[Item | Claim], published: Iterable[str],
                  line_of: Callable[[Item | Claim, str], int]) -> list[Problem]:
    """An error for each old address another item's page has, or another item's old address, or
    where a file of root/ (among the `published` files) is, or a folder of one (root/old is a file,
    and old/x/ an old address): the build could write only one. In any case: a host or disk that
    ignores it (macOS, Windows) takes one for the other. Items held back count, whose pages and old
    addresses are kept for them, and what files with errors claim (see Claim). `line_of` gives the
    line of an item's old address (see alias_line)."""
    items = list(items)
    if not any(item.aliases for item in items):
        return []
    pages: dict[str, Item | Claim] = {}  # each page by its first item (check_unique reports a second)
    for item in items:
        if item.path:  # a claim's is "" after a problem
            pages.setdefault(item.path.casefold(), item)
    published = {file.casefold() for file in published}
    taken: dict[str, Item | Claim] = {}  # each old address's file, in any case, by the item that has it first
    for item in items:
        for path in item.aliases:
            taken.setdefault(alias_file(path).casefold(), item)
    in_root = {folder for file in published for folder in _folders(file)}
    in_aliases = {folder for file in taken for folder in _folders(file)}
    problems = []
    for item in items:
        for path in item.aliases:
            file = alias_file(path).casefold()
            where = line_of(item, path)
            if (other := pages.get(path.casefold())) is not None:
                whose = "its own page" if other is item else f"the page of {other.source}"
                problems.append(Problem(item.source, where, "aliases", f"/{path} is {whose}",
                                        "leave it out: an old address is one the item no longer has"))
            elif (first := taken[file]) is not item:
                problems.append(Problem(item.source, where, "aliases", f"/{path} is already an old address of "
                                        f"{first.source}", "keep it in one of them"))
            elif file in published or file in in_root or any(folder in published for folder in _folders(file)):
                problems.append(Problem(item.source, where, "aliases", f"/{path} is where root/ has a file or folder",
                                        "leave one of them out"))
            elif file in in_aliases:  # x.html, and x.html/y/ of another
                problems.append(Problem(item.source, where, "aliases", f"/{path} is a folder of another old address",
                                        "leave one of them out"))
    return problems


def alias_line(source: Source, path: str, site_path: str) -> int | None:
    """The line of the item's old address that gives `path`, in a list written one address a line;
    None when the addresses are not such a list. (Asked for only to report a problem with one.)"""
    for line, item in list_items(source, "aliases"):
        try:
            if isinstance(item.value, str) and alias_path(item.value.strip(), site_path) == path:
                return line
        except AliasError:
            continue
    return None


def _folders(file: str) -> list[str]:
    """The folders a file of the output is in, as paths without a trailing slash: a/b/c.html is in a and a/b."""
    parts = file.split("/")[:-1]
    return ["/".join(parts[: n + 1]) for n in range(len(parts))]
