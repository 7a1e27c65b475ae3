"""Tests for answer_key.returns (reference answers of assignment 06).

Expected values come from tiny tables worked out by hand in the comments below, from the
closed form of the best split of a budget over two channels with the same saturation, and
from the prices and costs of the sample data (data/README.md).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from answer_key import returns
from socialmarketing import costs, data

SETTINGS = settings(max_examples=50, deadline=None)

# Spend: search 100 yuan in weeks 1 and 2 (50 and 40 clicks, 2 and 1 new customers),
# mail 50 yuan in week 1, kol 80 yuan in week 2.
SPEND = pd.DataFrame(
    {
        "week": [1, 1, 2, 2],
        "channel": ["search", "mail", "search", "kol"],
        "cost_kind": ["per_click", "per_email", "per_click", "fee"],
        "spend": [100.0, 50.0, 100.0, 80.0],
        "clicks": [50, 10, 40, 5],
        "conversions": [2, 1, 1, 0],
    }
)
# Orders: search 3 (weeks 1, 1, 3), mail 1, direct 1.
ORDERS = pd.DataFrame(
    {
        "order_id": [1, 2, 3, 4, 5],
        "order_time": pd.to_datetime(
            [
                "2026-03-02 10:00",
                "2026-03-05 10:00",
                "2026-03-18 10:00",
                "2026-03-03 10:00",
                "2026-03-04 10:00",
            ]
        ),
        "session_id": pd.array([1, 2, 3, 4, 5], dtype="Int64"),
        "channel": ["search", "search", "search", "mail", "direct"],
        "revenue": [59.0, 118.0, 59.0, 59.0, 59.0],
        "margin": [25.5, 51.0, 25.5, 25.5, 25.5],
    }
)


def test_spend_by_cost_kind_hand_example():
    result = returns.spend_by_cost_kind(SPEND)
    assert result.to_dict() == {"per_click": 200.0, "per_email": 50.0, "fee": 80.0}


def test_last_click_returns_hand_example():
    table = returns.last_click_returns(ORDERS, SPEND)
    assert sorted(table.index) == ["kol", "mail", "search"]  # direct has no spend
    # search: 236 yuan of revenue and 102 of margin for 200 spent.
    assert table.loc["search", "orders"] == 3
    assert table.loc["search", "roas"] == pytest.approx(236 / 200)
    assert table.loc["search", "roi"] == pytest.approx((102 - 200) / 200)
    # mail: 59 and 25.5 for 50 spent.
    assert table.loc["mail", "roas"] == pytest.approx(59 / 50)
    assert table.loc["mail", "roi"] == pytest.approx((25.5 - 50) / 50)
    # kol: nothing for 80 spent: ROAS 0, everything lost.
    assert table.loc["kol", "roas"] == 0
    assert table.loc["kol", "roi"] == -1
    assert returns.last_click_roas_by_channel(ORDERS, SPEND)["mail"] == pytest.approx(1.18)
    assert returns.last_click_roi_by_channel(ORDERS, SPEND)["mail"] == pytest.approx(-0.49)


def test_campaign_returns_hand_example():
    campaigns = pd.DataFrame({"campaign_id": [1, 2, 4], "budget": [1000.0, 200.0, 500.0]})
    posts = pd.DataFrame(
        {"post_id": [10, 11, 12], "campaign_id": pd.array([1, None, 2], dtype="Int64")}
    )
    clicks = pd.DataFrame({"click_id": [100, 101, 102], "post_id": [10, 11, 12]})
    sessions = pd.DataFrame(
        {"session_id": [1, 2, 3, 4], "click_id": pd.array([100, 101, None, 100], dtype="Int64")}
    )
    orders = pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4, 5, 6],
            "session_id": pd.array([1, 2, 3, 4, None, None], dtype="Int64"),
            "channel": ["kol", "kol", "direct", "email", "offline_event", "offline_event"],
            "margin": [50.0, 30.0, 20.0, 25.0, 15.0, 15.0],
        }
    )
    # Campaign 1: orders 1 and 4 (via post 10), 75 yuan. Campaign 2: no order. Campaign 4: the
    # two pop-up orders, 30 yuan. Order 2 came from a post of no campaign, order 3 not from a
    # post at all.
    table = returns.campaign_returns(orders, sessions, clicks, posts, campaigns)
    assert table["tracked_orders"].to_dict() == {1: 2, 2: 0, 4: 2}
    assert table["tracked_margin"].to_dict() == {1: 75.0, 2: 0.0, 4: 30.0}
    expected_roi = {1: (75 - 1000) / 1000, 2: -1.0, 4: (30 - 500) / 500}
    assert table["roi"].to_dict() == pytest.approx(expected_roi)
    roi = returns.roi_by_campaign(orders, sessions, clicks, posts, campaigns)
    assert roi.to_dict() == pytest.approx(expected_roi)


def test_paid_search_weekly_hand_example():
    spend = SPEND.replace({"channel": {"search": "paid_search"}})
    orders = ORDERS.replace({"channel": {"search": "paid_search"}})
    table = returns.paid_search_weekly(orders, spend)
    # Week 1: 100 yuan, 50 clicks (2 yuan each), orders 1 and 2 earn 76.5 -> -23.5.
    # Week 2: 100 yuan, 40 clicks (2.5 yuan each), no order -> -100.
    # Week 3 has no spend row; its order is not in the table.
    assert list(table.index) == [1, 2]
    assert table["cpc"].tolist() == pytest.approx([2.0, 2.5])
    assert table["orders"].tolist() == [2, 0]
    assert table["profit"].tolist() == pytest.approx([-23.5, -100.0])


def test_paid_search_break_even_cpc_hand_example():
    spend = SPEND.replace({"channel": {"search": "paid_search"}})
    orders = ORDERS.replace({"channel": {"search": "paid_search"}})
    # CVR 3 / 90; average order 236 / 3 yuan; margin share 102 / 236:
    # 3/90 x 236/3 x 102/236 = 102 / 90 yuan, the margin per click.
    result = returns.paid_search_break_even_cpc(orders, spend)
    assert result == pytest.approx(102 / 90)


def test_break_even_cpc_needs_an_order():
    spend = SPEND.replace({"channel": {"search": "paid_search"}})
    with pytest.raises(ValueError, match="no order"):
        returns.paid_search_break_even_cpc(ORDERS, spend)


def test_budget_split_closed_form_for_two_channels():
    # Same saturation s: at the best split a1/s exp(-x1/s) = a2/s exp(-x2/s), so
    # x1 - x2 = s ln(a1 / a2) and x1 + x2 = B.
    curves = pd.DataFrame(
        {"channel": ["a", "b"], "max_conversions": [200.0, 100.0], "saturation": [1000.0] * 2}
    )
    split = returns.budget_split(curves, 3000.0)
    x1 = (3000 + 1000 * math.log(2)) / 2
    assert split.loc["a", "optimal_spend"] == pytest.approx(x1, rel=1e-6)
    assert split.loc["b", "optimal_spend"] == pytest.approx(3000 - x1, rel=1e-6)
    assert split["equal_spend"].tolist() == [1500.0, 1500.0]
    expected_a = 200 * (1 - math.exp(-x1 / 1000))
    assert split.loc["a", "optimal_conversions"] == pytest.approx(expected_a, rel=1e-6)


def test_response_curves_pass_through_the_season_hand_example():
    # search: 200 yuan for 3 new customers; mail: 50 yuan for 1; kol 80 yuan for none.
    curves = returns.response_curves_from_season(SPEND, exclude=("kol",)).set_index("channel")
    assert sorted(curves.index) == ["mail", "search"]
    assert curves.loc["search", "saturation"] == 200.0
    assert curves.loc["search", "max_conversions"] == pytest.approx(3 / (1 - math.exp(-1)))
    # Spending this season's amount gives back this season's conversions.
    again = costs.response_conversions(
        curves["saturation"], curves["max_conversions"], curves["saturation"]
    )
    assert again.to_dict() == pytest.approx({"search": 3.0, "mail": 1.0})


def test_season_budget_split_spends_the_same_money(tables):
    spend = tables["channel_spend"]
    split = returns.season_budget_split(spend)
    assert "offline_event" not in split.index
    season = spend.loc[spend["channel"] != "offline_event", "spend"].sum()
    assert split["optimal_spend"].sum() == pytest.approx(season)
    assert split["equal_spend"].sum() == pytest.approx(season)
    # Spending as this season did brings this season's conversions back (by construction);
    # the optimal split brings at least as many.
    season_conversions = spend.loc[spend["channel"] != "offline_event", "conversions"].sum()
    assert split["optimal_conversions"].sum() >= season_conversions


# ---------------------------------------------------------------------------------------------
# The sample data
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    names = ("orders", "channel_spend", "sessions", "link_clicks", "posts", "campaigns")
    return {name: data.load(name) for name in names}


def test_paid_search_cpc_rises_three_percent_a_week(tables):
    # data/README.md: CPC in week w = 1.60 x 1.03 ** (w - 1).
    table = returns.paid_search_weekly(tables["orders"], tables["channel_spend"])
    expected = 1.60 * 1.03 ** (np.arange(1, 13) - 1)
    assert list(table.index) == list(range(1, 13))
    assert table["cpc"].to_numpy() == pytest.approx(expected, rel=0.01)


def test_paid_search_break_even_is_the_margin_per_click(tables):
    orders, spend = tables["orders"], tables["channel_spend"]
    paid = spend[spend["channel"] == "paid_search"]
    # Every paid-search order is a first order, so margin / clicks is the break-even CPC.
    margin = orders.loc[orders["channel"] == "paid_search", "margin"].sum()
    expected = margin / paid["clicks"].sum()
    assert returns.paid_search_break_even_cpc(orders, spend) == pytest.approx(expected)


def test_margin_per_order_matches_the_prices(tables):
    # A case sells for 59.00 online (50.15 in the May Day sale) and costs 33.50.
    table = returns.last_click_returns(tables["orders"], tables["channel_spend"])
    assert table["spend"].sum() == pytest.approx(tables["channel_spend"]["spend"].sum())
    margin_share = table["margin"] / table["revenue"]
    assert ((margin_share > (50.15 - 33.5) / 50.15 - 0.05) & (margin_share < 0.44)).all()


def test_tracked_orders_are_a_subset_of_all_orders(tables):
    table = returns.campaign_returns(*(tables[name] for name in tables if name != "channel_spend"))
    assert list(table.index) == [1, 2, 3, 4, 5]
    assert 0 < table["tracked_orders"].sum() <= len(tables["orders"])
    assert ((table["roi"] >= -1) & (table["roi"] < 0)).all()


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------


@SETTINGS
@given(
    st.lists(st.floats(min_value=0.01, max_value=1e5), min_size=2, max_size=2),
    st.lists(st.floats(min_value=0, max_value=1e4), min_size=3, max_size=3),
)
def test_returns_are_finite_and_roi_at_least_minus_one(spends, margins):
    spend = pd.DataFrame({"week": [1, 1], "channel": ["a", "b"], "spend": spends})
    orders = pd.DataFrame(
        {
            "order_id": [1, 2, 3],
            "channel": ["a", "a", "direct"],
            "revenue": [2 * m for m in margins],
            "margin": margins,
        }
    )
    table = returns.last_click_returns(orders, spend)
    assert np.isfinite(table[["roas", "roi"]].to_numpy()).all()
    assert (table["roas"] >= 0).all()
    assert (table["roi"] >= -1).all()


@SETTINGS
@given(
    st.floats(min_value=0, max_value=1e5),
    st.lists(
        st.tuples(st.floats(min_value=0, max_value=1e3), st.floats(min_value=1, max_value=1e5)),
        min_size=1,
        max_size=6,
    ),
)
def test_optimal_split_is_never_worse_than_equal(budget, channels):
    curves = pd.DataFrame(
        {
            "channel": [f"c{i}" for i in range(len(channels))],
            "max_conversions": [a for a, _ in channels],
            "saturation": [s for _, s in channels],
        }
    )
    split = returns.budget_split(curves, budget)
    assert not split.isna().any().any()
    assert split["optimal_conversions"].sum() >= split["equal_conversions"].sum() - 1e-6
    equal = costs.allocate_budget(budget, curves, method="equal")["conversions"].sum()
    assert split["equal_conversions"].sum() == pytest.approx(equal)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: returns.spend_by_cost_kind(None), "DataFrame"),
        (lambda: returns.last_click_returns(ORDERS.drop(columns="margin"), SPEND), "margin"),
        (lambda: returns.paid_search_weekly(ORDERS, SPEND, channel="kol"), "channel must be"),
        (lambda: returns.paid_search_weekly(ORDERS, SPEND), "no row for paid_search"),
        (lambda: returns.season_budget_split(SPEND.drop(columns="spend")), "spend"),
        (lambda: returns.budget_split(returns.response_curves_from_season(SPEND), -1), "budget"),
        (lambda: returns.budget_split(pd.DataFrame({"channel": ["a"]}), 10), "missing column"),
    ],
)
def test_bad_input_raises_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
