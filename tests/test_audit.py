"""The audit trail: every write recorded with who, when, what, and the values before and
after, never holding a full national ID or phone number; listed by `supervise history`."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

import supervise
from supervise import (
    Cohort,
    Enrollment,
    MentorRole,
    Person,
    Program,
    SuperviseError,
    default_phases,
)
from supervise.cli import cli
from supervise.store import SCHEMA_VERSION

ROOT = Path(__file__).parent.parent
ANHUI = ROOT / "examples" / "exchange" / "anhui-sanqu-2024"
FIXTURES = Path(__file__).parent / "fixtures"
NATIONAL_ID = "11010519491231002X"
PHONE = "13812345678"
UTC_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def base() -> list[object]:
    return [
        Program(id="nx", name="宁夏督导人才培养项目"),
        default_phases("nx"),
        Cohort(
            id="c1", program_id="nx", name="第二批", starts_on="2024-07-01", ends_on="2024-11-30"
        ),
        Person(id="t1", name="学员"),
        Person(id="m1", name="导师"),
        Enrollment(person_id="t1", cohort_id="c1", enrolled_on="2024-07-01"),
        MentorRole(person_id="m1", cohort_id="c1"),
    ]


def everything_in(path: Path) -> str:
    """Every value of the audit tables, as text."""
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT * FROM audit_writes").fetchall()
    rows += conn.execute("SELECT * FROM audit_changes").fetchall()
    conn.close()
    return repr(rows)


def test_an_add_is_recorded_with_who_when_and_every_record_masked(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with supervise.open(path, actor="王会计") as registry:
        registry.add(Person(id="p1", name="王丽", national_id=NATIONAL_ID, phone=PHONE))
        *_, write = registry.history()
    assert (write.actor, write.operation, write.detail) == ("王会计", "add", None)
    assert UTC_TIME.fullmatch(write.at)
    assert write.at[:10] == datetime.now(UTC).date().isoformat()
    assert write.counts == {"people": {"inserted": 1}}
    (change,) = write.changes
    assert (change.table, change.key, change.person_id, change.change, change.before) == (
        "people",
        ("p1",),
        "p1",
        "insert",
        None,
    )
    assert change.after == {
        "id": "p1",
        "name": "王丽",
        "national_id": "110105********002X",
        "phone": "138****5678",
        "gender": None,
        "region_code": None,
        "organization": None,
        "practice_since": None,
    }
    assert NATIONAL_ID not in everything_in(path)
    assert PHONE not in everything_in(path)


def test_an_update_keeps_the_values_before_and_after(registry: supervise.Registry) -> None:
    registry.add(Person(id="p1", name="王丽", phone=PHONE))
    registry.add(Person(id="p1", name="王莉", phone="13900001111"), actor="李审核")
    write = registry.history()[-1]
    assert (write.actor, write.counts) == ("李审核", {"people": {"updated": 1}})
    (change,) = write.changes
    assert change.change == "update"
    # an update keeps the fields that changed, before and after, and nothing else
    assert (change.before, change.after) == (
        {"name": "王丽", "phone": "138****5678"},
        {"name": "王莉", "phone": "139****1111"},
    )
    assert change.changed() == {"name": ("王丽", "王莉"), "phone": ("138****5678", "139****1111")}


def test_a_write_that_changes_nothing_leaves_no_trace(registry: supervise.Registry) -> None:
    registry.add(base())
    before = registry.history()
    registry.add(base())
    with registry.transaction(operation="confirm"):
        pass
    assert registry.history() == before


def test_an_import_counts_what_it_inserts_and_lists_what_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    with supervise.open(path) as registry:
        report = registry.import_file(ANHUI, actor="王会计")
        *_, write = registry.history()
        assert (write.actor, write.operation, write.detail) == (
            "王会计",
            "import",
            "anhui-sanqu-2024",
        )
        assert write.changes == ()
        assert write.counts == {
            name: {"inserted": counts.inserted}
            for name, counts in report.tables.items()
            if counts.inserted
        }
        # the same batch again, with one trainee withdrawn: one update, listed
        changed = tmp_path / "batch"
        shutil.copytree(ANHUI, changed)
        enrollments = changed / "学员.csv"
        lines = enrollments.read_text(encoding="utf-8-sig").splitlines()
        header = lines[0].split(",")
        first = lines[1].split(",")
        first[header.index("状态")] = "withdrawn"
        lines[1] = ",".join(first)
        enrollments.write_text("\n".join(lines) + "\n", encoding="utf-8")
        registry.import_file(changed, actor="王会计")
        *_, write = registry.history()
    assert write.counts == {"enrollments": {"updated": 1}}
    (change,) = write.changes
    assert (change.table, change.change, change.person_id) == ("enrollments", "update", first[0])
    assert change.changed() == {"status": ("active", "withdrawn")}
    assert "11010" not in everything_in(path)


def test_refused_and_dry_run_imports_leave_no_trace(registry: supervise.Registry) -> None:
    before = registry.history()
    registry.import_file(ANHUI, dry_run=True)
    with pytest.raises(supervise.ImportFailed):
        registry.import_file(ROOT / "examples" / "exchange" / "broken")
    assert registry.history() == before


def test_creating_and_migrating_are_recorded(tmp_path: Path) -> None:
    with supervise.open(tmp_path / "new.db", actor="安装") as registry:
        (created,) = registry.history()
    assert (created.actor, created.operation, created.detail) == (
        "安装",
        "create",
        f"schema 0 → {SCHEMA_VERSION}",
    )
    path = tmp_path / "v1.db"
    shutil.copy(FIXTURES / "schema-v1.db", path)
    with supervise.open(path, actor="升级") as registry:
        (migrated,) = registry.history()
    assert (migrated.actor, migrated.operation, migrated.detail, migrated.changes) == (
        "升级",
        "migrate",
        f"schema 1 → {SCHEMA_VERSION}",
        (),
    )


def test_history_by_record_person_and_dates(registry: supervise.Registry) -> None:
    registry.add(base())
    registry.add(Enrollment(person_id="t1", cohort_id="c1", enrolled_on="2024-07-01", team="A"))
    registry.add(Person(id="m1", name="新名字"))
    by_record = registry.history(table="enrollments", key=["t1", "c1"])
    assert [[c.change for c in w.changes] for w in by_record] == [["insert"], ["update"]]
    assert by_record[1].changes[0].changed() == {"team": (None, "A")}
    by_person = registry.history(person="t1")
    assert {(c.table, c.change) for w in by_person for c in w.changes} == {
        ("people", "insert"),
        ("enrollments", "insert"),
        ("enrollments", "update"),
    }
    assert registry.history(table="people", key="m1")[-1].changes[0].changed() == {
        "name": ("导师", "新名字")
    }
    today = datetime.now(UTC).date()
    assert len(registry.history(since=today, until=today)) == len(registry.history()) == 4
    assert registry.history(until=date(2000, 1, 1)) == []
    assert registry.history(since="2999-01-01") == []


def test_the_audit_hook_records_what_triggers_cannot_see(registry: supervise.Registry) -> None:
    registry.add(base())
    with registry.transaction(operation="confirm", actor="李审核", detail="2 records"):
        registry.audit(
            "people",
            ["t1"],
            "confirm",
            before={"national_id": NATIONAL_ID},
            after={"state": "confirmed", "phone": PHONE},
            person_id="t1",
        )
    write = registry.history()[-1]
    assert (write.actor, write.operation, write.detail) == ("李审核", "confirm", "2 records")
    (change,) = write.changes
    assert (change.change, change.before, change.after) == (
        "confirm",
        {"national_id": "110105********002X"},
        {"state": "confirmed", "phone": "138****5678"},
    )


def test_the_audit_hook_outside_a_write_is_an_error(registry: supervise.Registry) -> None:
    with pytest.raises(SuperviseError) as info:
        registry.audit("people", ["t1"], "confirm")
    assert str(info.value) == "audit() is only meaningful inside transaction()"
    assert info.value.message("zh") == "audit() 只能在 transaction() 之内调用"


def test_a_nested_transaction_is_part_of_the_outer_write(registry: supervise.Registry) -> None:
    with registry.transaction(operation="confirm", actor="李审核") as outer:
        registry.add(Person(id="p1", name="甲"))
        with registry.transaction() as inner:
            assert inner is outer
            registry.add(Person(id="p2", name="乙"))
    write = registry.history()[-1]
    assert (write.operation, write.actor, write.counts) == (
        "confirm",
        "李审核",
        {"people": {"inserted": 2}},
    )


def test_a_rolled_back_write_leaves_no_trace(registry: supervise.Registry) -> None:
    before = registry.history()

    def change_my_mind() -> None:
        with registry.transaction():
            registry.add(Person(id="p1", name="甲"))
            raise RuntimeError("changed my mind")

    with pytest.raises(RuntimeError, match="changed my mind"):
        change_my_mind()
    assert registry.history() == before


# -- the command ------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "h.db"
    with supervise.open(path, actor="王会计") as registry:
        registry.add(base())
        registry.add(Person(id="t1", name="新名字", national_id=NATIONAL_ID))
    return path


def test_history_command_lists_writes_in_both_languages(db: Path) -> None:
    code, out, err = run("history", "--db", str(db), "--table", "people", "--key", "t1")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert re.fullmatch(r"#2  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC  王会计  添加", lines[0])
    assert lines[-1] == (
        "    更新 people t1：name '学员' → '新名字'; national_id — → '110105********002X'"
    )
    _, out, _ = run("history", "--db", str(db), "--person", "t1", "--lang", "en")
    assert "    update people t1: name '学员' → '新名字'" in out
    assert "    insert enrollments t1/c1: person_id='t1', cohort_id='c1'" in out


def test_history_command_json_and_csv(db: Path) -> None:
    _, out, _ = run("history", "--db", str(db), "--format", "json", "--since", "2000-01-01")
    writes = json.loads(out)
    assert [w["operation"] for w in writes] == ["create", "add", "add"]
    assert writes[2]["changes"][0]["after"]["national_id"] == "110105********002X"
    _, out, _ = run("history", "--db", str(db), "--format", "csv", "--person", "t1")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["write_id"], r["table"], r["change"]) for r in rows] == [
        ("2", "people", "insert"),
        ("2", "enrollments", "insert"),
        ("3", "people", "update"),
    ]
    assert NATIONAL_ID not in out


def test_history_command_key_needs_a_table(db: Path) -> None:
    code, _, err = run("history", "--db", str(db), "--key", "t1")
    assert code == 2
    assert "give the record's table too" in err


def test_history_command_with_nothing_to_show(db: Path) -> None:
    assert run("history", "--db", str(db), "--until", "2000-01-01", "--lang", "en")[1] == (
        "no writes in the audit trail match\n"
    )


def test_the_import_command_records_its_actor(tmp_path: Path) -> None:
    db = tmp_path / "i.db"
    assert run("import", str(ANHUI), "--db", str(db), "--actor", "王会计")[0] == 0
    with supervise.open(db) as registry:
        write = registry.history()[-1]
    assert (write.actor, write.operation, write.detail) == ("王会计", "import", "anhui-sanqu-2024")
