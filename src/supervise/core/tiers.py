"""Talent structure (人才梯次结构): people by the highest credential they hold on a date.

The counts are decided by :func:`supervise.semantics.structure.tiers`; :class:`TierCounts`
holds them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from supervise import _display
from supervise.model import CredentialLevel
from supervise.semantics.structure import GROUPINGS, UNKNOWN

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = ["GROUPINGS", "LEVELS", "UNKNOWN", "TierCounts"]

#: Tier names, lowest first.
LEVELS = ("none", *(level.value for level in CredentialLevel))


@attrs.frozen(kw_only=True)
class TierCounts:
    """People per tier (none, assistant, intermediate, senior, total) per group, on ``as_of``.
    The only group is ``"all"`` when not grouped."""

    as_of: date
    by: str | None
    groups: Mapping[str, Mapping[str, int]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "by": self.by,
            "groups": {g: dict(counts) for g, counts in self.groups.items()},
        }

    def to_pandas(self) -> DataFrame:
        """One row per group: ``group``, none, assistant, intermediate, senior, total.
        Needs ``supervise[pandas]``."""
        return _display.frame(self)

    def to_html(self, lang: str | None = None) -> str:
        """The tier table as HTML, in ``lang`` (default: the language setting)."""
        return _display.html(self, lang)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_text(self, lang: str | None = None) -> str:
        """A terminal table, one row per group, in ``lang`` (default: the language setting)."""
        return _display.text(self, lang)

    def __str__(self) -> str:
        return self.to_text()
