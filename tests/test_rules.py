"""Each rule kind: met, unmet and at the boundary, with its messages in both languages.

Every case is decided by the engine from records (one trainee, 马丽, in a cohort of the
program nx-sup-2024), then explained; the explanation reads the figures the decision used.
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import Any

import pytest

import supervise
from supervise import (
    Activity,
    Cohort,
    Credential,
    Deliverable,
    Enrollment,
    MentorRole,
    Outcome,
    Person,
    PhaseSpec,
    Policy,
    Program,
    Requirements,
    Session,
    rules,
)
from supervise.semantics.rules import Labels, RuleResult

AS_OF = date(2024, 12, 6)
PROGRAM = "nx-sup-2024"
_ids = itertools.count()


def world(practice_since: date | None = None) -> list[Any]:
    return [
        Program(id=PROGRAM, name="宁夏第二批督导培养项目"),
        PhaseSpec(
            program_id=PROGRAM,
            key="accompanied_supervision",
            name="陪伴督导",
            order=1,
            requirements=Requirements(hours=1),
        ),
        PhaseSpec(program_id=PROGRAM, key="case_study", name="案例研究", order=2),
        PhaseSpec(
            program_id=PROGRAM,
            key="topic_research",
            name="课题研究",
            order=3,
            requirements=Requirements(hours=2),
        ),
        Program(id="other", name="其他项目"),
        PhaseSpec(
            program_id="other",
            key="topic_research",
            name="课题研究",
            order=1,
            requirements=Requirements(hours=1),
        ),
        Cohort(id="c", program_id=PROGRAM, name="第二批", starts_on="2024-07-01", ends_on="2024-11-30"),
        Cohort(id="o", program_id="other", name="其他", starts_on="2024-01-01", ends_on="2024-11-30"),
        Person(id="t1", name="马丽", practice_since=practice_since),
        Person(id="m1", name="导师"),
        Enrollment(person_id="t1", cohort_id="c", enrolled_on="2024-07-01"),
        Enrollment(person_id="t1", cohort_id="o", enrolled_on="2024-01-01"),
        MentorRole(person_id="m1", cohort_id="c"),
    ]  # fmt: skip


def judge(rule: Any, *records: Any, practice_since: date | None = None) -> RuleResult:
    policy = Policy(id="x", name="x", version="1", rules=[rule])
    report = supervise.eligibility(policy, [*world(practice_since), *records], AS_OF)
    return report.person("t1").results[0]


def check(result: RuleResult, met: bool, zh: str, en: str) -> RuleResult:
    assert (result.met, result.message_zh, result.message_en) == (met, zh, en)
    return result


def hours(
    n: float, phase: str = "accompanied_supervision", on: str = "2024-08-01", cohort: str = "c"
) -> list[Any]:
    """Activities of ``n`` hours in all (at most 24 per record)."""
    out, left = [], n
    while left > 0:
        h = min(left, 24)
        out.append(
            Activity(
                id=f"a{next(_ids)}",
                person_id="t1",
                cohort_id=cohort,
                phase=phase,
                on=on,
                hours=h,
            )
        )
        left -= h
    return out


def sessions(n: int, minutes: int = 90) -> list[Session]:
    return [
        Session(
            id=f"s{next(_ids)}",
            mentor_id="m1",
            cohort_id="c",
            on="2024-08-01",
            minutes=minutes,
            attendees=frozenset({"t1"}),
        )
        for _ in range(n)
    ]


def scored(score: float | None) -> Deliverable:
    return Deliverable(
        id=f"d{next(_ids)}",
        person_id="t1",
        cohort_id="c",
        phase="case_study",
        title="案例",
        submitted_on="2024-11-01",
        score=score,
    )


@pytest.mark.parametrize(
    ("done", "met", "zh", "en"),
    [
        (18.0, False, "还差 6 小时陪伴督导", "6 more hours of accompanied supervision needed"),
        (23.5, False, "还差 0.5 小时陪伴督导", "0.5 more hours of accompanied supervision needed"),
        (23.0, False, "还差 1 小时陪伴督导", "1 more hour of accompanied supervision needed"),
        (24.0, True, "已有 24 小时陪伴督导（需 24）", "24 hours of accompanied supervision (at least 24)"),
        (30.0, True, "已有 30 小时陪伴督导（需 24）", "30 hours of accompanied supervision (at least 24)"),
    ],
)  # fmt: skip
def test_hours_at_least(done: float, met: bool, zh: str, en: str) -> None:
    rule = rules.hours_at_least(24, phase="accompanied_supervision")
    result = check(judge(rule, *hours(done)), met, zh, en)
    assert (result.actual, result.required) == (done, 24.0)


def test_hours_with_nothing_recorded_count_zero() -> None:
    result = check(judge(rules.hours_at_least(40)), False, "还差 40 小时", "40 more hours needed")
    assert result.actual == 0.0


def test_hours_in_a_program_since_a_date() -> None:
    rule = rules.hours_at_least(10, phase="topic_research", program=PROGRAM, since="2024-09-01")
    counted = hours(4, "topic_research", on="2024-09-01")
    before = hours(5, "topic_research", on="2024-08-31")  # before since
    later = hours(5, "topic_research", on="2024-12-07")  # after as_of
    elsewhere = hours(5, "topic_research", cohort="o")  # another program's cohort
    check(
        judge(rule, *counted, *before, *later, *elsewhere),
        False,
        "还差 6 小时课题研究（宁夏第二批督导培养项目）（自 2024-09-01 起）",
        "6 more hours of topic research in nx-sup-2024 since 2024-09-01 needed",
    )


@pytest.mark.parametrize(
    ("n", "met", "zh", "en"),
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
def test_sessions_at_least(n: int, met: bool, zh: str, en: str) -> None:
    rule = rules.sessions_at_least(6, phase="accompanied_supervision")
    check(judge(rule, *sessions(n)), met, zh, en)


def test_sessions_without_a_phase() -> None:
    check(judge(rules.sessions_at_least(3)), False, "还差 3 次督导", "3 more sessions needed")


@pytest.mark.parametrize(
    ("best", "met", "zh", "en"),
    [
        (None, False, "尚无已评分的案例研究成果（需达到 85 分）", "no scored case study deliverable yet (85 needed)"),
        (84.5, False, "案例研究成果最高 84.5 分，需达到 85 分", "best case study deliverable scored 84.5, 85 needed"),
        (85.0, True, "案例研究成果最高 85 分（需 85 分）", "best case study deliverable scored 85 (at least 85)"),
        (0.0, False, "案例研究成果最高 0 分，需达到 85 分", "best case study deliverable scored 0, 85 needed"),
    ],
)  # fmt: skip
def test_deliverable_score_at_least(best: float | None, met: bool, zh: str, en: str) -> None:
    rule = rules.deliverable_score_at_least(85, phase="case_study")
    result = check(judge(rule, scored(best), scored(None)), met, zh, en)
    assert (result.actual, result.required) == (best, 85.0)


@pytest.mark.parametrize(
    ("held", "met", "zh", "en"),
    [
        (None, False, "需持有社会工作师及以上职业资格（当前：无）", "intermediate credential or higher needed (holds: none)"),
        ("assistant", False, "需持有社会工作师及以上职业资格（当前：助理社会工作师）", "intermediate credential or higher needed (holds: assistant)"),
        ("intermediate", True, "持有社会工作师职业资格（需社会工作师及以上）", "holds intermediate credential (intermediate or higher)"),
        ("senior", True, "持有高级社会工作师职业资格（需社会工作师及以上）", "holds senior credential (intermediate or higher)"),
    ],
)  # fmt: skip
def test_credential_at_least(held: str | None, met: bool, zh: str, en: str) -> None:
    records = [Credential(person_id="t1", level="assistant", issued_on="2015-01-01")]
    if held is not None:
        records.append(Credential(person_id="t1", level=held, issued_on="2020-01-01"))
    if held is None:  # an assistant credential that expired does not count
        records = [Credential(person_id="t1", level="assistant", issued_on="2015-01-01", expires_on="2024-12-05")]  # fmt: skip
    result = check(judge(rules.credential_at_least("社会工作师"), *records), met, zh, en)
    assert (result.actual, result.required) == (held, "intermediate")


@pytest.mark.parametrize(
    ("since", "met", "zh", "en"),
    [
        (date(2019, 12, 7), False, "从业年限还差 1 年（当前 4 年，需 5 年）", "1 more year of practice needed (4 of 5)"),
        (date(2019, 12, 6), True, "从业 5 年（需 5 年）", "5 years of practice (at least 5)"),
        (date(2016, 1, 1), True, "从业 8 年（需 5 年）", "8 years of practice (at least 5)"),
        (date(2022, 1, 1), False, "从业年限还差 3 年（当前 2 年，需 5 年）", "3 more years of practice needed (2 of 5)"),
        (date(2025, 1, 1), False, "从业年限还差 5 年（当前 0 年，需 5 年）", "5 more years of practice needed (0 of 5)"),
        (None, False, "缺少从业起始日期（需从业满 5 年）", "practice start date unknown (5 years needed)"),
    ],
)  # fmt: skip
def test_practice_years_at_least(since: date | None, met: bool, zh: str, en: str) -> None:
    check(judge(rules.practice_years_at_least(5), practice_since=since), met, zh, en)


@pytest.mark.parametrize(
    ("outcomes", "since", "met", "zh", "en"),
    [
        ([], None, False, "尚无参与地方标准起草记录", "no standard drafting outcome yet"),
        ([("standard_drafting", "2024-03-01")], None, True, "已有参与地方标准起草记录（2024-03-01）", "standard drafting on 2024-03-01"),
        ([("standard_drafting", "2024-03-01"), ("standard_drafting", "2024-05-01")], None, True, "已有参与地方标准起草记录（2024-05-01）", "standard drafting on 2024-05-01"),
        ([("standard_drafting", "2024-03-01")], date(2024, 6, 1), False, "尚无参与地方标准起草记录（自 2024-06-01 起）", "no standard drafting outcome since 2024-06-01 yet"),
        ([("standard_drafting", "2024-12-07")], None, False, "尚无参与地方标准起草记录", "no standard drafting outcome yet"),
        ([("expert_pool", "2024-03-01")], None, False, "尚无参与地方标准起草记录", "no standard drafting outcome yet"),
    ],
)  # fmt: skip
def test_outcome_present(
    outcomes: list[tuple[str, str]], since: date | None, met: bool, zh: str, en: str
) -> None:
    records = [Outcome(person_id="t1", kind=kind, on=on) for kind, on in outcomes]
    check(judge(rules.outcome_present("standard_drafting", since=since), *records), met, zh, en)


def completes_nx() -> list[Any]:
    return [*hours(1), *hours(2, "topic_research")]


def test_completed_program() -> None:
    rule = rules.completed_program(PROGRAM)
    check(
        judge(rule, *completes_nx()), True, "已完成宁夏第二批督导培养项目", "completed nx-sup-2024"
    )
    check(
        judge(rule, *hours(1), *hours(1, "topic_research", cohort="o")),
        False,
        "尚未完成宁夏第二批督导培养项目",
        "nx-sup-2024 not completed",
    )


def test_completed_program_without_a_program_means_any() -> None:
    rule = rules.completed_program()
    check(
        judge(rule, *hours(1, "topic_research", cohort="o")),
        True,
        "已完成培养项目",
        "completed a program",
    )
    check(judge(rule), False, "尚未完成培养项目", "a program not completed")


def test_phase_complete() -> None:
    rule = rules.phase_complete(PROGRAM, "topic_research")
    check(
        judge(rule, *hours(2, "topic_research")),
        True,
        "已完成课题研究（宁夏第二批督导培养项目）环节",
        "completed topic research in nx-sup-2024",
    )
    check(
        judge(rule, *hours(1, "topic_research", cohort="o")),
        False,
        "尚未完成课题研究（宁夏第二批督导培养项目）环节",
        "topic research in nx-sup-2024 not complete",
    )


def senior_or_pool() -> Any:
    return rules.any_of([rules.credential_at_least("senior"), rules.outcome_present("expert_pool")])


def test_any_of_is_met_by_one_alternative_and_lists_all_when_none_holds() -> None:
    pool = Outcome(person_id="t1", kind="expert_pool", on="2024-01-01")
    met = check(
        judge(senior_or_pool(), pool),
        True,
        "已有入选人才专家库记录（2024-01-01）",
        "expert pool on 2024-01-01",
    )
    assert (met.actual, met.required, [r.met for r in met.rules]) == (1, 1, [False, True])
    unmet = check(
        judge(senior_or_pool()),
        False,
        "需满足其一：需持有高级社会工作师及以上职业资格（当前：无）；或 尚无入选人才专家库记录",
        "one of: senior credential or higher needed (holds: none); or no expert pool outcome yet",
    )
    assert [r.kind for r in unmet.leaves_missing()] == ["credential_at_least", "outcome_present"]


def test_all_of_lists_only_what_is_missing() -> None:
    rule = rules.all_of([rules.credential_at_least("assistant"), rules.practice_years_at_least(5)])
    assistant = Credential(person_id="t1", level="assistant", issued_on="2020-01-01")
    result = check(
        judge(rule, assistant),
        False,
        "缺少从业起始日期（需从业满 5 年）",
        "practice start date unknown (5 years needed)",
    )
    assert (result.actual, result.required) == (1, 2)
    assert [r.kind for r in result.leaves_missing()] == ["practice_years_at_least"]
    check(judge(rule, assistant, practice_since=date(2000, 1, 1)), True, "全部满足", "all met")


def test_not_inverts_and_nests() -> None:
    check(
        judge(rules.not_(senior_or_pool())),
        True,
        "不满足：需满足其一：需持有高级社会工作师及以上职业资格（当前：无）；或 尚无入选人才专家库记录",
        "does not hold: one of: senior credential or higher needed (holds: none); or no expert pool outcome yet",
    )
    senior = Credential(person_id="t1", level="senior", issued_on="2020-01-01")
    result = check(
        judge(rules.not_(rules.credential_at_least("senior")), senior),
        False,
        "不得满足：持有高级社会工作师职业资格（需高级社会工作师及以上）",
        "must not hold: holds senior credential (senior or higher)",
    )
    assert result.leaves_missing() == [result]
    assert (result.actual, result.required) == (True, False)


def test_to_dict_nests_results_of_combinations_only() -> None:
    data = judge(senior_or_pool()).to_dict()
    assert data["kind"] == "any_of"
    assert [r["kind"] for r in data["rules"]] == ["credential_at_least", "outcome_present"]
    assert "rules" not in data["rules"][0]
    assert data["rules"][0]["message"] == {
        "zh": "需持有高级社会工作师及以上职业资格（当前：无）",
        "en": "senior credential or higher needed (holds: none)",
    }


def test_explain_writes_what_the_decision_computed() -> None:
    # explain() formats; it does not decide: the verdict it is given stands.
    rule = rules.hours_at_least(24, phase="topic_research")
    labels = Labels(phases={"topic_research": "课题研究"})
    assert rule.explain(18.0, False, (), labels).message_zh == "还差 6 小时课题研究"
    assert rule.explain(18.0, True, (), labels).met is True


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
