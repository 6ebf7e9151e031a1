"""Each rule kind: met, unmet and at the boundary, with its messages in both languages."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from supervise import CredentialLevel, OutcomeKind, PersonView, rules
from supervise.core.rules import Labels, Measure, RuleResult

AS_OF = date(2024, 12, 6)
LABELS = Labels(
    phases={"topic_research": "课题研究"}, programs={"nx-sup-2024": "宁夏第二批督导培养项目"}
)


def view(**facts: Any) -> PersonView:
    return PersonView(person_id="t1", name="马丽", **facts)


def check(
    rule: Any, person: PersonView, met: bool, zh: str, en: str, as_of: date = AS_OF
) -> RuleResult:
    result = rule.evaluate(person, as_of, LABELS)
    assert (result.met, result.message_zh, result.message_en) == (met, zh, en)
    return result


ACCOMPANIED = Measure("hours", None, "accompanied_supervision")


@pytest.mark.parametrize(
    ("hours", "met", "zh", "en"),
    [
        (18.0, False, "还差 6 小时陪伴督导", "6 more hours of accompanied supervision needed"),
        (23.5, False, "还差 0.5 小时陪伴督导", "0.5 more hours of accompanied supervision needed"),
        (23.0, False, "还差 1 小时陪伴督导", "1 more hour of accompanied supervision needed"),
        (
            24.0,
            True,
            "已有 24 小时陪伴督导（需 24）",
            "24 hours of accompanied supervision (at least 24)",
        ),
        (
            30.0,
            True,
            "已有 30 小时陪伴督导（需 24）",
            "30 hours of accompanied supervision (at least 24)",
        ),
    ],
)
def test_hours_at_least(hours: float, met: bool, zh: str, en: str) -> None:
    result = check(
        rules.hours_at_least(24, phase="accompanied_supervision"),
        view(measures={ACCOMPANIED: hours}),
        met,
        zh,
        en,
    )
    assert (result.actual, result.required) == (hours, 24.0)


def test_hours_with_nothing_recorded_count_zero() -> None:
    result = check(rules.hours_at_least(40), view(), False, "还差 40 小时", "40 more hours needed")
    assert result.actual == 0.0


def test_hours_in_a_program_since_a_date() -> None:
    rule = rules.hours_at_least(
        10, phase="topic_research", program="nx-sup-2024", since="2024-01-01"
    )
    assert rule.measure == Measure("hours", "nx-sup-2024", "topic_research", date(2024, 1, 1))
    check(
        rule,
        view(measures={rule.measure: 4.0}),
        False,
        "还差 6 小时课题研究（宁夏第二批督导培养项目）（自 2024-01-01 起）",
        "6 more hours of topic research in nx-sup-2024 since 2024-01-01 needed",
    )


@pytest.mark.parametrize(
    ("sessions", "met", "zh", "en"),
    [
        (4, False, "还差 2 次陪伴督导", "2 more sessions of accompanied supervision needed"),
        (5, False, "还差 1 次陪伴督导", "1 more session of accompanied supervision needed"),
        (
            6,
            True,
            "已有 6 次陪伴督导（需 6）",
            "6 sessions of accompanied supervision (at least 6)",
        ),
    ],
)
def test_sessions_at_least(sessions: int, met: bool, zh: str, en: str) -> None:
    rule = rules.sessions_at_least(6, phase="accompanied_supervision")
    check(rule, view(measures={rule.measure: sessions}), met, zh, en)


def test_sessions_without_a_phase() -> None:
    check(rules.sessions_at_least(3), view(), False, "还差 3 次督导", "3 more sessions needed")


@pytest.mark.parametrize(
    ("best", "met", "zh", "en"),
    [
        (
            None,
            False,
            "尚无已评分的案例研究成果（需达到 85 分）",
            "no scored case study deliverable yet (85 needed)",
        ),
        (
            84.5,
            False,
            "案例研究成果最高 84.5 分，需达到 85 分",
            "best case study deliverable scored 84.5, 85 needed",
        ),
        (
            85.0,
            True,
            "案例研究成果最高 85 分（需 85 分）",
            "best case study deliverable scored 85 (at least 85)",
        ),
        (
            0.0,
            False,
            "案例研究成果最高 0 分，需达到 85 分",
            "best case study deliverable scored 0, 85 needed",
        ),
    ],
)
def test_deliverable_score_at_least(best: float | None, met: bool, zh: str, en: str) -> None:
    rule = rules.deliverable_score_at_least(85, phase="case_study")
    measures = {} if best is None else {rule.measure: best}
    result = check(rule, view(measures=measures), met, zh, en)
    assert (result.actual, result.required) == (best, 85.0)


@pytest.mark.parametrize(
    ("held", "met", "zh", "en"),
    [
        (
            None,
            False,
            "需持有社会工作师及以上职业资格（当前：无）",
            "intermediate credential or higher needed (holds: none)",
        ),
        (
            CredentialLevel.ASSISTANT,
            False,
            "需持有社会工作师及以上职业资格（当前：助理社会工作师）",
            "intermediate credential or higher needed (holds: assistant)",
        ),
        (
            CredentialLevel.INTERMEDIATE,
            True,
            "持有社会工作师职业资格（需社会工作师及以上）",
            "holds intermediate credential (intermediate or higher)",
        ),
        (
            CredentialLevel.SENIOR,
            True,
            "持有高级社会工作师职业资格（需社会工作师及以上）",
            "holds senior credential (intermediate or higher)",
        ),
    ],
)
def test_credential_at_least(held: CredentialLevel | None, met: bool, zh: str, en: str) -> None:
    result = check(rules.credential_at_least("社会工作师"), view(credential=held), met, zh, en)
    assert (result.actual, result.required) == (held.value if held else None, "intermediate")


@pytest.mark.parametrize(
    ("since", "met", "zh", "en"),
    [
        (
            date(2019, 12, 7),
            False,
            "从业年限还差 1 年（当前 4 年，需 5 年）",
            "1 more year of practice needed (4 of 5)",
        ),
        (date(2019, 12, 6), True, "从业 5 年（需 5 年）", "5 years of practice (at least 5)"),
        (date(2016, 1, 1), True, "从业 8 年（需 5 年）", "8 years of practice (at least 5)"),
        (
            date(2022, 1, 1),
            False,
            "从业年限还差 3 年（当前 2 年，需 5 年）",
            "3 more years of practice needed (2 of 5)",
        ),
        (
            None,
            False,
            "缺少从业起始日期（需从业满 5 年）",
            "practice start date unknown (5 years needed)",
        ),
    ],
)
def test_practice_years_at_least(since: date | None, met: bool, zh: str, en: str) -> None:
    check(rules.practice_years_at_least(5), view(practice_since=since), met, zh, en)


@pytest.mark.parametrize(
    ("outcomes", "since", "met", "zh", "en"),
    [
        (frozenset(), None, False, "尚无参与地方标准起草记录", "no standard drafting outcome yet"),
        (
            frozenset({(OutcomeKind.STANDARD_DRAFTING, date(2024, 3, 1))}),
            None,
            True,
            "已有参与地方标准起草记录（2024-03-01）",
            "standard drafting on 2024-03-01",
        ),
        (
            frozenset({(OutcomeKind.STANDARD_DRAFTING, date(2024, 3, 1))}),
            date(2024, 6, 1),
            False,
            "尚无参与地方标准起草记录（自 2024-06-01 起）",
            "no standard drafting outcome since 2024-06-01 yet",
        ),
        (
            frozenset({(OutcomeKind.STANDARD_DRAFTING, date(2024, 12, 7))}),
            None,
            False,
            "尚无参与地方标准起草记录",
            "no standard drafting outcome yet",
        ),
        (
            frozenset({(OutcomeKind.EXPERT_POOL, date(2024, 3, 1))}),
            None,
            False,
            "尚无参与地方标准起草记录",
            "no standard drafting outcome yet",
        ),
    ],
)
def test_outcome_present(
    outcomes: frozenset[Any], since: date | None, met: bool, zh: str, en: str
) -> None:
    check(
        rules.outcome_present("standard_drafting", since=since),
        view(outcomes=outcomes),
        met,
        zh,
        en,
    )


def test_completed_program() -> None:
    rule = rules.completed_program("nx-sup-2024")
    check(
        rule,
        view(completed_programs=frozenset({"nx-sup-2024"})),
        True,
        "已完成宁夏第二批督导培养项目",
        "completed nx-sup-2024",
    )
    check(
        rule,
        view(completed_programs=frozenset({"other"})),
        False,
        "尚未完成宁夏第二批督导培养项目",
        "nx-sup-2024 not completed",
    )


def test_phase_complete() -> None:
    rule = rules.phase_complete("nx-sup-2024", "topic_research")
    check(
        rule,
        view(phases_done=frozenset({("nx-sup-2024", "topic_research")})),
        True,
        "已完成课题研究（宁夏第二批督导培养项目）环节",
        "completed topic research in nx-sup-2024",
    )
    check(
        rule,
        view(phases_done=frozenset({("other", "topic_research")})),
        False,
        "尚未完成课题研究（宁夏第二批督导培养项目）环节",
        "topic research in nx-sup-2024 not complete",
    )


def senior_or_pool() -> Any:
    return rules.any_of([rules.credential_at_least("senior"), rules.outcome_present("expert_pool")])


def test_any_of_is_met_by_one_alternative_and_lists_all_when_none_holds() -> None:
    pool = frozenset({(OutcomeKind.EXPERT_POOL, date(2024, 1, 1))})
    met = check(
        senior_or_pool(),
        view(outcomes=pool),
        True,
        "已有入选人才专家库记录（2024-01-01）",
        "expert pool on 2024-01-01",
    )
    assert (met.actual, met.required, [r.met for r in met.rules]) == (1, 1, [False, True])
    unmet = check(
        senior_or_pool(),
        view(),
        False,
        "需满足其一：需持有高级社会工作师及以上职业资格（当前：无）；或 尚无入选人才专家库记录",
        "one of: senior credential or higher needed (holds: none); or no expert pool outcome yet",
    )
    assert [r.kind for r in unmet.leaves_missing()] == ["credential_at_least", "outcome_present"]


def test_all_of_lists_only_what_is_missing() -> None:
    rule = rules.all_of([rules.credential_at_least("assistant"), rules.practice_years_at_least(5)])
    result = check(
        rule,
        view(credential=CredentialLevel.ASSISTANT),
        False,
        "缺少从业起始日期（需从业满 5 年）",
        "practice start date unknown (5 years needed)",
    )
    assert (result.actual, result.required) == (1, 2)
    assert [r.kind for r in result.leaves_missing()] == ["practice_years_at_least"]
    check(
        rule,
        view(credential=CredentialLevel.SENIOR, practice_since=date(2000, 1, 1)),
        True,
        "全部满足",
        "all met",
    )


def test_not_inverts_and_nests() -> None:
    rule = rules.not_(senior_or_pool())
    check(
        rule,
        view(),
        True,
        "不满足：需满足其一：需持有高级社会工作师及以上职业资格（当前：无）；或 尚无入选人才专家库记录",
        "does not hold: one of: senior credential or higher needed (holds: none); or no expert pool outcome yet",
    )
    result = check(
        rules.not_(rules.credential_at_least("senior")),
        view(credential=CredentialLevel.SENIOR),
        False,
        "不得满足：持有高级社会工作师职业资格（需高级社会工作师及以上）",
        "must not hold: holds senior credential (senior or higher)",
    )
    assert result.leaves_missing() == [result]
    assert (result.actual, result.required) == (True, False)


def test_to_dict_nests_results_of_combinations_only() -> None:
    result = senior_or_pool().evaluate(view(), AS_OF)
    data = result.to_dict()
    assert data["kind"] == "any_of"
    assert [r["kind"] for r in data["rules"]] == ["credential_at_least", "outcome_present"]
    assert "rules" not in data["rules"][0]
    assert data["rules"][0]["message"] == {
        "zh": "需持有高级社会工作师及以上职业资格（当前：无）",
        "en": "senior credential or higher needed (holds: none)",
    }


def test_measures_are_collected_through_combinations() -> None:
    rule = rules.not_(
        rules.any_of([rules.hours_at_least(3, phase="theory"), rules.sessions_at_least(2)])
    )
    assert rule.measures() == {Measure("hours", None, "theory"), Measure("sessions")}


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: rules.hours_at_least(-1), "hours must be a number of at least 0, not -1"),
        (lambda: rules.hours_at_least("8"), "hours must be a number of at least 0, not '8'"),
        (lambda: rules.hours_at_least(8, phase=""), "phase must be non-empty text, not ''"),
        (lambda: rules.credential_at_least("expert"), "unknown CredentialLevel 'expert'"),
        (lambda: rules.outcome_present("award"), "unknown OutcomeKind 'award'"),
        (lambda: rules.hours_at_least(8, since="yesterday"), "'yesterday' is not a date"),
        (lambda: rules.any_of([]), "rules must hold at least one rule"),
        (lambda: rules.all_of(["credential"]), "rules must be rules, not 'credential'"),
        (lambda: rules.not_("x"), "rule must be a rule, not 'x'"),
        (lambda: rules.completed_program(""), "program must be non-empty text, not ''"),
    ],
)
def test_rules_refuse_bad_parameters(build: Any, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        build()
