"""The Jinja2 environment the site's pages are rendered in: the site's templates/ over the built-in
ones by name, with the filters and globals the templates use; one kept per set of templates, words
and time zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateNotFound,
    nodes,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from markupsafe import Markup

from feeds.addresses import readable_address
from feeds.event_status import banner
from feeds.languages import direction
from feeds.listing import litter
from feeds.markup import with_back_labels, with_footnotes_heading
from feeds.model import Event, Item
from feeds.recurrence import Occurrence, occurrences
from feeds.render.images import ImageSizes, image_sizes
from feeds.render.when import event_dates, event_zone, series_last
from feeds.settings import site_path
from feeds.strings import Strings
from feeds.template_digests import Templates
from feeds.template_paths import BUILTIN_PREFIX, MACROS, builtin_templates
from feeds.timezones import on_the_clock

_ENVIRONMENTS: dict[tuple[tuple[Path, ...], str, str, str], Environment] = {}


def environment(dirs: list[Path], templates: Templates, t: Strings, zone: ZoneInfo) -> Environment:
    """The templates' environment, kept for as long as what pages take from the template folders
    (Templates.pages: the templates, and the sizes of the static images), words and zone stay the
    same, so that a process that builds again and again (`feeds serve`) compiles a template once. As
    any change to a template makes another environment, none looks for changes before each page."""
    key = (tuple(dirs), templates.pages, t.digest, zone.key)
    if key not in _ENVIRONMENTS:
        if len(_ENVIRONMENTS) >= 8:
            _ENVIRONMENTS.clear()
        _ENVIRONMENTS[key] = _environment(dirs, t, zone, image_sizes(templates))
    return _ENVIRONMENTS[key]


class _TemplateFiles(FileSystemLoader):
    """A templates folder's files, but for those its digest leaves out (an editor's, and hidden ones:
    see template_files): a page made with one would not be made again when it changed.

    A site's own macros.html holds the macros it changes: the built-in ones it leaves out stay, so
    that changing how a card looks takes one macro, not a copy of them all (see _with_builtin_macros).
    """

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.builtin = directory.resolve() == builtin_templates().resolve()

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if any(litter(part) for part in template.split("/")):
            raise TemplateNotFound(template)
        source, filename, uptodate = super().get_source(environment, template)
        if template == MACROS and not self.builtin:
            source = _with_builtin_macros(environment) + source
        return source, filename, uptodate


def _with_builtin_macros(environment: Environment) -> str:
    """What a site's macros.html starts with: each built-in macro, which a macro of its own of that
    name then replaces. On its first line, so that the site's lines keep their numbers in errors."""
    names = _builtin_macro_names(environment)
    return (f'{{% import "{BUILTIN_PREFIX}{MACROS}" as _builtin_macros with context %}}'
            + "".join(f"{{% set {name} = _builtin_macros.{name} %}}" for name in names))


def _builtin_macro_names(environment: Environment) -> list[str]:
    """The names of the built-in macros.html's macros, in order."""
    source = (builtin_templates() / MACROS).read_text(encoding="utf-8")
    return [macro.name for macro in environment.parse(source).find_all(nodes.Macro)]


def _environment(dirs: list[Path], t: Strings, zone: ZoneInfo, sizes: ImageSizes) -> Environment:
    env = Environment(
        loader=ChoiceLoader([*(_TemplateFiles(d) for d in dirs),
                             PrefixLoader({BUILTIN_PREFIX.rstrip("/"): FileSystemLoader(builtin_templates())})]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["when"] = lambda moment: t.moment(on_the_clock(moment, zone))
    env.filters["day"] = lambda moment: t.date(on_the_clock(moment, zone).date())
    env.filters["event_dates"] = lambda event: event_dates(event, t)
    env.filters["event_zone"] = lambda event, shown=(): event_zone(event, t, shown)
    env.filters["series_last"] = lambda event: series_last(event, t)
    env.filters["banner"] = lambda event: banner(event, t)
    env.filters["site_link"] = site_link
    env.filters["readable"] = readable_address
    env.filters["direction"] = direction
    env.filters["lang_attributes"] = lang_attributes
    env.filters["image_size"] = pass_context(lambda context, value: sizes.attributes(context["config"].own_file(value)))
    env.filters["footnote_labels"] = lambda body: with_footnotes_heading(with_back_labels(body, t.footnote_back),
                                                                         t.footnotes)
    env.filters["with_image_sizes"] = pass_context(
        lambda context, body, page_url: Markup(sizes.in_html(body, page_url, context["config"].base_url)))
    env.globals["occurrences"] = _occurrences
    env.globals["ended"] = _ended
    return env


def lang_attributes(item: Item) -> Markup:
    """` lang="ar" dir="rtl"` for the elements holding an item's own words when it is not in the site's
    language (its title, summary and body), or nothing; the words around them are the site's."""
    if not item.lang:
        return Markup("")
    return Markup(' lang="{}" dir="{}"').format(item.lang, direction(item.lang))


def _occurrences(event: Event, after: datetime, count: int) -> list[Occurrence]:
    """A series' next `count` dates not over at `after`, a timed one's in the event's own zone, as its
    page gives its first date: times written in UTC stay UTC in calendars, not on pages."""
    found = occurrences(event, after, count)
    if event.all_day:
        return found
    zone = event.timezone
    return [Occurrence(on_the_clock(o.start, zone), on_the_clock(o.end, zone)) for o in found]  # type: ignore[arg-type]


@pass_context
def _ended(context: Context, event: Event) -> bool:
    """True once the event (its last date, for a series) is over, as of the build's moment. Pages
    that show events are keyed by which of them are over (see feeds.parts)."""
    return event.ends_before(context["site"].now)


def site_link(value: str, root: str) -> str:
    """A setting or front matter value as a link from a page whose way to the site's root is `root`
    (page.root): a web address as it is, else that path inside the site."""
    path = site_path(value)
    return value if path is None else root + path
