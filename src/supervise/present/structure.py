"""Views of talent-structure results: tiers, outcome tallies and target statuses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from supervise._text import render
from supervise.model import CredentialLevel, OutcomeKind
from supervise.present import check_lang

if TYPE_CHECKING:
    from supervise.core.outcomes import OutcomeTally
    from supervise.core.targets import TargetStatus
    from supervise.core.tiers import TierCounts

__all__ = ["outcomes_text", "targets_text", "tier_label", "tiers_text"]

_TIER_ZH = {"none": "无证书", **{lvl.value: lvl.zh for lvl in CredentialLevel}, "total": "合计"}
_BY_ZH = {None: "全部", "province": "省", "prefecture": "地市", "county": "区县", "program": "项目"}


def tier_label(tier: str, lang: str) -> str:
    """``intermediate`` as 社会工作师 (zh) or itself (en)."""
    return _TIER_ZH[tier] if lang == "zh" else tier


def tiers_text(result: TierCounts, lang: str = "zh") -> str:
    """One row per group with the count in each tier and the total."""
    check_lang(lang)
    tiers = ("none", *(lvl.value for lvl in CredentialLevel), "total")
    if lang == "zh":
        title = f"人才梯次结构 · 截至 {result.as_of}" + (
            f" · 按{_BY_ZH[result.by]}" if result.by else ""
        )
    else:
        title = f"talent tiers · as of {result.as_of}" + (f" · by {result.by}" if result.by else "")
    rows = [["分组" if lang == "zh" else "group", *(tier_label(t, lang) for t in tiers)]]
    rows += [[group, *(str(counts[t]) for t in tiers)] for group, counts in result.groups.items()]
    return title + "\n\n" + render(rows, align="l" + "r" * len(tiers))


def outcomes_text(result: OutcomeTally, lang: str = "zh") -> str:
    """The seed article's table: trained, then people per outcome kind."""
    check_lang(lang)
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
    return title + "\n\n" + render(rows, align="lr")


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
                f"{s.target.name} ({s.target.id}) · 截至 {s.as_of}",
                f"  当前 {s.current} / 目标 {s.goal} · 尚差 {s.remaining} · "
                f"距截止 {s.days_left} 天（{s.target.deadline}）",
                f"  所需进度 {needed} 人/月 · 近 12 个月实际 {s.pace_achieved:.2f} 人/月 · "
                f"预计达成 {projected}",
                f"  {verdict}",
            ]
        else:
            verdict = "on track" if s.on_track else "not on track"
            lines = [
                f"{s.target.name} ({s.target.id}) · as of {s.as_of}",
                f"  {s.current} of {s.goal} · {s.remaining} to go · "
                f"{s.days_left} days left (deadline {s.target.deadline})",
                f"  needed {needed}/month · achieved {s.pace_achieved:.2f}/month over 12 months · "
                f"projected {projected}",
                f"  {verdict}",
            ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
