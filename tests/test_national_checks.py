"""A roll-up checks Parquet exports in DuckDB exactly as an import checks them in Python.

Generated faults (bad cells, identifiers with control or bidirectional characters, rows out
of order, repeated and conflicting keys, missing parents, unknown phases and phases given by
name, sessions without attendees, attendees not enrolled, records dated before their cohort
or their trainee's enrolment, sign-offs by someone who is not a mentor of the cohort, Chinese
labels that are fine) are put into a valid export; ``supervise import`` and ``supervise.national`` must then list the same
problems (and, when there are none, give the same answers). The SQL screens of
:mod:`supervise.national.cells` are held to the model's rules value by value.
"""

from __future__ import annotations

import math
import shutil
import string
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import attrs
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import supervise
import supervise.national
from supervise import synth
from supervise.errors import ExportsRefused, ImportFailed, InvalidRecord
from supervise.exchange.cells import CellError
from supervise.exchange.columns import column_check
from supervise.model import MODELS
from supervise.national.cells import JUDGED_WHOLE, screen
from supervise.national.parquet import ORDERED, keys_increase
from supervise.tables import TABLES
from tests.exchange_files import NID_1

SCALE = synth.Scale(trainees=10, cohorts=2, programs=1)
AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template") / "ningxia"
    with supervise.open() as registry:
        synth.write(registry, SCALE)
        registry.export(folder, "parquet", include_pii=True)
    (folder / "manifest.json").unlink()  # the faults change files, as a hand-made folder
    return folder


# -- faults ----------------------------------------------------------------------------------

BLANKS = ["", "  ", "\u3000", "\t\n"]
FAULTS: dict[tuple[str, str], list[Any]] = {
    ("activities", "hours"): [25.0, -1.0, 2.5],
    ("activities", "phase"): ["nope", "理论学习", *BLANKS],
    ("activities", "person_id"): ["t9999999", "m000000", "t000\u202e0001"],
    ("activities", "id"): [*BLANKS, "a\x1b[2J", "a\u200b1"],
    ("activities", "on"): [date(2020, 1, 1)],
    ("activities", "signed_by"): ["m000001", "t0000001", "m\n1"],
    ("activities", "note"): ["第一行\n第二行", "\x00"],
    ("enrollments", "enrolled_on"): [date(2026, 1, 1)],
    ("enrollments", "status"): ["x", "已结业", "WITHDRAWN", None],
    ("enrollments", "team"): [None, "  "],
    ("people", "name"): BLANKS,
    ("people", "region_code"): ["123", "64a1", "64"],
    ("people", "gender"): ["男", "unknown", None],
    ("people", "phone"): ["12", "138-1234-5678", "138****5678"],
    ("people", "national_id"): [
        NID_1[:-1] + ("0" if NID_1[-1] != "0" else "1"),
        "1" * 18,
        "640104********003X",
    ],
    ("sessions", "minutes"): [0, -5, 30],
    ("sessions", "form"): ["个别督导", "bad"],
    ("sessions", "phase"): [None, "theory", "nope", "陪伴督导"],
    ("sessions", "on"): [date(2020, 1, 1)],
    ("sessions", "signed_by"): ["m000001", "nobody", None],
    ("deliverables", "score"): [101.0, -0.5, None, 85.0],
    ("deliverables", "reviewer_id"): ["nobody", None],
    ("deliverables", "submitted_on"): [date(2020, 1, 1)],
    ("continuing_education", "person_id"): ["nobody", "m000000"],
    ("continuing_education", "hours"): [-1.0, 0.5],
    ("phases", "order"): [0],
    ("phases", "weight"): [0.0, -1.0],
    ("phases", "pass_score"): [101.0],
    ("mentors", "kind"): ["高校导师", "professor"],
    ("mentors", "capacity"): [0, None],
    ("credentials", "level"): ["社会工作师", "expert"],
    ("outcomes", "kind"): ["expert", "人才专家库"],
    ("cohorts", "program_id"): ["nope"],
    ("session_attendees", "person_id"): ["nobody", "m000000", "t0000009"],
    ("pairings", "trainee_id"): ["m000001"],
}
ORDER_FAULTS = [(table, pair) for table, pairs in ORDERED.items() for pair in pairs]


@st.composite
def faults(draw: st.DrawFn) -> list[tuple[str, Any]]:
    """A few faults: a bad cell, dates out of order, a repeated or conflicting row, a
    deleted row."""
    kinds = st.sampled_from(["cell", "cell", "cell", "order", "repeat", "conflict", "delete"])
    found = []
    for kind in draw(st.lists(kinds, min_size=1, max_size=3)):
        if kind == "cell":
            where = draw(st.sampled_from(sorted(FAULTS)))
            found.append(
                ("cell", (*where, draw(st.sampled_from(FAULTS[where])), draw(st.integers(0, 9))))
            )
        elif kind == "order":
            table, pair = draw(st.sampled_from(ORDER_FAULTS))
            found.append(("order", (table, pair, draw(st.integers(0, 9)))))
        else:
            table = draw(st.sampled_from([t for t in TABLES if t not in ("exemptions",)]))
            found.append((kind, (table, draw(st.integers(0, 99)))))
    return found


def apply(folder: Path, kind: str, args: Any) -> None:
    table = args[0]
    path = folder / f"{table}.parquet"
    data = pq.read_table(path)
    rows = data.to_pylist()
    if not rows:
        return
    schema = data.schema
    if kind == "cell":
        _, column, value, at = args
        if isinstance(value, float) and pa.types.is_decimal(schema.field(column).type):
            schema = schema.set(schema.get_field_index(column), pa.field(column, pa.float64()))
            for row in rows:
                row[column] = None if row[column] is None else float(row[column])
        rows[at % len(rows)][column] = value
    elif kind == "order":
        _, (first, second), at = args
        row = rows[at % len(rows)]
        if row[first] is None:
            return
        row[second] = row[first] - timedelta(days=1)
    elif kind == "repeat":
        rows.insert(args[1] % len(rows) + 1, dict(rows[args[1] % len(rows)]))
    elif kind == "conflict":
        copy = dict(rows[args[1] % len(rows)])
        other = [
            c
            for c in TABLES[table].names
            if c not in TABLES[table].key and schema.field(c).type == pa.string()
        ]
        if not other:
            return
        copy[other[0]] = "另一个值"
        rows.append(copy)
    else:
        del rows[args[1] % len(rows)]
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)


# -- the two checks agree --------------------------------------------------------------------


def import_problems(folder: Path) -> tuple[list[str], int, list[str]]:
    with supervise.open() as registry:
        try:
            report = registry.import_file(folder)
        except ImportFailed as exc:
            return sorted(map(str, exc.problems)), exc.total, []
        return [], 0, sorted(w for w in report.warnings if _compared(w))


def _compared(warning: str) -> bool:
    """Warnings both give (location notes are an import's only: a roll-up does not look
    location codes up)."""
    return "repeated" in warning or "enrolment" in warning


def national_problems(folder: Path) -> tuple[list[str], int, list[str]]:
    try:
        national = supervise.national.open([folder])
    except ExportsRefused as exc:
        return sorted(str(p).removeprefix("ningxia: ") for p in exc.problems), exc.total, []
    with national:
        return [], 0, sorted(w.removeprefix("ningxia: ") for w in national.warnings)


@settings(max_examples=30)
@given(faults())
def test_a_roll_up_refuses_exactly_what_an_import_refuses(template: Path, found: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ningxia"
        shutil.copytree(template, folder)
        for kind, args in found:
            apply(folder, kind, args)
        expected = import_problems(folder)
        assert national_problems(folder) == expected
        if not expected[0]:  # accepted by both: the same answers
            _same_answers(folder)


def _same_answers(folder: Path) -> None:
    policy = synth.expert_pool_policy(SCALE)
    national_policy = attrs.evolve(
        policy, rules=[synth.national_policy().rules[0], *policy.rules[1:]]
    )
    with supervise.open() as registry, supervise.national.open([folder]) as national:
        registry.import_file(folder)
        assert (
            national.tiers(AS_OF, "county").to_dict() == registry.tiers(AS_OF, "county").to_dict()
        )
        ours = national.eligibility(national_policy, AS_OF).to_dict()
        for person in ours["people"]:
            person["person_id"] = person["person_id"].removeprefix("ningxia:")
        assert ours == registry.eligibility(national_policy, AS_OF).to_dict()


def test_a_clean_export_has_no_problems_and_proves_its_keys(template: Path) -> None:
    assert national_problems(template) == ([], 0, [])
    for table in TABLES.values():
        assert keys_increase(template / f"{table.name}.parquet", list(table.key))


def test_rows_out_of_key_order_are_still_checked_for_repeats(
    template: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "ningxia"
    shutil.copytree(template, folder)
    path = folder / "activities.parquet"
    data = pq.read_table(path)
    pq.write_table(pa.concat_tables([data.slice(50), data.slice(0, 51)]), path)  # row 50 twice
    assert not keys_increase(path, ["id"])
    assert national_problems(folder) == import_problems(folder)
    assert national_problems(folder)[2] == [
        "activities: 1 row repeated an earlier row exactly and counted once"
    ]


# -- the screens never pass what the model refuses -----------------------------------------

TEXT = st.text(
    alphabet=st.sampled_from(
        [*string.printable, "\u3000", "\u00a0", "\u2028", "王", "٣", "X", "x"]
    ),
    max_size=20,
)


def _values(column: Any) -> st.SearchStrategy[Any]:
    if column.name == "national_id":
        digits = st.text(alphabet=string.digits, min_size=17, max_size=17)
        return st.one_of(
            st.builds(lambda d, c: d + c, digits, st.sampled_from([*string.digits, "X", "x"])),
            st.just(NID_1),
            TEXT,
        )
    if column.kind == "integer":
        return st.integers(-(2**40), 2**40)
    if column.kind == "real":
        return st.one_of(
            st.floats(allow_nan=True, allow_infinity=True), st.integers(-200, 200).map(float)
        )
    return TEXT


COLUMNS = [
    (table, column)
    for table in TABLES.values()
    for column in table.columns
    if column.kind != "date"
]


@pytest.mark.parametrize(
    ("table", "column"), COLUMNS, ids=[f"{t.name}.{c.name}" for t, c in COLUMNS]
)
@settings(max_examples=25)
@given(data=st.data())
def test_a_screen_passes_only_values_the_model_keeps_as_they_are(
    table: Any, column: Any, data: st.DataObject
) -> None:
    kind = {"integer": "BIGINT", "real": "DOUBLE"}.get(column.kind, "VARCHAR")
    condition = screen(table, column, kind)
    if condition == JUDGED_WHOLE:
        return
    value = data.draw(_values(column))
    con = duckdb.connect()
    con.execute(f'CREATE TABLE t ("{column.name}" {kind})')
    con.execute("INSERT INTO t VALUES (?)", [value])
    (picked,) = con.sql(f"SELECT coalesce(({condition}), true) FROM t").fetchone()  # type: ignore[misc]
    if picked:
        return
    rule = column_check(table, column.name, "json")
    try:
        stored = rule.check(value)
    except CellError as exc:
        raise AssertionError(
            f"the screen passed {value!r}, which the model refuses: {exc}"
        ) from None
    assert stored == value or (isinstance(value, float) and math.isclose(stored, value))
    assert type(stored) is type(value)


def test_only_a_few_small_columns_are_judged_whole() -> None:
    whole = [f"{t.name}.{c.name}" for t, c in COLUMNS if screen(t, c, "VARCHAR") == JUDGED_WHOLE]
    assert whole == ["programs.pending_counts"]


# -- the rules across fields are the model's -----------------------------------------------


def test_the_ordered_pairs_are_the_models_rules_across_fields() -> None:
    with_rules = {cls.__table__ for cls in MODELS if "__attrs_post_init__" in vars(cls)}
    assert set(ORDERED) == with_rules
    records = {type(r): r for r in synth.records(SCALE)}
    for cls in MODELS:
        record = records.get(cls)
        for first, second in ORDERED.get(cls.__table__, ()):
            assert record is not None, cls
            start = getattr(record, first) or date(2024, 7, 1)
            with pytest.raises(InvalidRecord, match=f"must not be before {first}"):
                attrs.evolve(record, **{first: start, second: start - timedelta(days=1)})
            attrs.evolve(record, **{first: start, second: start})  # the same day is in order


REALS = [(t, c) for t, c in COLUMNS if c.kind == "real"]


@pytest.mark.parametrize(("table", "column"), REALS, ids=[f"{t.name}.{c.name}" for t, c in REALS])
def test_a_screen_picks_every_value_that_is_not_a_finite_number(table: Any, column: Any) -> None:
    # Found by the property above: a weight of infinity passed the screen of a column with no
    # upper bound, and was used although the model refuses it.
    condition = screen(table, column, "DOUBLE")
    if condition == JUDGED_WHOLE:
        return
    con = duckdb.connect()
    con.execute(f'CREATE TABLE t ("{column.name}" DOUBLE)')
    con.executemany("INSERT INTO t VALUES (?)", [[math.inf], [-math.inf], [math.nan]])
    picked = con.sql(f"SELECT coalesce(({condition}), true) FROM t").fetchall()
    assert picked == [(True,), (True,), (True,)]
