"""Tests for socialmarketing.costs: ratios and their identities, campaigns, channels, budgets."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from socialmarketing import costs
from socialmarketing.costs import (
    PaidSearch,
    SocialChannel,
    allocate_budget,
    break_even_cpc,
    break_even_cvr,
    campaign_grid,
    campaign_outcome,
    cpa,
    cpc,
    cpm,
    ctr,
    cvr,
    paid_vs_social,
    response_conversions,
    rising_click_cost,
    roas,
    roi,
)

SETTINGS = settings(max_examples=75, deadline=None)
money = st.floats(min_value=0.01, max_value=1e7)
shares = st.floats(min_value=0.0, max_value=1.0)
positive_shares = st.floats(min_value=1e-4, max_value=1.0)


# ---------------------------------------------------------------------------------------------
# The ratios, worked by hand
# ---------------------------------------------------------------------------------------------


def test_ratios_hand_worked():
    # A campaign: 500 yuan, 40,000 impressions, 400 clicks, 8 orders, 3,000 yuan of sales.
    assert cpm(500, 40_000) == pytest.approx(12.5)  # 1000 x 500 / 40000
    assert cpc(500, 400) == pytest.approx(1.25)  # 500 / 400
    assert ctr(400, 40_000) == pytest.approx(0.01)  # 400 / 40000
    assert cvr(8, 400) == pytest.approx(0.02)  # 8 / 400
    assert cpa(500, 8) == pytest.approx(62.5)  # 500 / 8
    assert roas(3000, 500) == pytest.approx(6.0)  # 3000 / 500
    # ROI on revenue: (3000 - 500) / 500 = 5; on gross profit at 40 %: (1200 - 500) / 500 = 1.4
    assert roi(3000, 500) == pytest.approx(5.0)
    assert roi(3000, 500, margin=0.4) == pytest.approx(1.4)
    assert roi(0, 500) == pytest.approx(-1.0)  # everything spent was lost


def test_identities_hold_on_the_hand_worked_campaign():
    # CPC = CPM / (1000 x CTR): 12.5 / (1000 x 0.01) = 1.25; CPA = CPC / CVR: 1.25 / 0.02 = 62.5
    assert cpm(500, 40_000) / (1000 * ctr(400, 40_000)) == pytest.approx(cpc(500, 400))
    assert cpc(500, 400) / cvr(8, 400) == pytest.approx(cpa(500, 8))


def test_scalars_give_floats():
    for value in (cpm(1, 2), cpc(1, 2), ctr(1, 2), cvr(1, 2), cpa(1, 2), roas(1, 2), roi(1, 2)):
        assert type(value) is float


@SETTINGS
@given(
    cost=money,
    impressions=st.floats(min_value=1, max_value=1e9),
    click_share=positive_shares,
    conversion_share=positive_shares,
)
def test_cpc_and_cpa_identities(cost, impressions, click_share, conversion_share):
    clicks = impressions * click_share
    conversions = clicks * conversion_share
    assume(clicks > 0 and conversions > 0)
    assert cpc(cost, clicks) == pytest.approx(
        cpm(cost, impressions) / (1000 * ctr(clicks, impressions)), rel=1e-9
    )
    assert cpa(cost, conversions) == pytest.approx(
        cpc(cost, clicks) / cvr(conversions, clicks), rel=1e-9
    )


@SETTINGS
@given(
    revenue=st.floats(min_value=0, max_value=1e8),
    cost=money,
    margin=shares,
)
def test_roi_is_roas_times_margin_minus_one(revenue, cost, margin):
    # (revenue x margin - cost) / cost = revenue / cost x margin - 1
    assert roi(revenue, cost, margin) == pytest.approx(
        roas(revenue, cost) * margin - 1, rel=1e-9, abs=1e-9
    )


# ---------------------------------------------------------------------------------------------
# Zero denominators and bad input
# ---------------------------------------------------------------------------------------------


def test_money_for_nothing_is_infinitely_expensive():
    assert cpc(100, 0) == math.inf
    assert cpm(100, 0) == math.inf
    assert cpa(100, 0) == math.inf
    assert cpa(0, 5) == 0.0  # free conversions cost nothing each


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cpc(0, 0), "cost and clicks are both 0: nothing was bought"),
        (lambda: cpm(0, 0), "cost and impressions are both 0"),
        (lambda: cpa(0, 0), "no cost per conversion"),
        (lambda: ctr(0, 0), "impressions must be more than 0 to compute a share of them, got 0"),
        (lambda: cvr(3, 0), "clicks must be more than 0 to compute a share"),
        (lambda: ctr(120, 100), "clicks cannot be more than impressions: got 120 clicks from 100"),
        (lambda: cvr(9, 8), "conversions cannot be more than clicks"),
        (lambda: roas(100, 0), "cost must be more than 0, got 0"),
        (lambda: roi(100, 0), "cost must be more than 0, got 0"),
        (lambda: roi(100, 50, margin=40), r"margin must be between 0 and 1 \(write 5% as 0.05\)"),
        (lambda: cpc(-5, 10), "cost must be 0 or more, got -5"),
        (lambda: cpm(5, "many"), "impressions must be a number, got 'many'"),
        (lambda: cpc(5, math.nan), "clicks must be a finite number"),
        (lambda: cpc(5, True), "clicks must be a number, got True"),
        (lambda: cpc([1, 2, 3], [1, -1, 1]), r"clicks\[1\] must be 0 or more, got -1.0"),
        (lambda: cpc([1, 2, 3], [1, 2, None]), r"clicks\[2\] must be a number, got None"),
        (lambda: ctr([1, 2], [0, 10]), "impressions must be more than 0 at position 0"),
        (lambda: cpc([0, 2], [0, 10]), "cost and clicks are both 0 at position 0"),
        (
            lambda: cpc([1, 2, 3], [1, 2]),
            "the inputs must have the same length, but cost has 3 values, clicks has 2 values",
        ),
        (
            lambda: cpc(pd.Series([1, 2], index=["a", "b"]), pd.Series([1, 2], index=["b", "c"])),
            "cost and clicks are pandas Series with different index labels",
        ),
        (lambda: cpc(pd.DataFrame({"x": [1]}), 1), "cost must be a number or a list of numbers"),
    ],
)
def test_ratio_errors_explain_the_problem(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_arrays_and_series_keep_their_shape():
    result = cpc(pd.Series([10.0, 3.0, 5.0], index=["mon", "tue", "wed"]), [2, 0, 1])
    assert isinstance(result, pd.Series)
    assert list(result.index) == ["mon", "tue", "wed"]
    assert result.tolist() == [5.0, math.inf, 5.0]
    array = ctr(np.array([1, 2, 5]), 10)
    assert isinstance(array, np.ndarray)
    assert array.tolist() == pytest.approx([0.1, 0.2, 0.5])
    both = roas(pd.Series([300.0, 0.0]), pd.Series([100.0, 50.0]))
    assert both.tolist() == pytest.approx([3.0, 0.0])


@SETTINGS
@given(
    costs_and_clicks=st.lists(
        st.tuples(st.floats(min_value=0, max_value=1e6), st.floats(min_value=0, max_value=1e6)),
        min_size=1,
        max_size=20,
    )
)
def test_valid_arrays_never_give_nan(costs_and_clicks):
    cost = np.array([pair[0] for pair in costs_and_clicks])
    clicks = np.array([pair[1] for pair in costs_and_clicks])
    assume(not ((cost == 0) & (clicks == 0)).any())
    result = cpc(cost, clicks)
    assert not np.isnan(result).any()
    assert (result >= 0).all()
    assert np.isinf(result[clicks == 0]).all()


# ---------------------------------------------------------------------------------------------
# Break-even and the campaign calculator
# ---------------------------------------------------------------------------------------------


def test_break_even_hand_worked():
    # 2 % buy a 200-yuan item at 40 % margin: a click is worth 0.02 x 200 x 0.4 = 1.6 yuan.
    assert break_even_cpc(0.02, 200, 0.4) == pytest.approx(1.6)
    # At 1.6 yuan a click you need 1.6 / (200 x 0.4) = 2 % of clicks to buy.
    assert break_even_cvr(1.6, 200, 0.4) == pytest.approx(0.02)
    assert break_even_cvr(1.6, 200, 0.0) == math.inf  # orders that earn nothing never pay
    assert break_even_cvr(100, 50, 0.5) == pytest.approx(4.0)  # above 1: impossible


def test_campaign_outcome_hand_worked():
    # 10,000 yuan at 2 yuan a click: 5,000 clicks; at 1 % CTR that took 500,000 impressions.
    # 3 % of 5,000 = 150 orders x 150 yuan = 22,500 revenue; x 40 % = 9,000 gross profit.
    outcome = campaign_outcome(10_000, cpc=2, ctr=0.01, cvr=0.03, order_value=150, margin=0.4)
    expected = {
        "budget": 10_000,
        "impressions": 500_000,
        "clicks": 5_000,
        "orders": 150,
        "revenue": 22_500,
        "gross_profit": 9_000,
        "profit": 9_000 - 10_000,
        "cpm": 1000 * 2 * 0.01,  # 20 yuan per 1,000 impressions
        "cpa": 10_000 / 150,
        "roas": 22_500 / 10_000,
        "roi": (9_000 - 10_000) / 10_000,
        "break_even_cvr": 2 / (150 * 0.4),
        "break_even_cpc": 0.03 * 150 * 0.4,
        "break_even_roas": 1 / 0.4,
    }
    assert isinstance(outcome, pd.Series)
    assert list(outcome.index) == list(expected)
    assert outcome.to_dict() == pytest.approx(expected)


def test_campaign_outcome_matches_the_ratio_functions():
    outcome = campaign_outcome(8_000, cpc=1.5, ctr=0.02, cvr=0.05, order_value=90, margin=0.3)
    assert outcome["cpm"] == pytest.approx(cpm(8_000, outcome["impressions"]))
    assert outcome["cpa"] == pytest.approx(cpa(8_000, outcome["orders"]))
    assert outcome["roas"] == pytest.approx(roas(outcome["revenue"], 8_000))
    assert outcome["roi"] == pytest.approx(roi(outcome["revenue"], 8_000, margin=0.3))
    assert ctr(outcome["clicks"], outcome["impressions"]) == pytest.approx(0.02)
    assert cvr(outcome["orders"], outcome["clicks"]) == pytest.approx(0.05)


def test_campaign_without_orders_has_infinite_cpa_not_nan():
    outcome = campaign_outcome(1000, cpc=2, ctr=0.01, cvr=0.0, order_value=100, margin=0.0)
    assert outcome["orders"] == 0
    assert outcome["cpa"] == math.inf
    assert outcome["break_even_cvr"] == math.inf
    assert outcome["break_even_roas"] == math.inf
    assert outcome["roi"] == -1.0
    assert not outcome.isna().any()


campaign_inputs = {
    "budget": st.floats(min_value=1, max_value=1e6),
    "cpc": st.floats(min_value=0.05, max_value=50),
    "ctr": positive_shares,
    "cvr": st.floats(min_value=1e-3, max_value=1.0),
    "order_value": st.floats(min_value=1, max_value=5000),
    "margin": st.floats(min_value=0.01, max_value=1.0),
}


@SETTINGS
@given(**campaign_inputs)
def test_break_even_means_zero_profit(budget, cpc, ctr, cvr, order_value, margin):
    at_cvr = campaign_outcome(budget, cpc, ctr, cvr, order_value, margin)["break_even_cvr"]
    if at_cvr <= 1:
        outcome = campaign_outcome(budget, cpc, ctr, at_cvr, order_value, margin)
        assert outcome["profit"] == pytest.approx(0, abs=1e-9 * budget)
        assert outcome["roi"] == pytest.approx(0, abs=1e-9)
        assert outcome["roas"] == pytest.approx(outcome["break_even_roas"], rel=1e-9)
    at_cpc = break_even_cpc(cvr, order_value, margin)
    outcome = campaign_outcome(budget, at_cpc, ctr, cvr, order_value, margin)
    assert outcome["profit"] == pytest.approx(0, abs=1e-9 * budget)


@SETTINGS
@given(**campaign_inputs, more=st.floats(min_value=0, max_value=1e6))
def test_more_budget_never_fewer_clicks_or_orders(budget, cpc, ctr, cvr, order_value, margin, more):
    small = campaign_outcome(budget, cpc, ctr, cvr, order_value, margin)
    large = campaign_outcome(budget + more, cpc, ctr, cvr, order_value, margin)
    for name in ("impressions", "clicks", "orders", "revenue", "gross_profit"):
        assert large[name] >= small[name]
    assert not small.isna().any()
    assert (small.drop(["profit", "roi"]) >= 0).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"budget": -5}, "budget must be more than 0, got -5"),
        ({"cpc": 0}, "cpc must be more than 0, got 0"),
        ({"ctr": 150}, "ctr must be between 0 and 1, got 150"),
        ({"ctr": 2}, r"ctr must be between 0 and 1 \(write 5% as 0.05\), got 2"),
        ({"ctr": 0}, "ctr must be more than 0, got 0"),
        ({"cvr": -0.1}, "cvr must be between 0 and 1"),
        ({"order_value": 0}, "order_value must be more than 0"),
        ({"margin": 40}, "margin must be between 0 and 1"),
        ({"budget": [100, 200]}, "budget must be a single number here; use campaign_grid"),
    ],
)
def test_campaign_outcome_errors(kwargs, message):
    inputs = {"budget": 1000, "cpc": 2, "ctr": 0.01, "cvr": 0.02, "order_value": 100}
    inputs["margin"] = 0.5
    inputs.update(kwargs)
    with pytest.raises(ValueError, match=message):
        campaign_outcome(**inputs)


def test_campaign_grid_has_every_combination_and_matches_campaign_outcome():
    grid = campaign_grid([1000, 2000], [1, 2, 3], 0.01, [0.01, 0.02], 100, 0.5)
    assert len(grid) == 2 * 3 * 1 * 2 * 1 * 1
    assert len(grid.drop_duplicates(["budget", "cpc", "cvr"])) == 12
    for _, row in grid.iterrows():
        single = campaign_outcome(
            row["budget"], row["cpc"], row["ctr"], row["cvr"], row["order_value"], row["margin"]
        )
        assert row[single.index].to_numpy() == pytest.approx(single.to_numpy())


def test_campaign_grid_errors():
    with pytest.raises(ValueError, match="campaign_grid would have 1,000 rows"):
        campaign_grid(np.arange(1, 11), np.arange(1, 11), 0.01, np.linspace(0, 1, 10), 1, 1, 999)
    with pytest.raises(ValueError, match=r"cvr\[1\] must be between 0 and 1"):
        campaign_grid(1000, 2, 0.01, [0.01, 3], 100, 0.5)


# ---------------------------------------------------------------------------------------------
# Rising click prices, paid search against social
# ---------------------------------------------------------------------------------------------


def test_rising_click_cost_hand_worked():
    # 2 yuan, +3 % a week: week 1 2.00, week 2 2.06, week 3 2 x 1.03^2 = 2.1218.
    table = rising_click_cost(3, 2.0, 0.03)
    assert list(table.columns) == ["week", "cpc", "clicks_per_1000_yuan"]
    assert table["week"].tolist() == [1, 2, 3]
    assert table["cpc"].tolist() == pytest.approx([2.0, 2.06, 2.1218])
    clicks = [1000 / 2.0, 1000 / 2.06, 1000 / 2.1218]
    assert table["clicks_per_1000_yuan"].tolist() == pytest.approx(clicks)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 2.0, 0.03), "weeks must be 1 or more, got 0"),
        ((4.5, 2.0, 0.03), "weeks must be a whole number"),
        ((4, 0, 0.03), "start_cpc must be more than 0"),
        ((4, 2.0, 3), r"weekly_growth must be between 0 and 1 \(write 5% as 0.05\)"),
    ],
)
def test_rising_click_cost_errors(args, message):
    with pytest.raises(ValueError, match=message):
        rising_click_cost(*args)


def _channel(table: pd.DataFrame, name: str) -> pd.DataFrame:
    return table[table["channel"] == name].reset_index(drop=True)


def test_paid_vs_social_layout():
    table = paid_vs_social(4, 1000)
    assert list(table.columns) == [
        "week",
        "channel",
        "spend",
        "cumulative_spend",
        "customers",
        "cumulative_customers",
        "cost_per_customer",
        "cumulative_cost_per_customer",
        "followers",
    ]
    assert table["week"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4]
    assert table["channel"].tolist() == ["paid search", "social"] * 4
    assert table["cumulative_spend"].tolist() == [1000, 1000, 2000, 2000, 3000, 3000, 4000, 4000]


def test_paid_channel_hand_worked():
    # 10,000 yuan a week at 2 yuan a click rising 3 % a week, 2 % of clicks buy:
    # week 1: 10000 / 2 x 0.02 = 100 customers; week 2: 10000 / 2.06 x 0.02 = 97.087...
    paid = _channel(paid_vs_social(2, 10_000), "paid search")
    assert paid["customers"].tolist() == pytest.approx([100, 10_000 / 2.06 * 0.02])
    assert paid["cost_per_customer"].tolist() == pytest.approx([100, 103])  # CPA = CPC / CVR
    assert paid["followers"].tolist() == [0, 0]  # renting attention builds no audience


def test_paid_cost_per_customer_is_cpc_over_cvr_every_week():
    setup = PaidSearch(start_cpc=1.2, weekly_cpc_growth=0.05, conversion_rate=0.04)
    paid = _channel(paid_vs_social(20, 5_000, paid=setup), "paid search")
    prices = rising_click_cost(20, 1.2, 0.05)["cpc"].to_numpy()
    assert paid["cost_per_customer"].to_numpy() == pytest.approx(prices / 0.04)


def test_social_channel_hand_worked():
    # Week 1: no followers yet, so no customers; 10,000 yuan / 10 yuan = 1,000 followers seeded.
    # Week 2: 1,000 x 0.3 = 300 see posts, 300 x 0.05 = 15 repost, 15 x 20 = 300 reached;
    #   customers (300 + 300) x 0.01 = 6.
    #   followers: gained (1000 + 300 x 0.1) x (1 - 1000 / 1e6) = 1028.97, lost 1000 x 0.05 = 50,
    #   so 1000 - 50 + 1028.97 = 1978.97.
    social = _channel(paid_vs_social(2, 10_000), "social")
    assert social["customers"].tolist() == pytest.approx([0, 6])
    assert social["followers"].tolist() == pytest.approx([1000, 1978.97])
    assert social["cost_per_customer"].iloc[0] == math.inf  # slow start: money, no customers
    assert social["cost_per_customer"].iloc[1] == pytest.approx(10_000 / 6)


def test_social_followers_follow_the_closed_form_without_a_market_limit():
    # Without the market limit, F(w) = F(w-1) x (1 - 0.05 + 0.03) + 1000, so
    # F(w) = 1000 x (1 - 0.98^w) / 0.02, tending to 1000 / 0.02 = 50,000 followers, and
    # customers tend to 50,000 x (0.3 + 0.3 x 0.05 x 20) x 0.01 = 300 a week.
    huge = SocialChannel(market_size=1e300)
    social = _channel(paid_vs_social(60, 10_000, social=huge), "social")
    weeks = np.arange(1, 61)
    assert social["followers"].to_numpy() == pytest.approx(1000 * (1 - 0.98**weeks) / 0.02)
    long_run = _channel(paid_vs_social(2000, 10_000, social=huge), "social")
    assert long_run["followers"].iloc[-1] == pytest.approx(50_000)
    assert long_run["customers"].iloc[-1] == pytest.approx(300)


def test_social_needs_steady_effort():
    # Spend for 20 weeks, then stop: followers shrink every week after that.
    budget = [10_000] * 20 + [0] * 20
    table = paid_vs_social(40, budget)
    social = _channel(table, "social")
    paid = _channel(table, "paid search")
    assert (np.diff(social["followers"].iloc[19:]) < 0).all()
    assert (paid["customers"].iloc[20:] == 0).all()  # paid stops the day the money stops
    assert (social["customers"].iloc[21:] > 0).all()  # the audience built still buys a while
    assert (social["cost_per_customer"].iloc[20:] == 0).all()  # no spend that week


def test_with_defaults_social_starts_slower_but_wins_over_a_year():
    table = paid_vs_social(52, 10_000)
    paid, social = _channel(table, "paid search"), _channel(table, "social")
    assert (social["customers"].iloc[:8] < paid["customers"].iloc[:8]).all()
    assert social["customers"].iloc[-1] > paid["customers"].iloc[-1]
    assert social["cumulative_customers"].iloc[-1] > paid["cumulative_customers"].iloc[-1]


@SETTINGS
@given(
    weeks=st.integers(min_value=1, max_value=80),
    budget=st.floats(min_value=0, max_value=1e7),
    market=st.floats(min_value=1, max_value=1e7),
    reach=shares,
    repost=shares,
    contacts=st.floats(min_value=0, max_value=200),
    follow=shares,
    unfollow=shares,
)
def test_paid_vs_social_never_gives_nan_or_negative_counts(
    weeks, budget, market, reach, repost, contacts, follow, unfollow
):
    social = {
        "organic_reach": reach,
        "repost_rate": repost,
        "contacts_per_repost": contacts,
        "follow_rate": follow,
        "unfollow_rate": unfollow,
        "market_size": market,
    }
    table = paid_vs_social(weeks, budget, social=social)
    numbers = table.drop(columns="channel")
    assert not numbers.isna().to_numpy().any()
    assert (numbers >= 0).to_numpy().all()
    assert (table["followers"] <= market * (1 + 1e-12)).all()
    for name in ("paid search", "social"):
        assert (np.diff(_channel(table, name)["cumulative_customers"]) >= 0).all()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: paid_vs_social(0, 100), "weeks must be 1 or more, got 0"),
        (lambda: paid_vs_social(4, -100), "budget_per_week must be 0 or more, got -100"),
        (
            lambda: paid_vs_social(4, [100, 100]),
            "budget_per_week must be one amount or one amount per week: 4 weeks need 4 amounts, "
            "got 2",
        ),
        (lambda: paid_vs_social(4, [100, -1, 1, 1]), r"budget_per_week\[1\] must be 0 or more"),
        (
            lambda: paid_vs_social(4, 100, paid={"start_cpcc": 3}),
            "a key of paid must be one of 'start_cpc', 'weekly_cpc_growth', 'conversion_rate', "
            "got 'start_cpcc'",
        ),
        (lambda: paid_vs_social(4, 100, paid={"start_cpc": 0}), "start_cpc must be more than 0"),
        (lambda: paid_vs_social(4, 100, social="lots"), "social must be a SocialChannel"),
        (lambda: SocialChannel(organic_reach=30), "organic_reach must be between 0 and 1"),
        (lambda: SocialChannel(market_size=0), "market_size must be more than 0"),
        (lambda: PaidSearch(conversion_rate=-1), "conversion_rate must be between 0 and 1"),
    ],
)
def test_paid_vs_social_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_channel_settings_accept_a_dict_of_changes():
    by_dict = paid_vs_social(5, 1000, paid={"start_cpc": 4.0})
    by_object = paid_vs_social(5, 1000, paid=PaidSearch(start_cpc=4.0))
    pd.testing.assert_frame_equal(by_dict, by_object)
    # 1000 / 4 x 0.02 = 5 customers in week 1
    assert _channel(by_dict, "paid search")["customers"].iloc[0] == pytest.approx(5)


# ---------------------------------------------------------------------------------------------
# Diminishing returns and budget allocation
# ---------------------------------------------------------------------------------------------


def test_response_curve_hand_worked():
    # Spending the saturation amount gets 1 - 1/e of the maximum.
    assert response_conversions(5000, 300, 5000) == pytest.approx(300 * (1 - math.exp(-1)))
    assert response_conversions(0, 300, 5000) == 0.0
    assert response_conversions(1e9, 300, 5000) == pytest.approx(300)
    with pytest.raises(ValueError, match="saturation must be more than 0, got 0"):
        response_conversions(10, 300, 0)


@SETTINGS
@given(
    spend=st.floats(min_value=0, max_value=1e7),
    more=st.floats(min_value=0, max_value=1e7),
    maximum=st.floats(min_value=0, max_value=1e6),
    saturation=st.floats(min_value=1, max_value=1e6),
)
def test_response_curve_rises_and_never_passes_the_maximum(spend, more, maximum, saturation):
    low = response_conversions(spend, maximum, saturation)
    high = response_conversions(spend + more, maximum, saturation)
    assert 0 <= low <= high <= maximum


def _total_conversions(spend, channels: pd.DataFrame) -> float:
    """Conversions of a plan, written out independently of the module."""
    a = channels["max_conversions"].to_numpy()
    s = channels["saturation"].to_numpy()
    return float(np.sum(a * (1 - np.exp(-np.asarray(spend) / s))))


THREE_CHANNELS = pd.DataFrame(
    {
        "channel": ["search", "wechat", "douyin"],
        "max_conversions": [40.0, 60.0, 90.0],
        "saturation": [20.0, 50.0, 120.0],
    }
)


def test_two_channel_split_hand_worked():
    # Equal saturation s = 100, first-yuan returns 2 and 1 conversions per yuan. At the best
    # split the next yuan buys the same on both: 2 e^(-x1/100) = e^(-x2/100), so
    # x1 - x2 = 100 ln 2 = 69.31; with x1 + x2 = 100: x1 = 84.66, x2 = 15.34.
    channels = pd.DataFrame(
        {"channel": ["a", "b"], "max_conversions": [200.0, 100.0], "saturation": [100.0, 100.0]}
    )
    plan = allocate_budget(100, channels)
    expected_first = (100 + 100 * math.log(2)) / 2
    assert plan["spend"].tolist() == pytest.approx([expected_first, 100 - expected_first])
    marginal = plan["marginal_conversions_per_yuan"]
    assert marginal.iloc[0] == pytest.approx(marginal.iloc[1])


def test_small_budget_goes_to_the_best_channel_only():
    # Same channels: while x < 100 ln 2 = 69.3 yuan, channel a's next yuan always buys more.
    channels = pd.DataFrame(
        {"channel": ["a", "b"], "max_conversions": [200.0, 100.0], "saturation": [100.0, 100.0]}
    )
    plan = allocate_budget(50, channels)
    assert plan["spend"].tolist() == pytest.approx([50, 0])
    assert plan["conversions_per_yuan"].iloc[1] == pytest.approx(1.0)  # first-yuan limit a / s


def test_allocation_beats_brute_force_on_a_grid():
    budget = 100.0
    plan = allocate_budget(budget, THREE_CHANNELS)
    assert plan["spend"].sum() == pytest.approx(budget)
    best_on_grid = max(
        _total_conversions([x, y, budget - x - y], THREE_CHANNELS)
        for x, y in itertools.product(np.arange(0, budget + 0.25, 0.5), repeat=2)
        if x + y <= budget
    )
    ours = plan["conversions"].sum()
    assert ours == pytest.approx(_total_conversions(plan["spend"], THREE_CHANNELS))
    assert ours >= best_on_grid - 1e-9
    assert ours == pytest.approx(best_on_grid, rel=1e-4)  # the grid is only 0.5 yuan fine


def _scipy_best(channels, budget, bounds, profit_value=None):
    a = channels["max_conversions"].to_numpy()
    s = channels["saturation"].to_numpy()

    def negative_objective(x):
        conversions = a * (1 - np.exp(-x / s))
        if profit_value is None:
            return -conversions.sum()
        return -(profit_value * conversions - x).sum()

    if profit_value is None:
        constraint = {"type": "eq", "fun": lambda x: x.sum() - budget}
    else:
        constraint = {"type": "ineq", "fun": lambda x: budget - x.sum()}
    start = np.array([max(low, 0) for low, _ in bounds], dtype=float)
    start += (budget - start.sum()) / len(start) if profit_value is None else 0
    result = minimize(
        negative_objective,
        start,
        method="SLSQP",
        bounds=bounds,
        constraints=[constraint],
        options={"ftol": 1e-12, "maxiter": 500},
    )
    assert result.success
    return -result.fun


def test_allocation_with_limits_matches_scipy():
    channels = THREE_CHANNELS.assign(min_spend=[0.0, 30.0, 0.0], max_spend=[10.0, 200.0, 200.0])
    plan = allocate_budget(150, channels)
    assert plan["spend"].sum() == pytest.approx(150)
    assert (plan["spend"] >= channels["min_spend"] - 1e-9).all()
    assert (plan["spend"] <= channels["max_spend"] + 1e-9).all()
    assert plan["spend"].iloc[0] == pytest.approx(10)  # search is capped
    reference = _scipy_best(THREE_CHANNELS, 150, [(0, 10), (30, 200), (0, 200)])
    assert plan["conversions"].sum() >= reference - 1e-6


def test_profit_objective_matches_scipy_and_leaves_money_unspent():
    # With a value of 3 yuan per conversion, spending stops where the next yuan returns 1 yuan:
    # 3 x a / s x exp(-x / s) = 1  ->  x = s ln(3 a / s) when that is positive.
    channels = THREE_CHANNELS.assign(value_per_conversion=3.0)
    plan = allocate_budget(10_000, channels, objective="profit")
    a, s = channels["max_conversions"], channels["saturation"]
    expected = np.maximum(s * np.log(3 * a / s), 0)
    assert plan["spend"].to_numpy() == pytest.approx(expected.to_numpy())
    assert plan["spend"].sum() < 10_000
    assert plan["profit"].tolist() == pytest.approx(3 * plan["conversions"] - plan["spend"])
    # With a tight budget the profit plan uses all of it, and scipy finds nothing better.
    tight = allocate_budget(60, channels, objective="profit")
    assert tight["spend"].sum() == pytest.approx(60)
    reference = _scipy_best(THREE_CHANNELS, 60, [(0, 60)] * 3, profit_value=3.0)
    assert tight["profit"].sum() >= reference - 1e-6


def test_max_spend_caps_can_leave_money_unspent():
    channels = THREE_CHANNELS.assign(max_spend=[10.0, 10.0, None])
    capped = allocate_budget(1000, channels.assign(max_spend=[10.0, 10.0, 10.0]))
    assert capped["spend"].tolist() == pytest.approx([10, 10, 10])
    open_ended = allocate_budget(1000, channels)  # an empty max_spend cell means no limit
    assert open_ended["spend"].tolist() == pytest.approx([10, 10, 980])


def test_precision_targeting_beats_spreading_thin():
    # A well-targeted tier-1 segment and two thin broad segments; 3,000 yuan.
    channels = pd.DataFrame(
        {
            "channel": ["wechat", "wechat", "douyin"],
            "segment": ["tier-1 cities", "lower-tier cities", "lower-tier cities"],
            "max_conversions": [200.0, 300.0, 300.0],
            "saturation": [4_000.0, 60_000.0, 60_000.0],
        }
    )
    spread = allocate_budget(3_000, channels, method="equal")
    targeted = allocate_budget(3_000, channels, segments=["tier-1 cities"], method="equal")
    best = allocate_budget(3_000, channels)
    assert spread["spend"].tolist() == pytest.approx([1000, 1000, 1000])
    assert targeted["spend"].tolist() == pytest.approx([3000, 0, 0])
    assert targeted["funded"].tolist() == [True, False, False]
    # tier-1 only: 200 x (1 - e^-0.75) = 105.5; spread: 200 (1 - e^-0.25) + 2 x 300 (1 - e^(-1/60))
    assert targeted["conversions"].sum() == pytest.approx(200 * (1 - math.exp(-0.75)))
    spread_total = 200 * (1 - math.exp(-0.25)) + 2 * 300 * (1 - math.exp(-1 / 60))
    assert spread["conversions"].sum() == pytest.approx(spread_total)
    assert targeted["conversions"].sum() > spread["conversions"].sum()
    assert best["conversions"].sum() >= targeted["conversions"].sum() - 1e-9


channel_rows = st.lists(
    st.tuples(
        # max_conversions (no subnormal numbers such as 5e-324: divided by the saturation they
        # underflow to a channel that buys nothing, which is right but not what this test is for)
        st.floats(min_value=0, max_value=1e4, allow_subnormal=False),
        st.floats(min_value=1, max_value=1e5),  # saturation
    ),
    min_size=1,
    max_size=6,
)


@SETTINGS
@given(rows=channel_rows, budget=st.floats(min_value=0, max_value=1e6))
def test_allocation_spends_the_budget_without_nan(rows, budget):
    channels = pd.DataFrame(
        {
            "channel": [f"c{i}" for i in range(len(rows))],
            "max_conversions": [row[0] for row in rows],
            "saturation": [row[1] for row in rows],
        }
    )
    plan = allocate_budget(budget, channels)
    assert not plan.isna().to_numpy().any()
    assert (plan["spend"] >= 0).all() and (plan["conversions"] >= 0).all()
    if (channels["max_conversions"] > 0).any():
        assert plan["spend"].sum() == pytest.approx(budget, rel=1e-9, abs=1e-6)
    else:  # no channel can convert anybody: spending would be pure waste
        assert (plan["spend"] == 0).all()
    # optimality condition: funded channels earn the same from their next yuan, and unfunded
    # channels would earn no more than that from their first
    marginal = plan["marginal_conversions_per_yuan"].to_numpy()
    funded = plan["spend"].to_numpy() > 1e-6 * max(budget, 1)
    if funded.any() and budget > 0:
        level = marginal[funded].min()
        assert marginal[funded] == pytest.approx(np.full(funded.sum(), level), rel=1e-6)
        assert (marginal[~funded] <= level * (1 + 1e-6)).all()


@SETTINGS
@given(rows=channel_rows, budget=st.floats(min_value=0, max_value=1e5))
def test_optimal_never_loses_to_an_equal_split(rows, budget):
    channels = pd.DataFrame(
        {
            "channel": [f"c{i}" for i in range(len(rows))],
            "max_conversions": [row[0] for row in rows],
            "saturation": [row[1] for row in rows],
        }
    )
    best = allocate_budget(budget, channels)["conversions"].sum()
    equal = allocate_budget(budget, channels, method="equal")["conversions"].sum()
    assert best >= equal - 1e-9 * max(equal, 1)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: allocate_budget(-1, THREE_CHANNELS), "budget must be 0 or more, got -1"),
        (
            lambda: allocate_budget(100, THREE_CHANNELS.drop(columns="saturation")),
            "channels table is missing column 'saturation'",
        ),
        (
            lambda: allocate_budget(100, THREE_CHANNELS, objective="profit"),
            "channels table is missing column 'value_per_conversion'",
        ),
        (
            lambda: allocate_budget(100, THREE_CHANNELS, segments=["tier-1"]),
            "channels table is missing column 'segment'",
        ),
        (
            lambda: allocate_budget(
                100, THREE_CHANNELS.assign(segment=["x", "y", "y"]), segments="z"
            ),
            "segments must be one of 'x', 'y', got 'z'",
        ),
        (
            lambda: allocate_budget(100, THREE_CHANNELS, objective="clicks"),
            "objective must be one of 'conversions', 'profit', got 'clicks'",
        ),
        (
            lambda: allocate_budget(100, THREE_CHANNELS, method="greedy"),
            "method must be one of 'optimal', 'equal', got 'greedy'",
        ),
        (
            lambda: allocate_budget(100, THREE_CHANNELS.assign(saturation=[1.0, 0.0, 1.0])),
            r"channels.saturation\[1\] must be more than 0, got 0.0",
        ),
        (
            lambda: allocate_budget(100, THREE_CHANNELS.assign(max_conversions=[1, -2, 1])),
            r"channels.max_conversions\[1\] must be 0 or more, got -2",
        ),
        (
            lambda: allocate_budget(
                100, THREE_CHANNELS.assign(min_spend=[50.0, 0, 0], max_spend=[20.0, 99, 99])
            ),
            r"channels.min_spend\[0\] \(50\) cannot be more than channels.max_spend\[0\] \(20\)",
        ),
        (
            lambda: allocate_budget(100, THREE_CHANNELS.assign(min_spend=[50.0, 40.0, 30.0])),
            "the channels' min_spend adds up to 120 yuan, more than the budget of 100 yuan",
        ),
        (lambda: allocate_budget(100, THREE_CHANNELS.iloc[:0]), "at least one row"),
        (lambda: allocate_budget(100, {"channel": ["a"]}), "channels must be a pandas DataFrame"),
    ],
)
def test_allocate_budget_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_public_api_is_listed():
    required = {"cpm", "cpc", "ctr", "cvr", "cpa", "roas", "roi", "campaign_outcome"}
    required |= {"rising_click_cost", "paid_vs_social", "allocate_budget"}
    assert required <= set(costs.__all__)
    assert all(hasattr(costs, name) for name in costs.__all__)
