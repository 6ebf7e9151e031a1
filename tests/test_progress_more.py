"""Progress with sign-off, caps on group sessions and projections, each pinned by a
hand-computed case (docs/progress.md: "Records awaiting sign-off", "Caps", "Projections")."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

import supervise
from supervise import (
    Activity,
    Cohort,
    Deliverable,
    Enrollment,
    MentorRole,
    Person,
    PhaseSpec,
    Program,
    Requirements,
    Session,
)
from supervise.core.progress import CohortProgress, PhaseStatus
from supervise.core.snapshot import CohortSnapshot

_ids = itertools.count()


def records(*extra: Any, pending_counts: bool = False, **requirements: Requirements) -> list[Any]:
    """One trainee t1, mentor m1; theory 07-01..07-31 (40 hours), supervision 08-01..08-31
    (4 sessions of 60 minutes)."""
    theory = requirements.get("theory", Requirements(hours=40))
    supervision = requirements.get("supervision", Requirements(sessions=4, min_session_minutes=60))
    return [
        Program(id="p", name="项目", pending_counts=pending_counts),
        PhaseSpec(
            program_id="p",
            key="theory",
            name="理论学习",
            order=1,
            starts_on="2024-07-01",
            due_on="2024-07-31",
            requirements=theory,
        ),
        PhaseSpec(
            program_id="p",
            key="supervision",
            name="陪伴督导",
            order=2,
            starts_on="2024-08-01",
            due_on="2024-08-31",
            requirements=supervision,
        ),
        Cohort(id="c", program_id="p", name="第一批", starts_on="2024-07-01", ends_on="2024-08-31"),
        Person(id="t1", name="学员"),
        Person(id="m1", name="导师"),
        Enrollment(person_id="t1", cohort_id="c", enrolled_on="2024-07-01"),
        MentorRole(person_id="m1", cohort_id="c"),
        *extra,
    ]


def act(day: str, hours: float, state: str = "confirmed", phase: str = "theory") -> Activity:
    signed = {} if state == "submitted" else {"signed_by": "m1", "signed_on": day}
    return Activity(
        id=f"a{next(_ids)}",
        person_id="t1",
        cohort_id="c",
        phase=phase,
        on=day,
        hours=hours,
        state=state,
        **signed,
    )


def sess(day: str, form: str = "group", state: str = "confirmed", minutes: int = 90) -> Session:
    return Session(
        id=f"s{next(_ids)}",
        mentor_id="m1",
        cohort_id="c",
        on=day,
        minutes=minutes,
        form=form,
        phase="supervision",
        attendees=frozenset({"t1"}),
        state=state,
    )


def run(items: list[Any], as_of: str) -> CohortProgress:
    return supervise.progress(CohortSnapshot.from_records(items, "c"), as_of)


def both(items: list[Any], as_of: str) -> CohortProgress:
    """The pure function's answer, checked against a registry's."""
    pure = run(items, as_of)
    with supervise.open() as registry:
        registry.add(items)
        assert registry.cohort_progress("c", as_of) == pure
    return pure


# -- sign-off ----------------------------------------------------------------------------------


def test_submitted_records_are_pending_and_rejected_ones_never_count() -> None:
    items = records(
        act("2024-07-02", 8), act("2024-07-03", 4, "submitted"), act("2024-07-04", 2, "rejected")
    )
    theory = both(items, "2024-07-10").trainee("t1").phase("theory")
    assert (theory.achieved, theory.pending) == ({"hours": 8.0}, {"hours": 4.0})
    # 8 hours in the 10 days from 07-01: 32 more take ceil(32 x 10 / 8) = 40 days.
    assert theory.notes() == ["待审核：4 小时", "按目前进度预计 2024-08-19 完成（截止 2024-07-31）"]
    assert theory.notes("en") == [
        "awaiting sign-off: 4 hours",
        "at this pace done on 2024-08-19 (due 2024-07-31)",
    ]


def test_a_program_that_counts_pending_records_counts_them_and_still_shows_them() -> None:
    items = records(
        act("2024-07-02", 8),
        act("2024-07-03", 4, "submitted"),
        act("2024-07-04", 2, "rejected"),
        pending_counts=True,
    )
    theory = both(items, "2024-07-10").trainee("t1").phase("theory")
    assert (theory.achieved, theory.pending) == ({"hours": 12.0}, {"hours": 4.0})


def test_only_rejected_records_leave_a_phase_not_started() -> None:
    items = records(act("2024-07-02", 8, "rejected"))
    theory = both(items, "2024-07-10").trainee("t1").phase("theory")
    assert (theory.status, theory.achieved, theory.pending) == (
        PhaseStatus.NOT_STARTED,
        {"hours": 0.0},
        {"hours": 0.0},
    )


def test_pending_days_are_the_dates_only_pending_records_add() -> None:
    items = records(
        act("2024-07-02", 4),
        act("2024-07-02", 4, "submitted"),  # a day already counted: adds no day
        act("2024-07-03", 4, "submitted"),
        theory=Requirements(days=3),
    )
    theory = both(items, "2024-07-10").trainee("t1").phase("theory")
    assert (theory.achieved, theory.pending) == ({"days": 1}, {"days": 1})


def test_a_deliverable_awaiting_sign_off_does_not_complete_the_phase() -> None:
    paper = Deliverable(
        id="d1",
        person_id="t1",
        cohort_id="c",
        phase="theory",
        title="报告",
        submitted_on="2024-07-20",
        score=90,
        state="submitted",
    )
    items = records(paper, theory=Requirements(deliverables=1, pass_score=80))
    theory = both(items, "2024-07-25").trainee("t1").phase("theory")
    assert (theory.status, theory.achieved, theory.pending) == (
        PhaseStatus.IN_PROGRESS,
        {"deliverables": 0},
        {"deliverables": 1},
    )


# -- the cap on group sessions -----------------------------------------------------------------


def test_group_sessions_count_up_to_the_cap() -> None:
    supervision = Requirements(sessions=4, min_session_minutes=60, max_group_sessions=2)
    items = records(
        sess("2024-08-02"),
        sess("2024-08-05"),
        sess("2024-08-08"),
        sess("2024-08-09", form="individual"),
        sess("2024-08-10", minutes=45),  # too short: neither counted nor attended
        supervision=supervision,
    )
    phase = both(items, "2024-08-16").trainee("t1").phase("supervision")
    assert phase.achieved == {"sessions": 3}  # 1 individual + 2 of the 3 group sessions
    assert (phase.group_sessions, phase.max_group_sessions, phase.capped) == (3, 2, True)
    assert phase.to_dict()["group_sessions"] == {"attended": 3, "max": 2}
    # Only the individual session keeps counting: 1 in the 16 days from 08-01, so 1 more
    # takes 16 days, to 09-01.
    assert phase.notes() == [
        "团体督导最多计 2 次，已计满（参加 3 次）",
        "按目前进度预计 2024-09-01 完成（截止 2024-08-31）",
    ]
    assert phase.notes("en") == [
        "group sessions count up to 2: limit reached (3 attended)",
        "at this pace done on 2024-09-01 (due 2024-08-31)",
    ]


def test_pending_group_sessions_over_the_cap_add_nothing() -> None:
    supervision = Requirements(sessions=4, max_group_sessions=2)
    items = records(
        sess("2024-08-02"),
        sess("2024-08-03"),
        sess("2024-08-04", state="submitted"),  # the cap is reached: it would add nothing
        sess("2024-08-05", form="peer", state="submitted"),  # this one would
        supervision=supervision,
    )
    phase = both(items, "2024-08-16").trainee("t1").phase("supervision")
    assert (phase.achieved, phase.pending) == ({"sessions": 2}, {"sessions": 1})
    assert not phase.capped  # two attended that count, no more than the cap


def test_without_a_cap_there_is_no_group_figure() -> None:
    phase = both(records(sess("2024-08-02")), "2024-08-16").trainee("t1").phase("supervision")
    assert (phase.group_sessions, phase.max_group_sessions) == (None, None)
    assert "group_sessions" not in phase.to_dict()


# -- projections -------------------------------------------------------------------------------


def test_at_risk_long_before_behind() -> None:
    # 8 hours in the 11 days from 07-01 to 07-11: 32 more take ceil(32 x 11 / 8) = 44 days,
    # to 08-24, after the due date 07-31. Expected 10/30, fraction 0.2: not behind.
    result = both(records(act("2024-07-03", 8)), "2024-07-11")
    t = result.trainee("t1")
    theory = t.phase("theory")
    assert (theory.fraction, theory.behind) == (0.2, False)
    assert (str(theory.projected), theory.at_risk) == ("2024-08-24", True)
    assert (t.at_risk, t.behind) == (True, False)
    assert result.at_risk == ("t1",)
    assert result.behind == ()
    assert theory.notes() == ["按目前进度预计 2024-08-24 完成（截止 2024-07-31）"]
    assert theory.notes("en") == ["at this pace done on 2024-08-24 (due 2024-07-31)"]


def test_a_phase_whose_window_has_not_opened_is_taken_to_finish_on_its_due_date() -> None:
    # 20 hours in 11 days: 20 more take 11 days, to 07-22. Supervision opens 08-01 and is
    # taken to finish on 08-31: the program on 08-31.
    t = both(records(act("2024-07-03", 20)), "2024-07-11").trainee("t1")
    assert (str(t.phase("theory").projected), t.phase("theory").at_risk) == ("2024-07-22", False)
    assert t.phase("supervision").projected is None
    assert (str(t.projected_completion), t.at_risk) == ("2024-08-31", False)


def test_no_projected_completion_while_an_open_phase_has_no_pace() -> None:
    t = both(records(act("2024-07-03", 20)), "2024-08-05").trainee("t1")
    # Theory: 20 hours in 36 days, 20 more take 36 days: 09-10. Supervision is open with no
    # session yet: no pace, no projection, and so no date for the program.
    assert str(t.phase("theory").projected) == "2024-09-10"
    assert t.phase("supervision").projected is None
    assert (t.projected_completion, t.at_risk) == (None, True)


def test_with_the_cap_reached_only_other_sessions_set_the_pace() -> None:
    supervision = Requirements(sessions=4, max_group_sessions=2)
    only_groups = records(sess("2024-08-02"), sess("2024-08-03"), supervision=supervision)
    phase = both(only_groups, "2024-08-10").trainee("t1").phase("supervision")
    assert (phase.achieved, phase.projected) == ({"sessions": 2}, None)  # no other sessions
    mixed = records(
        sess("2024-08-02"),
        sess("2024-08-03"),
        sess("2024-08-04", form="individual"),
        supervision=supervision,
    )
    phase = both(mixed, "2024-08-10").trainee("t1").phase("supervision")
    # 3 counted in 10 days, but only the 1 individual session keeps counting: 1 more session
    # takes ceil(1 x 10 / 1) = 10 days.
    assert (phase.achieved, str(phase.projected)) == ({"sessions": 3}, "2024-08-20")


def test_complete_and_withdrawn_trainees_have_no_projection() -> None:
    done = records(
        act("2024-07-03", 20), act("2024-07-04", 20), *(sess(f"2024-08-0{d}") for d in range(1, 5))
    )
    t = both(done, "2024-08-10").trainee("t1")
    assert (t.projected_completion, t.at_risk, t.phase("theory").projected) == (None, False, None)
    gone = records(act("2024-07-03", 8))
    gone[6] = Enrollment(  # in place of t1's enrollment
        person_id="t1", cohort_id="c", enrolled_on="2024-07-01", status="withdrawn"
    )
    t = both(gone, "2024-07-11").trainee("t1")
    assert (t.projected_completion, t.at_risk, t.phase("theory").projected) == (None, False, None)


@pytest.mark.parametrize("hours", [1e-6, 0.5])
def test_a_pace_of_centuries_is_given_as_a_century(hours: float) -> None:
    t = both(records(act("2024-07-01", hours)), "2024-07-31").trainee("t1")
    days = (t.phase("theory").projected - t.phase("theory").due_on).days  # type: ignore[operator]
    # 0.5 hours in 31 days: 39.5 more take ceil(39.5 x 31 / 0.5) = 2449 days.
    assert days == (36524 if hours < 0.5 else 2449)
