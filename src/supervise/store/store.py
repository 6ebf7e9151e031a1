"""The store: every record of a province (or a notebook) in one SQLite database, the system of
record. :class:`supervise.Registry` adds the questions and the exchange front end to it.

>>> import supervise
>>> from supervise.model import Program
>>> registry = supervise.open()                 # in memory; supervise.open("cohorts.db") for a file
>>> registry.add(Program(id="nx-sup-2024", name="宁夏社会工作督导人才培养项目"))
{'programs': 1}
>>> registry.get(Program, "nx-sup-2024").name
'宁夏社会工作督导人才培养项目'
"""

from __future__ import annotations

import contextlib
import getpass
import itertools
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any, Self, TypeVar

from supervise.convert import from_dict, to_dict
from supervise.core.snapshot import CohortSnapshot
from supervise.dates import parse_date
from supervise.errors import (
    CorruptRegistry,
    IntegrityError,
    InvalidRecord,
    NotFound,
    RegistryBusy,
    SuperviseError,
)
from supervise.lang import Catalogue
from supervise.model import (
    MODELS,
    Activity,
    Cohort,
    Deliverable,
    Enrollment,
    Exemption,
    MentorRole,
    Outcome,
    Pairing,
    Person,
    PhaseSpec,
    Program,
    Session,
    record_label,
)
from supervise.pii import MASKS, mask_national_id, trusted_load
from supervise.store import audit as trail
from supervise.store.attendees import replace_attendees, stored_attendees
from supervise.store.busy import process_alive, under_way
from supervise.store.integrity import check_references
from supervise.store.protection import (
    PROTECTION,
    SEALED_COLUMNS,
    ProtectionKey,
    hash_of,
    is_sealed,
    key_of,
    mask_of,
    required,
    wrong_key,
)
from supervise.store.provenance import ImportRecord, list_imports
from supervise.store.schema import GENERATION_TABLES, SCHEMA_VERSION, check_version, migrate
from supervise.store.sql import q, references, select_in, upsert_sql
from supervise.tables import ATTENDEES, TABLES, table_of

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["BUSY_TIMEOUT_SECONDS", "Store", "damaged", "default_actor"]

T = TypeVar("T")
#: How long a write waits, by default, for another process's write to finish (seconds).
BUSY_TIMEOUT_SECONDS = 30.0
_T = Catalogue(
    __name__,
    {
        "exists": (
            "{target} 已存在；如要替换，请传入 overwrite=True（命令行：--overwrite）",
            "{target} exists; pass overwrite=True (on the command line: --overwrite) to replace it",
        ),
        "no_backup": ("无法备份到 {target}：{detail}", "cannot back up to {target}: {detail}"),
        "writing": ("写入身份证号和手机号", "writing national ID and phone numbers"),
        "reading": ("读取身份证号和手机号", "reading national ID and phone numbers"),
        "unprotecting": ("解密个人信息", "opening the personal data for good"),
        "rekeying": ("换用新密钥", "sealing the personal data under a new key"),
        "not_protected": (
            "{where} 中的身份证号和手机号未加密，无需换密钥（加密：supervise protect on）",
            "{where} keeps national ID and phone numbers in clear: there is no key to change "
            "(to encrypt them: supervise protect on)",
        ),
        "outside": (
            "{what} 只能在 transaction() 之内调用",
            "{what} is only meaningful inside transaction()",
        ),
        "cannot_open": (
            "无法把 {where} 作为登记库打开：{detail}",
            "cannot open {where} as a registry: {detail}",
        ),
    },
)
_savepoints = itertools.count()


class Store:
    """A SQLite-backed store of model records with enforced references: the system of record.

    Every write runs in one transaction: it lands whole or not at all. Writing a record
    whose key exists replaces it (upsert); writing the same record again changes nothing.
    File databases use WAL, so readers see a consistent snapshot while a write is under way.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        actor: str | None = None,
        timeout: float = BUSY_TIMEOUT_SECONDS,
        key: ProtectionKey | str | os.PathLike[str] | None = None,
    ) -> None:
        self.path: str | None = None if path is None else os.fspath(path)
        #: Who writes, unless a write names someone else: recorded in the audit trail.
        self.actor = actor or default_actor()
        #: How long a write waits for another process's write to finish, in seconds.
        self.timeout = timeout
        where = self.path or ":memory:"
        try:
            conn = sqlite3.connect(
                where, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA foreign_keys = ON")
            self.conn = conn
            # Everything that can refuse the file (newer, not a registry, damaged) reads
            # only and comes before WAL, which changes the file.
            found = check_version(conn, where)
            if self.path is not None:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            self._changed: set[str] = set()
            #: The schema version the file had when opened (0 for a new registry).
            self.migrated_from = found
            self._trail = trail.Trail(conn, masked_value)
            if found < SCHEMA_VERSION:  # readers of a current file never take the write lock
                change = f"schema {found} → {SCHEMA_VERSION}"
                with self.transaction(operation="migrate" if found else "create", detail=change):
                    migrate(conn, where)
            self._trail.install()
            self._references = references(conn)
            #: Whether national ID and phone numbers are kept encrypted (see :meth:`protect`).
            self.protected = self._setting("pii_protection") is not None
            self._key = key_of(key)
            checked = self._setting("key_check")
            if self.protected and self._key is not None and checked != self._key.check():
                raise wrong_key(where)
        except sqlite3.DatabaseError as exc:
            with contextlib.suppress(AttributeError):
                self.conn.close()
            raise self._failure(exc) from None
        except SuperviseError:
            with contextlib.suppress(AttributeError):
                self.conn.close()
            raise

    def _failure(self, exc: sqlite3.Error) -> SuperviseError:
        """The error to raise for what SQLite said: a damaged file, or any other refusal."""
        where = self.path or ":memory:"
        if damaged(exc):
            return CorruptRegistry(where, str(exc))
        return SuperviseError(_T("cannot_open", where=repr(where), detail=str(exc)))

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database connection."""
        self.conn.close()

    @property
    def db(self) -> sqlite_utils.Database:
        """The same connection as a ``sqlite_utils.Database``, for its table and query
        helpers (imported on first use: sqlite-utils loads pandas when it is installed)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn, execute_plugins=False)

    def backup(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Write a consistent copy of the registry to ``path`` with SQLite's online backup
        API, while other connections may keep reading and writing.

        The copy is written to a hidden temporary file beside ``path``, readable by its
        owner only (it holds personal data), checked (``PRAGMA quick_check``) and moved into
        place, so ``path`` never holds half a copy, nor a copy of a damaged registry
        (:class:`~supervise.errors.CorruptRegistry`). Temporary files left by a backup that
        was killed are removed by the next backup to the same folder. Refuses to replace an
        existing file unless ``overwrite`` is true."""
        target = os.path.abspath(os.fspath(path))
        if os.path.exists(target) and not overwrite:
            raise SuperviseError(_T("exists", target=repr(os.fspath(path))))
        folder, name = os.path.split(target)
        remove_abandoned_backups(folder)
        handle, partial = tempfile.mkstemp(
            prefix=f".{name}.{os.getpid()}.", suffix=BACKUP_SUFFIX, dir=folder
        )
        os.close(handle)  # mkstemp: mode 0600, and SQLite gives its journal the same
        try:
            with self.reading():
                copy = sqlite3.connect(partial)
                try:
                    self.conn.backup(copy)
                    found = quick_check(copy)
                finally:
                    copy.close()
            if found:
                raise CorruptRegistry(self.path or ":memory:", found)
            os.replace(partial, target)
        except (sqlite3.Error, OSError) as exc:
            detail = f"{exc}"
            raise SuperviseError(
                _T("no_backup", target=repr(os.fspath(path)), detail=detail)
            ) from None
        finally:
            for leftover in (partial, *(partial + end for end in ("-journal", "-wal", "-shm"))):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(leftover)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        counts = ", ".join(
            f"{n} {name}" for name, n in self.counts().items() if name in _SUMMARY_TABLES
        )
        return (
            f"<{type(self).__name__} {self.path or ':memory:'} schema v{SCHEMA_VERSION}: {counts}>"
        )

    @contextmanager
    def transaction(
        self,
        *,
        operation: str = "write",
        actor: str | None = None,
        detail: str | None = None,
        verify: bool = False,
    ) -> Iterator[trail.Write]:
        """Run the block as one write transaction (a savepoint when nested), recorded in the
        audit trail as one write: ``operation`` (``add``, ``import``, ``confirm``, ...), by
        ``actor`` (default: the registry's :attr:`actor`), with a ``detail`` for people to
        read. Every record the block inserts, updates or deletes is listed with its values
        before and after (see :mod:`supervise.store.audit`); the block may add entries of
        its own with :meth:`audit`. A block that changes nothing leaves no trace.

        ``BEGIN IMMEDIATE`` takes the write lock at once, so two processes writing the same
        file queue (up to :attr:`timeout`, 30 s by default) instead of failing half-way; a
        writer that waited that long raises :class:`~supervise.errors.RegistryBusy`, naming
        the import under way when there is one. With ``verify`` the file is checked
        (``PRAGMA quick_check``) before the block writes; a damaged file, found then or by
        any statement of the block, raises :class:`~supervise.errors.CorruptRegistry` and
        nothing is written.

        Yields the :class:`~supervise.store.audit.Write` under way (of the outermost
        transaction when nested)."""
        if _in_transaction(self.conn):
            name = f"supervise_{next(_savepoints)}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self._trail.write or trail.Write(
                    self._trail, 0, operation, self.actor, detail, ""
                )
            except BaseException:
                if _in_transaction(self.conn):
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    self.conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            self.conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        self._begin()
        self._changed = set()
        before = self.conn.total_changes
        try:
            if verify:
                self.verify()
            write = self._trail.begin(operation, actor or self.actor, detail)
            yield write
            if self.conn.total_changes != before:
                self._bump(True)
                write.finish()
            self.conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            self._rollback()
            if damaged(exc):
                raise CorruptRegistry(self.path or ":memory:", str(exc)) from None
            raise
        except BaseException:
            self._rollback()
            raise
        finally:
            self._changed = set()
            with contextlib.suppress(sqlite3.Error):
                self._trail.end()

    def audit(
        self,
        table: str,
        key: Sequence[Any],
        change: str,
        *,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        person_id: str | None = None,
    ) -> None:
        """Add an entry to the audit trail of the write under way (inside
        :meth:`transaction`): a ``change`` (``confirm``, ``reject``, ...) of the record
        ``table``/``key``, with what the caller wants kept ``before`` and ``after`` (national
        ID and phone numbers are masked) and whose record it is. Changes of rows need no
        call: the trail lists them itself.

        >>> import supervise
        >>> registry = supervise.open(actor="李审核")
        >>> with registry.transaction(operation="confirm", detail="2 records"):
        ...     registry.audit("activities", ["a1"], "confirm", after={"state": "confirmed"})
        >>> last = registry.history()[-1]
        >>> last.actor, last.operation, last.detail, last.changes[0].change
        ('李审核', 'confirm', '2 records', 'confirm')
        """
        if self._trail.write is None:
            raise SuperviseError(_T("outside", what="audit()"))
        self._trail.record(table, key, change, before=before, after=after, person_id=person_id)

    def history(
        self,
        *,
        table: str | None = None,
        key: Sequence[Any] | str | None = None,
        person: str | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
    ) -> list[trail.AuditWrite]:
        """The audit trail: every write, oldest first, with who made it, when (UTC), the
        operation, the rows per table and the records it changed, values before and after.

        ``table`` and ``key`` (a value, or the values of a composite key) keep the writes
        that changed that record; ``person`` those that changed a record of that person;
        ``since`` and ``until`` (dates, both included, UTC) a span of time."""
        keys = (key,) if isinstance(key, str) else key
        with self.reading():
            return trail.history(
                self.conn,
                table=table,
                key=keys,
                person=person,
                since=None if since is None else parse_date(since),
                until=None if until is None else parse_date(until),
            )

    def _begin(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorname", "") != "SQLITE_BUSY" or self.path is None:
                raise
            note = under_way(self.path)
            raise RegistryBusy(
                self.path, self.timeout, None if note is None else note.describe()
            ) from None
        except sqlite3.DatabaseError as exc:
            raise self._failure(exc) from None

    def _rollback(self) -> None:
        if _in_transaction(self.conn):
            with contextlib.suppress(sqlite3.Error):  # a damaged file may refuse even this
                self.conn.execute("ROLLBACK")

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Run the block's reads, turning SQLite's report of a damaged file into
        :class:`~supervise.errors.CorruptRegistry`."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            if damaged(exc):
                raise CorruptRegistry(self.path or ":memory:", str(exc)) from None
            raise

    def verify(self) -> None:
        """Check the registry file with ``PRAGMA quick_check`` (every page and index entry
        well formed; about a second per gigabyte): raises
        :class:`~supervise.errors.CorruptRegistry` naming the first problems."""
        try:
            found = quick_check(self.conn)
        except sqlite3.DatabaseError as exc:
            raise self._failure(exc) from None
        if found:
            raise CorruptRegistry(self.path or ":memory:", found)

    def changed(self, *tables: str) -> None:
        """Declare, inside :meth:`transaction`, that the block writes ``tables``: on commit
        they get new generation tokens, so the columnar copy of them is rebuilt before the
        next answer. A transaction that changes rows without declaring any renews every
        table's token (correct, only slower)."""
        if not _in_transaction(self.conn):
            raise SuperviseError("changed() is only meaningful inside transaction()")
        self._changed.update(tables)

    def _bump(self, wrote: bool) -> None:
        if not wrote:
            return
        names = sorted(self._changed) if self._changed else GENERATION_TABLES
        if names:
            self.conn.executemany(
                "INSERT INTO generations (name, token) VALUES (?, lower(hex(randomblob(8)))) "
                "ON CONFLICT (name) DO UPDATE SET token = excluded.token",
                [(name,) for name in names],
            )

    # -- personal data at rest ---------------------------------------------------------------

    def _setting(self, name: str) -> str | None:
        found = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settings'"
        ).fetchone()
        if not found:
            return None
        row = self.conn.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def seal(self, column: str, value: Any) -> Any:
        """``value`` of ``column`` as this registry stores it: sealed (encrypted, with its
        mask and keyed hash) when the registry is protected and ``column`` holds personal
        data, else as it is. Raises :class:`~supervise.store.protection.KeyRequired` for a
        number to seal without the key."""
        if not self.protected or value is None or column not in SEALED_COLUMNS:
            return value
        if self._key is None:
            raise required(self.path or ":memory:", _T("writing"))
        return self._key.seal(column, value)

    def reveal(self, column: str, value: Any) -> Any:
        """A stored value as it was written: a sealed cell opened with the key
        (:class:`~supervise.store.protection.KeyRequired` without it), anything else as it
        is."""
        if not is_sealed(value):
            return value
        if self._key is None:
            raise required(self.path or ":memory:", _T("reading"))
        return self._key.unseal(column, value)

    def pseudonymiser(self, key: ProtectionKey) -> Callable[[str], str]:
        """What turns a stored national ID into its pseudonym under ``key`` (see
        :mod:`supervise.pseudonym`). A protected registry whose own key is ``key`` gives the
        keyed hash each sealed cell carries, opening no number and needing no key of its own
        (the hash is the pseudonym: one function, one derivation); any other number is opened
        (a protected registry's needs its key: :class:`~supervise.store.protection.KeyRequired`
        without it) and hashed under ``key``."""
        if self.protected and self._setting("key_check") == key.check():
            return lambda value: hash_of(value) if is_sealed(value) else key.national_id_hash(value)
        return lambda value: key.national_id_hash(self.reveal("national_id", value))

    def protect(self, key: ProtectionKey, *, actor: str | None = None) -> int:
        """Keep every national ID and phone number of the registry encrypted under ``key``
        from now on (see :mod:`supervise.store.protection`); returns the people whose numbers
        were sealed. The file is then rewritten (``VACUUM``), so the numbers in clear are
        not left behind in its free pages or its write-ahead log; copies made before (a
        backup, an export with personal data) still hold them.

        Protecting a protected registry with its own key does nothing; with another key it
        raises :class:`~supervise.store.protection.KeyRequired`."""
        if self.protected:
            if self._setting("key_check") != key.check():
                raise wrong_key(self.path or ":memory:")
            self._key = key
            return 0
        with self.transaction(operation="protect", actor=actor) as write:
            write.quiet()  # every value is masked in the trail: nothing to see but a count
            n = self._reseal(key.seal)
            self.conn.executemany(
                "INSERT INTO settings (name, value) VALUES (?, ?)",
                [("pii_protection", PROTECTION), ("key_check", key.check())],
            )
            self.changed("people")
            write.counts = {"people": {"updated": n}}
        self._key, self.protected = key, True
        self._scrub()
        return n

    def rekey(self, key: ProtectionKey, *, actor: str | None = None) -> int:
        """Seal every national ID and phone number under ``key`` instead of the key the
        registry was opened with (which it needs): for when someone who held the old key
        leaves, or the key may have been copied. One transaction, recorded in the audit
        trail; the file is then rewritten (``VACUUM``), so no cell sealed under the old key
        survives in it. Returns the people whose numbers were sealed again (0 when ``key``
        is the registry's key already). Backups and key files made before still open with
        the old key: replace them too."""
        where = self.path or ":memory:"
        if not self.protected:
            raise SuperviseError(_T("not_protected", where=where))
        if self._key is None:
            raise required(where, _T("rekeying"))
        if self._setting("key_check") == key.check():
            return 0
        with self.transaction(operation="rekey", actor=actor) as write:
            write.quiet()  # masks only in the trail, and the masks do not change
            n = self._reseal(lambda column, cell: key.seal(column, self.reveal(column, cell)))
            self.conn.execute(
                "UPDATE settings SET value = ? WHERE name = 'key_check'", (key.check(),)
            )
            self.changed("people")
            write.counts = {"people": {"updated": n}}
        self._key = key
        self._scrub()
        return n

    def unprotect(self, *, actor: str | None = None) -> int:
        """Keep national ID and phone numbers in clear again (needs the key); returns the
        people whose numbers were opened."""
        if not self.protected:
            return 0
        if self._key is None:
            raise required(self.path or ":memory:", _T("unprotecting"))
        key = self._key
        with self.transaction(operation="unprotect", actor=actor) as write:
            write.quiet()
            n = self._reseal(self.reveal)
            self.conn.execute("DELETE FROM settings WHERE name IN ('pii_protection', 'key_check')")
            self.changed("people")
            write.counts = {"people": {"updated": n}}
        self.protected = False
        self._key = key
        return n

    def _reseal(self, change: Callable[[str, str], str]) -> int:
        """Write ``change(column, cell)`` over every national ID and phone number that is
        set (inside a transaction); returns the people changed."""
        rows = self.conn.execute(
            "SELECT id, national_id, phone FROM people "
            "WHERE national_id IS NOT NULL OR phone IS NOT NULL"
        ).fetchall()
        self.conn.executemany(
            "UPDATE people SET national_id = ?, phone = ? WHERE id = ?",
            [
                (
                    None if number is None else change("national_id", number),
                    None if phone is None else change("phone", phone),
                    pid,
                )
                for pid, number, phone in rows
            ],
        )
        return len(rows)

    def _scrub(self) -> None:
        """Rewrite the file so that no old page (a number in clear) survives in it or in its
        write-ahead log."""
        if self.path is None:
            return
        with self.reading():
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.conn.execute("VACUUM")
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- writing -----------------------------------------------------------------------------

    def add(self, *records: Any, actor: str | None = None) -> dict[str, int]:
        """Write model records (objects, or iterables of them) in one transaction, recorded
        in the audit trail as an ``add`` by ``actor`` (default: the registry's).

        Returns the number of rows inserted or changed per table; rows already stored with
        the same values are not counted. Raises :class:`~supervise.errors.IntegrityError`,
        naming the record and field, when a record refers to a missing one (a pairing whose
        mentor has no role in the cohort, an activity for a phase its program lacks) and
        writes nothing then.
        """
        batch = _group(records)
        rows = {name: [to_dict(r) for r in items] for name, items in batch.items()}
        if self.protected and Person.__table__ in rows:
            for row in rows[Person.__table__]:
                for column in SEALED_COLUMNS:
                    row[column] = self.seal(column, row[column])
        if Session.__table__ in rows:
            rows[ATTENDEES.name] = [
                {"session_id": s["id"], "person_id": p}
                for s in rows[Session.__table__]
                for p in s.pop("attendees")
            ]
        problems = check_references(self.conn, self._references, rows)
        if problems:
            first = problems[0]
            record = (
                record_label(batch[first.table][first.index])
                if first.table in batch
                else first.table
            )
            raise IntegrityError(record, first.field, first.value, first.reason, len(problems) - 1)
        self._check_national_ids(batch.get(Person.__table__, []))
        changed: dict[str, int] = {}
        try:
            with self.transaction(operation="add", actor=actor):
                for name in TABLES:
                    if name in rows and name != ATTENDEES.name:
                        changed[name] = self._upsert(name, rows[name])
                if Session.__table__ in batch:
                    changed[ATTENDEES.name] = replace_attendees(
                        self.conn, {s.id: s.attendees for s in batch[Session.__table__]}
                    )
                self.changed(*(name for name, n in changed.items() if n))
        except sqlite3.IntegrityError as exc:  # a backstop: the checks above should catch it
            raise IntegrityError("registry", "?", None, str(exc)) from None
        return {name: n for name, n in changed.items() if n or name != ATTENDEES.name}

    def _upsert(self, name: str, rows: list[dict[str, Any]]) -> int:
        table = TABLES[name]
        sql = upsert_sql(table, table.names)
        # rowcount counts the rows this statement changed, not the audit trail's own
        cursor = self.conn.executemany(sql, [tuple(row[c] for c in table.names) for row in rows])
        return max(cursor.rowcount, 0)

    def _check_national_ids(self, people: list[Person]) -> None:
        """A national ID already held by another person id is the same person: refuse.
        One query per few hundred people, not one per person."""
        numbers = {
            self.seal("national_id", p.national_id): p for p in people if p.national_id is not None
        }
        owners = list(
            select_in(self.conn, "people", ("national_id", "id"), "national_id", list(numbers))
        )
        for number, owner in owners:
            person = numbers[number]
            if owner != person.id:
                raise IntegrityError(
                    record_label(person),
                    "national_id",
                    mask_national_id(person.national_id or ""),
                    f"the same national ID is already registered to person {owner!r}",
                )

    def imports(self) -> list[ImportRecord]:
        """Every import that wrote to this registry, oldest first: source, SHA-256 of the
        content, time (UTC) and rows per table. Imports that changed nothing, dry runs and
        refused files leave no record."""
        with self.reading():
            return list_imports(self.conn)

    # -- reading -----------------------------------------------------------------------------

    def get(self, cls: type[T], *key: Any) -> T:
        """The record of model class ``cls`` with key ``key`` (``get(Person, "p1")``,
        ``get(Enrollment, "p1", "c1")``); raises :class:`~supervise.errors.NotFound`."""
        table = table_of(cls)
        if len(key) != len(table.key):
            raise TypeError(
                f"{cls.__name__} is keyed by {', '.join(table.key)}; got {len(key)} values"
            )
        found = self.find(cls, **dict(zip(table.key, key, strict=True)))
        if not found:
            raise NotFound(cls.__name__, key[0] if len(key) == 1 else key, record_zh=table.zh)
        return found[0]

    def find(self, cls: type[T], **where: Any) -> list[T]:
        """Records of ``cls`` whose columns equal the given values, in key order:
        ``find(Activity, cohort_id="c1", person_id="p1")``."""
        table = table_of(cls)
        for column in where:
            if column not in table.names:
                raise TypeError(
                    f"{cls.__name__} has no field {column!r}; fields: {', '.join(table.names)}"
                )
        condition = " AND ".join(f"{q(c)} IS ?" for c in where) or "1"
        params = [_plain(v) for v in where.values()]
        order = ", ".join(q(c) for c in _ORDER.get(table.name, table.key))
        sql = f"SELECT * FROM {q(table.name)} WHERE {condition} ORDER BY {order}"
        return self._select(cls, sql, params)

    def _select(self, cls: type[T], sql: str, params: Any) -> list[T]:
        """Run ``sql`` (selecting every column of ``cls``'s table) and build the records."""
        with self.reading():
            cursor = self.conn.execute(sql, params)
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor]
            attendees = (
                stored_attendees(self.conn, [row["id"] for row in rows]) if cls is Session else {}
            )
        if cls is Session:
            for row in rows:
                row["attendees"] = sorted(attendees.get(row["id"], ()))
        if cls is Person and self.protected:
            for row in rows:
                for column in SEALED_COLUMNS:
                    row[column] = self.reveal(column, row[column])
        with trusted_load():  # stored IDs were checked, and warned about, on write
            return [from_dict(cls, row) for row in rows]

    # -- progress ----------------------------------------------------------------------------

    def snapshot(self, cohort_id: str, *, records: bool = True) -> CohortSnapshot:
        """Everything about cohort ``cohort_id`` as model objects, for the pure functions
        (``supervise.progress(registry.snapshot("c1"), as_of)``). With ``records=False``
        the activities, sessions and deliverables are left out (tallies come from SQL)."""
        cohort = self.get(Cohort, cohort_id)
        enrollments = self.find(Enrollment, cohort_id=cohort_id)
        mentors = self.find(MentorRole, cohort_id=cohort_id)
        involved = {e.person_id for e in enrollments} | {m.person_id for m in mentors}
        return CohortSnapshot(
            program=self.get(Program, cohort.program_id),
            phases=self.find(PhaseSpec, program_id=cohort.program_id),
            cohort=cohort,
            enrollments=enrollments,
            names=dict(self.conn.execute(_NAMES_IN_COHORT, {"cohort": cohort_id}).fetchall()),
            mentors=mentors,
            pairings=self.find(Pairing, cohort_id=cohort_id),
            activities=self.find(Activity, cohort_id=cohort_id) if records else (),
            sessions=self.find(Session, cohort_id=cohort_id) if records else (),
            deliverables=self.find(Deliverable, cohort_id=cohort_id) if records else (),
            exemptions=self.find(Exemption, cohort_id=cohort_id),
            outcomes=[o for o in self._outcomes_in(cohort_id) if o.person_id in involved],
        )

    def _outcomes_in(self, cohort_id: str) -> list[Outcome]:
        return self._select(Outcome, _OUTCOMES_IN_COHORT, {"cohort": cohort_id})

    def phase_records(self, cohort_id: str) -> list[dict[str, Any]]:
        """How many records each phase of a cohort holds, in phase order: ``phase``, ``name``,
        ``activities``, ``hours``, ``sessions``, ``deliverables``, ``exemptions``."""
        cohort = self.get(Cohort, cohort_id)
        rows = self.conn.execute(
            _PHASE_RECORDS, {"cohort": cohort.id, "program": cohort.program_id}
        )
        names = ("phase", "name", "activities", "hours", "sessions", "deliverables", "exemptions")
        return [dict(zip(names, row, strict=True)) for row in rows]

    def counts(self) -> dict[str, int]:
        """The number of rows in every table."""
        with self.reading():
            return {
                name: self.conn.execute(f"SELECT count(*) FROM {q(name)}").fetchone()[0]
                for name in TABLES
            }


_PHASE_RECORDS = """
SELECT p.key, p.name,
    (SELECT count(*) FROM activities a WHERE a.cohort_id = :cohort AND a.phase = p.key),
    (SELECT coalesce(sum(a.hours), 0.0) FROM activities a
        WHERE a.cohort_id = :cohort AND a.phase = p.key),
    (SELECT count(*) FROM sessions s WHERE s.cohort_id = :cohort AND s.phase = p.key),
    (SELECT count(*) FROM deliverables d WHERE d.cohort_id = :cohort AND d.phase = p.key),
    (SELECT count(*) FROM exemptions e WHERE e.cohort_id = :cohort AND e.phase = p.key)
FROM phases p WHERE p.program_id = :program ORDER BY p."order"
"""
_NAMES_IN_COHORT = """
SELECT id, name FROM people WHERE id IN (
    SELECT person_id FROM enrollments WHERE cohort_id = :cohort
    UNION SELECT person_id FROM mentors WHERE cohort_id = :cohort
) ORDER BY id
"""
_OUTCOMES_IN_COHORT = """
SELECT * FROM outcomes WHERE person_id IN (
    SELECT person_id FROM enrollments WHERE cohort_id = :cohort
    UNION SELECT person_id FROM mentors WHERE cohort_id = :cohort
) ORDER BY person_id, kind, "on"
"""
_SUMMARY_TABLES = ("programs", "cohorts", "people", "enrollments")
# Reading order where the key's order is not the natural one: phases in program order.
_ORDER = {"phases": ("program_id", "order", "key")}


#: The end of the name of a backup's temporary file: ``.<target>.<pid>.<random>.backup-partial``.
BACKUP_SUFFIX = ".backup-partial"


def remove_abandoned_backups(folder: str) -> list[str]:
    """Remove the temporary files of backups into ``folder`` whose process is gone (killed
    before it could clean up); returns their names. A backup under way is left alone."""
    removed = []
    for entry in os.scandir(folder):
        if BACKUP_SUFFIX not in entry.name or not entry.name.startswith("."):
            continue
        pid = entry.name.rsplit(BACKUP_SUFFIX, 1)[0].split(".")[-2:-1]
        if not pid or not pid[0].isdigit() or process_alive(int(pid[0])):
            continue
        with contextlib.suppress(OSError):
            os.remove(entry.path)
            removed.append(entry.name)
    return removed


def masked_value(column: str, value: Any) -> Any:
    """What the audit trail keeps of a personal-data value: its mask."""
    if not isinstance(value, str):
        return value
    if is_sealed(value):
        return mask_of(value)
    mask = MASKS.get(column)
    return mask(value) if mask is not None else "*" * len(value)


def quick_check(conn: sqlite3.Connection) -> str:
    """``PRAGMA quick_check``'s first few findings, one line, or ``""`` for a sound file."""
    lines = [
        line
        for (text,) in conn.execute("PRAGMA quick_check(3)")
        for line in str(text).splitlines()
        if line and not line.startswith("***")
    ]
    return "" if lines == ["ok"] else "; ".join(lines)


def damaged(exc: BaseException) -> bool:
    """Whether SQLite's error says the file is damaged (a malformed page). A file that is no
    database at all is refused as such, not as damaged."""
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith("SQLITE_CORRUPT") or "malformed" in str(exc)


def default_actor() -> str:
    """Who writes when nobody is named: the operating system's user name."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no such user (a container's bare uid)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def _in_transaction(conn: sqlite3.Connection) -> bool:
    # A function, not the attribute, so the type checker does not assume it is unchanged.
    return conn.in_transaction


def _plain(value: Any) -> Any:
    """A query parameter as stored: dates as ISO text, vocabularies as their value."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    return value


def _group(records: Iterable[Any]) -> dict[str, list[Any]]:
    """Model objects by table, flattening nested iterables; two different records with the
    same key in one write are an error (which one should win?)."""
    by_key: dict[str, dict[tuple[Any, ...], Any]] = {}
    for record in _flatten(records):
        cls = type(record)
        if cls not in MODELS:
            raise TypeError(f"cannot add {cls.__name__} {record!r}: not a supervise model object")
        key = tuple(getattr(record, k) for k in cls.__key__)
        seen = by_key.setdefault(cls.__table__, {})
        if key in seen and seen[key] != record:
            raise InvalidRecord(
                record_label(record),
                ", ".join(cls.__key__),
                key,
                "two different records with this key in one write",
            )
        seen[key] = record
    return {name: list(by_key[name].values()) for name in TABLES if name in by_key}


def _flatten(records: Iterable[Any]) -> Iterator[Any]:
    for item in records:
        if isinstance(item, Mapping | str | bytes):
            raise TypeError(f"cannot add {type(item).__name__}: pass model objects")
        if hasattr(item, "__attrs_attrs__"):
            yield item
        elif isinstance(item, Iterable):
            yield from _flatten(item)
        else:
            raise TypeError(f"cannot add {type(item).__name__}: pass model objects")
