from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import date
from typing import Any

import attrs
import pytest
from stdnum.cn import ric

from supervise import InvalidRecord, NationalIdWarning, SuperviseError
from supervise.model import (
    Activity,
    Cohort,
    Credential,
    CredentialLevel,
    Deliverable,
    Enrollment,
    EnrollmentStatus,
    Exemption,
    MentorRole,
    Outcome,
    OutcomeKind,
    Pairing,
    Person,
    PhaseSpec,
    Placement,
    Program,
    Requirements,
    Session,
    SessionForm,
    default_phases,
    phase_label,
)

VALID_ID = "11010519491231002X"


def _with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def activity(**kw: Any) -> Activity:
    fields = {
        "id": "a1",
        "person_id": "p1",
        "cohort_id": "c1",
        "phase": "theory",
        "on": "2024-07-01",
        "hours": 8,
    }
    return Activity(**{**fields, **kw})


def session(**kw: Any) -> Session:
    fields = {
        "id": "s1",
        "mentor_id": "m1",
        "cohort_id": "c1",
        "on": "2024-08-01",
        "minutes": 90,
        "attendees": ["p1"],
    }
    return Session(**{**fields, **kw})


def phase(**kw: Any) -> PhaseSpec:
    return PhaseSpec(**{"program_id": "nx", "key": "theory", "name": "理论学习", "order": 1, **kw})


INVALID: list[tuple[str, Callable[[], Any], str]] = [
    (
        "empty id",
        lambda: Program(id="", name="x"),
        "Program '': id: must be non-empty text (got '')",
    ),
    (
        "blank name",
        lambda: Program(id="p", name="  "),
        "Program 'p': name: must be non-empty text (got '  ')",
    ),
    (
        "sponsor not text",
        lambda: Program(id="p", name="x", sponsor=3),
        "Program 'p': sponsor: must be text (got 3)",
    ),
    (
        "program dates reversed",
        lambda: Program(id="p", name="x", starts_on="2024-09-01", ends_on="2024-07-01"),
        "Program 'p': ends_on: must not be before starts_on 2024-09-01 (got datetime.date(2024, 7, 1))",
    ),
    (
        "bad region",
        lambda: Program(id="p", name="x", region_code="64a"),
        "Program 'p': region_code: must be a region code of 2, 4, 6, 9 or 12 digits (got '64a')",
    ),
    (
        "bad date text",
        lambda: Cohort(
            id="c", program_id="p", name="n", starts_on="2024-02-30", ends_on="2024-03-01"
        ),
        "Cohort 'c': starts_on: '2024-02-30' is not a real date (month 2, day 30) (got '2024-02-30')",
    ),
    (
        "ambiguous date",
        lambda: Cohort(
            id="c", program_id="p", name="n", starts_on="7/1/2024", ends_on="2024-08-01"
        ),
        "Cohort 'c': starts_on: '7/1/2024' is ambiguous",
    ),
    (
        "cohort reversed",
        lambda: Cohort(
            id="c", program_id="p", name="n", starts_on="2024-09-01", ends_on="2024-07-01"
        ),
        "Cohort 'c': ends_on: must not be before starts_on 2024-09-01",
    ),
    (
        "zero hours required",
        lambda: Requirements(hours=0),
        "Requirements: hours: must be greater than 0 (got 0.0)",
    ),
    (
        "zero sessions required",
        lambda: Requirements(sessions=0),
        "Requirements: sessions: must be at least 1 (got 0)",
    ),
    (
        "fractional sessions",
        lambda: Requirements(sessions=1.5),
        "Requirements: sessions: must be a whole number (got 1.5)",
    ),
    (
        "pass score above 100",
        lambda: Requirements(pass_score=101),
        "Requirements: pass_score: must be at least 0 and at most 100 (got 101.0)",
    ),
    (
        "phase order 0",
        lambda: phase(order=0),
        "PhaseSpec ('nx', 'theory'): order: must be at least 1 (got 0)",
    ),
    (
        "phase weight 0",
        lambda: phase(weight=0),
        "PhaseSpec ('nx', 'theory'): weight: must be greater than 0 (got 0.0)",
    ),
    (
        "phase window reversed",
        lambda: phase(starts_on="2024-08-01", due_on="2024-07-01"),
        "PhaseSpec ('nx', 'theory'): due_on: must not be before starts_on 2024-08-01",
    ),
    (
        "requirements not an object",
        lambda: phase(requirements={"hours": 3}),
        "PhaseSpec ('nx', 'theory'): requirements: must be a Requirements object (got {'hours': 3})",
    ),
    (
        "negative hours",
        lambda: activity(hours=-1),
        "Activity 'a1': hours: must be at least 0 and at most 24 (got -1.0)",
    ),
    (
        "25 hours in a day",
        lambda: activity(hours=25),
        "Activity 'a1': hours: must be at least 0 and at most 24 (got 25.0)",
    ),
    (
        "hours as text",
        lambda: activity(hours="3"),
        "Activity 'a1': hours: must be a number (got '3')",
    ),
    (
        "hours as bool",
        lambda: activity(hours=True),
        "Activity 'a1': hours: must be a number (got True)",
    ),
    (
        "hours NaN",
        lambda: activity(hours=float("nan")),
        "Activity 'a1': hours: must be a number (got nan)",
    ),
    (
        "zero minutes",
        lambda: session(minutes=0),
        "Session 's1': minutes: must be at least 1 (got 0)",
    ),
    (
        "no attendees",
        lambda: session(attendees=[]),
        "Session 's1': attendees: must name at least one person (got [])",
    ),
    (
        "attendees as text",
        lambda: session(attendees="p1"),
        "Session 's1': attendees: must be a collection of person ids (got 'p1')",
    ),
    (
        "blank attendee",
        lambda: session(attendees=["p1", " "]),
        "Session 's1': attendees: must hold non-empty person ids (got ' ')",
    ),
    (
        "unknown form",
        lambda: session(form="online"),
        "Session 's1': form: unknown SessionForm 'online'; expected one of individual (个别督导), group (团体督导), peer (同辈督导)",
    ),
    (
        "blank session phase",
        lambda: session(phase=""),
        "Session 's1': phase: must be non-empty text (got '')",
    ),
    (
        "score above 100",
        lambda: Deliverable(
            id="d1",
            person_id="p",
            cohort_id="c",
            phase="case_study",
            title="t",
            submitted_on="2024-11-01",
            score=101,
        ),
        "Deliverable 'd1': score: must be at least 0 and at most 100 (got 101.0)",
    ),
    (
        "unknown enrollment status",
        lambda: Enrollment(
            person_id="p", cohort_id="c", enrolled_on="2024-07-01", status="dropped"
        ),
        "Enrollment ('p', 'c'): status: unknown EnrollmentStatus 'dropped'",
    ),
    (
        "left before enrolled",
        lambda: Enrollment(
            person_id="p", cohort_id="c", enrolled_on="2024-07-01", left_on="2024-06-01"
        ),
        "Enrollment ('p', 'c'): left_on: must not be before enrolled_on 2024-07-01",
    ),
    (
        "mentor capacity 0",
        lambda: MentorRole(person_id="m", cohort_id="c", capacity=0),
        "MentorRole ('m', 'c'): capacity: must be at least 1 (got 0)",
    ),
    (
        "pairing reversed",
        lambda: Pairing(
            mentor_id="m",
            trainee_id="t",
            cohort_id="c",
            starts_on="2024-08-01",
            ends_on="2024-07-01",
        ),
        "Pairing ('m', 't', 'c', datetime.date(2024, 8, 1)): ends_on: must not be before starts_on 2024-08-01",
    ),
    (
        "placement reversed",
        lambda: Placement(
            person_id="p", cohort_id="c", station="s", starts_on="2024-08-01", ends_on="2024-07-01"
        ),
        "ends_on: must not be before starts_on 2024-08-01",
    ),
    (
        "exemption date",
        lambda: Exemption(person_id="p", cohort_id="c", phase="theory", granted_on="yesterday"),
        "Exemption ('p', 'c', 'theory'): granted_on: 'yesterday' is not a date",
    ),
    (
        "unknown credential level",
        lambda: Credential(person_id="p", level="expert", issued_on="2020-01-01"),
        "Credential ('p', …): level: unknown CredentialLevel 'expert'; expected one of assistant (助理社会工作师), "
        "intermediate (社会工作师), senior (高级社会工作师)",
    ),
    (
        "credential expires before issued",
        lambda: Credential(
            person_id="p", level="senior", issued_on="2020-01-01", expires_on="2019-01-01"
        ),
        "expires_on: must not be before issued_on 2020-01-01",
    ),
    (
        "unknown outcome",
        lambda: Outcome(person_id="p", kind="award", on="2024-01-01"),
        "Outcome ('p', …): kind: unknown OutcomeKind 'award'",
    ),
    (
        "national id checksum",
        lambda: Person(id="p", name="n", national_id="110105194912310021"),
        "Person 'p': national_id: national ID 110105********0021 has a wrong check digit (got '110105********0021')",
    ),
    (
        "national id length",
        lambda: Person(id="p", name="n", national_id="11010519491231002"),
        "Person 'p': national_id: national ID 110************02 must have 18 characters, not 17",
    ),
    (
        "national id letters",
        lambda: Person(id="p", name="n", national_id="1101051949123100AX"),
        "Person 'p': national_id: national ID 110105********00AX must be 17 digits and a digit or X",
    ),
    (
        "national id birth date",
        lambda: Person(id="p", name="n", national_id=_with_check_digit("11010519491331002")),
        "Person 'p': national_id: national ID 110105********0021 has an impossible birth date",
    ),
    (
        "national id not text",
        lambda: Person(id="p", name="n", national_id=110105194912310020),
        "Person 'p': national_id: must be text (got '<not text>')",
    ),
    (
        "phone too short",
        lambda: Person(id="p", name="n", phone="12345"),
        "Person 'p': phone: phone ***** must have 7 to 15 digits",
    ),
    (
        "phone letters",
        lambda: Person(id="p", name="n", phone="138-abcd-5678"),
        "phone 138****5678 must have 7 to 15 digits",
    ),
    (
        "unknown gender",
        lambda: Person(id="p", name="n", gender="x"),
        "Person 'p': gender: unknown Gender 'x'",
    ),
]


@pytest.mark.parametrize(("case", "build", "message"), INVALID, ids=[c[0] for c in INVALID])
def test_invalid_records_are_refused_with_record_field_and_value(
    case: str, build: Callable[[], Any], message: str
) -> None:
    with pytest.raises(InvalidRecord) as info:
        build()
    assert message in str(info.value)
    assert isinstance(info.value, SuperviseError)
    assert isinstance(info.value, ValueError)


def test_invalid_national_id_never_appears_unmasked_in_the_error() -> None:
    with pytest.raises(InvalidRecord) as info:
        Person(id="p", name="n", national_id="110105194912310021")
    assert "110105194912310021" not in str(info.value)
    assert "110105194912310021" not in repr(info.value.value)


def test_national_id_with_an_anachronistic_location_code_warns_but_is_accepted() -> None:
    number = "640104198001010013"  # 兴庆区 (640104) was created in 2002; born 1980
    with pytest.warns(
        NationalIdWarning, match="location code 640104 is unknown for birth year 1980"
    ):
        person = Person(id="p", name="n", national_id=number)
    assert person.national_id == number


def test_national_id_is_normalised_to_upper_case_x() -> None:
    assert Person(id="p", name="n", national_id=" 11010519491231002x ").national_id == VALID_ID


def test_phone_is_normalised() -> None:
    assert Person(id="p", name="n", phone="138 1234-5678").phone == "13812345678"


def test_person_repr_and_str_mask_national_id_and_phone() -> None:
    person = Person(id="p1", name="马丽", national_id=VALID_ID, phone="13812345678")
    for text in (repr(person), str(person)):
        assert "110105********002X" in text
        assert "138****5678" in text
        assert VALID_ID not in text
        assert "13812345678" not in text
    assert "national_id=None" in repr(Person(id="p2", name="n"))


def test_records_accept_chinese_dates_and_labels() -> None:
    s = session(on="2024年8月1日", form="团体督导")
    assert s.on == date(2024, 8, 1)
    assert s.form is SessionForm.GROUP
    assert (
        Credential(person_id="p", level="高级社会工作师", issued_on="2020.1.1").level
        is CredentialLevel.SENIOR
    )


def test_records_are_frozen_and_hashable() -> None:
    a = activity()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        a.hours = 3  # type: ignore[misc]
    assert {a, activity()} == {a}


def test_session_defaults_to_accompanied_supervision_and_individual_form() -> None:
    s = session()
    assert s.phase == "accompanied_supervision"
    assert s.form is SessionForm.INDIVIDUAL
    assert s.attendees == frozenset({"p1"})


def test_enrollment_defaults_to_active() -> None:
    assert (
        Enrollment(person_id="p", cohort_id="c", enrolled_on="2024-07-01").status
        is EnrollmentStatus.ACTIVE
    )


def test_default_phase_catalogue_is_ningxias_five_phases() -> None:
    phases = default_phases("nx", theory=Requirements(hours=40))
    assert [(p.key, p.name, p.order) for p in phases] == [
        ("theory", "理论学习", 1),
        ("training", "业务培训", 2),
        ("practicum", "实践教学", 3),
        ("accompanied_supervision", "陪伴督导", 4),
        ("case_study", "案例研究", 5),
    ]
    assert phases[0].requirements.hours == 40
    assert phases[1].requirements == Requirements()


def test_default_phases_refuse_an_unknown_key() -> None:
    with pytest.raises(ValueError, match="unknown default phase 'theroy'"):
        default_phases("nx", theroy=Requirements(hours=40))


def test_requirements_set_lists_only_requirements_that_are_set() -> None:
    assert Requirements(hours=24, sessions=6, min_session_minutes=60, pass_score=80).set() == {
        "hours": 24,
        "sessions": 6,
    }
    assert Requirements().set() == {}


@pytest.mark.parametrize(
    ("phase_or_key", "lang", "label"),
    [
        ("accompanied_supervision", "zh", "陪伴督导"),
        ("accompanied_supervision", "en", "accompanied supervision"),
        ("topic_research", "en", "topic research"),
        ("topic_research", "zh", "topic_research"),
        (
            PhaseSpec(program_id="a", key="topic_research", name="课题研究", order=1),
            "zh",
            "课题研究",
        ),
    ],
)
def test_phase_label(phase_or_key: Any, lang: str, label: str) -> None:
    assert phase_label(phase_or_key, lang) == label


def test_vocabularies_carry_chinese_labels_and_rank() -> None:
    assert OutcomeKind.EXPERT_POOL.zh == "入选人才专家库"
    assert OutcomeKind.EXPERT_POOL.en == "expert pool"
    assert [lvl.rank for lvl in CredentialLevel] == [1, 2, 3]
    assert CredentialLevel.parse(" Senior ") is CredentialLevel.SENIOR


def test_valid_records_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Person(id="p", name="n", national_id=VALID_ID)
