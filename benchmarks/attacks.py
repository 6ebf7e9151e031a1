"""Hostile-tester attacks on the exchange front end and the store: what each does to
`supervise`.

Each attack builds its files in a temporary folder and runs the `supervise` command in a
child process, then prints the exit status, how long it took, the child's peak memory (RSS)
and the first line of what it said; some also look at what was left on disk. The figures in
docs/explanation/safety.md come from this script. Usage (GNU time, /usr/bin/time, measures
the peak memory):

    python benchmarks/attacks.py [--only NAME ...] [--bomb-mib N]

Exit status 0 whatever the attacks did: this script reports, the test suite judges
(tests/test_hostile.py holds the same attacks as tests).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from stdnum.cn import ric

import supervise
from supervise import synth

SUPERVISE = [sys.executable, "-c", "from supervise.cli import main; main()"]
TIME = shutil.which("time") or "/usr/bin/time"  # GNU time, for the peak memory of a command


def national_id(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def run(*args: str | Path) -> tuple[int, float, float, str, str]:
    """Run `supervise ARGS`: exit status, seconds, peak RSS (MiB), stdout, stderr.

    The peak is measured by GNU time, a small process between this one and the command:
    Linux reports the high-water mark of the memory a child was forked from, so a child of
    this (larger) process would show this process's size, not its own."""
    start = time.perf_counter()
    with tempfile.NamedTemporaryFile("r") as peak:
        done = subprocess.run(
            [TIME, "-f", "%M", "-o", peak.name, *SUPERVISE, *map(str, args)],
            capture_output=True,
        )
        seconds = time.perf_counter() - start
        kib = int(peak.read().split()[-1])
    return (
        done.returncode,
        seconds,
        kib / 1024,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )


def show(label: str, result: tuple[int, float, float, str, str]) -> None:
    """The figures of one run, what it said first and, for a refusal, its first problem."""
    code, seconds, rss, out, err = result
    said = (err or out).strip().splitlines()
    print(f"  {label}: exit {code}, {seconds:.2f} s, peak RSS {rss:.0f} MiB")
    for line in said[:2]:
        print(f"    {line.strip()[:160]}")
    if len(said) > 2:
        print(f"    (+{len(said) - 2} lines)")


def base_tables() -> dict[str, list[list[str]]]:
    return {
        "programs": [["id", "name"], ["ah", "安徽三区计划"]],
        "phases": [
            ["program_id", "key", "name", "order", "required_hours"],
            ["ah", "training", "岗前培训", "1", "24"],
        ],
        "cohorts": [
            ["id", "program_id", "name", "starts_on", "ends_on"],
            ["c1", "ah", "2025年度", "2025-03-01", "2025-12-31"],
        ],
        "people": [
            ["id", "name", "national_id"],
            ["p1", "王雪梅", national_id("34012119900307001")],
            ["m1", "汪建华", national_id("34022119851111002")],
        ],
        "enrollments": [["person_id", "cohort_id", "enrolled_on"], ["p1", "c1", "2025-03-01"]],
        "mentors": [["person_id", "cohort_id"], ["m1", "c1"]],
    }


def write_folder(folder: Path, tables: dict[str, list[list[str]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows(rows)
    return folder


def base_document() -> dict[str, object]:
    document: dict[str, object] = {"format": "supervise/1"}
    numbers = {"order": int, "required_hours": float}
    for name, (header, *rows) in base_tables().items():
        document[name] = [
            {k: numbers.get(k, str)(v) for k, v in zip(header, row, strict=True)} for row in rows
        ]
    return document


# -- the attacks ------------------------------------------------------------------------------


def killed_exports(tmp: Path) -> None:
    """Kill `supervise export` half-way, then look at what it left and import it."""
    db = tmp / "big.db"
    with supervise.open(db) as registry:
        synth.write(registry, synth.Scale.of(20_000))
    for fmt, target in (("csv", tmp / "out-csv"), ("json", tmp / "out.json")):
        whole = tmp / f"whole-{fmt}"
        full = run("export", "--db", db, "-o", whole, "--format", fmt, "--include-pii")
        delay = full[1] / 2
        child = subprocess.Popen(
            [*SUPERVISE, "export", "--db", str(db), "-o", str(target), "--include-pii"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        left = sorted(p for p in tmp.iterdir() if p.name.startswith(("out", ".out")))
        if whole.is_dir():
            shutil.rmtree(whole)
        else:
            whole.unlink()
        print(f"  {fmt} export killed after {delay:.1f} s (a whole one takes {full[1]:.1f} s):")
        for path in left:
            mode = stat.filemode(path.stat().st_mode)
            if path.is_dir():
                files = sorted(path.iterdir())
                print(f"    left folder {path.name} {mode}: {len(files)} files")
            else:
                text = path.read_bytes()
                ids = len(re.findall(rb'"national_id": "\d{17}[\dX]"', text))
                print(
                    f"    left file {path.name} {mode}: {len(text):,} bytes, {ids:,} national IDs"
                )
            show(f"import {path.name}", run("import", path, "--db", tmp / f"into-{fmt}.db"))
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()


def formulas_in_csv(tmp: Path) -> None:
    """Formula starters in stored text, exported as CSV for Excel and WPS."""
    tables = base_tables()
    starters = ['=HYPERLINK("http://x.example","点击")', "=cmd|' /C calc'!A0", "+1+1", "-2"]
    starters += ["@SUM(A1)", "\t=1", "＝1+1", "＠SUM(A1)"]
    tables["people"][0].append("organization")
    tables["people"][1].append(starters[0])
    tables["people"][2].append(starters[1])
    tables["people"] += [
        [f"x{n}", "某人", "", value] for n, value in enumerate(starters[2:], start=1)
    ]
    db = tmp / "f.db"
    run("import", write_folder(tmp / "in", tables), "--db", db)
    show("export", run("export", "--db", db, "-o", tmp / "out"))
    with (tmp / "out" / "people.csv").open(encoding="utf-8-sig") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    live = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")]
    print(f"    cells of people.csv that a spreadsheet would run: {len(live)} {live}")


def zip_bomb(tmp: Path, mib: int) -> None:
    """A small ZIP holding one CSV member of `mib` MiB."""
    path = tmp / "bomb.zip"
    block = b"0" * (1 << 20)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("people.csv", "w", force_zip64=True) as member,
    ):
        member.write(b"id,name\n")
        for _ in range(mib):
            member.write(block)
    size = path.stat().st_size
    show(f"{size / 1e6:.1f} MB ZIP, {mib} MiB member", run("import", path, "--db", tmp / "b.db"))


def large_zip(tmp: Path) -> None:
    """Not an attack: a real ZIP of 20,000 trainees' records, to show what streaming the
    members costs (a member used to be read whole into memory, then copied)."""
    db = tmp / "big.db"
    with supervise.open(db) as registry:
        synth.write(registry, synth.Scale.of(20_000))
    folder = tmp / "csv"
    run("export", "--db", db, "-o", folder, "--include-pii")
    path = tmp / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.glob("*.csv")):
            archive.write(file, file.name)
    size = sum(info.file_size for info in zipfile.ZipFile(path).infolist())
    label = f"{path.stat().st_size / 1e6:.1f} MB ZIP expanding to {size / 1e6:.0f} MB"
    show(label, run("import", path, "--db", tmp / "into.db"))


def hostile_values(tmp: Path) -> None:
    """The six values that ended in an internal error."""

    def csv_case(name: str, table: str, row: int, column: str, value: str) -> None:
        tables = base_tables()
        if table == "activities":
            tables["activities"] = [
                ["id", "person_id", "cohort_id", "phase", "on", "hours"],
                ["a1", "p1", "c1", "training", "2025-03-02", "2"],
            ]
        if table == "deliverables":
            tables["deliverables"] = [
                ["id", "person_id", "cohort_id", "phase", "title", "submitted_on", "score"],
                ["d1", "p1", "c1", "training", "报告", "2025-03-02", "90"],
            ]
        header = tables[table][0]
        tables[table][row][header.index(column)] = value
        folder = write_folder(tmp / name, tables)
        show(name, run("import", folder, "--db", tmp / f"{name}.db"))

    csv_case("5000-digit hours", "activities", 1, "hours", "9" * 5000)
    csv_case("400-digit score", "deliverables", 1, "score", "9" * 400)
    csv_case("30-digit phase order", "phases", 1, "order", "9" * 30)
    for name, mutate in (
        ("5000-digit hours (JSON)", "hours"),
        ("400-digit score (JSON)", "score"),
        ("30-digit phase order (JSON)", "order"),
    ):
        document = base_document()
        digits = {"hours": 5000, "score": 400, "order": 30}[mutate]
        if mutate == "order":
            document["phases"][0]["order"] = int("9" * 20)  # type: ignore[index]
            text = json.dumps(document).replace("9" * 20, "9" * digits)
        else:
            table = "activities" if mutate == "hours" else "deliverables"
            document[table] = [
                {
                    "id": "r1",
                    "person_id": "p1",
                    "cohort_id": "c1",
                    "phase": "training",
                    "on": "2025-03-02",
                    "submitted_on": "2025-03-02",
                    "title": "报告",
                    mutate: 1,
                }
            ]
            if table == "activities":
                del document[table][0]["submitted_on"], document[table][0]["title"]  # type: ignore[index]
            else:
                del document[table][0]["on"]  # type: ignore[index]
            text = json.dumps(document).replace(f'"{mutate}": 1', f'"{mutate}": {"9" * digits}')
        path = tmp / f"{mutate}.json"
        path.write_text(text, encoding="utf-8")
        show(name, run("import", path, "--db", tmp / f"{mutate}-json.db"))
    document = base_document()
    text = json.dumps(document).replace('"p1"', '"p1\\ud800"', 1)
    (tmp / "surrogate.json").write_text(text, encoding="utf-8")
    show("lone surrogate in an id", run("import", tmp / "surrogate.json", "--db", tmp / "s.db"))
    for kind, open_, close in (("arrays", "[", "]"), ("objects", '{"a":', "}")):
        deep = open_ * 100_000 + "1" + close * 100_000
        text = json.dumps(base_document())[:-1] + f', "people_extra": {deep}}}'
        text = text.replace('"people_extra"', '"outcomes"')
        path = tmp / f"deep-{kind}.json"
        path.write_text(text, encoding="utf-8")
        show(f"JSON nested 100,000 deep ({kind})", run("import", path, "--db", tmp / "d.db"))


def duplicate_keys(tmp: Path) -> None:
    """A JSON document with a second "programs" list, which replaced the first."""
    document = base_document()
    document["programs"] = [{"id": "ah", "name": "安徽三区计划"}, {"id": "lost", "name": "丢失"}]
    text = json.dumps(document, ensure_ascii=False)
    text = text[:-1] + ', "programs": [{"id": "ah", "name": "安徽三区计划"}]}'
    (tmp / "dup.json").write_text(text, encoding="utf-8")
    db = tmp / "dup.db"
    show("second 'programs' key", run("import", tmp / "dup.json", "--db", db))
    if db.exists():
        with supervise.open(db) as registry:
            ids = [p.id for p in registry.find(supervise.Program)]
        print(f"    programs stored: {ids}")


def failed_import_new_db(tmp: Path) -> None:
    tables = base_tables()
    tables["people"][1][1] = ""
    db = tmp / "new.db"
    show(
        "refused import into a new --db",
        run("import", write_folder(tmp / "in", tables), "--db", db),
    )
    left = sorted(p.name for p in tmp.iterdir() if p.name.startswith("new.db"))
    print(f"    files left: {left}")


def hostile_ids(tmp: Path) -> None:
    for label, value in (
        ("newline", "p\n1"),
        ("NUL", "p\x001"),
        ("terminal escape", "p\x1b[2J1"),
        ("right-to-left override", "p\u202e1"),
    ):
        tables = base_tables()
        tables["people"].append([value, "某人", ""])
        folder = write_folder(tmp / label.replace(" ", "-"), tables)
        show(f"id with a {label}", run("import", folder, "--db", tmp / "ids.db"))


def symlink(tmp: Path) -> None:
    secret = tmp / "secret.txt"
    secret.write_text("root:x:0:0:SECRET:/root:/bin/bash\n", encoding="utf-8")
    folder = write_folder(tmp / "in", base_tables())
    (folder / "people.csv").unlink()
    (folder / "people.csv").symlink_to(secret)
    code, seconds, rss, out, err = run("import", folder, "--db", tmp / "l.db")
    show("people.csv a symlink to another file", (code, seconds, rss, out, err))
    print(f"    content echoed: {'SECRET' in out + err}")


def contradictions(tmp: Path) -> None:
    tables = base_tables()
    tables["activities"] = [
        ["id", "person_id", "cohort_id", "phase", "on", "hours"],
        ["a1", "p1", "c1", "training", "2019-05-01", "8"],
    ]
    tables["sessions"] = [
        ["id", "mentor_id", "cohort_id", "on", "minutes", "phase"],
        ["s1", "m1", "c1", "2025-04-01", "90", "training"],
    ]
    tables["session_attendees"] = [["session_id", "person_id"], ["s1", "m1"]]
    folder = write_folder(tmp / "in", tables)
    show(
        "activity of 2019 in a 2025 cohort, attendee not enrolled",
        run("import", folder, "--db", tmp / "c.db"),
    )


# -- the store (items 7 to 9, 11 of issue 14) ------------------------------------------------


def _ningxia(tmp: Path) -> Path:
    db = tmp / "nx.db"
    run("demo", "--db", db)
    with supervise.open(db) as registry:
        registry.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def _damage(path: Path, table: str) -> None:
    """Overwrite every other leaf page of ``table`` with random bytes (fixed seed)."""
    import random
    import sqlite3

    conn = sqlite3.connect(path)
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = [
        p
        for (p,) in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
            (table,),
        )
    ]
    conn.close()
    rng = random.Random(7)
    with path.open("r+b") as file:
        for page in pages[::2]:
            file.seek((page - 1) * size)
            file.write(rng.randbytes(size))


def damaged_registry(tmp: Path) -> None:
    """Commands and an import on a registry whose activity (or people) pages are damaged."""
    db = _ningxia(tmp)
    anhui = Path(__file__).parent.parent / "examples" / "exchange" / "anhui-sanqu-2024"
    commands = {
        "import": ("import", anhui),
        "progress": ("progress", "--cohort", "nx-2024-b2", "--as-of", "2024-10-15"),
        "eligible": ("eligible", "--policy", "nx-expert-pool", "--as-of", "2024-12-06"),
        "export": ("export", "-o", tmp / "out.json"),
        "backup": ("backup", "-o", tmp / "copy.db"),
    }
    for table in ("activities", "people"):
        for name, args in commands.items():
            bad = tmp / f"bad-{table}-{name}.db"
            shutil.copy(db, bad)
            _damage(bad, table)
            before = bad.read_bytes()
            show(f"{table} pages damaged, {name}", run(*args, "--db", bad, "--lang", "en"))
            if name == "import":
                print(f"    file unchanged: {bad.read_bytes() == before}")


def foreign_sqlite(tmp: Path) -> None:
    """An SQLite file of another application given as --db."""
    import sqlite3

    other = tmp / "invoices.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE invoices (id INTEGER, amount REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    show("tiers --db invoices.db", run("tiers", "--db", other, "--lang", "en"))
    print(f"    file unchanged: {other.read_bytes() == before}; beside it: "
          f"{sorted(p.name for p in tmp.iterdir())}")  # fmt: skip


def echoed_ids(tmp: Path) -> None:
    """A national ID number typed where a person id belongs; the provenance of an import."""
    db = _ningxia(tmp)
    number = national_id("64010419900307001")
    result = run("eligible", "--db", db, "--policy", "nx-expert-pool", "--person", number)
    show("eligible --person <national ID>", result)
    print(f"    full number printed: {number in result[3] + result[4]}")
    folder = tmp / "王丽的资料" / "2025"
    shutil.copytree(Path(__file__).parent.parent / "examples" / "exchange" / "anhui-sanqu-2024",
                    folder / "anhui")  # fmt: skip
    run("import", folder / "anhui", "--db", db)
    with supervise.open(db) as registry:
        print(f"    provenance keeps: {[r.source for r in registry.imports()]}")


def killed_backup(tmp: Path) -> None:
    """Kill `supervise backup` of a 20,000-trainee registry half-way; back up again."""
    db = tmp / "big.db"
    with supervise.open(db) as registry:
        synth.write(registry, synth.Scale.of(20_000))
    out = tmp / "backups"
    out.mkdir()
    full = run("backup", "--db", db, "-o", out / "whole.db")
    (out / "whole.db").unlink()
    child = subprocess.Popen(
        [*SUPERVISE, "backup", "--db", str(db), "-o", str(out / "copy.db")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(full[1] * 0.8)
    child.send_signal(signal.SIGKILL)
    child.wait()
    left = sorted(out.iterdir())
    modes = [f"{p.name} ({oct(stat.S_IMODE(p.stat().st_mode))})" for p in left]
    print(f"  killed after {full[1] * 0.8:.2f} s of {full[1]:.2f} s: left {modes}")
    show("backup again", run("backup", "--db", db, "-o", out / "again.db"))
    print(f"    left after it: {sorted(p.name for p in out.iterdir())}")


def withdrawn_mentor_load(tmp: Path) -> None:
    """A trainee withdrawn months ago, still paired: is the mentor loaded with them?"""
    from supervise import Enrollment
    from supervise.demo import ningxia

    with supervise.open() as registry:
        ningxia.build(registry)
        cohort = ningxia.SECOND_BATCH
        pairing = registry.find(supervise.Pairing, cohort_id=cohort)[0]
        before = registry.cohort_progress(cohort, "2024-10-15")
        enrollment = registry.get(Enrollment, pairing.trainee_id, cohort)
        registry.add(
            Enrollment(
                person_id=enrollment.person_id,
                cohort_id=cohort,
                enrolled_on=enrollment.enrolled_on,
                status="withdrawn",
                left_on="2024-08-01",
            )
        )
        after = registry.cohort_progress(cohort, "2024-10-15")
    load = {m.person_id: m.trainees for m in before.mentors}
    now = {m.person_id: m.trainees for m in after.mentors}
    mentor, trainee = pairing.mentor_id, pairing.trainee_id
    print(f"  mentor {mentor}: {load[mentor]} trainees; {now[mentor]} after {trainee} withdrew")


ATTACKS: dict[str, Callable[..., None]] = {
    "killed-exports": killed_exports,
    "formulas": formulas_in_csv,
    "zip-bomb": zip_bomb,
    "large-zip": large_zip,
    "hostile-values": hostile_values,
    "duplicate-keys": duplicate_keys,
    "new-db": failed_import_new_db,
    "hostile-ids": hostile_ids,
    "symlink": symlink,
    "contradictions": contradictions,
    "damaged-registry": damaged_registry,
    "foreign-sqlite": foreign_sqlite,
    "echoed-ids": echoed_ids,
    "killed-backup": killed_backup,
    "withdrawn-mentor-load": withdrawn_mentor_load,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(ATTACKS), help="run these attacks")
    parser.add_argument("--bomb-mib", type=int, default=1024, help="size of the ZIP bomb member")
    parser.add_argument("--lang", default="en", help="language of the messages shown")
    args = parser.parse_args(argv)
    os.environ["SUPERVISE_LANG"] = args.lang
    for name in args.only or ATTACKS:
        print(f"\n{name}")
        with tempfile.TemporaryDirectory() as tmp:
            if name == "zip-bomb":
                ATTACKS[name](Path(tmp), args.bomb_mib)
            else:
                ATTACKS[name](Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
