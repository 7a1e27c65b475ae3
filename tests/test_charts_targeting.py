"""Tests for the targeting chart (socialmarketing.charts.targeting).

The chart computes its numbers in the browser from its sliders, a second copy of the formulas of
socialmarketing.targeting.compare_targeting. As in tests/test_charts.py, the tests render the
chart with vl-convert (the Vega engine a browser runs) for several slider values, read back the
numbers Vega computed, and compare them with the Python model to within 1e-6.

How the numbers are read: a probe adds a calculated text field to one view (the wanted fields
joined by a separator; JavaScript's number-to-text keeps full precision), uses it as each mark's
``description``, and reads the descriptions from vl-convert's scenegraph.
"""

from __future__ import annotations

import json
import math
from typing import Any

import altair as alt
import pandas as pd
import pytest
from chart_probe import ChartProbe, bound_params
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from socialmarketing import targeting
from socialmarketing.charts.targeting import (
    MAX_MIN_FREQUENCY,
    TARGETING_PARAMS,
    TARGETING_START,
    _poisson_tail,
    targeting_chart,
)

SETTINGS = settings(max_examples=50, deadline=None)
TABLE_METRICS = [
    "cpm",
    "impressions",
    "target_share",
    "target_impressions",
    "wasted_impressions",
    "target_cpm",
    "average_frequency",
    "reach",
    "frequency",
    "effective_reach",
    "cost_per_reached",
    "cost_per_effective_reach",
]


# ---------------------------------------------------------------------------------------------
# Reading the numbers Vega computes
# ---------------------------------------------------------------------------------------------


def close(browser: float | str, model: float) -> bool:
    """Equal to within 1e-6 relative (both infinite counts as equal)."""
    if isinstance(browser, str):
        return False
    if math.isinf(model) or math.isinf(browser):
        return browser == model
    return math.isclose(browser, model, rel_tol=1e-6, abs_tol=1e-9)


def targeting_probe(spec: dict) -> ChartProbe:
    return ChartProbe(
        spec,
        {
            "impressions": ("targeting_impressions", None, ["option", "part", "value"]),
            "reach": ("targeting_reach", 0, ["option", "measure", "value"]),
            "rule": ("targeting_reach", 1, ["audience"]),
            "table": ("targeting_table", 1, ["option", "metric", "value"]),
            "summary": (
                "targeting_summary",
                None,
                ["line", "break_even", "broad_cost", "targeted_cost"],
            ),
        },
    )


def check_agrees(probe: ChartProbe, inputs: dict[str, Any]) -> None:
    """The browser's numbers equal compare_targeting's for these slider values."""
    seen = probe.read({TARGETING_PARAMS[name]: value for name, value in inputs.items()})
    model = targeting.compare_targeting(**inputs)

    table = seen["table"]
    assert len(table) == 2 * len(TABLE_METRICS)
    assert {(row["option"], row["metric"]) for row in table} == {
        (option, metric) for option in targeting.OPTIONS for metric in TABLE_METRICS
    }
    for row in table:
        expected = model.loc[row["option"], row["metric"]]
        assert close(row["value"], expected), (row, expected)

    assert len(seen["impressions"]) == 4
    for row in seen["impressions"]:
        column = "target_impressions" if row["part"] == "on_target" else "wasted_impressions"
        assert close(row["value"], model.loc[row["option"], column]), row
    assert len(seen["reach"]) == 4
    for row in seen["reach"]:
        assert close(row["value"], model.loc[row["option"], row["measure"]]), row
    assert close(seen["rule"][0]["audience"], inputs["target_audience"])

    summary = seen["summary"][0]
    if inputs["broad_target_share"] > 0:
        expected = targeting.break_even_premium(
            inputs["broad_target_share"], inputs["targeted_target_share"]
        )
        assert close(summary["break_even"], expected)
    else:
        assert summary["break_even"] == math.inf
    for option, field in (("broad", "broad_cost"), ("targeted", "targeted_cost")):
        assert close(summary[field], model.loc[option, "target_cpm"]), (summary, option)


@pytest.fixture(scope="module")
def default_spec() -> dict:
    return targeting_chart().to_dict()


@pytest.fixture(scope="module")
def default_probe(default_spec) -> ChartProbe:
    return targeting_probe(default_spec)


# ---------------------------------------------------------------------------------------------
# The spec: title, description, sliders
# ---------------------------------------------------------------------------------------------


def test_chart_has_title_description_and_labelled_sliders(default_spec):
    spec = default_spec
    assert spec["title"]["text"].startswith("Broad or targeted?")
    assert len(spec["description"]) > 40
    assert "62,542" in spec["description"]  # broad reach at the starting values (see below)
    sliders = bound_params(spec)
    assert set(sliders) == set(TARGETING_PARAMS.values())
    for name, param in sliders.items():
        assert param["bind"]["input"] == "range"
        assert param["bind"]["name"].strip(), f"slider {name} has no label"
        assert param["bind"]["min"] <= param["value"] <= param["bind"]["max"], name
    assert sliders["tg_min_frequency"]["bind"]["max"] == MAX_MIN_FREQUENCY
    assert sliders["tg_broad_share"]["bind"]["max"] == 1
    assert len(json.dumps(spec)) < 100_000


def test_chart_starts_at_the_given_values():
    spec = targeting_chart(800, 25, 0.3, 0.12, 0.9, 2_483, 2).to_dict()
    values = {p["name"]: p["value"] for p in spec["params"] if "value" in p}
    assert values == {
        "tg_budget": 800,
        "tg_cpm": 25,
        "tg_premium": 0.3,
        "tg_broad_share": 0.12,
        "tg_targeted_share": 0.9,
        "tg_audience": 2_483,
        "tg_min_frequency": 2,
    }


def test_chart_without_sliders_has_fixed_values():
    spec = targeting_chart(sliders=False).to_dict()
    assert bound_params(spec) == {}
    names = {p["name"] for p in spec["params"]}
    assert names >= set(TARGETING_PARAMS.values())


def test_starting_values_tell_the_documented_story():
    table = targeting.compare_targeting(**TARGETING_START)
    # Targeting is 50 % dearer per impression but lands 4 times the share on target, so its
    # break-even premium is 0.6 / 0.15 - 1 = 300 % and it is cheaper per target reached.
    assert targeting.break_even_premium(0.15, 0.6) == pytest.approx(3.0)
    assert table.loc["targeted", "cost_per_reached"] < table.loc["broad", "cost_per_reached"]


# ---------------------------------------------------------------------------------------------
# The browser computes what the model computes
# ---------------------------------------------------------------------------------------------


def test_browser_numbers_hand_example(default_probe):
    # Default values by hand: broad 500,000 impressions (75,000 on target); targeted at
    # CPM 30, 333,333 impressions (200,000 on target); targeted reach 200,000 x (1 - e^-1).
    seen = default_probe.read()
    table = {(row["option"], row["metric"]): row["value"] for row in seen["table"]}
    assert table["broad", "impressions"] == pytest.approx(500_000)
    assert table["broad", "target_impressions"] == pytest.approx(75_000)
    assert table["targeted", "cpm"] == pytest.approx(30)
    assert table["targeted", "target_impressions"] == pytest.approx(200_000)
    assert table["targeted", "reach"] == pytest.approx(200_000 * (1 - math.exp(-1)))
    assert table["targeted", "effective_reach"] == pytest.approx(200_000 * (1 - math.exp(-1) * 2.5))
    assert seen["summary"][0]["break_even"] == pytest.approx(3.0)


@pytest.mark.parametrize(
    "inputs",
    [
        TARGETING_START,
        # A small brand's week: 800 yuan, pop-up cities are 12 % of users, audience 2,483.
        {**TARGETING_START, "budget": 800, "broad_target_share": 0.12, "target_audience": 2_483},
        # Nothing of the broad buy lands on target: nobody reached, infinite costs.
        {**TARGETING_START, "broad_target_share": 0.0, "min_frequency": 1},
        # Targeting that lands less than broad buying, at the highest k.
        {**TARGETING_START, "targeted_target_share": 0.05, "min_frequency": MAX_MIN_FREQUENCY},
        # Tiny frequencies: the tail sum for P(X >= k) must stay accurate.
        {**TARGETING_START, "budget": 100, "target_audience": 1_000_000, "min_frequency": 7},
        # Huge frequencies: everyone is reached, many times over.
        {**TARGETING_START, "budget": 100_000, "target_audience": 100, "broad_cpm": 1},
    ],
)
def test_browser_numbers_equal_the_model(inputs):
    spec = targeting_chart(**inputs).to_dict()
    probe = targeting_probe(spec)
    check_agrees(probe, inputs)  # at the chart's own starting values
    moved = {
        "budget": 3_300.0,
        "broad_cpm": 42.0,
        "targeting_premium": 1.25,
        "broad_target_share": 0.33,
        "targeted_target_share": 0.71,
        "target_audience": 12_345,
        "min_frequency": 4,
    }
    check_agrees(probe, moved)  # after moving every slider


def shares_away_from_zero():
    # Slider steps are 0.01; values between 0 and 1e-4 only test floating-point underflow.
    return st.one_of(st.just(0.0), st.floats(1e-4, 1))


@SETTINGS
@given(
    budget=st.floats(100, 100_000),
    cpm=st.floats(1, 100),
    premium=st.floats(0, 4),
    broad=shares_away_from_zero(),
    targeted=shares_away_from_zero(),
    audience=st.integers(100, 1_000_000),
    k=st.integers(1, MAX_MIN_FREQUENCY),
)
def test_browser_agrees_with_the_model_for_any_slider_values(
    default_probe, budget, cpm, premium, broad, targeted, audience, k
):
    inputs = {
        "budget": budget,
        "broad_cpm": cpm,
        "targeting_premium": premium,
        "broad_target_share": broad,
        "targeted_target_share": targeted,
        "target_audience": audience,
        "min_frequency": k,
    }
    check_agrees(default_probe, inputs)


def test_poisson_tail_expression_equals_scipy():
    grid = pd.DataFrame(
        [
            {"f": f, "k": k}
            for f in (1e-6, 0.01, 0.3, 0.999, 1.0, 1.001, 2.5, 9.9, 40.0, 1e5)
            for k in range(1, MAX_MIN_FREQUENCY + 1)
        ]
    )
    chart = (
        alt.Chart(grid, name="tail")
        .transform_calculate(tail=_poisson_tail("datum.f", "datum.k"))
        .mark_point()
        .encode(x="f:Q", y="k:Q")
    )
    rows = ChartProbe(chart.to_dict(), {"rows": ("tail", None, ["f", "k", "tail"])}).read()["rows"]
    assert len(rows) == len(grid)
    for row in rows:
        expected = stats.poisson.sf(row["k"] - 1, row["f"])  # P(X >= k)
        assert math.isclose(row["tail"], expected, rel_tol=1e-9, abs_tol=1e-300), row


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"budget": -5}, "budget must be more than 0, got -5"),
        ({"broad_cpm": 0}, "broad_cpm must be more than 0, got 0"),
        ({"targeting_premium": -1}, "targeting_premium must be 0 or more"),
        ({"targeted_target_share": 60}, r"targeted_target_share must be between 0 and 1"),
        ({"target_audience": 0}, "target_audience must be 1 or more, got 0"),
        ({"min_frequency": 11}, "min_frequency must be at most 10 for this chart, got 11"),
        ({"min_frequency": 0}, "min_frequency must be 1 or more, got 0"),
    ],
)
def test_chart_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        targeting_chart(**kwargs)
