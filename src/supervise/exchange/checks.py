"""Checks of an import across tables that the model cannot make row by row: phases named the
way an office names them, records that contradict their cohort's or their trainee's dates,
and which notes about national ID numbers are worth showing.

Each check reads what it needs from the import (its kept rows) and, for what the import does
not give, from the registry, in a few queries; none writes. Decided per case:

- a phase may be given by its key or by its name in the cohort's program (``理论学习`` for
  ``theory``); a name two phases share, or a phase the program lacks, is a problem;
- an activity, session or deliverable dated before its cohort starts is a problem (an
  activity of 2019 cannot count for a 2025 cohort); one dated on or after the cohort's start
  but before its trainee's ``enrolled_on`` is a warning, since offices often record the
  enrolment date from the paperwork, after the trainee started;
- a session attendee who is not enrolled in the session's cohort is a problem; one whose
  enrolment date is after the session is a warning, as above;
- a national ID whose location code did not exist in the holder's birth year is noted only
  for people new to the registry or whose number changed, in one line per file.
"""

from __future__ import annotations

import itertools
import operator
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from supervise.errors import shown_in_both
from supervise.exchange.gather import Entry, Gathered
from supervise.exchange.headers import normalise
from supervise.exchange.problems import Problem, Problems, at_row
from supervise.lang import Catalogue, Text
from supervise.store.sql import select_in
from supervise.tables import ATTENDEES

__all__ = [
    "ambiguous_phase",
    "attended_before",
    "before_cohort",
    "before_enrolment",
    "check_dates",
    "location_notes",
    "not_enrolled",
    "resolve_phases",
    "unknown_phase",
]

_VALUES = operator.itemgetter(2)  # an Entry's values
#: Rows a summarising warning lists before it only counts.
LISTED_ROWS = 10
#: Tables whose rows name a phase of their cohort's program.
PHASE_TABLES = ("activities", "sessions", "deliverables", "exemptions")
#: Dated records, with the column that dates them.
DATED = (("activities", "on"), ("sessions", "on"), ("deliverables", "submitted_on"))

_T = Catalogue(
    __name__,
    {
        "no_phase": (
            "批次 {cohort}（项目 {program}）没有环节 {phase}；它的环节有：{listed}",
            "cohort {cohort} (program {program}) has no phase {phase}; its phases are {listed}",
        ),
        "no_phases": ("（无）", "none"),
        "ambiguous": (
            "项目 {program} 中有多个环节叫 {phase}（{keys}）：请写环节代码",
            "{phase} names more than one phase of program {program} ({keys}): write the phase key",
        ),
        "same_key": (
            "按环节名称读取后，与{where}的键相同而其他值不同",
            "read by its phase name, has the key of {where} and other values",
        ),
        "before_cohort": (
            "早于批次 {cohort} 的开始日期 {starts}",
            "is before cohort {cohort} starts ({starts})",
        ),
        "before_enrolment": (
            "{source}：{count} 行的日期早于学员的入学日期（已计入；请核对入学日期）：{rows}",
            "{source}: {count} rows are dated before their trainee's enrolment (counted; check "
            "the enrolment dates): {rows}",
        ),
        "not_enrolled": (
            "人员 {person} 不是批次 {cohort} 的学员，而督导记录 {session} 属于该批次",
            "person {person} is not enrolled in cohort {cohort}, the cohort of session {session}",
        ),
        "attended_before": (
            "{source}：{count} 名参加人员在入学日期之前参加了督导"
            "（已计入；请核对入学日期）：{rows}",
            "{source}: {count} attendees attended a session before their enrolment (counted; "
            "check the enrolment dates): {rows}",
        ),
        "locations": (
            "{source}：{count} 个身份证号的地址码在持有人出生那年尚未设立（地址码 {codes}；"
            "已接受：县区会新设或调整代码，如非预期请核对号码）：{rows}",
            "{source}: {count} national IDs have a location code that did not exist in the "
            "holder's birth year (codes {codes}; accepted, as counties are created and renumbered; "
            "check the numbers if unexpected): {rows}",
        ),
        "rows": ("第 {numbers} 行", "rows {numbers}"),
        "items": ("第 {numbers} 项", "items {numbers}"),
        "row": ("第 {numbers} 行", "row {numbers}"),
        "item": ("第 {numbers} 项", "item {numbers}"),
        "one_before_enrolment": (
            "{source}：{count} 行的日期早于学员的入学日期（已计入；请核对入学日期）：{rows}",
            "{source}: {count} row is dated before its trainee's enrolment (counted; check the "
            "enrolment date): {rows}",
        ),
        "one_attended_before": (
            "{source}：{count} 名参加人员在入学日期之前参加了督导"
            "（已计入；请核对入学日期）：{rows}",
            "{source}: {count} attendee attended a session before their enrolment (counted; "
            "check the enrolment date): {rows}",
        ),
        "one_locations": (
            "{source}：{count} 个身份证号的地址码在持有人出生那年尚未设立（地址码 {codes}；"
            "已接受：县区会新设或调整代码，如非预期请核对号码）：{rows}",
            "{source}: {count} national ID has a location code that did not exist in the "
            "holder's birth year (code {codes}; accepted, as counties are created and renumbered; "
            "check the number if unexpected): {rows}",
        ),
    },
)


# -- the messages, also given by a national roll-up's checks (supervise.national) -------------


def unknown_phase(cohort: str, program: str, phase: str, keys: Mapping[str, str]) -> Text:
    """Why ``phase`` is refused: cohort ``cohort``'s program has no phase of that key or
    name (``keys``: its phases' keys and names, in order)."""
    listed = ", ".join(f"{k} ({n})" for k, n in keys.items())
    return _T(
        "no_phase",
        cohort=shown_in_both(cohort),
        program=shown_in_both(program),
        phase=shown_in_both(phase),
        listed=Text(listed, "、".join(f"{k}（{n}）" for k, n in keys.items()))
        if keys
        else _T("no_phases"),
    )


def ambiguous_phase(program: str, phase: str, keys: Sequence[str]) -> Text:
    """Why ``phase`` is refused: it names more than one phase (``keys``) of ``program``."""
    return _T(
        "ambiguous",
        program=shown_in_both(program),
        keys=", ".join(keys),
        phase=shown_in_both(phase),
    )


def before_cohort(cohort: str, starts: str) -> Text:
    """Why a record dated before its cohort ``starts`` (ISO date) is refused."""
    return _T("before_cohort", cohort=shown_in_both(cohort), starts=starts)


def not_enrolled(person: str, cohort: str, session: str) -> Text:
    """Why an attendee of ``session`` not enrolled in its ``cohort`` is refused."""
    return _T(
        "not_enrolled",
        person=shown_in_both(person),
        cohort=shown_in_both(cohort),
        session=shown_in_both(session),
    )


def before_enrolment(source: str, unit: str, rows: Sequence[int]) -> Text:
    """The warning for ``rows`` of ``source`` dated before their trainee's enrolment."""
    return _counted("before_enrolment", source, unit, rows)


def attended_before(source: str, unit: str, rows: Sequence[int]) -> Text:
    """The warning for attendees (``rows`` of ``source``) at sessions before their
    enrolment."""
    return _counted("attended_before", source, unit, rows)


def _column(into: Gathered, name: str) -> int | None:
    columns = into.columns or ()
    return columns.index(name) if name in columns else None


def _kept(
    gathered: Mapping[str, Gathered], table: str, *columns: str, bad: bool = False
) -> list[tuple[Any, ...]]:
    """The values of ``columns`` in the kept rows of ``table`` in the import; with ``bad``
    also in its bad rows where they could be read (a bad row is reported once, not again by
    every row that refers to it)."""
    into = gathered.get(table)
    layout = () if into is None else into.columns or ()
    if into is None or not all(c in layout for c in columns):
        return []
    get = operator.itemgetter(*(layout.index(c) for c in columns))
    entries = into.entries() if bad else into.rows.values()
    found = [get(entry[2]) for entry in entries]
    if len(columns) == 1:
        found = [(value,) for value in found]
    return [values for values in found if None not in values]


def _rows_text(unit: str, numbers: Sequence[int]) -> Text:
    """``rows 4, 9, 12`` / ``第 4、9、12 行``, the first :data:`LISTED_ROWS` of them."""
    shown = [str(n) for n in numbers[:LISTED_ROWS]]
    more = len(numbers) > LISTED_ROWS
    key = ("item" if unit == "item" else "row") + ("s" if len(numbers) > 1 else "")
    text = _T(key, numbers=Text(", ".join(shown), "、".join(shown)))
    return Text(text.en + (", …" if more else ""), text.zh + ("等" if more else ""))


def _counted(key: str, source: str, unit: str, rows: Sequence[int], **values: Any) -> Text:
    """A summary line of ``rows`` of ``source`` (the message ``one_<key>`` for one row)."""
    name = key if len(rows) > 1 else f"one_{key}"
    return _T(name, source=source, count=len(rows), rows=_rows_text(unit, rows), **values)


def _by_source(into: Gathered, entries: Iterable[Entry]) -> dict[tuple[str, str], list[int]]:
    """Row numbers of ``entries`` by (source, unit), in order."""
    found: dict[tuple[str, str], list[int]] = {}
    for entry in entries:
        source, unit, row = into.where(entry)
        found.setdefault((source, unit), []).append(row)
    return {where: sorted(rows) for where, rows in found.items()}


# -- phases by name ---------------------------------------------------------------------------


def resolve_phases(
    conn: sqlite3.Connection, gathered: Mapping[str, Gathered], problems: Problems
) -> None:
    """Read each ``phase`` of activities, sessions, deliverables and exemptions as a key of
    its cohort's program, or as the name of exactly one of its phases (compared after NFKC
    normalisation, as headers are); report a phase that is neither."""
    tables = [
        t for t in PHASE_TABLES if t in gathered and _column(gathered[t], "phase") is not None
    ]
    if not tables:
        return
    program_of = dict(conn.execute("SELECT id, program_id FROM cohorts").fetchall())
    program_of.update(dict(_kept(gathered, "cohorts", "id", "program_id", bad=True)))
    phases: dict[str, dict[str, str]] = {}
    stored = conn.execute('SELECT program_id, key, name FROM phases ORDER BY "order", key')
    given = _kept(gathered, "phases", "program_id", "key", "name", bad=True)
    for program, key, name in [*stored, *given]:
        phases.setdefault(program, {})[key] = name
    resolve = _Resolver(program_of, phases)
    for table in tables:
        _resolve_table(gathered[table], resolve, problems)


class _Resolver:
    """The key a (cohort, phase) pair means, or the reason it means none; remembered."""

    def __init__(self, program_of: Mapping[str, str], phases: Mapping[str, Mapping[str, str]]):
        self.program_of = program_of
        self.phases = phases
        self.names: dict[str, dict[str, list[str]]] = {}
        self.memo: dict[tuple[str, str], str | Text | None] = {}

    def __call__(self, cohort: str, phase: str) -> str | Text | None:
        """The key, a :class:`Text` reason, or ``None`` for a cohort no one knows (its
        reference is reported on its own)."""
        pair = (cohort, phase)
        if pair not in self.memo:
            self.memo[pair] = self._resolve(cohort, phase)
        return self.memo[pair]

    def _resolve(self, cohort: str, phase: str) -> str | Text | None:
        program = self.program_of.get(cohort)
        if program is None:
            return None
        keys = self.phases.get(program, {})
        if phase in keys:
            return phase
        names = self.names.get(program)
        if names is None:
            names = self.names[program] = {}
            for key, name in keys.items():
                names.setdefault(normalise(name), []).append(key)
        found = names.get(normalise(phase), [])
        if len(found) == 1:
            return found[0]
        if found:
            return ambiguous_phase(program, phase, found)
        return unknown_phase(cohort, program, phase, keys)


def _resolve_table(
    into: Gathered, resolve: Callable[[str, str], str | Text | None], problems: Problems
) -> None:
    at, cohort_at = _column(into, "phase"), _column(into, "cohort_id")
    if at is None or cohort_at is None:
        return  # a required column missing: reported already
    pair = operator.itemgetter(cohort_at, at)
    # A million rows name a few hundred (cohort, phase) pairs: resolve those, and touch the
    # rows only when some pair is a name or a problem (given by key, nothing changes).
    pairs = set(map(pair, map(_VALUES, itertools.chain(into.rows.values(), into.partial))))
    if all(p[0] is None or p[1] is None or resolve(*p) in (None, p[1]) for p in pairs):
        return
    keyed = "phase" in into.table.key
    renamed: list[tuple[str, Entry]] = []  # (the phase as given, the row read by key)

    def resolved(entry: Entry) -> Entry | None:
        values = entry[2]
        phase, cohort = values[at], values[cohort_at]
        if phase is None or cohort is None:
            return entry
        outcome = resolve(cohort, phase)
        if isinstance(outcome, Text):
            source, unit, row = into.where(entry)
            problems.add(Problem(source, into.table.name, row, "phase", phase, outcome, unit))
            return None
        if outcome is None or outcome == phase:
            return entry
        return (entry[0], entry[1], (*values[:at], outcome, *values[at + 1 :]))

    into.partial[:] = [resolved(entry) or entry for entry in into.partial]
    for key, entry in list(into.rows.items()):
        changed = resolved(entry)
        if changed is None:
            del into.rows[key]
            into.partial.append(entry)
        elif changed is not entry:
            if keyed:
                del into.rows[key]
                renamed.append((entry[2][at], changed))
            else:
                into.rows[key] = changed
    get = operator.itemgetter(*((into.columns or ()).index(k) for k in into.table.key))
    for given, entry in renamed:
        key = get(entry[2])
        earlier = into.rows.setdefault(key, entry)
        if earlier is entry:
            continue
        if earlier[2] == entry[2]:
            into.repeats += 1
            continue
        source, unit, row = into.where(entry)
        first, first_unit, first_row = into.where(earlier)
        at_first = at_row(first_unit, first_row)
        where = Text(f"{first} {at_first.en}", f"{first} {at_first.zh}")
        reason = _T("same_key", where=where)
        problems.add(Problem(source, into.table.name, row, "phase", given, reason, unit))


# -- dates ------------------------------------------------------------------------------------


def check_dates(
    conn: sqlite3.Connection, gathered: Mapping[str, Gathered], problems: Problems
) -> list[Text]:
    """Report records dated before their cohort starts and session attendees not enrolled
    in the session's cohort; return the warnings (records and attendances before the
    trainee's enrolment), one per file."""
    dated = [(t, c) for t, c in DATED if t in gathered and _column(gathered[t], c) is not None]
    attendees = gathered.get(ATTENDEES.name)
    if not dated and attendees is None:
        return []
    sessions = _sessions(conn, gathered, attendees)
    cohorts = {v[0] for t, _ in dated for v in _kept(gathered, t, "cohort_id")}
    cohorts |= {cohort for cohort, _ in sessions.values()}
    starts = dict(select_in(conn, "cohorts", ("id", "starts_on"), "id", sorted(cohorts)))
    starts.update(dict(_kept(gathered, "cohorts", "id", "starts_on", bad=True)))
    enrolled = {
        (person, cohort): on
        for person, cohort, on in select_in(
            conn,
            "enrollments",
            ("person_id", "cohort_id", "enrolled_on"),
            "cohort_id",
            sorted(cohorts),
        )
    }
    given = _kept(gathered, "enrollments", "person_id", "cohort_id", "enrolled_on", bad=True)
    enrolled.update({(person, cohort): on for person, cohort, on in given})
    warnings = []
    for table, column in dated:
        warnings += _check_dated(gathered[table], column, starts, enrolled, problems)
    if attendees is not None:
        warnings += _check_attendees(attendees, sessions, enrolled, problems)
    return warnings


def _check_dated(
    into: Gathered,
    column: str,
    starts: Mapping[str, str],
    enrolled: Mapping[tuple[str, str], str],
    problems: Problems,
) -> list[Text]:
    day_at, cohort_at = _column(into, column), _column(into, "cohort_id")
    person_at = _column(into, "person_id")
    if day_at is None or cohort_at is None:
        return []
    # Rows fall on a few hundred (cohort, day) pairs; only a day before the cohort starts,
    # or before the latest enrolment of its cohort, needs its rows looked at one by one.
    latest: dict[str, str] = {}
    for (_, cohort), on in enrolled.items():
        latest[cohort] = max(on, latest.get(cohort, on))
    pair = operator.itemgetter(cohort_at, day_at)
    suspect = {
        (cohort, day)
        for cohort, day in set(map(pair, map(_VALUES, into.rows.values())))
        if day < starts.get(cohort, "") or (person_at is not None and day < latest.get(cohort, ""))
    }
    if not suspect:
        return []
    early: list[Entry] = []
    for entry in into.rows.values():
        values = entry[2]
        day, cohort = values[day_at], values[cohort_at]
        if (cohort, day) not in suspect:
            continue
        start = starts.get(cohort)
        if start is not None and day < start:
            source, unit, row = into.where(entry)
            reason = before_cohort(cohort, start)
            problems.add(Problem(source, into.table.name, row, column, day, reason, unit))
        elif person_at is not None:
            since = enrolled.get((values[person_at], cohort))
            if since is not None and day < since:
                early.append(entry)
    return [
        before_enrolment(source, unit, rows)
        for (source, unit), rows in _by_source(into, early).items()
    ]


def _sessions(
    conn: sqlite3.Connection, gathered: Mapping[str, Gathered], attendees: Gathered | None
) -> dict[str, tuple[str, str]]:
    """Cohort and date of every session the import's attendees attend."""
    if attendees is None:
        return {}
    wanted = sorted({session for session, _ in attendees.rows})
    found = {
        sid: (cohort, on)
        for sid, cohort, on in select_in(conn, "sessions", ("id", "cohort_id", "on"), "id", wanted)
    }
    found.update(
        {
            sid: (cohort, on)
            for sid, cohort, on in _kept(gathered, "sessions", "id", "cohort_id", "on")
        }
    )
    return found


def _check_attendees(
    attendees: Gathered,
    sessions: Mapping[str, tuple[str, str]],
    enrolled: Mapping[tuple[str, str], str],
    problems: Problems,
) -> list[Text]:
    early: list[Entry] = []
    for (session, person), entry in attendees.rows.items():
        if session not in sessions:
            continue  # an unknown session: reported by its reference
        cohort, on = sessions[session]
        since = enrolled.get((person, cohort))
        if since is None:
            source, unit, row = attendees.where(entry)
            reason = not_enrolled(person, cohort, session)
            # CSV and XLSX: a row of session_attendees; JSON: the session's attendees list
            table, field = (
                (ATTENDEES.name, "person_id") if unit == "row" else ("sessions", "attendees")
            )
            problems.add(Problem(source, table, row, field, person, reason, unit))
        elif on < since:
            early.append(entry)
    return [
        attended_before(source, unit, rows)
        for (source, unit), rows in _by_source(attendees, early).items()
    ]


# -- national IDs -----------------------------------------------------------------------------


def location_notes(
    conn: sqlite3.Connection,
    people: Gathered | None,
    seal: Callable[[str, Any], Any] | None = None,
) -> list[Text]:
    """One line per file for the national IDs whose location code did not exist in the
    holder's birth year, counting only people new to the registry or whose number changed:
    re-importing a file repeats none of them."""
    if people is None or not people.notes:
        return []
    at = _column(people, "national_id")
    if at is None:
        return []
    noted = {key: (sheet, row) for sheet, row, key, _ in people.notes if key in people.rows}
    stored = dict(select_in(conn, "people", ("id", "national_id"), "id", sorted(noted)))

    def kept(number: Any) -> Any:
        return seal("national_id", number) if seal is not None else number

    fresh = [people.rows[key] for key in noted if stored.get(key) != kept(people.rows[key][2][at])]
    lines = []
    for (source, unit), rows in _by_source(people, fresh).items():
        numbers = [e[2][at] for e in fresh if people.where(e)[:2] == (source, unit)]
        codes = ", ".join(sorted({number[:6] for number in numbers}))
        lines.append(_counted("locations", source, unit, rows, codes=codes))
    return lines
