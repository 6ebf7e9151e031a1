"""A long write under way, told to the other processes that use the same registry file.

SQLite tells a waiting writer only that the database is locked, and a reader nothing at all.
An import, which may hold the write lock for minutes, therefore leaves a small note beside the
registry (``cohorts.db-writing``) while it runs: what it reads (file names, never folders),
who started it, when, and how far it has got, updated at most once a second. A writer that
gave up waiting names the import in its message, and the command line tells a reader that
its answers are those of before the import. A note whose process is gone (killed) is ignored.

>>> note = WriteUnderWay(operation="import", sources=("anhui.zip",), actor="li",
...     pid=0, host="", started_at="2024-12-06T08:00:00Z", stage="writing", done=5000,
...     total=20000)
>>> print(note.describe().en)
an import of anhui.zip started by li at 2024-12-06 08:00:00 UTC (writing, 5,000 of 20,000 rows)
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs

from supervise.lang import Catalogue, Text

__all__ = ["WriteUnderWay", "announce", "note_path", "process_alive", "under_way"]

_T = Catalogue(
    __name__,
    {
        "import": (
            "导入 {sources}（{actor} 于 {started} UTC 开始{stage}）",
            "an import of {sources} started by {actor} at {started} UTC{stage}",
        ),
        "other": (
            "{operation}（{actor} 于 {started} UTC 开始{stage}）",
            "a write ({operation}) started by {actor} at {started} UTC{stage}",
        ),
        "stage": ("，{stage}：{done} / {total} 行", " ({stage}, {done} of {total} rows)"),
    },
)
_STAGES = {"checking": "检查", "writing": "写入"}
# How often the note is rewritten with the import's progress, at most.
_EVERY_SECONDS = 1.0


def note_path(database: str) -> str:
    """The note of a registry file: ``cohorts.db-writing`` beside ``cohorts.db``."""
    return os.path.abspath(database) + "-writing"


@attrs.frozen(kw_only=True)
class WriteUnderWay:
    """A write under way: its ``operation`` (``import``), the file names it reads, who
    started it (``actor``), its process (``pid`` on ``host``), when (``started_at``, UTC) and
    how far it has got (``stage``, ``done`` and ``total`` rows)."""

    operation: str
    sources: tuple[str, ...]
    actor: str
    pid: int
    host: str
    started_at: str
    stage: str = ""
    done: int = 0
    total: int = 0

    def describe(self) -> Text:
        """The write in a few words, in both languages."""
        started = self.started_at.replace("T", " ").removesuffix("Z")
        stage = Text("", "")
        if self.stage:
            stage = _T(
                "stage",
                stage=Text(self.stage, _STAGES.get(self.stage, self.stage)),
                done=f"{self.done:,}",
                total=f"{self.total:,}",
            )
        if self.operation == "import":
            sources = ", ".join(self.sources)
            return _T("import", sources=sources, actor=self.actor, started=started, stage=stage)
        return _T("other", operation=self.operation, actor=self.actor, started=started, stage=stage)

    def alive(self) -> bool:
        """False when the note's process is known to be gone (same host, no such pid)."""
        return self.host != socket.gethostname() or process_alive(self.pid)


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine (assumed so where it cannot be told)."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def under_way(database: str | None) -> WriteUnderWay | None:
    """The write under way on the registry file ``database``, if one left a note and its
    process is alive."""
    if database is None:
        return None
    try:
        with open(note_path(database), encoding="utf-8") as handle:
            data: dict[str, Any] = json.load(handle)
        note = WriteUnderWay(**{**data, "sources": tuple(data.get("sources", ()))})
    except (OSError, ValueError, TypeError):
        return None
    return note if note.alive() else None


class _Announcer:
    """Writes the note, and rewrites it with the progress of the write."""

    def __init__(self, database: str, note: WriteUnderWay) -> None:
        self.path = note_path(database)
        self.mode = _mode_of(database)
        self.note = note
        self.last = 0.0
        self.write()

    def write(self) -> None:
        folder = os.path.dirname(self.path)
        with contextlib.suppress(OSError):  # a read-only folder: nobody to tell
            handle, partial = tempfile.mkstemp(prefix=".writing-", dir=folder)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(attrs.asdict(self.note), out, ensure_ascii=False)
                os.chmod(partial, self.mode)
                os.replace(partial, self.path)
            finally:
                if os.path.exists(partial):
                    os.remove(partial)

    def progress(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self.note.stage and now - self.last < _EVERY_SECONDS:
            return
        self.last = now
        self.note = attrs.evolve(self.note, stage=stage, done=done, total=total)
        self.write()

    def remove(self) -> None:
        with contextlib.suppress(OSError):
            os.remove(self.path)


def _mode_of(database: str) -> int:
    """The note is as readable as the registry itself (whoever may read one may read both)."""
    try:
        return os.stat(database).st_mode & 0o666
    except OSError:
        return 0o600


@contextlib.contextmanager
def announce(
    database: str | None, operation: str, sources: Sequence[str], actor: str
) -> Iterator[_Announcer | None]:
    """Leave a note of the write for the length of the block (nothing for an in-memory
    registry); the block may report its progress through the announcer's ``progress``."""
    if database is None:
        yield None
        return
    note = WriteUnderWay(
        operation=operation,
        sources=tuple(os.path.basename(os.fspath(s).rstrip("/\\")) for s in sources),
        actor=actor,
        pid=os.getpid(),
        host=socket.gethostname(),
        started_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    announcer = _Announcer(database, note)
    try:
        yield announcer
    finally:
        announcer.remove()
