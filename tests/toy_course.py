"""A tiny nbgrader course for the grading tests: one assignment, three graded parts.

Part ``test_answer`` (2 points) checks ``answer == 42`` in a hidden test; ``test_rows`` (1 point)
checks that the student loaded the sample data's campaigns table; ``test_second`` (1 point)
checks ``second == "x"``. Students' submissions are made from the released notebook by
replacing the code of the answer cells.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NBGRADER = [str(Path(sys.executable).with_name("nbgrader"))]
#: nbgrader runs the `alembic` command of its environment when it creates a gradebook.
ENV = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
ASSIGNMENT = "toy"
HIDDEN_LINE = "assert answer == 6 * 7, 'the answer is not right yet'"
MAX_SCORE = 4.0

SOLUTION = {
    "answer_cell": "answer = 6 * 7",
    "rows_cell": "from socialmarketing import data\ncampaigns = data.load('campaigns')",
    "second_cell": "second = 'x'",
}


def _meta(**fields) -> dict:
    base = {"schema_version": 3, "solution": False, "grade": False, "locked": False}
    return {"nbgrader": {**base, **fields}}


def _source_notebook() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("Compute `answer`, load `campaigns`, set `second`."),
        new_code_cell(
            f"### BEGIN SOLUTION\n{SOLUTION['answer_cell']}\n### END SOLUTION",
            metadata=_meta(solution=True, grade_id="answer_cell"),
        ),
        new_code_cell(
            "assert answer > 0, 'answer should be a positive number'\n"
            f"### BEGIN HIDDEN TESTS\n{HIDDEN_LINE}\n### END HIDDEN TESTS",
            metadata=_meta(grade=True, locked=True, grade_id="test_answer", points=2),
        ),
        new_code_cell(
            f"### BEGIN SOLUTION\n{SOLUTION['rows_cell']}\n### END SOLUTION",
            metadata=_meta(solution=True, grade_id="rows_cell"),
        ),
        new_code_cell(
            "assert len(campaigns) == len(data.load('campaigns'))",
            metadata=_meta(grade=True, locked=True, grade_id="test_rows", points=1),
        ),
        new_code_cell(
            f"### BEGIN SOLUTION\n{SOLUTION['second_cell']}\n### END SOLUTION",
            metadata=_meta(solution=True, grade_id="second_cell"),
        ),
        new_code_cell(
            "assert second == 'x', 'second should be the text x'",
            metadata=_meta(grade=True, locked=True, grade_id="test_second", points=1),
        ),
    ]
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return new_notebook(cells=cells, metadata={"kernelspec": kernelspec})


def make_course(root: Path, cell_timeout: int = 20) -> Path:
    """Create the course in ``root`` and generate the student version of the assignment."""
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'toy'\n"
        f"c.Execute.timeout = {cell_timeout}\n",
        encoding="utf-8",
    )
    nbformat.write(_source_notebook(), root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    subprocess.run(
        [*NBGRADER, "generate_assignment", ASSIGNMENT, "--force"],
        cwd=root,
        check=True,
        capture_output=True,
        env=ENV,
    )
    return root


@contextlib.contextmanager
def temporary_course(
    prefix: str, submissions: dict[str, dict[str, str]] | None = None, where: str = "/var/tmp"
) -> Iterator[Path]:
    """The course, with these submissions (student: answers), in a new folder removed afterwards.

    The folder is in ``where``: /var/tmp by default, so that hiding the course from student
    kernels cannot rest on the fresh /tmp every sandbox gets; /tmp (where ``tempfile`` puts
    things) is tested too.
    """
    root = Path(tempfile.mkdtemp(prefix=prefix, dir=where))
    try:
        course = make_course(root / "course")
        for student, answers in (submissions or {}).items():
            submit(course, student, answers)
        yield course
    finally:
        shutil.rmtree(root, ignore_errors=True)


#: Marks the processes of this test session (they inherit it), so that a check for leftover
#: grading processes does not see another test run's on the same machine.
SESSION_MARKER = f"SM_TEST_SESSION={os.getpid()}-{time.time_ns()}"
os.environ[SESSION_MARKER.split("=")[0]] = SESSION_MARKER.split("=")[1]


def processes_mentioning(text: str, this_session_only: bool = False) -> list[str]:
    """Command lines of the running processes that contain ``text`` (a student kernel's names
    its connection file, in the grading work folder); with ``this_session_only``, only those
    started by this test session."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = cmdline.read_bytes()
            if this_session_only and SESSION_MARKER.encode() not in (
                cmdline.parent / "environ"
            ).read_bytes().split(b"\0"):
                continue
        except OSError:  # it ended while we looked
            continue
        if text.encode() in command:
            found.append(command.replace(b"\0", b" ").decode(errors="replace"))
    return found


def submit(root: Path, student: str, answers: dict[str, str] | None = None) -> Path:
    """Submit the released notebook with the given answer cells' code (by grade id)."""
    notebook = nbformat.read(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if answers and grade_id in answers:
            cell.source = answers[grade_id]
    folder = root / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{ASSIGNMENT}.ipynb"
    nbformat.write(notebook, path)
    return path


def scores(root: Path) -> dict[tuple[str, str], float | None]:
    """Every automatic score in the course gradebook, by (student, grade id)."""
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for submission in gradebook.assignment_submissions(ASSIGNMENT):
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    found[(submission.student.id, grade.name)] = grade.auto_score
    return found


def grading_task(root: Path, student: str, workdir: Path, **changes) -> dict:
    """A task for one grading worker (see socialmarketing.grading.worker): ``student``'s submission.

    The worker copies the gradebook snapshot it is given; here that is the course's own
    gradebook, which it only reads.
    """
    task = {
        "course": str(root),
        "assignment": ASSIGNMENT,
        "student": student,
        "workdir": str(workdir),
        "gradebook_snapshot": str(root / "gradebook.db"),
        "cell_timeout": 20,
        "max_output_bytes": 5000,
        "sandbox": True,
        "software": None,
    }
    return {**task, **changes}
