"""The read-only views for browsing a registry (``<table>_labelled``): on the Ningxia example
they return one row per table row with the expected names and labels; on any consistent
registry their names equal the records'; they cannot be written, carry no national ID or phone
number, and every column can be named without quotes."""

from __future__ import annotations

import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

import supervise
from supervise.demo import ningxia
from supervise.model import (
    Activity,
    Cohort,
    Credential,
    CredentialLevel,
    Deliverable,
    Enrollment,
    EnrollmentStatus,
    Gender,
    MentorKind,
    MentorRole,
    Outcome,
    OutcomeKind,
    Pairing,
    Person,
    PhaseSpec,
    RecordState,
    Session,
    SessionForm,
)
from supervise.store import SCHEMA_VERSION
from supervise.store.schema import VIEWS
from tests.strategies import worlds

FIXTURES = Path(__file__).parent / "fixtures"

#: Each view's columns, in order: the browsing contract documented in docs/registry.md.
COLUMNS = {
    "people_labelled": "id name gender gender_zh region_code organization practice_since",
    "phases_labelled": (
        "program_id program_name key name phase_order starts_on due_on required_hours "
        "required_sessions min_session_minutes required_days required_deliverables pass_score "
        "weight max_group_sessions"
    ),
    "cohorts_labelled": "id program_id program_name name starts_on ends_on trainee_count mentor_count",
    "enrollments_labelled": (
        "person_id person_name cohort_id cohort_name program_id program_name enrolled_on status "
        "status_zh left_on team"
    ),
    "mentors_labelled": (
        "person_id person_name cohort_id cohort_name kind kind_zh affiliation capacity "
        "trainee_count"
    ),
    "pairings_labelled": (
        "mentor_id mentor_name trainee_id trainee_name cohort_id cohort_name starts_on ends_on"
    ),
    "activities_labelled": (
        "id person_id person_name cohort_id cohort_name phase phase_name on_date hours note "
        "state state_zh signed_by signer_name signed_on"
    ),
    "sessions_labelled": (
        "id mentor_id mentor_name cohort_id cohort_name on_date minutes form form_zh phase "
        "phase_name attendee_count attendee_names state state_zh signed_by signer_name "
        "signed_on"
    ),
    "session_attendees_labelled": (
        "session_id person_id person_name on_date mentor_id mentor_name cohort_id cohort_name "
        "minutes form form_zh phase phase_name"
    ),
    "placements_labelled": (
        "person_id person_name cohort_id cohort_name station region_code starts_on ends_on"
    ),
    "deliverables_labelled": (
        "id person_id person_name cohort_id cohort_name phase phase_name title submitted_on "
        "score reviewer_id reviewer_name state state_zh signed_by signer_name signed_on"
    ),
    "exemptions_labelled": (
        "person_id person_name cohort_id cohort_name phase phase_name granted_on reason source"
    ),
    "credentials_labelled": (
        "person_id person_name level level_zh certificate_no issued_on expires_on issuer "
        "region_code registered_on"
    ),
    "outcomes_labelled": "person_id person_name kind kind_zh on_date detail",
    "continuing_education_labelled": ("id person_id person_name on_date hours provider category"),
}
#: The vocabulary each ``*_zh`` label column translates, as ``vocabulary_labels`` names it.
VOCABULARIES = {
    "gender": Gender,
    "enrollment_status": EnrollmentStatus,
    "mentor_kind": MentorKind,
    "session_form": SessionForm,
    "credential_level": CredentialLevel,
    "outcome_kind": OutcomeKind,
    "record_state": RecordState,
}


def table_of(view: str) -> str:
    return view.removesuffix("_labelled")


def rows(conn: sqlite3.Connection, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in conn.execute(sql, params)]


@pytest.fixture(scope="module")
def demo() -> Iterator[sqlite3.Connection]:
    with supervise.open() as registry:
        ningxia.build(registry)
        yield registry.conn


# -- the Ningxia example ---------------------------------------------------------------------


def test_every_view_is_documented_and_has_its_columns(demo: sqlite3.Connection) -> None:
    assert list(VIEWS) == list(COLUMNS)
    found = rows(demo, "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name")
    assert found == [(v,) for v in sorted(COLUMNS)]
    for view, columns in COLUMNS.items():
        names = [r[1] for r in demo.execute(f"PRAGMA table_info({view})")]
        assert names == columns.split(), view


@pytest.mark.parametrize("view", list(COLUMNS))
def test_each_view_has_one_row_per_row_of_its_table_and_every_name(
    demo: sqlite3.Connection, view: str
) -> None:
    (in_view,) = demo.execute(f"SELECT count(*) FROM {view}").fetchone()
    (in_table,) = demo.execute(f"SELECT count(*) FROM {table_of(view)}").fetchone()
    assert in_view == in_table > 0
    for column in COLUMNS[view].split():
        if column.endswith(("_name", "_zh")) and column not in ("reviewer_name", "signer_name"):
            sql = f"SELECT count(*) FROM {view} WHERE {column} IS NULL"
            assert demo.execute(sql).fetchone() == (0,), f"{view}.{column}"


EXPECTED = [
    (
        "SELECT * FROM people_labelled WHERE id = 't2022-02'",
        ("t2022-02", "周志磊", "female", "女", "640106", "金凤区社会工作服务中心", "2019-08-01"),
    ),
    (
        "SELECT * FROM phases_labelled WHERE program_id = 'nx-sup-2024' AND key = 'practicum'",
        (
            "nx-sup-2024",
            "宁夏第二批社会工作督导评估人才“小团队”培养项目",
            "practicum",
            "实践教学",
            3,
            "2024-08-01",
            "2024-09-30",
            60.0,
            None,
            None,
            10,
            None,
            None,
            1.0,
            None,
        ),
    ),
    (
        "SELECT * FROM cohorts_labelled WHERE id = 'nx-2024-b2'",
        (
            "nx-2024-b2",
            "nx-sup-2024",
            "宁夏第二批社会工作督导评估人才“小团队”培养项目",
            "第二批",
            "2024-07-01",
            "2024-11-30",
            31,
            9,
        ),
    ),
    (
        "SELECT * FROM enrollments_labelled WHERE person_id = 't2022-01'",
        (
            "t2022-01",
            "朱建",
            "nx-2022-b1",
            "第一批",
            "nx-sup-2022",
            "宁夏第一批社会工作督导评估人才“小团队”培养项目",
            "2022-06-15",
            "completed",
            "已结业",
            None,
            None,
        ),
    ),
    (
        "SELECT * FROM mentors_labelled WHERE person_id = 'm2024-1'",
        ("m2024-1", "高红", "nx-2024-b2", "第二批", "university", "高校导师", "中山大学", 4, 4),
    ),
    (
        "SELECT * FROM pairings_labelled WHERE trainee_id = 't2024-08'",
        ("m2024-2", "丁勇", "t2024-08", "朱庆", "nx-2024-b2", "第二批", "2024-08-01", "2024-11-30"),
    ),
    (
        "SELECT * FROM activities_labelled WHERE id = 'nx-2024-b2-a-t2024-08-prac-10'",
        (
            "nx-2024-b2-a-t2024-08-prac-10",
            "t2024-08",
            "朱庆",
            "nx-2024-b2",
            "第二批",
            "practicum",
            "实践教学",
            "2024-10-24",
            6.0,
            "社工站实践",
            "confirmed",
            "已确认",
            None,
            None,
            None,
        ),
    ),
    (
        "SELECT * FROM sessions_labelled WHERE id = 'nx-2024-b2-s-m2024-1-1'",
        (
            "nx-2024-b2-s-m2024-1-1",
            "m2024-1",
            "高红",
            "nx-2024-b2",
            "第二批",
            "2024-08-18",
            90,
            "group",
            "团体督导",
            "accompanied_supervision",
            "陪伴督导",
            4,
            "徐志、郭华燕、李凤强、刘明洋",
            "confirmed",
            "已确认",
            "m2024-1",
            "高红",
            "2024-08-19",
        ),
    ),
    (
        "SELECT * FROM session_attendees_labelled "
        "WHERE session_id = 'nx-2024-b2-s-m2024-2-1' AND person_id = 't2024-08'",
        (
            "nx-2024-b2-s-m2024-2-1",
            "t2024-08",
            "朱庆",
            "2024-08-22",
            "m2024-2",
            "丁勇",
            "nx-2024-b2",
            "第二批",
            90,
            "group",
            "团体督导",
            "accompanied_supervision",
            "陪伴督导",
        ),
    ),
    (
        "SELECT * FROM placements_labelled WHERE person_id = 't2024-08'",
        (
            "t2024-08",
            "朱庆",
            "nx-2024-b2",
            "第二批",
            "兴庆区通贵乡社工站",
            "640104",
            "2024-08-01",
            "2024-10-30",
        ),
    ),
    (
        "SELECT * FROM deliverables_labelled WHERE id = 'nx-2022-b1-d-t2022-01-1'",
        (
            "nx-2022-b1-d-t2022-01-1",
            "t2022-01",
            "朱建",
            "nx-2022-b1",
            "第一批",
            "case_study",
            "案例研究",
            "社区督导个案研究报告",
            "2022-12-08",
            84.0,
            "m2022-1",
            "刘勇",
            "confirmed",
            "已确认",
            None,
            None,
            None,
        ),
    ),
    (
        "SELECT * FROM exemptions_labelled WHERE person_id = 't2024-05'",
        (
            "t2024-05",
            "张庆婷",
            "nx-2024-b2",
            "第二批",
            "theory",
            "理论学习",
            "2024-07-01",
            "已完成同等内容培训",
            "四川省社会工作督导人才培训（川渝互认）",
        ),
    ),
    (
        "SELECT * FROM credentials_labelled WHERE level = 'senior' AND person_id = 't2022-11'",
        (
            "t2022-11",
            "赵娟洋",
            "senior",
            "高级社会工作师",
            "GJ20240001",
            "2024-11-01",
            None,
            "宁夏回族自治区人力资源和社会保障厅",
            "64",
            "2024-11-15",
        ),
    ),
    (
        "SELECT * FROM outcomes_labelled WHERE kind = 'standard_drafting' AND person_id = 't2022-17'",
        (
            "t2022-17",
            "徐磊",
            "standard_drafting",
            "参与地方标准起草",
            "2024-03-01",
            "参与宁夏地方标准起草、调研、论证",
        ),
    ),
    (
        "SELECT * FROM continuing_education_labelled WHERE id = 'ce-t2024-03-001'",
        (
            "ce-t2024-03-001",
            "t2024-03",
            "李凤强",
            "2020-02-22",
            16.0,
            "银川市社会工作协会",
            "督导实务研讨",
        ),
    ),
    (
        "SELECT * FROM activities_labelled WHERE state = 'rejected'",
        (
            "nx-2024-b2-a-t2024-07-theo-dup",
            "t2024-07",
            "杨丽国",
            "nx-2024-b2",
            "第二批",
            "theory",
            "理论学习",
            "2024-07-20",
            8.0,
            "集中授课（重复登记）",
            "rejected",
            "已退回",
            "m2024-2",
            "丁勇",
            "2024-07-25",
        ),
    ),
]


@pytest.mark.parametrize(("sql", "row"), EXPECTED, ids=[s.split()[3] for s, _ in EXPECTED])
def test_views_show_names_and_labels_beside_ids(
    demo: sqlite3.Connection, sql: str, row: tuple[Any, ...]
) -> None:
    assert rows(demo, sql) == [row]


def test_a_browsing_query_reads_like_the_office_speaks(demo: sqlite3.Connection) -> None:
    sql = (
        "SELECT cohort_name, phase_name, sum(hours) FROM activities_labelled "
        "WHERE cohort_id = 'nx-2024-b2' AND state = 'confirmed' "
        "GROUP BY phase ORDER BY min(on_date)"
    )
    assert rows(demo, sql) == [
        ("第二批", "理论学习", 1160.0),
        ("第二批", "业务培训", 992.0),
        ("第二批", "实践教学", 1860.0),
        ("第二批", "陪伴督导", 744.0),
    ]


# -- read-only, private, unquoted ------------------------------------------------------------


@pytest.mark.parametrize("view", list(COLUMNS))
def test_views_cannot_be_written(demo: sqlite3.Connection, view: str) -> None:
    first = COLUMNS[view].split()[0]
    message = f"cannot modify {view} because it is a view"
    for sql in (
        f"INSERT INTO {view} ({first}) VALUES ('x')",
        f"UPDATE {view} SET {first} = 'x'",
        f"DELETE FROM {view}",
    ):
        with pytest.raises(sqlite3.OperationalError, match=message):
            demo.execute(sql)
    (in_view,) = demo.execute(f"SELECT count(*) FROM {view}").fetchone()
    assert in_view == demo.execute(f"SELECT count(*) FROM {table_of(view)}").fetchone()[0]


def test_no_view_shows_a_national_id_or_phone_number(demo: sqlite3.Connection) -> None:
    secrets = {
        value
        for row in demo.execute("SELECT national_id, phone FROM people")
        for value in row
        if value
    }
    assert len(secrets) > 50
    for view, columns in COLUMNS.items():
        assert not {"national_id", "phone"} & set(columns.split()), view
        shown = {str(v) for row in demo.execute(f"SELECT * FROM {view}") for v in row}
        assert not any(secret in value for value in shown for secret in secrets), view


def test_every_column_can_be_named_without_quotes(demo: sqlite3.Connection) -> None:
    # `on` and `order` would be syntax errors here: the views call them on_date, phase_order.
    with pytest.raises(sqlite3.OperationalError, match="syntax error"):
        demo.execute("SELECT on FROM activities")
    for view, columns in COLUMNS.items():
        demo.execute(f"SELECT {', '.join(columns.split())} FROM {view} LIMIT 1").fetchall()


def test_vocabulary_labels_are_the_models() -> None:
    # The labels are written into the migration as they were then: a vocabulary changed since
    # needs a migration that writes its labels again.
    with supervise.open() as registry:
        stored = set(rows(registry.conn, "SELECT vocabulary, value, zh FROM vocabulary_labels"))
    model = {(name, m.value, m.zh) for name, vocab in VOCABULARIES.items() for m in vocab}
    assert stored == model, "vocabulary_labels differs from supervise.model.vocab"


def test_a_registry_of_an_older_schema_gets_the_views(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-v1.db", path)
    with supervise.open(path) as registry:
        assert registry.migrated_from == 1
        versions = rows(registry.conn, "SELECT version FROM schema_version")
        assert versions == [(v,) for v in range(1, SCHEMA_VERSION + 1)]
        for view in COLUMNS:
            (in_view,) = registry.conn.execute(f"SELECT count(*) FROM {view}").fetchone()
            (in_table,) = registry.conn.execute(f"SELECT count(*) FROM {table_of(view)}").fetchone()
            assert in_view == in_table, view
        assert rows(
            registry.conn, "SELECT count(*) FROM enrollments_labelled WHERE person_name IS NULL"
        ) == [(0,)]


# -- any consistent registry -----------------------------------------------------------------


def expected(records: list[Any]) -> dict[str, Counter[tuple[Any, ...]]]:
    """The rows of some views, worked out from the records in Python (with repeats)."""
    of = {cls: [r for r in records if isinstance(r, cls)] for cls in {type(r) for r in records}}
    name = {p.id: p.name for p in of.get(Person, [])}
    cohort = {c.id: c for c in of.get(Cohort, [])}
    phase = {(p.program_id, p.key): p.name for p in of.get(PhaseSpec, [])}
    pairings = of.get(Pairing, [])

    def phase_name(cohort_id: str, key: str) -> str | None:
        return phase.get((cohort[cohort_id].program_id, key))

    return {
        "enrollments_labelled": Counter(
            (
                e.person_id,
                name[e.person_id],
                e.cohort_id,
                cohort[e.cohort_id].name,
                e.status.zh,
                e.team,
            )
            for e in of.get(Enrollment, [])
        ),
        "mentors_labelled": Counter(
            (
                m.person_id,
                name[m.person_id],
                m.kind.zh,
                len(
                    {
                        p.trainee_id
                        for p in pairings
                        if (p.mentor_id, p.cohort_id) == (m.person_id, m.cohort_id)
                    }
                ),
            )
            for m in of.get(MentorRole, [])
        ),
        "pairings_labelled": Counter(
            (
                p.mentor_id,
                name[p.mentor_id],
                p.trainee_id,
                name[p.trainee_id],
                cohort[p.cohort_id].name,
            )
            for p in pairings
        ),
        "activities_labelled": Counter(
            (a.id, name[a.person_id], phase_name(a.cohort_id, a.phase), a.on.isoformat(), a.hours)
            for a in of.get(Activity, [])
        ),
        "sessions_labelled": Counter(
            (
                s.id,
                name[s.mentor_id],
                s.form.zh,
                phase_name(s.cohort_id, s.phase),
                len(s.attendees),
                "、".join(name[p] for p in sorted(s.attendees)) or None,
            )
            for s in of.get(Session, [])
        ),
        "deliverables_labelled": Counter(
            (
                d.id,
                name[d.person_id],
                phase_name(d.cohort_id, d.phase),
                d.reviewer_id and name[d.reviewer_id],
            )
            for d in of.get(Deliverable, [])
        ),
        "credentials_labelled": Counter(
            (c.person_id, name[c.person_id], c.level.zh) for c in of.get(Credential, [])
        ),
        "outcomes_labelled": Counter(
            (o.person_id, o.kind.zh, o.on.isoformat()) for o in of.get(Outcome, [])
        ),
        "people_labelled": Counter(
            (p.id, p.name, p.gender and p.gender.zh) for p in of.get(Person, [])
        ),
    }


SELECTS = {
    "enrollments_labelled": "person_id, person_name, cohort_id, cohort_name, status_zh, team",
    "mentors_labelled": "person_id, person_name, kind_zh, trainee_count",
    "pairings_labelled": "mentor_id, mentor_name, trainee_id, trainee_name, cohort_name",
    "activities_labelled": "id, person_name, phase_name, on_date, hours",
    "sessions_labelled": "id, mentor_name, form_zh, phase_name, attendee_count, attendee_names",
    "deliverables_labelled": "id, person_name, phase_name, reviewer_name",
    "credentials_labelled": "person_id, person_name, level_zh",
    "outcomes_labelled": "person_id, kind_zh, on_date",
    "people_labelled": "id, name, gender_zh",
}


@settings(max_examples=40)
@given(worlds(max_people=5, max_records=16))
def test_views_agree_with_the_records_of_any_registry(records: list[Any]) -> None:
    with supervise.open() as registry:
        registry.add(records)
        for view, want in expected(records).items():
            got = rows(registry.conn, f"SELECT {SELECTS[view]} FROM {view}")
            assert Counter(got) == want, view
        for view in COLUMNS:
            (in_view,) = registry.conn.execute(f"SELECT count(*) FROM {view}").fetchone()
            (in_table,) = registry.conn.execute(f"SELECT count(*) FROM {table_of(view)}").fetchone()
            assert in_view == in_table, view
