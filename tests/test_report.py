"""``supervise report``: one self-contained HTML file, checked as text and in Chromium."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from supervise.cli import cli
from supervise.demo import ningxia
from supervise.model import Person
from supervise.present.html import STATUS_COLOURS
from supervise.registry import Registry
from supervise.report import fonts
from supervise.report.page import cohort_report

EXAMPLES = Path(__file__).parent.parent / "examples"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "ningxia.db"
    assert run("demo", "--db", str(path))[0] == 0
    return path


def _quiet_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Charts never warn: Chinese with a CJK font, English (as asked, or not) without."""
    if fonts.find_cjk_font() is None:
        monkeypatch.setattr(fonts, "chart_lang", lambda lang: ("en", None))


@pytest.fixture(autouse=True)
def _chinese_font_or_english_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    _quiet_charts(monkeypatch)


def report(demo_db: Path, tmp_path: Path, *extra: str) -> tuple[str, str, str]:
    out = tmp_path / "report.html"
    args = ["report", "--db", str(demo_db), "--cohort", "nx-2024-b2", "--as-of", "2024-10-15"]
    code, stdout, stderr = run(*args, *extra, "-o", str(out))
    assert code == 0, stderr
    return out.read_text(encoding="utf-8"), stdout, stderr


@pytest.fixture(scope="module")
def full(demo_db: Path) -> tuple[str, str, str, Path]:
    """The report with every section (charts take a second to draw: made once)."""
    folder = demo_db.parent / "full"
    folder.mkdir()
    with pytest.MonkeyPatch.context() as monkeypatch:
        _quiet_charts(monkeypatch)
        return (*report(demo_db, folder, "--policy", "nx-expert-pool"), folder)


def test_report_is_one_self_contained_file_with_every_section(
    full: tuple[str, str, str, Path],
) -> None:
    html, stdout, stderr, folder = full
    assert stdout == ""
    assert stderr.startswith(f"已写入 {folder / 'report.html'}（")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in html
    assert "<title>第二批 (nx-2024-b2) 培养进度报告</title>" in html
    for section in ("进度概览", "学员进度", "落后学员", "导师带教", "培养成效", "入库资格"):
        assert f">{section}</h2>" in html, section
    assert "在册 31 · 退出 0 · 完成 0 · 完成率 0% · 逾期 5 · 落后 2" in html
    assert "已过截止日期、完成比例不低于 75% 的环节只算逾期，不算落后" in html
    assert "实践教学 70%（应达 100%）" in html
    assert "宁夏社会工作人才专家库入库条件（示例） (nx-expert-pool 2024.1)" in html
    assert html.count('src="data:image/png;base64,') == 2
    assert STATUS_COLOURS["overdue"][0] in html


def test_report_makes_no_external_requests(full: tuple[str, str, str, Path]) -> None:
    html = full[0]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html
    assert "<script" not in html
    assert "<link" not in html


def test_report_has_no_national_id_or_phone_number(
    full: tuple[str, str, str, Path], ningxia_registry: Registry
) -> None:
    html = full[0]
    people = ningxia_registry.find(Person)
    secrets = [p.national_id for p in people if p.national_id] + [
        p.phone for p in people if p.phone
    ]
    assert [s for s in secrets if s and s in html] == []
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)
    assert not re.search(r"\d{17}[\dX]|1[3-9]\d{9}", text)


def test_report_without_a_policy_leaves_eligibility_out(demo_db: Path, tmp_path: Path) -> None:
    html, _, _ = report(demo_db, tmp_path, "--no-charts")
    assert ">入库资格</h2>" not in html
    assert ">培养成效</h2>" in html


def test_report_in_english_without_charts(demo_db: Path, tmp_path: Path) -> None:
    html, _, _ = report(
        demo_db, tmp_path, "--lang", "en", "--no-charts", "--policy", "nx-expert-pool"
    )
    assert '<html lang="en">' in html
    assert "<title>nx-2024-b2 progress report</title>" in html
    for section in (
        "Trainee progress",
        "Behind schedule",
        "Mentor load",
        "Outcomes",
        "Eligibility",
    ):
        assert f">{section}</h2>" in html, section
    assert "<img" not in html
    assert "practicum 70% (expected 100%)" in html


def test_report_to_stdout(demo_db: Path) -> None:
    code, out, err = run(
        "report", "--db", str(demo_db), "--cohort", "nx-2024-b2", "--no-charts", "-o", "-"
    )
    assert code == 0, err
    assert out.startswith("<!DOCTYPE html>")
    assert out.rstrip().endswith("</html>")


def test_report_of_an_unknown_cohort_is_a_one_line_error(demo_db: Path, tmp_path: Path) -> None:
    code, out, err = run(
        "report", "--db", str(demo_db), "--cohort", "nope", "-o", str(tmp_path / "r.html")
    )
    assert code == 1
    assert out == ""
    assert err == "Error: 找不到批次 'nope'；现有的批次：nx-2022-b1 (第一批), nx-2024-b2 (第二批)\n"
    assert not (tmp_path / "r.html").exists()


def test_report_needs_an_output_and_a_cohort(demo_db: Path) -> None:
    code, _, err = run("report", "--db", str(demo_db), "--cohort", "nx-2024-b2")
    assert code == 2
    assert "Missing option '-o' / '--output'" in err


def test_report_without_matplotlib_says_charts_need_the_extra(
    ningxia_registry: Registry, monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    html = cohort_report(ningxia_registry, "nx-2024-b2", ningxia.MID_PROGRAM)
    assert "图表需要 matplotlib：pip install &#39;supervise[plot]&#39;" in html
    assert "<img" not in html
    code, _, err = run(
        "report", "--db", str(demo_db), "--cohort", "nx-2024-b2", "--charts", "-o", "-"
    )
    assert code == 1
    assert err == (
        "Error: charts needs the optional dependency 'matplotlib': pip install 'supervise[plot]'\n"
    )


# -- in a real browser -----------------------------------------------------------------------


def load_example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    example = load_example("report_png")
    if example.find_chromium() is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    image = pytest.importorskip("matplotlib.image")
    html = example.write_report(tmp_path)
    png = example.screenshot(html, tmp_path / "report.png", width=1200, height=5000)
    pixels = image.imread(str(png))[:, :, :3]
    height, width, _ = pixels.shape
    assert width == 1200
    assert 2000 < height <= 5000  # trimmed to the content, which is long
    assert pixels.std() > 0.1  # not blank
    ink = (pixels.mean(axis=2) < 0.5).mean()
    assert 0.01 < ink < 0.5  # text and charts, not a black or white page
    complete = [int(STATUS_COLOURS["complete"][0][i : i + 2], 16) / 255 for i in (1, 3, 5)]
    cells = (abs(pixels - complete) < 0.02).all(axis=2).sum()
    assert cells > 2000  # the green "complete" cells of the progress table are painted


def _rgb(colour: str) -> list[float]:
    return [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]


def test_the_report_lays_short_sections_beside_the_progress_table(tmp_path: Path) -> None:
    """The progress table no longer fills half the page alone: who is behind sits beside it."""
    example = load_example("report_png")
    if example.find_chromium() is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    image = pytest.importorskip("matplotlib.image")
    png = example.screenshot(example.write_report(tmp_path), tmp_path / "r.png", 1280, 6000)
    pixels = image.imread(str(png))[:, :, :3]
    # The first overdue cell of the table (row 8, 朱庆), which only the table paints.
    overdue = (abs(pixels - _rgb(STATUS_COLOURS["overdue"][0])) < 0.02).all(axis=2)
    row = overdue[:, :640].any(axis=1).nonzero()[0][0]
    assert not overdue[row - 200 : row + 20, 640:].any()  # the table keeps to the left half
    beside = pixels[row - 200 : row + 20, 640:].mean(axis=2) < 0.5
    assert beside.sum() > 200  # text beside the table's first rows: the behind panel


def test_the_province_report_renders_with_charts_side_by_side(tmp_path: Path) -> None:
    example = load_example("report_png")
    if example.find_chromium() is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    image = pytest.importorskip("matplotlib.image")
    from supervise.report.charts import CHART_COLOURS

    example.write_report(tmp_path)
    _, province = example.write_department_reports(tmp_path)
    text = province.read_text(encoding="utf-8")
    assert text.count('src="data:image/png;base64,') == 2 + 1 + 3  # statuses, tiers, targets
    png = example.screenshot(province, tmp_path / "p.png", 1280, 8000)
    pixels = image.imread(str(png))[:, :, :3]
    assert pixels.shape[1] == 1280
    bars = (abs(pixels - _rgb(CHART_COLOURS["complete"])) < 0.03).all(axis=2)
    left, right = bars[:, :640].any(axis=1), bars[:, 640:].any(axis=1)
    assert (left & right).sum() > 100  # the two cohorts' status charts share rows
