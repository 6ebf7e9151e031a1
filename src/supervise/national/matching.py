"""People matched across provinces: one national ID (or one pseudonym of it), one person.

Every person row with a national ID number (or its pseudonym, see
:mod:`supervise.pseudonym`) is grouped with the rows of other provinces, or of the same one,
that carry the same number. The group is one person, known nationally by the id of the row
that comes first: the first province given, then the smallest id (as an import into one
registry would keep the first record it saw). Every other row of the group is mapped to that
id, its records with it.

Rows of one person must agree on who the person is: a different name, gender or start of
practice under one number means a mistyped number or two records of one person that
disagree, and either would make every answer about that person wrong, so each is a problem
and nothing is answered. Region code and organisation may differ (people move); the first
row's are the person's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol

import duckdb

from supervise.errors import shown_in_both
from supervise.exchange.headers import label as column_label
from supervise.exchange.problems import Problem, Problems
from supervise.lang import Catalogue, Text
from supervise.pii import mask_national_id
from supervise.pseudonym import ProtectionKey, scheme_of
from supervise.tables import TABLES, Table

__all__ = ["IDENTITY", "MAP", "Matches", "match_people"]

#: The table of rows mapped to another row's person: ``province``, ``id``, ``canonical``.
MAP = "national_people"
#: What rows of one person must agree on.
IDENTITY = ("name", "gender", "practice_since")

_T = Catalogue(
    __name__,
    {
        "keys_differ": (
            "各导出文件的假名由不同的密钥生成（{listed}）；各省必须使用同一把密钥",
            "the exports' pseudonyms were made with different keys ({listed}); every province "
            "must use the same key",
        ),
        "key_differs": (
            "给出的密钥（{given}）不是生成这些导出文件所用的密钥（{used}）",
            "the key given ({given}) is not the one the exports were made with ({used})",
        ),
        "key_needed": (
            "{plain} 给出的是身份证号，{hashed} 给出的是假名（{used}）：请给出密钥以便匹配",
            "{plain} give national ID numbers and {hashed} pseudonyms ({used}): give the key "
            "to match them",
        ),
        "key_needed_one": (
            "{plain} 给出的是身份证号，{hashed} 给出的是假名（{used}）：请给出密钥以便匹配",
            "{plain} gives national ID numbers and {hashed} pseudonyms ({used}): give the key "
            "to match them",
        ),
        "differs": (
            "人员 {person} 与 {province} 的 {first} 身份证号相同（{number}），但{field}不同："
            "{mine}，而非 {theirs}；请更正号码，或在两省以相同信息记录此人",
            "person {person} has the national ID {number} of {province}'s {first}, with another "
            "{field}: {mine}, not {theirs}; correct the number, or record the person alike in "
            "both provinces",
        ),
        "pseudonym": ("（假名 {start}…）", "(pseudonym {start}…)"),
    },
)


class Province(Protocol):
    """A province given to the roll-up: its label, place in the order given, and how its
    national IDs are written (``plain`` or a pseudonym scheme and key id)."""

    label: str
    order: int
    national_ids: str


class Part(Protocol):
    """Rows of some provinces: ``select(table)`` gives the stored columns with ``_p`` and
    ``_prefix``."""

    def select(self, table: Table) -> str: ...


class Matches(NamedTuple):
    """``people``: persons found in more than one row; ``rows``: rows mapped to another."""

    people: int
    rows: int


def match_people(
    con: duckdb.DuckDBPyConnection,
    provinces: Sequence[Province],
    parts: Sequence[Part],
    key: ProtectionKey | None,
    problems: Problems,
) -> Matches:
    """Match the people of ``provinces`` (whose rows ``parts`` hold) and write :data:`MAP`;
    problems (pseudonyms of different keys, numbers beside pseudonyms without the key,
    people recorded differently) go to ``problems``."""
    number = _number(con, provinces, key, problems)
    people = TABLES["people"]
    everyone = "\nUNION ALL ".join(
        f"SELECT _p AS province, _prefix AS prefix, id, {number} AS number, name, gender, "
        f"practice_since FROM ({part.select(people)}) "
        "WHERE national_id IS NOT NULL AND id IS NOT NULL"
        for part in parts
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE national_matched AS
        WITH everyone AS ({everyone}),
        shared AS (SELECT number FROM everyone GROUP BY number HAVING count(*) > 1)
        SELECT e.*, row_number() OVER (PARTITION BY e.number ORDER BY e.province, e.id) AS n
        FROM everyone e JOIN shared USING (number)"""
    )
    _conflicts(con, provinces, problems)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {MAP} AS
        SELECT m.province, m.id, f.prefix || f.id AS canonical
        FROM national_matched m JOIN national_matched f ON f.number = m.number AND f.n = 1
        WHERE m.n > 1"""
    )
    ((people, rows),) = con.sql(
        "SELECT count(*) FILTER (WHERE n = 1), count(*) FILTER (WHERE n > 1) FROM national_matched"
    ).fetchall()
    return Matches(people, rows)


def _number(
    con: duckdb.DuckDBPyConnection,
    provinces: Sequence[Province],
    key: ProtectionKey | None,
    problems: Problems,
) -> str:
    """SQL for what people are matched on: the numbers as they are, or all as pseudonyms
    when some provinces wrote pseudonyms and the key is given for the others' numbers."""
    hashed = {p.label: p.national_ids for p in provinces if p.national_ids.startswith("hmac-")}
    plain = [p.label for p in provinces if not p.national_ids.startswith("hmac-")]
    keys = sorted(set(hashed.values()))
    given = None if key is None else scheme_of(key)

    def refuse(reason: Text) -> None:
        problems.add(Problem("people", "people", None, "national_id", None, reason))

    if len(keys) > 1:
        listed = "; ".join(f"{label}: {s}" for label, s in hashed.items())
        refuse(_T("keys_differ", listed=listed))
    elif keys and given is not None and keys[0] != given:
        refuse(_T("key_differs", given=given, used=keys[0]))
    elif keys and plain and key is None:
        kind = "key_needed_one" if len(plain) == 1 else "key_needed"
        refuse(_T(kind, plain=", ".join(plain), hashed=", ".join(hashed), used=keys[0]))
    if not keys or not plain or key is None:
        return "national_id"
    con.create_function(
        "supervise_pseudonym", key.national_id_hash, ["VARCHAR"], "VARCHAR", side_effects=False
    )
    listed = ", ".join(str(p.order) for p in provinces if p.national_ids.startswith("hmac-"))
    return f"CASE WHEN _p IN ({listed}) THEN national_id ELSE supervise_pseudonym(national_id) END"


def _conflicts(
    con: duckdb.DuckDBPyConnection, provinces: Sequence[Province], problems: Problems
) -> None:
    """A problem for each row of a person that tells another name, gender or start of
    practice than the person's first row."""
    labels = {p.order: p.label for p in provinces}
    differs = " OR ".join(f"m.{c} IS DISTINCT FROM f.{c}" for c in IDENTITY)
    rows = con.sql(
        f"""SELECT m.province, m.id, f.province, f.id, m.number,
            {", ".join(f"m.{c}, f.{c}" for c in IDENTITY)}
        FROM national_matched m JOIN national_matched f ON f.number = m.number AND f.n = 1
        WHERE m.n > 1 AND ({differs}) ORDER BY m.province, m.id"""
    ).fetchall()
    for province, pid, first_province, first_id, number, *values in rows:
        shown = _shown_number(number)
        for n, field in enumerate(IDENTITY):
            mine, theirs = values[2 * n], values[2 * n + 1]
            if mine is None or theirs is None or mine == theirs:
                continue  # one province not saying is no disagreement
            mine, theirs = _text(mine), _text(theirs)
            reason = _T(
                "differs",
                person=shown_in_both(pid),
                number=shown,
                province=labels[first_province],
                first=shown_in_both(first_id),
                field=Text(column_label("people", field), column_label("people", field, "zh")),
                mine=shown_in_both(mine),
                theirs=shown_in_both(theirs),
            )
            problems.add(
                Problem(f"{labels[province]}: people", "people", None, field, mine, reason)
            )


def _shown_number(number: str) -> str:
    if len(number) == 64:  # a pseudonym
        return _T("pseudonym", start=number[:8])
    return mask_national_id(number)


def _text(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
