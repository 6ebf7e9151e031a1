"""Exports are whole or absent: written aside with owner-only permissions, moved into place in
one step, removed on failure; a CSV folder (or ZIP) carries a manifest, and import refuses a
folder that is cut short, changed or incomplete."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

import supervise
from supervise import ImportFailed, Person
from supervise.exchange import write
from supervise.exchange.manifest import NAME, Manifest
from tests.exchange_files import base, write_folder

ROOT = Path(__file__).parent.parent
ANHUI = ROOT / "examples" / "exchange" / "anhui-sanqu-2024"


@pytest.fixture
def anhui(tmp_path: Path) -> Path:
    """A registry file holding the Anhui batch (with national IDs)."""
    path = tmp_path / "anhui.db"
    with supervise.open(path) as registry:
        registry.import_file(ANHUI)
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def refusal(path: Path) -> list[str]:
    with supervise.open() as registry, pytest.raises(ImportFailed) as info:
        registry.import_file(path)
    return [str(p) for p in info.value.problems]


# -- killed half-way --------------------------------------------------------------------------

# The child exports, and stops at the start of a chosen table until it is killed: the parent
# looks at what is on disk at that moment, then kills it.
CHILD = textwrap.dedent(
    """
    import sys
    import supervise
    from supervise.exchange import write

    rows = write._Tables.rows

    def stopping(self, table):
        if table.name == sys.argv[3]:
            print("stopped", flush=True)
            sys.stdin.readline()
        yield from rows(self, table)

    write._Tables.rows = stopping
    with supervise.open(sys.argv[1]) as registry:
        registry.export(sys.argv[2], include_pii=True)
    """
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions and SIGKILL")


@pytest.mark.parametrize("out", ["out.json", "out", "out.zip", "out.xlsx"])
def test_an_export_killed_half_way_leaves_no_target_and_nothing_others_can_read(
    anhui: Path, tmp_path: Path, out: str
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(anhui), str(folder / out), "activities"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "stopped\n"
        (partial,) = folder.iterdir()
        assert partial.name.startswith(f".{out}.")
        assert partial.name.endswith(".partial")
        assert mode(partial) == (0o700 if partial.is_dir() else 0o600)
        if partial.is_dir():
            assert {mode(p) for p in partial.iterdir()} == {0o600}
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()
    assert not (folder / out).exists()
    (left,) = folder.iterdir()
    assert mode(left) == (0o700 if left.is_dir() else 0o600)
    if left.is_dir():  # what a reader could mistake for the export: refused
        assert refusal(left) == [
            "manifest.json: the export that wrote this did not finish (its manifest says "
            "incomplete): the files are not whole and cannot be imported"
        ]


def test_the_export_left_alone_finishes_in_place(anhui: Path, tmp_path: Path) -> None:
    """The control for the test above: the same child, let go, writes the export."""
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(anhui), str(tmp_path / "out"), "activities"],
        input="go on\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 0, child.stderr
    # beside the registry: its columnar copy (engine), and the export, nothing else
    assert sorted(p.name for p in tmp_path.iterdir()) == ["anhui.db", "anhui.db-columns", "out"]
    with supervise.open() as copy:
        assert copy.import_file(tmp_path / "out").tables["people"].inserted == 23


@pytest.mark.parametrize("out", ["out.json", "out", "out.zip", "out.xlsx"])
def test_a_failed_export_removes_what_it_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str
) -> None:
    rows = write._Tables.rows

    def failing(self: write._Tables, table: write.Table) -> object:
        if table.name == "activities":
            raise OSError(28, "No space left on device")
        yield from rows(self, table)

    monkeypatch.setattr(write._Tables, "rows", failing)
    with supervise.open() as registry:
        registry.import_file(ANHUI)
        with pytest.raises(OSError, match="No space left on device"):
            registry.export(tmp_path / out)
    assert list(tmp_path.iterdir()) == []


# -- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("out", ["out.json", "out", "out.zip", "out.xlsx"])
def test_an_export_with_personal_data_is_readable_by_its_owner_only(
    anhui: Path, tmp_path: Path, out: str
) -> None:
    umask = os.umask(0o022)
    try:
        with supervise.open(anhui) as registry:
            registry.export(tmp_path / f"pii-{out}", include_pii=True)
            registry.export(tmp_path / f"masked-{out}")
    finally:
        os.umask(umask)
    private, shared = tmp_path / f"pii-{out}", tmp_path / f"masked-{out}"
    if private.is_dir():
        assert (mode(private), mode(shared)) == (0o700, 0o755)
        assert {mode(p) for p in private.iterdir()} == {0o600}
        assert {mode(p) for p in shared.iterdir()} == {0o644}
    else:
        assert (mode(private), mode(shared)) == (0o600, 0o644)


# -- the manifest -----------------------------------------------------------------------------


@pytest.fixture
def exported(anhui: Path, tmp_path: Path) -> Path:
    with supervise.open(anhui) as registry:
        registry.export(tmp_path / "out", include_pii=True, headers="zh")
    return tmp_path / "out"


def test_a_csv_folder_lists_its_tables_rows_and_hashes(exported: Path) -> None:
    manifest = Manifest.parse((exported / NAME).read_bytes())
    assert manifest.complete
    assert (manifest.formulas, manifest.headers, manifest.source) == (
        "neutralised",
        "zh",
        "anhui.db",
    )
    people = next(f for f in manifest.files if f.table == "people")
    assert (people.name, people.rows) == ("people.csv", 23)
    assert sorted(f.name for f in manifest.files) == sorted(
        p.name for p in exported.iterdir() if p.suffix == ".csv"
    )
    raw = json.loads((exported / NAME).read_text("utf-8"))
    assert (raw["format"], raw["manifest"], raw["complete"]) == ("supervise/1", 1, True)


def test_a_folder_cut_short_is_refused(exported: Path) -> None:
    (exported / "people.csv").unlink()
    text = (exported / "activities.csv").read_bytes()
    (exported / "activities.csv").write_bytes(text[: text.rindex(b"\n", 0, len(text) // 2) + 1])
    assert refusal(exported) == [
        "activities.csv: was changed after export: its SHA-256 differs from the manifest's "
        "(which lists 557 rows)",
        "people.csv: is listed in the manifest (people, 23 rows) but missing: the export is "
        "not whole",
    ]


def test_a_folder_changed_after_export_is_refused(exported: Path) -> None:
    people = exported / "people.csv"
    people.write_text(people.read_text("utf-8-sig").replace("王", "汪"), encoding="utf-8-sig")
    (exported / "统计.csv").write_text("合计\n1\n", encoding="utf-8")
    assert refusal(exported) == [
        "people.csv: was changed after export: its SHA-256 differs from the manifest's (which "
        "lists 23 rows)",
        "统计.csv: is not in the manifest: it was added after export",
    ]


def test_a_manifest_that_is_not_one_is_refused(exported: Path) -> None:
    (exported / NAME).write_text("{not json", encoding="utf-8")
    (message,) = refusal(exported)
    assert message.startswith("manifest.json: cannot read the manifest manifest.json: ")


def test_a_folder_without_a_manifest_is_read_as_it_is(exported: Path) -> None:
    (exported / NAME).unlink()
    with supervise.open() as copy:
        assert copy.import_file(exported).tables["people"].inserted == 23


def test_a_zip_export_carries_its_manifest_and_is_checked_too(anhui: Path, tmp_path: Path) -> None:
    with supervise.open(anhui) as registry:
        registry.export(tmp_path / "out.zip", include_pii=True)
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        names = archive.namelist()
        assert names[-1] == NAME
        assert Manifest.parse(archive.read(NAME)).complete
        members = {n: archive.read(n) for n in names}
    with supervise.open() as copy:
        assert copy.import_file(tmp_path / "out.zip").tables["activities"].inserted == 557
    members["people.csv"] = members["people.csv"].replace("王".encode(), "汪".encode())
    with zipfile.ZipFile(tmp_path / "changed.zip", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    assert refusal(tmp_path / "changed.zip") == [
        "changed.zip: people.csv: was changed after export: its SHA-256 differs from the "
        "manifest's (which lists 23 rows)"
    ]


def test_an_export_into_an_existing_folder_replaces_it_with_a_consistent_one(
    anhui: Path, tmp_path: Path
) -> None:
    target = write_folder(tmp_path / "out", base())
    with supervise.open(anhui) as registry:
        registry.export(target, include_pii=True)
        registry.add(Person(id="new", name="新人"))
        registry.export(target, include_pii=True)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    with supervise.open() as copy:
        assert copy.import_file(target).tables["people"].inserted == 24


def test_an_export_over_a_file_that_is_not_a_folder_is_refused(anhui: Path, tmp_path: Path) -> None:
    (tmp_path / "out").write_text("keep me")
    with supervise.open(anhui) as registry, pytest.raises(NotADirectoryError):
        registry.export(tmp_path / "out", "csv")
    assert (tmp_path / "out").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_xlsx_refuses_raw_text(tmp_path: Path) -> None:
    with supervise.open() as registry, pytest.raises(ValueError, match="XLSX always neutralises"):
        registry.export(tmp_path / "x.xlsx", neutralise_formulas=False)
    assert list(tmp_path.iterdir()) == []


def test_the_attacks_script_still_runs(tmp_path: Path) -> None:
    """benchmarks/attacks.py (the figures of docs/explanation/safety.md) runs its quick
    attacks without error."""
    script = ROOT / "benchmarks" / "attacks.py"
    done = subprocess.run(
        [sys.executable, str(script), "--only", "duplicate-keys", "symlink", "new-db"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "second 'programs' key: exit 1" in done.stdout
    assert "content echoed: False" in done.stdout
    assert "files left: []" in done.stdout
