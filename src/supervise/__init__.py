"""supervise: track the programs that turn experienced social workers into supervisors (督导).

It models trainees, mentors, programs and their phases, the records that show progress and the
credential outcomes, and answers two questions: how far along is a cohort, and who qualifies
for the talent pool (and if not, exactly what is missing).

>>> import supervise
>>> registry = supervise.open()          # or supervise.open("cohorts.db")
"""

from supervise.core.continuing import CycleRequirement, EducationReport, load_requirement
from supervise.core.eligibility import EligibilityReport, PersonEligibility
from supervise.core.outcomes import OutcomeTally
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
from supervise.core.tiers import TierCounts
from supervise.dates import DateParseError, parse_date, years_between
from supervise.engine.eligibility import eligibility_of_records as eligibility
from supervise.engine.progress import progress
from supervise.errors import (
    ImportFailed,
    IntegrityError,
    InvalidRecord,
    MissingExtra,
    NationalIdWarning,
    NotFound,
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

# Results find their views (HTML, text, DataFrames) through supervise._display.
import supervise.present  # noqa: F401  isort: skip

__version__ = "0.1.0"

__all__ = [
    "BUILTIN_POLICIES",
    "DEFAULT_PHASES",
    "Activity",
    "Cohort",
    "CohortProgress",
    "CohortSnapshot",
    "ContinuingEducation",
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
    "Policy",
    "PolicyError",
    "Program",
    "RecordState",
    "Registry",
    "Requirements",
    "RuleResult",
    "SchemaVersionError",
    "Session",
    "SessionForm",
    "SuperviseError",
    "Target",
    "TargetStatus",
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
