"""Policy versions with effective dates, and the new rule parameters in policy files
(docs/eligibility.md#versions)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import supervise
from supervise import (
    Credential,
    CycleRequirement,
    Person,
    Policy,
    PolicyError,
    VersionedPolicy,
    load_policy,
    rules,
)
from supervise.cli import cli
from supervise.core.policy import policy_from_dict

VERSIONED = """
id = "pool"
name = "专家库"

[continuing_education]
hours = { intermediate = 60 }

[[versions]]
version = "2024.1"
effective_from = 2024-01-01
effective_until = "2024年12月31日"
[[versions.rules]]
kind = "credential_at_least"
level = "assistant"

[[versions]]
version = "2025.1"
effective_from = 2025-01-01
[versions.continuing_education]
cycle_years = 2
[[versions.rules]]
kind = "credential_at_least"
level = "intermediate"
[[versions.rules]]
kind = "continuing_education_at_least"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_versioned_policy_file_loads_and_round_trips(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, VERSIONED))
    assert isinstance(policy, VersionedPolicy)
    first, second = policy.versions
    assert (first.version, first.effective_from, first.effective_until) == (
        "2024.1",
        date(2024, 1, 1),
        date(2024, 12, 31),
    )
    assert first.continuing_education == CycleRequirement(
        {"assistant": 72.0, "intermediate": 60.0, "senior": 90.0}, 3
    )
    assert second.continuing_education == CycleRequirement(
        {"assistant": 72.0, "intermediate": 90.0, "senior": 90.0}, 2
    )  # a version's own table replaces the policy's
    assert policy_from_dict(policy.to_dict()) == policy
    assert policy.to_dict()["versions"][1]["continuing_education"] == {
        "cycle_years": 2,
        "hours": {"assistant": 72.0, "intermediate": 90.0, "senior": 90.0},
    }


@pytest.mark.parametrize(
    ("as_of", "version"),
    [("2024-01-01", "2024.1"), ("2024-12-31", "2024.1"), ("2025-01-01", "2025.1"), ("2031-01-01", "2025.1")],
)  # fmt: skip
def test_the_version_in_force_decides(tmp_path: Path, as_of: str, version: str) -> None:
    policy = load_policy(write(tmp_path, VERSIONED))
    records = [
        Person(id="p", name="甲"),
        Credential(person_id="p", level="assistant", issued_on="2020-01-01"),
    ]
    report = supervise.eligibility(policy, records, as_of)
    assert report.policy_version == version
    assert report.eligible == (("p",) if version == "2024.1" else ())
    assert report.to_dict()["policy"]["version"] == version  # fmt: skip


def test_a_date_no_version_covers_is_an_error_naming_the_dates(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, VERSIONED))
    with pytest.raises(PolicyError) as info:
        supervise.eligibility(policy, [], "2023-12-31")
    assert str(info.value) == (
        "policy 'pool' has no version in force on 2023-12-31 (versions: 2024.1 from "
        "2024-01-01 until 2024-12-31; 2025.1 from 2025-01-01); 入库条件 pool 在 2023-12-31 "
        "没有生效的版本"
    )


def test_a_version_can_be_forced_whatever_the_date(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, VERSIONED))
    report = supervise.eligibility(policy, [], "2023-12-31", version="2025.1")
    assert report.to_dict()["policy"] == {
        "id": "pool",
        "version": "2025.1",
        "name": "专家库",
        "effective_from": "2025-01-01",
        "effective_until": None,
    }
    with pytest.raises(
        PolicyError, match=r"policy 'pool' has no version '2026' \(versions: 2024.1, 2025.1\)"
    ):
        supervise.eligibility(policy, [], "2023-12-31", version="2026")  # fmt: skip


def test_a_policy_without_versions_is_always_in_force() -> None:
    policy = Policy(id="x", name="x", version="1", rules=[rules.practice_years_at_least(1)])
    assert policy.in_force(date(1990, 1, 1)) is policy
    assert policy.select("1") is policy
    with pytest.raises(PolicyError, match=r"policy 'x' has no version '2' \(versions: 1\)"):
        policy.select("2")
    assert "effective_from" not in policy.to_dict()


def test_the_policy_s_hours_decide_continuing_education() -> None:
    records: list[Any] = [
        Person(id="p", name="甲"),
        Credential(person_id="p", level="intermediate", issued_on="2024-01-01"),
        supervise.ContinuingEducation(id="e", person_id="p", on="2024-02-01", hours=60),
    ]
    rule = rules.continuing_education_at_least()
    lenient = Policy(
        id="x", name="x", version="1", rules=[rule],
        continuing_education=CycleRequirement({"intermediate": 60.0}, 3),
    )  # fmt: skip
    strict = Policy(id="x", name="x", version="1", rules=[rule])
    assert supervise.eligibility(lenient, records, "2024-12-06").eligible == ("p",)
    assert supervise.eligibility(strict, records, "2024-12-06").eligible == ()


POLICY_ERRORS = [
    ('id = "p"\nname = "n"\nversion = "1"\n[[versions]]\nversion = "2"\neffective_from = 2024-01-01\nrules = []',
     "a policy has either version and rules, or [[versions]] each with its own version and rules, not both"),
    ('id = "p"\nname = "n"\nversions = 3', "versions: must be an array of tables ([[versions]])"),
    ('id = "p"\nname = "n"\n[[versions]]\nversion = "1"\n[[versions.rules]]\nkind = "practice_years_at_least"\nyears = 1',
     "versions[0]: missing 'effective_from'"),
    ('id = "p"\nname = "n"\n[[versions]]\nversion = "1"\neffective_from = "someday"\n[[versions.rules]]\nkind = "practice_years_at_least"\nyears = 1',
     "versions[0].effective_from: 'someday' is not a date; write it as 2024-07-01, 2024/7/1, 2024.7.1 or 2024年7月1日"),
    ('id = "p"\nname = "n"\n[[versions]]\nversion = "1"\neffective_from = 2024-01-01\nowner = "x"\nrules = []',
     "versions[0].unknown key 'owner' (expected version, effective_from, effective_until, rules, continuing_education)"),
    ('id = "p"\nname = "n"\n[[versions]]\nversion = "1"\neffective_from = 2024-01-01\n[[versions.rules]]\nkind = "hour_at_least"',
     "versions[0].rules[0]: unknown kind 'hour_at_least' (did you mean 'hours_at_least'?)"),
    ('id = "p"\nname = "n"\n[[versions]]\nversion = "1"\neffective_from = 2024-01-01\n[[versions.rules]]\nkind = "practice_years_at_least"\nyears = 1\n'
     '[[versions]]\nversion = "2"\neffective_from = 2024-06-01\n[[versions.rules]]\nkind = "practice_years_at_least"\nyears = 2',
     "versions: '1' and '2' overlap: '1' has no end, '2' starts on 2024-06-01"),
    ('id = "p"\nname = "n"\n[[versions]]\nversion = "1"\neffective_from = 2024-01-01\neffective_until = 2024-06-01\n[[versions.rules]]\nkind = "practice_years_at_least"\nyears = 1\n'
     '[[versions]]\nversion = "2"\neffective_from = 2024-06-01\n[[versions.rules]]\nkind = "practice_years_at_least"\nyears = 2',
     "versions: '1' and '2' overlap: '1' runs until 2024-06-01, '2' starts on 2024-06-01"),
    ('id = "p"\nname = "n"\n[[versions]]\nversion = "1"\neffective_from = 2024-01-01\n[[versions.rules]]\nkind = "practice_years_at_least"\nyears = 1\n'
     '[[versions]]\nversion = "1"\neffective_from = 2025-01-01\n[[versions.rules]]\nkind = "practice_years_at_least"\nyears = 2',
     "versions: version '1' appears twice"),
    ('id = "p"\nname = "n"\nversion = "1"\n[continuing_education]\ncycle_years = 0\n[[rules]]\nkind = "practice_years_at_least"\nyears = 1',
     "continuing_education: cycle_years: must be a whole number of at least 1, not 0"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), POLICY_ERRORS)
def test_version_errors_name_the_file_and_the_place(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert str(info.value) == f"{path}: {message}"


RULE_FILES = [
    ('kind = "hours_at_least"\nhours = 3\nphase = ["theory", "training"]\nuntil = 2024-10-01',
     rules.hours_at_least(3, phase=["theory", "training"], until="2024-10-01")),
    ('kind = "sessions_at_least"\nsessions = 6\nform = "团体督导"\nmax_group_sessions = 4',
     rules.sessions_at_least(6, form="group", max_group_sessions=4)),
    ('kind = "ratio_at_least"\nratio = 0.1\nnumerator = { measure = "session_hours", form = ["individual", "peer"] }\ndenominator = { measure = "hours", phase = "practicum" }',
     rules.ratio_at_least(0.1, {"measure": "session_hours", "form": ["individual", "peer"]}, {"measure": "hours", "phase": "practicum"})),
    ('kind = "at_least_n_of"\nn = 1\nrules = [ { kind = "practice_years_at_least", years = 3 } ]',
     rules.at_least_n_of(1, [rules.practice_years_at_least(3)])),
    ('kind = "continuing_education_at_least"\nhours = 24', rules.continuing_education_at_least(24)),
]  # fmt: skip


@pytest.mark.parametrize(("body", "rule"), RULE_FILES)
def test_the_new_parameters_load_from_policy_files(tmp_path: Path, body: str, rule: Any) -> None:
    path = write(tmp_path, f'id = "p"\nname = "n"\nversion = "1"\n[[rules]]\n{body}\n')
    policy = load_policy(path)
    assert isinstance(policy, Policy)
    assert policy.rules == (rule,)
    assert policy_from_dict(policy.to_dict()) == policy


RULE_ERRORS = [
    ('kind = "hours_at_least"\nhours = 3\nphase = ["theory", 3]', "rules[0].phase: must be text or a list of text, not ['theory', 3]"),
    ('kind = "hours_at_least"\nhours = 3\nsince = 2024-09-01\nuntil = 2024-08-01', "rules[0]: hours_at_least: since (2024-09-01) must not be after until (2024-08-01)"),
    ('kind = "sessions_at_least"\nsessions = 3\nmax_group_sessions = 1.5', "rules[0].max_group_sessions: must be a whole number, not 1.5"),
    ('kind = "at_least_n_of"\nn = 2\nrules = [ { kind = "practice_years_at_least", years = 3 } ]', "rules[0]: at_least_n_of: n (2) must not be more than the number of rules (1)"),
    ('kind = "at_least_n_of"\nn = 1.5\nrules = [ { kind = "practice_years_at_least", years = 3 } ]', "rules[0].n: must be a whole number, not 1.5"),
    ('kind = "at_least_n_of"\nn = 1\nrules = [ { kind = "hour_at_least", hours = 3 } ]', "rules[0].rules[0]: unknown kind 'hour_at_least' (did you mean 'hours_at_least'?)"),
    ('kind = "ratio_at_least"\nratio = 0.1\nnumerator = "hours"\ndenominator = { measure = "hours" }', 'rules[0].numerator: must be a table such as { measure = "hours" }, not \'hours\''),
    ('kind = "ratio_at_least"\nratio = 0.1\nnumerator = { measure = "minutes" }\ndenominator = { measure = "hours" }', "rules[0]: ratio_at_least: measure must be one of hours, sessions, session_hours, not 'minutes'"),
    ('kind = "ratio_at_least"\nratio = 0.1\nnumerator = { measure = "hours", phase = 3 }\ndenominator = { measure = "hours" }', "rules[0].numerator.phase: must be text or a list of text, not 3"),
    ('kind = "continuing_education_at_least"\nhours = "24"', "rules[0].hours: must be a number, not '24'"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "message"), RULE_ERRORS)
def test_new_parameter_errors_give_the_position(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, f'id = "p"\nname = "n"\nversion = "1"\n[[rules]]\n{body}\n')
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert str(info.value) == f"{path}: {message}"


# -- the command -----------------------------------------------------------------------------


def run(*args: Any) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_eligible_uses_the_version_in_force_or_the_one_asked_for(db_path: Path) -> None:
    assert run("demo", "--db", db_path)[0] == 0
    base = ("eligible", "--db", db_path, "--policy", "nx-expert-pool", "--format", "json")
    code, out, _ = run(*base, "--as-of", "2024-12-06")
    assert json.loads(out)["policy"]["version"] == "2024.1"
    code, out, _ = run(*base, "--as-of", "2024-12-06", "--policy-version", "2025.1")
    data = json.loads(out)
    assert (data["policy"]["version"], data["policy"]["effective_from"]) == ("2025.1", "2025-07-01")
    assert len(data["eligible"]) == 2
    code, out, err = run(*base, "--as-of", "2021-01-01")
    assert (code, out) == (1, "")
    assert err.startswith("Error: policy 'nx-expert-pool' has no version in force on 2021-01-01")
    code, out, err = run(*base, "--policy-version", "1999")
    assert (code, out) == (1, "")
    assert "has no version '1999' (versions: 2024.1, 2025.1)" in err
