"""The self-check machinery (socialmarketing.selfcheck): registry, check(), expect helpers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmarketing import selfcheck
from socialmarketing.selfcheck import (
    CheckFailed,
    check,
    expect,
    expect_close,
    expect_columns,
    expect_frame,
    expect_number,
    expect_series,
    grade_ids,
    register,
)


@pytest.fixture
def registry(monkeypatch):
    """A private copy of the registry, so test checks do not leak into the course's."""
    selfcheck.grade_ids()  # load the assignment modules first
    monkeypatch.setattr(selfcheck, "_CHECKS", dict(selfcheck._CHECKS))
    return selfcheck._CHECKS


def test_check_failed_is_an_assertion_error_so_nbgrader_fails_the_cell():
    assert issubclass(CheckFailed, AssertionError)


def test_registered_check_runs_and_confirms(registry, capsys):
    seen = []

    @register("toy_part")
    def toy(answer):
        seen.append(answer)
        expect(answer == 42, "toy_part should be 42")

    check("toy_part", 42)
    assert seen == [42]
    assert capsys.readouterr().out.strip() == (
        "toy_part: passed the self-check. The values are checked when it is graded."
    )
    with pytest.raises(CheckFailed, match="toy_part should be 42"):
        check("toy_part", 41)
    assert "toy_part" in grade_ids()


def test_registering_the_same_function_twice_is_fine_but_two_functions_are_not(registry):
    def first(answer):
        return None

    register("twice")(first)
    register("twice")(first)
    with pytest.raises(ValueError, match="two self-checks are registered for grade id 'twice'"):
        register("twice")(lambda answer: None)


def test_unknown_grade_id_suggests_a_close_one(registry):
    register("toy_zq_unusual_part")(lambda answer: None)
    with pytest.raises(KeyError, match="no self-check called 'zq_unusual_part'"):
        check("zq_unusual_part", 1)
    with pytest.raises(KeyError, match="Did you mean 'toy_zq_unusual_part'"):
        check("zq_unusual_part", 1)
    with pytest.raises(KeyError, match=r"no self-check called 'zzz'\.\"$"):
        check("zzz", 1)


def test_an_ellipsis_answer_is_caught_before_the_check_runs(registry):
    calls = []
    register("unanswered")(calls.append)
    with pytest.raises(CheckFailed, match=r"the answer is still `\.\.\.`.*NotImplementedError"):
        check("unanswered", ...)
    assert calls == []


def test_grade_ids_are_sorted_and_include_every_assignment_module():
    ids = grade_ids()
    assert ids == sorted(ids)
    assert "cpa_by_channel" in ids  # assignment 01


#: Parts with two answers, checked together under one grade id, and their answers.
PARTS_WITH_TWO_ANSWERS = {
    "paid_search_roas_and_next_week": ("paid_search_roas", "paid_search_next_week"),
    "margin_and_clv_by_club": ("margin_per_active_week", "clv_by_club"),
    "optimal_spend_and_extra_conversions": (
        "optimal_spend_by_channel",
        "extra_conversions_from_optimal",
    ),
}


@pytest.mark.parametrize(("grade_id", "names"), PARTS_WITH_TWO_ANSWERS.items())
def test_a_part_with_two_answers_has_one_check_that_takes_them_as_a_pair(grade_id, names):
    ids = grade_ids()
    assert grade_id in ids
    assert not set(names) & set(ids), "the answers of a merged part have no check of their own"
    with pytest.raises(CheckFailed, match=f"checks 2 answers together \\({', '.join(names)}\\)"):
        check(grade_id, 1.0)
    with pytest.raises(CheckFailed, match=f"^{names[0]}: the answer is still"):
        check(grade_id, (..., ...))


def test_expect_raises_only_when_the_condition_fails():
    expect(True, "never shown")
    with pytest.raises(CheckFailed, match=r"^shown$"):
        expect(False, "shown")


def test_expect_number_accepts_numbers_and_numpy_scalars():
    assert expect_number(3, "x") == 3.0
    assert expect_number(np.float64(0.25), "x", low=0, high=1) == 0.25
    assert expect_number(np.int64(7), "x", whole=True) == 7.0


@pytest.mark.parametrize(
    ("answer", "kwargs", "message"),
    [
        (pd.Series([1.0, 2.0]), {}, "single number, but it is a pandas Series with 2 rows"),
        (pd.DataFrame({"a": [1]}), {}, "single number, but it is a pandas DataFrame"),
        ("0.3", {}, "should be a number, but it is a str"),
        (True, {}, "should be a number, but it is a bool"),
        ([0.3], {}, "should be a number, but it is a list"),
        (math.nan, {}, "finite number, got nan"),
        (math.inf, {}, "finite number, got inf"),
        (2.5, {"whole": True}, "whole number \\(a count\\), got 2.5"),
        (-1, {"low": 0}, "at least 0, got -1"),
        (101, {"high": 100}, "at most 100, got 101"),
    ],
)
def test_expect_number_explains_what_is_wrong(answer, kwargs, message):
    with pytest.raises(CheckFailed, match=message):
        expect_number(answer, "x", **kwargs)


def test_expect_close_compares_with_a_hand_computed_value():
    expect_close(0.1 + 0.2, 0.3, "total")
    with pytest.raises(CheckFailed, match=r"total should be 0\.3 for this example, got 0\.31"):
        expect_close(0.31, 0.3, "total")
    expect_close(0.31, 0.3, "total", rel=0.05)


def test_expect_series_accepts_labels_in_any_order_and_of_any_text_type():
    answer = pd.Series([0.2, 0.1], index=pd.CategoricalIndex(["b", "a"]))
    assert expect_series(answer, "s", index=["a", "b"], low=0, high=1) is answer


@pytest.mark.parametrize(
    ("answer", "kwargs", "message"),
    [
        (pd.DataFrame({"ctr": [0.1]}), {}, "one column \\('ctr'\\). Select that column"),
        (pd.DataFrame({"a": [1], "b": [2]}), {}, "pandas Series, but it is a DataFrame"),
        ({"a": 1}, {}, "should be a pandas Series, but it is a dict"),
        (pd.Series([1, 2], index=["a", "c"]), {"index": ["a", "b"]}, "missing: b; unexpected: c"),
        (pd.Series([1, 2], index=["a", "a"]), {"index": ["a"]}, "repeated index labels"),
        (pd.Series([1.0, np.nan], index=["a", "b"]), {}, "missing or non-numeric values at \\['b'"),
        (pd.Series(["x", "1"], index=["a", "b"]), {}, "non-numeric values at \\['a'\\]"),
        (pd.Series([1.0, np.inf]), {}, "infinite values"),
        (pd.Series([-0.5, 0.5]), {"low": 0}, "every value of s should be at least 0"),
        (pd.Series([0.5, 50.0]), {"high": 1}, "every value of s should be at most 1"),
    ],
)
def test_expect_series_explains_what_is_wrong(answer, kwargs, message):
    with pytest.raises(CheckFailed, match=message):
        expect_series(answer, "s", **kwargs)


def test_expect_columns_and_frame():
    frame = pd.DataFrame({"spend": [1.0, 2.0], "clicks": [3, 4]})
    assert expect_frame(frame, "f", ["spend"], rows=2) is frame
    with pytest.raises(CheckFailed, match="missing the column\\(s\\) 'orders'; it has 'spend'"):
        expect_columns(frame, "f", ["spend", "orders"])
    with pytest.raises(CheckFailed, match="should be a pandas DataFrame, but it is a Series"):
        expect_columns(frame["spend"], "f", ["spend"])
    with pytest.raises(CheckFailed, match="f should have 3 rows, it has 2"):
        expect_frame(frame, "f", ["spend"], rows=3)


@settings(max_examples=100, deadline=None)
@given(
    st.floats(-1e9, 1e9, allow_nan=False),
    st.floats(-1e9, 1e9, allow_nan=False),
    st.floats(-1e9, 1e9, allow_nan=False),
)
def test_expect_number_passes_exactly_the_values_inside_the_bounds(value, low, high):
    low, high = min(low, high), max(low, high)
    if low <= value <= high:
        assert expect_number(value, "x", low=low, high=high) == value
    else:
        with pytest.raises(CheckFailed, match=r"x should be at (least|most)"):
            expect_number(value, "x", low=low, high=high)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=8))
def test_expect_series_of_shares_passes_and_percentages_fail(values):
    labels = [f"c{i}" for i in range(len(values))]
    shares = pd.Series(values, index=labels)
    expect_series(shares, "s", index=labels, low=0, high=1)
    if max(values) > 0.011:
        with pytest.raises(CheckFailed, match="at most 1"):
            expect_series(shares * 100, "s", index=labels, low=0, high=1)


@pytest.mark.parametrize(
    ("answer", "noted"),
    [
        (0.14, True),  # two significant figures: outside the 0.1 % the exercises accept
        (0.1437, False),
        (0.14372981, False),
        (12.0, False),  # a whole number is never "rounded"
        (pd.Series({"a": 0.123456, "b": 0.2}), True),
        ((0.123456, 4.5), True),
        ("text", False),
    ],
)
def test_a_coarsely_rounded_number_gets_a_note(answer, noted):
    assert (selfcheck._coarsely_rounded(answer) is not None) is noted


def test_an_answer_no_check_foresaw_is_explained_in_words(monkeypatch):
    def picky(answer):  # a check that trips over an odd type, as a one-element array would
        float(answer["x"])

    monkeypatch.setitem(selfcheck._CHECKS, "odd_part", picky)
    with pytest.raises(selfcheck.CheckFailed, match=r"could not read this answer .*one number"):
        selfcheck.check("odd_part", [1])
