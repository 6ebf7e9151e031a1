"""Policies as data: TOML files, built-ins, and errors that give the rule's position."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import supervise
from supervise import BUILTIN_POLICIES, Policy, PolicyError, VersionedPolicy, load_policy, rules
from supervise.core.policy import policy_from_dict

EXAMPLE = """
id = "nx-expert-pool"
name = "宁夏社会工作人才专家库入库条件"
version = "2024.1"
[[rules]]
kind = "completed_program"
program = "nx-sup-2024"
[[rules]]
kind = "any_of"
rules = [ { kind = "deliverable_score_at_least", phase = "case_study", score = 85 },
          { kind = "outcome_present", outcome = "standard_drafting" } ]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_policy_file_in_the_documented_shape_loads(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, EXAMPLE))
    assert policy == Policy(
        id="nx-expert-pool",
        name="宁夏社会工作人才专家库入库条件",
        version="2024.1",
        rules=[
            rules.completed_program("nx-sup-2024"),
            rules.any_of(
                [
                    rules.deliverable_score_at_least(85, phase="case_study"),
                    rules.outcome_present("standard_drafting"),
                ]
            ),
        ],
    )


def test_not_takes_its_rule_as_an_inline_table_and_dates_load(tmp_path: Path) -> None:
    text = """id = "p"
name = "n"
version = 3
[[rules]]
kind = "not"
rule = { kind = "outcome_present", outcome = "其他", since = 2024-01-01 }
[[rules]]
kind = "hours_at_least"
hours = 12.5
since = "2024年1月1日"
"""
    policy = load_policy(write(tmp_path, text))
    assert policy.version == "3"
    assert policy.rules == (
        rules.not_(rules.outcome_present("other", since="2024-01-01")),
        rules.hours_at_least(12.5, since="2024-01-01"),
    )


def test_to_dict_round_trips() -> None:
    policy = load_policy("nx-expert-pool")
    assert policy_from_dict(policy.to_dict()) == policy


def test_the_builtin_example_policy_loads_by_name() -> None:
    assert "nx-expert-pool" in BUILTIN_POLICIES
    policy = load_policy("nx-expert-pool")
    assert isinstance(policy, VersionedPolicy)
    assert [(v.version, v.effective_from, v.effective_until) for v in policy.versions] == [
        ("2024.1", date(2022, 6, 1), date(2025, 6, 30)),
        ("2025.1", date(2025, 7, 1), None),
    ]
    first, second = policy.versions
    assert [r.kind for r in first.rules] == [
        "any_of",
        "credential_at_least",
        "practice_years_at_least",
        "any_of",
    ]
    assert [r.kind for r in second.rules] == [
        "any_of",
        "credential_at_least",
        "practice_years_at_least",
        "continuing_education_at_least",
        "at_least_n_of",
    ]
    assert policy.in_force(date(2024, 12, 6)) is first
    assert policy.in_force(date(2025, 7, 1)) is second
    assert "Example" in policy.description


RULES_ERRORS = [
    (
        'kind = "hour_at_least"\nhours = 3',
        "rules[0]: unknown kind 'hour_at_least' (did you mean 'hours_at_least'?)",
    ),
    ("hours = 3", "rules[0]: missing 'kind'"),
    ('kind = "hours_at_least"', "rules[0]: hours_at_least needs parameter 'hours'"),
    ('kind = "hours_at_least"\nhours = "3"', "rules[0].hours: must be a number, not '3'"),
    ('kind = "hours_at_least"\nhours = -3', "rules[0].hours: must not be negative, not -3"),
    (
        'kind = "sessions_at_least"\nsessions = 2.5',
        "rules[0].sessions: must be a whole number, not 2.5",
    ),
    (
        'kind = "hours_at_least"\nhours = 3\nphse = "theory"',
        "rules[0]: hours_at_least has no parameter 'phse' (parameters: hours, phase, program, since, until)",
    ),
    (
        'kind = "credential_at_least"\nlevel = "expert"',
        "rules[0]: credential_at_least: unknown CredentialLevel 'expert'; expected one of assistant (助理社会工作师), intermediate (社会工作师), senior (高级社会工作师)",
    ),
    ('kind = "credential_at_least"\nlevel = 3', "rules[0].level: must be text, not 3"),
    (
        'kind = "hours_at_least"\nhours = 3\nsince = "someday"',
        "rules[0]: hours_at_least: 'someday' is not a date; write it as 2024-07-01, 2024/7/1, 2024.7.1 or 2024年7月1日",
    ),
    (
        'kind = "any_of"\nrules = [ { kind = "outcome_present", outcome = "expert_pool" }, { kind = "hour_at_least", hours = 3 } ]',
        "rules[0].rules[1]: unknown kind 'hour_at_least' (did you mean 'hours_at_least'?)",
    ),
    ('kind = "any_of"\nrules = []', "rules[0]: any_of: rules must hold at least one rule"),
    ('kind = "any_of"\nrules = "x"', "rules[0].rules: must be an array of inline tables"),
    ('kind = "not"\nrule = { kind = "nope" }', "rules[0].rule: unknown kind 'nope'"),
]


@pytest.mark.parametrize(("body", "message"), RULES_ERRORS, ids=[m for _, m in RULES_ERRORS])
def test_rule_errors_give_the_position(tmp_path: Path, body: str, message: str) -> None:
    path = write(
        tmp_path,
        f'id = "p"\nname = "n"\nversion = "1"\n[[rules]]\nkind = "completed_program"\nprogram = "x"\n[[rules]]\n{body}\n'.replace(
            '[[rules]]\nkind = "completed_program"\nprogram = "x"\n', ""
        ),
    )
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert str(info.value) == f"{path}: {message}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "n"\nversion = "1"\nrules = []', "missing 'id'"),
        ('id = "p"\nname = "n"\nversion = "1"', "missing 'rules'"),
        (
            'id = "p"\nname = "n"\nversion = "1"\nrules = []',
            "rules: a policy needs at least one rule",
        ),
        (
            'id = "p"\nname = "n"\nversion = "1"\nrules = 3',
            "rules: must be an array of tables ([[rules]])",
        ),
        (
            'id = "p"\nname = "n"\nversion = "1"\nowner = "x"\nrules = []',
            "unknown key 'owner' (expected id, name, version, description, rules, "
            "continuing_education)",
        ),
        (
            'id = ""\nname = "n"\nversion = "1"\n[[rules]]\nkind = "practice_years_at_least"\nyears = 3',
            "id: must be non-empty text, not ''",
        ),
        ('id = "p"\nname = "n"\nversion = true\nrules = []', "version: must be text, not True"),
        ('id = "p" name', "not valid TOML"),
    ],
)
def test_policy_level_errors(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert message in str(info.value)
    assert str(info.value).startswith(str(path))


def test_an_unknown_policy_name_lists_the_builtins() -> None:
    with pytest.raises(
        PolicyError,
        match=r"no policy file 'nx-expert', and no built-in policy of that name \(built-in: nx-expert-pool\)",
    ):
        load_policy("nx-expert")


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            rules.completed_program("nx-sup-2025"),
            "rules[0]: unknown program 'nx-sup-2025' (did you mean 'nx-sup-2024'?)",
        ),
        (
            rules.phase_complete("nx-sup-2024", "theroy"),
            "rules[0]: unknown phase 'theroy' in program 'nx-sup-2024' (did you mean 'theory'?)",
        ),
        (
            rules.any_of(
                [rules.outcome_present("other"), rules.hours_at_least(3, phase="lesson_design")]
            ),
            "rules[0].rules[1]: unknown phase 'lesson_design'",
        ),
        (
            rules.not_(rules.sessions_at_least(1, program="zz")),
            "rules[0].rule: unknown program 'zz'",
        ),
    ],
)
def test_unknown_programs_and_phases_are_reported_with_the_position(
    rule: object, message: str
) -> None:
    from supervise.demo import ningxia

    policy = Policy(id="p", name="n", version="1", rules=[rule])
    with supervise.open() as registry:
        ningxia.build(registry)
        with pytest.raises(PolicyError) as info:
            registry.eligibility(policy, "2024-12-06")
    assert str(info.value) == message
