"""Tests for the chart builders in socialmarketing.charts.

Every chart is checked headlessly: ``chart.to_dict()`` validates it against the Vega-Lite
schema, and the tests look at its title, description, parameters and inline data.

Charts that compute numbers in the browser (Vega expressions driven by sliders) hold a second
copy of a model's formula. The "agreement" tests keep the two copies honest: they render the
chart with vl-convert (the same Vega engine a browser runs) for several slider values, read the
numbers the browser computed, and compare them with the Python model for the same inputs.

How the numbers are read: :func:`computed` adds a probe to one view of the spec - a calculated
text field joining the wanted fields with a separator (JavaScript's number-to-text keeps full
precision), used as each mark's ``description`` - and reads the descriptions back from
vl-convert's scenegraph.
"""

from __future__ import annotations

import json
import math
from typing import Any

import altair as alt
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from chart_probe import ChartProbe, bound_params, find_view, params_by_name
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmarketing import charts, costs, funnel, integrated, relationship, viral

SETTINGS = settings(max_examples=50, deadline=None)


# ---------------------------------------------------------------------------------------------
# Helpers: read a spec, and read the numbers Vega computes for it
# ---------------------------------------------------------------------------------------------


def computed(
    spec: dict,
    view: str,
    fields: list[str],
    params: dict[str, Any] | None = None,
    layer: int = 0,
) -> list[dict[str, Any]]:
    """Render ``spec`` and return ``fields`` of every mark drawn by ``view`` (one-off probe)."""
    return ChartProbe(spec, {"rows": (view, layer, fields)}).read(params)["rows"]


def close(browser: float | None, model: float) -> bool:
    """Numbers equal to within 1e-6 relative (and both infinite, or both tiny, count as equal)."""
    if browser is None:
        return False
    if math.isinf(model) or math.isinf(browser):
        return browser == model
    return math.isclose(browser, model, rel_tol=1e-6, abs_tol=1e-9)


def inline_rows(spec: dict) -> list[list[dict]]:
    return list(spec.get("datasets", {}).values())


def assert_accessible(spec: dict) -> None:
    """Title, alt text, and a readable label on every bound input."""
    title = spec["title"]
    assert (title["text"] if isinstance(title, dict) else title).strip()
    assert len(spec["description"]) > 40
    for name, param in bound_params(spec).items():
        assert param["bind"]["name"].strip(), f"input {name} has no label"
    assert len(json.dumps(spec)) < 100_000, "keep each chart's inline data under ~100 KB"


# ---------------------------------------------------------------------------------------------
# funnel_chart
# ---------------------------------------------------------------------------------------------

FUNNEL_SLIDERS = {
    "aidma_interest",
    "aidma_desire",
    "aidma_memory",
    "aidma_action",
    "aisas_interest",
    "aisas_search",
    "aisas_action",
    "share_rate",
    "contacts_per_share",
}


def _funnel_params(aidma_rates, aisas_rates, contacts):
    names = ["aidma_interest", "aidma_desire", "aidma_memory", "aidma_action"]
    names += ["aisas_interest", "aisas_search", "aisas_action", "share_rate"]
    values = dict(zip(names, [*aidma_rates, *aisas_rates], strict=True))
    values["contacts_per_share"] = contacts
    return values


def funnel_probe(spec: dict) -> ChartProbe:
    return ChartProbe(
        spec,
        {
            "aidma": ("funnel_aidma", 0, ["stage", "people", "step_rate"]),
            "aisas": ("funnel_aisas", 0, ["stage", "people", "step_rate"]),
            "sharing": ("funnel_sharing", 0, ["k", "first_buyers", "all_buyers"]),
        },
    )


def check_funnel_agrees(probe, audience, aidma_rates, aisas_rates, contacts, generations):
    """The browser's funnel numbers equal the funnel model's for these slider values."""
    seen = probe.read(_funnel_params(aidma_rates, aisas_rates, contacts))
    aidma_rows, aisas_rows, sharing = seen["aidma"], seen["aisas"], seen["sharing"][0]

    aidma_model = funnel.funnel_table(audience, aidma_rates, funnel.AIDMA_STAGES)
    aisas_model = funnel.funnel_table(audience, aisas_rates, funnel.AISAS_STAGES)
    interest, search, action, share = aisas_rates
    loop = funnel.aisas_with_sharing(
        audience,
        interest,
        search,
        action,
        share,
        contacts_per_share=contacts,
        generations=generations,
    )
    k = funnel.viral_coefficient(share, contacts, interest * search * action)

    assert [r["stage"] for r in aidma_rows[:5]] == list(funnel.AIDMA_STAGES)
    for row, people, rate in zip(
        aidma_rows, aidma_model["people"], aidma_model["step_rate"], strict=False
    ):
        assert close(row["people"], people), (row, people)
        assert close(row["step_rate"], rate), (row, rate)
    assert close(aidma_rows[5]["people"], aidma_model["people"].iloc[-1])  # no share loop
    assert [r["stage"] for r in aisas_rows[:5]] == list(funnel.AISAS_STAGES)
    for row, people, rate in zip(
        aisas_rows, aisas_model["people"], aisas_model["step_rate"], strict=False
    ):
        assert close(row["people"], people), (row, people)
        assert close(row["step_rate"], rate), (row, rate)
    all_buyers = loop["cumulative_buyers"].iloc[-1]
    assert close(aisas_rows[5]["people"], all_buyers)
    assert close(sharing["k"], k)
    assert close(sharing["first_buyers"], loop["buyers"].iloc[0])
    assert close(sharing["all_buyers"], all_buyers)


@pytest.fixture(scope="module")
def funnel_spec():
    return charts.funnel_chart().to_dict()


def test_funnel_chart_has_title_description_and_labelled_sliders(funnel_spec):
    spec = funnel_spec
    assert_accessible(spec)
    sliders = bound_params(spec)
    assert set(sliders) == FUNNEL_SLIDERS
    for name, param in sliders.items():
        assert param["bind"]["input"] == "range"
        assert param["bind"]["min"] <= param["value"] <= param["bind"]["max"], name
    assert sliders["share_rate"]["bind"]["name"].startswith("Share rate (share of buyers who")
    assert (sliders["aidma_interest"]["bind"]["min"], sliders["aidma_interest"]["bind"]["max"]) == (
        0.0,
        1.0,
    )


def test_funnel_chart_default_k_is_just_below_one(funnel_spec):
    spec = funnel_spec
    values = {name: p.get("value") for name, p in params_by_name(spec).items()}
    k = funnel.viral_coefficient(
        values["share_rate"],
        values["contacts_per_share"],
        values["aisas_interest"] * values["aisas_search"] * values["aisas_action"],
    )
    assert 0.8 <= k < 1.0


def test_funnel_chart_rows_are_the_model_stages_plus_all_buyers(funnel_spec):
    spec = funnel_spec
    stages = sorted(
        tuple(row["stage"] for row in rows) for rows in inline_rows(spec) if "stage" in rows[0]
    )
    assert stages == sorted(
        [
            (*funnel.AIDMA_STAGES, "All buyers (no share loop)"),
            (*funnel.AISAS_STAGES, "All buyers (with sharing)"),
        ]
    )


def test_funnel_chart_without_sliders_has_fixed_values():
    spec = charts.funnel_chart(sliders=False).to_dict()
    assert bound_params(spec) == {}
    assert set(params_by_name(spec)) >= FUNNEL_SLIDERS


@pytest.mark.parametrize(
    ("audience", "aidma_rates", "aisas_rates", "contacts", "generations"),
    [
        (10_000, [0.2, 0.4, 0.5, 0.3], [0.2, 0.5, 0.12, 0.25], 300.0, 10),  # the defaults
        (5_000, [0.1, 0.3, 0.6, 0.2], [0.3, 0.4, 0.1, 0.5], 120.0, 5),
        (1_000, [1.0, 1.0, 1.0, 1.0], [0.5, 0.5, 0.5, 0.04], 100.0, 3),  # K exactly 1
        (2_500, [0.0, 0.5, 0.5, 0.5], [0.2, 0.0, 0.5, 0.5], 50.0, 0),  # nobody gets through
    ],
)
def test_funnel_chart_browser_numbers_equal_the_model(
    audience, aidma_rates, aisas_rates, contacts, generations
):
    spec = charts.funnel_chart(
        audience, aidma_rates, aisas_rates, contacts_per_share=contacts, generations=generations
    ).to_dict()
    probe = funnel_probe(spec)
    # First at the chart's own starting values, then after moving every slider.
    check_funnel_agrees(probe, audience, aidma_rates, aisas_rates, contacts, generations)
    moved_aidma = [0.35, 0.25, 0.8, 0.45]
    moved_aisas = [0.15, 0.6, 0.2, 0.3]
    check_funnel_agrees(probe, audience, moved_aidma, moved_aisas, 410.0, generations)


@pytest.fixture(scope="module")
def default_funnel_probe(funnel_spec):
    return funnel_probe(funnel_spec)


@SETTINGS
@given(
    aidma_rates=st.lists(st.floats(0, 1), min_size=4, max_size=4),
    aisas_rates=st.lists(st.floats(0, 1), min_size=4, max_size=4),
    contacts=st.floats(0, 500),
)
def test_funnel_chart_agrees_with_the_model_for_any_slider_values(
    default_funnel_probe, aidma_rates, aisas_rates, contacts
):
    check_funnel_agrees(default_funnel_probe, 10_000, aidma_rates, aisas_rates, contacts, 10)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"audience": -5}, "audience must be 0 or more, got -5"),
        ({"aidma_rates": [0.2, 0.4, 0.5]}, "aidma_rates must have one share for each step"),
        ({"aisas_rates": [0.2, 0.5, 1.5, 0.25]}, r"aisas_rates\[2\] must be between 0 and 1"),
        ({"contacts_per_share": -1}, "contacts_per_share must be 0 or more"),
        ({"generations": 2.5}, "generations must be a whole number"),
    ],
)
def test_funnel_chart_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        charts.funnel_chart(**kwargs)


# ---------------------------------------------------------------------------------------------
# cost_calculator_chart
# ---------------------------------------------------------------------------------------------

COST_PARAMS = ("budget", "cpc", "ctr", "cvr", "order_value", "margin")
SHOWN_METRICS = {
    "impressions",
    "clicks",
    "orders",
    "revenue",
    "gross_profit",
    "profit",
    "cpm",
    "cpa",
    "roas",
    "roi",
    "break_even_cpc",
    "break_even_cvr",
    "break_even_roas",
}


def campaign_probe(spec: dict) -> ChartProbe:
    return ChartProbe(
        spec,
        {
            "table": ("campaign_table", 0, ["metric", "value"]),
            "money": ("campaign_money", 0, ["metric", "value"]),
            "rule": ("campaign_money", 2, ["value", "profit"]),
        },
    )


def check_campaign_agrees(probe, inputs):
    """The browser's calculator numbers equal campaign_outcome's for these slider values."""
    seen = probe.read({f"cost_{name}": v for name, v in zip(COST_PARAMS, inputs, strict=True)})
    model = costs.campaign_outcome(*inputs)
    assert {row["metric"] for row in seen["table"]} == SHOWN_METRICS
    for row in seen["table"]:
        assert close(row["value"], model[row["metric"]]), (row, model[row["metric"]])
    assert [row["metric"] for row in seen["money"]] == ["budget", "revenue", "gross_profit"]
    for row in seen["money"]:
        assert close(row["value"], model[row["metric"]]), (row, model[row["metric"]])
    # The dashed break-even line sits at the ad spend: gross profit must reach it.
    (rule,) = seen["rule"]
    assert close(rule["value"], model["budget"])
    assert close(rule["profit"], model["profit"])


@pytest.fixture(scope="module")
def cost_spec():
    return charts.cost_calculator_chart().to_dict()


def test_cost_calculator_has_title_description_and_labelled_sliders(cost_spec):
    spec = cost_spec
    assert_accessible(spec)
    sliders = bound_params(spec)
    assert set(sliders) == {f"cost_{name}" for name in COST_PARAMS}
    assert sliders["cost_ctr"]["bind"]["min"] > 0  # the model needs CTR above 0
    assert sliders["cost_margin"]["bind"]["max"] == 1
    for param in sliders.values():
        assert param["bind"]["input"] == "range"
        assert param["bind"]["min"] <= param["value"] <= param["bind"]["max"]


def test_cost_calculator_docstring_example_by_hand(cost_spec):
    # The defaults are 10,000 yuan, CPC 2, CTR 1 %, CVR 3 %, 150-yuan orders, 40 % margin.
    # 10,000 yuan at 2 yuan per click = 5,000 clicks; / 1 % CTR = 500,000 impressions;
    # x 3 % CVR = 150 orders; x 150 yuan = 22,500 revenue; x 40 % = 9,000 gross profit;
    # - 10,000 = -1,000 profit; ROI = -1,000 / 10,000 = -0.1. Break-even CVR 2 / 60 = 3.33 %.
    spec = cost_spec
    values = {
        row["metric"]: row["value"] for row in computed(spec, "campaign_table", ["metric", "value"])
    }
    assert values["clicks"] == pytest.approx(5_000)
    assert values["impressions"] == pytest.approx(500_000)
    assert values["orders"] == pytest.approx(150)
    assert values["revenue"] == pytest.approx(22_500)
    assert values["gross_profit"] == pytest.approx(9_000)
    assert values["profit"] == pytest.approx(-1_000)
    assert values["roi"] == pytest.approx(-0.1)
    assert values["break_even_cvr"] == pytest.approx(2 / 60)
    assert values["break_even_cpc"] == pytest.approx(0.03 * 150 * 0.4)


@pytest.mark.parametrize(
    "inputs",
    [
        (10_000, 2.0, 0.01, 0.03, 150.0, 0.4),  # the defaults
        (50_000, 0.5, 0.05, 0.1, 80.0, 0.6),  # a profitable campaign
        (1_000, 10.0, 0.001, 0.0, 500.0, 0.3),  # no orders: CPA is infinite
        (20_000, 1.0, 0.02, 0.02, 200.0, 0.0),  # no margin: break-even is impossible
        (100_000, 0.1, 1.0, 1.0, 1000.0, 1.0),  # everything at the top of its range
    ],
)
def test_cost_calculator_browser_numbers_equal_the_model(inputs):
    probe = campaign_probe(charts.cost_calculator_chart(*inputs).to_dict())
    check_campaign_agrees(probe, inputs)  # at the starting values
    check_campaign_agrees(probe, (30_000, 3.3, 0.02, 0.05, 120.0, 0.5))  # sliders moved


@pytest.fixture(scope="module")
def default_campaign_probe(cost_spec):
    return campaign_probe(cost_spec)


@SETTINGS
@given(
    budget=st.floats(1, 1e6),
    cpc=st.floats(0.01, 100),
    ctr=st.floats(1e-4, 1),
    # 0, or at least 1e-12: tinier rates make campaign_outcome warn about overflow when it
    # divides by almost nothing (its result, inf, is right; reported to the model's owner).
    cvr=st.one_of(st.just(0.0), st.floats(1e-12, 1)),
    order_value=st.floats(1, 1e4),
    margin=st.one_of(st.just(0.0), st.floats(1e-12, 1)),
)
def test_cost_calculator_agrees_with_the_model_for_any_slider_values(
    default_campaign_probe, budget, cpc, ctr, cvr, order_value, margin
):
    check_campaign_agrees(default_campaign_probe, (budget, cpc, ctr, cvr, order_value, margin))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"budget": -5}, "budget must be more than 0, got -5"),
        ({"ctr": 0}, "ctr must be more than 0"),
        ({"cvr": 3}, r"cvr must be between 0 and 1 \(write 5% as 0.05\)"),
        ({"margin": -0.1}, "margin must be between 0 and 1"),
    ],
)
def test_cost_calculator_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        charts.cost_calculator_chart(**kwargs)


# ---------------------------------------------------------------------------------------------
# cascade_reach_chart
# ---------------------------------------------------------------------------------------------

HAND_CURVE = pd.DataFrame(
    {
        "p": [0.2, 0.0, 0.1, 0.3],  # deliberately not sorted
        "mean_reach": [40.0, 5.0, 12.5, 150.0],
        "low": [10.0, 5.0, 5.0, 60.0],
        "high": [90.0, 5.0, 25.0, 210.0],
    }
)


@pytest.fixture(scope="module")
def small_graph():
    return nx.gnp_random_graph(300, 5 / 300, directed=True, seed=7)


def test_cascade_reach_chart_shows_the_simulated_curve(small_graph):
    ps = np.round(np.linspace(0, 0.4, 9), 3)
    curve = viral.expected_reach_curve(small_graph, [0, 1, 2], ps, runs=50, seed=3)
    threshold = viral.epidemic_threshold(small_graph)
    spec = charts.cascade_reach_chart(curve, threshold=threshold, accounts=300).to_dict()
    assert_accessible(spec)
    [rows] = [rows for rows in inline_rows(spec) if "mean_reach" in rows[0]]
    assert [row["p"] for row in rows] == pytest.approx(ps)
    assert [row["mean_reach"] for row in rows] == pytest.approx(curve["mean_reach"])
    assert [row["high"] for row in rows] == pytest.approx(curve["high"])
    slider = bound_params(spec)["reach_p"]["bind"]
    assert (slider["min"], slider["max"], slider["step"]) == pytest.approx((0.0, 0.4, 0.05))
    [rule_rows] = [rows for rows in inline_rows(spec) if "threshold" in rows[0]]
    assert rule_rows == [{"threshold": pytest.approx(threshold)}]
    # The marks the browser draws are the simulated numbers.
    drawn = computed(spec, "reach_curve", ["p", "mean_reach", "low", "high"], layer=1)
    assert [row["mean_reach"] for row in drawn] == pytest.approx(curve["mean_reach"])


@pytest.mark.parametrize(
    ("slider_value", "expected_p"), [(0.0, 0.0), (0.04, 0.0), (0.06, 0.1), (0.26, 0.3)]
)
def test_cascade_reach_slider_highlights_the_nearest_grid_point(slider_value, expected_p):
    spec = charts.cascade_reach_chart(HAND_CURVE).to_dict()
    params = {"reach_p": slider_value}
    (point,) = computed(spec, "reach_curve", ["p", "mean_reach"], params, layer=2)
    expected = HAND_CURVE.set_index("p").loc[expected_p]
    assert point == {"p": expected_p, "mean_reach": expected["mean_reach"]}
    (note,) = computed(spec, "reach_curve", ["text"], params, layer=3)
    assert f"expected reach {expected['mean_reach']:,.1f} accounts" in note["text"]


def test_cascade_reach_chart_starts_near_the_threshold_and_draws_its_rule():
    spec = charts.cascade_reach_chart(HAND_CURVE, threshold=0.18).to_dict()
    assert bound_params(spec)["reach_p"]["value"] == 0.2
    assert any("threshold" in rows[0] for rows in inline_rows(spec))
    no_rule = charts.cascade_reach_chart(HAND_CURVE, threshold=math.inf).to_dict()
    assert not any("threshold" in rows[0] for rows in inline_rows(no_rule))


@pytest.mark.parametrize(
    ("curve", "message"),
    [
        (HAND_CURVE.iloc[0:0], "curve table is empty"),
        (HAND_CURVE.drop(columns="low"), "curve table is missing column 'low'"),
        ([1, 2, 3], "curve must be a pandas DataFrame, got list"),
        (HAND_CURVE.assign(p=[0.2, 0.0, 1.5, 0.3]), "curve column 'p' must be between 0 and 1"),
        (HAND_CURVE.assign(p=["a", "b", "c", "d"]), "curve column 'p' must hold numbers"),
        (HAND_CURVE.assign(mean_reach=[1.0, np.nan, 2.0, 3.0]), "'mean_reach' has a missing value"),
        (HAND_CURVE.assign(p=[0.1, 0.0, 0.1, 0.3]), "must not repeat a value"),
        (HAND_CURVE.assign(low=[100.0, 5.0, 5.0, 60.0]), "low above high"),
    ],
)
def test_cascade_reach_chart_rejects_bad_curves(curve, message):
    with pytest.raises(ValueError, match=message):
        charts.cascade_reach_chart(curve)


def test_cascade_reach_chart_rejects_bad_options():
    with pytest.raises(ValueError, match=r"threshold must be 0 or more, got -0\.1"):
        charts.cascade_reach_chart(HAND_CURVE, threshold=-0.1)
    with pytest.raises(ValueError, match="p must be between 0 and 1"):
        charts.cascade_reach_chart(HAND_CURVE, p=2)


# ---------------------------------------------------------------------------------------------
# paid_vs_social_chart
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def weekly():
    return costs.paid_vs_social(30, 10_000)


@pytest.fixture(scope="module")
def weekly_spec(weekly):
    return charts.paid_vs_social_chart(weekly).to_dict()


def test_paid_vs_social_chart_inputs_and_data(weekly, weekly_spec):
    spec = weekly_spec
    assert_accessible(spec)
    inputs = bound_params(spec)
    assert inputs["psv_view"]["bind"]["input"] == "select"
    assert inputs["psv_view"]["bind"]["options"] == ["so far", "each week"]
    week = inputs["psv_week"]["bind"]
    assert (week["min"], week["max"], week["step"], inputs["psv_week"]["value"]) == (1, 30, 1, 30)
    [rows] = [rows for rows in inline_rows(spec) if "channel" in rows[0]]
    assert len(rows) == len(weekly) == 60
    # Infinite cost per customer (social's first week: money, no customers) is left empty.
    first_social = next(r for r in rows if r["week"] == 1 and r["channel"] == "social")
    assert first_social["cost_per_customer"] is None
    assert first_social["cumulative_customers"] == 0


@pytest.mark.parametrize(
    ("view", "customers", "cost"),
    [
        ("so far", "cumulative_customers", "cumulative_cost_per_customer"),
        ("each week", "customers", "cost_per_customer"),
    ],
)
def test_paid_vs_social_readout_shows_the_table_values_at_the_chosen_week(
    weekly, weekly_spec, view, customers, cost
):
    params = {"psv_view": view, "psv_week": 12}
    at_week = weekly[weekly["week"] == 12].set_index("channel")
    probe = ChartProbe(
        weekly_spec,
        {
            "customers_points": ("psv_customers", 3, ["channel", "shown_customers"]),
            "customers_text": ("psv_customers", 4, ["paid search", "social", "text"]),
            "cost_text": ("psv_cost", 4, ["paid search", "social", "text"]),
        },
    )
    seen = probe.read(params)
    marked = {row["channel"]: row["shown_customers"] for row in seen["customers_points"]}
    assert marked == pytest.approx(at_week[customers].to_dict())
    (customers_text,) = seen["customers_text"]
    (cost_text,) = seen["cost_text"]
    for channel in ("paid search", "social"):
        assert customers_text[channel] == pytest.approx(at_week.loc[channel, customers])
        assert cost_text[channel] == pytest.approx(at_week.loc[channel, cost])
        assert f"{channel}: {at_week.loc[channel, customers]:,.0f}" in customers_text["text"]
    assert customers_text["text"].startswith("Week 12:")


def test_paid_vs_social_does_not_rely_on_colour_alone(weekly_spec):
    spec = weekly_spec
    panel = find_view(spec, "psv_customers")
    line, points = panel["layer"][0], panel["layer"][1]
    assert line["encoding"]["strokeDash"]["field"] == "channel"
    assert points["encoding"]["shape"]["field"] == "channel"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            pd.DataFrame(columns=list(charts._PAID_VS_SOCIAL_COLUMNS)),
            "paid_vs_social table is empty",
        ),
        ("weekly", "paid_vs_social table is missing column 'customers'"),
    ],
)
def test_paid_vs_social_rejects_bad_tables(weekly, table, message):
    if isinstance(table, str):
        table = weekly.drop(columns="customers")
    with pytest.raises(ValueError, match=message):
        charts.paid_vs_social_chart(table)


def test_paid_vs_social_rejects_negative_customers(weekly):
    broken = weekly.assign(customers=-weekly["customers"] - 1)
    with pytest.raises(ValueError, match="'customers' must hold numbers 0 or more"):
        charts.paid_vs_social_chart(broken)


# ---------------------------------------------------------------------------------------------
# retention_chart
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def simulated_orders():
    """Orders from a geometric model: members come back with r = 0.6 a week, others 0.3."""
    rng = np.random.default_rng(5)
    rows = []
    accounts = []
    for customer in range(400):
        member = customer % 2 == 0
        accounts.append({"account_id": customer, "club_member": member})
        start = pd.Timestamp("2024-01-01") + pd.Timedelta(weeks=int(rng.integers(0, 8)))
        week = 0
        while True:
            rows.append({"customer_id": customer, "order_time": start + pd.Timedelta(weeks=week)})
            if rng.random() > (0.6 if member else 0.3):
                break
            week += 1
    return pd.DataFrame(rows), pd.DataFrame(accounts)


@pytest.fixture(scope="module")
def club_curve(simulated_orders):
    orders, accounts = simulated_orders
    return relationship.retention_curve(orders, "W", by="club_member", accounts=accounts)


def test_retention_chart_shows_the_model_curve(club_curve):
    labels = {True: "club members", False: "other customers"}
    spec = charts.retention_chart(club_curve, labels=labels, min_customers=20).to_dict()
    assert_accessible(spec)
    [rows] = [rows for rows in inline_rows(spec) if "share_active" in rows[0]]
    kept = club_curve[club_curve["customers_observed"] >= 20]
    assert len(rows) == len(kept)
    for row, (_, model) in zip(rows, kept.iterrows(), strict=True):
        assert row["group"] == labels[model["club_member"]]
        assert row["k"] == model["periods_since_first"]
        assert row["share_active"] == pytest.approx(model["share_active"])
        assert row["customers_observed"] == model["customers_observed"]
    slider = bound_params(spec)["retention_k"]
    assert (slider["bind"]["min"], slider["bind"]["max"]) == (0, kept["periods_since_first"].max())
    assert slider["bind"]["name"].startswith("Weeks since the first order")


def test_retention_chart_readout_gives_each_group_at_the_chosen_week(club_curve):
    spec = charts.retention_chart(club_curve).to_dict()  # default labels for True / False
    (readout,) = computed(
        spec,
        "retention_curve",
        ["club member: yes", "club member: no", "text"],
        {"retention_k": 2},
        layer=4,
    )
    at_two = club_curve[club_curve["periods_since_first"] == 2].set_index("club_member")
    assert readout["club member: yes"] == pytest.approx(at_two.loc[True, "share_active"])
    assert readout["club member: no"] == pytest.approx(at_two.loc[False, "share_active"])
    assert readout["text"].startswith("Week 2:")


def test_retention_chart_for_all_customers(simulated_orders):
    orders, _ = simulated_orders
    curve = relationship.retention_curve(orders, "W")
    spec = charts.retention_chart(curve, min_customers=1).to_dict()
    [rows] = [rows for rows in inline_rows(spec) if "share_active" in rows[0]]
    assert {row["group"] for row in rows} == {"all customers"}
    assert [row["share_active"] for row in rows] == pytest.approx(curve["share_active"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.iloc[0:0], "retention curve table is empty"),
        (lambda c: c.drop(columns="share_active"), "missing column 'share_active'"),
        (lambda c: c.assign(share_active=c["share_active"] * 5), "between 0 and 1"),
        (lambda c: c.assign(city="x"), "at most one group column"),
        (lambda c: c.assign(customers_observed=1), "fewer than min_customers=20"),
    ],
)
def test_retention_chart_rejects_bad_curves(club_curve, change, message):
    with pytest.raises(ValueError, match=message):
        charts.retention_chart(change(club_curve))


def test_retention_chart_rejects_unknown_periods(club_curve):
    with pytest.raises(ValueError, match="period must be one of 'W', 'M', got 'D'"):
        charts.retention_chart(club_curve, period="D")


# ---------------------------------------------------------------------------------------------
# clv_chart
# ---------------------------------------------------------------------------------------------

CLV_FIELDS = [
    "period",
    "still_customer",
    "expected_margin",
    "discount_factor",
    "present_value",
    "cumulative_clv",
]


def clv_probe(spec: dict) -> ChartProbe:
    return ChartProbe(
        spec,
        {
            "terms": ("clv_terms", 0, CLV_FIELDS),
            "endless": ("clv_terms", 2, ["endless"]),
            "summary": ("clv_terms", 3, ["cumulative_clv", "endless", "text"]),
        },
    )


def check_clv_agrees(probe, margin, retention, discount, periods):
    params = {
        "clv_margin": margin,
        "clv_retention": retention,
        "clv_discount": discount,
        "clv_periods": periods,
    }
    seen = probe.read(params)
    table = relationship.clv_table(margin, retention, discount, periods)
    assert [row["period"] for row in seen["terms"]] == list(range(periods))
    for row, (_, model) in zip(seen["terms"], table.iterrows(), strict=True):
        for field in CLV_FIELDS[1:]:
            assert close(row[field], model[field]), (field, row, model[field])
    endless = relationship.customer_lifetime_value(margin, retention, discount)
    assert close(seen["endless"][0]["endless"], endless)
    (summary,) = seen["summary"]
    lifetime = relationship.customer_lifetime_value(margin, retention, discount, periods=periods)
    assert close(summary["cumulative_clv"], lifetime)
    assert f"CLV over {periods} periods: {lifetime:,.2f} yuan" in summary["text"]


@pytest.fixture(scope="module")
def clv_spec():
    return charts.clv_chart().to_dict()


def test_clv_chart_has_title_description_and_labelled_sliders(clv_spec):
    assert_accessible(clv_spec)
    sliders = bound_params(clv_spec)
    assert set(sliders) == {"clv_margin", "clv_retention", "clv_discount", "clv_periods"}
    assert sliders["clv_retention"]["bind"]["max"] == 0.99  # r = 1, d = 0 would be endless
    assert sliders["clv_periods"]["bind"]["max"] == 40
    [rows] = [rows for rows in inline_rows(clv_spec) if "period" in rows[0]]
    assert [row["period"] for row in rows] == list(range(40))


def test_clv_chart_docstring_example_by_hand(clv_spec):
    # m = 100 yuan, r = 0.5, d = 0.1, three periods:
    # 100 + 100 x 0.5 / 1.1 + 100 x 0.25 / 1.21 = 166.12 yuan; for ever 100 x 1.1 / 0.6 = 183.33.
    seen = clv_probe(clv_spec).read(
        {"clv_margin": 100, "clv_retention": 0.5, "clv_discount": 0.1, "clv_periods": 3}
    )
    assert [row["present_value"] for row in seen["terms"]] == pytest.approx(
        [100, 50 / 1.1, 25 / 1.21]
    )
    assert seen["summary"][0]["cumulative_clv"] == pytest.approx(100 + 50 / 1.1 + 25 / 1.21)
    assert seen["endless"][0]["endless"] == pytest.approx(110 / 0.6)


@pytest.mark.parametrize(
    ("margin", "retention", "discount", "periods"),
    [(100.0, 0.8, 0.1, 20), (250.0, 0.95, 0.0, 40), (0.0, 0.5, 0.2, 1), (80.0, 0.0, 0.3, 7)],
)
def test_clv_chart_browser_numbers_equal_the_model(margin, retention, discount, periods):
    spec = charts.clv_chart(margin, retention, discount, periods).to_dict()
    probe = clv_probe(spec)
    check_clv_agrees(probe, margin, retention, discount, periods)  # starting values
    check_clv_agrees(probe, 60.0, 0.7, 0.05, 12)  # sliders moved


@pytest.fixture(scope="module")
def default_clv_probe(clv_spec):
    return clv_probe(clv_spec)


@SETTINGS
@given(
    margin=st.floats(0, 1000),
    retention=st.floats(0, 0.99),
    discount=st.floats(0, 0.5),
    periods=st.integers(1, 40),
)
def test_clv_chart_agrees_with_the_model_for_any_slider_values(
    default_clv_probe, margin, retention, discount, periods
):
    check_clv_agrees(default_clv_probe, margin, retention, discount, periods)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"margin_per_period": -1}, "margin_per_period must be 0 or more, got -1"),
        ({"retention": 1.5}, "retention must be between 0 and 1"),
        ({"discount_rate": -0.1}, "discount_rate must be 0 or more"),
        ({"periods": 50}, r"periods must be at most max_periods \(40\), got 50"),
        ({"periods": 0}, "periods must be 1 or more, got 0"),
    ],
)
def test_clv_chart_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        charts.clv_chart(**kwargs)


# ---------------------------------------------------------------------------------------------
# attribution_chart
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def touchpoints():
    """Four journeys, written out so the first- and last-touch credits can be counted by hand.

    1: paid_search -> email (bought)      2: kol (bought)
    3: display -> kol (did not buy)        4: kol -> paid_search (bought)
    """
    touches = [
        (1, "paid_search", True, "2025-03-01 10:00"),
        (1, "email", True, "2025-03-03 10:00"),
        (2, "kol", True, "2025-03-02 09:00"),
        (3, "display", False, "2025-03-01 12:00"),
        (3, "kol", False, "2025-03-04 12:00"),
        (4, "kol", True, "2025-03-05 08:00"),
        (4, "paid_search", True, "2025-03-06 08:00"),
    ]
    frame = pd.DataFrame(touches, columns=["journey_id", "channel", "converted", "touch_time"])
    return frame.assign(touch_time=pd.to_datetime(frame["touch_time"]))


@pytest.fixture(scope="module")
def credit_table(touchpoints):
    return integrated.compare_attribution(touchpoints)


def test_attribution_chart_offers_every_model_and_shows_the_table(credit_table):
    spec = charts.attribution_chart(credit_table).to_dict()
    assert_accessible(spec)
    dropdown = bound_params(spec)["attribution_model"]
    assert dropdown["bind"]["input"] == "select"
    assert dropdown["bind"]["options"] == list(integrated.ALL_MODELS)
    assert dropdown["value"] == "first_touch"
    [rows] = [rows for rows in inline_rows(spec) if "credit" in rows[0]]
    assert len(rows) == len(credit_table)
    for row, (_, model) in zip(rows, credit_table.iterrows(), strict=True):
        assert row["model"] == model["model"]
        assert row["channel"] == str(model["channel"]).replace("_", " ")
        assert row["credit"] == pytest.approx(model["conversions"])


@pytest.mark.parametrize(
    ("model", "by_hand"),
    [
        # First touch: journey 1 -> paid search, 2 -> kol, 4 -> kol (3 did not buy).
        ("first_touch", {"paid search": 1.0, "kol": 2.0, "email": 0.0, "display": 0.0}),
        # Last touch: journey 1 -> email, 2 -> kol, 4 -> paid search.
        ("last_touch", {"paid search": 1.0, "kol": 1.0, "email": 1.0, "display": 0.0}),
        # Linear: journeys 1 and 4 split 1/2 + 1/2, journey 2 gives kol 1.
        ("linear", {"paid search": 1.0, "kol": 1.5, "email": 0.5, "display": 0.0}),
    ],
)
def test_attribution_chart_bars_follow_the_dropdown(credit_table, model, by_hand):
    spec = charts.attribution_chart(credit_table).to_dict()
    probe = ChartProbe(
        spec,
        {
            "bars": ("attribution", 0, ["channel", "credit"]),
            "ticks": ("attribution", 1, ["model", "credit"]),
        },
    )
    seen = probe.read({"attribution_model": model})
    bars = {row["channel"]: row["credit"] for row in seen["bars"]}
    assert bars == pytest.approx(by_hand)
    model_rows = credit_table[credit_table["model"] == model]
    expected = dict(
        zip(
            model_rows["channel"].astype(str).str.replace("_", " "),
            model_rows["conversions"],
            strict=True,
        )
    )
    assert bars == pytest.approx(expected)
    assert len(seen["ticks"]) == len(credit_table)  # every model stays visible as a tick


def test_attribution_chart_can_draw_a_value_column(touchpoints):
    priced = touchpoints.assign(
        revenue=touchpoints["journey_id"].map({1: 100.0, 2: 60.0, 4: 300.0})
    )
    table = integrated.compare_attribution(priced, ["last_touch"], value_column="revenue")
    spec = charts.attribution_chart(table, measure="revenue").to_dict()
    [rows] = [rows for rows in inline_rows(spec) if "credit" in rows[0]]
    # Last touch by hand: email gets journey 1 (100), kol journey 2 (60), paid search 4 (300).
    assert {r["channel"]: r["credit"] for r in rows} == pytest.approx(
        {"paid search": 300.0, "email": 100.0, "kol": 60.0, "display": 0.0}
    )


@pytest.mark.parametrize(
    ("change", "kwargs", "message"),
    [
        (lambda t: t.iloc[0:0], {}, "attribution table is empty"),
        (lambda t: t.drop(columns="share"), {}, "attribution table is missing column 'share'"),
        (lambda t: t, {"model": "u_shaped"}, "model must be one of 'first_touch'"),
        (lambda t: t, {"measure": "revenue"}, "missing column 'revenue'"),
        (lambda t: pd.concat([t, t]), {}, "one row per model and channel"),
        (lambda t: t.assign(conversions="many"), {}, "'conversions' must hold numbers"),
    ],
)
def test_attribution_chart_rejects_bad_tables(credit_table, change, kwargs, message):
    with pytest.raises(ValueError, match=message):
        charts.attribution_chart(change(credit_table), **kwargs)


# --- setup() and the offline renderer -------------------------------------------------------


def _tiny_chart():
    frame = pd.DataFrame({"week": [1, 2], "posts": [3, 5]})
    return (
        alt.Chart(frame, title="Posts", description="Posts per week")
        .mark_bar()
        .encode(x="week:O", y="posts:Q")
    )


def test_setup_enables_theme_and_offline_renderer():
    charts.setup()
    assert alt.renderers.active == "socialmarketing"
    assert alt.theme.active == "socialmarketing"


def test_renderer_draws_html_for_the_site_and_a_live_chart_in_a_kernel(monkeypatch):
    charts.setup()
    monkeypatch.setenv(charts.SITE_BUILD_ENV, "1")
    site = _tiny_chart()._repr_mimebundle_()["text/html"]
    assert 'aria-label="Posts per week"' in site
    # The site's page loads the chart library itself: nothing is loaded from anywhere here.
    assert "window.vegaEmbed" not in site and " src=" not in site
    monkeypatch.delenv(charts.SITE_BUILD_ENV)
    bundle = _tiny_chart()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "text/html" not in bundle  # no inline script that only the first chart would carry
    assert bundle["text/plain"] == "<Chart: Posts per week>"


def test_chart_html_escapes_description_and_script_breakouts():
    spec = {"description": 'He said "<b>hi</b>"', "data": {"values": [{"t": "</script>"}]}}
    out = charts.chart_html(spec)
    assert "&quot;&lt;b&gt;hi&lt;/b&gt;&quot;" in out
    assert out.count("</script>") == 1


@pytest.mark.parametrize(
    ("value", "minimum", "step", "expected_step"),
    [
        (0.3, 0.0, 0.01, 0.01),  # on the grid: unchanged
        (0.005, 0.0, 0.01, 0.001),  # a browser would show 0.01: one tenth of the step
        (265.0, 0.0, 10.0, 1.0),
        (0.0625, 0.0, 0.01, 0.0001),
    ],
)
def test_a_slider_step_always_reaches_the_starting_value(value, minimum, step, expected_step):
    param = charts._slider("x", "X", value, minimum, 1000.0, step).param.to_dict()
    assert param["bind"]["step"] == pytest.approx(expected_step)
    assert param["value"] == value
