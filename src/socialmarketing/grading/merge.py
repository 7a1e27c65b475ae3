"""Carry one student's automatic grades from a private gradebook into the course gradebook.

Each submission is autograded in a private copy of the course (see :mod:`.worker`), so that
several can run at once without sharing a SQLite file. The worker then reads what nbgrader wrote
for that student (:func:`read_automatic_grades`, plain data that travels as JSON), and the parent
writes it into the course gradebook with nbgrader's own API (:func:`write_automatic_grades`),
field by field, exactly as nbgrader's ``SaveAutoGrades`` and ``AssignLatePenalties`` steps would
have written it:

* the submission (created if new) and its timestamp;
* for every graded cell, the automatic score, and whether it needs manual grading: yes when the
  autograder gave no score or when a grader has already entered a manual score, which is kept;
* for every answer cell, the automatic comment ("No response." for an untouched answer);
* each notebook's late-submission penalty.

Manual scores, manual comments and other students' records are never touched.
"""

from __future__ import annotations

import warnings
from datetime import datetime
from typing import Any

from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

__all__ = ["read_automatic_grades", "write_automatic_grades"]


def read_automatic_grades(db_url: str, assignment: str, student: str) -> dict[str, Any]:
    """What the autograder wrote in the gradebook at ``db_url`` for ``student``'s submission
    of ``assignment``, as JSON-ready data::

        {"timestamp": "2026-11-20T09:30:00" or None,
         "notebooks": {name: {"late_submission_penalty": float or None,
                              "auto_scores": {grade id: float or None},
                              "auto_comments": {grade id: str or None}}}}
    """
    with Gradebook(db_url) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        return {
            "timestamp": submission.timestamp.isoformat() if submission.timestamp else None,
            "notebooks": {
                notebook.name: {
                    "late_submission_penalty": notebook.late_submission_penalty,
                    "auto_scores": {grade.name: grade.auto_score for grade in notebook.grades},
                    "auto_comments": {c.name: c.auto_comment for c in notebook.comments},
                }
                for notebook in submission.notebooks
            },
        }


def write_automatic_grades(
    course: Gradebook, assignment: str, student: str, grades: dict[str, Any]
) -> None:
    """Write ``grades`` (from :func:`read_automatic_grades`) into the open course gradebook
    ``course``; one connection serves a whole grading run, as opening a gradebook costs more
    than writing one student's grades.

    Raises ``KeyError`` naming the cell if ``grades`` has a cell the course gradebook lacks (the
    assignment was regenerated with other cells while grading ran); nothing is then saved for
    this student.
    """
    timestamp = grades["timestamp"]
    with warnings.catch_warnings():
        # nbgrader's own update_or_create_submission triggers SQLAlchemy autoflush warnings
        # about the half-built submission; they are harmless (nbgrader's autograde shows them).
        warnings.simplefilter("ignore", SAWarning)
        course.update_or_create_student(student)
        submission = course.update_or_create_submission(
            assignment,
            student,
            timestamp=datetime.fromisoformat(timestamp) if timestamp else None,
        )
        try:
            targets = {notebook.name: notebook for notebook in submission.notebooks}
            for name, graded in grades["notebooks"].items():
                target = _lookup(targets, name, "notebook", assignment)
                target.late_submission_penalty = graded["late_submission_penalty"]
                course_grades = {grade.name: grade for grade in target.grades}
                for cell, auto_score in graded["auto_scores"].items():
                    into = _lookup(course_grades, cell, "graded cell", name)
                    into.auto_score = auto_score
                    into.needs_manual_grade = into.manual_score is not None or auto_score is None
                course_comments = {comment.name: comment for comment in target.comments}
                for cell, auto_comment in graded["auto_comments"].items():
                    _lookup(course_comments, cell, "answer cell", name).auto_comment = auto_comment
        except KeyError:
            course.db.rollback()
            raise
        course.db.commit()


def _lookup(found: dict[str, Any], name: str, kind: str, where: str) -> Any:
    if name not in found:
        raise KeyError(
            f"the course gradebook has no {kind} {name!r} in {where}; was the assignment "
            "regenerated while grading ran? Grade it again"
        )
    return found[name]
