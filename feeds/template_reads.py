"""What the templates read: a question put to their syntax trees, so that a page is rendered again
exactly when what it shows can have changed."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from pathlib import Path

from jinja2 import meta, nodes

from feeds.template_paths import BUILTIN_PREFIX, MACROS, STATIC_DIR, page_templates
from feeds.template_syntax import parsed_templates


@functools.lru_cache(maxsize=8)
def templates_read_site(templates: str, template_dirs: tuple[Path, ...]) -> bool:
    """True when the templates of item and list pages read `site` other than for a series' next
    occurrences (or when it cannot be told); `templates` is the digest of the template directories,
    under which the answer is remembered."""
    parsed = parsed_templates(templates, template_dirs)
    try:
        for _, tree in _reached(parsed, ["news.html", "event.html", "listing.html"]):
            if isinstance(tree, Exception):
                return True
            # `occurrences(item, site.now, n)` is keyed by the occurrences it gives; any other use of `site` is not.
            allowed = _asking_occurrences(tree) if tree is not None else set()
            if tree is not None and any(node.name == "site" and id(node) not in allowed
                                        for node in tree.find_all(nodes.Name)):
                return True
    except _ChosenAtRunTime:
        return True
    return False


@functools.lru_cache(maxsize=8)
def templates_read_now(templates: str, template_dirs: tuple[Path, ...]) -> bool:
    """True when some template shows `now` itself (`site.now`, other than to ask a series' next
    occurrences), hands `site` on whole, or cannot be read: then no other moment gives the same pages.
    What the templates take from `now` through the site (which events are over, a series' next
    dates, when an embargo lifts) the build keys by itself (see feeds.moments)."""
    parsed = parsed_templates(templates, template_dirs)
    for name in page_templates(template_dirs):
        tree = parsed[name]
        if isinstance(tree, Exception):
            return True
        allowed = _asking_occurrences(tree)
        read = {id(node.node): node.attr for node in tree.find_all(nodes.Getattr) if isinstance(node.node, nodes.Name)}
        if any(node.name == "site" and id(node) not in allowed and read.get(id(node)) in (None, "now")
               for node in tree.find_all(nodes.Name)):
            return True
    return False


@functools.lru_cache(maxsize=8)
def static_templates(templates: str, template_dirs: tuple[Path, ...]) -> frozenset[str] | None:
    """The static files that templates use as templates ({% include "static/logo.svg" %}), by their
    names in a template folder (static/logo.svg); None when a template names one at run time, which
    could be any. `templates` is the digest of the template directories."""
    parsed = parsed_templates(templates, template_dirs)
    try:
        names = [name.removeprefix(BUILTIN_PREFIX) for name, _ in _reached(parsed, page_templates(template_dirs))]
    except _ChosenAtRunTime:
        return None
    return frozenset(name for name in names if name.startswith(f"{STATIC_DIR}/"))


class _ChosenAtRunTime(Exception):
    """A template names one to include, extend or import at run time: it could be any."""


def _reached(parsed: Mapping[str, nodes.Template | Exception | None],
             start: list[str]) -> Iterator[tuple[str, nodes.Template | Exception | None]]:
    """Each template that the `start` ones use (include, extend, import), themselves among them, once,
    with its syntax tree: None for one that does not exist, the exception for one that cannot be
    parsed (rendering says so, and what they would use is not followed); _ChosenAtRunTime where one
    names another at run time."""
    pending, seen = list(start), set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        tree = parsed[name]
        yield name, tree
        if tree is None or isinstance(tree, Exception):
            continue
        referenced = list(meta.find_referenced_templates(tree))
        if None in referenced:
            raise _ChosenAtRunTime
        if name == MACROS:  # a site's macros.html holds the built-in macros it does not define
            referenced.append(BUILTIN_PREFIX + MACROS)
        pending += referenced  # type: ignore[arg-type]


def _asking_occurrences(tree: nodes.Template) -> set[int]:
    """The `site` names that are read only as `site.now` in a call `occurrences(item, site.now, n)`."""
    return {id(arg.node) for call in tree.find_all(nodes.Call)
            if isinstance(call.node, nodes.Name) and call.node.name == "occurrences"
            for arg in call.args if isinstance(arg, nodes.Getattr) and arg.attr == "now"
            and isinstance(arg.node, nodes.Name) and arg.node.name == "site"}
