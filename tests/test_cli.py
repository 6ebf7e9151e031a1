from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import supervise
from supervise.cli import cli
from supervise.model import Cohort, Program


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
    # One theory record more than the batch counts: a day entered twice, rejected.
    assert "theory                  理论学习        146  1168        0            0      2" in lines
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
    assert (code, out, err) == (
        1,
        "",
        f"Error: 无法把 {str(bad)!r} 作为登记库打开：file is not a database\n",
    )
    code, out, err = run("demo", "--db", str(bad), "--lang", "en")
    assert (code, out) == (1, "")
    assert err == f"Error: cannot open {str(bad)!r} as a registry: file is not a database\n"


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
    assert lines[1] == "在册 31 · 退出 0 · 完成 0 · 完成率 0% · 逾期 5 · 落后 2 · 有风险 16"
    assert "t2024-08 朱庆      ✓100%    ✓100%     !70%     ▸75%      ·0%  57% 落后" in lines
    assert max(width(line) for line in lines) <= 80
    # Why 5 overdue but 2 behind: said right under the legend.
    legend = lines.index("✓ 已完成  ≈ 免修  ! 已逾期  ▸ 进行中  · 未开始")
    assert "".join(lines[legend + 1 : legend + 4]) == (
        "逾期：有环节已过截止日期仍未完成的学员；落后：有环节完成比例低于应达比例减去容差"
        "（25%）的学员；已退出的学员两者都不计。两个数可以不同：已过截止日期、完成比例不"
        "低于 75% 的环节只算逾期，不算落后；未到截止日期也可能落后。"
    )


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
    assert out.splitlines()[1:3] == [
        "enrolled 31 · withdrawn 0 · completed 0 · completion rate 0% · overdue 5",
        "  behind 2 · at risk 16",
    ]
    assert "✓ complete  ≈ exempt  ! overdue  ▸ in progress  · not started" in out
    assert " ".join(out.split("not started\n")[1].split("\nphases:")[0].splitlines()) == (
        "Overdue: trainees with a phase past its due date and not complete. Behind: "
        "trainees with a phase below the expected share minus the tolerance (25%). "
        "Withdrawn trainees count as neither. The two counts can differ: a phase past its "
        "due date that is at least 75% done is overdue but not behind, and a trainee can "
        "be behind before any due date."
    )
    assert (
        "mentor load: 高红(4/4), 丁勇(4/4), 孙平(4/4), 孙明(3/3), 陈晓志(3/3),\n  陈庆凤(3/3),"
        in out
    )


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
    assert (code, out, err) == (
        1,
        "",
        "Error: 找不到批次 'nope'；现有的批次：nx-2022-b1 (第一批), nx-2024-b2 (第二批)\n",
    )
    code, out, err = run("progress", "--db", str(db_path), "--cohort", "nope", "--lang", "en")
    assert (
        err
        == "Error: Cohort 'nope' not found; there are: nx-2022-b1 (第一批), nx-2024-b2 (第二批)\n"
    )


def test_an_unknown_cohort_in_an_empty_registry_says_there_are_none(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    supervise.open(db).close()
    code, out, err = run("progress", "--db", str(db), "--cohort", "nope", "--lang", "en")
    assert (code, out, err) == (1, "", "Error: Cohort 'nope' not found; there are none\n")
    code, out, err = run("outcomes", "--db", str(db), "--cohort", "nope")
    assert (code, err) == (1, "Error: 找不到批次 'nope'；这里还没有任何批次\n")


def test_an_unknown_cohort_lists_a_dozen_cohorts_and_counts_the_rest(tmp_path: Path) -> None:
    db = tmp_path / "many.db"
    with supervise.open(db) as registry:
        registry.add(Program(id="p", name="项目"))
        registry.add(
            Cohort(
                id=f"c{n:02}",
                program_id="p",
                name=f"第{n}批",
                starts_on="2024-01-01",
                ends_on="2024-12-31",
            )
            for n in range(1, 16)
        )
    code, _, err = run(
        "report", "--db", str(db), "--cohort", "c16", "-o", str(tmp_path / "r.html"), "--lang", "en"
    )
    listed = ", ".join(f"c{n:02} (第{n}批)" for n in range(1, 13))
    assert (code, err) == (
        1,
        f"Error: Cohort 'c16' not found; there are: {listed}, … (15 in all)\n",
    )


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


ELIGIBLE = ("eligible", "--policy", "nx-expert-pool", "--as-of", "2024-12-06")


def test_eligible_table_for_a_cohort(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from supervise._text import width

    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run(*ELIGIBLE, "--db", str(built(db_path)), "--cohort", "nx-2024-b2")
    assert code == 0, err
    lines = out.splitlines()
    assert (
        lines[0]
        == "宁夏社会工作人才专家库入库条件（示例） (nx-expert-pool 2024.1) · 截至 2024-12-06"
    )
    assert lines[1] == "符合条件 11/31"
    assert lines[4:8] == [
        "t2024-01 徐志   ✗ 需满足其一：案例研究成果最高 84 分，需达到 85 分；或 尚无参与",
        "                  地方标准起草记录",
        "t2024-02 郭华燕 ✗ 需满足其一：案例研究成果最高 83 分，需达到 85 分；或 尚无参与",
        "                  地方标准起草记录",
    ]
    assert "t2024-03 李凤强 ✗ 需持有社会工作师及以上职业资格（当前：助理社会工作师）" in lines
    assert "t2024-04 刘明洋 ✓" in lines
    assert max(width(line) for line in lines) <= 80


def test_eligible_table_shows_everything_missing_within_the_terminal_width(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mid-program nobody qualifies; each person's every missing item is shown whole,
    a choice as a choice, wrapped within the terminal (250 columns, then 60)."""
    from supervise._text import width

    built(db_path)
    args = ("eligible", "--policy", "nx-expert-pool", "--as-of", "2024-10-15", "--db", str(db_path))
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = run(*args, "--person", "t2024-03", "--lang", "en")
    assert code == 0
    assert out.splitlines()[4:] == [
        "t2024-03 李凤强 ✗ one of: nx-sup-2022 not completed; or nx-sup-2024 not completed",
        "                ✗ intermediate credential or higher needed (holds: assistant)",
        "                ✗ one of: no scored case study deliverable yet (85 needed); or no standard drafting outcome yet",
    ]
    monkeypatch.setenv("COLUMNS", "60")
    code, out, _ = run(*args, "--person", "t2024-03", "--lang", "en")
    lines = out.splitlines()
    assert lines[lines.index("person   name   result") + 1 :] == [
        "t2024-03 李凤强 ✗ one of: nx-sup-2022 not completed; or",
        "                  nx-sup-2024 not completed",
        "                ✗ intermediate credential or higher needed",
        "                  (holds: assistant)",
        "                ✗ one of: no scored case study deliverable",
        "                  yet (85 needed); or no standard drafting",
        "                  outcome yet",
    ]
    assert max(width(line) for line in lines) <= 60
    assert "…" not in out


def test_eligible_only_ineligible_in_english(db_path: Path) -> None:
    code, out, _ = run(
        *ELIGIBLE,
        "--db",
        str(built(db_path)),
        "--cohort",
        "nx-2024-b2",
        "--only",
        "ineligible",
        "--lang",
        "en",
    )
    assert code == 0
    assert "eligible 11 of 31" in out
    assert "✓" not in out
    assert "t2024-03 李凤强 ✗ intermediate credential or higher needed (holds: assistant)" in out


def test_eligible_json_is_the_report_to_dict(db_path: Path) -> None:
    import json

    import supervise

    code, out, _ = run(*ELIGIBLE, "--db", str(built(db_path)), "--format", "json")
    assert code == 0
    with supervise.open(db_path) as registry:
        assert json.loads(out) == registry.eligibility("nx-expert-pool", "2024-12-06").to_dict()


def test_eligible_csv_for_one_person(db_path: Path) -> None:
    code, out, _ = run(
        *ELIGIBLE,
        "--db",
        str(built(db_path)),
        "--person",
        "t2024-03",
        "--format",
        "csv",
        "--lang",
        "en",
    )
    assert code == 0
    assert out.splitlines() == [
        "person_id,name,eligible,rule,kind,met,actual,required,message",
        "t2024-03,李凤强,False,0,any_of,True,1,1,completed nx-sup-2024",
        "t2024-03,李凤强,False,1,credential_at_least,False,assistant,intermediate,intermediate credential or higher needed (holds: assistant)",
        "t2024-03,李凤强,False,2,practice_years_at_least,True,12,5,12 years of practice (at least 5)",
        "t2024-03,李凤强,False,3,any_of,True,1,1,best case study deliverable scored 90 (at least 85)",
    ]


def test_eligible_with_an_unknown_person_or_cohort(db_path: Path) -> None:
    assert (
        run(*ELIGIBLE, "--db", str(built(db_path)), "--person", "nobody")[2]
        == "Error: 登记库中没有人员 'nobody'\n"
    )
    assert (
        run(*ELIGIBLE, "--db", str(db_path), "--person", "nobody", "--lang", "en")[2]
        == "Error: no person 'nobody' in the registry\n"
    )
    assert (
        run(*ELIGIBLE, "--db", str(db_path), "--cohort", "nope")[2]
        == "Error: 找不到批次 'nope'；现有的批次：nx-2022-b1 (第一批), nx-2024-b2 (第二批)\n"
    )


def test_eligible_with_a_bad_policy_file_is_a_one_line_error(db_path: Path, tmp_path: Path) -> None:
    policy = tmp_path / "bad.toml"
    policy.write_text(
        'id = "p"\nname = "n"\nversion = "1"\n[[rules]]\nkind = "hour_at_least"\nhours = 3\n',
        encoding="utf-8",
    )
    code, out, err = run("eligible", "--db", str(built(db_path)), "--policy", str(policy))
    assert (code, out) == (1, "")
    assert (
        err
        == f"Error: {policy}: rules[0]: unknown kind 'hour_at_least' (did you mean 'hours_at_least'?)\n"
    )


def test_eligible_with_a_policy_naming_an_unknown_program(db_path: Path, tmp_path: Path) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text(
        'id = "p"\nname = "n"\nversion = "1"\n[[rules]]\nkind = "completed_program"\nprogram = "nx-sup-2025"\n',
        encoding="utf-8",
    )
    code, _, err = run("eligible", "--db", str(built(db_path)), "--policy", str(policy))
    assert (code, err) == (
        1,
        "Error: rules[0]: unknown program 'nx-sup-2025' (did you mean 'nx-sup-2024'?)\n",
    )


def test_tiers_table_and_json(db_path: Path) -> None:
    import json

    code, out, _ = run("tiers", "--db", str(built(db_path)), "--as-of", "2024-12-06")
    assert code == 0
    assert out.splitlines()[-1].split() == ["all", "24", "12", "39", "3", "78"]
    code, out, _ = run(
        "tiers",
        "--db",
        str(db_path),
        "--as-of",
        "2024-12-06",
        "--by",
        "province",
        "--format",
        "json",
    )
    assert json.loads(out)["groups"]["64"]["total"] == 74


def test_tiers_csv(db_path: Path) -> None:
    _, out, _ = run(
        "tiers",
        "--db",
        str(built(db_path)),
        "--as-of",
        "2024-12-06",
        "--by",
        "province",
        "--format",
        "csv",
    )
    assert out.splitlines() == [
        "group,none,assistant,intermediate,senior,total",
        "35,4,0,0,0,4",
        "64,20,12,39,3,74",
    ]


def test_outcomes_reproduces_the_seed_table(db_path: Path) -> None:
    code, out, _ = run(
        "outcomes", "--db", str(built(db_path)), "--as-of", "2024-12-06", "--lang", "en"
    )
    assert code == 0
    lines = [line.split() for line in out.splitlines()[2:]]
    assert lines[:8] == [
        ["item", "people"],
        ["enrolled", "60"],
        ["trained", "60"],
        ["expert", "pool", "18"],
        ["standard", "drafting", "5"],
        ["senior", "review", "passed", "3"],
        ["senior", "exam", "passed", "1"],
        ["promotion", "1"],
    ]


def test_targets_from_the_example_file(db_path: Path) -> None:
    import json

    targets_file = str(Path(__file__).parent.parent / "examples" / "ningxia-targets.toml")
    code, out, _ = run(
        "targets", "--db", str(built(db_path)), "--targets", targets_file, "--as-of", "2024-12-06"
    )
    assert code == 0
    assert "  当前 60 / 目标 100 · 尚差 40 · 距截止 1120 天（2027-12-31）" in out.splitlines()
    code, out, _ = run(
        "targets",
        "--db",
        str(db_path),
        "--targets",
        targets_file,
        "--as-of",
        "2024-12-06",
        "--format",
        "json",
    )
    assert [t["on_track"] for t in json.loads(out)] == [True, True, True]


def test_targets_with_a_bad_file(db_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "t.toml"
    bad.write_text('[[targets]]\nid = "t"\n', encoding="utf-8")
    code, out, err = run("targets", "--db", str(built(db_path)), "--targets", str(bad))
    assert (code, out, err) == (1, "", f"Error: {bad}: targets[0]: missing 'name'\n")
