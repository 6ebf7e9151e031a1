"""Placements (实习安排): who is posted to which township social-work station, as of a date.

Which placements count on a date is decided by
:func:`supervise.semantics.structure.placements`; :class:`Placements` holds them.

>>> import supervise
>>> from supervise.demo import ningxia
>>> registry = supervise.open(); _ = ningxia.build(registry)
>>> placed = registry.placements(cohort="nx-2024-b2", as_of="2024-10-15")
>>> len(placed.rows), len(placed.stations())
(31, 31)
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from supervise import _display

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = ["PlacementRow", "Placements"]


@attrs.frozen(kw_only=True)
class PlacementRow:
    """One trainee's placement at ``station``; ``in_post`` when the date falls within it."""

    cohort_id: str
    person_id: str
    name: str
    station: str
    region_code: str | None
    starts_on: date
    ends_on: date | None
    in_post: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "cohort_id": self.cohort_id,
            "person_id": self.person_id,
            "name": self.name,
            "station": self.station,
            "region_code": self.region_code,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": None if self.ends_on is None else self.ends_on.isoformat(),
            "in_post": self.in_post,
        }


@attrs.frozen(kw_only=True)
class Placements:
    """The placements of the chosen cohorts (``cohort``, ``program``'s, or all) begun by
    ``as_of``, in cohort, station and person order."""

    as_of: date
    program: str | None
    cohort: str | None
    rows: tuple[PlacementRow, ...]

    def stations(self) -> dict[str, list[PlacementRow]]:
        """The placements by station, stations in name order."""
        grouped: dict[str, list[PlacementRow]] = {}
        for row in sorted(self.rows, key=lambda r: (r.station, r.cohort_id, r.person_id)):
            grouped.setdefault(row.station, []).append(row)
        return grouped

    def of(self, person_id: str) -> list[PlacementRow]:
        """The placements of one trainee."""
        return [r for r in self.rows if r.person_id == person_id]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "as_of": self.as_of.isoformat(),
            "program": self.program,
            "cohort": self.cohort,
            "placements": [r.to_dict() for r in self.rows],
        }

    def to_pandas(self) -> DataFrame:
        """One row per placement, the keys of a row's ``to_dict()``; dates as Timestamps.
        Needs ``supervise[pandas]``."""
        return _display.frame(self)

    def to_html(self, lang: str | None = None) -> str:
        """One row per station, its trainees and dates, in ``lang`` (default: the language
        setting)."""
        return _display.html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_text(self, lang: str | None = None) -> str:
        """A terminal table, one row per placement, in ``lang`` (default: the language
        setting)."""
        return _display.text(self, lang)

    def __str__(self) -> str:
        return self.to_text()
