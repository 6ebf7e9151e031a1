"""The synthetic registry generator used by the benchmarks."""

from __future__ import annotations

import supervise
from supervise import synth
from supervise.model import MODELS

SMALL = synth.Scale(trainees=120, cohorts=3, programs=2)


def test_generation_is_deterministic_per_seed() -> None:
    first = {name: list(rows) for name, rows in synth.generate(SMALL, seed=1).items()}
    again = {name: list(rows) for name, rows in synth.generate(SMALL, seed=1).items()}
    other = {name: list(rows) for name, rows in synth.generate(SMALL, seed=2).items()}
    assert first == again
    assert first["activities"] != other["activities"]


def test_every_generated_row_is_a_valid_record_and_the_references_hold() -> None:
    records = list(synth.records(SMALL))
    with supervise.open() as registry:
        registry.add(records)  # validates each object and every reference
        counts = registry.counts()
    assert counts["enrollments"] == 120
    assert counts["activities"] == 120 * 10
    assert counts["session_attendees"] == 120 * 10
    assert counts["cohorts"] == 3
    assert counts["people"] == 120 + counts["mentors"]


def test_bulk_write_stores_exactly_what_add_stores() -> None:
    with supervise.open() as bulk, supervise.open() as one_by_one:
        written = synth.write(bulk, SMALL, batch=100)
        one_by_one.add(synth.records(SMALL))
        assert written == bulk.counts() == one_by_one.counts()
        for cls in MODELS:
            assert bulk.find(cls) == one_by_one.find(cls)
        assert bulk.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_proportions_follow_the_province_shape() -> None:
    province = synth.Scale.province()
    assert (province.trainees, province.cohorts) == (100_000, 200)
    assert province.trainees * province.activities == 1_000_000
    with supervise.open() as registry:
        counts = synth.write(registry, synth.Scale.of(2_000))
        result = registry.cohort_progress("coh-0001", "2026-06-30")
    assert counts["sessions"] == 2_000 * 10 // 5
    assert 0.01 < counts["exemptions"] / 2_000 < 0.04
    assert 0 < result.withdrawn < result.enrolled
    assert all(
        sum(c.values()) == result.enrolled - result.withdrawn
        for c in result.phase_counts().values()
    )
