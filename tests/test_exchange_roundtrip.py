"""Exports: what they hold, that they import back to the same records, and the schema."""

from __future__ import annotations

import csv
import json
import re
import tempfile
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import assume, given, settings

import supervise
from supervise.convert import to_dict
from supervise.errors import InvalidRecord
from supervise.exchange.schema import json_schema, published_schema
from supervise.model import MODELS, Activity
from supervise.registry import Registry
from tests.exchange_files import NID_1, base, write_folder
from tests.strategies import worlds

EXAMPLE = Path(__file__).parent.parent / "examples" / "exchange" / "anhui-sanqu-2024"
SCHEMA_FILES = [
    Path(supervise.__file__).parent / "exchange" / "schema.json",
    Path(__file__).parent.parent / "docs" / "exchange-schema.json",
]
_VALIDATOR = jsonschema.Draft202012Validator(
    published_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def stored(registry: Registry) -> dict[str, list[Any]]:
    return {cls.__table__: registry.find(cls) for cls in MODELS}


def target(folder: Path, fmt: str) -> Path:
    return folder / {"json": "export.json", "csv": "export", "xlsx": "export.xlsx"}.get(
        fmt, "export"
    )


@settings(max_examples=40)
@given(worlds(dated=True))
@pytest.mark.parametrize("fmt", ["json", "csv", "parquet"])
def test_an_export_with_pii_imports_back_to_equal_records(fmt: str, records: list[Any]) -> None:
    with supervise.open() as source, supervise.open() as copy, tempfile.TemporaryDirectory() as tmp:
        source.add(records)
        path = target(Path(tmp), fmt)
        source.export(path, fmt, include_pii=True)
        report = copy.import_file(path)
        assert stored(copy) == stored(source)
        assert report.inserted == sum(source.counts().values())


# XML 1.0, and so XLSX, cannot hold most control characters and reads a carriage return as a
# line feed; openpyxl writes numbers with 16 significant digits (see docs/exchange.md).
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _spreadsheet_safe(record: Any) -> Any:
    changes: dict[str, Any] = {}
    for field in attrs.fields(type(record)):
        value = getattr(record, field.name)
        if isinstance(value, str) and (_NOT_IN_XML.search(value) or "\r" in value):
            text = _NOT_IN_XML.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
            changes[field.name] = text if text.strip() else "x"
        elif isinstance(value, float):
            changes[field.name] = float(f"{value:.15g}")
    return attrs.evolve(record, **changes) if changes else record


@settings(max_examples=15)
@given(worlds(max_people=4, max_records=6, dated=True))
def test_an_xlsx_export_with_pii_imports_back_to_equal_records(records: list[Any]) -> None:
    safe = [_spreadsheet_safe(r) for r in records]
    with supervise.open() as source, supervise.open() as copy, tempfile.TemporaryDirectory() as tmp:
        try:
            source.add(safe)
        except InvalidRecord:  # cleaning made two keys equal
            assume(False)
        path = target(Path(tmp), "xlsx")
        source.export(path, include_pii=True)
        copy.import_file(path)
        assert stored(copy) == stored(source)


@settings(max_examples=40)
@given(worlds(dated=True))
def test_every_json_export_is_valid_against_the_schema_and_is_to_dict(records: list[Any]) -> None:
    with supervise.open() as registry, tempfile.TemporaryDirectory() as tmp:
        registry.add(records)
        for include_pii in (False, True):
            path = Path(tmp) / "export.json"
            registry.export(path, include_pii=include_pii)
            document = json.loads(path.read_text("utf-8"))
            errors = [e.message for e in _VALIDATOR.iter_errors(document)]
            assert errors == []
        for cls in MODELS:
            assert sorted(document[cls.__table__], key=repr) == sorted(
                (to_dict(r) for r in registry.find(cls)), key=repr
            )


def test_the_published_schema_is_the_one_the_model_gives() -> None:
    for path in SCHEMA_FILES:
        assert json.loads(path.read_text("utf-8")) == json_schema(), path


def test_the_schema_refuses_what_import_refuses() -> None:
    good = {"format": "supervise/1", "programs": [{"id": "ah", "name": "安徽"}]}
    assert list(_VALIDATOR.iter_errors(good)) == []
    bad = [
        {"format": "supervise/2"},
        {"format": "supervise/1", "活动": []},
        {"format": "supervise/1", "programs": [{"id": "ah"}]},
        {"format": "supervise/1", "programs": [{"id": " ", "name": "n"}]},
        {"format": "supervise/1", "programs": [{"id": "ah", "name": "n", "region_code": "340"}]},
        {"format": "supervise/1", "programs": [{"id": "ah", "name": "n", "starts_on": "2024/7/1"}]},
        {"format": "supervise/1", "programs": [{"id": "ah", "name": "n", "extra": 1}]},
        {
            "format": "supervise/1",
            "activities": [
                {
                    "id": "a",
                    "person_id": "p",
                    "cohort_id": "c",
                    "phase": "x",
                    "on": "2024-07-01",
                    "hours": 25,
                }
            ],
        },
        {
            "format": "supervise/1",
            "mentors": [{"person_id": "p", "cohort_id": "c", "kind": "教授"}],
        },
        {
            "format": "supervise/1",
            "sessions": [
                {
                    "id": "s",
                    "mentor_id": "m",
                    "cohort_id": "c",
                    "on": "2024-07-01",
                    "minutes": 0,
                    "attendees": ["p"],
                }
            ],
        },
        {
            "format": "supervise/1",
            "sessions": [
                {
                    "id": "s",
                    "mentor_id": "m",
                    "cohort_id": "c",
                    "on": "2024-07-01",
                    "minutes": 60,
                    "attendees": [],
                }
            ],
        },
        {"format": "supervise/1", "people": [{"id": "p", "name": "n", "national_id": "1234"}]},
    ]
    for document in bad:
        assert list(_VALIDATOR.iter_errors(document)) != [], document


# -- what exports hold ---------------------------------------------------------------------


@pytest.fixture
def batch(registry: Registry, tmp_path: Path) -> Registry:
    registry.import_file(write_folder(tmp_path / "batch", base()))
    return registry


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_personal_data_is_masked_unless_asked_for(
    batch: Registry, tmp_path: Path, fmt: str
) -> None:
    masked, whole = tmp_path / "masked", tmp_path / "whole"
    batch.export(target(masked, fmt), fmt)
    batch.export(target(whole, fmt), fmt, include_pii=True)
    assert "13812345678" not in _text(masked)
    assert NID_1 not in _text(masked)
    assert f"{NID_1[:6]}********{NID_1[-4:]}" in _text(masked)
    assert "138****5678" in _text(masked)
    assert NID_1 in _text(whole)
    assert "13812345678" in _text(whole)


def _text(folder: Path) -> str:
    """Every cell of every file in ``folder``, as text."""
    out = []
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".xlsx":
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True)
            out.extend(
                str(c) for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r
            )
            book.close()
        elif path.is_file():
            out.append(path.read_text("utf-8-sig"))
    return "\n".join(out)


def test_a_csv_export_is_a_folder_of_tables_with_chinese_headers_on_request(
    batch: Registry, tmp_path: Path
) -> None:
    written = batch.export(tmp_path / "zh", "csv", include_pii=True, headers="zh")
    assert written["people"] == 3
    files = sorted(p.name for p in (tmp_path / "zh").iterdir())
    assert len(files) == 17  # 16 tables and the manifest
    assert "session_attendees.csv" in files
    assert "manifest.json" in files
    raw = (tmp_path / "zh" / "people.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # so that Excel shows the Chinese
    header = next(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert header == [
        "人员编号",
        "姓名",
        "身份证号",
        "手机号码",
        "性别",
        "行政区划代码",
        "工作单位",
        "从业起始日期",
    ]
    with supervise.open() as copy:
        copy.import_file(tmp_path / "zh")
        assert stored(copy) == stored(batch)


def test_a_json_export_names_its_format_time_and_source(tmp_path: Path) -> None:
    with supervise.open(tmp_path / "anhui.db") as registry:
        registry.import_file(EXAMPLE)
        registry.export(tmp_path / "out.json")
    document = json.loads((tmp_path / "out.json").read_text("utf-8"))
    assert document["format"] == "supervise/1"
    assert document["source"] == "anhui.db"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", document["exported_at"])
    assert document["sessions"][0]["attendees"] == [
        "ah-2024-01",
        "ah-2024-02",
        "ah-2024-03",
        "ah-2024-04",
    ]
    assert list(document)[3:] == [
        name for name in supervise.tables.TABLES if name != "session_attendees"
    ]


def test_csv_xlsx_and_json_carry_the_same_registry(tmp_path: Path) -> None:
    with supervise.open() as original:
        original.import_file(EXAMPLE)
        for fmt in ("json", "csv", "xlsx"):
            path = target(tmp_path / fmt, fmt)
            original.export(path, include_pii=True)
            with supervise.open() as copy:
                copy.import_file(path)
                assert stored(copy) == stored(original), fmt


def test_xlsx_cells_that_would_run_as_formulas_are_neutralised(
    registry: Registry, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    risky = [
        '=HYPERLINK("http://evil","点击")',
        "+86 138",
        "-3",
        "@SUM(A1)",
        "\tx",
        "'=kept",
        "'plain",
    ]
    registry.import_file(write_folder(tmp_path / "batch", base()))
    registry.add(
        Activity(
            id=f"a{n}",
            person_id="p1",
            cohort_id="c1",
            phase="training",
            on="2024-07-22",
            hours=1,
            note=text,
        )
        for n, text in enumerate(risky)
    )
    path = tmp_path / "out.xlsx"
    registry.export(path, include_pii=True)
    book = load_workbook(path)
    notes = [row[6].value for row in book["activities"].iter_rows(min_row=2)]
    assert notes == [
        '\'=HYPERLINK("http://evil","点击")',
        "'+86 138",
        "'-3",
        "'@SUM(A1)",
        "'\tx",
        "''=kept",
        "'plain",
    ]
    assert all(row[6].data_type == "s" for row in book["activities"].iter_rows(min_row=2))
    with supervise.open() as copy:
        copy.import_file(write_folder(tmp_path / "again", base()))
        copy.import_file(path)
        assert [a.note for a in copy.find(Activity)] == risky


def test_text_xlsx_cannot_hold_is_an_error_naming_the_record(
    registry: Registry, tmp_path: Path
) -> None:
    # The model refuses control characters now; a registry written before may hold one.
    registry.conn.execute("INSERT INTO people (id, name) VALUES ('p1', '王' || char(1) || '静')")
    with pytest.raises(InvalidRecord) as info:
        registry.export(tmp_path / "out.xlsx")
    assert str(info.value) == (
        "people 'p1': name: holds a control character that XLSX cannot store; export as JSON "
        "or CSV (got '王\\x01静')"
    )
    assert not (tmp_path / "out.xlsx").exists()


def test_export_arguments_are_checked(batch: Registry, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format 'xml'"):
        batch.export(tmp_path / "x", "xml")
    with pytest.raises(ValueError, match="JSON keys are always the English field names"):
        batch.export(tmp_path / "x.json", headers="zh")
    with pytest.raises(ValueError, match="headers must be 'en' or 'zh'"):
        batch.export(tmp_path / "x", "csv", headers="fr")


@settings(max_examples=25)
@given(worlds(max_people=4, max_records=6, dated=True))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_chinese_export_writes_vocabularies_in_chinese_and_imports_back_exactly(
    fmt: str, records: list[Any]
) -> None:
    safe = [_spreadsheet_safe(r) for r in records] if fmt == "xlsx" else records
    with supervise.open() as source, supervise.open() as copy, tempfile.TemporaryDirectory() as tmp:
        try:
            source.add(safe)
        except InvalidRecord:  # cleaning made two keys equal
            assume(False)
        path = target(Path(tmp), fmt)
        source.export(path, include_pii=True, headers="zh")
        copy.import_file(path)
        assert stored(copy) == stored(source)


def test_chinese_headers_come_with_chinese_values(batch: Registry, tmp_path: Path) -> None:
    batch.add(
        supervise.Person(id="f1", name="马丽", gender="female"),
        supervise.Credential(person_id="f1", level="senior", issued_on="2020-01-01"),
    )
    batch.export(tmp_path / "zh", "csv", include_pii=True, headers="zh")
    people = list(
        csv.DictReader((tmp_path / "zh" / "people.csv").read_text("utf-8-sig").splitlines())
    )
    assert {row["人员编号"]: row["性别"] for row in people}["f1"] == "女"
    credentials = (tmp_path / "zh" / "credentials.csv").read_text("utf-8-sig")
    assert "高级社会工作师" in credentials
    assert "senior" not in credentials
    english = tmp_path / "en"
    batch.export(english, "csv", include_pii=True)
    assert "senior" in (english / "credentials.csv").read_text("utf-8-sig")
