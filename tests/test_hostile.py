"""Hostile input: whatever file a user throws at an import, it either imports or is refused
with a SuperviseError naming the problems, nothing is half-written, and the command line never
shows a traceback."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import supervise
from supervise import ImportFailed, SuperviseError
from supervise.cli import cli
from tests.exchange_files import base, write_folder

FORMULAS = [
    '=HYPERLINK("http://evil.example","点击")',
    "=1+2",
    "+SUM(A1:A9)",
    "-2+3",
    "@cmd",
    "=cmd|' /C calc'!A0",
]
NASTY = st.one_of(
    st.text(max_size=40),
    st.sampled_from(FORMULAS),
    st.text(
        alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Lo"]), max_size=20
    ),
    st.just("x" * 200_000),  # a huge field
    st.sampled_from(
        ["", " ", "NaN", "inf", "-1", "1e309", "0x10", "2024-02-30", "7/1/2024", "null", "true"]
    ),
)
HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]


def counts(registry: supervise.Registry) -> dict[str, int]:
    return registry.counts()


def attempt(registry: supervise.Registry, path: Path) -> supervise.ImportReport | None:
    """Import ``path``; a refusal must be a SuperviseError, and must leave no trace."""
    before = counts(registry)
    refusal: SuperviseError | None = None
    try:
        return registry.import_file(path)
    except SuperviseError as exc:
        refusal = exc
    if isinstance(refusal, ImportFailed):
        assert refusal.problems, "a refusal lists its problems"
        assert refusal.total >= len(refusal.problems)
    assert counts(registry) == before
    assert registry.imports() == []  # a refused file leaves no provenance record
    return None


def cli_import(path: Path, db: Path) -> None:
    result = CliRunner().invoke(cli, ["import", str(path), "--db", str(db)])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@settings(max_examples=40, suppress_health_check=HEALTH)
@given(
    table=st.sampled_from(sorted(base())),
    row=st.integers(0, 3),
    column=st.integers(0, 5),
    value=NASTY,
)
def test_a_csv_cell_of_any_content_imports_or_is_refused_cleanly(
    tmp_path_factory: pytest.TempPathFactory, table: str, row: int, column: int, value: str
) -> None:
    tables = base()
    rows = tables[table]
    r = rows[min(row, len(rows) - 1)]
    r[min(column, len(r) - 1)] = value
    folder = write_folder(tmp_path_factory.mktemp("csv"), tables)
    with supervise.open() as registry:
        report = attempt(registry, folder)
        if report is not None and table == "people" and row > 0 and column == 1 and value.strip():
            stored = registry.get(supervise.Person, rows[row][0])
            assert stored.name == value.strip() or stored.name == value  # text stays text


@settings(max_examples=30, suppress_health_check=HEALTH)
@given(cut=st.floats(0, 1), junk=st.binary(max_size=64))
def test_truncated_or_corrupted_files_are_refused_cleanly(
    tmp_path_factory: pytest.TempPathFactory, cut: float, junk: bytes
) -> None:
    folder = write_folder(tmp_path_factory.mktemp("cut"), base())
    victim = folder / "people.csv"
    data = victim.read_bytes()
    victim.write_bytes(data[: int(len(data) * cut)] + junk)
    with supervise.open() as registry:
        attempt(registry, folder)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=40, suppress_health_check=HEALTH)
@given(
    table=st.sampled_from(sorted(base())),
    field=st.sampled_from(["id", "name", "starts_on", "order", "extra"]),
    value=JSON_VALUES,
)
def test_a_json_value_of_any_type_imports_or_is_refused_cleanly(
    tmp_path_factory: pytest.TempPathFactory, table: str, field: str, value: Any
) -> None:
    document: dict[str, Any] = {"format": "supervise/1"}
    for name, rows in base().items():
        header, *body = rows
        document[name] = [{k: v for k, v in zip(header, r, strict=True) if v != ""} for r in body]
    document[table][0][field] = value
    path = tmp_path_factory.mktemp("json") / "batch.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with supervise.open() as registry:
        attempt(registry, path)


@settings(max_examples=25, suppress_health_check=HEALTH)
@given(text=st.text(max_size=200))
def test_a_json_document_of_any_text_is_refused_cleanly(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = tmp_path_factory.mktemp("junk") / "batch.json"
    path.write_text(text, encoding="utf-8")
    with supervise.open() as registry:
        attempt(registry, path)


def xlsx(tables: dict[str, list[list[Any]]]) -> bytes:
    """A workbook of ``tables``; values a workbook cannot hold (control characters) are
    left out of the example, since no spreadsheet could send them."""
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    book = Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        for row in rows:
            try:
                sheet.append(row)
            except IllegalCharacterError:
                assume(False)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@settings(max_examples=25, suppress_health_check=HEALTH)
@given(
    value=NASTY | st.integers() | st.floats(allow_nan=True) | st.booleans(), where=st.integers(0, 2)
)
def test_xlsx_cells_of_any_content_import_or_are_refused_cleanly(
    tmp_path_factory: pytest.TempPathFactory, value: Any, where: int
) -> None:
    tables: dict[str, list[list[Any]]] = {k: [list(r) for r in v] for k, v in base().items()}
    tables["people"][1][[0, 1, 3][where]] = value
    path = tmp_path_factory.mktemp("xlsx") / "batch.xlsx"
    path.write_bytes(xlsx(tables))
    with supervise.open() as registry:
        attempt(registry, path)


@settings(max_examples=20, suppress_health_check=HEALTH)
@given(cut=st.floats(0, 0.99))
def test_a_truncated_workbook_or_zip_is_refused_cleanly(
    tmp_path_factory: pytest.TempPathFactory, cut: float
) -> None:
    folder = tmp_path_factory.mktemp("zip")
    book = xlsx({k: [list(r) for r in v] for k, v in base().items()})
    (folder / "batch.xlsx").write_bytes(book[: int(len(book) * cut)])
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for name, rows in base().items():
            z.writestr(f"{name}.csv", "\n".join(",".join(r) for r in rows))
    (folder / "batch.zip").write_bytes(archive.getvalue()[: int(len(archive.getvalue()) * cut)])
    with supervise.open() as registry:
        attempt(registry, folder / "batch.xlsx")
        attempt(registry, folder / "batch.zip")


def test_formula_injection_in_names_is_stored_as_text_and_neutralised_in_xlsx(
    tmp_path: Path,
) -> None:
    tables = base()
    tables["people"][1][1] = FORMULAS[0]
    folder = write_folder(tmp_path / "in", tables)
    with supervise.open() as registry:
        registry.import_file(folder)
        assert registry.get(supervise.Person, "p1").name == FORMULAS[0]
        registry.export(tmp_path / "out.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "out.xlsx")["people"]
    names = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert "'" + FORMULAS[0] in names
    assert all(not (isinstance(n, str) and n.startswith("=")) for n in names)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\x01\x02 not a csv",
        "名字\n".encode("utf-16"),
        b"\xff\xfe\xfd",
        b"id,name\n" + b"a," * 10_000,
    ],
)
def test_the_command_line_never_shows_a_traceback(tmp_path: Path, content: bytes) -> None:
    folder = write_folder(tmp_path / "in", base())
    (folder / "people.csv").write_bytes(content)
    cli_import(folder, tmp_path / "r.db")
    cli_import(folder / "people.csv", tmp_path / "r.db")


# -- the attacks of issue 14: each ends in a row-level report, never an internal error ------


def activities(**overrides: str) -> dict[str, list[list[str]]]:
    """The base batch with one activity, its cells overridden."""
    tables = base()
    row = {
        "id": "a1",
        "person_id": "p1",
        "cohort_id": "c1",
        "phase": "training",
        "on": "2024-08-01",
        "hours": "2",
    }
    row.update(overrides)
    tables["activities"] = [list(row), list(row.values())]
    return tables


def refusal(registry: supervise.Registry, path: Path, lang: str = "en") -> list[str]:
    with pytest.raises(ImportFailed) as info:
        registry.import_file(path)
    assert registry.counts() == dict.fromkeys(registry.counts(), 0)
    return [p.message(lang) for p in info.value.problems]


def document(**tables: list[dict[str, Any]]) -> dict[str, Any]:
    """The base batch as a JSON document, with ``tables`` added."""
    numbers = {"order": int, "required_hours": float}
    out: dict[str, Any] = {"format": "supervise/1"}
    for name, (header, *rows) in base().items():
        out[name] = [
            {k: numbers.get(k, str)(v) for k, v in zip(header, r, strict=True) if v != ""}
            for r in rows
        ]
    out.update(tables)
    return out


ACTIVITY = {
    "id": "a1",
    "person_id": "p1",
    "cohort_id": "c1",
    "phase": "training",
    "on": "2024-08-01",
    "hours": 2,
}
DELIVERABLE = {
    "id": "d1",
    "person_id": "p1",
    "cohort_id": "c1",
    "phase": "training",
    "title": "报告",
    "submitted_on": "2024-08-01",
    "score": 90,
}


def test_numbers_of_thousands_of_digits_in_csv_are_problems_of_their_row(tmp_path: Path) -> None:
    tables = activities(hours="9" * 5000)
    tables["phases"][1][3] = "9" * 30
    tables["deliverables"] = [list(DELIVERABLE), [*map(str, DELIVERABLE.values())]]
    tables["deliverables"][1][-1] = "9" * 400
    tables["mentors"] = [["person_id", "cohort_id", "capacity"], ["m1", "c1", "9" * 6000]]
    with supervise.open() as registry:
        assert refusal(registry, write_folder(tmp_path / "in", tables)) == [
            "phases.csv row 2: order (顺序): is too large: the registry stores whole numbers up "
            "to 9,223,372,036,854,775,807 (got '999999999999999999999999999999')",
            "mentors.csv row 2: capacity (带教人数上限): is too long a number (6,000 digits) "
            "(got <a number of 6,000 digits>)",
            "activities.csv row 2: hours (学时): is too long a number (5,000 digits) "
            "(got <a number of 5,000 digits>)",
            "deliverables.csv row 2: score (评分): is too long a number (400 digits) (got <a "
            "number of 400 digits>)",
        ]


def test_numbers_of_thousands_of_digits_in_json_are_problems_of_their_item(tmp_path: Path) -> None:
    text = json.dumps(
        document(
            activities=[{**ACTIVITY, "hours": 111}], deliverables=[{**DELIVERABLE, "score": 222}]
        )
    )
    text = text.replace('"order": 1', '"order": ' + "9" * 30)
    text = text.replace('"hours": 111', '"hours": ' + "9" * 5000)
    text = text.replace('"score": 222', '"score": ' + "9" * 400)
    path = tmp_path / "batch.json"
    path.write_text(text, encoding="utf-8")
    with supervise.open() as registry:
        assert refusal(registry, path) == [
            "batch.json: phases item 1: order (顺序): is too large: the registry stores whole "
            "numbers up to 9,223,372,036,854,775,807 (got 999999999999999999999999999999)",
            "batch.json: activities item 1: hours (学时): is too long a number (5,000 digits) "
            "(got <a number of 5,000 digits>)",
            "batch.json: deliverables item 1: score (评分): is too long a number (400 digits) "
            "(got <a number of 400 digits>)",
        ]
        assert refusal(registry, path, "zh")[1] == (
            "batch.json: activities 第 1 项：学时（hours）：数字太长（5,000 位）（实际为 <5,000 位的数>）"
        )


def test_a_lone_surrogate_in_an_id_is_a_problem_of_its_item(tmp_path: Path) -> None:
    text = json.dumps(document()).replace('"id": "p1"', '"id": "p1\\ud800"')
    path = tmp_path / "batch.json"
    path.write_text(text, encoding="utf-8")
    with supervise.open() as registry:
        assert refusal(registry, path)[0] == (
            "batch.json: people item 1: id (人员编号): must not hold a lone surrogate (not valid "
            "Unicode text) (character 3, U+D800) (got 'p1\\ud800')"
        )


@pytest.mark.parametrize(("opening", "closing"), [("[", "]"), ('{"a": ', "}")])
def test_json_nested_a_hundred_thousand_deep_is_a_problem_naming_its_item(
    tmp_path: Path, opening: str, closing: str
) -> None:
    deep = opening * 100_000 + "1" + closing * 100_000
    good = json.dumps(document(outcomes=[{"person_id": "p1", "kind": "other", "on": "2024-09-01"}]))
    text = good[:-1] + ', "sessions": [{"id": "s1"}, {"id": ' + deep + "}]}"
    path = tmp_path / "deep.json"
    path.write_text(text, encoding="utf-8")
    with supervise.open() as registry:
        assert refusal(registry, path) == [
            "deep.json: sessions item 2: is nested more than 64 levels deep (line 1 of the "
            "JSON): no value of an exchange file nests that deep"
        ]


def test_a_value_nested_within_the_stack_is_a_cell_problem_shown_short(tmp_path: Path) -> None:
    nested: Any = "x"
    for _ in range(300):
        nested = [nested]
    path = tmp_path / "batch.json"
    people = [*document()["people"], {"id": nested, "name": "王"}]
    path.write_text(json.dumps(document(people=people)), encoding="utf-8")
    with supervise.open() as registry:
        assert refusal(registry, path) == [
            "batch.json: people item 4: id (人员编号): must be text (got [[[[...]]]])"
        ]


def test_repeated_keys_in_a_json_document_are_problems_not_lost_rows(tmp_path: Path) -> None:
    first = json.dumps(
        document(programs=[{"id": "ah", "name": "安徽三区计划"}, {"id": "lost", "name": "丢失"}]),
        ensure_ascii=False,
    )
    text = first[:-1] + ', "programs": [{"id": "ah", "name": "安徽三区计划"}]}'
    text = text.replace('"name": "王雪梅"', '"name": "王雪梅", "name": "王雪"')
    path = tmp_path / "dup.json"
    path.write_text(text, encoding="utf-8")
    with supervise.open() as registry:
        assert refusal(registry, path) == [
            "dup.json: the key 'programs' appears 2 times in the document: a later list would "
            "replace the earlier one and lose its rows",
            "dup.json: people item 1: the key 'name' appears 2 times in this object: only one "
            "value could be kept",
        ]


HOSTILE_IDS = [
    ("a line break", "p\n1", "character 2, U+000A"),
    ("a NUL character", "p\x001", "character 2, U+0000"),
    ("a control character (such as a terminal escape)", "p\x1b[2J1", "character 2, U+001B"),
    ("a bidirectional control (it reorders what is shown)", "p\u202e1", "character 2, U+202E"),
    ("an invisible formatting character", "p\u200b1", "character 2, U+200B"),
]


@pytest.mark.parametrize(("what", "value", "where"), HOSTILE_IDS)
def test_an_id_with_a_control_or_bidirectional_character_is_refused(
    tmp_path: Path, what: str, value: str, where: str
) -> None:
    tables = base()
    tables["people"].append([value, "某人", "", ""])
    with supervise.open() as registry:
        (message,) = refusal(registry, write_folder(tmp_path / "in", tables))
    assert (
        message
        == f"people.csv row 5: id (人员编号): must not hold {what} ({where}) (got {value!r})"
    )
    assert value not in message  # shown escaped: the terminal never receives it


@settings(max_examples=60, suppress_health_check=HEALTH)
@given(
    prefix=st.text(max_size=3),
    bad=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]),
    suffix=st.text(max_size=3),
)
def test_no_control_or_formatting_character_gets_into_an_id(
    tmp_path_factory: pytest.TempPathFactory, prefix: str, bad: str, suffix: str
) -> None:
    value = prefix + bad + "x" + suffix
    path = tmp_path_factory.mktemp("ids") / "batch.json"
    path.write_text(json.dumps(document(people=[{"id": value, "name": "某人"}])), encoding="utf-8")
    with supervise.open() as registry:
        messages = refusal(registry, path)
    assert any("must not hold" in m for m in messages)
    assert all(bad not in m for m in messages if bad.isprintable() is False)


def test_a_symbolic_link_in_a_folder_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:SECRET:/root:/bin/bash\n", encoding="utf-8")
    folder = write_folder(tmp_path / "in", base())
    (folder / "people.csv").unlink()
    (folder / "people.csv").symlink_to(secret)
    with supervise.open() as registry:
        messages = refusal(registry, folder)
    assert messages == [
        "people.csv: is a symbolic link, which is not followed: copy the file itself into the folder"
    ]
    result = CliRunner().invoke(cli, ["import", str(folder), "--db", str(tmp_path / "r.db")])
    assert "SECRET" not in result.output


def test_a_symbolic_link_in_a_zip_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "batch.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, rows in base().items():
            archive.writestr(f"{name}.csv", "\n".join(",".join(r) for r in rows))
        link = zipfile.ZipInfo("outcomes.csv")
        link.external_attr = 0o120777 << 16  # a symlink to /etc/passwd
        archive.writestr(link, "/etc/passwd")
    with supervise.open() as registry:
        assert refusal(registry, path) == [
            "batch.zip: outcomes.csv: is a symbolic link in the ZIP, which is not read"
        ]


def test_names_of_files_are_shown_escaped(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", base())
    (folder / "\x1b[31m红色.csv").write_text("id\n1\n", encoding="utf-8")
    with supervise.open() as registry:
        (message,) = refusal(registry, folder)
    assert message.startswith("\\x1b[31m红色.csv: unknown table '\\x1b[31m红色'; expected one of")
    assert "\x1b" not in message


# -- archives ---------------------------------------------------------------------------------


def test_zip_members_are_streamed_never_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "batch.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in base().items():
            archive.writestr(f"{name}.csv", "\n".join(",".join(r) for r in rows))

    def whole(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("a member was read whole into memory")

    monkeypatch.setattr(zipfile.ZipFile, "read", whole)
    with supervise.open() as registry:
        assert registry.import_file(path).tables["people"].inserted == 3


def test_a_zip_member_that_expands_past_the_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from supervise.exchange import read

    monkeypatch.setattr(read, "MAX_MEMBER_SIZE", 1 << 20)
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("people.csv", b"id,name\n" + b"0" * (3 << 20))
        archive.writestr("programs.csv", "id,name\nah,安徽\n")
    assert path.stat().st_size < 20_000

    def unread(*args: object, **kwargs: object) -> None:
        raise AssertionError("a member over the limit was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", unread)
    with supervise.open() as registry:
        assert refusal(registry, path) == [
            "bomb.zip: people.csv: expands to 3 MiB, over the limit of 1 MiB: refused (a ZIP "
            "bomb? send a large table as a folder instead)"
        ]


def test_all_members_together_are_held_to_a_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from supervise.exchange import read

    monkeypatch.setattr(read, "MAX_ARCHIVE_SIZE", 2 << 20)
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(3):
            archive.writestr(f"people{n}.csv", b"id,name\n" + b"0" * (1 << 20))
    with supervise.open() as registry:
        assert refusal(registry, path) == [
            "many.zip: expands to 3 MiB in all, over the limit of 2 MiB: refused (a ZIP bomb?)"
        ]


def test_a_zip_member_larger_than_it_declares_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "liar.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("programs.csv", "id,name\nah,安徽三区计划\n")
    data = bytearray(path.read_bytes())
    # declare 10 bytes in the local header and the central directory (offsets 22 and 24)
    central = data.rindex(b"PK\x01\x02")
    for at in (22, central + 24):
        data[at : at + 4] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with supervise.open() as registry:
        (message,) = refusal(registry, path)
    assert message.startswith("liar.zip: programs.csv: cannot read this member of the ZIP: ")


def test_an_xlsx_whose_parts_expand_past_the_limit_is_refused_before_opening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from supervise.exchange import read

    path = tmp_path / "book.xlsx"
    path.write_bytes(xlsx({k: [list(r) for r in v] for k, v in base().items()}))
    monkeypatch.setattr(read, "MAX_MEMBER_SIZE", 100)
    with supervise.open() as registry:
        messages = refusal(registry, path)
    assert messages
    assert all("over the limit of 0 MiB: refused" in m for m in messages)


# -- formulas ---------------------------------------------------------------------------------

STARTERS = [*FORMULAS, "\t=1", "\r=1", "＝1+1", "＋1", "－2", "＠SUM(A1)", "﹦1", "'=1", "''-x"]


def test_the_formula_starters_are_every_character_nfkc_folds_into_one() -> None:
    from supervise.exchange.cells import FORMULA_STARTS

    folded = {
        chr(c)
        for c in range(0x110000)
        if unicodedata.normalize("NFKC", chr(c)) in ("=", "+", "-", "@")
    }
    assert set(FORMULA_STARTS) == folded | {"\t", "\r"}


def spreadsheet_cells(path: Path) -> list[str]:
    """Every text cell of every CSV file in a folder or ZIP, as a spreadsheet reads it."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            texts = [
                archive.read(n).decode("utf-8-sig")
                for n in archive.namelist()
                if n.endswith(".csv")
            ]
    else:
        texts = [p.read_bytes().decode("utf-8-sig") for p in sorted(path.glob("*.csv"))]
    return [cell for text in texts for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("out", ["folder", "batch.zip"])
def test_formulas_are_neutralised_in_csv_and_come_back_exactly(tmp_path: Path, out: str) -> None:
    people = [
        supervise.Person(id=f"x{n}", name="某人", organization=v) for n, v in enumerate(STARTERS)
    ]
    with supervise.open() as registry:
        registry.add(people)
        stored = {p.id: p.organization for p in registry.find(supervise.Person)}
        assert [stored[f"x{n}"] for n in range(len(STARTERS))] == STARTERS
        registry.export(tmp_path / out, include_pii=True)
    live = [c for c in spreadsheet_cells(tmp_path / out) if c[:1] in FORMULA_STARTS_SHOWN]
    assert live == []
    assert "'" + FORMULAS[0] in spreadsheet_cells(tmp_path / out)
    assert "'＝1+1" in spreadsheet_cells(tmp_path / out)
    with supervise.open() as copy:
        copy.import_file(tmp_path / out)
        assert {p.id: p.organization for p in copy.find(supervise.Person)} == stored


FORMULA_STARTS_SHOWN = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠", "﹦")


def test_raw_text_is_written_as_it_is_and_still_comes_back_exactly(tmp_path: Path) -> None:
    people = [
        supervise.Person(id=f"x{n}", name="某人", organization=v) for n, v in enumerate(STARTERS)
    ]
    with supervise.open() as registry:
        registry.add(people)
        stored = {p.id: p.organization for p in registry.find(supervise.Person)}
        registry.export(tmp_path / "raw", include_pii=True, neutralise_formulas=False)
    cells = spreadsheet_cells(tmp_path / "raw")
    assert set(STARTERS) <= set(cells)  # as stored, apostrophes included
    manifest = json.loads((tmp_path / "raw" / "manifest.json").read_text("utf-8"))
    assert manifest["formulas"] == "raw"
    with supervise.open() as copy:
        copy.import_file(tmp_path / "raw")
        assert {p.id: p.organization for p in copy.find(supervise.Person)} == stored


def test_a_csv_without_a_manifest_loses_the_apostrophe_that_neutralised_a_formula(
    tmp_path: Path,
) -> None:
    tables = base()
    tables["people"][0].append("organization")
    tables["people"][1].append("'=SUM(A1)")
    tables["people"][2].append("'plain")
    tables["people"][3].append("''-x")
    with supervise.open() as registry:
        registry.import_file(write_folder(tmp_path / "in", tables))
        assert [p.organization for p in registry.find(supervise.Person)] == [
            "'-x",
            "=SUM(A1)",
            "'plain",
        ]


@settings(max_examples=40, suppress_health_check=HEALTH)
@given(
    text=st.text(
        st.sampled_from(["'", "=", "+", "-", "@", "\t", "＝", "＠", "a", "中", " ", "\n"]),
        min_size=1,
        max_size=6,
    ).filter(lambda t: t.strip())
)
def test_any_text_round_trips_through_neutralised_and_raw_csv(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    folder = tmp_path_factory.mktemp("formulas")
    with supervise.open() as registry:
        registry.add(supervise.Person(id="p", name="某人", organization=text))
        registry.export(folder / "guarded", include_pii=True)
        registry.export(folder / "raw", include_pii=True, neutralise_formulas=False)
        registry.export(folder / "book.xlsx", include_pii=True)
    for out in ("guarded", "raw", "book.xlsx"):
        with supervise.open() as copy:
            copy.import_file(folder / out)
            expected = text.replace("\r", "\n") if out.endswith(".xlsx") else text
            assert copy.get(supervise.Person, "p").organization == expected


@settings(max_examples=40, suppress_health_check=HEALTH)
@given(
    digits=st.integers(1, 6000),
    sign=st.sampled_from(["", "-", "+"]),
    column=st.sampled_from([("phases", 3), ("phases", 4), ("mentors", 2)]),
    as_json=st.booleans(),
)
def test_a_number_of_any_length_imports_or_is_refused_on_its_row(
    tmp_path_factory: pytest.TempPathFactory,
    digits: int,
    sign: str,
    column: tuple[str, int],
    as_json: bool,
) -> None:
    tables = base()
    tables["mentors"] = [["person_id", "cohort_id", "capacity"], ["m1", "c1", "1"]]
    table, at = column
    number = sign + "7" * digits
    tables[table][1][at] = number
    folder = tmp_path_factory.mktemp("numbers")
    if as_json:
        header = tables[table][0]
        text = json.dumps(document(**{table: [dict(zip(header, tables[table][1], strict=True))]}))
        path = folder / "batch.json"
        path.write_text(text.replace(json.dumps(number), number.lstrip("+")), encoding="utf-8")
    else:
        path = write_folder(folder / "in", tables)
    refused: ImportFailed | None = None
    with supervise.open() as registry:
        try:
            registry.import_file(path)
        except ImportFailed as exc:
            refused = exc
    if refused is not None:
        assert refused.problems[0].row is not None  # a row-level report
        assert len(refused.message("en")) < 2_000  # the number is never spelt out


@settings(max_examples=15, suppress_health_check=HEALTH)
@given(depth=st.integers(1, 5000), opening=st.sampled_from(["[", '{"a": ']))
def test_json_nested_to_any_depth_imports_or_is_refused_cleanly(
    tmp_path_factory: pytest.TempPathFactory, depth: int, opening: str
) -> None:
    closing = "]" if opening == "[" else "}"
    deep = opening * depth + '"x"' + closing * depth
    text = json.dumps(document())[:-1] + ', "outcomes": [{"person_id": ' + deep + "}]}"
    path = tmp_path_factory.mktemp("deep") / "deep.json"
    path.write_text(text, encoding="utf-8")
    with supervise.open() as registry:
        messages = refusal(registry, path)
    assert messages
    assert all(len(m) < 500 for m in messages)
