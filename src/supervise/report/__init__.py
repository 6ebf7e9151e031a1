"""Reports and charts: the shell that turns results into pictures and files.

``supervise.report.charts`` draws results with matplotlib (``supervise[plot]``);
``supervise.report.page`` writes the self-contained HTML report of ``supervise report``.
"""
