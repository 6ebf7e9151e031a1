"""Sign-off (审核确认), the one definition of which records count.

A record (activity, session, deliverable) is ``confirmed``, ``submitted`` (awaiting a mentor)
or ``rejected``; an empty state is ``confirmed``, so records written before sign-off existed
keep counting. Rejected records never count; submitted ones count only in programs whose
``pending_counts`` is true. Progress and eligibility both filter through these expressions.
"""

from __future__ import annotations

__all__ = ["counted", "is_confirmed", "is_pending", "not_rejected"]


def is_confirmed(alias: str) -> str:
    """The record of ``alias`` is confirmed (or has no state)."""
    return f"(coalesce({alias}.state, 'confirmed') = 'confirmed')"


def is_pending(alias: str) -> str:
    """The record of ``alias`` awaits sign-off."""
    return f"({alias}.state = 'submitted')"


def not_rejected(alias: str) -> str:
    """The record of ``alias`` is confirmed or awaits sign-off."""
    return f"(coalesce({alias}.state, 'confirmed') <> 'rejected')"


def counted(alias: str, pending_counts: str) -> str:
    """The record of ``alias`` counts, given the SQL truth of its program's
    ``pending_counts``."""
    return f"({is_confirmed(alias)} OR ({is_pending(alias)} AND coalesce({pending_counts}, false)))"
