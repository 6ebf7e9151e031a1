"""What a program produced (培养成效): how many were trained, and people per outcome kind.

Reproduces tables such as Ningxia's: of 60 trained, 18 admitted to the expert pool, 5 drafting
local standards, 3 through the senior review, 1 through the senior exam, 1 promoted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from supervise.core.progress import CohortProgress, TraineeStatus
from supervise.model import Outcome, OutcomeKind

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = ["OutcomeTally", "outcome_tally"]


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

    def to_pandas(self, lang: str = "zh") -> DataFrame:
        """Rows ``item``, ``label``, ``people``: enrolled, trained, then each outcome kind.
        Needs ``supervise[pandas]``."""
        from supervise.present.frames import outcomes_frame

        return outcomes_frame(self, lang)

    def to_html(self, lang: str = "zh") -> str:
        """The outcome table as HTML."""
        from supervise.present.structure import outcomes_html

        return outcomes_html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_text(self, lang: str = "zh") -> str:
        from supervise.present.structure import outcomes_text

        return outcomes_text(self, lang)

    def __str__(self) -> str:
        return self.to_text()


def outcome_tally(
    progresses: Iterable[CohortProgress],
    outcomes: Iterable[Outcome],
    as_of: date,
    program: str | None = None,
    cohort: str | None = None,
) -> OutcomeTally:
    """Combine the progress of the chosen cohorts (each as of ``as_of``) with the outcomes of
    their trainees; a person in several cohorts counts once."""
    enrolled: set[str] = set()
    trained: set[str] = set()
    for result in progresses:
        for t in result.trainees:
            enrolled.add(t.person_id)
            if t.status is TraineeStatus.COMPLETED:
                trained.add(t.person_id)
    people: dict[OutcomeKind, set[str]] = {kind: set() for kind in OutcomeKind}
    for o in outcomes:
        if o.person_id in enrolled and o.on <= as_of:
            people[o.kind].add(o.person_id)
    return OutcomeTally(
        as_of=as_of,
        program=program,
        cohort=cohort,
        enrolled=len(enrolled),
        trained=len(trained),
        outcomes={kind.value: len(who) for kind, who in people.items()},
    )
