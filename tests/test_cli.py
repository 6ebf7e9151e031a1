from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from supervise.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_demo_builds_the_ningxia_registry_and_summarises_it(db_path: Path) -> None:
    code, out, err = run("demo", "--db", str(db_path))
    assert code == 0, err
    assert "2 programs, 2 cohorts, 78 people, 60 enrollments" in out
    assert "第二批 (nx-2024-b2), 2024-07-01 – 2024-11-30: 31 trainees, 9 mentors" in out
    assert "第一批 (nx-2022-b1), 2022-06-15 – 2022-12-31: 29 trainees, 9 mentors" in out
    lines = out.splitlines()
    assert (
        "theory                   理论学习         145   1160         0             0           2"
        in lines
    )
    code, out, _ = run("demo", "--db", str(db_path))
    assert code == 0
    assert ": 0 rows written" in out


def test_a_command_without_db_is_a_usage_error() -> None:
    code, _, err = run("demo")
    assert code == 2
    assert "Missing option '--db'" in err


def test_db_may_come_from_the_environment(db_path: Path) -> None:
    result = CliRunner(env={"SUPERVISE_DB": str(db_path)}).invoke(cli, ["demo"])
    assert result.exit_code == 0
    assert db_path.exists()


def test_a_bad_registry_file_is_a_one_line_error_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("not sqlite" * 200)
    code, out, err = run("demo", "--db", str(bad))
    assert code == 1
    assert out == ""
    assert err.startswith("Error: cannot open ")
    assert "file is not a database" in err
    assert "Traceback" not in err


def test_help_shows_an_example() -> None:
    code, out, _ = run("demo", "--help")
    assert code == 0
    assert "supervise demo --db ningxia.db" in out


def built(db_path: Path) -> Path:
    assert run("demo", "--db", str(db_path))[0] == 0
    return db_path


def test_progress_table_fits_80_columns_and_marks_each_phase(db_path: Path) -> None:
    from supervise._text import width

    code, out, err = run(
        "progress", "--db", str(built(db_path)), "--cohort", "nx-2024-b2", "--as-of", "2024-10-15"
    )
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "第二批 (nx-2024-b2) · nx-sup-2024 · 截至 2024-10-15"
    assert lines[1] == "在册 31 · 退出 0 · 完成 0 · 完成率 0% · 落后 2"
    assert "t2024-08 朱庆      ✓100%    ✓100%     !70%     ▸75%      ·0%  57% 落后" in lines
    assert max(width(line) for line in lines) <= 80


def test_progress_in_english(db_path: Path) -> None:
    code, out, _ = run(
        "progress",
        "--db",
        str(built(db_path)),
        "--cohort",
        "nx-2024-b2",
        "--as-of",
        "2024-10-15",
        "--lang",
        "en",
    )
    assert code == 0
    assert "enrolled 31 · withdrawn 0 · completed 0 · completion rate 0% · behind 2" in out
    assert "✓ complete  ≈ exempt  ! overdue  ▸ in progress  · not started" in out


def test_progress_json_is_the_to_dict_of_the_api_result(db_path: Path) -> None:
    import json

    import supervise

    code, out, _ = run(
        "progress",
        "--db",
        str(built(db_path)),
        "--cohort",
        "nx-2024-b2",
        "--as-of",
        "2024.10.15",
        "--format",
        "json",
    )
    assert code == 0
    with supervise.open(db_path) as registry:
        assert json.loads(out) == registry.cohort_progress("nx-2024-b2", "2024-10-15").to_dict()


def test_progress_csv_has_a_row_per_trainee_and_phase(db_path: Path) -> None:
    import csv
    import io

    code, out, _ = run(
        "progress",
        "--db",
        str(built(db_path)),
        "--cohort",
        "nx-2024-b2",
        "--as-of",
        "2024-10-15",
        "--format",
        "csv",
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 31 * 5
    assert rows[0]["phase"] == "theory"
    assert {r["phase_status"] for r in rows if r["person_id"] == "t2024-08"} == {
        "complete",
        "overdue",
        "in_progress",
        "not_started",
    }


def test_progress_tolerance_changes_who_is_behind(db_path: Path) -> None:
    import json

    code, out, _ = run(
        "progress",
        "--db",
        str(built(db_path)),
        "--cohort",
        "nx-2024-b2",
        "--as-of",
        "2024-10-15",
        "--format",
        "json",
        "--tolerance",
        "0.05",
    )
    assert code == 0
    assert len(json.loads(out)["behind"]) > 2


def test_progress_of_an_unknown_cohort_is_a_one_line_error(db_path: Path) -> None:
    code, out, err = run("progress", "--db", str(built(db_path)), "--cohort", "nope")
    assert (code, out, err) == (1, "", "Error: Cohort 'nope' not found\n")


def test_progress_refuses_an_ambiguous_date(db_path: Path) -> None:
    code, _, err = run(
        "progress", "--db", str(built(db_path)), "--cohort", "nx-2024-b2", "--as-of", "7/1/2024"
    )
    assert code == 2
    assert "Invalid value for '--as-of': '7/1/2024' is ambiguous" in err


def test_progress_needs_an_existing_registry(tmp_path: Path) -> None:
    code, _, err = run("progress", "--db", str(tmp_path / "missing.db"), "--cohort", "c")
    assert code == 2
    assert "does not exist" in err
    assert not (tmp_path / "missing.db").exists()
