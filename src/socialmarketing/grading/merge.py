"""Copy one student's automatic grades from a private gradebook into the course gradebook.

Each submission is autograded in a private copy of the course (see :mod:`.worker`), so that
several can run at once without sharing a SQLite file. Afterwards the parent copies what nbgrader
wrote for that student into the course gradebook with nbgrader's own API, field by field, exactly
as nbgrader's ``SaveAutoGrades`` and ``AssignLatePenalties`` steps would have written it:

* the submission (created if new) and its timestamp;
* for every graded cell, the automatic score, and whether it needs manual grading: yes when the
  autograder gave no score or when a grader has already entered a manual score, which is kept;
* for every answer cell, the automatic comment ("No response." for an untouched answer);
* each notebook's late-submission penalty.

Manual scores, manual comments and other students' records are never touched.
"""

from __future__ import annotations

import warnings

from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

__all__ = ["copy_student_grades"]


def copy_student_grades(
    private_db_url: str, course: Gradebook, assignment: str, student: str
) -> dict[str, float | None]:
    """Copy ``student``'s automatic grades for ``assignment`` into the open course gradebook
    ``course`` (one connection serves a whole grading run: opening a gradebook costs more than
    copying one student's grades); return the automatic scores by grade id."""
    copied: dict[str, float | None] = {}
    with Gradebook(private_db_url) as private, warnings.catch_warnings():
        # nbgrader's own update_or_create_submission triggers SQLAlchemy autoflush warnings
        # about the half-built submission; they are harmless (nbgrader's autograde shows them).
        warnings.simplefilter("ignore", SAWarning)
        graded = private.find_submission(assignment, student)
        course.update_or_create_student(student)
        course.update_or_create_submission(assignment, student, timestamp=graded.timestamp)
        for notebook in graded.notebooks:
            target = course.find_submission_notebook(notebook.name, assignment, student)
            target.late_submission_penalty = notebook.late_submission_penalty
            for grade in notebook.grades:
                into = course.find_grade(grade.name, notebook.name, assignment, student)
                into.auto_score = grade.auto_score
                into.needs_manual_grade = into.manual_score is not None or grade.auto_score is None
                copied[grade.name] = grade.auto_score
            for comment in notebook.comments:
                into = course.find_comment(comment.name, notebook.name, assignment, student)
                into.auto_comment = comment.auto_comment
        course.db.commit()
    return copied
