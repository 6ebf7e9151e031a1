"""Views of an :class:`~supervise.core.continuing.EducationReport`: who is short of
continuing education in the current cycle, most urgent first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from supervise import _text
from supervise.lang import Catalogue
from supervise.model import CredentialLevel
from supervise.present import check_lang, sayer
from supervise.present.html import block, line, table

if TYPE_CHECKING:
    from markupsafe import Markup
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
_T = Catalogue(
    __name__,
    {
        "person": ("人员", "person"),
        "name": ("姓名", "name"),
        "level": ("等级", "level"),
        "cycle": ("本周期", "this cycle"),
        "done": ("已有", "done"),
        "needed": ("需", "needed"),
        "short": ("还差", "short"),
        "days_left": ("剩余天数", "days left"),
        "title": (
            "继续教育 · 截至 {as_of} · 每 {years} 年一个注册周期",
            "continuing education · as of {as_of} · {years}-year registration cycles",
        ),
        "need": ("每周期要求：{levels}", "per cycle: {levels}"),
        "level_hours": ("{level} {hours} 小时", "{level} {hours} h"),
        "scope": (
            "{certified} 人持证注册，{short} 人本周期尚未达标",
            "{certified} certified, {short} short this cycle",
        ),
        "scope_within": (
            "{certified} 人持证注册，{short} 人本周期尚未达标，其中 {due} 人的周期在 {within} "
            "天内结束",
            "{certified} certified, {short} short this cycle, {due} of them with a cycle "
            "ending within {within} days",
        ),
    },
)
_COLUMNS = ("person", "name", "level", "cycle", "done", "needed", "short", "days_left")


def _heads(lang: str) -> list[str]:
    say = sayer(_T, lang)
    return [say(key) for key in _COLUMNS]


def _ordered(report: EducationReport) -> list[Any]:
    return sorted(report.due(), key=lambda p: (p.ends, p.person_id))


def csv_rows(report: EducationReport) -> list[dict[str, Any]]:
    """Those short (within the report's days), most urgent first."""
    return [p.to_dict(report.as_of) for p in _ordered(report)]


def _head(report: EducationReport, lang: str) -> tuple[str, str, str]:
    """The title, the requirement and who is counted, in ``lang``."""
    say = sayer(_T, lang)
    hours = report.requirement.hours
    levels = [lvl for lvl in CredentialLevel if lvl.value in hours]
    title = say("title", as_of=report.as_of, years=report.requirement.years)
    need = say(
        "need",
        levels=" · ".join(
            say("level_hours", level=lvl.label(lang), hours=f"{hours[lvl.value]:g}")
            for lvl in levels
        ),
    )
    counts = {"certified": len(report.people), "short": len(report.short())}
    if report.within is None:
        scope = say("scope", **counts)
    else:
        scope = say("scope_within", **counts, due=len(report.due()), within=report.within)
    return title, need, scope


def _rows(report: EducationReport, lang: str) -> list[list[str]]:
    return [
        [
            p.person_id,
            p.name,
            p.level.label(lang),
            f"{p.starts}~{p.ends}",
            f"{p.hours:g}",
            f"{p.required:g}",
            f"{p.short:g}",
            str(p.days_left(report.as_of)),
        ]
        for p in _ordered(report)
    ]


def education_text(report: EducationReport, lang: str | None = None, columns: int = 80) -> str:
    """A title, the requirement, and one row per person short, most urgent first."""
    lang = check_lang(lang)
    title, need, scope = _head(report, lang)
    rows = [_heads(lang), *_rows(report, lang)]
    lines = [_text.fit(title, columns), _text.fit(need, columns), _text.fit(scope, columns)]
    if len(rows) == 1:
        return "\n".join(lines)
    table = _text.render(rows, align="lllrrrrr", gap=1, limits=[0, 6, 14])
    return "\n".join([*lines, "", table])


def education_html(report: EducationReport, lang: str | None = None) -> Markup:
    """The same as HTML: the notebook view."""
    lang = check_lang(lang)
    title, need, scope = _head(report, lang)
    return block(
        line(title, strong=True),
        line(need, muted=True),
        line(scope),
        table(_heads(lang), _rows(report, lang), align="lllrrrrr"),
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
