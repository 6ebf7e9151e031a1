"""Values written into SQL text.

The statements are built from parts, and the few values they carry (dates, tolerances, ids
from policy files) are written in as literals rather than bound as parameters: DuckDB plans
a statement with parameters without knowing their values and then cannot prune Parquet row
groups or fold constants (measured: 8x slower on the progress statement). Only these
functions turn values into SQL, and each accepts only its own type.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

__all__ = ["day", "number", "text", "texts"]


def day(value: date) -> str:
    """``DATE 'YYYY-MM-DD'``."""
    if not isinstance(value, date):
        raise TypeError(f"not a date: {value!r}")
    return f"DATE '{value.isoformat()}'"


def number(value: float) -> str:
    """A finite number, exactly (``repr`` of a float round-trips)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TypeError(f"not a finite number: {value!r}")
    return repr(float(value)) if isinstance(value, float) else str(value)


def text(value: str) -> str:
    """A string literal: quotes doubled (nothing else is special in DuckDB's strings), a NUL
    character, which a literal cannot hold, joined in as ``chr(0)``."""
    if not isinstance(value, str):
        raise TypeError(f"not text: {value!r}")
    parts = ["'" + part.replace("'", "''") + "'" for part in value.split("\x00")]
    return parts[0] if len(parts) == 1 else "(" + " || chr(0) || ".join(parts) + ")"


def texts(values: Iterable[str]) -> str:
    """``('a', 'b')`` for ``IN``; ``(NULL)`` (matching nothing) when empty."""
    items = [text(v) for v in values]
    return "(" + (", ".join(items) or "NULL") + ")"
