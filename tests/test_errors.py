"""Bad input: every error located as path:line: field, with a hint, all reported at once, exit 1, output untouched."""

from __future__ import annotations

import builtins
import errno
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE_NOW, tree_bytes

PUBLISHED = "content/news/2018-11-12-forum-joins-paris-call.md"
NEWS_ID = "tag:newsroom.example.org,2018-11-12:news/forum-joins-paris-call"
EVENT_UID = "annual-gathering-2018@newsroom.example.org"


@dataclass(frozen=True)
class Outside:
    """A symbolic link to a content file that lives outside the site directory."""

    text: str
    folder: bool = False  # link the file's folder instead of the file


@dataclass(frozen=True)
class Case:
    name: str
    files: dict[str, str | bytes | Outside]  # path in the site -> its new content
    expected: list[str]  # reported lines start with these: "path:line: field: message"
    unreported: tuple[str, ...] = ()  # and no reported line starts with one of these
    args: tuple[str, ...] = ()
    edits: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (old, new) text

    @property
    def content_only(self) -> bool:
        return not self.args and not self.edits and all(
            p.startswith("content/") and not isinstance(t, Outside) for p, t in self.files.items())


def news(front: str, body: str = "Body.\n") -> str:
    return f"---\n{front}---\n{body}"


OK_NEWS = "title: T\ndate: 2018-11-12\n"
ERRORS = [
    # Missing or mistyped required fields
    Case("missing-title", {"content/news/no-title.md": news("date: 2018-11-12\n")},
         ["content/news/no-title.md:1: title: missing; it is required"]),
    Case("empty-title", {"content/news/empty-title.md": news("date: 2018-11-12\ntitle:\n")},
         ["content/news/empty-title.md:3: title: is empty"]),
    Case("invisible-title", {"content/news/invisible-title.md": news('date: 2018-11-12\ntitle: "\\u200b\\u200d \\u00ad"\n')},
         ["content/news/invisible-title.md:3: title: shows nothing: it holds only invisible characters"]),
    Case("title-read-as-a-comment", {"content/news/hash-title.md": news("title: #1 ranked\ndate: 2018-11-12\n")},
         ["content/news/hash-title.md:2: title: is empty: YAML reads ' #' and what follows as a comment (hint: quote "
          'the value: title: "#1 ranked")']),
    Case("title-with-quotes-read-as-a-comment", {"content/news/hash.md": news('title: #1 "best" ranked\ndate: 2018-11-12\n')},
         ['content/news/hash.md:2: title: is empty: YAML reads \' #\' and what follows as a comment (hint: quote the '
          'value: title: "#1 \\"best\\" ranked")']),
    Case("list-title", {"content/news/list-title.md": news("title: [a, b]\ndate: 2018-11-12\n")},
         ["content/news/list-title.md:2: title: expected text, got a list"]),
    Case("missing-date-given-by-the-file-name", {"content/news/2018-11-12-dated.md": news("title: T\n")},
         ["content/news/2018-11-12-dated.md:1: date: missing; it is required (hint: date: 2018-11-12, as the file's "
          "name has it: feeds reads an item's date from its front matter alone)"]),
    Case("missing-start", {"content/events/no-start.md": news("title: E\nlocation: Geneva\n")},
         ["content/events/no-start.md:1: start: missing; it is required"],
         unreported=("content/events/no-start.md:1: date:",)),  # an event's date is its start's, or none
    Case("start-with-a-zone-name", {"content/events/cet.md": news("title: E\nstart: 2026-12-01T10:00:00 CET\nlocation: Geneva\n")},
         ["content/events/cet.md:3: start: not a date or time: '2026-12-01T10:00:00 CET'"],
         unreported=("content/events/cet.md:1: date:",)),
    Case("empty-embargo", {"content/news/held.md": news(OK_NEWS + "embargo:\n")},  # publishing it would be no guess
         ["content/news/held.md:4: embargo: is empty: it would hold nothing back (hint: write the time with its "
          "offset, e.g. embargo: 2018-11-26T09:00:00+01:00, or leave the key out)"]),
    Case("empty-flag", {"content/news/flag.md": news(OK_NEWS + "draft:\n")},
         ["content/news/flag.md:4: draft: is empty (hint: write draft: true or draft: false, unquoted, or leave the key out)"]),
    Case("text-flag", {"content/news/text-flag.md": news(OK_NEWS + 'draft: "yes"\n')},
         ["content/news/text-flag.md:4: draft: expected true or false, got text ('yes')"]),
    Case("line-separator-keeps-the-lines", {"content/news/ls.md": news('title: "A\u2028B"\ndate: 2018-11-12\ntags: {a: b}\n')},
         ["content/news/ls.md:4: tags: expected a list of words, got a mapping"]),  # YAML breaks lines at U+2028
    Case("tags-mapping", {"content/news/tags-map.md": news(OK_NEWS + "tags: {a: b}\n")},
         ["content/news/tags-map.md:4: tags: expected a list of words, got a mapping"]),
    Case("tags-not-text", {"content/news/tag-year.md": news(OK_NEWS + "tags: [2018, Cyber]\n"),
                           "content/news/tag-yes.md": news(OK_NEWS + "tags:\n  - Paris\n  - yes\n")},
         ['content/news/tag-year.md:4: tags: the tag 2018 is not text, but a number (2018) (hint: quote it: "2018")',
          "content/news/tag-yes.md:4: tags: the tag yes is not text, but true/false (true); YAML reads yes/no/on/off "
          'that way (hint: quote it: "yes")']),
    Case("tags-empty", {"content/news/no-tags.md": news(OK_NEWS + "tags:\n")},
         ['content/news/no-tags.md:4: tags: is empty (hint: give it a value, or leave the key out; quote words YAML '
          'reads as nothing: tags: "null")']),
    # Keys that hold an item back in Jekyll or Hugo, which feeds does not read: the item would go out at once
    Case("jekyll-published-false", {"content/news/2018-10-01-note.md": news(OK_NEWS + "published: false\n"),
                                    "content/news/published-quoted.md": news(OK_NEWS + "published: 'false'\n"),
                                    "content/news/published-empty.md": news(OK_NEWS + "published:\n"),
                                    "content/news/published-a-date.md": news(OK_NEWS + "published: 2030-01-01\n")},
         ["content/news/2018-10-01-note.md:4: published: Jekyll's published: is not read here, and the item would be "
          "published (hint: to keep the item out, replace published: with draft: true; to publish it, delete the line)",
          "content/news/published-quoted.md:4: published: Jekyll's published: is not read here",
          "content/news/published-empty.md:4: published: Jekyll's published: is not read here",
          "content/news/published-a-date.md:4: published: Hugo's published is not read here, and the item would be published at "
          "its date"]),
    Case("hugo-publish-and-expiry-dates", {"content/news/later.md": news(OK_NEWS + "publishDate: 2030-01-01\n"),
                                           "content/news/expired.md": news(OK_NEWS + "expiryDate: 2019-01-01\n"),
                                           "content/events/held.md": news("title: E\nstart: 2030-01-01\nlocation: Bern\n"
                                                                          "pubdate: 2029-01-01\n")},
         ["content/news/later.md:4: publishDate: Hugo's publishDate is not read here, and the item would be published "
          "at its date (hint: a date still to come holds an item back here: put this one in date:, or in embargo: with "
          "its zone)",
          "content/news/expired.md:4: expiryDate: Hugo's expiryDate is not read here, and the item would stay "
          "published (hint: feeds takes no item down at a time: withdrawn: true takes it down at the next build; or "
          "leave the key out)",
          "content/events/held.md:5: pubdate: Hugo's pubdate is not read here"]),
    Case("id-not-a-uri", {"content/news/bad-id.md": news(OK_NEWS + "id: not a uri at all\n"),
                          "content/events/bad-id.md": news("title: E\nstart: 2018-11-26\nlocation: Geneva\n"
                                                           "id: tag:example.org,2018:events/a b\n")},
         ["content/events/bad-id.md:5: id: 'tag:example.org,2018:events/a b' is not an absolute URI, which feeds "
          "need an id to be", "content/news/bad-id.md:4: id: 'not a uri at all' is not an absolute URI, which "
          "feeds need an id to be"]),
    # YAML 1.1 surprises: unquoted values that YAML reads as something other than text
    Case("boolean-title", {"content/news/bool-title.md": news("title: yes\ndate: 2018-11-12\n")},
         ["content/news/bool-title.md:2: title: expected text, got true/false (true)"]),
    Case("number-title", {"content/news/number-title.md": news("title: 2018\ndate: 2018-11-12\n")},
         ["content/news/number-title.md:2: title: expected text, got a number (2018)"]),
    Case("sexagesimal-title", {"content/news/clock-title.md": news("title: 1:30\ndate: 2018-11-12\n")},
         ['content/news/clock-title.md:2: title: expected text, got a number (90) (hint: quote it: title: "1:30")']),
    Case("number-slug", {"content/news/number-slug.md": news(OK_NEWS + "slug: 123\n")},
         ['content/news/number-slug.md:4: slug: expected text, got a number (123) (hint: quote it: slug: "123")'],
         unreported=("content/news/number-slug.md:4: slug: gives an empty slug",)),
    Case("boolean-lang", {"content/news/norwegian.md": news(OK_NEWS + "lang: no\n")},
         ["content/news/norwegian.md:4: lang: expected text, got true/false (false)"]),
    # YAML syntax and refused YAML
    # A bracket or quote left open is found where the front matter ends, or at the next key: reported where it opens
    Case("yaml-syntax", {"content/news/bad-yaml.md": news("title: T\ndate: [2018\n")},
         ["content/news/bad-yaml.md:3: YAML syntax: the '[' on this line is not closed (hint: end the list with ']')"]),
    Case("yaml-unclosed-quote", {"content/news/quote.md": news('title: "Cyber: a report\ndate: 2018-11-12\n'
                                                                "summary: S\n"),
                                 "content/events/brace.md": news("title: E\nstart: 2018-11-26\nlocation: {name: Geneva\n"
                                                                 "status: tentative\n")},
         ["content/news/quote.md:2: YAML syntax: the quote that begins the value on this line is not closed (hint: end "
          "the value with the same quote mark)",
          "content/events/brace.md:4: YAML syntax: the '{' on this line is not closed (hint: end the mapping with '}')"]),
    # A bracket closed on its own line, whose contents are wrong: not reported as left open
    Case("yaml-flow-list-closed-on-its-line", {"content/news/flow.md": news("title: T\ndate: 2018-11-12\ntags: [a: b: c]\n")},
         ["content/news/flow.md:4: YAML syntax: did not find expected ',' or ']' (hint: check the colons"]),
    Case("yaml-missing-colon", {"content/news/colon.md": news("title: T\ndate 2018-11-12\nsummary: Something\n")},
         ["content/news/colon.md:3: YAML syntax: could not find expected ':'"]),
    Case("yaml-colon-in-a-value", {"content/news/colon-title.md": news('title: Report: cyber "resilience" # 2026\n'
                                                                       "date: 2018-11-12\n"),
                                   "content/events/colon-place.md": news("title: E\nstart: 2018-11-26\nlocation:\n"
                                                                         "  name: Geneva: HQ\n"),
                                   "content/news/colon-path.md": news("title: Share: C:\\Reports\ndate: 2018-11-12\n"),
                                   "content/news/colon-list.md": news("title: T\ndate: 2018-11-12\ntags: [a]: b\n")},
         ["content/news/colon-title.md:2: title: holds ': ', which YAML takes for the start of another key (hint: quote "
          'the value: title: "Report: cyber \\"resilience\\" # 2026")',
          "content/events/colon-place.md:5: name: holds ': ', which YAML takes for the start of another key (hint: "
          'quote the value: name: "Geneva: HQ")',
          'content/news/colon-path.md:2: title: holds \': \', which YAML takes for the start of another key (hint: '
          'quote the value: title: "Share: C:\\\\Reports")',
          "content/news/colon-list.md:4: YAML syntax: mapping values are not allowed in this context"]),
    # A key indented under the line before continues its value: the colon at fault is the key's, not one in a value
    Case("yaml-indented-key", {"content/news/indented.md": news("title: T\n  date: 2018-11-12\n")},
         ["content/news/indented.md:3: YAML syntax: mapping values are not allowed in this context (hint: check the colons"]),
    # A tab indenting a line, as an editor's Tab key writes it: libyaml's message does not name the character
    Case("yaml-list-without-spaces", {"content/news/dashes.md": news("title: T\ndate: 2018-11-12\ntags:\n-Cyber\n-Paris\n")},
         ["content/news/dashes.md:5: YAML syntax: a list's line needs a space after its '-' (hint: write - Cyber)"]),
    Case("yaml-tab-indent", {"content/news/tab.md": news("title: T\ndate: 2018-11-12\ntags:\n\t- Cyber\n"),
                             "content/news/tab-key.md": news("title: T\n\tdate: 2018-11-12\n"),
                             "content/news/tab-for-colon.md": news("title: T\ndate\t2018-11-12\nsummary: S\n")},
         ["content/news/tab.md:5: YAML syntax: a tab indents this line; YAML indents with spaces only (hint: "
          "replace the tab with spaces)",
          "content/news/tab-key.md:3: YAML syntax: a tab indents this line; YAML indents with spaces only",
          "content/news/tab-for-colon.md:3: YAML syntax: could not find expected ':'"]),
    Case("yaml-object-tag", {"content/news/object.md": news("title: T\ndate: 2018-11-12\nx: !!python/object/apply:os.system [ls]\n")},
         ["content/news/object.md:4: x: the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"]),
    Case("yaml-binary-tag", {"content/news/binary.md": news("title: !!binary VA==\ndate: 2018-11-12\n")},
         ["content/news/binary.md:2: title: the YAML tag 'tag:yaml.org,2002:binary' is not allowed"]),
    Case("yaml-alias", {"content/news/alias.md": news("title: &t T\nsummary: *t\ndate: 2018-11-12\n")},
         ["content/news/alias.md:3: summary: YAML aliases (*name) are not supported"]),
    Case("yaml-repeated-key", {"content/news/twice.md": news("title: A\ndate: 2018-11-12\ntitle: B\n")},
         ["content/news/twice.md:4: title: given twice (first on line 2)"]),
    Case("yaml-deep", {"content/news/deep.md": news(OK_NEWS + "x: " + "[" * 40 + "]" * 40 + "\n")},
         ["content/news/deep.md:4: x: nested more than 16 levels deep"]),
    Case("yaml-control-escape", {"content/news/bell.md": news('title: "ring \\a"\ndate: 2018-11-12\n')},
         ["content/news/bell.md:2: title: contains the control character U+0007"]),
    Case("yaml-surrogate-escape", {"content/news/json.md": news('date: 2018-11-12\ntitle: "\\ud83d\\ude80 Launch"\n')},
         ["content/news/json.md:3: YAML syntax: a \\u escape that is no character (\\ud800 to \\udfff are halves of "
          "the pairs JSON writes emoji as, which YAML does not join) (hint: write the character itself, or its code point in one escape: \\U0001F680 for "
          "\\ud83d\\ude80)"]),
    # Unicode's noncharacters: HTML's parser reports each one, as the Nu Html Checker does on the page.
    Case("yaml-noncharacter-escape", {"content/news/nonchar-escape.md": news('title: "Not \\uFDD0 one"\ndate: 2018-11-12\n')},
         ["content/news/nonchar-escape.md:2: title: contains the noncharacter U+FDD0"]),
    # Dates and times
    Case("impossible-date", {"content/news/bad-date.md": news("title: T\ndate: 2018-02-30\n")},
         ["content/news/bad-date.md:3: date: not a date or time: '2018-02-30'"]),
    Case("updated-before-date", {"content/news/updated.md": news(OK_NEWS + "updated: 2018-11-01\n")},
         ["content/news/updated.md:4: updated: is before date"]),
    Case("end-before-start", {"content/events/end-first.md": news("title: E\nstart: 2018-11-26\nend: 2018-11-25\n")},
         ["content/events/end-first.md:4: end: is before start (2018-11-26) (hint: for all-day events end is the "
          "last day; leave it out for one day)"]),
    Case("timed-end-before-start", {"content/events/end-early.md": news("title: E\nstart: 2018-11-26T10:00\n"
                                                                        "end: 2018-11-26T09:00\n")},
         ["content/events/end-early.md:4: end: is before start (2018-11-26T10:00:00+01:00) (hint: give the time the "
          "event ends, after its start; past midnight, with the next day's date)"]),
    Case("end-at-start", {"content/events/no-length.md": news("title: E\nstart: 2018-11-26T09:00\nend: 2018-11-26T08:00Z\n")},
         ["content/events/no-length.md:4: end: is the same moment as start (2018-11-26T09:00:00+01:00) (hint: leave "
          "end out for an event with no end, or give the time it ends)"]),
    # 02:45 does not exist in Zurich that night and is read as 03:45, after an end at 03:15 (the build failed with a traceback)
    Case("end-before-a-start-the-clocks-skip", {"content/events/gap.md": news(
        "title: E\nstart: 2019-03-31T02:45\nend: 2019-03-31T03:15\n")},
         ["content/events/gap.md:4: end: is before start (2019-03-31T02:45:00+01:00)"]),
    # 02:30 does not exist in Zurich that night and is read as 03:30: an end at 03:30 is no later
    Case("end-at-a-start-the-clocks-skip", {"content/events/gap-end.md": news(
        "title: E\nstart: 2019-03-31T02:30\nend: 2019-03-31T03:30\n")},
         ["content/events/gap-end.md:4: end: is the same moment as start (2019-03-31T02:30:00+01:00)"]),
    # The event links to this news item, whose page is not made while its file has an error: the error says so,
    # and a warning that the event's (right) link leads nowhere would have the editor change it
    Case("link-to-an-item-with-an-error", {}, ["content/news/2018-11-12-forum-joins-paris-call.md:3: date: not a date"],
         unreported=("content/events/annual-gathering-2018.md",),
         edits={PUBLISHED: ("date: 2018-11-12T09:00:00+01:00", "date: 12/11/2018")}),
    Case("unknown-time-zone", {"content/events/bad-zone.md": news("title: E\nstart: 2018-11-26T09:00\ntimezone: Europe/Genev\n")},
         ["content/events/bad-zone.md:4: timezone: unknown time zone 'Europe/Genev'"]),
    # A zone written as people say it (a space, or the city alone) is named as IANA writes it
    Case("time-zone-with-a-space", {"content/events/ny.md": news("title: E\nstart: 2018-11-26T09:00\ntimezone: America/New York\n")},
         ["content/events/ny.md:4: timezone: unknown time zone 'America/New York' (hint: did you mean America/New_York?)"]),
    Case("time-zone-a-city", {"content/events/kolkata.md": news("title: E\nstart: 2018-11-26T09:00\ntimezone: Kolkata\n")},
         ["content/events/kolkata.md:4: timezone: unknown time zone 'Kolkata' (hint: did you mean Asia/Kolkata?)"]),
    Case("site-toml-time-zone-a-city", {}, ["site.toml:6: timezone: unknown time zone 'Zurich' (hint: did you mean Europe/Zurich?)"],
         edits={"site.toml": ('timezone = "Europe/Zurich"', 'timezone = "Zurich"')}),
    Case("timed-start-all-day-end", {"content/events/mixed.md": news("title: E\nstart: 2018-11-26T09:00\nend: 2018-11-27\n")},
         ["content/events/mixed.md:4: end: must be a time like start"]),
    Case("bad-geo", {"content/events/bad-geo.md": news("title: E\nstart: 2018-11-26\nlocation:\n  name: X\n  geo: [500, 1]\n")},
         ["content/events/bad-geo.md:6: location.geo: expected [latitude, longitude]"]),
    Case("geo-latitude-past-the-pole", {"content/events/pole.md": news("title: E\nstart: 2018-11-26\nlocation:\n  name: X\n  geo: [91, 6.1432]\n")},
         ["content/events/pole.md:6: location.geo: expected [latitude, longitude], got [91, 6.1432]"]),
    # On one line, a comma ends a value: the address was cut, and its town made a key
    Case("location-cut-at-a-comma", {"content/events/comma.md": news(
        "title: E\nstart: 2018-11-26\nlocation: {name: Javits Center, address: 429 11th Ave, New York}\n")},
         ['content/events/comma.md:4: location.New York: unknown key (hint: in {...} a comma ends a value: quote the '
          'address that holds one, address: "429 11th Ave, New York")']),
    # Cut at two commas: each key of the text gets the whole of it
    Case("location-cut-at-two-commas", {"content/events/commas.md": news(
        "title: E\nstart: 2018-11-26\nlocation: {name: Javits Center, address: 429 11th Ave, New York, NY 10001, geo: [40.76, -74]}\n")},
         ['content/events/commas.md:4: location.NY 10001: unknown key (hint: in {...} a comma ends a value: quote the '
          'address that holds one, address: "429 11th Ave, New York, NY 10001")',
          'content/events/commas.md:4: location.New York: unknown key (hint: in {...} a comma ends a value: quote the '
          'address that holds one, address: "429 11th Ave, New York, NY 10001")']),
    Case("bad-status", {"content/events/bad-status.md": news("title: E\nstart: 2018-11-26\nstatus: maybe\n")},
         ["content/events/bad-status.md:4: status: unknown status 'maybe'"]),
    # Every error of one file, not only the first: a wrong end does not hide what follows it.
    Case("every-error-of-one-event", {"content/events/several.md": news(
        "title: E\nstart: 2018-11-26\nend: 2018-11-25\nstatus: maybe\nrrule: FREQ=WEEKLY\nurl: ftp://x\n")},
         ["content/events/several.md:4: end: is before start", "content/events/several.md:5: status: unknown status 'maybe'",
          "content/events/several.md:6: rrule: needs exactly one of COUNT or UNTIL", "content/events/several.md:7: url: not a web address"]),
    # Addresses that become links or images: the web's, or (images) the site's own files
    Case("event-url-script", {"content/events/js.md": news('title: E\nstart: 2018-12-01\nlocation: Bern\nurl: "javascript:alert(1)"\n')},
         ["content/events/js.md:5: url: not a web address: 'javascript:alert(1)' (hint: write it in full, e.g. https://example.org/)"]),
    Case("event-url-without-scheme", {"content/events/bare.md": news("title: E\nstart: 2018-12-01\nlocation: Bern\nurl: www.example.com/meetup\n")},
         ["content/events/bare.md:5: url: not a web address: 'www.example.com/meetup'"]),
    # Values beyond what dates, numbers, zones and rules can hold
    Case("date-out-of-range", {"content/news/old.md": news("title: T\ndate: 0001-01-01\n")},
         ["content/news/old.md:3: date: '0001-01-01': the year 1 is out of range: 1800 to 2999"]),
    Case("embargo-out-of-range", {"content/news/late.md": news(OK_NEWS + "embargo: 9999-12-31T23:59:59-12:00\n")},
         ["content/news/late.md:4: embargo: '9999-12-31T23:59:59-12:00': the year 9999 is out of range"]),
    Case("event-end-out-of-range", {"content/events/long.md": news("title: E\nstart: 2018-11-26\nend: 9999-12-30\nlocation: Bern\n")},
         ["content/events/long.md:4: end: '9999-12-30': the year 9999 is out of range"]),
    Case("timezone-a-folder", {"content/events/zone.md": news("title: E\nstart: 2018-11-26T10:00\ntimezone: Europe\nlocation: Bern\n")},
         ["content/events/zone.md:4: timezone: unknown time zone 'Europe'"]),
    Case("timezone-files-of-the-system", {"content/events/leap.md": news("title: E\nstart: 2018-11-26T10:00\ntimezone: right/Europe/Zurich\nlocation: Bern\n"),
                                          "content/events/posix.md": news("title: E\nstart: 2018-11-27T10:00\ntimezone: posix/Europe/Zurich\nlocation: Bern\n")},
         ["content/events/leap.md:4: timezone: unknown time zone 'right/Europe/Zurich' (hint: use an IANA name such as Europe/Zurich",
          "content/events/posix.md:4: timezone: unknown time zone 'posix/Europe/Zurich'"]),
    Case("site-toml-timezone-of-the-machine", {}, ["site.toml:6: timezone: unknown time zone 'localtime'"],
         edits={"site.toml": ('timezone = "Europe/Zurich"', 'timezone = "localtime"')}),
    Case("too-many-tags", {"content/news/tags.md": news(OK_NEWS + "tags: [" + ", ".join(f"t{n}" for n in range(1000)) + "]\n")},
         ["content/news/tags.md:4: tags: 1,000 tags; the limit is 100 (hint: keep the topics the item is about"]),
    Case("integer-too-long", {"content/news/digits.md": news("title: " + "9" * 5000 + "\ndate: 2018-11-12\n")},
         ["content/news/digits.md:2: title: a number of more than 4,300 digits (hint: quote it: it is read as text then)"]),
    Case("hexadecimal-too-long", {"content/news/hex.md": news(OK_NEWS + "summary: 0x" + "f" * 4000 + "\n")},
         ["content/news/hex.md:4: summary: a number of more than 4,300 digits"]),
    Case("rrule-ordinal-out-of-range", {"content/events/ord.md": news("title: E\nstart: 2018-11-26\nrrule: FREQ=MONTHLY;COUNT=3;BYDAY=99MO\nlocation: Bern\n")},
         ["content/events/ord.md:4: rrule: not a valid rule"]),
    Case("rrule-hourly", {"content/events/hourly.md": news("title: E\nstart: 2018-11-26T10:00\nrrule: FREQ=HOURLY;COUNT=3\nlocation: Bern\n")},
         ["content/events/hourly.md:4: rrule: FREQ must be one of DAILY, WEEKLY, MONTHLY, YEARLY, got 'HOURLY' (hint: a "
          "series repeats by the day at most; for several times a day, write an event for each)"]),
    Case("rrule-part-twice", {"content/events/twice.md": news("title: E\nstart: 2018-11-26\nrrule: FREQ=WEEKLY;COUNT=4;BYDAY=MO;BYDAY=TU\nlocation: Bern\n")},
         ["content/events/twice.md:4: rrule: BYDAY is given twice (hint: give a part once, its values separated by "
          "commas: BYDAY=MO,TU)"]),
    Case("rrule-count-twice", {"content/events/count-twice.md": news("title: E\nstart: 2018-11-26\nrrule: FREQ=WEEKLY;COUNT=4;COUNT=5\nlocation: Bern\n")},
         ["content/events/count-twice.md:4: rrule: COUNT is given twice (hint: keep one COUNT)"]),
    # 02:15 at +01:00 is the second 02:15 of that night in Zurich; calendars expand a series from the first.
    Case("rrule-from-the-second-of-a-repeated-hour",
         {"content/events/fold.md": news("title: E\ntimezone: Europe/Zurich\nstart: 2018-10-28T02:15:00+01:00\n"
                                         "rrule: FREQ=WEEKLY;COUNT=3\nlocation: Bern\n")},
         ["content/events/fold.md:4: start: a series cannot start at the second 02:15 of 2018-10-28 in Europe/Zurich, "
          "as the clocks go back: calendars read a series' start on the clock, as the first (hint: start it at "
          "another time, or write this date as an event of its own)"]),
    # Values RFC 5545 section 3.3.10 forbids, which clients read apart (given BYMONTHDAY=0, dateutil
    # finds three dates and ical.js none), and parts that would set a time of day other than start's.
    Case("rrule-day-zero", {"content/events/zero.md": news("title: E\nstart: 2018-11-26\nrrule: FREQ=MONTHLY;COUNT=3;BYMONTHDAY=0\nlocation: Bern\n"),
                            "content/events/yearday.md": news("title: E\nstart: 2019-06-04\nrrule: FREQ=YEARLY;COUNT=3;BYYEARDAY=155,0\nlocation: Bern\n"),
                            "content/events/week.md": news("title: E\nstart: 2018-11-26\nrrule: FREQ=YEARLY;COUNT=3;BYWEEKNO=0\nlocation: Bern\n")},
         ["content/events/zero.md:4: rrule: BYMONTHDAY=0 names no day of the month: RFC 5545 counts them 1 to 31 from the "
          "start, -1 to -31 from the end (hint: e.g. BYMONTHDAY=-1 for the last day of the month)",
          "content/events/yearday.md:4: rrule: BYYEARDAY=0 names no day of the year: RFC 5545 counts them 1 to 366",
          "content/events/week.md:4: rrule: BYWEEKNO=0 names no week of the year: RFC 5545 counts them 1 to 53"]),
    Case("rrule-interval-zero", {"content/events/still.md": news("title: E\nstart: 2018-11-26\nrrule: FREQ=DAILY;COUNT=3;INTERVAL=0\nlocation: Bern\n")},
         ["content/events/still.md:4: rrule: INTERVAL must be 1 or more, got 0 (hint: INTERVAL=2 is every other one; "
          "leave it out for every one)"]),
    Case("rrule-time-of-day", {"content/events/halves.md": news("title: E\nstart: 2018-11-26T10:00\nrrule: FREQ=DAILY;COUNT=4;BYMINUTE=0,30\nlocation: Bern\n"),
                               "content/events/ten.md": news("title: E\nstart: 2018-11-26T10:00\nrrule: FREQ=DAILY;COUNT=3;BYHOUR=10\nlocation: Bern\n")},
         ["content/events/halves.md:4: rrule: BYMINUTE does not go in a series' rule: each date begins at start's time "
          "(hint: leave it out: a series repeats by the day at most; for several times a day, write an event for each)",
          "content/events/ten.md:4: rrule: BYHOUR does not go in a series' rule"]),
    Case("rrule-past-the-years", {"content/events/ages.md": news("title: E\nstart: 2018-11-26\nrrule: FREQ=YEARLY;COUNT=1000\nlocation: Bern\n")},
         ["content/events/ages.md:4: rrule: runs to 3017, past 2999"]),
    Case("yaml-merge-key", {"content/news/merge.md": news("title: T\ndate: 2018-11-12\n<<: {date: 2018-02-30}\n")},
         ["content/news/merge.md:4: YAML merge keys (<<) are not supported"]),
    Case("key-not-a-word", {"content/news/null.md": news("title: T\ndate: 2018-11-12\nnull: x\n")},
         ["content/news/null.md:4: null: a key must be a word"]),
    Case("site-toml-refresh-infinite", {}, ["site.toml:18: calendar.refresh_hours: expected a number of hours from a "
                                            "minute's (0.0167) to a year's (8784), got inf"],
         edits={"site.toml": ("refresh_hours = 12", "refresh_hours = inf")}),
    Case("site-toml-refresh-negative", {}, ["site.toml:18: calendar.refresh_hours: expected a number of hours from a "
                                            "minute's (0.0167) to a year's (8784), got -3 (hint: e.g. refresh_hours = 12, "
                                            "or 0.25 for a quarter of an hour)"],
         edits={"site.toml": ("refresh_hours = 12", "refresh_hours = -3")}),
    # 0.36 s: written as P0D, which asks clients to refresh without end.
    Case("site-toml-refresh-under-a-minute", {}, ["site.toml:18: calendar.refresh_hours: expected a number of hours from "
                                                  "a minute's (0.0167) to a year's (8784), got 0.0001"],
         edits={"site.toml": ("refresh_hours = 12", "refresh_hours = 0.0001")}),
    Case("site-toml-past-days-negative", {}, ["site.toml:19: calendar.past_days: expected a number of days from 0 "
                                              "to 366,000, got -7 (hint: e.g. past_days = 365)"],
         edits={"site.toml": ("refresh_hours = 12", "refresh_hours = 12\npast_days = -7")}),
    Case("site-toml-past-days-text", {}, ["site.toml:19: calendar.past_days: expected a whole number, got '365' "
                                          "(hint: past_days = 20 (unquoted))"],
         edits={"site.toml": ("refresh_hours = 12", 'refresh_hours = 12\npast_days = "365"')}),
    Case("site-toml-past-days-fraction", {}, ["site.toml:19: calendar.past_days: expected a whole number, got 0.5"],
         edits={"site.toml": ("refresh_hours = 12", "refresh_hours = 12\npast_days = 0.5")}),
    Case("site-toml-dotted-key", {}, ["site.toml:7: feeds.limit: expected a positive number, got 0"],
         edits={"site.toml": ('timezone = "Europe/Zurich"\n\n[author]\nname = "World Economic Forum"\n\n[feeds]\nlimit = 20\n',
                              'timezone = "Europe/Zurich"\nfeeds . limit = 0\n\n[author]\nname = "World Economic Forum"\n\n')}),
    Case("site-toml-invisible-title", {}, ["site.toml:2: title: shows nothing: it holds only invisible characters"],
         edits={"site.toml": ('title = "Centre for Cybersecurity Newsroom"', 'title = "\\u2060\\u200b"')}),
    Case("site-toml-pages", {}, ["site.toml:25: pages.per_page: expected a positive number, got 0 (hint: e.g. per_page = 20)",
                                 "site.toml:26: pages.front_page: expected a whole number, got '5' (hint: front_page = 20 (unquoted))",
                                 "site.toml:27: pages.per_pgae: unknown setting (hint: did you mean 'per_page'?)"],
         edits={"site.toml": ('email = "events@newsroom.example.org"\n',
                              'email = "events@newsroom.example.org"\n\n[pages]\nper_page = 0\nfront_page = "5"\nper_pgae = 3\n')}),
    # A wrong setting does not hide the content's errors: they are found against a stand-in for it.
    Case("site-toml-and-content-errors-at-once",
         {"content/events/zone.md": news("title: E\nstart: 2018-12-01T10:00\ntimezone: America/New_Yrok\nlocation: Bern\n")},
         ["site.toml:3: descripton: unknown setting",
          "content/events/zone.md:4: timezone: unknown time zone 'America/New_Yrok'"],
         edits={"site.toml": ('title = "Centre for Cybersecurity Newsroom"',
                              'title = "Centre for Cybersecurity Newsroom"\ndescripton = "x"')}),
    Case("site-toml-wrong-base-url-and-content-errors", {"content/news/empty.md": news("title:\ndate: 2018-11-12\n")},
         ["site.toml:4: base_url: expected an absolute http(s) URL", "content/news/empty.md:2: title: is empty"],
         edits={"site.toml": ('base_url = "https://newsroom.example.org/"', 'base_url = "newsroom"')}),
    Case("site-toml-wrong-zone-no-false-content-errors",  # 10:00 in New York comes after 12:00 UTC
         {"content/events/late.md": news("title: E\nstart: 2029-01-01T12:00:00+00:00\nend: 2029-01-01T10:00\nlocation: Bern\n")},
         ["site.toml:6: timezone: unknown time zone 'America/New_Yrok'"],
         edits={"site.toml": ('timezone = "Europe/Zurich"', 'timezone = "America/New_Yrok"')}, unreported=("content/events/late.md",)),
    Case("site-toml-empty-title", {}, ["site.toml:2: title: is empty"],
         edits={"site.toml": ('title = "Centre for Cybersecurity Newsroom"', 'title = " "')}),
    Case("site-toml-email-with-a-line-break", {}, ["site.toml:22: calendar.organizer.email: not an email address"],
         edits={"site.toml": ('email = "events@newsroom.example.org"', 'email = "a@b.c\\nX-INJ: 1"')}),
    Case("site-toml-email-with-mailto", {}, ["site.toml:22: calendar.organizer.email: not an email address: 'mailto:a@b.org'"],
         edits={"site.toml": ('email = "events@newsroom.example.org"', 'email = "mailto:a@b.org"')}),
    Case("site-toml-base-url-with-a-query", {}, ["site.toml:4: base_url: expected an absolute http(s) URL without "
                                                 "user:password@, ? or #"],
         edits={"site.toml": ('base_url = "https://newsroom.example.org/"', 'base_url = "https://newsroom.example.org/?q=1"')}),
    Case("site-toml-base-url-with-a-fragment", {}, ["site.toml:4: base_url: expected an absolute http(s) URL without "
                                                    "user:password@, ? or #"],
         edits={"site.toml": ('base_url = "https://newsroom.example.org/"', 'base_url = "https://newsroom.example.org/#top"')}),
    # Every link, feed and calendar would publish the password; port 0 is no port a reader can reach.
    Case("site-toml-base-url-with-a-password", {}, ["site.toml:4: base_url: expected an absolute http(s) URL without "
                                                    "user:password@, ? or #, got 'https://editor:s3cret@newsroom"],
         edits={"site.toml": ('base_url = "https://newsroom.example.org/"', 'base_url = "https://editor:s3cret@newsroom.example.org/"')}),
    Case("site-toml-base-url-port-0", {}, ["site.toml:4: base_url: expected an absolute http(s) URL"],
         edits={"site.toml": ('base_url = "https://newsroom.example.org/"', 'base_url = "https://newsroom.example.org:0/"')}),
    Case("location-without-name-or-address", {"content/events/blank.md": news("title: E\nstart: 2018-12-01\nlocation: {name: \" \"}\n")},
         ["content/events/blank.md:4: location: has neither a name nor an address"]),
    Case("lang-not-a-tag", {"content/news/lang.md": news(OK_NEWS + "lang: French language\n")},
         ["content/news/lang.md:4: lang: not a language tag: 'French language' (hint: a tag such as en, fr-CH or zh-Hant)"]),
    Case("event-url-bad-port", {"content/events/port.md": news("title: E\nstart: 2018-12-01\nlocation: Bern\nurl: https://example.org:99999/\n")},
         ["content/events/port.md:5: url: not a web address: 'https://example.org:99999/'"]),
    Case("event-url-space-in-host", {"content/events/space.md": news("title: E\nstart: 2018-12-01\nlocation: Bern\nurl: https://ex ample.org/\n")},
         ["content/events/space.md:5: url: not a web address: 'https://ex ample.org/'"]),
    Case("event-url-bad-host", {"content/events/host.md": news("title: E\nstart: 2018-12-01\nlocation: Bern\nurl: https://ex☃ample..org/\n")},
         ["content/events/host.md:5: url: not a web address: 'https://ex☃ample..org/'"]),
    Case("image-data-url", {"content/news/data.md": news(OK_NEWS + "image: data:image/png;base64,AAAA\nimage_alt: A\n")},
         ["content/news/data.md:4: image: not a web address: 'data:image/png;base64,AAAA'"]),
    Case("image-protocol-relative", {"content/news/cdn.md": news(OK_NEWS + "image: //cdn.example.org/photo.jpg\nimage_alt: A\n")},
         ["content/news/cdn.md:4: image: not a web address: '//cdn.example.org/photo.jpg'"]),
    Case("event-image-data-url", {"content/events/data.md": news("title: E\nstart: 2018-12-01\nlocation: Bern\n"
                                                                 "image: data:image/png;base64,AAAA\nimage_alt: A\n")},
         ["content/events/data.md:5: image: not a web address: 'data:image/png;base64,AAAA'"]),
    Case("slug-too-long", {"content/news/long.md": news(OK_NEWS + f"slug: {'a' * 260}\n")},
         ["content/news/long.md:4: slug: gives a slug of 260 bytes in UTF-8; the limit is 200"]),
    Case("tag-too-long", {"content/news/long-tag.md": news(OK_NEWS + f"tags: [short, {'word-' * 60}end]\n")},
         ["content/news/long-tag.md:4: tags: a tag gives a slug of 303 bytes in UTF-8; the limit is 200"]),
    Case("file-name-too-long", {"content/news/" + "東" * 75 + ".md": news(OK_NEWS)},
         ["content/news/" + "東" * 75 + ".md:1: slug: gives a slug of"]),
    # Duplicates: at the key's line (1 when derived from the file name), naming the other file
    Case("duplicate-slug-from-file-name", {"content/news/2018-11-13-forum-joins-paris-call.md": news(OK_NEWS)},
         [f"content/news/2018-11-13-forum-joins-paris-call.md:1: slug: 'news/forum-joins-paris-call' is already used by {PUBLISHED}"]),
    Case("duplicate-slug-key", {"content/news/other.md": news(OK_NEWS + "tags: [a]\nslug: Forum joins Paris call\n")},
         [f"content/news/other.md:5: slug: 'news/forum-joins-paris-call' is already used by {PUBLISHED}"]),
    Case("duplicate-id", {"content/news/same-id.md": news(OK_NEWS + f'id: "{NEWS_ID}"\n')},
         [f"content/news/same-id.md:4: id: '{NEWS_ID}' is already used by {PUBLISHED}"]),
    Case("duplicate-uid", {"content/events/same-uid.md": news(f"title: E\nstart: 2018-12-01\nlocation: Bern\nuid: {EVENT_UID}\n")},
         [f"content/events/same-uid.md:5: uid: '{EVENT_UID}' is already used by content/events/annual-gathering-2018.md"]),
    # A file with errors of its own is checked against the others too, for what it gives without a problem: one
    # run reports every error. A draft's claims count only when drafts are built; a withdrawn file has no page.
    Case("duplicates-of-a-file-with-errors", {
        "content/news/bad-date.md": news("title: T\ndate: 2018-02-30\nslug: forum-joins-paris-call\n"
                                         f'id: "{NEWS_ID}"\naliases: [/news/forum-joins-paris-call/, /old.php]\n'),
        "content/events/bad-end.md": news(f"title: E\nstart: 2018-12-01\nend: 2018-11-01\nlocation: Bern\nuid: {EVENT_UID}\n"),
        "content/news/draft.md": news("title: T\ndate: 2018-02-30\nslug: forum-joins-paris-call\ndraft: true\n"),
        "content/news/gone.md": news("title: T\ndate: 2018-02-30\nslug: forum-joins-paris-call\nwithdrawn: true\n")},
         ["content/news/bad-date.md:3: date: not a date or time: '2018-02-30'",
          f"content/news/bad-date.md:4: slug: 'news/forum-joins-paris-call' is already used by {PUBLISHED}",
          f"content/news/bad-date.md:5: id: '{NEWS_ID}' is already used by {PUBLISHED}",
          f"content/news/bad-date.md:6: aliases: /news/forum-joins-paris-call/ is the page of {PUBLISHED}",
          "content/news/bad-date.md:6: aliases: '/old.php' is not an address a page can have",
          "content/events/bad-end.md:4: end: is before start",
          f"content/events/bad-end.md:6: uid: '{EVENT_UID}' is already used by content/events/annual-gathering-2018.md"],
         unreported=("content/news/draft.md:4", "content/news/gone.md:4")),
    # Files that cannot be read
    Case("not-utf8", {"content/news/latin1.md": b"---\ntitle: Z\xfcrich\ndate: 2018-11-12\n---\n"},
         ["content/news/latin1.md:2: not UTF-8: byte 0xfc at offset 12"]),
    Case("utf16-from-notepad", {"content/news/notepad.md": news(OK_NEWS).encode("utf-16")},
         ["content/news/notepad.md:1: not UTF-8: the file is UTF-16, as its first two bytes say (hint: save the file "
          "as UTF-8 (in Notepad: Save as, Encoding: UTF-8))"]),
    Case("not-utf8-with-lines-ended-by-cr", {"content/news/mac.md": b"---\rtitle: T\rdate: 2018-11-12\r---\rZ\x9frich\r"},
         ["content/news/mac.md:5: not UTF-8: byte 0x9f at offset 35"]),
    Case("not-utf8-after-a-byte-order-mark", {"content/news/bom.md": b"\xef\xbb\xbf" + news(OK_NEWS).encode()
                                              + b"\xc9t\xe9 2018.\n"},
         ["content/news/bom.md:6: not UTF-8: byte 0xc9 at offset 43"]),
    Case("control-character", {"content/news/nul.md": news(OK_NEWS, "Line one.\nA \x00 here.\n")},
         ["content/news/nul.md:6: control character U+0000 at line 6, column 3"]),
    Case("noncharacter", {"content/news/nonchar.md": news(OK_NEWS, "Line one.\nA \U0001FFFE here.\n")},
         ["content/news/nonchar.md:6: noncharacter U+1FFFE at line 6, column 3"]),
    Case("empty-file", {"content/news/empty.md": ""}, ["content/news/empty.md:1: the file is empty"]),
    Case("blank-file", {"content/news/blank.md": "\n \n"}, ["content/news/blank.md:1: the file is empty"]),
    Case("empty-front-matter", {"content/news/bare.md": "---\n---\nJust a body.\n"},
         ["content/news/bare.md:1: the front matter is empty"]),
    Case("toml-front-matter", {"content/news/toml.md": '+++\ntitle = "T"\ndate = 2018-11-12\ntags = ["a", "b"]\n+++\nBody.\n'},
         ["content/news/toml.md:1: the front matter is TOML, between '+++' lines as Hugo writes it; feeds reads YAML "
          "between '---' lines (hint: write it as YAML between '---' lines: title = \"Paris Call\" becomes title: "
          "Paris Call, and tags = [\"a\", \"b\"] becomes tags: [a, b])"]),
    Case("no-front-matter", {"content/news/no-front.md": "Just text\n"}, ["content/news/no-front.md:1: no front matter"]),
    Case("unclosed-front-matter", {"content/news/open.md": "---\ntitle: T\n"},
         ["content/news/open.md:1: the front matter is not closed"]),
    Case("control-character-reference", {"content/news/ref.md": news(OK_NEWS, "Press the key labelled &#1; now.\n")},
         ["content/news/ref.md:5: body: a character reference gives U+0001, a control character"]),
    Case("c1-control-reference", {"content/news/c1.md": news(OK_NEWS, "A &#x80; here.\n")},
         ["content/news/c1.md:5: body: a character reference gives U+0080, a control character"]),
    Case("noncharacter-reference", {"content/news/nonchar-reference.md": news(OK_NEWS, "A &#xFDEF; here.\n")},
         ["content/news/nonchar-reference.md:5: body: a character reference gives U+FDEF, a noncharacter"]),
    Case("too-large", {"content/news/huge.md": news(OK_NEWS, "word " * 250_000)},
         ["content/news/huge.md:1: too large: 1,250,034 bytes; the limit is 1,048,576"]),
    Case("too-deep-html", {"content/news/nested.md": news(OK_NEWS, "<div>" * 200_000)},
         ["content/news/nested.md:5: body: the body nests 200000 levels deep; the limit is 256"]),
    Case("too-deep-quotes", {"content/news/quotes.md": news(OK_NEWS, ">" * 300 + " deep\n")},
         ["content/news/quotes.md:5: body: the body nests 300 levels deep"]),
    Case("link-outside-site", {"content/news/linked.md": Outside(news(OK_NEWS))},
         ["content/news/linked.md:1: is a link (or inside a linked folder) leading outside the site directory"]),
    Case("folder-link-outside-site", {"content/news/partner/x.md": Outside(news(OK_NEWS), folder=True)},
         ["content/news/partner/x.md:1: is a link (or inside a linked folder) leading outside the site directory"]),
    Case("static-link-outside-site", {"templates/static/secret.txt": Outside("not for the web\n")},
         ["templates/static/secret.txt: is a link leading outside the templates folder"]),
    # static/ a link to a folder, which a walk of the templates folder does not follow: its files are still refused
    Case("static-folder-link-outside-site", {"templates/static/secret.txt": Outside("not for the web\n", folder=True)},
         ["templates/static/secret.txt: is a link leading outside the templates folder"]),
    Case("content-name-with-a-terminal-escape", {"content/news/a\x1b[2Jb.md": news(OK_NEWS)},
         ["content/news/a\\x1b[2Jb.md:1: the file's name holds a control character (hint: rename it"]),
    # A static file's name is its URL, and a line of _headers: a line break there would add header lines.
    Case("static-names-a-url-cannot-hold", {"templates/static/press\nX-Injected: 1.json": "{}\n",
                                            "templates/static/Gen\udce8ve.json": "{}\n"},
         ["templates/static/Gen\\xe8ve.json: the file's name is not UTF-8",
          "templates/static/press\\nX-Injected: 1.json: the file's name holds a control character"]),
    # A backslash in a URL is a / to browsers: the file would be asked for in a folder it is not in
    Case("published-names-with-a-backslash", {"templates/static/a\\b.json": "{}\n", "root/press\\kit.txt": "x\n"},
         ["templates/static/a\\b.json: the file's name holds a backslash, which browsers read as a folder's / (hint: "
          "rename it: its name is its URL)",
          "root/press\\kit.txt: the file's name holds a backslash"]),
    # Each part of an old address names a folder or file of the output, which file systems cap at 255 bytes
    Case("alias-part-longer-than-a-name", {"content/news/long-alias.md": news(OK_NEWS + f"aliases: [/{'a' * 300}/]\n")},
         [f"content/news/long-alias.md:4: aliases: '/{'a' * 300}/' has a part of 300 bytes in UTF-8, longer than a file's "
          "name may be; the limit is 200 (hint: redirect it on the web server"]),
    # aliases: an item's old addresses, each a page of the site that leads to the item's
    Case("aliases-no-page-can-have", {"content/news/moved.md": news(
        OK_NEWS + "aliases: [posts/moved/, /x.php, /news/page/, /Feeds/x/, /a?b=1, /, /a/../b/, /a%0Ab/, "
                  "/news/old.html]\n")},
         ["content/news/moved.md:4: aliases: 'posts/moved/' is not written from the site's root (hint: begin it with /, "
          "as /2018/11/12/forum-joins-paris-call.html or /news/old-slug/)",
          "content/news/moved.md:4: aliases: '/x.php' is not an address a page can have: only one ending in / or .html "
          "can be (hint: redirect it on the web server (on Netlify or Cloudflare Pages, a line of root/_redirects))",
          "content/news/moved.md:4: aliases: '/news/page/' is where the build writes its own files (hint: an old "
          "address may be an item's page by its old slug, /news/<slug>/ or /events/<slug>/, or any address outside "
          "/archive/, /events/, /feeds/, /news/, /sitemaps/, /static/, /tags/)",
          "content/news/moved.md:4: aliases: '/Feeds/x/' is where the build writes its own files",
          "content/news/moved.md:4: aliases: '/a?b=1' has a query or a fragment, which no page of the site can answer to",
          "content/news/moved.md:4: aliases: '/' is the front page",
          "content/news/moved.md:4: aliases: '/a/../b/' is no page's address",
          "content/news/moved.md:4: aliases: '/a%0Ab/' is no page's address: the page's name holds a control character",
          "content/news/moved.md:4: aliases: '/news/old.html' is where the build writes its own files"]),
    # Under a path, from the site's root: one written from the host's root would be at /newsroom/newsroom/...
    Case("aliases-from-the-hosts-root-under-a-path", {"content/news/moved.md": news(
        OK_NEWS + "aliases: [/newsroom/2018/moved.html, /2018/kept.html]\n")},
         ["content/news/moved.md:4: aliases: '/newsroom/2018/moved.html' begins with the site's own path, /newsroom/: "
          "an old address is written from the site's root (hint: write it without it, as /2018/moved.html)"],
         unreported=("content/news/moved.md:4: aliases: '/2018/kept.html'",),
         edits={"site.toml": ('base_url = "https://newsroom.example.org/"',
                              'base_url = "https://newsroom.example.org/newsroom/"')}),
    # In a list of one address a line, each is reported at its own
    Case("aliases-a-line-each", {"content/news/listed-apart.md": news(OK_NEWS + "aliases:\n  - /kept/\n  - /x.php\n"
                                                                                "  - /a/../b/\n"),
                                 "content/news/taken-apart.md": news(OK_NEWS + "aliases:\n  - /fine/\n"
                                                                               "  - /news/forum-joins-paris-call\n")},
         ["content/news/listed-apart.md:6: aliases: '/x.php' is not an address a page can have",
          "content/news/listed-apart.md:7: aliases: '/a/../b/' is no page's address",
          "content/news/taken-apart.md:6: aliases: /news/forum-joins-paris-call/ is the page of "]),
    Case("aliases-not-a-list", {"content/news/listed.md": news(OK_NEWS + "aliases: {old: /posts/moved/}\n")},
         ["content/news/listed.md:4: aliases: expected a list of the item's old addresses, got a mapping (hint: e.g. "
          "aliases: [/2018/11/12/forum-joins-paris-call.html])"]),
    # Two pages at one address: another item's page or old address, or a file of root/
    Case("aliases-taken", {"content/news/a.md": news(OK_NEWS + "aliases: [/old/, /news/forum-joins-paris-call/]\n"),
                           "content/news/b.md": news(OK_NEWS + "aliases: [/old/index.html, /kit/, /news/b/, /x.html/, /y.html/z/]\n"),
                           "content/news/c.md": news(OK_NEWS + "aliases: [/y.html, /X.HTML, /Old/]\n"),
                           "root/kit/index.html": "<p>Press kit</p>\n", "root/x.html": "<p>x</p>\n"},
         ["content/news/a.md:4: aliases: /news/forum-joins-paris-call/ is the page of "
          "content/news/2018-11-12-forum-joins-paris-call.md (hint: leave it out: an old address is one the item no "
          "longer has)",
          "content/news/b.md:4: aliases: /old/ is already an old address of content/news/a.md (hint: keep it in one "
          "of them)",
          "content/news/b.md:4: aliases: /kit/ is where root/ has a file or folder (hint: leave one of them out)",
          "content/news/b.md:4: aliases: /x.html/ is where root/ has a file or folder",
          "content/news/b.md:4: aliases: /news/b/ is its own page",
          "content/news/c.md:4: aliases: /y.html is a folder of another old address (hint: leave one of them out)",
          "content/news/c.md:4: aliases: /X.HTML is where root/ has a file or folder",  # in any case
          "content/news/c.md:4: aliases: /Old/ is already an old address of content/news/a.md"],
         unreported=("content/news/a.md:4: aliases: /old/",)),
    # root/: published at the output's root, where the build's own files may not be replaced
    Case("root-files-where-the-build-writes", {"root/index.html": "<p>mine</p>\n", "root/Robots.txt": "User-agent: *\n",
                                               "root/_headers": "/*\n  X-Frame-Options: DENY\n",
                                               "root/feeds/atom.xml": "<feed/>\n", "root/news/old.html": "moved\n",
                                               "root/static/logo.png": "png\n", "root/CNAME": "ok.example.org\n"},
         ["root/_headers:1: is where the build writes _headers, the content types and cache rules that static hosts "
          "read (hint: remove the file, or give it a path of its own in root/)",
          "root/Robots.txt:1: is where the build writes robots.txt, letting crawlers read every page and naming the "
          "sitemap (hint: name it robots.txt, in lower case, to publish it in place of the build's)",
          "root/feeds/atom.xml:1: is in feeds/, where the build writes the feeds, the calendar and the page listing them",
          "root/index.html:1: is where the build writes the front page (hint: to change the front page, give the site "
          "its own templates/index.html)",
          "root/news/old.html:1: is in news/, where the build writes the news pages",
          "root/static/logo.png:1: is in static/, where the build writes the files of templates/static/ (hint: put the "
          "file under templates/static/, which is published at static/)"],
         unreported=("root/CNAME",)),
    Case("root-names-a-url-cannot-hold", {"root/press\nX-Injected: 1.txt": "x\n", "root/Gen\udce8ve.txt": "x\n"},
         ["root/Gen\\xe8ve.txt: the file's name is not UTF-8 (hint: rename it: its name is its URL)",
          "root/press\\nX-Injected: 1.txt: the file's name holds a control character"]),
    Case("root-link-outside", {"root/secret.txt": Outside("not for the web\n")},
         ["root/secret.txt: is a link leading outside root/ (hint: copy the file into root/ instead of linking to it)"]),
    Case("root-not-a-folder", {"root": "CNAME: newsroom.example.org\n"},
         ["root: is not a folder (hint: make root/ a folder of the files to publish at the site's root"]),
    # site.toml
    Case("site-toml-value", {}, ["site.toml:6: timezone: unknown time zone 'Mars/Olympus'"],
         edits={"site.toml": ('timezone = "Europe/Zurich"', 'timezone = "Mars/Olympus"')}),
    Case("site-toml-not-utf8-after-a-byte-order-mark", {"site.toml": b'\xef\xbb\xbf# A newsroom\ntitle = "Z\xfcrich"\n'
                                                                  b'base_url = "https://newsroom.example.org/"\n'},
         ["site.toml:2: not UTF-8: byte 0xfc at offset 26"]),
    Case("site-toml-syntax", {}, ["site.toml:12: TOML syntax"], edits={"site.toml": ("limit = 20", "limit = = 20")}),
    # A key or a table given twice: named, with the line of the first, as in front matter (tomllib names neither)
    Case("site-toml-key-given-twice", {}, ["site.toml:14: feeds.limit: given twice (first on line 12) (hint: keep one "
                                           "of them)"],
         edits={"site.toml": ("include_events = true", "include_events = true\nlimit = 30")}),
    Case("ui-strings-key-given-twice", {"templates/strings/en.toml": 'by = "By {author}"\n[dates]\nby = "x"\n'
                                                                       '[other]\n[dates]\n'},
         ["templates/strings/en.toml:5: dates: given twice (first on line 2)"]),
    # tomllib says "Illegal character '\n'" at the line's end, or "Unterminated string" at the document's
    Case("site-toml-quote-left-open", {}, ['site.toml:2: TOML syntax: the quote that begins the text on this line is '
                                           'not closed (hint: end the text with the same quote mark on the same line'],
         edits={"site.toml": ('Cybersecurity Newsroom"', "Cybersecurity Newsroom")}),
    Case("ui-strings-quote-left-open", {"templates/strings/en.toml": "latest_news = 'News\nby = \"By {author}\"\n"},
         ["templates/strings/en.toml:1: TOML syntax: the quote that begins the text on this line is not closed"]),
    # Left open on the last line, after a list of closed texts on one line: at the line left open
    Case("ui-strings-quote-left-open-last", {"templates/strings/en.toml": 'by = "By {author}"\nnav_label = ["a", "b"]\n'
                                                                          'latest_news = "News'},
         ["templates/strings/en.toml:3: TOML syntax: the quote that begins the text on this line is not closed"]),
    Case("site-toml-number-too-long", {}, ["site.toml:12: feeds.limit: a number of more than 4,300 digits (hint: write "
                                           "a smaller one)"], edits={"site.toml": ("limit = 20", "limit = " + "9" * 5000)}),
    Case("site-toml-number-too-long-in-a-list", {}, ["site.toml:14: feeds.limit: a number of more than 4,300 digits"],
         edits={"site.toml": ("limit = 20", "limit = [\n  1,\n  " + "9" * 5000 + ",\n]")}),
    Case("site-toml-hexadecimal-too-long-in-a-list", {}, ["site.toml:12: feeds.limit: a number of more than 4,300 digits"],
         edits={"site.toml": ("limit = 20", "limit = [0x" + "f" * 4000 + "]")}),
    Case("site-toml-nested-too-deep", {}, ["site.toml: TOML syntax: nested too deeply to be read"],
         edits={"site.toml": ("limit = 20", "limit = 20\nicon = " + "[" * 5000 + "]" * 5000)}),
    Case("site-toml-unknown", {}, ["site.toml:12: feeds.limt: unknown setting (hint: did you mean 'limit'?)"],
         edits={"site.toml": ("limit = 20", "limt = 20")}),
    Case("site-toml-type", {}, ["site.toml:13: feeds.include_events: expected true or false, got 'yes'"],
         edits={"site.toml": ("include_events = true", 'include_events = "yes"')}),
    Case("site-toml-hub-without-scheme", {}, ["site.toml:14: feeds.hub: not a web address: 'pubsubhubbub.appspot.com'"],
         edits={"site.toml": ("include_events = true", 'include_events = true\nhub = "pubsubhubbub.appspot.com"')}),
    Case("site-toml-logo-script", {}, ["site.toml:14: feeds.logo: not a web address: 'javascript:void(0)'"],
         edits={"site.toml": ("include_events = true", 'include_events = true\nlogo = "javascript:void(0)"')}),
    Case("site-toml-control-character", {}, ["site.toml:2: title: contains the control character U+000B"],
         edits={"site.toml": ('title = "Centre for Cybersecurity Newsroom"', 'title = "Centre\\u000BNewsroom"')}),
    Case("site-toml-color-hex", {}, ["site.toml:19: calendar.color: not a CSS3 colour name: '#4682B4' (hint: this one is named 'steelblue')"],
         edits={"site.toml": ("refresh_hours = 12", 'refresh_hours = 12\ncolor = "#4682B4"')}),
    Case("site-toml-color-unknown", {}, ["site.toml:19: calendar.color: not a CSS3 colour name: 'brand-blue'"],
         edits={"site.toml": ("refresh_hours = 12", 'refresh_hours = 12\ncolor = "brand-blue"')}),
    Case("site-toml-organizer-without-email", {}, ["site.toml:20: calendar.organizer.email: missing; it is required"],
         edits={"site.toml": ('email = "events@newsroom.example.org"', "")}),
    Case("site-toml-language-type", {}, ["site.toml:5: language: expected text, got 5"],
         edits={"site.toml": ('language = "en"', "language = 5")}),
    # What was found, as TOML writes it
    Case("site-toml-date-as-text", {}, ["site.toml:2: title: expected text, got the date 2018-11-12"],
         edits={"site.toml": ('title = "Centre for Cybersecurity Newsroom"', "title = 2018-11-12")}),
    Case("site-toml-true-as-number", {}, ["site.toml:12: feeds.limit: expected a whole number, got true"],
         edits={"site.toml": ("limit = 20", "limit = true")}),
    Case("site-toml-array-of-tables", {}, ["site.toml:11: feeds: expected a table (hint: write it as a [feeds] section)"],
         edits={"site.toml": ("[feeds]", "[[feeds]]")}),
    Case("site-toml-list-as-flag", {}, ["site.toml:13: feeds.include_events: expected true or false, got a list"],
         edits={"site.toml": ("include_events = true", "include_events = []")}),
    Case("template-not-utf8", {"templates/news.html": b'\xef\xbb\xbf{% extends "base.html" %}\n{% block main %}\nZ\xfcrich\n{% endblock %}\n'},
         ["templates/news.html:3: not UTF-8: byte 0xfc at offset 47 (hint: save the file as UTF-8)"]),
    # UI strings
    Case("ui-strings-not-utf8", {"templates/strings/fr.toml": b'latest_news = "Derni\xe8res"\n'},
         ["templates/strings/fr.toml:1: not UTF-8: byte 0xe8 at offset 20 (hint: save the file as UTF-8)"],
         edits={"site.toml": ('language = "en"', 'language = "fr"')}),
    Case("ui-strings-utf16", {"templates/strings/en.toml": 'latest_news = "News"\n'.encode("utf-16")},
         ["templates/strings/en.toml:1: not UTF-8: the file is UTF-16, as its first two bytes say (hint: save the "
          "file as UTF-8"]),
    Case("ui-strings-syntax", {"templates/strings/en.toml": 'latest_news = "News"\nby = "By" {author}\n'},
         ['templates/strings/en.toml:2: TOML syntax: Expected newline or end of document after a statement '
          '(hint: write key = "text", one to a line, quoting the text)']),
    Case("ui-strings-number-too-long", {"templates/strings/en.toml": 'latest_news = "News"\nby = ' + "9" * 5000 + "\n"},
         ["templates/strings/en.toml:2: by: a number of more than 4,300 digits"]),
    Case("ui-strings-number-too-long-in-a-table", {"templates/strings/en.toml": 'latest_news = "News"\nby = { a = '
                                                   + "9" * 5000 + " }\n"},
         ["templates/strings/en.toml:2: by: a number of more than 4,300 digits"]),
    Case("ui-strings-kind", {"templates/strings/en.toml": 'months = ["Jan", "Feb"]\nby = 3\n'},
         ['templates/strings/en.toml:1: months: expected a list of 12, like the English (hint: months = ["...", ...] '
          "with 12 texts, in the order of strings/en.toml (January first))",
          'templates/strings/en.toml:2: by: expected text, like the English (hint: by = "..." (quoted), as in '
          "strings/en.toml)"]),
    Case("ui-strings-control-character",
         {"templates/strings/en.toml": 'when = "W\\u0007hen"\nmonths = ["Jan\\u0085", "Feb", "Mar", "Apr", "May", "Jun", "Jul", '
                                       '"Aug", "Sep", "Oct", "Nov", "Dec"]\n'},
         ["templates/strings/en.toml:1: when: contains the control character U+0007 (hint: remove it; feeds, pages and "
          "calendars cannot carry it)",
          "templates/strings/en.toml:2: months: contains the control character U+0085"]),
    # Templates
    Case("template-syntax", {"templates/news.html": '{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n'},
         ["templates/news.html:3: template syntax:"]),
    Case("template-runtime", {"templates/news.html": '{% extends "base.html" %}\n{% block main %}\n<h1>{{ item.headline }}</h1>\n{% endblock %}\n'},
         ["templates/news.html:3: template error:"]),
    # base.html extending the news page, which extends base.html: the site's own file is named.
    Case("template-extends-in-a-loop", {"templates/base.html": '{% extends "news.html" %}\n'},
         ["templates/base.html:1: template error: endless recursion: templates extend or include each other, or a macro "
          "calls itself (hint: a template must not lead back to itself through {% extends %} or {% include %}, nor a "
          "macro call itself for ever)"]),
    Case("template-macro-calls-itself", {"templates/news.html": '{% extends "base.html" %}\n{% macro again() %}{{ again() }}'
                                                                '{% endmacro %}\n{% block main %}{{ again() }}{% endblock %}\n'},
         ["templates/news.html:2: template error: endless recursion"]),
    Case("template-missing-include", {"templates/news.html": '{% extends "base.html" %}\n{% block main %}\n\n{% include "byline.html" %}\n{% endblock %}\n'},
         ["templates/news.html:4: template not found: byline.html"]),
    # A hidden file is let be, as an editor's would be: changing it would change no digest, and the
    # cache would keep the pages made with it before.
    Case("template-include-of-a-hidden-file",
         {"templates/news.html": '{% extends "base.html" %}\n{% block main %}\n{% include ".byline.html" %}\n{% endblock %}\n',
          "templates/.byline.html": "<p>By the desk</p>\n"},
         ["templates/news.html:3: template not found: .byline.html (hint: a template named with a leading '.' or "
          "'#', or a trailing '~', is taken for an editor's file and left out: rename it)"]),
]

# Legal but likely a mistake: warnings, which --strict turns into failures.
WARNINGS = [
    Case("unknown-key", {"content/news/typo.md": news(OK_NEWS + "sumary: S\n")},
         ["content/news/typo.md:4: warning: sumary: unknown key; it is ignored (hint: did you mean 'summary'?)"]),
    Case("jekyll-and-hugo-keys", {"content/news/moved.md": news(
        OK_NEWS + "layout: post\nexcerpt: E\ndescription: D\nlastmod: 2018-11-13\nlast_modified_at: 2018-11-13\n"
                  "categories: news cyber\npermalink: /2018/11/12/moved.html\nredirect_from: [/posts/moved/]\n")},
         ["content/news/moved.md:4: warning: layout: unknown key; it is ignored (hint: leave it out: an item's kind "
          "picks its template, templates/news.html or templates/event.html)",
          "content/news/moved.md:5: warning: excerpt: unknown key; it is ignored (hint: Jekyll's excerpt is summary "
          "here: rename the key)",
          "content/news/moved.md:6: warning: description: unknown key; it is ignored (hint: a description is the "
          "summary here: rename the key)",
          "content/news/moved.md:7: warning: lastmod: unknown key; it is ignored (hint: Hugo's lastmod is updated "
          "here: rename the key)",
          "content/news/moved.md:8: warning: last_modified_at: unknown key; it is ignored (hint: Jekyll's "
          "last_modified_at is updated here: rename the key)",
          "content/news/moved.md:9: warning: categories: unknown key; it is ignored (hint: feeds files items under "
          "tags alone: add them to tags: [...])",
          "content/news/moved.md:10: warning: permalink: unknown key; it is ignored (hint: an item's page is "
          "news/<slug>/ or events/<slug>/: slug: names it; aliases: [...] lists old addresses that lead to it)",
          "content/news/moved.md:11: warning: redirect_from: unknown key; it is ignored (hint: Jekyll's redirect_from "
          "is aliases here: rename the key)"]),
    Case("jekyll-published-true", {"content/news/out.md": news(OK_NEWS + "published: true\n")},
         ["content/news/out.md:4: warning: published: unknown key; it is ignored (hint: every item not a draft is "
          "published here: leave it out)"]),
    Case("long-summary", {"content/news/long.md": news(OK_NEWS + f"summary: {'word ' * 70}\n"),
                          "content/news/at-the-limit.md": news(OK_NEWS + f"summary: {'x' * 300}\n")},
         ["content/news/long.md:4: warning: summary: is 349 characters; readers show about 300"],
         unreported=("content/news/at-the-limit.md:",)),  # "over 300 characters": 300 itself is fine
    Case("image-without-alt", {"content/news/picture.md": news(OK_NEWS + "image: picture.jpg\n")},
         ["content/news/picture.md:4: warning: image: has no image_alt"]),
    # A published item's page moved (its slug changed): the page its id names, where links lead, is gone
    Case("page-moved-since-published", {},
         ["content/news/2018-11-12-forum-joins-paris-call.md:9: warning: slug: the item's page has moved since it was "
          "published, from news/forum-joins-paris-call/ to news/paris-call-joined/: links to the old address lead "
          "nowhere (hint: add aliases: [/news/forum-joins-paris-call/] to send readers on from it, or set slug: back "
          "to keep the page where it was)"],
         unreported=("content/events/annual-gathering-2018.md:1:",),  # the event's id names its page still
         edits={"content/news/2018-11-12-forum-joins-paris-call.md": ("\ntags:", "\nslug: paris-call-joined\ntags:")}),
    Case("image-alt-without-image", {"content/news/alone.md": news(OK_NEWS + "image_alt: The signing\n")},
         ["content/news/alone.md:4: warning: image_alt: describes no picture: the item has no image (hint: add "
          "image: the picture it describes, or leave image_alt out)"]),
    Case("image-not-in-the-site", {"content/news/missing.md": news(OK_NEWS + "image: static/nowhere.png\nimage_alt: A\n")},
         ["content/news/missing.md:4: warning: image: static/nowhere.png is not a file of the site"]),
    Case("event-image-without-alt-nor-file", {"content/events/poster.md": news("title: E\ndate: 2018-11-12\nstart: 2018-12-01\n"
                                                                           "location: Bern\nimage: static/nowhere.png\n")},
         ["content/events/poster.md:6: warning: image: has no image_alt",
          "content/events/poster.md:6: warning: image: static/nowhere.png is not a file of the site"],
         unreported=("content/events/poster.md:6: warning: image: unknown key",)),
    # A feed's icon or logo, or the calendar's image, that the site lacks: every reader shows it broken.
    Case("setting-images-not-in-the-site", {},
         ["site.toml:15: warning: feeds.logo: https://newsroom.example.org/static/logo.png is not a file of the "
          "site; feed readers and calendar apps would show a broken image (hint: put the file under templates/static/",
          "site.toml:18: warning: calendar.image: static/calendar.png is not a file of the site"],
         unreported=("site.toml:14",),  # the icon, a file the site has
         edits={"site.toml": ("include_events = true\n\n[calendar]",
                              'include_events = true\nicon = "static/favicon.svg"\n'
                              'logo = "https://newsroom.example.org/static/logo.png"\n\n[calendar]\n'
                              'image = "static/calendar.png"')}),
    Case("image-by-the-sites-address-not-in-the-site",  # the site's own address names a file of the site too
         {"content/news/missing.md": news(OK_NEWS + "image: https://newsroom.example.org/static/nowhere.png\nimage_alt: A\n"),
          "content/news/found.md": news(OK_NEWS + "image: https://newsroom.example.org/static/favicon.svg\nimage_alt: A\n")},
         ["content/news/missing.md:4: warning: image: https://newsroom.example.org/static/nowhere.png is not a file "
          "of the site"]),
    Case("body-image-without-alt", {"content/news/inline.md": news(OK_NEWS, "Text.\n\n![](a.jpg)\n\n<img src=b.jpg>\n")},
         ["content/news/inline.md:7: warning: body: an image has no alt text",
          "content/news/inline.md:9: warning: body: an image has no alt text"]),
    # The page's title is its h1: a body's headings go under it, a level at a time (a # in code is no heading).
    Case("body-headings-out-of-order",
         {"content/news/outline.md": news(OK_NEWS, "Intro.\n\n# Title again\n\n```sh\n# a comment\n```\n\n"
                                                   "### Skipped\n\n## Fine\n\n#### Also skipped\n"),
          "content/news/good.md": news(OK_NEWS, "Intro.\n\n## Part\n\n### Detail\n\nTwo\n---\n")},
         ["content/news/outline.md:7: warning: body: a heading of level 1 (#) in the body stands beside the page's "
          "title, not under it (hint: the page's title is its heading of level 1 (#): begin the body's headings at ## "
          "and go down one level at a time (## then ###))",
          "content/news/outline.md:13: warning: body: a heading of level 3 follows one of level 1, skipping a level",
          "content/news/outline.md:17: warning: body: a heading of level 4 follows one of level 2, skipping a level"],
         unreported=("content/news/good.md:",)),
    Case("body-headings-out-of-order-alone",
         {"content/news/title-again.md": news(OK_NEWS, "Intro.\n\n# Title again\n"),
          "content/news/one-skip.md": news(OK_NEWS, "## Part\n\n#### Detail\n"),
          "content/news/two-skips.md": news(OK_NEWS, "## Part\n\n##### Detail\n")},
         ["content/news/title-again.md:7: warning: body: a heading of level 1 (#) in the body stands beside the page's "
          "title, not under it",
          "content/news/one-skip.md:7: warning: body: a heading of level 4 follows one of level 2, skipping a level (hint:",
          "content/news/two-skips.md:7: warning: body: a heading of level 5 follows one of level 2, skipping 2 levels "
          "(hint:"]),
    Case("event-without-location", {"content/events/nowhere.md": news("title: E\nstart: 2018-12-01\n")},
         ["content/events/nowhere.md:1: warning: location: the event has no location"]),
    # No end: RFC 5545 makes the event end as it starts, and calendars show a moment with no length
    Case("timed-event-without-end", {"content/events/briefing.md": news("title: E\nstart: 2018-11-26T10:00\nlocation: Bern\n")},
         ["content/events/briefing.md:3: warning: start: the event has a start time but no end: calendars show it as "
          "a moment with no length (hint: add end: with the time it ends, such as end: 2018-11-26T11:00)"]),
    Case("past-tentative", {"content/events/maybe.md": news("title: E\nstart: 2018-11-01\nlocation: Bern\nstatus: tentative\n")},
         ["content/events/maybe.md:5: warning: status: the event is over but still tentative"]),
    # updated: 10:00 meant in Zurich, written without its offset, is read in the event's New York: 16:00 in Zurich
    Case("updated-still-to-come", {"content/events/moved.md": news(
        "title: E\ndate: 2018-11-19T09:00:00+01:00\nupdated: 2018-11-20T10:00\nstart: 2018-12-01T10:00\n"
        "end: 2018-12-01T12:00\ntimezone: America/New_York\nlocation: Bern\n")},
         ["content/events/moved.md:4: warning: updated: is still to come at this build (2018-11-20T10:00:00-05:00): "
          "feeds and calendars would date the change in the future (hint: give when the item last changed, with its "
          "offset, as updated: 2018-11-20T12:00+01:00 would be this moment; a time without one is in the event's time "
          "zone, America/New_York)"]),
    Case("event-dated-by-its-start", {"content/events/soon.md": news("title: E\nlocation: Bern\nstart: 2018-12-01\n")},
         [("content/events/soon.md:4: warning: date: is not given, so the event is dated by its start (or an earlier "
           "updated:), 2018-12-01")]),
    Case("link-to-no-page", {"content/news/linking.md": news(OK_NEWS, "See [this](../renamed/), [that](/news/forum-joins-paris-call/), [the meeting](../../events/%61nnual-gathering-2018/event.ics)"
                                                                  " and [the archive](../../archive/).\n\n"
                                                                  "[All news](../index.html) and [every event](../../events/index.html)\n")},
         ["content/news/linking.md:5: warning: body: links to news/renamed/, which is no page of the site"],
         unreported=("content/news/linking.md:5: warning: body: links to news/page/", "content/news/linking.md:7:")),
    # A list's later pages, one item a page: news/ has 2 (the example's and this), the archive 3, Paris Call's 1
    Case("link-to-a-list-page-past-the-last", {"content/news/linking.md": news(OK_NEWS, "[Older](../page/2/), [the archive's "
                                                                                       "second](../../archive/page/2/index.html),\n"
                                                                                       "[its first](../page/1/) and [the call's third](../../tags/paris-call/page/3/)\n")},
         ["content/news/linking.md:6: warning: body: links to news/page/1/, which is no page of the site: news/ has 2 pages "
          "(hint: link to the list's first page, news/: which items a later page shows changes as items are added)",
          "content/news/linking.md:6: warning: body: links to tags/paris-call/page/3/, which is no page of the site: "
          "tags/paris-call/ has 1 page"],
         unreported=("content/news/linking.md:5:",),
         edits={"site.toml": ("[feeds]", "[pages]\nper_page = 1\n\n[feeds]")}),
    # A slug mistyped or cut short: the hint names the page meant; one like no page gets the general hint
    Case("link-to-a-page-nearly-named", {"content/news/near.md": news(OK_NEWS, "[The gathering](../../events/annual-gathering2018/), "
                                                                      "[the call](../forum-joins/) and [gone](../zzz/).\n")},
         ["content/news/near.md:5: warning: body: links to events/annual-gathering2018/, which is no page of the site "
          "(hint: did you mean events/annual-gathering-2018/? If not, link to the item's page as it is now",
          "content/news/near.md:5: warning: body: links to news/forum-joins/, which is no page of the site "
          "(hint: did you mean news/forum-joins-paris-call/? If not, link",
          "content/news/near.md:5: warning: body: links to news/zzz/, which is no page of the site "
          "(hint: link to the item's page as it is now"]),
    # A slug of fewer than three characters: cut short (news/ai/ for news/ai-week/) or mistyped (news/e/ for news/eu/)
    Case("link-to-a-page-nearly-named-by-a-short-slug",
         {"content/news/ai-week.md": news(OK_NEWS), "content/news/eu.md": news(OK_NEWS),
          "content/news/near.md": news(OK_NEWS, "[The week](../ai/), [the EU](../e/) and [gone](../zz/).\n")},
         ["content/news/near.md:5: warning: body: links to news/ai/, which is no page of the site "
          "(hint: did you mean news/ai-week/? If not, link",
          "content/news/near.md:5: warning: body: links to news/e/, which is no page of the site "
          "(hint: did you mean news/eu/? If not, link",
          "content/news/near.md:5: warning: body: links to news/zz/, which is no page of the site "
          "(hint: link to the item's page as it is now"]),
    # A tag's page or feed that no item's tag gives: a tag's slug mistyped, or a tag no item has any more
    Case("link-to-no-tag", {"content/news/tagging.md": news(OK_NEWS + "tags: [Own]\n",
                                                            "See [the call](../../tags/paris-call/), [ours](../../tags/own/), "
                                                            "[all](../../tags/) ([its file](../../tags/index.html)) and [its feed](../../feeds/tags/paris-call/atom.xml).\n\n"
                                                            "[Mistyped](../../tags/pariscall/)\n\n"
                                                            "[Its feed](../../feeds/tags/pariscall/rss.xml)\n")},
         ["content/news/tagging.md:8: warning: body: links to tags/pariscall/, which the site does not have: no item "
          "has a tag whose slug is pariscall (hint: link to a tag an item has; tags/ lists them)",
          "content/news/tagging.md:10: warning: body: leads to feeds/tags/pariscall/rss.xml, which the site does not "
          "have: no item has a tag whose slug is pariscall"],
         unreported=("content/news/tagging.md:6:",)),
    # A tag's calendar is there only for a tag that events have: Paris Call is a news item's alone
    Case("link-to-no-tag-calendar", {"content/news/dates.md": news(OK_NEWS, "[The gatherings](../../feeds/tags/"
                                                                       "cybersecurity/events.ics)\n\n[The call's dates]"
                                                                       "(../../feeds/tags/paris-call/events.ics)\n\n"
                                                                       "[Mistyped](../../feeds/tags/cyber/events.ics)\n")},
         ["content/news/dates.md:7: warning: body: leads to feeds/tags/paris-call/events.ics, which the site does not "
          "have: no event has a tag whose slug is paris-call (hint: link to the calendar of a tag an event has; the "
          "tag's page links it)",
          "content/news/dates.md:9: warning: body: leads to feeds/tags/cyber/events.ics, which the site does not have: "
          "no event has a tag whose slug is cyber"],
         unreported=("content/news/dates.md:5:",)),
    # A site published under a path: /news/x/ from the host's root is outside it, at another site's address
    # (the logo's address, written twice, is reported at each line).
    Case("link-from-the-hosts-root-under-a-path",
         {"content/news/linking.md": news(OK_NEWS, "See [the call](/news/forum-joins-paris-call/).\n\n![A logo]"
                                                   "(/static/favicon.svg), [it again](/newsroom/news/forum-joins-paris-call/)"
                                                   ", [the host's page](/about/) and [its news](/news/2018/call/).\n"
                                                   "\n[The gathering](/events/annual-gathering-2018/)\n"
                                                   "\n[Elsewhere](//other.example/news/forum-joins-paris-call/)\n"
                                                   "\n[Asked](/news/forum-joins-paris-call/?a=1&b=2)\n"
                                                   '\n<picture><source srcset="/static/favicon.svg 2x">'
                                                   '<img src="../../static/favicon.svg" alt="A logo"></picture>\n')},
         ["content/news/linking.md:5: warning: body: links to /news/forum-joins-paris-call/, outside the site, which "
          "is under /newsroom/ (hint: write the address from the item's page, ../../news/forum-joins-paris-call/, "
          "or from the host's root with the site's path, /newsroom/news/forum-joins-paris-call/)",
          "content/news/linking.md:7: warning: body: leads to /static/favicon.svg, outside the site, which is under "
          "/newsroom/ (hint: write the address from the item's page, ../../static/favicon.svg, or from the host's "
          "root with the site's path, /newsroom/static/favicon.svg)",
          "content/news/linking.md:9: warning: body: links to /events/annual-gathering-2018/, outside the site",
          "content/news/linking.md:13: warning: body: links to /news/forum-joins-paris-call/?a=1&b=2, outside the site",
          "content/news/linking.md:15: warning: body: leads to /static/favicon.svg, outside the site"],
         unreported=("content/news/linking.md:11:", "content/news/linking.md:7: warning: body: links to /newsroom/", "content/news/linking.md:7: "
                     "warning: body: links to /about/", "content/news/linking.md:7: warning: body: links to /news/2018/"),
         edits={"site.toml": ('base_url = "https://newsroom.example.org/"',
                              'base_url = "https://newsroom.example.org/newsroom/"')}),
    # The site's lists, tag pages, archive and feeds, from the host's root, are at another site's address as its
    # items are; the host's own pages, and the site's written with its path, are not
    Case("lists-and-feeds-from-the-hosts-root-under-a-path",
         {"content/news/linking.md": news(OK_NEWS, "See [all news](/news/), [the events](/events),\n"
                                                   "[older news](/news/page/2/), [Paris Call](/tags/paris-call/) and [every event](/events/index.html).\n"
                                                   "\n[The archive](/archive/2/), [the feed](/feeds/atom.xml) and "
                                                   "[the calendar](/feeds/events.ics)\n"
                                                   "\n[Home](/), [the host's](/index.html), [its tags](/taglist/), "
                                                   "[ours](/newsroom/tags/) and [news of 2018](/news/2018/)\n")},
         ["content/news/linking.md:5: warning: body: links to /news/, outside the site, which is under /newsroom/ "
          "(hint: write the address from the item's page, ../../news/, or from the host's root with the site's path, "
          "/newsroom/news/)",
          "content/news/linking.md:5: warning: body: links to /events, outside the site",
          "content/news/linking.md:6: warning: body: links to /news/page/2/, outside the site",
          "content/news/linking.md:6: warning: body: links to /events/index.html, outside the site",
          "content/news/linking.md:6: warning: body: links to /tags/paris-call/, outside the site, which is under "
          "/newsroom/ (hint: write the address from the item's page, ../../tags/paris-call/, or from the host's root "
          "with the site's path, /newsroom/tags/paris-call/)",
          "content/news/linking.md:8: warning: body: links to /archive/2/, outside the site",
          "content/news/linking.md:8: warning: body: links to /feeds/atom.xml, outside the site",
          "content/news/linking.md:8: warning: body: links to /feeds/events.ics, outside the site"],
         unreported=("content/news/linking.md:10:",),
         edits={"site.toml": ('base_url = "https://newsroom.example.org/"',
                              'base_url = "https://newsroom.example.org/newsroom/"')}),
    # The address with the site's path holds the one without it: each warning is at the line that writes its own
    Case("link-from-the-hosts-root-under-a-path-beyond-ascii",
         {"content/news/linking.md": news(OK_NEWS, "See [the call](/actualités/news/forum-joins-paris-call/).\n\n"
                                                   "[Not this](/news/forum-joins-paris-call/)\n")},
         ["content/news/linking.md:7: warning: body: links to /news/forum-joins-paris-call/, outside the site, which "
          "is under /actualités/"],
         unreported=("content/news/linking.md:5:",),
         edits={"site.toml": ('base_url = "https://newsroom.example.org/"',
                              'base_url = "https://newsroom.example.org/actualités/"')}),
    Case("body-image-not-in-the-site", {"content/news/pictured.md": news(OK_NEWS, "![A chart](static/chart.png)\n\n"
                                                                    "![The logo](../../static/favicon.svg) and "
                                                                    "![A map](../../static/map.png)\n\n"
                                                                    '<picture><source srcset="../../static/wide.png 2x">'
                                                                    '<img src="../../static/favicon.svg" alt="A logo"></picture>\n')},
         ["content/news/pictured.md:5: warning: body: leads to news/pictured/static/chart.png, which is no file of the "
          "site (hint: from an item's page, a file of the site is ../../static/...)",
          "content/news/pictured.md:7: warning: body: leads to static/map.png, which is no file of the site",
          "content/news/pictured.md:9: warning: body: leads to static/wide.png, which is no file of the site"]),
    # Each at the line that writes it (a reference's, at its definition), the same link once per line it is on
    Case("links-to-no-page-on-their-lines", {"content/news/linking.md": news(OK_NEWS, "Intro.\n\nSee [this](../renamed/)."
                                                                         "\n\n> [Again](../renamed/), and [the chart][c]"
                                                                         "\n\n[c]: ../../static/chart.png\n"
                                                                         "\n[Asked](../asked/?a=1&b=2)\n"
                                                                         "\n[Café](../café/)\n"),
                                             "content/news/crlf.md": news(OK_NEWS, "Intro.\n\n[There](../gone/)\n")
                                             .replace("\n", "\r\n")},
         ["content/news/linking.md:7: warning: body: links to news/renamed/, which is no page of the site",
          "content/news/linking.md:9: warning: body: links to news/renamed/, which is no page of the site",
          "content/news/linking.md:11: warning: body: leads to static/chart.png, which is no file of the site",
          "content/news/linking.md:13: warning: body: links to news/asked/, which is no page of the site",
          "content/news/linking.md:15: warning: body: links to news/café/, which is no page of the site",
          "content/news/crlf.md:7: warning: body: links to news/gone/, which is no page of the site"],
         unreported=("content/news/linking.md:5:",)),
    # A URL is found where it is written whole, not at the start of a longer one written before it (with a
    # query, or a longer slug or file name); an address the text ends a sentence after is still found
    Case("links-to-no-page-after-longer-ones",
         {"content/news/linking.md": news(OK_NEWS, "See [it, asked](../renamed/?a=1), [the call](/news/forum-joins-"
                                                   "paris-call/) and https://newsroom.example.org/news/gone/.\n"
                                                   "\n[Renamed](../renamed/)\n"
                                                   "\n[The old call](/news/forum-joins-paris)\n"
                                                   '\n<img src="../../static/map.png-2x.png" alt="A"> '
                                                   '<img src="../../static/map.png" alt="B">\n'
                                                   '\n![C](../../static/map.png "A map")\n')},
         ["content/news/linking.md:5: warning: body: links to news/renamed/, which is no page of the site",
          "content/news/linking.md:5: warning: body: links to news/gone/, which is no page of the site",
          "content/news/linking.md:7: warning: body: links to news/renamed/, which is no page of the site",
          "content/news/linking.md:9: warning: body: links to news/forum-joins-paris/, which is no page of the site",
          "content/news/linking.md:11: warning: body: leads to static/map.png-2x.png, which is no file of the site",
          "content/news/linking.md:11: warning: body: leads to static/map.png, which is no file of the site",
          "content/news/linking.md:13: warning: body: leads to static/map.png, which is no file of the site"],
         unreported=("content/news/linking.md:5: warning: body: links to news/forum-joins-paris/",)),
    # An autolinked address between HTML's tags (<br>), or alone in a table's cell, is found where it is written
    Case("links-to-no-page-autolinked-beside-html-or-in-a-cell",
         {"content/news/linking.md": news(OK_NEWS, "Intro.\n"
                                                   "\nSeen at<br>https://newsroom.example.org/news/gone/<br>and more.\n"
                                                   "\n|Page|\n|---|\n|https://newsroom.example.org/news/lost/|\n")},
         ["content/news/linking.md:7: warning: body: links to news/gone/, which is no page of the site",
          "content/news/linking.md:11: warning: body: links to news/lost/, which is no page of the site"],
         unreported=("content/news/linking.md:5:",)),
    Case("link-from-the-hosts-root-after-a-longer-one",
         {"content/news/linking.md": news(OK_NEWS, "See [it, asked](/news/forum-joins-paris-call/?a=1).\n"
                                                   "\n[It](/news/forum-joins-paris-call/)\n")},
         ["content/news/linking.md:5: warning: body: links to /news/forum-joins-paris-call/?a=1, outside the site",
          "content/news/linking.md:7: warning: body: links to /news/forum-joins-paris-call/, outside the site"],
         unreported=("content/news/linking.md:5: warning: body: links to /news/forum-joins-paris-call/,",),
         edits={"site.toml": ('base_url = "https://newsroom.example.org/"',
                              'base_url = "https://newsroom.example.org/newsroom/"')}),
    # A link to another item by its file name, as between Markdown files in an editor: the site publishes pages,
    # not the files, wherever the link's ../ lead
    Case("link-to-an-items-file", {"content/news/linking.md": news(OK_NEWS, "See [the gathering](annual-gathering-2018.md), "
                                                                  "[again](../events/annual-gathering-2018.md), "
                                                                  "[the release](../../news/2018-11-12-forum-joins-paris-call.md) "
                                                                  "and [a draft](nowhere.md).\n\n"
                                                                  "[Notes](../../static/notes.md) and [the briefing](briefing.md)\n"),
                                   "templates/static/notes.md": "Notes.\n",
                                   "content/news/briefing.md": news(OK_NEWS),
                                   "content/events/briefing.md": news("title: B\nstart: 2018-12-01\nlocation: Bern\n")},
         ["content/news/linking.md:5: warning: body: links to the content file annual-gathering-2018.md, which the site "
          "does not publish (hint: link to its page: ../../events/annual-gathering-2018/)",
          "content/news/linking.md:5: warning: body: links to the content file 2018-11-12-forum-joins-paris-call.md, "
          "which the site does not publish (hint: link to its page: ../../news/forum-joins-paris-call/)",
          "content/news/linking.md:5: warning: body: links to the content file nowhere.md, which the site does not "
          "publish (hint: link to the item's page, ../../news/<slug>/ or ../../events/<slug>/)",
          "content/news/linking.md:7: warning: body: links to the content file briefing.md, which the site does not "
          "publish (hint: link to the item's page, ../../news/<slug>/ or ../../events/<slug>/)"],
         unreported=("content/news/linking.md:7: warning: body: links to the content file notes.md",
                     "content/news/linking.md:5: warning: body: links to news/",
                     "content/news/linking.md:5: warning: body: leads to")),
    # A tag that only items still held have: its page and feeds come out with the first of them
    Case("link-to-a-held-tag", {"content/news/linking.md": news(OK_NEWS, "See [the plan](../../tags/plan/).\n\n"
                                                                "[Its feed](../../feeds/tags/plan/atom.xml)\n"),
                                "content/news/2018-11-12-held.md": news("title: H\ndate: 2018-12-24T10:00:00+01:00\n"
                                                                        "tags: [Plan]\n"),
                                "content/news/2018-11-13-later.md": news("title: L\ndate: 2019-01-07T10:00:00+01:00\n"
                                                                         "tags: [Plan]\n")},
         ["content/news/linking.md:5: warning: body: links to tags/plan/, which the site does not have until "
          "2018-12-24T10:00:00+01:00, when the first item held back with the tag plan comes out: the link leads "
          "nowhere until then (hint: link to a tag an item has now; tags/ lists them)",
          "content/news/linking.md:7: warning: body: leads to feeds/tags/plan/atom.xml, which the site does not have "
          "until 2018-12-24T10:00:00+01:00"],
         unreported=("content/news/linking.md:5: warning: body: links to tags/plan/, which the site does not have: no",)),
    Case("link-to-a-held-page", {"content/news/linking.md": news(OK_NEWS, "See [this](../held/).\n"),
                                 "content/news/2018-11-12-held.md": news("title: H\ndate: 2018-12-24T10:00:00+01:00\n")},
         ["content/news/linking.md:5: warning: body: links to news/held/, which is held until 2018-12-24T10:00:00+01:00"]),
    Case("time-in-a-gap", {"content/events/gap.md": news("title: E\nstart: 2024-03-10T02:30\nend: 2024-03-10T04:00\n"
                                                          "timezone: America/St_Johns\nlocation: Bern\n")},
         ["content/events/gap.md:3: warning: start: 2024-03-10 02:30 does not exist in America/St_Johns: the clocks "
          "skip it; it is read as 03:30"]),
    Case("time-twice", {"content/events/twice.md": news("title: E\nstart: 2024-11-03T01:30\nend: 2024-11-03T03:00\n"
                                                        "timezone: America/New_York\nlocation: Bern\n")},
         ["content/events/twice.md:3: warning: start: 2024-11-03 01:30 happens twice in America/New_York, as the "
          "clocks go back; the first is meant, and some calendar apps read the second (hint: give its offset to be "
          "sure: 2024-11-03T01:30:00-04:00)"]),
    # A series' later date at such a time: 7 April 2030 is the night Lord Howe's clocks go back from 02:00 to
    # 01:30, and 6 October 2030 the night they skip 02:00 to 02:30. The same series in the daytime, or with
    # that date left out, meets no change.
    Case("series-date-twice", {
        "content/events/twice.md": news("title: E\ndate: 2018-11-01\nstart: 2030-01-07T01:45\nend: 2030-01-07T02:15\n"
                                        "timezone: Australia/Lord_Howe\nrrule: FREQ=MONTHLY;BYMONTHDAY=7;COUNT=12\n"
                                        "location: Bern\n"),
        "content/events/daytime.md": news("title: E\ndate: 2018-11-01\nstart: 2030-01-07T10:00\nend: 2030-01-07T11:00\n"
                                          "timezone: Australia/Lord_Howe\nrrule: FREQ=MONTHLY;BYMONTHDAY=7;COUNT=12\n"
                                          "location: Bern\n"),
        "content/events/left-out.md": news("title: E\ndate: 2018-11-01\nstart: 2030-01-07T01:45\nend: 2030-01-07T02:15\n"
                                           "timezone: Australia/Lord_Howe\nrrule: FREQ=MONTHLY;BYMONTHDAY=7;COUNT=12\n"
                                           "exdate: [2030-04-07T01:45]\nlocation: Bern\n")},
         ["content/events/twice.md:7: warning: rrule: its date of 2030-04-07 at 01:45 comes twice in Australia/Lord_Howe "
          "as the clocks go back: calendar apps disagree which one (hint: choose a time outside 01:30–02:00 on the "
          "night the clocks change)"],
         unreported=("content/events/daytime.md", "content/events/left-out.md")),
    Case("series-date-skipped", {"content/events/gap.md": news(
        "title: E\ndate: 2018-11-01\nstart: 2030-09-06T02:15\nend: 2030-09-06T02:45\ntimezone: Australia/Lord_Howe\n"
        "rrule: FREQ=MONTHLY;BYMONTHDAY=6;COUNT=3\nlocation: Bern\n")},
         ["content/events/gap.md:7: warning: rrule: its date of 2030-10-06 at 02:15 is skipped in Australia/Lord_Howe "
          "as the clocks go forward: calendar apps disagree whether it is 01:45 or 02:45 (hint: choose a time outside "
          "02:00–02:30 on the night the clocks change)"]),
    # A date from 22:00 to 04:00 on the night the clocks change lasts 6 hours on the clock, as its page says and
    # ical.js reads it, where RFC 5545 counts DURATION's hours exactly; the daytime series never meets a change
    Case("series-date-over-a-change-of-the-clocks", {
        "content/events/night.md": news("title: E\ndate: 2018-11-01\nstart: 2027-10-30T22:00\nend: 2027-10-31T04:00\n"
                                        "rrule: FREQ=WEEKLY;COUNT=3\nlocation: Bern\n"),
        "content/events/weekly.md": news("title: E\ndate: 2018-11-01\nstart: 2027-01-02T22:00\nend: 2027-01-03T04:00\n"
                                         "rrule: FREQ=WEEKLY;COUNT=60\nlocation: Bern\n"),
        "content/events/daytime.md": news("title: E\ndate: 2018-11-01\nstart: 2027-10-30T10:00\nend: 2027-10-30T12:00\n"
                                          "rrule: FREQ=WEEKLY;COUNT=60\nlocation: Bern\n")},
         ["content/events/night.md:6: warning: rrule: its date of 2027-10-30, 22:00 to 04:00, runs over a change of the "
          "clocks in Europe/Zurich: calendar apps that count its hours exactly, as RFC 5545 says, end it at 03:00 (hint: "
          "leave such a date out with exdate: and write it as an event of its own, or choose times that the clocks do "
          "not change between)",
          "content/events/weekly.md:6: warning: rrule: its date of 2027-03-27, 22:00 to 04:00, runs over a change of "
          "the clocks in Europe/Zurich: calendar apps that count its hours exactly, as RFC 5545 says, end it at 05:00; "
          "1 more of its dates does: 2027-10-30 (hint:"],
         unreported=("content/events/daytime.md",)),
    # A day some months or years lack: RFC 5545 skips them, Outlook takes the month's last day (or last such weekday)
    Case("series-on-a-day-some-months-lack", {
        "content/events/m31.md": news("title: E\ndate: 2018-11-01\nstart: 2027-01-31T10:00\nend: 2027-01-31T11:00\n"
                                      "rrule: FREQ=MONTHLY;COUNT=4\nlocation: Bern\n"),
        "content/events/m30.md": news("title: E\ndate: 2018-11-01\nstart: 2027-01-30T10:00\nend: 2027-01-30T11:00\n"
                                      "rrule: FREQ=MONTHLY;INTERVAL=2;COUNT=6\nlocation: Bern\n"),  # every month it meets has a 30th
        "content/events/last.md": news("title: E\ndate: 2018-11-01\nstart: 2027-01-31T10:00\nend: 2027-01-31T11:00\n"
                                       "rrule: FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=4\nlocation: Bern\n"),
        "content/events/y31.md": news("title: E\ndate: 2018-11-01\nstart: 2027-01-31T10:00\nend: 2027-01-31T11:00\n"
                                      "rrule: FREQ=YEARLY;COUNT=4\nlocation: Bern\n")},
         ["content/events/m31.md:6: warning: rrule: its dates fall on the 31st, which February 2027 and 2 more of its "
          "months lack: most calendar apps skip them, as RFC 5545 says, and Outlook puts a date on the month's last day "
          "(hint: for the last day of every month, write BYMONTHDAY=-1 and start on a month's last day)"],
         unreported=("content/events/m30.md", "content/events/last.md", "content/events/y31.md")),
    Case("series-on-29-february", {
        "content/events/yearly.md": news("title: E\ndate: 2018-11-01\nstart: 2028-02-29\nrrule: FREQ=YEARLY;COUNT=2\n"
                                         "location: Bern\n"),
        "content/events/leap.md": news("title: E\ndate: 2018-11-01\nstart: 2028-02-29\n"
                                       "rrule: FREQ=YEARLY;INTERVAL=4;COUNT=3\nlocation: Bern\n")},
         ["content/events/yearly.md:5: warning: rrule: its dates fall on 29 February, which 2029 and 2 more of its years "
          "lack: most calendar apps skip them, as RFC 5545 says, and Outlook puts a date on 28 February (hint: for "
          "29 February in leap years alone, add INTERVAL=4 to the rule)"],
         unreported=("content/events/leap.md",)),
    Case("series-on-a-fifth-weekday", {"content/events/fifth.md": news(
        "title: E\ndate: 2018-11-01\nstart: 2027-01-29T10:00\nend: 2027-01-29T11:00\nrrule: FREQ=MONTHLY;BYDAY=5FR;COUNT=2\n"
        "location: Bern\n")},
         ["content/events/fifth.md:6: warning: rrule: its dates fall on the fifth Friday of the month, which February "
          "2027 and 1 more of its months lack: most calendar apps skip them, as RFC 5545 says, and Outlook puts a date on the month's last Friday "
          "(hint: for the last Friday of every month, write BYDAY=-1FR; else choose a week every month has)"]),
    # Weekly on Sundays at 02:30 in Zurich for three years meets every change of the clocks: one warning says how
    # many dates, not excluded, are at such a time, and which come first
    Case("series-dates-skipped-and-twice", {"content/events/weekly.md": news(
        "title: E\ndate: 2018-11-01\nstart: 2030-01-06T02:30\ntimezone: Europe/Zurich\n"
        "rrule: FREQ=WEEKLY;COUNT=148\nexdate: [2031-03-30T02:30]\nlocation: Bern\n")},
         ["content/events/weekly.md:6: warning: rrule: its date of 2030-03-31 at 02:30 is skipped in Europe/Zurich as "
          "the clocks go forward: calendar apps disagree whether it is 01:30 or 03:30; 4 more of its dates are at a "
          "time the clocks skip or have twice: 2030-10-27, 2031-10-26 and 2 more (hint: choose a time outside "
          "02:00–03:00 on the nights the clocks change)"]),
    # Newfoundland changed its clocks at 00:01 until the autumn of 2011, at 02:00 since: the hint names each change
    Case("series-dates-at-changes-of-two-rules", {"content/events/weekly.md": news(
        "title: E\ndate: 2018-11-01\nstart: 2011-01-02T01:00\ntimezone: America/St_Johns\n"
        "rrule: FREQ=WEEKLY;COUNT=60\nlocation: Bern\n")},
         ["content/events/weekly.md:6: warning: rrule: its date of 2011-03-13 at 01:00 is skipped in America/St_Johns "
          "as the clocks go forward: calendar apps disagree whether it is 00:00 or 02:00; 1 more of its dates is at a "
          "time the clocks skip or have twice: 2011-11-06 (hint: choose a time outside 00:01–01:01 and 01:00–02:00 on "
          "the nights the clocks change)"]),
    Case("tags-of-one-item-sharing-a-slug", {"content/news/tags.md": news(OK_NEWS + "tags: [C++, C#, c]\n")},
         ["content/news/tags.md:4: warning: tags: 'C#' gives the same slug as 'C++' (tags/c/), and is left out",
          "content/news/tags.md:4: warning: tags: 'c' gives the same slug as 'C++' (tags/c/), and is left out"]),
    Case("tags-as-one-text-with-a-comma", {"content/news/comma.md": news(OK_NEWS + "tags: Cyber, Paris\n")},
         ["content/news/comma.md:4: warning: tags: 'Cyber, Paris' is one tag (tags/cyber-paris/) (hint: for a tag "
          "each, write a list: tags: [Cyber, Paris])"]),
    Case("tags-as-words-parted-by-spaces", {"content/news/2018-11-12-jekyll.md": news(OK_NEWS + "tags: cybersecurity paris-call centre\n"),
                                             "content/news/one.md": news(OK_NEWS + "tags: Cybersecurity\n"),
                                             "content/news/bracketed.md": news(OK_NEWS + "tags: [Paris Call]\n")},
         ["content/news/2018-11-12-jekyll.md:4: warning: tags: 'cybersecurity paris-call centre' is one tag "
          "(tags/cybersecurity-paris-call-centre/) (hint: for a tag each, as Jekyll reads words parted by spaces, write "
          "a list: tags: [cybersecurity, paris-call, centre]; for one tag, tags: [cybersecurity paris-call centre])"],
         unreported=("content/news/one.md", "content/news/bracketed.md")),
    Case("tags-as-a-list-without-spaces", {"content/news/dashes.md": news(OK_NEWS + "tags:\n  -Cyber\n  - Paris Call\n")},
         ["content/news/dashes.md:4: warning: tags: '-Cyber - Paris Call' is one tag (tags/cyber-paris-call/) (hint: "
          "a list puts a space after each '-': - Cyber; or write tags: [Cyber, Paris Call])"]),
    Case("content-in-a-folder-of-no-kind", {"content/event/x.md": news("title: E\nstart: 2018-12-01\nlocation: Bern\n"),
                                            "content/News/x.md": news(OK_NEWS), "content/x.md": news(OK_NEWS),
                                            "content/press/2018/x.md": news(OK_NEWS)},
         ["content/event/x.md: warning: is not in content/news/ or content/events/, so it is not published (hint: "
          "move it into content/events/)",
          "content/News/x.md: warning: is not in content/news/ or content/events/, so it is not published (hint: "
          "move it into content/news/)",
          "content/x.md: warning: is not in content/news/ or content/events/, so it is not published (hint: move it "
          "into content/news/ or content/events/ if it is an item: feeds publishes news and events alone)",
          "content/press/2018/x.md: warning: is not in content/news/ or content/events/"]),
    Case("content-not-named-md", {"content/news/x.markdown": news(OK_NEWS), "content/news/2018/y.MD": news(OK_NEWS),
                                  "content/events/photo.jpg": b"\xff\xd8\xff"},
         ["content/news/x.markdown: warning: is not named *.md, so it is not published (hint: rename it x.md)",
          "content/news/2018/y.MD: warning: is not named *.md, so it is not published (hint: rename it y.md)",
          "content/events/photo.jpg: warning: is not named *.md, so it is not published (hint: rename it photo.md if "
          "it is an item; the site's other files go in templates/static/)"]),
    Case("template-tags-in-the-body", {"content/news/moved.md": news(
        OK_NEWS, "Intro.\n\n{{< figure src=\"chart.png\" alt=\"A chart\" >}}\n\nSee [the call]({% post_url "
                 "2018-11-12-paris-call %}) and ![a map]({{site.baseurl}}/assets/map.png).\n\n"
                 "In code: `{{< youtube id >}}`.\n\n```\n{{ site.title }}\n```\n\n    {% include note.html %}\n"),
        "content/news/code-only.md": news(OK_NEWS, "Write `{{< figure >}}` in Hugo.\n\n~~~\n{% raw %}\n~~~\n\n"
                                                   "A note <!-- {{ site.title }} --> unpublished.\n")},
         ["content/news/moved.md:7: warning: body: {{< figure src=\"chart.png\" alt=\"A chart\" >}} is a template's "
          "tag (a Hugo shortcode, or Jekyll's Liquid), which feeds publishes as written (hint: write it in Markdown: "
          "an image ![what it shows](../../static/chart.png), a link to another item [words](../slug/); in `backticks` "
          "it is shown as code)",
          "content/news/moved.md:9: warning: body: {% post_url 2018-11-12-paris-call %} is a template's tag",
          "content/news/moved.md:9: warning: body: {{site.baseurl}} is a template's tag"],
         unreported=("content/news/moved.md:11:", "content/news/moved.md:13:", "content/news/moved.md:14:",
                     "content/news/moved.md:17:", "content/news/code-only.md")),
    Case("hugo-page-bundle", {"content/news/board-meeting/index.md": news(OK_NEWS),
                              "content/news/named/index.md": news(OK_NEWS + "slug: named\n"),
                              "content/events/2030-01-01-forum/index.md": news("title: E\nstart: 2030-01-01\nlocation: Bern\n")},
         ["content/news/board-meeting/index.md:1: warning: slug: the file's name gives the page news/index/, as a "
          "folder's name is no part of an address (hint: give it slug: board-meeting, or name the file "
          "board-meeting.md: Hugo names a page bundle by its folder)",
          "content/events/2030-01-01-forum/index.md:1: warning: slug: the file's name gives the page events/index/, "
          "as a folder's name is no part of an address (hint: give it slug: forum, or name the file "
          "2030-01-01-forum.md"],
         unreported=("content/news/named/index.md",)),
    # Hugo's _index.md holds a section's list page; here, in content/events/, it is an item like any other
    Case("hugo-section-index", {"content/events/_index.md": news("title: E\nstart: 2030-01-01\nlocation: Bern\n")},
         ["content/events/_index.md:1: warning: slug: the file's name gives the page events/index/ (hint: name the "
          "file after the item, as board-meeting.md, or give it slug:; the list of a section's items, Hugo's "
          "_index.md, is made by the build)"]),
    Case("front-matter-only", {"content/news/no-body.md": news(OK_NEWS, "")},
         ["content/news/no-body.md:4: warning: body: is empty"]),
]


@pytest.fixture
def built(example_site: Path, feeds) -> tuple[Path, dict[str, bytes]]:
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    return example_site, tree_bytes(example_site / "public")


def apply(case: Case, site: Path) -> None:
    """Break the site as the case says."""
    for name, text in case.files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, Outside) and text.folder:
            outside = site.parent / "outside-folder"
            outside.mkdir()
            (outside / path.name).write_text(text.text)
            path.parent.rmdir()
            path.parent.symlink_to(outside, target_is_directory=True)
        elif isinstance(text, Outside):
            outside = site.parent / f"outside-{path.name}"
            outside.write_text(text.text)
            path.symlink_to(outside)
        else:
            path.write_bytes(text if isinstance(text, bytes) else text.encode())
    for name, (old, new) in case.edits.items():
        path = site / name
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, new))


def assert_reported(err: str, expected: list[str], unreported: tuple[str, ...] = ()) -> None:
    reported = err.splitlines()
    for line in expected:
        assert any(r.startswith(line) for r in reported), (line, err)
    for line in unreported:
        assert not any(r.startswith(line) for r in reported), (line, err)


def reported_by_check_and_build(feeds, site: Path, expected: list[str]) -> list[str]:
    """What `feeds check` and `feeds build` each print to stderr, both failing (exit 1) and reporting
    these problems."""
    printed = []
    for command in ("check", "build"):
        result = feeds(command, "--site", site, "--now", EXAMPLE_NOW)
        assert result.code == 1
        assert_reported(result.err, expected)
        printed.append(result.err)
    return printed


@pytest.mark.parametrize("case", ERRORS, ids=[c.name for c in ERRORS])
def test_broken_site_is_located_and_nothing_is_written(built, feeds, case: Case) -> None:
    site, before = built
    apply(case, site)
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW, *case.args)
    assert result.code == 1
    assert_reported(result.err, case.expected, case.unreported)
    problems = [line for line in result.err.splitlines() if not line.startswith("feeds: ")]
    assert problems and all("(hint: " in line for line in problems), result.err
    assert "Traceback" not in result.err
    assert tree_bytes(site / "public") == before


def test_a_drafts_warnings_are_shown_but_fail_strict_only_when_it_is_published(example_site: Path, feeds) -> None:
    """A colleague's draft, just written by feeds new, still holds its placeholder: --strict in CI
    publishes the news that is ready, showing the draft's warning for what it is; built with --drafts,
    the draft is published, and its warning stops --strict as any other."""
    written = feeds("new", "news", "Work in progress", "--site", example_site, "--now", EXAMPLE_NOW)
    assert written.code == 0, written.err
    draft = Path(written.out.strip()).relative_to(example_site).as_posix()
    for command in ("check", "build"):
        for _ in range(2):  # the second build changes nothing, and says the same
            result = feeds(command, "--strict", "--site", example_site, "--now", EXAMPLE_NOW)
            assert result.code == 0, result.err
            assert re.search(rf"^{re.escape(draft)}:\d+: warning in a draft: body: still holds the placeholder",
                             result.err, re.M), result.err
    assert (example_site / "public/news/forum-joins-paris-call/index.html").is_file()
    result = feeds("build", "--strict", "--drafts", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert re.search(rf"^{re.escape(draft)}:\d+: warning: body: still holds the placeholder", result.err, re.M)
    assert result.err.rstrip().endswith("feeds: 1 warning, which --strict counts as an error; nothing was written")


@pytest.mark.parametrize("case", WARNINGS, ids=[c.name for c in WARNINGS])
def test_warnings_pass_unless_strict(built, feeds, case: Case) -> None:
    site, before = built
    apply(case, site)
    assert feeds("check", "--site", site, "--now", EXAMPLE_NOW).code == 0
    strict = feeds("check", "--strict", "--site", site, "--now", EXAMPLE_NOW)
    assert strict.code == 1
    assert_reported(strict.err, case.expected, case.unreported)
    assert re.search(r"^feeds: \d+ warnings?, which --strict counts as (an error|errors)$", strict.err, re.M), strict.err
    result = feeds("build", "--strict", "--site", site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert tree_bytes(site / "public") == before
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW)
    assert result.code == 0
    assert_reported(result.err, case.expected, case.unreported)


def test_every_error_of_the_run_is_reported_at_once(built, feeds) -> None:
    site, before = built
    together = [case for case in ERRORS if case.content_only]
    for case in together:
        apply(case, site)
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    for case in together:
        assert_reported(result.err, case.expected, case.unreported)
    assert tree_bytes(site / "public") == before


def test_content_templates_and_ui_strings_are_reported_in_one_run(example_site: Path, feeds) -> None:
    apply(Case("", {"content/news/bad-date.md": news("title: T\ndate: 2018-02-30\n"),
                    "templates/news.html": '{% extends "base.html" %}\n{% block main %}\n{{ foo( }}\n{% endblock %}\n',
                    "templates/static/raw.html": "<p>{% not a template %}</p>\n",
                    "templates/strings/en.toml": 'latest_nws = "News"\n'}, []), example_site)
    expected = ["content/news/bad-date.md:3: date:",
                "templates/news.html:3: template syntax:",
                "templates/strings/en.toml:1: latest_nws: unknown UI string"]
    for err in reported_by_check_and_build(feeds, example_site, expected):
        assert "raw.html" not in err  # a static file, copied as it is


def test_one_templates_syntax_error_and_anothers_runtime_error_are_reported_in_one_run(example_site: Path,
                                                                                     feeds) -> None:
    """A template that does not compile does not hide the faults of the others, which are tried on the
    items too: the editor fixing them learns of all at once, not one a run."""
    apply(Case("", {"templates/news.html": '{% extends "base.html" %}\n{% block main %}\n{{ foo( }}\n{% endblock %}\n',
                    "templates/event.html": '{% extends "base.html" %}\n{% block main %}\n'
                                            '<h1>{{ item.headline }}</h1>\n{% endblock %}\n'}, []), example_site)
    expected = ["templates/news.html:3: template syntax:",
                "templates/event.html:3: template error: 'feeds.model.Event object' has no attribute 'headline'"]
    for err in reported_by_check_and_build(feeds, example_site, expected):
        assert err.count("templates/news.html:3") == 1, err


def test_an_unknown_filter_is_reported_with_the_contents_errors(example_site: Path, feeds) -> None:
    """Jinja finds an unknown filter or test when it compiles a template, not when it parses it: a
    syntax error all the same, reported in the run that finds the content's, not in the next one."""
    apply(Case("", {"content/news/bad-date.md": news("title: T\ndate: 2018-02-30\n"),
                    "templates/news.html": '{% extends "base.html" %}\n{% block main %}\n'
                                           '<h1>{{ item.title | when }}</h1>\n{{ item.title | no_such_filter }}\n'
                                           '{% endblock %}\n'}, []), example_site)
    expected = ["content/news/bad-date.md:3: date:",
                "templates/news.html:4: template syntax: No filter named 'no_such_filter'"]
    for err in reported_by_check_and_build(feeds, example_site, expected):
        assert "news.html:3" not in err  # the site's own filters are known


def test_an_unknown_filter_or_test_under_a_condition_is_reported_with_the_contents_errors(example_site: Path,
                                                                                             feeds) -> None:
    """Jinja2 leaves a filter or test named inside {% if %} or an `a if b else c` to be looked up when
    it runs (so that `{% if "x" is filter %}` can guard one): the check finds it all the same, but not
    one so guarded."""
    apply(Case("", {"content/news/bad-date.md": news("title: T\ndate: 2018-02-30\n"),
                    "templates/news.html": '{% extends "base.html" %}\n{% block main %}\n'
                                           '{% if item.title %}<h1>{{ item.title | no_such_filter }}</h1>{% endif %}\n'
                                           '{% if "markdown" is filter %}{{ item.title | markdown }}{% endif %}\n'
                                           '{% endblock %}\n',
                    "templates/event.html": '{% extends "base.html" %}\n{% block main %}\n'
                                            '{{ "a" if item.title is no_such_test else "b" }}\n{% endblock %}\n'}, []),
          example_site)
    expected = ["content/news/bad-date.md:3: date:",
                "templates/news.html:3: template syntax: No filter named 'no_such_filter'",
                "templates/event.html:3: template syntax: No test named 'no_such_test'"]
    for err in reported_by_check_and_build(feeds, example_site, expected):
        assert "markdown" not in err


def test_the_check_knows_every_filter_the_templates_have() -> None:
    from zoneinfo import ZoneInfo

    import jinja2

    from feeds.render.environment import _environment
    from feeds.strings import Strings
    from feeds.template_paths import builtin_templates
    from feeds.template_syntax import SITE_FILTERS

    env = _environment([builtin_templates()], Strings({}), ZoneInfo("UTC"), sizes=None)
    assert set(env.filters) - set(jinja2.Environment().filters) == set(SITE_FILTERS)


def test_unreadable_files_are_reported_with_a_bad_site_toml(built, feeds) -> None:
    site, before = built
    for case in ERRORS:
        if case.name in ("site-toml-value", "not-utf8", "yaml-syntax"):
            apply(case, site)
    result = feeds("build", "--site", site)
    assert result.code == 1
    assert_reported(result.err, ["site.toml:6: timezone:", "content/news/latin1.md:2: not UTF-8",
                                 "content/news/bad-yaml.md:3: YAML syntax"])
    assert tree_bytes(site / "public") == before


def unreadable(monkeypatch: pytest.MonkeyPatch, *paths: Path, listed: bool = False) -> None:
    """These files and folders refuse to be read, as they do a user without permission to read them
    (chmod 000 would not do: the tests may run as root, who reads anything); nor is anything in such
    a folder to be looked at, as chmod 000 takes the permission to search it too. `listed`: the
    folders can be listed all the same, but nothing in them looked at, opened or listed, as with
    chmod a-x (read permission without search: its entries' names, and whether each is a folder,
    come from the listing itself)."""
    denied = {os.path.abspath(path) for path in paths}
    real_open, real_scandir, real_stat, real_lstat = io.open, os.scandir, os.stat, os.lstat

    def refuse(path: Any, *, itself: bool = True) -> None:
        """Refuse `path` when it is in a denied folder, or (`itself`) is one of the denied."""
        if isinstance(path, (str, os.PathLike)):
            path = os.path.abspath(path)
            if itself and path in denied or any(path.startswith(folder + os.sep) for folder in denied):
                raise PermissionError(errno.EACCES, "Permission denied", path)

    def guarded_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        refuse(file)
        refuse(os.path.realpath(file) if isinstance(file, (str, os.PathLike)) else file)  # where a link leads
        return real_open(file, *args, **kwargs)

    def guarded_scandir(path: Any = ".") -> Any:
        refuse(path, itself=not listed)
        return real_scandir(path)

    def guarded_stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        refuse(path, itself=False)  # the folder's own permissions are for all to see
        if kwargs.get("follow_symlinks", True) and isinstance(path, (str, os.PathLike)):
            refuse(os.path.realpath(path), itself=False)  # where a link leads
        return real_stat(path, *args, **kwargs)

    def guarded_lstat(path: Any, *args: Any, **kwargs: Any) -> Any:
        refuse(path, itself=False)
        return real_lstat(path, *args, **kwargs)

    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(os, "scandir", guarded_scandir)
    monkeypatch.setattr(os, "stat", guarded_stat)
    monkeypatch.setattr(os, "lstat", guarded_lstat)


@pytest.mark.parametrize("name", ["content/news/locked.md", "root/CNAME"])
def test_a_content_or_root_file_that_cannot_be_read_is_reported_with_the_other_errors(built, feeds, monkeypatch,
                                                                                      name: str) -> None:
    """Neither keeps the rest from being checked: root/'s files are published as they are (before, one
    was reported alone, and the content's errors at the next run)."""
    site, before = built
    (site / name).parent.mkdir(exist_ok=True)
    (site / name).write_text(news(OK_NEWS))
    (site / "content/news/bad.md").write_text(news("title: T\ndate: 2018-02-30\n"))
    unreadable(monkeypatch, site / name)
    for command in ("check", "build"):
        result = feeds(command, "--site", site, "--now", EXAMPLE_NOW)
        assert result.code == 1, result.err
        assert_reported(result.err, ["content/news/bad.md:3: date: not a date or time",
                                     f"{name}{':1' if name.endswith('.md') else ''}: cannot be read: Permission denied "
                                     "(hint: let the user who builds the site read it: chmod a+r, or change its owner)"])
    assert tree_bytes(site / "public") == before


@pytest.mark.parametrize("name", ["templates/static/press/photo.jpg", "templates/strings/en.toml"])
def test_a_template_or_static_file_that_cannot_be_read_is_reported_at_its_path(built, feeds, monkeypatch,
                                                                               name: str) -> None:
    """As site.toml is, at once: the content is checked once the templates, which the check of the
    templates' syntax and the pages read, can be read."""
    site, before = built
    (site / name).parent.mkdir(parents=True, exist_ok=True)
    (site / name).write_bytes(b'latest_news = "News"\n' if name.endswith(".toml") else b"x")
    unreadable(monkeypatch, site / name)
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert result.err.splitlines() == [f"{name}: cannot be read: Permission denied (hint: let the user who builds the "
                                       "site read it: chmod a+r, or change its owner)", "feeds: 1 error; nothing was written"]
    assert tree_bytes(site / "public") == before


@pytest.mark.parametrize("listed", [False, True], ids=["unlisted", "unsearched"])
def test_a_content_folder_that_cannot_be_read_is_reported_once_for_the_items_in_it(built, feeds, monkeypatch,
                                                                                 listed: bool) -> None:
    """Its items are not left out unsaid, nor each reported as gone from the ledger; nor when it can be
    listed but not searched (chmod a-x), where its files are named but cannot be looked at."""
    site, before = built
    (site / "content/news/2018").mkdir()
    os.replace(site / PUBLISHED, site / "content/news/2018/release.md")
    ledger = site / "published.json"
    ledger.write_text(ledger.read_text().replace(PUBLISHED, "content/news/2018/release.md"))
    assert feeds("build", "--site", site, "--now", EXAMPLE_NOW).code == 0
    before = tree_bytes(site / "public")
    unreadable(monkeypatch, site / "content/news/2018", listed=listed)
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    errors = [line for line in result.err.splitlines() if ": warning" not in line]
    assert errors == ["content/news/2018/: cannot be read: Permission denied; the items in it would be left out "
                      "(hint: let the user who builds the site read it: chmod a+rx, or change its owner)",
                      "feeds: 1 error; nothing was written"]
    assert tree_bytes(site / "public") == before


FOLDER_HINT = "(hint: let the user who builds the site read it: chmod a+rx, or change its owner)"


def with_photo_and_well_known(site: Path) -> None:
    """A press photo in templates/static/photos/ and a file of root/.well-known/, each in a folder of its own."""
    for name in ("templates/static/photos/a.jpg", "root/.well-known/x.txt"):
        (site / name).parent.mkdir(parents=True)
        (site / name).write_bytes(b"x")


@pytest.mark.parametrize("listed", [False, True], ids=["unlisted", "unsearched"])
def test_a_folder_of_templates_or_root_that_cannot_be_read_is_reported_with_the_other_errors(built, feeds,
                                                                                            monkeypatch,
                                                                                            listed: bool) -> None:
    """Its files (a press photo, a .well-known file) are not left out unsaid, and taken down; nor is
    the build a crash where the folder can be listed but not searched (chmod a-x)."""
    site, _ = built
    with_photo_and_well_known(site)
    assert feeds("build", "--site", site, "--now", EXAMPLE_NOW).code == 0
    before = tree_bytes(site / "public")
    assert {"static/photos/a.jpg", ".well-known/x.txt"} <= before.keys()
    (site / "content/news/bad.md").write_text(news("title: T\ndate: 2018-02-30\n"))
    unreadable(monkeypatch, site / "templates/static/photos", site / "root/.well-known", listed=listed)
    for command, said in (("check", "feeds: 3 errors"), ("build", "feeds: 3 errors; nothing was written")):
        result = feeds(command, "--site", site, "--now", EXAMPLE_NOW)
        assert result.code == 1
        errors = [line for line in result.err.splitlines() if ": warning" not in line]
        assert errors[0].startswith("content/news/bad.md:3: date: not a date or time")
        assert errors[1:] == [
            f"root/.well-known/: cannot be read: Permission denied; the files in it would be left out {FOLDER_HINT}",
            f"templates/static/photos/: cannot be read: Permission denied; the files in it would be left out "
            f"{FOLDER_HINT}",
            said]
    assert tree_bytes(site / "public") == before


@pytest.mark.parametrize("listed", [False, True], ids=["unlisted", "unsearched"])
@pytest.mark.parametrize("folder", ["templates", "root"])
def test_a_templates_or_root_folder_that_cannot_be_read_itself_is_reported(built, feeds, monkeypatch,
                                                                          folder: str, listed: bool) -> None:
    """Not left out unsaid (root/), nor a crash (templates/, whose files the check looks for by name).
    Where it can be listed but not searched, it is named, not the folders in it, which cannot be
    listed for that reason alone."""
    site, _ = built
    with_photo_and_well_known(site)
    assert feeds("build", "--site", site, "--now", EXAMPLE_NOW).code == 0
    before = tree_bytes(site / "public")
    unreadable(monkeypatch, site / folder, listed=listed)
    for command, said in (("check", "feeds: 1 error"), ("build", "feeds: 1 error; nothing was written")):
        result = feeds(command, "--site", site, "--now", EXAMPLE_NOW)
        assert result.code == 1
        assert result.err.splitlines() == [
            f"{folder}/: cannot be read: Permission denied; the files in it would be left out {FOLDER_HINT}", said]
    assert tree_bytes(site / "public") == before


@pytest.mark.parametrize("folder", ["templates/static/photos", "root/.well-known", "templates", "root"])
def test_a_folder_that_cannot_be_read_fails_the_build_when_nothing_else_changed(built, feeds, monkeypatch,
                                                                                folder: str) -> None:
    """Even one that holds no file, which no file's absence tells: the build's keys know the folders
    that cannot be read, so that a build that changes nothing is not taken for one that could read
    them, nor the other way round."""
    site, _ = built
    (site / folder).mkdir(parents=True, exist_ok=True)
    assert feeds("build", "--site", site, "--now", EXAMPLE_NOW).code == 0
    before = tree_bytes(site / "public")
    with monkeypatch.context() as patched:
        unreadable(patched, site / folder)
        result = feeds("build", "--site", site, "--now", EXAMPLE_NOW)
        assert result.code == 1
        assert result.err.startswith(f"{folder}/: cannot be read: Permission denied")
    assert tree_bytes(site / "public") == before
    result = feeds("build", "--site", site, "--now", EXAMPLE_NOW)  # readable again: the build before stands
    assert result.code == 0, result.err
    assert tree_bytes(site / "public") == before


UNSEARCHED = {  # a folder, and the files in it: new items, or files the last build published
    "content/news/2018": ["content/news/2018/new.md"],
    "content/news": ["content/news/new.md", "content/news/2018/new.md"],
    "content/events": ["content/events/2019/new.md"],  # holding a folder alone
    "templates/static": ["templates/static/photos/a.jpg"],  # the same
    "templates/static/photos": ["templates/static/photos/a.jpg"],
    "root/.well-known": ["root/.well-known/x.txt"],
    "root": ["root/CNAME", "root/.well-known/x.txt"],
}


@pytest.mark.parametrize("folder", UNSEARCHED)
def test_a_folder_that_can_be_listed_but_not_searched_is_reported_as_one_that_cannot_be_read(built, feeds,
                                                                                              monkeypatch,
                                                                                              folder: str) -> None:
    """chmod a-x: the names of what it holds can be listed, but nothing looked at, read or listed.
    Before, a new item in it was left out unsaid (a published one said to have disappeared), a file of
    root/ left out and taken down, a static file a crash; and a folder in it was named, not the folder."""
    site, _ = built
    for name in UNSEARCHED[folder]:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(news(OK_NEWS) if name.endswith(".md") else "x")
    if folder.startswith("content/"):
        before = tree_bytes(site / "public")  # the new items are not published yet
    else:
        assert feeds("build", "--site", site, "--now", EXAMPLE_NOW).code == 0
        before = tree_bytes(site / "public")
        assert {name.split("/", 1)[1] for name in UNSEARCHED[folder]} <= before.keys()  # static/..., CNAME
    # An error beside it, in a folder that can be read.
    bad, front = (("content/events/bad.md", "title: T\nstart: 2018-02-30\n") if folder.startswith("content/news")
                  else ("content/news/bad.md", "title: T\ndate: 2018-02-30\n"))
    (site / bad).write_text(news(front))
    unreadable(monkeypatch, site / folder, listed=True)
    held = "the items" if folder.startswith("content/") else "the files"
    for command, said in (("check", "feeds: 2 errors"), ("build", "feeds: 2 errors; nothing was written")):
        result = feeds(command, "--site", site, "--now", EXAMPLE_NOW)
        assert result.code == 1
        assert "Traceback" not in result.err
        errors = [line for line in result.err.splitlines() if ": warning" not in line]
        assert len([line for line in errors if line.startswith(f"{bad}:3: ")]) == 1
        assert [line for line in errors if not line.startswith(f"{bad}:3: ")] == [
            f"{folder}/: cannot be read: Permission denied; {held} in it would be left out {FOLDER_HINT}", said]
    assert tree_bytes(site / "public") == before


@pytest.mark.parametrize("linked", ["content/news/linked.md", "root/press.txt"])
def test_a_file_linked_into_a_folder_that_cannot_be_searched_is_reported_as_one_that_cannot_be_read(
        built, feeds, monkeypatch, linked: str) -> None:
    """A content file or a file of root/ that is a link into a folder that can be listed but not
    searched (chmod a-x): the link can be looked at, what it leads to cannot. Before, the file was
    left out unsaid (and the build went on, for root/ taking the file down)."""
    site, before = built
    (site / "shared").mkdir()
    (site / "shared/target").write_text(news(OK_NEWS))
    (site / linked).parent.mkdir(exist_ok=True)
    (site / linked).symlink_to(os.path.relpath(site / "shared/target", (site / linked).parent))
    unreadable(monkeypatch, site / "shared", listed=True)
    for command in ("check", "build"):
        result = feeds(command, "--site", site, "--now", EXAMPLE_NOW)
        assert result.code == 1 and "Traceback" not in result.err, result.err
        assert_reported(result.err, [f"{linked}{':1' if linked.endswith('.md') else ''}: cannot be read: "
                                     "Permission denied"])
    assert tree_bytes(site / "public") == before


def test_usage_errors_exit_2(feeds) -> None:
    assert feeds("build", "--now", "yesterday").code == 2
    assert feeds("publish").code == 2
    assert feeds("build", "--base-url", "staging.example.org").code == 2  # no scheme: links would be relative
    assert feeds("serve", "--port", "70000").code == 2
    assert feeds("new", "event", "Summit", "--start", "2019-13-01").code == 2


@pytest.mark.parametrize("command", [["build"], ["check"], ["serve"], ["ping"], ["new", "news", "A title"]])
def test_a_site_folder_that_is_not_one_is_a_usage_error(tmp_path: Path, feeds, command: list[str]) -> None:
    """A --site that does not exist, or holds no site.toml, is the wrong folder given: exit 2, nothing written."""
    (tmp_path / "empty").mkdir()
    for folder, said in ((tmp_path / "nowhere", "is no folder"), (tmp_path / "empty", "holds no site.toml")):
        result = feeds(*command, "--site", folder)
        assert result.code == 2 and f"--site {folder} {said} (hint: run feeds in the site directory" in result.err
    assert [p.name for p in tmp_path.iterdir()] == ["empty"] and not any((tmp_path / "empty").iterdir())


@pytest.mark.parametrize("output", [".", "..", "content/public", "templates/out", "root", "root/public", "site.toml",
                                    "published.json", "linked-content", "linked-content/public", "notes.txt"])
def test_an_output_that_would_sweep_away_the_site_is_refused(example_site: Path, feeds, output: str) -> None:
    """The build replaces its output folder whole: never the site's, one above it, or its sources
    (wherever a link leads)."""
    (example_site / "linked-content").symlink_to(example_site / "content")
    (example_site / "notes.txt").write_text("a file where the output would go")
    before = tree_bytes(example_site)
    result = feeds("build", "--site", example_site, "--output", example_site / output, "--now", EXAMPLE_NOW)
    assert result.code == 2 and "--output" in result.err
    assert tree_bytes(example_site) == before and sorted(p.name for p in example_site.parent.iterdir()) == ["site"]


def test_check_validates_without_writing(example_site: Path, feeds) -> None:
    before = tree_bytes(example_site)
    result = feeds("check", "--site", example_site)
    assert result.code == 0, result.err
    assert tree_bytes(example_site) == before  # no output, no ledger, no cache
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    (example_site / "content/news/2018-11-12-forum-joins-paris-call.md").touch()  # the cache would note it
    before = tree_bytes(example_site)
    assert feeds("check", "--site", example_site).code == 0
    assert tree_bytes(example_site) == before
    (example_site / "content/news/no-title.md").write_text("---\ndate: 2018-11-12\n---\n")
    assert feeds("check", "--site", example_site).code == 1


def test_a_template_that_fails_when_it_runs_is_reported_with_the_contents_errors(example_site: Path, feeds) -> None:
    """A fault only rendering finds is found on the valid items: fixing the content does not reveal it a run later."""
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    before = tree_bytes(example_site / "public")
    apply(Case("", {"content/news/bad-date.md": news("title: T\ndate: 2018-02-30\n"),
                    "templates/news.html": '{% extends "base.html" %}\n{% block main %}\n{% include "byline.html" %}\n{% endblock %}\n',
                    "templates/byline.html": '<p>\n{{ item.byline }}</p>\n',
                    "templates/tags.html": '{% extends "base.html" %}\n{% block main %}{{ 1 // 0 }}{% endblock %}\n'}, []),
          example_site)
    expected = ["content/news/bad-date.md:3: date:",
                "templates/byline.html:2: template error:",
                "templates/tags.html:2: template error: integer division"]
    reported_by_check_and_build(feeds, example_site, expected)
    assert tree_bytes(example_site / "public") == before


def test_a_fault_on_a_built_in_templates_line_names_it_as_built_in(example_site: Path, feeds) -> None:
    """A site's macros.html whose macro takes other arguments than the built-in pages give it fails on
    the built-in pages' lines: named builtin/<name>, as a site's template extends it, not as a file
    of the site's templates/."""
    (example_site / "templates").mkdir()
    (example_site / "templates/macros.html").write_text("{% macro item_tags() %}{% endmacro %}\n")
    result = feeds("check", "--site", example_site)
    assert result.code == 1
    for name in ("news.html", "event.html"):
        assert re.search(rf"^builtin/{name}:[1-9][0-9]*: template error: macro 'item_tags' takes ", result.err,
                         re.MULTILINE), result.err
    assert "templates/news.html" not in result.err


def test_check_finds_template_errors(example_site: Path, feeds) -> None:
    case = next(c for c in ERRORS if c.name == "template-runtime")
    apply(case, example_site)
    result = feeds("check", "--site", example_site)
    assert result.code == 1
    assert_reported(result.err, case.expected)
    assert not (example_site / "public").exists()


def test_every_failing_template_is_reported_in_one_run(example_site: Path, feeds) -> None:
    """A fault that shows only when a template is rendered: each template's, not the first alone."""
    apply(Case("", {"templates/news.html": '{% extends "base.html" %}\n{% block main %}\n{{ item.subtitle }}\n{% endblock %}\n',
                    "templates/event.html": '{% extends "base.html" %}\n{% block main %}\n\n{{ foo.bar }}\n{% endblock %}\n',
                    "templates/tags.html": '{% extends "base.html" %}\n{% block main %}{{ 1 // 0 }}{% endblock %}\n'}, []),
          example_site)
    expected = ["templates/news.html:3: template error:",
                "templates/event.html:4: template error:",
                "templates/tags.html:2: template error:"]
    for err in reported_by_check_and_build(feeds, example_site, expected):
        assert err.count("templates/news.html:3") == 1  # one problem, however many pages it spoils
    assert not (example_site / "public").exists()


def test_example_site_is_clean_under_strict(example_site: Path, feeds) -> None:
    result = feeds("check", "--strict", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    assert result.err == ""


def test_hidden_files_and_backups_under_content_are_no_strays(example_site: Path, feeds) -> None:
    for name in ("content/news/.gitkeep", "content/.DS_Store", "content/news/x.md~", "content/events/#x.md#",
                 "content/events/Thumbs.db", "content/.drafts/x.md", "content/news/.obsidian/app.json",
                 "content/news/.drafts/draft.md"):
        (example_site / name).parent.mkdir(parents=True, exist_ok=True)
        (example_site / name).write_text(news(OK_NEWS))
    result = feeds("check", "--strict", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    assert "1 news item and" in result.out  # a hidden folder holds no content: its files are not read


def test_hidden_markdown_files_under_content_are_not_read(example_site: Path, feeds) -> None:
    """A hidden file named *.md is let be as any hidden file is: a draft kept out of sight, or the
    AppleDouble file macOS writes beside each file it copies to a share or an archive (._x.md), which
    holds no text at all."""
    (example_site / "content/news/.unfinished.md").write_text(news(OK_NEWS))
    (example_site / "content/events/._annual-gathering-2018.md").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X\xa0")
    result = feeds("check", "--strict", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    assert result.err == ""
    assert "1 news item and 1 event are valid" in result.out


def test_only_files_reached_through_a_link_are_marked_for_resolving(tmp_path: Path) -> None:
    """The walk marks what could lead outside (a linked file, a file in a linked folder), and nothing else:
    read_source resolves the marked paths alone, so a site reached by a link of its own is no exception."""
    from feeds.listing import source_files

    site = tmp_path / "site"
    (site / "content/news").mkdir(parents=True)
    (site / "content/news/plain.md").write_text("---\ntitle: x\n---\n")
    (site / "content/news/linked.md").symlink_to(site / "content/news/plain.md")
    (tmp_path / "partner").mkdir()
    (tmp_path / "partner/x.md").write_text("---\ntitle: x\n---\n")
    (site / "content/events").symlink_to(tmp_path / "partner", target_is_directory=True)
    (tmp_path / "alias").symlink_to(site, target_is_directory=True)
    expected = [("content/news/linked.md", True), ("content/news/plain.md", False), ("content/events/x.md", True)]
    assert source_files(site) == source_files(tmp_path / "alias") == expected


def test_nesting_is_refused_just_past_the_limit() -> None:
    """A body with no more '<' than the limit skips the tag scan; the boundary is where it was."""
    from feeds.limits import MAX_HTML_DEPTH, TooDeep, check_depth

    check_depth("<div>" * MAX_HTML_DEPTH)  # as many '<' as the limit: not scanned, and within it
    check_depth("<div>" * MAX_HTML_DEPTH + "</div>" * MAX_HTML_DEPTH)  # scanned, exactly at the limit
    with pytest.raises(TooDeep, match=f"nests {MAX_HTML_DEPTH + 1} levels deep"):
        check_depth("<div>" * (MAX_HTML_DEPTH + 1))


def test_a_setting_read_as_another_ones_default_is_reported_once(example_site: Path, feeds) -> None:
    config = example_site / "site.toml"
    lines = config.read_text().splitlines()
    lines[2] = "description = 5"  # the site's, which is also the calendar's default
    config.write_text("\n".join(lines) + "\n")
    result = feeds("check", "--site", example_site)
    assert result.code == 1
    assert result.err.count("site.toml:3: description: expected text, got 5") == 1, result.err


def test_an_output_folder_holding_what_no_build_made_is_left_alone(example_site: Path, feeds, tmp_path: Path) -> None:
    """A folder of someone's files (a Pages checkout's .git and CNAME) is never replaced: its files
    would be swept away, at the latest by the build after."""
    deploy = tmp_path / "deploy"
    (deploy / ".git").mkdir(parents=True)
    (deploy / "CNAME").write_text("newsroom.example.org\n")
    (deploy / ".DS_Store").write_bytes(b"")
    before = tree_bytes(deploy)
    for _ in range(2):
        result = feeds("build", "--site", example_site, "--output", deploy, "--now", EXAMPLE_NOW)
        assert result.code == 1
        assert f"{deploy}: holds .git, CNAME, which no build makes" in result.err
        assert tree_bytes(deploy) == before and (deploy / ".git").is_dir()
    (deploy / ".git").rmdir()
    (deploy / "CNAME").unlink()
    assert feeds("build", "--site", example_site, "--output", deploy, "--now", EXAMPLE_NOW).code == 0
    # A build's own output is replaced, by a build that knows it from the cache or not, even one that
    # no longer makes all it holds (a site whose last event went).
    assert feeds("build", "--site", example_site, "--output", deploy, "--now", EXAMPLE_NOW, "--no-cache").code == 0
    (example_site / "content/events/annual-gathering-2018.md").unlink()
    (example_site / "published.json").unlink()
    assert feeds("build", "--site", example_site, "--output", deploy, "--now", EXAMPLE_NOW, "--no-cache").code == 0
    assert not (deploy / "events/annual-gathering-2018").exists()


@pytest.mark.parametrize("tag", ["en", "fr-CH", "zh-Hant-TW", "zh-yue-HK", "es-419", "sr-Latn-RS", "en-US-u-ca-gregory",
                                 "de-DE-x-private", "x-klingon", "i-klingon"])
def test_every_well_formed_language_tag_is_taken(tag: str) -> None:
    from feeds.languages import language_problem

    assert language_problem(tag) is None


@pytest.mark.parametrize("tag", ["fr_CH", "English", "de DE", "e", "en-", "en--US"])
def test_a_malformed_language_tag_is_refused(tag: str) -> None:
    from feeds.languages import language_problem

    assert language_problem(tag) is not None


def test_a_value_with_line_breaks_is_reported_on_one_line(example_site: Path, feeds) -> None:
    (example_site / "content/events/crlf.md").write_text(
        '---\ntitle: E\nstart: 2018-11-26\nrrule: "FREQ=DAILY;COUNT=3\\r\\nX-INJ:1"\nlocation: Bern\n---\nE.\n')
    result = feeds("check", "--site", example_site)
    assert result.code == 1
    [line] = [line for line in result.err.splitlines() if "crlf.md" in line]
    assert line.startswith("content/events/crlf.md:4: rrule: not an iCalendar rule") and "X-INJ" in line


def test_a_link_escaping_terminal_codes_is_reported_with_them_written_out(example_site: Path, feeds) -> None:
    """A link's path is reported with its escapes undone: the control characters they give (an escape
    sequence that clears the screen, or a line break forging a line) are written out, not sent to the
    terminal or the CI log."""
    (example_site / "content/news/codes.md").write_text(
        "---\ntitle: T\ndate: 2018-11-12\n---\n[chart](../../static/%1B%5B2J%07%0A%3A%3Aerror%3A%3Ax.png)\n")
    result = feeds("check", "--site", example_site)
    assert result.code == 0
    [line] = [line for line in result.err.splitlines() if "codes.md" in line]
    assert line.startswith("content/news/codes.md:5: warning: body: leads to static/\\x1b[2J\\x07\\n::error::x.png, ")
    assert result.err.replace("\n", "").isprintable()


def test_a_file_name_that_is_not_utf8_is_reported_at_the_file(example_site: Path, feeds, monkeypatch) -> None:
    """A name in another encoding (Latin-1's Gen\\xe8ve, from an old share or archive) is an error at the
    file, its bytes written out, in the log and in CI's annotations; a file beside the items, a warning."""
    news = os.fsencode(example_site / "content/news")
    with open(os.path.join(news, b"Gen\xe8ve.md"), "wb") as stream:
        stream.write(b"---\ntitle: Geneva\ndate: 2018-11-13\n---\nText.\n")
    with open(os.path.join(news, b"Gen\xe8ve.docx"), "wb") as stream:
        stream.write(b"PK")
    printed = reported_by_check_and_build(feeds, example_site, [
        "content/news/Gen\\xe8ve.md:1: the file's name is not UTF-8 (hint: rename it; its slug, its page's URL, is "
        "made from it)",
        "content/news/Gen\\xe8ve.docx: warning: is not named *.md, so it is not published"])
    assert all(err.encode("utf-8") for err in printed)
    monkeypatch.chdir(example_site)
    annotations = feeds("check", "--site", ".", "--format", "github")
    assert "::error file=content/news/Gen\\xe8ve.md,line=1,title=feeds::the file's name is not UTF-8" in annotations.out
    assert annotations.out.encode("utf-8")


def test_a_ledger_edited_by_hand_into_values_no_feed_can_carry_is_reported_at_its_lines(example_site: Path,
                                                                                        feeds) -> None:
    """published.json is the build's, but it is committed and can be edited: an id with a space or a
    control character, or a sequence written as text, is reported where it is, each one, and nothing
    is built (such an id crashed the feeds' XML writer, such a sequence the calendar)."""
    ledger = example_site / "published.json"
    ledger.write_text(ledger.read_text(encoding="utf-8")
                      .replace('"tag:newsroom.example.org,2018-11-12:news/forum', '"tag:newsroom.example.org,2018-11-12:news/\\u0007forum')
                      .replace(':events/annual-gathering-2018"', ':events/annual gathering-2018"')
                      .replace('"sequence": 0', '"sequence": "0"'), encoding="utf-8")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert [line.split(" (hint:")[0] for line in result.err.splitlines()[:-1]] == [
        "published.json:5: id: 'tag:newsroom.example.org,2018-11-12:events/annual gathering-2018' is not an absolute "
        "URI, which feeds need an id to be",
        'published.json:9: sequence: expected a number, got "0"',
        "published.json:13: id: contains the control character U+0007",
    ]
    assert not (example_site / "public").exists()
    ledger.write_text("[]", encoding="utf-8")
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.err.startswith('published.json: unreadable ledger: expected {"version": 1, "items": [...]}')


def test_files_where_the_sites_own_should_be_are_reported(example_site: Path, feeds) -> None:
    """A folder standing where site.toml or published.json should be, or a file where the cache's
    folder should be: located errors, or a build without a cache, never a traceback."""
    (example_site / ".feeds-cache").write_text("not a folder")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    (example_site / "published.json").unlink()
    (example_site / "published.json").mkdir()
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1 and result.err.startswith("published.json: cannot be read: Is a directory"), result.err
    (example_site / "site.toml").unlink()
    (example_site / "site.toml").mkdir()
    result = feeds("check", "--site", example_site)
    assert result.code == 1 and result.err.startswith("site.toml: cannot be read: Is a directory"), result.err


def test_a_link_in_a_loop_is_left_out_as_a_dangling_one_is(example_site: Path, feeds) -> None:
    (example_site / "content/news/loop.md").symlink_to("loop.md")
    (example_site / "content/news/gone.md").symlink_to("nowhere.md")
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0


def test_a_folder_two_names_lead_to_is_listed_by_its_own_name(tmp_path: Path) -> None:
    """Whatever order the file system lists a folder in, a folder reached by its name and by links
    beside it is walked once, under its own name; and a content folder that is a link in a loop
    holds nothing, as a dangling one does."""
    from feeds.listing import source_files

    site = tmp_path / "site"
    (site / "content/news/real").mkdir(parents=True)
    (site / "content/news/real/x.md").write_text("---\ntitle: x\n---\n")
    for name in "abcdefgh":  # names before and after "real", so that no listing order finds it first by luck
        (site / "content/news" / name).symlink_to("real", target_is_directory=True)
    (site / "content/news/zz").symlink_to("real", target_is_directory=True)
    (site / "content/events").symlink_to("events", target_is_directory=True)  # a loop
    assert source_files(site) == [("content/news/real/x.md", False)]


def test_a_folder_under_content_that_a_news_folder_links_to_is_published_without_a_warning(example_site: Path,
                                                                                          feeds) -> None:
    """content/news/press/ links to content/press/: its files are published, so they are no strays."""
    (example_site / "content/press").mkdir()
    (example_site / "content/press/x.md").write_text(news(OK_NEWS), encoding="utf-8")
    (example_site / "content/news/press").symlink_to("../press", target_is_directory=True)
    (example_site / "content/elsewhere.md").write_text(news(OK_NEWS), encoding="utf-8")  # a stray still
    result = feeds("check", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0 and "2 news items" in result.out, result.err
    assert [line.split(":")[0] for line in result.err.splitlines()] == ["content/elsewhere.md"]
