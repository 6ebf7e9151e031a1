"""Charts of results, where a picture says more than a table (matplotlib is optional).

Each function returns a :class:`matplotlib.figure.Figure` built with the object-oriented API:
no pyplot, no global state, safe under any backend (``Agg`` included). Show one in a notebook
by leaving it as a cell's value; save it with ``fig.savefig("chart.png")``.

Labels are Chinese by default, drawn with the font :func:`supervise.report.fonts.find_cjk_font`
finds (Noto Sans SC, shipped with the ``plot`` extra, on any machine); in the rare case it
finds none they are English, never boxes. English labels name people and targets by id,
since their names are Chinese.

>>> import supervise
>>> from supervise.demo import ningxia
>>> registry = supervise.open(); _ = ningxia.build(registry)
>>> fig = progress_heatmap(registry.cohort_progress("nx-2024-b2", "2024-10-15"), lang="en")
>>> fig.axes[0].get_title()
'nx-2024-b2 · progress as of 2024-10-15'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from supervise.core.progress import CohortProgress, PhaseStatus, TraineeStatus
from supervise.core.targets import DAYS_PER_MONTH, TargetStatus
from supervise.core.tiers import LEVELS, TierCounts
from supervise.lang import Catalogue
from supervise.model import phase_label
from supervise.present import percent, sayer
from supervise.present.progress import MARKS, status_label
from supervise.present.structure import tier_label
from supervise.report import fonts

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CHART_COLOURS",
    "phase_status_bars",
    "progress_heatmap",
    "target_burnup",
    "tier_pyramid",
]

#: Bar colours of the phase statuses: the hues of the HTML tables, strong enough for bars.
CHART_COLOURS = {
    "complete": "#4a9d5b",
    "exempt": "#5b8fc9",
    "in_progress": "#e9b949",
    "not_started": "#bdbdbd",
    "overdue": "#d0564f",
}
#: Stacking order of the status bars: done first, trouble last.
BAR_ORDER = ("complete", "exempt", "in_progress", "not_started", "overdue")
_RED = "#b22222"
_GREY = "#777777"


def _figure(width: float, height: float) -> Figure:
    fonts.font_manager()  # MissingExtra("charts", "plot", "matplotlib") when missing
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _apply_font(fig: Figure, font: fonts.CJKFont | None) -> Figure:
    """Draw every text of ``fig`` with the Chinese font first, DejaVu Sans for the rest."""
    if font is not None:
        from matplotlib.text import Text

        for text in fig.findobj(Text):
            props = text.get_fontproperties().copy()
            props.set_family([font.name, "DejaVu Sans"])
            text.set_fontproperties(props)
    return fig


def _words(lang: str) -> Callable[..., str]:
    return sayer(_T, lang)


_T = Catalogue(
    __name__,
    {
        "progress": ("{cohort} · 截至 {as_of} 各环节完成情况", "{cohort} · progress as of {as_of}"),
        "fraction": ("完成比例", "share of requirements met"),
        "statuses": ("{cohort} · 截至 {as_of} 各环节状态", "{cohort} · phase status as of {as_of}"),
        "trainees": ("学员人数", "trainees"),
        "tiers": (
            "人才梯次结构 · 截至 {as_of} · 共 {total} 人",
            "talent tiers · as of {as_of} · {total} people",
        ),
        "people": ("人数", "people"),
        "actual": ("实际", "actual"),
        "goal": ("目标 {goal}", "goal {goal}"),
        "deadline": ("截止 {deadline}", "deadline {deadline}"),
        "pace": (
            "按近 12 个月进度 {pace:.2f} 人/月",
            "at the last 12 months' pace, {pace:.2f}/month",
        ),
        "no_pace": ("近 12 个月无进展", "no progress in the last 12 months"),
        "needed": ("所需进度 {pace:.2f} 人/月", "pace needed {pace:.2f}/month"),
        "projected": ("预计 {day}", "projected {day}"),
        "count": ("人数", "people"),
    },
)


def _cohort(result: CohortProgress, lang: str) -> str:
    return f"{result.cohort_name} ({result.cohort_id})" if lang == "zh" else result.cohort_id


def _phase_labels(result: CohortProgress, lang: str) -> list[str]:
    return [name if lang == "zh" else phase_label(key, "en") for key, name in result.phases]


def progress_heatmap(result: CohortProgress, lang: str | None = None) -> Figure:
    """Trainees (rows) by phases (columns), shaded by the share of requirements met, each
    cell marked with its status and percent; overdue cells framed red, trainees behind in
    red, withdrawn trainees in grey."""
    lang, font = fonts.chart_lang(lang)
    w = _words(lang)
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.patches import Rectangle

    rows, cols = len(result.trainees), len(result.phases)
    fig = _figure(1.05 * max(cols, 1) + 3.2, 0.22 * max(rows, 1) + 1.6)
    ax = fig.add_subplot()
    data = [[p.fraction for p in t.phases] for t in result.trainees] or [[0.0] * cols]
    shades = LinearSegmentedColormap.from_list("progress", ["#f5f9f5", "#5aab6a"])
    image = ax.imshow(data, cmap=shades, vmin=0, vmax=1, aspect="auto")
    for i, t in enumerate(result.trainees):
        for j, p in enumerate(t.phases):
            mark = f"{MARKS[p.status]}{percent(p.fraction)}"
            ax.text(j, i, mark, ha="center", va="center", fontsize=7.5, color="#1a1a1a")
            if p.status is PhaseStatus.OVERDUE:
                ax.add_patch(
                    Rectangle(
                        (j - 0.46, i - 0.44), 0.92, 0.88, fill=False, edgecolor=_RED, linewidth=1.4
                    )
                )
    ax.set_xticks(range(cols), labels=_phase_labels(result, lang))
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    people = [f"{t.person_id} {t.name}" if lang == "zh" else t.person_id for t in result.trainees]
    ax.set_yticks(range(rows), labels=people, fontsize=8)
    for label, t in zip(ax.get_yticklabels(), result.trainees, strict=True):
        if t.behind:
            label.set_color(_RED)
        elif t.status is TraineeStatus.WITHDRAWN:
            label.set_color(_GREY)
    bar = fig.colorbar(image, ax=ax, shrink=0.6, pad=0.02, label=w("fraction"))
    bar.set_ticks([0, 0.5, 1], labels=["0%", "50%", "100%"])
    ax.set_title(w("progress", cohort=_cohort(result, lang), as_of=result.as_of))
    return _apply_font(fig, font)


def phase_status_bars(result: CohortProgress, lang: str | None = None) -> Figure:
    """One horizontal bar per phase, stacked by how many trainees are complete, exempt, in
    progress, not started and overdue (withdrawn trainees left out)."""
    lang, font = fonts.chart_lang(lang)
    w = _words(lang)
    counts = result.phase_counts()
    keys = [key for key, _ in result.phases]
    fig = _figure(8.0, 0.5 * max(len(keys), 1) + 1.6)
    ax = fig.add_subplot()
    labels = _phase_labels(result, lang)
    left = [0] * len(keys)
    for status in BAR_ORDER:
        widths = [counts[k][status] for k in keys]
        bars = ax.barh(
            labels,
            widths,
            left=left,
            color=CHART_COLOURS[status],
            label=status_label(PhaseStatus(status), lang),
        )
        ax.bar_label(
            bars, labels=[str(n) if n else "" for n in widths], label_type="center", fontsize=8
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.invert_yaxis()
    ax.set_xlabel(w("trainees"))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(
        ncols=len(BAR_ORDER),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18),
        frameon=False,
        fontsize=8,
    )
    ax.set_title(w("statuses", cohort=_cohort(result, lang), as_of=result.as_of))
    return _apply_font(fig, font)


def tier_pyramid(result: TierCounts, group: str | None = None, lang: str | None = None) -> Figure:
    """The tier structure of one group as a pyramid: no credential at the base, senior at
    the top, each bar centred and labelled with its count. ``group`` may be left out when
    ``result`` has one group (ungrouped results have only ``"all"``)."""
    if group is None:
        if len(result.groups) != 1:
            raise ValueError(
                f"tiers grouped by {result.by} have {len(result.groups)} groups; "
                f"pass group= one of {', '.join(result.groups)}"
            )
        group = next(iter(result.groups))
    if group not in result.groups:
        raise ValueError(f"no group {group!r} in tiers; groups: {', '.join(result.groups)}")
    lang, font = fonts.chart_lang(lang)
    w = _words(lang)
    counts = result.groups[group]
    fig = _figure(7.0, 3.4)
    ax = fig.add_subplot()
    widths = [counts[t] for t in LEVELS]
    shades = ["#c9d6e3", "#8fb0d1", "#4f82b8", "#1f4e79"]
    bars = ax.barh(
        [tier_label(t, lang) for t in LEVELS],
        widths,
        left=[-n / 2 for n in widths],
        color=shades,
        height=0.8,
    )
    ax.bar_label(
        bars,
        labels=[str(n) for n in widths],
        label_type="center",
        color="black",
        fontsize=10,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
    )
    widest = max([*widths, 1])
    ax.set_xlim(-widest / 2 - 1, widest / 2 + 1)
    ax.set_xticks([])
    ax.spines[["top", "right", "bottom", "left"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    title = w("tiers", as_of=result.as_of, total=counts["total"])
    ax.set_title(title if group == "all" else f"{title} · {group}")
    return _apply_font(fig, font)


def target_burnup(
    status: TargetStatus, history: Sequence[tuple[date, int]], lang: str | None = None
) -> Figure:
    """The count towards a target over time (``history``, e.g. from
    :meth:`supervise.Registry.target_history`) against the goal and the deadline, with the
    projection at the pace of the last 12 months and the pace the deadline needs."""
    lang, font = fonts.chart_lang(lang)
    w = _words(lang)
    from matplotlib import dates

    mdates: Any = dates  # its locators are untyped

    fig = _figure(8.0, 4.2)
    ax: Any = fig.add_subplot()
    target, as_of = status.target, status.as_of
    if history:
        days, counts = zip(*history, strict=True)
        ax.step(days, counts, where="post", color="#1f4e79", linewidth=2, label=w("actual"))
    ax.plot([as_of], [status.current], "o", color="#1f4e79")
    ax.axhline(status.goal, linestyle="--", color=_GREY, label=w("goal", goal=status.goal))
    ax.axvline(
        target.deadline,
        linestyle=":",
        color=_RED,
        label=w("deadline", deadline=target.deadline),
    )
    _projection(ax, status, w)
    ax.set_ylim(0, max(status.goal, status.current) * 1.12)
    ax.set_ylabel(w("count"))
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.set_title(target.name if lang == "zh" else target.id)
    return _apply_font(fig, font)


def _projection(ax: Any, status: TargetStatus, w: Callable[..., str]) -> None:
    """The achieved-pace projection and the needed-pace line, from today's count."""
    as_of, deadline = status.as_of, status.target.deadline
    if status.pace_needed is not None and status.remaining:
        ax.plot(
            [as_of, deadline],
            [status.current, status.goal],
            linestyle=(0, (1, 2)),
            color=_GREY,
            label=w("needed", pace=status.pace_needed),
        )
    if status.remaining == 0:
        return
    if status.pace_achieved <= 0:
        ax.plot(
            [as_of, max(deadline, as_of)],
            [status.current] * 2,
            linestyle="--",
            color=CHART_COLOURS["overdue"],
            label=w("no_pace"),
        )
        return
    end = status.projected or deadline
    months = (end - as_of).days / DAYS_PER_MONTH
    ax.plot(
        [as_of, end],
        [status.current, status.current + status.pace_achieved * months],
        linestyle="--",
        color=CHART_COLOURS["complete"],
        label=w("pace", pace=status.pace_achieved),
    )
    if status.projected is not None:
        ax.plot([status.projected], [status.goal], "o", color=CHART_COLOURS["complete"])
        ax.annotate(
            w("projected", day=status.projected),
            (status.projected, status.goal),
            textcoords="offset points",
            xytext=(0, -16),
            ha="center",
            fontsize=8,
        )
