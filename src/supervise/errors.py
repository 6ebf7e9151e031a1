"""The exceptions `supervise` raises, rooted at :class:`SuperviseError`.

Catch ``SuperviseError`` to handle anything the library reports about your data; each subclass
also derives from the builtin a caller would naturally catch (``ValueError``, ``LookupError``).
Every message names the record and the field; national ID numbers in messages are masked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "ExportsRefused",
    "ImportFailed",
    "IntegrityError",
    "InvalidRecord",
    "MissingExtra",
    "NationalIdWarning",
    "NotFound",
    "SchemaVersionError",
    "SuperviseError",
]


class SuperviseError(Exception):
    """Root of every error the library raises about data, files or the store."""


class InvalidRecord(SuperviseError, ValueError):
    """A record (model object or imported row) has a field with an unacceptable value.

    Attributes name the record (``record``, e.g. ``"Activity 'a17'"``), the ``field`` and the
    offending ``value`` (already masked when it is personal data), and the ``reason``.
    """

    def __init__(self, record: str, field: str, value: Any, reason: str) -> None:
        self.record = record
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{record}: {field}: {reason} (got {value!r})")


class NotFound(SuperviseError, LookupError):
    """A record asked for by key is not in the registry."""

    def __init__(self, record: str, key: Any) -> None:
        self.record = record
        self.key = key
        super().__init__(f"{record} {key!r} not found")


class IntegrityError(SuperviseError):
    """A write would break the registry's consistency (a reference to a missing record, a
    national ID already held by another person). Nothing was written. ``more`` counts the
    further problems of the same write."""

    def __init__(self, record: str, field: str, value: Any, reason: str, more: int = 0) -> None:
        self.record = record
        self.field = field
        self.value = value
        self.reason = reason
        self.more = more
        tail = f"; and {more} more problem{'s' if more > 1 else ''}" if more else ""
        super().__init__(f"{record}: {field}: {reason} (got {value!r}){tail}")


class ImportFailed(SuperviseError, ValueError):
    """An exchange file was refused and nothing was written.

    ``problems`` holds the problems found (each names the file, table, row, field, value and
    reason; at most a few hundred are kept), ``total`` counts every problem found. The message
    lists the kept problems one per line.
    """

    def __init__(self, source: str, problems: Sequence[Any], total: int) -> None:
        self.source = source
        self.problems = list(problems)
        self.total = total
        noun = "problem" if total == 1 else "problems"
        lines = [f"cannot import {source}: {total} {noun}; nothing was written"]
        lines.extend(f"  {problem}" for problem in self.problems)
        if total > len(self.problems):
            lines.append(f"  … and {total - len(self.problems)} more")
        super().__init__("\n".join(lines))


class ExportsRefused(SuperviseError, ValueError):
    """Provinces' exports given to a national roll-up were refused, and none of their rows
    was used: an answer from records of which some failed their checks would be wrong in ways
    nobody could see.

    ``problems`` holds the problems found (each names the province and file, table, row,
    field, value and reason; at most a few hundred are kept), ``total`` counts every problem
    found. The message lists the kept problems one per line.
    """

    def __init__(self, problems: Sequence[Any], total: int) -> None:
        self.problems = list(problems)
        self.total = total
        noun = "problem" if total == 1 else "problems"
        lines = [
            f"cannot roll up these exports (无法汇总): {total} {noun}; none of their rows was used"
        ]
        lines.extend(f"  {problem}" for problem in self.problems)
        if total > len(self.problems):
            lines.append(f"  … and {total - len(self.problems)} more")
        super().__init__("\n".join(lines))


class SchemaVersionError(SuperviseError):
    """The database was written by a newer version of `supervise` than the one running."""


class MissingExtra(SuperviseError, ImportError):
    """An optional dependency is needed; the message names the extra to install."""

    def __init__(self, feature: str, extra: str, module: str) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} needs the optional dependency '{module}': pip install 'supervise[{extra}]'"
        )


class NationalIdWarning(UserWarning):
    """A national ID number passes its checksum but its location code is unknown for the
    birth year (for example a county created after the person was born). Real people carry such
    numbers, so this is a warning, never an error."""
