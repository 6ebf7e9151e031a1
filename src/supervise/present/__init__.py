"""Formatting of results for people: terminal tables, CSV rows, HTML, DataFrames.

Pure formatting with no I/O and no decisions: every figure comes from a result, every word
from a :class:`~supervise.lang.Catalogue` in Chinese and English. Results reach these views
through :mod:`supervise._display`; the CLI calls them directly. HTML is rendered from the
Jinja2 templates in ``supervise/present/templates`` (:mod:`supervise.present.html`), loaded
only when HTML is asked for, so terminal output never imports Jinja2.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from supervise.lang import LANGS, Catalogue, localize, resolve

__all__ = ["LANGS", "check_lang", "percent", "sayer"]


def check_lang(lang: str | None) -> str:
    """``zh`` or ``en``: ``lang`` when given, else the language setting
    (:func:`supervise.lang.resolve`); anything else is a ``ValueError``."""
    return resolve(lang)


def sayer(catalogue: Catalogue, lang: str) -> Callable[..., str]:
    """``say(key, **values)``: the message ``key`` of ``catalogue`` in ``lang``."""

    def say(key: str, /, **values: Any) -> str:
        return localize(catalogue(key, **values), lang)

    return say


def percent(fraction: float | None) -> str:
    """``0.734`` as ``73%``; ``None`` as ``-``. Rounds down, so 99.6% never shows as 100%."""
    if fraction is None:
        return "-"
    return f"{int(fraction * 100 + 1e-9)}%"
