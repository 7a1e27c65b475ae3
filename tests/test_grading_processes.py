"""The fork server and its workers: each grades on its own, and a killed one takes its kernel."""

from __future__ import annotations

import os
import sys
import time

import pytest
from toy_course import SOLUTION, grading_task, processes_mentioning, temporary_course

from socialmarketing.grading.processes import ForkServer

pytestmark = pytest.mark.slow

RIGHT = {"test_answer": 2.0, "test_rows": 1.0, "test_second": 1.0}


@pytest.fixture(scope="module")
def course():
    asleep = {**SOLUTION, "answer_cell": "import time\ntime.sleep(120)"}
    with temporary_course("sm-processes-", {"ada": SOLUTION, "sol": asleep}) as course:
        yield course


@pytest.fixture
def server(tmp_path):
    server = ForkServer(tmp_path)
    yield server
    server.close()


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_workers_are_separate_session_leaders_that_grade_and_log(course, server, tmp_path):
    first = server.start_worker(tmp_path / "first.log")
    second = server.start_worker(tmp_path / "second.log")
    try:
        assert first.pid != second.pid
        for handle in (first, second):
            assert os.getsid(handle.pid) == handle.pid  # a kill of its group spares the others
            assert os.getpgid(handle.pid) != os.getpgid(0)
        results = [
            handle.grade(grading_task(course, "ada", tmp_path / name), timeout=300)
            for handle, name in ((first, "a"), (second, "b"))
        ]
    finally:
        first.stop()
        second.stop()
    for result in results:
        assert result["success"], result
        (notebook,) = result["grades"]["notebooks"].values()
        assert notebook["auto_scores"] == RIGHT
    assert not is_running(first.pid) and not is_running(second.pid)  # stop() waits for the exit
    # What a worker and its student's kernel print goes to its own log, not the terminal.
    for name in ("first.log", "second.log"):
        assert "To connect another client to this kernel" in (tmp_path / name).read_text()


def test_a_killed_worker_takes_its_kernel_and_spares_the_others(course, server, tmp_path):
    stuck = server.start_worker(tmp_path / "stuck.log")
    other = server.start_worker(tmp_path / "other.log")
    task = grading_task(course, "sol", tmp_path / "stuck", cell_timeout=300)
    assert stuck.grade(task, timeout=15) is None  # its kernel is still asleep
    assert processes_mentioning(str(tmp_path / "stuck"))  # the kernel, by its connection file
    stuck.stop(kill=True)
    assert not is_running(stuck.pid)
    # The sandbox dies with its parent (a moment after it): allow it a few seconds.
    for _ in range(300):
        if not processes_mentioning(str(tmp_path / "stuck")):
            break
        time.sleep(0.1)
    assert processes_mentioning(str(tmp_path / "stuck")) == []
    try:
        result = other.grade(grading_task(course, "ada", tmp_path / "other"), timeout=300)
    finally:
        other.stop()
    (notebook,) = result["grades"]["notebooks"].values()
    assert notebook["auto_scores"] == RIGHT
    stuck.stop()  # stopping twice does nothing


def test_a_fork_server_that_cannot_start_says_so(tmp_path, monkeypatch):
    (tmp_path / "python").write_text("#!/bin/sh\necho 'no nbgrader here' >&2\nexit 3\n")
    (tmp_path / "python").chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    server = ForkServer(tmp_path)
    try:
        with pytest.raises(RuntimeError, match="could not start a worker") as raised:
            server.start_worker(tmp_path / "worker.log")
        assert raised.value.args[0].endswith("no nbgrader here\n")  # the log's last words
    finally:
        server.close()
