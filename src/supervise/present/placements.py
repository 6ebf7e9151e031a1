"""Views of :class:`~supervise.core.placements.Placements`: one row per station, its trainees
and dates (a terminal table and HTML), and a DataFrame of one row per placement."""

from __future__ import annotations

from typing import TYPE_CHECKING

from supervise._text import render
from supervise.lang import Catalogue
from supervise.present import check_lang, sayer
from supervise.present.html import block, line, table
from supervise.present.regions import region_name

if TYPE_CHECKING:
    from markupsafe import Markup
    from pandas import DataFrame

    from supervise.core.placements import PlacementRow, Placements

__all__ = [
    "placements_frame",
    "placements_html",
    "placements_text",
    "region_rows",
    "station_rows",
]

_T = Catalogue(
    __name__,
    {
        "title": ("实习安排 · {scope} · 截至 {as_of}", "placements · {scope} · as of {as_of}"),
        "all_cohorts": ("全部批次", "all cohorts"),
        "station": ("社工站", "station"),
        "region": ("行政区划代码", "region code"),
        "trainees": ("学员", "trainees"),
        "dates": ("日期", "dates"),
        "in_post": ("在岗", "in post"),
        "none": ("尚无实习安排", "no placements yet"),
        "area": ("地区", "area"),
        "stations": ("社工站", "stations"),
        "placed": ("学员人数", "trainees"),
        "open": ("至今", "open"),
    },
)


def _dates(rows: list[PlacementRow], lang: str) -> str:
    spans = sorted(
        {
            (r.starts_on.isoformat(), "" if r.ends_on is None else r.ends_on.isoformat())
            for r in rows
        }
    )
    say = sayer(_T, lang)
    return "; ".join(f"{start} – {end or say('open')}" for start, end in spans)


def station_rows(result: Placements, lang: str | None = None) -> list[list[str]]:
    """One row per station: the station, its region code, its trainees (id and name), the
    dates of their placements and how many are in post on the date; the header first."""
    lang = check_lang(lang)
    say = sayer(_T, lang)
    rows = [[say("station"), say("region"), say("trainees"), say("dates"), say("in_post")]]
    for station, placed in result.stations().items():
        regions = sorted({r.region_code for r in placed if r.region_code})
        people = dict.fromkeys(f"{r.person_id} {r.name}" for r in placed)
        rows.append(
            [
                station,
                ", ".join(regions) or "-",
                ("、" if lang == "zh" else ", ").join(people),
                _dates(placed, lang),
                str(sum(r.in_post for r in placed)),
            ]
        )
    return rows


def region_rows(result: Placements, lang: str | None = None) -> list[list[str]]:
    """One row per region code: the area's name (a county, from the code), the code, its
    stations, how many trainees are placed there and how many are in post on the date; the
    header first. Placements without a region code come last."""
    lang = check_lang(lang)
    say = sayer(_T, lang)
    grouped: dict[str, list[PlacementRow]] = {}
    for row in result.rows:
        grouped.setdefault(row.region_code or "", []).append(row)
    rows = [[say("area"), say("region"), say("stations"), say("placed"), say("in_post")]]
    for code in sorted(grouped, key=lambda c: (c == "", c)):
        placed = grouped[code]
        stations = dict.fromkeys(r.station for r in sorted(placed, key=lambda r: r.station))
        rows.append(
            [
                (region_name(code) or "-") if code else "-",
                code or "-",
                ("、" if lang == "zh" else ", ").join(stations),
                str(len({r.person_id for r in placed})),
                str(len({r.person_id for r in placed if r.in_post})),
            ]
        )
    return rows


def _title(result: Placements, lang: str) -> str:
    say = sayer(_T, lang)
    scope = result.cohort or result.program or say("all_cohorts")
    return say("title", scope=scope, as_of=result.as_of)


def placements_text(result: Placements, lang: str | None = None) -> str:
    """The stations as a terminal table, under a title."""
    lang = check_lang(lang)
    if not result.rows:
        return _title(result, lang) + "\n\n" + sayer(_T, lang)("none")
    rows = station_rows(result, lang)
    return _title(result, lang) + "\n\n" + render(rows, align="llllr", limits=[0, 0, 40], wrap=[2])


def placements_html(
    result: Placements, lang: str | None = None, title: bool = True, by_region: bool = False
) -> Markup:
    """The stations as an HTML table (with a title unless ``title`` is false); with
    ``by_region``, one row per area instead (:func:`region_rows`), what a report shows."""
    lang = check_lang(lang)
    parts = [line(_title(result, lang), strong=True)] if title else []
    if not result.rows:
        return block(*parts, line(sayer(_T, lang)("none"), muted=True))
    if by_region:
        head, *rows = region_rows(result, lang)
        return block(*parts, table(head, rows, align="lllrr", wrap=[2]))
    head, *rows = station_rows(result, lang)
    return block(*parts, table(head, rows, align="llllr", wrap=[0, 2]))


def placements_frame(result: Placements) -> DataFrame:
    """One row per placement: ``cohort_id, person_id, name, station, region_code,
    starts_on, ends_on, in_post``; dates as Timestamps (``ends_on`` NaT when open)."""
    from supervise.present.frames import require_pandas

    pd = require_pandas("Placements.to_pandas()")
    columns = [
        "cohort_id", "person_id", "name", "station", "region_code", "starts_on", "ends_on",
        "in_post",
    ]  # fmt: skip
    df = pd.DataFrame([r.to_dict() for r in result.rows], columns=columns)
    for name in ("starts_on", "ends_on"):
        df[name] = pd.to_datetime(df[name])
    return df.astype({"in_post": "bool"})
