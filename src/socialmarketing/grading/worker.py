"""Autograde one submission in a private copy of the course (run in its own process).

The parent (:mod:`socialmarketing.grading.run`) starts a few ``python -m
socialmarketing.grading.worker`` processes and sends each one submission at a time, as a line of
JSON on its standard input. For each submission the worker

1. builds a private course folder: the course's ``nbgrader_config.py`` plus the grading settings
   below, a snapshot of the gradebook, the assignment's ``source/`` folder (nbgrader copies its
   non-notebook files next to the submission) and this one submission;
2. runs nbgrader's own autograder on it (same preprocessors, same scoring, so the scores are
   those of ``nbgrader autograde``), with the student's kernel in a sandbox and each cell's
   output capped;
3. reads the automatic grades back from the private gradebook and writes a small JSON result
   (status, grades, messages, seconds); the parent writes the grades into the course gradebook,
   one submission at a time (:mod:`.merge`).

If the worker itself dies or runs past its time limit, the parent kills it and records the
submission as failed; nothing is written to the course gradebook for it.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["grade_in_private_course", "prepare_private_course"]

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
        "course_root": str(private),
        "notebook_folder": str(notebook_folder),
        "socket_prefix": str(runtime / "kernel"),
        "hidden": [str(course.resolve()), str(private)],
        "cell_timeout": task["cell_timeout"],
        "max_output_bytes": task["max_output_bytes"],
        "sandbox": task["sandbox"],
        "software": task.get("software"),
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
        ]
        if settings["software"] is not None:
            lines.append(f"c.SandboxedKernelManager.software_paths = {settings['software']!r}")
    lines += [
        f"c.{manager}.transport = 'ipc'",
        f"c.{manager}.ip = {settings['socket_prefix']!r}",
        "",
    ]
    return "\n".join(lines)


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
    outcome = api.autograde(task["assignment"], task["student"], force=True, create=True)
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
        "seconds": time.perf_counter() - started,
    }


def serve() -> int:
    """Grade tasks read from standard input (one JSON object per line) until it closes.

    Each result goes to standard output as one JSON line. Anything else that would be printed
    there (by nbgrader, Jupyter or a kernel) is sent to standard error instead, so it cannot
    garble the results. Staying alive between submissions saves the few seconds it takes to
    import nbgrader.
    """
    # Import nbgrader now, while the parent is still preparing the tasks (about a second).
    from nbgrader.apps import NbGraderAPI  # noqa: F401

    stdout = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    for line in sys.stdin:
        if not line.strip():
            continue
        task = json.loads(line)
        try:
            result = grade_in_private_course(task)
        except Exception as error:  # reported to the parent, which marks the submission failed
            result = {
                "student": task.get("student"),
                "success": False,
                "error": f"{type(error).__name__}: {error}",
                "messages": [],
                "seconds": 0.0,
            }
        stdout.write(json.dumps(result) + "\n")
        stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(serve())
