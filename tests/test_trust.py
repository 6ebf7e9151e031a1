"""Data safety: concurrent writers, consistent readers, hostile identifiers, backups and
databases written by earlier schema versions."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import supervise
from supervise import (
    Cohort,
    Enrollment,
    Person,
    Program,
    Requirements,
    SchemaVersionError,
    SuperviseError,
    default_phases,
)
from supervise.demo import ningxia
from supervise.model import MODELS
from supervise.store import SCHEMA_VERSION
from supervise.store.sql import q

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = [
    "'); DROP TABLE people;--",
    '"; DELETE FROM cohorts; --',
    "x' OR '1'='1",
    "名字'||'后",  # an id holding NUL is refused: tests/test_hostile.py
    "` ; --",
]


def test_a_database_written_by_schema_version_1_opens_and_migrates(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    shutil.copy(FIXTURES / "schema-v1.db", path)
    with supervise.open(path) as registry:
        assert registry.migrated_from == 1
        versions = [
            v
            for (v,) in registry.conn.execute("SELECT version FROM schema_version ORDER BY version")
        ]
        assert versions == list(range(1, SCHEMA_VERSION + 1))
        assert registry.counts()["enrollments"] == 60
        assert registry.cohort_progress(ningxia.SECOND_BATCH, ningxia.REPORTED_ON).completed == 31
        assert registry.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_the_version_1_fixture_is_still_version_1() -> None:
    """The fixture must stay as schema version 1 wrote it; never open it in place."""
    conn = sqlite3.connect(f"file:{FIXTURES / 'schema-v1.db'}?mode=ro", uri=True)
    assert conn.execute("SELECT max(version) FROM schema_version").fetchone() == (1,)
    conn.close()


def test_a_newer_database_is_refused_without_being_changed(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    shutil.copy(FIXTURES / "schema-v1.db", path)
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_version VALUES (?, '2031-01-01')", (SCHEMA_VERSION + 1,))
    before = path.read_bytes()
    with pytest.raises(SchemaVersionError, match=f"has schema version {SCHEMA_VERSION + 1}"):
        supervise.open(path)
    assert path.read_bytes() == before


WRITER = textwrap.dedent(
    """
    import sys
    import supervise
    from supervise import Person
    path, prefix, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with supervise.open(path) as registry:
        for i in range(n):  # one transaction per write, interleaving with the other process
            registry.add(Person(id=f"{prefix}{i}", name=f"{prefix} {i}"))
    """
)


def test_two_processes_writing_at_once_both_succeed(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    supervise.open(path).close()
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), prefix, "150"], stderr=subprocess.PIPE
        )
        for prefix in ("a", "b")
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err.decode()
    with supervise.open(path) as registry:
        ids = {p.id for p in registry.find(Person)}
    assert ids == {f"{prefix}{i}" for prefix in "ab" for i in range(150)}


def test_readers_see_a_consistent_snapshot_while_a_write_is_under_way(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    with supervise.open(path) as writer, supervise.open(path) as reader:
        writer.add(Person(id="p0", name="first"))
        reader.conn.execute("BEGIN")  # a read transaction: one snapshot until it ends
        assert reader.counts()["people"] == 1
        with writer.transaction():
            writer.add(Person(id="p1", name="second"), Person(id="p2", name="third"))
            assert reader.counts()["people"] == 1  # the write is not visible half-way
        assert reader.counts()["people"] == 1  # nor after commit, inside the same snapshot
        reader.conn.execute("COMMIT")
        assert reader.counts()["people"] == 3


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_ids_and_names_are_data_not_sql(registry: supervise.Registry, hostile: str) -> None:
    records = [
        Program(id=hostile, name=hostile),
        default_phases(hostile, theory=Requirements(hours=1)),
        Cohort(
            id=hostile + "c",
            program_id=hostile,
            name=hostile,
            starts_on="2024-01-01",
            ends_on="2024-02-01",
        ),
        Person(id=hostile, name=hostile, organization=hostile),
        Enrollment(
            person_id=hostile, cohort_id=hostile + "c", enrolled_on="2024-01-01", team=hostile
        ),
    ]
    registry.add(records)
    assert registry.get(Person, hostile).name == hostile
    assert registry.find(Person, name=hostile)[0].id == hostile
    assert registry.cohort_progress(hostile + "c", "2024-03-01").trainees[0].person_id == hostile
    assert registry.tiers("2024-03-01").groups["all"]["total"] == 1
    tables = {
        row[0]
        for row in registry.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    assert {cls.__table__ for cls in MODELS} <= tables
    assert registry.counts()["programs"] == 1


def test_identifiers_outside_the_schema_are_refused() -> None:
    assert q("people") == '"people"'
    with pytest.raises(ValueError, match="is not a table or column of the schema"):
        q('people"; DROP TABLE people; --')


def test_backup_copies_a_live_registry_consistently(tmp_path: Path) -> None:
    source, copy = tmp_path / "live.db", tmp_path / "copy.db"
    with supervise.open(source) as registry, supervise.open(source) as writer:
        ningxia.build(registry)
        with writer.transaction():  # a write under way is not in the copy
            writer.add(Person(id="late", name="迟到"))
            registry.backup(copy)
    with supervise.open(copy) as restored, supervise.open(source) as original:
        for cls in MODELS:
            expected = [r for r in original.find(cls) if getattr(r, "id", None) != "late"]
            assert restored.find(cls) == expected
        assert restored.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_backup_refuses_to_replace_a_file_unless_asked(tmp_path: Path) -> None:
    target = tmp_path / "exists.db"
    target.write_text("keep me")
    with supervise.open() as registry:
        registry.add(Person(id="p", name="n"))
        with pytest.raises(
            SuperviseError,
            match=r"exists; pass overwrite=True \(on the command line: --overwrite\) to replace it",
        ):
            registry.backup(target)
        assert target.read_text() == "keep me"
        registry.backup(target, overwrite=True)
    with supervise.open(target) as restored:
        assert restored.get(Person, "p").name == "n"


def test_backup_command(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from supervise.cli import cli

    db, out = tmp_path / "nx.db", tmp_path / "copy.db"
    assert CliRunner().invoke(cli, ["demo", "--db", str(db)]).exit_code == 0
    result = CliRunner().invoke(cli, ["backup", "--db", str(db), "-o", str(out)])
    assert (result.exit_code, result.stdout) == (0, f"backed up {db} to {out}\n")
    again = CliRunner().invoke(cli, ["backup", "--db", str(db), "-o", str(out)])
    assert (again.exit_code, again.stderr) == (
        1,
        f"Error: {str(out)!r} 已存在；如要替换，请传入 overwrite=True（命令行：--overwrite）\n",
    )
    again = CliRunner().invoke(cli, ["backup", "--db", str(db), "-o", str(out), "--lang", "en"])
    assert again.stderr == (
        f"Error: {str(out)!r} exists; pass overwrite=True (on the command line: --overwrite) "
        "to replace it\n"
    )


# -- provenance -------------------------------------------------------------------------------

ANHUI = Path(__file__).parent.parent / "examples" / "exchange" / "anhui-sanqu-2024"
BROKEN = Path(__file__).parent.parent / "examples" / "exchange" / "broken"


def test_every_import_that_writes_is_recorded_with_its_content_hash(tmp_path: Path) -> None:
    from supervise.store.provenance import content_hash

    with supervise.open(tmp_path / "p.db") as registry:
        ningxia.build(registry)
        report = registry.import_file(ANHUI)
        registry.import_file(ANHUI)  # changes nothing: no record
        registry.import_file(ANHUI, dry_run=True)  # writes nothing: no record
        with pytest.raises(supervise.ImportFailed):
            registry.import_file(BROKEN)  # refused: no record
        (record,) = registry.imports()
    assert record.source == "anhui-sanqu-2024"  # the name, never the folders above it
    assert record.sha256 == content_hash([ANHUI])
    assert len(record.sha256) == 64
    assert record.imported_at.endswith("+00:00")
    assert record.tables["people"] == report.tables["people"].to_dict()
    assert (
        record.to_dict()["tables"]["activities"]["inserted"] == report.tables["activities"].inserted
    )


def test_the_content_hash_changes_with_any_file_of_a_folder(tmp_path: Path) -> None:
    from supervise.store.provenance import content_hash

    folder = tmp_path / "batch"
    shutil.copytree(ANHUI, folder)
    before = content_hash([folder])
    assert content_hash([folder]) == before
    first = sorted(folder.iterdir())[0]
    first.write_bytes(first.read_bytes() + b"\n")
    assert content_hash([folder]) != before


def test_provenance_written_before_it_kept_names_only_loses_its_folders(tmp_path: Path) -> None:
    """A registry whose imports table holds full paths (as before the migration that keeps
    names only) is rewritten when opened."""
    from supervise.store import schema

    path = tmp_path / "older.db"
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT) STRICT"
    )
    before = schema._MIGRATIONS[:5]  # a registry of version 5, before names only
    for version, step in enumerate(before, 1):
        step(conn)
        conn.execute("INSERT INTO schema_version VALUES (?, '2024-01-01')", (version,))
    conn.executemany(
        "INSERT INTO imports (source, sha256, imported_at, tables) VALUES (?, 'x', 't', '{}')",
        [
            ("/home/wangli/王丽的资料/anhui.zip",),
            ("/data/a/people.csv, /data/b/activities.csv",),
            ("C:\\Users\\zhang\\batch\\",),
        ],
    )
    conn.commit()
    conn.close()
    with supervise.open(path) as registry:
        assert [r.source for r in registry.imports()] == [
            "anhui.zip",
            "people.csv, activities.csv",
            "batch",
        ]


def test_a_version_1_database_gains_an_empty_imports_table(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    shutil.copy(FIXTURES / "schema-v1.db", path)
    with supervise.open(path) as registry:
        assert registry.imports() == []


def test_the_imports_command(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from supervise.cli import cli

    db = str(tmp_path / "p.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["demo", "--db", db]).exit_code == 0
    assert runner.invoke(cli, ["imports", "--db", db]).stdout == "no imports recorded\n"
    assert runner.invoke(cli, ["import", str(ANHUI), "--db", db]).exit_code == 0
    table = runner.invoke(cli, ["imports", "--db", db]).stdout.splitlines()
    assert table[0].split() == [
        "id",
        "imported",
        "(UTC)",
        "inserted",
        "updated",
        "sha256",
        "source",
    ]
    assert table[1].split()[0] == "1"
    (record,) = json.loads(runner.invoke(cli, ["imports", "--db", db, "--format", "json"]).stdout)
    assert record["source"] == "anhui-sanqu-2024"
