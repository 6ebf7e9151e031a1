"""The columnar engine and its copy of a registry: every committed write is seen, nothing
stale is read, no personal data is copied."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import supervise
from supervise import Activity, Cohort, Enrollment, Person, PhaseSpec, Program, Requirements
from supervise.engine import Engine, RegistryFile, RegistryRows, StaticRows
from supervise.engine.copy import tokens
from supervise.engine.records import rows_of


def base() -> list[Any]:
    return [
        Program(id="p", name="项目"),
        PhaseSpec(
            program_id="p", key="theory", name="理论学习", order=1,
            requirements=Requirements(hours=10),
        ),
        Cohort(id="c", program_id="p", name="第一批", starts_on="2024-07-01", ends_on="2024-12-31"),
        Person(id="t1", name="马丽", national_id="11010519491231002X", phone="13912345678"),
        Enrollment(person_id="t1", cohort_id="c", enrolled_on="2024-07-01"),
    ]  # fmt: skip


def activity(n: int, hours: float = 1.5) -> Activity:
    return Activity(
        id=f"a{n}", person_id="t1", cohort_id="c", phase="theory", on="2024-07-02", hours=hours
    )


def total(engine: Engine) -> tuple[Any, ...]:
    engine.bind(["activities"])
    return engine.rows("SELECT count(*), CAST(sum(hours) AS DOUBLE) FROM activities")[0]


def test_a_file_registry_is_read_through_its_columnar_copy(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with supervise.open(path) as registry:
        registry.add(base(), activity(1))
        engine = Engine(RegistryFile(registry.conn, str(path)))
        assert total(engine) == (1, 1.5)
        files = sorted(p.name for p in (tmp_path / "r.db-columns").iterdir())
        token = tokens(registry.conn)["activities"]
        assert files == [f"activities-{token}.parquet"]


def test_every_committed_write_is_seen_by_the_next_answer(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with supervise.open(path) as registry:
        registry.add(base())
        engine = Engine(RegistryFile(registry.conn, str(path)))
        assert total(engine) == (0, None)
        for n in range(1, 4):
            registry.add(activity(n, hours=n))
            assert total(engine) == (n, sum(range(1, n + 1)))
        with supervise.open(path) as other:  # another connection, as another process would
            other.add(activity(9, hours=4))
        assert total(engine) == (4, 10)


def test_a_copy_is_replaced_not_kept_beside_the_new_one(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with supervise.open(path) as registry:
        registry.add(base())
        engine = Engine(RegistryFile(registry.conn, str(path)))
        total(engine)
        registry.add(activity(1))
        total(engine)
        assert len(list((tmp_path / "r.db-columns").glob("activities-*.parquet"))) == 1


def test_only_tables_that_changed_get_a_new_token(tmp_path: Path) -> None:
    with supervise.open(tmp_path / "r.db") as registry:
        registry.add(base())
        before = tokens(registry.conn)
        registry.add(activity(1))
        after = tokens(registry.conn)
        assert {t for t in before if before[t] != after[t]} == {"activities"}
        registry.add(activity(1))  # the same record again: nothing changes
        assert tokens(registry.conn) == after


def test_a_registry_rebuilt_at_the_same_path_never_reads_its_predecessors_copy(
    tmp_path: Path,
) -> None:
    path = tmp_path / "r.db"
    with supervise.open(path) as registry:
        registry.add(base(), activity(1, hours=8))
        assert total(Engine(RegistryFile(registry.conn, str(path)))) == (1, 8)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{path}{suffix}"):
            os.remove(f"{path}{suffix}")
    with supervise.open(path) as registry:
        registry.add(base(), activity(1, hours=2))
        assert total(Engine(RegistryFile(registry.conn, str(path)))) == (1, 2)


def test_the_copy_holds_no_national_id_or_phone(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with supervise.open(path) as registry:
        registry.add(base())
        engine = Engine(RegistryFile(registry.conn, str(path)))
        engine.bind(["people"])
        assert [d[0] for d in engine.con.sql("SELECT * FROM people").description] == [
            "id", "name", "gender", "region_code", "organization", "practice_since",
        ]  # fmt: skip
        for file in (tmp_path / "r.db-columns").iterdir():  # zstd-compressed: read the values
            values = {str(v) for row in engine.rows(f"FROM read_parquet('{file}')") for v in row}
            assert "11010519491231002X" not in values
            assert "13912345678" not in values


def test_a_registry_whose_folder_cannot_take_the_copy_copies_to_a_private_folder(
    tmp_path: Path,
) -> None:
    path = tmp_path / "r.db"
    (tmp_path / "r.db-columns").write_text("in the way")  # as read-only media would refuse
    with supervise.open(path) as registry:
        registry.add(base(), activity(1))
        source = RegistryFile(registry.conn, str(path))
        assert total(Engine(source)) == (1, 1.5)
        assert source.copy.folder.parent != tmp_path
        assert (tmp_path / "r.db-columns").read_text() == "in the way"


def test_an_in_memory_registry_is_read_from_its_rows() -> None:
    with supervise.open() as registry:
        registry.add(base())
        engine = Engine(RegistryRows(registry.conn))
        assert total(engine) == (0, None)
        registry.add(activity(1), activity(2, hours=2.25))
        assert total(engine) == (2, 3.75)


def test_records_are_read_as_a_registry_would_hold_them() -> None:
    engine = Engine(StaticRows(rows_of([*base(), activity(1), activity(2, hours=0.1)])))
    assert total(engine) == (2, 1.6)
    engine.bind(["enrollments"])
    assert engine.rows("SELECT person_id, enrolled_on FROM enrollments") == [
        ("t1", supervise.parse_date("2024-07-01"))
    ]


def test_hours_are_kept_to_the_micro_hour_so_sums_are_exact() -> None:
    assert activity(1, hours=1.23456789).hours == 1.234568
    tenths = [activity(n, hours=0.1) for n in range(10)]
    engine = Engine(StaticRows(rows_of([*base(), *tenths])))
    assert total(engine) == (10, 1.0)  # not 0.9999999999999999


def test_a_write_landing_while_the_copy_is_written_is_never_labelled_with_the_old_token(
    tmp_path: Path, monkeypatch: Any
) -> None:
    from supervise.engine.copy import ColumnarCopy

    path = tmp_path / "r.db"
    with supervise.open(path) as registry:
        registry.add(base(), activity(1, hours=1))
        original = ColumnarCopy._write_one
        raced = []

        def racing(self: Any, duck: Any, name: str, target: Path) -> None:
            original(self, duck, name, target)
            if name == "activities" and not raced:  # another process commits just now
                raced.append(True)
                with supervise.open(path) as other:
                    other.add(activity(2, hours=2))

        monkeypatch.setattr(ColumnarCopy, "_write_one", racing)
        engine = Engine(RegistryFile(registry.conn, str(path)))
        assert total(engine) == (2, 3)  # the copy made before the write was not used
        assert raced == [True]
