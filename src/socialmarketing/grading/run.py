"""Autograde every submission of an assignment in parallel, sandboxed, with progress.

:func:`grade_assignment` is what ``socialmarketing grade ASSIGNMENT`` runs. It grades the
notebooks in ``submitted/*/ASSIGNMENT/`` of an nbgrader course into the course's gradebook, so
formgrader, ``nbgrader generate_feedback`` and ``nbgrader export`` see the results as usual.

How it differs from ``nbgrader autograde``:

* **Parallel.** A few long-lived worker processes (:mod:`.worker`), forked from one process that
  has imported nbgrader (:mod:`.processes`), each grade one submission at a time in a private
  copy of the course; the parent copies the grades into the course gradebook one submission at
  a time (:mod:`.merge`). Scores are nbgrader's own: the workers run nbgrader's autograder.
* **Isolated.** Student code runs in a sandbox (:mod:`.sandbox`): no network, no view of the
  course folder (solutions, other submissions, gradebook). Without a working sandbox it refuses
  to run unless explicitly allowed.
* **Bounded.** A cell may run ``cell_timeout`` seconds; a submission ``submission_timeout``
  seconds in all (then its worker is killed and replaced); a cell keeps at most
  ``max_output_bytes`` of output.
* **Clear.** A submission that cannot be graded (not a notebook, missing notebook, crashed
  kernel, time limit) gets a status and a reason; the others are graded; nothing already in the
  gradebook is lost.
"""

from __future__ import annotations

import os
import queue
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat

from socialmarketing.grading.processes import PROCESS_DIED, ForkServer, WorkerProcess
from socialmarketing.grading.sandbox import Limits, isolation_problem, software_paths
from socialmarketing.grading.worker import failed_result
from socialmarketing.validation import check_positive

if TYPE_CHECKING:
    from nbgrader.api import Gradebook

__all__ = [
    "GradingResult",
    "IsolationUnavailable",
    "SubmissionResult",
    "default_workers",
    "find_submissions",
    "grade_assignment",
]

#: Share of the time one grading worker keeps a core busy: it idles while a kernel starts and
#: between notebooks. With a third more workers than cores, 3 workers kept 2 cores 92 % busy in
#: ``benchmarks/bench_grading.py``.
KERNEL_BUSY_SHARE = 0.65


class IsolationUnavailable(RuntimeError):
    """Student code cannot be sandboxed here, and running it unsandboxed was not allowed."""


@dataclass
class SubmissionResult:
    """What happened to one student's submission."""

    student: str
    status: str  # "graded", "failed" or "timed out"
    reason: str = ""
    score: float | None = None
    max_score: float | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


@dataclass
class GradingResult:
    """The outcome of grading one assignment."""

    assignment: str
    results: list[SubmissionResult]
    seconds: float
    workers: int
    sandboxed: bool

    def count(self, status: str) -> int:
        return sum(result.status == status for result in self.results)

    def table(self) -> str:
        """A plain-text summary table: one line per submission, then the totals."""
        width = max([len("student"), *(len(r.student) for r in self.results)])
        lines = [f"{'student':<{width}}  {'status':<9}  {'score':>11}  {'seconds':>7}  reason"]
        for r in sorted(self.results, key=lambda r: (r.status == "graded", r.student)):
            score = "" if r.score is None else f"{r.score:g} / {r.max_score:g}"
            reason = r.reason or "; ".join(r.notes)
            lines.append(
                f"{r.student:<{width}}  {r.status:<9}  {score:>11}  {r.seconds:7.1f}  {reason}"
            )
        lines.append(
            f"{len(self.results)} submissions of {self.assignment} in {self.seconds:.1f} s with "
            f"{self.workers} workers ({'sandboxed' if self.sandboxed else 'NOT sandboxed'}): "
            f"{self.count('graded')} graded, {self.count('failed')} failed, "
            f"{self.count('timed out')} timed out"
        )
        return "\n".join(lines)


def default_workers(cores: int | None = None) -> int:
    """Enough workers to keep every core busy: about a third more than the cores (each one
    leaves its core idle part of the time, see :data:`KERNEL_BUSY_SHARE`)."""
    cores = cores or os.cpu_count() or 1
    return max(1, round(cores / KERNEL_BUSY_SHARE))


def find_submissions(course: Path, assignment: str) -> list[str]:
    """The students with a folder ``submitted/<student>/<assignment>/``, sorted."""
    submitted = course / "submitted"
    if not submitted.is_dir():
        return []
    return sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir())


def _expected_notebooks(db_path: Path, assignment: str) -> list[str]:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{db_path}") as gradebook:
        try:
            found = gradebook.find_assignment(assignment)
        except MissingEntry:
            raise ValueError(
                f"the gradebook {db_path} has no assignment {assignment!r}; run "
                f"`nbgrader generate_assignment {assignment}` in the course folder first"
            ) from None
        return [notebook.name for notebook in found.notebooks]


def _precheck(folder: Path, notebooks: list[str]) -> str:
    """A reason the submission in ``folder`` cannot be graded at all, or ``""``."""
    present = sorted(p.name for p in folder.glob("*.ipynb"))
    for name in notebooks:
        path = folder / f"{name}.ipynb"
        if not path.is_file():
            found = f"it has {', '.join(present)}" if present else "it has no notebook"
            return f"the notebook {name}.ipynb is missing ({found}); was it renamed?"
        try:
            nbformat.read(path, as_version=4)
        except Exception as error:  # nbformat raises several types for broken files
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            return f"{name}.ipynb is not a valid notebook file ({first_line[:200]})"
    return ""


def _explain_failure(result: dict[str, Any]) -> str:
    text = result.get("error", "") + "\n".join(result.get("messages", []))
    sandbox_lines = [
        line.strip()
        for line in result.get("kernel_log", "").splitlines()
        if line.strip().startswith("bwrap:")
    ]
    if sandbox_lines:
        return f"the sandbox could not start the kernel: {sandbox_lines[-1][:300]}"
    if "DeadKernelError" in text or "Kernel died" in text:
        return "the kernel crashed while running the notebook (it exited or ran out of memory)"
    last = [line for line in result.get("error", "").splitlines() if line.strip()]
    return last[-1][:300] if last else "nbgrader could not grade it (see the log)"


#: Where the logs of submissions that could not be graded are kept, inside the course folder
#: (``reports/`` is git-ignored: logs name students).
LOG_FOLDER = Path("reports") / "grading-logs"


def _keep_log(course: Path, assignment: str, student: str, reason: str, raw: dict) -> Path:
    """Write what is known about a failed submission where the instructor can read it."""
    folder = course / LOG_FOLDER / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{student}.log"
    parts = [
        f"{student}: {reason}",
        "--- nbgrader's error ---",
        raw.get("error", ""),
        "--- nbgrader's log ---",
        raw.get("log", ""),
        "--- the sandbox's and the kernel's error output ---",
        raw.get("kernel_log", ""),
    ]
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path


#: Error messages in a graded notebook that mean a resource limit stopped the student's code.
LIMIT_SIGNS = {
    "MemoryError": "a cell ran out of memory (the sandbox's memory limit)",
    "File too large": "a cell wrote a file past the size limit",
    "Too many open files": "a cell opened more files than the limit allows",
    "Resource temporarily unavailable": "a cell started more processes than the limit allows",
}


def _notes(autograded: Path, grade_cells: dict[str, list[str]]) -> list[str]:
    """Things worth telling the instructor about a graded submission."""
    notes = []
    for path in sorted(autograded.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        present = {cell.metadata.get("nbgrader", {}).get("grade_id") for cell in notebook.cells}
        missing = [name for name in grade_cells.get(path.stem, []) if name not in present]
        if missing:
            notes.append(
                f"graded cell(s) deleted from the notebook, scored 0: {', '.join(missing)}"
            )
        outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
        if any(o.get("ename") == "CellTimeoutError" for o in outputs):
            notes.append("a cell ran past the time limit and was stopped")
        if any("[output limit:" in str(o.get("text", "")) for o in outputs):
            notes.append("a cell printed more than the output limit; the rest was dropped")
        if any("was released with sample data" in str(o.get("text", "")) for o in outputs):
            notes.append("graded with other sample data than the assignment was released with")
        errors = " ".join(f"{o.get('ename')}: {o.get('evalue')}" for o in outputs)
        notes += [note for sign, note in LIMIT_SIGNS.items() if sign in errors]
    return notes


def _copy_capped(source: Path, destination: Path, max_bytes: int) -> list[str]:
    """Copy a graded folder, leaving out files over ``max_bytes``; the names left out."""
    left_out = []
    for path in sorted(source.rglob("*")):
        target = destination / path.relative_to(source)
        if path.is_symlink():
            left_out.append(f"{path.relative_to(source)} (a link)")
        elif path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.stat().st_size > max_bytes:
            left_out.append(f"{path.relative_to(source)} ({path.stat().st_size / 2**20:.0f} MB)")
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return left_out


def _snapshot(db_path: Path, copy_path: Path) -> None:
    """A consistent copy of the SQLite gradebook (even while formgrader is using it)."""
    with sqlite3.connect(db_path) as source, sqlite3.connect(copy_path) as copy:
        source.backup(copy)


def grade_assignment(
    assignment: str,
    course: str | Path = ".",
    *,
    students: Iterable[str] | None = None,
    workers: int | None = None,
    cell_timeout: float = 60,
    submission_timeout: float = 600,
    max_output_bytes: int = 1_000_000,
    allow_unsandboxed: bool = False,
    scheduler: str | None = None,
    on_result: Callable[[SubmissionResult], None] | None = None,
    limits: Limits | None = None,
    max_copied_file_bytes: int = 5 * 2**20,
) -> GradingResult:
    """Autograde the submissions of ``assignment`` in the nbgrader course folder ``course``.

    Parameters
    ----------
    assignment
        The assignment name (a folder in ``source/``; run ``nbgrader generate_assignment`` first).
    course
        The course folder (where ``nbgrader_config.py`` and ``gradebook.db`` live).
    students
        Only these students (default: everyone with a submission).
    workers
        Submissions graded at once (default: :func:`default_workers`).
    cell_timeout, submission_timeout
        Seconds one cell, and one whole submission, may run.
    max_output_bytes
        Output kept per cell; the rest is dropped with a note.
    allow_unsandboxed
        Grade even if student code cannot be sandboxed on this machine (it then runs with your
        rights and network access). Off by default: without a sandbox this raises
        :class:`IsolationUnavailable`.
    scheduler
        Address of a Dask distributed scheduler (``tcp://host:8786``) to grade on a cluster
        instead of local processes; the course folder must be on a file system all of its
        workers share. Needs the ``cluster`` extra.
    on_result
        Called with each :class:`SubmissionResult` as it arrives (the CLI's progress bar).
    limits
        Memory, processes, file size and open files for each student's kernel (default:
        :class:`~socialmarketing.grading.sandbox.Limits`).
    max_copied_file_bytes
        Files in a graded folder larger than this are not copied back into ``autograded/``.
    """
    started = time.perf_counter()
    course = Path(course).resolve()
    check_positive("cell_timeout", cell_timeout)
    check_positive("submission_timeout", submission_timeout)
    check_positive("max_output_bytes", max_output_bytes)
    if not (course / "nbgrader_config.py").is_file():
        raise FileNotFoundError(
            f"{course} is not an nbgrader course folder (it has no nbgrader_config.py); run "
            "this from the course folder or pass --course DIR"
        )
    db_path = course / "gradebook.db"
    if not db_path.is_file():
        raise FileNotFoundError(
            f"{course} has no gradebook.db; run `nbgrader generate_assignment {assignment}` first"
        )
    everyone = find_submissions(course, assignment)
    if students is not None:
        wanted = list(students)
        unknown = sorted(set(wanted) - set(everyone))
        if unknown:
            raise ValueError(f"no submission of {assignment} from: {', '.join(unknown)}")
        everyone = [s for s in everyone if s in wanted]
    workers = default_workers() if workers is None else workers
    check_positive("workers", workers)

    # On a cluster the work folder must be on the file system the workers share: the course's.
    workroom = Path(
        tempfile.mkdtemp(prefix=f".sm-grade-{assignment}-", dir=course if scheduler else None)
    )
    # Local workers start now, in the background: the fork server they come from spends about a
    # second importing nbgrader while this process reads the gradebook and checks the sandbox
    # and the submissions. They run no student code until given a task, and are stopped unused
    # if grading cannot go on.
    server: ForkServer | None = None
    starting: Future[list[WorkerProcess]] | None = None
    try:
        if not scheduler:
            server = ForkServer(workroom)
            starter = ThreadPoolExecutor(max_workers=1)
            starting = starter.submit(_start_workers, server, min(workers, len(everyone)), workroom)
            starter.shutdown(wait=False)  # the thread ends when the workers are ready
        notebooks = _expected_notebooks(db_path, assignment)
        problem = isolation_problem()
        if problem and not allow_unsandboxed:
            raise IsolationUnavailable(
                f"cannot sandbox student code: {problem}. To grade anyway, with student code "
                "running as you, pass --allow-unsandboxed (allow_unsandboxed=True)"
            )
        sandboxed = problem is None
        # Found once here rather than in every grading process (a cluster's machines may keep
        # their software elsewhere: there each finds its own).
        software = software_paths() if sandboxed and not scheduler else None
        snapshot = workroom / "gradebook-snapshot.db"
        _snapshot(db_path, snapshot)
        results: list[SubmissionResult] = []
        tasks = []
        for student in everyone:
            reason = _precheck(course / "submitted" / student / assignment, notebooks)
            if reason:
                log = _keep_log(course, assignment, student, reason, {})
                result = SubmissionResult(student, "failed", reason, notes=[f"log: {log}"])
                results.append(result)
                if on_result:
                    on_result(result)
                continue
            tasks.append(
                {
                    "course": str(course),
                    "assignment": assignment,
                    "student": student,
                    "workdir": str(workroom / f"submission-{len(tasks)}"),
                    "gradebook_snapshot": str(snapshot),
                    "cell_timeout": cell_timeout,
                    "max_output_bytes": max_output_bytes,
                    "sandbox": sandboxed,
                    "software": software,
                    "limits": (limits or Limits()).to_config(),
                    "max_copied_file_bytes": max_copied_file_bytes,
                }
            )
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{db_path}") as gradebook:
            graded = (
                _run_on_cluster(tasks, submission_timeout, scheduler)
                if scheduler
                else _run_locally(tasks, workers, submission_timeout, server, workroom, starting)
            )
            for task, raw in graded:
                result = _record(task, raw, course, gradebook)
                results.append(result)
                if on_result:
                    on_result(result)
    finally:
        # Workers that got no task (or all of them, if grading stopped early). If starting them
        # failed, that error has already been raised above, or another one is on its way.
        if starting is not None and starting.exception() is None:
            for worker in starting.result():
                worker.stop()
        if server is not None:
            server.close()
        shutil.rmtree(workroom, ignore_errors=True)
    return GradingResult(
        assignment,
        results,
        time.perf_counter() - started,
        min(workers, max(len(tasks), 1)),
        sandboxed,
    )


def _record(
    task: dict[str, Any], raw: dict[str, Any] | None, course: Path, gradebook: Gradebook
) -> SubmissionResult:
    """Turn a worker's answer into a result; copy grades and the graded notebook if it worked."""
    student, assignment = task["student"], task["assignment"]
    if raw is None:
        return SubmissionResult(
            student,
            "timed out",
            f"grading took longer than the {task['submission_timeout']:g} s limit and was stopped",
            seconds=task["submission_timeout"],
        )
    seconds = float(raw.get("seconds", 0.0))
    if not raw.get("success"):
        reason = _explain_failure(raw)
        log = _keep_log(course, assignment, student, reason, raw)
        return SubmissionResult(student, "failed", reason, seconds=seconds, notes=[f"log: {log}"])
    from socialmarketing.grading.merge import write_automatic_grades

    private = Path(task["workdir"]) / "course"
    graded_folder = private / "autograded" / student / assignment
    try:
        write_automatic_grades(gradebook, assignment, student, raw["grades"])
    except KeyError as error:
        return SubmissionResult(student, "failed", str(error.args[0]), seconds=seconds)
    destination = course / "autograded" / student / assignment
    if destination.exists():
        shutil.rmtree(destination)
    left_out = _copy_capped(graded_folder, destination, task["max_copied_file_bytes"])
    submission = gradebook.find_submission(assignment, student)
    score, max_score = submission.score, submission.max_score
    grade_cells = {
        nb.name: [cell.name for cell in nb.grade_cells]
        for nb in gradebook.find_assignment(assignment).notebooks
    }
    notes = _notes(destination, grade_cells)
    (course / LOG_FOLDER / assignment / f"{student}.log").unlink(missing_ok=True)  # now graded
    if left_out:
        notes.append(f"not copied to autograded/ (too large or a link): {', '.join(left_out)}")
    return SubmissionResult(student, "graded", "", score, max_score, seconds, notes)


def _start_workers(server: ForkServer, count: int, workroom: Path) -> list[WorkerProcess]:
    return [server.start_worker(workroom / f"worker-{n}.log") for n in range(count)]


def _run_locally(
    tasks: list[dict[str, Any]],
    workers: int,
    submission_timeout: float,
    server: ForkServer,
    workroom: Path,
    starting: Future[list[WorkerProcess]],
):
    """Grade ``tasks`` on local worker processes; yield (task, raw result or None) as they end.

    Slot ``n`` starts with the ``n``-th of the workers ``starting`` (already being started) when
    there is one; a worker that was killed is replaced by a new one from the fork server.
    """
    warm = starting.result()
    pending: queue.Queue = queue.Queue()
    for task in tasks:
        task["submission_timeout"] = submission_timeout
        pending.put(task)
    finished: queue.Queue = queue.Queue()

    def slot(number: int) -> None:
        worker: WorkerProcess | None = warm[number] if number < len(warm) else None
        try:
            while True:
                try:
                    task = pending.get_nowait()
                except queue.Empty:
                    return
                if worker is None:
                    worker = server.start_worker(workroom / f"worker-{number}.log")
                try:
                    raw = worker.grade(task, submission_timeout)
                except (BrokenPipeError, OSError, ValueError) as error:
                    raw = failed_result(task["student"], f"the grading process failed: {error}")
                if raw is None or raw.get("error") == PROCESS_DIED:
                    worker.stop(kill=True)
                    worker = None
                finished.put((task, raw))
        finally:
            if worker is not None:
                worker.stop()

    threads = [
        threading.Thread(target=slot, args=(n,), daemon=True)
        for n in range(min(workers, len(tasks)))
    ]
    for thread in threads:
        thread.start()
    for _ in tasks:
        yield finished.get()
    for thread in threads:
        thread.join()


#: One grading at a time per process: grading sets process-wide environment variables (the
#: Jupyter runtime folder), so a Dask worker started with several threads must not overlap them.
_CLUSTER_GRADING = threading.Lock()


def _grade_on_cluster_worker(task: dict[str, Any]) -> dict[str, Any] | None:
    """Grade one task on a cluster machine, in a grading process of its own that is killed (with
    the student's kernel) past the submission's time limit: then the result is None."""
    with _CLUSTER_GRADING:
        workdir = Path(task["workdir"])
        workdir.mkdir(parents=True, exist_ok=True)
        server = ForkServer(workdir)
        try:
            worker = server.start_worker(workdir / "worker.log")
            raw = worker.grade(task, task["submission_timeout"])
            worker.stop(kill=raw is None or raw.get("error") == PROCESS_DIED)
        finally:
            server.close()
        return raw


def _run_on_cluster(tasks: list[dict[str, Any]], submission_timeout: float, scheduler: str):
    """Grade ``tasks`` on a Dask distributed cluster; yield (task, raw result) as they end."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ImportError(
            "grading on a cluster needs Dask distributed: pip install 'socialmarketing[cluster]'"
        ) from None
    with Client(scheduler) as client:
        futures = {}
        for task in tasks:
            task["submission_timeout"] = submission_timeout
            futures[client.submit(_grade_on_cluster_worker, task, pure=False)] = task
        for future in as_completed(futures):
            task = futures[future]
            try:
                yield task, future.result()
            except Exception as error:  # a lost worker: report it and go on
                yield task, failed_result(task["student"], f"{type(error).__name__}: {error}")
