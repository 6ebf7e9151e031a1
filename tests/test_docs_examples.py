"""The tutorial and the how-to guides run as written, and print what they show.

Each page in PAGES is run from the top in a fresh directory, block by block, the way a reader
follows it:

- ```` ```console ```` blocks: each ``$ supervise ...`` or ``$ sqlite-utils ...`` line (``\\``
  continues it) runs that command, which must succeed and print the lines below it (a line
  ``...`` stands for any number of lines);
- ```` ```python ```` blocks run in one namespace, in order; a ```` ```text title="Output" ````
  block right after one is what it must print;
- a block with a file name as its title (```` ```toml title="targets.toml" ````) is a file
  the reader saves: it is written before the next block runs;
- ```` ```sh ```` blocks hold the installation and the commands that start another program
  (Datasette, DB Browser for SQLite), which the test cannot redo.

Any other block fails the test, so nothing on these pages goes unchecked.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlite_utils.cli import cli as sqlite_utils_cli

from supervise.cli import cli
from supervise.registry import Registry
from supervise.report.fonts import FontWarning

DOCS = Path(__file__).parent.parent / "docs"
PAGES = [
    "tutorial.md",
    "how-to/who-qualifies.md",
    "how-to/department-report.md",
    "how-to/track-a-target.md",
    "how-to/sign-off.md",
    "how-to/continuing-education.md",
    "how-to/credentials-between-provinces.md",
    "how-to/browse-a-registry.md",
    "how-to/protect-and-audit.md",
    "how-to/national-roll-up.md",
]
FENCE = re.compile(
    r"^```(?P<lang>[\w-]*)(?P<attrs>[^\n]*)\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL
)
TITLE = re.compile(r'title="([^"]+)"')
INSTALL = re.compile(
    r"(python3 -m venv |\. \.venv/bin/activate$|pip install |apt-get install |make "
    r"|datasette |sqlitebrowser )"
)


@dataclass(frozen=True)
class Block:
    lang: str
    title: str | None
    body: str
    where: str  # page and line, for messages


def blocks(page: str) -> list[Block]:
    text = (DOCS / page).read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        title = TITLE.search(match["attrs"])
        line = text.count("\n", 0, match.start()) + 1
        found.append(Block(match["lang"], title and title[1], match["body"], f"docs/{page}:{line}"))
    return found


def lines(text: str) -> list[str]:
    """``text`` as lines without trailing spaces or trailing blank lines."""
    out = [line.rstrip() for line in text.splitlines()]
    while out and not out[-1]:
        out.pop()
    return out


def check_output(actual: str, expected: list[str], where: str) -> None:
    """``actual`` must be the ``expected`` lines, where a line ``...`` matches any lines."""
    pattern = "".join(
        r"(?:[^\n]*\n)*?" if line == "..." else re.escape(line) + r"\n" for line in expected
    )
    got = "\n".join(lines(actual)) + "\n" if lines(actual) else ""
    if not re.fullmatch(pattern, got):
        shown = "\n".join(expected)
        raise AssertionError(f"{where}: the page shows\n{shown}\n\nbut it printed\n{got}")


def commands(block: Block) -> list[tuple[str, list[str]]]:
    """The ``$`` commands of a console block, each with the output lines shown below it."""
    result: list[tuple[str, list[str]]] = []
    pending = ""
    for line in block.body.splitlines():
        if pending or line.startswith("$ "):
            command = pending + (line[2:] if not pending else line.strip())
            pending = command[:-1].rstrip() + " " if command.endswith("\\") else ""
            if not pending:
                result.append((command, []))
        elif result:
            result[-1][1].append(line.rstrip())
        else:
            raise AssertionError(f"{block.where}: output before any `$ command` line")
    return [(command, lines("\n".join(shown))) for command, shown in result]


#: The commands console blocks may run: both are click commands, run in-process.
PROGRAMS = {"supervise": cli, "sqlite-utils": sqlite_utils_cli}


def run_console(block: Block) -> None:
    """Run each command in-process with click's runner: the same code and output as the
    installed ``supervise`` (or ``sqlite-utils``) command, without starting Python again for
    every line."""
    for command, shown in commands(block):
        argv = shlex.split(command)
        program = PROGRAMS.get(argv[0])
        assert program is not None, f"{block.where}: only {', '.join(PROGRAMS)} run: {command}"
        with warnings.catch_warnings():
            warnings.filterwarnings("default", category=FontWarning)
            result = CliRunner(env={"SUPERVISE_DB": None}).invoke(
                program, argv[1:], prog_name=argv[0], terminal_width=80
            )
        assert result.exit_code == 0, f"{block.where}: `{command}` failed:\n{result.stderr}"
        check_output(result.stdout, shown, f"{block.where}: `{command}`")


def run_python(block: Block, namespace: dict[str, Any]) -> str:
    """Run a Python block and return what it printed. Warnings fail it, as everywhere in the
    test suite, except the chart's warning that no Chinese font is installed: a reader on
    such a machine sees it too, and gets the chart in English."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.filterwarnings("default", category=FontWarning)
        exec(compile(block.body, block.where, "exec"), namespace)
    return out.getvalue()


@pytest.mark.parametrize("page", PAGES)
def test_the_page_runs_as_written(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    printed: str | None = None  # what the last Python block printed, until an Output block
    try:
        for block in blocks(page):
            if block.title == "Output":
                assert printed is not None, f"{block.where}: an Output block after no Python"
                check_output(printed, lines(block.body), block.where)
                printed = None
                continue
            printed = None
            if block.lang == "python":
                printed = run_python(block, namespace)
            elif block.lang == "console":
                run_console(block)
            elif block.title is not None:
                (tmp_path / block.title).write_text(block.body, encoding="utf-8")
            elif block.lang == "sh":
                for line in lines(block.body):
                    assert INSTALL.match(line), f"{block.where}: sh blocks only install: {line}"
            else:
                raise AssertionError(
                    f"{block.where}: a ```{block.lang} block the test cannot run; use python,"
                    ' console, text title="Output", or a file name as title'
                )
    finally:
        for value in namespace.values():
            if isinstance(value, Registry):
                value.close()


def test_every_tutorial_and_how_to_page_is_run() -> None:
    pages = {"tutorial.md"} | {f"how-to/{p.name}" for p in (DOCS / "how-to").glob("*.md")}
    assert pages == set(PAGES)
