"""Draw a chart as a machine without fonts does: the picture in docs/notebooks-and-reports.md.

The chart is drawn in a fresh process with a fresh matplotlib font cache (``MPLCONFIGDIR`` in a
temporary folder, set before matplotlib is imported), and every font file outside matplotlib's
own folder is hidden from matplotlib, as on a bare Linux container: the only Chinese font left
is the one the ``plot`` extra ships. Any warning (a :class:`FontWarning`, a missing glyph)
stops the script. It prints, as JSON, the font files matplotlib knew and the font the chart
used; ``tests/test_fonts.py`` runs it.

Usage: python scripts/chart_without_fonts.py [OUT.png]   (also: make docs-chart)
Default OUT.png: docs/img/chart-without-system-fonts.png.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import warnings
from pathlib import Path
from types import ModuleType

OUT = Path(__file__).resolve().parent.parent / "docs" / "img" / "chart-without-system-fonts.png"


def hide_system_fonts(fm: ModuleType) -> None:
    """Make matplotlib's font manager ``fm`` know only matplotlib's own fonts, and find no
    others on the system (as on a machine with none installed)."""
    import matplotlib

    own = Path(matplotlib.get_data_path()).resolve()
    manager = fm.fontManager
    manager.ttflist[:] = [e for e in manager.ttflist if own in Path(e.fname).resolve().parents]
    manager.afmlist[:] = [e for e in manager.afmlist if own in Path(e.fname).resolve().parents]
    find = fm.findSystemFonts

    def own_fonts_only(fontpaths: list[str] | None = None, fontext: str = "ttf") -> list[str]:
        return [] if fontpaths is None else list(find(fontpaths, fontext))

    fm.findSystemFonts = own_fonts_only
    type(manager)._findfont_cached.cache_clear()


def draw(out: Path) -> dict[str, object]:
    """Draw the Ningxia second batch's phase status bars, in Chinese, to ``out``."""
    import matplotlib.font_manager as fm

    hide_system_fonts(fm)
    import supervise
    from supervise.demo import ningxia
    from supervise.report import charts, fonts

    with supervise.open() as registry:
        ningxia.build(registry)
        progress = registry.cohort_progress("nx-2024-b2", ningxia.MID_PROGRAM)
    fig = charts.phase_status_bars(progress)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=100, metadata={"Software": None})  # no version: same bytes each run
    font = fonts.find_cjk_font()
    return {
        "font_files": sorted({e.fname for e in fm.fontManager.ttflist}),
        "chart_font": None if font is None else {"name": font.name, "path": font.path},
        "title_family": fig.axes[0].title.get_fontproperties().get_family(),
    }


def main(out: Path = OUT) -> None:
    if "matplotlib" in sys.modules:
        raise SystemExit("run in a fresh process: matplotlib is already imported")
    with tempfile.TemporaryDirectory(prefix="supervise-mplconfig-") as config:
        os.environ["MPLCONFIGDIR"] = config  # a fresh font cache, built on first import
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            facts = draw(out)
    print(json.dumps(facts, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main(*(Path(arg) for arg in sys.argv[1:2]))
