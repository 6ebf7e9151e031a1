"""Talent structure (人才梯次结构): people by the highest credential they hold on a date.

>>> from supervise.core.rules import PersonView
>>> from supervise.model import CredentialLevel
>>> senior = CredentialLevel.SENIOR
>>> views = [PersonView(person_id="a", name="甲", region_code="640104", credential=senior),
...          PersonView(person_id="b", name="乙", region_code="640121")]
>>> tiers(views, date(2024, 12, 6), by="prefecture").groups["6401"]
{'none': 1, 'assistant': 0, 'intermediate': 0, 'senior': 1, 'total': 2}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from supervise.core.rules import PersonView
from supervise.model import CredentialLevel

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = ["GROUPINGS", "LEVELS", "TierCounts", "tiers"]

#: Ways to group: region code prefixes of 2 (province), 4 (prefecture) or 6 (county) digits,
#: or the programs a person is enrolled in.
GROUPINGS = {"province": 2, "prefecture": 4, "county": 6, "program": 0}
#: Tier names, lowest first.
LEVELS = ("none", *(level.value for level in CredentialLevel))
#: The group of people with no region code (or no program) when grouping.
UNKNOWN = "unknown"


@attrs.frozen(kw_only=True)
class TierCounts:
    """People per tier (none, assistant, intermediate, senior, total) per group, on ``as_of``.
    The only group is ``"all"`` when not grouped."""

    as_of: date
    by: str | None
    groups: Mapping[str, Mapping[str, int]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "by": self.by,
            "groups": {g: dict(counts) for g, counts in self.groups.items()},
        }

    def to_pandas(self) -> DataFrame:
        """One row per group: ``group``, none, assistant, intermediate, senior, total.
        Needs ``supervise[pandas]``."""
        from supervise.present.frames import tiers_frame

        return tiers_frame(self)

    def to_html(self, lang: str = "zh") -> str:
        """The tier table as HTML."""
        from supervise.present.structure import tiers_html

        return tiers_html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_text(self, lang: str = "zh") -> str:
        """A terminal table, one row per group."""
        from supervise.present.structure import tiers_text

        return tiers_text(self, lang)

    def __str__(self) -> str:
        return self.to_text()


def tiers(views: Iterable[PersonView], as_of: date, by: str | None = None) -> TierCounts:
    """Count ``views`` (people as of ``as_of``) by their highest credential, optionally
    grouped ``by`` province, prefecture, county or program."""
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}; expected one of {', '.join(GROUPINGS)}")
    groups: dict[str, dict[str, int]] = {}
    for view in views:
        tier = view.credential.value if view.credential else "none"
        for group in _groups(view, by):
            counts = groups.setdefault(group, dict.fromkeys((*LEVELS, "total"), 0))
            counts[tier] += 1
            counts["total"] += 1
    if by is None and not groups:
        groups["all"] = dict.fromkeys((*LEVELS, "total"), 0)
    return TierCounts(as_of=as_of, by=by, groups=dict(sorted(groups.items())))


def _groups(view: PersonView, by: str | None) -> list[str]:
    if by is None:
        return ["all"]
    if by == "program":
        return sorted(view.programs) or [UNKNOWN]
    digits = GROUPINGS[by]
    code = view.region_code
    return [code[:digits] if code and len(code) >= digits else UNKNOWN]
