"""Tests for the budget allocation chart (socialmarketing.charts.budget).

The chart splits a budget in the browser, from its slider and drop-down, with a second copy of
the formulas of socialmarketing.costs.allocate_budget (a closed form instead of the model's
bisection). As in tests/test_charts.py, the tests render the chart with vl-convert (the Vega
engine a browser runs) for several inputs, read back the numbers Vega computed and compare them
with the Python model to within 1e-6. Independent checks: a two-channel split worked by hand, and
scipy's optimiser, which must not find a better split than the chart's.

How the numbers are read: a probe adds a calculated text field to one view (the wanted fields
joined by a separator; JavaScript's number-to-text keeps full precision), uses it as each mark's
``description``, and reads the descriptions from vl-convert's scenegraph.
"""

from __future__ import annotations

import json
import math
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pytest
from chart_probe import ChartProbe, find_view, params_by_name
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from socialmarketing import costs
from socialmarketing.charts import with_values
from socialmarketing.charts.budget import (
    BUDGET_PARAMS,
    MAX_CHANNELS,
    budget_allocation_chart,
    example_channels,
)

SETTINGS = settings(max_examples=50, deadline=None)
METHODS = ("optimal", "equal")
MODEL_COLUMNS = (
    "spend",
    "conversions",
    "conversions_per_yuan",
    "marginal_conversions_per_yuan",
    "value",
    "profit",
)
ROW_FIELDS = ["channel"] + [f"{m}_{c}" for m in METHODS for c in MODEL_COLUMNS]


# ---------------------------------------------------------------------------------------------
# Reading the numbers Vega computes
# ---------------------------------------------------------------------------------------------


def close(browser: float | str, model: float, scale: float = 1.0) -> bool:
    """Equal to within 1e-6 relative, or 1e-9 of ``scale`` (the size of the numbers around).

    The model finds the best split by bisection and the chart by a closed form: both are exact
    to rounding, but a channel on the edge of being funded may get 1e-12 yuan in one and 0 in
    the other, hence the absolute tolerance relative to the budget.
    """
    if isinstance(browser, str):
        return False
    if math.isinf(model) or math.isinf(browser):
        return browser == model
    return math.isclose(browser, model, rel_tol=1e-6, abs_tol=1e-9 * max(1.0, scale))


SUMMARY_FIELDS = [
    "line",
    "optimal_spend",
    "optimal_conversions",
    "optimal_profit",
    "equal_spend",
    "equal_conversions",
    "equal_profit",
    "next_return",
    "text",
]


def budget_probe(spec: dict, drawing: bool = True) -> ChartProbe:
    """Probe the table and the summary, and (with ``drawing``) the curves, markers and bars.

    Without ``drawing`` the probe keeps only the table and summary views of the spec (with all
    its parameters), which renders several times faster: for the many-example tests.
    """
    probes = {
        "table": ("budget_table", 0, [*ROW_FIELDS, "optimal_next", "equal_next"]),
        "summary": ("budget_summary", None, SUMMARY_FIELDS),
    }
    if drawing:
        probes |= {
            "bars": ("budget_split", 0, ["channel", "field", "spend"]),
            "curves": ("budget_curves", 0, ["channel", "spend", "conversions"]),
            "points": ("budget_curves", 1, ["channel", "field", "spend", "conversions"]),
        }
    else:
        spec = {**spec, "vconcat": spec["vconcat"][1:]}  # drop the curves and bars
    return ChartProbe(spec, probes)


def check_agrees(
    probe: ChartProbe,
    channels: pd.DataFrame,
    budget: float,
    objective: str,
    curve_max: float,
) -> dict[str, list[dict[str, Any]]]:
    """The browser's numbers equal allocate_budget's and response_conversions' for these inputs."""
    seen = probe.read({"bud_budget": budget, "bud_objective": objective})
    model = {
        method: costs.allocate_budget(budget, channels, objective, method=method).set_index(
            "channel"
        )
        for method in METHODS
    }
    names = channels["channel"].tolist()
    has_value = "value_per_conversion" in channels
    worth = channels.set_index("channel")["value_per_conversion"] if has_value else None
    scale = budget + float(channels["saturation"].sum()) + float(channels["max_conversions"].sum())

    table = seen["table"]
    assert sorted(row["channel"] for row in table) == sorted(names)
    for row in table:
        for method in METHODS:
            expected = model[method].loc[row["channel"]]
            for column in MODEL_COLUMNS:
                if column in ("value", "profit") and not has_value:
                    continue
                assert close(row[f"{method}_{column}"], expected[column], scale), (
                    method,
                    column,
                    row,
                    expected[column],
                )
            marginal = expected["marginal_conversions_per_yuan"]
            next_expected = (
                worth[row["channel"]] * marginal if objective == "profit" else 1000 * marginal
            )
            assert close(row[f"{method}_next"], next_expected, scale), (method, row)

    if "bars" in seen:
        check_drawing(seen, channels, budget, model, curve_max, scale)

    summary = seen["summary"]
    assert len(summary) == 4
    totals = summary[0]
    for method in METHODS:
        assert close(totals[f"{method}_spend"], model[method]["spend"].sum(), scale)
        assert close(totals[f"{method}_conversions"], model[method]["conversions"].sum(), scale)
        if has_value:
            assert close(totals[f"{method}_profit"], model[method]["profit"].sum(), scale)
    # The common return of the next yuan: every funded channel's (strictly inside, not on the
    # edge of being funded) value of its next yuan.
    best = model["optimal"]
    funded = best["spend"] > 1e-6 * max(1.0, budget)
    if funded.any():
        weight = worth[best.index] if objective == "profit" else pd.Series(1.0, index=best.index)
        returns = (weight * best["marginal_conversions_per_yuan"])[funded]
        for value in returns:
            assert math.isclose(totals["next_return"], value, rel_tol=1e-6), (totals, returns)
    return seen


def check_drawing(
    seen: dict[str, list[dict[str, Any]]],
    channels: pd.DataFrame,
    budget: float,
    model: dict[str, pd.DataFrame],
    curve_max: float,
    scale: float,
) -> None:
    """The bars, the markers and the response curves show the model's numbers."""
    names = channels["channel"].tolist()
    assert len(seen["bars"]) == 2 * len(names)
    for row in seen["bars"]:
        method = row["field"].removesuffix("_spend")
        assert close(row["spend"], model[method].loc[row["channel"], "spend"], scale), row
    assert len(seen["points"]) == 2 * len(names)
    for row in seen["points"]:
        expected = model[row["field"].removesuffix("_spend")].loc[row["channel"]]
        assert close(row["spend"], expected["spend"], scale), row
        assert close(row["conversions"], expected["conversions"], scale), row

    # Each curve runs from 0 to the larger of the slider's end and the budget.
    by_channel = channels.set_index("channel")
    extent = max(curve_max, budget)
    assert len(seen["curves"]) == 41 * len(names)
    for row in seen["curves"]:
        assert -1e-9 <= row["spend"] <= extent * (1 + 1e-12)
        expected = costs.response_conversions(
            row["spend"],
            by_channel.loc[row["channel"], "max_conversions"],
            by_channel.loc[row["channel"], "saturation"],
        )
        assert close(row["conversions"], expected, scale), row
    assert max(row["spend"] for row in seen["curves"]) == pytest.approx(extent)


# ---------------------------------------------------------------------------------------------
# Structure: title, description, inputs
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_spec() -> dict:
    return budget_allocation_chart().to_dict()


@pytest.fixture(scope="module")
def default_probe(default_spec) -> ChartProbe:
    return budget_probe(default_spec, drawing=False)


def test_chart_has_title_description_and_labelled_inputs(default_spec):
    spec = default_spec
    alt.VConcatChart.validate(spec)
    assert spec["title"]["text"].strip()
    assert len(spec["description"]) > 40
    assert "50,000 yuan" in spec["description"]
    params = params_by_name(spec)
    assert set(BUDGET_PARAMS.values()) <= set(params)
    slider = params["bud_budget"]
    assert slider["bind"]["input"] == "range"
    assert slider["bind"]["name"].strip()
    assert slider["bind"]["min"] == 0 <= slider["value"] <= slider["bind"]["max"]
    assert slider["value"] == 50_000
    dropdown = params["bud_objective"]
    assert dropdown["bind"]["input"] == "select"
    assert dropdown["bind"]["options"] == ["conversions", "profit"]
    assert dropdown["bind"]["name"].strip()
    assert "bind" not in params["bud_curve_max"]
    assert len(json.dumps(spec)) < 100_000, "keep each chart's inline data under ~100 KB"


def test_chart_offers_no_profit_objective_without_a_value_per_conversion():
    channels = example_channels().drop(columns="value_per_conversion")
    params = params_by_name(budget_allocation_chart(channels, 10_000).to_dict())
    assert "bind" in params["bud_budget"]
    assert "bind" not in params["bud_objective"]
    assert params["bud_objective"]["value"] == "conversions"


def test_chart_without_sliders_has_fixed_values():
    spec = budget_allocation_chart(budget=30_000, objective="profit", sliders=False).to_dict()
    params = params_by_name(spec)
    assert not any("bind" in param for param in params.values())
    assert params["bud_budget"]["value"] == 30_000
    assert params["bud_objective"]["value"] == "profit"


def test_channels_are_drawn_in_the_given_order_without_relying_on_colour_alone(default_spec):
    curves = find_view(default_spec, "budget_curves")["layer"][0]["encoding"]
    names = example_channels()["channel"].tolist()
    assert curves["color"]["scale"]["domain"] == names
    assert curves["strokeDash"]["scale"]["domain"] == names  # a dash pattern per channel
    dashes = curves["strokeDash"]["scale"]["range"]
    assert len({json.dumps(d) for d in dashes}) == len(names)


# ---------------------------------------------------------------------------------------------
# Numbers: worked by hand, the model, and scipy
# ---------------------------------------------------------------------------------------------

TWO_CHANNELS = pd.DataFrame(
    {
        "channel": ["A", "B"],
        "max_conversions": [100.0, 50.0],
        "saturation": [1_000.0, 1_000.0],
        "value_per_conversion": [30.0, 30.0],
    }
)


def test_two_channel_split_worked_by_hand():
    # A's first yuan buys 100 / 1,000 = 0.1 conversions, B's 50 / 1,000 = 0.05. Both curves have
    # the same saturation s = 1,000, so at the best split A's next yuan, 0.1 exp(-x_A / s), equals
    # B's, 0.05 exp(-x_B / s): x_A - x_B = s ln 2 = 693.15 yuan. B gets money only once the
    # budget passes 693.15 yuan; with 2,000 yuan, x_A = (2,000 + 693.15) / 2 = 1,346.57.
    spec = budget_allocation_chart(TWO_CHANNELS, 2_000, max_budget=3_000).to_dict()
    probe = budget_probe(spec, drawing=False)
    gap = 1_000 * math.log(2)
    for budget, (a_spend, b_spend) in {
        2_000: ((2_000 + gap) / 2, (2_000 - gap) / 2),
        500: (500.0, 0.0),
    }.items():
        rows = {row["channel"]: row for row in probe.read({"bud_budget": budget})["table"]}
        assert rows["A"]["optimal_spend"] == pytest.approx(a_spend)
        assert rows["B"]["optimal_spend"] == pytest.approx(b_spend, abs=1e-9)
        assert rows["A"]["equal_spend"] == rows["B"]["equal_spend"] == budget / 2
        assert rows["A"]["optimal_conversions"] == pytest.approx(
            100 * (1 - math.exp(-a_spend / 1_000))
        )
    # With 2,000 yuan both next yuan buy 0.1 exp(-1.34657) = 0.0260 conversions.
    rows = probe.read({"bud_budget": 2_000})["table"]
    marginal = 0.1 * math.exp(-(2_000 + gap) / 2 / 1_000)
    for row in rows:
        assert row["optimal_marginal_conversions_per_yuan"] == pytest.approx(marginal)
        assert row["optimal_next"] == pytest.approx(1_000 * marginal)


def test_two_channel_profit_split_worked_by_hand():
    # Worth 30 yuan a conversion, A's first yuan brings back 3 yuan and B's 1.5. Spending stops
    # where the next yuan brings back exactly 1 yuan: 3 exp(-x_A / 1,000) = 1 gives
    # x_A = 1,000 ln 3 = 1,098.6 and x_B = 1,000 ln 1.5 = 405.5 - 1,504.1 yuan in all, so a
    # 5,000-yuan budget leaves 3,495.9 yuan unspent.
    probe = budget_probe(budget_allocation_chart(TWO_CHANNELS, 5_000, "profit").to_dict(), False)
    seen = probe.read()
    rows = {row["channel"]: row for row in seen["table"]}
    assert rows["A"]["optimal_spend"] == pytest.approx(1_000 * math.log(3))
    assert rows["B"]["optimal_spend"] == pytest.approx(1_000 * math.log(1.5))
    assert rows["A"]["optimal_next"] == pytest.approx(1.0)
    totals = seen["summary"][0]
    assert totals["next_return"] == pytest.approx(1.0)
    unspent = 5_000 - 1_000 * math.log(4.5)
    assert any(
        f"{unspent:,.0f} yuan of the budget stay unspent" in r["text"] for r in seen["summary"]
    )


CASES = {
    "example, default budget": (example_channels(), 50_000, "conversions"),
    "example, small budget": (example_channels(), 1_500, "conversions"),
    "example, profit": (example_channels(), 50_000, "profit"),
    "example, profit, big budget": (example_channels(), 5_000_000, "profit"),
    "a channel that converts nobody": (
        pd.DataFrame(
            {
                "channel": ["dead", "alive", "worthless"],
                "max_conversions": [0.0, 80.0, 40.0],
                "saturation": [500.0, 4_000.0, 1_000.0],
                "value_per_conversion": [50.0, 50.0, 0.0],
            }
        ),
        6_000,
        "profit",
    ),
    "no channel converts anybody": (
        pd.DataFrame({"channel": ["x", "y"], "max_conversions": [0.0, 0.0], "saturation": [1, 2]}),
        1_000,
        "conversions",
    ),
    "tied first yuan": (
        pd.DataFrame(
            {
                "channel": ["p", "q", "r"],
                "max_conversions": [100.0, 200.0, 10.0],
                "saturation": [1_000.0, 2_000.0, 1_000.0],
            }
        ),
        2_500,
        "conversions",
    ),
    "eight channels": (
        pd.DataFrame(
            {
                "channel": [f"c{i}" for i in range(MAX_CHANNELS)],
                "max_conversions": [10.0 * (i + 1) for i in range(MAX_CHANNELS)],
                "saturation": [300.0 * (MAX_CHANNELS - i) for i in range(MAX_CHANNELS)],
                "value_per_conversion": [20.0 + i for i in range(MAX_CHANNELS)],
            }
        ),
        9_000,
        "profit",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_browser_numbers_equal_the_model(case):
    channels, budget, objective = CASES[case]
    spec = budget_allocation_chart(channels, budget, objective).to_dict()
    curve_max = params_by_name(spec)["bud_curve_max"]["value"]
    probe = budget_probe(spec, drawing=False)
    check_agrees(probe, channels, budget, objective, curve_max)  # at the starting values
    if "value_per_conversion" in channels:  # slider moved and drop-down changed
        other = "conversions" if objective == "profit" else "profit"
        check_agrees(probe, channels, 3 * budget + 100, other, curve_max)
    else:  # slider moved
        check_agrees(probe, channels, 3 * budget + 100, objective, curve_max)


@pytest.mark.parametrize(("budget", "objective"), [(50_000, "conversions"), (130_000, "profit")])
def test_curves_markers_and_bars_show_the_model_numbers(default_spec, budget, objective):
    probe = budget_probe(default_spec)
    check_agrees(probe, example_channels(), budget, objective, 100_000)


def test_summary_reports_a_channel_table_that_converts_nobody():
    channels, budget, objective = CASES["no channel converts anybody"]
    spec = budget_allocation_chart(channels, budget, objective).to_dict()
    seen = budget_probe(spec, drawing=False).read()
    assert seen["summary"][2]["text"] == "No channel can convert anybody."
    assert all(row["optimal_spend"] == 0 for row in seen["table"])


def test_best_split_is_as_good_as_scipy_finds():
    # An independent optimiser (SLSQP) on the same curves must not beat the chart's split.
    channels = example_channels()
    a = channels["max_conversions"].to_numpy()
    s = channels["saturation"].to_numpy()
    probe = budget_probe(budget_allocation_chart(channels, 50_000).to_dict(), drawing=False)
    for budget in (3_000, 50_000, 200_000):
        seen = probe.read({"bud_budget": budget})
        chart_total = seen["summary"][0]["optimal_conversions"]
        result = optimize.minimize(
            lambda x: -np.sum(a * (1 - np.exp(-x / s))),
            np.full(len(a), budget / len(a)),
            jac=lambda x: -(a / s) * np.exp(-x / s),
            bounds=[(0, budget)] * len(a),
            constraints=[{"type": "eq", "fun": lambda x, b=budget: np.sum(x) - b}],
            method="SLSQP",
            options={"ftol": 1e-12, "maxiter": 500},
        )
        assert result.success
        assert chart_total >= -result.fun - 1e-6 * chart_total
        assert chart_total == pytest.approx(-result.fun, rel=1e-6)
        assert chart_total >= seen["summary"][0]["equal_conversions"]


@SETTINGS
@given(
    budget=st.one_of(st.just(0.0), st.floats(1e-3, 1e7)),
    objective=st.sampled_from(["conversions", "profit"]),
)
def test_chart_agrees_with_the_model_for_any_slider_values(default_probe, budget, objective):
    seen = check_agrees(default_probe, example_channels(), budget, objective, 100_000)
    for row in seen["table"]:
        for method in METHODS:
            assert row[f"{method}_spend"] >= 0
            assert 0 <= row[f"{method}_conversions"] <= 400  # never above the largest ceiling
    assert seen["summary"][0]["optimal_spend"] <= budget * (1 + 1e-9) + 1e-9


channel_rows = st.lists(
    st.tuples(
        st.floats(0, 1e5),  # max_conversions
        st.floats(1, 1e6),  # saturation
        st.floats(0, 1e3),  # value_per_conversion
    ),
    min_size=1,
    max_size=MAX_CHANNELS,
)


@settings(max_examples=10, deadline=None)  # each example builds and compiles a new chart
@given(
    rows=channel_rows,
    budget=st.floats(0, 1e7),
    objective=st.sampled_from(["conversions", "profit"]),
)
def test_chart_agrees_with_the_model_for_any_channels(rows, budget, objective):
    channels = pd.DataFrame(
        rows, columns=["max_conversions", "saturation", "value_per_conversion"]
    ).assign(channel=[f"channel {i}" for i in range(len(rows))])
    spec = budget_allocation_chart(channels, budget, objective).to_dict()
    curve_max = params_by_name(spec)["bud_curve_max"]["value"]
    seen = check_agrees(budget_probe(spec, False), channels, budget, objective, curve_max)
    for row in seen["table"]:
        assert not any(isinstance(row[field], float) and math.isnan(row[field]) for field in row)


def test_with_values_moves_the_chart_like_its_inputs(default_spec):
    moved = with_values(default_spec, bud_budget=12_345.0, bud_objective="profit")
    seen = budget_probe(moved, drawing=False).read()
    expected = costs.allocate_budget(12_345.0, example_channels(), "profit")
    spends = {row["channel"]: row["optimal_spend"] for row in seen["table"]}
    for channel, spend in zip(expected["channel"], expected["spend"], strict=True):
        assert close(spends[channel], spend, 12_345.0)


# ---------------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"budget": -5}, "budget must be 0 or more, got -5"),
        ({"objective": "reach"}, "objective must be one of 'conversions', 'profit', got 'reach'"),
        ({"max_budget": 0}, "max_budget must be more than 0, got 0"),
        ({"channels": "paid search"}, "channels must be a pandas DataFrame, got str"),
        (
            {"channels": example_channels().assign(max_spend=5_000.0)},
            "without spending limits or segments; drop the column 'max_spend'",
        ),
        ({"channels": example_channels().iloc[:0]}, "channels must have 1 to 8 rows"),
        (
            {"channels": example_channels().iloc[[0, 1, 0]]},
            "'paid search' appears more than once",
        ),
        (
            {"channels": example_channels().drop(columns="saturation")},
            "channels table is missing column 'saturation'",
        ),
        (
            {"channels": example_channels().assign(saturation=0.0)},
            r"channels.saturation\[0\] must be more than 0",
        ),
        (
            {
                "channels": example_channels().drop(columns="value_per_conversion"),
                "objective": "profit",
            },
            "missing column 'value_per_conversion'",
        ),
    ],
)
def test_chart_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        budget_allocation_chart(**kwargs)
