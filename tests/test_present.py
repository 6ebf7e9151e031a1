"""DataFrames and HTML views of every result: exact columns, escaping, colours, no PII."""

from __future__ import annotations

import math
import re
import sys
from typing import Any

import attrs
import pandas as pd
import pytest
from markupsafe import Markup

import supervise
from supervise.core.targets import Target, target_status
from supervise.demo import ningxia
from supervise.errors import MissingExtra
from supervise.model import Person
from supervise.present.html import GOOD, STATUS_COLOURS, Cell, table
from supervise.present.progress import CSV_COLUMNS
from supervise.registry import Registry

TARGET = Target(
    id="nx-supervisors-2027",
    name="2027年底全区培养本土社会工作督导人才不少于100名",
    metric="completed_program",
    goal=100,
    deadline="2027-12-31",
    region="64",
)


@pytest.fixture(scope="module")
def results(ningxia_registry: Registry) -> dict[str, Any]:
    r = ningxia_registry
    return {
        "progress": r.cohort_progress("nx-2024-b2", ningxia.MID_PROGRAM),
        "eligibility": r.eligibility("nx-expert-pool", ningxia.REPORTED_ON),
        "tiers": r.tiers(ningxia.REPORTED_ON),
        "target": r.target_status(TARGET, ningxia.REPORTED_ON),
        "outcomes": r.outcomes(as_of=ningxia.REPORTED_ON),
        "teams": r.cohort_progress("nx-2024-b2", ningxia.MID_PROGRAM).by_team(),
        "placements": r.placements(cohort="nx-2024-b2", as_of=ningxia.MID_PROGRAM),
    }


# -- to_pandas -------------------------------------------------------------------------------


def test_progress_frame_has_one_row_per_trainee_and_phase(results: dict[str, Any]) -> None:
    df = results["progress"].to_pandas()
    assert list(df.columns) == list(CSV_COLUMNS)
    assert df.shape == (31 * 5, 30)
    row = df[(df.person_id == "t2024-08") & (df.phase == "practicum")].iloc[0]
    assert row["as_of"] == pd.Timestamp("2024-10-15")
    assert (row["name"], row["status"], row["behind"], row["phase_status"]) == (
        "朱庆",
        "active",
        True,
        "overdue",
    )
    assert (row["fraction"], row["expected"], row["hours"], row["days"]) == (0.7, 1.0, 42.0, 7.0)
    assert (row["required_hours"], row["required_days"]) == (60.0, 10.0)
    assert math.isnan(row["sessions"])
    assert math.isnan(row["required_sessions"])
    # 42 hours and 7 days in the 76 days from 08-01: 18 hours more take ceil(18 x 76 / 42)
    # = 33 days, as do 3 days more (ceil(3 x 76 / 7) = 33): 11-17, after the due 09-30.
    assert (row["projected"], row["at_risk"]) == (pd.Timestamp("2024-11-17"), True)
    assert (row["pending_hours"], row["pending_days"]) == (0.0, 0.0)
    assert pd.isna(row["pending_sessions"])
    assert pd.isna(row["projected_completion"])  # the case study has no pace yet
    assert row["trainee_at_risk"]
    capped = df[(df.person_id == "t2024-27") & (df.phase == "accompanied_supervision")].iloc[0]
    assert (capped["sessions"], capped["group_sessions"], capped["max_group_sessions"]) == (
        6.0,
        8,
        6,
    )
    waiting = df[(df.person_id == "t2024-05") & (df.phase == "accompanied_supervision")].iloc[0]
    assert (waiting["hours"], waiting["pending_hours"]) == (20.0, 3.0)


def test_progress_frame_categoricals_keep_the_phase_and_status_order(
    results: dict[str, Any],
) -> None:
    df = results["progress"].to_pandas()
    assert list(df["phase"].cat.categories) == [
        "theory",
        "training",
        "practicum",
        "accompanied_supervision",
        "case_study",
    ]
    assert df["phase"].cat.ordered
    assert list(df["phase_status"].cat.categories) == [
        "exempt",
        "complete",
        "overdue",
        "not_started",
        "in_progress",
    ]
    wide = df.pivot(index="person_id", columns="phase", values="fraction")
    assert list(wide.columns) == list(df["phase"].cat.categories)


def test_progress_frame_of_trainees_is_wide_with_a_fraction_per_phase(
    results: dict[str, Any],
) -> None:
    df = results["progress"].to_pandas("trainees")
    assert list(df.columns) == [
        "person_id",
        "name",
        "team",
        "status",
        "progress",
        "behind",
        "complete",
        "projected_completion",
        "at_risk",
        "theory",
        "training",
        "practicum",
        "accompanied_supervision",
        "case_study",
    ]
    assert len(df) == 31
    row = df.set_index("person_id").loc["t2024-08"]
    assert (row["practicum"], row["accompanied_supervision"], row["case_study"]) == (0.7, 0.75, 0.0)
    assert row["progress"] == pytest.approx(0.575)
    assert list(df.loc[df.behind, "person_id"]) == ["t2024-08", "t2024-13"]


def test_progress_frame_of_phases_counts_statuses(results: dict[str, Any]) -> None:
    df = results["progress"].to_pandas("phases")
    assert list(df.columns) == [
        "phase",
        "name",
        "exempt",
        "complete",
        "overdue",
        "not_started",
        "in_progress",
    ]
    assert df.set_index("phase").loc["practicum"].to_dict() == {
        "name": "实践教学",
        "exempt": 0,
        "complete": 26,
        "overdue": 5,
        "not_started": 0,
        "in_progress": 0,
    }


def test_progress_frame_of_mentors(results: dict[str, Any]) -> None:
    df = results["progress"].to_pandas("mentors")
    assert list(df.columns) == ["person_id", "name", "trainees", "capacity", "over_capacity"]
    assert df.iloc[0].to_dict() == {
        "person_id": "m2024-1",
        "name": "高红",
        "trainees": 4,
        "capacity": 4,
        "over_capacity": False,
    }
    assert str(df["capacity"].dtype) == "Int64"


def test_progress_frame_refuses_an_unknown_table(results: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="unknown table 'people'; expected one of"):
        results["progress"].to_pandas("people")


def test_eligibility_frames(results: dict[str, Any]) -> None:
    report = results["eligibility"]
    rules = report.to_pandas()
    assert list(rules.columns) == [
        "person_id",
        "name",
        "eligible",
        "rule",
        "kind",
        "met",
        "actual",
        "required",
        "message",
    ]
    first = rules[rules.person_id == "t2022-01"]
    assert list(first["kind"]) == [
        "any_of",
        "credential_at_least",
        "practice_years_at_least",
        "any_of",
    ]
    assert first.iloc[2]["message"] == "从业 5 年（需 5 年）"
    people = report.to_pandas("people", lang="en")
    assert list(people.columns) == ["person_id", "name", "eligible", "unmet", "missing"]
    assert len(people) == 78
    assert people["eligible"].sum() == 27
    row = people.set_index("person_id").loc["t2022-04"]
    assert (row["eligible"], row["unmet"]) == (False, 1)
    assert "intermediate" in row["missing"]


def test_tiers_frame(results: dict[str, Any]) -> None:
    df = results["tiers"].to_pandas()
    assert df.to_dict("records") == [
        {
            "group": "all",
            "none": 24,
            "assistant": 12,
            "intermediate": 39,
            "senior": 3,
            "total": 78,
        }
    ]


def test_target_frame_has_dates_as_timestamps(results: dict[str, Any]) -> None:
    df = results["target"].to_pandas()
    assert list(df.columns) == list(results["target"].to_dict())
    row = df.iloc[0]
    assert (row["current"], row["goal"], row["remaining"], row["on_track"]) == (60, 100, 40, True)
    assert row["deadline"] == pd.Timestamp("2027-12-31")
    assert row["projected"] == pd.Timestamp("2026-03-22")


def test_target_frame_of_zero_pace_has_no_projected_date() -> None:
    status = target_status(TARGET, current=10, year_ago=10, as_of=ningxia.REPORTED_ON)
    df = status.to_pandas()
    assert pd.isna(df.iloc[0]["projected"])
    assert str(df["projected"].dtype).startswith("datetime64")


def test_outcomes_frame_is_the_seed_table(results: dict[str, Any]) -> None:
    df = results["outcomes"].to_pandas("en")
    assert list(df.columns) == ["item", "label", "people"]
    assert dict(zip(df["item"], df["people"], strict=True)) == {
        "enrolled": 60,
        "trained": 60,
        "expert_pool": 18,
        "standard_drafting": 5,
        "senior_review_passed": 3,
        "senior_exam_passed": 1,
        "promotion": 1,
        "completion_certificate": 0,
        "other": 0,
    }
    assert results["outcomes"].to_pandas().iloc[2]["label"] == "入选人才专家库"


@pytest.mark.parametrize(
    ("name", "owner"),
    [
        ("progress", "CohortProgress"),
        ("eligibility", "EligibilityReport"),
        ("tiers", "TierCounts"),
        ("target", "TargetStatus"),
        ("outcomes", "OutcomeTally"),
    ],
)
def test_to_pandas_without_pandas_names_the_extra(
    results: dict[str, Any], name: str, owner: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingExtra) as caught:
        results[name].to_pandas()
    assert str(caught.value) == (
        f"{owner}.to_pandas() needs the optional dependency 'pandas': "
        "pip install 'supervise[pandas]'"
    )
    assert isinstance(caught.value, ImportError)
    assert caught.value.extra == "pandas"


# -- HTML ------------------------------------------------------------------------------------


def test_html_building_blocks_escape_everything_but_markup() -> None:
    evil = Cell("<i>&", GOOD, 'x" onmouseover="alert(1)')
    html = table(['"head"'], [["<script>alert(1)</script>", Markup("<b>kept</b>"), evil]])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;head&#34;" in html
    assert "<b>kept</b>" in html
    assert 'title="x&#34; onmouseover=&#34;alert(1)">&lt;i&gt;&amp;</td>' in html


VIEWED = ["progress", "teams", "eligibility", "tiers", "target", "outcomes", "placements"]


@pytest.mark.parametrize("name", VIEWED)
def test_every_view_speaks_the_language_setting_unless_told(
    results: dict[str, Any], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = results[name]
    zh_html, en_html, zh_text, en_text = (
        result.to_html("zh"),
        result.to_html("en"),
        result.to_text("zh"),
        result.to_text("en"),
    )
    assert zh_html != en_html
    assert zh_text != en_text
    assert zh_html.startswith("<")
    assert result._repr_html_() == result.to_html() == zh_html  # undetermined: Chinese
    assert str(result) == result.to_text() == zh_text
    monkeypatch.setenv("SUPERVISE_LANG", "en")
    assert result._repr_html_() == result.to_html() == en_html
    assert str(result) == result.to_text() == en_text
    assert result.to_html("zh") == zh_html  # an argument wins over the setting
    with pytest.raises(ValueError, match=r"^lang must be zh or en, not 'fr'$"):
        result.to_html("fr")


def test_progress_html_colours_each_status_and_marks_who_is_behind(
    results: dict[str, Any],
) -> None:
    html = results["progress"].to_html()
    for status in ("complete", "exempt", "overdue", "in_progress", "not_started"):
        assert STATUS_COLOURS[status][0] in html, status
    assert "! 70%" in html
    assert (
        'title="已逾期 · 学时 42/60 · 天数 7/10 · 应达 100% · '
        '按目前进度预计 2024-11-17 完成（截止 2024-09-30）"'
    ) in html
    assert html.count(">落后</span>") == 2
    assert "在册 31 · 退出 0 · 完成 0 · 完成率 0% · 逾期 5 · 落后 2 · 有风险 16" in html
    assert "团体督导最多计 6 次，已计满（参加 8 次）" in html  # the notes, below the table
    english = results["progress"].to_html("en")
    assert "practicum" in english
    assert 'title="overdue · hours 42/60' in english


def test_progress_html_escapes_names(results: dict[str, Any]) -> None:
    result = results["progress"]
    evil = attrs.evolve(result.trainees[0], name="<img src=x onerror=alert(1)>")
    html = attrs.evolve(result, trainees=(evil, *result.trainees[1:])).to_html()
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_eligibility_html_lists_everything_missing_and_alternatives_as_such(
    results: dict[str, Any],
) -> None:
    html = results["eligibility"].to_html()
    assert "符合条件 27/78" in html
    assert "✓ 符合条件" in html
    assert "✗ 不符合" in html
    # t2024-02 has neither a case study of 85 nor a standard drafted: either will do.
    assert (
        '<li>需满足其一：<span style="border-bottom:1px dotted #999">案例研究成果最高 83 分，需达到 85 分'
        '</span> <b>或</b> <span style="border-bottom:1px dotted #999">尚无参与地方标准起草记录</span></li>'
    ) in html
    assert "案例研究成果最高 83 分，需达到 85 分; 尚无参与地方标准起草记录" not in html
    only = results["eligibility"].to_html("en", only=True)
    assert "✗" not in only
    assert only.count("✓ eligible") == 27


def test_structure_html(results: dict[str, Any]) -> None:
    assert ">高级社会工作师</th>" in results["tiers"].to_html()
    assert ">39</td>" in results["tiers"].to_html("en")
    target = results["target"].to_html()
    assert "可如期完成" in target
    assert "2026-03-22" in target
    assert "入选人才专家库" in results["outcomes"].to_html()


def test_no_national_id_or_phone_number_in_any_html(
    ningxia_registry: Registry, results: dict[str, Any]
) -> None:
    people = ningxia_registry.find(Person)
    secrets = {p.national_id for p in people if p.national_id} | {
        p.phone for p in people if p.phone
    }
    assert len(secrets) > 100
    for name, result in results.items():
        for lang in ("zh", "en"):
            html = result.to_html(lang)
            assert not [s for s in secrets if s in html], name
            assert not re.search(r"\d{17}[\dX]|1[3-9]\d{9}", html), name


def test_results_are_exported_with_their_views() -> None:
    for cls in (
        supervise.CohortProgress,
        supervise.EligibilityReport,
        supervise.TierCounts,
        supervise.TargetStatus,
        supervise.OutcomeTally,
    ):
        for method in ("to_dict", "to_pandas", "to_html", "_repr_html_", "to_text", "__str__"):
            assert callable(getattr(cls, method)), (cls, method)
