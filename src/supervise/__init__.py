"""supervise: track the programs that turn experienced social workers into supervisors (督导).

It models trainees, mentors, programs and their phases, the records that show progress and the
credential outcomes, and answers two questions: how far along is a cohort, and who qualifies
for the talent pool (and if not, exactly what is missing).

>>> import supervise
>>> registry = supervise.open()          # or supervise.open("cohorts.db")
"""

from supervise.core import rules
from supervise.core.eligibility import EligibilityReport, PersonEligibility, Population, eligibility
from supervise.core.outcomes import OutcomeTally
from supervise.core.policy import BUILTIN_POLICIES, Policy, PolicyError, load_policy
from supervise.core.progress import (
    CohortProgress,
    MentorLoad,
    PhaseProgress,
    PhaseStatus,
    TraineeProgress,
    TraineeStatus,
    progress,
)
from supervise.core.rules import PersonView, RuleResult
from supervise.core.snapshot import CohortSnapshot, PhaseTally
from supervise.core.targets import Target, TargetStatus, load_targets
from supervise.core.tiers import TierCounts
from supervise.dates import DateParseError, parse_date, years_between
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
    Requirements,
    Session,
    SessionForm,
    default_phases,
)
from supervise.store import Registry, open

__version__ = "0.1.0"

__all__ = [
    "BUILTIN_POLICIES",
    "DEFAULT_PHASES",
    "Activity",
    "Cohort",
    "CohortProgress",
    "CohortSnapshot",
    "Credential",
    "CredentialLevel",
    "DateParseError",
    "Deliverable",
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
    "PersonView",
    "PhaseProgress",
    "PhaseSpec",
    "PhaseStatus",
    "PhaseTally",
    "Placement",
    "Policy",
    "PolicyError",
    "Population",
    "Program",
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
    "__version__",
    "default_phases",
    "eligibility",
    "load_policy",
    "load_targets",
    "open",
    "parse_date",
    "progress",
    "rules",
    "years_between",
]
