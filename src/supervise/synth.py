"""Deterministic synthetic registries of any size, shaped like the Ningxia program.

For benchmarks and tests at province scale: ``Scale.province()`` is 100,000 trainees in 200
cohorts with about 1,000,000 activities, 200,000 sessions and 100,000 deliverables. Rows are
produced as tuples in the column order of :data:`supervise.tables.TABLES`, lazily, so a
million of them never sit in memory as objects; :func:`records` turns a small scale into
model objects instead.

>>> scale = Scale(trainees=40, cohorts=2)
>>> rows = generate(scale, seed=7)
>>> sum(1 for _ in rows["activities"]), sum(1 for _ in generate(scale, seed=7)["activities"])
(400, 400)

For a national roll-up, :func:`national` gives the scales of the 31 provinces: each
province's ids, region codes and programs are its own, and some people train in two
neighbouring provinces (the same national ID, name, gender and start of practice).

>>> [s.province_code for s in national(620)][:3], sum(s.trainees for s in national(620))
(['11', '12', '13'], 620)
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import attrs
from stdnum.cn import ric

from supervise.convert import from_dict
from supervise.model import CredentialLevel, MentorKind, OutcomeKind, model_for_table
from supervise.tables import TABLES

__all__ = [
    "PROVINCES",
    "Scale",
    "expert_pool_policy",
    "generate",
    "national",
    "national_policy",
    "records",
    "write",
]

#: The region codes of the 31 provinces, autonomous regions and municipalities of the mainland.
PROVINCES = (
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65",
)  # fmt: skip
#: One trainee in this many of a province comes from the pool of people who train in two
#: neighbouring provinces.
SHARED_EVERY = 50
_PER_PROVINCE = 1_000_000  # people ids per province and kind, for unique national IDs

_PHASES = (
    # key, name, offset from cohort start (days), length (days), requirements; sized so that
    # ten activities per trainee complete the first four phases for most trainees, not all.
    ("theory", "理论学习", 0, 30, {"required_hours": 16.0}),
    ("training", "业务培训", 14, 45, {"required_hours": 12.0, "required_days": 2}),
    ("practicum", "实践教学", 30, 60, {"required_hours": 18.0, "required_days": 3}),
    (
        "accompanied_supervision",
        "陪伴督导",
        45,
        75,
        {"required_hours": 8.0, "required_sessions": 6, "min_session_minutes": 60},
    ),
    ("case_study", "案例研究", 90, 60, {"required_deliverables": 1, "pass_score": 80.0}),
)
_ACTIVITY_PHASES = (
    0,
    0,
    0,
    1,
    1,
    2,
    2,
    2,
    2,
    3,
    3,
)  # weights: theory, training, practicum, supervision
# Location codes valid for every birth year drawn (no NationalIdWarning).
_BIRTH_CODES = ("640121", "640122", "640221", "350121", "152921")
_REGIONS = (
    "640104",
    "640105",
    "640106",
    "640121",
    "640122",
    "640181",
    "640202",
    "640302",
    "350102",
    "340102",
)
_SURNAMES = "王李张刘陈杨马丁金海赵周吴徐孙朱何罗高田郭白苏冯韩沙"
_GIVEN = "静丽娟霞燕敏婷芳红梅军伟强磊刚勇涛明华建平文斌海洋晓雪春兰玉凤国庆志"


@attrs.frozen
class Scale:
    """How big a registry to generate. Per trainee: ``activities`` activity records (spread
    over the first four phases), ``sessions`` group sessions attended (groups of
    ``session_size`` led by a mentor with ``trainees_per_mentor`` trainees), and one
    case-study deliverable (two when the first fails).

    ``province_code`` (one of :data:`PROVINCES`) makes the registry one province's: ids start
    with the code (``51-t0000001``), region codes lie in the province, and one trainee in
    :data:`SHARED_EVERY` is a person who also trains in a neighbouring province."""

    trainees: int
    cohorts: int
    programs: int = 10
    activities: int = 10
    sessions: int = 10
    trainees_per_mentor: int = 5
    session_size: int = 5
    province_code: str | None = attrs.field(default=None)

    @province_code.validator
    def _known(self, _attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if value is not None and value not in PROVINCES:
            raise ValueError(f"unknown province code {value!r}; expected one of {PROVINCES}")
        if value is not None and self.trainees >= _PER_PROVINCE:
            raise ValueError(f"a generated province holds fewer than {_PER_PROVINCE:,} trainees")

    @classmethod
    def province(cls) -> Scale:
        """About a province: 100,000 trainees in 200 cohorts."""
        return cls(trainees=100_000, cohorts=200)

    @classmethod
    def of(cls, trainees: int) -> Scale:
        """``trainees`` trainees with 500 per cohort, the province's proportions."""
        return cls(
            trainees=trainees,
            cohorts=max(1, trainees // 500),
            programs=min(10, max(1, trainees // 5_000)),
        )


def national(trainees: int, provinces: int = len(PROVINCES)) -> list[Scale]:
    """The scales of ``provinces`` provinces (the first codes of :data:`PROVINCES`) holding
    ``trainees`` trainees between them, as evenly as whole numbers allow."""
    if not 1 <= provinces <= len(PROVINCES):
        raise ValueError(f"provinces must be between 1 and {len(PROVINCES)}")
    per, extra = divmod(trainees, provinces)
    return [
        attrs.evolve(Scale.of(per + (1 if n < extra else 0)), province_code=code)
        for n, code in enumerate(PROVINCES[:provinces])
    ]


def generate(scale: Scale, seed: int = 2024) -> dict[str, Iterator[tuple[Any, ...]]]:
    """Rows of every table, parents first, as tuples in :data:`~supervise.tables.TABLES`
    column order. Each table's iterator is independent and deterministic for ``seed``."""
    return {name: _TABLE_MAKERS[name](scale, seed) for name in TABLES}


def records(scale: Scale, seed: int = 2024) -> Iterator[Any]:
    """Model objects, for small scales: every row of :func:`generate` built and validated."""
    rows = generate(scale, seed)
    attendees: dict[str, list[str]] = {}
    for session_id, person_id in rows.pop("session_attendees"):
        attendees.setdefault(session_id, []).append(person_id)
    for name, table_rows in rows.items():
        table = TABLES[name]
        cls = model_for_table(name)
        for row in table_rows:
            data = dict(zip(table.names, row, strict=True))
            if name == "sessions":
                data["attendees"] = attendees[data["id"]]
            yield from_dict(cls, data)


def write(registry: Any, scale: Scale, seed: int = 2024, batch: int = 50_000) -> dict[str, int]:
    """Bulk-load a generated registry into ``registry`` (one transaction, executemany) and
    return rows per table. Rows are generated valid, so model validation is skipped."""
    from supervise.store.sql import q

    counts: dict[str, int] = {}
    with registry.transaction():
        for name, rows in generate(scale, seed).items():
            table = TABLES[name]
            sql = (
                f"INSERT INTO {q(name)} ({', '.join(q(c) for c in table.names)}) "
                f"VALUES ({', '.join('?' for _ in table.names)})"
            )
            n = 0
            chunk: list[tuple[Any, ...]] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) == batch:
                    registry.conn.executemany(sql, chunk)
                    n += len(chunk)
                    chunk = []
            registry.conn.executemany(sql, chunk)
            counts[name] = n + len(chunk)
    return counts


def national_policy() -> Any:
    """The rules of :func:`expert_pool_policy` for people of any province: completed any
    program, intermediate credential or higher, five years of practice, and a case study
    scored 85 or a contribution to a local standard."""
    from supervise.core.policy import Policy
    from supervise.semantics import rules

    return Policy(
        id="synth-national-pool",
        name="全国督导人才库入库条件（合成数据）",
        version="1",
        rules=[
            rules.completed_program(),
            rules.credential_at_least("intermediate"),
            rules.practice_years_at_least(5),
            rules.any_of(
                [
                    rules.deliverable_score_at_least(85, phase="case_study"),
                    rules.outcome_present("standard_drafting"),
                ]
            ),
        ],
    )


def expert_pool_policy(scale: Scale) -> Any:
    """The example expert-pool policy (``nx-expert-pool``) rewritten for the generated
    programs: completed one of them, intermediate credential or higher, five years of
    practice, and a case study scored 85 or a contribution to a local standard."""
    from supervise.core.policy import Policy
    from supervise.semantics import rules

    return Policy(
        id="synth-expert-pool",
        name="专家库入库条件（合成数据）",
        version="1",
        rules=[
            rules.any_of(
                [rules.completed_program(_program_id(scale, p)) for p in range(scale.programs)]
            ),
            rules.credential_at_least("intermediate"),
            rules.practice_years_at_least(5),
            rules.any_of(
                [
                    rules.deliverable_score_at_least(85, phase="case_study"),
                    rules.outcome_present("standard_drafting"),
                ]
            ),
        ],
    )


# -- the shape ------------------------------------------------------------------------------


_SPREAD_DAYS = 4 * 365


def _id(scale: Scale, text: str) -> str:
    """An id of the scale's province (its code first), or of a registry of its own."""
    return text if scale.province_code is None else f"{scale.province_code}-{text}"


def _program_id(scale: Scale, p: int) -> str:
    return _id(scale, f"prog-{p:02d}")


def _cohort(scale: Scale, c: int) -> tuple[str, str, date]:
    """Cohort id, program id and start date; cohorts start evenly over the four years from
    March 2021, however many there are (so every record predates mid-2026)."""
    offset = timedelta(days=c * _SPREAD_DAYS // max(1, scale.cohorts))
    return (
        _id(scale, f"coh-{c:04d}"),
        _program_id(scale, c % scale.programs),
        (date(2021, 3, 1) + offset),
    )


def _regions(scale: Scale) -> tuple[str, ...]:
    """Region codes of the people and stations: the province's own when it has one."""
    if scale.province_code is None:
        return _REGIONS
    return tuple(scale.province_code + code[2:] for code in _REGIONS)


def _trainees_of(scale: Scale, c: int) -> range:
    """Trainee numbers of cohort ``c`` (contiguous blocks)."""
    per, extra = divmod(scale.trainees, scale.cohorts)
    start = c * per + min(c, extra)
    return range(start, start + per + (1 if c < extra else 0))


def _mentors_of(scale: Scale, c: int) -> range:
    n = max(1, -(-len(_trainees_of(scale, c)) // scale.trainees_per_mentor))
    first = (
        sum(max(1, -(-len(_trainees_of(scale, k)) // scale.trainees_per_mentor)) for k in range(c))
        if c
        else 0
    )
    return range(first, first + n)


def _tid(scale: Scale, n: int) -> str:
    return _id(scale, f"t{n:07d}")


def _mid(scale: Scale, n: int) -> str:
    return _id(scale, f"m{n:06d}")


def _province(scale: Scale) -> tuple[str, ...]:
    """What makes a province's random draws its own (nothing for a registry of its own)."""
    return () if scale.province_code is None else (scale.province_code,)


def _rng(seed: int, *salt: Any) -> random.Random:
    return random.Random(f"{seed}:{':'.join(map(str, salt))}")


def _programs(scale: Scale, seed: int) -> Iterator[tuple[Any, ...]]:
    for p in range(scale.programs):
        yield (
            _program_id(scale, p),
            f"第{p + 1}期社会工作督导人才培养项目",
            scale.province_code or "64",
            "自治区民政厅",
            None,
            None,
            False,
        )


def _phases(scale: Scale, seed: int) -> Iterator[tuple[Any, ...]]:
    columns = TABLES["phases"].names
    for p in range(scale.programs):
        for order, (key, name, _, _, req) in enumerate(_PHASES, start=1):
            row = {
                "program_id": _program_id(scale, p),
                "key": key,
                "name": name,
                "order": order,
                "starts_on": None,
                "due_on": None,
                "weight": 2.0 if key == "case_study" else 1.0,
                **req,
            }
            yield tuple(row.get(c) for c in columns)


def _cohorts(scale: Scale, seed: int) -> Iterator[tuple[Any, ...]]:
    for c in range(scale.cohorts):
        cid, pid, start = _cohort(scale, c)
        yield (
            cid,
            pid,
            f"第{c // scale.programs + 1}批",
            start.isoformat(),
            (start + timedelta(days=150)).isoformat(),
        )


def _national_id(rng: random.Random) -> str:
    born = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 35 * 365))
    body = f"{rng.choice(_BIRTH_CODES)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")


def _people(scale: Scale, seed: int) -> Iterator[tuple[Any, ...]]:
    seen: set[str] = set()

    def person(pid: str, rng: random.Random, since_years: range) -> tuple[Any, ...]:
        national_id = _national_id(rng)
        while national_id in seen:
            national_id = _national_id(rng)
        seen.add(national_id)
        name = rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, rng.choice((1, 2))))
        gender = "female" if int(national_id[16]) % 2 == 0 else "male"
        since = date(rng.choice(since_years), rng.randrange(1, 13), 1).isoformat()
        region = rng.choice(_REGIONS)
        return (
            pid,
            name,
            national_id,
            f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            gender,
            region,
            "社会工作服务中心",
            since,
        )

    if scale.province_code is not None:
        yield from _province_people(scale, seed)
        return
    rng = _rng(seed, "people")
    for n in range(scale.trainees):
        yield person(_tid(scale, n), rng, range(2005, 2021))
    for m in range(_mentors_of(scale, scale.cohorts - 1).stop):
        yield person(_mid(scale, m), rng, range(1995, 2012))


_POOL = 2 * len(PROVINCES) * _PER_PROVINCE  # numbers of the people shared by two provinces
_DAYS = 35 * 365  # birth dates drawn from 35 years


def _numbered_national_id(number: int) -> str:
    """A national ID that no other ``number`` (below about 6 * 10^7) gets: birth place,
    birth date and sequence spell the number out."""
    rest = number // len(_BIRTH_CODES)
    born = date(1965, 1, 1) + timedelta(days=rest % _DAYS)
    body = f"{_BIRTH_CODES[number % len(_BIRTH_CODES)]}{born:%Y%m%d}{rest // _DAYS % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def _province_people(scale: Scale, seed: int) -> Iterator[tuple[Any, ...]]:
    """A province's people: national IDs unique across provinces, and one trainee in
    :data:`SHARED_EVERY` drawn from a pool that the next province draws from too (half of a
    province's pool people are the previous province's, half the next one's)."""
    assert scale.province_code is not None
    index = PROVINCES.index(scale.province_code)
    regions = _regions(scale)
    shift = max(1, -(-scale.trainees // SHARED_EVERY) // 2)

    def person(pid: str, number: int, rng: random.Random, since: range, region: str) -> Any:
        national_id = _numbered_national_id(number)
        return (
            pid,
            rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, rng.choice((1, 2)))),
            national_id,
            f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            "female" if int(national_id[16]) % 2 == 0 else "male",
            region,
            "社会工作服务中心",
            date(rng.choice(since), rng.randrange(1, 13), 1).isoformat(),
        )

    rng = _rng(seed, "people", scale.province_code)
    own = 2 * index * _PER_PROVINCE
    for n in range(scale.trainees):
        region = rng.choice(regions)
        if n % SHARED_EVERY == 0:
            g = n // SHARED_EVERY + index * shift
            yield person(
                _tid(scale, n), _POOL + g, _rng(seed, "pool", g), range(2005, 2021), region
            )
        else:
            yield person(_tid(scale, n), own + n, rng, range(2005, 2021), region)
    for m in range(_mentors_of(scale, scale.cohorts - 1).stop):
        region = rng.choice(regions)
        yield person(_mid(scale, m), own + _PER_PROVINCE + m, rng, range(1995, 2012), region)


def _enrollments(scale: Scale, seed: int) -> Iterator[tuple[Any, ...]]:
    rng = _rng(seed, "enrollments", *_province(scale))
    for c in range(scale.cohorts):
        cid, _, start = _cohort(scale, c)
        for n in _trainees_of(scale, c):
            if rng.random() < 0.03:  # about 3% withdraw
                left = (start + timedelta(days=rng.randrange(10, 140))).isoformat()
                yield (_tid(scale, n), cid, start.isoformat(), "withdrawn", left, None)
            else:
                yield (_tid(scale, n), cid, start.isoformat(), "active", None, f"team-{n % 5 + 1}")


def _mentor_roles(scale: Scale, seed: int) -> Iterator[tuple[Any, ...]]:
    kinds = list(MentorKind)
    for c in range(scale.cohorts):
        cid = _cohort(scale, c)[0]
        for m in _mentors_of(scale, c):
            yield (
                _mid(scale, m),
                cid,
                kinds[m % len(kinds)].value,
                "合作高校",
                scale.trainees_per_mentor,
            )


def _pairings(scale: Scale, seed: int) -> Iterator[tuple[Any, ...]]:
    for c in range(scale.cohorts):
        cid, _, start = _cohort(scale, c)
        mentors = list(_mentors_of(scale, c))
        for k, n in enumerate(_trainees_of(scale, c)):
            yield (
                _mid(scale, mentors[k // scale.trainees_per_mentor]),
                _tid(scale, n),
                cid,
                start.isoformat(),
                None,
            )


def _activities(scale: Scale, seed: int) -> Iterator[tuple[Any, ...]]:
    rng = _rng(seed, "activities", *_province(scale))
    for c in range(scale.cohorts):
        cid, _, start = _cohort(scale, c)
        for n in _trainees_of(scale, c):
            tid = _tid(scale, n)
            for k in range(scale.activities):
                key, _, offset, length, _ = _PHASES[rng.choice(_ACTIVITY_PHASES)]
                on = start + timedelta(days=offset + rng.randrange(length))
                hours = rng.choice((4.0, 6.0, 8.0))
                yield (
                    _id(scale, f"a{n:07d}-{k:02d}"),
                    tid,
                    cid,
                    key,
                    on.isoformat(),
                    hours,
                    None,
                    "confirmed",
                    None,
                    None,
                )


def _sessions(scale: Scale, seed: int) -> Iterator[tuple[Any, ...]]:
    rng = _rng(seed, "sessions", *_province(scale))
    for c, mentor, _, group, k in _session_plan(scale):
        cid, _, start = _cohort(scale, c)
        on = start + timedelta(days=45 + rng.randrange(75))
        yield (
            _id(scale, f"s{c:04d}-{mentor}-{k}"),
            _mid(scale, mentor),
            cid,
            on.isoformat(),
            rng.choice((45, 90, 120)),
            "group" if len(group) > 1 else "individual",
            "accompanied_supervision",
            "confirmed",
            _mid(scale, mentor),
            (on + timedelta(days=1)).isoformat(),
        )


def _session_attendees(scale: Scale, seed: int) -> Iterator[tuple[Any, ...]]:
    for c, mentor, _, group, k in _session_plan(scale):
        for n in group:
            yield (_id(scale, f"s{c:04d}-{mentor}-{k}"), _tid(scale, n))


def _session_plan(scale: Scale) -> Iterator[tuple[int, int, int, list[int], int]]:
    """Each mentor's group meets often enough that the cohort holds ``sessions`` per trainee
    (sessions of ``session_size`` trainees)."""
    for c in range(scale.cohorts):
        trainees = list(_trainees_of(scale, c))
        mentors = list(_mentors_of(scale, c))
        per_mentor = max(1, -(-scale.sessions * scale.trainees_per_mentor // scale.session_size))
        for i, mentor in enumerate(mentors):
            group = trainees[i * scale.trainees_per_mentor : (i + 1) * scale.trainees_per_mentor]
            if not group:
                continue
            for k in range(per_mentor):
                yield c, mentor, i, group[: scale.session_size], k


def _placements(scale: Scale, seed: int) -> Iterator[tuple[Any, ...]]:
    regions = _regions(scale)
    for c in range(scale.cohorts):
        cid, _, start = _cohort(scale, c)
        for n in _trainees_of(scale, c):
            region = regions[n % len(regions)]
            yield (
                _tid(scale, n),
                cid,
                f"{region}-站{n % 60 + 1:02d}",
                region,
                (start + timedelta(days=30)).isoformat(),
                (start + timedelta(days=90)).isoformat(),
            )


def _deliverables(scale: Scale, seed: int) -> Iterator[tuple[Any, ...]]:
    rng = _rng(seed, "deliverables", *_province(scale))
    for c in range(scale.cohorts):
        cid, _, start = _cohort(scale, c)
        mentors = list(_mentors_of(scale, c))
        for k, n in enumerate(_trainees_of(scale, c)):
            on = start + timedelta(days=100 + rng.randrange(40))
            score = float(rng.randrange(60, 100))
            reviewer = _mid(scale, mentors[k // scale.trainees_per_mentor])
            yield (
                _id(scale, f"d{n:07d}-1"),
                _tid(scale, n),
                cid,
                "case_study",
                "个案研究报告",
                on.isoformat(),
                score,
                reviewer,
                "confirmed",
                None,
                None,
            )
            if score < 80:
                yield (
                    _id(scale, f"d{n:07d}-2"),
                    _tid(scale, n),
                    cid,
                    "case_study",
                    "个案研究报告（修改稿）",
                    (on + timedelta(days=10)).isoformat(),
                    85.0,
                    reviewer,
                    "confirmed",
                    None,
                    None,
                )


def _exemptions(scale: Scale, seed: int) -> Iterator[tuple[Any, ...]]:
    rng = _rng(seed, "exemptions", *_province(scale))
    for c in range(scale.cohorts):
        cid, _, start = _cohort(scale, c)
        for n in _trainees_of(scale, c):
            if rng.random() < 0.02:
                yield (
                    _tid(scale, n),
                    cid,
                    "theory",
                    start.isoformat(),
                    "已完成同等培训",
                    "外省项目互认",
                )


def _credentials(scale: Scale, seed: int) -> Iterator[tuple[Any, ...]]:
    rng = _rng(seed, "credentials", *_province(scale))
    for n in range(scale.trainees):
        roll = rng.random()
        if roll < 0.1:
            continue
        first = date(2010, 1, 1) + timedelta(days=rng.randrange(10 * 365))
        yield (
            _tid(scale, n),
            CredentialLevel.ASSISTANT.value,
            f"ZL{n:08d}",
            first.isoformat(),
            None,
            "人社部、民政部",
            scale.province_code or "64",
            (first + timedelta(days=30)).isoformat(),
        )
        if roll < 0.45:
            continue
        second = first + timedelta(days=rng.randrange(365, 5 * 365))
        yield (
            _tid(scale, n),
            CredentialLevel.INTERMEDIATE.value,
            f"ZJ{n:08d}",
            second.isoformat(),
            None,
            "人社部、民政部",
            scale.province_code or "64",
            (second + timedelta(days=30)).isoformat(),
        )
        if roll > 0.97:
            third = second + timedelta(days=rng.randrange(365, 4 * 365))
            yield (
                _tid(scale, n),
                CredentialLevel.SENIOR.value,
                f"GJ{n:08d}",
                third.isoformat(),
                None,
                "自治区人社厅",
                scale.province_code or "64",
                (third + timedelta(days=30)).isoformat(),
            )


def _continuing_education(scale: Scale, seed: int) -> Iterator[tuple[Any, ...]]:
    """A course or two a year for most certified trainees (whoever ``_credentials`` gives
    a credential: the same draws decide it), from 2021 to 2024."""
    held = _rng(seed, "credentials", *_province(scale))
    rng = _rng(seed, "continuing_education", *_province(scale))
    for n in range(scale.trainees):
        roll = held.random()
        if roll < 0.1:
            continue
        held.randrange(10 * 365)
        if roll >= 0.45:
            held.randrange(365, 5 * 365)
            if roll > 0.97:
                held.randrange(365, 4 * 365)
        for k in range(rng.randrange(2, 9)):
            on = date(2021, 1, 1) + timedelta(days=rng.randrange(4 * 365))
            yield (
                _id(scale, f"ce{n:07d}-{k}"),
                _tid(scale, n),
                on.isoformat(),
                rng.choice((6.0, 8.0, 12.0)),
                None,
                None,
            )


def _outcomes(scale: Scale, seed: int) -> Iterator[tuple[Any, ...]]:
    rng = _rng(seed, "outcomes", *_province(scale))
    weights = (
        (OutcomeKind.EXPERT_POOL, 0.3),
        (OutcomeKind.STANDARD_DRAFTING, 0.08),
        (OutcomeKind.SENIOR_REVIEW_PASSED, 0.05),
        (OutcomeKind.PROMOTION, 0.02),
    )
    for c in range(scale.cohorts):
        _, _, start = _cohort(scale, c)
        for n in _trainees_of(scale, c):
            for kind, share in weights:
                if rng.random() < share:
                    on = start + timedelta(days=180 + rng.randrange(365))
                    yield (_tid(scale, n), kind.value, on.isoformat(), None)


_TABLE_MAKERS: dict[str, Callable[[Scale, int], Iterator[tuple[Any, ...]]]] = {
    "programs": _programs,
    "phases": _phases,
    "continuing_education": _continuing_education,
    "cohorts": _cohorts,
    "people": _people,
    "enrollments": _enrollments,
    "mentors": _mentor_roles,
    "pairings": _pairings,
    "activities": _activities,
    "sessions": _sessions,
    "placements": _placements,
    "deliverables": _deliverables,
    "exemptions": _exemptions,
    "credentials": _credentials,
    "outcomes": _outcomes,
    "session_attendees": _session_attendees,
}
