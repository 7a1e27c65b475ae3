"""Tests for the budget widget (socialmarketing.widgets.budget).

Each test moves a control the way a student would (``widget.controls[name].value = ...``) and
checks that ``widget.result`` is what costs.allocate_budget returns when called directly with the
controls' values, that the chart on show carries the new values, and that a value outside a
control's range is clamped by the widget, never passed on. One example is worked by hand.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmarketing import charts, costs
from socialmarketing.charts.budget import example_channels
from socialmarketing.widgets.budget import MAX_BUDGET, budget_widget

SETTINGS = settings(max_examples=50, deadline=None)
NAMES = example_channels()["channel"].tolist()


def chart_params(widget) -> dict[str, object]:
    """The parameter values of the chart on show."""
    return {param["name"]: param.get("value") for param in widget.spec["params"]}


def expected(budget: float, picked: list[str], objective: str) -> dict[str, pd.DataFrame]:
    """allocate_budget called directly for the channels picked, in their original order."""
    table = example_channels()
    rows = table[table["channel"].isin(picked)].reset_index(drop=True)
    return {
        method: costs.allocate_budget(budget, rows, objective, method=method)
        for method in ("optimal", "equal")
    }


def assert_result_is_the_model(widget) -> None:
    values = widget.values()
    want = expected(values["budget"], list(values["channels"]), values["objective"])
    for method in ("optimal", "equal"):
        pd.testing.assert_frame_equal(widget.result[method], want[method])


@pytest.fixture(scope="module", autouse=True)
def course_renderer():
    charts.setup()


@pytest.fixture(scope="module")
def ui():
    return budget_widget()


def test_widget_builds_and_matches_the_model(ui):
    assert list(ui.controls) == ["budget", "objective", "channels"]
    assert ui.controls["channels"].value == tuple(NAMES)
    alt.VConcatChart.validate(ui.spec)
    assert ui.chart.spec == ui.spec  # the chart on show draws the current spec
    assert_result_is_the_model(ui)
    assert chart_params(ui)["bud_budget"] == 50_000
    assert "Best split:</b> 712.0 conversions" in ui.summary.value
    assert "left out: KOL posts" in ui.summary.value


def test_budget_objective_and_channels_rerun_the_model():
    ui = budget_widget()
    ui.controls["budget"].value = 12_000.0
    assert_result_is_the_model(ui)
    assert chart_params(ui)["bud_budget"] == 12_000.0
    ui.controls["objective"].value = "profit"
    assert_result_is_the_model(ui)
    assert chart_params(ui)["bud_objective"] == "profit"
    ui.controls["channels"].value = ("microblog", "paid search")
    assert list(ui.result["optimal"]["channel"]) == ["paid search", "microblog"]
    assert_result_is_the_model(ui)
    # The chart on show is drawn for the two channels picked, with the controls' values.
    curves = ui.spec["vconcat"][0]["hconcat"][0]["layer"][0]["encoding"]["color"]
    assert curves["scale"]["domain"] == ["paid search", "microblog"]
    assert chart_params(ui)["bud_budget"] == 12_000.0
    assert chart_params(ui)["bud_objective"] == "profit"


def test_one_channel_gets_the_whole_budget_by_hand():
    # With e-mail alone (at most 150 conversions, saturation 2,000 yuan) the best split and the
    # equal split are the same: all 5,000 yuan, buying 150 x (1 - e^-2.5) = 137.69 conversions.
    ui = budget_widget(budget=5_000)
    ui.controls["channels"].value = ("e-mail",)
    for method in ("optimal", "equal"):
        (row,) = ui.result[method].itertuples()
        assert row.spend == pytest.approx(5_000)
        assert row.conversions == pytest.approx(150 * (1 - math.exp(-2.5)))
    assert "137.7 conversions" in ui.summary.value
    assert "(the best split buys 0.0% more)" in ui.summary.value


def test_profit_split_leaves_money_unspent_by_hand():
    # E-mail alone for profit: worth 60 yuan a conversion, its first yuan brings back
    # 60 x 150 / 2,000 = 4.5 yuan; spending stops where 4.5 exp(-x / 2,000) = 1, at
    # x = 2,000 ln 4.5 = 3,008.2 yuan, so 10,000 - 3,008.2 = 6,991.8 yuan stay unspent.
    ui = budget_widget(budget=10_000, objective="profit")
    ui.controls["channels"].value = ("e-mail",)
    spend = 2_000 * math.log(4.5)
    assert ui.result["optimal"]["spend"].iloc[0] == pytest.approx(spend)
    assert f"leaves {10_000 - spend:,.0f} yuan unspent" in ui.summary.value


def test_no_channel_picked_keeps_the_last_chart_and_asks_for_one():
    ui = budget_widget()
    ui.controls["budget"].value = 20_000.0
    before = ui.spec
    ui.controls["channels"].value = ()
    assert ui.result == {"optimal": None, "equal": None}
    assert "Pick at least one channel" in ui.summary.value
    assert ui.spec == before
    ui.controls["channels"].value = ("display",)
    assert_result_is_the_model(ui)


def test_widget_without_values_offers_no_profit_objective():
    channels = example_channels().drop(columns="value_per_conversion")
    ui = budget_widget(channels, budget=8_000)
    assert list(ui.controls) == ["budget", "channels"]
    ui.controls["budget"].value = 9_000.0
    pd.testing.assert_frame_equal(
        ui.result["optimal"], costs.allocate_budget(9_000.0, channels, "conversions")
    )
    assert chart_params(ui)["bud_objective"] == "conversions"


def test_widget_clamps_out_of_range_budgets(ui):
    ui.controls["budget"].value = -500.0
    assert ui.controls["budget"].value == 0.0
    assert_result_is_the_model(ui)
    assert ui.result["optimal"]["spend"].sum() == 0
    ui.controls["budget"].value = 1e12
    assert ui.controls["budget"].value == MAX_BUDGET
    assert_result_is_the_model(ui)


@SETTINGS
@given(
    budget=st.floats(-1e9, 1e9),
    objective=st.sampled_from(["conversions", "profit"]),
    # A few sets of channels: each new set builds a new chart (a tenth of a second or more).
    picked=st.sampled_from([NAMES, NAMES[:1], NAMES[1:4], NAMES[::2]]),
)
def test_any_typed_values_give_the_model_output_and_no_nan(ui, budget, objective, picked):
    ui.controls["budget"].value = budget
    ui.controls["objective"].value = objective
    ui.controls["channels"].value = tuple(picked)
    values = ui.values()
    assert 0 <= values["budget"] <= MAX_BUDGET
    assert_result_is_the_model(ui)
    for method in ("optimal", "equal"):
        table = ui.result[method]
        assert not table.isna().any().any()
        assert (table["spend"] >= 0).all()
        assert (table["conversions"] >= 0).all()
        assert table["spend"].sum() <= values["budget"] * (1 + 1e-9) + 1e-9
    # The best split is never worse than the equal split on its own objective.
    column = "profit" if objective == "profit" else "conversions"
    best, equal = ui.result["optimal"][column].sum(), ui.result["equal"][column].sum()
    assert best >= equal - 1e-6 * max(1.0, abs(equal))
    assert chart_params(ui)["bud_budget"] == values["budget"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"budget": -5}, "budget must be 0 or more, got -5"),
        ({"budget": 2e8}, "budget must be at most 100,000,000 yuan"),
        ({"objective": "reach"}, "objective must be one of 'conversions', 'profit'"),
        ({"channels": example_channels().assign(min_spend=10.0)}, "drop the column 'min_spend'"),
        (
            {
                "channels": example_channels().drop(columns="value_per_conversion"),
                "objective": "profit",
            },
            "missing column 'value_per_conversion'",
        ),
    ],
)
def test_widget_rejects_bad_starting_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        budget_widget(**kwargs)
