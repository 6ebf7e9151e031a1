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
