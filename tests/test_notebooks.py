"""Every lab notebook runs from top to bottom in a fresh kernel without an error."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
LABS = sorted((REPO / "notebooks").glob("*.ipynb"))

pytestmark = pytest.mark.slow


def test_there_are_lab_notebooks():
    assert LABS, "notebooks/ holds no lab notebooks"


@pytest.mark.parametrize("path", LABS, ids=[p.name for p in LABS])
def test_lab_notebook_runs_without_errors(path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": path.parent}}
    )
    client.execute()  # raises CellExecutionError naming the cell on any error
    errors = [
        output
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
