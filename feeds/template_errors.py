"""A template error as a located problem: the template's name and the line that failed."""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from feeds.errors import Problem, not_utf8
from feeds.listing import litter
from feeds.template_paths import BUILTIN_PREFIX, builtin_templates, page_templates
from feeds.template_syntax import parsed_templates

SYNTAX = "template syntax: "  # what a template's syntax error begins with


def template_problem(error: BaseException, template_dirs: list[Path]) -> Problem | None:
    """`templates/news.html:7: template error: 'item' has no attribute 'x'`, with a hint; None for an
    error that no template line raised (a fault of the renderer's own, not of a template)."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        where = _shown(error.filename, template_dirs) if error.filename else f"templates/{error.name}"
        return Problem(where, error.lineno, "", f"{SYNTAX}{error.message}",
                       "check the {% %} and {{ }} tags on this line")
    filename, line = _failing_frame(error, template_dirs)
    if isinstance(error, jinja2.TemplateNotFound):
        message, hint = f"template not found: {error.name}", "add the template to templates/, or fix its name"
        if any(litter(part) for part in str(error.name).split("/")):
            hint = ("a template named with a leading '.' or '#', or a trailing '~', is taken for an editor's file "
                    "and left out: rename it")
    elif isinstance(error, jinja2.TemplateError):
        message, hint = f"template error: {error.message or error}", "check the names this line uses"
    elif isinstance(error, RecursionError) and filename:  # base.html extending news.html, which extends base.html
        filename, line = _failing_frame(error, template_dirs[:1]) if len(template_dirs) > 1 else (filename, line)
        message = "template error: endless recursion: templates extend or include each other, or a macro calls itself"
        hint = ("a template must not lead back to itself through {% extends %} or {% include %}, nor a macro "
                "call itself for ever")
    elif filename:  # e.g. a division by zero, or a UI string's unknown placeholder, on a template's line
        message, hint = f"template error: {error}", "check what this line computes"
    else:
        return None
    return Problem(_shown(filename, template_dirs) if filename else "templates", line, "", message, hint)


@functools.lru_cache(maxsize=8)
def syntax_problems(templates: str, template_dirs: tuple[Path, ...]) -> tuple[Problem, ...]:
    """The syntax error of each template in use (a site's own over the built-in one of its name).
    `templates` is the digest of the template directories, under which the answer is remembered (a
    preview rebuilds with the same templates)."""
    parsed = parsed_templates(templates, template_dirs)
    problems = []
    for name in page_templates(template_dirs):
        error = parsed[name]
        if isinstance(error, jinja2.TemplateSyntaxError):
            problem = template_problem(error, list(template_dirs))
            if problem is not None:
                problems.append(problem)
        elif isinstance(error, UnicodeDecodeError):
            # Jinja decodes the whole file, a byte order mark included: the error counts from its first byte.
            problems.append(not_utf8(f"templates/{name}", error.object, error, after_mark=False))
    return tuple(problems)


def _failing_frame(error: BaseException, template_dirs: list[Path]) -> tuple[str, int]:
    """The innermost traceback frame in a template file (Jinja maps its frames to template lines)."""
    roots = [d.resolve() for d in template_dirs]
    found = ("", 0)
    tb = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if any(Path(filename).resolve().is_relative_to(root) for root in roots):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _shown(filename: str, template_dirs: list[Path]) -> str:
    """A template's path as the user knows it: templates/NAME for the site's own (or a built-in one,
    where the site has none of its own), builtin/NAME for a built-in one beside the site's."""
    path = Path(filename).resolve()
    for root in template_dirs:
        if path.is_relative_to(root.resolve()):
            name = path.relative_to(root.resolve()).as_posix()
            built_in = len(template_dirs) > 1 and root.resolve() == builtin_templates().resolve()
            return f"{BUILTIN_PREFIX}{name}" if built_in else f"templates/{name}"
    return path.name
