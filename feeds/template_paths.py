"""Where the templates are: the site's own templates/ first, then the built-in ones; which files are
in use, and what each template parses to (Jinja2 is imported only to parse)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

STATIC_DIR = "static"
BUILTIN_PREFIX = "builtin/"  # `{% extends "builtin/base.html" %}`: the built-in template under the site's own

# The filters the site's templates have besides Jinja2's own (feeds.render.html gives each its work):
# a template that names another is refused when it is checked, as Jinja2 refuses it when compiling.
SITE_FILTERS = ("when", "day", "event_dates", "event_zone", "series_last", "banner", "site_link", "readable",
                "direction", "lang_attributes", "image_size", "with_image_sizes", "footnote_labels")


def builtin_templates() -> Path:
    """The built-in templates: inside the installed package, or beside it in a source checkout."""
    packaged = Path(__file__).resolve().parent / "templates"
    return packaged if packaged.is_dir() else packaged.parent.parent / "templates"


def template_file(name: str, template_dirs: Sequence[Path]) -> Path | None:
    """The file a template's name leads to: the site's own over the built-in one of that name, and
    `builtin/<name>` the built-in one, which a site's template of the same name can extend."""
    if name.startswith(BUILTIN_PREFIX):
        path = builtin_templates() / name.removeprefix(BUILTIN_PREFIX)
        return path if path.is_file() else None
    return next((d / name for d in template_dirs if (d / name).is_file()), None)


def template_dirs(site_dir: Path) -> list[Path]:
    """Where templates are looked up, first match wins."""
    builtin = builtin_templates()
    own = site_dir / "templates"
    return [own, builtin] if own.is_dir() and own.resolve() != builtin.resolve() else [builtin]


def files_in_use(template_dirs: Sequence[Path]) -> dict[str, Path]:
    """Every file of the template folders by its path in them, sorted: the site's own over a built-in
    one of the same name. A dangling link (an editor's lock file) is no file."""
    found: dict[str, Path] = {}
    for directory in reversed(template_dirs):
        found.update((path.relative_to(directory).as_posix(), path) for path in directory.rglob("*") if path.is_file())
    return dict(sorted(found.items()))


def page_templates(template_dirs: Sequence[Path]) -> list[str]:
    """The names of the HTML templates in use; the files under static/ are copied, not templates."""
    return [name for name in files_in_use(template_dirs) if name.endswith(".html") and not name.startswith(f"{STATIC_DIR}/")]


class ParsedTemplates(dict[str, Any]):
    """Each template, by name, as Jinja2 parses it (a nodes.Template), or the error parsing it raised
    (TemplateSyntaxError, UnicodeDecodeError); None where no folder has it. Parsed when first asked for,
    and compiled too: Jinja2 finds an unknown filter or test (a TemplateSyntaxError) only then, and one
    under a condition only when it runs (see _check_names)."""

    def __init__(self, template_dirs: Sequence[Path]) -> None:
        super().__init__()
        self.template_dirs = template_dirs

    def __missing__(self, name: str) -> Any:
        import jinja2

        path = template_file(name, self.template_dirs)
        try:
            parsed = None if path is None else _checking_environment().parse(path.read_text(encoding="utf-8"), name, str(path))
            if parsed is not None:
                _checking_environment().compile(parsed, name, str(path), raw=True)  # the Python it would run, unused
                _check_names(parsed, name, str(path))
                _check_extends(parsed, name, str(path))
        except (jinja2.TemplateSyntaxError, UnicodeDecodeError) as error:
            parsed = error
        self[name] = parsed
        return parsed


def _check_names(tree: Any, name: str, filename: str) -> None:
    """Raise the TemplateSyntaxError compiling raises for an unknown filter or test, for one named under
    {% if %} or in `a if b else c` too, which Jinja2 leaves to fail when it runs; but not for a name the
    template asks about (`"x" is filter`), as such a condition guards it."""
    import jinja2
    from jinja2 import nodes

    environment = _checking_environment()
    asked = {test.node.value for test in tree.find_all(nodes.Test)
             if test.name in ("filter", "test") and isinstance(test.node, nodes.Const)}
    for node in tree.find_all((nodes.Filter, nodes.Test)):
        kind, known = ("filter", environment.filters) if isinstance(node, nodes.Filter) else ("test", environment.tests)
        if node.name not in known and node.name not in asked:
            raise jinja2.TemplateSyntaxError(f"No {kind} named {node.name!r}.", node.lineno, name, filename)


def _check_extends(tree: Any, name: str, filename: str) -> None:
    """Raise a TemplateSyntaxError for a template that extends itself, as a site's base.html that means
    the built-in one does (Jinja2 would recurse until Python stops it)."""
    import jinja2
    from jinja2 import nodes

    for extends in tree.find_all(nodes.Extends):
        if isinstance(extends.template, nodes.Const) and extends.template.value == name:
            raise jinja2.TemplateSyntaxError(f'extends itself; to build on the built-in {name}, extend '
                                             f'"{BUILTIN_PREFIX}{name}"', extends.lineno, name, filename)


@functools.cache
def _checking_environment() -> Any:
    """A Jinja2 environment that knows the site's filters by name, to parse and compile with; it
    does not optimise, so compiling leaves the tree as parsed."""
    import jinja2

    environment = jinja2.Environment(optimized=False)
    environment.filters.update(dict.fromkeys(SITE_FILTERS, str))
    return environment


@functools.lru_cache(maxsize=8)
def parsed_templates(templates: str, template_dirs: tuple[Path, ...]) -> ParsedTemplates:
    """The templates as they parse, remembered under `templates`, the digest of the template folders:
    the syntax check and the build's questions about what templates read share one parse."""
    return ParsedTemplates(template_dirs)
