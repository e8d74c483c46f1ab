"""What each template parses to, with the faults Jinja2 finds only when compiling or running it
(an unknown filter or test, a template that extends itself) raised as syntax errors: parsed once
for the syntax check and the build's questions about what the templates read."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes

from feeds.template_paths import BUILTIN_PREFIX, template_file

# The filters the site's templates have besides Jinja2's own (feeds.render.environment gives each its work):
# a template that names another is refused when it is checked, as Jinja2 refuses it when compiling.
SITE_FILTERS = ("when", "day", "event_dates", "event_zone", "series_last", "banner", "site_link", "readable",
                "direction", "lang_attributes", "image_size", "with_image_sizes", "footnote_labels")


class ParsedTemplates(dict[str, Any]):
    """Each template, by name, as Jinja2 parses it (a nodes.Template), or the error parsing it raised
    (TemplateSyntaxError, UnicodeDecodeError); None where no folder has it. Parsed when first asked for,
    and compiled too: Jinja2 finds an unknown filter or test (a TemplateSyntaxError) only then, and one
    under a condition only when it runs (see _check_names)."""

    def __init__(self, template_dirs: Sequence[Path]) -> None:
        super().__init__()
        self.template_dirs = template_dirs

    def __missing__(self, name: str) -> Any:
        path = template_file(name, self.template_dirs)
        parsed = None if path is None else _parsed(name, str(path), path.read_bytes())
        self[name] = parsed
        return parsed


@functools.lru_cache(maxsize=64)
def _parsed(name: str, filename: str, source: bytes) -> nodes.Template | jinja2.TemplateSyntaxError | UnicodeDecodeError:
    """A template's file as it parses (see ParsedTemplates), remembered by its bytes: an edit to one
    file, or to a static file that no template reads, parses no other again (parsing them all again
    took 55 ms of a preview's rebuild after a change to style.css)."""
    try:
        parsed = _checking_environment().parse(source.decode("utf-8"), name, filename)
        _checking_environment().compile(parsed, name, filename, raw=True)  # the Python it would run, unused
        _check_names(parsed, name, filename)
        _check_extends(parsed, name, filename)
    except (jinja2.TemplateSyntaxError, UnicodeDecodeError) as error:
        return error
    return parsed


def _check_names(tree: nodes.Template, name: str, filename: str) -> None:
    """Raise the TemplateSyntaxError compiling raises for an unknown filter or test, for one named under
    {% if %} or in `a if b else c` too, which Jinja2 leaves to fail when it runs; but not for a name the
    template asks about (`"x" is filter`), as such a condition guards it."""
    environment = _checking_environment()
    asked = {test.node.value for test in tree.find_all(nodes.Test)
             if test.name in ("filter", "test") and isinstance(test.node, nodes.Const)}
    for node in tree.find_all((nodes.Filter, nodes.Test)):
        kind, known = ("filter", environment.filters) if isinstance(node, nodes.Filter) else ("test", environment.tests)
        if node.name not in known and node.name not in asked:
            raise jinja2.TemplateSyntaxError(f"No {kind} named {node.name!r}.", node.lineno, name, filename)


def _check_extends(tree: nodes.Template, name: str, filename: str) -> None:
    """Raise a TemplateSyntaxError for a template that extends itself, as a site's base.html that means
    the built-in one does (Jinja2 would recurse until Python stops it)."""
    for extends in tree.find_all(nodes.Extends):
        if isinstance(extends.template, nodes.Const) and extends.template.value == name:
            raise jinja2.TemplateSyntaxError(f'extends itself; to build on the built-in {name}, extend '
                                             f'"{BUILTIN_PREFIX}{name}"', extends.lineno, name, filename)


@functools.cache
def _checking_environment() -> jinja2.Environment:
    """A Jinja2 environment that knows the site's filters by name, to parse and compile with; it
    does not optimise, so compiling leaves the tree as parsed."""
    environment = jinja2.Environment(optimized=False)
    environment.filters.update(dict.fromkeys(SITE_FILTERS, str))
    return environment


@functools.lru_cache(maxsize=8)
def parsed_templates(templates: str, template_dirs: tuple[Path, ...]) -> ParsedTemplates:
    """The templates as they parse, remembered under `templates`, the digest of the template folders:
    the syntax check and the build's questions about what templates read share one parse."""
    return ParsedTemplates(template_dirs)
