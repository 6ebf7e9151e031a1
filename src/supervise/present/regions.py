"""Names of region codes (行政区划代码, GB/T 2260) for people to read: provinces and counties,
from the table python-stdnum ships (the one that checks national ID numbers).

>>> province_name("64"), region_name("640104"), region_name("640199")
('宁夏回族自治区', '兴庆区', None)
"""

from __future__ import annotations

import functools
import re

__all__ = ["province_name", "provinces", "region_name"]

# A name as the table keeps it: "[2002-]兴庆区", several separated by commas when it changed.
_VALIDITY = re.compile(r"^\[[^\]]*\]")


@functools.cache
def _table() -> object:
    from stdnum import numdb

    return numdb.get("cn/loc")


def _info(code: str) -> list[tuple[str, dict[str, str]]]:
    found: list[tuple[str, dict[str, str]]] = _table().info(code)  # type: ignore[attr-defined]
    return found


@functools.cache
def provinces() -> dict[str, str]:
    """Province names by two-digit code."""
    names = {}
    for n in range(11, 83):
        code = f"{n:02d}"
        for prefix, info in _info(code):
            if prefix == code and "province" in info:
                names[code] = info["province"]
    return names


def province_name(code: str) -> str | None:
    """The province of a region code (its first two digits), e.g. ``64`` 宁夏回族自治区."""
    return provinces().get(code[:2])


def region_name(code: str) -> str | None:
    """The county (区县) of a six-digit code, the province of a two-digit one, as named
    most recently; ``None`` when the table does not know it."""
    if len(code) == 2:
        return province_name(code)
    if len(code) != 6 or not code.isdigit():
        return None
    parts = _info(code)
    if len(parts) < 2 or "county" not in parts[-1][1]:
        return None
    latest = parts[-1][1]["county"].split(",")[-1]
    return _VALIDITY.sub("", latest).strip() or None
