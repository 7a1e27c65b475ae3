"""Time every lab notebook top to bottom, and the kernel's peak memory while it runs.

    .venv/bin/python benchmarks/bench_labs.py [NOTEBOOK ...]

Each notebook runs in a fresh kernel (as a learner's "Restart kernel and run all cells" on
Binder) from a temporary copy of notebooks/, so nothing is written into the repository. The
kernel reports its own peak resident memory (``ru_maxrss``) after the last cell. Targets from the
course's brief: under a minute per notebook and under 1 GB of kernel memory (Binder gives about
2 GB). Numbers vary with the machine's load; this is a script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
PEAK_MEMORY = "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


def run(path: Path) -> tuple[float, float, float]:
    """Seconds to start the kernel, seconds to run every cell, and peak kernel memory in MB."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(PEAK_MEMORY))
    client = NotebookClient(notebook, timeout=600, resources={"metadata": {"path": path.parent}})
    start = time.perf_counter()
    with client.setup_kernel():
        started = time.perf_counter()
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        finished = time.perf_counter()
    peak_kb = int(notebook.cells[-1].outputs[0]["text"].strip())  # Linux reports kilobytes
    return started - start, finished - started, peak_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="names in notebooks/ (default: all)")
    names = parser.parse_args().notebooks
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "notebooks"
        shutil.copytree(REPO / "notebooks", copy)
        paths = [copy / name for name in names] or sorted(copy.glob("*.ipynb"))
        print(f"{'notebook':<34} {'kernel start s':>14} {'run all s':>10} {'peak MB':>8}")
        for path in paths:
            start, cells, peak = run(path)
            print(f"{path.stem:<34} {start:>14.1f} {cells:>10.1f} {peak:>8.0f}")


if __name__ == "__main__":
    main()
