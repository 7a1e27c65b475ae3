"""Item analysis on hand-worked numbers, and the report written from a graded course."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from toy_course import ASSIGNMENT, SOLUTION, temporary_course

from socialmarketing import cli
from socialmarketing.grading import report, run


def test_item_analysis_on_a_hand_example():
    # Four students, two parts worth 2 and 1 points.
    scores = pd.DataFrame({"a": [2, 2, 0, 0], "b": [1, 0, 1, 0]}, index=list("wxyz"))
    table = report.item_analysis(scores, pd.Series({"a": 2.0, "b": 1.0}))
    assert table.loc["a", "mean_score"] == 1.0
    assert table.loc["a", "difficulty"] == 0.5
    assert table.loc["b", "difficulty"] == 0.5
    # a against the rest of the total (= b): (2,2,0,0) vs (1,0,1,0): deviations (1,1,-1,-1)
    # and (.5,-.5,.5,-.5) have a zero sum of products -> correlation 0.
    assert table.loc["a", "discrimination"] == pytest.approx(0.0, abs=1e-12)


def test_discrimination_is_the_correlation_with_the_rest_of_the_total():
    # Part c agrees with the others (strong students get it); part d is the reverse.
    scores = pd.DataFrame(
        {"c": [1, 1, 1, 0, 0], "d": [0, 0, 1, 1, 1], "e": [3, 3, 2, 1, 0]}, index=list("vwxyz")
    )
    table = report.item_analysis(scores, pd.Series({"c": 1.0, "d": 1.0, "e": 3.0}))
    rest_c = [3, 3, 3, 2, 1]  # d + e by hand
    c = [1, 1, 1, 0, 0]
    mean_c, mean_r = sum(c) / 5, sum(rest_c) / 5
    cov = sum((x - mean_c) * (y - mean_r) for x, y in zip(c, rest_c, strict=True))
    var_c = sum((x - mean_c) ** 2 for x in c)
    var_r = sum((y - mean_r) ** 2 for y in rest_c)
    assert table.loc["c", "discrimination"] == pytest.approx(cov / math.sqrt(var_c * var_r))
    assert table.loc["d", "discrimination"] < 0


def test_a_part_everyone_got_right_has_no_discrimination_and_bad_input_is_named():
    scores = pd.DataFrame({"a": [1, 1, 1], "b": [0, 1, 2]})
    table = report.item_analysis(scores, pd.Series({"a": 1.0, "b": 2.0}))
    assert table.loc["a", "difficulty"] == 1.0 and math.isnan(table.loc["a", "discrimination"])
    with pytest.raises(ValueError, match="no entry for the part"):
        report.item_analysis(scores, pd.Series({"a": 1.0}))
    with pytest.raises(ValueError, match="more than 0 points"):
        report.item_analysis(scores, pd.Series({"a": 1.0, "b": 0.0}))


def test_grade_export_has_one_row_per_student_and_marks_ungraded_answers_provisional():
    # s2's part a (a written answer, say) is not graded yet: left empty, not exported as 0.
    scores = pd.DataFrame({"a": [2.0, None], "b": [1.0, 0.5]}, index=["s1", "s2"])
    export = report.grade_export(scores, pd.Series({"a": 2.0, "b": 1.0}), "hw1")
    assert list(export.columns) == [
        "student_id", "assignment", "score", "max_score", "percent", "provisional", "a", "b",
    ]  # fmt: skip
    assert export["score"].tolist() == [3.0, 0.5]
    assert export["percent"].tolist() == [100.0, round(100 * 0.5 / 3, 1)]
    assert export["provisional"].tolist() == ["no", "yes"]
    assert export["a"].isna().tolist() == [False, True]


@pytest.mark.slow
def test_report_command_writes_an_offline_page_and_a_csv_from_the_gradebook():
    cai = {**SOLUTION, "answer_cell": "answer = 41"}
    students = {"ada": SOLUTION, "ben": {}, "cai": cai}
    with temporary_course("sm-report-", students) as course:
        broken = course / "submitted" / "dan" / ASSIGNMENT
        broken.mkdir(parents=True)
        (broken / "notes.txt").write_text("my notebook is missing")
        run.grade_assignment(ASSIGNMENT, course, workers=3)
        assert cli.main(["report", ASSIGNMENT, "--course", str(course)]) == 0
        folder = course / "reports" / ASSIGNMENT
        grades = pd.read_csv(folder / "grades.csv")
        assert grades.set_index("student_id")["score"].to_dict() == {
            "ada": 4.0, "ben": 0.0, "cai": 2.0,
        }  # fmt: skip
        page = (folder / "item-analysis.html").read_text(encoding="utf-8")
        assert "test_answer" in page and "test_second" in page
        # cai failed the hidden test: its message is the most common failure of test_answer
        assert "AssertionError: the answer is not right yet (1×)" in page
        assert "data-socialmarketing-chart" in page
        assert "Every answer is graded: the totals are final." in page
        assert "1 submission could not be graded" in page
        assert (
            "the notebook toy.ipynb is missing (it has no notebook); was it renamed?: dan" in page
        )
        assert grades["provisional"].tolist() == ["no", "no", "no"]
        assert "https://" not in page.split("<main>")[1].split("<script>")[0]
        assert "cdn.jsdelivr" not in page
        assert cli.main(["report", "nope", "--course", str(course)]) == 2
