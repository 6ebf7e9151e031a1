"""Talent structure: tiers, outcome tallies and targets."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import supervise
from supervise import (
    Cohort,
    Credential,
    Enrollment,
    Outcome,
    Person,
    Program,
    Requirements,
    default_phases,
)
from supervise.core.targets import (
    Target,
    TargetError,
    load_targets,
    target_status,
    year_before,
)
from supervise.demo import ningxia
from tests import oracle
from tests.strategies import days, worlds

AS_OF = date(2024, 12, 6)


def people_with_credentials() -> list[Any]:
    return [
        Person(id="a", name="甲", region_code="640104"),
        Person(id="b", name="乙", region_code="640121"),
        Person(id="c", name="丙", region_code="350102"),
        Person(id="d", name="丁"),
        # a: assistant, superseded by intermediate on 2024-12-06
        Credential(person_id="a", level="assistant", issued_on="2018-01-01"),
        Credential(person_id="a", level="intermediate", issued_on="2024-12-06"),
        # b: senior expired the day before; intermediate still held
        Credential(person_id="b", level="senior", issued_on="2015-01-01", expires_on="2024-12-05"),
        Credential(
            person_id="b", level="intermediate", issued_on="2012-01-01", expires_on="2024-12-06"
        ),
        # c: issued tomorrow
        Credential(person_id="c", level="senior", issued_on="2024-12-07"),
    ]


def tier_of(records: list[Any], as_of: date, **kw: Any) -> dict[str, Any]:
    with supervise.open() as registry:
        registry.add(records)
        return registry.tiers(as_of, **kw).to_dict()


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (AS_OF, {"none": 2, "assistant": 0, "intermediate": 2, "senior": 0, "total": 4}),
        (
            date(2024, 12, 5),
            {"none": 2, "assistant": 1, "intermediate": 0, "senior": 1, "total": 4},
        ),
        # a intermediate; b's intermediate expired on the 6th; c's senior issued on the 7th
        (
            date(2024, 12, 7),
            {"none": 2, "assistant": 0, "intermediate": 1, "senior": 1, "total": 4},
        ),
    ],
)
def test_tiers_count_the_highest_credential_held_on_the_day(
    as_of: date, expected: dict[str, int]
) -> None:
    assert tier_of(people_with_credentials(), as_of) == {
        "as_of": as_of.isoformat(),
        "by": None,
        "groups": {"all": expected},
    }


def test_tiers_group_by_region_prefix() -> None:
    groups = tier_of(people_with_credentials(), AS_OF, by="province")["groups"]
    assert groups == {
        "35": {"none": 1, "assistant": 0, "intermediate": 0, "senior": 0, "total": 1},
        "64": {"none": 0, "assistant": 0, "intermediate": 2, "senior": 0, "total": 2},
        "unknown": {"none": 1, "assistant": 0, "intermediate": 0, "senior": 0, "total": 1},
    }
    assert list(tier_of(people_with_credentials(), AS_OF, by="county")["groups"]) == [
        "350102",
        "640104",
        "640121",
        "unknown",
    ]


def test_tiers_group_by_program_count_a_person_in_each() -> None:
    records = [
        *people_with_credentials(),
        Program(id="p1", name="一"),
        Program(id="p2", name="二"),
        Cohort(id="c1", program_id="p1", name="n", starts_on="2024-01-01", ends_on="2024-02-01"),
        Cohort(id="c2", program_id="p2", name="n", starts_on="2024-01-01", ends_on="2024-02-01"),
        Enrollment(person_id="a", cohort_id="c1", enrolled_on="2024-01-01"),
        Enrollment(person_id="a", cohort_id="c2", enrolled_on="2024-01-01"),
        Enrollment(person_id="b", cohort_id="c2", enrolled_on="2024-12-07"),  # after as_of
    ]
    groups = tier_of(records, AS_OF, by="program")["groups"]
    assert {g: c["total"] for g, c in groups.items()} == {"p1": 1, "p2": 1, "unknown": 3}


def test_tiers_refuse_an_unknown_grouping(registry: supervise.Registry) -> None:
    with pytest.raises(
        ValueError,
        match="unknown grouping 'city'; expected one of province, prefecture, county, program",
    ):
        registry.tiers(AS_OF, by="city")


def test_tiers_of_an_empty_registry(registry: supervise.Registry) -> None:
    assert registry.tiers(AS_OF).to_dict()["groups"] == {
        "all": {"none": 0, "assistant": 0, "intermediate": 0, "senior": 0, "total": 0}
    }


def test_the_seed_articles_outcome_table_is_reproduced(registry: supervise.Registry) -> None:
    ningxia.build(registry)
    assert registry.outcomes(as_of=ningxia.REPORTED_ON).to_dict() == {
        "as_of": "2024-12-06",
        "program": None,
        "cohort": None,
        "enrolled": 60,
        "trained": 60,
        "outcomes": {
            "expert_pool": 18,
            "standard_drafting": 5,
            "senior_review_passed": 3,
            "senior_exam_passed": 1,
            "promotion": 1,
            "completion_certificate": 0,
            "other": 0,
        },
    }


def test_outcomes_of_one_program_or_cohort(registry: supervise.Registry) -> None:
    ningxia.build(registry)
    second = registry.outcomes(program="nx-sup-2024", as_of=ningxia.MID_PROGRAM)
    assert (second.enrolled, second.trained, second.outcomes["expert_pool"]) == (31, 0, 0)
    assert (
        registry.outcomes(cohort=ningxia.FIRST_BATCH, as_of=ningxia.REPORTED_ON).outcomes[
            "expert_pool"
        ]
        == 13
    )
    with pytest.raises(supervise.NotFound, match="Program 'nope' not found"):
        registry.outcomes(program="nope")


def test_outcome_tally_counts_people_once_and_only_up_to_as_of(
    registry: supervise.Registry,
) -> None:
    records: list[Any] = [
        Program(id="p", name="n"),
        *default_phases("p", theory=Requirements(hours=1)),
        Cohort(id="c", program_id="p", name="n", starts_on="2024-01-01", ends_on="2024-02-01"),
        Person(id="a", name="甲"),
        Person(id="x", name="外人"),
        Enrollment(person_id="a", cohort_id="c", enrolled_on="2024-01-01"),
        Outcome(person_id="a", kind="expert_pool", on="2024-03-01"),
        Outcome(person_id="a", kind="expert_pool", on="2024-04-01"),
        Outcome(person_id="a", kind="promotion", on="2024-12-07"),
        Outcome(person_id="x", kind="expert_pool", on="2024-03-01"),
    ]
    registry.add(records)
    tally = registry.outcomes(cohort="c", as_of=AS_OF)
    assert (
        tally.enrolled,
        tally.trained,
        tally.outcomes["expert_pool"],
        tally.outcomes["promotion"],
    ) == (1, 0, 1, 0)


# -- targets ------------------------------------------------------------------------------


SUPERVISORS = Target(
    id="nx",
    name="100 supervisors",
    metric="completed_program",
    goal=100,
    deadline="2027-12-31",
    region="64",
)


def test_the_100_supervisors_target_on_the_report_date(registry: supervise.Registry) -> None:
    ningxia.build(registry)
    status = registry.target_status(SUPERVISORS, ningxia.REPORTED_ON)
    assert status.to_dict() == {
        "id": "nx",
        "name": "100 supervisors",
        "metric": "completed_program",
        "as_of": "2024-12-06",
        "deadline": "2027-12-31",
        "current": 60,
        "goal": 100,
        "remaining": 40,
        "days_left": 1120,
        "pace_needed": 40 / (1120 / (365.25 / 12)),
        "pace_achieved": 31 / 12,
        "projected": "2026-03-22",
        "on_track": True,
    }


@pytest.mark.parametrize(
    ("target", "current"),
    [
        (
            Target(
                id="t",
                name="n",
                metric="completed_program",
                goal=50,
                deadline="2030-01-01",
                program="nx-sup-2022",
            ),
            29,
        ),
        (
            Target(
                id="t",
                name="n",
                metric="credential_at_least",
                goal=50,
                deadline="2030-01-01",
                level="intermediate",
            ),
            42,
        ),
        (
            Target(
                id="t",
                name="n",
                metric="credential_at_least",
                goal=50,
                deadline="2030-01-01",
                level="senior",
                region="6401",
            ),
            3,
        ),
        (
            Target(
                id="t",
                name="n",
                metric="outcome",
                goal=50,
                deadline="2030-01-01",
                outcome="standard_drafting",
            ),
            5,
        ),
        (
            Target(
                id="t",
                name="n",
                metric="completed_program",
                goal=50,
                deadline="2030-01-01",
                region="35",
            ),
            0,
        ),
    ],
)
def test_each_target_metric_counts_people(
    registry: supervise.Registry, target: Target, current: int
) -> None:
    ningxia.build(registry)
    assert registry.target_status(target, ningxia.REPORTED_ON).current == current


def test_zero_pace_projects_nothing_and_is_off_track() -> None:
    status = target_status(SUPERVISORS, current=60, year_ago=60, as_of=AS_OF)
    assert (status.pace_achieved, status.projected, status.on_track) == (0.0, None, False)


def test_a_reached_target_is_on_track_even_past_its_deadline() -> None:
    status = target_status(SUPERVISORS, current=120, year_ago=100, as_of=date(2028, 6, 1))
    assert (status.remaining, status.pace_needed, status.projected, status.on_track) == (
        0,
        None,
        date(2028, 6, 1),
        True,
    )
    assert status.days_left == -153


def test_a_missed_deadline_is_off_track() -> None:
    status = target_status(SUPERVISORS, current=90, year_ago=60, as_of=date(2028, 1, 1))
    assert (status.pace_needed, status.on_track) == (None, False)


def test_pace_window_is_twelve_months() -> None:
    assert year_before(date(2024, 2, 29)) == date(2023, 2, 28)


@settings(max_examples=40, deadline=None)
@given(worlds(max_people=5), days, st.sampled_from([None, "province", "county", "program"]))
def test_tiers_and_targets_agree_with_the_oracle(
    records: list[Any], as_of: date, by: str | None
) -> None:
    targets = [
        Target(id="t", name="n", metric="credential_at_least", goal=3, deadline="2030-12-31",
               level="assistant", region="64"),
        Target(id="u", name="n", metric="completed_program", goal=3, deadline="2030-12-31"),
        Target(id="v", name="n", metric="outcome", goal=3, deadline="2030-12-31",
               outcome="expert_pool", region="6401"),
    ]  # fmt: skip
    with supervise.open() as registry:
        registry.add(records)
        assert registry.tiers(as_of, by).groups == oracle.tiers(records, as_of, by)
        for target in targets:
            now = oracle.target_count(target, records, as_of)
            before = oracle.target_count(target, records, year_before(as_of))
            assert registry.target_status(target, as_of) == target_status(
                target, now, before, as_of
            )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '[[targets]]\nid = "t"\nname = "n"\nmetric = "people"\ngoal = 3\ndeadline = 2027-12-31',
            "'metric' must be in",
        ),
        (
            '[[targets]]\nid = "t"\nname = "n"\nmetric = "outcome"\ngoal = 3\ndeadline = 2027-12-31',
            "target 't': metric outcome needs an outcome",
        ),
        (
            '[[targets]]\nid = "t"\nname = "n"\nmetric = "credential_at_least"\ngoal = 3\ndeadline = 2027-12-31',
            "target 't': metric credential_at_least needs a level",
        ),
        (
            '[[targets]]\nid = "t"\nname = "n"\nmetric = "outcome"\noutcome = "x"\ngoal = 3\ndeadline = 2027-12-31',
            "unknown OutcomeKind 'x'",
        ),
        (
            '[[targets]]\nid = "t"\nname = "n"\nmetric = "outcome"\noutcome = "other"\ngoal = 0\ndeadline = 2027-12-31',
            "goal must be a whole number of at least 1, not 0",
        ),
        (
            '[[targets]]\nid = "t"\nname = "n"\nmetric = "outcome"\noutcome = "other"\ngoal = 3',
            "targets[0]: missing 'deadline'",
        ),
        (
            '[[targets]]\nid = "t"\nname = "n"\nmetric = "outcome"\noutcome = "other"\ngoal = 3\ndeadline = "soon"',
            "'soon' is not a date",
        ),
        (
            '[[targets]]\nid = "t"\nname = "n"\nmetric = "outcome"\noutcome = "other"\ngoal = 3\ndeadline = 2027-12-31\nowner = "x"',
            "targets[0]: unknown key 'owner'",
        ),
        ('title = "x"', "expected one or more [[targets]] tables"),
        ("[[targets]\n", "not valid TOML"),
    ],
)
def test_target_file_errors(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "targets.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(TargetError) as info:
        load_targets(path)
    assert message in str(info.value)
    assert str(info.value).startswith(str(path))


def test_the_example_targets_file_loads() -> None:
    loaded = load_targets(Path(__file__).parent.parent / "examples" / "ningxia-targets.toml")
    assert [t.id for t in loaded] == [
        "nx-supervisors-2027",
        "nx-senior-2027",
        "nx-expert-pool-2027",
    ]
    first = loaded[0]
    assert (first.metric, first.goal, first.deadline, first.region) == (
        "completed_program",
        100,
        date(2027, 12, 31),
        "64",
    )
    assert first.name == "2027年底全区培养本土社会工作督导人才不少于100名"
