"""The cells of a province's Parquet files, judged in DuckDB: SQL screens, the model decides.

Checking ten million cells one at a time in Python takes minutes; nearly all of them are
plainly fine. So each column gets a *screen*, an SQL condition derived from the model's
declaration of its field (range, minimum, pattern, vocabulary, non-blank text), the way the
published JSON Schema is derived from it: values the screen passes are ones the model accepts
as they are. The distinct values it picks out, usually none or a handful, go through the
import's own rule of the column (:func:`~supervise.exchange.columns.column_check`: the model's
converter and validator), which gives the verdict, the message and the stored form (a Chinese
label becomes its English value, a date written as text becomes a date). A screen may pick
out values the model then accepts; it must never pass one the model refuses: the tests hold
each screen to its rule.

Columns whose rule no screen describes are judged whole: every distinct value goes through
the rule (cheap for the few such columns, which hold a handful of values).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

import attrs

from supervise.exchange.cells import CellError
from supervise.exchange.columns import column_check
from supervise.exchange.parquet import json_cell
from supervise.model import _fields
from supervise.pii import MASKS, trusted_load
from supervise.semantics import literal
from supervise.tables import Column, Table, model_field

__all__ = [
    "JUDGED_WHOLE",
    "PSEUDONYM_PATTERN",
    "Verdicts",
    "default_of",
    "judge",
    "screen",
]

# Every character Python's str.strip() removes: a value made only of these is blank, and a
# value that starts with none of them is not.
_SPACES = ", ".join(str(ord(c)) for c in map(chr, range(0x110000)) if c.isspace())
_DECIMAL = re.compile(r"DECIMAL\(\d+,\s*(\d+)\)")
# A character outside these ranges may be one the model refuses in text or in an identifier
# (a control, formatting or bidirectional character, a line break): printable ASCII, Latin-1
# letters and signs (not the soft hyphen, a formatting character), CJK ideographs and
# punctuation, full-width forms. A value holding any other character goes to the model.
_UNCOMMON = literal.text(
    "[^ -~\u00a1-\u00ac\u00ae-\u00ff\u3001-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uffee]"
)
# Validators of text that must not be blank.
_NON_BLANK = (_fields._text, _fields._identifier, _fields._optional_identifier)
# Weights of the 17 digits of a national ID in its check digit (ISO 7064 MOD 11-2).
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
#: Pseudonyms as :func:`~supervise.pseudonym.pseudonym` writes them.
PSEUDONYM_PATTERN = "[0-9a-f]{64}"
#: What a column the screens cannot describe is judged by.
JUDGED_WHOLE = "true"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _national_id_screen(c: str) -> str:
    """National IDs that are certainly good: 17 digits and the right check digit (as
    python-stdnum computes it), and a birth date that exists. The digits are read as one
    number and taken apart by arithmetic: five times cheaper than reading them one by one."""
    number = f"TRY_CAST(substr({c}, 1, 17) AS BIGINT)"
    total = " + ".join(f"({number} // {10 ** (16 - n)} % 10) * {w}" for n, w in enumerate(_WEIGHTS))
    last = (
        f"CASE substr({c}, 18, 1) WHEN 'X' THEN 10 ELSE TRY_CAST(substr({c}, 18, 1) AS INTEGER) END"
    )
    # The arithmetic first: DuckDB runs it four times slower on the rows another condition
    # has already picked.
    return (
        f"NOT coalesce((12 - ({total}) % 11) % 11 = {last} "
        f"AND try_strptime(substr({c}, 7, 8), '%Y%m%d') IS NOT NULL "
        f"AND substr({c}, 7, 4) >= '1000' "
        f"AND regexp_full_match({c}, '[0-9]{{17}}[0-9X]'), false)"
    )


def screen(table: Table, column: Column, kind: str) -> str:
    """The SQL condition, over the column by its name, that is true for the values the
    model must judge (NULLs are never picked: whether a value is required is decided
    apart). ``kind`` is the column's type as DuckDB reads the files (``DATE``,
    ``VARCHAR``, ``DECIMAL(18,6)``, ...). :data:`JUDGED_WHOLE` when no screen describes the
    column's rule."""
    c = _quoted(column.name)
    field = model_field(table, column.name)
    validator = None if field is None else field.validator
    metadata = {} if field is None else field.metadata
    if column.name == "national_id":
        return _national_id_screen(c)
    if column.name == "phone":
        return f"NOT regexp_full_match({c}, '\\+?[0-9]{{7,15}}')"
    if column.vocab is not None:
        return f"{c} NOT IN {literal.texts(m.value for m in column.vocab)}"
    if column.kind == "date":
        return "false" if kind == "DATE" else JUDGED_WHOLE
    uncommon = f"regexp_matches({c}, {_UNCOMMON})"
    if column.kind == "text" and (field is None or validator in _NON_BLANK):
        # Empty, starting with a space (maybe all spaces), or holding an uncommon character:
        # the model decides. Reading the first character is several times cheaper than
        # matching the whole value, so it comes first.
        return f"({c} = '' OR unicode({c}) IN ({_SPACES}) OR {uncommon})"
    if column.kind == "text" and validator is _fields._optional_text:
        return uncommon
    if column.kind == "text" and validator is _fields._region:
        return f"NOT regexp_full_match({c}, {literal.text(metadata['pattern'])})"
    if column.kind == "integer" and "minimum" in metadata:
        return f"{c} < {int(metadata['minimum'])}"  # the maximum is BIGINT's own
    if column.kind == "real" and "range" in metadata:
        return _range_screen(c, column, kind, metadata["range"])
    return JUDGED_WHOLE


def _range_screen(c: str, column: Column, kind: str, bounds: Any) -> str:
    low, high, low_open = bounds
    inside = [f"{c} {'>' if low_open else '>='} {literal.number(float(low))}"]
    if math.isfinite(high):
        inside.append(f"{c} <= {literal.number(float(high))}")
    picked = [f"NOT ({' AND '.join(inside)})"]
    if kind in ("DOUBLE", "FLOAT", "REAL"):
        picked.append(f"isnan({c})")  # NaN sorts above every number in DuckDB
        if not math.isfinite(high):
            picked.append(f"isinf({c})")  # no upper bound to stop it, but never finite
    scale = _DECIMAL.fullmatch(kind)
    places = column.places
    if places is not None and not (scale and int(scale[1]) <= places):
        picked.append(f"{c} <> round({c}, {places})")  # rounded by the model when stored
    return " OR ".join(picked)


class Verdicts(NamedTuple):
    """What the model said of a column's picked values: ``bad`` maps each refused value to
    the reason and the value as messages show it; ``stored`` maps each accepted value that
    the store keeps in another form to that form."""

    bad: dict[Any, tuple[str, Any]]  # the reason: a Text in both languages
    stored: dict[Any, Any]


def judge(table: Table, column: Column, values: Sequence[Any]) -> Verdicts:
    """Run the import's rule of ``column`` on each of ``values`` (distinct, not NULL)."""
    rule = column_check(table, column.name, "json")
    mask = MASKS.get(column.name)
    bad: dict[Any, tuple[str, Any]] = {}
    stored: dict[Any, Any] = {}
    with trusted_load():  # no lookup of location codes: it only ever warns
        for raw in values:
            cell = json_cell(raw)
            try:
                value = rule.check(cell)
            except CellError as exc:
                shown = cell if mask is None else mask(str(cell).strip())
                if mask is not None and exc.shown is not None:
                    shown = exc.shown
                bad[raw] = (exc.reason, shown)
                continue
            if value != cell or type(value) is not type(cell):
                stored[raw] = value
    rule.warned.clear()
    return Verdicts(bad, stored)


def default_of(table: Table, column: Column) -> Any:
    """The value the store keeps for an empty optional cell (``None`` when none)."""
    field = model_field(table, column.name)
    if field is None or column.required or field.default is attrs.NOTHING:
        return None
    value = field.default
    if isinstance(value, attrs.Factory):  # type: ignore[arg-type]
        return None
    return getattr(value, "value", value)
