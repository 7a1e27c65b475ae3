"""Run notebooks top to bottom in fresh kernels and report, as JSON, how each went.

    python tests/notebook_runner.py --cwd FOLDER NOTEBOOK [NOTEBOOK ...]

Run with the Python of the environment under test (the learner environment's, in
tests/test_learner_path.py and benchmarks/bench_labs.py): it uses only nbclient and nbformat,
which every JupyterLab environment has. Each kernel starts in ``--cwd`` (Jupyter starts a
notebook's kernel in the notebook's own folder; a learner may also run a lab from elsewhere).
For each notebook it prints one JSON line: the notebook, the seconds from the first cell to the
last output, the kernel's peak resident memory in MB, and the first error (cell number and its
message), if any. It stops at a cell's error, as "Run All" does.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

PEAK_MEMORY = "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


def run(path: Path, cwd: Path, timeout: float) -> dict:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": cwd}}
    )
    report: dict = {"notebook": str(path), "cwd": str(cwd), "error": None}
    with client.setup_kernel():
        start = time.perf_counter()
        try:
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)
        except CellExecutionError as error:
            report["error"] = {"cell": index, "message": str(error)[-3000:]}
        report["seconds"] = round(time.perf_counter() - start, 2)
        probe = nbformat.v4.new_code_cell(PEAK_MEMORY)
        notebook.cells.append(probe)
        client.execute_cell(probe, len(notebook.cells) - 1)
        notebook.cells.pop()
        report["peak_mb"] = round(int(probe.outputs[0]["text"].strip()) / 1024)  # Linux: KB
    report["error_outputs"] = [
        f"cell {index}: {output.get('ename')}: {output.get('evalue')}"
        for index, cell in enumerate(notebook.cells)
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--cwd", type=Path, required=True, help="the kernels' working folder")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per cell")
    args = parser.parse_args()
    for path in args.notebooks:
        print(json.dumps(run(path.resolve(), args.cwd.resolve(), args.timeout)), flush=True)


if __name__ == "__main__":
    main()
