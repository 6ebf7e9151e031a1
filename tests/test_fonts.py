"""The chart font: Noto Sans SC shipped with the ``plot`` extra is found on any machine, a
font that only claims Chinese characters (and draws boxes) is refused, and charts drawn with
no system font at all show real glyphs, told apart from boxes pixel by pixel."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import matplotlib.font_manager as fm
import pytest
from fontTools.ttLib import TTFont
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text

from supervise.core.progress import CohortProgress
from supervise.demo import ningxia
from supervise.registry import Registry
from supervise.report import charts, fonts

ROOT = Path(__file__).resolve().parent.parent
MPL_FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
LAST_RESORT = str(MPL_FONTS / "LastResortHE-Regular.ttf")
DEJAVU = str(MPL_FONTS / "DejaVuSans.ttf")
BOX_FAMILY = "Last Resort High-Efficiency"


@pytest.fixture(autouse=True)
def fresh_finder(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test looks for the font afresh, without a font named in the environment."""
    monkeypatch.delenv(fonts.ENV, raising=False)
    fonts.find_cjk_font.cache_clear()
    yield
    fonts.find_cjk_font.cache_clear()


@pytest.fixture
def no_system_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """matplotlib knows only its own fonts and finds none on the system, as on a bare
    container (the same hiding as scripts/chart_without_fonts.py)."""
    own = MPL_FONTS.parent.resolve()
    manager = fm.fontManager
    for attr in ("ttflist", "afmlist"):
        kept = [e for e in getattr(manager, attr) if own in Path(e.fname).resolve().parents]
        monkeypatch.setattr(manager, attr, kept)
    find = fm.findSystemFonts
    monkeypatch.setattr(
        fm,
        "findSystemFonts",
        lambda fontpaths=None, fontext="ttf": [] if fontpaths is None else find(fontpaths, fontext),
    )
    type(manager)._findfont_cached.cache_clear()
    yield
    type(manager)._findfont_cached.cache_clear()


@pytest.fixture(scope="module")
def mid(ningxia_registry: Registry) -> CohortProgress:
    return ningxia_registry.cohort_progress("nx-2024-b2", ningxia.MID_PROGRAM)


def renamed(source: str, family: str, out: Path) -> str:
    """A copy of the font file ``source`` whose family is called ``family``."""
    font = TTFont(source)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):  # family, full name, typographic family
            record.string = family
    font.save(out)
    return str(out)


def glyphs(text: str, props: fm.FontProperties) -> list[bytes]:
    """Each character of ``text`` drawn alone with ``props`` at 24 pt: the RGBA pixels."""
    images = []
    for ch in text:
        fig = Figure(figsize=(0.5, 0.5), dpi=72)
        fig.text(0.5, 0.5, ch, fontproperties=props, size=24, ha="center", va="center")
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        images.append(bytes(canvas.buffer_rgba()))
    return images


# -- what counts as a Chinese font ------------------------------------------------------------


def test_the_bundled_font_is_found_and_never_imported() -> None:
    path = fonts.bundled_font_path()
    assert path is not None
    assert Path(path).parts[-3:] == ("zhplot", "fonts", "NotoSansSC-Regular.ttf")
    font = fonts.find_cjk_font()
    assert font == fonts.CJKFont(name="Noto Sans SC", path=font.path)
    assert FT2Font(font.path).family_name == "Noto Sans SC"
    assert fonts.draws_chinese(font.path)
    assert "zhplot" not in sys.modules  # importing it would change matplotlib's settings


def test_last_resort_claims_every_character_and_is_refused() -> None:
    box = FT2Font(LAST_RESORT)
    assert box.family_name == BOX_FAMILY
    assert all(box.get_char_index(ord(ch)) for ch in fonts.SAMPLE)  # the claim
    assert not fonts.draws_chinese(LAST_RESORT)
    assert fonts._use(LAST_RESORT) is None


def test_a_box_font_under_another_name_is_refused_for_its_drawings(tmp_path: Path) -> None:
    disguised = renamed(LAST_RESORT, "Box Sans", tmp_path / "box.ttf")
    assert FT2Font(disguised).family_name == "Box Sans"
    assert not fonts.draws_chinese(disguised)  # every character draws the same box


def test_a_real_font_named_like_a_box_font_is_refused_for_its_name(tmp_path: Path) -> None:
    bundled = fonts.bundled_font_path()
    assert bundled is not None
    named = renamed(bundled, "Last Resort Copy", tmp_path / "named.ttf")
    assert fonts.draws_chinese(renamed(bundled, "Test Hei", tmp_path / "hei.ttf"))
    assert not fonts.draws_chinese(named)


def test_fonts_without_chinese_glyphs_and_non_fonts_are_refused(tmp_path: Path) -> None:
    assert not fonts.draws_chinese(DEJAVU)
    assert fonts._use(DEJAVU) is None
    bogus = tmp_path / "not-a-font.ttf"
    bogus.write_bytes(b"nothing")
    assert not fonts.draws_chinese(str(bogus))
    assert fonts._use(str(tmp_path / "missing.ttf")) is None


# -- the search order ------------------------------------------------------------------------


def test_a_font_named_in_the_environment_comes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = fonts.bundled_font_path()
    assert bundled is not None
    own = renamed(bundled, "Supervise Test Hei", tmp_path / "own.ttf")
    monkeypatch.setenv(fonts.ENV, own)
    assert fonts.find_cjk_font() == fonts.CJKFont(name="Supervise Test Hei", path=own)


def test_a_bad_font_in_the_environment_warns_and_looks_further(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(fonts.ENV, LAST_RESORT)
    with pytest.warns(
        fonts.FontWarning,
        match=f"{fonts.ENV}='{LAST_RESORT}' is not a font file that draws Chinese; looking further",
    ):
        found = fonts.find_cjk_font()
    assert found is not None
    assert found.name == "Noto Sans SC"


# -- charts on a machine without fonts -------------------------------------------------------


def test_charts_draw_real_chinese_glyphs_without_system_fonts(
    mid: CohortProgress, no_system_fonts: None
) -> None:
    assert {Path(e.fname).name for e in fm.fontManager.ttflist} >= {"LastResortHE-Regular.ttf"}
    assert not [e for e in fm.fontManager.ttflist if "zhplot" in e.fname]  # hidden so far
    fig = charts.phase_status_bars(mid)  # warnings are errors: no FontWarning, no missing glyph
    title = fig.axes[0].title
    assert title.get_text() == "第二批 (nx-2024-b2) · 截至 2024-10-15 各环节状态"
    assert title.get_fontproperties().get_family() == ["Noto Sans SC", "DejaVu Sans"]
    chinese = "第二批截至各环节状态"
    drawn = glyphs(chinese, title.get_fontproperties())
    boxes = glyphs(chinese, fm.FontProperties(family=[BOX_FAMILY]))
    assert len(set(boxes)) == 1  # the comparison can see boxes: a box font draws all alike
    assert len(set(drawn)) == len(chinese)  # ten characters, ten different glyphs
    assert not set(drawn) & set(boxes)  # and none of them is the box
    blank = glyphs(" ", title.get_fontproperties())[0]
    assert blank not in drawn  # nor blank
    FigureCanvasAgg(fig).draw()  # the whole chart, with no missing-glyph warning
    labels = {t.get_text() for t in fig.findobj(Text)}
    assert {"理论学习", "陪伴督导", "已逾期", "学员人数"} <= labels
    assert {t.get_fontproperties().get_family()[0] for t in fig.findobj(Text)} == {"Noto Sans SC"}


def test_without_the_bundled_font_charts_fall_back_to_english(
    mid: CohortProgress, no_system_fonts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "bundled_font_path", lambda: None)
    assert fonts.find_cjk_font() is None
    message = (
        "no font that draws Chinese found: chart labels are in English (the font shipped with "
        "supervise[plot] (package zhplot) is not installed: pip install 'supervise[plot]', "
        "install a Chinese font, or set SUPERVISE_CJK_FONT)"
    )
    with pytest.warns(fonts.FontWarning) as caught:
        fig = charts.progress_heatmap(mid)
    assert [str(w.message) for w in caught] == [message]
    assert fig.axes[0].get_title() == "nx-2024-b2 · progress as of 2024-10-15"
    FigureCanvasAgg(fig).draw()  # no missing-glyph warning: nothing is drawn as a box


@pytest.mark.skipif(
    tuple(int(n) for n in matplotlib.__version__.split(".")[:2]) < (3, 11),
    reason="MPL_IGNORE_SYSTEM_FONTS is new in matplotlib 3.11",
)
def test_a_font_matplotlib_will_not_use_is_not_taken(
    mid: CohortProgress, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With MPL_IGNORE_SYSTEM_FONTS matplotlib looks up families in its own folder only: the
    # bundled font draws Chinese but a chart asking for it would get boxes.
    monkeypatch.setenv("MPL_IGNORE_SYSTEM_FONTS", "1")
    type(fm.fontManager)._findfont_cached.cache_clear()
    try:
        assert fonts.find_cjk_font() is None
        with pytest.warns(
            fonts.FontWarning,
            match="MPL_IGNORE_SYSTEM_FONTS is set, so matplotlib uses only its own fonts: unset it",
        ):
            fig = charts.phase_status_bars(mid)
        FigureCanvasAgg(fig).draw()
    finally:
        type(fm.fontManager)._findfont_cached.cache_clear()


def test_the_docs_chart_is_drawn_in_a_fresh_process_without_system_fonts(tmp_path: Path) -> None:
    out = tmp_path / "chart.png"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "chart_without_fonts.py"), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    facts = json.loads(done.stdout)
    bundled = fonts.bundled_font_path()
    own = str(MPL_FONTS.parent)
    assert [f for f in facts["font_files"] if not f.startswith(own)] == [bundled]
    assert facts["chart_font"] == {"name": "Noto Sans SC", "path": bundled}
    assert facts["title_family"] == ["Noto Sans SC", "DejaVu Sans"]
    assert out.read_bytes().startswith(b"\x89PNG")
