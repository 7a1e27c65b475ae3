"""socialmarketing.grading.verdicts: answers rebuilt from data, compared in the grader's process.

The comparators are checked against hand-made cases; the autograde step runs on small notebooks
made here (cells with handed-in answers and whatever else a student's kernel printed), with an
answer key written to a temporary course folder. The whole path through nbgrader and the real
assignments is in tests/test_exercises.py and tests/test_grading_cheating.py.
"""

from __future__ import annotations

import json
import math

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from socialmarketing.answers import MIME_TYPE, encode
from socialmarketing.data import data_fingerprint, find_data_dir
from socialmarketing.grading import verdicts
from socialmarketing.grading.verdicts import Labelled, Number, Text, VerifyAnswers, decode

# --- decode ---------------------------------------------------------------------------------


def test_decode_rebuilds_series_frames_and_numbers_with_text_labels():
    series = decode(encode(pd.Series([1.5, 2.0], index=[3, 4])))
    assert list(series.index) == ["3", "4"] and list(series) == [1.5, 2.0]
    frame = decode(encode(pd.DataFrame({"a": [1.0]}, index=["x"])))
    assert frame.loc["x", "a"] == 1.0
    assert decode(encode(0.25)) == 0.25
    assert math.isnan(decode({"kind": "number", "value": "nan"}))
    assert decode({"kind": "unsupported", "type": "Liar"}) == {
        "kind": "unsupported",
        "type": "Liar",
    }


# --- comparators ----------------------------------------------------------------------------


def test_a_number_within_the_stated_precision_is_right_and_outside_it_wrong():
    rule = Number(rtol=1e-3)
    assert rule.compare(1.0009, 1.0).right
    assert not rule.compare(1.0011, 1.0).right
    assert rule.compare([2.0], 2.0).right  # a one-element list is one number
    assert Number(rtol=0, atol=0.01).compare(0.005, 0.0).right


@pytest.mark.parametrize(
    ("answer", "expected", "words"),
    [
        (25.0, 0.25, "100 times too large"),
        (0.0025, 0.25, "100 times too small"),
        (-0.25, 0.25, "wrong sign"),
        (4.0, 0.25, "inverted"),
        (0.3, 0.25, "not right yet"),
    ],
)
def test_a_wrong_number_is_explained_in_words_without_the_expected_value(answer, expected, words):
    verdict = Number().compare(answer, expected)
    assert not verdict.right and words in verdict.message
    assert "0.25" not in verdict.message


def test_wrong_types_are_named_in_plain_words():
    assert "one number, but it is text" in Number().compare("0.5", 0.5).message
    assert "a pandas Series indexed by channel, but it is a number" in (
        Labelled("channel").compare(3.0, pd.Series({"a": 1.0})).message
    )
    assert Text().compare(" KOL posts ", "kol posts").right


def test_labelled_answers_name_missing_extra_and_wrong_labels_only():
    expected = pd.Series({"news": 0.1, "giveaway": 0.2, "club_event": 0.3})
    rule = Labelled("post type")
    assert rule.compare(expected.iloc[::-1].copy(), expected).right  # any order
    lacking = rule.compare(expected.drop("news"), expected).message
    assert "lacks the post type 'news'" in lacking
    extra = rule.compare(pd.concat([expected, pd.Series({"promo": 1.0})]), expected).message
    assert "unexpected labels 'promo'" in extra
    off = expected.copy()
    off["giveaway"] = 0.25
    message = rule.compare(off, expected).message
    assert "1 of 3 values are not right yet ('giveaway')" in message and "0.2" not in message
    assert "every value is off" in rule.compare(expected * 100, expected).message
    one_column = expected.to_frame("share")
    assert rule.compare(one_column, expected).right


# --- the autograde step ---------------------------------------------------------------------

KEY = """
from socialmarketing.grading.verdicts import Number, Part

PARTS = {
    "campaign_count": Part(lambda t, a: float(len(t["campaigns"])), Number()),
    "double_count": Part(lambda t, a: 2 * a.own("campaign_count"), Number()),
}
"""


def graded_cell(grade_id: str, outputs: list) -> nbformat.NotebookNode:
    cell = new_code_cell("check(...)")
    cell.metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "grade_id": grade_id,
        "points": 1,
    }
    cell.outputs = outputs
    return cell


def answer(name: str, value, fingerprint=None) -> nbformat.NotebookNode:
    payload = {"answers": {name: encode(value)}, "data": fingerprint}
    return new_output("display_data", data={MIME_TYPE: payload, "text/plain": "(handed in)"})


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.delenv("SOCIALMARKETING_DATA", raising=False)
    (tmp_path / "answer_key").mkdir()
    (tmp_path / "answer_key" / "__init__.py").write_text("")
    (tmp_path / "answer_key" / "toy.py").write_text(KEY)
    (tmp_path / "autograded" / "ada" / "toy").mkdir(parents=True)
    monkeypatch.setattr(verdicts, "_KEYS", {})
    import sys

    for name in [n for n in sys.modules if n.startswith("answer_key")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def verify(course, cells):
    notebook = new_notebook(cells=cells)
    resources = {
        "metadata": {"path": str(course / "autograded" / "ada" / "toy")},
        "nbgrader": {"assignment": "toy"},
    }
    step = VerifyAnswers(course_folder=str(course))
    step.enabled = True
    notebook, _ = step.preprocess(notebook, resources)
    return notebook.cells


def errors(cell) -> list[str]:
    return [o["evalue"] for o in cell.outputs if o["output_type"] == "error"]


def test_a_right_answer_passes_whatever_else_the_kernel_printed(course):
    count = len(pd.read_csv(find_data_dir() / "campaigns.csv"))
    lying_error = new_output("error", ename="AssertionError", evalue="check failed", traceback=[])
    partial_credit = new_output("execute_result", data={"text/plain": "0.5"}, execution_count=1)
    stderr = new_output("stream", name="stderr", text="warning\n")
    (cell,) = verify(
        course,
        [
            graded_cell(
                "campaign_count",
                [answer("campaign_count", count), lying_error, partial_credit, stderr],
            )
        ],
    )
    assert errors(cell) == []
    # nbgrader scores a cell by its errors, stderr and numeric results: none is left, the
    # student's own messages stay as plain printed text for the feedback.
    kinds = {(o["output_type"], o.get("name")) for o in cell.outputs}
    assert kinds == {("stream", "stdout")}
    assert "check failed" in "".join(o["text"] for o in cell.outputs)


def test_a_wrong_or_missing_answer_gets_one_error_in_words(course):
    cells = verify(
        course,
        [
            graded_cell("campaign_count", [answer("campaign_count", 99.0)]),
            graded_cell("double_count", []),
        ],
    )
    assert errors(cells[0]) == ["`campaign_count` is not right yet"]
    assert errors(cells[1])[0].startswith("`double_count` was not handed in")


def test_a_later_part_is_marked_against_the_students_own_earlier_answer(course):
    cells = verify(
        course,
        [
            graded_cell("campaign_count", [answer("campaign_count", 99.0)]),
            graded_cell("double_count", [answer("double_count", 198.0)]),
        ],
    )
    assert errors(cells[0]) and errors(cells[1]) == []  # one mistake costs once


def test_two_different_answers_for_one_name_count_as_wrong(course):
    count = float(len(pd.read_csv(find_data_dir() / "campaigns.csv")))
    (cell,) = verify(
        course,
        [
            graded_cell(
                "campaign_count", [answer("campaign_count", count), answer("campaign_count", 1.0)]
            )
        ],
    )
    assert errors(cell), "a second, forged answer output must not be taken"


def test_data_other_than_the_graders_is_pointed_out(course):
    count = float(len(pd.read_csv(find_data_dir() / "campaigns.csv")))
    (cell,) = verify(
        course,
        [
            graded_cell(
                "campaign_count", [answer("campaign_count", count, fingerprint="0123456789ab")]
            )
        ],
    )
    text = "".join(o.get("text", "") for o in cell.outputs)
    assert "0123456789ab" in text and data_fingerprint(find_data_dir()) in text


def test_an_assignment_without_an_answer_key_is_left_to_nbgrader(course):
    notebook = new_notebook(
        cells=[graded_cell("x", [new_output("error", ename="E", evalue="v", traceback=[])])]
    )
    resources = {"metadata": {"path": str(course)}, "nbgrader": {"assignment": "other"}}
    step = VerifyAnswers(course_folder=str(course))
    result, _ = step.preprocess(notebook, resources)
    assert result.cells[0].outputs[0]["output_type"] == "error"


def test_the_answer_key_loads_before_execute_and_verdicts_follow_it():
    from nbgrader.preprocessors import Execute

    from socialmarketing.grading.execute import LimitedExecute

    steps = verdicts.autograde_steps()
    at = steps.index(Execute)
    assert steps[at - 1] is verdicts.LoadAnswerKey and steps[at + 1] is VerifyAnswers
    ours = verdicts.autograde_steps(execute=LimitedExecute)
    assert ours[ours.index(LimitedExecute) + 1] is VerifyAnswers and Execute not in ours


def test_grading_on_other_data_than_the_release_is_pointed_out(course):
    folder = course / "source" / "toy"
    folder.mkdir(parents=True)
    step = verdicts.RecordReleasedData()
    step.preprocess(
        new_notebook(), {"metadata": {"path": str(folder)}, "nbgrader": {"assignment": "toy"}}
    )
    recorded = json.loads((course / verdicts.RELEASED_DATA).read_text())
    assert recorded == {"toy": data_fingerprint(find_data_dir())}
    (course / verdicts.RELEASED_DATA).write_text(json.dumps({"toy": "0123456789ab"}))
    count = float(len(pd.read_csv(find_data_dir() / "campaigns.csv")))
    (cell,) = verify(course, [graded_cell("campaign_count", [answer("campaign_count", count)])])
    text = "".join(o.get("text", "") for o in cell.outputs)
    assert "was released with sample data 0123456789ab" in text and errors(cell) == []


def test_an_earlier_answer_the_computation_cannot_take_falls_back_to_the_reference(course):
    count = float(len(pd.read_csv(find_data_dir() / "campaigns.csv")))
    import math

    right = math.log(1000 - count)
    cells = verify(
        course,
        [
            graded_cell("campaign_count", [answer("campaign_count", 5000.0)]),
            graded_cell("log_count", [answer("log_count", right)]),
        ],
    )
    assert errors(cells[0]) and errors(cells[1]) == []  # graded, not crashed


def test_links_left_in_the_notebook_folder_are_removed_before_nbgrader_writes(course, tmp_path):
    folder = course / "autograded" / "ada" / "toy"
    target = tmp_path / "gradebook.db"
    target.write_text("the grader's")
    (folder / "toy.ipynb").symlink_to(target)
    verify(course, [graded_cell("campaign_count", [])])
    assert not (folder / "toy.ipynb").exists() and target.read_text() == "the grader's"
