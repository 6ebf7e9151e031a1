"""supervise: track the programs that turn experienced social workers into supervisors (督导).

It models trainees, mentors, programs and their phases, the records that show progress and the
credential outcomes, and answers two questions: how far along is a cohort, and who qualifies
for the talent pool (and if not, exactly what is missing).

>>> import supervise
>>> registry = supervise.open()          # or supervise.open("cohorts.db")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from supervise import _display

if TYPE_CHECKING:
    from supervise.core.continuing import CycleRequirement, EducationReport, load_requirement
    from supervise.core.eligibility import EligibilityReport, PersonEligibility
    from supervise.core.outcomes import OutcomeTally
    from supervise.core.placements import Placements
    from supervise.core.policy import (
        BUILTIN_POLICIES,
        Policy,
        PolicyError,
        VersionedPolicy,
        load_policy,
    )
    from supervise.core.progress import (
        CohortProgress,
        MentorLoad,
        PhaseProgress,
        PhaseStatus,
        TraineeProgress,
        TraineeStatus,
    )
    from supervise.core.snapshot import CohortSnapshot
    from supervise.core.targets import Target, TargetStatus, load_targets
    from supervise.core.teams import TeamProgress, TeamsProgress
    from supervise.core.tiers import TierCounts
    from supervise.dates import DateParseError, parse_date, years_between
    from supervise.engine.eligibility import eligibility_of_records as eligibility
    from supervise.engine.progress import progress
    from supervise.errors import (
        CorruptRegistry,
        ImportFailed,
        IntegrityError,
        InvalidRecord,
        KeyRequired,
        MissingExtra,
        NationalIdWarning,
        NotFound,
        RegistryBusy,
        SchemaVersionError,
        SuperviseError,
    )
    from supervise.exchange import ImportReport
    from supervise.model import (
        DEFAULT_PHASES,
        Activity,
        Cohort,
        ContinuingEducation,
        Credential,
        CredentialLevel,
        Deliverable,
        Enrollment,
        EnrollmentStatus,
        Exemption,
        Gender,
        MentorKind,
        MentorRole,
        Outcome,
        OutcomeKind,
        Pairing,
        Person,
        PhaseSpec,
        Placement,
        Program,
        RecordState,
        Requirements,
        Session,
        SessionForm,
        default_phases,
    )
    from supervise.registry import Registry, open
    from supervise.semantics import rules
    from supervise.semantics.rules import RuleResult

# Names are imported when first used (PEP 562): a command that only reads progress does not
# pay for the exchange formats, the credentials or pandas. Each name comes from one module
# ("" as the attribute: the module itself).
_LAZY: dict[str, tuple[str, str]] = {
    "CycleRequirement": ("supervise.core.continuing", "CycleRequirement"),
    "EducationReport": ("supervise.core.continuing", "EducationReport"),
    "load_requirement": ("supervise.core.continuing", "load_requirement"),
    "EligibilityReport": ("supervise.core.eligibility", "EligibilityReport"),
    "PersonEligibility": ("supervise.core.eligibility", "PersonEligibility"),
    "OutcomeTally": ("supervise.core.outcomes", "OutcomeTally"),
    "Placements": ("supervise.core.placements", "Placements"),
    "BUILTIN_POLICIES": ("supervise.core.policy", "BUILTIN_POLICIES"),
    "Policy": ("supervise.core.policy", "Policy"),
    "PolicyError": ("supervise.core.policy", "PolicyError"),
    "VersionedPolicy": ("supervise.core.policy", "VersionedPolicy"),
    "load_policy": ("supervise.core.policy", "load_policy"),
    "CohortProgress": ("supervise.core.progress", "CohortProgress"),
    "MentorLoad": ("supervise.core.progress", "MentorLoad"),
    "PhaseProgress": ("supervise.core.progress", "PhaseProgress"),
    "PhaseStatus": ("supervise.core.progress", "PhaseStatus"),
    "TraineeProgress": ("supervise.core.progress", "TraineeProgress"),
    "TraineeStatus": ("supervise.core.progress", "TraineeStatus"),
    "CohortSnapshot": ("supervise.core.snapshot", "CohortSnapshot"),
    "Target": ("supervise.core.targets", "Target"),
    "TargetStatus": ("supervise.core.targets", "TargetStatus"),
    "load_targets": ("supervise.core.targets", "load_targets"),
    "TeamProgress": ("supervise.core.teams", "TeamProgress"),
    "TeamsProgress": ("supervise.core.teams", "TeamsProgress"),
    "TierCounts": ("supervise.core.tiers", "TierCounts"),
    "DateParseError": ("supervise.dates", "DateParseError"),
    "parse_date": ("supervise.dates", "parse_date"),
    "years_between": ("supervise.dates", "years_between"),
    "eligibility": ("supervise.engine.eligibility", "eligibility_of_records"),
    "progress": ("supervise.engine.progress", "progress"),
    "CorruptRegistry": ("supervise.errors", "CorruptRegistry"),
    "ImportFailed": ("supervise.errors", "ImportFailed"),
    "IntegrityError": ("supervise.errors", "IntegrityError"),
    "InvalidRecord": ("supervise.errors", "InvalidRecord"),
    "KeyRequired": ("supervise.errors", "KeyRequired"),
    "MissingExtra": ("supervise.errors", "MissingExtra"),
    "NationalIdWarning": ("supervise.errors", "NationalIdWarning"),
    "NotFound": ("supervise.errors", "NotFound"),
    "RegistryBusy": ("supervise.errors", "RegistryBusy"),
    "SchemaVersionError": ("supervise.errors", "SchemaVersionError"),
    "SuperviseError": ("supervise.errors", "SuperviseError"),
    "ImportReport": ("supervise.exchange", "ImportReport"),
    "Activity": ("supervise.model", "Activity"),
    "Cohort": ("supervise.model", "Cohort"),
    "ContinuingEducation": ("supervise.model", "ContinuingEducation"),
    "Credential": ("supervise.model", "Credential"),
    "CredentialLevel": ("supervise.model", "CredentialLevel"),
    "DEFAULT_PHASES": ("supervise.model", "DEFAULT_PHASES"),
    "Deliverable": ("supervise.model", "Deliverable"),
    "Enrollment": ("supervise.model", "Enrollment"),
    "EnrollmentStatus": ("supervise.model", "EnrollmentStatus"),
    "Exemption": ("supervise.model", "Exemption"),
    "Gender": ("supervise.model", "Gender"),
    "MentorKind": ("supervise.model", "MentorKind"),
    "MentorRole": ("supervise.model", "MentorRole"),
    "Outcome": ("supervise.model", "Outcome"),
    "OutcomeKind": ("supervise.model", "OutcomeKind"),
    "Pairing": ("supervise.model", "Pairing"),
    "Person": ("supervise.model", "Person"),
    "PhaseSpec": ("supervise.model", "PhaseSpec"),
    "Placement": ("supervise.model", "Placement"),
    "Program": ("supervise.model", "Program"),
    "RecordState": ("supervise.model", "RecordState"),
    "Requirements": ("supervise.model", "Requirements"),
    "Session": ("supervise.model", "Session"),
    "SessionForm": ("supervise.model", "SessionForm"),
    "default_phases": ("supervise.model", "default_phases"),
    "Registry": ("supervise.registry", "Registry"),
    "open": ("supervise.registry", "open"),
    "rules": ("supervise.semantics.rules", ""),
    "RuleResult": ("supervise.semantics.rules", "RuleResult"),
}

# Results find their views (text, HTML, DataFrames) here, imported on first use.
_display.provide("supervise.present._register")


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'supervise' has no attribute {name!r}") from None
    imported = importlib.import_module(module)
    value = getattr(imported, attribute) if attribute else imported
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__version__ = "0.2.0"

__all__ = [
    "BUILTIN_POLICIES",
    "DEFAULT_PHASES",
    "Activity",
    "Cohort",
    "CohortProgress",
    "CohortSnapshot",
    "ContinuingEducation",
    "CorruptRegistry",
    "Credential",
    "CredentialLevel",
    "CycleRequirement",
    "DateParseError",
    "Deliverable",
    "EducationReport",
    "EligibilityReport",
    "Enrollment",
    "EnrollmentStatus",
    "Exemption",
    "Gender",
    "ImportFailed",
    "ImportReport",
    "IntegrityError",
    "InvalidRecord",
    "KeyRequired",
    "MentorKind",
    "MentorLoad",
    "MentorRole",
    "MissingExtra",
    "NationalIdWarning",
    "NotFound",
    "Outcome",
    "OutcomeKind",
    "OutcomeTally",
    "Pairing",
    "Person",
    "PersonEligibility",
    "PhaseProgress",
    "PhaseSpec",
    "PhaseStatus",
    "Placement",
    "Placements",
    "Policy",
    "PolicyError",
    "Program",
    "RecordState",
    "Registry",
    "RegistryBusy",
    "Requirements",
    "RuleResult",
    "SchemaVersionError",
    "Session",
    "SessionForm",
    "SuperviseError",
    "Target",
    "TargetStatus",
    "TeamProgress",
    "TeamsProgress",
    "TierCounts",
    "TraineeProgress",
    "TraineeStatus",
    "VersionedPolicy",
    "__version__",
    "default_phases",
    "eligibility",
    "load_policy",
    "load_requirement",
    "load_targets",
    "open",
    "parse_date",
    "progress",
    "rules",
    "years_between",
]
