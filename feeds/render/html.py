"""The newsroom site: Jinja2 templates (the site's templates/ overriding the built-in ones by name)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from feeds import calendar_links, event_status
from feeds.model import Site
from feeds.recurrence import occurrences
from feeds.render import OutputFile
from feeds.render.feeds import ATOM_PATH, RSS_PATH
from feeds.render.ics import CALENDAR_PATH

STATIC_DIR = "static"


def builtin_templates() -> Path:
    """The built-in templates: inside the installed package, or beside it in a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "templates"
    return packaged if packaged.is_dir() else packaged.parent.parent / "templates"


def template_dirs(site_dir: Path) -> list[Path]:
    """Where templates are looked up, first match wins."""
    builtin = builtin_templates()
    own = site_dir / "templates"
    return [own, builtin] if own.is_dir() and own.resolve() != builtin.resolve() else [builtin]


def environment(site_dir: Path) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(d) for d in template_dirs(site_dir)]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["when"] = when
    env.globals.update(
        occurrences=occurrences,
        status_banner=event_status.banner,
        schema_org_status=event_status.schema_org_status,
        **{name: getattr(calendar_links, name) for name in (
            "event_ics_path", "google_event_url", "outlook_event_url",
            "webcal_url", "google_subscribe_url", "outlook_subscribe_url")},
    )
    return env


def when(value: date | datetime) -> str:
    """A date or time as people read it: 26 November 2018, or 26 November 2018, 09:30."""
    if isinstance(value, datetime):
        return f"{value.day} {value:%B %Y, %H:%M}"
    return f"{value.day} {value:%B %Y}"


def render_site(site: Site, site_dir: Path) -> list[OutputFile]:
    """Every page of the site, and its static files."""
    env = environment(site_dir)
    common = {
        "site": site,
        "config": site.config,
        "feeds": {"atom": ATOM_PATH, "rss": RSS_PATH, "calendar": CALENDAR_PATH},
    }

    def page(path: str, template: str, **context: object) -> OutputFile:
        depth = path.count("/")
        html = env.get_template(template).render(**common, root="../" * depth or "./", page_path=path, **context)
        return OutputFile(path, html.encode())

    files = [page("index.html", "index.html")]
    files += [page(f"{item.path}index.html", "news.html", item=item) for item in site.news]
    files += [page(f"{item.path}index.html", "event.html", item=item) for item in site.events]
    files += static_files(site_dir)
    return files


def static_files(site_dir: Path) -> list[OutputFile]:
    """Files under templates/static/, copied as they are (the site's own first)."""
    found: dict[str, Path] = {}
    for directory in reversed(template_dirs(site_dir)):
        root = directory / STATIC_DIR
        for path in sorted(root.rglob("*")) if root.is_dir() else []:
            if path.is_file():
                found[path.relative_to(directory).as_posix()] = path
    return [OutputFile(name, found[name].read_bytes()) for name in sorted(found)]

