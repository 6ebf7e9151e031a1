"""People who arrive from another province under another id, matched by national ID number.

A person row whose id is new but whose national ID number belongs to a person already in the
registry (or to a person given earlier in the same import) is that person: the row is not
written, and every reference to its id in the import is read as the known id. The registry's
record is kept as it is; a difference in names is a warning, since it may mean a mistyped
number. A person row whose id is *known* but whose national ID number belongs to someone else
is a problem: two records cannot share one number.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from supervise.errors import shown_in_both
from supervise.exchange.gather import Entry, Gathered
from supervise.exchange.problems import Problem, Problems, at_row
from supervise.exchange.report import PersonMatch
from supervise.lang import Catalogue, Text
from supervise.pii import mask_national_id
from supervise.store.sql import Reference, select_in
from supervise.tables import TABLES

__all__ = ["match_people", "person_columns"]

_T = Catalogue(
    __name__,
    {
        "taken": (
            "同一身份证号已属于 {holder}",
            "the same national ID is already given to {holder}",
        ),
        "holder": ("人员 {person}", "person {person}"),
        "holder_at": ("人员 {person}（{where}）", "person {person} ({where})"),
        "other_name": (
            "{where}：人员 {person} 的身份证号与 {target} 相同，但姓名不同（{name}，而非 "
            "{known}）；请核对号码",
            "{where}: person {person} has the national ID of {target} but another name "
            "({name}, not {known}); check the number",
        ),
    },
)


def person_columns(refs: Mapping[str, Sequence[Reference]]) -> dict[str, tuple[str, ...]]:
    """Per table, the columns that hold a person id, read from the schema's foreign keys:
    ``people.id`` and every column referring to such a column (``activities.person_id``
    refers to ``enrollments.person_id``, which refers to ``people.id``)."""
    found = {("people", "id")}
    grew = True
    while grew:
        grew = False
        for table, table_refs in refs.items():
            for ref in table_refs:
                for column, parent_column in zip(ref.columns, ref.parent_columns, strict=True):
                    if (ref.parent, parent_column) in found and (table, column) not in found:
                        found.add((table, column))
                        grew = True
    found.discard(("people", "id"))
    return {t: tuple(c for c in TABLES[t].names if (t, c) in found) for t in TABLES}


def match_people(
    conn: sqlite3.Connection,
    people: Gathered,
    problems: Problems,
    seal: Callable[[str, Any], Any] | None = None,
) -> tuple[dict[str, str], list[PersonMatch]]:
    """Match the rows of ``people`` by national ID number; matched rows leave ``people``.
    ``seal(column, value)`` gives a number as the registry stores it (encrypted in a
    protected registry, where equal numbers have equal cells).

    Returns the id each matched person id stands for, and the matches."""
    columns = people.columns or ()
    if "national_id" not in columns or not people.rows:
        return {}, []
    at = columns.index("national_id")
    name_at = columns.index("name") if "name" in columns else None
    known = {row[0] for row in select_in(conn, "people", ("id",), "id", list(people.rows))}
    numbers = [e[2][at] for e in people.rows.values() if e[2][at] is not None]
    stored = {number: seal("national_id", number) for number in numbers} if seal else {}
    number_of = {cell: number for number, cell in stored.items()}
    owners = {
        number_of.get(cell, cell): (pid, name)
        for cell, pid, name in select_in(
            conn,
            "people",
            ("national_id", "id", "name"),
            "national_id",
            list(stored.values()) if seal else numbers,
        )
    }
    first: dict[str, tuple[str, Entry]] = {}
    ids: dict[str, str] = {}
    matches: list[PersonMatch] = []
    for pid, entry in list(people.rows.items()):
        number = entry[2][at]
        if number is None:
            continue
        owner, earlier = owners.get(number), first.get(number)
        target = owner[0] if owner else earlier[0] if earlier else pid
        first.setdefault(number, (target, entry))
        if target == pid:
            continue
        source, unit, row = people.where(entry)
        masked = mask_national_id(number)
        if pid in known:
            person = shown_in_both(target)
            if owner:
                holder = _T("holder", person=person)
            else:
                holder = _T("holder_at", person=person, where=_where(people, earlier))
            reason = _T("taken", holder=holder)
            problems.add(Problem(source, "people", row, "national_id", masked, reason, unit))
            continue
        del people.rows[pid]
        ids[pid] = target
        matches.append(PersonMatch(source, row, unit, pid, target, masked, owner is not None))
        if name_at is not None:
            known_name = owner[1] if owner else earlier[1][2][name_at] if earlier else None
            name = entry[2][name_at]
            if known_name is not None and name != known_name:
                here = at_row(unit, row)
                problems.warn(
                    _T(
                        "other_name",
                        where=Text(f"{source} {here.en}", f"{source} {here.zh}"),
                        person=shown_in_both(pid),
                        target=shown_in_both(target),
                        name=shown_in_both(name),
                        known=shown_in_both(known_name),
                    )
                )
    return ids, matches


def _where(people: Gathered, earlier: tuple[str, Entry] | None) -> Text:
    if earlier is None:
        return Text("", "")
    source, unit, row = people.where(earlier[1])
    here = at_row(unit, row)
    return Text(f"{source} {here.en}", f"{source} {here.zh}")
