"""National and regional roll-ups: answers across many provinces' exports, without merging them.

A province keeps its own registry and sends ``supervise/1`` exports; a national office (or a
region, such as Sichuan-Chongqing) asks questions of all of them at once:

>>> import supervise.national
>>> national = supervise.national.open(["exports/ningxia", "exports/anhui"])  # doctest: +SKIP
>>> national.tiers(by="province")                                           # doctest: +SKIP

:class:`National` checks every export as an import would, matches people across provinces by
national ID (or by a pseudonym of it, :mod:`supervise.pseudonym`), and answers tiers,
outcomes, targets, progress, completions and eligibility through the one definition of the
semantics, with a source of tables of its own (:mod:`supervise.national.source`) that shows
the engine the union of the provinces' files. docs/how-to/national-roll-up.md shows a national
office's workflow.
"""

from supervise.national.rollup import National, ProvinceExport, label_of, open_exports

open = open_exports

__all__ = ["National", "ProvinceExport", "label_of", "open"]
