"""WebSub: after a deploy, tell the hub which feeds changed so subscribers get them at once."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterable
from urllib.parse import urlencode

from feeds import __version__
from feeds.errors import Problem
from feeds.model import Site
from feeds.render.channels import channels


def topics(site: Site) -> list[str]:
    """The URLs of every subscription document (site-wide and per tag); archives never change."""
    return [site.config.url(path) for channel in channels(site) for path in channel.paths.values()]


def ping(hub: str, urls: Iterable[str], timeout: float = 10.0) -> tuple[int, list[Problem]]:
    """POST hub.mode=publish for each URL: how many the hub accepted, and a problem for each it
    refused; once the hub cannot be reached, that problem alone, and the rest are not tried."""
    problems = []
    accepted = 0
    for url in urls:
        body = urlencode({"hub.mode": "publish", "hub.url": url}).encode()
        request = urllib.request.Request(hub, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": f"feeds/{__version__}",
        })
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
            accepted += 1
        except urllib.error.HTTPError as error:
            problems.append(Problem("site.toml", 0, "feeds.hub", f"{hub} refused {url}: HTTP {error.code} {error.reason}"))
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            return accepted, [*problems, Problem("site.toml", 0, "feeds.hub", f"cannot reach {hub}: {reason}")]
    return accepted, problems
