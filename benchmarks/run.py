"""Province-scale benchmarks: the library beside what a user would write instead, same data,
same run, every figure checked equal.

At each size (10^4 and 10^5 trainees by default; --full adds 10^6), deterministically
generated (``supervise.synth``), best of --repeat runs:

- progress of every cohort: ``Registry.cohorts_progress`` (a fresh engine each run, the
  columnar copy already written) against one SQLite statement on the registry file, the same
  statement in DuckDB over Parquet, and a polars lazy query over the same Parquet files, all
  computing every trainee-phase figure, status, fraction, progress, behind and trainee status;
  the figures of all four are checked equal on every row (goal: <= 1.2x the best contender);
- eligibility of everyone under the synthetic expert-pool policy: the library against one
  SQLite and one DuckDB statement giving the same eligible list (goal: <= 1.2x progress);
- ``supervise progress`` for one cohort, end to end in a new process (goal: < 0.25 s);
- the import of an activities CSV (10 rows per trainee), columnar copy included, against
  ``csv.reader`` and raw ``executemany`` of the same rows (goal: <= 1.5x; --no-import skips);
- peak memory (RSS) of the library's side.

Then the cost per trainee of each figure side by side (it should stay flat as sizes grow).
Usage: python benchmarks/run.py [--full] [--sizes N ...] [--repeat K] [--no-import]
(or: make bench). The polars contender needs the ``bench`` extra.
"""

from __future__ import annotations

import argparse
import math
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import contenders
import import_activities

import supervise
from supervise import synth
from supervise.engine.copy import ColumnarCopy
from supervise.engine.eligibility import ELIGIBILITY_TABLES
from supervise.engine.progress import PROGRESS_TABLES

AS_OF = "2026-06-30"  # after every generated record
TABLES = tuple(dict.fromkeys((*PROGRESS_TABLES, *ELIGIBILITY_TABLES)))


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The shortest of ``repeat`` runs, and what the last run returned."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def line(label: str, seconds: float, against: float | None = None, note: str = "") -> str:
    text = f"  {label:<40}{seconds:8.3f} s"
    if against is not None:
        text += f"  {seconds / against:5.2f}x"
    return text + (f"  {note}" if note else "")


# -- what the library computed, as comparable rows ---------------------------------------------


def library_rows(results: dict[str, Any]) -> dict[tuple[str, str, str], tuple[Any, ...]]:
    rows = {}
    for cohort, result in results.items():
        table = result.to_arrow().to_pydict()
        for n in range(len(table["person_id"])):
            rows[cohort, table["person_id"][n], table["phase"][n]] = (
                table["phase_status"][n],
                table["fraction"][n],
                table["status"][n],
                table["progress"][n],
                table["behind"][n],
            )
    return rows


def check_same(name: str, ours: dict[tuple[str, str, str], tuple[Any, ...]], theirs: Any) -> None:
    """Every trainee-phase row of ``theirs`` (cohort, person, phase, ..., status, fraction,
    trainee status, progress, behind) agrees with the library's."""
    if len(theirs) != len(ours):
        raise SystemExit(f"{name}: {len(theirs)} trainee-phase rows, the library {len(ours)}")
    for row in theirs:
        cohort, person, phase, status, fraction, trainee_status, progress, behind = row
        mine = ours[cohort, person, phase]
        same = (
            mine[0] == status
            and math.isclose(mine[1], fraction, rel_tol=1e-9, abs_tol=1e-12)
            and mine[2] == trainee_status
            and math.isclose(mine[3], progress, rel_tol=1e-9, abs_tol=1e-12)
            and bool(mine[4]) == bool(behind)
        )
        if not same:
            raise SystemExit(f"{name} disagrees on {cohort}/{person}/{phase}: {row} vs {mine}")


def _sql_rows(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [(r[0], r[1], r[2], r[7], r[8], r[9], r[10], r[11]) for r in rows]


def _arrow_rows(table: Any) -> list[tuple[Any, ...]]:
    d = table.to_pydict()
    names = ("cohort_id", "person_id", "phase", "status", "fraction")
    trainee = ("trainee_status", "progress", "behind")
    return list(zip(*(d[n] for n in (*names, *trainee)), strict=True))


def _polars_rows(result: Any) -> list[tuple[Any, ...]]:
    phases, trainees = result
    joined = phases.join(trainees, on=["cohort_id", "person_id"])
    cols = ("cohort_id", "person_id", "phase", "status", "fraction", "trainee_status")
    return list(joined.select(*cols, "progress", "behind").iter_rows())


# -- one size ------------------------------------------------------------------------------------


def time_import(trainees: int, repeat: int, workdir: Path) -> tuple[float, float]:
    rows = 10 * trainees
    folder = workdir / f"import-{trainees}"
    folder.mkdir()
    parents, records = import_activities.generate(folder, rows, trainees)

    mine = min(
        import_activities.time_import(folder / f"ours{k}.db", parents, records)
        for k in range(repeat)
    )
    raw = min(
        import_activities.time_baseline(folder / f"raw{k}.db", parents, records)
        for k in range(repeat)
    )
    print(f"  import of {rows:,} activity rows from CSV")
    print(line("csv + sqlite3 executemany", raw))
    print(line("Registry.import_file (+ columnar copy)", mine, raw, "(goal <= 1.5x)"))
    return mine, raw


def run(trainees: int, repeat: int, workdir: Path, imports: bool) -> dict[str, float]:
    print(f"\n{trainees:,} trainees")
    imported, raw = time_import(trainees, repeat, workdir) if imports else (math.nan, math.nan)
    scale = synth.Scale.of(trainees)
    path = workdir / f"synth-{trainees}.db"
    start = time.perf_counter()
    with supervise.open(path) as registry:
        counts = synth.write(registry, scale)
    print(
        f"  registry of {scale.cohorts} cohorts: {counts['activities']:,} activities, "
        f"{counts['sessions']:,} sessions, {counts['deliverables']:,} deliverables "
        f"(generated and loaded in {time.perf_counter() - start:.1f} s)"
    )
    policy = synth.expert_pool_policy(scale)
    figures: dict[str, float] = {"import": imported, "import baseline": raw}
    with supervise.open(path) as registry:
        start = time.perf_counter()
        files = ColumnarCopy(str(path)).files(registry.conn, TABLES)
        print(f"  columnar copy written in {time.perf_counter() - start:.2f} s")

    def progress() -> Any:
        with supervise.open(path) as registry:  # a new engine: nothing kept from before
            return registry.cohorts_progress(as_of=AS_OF)

    def eligible() -> Any:
        with supervise.open(path) as registry:
            return registry.eligibility(policy, AS_OF).eligible

    figures["progress"], results = best(progress, repeat)
    rss_progress = peak_rss_mib()
    figures["eligibility"], ours_eligible = best(eligible, repeat)
    ours = library_rows(results)
    figures["SQLite statement"], rows = best(
        lambda: contenders.sqlite_progress(str(path), AS_OF), repeat
    )
    check_same("SQLite", ours, _sql_rows(rows))
    figures["DuckDB over Parquet"], table = best(
        lambda: contenders.duckdb_progress(files, AS_OF), repeat
    )
    check_same("DuckDB", ours, _arrow_rows(table))
    contenders_run = ["SQLite statement", "DuckDB over Parquet"]
    try:
        figures["polars over Parquet"], frames = best(
            lambda: contenders.polars_progress(files, AS_OF), repeat
        )
        check_same("polars", ours, _polars_rows(frames))
        contenders_run.append("polars over Parquet")
    except ImportError:
        print("  (polars not installed: pip install -e '.[bench]')")
    best_contender = min(contenders_run, key=lambda k: figures[k])
    print(f"  progress of every cohort ({len(ours):,} trainee-phase rows, all checked equal)")
    for name in contenders_run:
        print(line(name, figures[name]))
    print(line("Registry.cohorts_progress", figures["progress"], figures[best_contender],
               f"of {best_contender} (goal <= 1.2x)"))  # fmt: skip
    figures["SQLite eligible"], sqlite_list = best(
        lambda: contenders.sqlite_eligible(str(path), AS_OF), repeat
    )
    figures["DuckDB eligible"], duck_list = best(
        lambda: contenders.duckdb_eligible(files, AS_OF), repeat
    )
    if list(ours_eligible) != sqlite_list or list(ours_eligible) != duck_list:
        raise SystemExit("the eligible lists disagree")
    print(f"  eligibility of everyone ({len(ours_eligible):,} eligible, lists checked equal)")
    print(line("SQLite statement", figures["SQLite eligible"]))
    print(line("DuckDB over Parquet", figures["DuckDB eligible"]))
    print(line("Registry.eligibility", figures["eligibility"], figures["progress"],
               "of progress (goal <= 1.2x)"))  # fmt: skip
    figures["CLI, one cohort"] = cli_one_cohort(path, repeat)
    print(line("supervise progress --cohort (new process)", figures["CLI, one cohort"],
               note="(goal < 0.25 s)"))  # fmt: skip
    print(f"  {'peak RSS after progress':<40}{rss_progress:8.0f} MiB")
    return {name: seconds / trainees * 1e6 for name, seconds in figures.items()}


def cli_one_cohort(path: Path, repeat: int) -> float:
    command = [
        str(Path(sys.executable).with_name("supervise")), "progress", "--db", str(path),
        "--cohort", "coh-0001", "--as-of", AS_OF,
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True)  # the copy is written once
    seconds, _ = best(lambda: subprocess.run(command, check=True, capture_output=True), repeat)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="also 10^6 trainees (long, GBs)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best counts")
    parser.add_argument("--sizes", type=int, nargs="*", help="trainee counts (default 10^4 10^5)")
    parser.add_argument("--no-import", action="store_true", help="skip the import figure")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([10_000, 100_000, 1_000_000] if args.full else [10_000, 100_000])
    per_trainee = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            per_trainee[n] = run(n, args.repeat, Path(tmp), imports=not args.no_import)
    names = list(next(iter(per_trainee.values())))
    print("\nper trainee (µs)                " + "".join(f"{n:>14,}" for n in sizes))
    for name in names:
        print(f"  {name:<30}" + "".join(f"{per_trainee[n][name]:14.2f}" for n in sizes))
    print(f"\npeak RSS {peak_rss_mib():.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
