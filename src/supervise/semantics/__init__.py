"""The semantics of `supervise`, defined once, as SQL that DuckDB runs.

Every decision the library makes about records (what counts as of a date, when a phase is
complete, status precedence, the expected share of a window, who is behind, withdrawal,
pairings in force, credentials held, practice years, outcomes counted, each rule kind) is
written here, once, against tables named as in the store (``activities``, ``sessions``, ...).
:mod:`supervise.engine` binds those names to a registry's columnar copy or to records built in
a notebook and runs the statements; nothing else decides. docs/progress.md and
docs/eligibility.md state the same rules in prose, and tests/oracle.py re-derives them slowly,
in plain Python, to check this definition.
"""
