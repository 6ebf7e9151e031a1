"""Hypothesis strategies for every model class, and for whole consistent registries.

``worlds()`` draws a list of records whose references all resolve (people enrolled before they
have activities, mentors with a role before they lead sessions, phases of the right program),
so it can be written to a registry as is.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import attrs
from hypothesis import strategies as st
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

ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=8)
#: Every character the model stores in free text: anything but lone surrogates, control
#: characters other than tab and line breaks, and bidirectional overrides.
TEXT_CHARACTERS = st.characters(
    exclude_categories=("Cs", "Cc"),
    include_characters="\t\n\r",
    exclude_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
)
texts = st.text(TEXT_CHARACTERS, min_size=1, max_size=12).filter(lambda s: s.strip() != "")
optional_texts = st.none() | texts
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))
regions = st.none() | st.sampled_from(["64", "6401", "640104", "640121", "350102", "34"])
scores = st.none() | st.integers(0, 100).map(float) | st.floats(0, 100, allow_nan=False)
hours = st.floats(0, 24, allow_nan=False) | st.integers(0, 24).map(float)
PHASE_KEYS = [
    "theory",
    "training",
    "practicum",
    "accompanied_supervision",
    "case_study",
    "topic_research",
    "lesson_design",
]
# Location codes valid for every birth year drawn below (no NationalIdWarning).
_BIRTH_CODES = ["640121", "640122", "640221", "350121", "152921"]


@st.composite
def national_ids(draw: st.DrawFn) -> str:
    """Valid 18-digit national ID numbers (checksum and location code right)."""
    born = draw(st.dates(min_value=date(1960, 1, 1), max_value=date(2000, 12, 31)))
    body = f"{draw(st.sampled_from(_BIRTH_CODES))}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return body + ric.calc_check_digit(body + "0")


phones = st.integers(13000000000, 19999999999).map(str)


@st.composite
def windows(draw: st.DrawFn, near: date | None = None) -> tuple[date | None, date | None]:
    start = draw(st.none() | (days if near is None else _near(near)))
    if start is None:
        return None, draw(st.none() | days)
    return start, draw(st.none() | st.integers(0, 120).map(lambda n: start + timedelta(days=n)))


requirements = st.builds(
    Requirements,
    hours=st.none() | st.integers(1, 60).map(float),
    sessions=st.none() | st.integers(1, 8),
    min_session_minutes=st.none() | st.sampled_from([30, 60, 90]),
    days=st.none() | st.integers(1, 10),
    deliverables=st.none() | st.integers(1, 2),
    pass_score=st.none() | st.sampled_from([60.0, 80.0, 85.5]),
    max_group_sessions=st.none() | st.integers(0, 3),
)
# Sign-off states, most records confirmed as in real registries.
states = st.sampled_from(
    [RecordState.CONFIRMED, RecordState.CONFIRMED, RecordState.SUBMITTED, RecordState.REJECTED]
)


@st.composite
def people(draw: st.DrawFn, person_id: str | None = None) -> Person:
    return Person(
        id=person_id or draw(ids),
        name=draw(texts),
        national_id=draw(st.none() | national_ids()),
        phone=draw(st.none() | phones),
        gender=draw(st.none() | st.sampled_from(Gender)),
        region_code=draw(regions),
        organization=draw(optional_texts),
        practice_since=draw(st.none() | days),
    )


@st.composite
def worlds(
    draw: st.DrawFn,
    max_people: int = 6,
    max_records: int = 12,
    dense: bool = False,
    dated: bool = False,
) -> list[Any]:
    """A consistent set of records: one program and its phases, 1-2 cohorts, people,
    enrollments, mentors, pairings and every kind of record. With ``dense``, records fall in
    the first five months of their cohort and phase windows near it, so that paces,
    projections and caps are met often. With ``dated``, also what an import checks across
    tables: records dated on or after their cohort's start, session attendees enrolled in
    the session's cohort (without it, records fall on any date and anyone attends, which
    the registry's own writes accept)."""
    program = Program(
        id=draw(ids),
        name=draw(texts),
        region_code=draw(regions),
        sponsor=draw(optional_texts),
        starts_on=None,
        ends_on=None,
        pending_counts=draw(st.booleans()),
    )
    keys = draw(st.lists(st.sampled_from(PHASE_KEYS), min_size=1, max_size=5, unique=True))
    phases = []
    base = draw(days)
    for n, key in enumerate(keys, start=1):
        start, due = draw(windows(near=base if dense else None))
        phases.append(
            PhaseSpec(
                program_id=program.id,
                key=key,
                name=draw(texts),
                order=n,
                starts_on=start,
                due_on=due,
                requirements=draw(requirements),
                weight=draw(st.sampled_from([1.0, 2.0, 0.5])),
            )
        )
    cohort_ids = draw(st.lists(ids, min_size=1, max_size=2, unique=True))
    cohorts = []
    for cid in cohort_ids:
        start = base if dense else draw(days)
        cohorts.append(
            Cohort(
                id=cid,
                program_id=program.id,
                name=draw(texts),
                starts_on=start,
                ends_on=start + timedelta(days=draw(st.integers(0, 200))),
            )
        )
    person_ids = draw(st.lists(ids, min_size=1, max_size=max_people, unique=True))
    everyone = [draw(people(pid)) for pid in person_ids]
    everyone = _unique_national_ids(everyone)
    enrolled: list[tuple[str, str]] = []
    mentoring: list[tuple[str, str]] = []
    out: list[Any] = [program, *phases, *cohorts, *everyone]
    for cohort in cohorts:
        for pid in draw(st.lists(st.sampled_from(person_ids), unique=True)):
            enrolled.append((pid, cohort.id))
            left = draw(
                st.none()
                | st.integers(0, 100).map(lambda n, c=cohort: c.starts_on + timedelta(days=n))
            )
            out.append(
                Enrollment(
                    person_id=pid,
                    cohort_id=cohort.id,
                    enrolled_on=cohort.starts_on,
                    status=draw(st.sampled_from(EnrollmentStatus)),
                    left_on=left,
                    team=draw(st.none() | st.sampled_from(["A", "B"])),
                )
            )
        for pid in draw(st.lists(st.sampled_from(person_ids), max_size=2, unique=True)):
            mentoring.append((pid, cohort.id))
            out.append(
                MentorRole(
                    person_id=pid,
                    cohort_id=cohort.id,
                    kind=draw(st.sampled_from(MentorKind)),
                    affiliation=draw(optional_texts),
                    capacity=draw(st.none() | st.integers(1, 6)),
                )
            )
    out.extend(_pairings(draw, enrolled, mentoring))
    when = {
        c.id: _near(c.starts_on) if dense else _after(c.starts_on) if dated else days
        for c in cohorts
    }
    out.extend(_records(draw, keys, enrolled, mentoring, person_ids, max_records, when, dated))
    for pid in person_ids:
        out.extend(_held(draw, pid, _recent(base) if dense else days))
    return out


def _unique_national_ids(everyone: list[Person]) -> list[Person]:
    """Two people never share a national ID: later duplicates lose theirs."""
    seen: set[str] = set()
    result = []
    for person in everyone:
        if person.national_id in seen:
            person = attrs.evolve(person, national_id=None)
        if person.national_id:
            seen.add(person.national_id)
        result.append(person)
    return result


def _pairings(
    draw: st.DrawFn, enrolled: list[tuple[str, str]], mentoring: list[tuple[str, str]]
) -> list[Pairing]:
    pairs = [(m, t, c) for m, c in mentoring for t, c2 in enrolled if c == c2]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=4)) if pairs else []
    result = []
    for mentor, trainee, cohort in chosen:
        start = draw(days)
        end = draw(st.none() | st.integers(0, 90).map(lambda n, s=start: s + timedelta(days=n)))
        result.append(
            Pairing(
                mentor_id=mentor, trainee_id=trainee, cohort_id=cohort, starts_on=start, ends_on=end
            )
        )
    return result


def _sign_off(draw: st.DrawFn, cohort_id: str, mentoring: list[tuple[str, str]]) -> dict[str, Any]:
    """A state, and for a decided record maybe a signer (a mentor of its cohort) and date."""
    state = draw(states)
    signers = [m for m, c in mentoring if c == cohort_id]
    if state is RecordState.SUBMITTED or not signers or draw(st.booleans()):
        return {"state": state}
    return {"state": state, "signed_by": draw(st.sampled_from(signers)), "signed_on": draw(days)}


def _near(start: date) -> st.SearchStrategy[date]:
    return st.integers(0, 150).map(lambda n: start + timedelta(days=n))


def _after(start: date) -> st.SearchStrategy[date]:
    return st.integers(0, 400).map(lambda n: start + timedelta(days=n))


def _records(
    draw: st.DrawFn,
    keys: list[str],
    enrolled: list[tuple[str, str]],
    mentoring: list[tuple[str, str]],
    person_ids: list[str],
    max_records: int,
    when: dict[str, st.SearchStrategy[date]],
    dated: bool = False,
) -> list[Any]:
    """Records of every kind, each dated by its cohort's strategy in ``when``; with
    ``dated``, session attendees are enrolled in the session's cohort."""
    out: list[Any] = []
    if enrolled:
        for n in range(draw(st.integers(0, max_records))):
            pid, cid = draw(st.sampled_from(enrolled))
            out.append(
                Activity(
                    id=f"a{n}",
                    person_id=pid,
                    cohort_id=cid,
                    phase=draw(st.sampled_from(keys)),
                    on=draw(when[cid]),
                    hours=draw(hours),
                    note=draw(optional_texts),
                    **_sign_off(draw, cid, mentoring),
                )
            )
        for n in range(draw(st.integers(0, 3))):
            pid, cid = draw(st.sampled_from(enrolled))
            out.append(
                Deliverable(
                    id=f"d{n}",
                    person_id=pid,
                    cohort_id=cid,
                    phase=draw(st.sampled_from(keys)),
                    title=draw(texts),
                    submitted_on=draw(when[cid]),
                    score=draw(scores),
                    reviewer_id=draw(st.none() | st.sampled_from(person_ids)),
                    **_sign_off(draw, cid, mentoring),
                )
            )
        for pid, cid in draw(st.lists(st.sampled_from(enrolled), unique=True, max_size=2)):
            start = draw(days)
            length = draw(st.none() | st.integers(0, 400))
            out.append(
                Placement(
                    person_id=pid,
                    cohort_id=cid,
                    station=draw(texts),
                    region_code=draw(regions),
                    starts_on=start,
                    ends_on=None if length is None else start + timedelta(days=length),
                )
            )
        exempt = draw(
            st.lists(
                st.tuples(st.sampled_from(enrolled), st.sampled_from(keys)), unique=True, max_size=2
            )
        )
        for (pid, cid), key in exempt:
            out.append(
                Exemption(
                    person_id=pid,
                    cohort_id=cid,
                    phase=key,
                    granted_on=draw(days),
                    reason=draw(optional_texts),
                    source=draw(optional_texts),
                )
            )
    if mentoring:
        for n in range(draw(st.integers(0, max_records // 2))):
            mid, cid = draw(st.sampled_from(mentoring))
            trainees = [p for p, c in enrolled if c == cid] if dated else person_ids
            if not trainees:
                continue
            out.append(
                Session(
                    id=f"s{n}",
                    mentor_id=mid,
                    cohort_id=cid,
                    on=draw(when[cid]),
                    minutes=draw(st.integers(1, 180)),
                    form=draw(st.sampled_from([*SessionForm, SessionForm.GROUP])),
                    phase=draw(st.sampled_from(keys)),
                    attendees=draw(st.frozensets(st.sampled_from(trainees), min_size=1)),
                    **_sign_off(draw, cid, mentoring),
                )
            )
    return out


def _recent(base: date) -> st.SearchStrategy[date]:
    """Dates of the few years before a cohort and its first months: credentials and
    continuing education that fall in the cycle of the dates assessed."""
    return st.integers(-1200, 200).map(lambda n: base + timedelta(days=n))


def _held(draw: st.DrawFn, person_id: str, when: st.SearchStrategy[date]) -> list[Any]:
    out: list[Any] = []
    for level in draw(st.lists(st.sampled_from(CredentialLevel), unique=True, max_size=2)):
        issued = draw(when)
        out.append(
            Credential(
                person_id=person_id,
                level=level,
                certificate_no=draw(optional_texts),
                issued_on=issued,
                expires_on=draw(
                    st.none() | st.integers(0, 2000).map(lambda n, i=issued: i + timedelta(days=n))
                ),
                issuer=draw(optional_texts),
                region_code=draw(regions),
                registered_on=draw(
                    st.none() | st.integers(0, 400).map(lambda n, i=issued: i + timedelta(days=n))
                ),
            )
        )
    for n in range(draw(st.integers(0, 3))):
        out.append(
            ContinuingEducation(
                id=f"ce-{person_id}-{n}",
                person_id=person_id,
                on=draw(when),
                hours=draw(st.sampled_from([0.5, 6.0, 24.0, 40.0, 72.0])),
                provider=draw(optional_texts),
                category=draw(optional_texts),
            )
        )
    for kind in draw(st.lists(st.sampled_from(OutcomeKind), unique=True, max_size=2)):
        out.append(
            Outcome(person_id=person_id, kind=kind, on=draw(days), detail=draw(optional_texts))
        )
    return out


#: Sets of status list positions (bits of a Bitstring Status List of 131072 bits).
status_bits = st.sets(st.integers(0, 131071), max_size=40)
