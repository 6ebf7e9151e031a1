"""How results reach their presentation without importing it.

Results (:mod:`supervise.core`) offer ``to_html()``, ``to_text()``, ``to_pandas()`` and
``to_arrow()`` because notebooks and scripts expect them there, but presentation sits above
the results: :mod:`supervise.present` registers its renderers here when it is imported (the
package names it with :func:`provide`, so it is imported on the first view asked for), and
results look them up by their own class. The dependency runs one way: present -> core ->
this module.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["arrow", "frame", "html", "provide", "register", "text"]

_RENDERERS: dict[tuple[str, type[Any]], Callable[..., Any]] = {}
_PROVIDERS: list[str] = []


def provide(module: str) -> None:
    """Name a module that registers views when imported; it is imported the first time a
    view is missing (the package names :mod:`supervise.present` here, so importing
    ``supervise`` does not import every view up front)."""
    if module not in _PROVIDERS:
        _PROVIDERS.append(module)


def register(kind: str, cls: type[Any], renderer: Callable[..., Any]) -> None:
    """Make ``renderer(result, *args)`` the ``kind`` view (html, text, frame, arrow) of
    ``cls``."""
    _RENDERERS[kind, cls] = renderer


def _find(kind: str, result: Any) -> Callable[..., Any] | None:
    for cls in type(result).__mro__:
        renderer = _RENDERERS.get((kind, cls))
        if renderer is not None:
            return renderer
    return None


def _render(kind: str, result: Any, *args: Any) -> Any:
    renderer = _find(kind, result)
    if renderer is None:
        for module in _PROVIDERS:
            importlib.import_module(module)
        renderer = _find(kind, result)
    if renderer is None:
        raise TypeError(f"no {kind} view of {type(result).__name__}")
    return renderer(result, *args)


def html(result: Any, *args: Any) -> str:
    """The HTML view of ``result``."""
    out: str = _render("html", result, *args)
    return out


def text(result: Any, *args: Any) -> str:
    """The terminal view of ``result``."""
    out: str = _render("text", result, *args)
    return out


def frame(result: Any, *args: Any) -> Any:
    """``result`` as a pandas DataFrame."""
    return _render("frame", result, *args)


def arrow(result: Any, *args: Any) -> Any:
    """``result`` as an Arrow table."""
    return _render("arrow", result, *args)
