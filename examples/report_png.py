"""Write the Ningxia cohort report, Anhui's program report and Ningxia's province report,
and render each to a PNG in headless Chromium.

This is how a person sees the reports: the PNG shows whether the page lays out and whether
the Chinese labels are legible (a machine without a Chinese font shows boxes). It needs
Debian's ``chromium`` (``apt-get install chromium fonts-wqy-microhei``); the test suite uses
the same functions, and skips when Chromium is missing.

Usage: python examples/report_png.py [OUT_DIR]   (default: build/report; also `make report-png`)
Writes OUT_DIR/ningxia.db (the Ningxia example with Anhui's plan imported), and
OUT_DIR/report.html, program.html and province.html, each with its PNG.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import supervise
from supervise.demo import ningxia
from supervise.report.page import cohort_report

#: Executable names of Chromium, first found wins.
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Flags for a quiet, offline, throw-away headless run (root needs --no-sandbox).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def find_chromium() -> str | None:
    """The path of a Chromium executable, or None."""
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def screenshot(html: Path, png: Path, width: int = 1280, height: int = 6000) -> Path:
    """Render ``html`` in headless Chromium to ``png`` (``width`` x ``height`` pixels), then
    trim the blank margin below the page."""
    browser = find_chromium()
    if browser is None:
        raise SystemExit("Chromium not found: apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="supervise-chromium-") as profile:
        command = [
            browser,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={png.resolve()}",
            f"--window-size={width},{height}",
            html.resolve().as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0 or not png.exists():
        raise RuntimeError(f"Chromium failed ({done.returncode}): {done.stderr[-2000:]}")
    _trim(png)
    return png


def _trim(png: Path) -> None:
    """Cut the white rows below the content (needs Pillow, which matplotlib brings)."""
    try:
        from PIL import Image, ImageOps
    except ImportError:
        return
    with Image.open(png) as image:
        page = image.convert("RGB")
    box = ImageOps.invert(page.convert("L")).getbbox()
    if box is not None:
        page.crop((0, 0, page.width, min(page.height, box[3] + 24))).save(png)


def write_report(out: Path, lang: str = "zh") -> Path:
    """Build the Ningxia example into ``out``/ningxia.db and write ``out``/report.html: the
    second batch mid-program, with eligibility under the built-in expert-pool policy."""
    out.mkdir(parents=True, exist_ok=True)
    html = out / "report.html"
    with supervise.open(out / "ningxia.db") as registry:
        ningxia.build(registry)
        text = cohort_report(
            registry, "nx-2024-b2", ningxia.MID_PROGRAM, "nx-expert-pool", lang=lang
        )
    html.write_text(text, encoding="utf-8")
    return html


#: Anhui's "三区" plan, an exchange folder in Chinese: 18 people in five county teams.
ANHUI = Path(__file__).parent / "exchange" / "anhui-sanqu-2024"
#: Ningxia's 2027 targets.
TARGETS = Path(__file__).parent / "ningxia-targets.toml"


def write_department_reports(out: Path, lang: str = "zh") -> tuple[Path, Path]:
    """Import Anhui's plan into ``out``/ningxia.db (built by :func:`write_report`) and write
    ``out``/program.html (Anhui's plan, by team) and ``out``/province.html (Ningxia's two
    programs on the day the outcomes were reported, with the targets and the policy)."""
    from supervise.report.department import program_report, province_report

    program, province = out / "program.html", out / "province.html"
    with supervise.open(out / "ningxia.db") as registry:
        registry.import_file(ANHUI)
        program.write_text(
            program_report(registry, "ah-sanqu-2024", "2024-12-06", lang=lang), encoding="utf-8"
        )
        text = province_report(
            registry, "64", ningxia.REPORTED_ON, "nx-expert-pool", TARGETS, lang=lang
        )
        province.write_text(text, encoding="utf-8")
    return program, province


def main(out: str = "build/report") -> None:
    folder = Path(out)
    html = write_report(folder)
    pages = [html, *write_department_reports(folder)]
    for page in pages:
        print(f"{page}\n{screenshot(page, page.with_suffix('.png'))}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
