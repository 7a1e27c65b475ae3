"""One submission autograded in a private copy of the course, by a worker process."""

from __future__ import annotations

import json
import socket
import threading

import pytest
from toy_course import ASSIGNMENT, SOLUTION, grading_task, scores, temporary_course
from traitlets.config.loader import PyFileConfigLoader

from socialmarketing.grading import worker
from socialmarketing.grading.sandbox import Limits

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def course():
    wrong_second = {**SOLUTION, "second_cell": "second = 'y'"}
    with temporary_course("sm-worker-", {"ada": SOLUTION, "ben": wrong_second}) as course:
        yield course


def test_the_private_course_holds_one_submission_and_the_grading_settings(course, tmp_path):
    task = grading_task(course, "ada", tmp_path / "w", software=["/opt/py", "/srv/data"])
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
    # Hidden even where a software folder would show them: the course, and the work folder
    # holding every submission's private course.
    assert manager.hidden_paths == [str(course), str(tmp_path)]
    assert manager.writable_paths == [str(private / "autograded" / "ada" / ASSIGNMENT)]
    assert manager.software_paths == ["/opt/py", "/srv/data"]
    assert manager.transport == "ipc"
    runtime = tmp_path / "w" / "runtime"
    assert manager.ip == str(runtime / "kernel")  # absolute, per submission
    # The connection file too (jupyter_client's default is a file in the shared /tmp).
    assert manager.connection_file == str(runtime / "kernel.json")
    assert manager.log_file == str(runtime / "kernel.log")
    assert manager.limits == Limits().to_config()
    assert manager.cgroup_name == worker.cgroup_name(task)


def test_without_a_sandbox_only_the_transport_is_set(course, tmp_path):
    task = grading_task(course, "ada", tmp_path / "w", sandbox=False)
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
    result = worker.grade_in_private_course(grading_task(course, "ben", tmp_path / "w"))
    assert result["success"] and result["student"] == "ben"
    (notebook,) = result["grades"]["notebooks"].values()
    # ben's second answer is wrong: 2 + 1 + 0 of the toy course's 4 points.
    assert notebook["auto_scores"] == {"test_answer": 2.0, "test_rows": 1.0, "test_second": 0.0}
    assert json.loads(json.dumps(result)) == result
    assert scores(course) == {}  # only the parent writes to the course gradebook
    graded = tmp_path / "w" / "course" / "autograded" / "ben" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert graded.is_file()


def test_serve_answers_each_task_with_one_json_line_until_the_stream_ends(course, tmp_path):
    ours, theirs = socket.socketpair()
    ours.settimeout(120)  # a hang fails the test instead of stopping the suite
    their_stream = theirs.makefile("rwb")
    server = threading.Thread(target=worker.serve, args=(their_stream,))
    server.start()
    stream = ours.makefile("rwb")
    # Neither task can be graded (no such student; no course at all): each must be reported.
    stream.write(json.dumps(grading_task(course, "zed", tmp_path / "a")).encode() + b"\n\n")
    stream.write(json.dumps({"student": "yan"}).encode() + b"\n")
    stream.flush()
    first, second = (json.loads(stream.readline()) for _ in range(2))
    ours.shutdown(socket.SHUT_WR)
    server.join(30)
    assert not server.is_alive()  # it returned when the stream ended
    their_stream.close()
    theirs.close()
    assert stream.readline() == b""  # it answered nothing else (the blank line is skipped)
    assert first["student"] == "zed" and not first["success"]
    assert "zed" in first["error"]
    assert second == {
        "student": "yan",
        "success": False,
        "error": "KeyError: 'course'",
        "messages": [],
        "seconds": 0.0,
    }
    ours.close()
