"""HTML for notebooks and reports, rendered from Jinja2 templates with autoescape.

The markup lives in the templates shipped in ``supervise/present/templates``: ``macros.html.j2``
holds the building blocks (a table, a badge, a line, a heading), the other templates a view or
a report each. Views hand templates plain values: text, which is always escaped, and the
cells below; nothing but a template writes a tag. Styles are inline attributes, not a
stylesheet, so a fragment looks the same in JupyterLab, VS Code, a sanitising viewer that
strips ``<style>``, and a report page.

Jinja2 (and markupsafe) are imported when the first HTML is rendered, not with this module:
terminal output never pays for them.

>>> cells = table(["姓名", "进度"], [["<马丽>", Cell("80%", GOOD, "学时 48/60")]], align="lr")
>>> "<td" in cells, "&lt;马丽&gt;" in cells, 'title="学时 48/60"' in cells
(True, True, True)
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

__all__ = [
    "BAD",
    "FONT_STACK",
    "GOOD",
    "STATUS_COLOURS",
    "Badge",
    "Cell",
    "Need",
    "Needs",
    "Table",
    "badge",
    "block",
    "environment",
    "heading",
    "join",
    "line",
    "macro",
    "page",
    "render",
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


@attrs.frozen
class Cell:
    """A table cell with colours (background, text) and a tooltip, e.g. a phase status."""

    text: object
    colours: tuple[str, str] | None = None
    title: str = ""


@attrs.frozen
class Badge:
    """A small coloured label, e.g. ``✓ 符合条件``."""

    text: object
    colours: tuple[str, str]


def _columns(numbers: Iterable[int]) -> frozenset[int]:
    return frozenset(numbers)


@attrs.frozen
class Table:
    """A compact table: ``head`` then ``rows``; ``align`` has ``l``, ``r`` or ``c`` per column;
    only the columns numbered in ``wrap`` break lines. Cells are text, numbers,
    :class:`Cell`, :class:`Badge`, HTML a template made, or a list of those."""

    head: Sequence[object]
    rows: Sequence[Sequence[object]]
    align: str = ""
    wrap: frozenset[int] = attrs.field(default=frozenset(), converter=_columns)

    def alignment(self, column: int) -> str:
        """The CSS ``text-align`` of ``column``."""
        letter = self.align[column] if column < len(self.align) else "l"
        return {"l": "left", "r": "right", "c": "center"}[letter]


@attrs.frozen
class Need:
    """One thing a person must still do: ``text`` says it whole; for a choice, ``heading``
    (需满足其一：, 需再满足其中 2 项：) and the ``options`` to choose from, each what that
    alternative lacks; ``either`` when one option is enough (they are joined by "or")."""

    text: str
    heading: str = ""
    options: tuple[str, ...] = ()
    either: bool = True


@attrs.frozen
class Needs:
    """A list of :class:`Need`, each needed; the options of a choice joined by ``or_word``
    when one is enough, else by ``separator``."""

    items: Sequence[Need]
    or_word: str
    separator: str = "; "


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the shipped templates: autoescape on for every template,
    undefined names an error, and the building blocks' types as tests (``is cell``)."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("supervise.present", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # The font stack is our own constant: as CSS text inside <style>, where entities are not
    # decoded, it must go in as written.
    env.globals.update(
        FONT_STACK=Markup(FONT_STACK), GOOD=GOOD, BAD=BAD, STATUS_COLOURS=STATUS_COLOURS
    )
    env.tests.update(
        cell=lambda v: isinstance(v, Cell),
        badge=lambda v: isinstance(v, Badge),
        table=lambda v: isinstance(v, Table),
        needs=lambda v: isinstance(v, Needs),
        listed=lambda v: isinstance(v, list | tuple),
    )
    return env


def render(template: str, /, **context: Any) -> Markup:
    """``template`` rendered with ``context``: HTML, every value escaped."""
    from markupsafe import Markup

    return Markup(environment().get_template(template).render(**context))


def macro(name: str, /, *args: Any, **kwargs: Any) -> Markup:
    """The macro ``name`` of ``macros.html.j2`` called with ``args``."""
    from markupsafe import Markup

    module = environment().get_template("macros.html.j2").module
    return Markup(getattr(module, name)(*args, **kwargs))


def table(
    head: Sequence[object], rows: Iterable[Sequence[object]], align: str = "", wrap: Any = ()
) -> Markup:
    """A compact :class:`Table` as HTML."""
    return macro("table", Table(head, [list(r) for r in rows], align, wrap))


def badge(text: object, background: str, colour: str) -> Markup:
    """A :class:`Badge` as HTML."""
    return macro("badge", Badge(text, (background, colour)))


def heading(text: object, level: int = 3) -> Markup:
    """A section heading."""
    return macro("heading", text, level)


def line(*parts: object, muted: bool = False, strong: bool = False) -> Markup:
    """One line of text (the parts joined by spaces)."""
    return macro("line", list(parts), muted=muted, strong=strong)


def join(*parts: object) -> Markup:
    """The parts one after the other (text escaped)."""
    return macro("content", list(parts))


def block(*parts: object) -> Markup:
    """Fragments in one ``<div>`` with the font stack: what ``_repr_html_`` returns."""
    return macro("block", list(parts))


def page(title: str, body: Iterable[object], lang: str = "zh") -> Markup:
    """A complete, self-contained HTML document (no external requests)."""
    return render("page.html.j2", title=title, body=list(body), lang=lang)
