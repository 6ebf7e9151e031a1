"""Find a font that draws Chinese, so chart labels never turn into boxes (tofu).

matplotlib's default font (DejaVu Sans) has no Chinese glyphs. The font is looked up at run
time, never assumed, in this order, and each candidate must really hold glyphs for
:data:`SAMPLE`:

1. the font file named by the ``SUPERVISE_CJK_FONT`` environment variable;
2. fonts matplotlib already knows whose family is a known CJK family (:data:`FAMILIES`);
3. font files on the system that matplotlib has not indexed yet (installed after its font
   cache was built, e.g. ``apt-get install fonts-wqy-microhei`` on a used machine);
4. any other font matplotlib knows.

When none is found, charts are labelled in English (with a :class:`FontWarning`) rather than
drawn with boxes. On Debian, ``apt-get install fonts-wqy-microhei`` (1.6 MB) is enough.

>>> font = find_cjk_font()
>>> font is None or bool(font.name)
True
"""

from __future__ import annotations

import functools
import os
import warnings
from types import ModuleType

import attrs

from supervise.errors import MissingExtra

__all__ = ["FAMILIES", "SAMPLE", "CJKFont", "FontWarning", "chart_lang", "find_cjk_font"]

#: Text a font must draw to count as a Chinese font (labels the charts use).
SAMPLE = "督导学员进度环节人才梯次结构目标截至已完成逾期"
#: Family names of common fonts with simplified Chinese, preferred first.
FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Sarasa Gothic SC",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
    "Heiti SC",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "Noto Serif CJK SC",
)
#: The environment variable naming a font file to use.
ENV = "SUPERVISE_CJK_FONT"


class FontWarning(UserWarning):
    """No font that draws Chinese was found: charts fall back to English labels."""


@attrs.frozen
class CJKFont:
    """A font that draws Chinese: its family ``name`` (registered with matplotlib) and file."""

    name: str
    path: str


def font_manager() -> ModuleType:
    """matplotlib's font manager, or :class:`~supervise.errors.MissingExtra`."""
    try:
        from matplotlib import font_manager as fm
    except ImportError:
        raise MissingExtra("charts", "plot", "matplotlib") from None
    return fm


def _covers(path: str, text: str = SAMPLE) -> bool:
    """Whether the font file at ``path`` has a glyph for every character of ``text``."""
    fm = font_manager()
    try:
        font = fm.get_font(path)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) for ch in text)


def _register(path: str) -> CJKFont | None:
    """Add the font file at ``path`` to matplotlib (if new) and name it, when it covers
    :data:`SAMPLE`."""
    fm = font_manager()
    if not os.path.isfile(path) or not _covers(path):
        return None
    if not _names(path):
        fm.fontManager.addfont(path)
    names = _names(path)  # a collection (.ttc) has several faces: take a known family first
    return CJKFont(name=min(names, key=lambda n: n not in FAMILIES), path=path) if names else None


def _names(path: str) -> list[str]:
    """Family names matplotlib knows for the font file at ``path``."""
    return [e.name for e in font_manager().fontManager.ttflist if e.fname == path]


@functools.cache
def find_cjk_font() -> CJKFont | None:
    """The font charts use for Chinese, or ``None`` when the system has none (cached; see
    the module docstring for the search order)."""
    fm = font_manager()
    chosen = os.environ.get(ENV)
    if chosen:
        found = _register(chosen)
        if found is None:
            warnings.warn(
                f"{ENV}={chosen!r} is not a font file with Chinese glyphs; looking further",
                FontWarning,
                stacklevel=2,
            )
        else:
            return found
    entries = sorted(fm.fontManager.ttflist, key=lambda e: e.fname)
    rank = {name: n for n, name in enumerate(FAMILIES)}
    for entry in sorted((e for e in entries if e.name in rank), key=lambda e: rank[e.name]):
        if _covers(entry.fname):
            return CJKFont(name=entry.name, path=entry.fname)
    indexed = {e.fname for e in entries}
    for path in sorted(fm.findSystemFonts()):
        if path not in indexed and (found := _register(path)) is not None:
            return found
    for entry in entries:
        if entry.name not in rank and _covers(entry.fname):
            return CJKFont(name=entry.name, path=entry.fname)
    return None


def chart_lang(lang: str) -> tuple[str, CJKFont | None]:
    """The language charts can really be labelled in, and the Chinese font if any:
    ``("zh", font)`` when a font is found, else ``("en", None)`` with a
    :class:`FontWarning` for ``lang="zh"``."""
    from supervise.present import check_lang

    check_lang(lang)
    font_manager()  # MissingExtra before anything else when matplotlib is missing
    font = find_cjk_font()
    if lang == "zh" and font is None:
        warnings.warn(
            "no font with Chinese glyphs found: chart labels are in English "
            f"(install one, e.g. apt-get install fonts-wqy-microhei, or set {ENV})",
            FontWarning,
            stacklevel=3,
        )
        return "en", None
    return lang, font
