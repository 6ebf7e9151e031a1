"""Build the Ningxia supervisor program example into a registry and look at it.

The records themselves are built in ``supervise.demo.ningxia`` (read it as an example of
the model: programs with phase catalogues, cohorts, mentors from universities and the
闽宁"牵手计划", township-station placements, activities, sessions, case studies, credentials
and outcomes).

Usage: python examples/ningxia.py [PATH]   (default: an in-memory registry)
"""

from __future__ import annotations

import sys

import supervise
from supervise.demo import ningxia
from supervise.model import Cohort, Enrollment, MentorRole, Placement


def main(path: str | None = None) -> None:
    with supervise.open(path) as registry:
        ningxia.build(registry)
        print(registry)
        for cohort in registry.find(Cohort):
            trainees = registry.find(Enrollment, cohort_id=cohort.id)
            mentors = registry.find(MentorRole, cohort_id=cohort.id)
            stations = {p.station for p in registry.find(Placement, cohort_id=cohort.id)}
            print(
                f"{cohort.name} {cohort.id}: {len(trainees)} trainees, "
                f"{len(mentors)} mentors, {len(stations)} stations"
            )
            for phase in registry.phase_records(cohort.id):
                print(
                    f"  {phase['name']} {phase['phase']}: {phase['activities']} activities, "
                    f"{phase['hours']:g} hours, {phase['sessions']} sessions, "
                    f"{phase['deliverables']} deliverables"
                )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
