"""The model: frozen, validated records named after the glossary.

Every class maps to one table of the exchange format and the store (``__table__``) and is
identified by its ``__key__`` fields. Objects are immutable and hashable; build them by hand in
a notebook or load them from a registry, and every computation treats them the same.
"""

from __future__ import annotations

from typing import Any

from supervise.model._fields import record_label
from supervise.model.people import ContinuingEducation, Credential, Outcome, Person
from supervise.model.programs import (
    DEFAULT_PHASES,
    REQUIREMENT_NAMES,
    Cohort,
    PhaseSpec,
    Program,
    Requirements,
    default_phases,
    phase_label,
)
from supervise.model.records import (
    DEFAULT_SESSION_PHASE,
    HOURS_PLACES,
    SIGNED_TABLES,
    Activity,
    Deliverable,
    Enrollment,
    Exemption,
    MentorRole,
    Pairing,
    Placement,
    Session,
)
from supervise.model.vocab import (
    CredentialLevel,
    EnrollmentStatus,
    Gender,
    MentorKind,
    OutcomeKind,
    RecordState,
    SessionForm,
    Vocabulary,
)

__all__ = [
    "DEFAULT_PHASES",
    "DEFAULT_SESSION_PHASE",
    "HOURS_PLACES",
    "MODELS",
    "REQUIREMENT_NAMES",
    "SIGNED_TABLES",
    "Activity",
    "Cohort",
    "ContinuingEducation",
    "Credential",
    "CredentialLevel",
    "Deliverable",
    "Enrollment",
    "EnrollmentStatus",
    "Exemption",
    "Gender",
    "MentorKind",
    "MentorRole",
    "Outcome",
    "OutcomeKind",
    "Pairing",
    "Person",
    "PhaseSpec",
    "Placement",
    "Program",
    "RecordState",
    "Requirements",
    "Session",
    "SessionForm",
    "Vocabulary",
    "default_phases",
    "key_of",
    "model_for_table",
    "phase_label",
    "record_label",
]

#: Every model class, parents before children: the order in which records are written.
MODELS: tuple[type[Any], ...] = (
    Program,
    PhaseSpec,
    Cohort,
    Person,
    Enrollment,
    MentorRole,
    Pairing,
    Activity,
    Session,
    Placement,
    Deliverable,
    Exemption,
    Credential,
    ContinuingEducation,
    Outcome,
)
_BY_TABLE = {cls.__table__: cls for cls in MODELS}


def model_for_table(table: str) -> type[Any]:
    """The model class stored in ``table`` (``"activities"`` gives :class:`Activity`)."""
    try:
        return _BY_TABLE[table]
    except KeyError:
        raise KeyError(f"unknown table {table!r}; expected one of {', '.join(_BY_TABLE)}") from None


def key_of(record: Any) -> tuple[Any, ...]:
    """The values of ``record``'s key fields, e.g. ``("p1", "c1")`` for an Enrollment."""
    return tuple(getattr(record, name) for name in type(record).__key__)
