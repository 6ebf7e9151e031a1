"""The audit trail as people read it: one block per write, one line per record changed.

>>> from supervise.store.audit import AuditChange, AuditWrite
>>> change = AuditChange(table="people", key=("t1",), person_id="t1", change="update",
...     before={"id": "t1", "name": "王丽"}, after={"id": "t1", "name": "王莉"})
>>> write = AuditWrite(id=3, at="2024-12-06T08:00:00Z", actor="李审核", operation="add",
...     detail=None, counts={"people": {"updated": 1}}, changes=(change,))
>>> print(history_text([write], "en"))
#3  2024-12-06 08:00:00 UTC  李审核  add
    updated: people 1
    update people t1: name '王丽' → '王莉'
>>> print(history_text([write], "zh"))
#3  2024-12-06 08:00:00 UTC  李审核  添加
    更新：people 1
    更新 people t1：name '王丽' → '王莉'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from supervise.lang import Catalogue, localize, resolve
from supervise.store.audit import AuditChange, AuditWrite

__all__ = ["CSV_COLUMNS", "csv_rows", "history_text"]

_T = Catalogue(
    __name__,
    {
        "none": ("审计记录中没有符合条件的写入", "no writes in the audit trail match"),
        "inserted": ("新增", "inserted"),
        "updated": ("更新", "updated"),
        "deleted": ("删除", "deleted"),
        "insert": ("新增", "insert"),
        "update": ("更新", "update"),
        "delete": ("删除", "delete"),
        "add": ("添加", "add"),
        "import": ("导入", "import"),
        "create": ("创建", "create"),
        "migrate": ("迁移", "migrate"),
        "protect": ("加密个人信息", "protect"),
        "unprotect": ("解密个人信息", "unprotect"),
        "confirm": ("确认", "confirm"),
        "reject": ("退回", "reject"),
        "write": ("写入", "write"),
        "issue credentials": ("签发证书", "issue credentials"),
        "revoke credential": ("撤销证书", "revoke credential"),
        "revoke": ("撤销", "revoke"),
    },
)
#: The columns of the CSV: one row per record changed (a write without listed changes has
#: one row, its change columns empty).
CSV_COLUMNS = (
    "write_id",
    "at",
    "actor",
    "operation",
    "detail",
    "table",
    "key",
    "person_id",
    "change",
    "before",
    "after",
)


def _word(name: str, lang: str) -> str:
    return localize(_T(name), lang) if name in _T.entries else name


def history_text(writes: Sequence[AuditWrite], lang: str) -> str:
    """The writes, oldest first: when (UTC), who, what, the rows per table, then each
    record changed with the fields that changed."""
    if not writes:
        return localize(_T("none"), lang)
    colon = "：" if resolve(lang) == "zh" else ": "
    lines = []
    for write in writes:
        when = write.at.replace("T", " ").removesuffix("Z")
        head = f"#{write.id}  {when} UTC  {write.actor}  {_word(write.operation, lang)}"
        lines.append(head + (f"  {write.detail}" if write.detail else ""))
        counted: dict[str, list[str]] = {}
        for table, counts in sorted(write.counts.items()):
            for kind, n in counts.items():
                counted.setdefault(kind, []).append(f"{table} {n:,}")
        for kind in ("inserted", "updated", "deleted"):
            if kind in counted:
                lines.append(f"    {_word(kind, lang)}{colon}{', '.join(counted[kind])}")
        lines.extend(f"    {_change_text(c, lang, colon)}" for c in write.changes)
    return "\n".join(lines)


def _change_text(change: AuditChange, lang: str, colon: str) -> str:
    record = f"{_word(change.change, lang)} {change.table} {'/'.join(map(str, change.key))}"
    if change.change == "update":
        fields = "; ".join(
            f"{name} {_shown(old)} → {_shown(new)}" for name, (old, new) in change.changed().items()
        )
        return f"{record}{colon}{fields}" if fields else record
    values = change.after if change.change == "insert" else change.before
    if values is None:
        return record
    shown = ", ".join(f"{k}={_shown(v)}" for k, v in values.items() if v is not None)
    return f"{record}{colon}{shown}"


def _shown(value: Any) -> str:
    return "—" if value is None else repr(value)


def csv_rows(writes: Iterable[AuditWrite]) -> Iterator[dict[str, Any]]:
    """One row per record changed, with the write's columns repeated."""
    for write in writes:
        head = {
            "write_id": write.id,
            "at": write.at,
            "actor": write.actor,
            "operation": write.operation,
            "detail": write.detail or "",
        }
        if not write.changes:
            yield {**head, **dict.fromkeys(CSV_COLUMNS[5:], "")}
        for change in write.changes:
            yield {
                **head,
                "table": change.table,
                "key": "/".join(map(str, change.key)),
                "person_id": change.person_id or "",
                "change": change.change,
                "before": _json(change.before),
                "after": _json(change.after),
            }


def _json(values: Any) -> str:
    return "" if values is None else json.dumps(values, ensure_ascii=False, sort_keys=True)
