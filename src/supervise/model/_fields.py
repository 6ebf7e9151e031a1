"""Field declarations and validators shared by the model classes.

Every field carries its Chinese label in ``metadata["zh"]``: the one place the exchange format
and reports read column labels from. Numbers also carry their ``range`` (low, high, low_open),
counts their ``minimum`` and region codes their ``pattern``, which the published JSON Schema of
the exchange format reads instead of restating them. Validators raise :class:`InvalidRecord`
naming the record (class and key), the field and the value, with the reason in Chinese and
English.

Text is stored as people will read it, on screens, terminals and spreadsheets: no text holds
a lone surrogate (not Unicode at all), a control character other than tab, line feed and
carriage return (a NUL, a terminal escape, a form feed) or a bidirectional override (which
reorders what is shown around it).
Identifiers (ids, phase keys, references to them) are stricter: no control or invisible
formatting character of any kind, line breaks and tabs included, since an id that looks like
another one is a record no one can find.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar, Protocol, TypeVar

import attrs

from supervise.dates import parse_date
from supervise.errors import InvalidRecord, reason_of
from supervise.lang import Catalogue, Text
from supervise.model.vocab import Vocabulary

V = TypeVar("V", bound=Vocabulary)
T = TypeVar("T")

_REGION = re.compile(r"\d{2}|\d{4}|\d{6}|\d{9}|\d{12}")
#: The largest whole number the registry stores (SQLite's 64-bit integers).
MAX_INTEGER = 2**63 - 1

_T = Catalogue(
    __name__,
    {
        "non_empty": ("必须是非空文本", "must be non-empty text"),
        "text": ("必须是文本", "must be text"),
        "number": ("必须是数字", "must be a number"),
        "finite": ("必须是有限的数", "must be a finite number"),
        "at_least": ("不能小于 {low:g}", "must be at least {low:g}"),
        "at_least_at_most": (
            "必须在 {low:g} 到 {high:g} 之间",
            "must be at least {low:g} and at most {high:g}",
        ),
        "greater_than": ("必须大于 {low:g}", "must be greater than {low:g}"),
        "greater_than_at_most": (
            "必须大于 {low:g} 且不大于 {high:g}",
            "must be greater than {low:g} and at most {high:g}",
        ),
        "whole": ("必须是整数", "must be a whole number"),
        "at_least_whole": ("不能小于 {minimum}", "must be at least {minimum}"),
        "flag": ("必须是 true 或 false（是或否）", "must be true or false"),
        "too_large": (
            "太大：登记库能保存的整数最大为 {max:,}",
            "is too large: the registry stores whole numbers up to {max:,}",
        ),
        "region": (
            "必须是 2、4、6、9 或 12 位数字的行政区划代码",
            "must be a region code of 2, 4, 6, 9 or 12 digits",
        ),
        "object": ("必须是 {kind} 对象", "must be a {kind} object"),
        "before": ("不能早于{first} {date}", "must not be before {first} {date}"),
        "holds": (
            "不能包含{what}（第 {at} 个字符，U+{code:04X}）",
            "must not hold {what} (character {at}, U+{code:04X})",
        ),
        "line_break": ("换行符", "a line break"),
        "nul": ("空字符 NUL", "a NUL character"),
        "control": (
            "控制字符（如终端转义序列）",
            "a control character (such as a terminal escape)",
        ),
        "bidi": (
            "双向文本控制符（会改变文字显示顺序）",
            "a bidirectional control (it reorders what is shown)",
        ),
        "invisible": ("不可见的格式字符", "an invisible formatting character"),
        "surrogate": (
            "孤立的代理码位（不是有效的 Unicode 文本）",
            "a lone surrogate (not valid Unicode text)",
        ),
    },
)
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# Embeddings, overrides and isolates reorder the text around them; marks (LRM, RLM, ALM)
# only nudge neutral characters and are left to free text.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_BIDI_MARKS = frozenset("\u200e\u200f\u061c")


def _unsafe(value: str, strict: bool) -> Text | None:
    """Why ``value`` cannot be stored as text (``strict``: as an identifier), else ``None``.
    Most text is printable, which ``str.isprintable`` answers at C speed; the rest is read
    character by character."""
    if value.isprintable():
        return None
    for at, char in enumerate(value, start=1):
        kind = _kind_of(char, strict)
        if kind is not None:
            return _T("holds", what=_T(kind), at=at, code=ord(char))
    return None


def _kind_of(char: str, strict: bool) -> str | None:
    category = unicodedata.category(char)
    if category == "Cs":
        return "surrogate"
    if char == "\x00":
        return "nul"
    if char in _BIDI_CONTROLS or (strict and char in _BIDI_MARKS):
        return "bidi"
    if strict and (char in _LINE_BREAKS or category in ("Zl", "Zp")):
        return "line_break"
    if category == "Cc":
        return "control" if strict or char not in "\t\n\r" else None
    if category == "Cf" and strict:
        return "invisible"
    return None


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
        raise fail(instance, field.name, value, reason_of(exc)) from None


def _optional_date_converter(value: Any, instance: Any, field: attrs.Attribute[Any]) -> date | None:
    if value is None:
        return None
    return _date_converter(value, instance, field)


def _vocab_converter(kind: type[V], optional: bool) -> attrs.Converter[Any, Any]:
    def convert(value: Any, instance: Any, field: attrs.Attribute[Any]) -> V | None:
        if value is None and optional:
            return None
        try:
            return kind.read(value) if optional else kind.parse(value)
        except ValueError as exc:
            raise fail(instance, field.name, value, reason_of(exc)) from None

    return attrs.Converter(convert, takes_self=True, takes_field=True)


# -- validators -----------------------------------------------------------------------------


def _text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise fail(instance, attribute.name, value, _T("non_empty"))
    _safe(instance, attribute, value, strict=False)


def _identifier(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is str and value.isprintable() and not value.isspace() and value:
        return  # nearly every id: checked at C speed
    if not isinstance(value, str) or not value.strip():
        raise fail(instance, attribute.name, value, _T("non_empty"))
    _safe(instance, attribute, value, strict=True)


def _optional_identifier(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _identifier(instance, attribute, value)


def _optional_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise fail(instance, attribute.name, value, _T("text"))
    if value is not None:
        _safe(instance, attribute, value, strict=False)


def _safe(instance: Any, attribute: attrs.Attribute[Any], value: str, strict: bool) -> None:
    reason = _unsafe(value, strict)
    if reason is not None:
        raise fail(instance, attribute.name, value, reason)


def check_identifier(value: str) -> Text | None:
    """Why ``value`` cannot be an identifier (control, formatting or bidirectional
    characters, a lone surrogate), else ``None``; emptiness is checked by the fields."""
    return _unsafe(value, strict=True)


def _number_between(low: float, high: float, *, low_open: bool = False) -> Callable[..., None]:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise fail(instance, attribute.name, value, _T("number"))
        if value in (float("inf"), float("-inf")):
            raise fail(instance, attribute.name, value, _T("finite"))
        if (value <= low if low_open else value < low) or value > high:
            bound = "greater_than" if low_open else "at_least"
            limit = "" if high == float("inf") else "_at_most"
            raise fail(instance, attribute.name, value, _T(bound + limit, low=low, high=high))

    return check


def _whole_at_least(minimum: int) -> Callable[..., None]:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(instance, attribute.name, value, _T("whole"))
        if value < minimum:
            raise fail(instance, attribute.name, value, _T("at_least_whole", minimum=minimum))
        if value > MAX_INTEGER:
            raise fail(instance, attribute.name, value, _T("too_large", max=MAX_INTEGER))

    return check


def _flag(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, bool):
        raise fail(instance, attribute.name, value, _T("flag"))


def _region(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not (isinstance(value, str) and _REGION.fullmatch(value)):
        raise fail(instance, attribute.name, value, _T("region"))


# -- field constructors ---------------------------------------------------------------------
# Each returns an attrs field with its Chinese label; the keyword ``default`` makes it optional.


def text(zh: str) -> Any:
    """A required, non-empty text field."""
    return attrs.field(validator=_text, metadata={"zh": zh})


def identifier(zh: str, **kw: Any) -> Any:
    """A required identifier (an id, a key, a reference to one): non-empty text without
    control, formatting or bidirectional characters; optional with ``default=None``."""
    optional = kw.get("default", attrs.NOTHING) is None
    validator = _optional_identifier if optional else _identifier
    return attrs.field(validator=validator, metadata={"zh": zh, "identifier": True}, **kw)


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
    """A whole number from ``minimum`` (1 unless given) to :data:`MAX_INTEGER`; optional
    (``None``) unless ``required=True``."""
    if not kw.pop("required", False):
        kw.setdefault("default", None)
    metadata = {"zh": zh, "minimum": minimum, "maximum": MAX_INTEGER}
    return attrs.field(validator=_whole_at_least(minimum), metadata=metadata, **kw)


def flag(zh: str, *, default: bool = False) -> Any:
    """A true-or-false field (``default`` when absent)."""
    return attrs.field(default=default, validator=_flag, metadata={"zh": zh})


def nested(kind: type[T], zh: str) -> Any:
    """A field holding another frozen model object, defaulting to ``kind()``."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, kind):
            raise fail(instance, attribute.name, value, _T("object", kind=kind.__name__))

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
        label = attrs.fields_dict(type(instance))[first].metadata.get("zh", first)
        reason = _T("before", first=Text(first, label), date=start.isoformat())
        raise fail(instance, second, end, reason)
