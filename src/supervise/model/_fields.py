"""Field declarations and validators shared by the model classes.

Every field carries its Chinese label in ``metadata["zh"]``: the one place the exchange format
and reports read column labels from. Numbers also carry their ``range`` (low, high, low_open),
counts their ``minimum`` and region codes their ``pattern``, which the published JSON Schema of
the exchange format reads instead of restating them. Validators raise :class:`InvalidRecord`
naming the record (class and key), the field and the value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar, Protocol, TypeVar

import attrs

from supervise.dates import parse_date
from supervise.errors import InvalidRecord
from supervise.model.vocab import Vocabulary

V = TypeVar("V", bound=Vocabulary)
T = TypeVar("T")

_REGION = re.compile(r"\d{2}|\d{4}|\d{6}|\d{9}|\d{12}")


class Record(Protocol):
    """What every model class declares besides its fields."""

    __table__: ClassVar[str]
    __key__: ClassVar[tuple[str, ...]]


def record_label(instance: Any) -> str:
    """``Activity 'a17'`` or ``Enrollment ('p1', 'c1')``: how messages name a record.

    Works on a half-built instance (inside a converter), where later key fields are not yet
    set: those show as ``…``."""
    cls = type(instance)
    values: list[str] = []
    for name in getattr(cls, "__key__", ()):
        try:
            values.append(repr(getattr(instance, name)))
        except AttributeError:
            values.append("…")
            break
    if not values or values == ["…"]:
        return cls.__name__
    if len(values) == 1:
        return f"{cls.__name__} {values[0]}"
    return f"{cls.__name__} ({', '.join(values)})"


def fail(instance: Any, field: str, value: Any, reason: str) -> InvalidRecord:
    return InvalidRecord(record_label(instance), field, value, reason)


# -- converters -----------------------------------------------------------------------------


def _date_converter(value: Any, instance: Any, field: attrs.Attribute[Any]) -> date:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise fail(instance, field.name, value, str(exc)) from None


def _optional_date_converter(value: Any, instance: Any, field: attrs.Attribute[Any]) -> date | None:
    if value is None:
        return None
    return _date_converter(value, instance, field)


def _vocab_converter(kind: type[V], optional: bool) -> attrs.Converter[Any, Any]:
    def convert(value: Any, instance: Any, field: attrs.Attribute[Any]) -> V | None:
        if value is None and optional:
            return None
        try:
            return kind.parse(value)
        except ValueError as exc:
            raise fail(instance, field.name, value, str(exc)) from None

    return attrs.Converter(convert, takes_self=True, takes_field=True)


# -- validators -----------------------------------------------------------------------------


def _text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise fail(instance, attribute.name, value, "must be non-empty text")


def _optional_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise fail(instance, attribute.name, value, "must be text")


def _number_between(low: float, high: float, *, low_open: bool = False) -> Callable[..., None]:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise fail(instance, attribute.name, value, "must be a number")
        if (value <= low if low_open else value < low) or value > high:
            bound = f"greater than {low:g}" if low_open else f"at least {low:g}"
            limit = "" if high == float("inf") else f" and at most {high:g}"
            raise fail(instance, attribute.name, value, f"must be {bound}{limit}")

    return check


def _whole_at_least(minimum: int) -> Callable[..., None]:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(instance, attribute.name, value, "must be a whole number")
        if value < minimum:
            raise fail(instance, attribute.name, value, f"must be at least {minimum}")

    return check


def _flag(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, bool):
        raise fail(instance, attribute.name, value, "must be true or false")


def _region(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not (isinstance(value, str) and _REGION.fullmatch(value)):
        raise fail(
            instance, attribute.name, value, "must be a region code of 2, 4, 6, 9 or 12 digits"
        )


# -- field constructors ---------------------------------------------------------------------
# Each returns an attrs field with its Chinese label; the keyword ``default`` makes it optional.


def text(zh: str) -> Any:
    """A required, non-empty text field."""
    return attrs.field(validator=_text, metadata={"zh": zh})


def optional_text(zh: str, **kw: Any) -> Any:
    """An optional text field (``None`` when absent)."""
    return attrs.field(default=None, validator=_optional_text, metadata={"zh": zh}, **kw)


def day(zh: str) -> Any:
    """A required date; accepts anything :func:`~supervise.parse_date` does."""
    return attrs.field(
        converter=attrs.Converter(_date_converter, takes_self=True, takes_field=True),
        metadata={"zh": zh},
    )


def optional_day(zh: str) -> Any:
    """An optional date."""
    return attrs.field(
        default=None,
        converter=attrs.Converter(_optional_date_converter, takes_self=True, takes_field=True),
        metadata={"zh": zh},
    )


def converted(convert: Callable[[Any, Any, attrs.Attribute[Any]], Any], zh: str, **kw: Any) -> Any:
    """A field whose value passes through ``convert(value, instance, field)``, which
    normalises it or raises :class:`InvalidRecord`."""
    converter = attrs.Converter(convert, takes_self=True, takes_field=True)
    return attrs.field(converter=converter, metadata={"zh": zh, **kw.pop("metadata", {})}, **kw)


def vocab(kind: type[V], zh: str, **kw: Any) -> Any:
    """A field holding a member of ``kind``; accepts its value or Chinese label."""
    optional = kw.get("default", attrs.NOTHING) is None
    return attrs.field(converter=_vocab_converter(kind, optional), metadata={"zh": zh}, **kw)


def _int_to_float(value: Any) -> Any:
    # Only exact ints: bools and text are left for the validator to refuse.
    return float(value) if type(value) is int else value


def _to_places(places: int) -> Any:
    def convert(value: Any) -> Any:
        value = _int_to_float(value)
        if type(value) is float and math.isfinite(value):
            return round(value, places)
        return value

    return convert


def number(
    zh: str,
    low: float,
    high: float,
    *,
    low_open: bool = False,
    places: int | None = None,
    **kw: Any,
) -> Any:
    """A float within ``[low, high]`` (``(low, high]`` with ``low_open``); ints become floats.

    With ``places``, the value is kept to that many decimals (rounded half to even), so that
    sums of it are exact in any order and on any engine (see docs/progress.md)."""
    metadata: dict[str, Any] = {"zh": zh, "range": (low, high, low_open)}
    if places is not None:
        metadata["places"] = places
    return attrs.field(
        converter=_int_to_float if places is None else _to_places(places),
        validator=_number_between(low, high, low_open=low_open),
        metadata=metadata,
        **kw,
    )


def count(zh: str, *, minimum: int = 1, **kw: Any) -> Any:
    """A whole number of at least ``minimum`` (1 unless given); optional (``None``) unless
    ``required=True``."""
    if not kw.pop("required", False):
        kw.setdefault("default", None)
    return attrs.field(
        validator=_whole_at_least(minimum), metadata={"zh": zh, "minimum": minimum}, **kw
    )


def flag(zh: str, *, default: bool = False) -> Any:
    """A true-or-false field (``default`` when absent)."""
    return attrs.field(default=default, validator=_flag, metadata={"zh": zh})


def nested(kind: type[T], zh: str) -> Any:
    """A field holding another frozen model object, defaulting to ``kind()``."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, kind):
            raise fail(instance, attribute.name, value, f"must be a {kind.__name__} object")

    return attrs.field(factory=kind, validator=check, metadata={"zh": zh})


def region(zh: str) -> Any:
    """An optional administrative region code (2, 4, 6, 9 or 12 digits)."""
    return attrs.field(
        default=None, validator=_region, metadata={"zh": zh, "pattern": _REGION.pattern}
    )


def check_order(instance: Any, first: str, second: str) -> None:
    """Raise unless ``instance.first <= instance.second`` (either may be ``None``)."""
    start, end = getattr(instance, first), getattr(instance, second)
    if start is not None and end is not None and start > end:
        raise fail(instance, second, end, f"must not be before {first} {start.isoformat()}")
