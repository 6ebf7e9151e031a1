"""Province-scale benchmarks: each figure as a ratio to a baseline timed in the same run.

At 10^4 and 10^5 trainees (10^6 with --full), deterministically generated, best of --repeat:

- import: ``Registry.import_file`` of an activities CSV (10 rows per trainee) vs ``csv.reader``
  plus raw ``sqlite3`` executemany of the same rows into the same schema (goal <= 1.5x);
- progress of every cohort (``Registry.cohorts_progress``) vs one plain SQL GROUP BY that
  sums hours and counts distinct days and sessions per trainee and phase (goal <= 1.5x);
- eligibility of everyone under the example expert-pool policy vs the same baseline
  (goal <= 2x).

Then the cost per trainee of each figure side by side, and the peak memory (RSS).
Usage: python benchmarks/run.py [--full] [--sizes N ...] [--repeat K]   (or: make bench)
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import import_activities

import supervise
from supervise import synth

AS_OF = "2026-06-30"  # after every generated record
BASELINE = (
    'SELECT cohort_id, person_id, phase, sum(hours), count(DISTINCT "on") '
    "FROM activities GROUP BY cohort_id, person_id, phase",
    "SELECT s.cohort_id, a.person_id, s.phase, count(*) FROM sessions s "
    "JOIN session_attendees a ON a.session_id = s.id GROUP BY s.cohort_id, a.person_id, s.phase",
)
FIGURES = ("import", "import baseline", "progress", "eligibility", "SQL baseline")


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def baseline(registry: supervise.Registry) -> None:
    for sql in BASELINE:
        registry.conn.execute(sql).fetchall()


def line(label: str, seconds: float, base: float | None = None, goal: float | None = None) -> str:
    """One figure: its time and, against a baseline, the ratio and the goal."""
    text = f"  {label:<34}{seconds:8.3f} s"
    if base is not None:
        text += f"  {seconds / base:5.2f}x baseline (goal <= {goal:g}x)"
    return text


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_import(trainees: int, repeat: int, workdir: Path) -> tuple[float, float]:
    rows = 10 * trainees
    folder = workdir / f"import-{trainees}"
    folder.mkdir()
    parents, records = import_activities.generate(folder, rows, trainees)
    ours = min(
        import_activities.time_import(folder / f"ours{k}.db", parents, records)
        for k in range(repeat)
    )
    raw = min(
        import_activities.time_baseline(folder / f"raw{k}.db", parents, records)
        for k in range(repeat)
    )
    print(f"  import of {rows:,} activity rows from CSV")
    print(line("csv + sqlite3 executemany", raw))
    print(line("Registry.import_file", ours, raw, 1.5))
    return ours, raw


def run(trainees: int, repeat: int, workdir: Path, imports: bool = True) -> dict[str, float]:
    print(f"\n{trainees:,} trainees")
    imported, raw = time_import(trainees, repeat, workdir) if imports else (float("nan"),) * 2
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
    with supervise.open(path) as registry:
        base = best(lambda: baseline(registry), repeat)
        prog = best(lambda: registry.cohorts_progress(as_of=AS_OF), repeat)
        elig = best(lambda: registry.eligibility(policy, AS_OF).eligible, repeat)
    print(line("SQL GROUP BY baseline", base))
    print(line("progress of every cohort", prog, base, 1.5))
    print(line("eligibility of everyone", elig, base, 2.0))
    print(f"  {'peak RSS so far':<34}{peak_rss_mib():8.0f} MiB")
    figures = dict(zip(FIGURES, (imported, raw, prog, elig, base), strict=True))
    return {name: seconds / trainees * 1e6 for name, seconds in figures.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="also 10^6 trainees (long, GBs)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per figure; the best counts")
    parser.add_argument("--sizes", type=int, nargs="*", help="trainee counts (default 10^4 10^5)")
    parser.add_argument("--no-import", action="store_true", help="skip the import figure")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([10_000, 100_000, 1_000_000] if args.full else [10_000, 100_000])
    per_trainee = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            per_trainee[n] = run(n, args.repeat, Path(tmp), imports=not args.no_import)
    print("\nper trainee (µs)        " + "".join(f"{n:>14,}" for n in sizes))
    for figure in FIGURES:
        print(f"  {figure:<22}" + "".join(f"{per_trainee[n][figure]:14.1f}" for n in sizes))
    print(f"\npeak RSS {peak_rss_mib():.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
