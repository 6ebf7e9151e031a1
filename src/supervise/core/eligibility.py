"""Who qualifies under a policy, as of a date, and what everyone else is missing: results.

Whether each rule holds for each person is decided by the statement of
:mod:`supervise.semantics.eligibility` and arrives here as columns (a value and a verdict per
rule, nested rules included). A :class:`PersonEligibility` is built when a caller reads it;
its explanations (``results``, with actual and required values and messages) on first use,
since a province-wide run seldom reads them all.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, overload

import attrs

from supervise import _display
from supervise.semantics.eligibility import Node
from supervise.semantics.rules import Labels, RuleResult

if TYPE_CHECKING:
    import pyarrow as pa
    from pandas import DataFrame

__all__ = ["EligibilityColumns", "EligibilityReport", "PersonEligibility"]


@attrs.frozen(kw_only=True, eq=False)
class EligibilityColumns:
    """The columns of one run: ``table`` has ``person_id``, ``name`` and, for every rule
    (``nodes``, nested ones included), ``value_<n>`` and ``met_<n>``; ``top`` numbers the
    policy's own rules."""

    table: pa.Table
    nodes: tuple[Node, ...]
    top: tuple[int, ...]
    labels: Labels

    @functools.cached_property
    def person_ids(self) -> list[str]:
        ids: list[str] = self.table.column("person_id").to_pylist()
        return ids

    @functools.cached_property
    def verdicts(self) -> list[tuple[bool, ...]]:
        """Per person, whether each of the policy's rules holds."""
        columns = [self.table.column(f"met_{n}").to_pylist() for n in self.top]
        return list(zip(*columns, strict=True)) if columns else [()] * self.table.num_rows

    def explain(self, row: int) -> tuple[RuleResult, ...]:
        """The results of the policy's rules for the person in ``row``."""
        cells = self.table.slice(row, 1).to_pylist()[0]

        def result(number: int) -> RuleResult:
            node = self.nodes[number]
            children = [result(c) for c in node.children]
            return node.rule.explain(
                cells[f"value_{number}"], cells[f"met_{number}"], children, self.labels
            )

        return tuple(result(n) for n in self.top)


@attrs.frozen(kw_only=True)
class PersonEligibility:
    """One person under a policy on ``as_of``: eligible when every rule of the policy holds
    (``met`` says which hold)."""

    person_id: str
    name: str
    met: tuple[bool, ...]
    as_of: date
    columns: EligibilityColumns = attrs.field(eq=False, repr=False)
    row: int = attrs.field(eq=False, repr=False)

    @property
    def eligible(self) -> bool:
        return all(self.met)

    @property
    def unmet(self) -> int:
        """How many of the policy's rules are not met."""
        return self.met.count(False)

    @functools.cached_property
    def results(self) -> tuple[RuleResult, ...]:
        """One result per rule of the policy, in order."""
        return self.columns.explain(self.row)

    def missing(self) -> list[RuleResult]:
        """Exactly what is missing, each item needed: the result of an unmet simple rule,
        or of an unmet choice whole (an ``any_of`` whose alternatives are its
        :attr:`~supervise.semantics.rules.RuleResult.options`, of which it needs
        :attr:`~supervise.semantics.rules.RuleResult.needed`), never the alternatives as if
        each were required."""
        if self.eligible:
            return []
        return [item for r in self.results for item in r.missing()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "name": self.name,
            "eligible": self.eligible,
            "rules": [r.to_dict() for r in self.results],
        }


class PeopleRows(Sequence[PersonEligibility]):
    """Everyone assessed, in person-id order, each built on first read."""

    def __init__(self, columns: EligibilityColumns, as_of: date) -> None:
        self.columns = columns
        self.as_of = as_of
        self._built: dict[int, PersonEligibility] = {}

    def __len__(self) -> int:
        return int(self.columns.table.num_rows)

    def _one(self, row: int) -> PersonEligibility:
        person = self._built.get(row)
        if person is None:
            person = PersonEligibility(
                person_id=self.columns.person_ids[row],
                name=self.columns.table.column("name")[row].as_py(),
                met=self.columns.verdicts[row],
                as_of=self.as_of,
                columns=self.columns,
                row=row,
            )
            self._built[row] = person
        return person

    @overload
    def __getitem__(self, index: int) -> PersonEligibility: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[PersonEligibility]: ...
    def __getitem__(self, index: int | slice) -> PersonEligibility | Sequence[PersonEligibility]:
        if isinstance(index, slice):
            return [self._one(n) for n in range(len(self))[index]]
        return self._one(range(len(self))[index])

    def __iter__(self) -> Iterator[PersonEligibility]:
        return (self._one(n) for n in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self)} people>"

    def index(self, person_id: object, start: int = 0, stop: int | None = None) -> int:
        ids = self.columns.person_ids
        if isinstance(person_id, str):
            at = bisect.bisect_left(ids, person_id)
            if at < len(ids) and ids[at] == person_id:
                return at
        raise ValueError(f"{person_id!r} was not assessed")


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


@attrs.frozen(kw_only=True)
class EligibilityReport:
    """Everyone assessed under a policy on ``as_of``, in person-id order: ``policy_version``
    is the version in force on that date (with its effective dates, for a policy that has
    versions)."""

    policy_id: str
    policy_version: str
    policy_name: str
    as_of: date
    people: Sequence[PersonEligibility]
    effective_from: date | None = None
    effective_until: date | None = None

    @property
    def eligible(self) -> tuple[str, ...]:
        """Person ids of everyone who qualifies."""
        people = self.people
        if isinstance(people, PeopleRows):
            columns = people.columns
            return tuple(
                p for p, met in zip(columns.person_ids, columns.verdicts, strict=True) if all(met)
            )
        return tuple(p.person_id for p in people if p.eligible)

    def person(self, person_id: str) -> PersonEligibility:
        people = self.people
        if isinstance(people, PeopleRows):
            try:
                return people[people.index(person_id)]
            except ValueError:
                pass
        else:
            for p in people:
                if p.person_id == person_id:
                    return p
        raise KeyError(f"{person_id!r} was not assessed")

    def missing(self, person_id: str) -> list[RuleResult]:
        """What ``person_id`` lacks, each item needed (empty when eligible); an unmet
        choice is one item, its alternatives in ``options``
        (:meth:`PersonEligibility.missing`)."""
        return self.person(person_id).missing()

    def nearly(self, n: int = 1) -> tuple[str, ...]:
        """Person ids of those who miss by exactly ``n`` of the policy's rules."""
        people = self.people
        if isinstance(people, PeopleRows):
            columns = people.columns
            return tuple(
                p
                for p, met in zip(columns.person_ids, columns.verdicts, strict=True)
                if met.count(False) == n
            )
        return tuple(p.person_id for p in people if p.unmet == n)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; the shape is a public contract (docs/eligibility.md)."""
        return {
            "policy": {
                "id": self.policy_id,
                "version": self.policy_version,
                "name": self.policy_name,
                "effective_from": _iso(self.effective_from),
                "effective_until": _iso(self.effective_until),
            },
            "as_of": self.as_of.isoformat(),
            "eligible": list(self.eligible),
            "people": [p.to_dict() for p in self.people],
        }

    def to_pandas(self, table: str = "rules", lang: str | None = None) -> DataFrame:
        """A pandas DataFrame: ``rules`` (one row per person and rule, the default) or
        ``people`` (one row per person with everything missing), messages in ``lang``
        (default: the language setting). Needs ``supervise[pandas]``."""
        return _display.frame(self, table, lang)

    def to_html(self, lang: str | None = None, only: bool | None = None) -> str:
        """An HTML table: a green tick, or a red cross and everything missing (a choice
        with its alternatives), in ``lang`` (default: the language setting)."""
        return _display.html(self, lang, only)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_text(
        self, lang: str | None = None, only: bool | None = None, columns: int | None = None
    ) -> str:
        """A terminal table: one row per person with a tick or everything missing, wrapped
        within ``columns`` (default: the terminal's width), in ``lang`` (default: the
        language setting); only the eligible, or only the others, with ``only=True`` /
        ``False``."""
        return _display.text(self, lang, columns, only)

    def __str__(self) -> str:
        return self.to_text()
