"""National roll-up at scale: 31 provinces' Parquet exports against one merged registry.

Generates (``supervise.synth.national``) 31 provinces holding 10^6 trainees between them,
about 10^7 activity records, 10^7 session attendances and 2 * 10^6 sessions, some people
trained in two or three provinces; exports each province with ``Registry.export(...,
"parquet")``; and builds the merged registry a national office would otherwise keep: one
SQLite file holding every province's rows under the ids the roll-up gives them, people
matched by national ID as an import matches them (the first province's record kept, the
others' records moved onto it).

Then, each in a process of its own (so that each peak RSS is its own), best of --repeat:

- national tiers by province, outcomes and eligibility under the synthetic national policy:
  ``supervise.national.open(31 folders)`` (every export checked as an import would) and the
  question, end to end, as the ``supervise national`` command runs them;
- the same three figures from the merged registry (``Registry.tiers`` and so on, its
  columnar copy already written, as a registry in use has it);

checks that both give the same answers, and
prints seconds, peak RSS and the cost per record. Goal: national tiers and eligibility under
30 s and 2 GiB each on the 2-core development machine.

Usage: python benchmarks/national.py [--trainees N] [--data DIR] [--repeat K]
(--data keeps the generated files between runs: generation takes a few minutes.)
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import supervise
import supervise.national
from supervise import synth
from supervise.engine.eligibility import ELIGIBILITY_TABLES
from supervise.national.source import id_columns, person_columns
from supervise.store.sql import q
from supervise.tables import TABLES

AS_OF = "2026-06-30"  # after every generated record
FIGURES = ("tiers", "outcomes", "eligibility")


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- generation --------------------------------------------------------------------------------


def provinces(data: Path, trainees: int) -> list[Path]:
    """The province export folders, generated when missing (a marker file says complete)."""
    scales = synth.national(trainees)
    folders = [data / "provinces" / scale.province_code for scale in scales]  # type: ignore[operator]
    for n, (scale, folder) in enumerate(zip(scales, folders, strict=True), start=1):
        if (folder / ".complete").exists():
            continue
        start = time.perf_counter()
        with supervise.open() as registry:
            synth.write(registry, scale)
            registry.export(folder, "parquet", include_pii=True)
        (folder / ".complete").touch()
        log(
            f"  province {scale.province_code} ({n}/{len(scales)}): {scale.trainees:,} trainees "
            f"in {time.perf_counter() - start:.1f} s"
        )
    return folders


def merged(data: Path, trainees: int) -> Path:
    """One registry of every province's rows, under the ids the roll-up gives them
    (``11:11-t0000001``), people matched by national ID as an import into one registry
    matches them: the first province's record is kept, the others' records move onto it."""
    path = data / "merged.db"
    if (data / "merged.complete").exists():
        return path
    path.unlink(missing_ok=True)
    start = time.perf_counter()
    canonical: dict[str, str] = {}  # national ID -> the person id kept
    with supervise.open(path) as registry, registry.transaction():
        for n, scale in enumerate(synth.national(trainees), start=1):
            label = f"{scale.province_code}:"
            moved: dict[str, str] = {}
            for name, rows in synth.generate(scale).items():
                _insert(registry, name, _remapped(name, label, rows, canonical, moved))
            log(f"  merged registry: province {scale.province_code} ({n}/31) written")
    with supervise.open(path) as registry:  # its columnar copy, as a registry in use has it
        registry.engine.bind(tuple(dict.fromkeys(("people", *ELIGIBILITY_TABLES))))
    (data / "merged.complete").touch()
    log(f"  merged registry written in {time.perf_counter() - start:.0f} s")
    return path


def _remapped(
    name: str,
    label: str,
    rows: Iterator[tuple[Any, ...]],
    canonical: dict[str, str],
    moved: dict[str, str],
) -> Iterator[tuple[Any, ...]]:
    names = TABLES[name].names
    ids = [names.index(c) for t, c in id_columns() if t == name]
    people = [names.index(c) for t, c in person_columns() if t == name and name != "people"]
    at_number = names.index("national_id") if name == "people" else -1
    for row in rows:
        values = list(row)
        for i in ids:
            if values[i] is not None:
                values[i] = label + values[i]
        for i in people:
            values[i] = moved.get(values[i], values[i])
        if name == "people":
            kept = canonical.setdefault(values[at_number], values[0])
            if kept != values[0]:
                moved[values[0]] = kept
                continue
        yield tuple(values)


def _insert(registry: Any, name: str, rows: Iterator[tuple[Any, ...]]) -> None:
    names = TABLES[name].names
    sql = (
        f"INSERT OR IGNORE INTO {q(name)} ({', '.join(q(c) for c in names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 50_000:
            registry.conn.executemany(sql, batch)
            batch = []
    registry.conn.executemany(sql, batch)


# -- one figure, in a process of its own --------------------------------------------------------


def figure(kind: str, name: str, data: Path, trainees: int) -> dict[str, Any]:
    """Time one figure here and now; the answer comes back as JSON-able data."""
    policy = synth.national_policy()
    start = time.perf_counter()
    if kind == "national":
        folders = [data / "provinces" / s.province_code for s in synth.national(trainees)]  # type: ignore[operator]
        with supervise.national.open(folders) as national:
            opened = time.perf_counter() - start
            answer = _ask(national, name, policy)
    else:
        with supervise.open(data / "merged.db") as registry:
            opened = time.perf_counter() - start
            answer = _ask(registry, name, policy)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "opened": opened, "rss": peak_rss_mib(), "answer": answer}


def peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the
    process that started it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ask(source: Any, name: str, policy: Any) -> Any:
    if name == "tiers":
        return source.tiers(AS_OF, by="province").to_dict()
    if name == "outcomes":
        return source.outcomes(as_of=AS_OF).to_dict()
    report = source.eligibility(policy, AS_OF)
    return {"eligible": list(report.eligible), "assessed": len(report.people)}


def run_child(kind: str, name: str, data: Path, trainees: int) -> dict[str, Any]:
    command = [
        sys.executable, __file__, "--child", kind, name, "--data", str(data),
        "--trainees", str(trainees),
    ]  # fmt: skip
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def best(run: Callable[[], dict[str, Any]], repeat: int) -> dict[str, Any]:
    results = [run() for _ in range(repeat)]
    return min(results, key=lambda r: r["seconds"]) | {"rss": max(r["rss"] for r in results)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trainees", type=int, default=1_000_000, help="trainees, all provinces")
    parser.add_argument("--data", type=Path, help="keep generated files here (reused next run)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure; the best counts")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FIGURE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(figure(*args.child, args.data, args.trainees)))
        return 0
    if args.data is None:
        with tempfile.TemporaryDirectory() as tmp:
            return measure(Path(tmp), args.trainees, args.repeat)
    args.data.mkdir(parents=True, exist_ok=True)
    return measure(args.data, args.trainees, args.repeat)


def measure(data: Path, trainees: int, repeat: int) -> int:
    log(f"generating 31 provinces, {trainees:,} trainees in all (slow on a shared machine)")
    folders = provinces(data, trainees)
    merged(data, trainees)
    files = sum(f.stat().st_size for folder in folders for f in folder.glob("*.parquet"))
    with supervise.open(data / "merged.db") as registry:
        counts = registry.counts()
    records = sum(counts.values())
    print(f"31 provinces, {trainees:,} trainees; merged registry: {counts['people']:,} people, "
          f"{counts['activities']:,} activities, {counts['session_attendees']:,} session "
          f"attendances, {counts['sessions']:,} sessions, {records:,} rows in all; "
          f"Parquet exports {files / 2**20:,.0f} MiB")  # fmt: skip
    print(
        f"\n  {'figure':<36}{'total s':>8}{'open s':>8}{'answer s':>9}{'peak RSS':>10}"
        f"{'µs/record':>10}"
    )
    for name in FIGURES:
        results = {}
        for kind in ("national", "merged"):
            results[kind] = best(partial(run_child, kind, name, data, trainees), repeat)
            r = results[kind]
            where = "31 Parquet exports" if kind == "national" else "merged registry"
            answer = r["seconds"] - r["opened"]
            print(
                f"  {name + ', ' + where:<36}{r['seconds']:8.1f}{r['opened']:8.1f}{answer:9.1f}"
                f"{r['rss']:6.0f} MiB{answer / records * 1e6:10.2f}"
            )
        if results["national"]["answer"] != results["merged"]["answer"]:
            raise SystemExit(f"{name}: the roll-up and the merged registry disagree")
    print("\n  every answer of the roll-up equals the merged registry's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
