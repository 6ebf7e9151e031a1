"""Find a font that draws Chinese, so chart labels never turn into boxes (tofu).

matplotlib's default font (DejaVu Sans) has no Chinese glyphs, and matplotlib 3.10+ bundles
"Last Resort", a font whose character map claims every character and draws each as a box.
So no font is taken on its word: a font counts as Chinese only when its family is not a box
font, it has a glyph for every character of :data:`SAMPLE`, those characters render to
pairwise different images (a box font draws them all alike), and matplotlib, asked for the
font's family, really picks a file that passes the same test.

Fonts are tried in this order:

1. the font file named by the ``SUPERVISE_CJK_FONT`` environment variable;
2. Noto Sans SC, shipped with the ``plot`` extra (the :data:`BUNDLED` file of the `zhplot`
   package), so charts draw Chinese on any machine, system fonts or not;
3. fonts matplotlib already knows whose family is a known CJK family (:data:`FAMILIES`);
4. font files on the system that matplotlib has not indexed yet (installed after its font
   cache was built);
5. any other font matplotlib knows.

Only when none passes (the bundled font removed, and no Chinese font on the system) are
charts labelled in English, with a :class:`FontWarning`, rather than drawn with boxes.
matplotlib is imported only when a chart is drawn, never by importing this module.

>>> font = find_cjk_font()
>>> font is None or bool(font.name)
True
"""

from __future__ import annotations

import functools
import importlib.util
import os
import warnings
from collections.abc import Iterator
from types import ModuleType

import attrs

from supervise.errors import MissingExtra

__all__ = [
    "BUNDLED",
    "FAMILIES",
    "SAMPLE",
    "CJKFont",
    "FontWarning",
    "bundled_font_path",
    "chart_lang",
    "draws_chinese",
    "find_cjk_font",
]

#: Text a font must draw to count as a Chinese font (labels the charts use; no character
#: twice, since each must render differently from every other).
SAMPLE = "督导学员进度环节人才梯次结构目标截至已完成逾期"
#: The package that ships the font of the ``plot`` extra, and the font file inside it:
#: Noto Sans SC Regular (SIL Open Font License 1.1), 10.6 MB.
BUNDLED = ("zhplot", "fonts/NotoSansSC-Regular.ttf")
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
#: Words in the family names of fonts that claim every character and draw boxes.
BOX_FONTS = ("Last Resort",)
#: The environment variable naming a font file to use.
ENV = "SUPERVISE_CJK_FONT"


class FontWarning(UserWarning):
    """No font that draws Chinese was found: charts fall back to English labels."""


@attrs.frozen
class CJKFont:
    """A font that draws Chinese: its family ``name`` (registered with matplotlib) and the
    file matplotlib picks for that family."""

    name: str
    path: str


def font_manager() -> ModuleType:
    """matplotlib's font manager, or :class:`~supervise.errors.MissingExtra`."""
    try:
        from matplotlib import font_manager as fm
    except ImportError:
        raise MissingExtra("charts", "plot", "matplotlib") from None
    return fm


def bundled_font_path() -> str | None:
    """The path of the font shipped with the ``plot`` extra, or ``None`` when its package
    is not installed. The package is located, never imported: importing `zhplot` would
    change matplotlib's global settings."""
    package, file = BUNDLED
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(folder, file)
        if os.path.isfile(path):
            return path
    return None


@functools.cache
def draws_chinese(path: str) -> bool:
    """Whether the font file at ``path`` really draws :data:`SAMPLE`: not a box font by
    name, a glyph for every character, and every character rendered differently."""
    font_manager()
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)  # no fallback fonts: only this file's own glyphs count
    except (OSError, RuntimeError, ValueError):
        return False
    if any(word in font.family_name for word in BOX_FONTS):
        return False
    if not all(font.get_char_index(ord(ch)) for ch in SAMPLE):
        return False
    font.set_size(24, 72)
    images = set()
    for ch in SAMPLE:
        font.set_text(ch, 0.0)
        font.draw_glyphs_to_bitmap(antialiased=False)
        image = font.get_image()
        images.add((image.shape, image.tobytes()))
    return len(images) == len(SAMPLE)


def _candidates() -> Iterator[str]:
    """Font files to try after ``SUPERVISE_CJK_FONT``, best first (module docstring)."""
    bundled = bundled_font_path()
    if bundled is not None:
        yield bundled
    fm = font_manager()
    entries = sorted(fm.fontManager.ttflist, key=lambda e: e.fname)
    rank = {name: n for n, name in enumerate(FAMILIES)}
    known = sorted((e for e in entries if e.name in rank), key=lambda e: rank[e.name])
    yield from (e.fname for e in known)
    indexed = {e.fname for e in entries}
    yield from (path for path in sorted(fm.findSystemFonts()) if path not in indexed)
    yield from (e.fname for e in entries if e.name not in rank)


def _use(path: str) -> CJKFont | None:
    """The font at ``path`` as matplotlib will draw it (registered with matplotlib if new),
    when it draws Chinese and matplotlib, asked for its family, picks a file that does."""
    if not os.path.isfile(path) or not draws_chinese(path):
        return None
    fm = font_manager()
    if not _names(path):
        fm.fontManager.addfont(path)
    names = _names(path)  # a collection (.ttc) has several faces: take a known family first
    if not names:
        return None
    name = min(names, key=lambda n: n not in FAMILIES)
    # The family is what charts ask for; matplotlib may be restricted to its own font folder
    # (MPL_IGNORE_SYSTEM_FONTS) or prefer another file of the same family. The family is
    # given as a list: a string would be parsed as a fontconfig pattern ("-" is special).
    wanted = fm.FontProperties(family=[name])
    try:
        picked = str(fm.fontManager.findfont(wanted, fallback_to_default=False))
    except ValueError:
        return None
    return CJKFont(name=name, path=picked) if draws_chinese(picked) else None


def _names(path: str) -> list[str]:
    """Family names matplotlib knows for the font file at ``path``."""
    return [e.name for e in font_manager().fontManager.ttflist if e.fname == path]


@functools.cache
def find_cjk_font() -> CJKFont | None:
    """The font charts use for Chinese, or ``None`` when there is none (cached; see the
    module docstring for the search order)."""
    chosen = os.environ.get(ENV)
    if chosen:
        found = _use(chosen)
        if found is not None:
            return found
        warnings.warn(
            f"{ENV}={chosen!r} is not a font file that draws Chinese; looking further",
            FontWarning,
            stacklevel=2,
        )
    tried = set()
    for path in _candidates():
        if path not in tried:
            tried.add(path)
            if (found := _use(path)) is not None:
                return found
    return None


def chart_lang(lang: str | None) -> tuple[str, CJKFont | None]:
    """The language charts can really be labelled in (``lang``, default: the language
    setting), and the Chinese font if any: ``("zh", font)`` when a font is found, else
    ``("en", None)`` with a :class:`FontWarning` for Chinese."""
    from supervise.present import check_lang

    lang = check_lang(lang)
    font_manager()  # MissingExtra before anything else when matplotlib is missing
    font = find_cjk_font()
    if lang == "zh" and font is None:
        warnings.warn(
            f"no font that draws Chinese found: chart labels are in English ({_advice()})",
            FontWarning,
            stacklevel=3,
        )
        return "en", None
    return lang, font


def _advice() -> str:
    """What to do when no font is found, by how the bundled font failed."""
    bundled = bundled_font_path()
    if bundled is None:
        return (
            f"the font shipped with supervise[plot] (package {BUNDLED[0]}) is not installed: "
            f"pip install 'supervise[plot]', install a Chinese font, or set {ENV}"
        )
    if os.environ.get("MPL_IGNORE_SYSTEM_FONTS"):
        return "MPL_IGNORE_SYSTEM_FONTS is set, so matplotlib uses only its own fonts: unset it"
    return f"{bundled} does not draw Chinese: pip install --force-reinstall {BUNDLED[0]}"
