"""Province-scale benchmarks: each figure as a ratio to a baseline timed in the same run.

Generates registries deterministically (supervise.synth) at 10^4 and 10^5 trainees (10^6 with
--full) and times, best of --repeat runs:

- progress of every cohort vs one plain SQL GROUP BY (hours, distinct days and sessions per
  trainee and phase) over the same database;
- eligibility of everyone under the example expert-pool policy vs the same baseline.

Prints one line per figure and the peak memory. Usage: python benchmarks/run.py [--full]
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

import supervise
from supervise import synth

AS_OF = "2026-06-30"  # after every generated record
BASELINE = (
    'SELECT cohort_id, person_id, phase, sum(hours), count(DISTINCT "on") '
    "FROM activities GROUP BY cohort_id, person_id, phase",
    "SELECT s.cohort_id, a.person_id, s.phase, count(*) FROM sessions s "
    "JOIN session_attendees a ON a.session_id = s.id GROUP BY s.cohort_id, a.person_id, s.phase",
)


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


def progress_all(registry: supervise.Registry) -> None:
    registry.cohorts_progress(as_of=AS_OF)


def line(label: str, seconds: float, base: float | None = None, goal: float | None = None) -> str:
    """One figure: its time and, against a baseline, the ratio and the goal."""
    text = f"  {label:<32}{seconds:8.3f} s"
    if base is not None:
        text += f"  {seconds / base:5.2f}x baseline (goal <= {goal:g}x)"
    return text


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(trainees: int, repeat: int, workdir: Path) -> dict[str, float]:
    scale = synth.Scale.of(trainees)
    path = workdir / f"synth-{trainees}.db"
    start = time.perf_counter()
    with supervise.open(path) as registry:
        counts = synth.write(registry, scale)
    build = time.perf_counter() - start
    print(
        f"\n{trainees:,} trainees, {scale.cohorts} cohorts: {counts['activities']:,} activities, "
        f"{counts['sessions']:,} sessions, {counts['deliverables']:,} deliverables "
        f"(generated and loaded in {build:.1f} s)"
    )
    policy = synth.expert_pool_policy(scale)
    with supervise.open(path) as registry:
        base = best(lambda: baseline(registry), repeat)
        prog = best(lambda: progress_all(registry), repeat)
        elig = best(lambda: registry.eligibility(policy, AS_OF), repeat)
    figures = {"baseline": base, "progress": prog, "eligibility": elig}
    print(line("baseline SQL GROUP BY", base))
    print(line("progress of every cohort", prog, base, 1.5))
    print(line("eligibility of everyone", elig, base, 2.0))
    print(f"  {'peak RSS so far':<32}{peak_rss_mib():8.0f} MiB")
    return {k: v / trainees * 1e6 for k, v in figures.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--full", action="store_true", help="also run 10^6 trainees (minutes, ~GBs)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best counts")
    parser.add_argument(
        "--sizes", type=int, nargs="*", help="trainee counts to run (default 10^4 10^5)"
    )
    args = parser.parse_args(argv)
    sizes = args.sizes or ([10_000, 100_000, 1_000_000] if args.full else [10_000, 100_000])
    per_trainee = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            per_trainee[n] = run(n, args.repeat, Path(tmp))
    print("\nper trainee (µs):  " + "  ".join(f"{n:>12,}" for n in sizes))
    for figure in ("baseline", "progress", "eligibility"):
        print(f"  {figure:<16}" + "  ".join(f"{per_trainee[n][figure]:12.1f}" for n in sizes))
    print(f"peak RSS {peak_rss_mib():.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
