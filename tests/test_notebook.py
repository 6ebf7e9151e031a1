"""examples/assess_cohort.ipynb runs from top to bottom, and is committed without outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).parent.parent / "examples" / "assess_cohort.ipynb"
nbformat = pytest.importorskip("nbformat")


def test_the_notebook_is_committed_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert len(code) >= 10
    assert [cell for cell in code if cell.outputs or cell.execution_count] == []


def test_the_assessors_notebook_runs_without_error() -> None:
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    kinds = [kind for o in outputs for kind in o.get("data", {})]
    assert kinds.count("image/png") == 4  # status bars, heatmap, tier pyramid, burn-up
    assert kinds.count("text/html") >= 4  # progress, DataFrames, target status
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "27 of 78 qualify" in printed
