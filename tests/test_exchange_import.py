"""Importing exchange files: what is accepted, and every problem with its exact message."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import supervise
from supervise import ImportFailed, SuperviseError
from supervise.exchange import MAX_PROBLEMS, Problem
from supervise.model import Activity, Enrollment, Person, PhaseSpec, Program, Session
from supervise.registry import Registry
from tests.exchange_files import NID_1, NID_2, base, national_id, write_csv, write_folder

Tables = dict[str, list[list[str]]]


def failure(registry: Registry, path: Path) -> list[str]:
    with pytest.raises(ImportFailed) as info:
        registry.import_file(path)
    return [str(p) for p in info.value.problems]


def test_a_folder_of_csv_files_imports_every_table(registry: Registry, tmp_path: Path) -> None:
    report = registry.import_file(write_folder(tmp_path / "batch", base()))
    assert {name: c.inserted for name, c in report.tables.items()} == {
        "programs": 1,
        "phases": 2,
        "cohorts": 1,
        "people": 3,
        "enrollments": 2,
        "mentors": 1,
    }
    assert registry.get(Person, "p1").national_id == NID_1
    assert registry.get(PhaseSpec, "ah", "training").requirements.hours == 24.0
    assert report.matches == ()
    assert report.warnings == ()


def test_chinese_file_names_and_headers_are_read_like_english_ones(tmp_path: Path) -> None:
    english = write_folder(tmp_path / "en", base())
    chinese = tmp_path / "zh"
    write_csv(chinese, "培养项目", [["项目编号", "项目名称"], ["ah", "安徽三区计划"]])
    write_csv(
        chinese,
        "环节",
        [
            ["项目编号", "环节代码", "环节名称", "顺序", "要求学时"],
            ["ah", "training", "岗前培训", "1", "24"],
            ["ah", "practicum", "驻点服务", "2", ""],
        ],
    )
    write_csv(
        chinese,
        "批次",
        [
            ["批次编号", "项目编号", "批次名称", "开始日期", "结束日期"],
            ["c1", "ah", "2024年度", "2024年7月19日", "2025.7.18"],
        ],
    )
    write_csv(
        chinese,
        "人员",
        [
            ["人员编号", "姓名", "身份证号", "手机号码"],
            ["p1", "王雪梅", NID_1, "13812345678"],
            ["p2", "张志强", "", ""],
            ["m1", "汪建华", NID_2, ""],
        ],
    )
    write_csv(
        chinese,
        "学员",
        [
            ["人员编号", "批次编号", "入学日期", "小组"],
            ["p1", "c1", "2024/7/19", "谯城区服务队"],
            ["p2", "c1", "2024/7/19", "谯城区服务队"],
        ],
    )
    write_csv(chinese, "导师", [["导师编号", "批次编号", "导师类型"], ["m1", "c1", "高校导师"]])
    with supervise.open() as a, supervise.open() as b:
        a.import_file(english)
        b.import_file(chinese)
        assert a.counts() == b.counts()
        for cls in (Program, PhaseSpec, Person, Enrollment):
            assert a.find(cls) == b.find(cls)


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("督导最短时长(分钟)", "min_session_minutes"),  # ASCII brackets for full-width ones
        ("督导最短时长（分钟）", "min_session_minutes"),
        (" Min_Session_Minutes ", "min_session_minutes"),
        ("ＭＩＮ＿ＳＥＳＳＩＯＮ＿ＭＩＮＵＴＥＳ", "min_session_minutes"),  # full-width letters
        ("要求学时", "required_hours"),
    ],
)
def test_headers_match_after_nfkc_trimming_and_case_folding(
    registry: Registry, tmp_path: Path, header: str, column: str
) -> None:
    tables = base()
    tables["phases"] = [
        ["program_id", "key", "name", "order", header],
        ["ah", "training", "岗前培训", "1", "60"],
    ]
    registry.import_file(write_folder(tmp_path / "batch", tables))
    requirements = registry.get(PhaseSpec, "ah", "training").requirements
    flat = {"min_session_minutes": requirements.min_session_minutes}
    flat["required_hours"] = requirements.hours  # type: ignore[assignment]
    assert flat[column] == 60


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings_are_detected(registry: Registry, tmp_path: Path, encoding: str) -> None:
    tables = base()
    people = [[*row, "工作单位" if n == 0 else ""] for n, row in enumerate(tables.pop("people"))]
    people.append(["p9", "吴海燕", "", "", "合肥市包河区社工服务中心"])
    folder = write_folder(tmp_path / "batch", tables)
    write_csv(folder, "人员", people, encoding)
    registry.import_file(folder)
    assert registry.get(Person, "p9").organization == "合肥市包河区社工服务中心"
    assert registry.get(Person, "p9").name == "吴海燕"


def test_text_that_is_neither_utf8_nor_gb18030_is_a_problem(
    registry: Registry, tmp_path: Path
) -> None:
    folder = write_folder(tmp_path / "batch", base())
    text = "person_id,kind,on\np1,其他,2024-12-01\n"
    (folder / "outcomes.csv").write_bytes(text.encode("utf-16"))
    assert failure(registry, folder) == [
        "outcomes.csv: cannot read the text: save the CSV as UTF-8 (or GB18030)"
    ]


def test_dates_in_every_style_offices_write_are_stored_as_iso(
    registry: Registry, tmp_path: Path
) -> None:
    tables = base()
    tables["activities"] = [
        ["id", "person_id", "cohort_id", "phase", "on", "hours"],
        ["a1", "p1", "c1", "training", "2024-07-22", "8"],
        ["a2", "p1", "c1", "training", "2024/7/23", "8"],
        ["a3", "p1", "c1", "training", "2024.7.24", "8"],
        ["a4", "p1", "c1", "training", "2024年7月25日", "7.5"],
        ["a5", "p1", "c1", "training", "20240726", "8"],
    ]
    registry.import_file(write_folder(tmp_path / "batch", tables))
    days = [a.on.isoformat() for a in registry.find(Activity)]
    assert days == ["2024-07-22", "2024-07-23", "2024-07-24", "2024-07-25", "2024-07-26"]
    stored = registry.conn.execute('SELECT "on" FROM activities ORDER BY id').fetchall()
    assert [row[0] for row in stored] == days


def modify(**tables: list[list[str]]) -> Callable[[Tables], None]:
    def change(files: Tables) -> None:
        files.update(tables)

    return change


ACTIVITY_HEADER = ["id", "person_id", "cohort_id", "phase", "on", "hours"]

ERRORS: list[tuple[str, Callable[[Tables], None], list[str]]] = [
    (
        "unknown table",
        modify(统计=[["批次", "人数"], ["第一批", "2"]]),
        [
            "统计.csv: unknown table '统计'; expected one of programs (培养项目), phases (环节), "
            "cohorts (批次), people (人员), enrollments (学员), mentors (导师), pairings (师徒帮带), "
            "activities (学时记录), sessions (督导记录), placements (实习安排), deliverables (成果), "
            "exemptions (免修互认), credentials (职业资格), continuing_education (继续教育), "
            "outcomes (培养成效), "
            "session_attendees (督导参加人员)"
        ],
    ),
    (
        "unknown column, with the closest one",
        modify(
            activities=[
                [*ACTIVITY_HEADER, "hour"],
                ["a1", "p1", "c1", "training", "2024-07-22", "8", "8"],
            ]
        ),
        ["activities.csv row 1: unknown column 'hour'; did you mean hours (学时)?"],
    ),
    (
        "unknown column, with the list of columns",
        modify(mentors=[["person_id", "cohort_id", "微信"], ["m1", "c1", "wx"]]),
        [
            "mentors.csv row 1: unknown column '微信'; expected one of person_id (导师编号), "
            "cohort_id (批次编号), kind (导师类型), affiliation (所属单位), capacity (带教人数上限)"
        ],
    ),
    (
        "required column missing",
        modify(activities=[ACTIVITY_HEADER[:-1], ["a1", "p1", "c1", "training", "2024-07-22"]]),
        ["activities.csv row 1: hours (学时): required column missing"],
    ),
    (
        "a column given twice",
        modify(
            activities=[
                [*ACTIVITY_HEADER, "学时"],
                ["a1", "p1", "c1", "training", "2024-07-22", "8", "8"],
            ]
        ),
        ["activities.csv row 1: hours (学时): appears twice, in columns 6 and 7"],
    ),
    (
        "attendees as a CSV column",
        modify(
            sessions=[
                ["id", "mentor_id", "cohort_id", "on", "minutes", "attendees"],
                ["s1", "m1", "c1", "2024-08-01", "90", "p1"],
            ],
            session_attendees=[["session_id", "person_id"], ["s1", "p1"]],
        ),
        [
            "sessions.csv row 1: attendees (参加人员): list attendees in the session_attendees table, a row per person"
        ],
    ),
    (
        "required value missing",
        modify(activities=[ACTIVITY_HEADER, ["a1", "", "c1", "training", "2024-07-22", "8"]]),
        ["activities.csv row 2: person_id (人员编号): required value missing"],
    ),
    (
        "not a number, not a whole number, out of range",
        modify(
            activities=[
                ACTIVITY_HEADER,
                ["a1", "p1", "c1", "training", "2024-07-22", "八"],
                ["a2", "p1", "c1", "training", "2024-07-22", "25"],
                ["a3", "p1", "c1", "training", "2024-07-22", "1_000"],
            ],
            mentors=[["person_id", "cohort_id", "capacity"], ["m1", "c1", "3.5"]],
        ),
        [
            "mentors.csv row 2: capacity (带教人数上限): must be a whole number (got '3.5')",
            "activities.csv row 2: hours (学时): must be a number (got '八')",
            "activities.csv row 3: hours (学时): must be at least 0 and at most 24 (got '25')",
            "activities.csv row 4: hours (学时): must be a number (got '1_000')",
        ],
    ),
    (
        "dates: ambiguous, impossible, partial",
        modify(
            activities=[
                ACTIVITY_HEADER,
                ["a1", "p1", "c1", "training", "7/1/2024", "8"],
                ["a2", "p1", "c1", "training", "2024-02-30", "8"],
                ["a3", "p1", "c1", "training", "July 2024", "8"],
            ]
        ),
        [
            "activities.csv row 2: on (日期): '7/1/2024' is ambiguous (is the first number the day or the month?); write it as 2024-07-01, 2024/7/1, 2024.7.1 or 2024年7月1日",
            "activities.csv row 3: on (日期): '2024-02-30' is not a real date (month 2, day 30)",
            "activities.csv row 4: on (日期): 'July 2024' is missing the year, month or day; write it as 2024-07-01, 2024/7/1, 2024.7.1 or 2024年7月1日",
        ],
    ),
    (
        "a value outside a vocabulary",
        modify(mentors=[["person_id", "cohort_id", "kind"], ["m1", "c1", "教授"]]),
        [
            "mentors.csv row 2: kind (导师类型): unknown MentorKind '教授'; expected one of university (高校导师), practitioner (实务督导), external (外部合作导师)"
        ],
    ),
    (
        "national ID and phone numbers, masked in the message",
        modify(
            people=[
                ["id", "name", "national_id", "phone"],
                ["p1", "王雪梅", NID_1[:-1] + ("0" if NID_1[-1] != "0" else "1"), "1381234"],
                ["p2", "张志强", "340121********0011", "138****5678"],
                ["m1", "汪建华", NID_2, ""],
            ]
        ),
        [
            "people.csv row 2: national_id (身份证号): national ID 340121********"
            + NID_1[-4:-1]
            + ("0" if NID_1[-1] != "0" else "1")
            + " has a wrong check digit",
            "people.csv row 3: national_id (身份证号): is masked: exchange files need the whole number (export with include_pii) (got '340121********0011')",
            "people.csv row 3: phone (手机号码): is masked: exchange files need the whole number (export with include_pii) (got '138****5678')",
        ],
    ),
    (
        "an end before its start (a rule spanning fields)",
        modify(
            enrollments=[
                ["person_id", "cohort_id", "enrolled_on", "left_on"],
                ["p1", "c1", "2024-07-19", "2024-07-01"],
            ]
        ),
        [
            "enrollments.csv row 2: left_on (退出日期): must not be before enrolled_on 2024-07-19 (got '2024-07-01')"
        ],
    ),
    (
        "rows with one key and other values",
        modify(
            activities=[
                ACTIVITY_HEADER,
                ["a1", "p1", "c1", "training", "2024-07-22", "8"],
                ["a1", "p1", "c1", "training", "2024-07-22", "6"],
            ],
            enrollments=[
                ["person_id", "cohort_id", "enrolled_on"],
                ["p1", "c1", "2024-07-19"],
                ["p1", "c1", "2024-07-20"],
                ["p2", "c1", "2024-07-19"],
            ],
        ),
        [
            "enrollments.csv row 3: row 2 has the same key (person_id, cohort_id) and other values (got ('p1', 'c1'))",
            "activities.csv row 3: id (记录编号): row 2 has the same key and other values (got 'a1')",
        ],
    ),
    (
        "references to records that are nowhere",
        modify(
            activities=[
                ACTIVITY_HEADER,
                ["a1", "p9", "c1", "training", "2024-07-22", "8"],
                ["a2", "m1", "c1", "training", "2024-07-22", "8"],
                ["a3", "p1", "c1", "theory", "2024-07-22", "8"],
                ["a4", "p9", "c1", "training", "2024-07-23", "8"],
            ],
            pairings=[
                ["mentor_id", "trainee_id", "cohort_id", "starts_on"],
                ["p1", "p2", "c1", "2024-08-01"],
            ],
        ),
        [
            "pairings.csv row 2: mentor_id (导师编号): person 'p1' is not a mentor in cohort 'c1'",
            "activities.csv row 2: person_id (人员编号): person 'p9' is not enrolled in cohort 'c1'",
            "activities.csv row 3: person_id (人员编号): person 'm1' is not enrolled in cohort 'c1'",
            "activities.csv row 4: phase (环节): cohort 'c1' (program 'ah') has no phase 'theory'; its phases are training (岗前培训), practicum (驻点服务)",
            "activities.csv row 5: person_id (人员编号): person 'p9' is not enrolled in cohort 'c1'",
        ],
    ),
    (
        "a new session without attendees",
        modify(
            sessions=[
                ["id", "mentor_id", "cohort_id", "on", "minutes"],
                ["s1", "m1", "c1", "2024-08-01", "90"],
            ]
        ),
        [
            "sessions.csv row 2: attendees (参加人员): a new session needs attendees (rows of session_attendees; in JSON a list)"
        ],
    ),
    (
        "more cells than headers, and a value under no header",
        modify(
            mentors=[
                ["person_id", "cohort_id", "", "kind"],
                ["m1", "c1", "", "university", "多余"],
                ["m1", "c1", "备注", "university"],
            ]
        ),
        [
            "mentors.csv row 2: has 5 cells; the header names 4",
            "mentors.csv row 3: column 3 has no header (got '备注')",
        ],
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_every_kind_of_problem_has_its_message(
    registry: Registry, tmp_path: Path, change: Callable[[Tables], None], expected: list[str]
) -> None:
    tables = base()
    change(tables)
    folder = write_folder(tmp_path / "batch", tables)
    assert failure(registry, folder) == expected
    assert sum(registry.counts().values()) == 0


def test_a_bad_parent_row_is_reported_once_not_again_by_its_children(
    registry: Registry, tmp_path: Path
) -> None:
    tables = base()
    tables["people"][1][3] = "12"  # p1's phone: bad, yet p1 is still a person to refer to
    tables["activities"] = [ACTIVITY_HEADER, ["a1", "p1", "c1", "training", "2024-07-22", "8"]]
    assert failure(registry, write_folder(tmp_path / "batch", tables)) == [
        "people.csv row 2: phone (手机号码): phone ** must have 7 to 15 digits"
    ]


def test_a_reference_to_the_registry_counts(registry: Registry, tmp_path: Path) -> None:
    registry.import_file(write_folder(tmp_path / "first", base()))
    later = {"activities": [ACTIVITY_HEADER, ["a1", "p1", "c1", "training", "2024-07-22", "8"]]}
    report = registry.import_file(write_folder(tmp_path / "later", later))
    assert report.tables["activities"].inserted == 1


def test_a_national_id_held_by_another_known_person_is_a_problem(
    registry: Registry, tmp_path: Path
) -> None:
    registry.import_file(write_folder(tmp_path / "first", base()))
    people = [["id", "name", "national_id"], ["p2", "张志强", NID_1]]
    assert failure(registry, write_folder(tmp_path / "later", {"people": people})) == [
        "people.csv row 2: national_id (身份证号): the same national ID is already given to "
        f"person 'p1' (got '340121********{NID_1[-4:]}')"
    ]


def test_problems_are_capped_and_counted(registry: Registry, tmp_path: Path) -> None:
    tables = base()
    tables["activities"] = [ACTIVITY_HEADER] + [
        [f"a{n}", "p1", "c1", "training", "2024-07-22", "99"] for n in range(MAX_PROBLEMS + 50)
    ]
    with pytest.raises(ImportFailed) as info:
        registry.import_file(write_folder(tmp_path / "batch", tables))
    error = info.value
    assert (len(error.problems), error.total) == (MAX_PROBLEMS, MAX_PROBLEMS + 50)
    lines = str(error).splitlines()
    assert lines[0] == f"cannot import {tmp_path / 'batch'}: 250 problems; nothing was written"
    assert (
        lines[1]
        == "  activities.csv row 2: hours (学时): must be at least 0 and at most 24 (got '99')"
    )
    assert lines[-1] == "  … and 50 more"
    assert isinstance(error, SuperviseError)
    assert isinstance(error, ValueError)
    assert all(isinstance(p, Problem) for p in error.problems)


def test_a_failed_import_writes_nothing(registry: Registry, tmp_path: Path) -> None:
    registry.import_file(write_folder(tmp_path / "first", base()))
    before = registry.counts()
    changes = registry.conn.total_changes
    tables = base()
    tables["people"].append(["p3", "新人", "", ""])
    tables["enrollments"].append(["p3", "c1", "2024-07-20", ""])
    tables["activities"] = [
        ACTIVITY_HEADER,
        *[[f"a{n}", "p1", "c1", "training", "2024-07-22", "8"] for n in range(50)],
        ["bad", "p1", "c1", "training", "2024-07-22", "25"],
    ]
    with pytest.raises(ImportFailed):
        registry.import_file(write_folder(tmp_path / "second", tables))
    assert registry.counts() == before
    assert registry.conn.total_changes == changes
    assert not registry.conn.in_transaction


def test_importing_the_same_file_again_changes_nothing(registry: Registry, tmp_path: Path) -> None:
    tables = base()
    tables["activities"] = [ACTIVITY_HEADER, ["a1", "p1", "c1", "training", "2024/7/22", "8"]]
    tables["sessions"] = [
        ["id", "mentor_id", "cohort_id", "on", "minutes"],
        ["s1", "m1", "c1", "2024-08-01", "90"],
    ]
    tables["session_attendees"] = [["session_id", "person_id"], ["s1", "p1"], ["s1", "p2"]]
    folder = write_folder(tmp_path / "batch", tables)
    first = registry.import_file(folder)
    assert first.changed
    changes = registry.conn.total_changes
    again = registry.import_file(folder)
    assert (again.inserted, again.updated, again.changed) == (0, 0, False)
    assert again.unchanged == first.inserted
    assert registry.conn.total_changes == changes


def test_a_newer_version_of_a_row_updates_it(registry: Registry, tmp_path: Path) -> None:
    tables = base()
    tables["activities"] = [
        ACTIVITY_HEADER,
        ["a1", "p1", "c1", "training", "2024-07-22", "8"],
        ["a2", "p2", "c1", "training", "2024-07-22", "8"],
    ]
    registry.import_file(write_folder(tmp_path / "v1", tables))
    tables["activities"][1][5] = "6"
    report = registry.import_file(write_folder(tmp_path / "v2", tables))
    assert report.tables["activities"].to_dict() == {
        "inserted": 0,
        "updated": 1,
        "unchanged": 1,
        "removed": 0,
    }
    assert registry.get(Activity, "a1").hours == 6.0


def test_a_file_without_an_optional_column_leaves_that_column_alone(
    registry: Registry, tmp_path: Path
) -> None:
    registry.import_file(write_folder(tmp_path / "v1", base()))
    renamed = {"people": [["id", "name"], ["p1", "王雪"]]}
    report = registry.import_file(write_folder(tmp_path / "v2", renamed))
    assert report.tables["people"].updated == 1
    person = registry.get(Person, "p1")
    assert (person.name, person.national_id, person.phone) == ("王雪", NID_1, "13812345678")


def test_an_empty_optional_cell_clears_the_value_or_gives_the_default(
    registry: Registry, tmp_path: Path
) -> None:
    tables = base()
    tables["enrollments"] = [
        ["person_id", "cohort_id", "enrolled_on", "status", "team"],
        ["p1", "c1", "2024-07-19", "withdrawn", "A"],
    ]
    registry.import_file(write_folder(tmp_path / "v1", tables))
    tables["enrollments"][1][3:] = ["", ""]
    registry.import_file(write_folder(tmp_path / "v2", tables))
    enrollment = registry.get(Enrollment, "p1", "c1")
    assert (enrollment.status, enrollment.team) == ("active", None)


def test_attendees_of_a_session_in_the_file_replace_the_stored_ones(
    registry: Registry, tmp_path: Path
) -> None:
    tables = base()
    tables["sessions"] = [
        ["id", "mentor_id", "cohort_id", "on", "minutes"],
        ["s1", "m1", "c1", "2024-08-01", "90"],
    ]
    tables["session_attendees"] = [["session_id", "person_id"], ["s1", "p1"], ["s1", "p2"]]
    registry.import_file(write_folder(tmp_path / "v1", tables))
    later = {"session_attendees": [["session_id", "person_id"], ["s1", "p2"]]}
    report = registry.import_file(write_folder(tmp_path / "v2", later))
    assert report.tables["session_attendees"].to_dict() == {
        "inserted": 0,
        "updated": 0,
        "unchanged": 1,
        "removed": 1,
    }
    assert registry.get(Session, "s1").attendees == frozenset({"p2"})


def test_a_session_row_without_attendee_rows_keeps_its_stored_attendees(
    registry: Registry, tmp_path: Path
) -> None:
    tables = base()
    tables["sessions"] = [
        ["id", "mentor_id", "cohort_id", "on", "minutes"],
        ["s1", "m1", "c1", "2024-08-01", "90"],
    ]
    tables["session_attendees"] = [["session_id", "person_id"], ["s1", "p1"]]
    registry.import_file(write_folder(tmp_path / "v1", tables))
    later = {
        "sessions": [
            ["id", "mentor_id", "cohort_id", "on", "minutes"],
            ["s1", "m1", "c1", "2024-08-01", "120"],
        ]
    }
    registry.import_file(write_folder(tmp_path / "v2", later))
    session = registry.get(Session, "s1")
    assert (session.minutes, session.attendees) == (120, frozenset({"p1"}))


def test_a_repeated_row_is_kept_once_with_a_warning(registry: Registry, tmp_path: Path) -> None:
    tables = base()
    row = ["a1", "p1", "c1", "training", "2024-07-22", "8"]
    tables["activities"] = [ACTIVITY_HEADER, row, row, row]
    report = registry.import_file(write_folder(tmp_path / "batch", tables))
    assert report.tables["activities"].inserted == 1
    assert report.warnings == (
        "activities: 2 rows repeated an earlier row exactly and counted once",
    )


def test_blank_rows_of_a_spreadsheet_are_skipped(registry: Registry, tmp_path: Path) -> None:
    tables = base()
    tables["activities"] = [
        ACTIVITY_HEADER,
        ["", "", "", "", "", ""],
        ["a1", "p1", "c1", "training", "2024-07-22", "8"],
        [],
    ]
    report = registry.import_file(write_folder(tmp_path / "batch", tables))
    assert report.tables["activities"].inserted == 1


def test_an_unusual_national_id_is_a_warning_naming_its_row(
    registry: Registry, tmp_path: Path
) -> None:
    tables = base()
    born_before_the_district = national_id("64010419800101001")  # 兴庆区 dates from 2002
    tables["people"].append(["p3", "马丽", born_before_the_district, ""])
    folder = write_folder(tmp_path / "batch", tables)
    report = registry.import_file(folder)
    assert report.warnings == (
        "people.csv: 1 national ID has a location code that did not exist in the holder's "
        "birth year (code 640104; accepted, as counties are created and renumbered; check the "
        "number if unexpected): row 5",
    )
    assert report.to_dict("zh")["warnings"] == [
        "people.csv：1 个身份证号的地址码在持有人出生那年尚未设立（地址码 640104；已接受：县区会新设"
        "或调整代码，如非预期请核对号码）：第 5 行"
    ]
    assert registry.import_file(folder).warnings == ()  # known people are not noted again


def test_location_notes_are_one_line_per_file_for_new_or_changed_people(
    registry: Registry, tmp_path: Path
) -> None:
    tables = base()
    mentors = [national_id(f"64010419700101{n}00") for n in range(3)]
    tables["people"] += [[f"m{n}", "导师", number, ""] for n, number in enumerate(mentors, 2)]
    registry.import_file(write_folder(tmp_path / "first", tables))
    changed = national_id("64010519650101001")  # 金凤区 dates from 2002 too
    tables["people"][-1][2] = changed
    tables["people"].append(["m9", "新导师", national_id("64010419751231009"), ""])
    report = registry.import_file(write_folder(tmp_path / "again", tables))
    assert report.warnings == (
        "people.csv: 2 national IDs have a location code that did not exist in the holder's "
        "birth year (codes 640104, 640105; accepted, as counties are created and renumbered; "
        "check the numbers if unexpected): rows 7, 8",
    )


# -- people from another province ----------------------------------------------------------


def test_a_person_from_another_province_is_matched_by_national_id(
    registry: Registry, tmp_path: Path
) -> None:
    registry.import_file(write_folder(tmp_path / "ningxia", base()))
    fujian = {
        "people": [
            ["id", "name", "national_id"],
            ["fj-07", "王雪梅", NID_1],
            ["fj-08", "林晓燕", ""],
        ],
        "enrollments": [["person_id", "cohort_id", "enrolled_on"], ["fj-08", "c1", "2024-07-19"]],
        "activities": [ACTIVITY_HEADER, ["fj-a1", "fj-07", "c1", "training", "2024-07-22", "8"]],
        "sessions": [
            ["id", "mentor_id", "cohort_id", "on", "minutes"],
            ["fj-s1", "m1", "c1", "2024-08-01", "90"],
        ],
        "session_attendees": [["session_id", "person_id"], ["fj-s1", "fj-07"], ["fj-s1", "fj-08"]],
    }
    report = registry.import_file(write_folder(tmp_path / "fujian", fujian))
    assert [str(m) for m in report.matches] == [
        f"people.csv row 2: person 'fj-07' is 'p1' in the registry (same national ID 340121********{NID_1[-4:]})"
    ]
    assert report.tables["people"].inserted == 1
    assert [p.id for p in registry.find(Person)] == ["fj-08", "m1", "p1", "p2"]
    assert registry.get(Activity, "fj-a1").person_id == "p1"
    assert registry.get(Session, "fj-s1").attendees == frozenset({"p1", "fj-08"})
    again = registry.import_file(tmp_path / "fujian")
    assert not again.changed
    assert len(again.matches) == 1


def test_two_ids_with_one_national_id_in_one_file_are_one_person(
    registry: Registry, tmp_path: Path
) -> None:
    tables = base()
    tables["people"].append(["p1-again", "王雪梅", NID_1, ""])
    tables["enrollments"][1:] = [
        ["p1-again", "c1", "2024-07-19", ""],
        ["p2", "c1", "2024-07-19", ""],
    ]
    report = registry.import_file(write_folder(tmp_path / "batch", tables))
    assert [m.to_dict("en")["message"] for m in report.matches] == [
        f"people.csv row 5: person 'p1-again' is 'p1' earlier in this import (same national ID 340121********{NID_1[-4:]})"
    ]
    assert [m.message("zh") for m in report.matches] == [
        f"people.csv 第 5 行：人员 'p1-again' 即本次导入中前面的 'p1'（身份证号相同 340121********{NID_1[-4:]}）"
    ]
    assert [e.person_id for e in registry.find(Enrollment)] == ["p1", "p2"]


def test_a_match_with_another_name_is_a_warning(registry: Registry, tmp_path: Path) -> None:
    registry.import_file(write_folder(tmp_path / "first", base()))
    people = {"people": [["id", "name", "national_id"], ["fj-07", "王雪玫", NID_1]]}
    report = registry.import_file(write_folder(tmp_path / "later", people))
    assert report.warnings == (
        "people.csv row 2: person 'fj-07' has the national ID of 'p1' but another name "
        "('王雪玫', not '王雪梅'); check the number",
    )


# -- dry runs, other containers ------------------------------------------------------------


def test_a_dry_run_counts_and_writes_nothing(registry: Registry, tmp_path: Path) -> None:
    report = registry.import_file(write_folder(tmp_path / "batch", base()), dry_run=True)
    assert report.dry_run
    assert report.inserted == 10
    assert sum(registry.counts().values()) == 0


def test_a_zip_of_csv_files_and_a_single_csv_file_import(
    registry: Registry, tmp_path: Path
) -> None:
    folder = write_folder(tmp_path / "batch", base())
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in folder.iterdir():
            zipped.write(path, f"exported/{path.name}")
        zipped.writestr("__MACOSX/._people.csv", b"\x00\x05")
    assert registry.import_file(archive).inserted == 10
    extra = write_csv(tmp_path, "活动", [["x"]])
    with pytest.raises(ImportFailed, match="unknown table '活动'"):
        registry.import_file(extra)
    one = write_csv(
        tmp_path / "single",
        "学时记录",
        [ACTIVITY_HEADER, ["a1", "p1", "c1", "training", "2024-07-22", "8"]],
    )
    assert registry.import_file(one).tables["activities"].inserted == 1


def test_what_cannot_be_read_is_a_problem(registry: Registry, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf")
    (tmp_path / "empty").mkdir()
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    (tmp_path / "blank.csv").write_text("\n\n")
    cases = {
        "notes.txt": "expected a folder of CSV or Parquet files, a .zip of CSV files, a .csv, .parquet, .xlsx or .json file",
        "old.xls": "old .xls workbooks cannot be read; save it as .xlsx",
        "empty": "no CSV files in this folder",
        "missing": "no such file or folder",
        "bad.zip": "cannot open the ZIP: File is not a zip file",
        "blank.csv": "the file is empty: the first row must name the columns",
    }
    for name, reason in cases.items():
        shown = name if name == "blank.csv" or name == "bad.zip" else str(tmp_path / name)
        assert failure(registry, tmp_path / name) == [f"{shown}: {reason}"]


# -- JSON ----------------------------------------------------------------------------------


def document(**tables: Any) -> dict[str, Any]:
    return {
        "format": "supervise/1",
        "exported_at": "2024-11-01T08:00:00+00:00",
        "source": "test",
        **tables,
    }


def as_json(tables: Tables) -> dict[str, list[dict[str, Any]]]:
    """CSV-like tables as JSON lists (empty cells left out)."""
    return {
        name: [{k: v for k, v in zip(rows[0], row, strict=True) if v != ""} for row in rows[1:]]
        for name, rows in tables.items()
    }


def test_a_json_document_imports_with_attendee_lists(registry: Registry, tmp_path: Path) -> None:
    tables = as_json(base())
    for phase in tables["phases"]:
        phase["order"] = int(phase["order"])
        if "required_hours" in phase:
            phase["required_hours"] = float(phase["required_hours"])
    sessions = [
        {
            "id": "s1",
            "mentor_id": "m1",
            "cohort_id": "c1",
            "on": "2024年8月1日",
            "minutes": 90,
            "attendees": ["p2", "p1"],
        }
    ]
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(document(**tables, sessions=sessions), ensure_ascii=False), "utf-8")
    report = registry.import_file(path)
    assert report.tables["session_attendees"].inserted == 2
    assert registry.get(Session, "s1").attendees == frozenset({"p1", "p2"})


def test_json_is_typed_strictly_and_counts_items(registry: Registry, tmp_path: Path) -> None:
    path = tmp_path / "batch.json"
    people = [{"id": "p1", "name": "王雪梅"}, "p2", {"id": 3, "name": "张志强"}]
    phases = [{"program_id": "ah", "key": "k", "name": "n", "order": "1"}]
    sessions = [
        {
            "id": "s1",
            "mentor_id": "m1",
            "cohort_id": "c1",
            "on": "2024-08-01",
            "minutes": 90,
            "attendees": [],
        }
    ]
    path.write_text(
        json.dumps(
            {
                "format": "supervise/2",
                "people": people,
                "phases": phases,
                "sessions": sessions,
                "cohorts": {},
            }
        )
    )
    assert failure(registry, path) == [
        "batch.json: 'format' must be 'supervise/1', not 'supervise/2'",
        "batch.json: phases item 1: program_id (项目编号): no program 'ah'",
        "batch.json: phases item 1: order (顺序): must be a whole number (got '1')",
        "batch.json: cohorts: must be a list of objects, not dict",
        "batch.json: people item 2: must be an object, not str",
        "batch.json: people item 3: id (人员编号): must be text (got 3)",
        "batch.json: sessions item 1: attendees (参加人员): must name at least one person (got [])",
        "batch.json: sessions item 1: attendees (参加人员): a new session needs attendees (rows of session_attendees; in JSON a list)",
        "batch.json: sessions item 1: mentor_id (导师编号): person 'm1' is not a mentor in cohort 'c1'",
    ]


def test_json_booleans_are_not_numbers_even_after_a_number(
    registry: Registry, tmp_path: Path
) -> None:
    mentors = [{"person_id": "m1", "cohort_id": "c1", "capacity": n} for n in (1, True)]
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(document(mentors=mentors)))
    assert (
        "batch.json: mentors item 2: capacity (带教人数上限): must be a whole number (got True)"
        in failure(registry, path)
    )


def test_invalid_json_is_one_problem(registry: Registry, tmp_path: Path) -> None:
    path = tmp_path / "batch.json"
    path.write_text('{"format": "supervise/1", "people": [}')
    assert failure(registry, path) == [
        "batch.json: not valid JSON: Expecting value: line 1 column 38 (char 37)"
    ]


# -- XLSX ----------------------------------------------------------------------------------


def test_an_xlsx_workbook_imports_with_excel_cell_types(registry: Registry, tmp_path: Path) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in base().items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    people = book["people"]
    people.append(["p9", "吴海燕", None, 13812345678, None])  # a phone typed as a number
    book["programs"]["C1"], book["programs"]["C2"] = "region_code", 340000  # typed as a number
    book.create_sheet("Sheet2")  # blank: skipped
    sheet = book.create_sheet("学时记录")
    sheet.append([None, None])  # the header may start lower
    sheet.append(["记录编号", "人员编号", "批次编号", "环节", "日期", "学时", "备注", None])
    sheet.append(["a1", "p1", "c1", "training", datetime(2024, 7, 22), 8, "'=1+1", None])
    sheet.append(["a2", "p1", "c1", "training", "2024年7月23日", 7.5, None, None])
    sheet.append([None] * 8)
    path = tmp_path / "batch.xlsx"
    book.save(path)
    report = registry.import_file(path)
    assert report.tables["activities"].inserted == 2
    assert registry.get(Activity, "a1").note == "=1+1"
    assert registry.get(Person, "p9").phone == "13812345678"
    assert registry.get(Program, "ah").region_code == "340000"


def test_xlsx_problems_name_the_sheet_and_its_rows(registry: Registry, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "学时记录"
    sheet.append([])
    sheet.append(["记录编号", "人员编号", "批次编号", "环节", "日期", "学时数"])
    sheet.append(["a1", "p1", "c1", "training", "2024-07-22", 8])
    path = tmp_path / "batch.xlsx"
    book.save(path)
    assert failure(registry, path) == [
        "batch.xlsx: 学时记录 row 2: unknown column '学时数'; did you mean hours (学时)?",
        "batch.xlsx: 学时记录 row 2: hours (学时): required column missing",
        "batch.xlsx: 学时记录 row 3: person_id (人员编号): person 'p1' is not enrolled in cohort 'c1'",
    ]


def test_xlsx_needs_the_excel_extra(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from supervise import MissingExtra

    path = tmp_path / "batch.xlsx"
    shutil.copy(Path(__file__), path)  # never opened
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(MissingExtra) as info:
        registry.import_file(path)
    assert (
        str(info.value)
        == "XLSX files needs the optional dependency 'openpyxl': pip install 'supervise[excel]'"
    )
    with pytest.raises(MissingExtra):
        registry.export(tmp_path / "out.xlsx")


# -- records that contradict their cohort or their trainee's enrolment --------------------------


def with_records(**tables: list[list[str]]) -> Tables:
    """The base batch (cohort c1 from 2024-07-19, p1 and p2 enrolled that day, mentor m1)
    with ``tables`` added."""
    batch = base()
    batch.update(tables)
    return batch


ACTIVITY_HEADER = ["id", "person_id", "cohort_id", "phase", "on", "hours"]
SESSION_HEADER = ["id", "mentor_id", "cohort_id", "on", "minutes", "phase"]


def test_a_record_dated_before_its_cohort_starts_is_a_problem(
    registry: Registry, tmp_path: Path
) -> None:
    tables = with_records(
        activities=[ACTIVITY_HEADER, ["a1", "p1", "c1", "training", "2019-05-01", "8"]],
        deliverables=[
            ["id", "person_id", "cohort_id", "phase", "title", "submitted_on"],
            ["d1", "p2", "c1", "training", "报告", "2024-07-18"],
        ],
        sessions=[SESSION_HEADER, ["s1", "m1", "c1", "2024-01-02", "90", "training"]],
        session_attendees=[["session_id", "person_id"], ["s1", "p1"]],
    )
    assert failure(registry, write_folder(tmp_path / "batch", tables)) == [
        "activities.csv row 2: on (日期): is before cohort 'c1' starts (2024-07-19) (got '2019-05-01')",
        "sessions.csv row 2: on (日期): is before cohort 'c1' starts (2024-07-19) (got '2024-01-02')",
        "deliverables.csv row 2: submitted_on (提交日期): is before cohort 'c1' starts (2024-07-19) (got '2024-07-18')",
    ]


def test_a_record_before_its_trainee_enrolled_is_a_warning_per_file(
    registry: Registry, tmp_path: Path
) -> None:
    tables = with_records(
        activities=[
            ACTIVITY_HEADER,
            *[[f"a{n}", "p1", "c1", "training", "2024-07-20", "2"] for n in range(12)],
            ["a99", "p2", "c1", "training", "2024-08-20", "2"],
        ]
    )
    tables["enrollments"][1][2] = "2024-08-01"  # p1's paperwork a fortnight late
    report = registry.import_file(write_folder(tmp_path / "batch", tables))
    assert report.tables["activities"].inserted == 13
    assert report.warnings == (
        "activities.csv: 12 rows are dated before their trainee's enrolment (counted; check "
        "the enrolment dates): rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …",
    )
    assert report.to_dict("zh")["warnings"] == [
        "activities.csv：12 行的日期早于学员的入学日期（已计入；请核对入学日期）："
        "第 2、3、4、5、6、7、8、9、10、11 行等"
    ]


def test_a_session_attendee_not_enrolled_in_its_cohort_is_a_problem(
    registry: Registry, tmp_path: Path
) -> None:
    tables = with_records(
        sessions=[SESSION_HEADER, ["s1", "m1", "c1", "2024-08-02", "90", "training"]],
        session_attendees=[["session_id", "person_id"], ["s1", "p1"], ["s1", "m1"]],
    )
    assert failure(registry, write_folder(tmp_path / "batch", tables)) == [
        "session_attendees.csv row 3: person_id (人员编号): person 'm1' is not enrolled in "
        "cohort 'c1', the cohort of session 's1'"
    ]


def test_attendees_of_a_stored_session_are_checked_against_its_cohort(
    registry: Registry, tmp_path: Path
) -> None:
    registry.import_file(
        write_folder(
            tmp_path / "first",
            with_records(
                sessions=[SESSION_HEADER, ["s1", "m1", "c1", "2024-08-02", "90", "training"]],
                session_attendees=[["session_id", "person_id"], ["s1", "p1"]],
            ),
        )
    )
    later = {"session_attendees": [["session_id", "person_id"], ["s1", "p2"], ["s1", "m1"]]}
    assert failure(registry, write_folder(tmp_path / "later", later)) == [
        "session_attendees.csv row 3: person_id (人员编号): person 'm1' is not enrolled in "
        "cohort 'c1', the cohort of session 's1'"
    ]


def test_json_attendees_are_checked_on_their_session_item(
    registry: Registry, tmp_path: Path
) -> None:
    numbers = {"order": int, "required_hours": float}
    document: dict[str, Any] = {"format": "supervise/1"}
    for name, (header, *rows) in base().items():
        document[name] = [
            {k: numbers.get(k, str)(v) for k, v in zip(header, r, strict=True) if v != ""}
            for r in rows
        ]
    document["sessions"] = [
        {
            "id": "s1",
            "mentor_id": "m1",
            "cohort_id": "c1",
            "on": "2024-07-01",
            "minutes": 60,
            "phase": "training",
            "attendees": ["p1", "m1"],
        }
    ]
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert failure(registry, path) == [
        "batch.json: sessions item 1: attendees (参加人员): person 'm1' is not enrolled in "
        "cohort 'c1', the cohort of session 's1'",
        "batch.json: sessions item 1: on (日期): is before cohort 'c1' starts (2024-07-19) (got '2024-07-01')",
    ]


def test_an_attendance_before_the_trainee_enrolled_is_a_warning(
    registry: Registry, tmp_path: Path
) -> None:
    tables = with_records(
        sessions=[SESSION_HEADER, ["s1", "m1", "c1", "2024-07-25", "90", "training"]],
        session_attendees=[["session_id", "person_id"], ["s1", "p1"], ["s1", "p2"]],
    )
    tables["enrollments"][2][2] = "2024-08-01"
    report = registry.import_file(write_folder(tmp_path / "batch", tables))
    assert report.warnings == (
        "session_attendees.csv: 1 attendee attended a session before their enrolment "
        "(counted; check the enrolment date): row 3",
    )


# -- phases by name ---------------------------------------------------------------------------


def test_records_may_name_a_phase_as_the_program_does(registry: Registry, tmp_path: Path) -> None:
    tables = with_records(
        activities=[
            ACTIVITY_HEADER,
            ["a1", "p1", "c1", "岗前培训", "2024-08-01", "2"],
            ["a2", "p1", "c1", " 驻点服务 ", "2024-08-01", "2"],
            ["a3", "p1", "c1", "training", "2024-08-02", "2"],
        ],
        exemptions=[
            ["person_id", "cohort_id", "phase", "granted_on"],
            ["p2", "c1", "驻点服务", "2024-07-19"],
            ["p2", "c1", "practicum", "2024-07-19"],  # the same exemption by key: once
        ],
    )
    report = registry.import_file(write_folder(tmp_path / "batch", tables))
    assert [(a.id, a.phase) for a in registry.find(Activity)] == [
        ("a1", "training"),
        ("a2", "practicum"),
        ("a3", "training"),
    ]
    assert report.tables["exemptions"].inserted == 1
    assert report.warnings == (
        "exemptions: 1 row repeated an earlier row exactly and counted once",
    )


def test_a_phase_name_two_phases_share_or_none_has_is_a_problem(
    registry: Registry, tmp_path: Path
) -> None:
    tables = with_records(
        activities=[
            ACTIVITY_HEADER,
            ["a1", "p1", "c1", "培训", "2024-08-01", "2"],
            ["a2", "p1", "c1", "理论学习", "2024-08-01", "2"],
        ],
        exemptions=[
            ["person_id", "cohort_id", "phase", "granted_on", "reason"],
            ["p2", "c1", "驻点服务", "2024-07-19", "互认"],
            ["p2", "c1", "practicum", "2024-07-19", "另一原因"],
        ],
    )
    tables["phases"].append(["ah", "training2", "培训", "3", ""])
    tables["phases"].append(["ah", "training3", "培训", "4", ""])
    assert failure(registry, write_folder(tmp_path / "batch", tables)) == [
        "activities.csv row 2: phase (环节): '培训' names more than one phase of program 'ah' "
        "(training2, training3): write the phase key",
        "activities.csv row 3: phase (环节): cohort 'c1' (program 'ah') has no phase '理论学习'; "
        "its phases are training (岗前培训), practicum (驻点服务), training2 (培训), training3 (培训)",
        "exemptions.csv row 2: phase (环节): read by its phase name, has the key of "
        "exemptions.csv row 3 and other values (got '驻点服务')",
    ]


# -- vocabularies as offices write them -------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("1", "male"),
        ("2", "female"),
        ("0", None),
        ("9", None),
        ("M", "male"),
        ("f", "female"),
        ("男", "male"),
        ("女性", "female"),
        ("未说明", None),
        ("female", "female"),
        ("", None),
    ],
)
def test_gender_accepts_gb_t_2261_codes_and_m_f(
    registry: Registry, tmp_path: Path, cell: str, stored: str | None
) -> None:
    tables = base()
    tables["people"][0].append("gender")
    for row in tables["people"][1:]:
        row.append(cell)
    registry.import_file(write_folder(tmp_path / "batch", tables))
    assert {p.gender for p in registry.find(Person)} == {stored}


def test_an_unknown_gender_lists_the_codes(registry: Registry, tmp_path: Path) -> None:
    tables = base()
    tables["people"][0].append("gender")
    tables["people"][1].append("3")
    tables["people"][2].append("")
    tables["people"][3].append("")
    with pytest.raises(ImportFailed) as info:
        registry.import_file(write_folder(tmp_path / "batch", tables))
    (problem,) = info.value.problems
    assert problem.message("en") == (
        "people.csv row 2: gender (性别): unknown Gender '3'; expected one of male (男), "
        "female (女); or a GB/T 2261.1 code 1 (male), 2 (female), 0 (unknown), 9 (not stated), "
        "or M, F"
    )
    assert problem.message("zh") == (
        "people.csv 第 2 行：性别（gender）：未知的性别 '3'；可用的值：male (男), female (女)；"
        "或 GB/T 2261.1 代码 1（男）、2（女）、0（未知）、9（未说明），或 M、F"
    )


def test_json_may_give_a_gender_code_as_a_number(registry: Registry, tmp_path: Path) -> None:
    document = {"format": "supervise/1", "people": [{"id": "p", "name": "马", "gender": 2}]}
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    registry.import_file(path)
    assert registry.get(Person, "p").gender == "female"


def test_a_code_meaning_not_recorded_is_refused_where_a_value_is_required() -> None:
    from supervise.model import Gender

    with pytest.raises(ValueError, match="'9' means not recorded, and a value is required here"):
        Gender.parse("9")
