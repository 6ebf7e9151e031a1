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


def test_national_rollup_example_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["national_rollup.py", str(tmp_path)])
    runpy.run_path(str(EXAMPLES / "national_rollup.py"), run_name="__main__")
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        "5 provinces, 8 people trained in",
        "more than one of them, each counted once",
    ]
    assert out[6:8] == [
        "11       56         71           109       4    240",
        "12       63         65           104       6    238",
    ]
    assert out[-2:] == ["11 of 1192 people qualify for the pool", "wrote national.html"]
    page = (tmp_path / "national.html").read_text(encoding="utf-8")
    assert "Talent tiers by province" in page
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == [
        "11",
        "12",
        "13",
        "14",
        "15",
    ]
