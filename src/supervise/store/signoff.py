"""Sign-off (审核确认): a mentor of the cohort confirms or rejects records, and every decision
is kept in the registry's ``sign_offs`` table.

Records are chosen one by one (``("activities", "a17")``), by trainee (every record awaiting
sign-off of that trainee in the cohorts the signer mentors) or all at once for one mentor
(every record awaiting sign-off that the mentor leads or whose trainee the mentor is paired
with). A record already in the state asked for is left as it is and not logged again. The
records change and their log rows land in one transaction, or nothing does; ``dry_run``
checks and counts without writing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import attrs

from supervise.errors import IntegrityError, NotFound, shown_in_both
from supervise.lang import Catalogue, Text, localize, resolve
from supervise.model import SIGNED_TABLES, RecordState, model_for_table
from supervise.store.sql import q
from supervise.tables import TABLES

if TYPE_CHECKING:
    from supervise.store.store import Store

__all__ = ["SignOff", "SignOffResult", "list_sign_offs", "parse_record", "sign_off"]

_T = Catalogue(
    __name__,
    {
        "confirmed": ("{by} 于 {on} 确认 {n} 条记录", "{by} confirmed {n} records on {on}"),
        "confirmed_1": ("{by} 于 {on} 确认 {n} 条记录", "{by} confirmed {n} record on {on}"),
        "rejected": ("{by} 于 {on} 退回 {n} 条记录", "{by} rejected {n} records on {on}"),
        "rejected_1": ("{by} 于 {on} 退回 {n} 条记录", "{by} rejected {n} record on {on}"),
        "would_confirmed": (
            "{by} 于 {on} 确认 {n} 条记录",
            "{by} would have confirmed {n} records on {on}",
        ),
        "would_confirmed_1": (
            "{by} 于 {on} 确认 {n} 条记录",
            "{by} would have confirmed {n} record on {on}",
        ),
        "would_rejected": (
            "{by} 于 {on} 退回 {n} 条记录",
            "{by} would have rejected {n} records on {on}",
        ),
        "would_rejected_1": (
            "{by} 于 {on} 退回 {n} 条记录",
            "{by} would have rejected {n} record on {on}",
        ),
        "unchanged": ("，{n} 条已是该状态", "; {n} already so"),
        "dry_run": ("（试运行，未写入）{summary}", "{summary} (dry run: nothing was written)"),
        "not_mentor": (
            "人员 {person} 不是批次 {cohort} 的导师",
            "person {person} is not a mentor in cohort {cohort}",
        ),
        "unknown_table": (
            "{text}：未知的表 {table}；可审核的记录在 {tables}",
            "{text}: unknown table {table}; records are signed off in {tables}",
        ),
        "two_tables": (
            "{text} 是 {tables} 中记录的编号：请写明是哪一个，例如 {example}",
            "{text} is the id of records in {tables}: say which, as {example}",
        ),
        "not_signed": (
            "{table} 的记录不需审核（只有 {tables}）",
            "records of {table} are not signed off (only {tables})",
        ),
        "submitted": (
            "记录只能被确认或退回；待审核是记录的初始状态",
            "records are confirmed or rejected; submitted is where they start",
        ),
        "one_way": (
            "请只用一种方式选择记录：records、trainee 或 all_pending",
            "choose the records one way: records, trainee or all_pending",
        ),
        "record": ("记录", "record"),
    },
)


@attrs.frozen(kw_only=True)
class SignOff:
    """One decision on one record: the record (``table`` and ``record_id``), the ``state``
    it was given and the one it had, who decided (``signed_by``) and on what day
    (``signed_on``), and when the registry recorded it (UTC; empty in a dry run)."""

    table: str
    record_id: str
    state: RecordState
    previous_state: RecordState
    signed_by: str
    signed_on: date
    recorded_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "record_id": self.record_id,
            "state": self.state.value,
            "previous_state": self.previous_state.value,
            "signed_by": self.signed_by,
            "signed_on": self.signed_on.isoformat(),
            "recorded_at": self.recorded_at or None,
        }


@attrs.frozen(kw_only=True)
class SignOffResult:
    """What a confirmation or rejection did (or, with ``dry_run``, would do): the records it
    ``changed`` and those ``unchanged`` (already in that state)."""

    state: RecordState
    signed_by: str
    signed_on: date
    dry_run: bool
    changed: tuple[SignOff, ...]
    unchanged: tuple[tuple[str, str], ...] = ()

    def counts(self) -> dict[str, int]:
        """Records changed per table, in table order."""
        found = dict.fromkeys(SIGNED_TABLES, 0)
        for s in self.changed:
            found[s.table] += 1
        return {t: n for t, n in found.items() if n}

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "signed_by": self.signed_by,
            "signed_on": self.signed_on.isoformat(),
            "dry_run": self.dry_run,
            "changed": [s.to_dict() for s in self.changed],
            "unchanged": [{"table": t, "record_id": r} for t, r in self.unchanged],
        }

    def to_text(self, lang: str | None = None) -> str:
        """One line per record changed, then a summary, in ``lang`` (default: the language
        setting)."""
        lang = resolve(lang)
        lines = [
            f"{s.table}:{s.record_id}  {s.previous_state.value} → {s.state.value}"
            for s in self.changed
        ]
        n = len(self.changed)
        key = ("would_" if self.dry_run else "") + self.state.value + ("_1" if n == 1 else "")
        summary = localize(_T(key, by=self.signed_by, on=self.signed_on, n=n), lang)
        if self.unchanged:
            summary += localize(_T("unchanged", n=len(self.unchanged)), lang)
        if self.dry_run:
            summary = localize(_T("dry_run", summary=summary), lang)
        lines.append(summary)
        return "\n".join(lines)


_TABLE_NAMES = {
    **{t: t for t in SIGNED_TABLES},
    **{TABLES[t].zh: t for t in SIGNED_TABLES},
}


def parse_record(text: str, store: Store) -> tuple[str, str]:
    """``activities:a17`` (or ``学时记录:a17``), or a bare id found in exactly one of the
    signed tables, as ``(table, id)``."""
    if ":" in text:
        table, _, record = text.partition(":")
        name = _TABLE_NAMES.get(table.strip())
        if name is None:
            tables = ", ".join(f"{t} ({TABLES[t].zh})" for t in SIGNED_TABLES)
            raise ValueError(_T("unknown_table", text=repr(text), table=repr(table), tables=tables))
        return name, record.strip()
    found = [
        t
        for t in SIGNED_TABLES
        if store.conn.execute(f"SELECT 1 FROM {q(t)} WHERE id = ?", (text,)).fetchone()
    ]
    if not found:
        raise NotFound("record", text, record_zh=_T("record").zh)
    if len(found) > 1:
        tables = Text(" and ".join(found), "、".join(found))
        raise ValueError(
            _T("two_tables", text=repr(text), tables=tables, example=f"{found[0]}:{text}")
        )
    return found[0], text


def sign_off(
    store: Store,
    state: RecordState,
    by: str,
    on: date,
    *,
    records: Iterable[tuple[str, str]] | None = None,
    trainee: str | None = None,
    all_pending: bool = False,
    dry_run: bool = False,
) -> SignOffResult:
    """Give the chosen records ``state`` (confirmed or rejected), signed by ``by`` on
    ``on``. Exactly one of ``records``, ``trainee`` and ``all_pending`` chooses.
    :class:`~supervise.errors.IntegrityError` when ``by`` is not a mentor of a record's
    cohort, :class:`~supervise.errors.NotFound` for a record that does not exist; nothing
    is written then."""
    if state is RecordState.SUBMITTED:
        raise ValueError(_T("submitted"))
    chosen = sum((records is not None, trainee is not None, all_pending))
    if chosen != 1:
        raise ValueError(_T("one_way"))
    cohorts = _mentored(store, by)
    if records is not None:
        rows = _named(store, list(records))
        for table, rid, cohort, _ in rows:
            if cohort not in cohorts:
                label = f"{model_for_table(table).__name__} {rid!r}"
                reason = _T("not_mentor", person=shown_in_both(by), cohort=shown_in_both(cohort))
                raise IntegrityError(label, "signed_by", by, reason)
    elif trainee is not None:
        rows = _pending_of_trainee(store, trainee, cohorts)
    else:
        rows = _pending_of_mentor(store, by)
    changed = [
        SignOff(
            table=table,
            record_id=rid,
            state=state,
            previous_state=RecordState.parse(before),
            signed_by=by,
            signed_on=on,
        )
        for table, rid, _, before in rows
        if before != state.value
    ]
    unchanged = tuple((t, r) for t, r, _, before in rows if before == state.value)
    if not dry_run and changed:
        changed = _write(store, changed)
    return SignOffResult(
        state=state,
        signed_by=by,
        signed_on=on,
        dry_run=dry_run,
        changed=tuple(changed),
        unchanged=unchanged,
    )


def _mentored(store: Store, person: str) -> set[str]:
    """The cohorts in which ``person`` is a mentor; NotFound when not a person at all."""
    if not store.conn.execute("SELECT 1 FROM people WHERE id = ?", (person,)).fetchone():
        raise NotFound("Person", person, record_zh=TABLES["people"].zh)
    rows = store.conn.execute("SELECT cohort_id FROM mentors WHERE person_id = ?", (person,))
    return {cohort for (cohort,) in rows}


Row = tuple[str, str, str, str]  # table, id, cohort, state


def _named(store: Store, records: Sequence[tuple[str, str]]) -> list[Row]:
    rows: list[Row] = []
    for table, rid in dict.fromkeys(records):
        if table not in SIGNED_TABLES:
            raise ValueError(_T("not_signed", table=repr(table), tables=", ".join(SIGNED_TABLES)))
        found = store.conn.execute(
            f"SELECT cohort_id, state FROM {q(table)} WHERE id = ?", (rid,)
        ).fetchone()
        if found is None:
            raise NotFound(model_for_table(table).__name__, rid, record_zh=TABLES[table].zh)
        rows.append((table, rid, found[0], found[1]))
    return rows


def _pending_of_trainee(store: Store, trainee: str, cohorts: set[str]) -> list[Row]:
    if not store.conn.execute("SELECT 1 FROM people WHERE id = ?", (trainee,)).fetchone():
        raise NotFound("Person", trainee, record_zh=TABLES["people"].zh)
    rows: list[Row] = []
    for table in ("activities", "deliverables"):
        rows += [
            (table, rid, cohort, st)
            for rid, cohort, st in store.conn.execute(
                f"SELECT id, cohort_id, state FROM {q(table)} "
                "WHERE person_id = ? AND state = 'submitted' ORDER BY id",
                (trainee,),
            )
            if cohort in cohorts
        ]
    rows += [
        ("sessions", rid, cohort, st)
        for rid, cohort, st in store.conn.execute(
            "SELECT s.id, s.cohort_id, s.state FROM sessions s "
            "JOIN session_attendees a ON a.session_id = s.id "
            "WHERE a.person_id = ? AND s.state = 'submitted' ORDER BY s.id",
            (trainee,),
        )
        if cohort in cohorts
    ]
    return sorted(rows, key=_order)


def _pending_of_mentor(store: Store, mentor: str) -> list[Row]:
    """Records awaiting sign-off that ``mentor`` leads (sessions) or whose trainee the
    mentor is paired with in the record's cohort (activities, deliverables)."""
    rows: list[Row] = [
        ("sessions", rid, cohort, st)
        for rid, cohort, st in store.conn.execute(
            "SELECT id, cohort_id, state FROM sessions "
            "WHERE mentor_id = ? AND state = 'submitted' ORDER BY id",
            (mentor,),
        )
    ]
    for table in ("activities", "deliverables"):
        rows += [
            (table, rid, cohort, st)
            for rid, cohort, st in store.conn.execute(
                f"SELECT r.id, r.cohort_id, r.state FROM {q(table)} r "
                "WHERE r.state = 'submitted' AND EXISTS (SELECT 1 FROM pairings g "
                "WHERE g.mentor_id = ? AND g.trainee_id = r.person_id "
                "AND g.cohort_id = r.cohort_id) ORDER BY r.id",
                (mentor,),
            )
        ]
    return sorted(rows, key=_order)


def _order(row: Row) -> tuple[int, str]:
    return SIGNED_TABLES.index(row[0]), row[1]


def _write(store: Store, changes: list[SignOff]) -> list[SignOff]:
    recorded = datetime.now(UTC).isoformat(timespec="seconds")
    operation = "confirm" if changes[0].state is RecordState.CONFIRMED else "reject"
    detail = f"{len(changes)} record(s) signed by {changes[0].signed_by}"
    # The audit trail lists each record's state, signer and date before and after.
    with store.transaction(operation=operation, detail=detail):
        for s in changes:
            store.conn.execute(
                f"UPDATE {q(s.table)} SET state = ?, signed_by = ?, signed_on = ? WHERE id = ?",
                (s.state.value, s.signed_by, s.signed_on.isoformat(), s.record_id),
            )
        store.conn.executemany(
            "INSERT INTO sign_offs (record_table, record_id, state, previous_state, signed_by, "
            "signed_on, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    s.table,
                    s.record_id,
                    s.state.value,
                    s.previous_state.value,
                    s.signed_by,
                    s.signed_on.isoformat(),
                    recorded,
                )
                for s in changes
            ],
        )
        store.changed(*sorted({s.table for s in changes}))
    return [attrs.evolve(s, recorded_at=recorded) for s in changes]


def list_sign_offs(
    store: Store, record: tuple[str, str] | None = None, signed_by: str | None = None
) -> list[SignOff]:
    """The sign-off log, oldest first: of one record, or by one signer, or all."""
    where, params = [], []
    if record is not None:
        where.append("record_table = ? AND record_id = ?")
        params += list(record)
    if signed_by is not None:
        where.append("signed_by = ?")
        params.append(signed_by)
    condition = f"WHERE {' AND '.join(where)}" if where else ""
    rows = store.conn.execute(
        "SELECT record_table, record_id, state, previous_state, signed_by, signed_on, "
        f"recorded_at FROM sign_offs {condition} ORDER BY id",
        params,
    )
    return [
        SignOff(
            table=t,
            record_id=r,
            state=RecordState.parse(s),
            previous_state=RecordState.parse(p),
            signed_by=b,
            signed_on=date.fromisoformat(o),
            recorded_at=at,
        )
        for t, r, s, p, b, o, at in rows
    ]
