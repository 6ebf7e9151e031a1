"""A national office's roll-up, end to end, on generated provinces.

Each province keeps its own registry and exports Parquet with the national IDs as pseudonyms
under the matching key the national office handed out; the office answers across all the
exports, without merging them, and files one HTML page.

Usage: python examples/national_rollup.py [FOLDER] [PROVINCES] [TRAINEES]
(default: a temporary folder, 5 provinces, 1,000 trainees between them)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import supervise
import supervise.national
from supervise import synth
from supervise.pseudonym import new_key_file
from supervise.report.national import national_report

AS_OF = "2026-06-30"


def main(folder: Path, provinces: int, trainees: int) -> None:
    key = new_key_file(folder / "match.key")  # the national office's, sent to each province
    exports = []
    for scale in synth.national(trainees, provinces):
        with supervise.open() as registry:  # a province's registry
            synth.write(registry, scale)
            path = folder / "exports" / str(scale.province_code)
            registry.export(path, "parquet", national_id_key=key)
            exports.append(path)

    with supervise.national.open(exports) as national:
        print(f"{len(national.provinces)} provinces, {national.matches.people} people trained in")
        print("more than one of them, each counted once")
        print()
        print(national.tiers(AS_OF, by="province").to_text("en"))
        print()
        print(national.outcomes(as_of=AS_OF).to_text("en"))
        report = national.eligibility(synth.national_policy(), AS_OF)
        print()
        print(f"{len(report.eligible)} of {len(report.people)} people qualify for the pool")
        page = folder / "national.html"
        html = national_report(national, AS_OF, synth.national_policy(), lang="en")
        page.write_text(html, encoding="utf-8")
        print(f"wrote {page.name}")


if __name__ == "__main__":
    args = sys.argv[1:]
    count = int(args[1]) if len(args) > 1 else 5
    people = int(args[2]) if len(args) > 2 else 1_000
    if args:
        Path(args[0]).mkdir(parents=True, exist_ok=True)
        main(Path(args[0]), count, people)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp), count, people)
