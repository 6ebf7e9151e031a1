"""Terminal text: widths of Chinese characters, and lines wrapped rather than cut."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supervise._text import fold, render, width, wrap

PIECES = st.sampled_from(
    ["督导", "学时", "还差", "6", "小时", "（当前：无）", "，", "；", "。", "需达到 85 分", " ", "or",
     "accompanied", "supervision", "(holds: none)", "、", "“小团队”"]
)  # fmt: skip


@given(st.lists(PIECES, max_size=30).map("".join), st.integers(4, 60))
def test_fold_keeps_every_character_and_every_line_fits(text: str, columns: int) -> None:
    lines = fold(text, columns)
    assert all(width(line) <= columns for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # breaks drop spaces only


@given(st.lists(PIECES, max_size=30).map("".join), st.integers(12, 60))
def test_no_line_starts_with_closing_punctuation(text: str, columns: int) -> None:
    lines = fold(text, columns)
    assert not [line for line in lines[1:] if line[:1] in "，。；：）、”"]


@pytest.mark.parametrize(
    ("text", "columns", "lines"),
    [
        ("需持有社会工作师及以上职业资格（当前：无）", 24,
         ["需持有社会工作师及以上职", "业资格（当前：无）"]),
        ("案例研究成果最高 84 分，需达到 85 分", 16, ["案例研究成果最高", "84 分，需达到 85", "分"]),
        ("one of: nx-sup-2022 not completed; or nx-sup-2024", 24,
         ["one of: nx-sup-2022 not", "completed; or", "nx-sup-2024"]),
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),  # a word longer than a line is cut
        ("第一行\n第二行", 40, ["第一行", "第二行"]),
    ],
)  # fmt: skip
def test_fold(text: str, columns: int, lines: list[str]) -> None:
    assert fold(text, columns) == lines


def test_wrap_at_spaces_keeps_list_items_whole() -> None:
    text = "导师带教：高红(4/4), 丁勇(4/4), 陈庆凤(3/3)"
    assert wrap(text, 32, "  ", spaces=True) == "导师带教：高红(4/4), 丁勇(4/4),\n  陈庆凤(3/3)"
    assert wrap(text, 34, "  ") == "导师带教：高红(4/4), 丁勇(4/4), 陈\n  庆凤(3/3)"


def test_render_wraps_a_column_and_lines_up_the_others() -> None:
    rows = [["人员", "结果"], ["t1", "✗ 需满足其一：甲；或 乙\n✗ 需持有社会工作师"]]
    assert render(rows, limits=[0, 14], wrap=[1]).splitlines() == [
        "人员  结果",
        "t1    ✗ 需满足其一：",
        "      甲；或 乙",
        "      ✗ 需持有社会工",
        "      作师",
    ]
    assert render(rows, limits=[0, 14]).splitlines()[1] == "t1    ✗ 需满足其一…"
