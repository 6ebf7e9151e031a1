"""Charts: Figures with the expected artists and labels, Chinese with the bundled font and
English (never boxes) when no font is found; the burn-up's history. The font itself:
tests/test_fonts.py."""

from __future__ import annotations

import io
import re
import sys
from datetime import date

import matplotlib
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from supervise.core.progress import CohortProgress
from supervise.core.targets import Target, history_dates, target_status
from supervise.demo import ningxia
from supervise.errors import MissingExtra
from supervise.registry import Registry
from supervise.report import charts, fonts

CJK = re.compile(r"[\u3400-\u9fff]")
PHASES_ZH = ["理论学习", "业务培训", "实践教学", "陪伴督导", "案例研究"]
TARGET = Target(
    id="nx-supervisors-2027",
    name="2027年底全区培养本土社会工作督导人才不少于100名",
    metric="completed_program",
    goal=100,
    deadline="2027-12-31",
    region="64",
)


@pytest.fixture(scope="module")
def mid(ningxia_registry: Registry) -> CohortProgress:
    return ningxia_registry.cohort_progress("nx-2024-b2", ningxia.MID_PROGRAM)


@pytest.fixture
def cjk(monkeypatch: pytest.MonkeyPatch) -> fonts.CJKFont:
    """The chart font: Noto Sans SC, shipped with the plot extra (tests/test_fonts.py checks
    it draws real glyphs on a machine with no system font)."""
    monkeypatch.delenv(fonts.ENV, raising=False)
    fonts.find_cjk_font.cache_clear()
    font = fonts.find_cjk_font()
    fonts.find_cjk_font.cache_clear()
    assert font is not None
    assert font.name == "Noto Sans SC"
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: font)
    return font


@pytest.fixture
def no_cjk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend the machine has no font with Chinese glyphs."""
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)


def rendered(fig: Figure) -> bytes:
    """The PNG of ``fig``; a missing glyph warns, and warnings are errors in the suite."""
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=40)
    return out.getvalue()


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def labels(ticks: list[Text]) -> list[str]:
    return [t.get_text() for t in ticks]


# -- progress heatmap ------------------------------------------------------------------------


def test_heatmap_in_chinese_uses_the_cjk_font(mid: CohortProgress, cjk: fonts.CJKFont) -> None:
    fig = charts.progress_heatmap(mid)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.images) == 1
    assert labels(ax.get_xticklabels()) == PHASES_ZH
    assert labels(ax.get_yticklabels())[7] == "t2024-08 朱庆"
    assert ax.get_title() == "第二批 (nx-2024-b2) · 截至 2024-10-15 各环节完成情况"
    assert ax.get_xticklabels()[0].get_fontproperties().get_family()[0] == cjk.name
    assert rendered(fig).startswith(b"\x89PNG")


def test_heatmap_marks_every_cell_overdue_cells_and_who_is_behind(
    mid: CohortProgress, cjk: fonts.CJKFont
) -> None:
    ax = charts.progress_heatmap(mid).axes[0]
    cells = [t.get_text() for t in ax.texts]
    assert len(cells) == 31 * 5
    assert cells[7 * 5 + 2] == "!70%"
    assert cells[0] == "✓100%"
    frames = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(frames) == 5  # the five overdue practicum cells
    red = {t.get_text() for t in ax.get_yticklabels() if t.get_color() == charts._RED}
    assert red == {"t2024-08 朱庆", "t2024-13 周霞燕"}
    assert list(ax.images[0].get_array()[7]) == [1.0, 1.0, 0.7, 0.75, 0.0]


def test_heatmap_falls_back_to_english_without_a_cjk_font(
    mid: CohortProgress, no_cjk: None
) -> None:
    with pytest.warns(fonts.FontWarning, match="no font that draws Chinese found"):
        fig = charts.progress_heatmap(mid)
    ax = fig.axes[0]
    assert labels(ax.get_xticklabels())[2] == "practicum"
    assert labels(ax.get_yticklabels())[7] == "t2024-08"
    assert ax.get_title() == "nx-2024-b2 · progress as of 2024-10-15"
    assert not [t for t in texts(fig) if CJK.search(t)]
    rendered(fig)  # no missing-glyph warning: nothing would be drawn as a box


def test_english_asked_for_is_english_without_a_warning(mid: CohortProgress, no_cjk: None) -> None:
    fig = charts.phase_status_bars(mid, lang="en")
    assert not [t for t in texts(fig) if CJK.search(t)]
    rendered(fig)


# -- phase status bars -----------------------------------------------------------------------


def test_status_bars_stack_the_counts_of_each_status(
    mid: CohortProgress, cjk: fonts.CJKFont
) -> None:
    fig = charts.phase_status_bars(mid)
    ax = fig.axes[0]
    assert len(ax.containers) == 5
    widths = {
        status: [bar.get_width() for bar in container]
        for status, container in zip(charts.BAR_ORDER, ax.containers, strict=True)
    }
    assert widths == {
        "complete": [29, 31, 26, 2, 0],
        "exempt": [2, 0, 0, 0, 0],
        "in_progress": [0, 0, 0, 29, 0],
        "not_started": [0, 0, 0, 0, 31],
        "overdue": [0, 0, 5, 0, 0],
    }
    assert labels(ax.get_legend().get_texts()) == ["已完成", "免修", "进行中", "未开始", "已逾期"]
    assert labels(ax.get_yticklabels()) == PHASES_ZH
    assert ax.containers[0][0].get_facecolor()[:3] == pytest.approx(
        matplotlib.colors.to_rgb(charts.CHART_COLOURS["complete"])
    )
    rendered(fig)


# -- tier pyramid ----------------------------------------------------------------------------


def test_tier_pyramid_centres_one_bar_per_tier(
    ningxia_registry: Registry, cjk: fonts.CJKFont
) -> None:
    fig = charts.tier_pyramid(ningxia_registry.tiers(ningxia.REPORTED_ON))
    ax = fig.axes[0]
    bars = list(ax.containers[0])
    assert [b.get_width() for b in bars] == [24, 12, 39, 3]
    assert [b.get_x() for b in bars] == [-12, -6, -19.5, -1.5]
    assert labels(ax.get_yticklabels()) == [
        "无证书",
        "助理社会工作师",
        "社会工作师",
        "高级社会工作师",
    ]
    assert ax.get_title() == "人才梯次结构 · 截至 2024-12-06 · 共 78 人"
    rendered(fig)


def test_tier_pyramid_of_grouped_tiers_needs_a_group(
    ningxia_registry: Registry, no_cjk: None
) -> None:
    grouped = ningxia_registry.tiers(ningxia.REPORTED_ON, by="prefecture")
    with pytest.raises(ValueError, match="have 2 groups; pass group= one of 3501, 6401"):
        charts.tier_pyramid(grouped)
    with pytest.raises(ValueError, match="no group '99'"):
        charts.tier_pyramid(grouped, group="99")
    fig = charts.tier_pyramid(grouped, group="6401", lang="en")
    assert fig.axes[0].get_title().endswith("· 6401")
    assert labels(fig.axes[0].get_yticklabels()) == ["none", "assistant", "intermediate", "senior"]


# -- target burn-up --------------------------------------------------------------------------


def test_history_dates_step_by_months_from_the_start() -> None:
    assert history_dates(date(2024, 1, 31), date(2024, 4, 15)) == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 15),
    ]
    assert history_dates(date(2024, 1, 1), date(2024, 7, 1), step_months=3) == [
        date(2024, 1, 1),
        date(2024, 4, 1),
        date(2024, 7, 1),
    ]
    assert history_dates(date(2024, 1, 1), date(2024, 1, 1)) == [date(2024, 1, 1)]


@pytest.mark.parametrize(
    ("start", "end", "step", "message"),
    [
        (date(2024, 2, 1), date(2024, 1, 1), 1, "history end 2024-01-01 is before its start"),
        (date(2024, 1, 1), date(2024, 2, 1), 0, "step_months must be a whole number"),
        (date(2024, 1, 1), date(2024, 2, 1), True, "step_months must be a whole number"),
    ],
)
def test_history_dates_refuse_bad_ranges(start: date, end: date, step: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        history_dates(start, end, step)


def test_target_history_counts_on_each_date(ningxia_registry: Registry) -> None:
    history = ningxia_registry.target_history(
        TARGET, "2022-06-01", ningxia.REPORTED_ON, step_months=6
    )
    assert history == [
        (date(2022, 6, 1), 0),
        (date(2022, 12, 1), 0),
        (date(2023, 6, 1), 29),
        (date(2023, 12, 1), 29),
        (date(2024, 6, 1), 29),
        (date(2024, 12, 1), 60),
        (date(2024, 12, 6), 60),
    ]
    status = ningxia_registry.target_status(TARGET, ningxia.REPORTED_ON)
    assert history[-1][1] == status.current


def test_burnup_shows_actual_goal_deadline_and_projection(
    ningxia_registry: Registry, cjk: fonts.CJKFont
) -> None:
    status = ningxia_registry.target_status(TARGET, ningxia.REPORTED_ON)
    history = ningxia_registry.target_history(TARGET, "2022-06-01", ningxia.REPORTED_ON)
    fig = charts.target_burnup(status, history)
    ax = fig.axes[0]
    legend = labels(ax.get_legend().get_texts())
    assert legend == [
        "实际",
        "目标 100",
        "截止 2027-12-31",
        "所需进度 1.09 人/月",
        "按近 12 个月进度 2.58 人/月",
    ]
    assert ax.get_title() == TARGET.name
    assert "预计 2026-03-22" in texts(fig)
    projection = ax.get_lines()[-2]
    assert list(projection.get_xdata()) == [ningxia.REPORTED_ON, date(2026, 3, 22)]
    assert projection.get_ydata()[0] == 60
    assert projection.get_ydata()[1] == pytest.approx(100, abs=0.1)
    rendered(fig)


def test_burnup_at_zero_pace_draws_no_projection(no_cjk: None) -> None:
    status = target_status(TARGET, current=29, year_ago=29, as_of=ningxia.REPORTED_ON)
    fig = charts.target_burnup(status, [(date(2024, 1, 1), 29)], lang="en")
    legend = labels(fig.axes[0].get_legend().get_texts())
    assert legend[-1] == "no progress in the last 12 months"
    assert fig.axes[0].get_title() == "nx-supervisors-2027"
    assert not any(t.startswith("projected") for t in texts(fig))
    rendered(fig)


# -- optional dependency and fonts -----------------------------------------------------------


def test_charts_without_matplotlib_name_the_extra(
    mid: CohortProgress, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtra, match=r"pip install 'supervise\[plot\]'"):
        charts.progress_heatmap(mid)
