""" "Meet one of these" is shown as a choice, never as if every alternative were needed: in
missing(), the DataFrame, the HTML and the terminal table (issue 15, item 2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supervise.core.eligibility import EligibilityReport
from supervise.demo import ningxia
from supervise.present.eligibility import missing_text, need, needs
from supervise.present.html import Need, Needs, macro
from supervise.registry import Registry
from supervise.semantics import rules
from supervise.semantics.rules import RuleResult

FIRST = "尚未完成宁夏第一批社会工作督导评估人才“小团队”培养项目"
SECOND = "尚未完成宁夏第二批社会工作督导评估人才“小团队”培养项目"
CASE = "尚无已评分的案例研究成果（需达到 85 分）"
STANDARD = "尚无参与地方标准起草记录"


@pytest.fixture(scope="module")
def mid_program(ningxia_registry: Registry) -> EligibilityReport:
    """The expert-pool policy in the middle of the second batch: nobody has finished it."""
    return ningxia_registry.eligibility(
        "nx-expert-pool", ningxia.MID_PROGRAM, cohort=ningxia.SECOND_BATCH
    )


def test_a_second_batch_trainee_is_told_to_finish_one_batch_not_both(
    mid_program: EligibilityReport,
) -> None:
    batches, case_or_standard = mid_program.missing("t2024-01")
    assert batches.kind == "any_of"
    assert (batches.choice, batches.needed) == (True, 1)
    assert [(r.kind, r.message_zh) for r in batches.options] == [
        ("completed_program", FIRST),
        ("completed_program", SECOND),
    ]
    assert batches.message_zh == f"需满足其一：{FIRST}；或 {SECOND}"
    assert batches.message_en == "one of: nx-sup-2022 not completed; or nx-sup-2024 not completed"
    assert [r.kind for r in case_or_standard.options] == [
        "deliverable_score_at_least",
        "outcome_present",
    ]


def test_the_dataframe_of_people_says_one_of(mid_program: EligibilityReport) -> None:
    people = mid_program.to_pandas("people", lang="zh").set_index("person_id")
    assert people.loc["t2024-01", "missing"] == (
        f"需满足其一：{FIRST}；或 {SECOND}; 需满足其一：{CASE}；或 {STANDARD}"
    )
    english = mid_program.to_pandas("people", lang="en").set_index("person_id")
    assert english.loc["t2024-03", "missing"] == (
        "one of: nx-sup-2022 not completed; or nx-sup-2024 not completed; "
        "intermediate credential or higher needed (holds: assistant); "
        "one of: no scored case study deliverable yet (85 needed); or no standard drafting "
        "outcome yet"
    )


def test_the_html_lists_alternatives_with_or_between_them(mid_program: EligibilityReport) -> None:
    html = mid_program.to_html("zh")
    span = '<span style="border-bottom:1px dotted #999">'
    assert (
        html.count(f"<li>需满足其一：{span}{FIRST}</span> <b>或</b> {span}{SECOND}</span></li>")
        == 31
    )
    assert f"<li>{FIRST}</li>" not in html  # never an alternative listed as a need
    english = mid_program.to_html("en")
    assert english.count("<li>one of: ") == 31 + 30  # one trainee drafted a standard already
    assert "<b>or</b>" in english


def test_the_needs_of_a_person_for_display(mid_program: EligibilityReport) -> None:
    assert needs(mid_program.person("t2024-03"), "zh") == [
        Need(f"需满足其一：{FIRST}；或 {SECOND}", "需满足其一：", (FIRST, SECOND)),
        Need("需持有社会工作师及以上职业资格（当前：助理社会工作师）"),
        Need(f"需满足其一：{CASE}；或 {STANDARD}", "需满足其一：", (CASE, STANDARD)),
    ]
    assert missing_text(mid_program.person("t2024-03"), "en")[1] == (
        "intermediate credential or higher needed (holds: assistant)"
    )


# -- the structure, rule by rule -------------------------------------------------------------


def leaf(met: bool, name: str) -> RuleResult:
    return RuleResult(
        kind="outcome_present",
        met=met,
        actual=met,
        required=True,
        message_zh=f"已有{name}" if met else f"尚无{name}",
        message_en=f"{name} held" if met else f"no {name}",
    )


def test_an_any_of_with_one_alternative_left_is_not_a_choice() -> None:
    result = rules.any_of([rules.outcome_present("expert_pool")]).explain(
        0, False, [leaf(False, "甲")]
    )
    assert (result.choice, result.needed) == (False, 1)
    assert result.missing() == [leaf(False, "甲")]


def test_an_all_of_needs_each_unmet_rule_and_keeps_a_choice_inside_it_whole() -> None:
    choice = rules.any_of([rules.outcome_present("expert_pool")] * 2).explain(
        0, False, [leaf(False, "乙"), leaf(False, "丙")]
    )
    result = rules.all_of([rules.outcome_present("expert_pool")] * 3).explain(
        1, False, [leaf(False, "甲"), leaf(True, "丁"), choice]
    )
    assert (result.choice, result.needed) == (False, 2)
    assert result.missing() == [leaf(False, "甲"), choice]
    assert result.message_zh == "尚无甲；（需满足其一：尚无乙；或 尚无丙）"
    assert result.message_en == "no 甲; (one of: no 乙; or no 丙)"


def test_several_needs_inside_an_alternative_are_bracketed() -> None:
    both = rules.all_of([rules.outcome_present("expert_pool")] * 2).explain(
        0, False, [leaf(False, "甲"), leaf(False, "乙")]
    )
    result = rules.any_of([rules.outcome_present("expert_pool")] * 2).explain(
        0, False, [both, leaf(False, "丙")]
    )
    assert result.message_zh == "需满足其一：（尚无甲；尚无乙）；或 尚无丙"
    assert result.message_en == "one of: (no 甲; no 乙); or no 丙"


def test_an_n_of_m_brackets_a_choice_among_its_needs() -> None:
    choice = rules.any_of([rules.outcome_present("expert_pool")] * 2).explain(
        0, False, [leaf(False, "甲"), leaf(False, "乙")]
    )
    result = rules.at_least_n_of(2, [rules.outcome_present("expert_pool")] * 3).explain(
        1, False, [choice, leaf(True, "丙"), leaf(False, "丁")]
    )
    assert (result.actual, result.required, result.needed, result.choice) == (1, 2, 1, True)
    assert result.missing() == [result]
    assert result.message_zh == (
        "还需满足 1 项（已满足 1 项，需 3 项中至少 2 项）：（需满足其一：尚无甲；或 尚无乙）；尚无丁"
    )
    assert result.message_en == (
        "1 more of these needed (1 of 3 met, at least 2): (one of: no 甲; or no 乙); no 丁"
    )


def test_a_count_of_alternatives_such_as_at_least_n_of_is_a_choice_of_that_many() -> None:
    """Any combination that counts its rules met (``at_least_n_of``: actual = how many hold,
    required = how many must) is shown as "n more of these"."""
    three = (leaf(False, "甲"), leaf(True, "乙"), leaf(False, "丙"), leaf(False, "丁"))
    result = RuleResult(
        kind="at_least_n_of",
        met=False,
        actual=1,
        required=3,
        message_zh="需满足其中 3 项（已满足 1 项）",
        message_en="3 of these needed (1 held)",
        rules=three,
    )
    assert (result.choice, result.needed, result.options) == (True, 2, (three[0], *three[2:]))
    assert result.missing() == [result]
    assert [r.kind for r in result.leaves_missing()] == ["outcome_present"] * 3
    shown = need(result, "zh")
    assert shown == Need(
        "需满足其中 3 项（已满足 1 项）",
        "需再满足其中 2 项：",
        ("尚无甲", "尚无丙", "尚无丁"),
        False,
    )
    html = macro("needs", Needs([shown], "或", "；"))
    assert "<b>或</b>" not in html  # two of three: not "this or that"
    assert html.count("；") == 2
    assert need(result, "en").heading == "2 more of: "


# -- a property: what missing() lists is enough, and each plain item is needed ----------------


def _tree(depth: int = 3) -> st.SearchStrategy[RuleResult]:
    names = st.sampled_from("甲乙丙丁戊己庚辛")
    leaves = st.builds(leaf, st.booleans(), names)
    if depth == 0:
        return leaves

    def combine(kind: str, children: list[RuleResult]) -> RuleResult:
        rule = (rules.all_of if kind == "all_of" else rules.any_of)(
            [rules.outcome_present("expert_pool")] * len(children)
        )
        count = sum(c.met for c in children)
        met = count == len(children) if kind == "all_of" else count >= 1
        return rule.explain(count, met, children)

    branch = st.builds(
        combine,
        st.sampled_from(["all_of", "any_of"]),
        st.lists(_tree(depth - 1), min_size=1, max_size=3),
    )
    return leaves | branch


def _holds(result: RuleResult, fixed: set[int]) -> bool:
    """Whether ``result`` holds once the results in ``fixed`` (by id) are met."""
    if id(result) in fixed:
        return True
    if result.kind == "all_of":
        return all(_holds(r, fixed) for r in result.rules)
    if result.kind == "any_of":
        return any(_holds(r, fixed) for r in result.rules)
    return result.met


def _meet(item: RuleResult, fixed: set[int]) -> None:
    """Meet ``item`` the way missing() says: a plain item itself, a choice through the first
    ``needed`` of its options (each as its own missing() says)."""
    if not item.choice:
        fixed.add(id(item))
        return
    for option in item.options[: item.needed]:
        for part in option.missing():
            _meet(part, fixed)


@given(_tree())
def test_meeting_what_is_missing_is_enough_and_each_plain_need_is_needed(
    result: RuleResult,
) -> None:
    missing = result.missing()
    assert (missing == []) == result.met
    fixed: set[int] = set()
    for item in missing:
        assert not item.met
        assert not item.choice or 1 <= item.needed < len(item.options)
        _meet(item, fixed)
    assert _holds(result, fixed)
    for item in missing:
        if not item.choice:  # leave this one out and the whole does not hold
            others: set[int] = set()
            for other in missing:
                if other is not item:
                    _meet(other, others)
            assert not _holds(result, others)
