"""Tests for the targeting widget (socialmarketing.widgets.targeting).

Each test moves a control the way a student would (``widget.controls[name].value = ...``) and
checks that ``widget.result`` is what socialmarketing.targeting.compare_targeting returns for
the controls' values (called here directly), that the chart on show carries the new values,
and that a value outside a control's range is clamped by the widget, never passed on.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmarketing import targeting
from socialmarketing.charts.targeting import TARGETING_PARAMS
from socialmarketing.widgets.targeting import targeting_widget

SETTINGS = settings(max_examples=50, deadline=None)
CONTROLS = [
    "budget",
    "broad_cpm",
    "targeting_premium",
    "broad_target_share",
    "targeted_target_share",
    "target_audience",
    "min_frequency",
]


def chart_params(widget) -> dict[str, object]:
    return {param["name"]: param.get("value") for param in widget.spec["params"]}


def assert_matches_model(widget) -> None:
    values = widget.values()
    pd.testing.assert_frame_equal(widget.result, targeting.compare_targeting(**values))
    shown = chart_params(widget)
    for name, value in values.items():
        assert shown[TARGETING_PARAMS[name]] == value


@pytest.fixture(scope="module")
def ui():
    return targeting_widget()


def test_widget_builds_with_the_documented_story(ui):
    assert list(ui.controls) == CONTROLS
    assert set(ui.controls.values()) <= set(ui.children)
    alt.VConcatChart.validate(ui.spec)  # raises if the spec breaks the Vega-Lite schema
    assert ui.chart.spec == ui.spec  # the chart on show draws the current spec
    assert_matches_model(ui)
    # By hand: broad 75,000 of 500,000 impressions on target; targeted 200,000 of 333,333;
    # break-even premium 0.6 / 0.15 - 1 = 300 %; targeted reach 200,000 x (1 - e^-1) = 126,424.
    summary = ui.summary.value
    assert "75,000 of 500,000 impressions on target" in summary
    assert "200,000 of 333,333 impressions on target" in summary
    assert "126,424 target people reached" in summary
    assert "premium of <b>300%</b> (now 50%)" in summary


@pytest.mark.parametrize(
    ("control", "value"),
    [
        ("budget", 2_500.0),
        ("broad_cpm", 35.0),
        ("targeting_premium", 2.0),
        ("broad_target_share", 0.3),
        ("targeted_target_share", 0.95),
        ("target_audience", 40_000),
        ("min_frequency", 5),
    ],
)
def test_each_control_reruns_the_model(control, value):
    widget = targeting_widget()
    before = widget.result
    widget.controls[control].value = value
    assert widget.values()[control] == value
    assert widget.result is not before
    assert_matches_model(widget)


def test_premium_above_break_even_makes_broad_buying_cheaper(ui):
    ui.controls["targeting_premium"].value = 3.5  # above the break-even 300 %
    assert ui.result.loc["targeted", "target_cpm"] == pytest.approx(20 * 4.5 / 0.6)
    assert ui.result.loc["targeted", "target_cpm"] > ui.result.loc["broad", "target_cpm"]
    assert "(now 350%)" in ui.summary.value
    ui.controls["targeting_premium"].value = 0.5


def test_broad_share_of_zero_is_explained(ui):
    ui.controls["broad_target_share"].value = 0.0
    assert ui.result.loc["broad", "cost_per_reached"] == math.inf
    assert "nobody in the target audience is reached" in ui.summary.value
    assert "any premium pays" in ui.summary.value
    ui.controls["broad_target_share"].value = 0.15


def test_widget_clamps_out_of_range_values(ui):
    ui.controls["targeting_premium"].value = 9.0
    assert ui.controls["targeting_premium"].value == 4.0
    ui.controls["targeted_target_share"].value = 1.7
    assert ui.controls["targeted_target_share"].value == 1.0
    ui.controls["budget"].value = -500.0
    assert ui.controls["budget"].value == 100.0
    ui.controls["broad_cpm"].value = 0.0
    assert ui.controls["broad_cpm"].value == 1.0
    ui.controls["target_audience"].value = -3
    assert ui.controls["target_audience"].value == 1
    ui.controls["min_frequency"].value = 25
    assert ui.controls["min_frequency"].value == 10
    assert_matches_model(ui)


@SETTINGS
@given(
    budget=st.floats(-1e8, 1e8),
    cpm=st.floats(-10, 500),
    premium=st.floats(-1, 10),
    broad=st.floats(-1, 2),
    targeted=st.floats(-1, 2),
    audience=st.integers(-1000, 10**10),
    k=st.integers(-5, 30),
)
def test_any_typed_values_give_the_model_output_and_no_nan(
    ui, budget, cpm, premium, broad, targeted, audience, k
):
    typed = {
        "budget": budget,
        "broad_cpm": cpm,
        "targeting_premium": premium,
        "broad_target_share": broad,
        "targeted_target_share": targeted,
        "target_audience": audience,
        "min_frequency": k,
    }
    for name, value in typed.items():
        ui.controls[name].value = value
    values = ui.values()
    for name, control in ui.controls.items():
        assert control.min <= values[name] <= control.max
    assert_matches_model(ui)
    assert not ui.result.isna().any().any()
    assert (ui.result >= 0).all().all()


def test_widget_rejects_bad_starting_values():
    with pytest.raises(ValueError, match="budget must be more than 0, got -5"):
        targeting_widget(budget=-5)
    with pytest.raises(ValueError, match="min_frequency must be at most 10"):
        targeting_widget(min_frequency=12)
