"""What a program produced (培养成效): how many were trained, and people per outcome kind.

Reproduces tables such as Ningxia's: of 60 trained, 18 admitted to the expert pool, 5 drafting
local standards, 3 through the senior review, 1 through the senior exam, 1 promoted.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from supervise import _display

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = ["OutcomeTally"]


@attrs.frozen(kw_only=True)
class OutcomeTally:
    """Among the trainees of the chosen cohorts on ``as_of``: ``enrolled`` people, ``trained``
    (completed) people, and people per outcome kind (every kind listed, zeros included)."""

    as_of: date
    program: str | None
    cohort: str | None
    enrolled: int
    trained: int
    outcomes: Mapping[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "program": self.program,
            "cohort": self.cohort,
            "enrolled": self.enrolled,
            "trained": self.trained,
            "outcomes": dict(self.outcomes),
        }

    def to_pandas(self, lang: str | None = None) -> DataFrame:
        """Rows ``item``, ``label`` (in ``lang``, default: the language setting), ``people``:
        enrolled, trained, then each outcome kind.
        Needs ``supervise[pandas]``."""
        return _display.frame(self, lang)

    def to_html(self, lang: str | None = None) -> str:
        """The outcome table as HTML, in ``lang`` (default: the language setting)."""
        return _display.html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_text(self, lang: str | None = None) -> str:
        """The outcome table for a terminal, in ``lang`` (default: the language setting)."""
        return _display.text(self, lang)

    def __str__(self) -> str:
        return self.to_text()
