"""A deterministic benchmark newsroom: N items, 70% news and 30% events, like a large organisation's.

    python bench/corpus.py N DIR [--seed S]

writes DIR/site.toml and DIR/content/{news,events}/*.md. The same N and seed give the same bytes.
Bodies run 200 to 1,500 words (most near 500) with headings, lists, quotes, links and code; events
are spread over 17 time zones, a quarter of them all-day and many of those over several days.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

WORDS = """
security cyber resilience forum partner network member board meeting report annual strategy
platform service data research program funding grant initiative agreement collaboration council
committee panel workshop conference summit keynote session agenda deadline award milestone roadmap
community public private local international digital global regional national open trust policy
threat response incident risk governance standard framework industry government leaders experts
the of and to for with on at by from as is are was will be has have new more first today across
""".split()
TAGS = """
cybersecurity paris-call resilience partnerships events conference workshop webinar policy privacy
open-source data ai energy health education awards governance finance infrastructure research
""".split()
ZONES = [
    ("Europe/Zurich", "Geneva"), ("Europe/Berlin", "Berlin"), ("Europe/London", "London"),
    ("Europe/Paris", "Paris"), ("America/New_York", "New York"), ("America/Chicago", "Chicago"),
    ("America/Denver", "Denver"), ("America/Los_Angeles", "San Francisco"), ("America/Sao_Paulo", "São Paulo"),
    ("Asia/Tokyo", "Tokyo"), ("Asia/Kolkata", "Bengaluru"), ("Asia/Kathmandu", "Kathmandu"),
    ("Australia/Sydney", "Sydney"), ("Australia/Adelaide", "Adelaide"), ("Pacific/Auckland", "Auckland"),
    ("Africa/Nairobi", "Nairobi"), ("UTC", "Online"),
]
VENUES = ["Convention Centre", "City Hall", "University Auditorium", "Congress Hall", "Innovation Hub"]
SITE_TOML = """\
title = "Benchmark Newsroom"
description = "A large synthetic newsroom for measuring builds."
base_url = "https://bench.example.org/"
language = "en"
timezone = "Europe/Zurich"

[author]
name = "Benchmark Newsroom"

[calendar.organizer]
name = "Benchmark Newsroom events"
email = "events@bench.example.org"
"""
FIRST_DAY = datetime(2015, 1, 1)
DAYS = 10 * 365


def make_corpus(n: int, site: Path, seed: int = 1) -> dict[str, int]:
    """Write an n-item site into `site`; return how many news items and events it has."""
    rng = random.Random(seed)
    (site / "content/news").mkdir(parents=True, exist_ok=True)
    (site / "content/events").mkdir(parents=True, exist_ok=True)
    (site / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    counts = {"news": 0, "events": 0}
    for number in range(n):
        published = FIRST_DAY + timedelta(days=rng.randrange(DAYS), minutes=rng.randrange(24 * 60))
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize()
        stem = f"{published:%Y-%m-%d}-{number:06d}"
        if rng.random() < 0.7:
            meta = _news(rng, title, published)
            folder = "news"
        else:
            meta = _event(rng, title, published)
            folder = "events"
        counts[folder] += 1
        text = "---\n" + "".join(f"{key}: {value}\n" for key, value in meta.items()) + "---\n\n" + _body(rng)
        (site / "content" / folder / f"{stem}.md").write_text(text, encoding="utf-8")
    return counts


def _news(rng: random.Random, title: str, published: datetime) -> dict[str, str]:
    meta = {"title": json.dumps(title), "date": f"{published:%Y-%m-%dT%H:%M}", "tags": _tags(rng)}
    if rng.random() < 0.6:
        meta["dateline"] = json.dumps(rng.choice(ZONES)[1])
    if rng.random() < 0.2:
        meta["updated"] = f"{published + timedelta(days=rng.randint(1, 30)):%Y-%m-%dT%H:%M}"
    return meta


def _event(rng: random.Random, title: str, announced: datetime) -> dict[str, str]:
    zone, city = rng.choice(ZONES)
    start = announced + timedelta(days=rng.randint(7, 120))
    meta = {"title": json.dumps(title), "date": f"{announced:%Y-%m-%dT%H:%M}", "tags": _tags(rng)}
    if rng.random() < 0.25:  # all-day, often over several days (end is the last day)
        meta["start"] = f"{start:%Y-%m-%d}"
        days = rng.choice([0, 1, 1, 2, 3])
        if days:
            meta["end"] = f"{start + timedelta(days=days):%Y-%m-%d}"
    else:
        begin = start.replace(hour=rng.choice([8, 9, 10, 13, 14, 18]), minute=rng.choice([0, 30]))
        meta["start"] = f"{begin:%Y-%m-%dT%H:%M}"
        meta["end"] = f"{begin + timedelta(minutes=rng.choice([60, 90, 120, 240, 480])):%Y-%m-%dT%H:%M}"
    meta["timezone"] = zone
    meta["location"] = json.dumps(f"{rng.choice(VENUES)}, {city}" if city != "Online" else "Online")
    if rng.random() < 0.05:
        meta["status"] = rng.choice(["cancelled", "postponed", "tentative"])
    return meta


def _tags(rng: random.Random) -> str:
    return "[" + ", ".join(sorted(set(rng.sample(TAGS, rng.randint(1, 4))))) + "]"


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 20))]
    spot = rng.randrange(len(words))
    roll = rng.random()
    if roll < 0.1:
        words[spot] = f"[{words[spot]}](https://example.org/{rng.choice(WORDS)}/{rng.randint(1, 9999)})"
    elif roll < 0.2:
        words[spot] = f"*{words[spot]}*"
    elif roll < 0.25:
        words[spot] = f"`{words[spot]}()`"
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".....!?")


def _body(rng: random.Random) -> str:
    target = min(1500, max(200, int(rng.lognormvariate(6.2, 0.45))))
    blocks: list[str] = []
    words = 0
    while words < target:
        roll = rng.random()
        if roll < 0.08 and blocks:
            block = "## " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6))).capitalize()
        elif roll < 0.18:
            marker = rng.choice(["-", "1."])
            block = "\n".join(f"{marker} {_sentence(rng)}" for _ in range(rng.randint(3, 6)))
        elif roll < 0.22:
            block = "> " + " ".join(_sentence(rng) for _ in range(rng.randint(1, 3)))
        elif roll < 0.24:
            block = "```python\n" + "\n".join(f"{rng.choice(WORDS)} = {rng.randint(1, 99)}" for _ in range(4)) + "\n```"
        else:
            block = " ".join(_sentence(rng) for _ in range(rng.randint(2, 6)))
        blocks.append(block)
        words += len(block.split())
    return "\n\n".join(blocks) + "\n"


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("n", type=int, help="how many items")
    arguments.add_argument("site", type=Path, help="the site directory to write")
    arguments.add_argument("--seed", type=int, default=1)
    args = arguments.parse_args()
    counts = make_corpus(args.n, args.site, args.seed)
    print(f"{counts['news']} news items and {counts['events']} events in {args.site}")


if __name__ == "__main__":
    main()
