"""The imperative shell's storage: SQLite via sqlite-utils, with an explicit, versioned schema."""

from supervise.store.registry import Registry, open
from supervise.store.schema import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "Registry", "open"]
