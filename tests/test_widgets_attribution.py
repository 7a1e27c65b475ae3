"""Tests for the attribution widget (socialmarketing.widgets.attribution).

Each test moves a control the way a student would (``widget.controls[name].value = ...``) and
checks ``widget.result`` against credits worked out by hand in the comments below, or against
socialmarketing.integrated.compare_attribution called directly; that the chart on show carries
the chosen model; and that a value outside a control's range is clamped by the widget, never
passed on.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from traitlets import TraitError

from socialmarketing import data, integrated
from socialmarketing.widgets.attribution import (
    MAX_HALF_LIFE_DAYS,
    MIN_HALF_LIFE_DAYS,
    attribution_widget,
)

SETTINGS = settings(max_examples=50, deadline=None)
START = pd.Timestamp("2026-03-02 10:00")

# Four hand-made journeys (days after the first touch), three of them converted:
#   J1: kol (0), paid_search (2)                converted, 50 yuan
#   J2: display (0), email (1), paid_search (3)  converted, 60 yuan
#   J3: paid_search (0)                          converted, 70 yuan
#   J4: kol (0), display (1)                     not converted
HAND_JOURNEYS = [
    ([("kol", 0), ("paid_search", 2)], True, 50.0),
    ([("display", 0), ("email", 1), ("paid_search", 3)], True, 60.0),
    ([("paid_search", 0)], True, 70.0),
    ([("kol", 0), ("display", 1)], False, np.nan),
]
CHANNELS = ["display", "email", "kol", "paid_search"]  # sorted: the order of the credit tables

# Credit per channel, in CHANNELS order, worked out by hand:
EXPECTED = {
    # Every journey ends on paid search.
    "last_touch": [0, 0, 0, 3],
    "first_touch": [1, 0, 1, 1],
    # J1 halves, J2 thirds, J3 all to paid search.
    "linear": [1 / 3, 1 / 3, 1 / 2, 1 / 2 + 1 / 3 + 1],
    # J1 has two touches: 50/50; J2 40/20/40; J3 all.
    "position_based": [0.4, 0.2, 0.5, 0.5 + 0.4 + 1],
    # No journey touches a channel twice, so Shapley = equal parts to each journey's channels.
    "shapley": [1 / 3, 1 / 3, 1 / 2, 1 / 2 + 1 / 3 + 1],
    # Markov chain: start -> kol 1/2, display 1/4, paid_search 1/4; kol -> paid_search 1/2,
    # display 1/2; display -> email 1/2, null 1/2; email -> paid_search; paid_search ->
    # conversion. P(conversion) = 1/2 x 3/4 + 1/4 x 1/2 + 1/4 = 3/4. Without paid search 0,
    # without kol 3/8, without display 1/2, without email 1/2: removal effects 1, 1/2, 1/3,
    # 1/3 (sum 13/6), scaled to the 3 conversions.
    "markov": [6 / 13, 6 / 13, 9 / 13, 18 / 13],
}
# Time decay with a half-life of 1 day: J1 weights 1/4 and 1 (kol 0.2, paid search 0.8); J2
# weights 1/8, 1/4, 1 out of 11/8 (display 1/11, email 2/11, paid search 8/11); J3 all.
TIME_DECAY_ONE_DAY = [1 / 11, 2 / 11, 0.2, 0.8 + 8 / 11 + 1]


def make_touchpoints(journeys) -> pd.DataFrame:
    rows = [
        {
            "journey_id": journey_id,
            "channel": channel,
            "touch_time": START + pd.Timedelta(days=day),
            "converted": converted,
            "revenue": revenue,
        }
        for journey_id, (touches, converted, revenue) in enumerate(journeys, start=1)
        for channel, day in touches
    ]
    return pd.DataFrame(rows)


def credit_of(widget, column: str = "conversions") -> list[float]:
    return widget.result["credit"].set_index("channel").loc[CHANNELS, column].tolist()


def chart_model(widget) -> str:
    (param,) = [p for p in widget.spec["params"] if p["name"] == "attribution_model"]
    return param["value"]


def assert_matches_model(widget, touchpoints, value_column=None) -> None:
    """result is compare_attribution called directly, and the chart shows the chosen model."""
    values = widget.values()
    expected = integrated.compare_attribution(
        touchpoints, half_life_days=values["half_life_days"], value_column=value_column
    )
    pd.testing.assert_frame_equal(widget.result["table"], expected)
    assert widget.result["model"] == values["model"]
    chosen = expected[expected["model"] == values["model"]].drop(columns="model")
    pd.testing.assert_frame_equal(
        widget.result["credit"][list(chosen.columns)], chosen.reset_index(drop=True)
    )
    assert chart_model(widget) == values["model"]


@pytest.fixture(scope="module")
def hand():
    return make_touchpoints(HAND_JOURNEYS)


@pytest.fixture(scope="module")
def ui(hand):
    return attribution_widget(hand)


def test_widget_builds_at_last_touch(ui, hand):
    assert list(ui.controls) == ["model", "half_life_days"]
    assert set(ui.controls.values()) <= set(ui.children)
    alt.LayerChart.validate(ui.spec)  # raises if the spec breaks the Vega-Lite schema
    assert ui.chart.spec == ui.spec  # the chart on show draws the current spec
    assert ui.values() == {"model": "last_touch", "half_life_days": 7.0}
    assert_matches_model(ui, hand)
    assert credit_of(ui) == pytest.approx(EXPECTED["last_touch"])
    assert credit_of(ui, "change") == pytest.approx([0, 0, 0, 0])
    summary = ui.summary.value
    assert "shares out 3.0 conversions" in summary
    assert "<b>paid search</b>: 3.0 (100.0%)" in summary
    assert "last-click report" in summary


@pytest.mark.parametrize("model", list(EXPECTED))
def test_each_model_gives_the_hand_worked_credit(ui, hand, model):
    ui.controls["model"].value = model
    assert_matches_model(ui, hand)
    assert credit_of(ui) == pytest.approx(EXPECTED[model])
    assert credit_of(ui, "last_touch") == pytest.approx(EXPECTED["last_touch"])
    change = np.array(EXPECTED[model]) - np.array(EXPECTED["last_touch"])
    assert credit_of(ui, "change") == pytest.approx(change.tolist())
    assert sum(credit_of(ui)) == pytest.approx(3.0)
    ui.controls["model"].value = "last_touch"


def test_summary_names_the_biggest_gain_and_loss_against_last_touch(ui):
    ui.controls["model"].value = "linear"
    # Linear against last touch: kol +1/2, display and email +1/3 each, paid search -7/6.
    summary = ui.summary.value
    assert "<b>Linear (equal shares)</b> shares out 3.0 conversions" in summary
    assert "<b>paid search</b>: 1.8 (61.1%)" in summary  # 11/6 of 3
    assert "most extra credit to <b>kol</b> (+0.5)" in summary
    assert "takes most from <b>paid search</b> (-1.2)" in summary
    ui.controls["model"].value = "last_touch"


def test_choosing_a_model_reruns_nothing_but_a_new_half_life_does(ui):
    table = ui.result["table"]
    ui.controls["model"].value = "markov"
    assert ui.result["table"] is table
    ui.controls["half_life_days"].value = 2.0
    assert ui.result["table"] is not table
    assert ui.result["model"] == "markov"
    ui.controls["half_life_days"].value = 7.0
    ui.controls["model"].value = "last_touch"


def test_half_life_moves_the_time_decay_credit(ui, hand):
    ui.controls["model"].value = "time_decay"
    ui.controls["half_life_days"].value = 1.0
    assert_matches_model(ui, hand)
    assert credit_of(ui) == pytest.approx(TIME_DECAY_ONE_DAY)
    assert "A touch 1 days before" in ui.summary.value
    # A very long half-life weighs the touches of a journey almost equally (towards linear).
    ui.controls["half_life_days"].value = MAX_HALF_LIFE_DAYS
    assert_matches_model(ui, hand)
    weights_j1 = np.array([0.5 ** (2 / 30), 1.0])
    weights_j2 = np.array([0.5 ** (3 / 30), 0.5 ** (2 / 30), 1.0])
    weights_j1, weights_j2 = weights_j1 / weights_j1.sum(), weights_j2 / weights_j2.sum()
    expected = [weights_j2[0], weights_j2[1], weights_j1[0], weights_j1[1] + weights_j2[2] + 1]
    assert credit_of(ui) == pytest.approx(expected)
    ui.controls["half_life_days"].value = 7.0
    ui.controls["model"].value = "last_touch"


def test_widget_clamps_out_of_range_values(ui, hand):
    ui.controls["half_life_days"].value = 100.0
    assert ui.controls["half_life_days"].value == MAX_HALF_LIFE_DAYS
    ui.controls["half_life_days"].value = -3.0
    assert ui.controls["half_life_days"].value == MIN_HALF_LIFE_DAYS
    assert_matches_model(ui, hand)
    with pytest.raises(TraitError):
        ui.controls["model"].value = "last_click"  # not a model: the drop-down refuses it
    assert ui.values()["model"] == "last_touch"
    ui.controls["half_life_days"].value = 7.0


def test_value_column_shares_out_revenue(hand):
    widget = attribution_widget(hand, "linear", value_column="revenue")
    assert_matches_model(widget, hand, value_column="revenue")
    # J1 50 yuan in halves, J2 60 yuan in thirds, J3 70 yuan to paid search.
    assert credit_of(widget, "revenue") == pytest.approx([20, 20, 25, 25 + 20 + 70])
    assert credit_of(widget, "last_touch") == pytest.approx([0, 0, 0, 180])
    assert credit_of(widget, "change") == pytest.approx([20, 20, 25, -65])
    encodings = [layer["encoding"]["x"] for layer in widget.spec["layer"][:2]]
    assert all(x["title"] == "Credited revenue" for x in encodings)
    assert "shares out 180 revenue" in widget.summary.value


def test_no_conversions_is_explained(hand):
    lost = hand.assign(converted=False, revenue=np.nan)
    widget = attribution_widget(lost, "shapley")
    assert credit_of(widget) == [0, 0, 0, 0]
    assert "no journey in the table converted" in widget.summary.value


@SETTINGS
@given(
    half_life=st.floats(-10, 100, allow_nan=False),
    model=st.sampled_from(integrated.ALL_MODELS),
)
def test_any_typed_values_give_the_model_output_and_no_nan(ui, hand, half_life, model):
    ui.controls["model"].value = model
    ui.controls["half_life_days"].value = half_life
    value = ui.values()["half_life_days"]
    assert MIN_HALF_LIFE_DAYS <= value <= MAX_HALF_LIFE_DAYS
    assert_matches_model(ui, hand)
    credit = ui.result["credit"]
    assert not credit.isna().any().any()
    assert (credit[["conversions", "share", "last_touch"]] >= -1e-12).all().all()
    assert credit["conversions"].sum() == pytest.approx(3.0)
    assert credit["change"].sum() == pytest.approx(0.0, abs=1e-9)


def test_moonbrew_last_touch_is_the_shops_last_click_report():
    widget = attribution_widget()  # the Moonbrew journeys from data/touchpoints.csv
    touchpoints = data.load("touchpoints")
    assert_matches_model(widget, touchpoints)
    # Independent source: the channel of every first order in orders.csv is its last touch.
    orders = data.load("orders")
    report = orders.loc[orders["is_first_order"], "channel"].astype(str).value_counts()
    credit = widget.result["credit"].set_index("channel")["conversions"]
    credit.index = credit.index.astype(str)
    for channel, count in credit.items():
        assert count == report.get(channel, 0)
    assert credit.sum() == report.sum()
    widget.controls["model"].value = "shapley"
    assert widget.result["credit"]["conversions"].sum() == pytest.approx(report.sum())


def test_widget_rejects_bad_starting_values(hand):
    with pytest.raises(ValueError, match=r"model must be one of .* got 'last_click'"):
        attribution_widget(hand, "last_click")
    with pytest.raises(ValueError, match="half_life_days must be more than 0, got -1"):
        attribution_widget(hand, half_life_days=-1)
    with pytest.raises(ValueError, match=r"half_life_days must be between 0\.5 and 30 days"):
        attribution_widget(hand, half_life_days=45)
    with pytest.raises(ValueError, match="touchpoints must be a pandas DataFrame"):
        attribution_widget([1, 2, 3])
    with pytest.raises(ValueError, match="missing column 'converted'"):
        attribution_widget(hand.drop(columns="converted"))
