"""The JSON Schema of a ``supervise/1`` JSON document, derived from the model.

Types, required fields, vocabularies, number ranges and region codes all come from the model
classes (through :mod:`supervise.tables` and the fields' metadata), so the schema cannot drift
from what import accepts. ``schema.json`` next to this module is the published copy (also in
``docs/exchange-schema.json``); regenerate both with ``python -m supervise.exchange.schema
src/supervise/exchange/schema.json docs/exchange-schema.json``, and the column tables of
``docs/exchange.md`` with ``--markdown``.

>>> schema = json_schema()
>>> schema["properties"]["format"]
{'const': 'supervise/1'}
>>> schema["$defs"]["activities"]["properties"]["hours"]
{'title': '学时', 'type': 'number', 'minimum': 0, 'maximum': 24}
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from supervise.exchange.headers import ATTENDEES_FIELD, ATTENDEES_LABEL
from supervise.exchange.read import FORMAT, METADATA_KEYS
from supervise.model import Session
from supervise.tables import ATTENDEES, TABLES, Column, Table, model_field

__all__ = ["json_schema", "published_schema", "tables_markdown", "write_schema"]

_DATE = r"^\d{4}-\d{2}-\d{2}$"
_NOT_BLANK = r"\S"
# Identifiers: not blank, and none of the control, line-break, invisible or bidirectional
# characters the model refuses in them (the common ones; the model refuses every Cc and Cf).
_IDENTIFIER = (
    r"^(?=.*\S)[^\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f"
    r"\u2028-\u202e\u2060-\u206f\ufeff]+$"
)
# Personal data as export writes it: whole, or masked by supervise.pii (digits kept at the
# ends, asterisks between).
_PII_PATTERNS = {
    "national_id": r"^\d{6}(\d{8}|\*{8})\d{3}[\dX]$",
    "phone": r"^[+\d][\d*]{6,14}$",
}


def json_schema() -> dict[str, Any]:
    """The schema as a dict (JSON Schema draft 2020-12)."""
    tables = [t for t in TABLES.values() if t is not ATTENDEES]
    properties: dict[str, Any] = {
        "format": {"const": FORMAT},
        "exported_at": {"type": "string", "format": "date-time"},
        "source": {"type": ["string", "null"]},
    }
    properties.update(
        {t.name: {"type": "array", "items": {"$ref": f"#/$defs/{t.name}"}} for t in tables}
    )
    if tuple(properties)[: len(METADATA_KEYS)] != METADATA_KEYS:
        raise RuntimeError("schema metadata keys differ from the importer's")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"supervise exchange document ({FORMAT})",
        "description": (
            "Records of supervisor training programs as one JSON document: a list of rows per "
            "table. Dates are ISO 8601; personal data is masked unless exported with it."
        ),
        "type": "object",
        "required": ["format"],
        "additionalProperties": False,
        "properties": properties,
        "$defs": {t.name: _row(t) for t in tables},
    }


def _row(table: Table) -> dict[str, Any]:
    properties = {c.name: _column(table, c) for c in table.columns}
    required = [c.name for c in table.columns if c.required]
    if table.model is Session:
        properties[ATTENDEES_FIELD] = {
            "title": ATTENDEES_LABEL,
            "type": "array",
            "items": {"type": "string", "pattern": _IDENTIFIER},
            "minItems": 1,
            "uniqueItems": True,
        }
        required.append(ATTENDEES_FIELD)
    return {
        "title": table.zh,
        "type": "object",
        "required": required,
        "additionalProperties": False,
        "properties": properties,
    }


def _column(table: Table, column: Column) -> dict[str, Any]:
    schema: dict[str, Any] = {"title": column.zh}
    if column.vocab is not None:
        values: list[Any] = [member.value for member in column.vocab]
        schema["enum"] = values if column.required else [*values, None]
        return schema
    kind = {
        "text": "string",
        "date": "string",
        "integer": "integer",
        "real": "number",
        "boolean": "boolean",
    }
    schema["type"] = kind[column.kind] if column.required else [kind[column.kind], "null"]
    if column.kind == "date":
        schema.update(format="date", pattern=_DATE)
    metadata = {} if (field := model_field(table, column.name)) is None else field.metadata
    if column.pii:
        schema["pattern"] = _PII_PATTERNS[column.name]
    elif metadata.get("identifier"):
        schema["pattern"] = _IDENTIFIER
    elif "pattern" in metadata:
        schema["pattern"] = f"^(?:{metadata['pattern']})$"
    elif column.kind == "text" and column.required:
        schema["pattern"] = _NOT_BLANK
    if "minimum" in metadata:
        schema["minimum"] = metadata["minimum"]
    if "maximum" in metadata:  # the largest whole number the registry stores
        schema["maximum"] = metadata["maximum"]
    if "range" in metadata:
        low, high, low_open = metadata["range"]
        schema["exclusiveMinimum" if low_open else "minimum"] = low
        if high != float("inf"):
            schema["maximum"] = high
    return schema


def tables_markdown() -> str:
    """Every table of the format as Markdown (a row per column: name, Chinese header,
    required, type), for the integration guide; from the same source as the schema."""
    parts = []
    for table in TABLES.values():
        parts.append(f"### `{table.name}` ({table.zh})\n")
        parts.append(f"Key: {', '.join(f'`{k}`' for k in table.key)}.\n")
        parts.append("| column | 中文表头 | required | type |")
        parts.append("|---|---|---|---|")
        for column in table.columns:
            required = "yes" if column.required else ""
            kind = _describe(_column(table, column), table, column)
            parts.append(f"| `{column.name}` | {column.zh} | {required} | {kind} |")
        if table.model is Session:
            parts.append(
                f"| `{ATTENDEES_FIELD}` | {ATTENDEES_LABEL} | yes | list of person ids, in JSON "
                "only (CSV and XLSX: the `session_attendees` table) |"
            )
        parts.append("")
    return "\n".join(parts)


def _describe(schema: dict[str, Any], table: Table, column: Column) -> str:
    field = model_field(table, column.name)
    metadata = {} if field is None else field.metadata
    if column.vocab is not None:
        kind = "one of " + ", ".join(f"`{m.value}` {m.zh}" for m in column.vocab)
        codes = column.vocab.codes_note()
        if codes is not None:
            kind += f"; {codes.en}"
    elif metadata.get("identifier"):
        kind = "identifier"
    elif column.pii:
        kind = "text, personal data (masked on export)"
    elif "pattern" in metadata:
        kind = "region code: 2, 4, 6, 9 or 12 digits"
    elif column.kind in ("date", "text"):
        kind = column.kind
    elif column.kind == "boolean":
        kind = "true or false (是 / 否)"
    elif column.kind == "integer":
        kind = f"whole number ≥ {schema['minimum']:g}"
    else:
        kind = "number"
        if "maximum" in schema:
            kind += f" {schema.get('minimum', 0):g}–{schema['maximum']:g}"
        elif "minimum" in schema:
            kind += f" ≥ {schema['minimum']:g}"
        elif "exclusiveMinimum" in schema:
            kind += f" > {schema['exclusiveMinimum']:g}"
    default = None if field is None or column.required else field.default
    if isinstance(default, bool):
        kind += f"; empty: `{str(default).lower()}`"
    elif default is not None:
        kind += f"; empty: `{getattr(default, 'value', default)}`"
    return kind


def published_schema() -> dict[str, Any]:
    """The schema as shipped in ``schema.json``."""
    text = resources.files("supervise.exchange").joinpath("schema.json").read_text("utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


def write_schema(path: Path) -> None:
    """Write the schema to ``path``, formatted as published."""
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":  # python -m supervise.exchange.schema [--markdown | PATH...]
    if sys.argv[1:] == ["--markdown"]:
        print(tables_markdown(), end="")
    else:
        for target in sys.argv[1:] or [str(Path(__file__).with_name("schema.json"))]:
            write_schema(Path(target))
