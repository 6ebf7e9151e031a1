"""The documentation site builds with ``mkdocs build --strict`` and no warning.

Strict mode fails on a broken link or anchor, a page missing from the nav, a docstring griffe
cannot read and a cross-reference that resolves nowhere. One build (a few seconds), then
checks on what it produced.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import supervise

ROOT = Path(__file__).parent.parent


def test_the_site_builds_strictly_with_api_pages_and_chinese_search(tmp_path: Path) -> None:
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # Material's notice about its successor
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    problems = [line for line in done.stderr.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert (done.returncode, problems) == (0, []), done.stderr

    # The API reference is generated from the docstrings: doctests as code, roles as links.
    registry = (site / "api" / "registry" / "index.html").read_text(encoding="utf-8")
    assert 'id="supervise.registry.Registry.cohort_progress"' in registry
    assert '<span class="gp">&gt;&gt;&gt; </span>' in registry  # a pycon prompt, not a quote
    assert ":meth:" not in registry
    assert ":class:" not in registry

    # Search splits Chinese into words (jieba at build time) and on the zero-width spaces
    # between them, so 陪伴督导 is found by 督导 as well.
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "zh" in index["config"]["lang"]
    assert "\\u200b" in index["config"]["separator"]
    assert any("陪伴\u200b督导" in doc["text"] for doc in index["docs"])


def test_every_top_level_name_is_listed_on_the_api_index() -> None:
    """docs/api/index.md groups the names of ``supervise.__all__`` by topic, each linked to
    its generated reference (the strict build checks the links resolve)."""
    page = (ROOT / "docs" / "api" / "index.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"\[`(\w+)`\]\[supervise\.[\w.]+\]", page))
    assert set(supervise.__all__) - {"__version__"} == listed
    assert "supervise.__version__" in page
