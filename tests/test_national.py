"""National roll-ups: answers across provinces' exports equal a merged registry's, people are
counted once, and every refusal says exactly why."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import supervise
import supervise.national
from supervise import (
    Activity,
    Cohort,
    Credential,
    Enrollment,
    Outcome,
    Person,
    PhaseSpec,
    Program,
    Requirements,
    synth,
)
from supervise.core.policy import Policy
from supervise.core.targets import Target
from supervise.errors import ExportsRefused, NotFound
from supervise.pseudonym import ProtectionKey, pseudonym
from supervise.semantics import rules
from tests.exchange_files import NID_1, NID_2

AS_OF = date(2026, 6, 30)
FORMATS = {"parquet": "", "json": ".json", "csv": ""}


def export(records: Any, folder: Path, name: str, fmt: str, **kw: Any) -> Path:
    """Write ``records`` (model objects or a synth scale) as a province's export."""
    path = folder / f"{name}{FORMATS[fmt]}"
    with supervise.open() as registry:
        if isinstance(records, synth.Scale):
            synth.write(registry, records)
        else:
            registry.add(records)
        registry.export(path, fmt, include_pii=not kw, **kw)
    return path


LABELS = ("11", "12", "13")


def plain(value: Any) -> Any:
    """``value`` with every ``label:`` prefix of a qualified id taken off."""
    if isinstance(value, str) and ":" in value and value.split(":", 1)[0] in LABELS:
        return value.split(":", 1)[1]
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


# -- the same answers as one registry holding every province --------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_national_answers_equal_a_merged_registrys(tmp_path: Path, seed: int) -> None:
    """Three generated provinces (some people trained in two), exported as Parquet, JSON
    and CSV; the merged registry imports the same exports in the same order."""
    scales = synth.national(620, 3)
    paths = []
    for scale, fmt in zip(scales, ("parquet", "json", "csv"), strict=True):
        with supervise.open() as registry:
            synth.write(registry, scale, seed=seed)
            path = tmp_path / f"{scale.province_code}{FORMATS[fmt]}"
            registry.export(path, fmt, include_pii=True)
            paths.append(path)
    policy = synth.national_policy()
    targets = [
        Target(id="a", name="a", metric="completed_program", goal=500, deadline="2027-12-31"),
        Target(
            id="b", name="b", metric="credential_at_least", level="intermediate", goal=50,
            deadline="2027-12-31", region="12",
        ),
        Target(id="c", name="c", metric="outcome", outcome="expert_pool", goal=9, deadline="2028-06-30"),
    ]  # fmt: skip
    with supervise.open() as merged:
        matched = [m for path in paths for m in merged.import_file(path).matches]
        with supervise.national.open(paths) as national:
            assert national.matches.rows == len(matched) > 0  # some trained in two provinces
            assert national.matches.people == len({m.registry_id for m in matched})
            for by in (None, "province", "prefecture", "county", "program"):
                assert (
                    plain(national.tiers(AS_OF, by).to_dict()) == merged.tiers(AS_OF, by).to_dict()
                )
            assert (
                national.outcomes(as_of=AS_OF).to_dict() == merged.outcomes(as_of=AS_OF).to_dict()
            )
            program = "12:12-prog-00"
            assert (
                plain(national.outcomes(program, as_of=AS_OF).to_dict())
                == merged.outcomes(plain(program), as_of=AS_OF).to_dict()
            )
            for target in targets:
                assert national.target_status(target, AS_OF) == merged.target_status(target, AS_OF)
            assert (
                plain(national.eligibility(policy, AS_OF).to_dict())
                == merged.eligibility(policy, AS_OF).to_dict()
            )
            ours = national.cohorts_progress(as_of=AS_OF)
            theirs = merged.cohorts_progress(as_of=AS_OF)
            assert [plain(c) for c in ours] == list(theirs)
            for cohort, result in ours.items():
                assert plain(result.to_dict()) == theirs[plain(cohort)].to_dict()
            completed = national.completions(AS_OF).to_pylist()
            assert len(completed) == sum(
                1 for c in theirs.values() for t in c.trainees if t.status == "completed"
            )


# -- people counted once -------------------------------------------------------------------


def _province(
    program: str, cohort: str, person: str, number: str | None, hours: float
) -> list[Any]:
    return [
        Program(id=program, name=f"{program} 督导人才培养"),
        PhaseSpec(program_id=program, key="theory", name="理论学习", order=1,
                  requirements=Requirements(hours=10)),
        Cohort(id=cohort, program_id=program, name="第一批", starts_on="2024-03-01",
               ends_on="2024-09-30"),
        Person(id=person, name="王雪梅", national_id=number, region_code="340121"),
        Enrollment(person_id=person, cohort_id=cohort, enrolled_on="2024-03-01"),
        Activity(id=f"{cohort}-a1", person_id=person, cohort_id=cohort, phase="theory",
                 on="2024-04-01", hours=hours),
    ]  # fmt: skip


HOURS = Policy(
    id="hours", name="二十小时", version="1", rules=[rules.hours_at_least(20, phase="theory")]
)


def test_a_person_trained_in_two_provinces_counts_once_with_what_both_recorded(
    tmp_path: Path,
) -> None:
    anhui = [
        *_province("ah", "ah-1", "p1", NID_1, 12),
        Credential(person_id="p1", level="assistant", issued_on="2019-05-01"),
    ]
    fujian = [
        *_province("fj", "fj-1", "f9", NID_1, 8),
        Credential(person_id="f9", level="intermediate", issued_on="2023-05-01"),
        Outcome(person_id="f9", kind="expert_pool", on="2024-10-01"),
        Person(id="f10", name="林静", national_id=NID_2, region_code="350102"),
    ]
    paths = [
        export(anhui, tmp_path, "anhui", "parquet"),
        export(fujian, tmp_path, "fujian", "json"),
    ]
    with supervise.national.open(paths) as national:
        assert national.matches == (1, 1)
        assert national.tiers("2024-12-06", by="province").to_dict() == {
            "as_of": "2024-12-06",
            "by": "province",
            "groups": {
                "34": {"none": 0, "assistant": 0, "intermediate": 1, "senior": 0, "total": 1},
                "35": {"none": 1, "assistant": 0, "intermediate": 0, "senior": 0, "total": 1},
            },
        }
        report = national.eligibility(HOURS, "2024-12-06")
        assert [(p.person_id, p.eligible) for p in report.people] == [
            ("anhui:p1", True),
            ("fujian:f10", False),
        ]
        assert report.people[0].results[0].actual == 20.0
        assert national.outcomes(as_of="2024-12-06").to_dict()["outcomes"]["expert_pool"] == 1
        assert national.outcomes("fujian:fj", as_of="2024-12-06").to_dict() == {
            "as_of": "2024-12-06",
            "program": "fujian:fj",
            "cohort": None,
            "enrolled": 1,
            "trained": 0,
            "outcomes": {
                "expert_pool": 1,
                "standard_drafting": 0,
                "senior_review_passed": 0,
                "senior_exam_passed": 0,
                "promotion": 0,
                "completion_certificate": 0,
                "other": 0,
            },
        }
        assert national.completions("2024-12-06").to_pylist() == [
            {
                "person_id": "anhui:p1",
                "name": "王雪梅",
                "province": "anhui",
                "program_id": "anhui:ah",
                "cohort_id": "anhui:ah-1",
            }
        ]
        assert national.counts()["fujian"]["people"] == 2
        assert [(p.label, p.format, p.national_ids) for p in national.provinces] == [
            ("anhui", "parquet", "plain"),
            ("fujian", "import", "plain"),
        ]


def test_pseudonyms_match_people_as_numbers_do(tmp_path: Path) -> None:
    key = ProtectionKey(bytes(range(32)))
    anhui = _province("ah", "ah-1", "p1", NID_1, 12)
    fujian = _province("fj", "fj-1", "f9", NID_1, 8)
    paths = [
        export(anhui, tmp_path, "anhui", "parquet", national_id_key=key),
        export(fujian, tmp_path, "fujian", "parquet", national_id_key=key),
    ]
    with supervise.national.open(paths) as national:
        assert national.matches == (1, 1)
        assert [p.national_ids for p in national.provinces] == ["hmac-sha256 fe6983adffbd4177"] * 2
        assert national.eligibility(HOURS, "2024-12-06").eligible == ("anhui:p1",)
    people = pq.read_table(paths[0] / "people.parquet")
    assert people.column("national_id").to_pylist() == [pseudonym(NID_1, key)]
    assert people.column("phone").to_pylist() == [None]
    assert people.schema.metadata[b"supervise.national_id"] == b"hmac-sha256 fe6983adffbd4177"


def test_numbers_and_pseudonyms_match_when_the_key_is_given(tmp_path: Path) -> None:
    key = ProtectionKey(bytes(range(32)))
    paths = [
        export(_province("ah", "ah-1", "p1", NID_1, 12), tmp_path, "anhui", "json"),
        export(_province("fj", "fj-1", "f9", NID_1, 8), tmp_path, "fujian", "parquet",
               national_id_key=key),
    ]  # fmt: skip
    with supervise.national.open(paths, key) as national:
        assert national.matches == (1, 1)
    with pytest.raises(ExportsRefused) as refused:
        supervise.national.open(paths)
    assert str(refused.value) == (
        "cannot roll up these exports: 1 problem; none of their rows was used\n"
        "  people: national_id (身份证号): anhui gives national ID numbers and fujian "
        "pseudonyms (hmac-sha256 fe6983adffbd4177): give the key to match them"
    )
    other = ProtectionKey(bytes(32))
    with pytest.raises(ExportsRefused) as refused:
        supervise.national.open(paths, other)
    assert refused.value.problems[0].reason == (
        f"the key given (hmac-sha256 {other.check()}) is not the one the exports "
        "were made with (hmac-sha256 fe6983adffbd4177)"
    )


def test_exports_made_with_different_keys_are_refused(tmp_path: Path) -> None:
    first, second = ProtectionKey(bytes(range(32))), ProtectionKey(bytes(32))
    paths = [
        export(_province("ah", "ah-1", "p1", NID_1, 12), tmp_path, "anhui", "parquet",
               national_id_key=first),
        export(_province("fj", "fj-1", "f9", NID_1, 8), tmp_path, "fujian", "parquet",
               national_id_key=second),
    ]  # fmt: skip
    with pytest.raises(ExportsRefused) as refused:
        supervise.national.open(paths)
    assert refused.value.problems[0].reason == (
        "the exports' pseudonyms were made with different keys (anhui: hmac-sha256 "
        f"fe6983adffbd4177; fujian: hmac-sha256 {second.check()}); every province must use the same key"
    )


# -- refusals --------------------------------------------------------------------------------


def test_conflicting_person_data_across_provinces_is_refused(tmp_path: Path) -> None:
    fujian = _province("fj", "fj-1", "f9", NID_1, 8)
    fujian[3] = Person(id="f9", name="王雪莓", national_id=NID_1, practice_since="2015-03-01")
    paths = [
        export(_province("ah", "ah-1", "p1", NID_1, 12), tmp_path, "anhui", "parquet"),
        export(fujian, tmp_path, "fujian", "parquet"),
    ]
    with pytest.raises(ExportsRefused) as refused:
        supervise.national.open(paths)
    assert str(refused.value) == (
        "cannot roll up these exports: 1 problem; none of their rows was used\n"
        "  fujian: people: name (姓名): person 'f9' has the national ID 340121********001X of "
        "anhui's 'p1', with another name (姓名): '王雪莓', not '王雪梅'; correct the number, or "
        "record the person alike in both provinces"
    )


def test_a_bad_province_file_is_refused_with_every_problem(tmp_path: Path) -> None:
    anhui = export(_province("ah", "ah-1", "p1", NID_1, 12), tmp_path, "anhui", "parquet")
    (anhui / "manifest.json").unlink()  # files made by hand: read as they are
    activities = pq.read_table(anhui / "activities.parquet")
    hours = pa.array([25.0], pa.float64())
    pq.write_table(activities.set_column(5, "hours", hours), anhui / "activities.parquet")
    people = pq.read_table(anhui / "people.parquet")
    pq.write_table(people.set_column(1, "name", pa.array(["\u3000"])), anhui / "people.parquet")
    good = export(_province("fj", "fj-1", "f9", NID_2, 8), tmp_path, "fujian", "json")
    with pytest.raises(ExportsRefused) as refused:
        supervise.national.open([good, anhui])
    assert str(refused.value) == (
        "cannot roll up these exports: 2 problems; none of their rows was used\n"
        "  anhui: people.parquet row 1: name (姓名): must be non-empty text (got '\\u3000')\n"
        "  anhui: activities.parquet row 1: hours (学时): must be at least 0 and at most 24 "
        "(got 25.0)"
    )


def test_an_export_in_an_unknown_format_is_refused(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    Path("ningxia.txt").write_text("id,name\n", encoding="utf-8")
    with pytest.raises(ExportsRefused) as refused:
        supervise.national.open([Path("ningxia.txt")])
    assert str(refused.value) == (
        "cannot roll up these exports: 1 problem; none of their rows was used\n"
        "  ningxia: ningxia.txt: expected a folder of CSV or Parquet files, a .zip of CSV "
        "files, a .csv, .parquet, .xlsx or .json file"
    )


def test_a_masked_export_cannot_be_matched_and_is_refused(tmp_path: Path) -> None:
    with supervise.open() as registry:
        registry.add(_province("ah", "ah-1", "p1", NID_1, 12))
        registry.export(tmp_path / "anhui", "parquet")
    with pytest.raises(ExportsRefused) as refused:
        supervise.national.open([tmp_path / "anhui"])
    assert [str(p) for p in refused.value.problems] == [
        "anhui: people.parquet: national_id (身份证号): national IDs in this export are "
        "masked, so its people cannot be matched with other provinces': export with "
        "--include-pii, or with --national-id-key for pseudonyms"
    ]


def test_two_exports_of_one_name_are_refused(tmp_path: Path) -> None:
    first = export(_province("ah", "ah-1", "p1", NID_1, 12), tmp_path / "a", "anhui", "parquet")
    second = export(_province("ah", "ah-1", "p1", NID_1, 12), tmp_path / "b", "anhui", "json")
    with pytest.raises(ExportsRefused) as refused:
        supervise.national.open([first, second])
    assert [p.reason for p in refused.value.problems] == [
        f"another export, {first}, has the same name: give each province's export its own name"
    ]


def test_a_roll_up_needs_an_export() -> None:
    with pytest.raises(ValueError, match="a roll-up needs at least one province's export"):
        supervise.national.open([])


def test_unknown_cohorts_and_programs_are_named(tmp_path: Path) -> None:
    path = export(_province("ah", "ah-1", "p1", NID_1, 12), tmp_path, "anhui", "parquet")
    with supervise.national.open([path]) as national:
        with pytest.raises(NotFound, match="Cohort 'ah-1' not found"):
            national.outcomes(cohort="ah-1")
        with pytest.raises(NotFound, match="Program 'anhui:x' not found"):
            national.outcomes(program="anhui:x")
        assert national.trainees_of("anhui:ah-1") == {"anhui:p1"}
        assert repr(national) == "<National of 1 provinces: anhui>"


def test_a_damaged_parquet_file_is_refused_by_both_the_roll_up_and_the_import(
    tmp_path: Path,
) -> None:
    anhui = export(_province("ah", "ah-1", "p1", NID_1, 12), tmp_path, "anhui", "parquet")
    (anhui / "manifest.json").unlink()  # else the manifest says first that it was changed
    path = anhui / "activities.parquet"
    data = path.read_bytes()
    path.write_bytes(data[:8] + bytes(200) + data[208:])  # the first page header zeroed
    with pytest.raises(ExportsRefused) as refused:
        supervise.national.open([anhui])
    (problem,) = refused.value.problems
    assert str(problem).startswith(
        "anhui: activities.parquet: cannot read the Parquet file: Couldn't deserialize thrift"
    )
    assert "\n" not in str(problem)
    with supervise.open() as registry, pytest.raises(supervise.ImportFailed) as failed:
        registry.import_file(anhui)
    assert [str(p).split(": cannot read the Parquet file:")[0] for p in failed.value.problems] == [
        "activities.parquet row 2: cannot read the row"
    ]


def test_a_roll_up_answers_in_more_memory_than_a_registry_unless_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from supervise.engine.duck import connect

    def limit(con: Any) -> str:
        return str(con.execute("SELECT current_setting('memory_limit')").fetchone()[0])

    monkeypatch.delenv("SUPERVISE_MEMORY", raising=False)
    path = export(_province("ah", "ah-1", "p1", NID_1, 12), tmp_path, "anhui", "parquet")
    with supervise.national.open([path]) as national:
        assert limit(national.engine.con) == limit(connect(memory="1GB"))
        assert limit(national.engine.con) != limit(connect())
    monkeypatch.setenv("SUPERVISE_MEMORY", "300MB")
    with supervise.national.open([path]) as national:
        assert limit(national.engine.con) == limit(connect()) == "286.1 MiB"
