"""Views of an :class:`~supervise.core.eligibility.EligibilityReport`: a terminal table, CSV
rows and HTML."""

from __future__ import annotations

from typing import Any

from supervise._text import fit, render, width
from supervise.core.eligibility import EligibilityReport, PersonEligibility
from supervise.present import check_lang
from supervise.present.html import BAD, GOOD, Markup, badge, block, esc, line, table

__all__ = ["CSV_COLUMNS", "csv_rows", "first_missing", "to_html", "to_text"]

_WORDS = {
    "zh": {
        "as_of": "截至",
        "eligible": "符合条件",
        "of": "/",
        "person": "人员",
        "name": "姓名",
        "result": "结果",
        "more": "另有 {n} 项",
        "ineligible": "不符合",
        "missing": "尚缺",
    },
    "en": {
        "as_of": "as of",
        "eligible": "eligible",
        "of": " of ",
        "person": "person",
        "name": "name",
        "result": "result",
        "more": "+{n} more",
        "ineligible": "not eligible",
        "missing": "missing",
    },
}


def first_missing(person: PersonEligibility, lang: str = "zh") -> str:
    """``✓`` when eligible, else ``✗``, the first unmet rule's message and how many more of
    the policy's rules are unmet."""
    if person.eligible:
        return "✓"
    unmet = [r for r in person.results if not r.met]
    more = f" ({_WORDS[lang]['more'].format(n=len(unmet) - 1)})" if len(unmet) > 1 else ""
    return f"✗ {unmet[0].message(lang)}{more}"


def to_text(
    report: EligibilityReport, lang: str = "zh", columns: int = 80, only: bool | None = None
) -> str:
    """The policy, the date, the count eligible, and one row per person (only those whose
    eligibility is ``only``, when given)."""
    w = _WORDS[check_lang(lang)]
    lines = [fit(_title(report, lang), columns), _count(report, lang), ""]
    rows = [[w["person"], w["name"], w["result"]]]
    rows += [
        [p.person_id, p.name, first_missing(p, lang)]
        for p in report.people
        if only is None or p.eligible is only
    ]
    fixed = max(width(r[0]) for r in rows) + min(max(width(r[1]) for r in rows), 8) + 2
    lines.append(render(rows, gap=1, limits=[0, 8, max(20, columns - fixed)]))
    return "\n".join(lines)


def _title(report: EligibilityReport, lang: str) -> str:
    return (
        f"{report.policy_name} ({report.policy_id} {report.policy_version}) · "
        f"{_WORDS[lang]['as_of']} {report.as_of}"
    )


def _count(report: EligibilityReport, lang: str) -> str:
    w = _WORDS[lang]
    return f"{w['eligible']} {len(report.eligible)}{w['of']}{len(report.people)}"


def _verdict(person: PersonEligibility, lang: str) -> Markup:
    w = _WORDS[lang]
    if person.eligible:
        return badge(f"✓ {w['eligible']}", *GOOD)
    cross = badge(f"✗ {w['ineligible']}", *BAD)
    missing = "; ".join(r.message(lang) for r in person.missing())
    return Markup(f"{cross} {esc(missing)}")


def to_html(report: EligibilityReport, lang: str = "zh", only: bool | None = None) -> Markup:
    """The policy, the count eligible and one row per person: a green tick, or a red cross
    and everything that is missing (only those whose eligibility is ``only``, when given)."""
    w = _WORDS[check_lang(lang)]
    rows = [
        [p.person_id, p.name, _verdict(p, lang)]
        for p in report.people
        if only is None or p.eligible is only
    ]
    return block(
        line(_title(report, lang), strong=True),
        line(_count(report, lang)),
        table([w["person"], w["name"], w["result"]], rows, wrap=[2]),
    )


#: Columns of :func:`csv_rows`: one row per person and policy rule.
CSV_COLUMNS = (
    "person_id",
    "name",
    "eligible",
    "rule",
    "kind",
    "met",
    "actual",
    "required",
    "message",
)


def csv_rows(report: EligibilityReport, lang: str = "zh") -> list[dict[str, Any]]:
    """Tidy rows, one per person and top-level rule, the message in ``lang``."""
    return [
        {
            "person_id": p.person_id,
            "name": p.name,
            "eligible": p.eligible,
            "rule": n,
            "kind": r.kind,
            "met": r.met,
            "actual": r.actual,
            "required": r.required,
            "message": r.message(lang),
        }
        for p in report.people
        for n, r in enumerate(p.results)
    ]
