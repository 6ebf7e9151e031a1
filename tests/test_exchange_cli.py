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
from supervise.cli.exchange import _step_bars
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
    code, out, err = run("import", ANHUI, "--db", ningxia, "--lang", "en")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"imported {ANHUI}"
    assert "people                   22        0          0" in lines
    assert "activities              557        0          0" in lines
    assert lines[-1] == (
        "matched: 人员.csv row 6: person 'ah-m05' is 'm2024-1' in the registry "
        "(same national ID 640221********386X)"
    )
    code, out, _ = run("import", ANHUI, "--db", ningxia, "--lang", "en")
    assert code == 0
    counts = [line.split()[1:] for line in out.splitlines()[2:] if not line.startswith("matched")]
    assert counts
    assert all(c[:2] == ["0", "0"] for c in counts)
    with supervise.open(ningxia) as registry:
        assert registry.get(Person, "m2024-1").organization == "中山大学"
        assert registry.cohort_progress("ah-sanqu-2024-1", "2024-10-31").behind == ()


def test_the_anhui_batch_is_complete_in_itself() -> None:
    code, out, err = run("validate", ANHUI, "--lang", "en")
    assert (code, err) == (0, "")
    assert out.startswith(f"checked {ANHUI} (dry run: nothing was written)\n")
    assert "people                   23        0          0" in out
    assert "matched" not in out


def test_the_import_report_is_chinese_by_default() -> None:
    code, out, err = run("validate", ANHUI)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"已检查 {ANHUI}（试运行：未写入任何内容）"
    assert lines[1].split() == ["表", "新增", "更新", "未变"]
    assert ["人员（people）", "23", "0", "0"] in [line.split() for line in lines]


def test_a_refused_import_lists_every_problem_on_stderr_and_writes_nothing(ningxia: Path) -> None:
    with supervise.open(ningxia) as registry:
        before = registry.counts()
    code, out, err = run("import", BROKEN, "--db", ningxia, "--lang", "en")
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: cannot import {BROKEN}: 14 problems; nothing was written\n")
    assert (
        "  学时记录.csv row 3: hours (学时): must be at least 0 and at most 24 (got '25')\n" in err
    )
    assert "Traceback" not in err
    code, out, err = run("import", BROKEN, "--db", ningxia)
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: 无法导入 {BROKEN}：14 个问题；未写入任何内容\n")
    assert "  学时记录.csv 第 3 行：学时（hours）：必须在 0 到 24 之间（实际为 '25'）\n" in err
    with supervise.open(ningxia) as registry:
        assert registry.counts() == before


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_guide_shows_the_error_report_as_it_is(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.chdir(ROOT)
    command = "supervise validate examples/exchange/broken" + (" --lang en" if lang == "en" else "")
    code, _, err = run(*command.split()[1:])
    assert code == 1
    shown = GUIDE.read_text("utf-8").split(f"$ {command}\n")[1]
    assert shown.split("```")[0] == err


def test_the_guide_lists_every_table_and_column_as_the_model_has_them() -> None:
    guide = GUIDE.read_text("utf-8")
    generated = guide.split("a test checks it -->\n")[1].split("<!-- end of generated tables -->")[
        0
    ]
    assert generated == tables_markdown()


def test_a_dry_run_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    code, out, _ = run("import", ANHUI, "--db", db, "--dry-run", "--lang", "en")
    assert code == 0
    assert "(dry run: nothing was written)" in out
    assert list(tmp_path.iterdir()) == []  # not even an empty registry


def test_a_refused_import_into_a_new_registry_leaves_no_file(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    code, _, err = run("import", BROKEN, "--db", db)
    assert code == 1
    assert err.startswith("Error: 无法导入")
    assert list(tmp_path.iterdir()) == []
    assert run("import", ANHUI, "--db", db)[0] == 0
    assert db.exists()
    assert run("import", BROKEN, "--db", db)[0] == 1  # an existing registry stays
    with supervise.open(db) as registry:
        assert registry.counts()["people"] == 23


def test_a_failed_import_into_a_registry_someone_else_wrote_to_keeps_it(tmp_path: Path) -> None:
    from supervise.cli.exchange import _new_registry_kept

    db = tmp_path / "new.db"

    def fail_after_another_writer() -> None:
        with _new_registry_kept(db, keep=True):
            with supervise.open(db) as registry:
                registry.add(Person(id="p", name="别人写的"))
            raise RuntimeError("the import failed after another process wrote")

    with pytest.raises(RuntimeError):
        fail_after_another_writer()
    with supervise.open(db) as registry:
        assert registry.counts()["people"] == 1


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
    assert (report["ok"], report["dry_run"]) == (True, False)


@pytest.mark.parametrize("command", ["import", "validate"])
def test_a_refused_import_reports_in_json_on_stdout(tmp_path: Path, command: str) -> None:
    args = [command, BROKEN, "--format", "json", "--lang", "en"]
    code, out, err = run(*args, *(["--db", tmp_path / "x.db"] if command == "import" else []))
    assert code == 1
    assert err.startswith(f"Error: cannot import {BROKEN}: 14 problems")
    report = json.loads(out)
    assert (report["ok"], report["total"], len(report["problems"])) == (False, 14, 14)
    assert report["source"] == str(BROKEN)
    hours = [p for p in report["problems"] if p["field"] == "hours"]
    assert hours == [
        {
            "source": "学时记录.csv",
            "table": "activities",
            "row": 3,
            "field": "hours",
            "value": "25",
            "reason": "must be at least 0 and at most 24",
            "unit": "row",
            "message": "学时记录.csv row 3: hours (学时): must be at least 0 and at most 24 (got '25')",
        }
    ]
    assert report["message"] == err.removeprefix("Error: ").rstrip("\n")
    zh = json.loads(
        run(
            command,
            BROKEN,
            "--format",
            "json",
            *(["--db", tmp_path / "y.db"] if command == "import" else []),
        )[1]
    )
    assert [p["reason"] for p in zh["problems"] if p["field"] == "hours"] == ["必须在 0 到 24 之间"]


def test_validate_against_a_registry_leaves_it_as_it_is(ningxia: Path) -> None:
    with supervise.open(ningxia) as registry:
        before = registry.counts()
    code, out, _ = run("validate", ANHUI, "--db", ningxia, "--lang", "en")
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


@pytest.mark.parametrize(
    ("out", "fmt"), [("x.json", "json"), ("x", "csv"), ("x.zip", "zip"), ("x.xlsx", "xlsx")]
)
def test_export_writes_the_format_the_output_asks_for(
    ningxia: Path, tmp_path: Path, out: str, fmt: str
) -> None:
    code, stdout, err = run("export", "--db", ningxia, "-o", tmp_path / out, "--lang", "en")
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


def test_step_bars_stay_quiet_off_a_terminal(tmp_path: Path) -> None:
    code, _, err = run("import", ANHUI, "--db", tmp_path / "x.db")
    assert (code, err) == (0, "")
    with _step_bars(io.StringIO()) as on_step:
        assert on_step is None


def test_step_bars_draw_a_bar_per_stage_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    with _step_bars(screen) as on_step:
        assert on_step is not None
        on_step("checking", 10_000, 50_000)
        on_step("checking", 50_000, 50_000)
        on_step("writing", 50_000, 50_000)
        on_step("later", 10, 10)  # too small to draw
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
    page = report.to_html("en")
    assert "<tr><td>activities</td><td>557</td><td>0</td><td>0</td></tr>" in page
    assert page.startswith(f"<p>imported {ANHUI}</p>")
    assert report._repr_html_().startswith(f"<p>已导入 {ANHUI}</p><table><tr><th>表</th>")
