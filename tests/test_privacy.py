"""No full national ID number or phone number leaks from any output path unless asked for.

A registry of generated people (every one with an ID number and a phone) goes through every
way the library shows or writes data: reprs, text, HTML, DataFrames, JSON, every CLI command
and format, error messages and log records. None may contain a full number.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import supervise
from supervise import Person, synth
from supervise.cli import cli

SCALE = synth.Scale(trainees=60, cohorts=2, programs=1)
AS_OF = "2022-01-15"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("privacy") / "people.db"
    with supervise.open(path) as registry:
        synth.write(registry, SCALE)
    return path


@pytest.fixture(scope="module")
def secrets(db: Path) -> list[str]:
    with supervise.open(db) as registry:
        people = registry.find(Person)
    numbers = [p.national_id for p in people if p.national_id] + [
        p.phone for p in people if p.phone
    ]
    assert len(numbers) == 2 * len(people)
    return numbers


def leaked(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s in text]


def test_reprs_and_results_never_show_full_numbers(db: Path, secrets: list[str]) -> None:
    policy = synth.expert_pool_policy(SCALE)
    with supervise.open(db) as registry:
        shown: list[Any] = [
            repr(registry),
            *map(repr, registry.find(Person)),
            *map(str, registry.find(Person)),
        ]
        progress = registry.cohort_progress("coh-0000", AS_OF)
        report = registry.eligibility(policy, AS_OF)
        results: list[Any] = [
            progress,
            report,
            registry.tiers(AS_OF, by="county"),
            registry.outcomes(as_of=AS_OF),
        ]
        for result in results:
            shown += [
                str(result),
                result.to_text("en"),
                result.to_html(),
                result.to_html("en"),
                json.dumps(result.to_dict(), ensure_ascii=False),
                result.to_pandas().to_csv(),
            ]
        shown += [repr(report.people[0].results), repr(report.people[0])]
    assert leaked("\n".join(shown), secrets) == []


COMMANDS = [
    (["progress", "--cohort", "coh-0000", "--as-of", AS_OF], ["table", "json", "csv", "html"]),
    (["eligible", "--policy", "POLICY", "--as-of", AS_OF], ["table", "json", "csv", "html"]),
    (["tiers", "--as-of", AS_OF, "--by", "county"], ["table", "json", "csv", "html"]),
    (["outcomes", "--as-of", AS_OF], ["table", "json", "html"]),
]
RUNS = [(command, fmt) for command, formats in COMMANDS for fmt in formats]


@pytest.mark.parametrize(("command", "fmt"), RUNS, ids=[f"{c[0]}-{f}" for c, f in RUNS])
def test_no_cli_command_or_format_shows_full_numbers(
    db: Path, secrets: list[str], tmp_path: Path, command: list[str], fmt: str
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(_toml(synth.expert_pool_policy(SCALE)), encoding="utf-8")
    args = [str(policy) if a == "POLICY" else a for a in command]
    result = CliRunner().invoke(cli, [*args, "--db", str(db), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert leaked(result.output, secrets) == []


def test_the_html_report_shows_no_full_numbers(
    db: Path, secrets: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "--db",
            str(db),
            "--cohort",
            "coh-0000",
            "--as-of",
            AS_OF,
            "--no-charts",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert leaked(out.read_text(encoding="utf-8"), secrets) == []


def test_error_messages_about_national_ids_mask_them(db: Path, secrets: list[str]) -> None:
    with supervise.open(db) as registry:
        someone = registry.find(Person)[0]
        assert someone.national_id is not None
        with pytest.raises(supervise.IntegrityError) as clash:
            registry.add(Person(id="newcomer", name="新人", national_id=someone.national_id))
        wrong = someone.national_id[:-1] + ("0" if someone.national_id[-1] != "0" else "1")
        with pytest.raises(supervise.InvalidRecord) as invalid:
            Person(id="x", name="x", national_id=wrong)
    messages = [str(clash.value), repr(clash.value), str(invalid.value), repr(invalid.value)]
    assert leaked("\n".join(messages), [*secrets, wrong]) == []


def test_log_records_show_no_full_numbers(
    db: Path, secrets: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with supervise.open(db) as registry:
        registry.cohorts_progress(as_of=AS_OF)
        registry.eligibility(synth.expert_pool_policy(SCALE), AS_OF)
        for person in registry.find(Person)[:5]:
            registry.add(person)
    assert leaked("\n".join(r.getMessage() for r in caplog.records), secrets) == []


def _toml(policy: supervise.Policy) -> str:
    """A policy as TOML text (the tests' own tiny writer)."""

    def value(v: Any) -> str:
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
        if isinstance(v, list):
            return "[ " + ", ".join(value(x) for x in v) + " ]"
        return json.dumps(v, ensure_ascii=False)

    data = policy.to_dict()
    lines = [f"{k} = {value(data[k])}" for k in ("id", "name", "version", "description")]
    for rule in data["rules"]:
        lines.append("[[rules]]")
        lines += [f"{k} = {value(v)}" for k, v in rule.items()]
    return "\n".join(lines) + "\n"


def test_parquet_exports_mask_numbers_or_write_pseudonyms(
    db: Path, secrets: list[str], tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    from supervise.pseudonym import ProtectionKey

    def texts(folder: Path) -> str:
        found = []
        for file in folder.glob("*.parquet"):
            data = pq.read_table(file)
            found.append(json.dumps(data.to_pylist(), ensure_ascii=False, default=str))
            found.append(str(data.schema.metadata))
        return "\n".join(found)

    with supervise.open(db) as registry:
        registry.export(tmp_path / "masked", "parquet")
        registry.export(tmp_path / "hashed", "parquet", national_id_key=ProtectionKey(bytes(32)))
        registry.export(tmp_path / "plain", "parquet", include_pii=True)
    assert leaked(texts(tmp_path / "masked"), secrets) == []
    assert leaked(texts(tmp_path / "hashed"), secrets) == []
    assert len(leaked(texts(tmp_path / "plain"), secrets)) == len(secrets)


def test_a_national_roll_up_shows_no_full_numbers(
    db: Path, secrets: list[str], tmp_path: Path
) -> None:
    import supervise.national

    with supervise.open(db) as registry:
        registry.export(tmp_path / "ningxia", "parquet", include_pii=True)
    policy = tmp_path / "policy.toml"
    policy.write_text(_toml(synth.national_policy()), encoding="utf-8")
    sources = ["--from", str(tmp_path / "ningxia")]
    shown = []
    for args in (
        ["tiers", "--by", "county"],
        ["outcomes"],
        ["eligible", "--policy", str(policy)],
    ):
        for fmt in ("table", "json", "html"):
            result = CliRunner().invoke(
                cli, ["national", *args, *sources, "--as-of", AS_OF, "--format", fmt]
            )
            assert result.exit_code == 0, result.output
            shown.append(result.output)
    out = tmp_path / "national.html"
    result = CliRunner().invoke(
        cli,
        ["national", "report", *sources, "--as-of", AS_OF, "--policy", str(policy), "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    shown.append(out.read_text(encoding="utf-8"))
    with supervise.national.open([tmp_path / "ningxia"]) as national:
        shown += [
            repr(national),
            str(national.provinces),
            str(national.completions(AS_OF).to_pylist()),
        ]
    assert leaked("\n".join(shown), secrets) == []
