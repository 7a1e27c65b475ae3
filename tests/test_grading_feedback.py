"""Feedback keeps scores, visible tests and messages, and leaves out the hidden tests."""

from __future__ import annotations

import html as html_module
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from toy_course import ASSIGNMENT, ENV, NBGRADER, SOLUTION, temporary_course

from socialmarketing import cli
from socialmarketing.grading.feedback import HIDDEN_NOTE, hide_hidden_tests


def text_of(page: Path) -> str:
    """The visible text of an HTML page (syntax highlighting splits code into many tags)."""
    return html_module.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def test_hide_hidden_tests_on_a_hand_example():
    source = (
        "assert x > 0\n    ### BEGIN HIDDEN TESTS\nassert x == 4\n### END HIDDEN TESTS\nprint(1)"
    )
    assert hide_hidden_tests(source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS") == (
        f"assert x > 0\n    {HIDDEN_NOTE}\nprint(1)"
    )
    # an unclosed region hides the rest; text without a region is unchanged
    assert hide_hidden_tests("a\n# BEGIN HIDDEN TESTS\nb", "BEGIN HIDDEN TESTS", "END") == (
        f"a\n{HIDDEN_NOTE}"
    )
    assert hide_hidden_tests("a\nb", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS") == "a\nb"


@pytest.mark.slow
def test_feedback_shows_results_but_not_hidden_tests_unlike_nbgrader():
    cai = {**SOLUTION, "answer_cell": "answer = 41"}
    with temporary_course("sm-feedback-", {"cai": cai}) as course:
        subprocess.run(
            [*NBGRADER, "autograde", ASSIGNMENT],
            cwd=course,
            check=True,
            capture_output=True,
            env=ENV,
        )
        plain = course.parent / "plain"
        shutil.copytree(course, plain)
        subprocess.run(
            [*NBGRADER, "generate_feedback", ASSIGNMENT],
            cwd=plain,
            check=True,
            capture_output=True,
            env=ENV,
        )
        nbgrader_html = text_of(plain / "feedback" / "cai" / ASSIGNMENT / "toy.html")
        assert "the answer is not right yet" in nbgrader_html
        assert "6 * 7" in nbgrader_html  # nbgrader's own feedback gives the hidden test away

        assert cli.main(["feedback", ASSIGNMENT, "--course", str(course)]) == 0
        html = text_of(course / "feedback" / "cai" / ASSIGNMENT / "toy.html")
        assert "6 * 7" not in html and "HIDDEN TESTS" not in html
        assert "hidden tests ran here" in html
        assert "answer should be a positive number" in html  # the visible test stays
        assert "the answer is not right yet" in html  # and so does the failure message
        assert "answer = 41" in html  # and the student's own code
        assert re.search(r"Score:\s*2(\.0)?\s*/\s*4", html), "the score is not shown"
        assert cli.main(["feedback", ASSIGNMENT, "--course", str(course), "--student", "x"]) == 2
