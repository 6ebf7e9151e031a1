"""Formatting of results for people: text tables, CSV rows, HTML fragments.

Pure string building with no I/O; result objects use it for ``__str__`` and
``_repr_html_``, and the CLI for its output.
"""

from __future__ import annotations

__all__ = ["LANGS", "check_lang", "percent"]

#: Languages every view is available in.
LANGS = ("zh", "en")


def check_lang(lang: str) -> str:
    """``lang`` if it is ``"zh"`` or ``"en"``; otherwise a ``ValueError``."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    return lang


def percent(fraction: float | None) -> str:
    """``0.734`` as ``73%``; ``None`` as ``-``. Rounds down, so 99.6% never shows as 100%."""
    if fraction is None:
        return "-"
    return f"{int(fraction * 100 + 1e-9)}%"
