"""Feedback for students that shows their test results but not the hidden tests' code.

``nbgrader generate_feedback`` turns each autograded notebook into HTML, hidden tests included
(nbgrader issue #1363): a student who reads the feedback learns exactly what the hidden tests
check, and next year's class can read it too. :func:`generate_feedback` runs nbgrader's feedback
step with one more preprocessor, :class:`HideHiddenTests`, which

* replaces the hidden region of each test cell with one comment line, and
* shortens each error in a test cell to its last line (``AssertionError: ...``): the full
  traceback quotes the line of hidden code that failed.

Scores, visible tests, the students' own code and outputs, and the tests' messages stay.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

__all__ = ["HIDDEN_NOTE", "HideHiddenTests", "generate_feedback", "hide_hidden_tests"]

HIDDEN_NOTE = "# (hidden tests ran here; their code is not shown in feedback)"


def hide_hidden_tests(source: str, begin: str, end: str) -> str:
    """``source`` with every region from a ``begin`` line to an ``end`` line replaced by a note.

    A region left open (no ``end`` line) hides everything after ``begin``.
    """
    kept: list[str] = []
    hiding = False
    for line in source.splitlines():
        if not hiding and begin in line:
            hiding = True
            kept.append(line[: len(line) - len(line.lstrip())] + HIDDEN_NOTE)
        elif hiding and end in line:
            hiding = False
        elif not hiding:
            kept.append(line)
    return "\n".join(kept)


class HideHiddenTests(NbGraderPreprocessor):
    """Remove hidden test code, and tracebacks that quote it, from test cells."""

    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS").tag(config=True)
    end_test_delimeter = Unicode("END HIDDEN TESTS").tag(config=True)

    def preprocess_cell(
        self, cell: NotebookNode, resources: Any, index: int
    ) -> tuple[NotebookNode, Any]:
        if cell.cell_type != "code" or self.begin_test_delimeter not in cell.source:
            return cell, resources
        cell.source = hide_hidden_tests(
            cell.source, self.begin_test_delimeter, self.end_test_delimeter
        )
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [
                    f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
                ]
        return cell, resources


def generate_feedback(
    assignment: str, course: str | Path = ".", students: list[str] | None = None
) -> dict[str, bool]:
    """Write ``feedback/<student>/<assignment>/*.html`` for autograded students; return
    whether it worked, by student."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import GetGrades
    from traitlets.config.loader import PyFileConfigLoader

    course = Path(course).resolve()
    if not (course / "nbgrader_config.py").is_file():
        raise FileNotFoundError(
            f"{course} is not an nbgrader course folder (it has no nbgrader_config.py)"
        )
    graded = sorted(
        p.parent.name for p in (course / "autograded").glob(f"*/{assignment}") if p.is_dir()
    )
    if students is not None:
        missing = sorted(set(students) - set(graded))
        if missing:
            raise ValueError(f"no autograded {assignment} for: {', '.join(missing)}")
        graded = [s for s in graded if s in students]
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    config.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
    api = NbGraderAPI(coursedir=CourseDirectory(config=config, root=str(course)), config=config)
    outcome = {}
    for student in graded:
        result = api.generate_feedback(assignment, student, force=True)
        outcome[student] = bool(result.get("success"))
    return outcome
