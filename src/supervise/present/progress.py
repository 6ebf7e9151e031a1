"""Views of a :class:`~supervise.core.progress.CohortProgress` (a terminal table, CSV rows and
HTML: the notebook view and the report's sections) and of its teams
(:class:`~supervise.core.teams.TeamsProgress`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from supervise import _text
from supervise.core.progress import (
    CohortProgress,
    PhaseProgress,
    PhaseStatus,
    TraineeProgress,
    TraineeStatus,
)
from supervise.lang import Catalogue
from supervise.model import OutcomeKind, phase_label
from supervise.present import check_lang, percent, sayer
from supervise.present.html import BAD, GOOD, STATUS_COLOURS, Badge, Cell, block, join, line, table

if TYPE_CHECKING:
    from markupsafe import Markup

    from supervise.core.placements import Placements
    from supervise.core.teams import TeamsProgress

__all__ = [
    "CSV_COLUMNS",
    "MARKS",
    "behind_html",
    "counts_note",
    "csv_rows",
    "legend_html",
    "legend_text",
    "mentors_html",
    "notes_html",
    "status_label",
    "summary_html",
    "table_html",
    "teams_html",
    "teams_text",
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

_T = Catalogue(
    __name__,
    {
        "title": (
            "{cohort} ({id}) · {program} · 截至 {as_of}",
            "{cohort} ({id}) · {program} · as of {as_of}",
        ),
        "summary": (
            "在册 {enrolled} · 退出 {withdrawn} · 完成 {completed} · 完成率 {rate} · "
            "逾期 {overdue} · 落后 {behind} · 有风险 {at_risk}",
            "enrolled {enrolled} · withdrawn {withdrawn} · completed {completed} · "
            "completion rate {rate} · overdue {overdue} · behind {behind} · at risk {at_risk}",
        ),
        "counts_note": (
            "逾期：有环节已过截止日期仍未完成的学员；落后：有环节完成比例低于应达比例减去容差"
            "（{tolerance}）的学员；已退出的学员两者都不计。两个数可以不同：已过截止日期、"
            "完成比例不低于 {threshold} 的环节只算逾期，不算落后；未到截止日期也可能落后。",
            "Overdue: trainees with a phase past its due date and not complete. Behind: "
            "trainees with a phase below the expected share minus the tolerance ({tolerance}). "
            "Withdrawn trainees count as neither. The two counts can differ: a phase past its "
            "due date that is at least {threshold} done is overdue but not behind, and a "
            "trainee can be behind before any due date.",
        ),
        "behind": ("落后", "behind"),
        "at_risk": ("有风险", "at risk"),
        "projected": ("预计完成 {on}", "projected {on}"),
        "notes": ("需关注：", "to note:"),
        "nothing_to_note": ("无需关注事项", "nothing to note"),
        "phase": ("环节", "phase"),
        "note": ("说明", "note"),
        "person": ("学员", "trainee"),
        "name": ("姓名", "name"),
        "progress": ("进度", "progress"),
        "status": ("状态", "status"),
        "mentors": ("导师带教：{mentors}", "mentor load: {mentors}"),
        "outcomes": ("培养成效：{outcomes}", "outcomes: {outcomes}"),
        "phases": ("环节：{phases}", "phases: {phases}"),
        "none": ("无", "none"),
        "over": ("超额", "over capacity"),
        "trainees": ("带教学员", "trainees"),
        "capacity": ("上限", "capacity"),
        "phases_behind": ("落后环节", "phases behind"),
        "behind_in": ("{phase} {done}（应达 {expected}）", "{phase} {done} (expected {expected})"),
        "expected": ("应达 {share}", "expected {share}"),
        "mentor": ("导师", "mentor"),
        "nobody_behind": ("无人落后", "nobody is behind"),
        "hours": ("学时 {done}/{need}", "hours {done}/{need}"),
        "sessions": ("督导 {done}/{need}", "sessions {done}/{need}"),
        "days": ("天数 {done}/{need}", "days {done}/{need}"),
        "deliverables": ("成果 {done}/{need}", "deliverables {done}/{need}"),
        "teams_title": (
            "{cohort} ({id}) 各小组进度 · 截至 {as_of}",
            "{cohort} ({id}) by team · as of {as_of}",
        ),
        "team": ("小组", "team"),
        "no_team": ("（未分组）", "(no team)"),
        "enrolled": ("在册", "enrolled"),
        "withdrawn": ("退出", "withdrawn"),
        "completed": ("完成", "completed"),
        "overdue": ("逾期", "overdue"),
        "teams_legend": (
            "环节列：完成（或免修）该环节的学员数 / 未退出的学员数。",
            "Phase columns: trainees with the phase complete or exempt / trainees not withdrawn.",
        ),
        "stations": ("实习站点", "stations"),
    },
)


def status_label(status: PhaseStatus, lang: str | None = None) -> str:
    """``overdue`` as 已逾期 (zh) or ``overdue`` (en, underscores as spaces)."""
    return status.zh if check_lang(lang) == "zh" else status.value.replace("_", " ")


def _status(t: TraineeProgress, lang: str) -> str:
    if t.behind:
        return sayer(_T, lang)("behind")
    if t.at_risk:
        return sayer(_T, lang)("at_risk")
    return t.status.zh if lang == "zh" else t.status.value


def _labels(phases: tuple[tuple[str, str], ...], lang: str) -> list[str]:
    return [name if lang == "zh" else phase_label(key, "en") for key, name in phases]


def _title(result: CohortProgress, lang: str) -> str:
    return sayer(_T, lang)(
        "title",
        cohort=result.cohort_name,
        id=result.cohort_id,
        program=result.program_id,
        as_of=result.as_of,
    )


def _summary(result: CohortProgress, lang: str) -> str:
    return sayer(_T, lang)(
        "summary",
        enrolled=result.enrolled,
        withdrawn=result.withdrawn,
        completed=result.completed,
        rate=percent(result.completion_rate),
        overdue=len(result.overdue),
        behind=len(result.behind),
        at_risk=len(result.at_risk),
    )


def counts_note(result: CohortProgress, lang: str | None = None) -> str:
    """Why the overdue and the behind counts differ: what each means, for this result's
    tolerance."""
    lang = check_lang(lang)
    return sayer(_T, lang)(
        "counts_note",
        tolerance=percent(result.tolerance),
        threshold=percent(1 - result.tolerance),
    )


def _noted(result: CohortProgress, lang: str) -> list[tuple[TraineeProgress, str, str]]:
    """(trainee, phase name, note) for every note of every phase of the trainees not
    withdrawn, in roster order."""
    names = dict(zip((k for k, _ in result.phases), _labels(result.phases, lang), strict=True))
    return [
        (t, names[p.key], note)
        for t in result.trainees
        if t.status is not TraineeStatus.WITHDRAWN
        for p in t.phases
        for note in p.notes(lang)
    ]


def legend_text(lang: str | None = None) -> str:
    """The mark of each phase status."""
    lang = check_lang(lang)
    return "  ".join(f"{MARKS[s]} {status_label(s, lang)}" for s in MARKS)


def to_text(result: CohortProgress, lang: str | None = None, columns: int = 80) -> str:
    """The cohort summary, one row per trainee with a mark and percent per phase, the
    legend and what overdue and behind mean, mentor load, outcomes and what to note (phases
    at risk, group sessions over the cap, records awaiting sign-off); fits 80 columns for
    programs of up to five phases."""
    lang = check_lang(lang)
    say = sayer(_T, lang)
    heads = [_text.truncate(name if lang == "zh" else key, 9) for key, name in result.phases]
    lines = [_text.fit(_title(result, lang), columns), _text.fit(_summary(result, lang), columns)]
    lines.append("")
    header = [say("person"), say("name"), *heads, say("progress"), say("status")]
    rows = [header] + [
        [t.person_id, t.name, *(_mark(p) for p in t.phases), percent(t.progress), _status(t, lang)]
        for t in result.trainees
    ]
    n = len(result.phases)
    lines.append(_text.render(rows, align="ll" + "r" * (n + 1) + "l", gap=1, limits=[0, 6]))
    lines += ["", legend_text(lang), _text.wrap(counts_note(result, lang), columns)]
    if lang == "en":
        names = _labels(result.phases, lang)
        keys = ", ".join(f"{k} = {v}" for (k, _), v in zip(result.phases, names, strict=True))
        lines.append(_text.wrap(say("phases", phases=keys), columns, "  ", spaces=True))
    for key, listed in (("mentors", _mentors(result, lang)), ("outcomes", _outcomes(result, lang))):
        lines.append(_text.wrap(say(key, **{key: listed}), columns, "  ", spaces=True))
    noted = _noted(result, lang)
    if noted:
        lines.append(say("notes"))
        sep = "：" if lang == "zh" else ": "
        lines.extend(
            _text.wrap(f"  {t.person_id} {t.name} · {phase}{sep}{note}", columns, "    ")
            for t, phase, note in noted
        )
    return "\n".join(lines)


def _mark(p: PhaseProgress) -> str:
    return f"{MARKS[p.status]}{percent(p.fraction)}"


def _mentors(result: CohortProgress, lang: str) -> str:
    say = sayer(_T, lang)
    if not result.mentors:
        return say("none")
    parts = []
    for m in result.mentors:
        load = f"{m.trainees}/{m.capacity}" if m.capacity is not None else str(m.trainees)
        flag = f",{say('over')}" if m.over_capacity else ""
        parts.append(f"{m.name}({load}{flag})")
    return ", ".join(parts)


def _outcomes(result: CohortProgress, lang: str) -> str:
    if not result.outcomes:
        return sayer(_T, lang)("none")
    return ", ".join(
        f"{OutcomeKind.parse(kind).label(lang)} {count}" for kind, count in result.outcomes.items()
    )


def _phase_title(p: PhaseProgress, lang: str) -> str:
    """Tooltip of a phase cell: status, then achieved / required per requirement."""
    say = sayer(_T, lang)
    parts = [status_label(p.status, lang)]
    parts += [
        say(n, done=f"{p.achieved.get(n, 0):g}", need=f"{need:g}") for n, need in p.required.items()
    ]
    if p.expected is not None:
        parts.append(say("expected", share=percent(p.expected)))
    if p.projected is not None and not p.at_risk:  # at risk, the note says when
        parts.append(say("projected", on=p.projected))
    parts += p.notes(lang)
    return " · ".join(parts)


def _phase_cell(p: PhaseProgress, lang: str) -> Cell:
    return Cell(
        f"{MARKS[p.status]} {percent(p.fraction)}",
        STATUS_COLOURS[p.status.value],
        _phase_title(p, lang),
    )


def _status_cell(t: TraineeProgress, lang: str) -> object:
    if t.behind:
        return Badge(_status(t, lang), BAD)
    if t.status is TraineeStatus.COMPLETED:
        return Badge(_status(t, lang), GOOD)
    if t.status is TraineeStatus.ACTIVE:
        return _status(t, lang)
    return Badge(_status(t, lang), STATUS_COLOURS["not_started"])


def legend_html(lang: str | None = None) -> Markup:
    """The colour and mark of each phase status."""
    lang = check_lang(lang)
    return line(
        *(
            Badge(f"{MARKS[s]} {status_label(s, lang)}", STATUS_COLOURS[s.value])
            for s in PhaseStatus
        ),
        muted=True,
    )


def summary_html(result: CohortProgress, lang: str | None = None, title: bool = True) -> Markup:
    """The cohort, the date (unless ``title`` is false) and the headline counts."""
    lang = check_lang(lang)
    parts = [line(_title(result, lang), strong=True)] if title else []
    return join(*parts, line(_summary(result, lang)))


def table_html(result: CohortProgress, lang: str | None = None) -> Markup:
    """One row per trainee: a coloured cell per phase (tooltip: achieved / required),
    overall progress and status."""
    lang = check_lang(lang)
    say = sayer(_T, lang)
    head = [say("person"), say("name"), *_labels(result.phases, lang), say("progress")]
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
    return table([*head, say("status")], rows, align="ll" + "c" * len(result.phases) + "rl")


def behind_html(result: CohortProgress, lang: str | None = None) -> Markup:
    """Who is behind, and in which phases (done versus expected)."""
    lang = check_lang(lang)
    say = sayer(_T, lang)
    behind = [t for t in result.trainees if t.behind]
    if not behind:
        return line(say("nobody_behind"), muted=True)
    names = dict(zip((k for k, _ in result.phases), _labels(result.phases, lang), strict=True))
    rows = [
        [
            t.person_id,
            t.name,
            "; ".join(
                say(
                    "behind_in",
                    phase=names[p.key],
                    done=percent(p.fraction),
                    expected=percent(p.expected),
                )
                for p in t.phases
                if p.behind
            ),
        ]
        for t in behind
    ]
    return table([say("person"), say("name"), say("phases_behind")], rows, wrap=[2])


def notes_html(result: CohortProgress, lang: str | None = None) -> Markup:
    """What to look at beyond the figures, trainee by trainee and phase by phase: a phase
    projected to finish after its due date, group sessions over the cap, records awaiting
    sign-off."""
    lang = check_lang(lang)
    say = sayer(_T, lang)
    noted = _noted(result, lang)
    if not noted:
        return line(say("nothing_to_note"), muted=True)
    rows = [[t.person_id, t.name, phase, note] for t, phase, note in noted]
    return table([say("person"), say("name"), say("phase"), say("note")], rows, wrap=[3])


def mentors_html(result: CohortProgress, lang: str | None = None) -> Markup:
    """One row per mentor: trainees paired on the date against capacity (red when over)."""
    lang = check_lang(lang)
    say = sayer(_T, lang)
    if not result.mentors:
        return line(say("none"), muted=True)
    rows = [
        [
            m.person_id,
            m.name,
            Cell(m.trainees, BAD, say("over")) if m.over_capacity else str(m.trainees),
            "-" if m.capacity is None else str(m.capacity),
        ]
        for m in result.mentors
    ]
    head = [say("mentor"), say("name"), say("trainees"), say("capacity")]
    return table(head, rows, align="llrr")


def to_html(result: CohortProgress, lang: str | None = None) -> Markup:
    """The notebook view: summary, the coloured table, the legend and what overdue and
    behind mean, mentor load, outcomes and what to note (when there is anything)."""
    lang = check_lang(lang)
    say = sayer(_T, lang)
    parts = [
        summary_html(result, lang),
        table_html(result, lang),
        legend_html(lang),
        line(counts_note(result, lang), muted=True),
        line(say("mentors", mentors=_mentors(result, lang)), muted=True),
        line(say("outcomes", outcomes=_outcomes(result, lang)), muted=True),
    ]
    if _noted(result, lang):
        parts += [line(say("notes"), strong=True), notes_html(result, lang)]
    return block(*parts)


# -- by team -------------------------------------------------------------------------------


def _teams_rows(
    teams: TeamsProgress, lang: str, placements: Placements | None = None
) -> list[list[str]]:
    say = sayer(_T, lang)
    if lang == "zh":
        phases = [_text.truncate(name, 9) for _, name in teams.phases]
    else:
        phases = [_text.truncate(key, 12) for key, _ in teams.phases]
    head = [say("team"), say("enrolled"), say("withdrawn"), say("completed")]
    head += [say("overdue"), say("behind"), *phases]
    rows = [head + ([say("stations")] if placements is not None else [])]
    for t in teams.teams:
        row = [
            say("no_team") if t.team is None else t.team,
            str(t.enrolled),
            str(t.withdrawn),
            str(t.completed),
            str(len(t.overdue)),
            str(len(t.behind)),
            *(f"{t.phases_done[key]}/{t.active}" for key, _ in teams.phases),
        ]
        if placements is not None:
            members = set(t.trainees)
            stations = dict.fromkeys(r.station for r in placements.rows if r.person_id in members)
            row.append(("、" if lang == "zh" else ", ").join(stations) or "-")
        rows.append(row)
    return rows


def _teams_title(teams: TeamsProgress, lang: str) -> str:
    return sayer(_T, lang)(
        "teams_title", cohort=teams.cohort_name, id=teams.cohort_id, as_of=teams.as_of
    )


def teams_text(teams: TeamsProgress, lang: str | None = None) -> str:
    """One row per team: trainees, withdrawn, completed, overdue, behind, and per phase how
    many of the team's (not withdrawn) trainees have it done."""
    lang = check_lang(lang)
    rows = _teams_rows(teams, lang)
    align = "l" + "r" * (len(rows[0]) - 1)
    legend = _text.wrap(sayer(_T, lang)("teams_legend"), 80)
    return "\n\n".join([_teams_title(teams, lang), _text.render(rows, align=align), legend])


def teams_html(
    teams: TeamsProgress,
    lang: str | None = None,
    title: bool = True,
    placements: Placements | None = None,
) -> Markup:
    """The team table as HTML (with its title unless ``title`` is false); with
    ``placements``, a last column naming the stations the team's trainees are posted to."""
    lang = check_lang(lang)
    head, *rows = _teams_rows(teams, lang, placements)
    parts = [line(_teams_title(teams, lang), strong=True)] if title else []
    align = "l" + "r" * (5 + len(teams.phases)) + "l"
    wrap = [len(head) - 1] if placements is not None else []
    legend = line(sayer(_T, lang)("teams_legend"), muted=True)
    return join(*parts, table(head, rows, align=align, wrap=wrap), legend)


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
