"""The HTML templates: every word from a catalogue (so in both languages), every value
escaped, shipped with the package, and never loaded for terminal output."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import attrs
import pytest

from supervise.present import html
from supervise.registry import Registry

LETTERS = re.compile(r"[A-Za-z\u4e00-\u9fff]")


def templates() -> list[str]:
    folder = resources.files("supervise.present") / "templates"
    return sorted(f.name for f in folder.iterdir() if f.name.endswith(".j2"))


def test_the_templates_are_shipped_with_the_package() -> None:
    assert templates() == [
        "cohort_report.html.j2",
        "department_report.html.j2",
        "eligibility.html.j2",
        "macros.html.j2",
        "national_report.html.j2",
        "page.html.j2",
        "sections.html.j2",
    ]
    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert '"**/*.j2"' in pyproject


@pytest.mark.parametrize("name", templates())
def test_a_template_holds_no_words_of_its_own(name: str) -> None:
    """Words reach a page from the views' catalogues, which hold each in Chinese and English
    (tests/test_lang.py checks them); a template only lays them out."""
    text = (resources.files("supervise.present") / "templates" / name).read_text("utf-8")
    for pattern in (r"\{#.*?#\}", r"\{\{.*?\}\}", r"\{%.*?%\}", r"<style>.*?</style>", r"<[^>]*>"):
        text = re.sub(pattern, " ", text, flags=re.DOTALL)
    assert not LETTERS.search(text), f"{name}: {LETTERS.findall(text)[:10]}"


def test_the_environment_escapes_everything() -> None:
    env = html.environment()
    assert env.autoescape is True
    page = html.page("<title>", ["<b>not bold</b>", html.line("<i>")], "zh")
    assert "<title>&lt;title&gt;</title>" in page
    assert "&lt;b&gt;not bold&lt;/b&gt;" in page
    assert "&lt;i&gt;" in page


def test_team_and_station_names_are_escaped(ningxia_registry: Registry) -> None:
    from supervise.core.placements import Placements

    evil = "<img src=x onerror=alert(1)>"
    result = ningxia_registry.cohort_progress("nx-2024-b2", "2024-10-15")
    teams = result.by_team()
    teams = attrs.evolve(teams, teams=(attrs.evolve(teams.teams[0], team=evil),))
    placed = ningxia_registry.placements(cohort="nx-2024-b2", as_of="2024-10-15")
    row = attrs.evolve(placed.rows[0], station=evil, name=evil)
    placed = Placements(as_of=placed.as_of, program=None, cohort=None, rows=(row,))
    for page in (teams.to_html(), placed.to_html(), html.block(placed.to_html())):
        assert "<img" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.parametrize(
    "command",
    [
        ["progress", "--cohort", "nx-2024-b2"],
        ["progress", "--cohort", "nx-2024-b2", "--by-team"],
        ["eligible", "--policy", "nx-expert-pool"],
        ["tiers"],
        ["outcomes"],
    ],
)
def test_terminal_output_does_not_load_jinja2(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "nx.db"
    code = f"""
import sys
from supervise.cli import main
sys.argv = ["supervise", "demo", "--db", {str(db)!r}]
try:
    main()
except SystemExit:
    pass
sys.argv = ["supervise", *{command!r}, "--db", {str(db)!r}, "--as-of", "2024-10-15"]
try:
    main()
except SystemExit as exit:
    assert not exit.code, exit.code
print(sorted(m for m in sys.modules if m.split(".")[0] in ("jinja2", "markupsafe")))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
