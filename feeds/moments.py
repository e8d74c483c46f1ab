"""What the outputs take from `now`, and for how long that stays the same.

Outputs depend on `now` only through which events are over (`Site.upcoming` / `Site.past`), which
the subscription calendar still holds (`Site.subscribed_events`), the next occurrences of each
series, when the next embargo lifts (`Site.next_lift`) and the year in the site's time zone
(`Site.year`: the time zone of a calendar without events covers it, and a template may show it). A
template that shows `now` itself makes every moment its own (see feeds.template_reads).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from feeds.timezones import instant

if TYPE_CHECKING:
    from feeds.model import Site


def moment_key(site: Site) -> list[str]:
    """What the outputs take from `now`: which events are over and which the subscription calendar
    holds (events leave both in the order they end, so their counts say which), the next occurrence of each
    series, when the next embargo lifts, and the year (an empty feed is dated atom_rss.NO_ENTRIES, never now)."""
    return [f"{len(site.past)} over", f"{len(site.subscribed_events)} subscribed", str(site.next_lift),
            *(following.start.isoformat() for event in site.upcoming
              if (following := site.next_occurrences.get(event.id))),
            f"{site.year} year"]


def moment_window(site: Site) -> tuple[datetime, datetime]:
    """From `now` to the first instant at which what the outputs (and the warnings) take from `now`
    changes: an upcoming event ends, a series' next occurrence ends, an event leaves the subscription
    calendar (`[calendar] past_days` after it ends), an embargo lifts,
    an event dated in the future reaches its date, an item's `updated` is reached, the year ends."""
    ends = [event.ends_at for event in site.upcoming]
    ends += [instant(following.end, event.timezone) for event in site.upcoming
             if (following := site.next_occurrences.get(event.id))]
    if (past := site.config.calendar.past) is not None:
        ends += [event.ends_at + past for event in site.subscribed_events]
    ends += [site.next_lift] if site.next_lift else []
    ends += [event.date for event in site.events if event.date > site.now]  # its warning ends then (feeds.lint)
    now = site.now.astimezone(timezone.utc)  # updated_at is in UTC: instants of one zone compare quickest
    ends += [item.updated_at for item in site.items if item.updated_at > now]  # so does an update's to come
    ends.append(datetime(site.year + 1, 1, 1, tzinfo=site.config.timezone))
    return site.now, min(ends)

