"""``socialmarketing grade``: parallel grading equals nbgrader's, survives hostile submissions.

The course lives in /var/tmp, not /tmp, so that hiding it from student kernels is done by the
sandbox's explicit rule for the course folder, not by the fresh /tmp every sandbox gets.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import threading

import nbformat
import pytest
from nbgrader.api import Gradebook
from toy_course import (
    ASSIGNMENT,
    ENV,
    MAX_SCORE,
    NBGRADER,
    SOLUTION,
    processes_mentioning,
    scores,
    submit,
    temporary_course,
)

from socialmarketing import cli
from socialmarketing.grading import run
from socialmarketing.grading.sandbox import isolation_problem

pytestmark = pytest.mark.slow

CLASS = {
    "ada": SOLUTION,
    "ben": {},  # the untouched release
    "cai": {**SOLUTION, "answer_cell": "answer = 41"},  # passes the visible test only
    "dee": {**SOLUTION, "second_cell": "second = 'y'"},
    "eve": {"answer_cell": "answer = 42", "second_cell": "second = 'x'"},  # no data loaded
    "fay": {**SOLUTION, "rows_cell": "raise RuntimeError('I give up')"},
}


@pytest.fixture
def course():
    with temporary_course("sm-grading-") as course:
        yield course


def test_sandbox_is_available_on_this_machine():
    # CI installs bubblewrap; without it student code would run unprotected.
    assert isolation_problem() is None, isolation_problem()


def test_parallel_grades_equal_serial_nbgrader_autograde_grade_for_grade(course):
    for student, answers in CLASS.items():
        submit(course, student, answers)
    serial = course.parent / "serial"
    shutil.copytree(course, serial)
    subprocess.run(
        [*NBGRADER, "autograde", ASSIGNMENT], cwd=serial, check=True, capture_output=True, env=ENV
    )

    outcome = run.grade_assignment(ASSIGNMENT, course, workers=3)

    assert outcome.count("graded") == len(CLASS), outcome.table()
    expected = scores(serial)
    assert len(expected) == 3 * len(CLASS)
    assert scores(course) == expected
    by_student = {r.student: r.score for r in outcome.results}
    assert by_student["ada"] == MAX_SCORE
    assert by_student["ben"] == 0
    assert by_student["cai"] == MAX_SCORE - 2  # the hidden test fails
    for student in CLASS:
        graded = course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        assert graded.is_file()


def test_broken_submissions_get_a_clear_status_and_the_others_are_graded(course):
    submit(course, "ada", SOLUTION)
    submit(course, "loops", {**SOLUTION, "answer_cell": "while True:\n    pass"})
    submit(course, "floods", {**SOLUTION, "second_cell": "print('x' * 10**8)\nsecond = 'x'"})
    # A test cell that floods the output and then fails must still count as failed.
    sneaky = (
        "class Loud(int):\n"
        "    def __gt__(self, other):\n"
        "        print('x' * 10**7)\n"
        "        return False\n"
        "answer = Loud(42)"
    )
    submit(course, "sneaky", {**SOLUTION, "answer_cell": sneaky})
    submit(course, "crashes", {**SOLUTION, "rows_cell": "import os\nos._exit(3)"})
    submit(course, "renamed", SOLUTION).rename(
        course / "submitted" / "renamed" / ASSIGNMENT / "my_work.ipynb"
    )
    (submit(course, "garbled", SOLUTION)).write_text("{this is not json", encoding="utf-8")
    deleted = submit(course, "deleted", SOLUTION)
    notebook = nbformat.read(deleted, 4)
    notebook.cells = [
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_rows"
    ]
    nbformat.write(notebook, deleted)

    outcome = run.grade_assignment(
        ASSIGNMENT, course, workers=3, cell_timeout=3, max_output_bytes=50_000
    )
    results = {r.student: r for r in outcome.results}

    assert results["ada"].status == "graded" and results["ada"].score == MAX_SCORE
    loops = results["loops"]
    assert loops.status == "graded" and loops.score == MAX_SCORE - 2
    assert "time limit" in " ".join(loops.notes)
    floods = results["floods"]
    assert floods.status == "graded" and floods.score == MAX_SCORE
    assert "output limit" in " ".join(floods.notes)
    graded = nbformat.read(course / "autograded" / "floods" / ASSIGNMENT / "toy.ipynb", 4)
    assert len(nbformat.writes(graded)) < 200_000
    assert results["sneaky"].status == "graded" and results["sneaky"].score == MAX_SCORE - 2
    assert "output limit" in " ".join(results["sneaky"].notes)
    assert results["crashes"].status == "failed"
    assert "kernel crashed" in results["crashes"].reason
    assert results["renamed"].status == "failed"
    assert "toy.ipynb is missing" in results["renamed"].reason
    assert "my_work.ipynb" in results["renamed"].reason
    assert results["garbled"].status == "failed"
    assert "not a valid notebook" in results["garbled"].reason
    # nbgrader scores a deleted test cell 0; the summary says which cell is gone.
    assert results["deleted"].status == "graded" and results["deleted"].score == MAX_SCORE - 1
    assert "deleted from the notebook, scored 0: test_rows" in " ".join(results["deleted"].notes)
    assert "5 graded, 3 failed, 0 timed out" in outcome.table()


def test_regrading_keeps_manual_scores_and_failed_students_old_grades(course):
    submit(course, "ada", SOLUTION)
    submit(course, "ben", {**SOLUTION, "second_cell": "second = 'y'"})
    run.grade_assignment(ASSIGNMENT, course, workers=2)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade("test_second", ASSIGNMENT, ASSIGNMENT, "ben")
        grade.manual_score = 0.5  # a grader gives half a point by hand
        gradebook.db.commit()
    (course / "submitted" / "ada" / ASSIGNMENT / "toy.ipynb").write_text("{", encoding="utf-8")

    outcome = run.grade_assignment(ASSIGNMENT, course, workers=2)

    assert {r.student: r.status for r in outcome.results} == {"ada": "failed", "ben": "graded"}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert gradebook.find_submission(ASSIGNMENT, "ada").score == MAX_SCORE
        grade = gradebook.find_grade("test_second", ASSIGNMENT, ASSIGNMENT, "ben")
        assert grade.manual_score == 0.5 and grade.auto_score == 0
        assert grade.needs_manual_grade  # as nbgrader marks a re-graded manual score
        assert grade.score == 0.5


def test_a_submission_past_its_time_limit_is_stopped_and_its_worker_replaced(course):
    submit(course, "slow", {**SOLUTION, "answer_cell": "import time\ntime.sleep(60)\nanswer=42"})
    for student in ("ada", "bea", "cy"):
        submit(course, student, SOLUTION)
    outcome = run.grade_assignment(
        ASSIGNMENT, course, workers=1, cell_timeout=120, submission_timeout=12
    )
    results = {r.student: r for r in outcome.results}
    assert results["slow"].status == "timed out"
    assert "12 s limit" in results["slow"].reason
    assert all(results[s].score == MAX_SCORE for s in ("ada", "bea", "cy"))
    # The killed worker's kernel went with it: no process is left that uses the grading folder
    # (each kernel's command line names its connection file there).
    leftover = f"{tempfile.gettempdir()}/.sm-grade-{ASSIGNMENT}-"
    assert processes_mentioning(leftover, this_session_only=True) == []


HOSTILE = """\
import pathlib, socket
secrets = [{source!r}, {other!r}, {gradebook!r}]
leaks = []
for path in secrets:
    try:
        leaks.append(pathlib.Path(path).read_bytes()[:30])
        print('READ', path)
    except OSError as error:
        print('blocked read', type(error).__name__)
try:
    pathlib.Path({gradebook!r}).write_bytes(b'')
    print('WROTE gradebook')
except OSError as error:
    print('blocked write', type(error).__name__)
try:
    socket.create_connection(('127.0.0.1', {port}), timeout=3).close()
    print('CONNECTED')
except OSError as error:
    print('blocked network', type(error).__name__)
answer = 42
"""


def test_student_code_cannot_read_solutions_others_or_gradebook_nor_use_the_network(course):
    submit(course, "ada", SOLUTION)
    listener = socket.create_server(("127.0.0.1", 0))
    connections = []
    threading.Thread(target=lambda: connections.append(listener.accept()), daemon=True).start()
    code = HOSTILE.format(
        source=str(course / "source" / ASSIGNMENT / "toy.ipynb"),
        other=str(course / "submitted" / "ada" / ASSIGNMENT / "toy.ipynb"),
        gradebook=str(course / "gradebook.db"),
        port=listener.getsockname()[1],
    )
    submit(course, "mallory", {**SOLUTION, "answer_cell": code})
    size_before = (course / "gradebook.db").stat().st_size

    outcome = run.grade_assignment(ASSIGNMENT, course, workers=2)

    listener.close()
    results = {r.student: r for r in outcome.results}
    assert results["mallory"].status == "graded"
    graded = nbformat.read(course / "autograded" / "mallory" / ASSIGNMENT / "toy.ipynb", 4)
    printed = "".join(o.get("text", "") for c in graded.cells for o in c.get("outputs", []))
    assert printed.count("blocked read") == 3, printed
    assert "blocked write" in printed and "blocked network" in printed, printed
    assert "READ" not in printed and "WROTE" not in printed and "CONNECTED" not in printed
    assert not connections
    assert (course / "gradebook.db").stat().st_size >= size_before
    assert results["mallory"].score == MAX_SCORE  # the sandbox still lets honest code work


def test_without_a_sandbox_grading_refuses_unless_explicitly_allowed(course, monkeypatch):
    submit(course, "ada", SOLUTION)
    monkeypatch.setattr(run, "isolation_problem", lambda: "bubblewrap is not installed")
    with pytest.raises(run.IsolationUnavailable, match="--allow-unsandboxed"):
        run.grade_assignment(ASSIGNMENT, course)
    assert not (course / "autograded").exists()
    outcome = run.grade_assignment(ASSIGNMENT, course, allow_unsandboxed=True)
    assert not outcome.sandboxed
    assert outcome.results[0].score == MAX_SCORE
    assert "NOT sandboxed" in outcome.table()


def test_the_command_line_grades_prints_a_summary_and_reports_bad_input(course, capsys):
    submit(course, "ada", SOLUTION)
    submit(course, "ben", {})
    assert cli.main(["grade", ASSIGNMENT, "--course", str(course), "--workers", "2"]) == 0
    printed = capsys.readouterr()
    assert "2 graded, 0 failed, 0 timed out" in printed.out
    assert "2/2" in printed.err  # the progress bar's count
    assert cli.main(["grade", "nope", "--course", str(course)]) == 2
    assert "no assignment 'nope'" in capsys.readouterr().err
    assert cli.main(["grade", ASSIGNMENT, "--course", str(course.parent)]) == 2
    assert "not an nbgrader course folder" in capsys.readouterr().err
    assert cli.main(["grade", ASSIGNMENT, "--course", str(course), "--workers", "0"]) == 2


def test_default_workers_keep_the_cores_busy():
    assert run.default_workers(2) == 3
    assert run.default_workers(1) == 2
    assert run.default_workers(16) == 25


def test_the_same_grading_runs_on_a_dask_cluster_with_the_same_time_limit(course):
    from distributed import LocalCluster

    for student, answers in CLASS.items():
        submit(course, student, answers)
    submit(course, "gus", {**SOLUTION, "answer_cell": "while True:\n    pass"})
    local = course.parent / "local"
    shutil.copytree(course, local)
    run.grade_assignment(ASSIGNMENT, local, workers=3, submission_timeout=12)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        outcome = run.grade_assignment(
            ASSIGNMENT, course, scheduler=cluster.scheduler_address, submission_timeout=12
        )
    assert outcome.count("graded") == len(CLASS), outcome.table()
    # The loop runs past the 12 s limit (a cell may run 20 s): stopped on the cluster too.
    assert {r.student: r.status for r in outcome.results}["gus"] == "timed out"
    assert scores(course) == scores(local)
    assert processes_mentioning(str(course)) == []  # its work folder is in the course
    assert not list(course.glob(".sm-grade-*")), "the cluster work folder was not removed"
