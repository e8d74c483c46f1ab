"""The pipeline, top to bottom: read the content files, check the site (feeds.check: validate, place in
the ledger), render, write; a build that changes nothing stops after reading."""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from feeds.cache import CACHE_DIR, BuildCache
from feeds.config import CONFIG_NAME, SettingsError, load_config
from feeds.errors import Problem, SiteError, how_many
from feeds.inputs import LEDGER_NAME, BuildOptions, Found, Look, look_at_site
from feeds.last_output import LastOutput
from feeds.listing import FILE_MANAGER_LITTER, Listing, leads_outside, source_files
from feeds.moments import moment_window
from feeds.progress import Progress
from feeds.root_files import REPLACEABLE, ROOT_DIR, RootFiles, read_root
from feeds.settings import SiteConfig
from feeds.template_digests import Templates, read_templates
from feeds.timezones import read_in
from feeds.write import Stamp, UnsafePath, new_tree, write_file

if TYPE_CHECKING:
    from feeds.check import Loaded
    from feeds.model import Item, Site
    from feeds.parts import Fresh, Parts
    from feeds.render import Output


@dataclass(frozen=True)
class BuildResult:
    """What a build published: enough to report it, and kept to answer a build that changes nothing."""

    news: int
    events: int
    files: int
    warnings: tuple[Problem, ...]
    embargoed: tuple[Item, ...] = ()
    next_lift: datetime | None = None
    changes_at: datetime | None = None  # when what the outputs take from `now` next changes (None: at every moment)
    drafts: int = 0  # drafts left out
    staging: str = ""  # the address of a staging build (see SiteConfig.staging), kept out of search engines


def counted(news: int, events: int) -> str:
    """How many items, as the command line reports a build or a check: "1 news item and 2 events"."""
    return f"{how_many(news, 'news item')} and {how_many(events, 'event')}"


def load_site(site_dir: Path, options: BuildOptions = BuildOptions()) -> Loaded:
    """Read and validate everything as `options` ask; raise SiteError listing every error (and, if
    strict, warning). The site's cache is read and left as it is: loading writes nothing (`feeds
    check` and `feeds ping`)."""
    from feeds.check import validate_site

    progress = Progress()
    config = _config(site_dir, options.base_url)
    cache = BuildCache.open(site_dir, read_only=True)
    with progress.phase("read"):
        look = look_at_site(site_dir)
        templates, root, found = _read_all(site_dir, config, cache, progress, look)
    return validate_site(site_dir, config, found, now=_resolve_now(options.now, config), drafts=options.drafts,
                         strict=options.strict, progress=progress, cache=cache, listing=look.content,
                         templates=templates, root=root)


def render(site: Site, site_dir: Path, root: RootFiles, parts: Parts | Fresh) -> list[Output]:
    """Every output file, made by the pure renderers, and the files of `root` (see feeds.root_files).

    With the `parts` a build gives, the parts of the last build that nothing changed are reused, and
    each part is placed in the new tree as soon as it is made (see feeds.parts); with `Fresh` ones,
    as `feeds check` renders to try the templates, every part is made here and now.
    """
    # Imported here: a build that changes nothing starts without the renderers.
    from feeds.render.channels import channels
    from feeds.render.hosting import render_headers, render_next_lift
    from feeds.render.html import render_site
    from feeds.render.ics import render_calendar
    from feeds.render.redirects import render_redirects
    from feeds.render.syndication import render_feeds

    files = [parts.place(file) for file in render_calendar(site, parts.event_parts)]
    parts.save_events()  # the calendar is made: the rest of the build needs no VEVENT
    feeds = channels(site)  # which the pages link and the feeds fill: worked out once
    files += render_site(site, site_dir, parts.templates, parts.pages, parts.page_changed, parts.copied, feeds,
                         parts.related)
    files += render_redirects(site) + render_next_lift(site)
    own = root.outputs(staging=site.config.staging)
    replaced = {file.path for file in own} & REPLACEABLE  # root/robots.txt, in place of the build's
    files = [file for file in files if file.path not in replaced]
    files += parts.copied(own)
    files += render_feeds(site, published=files, document_files=parts.document_files,  # the files give enclosure sizes
                          feeds=feeds, changed=parts.changed_after)
    return [*files, parts.headers(partial(render_headers, noindex=site.config.staging), files)]


def build(site_dir: Path, output: Path, options: BuildOptions = BuildOptions(), *, progress: Progress | None = None,
          cache: BuildCache | None = None, record_ledger: bool = True, look: Look | None = None) -> BuildResult:
    """Build the site into `output` as `options` ask, replacing it only when every file is ready.

    With the cache (by default the site's .feeds-cache/; `BuildCache.empty` for none), unchanged
    content, template and root/ files are not read again, parts of the last build that nothing
    changed are reused, and when every input file and the moment are as at the last build into an
    untouched `output`, nothing is validated, rendered or written. The site's files are those of
    `look` when the caller has just looked at them (as the preview does, to find what changed), so
    that they are not looked at twice; else of a look taken now. Without `record_ledger`, the
    ledger is read but not written (as the preview does).
    """
    progress = progress or Progress()
    if (unsafe := unsafe_output(site_dir, output)) is not None:
        raise SiteError([Problem(str(output), 0, "", unsafe, "build into a folder of its own, such as public/")])
    cache = cache or BuildCache.open(site_dir)
    last = LastOutput(cache, output)
    config = _config(site_dir, options.base_url)
    with progress.phase("read"):
        look = look_at_site(site_dir) if look is None else look
        templates, root, found = _read_all(site_dir, config, cache, progress, look)
        ledger = _ledger_bytes(site_dir)
        inputs = cache.inputs_key(config, templates.key, root.key, options.drafts, ledger, look.content)
        used = dict(cache.used)  # the content files' keys the inputs' key was taken with
        moment = _resolve_now(options.now, config)
        unchanged = last.unchanged_build(inputs, moment)
    if unchanged is not None:
        if options.strict and any(warning.fails_strict for warning in unchanged.warnings):
            raise SiteError(list(unchanged.warnings))
        return unchanged
    # Imported here, with the parsers and the model they bring: a build that changes nothing needs none.
    from feeds.check import validate_site

    try:
        loaded = validate_site(site_dir, config, found, now=moment, drafts=options.drafts, strict=options.strict,
                               progress=progress, cache=cache, listing=look.content, templates=templates, root=root)
        del found  # the files' bytes, parsed now: 80 MB at 10,000 items, which every worker would inherit
        # Imported here: it brings Jinja2, which a build that changes nothing needs not.
        from feeds.template_reads import templates_read_now

        reads_now = templates_read_now(templates.key, templates.directories)  # then no other moment will do
        site = loaded.site
        key = cache.site_key(site, templates.key, root_key=root.key, exact_now=reads_now)
        window = None if reads_now else moment_window(site)
        written = last.current(key)
        stamps = written.stamps if written else _render_and_write(site, site_dir, last, templates, root, progress)
        result = _result(loaded, len(stamps), window)
        # The ledger this build leaves is an input of the next one, which compares its inputs with these;
        # taken again if it changed, or if validation read a file known by its stamp again (its item
        # not kept), which keys it by the bytes read now.
        next_ledger = loaded.ledger.to_bytes() if record_ledger else ledger
        recorded_inputs = (inputs if next_ledger == ledger and cache.used == used
                           else cache.inputs_key(config, templates.key, root.key, options.drafts, next_ledger,
                                                 look.content))
        with progress.phase("write"):
            # Recorded before anything else can fail: a private cache trusts this record without
            # looking at the output, so it must describe the tree now in place.
            last.remember(key, stamps, recorded_inputs, window, result, swapped=written is None)
            cache.save_items()
            if record_ledger:
                write_file(site_dir / LEDGER_NAME, next_ledger)
        return result
    finally:
        # What validation froze (feeds.check) is an ordinary heap again once the build is done; a
        # preview keeps it frozen from one build to the next, and collects it now and then (feeds.serve).
        if not cache.private:
            gc.unfreeze()


def _result(loaded: Loaded, files: int, window: tuple[datetime, datetime] | None) -> BuildResult:
    """What a build of this site reports, with how many files it published; `window` is the span
    in which `now` changes nothing (None: every moment counts)."""
    site = loaded.site
    # When time alone next changes the outputs: an embargo's lift counts even where there is no
    # window (a template showing now itself).
    changes = [when for when in (window[1] if window else None, site.next_lift) if when]
    config = site.config
    return BuildResult(len(site.news), len(site.events), files, loaded.warnings, loaded.embargoed, site.next_lift,
                       min(changes, default=None), loaded.drafts, config.base_url if config.staging else "")


def unsafe_output(site_dir: Path, output: Path) -> str | None:
    """Why `output` cannot take the site, or None. The build replaces the output folder whole: the
    site's folder, one above it, or its content, templates or root/ would be swept away with it."""
    site, out = site_dir.resolve(), output.resolve()
    if site.is_relative_to(out):
        return "is the site's folder or holds it: building there would replace content/ and site.toml"
    for own in ("content", "templates", ROOT_DIR, CONFIG_NAME, LEDGER_NAME, CACHE_DIR):
        if out.is_relative_to((site / own).resolve()):  # where the site's own files are, links followed
            return f"is the site's {own} or inside it"
    if out.exists() and not out.is_dir():
        return "is a file: the site is a folder of files"
    return None


def foreign_entries(output: Path, files: list[Output]) -> list[str]:
    """What an output folder that the cache does not know as a build's holds at its top that no
    build makes (a .git, a CNAME, someone's documents), which replacing the folder would lose. A file
    manager's litter (.DS_Store) does not count. In a folder the cache knows, a stray file is the
    build's to remove."""
    from feeds.render import TOP_LEVEL

    try:
        present = os.listdir(output)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(set(present) - TOP_LEVEL - {file.path.partition("/")[0] for file in files} - FILE_MANAGER_LITTER)


def _render_and_write(site: Site, site_dir: Path, last: LastOutput, templates: Templates, root: RootFiles,
                      progress: Progress) -> dict[str, Stamp]:
    """Render every output into a new tree, each part written as soon as it is made (so that no
    process holds the whole site's bytes), and swap the tree in at `last.output`; return its files' stamps."""
    from feeds.parts import Parts

    output = last.output
    try:
        with new_tree(output, last.spare_stamps(), exact=last.spare_exact()) as tree:
            with progress.phase("render"):
                parts = Parts.open(last, site, templates, root.key, tree.place)
                files = render(site, site_dir, root, parts)
            if last.record() is None and (foreign := foreign_entries(output, files)):  # no build of ours made it
                raise SiteError([_foreign_problem(output, foreign)])
            with progress.phase("write"):
                stamps = tree.complete(files)
    except UnsafePath as error:
        last.spare_changed()
        raise SiteError([Problem(str(output), 0, "", str(error),
                                 "report this: a renderer made an unsafe path")]) from None
    except BaseException:
        last.spare_changed()
        raise
    return stamps


def _foreign_problem(output: Path, foreign: list[str]) -> Problem:
    """Why the build will not replace an output folder that holds files no build makes (`foreign`)."""
    shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
    return Problem(str(output), 0, "", f"holds {shown}, which no build makes; a build replaces the whole folder",
                   "build into a folder of its own, such as public/, and copy or deploy from it; if this is one, "
                   "empty it")


def _read_all(site_dir: Path, config: SiteConfig, cache: BuildCache, progress: Progress,
              look: Look) -> tuple[Templates, RootFiles, list[Found]]:
    """Every file of `look`: the template folders' and root/'s, each known by a digest of its bytes,
    and the content files, each by its cache key, with its bytes; each read once, unless the cache
    knows the file as it is."""
    templates, root = read_templates(look.templates, cache), read_root(look.root, cache)
    return templates, root, _read_content(site_dir, config, cache, progress, look.content)


def _read_content(site_dir: Path, config: SiteConfig, cache: BuildCache, progress: Progress,
                  listing: Listing) -> list[Found]:
    """Every content file of `listing`: its cache key, and its bytes, read once, unless the cache
    knows the file as it is."""
    found = []
    # Where a link leads can change while the file it leads to does not: whether a linked file leads
    # outside the site (then it is an error, whatever it holds) is looked up at every build.
    outside = {name for name, linked, _ in listing.files if linked and leads_outside(site_dir / name, site_dir)}
    known = cache.known_keys(config, ((name, stat, name in outside) for name, _, stat in listing.files))
    for (name, linked, stat), key in progress.track(list(zip(listing.files, known)), "reading"):
        data = None
        if key is None:
            key, data = cache.read_keyed(config, site_dir, name, outside=name in outside, stat=stat)
        found.append(Found(key, name, data, linked))
    cache.save_sources(config, listing.taken)
    return found


def _config(site_dir: Path, base_url: str | None) -> SiteConfig:
    """The settings; when they are wrong, their errors come with the content's, found against the
    settings with a stand-in for each wrong one (or, when there are none to stand in, with the errors
    of content files that cannot be read)."""
    try:
        return load_config(site_dir, base_url)
    except SiteError as error:
        stand_in = error.stand_in if isinstance(error, SettingsError) else None
        raise SiteError([*error.problems, *_content_problems(site_dir, stand_in)]) from None


def _content_problems(site_dir: Path, config: SiteConfig | None) -> list[Problem]:
    """What is wrong in the content files against these settings; without settings, which cannot be read."""
    from feeds.load import read_source

    if config is None:
        sources = (read_source(site_dir / name, site_dir, linked=linked) for name, linked in source_files(site_dir))
        return [found for found in sources if isinstance(found, Problem)]
    from feeds.parse import parse_files

    jobs = []
    for name, linked in source_files(site_dir):
        try:
            jobs.append((site_dir / name, (site_dir / name).read_bytes(), linked))
        except OSError:
            jobs.append((site_dir / name, None, linked))  # read_source says why it cannot be read
    return [problem for parsed in parse_files(jobs, site_dir, config) for problem in parsed.problems]


def _ledger_bytes(site_dir: Path) -> bytes:
    try:
        return (site_dir / LEDGER_NAME).read_bytes()
    except OSError:  # none yet; or something else in its place, which reading the ledger reports
        return b""


def _resolve_now(now: datetime | None, config: SiteConfig) -> datetime:
    if now is None:
        return datetime.now(timezone.utc)
    return read_in(now, config.timezone)
