"""The one way model objects become plain dicts (JSON, rows) and back: a cattrs converter.

Plain dicts hold JSON types only: dates as ISO text, vocabularies as their English value,
a session's attendees as a sorted list (so output is the same on every run), a phase's
requirements flattened into ``required_hours``, ``required_sessions`` and so on, exactly the
columns of :mod:`supervise.tables`.

>>> from supervise.model import Outcome
>>> to_dict(Outcome(person_id="p1", kind="expert_pool", on="2024年12月6日"))
{'person_id': 'p1', 'kind': 'expert_pool', 'on': '2024-12-06', 'detail': None}
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar, get_origin

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn
from cattrs.preconf.json import make_converter

from supervise.dates import parse_date
from supervise.model import PhaseSpec, Vocabulary
from supervise.tables import REQUIREMENT_COLUMNS

__all__ = ["converter", "from_dict", "to_dict"]

T = TypeVar("T")


def _strict(kind: type[Any], name: str) -> Any:
    """Structure hook that accepts only values already of the right JSON type (cattrs would
    coerce ``"3"`` to 3 and ``"false"`` to True)."""

    def hook(value: Any, _: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, kind):
            raise TypeError(f"must be {name}, not {type(value).__name__} {value!r}")
        return value

    return hook


def _number(value: Any, _: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"must be a number, not {type(value).__name__} {value!r}")
    return float(value)


def _flag(value: Any, _: Any) -> bool:
    # True and False, or 1 and 0 as SQLite keeps them; never "false", which bool() calls true.
    if isinstance(value, bool):
        return value
    if type(value) is int and value in (0, 1):
        return bool(value)
    raise TypeError(f"must be true or false, not {type(value).__name__} {value!r}")


def _make() -> cattrs.Converter:
    conv = make_converter(forbid_extra_keys=True)
    conv.register_structure_hook(date, lambda value, _: parse_date(value))
    conv.register_structure_hook(str, _strict(str, "text"))
    conv.register_structure_hook(int, _strict(int, "a whole number"))
    conv.register_structure_hook(float, _number)
    conv.register_structure_hook(bool, _flag)
    # Plain str values, not StrEnum members: sqlite3 and json then see exactly a str.
    conv.register_unstructure_hook(Vocabulary, lambda member: member.value)
    conv.register_structure_hook(Vocabulary, lambda value, kind: kind.parse(value))
    conv.register_unstructure_hook_func(_is_frozenset, lambda members: sorted(members))
    conv.register_structure_hook_func(_is_frozenset, _attendees)
    _flatten_phase(conv)
    return conv


def _is_frozenset(kind: Any) -> bool:
    return kind is frozenset or get_origin(kind) is frozenset


def _attendees(value: Any, _: Any) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise TypeError(f"must be a list of person ids, not {type(value).__name__}")
    return frozenset(value)


def _flatten_phase(conv: cattrs.Converter) -> None:
    """A phase's requirements travel as flat columns (``required_hours`` ...)."""
    plain_out = make_dict_unstructure_fn(PhaseSpec, conv)
    plain_in = make_dict_structure_fn(PhaseSpec, conv, _cattrs_forbid_extra_keys=True)

    def unstructure(phase: PhaseSpec) -> dict[str, Any]:
        row = plain_out(phase)
        requirements = row.pop("requirements")
        weight = row.pop("weight")
        row.update({REQUIREMENT_COLUMNS[k]: v for k, v in requirements.items()})
        row["weight"] = weight
        return row

    def structure(row: dict[str, Any], _: Any) -> PhaseSpec:
        if not isinstance(row, dict):
            raise TypeError(f"a phase must be a mapping, not {type(row).__name__}")
        row = dict(row)
        wanted = {flat: name for name, flat in REQUIREMENT_COLUMNS.items() if flat in row}
        requirements = {name: row.pop(flat) for flat, name in wanted.items()}
        row["requirements"] = {k: v for k, v in requirements.items() if v is not None}
        return plain_in(row, PhaseSpec)

    conv.register_unstructure_hook(PhaseSpec, unstructure)
    conv.register_structure_hook(PhaseSpec, structure)


#: The converter every part of supervise uses; configure nothing else.
converter: cattrs.Converter = _make()


def to_dict(record: Any) -> dict[str, Any]:
    """``record`` as a dict of JSON values, keyed by its table's column names."""
    result: dict[str, Any] = converter.unstructure(record)
    return result


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Build a ``cls`` from a dict of JSON values. Unknown keys, wrongly typed values and
    invalid records raise (cattrs' ``ClassValidationError`` or
    :class:`~supervise.errors.InvalidRecord`)."""
    return converter.structure(data, cls)
