"""Views of an :class:`~supervise.core.eligibility.EligibilityReport`: a terminal table, CSV
rows and HTML.

What a person misses is listed as :meth:`~supervise.core.eligibility.PersonEligibility.missing`
gives it: each item needed, and a choice (``any_of``, ``at_least_n_of``) as one item whose
alternatives are shown as alternatives ("需满足其一" / "one of"), never as if all were needed.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from supervise import _text
from supervise.core.eligibility import EligibilityReport, PersonEligibility
from supervise.lang import Catalogue
from supervise.present import check_lang, html, sayer
from supervise.present.html import BAD, GOOD, Badge, Need, Needs, Table

if TYPE_CHECKING:
    from markupsafe import Markup

    from supervise.semantics.rules import RuleResult

__all__ = [
    "CSV_COLUMNS",
    "csv_rows",
    "missing_text",
    "need",
    "needs",
    "to_html",
    "to_text",
]

_T = Catalogue(
    __name__,
    {
        "title": (
            "{policy} ({id} {version}) · 截至 {as_of}",
            "{policy} ({id} {version}) · as of {as_of}",
        ),
        "count": ("符合条件 {eligible}/{people}", "eligible {eligible} of {people}"),
        "person": ("人员", "person"),
        "name": ("姓名", "name"),
        "result": ("结果", "result"),
        "missing": ("尚缺", "missing"),
        "eligible": ("✓ 符合条件", "✓ eligible"),
        "ineligible": ("✗ 不符合", "✗ not eligible"),
        "one_of": ("需满足其一：", "one of: "),
        "n_of": ("需再满足其中 {n} 项：", "{n} more of: "),
        "or": ("或", "or"),
    },
)

#: How the parts of one alternative are joined (all of them needed), as rule messages join.
_SEMICOLON = {"zh": "；", "en": "; "}


def needs(person: PersonEligibility, lang: str | None = None) -> list[Need]:
    """What ``person`` misses, item by item, in ``lang``; empty when eligible."""
    lang = check_lang(lang)
    return [need(item, lang) for item in person.missing()]


def need(item: RuleResult, lang: str) -> Need:
    """One item of ``missing()`` for display: its message, and for a choice the heading and
    what each alternative lacks."""
    if not item.choice:
        return Need(item.message(lang))
    say = sayer(_T, lang)
    heading = say("one_of") if item.needed == 1 else say("n_of", n=item.needed)
    options = tuple(
        _SEMICOLON[lang].join(part.message(lang) for part in option.missing())
        for option in item.options
    )
    return Need(item.message(lang), heading, options, either=item.needed == 1)


def missing_text(person: PersonEligibility, lang: str | None = None) -> list[str]:
    """Each thing ``person`` misses as one line of text (a choice says ``需满足其一：A；或
    B``); empty when eligible."""
    return [n.text for n in needs(person, lang)]


def _title(report: EligibilityReport, lang: str) -> str:
    return sayer(_T, lang)(
        "title",
        policy=report.policy_name,
        id=report.policy_id,
        version=report.policy_version,
        as_of=report.as_of,
    )


def _count(report: EligibilityReport, lang: str) -> str:
    return sayer(_T, lang)("count", eligible=len(report.eligible), people=len(report.people))


def _chosen(report: EligibilityReport, only: bool | None) -> list[PersonEligibility]:
    return [p for p in report.people if only is None or p.eligible is only]


def to_text(
    report: EligibilityReport,
    lang: str | None = None,
    columns: int | None = None,
    only: bool | None = None,
) -> str:
    """The policy, the date, the count eligible, and one row per person (only those whose
    eligibility is ``only``, when given): ✓, or ✗ and everything missing, wrapped within
    ``columns`` terminal columns (default: the terminal's width, 80 when not a terminal)."""
    lang = check_lang(lang)
    say = sayer(_T, lang)
    columns = columns or shutil.get_terminal_size().columns
    lines = [_text.fit(_title(report, lang), columns), _count(report, lang), ""]
    people = _chosen(report, only)
    ids = [say("person"), *(p.person_id for p in people)]
    names = [say("name"), *(p.name for p in people)]
    fixed = max(map(_text.width, ids)) + min(max(map(_text.width, names)), 8) + 2
    room = max(24, columns - fixed)
    rows = [[say("person"), say("name"), say("result")]]
    rows += [
        [p.person_id, p.name, "✓" if p.eligible else _crosses(missing_text(p, lang), room)]
        for p in people
    ]
    lines.append(_text.render(rows, gap=1, limits=[0, 8, room], wrap=[2]))
    return "\n".join(lines)


def _crosses(items: Sequence[str], columns: int) -> str:
    """Each item after a cross, wrapped within ``columns``, later lines indented under it."""
    return "\n".join(
        "\n".join(_text.wrap(f"✗ {item}", columns, "  ").splitlines()) for item in items
    )


def to_html(report: EligibilityReport, lang: str | None = None, only: bool | None = None) -> Markup:
    """The policy, the count eligible and one row per person: a green tick, or a red cross
    and everything that is missing, a choice with its alternatives (only those whose
    eligibility is ``only``, when given)."""
    lang = check_lang(lang)
    say = sayer(_T, lang)
    rows: list[list[object]] = [
        [p.person_id, p.name, Badge(say("eligible"), GOOD), ""]
        if p.eligible
        else [
            p.person_id,
            p.name,
            Badge(say("ineligible"), BAD),
            Needs(needs(p, lang), say("or"), _SEMICOLON[lang]),
        ]
        for p in _chosen(report, only)
    ]
    head = [say("person"), say("name"), say("result"), say("missing")]
    table = Table(head, rows, wrap={3})
    return html.render(
        "eligibility.html.j2", title=_title(report, lang), count=_count(report, lang), table=table
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


def csv_rows(report: EligibilityReport, lang: str | None = None) -> list[dict[str, Any]]:
    """Tidy rows, one per person and top-level rule, the message in ``lang``."""
    lang = check_lang(lang)
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
