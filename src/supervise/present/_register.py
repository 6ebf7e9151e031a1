"""Every result's views, registered where results look them up (:mod:`supervise._display`)."""

from __future__ import annotations

from typing import Any

from supervise import _display
from supervise.core.continuing import EducationReport
from supervise.core.eligibility import EligibilityReport
from supervise.core.outcomes import OutcomeTally
from supervise.core.placements import Placements
from supervise.core.progress import CohortProgress
from supervise.core.targets import TargetStatus
from supervise.core.teams import TeamsProgress
from supervise.core.tiers import TierCounts
from supervise.present import continuing, eligibility, frames, placements, progress, structure
from supervise.present.html import block


def _one_target_html(status: TargetStatus, lang: str | None = None) -> Any:
    return structure.targets_html([status], lang)


def _one_target_text(status: TargetStatus, lang: str | None = None) -> str:
    return structure.targets_text([status], lang)


def _teams_html(teams: TeamsProgress, lang: str | None = None) -> Any:
    return block(progress.teams_html(teams, lang))


for kind, cls, renderer in (
    ("html", CohortProgress, progress.to_html),
    ("text", CohortProgress, progress.to_text),
    ("frame", CohortProgress, frames.progress_frame),
    ("arrow", CohortProgress, frames.progress_arrow),
    ("html", TeamsProgress, _teams_html),
    ("text", TeamsProgress, progress.teams_text),
    ("frame", TeamsProgress, frames.teams_frame),
    ("html", EligibilityReport, eligibility.to_html),
    ("text", EligibilityReport, eligibility.to_text),
    ("frame", EligibilityReport, frames.eligibility_frame),
    ("html", TierCounts, structure.tiers_html),
    ("text", TierCounts, structure.tiers_text),
    ("frame", TierCounts, frames.tiers_frame),
    ("html", OutcomeTally, structure.outcomes_html),
    ("text", OutcomeTally, structure.outcomes_text),
    ("frame", OutcomeTally, frames.outcomes_frame),
    ("html", TargetStatus, _one_target_html),
    ("text", TargetStatus, _one_target_text),
    ("frame", TargetStatus, frames.target_frame),
    ("html", Placements, placements.placements_html),
    ("text", Placements, placements.placements_text),
    ("frame", Placements, placements.placements_frame),
    ("text", EducationReport, continuing.education_text),
    ("html", EducationReport, continuing.education_html),
    ("frame", EducationReport, continuing.education_frame),
):
    _display.register(kind, cls, renderer)
