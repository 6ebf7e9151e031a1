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
from supervise.model import HOURS_PLACES
from supervise.tables import TABLES

__all__ = [
    "GENERATION_TABLES",
    "SCHEMA_VERSION",
    "check_version",
    "current_version",
    "migrate",
]

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


#: Migrations by the version they produce; ``_MIGRATIONS[n - 1]`` turns version n-1 into n.
_MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3, _v4]

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
    """The database's schema version; :class:`SchemaVersionError` when it is newer than
    this `supervise` reads. Reads only."""
    found = current_version(conn)
    if found > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{where} has schema version {found}, but this supervise reads versions up to "
            f"{SCHEMA_VERSION}: upgrade supervise to open it"
        )
    return found


def migrate(conn: sqlite3.Connection, where: str) -> int:
    """Bring the schema up to :data:`SCHEMA_VERSION` inside the caller's transaction.

    Returns the version found before migrating. ``where`` names the database in messages.
    """
    found = check_version(conn, where)
    if found == 0:
        other = conn.execute(
            "SELECT name FROM sqlite_master "
            "WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 1"
        ).fetchone()
        if other:
            raise SchemaVersionError(
                f"{where} is an SQLite database but not a supervise registry "
                f"(it has a table {other[0]!r} and no schema_version)"
            )
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
