"""Small exchange folders for the exchange tests: write CSV files, a consistent base batch."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from stdnum.cn import ric

Rows = Sequence[Sequence[str]]


def national_id(body: str) -> str:
    """A valid national ID number from its first 17 digits."""
    return body + ric.calc_check_digit(body + "0")


#: Valid national ID numbers, no location-code warning.
NID_1 = national_id("34012119900307001")
NID_2 = national_id("34022119851111002")


def write_csv(folder: Path, name: str, rows: Rows, encoding: str = "utf-8") -> Path:
    """Write ``rows`` (header first) to ``folder/name.csv``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    with path.open("w", newline="", encoding=encoding) as out:
        csv.writer(out).writerows(rows)
    return path


def base() -> dict[str, list[list[str]]]:
    """A consistent batch: a program with two phases, a cohort, three people (two trainees,
    one mentor), their enrollments and the mentor's role."""
    return {
        "programs": [["id", "name"], ["ah", "安徽三区计划"]],
        "phases": [
            ["program_id", "key", "name", "order", "required_hours"],
            ["ah", "training", "岗前培训", "1", "24"],
            ["ah", "practicum", "驻点服务", "2", ""],
        ],
        "cohorts": [
            ["id", "program_id", "name", "starts_on", "ends_on"],
            ["c1", "ah", "2024年度", "2024-07-19", "2025-07-18"],
        ],
        "people": [
            ["id", "name", "national_id", "phone"],
            ["p1", "王雪梅", NID_1, "13812345678"],
            ["p2", "张志强", "", ""],
            ["m1", "汪建华", NID_2, ""],
        ],
        "enrollments": [
            ["person_id", "cohort_id", "enrolled_on", "team"],
            ["p1", "c1", "2024-07-19", "谯城区服务队"],
            ["p2", "c1", "2024-07-19", "谯城区服务队"],
        ],
        "mentors": [["person_id", "cohort_id", "kind"], ["m1", "c1", "university"]],
    }


def write_folder(folder: Path, tables: dict[str, list[list[str]]]) -> Path:
    """Write every table of ``tables`` as a CSV file of ``folder``."""
    for name, rows in tables.items():
        write_csv(folder, name, rows)
    return folder
