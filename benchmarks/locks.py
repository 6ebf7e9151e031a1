"""Who waits while a long import writes? The lock test of issue 14, with real processes.

Generates a registry (a program, one cohort, --people trainees) and a CSV of --rows activity
rows (2,000,000 take about a minute to import on a 2-CPU machine), then starts
``supervise import`` of the CSV in its own process and, while it holds the write lock:

  * a reader, ``supervise progress`` and ``supervise eligible``, in processes of their own,
    once while the import checks its rows and once while it writes them (its uncommitted
    pages then fill the write-ahead log): each must answer at once, with the figures of
    before the import, and say that an import is under way;
  * a writer, ``supervise.open(db).add(Person(...))`` in a process of its own: it waits up to
    the busy timeout (30 s) and then gives up, naming the import.

Prints, for each, how long it took, its exit status and the first line it printed on stderr,
beside the same questions asked with no import under way (their columnar copy already
written), then the import's own time and the questions after it (which copy the new rows).

Usage: .venv/bin/python benchmarks/locks.py [--rows N] [--people N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import import_activities  # the generator of the import benchmark

import supervise
from supervise.store.busy import under_way

AS_OF = "2024-10-15"
POLICY = """
id = "bench-pool"
name = "基准：完成项目，理论学习 20 学时"
version = "1"

[[rules]]
kind = "completed_program"
program = "bench"

[[rules]]
kind = "hours_at_least"
hours = 20
phase = "theory"
"""
# The writer times itself (open and add), and prints what it was told.
WRITER = textwrap.dedent(
    """
    import sys, time
    import supervise
    from supervise import Person
    start = time.perf_counter()
    try:
        with supervise.open(sys.argv[1], actor="另一位录入员") as registry:
            registry.add(Person(id="late-writer", name="晚到的写入"))
        said = "written"
    except supervise.SuperviseError as error:
        said = error.message("en")
    print(f"{time.perf_counter() - start:.2f}", said, flush=True)
    sys.exit(0 if said == "written" else 1)
    """
)


def command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from supervise.cli import main; main()", *args]


def timed(args: list[str]) -> tuple[float, int, str]:
    """Run ``args``; its wall time, exit status and first line on stderr."""
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - start
    err = done.stderr.strip().splitlines()
    return elapsed, done.returncode, err[0] if err else ""


def wait_for_stage(db: Path, stage: str, importer: subprocess.Popen[bytes]) -> None:
    while importer.poll() is None:
        note = under_way(str(db))
        if note is not None and (note.stage == stage or stage == ""):
            return
        time.sleep(0.05)
    raise SystemExit("the import ended before the test could start: use more --rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        parents, records = import_activities.generate(folder, args.rows, args.people)
        db = folder / "registry.db"
        with supervise.open(db) as registry:
            registry.import_file(parents)
        policy = folder / "policy.toml"
        policy.write_text(POLICY, encoding="utf-8")
        progress = command("progress", "--db", str(db), "--cohort", "b1", "--as-of", AS_OF)
        eligible = command(
            "eligible", "--db", str(db), "--policy", str(policy), "--as-of", AS_OF,
            "--format", "csv",
        )  # fmt: skip
        print(f"registry: {args.people:,} trainees; import: {args.rows:,} activity rows")
        rows = []
        for name, args_ in (("progress", progress), ("eligible", eligible)):
            timed(args_)  # the first question writes the columnar copy
            elapsed, code, err = timed(args_)
            rows.append((f"{name} (no import)", elapsed, code, err))
        start = time.perf_counter()
        importer = subprocess.Popen(
            command(
                "import", str(records / "activities.csv"), "--db", str(db), "--actor", "王会计"
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_stage(db, "", importer)
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, text=True
        )
        for stage in ("checking", "writing"):
            wait_for_stage(db, stage, importer)
            for name, args_ in (("progress", progress), ("eligible", eligible)):
                elapsed, code, err = timed(args_)
                rows.append((f"{name} (import {stage})", elapsed, code, err))
        writer_out, _ = writer.communicate(timeout=600)
        waited, said = writer_out.strip().split(" ", 1)
        rows.append(("open() + add (writer)", float(waited), writer.returncode, said))
        importer.wait()
        rows.append(("the import itself", time.perf_counter() - start, importer.returncode, ""))
        for name, args_ in (("progress", progress), ("eligible", eligible)):
            elapsed, code, err = timed(args_)
            rows.append((f"{name} (after, new copy)", elapsed, code, err))
        print(f"{'who':<28} {'took':>8}  exit  said (stderr)")
        for who, elapsed, code, said in rows:
            print(f"{who:<28} {elapsed:>7.2f}s  {code:>4}  {said[:160]}")
        with supervise.open(db) as registry:
            after = registry.cohort_progress("b1", AS_OF)
            print(f"after the import: {after.enrolled:,} trainees, behind: {len(after.behind):,}")


if __name__ == "__main__":
    main()
