from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given

import supervise
from supervise import (
    Activity,
    Cohort,
    Deliverable,
    Enrollment,
    IntegrityError,
    InvalidRecord,
    MentorRole,
    NotFound,
    Pairing,
    Person,
    PhaseSpec,
    Program,
    Requirements,
    SchemaVersionError,
    Session,
    SuperviseError,
    default_phases,
)
from supervise.model import MODELS, key_of
from supervise.registry import Registry
from supervise.store import SCHEMA_VERSION
from supervise.tables import TABLES
from tests.strategies import worlds

NATIONAL_ID = "11010519491231002X"


def base() -> list[Any]:
    return [
        Program(id="nx", name="宁夏督导人才培养项目"),
        default_phases("nx", theory=Requirements(hours=40)),
        Cohort(
            id="c1", program_id="nx", name="第二批", starts_on="2024-07-01", ends_on="2024-11-30"
        ),
        Person(id="p1", name="马丽", national_id=NATIONAL_ID, phone="13812345678"),
        Person(id="m1", name="李老师"),
        Enrollment(person_id="p1", cohort_id="c1", enrolled_on="2024-07-01"),
        MentorRole(person_id="m1", cohort_id="c1", capacity=4),
    ]


def stored(registry: Registry) -> dict[str, list[Any]]:
    return {cls.__table__: registry.find(cls) for cls in MODELS}


@given(worlds())
def test_every_model_type_round_trips_through_the_store(records: list[Any]) -> None:
    with supervise.open() as registry:
        registry.add(records)
        for record in records:
            assert registry.get(type(record), *key_of(record)) == record
        assert sum(len(v) for v in stored(registry).values()) == len(records)


@given(worlds())
def test_writing_the_same_records_again_changes_nothing(records: list[Any]) -> None:
    with supervise.open() as registry:
        registry.add(records)
        before = stored(registry)
        changes = registry.conn.total_changes
        assert set(registry.add(records).values()) <= {0}
        assert registry.conn.total_changes == changes
        assert stored(registry) == before


def test_add_reports_rows_written_per_table(registry: Registry) -> None:
    assert registry.add(base()) == {
        "programs": 1,
        "phases": 5,
        "cohorts": 1,
        "people": 2,
        "enrollments": 1,
        "mentors": 1,
    }


def test_writing_a_changed_record_updates_it(registry: Registry) -> None:
    registry.add(base())
    changed = Person(id="p1", name="马丽华", national_id=NATIONAL_ID, phone="13812345678")
    assert registry.add(changed) == {"people": 1}
    assert registry.get(Person, "p1").name == "马丽华"
    assert registry.counts()["people"] == 2


def test_session_attendees_are_replaced_when_they_change(registry: Registry) -> None:
    registry.add(
        base(),
        Person(id="p2", name="王静"),
        Enrollment(person_id="p2", cohort_id="c1", enrolled_on="2024-07-01"),
    )
    first = Session(
        id="s1", mentor_id="m1", cohort_id="c1", on="2024-08-01", minutes=90, attendees=["p1", "p2"]
    )
    registry.add(first)
    assert registry.add(attrs.evolve(first, attendees=["p2"])) == {
        "sessions": 0,
        "session_attendees": 3,
    }
    assert registry.get(Session, "s1").attendees == frozenset({"p2"})
    assert registry.counts()["session_attendees"] == 1


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (
            Activity(
                id="a1", person_id="p9", cohort_id="c1", phase="theory", on="2024-07-02", hours=3
            ),
            "Activity 'a1': person_id: person 'p9' is not enrolled in cohort 'c1' (got 'p9')",
        ),
        (
            Activity(
                id="a1", person_id="p1", cohort_id="c1", phase="theroy", on="2024-07-02", hours=3
            ),
            "Activity 'a1': phase: cohort 'c1' (program 'nx') has no phase 'theroy'; its phases are "
            "accompanied_supervision, case_study, practicum, theory, training (got 'theroy')",
        ),
        (
            Cohort(
                id="c2", program_id="zz", name="n", starts_on="2024-01-01", ends_on="2024-02-01"
            ),
            "Cohort 'c2': program_id: no program 'zz' (got 'zz')",
        ),
        (
            Session(
                id="s1",
                mentor_id="p1",
                cohort_id="c1",
                on="2024-08-01",
                minutes=60,
                attendees=["p1"],
            ),
            "Session 's1': mentor_id: person 'p1' is not a mentor in cohort 'c1' (got 'p1')",
        ),
        (
            Session(
                id="s1",
                mentor_id="m1",
                cohort_id="c1",
                on="2024-08-01",
                minutes=60,
                attendees=["p1", "ghost"],
            ),
            "session_attendees: person_id: no person 'ghost' (got 'ghost')",
        ),
        (
            Pairing(mentor_id="m1", trainee_id="m1", cohort_id="c1", starts_on="2024-08-01"),
            "Pairing ('m1', 'm1', 'c1', datetime.date(2024, 8, 1)): trainee_id: person 'm1' is not enrolled in cohort 'c1'",
        ),
        (
            Deliverable(
                id="d1",
                person_id="p1",
                cohort_id="c1",
                phase="case_study",
                title="t",
                submitted_on="2024-11-01",
                reviewer_id="r9",
            ),
            "Deliverable 'd1': reviewer_id: no person 'r9' (got 'r9')",
        ),
        (
            PhaseSpec(program_id="zz", key="k", name="n", order=1),
            "PhaseSpec ('zz', 'k'): program_id: no program 'zz'",
        ),
        (
            Enrollment(person_id="p1", cohort_id="c9", enrolled_on="2024-07-01"),
            "Enrollment ('p1', 'c9'): cohort_id: no cohort 'c9'",
        ),
    ],
)
def test_a_reference_to_a_missing_record_is_a_clear_error_and_nothing_is_written(
    registry: Registry, record: Any, message: str
) -> None:
    registry.add(base())
    before = registry.counts()
    good = Person(id="p3", name="新人")
    with pytest.raises(IntegrityError) as info:
        registry.add(good, record)
    assert message in str(info.value)
    assert registry.counts() == before


def test_integrity_error_counts_the_further_problems(registry: Registry) -> None:
    registry.add(base())
    bad = [
        Activity(
            id=f"a{n}", person_id="p9", cohort_id="c1", phase="theory", on="2024-07-02", hours=3
        )
        for n in range(3)
    ]
    with pytest.raises(IntegrityError, match=r"; and 2 more problems$") as info:
        registry.add(bad)
    assert info.value.more == 2


def test_records_in_one_write_may_refer_to_each_other(registry: Registry) -> None:
    registry.add(
        base(),
        Activity(id="a1", person_id="p1", cohort_id="c1", phase="theory", on="2024-07-02", hours=3),
    )
    assert registry.get(Activity, "a1").hours == 3


def test_the_same_national_id_under_another_person_id_is_refused_masked(registry: Registry) -> None:
    registry.add(base())
    with pytest.raises(IntegrityError) as info:
        registry.add(Person(id="p-fj-7", name="马丽", national_id=NATIONAL_ID))
    assert str(info.value) == (
        "Person 'p-fj-7': national_id: the same national ID is already registered to person 'p1' "
        "(got '110105********002X')"
    )
    assert NATIONAL_ID not in str(info.value)


def test_two_different_records_with_one_key_in_one_write_are_refused(registry: Registry) -> None:
    with pytest.raises(
        InvalidRecord, match="Person 'p1': id: two different records with this key in one write"
    ):
        registry.add(Person(id="p1", name="a"), Person(id="p1", name="b"))


def test_identical_duplicates_in_one_write_are_fine(registry: Registry) -> None:
    assert registry.add(Person(id="p1", name="a"), [Person(id="p1", name="a")]) == {"people": 1}


@pytest.mark.parametrize("thing", [3, "p1", {"id": "p1"}, [object()]])
def test_add_takes_only_model_objects(registry: Registry, thing: Any) -> None:
    with pytest.raises(TypeError, match="cannot add"):
        registry.add(thing)


def test_get_of_a_missing_record_raises_not_found(registry: Registry) -> None:
    with pytest.raises(NotFound, match="Person 'nobody' not found") as info:
        registry.get(Person, "nobody")
    assert isinstance(info.value, LookupError)
    with pytest.raises(NotFound, match=r"Enrollment \('p1', 'c1'\) not found"):
        registry.get(Enrollment, "p1", "c1")


def test_get_with_the_wrong_number_of_key_values(registry: Registry) -> None:
    with pytest.raises(
        TypeError, match="Enrollment is keyed by person_id, cohort_id; got 1 values"
    ):
        registry.get(Enrollment, "p1")


def test_find_filters_and_rejects_unknown_fields(registry: Registry) -> None:
    registry.add(base())
    assert [p.key for p in registry.find(PhaseSpec, program_id="nx")] == [
        "theory",
        "training",
        "practicum",
        "accompanied_supervision",
        "case_study",
    ]
    assert registry.find(Cohort, starts_on=date(2024, 7, 1))[0].id == "c1"
    with pytest.raises(TypeError, match="Person has no field 'age'"):
        registry.find(Person, age=3)


def test_a_failed_transaction_writes_nothing(registry: Registry) -> None:
    def write_then_fail() -> None:
        with registry.transaction():
            registry.add(base())
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        write_then_fail()
    assert registry.counts()["programs"] == 0


def test_reopening_a_file_keeps_the_data(db_path: Path) -> None:
    from supervise.demo import ningxia

    with supervise.open(db_path) as registry:
        ningxia.build(registry)
        before = stored(registry)
    with supervise.open(db_path) as registry:
        assert stored(registry) == before
        assert registry.migrated_from == SCHEMA_VERSION


def test_file_databases_use_wal_and_enforce_foreign_keys(db_path: Path) -> None:
    with supervise.open(db_path) as registry:
        assert registry.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert registry.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            registry.conn.execute(
                "INSERT INTO cohorts VALUES ('c', 'nope', 'n', '2024-01-01', '2024-02-01')"
            )


def test_the_schema_has_a_column_for_every_field_of_the_model(registry: Registry) -> None:
    # Columns a migration added come last in SQLite (phases.max_group_sessions after weight);
    # every statement names its columns, so only the set has to agree.
    for table in TABLES.values():
        columns = [row[1] for row in registry.conn.execute(f'PRAGMA table_info("{table.name}")')]
        assert sorted(columns) == sorted(table.names), table.name
        assert len(columns) == len(table.names), table.name


def test_a_new_database_is_migrated_to_the_current_version(db_path: Path) -> None:
    with supervise.open(db_path) as registry:
        assert registry.migrated_from == 0
        versions = registry.conn.execute("SELECT version FROM schema_version").fetchall()
    assert versions == [(v,) for v in range(1, SCHEMA_VERSION + 1)]


def test_a_database_from_a_newer_supervise_is_refused(db_path: Path) -> None:
    supervise.open(db_path).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO schema_version VALUES (99, '2030-01-01')")
    with pytest.raises(
        SchemaVersionError,
        match=f"has schema version 99, but this supervise reads versions up to {SCHEMA_VERSION}",
    ):
        supervise.open(db_path)


def test_an_sqlite_file_of_another_application_is_refused(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(
        SchemaVersionError, match="is an SQLite database but not a supervise registry"
    ):
        supervise.open(db_path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are not the records you are looking for" * 100)
    with pytest.raises(
        SuperviseError, match=r"cannot open .* as a registry: file is not a database"
    ):
        supervise.open(path)


def test_repr_summarises_the_registry(registry: Registry) -> None:
    registry.add(base())
    assert repr(registry).endswith(
        f"schema v{SCHEMA_VERSION}: 1 programs, 1 cohorts, 2 people, 1 enrollments>"
    )
    assert NATIONAL_ID not in repr(registry)


def test_phase_records_counts_each_phase(registry: Registry) -> None:
    from supervise.demo import ningxia

    ningxia.build(registry)
    rows = registry.phase_records(ningxia.SECOND_BATCH)
    assert [
        (r["phase"], r["activities"], r["hours"], r["sessions"], r["deliverables"], r["exemptions"])
        for r in rows
    ] == [
        ("theory", 146, 1168.0, 0, 0, 2),  # one of them rejected: records held, not counted
        ("training", 124, 992.0, 0, 0, 0),
        ("practicum", 310, 1860.0, 0, 0, 0),
        # two awaiting sign-off (3 hours each); two group sessions over the cap
        ("accompanied_supervision", 188, 750.0, 74, 0, 0),
        ("case_study", 0, 0.0, 0, 34, 0),
    ]
