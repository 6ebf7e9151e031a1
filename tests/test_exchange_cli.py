"""`supervise import`, `validate` and `export`, the example exchange files, and the guide."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import supervise
from supervise.cli import cli
from supervise.cli.exchange import _progress
from supervise.exchange.schema import tables_markdown
from supervise.model import Person

ROOT = Path(__file__).parent.parent
ANHUI = ROOT / "examples" / "exchange" / "anhui-sanqu-2024"
BROKEN = ROOT / "examples" / "exchange" / "broken"
GUIDE = ROOT / "docs" / "exchange.md"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def ningxia(tmp_path: Path) -> Path:
    db = tmp_path / "ningxia.db"
    assert run("demo", "--db", db)[0] == 0
    return db


def test_the_anhui_batch_imports_into_the_ningxia_registry_once(ningxia: Path) -> None:
    code, out, err = run("import", ANHUI, "--db", ningxia)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"imported {ANHUI}"
    assert "people                   22        0          0" in lines
    assert "activities              557        0          0" in lines
    assert lines[-1] == (
        "matched: 人员.csv row 6: person 'ah-m05' is 'm2024-1' in the registry "
        "(same national ID 640221********386X)"
    )
    code, out, _ = run("import", ANHUI, "--db", ningxia)
    assert code == 0
    counts = [line.split()[1:] for line in out.splitlines()[2:] if not line.startswith("matched")]
    assert counts
    assert all(c[:2] == ["0", "0"] for c in counts)
    with supervise.open(ningxia) as registry:
        assert registry.get(Person, "m2024-1").organization == "中山大学"
        assert registry.cohort_progress("ah-sanqu-2024-1", "2024-10-31").behind == ()


def test_the_anhui_batch_is_complete_in_itself() -> None:
    code, out, err = run("validate", ANHUI)
    assert (code, err) == (0, "")
    assert out.startswith(f"checked {ANHUI} (dry run: nothing was written)\n")
    assert "people                   23        0          0" in out
    assert "matched" not in out


def test_a_refused_import_lists_every_problem_on_stderr_and_writes_nothing(ningxia: Path) -> None:
    with supervise.open(ningxia) as registry:
        before = registry.counts()
    code, out, err = run("import", BROKEN, "--db", ningxia)
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: cannot import {BROKEN}: 14 problems; nothing was written\n")
    assert (
        "  学时记录.csv row 3: hours (学时): must be at least 0 and at most 24 (got '25')\n" in err
    )
    assert "Traceback" not in err
    with supervise.open(ningxia) as registry:
        assert registry.counts() == before


def test_the_guide_shows_the_error_report_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, _, err = run("validate", "examples/exchange/broken")
    assert code == 1
    shown = GUIDE.read_text("utf-8").split("$ supervise validate examples/exchange/broken\n")[1]
    assert shown.split("```")[0] == err


def test_the_guide_lists_every_table_and_column_as_the_model_has_them() -> None:
    guide = GUIDE.read_text("utf-8")
    generated = guide.split("a test checks it -->\n")[1].split("<!-- end of generated tables -->")[
        0
    ]
    assert generated == tables_markdown()


def test_a_dry_run_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    code, out, _ = run("import", ANHUI, "--db", db, "--dry-run")
    assert code == 0
    assert "(dry run: nothing was written)" in out
    with supervise.open(db) as registry:
        assert sum(registry.counts().values()) == 0


def test_import_reports_in_json(tmp_path: Path) -> None:
    code, out, _ = run("import", ANHUI, "--db", tmp_path / "x.db", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["tables"]["people"] == {
        "inserted": 23,
        "updated": 0,
        "unchanged": 0,
        "removed": 0,
    }
    assert report["dry_run"] is False


def test_validate_against_a_registry_leaves_it_as_it_is(ningxia: Path) -> None:
    with supervise.open(ningxia) as registry:
        before = registry.counts()
    code, out, _ = run("validate", ANHUI, "--db", ningxia)
    assert code == 0
    assert "matched: 人员.csv row 6: person 'ah-m05' is 'm2024-1'" in out
    with supervise.open(ningxia) as registry:
        assert registry.counts() == before


def test_paths_and_registries_must_exist(tmp_path: Path) -> None:
    code, _, err = run("validate", tmp_path / "nothing")
    assert code == 2
    assert "does not exist" in err
    code, _, err = run("validate", ANHUI, "--db", tmp_path / "missing.db")
    assert code == 2
    assert not (tmp_path / "missing.db").exists()
    assert run("import", "--db", tmp_path / "x.db")[0] == 2


@pytest.mark.parametrize(("out", "fmt"), [("x.json", "json"), ("x", "csv"), ("x.xlsx", "xlsx")])
def test_export_writes_the_format_the_output_asks_for(
    ningxia: Path, tmp_path: Path, out: str, fmt: str
) -> None:
    code, stdout, err = run("export", "--db", ningxia, "-o", tmp_path / out)
    assert (code, err) == (0, "")
    assert re.fullmatch(rf"exported \d+ rows of 1[56] tables to .*{out} \({fmt}\)\n", stdout)
    code, _, _ = run("validate", tmp_path / out)
    assert code == 1  # masked personal data cannot be imported
    run("export", "--db", ningxia, "-o", tmp_path / "pii" / out, "--include-pii")
    assert run("validate", tmp_path / "pii" / out)[0] == 0


def test_export_headers_and_formats_are_checked(ningxia: Path, tmp_path: Path) -> None:
    code, _, err = run("export", "--db", ningxia, "-o", tmp_path / "x.json", "--headers", "zh")
    assert code == 2
    assert "Invalid value for --headers: JSON keys are always English" in err
    code, _, _ = run(
        "export", "--db", ningxia, "-o", tmp_path / "zh", "--headers", "zh", "--format", "csv"
    )
    assert code == 0
    assert (tmp_path / "zh" / "people.csv").read_text("utf-8-sig").startswith("人员编号,姓名,")


def test_an_unwritable_output_is_a_one_line_error(ningxia: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    code, _, err = run("export", "--db", ningxia, "-o", tmp_path / "file" / "x.json")
    assert code == 1
    assert err.startswith("Error: ")
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.parametrize("command", ["import", "validate", "export"])
def test_help_shows_an_example(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert f"Example:\n    supervise {command} " in out


def test_progress_stays_quiet_off_a_terminal(tmp_path: Path) -> None:
    code, _, err = run("import", ANHUI, "--db", tmp_path / "x.db")
    assert (code, err) == (0, "")
    with _progress(io.StringIO()) as progress:
        assert progress is None


def test_progress_draws_a_bar_per_stage_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    with _progress(screen) as progress:
        assert progress is not None
        progress("checking", 10_000, 50_000)
        progress("checking", 50_000, 50_000)
        progress("writing", 50_000, 50_000)
        progress("later", 10, 10)  # too small to draw
    drawn = screen.getvalue()
    assert "checking" in drawn
    assert "writing" in drawn
    assert "100%" in drawn
    assert "later" not in drawn


def test_an_import_report_shows_in_notebooks(tmp_path: Path) -> None:
    with supervise.open() as registry:
        report = registry.import_file(ANHUI)
    frame = report.to_pandas()
    assert frame.loc["people"].to_dict() == {
        "inserted": 23,
        "updated": 0,
        "unchanged": 0,
        "removed": 0,
    }
    page = report._repr_html_()
    assert "<tr><td>activities</td><td>557</td><td>0</td><td>0</td></tr>" in page
    assert page.startswith(f"<p>imported {ANHUI}</p>")
