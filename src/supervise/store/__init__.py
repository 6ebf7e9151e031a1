"""The system of record: SQLite with an explicit, versioned schema (:class:`Store`)."""

from supervise.store.schema import SCHEMA_VERSION
from supervise.store.store import Store

__all__ = ["SCHEMA_VERSION", "Store"]
