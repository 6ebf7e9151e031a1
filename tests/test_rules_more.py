"""Rule windows and filters, sign-off, caps, ratios, N of M and continuing education: each
met, unmet and at the boundary, with its messages in both languages (docs/eligibility.md)."""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import Any

import attrs
import pytest

from supervise import (
    Activity,
    ContinuingEducation,
    Credential,
    Deliverable,
    Outcome,
    Program,
    Session,
    rules,
)
from supervise.present.eligibility import need
from supervise.semantics.rules import RuleResult
from tests.test_rules import PROGRAM, check, hours, judge, world

_ids = itertools.count()


def act(
    n: float, on: str, state: str = "confirmed", phase: str = "accompanied_supervision"
) -> Activity:
    return Activity(
        id=f"x{next(_ids)}",
        person_id="t1",
        cohort_id="c",
        phase=phase,
        on=on,
        hours=n,
        state=state,
    )


def sess(on: str, form: str = "group", state: str = "confirmed", minutes: int = 90) -> Session:
    return Session(
        id=f"y{next(_ids)}",
        mentor_id="m1",
        cohort_id="c",
        on=on,
        minutes=minutes,
        form=form,
        attendees=frozenset({"t1"}),
        state=state,
    )


# -- windows and filters ---------------------------------------------------------------------


def test_hours_in_a_window_both_ends_included() -> None:
    rule = rules.hours_at_least(
        24, phase="accompanied_supervision", since="2024-09-01", until="2024-11-30"
    )
    records = [
        act(10, "2024-09-01"),  # the first day counts
        act(8, "2024-11-30"),  # so does the last
        act(5, "2024-08-31"),  # before the window
        act(5, "2024-12-01"),  # after it (yet before the date of assessment)
    ]
    result = check(
        judge(rule, *records),
        False,
        "还差 6 小时陪伴督导（2024-09-01 至 2024-11-30）",
        "6 more hours of accompanied supervision between 2024-09-01 and 2024-11-30 needed",
    )
    assert result.actual == 18.0


def test_until_alone_and_phases_as_a_list() -> None:
    rule = rules.hours_at_least(
        3, phase=["accompanied_supervision", "topic_research"], until="2024-10-01"
    )
    records = [
        act(1, "2024-09-01"),
        act(1, "2024-09-02", phase="topic_research"),
        act(4, "2024-10-02"),
    ]
    check(
        judge(rule, *records),
        False,
        "还差 1 小时陪伴督导、课题研究（截至 2024-10-01）",
        "1 more hour of accompanied supervision or topic research until 2024-10-01 needed",
    )
    assert rule.params() == {
        "hours": 3,
        "phase": ["accompanied_supervision", "topic_research"],
        "until": "2024-10-01",
    }


def test_sessions_of_a_form_in_a_window() -> None:
    rule = rules.sessions_at_least(2, form="individual", since="2024-08-01", until="2024-08-31")
    records = [
        sess("2024-08-02", "individual"),
        sess("2024-08-03", "group"),
        sess("2024-09-01", "individual"),
    ]
    check(
        judge(rule, *records),
        False,
        "还差 1 次督导（个别督导）（2024-08-01 至 2024-08-31）",
        "1 more individual session between 2024-08-01 and 2024-08-31 needed",
    )
    both = rules.sessions_at_least(2, form=["individual", "peer"])
    check(
        judge(both, sess("2024-08-02", "peer"), sess("2024-08-03", "individual")),
        True,
        "已有 2 次督导（个别督导、同辈督导）（需 2）",
        "2 individual or peer sessions (at least 2)",
    )


@pytest.mark.parametrize(
    ("groups", "others", "met", "zh", "en"),
    [
        (8, 0, False, "还差 6 次督导；团体督导最多计 6 次，已计满", "6 more sessions needed; group sessions count up to 6, limit reached"),
        (8, 6, True, "已有 12 次督导（需 12）；团体督导最多计 6 次，已计满", "12 sessions (at least 12); group sessions count up to 6, limit reached"),
        (5, 6, False, "还差 1 次督导", "1 more session needed"),
    ],
)  # fmt: skip
def test_group_sessions_count_up_to_the_cap(
    groups: int, others: int, met: bool, zh: str, en: str
) -> None:
    rule = rules.sessions_at_least(12, max_group_sessions=6)
    records = [sess("2024-08-01") for _ in range(groups)]
    records += [sess("2024-08-02", "individual") for _ in range(others)]
    result = check(judge(rule, *records), met, zh, en)
    assert result.actual == min(groups, 6) + others


def test_deliverables_and_outcomes_in_a_window() -> None:
    paper = Deliverable(
        id="d9", person_id="t1", cohort_id="c", phase="case_study", title="案例",
        submitted_on="2024-11-01", score=90,
    )  # fmt: skip
    rule = rules.deliverable_score_at_least(85, phase="case_study", until="2024-10-31")
    check(
        judge(rule, paper),
        False,
        "尚无已评分的案例研究成果（截至 2024-10-31）（需达到 85 分）",
        "no scored case study deliverable until 2024-10-31 yet (85 needed)",
    )
    pool = Outcome(person_id="t1", kind="expert_pool", on="2024-07-01")
    early = rules.outcome_present("expert_pool", since="2024-01-01", until="2024-06-30")
    check(
        judge(early, pool),
        False,
        "尚无入选人才专家库记录（2024-01-01 至 2024-06-30）",
        "no expert pool outcome between 2024-01-01 and 2024-06-30",
    )


# -- sign-off --------------------------------------------------------------------------------


def test_rejected_and_pending_records_do_not_count() -> None:
    rule = rules.hours_at_least(10, phase="accompanied_supervision")
    records = [
        act(6, "2024-08-01"),
        act(4, "2024-08-02", "submitted"),
        act(4, "2024-08-03", "rejected"),
    ]
    assert judge(rule, *records).actual == 6.0
    counting = [
        attrs.evolve(r, pending_counts=True) if isinstance(r, Program) else r for r in world()
    ]
    from supervise import Policy, eligibility

    policy = Policy(id="x", name="x", version="1", rules=[rule])
    report = eligibility(policy, [*counting, *records], date(2024, 12, 6))
    assert report.person("t1").results[0].actual == 10.0  # submitted counts, rejected never


def test_a_pending_session_or_deliverable_does_not_count_either() -> None:
    assert judge(rules.sessions_at_least(1), sess("2024-08-01", state="submitted")).actual == 0
    paper = Deliverable(
        id="d8", person_id="t1", cohort_id="c", phase="case_study", title="案例",
        submitted_on="2024-11-01", score=90, state="rejected",
    )  # fmt: skip
    assert judge(rules.deliverable_score_at_least(60), paper).actual is None


# -- ratios ----------------------------------------------------------------------------------


def supervision_per_practicum(ratio: float = 0.25) -> Any:
    return rules.ratio_at_least(
        ratio,
        numerator={"measure": "session_hours"},
        denominator={"measure": "hours", "phase": "topic_research"},
    )


@pytest.mark.parametrize(
    ("sessions", "practice", "met", "zh", "en"),
    [
        (2, 10, True, "督导时数与学时（课题研究）之比为 0.3（3 / 10），不低于 0.25",
         "session hours per hours of topic research: 0.3 (3 / 10), at least 0.25"),
        (1, 10, False, "督导时数与学时（课题研究）之比为 0.15（1.5 / 10），需至少 0.25",
         "session hours per hours of topic research: 0.15 (1.5 / 10), at least 0.25 needed"),
        (2, 12, True, "督导时数与学时（课题研究）之比为 0.25（3 / 12），不低于 0.25",
         "session hours per hours of topic research: 0.25 (3 / 12), at least 0.25"),
        (2, 0, False, "尚无学时（课题研究），无法计算督导时数与之的比例（需至少 0.25）",
         "no hours of topic research yet to set session hours against (at least 0.25 needed)"),
    ],
)  # fmt: skip
def test_ratio_at_least(sessions: int, practice: float, met: bool, zh: str, en: str) -> None:
    records = [sess("2024-08-01") for _ in range(sessions)]  # 90 minutes each
    records += hours(practice, "topic_research") if practice else []
    result = check(judge(supervision_per_practicum(), *records), met, zh, en)
    assert result.actual == (None if not practice else sessions * 1.5 / practice)
    assert result.required == 0.25


def test_a_ratio_of_sessions_of_a_form() -> None:
    rule = rules.ratio_at_least(
        0.5,
        {"measure": "sessions", "form": "individual"},
        {"measure": "sessions"},
        since="2024-08-01",
    )
    records = [sess("2024-08-01", "individual"), sess("2024-08-01"), sess("2024-08-01")]
    check(
        judge(rule, *records),
        False,
        "督导次数（个别督导）与督导次数之比为 0.333（1 / 3）（自 2024-08-01 起），需至少 0.5",
        "individual sessions per sessions since 2024-08-01: 0.333 (1 / 3), at least 0.5 needed",
    )


# -- N of M ----------------------------------------------------------------------------------


def three() -> list[Any]:
    return [
        rules.hours_at_least(1, phase="accompanied_supervision"),
        rules.credential_at_least("intermediate"),
        rules.outcome_present("expert_pool"),
    ]


def test_at_least_n_of() -> None:
    met = check(
        judge(rules.at_least_n_of(1, three()), *hours(1)),
        True,
        "满足 3 项中的 1 项（需至少 1 项）",
        "1 of 3 met (at least 1)",
    )
    assert (met.actual, met.required) == (1, 1)
    unmet: RuleResult = check(
        judge(rules.at_least_n_of(2, three()), *hours(1)),
        False,
        "还需满足 1 项（已满足 1 项，需 3 项中至少 2 项）：需持有社会工作师及以上职业资格（当前：无）；尚无入选人才专家库记录",
        "1 more of these needed (1 of 3 met, at least 2): intermediate credential or higher needed (holds: none); no expert pool outcome yet",
    )  # fmt: skip
    assert [r.kind for r in unmet.leaves_missing()] == ["credential_at_least", "outcome_present"]
    assert [r["kind"] for r in unmet.to_dict()["rules"]] == [
        "hours_at_least",
        "credential_at_least",
        "outcome_present",
    ]


def test_what_an_unmet_n_of_m_misses_is_a_choice_only_when_fewer_are_needed() -> None:
    # actual = how many rules hold, required = n: missing() keeps a choice whole.
    unmet = judge(rules.at_least_n_of(2, three()), *hours(1))
    assert (unmet.actual, unmet.required, unmet.needed, unmet.choice) == (1, 2, 1, True)
    assert [r.kind for r in unmet.options] == ["credential_at_least", "outcome_present"]
    assert unmet.missing() == [unmet]
    shown = need(unmet, "zh")
    assert (shown.heading, shown.options, shown.either) == (
        "需满足其一：",
        ("需持有社会工作师及以上职业资格（当前：无）", "尚无入选人才专家库记录"),
        True,
    )
    # Every unmet rule needed: no choice, each is missing on its own.
    every = judge(rules.at_least_n_of(3, three()), *hours(1))
    assert (every.needed, every.choice) == (2, False)
    assert [r.kind for r in every.missing()] == ["credential_at_least", "outcome_present"]
    assert need(every, "en").heading == ""
    # Two of three, none held: "2 more of", not "one of".
    none_held = judge(rules.at_least_n_of(2, three()))
    assert (none_held.needed, len(none_held.options)) == (2, 3)
    assert need(none_held, "en").heading == "2 more of: "
    assert need(none_held, "zh").either is False


# -- continuing education --------------------------------------------------------------------


def ce(n: float, on: str) -> ContinuingEducation:
    return ContinuingEducation(
        id=f"ce{next(_ids)}", person_id="t1", on=on, hours=n, provider="宁夏社会工作协会"
    )


def intermediate(registered: str | None = "2021-03-01") -> Credential:
    return Credential(
        person_id="t1", level="intermediate", issued_on="2021-01-15", registered_on=registered
    )


def test_continuing_education_in_the_cycle_containing_the_date() -> None:
    # Registered 2021-03-01: cycles 2021-03-01..2024-02-29, 2024-03-01..2027-02-28.
    records = [
        intermediate(),
        ce(40, "2024-02-29"),
        ce(50, "2024-03-01"),
        ce(28, "2024-12-06"),
        ce(99, "2024-12-07"),
    ]
    result = check(
        judge(rules.continuing_education_at_least(), *records),
        False,
        "本周期（2024-03-01 至 2027-02-28）继续教育还差 12 小时（已有 78，需 90）",
        "12 more hours of continuing education needed this cycle (2024-03-01 to 2027-02-28): 78 of 90",
    )  # fmt: skip
    assert (result.actual, result.required) == (78.0, 90.0)
    check(
        judge(rules.continuing_education_at_least(72), *records),
        True,
        "本周期（2024-03-01 至 2027-02-28）继续教育 78 小时（需 72）",
        "78 hours of continuing education this cycle (2024-03-01 to 2027-02-28) (at least 72)",
    )


def test_the_cycle_runs_from_the_issue_date_without_registration_and_per_level() -> None:
    assistant = Credential(person_id="t1", level="assistant", issued_on="2022-12-06")
    check(
        judge(rules.continuing_education_at_least(), assistant, ce(72, "2023-01-01")),
        True,
        "本周期（2022-12-06 至 2025-12-05）继续教育 72 小时（需 72）",
        "72 hours of continuing education this cycle (2022-12-06 to 2025-12-05) (at least 72)",
    )


def test_a_leap_day_registration_cycles_on_the_28th() -> None:
    leap = Credential(person_id="t1", level="senior", issued_on="2012-02-29")
    check(
        judge(rules.continuing_education_at_least(), leap),
        False,
        "本周期（2024-02-29 至 2027-02-27）继续教育还差 90 小时（已有 0，需 90）",
        "90 more hours of continuing education needed this cycle (2024-02-29 to 2027-02-27): 0 of 90",
    )  # fmt: skip


def test_no_credential_or_no_registration_yet_means_no_cycle() -> None:
    check(
        judge(rules.continuing_education_at_least(), ce(100, "2024-01-01")),
        False,
        "未持有职业资格，无继续教育周期",
        "no credential held, so no continuing-education cycle",
    )
    check(
        judge(rules.continuing_education_at_least(), intermediate("2025-01-01")),
        False,
        "社会工作师职业资格尚未注册，继续教育周期未开始",
        "the intermediate credential is not registered yet: no cycle",
    )


# -- bad parameters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: rules.hours_at_least(8, since="2024-09-01", until="2024-08-01"), "since (2024-09-01) must not be after until (2024-08-01)"),
        (lambda: rules.hours_at_least(8, phase=[]), "phase must be a phase key or a list of them, not []"),
        (lambda: rules.sessions_at_least(2, form="online"), "unknown SessionForm 'online'"),
        (lambda: rules.sessions_at_least(2, max_group_sessions=-1), "max_group_sessions must be a whole number of at least 0, not -1"),
        (lambda: rules.at_least_n_of(3, [rules.practice_years_at_least(1)]), "n (3) must not be more than the number of rules (1)"),
        (lambda: rules.at_least_n_of(0, [rules.practice_years_at_least(1)]), "n must be a whole number of at least 1, not 0"),
        (lambda: rules.ratio_at_least(1, {"measure": "minutes"}, {"measure": "hours"}), "measure must be one of hours, sessions, session_hours, not 'minutes'"),
        (lambda: rules.ratio_at_least(1, {"measure": "hours", "form": "group"}, {"measure": "hours"}), "form applies to sessions and session_hours, not to hours"),
        (lambda: rules.ratio_at_least(1, {"phase": "x"}, {"measure": "hours"}), "needs 'measure', one of hours, sessions, session_hours"),
        (lambda: rules.ratio_at_least(1, {"measure": "hours", "phas": "x"}, {"measure": "hours"}), "unknown key 'phas' (keys: form, measure, phase, program)"),
        (lambda: rules.continuing_education_at_least(-5), "hours must be a number of at least 0, not -5"),
    ],
)  # fmt: skip
def test_new_rules_refuse_bad_parameters(build: Any, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        build()


def test_every_phase_of_a_list_is_checked_against_the_program() -> None:
    rule = rules.hours_at_least(1, phase=["accompanied_supervision", "nope"], program=PROGRAM)
    from supervise import Policy, PolicyError

    policy = Policy(id="x", name="x", version="1", rules=[rule])
    with pytest.raises(
        PolicyError, match=re.escape("rules[0]: unknown phase 'nope' in program 'nx-sup-2024'")
    ):
        policy.check({PROGRAM: {"accompanied_supervision"}})
