"""The newsroom site's pages, rendered with its Jinja2 templates (see feeds.render.environment), its
sitemap and robots.txt, and its static files."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from jinja2 import Environment

from feeds import calendar_links
from feeds.errors import Problem, SiteError, published_file_problem, readable_name
from feeds.file_digests import DigestedFile
from feeds.model import Event, Item, NewsItem, Site, Tag
from feeds.recurrence import last_ended
from feeds.render import CopiedFile, Output, OutputFile, structured
from feeds.render.channels import SITE_FOLDER, Channel, channels, tag_feed_paths
from feeds.render.environment import environment
from feeds.render.images import image_sizes
from feeds.render.pages import (
    Alternate,
    ListPage,
    Page,
    paginate,
    site_alternates,
    subscribe_links,
    tag_alternates,
    tag_calendar_links,
    tag_subscriptions,
)
from feeds.render.related import Related, related_items
from feeds.render.sitemap import render_sitemap
from feeds.strings import Strings
from feeds.template_digests import Templates
from feeds.template_errors import template_problem
from feeds.template_paths import STATIC_DIR, template_dirs

_UPDATED_AT = attrgetter("updated_at")


class PageJob(NamedTuple):
    """One page: the items it shows (in order), and how to render it. (A tuple: a build makes one for
    every page, 15,000 at 10,000 items, which a frozen dataclass takes three times as long to make.)"""

    folder: str
    shows: tuple[Item, ...]  # () for a page that shows the whole site, which no cache keeps
    label: str  # what else tells the page apart: the page number and count, the tag
    template: str
    title: str
    description: str
    options: Callable[[], dict[str, Any]]  # the rest of what `make` takes, worked out late

    @property
    def path(self) -> str:
        return self.folder + "index.html"


Pages = Callable[[Callable[[PageJob], OutputFile], Sequence[PageJob]], list[Output]]
# When a page showing these items last changed (see page_changed), by the page's folder, those items and
# when time alone last changed how each event is shown, by event id; a cache may provide it.
PageChanged = Callable[[str, Sequence[Item], Mapping[str, datetime]], datetime | None]


def each_page(render: Callable[[PageJob], OutputFile], jobs: Sequence[PageJob]) -> list[Output]:
    """Every page, rendered here and now."""
    return [render(job) for job in jobs]


def render_site(site: Site, site_dir: Path, templates: Templates, pages: Pages = each_page,
                changed: PageChanged = lambda folder, items, ended: page_changed(items, ended),
                copied: Callable[[Sequence[CopiedFile]], list[Output]] = list,
                feeds: list[Channel] | None = None, related: Related = related_items) -> list[Output]:
    """Every page of the site, its sitemap and robots.txt, and its static files, from the files of
    the template folders (`templates`).

    The pages of items and of lists of items are made by `pages` from the function that renders
    one, when each page last changed (the sitemap's dates) found by `changed`, each item's related
    items by `related`, and the static files taken by `copied`; a cache may provide any of them.
    `feeds` are the site's channels, when the caller has them already.
    """
    dirs = template_dirs(site_dir)
    t, config = site.strings, site.config
    env = environment(dirs, templates, t, config.timezone)
    sizes = image_sizes(templates)
    common = {"site": site, "config": config, "t": t, "links": subscribe_links(site)}
    alternates = site_alternates(site)

    def make(folder: str, template: str, title: str, description: str, *, data: dict[str, Any] | None = None,
             item: Item | None = None, extra: tuple[Alternate, ...] = (), **context: Any) -> OutputFile:
        url = config.url(folder)
        info = Page(path=folder + "index.html", url=url, root="../" * folder.count("/") or "./", title=title,
                    description=description, alternates=extra + alternates,  # the page's own feeds first
                    open_graph=tuple(structured.open_graph(site, url, title, description, item, sizes)),
                    json_ld=structured.json_ld(data) if data else "")
        html = render_template(env, dirs, template, **common, page=info, item=item, **context)
        return OutputFile(info.path, html.encode())

    def render(job: PageJob) -> OutputFile:
        return make(job.folder, job.template, job.title, job.description, **job.options())

    whole, listed, sitemap = _site_pages(site, changed, channels(site) if feeds is None else feeds, related)
    files: list[Output] = []
    problems: list[Problem] = []  # the templates' faults, every template tried
    for job in whole:
        try:
            files.append(render(job))
        except SiteError as error:  # a template's fault: the other templates are tried too
            problems.extend(error.problems)
    try:
        files += pages(render, listed)
    except SiteError as error:
        problems += error.problems + _first_pages_problems(render, listed)
    try:
        files.append(_not_found(env, dirs, site, common))
    except SiteError as error:
        problems += error.problems
    if problems:
        raise SiteError(sorted(set(problems)))
    files += render_sitemap(site, sitemap)
    files += copied(static_files(templates))
    return files


def _site_pages(site: Site, changed: PageChanged, feeds: list[Channel],
                related_to: Related) -> tuple[list[PageJob], list[PageJob], list[tuple[str, datetime | None]]]:
    """Every page of the site but 404.html: those that show the whole site (the front page, the tags,
    the feeds), rendered at every build; those of items and of lists of items, which a cache may keep
    (see `Pages`); and each page's folder with when it last changed (by `changed`), in the order of
    the sitemap. `feeds` are the site's channels, and `related_to` finds each item's related items."""
    t, config = site.strings, site.config
    whole: list[PageJob] = []
    listed: list[PageJob] = []
    sitemap: list[tuple[str, datetime | None]] = []

    def page(folder: str, template: str, title: str, description: str, *, modified: datetime | None,
             **options: Any) -> None:
        whole.append(PageJob(folder, (), "", template, title, description, partial(dict, options)))
        sitemap.append((folder, modified))

    def job(folder: str, template: str, title: str, description: str, *, shows: tuple[Item, ...], label: str,
            modified: datetime | None, options: Callable[[], dict[str, Any]]) -> None:
        listed.append(PageJob(folder, shows, label, template, title, description, options))
        sitemap.append((folder, modified))

    # When time alone last changed how each event is shown (marked over, a series' next dates moved on).
    ended = {event.id: moment for event in site.events if (moment := last_ended(event, site.now))}
    newest = changed("", site.items, {})
    tags = site.tags
    fed = {channel.tag.slug for channel in feeds if channel.tag}  # a tag only events have has none when feeds leave events out
    shown, per_page = config.pages.front_page, config.pages.per_page
    upcoming, past = site.upcoming[:shown], site.past[:shown]
    page("", "index.html", config.title, config.description, data=structured.website(site),
         modified=_changed(newest, (*upcoming, *past), ended), news=site.news[:shown], upcoming=upcoming, past=past,
         tags=tags)
    # archive/ lists every item; news/ and events/ each kind alone, events soonest first. Each list has one
    # page, empty, when it has no items: the menu links it.
    lists = (("archive", t.archive, site.items), (NewsItem.section, t.all_news, site.news),
             (Event.section, t.all_events, (*site.upcoming, *site.past)))
    for section, title, items in lists:
        for folder, listing in paginate(items, f"{section}/", per_page):
            numbered = _numbered(title, listing, t)
            job(folder, "listing.html", numbered, _described(numbered, site), shows=listing.items,
                label=f"{listing.number}/{listing.count}", modified=changed(folder, listing.items, ended),
                options=partial(dict, listing=listing, tag="", tag_feeds={}, tag_calendar=None))
    related = related_to(site)
    for item in site.items:
        shown = related.get(item.id, ())
        modified = max(item.updated, ended[item.id]) if item.id in ended else item.updated
        job(item.path, "news.html" if isinstance(item, NewsItem) else "event.html", item.title, item.summary,
            shows=(item, *shown), label="", modified=modified, options=partial(_item_options, site, item, shown))
    page("tags/", "tags.html", t.all_tags, _described(t.all_tags, site), tags=tags, modified=newest)
    for tag, items in tags.items():
        # The tag's name, and whether it has feeds and a calendar, are in the label: items elsewhere decide them.
        has_feeds, has_calendar = tag.slug in fed, tag.slug in site.calendar_slugs
        for folder, listing in paginate(items, f"tags/{tag.slug}/", per_page):
            numbered = _numbered(t.tag_title.format(tag=tag.name), listing, t)
            job(folder, "listing.html", numbered, _described(numbered, site), shows=listing.items,
                label=f"{listing.number}/{listing.count} {tag.slug} {tag.name} {has_feeds} {has_calendar}",
                modified=changed(folder, listing.items, ended),
                options=partial(_tag_options, site, listing, tag, has_feeds, has_calendar))
    page(SITE_FOLDER, "feeds.html", t.feeds_title, t.feeds_intro, channels=feeds,
         tag_subscriptions=tag_subscriptions(site, feeds), modified=newest)
    return whole, listed, sitemap


def _latest_update(items: Sequence[Item]) -> datetime | None:
    """The latest `updated` of these items, in the zone its item gives it; None for no items."""
    return max(items, key=_UPDATED_AT).updated if items else None


def page_changed(items: Sequence[Item], ended: Mapping[str, datetime]) -> datetime | None:
    """When a page showing these items last changed: when one of them was last updated, or later,
    when time alone last changed how one of its events is shown (`ended`, by event id)."""
    return _changed(_latest_update(items), items, ended)


def _changed(modified: datetime | None, items: Sequence[Item], ended: Mapping[str, datetime]) -> datetime | None:
    """When a page showing these items last changed: at `modified`, or later, at an event's `ended`."""
    if ended and (moments := [ended[item.id] for item in items if item.id in ended]):
        return max(moments) if modified is None else max(modified, *moments)
    return modified


def first_pages(render: Callable[[PageJob], OutputFile], jobs: Sequence[PageJob]) -> list[Output]:
    """The first page of each template alone, rendered here and now (a `Pages`): enough to find
    every template's faults."""
    return [render(job) for job in _first_of_each_template(jobs)]


def _first_of_each_template(jobs: Sequence[PageJob]) -> list[PageJob]:
    first: dict[str, PageJob] = {}
    for job in jobs:
        first.setdefault(job.template, job)
    return list(first.values())


def _first_pages_problems(render: Callable[[PageJob], OutputFile], jobs: Sequence[PageJob]) -> list[Problem]:
    """The problems of the first page of each template, rendered once a page has failed: so that one
    run reports the faults of every template, not of the first one to fail alone."""
    problems = []
    for job in _first_of_each_template(jobs):
        try:
            render(job)
        except SiteError as error:
            problems += error.problems
    return problems


def _tag_options(site: Site, listing: ListPage, tag: Tag, fed: bool, calendar: bool) -> dict[str, Any]:
    """What a tag's page shows beyond its items: its feeds and its calendar, when it has them (worked
    out only for a page that is rendered)."""
    return {"listing": listing, "tag": tag, "tag_feeds": tag_feed_paths(tag.slug) if fed else {},
            "tag_calendar": tag_calendar_links(site, tag) if calendar else None,
            "extra": tag_alternates(site, tag, fed=fed, calendar=calendar)}


def _described(title: str, site: Site) -> str:
    """A list page's description: its title, then the site's (search engines take pages that share a
    description for copies of one another, and a tag's pages are not)."""
    description = site.config.description
    return f"{site.strings.labelled.format(label=title)} {description}" if description else title


def _numbered(title: str, listing: ListPage, t: Strings) -> str:
    """A list's title, with the page's number after the first page: each page's title is its own."""
    return title if listing.number == 1 else f"{title} ({t.page_of.format(number=listing.number, count=listing.count)})"


def _item_options(site: Site, item: Item, related: tuple[Item, ...]) -> dict[str, Any]:
    """What an item's page shows beyond the item: its structured data, related items and calendar links."""
    if isinstance(item, NewsItem):
        return {"data": structured.news_article(site, item), "item": item, "related": related}
    assert isinstance(item, Event)
    return {"data": structured.event(site, item), "item": item, "related": related,
            "add": calendar_links.AddLinks(site, item)}


def _not_found(env: Environment, dirs: list[Path], site: Site, common: dict[str, Any]) -> OutputFile:
    """404.html: served at any depth, so it links from the site's root path rather than relatively."""
    t = common["t"]
    info = Page(path="404.html", url="", root=urlsplit(site.config.base_url).path, title=t.not_found_title,
                description=t.not_found_text, alternates=site_alternates(site), open_graph=(), json_ld="")
    return OutputFile("404.html", render_template(env, dirs, "404.html", **common, page=info, item=None).encode())


def render_template(env: Environment, dirs: list[Path], name: str, **context: Any) -> str:
    """The template rendered; a fault on one of its lines (or of the templates it uses) raises
    SiteError at that line, where it happens, so that a worker's error keeps its place."""
    try:
        return env.get_template(name).render(**context)
    except Exception as error:
        problem = template_problem(error, dirs)
        if problem is None:
            raise
        raise SiteError([problem]) from None


def static_files(templates: Templates) -> list[CopiedFile]:
    """Files under templates/static/, copied as they are: the site's own in place of a built-in one of
    the same name. Each is known by its digest, and read only if the output lacks it."""
    problems = [problem for directory, files in zip(templates.directories, templates.files) for file in files
                if file.name.startswith(f"{STATIC_DIR}/")
                and (problem := _static_problem(directory, file, file.path in templates.linked))]
    if problems:
        raise SiteError(problems)
    return [CopiedFile(name, file.digest, file.path, file.size) for name, file in templates.static.items()]


def _static_problem(directory: Path, file: DigestedFile, linked: bool) -> Problem | None:
    """What is wrong with a static file of the templates `directory`, or None."""
    return published_file_problem(f"templates/{readable_name(file.name)}", file.name, Path(file.path), directory,
                                  "the templates folder", "templates/static/", linked)
