"""A larger test newsroom, written into a directory: enough items for several archive documents,
titles that need escaping, images in and outside the site, relative links of every kind, a site
under a path, a WebSub hub, and events timed, all-day, cancelled, with their own URL and with images."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

BASE = "https://press.example.com/newsroom/"
HUB = "https://hub.example.net/"
LIMIT = 5
NEWS = 23
ZONE = ZoneInfo("Europe/Zurich")
TRICKY_TITLES = [
    'Fish & Chips <b>not bold: "quoted" and \'single\' 🚀',
    "R&D <script>alert(1) a < b && c > d",
    "Ünïcödé — café, naïve, 東京, 🎉🔐",
]
TAGS = ["alpha", "beta", "gamma"]


@dataclass(frozen=True)
class NewsFile:
    name: str
    title: str
    date: datetime
    tags: tuple[str, ...]
    image: str  # as written in the front matter, or ""


def news_files() -> list[NewsFile]:
    first = datetime(2019, 1, 7, 9, 0, tzinfo=ZONE)
    files = []
    for n in range(NEWS):
        title = TRICKY_TITLES[n % len(TRICKY_TITLES)] if n % 5 == 1 else f"News number {n}"
        image = {0: "static/images/photo.jpg", 3: "https://cdn.example.org/pictures/outside.png",
                 4: "static/images/diagram.png"}.get(n % 6, "")
        files.append(NewsFile(f"2019-{n:02d}-item-{n}.md", title, first + timedelta(days=n, minutes=n),
                              tuple(TAGS[: 1 + n % 3]), image))
    return files


IMAGES = {"static/images/photo.jpg": b"\xff\xd8\xff\xe0" + b"j" * 1234, "static/images/diagram.png": b"\x89PNG" + b"p" * 777,
          "static/icon.png": b"\x89PNG" + b"i" * 10, "static/logo.png": b"\x89PNG" + b"l" * 20}

BODY = """First paragraph of {title_plain}, with a [relative link](../item-{prev}/), a
[root link](/newsroom/events/), a [link to the site](https://press.example.com/newsroom/) and an
[external one](https://other.example.net/page?a=1&b=2).

![A picture](../../static/images/photo.jpg)

The Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft said so, and
the command line it ran was this:

```
feeds build --site /srv/newsroom --output /srv/www/newsroom --base-url https://staging.example.org/x/ --strict
```

<img src="../../static/images/diagram.png" srcset="../../static/images/diagram.png 1x, ../../static/images/photo.jpg 2x" alt="Diagram">
"""

EVENT_IMAGES = {"conference": "static/images/diagram.png", "summit": "https://cdn.example.org/pictures/venue.jpg"}  # by slug
EVENTS = {
    "conference.md": """---
title: Conference on "Trust" & <Safety>
date: 2019-01-10T10:00:00+01:00
start: 2019-03-04T09:30
end: 2019-03-04T17:00
timezone: America/New_York
location:
  name: Hall A
  address: New York, USA
tags: [alpha]
image: static/images/diagram.png
image_alt: The hall's plan
---
Join us. See [the programme](../../news/item-1/).
""",
    "summit.md": """---
title: Two-day summit
date: 2019-01-12T08:15:00+01:00
start: 2019-04-01
end: 2019-04-02
location: Geneva, Switzerland
url: https://summit.example.org/
tags: [beta]
image: https://cdn.example.org/pictures/venue.jpg
image_alt: The venue
---
Two days in Geneva.
""",
    "cancelled.md": """---
title: Workshop that was cancelled
date: 2019-01-14T11:00:00+01:00
updated: 2019-01-20T16:45:00+01:00
start: 2019-02-20T14:00
end: 2019-02-20T16:00
status: cancelled
tags: [gamma]
---
No longer taking place.
""",
    "unannounced.md": """---
title: Event with no announcement date
start: 2019-05-05T12:00
tags: [alpha]
---
It appears in the feed at its start.
""",
}


def write_newsroom(root: Path) -> Path:
    """Write the test newsroom into root and return it."""
    (root / "content/news").mkdir(parents=True)
    (root / "content/events").mkdir(parents=True)
    (root / "site.toml").write_text(f"""title = "Test & <Newsroom>"
description = "A newsroom with \\"many\\" items."
base_url = "{BASE}"
language = "en"
timezone = "Europe/Zurich"

[author]
name = "Press Office"
email = "press@example.com"

[feeds]
limit = {LIMIT}
include_events = true
hub = "{HUB}"
icon = "static/icon.png"
logo = "static/logo.png"
""")
    for path, data in IMAGES.items():
        target = root / "templates" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for n, news in enumerate(news_files()):
        image = f"image: {news.image}\nimage_alt: An image\n" if news.image else ""
        body = BODY.format(title_plain=f"item {n}", prev=max(n - 1, 0))
        (root / "content/news" / news.name).write_text(
            f"---\ntitle: {yaml_quote(news.title)}\ndate: {news.date.isoformat()}\n"
            f"summary: Summary of item {n} & more.\ntags: [{', '.join(news.tags)}]\n{image}"
            f"slug: item-{n}\n---\n{body}"
        )
    for name, text in EVENTS.items():
        (root / "content/events" / name).write_text(text)
    return root


def yaml_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
