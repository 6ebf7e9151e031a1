"""Trust under real operations: an import holding the write lock while others read and write,
a damaged registry file, a file that is not a registry, a killed backup, and what messages
repeat of what somebody typed.

The long write is a real import in a child process, stopped as it starts writing (its
progress callback waits on a pipe): no sleeps, no timing."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import supervise
from supervise import CorruptRegistry, NotFound, Person, RegistryBusy, SchemaVersionError
from supervise.cli import cli
from supervise.demo import ningxia
from supervise.store.busy import note_path, under_way
from supervise.store.store import BACKUP_SUFFIX, default_actor

ROOT = Path(__file__).parent.parent
ANHUI = ROOT / "examples" / "exchange" / "anhui-sanqu-2024"
NATIONAL_ID = "11010519491231002X"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and pipes")


@pytest.fixture(scope="module")
def ningxia_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Ningxia example in a registry file, built once; tests work on copies."""
    path = tmp_path_factory.mktemp("nx") / "nx.db"
    with supervise.open(path) as registry:
        ningxia.build(registry)
        registry.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def nx(ningxia_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "nx.db"
    shutil.copy(ningxia_file, path)
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


# -- an import under way ----------------------------------------------------------------------

# The child imports, and stops as it starts writing, holding the write lock, until told.
IMPORTER = textwrap.dedent(
    """
    import sys
    import supervise

    def stop(stage, done, total):
        if stage == "writing" and not stop.said:
            stop.said = True
            print("writing", flush=True)
            sys.stdin.readline()

    stop.said = False
    with supervise.open(sys.argv[1], actor="王会计") as registry:
        registry.import_file(sys.argv[2], on_step=stop)
    print("done", flush=True)
    """
)


@pytest.fixture
def importing(nx: Path) -> Iterator[subprocess.Popen[str]]:
    """A child process importing the Anhui batch into ``nx``, stopped as it writes."""
    child = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(nx), str(ANHUI)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "writing\n"
        yield child
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()


def let_go(child: subprocess.Popen[str]) -> None:
    out, err = child.communicate("go on\n", timeout=60)
    assert (child.returncode, out, err) == (0, "done\n", "")


def test_readers_do_not_wait_for_an_import_and_see_what_was_committed(
    nx: Path, importing: subprocess.Popen[str]
) -> None:
    # timeout=0: any wait for a lock would fail at once instead of queueing
    with supervise.open(nx, timeout=0) as reader:
        assert reader.counts()["people"] == 78
        progress = reader.cohort_progress(ningxia.SECOND_BATCH, ningxia.REPORTED_ON)
        assert (progress.enrolled, progress.completed) == (31, 31)
        assert reader.tiers(ningxia.REPORTED_ON).to_dict()["groups"]["all"]["total"] == 78
    let_go(importing)
    with supervise.open(nx, timeout=0) as reader:
        assert reader.counts()["people"] == 78 + 23 - 1  # one matched by national ID
        assert reader.tiers(ningxia.REPORTED_ON).to_dict()["groups"]["all"]["total"] == 100


def test_the_import_leaves_a_note_that_names_it_and_removes_it_when_done(
    nx: Path, importing: subprocess.Popen[str]
) -> None:
    note = under_way(str(nx))
    assert note is not None
    assert (note.operation, note.sources, note.actor, note.stage) == (
        "import",
        ("anhui-sanqu-2024",),
        "王会计",
        "writing",
    )
    assert note.pid == importing.pid
    assert stat.S_IMODE(os.stat(note_path(str(nx))).st_mode) == stat.S_IMODE(nx.stat().st_mode)
    let_go(importing)
    assert under_way(str(nx)) is None
    assert not os.path.exists(note_path(str(nx)))


def test_a_writer_gives_up_naming_the_import_under_way(
    nx: Path, importing: subprocess.Popen[str]
) -> None:
    with supervise.open(nx, timeout=0) as writer:
        with pytest.raises(RegistryBusy) as info:
            writer.add(Person(id="late", name="晚到"))
        started = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"
        assert re.fullmatch(
            f"登记库 {re.escape(str(nx))} 正在导入 anhui-sanqu-2024（王会计 于 {started} UTC 开始，"
            r"写入：\d+ / \d+ 行）；已等待 0 秒，未写入任何内容。请在其完成后再试",
            info.value.message("zh"),
        )
        assert re.fullmatch(
            f"the registry {re.escape(str(nx))} is busy with an import of anhui-sanqu-2024 "
            f"started by 王会计 at {started} UTC " + r"\(writing, \d+ of \d+ rows\); waited 0 s "
            "and wrote nothing. Try again when it has finished",
            str(info.value),
        )
    let_go(importing)
    with supervise.open(nx) as writer:
        assert writer.add(Person(id="late", name="晚到")) == {"people": 1}


def test_a_writer_without_a_note_to_read_still_says_why(nx: Path) -> None:
    with supervise.open(nx) as holder, supervise.open(nx, timeout=0) as writer:
        with holder.transaction():
            holder.add(Person(id="first", name="先"))
            with pytest.raises(RegistryBusy) as info:
                writer.add(Person(id="second", name="后"))
        assert str(info.value) == (
            f"the registry {nx} is being written by another process; waited 0 s and wrote "
            "nothing. Try again later"
        )


def test_commands_tell_a_reader_that_an_import_is_under_way(
    nx: Path, importing: subprocess.Popen[str]
) -> None:
    code, out, err = run(
        "progress", "--db", str(nx), "--cohort", ningxia.SECOND_BATCH, "--as-of", "2024-10-15"
    )
    assert code == 0
    assert "t2024-08" in out
    assert err.startswith(f"注意：{nx} 正在导入 anhui-sanqu-2024（王会计 于 ")
    assert err.endswith("）；以下结果是其开始前已提交的数据\n")
    code, out, err = run("tiers", "--db", str(nx), "--lang", "en")
    assert code == 0
    assert err.startswith(f"note: {nx} is busy with an import of anhui-sanqu-2024 started by")
    assert err.endswith("; these answers are what was committed before it started\n")
    let_go(importing)
    assert run("tiers", "--db", str(nx))[2] == ""


def test_a_note_left_by_a_killed_import_is_ignored(nx: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(nx), str(ANHUI)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "writing\n"
    child.send_signal(signal.SIGKILL)
    child.communicate()
    assert os.path.exists(note_path(str(nx)))  # nothing could remove it
    assert under_way(str(nx)) is None
    assert run("tiers", "--db", str(nx))[2] == ""


# -- a damaged file ---------------------------------------------------------------------------


def damage(path: Path, table: str, seed: int = 7) -> None:
    """Overwrite every other leaf page of ``table`` with random bytes."""
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
    assert len(pages) > 2
    rng = random.Random(seed)
    with path.open("r+b") as file:
        for page in pages[::2]:
            file.seek((page - 1) * size)
            file.write(rng.randbytes(size))


def test_an_import_into_a_damaged_registry_is_refused_and_writes_nothing(nx: Path) -> None:
    damage(nx, "activities")
    before = nx.read_bytes()
    with supervise.open(nx) as registry, pytest.raises(CorruptRegistry) as info:
        registry.import_file(ANHUI)
    assert str(info.value).startswith(f"the registry file {nx} is damaged (SQLite: Page ")
    assert "btreeInitPage() returns error code 11; Page " in str(info.value)
    assert str(info.value).endswith(
        "nothing was changed. Restore it from a backup (a copy written by supervise backup), "
        "or ask an administrator to salvage it with sqlite3's .recover"
    )
    assert info.value.message("zh").startswith(f"登记库文件 {nx} 已损坏（SQLite：")
    assert nx.read_bytes() == before


COMMANDS = [
    ("progress", "--cohort", ningxia.SECOND_BATCH, "--as-of", "2024-10-15"),
    ("eligible", "--policy", "nx-expert-pool", "--as-of", "2024-12-06"),
    ("outcomes", "--as-of", "2024-12-06"),
    ("targets", "--targets", str(ROOT / "examples" / "ningxia-targets.toml")),
    ("import", str(ANHUI)),
    ("backup", "-o", "copy.db"),
]


@pytest.mark.parametrize("table", ["activities", "people"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_no_command_ends_in_an_internal_error_on_a_damaged_file(
    nx: Path, table: str, command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(nx.parent)
    damage(nx, table)
    code, out, err = run(*command, "--db", str(nx), "--lang", "en")
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: the registry file {nx} is damaged (SQLite: ")
    assert not (nx.parent / "copy.db").exists()


@pytest.mark.parametrize("command", COMMANDS[:4], ids=lambda c: c[0])
def test_an_intact_file_answers_the_same_commands(
    nx: Path, command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control for the test above."""
    monkeypatch.chdir(nx.parent)
    assert run(*command, "--db", str(nx))[0] == 0


def test_a_write_that_meets_a_damaged_page_is_refused(nx: Path) -> None:
    damage(nx, "people")
    with supervise.open(nx) as registry, pytest.raises(CorruptRegistry, match="malformed"):
        registry.add(*(Person(id=f"new{n}", name="新") for n in range(200)))


# -- a file that is not a registry ------------------------------------------------------------


def test_an_sqlite_file_of_another_application_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "invoices.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER, amount REAL)")
        conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(SchemaVersionError) as info:
        supervise.open(path)
    assert str(info.value) == (
        f"{path} is an SQLite database but not a supervise registry (it has a table "
        "'invoices' and no schema_version); the file was left as it was"
    )
    assert info.value.message("zh") == (
        f"{path} 是 SQLite 数据库，但不是 supervise 登记库（其中有表 'invoices'，没有 "
        "schema_version）；文件未作任何改动"
    )
    assert path.read_bytes() == before  # still in rollback-journal mode, byte for byte
    assert sorted(p.name for p in tmp_path.iterdir()) == ["invoices.db"]


# -- a killed backup --------------------------------------------------------------------------

# The child backs up, and stops just before moving the copy into place, until killed.
BACKER = textwrap.dedent(
    """
    import os, sys
    import supervise

    def stop(src, dst):
        print("copied", flush=True)
        sys.stdin.readline()

    os.replace = stop
    with supervise.open(sys.argv[1]) as registry:
        registry.backup(sys.argv[2])
    """
)


def test_a_killed_backup_leaves_an_owner_only_file_that_the_next_backup_removes(
    nx: Path, tmp_path: Path
) -> None:
    out = tmp_path / "backups"
    out.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-c", BACKER, str(nx), str(out / "nx-copy.db")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "copied\n"
    child.send_signal(signal.SIGKILL)
    child.communicate()
    (left,) = out.iterdir()
    assert left.name.startswith(f".nx-copy.db.{child.pid}.")
    assert left.name.endswith(BACKUP_SUFFIX)
    assert stat.S_IMODE(left.stat().st_mode) == 0o600
    with supervise.open(nx) as registry:
        registry.backup(out / "other.db")
    assert sorted(p.name for p in out.iterdir()) == ["other.db"]
    assert stat.S_IMODE((out / "other.db").stat().st_mode) == 0o600


def test_a_backup_under_way_is_not_removed_by_another(nx: Path, tmp_path: Path) -> None:
    mine = tmp_path / f".copy.db.{os.getpid()}.abcdefgh{BACKUP_SUFFIX}"
    mine.write_bytes(b"")
    with supervise.open(nx) as registry:
        registry.backup(tmp_path / "copy.db")
    assert mine.exists()


# -- personal data in what people typed -------------------------------------------------------


def test_a_national_id_given_as_a_person_id_is_masked_in_not_found(
    registry: supervise.Registry,
) -> None:
    with pytest.raises(NotFound) as info:
        registry.get(Person, NATIONAL_ID)
    assert str(info.value) == "Person '110105********002X' not found"
    assert info.value.message("zh") == "找不到人员 '110105********002X'"
    assert NATIONAL_ID not in repr(info.value.args)


def test_eligible_masks_a_national_id_given_as_a_person(nx: Path) -> None:
    code, out, err = run(
        "eligible", "--db", str(nx), "--policy", "nx-expert-pool", "--person", NATIONAL_ID
    )
    assert (code, out) == (1, "")
    assert err == "Error: 登记库中没有人员 '110105********002X'\n"


def test_writes_are_made_by_the_system_user_unless_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGNAME", "wangli")  # what getpass reads first
    assert default_actor() == "wangli"
    with supervise.open() as registry:
        registry.add(Person(id="p1", name="甲"))
        registry.add(Person(id="p2", name="乙"), actor="王会计")
        assert [w.actor for w in registry.history()][-2:] == ["wangli", "王会计"]
