"""Tests for socialmarketing.targeting: broad vs. targeted buying, reach and frequency, segments.

Expected values come from hand-worked examples written out here, from closed forms computed
with the math module, and from scipy.stats.poisson (the reference for the reach model: a
person's exposures are Poisson with mean impressions / audience).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from socialmarketing import data, targeting

SETTINGS = settings(max_examples=80, deadline=None)

shares = st.floats(0, 1)
money = st.floats(0.01, 1e7)
prices = st.floats(0.01, 1_000)
audiences = st.integers(1, 10**8)
frequencies = st.integers(1, 20)


# ---------------------------------------------------------------------------------------------
# targeted_reach
# ---------------------------------------------------------------------------------------------


def test_targeted_reach_hand_example():
    # 10,000 yuan at 20 yuan per 1,000 = 500,000 impressions; 15 % on target = 75,000, the
    # other 425,000 wasted; 1,000 on-target impressions cost 20 / 0.15 = 133.33 yuan.
    result = targeting.targeted_reach(10_000, 20, 0.15)
    assert result["impressions"] == pytest.approx(500_000)
    assert result["target_impressions"] == pytest.approx(75_000)
    assert result["wasted_impressions"] == pytest.approx(425_000)
    assert result["target_cpm"] == pytest.approx(133.333333)
    assert result["cost_per_target_impression"] == pytest.approx(0.133333333)
    assert result["budget"] == 10_000 and result["cpm"] == 20 and result["target_share"] == 0.15


def test_targeted_reach_with_nothing_on_target_costs_infinitely_much_per_target():
    result = targeting.targeted_reach(500, 10, 0.0)
    assert result["target_impressions"] == 0
    assert result["wasted_impressions"] == pytest.approx(50_000)
    assert result["target_cpm"] == np.inf
    assert not result.isna().any()


def test_targeted_reach_with_no_budget_buys_nothing():
    result = targeting.targeted_reach(0, 10, 0.5)
    assert result["impressions"] == 0 and result["target_impressions"] == 0
    assert result["target_cpm"] == pytest.approx(20)  # the price does not depend on the budget


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-5, 20, 0.1), "budget must be 0 or more, got -5"),
        ((100, 0, 0.1), "cpm must be more than 0, got 0"),
        ((100, 20, 15), r"target_share must be between 0 and 1 \(write 5% as 0.05\), got 15"),
        ((100, "20", 0.1), "cpm must be a number"),
        ((float("nan"), 20, 0.1), "budget must be a finite number"),
    ],
)
def test_targeted_reach_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        targeting.targeted_reach(*args)


@SETTINGS
@given(budget=st.floats(0, 1e9), cpm=prices, share=shares)
def test_targeted_reach_splits_every_impression_and_never_gives_nan(budget, cpm, share):
    result = targeting.targeted_reach(budget, cpm, share)
    assert not result.isna().any()
    assert (result.drop("target_cpm") >= 0).all()
    assert result["target_impressions"] + result["wasted_impressions"] == pytest.approx(
        result["impressions"]
    )
    assert result["impressions"] == pytest.approx(1000 * budget / cpm)


@SETTINGS
@given(budget=st.floats(-1e9, -1e-9), share=st.floats(1.000001, 1e3))
def test_targeted_reach_rejects_out_of_range_values(budget, share):
    with pytest.raises(ValueError, match="budget must be 0 or more"):
        targeting.targeted_reach(budget, 20, 0.5)
    with pytest.raises(ValueError, match="target_share must be between 0 and 1"):
        targeting.targeted_reach(100, 20, share)


# ---------------------------------------------------------------------------------------------
# reach_frequency
# ---------------------------------------------------------------------------------------------


def test_reach_frequency_hand_example_of_the_docstring():
    # 100,000 impressions on 100,000 people: f = 1. Reach = 100,000 x (1 - e^-1) = 63,212;
    # frequency among the reached = 100,000 / 63,212 = 1.582; three or more exposures:
    # 1 - e^-1 x (1 + 1 + 1/2) = 0.0803 of the audience.
    result = targeting.reach_frequency(100_000, 100_000, min_frequency=3)
    assert result["average_frequency"] == 1.0
    assert result["reach"] == pytest.approx(100_000 * (1 - math.exp(-1)))
    assert result["reach"] == pytest.approx(63_212.06, abs=0.01)
    assert result["reach_share"] == pytest.approx(1 - math.exp(-1))
    assert result["frequency"] == pytest.approx(1 / (1 - math.exp(-1)))
    assert result["effective_reach_share"] == pytest.approx(1 - math.exp(-1) * 2.5)
    assert result["effective_reach"] == pytest.approx(100_000 * (1 - math.exp(-1) * 2.5))


def test_reach_frequency_small_budget_spread_thin_or_concentrated():
    # The same 50,000 impressions on 1,000,000 people (f = 0.05) or on 50,000 people (f = 1):
    # concentrated, 31,606 people see it and 4,015 see it 3+ times; spread thin, 48,771 see it
    # but only 20 see it 3+ times: 1,000,000 x (1 - 0.951229 x 1.05125) = 20.07.
    thin = targeting.reach_frequency(50_000, 1_000_000, min_frequency=3)
    focused = targeting.reach_frequency(50_000, 50_000, min_frequency=3)
    assert thin["reach"] == pytest.approx(1_000_000 * (1 - math.exp(-0.05)))
    assert thin["effective_reach"] == pytest.approx(
        1_000_000 * (1 - math.exp(-0.05) * (1 + 0.05 + 0.05**2 / 2))
    )
    assert thin["effective_reach"] == pytest.approx(20.07, abs=0.01)
    assert focused["effective_reach"] == pytest.approx(50_000 * (1 - math.exp(-1) * 2.5))
    assert focused["effective_reach"] > 100 * thin["effective_reach"]
    assert thin["reach"] > focused["reach"]


def test_reach_frequency_without_impressions_reaches_nobody():
    result = targeting.reach_frequency(0, 5_000, min_frequency=2)
    assert result["reach"] == 0 and result["effective_reach"] == 0
    assert result["frequency"] == 0  # nobody reached: no exposures per person reached
    assert not result.isna().any()


def test_reach_frequency_is_accurate_for_tiny_frequencies():
    # 1 impression on a billion people: reach is 1 - e^-1e-9 of a billion, about 1 person.
    result = targeting.reach_frequency(1, 10**9, min_frequency=2)
    assert result["reach"] == pytest.approx(10**9 * -math.expm1(-1e-9), rel=1e-12)
    assert result["frequency"] == pytest.approx(1.0, rel=1e-8)
    assert result["effective_reach"] == pytest.approx(10**9 * stats.poisson.sf(1, 1e-9), rel=1e-9)


def test_reach_with_min_frequency_one_is_the_effective_reach():
    result = targeting.reach_frequency(12_345, 6_789)
    assert result["min_frequency"] == 1
    assert result["effective_reach"] == pytest.approx(result["reach"], rel=1e-12)


def test_reach_frequency_matches_random_delivery_to_a_large_audience():
    # Exactly, I impressions each hitting one of N people at random reach N (1 - (1 - 1/N)^I)
    # people on average; for a large audience that is the Poisson reach used here.
    audience, impressions = 200_000, 300_000
    exact = audience * (1 - (1 - 1 / audience) ** impressions)
    assert targeting.reach_frequency(impressions, audience)["reach"] == pytest.approx(
        exact, rel=1e-5
    )


@SETTINGS
@given(impressions=st.floats(0, 1e9), audience=audiences, k=frequencies)
def test_reach_frequency_agrees_with_scipy_poisson(impressions, audience, k):
    result = targeting.reach_frequency(impressions, audience, min_frequency=k)
    f = impressions / audience
    assert result["reach_share"] == pytest.approx(stats.poisson.sf(0, f), rel=1e-9, abs=1e-300)
    expected = stats.poisson.sf(k - 1, f)
    assert result["effective_reach_share"] == pytest.approx(expected, rel=1e-8, abs=1e-300)
    assert not result.isna().any()
    assert 0 <= result["effective_reach"] <= result["reach"] * (1 + 1e-12) + 1e-300
    assert result["reach"] <= audience
    if result["reach"] > 0:
        assert result["frequency"] * result["reach"] == pytest.approx(impressions)
        assert result["frequency"] >= 1 - 1e-9  # everyone reached saw it at least once


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, 100), "impressions must be 0 or more, got -1"),
        ((100, 0), "audience_size must be 1 or more, got 0"),
        ((100, 2.5), "audience_size must be a whole number, got 2.5"),
        ((100, 100, 0), "min_frequency must be 1 or more, got 0"),
        ((100, 100, 1.5), "min_frequency must be a whole number"),
    ],
)
def test_reach_frequency_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        targeting.reach_frequency(*args)


# ---------------------------------------------------------------------------------------------
# break_even_premium
# ---------------------------------------------------------------------------------------------


def test_break_even_premium_hand_examples():
    assert targeting.break_even_premium(0.15, 0.60) == pytest.approx(3.0)  # 0.60 / 0.15 - 1
    assert targeting.break_even_premium(0.5, 0.5) == 0.0  # no gain: no premium pays
    assert targeting.break_even_premium(0.4, 0.2) == pytest.approx(-0.5)  # needs a discount


def test_break_even_premium_needs_a_broad_share_above_zero():
    with pytest.raises(ValueError, match="broad_target_share must be more than 0"):
        targeting.break_even_premium(0.0, 0.3)
    with pytest.raises(ValueError, match="targeted_target_share must be between 0 and 1"):
        targeting.break_even_premium(0.1, 1.3)


@SETTINGS
@given(broad=st.floats(1e-6, 1), targeted=shares, cpm=prices)
def test_at_the_break_even_premium_both_options_cost_the_same_per_target(broad, targeted, cpm):
    premium = targeting.break_even_premium(broad, targeted)
    if premium < 0:
        return  # compare_targeting takes no discounts; the sign is checked above
    table = targeting.compare_targeting(1_000, cpm, premium, broad, targeted, 1_000)
    assert table.loc["targeted", "target_cpm"] == pytest.approx(table.loc["broad", "target_cpm"])


# ---------------------------------------------------------------------------------------------
# compare_targeting
# ---------------------------------------------------------------------------------------------


def test_compare_targeting_hand_example_of_the_docstring():
    table = targeting.compare_targeting(10_000, 20, 0.5, 0.15, 0.6, 200_000, min_frequency=3)
    assert list(table.index) == ["broad", "targeted"]
    broad, targeted = table.loc["broad"], table.loc["targeted"]
    # Broad: CPM 20, 500,000 impressions, 75,000 on target; f = 75,000 / 200,000 = 0.375.
    assert broad["cpm"] == 20
    assert broad["impressions"] == pytest.approx(500_000)
    assert broad["target_impressions"] == pytest.approx(75_000)
    assert broad["average_frequency"] == pytest.approx(0.375)
    assert broad["reach"] == pytest.approx(200_000 * (1 - math.exp(-0.375)))
    assert broad["reach"] == pytest.approx(62_542.1, abs=0.1)
    three_plus = 1 - math.exp(-0.375) * (1 + 0.375 + 0.375**2 / 2)
    assert broad["effective_reach"] == pytest.approx(200_000 * three_plus)
    assert broad["cost_per_reached"] == pytest.approx(10_000 / broad["reach"])
    # Targeted: CPM 20 x 1.5 = 30, 333,333 impressions, 60 % = 200,000 on target; f = 1.
    assert targeted["cpm"] == pytest.approx(30)
    assert targeted["impressions"] == pytest.approx(1_000_000 / 3)
    assert targeted["target_impressions"] == pytest.approx(200_000)
    assert targeted["wasted_impressions"] == pytest.approx(400_000 / 3)
    assert targeted["target_cpm"] == pytest.approx(50)
    assert targeted["reach"] == pytest.approx(126_424.1, abs=0.1)
    assert targeted["effective_reach"] == pytest.approx(200_000 * (1 - math.exp(-1) * 2.5))
    assert targeted["cost_per_effective_reach"] == pytest.approx(
        10_000 / (200_000 * (1 - math.exp(-1) * 2.5))
    )


def test_compare_targeting_rows_are_targeted_reach_and_reach_frequency():
    table = targeting.compare_targeting(800, 25, 0.4, 0.2, 0.7, 30_000, min_frequency=2)
    bought = targeting.targeted_reach(800, 25 * 1.4, 0.7)
    seen = targeting.reach_frequency(bought["target_impressions"], 30_000, 2)
    row = table.loc["targeted"]
    for column in ("cpm", "impressions", "target_impressions", "wasted_impressions", "target_cpm"):
        assert row[column] == pytest.approx(bought[column])
    for column in ("average_frequency", "reach", "frequency", "effective_reach"):
        assert row[column] == pytest.approx(seen[column])


def test_compare_targeting_with_nothing_on_target_reaches_nobody_at_infinite_cost():
    table = targeting.compare_targeting(1_000, 20, 0.5, 0.0, 0.5, 10_000)
    broad = table.loc["broad"]
    assert broad["reach"] == 0 and broad["effective_reach"] == 0
    assert broad["cost_per_reached"] == np.inf
    assert broad["cost_per_effective_reach"] == np.inf
    assert not table.isna().any().any()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"budget": 0}, "budget must be more than 0, got 0"),
        ({"broad_cpm": -3}, "broad_cpm must be more than 0, got -3"),
        ({"targeting_premium": -0.1}, "targeting_premium must be 0 or more, got -0.1"),
        ({"broad_target_share": 1.5}, "broad_target_share must be between 0 and 1"),
        ({"targeted_target_share": -0.2}, "targeted_target_share must be between 0 and 1"),
        ({"target_audience": 0}, "target_audience must be 1 or more, got 0"),
        ({"min_frequency": 0}, "min_frequency must be 1 or more, got 0"),
    ],
)
def test_compare_targeting_rejects_bad_input(kwargs, message):
    arguments = {
        "budget": 1_000,
        "broad_cpm": 20,
        "targeting_premium": 0.5,
        "broad_target_share": 0.15,
        "targeted_target_share": 0.6,
        "target_audience": 10_000,
        "min_frequency": 1,
    }
    with pytest.raises(ValueError, match=message):
        targeting.compare_targeting(**{**arguments, **kwargs})


@SETTINGS
@given(
    budget=money,
    cpm=prices,
    premium=st.floats(0, 10),
    broad=shares,
    targeted=shares,
    audience=audiences,
    k=frequencies,
)
def test_compare_targeting_valid_input_gives_no_nan_and_no_negative_counts(
    budget, cpm, premium, broad, targeted, audience, k
):
    table = targeting.compare_targeting(budget, cpm, premium, broad, targeted, audience, k)
    assert not table.isna().any().any()
    assert (table >= 0).all().all()
    assert (table["reach"] <= audience).all()
    assert (table["effective_reach"] <= table["reach"] * (1 + 1e-12) + 1e-300).all()
    # Who wins per on-target impression is decided by the break-even premium.
    if broad > 0 and targeted > 0:
        break_even = targeting.break_even_premium(broad, targeted)
        cheaper = table.loc["targeted", "target_cpm"] < table.loc["broad", "target_cpm"]
        if not math.isclose(premium, break_even, rel_tol=1e-9, abs_tol=1e-12):
            assert cheaper == (premium < break_even)


@SETTINGS
@given(
    budget=st.floats(-1e6, 0),
    premium=st.floats(-1e3, -1e-9),
    share=st.one_of(st.floats(-1e3, -1e-9), st.floats(1.000001, 1e3)),
    audience=st.integers(-1000, 0),
)
def test_compare_targeting_out_of_range_values_raise_clear_errors(budget, premium, share, audience):
    good = (1_000, 20, 0.5, 0.15, 0.6, 10_000)
    with pytest.raises(ValueError, match="budget must be more than 0"):
        targeting.compare_targeting(budget, *good[1:])
    with pytest.raises(ValueError, match="targeting_premium must be 0 or more"):
        targeting.compare_targeting(*good[:2], premium, *good[3:])
    with pytest.raises(ValueError, match="broad_target_share must be between 0 and 1"):
        targeting.compare_targeting(*good[:3], share, *good[4:])
    with pytest.raises(ValueError, match="target_audience must be 1 or more"):
        targeting.compare_targeting(*good[:5], audience)


# ---------------------------------------------------------------------------------------------
# has_interest
# ---------------------------------------------------------------------------------------------


def test_has_interest_matches_whole_tags_only():
    interests = pd.Series(
        ["tea;gaming", "food", "gaming;tea", "bubble tea;food", "teaching", None, "tea"],
        index=[10, 11, 12, 13, 14, 15, 16],
    )
    found = targeting.has_interest(interests, "tea")
    assert found.tolist() == [True, False, True, False, False, False, True]
    assert list(found.index) == [10, 11, 12, 13, 14, 15, 16]
    assert found.dtype == bool


def test_has_interest_on_the_sample_accounts_agrees_with_splitting_the_tags():
    accounts = data.load("accounts")
    expected = accounts["interests"].str.split(";").apply(lambda tags: "food" in tags)
    found = targeting.has_interest(accounts["interests"], "food")
    assert found.tolist() == expected.tolist()
    assert 0 < found.sum() < len(accounts)


@pytest.mark.parametrize(
    ("tag", "message"),
    [("", "tag must be one interest"), ("tea;food", "without ';'"), (3, "tag must be one")],
)
def test_has_interest_rejects_bad_tags(tag, message):
    with pytest.raises(ValueError, match=message):
        targeting.has_interest(pd.Series(["tea"]), tag)


def test_has_interest_needs_a_column():
    with pytest.raises(ValueError, match="interests must be a pandas Series"):
        targeting.has_interest(["tea;food"], "tea")


# ---------------------------------------------------------------------------------------------
# segment_table
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def toy_accounts() -> pd.DataFrame:
    # 10 accounts, 4 tea lovers (40 %). Tier 1: 4 accounts, 3 tea lovers; tier 2: 6 accounts,
    # 1 tea lover. Tier 3 exists as a category but has no accounts.
    tier = pd.Categorical([1, 1, 1, 1, 2, 2, 2, 2, 2, 2], categories=[1, 2, 3], ordered=True)
    return pd.DataFrame(
        {
            "city_tier": tier,
            "income": ["low", "high", "high", "low", "low", "low", "high", "low", "low", "low"],
            "tea": [True, True, True, False, True, False, False, False, False, False],
        }
    )


def test_segment_table_hand_example(toy_accounts):
    table = targeting.segment_table(toy_accounts, "city_tier", "tea")
    assert list(table.index) == [1, 2]  # the empty tier 3 is left out
    assert table["accounts"].tolist() == [4, 6]
    assert table["targets"].tolist() == [3, 1]
    assert table["share_of_accounts"].tolist() == pytest.approx([0.4, 0.6])
    assert table["target_rate"].tolist() == pytest.approx([0.75, 1 / 6])
    assert table["share_of_targets"].tolist() == pytest.approx([0.75, 0.25])
    # Index = 100 x segment rate / overall rate (0.4): 187.5 and 41.7.
    assert table["index"].tolist() == pytest.approx([187.5, 100 / 6 / 0.4])


def test_segment_table_with_two_columns(toy_accounts):
    table = targeting.segment_table(toy_accounts, ["city_tier", "income"], "tea")
    assert table.loc[(1, "high"), "targets"] == 2
    assert table.loc[(2, "low"), "accounts"] == 5
    assert table.loc[(2, "low"), "target_rate"] == pytest.approx(0.2)
    assert table["accounts"].sum() == 10
    assert table["share_of_targets"].sum() == pytest.approx(1)


def test_segment_table_on_the_sample_users_agrees_with_a_crosstab():
    accounts = data.load("accounts")
    users = accounts[accounts["kind"] == "user"].assign(
        tea=lambda frame: frame["interests"].str.split(";").apply(lambda tags: "tea" in tags)
    )
    table = targeting.segment_table(users, "income_band", "tea")
    counts = pd.crosstab(users["income_band"], users["tea"])
    assert table["accounts"].tolist() == counts.sum(axis=1).tolist()
    assert table["targets"].tolist() == counts[True].tolist()
    rates = pd.crosstab(users["income_band"], users["tea"], normalize="index")[True]
    assert np.allclose(table["target_rate"], rates)
    # The index averages to 100 when weighted by segment size.
    assert (table["index"] * table["share_of_accounts"]).sum() == pytest.approx(100)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.assign(tea=f["tea"].astype(int)), "target column 'tea' must hold True/False"),
        (lambda f: f.assign(tea=False), "no account has tea = True"),
        (lambda f: f.drop(columns="income"), "accounts table is missing column 'income'"),
        (lambda f: f.iloc[:0], "accounts table is empty"),
    ],
)
def test_segment_table_rejects_bad_tables(toy_accounts, change, message):
    with pytest.raises(ValueError, match=message):
        targeting.segment_table(change(toy_accounts), ["city_tier", "income"], "tea")


def test_segment_table_rejects_bad_arguments(toy_accounts):
    with pytest.raises(ValueError, match="accounts must be a pandas DataFrame"):
        targeting.segment_table({"tea": [True]}, "city_tier", "tea")
    with pytest.raises(ValueError, match="by must name at least one column"):
        targeting.segment_table(toy_accounts, [], "tea")
    with pytest.raises(ValueError, match="cannot also be a segment column"):
        targeting.segment_table(toy_accounts, ["tea"], "tea")
