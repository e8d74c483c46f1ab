"""CommonMark with GitHub's extensions, by cmark-gfm through cmarkgfm, without the wrapper's leak.

cmarkgfm's `markdown_to_html_with_extensions` frees the parser but neither the parsed document nor
the HTML buffer cmark-gfm returns: some 40 KB per body, which made each parsing worker grow by about
200 MB at 10,000 items. This makes the same calls through cmarkgfm and frees both with cmark-gfm's
own functions, found in cmarkgfm's extension module, which exports them though its bindings do not
declare them; where they cannot be found, cmarkgfm's own function is used as it is.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable

import cmarkgfm
from cmarkgfm import _cmark
from cmarkgfm.cmark import (
    core_extensions_ensure_registered,
    find_syntax_extension,
    parser_attach_syntax_extension,
    parser_feed,
    parser_finish,
    parser_free,
    parser_get_syntax_extensions,
    parser_new,
)


def _freeing_functions() -> tuple[Callable[[int], None], Callable[[int], None]] | None:
    """cmark_node_free, and the C library's free (cmark-gfm's default allocator), or None."""
    try:
        node_free = ctypes.CDLL(_cmark.__file__).cmark_node_free
        free = ctypes.CDLL(None).free
    except (OSError, AttributeError):
        return None
    node_free.argtypes = free.argtypes = [ctypes.c_void_p]
    node_free.restype = free.restype = None
    return node_free, free


_FREEING = _freeing_functions()


def to_html(markdown: str, *, options: int, extensions: list[str]) -> str:
    """The HTML of the Markdown, as cmarkgfm.markdown_to_html_with_extensions renders it."""
    if _FREEING is None:
        return cmarkgfm.markdown_to_html_with_extensions(markdown, options=options, extensions=extensions)
    node_free, free = _FREEING
    core_extensions_ensure_registered()
    parser = parser_new(options=options)
    try:
        for name in extensions:
            parser_attach_syntax_extension(parser, find_syntax_extension(name))
        parser_feed(parser, markdown)
        document = parser_finish(parser)
        try:
            rendered = _cmark.lib.cmark_render_html(document, options, parser_get_syntax_extensions(parser))
            try:
                # cmark writes a reference to a code point outside Unicode (&#xFFFF;) as bytes that
                # are no UTF-8: they read as U+FFFD, as CommonMark renders any invalid reference.
                return _cmark.ffi.string(rendered).decode("utf-8", errors="replace")
            finally:
                free(_address(rendered))
        finally:
            node_free(_address(document))
    finally:
        parser_free(parser)


def _address(pointer: object) -> int:
    return int(_cmark.ffi.cast("uintptr_t", pointer))
