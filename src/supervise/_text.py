"""Plain-text tables that line up in a terminal, Chinese characters included.

A Chinese character takes two terminal columns; ``str.ljust`` counts it as one and breaks the
alignment, so widths here come from the East Asian Width property.

>>> print(render([["姓名", "progress"], ["马丽", "80%"]], align="lr"))
姓名  progress
马丽       80%
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

__all__ = ["fit", "render", "truncate", "width", "wrap"]


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


def _pad(text: str, columns: int, align: str) -> str:
    gap = " " * (columns - width(text))
    return gap + text if align == "r" else text + gap


def render(
    rows: Sequence[Sequence[str]], align: str = "", gap: int = 2, limits: Sequence[int] = ()
) -> str:
    """Lay out ``rows`` (the first is the header) in columns.

    ``align`` has one letter per column, ``l`` or ``r`` (default left); ``limits`` caps a
    column's width (0 for no cap), truncating longer cells. Trailing blanks are stripped.
    """
    if not rows:
        return ""
    ncols = max(len(r) for r in rows)
    cells = [[str(c) for c in r] + [""] * (ncols - len(r)) for r in rows]
    for i, limit in enumerate(limits):
        if limit:
            for r in cells:
                r[i] = truncate(r[i], limit)
    widths = [max(width(r[i]) for r in cells) for i in range(ncols)]
    aligns = align.ljust(ncols, "l")
    sep = " " * gap
    return "\n".join(
        sep.join(_pad(c, w, a) for c, w, a in zip(r, widths, aligns, strict=True)).rstrip()
        for r in cells
    )


def wrap(text: str, columns: int = 80, indent: str = "") -> str:
    """Break ``text`` at spaces into lines of at most ``columns`` terminal columns; later
    lines start with ``indent``. A single word longer than a line stays whole."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if line and width(candidate) > columns:
            lines.append(line)
            candidate = indent + word
        line = candidate
    lines.append(line)
    return "\n".join(lines)


def fit(text: str, columns: int = 80, sep: str = " · ", indent: str = "  ") -> str:
    """``text`` as is when it fits in ``columns``; otherwise broken after its ``sep``
    separators (later lines start with ``indent``), and at spaces where still too long.

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
    lines = [
        ln for n, g in enumerate(groups) for ln in wrap(g, columns if n == 0 else rest).split("\n")
    ]
    return "\n".join([lines[0], *(indent + ln for ln in lines[1:])])
