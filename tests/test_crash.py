"""Crash safety: an import killed with SIGKILL at any point leaves the registry intact and
exactly as it was before the import (SQLite's journal, one transaction per import)."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import supervise
from supervise import synth
from supervise.demo import ningxia
from supervise.store.sql import q
from supervise.tables import TABLES

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

# The child imports and prints each progress report, so the parent can kill it at a known
# point of the work: while checking rows, or while writing them.
CHILD = textwrap.dedent(
    """
    import sys
    import supervise

    def report(stage, done, total):
        print(stage, done, total, flush=True)

    with supervise.open(sys.argv[1]) as registry:
        registry.import_file(sys.argv[2], on_step=report)
    print("finished", flush=True)
    """
)


def content(path: Path) -> tuple[str, str]:
    """A digest of every row of every table (and the import records), and the integrity check."""
    with supervise.open(path) as registry:
        digest = hashlib.sha256()
        for name, table in [*TABLES.items()]:
            order = ", ".join(q(c) for c in table.key)
            for row in registry.conn.execute(f"SELECT * FROM {q(name)} ORDER BY {order}"):
                digest.update(repr(row).encode())
        for row in registry.conn.execute("SELECT * FROM imports ORDER BY id"):
            digest.update(repr(row).encode())
        (check,) = registry.conn.execute("PRAGMA integrity_check").fetchone()
    return digest.hexdigest(), check


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A large batch to import: 3,000 generated trainees and their records, as CSV files."""
    folder = tmp_path_factory.mktemp("batch")
    with supervise.open() as source:
        synth.write(source, synth.Scale(trainees=3_000, cohorts=6, programs=2))
        source.export(folder / "csv", format="csv", include_pii=True)
    return folder / "csv"


@pytest.fixture
def registry_file(tmp_path: Path) -> Path:
    path = tmp_path / "registry.db"
    with supervise.open(path) as registry:
        ningxia.build(registry)
    return path


@pytest.mark.parametrize(
    ("stage", "share"),
    [("checking", 0.2), ("checking", 0.9), ("writing", 0.0), ("writing", 0.5), ("writing", 0.66)],
    ids=["checking-20%", "checking-90%", "writing-start", "writing-50%", "writing-last-batch"],
)
def test_an_import_killed_at_any_point_leaves_the_registry_as_it_was(
    batch: Path, registry_file: Path, stage: str, share: float
) -> None:
    before = content(registry_file)
    assert before[1] == "ok"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(registry_file), str(batch)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        for line in child.stdout:
            words = line.split()
            assert words[0] != "finished", f"the import finished before {stage} {share:.0%}"
            if words[0] == stage and int(words[1]) >= share * int(words[2]):
                child.send_signal(signal.SIGKILL)
                break
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()
    assert child.returncode == -signal.SIGKILL
    assert content(registry_file) == before


def test_the_same_import_left_alone_changes_the_registry(batch: Path, registry_file: Path) -> None:
    """The control: without the kill the content does change, so the check above can fail."""
    before = content(registry_file)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(registry_file), str(batch)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    after = content(registry_file)
    assert after[1] == "ok"
    assert after[0] != before[0]
