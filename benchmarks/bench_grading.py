"""Parallel, sandboxed grading against serial `nbgrader autograde`, side by side.

    .venv/bin/python benchmarks/bench_grading.py [--assignment NAME] [--sizes 16 64] [--repeats 3]

For each class size it builds a temporary copy of the course (exercises/) with that many
submissions of a real assignment (a mix of the instructor's solution, the untouched student
version and a solution with one part broken), grades one copy with `nbgrader autograde` and an
identical copy with `socialmarketing grade` (both as commands, timed from start to exit),
checks that every grade agrees, and prints the seconds per notebook and the speed-up, and the
CPU time each used (the machine's busy time while it ran), which bounds the speed-up: when serial
grading already keeps one core busy, N cores cannot make it more than N times faster. Each size
is run ``--repeats`` times, alternating which command goes first, and the medians are compared:
numbers vary with the machine's load, so run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import importlib.util
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

from socialmarketing.grading.run import default_workers

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


def class_copies(room: Path, assignment: str, size: int) -> tuple[Path, Path]:
    """Two identical course folders with the same ``size`` submissions, ready to grade."""
    serial = room / "serial"
    shutil.copytree(
        REPO / "exercises",
        serial,
        ignore=shutil.ignore_patterns(
            "release", "submitted", "autograded", "feedback", "gradebook.db", "reports"
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
    return serial, parallel


def busy_cpu_seconds() -> float:
    """CPU time the whole machine has spent busy since boot (Linux ``/proc/stat``)."""
    with open("/proc/stat", encoding="ascii") as stat:
        ticks = [int(field) for field in stat.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and waiting for the disk
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


def timed(command: list, cwd: Path) -> tuple[float, float]:
    """Seconds from start to exit, and the CPU seconds the machine was busy meanwhile (the
    command, its kernels and anything else running: keep the machine quiet)."""
    busy, started = busy_cpu_seconds(), time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, env=ENV)
    return time.perf_counter() - started, busy_cpu_seconds() - busy


def bench(assignment: str, size: int, workers: int, repeats: int) -> None:
    """Grade the same class with both commands ``repeats`` times, alternating which goes first
    (so neither always meets a warm or a cold disk cache), and compare the median times."""
    serial_times, parallel_times, serial_cpu, parallel_cpu = [], [], [], []
    for repeat in range(repeats):
        room = Path(tempfile.mkdtemp(prefix="sm-bench-grading-", dir="/var/tmp"))
        try:
            serial, parallel = class_copies(room, assignment, size)
            commands = {
                "serial": ([BIN / "nbgrader", "autograde", assignment], serial),
                "parallel": (
                    [BIN / "socialmarketing", "grade", assignment, "--workers", str(workers)],
                    parallel,
                ),
            }
            order = ["serial", "parallel"] if repeat % 2 == 0 else ["parallel", "serial"]
            measured = {name: timed(*commands[name]) for name in order}
            seconds = {name: wall for name, (wall, _) in measured.items()}
            if all_scores(serial, assignment) != all_scores(parallel, assignment):
                raise SystemExit("scores differ between serial and parallel grading")
            serial_times.append(seconds["serial"])
            parallel_times.append(seconds["parallel"])
            serial_cpu.append(measured["serial"][1])
            parallel_cpu.append(measured["parallel"][1])
            print(
                f"  run {repeat + 1} ({' then '.join(order)}): serial {seconds['serial']:.1f} s "
                f"({measured['serial'][1]:.1f} CPU-s), parallel {seconds['parallel']:.1f} s "
                f"({measured['parallel'][1]:.1f} CPU-s), identical scores",
                flush=True,
            )
        finally:
            shutil.rmtree(room, ignore_errors=True)
    serial_median = statistics.median(serial_times)
    parallel_median = statistics.median(parallel_times)
    print(
        f"{assignment}, {size} submissions, {os.cpu_count()} cores, {workers} workers, "
        f"median of {repeats}: serial `nbgrader autograde` {serial_median:.1f} s "
        f"({serial_median / size:.2f} s/notebook); `socialmarketing grade` {parallel_median:.1f} s "
        f"({parallel_median / size:.2f} s/notebook, sandboxed); "
        f"speed-up {serial_median / parallel_median:.2f}x; scores identical in every run",
        flush=True,
    )
    cores = os.cpu_count() or 1
    serial_work, parallel_work = statistics.median(serial_cpu), statistics.median(parallel_cpu)
    print(
        f"  CPU per notebook: serial {serial_work / size:.2f} CPU-s, keeping "
        f"{serial_work / serial_median:.0%} of one core busy; parallel "
        f"{parallel_work / size:.2f} CPU-s, keeping {parallel_work / parallel_median / cores:.0%} "
        f"of {cores} cores busy. At equal CPU per notebook the speed-up cannot pass "
        f"{cores * serial_median / serial_work:.2f}x on {cores} cores",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="01_traditional_vs_social")
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--repeats", type=int, default=3, help="runs per class size (median)")
    args = parser.parse_args()
    if importlib.util.find_spec("rfc3987_syntax") is not None:
        print(
            "note: rfc3987-syntax is installed, which adds about a second to every import of "
            "nbgrader (see the Makefile); `make` environments do not have it",
            flush=True,
        )
    for size in args.sizes:
        bench(args.assignment, size, args.workers, args.repeats)


if __name__ == "__main__":
    main()
