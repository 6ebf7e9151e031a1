"""What a user would write instead of calling the library, to compute the same figures.

Each contender computes, for every trainee and phase of every cohort on one date, what
progress reports (hours, sessions, days, deliverables, status, fraction) and, per trainee,
status, progress and behind; or, for eligibility, the list of eligible people under the
synthetic expert-pool policy. They are written the way a competent analyst would: one SQL
statement for SQLite (on the registry file itself), the same statement for DuckDB over
Parquet, and a polars lazy query over the same Parquet files. ``run.py`` times them beside
the library and checks that every figure agrees.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Mapping
from typing import Any

import duckdb

AS_OF_TOLERANCE = 0.25

# -- SQL (SQLite and DuckDB) -------------------------------------------------------------------
# One statement for both engines: flags are 0/1 integers and clamps are CASEs, so the only
# differences are how a date is written, how days between dates and whole years are counted.

Dialect = Mapping[str, Callable[..., str]]

SQLITE: Dialect = {
    "date": lambda day: f"'{day}'",
    "days": lambda a, b: f"(julianday({b}) - julianday({a}))",
    "years": lambda since, day: (
        f"(CAST(substr({day}, 1, 4) AS INTEGER) - CAST(substr({since}, 1, 4) AS INTEGER)"
        f" - (substr({day}, 6, 5) < substr({since}, 6, 5)))"
    ),
}
DUCKDB: Dialect = {
    "date": lambda day: f"DATE '{day}'",
    "days": lambda a, b: f"date_diff('day', {a}, {b})",
    "years": lambda since, day: f"date_sub('year', {since}, {day})",
}


def _flag(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _share(achieved: str, required: str) -> str:
    return (
        f"CASE WHEN {required} IS NULL THEN 0.0 WHEN {achieved} >= {required} THEN 1.0 "
        f"ELSE {achieved} * 1.0 / {required} END"
    )


_MET = _flag(
    "(required_hours IS NULL OR hours >= required_hours)"
    " AND (required_sessions IS NULL OR sessions >= required_sessions)"
    " AND (required_days IS NULL OR days >= required_days)"
    " AND (required_deliverables IS NULL OR deliverables >= required_deliverables)"
)
_SHARES = " + ".join(
    _share(n, f"required_{n}") for n in ("hours", "sessions", "days", "deliverables")
)


def progress_sql(dialect: Dialect, as_of: str) -> str:
    """One statement giving trainee-phase rows with the trainee's figures on each."""
    on = dialect["date"](as_of)
    days = dialect["days"]
    elapsed = f"{days('starts_on', on)} * 1.0 / {days('starts_on', 'due_on')}"
    needs = " + ".join(
        _flag(f"required_{n} IS NOT NULL") for n in ("hours", "sessions", "days", "deliverables")
    )
    withdrawn = _flag(f"e.status = 'withdrawn' AND (e.left_on IS NULL OR e.left_on <= {on})")
    return f"""
WITH
plan AS (
  SELECT program_id, key, weight, required_hours, required_sessions, required_days,
    required_deliverables, min_session_minutes, pass_score, {needs} AS needs,
    {_flag(f"due_on < {on}")} AS overdue,
    CASE WHEN starts_on IS NULL OR due_on IS NULL THEN NULL
         WHEN due_on = starts_on THEN CASE WHEN {on} >= due_on THEN 1.0 ELSE 0.0 END
         WHEN {elapsed} < 0 THEN 0.0 WHEN {elapsed} > 1 THEN 1.0 ELSE {elapsed} END AS expected
  FROM phases
),
roster AS (
  SELECT e.cohort_id, e.person_id, c.program_id, {withdrawn} AS withdrawn
  FROM enrollments e JOIN cohorts c ON c.id = e.cohort_id WHERE e.enrolled_on <= {on}
),
act AS (
  SELECT cohort_id, person_id, phase, CAST(sum(hours) AS DOUBLE) AS hours,
    count(DISTINCT "on") AS days, count(*) AS n
  FROM activities WHERE "on" <= {on} GROUP BY cohort_id, person_id, phase
),
ses AS (
  SELECT s.cohort_id, t.person_id, s.phase,
    sum({_flag("s.minutes >= coalesce(p.min_session_minutes, 0)")}) AS sessions, count(*) AS n
  FROM sessions s JOIN cohorts c ON c.id = s.cohort_id
  JOIN plan p ON p.program_id = c.program_id AND p.key = s.phase
  JOIN session_attendees t ON t.session_id = s.id
  WHERE s."on" <= {on} GROUP BY s.cohort_id, t.person_id, s.phase
),
del AS (
  SELECT d.cohort_id, d.person_id, d.phase,
    sum({_flag("p.pass_score IS NULL OR d.score >= p.pass_score")}) AS deliverables,
    count(*) AS n
  FROM deliverables d JOIN cohorts c ON c.id = d.cohort_id
  JOIN plan p ON p.program_id = c.program_id AND p.key = d.phase
  WHERE d.submitted_on <= {on} GROUP BY d.cohort_id, d.person_id, d.phase
),
ex AS (SELECT DISTINCT cohort_id, person_id, phase FROM exemptions WHERE granted_on <= {on}),
joined AS (
  SELECT r.cohort_id, r.person_id, r.withdrawn, p.*,
    coalesce(a.hours, 0.0) AS hours, coalesce(s.sessions, 0) AS sessions,
    coalesce(a.days, 0) AS days, coalesce(d.deliverables, 0) AS deliverables,
    coalesce(a.n, 0) + coalesce(s.n, 0) + coalesce(d.n, 0) AS records,
    {_flag("x.phase IS NOT NULL")} AS exempt
  FROM roster r JOIN plan p ON p.program_id = r.program_id
  LEFT JOIN act a ON a.cohort_id = r.cohort_id AND a.person_id = r.person_id AND a.phase = p.key
  LEFT JOIN ses s ON s.cohort_id = r.cohort_id AND s.person_id = r.person_id AND s.phase = p.key
  LEFT JOIN del d ON d.cohort_id = r.cohort_id AND d.person_id = r.person_id AND d.phase = p.key
  LEFT JOIN ex x ON x.cohort_id = r.cohort_id AND x.person_id = r.person_id AND x.phase = p.key
),
judged AS (
  SELECT *, {_MET} AS met,
    CASE WHEN exempt = 1 OR needs = 0 THEN 1.0 ELSE ({_SHARES}) / needs END AS fraction
  FROM joined
),
phased AS (
  SELECT *,
    CASE WHEN exempt = 1 THEN 'exempt' WHEN met = 1 THEN 'complete'
         WHEN overdue = 1 THEN 'overdue' WHEN records = 0 THEN 'not_started'
         ELSE 'in_progress' END AS status,
    {_flag(f"fraction < expected - {AS_OF_TOLERANCE}")} AS behind
  FROM judged
),
trainee AS (
  SELECT cohort_id, person_id,
    CASE WHEN max(withdrawn) = 1 THEN 'withdrawn'
         WHEN min({_flag("status IN ('complete', 'exempt')")}) = 1 THEN 'completed'
         ELSE 'active' END AS trainee_status,
    sum(weight * fraction) / sum(weight) AS progress,
    {_flag("max(withdrawn) = 0 AND max(behind) = 1")} AS behind
  FROM phased GROUP BY cohort_id, person_id
)
SELECT p.cohort_id, p.person_id, p.key AS phase, p.hours, p.sessions, p.days, p.deliverables,
  p.status, p.fraction, t.trainee_status, t.progress, t.behind
FROM phased p JOIN trainee t ON t.cohort_id = p.cohort_id AND t.person_id = p.person_id
"""


def _duckdb(files: Mapping[str, str]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name, file in files.items():
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{file}')")
    return con


def sqlite_progress(path: str, as_of: str) -> list[tuple[Any, ...]]:
    """The statement in SQLite, on the registry file itself."""
    with sqlite3.connect(path) as conn:
        return conn.execute(progress_sql(SQLITE, as_of)).fetchall()


def duckdb_progress(files: Mapping[str, str], as_of: str) -> Any:
    """The statement in DuckDB, over the Parquet files (one per table)."""
    con = _duckdb(files)
    try:
        return con.sql(progress_sql(DUCKDB, as_of)).to_arrow_table()
    finally:
        con.close()


def polars_progress(files: Mapping[str, str], as_of: str) -> Any:
    """A polars lazy query over the Parquet files."""
    import polars as pl

    day = dt.date.fromisoformat(as_of)

    def scan(name: str) -> Any:
        return pl.scan_parquet(files[name])

    def is_set(name: str) -> Any:
        return pl.col(name).is_not_null().cast(pl.Int32)

    plan = scan("phases").with_columns(
        needs=is_set("required_hours") + is_set("required_sessions") + is_set("required_days")
        + is_set("required_deliverables"),
        overdue=(pl.col("due_on") < day).fill_null(False),
        expected=pl.when(pl.col("starts_on").is_null() | pl.col("due_on").is_null())
        .then(None)
        .when(pl.col("due_on") == pl.col("starts_on"))
        .then(pl.when(pl.lit(day) >= pl.col("due_on")).then(1.0).otherwise(0.0))
        .otherwise(
            (
                (pl.lit(day) - pl.col("starts_on")).dt.total_days()
                / (pl.col("due_on") - pl.col("starts_on")).dt.total_days()
            ).clip(0.0, 1.0)
        ),
    )  # fmt: skip
    cohorts = scan("cohorts").select("id", "program_id")
    roster = (
        scan("enrollments")
        .filter(pl.col("enrolled_on") <= day)
        .join(cohorts, left_on="cohort_id", right_on="id")
        .with_columns(
            withdrawn=(pl.col("status") == "withdrawn")
            & (pl.col("left_on").is_null() | (pl.col("left_on") <= day))
        )
        .select("cohort_id", "person_id", "program_id", "withdrawn")
    )
    keys = ["cohort_id", "person_id", "phase"]
    act = (
        scan("activities")
        .filter(pl.col("on") <= day)
        .group_by(keys)
        .agg(
            hours=pl.col("hours").cast(pl.Float64).sum(), days=pl.col("on").n_unique(), n_a=pl.len()
        )
    )
    minimum = plan.select("program_id", "key", "min_session_minutes", "pass_score")
    ses = (
        scan("sessions")
        .filter(pl.col("on") <= day)
        .join(cohorts, left_on="cohort_id", right_on="id")
        .join(minimum, left_on=["program_id", "phase"], right_on=["program_id", "key"])
        .with_columns(
            ok=(pl.col("minutes") >= pl.col("min_session_minutes").fill_null(0)).cast(pl.Int64)
        )
        .join(scan("session_attendees"), left_on="id", right_on="session_id")
        .group_by(keys)
        .agg(sessions=pl.col("ok").sum(), n_s=pl.len())
    )  # fmt: skip
    dlv = (
        scan("deliverables")
        .filter(pl.col("submitted_on") <= day)
        .join(cohorts, left_on="cohort_id", right_on="id")
        .join(minimum, left_on=["program_id", "phase"], right_on=["program_id", "key"])
        .with_columns(
            ok=(
                pl.col("pass_score").is_null()
                | (pl.col("score") >= pl.col("pass_score")).fill_null(False)
            ).cast(pl.Int64)
        )
        .group_by(keys)
        .agg(deliverables=pl.col("ok").sum(), n_d=pl.len())
    )  # fmt: skip
    ex = (
        scan("exemptions")
        .filter(pl.col("granted_on") <= day)
        .select(keys)
        .unique()
        .with_columns(exempt=pl.lit(True))
    )
    rows = (
        roster.join(plan, on="program_id")
        .rename({"key": "phase"})
        .join(act, on=keys, how="left")
        .join(ses, on=keys, how="left")
        .join(dlv, on=keys, how="left")
        .join(ex, on=keys, how="left")
        .with_columns(
            hours=pl.col("hours").fill_null(0.0),
            sessions=pl.col("sessions").fill_null(0),
            days=pl.col("days").fill_null(0),
            deliverables=pl.col("deliverables").fill_null(0),
            records=pl.col("n_a").fill_null(0)
            + pl.col("n_s").fill_null(0)
            + pl.col("n_d").fill_null(0),
            exempt=pl.col("exempt").fill_null(False),
        )
    )  # fmt: skip

    def share(value: str, need: str) -> Any:
        return (
            pl.when(pl.col(need).is_null()).then(0.0)
            .when(pl.col(value) >= pl.col(need)).then(1.0)
            .otherwise(pl.col(value) / pl.col(need))
        )  # fmt: skip

    def ok(value: str, need: str) -> Any:
        return pl.col(need).is_null() | (pl.col(value) >= pl.col(need))

    rows = rows.with_columns(
        met=ok("hours", "required_hours") & ok("sessions", "required_sessions")
        & ok("days", "required_days") & ok("deliverables", "required_deliverables"),
        share=share("hours", "required_hours") + share("sessions", "required_sessions")
        + share("days", "required_days") + share("deliverables", "required_deliverables"),
    ).with_columns(
        status=pl.when(pl.col("exempt")).then(pl.lit("exempt"))
        .when(pl.col("met")).then(pl.lit("complete"))
        .when(pl.col("overdue")).then(pl.lit("overdue"))
        .when(pl.col("records") == 0).then(pl.lit("not_started"))
        .otherwise(pl.lit("in_progress")),
        fraction=pl.when(pl.col("exempt") | (pl.col("needs") == 0)).then(1.0)
        .otherwise(pl.col("share") / pl.col("needs")),
    )  # fmt: skip
    trainees = rows.group_by("cohort_id", "person_id").agg(
        withdrawn=pl.col("withdrawn").first(),
        complete=pl.col("status").is_in(["complete", "exempt"]).all(),
        progress=(pl.col("weight") * pl.col("fraction")).sum() / pl.col("weight").sum(),
        behind=(pl.col("fraction") < pl.col("expected") - AS_OF_TOLERANCE).fill_null(False).any(),
    ).with_columns(
        trainee_status=pl.when(pl.col("withdrawn")).then(pl.lit("withdrawn"))
        .when(pl.col("complete")).then(pl.lit("completed"))
        .otherwise(pl.lit("active")),
        behind=pl.col("behind") & ~pl.col("withdrawn"),
    )  # fmt: skip
    phase_rows, trainee_rows = pl.collect_all(
        [
            rows.select(
                "cohort_id", "person_id", "phase", "hours", "sessions", "days",
                "deliverables", "status", "fraction",
            ),
            trainees.select("cohort_id", "person_id", "trainee_status", "progress", "behind"),
        ]
    )  # fmt: skip
    return phase_rows, trainee_rows


# -- eligibility under the synthetic expert-pool policy ----------------------------------------


def eligible_sql(dialect: Dialect, as_of: str) -> str:
    """Completed a program, an intermediate credential or higher held, five whole years of
    practice, and a case study scored 85 or a local standard drafted: one statement."""
    on = dialect["date"](as_of)
    return f"""
WITH done AS ({progress_sql(dialect, as_of)}),
completed AS (SELECT DISTINCT person_id FROM done WHERE trainee_status = 'completed'),
held AS (
  SELECT person_id FROM credentials
  WHERE level IN ('intermediate', 'senior') AND issued_on <= {on}
    AND (expires_on IS NULL OR expires_on >= {on})
),
scored AS (
  SELECT person_id FROM deliverables
  WHERE phase = 'case_study' AND submitted_on <= {on} AND score >= 85
),
drafted AS (SELECT person_id FROM outcomes WHERE kind = 'standard_drafting' AND "on" <= {on})
SELECT id FROM people
WHERE id IN (SELECT person_id FROM completed)
  AND id IN (SELECT person_id FROM held)
  AND {dialect["years"]("practice_since", on)} >= 5
  AND (id IN (SELECT person_id FROM scored) OR id IN (SELECT person_id FROM drafted))
ORDER BY id
"""


def sqlite_eligible(path: str, as_of: str) -> list[str]:
    """The eligible list in one SQLite statement (whole years of practice by calendar)."""
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute(eligible_sql(SQLITE, as_of))]


def duckdb_eligible(files: Mapping[str, str], as_of: str) -> list[str]:
    """The eligible list in one DuckDB statement over the Parquet files."""
    con = _duckdb(files)
    try:
        return [row[0] for row in con.sql(eligible_sql(DUCKDB, as_of)).fetchall()]
    finally:
        con.close()
