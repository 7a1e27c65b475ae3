"""What the verdicts step (VerifyAnswers) costs per graded notebook, outside the kernel.

    .venv/bin/python benchmarks/bench_verdicts.py [--assignment NAME] [--repeats N]

Runs the assignment's source notebook (its solutions hand their answers in) once in a fresh
kernel, then times :class:`socialmarketing.grading.verdicts.VerifyAnswers` on copies of the run
notebook, as nbgrader's autograder calls it after each submission: the first call in a grading
process (it also loads the data tables, once per process) and the following ones (the answer
key's computations and the comparisons), in CPU seconds. Target from the course's brief: at most
0.1 s per notebook. A script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import copy
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from socialmarketing.grading import verdicts

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="03_viral_marketing")
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        course = Path(scratch) / "course"
        shutil.copytree(REPO / "exercises" / "answer_key", course / "answer_key")
        folder = course / "autograded" / "student" / args.assignment
        folder.mkdir(parents=True)
        path = REPO / "exercises" / "source" / args.assignment / f"{args.assignment}.ipynb"
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(
            notebook, timeout=120, allow_errors=True, resources={"metadata": {"path": str(folder)}}
        ).execute()
        resources = {"metadata": {"path": str(folder)}, "nbgrader": {"assignment": args.assignment}}
        step = verdicts.VerifyAnswers(course_folder=str(course))
        start = time.process_time()
        step.preprocess(copy.deepcopy(notebook), resources)
        first = time.process_time() - start
        start = time.process_time()
        for _ in range(args.repeats):
            step.preprocess(copy.deepcopy(notebook), resources)
        later = (time.process_time() - start) / args.repeats
    print(
        f"{args.assignment}: first notebook in a grading process {first:.3f} CPU-s "
        f"(loads the data tables once); each further notebook {later * 1000:.1f} CPU-ms "
        f"(mean of {args.repeats}); target 100 ms"
    )


if __name__ == "__main__":
    main()
