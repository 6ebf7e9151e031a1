"""Views of talent-structure results (tiers, outcome tallies, target statuses): terminal
tables and HTML."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from supervise._text import fit, render
from supervise.model import CredentialLevel, OutcomeKind
from supervise.present import check_lang
from supervise.present.html import BAD, GOOD, Markup, badge, block, line, table

if TYPE_CHECKING:
    from supervise.core.outcomes import OutcomeTally
    from supervise.core.targets import TargetStatus
    from supervise.core.tiers import TierCounts

__all__ = [
    "outcomes_html",
    "outcomes_text",
    "targets_html",
    "targets_text",
    "tier_label",
    "tiers_html",
    "tiers_text",
]

_TIER_ZH = {"none": "无证书", **{lvl.value: lvl.zh for lvl in CredentialLevel}, "total": "合计"}
_BY_ZH = {None: "全部", "province": "省", "prefecture": "地市", "county": "区县", "program": "项目"}


def tier_label(tier: str, lang: str) -> str:
    """``intermediate`` as 社会工作师 (zh) or itself (en)."""
    return _TIER_ZH[tier] if lang == "zh" else tier


_TIERS = ("none", *(lvl.value for lvl in CredentialLevel), "total")


def _tiers_title(result: TierCounts, lang: str) -> str:
    if lang == "zh":
        return f"人才梯次结构 · 截至 {result.as_of}" + (
            f" · 按{_BY_ZH[result.by]}" if result.by else ""
        )
    return f"talent tiers · as of {result.as_of}" + (f" · by {result.by}" if result.by else "")


def _tiers_rows(result: TierCounts, lang: str) -> list[list[str]]:
    rows = [["分组" if lang == "zh" else "group", *(tier_label(t, lang) for t in _TIERS)]]
    rows += [[group, *(str(counts[t]) for t in _TIERS)] for group, counts in result.groups.items()]
    return rows


def tiers_text(result: TierCounts, lang: str = "zh") -> str:
    """One row per group with the count in each tier and the total."""
    check_lang(lang)
    rows = _tiers_rows(result, lang)
    return _tiers_title(result, lang) + "\n\n" + render(rows, align="l" + "r" * len(_TIERS))


def tiers_html(result: TierCounts, lang: str = "zh") -> Markup:
    """The tier table as HTML."""
    check_lang(lang)
    head, *rows = _tiers_rows(result, lang)
    return block(
        line(_tiers_title(result, lang), strong=True),
        table(head, rows, align="l" + "r" * len(_TIERS)),
    )


def _outcomes_table(result: OutcomeTally, lang: str) -> tuple[str, list[list[str]]]:
    scope = result.cohort or result.program or ("全部批次" if lang == "zh" else "all cohorts")
    if lang == "zh":
        title = f"培养成效 · {scope} · 截至 {result.as_of}"
        rows = [
            ["项目", "人数"],
            ["在册学员", str(result.enrolled)],
            ["完成培养", str(result.trained)],
        ]
    else:
        title = f"outcomes · {scope} · as of {result.as_of}"
        rows = [
            ["item", "people"],
            ["enrolled", str(result.enrolled)],
            ["trained", str(result.trained)],
        ]
    rows += [[OutcomeKind.parse(kind).label(lang), str(n)] for kind, n in result.outcomes.items()]
    return title, rows


def outcomes_text(result: OutcomeTally, lang: str = "zh") -> str:
    """The seed article's table: trained, then people per outcome kind."""
    title, rows = _outcomes_table(result, check_lang(lang))
    return title + "\n\n" + render(rows, align="lr")


def outcomes_html(result: OutcomeTally, lang: str = "zh") -> Markup:
    """The outcome table as HTML."""
    title, (head, *rows) = _outcomes_table(result, check_lang(lang))
    return block(line(title, strong=True), table(head, rows, align="lr"))


def targets_text(statuses: Sequence[TargetStatus], lang: str = "zh") -> str:
    """One block per target: current / goal, paces, projection, on track or not."""
    check_lang(lang)
    blocks = []
    for s in statuses:
        needed = "-" if s.pace_needed is None else f"{s.pace_needed:.2f}"
        projected = "-" if s.projected is None else s.projected.isoformat()
        if lang == "zh":
            verdict = "按当前进度可如期完成" if s.on_track else "按当前进度无法如期完成"
            lines = [
                fit(f"{s.target.name} ({s.target.id}) · 截至 {s.as_of}"),
                f"  当前 {s.current} / 目标 {s.goal} · 尚差 {s.remaining} · "
                f"距截止 {s.days_left} 天（{s.target.deadline}）",
                f"  所需进度 {needed} 人/月 · 近 12 个月实际 {s.pace_achieved:.2f} 人/月 · "
                f"预计达成 {projected}",
                f"  {verdict}",
            ]
        else:
            verdict = "on track" if s.on_track else "not on track"
            lines = [
                fit(f"{s.target.name} ({s.target.id}) · as of {s.as_of}"),
                f"  {s.current} of {s.goal} · {s.remaining} to go · "
                f"{s.days_left} days left (deadline {s.target.deadline})",
                f"  needed {needed}/month · achieved {s.pace_achieved:.2f}/month over 12 months · "
                f"projected {projected}",
                f"  {verdict}",
            ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


_TARGET_HEAD = {
    "zh": [
        "目标", "当前", "目标值", "尚差", "截止", "剩余天数",
        "所需/月", "实际/月", "预计达成", "判断",
    ],
    "en": [
        "target", "current", "goal", "to go", "deadline", "days left",
        "needed/month", "achieved/month", "projected", "verdict",
    ],
}  # fmt: skip


def targets_html(statuses: Sequence[TargetStatus], lang: str = "zh") -> Markup:
    """One row per target; the verdict green when on track, red when not."""
    check_lang(lang)
    rows = []
    for s in statuses:
        if lang == "zh":
            verdict = badge("可如期完成", *GOOD) if s.on_track else badge("无法如期完成", *BAD)
        else:
            verdict = badge("on track", *GOOD) if s.on_track else badge("not on track", *BAD)
        rows.append(
            [
                f"{s.target.name} ({s.target.id})",
                str(s.current),
                str(s.goal),
                str(s.remaining),
                s.target.deadline.isoformat(),
                str(s.days_left),
                "-" if s.pace_needed is None else f"{s.pace_needed:.2f}",
                f"{s.pace_achieved:.2f}",
                "-" if s.projected is None else s.projected.isoformat(),
                verdict,
            ]
        )
    as_of = statuses[0].as_of if statuses else None
    title = ("目标进展 · 截至 " if lang == "zh" else "targets · as of ") + str(as_of or "-")
    return block(line(title, strong=True), table(_TARGET_HEAD[lang], rows, align="lrrrlrrrll"))
