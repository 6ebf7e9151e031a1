"""Render the pictures of the reports in docs/img with headless Chromium, as a reader sees
them: the top of Anhui's program report (progress by cohort and by team), the outcomes and
tiers of Ningxia's province report, and the eligibility section of the cohort report, where a
choice is shown as a choice.

Each picture is one part of a report (its own page, its own sections, charts left out),
rendered 1000 pixels wide and trimmed; the PNGs are reduced to 64 colours to keep the
repository small. Needs Chromium and a CJK font for the page text
(``apt-get install chromium fonts-wqy-microhei``).

Usage: python scripts/report_screenshots.py [OUT_DIR]   (default: docs/img; also make docs-img)
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import supervise
from supervise.demo import ningxia
from supervise.report.department import program_report, province_report
from supervise.report.page import cohort_report

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"


def _example() -> ModuleType:
    """examples/report_png.py: the Chromium call the test suite uses too."""
    spec = importlib.util.spec_from_file_location("report_png", ROOT / "examples" / "report_png.py")
    if spec is None or spec.loader is None:
        raise SystemExit("examples/report_png.py not found")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _part(html: str, first: str, last: str | None) -> str:
    """``html`` with its title block and only the sections from heading ``first`` up to
    heading ``last`` (to the end when ``None``)."""
    head, body = html.split("<body>", 1)
    start = body.index(f"<h2>{first}</h2>")
    opener = body.rfind('<div class="side">', 0, start)  # a heading of sections side by side
    if opener != -1 and "</div>" not in body[opener:start]:
        start = opener
    end = body.index(f"<h2>{last}</h2>", start) if last else body.index("</body>")
    return f"{head}<body>{body[: body.index('<h2>')]}{body[start:end]}</body></html>\n"


def _shoot(example: ModuleType, html: str, png: Path, folder: Path, height: int = 1200) -> None:
    """Render ``html`` 1000 pixels wide, keep at most ``height`` pixels of it."""
    page = folder / (png.stem + ".html")
    page.write_text(html, encoding="utf-8")
    example.screenshot(page, png, width=1000, height=3000)
    from PIL import Image

    with Image.open(png) as image:
        top = image.crop((0, 0, image.width, min(image.height, height)))
        reduced = top.convert("RGB").quantize(64)
    reduced.save(png, optimize=True)
    print(png, png.stat().st_size // 1024, "KiB")


def main(out: str = str(OUT)) -> None:
    example = _example()
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="supervise-docs-img-") as tmp, supervise.open() as r:
        folder = Path(tmp)
        ningxia.build(r)
        r.import_file(example.ANHUI)
        program = program_report(r, "ah-sanqu-2024", "2024-12-06", charts=False, lang="zh")
        _shoot(
            example, _part(program, "各批次进度", "培养成效"), target / "program-report.png", folder
        )
        province = province_report(r, "64", ningxia.REPORTED_ON, charts=False, lang="zh")
        _shoot(
            example, _part(province, "培养成效", "实习安排"), target / "province-report.png", folder
        )
        cohort = cohort_report(
            r, ningxia.SECOND_BATCH, ningxia.MID_PROGRAM, "nx-expert-pool", "zh", charts=False
        )
        html = _part(cohort, "入库资格", None)
        _shoot(example, html, target / "eligibility-choices.png", folder, height=560)


if __name__ == "__main__":
    main(*sys.argv[1:2])
