"""Exchange between provincial systems: the ``supervise/1`` format in JSON, CSV and XLSX.

``import_files(registry, paths)`` takes files in (all or nothing, every problem reported);
``export(registry, path, format=...)`` writes them. :meth:`Registry.import_file
<supervise.store.Registry.import_file>` and :meth:`Registry.export
<supervise.store.Registry.export>` are the same, one path at a time. ``schema.json`` (see
:func:`json_schema`) describes the JSON document.
"""

from supervise.exchange.load import StepCallback, import_files
from supervise.exchange.problems import MAX_PROBLEMS, Problem
from supervise.exchange.read import FORMAT
from supervise.exchange.report import ImportReport, PersonMatch, TableCounts

__all__ = [
    "FORMAT",
    "MAX_PROBLEMS",
    "ImportReport",
    "PersonMatch",
    "Problem",
    "StepCallback",
    "TableCounts",
    "import_files",
]
