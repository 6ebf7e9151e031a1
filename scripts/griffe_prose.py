"""A griffe extension so mkdocstrings renders `supervise`'s docstrings as written.

Our docstrings are prose with ``double-backtick`` code, doctest examples and a few Sphinx
roles, not Google or NumPy sections, so mkdocs.yml sets ``docstring_style: null`` (the text is
Markdown) and this extension turns the rest into Markdown when the package is loaded:

- a doctest run (a line starting ``>>>``, through its output, up to a blank line) becomes a
  fenced ``pycon`` block, instead of a stack of quotes;
- a Sphinx role (``:class:`~supervise.Registry```, ``:meth:`cohort_progress```) becomes a
  cross-reference, resolved in the docstring's own scope as Python would; it is optional, so
  a reference to something the site does not document is plain code, not a broken link;
- an RST literal-block marker (``text::`` then an indented block) becomes ``text:``;
- an attribute without a docstring takes the ``#:`` comment lines just above it.

The docstrings stay as they are in the source: doctests keep running, ``help()`` keeps
reading well. mkdocs.yml loads this file by path (``extensions: [scripts/griffe_prose.py]``).
"""

from __future__ import annotations

import html
import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:class|meth|func|attr|mod|exc|data|obj):`(~?)([\w.]+)`")
FENCE = "```"


def doctest_fences(text: str) -> str:
    """Wrap every run of doctest lines (prompt, continuation and output) in a pycon fence."""
    out: list[str] = []
    fence: str | None = None  # the indented closing fence while inside a run
    for line in text.splitlines():
        stripped = line.lstrip()
        if fence is None and stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            if out and out[-1].strip():
                out.append("")  # a fence must not continue a paragraph
            out.append(f"{indent}{FENCE}pycon")
            fence = f"{indent}{FENCE}"
        elif fence is not None and not stripped:
            out.append(fence)
            fence = None
        out.append(line)
    if fence is not None:
        out.append(fence)
    return "\n".join(out)


def literal_markers(text: str) -> str:
    """``text::`` before an indented block is RST for ``text:`` and a literal block."""
    return re.sub(r"(?<=\S)::$", ":", text, flags=re.MULTILINE)


def resolve(obj: griffe.Object, name: str) -> str:
    """The full path of ``name`` as written in ``obj``'s docstring, or ``name`` itself."""
    head, _, rest = name.partition(".")
    scope: griffe.Object | None = obj
    while scope is not None:
        try:
            path = scope.resolve(head)
        except (griffe.NameResolutionError, griffe.AliasResolutionError):
            scope = scope.parent
        else:
            return f"{path}.{rest}" if rest else path
    return name


def sphinx_roles(text: str, obj: griffe.Object) -> str:
    """``:role:`target``` becomes an optional autorefs cross-reference in a code span."""

    def link(match: re.Match[str]) -> str:
        short, target = match.groups()
        title = target.rsplit(".", 1)[-1] if short else target
        identifier = html.escape(resolve(obj, target), quote=True)
        return f'<autoref identifier="{identifier}" optional><code>{title}</code></autoref>'

    return ROLE.sub(link, text)


def comment_docstring(attr: griffe.Attribute) -> str | None:
    """The ``#:`` comment lines right above ``attr``'s definition, joined."""
    module = attr.module
    if attr.lineno is None or not module.lines:
        return None
    found: list[str] = []
    number = attr.lineno - 2  # the line above, 0-based
    while number >= 0 and module.lines[number].lstrip().startswith("#:"):
        found.insert(0, module.lines[number].lstrip()[2:].strip())
        number -= 1
    return " ".join(found) or None


def rewrite(obj: griffe.Object) -> None:
    if obj.docstring is None and isinstance(obj, griffe.Attribute):
        text = comment_docstring(obj)
        if text is not None:
            obj.docstring = griffe.Docstring(text, parent=obj)
    if obj.docstring is not None:
        value = doctest_fences(literal_markers(obj.docstring.value))
        obj.docstring.value = sphinx_roles(value, obj)
    for member in obj.members.values():
        if not member.is_alias:
            rewrite(member)  # type: ignore[arg-type]


class ProseDocstrings(griffe.Extension):
    """Rewrite every docstring of a package once it is loaded (names then resolve)."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        rewrite(pkg)
