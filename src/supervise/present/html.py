"""HTML building blocks for notebooks and reports: pure string code, every value escaped.

Results render through these in a Jupyter cell (``_repr_html_``) and in the file that
``supervise report`` writes. Styles are inline attributes, not a stylesheet, so a fragment
looks the same in JupyterLab, VS Code, a sanitising viewer that strips ``<style>``, and a
report page. Text is escaped unless it is :class:`Markup` (HTML built here).

>>> esc("<b>"), esc(Markup("<b>"))
('&lt;b&gt;', '<b>')
>>> "<td" in table(["姓名", "进度"], [["马丽", "80%"]], align="lr")
True
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = [
    "BAD",
    "FONT_STACK",
    "GOOD",
    "STATUS_COLOURS",
    "Cell",
    "Markup",
    "badge",
    "block",
    "colours",
    "esc",
    "heading",
    "line",
    "page",
    "table",
]

#: Fonts to try, Chinese first, so Chinese text never falls back to boxes where any CJK
#: font is installed.
FONT_STACK = (
    "'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei','PingFang SC',"
    "'Microsoft YaHei','Hiragino Sans GB',system-ui,sans-serif"
)
#: (background, text colour) of each phase status; the charts use the same backgrounds.
STATUS_COLOURS = {
    "complete": ("#cdebd3", "#1b6631"),
    "exempt": ("#d5e6f7", "#1f4e79"),
    "overdue": ("#f7d4d4", "#9e1c1c"),
    "in_progress": ("#fcefc0", "#6f5200"),
    "not_started": ("#e8e8e8", "#505050"),
}
#: Colours of a good and a bad verdict (eligible, on track / behind, over capacity).
GOOD = STATUS_COLOURS["complete"]
BAD = STATUS_COLOURS["overdue"]

_TABLE = "border-collapse:collapse;font-size:13px;margin:4px 0 8px 0"
_CELL = "padding:2px 8px;border-bottom:1px solid #e3e3e3;vertical-align:top"
_HEAD = "padding:3px 8px;border-bottom:1px solid #888;background:#f3f3f3;white-space:nowrap"


class Markup(str):
    """Text that is already HTML (built by this module), so it is not escaped again."""

    __slots__ = ()


def esc(value: object) -> Markup:
    """``value`` as text safe inside HTML elements and attributes (``Markup`` kept as is)."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(str(value), quote=True))


class Cell:
    """A table cell with a style (colours) and a tooltip, e.g. a coloured phase status."""

    __slots__ = ("style", "text", "title")

    def __init__(self, text: object, style: str = "", title: str = "") -> None:
        self.text = text
        self.style = style
        self.title = title


_ALIGN = {"l": "left", "r": "right", "c": "center"}


def _cell(value: object, tag: str, align: str, wrap: bool = False) -> str:
    base = _HEAD if tag == "th" else _CELL
    style = f"{base};text-align:{_ALIGN[align]}" + ("" if wrap else ";white-space:nowrap")
    title = ""
    if isinstance(value, Cell):
        style += f";{value.style}" if value.style else ""
        title = f' title="{esc(value.title)}"' if value.title else ""
        value = value.text
    return f'<{tag} style="{esc(style)}"{title}>{esc(value)}</{tag}>'


def table(
    head: Sequence[object],
    rows: Iterable[Sequence[object]],
    align: str = "",
    wrap: Sequence[int] = (),
) -> Markup:
    """A compact table: ``head`` then ``rows``; ``align`` has ``l``, ``r`` or ``c`` per column;
    only the columns numbered in ``wrap`` break lines. Cells are text (escaped),
    :class:`Markup` or :class:`Cell`."""
    aligns = align.ljust(len(head), "l")
    out = [f'<table style="{_TABLE};font-family:{esc(FONT_STACK)}"><thead><tr>']
    out += [_cell(h, "th", a) for h, a in zip(head, aligns, strict=True)]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        out += [
            _cell(c, "td", a, n in wrap) for n, (c, a) in enumerate(zip(row, aligns, strict=True))
        ]
        out.append("</tr>")
    out.append("</tbody></table>")
    return Markup("".join(out))


def colours(background: str, text: str) -> str:
    """Inline style for a coloured cell."""
    return f"background:{background};color:{text}"


def badge(text: object, background: str, colour: str) -> Markup:
    """A small coloured label, e.g. ``✓ 符合条件``."""
    style = f"{colours(background, colour)};padding:0 6px;border-radius:3px;white-space:nowrap"
    return Markup(f'<span style="{style}">{esc(text)}</span>')


def heading(text: object, level: int = 3) -> Markup:
    """A section heading."""
    return Markup(f'<h{level} style="margin:14px 0 4px 0">{esc(text)}</h{level}>')


def line(*parts: object, muted: bool = False, strong: bool = False) -> Markup:
    """One line of text (the parts joined by spaces)."""
    style = "margin:2px 0" + (";color:#555" if muted else "")
    style += ";font-weight:600" if strong else ""
    return Markup(f'<div style="{style}">{" ".join(esc(p) for p in parts)}</div>')


def block(*parts: Markup) -> Markup:
    """Wrap fragments in one ``<div>`` with the font stack: what ``_repr_html_`` returns."""
    style = f"font-family:{FONT_STACK};font-size:13px;line-height:1.45"
    return Markup(f'<div class="supervise" style="{esc(style)}">{"".join(parts)}</div>')


_PAGE_CSS = (
    "body{margin:24px auto;max-width:1100px;padding:0 16px;color:#222;"
    f"font-family:{FONT_STACK};font-size:14px}}"
    "h1{font-size:22px;margin:0 0 4px 0}h2{font-size:17px;margin:22px 0 6px 0;"
    "border-bottom:2px solid #ddd;padding-bottom:2px}img{max-width:100%;height:auto}"
    "@media print{h2{break-after:avoid}table{break-inside:auto}}"
)


def page(title: str, body: Iterable[Markup], lang: str = "zh") -> Markup:
    """A complete, self-contained HTML document (no external requests)."""
    code = "zh-CN" if lang == "zh" else "en"
    return Markup(
        f'<!DOCTYPE html>\n<html lang="{code}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_PAGE_CSS}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
