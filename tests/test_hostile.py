"""Hostile input: whatever file a user throws at an import, it either imports or is refused
with a SuperviseError naming the problems, nothing is half-written, and the command line never
shows a traceback."""

from __future__ import annotations

import io
import json
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
