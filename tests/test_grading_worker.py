"""One submission autograded in a private copy of the course, by a worker process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from toy_course import ASSIGNMENT, ENV, SOLUTION, make_course, scores, submit
from traitlets.config.loader import PyFileConfigLoader

from socialmarketing.grading import worker

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def course():
    root = Path(tempfile.mkdtemp(prefix="sm-worker-", dir="/var/tmp"))
    try:
        course = make_course(root / "course")
        submit(course, "ada", SOLUTION)
        submit(course, "ben", {**SOLUTION, "second_cell": "second = 'y'"})
        shutil.copy(course / "gradebook.db", root / "snapshot.db")
        yield course
    finally:
        shutil.rmtree(root, ignore_errors=True)


def make_task(course: Path, student: str, workdir: Path, **changes) -> dict:
    task = {
        "course": str(course),
        "assignment": ASSIGNMENT,
        "student": student,
        "workdir": str(workdir),
        "gradebook_snapshot": str(course.parent / "snapshot.db"),
        "cell_timeout": 20,
        "max_output_bytes": 5000,
        "sandbox": True,
        "software": None,
    }
    return {**task, **changes}


def test_the_private_course_holds_one_submission_and_the_grading_settings(course, tmp_path):
    task = make_task(course, "ada", tmp_path / "w", software=["/opt/py", "/srv/data"])
    private = worker.prepare_private_course(task)
    assert private == tmp_path / "w" / "course"
    assert sorted(p.name for p in (private / "submitted").iterdir()) == ["ada"]  # not ben
    assert (private / "submitted" / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    assert (private / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    assert (private / "gradebook.db").read_bytes() == (course / "gradebook.db").read_bytes()

    config = PyFileConfigLoader("nbgrader_config.py", path=str(private)).load_config()
    assert config.CourseDirectory.course_id == "toy"  # the course's own settings are kept
    assert config.CourseDirectory.root == str(private)
    assert config.CourseDirectory.db_url == f"sqlite:///{private}/gradebook.db"
    assert config.LimitedExecute.timeout == 20
    assert config.LimitedExecute.max_output_bytes == 5000
    assert config.LimitedExecute.shutdown_kernel == "immediate"
    manager = config.SandboxedKernelManager
    assert config.LimitedExecute.kernel_manager_class.endswith("sandbox.SandboxedKernelManager")
    assert manager.hidden_paths == [str(course), str(private)]
    assert manager.writable_paths == [str(private / "autograded" / "ada" / ASSIGNMENT)]
    assert manager.software_paths == ["/opt/py", "/srv/data"]
    assert manager.transport == "ipc"
    assert manager.ip == str(tmp_path / "w" / "runtime" / "kernel")  # absolute, per submission


def test_without_a_sandbox_only_the_transport_is_set(course, tmp_path):
    task = make_task(course, "ada", tmp_path / "w", sandbox=False)
    private = worker.prepare_private_course(task)
    config = PyFileConfigLoader("nbgrader_config.py", path=str(private)).load_config()
    assert "SandboxedKernelManager" not in config
    assert "kernel_manager_class" not in config.LimitedExecute
    assert config.AsyncKernelManager.transport == "ipc"


def test_grading_returns_nbgraders_scores_and_leaves_the_course_gradebook_alone(
    course, tmp_path, monkeypatch
):
    for name in ("JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):  # set by the worker; restored afterwards
        monkeypatch.delenv(name, raising=False)
    result = worker.grade_in_private_course(make_task(course, "ben", tmp_path / "w"))
    assert result["success"] and result["student"] == "ben"
    (notebook,) = result["grades"]["notebooks"].values()
    # ben's second answer is wrong: 2 + 1 + 0 of the toy course's 4 points.
    assert notebook["auto_scores"] == {"test_answer": 2.0, "test_rows": 1.0, "test_second": 0.0}
    assert json.loads(json.dumps(result)) == result
    assert scores(course) == {}  # only the parent writes to the course gradebook
    graded = tmp_path / "w" / "course" / "autograded" / "ben" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert graded.is_file()


def test_the_worker_process_answers_each_task_with_one_json_line(course, tmp_path):
    good = make_task(course, "ada", tmp_path / "good")
    broken = {"student": "zed"}  # no course, no assignment: the worker must report, not die
    tasks = "\n".join([json.dumps(broken), "", json.dumps(good)]) + "\n"
    done = subprocess.run(
        [sys.executable, "-m", "socialmarketing.grading.worker"],
        input=tasks,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
        check=True,
    )
    lines = done.stdout.splitlines()
    assert len(lines) == 2  # nbgrader's and the kernel's chatter went to standard error
    first, second = (json.loads(line) for line in lines)
    assert first["student"] == "zed" and not first["success"]
    assert first["error"].startswith("KeyError")
    assert second["student"] == "ada" and second["success"]
    (notebook,) = second["grades"]["notebooks"].values()
    assert notebook["auto_scores"] == {"test_answer": 2.0, "test_rows": 1.0, "test_second": 1.0}
