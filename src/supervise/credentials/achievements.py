"""What the registry can vouch for, as Open Badges 3.0 achievements.

Three kinds of award, each read from the registry's public API:

- *completion* (结业): a trainee whose status is ``completed`` in the cohort's progress as of
  a date; the achievement is the program, its phases the criteria and its required hours the
  credits;
- *recognition* (免修/互认): an exemption, a phase recognised as complete for learning done
  elsewhere; the achievement is that phase of the program;
- *outcome* (培养成效): an outcome of a kind (expert pool, senior review, ...); the
  achievement is the outcome kind, aligned to the person's program.

Texts are Chinese first, then English: offices read Chinese, verifiers abroad English.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import attrs

from supervise.model import (
    Cohort,
    Enrollment,
    Exemption,
    Outcome,
    OutcomeKind,
    Person,
    PhaseSpec,
    Program,
    phase_label,
)
from supervise.registry import Registry

__all__ = ["Award", "AwardIds", "completions", "outcomes", "recognitions"]

#: achievementType of each kind of award (OB 3.0's AchievementType vocabulary).
ACHIEVEMENT_TYPES: dict[str, str] = {
    "completion": "CertificateOfCompletion",
    "recognition": "Course",
    OutcomeKind.EXPERT_POOL.value: "Membership",
    OutcomeKind.STANDARD_DRAFTING.value: "Award",
    OutcomeKind.SENIOR_REVIEW_PASSED.value: "Certification",
    OutcomeKind.SENIOR_EXAM_PASSED.value: "Assessment",
    OutcomeKind.PROMOTION.value: "Award",
    OutcomeKind.COMPLETION_CERTIFICATE.value: "CertificateOfCompletion",
    OutcomeKind.OTHER.value: "Achievement",
}


@attrs.frozen(kw_only=True)
class AwardIds:
    """How achievements and credentials are named: under ``base_url`` when the office
    publishes them there, else as ``urn:uuid:`` values derived from the issuer (stable
    across runs, so the same achievement keeps its id)."""

    issuer: str
    base_url: str | None = None

    def achievement(self, *parts: str) -> str:
        path = "/".join(parts)
        if self.base_url:
            return f"{self.base_url.rstrip('/')}/achievements/{path}"
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{self.issuer}/achievements/{path}')}"

    def credential(self) -> str:
        fresh = uuid.uuid4()
        if self.base_url:
            return f"{self.base_url.rstrip('/')}/credentials/{fresh}"
        return f"urn:uuid:{fresh}"

    def status_list(self) -> str:
        if self.base_url:
            return f"{self.base_url.rstrip('/')}/status/1"
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{self.issuer}/status/1')}"


@attrs.frozen(kw_only=True)
class Award:
    """One thing to vouch for: a person, an achievement, when, and what was achieved."""

    kind: str  # completion, recognition, or the outcome kind
    person: Person
    program: Program | None
    achievement: dict[str, Any]
    name: str
    awarded_on: date
    started_on: date | None = None
    ended_on: date | None = None
    narrative: str | None = None
    credits: float | None = None
    results: tuple[dict[str, Any], ...] = ()
    topic: str = ""  # what it concerns, for file names: program, program and phase, or date

    @property
    def slug(self) -> str:
        """A file name stem: ``t2024-05-recognition-nx-sup-2024-theory``."""
        return f"{self.person.id}-{self.kind}-{self.topic}"


def completions(
    registry: Registry, ids: AwardIds, cohort_ids: Iterable[str], as_of: date
) -> list[Award]:
    """One award per trainee of the cohorts whose status is ``completed`` on ``as_of``."""
    out: list[Award] = []
    chosen = list(dict.fromkeys(cohort_ids))
    if not chosen:
        return out
    for cohort_id, progress in registry.cohorts_progress(chosen, as_of).items():
        cohort = registry.get(Cohort, cohort_id)
        program = registry.get(Program, cohort.program_id)
        achievement = program_achievement(
            program, registry.find(PhaseSpec, program_id=program.id), ids
        )
        ended = min(as_of, cohort.ends_on)
        for trainee in progress.trainees:
            if trainee.status.value != "completed":
                continue
            enrollment = registry.get(Enrollment, trainee.person_id, cohort_id)
            hours = [p for p in trainee.phases if "hours" in p.required]
            # credit for a phase's required hours once it is done (exempt phases included)
            credits = sum(p.required["hours"] for p in hours) if hours else None
            out.append(
                Award(
                    kind="completion",
                    person=registry.get(Person, trainee.person_id),
                    program=program,
                    achievement=achievement,
                    name=f"{program.name}结业（{cohort.name}）",
                    awarded_on=ended,
                    started_on=enrollment.enrolled_on,
                    ended_on=ended,
                    credits=credits,
                    topic=program.id,
                    results=tuple(
                        _phase_result(achievement["id"], p.key, p.status.value)
                        for p in trainee.phases
                    ),
                )
            )
    return out


def recognitions(
    registry: Registry, ids: AwardIds, cohort_ids: Iterable[str], people: Sequence[str] | None
) -> list[Award]:
    """One award per exemption granted in the cohorts (to ``people`` only, when given)."""
    out: list[Award] = []
    for cohort_id in dict.fromkeys(cohort_ids):
        cohort = registry.get(Cohort, cohort_id)
        program = registry.get(Program, cohort.program_id)
        phases = {p.key: p for p in registry.find(PhaseSpec, program_id=program.id)}
        for exemption in registry.find(Exemption, cohort_id=cohort_id):
            if people is not None and exemption.person_id not in people:
                continue
            phase = phases[exemption.phase]
            out.append(
                Award(
                    kind="recognition",
                    person=registry.get(Person, exemption.person_id),
                    program=program,
                    achievement=phase_achievement(program, phase, ids),
                    name=f"免修/互认：{phase.name}（{program.name}）",
                    awarded_on=exemption.granted_on,
                    narrative=_recognition_narrative(exemption),
                    topic=f"{program.id}-{phase.key}",
                )
            )
    return out


def outcomes(
    registry: Registry, ids: AwardIds, kinds: Iterable[OutcomeKind], people: Sequence[str] | None
) -> list[Award]:
    """One award per outcome of the ``kinds`` (of ``people`` only, when given), aligned to
    the program of the person's latest cohort up to the outcome's date."""
    out: list[Award] = []
    for kind in dict.fromkeys(kinds):
        for outcome in registry.find(Outcome, kind=kind):
            if people is not None and outcome.person_id not in people:
                continue
            program = _program_of(registry, outcome)
            out.append(
                Award(
                    kind=kind.value,
                    person=registry.get(Person, outcome.person_id),
                    program=program,
                    achievement=outcome_achievement(kind, program, ids),
                    name=kind.zh if program is None else f"{kind.zh}（{program.name}）",
                    awarded_on=outcome.on,
                    narrative=outcome.detail,
                    topic=outcome.on.strftime("%Y%m%d"),
                )
            )
    return out


def cohorts_of(registry: Registry, person_id: str) -> list[str]:
    """The cohorts ``person_id`` is enrolled in, oldest first."""
    enrolled = registry.find(Enrollment, person_id=person_id)
    return [e.cohort_id for e in sorted(enrolled, key=lambda e: (e.enrolled_on, e.cohort_id))]


# -- achievements ---------------------------------------------------------------------------


def program_achievement(
    program: Program, phases: Sequence[PhaseSpec], ids: AwardIds
) -> dict[str, Any]:
    """Completing ``program``: every phase a criterion, the required hours its credits."""
    achievement_id = ids.achievement("programs", program.id)
    hours = [p.requirements.hours for p in phases if p.requirements.hours is not None]
    zh = "\n".join(f"- {p.name}：{requirements_text(p, 'zh')}" for p in phases)
    en = "\n".join(f"- {phase_label(p.key, 'en')}: {requirements_text(p, 'en')}" for p in phases)
    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES["completion"],
        "name": f"{program.name}结业",
        "description": (
            f"完成{program.name}的全部环节（或经认定免修）。\n\n"
            f"Completion of every phase of the program “{program.name}”"
            " (a phase may be recognised from prior learning)."
        ),
        "criteria": {
            "narrative": (
                f"全部环节完成或经认定免修：\n{zh}\n\n"
                f"Every phase complete, or recognised from prior learning:\n{en}"
            )
        },
        "alignment": [program_alignment(program, ids)],
        "resultDescription": [
            {
                "id": f"{achievement_id}#phase-{p.key}",
                "type": ["ResultDescription"],
                "name": f"{p.name} {phase_label(p.key, 'en')}",
                "resultType": "Status",
            }
            for p in phases
        ],
        "inLanguage": "zh-CN",
    }
    if hours:
        achievement["creditsAvailable"] = sum(hours)
    return achievement


def phase_achievement(program: Program, phase: PhaseSpec, ids: AwardIds) -> dict[str, Any]:
    """One phase of ``program``, as recognised (免修/互认) from learning done elsewhere."""
    en_phase = phase_label(phase.key, "en")
    return {
        "id": ids.achievement("programs", program.id, "phases", phase.key),
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES["recognition"],
        "name": f"{phase.name}（{program.name}）",
        "description": (
            f"{program.name}的“{phase.name}”环节。\n\n"
            f"The {en_phase} phase of the program “{program.name}”."
        ),
        "criteria": {
            "narrative": (
                f"{requirements_text(phase, 'zh')}；或经认定（免修/互认）视为完成。\n\n"
                f"{requirements_text(phase, 'en')}; or recognised as complete from prior "
                "learning or another province's program."
            )
        },
        "alignment": [program_alignment(program, ids)],
        "inLanguage": "zh-CN",
    }


def outcome_achievement(
    kind: OutcomeKind, program: Program | None, ids: AwardIds
) -> dict[str, Any]:
    """An outcome of training (培养成效) of ``kind``, aligned to ``program`` when known."""
    parts = ("outcomes", kind.value) if program is None else ("outcomes", kind.value, program.id)
    achievement: dict[str, Any] = {
        "id": ids.achievement(*parts),
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES[kind.value],
        "name": kind.zh,
        "description": f"培养成效：{kind.zh}。\n\nOutcome of training: {kind.en}.",
        "criteria": {
            "narrative": (
                f"经主管部门评审或认定：{kind.zh}。\n\n"
                f"Reviewed or confirmed by the competent department: {kind.en}."
            )
        },
        "inLanguage": "zh-CN",
    }
    if program is not None:
        achievement["alignment"] = [program_alignment(program, ids)]
    return achievement


def program_alignment(program: Program, ids: AwardIds) -> dict[str, Any]:
    """An OB 3.0 ``Alignment`` to ``program``."""
    alignment: dict[str, Any] = {
        "type": ["Alignment"],
        "targetName": program.name,
        "targetUrl": ids.achievement("programs", program.id),
        "targetCode": program.id,
    }
    if program.sponsor:
        alignment["targetDescription"] = f"主办单位 sponsor: {program.sponsor}"
    return alignment


def requirements_text(phase: PhaseSpec, lang: str) -> str:
    """What completes ``phase``, e.g. ``24 学时、6 次督导（每次不少于 60 分钟）``."""
    r = phase.requirements
    zh = lang == "zh"
    parts = []
    if r.hours is not None:
        parts.append(f"{r.hours:g} 学时" if zh else f"{r.hours:g} hours")
    if r.sessions is not None:
        minutes = r.min_session_minutes
        if zh:
            parts.append(
                f"{r.sessions} 次督导" + (f"（每次不少于 {minutes} 分钟）" if minutes else "")
            )
        else:
            parts.append(
                f"{r.sessions} supervision sessions"
                + (f" of {minutes}+ minutes" if minutes else "")
            )
    if r.days is not None:
        parts.append(f"{r.days} 天" if zh else f"{r.days} days")
    if r.deliverables is not None:
        score = r.pass_score
        if zh:
            parts.append(
                f"{r.deliverables} 份成果" + (f"（评分不低于 {score:g} 分）" if score else "")
            )
        else:
            parts.append(
                f"{r.deliverables} deliverable(s)" + (f" scored {score:g}+" if score else "")
            )
    if not parts:
        return "无量化要求" if zh else "no set requirement"
    return ("、" if zh else ", ").join(parts)


def _phase_result(achievement_id: str, key: str, status: str) -> dict[str, Any]:
    value = "免修 exempt" if status == "exempt" else "已完成 complete"
    return {
        "type": ["Result"],
        "resultDescription": f"{achievement_id}#phase-{key}",
        "status": "Completed",
        "value": value,
    }


def _recognition_narrative(exemption: Exemption) -> str:
    zh = [f"认定日期：{exemption.granted_on.isoformat()}"]
    en = [f"recognised on {exemption.granted_on.isoformat()}"]
    if exemption.source:
        zh.append(f"来源：{exemption.source}")
        en.append(f"source: {exemption.source}")
    if exemption.reason:
        zh.append(f"原因：{exemption.reason}")
        en.append(f"reason: {exemption.reason}")
    return "；".join(zh) + "\n\n" + "; ".join(en)


def _program_of(registry: Registry, outcome: Outcome) -> Program | None:
    enrolled = [
        e
        for e in registry.find(Enrollment, person_id=outcome.person_id)
        if e.enrolled_on <= outcome.on
    ]
    if not enrolled:
        return None
    latest = max(enrolled, key=lambda e: (e.enrolled_on, e.cohort_id))
    return registry.get(Program, registry.get(Cohort, latest.cohort_id).program_id)
