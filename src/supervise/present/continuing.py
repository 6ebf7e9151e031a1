"""Views of an :class:`~supervise.core.continuing.EducationReport`: who is short of
continuing education in the current cycle, most urgent first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from supervise._text import fit, render
from supervise.model import CredentialLevel
from supervise.present import check_lang
from supervise.present.html import Markup, block, line, table

if TYPE_CHECKING:
    from pandas import DataFrame

    from supervise.core.continuing import EducationReport

__all__ = ["CSV_COLUMNS", "csv_rows", "education_frame", "education_html", "education_text"]

#: Columns of :func:`csv_rows`, one row per person short.
CSV_COLUMNS = (
    "person_id",
    "name",
    "level",
    "cycle_starts",
    "cycle_ends",
    "hours",
    "required",
    "short",
    "days_left",
)
_HEADS = {
    "zh": ["人员", "姓名", "等级", "本周期", "已有", "需", "还差", "剩余天数"],
    "en": ["person", "name", "level", "this cycle", "done", "needed", "short", "days left"],
}


def _ordered(report: EducationReport) -> list[Any]:
    return sorted(report.due(), key=lambda p: (p.ends, p.person_id))


def csv_rows(report: EducationReport) -> list[dict[str, Any]]:
    """Those short (within the report's days), most urgent first."""
    return [p.to_dict(report.as_of) for p in _ordered(report)]


def _head(report: EducationReport, lang: str) -> tuple[str, str, str]:
    """The title, the requirement and who is counted, in ``lang``."""
    hours = report.requirement.hours
    levels = [lvl for lvl in CredentialLevel if lvl.value in hours]
    if lang == "zh":
        title = f"继续教育 · 截至 {report.as_of} · 每 {report.requirement.years} 年一个注册周期"
        need = "每周期要求：" + " · ".join(f"{lvl.zh} {hours[lvl.value]:g} 小时" for lvl in levels)
        scope = f"{len(report.people)} 人持证注册，{len(report.short())} 人本周期尚未达标" + (
            f"，其中 {len(report.due())} 人的周期在 {report.within} 天内结束"
            if report.within is not None
            else ""
        )
    else:
        title = (
            f"continuing education · as of {report.as_of} · "
            f"{report.requirement.years}-year registration cycles"
        )
        need = "per cycle: " + " · ".join(f"{lvl.value} {hours[lvl.value]:g} h" for lvl in levels)
        scope = f"{len(report.people)} certified, {len(report.short())} short this cycle" + (
            f", {len(report.due())} of them with a cycle ending within {report.within} days"
            if report.within is not None
            else ""
        )
    return title, need, scope


def _rows(report: EducationReport, lang: str) -> list[list[str]]:
    return [
        [
            p.person_id,
            p.name,
            p.level.zh if lang == "zh" else p.level.value,
            f"{p.starts}~{p.ends}",
            f"{p.hours:g}",
            f"{p.required:g}",
            f"{p.short:g}",
            str(p.days_left(report.as_of)),
        ]
        for p in _ordered(report)
    ]


def education_text(report: EducationReport, lang: str = "zh") -> str:
    """A title, the requirement, and one row per person short, most urgent first."""
    check_lang(lang)
    title, need, scope = _head(report, lang)
    rows = [_HEADS[lang], *_rows(report, lang)]
    lines = [fit(title), fit(need), fit(scope), ""]
    if len(rows) == 1:
        return "\n".join(lines[:-1])
    return "\n".join([*lines, render(rows, align="lllrrrrr", gap=1, limits=[0, 6, 14])])


def education_html(report: EducationReport, lang: str = "zh") -> Markup:
    """The same as HTML: the notebook view."""
    check_lang(lang)
    title, need, scope = _head(report, lang)
    return block(
        line(title, strong=True),
        line(need, muted=True),
        line(scope),
        table(_HEADS[lang], _rows(report, lang), align="lllrrrrr"),
    )


def education_frame(report: EducationReport) -> DataFrame:
    """One row per person short (within the report's days), most urgent first; dates as
    Timestamps."""
    from supervise.present.frames import require_pandas

    pd = require_pandas("EducationReport.to_pandas()")
    df = pd.DataFrame(csv_rows(report), columns=list(CSV_COLUMNS))
    for name in ("cycle_starts", "cycle_ends"):
        df[name] = pd.to_datetime(df[name])
    return df
