"""Views of talent-structure results (tiers, outcome tallies, target statuses): terminal
tables and HTML."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from supervise._text import fit, render
from supervise.lang import Catalogue
from supervise.model import CredentialLevel, OutcomeKind
from supervise.present import check_lang, sayer
from supervise.present.html import BAD, GOOD, Badge, block, line, table

if TYPE_CHECKING:
    from markupsafe import Markup

    from supervise.core.outcomes import OutcomeTally
    from supervise.core.targets import TargetStatus
    from supervise.core.tiers import TierCounts

__all__ = [
    "outcomes_html",
    "outcomes_rows",
    "outcomes_text",
    "targets_html",
    "targets_text",
    "tier_label",
    "tiers_html",
    "tiers_text",
]

_T = Catalogue(
    __name__,
    {
        "tiers_title": ("人才梯次结构 · 截至 {as_of}", "talent tiers · as of {as_of}"),
        "tiers_by": (
            "人才梯次结构 · 截至 {as_of} · 按{by}",
            "talent tiers · as of {as_of} · by {by}",
        ),
        "province": ("省", "province"),
        "prefecture": ("地市", "prefecture"),
        "county": ("区县", "county"),
        "program": ("项目", "program"),
        "group": ("分组", "group"),
        "none": ("无证书", "none"),
        "total": ("合计", "total"),
        "outcomes_title": (
            "培养成效 · {scope} · 截至 {as_of}",
            "outcomes · {scope} · as of {as_of}",
        ),
        "all_cohorts": ("全部批次", "all cohorts"),
        "item": ("项目", "item"),
        "people": ("人数", "people"),
        "enrolled": ("在册学员", "enrolled"),
        "trained": ("完成培养", "trained"),
        "target_title": ("{name} ({id}) · 截至 {as_of}", "{name} ({id}) · as of {as_of}"),
        "target_count": (
            "当前 {current} / 目标 {goal} · 尚差 {remaining} · 距截止 {days} 天（{deadline}）",
            "{current} of {goal} · {remaining} to go · {days} days left (deadline {deadline})",
        ),
        "target_pace": (
            "所需进度 {needed} 人/月 · 近 12 个月实际 {achieved} 人/月 · 预计达成 {projected}",
            "needed {needed}/month · achieved {achieved}/month over 12 months · "
            "projected {projected}",
        ),
        "on_track_long": ("按当前进度可如期完成", "on track"),
        "off_track_long": ("按当前进度无法如期完成", "not on track"),
        "on_track": ("可如期完成", "on track"),
        "off_track": ("无法如期完成", "not on track"),
        "targets_title": ("目标进展 · 截至 {as_of}", "targets · as of {as_of}"),
        "target": ("目标", "target"),
        "current": ("当前", "current"),
        "goal": ("目标值", "goal"),
        "to_go": ("尚差", "to go"),
        "deadline": ("截止", "deadline"),
        "days_left": ("剩余天数", "days left"),
        "needed": ("所需/月", "needed/month"),
        "achieved": ("实际/月", "achieved/month"),
        "projected": ("预计达成", "projected"),
        "verdict": ("判断", "verdict"),
    },
)

_TIERS = ("none", *(lvl.value for lvl in CredentialLevel), "total")


def tier_label(tier: str, lang: str | None = None) -> str:
    """``intermediate`` as 社会工作师 (zh) or itself (en)."""
    lang = check_lang(lang)
    if tier in ("none", "total"):
        return sayer(_T, lang)(tier) if lang == "zh" else tier
    return CredentialLevel.parse(tier).zh if lang == "zh" else tier


def _tiers_title(result: TierCounts, lang: str) -> str:
    say = sayer(_T, lang)
    if result.by is None:
        return say("tiers_title", as_of=result.as_of)
    return say("tiers_by", as_of=result.as_of, by=say(result.by))


def _tiers_rows(result: TierCounts, lang: str) -> list[list[str]]:
    rows = [[sayer(_T, lang)("group"), *(tier_label(t, lang) for t in _TIERS)]]
    rows += [[group, *(str(counts[t]) for t in _TIERS)] for group, counts in result.groups.items()]
    return rows


def tiers_text(result: TierCounts, lang: str | None = None) -> str:
    """One row per group with the count in each tier and the total."""
    lang = check_lang(lang)
    rows = _tiers_rows(result, lang)
    return _tiers_title(result, lang) + "\n\n" + render(rows, align="l" + "r" * len(_TIERS))


def tiers_html(result: TierCounts, lang: str | None = None, title: bool = True) -> Markup:
    """The tier table as HTML (with its title unless ``title`` is false)."""
    lang = check_lang(lang)
    head, *rows = _tiers_rows(result, lang)
    parts = [line(_tiers_title(result, lang), strong=True)] if title else []
    return block(*parts, table(head, rows, align="l" + "r" * len(_TIERS)))


def outcomes_rows(result: OutcomeTally, lang: str | None = None) -> list[tuple[str, int]]:
    """The seed article's table as (label, people) rows: enrolled, trained, then each
    outcome kind."""
    lang = check_lang(lang)
    say = sayer(_T, lang)
    rows = [(say("enrolled"), result.enrolled), (say("trained"), result.trained)]
    rows += [(OutcomeKind.parse(kind).label(lang), n) for kind, n in result.outcomes.items()]
    return rows


def _outcomes_table(result: OutcomeTally, lang: str) -> tuple[str, list[list[str]]]:
    say = sayer(_T, lang)
    scope = result.cohort or result.program or say("all_cohorts")
    title = say("outcomes_title", scope=scope, as_of=result.as_of)
    rows = [[say("item"), say("people")]]
    rows += [[label, str(n)] for label, n in outcomes_rows(result, lang)]
    return title, rows


def outcomes_text(result: OutcomeTally, lang: str | None = None) -> str:
    """The seed article's table: trained, then people per outcome kind."""
    title, rows = _outcomes_table(result, check_lang(lang))
    return title + "\n\n" + render(rows, align="lr")


def outcomes_html(result: OutcomeTally, lang: str | None = None, title: bool = True) -> Markup:
    """The outcome table as HTML (with its title unless ``title`` is false)."""
    heading, (head, *rows) = _outcomes_table(result, check_lang(lang))
    parts = [line(heading, strong=True)] if title else []
    return block(*parts, table(head, rows, align="lr"))


def _pace(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def targets_text(statuses: Sequence[TargetStatus], lang: str | None = None) -> str:
    """One block per target: current / goal, paces, projection, on track or not."""
    lang = check_lang(lang)
    say = sayer(_T, lang)
    blocks = []
    for s in statuses:
        projected = "-" if s.projected is None else s.projected.isoformat()
        lines = [
            fit(say("target_title", name=s.target.name, id=s.target.id, as_of=s.as_of)),
            "  "
            + say(
                "target_count",
                current=s.current,
                goal=s.goal,
                remaining=s.remaining,
                days=s.days_left,
                deadline=s.target.deadline,
            ),
            "  "
            + say(
                "target_pace",
                needed=_pace(s.pace_needed),
                achieved=_pace(s.pace_achieved),
                projected=projected,
            ),
            "  " + say("on_track_long" if s.on_track else "off_track_long"),
        ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def targets_html(
    statuses: Sequence[TargetStatus], lang: str | None = None, title: bool = True
) -> Markup:
    """One row per target; the verdict green when on track, red when not (with a title
    unless ``title`` is false)."""
    lang = check_lang(lang)
    say = sayer(_T, lang)
    rows = [
        [
            f"{s.target.name} ({s.target.id})",
            str(s.current),
            str(s.goal),
            str(s.remaining),
            s.target.deadline.isoformat(),
            str(s.days_left),
            _pace(s.pace_needed),
            _pace(s.pace_achieved),
            "-" if s.projected is None else s.projected.isoformat(),
            Badge(say("on_track"), GOOD) if s.on_track else Badge(say("off_track"), BAD),
        ]
        for s in statuses
    ]
    head = [
        say(key)
        for key in (
            "target", "current", "goal", "to_go", "deadline",
            "days_left", "needed", "achieved", "projected", "verdict",
        )
    ]  # fmt: skip
    as_of = statuses[0].as_of if statuses else "-"
    parts = [line(say("targets_title", as_of=as_of), strong=True)] if title else []
    return block(*parts, table(head, rows, align="lrrrlrrrll", wrap=[0]))
