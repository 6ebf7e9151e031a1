"""Continuing education per registration cycle: the report, the requirement as data, the
command (docs/how-to/continuing-education.md)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import supervise
from supervise import ContinuingEducation, Credential, CycleRequirement, Person, load_requirement
from supervise.cli import cli
from supervise.core.continuing import requirement_from_dict
from supervise.errors import SuperviseError
from supervise.registry import Registry
from tests import oracle
from tests.strategies import days

AS_OF = date(2024, 12, 6)


def people() -> list[Any]:
    return [
        Person(id="a", name="甲"),
        Person(id="b", name="乙"),
        Person(id="c", name="丙"),
        Person(id="d", name="丁"),
        # a: assistant registered 2022-12-20, cycle to 2025-12-19: 60 of 72
        Credential(person_id="a", level="assistant", issued_on="2022-12-01", registered_on="2022-12-20"),
        ContinuingEducation(id="a1", person_id="a", on="2023-01-05", hours=40),
        ContinuingEducation(id="a2", person_id="a", on="2024-11-30", hours=20),
        ContinuingEducation(id="a3", person_id="a", on="2022-12-19", hours=50),  # the cycle before
        # b: intermediate since 2021-06-01 (no registration date): cycle 2024-06-01..2027-05-31
        Credential(person_id="b", level="assistant", issued_on="2015-01-01", registered_on="2015-02-01"),
        Credential(person_id="b", level="intermediate", issued_on="2021-06-01"),
        ContinuingEducation(id="b1", person_id="b", on="2024-06-01", hours=90),
        # c: senior, cycle 2022-03-01..2025-02-28, ends in 84 days: 30 of 90
        Credential(person_id="c", level="senior", issued_on="2019-01-01", registered_on="2019-03-01"),
        ContinuingEducation(id="c1", person_id="c", on="2024-12-07", hours=60),  # after the date
        ContinuingEducation(id="c2", person_id="c", on="2022-03-01", hours=30),
        # d: holds nothing
        ContinuingEducation(id="d1", person_id="d", on="2024-01-01", hours=100),
    ]  # fmt: skip


@pytest.fixture
def certified(registry: Registry) -> Registry:
    registry.add(people())
    return registry


def test_the_cycle_containing_the_date_and_who_is_short(certified: Registry) -> None:
    report = certified.continuing_education(AS_OF)
    assert [
        (p.person_id, p.level.value, str(p.starts), str(p.ends), p.hours, p.required, p.short)
        for p in report.people
    ] == [
        ("a", "assistant", "2022-12-20", "2025-12-19", 60.0, 72.0, 12.0),
        ("b", "intermediate", "2024-06-01", "2027-05-31", 90.0, 90.0, 0.0),
        ("c", "senior", "2022-03-01", "2025-02-28", 30.0, 90.0, 60.0),
    ]
    assert [p.person_id for p in report.short()] == ["a", "c"]
    assert [p.person_id for p in report.due(100)] == ["c"]  # 84 days left
    assert report.people[2].days_left(AS_OF) == 84
    assert (
        report.people[0].message()
        == "本周期（2022-12-20 至 2025-12-19）继续教育还差 12 小时（已有 60，需 72）"
    )
    assert report.people[1].message("en") == (
        "90 hours of continuing education this cycle (2024-06-01 to 2027-05-31) (at least 90)"
    )  # fmt: skip


def test_a_province_sets_its_own_hours(certified: Registry, tmp_path: Path) -> None:
    path = tmp_path / "ce.toml"
    path.write_text('cycle_years = 5\n[hours]\n"助理社会工作师" = 60\n', encoding="utf-8")
    requirement = load_requirement(path)
    assert requirement == CycleRequirement(
        {"assistant": 60.0, "intermediate": 90.0, "senior": 90.0}, 5
    )
    report = certified.continuing_education(AS_OF, requirement=path)
    # Five-year cycles from 2022-12-20: the same 60 hours (a3 is the day before), of 60.
    first = report.people[0]
    assert (first.person_id, str(first.starts), first.hours, first.required) == (
        "a", "2022-12-20", 60.0, 60.0,
    )  # fmt: skip
    assert report.to_dict()["hours"] == {"assistant": 60.0, "intermediate": 90.0, "senior": 90.0}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"cycle_years": 0}, "cycle_years: must be a whole number of at least 1, not 0"),
        ({"hours": {"expert": 5}}, "hours: unknown CredentialLevel 'expert'"),
        ({"hours": {"senior": -1}}, "hours.senior: must be a number of at least 0, not -1"),
        ({"hours": 90}, "hours: must be a table of hours by level, not 90"),
        ({"cycle": 3}, "unknown key 'cycle' (expected cycle_years, hours)"),
    ],
)
def test_a_bad_requirement_says_what_is_wrong(data: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        requirement_from_dict(data)


def test_a_bad_requirement_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ce.toml"
    path.write_text("cycle_years = 'three'\n", encoding="utf-8")
    with pytest.raises(SuperviseError, match=r"ce.toml: cycle_years: must be a whole number"):
        load_requirement(path)
    with pytest.raises(SuperviseError, match="cannot read"):
        load_requirement(tmp_path / "missing.toml")


def test_within_must_not_be_negative(certified: Registry) -> None:
    with pytest.raises(ValueError, match="within must be a number of days of at least 0, not -1"):
        certified.continuing_education(AS_OF, within=-1)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["assistant", "intermediate", "senior"]), days, st.none() | days),
        min_size=1,
        max_size=3,
    ),
    st.lists(st.tuples(days, st.sampled_from([1.0, 8.0, 30.5, 72.0])), max_size=6),
    days,
)
def test_cycles_agree_with_the_oracle(
    held: list[tuple[str, date, date | None]], courses: list[tuple[date, float]], as_of: date
) -> None:
    records: list[Any] = [Person(id="p", name="甲")]
    seen = set()
    for level, issued, registered in held:
        if (level, issued) not in seen:
            seen.add((level, issued))
            records.append(Credential(person_id="p", level=level, issued_on=issued, registered_on=registered))  # fmt: skip
    records += [
        ContinuingEducation(id=f"e{n}", person_id="p", on=on, hours=h)
        for n, (on, h) in enumerate(courses)
    ]
    want = oracle.cycle(records, "p", as_of, None)
    with supervise.open() as registry:
        registry.add(records)
        got = registry.continuing_education(as_of).people
    if want["starts"] is None:
        assert got == []
    else:
        (person,) = got
        assert (person.level.value, person.starts, person.ends, person.hours, person.required) == (
            want["level"], want["starts"], want["ends"], want["hours"], want["required"],
        )  # fmt: skip


# -- the command -----------------------------------------------------------------------------


def run(*args: Any) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_ce_command_lists_who_is_short_most_urgent_first(db_path: Path) -> None:
    with supervise.open(db_path) as registry:
        registry.add(people())
    code, out, err = run("ce", "--db", db_path, "--as-of", "2024-12-06")
    assert code == 0, err
    assert out.splitlines() == [
        "继续教育 · 截至 2024-12-06 · 每 3 年一个注册周期",
        "每周期要求：助理社会工作师 72 小时 · 社会工作师 90 小时 · 高级社会工作师 90 小时",
        "3 人持证注册，2 人本周期尚未达标",
        "",
        "人员 姓名 等级                          本周期 已有 需 还差 剩余天数",
        "c    丙   高级社会工作师 2022-03-01~2025-02-28   30 90   60       84",
        "a    甲   助理社会工作师 2022-12-20~2025-12-19   60 72   12      378",
    ]
    code, out, _ = run(
        "ce", "--db", db_path, "--as-of", "2024-12-06", "--within", "100", "--format", "json"
    )
    data = json.loads(out)
    assert (data["within"], data["certified"], [p["person_id"] for p in data["short"]]) == (
        100,
        3,
        ["c"],
    )
    assert data["short"][0] == {
        "person_id": "c", "name": "丙", "level": "senior", "cycle_starts": "2022-03-01",
        "cycle_ends": "2025-02-28", "hours": 30.0, "required": 90.0, "short": 60.0, "days_left": 84,
    }  # fmt: skip
    code, out, _ = run("ce", "--db", db_path, "--as-of", "2024-12-06", "--format", "csv")
    assert (
        out.splitlines()[0]
        == "person_id,name,level,cycle_starts,cycle_ends,hours,required,short,days_left"
    )
    assert len(out.splitlines()) == 3


def test_ce_command_errors(db_path: Path, tmp_path: Path) -> None:
    with supervise.open(db_path):
        pass
    bad = tmp_path / "ce.toml"
    bad.write_text("[hours]\nexpert = 3\n", encoding="utf-8")
    code, out, err = run("ce", "--db", db_path, "--requirement", bad)
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: {bad}: hours: unknown CredentialLevel 'expert'")
    code, _, err = run("ce", "--db", db_path, "--within", "-3")
    assert code == 2
    assert "Invalid value for '--within'" in err


def test_the_report_in_a_notebook_and_as_a_frame(certified: Registry) -> None:
    report = certified.continuing_education(AS_OF, within=100)
    html = report._repr_html_()
    assert "继续教育 · 截至 2024-12-06 · 每 3 年一个注册周期" in html
    assert "3 人持证注册，2 人本周期尚未达标，其中 1 人的周期在 100 天内结束" in html
    assert ">丙<" in html
    assert ">甲<" not in html
    assert "3 certified, 2 short this cycle" in report.to_html("en")
    df = report.to_pandas()
    assert list(df.columns) == [
        "person_id", "name", "level", "cycle_starts", "cycle_ends", "hours", "required",
        "short", "days_left",
    ]  # fmt: skip
    assert (df.loc[0, "person_id"], df.loc[0, "short"], str(df.loc[0, "cycle_ends"].date())) == (
        "c", 60.0, "2025-02-28",
    )  # fmt: skip
