"""``supervise national``: the registry commands' options and output, over provinces' exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import supervise
import supervise.national
from supervise import Activity, Cohort, Enrollment, Person, PhaseSpec, Program, Requirements
from supervise._text import width
from supervise.cli import cli
from supervise.cli.national import national
from supervise.demo import ningxia

AS_OF = "2024-12-06"
# Xu in Ningxia's second batch (t2024-01) also trained in Anhui.
NUMBER = "640121198706177151"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), prog_name="supervise", terminal_width=80)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    with supervise.open() as registry:
        ningxia.build(registry)
        registry.export(folder / "ningxia", "parquet", include_pii=True)
    with supervise.open() as registry:
        registry.add(
            [
                Program(id="ah-sq", name="安徽三区计划督导培养"),
                PhaseSpec(program_id="ah-sq", key="theory", name="理论学习", order=1,
                          requirements=Requirements(hours=8)),
                Cohort(id="ah-2024", program_id="ah-sq", name="2024年度", starts_on="2024-07-19",
                       ends_on="2024-11-30"),
                Person(id="ah-017", name="徐志", national_id=NUMBER, gender="male",
                       practice_since="2009-04-01", region_code="341602"),
                Person(id="ah-018", name="汪建华", region_code="341621"),
                Enrollment(person_id="ah-017", cohort_id="ah-2024", enrolled_on="2024-07-19"),
                Enrollment(person_id="ah-018", cohort_id="ah-2024", enrolled_on="2024-07-19"),
                Activity(id="a1", person_id="ah-017", cohort_id="ah-2024", phase="theory",
                         on="2024-08-01", hours=8),
            ]
        )  # fmt: skip
        registry.export(folder / "anhui.json", include_pii=True)
    return folder


def sources(exports: Path) -> list[str]:
    return ["--from", str(exports / "ningxia"), "--from", str(exports / "anhui.json")]


def test_national_tiers_by_province(exports: Path) -> None:
    code, out, err = run(
        "national", "tiers", *sources(exports), "--as-of", AS_OF, "--by", "province"
    )
    assert (code, err) == (0, "")
    assert out == (
        "人才梯次结构 · 截至 2024-12-06 · 按省\n"
        "\n"
        "分组  无证书  助理社会工作师  社会工作师  高级社会工作师  合计\n"
        "34         1               0           0               0     1\n"
        "35         4               0           0               0     4\n"
        "64        20              12          39               3    74\n"
    )


def test_national_json_is_the_results_to_dict(exports: Path) -> None:
    paths = [exports / "ningxia", exports / "anhui.json"]
    with supervise.national.open(paths) as rollup:
        tiers = rollup.tiers(AS_OF, by="program").to_dict()
        outcomes = rollup.outcomes(as_of=AS_OF).to_dict()
    code, out, _ = run(
        "national",
        "tiers",
        *sources(exports),
        "--as-of",
        AS_OF,
        "--by",
        "program",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out) == tiers
    assert tiers["groups"]["anhui:ah-sq"]["total"] == 2
    code, out, _ = run(
        "national", "outcomes", *sources(exports), "--as-of", AS_OF, "--format", "json"
    )
    assert json.loads(out) == outcomes
    assert (outcomes["enrolled"], outcomes["trained"]) == (61, 60)  # Xu is counted once


def test_national_outcomes_of_one_provinces_program(exports: Path) -> None:
    code, out, _ = run(
        "national", "outcomes", *sources(exports), "--program", "anhui:ah-sq", "--as-of", AS_OF,
        "--lang", "en",
    )  # fmt: skip
    assert code == 0
    assert out.splitlines()[:6] == [
        "outcomes · anhui:ah-sq · as of 2024-12-06",
        "",
        "item                    people",
        "enrolled                     2",
        "trained                      1",
        "expert pool                  1",  # Xu's, from Ningxia: outcomes are the person's
    ]


def test_national_eligible_counts_what_a_person_did_in_every_province(
    exports: Path, tmp_path: Path
) -> None:
    policy = tmp_path / "hours.toml"
    policy.write_text(
        'id = "hours"\nname = "理论学时"\nversion = "1"\n'
        '[[rules]]\nkind = "hours_at_least"\nhours = 40\nphase = "theory"\n',
        encoding="utf-8",
    )
    args = ["national", "eligible", *sources(exports), "--policy", str(policy), "--as-of", AS_OF]
    code, out, _ = run(*args, "--person", "ningxia:t2024-01", "--format", "json")
    assert code == 0
    (person,) = json.loads(out)["people"]
    assert person["person_id"] == "ningxia:t2024-01"
    assert person["rules"][0]["actual"] == 48.0  # 40 hours in Ningxia, 8 in Anhui
    code, out, _ = run(*args, "--cohort", "anhui:ah-2024", "--lang", "en")
    assert code == 0
    assert out == (
        "理论学时 (hours 1) · as of 2024-12-06\n"
        "eligible 1 of 2\n"
        "\n"
        "person           name   result\n"
        "anhui:ah-018     汪建华 ✗ 40 more hours of theory study needed\n"
        "ningxia:t2024-01 徐志   ✓\n"
    )


def test_national_targets(exports: Path, tmp_path: Path) -> None:
    targets = tmp_path / "targets.toml"
    targets.write_text(
        '[[targets]]\nid = "all"\nname = "全国"\nmetric = "completed_program"\ngoal = 100\n'
        "deadline = 2027-12-31\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        "national",
        "targets",
        *sources(exports),
        "--targets",
        str(targets),
        "--as-of",
        AS_OF,
        "--format",
        "json",
    )
    assert code == 0
    (status,) = json.loads(out)
    assert (status["current"], status["goal"], status["remaining"]) == (60, 100, 40)


def test_national_report_writes_one_page_without_personal_data(
    exports: Path, tmp_path: Path
) -> None:
    output = tmp_path / "national.html"
    code, _, err = run("national", "report", *sources(exports), "--as-of", AS_OF, "-o", str(output))
    assert code == 0
    assert re.fullmatch(r"已写入 .*national\.html（\d+ KiB）\n", err)
    page = output.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for text in (
        "全国督导人才培养汇总",
        "省份与数据",
        "人才梯次结构（按省）",
        "培养成效（按省）",
        "跨省培养：1 人",
    ):
        assert text in page
    assert NUMBER not in page
    assert "640121********7151" not in page


def test_a_refused_export_is_an_error_with_every_problem(exports: Path, tmp_path: Path) -> None:
    bad = tmp_path / "ningxia"
    bad.mkdir()
    for file in (exports / "ningxia").glob("*.parquet"):
        (bad / file.name).write_bytes(file.read_bytes())
    people = pq.read_table(bad / "people.parquet")
    pq.write_table(
        people.set_column(5, "region_code", pa.array(["6401"] * 77 + ["6x"])),
        bad / "people.parquet",
    )
    code, out, err = run("national", "tiers", "--from", str(bad), "--as-of", AS_OF)
    assert (code, out) == (1, "")
    assert err == (
        "Error: 无法汇总这些导出文件：1 个问题；未使用其中任何一行\n"
        "  ningxia: people.parquet 第 78 行：行政区划代码（region_code）：必须是 2、4、6、9 或 12 "
        "位数字的行政区划代码（实际为 '6x'）\n"
    )
    code, out, err = run("national", "tiers", "--from", str(bad), "--as-of", AS_OF, "--lang", "en")
    assert (code, out) == (1, "")
    assert err == (
        "Error: cannot roll up these exports: 1 problem; none of their rows was used\n"
        "  ningxia: people.parquet row 78: region_code (行政区划代码): must be a region code of "
        "2, 4, 6, 9 or 12 digits (got '6x')\n"
    )


def test_unknown_people_and_cohorts_are_errors(exports: Path) -> None:
    args = [
        "national",
        "eligible",
        *sources(exports),
        "--policy",
        "nx-expert-pool",
        "--as-of",
        AS_OF,
    ]
    assert run(*args, "--person", "t2024-05")[2] == (
        "Error: rules[0].rules[0]: unknown program 'nx-sup-2022' (did you mean "
        "'ningxia:nx-sup-2022'?)\n"
    )
    code, _, err = run("national", "outcomes", *sources(exports), "--cohort", "anhui:nope")
    assert (code, err) == (1, "Error: 找不到批次 'anhui:nope'\n")
    code, _, err = run(
        "national", "outcomes", *sources(exports), "--cohort", "anhui:nope", "--lang", "en"
    )
    assert (code, err) == (1, "Error: Cohort 'anhui:nope' not found\n")


def test_a_person_not_in_the_exports_is_an_error(exports: Path, tmp_path: Path) -> None:
    policy = tmp_path / "p.toml"
    policy.write_text(
        'id = "p"\nname = "p"\nversion = "1"\n[[rules]]\nkind = "completed_program"\n',
        encoding="utf-8",
    )
    code, _, err = run(
        "national", "eligible", *sources(exports), "--policy", str(policy), "--person", "t2024-05"
    )
    assert (code, err) == (1, "Error: 各省的导出文件中没有人员 't2024-05'\n")
    code, _, err = run(
        "national", "eligible", *sources(exports), "--policy", str(policy),
        "--person", "t2024-05", "--lang", "en",
    )  # fmt: skip
    assert (code, err) == (1, "Error: no person 't2024-05' in the provinces' exports\n")


def test_a_missing_export_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("national", "tiers", "--from", str(tmp_path / "nowhere"))
    assert code == 2
    assert "Path '" in err
    assert "does not exist" in err


def test_matching_keys_and_pseudonymised_exports(exports: Path, tmp_path: Path) -> None:
    key = tmp_path / "match.key"
    code, _, err = run("national", "key", "-o", str(key), "--lang", "en")
    assert code == 0
    assert re.fullmatch(
        rf"Wrote a new key to {re.escape(str(key))} \(hmac-sha256 [0-9a-f]{{16}}; readable by its "
        r"owner only\)\. Pass it to the provinces apart from the files\n",
        err,
    )
    assert re.fullmatch(r"supervise-key-v1:[A-Za-z0-9_-]{43}=\n", key.read_text(encoding="ascii"))
    assert key.stat().st_mode & 0o777 == 0o600
    assert run("national", "key", "-o", str(key), "--lang", "en")[2] == (
        f"Error: {key} exists; it is not overwritten\n"
    )
    db = tmp_path / "nx.db"
    assert run("demo", "--db", str(db))[0] == 0
    hashed = tmp_path / "nx-hashed"
    code, out, _ = run(
        "export",
        "--db",
        str(db),
        "--format",
        "parquet",
        "-o",
        str(hashed),
        "--national-id-key",
        str(key),
        "--lang",
        "en",
    )
    assert (code, out) == (0, f"exported 3607 rows of 16 tables to {hashed} (parquet)\n")
    code, out, _ = run("national", "tiers", "--from", str(hashed), "--from", str(exports / "anhui.json"),
                       "--national-id-key", str(key), "--as-of", AS_OF, "--format", "json")  # fmt: skip
    assert code == 0
    assert json.loads(out)["groups"]["all"]["total"] == 79  # Xu matched by his pseudonym
    code, _, err = run(
        "export",
        "--db",
        str(db),
        "--format",
        "json",
        "-o",
        str(tmp_path / "x.json"),
        "--national-id-key",
        str(key),
        "--lang",
        "en",
    )
    assert code == 2
    assert (
        "pseudonyms are for Parquet exports to a national roll-up: use it with --format parquet and without --include-pii"
        in " ".join(err.split())
    )
    bad_key = tmp_path / "bad.key"
    bad_key.write_text("not a key\n", encoding="ascii")
    bad_key.chmod(0o600)
    code, _, err = run(
        "export",
        "--db",
        str(db),
        "--format",
        "parquet",
        "-o",
        str(tmp_path / "y"),
        "--national-id-key",
        str(bad_key),
        "--lang",
        "en",
    )
    assert (code, err) == (
        1,
        f"Error: the key {bad_key} is not valid: expected supervise-key-v1: and 32 bytes of base64\n",
    )


@pytest.mark.parametrize("name", sorted(national.commands))
def test_every_national_subcommand_help_has_an_example_and_fits_80_columns(name: str) -> None:
    code, out, _ = run("national", name, "--help")
    assert code == 0
    assert re.search(r"^  Examples?:$", out, re.MULTILINE)
    assert re.search(rf"^    supervise national {name} ", out, re.MULTILINE)
    assert max(width(line) for line in out.splitlines()) <= 80
