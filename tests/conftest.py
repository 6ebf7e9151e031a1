from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import supervise
from supervise.registry import Registry

# Store round trips take milliseconds each; never fail a test on timing.
settings.register_profile(
    "default",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# CI draws the same examples on every run (derandomize), so that a red CI is reproducible
# and never a rare draw nobody changed anything for; a developer's run draws new ones each
# time, which is where new counter-examples are found.
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(autouse=True)
def undetermined_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts where no setting names a language (a server's C locale), so
    people-facing text is Chinese unless the test asks otherwise: the same on every machine."""
    for variable in ("SUPERVISE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(params=["memory", "file"])
def registry(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Registry]:
    """A fresh registry, once in memory and once in a file (WAL)."""
    reg = supervise.open(None if request.param == "memory" else tmp_path / "test.db")
    yield reg
    reg.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "registry.db"


@pytest.fixture(scope="session")
def ningxia_registry() -> Iterator[Registry]:
    """The Ningxia example in memory, built once: for tests that only read."""
    from supervise.demo import ningxia

    reg = supervise.open()
    ningxia.build(reg)
    yield reg
    reg.close()
