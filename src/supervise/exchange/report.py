"""What an import did: rows inserted, updated and unchanged per table, people matched by
national ID number, and warnings.

>>> report = ImportReport("anhui/", False, {"people": TableCounts(inserted=18)}, (), ())
>>> report.inserted, report.changed
(18, True)
>>> print(report.to_text())
imported anhui/
table   inserted  updated  unchanged
people        18        0          0
"""

from __future__ import annotations

import html
from typing import Any

import attrs

from supervise._text import render
from supervise.errors import MissingExtra

__all__ = ["ImportReport", "PersonMatch", "TableCounts"]


@attrs.frozen
class TableCounts:
    """Rows of one table: ``inserted`` (new), ``updated`` (a stored row with other values),
    ``unchanged`` (stored already, the same); for ``session_attendees`` also ``removed``
    (attendees a session in the file no longer lists)."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def to_dict(self) -> dict[str, int]:
        """The counts as a dict."""
        return attrs.asdict(self)


@attrs.frozen
class PersonMatch:
    """A person row whose id is new but whose national ID number is already known: the row
    at ``source`` ``row`` for ``file_id`` is the person ``registry_id`` (in the registry, or
    earlier in the same import when ``in_registry`` is false). ``national_id`` is masked."""

    source: str
    row: int
    unit: str
    file_id: str
    registry_id: str
    national_id: str
    in_registry: bool

    def __str__(self) -> str:
        where = "in the registry" if self.in_registry else "earlier in this import"
        return (
            f"{self.source} {self.unit} {self.row}: person {self.file_id!r} is "
            f"{self.registry_id!r} {where} (same national ID {self.national_id})"
        )

    def to_dict(self) -> dict[str, Any]:
        """The match as JSON values, with a ``message``."""
        return {**attrs.asdict(self), "message": str(self)}


@attrs.frozen
class ImportReport:
    """The result of :meth:`Registry.import_file <supervise.store.Registry.import_file>`:
    ``source`` (the paths imported), whether it was a ``dry_run`` (nothing written), the
    counts per table in the file, the people ``matches`` and ``warnings``."""

    source: str
    dry_run: bool
    tables: dict[str, TableCounts]
    matches: tuple[PersonMatch, ...]
    warnings: tuple[str, ...]

    @property
    def inserted(self) -> int:
        """Rows inserted, over every table."""
        return sum(c.inserted for c in self.tables.values())

    @property
    def updated(self) -> int:
        """Rows updated, over every table."""
        return sum(c.updated for c in self.tables.values())

    @property
    def unchanged(self) -> int:
        """Rows already stored with the same values, over every table."""
        return sum(c.unchanged for c in self.tables.values())

    @property
    def changed(self) -> bool:
        """Whether the import changed (or, in a dry run, would change) the registry."""
        return any(c.inserted or c.updated or c.removed for c in self.tables.values())

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON values."""
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "tables": {name: counts.to_dict() for name, counts in self.tables.items()},
            "matches": [m.to_dict() for m in self.matches],
            "warnings": list(self.warnings),
        }

    def to_text(self) -> str:
        """A summary for a terminal: a line per table, then matches and warnings."""
        head = f"{'checked' if self.dry_run else 'imported'} {self.source}"
        if self.dry_run:
            head += " (dry run: nothing was written)"
        removed = any(c.removed for c in self.tables.values())
        rows = [["table", "inserted", "updated", "unchanged", *(["removed"] if removed else [])]]
        for name, c in self.tables.items():
            counts = [c.inserted, c.updated, c.unchanged, *([c.removed] if removed else [])]
            rows.append([name, *map(str, counts)])
        lines = [head, render(rows, align="l" + "r" * (len(rows[0]) - 1))]
        lines.extend(f"matched: {m}" for m in self.matches)
        lines.extend(f"warning: {w}" for w in self.warnings)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def to_pandas(self) -> Any:
        """The counts as a DataFrame, a row per table (needs ``supervise[pandas]``)."""
        try:
            import pandas
        except ImportError:
            raise MissingExtra("DataFrames", "pandas", "pandas") from None
        counts = {name: c.to_dict() for name, c in self.tables.items()}
        return pandas.DataFrame.from_dict(counts, orient="index")

    def _repr_html_(self) -> str:
        """The summary as an HTML table, for notebooks."""
        head = "".join(f"<th>{h}</th>" for h in ("table", "inserted", "updated", "unchanged"))
        rows = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{c.inserted}</td><td>{c.updated}</td>"
            f"<td>{c.unchanged}</td></tr>"
            for name, c in self.tables.items()
        )
        notes = "".join(
            f"<li>{html.escape(kind)}: {html.escape(str(text))}</li>"
            for kind, texts in (("matched", self.matches), ("warning", self.warnings))
            for text in texts
        )
        title = html.escape(self.to_text().splitlines()[0])
        return f"<p>{title}</p><table><tr>{head}</tr>{rows}</table>" + (
            f"<ul>{notes}</ul>" if notes else ""
        )
