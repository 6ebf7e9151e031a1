"""The SQLite schema, versioned, and the migrations that bring any older database up to date.

The schema is written out in full (types, keys, foreign keys, indexes) rather than inferred
from data. ``schema_version`` records every version applied; a database whose newest version
is above :data:`SCHEMA_VERSION` was written by a newer `supervise` and is refused. Each
migration runs in the caller's transaction, so a failed upgrade leaves the file untouched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from supervise.errors import SchemaVersionError
from supervise.lang import Catalogue
from supervise.model import HOURS_PLACES
from supervise.store.provenance import file_names
from supervise.tables import TABLES

__all__ = [
    "GENERATION_TABLES",
    "SCHEMA_VERSION",
    "VIEWS",
    "check_version",
    "current_version",
    "migrate",
]

_T = Catalogue(
    __name__,
    {
        "newer": (
            "{where} 的结构版本为 {found}，而此版本的 supervise 只能读取 {supported} 及以下的"
            "版本：请升级 supervise 后再打开",
            "{where} has schema version {found}, but this supervise reads versions up to "
            "{supported}: upgrade supervise to open it",
        ),
        "foreign": (
            "{where} 是 SQLite 数据库，但不是 supervise 登记库（其中有表 {table}，没有 "
            "schema_version）；文件未作任何改动",
            "{where} is an SQLite database but not a supervise registry (it has a table "
            "{table} and no schema_version); the file was left as it was",
        ),
    },
)

#: The tables whose changes the ``generations`` table tracks: every table of records.
GENERATION_TABLES = tuple(TABLES)

# Version 1: every table of the exchange format. Dates are ISO text; tables are STRICT so a
# value of the wrong type is refused by SQLite itself, not stored.
_V1 = """
CREATE TABLE programs (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, region_code TEXT, sponsor TEXT,
    starts_on TEXT, ends_on TEXT
) STRICT;
CREATE TABLE phases (
    program_id TEXT NOT NULL REFERENCES programs(id), key TEXT NOT NULL, name TEXT NOT NULL,
    "order" INTEGER NOT NULL, starts_on TEXT, due_on TEXT, required_hours REAL,
    required_sessions INTEGER, min_session_minutes INTEGER, required_days INTEGER,
    required_deliverables INTEGER, pass_score REAL, weight REAL NOT NULL DEFAULT 1.0,
    PRIMARY KEY (program_id, key)
) STRICT;
CREATE TABLE cohorts (
    id TEXT PRIMARY KEY, program_id TEXT NOT NULL REFERENCES programs(id), name TEXT NOT NULL,
    starts_on TEXT NOT NULL, ends_on TEXT NOT NULL
) STRICT;
CREATE INDEX cohorts_by_program ON cohorts(program_id);
CREATE TABLE people (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, national_id TEXT UNIQUE, phone TEXT, gender TEXT,
    region_code TEXT, organization TEXT, practice_since TEXT
) STRICT;
CREATE TABLE enrollments (
    person_id TEXT NOT NULL REFERENCES people(id), cohort_id TEXT NOT NULL REFERENCES cohorts(id),
    enrolled_on TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'active', left_on TEXT, team TEXT,
    PRIMARY KEY (person_id, cohort_id)
) STRICT;
CREATE INDEX enrollments_by_cohort ON enrollments(cohort_id, person_id);
CREATE TABLE mentors (
    person_id TEXT NOT NULL REFERENCES people(id), cohort_id TEXT NOT NULL REFERENCES cohorts(id),
    kind TEXT NOT NULL DEFAULT 'practitioner', affiliation TEXT, capacity INTEGER,
    PRIMARY KEY (person_id, cohort_id)
) STRICT;
CREATE INDEX mentors_by_cohort ON mentors(cohort_id);
CREATE TABLE pairings (
    mentor_id TEXT NOT NULL, trainee_id TEXT NOT NULL, cohort_id TEXT NOT NULL,
    starts_on TEXT NOT NULL, ends_on TEXT,
    PRIMARY KEY (mentor_id, trainee_id, cohort_id, starts_on),
    FOREIGN KEY (mentor_id, cohort_id) REFERENCES mentors(person_id, cohort_id),
    FOREIGN KEY (trainee_id, cohort_id) REFERENCES enrollments(person_id, cohort_id)
) STRICT;
CREATE INDEX pairings_by_cohort ON pairings(cohort_id);
CREATE INDEX pairings_by_trainee ON pairings(trainee_id, cohort_id);
CREATE TABLE activities (
    id TEXT PRIMARY KEY, person_id TEXT NOT NULL, cohort_id TEXT NOT NULL, phase TEXT NOT NULL,
    "on" TEXT NOT NULL, hours REAL NOT NULL, note TEXT,
    FOREIGN KEY (person_id, cohort_id) REFERENCES enrollments(person_id, cohort_id)
) STRICT;
CREATE INDEX activities_tally ON activities(cohort_id, person_id, phase, "on", hours);
CREATE INDEX activities_by_person ON activities(person_id, cohort_id);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY, mentor_id TEXT NOT NULL, cohort_id TEXT NOT NULL, "on" TEXT NOT NULL,
    minutes INTEGER NOT NULL, form TEXT NOT NULL DEFAULT 'individual',
    phase TEXT NOT NULL DEFAULT 'accompanied_supervision',
    FOREIGN KEY (mentor_id, cohort_id) REFERENCES mentors(person_id, cohort_id)
) STRICT;
CREATE INDEX sessions_by_cohort ON sessions(cohort_id, phase, "on", minutes);
CREATE INDEX sessions_by_mentor ON sessions(mentor_id, cohort_id);
CREATE TABLE session_attendees (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people(id),
    PRIMARY KEY (session_id, person_id)
) STRICT;
CREATE INDEX session_attendees_by_person ON session_attendees(person_id, session_id);
CREATE TABLE placements (
    person_id TEXT NOT NULL, cohort_id TEXT NOT NULL, station TEXT NOT NULL, region_code TEXT,
    starts_on TEXT NOT NULL, ends_on TEXT,
    PRIMARY KEY (person_id, cohort_id, station, starts_on),
    FOREIGN KEY (person_id, cohort_id) REFERENCES enrollments(person_id, cohort_id)
) STRICT;
CREATE INDEX placements_by_cohort ON placements(cohort_id);
CREATE TABLE deliverables (
    id TEXT PRIMARY KEY, person_id TEXT NOT NULL, cohort_id TEXT NOT NULL, phase TEXT NOT NULL,
    title TEXT NOT NULL, submitted_on TEXT NOT NULL, score REAL,
    reviewer_id TEXT REFERENCES people(id),
    FOREIGN KEY (person_id, cohort_id) REFERENCES enrollments(person_id, cohort_id)
) STRICT;
CREATE INDEX deliverables_tally ON deliverables(cohort_id, person_id, phase, submitted_on, score);
CREATE INDEX deliverables_by_person ON deliverables(person_id, cohort_id);
CREATE TABLE exemptions (
    person_id TEXT NOT NULL, cohort_id TEXT NOT NULL, phase TEXT NOT NULL,
    granted_on TEXT NOT NULL, reason TEXT, source TEXT,
    PRIMARY KEY (person_id, cohort_id, phase),
    FOREIGN KEY (person_id, cohort_id) REFERENCES enrollments(person_id, cohort_id)
) STRICT;
CREATE INDEX exemptions_by_cohort ON exemptions(cohort_id);
CREATE TABLE credentials (
    person_id TEXT NOT NULL REFERENCES people(id), level TEXT NOT NULL, certificate_no TEXT,
    issued_on TEXT NOT NULL, expires_on TEXT, issuer TEXT, region_code TEXT,
    PRIMARY KEY (person_id, level, issued_on)
) STRICT;
CREATE TABLE outcomes (
    person_id TEXT NOT NULL REFERENCES people(id), kind TEXT NOT NULL, "on" TEXT NOT NULL,
    detail TEXT,
    PRIMARY KEY (person_id, kind, "on")
) STRICT;
"""


def _v1(conn: sqlite3.Connection) -> None:
    for statement in _V1.split(";\n"):
        if statement.strip():
            conn.execute(statement)


def _v2(conn: sqlite3.Connection) -> None:
    """Version 2: provenance. One row per import that wrote to the registry: what was read
    (as given, and its SHA-256), when, and the rows per table (JSON)."""
    conn.execute(
        "CREATE TABLE imports (id INTEGER PRIMARY KEY, source TEXT NOT NULL, "
        "sha256 TEXT NOT NULL, imported_at TEXT NOT NULL, tables TEXT NOT NULL) STRICT"
    )


def _v3(conn: sqlite3.Connection) -> None:
    """Version 3: generations, for the columnar copy. Every write that changes a table gives
    it a new random token; a copy made at one token is exact for as long as the token stands.
    Random rather than counted, so a registry rebuilt at the same path never matches the
    copy of its predecessor. Activity hours are kept to the micro-hour from now on."""
    conn.execute("CREATE TABLE generations (name TEXT PRIMARY KEY, token TEXT NOT NULL) STRICT")
    conn.executemany(
        "INSERT INTO generations (name, token) VALUES (?, lower(hex(randomblob(8))))",
        [(name,) for name in GENERATION_TABLES],
    )
    rows = conn.execute("SELECT id, hours FROM activities").fetchall()
    conn.executemany(
        "UPDATE activities SET hours = ? WHERE id = ?",
        [
            (round(hours, HOURS_PLACES), id_)
            for id_, hours in rows
            if round(hours, HOURS_PLACES) != hours
        ],
    )


def _v4(conn: sqlite3.Connection) -> None:
    """Version 4: credentials issued (Open Badges 3.0): one row per status list an issuer keeps (a
    Bitstring Status List, addressed by the URL or URN credentials name it by) and one per
    credential issued, with its bit in that list; a revoked credential has ``revoked_at``."""
    conn.execute(
        "CREATE TABLE credential_status_lists (id TEXT PRIMARY KEY, issuer TEXT NOT NULL, "
        "size INTEGER NOT NULL, created_at TEXT NOT NULL) STRICT"
    )
    conn.execute(
        "CREATE TABLE credential_awards (id TEXT PRIMARY KEY, "
        "person_id TEXT NOT NULL REFERENCES people(id), kind TEXT NOT NULL, "
        "achievement TEXT NOT NULL, name TEXT NOT NULL, issuer TEXT NOT NULL, "
        "proof TEXT NOT NULL, issued_at TEXT NOT NULL, "
        "status_list TEXT NOT NULL REFERENCES credential_status_lists(id), "
        "status_index INTEGER NOT NULL, revoked_at TEXT, revoked_reason TEXT, "
        "UNIQUE (status_list, status_index)) STRICT"
    )
    conn.execute("CREATE INDEX credential_awards_by_person ON credential_awards(person_id)")


# Views for people browsing the file (Datasette, DB Browser, sqlite-utils): ``<table>_labelled``
# shows the rows of ``<table>`` one for one, with the name of every id beside it
# (``person_id, person_name``; a phase key beside ``phase_name``), the Chinese label of every
# vocabulary value beside it (``status, status_zh``), keyword columns renamed (``on`` is
# ``on_date``, ``order`` is ``phase_order``) and national ID and phone numbers left out. Joins
# are LEFT joins, so no row is lost. The labels are rows of ``vocabulary_labels``, written
# here as they were when this migration was made: a later change of a vocabulary needs a
# migration of its own (tests/test_views.py compares the two). A migration that rebuilds a
# table must drop these views first and create them again after.
_LABELS = {
    "gender": {"male": "男", "female": "女"},
    "enrollment_status": {"active": "在读", "withdrawn": "已退出", "completed": "已结业"},
    "mentor_kind": {
        "university": "高校导师",
        "practitioner": "实务督导",
        "external": "外部合作导师",
    },
    "session_form": {"individual": "个别督导", "group": "团体督导", "peer": "同辈督导"},
    "credential_level": {
        "assistant": "助理社会工作师",
        "intermediate": "社会工作师",
        "senior": "高级社会工作师",
    },
    "outcome_kind": {
        "expert_pool": "入选人才专家库",
        "standard_drafting": "参与地方标准起草",
        "senior_review_passed": "通过高级社会工作师评审",
        "senior_exam_passed": "通过高级社会工作师考试",
        "promotion": "晋升",
        "completion_certificate": "获得结业证书",
        "other": "其他",
    },
}


def _label(vocabulary: str, column: str) -> str:
    """The Chinese label of ``column``'s value in ``vocabulary``, as an SQL expression."""
    return (
        f"(SELECT zh FROM vocabulary_labels WHERE vocabulary = '{vocabulary}' AND value = {column})"
    )


# A phase's name: the phase of the row's cohort's program.
_PHASE_NAME = (
    "(SELECT ph.name FROM cohorts c2 JOIN phases ph ON ph.program_id = c2.program_id "
    "WHERE c2.id = {row}.cohort_id AND ph.key = {row}.phase)"
)

_VIEWS = {
    "people_labelled": f"""
SELECT p.id, p.name, p.gender, {_label("gender", "p.gender")} AS gender_zh, p.region_code,
       p.organization, p.practice_since
FROM people p""",
    "phases_labelled": """
SELECT ph.program_id, pr.name AS program_name, ph.key, ph.name, ph."order" AS phase_order,
       ph.starts_on, ph.due_on, ph.required_hours, ph.required_sessions,
       ph.min_session_minutes, ph.required_days, ph.required_deliverables, ph.pass_score,
       ph.weight
FROM phases ph LEFT JOIN programs pr ON pr.id = ph.program_id""",
    "cohorts_labelled": """
SELECT c.id, c.program_id, pr.name AS program_name, c.name, c.starts_on, c.ends_on,
       (SELECT count(*) FROM enrollments e WHERE e.cohort_id = c.id) AS trainee_count,
       (SELECT count(*) FROM mentors m WHERE m.cohort_id = c.id) AS mentor_count
FROM cohorts c LEFT JOIN programs pr ON pr.id = c.program_id""",
    "enrollments_labelled": f"""
SELECT e.person_id, p.name AS person_name, e.cohort_id, c.name AS cohort_name, c.program_id,
       pr.name AS program_name, e.enrolled_on, e.status,
       {_label("enrollment_status", "e.status")} AS status_zh, e.left_on, e.team
FROM enrollments e LEFT JOIN people p ON p.id = e.person_id
LEFT JOIN cohorts c ON c.id = e.cohort_id LEFT JOIN programs pr ON pr.id = c.program_id""",
    "mentors_labelled": f"""
SELECT m.person_id, p.name AS person_name, m.cohort_id, c.name AS cohort_name, m.kind,
       {_label("mentor_kind", "m.kind")} AS kind_zh, m.affiliation, m.capacity,
       (SELECT count(DISTINCT pa.trainee_id) FROM pairings pa
        WHERE pa.mentor_id = m.person_id AND pa.cohort_id = m.cohort_id) AS trainee_count
FROM mentors m LEFT JOIN people p ON p.id = m.person_id
LEFT JOIN cohorts c ON c.id = m.cohort_id""",
    "pairings_labelled": """
SELECT pa.mentor_id, mp.name AS mentor_name, pa.trainee_id, tp.name AS trainee_name,
       pa.cohort_id, c.name AS cohort_name, pa.starts_on, pa.ends_on
FROM pairings pa LEFT JOIN people mp ON mp.id = pa.mentor_id
LEFT JOIN people tp ON tp.id = pa.trainee_id LEFT JOIN cohorts c ON c.id = pa.cohort_id""",
    "activities_labelled": f"""
SELECT a.id, a.person_id, p.name AS person_name, a.cohort_id, c.name AS cohort_name, a.phase,
       {_PHASE_NAME.format(row="a")} AS phase_name, a."on" AS on_date, a.hours, a.note
FROM activities a LEFT JOIN people p ON p.id = a.person_id
LEFT JOIN cohorts c ON c.id = a.cohort_id""",
    "sessions_labelled": f"""
SELECT s.id, s.mentor_id, p.name AS mentor_name, s.cohort_id, c.name AS cohort_name,
       s."on" AS on_date, s.minutes, s.form, {_label("session_form", "s.form")} AS form_zh,
       s.phase, {_PHASE_NAME.format(row="s")} AS phase_name,
       (SELECT count(*) FROM session_attendees sa WHERE sa.session_id = s.id) AS attendee_count,
       (SELECT group_concat(name, '、') FROM (
            SELECT ap.name FROM session_attendees sa JOIN people ap ON ap.id = sa.person_id
            WHERE sa.session_id = s.id ORDER BY sa.person_id)) AS attendee_names
FROM sessions s LEFT JOIN people p ON p.id = s.mentor_id
LEFT JOIN cohorts c ON c.id = s.cohort_id""",
    "session_attendees_labelled": f"""
SELECT sa.session_id, sa.person_id, p.name AS person_name, s."on" AS on_date, s.mentor_id,
       mp.name AS mentor_name, s.cohort_id, c.name AS cohort_name, s.minutes, s.form,
       {_label("session_form", "s.form")} AS form_zh, s.phase,
       {_PHASE_NAME.format(row="s")} AS phase_name
FROM session_attendees sa LEFT JOIN people p ON p.id = sa.person_id
LEFT JOIN sessions s ON s.id = sa.session_id LEFT JOIN people mp ON mp.id = s.mentor_id
LEFT JOIN cohorts c ON c.id = s.cohort_id""",
    "placements_labelled": """
SELECT pl.person_id, p.name AS person_name, pl.cohort_id, c.name AS cohort_name, pl.station,
       pl.region_code, pl.starts_on, pl.ends_on
FROM placements pl LEFT JOIN people p ON p.id = pl.person_id
LEFT JOIN cohorts c ON c.id = pl.cohort_id""",
    "deliverables_labelled": f"""
SELECT d.id, d.person_id, p.name AS person_name, d.cohort_id, c.name AS cohort_name, d.phase,
       {_PHASE_NAME.format(row="d")} AS phase_name, d.title, d.submitted_on, d.score,
       d.reviewer_id, r.name AS reviewer_name
FROM deliverables d LEFT JOIN people p ON p.id = d.person_id
LEFT JOIN cohorts c ON c.id = d.cohort_id LEFT JOIN people r ON r.id = d.reviewer_id""",
    "exemptions_labelled": f"""
SELECT x.person_id, p.name AS person_name, x.cohort_id, c.name AS cohort_name, x.phase,
       {_PHASE_NAME.format(row="x")} AS phase_name, x.granted_on, x.reason, x.source
FROM exemptions x LEFT JOIN people p ON p.id = x.person_id
LEFT JOIN cohorts c ON c.id = x.cohort_id""",
    "credentials_labelled": f"""
SELECT cr.person_id, p.name AS person_name, cr.level,
       {_label("credential_level", "cr.level")} AS level_zh, cr.certificate_no, cr.issued_on,
       cr.expires_on, cr.issuer, cr.region_code
FROM credentials cr LEFT JOIN people p ON p.id = cr.person_id""",
    "outcomes_labelled": f"""
SELECT o.person_id, p.name AS person_name, o.kind, {_label("outcome_kind", "o.kind")} AS kind_zh,
       o."on" AS on_date, o.detail
FROM outcomes o LEFT JOIN people p ON p.id = o.person_id""",
}


def _v5(conn: sqlite3.Connection) -> None:
    """Version 5: views with names and labels next to ids, for people browsing the file,
    and the vocabulary labels they show."""
    conn.execute(
        "CREATE TABLE vocabulary_labels (vocabulary TEXT NOT NULL, value TEXT NOT NULL, "
        "zh TEXT NOT NULL, PRIMARY KEY (vocabulary, value)) STRICT"
    )
    conn.executemany(
        "INSERT INTO vocabulary_labels VALUES (?, ?, ?)",
        [(vocab, value, zh) for vocab, labels in _LABELS.items() for value, zh in labels.items()],
    )
    for name, select in _VIEWS.items():
        conn.execute(f"CREATE VIEW {name} AS {select.strip()}")


def _v6(conn: sqlite3.Connection) -> None:
    """Version 6: trust under real operations.

    - The audit trail: ``audit_writes`` (one row per write: when, who, the operation, a
      detail, rows per table) and ``audit_changes`` (one row per record changed: table, key,
      whose record, insert/update/delete, the values before and after, personal numbers
      masked); see :mod:`supervise.store.audit`.
    - ``settings``: facts about the registry itself, such as whether national ID and phone
      numbers are kept encrypted and the check of the key that opens them.
    - Provenance keeps the names of the files an import read, not the folders they were in
      (which offices often name after people): existing rows are rewritten so."""
    conn.execute(
        "CREATE TABLE audit_writes (id INTEGER PRIMARY KEY, at TEXT NOT NULL, "
        "actor TEXT NOT NULL, operation TEXT NOT NULL, detail TEXT, counts TEXT NOT NULL) STRICT"
    )
    conn.execute("CREATE INDEX audit_writes_by_time ON audit_writes(at)")
    conn.execute(
        "CREATE TABLE audit_changes (write_id INTEGER NOT NULL, table_name TEXT NOT NULL, "
        "key TEXT NOT NULL, person_id TEXT, change TEXT NOT NULL, before TEXT, after TEXT) STRICT"
    )
    conn.execute("CREATE INDEX audit_changes_by_write ON audit_changes(write_id)")
    conn.execute("CREATE INDEX audit_changes_by_record ON audit_changes(table_name, key)")
    conn.execute("CREATE INDEX audit_changes_by_person ON audit_changes(person_id)")
    conn.execute("CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT")
    sources = conn.execute("SELECT id, source FROM imports").fetchall()
    conn.executemany(
        "UPDATE imports SET source = ? WHERE id = ?",
        [(file_names(source.split(", ")), id_) for id_, source in sources],
    )


# Version 7: sign-off, caps, continuing education. The new columns join the views of the
# tables that gained them (each view dropped and made again), and one view is new.
_LABELS_6 = {"record_state": {"submitted": "待审核", "confirmed": "已确认", "rejected": "已退回"}}
_SIGNED = (
    "{row}.state, " + _label("record_state", "{row}.state") + " AS state_zh, {row}.signed_by, "
    "(SELECT sp.name FROM people sp WHERE sp.id = {row}.signed_by) AS signer_name, "
    "{row}.signed_on"
)
_VIEWS_6 = {
    "phases_labelled": """
SELECT ph.program_id, pr.name AS program_name, ph.key, ph.name, ph."order" AS phase_order,
       ph.starts_on, ph.due_on, ph.required_hours, ph.required_sessions,
       ph.min_session_minutes, ph.required_days, ph.required_deliverables, ph.pass_score,
       ph.weight, ph.max_group_sessions
FROM phases ph LEFT JOIN programs pr ON pr.id = ph.program_id""",
    "activities_labelled": f"""
SELECT a.id, a.person_id, p.name AS person_name, a.cohort_id, c.name AS cohort_name, a.phase,
       {_PHASE_NAME.format(row="a")} AS phase_name, a."on" AS on_date, a.hours, a.note,
       {_SIGNED.format(row="a")}
FROM activities a LEFT JOIN people p ON p.id = a.person_id
LEFT JOIN cohorts c ON c.id = a.cohort_id""",
    "sessions_labelled": f"""
SELECT s.id, s.mentor_id, p.name AS mentor_name, s.cohort_id, c.name AS cohort_name,
       s."on" AS on_date, s.minutes, s.form, {_label("session_form", "s.form")} AS form_zh,
       s.phase, {_PHASE_NAME.format(row="s")} AS phase_name,
       (SELECT count(*) FROM session_attendees sa WHERE sa.session_id = s.id) AS attendee_count,
       (SELECT group_concat(name, '、') FROM (
            SELECT ap.name FROM session_attendees sa JOIN people ap ON ap.id = sa.person_id
            WHERE sa.session_id = s.id ORDER BY sa.person_id)) AS attendee_names,
       {_SIGNED.format(row="s")}
FROM sessions s LEFT JOIN people p ON p.id = s.mentor_id
LEFT JOIN cohorts c ON c.id = s.cohort_id""",
    "deliverables_labelled": f"""
SELECT d.id, d.person_id, p.name AS person_name, d.cohort_id, c.name AS cohort_name, d.phase,
       {_PHASE_NAME.format(row="d")} AS phase_name, d.title, d.submitted_on, d.score,
       d.reviewer_id, r.name AS reviewer_name, {_SIGNED.format(row="d")}
FROM deliverables d LEFT JOIN people p ON p.id = d.person_id
LEFT JOIN cohorts c ON c.id = d.cohort_id LEFT JOIN people r ON r.id = d.reviewer_id""",
    "credentials_labelled": f"""
SELECT cr.person_id, p.name AS person_name, cr.level,
       {_label("credential_level", "cr.level")} AS level_zh, cr.certificate_no, cr.issued_on,
       cr.expires_on, cr.issuer, cr.region_code, cr.registered_on
FROM credentials cr LEFT JOIN people p ON p.id = cr.person_id""",
    "continuing_education_labelled": """
SELECT ce.id, ce.person_id, p.name AS person_name, ce."on" AS on_date, ce.hours, ce.provider,
       ce.category
FROM continuing_education ce LEFT JOIN people p ON p.id = ce.person_id""",
}


def _v7(conn: sqlite3.Connection) -> None:
    """Version 7: sign-off of activities, sessions and deliverables (``state``, ``signed_by``,
    ``signed_on``; existing records are confirmed) and its log (``sign_offs``); whether a
    program counts submitted records (``pending_counts``); a cap on group sessions per phase
    (``max_group_sessions``); the registration date of credentials (``registered_on``) and the
    ``continuing_education`` table."""
    conn.execute("ALTER TABLE programs ADD COLUMN pending_counts INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE phases ADD COLUMN max_group_sessions INTEGER")
    for table in ("activities", "sessions", "deliverables"):
        conn.execute(f"ALTER TABLE {table} ADD COLUMN state TEXT NOT NULL DEFAULT 'confirmed'")
        conn.execute(f"ALTER TABLE {table} ADD COLUMN signed_by TEXT")
        conn.execute(f"ALTER TABLE {table} ADD COLUMN signed_on TEXT")
        conn.execute(f"CREATE INDEX {table}_by_state ON {table}(state, cohort_id)")
    conn.execute("ALTER TABLE credentials ADD COLUMN registered_on TEXT")
    conn.execute(
        "CREATE TABLE continuing_education (id TEXT PRIMARY KEY, "
        'person_id TEXT NOT NULL REFERENCES people(id), "on" TEXT NOT NULL, '
        "hours REAL NOT NULL, provider TEXT, category TEXT) STRICT"
    )
    conn.execute(
        'CREATE INDEX continuing_education_by_person ON continuing_education(person_id, "on")'
    )
    # Every confirmation and rejection (supervise.signoff), never changed afterwards.
    conn.execute(
        "CREATE TABLE sign_offs (id INTEGER PRIMARY KEY, record_table TEXT NOT NULL, "
        "record_id TEXT NOT NULL, state TEXT NOT NULL, previous_state TEXT NOT NULL, "
        "signed_by TEXT NOT NULL, signed_on TEXT NOT NULL, recorded_at TEXT NOT NULL) STRICT"
    )
    conn.execute("CREATE INDEX sign_offs_by_record ON sign_offs(record_table, record_id)")
    conn.execute("CREATE INDEX sign_offs_by_signer ON sign_offs(signed_by)")
    # A new table needs a generation token, or its columnar copy would never be made.
    conn.execute(
        "INSERT OR IGNORE INTO generations (name, token) "
        "VALUES ('continuing_education', lower(hex(randomblob(8))))"
    )
    conn.executemany(
        "INSERT INTO vocabulary_labels VALUES (?, ?, ?)",
        [(v, value, zh) for v, labels in _LABELS_6.items() for value, zh in labels.items()],
    )
    for name, select in _VIEWS_6.items():
        conn.execute(f"DROP VIEW IF EXISTS {name}")
        conn.execute(f"CREATE VIEW {name} AS {select.strip()}")


#: The read-only views for browsing, in the order they are documented (docs/registry.md).
VIEWS = (*_VIEWS, *(name for name in _VIEWS_6 if name not in _VIEWS))

#: Migrations by the version they produce; ``_MIGRATIONS[n - 1]`` turns version n-1 into n.
_MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7]

#: The schema version this `supervise` writes.
SCHEMA_VERSION = len(_MIGRATIONS)


def current_version(conn: sqlite3.Connection) -> int:
    """The newest schema version applied to the database (0 for an empty database)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if not exists:
        return 0
    (version,) = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(version)


def check_version(conn: sqlite3.Connection, where: str) -> int:
    """The database's schema version (0 for an empty database); :class:`SchemaVersionError`
    when it is newer than this `supervise` reads, or when the file is an SQLite database of
    another application. Reads only: a refused file is left exactly as it was."""
    found = current_version(conn)
    if found > SCHEMA_VERSION:
        raise SchemaVersionError(_T("newer", where=where, found=found, supported=SCHEMA_VERSION))
    if found == 0:
        other = conn.execute(
            "SELECT name FROM sqlite_master "
            "WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 1"
        ).fetchone()
        if other:
            raise SchemaVersionError(_T("foreign", where=where, table=repr(other[0])))
    return found


def migrate(conn: sqlite3.Connection, where: str) -> int:
    """Bring the schema up to :data:`SCHEMA_VERSION` inside the caller's transaction.

    Returns the version found before migrating. ``where`` names the database in messages.
    """
    found = check_version(conn, where)
    if found == 0:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version "
            "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL) STRICT"
        )
    for version in range(found + 1, SCHEMA_VERSION + 1):
        _MIGRATIONS[version - 1](conn)
        conn.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
            (version, datetime.now(UTC).isoformat(timespec="seconds")),
        )
    return found
