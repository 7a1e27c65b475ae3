"""Autograde one submission in a private copy of the course (run in its own process).

The parent (:mod:`socialmarketing.grading.run`) has a few worker processes forked
(:mod:`.processes`) and sends each one submission at a time, as a line of JSON (:func:`serve`).
For each submission the worker

1. builds a private course folder: the course's ``nbgrader_config.py`` plus the grading settings
   below, a snapshot of the gradebook, the assignment's ``source/`` folder (nbgrader copies its
   non-notebook files next to the submission) and this one submission;
2. runs nbgrader's own autograder on it (same preprocessors, same scoring, so the scores are
   those of ``nbgrader autograde``), with the student's kernel in a sandbox and each cell's
   output capped;
3. reads the automatic grades back from the private gradebook and returns a small result of
   plain data (status, grades, messages, seconds); the parent writes the grades into the course
   gradebook, one submission at a time (:mod:`.merge`).

If the worker itself dies or runs past its time limit, the parent kills it and records the
submission as failed; nothing is written to the course gradebook for it.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any, BinaryIO

from socialmarketing.grading.confine import release_group
from socialmarketing.grading.sandbox import Limits

__all__ = [
    "failed_result",
    "grade_in_private_course",
    "grade_or_report",
    "prepare_private_course",
    "serve",
]

_CONFIG_FILE = "nbgrader_config.py"


def prepare_private_course(task: dict[str, Any]) -> Path:
    """Create the private course folder for ``task`` and return its path."""
    course = Path(task["course"])
    private = Path(task["workdir"]) / "course"
    assignment, student = task["assignment"], task["student"]
    private.mkdir(parents=True)
    shutil.copy(task["gradebook_snapshot"], private / "gradebook.db")
    shutil.copytree(course / "source" / assignment, private / "source" / assignment)
    shutil.copytree(
        course / "submitted" / student / assignment,
        private / "submitted" / student / assignment,
        symlinks=False,
    )
    notebook_folder = private / "autograded" / student / assignment
    runtime = Path(task["workdir"]) / "runtime"
    runtime.mkdir()
    settings = {
        "course": str(course.resolve()),
        "course_root": str(private),
        "notebook_folder": str(notebook_folder),
        "socket_prefix": str(runtime / "kernel"),
        "connection_file": str(runtime / "kernel.json"),
        # Out of sight even if a software folder holds them: the course, and the work folder
        # with every submission's private course.
        "hidden": [str(course.resolve()), str(Path(task["workdir"]).resolve().parent)],
        "cell_timeout": task["cell_timeout"],
        "max_output_bytes": task["max_output_bytes"],
        "sandbox": task["sandbox"],
        "software": task.get("software"),
        "limits": task.get("limits") or Limits().to_config(),
        "cgroup": cgroup_name(task),
        "kernel_log": str(kernel_log(task)),
    }
    original = (course / _CONFIG_FILE).read_text(encoding="utf-8")
    (private / _CONFIG_FILE).write_text(original + _grading_settings(settings), encoding="utf-8")
    return private


def _grading_settings(settings: dict[str, Any]) -> str:
    """Config lines appended to the course's own nbgrader_config.py in the private course."""
    lines = [
        "",
        "# ---- added by `socialmarketing grade` for this private copy of the course ----",
        f"c.CourseDirectory.root = {settings['course_root']!r}",
        "c.CourseDirectory.db_url = 'sqlite:///' + c.CourseDirectory.root + '/gradebook.db'",
        "from socialmarketing.grading.execute import autograde_preprocessors",
        "c.Autograde.autograde_preprocessors = autograde_preprocessors()",
        # The answer key is read from the course itself (outside every sandbox).
        f"c.VerifyAnswers.course_folder = {settings['course']!r}",
        f"c.LoadAnswerKey.course_folder = {settings['course']!r}",
        f"c.LimitedExecute.timeout = {int(settings['cell_timeout'])}",
        f"c.LimitedExecute.max_output_bytes = {int(settings['max_output_bytes'])}",
        "c.LimitedExecute.interrupt_on_timeout = True",
        # Every output is in the notebook by the time the last cell has run: stop the kernel
        # at once rather than waiting for its clean exit (about 0.3 s per notebook).
        "c.LimitedExecute.shutdown_kernel = 'immediate'",
    ]
    manager = "SandboxedKernelManager" if settings["sandbox"] else "AsyncKernelManager"
    if settings["sandbox"]:
        lines += [
            "c.LimitedExecute.kernel_manager_class = "
            "'socialmarketing.grading.sandbox.SandboxedKernelManager'",
            f"c.SandboxedKernelManager.hidden_paths = {settings['hidden']!r}",
            f"c.SandboxedKernelManager.writable_paths = [{settings['notebook_folder']!r}]",
            f"c.SandboxedKernelManager.limits = {settings['limits']!r}",
            f"c.SandboxedKernelManager.cgroup_name = {settings['cgroup']!r}",
            f"c.SandboxedKernelManager.log_file = {settings['kernel_log']!r}",
        ]
        if settings["software"] is not None:
            lines.append(f"c.SandboxedKernelManager.software_paths = {settings['software']!r}")
    lines += [
        f"c.{manager}.transport = 'ipc'",
        f"c.{manager}.ip = {settings['socket_prefix']!r}",
        f"c.{manager}.connection_file = {settings['connection_file']!r}",
        "",
    ]
    return "\n".join(lines)


def kernel_log(task: dict[str, Any]) -> Path:
    """Where the sandbox and the kernel of the task write their error output."""
    return Path(task["workdir"]) / "runtime" / "kernel.log"


def _log_tail(path: Path, limit: int = 4000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-limit:]
    except OSError:
        return ""


def cgroup_name(task: dict[str, Any]) -> str:
    """The name of the control group of the task's kernel (see :mod:`.confine`)."""
    return f"sm-grade-{os.getpid()}-{Path(task['workdir']).name}"


def grade_in_private_course(task: dict[str, Any]) -> dict[str, Any]:
    """Autograde the task's submission with nbgrader in a private course; return the result."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    from socialmarketing.grading.merge import read_automatic_grades

    started = time.perf_counter()
    private = prepare_private_course(task)
    os.environ["JUPYTER_RUNTIME_DIR"] = str(Path(task["workdir"]) / "runtime")
    os.environ["IPYTHONDIR"] = str(Path(task["workdir"]) / "runtime" / "ipython")
    config = PyFileConfigLoader(_CONFIG_FILE, path=str(private)).load_config()
    coursedir = CourseDirectory(config=config, root=str(private))
    api = NbGraderAPI(coursedir=coursedir, config=config)
    try:
        outcome = api.autograde(task["assignment"], task["student"], force=True, create=True)
    finally:
        release_group(cgroup_name(task))  # no student process outlives its submission
    log = outcome.get("log", "")
    success = bool(outcome.get("success"))
    grades = (
        read_automatic_grades(
            f"sqlite:///{private / 'gradebook.db'}", task["assignment"], task["student"]
        )
        if success
        else None
    )
    return {
        "student": task["student"],
        "success": success,
        "grades": grades,
        "error": (outcome.get("error") or "")[-4000:],
        "messages": [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line],
        "kernel_log": _log_tail(kernel_log(task)),
        "log": log[-20000:] if not success else "",
        "seconds": time.perf_counter() - started,
    }


def failed_result(student: str | None, error: str) -> dict[str, Any]:
    """The result of a submission that could not be graded, for the reason ``error``."""
    return {"student": student, "success": False, "error": error, "messages": [], "seconds": 0.0}


def grade_or_report(task: dict[str, Any]) -> dict[str, Any]:
    """:func:`grade_in_private_course`, with any exception turned into a failed result."""
    try:
        return grade_in_private_course(task)
    except Exception as error:  # reported to the parent, which marks the submission failed
        return failed_result(task.get("student"), f"{type(error).__name__}: {error}")


def serve(stream: BinaryIO) -> None:
    """Grade tasks read from ``stream`` (one JSON object per line) until it ends.

    Each result is written back to ``stream`` as one JSON line. Run by a worker process that the
    fork server (:mod:`.processes`) started; staying alive between submissions saves starting a
    process and importing nbgrader for each one.
    """
    for line in stream:
        if not line.strip():
            continue
        task = json.loads(line)
        stream.write((json.dumps(grade_or_report(task)) + "\n").encode())
        stream.flush()
