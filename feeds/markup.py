"""Markdown to safe HTML: CommonMark (GitHub's cmark-gfm) behind one function, then sanitised."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from cmarkgfm.cmark import Options

from feeds import commonmark
from feeds.limits import check_depth, directions_closed

_EXTENSIONS = ["table", "strikethrough", "autolink", "tasklist"]
# Raw HTML is let through cmark and then cleaned by nh3, so safe markup a writer pastes survives and
# scripts and styles disappear with their content (GFM's tagfilter would show them as text instead).
_OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_SMART | Options.CMARK_OPT_FOOTNOTES

_ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"figure", "figcaption", "picture", "source", "del", "input", "section"}
_ALLOWED_ATTRIBUTES = {
    **nh3.ALLOWED_ATTRIBUTES,
    "img": {"src", "alt", "title", "width", "height", "loading", "srcset", "sizes"},
    "source": {"srcset", "type", "media", "sizes"},
    "a": {"href", "title", "hreflang", "id", "aria-label"},  # id and aria-label: footnotes' links
    "li": {"id"},  # a footnote, which its reference links to
    "td": {"align"},
    "th": {"align"},
    "input": {"type", "checked", "disabled"},
    "ol": {"start"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel", "webcal"}  # webcal: a calendar to subscribe to
# The classes cmark-gfm gives footnotes, for a stylesheet to find them.
_ALLOWED_CLASSES = {"sup": {"footnote-ref"}, "a": {"footnote-backref"}, "section": {"footnotes"}}
# <input> is allowed only as a task list's tick box: never a field a reader could type into.
_FORCED_ATTRIBUTES = {"input": {"type": "checkbox", "disabled": ""}}


def _sanitizer(classes: dict[str, set[str]]) -> nh3.Cleaner:
    """The sanitiser of these settings, allowing these classes by tag."""
    return nh3.Cleaner(tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES, url_schemes=_URL_SCHEMES,
                       link_rel="noopener noreferrer", set_tag_attribute_values=_FORCED_ATTRIBUTES,
                       allowed_classes=classes)


# Made once: nh3.clean would turn these settings into the sanitiser's own each call, which took a
# third of its time over the bodies of a newsroom.
_SANITIZER = _sanitizer(_ALLOWED_CLASSES)
# A fenced code block's language, as cmark-gfm writes it (the first word of the fence's info string,
# HTML-escaped), for a template's highlighter (highlight.js, Prism) to find as Hugo and Jekyll give it.
_LANGUAGE_CLASS = re.compile(r'<code class="language-([^"]*)"')
# A language's name as highlighters spell them (python, c++, c#, objective-c, vue.js): a name with a
# quote, a space, an '&' or anything else that is not one of these loses its class, not its code.
_LANGUAGE_NAME = re.compile(r"[A-Za-z0-9_+#.-]+")
_TEXT_ONLY = nh3.Cleaner(tags=set())
# Each attribute in a tag, never in text (a code sample showing one): the sanitiser writes every
# attribute double-quoted and every '<' and '>' of text and of attribute values escaped.
_URL_LIST = re.compile(r'(<[a-zA-Z][^<>]*?) (srcset|cite)="([^"]*)"')
# An id a body gives that is not one of its footnotes' (fn-1, fnref-1), which could repeat one of
# the page's own (main, subscribe).
_OTHER_ID = re.compile(r'(<[a-zA-Z][^<>]*?) id="(?!fn-[^"]*"|fnref-[^"]*")[^"]*"')
# The start tag of a link without an address (javascript: or ftp: removed, or an anchor, <a name>),
# with the rel the sanitiser gives every link: HTML allows neither rel nor hreflang on such a link.
_PLACEHOLDER = re.compile(r'<a((?: (?!href=)[\w-]+="[^"]*")*) rel="noopener noreferrer">')
_HREFLANG = re.compile(r' hreflang="[^"]*"')


_FOOTNOTES = '<section class="footnotes">'  # as the sanitiser leaves cmark-gfm's


def to_html(markdown: str) -> str:
    """Render Markdown to HTML with scripts, event handlers and unsafe URLs removed."""
    raw = commonmark.to_html(markdown, options=_OPTIONS, extensions=_EXTENSIONS)
    clean = _scrollable(sanitize(raw))
    return _TASK.sub(_labelled_task, clean) if '<li><input type="checkbox"' in clean else clean


def _scrollable(fragment: str) -> str:
    """Code blocks and tables, which the stylesheet lets scroll sideways in their box where the page is
    narrower, made stops of the Tab key, so that a reader without a mouse can scroll them with the arrow
    keys: some browsers make such a box focusable of themselves, others leave it out of reach."""
    if "<pre>" in fragment:
        fragment = fragment.replace("<pre>", '<pre tabindex="0">')
    if "<table>" in fragment:
        fragment = fragment.replace("<table>", '<table tabindex="0">')
    return fragment


_HEADING = re.compile(r'<h([1-6]) data-sourcepos="(\d+):')


def headings(markdown: str) -> list[tuple[int, int]]:
    """The level of each heading the Markdown writes, with its line (from 1), in order."""
    marked = commonmark.to_html(markdown, options=_OPTIONS | Options.CMARK_OPT_SOURCEPOS, extensions=_EXTENSIONS)
    return [(int(heading[1]), int(heading[2])) for heading in _HEADING.finditer(marked)]


_CODE_BLOCK = re.compile(r'<pre data-sourcepos="(\d+):\d+-(\d+):')


def code_block_lines(markdown: str) -> set[int]:
    """The lines (from 1) of the Markdown's code blocks, fenced or indented, fences included."""
    marked = commonmark.to_html(markdown, options=_OPTIONS | Options.CMARK_OPT_SOURCEPOS, extensions=_EXTENSIONS)
    return {line for block in _CODE_BLOCK.finditer(marked) for line in range(int(block[1]), int(block[2]) + 1)}


# A task list item's tick box and the words after it, as cmark-gfm and the sanitiser write them: up to
# the end of the item, of its paragraph (a loose list's, which the box stands before) or of its line
# before a block (a nested list).
_TASK = re.compile(r'<li>(<input type="checkbox"[^>]*>) ?(\n<p>)?((?:(?!<input\b).)*?)'
                   r'(?=</li>|</p>|\n<(?:ul|ol|p|blockquote|pre|table|h[1-6]|div|figure)\b)', re.DOTALL)


def _labelled_task(task: re.Match[str]) -> str:
    """The item with its box and words in one <label>, which names the box for screen readers (a box
    without a name is read as "check box, checked" alone); a loose item's box moves into its paragraph."""
    return f"<li>{task[2] or ''}<label>{task[1]} {task[3]}</label>"


def sanitize(fragment: str) -> str:
    """Keep only safe tags, attributes and URL schemes (nh3, the Rust ammonia sanitiser).

    Raises TooDeep for HTML nested so deeply that sanitising it would take minutes.
    """
    check_depth(fragment)
    sanitizer = _SANITIZER
    if 'class="language-' in fragment:  # most bodies have no fenced code with a language: no work
        languages = frozenset(filter(_LANGUAGE_NAME.fullmatch, _LANGUAGE_CLASS.findall(fragment)))
        sanitizer = _keeping_languages(languages)
    clean = sanitizer.clean(fragment)
    if sanitizer is not _SANITIZER:  # nh3 leaves class="" on a <code> whose classes all went
        clean = clean.replace('<code class="">', "<code>")
    if ' id="' in clean:
        clean = _OTHER_ID.sub(r"\1", clean)
    if ' srcset="' in clean or ' cite="' in clean:
        clean = _URL_LIST.sub(_with_safe_urls, clean)
    return _PLACEHOLDER.sub(_without_rel, clean)


@lru_cache(maxsize=64)
def _keeping_languages(languages: frozenset[str]) -> nh3.Cleaner:
    """The sanitiser, keeping also these languages' classes on <code> (language-python): nh3 allows
    classes by exact name alone, and a newsroom's code blocks are in a few languages, so one sanitiser
    per set of them, made once, costs nothing per attribute as a Python filter of each would."""
    if not languages:
        return _SANITIZER
    return _sanitizer({**_ALLOWED_CLASSES, "code": {f"language-{name}" for name in languages}})


def _without_rel(placeholder: re.Match[str]) -> str:
    """A link's start tag without rel and hreflang, which a link without an address may not have."""
    return f"<a{_HREFLANG.sub('', placeholder[1])}>"


# How cmark-gfm names a footnote's link back, in English whatever the language.
_BACK_LABEL = re.compile(r'aria-label="Back to reference ([^"]*)"')


def with_back_labels(fragment: str, label: str) -> str:
    """The fragment with its footnotes' links back named as `label` says ("Retour à l'appel {number}"),
    where cmark-gfm names them in English."""
    if label == "Back to reference {number}" or 'class="footnote-backref"' not in fragment:
        return fragment
    return _BACK_LABEL.sub(lambda found: f'aria-label="{html.escape(label.format(number=found[1]))}"', fragment)


def with_footnotes_heading(fragment: str, heading: str) -> str:
    """The fragment with a heading, for screen readers alone, at the top of its footnotes' section: a
    section without one is a landmark no one can find by its name (the Nu Html Checker warns of it)."""
    if _FOOTNOTES not in fragment:
        return fragment
    return fragment.replace(_FOOTNOTES, f'{_FOOTNOTES}<h2 class="visually-hidden">{html.escape(heading)}</h2>', 1)


def _with_safe_urls(attribute: re.Match[str]) -> str:
    """A tag's start with its srcset or cite attribute, or without it when one of its URLs has a scheme
    not allowed: the sanitiser checks the schemes of href and src alone."""
    pieces = attribute[3].split(",") if attribute[2] == "srcset" else [attribute[3]]
    for piece in pieces:
        url = html.unescape(piece).strip().split(" ")[0]
        try:
            scheme = urlsplit(url).scheme.lower()
        except ValueError:
            return attribute[1]
        if scheme and scheme not in _URL_SCHEMES:
            return attribute[1]
    return attribute[0]


# A footnote's reference (its number) and the link back to it, as cmark-gfm and the sanitiser write them.
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref"><a [^>]*>([^<]*)</a></sup>')
_FOOTNOTE_BACK = re.compile(r'\s*<a [^>]*class="footnote-backref"[^>]*>[^<]*</a>')


# An image, and its text alternative, as the sanitiser writes them (attributes double-quoted).
_IMAGE = re.compile(r"<img\s[^>]*>")
_ALT = re.compile(r'\salt="([^"]*)"')


def _text_on_one_line(fragment: str) -> str:
    """The plain text of an HTML fragment on one line, whitespace collapsed, without footnote numbers,
    as a summary gives it (to_plain_text keeps paragraphs apart); an image reads as its alt text."""
    check_depth(fragment)
    if "footnote-" in fragment:
        fragment = _FOOTNOTE_BACK.sub("", _FOOTNOTE_REF.sub("", fragment))
    if "<br" in fragment:  # "report<br>and" reads "report and", not "reportand"
        fragment = _LINE_END.sub(" ", fragment)
    return directions_closed(" ".join(html.unescape(_TEXT_ONLY.clean(_with_alt_texts(fragment))).split()))


# The start or end of a block, where words stand apart though no space is written: the blocks of a
# summary before <!--more--> (a paragraph holds none).
_BLOCK_EDGE = re.compile(r"<(?:hr|/?(?:p|div|h[1-6]|blockquote|pre|ul|ol|li|dl|dt|dd|table|tr|td|th|caption|figure|"
                         r"figcaption|section|aside|details|summary))\b[^>]*>")


def _with_alt_texts(fragment: str) -> str:
    """The fragment with each image replaced by its alt text (still escaped), or by nothing: a plain
    text reads "a map of Geneva" where the page shows the map."""
    if "<img" not in fragment:
        return fragment
    return _IMAGE.sub(lambda image: alt[1] if (alt := _ALT.search(image[0])) else "", fragment)


_PARAGRAPH_END = re.compile(r"</(?:p|h[1-6]|blockquote|pre|ul|ol|table|figure)>", re.IGNORECASE)
_LINE_END = re.compile(r"</tr>|<br\s*/?>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<(/?)(ol|ul|li)\b([^>]*)>", re.IGNORECASE)
_START = re.compile(r'\sstart="(-?\d+)"')


class _Bullets:
    """Each list item's line start, for `_LIST_ITEM.sub`: "- " in a bulleted list, "1. " and on in a
    numbered one (from its start), as a plain-text reader would write them."""

    def __init__(self) -> None:
        self.numbers: list[int | None] = []  # the next number of each open list; None: bulleted

    def __call__(self, tag: re.Match[str]) -> str:
        closing, name = tag[1] == "/", tag[2].lower()
        if name == "li":
            if closing or not self.numbers or self.numbers[-1] is None:
                return "" if closing else "\n- "
            self.numbers[-1] += 1
            return f"\n{self.numbers[-1] - 1}. "
        if closing:
            if self.numbers:
                self.numbers.pop()
        else:
            start = _START.search(tag[3])
            self.numbers.append((int(start[1]) if start else 1) if name == "ol" else None)
        return tag[0]  # the list's own tags end a block, as a paragraph's do


_TAG = re.compile(r"<[^>]*>")
# A link with its address in full, as the sanitiser writes it (attributes double-quoted): the address
# is kept in the text, where a reader cannot follow a link.
_WEB_LINK = re.compile(r'<a\s[^>]*?href="(https?://[^"]+)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)


def to_plain_text(fragment: str) -> str:
    """The text of an HTML fragment with its paragraphs and list items kept apart, and the addresses
    of its links to the web after their words, for plain-text readers (calendars)."""
    if "footnote-" in fragment:  # a reference reads [1], and the way back is no use without links
        fragment = _FOOTNOTE_BACK.sub("", _FOOTNOTE_REF.sub(r"[\1]", fragment))
    fragment = _WEB_LINK.sub(_link_text, _with_alt_texts(fragment))
    flat = " ".join(fragment.split())  # HTML whitespace is one space; only block ends break lines
    marked = _LINE_END.sub("\n", _PARAGRAPH_END.sub("\n\n", _LIST_ITEM.sub(_Bullets(), flat)))
    lines = (" ".join(line.split()) for line in html.unescape(_TEXT_ONLY.clean(marked)).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


# Two blank lines or more. Written with its three line ends spelled out, the pattern begins with a
# fixed text that the search skips ahead to: as \n{3,} it took 14 times as long (0.3 s for 10,000 bodies).
_BLANK_LINES = re.compile(r"\n\n\n+")


def _link_text(link: re.Match[str]) -> str:
    address, words = link[1], link[2]
    shown = html.unescape(_TAG.sub("", words)).strip()  # sanitised HTML: every < begins a tag
    return words if shown == html.unescape(address) else f"{words} ({address})"


# A paragraph's tags, and those of the blocks that can hold one (a quote, a list, a table...), as
# cmark-gfm and the sanitiser write them.
_BLOCK_TAG = re.compile(r"<(/?)(p|blockquote|ul|ol|table|div|figure|details|section|aside)\b[^>]*>", re.IGNORECASE)


# Hugo's summary divider (and Jekyll's, where a site sets it as its excerpt_separator).
_MORE = re.compile(r"<!--\s*more\s*-->")


def lead(markdown: str) -> str:
    """The plain text of what the body writes before its first <!--more-->, or "" without one (a
    divider shown as code divides nothing)."""
    if "<" not in markdown or not _MORE.search(markdown):  # one character, found by memchr: faster than four
        return ""
    raw = commonmark.to_html(markdown, options=_OPTIONS, extensions=_EXTENSIONS)
    divider = _MORE.search(raw)  # as raw HTML, not in code, where it is written &lt;!--more--&gt;
    return _text_on_one_line(_BLOCK_EDGE.sub(" ", sanitize(raw[: divider.start()]))) if divider else ""


def first_paragraph(body_html: str) -> str:
    """The plain text of the body's first paragraph with text (not one inside a quote, list or table,
    nor one of images alone), for a summary the writer did not give."""
    depth, opened = 0, None
    for tag in _BLOCK_TAG.finditer(body_html):
        closing, name = tag[1] == "/", tag[2].lower()
        if name != "p":
            depth += -1 if closing else 1
        elif not closing and depth == 0:
            opened = tag.end()
        elif closing and opened is not None:
            paragraph = body_html[opened : tag.start()]
            text = _text_on_one_line(paragraph)
            if text and ("<img" not in paragraph or _text_on_one_line(_IMAGE.sub("", paragraph))):  # not images alone
                return text
            opened = None
    return ""
