"""What an import did: rows inserted, updated and unchanged per table, people matched by
national ID number, and warnings, in Chinese or English.

>>> report = ImportReport("anhui/", False, {"people": TableCounts(inserted=18)}, (), ())
>>> report.inserted, report.changed
(18, True)
>>> print(report.to_text("en"))
imported anhui/
table   inserted  updated  unchanged
people        18        0          0
>>> print(report.to_text("zh"))
已导入 anhui/
表              新增  更新  未变
人员（people）    18     0     0
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import attrs

from supervise._text import render
from supervise.errors import MissingExtra, shown_in_both
from supervise.lang import Catalogue, localize, resolve
from supervise.tables import TABLE_LABELS

__all__ = ["ImportReport", "PersonMatch", "TableCounts"]

_T = Catalogue(
    __name__,
    {
        "imported": ("已导入 {source}", "imported {source}"),
        "checked": (
            "已检查 {source}（试运行：未写入任何内容）",
            "checked {source} (dry run: nothing was written)",
        ),
        "table": ("表", "table"),
        "inserted": ("新增", "inserted"),
        "updated": ("更新", "updated"),
        "unchanged": ("未变", "unchanged"),
        "removed": ("移除", "removed"),
        "matched": ("匹配：{match}", "matched: {match}"),
        "warning": ("提醒：{warning}", "warning: {warning}"),
        "in_registry": (
            "{where}：人员 {file_id} 即登记库中的 {registry_id}（身份证号相同 {national_id}）",
            "{where}: person {file_id} is {registry_id} in the registry (same national ID "
            "{national_id})",
        ),
        "earlier": (
            "{where}：人员 {file_id} 即本次导入中前面的 {registry_id}"
            "（身份证号相同 {national_id}）",
            "{where}: person {file_id} is {registry_id} earlier in this import (same national "
            "ID {national_id})",
        ),
    },
)


def _sayer(lang: str) -> Callable[..., str]:
    """``say(key, **values)``: a message of this module in ``lang``."""

    def say(key: str, **values: Any) -> str:
        return localize(_T(key, **values), lang)

    return say


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
        return self.message("en")

    def message(self, lang: str | None = None) -> str:
        """The match as a line, in ``lang`` (default: the language setting)."""
        from supervise.exchange.problems import at_row

        chosen = resolve(lang)
        where = f"{self.source} {localize(at_row(self.unit, self.row), chosen)}"
        text = _T(
            "in_registry" if self.in_registry else "earlier",
            where=where,
            file_id=shown_in_both(self.file_id),
            registry_id=shown_in_both(self.registry_id),
            national_id=self.national_id,
        )
        return localize(text, chosen)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The match as JSON values, with a ``message`` in ``lang``."""
        return {**attrs.asdict(self), "message": self.message(lang)}


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

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The report as JSON values (``ok`` true), matches and warnings in ``lang``."""
        chosen = resolve(lang)
        return {
            "source": self.source,
            "ok": True,
            "dry_run": self.dry_run,
            "tables": {name: counts.to_dict() for name, counts in self.tables.items()},
            "matches": [m.to_dict(chosen) for m in self.matches],
            "warnings": [localize(w, chosen) for w in self.warnings],
        }

    def to_text(self, lang: str | None = None) -> str:
        """A summary for a terminal, in ``lang`` (default: the language setting): a line per
        table, then matches and warnings."""
        chosen = resolve(lang)
        say = _sayer(chosen)
        head = say("checked" if self.dry_run else "imported", source=self.source)
        removed = any(c.removed for c in self.tables.values())
        columns = ["table", "inserted", "updated", "unchanged", *(["removed"] if removed else [])]
        rows = [[say(c) for c in columns]]
        for name, c in self.tables.items():
            counts = [c.inserted, c.updated, c.unchanged, *([c.removed] if removed else [])]
            shown = f"{TABLE_LABELS.get(name, name)}（{name}）" if chosen == "zh" else name
            rows.append([shown, *map(str, counts)])
        lines = [head, render(rows, align="l" + "r" * (len(rows[0]) - 1))]
        lines.extend(say("matched", match=m.message(chosen)) for m in self.matches)
        lines.extend(say("warning", warning=localize(w, chosen)) for w in self.warnings)
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

    def to_html(self, lang: str | None = None) -> str:
        """The summary as an HTML table, in ``lang`` (default: the language setting)."""
        chosen = resolve(lang)
        say = _sayer(chosen)
        columns = ("table", "inserted", "updated", "unchanged")
        head = "".join(f"<th>{html.escape(say(c))}</th>" for c in columns)
        rows = "".join(
            f"<tr><td>{html.escape(name)}</td><td>{c.inserted}</td><td>{c.updated}</td>"
            f"<td>{c.unchanged}</td></tr>"
            for name, c in self.tables.items()
        )
        notes = [say("matched", match=m.message(chosen)) for m in self.matches]
        notes += [say("warning", warning=localize(w, chosen)) for w in self.warnings]
        items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
        title = html.escape(self.to_text(chosen).splitlines()[0])
        return f"<p>{title}</p><table><tr>{head}</tr>{rows}</table>" + (
            f"<ul>{items}</ul>" if items else ""
        )

    def _repr_html_(self) -> str:
        """The summary as an HTML table, for notebooks (in the language setting)."""
        return self.to_html()
