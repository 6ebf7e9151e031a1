"""Plain-text tables that line up in a terminal, Chinese characters included.

A Chinese character takes two terminal columns; ``str.ljust`` counts it as one and breaks the
alignment, so widths here come from the East Asian Width property. Long cells either wrap
within their column (Chinese may break between any two characters, except before closing
punctuation or after opening punctuation; other text breaks at spaces) or are cut with ``…``.

>>> print(render([["姓名", "progress"], ["马丽", "80%"]], align="lr"))
姓名  progress
马丽       80%
>>> print(render([["人员", "尚缺"], ["t1", "需持有社会工作师及以上职业资格（当前：无）"]],
...              limits=[0, 24], wrap=[1]))
人员  尚缺
t1    需持有社会工作师及以上职
      业资格（当前：无）
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence

__all__ = ["fit", "fold", "render", "truncate", "width", "wrap"]

# Characters a line may not start with (closing punctuation) or end with (opening
# punctuation), as Chinese typesetting has it (GB/T 15834, JIS X 4051 "kinsoku").
_NO_START = set("，。、；：？！）》」』】〉”’…—·%)]}>,.;:?!")
_NO_END = set("（《「『【〈“‘([{<")


def width(text: str) -> int:
    """Terminal columns ``text`` takes (wide and full-width characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def truncate(text: str, columns: int) -> str:
    """``text`` cut to at most ``columns`` terminal columns, ending in ``…`` when cut."""
    if width(text) <= columns:
        return text
    out, used = [], 0
    for ch in text:
        w = width(ch)
        if used + w > columns - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _units(text: str) -> list[str]:
    """``text`` as the pieces a line may break between: a space, each wide character, a run
    of other characters; punctuation stays with the piece it belongs to."""
    units: list[str] = []
    for ch in text:
        wide = width(ch) == 2
        last = units[-1] if units else ""
        if ch in _NO_START and len(units) > 1 and not last.strip():
            spaces = units.pop()  # "word ，": the spaces cannot carry it alone
            units[-1] += spaces + ch
        elif last and (ch in _NO_START or last[-1] in _NO_END):
            units[-1] += ch
        elif last and not wide and ch != " " and last[-1] != " " and width(last[-1]) == 1:
            units[-1] += ch  # the same word of Latin letters or digits
        else:
            units.append(ch)
    return units


def _words(text: str) -> list[str]:
    """``text`` as words, each with the spaces after it."""
    words: list[str] = []
    for ch in text:
        if words and (ch == " " or words[-1][-1] != " "):
            words[-1] += ch
        else:
            words.append(ch)
    return words


def fold(text: str, columns: int, later: int | None = None, spaces: bool = False) -> list[str]:
    """``text`` broken into lines of at most ``columns`` terminal columns (``later`` for
    every line after the first, when given), between Chinese characters and at spaces (at
    spaces only with ``spaces``, for lists such as ``高红(4/4), 丁勇(4/4)``); a word longer
    than a line is cut between characters, and line breaks in ``text`` are kept."""
    lines: list[str] = []

    def room() -> int:
        return columns if not lines or later is None else later

    for paragraph in text.split("\n"):
        line = ""
        for unit in _words(paragraph) if spaces else _units(paragraph):
            if width(line + unit.rstrip()) <= room():
                line += unit
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = unit.lstrip()
            while width(line) > room():  # a word longer than the line
                cut = _cut(line, room())
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return lines


def _cut(text: str, columns: int) -> int:
    """Where to cut ``text``, longer than ``columns``: as late as fits, but not just before
    closing punctuation."""
    used, cut = 0, len(text)
    for n, ch in enumerate(text):
        used += width(ch)
        if used > columns:
            cut = n
            break
    while cut > 1 and text[cut] in _NO_START:
        cut -= 1
    return max(cut, 1)


def _pad(text: str, columns: int, align: str) -> str:
    gap = " " * (columns - width(text))
    return gap + text if align == "r" else text + gap


def render(
    rows: Sequence[Sequence[str]],
    align: str = "",
    gap: int = 2,
    limits: Sequence[int] = (),
    wrap: Collection[int] = (),
) -> str:
    """Lay out ``rows`` (the first is the header) in columns.

    ``align`` has one letter per column, ``l`` or ``r`` (default left); ``limits`` caps a
    column's width (0 for no cap): longer cells are cut with ``…``, or, in the columns
    numbered in ``wrap``, broken into lines (as are cells holding line breaks). Trailing
    blanks are stripped.
    """
    if not rows:
        return ""
    ncols = max(len(r) for r in rows)
    limit = [*limits, *[0] * ncols][:ncols]
    cells: list[list[list[str]]] = []
    for row in rows:
        cells.append([])
        for i, cell in enumerate([*(str(c) for c in row), *[""] * (ncols - len(row))]):
            if i in wrap:
                lines = fold(cell, limit[i]) if limit[i] else cell.split("\n")
            else:
                lines = [truncate(cell, limit[i]) if limit[i] else cell]
            cells[-1].append(lines)
    widths = [max(width(line) for r in cells for line in r[i]) for i in range(ncols)]
    aligns = align.ljust(ncols, "l")
    sep = " " * gap
    out = []
    for r in cells:
        for n in range(max(len(lines) for lines in r)):
            parts = (lines[n] if n < len(lines) else "" for lines in r)
            out.append(
                sep.join(_pad(c, w, a) for c, w, a in zip(parts, widths, aligns, strict=True))
            )
    return "\n".join(line.rstrip() for line in out)


def wrap(text: str, columns: int = 80, indent: str = "", spaces: bool = False) -> str:
    """Break ``text`` into lines of at most ``columns`` terminal columns (at spaces, and
    between Chinese characters unless ``spaces``); later lines start with ``indent``."""
    first, *rest = fold(text, columns, columns - width(indent), spaces)
    return "\n".join([first, *(indent + line for line in rest)])


def fit(text: str, columns: int = 80, sep: str = " · ", indent: str = "  ") -> str:
    """``text`` as is when it fits in ``columns``; otherwise broken after its ``sep``
    separators (later lines start with ``indent``), and within a part where still too long.

    >>> print(fit("宁夏社会工作人才专家库入库条件 (nx-expert-pool 2024.1) · 截至 2024-12-06", 60))
    宁夏社会工作人才专家库入库条件 (nx-expert-pool 2024.1)
      截至 2024-12-06
    """
    if width(text) <= columns:
        return text
    rest = columns - width(indent)
    groups: list[str] = []
    for part in text.split(sep):
        limit = columns if len(groups) <= 1 else rest
        if groups and width(f"{groups[-1]}{sep}{part}") <= limit:
            groups[-1] += f"{sep}{part}"
        else:
            groups.append(part)
    lines = [ln for n, g in enumerate(groups) for ln in fold(g, columns if n == 0 else rest, rest)]
    return "\n".join([lines[0], *(indent + ln for ln in lines[1:])])
