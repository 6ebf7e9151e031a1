"""pandas DataFrames of results, for analysts in notebooks (pandas is optional).

Every frame is flat (a plain RangeIndex, no MultiIndex), so it merges, filters, pivots and
saves to CSV or Excel without surprises. Dates are pandas Timestamps; statuses and phases are
ordered categoricals, so sorting and pivoting keep the program's phase order; figures a phase
does not require are NaN. docs/notebooks-and-reports.md lists every column.

>>> from supervise.demo import ningxia
>>> import supervise
>>> registry = supervise.open(); _ = ningxia.build(registry)
>>> df = registry.cohort_progress("nx-2024-b2", "2024-10-15").to_pandas()
>>> df.shape, list(df.columns[:4])
((155, 30), ['cohort_id', 'as_of', 'person_id', 'name'])
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any

from supervise.errors import MissingExtra
from supervise.model import REQUIREMENT_NAMES

if TYPE_CHECKING:
    import pyarrow as pa
    from pandas import DataFrame

    from supervise.core.eligibility import EligibilityReport
    from supervise.core.outcomes import OutcomeTally
    from supervise.core.progress import CohortProgress
    from supervise.core.targets import TargetStatus
    from supervise.core.teams import TeamsProgress
    from supervise.core.tiers import TierCounts

__all__ = [
    "PROGRESS_TABLES",
    "eligibility_frame",
    "outcomes_frame",
    "progress_arrow",
    "progress_frame",
    "require_pandas",
    "target_frame",
    "teams_frame",
    "tiers_frame",
]

#: The frames a CohortProgress offers, by the name ``to_pandas(table=...)`` takes.
PROGRESS_TABLES = ("trainee_phases", "trainees", "phases", "mentors")
#: The frames an EligibilityReport offers.
ELIGIBILITY_TABLES = ("rules", "people")


def require_pandas(feature: str) -> ModuleType:
    """The pandas module, or :class:`~supervise.errors.MissingExtra` naming ``feature`` and
    the extra to install."""
    try:
        import pandas
    except ImportError:
        raise MissingExtra(feature, "pandas", "pandas") from None
    module: ModuleType = pandas
    return module


def _choose(table: str, choices: tuple[str, ...], owner: str) -> str:
    if table not in choices:
        raise ValueError(f"{owner}.to_pandas: unknown table {table!r}; expected one of {choices}")
    return table


def progress_arrow(result: CohortProgress, table: str = "trainee_phases") -> pa.Table:
    """``result`` as an Arrow table, straight from its columns:

    - ``trainee_phases``: one row per trainee and phase, the columns of the CSV export
      (``supervise.present.progress.CSV_COLUMNS``; figures a phase does not require null);
    - ``trainees``: one row per trainee (person_id, name, team, status, progress, behind,
      projected_completion, at_risk).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from supervise.core.progress import TraineeRows

    _choose(table, ("trainee_phases", "trainees"), "CohortProgress.to_arrow")
    rows = result.trainees
    if not isinstance(rows, TraineeRows):  # built by hand: no columns to read
        raise ValueError("to_arrow() needs a result computed by supervise")
    trainees, phases = rows.arrow()
    people = pa.table(
        {
            "person_id": trainees.column("person_id"),
            "name": trainees.column("name"),
            "team": trainees.column("team"),
            "status": trainees.column("trainee_status").cast(pa.string()),
            "progress": trainees.column("progress"),
            "behind": trainees.column("trainee_behind"),
            "projected_completion": trainees.column("projected_completion"),
            "at_risk": trainees.column("trainee_at_risk"),
        }
    )
    if table == "trainees":
        return people
    plan = rows.columns.plans.get(result.program_id, ())
    n, count = len(plan), trainees.num_rows
    if n == 0:  # a program without phases: no trainee-phase rows
        count, phases = 0, phases.slice(0, 0)
    repeated = people.take(pa.array([i for i in range(count) for _ in range(n)], pa.int64()))
    columns: dict[str, Any] = {
        "cohort_id": pa.array([result.cohort_id] * (n * count), pa.string()),
        "as_of": pa.array([result.as_of] * (n * count), pa.date32()),
    }
    for name in ("person_id", "name", "team", "status", "progress", "behind"):
        columns[name] = repeated.column(name)
    columns["phase"] = pa.array([p.key for _ in range(count) for p in plan], pa.string())
    columns["phase_status"] = phases.column("status").cast(pa.string())
    columns["fraction"] = phases.column("fraction")
    columns["expected"] = pa.array([p.expected for _ in range(count) for p in plan], pa.float64())
    for name in REQUIREMENT_NAMES:
        wanted = pa.array([name in p.required for _ in range(count) for p in plan], pa.bool_())
        achieved = phases.column(name).cast(pa.float64())
        columns[name] = pc.if_else(wanted, achieved, pa.scalar(None, pa.float64()))
    for name in REQUIREMENT_NAMES:
        columns[f"required_{name}"] = pa.array(
            [p.required.get(name) for _ in range(count) for p in plan], pa.float64()
        )
    for name in REQUIREMENT_NAMES:
        wanted = pa.array([name in p.required for _ in range(count) for p in plan], pa.bool_())
        pending = phases.column(f"pending_{name}").cast(pa.float64())
        columns[f"pending_{name}"] = pc.if_else(wanted, pending, pa.scalar(None, pa.float64()))
    columns["group_sessions"] = phases.column("group_sessions").cast(pa.int64())
    columns["max_group_sessions"] = pa.array(
        [p.max_group_sessions for _ in range(count) for p in plan], pa.int64()
    )
    columns["projected"] = phases.column("projected")
    columns["at_risk"] = phases.column("at_risk")
    columns["projected_completion"] = repeated.column("projected_completion")
    columns["trainee_at_risk"] = repeated.column("at_risk")
    return pa.table(columns)


def progress_frame(result: CohortProgress, table: str = "trainee_phases") -> DataFrame:
    """A frame of ``result``:

    - ``trainee_phases``: one row per trainee and phase, the columns of the CSV export
      (``supervise.present.progress.CSV_COLUMNS``);
    - ``trainees``: one row per trainee with a fraction column per phase key;
    - ``phases``: one row per phase, the number of (non-withdrawn) trainees in each status;
    - ``mentors``: one row per mentor with trainees, capacity and over_capacity.
    """
    from supervise.core.progress import PhaseStatus, TraineeRows, TraineeStatus

    pd = require_pandas("CohortProgress.to_pandas()")
    _choose(table, PROGRESS_TABLES, "CohortProgress")
    keys = [key for key, _ in result.phases]
    phase_type = pd.CategoricalDtype(keys, ordered=True)
    status_type = pd.CategoricalDtype([s.value for s in PhaseStatus], ordered=True)
    trainee_type = pd.CategoricalDtype([s.value for s in TraineeStatus])
    computed = isinstance(result.trainees, TraineeRows)
    if table == "trainee_phases":
        if computed:
            df = progress_arrow(result).to_pandas()
        else:
            from supervise.present.progress import CSV_COLUMNS, csv_rows

            df = pd.DataFrame(csv_rows(result), columns=list(CSV_COLUMNS))
        df["as_of"] = pd.to_datetime(df["as_of"])
        for name in ("projected", "projected_completion"):
            df[name] = pd.to_datetime(df[name])
        for name in (
            *REQUIREMENT_NAMES,
            *(f"required_{n}" for n in REQUIREMENT_NAMES),
            *(f"pending_{n}" for n in REQUIREMENT_NAMES),
        ):
            df[name] = df[name].astype("float64")
        for name in ("group_sessions", "max_group_sessions"):
            df[name] = df[name].astype("Int64")
        df["team"] = df["team"].astype("object")
        return df.astype({"phase": phase_type, "phase_status": status_type, "status": trainee_type})
    if table == "trainees":
        rows = [
            {
                "person_id": t.person_id,
                "name": t.name,
                "team": t.team,
                "status": t.status.value,
                "progress": t.progress,
                "behind": t.behind,
                "complete": t.complete,
                "projected_completion": t.projected_completion,
                "at_risk": t.at_risk,
                **{p.key: p.fraction for p in t.phases},
            }
            for t in result.trainees
        ]
        columns = [
            "person_id",
            "name",
            "team",
            "status",
            "progress",
            "behind",
            "complete",
            "projected_completion",
            "at_risk",
            *keys,
        ]
        df = pd.DataFrame(rows, columns=columns).astype({"status": trainee_type})
        df["projected_completion"] = pd.to_datetime(df["projected_completion"])
        return df
    if table == "phases":
        counts = result.phase_counts()
        rows = [{"phase": key, "name": name, **counts[key]} for key, name in result.phases]
        columns = ["phase", "name", *(s.value for s in PhaseStatus)]
        return pd.DataFrame(rows, columns=columns).astype({"phase": phase_type})
    rows = [{**m.to_dict(), "over_capacity": m.over_capacity} for m in result.mentors]
    columns = ["person_id", "name", "trainees", "capacity", "over_capacity"]
    return pd.DataFrame(rows, columns=columns).astype({"capacity": "Int64"})


def eligibility_frame(
    report: EligibilityReport, table: str = "rules", lang: str | None = None
) -> DataFrame:
    """A frame of ``report``:

    - ``rules``: one row per person and top-level rule, the columns of the CSV export
      (messages in ``lang``, default: the language setting);
    - ``people``: one row per person: eligible, how many rules are unmet, and everything
      missing, item by item joined by ``; `` (a choice as one item: 需满足其一：A；或 B).
    """
    from supervise.present import check_lang
    from supervise.present.eligibility import CSV_COLUMNS, csv_rows, missing_text

    pd = require_pandas("EligibilityReport.to_pandas()")
    _choose(table, ELIGIBILITY_TABLES, "EligibilityReport")
    lang = check_lang(lang)
    if table == "rules":
        return pd.DataFrame(csv_rows(report, lang), columns=list(CSV_COLUMNS))
    rows = [
        {
            "person_id": p.person_id,
            "name": p.name,
            "eligible": p.eligible,
            "unmet": p.unmet,
            "missing": "; ".join(missing_text(p, lang)),
        }
        for p in report.people
    ]
    return pd.DataFrame(rows, columns=["person_id", "name", "eligible", "unmet", "missing"])


def tiers_frame(result: TierCounts) -> DataFrame:
    """One row per group: ``group``, then the count in each tier (none, assistant,
    intermediate, senior) and ``total``."""
    from supervise.core.tiers import LEVELS

    pd = require_pandas("TierCounts.to_pandas()")
    columns = ["group", *LEVELS, "total"]
    rows = [{"group": group, **counts} for group, counts in result.groups.items()]
    return pd.DataFrame(rows, columns=columns)


def target_frame(status: TargetStatus) -> DataFrame:
    """One row: the columns of ``status.to_dict()``, dates as Timestamps (``projected`` NaT
    when the pace is zero). ``pandas.concat`` joins the frames of several targets."""
    pd = require_pandas("TargetStatus.to_pandas()")
    df = pd.DataFrame([status.to_dict()])
    for name in ("as_of", "deadline", "projected"):
        df[name] = pd.to_datetime(df[name])
    return df.astype({"pace_needed": "float64"})


def outcomes_frame(result: OutcomeTally, lang: str | None = None) -> DataFrame:
    """The seed article's table as rows ``item``, ``label`` (in ``lang``, default: the
    language setting), ``people``: ``enrolled``, ``trained``, then one row per outcome
    kind."""
    from supervise.present.structure import outcomes_rows

    pd = require_pandas("OutcomeTally.to_pandas()")
    items = ["enrolled", "trained", *result.outcomes]
    rows = [
        {"item": item, "label": label, "people": n}
        for item, (label, n) in zip(items, outcomes_rows(result, lang), strict=True)
    ]
    return pd.DataFrame(rows, columns=["item", "label", "people"])


def teams_frame(result: TeamsProgress) -> DataFrame:
    """One row per team: ``team`` (None for trainees in no team), ``enrolled``,
    ``withdrawn``, ``completed``, ``overdue``, ``behind`` (counts of trainees), then one
    column per phase key: how many of the team's trainees (not withdrawn) have it done."""
    pd = require_pandas("TeamsProgress.to_pandas()")
    keys = [key for key, _ in result.phases]
    rows = [
        {
            "team": t.team,
            "enrolled": t.enrolled,
            "withdrawn": t.withdrawn,
            "completed": t.completed,
            "overdue": len(t.overdue),
            "behind": len(t.behind),
            **{key: t.phases_done[key] for key in keys},
        }
        for t in result.teams
    ]
    columns = ["team", "enrolled", "withdrawn", "completed", "overdue", "behind", *keys]
    return pd.DataFrame(rows, columns=columns)
