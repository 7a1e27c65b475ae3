"""Automatic grades carried from a private gradebook into the course gradebook."""

from __future__ import annotations

import json
import shutil
from datetime import datetime

import pytest
from nbgrader.api import Gradebook

from socialmarketing.grading.merge import read_automatic_grades, write_automatic_grades

SUBMITTED_AT = datetime(2026, 11, 20, 9, 30, 15, 123456)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A gradebook with assignment a1: notebook nb with two graded answers worth 2 and 3, and
    students ana and ben (made once: a new gradebook runs nbgrader's alembic command)."""
    path = tmp_path_factory.mktemp("template") / "gradebook.db"
    with Gradebook(f"sqlite:///{path}") as gradebook:
        gradebook.add_assignment("a1")
        gradebook.add_notebook("nb", "a1")
        for name, points in (("cpa", 2), ("roi", 3)):
            gradebook.add_grade_cell(name, "nb", "a1", max_score=points, cell_type="code")
            gradebook.add_solution_cell(name, "nb", "a1")
        for student in ("ana", "ben"):
            gradebook.add_student(student)
    return path


@pytest.fixture
def make_gradebook(template, tmp_path):
    def make(name: str) -> str:
        shutil.copy(template, tmp_path / name)
        return f"sqlite:///{tmp_path / name}"

    return make


def autograde_by_hand(url, student, scores, comments, penalty=0.0) -> None:
    """Write what nbgrader's autograder would have written for ``student``."""
    with Gradebook(url) as gradebook:
        gradebook.add_submission("a1", student, timestamp=SUBMITTED_AT)
        notebook = gradebook.find_submission_notebook("nb", "a1", student)
        notebook.late_submission_penalty = penalty
        for grade in notebook.grades:
            grade.auto_score = scores[grade.name]
            grade.needs_manual_grade = grade.auto_score is None  # as nbgrader's SaveAutoGrades
        for comment in notebook.comments:
            comment.auto_comment = comments[comment.name]
        gradebook.db.commit()


def scores_in(url, student) -> dict:
    with Gradebook(url) as gradebook:
        notebook = gradebook.find_submission_notebook("nb", "a1", student)
        return {
            grade.name: (grade.auto_score, grade.manual_score, grade.needs_manual_grade)
            for grade in notebook.grades
        }


@pytest.fixture
def private(make_gradebook):
    url = make_gradebook("private.db")
    autograde_by_hand(url, "ana", {"cpa": 2.0, "roi": 0.0}, {"cpa": None, "roi": "No response."})
    return url


@pytest.fixture
def course(make_gradebook):
    return make_gradebook("course.db")


def test_read_gives_plain_data_that_survives_json(private):
    grades = read_automatic_grades(private, "a1", "ana")
    assert json.loads(json.dumps(grades)) == grades
    assert grades == {
        "timestamp": "2026-11-20T09:30:15.123456",
        "notebooks": {
            "nb": {
                "late_submission_penalty": 0.0,
                "auto_scores": {"cpa": 2.0, "roi": 0.0},
                "auto_comments": {"cpa": None, "roi": "No response."},
            }
        },
    }


def test_write_creates_the_submission_with_scores_comments_and_timestamp(private, course):
    with Gradebook(course) as gradebook:
        write_automatic_grades(gradebook, "a1", "ana", read_automatic_grades(private, "a1", "ana"))
    assert scores_in(course, "ana") == {"cpa": (2.0, None, False), "roi": (0.0, None, False)}
    with Gradebook(course) as gradebook:
        submission = gradebook.find_submission("a1", "ana")
        assert submission.timestamp == SUBMITTED_AT
        assert submission.score == 2.0 and submission.max_score == 5.0
        notebook = gradebook.find_submission_notebook("nb", "a1", "ana")
        assert {c.name: c.auto_comment for c in notebook.comments} == {
            "cpa": None,
            "roi": "No response.",
        }
        assert notebook.late_submission_penalty == 0.0


def test_a_manual_score_already_given_is_kept_and_still_flagged(private, course):
    autograde_by_hand(course, "ana", {"cpa": 0.0, "roi": 0.0}, {"cpa": None, "roi": None})
    with Gradebook(course) as gradebook:
        grade = gradebook.find_grade("roi", "nb", "a1", "ana")
        grade.manual_score = 1.5
        gradebook.db.commit()
        write_automatic_grades(gradebook, "a1", "ana", read_automatic_grades(private, "a1", "ana"))
    assert scores_in(course, "ana") == {"cpa": (2.0, None, False), "roi": (0.0, 1.5, True)}
    with Gradebook(course) as gradebook:
        assert gradebook.find_submission("a1", "ana").score == 3.5  # manual 1.5 overrides auto 0


def test_a_cell_without_automatic_score_needs_manual_grading(make_gradebook, course):
    private = make_gradebook("other.db")
    autograde_by_hand(private, "ana", {"cpa": None, "roi": 3.0}, {"cpa": None, "roi": None}, 1.0)
    with Gradebook(course) as gradebook:
        write_automatic_grades(gradebook, "a1", "ana", read_automatic_grades(private, "a1", "ana"))
    assert scores_in(course, "ana") == {"cpa": (None, None, True), "roi": (3.0, None, False)}
    with Gradebook(course) as gradebook:
        notebook = gradebook.find_submission_notebook("nb", "a1", "ana")
        assert notebook.late_submission_penalty == 1.0


def test_other_students_are_untouched(private, course):
    autograde_by_hand(course, "ben", {"cpa": 1.0, "roi": 3.0}, {"cpa": "x", "roi": "y"})
    before = scores_in(course, "ben")
    with Gradebook(course) as gradebook:
        write_automatic_grades(gradebook, "a1", "ana", read_automatic_grades(private, "a1", "ana"))
    assert (
        scores_in(course, "ben")
        == before
        == {
            "cpa": (1.0, None, False),
            "roi": (3.0, None, False),
        }
    )


def test_a_cell_the_course_lacks_is_named_and_nothing_of_it_is_saved(private, course):
    autograde_by_hand(course, "ana", {"cpa": 0.0, "roi": 0.0}, {"cpa": None, "roi": None})
    grades = read_automatic_grades(private, "a1", "ana")
    grades["notebooks"]["nb"]["auto_scores"]["ltv"] = 1.0  # appended after cpa and roi
    with Gradebook(course) as gradebook, pytest.raises(KeyError, match="graded cell 'ltv'"):
        write_automatic_grades(gradebook, "a1", "ana", grades)
    assert scores_in(course, "ana") == {"cpa": (0.0, None, False), "roi": (0.0, None, False)}
