"""Parallel, sandboxed grading against serial `nbgrader autograde`, side by side.

    .venv/bin/python benchmarks/bench_grading.py [--assignment NAME] [--sizes 16 64]

For each class size it builds a temporary copy of the course (exercises/) with that many
submissions of a real assignment (a mix of the instructor's solution, the untouched student
version and a solution with one part broken), grades one copy with `nbgrader autograde` and an
identical copy with `socialmarketing grade`, checks that every grade agrees, and prints the
seconds per notebook and the speed-up. Numbers vary with the machine's load; run it on a quiet
machine and report the median of a few runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from socialmarketing.grading.run import default_workers, grade_assignment

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}


def make_class(course: Path, assignment: str, size: int) -> None:
    """Submit ``size`` notebooks: solutions, untouched releases and one-part-wrong solutions."""
    source = course / "source" / assignment / f"{assignment}.ipynb"
    release = course / "release" / assignment / f"{assignment}.ipynb"
    broken = nbformat.read(source, as_version=4)
    for cell in broken.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            cell.source = "raise ValueError('not done yet')"
            break
    for number in range(size):
        folder = course / "submitted" / f"student{number:03d}" / assignment
        folder.mkdir(parents=True)
        kind = number % 4
        target = folder / f"{assignment}.ipynb"
        if kind in (0, 1):
            shutil.copy(source, target)
        elif kind == 2:
            shutil.copy(release, target)
        else:
            nbformat.write(broken, target)


def all_scores(course: Path, assignment: str) -> dict:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {
            (s.student.id, g.name): g.auto_score
            for s in gradebook.assignment_submissions(assignment)
            for nb in s.notebooks
            for g in nb.grades
        }


def bench(assignment: str, size: int, workers: int) -> None:
    room = Path(tempfile.mkdtemp(prefix="sm-bench-grading-", dir="/var/tmp"))
    try:
        serial = room / "serial"
        shutil.copytree(
            REPO / "exercises",
            serial,
            ignore=shutil.ignore_patterns(
                "release", "submitted", "autograded", "feedback", "gradebook.db"
            ),
        )
        subprocess.run(
            [BIN / "nbgrader", "generate_assignment", assignment, "--force"],
            cwd=serial,
            check=True,
            capture_output=True,
            env=ENV,
        )
        make_class(serial, assignment, size)
        parallel = room / "parallel"
        shutil.copytree(serial, parallel)

        started = time.perf_counter()
        subprocess.run(
            [BIN / "nbgrader", "autograde", assignment],
            cwd=serial,
            check=True,
            capture_output=True,
            env=ENV,
        )
        serial_seconds = time.perf_counter() - started

        outcome = grade_assignment(assignment, parallel, workers=workers)
        parallel_seconds = outcome.seconds

        same = all_scores(serial, assignment) == all_scores(parallel, assignment)
        graded = outcome.count("graded")
        per_submission = [r.seconds for r in outcome.results]
        print(
            f"{assignment}, {size} submissions, {os.cpu_count()} cores, {workers} workers: "
            f"serial nbgrader {serial_seconds:.1f} s ({serial_seconds / size:.2f} s/notebook); "
            f"parallel sandboxed {parallel_seconds:.1f} s ({parallel_seconds / size:.2f} "
            f"s/notebook); speed-up {serial_seconds / parallel_seconds:.2f}x; "
            f"identical scores: {same}; graded {graded}/{size}; "
            f"median time inside a worker {statistics.median(per_submission):.2f} s "
            f"(the rest: process start-up and nbgrader import once per worker, gradebook "
            f"copies and merges in the parent)"
        )
        if not same:
            raise SystemExit("scores differ between serial and parallel grading")
    finally:
        shutil.rmtree(room, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="01_traditional_vs_social")
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    for size in args.sizes:
        bench(args.assignment, size, args.workers)


if __name__ == "__main__":
    main()
