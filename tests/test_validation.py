import math

import pandas as pd
import pytest

from socialmarketing import validation as v


def test_nonnegative_accepts_zero_and_returns_float():
    assert v.check_nonnegative("budget", 0) == 0.0
    assert isinstance(v.check_nonnegative("budget", 3), float)


@pytest.mark.parametrize("bad", [-5, -0.01])
def test_nonnegative_names_argument_and_value(bad):
    with pytest.raises(ValueError, match=rf"budget must be 0 or more, got {bad}"):
        v.check_nonnegative("budget", bad)


@pytest.mark.parametrize("bad", [math.nan, math.inf, "10", None, True])
def test_non_numbers_and_non_finite_are_rejected(bad):
    with pytest.raises(ValueError, match="budget must be a"):
        v.check_nonnegative("budget", bad)


def test_positive_rejects_zero():
    with pytest.raises(ValueError, match="cpc must be more than 0, got 0"):
        v.check_positive("cpc", 0)


def test_rate_hints_at_percent_mistake():
    with pytest.raises(
        ValueError, match=r"ctr must be between 0 and 1 \(write 5% as 0.05\), got 5"
    ):
        v.check_rate("ctr", 5)
    with pytest.raises(ValueError, match=r"ctr must be between 0 and 1, got -0.1"):
        v.check_rate("ctr", -0.1)
    assert v.check_rate("ctr", 1) == 1.0


def test_rates_name_the_bad_item():
    with pytest.raises(ValueError, match=r"rates\[2\] must be between 0 and 1"):
        v.check_rates("rates", [0.5, 0.2, 1.5])


def test_count_accepts_integral_floats_and_rejects_fractions():
    assert v.check_count("runs", 10.0, minimum=1) == 10
    with pytest.raises(ValueError, match=r"runs must be a whole number, got 2\.5"):
        v.check_count("runs", 2.5)
    with pytest.raises(ValueError, match="runs must be 1 or more, got 0"):
        v.check_count("runs", 0, minimum=1)


def test_choice_lists_options():
    with pytest.raises(ValueError, match="model must be one of 'first', 'last', got 'lst'"):
        v.check_choice("model", "lst", ["first", "last"])


def test_columns_names_table_and_missing_columns():
    frame = pd.DataFrame({"order_id": [1], "revenue": [9.5]})
    v.check_columns("orders", frame, ["order_id", "revenue"])
    with pytest.raises(
        ValueError,
        match=r"orders table is missing column 'order_time' \(it has: order_id, revenue\)",
    ):
        v.check_columns("orders", frame, ["order_id", "order_time"])
    with pytest.raises(ValueError, match="missing columns 'a', 'b'"):
        v.check_columns("orders", frame, ["a", "b"])


def test_check_table_returns_a_good_table_and_names_each_problem():
    frame = pd.DataFrame({"order_id": [1], "revenue": [9.5]})
    assert v.check_table("orders", frame, ["order_id"]) is frame
    with pytest.raises(ValueError, match=r"orders must be a pandas DataFrame \(load it with "):
        v.check_table("orders", [1, 2], ["order_id"])
    with pytest.raises(ValueError, match="order_time"):
        v.check_table("orders", frame, ["order_id", "order_time"])
    with pytest.raises(ValueError, match="orders table is empty"):
        v.check_table("orders", frame.iloc[0:0], ["order_id"])
