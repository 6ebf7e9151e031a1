"""Every result's views, registered where results look them up (:mod:`supervise._display`)."""

from __future__ import annotations

from typing import Any

from supervise import _display
from supervise.core.continuing import EducationReport
from supervise.core.eligibility import EligibilityReport
from supervise.core.outcomes import OutcomeTally
from supervise.core.progress import CohortProgress
from supervise.core.targets import TargetStatus
from supervise.core.tiers import TierCounts
from supervise.present import continuing, eligibility, frames, progress, structure


def _one_target_html(status: TargetStatus, lang: str = "zh") -> Any:
    return structure.targets_html([status], lang)


def _one_target_text(status: TargetStatus, lang: str = "zh") -> str:
    return structure.targets_text([status], lang)


for kind, cls, renderer in (
    ("html", CohortProgress, progress.to_html),
    ("text", CohortProgress, progress.to_text),
    ("frame", CohortProgress, frames.progress_frame),
    ("arrow", CohortProgress, frames.progress_arrow),
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
    ("text", EducationReport, continuing.education_text),
    ("html", EducationReport, continuing.education_html),
    ("frame", EducationReport, continuing.education_frame),
):
    _display.register(kind, cls, renderer)
