"""The Ningxia supervisor program: the model case, as example data.

Since June 2022 Ningxia has run two batches of its "small team" program for social-work
supervision-and-evaluation talent (社会工作督导评估人才"小团队"培养项目): the first batch of
29 trainees in 2022, the second of 31 trainees over July to November 2024, each through theory
study, professional training, practicum, accompanied supervision and a case study. Teaching came
from universities (中山大学, 兰州大学, 宁夏大学, 甘肃政法大学, 兰州财经大学) and the
cross-provincial 闽宁社工人才"牵手计划"; 60 township social-work stations hosted the
supervision internships. By 6 December 2024: 18 in the regional expert pool, 5 drafting local
standards, 3 through the senior social worker review, 1 through the senior exam, 1 promoted.

The people, scores and dates below are invented, deterministically (a seeded generator), to
fit those published figures. The second batch also shows what a provincial system meets day
to day: group sessions beyond the cap of the accompanied-supervision phase, a few records
awaiting a mentor's sign-off and one rejected, and the continuing education its certified
trainees owe per registration cycle. :func:`records` returns every record; :func:`build`
writes them to a registry.

>>> import supervise
>>> from supervise.demo import ningxia
>>> registry = supervise.open()
>>> _ = ningxia.build(registry)
>>> registry.counts()["enrollments"]
60
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from stdnum.cn import ric

from supervise.model import (
    Activity,
    Cohort,
    ContinuingEducation,
    Credential,
    CredentialLevel,
    Deliverable,
    Enrollment,
    EnrollmentStatus,
    Exemption,
    Gender,
    MentorKind,
    MentorRole,
    Outcome,
    OutcomeKind,
    Pairing,
    Person,
    PhaseSpec,
    Placement,
    Program,
    RecordState,
    Requirements,
    Session,
    SessionForm,
)

__all__ = [
    "FIRST_BATCH",
    "MID_PROGRAM",
    "PROGRAMS",
    "REPORTED_ON",
    "SECOND_BATCH",
    "build",
    "records",
]

#: Cohort ids of the two batches.
FIRST_BATCH = "nx-2022-b1"
SECOND_BATCH = "nx-2024-b2"
#: Program ids, by batch.
PROGRAMS = {FIRST_BATCH: "nx-sup-2022", SECOND_BATCH: "nx-sup-2024"}
#: A date in the middle of the second batch, for a "how far along are we" view.
MID_PROGRAM = date(2024, 10, 15)
#: The day the outcomes were reported (宁夏日报, 6 December).
REPORTED_ON = date(2024, 12, 6)

_SEED = 2024
_SPONSOR = "宁夏回族自治区民政厅"
_SURNAMES = "王李张刘陈杨马丁金海赵周吴徐孙朱何罗高田郭白苏冯韩沙"
_GIVEN = "静丽娟霞燕敏婷芳红梅军伟强磊刚勇涛明华建平文斌海洋晓雪春兰玉凤国庆志"
_BIRTH_CODES = ("640121", "640122", "640221", "640102", "640111", "640202")
_WORK_REGIONS = ("640104", "640105", "640106", "640121", "640122", "640181")
_STATIONS = {
    "640104": [
        "丽景街道",
        "前进街道",
        "胜利街道",
        "凤凰北街街道",
        "大新镇",
        "掌政镇",
        "通贵乡",
        "月牙湖乡",
        "玉皇阁北街街道",
        "解放西街街道",
    ],
    "640105": [
        "贺兰山西路街道",
        "文昌路街道",
        "北京西路街道",
        "宁华路街道",
        "朔方路街道",
        "兴泾镇",
        "镇北堡镇",
        "怀远路街道",
        "同心路街道",
        "宝湖路街道",
    ],
    "640106": [
        "满城北街街道",
        "黄河东路街道",
        "长城中路街道",
        "上海西路街道",
        "良田镇",
        "丰登镇",
        "阅海街道",
        "宝湖街道",
        "银湖街道",
        "北京中路街道",
    ],
    "640121": [
        "杨和镇",
        "李俊镇",
        "望远镇",
        "望洪镇",
        "闽宁镇",
        "胜利乡",
        "团结西路街道",
        "城关镇",
        "增岗镇",
        "黄羊滩镇",
    ],
    "640122": [
        "习岗镇",
        "金贵镇",
        "立岗镇",
        "洪广镇",
        "常信乡",
        "暖泉镇",
        "南梁台子",
        "富兴街街道",
        "德胜镇",
        "京星镇",
    ],
    "640181": [
        "城区街道",
        "东塔镇",
        "郝家桥镇",
        "崇兴镇",
        "宁东镇",
        "马家滩镇",
        "临河镇",
        "梧桐树乡",
        "白土岗乡",
        "北门街道",
    ],
}

# Phase windows and requirements of each batch: key, name, start, due, requirements.
_PHASES: dict[str, list[tuple[str, str, date, date, Requirements]]] = {
    FIRST_BATCH: [
        ("theory", "理论学习", date(2022, 6, 15), date(2022, 7, 15), Requirements(hours=40)),
        (
            "training",
            "业务培训",
            date(2022, 7, 1),
            date(2022, 8, 15),
            Requirements(hours=32, days=4),
        ),
        (
            "practicum",
            "实践教学",
            date(2022, 8, 1),
            date(2022, 9, 30),
            Requirements(hours=60, days=10),
        ),
        (
            "accompanied_supervision",
            "陪伴督导",
            date(2022, 9, 1),
            date(2022, 11, 30),
            Requirements(hours=24, sessions=6, min_session_minutes=60),
        ),
        (
            "case_study",
            "案例研究",
            date(2022, 11, 1),
            date(2022, 12, 31),
            Requirements(deliverables=1, pass_score=80),
        ),
    ],
    SECOND_BATCH: [
        ("theory", "理论学习", date(2024, 7, 1), date(2024, 7, 31), Requirements(hours=40)),
        (
            "training",
            "业务培训",
            date(2024, 7, 15),
            date(2024, 8, 31),
            Requirements(hours=32, days=4),
        ),
        (
            "practicum",
            "实践教学",
            date(2024, 8, 1),
            date(2024, 9, 30),
            Requirements(hours=60, days=10),
        ),
        (
            "accompanied_supervision",
            "陪伴督导",
            date(2024, 8, 15),
            date(2024, 10, 31),
            # Group sessions count for at most 6 of the 6 sessions: the rest may be individual.
            Requirements(hours=24, sessions=6, min_session_minutes=60, max_group_sessions=6),
        ),
        (
            "case_study",
            "案例研究",
            date(2024, 10, 1),
            date(2024, 11, 30),
            Requirements(deliverables=1, pass_score=80),
        ),
    ],
}
_COHORTS = {
    FIRST_BATCH: ("第一批", date(2022, 6, 15), date(2022, 12, 31), 29),
    SECOND_BATCH: ("第二批", date(2024, 7, 1), date(2024, 11, 30), 31),
}
# Mentors of each batch: kind, affiliation, capacity.
_MENTORS: list[tuple[MentorKind, str, int]] = [
    (MentorKind.UNIVERSITY, "中山大学", 4),
    (MentorKind.UNIVERSITY, "兰州大学", 4),
    (MentorKind.UNIVERSITY, "宁夏大学", 4),
    (MentorKind.UNIVERSITY, "宁夏大学", 3),
    (MentorKind.UNIVERSITY, "甘肃政法大学", 3),
    (MentorKind.UNIVERSITY, "兰州财经大学", 3),
    (MentorKind.EXTERNAL, "闽宁社工人才“牵手计划”（福建）", 4),
    (MentorKind.EXTERNAL, "闽宁社工人才“牵手计划”（福建）", 3),
    (MentorKind.PRACTITIONER, "银川市社会工作协会", 3),
]
# Published outcomes of the 60 trainees: kind, how many, detail.
_OUTCOMES = [
    (OutcomeKind.EXPERT_POOL, 18, "经评审进入全区社会工作人才专家库"),
    (OutcomeKind.STANDARD_DRAFTING, 5, "参与宁夏地方标准起草、调研、论证"),
    (OutcomeKind.SENIOR_REVIEW_PASSED, 3, "通过全国高级社会工作师评审"),
    (OutcomeKind.SENIOR_EXAM_PASSED, 1, "通过全国高级社会工作者职业水平考试"),
    (OutcomeKind.PROMOTION, 1, "由社区党支部书记录用为乡镇公务员"),
]


def records() -> list[Any]:
    """Every record of the Ningxia example, parents first, the same on every call."""
    rng = random.Random(_SEED)
    out: list[Any] = []
    stations = iter(
        (region, f"{_district(region)}{town}社工站")
        for i in range(10)
        for region in _WORK_REGIONS
        for town in [_STATIONS[region][i]]
    )
    names = _names(rng)
    trainees: dict[str, list[Person]] = {}
    for cohort_id, program_id in PROGRAMS.items():
        out.extend(_program(cohort_id, program_id))
        people = [
            _person(rng, next(names), f"t{cohort_id[3:7]}-{n:02d}")
            for n in range(1, _COHORTS[cohort_id][3] + 1)
        ]
        trainees[cohort_id] = people
        mentors = [
            _mentor(rng, next(names), f"m{cohort_id[3:7]}-{n}", spec)
            for n, spec in enumerate(_MENTORS, 1)
        ]
        out.extend(people)
        out.extend(person for person, _ in mentors)
        out.extend(_cohort_records(rng, cohort_id, people, mentors, stations))
    everyone = [p for group in trainees.values() for p in group]
    out.extend(_credentials(rng, everyone))
    out.extend(_outcomes(rng, trainees))
    out.extend(_sign_off_examples(trainees[SECOND_BATCH]))
    held = [c for c in out if isinstance(c, Credential)]
    out.extend(_continuing_education(random.Random(_SEED + 13), held))
    return out


def build(registry: Any) -> dict[str, int]:
    """Write the example into ``registry`` (a :class:`~supervise.Registry`); returns the
    rows written per table."""
    result: dict[str, int] = registry.add(records())
    return result


# -- people ---------------------------------------------------------------------------------


def _names(rng: random.Random) -> Iterator[str]:
    seen: set[str] = set()
    while True:
        name = rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, rng.choice((1, 2))))
        if name not in seen:
            seen.add(name)
            yield name


def _national_id(rng: random.Random, born: date, female: bool) -> str:
    """A valid number whose location code existed in the birth year (no warning)."""
    while True:
        serial = rng.randrange(0, 500) * 2 + (0 if female else 1)
        body = f"{rng.choice(_BIRTH_CODES)}{born:%Y%m%d}{serial:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if ric.is_valid(number):
            return number


def _person(
    rng: random.Random,
    name: str,
    person_id: str,
    region: str | None = None,
    organization: str | None = None,
    practicing_from: range = range(2008, 2020),
) -> Person:
    born = date(1978, 1, 1) + timedelta(days=rng.randrange(0, 16 * 365))
    female = rng.random() < 0.62  # social work in Ningxia: mostly women
    region = region or rng.choice(_WORK_REGIONS)
    return Person(
        id=person_id,
        name=name,
        national_id=_national_id(rng, born, female),
        phone=f"1{rng.choice('3589')}{rng.randrange(0, 10**9):09d}",
        gender=Gender.FEMALE if female else Gender.MALE,
        region_code=region,
        organization=organization or f"{_district(region)}社会工作服务中心",
        practice_since=date(rng.choice(practicing_from), rng.randrange(1, 13), 1),
    )


def _mentor(
    rng: random.Random, name: str, person_id: str, spec: tuple[MentorKind, str, int]
) -> tuple[Person, tuple[MentorKind, str, int]]:
    kind, affiliation, _ = spec
    region = "350102" if kind is MentorKind.EXTERNAL else "640104"
    return _person(rng, name, person_id, region, affiliation, range(1998, 2010)), spec


def _district(region: str) -> str:
    return {
        "640104": "兴庆区",
        "640105": "西夏区",
        "640106": "金凤区",
        "640121": "永宁县",
        "640122": "贺兰县",
        "640181": "灵武市",
    }[region]


# -- programs and cohorts -------------------------------------------------------------------


def _program(cohort_id: str, program_id: str) -> list[Any]:
    name, starts, ends, _ = _COHORTS[cohort_id]
    return [
        Program(
            id=program_id,
            name=f"宁夏{name}社会工作督导评估人才“小团队”培养项目",
            region_code="64",
            sponsor=_SPONSOR,
            starts_on=starts,
            ends_on=ends,
        ),
        *(
            PhaseSpec(
                program_id=program_id,
                key=key,
                name=zh,
                order=n,
                starts_on=start,
                due_on=due,
                requirements=req,
                weight=2.0 if key == "case_study" else 1.0,
            )
            for n, (key, zh, start, due, req) in enumerate(_PHASES[cohort_id], start=1)
        ),
        Cohort(id=cohort_id, program_id=program_id, name=name, starts_on=starts, ends_on=ends),
    ]


def _cohort_records(
    rng: random.Random,
    cohort_id: str,
    trainees: list[Person],
    mentors: list[tuple[Person, tuple[MentorKind, str, int]]],
    stations: Iterator[tuple[str, str]],
) -> Iterator[Any]:
    _, starts, ends, _ = _COHORTS[cohort_id]
    phases = {key: (start, due) for key, _, start, due, _ in _PHASES[cohort_id]}
    finished = cohort_id == FIRST_BATCH
    status = EnrollmentStatus.COMPLETED if finished else EnrollmentStatus.ACTIVE
    for person in trainees:
        yield Enrollment(
            person_id=person.id, cohort_id=cohort_id, enrolled_on=starts, status=status
        )
    groups: dict[str, list[Person]] = {}
    queue = list(trainees)
    for mentor, (kind, affiliation, capacity) in mentors:
        yield MentorRole(
            person_id=mentor.id,
            cohort_id=cohort_id,
            kind=kind,
            affiliation=affiliation,
            capacity=capacity,
        )
        taken, queue = queue[:capacity], queue[capacity:]
        groups[mentor.id] = taken
        for trainee in taken:
            yield Pairing(
                mentor_id=mentor.id,
                trainee_id=trainee.id,
                cohort_id=cohort_id,
                starts_on=phases["practicum"][0],
                ends_on=ends,
            )
    # Two trainees of the second batch studied theory in Sichuan's program: recognised (互认).
    exempt = {trainees[4].id, trainees[17].id} if not finished else set()
    late = {t.id for t in rng.sample(trainees, 5)}  # these do their practicum weeks late
    for n, person in enumerate(trainees):
        region, station = next(stations)
        start, due = phases["practicum"]
        yield Placement(
            person_id=person.id,
            cohort_id=cohort_id,
            station=station,
            region_code=region,
            starts_on=start,
            ends_on=due + timedelta(days=30 if person.id in late else 0),
        )
        if person.id in exempt:
            yield Exemption(
                person_id=person.id,
                cohort_id=cohort_id,
                phase="theory",
                granted_on=starts,
                reason="已完成同等内容培训",
                source="四川省社会工作督导人才培训（川渝互认）",
            )
        yield from _activities(
            rng, cohort_id, person, phases, person.id in exempt, person.id in late, n
        )
        yield from _deliverables(rng, cohort_id, person, phases, mentors, n)
    yield from _sessions(rng, cohort_id, groups, phases)


def _days(rng: random.Random, start: date, end: date, count: int) -> list[date]:
    span = (end - start).days + 1
    return sorted(start + timedelta(days=d) for d in rng.sample(range(span), count))


def _activities(
    rng: random.Random,
    cohort_id: str,
    person: Person,
    phases: dict[str, tuple[date, date]],
    exempt: bool,
    late: bool,
    n: int,
) -> Iterator[Activity]:
    plan = {  # phase: (days, hours per day)
        "theory": (5, 8.0),
        "training": (4, 8.0),
        "practicum": (10, 6.0),
        "accompanied_supervision": (6, 4.0),
    }
    for phase, (days, hours) in plan.items():
        if phase == "theory" and exempt:
            continue
        start, due = phases[phase]
        if late and phase == "practicum":  # started late, finished a month after the due date
            start, due = due - timedelta(days=14), due + timedelta(days=28)
        for k, on in enumerate(_days(rng, start, due - timedelta(days=3), days), start=1):
            yield Activity(
                id=f"{cohort_id}-a-{person.id}-{phase[:4]}-{k}",
                person_id=person.id,
                cohort_id=cohort_id,
                phase=phase,
                on=on,
                hours=hours,
                note={
                    "theory": "集中授课",
                    "training": "业务培训",
                    "practicum": "社工站实践",
                    "accompanied_supervision": "陪伴督导见习",
                }[phase],
            )


def _deliverables(
    rng: random.Random,
    cohort_id: str,
    person: Person,
    phases: dict[str, tuple[date, date]],
    mentors: list[tuple[Person, tuple[MentorKind, str, int]]],
    n: int,
) -> Iterator[Deliverable]:
    due = phases["case_study"][1]
    reviewer = mentors[n % len(mentors)][0].id
    score = rng.choice([78, 82, 84, 85, 86, 87, 88, 90, 91, 93])
    first_on = due - timedelta(days=rng.randrange(18, 30))
    yield Deliverable(
        id=f"{cohort_id}-d-{person.id}-1",
        person_id=person.id,
        cohort_id=cohort_id,
        phase="case_study",
        title="社区督导个案研究报告",
        submitted_on=first_on,
        score=score,
        reviewer_id=reviewer,
    )
    if score < 80:  # below the pass score: revised and resubmitted
        yield Deliverable(
            id=f"{cohort_id}-d-{person.id}-2",
            person_id=person.id,
            cohort_id=cohort_id,
            phase="case_study",
            title="社区督导个案研究报告（修改稿）",
            submitted_on=first_on + timedelta(days=12),
            score=83,
            reviewer_id=reviewer,
        )


def _sessions(
    rng: random.Random,
    cohort_id: str,
    groups: dict[str, list[Person]],
    phases: dict[str, tuple[date, date]],
) -> Iterator[Session]:
    start, due = phases["accompanied_supervision"]
    for mentor_id, trainees in groups.items():
        if not trainees:
            continue
        for k, on in enumerate(_days(rng, start, due - timedelta(days=2), 7), start=1):
            short = k == 3  # one session a group cut short: it does not count
            yield Session(
                id=f"{cohort_id}-s-{mentor_id}-{k}",
                mentor_id=mentor_id,
                cohort_id=cohort_id,
                on=on,
                minutes=45 if short else rng.choice((90, 120)),
                form=SessionForm.GROUP if len(trainees) > 1 else SessionForm.INDIVIDUAL,
                attendees=frozenset(t.id for t in trainees),
                signed_by=mentor_id,
                signed_on=on + timedelta(days=1),
            )
        yield Session(  # one individual session with the first trainee of the group
            id=f"{cohort_id}-s-{mentor_id}-i",
            mentor_id=mentor_id,
            cohort_id=cohort_id,
            on=due - timedelta(days=1),
            minutes=60,
            form=SessionForm.INDIVIDUAL,
            attendees=frozenset({trainees[0].id}),
            signed_by=mentor_id,
            signed_on=due,
        )


# -- sign-off -------------------------------------------------------------------------------

# The second batch's mentor m2024-8 held two more group sessions than the phase counts: the
# cap (6) leaves their trainees' count as it was.
_EXTRA_GROUP_SESSIONS = (date(2024, 10, 8), date(2024, 10, 12))
# Records awaiting sign-off (they do not count: the program leaves pending_counts false) and
# one rejected (a theory day entered twice).
_AWAITING = (("t2024-05", date(2024, 10, 12)), ("t2024-14", date(2024, 10, 13)))
_REJECTED = ("t2024-07", date(2024, 7, 20))


def _sign_off_examples(trainees: list[Person]) -> Iterator[Any]:
    """The second batch's capped, awaiting and rejected records (no random numbers drawn,
    so every other record stays as it was)."""
    cohort = SECOND_BATCH
    group = [t.id for t in trainees[25:28]]  # m2024-8's trainees (capacities 4,4,4,3,3,3,4)
    for k, on in enumerate(_EXTRA_GROUP_SESSIONS, start=1):
        yield Session(
            id=f"{cohort}-s-m2024-8-x{k}",
            mentor_id="m2024-8",
            cohort_id=cohort,
            on=on,
            minutes=90,
            form=SessionForm.GROUP,
            attendees=frozenset(group),
            signed_by="m2024-8",
            signed_on=on + timedelta(days=1),
        )
    for person, on in _AWAITING:
        yield Activity(
            id=f"{cohort}-a-{person}-acco-late",
            person_id=person,
            cohort_id=cohort,
            phase="accompanied_supervision",
            on=on,
            hours=3.0,
            note="陪伴督导见习（补录，待导师确认）",
            state=RecordState.SUBMITTED,
        )
    person, on = _REJECTED
    yield Activity(
        id=f"{cohort}-a-{person}-theo-dup",
        person_id=person,
        cohort_id=cohort,
        phase="theory",
        on=on,
        hours=8.0,
        note="集中授课（重复登记）",
        state=RecordState.REJECTED,
        signed_by="m2024-2",
        signed_on=on + timedelta(days=5),
    )


# -- credentials and outcomes ---------------------------------------------------------------


def _credentials(rng: random.Random, trainees: list[Person]) -> Iterator[Credential]:
    for person in trainees:
        assert person.practice_since is not None
        roll = rng.random()
        first = person.practice_since + timedelta(days=rng.randrange(365, 4 * 365))
        if roll < 0.08:
            continue  # no certificate yet
        yield Credential(
            person_id=person.id,
            level=CredentialLevel.ASSISTANT,
            certificate_no=f"ZL{first:%Y}{rng.randrange(10**6):06d}",
            issued_on=first,
            issuer="人力资源和社会保障部、民政部",
            region_code="64",
            registered_on=first + timedelta(days=30),
        )
        if roll < 0.35:
            continue
        second = first + timedelta(days=rng.randrange(2 * 365, 5 * 365))
        issued = min(second, date(2024, 6, 30))
        yield Credential(
            person_id=person.id,
            level=CredentialLevel.INTERMEDIATE,
            certificate_no=f"ZJ{second:%Y}{rng.randrange(10**6):06d}",
            issued_on=issued,
            issuer="人力资源和社会保障部、民政部",
            region_code="64",
            registered_on=issued + timedelta(days=30),
        )


def _outcomes(rng: random.Random, trainees: dict[str, list[Person]]) -> Iterator[Any]:
    first, second = trainees[FIRST_BATCH], trainees[SECOND_BATCH]
    pool = rng.sample(first, 13) + rng.sample(second, 5)
    dated = {FIRST_BATCH: date(2023, 6, 20), SECOND_BATCH: date(2024, 12, 2)}
    batch_of = {p.id: c for c, group in trainees.items() for p in group}
    chosen = {
        OutcomeKind.EXPERT_POOL: pool,
        OutcomeKind.STANDARD_DRAFTING: [*rng.sample(pool[:13], 4), pool[14]],
        OutcomeKind.SENIOR_REVIEW_PASSED: pool[:3],
        OutcomeKind.SENIOR_EXAM_PASSED: [pool[3]],
        OutcomeKind.PROMOTION: [rng.choice(first[13:])] if pool else [],
    }
    for kind, count, detail in _OUTCOMES:
        people = chosen[kind]
        assert len(people) == count, (kind, len(people))
        for k, person in enumerate(people):
            on = dated[batch_of[person.id]]
            if kind is OutcomeKind.STANDARD_DRAFTING:
                on = date(2024, 3, 1) + timedelta(days=30 * k)
            elif kind in (OutcomeKind.SENIOR_REVIEW_PASSED, OutcomeKind.SENIOR_EXAM_PASSED):
                on = date(2024, 9, 20)
            elif kind is OutcomeKind.PROMOTION:
                on = date(2024, 5, 10)
            yield Outcome(person_id=person.id, kind=kind, on=on, detail=detail)
            if kind is OutcomeKind.SENIOR_REVIEW_PASSED:  # the review confers the senior title
                yield Credential(
                    person_id=person.id,
                    level=CredentialLevel.SENIOR,
                    certificate_no=f"GJ2024{k + 1:04d}",
                    issued_on=date(2024, 11, 1),
                    issuer="宁夏回族自治区人力资源和社会保障厅",
                    region_code="64",
                    registered_on=date(2024, 11, 15),
                )


# -- continuing education ---------------------------------------------------------------------

_PROVIDERS = (
    ("宁夏社会工作协会", "专业课程"),
    ("宁夏大学社会工作系", "专题讲座"),
    ("民政部社会工作继续教育平台", "网络课程"),
    ("银川市社会工作协会", "督导实务研讨"),
)


def _continuing_education(rng: random.Random, held: list[Credential]) -> Iterator[Any]:
    """Courses each certified person took from 2020 (or their registration) to June 2025:
    mostly enough for a three-year cycle, some short (their own generator, so the records
    above do not change)."""
    first: dict[str, date] = {}
    for credential in held:
        registered = credential.registered_on or credential.issued_on
        first[credential.person_id] = min(first.get(credential.person_id, registered), registered)
    for person, since in sorted(first.items()):
        keen = rng.random()  # how much of the requirement this person keeps up with
        start = max(since, date(2020, 1, 1))  # what an office has on record
        day, n = start + timedelta(days=rng.randrange(20, 120)), 0
        while day <= date(2025, 6, 1):
            provider, category = rng.choice(_PROVIDERS)
            n += 1
            yield ContinuingEducation(
                id=f"ce-{person}-{n:03d}",
                person_id=person,
                on=day,
                hours=rng.choice((6.0, 8.0, 12.0, 16.0)),
                provider=provider,
                category=category,
            )
            day += timedelta(days=int(rng.randrange(60, 120) / (0.5 + keen)))
