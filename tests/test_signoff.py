"""Sign-off (审核确认): records confirmed or rejected by a mentor of their cohort, through the
API, the import and the CLI, each decision kept in the log (docs/how-to/sign-off.md)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import supervise
from supervise import (
    Activity,
    Cohort,
    Deliverable,
    Enrollment,
    ImportFailed,
    IntegrityError,
    MentorRole,
    NotFound,
    Pairing,
    Person,
    PhaseSpec,
    Program,
    RecordState,
    Requirements,
    Session,
)
from supervise.cli import cli
from supervise.exchange.cells import CellError, typer
from supervise.lang import localize
from supervise.registry import Registry
from supervise.store import SCHEMA_VERSION
from tests.exchange_files import base, write_folder

FIXTURES = Path(__file__).parent / "fixtures"


def world(*extra: Any) -> list[Any]:
    """Trainees t1, t2 in cohort c; mentors m1 (paired with t1) and m2 (with t2); m3 mentors
    another cohort; records awaiting sign-off: two of t1's, one of t2's, one session of m2."""
    return [
        Program(id="p", name="项目"),
        PhaseSpec(program_id="p", key="theory", name="理论学习", order=1, requirements=Requirements(hours=10)),
        Cohort(id="c", program_id="p", name="第一批", starts_on="2024-07-01", ends_on="2024-12-31"),
        Cohort(id="o", program_id="p", name="其他", starts_on="2024-07-01", ends_on="2024-12-31"),
        *(Person(id=p, name=p) for p in ("t1", "t2", "m1", "m2", "m3")),
        Enrollment(person_id="t1", cohort_id="c", enrolled_on="2024-07-01"),
        Enrollment(person_id="t2", cohort_id="c", enrolled_on="2024-07-01"),
        MentorRole(person_id="m1", cohort_id="c"),
        MentorRole(person_id="m2", cohort_id="c"),
        MentorRole(person_id="m3", cohort_id="o"),
        Pairing(mentor_id="m1", trainee_id="t1", cohort_id="c", starts_on="2024-07-01"),
        Pairing(mentor_id="m2", trainee_id="t2", cohort_id="c", starts_on="2024-07-01"),
        act("a1", "t1", 4, "submitted"),
        act("a2", "t1", 3, "submitted"),
        act("a3", "t2", 2, "submitted"),
        act("a4", "t1", 5),
        Deliverable(id="d1", person_id="t1", cohort_id="c", phase="theory", title="报告",
                    submitted_on="2024-07-10", score=80, state="rejected", signed_by="m1",
                    signed_on="2024-07-12"),
        Session(id="s1", mentor_id="m2", cohort_id="c", on="2024-07-05", minutes=60,
                phase="theory", attendees=frozenset({"t1", "t2"}), state="submitted"),
        *extra,
    ]  # fmt: skip


def act(rid: str, person: str, hours: float, state: str = "confirmed") -> Activity:
    return Activity(
        id=rid, person_id=person, cohort_id="c", phase="theory", on="2024-07-03", hours=hours,
        state=state,
    )  # fmt: skip


@pytest.fixture
def signed(registry: Registry) -> Registry:
    registry.add(world())
    return registry


def states(registry: Registry) -> dict[str, str]:
    found = {}
    for table in ("activities", "sessions", "deliverables"):
        found.update(dict(registry.conn.execute(f"SELECT id, state FROM {table}").fetchall()))
    return found


def hours(registry: Registry, person: str = "t1") -> tuple[float, float]:
    phase = registry.cohort_progress("c", "2024-07-31").trainee(person).phase("theory")
    return phase.achieved["hours"], phase.pending["hours"]


# -- the API -----------------------------------------------------------------------------------


def test_confirming_a_trainees_records_makes_them_count(signed: Registry) -> None:
    assert hours(signed) == (5.0, 7.0)
    result = signed.confirm(trainee="t1", by="m1", on="2024-07-20")
    assert [(s.table, s.record_id) for s in result.changed] == [
        ("activities", "a1"),
        ("activities", "a2"),
        ("sessions", "s1"),  # t1 attended it
    ]
    assert all(s.previous_state is RecordState.SUBMITTED for s in result.changed)
    assert result.counts() == {"activities": 2, "sessions": 1}
    assert hours(signed) == (12.0, 0.0)
    assert signed.get(Activity, "a1").signed_by == "m1"
    assert signed.get(Activity, "a1").signed_on == date(2024, 7, 20)
    assert states(signed)["a3"] == "submitted"  # t2's record is not t1's


def test_all_pending_of_a_mentor_is_what_they_lead_or_guide(signed: Registry) -> None:
    result = signed.confirm(by="m2", all_pending=True, on="2024-07-20", dry_run=True)
    # m2 led s1 and guides t2 (a3); t1's records are m1's to sign.
    assert [(s.table, s.record_id) for s in result.changed] == [
        ("activities", "a3"),
        ("sessions", "s1"),
    ]
    assert result.dry_run
    assert states(signed)["a3"] == "submitted"  # a dry run writes nothing
    assert signed.sign_offs() == []


def test_rejected_records_never_count_and_the_log_keeps_every_decision(signed: Registry) -> None:
    signed.reject(["activities:a1"], by="m1", on="2024-07-20")
    signed.confirm([("activities", "a1")], by="m2", on="2024-07-21")  # changed its mind
    signed.reject(["a1"], by="m1", on="2024-07-22")
    log = signed.sign_offs("activities:a1")
    assert [
        (e.previous_state.value, e.state.value, e.signed_by, str(e.signed_on)) for e in log
    ] == [
        ("submitted", "rejected", "m1", "2024-07-20"),
        ("rejected", "confirmed", "m2", "2024-07-21"),
        ("confirmed", "rejected", "m1", "2024-07-22"),
    ]
    assert all(e.recorded_at for e in log)
    assert [e.record_id for e in signed.sign_offs(by="m2")] == ["a1"]
    assert hours(signed) == (5.0, 3.0)  # a1 rejected, a2 still pending


def test_a_record_already_in_that_state_is_left_alone(signed: Registry) -> None:
    result = signed.reject(["deliverables:d1", "a4"], by="m1", on="2024-07-20")
    assert [s.record_id for s in result.changed] == ["a4"]
    assert result.unchanged == (("deliverables", "d1"),)
    assert (
        result.to_text()
        == "activities:a4  confirmed → rejected\nm1 于 2024-07-20 退回 1 条记录，1 条已是该状态"
    )
    assert [e.record_id for e in signed.sign_offs()] == ["a4"]


def test_only_a_mentor_of_the_records_cohort_may_sign_it(signed: Registry) -> None:
    with pytest.raises(
        IntegrityError,
        match=r"^Activity 'a1': signed_by: person 'm3' is not a mentor in cohort 'c' \(got 'm3'\)$",
    ):
        signed.confirm(["a1", "a3"], by="m3")
    assert states(signed)["a3"] == "submitted"  # nothing written
    assert signed.confirm(trainee="t1", by="m3").changed == ()  # m3 mentors none of t1's cohorts


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda r: r.confirm(["zz"], by="m1"), NotFound, "record 'zz' not found"),
        (lambda r: r.confirm(["sessions:zz"], by="m1"), NotFound, "Session 'zz' not found"),
        (lambda r: r.confirm(["people:t1"], by="m1"), ValueError, "'people:t1': unknown table 'people'; records are signed off in activities (学时记录), sessions (督导记录), deliverables (成果)"),
        (lambda r: r.confirm(["a1"], by="nobody"), NotFound, "Person 'nobody' not found"),
        (lambda r: r.confirm(trainee="nobody", by="m1"), NotFound, "Person 'nobody' not found"),
        (lambda r: r.confirm(by="m1"), ValueError, "choose the records one way: records, trainee or all_pending"),
        (lambda r: r.confirm(["a1"], trainee="t1", by="m1"), ValueError, "choose the records one way"),
    ],
)  # fmt: skip
def test_sign_off_errors_name_what_is_wrong(
    signed: Registry, call: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        call(signed)
    assert message in str(info.value)


def test_a_bare_id_found_in_two_tables_must_say_which(signed: Registry) -> None:
    signed.add(act("s1", "t1", 1))  # an activity with a session's id
    with pytest.raises(
        ValueError,
        match=r"'s1' is the id of records in activities and sessions: say which, as activities:s1",
    ):
        signed.confirm(["s1"], by="m1")  # fmt: skip


def test_sign_off_declares_only_the_tables_it_changes(signed: Registry) -> None:
    before = dict(signed.conn.execute("SELECT name, token FROM generations").fetchall())
    signed.confirm(["a1"], by="m1")
    after = dict(signed.conn.execute("SELECT name, token FROM generations").fetchall())
    assert {name for name in before if before[name] != after[name]} == {"activities"}


# -- records arriving signed -----------------------------------------------------------------


def test_add_refuses_a_signer_who_is_not_a_mentor_of_the_cohort(registry: Registry) -> None:
    registry.add(world())
    with pytest.raises(IntegrityError) as info:
        registry.add(act("a9", "t1", 1).__class__(
            id="a9", person_id="t1", cohort_id="c", phase="theory", on="2024-07-03", hours=1,
            signed_by="m3",
        ))  # fmt: skip
    assert str(info.value) == (
        "Activity 'a9': signed_by: person 'm3' is not a mentor in cohort 'c' (got 'm3')"
    )


def test_import_refuses_a_signer_who_is_not_a_mentor_and_reads_states(
    registry: Registry, tmp_path: Path
) -> None:
    tables = base()
    tables["activities"] = [
        ["id", "person_id", "cohort_id", "phase", "on", "hours", "审核状态", "signed_by"],
        ["a1", "p1", "c1", "training", "2024-07-22", "8", "待审核", ""],
        ["a2", "p1", "c1", "training", "2024-07-23", "8", "rejected", "p2"],
        ["a3", "p1", "c1", "training", "2024-07-24", "8", "", "m1"],
    ]
    with pytest.raises(ImportFailed) as info:
        registry.import_file(write_folder(tmp_path / "bad", tables))
    assert [str(p) for p in info.value.problems] == [
        "activities.csv row 3: signed_by (确认人编号): person 'p2' is not a mentor in cohort 'c1'"
    ]
    tables["activities"][2][7] = "m1"
    registry.import_file(write_folder(tmp_path / "good", tables))
    assert [(a.id, a.state.value, a.signed_by) for a in registry.find(Activity)] == [
        ("a1", "submitted", None),
        ("a2", "rejected", "m1"),
        ("a3", "confirmed", "m1"),  # an empty state is confirmed
    ]


def test_a_file_without_the_new_columns_keeps_its_meaning(
    registry: Registry, tmp_path: Path
) -> None:
    tables = base()
    tables["activities"] = [
        ["id", "person_id", "cohort_id", "phase", "on", "hours"],
        ["a1", "p1", "c1", "training", "2024-07-22", "8"],
    ]
    registry.import_file(write_folder(tmp_path / "old", tables))
    assert registry.get(Activity, "a1").state is RecordState.CONFIRMED
    assert registry.get(Program, "ah").pending_counts is False
    assert registry.get(PhaseSpec, "ah", "training").requirements.max_group_sessions is None


def test_a_program_that_counts_pending_records_round_trips_through_every_format(
    registry: Registry, tmp_path: Path
) -> None:
    registry.add(world(Program(id="q", name="另一项目", pending_counts=True)))
    for fmt in ("json", "csv", "xlsx"):
        out = tmp_path / f"x.{fmt}" if fmt != "csv" else tmp_path / "x"
        registry.export(out, fmt, include_pii=True)
        with supervise.open() as copy:
            copy.import_file(out)
            assert copy.get(Program, "q").pending_counts is True
            assert copy.get(Program, "p").pending_counts is False
            assert copy.get(Activity, "a1").state is RecordState.SUBMITTED
            assert copy.get(Deliverable, "d1").signed_by == "m1"
    document = json.loads((tmp_path / "x.json").read_text("utf-8"))
    assert [p["pending_counts"] for p in document["programs"]] == [False, True]


# -- an older registry -----------------------------------------------------------------------


def test_a_version_5_registry_is_migrated_and_its_records_count_as_before(tmp_path: Path) -> None:
    path = tmp_path / "v5.db"
    shutil.copy(FIXTURES / "schema-v5.db", path)
    with supervise.open(path) as registry:
        assert registry.migrated_from == 5
        assert SCHEMA_VERSION > 5
        assert registry.get(Activity, "a1").state is RecordState.CONFIRMED
        phase = registry.cohort_progress("c", "2024-07-31").trainee("t1").phase("theory")
        assert (phase.achieved, phase.pending) == ({"hours": 6.0}, {"hours": 0.0})
        names = {n for (n,) in registry.conn.execute("SELECT name FROM generations")}
        assert "continuing_education" in names  # or its columnar copy would never be made
        registry.add(
            supervise.ContinuingEducation(id="ce1", person_id="t1", on="2024-07-01", hours=72)
        )
        report = registry.continuing_education("2024-12-06")
        assert [(p.person_id, p.hours, p.required) for p in report.people] == [("t1", 72.0, 72.0)]


# -- the command line ------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def demo(db_path: Path) -> Path:
    assert run("demo", "--db", db_path)[0] == 0
    return db_path


def test_confirm_command_dry_run_then_for_real_then_the_log(demo: Path) -> None:
    args = ("confirm", "--db", demo, "--by", "m2024-2", "--on", "2024-10-16")
    code, out, _ = run(*args, "--all-pending", "--dry-run", "--lang", "en")
    assert (code, out) == (
        0,
        "activities:nx-2024-b2-a-t2024-05-acco-late  submitted → confirmed\n"
        "m2024-2 would have confirmed 1 record on 2024-10-16 (dry run: nothing was written)\n",
    )
    code, out, _ = run(*args, "--trainee", "t2024-05", "--format", "json")
    data = json.loads(out)
    assert (data["state"], data["dry_run"], [c["record_id"] for c in data["changed"]]) == (
        "confirmed",
        False,
        ["nx-2024-b2-a-t2024-05-acco-late"],
    )
    code, out, _ = run(*args, "--all-pending")
    assert out == "m2024-2 于 2024-10-16 确认 0 条记录\n"
    code, out, _ = run("confirm", "--db", demo, "--log", "--format", "json")
    assert [(e["record_id"], e["signed_by"]) for e in json.loads(out)] == [
        ("nx-2024-b2-a-t2024-05-acco-late", "m2024-2")
    ]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--all-pending",), 2, "--by MENTOR is required to sign off"),
        (("--by", "m2024-2"), 2, "choose the records one way: --record, --trainee or --all-pending"),
        (("--by", "m2024-2", "--trainee", "t2024-05", "--all-pending"), 2, "choose the records one way"),
        (("--by", "t2024-03", "--record", "activities:nx-2024-b2-a-t2024-14-acco-late"), 1,
         "Error: Activity 'nx-2024-b2-a-t2024-14-acco-late': signed_by: person 't2024-03' is not a mentor in cohort 'nx-2024-b2' (got 't2024-03')"),
        (("--by", "m2024-2", "--record", "nope"), 1, "Error: record 'nope' not found"),
        (("--by", "m2024-2", "--all-pending", "--on", "2024-13-01"), 2, "Invalid value for '--on'"),
        (("--log", "--trainee", "t2024-05"), 2, "--log takes at most one --record, and --by"),
    ],
)  # fmt: skip
def test_confirm_command_errors(demo: Path, args: tuple[str, ...], code: int, message: str) -> None:
    got, out, err = run("confirm", "--db", demo, *args, "--lang", "en")
    assert (got, out) == (code, "")
    assert message in err
    assert "Traceback" not in err


def test_confirm_command_speaks_the_chosen_language(demo: Path) -> None:
    late = "activities:nx-2024-b2-a-t2024-14-acco-late"
    code, out, err = run("confirm", "--db", demo, "--by", "t2024-03", "--record", late)
    assert (code, out, err) == (
        1,
        "",
        "Error: Activity 'nx-2024-b2-a-t2024-14-acco-late'：signed_by：人员 't2024-03' 不是批次 "
        "'nx-2024-b2' 的导师（实际为 't2024-03'）\n",
    )
    code, out, err = run("confirm", "--db", demo, "--by", "m2024-2", "--record", "people:t2024-05")
    assert (code, out) == (2, "")
    assert (
        "'people:t2024-05'：未知的表 'people'；可审核的记录在 activities (学时记录), "
        "sessions (督导记录), deliverables (成果)"
    ) in err
    code, out, err = run(
        "confirm", "--db", demo, "--by", "m2024-2", "--record", "people:t2024-05", "--lang", "en"
    )
    assert "'people:t2024-05': unknown table 'people'; records are signed off in" in err
    args = ("confirm", "--db", demo, "--by", "m2024-2", "--on", "2024-10-16", "--all-pending")
    code, out, _ = run(*args, "--dry-run")
    assert out.splitlines()[-1] == "（试运行，未写入）m2024-2 于 2024-10-16 确认 1 条记录"
    assert run("confirm", "--db", demo, "--log")[1] == "无审核记录\n"
    assert run("confirm", "--db", demo, "--log", "--lang", "en")[1] == "no sign-offs recorded\n"


# -- true or false, and caps of zero or more -------------------------------------------------


def test_a_flag_is_true_or_false_in_both_languages() -> None:
    with pytest.raises(supervise.InvalidRecord) as info:
        Program(id="q", name="项目", pending_counts="yes")  # type: ignore[arg-type]
    assert str(info.value) == "Program 'q': pending_counts: must be true or false (got 'yes')"
    assert info.value.message("zh") == (
        "Program 'q'：pending_counts：必须是 true 或 false（是或否）（实际为 'yes'）"
    )
    with pytest.raises(supervise.InvalidRecord) as info:
        Requirements(max_group_sessions=-1)
    assert str(info.value) == "Requirements: max_group_sessions: must be at least 0 (got -1)"
    assert info.value.message("zh") == "Requirements：max_group_sessions：不能小于 0（实际为 -1）"
    assert Requirements(max_group_sessions=0).max_group_sessions == 0


@pytest.mark.parametrize(
    ("mode", "cell", "value"),
    [
        ("text", "是", True), ("text", " FALSE ", False), ("text", "1", True), ("text", "", None),
        ("guarded", "no", False), ("excel", True, True), ("excel", 0.0, False),
        ("excel", "否", False), ("excel", None, None), ("json", False, False), ("json", None, None),
    ],
)  # fmt: skip
def test_true_or_false_cells(mode: str, cell: Any, value: bool | None) -> None:
    assert typer(mode, "boolean")(cell) is value


@pytest.mark.parametrize(
    ("mode", "cell", "en", "zh"),
    [
        ("text", "maybe", "must be true or false (是 or 否)", "必须是 true 或 false（是或否）"),
        ("excel", 2, "must be true or false (是 or 否)", "必须是 true 或 false（是或否）"),
        ("excel", date(2024, 1, 1), "must be true or false (是 or 否)", "必须是 true 或 false（是或否）"),
        ("json", "true", "must be true or false", "必须是 true 或 false"),
        ("json", 1, "must be true or false", "必须是 true 或 false"),
    ],
)  # fmt: skip
def test_a_cell_that_is_neither_true_nor_false_is_refused(
    mode: str, cell: Any, en: str, zh: str
) -> None:
    with pytest.raises(CellError) as info:
        typer(mode, "boolean")(cell)
    assert (str(info.value), localize(info.value.reason, "zh")) == (en, zh)


def test_import_refuses_a_program_flag_that_is_neither(registry: Registry, tmp_path: Path) -> None:
    tables = base()
    tables["programs"] = [["id", "name", "pending_counts"], ["ah", "安徽三区计划", "maybe"]]
    with pytest.raises(ImportFailed) as info:
        registry.import_file(write_folder(tmp_path / "bad", tables))
    assert [str(p) for p in info.value.problems] == [
        "programs.csv row 2: pending_counts (待审核记录计入进度): must be true or false (是 or 否) "
        "(got 'maybe')"
    ]
    tables["programs"][1][2] = "是"
    registry.import_file(write_folder(tmp_path / "good", tables))
    assert registry.get(Program, "ah").pending_counts is True


def test_confirming_and_rejecting_are_writes_in_the_audit_trail(signed: Registry) -> None:
    signed.confirm(records=[("activities", "a1")], by="m1", on="2024-07-20")
    signed.reject(records=[("activities", "a2")], by="m1", on="2024-07-21")
    writes = [w for w in signed.history(table="activities") if w.operation in ("confirm", "reject")]
    assert [(w.operation, w.detail) for w in writes] == [
        ("confirm", "1 record(s) signed by m1"),
        ("reject", "1 record(s) signed by m1"),
    ]
    (change,) = writes[0].changes
    assert (change.key, change.change) == (("a1",), "update")
    assert change.changed()["state"] == ("submitted", "confirmed")
    assert change.changed()["signed_by"] == (None, "m1")
