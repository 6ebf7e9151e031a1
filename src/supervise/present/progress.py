"""Views of a :class:`~supervise.core.progress.CohortProgress`: a terminal table and CSV rows."""

from __future__ import annotations

from typing import Any

from supervise._text import render, truncate, wrap
from supervise.core.progress import CohortProgress, PhaseProgress, PhaseStatus, TraineeProgress
from supervise.model import OutcomeKind, phase_label
from supervise.present import check_lang, percent

__all__ = ["MARKS", "csv_rows", "to_text"]

#: One-character mark per phase status, for compact tables.
MARKS = {
    PhaseStatus.COMPLETE: "✓",
    PhaseStatus.EXEMPT: "≈",
    PhaseStatus.OVERDUE: "!",
    PhaseStatus.IN_PROGRESS: "▸",
    PhaseStatus.NOT_STARTED: "·",
}
_WORDS = {
    "zh": {
        "as_of": "截至",
        "enrolled": "在册",
        "withdrawn": "退出",
        "completed": "完成",
        "rate": "完成率",
        "behind": "落后",
        "person": "学员",
        "name": "姓名",
        "progress": "进度",
        "status": "状态",
        "mentors": "导师带教",
        "outcomes": "培养成效",
        "none": "无",
        "people": "人",
        "over": "超额",
    },
    "en": {
        "as_of": "as of",
        "enrolled": "enrolled",
        "withdrawn": "withdrawn",
        "completed": "completed",
        "rate": "completion rate",
        "behind": "behind",
        "person": "trainee",
        "name": "name",
        "progress": "progress",
        "status": "status",
        "mentors": "mentor load",
        "outcomes": "outcomes",
        "none": "none",
        "people": "",
        "over": "over capacity",
    },
}


def _status(t: TraineeProgress, lang: str) -> str:
    if t.behind:
        return _WORDS[lang]["behind"]
    return t.status.zh if lang == "zh" else t.status.value


def _cell(p: PhaseProgress) -> str:
    return f"{MARKS[p.status]}{percent(p.fraction)}"


def to_text(result: CohortProgress, lang: str = "zh") -> str:
    """The cohort summary, one row per trainee with a mark and percent per phase, mentor load
    and outcomes; fits 80 columns for programs of up to five phases."""
    w = _WORDS[check_lang(lang)]
    labels = [name if lang == "zh" else phase_label(key, "en") for key, name in result.phases]
    heads = [truncate(name if lang == "zh" else key, 9) for key, name in result.phases]
    lines = [
        f"{result.cohort_name} ({result.cohort_id}) · {result.program_id} · "
        f"{w['as_of']} {result.as_of}",
        f"{w['enrolled']} {result.enrolled} · {w['withdrawn']} {result.withdrawn} · "
        f"{w['completed']} {result.completed} · {w['rate']} {percent(result.completion_rate)} · "
        f"{w['behind']} {len(result.behind)}",
        "",
    ]
    header = [w["person"], w["name"], *heads, w["progress"], w["status"]]
    rows = [header] + [
        [t.person_id, t.name, *(_cell(p) for p in t.phases), percent(t.progress), _status(t, lang)]
        for t in result.trainees
    ]
    n = len(result.phases)
    lines.append(render(rows, align="ll" + "r" * (n + 1) + "l", gap=1, limits=[0, 6]))
    lines.append("")
    legend = "  ".join(
        f"{MARKS[s]} {s.zh if lang == 'zh' else s.value.replace('_', ' ')}" for s in MARKS
    )
    lines.append(legend)
    if lang == "en":
        keys = (f"{key} = {label}" for (key, _), label in zip(result.phases, labels, strict=True))
        lines.append(wrap("phases: " + ", ".join(keys), indent="  "))
    lines.append(wrap(f"{w['mentors']}: " + _mentors(result, lang), indent="  "))
    lines.append(wrap(f"{w['outcomes']}: " + _outcomes(result, lang), indent="  "))
    return "\n".join(lines)


def _mentors(result: CohortProgress, lang: str) -> str:
    if not result.mentors:
        return _WORDS[lang]["none"]
    parts = []
    for m in result.mentors:
        load = f"{m.trainees}/{m.capacity}" if m.capacity is not None else str(m.trainees)
        flag = f",{_WORDS[lang]['over']}" if m.over_capacity else ""
        parts.append(f"{m.name}({load}{flag})")
    return ", ".join(parts)


def _outcomes(result: CohortProgress, lang: str) -> str:
    if not result.outcomes:
        return _WORDS[lang]["none"]
    return ", ".join(
        f"{OutcomeKind.parse(kind).label(lang)} {count}" for kind, count in result.outcomes.items()
    )


#: Columns of :func:`csv_rows`, one row per trainee and phase.
CSV_COLUMNS = (
    "cohort_id",
    "as_of",
    "person_id",
    "name",
    "team",
    "status",
    "progress",
    "behind",
    "phase",
    "phase_status",
    "fraction",
    "expected",
    "hours",
    "sessions",
    "days",
    "deliverables",
    "required_hours",
    "required_sessions",
    "required_days",
    "required_deliverables",
)


def csv_rows(result: CohortProgress) -> list[dict[str, Any]]:
    """Tidy rows, one per trainee and phase, with the columns of :data:`CSV_COLUMNS`."""
    rows = []
    for t in result.trainees:
        for p in t.phases:
            row: dict[str, Any] = {
                "cohort_id": result.cohort_id,
                "as_of": result.as_of.isoformat(),
                "person_id": t.person_id,
                "name": t.name,
                "team": t.team,
                "status": t.status.value,
                "progress": t.progress,
                "behind": t.behind,
                "phase": p.key,
                "phase_status": p.status.value,
                "fraction": p.fraction,
                "expected": p.expected,
            }
            for name in ("hours", "sessions", "days", "deliverables"):
                row[name] = p.achieved.get(name)
                row[f"required_{name}"] = p.required.get(name)
            rows.append(row)
    return rows
