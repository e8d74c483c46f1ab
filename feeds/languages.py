"""Language tags (BCP 47): which are well formed, and which direction their script is written in."""

from __future__ import annotations

import re

# BCP 47's grammar, as HTML's lang, xml:lang and JSON Feed's language take it: a language of two or
# three letters (with extended subtags: zh-yue), then script, region, variants, extensions and
# private use (x-...), each optional; or private use alone, or an irregular grandfathered tag.
_TAG = re.compile(r"""
    (?:[a-z]{2,3}(?:-[a-z]{3}){0,3})           # language, extlang
    (?:-[a-z]{4})?                             # script
    (?:-(?:[a-z]{2}|[0-9]{3}))?                # region
    (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*   # variants
    (?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*        # extensions
    (?:-x(?:-[a-z0-9]{1,8})+)?                 # private use
    |x(?:-[a-z0-9]{1,8})+|i-[a-z]{2,8}
""", re.IGNORECASE | re.VERBOSE)
# Languages written right to left, unless their tag names another script; and such scripts (az-Arab).
_RTL_LANGUAGES = frozenset("ar arc azb bal ckb dv fa glk he iw ks lrc mzn nqo pnb prs ps sd syr ug ur yi".split())
_RTL_SCRIPTS = frozenset("adlm arab hebr mand nkoo rohg samr syrc thaa".split())


def language_problem(tag: str) -> tuple[str, str] | None:
    """What is wrong with a language tag, and a hint; None when it is well formed (en, fr-CH, zh-Hant-TW)."""
    if _TAG.fullmatch(tag):
        return None
    mended = tag.replace("_", "-")
    hint = f"did you mean {mended!r}?" if _TAG.fullmatch(mended) else "a tag such as en, fr-CH or zh-Hant"
    return f"not a language tag: {tag!r}", hint


def direction(tag: str) -> str:
    """'rtl' for a language written right to left (ar, he-IL, az-Arab), else 'ltr'."""
    language, *rest = tag.lower().split("-")
    script = next((part for part in rest if len(part) == 4 and part.isalpha()), "")
    return "rtl" if (script in _RTL_SCRIPTS if script else language in _RTL_LANGUAGES) else "ltr"
