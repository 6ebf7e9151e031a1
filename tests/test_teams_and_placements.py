"""Progress by team (Enrollment.team) and placements (实习安排): the API, the views, and the
oracle on generated registries."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import supervise
from supervise.cli import cli
from supervise.demo import ningxia
from supervise.model import Cohort
from supervise.registry import Registry
from tests import oracle
from tests.strategies import days, worlds

ANHUI = Path(__file__).parent.parent / "examples" / "exchange" / "anhui-sanqu-2024"
AS_OF = date(2024, 12, 6)


@pytest.fixture(scope="module")
def anhui() -> Any:
    """Anhui's "三区" plan: 18 people in five county teams."""
    with supervise.open() as registry:
        registry.import_file(ANHUI)
        yield registry


def test_anhui_progress_by_team(anhui: Registry) -> None:
    teams = anhui.cohort_progress("ah-sanqu-2024-1", AS_OF).by_team()
    assert [(t.team, t.enrolled, t.withdrawn, t.completed) for t in teams.teams] == [
        ("谯城区服务队", 4, 0, 0),
        ("埇桥区服务队", 4, 0, 0),
        ("颍东区服务队", 4, 0, 0),
        ("金安区服务队", 3, 0, 0),
        ("岳西县服务队", 3, 0, 0),
    ]
    first = teams.team("谯城区服务队")
    assert first.trainees == ("ah-2024-01", "ah-2024-02", "ah-2024-03", "ah-2024-04")
    assert dict(first.phases_done) == {
        "training": 4,
        "practicum": 0,
        "accompanied_supervision": 0,
        "case_study": 0,
    }
    with pytest.raises(KeyError, match="no team '黄山' in cohort 'ah-sanqu-2024-1'; teams: 谯城区"):
        teams.team("黄山")
    assert teams.to_dict()["teams"][0] == {
        "team": "谯城区服务队",
        "trainees": ["ah-2024-01", "ah-2024-02", "ah-2024-03", "ah-2024-04"],
        "enrolled": 4,
        "withdrawn": 0,
        "completed": 0,
        "behind": [],
        "overdue": [],
        "phases_done": {
            "training": 4,
            "practicum": 0,
            "accompanied_supervision": 0,
            "case_study": 0,
        },
    }


def test_the_team_views(anhui: Registry) -> None:
    teams = anhui.cohort_progress("ah-sanqu-2024-1", AS_OF).by_team()
    assert teams.to_text("zh").splitlines() == [
        "2024年度受援县选派 (ah-sanqu-2024-1) 各小组进度 · 截至 2024-12-06",
        "",
        "小组          在册  退出  完成  逾期  落后  岗前培训  驻点服务  陪伴督导  案例研究",
        "谯城区服务队     4     0     0     0     0       4/4       0/4       0/4       0/4",
        "埇桥区服务队     4     0     0     0     0       4/4       0/4       0/4       0/4",
        "颍东区服务队     4     0     0     0     0       4/4       0/4       0/4       0/4",
        "金安区服务队     3     0     0     0     0       3/3       0/3       0/3       0/3",
        "岳西县服务队     3     0     0     0     0       3/3       0/3       0/3       0/3",
        "",
        "环节列：完成（或免修）该环节的学员数 / 未退出的学员数。",
    ]
    df = teams.to_pandas()
    assert list(df.columns) == [
        "team", "enrolled", "withdrawn", "completed", "overdue", "behind",
        "training", "practicum", "accompanied_supervision", "case_study",
    ]  # fmt: skip
    assert df["enrolled"].sum() == 18
    assert ">谯城区服务队</td>" in teams.to_html()


def test_a_cohort_without_teams_is_one_group(ningxia_registry: Registry) -> None:
    result = ningxia_registry.cohort_progress(ningxia.SECOND_BATCH, ningxia.MID_PROGRAM)
    (everyone,) = result.by_team().teams
    assert everyone.team is None
    assert everyone.enrolled == result.enrolled == 31
    assert everyone.behind == result.behind == ("t2024-08", "t2024-13")
    assert everyone.overdue == result.overdue
    assert len(result.overdue) == sum(n["overdue"] for n in result.phase_counts().values()) == 5
    assert "（未分组）" in result.by_team().to_text("zh")


def test_progress_by_team_on_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "anhui.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(ANHUI), "--db", str(db)]).exit_code == 0
    args = ["progress", "--db", str(db), "--cohort", "ah-sanqu-2024-1", "--as-of", "2024-12-06"]
    table = runner.invoke(cli, [*args, "--by-team", "--lang", "en"])
    assert table.exit_code == 0, table.stderr
    assert table.stdout.splitlines()[2].split() == [
        "team", "enrolled", "withdrawn", "completed", "overdue", "behind",
        "training", "practicum", "accompanied…", "case_study",
    ]  # fmt: skip
    csv = runner.invoke(cli, [*args, "--by-team", "--format", "csv"]).stdout.splitlines()
    assert csv[:2] == [
        "team,enrolled,withdrawn,completed,overdue,behind,training,practicum,"
        "accompanied_supervision,case_study",
        "谯城区服务队,4,0,0,0,0,4,0,0,0",
    ]
    import json

    data = json.loads(runner.invoke(cli, [*args, "--by-team", "--format", "json"]).stdout)
    with supervise.open(db) as registry:
        expected = registry.cohort_progress("ah-sanqu-2024-1", AS_OF).by_team().to_dict()
    assert data == expected


def test_placements_of_a_cohort(anhui: Registry) -> None:
    placed = anhui.placements(cohort="ah-sanqu-2024-1", as_of=AS_OF)
    assert len(placed.rows) == 18
    assert all(r.in_post for r in placed.rows)
    assert [(s, len(rows)) for s, rows in placed.stations().items()][:2] == [
        ("亳州市谯城区古井镇社会工作服务站", 4),
        ("六安市金安区木厂镇社会工作服务站", 3),
    ]
    assert placed.of("ah-2024-01")[0].to_dict() == {
        "cohort_id": "ah-sanqu-2024-1",
        "person_id": "ah-2024-01",
        "name": placed.of("ah-2024-01")[0].name,
        "station": "亳州市谯城区古井镇社会工作服务站",
        "region_code": "341602",
        "starts_on": "2024-08-01",
        "ends_on": "2025-06-30",
        "in_post": True,
    }
    before = anhui.placements(program="ah-sanqu-2024", as_of="2024-07-31")
    assert before.rows == ()
    assert before.to_text("en").endswith("no placements yet")
    after = anhui.placements(as_of="2025-07-01")
    assert not any(r.in_post for r in after.rows)
    df = after.to_pandas()
    assert df["starts_on"].iloc[0] == pd.Timestamp("2024-08-01")
    assert df["in_post"].dtype == bool


def test_placements_by_region_name_the_county(anhui: Registry) -> None:
    from supervise.present.placements import region_rows

    rows = region_rows(anhui.placements(as_of=AS_OF), "zh")
    assert rows[0] == ["地区", "行政区划代码", "社工站", "学员人数", "在岗"]
    assert rows[1] == ["岳西县", "340828", "安庆市岳西县天堂镇社会工作服务站", "3", "3"]
    assert [r[0] for r in rows[1:]] == ["岳西县", "颍东区", "埇桥区", "金安区", "谯城区"]


def test_placements_of_an_unknown_cohort_or_program(anhui: Registry) -> None:
    with pytest.raises(supervise.NotFound, match="Cohort 'x' not found"):
        anhui.placements(cohort="x")
    with pytest.raises(supervise.NotFound, match="Program 'y' not found"):
        anhui.placements(program="y")


@settings(max_examples=40, deadline=None)
@given(worlds(max_people=5), days, st.data())
def test_placements_and_teams_agree_with_the_oracle(
    records: list[Any], as_of: date, data: st.DataObject
) -> None:
    cohorts = [r.id for r in records if isinstance(r, Cohort)]
    chosen = data.draw(st.none() | st.sampled_from(cohorts))
    with supervise.open() as registry:
        registry.add(records)
        placed = registry.placements(cohort=chosen, as_of=as_of)
        rows = [
            (r.cohort_id, r.person_id, r.name, r.station, r.region_code, r.starts_on,
             r.ends_on, r.in_post)
            for r in placed.rows
        ]  # fmt: skip
        assert rows == oracle.placements(records, as_of, None if chosen is None else [chosen])
        for cohort in cohorts:
            teams = registry.cohort_progress(cohort, as_of).by_team()
            assert teams.to_dict()["teams"] == oracle.teams(records, cohort, as_of)
