"""CLI polish across every command: help with an example, 80-column tables, clean JSON on
stdout, documented exit statuses, and docs/cli.md generated from the help."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from supervise._text import width
from supervise.cli import all_commands, cli
from supervise.registry import Registry

ROOT = Path(__file__).parent.parent
TARGETS = str(ROOT / "examples" / "ningxia-targets.toml")
#: Arguments that make each result command print the Ningxia example's results.
RESULTS = {
    "progress": ["--cohort", "nx-2024-b2", "--as-of", "2024-10-15"],
    "eligible": ["--policy", "nx-expert-pool", "--as-of", "2024-12-06"],
    "tiers": ["--as-of", "2024-12-06", "--by", "county"],
    "outcomes": ["--as-of", "2024-12-06"],
    "targets": ["--targets", TARGETS, "--as-of", "2024-12-06"],
    "ce": ["--as-of", "2024-12-06"],
}


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cli_docs", ROOT / "scripts" / "cli_docs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), prog_name="supervise", terminal_width=80)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "ningxia.db"
    assert run("demo", "--db", str(path))[0] == 0
    return str(path)


# -- docs/cli.md -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(all_commands()))
def test_every_command_is_documented_in_docs_cli_md(name: str) -> None:
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert f"\n## supervise {name}\n" in page, (
        f"`supervise {name}` is not in docs/cli.md: run `make cli-docs`"
    )


def test_docs_cli_md_is_the_current_help_of_every_command() -> None:
    script = load_script()
    page = script.PAGE.read_text(encoding="utf-8")
    assert script.render(page) == page, "docs/cli.md is out of date: run `make cli-docs`"
    assert script.main(["--check"]) == 0


def test_the_exit_statuses_are_documented() -> None:
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for status in ("| 0 | success", "| 1 | a problem with the data", "| 2 | a usage error"):
        assert status in page
    assert "| 3 | an internal error" in page


# -- help ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(all_commands()))
def test_every_command_help_has_an_example_and_fits_80_columns(name: str) -> None:
    code, out, _ = run(name, "--help")
    assert code == 0
    assert re.search(r"^  Examples?:$", out, re.MULTILINE), (
        f"`supervise {name} --help` has no example"
    )
    assert re.search(rf"^    supervise {name} ", out, re.MULTILINE)
    assert max(width(line) for line in out.splitlines()) <= 80
    assert run(name, "-h")[1] == out


def test_the_top_level_help_lists_commands_with_exit_statuses() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert "Exit status: 0 ok, 1 data error, 2 usage error, 3 internal error." in " ".join(
        out.split()
    )
    assert max(width(line) for line in out.splitlines()) <= 80
    listed = re.findall(r"^  ([a-z]+) {2,}(.+)$", out.split("Commands:")[1], re.MULTILINE)
    assert sorted(name for name, _ in listed) == sorted(all_commands())
    assert [name for name, text in listed if text.endswith("...")] == []  # short helps whole


# -- output ----------------------------------------------------------------------------------


def test_every_command_with_formats_is_exercised_here() -> None:
    """Result commands (those offering --format html) are run in every format below;
    import, validate and export format other things and are tested with the exchange."""
    with_formats = {
        name
        for name, command in all_commands().items()
        if any(p.name == "fmt" and "html" in getattr(p.type, "choices", ()) for p in command.params)
    }
    assert with_formats == set(RESULTS), "add the command's arguments to RESULTS"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(RESULTS))
def test_tables_fit_80_columns(db: str, name: str, lang: str) -> None:
    code, out, err = run(name, "--db", db, *RESULTS[name], "--lang", lang)
    assert code == 0, err
    too_wide = [line for line in out.splitlines() if width(line) > 80]
    assert too_wide == []


def test_the_demo_summary_fits_80_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the summary names the file as given
    code, out, _ = run("demo", "--db", "ningxia.db")
    assert code == 0
    assert [line for line in out.splitlines() if width(line) > 80] == []


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_json_is_valid_and_alone_on_stdout(db: str, name: str) -> None:
    code, out, err = run(name, "--db", db, *RESULTS[name], "--format", "json")
    assert code == 0, err
    assert err == ""
    json.loads(out)  # the whole of stdout is one JSON document


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_html_is_a_whole_page_without_personal_data(
    db: str, name: str, ningxia_registry: Registry
) -> None:
    code, out, err = run(name, "--db", db, *RESULTS[name], "--format", "html", "--lang", "en")
    assert code == 0, err
    assert out.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert out.endswith("</body></html>\n")
    assert not re.search(r"\d{17}[\dX]|1[3-9]\d{9}", out)


# -- exit statuses ---------------------------------------------------------------------------


def test_exit_status_1_for_a_data_error(db: str) -> None:
    code, out, err = run("progress", "--db", db, "--cohort", "nope")
    assert (code, out, err) == (
        1,
        "",
        "Error: 找不到批次 'nope'；现有的批次：nx-2022-b1 (第一批), nx-2024-b2 (第二批)\n",
    )


def test_exit_status_2_for_a_usage_error(db: str) -> None:
    code, out, err = run("progress", "--db", db, "--cohort", "nx-2024-b2", "--format", "xml")
    assert code == 2
    assert out == ""
    assert "Invalid value for '--format'" in err


def test_exit_status_3_for_an_internal_error_without_traceback(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Registry, "tiers", broken)
    code, out, err = run("tiers", "--db", db)
    assert code == 3
    assert out == ""
    assert err.startswith("Error: internal error RuntimeError: boom (run with SUPERVISE_DEBUG=1")
    assert "Traceback" not in err
