"""Every script in examples/ runs."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_ningxia_example_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["ningxia.py", str(tmp_path / "nx.db")])
    runpy.run_path(str(EXAMPLES / "ningxia.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "第二批 nx-2024-b2: 31 trainees, 9 mentors, 31 stations" in out
    assert "第一批 nx-2022-b1: 29 trainees, 9 mentors, 29 stations" in out
    assert (
        "陪伴督导 accompanied_supervision: 188 activities, 750 hours, 74 sessions, 0 deliverables"
        in out
    )
