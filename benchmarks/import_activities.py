"""How fast does `Registry.import_file` load a province-sized activities CSV?

Generates, deterministically, a program with the five default phases, one cohort, 100,000
enrolled trainees and a CSV of 1,000,000 activity rows; imports the parents untimed, then times

  * ``Registry.import_file`` of the activities CSV into a registry file, and
  * the baseline: ``csv.reader`` plus raw ``sqlite3`` ``executemany`` of the same rows (hours
    as floats) into the same schema, with the same pragmas (foreign keys on, WAL,
    ``synchronous = NORMAL`` and the page cache the import uses), in one transaction,

in the same run, and prints rows per second for both and their ratio.

Usage: .venv/bin/python benchmarks/import_activities.py [--rows N] [--people N] [--repeat K]
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import supervise
from supervise.exchange.load import CACHE_SIZE
from supervise.model import DEFAULT_PHASES

COHORT_START = date(2024, 7, 1)
DAYS = 150
HOURS = ("1", "1.5", "2", "2.5", "3", "4", "6", "8")


def generate(folder: Path, rows: int, people: int, seed: int = 2024) -> tuple[Path, Path]:
    """Write the parents (one folder) and the activities (another); return both folders."""
    rng = random.Random(seed)
    parents, records = folder / "parents", folder / "activities"
    parents.mkdir()
    records.mkdir()
    tables = {
        "programs": [["id", "name"], ["bench", "基准项目"]],
        "phases": [["program_id", "key", "name", "order"]]
        + [["bench", key, zh, str(n)] for n, (key, zh, _) in enumerate(DEFAULT_PHASES, 1)],
        "cohorts": [
            ["id", "program_id", "name", "starts_on", "ends_on"],
            ["b1", "bench", "第一批", COHORT_START.isoformat(), "2024-11-30"],
        ],
        "people": [["id", "name"]] + [[f"t{n:06d}", f"学员{n}"] for n in range(people)],
        "enrollments": [["person_id", "cohort_id", "enrolled_on"]]
        + [[f"t{n:06d}", "b1", COHORT_START.isoformat()] for n in range(people)],
    }
    for name, table in tables.items():
        with (parents / f"{name}.csv").open("w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows(table)
    phases = [key for key, _, _ in DEFAULT_PHASES]
    days = [(COHORT_START + timedelta(days=n)).isoformat() for n in range(DAYS)]
    with (records / "activities.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "person_id", "cohort_id", "phase", "on", "hours", "note"])
        for n in range(rows):
            note = "补录" if n % 50 == 0 else ""
            writer.writerow(
                [
                    f"a{n:07d}",
                    f"t{rng.randrange(people):06d}",
                    "b1",
                    rng.choice(phases),
                    rng.choice(days),
                    rng.choice(HOURS),
                    note,
                ]
            )
    return parents, records


def time_import(db: Path, parents: Path, records: Path) -> float:
    with supervise.open(db) as registry:
        registry.import_file(parents)
        start = time.perf_counter()
        report = registry.import_file(records / "activities.csv")
        elapsed = time.perf_counter() - start
    if report.tables["activities"].inserted != report.unchanged + report.inserted:
        raise SystemExit(f"unexpected import: {report}")
    return elapsed


def time_baseline(db: Path, parents: Path, records: Path) -> float:
    with supervise.open(db) as registry:  # the same schema and pragmas, parents loaded
        registry.import_file(parents)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA cache_size = {CACHE_SIZE}")
    start = time.perf_counter()
    with (records / "activities.csv").open(newline="", encoding="utf-8") as source:
        reader = csv.reader(source)
        next(reader)
        rows = [(a, p, c, ph, on, float(h), n or None) for a, p, c, ph, on, h, n in reader]
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        'INSERT INTO activities (id, person_id, cohort_id, phase, "on", hours, note) '
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the best counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        parents, records = generate(folder, args.rows, args.people)
        size = (records / "activities.csv").stat().st_size / 1e6
        print(
            f"generated {args.rows:,} activity rows ({size:.0f} MB) for {args.people:,} people "
            f"in {time.perf_counter() - start:.1f} s"
        )
        ours, raw = [], []
        for run in range(args.repeat):
            raw.append(time_baseline(folder / f"raw{run}.db", parents, records))
            ours.append(time_import(folder / f"ours{run}.db", parents, records))
            print(
                f"run {run + 1}: import_file {ours[-1]:.2f} s, sqlite3 executemany {raw[-1]:.2f} s"
            )
        best, base = min(ours), min(raw)
        print(f"Registry.import_file : {args.rows / best:>10,.0f} rows/s ({best:.2f} s)")
        print(f"sqlite3 executemany  : {args.rows / base:>10,.0f} rows/s ({base:.2f} s)")
        print(f"ratio                : {best / base:.2f}x the time of raw executemany")


if __name__ == "__main__":
    main()
