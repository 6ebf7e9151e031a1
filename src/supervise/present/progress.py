"""Views of a :class:`~supervise.core.progress.CohortProgress`: a terminal table, CSV rows and
HTML (the notebook view and the report's sections)."""

from __future__ import annotations

from typing import Any

from supervise._text import fit, render, truncate, wrap
from supervise.core.progress import (
    CohortProgress,
    PhaseProgress,
    PhaseStatus,
    TraineeProgress,
    TraineeStatus,
)
from supervise.model import OutcomeKind, phase_label
from supervise.present import check_lang, percent
from supervise.present.html import (
    BAD,
    GOOD,
    STATUS_COLOURS,
    Cell,
    Markup,
    badge,
    block,
    colours,
    line,
    table,
)

__all__ = [
    "MARKS",
    "behind_html",
    "csv_rows",
    "legend_html",
    "mentors_html",
    "notes_html",
    "status_label",
    "summary_html",
    "table_html",
    "to_html",
    "to_text",
]

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
        "trainees": "带教学员",
        "capacity": "上限",
        "phases_behind": "落后环节",
        "expected": "应达",
        "mentor": "导师",
        "nobody_behind": "无人落后",
        "hours": "学时",
        "sessions": "督导",
        "days": "天数",
        "deliverables": "成果",
        "at_risk": "有风险",
        "notes": "需关注",
        "nothing_to_note": "无需关注事项",
        "projected": "预计完成",
        "pending": "待审核",
        "phase": "环节",
        "note": "说明",
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
        "trainees": "trainees",
        "capacity": "capacity",
        "phases_behind": "phases behind",
        "expected": "expected",
        "mentor": "mentor",
        "nobody_behind": "nobody is behind",
        "hours": "hours",
        "sessions": "sessions",
        "days": "days",
        "deliverables": "deliverables",
        "at_risk": "at risk",
        "notes": "to note",
        "nothing_to_note": "nothing to note",
        "projected": "projected",
        "pending": "pending",
        "phase": "phase",
        "note": "note",
    },
}


def _status(t: TraineeProgress, lang: str) -> str:
    if t.behind:
        return _WORDS[lang]["behind"]
    if t.at_risk:
        return _WORDS[lang]["at_risk"]
    return t.status.zh if lang == "zh" else t.status.value


def status_label(status: PhaseStatus, lang: str = "zh") -> str:
    """``overdue`` as 已逾期 (zh) or ``overdue`` (en, underscores as spaces)."""
    return status.zh if lang == "zh" else status.value.replace("_", " ")


def _cell(p: PhaseProgress) -> str:
    return f"{MARKS[p.status]}{percent(p.fraction)}"


def _title(result: CohortProgress, lang: str) -> str:
    return (
        f"{result.cohort_name} ({result.cohort_id}) · {result.program_id} · "
        f"{_WORDS[lang]['as_of']} {result.as_of}"
    )


def _summary(result: CohortProgress, lang: str) -> str:
    w = _WORDS[lang]
    return (
        f"{w['enrolled']} {result.enrolled} · {w['withdrawn']} {result.withdrawn} · "
        f"{w['completed']} {result.completed} · {w['rate']} {percent(result.completion_rate)} · "
        f"{w['behind']} {len(result.behind)} · {w['at_risk']} {len(result.at_risk)}"
    )


def _noted(result: CohortProgress, lang: str) -> list[tuple[TraineeProgress, str, str]]:
    """(trainee, phase name, note) for every note of every phase, in roster order."""
    names = dict(zip((k for k, _ in result.phases), _labels(result, lang), strict=True))
    return [
        (t, names[p.key], note)
        for t in result.trainees
        if t.status is not TraineeStatus.WITHDRAWN
        for p in t.phases
        for note in p.notes(lang)
    ]


def to_text(result: CohortProgress, lang: str = "zh") -> str:
    """The cohort summary, one row per trainee with a mark and percent per phase, mentor load
    and outcomes; fits 80 columns for programs of up to five phases."""
    w = _WORDS[check_lang(lang)]
    labels = [name if lang == "zh" else phase_label(key, "en") for key, name in result.phases]
    heads = [truncate(name if lang == "zh" else key, 9) for key, name in result.phases]
    lines = [_title(result, lang), fit(_summary(result, lang)), ""]
    header = [w["person"], w["name"], *heads, w["progress"], w["status"]]
    rows = [header] + [
        [t.person_id, t.name, *(_cell(p) for p in t.phases), percent(t.progress), _status(t, lang)]
        for t in result.trainees
    ]
    n = len(result.phases)
    lines.append(render(rows, align="ll" + "r" * (n + 1) + "l", gap=1, limits=[0, 6]))
    lines.append("")
    legend = "  ".join(f"{MARKS[s]} {status_label(s, lang)}" for s in MARKS)
    lines.append(legend)
    if lang == "en":
        keys = (f"{key} = {label}" for (key, _), label in zip(result.phases, labels, strict=True))
        lines.append(wrap("phases: " + ", ".join(keys), indent="  "))
    lines.append(wrap(f"{w['mentors']}: " + _mentors(result, lang), indent="  "))
    lines.append(wrap(f"{w['outcomes']}: " + _outcomes(result, lang), indent="  "))
    noted = _noted(result, lang)
    if noted:
        lines.append(f"{w['notes']}:")
        sep = "：" if lang == "zh" else ": "
        lines.extend(
            wrap(f"  {t.person_id} {t.name} · {phase}{sep}{note}", indent="    ")
            for t, phase, note in noted
        )
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


def _phase_title(p: PhaseProgress, lang: str) -> str:
    """Tooltip of a phase cell: status, then achieved / required per requirement."""
    w = _WORDS[lang]
    parts = [status_label(p.status, lang)]
    parts += [f"{w[n]} {p.achieved.get(n, 0):g}/{need:g}" for n, need in p.required.items()]
    if p.expected is not None:
        parts.append(f"{w['expected']} {percent(p.expected)}")
    if p.projected is not None and not p.at_risk:  # at risk, the note says when
        parts.append(f"{w['projected']} {p.projected}")
    parts += p.notes(lang)
    return " · ".join(parts)


def _phase_cell(p: PhaseProgress, lang: str) -> Cell:
    return Cell(
        f"{MARKS[p.status]} {percent(p.fraction)}",
        style=colours(*STATUS_COLOURS[p.status.value]),
        title=_phase_title(p, lang),
    )


def _status_cell(t: TraineeProgress, lang: str) -> Markup:
    if t.behind:
        return badge(_status(t, lang), *BAD)
    if t.status is TraineeStatus.COMPLETED:
        return badge(_status(t, lang), *GOOD)
    return (
        Markup(_status(t, lang))
        if t.status is TraineeStatus.ACTIVE
        else badge(_status(t, lang), *STATUS_COLOURS["not_started"])
    )


def _labels(result: CohortProgress, lang: str) -> list[str]:
    return [name if lang == "zh" else phase_label(key, "en") for key, name in result.phases]


def legend_html(lang: str = "zh") -> Markup:
    """The colour and mark of each phase status."""
    return line(
        *(
            badge(f"{MARKS[s]} {status_label(s, lang)}", *STATUS_COLOURS[s.value])
            for s in PhaseStatus
        ),
        muted=True,
    )


def summary_html(result: CohortProgress, lang: str = "zh", title: bool = True) -> Markup:
    """The cohort, the date (unless ``title`` is false) and the headline counts."""
    check_lang(lang)
    head = line(_title(result, lang), strong=True) if title else ""
    return Markup(head + line(_summary(result, lang)))


def table_html(result: CohortProgress, lang: str = "zh") -> Markup:
    """One row per trainee: a coloured cell per phase (tooltip: achieved / required),
    overall progress and status."""
    w = _WORDS[check_lang(lang)]
    head = [w["person"], w["name"], *_labels(result, lang), w["progress"], w["status"]]
    rows = [
        [
            t.person_id,
            t.name,
            *(_phase_cell(p, lang) for p in t.phases),
            percent(t.progress),
            _status_cell(t, lang),
        ]
        for t in result.trainees
    ]
    return table(head, rows, align="ll" + "c" * len(result.phases) + "rl")


def behind_html(result: CohortProgress, lang: str = "zh") -> Markup:
    """Who is behind, and in which phases (done versus expected)."""
    w = _WORDS[check_lang(lang)]
    behind = [t for t in result.trainees if t.behind]
    if not behind:
        return line(w["nobody_behind"], muted=True)
    names = dict(zip((k for k, _ in result.phases), _labels(result, lang), strict=True))
    rows = [
        [
            t.person_id,
            t.name,
            "; ".join(
                f"{names[p.key]} {percent(p.fraction)} ({w['expected']} {percent(p.expected)})"
                for p in t.phases
                if p.behind
            ),
        ]
        for t in behind
    ]
    return table([w["person"], w["name"], w["phases_behind"]], rows, wrap=[2])


def notes_html(result: CohortProgress, lang: str = "zh") -> Markup:
    """What to look at beyond the figures, trainee by trainee and phase by phase: a phase
    projected to finish after its due date, group sessions over the cap, records awaiting
    sign-off."""
    w = _WORDS[check_lang(lang)]
    noted = _noted(result, lang)
    if not noted:
        return line(w["nothing_to_note"], muted=True)
    rows = [[t.person_id, t.name, phase, note] for t, phase, note in noted]
    return table([w["person"], w["name"], w["phase"], w["note"]], rows, wrap=[3])


def mentors_html(result: CohortProgress, lang: str = "zh") -> Markup:
    """One row per mentor: trainees paired on the date against capacity (red when over)."""
    w = _WORDS[check_lang(lang)]
    if not result.mentors:
        return line(w["none"], muted=True)
    rows = [
        [
            m.person_id,
            m.name,
            Cell(m.trainees, colours(*BAD), w["over"]) if m.over_capacity else str(m.trainees),
            "-" if m.capacity is None else str(m.capacity),
        ]
        for m in result.mentors
    ]
    return table([w["mentor"], w["name"], w["trainees"], w["capacity"]], rows, align="llrr")


def to_html(result: CohortProgress, lang: str = "zh") -> Markup:
    """The notebook view: summary, the coloured table, a legend, mentor load and outcomes."""
    w = _WORDS[check_lang(lang)]
    parts = [
        summary_html(result, lang),
        table_html(result, lang),
        legend_html(lang),
        line(f"{w['mentors']}: {_mentors(result, lang)}", muted=True),
        line(f"{w['outcomes']}: {_outcomes(result, lang)}", muted=True),
    ]
    if _noted(result, lang):
        parts += [line(f"{w['notes']}:", strong=True), notes_html(result, lang)]
    return block(*parts)


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
    "pending_hours",
    "pending_sessions",
    "pending_days",
    "pending_deliverables",
    "group_sessions",
    "max_group_sessions",
    "projected",
    "at_risk",
    "projected_completion",
    "trainee_at_risk",
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
                row[f"pending_{name}"] = p.pending.get(name)
            row["group_sessions"] = p.group_sessions
            row["max_group_sessions"] = p.max_group_sessions
            row["projected"] = None if p.projected is None else p.projected.isoformat()
            row["at_risk"] = p.at_risk
            row["projected_completion"] = (
                None if t.projected_completion is None else t.projected_completion.isoformat()
            )
            row["trainee_at_risk"] = t.at_risk
            rows.append(row)
    return rows
