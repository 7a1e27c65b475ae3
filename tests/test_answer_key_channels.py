"""Reference answers of assignment 01 (answer_key.channels).

Expected values are worked out by hand on a tiny channel_spend table (written out below), from
closed forms, or recovered from the sample data's documented parameters (data/README.md).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from answer_key import channels
from socialmarketing import data

# week, channel, spend (yuan), impressions, clicks, conversions
ROWS = [
    (1, "paid_search", 100.0, 1000, 50, 5),
    (2, "paid_search", 110.0, 1100, 50, 4),
    (1, "microblog_official", 80.0, 4000, 20, 2),
    (2, "microblog_official", 80.0, 4000, 20, 0),
    (1, "offline_event", 500.0, 100, 0, 5),
]
# Season totals by hand:
#   paid_search          spend 210, impressions 2100, clicks 100, conversions 9
#   microblog_official   spend 160, impressions 8000, clicks  40, conversions 2
#   offline_event        spend 500, impressions  100, clicks   0, conversions 5


def spend_table(rows=ROWS) -> pd.DataFrame:
    table = pd.DataFrame(
        rows, columns=["week", "channel", "spend", "impressions", "clicks", "conversions"]
    )
    table["channel"] = table["channel"].astype("category")  # as data.load gives it
    return table


def orders_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "channel": pd.Categorical(["paid_search", "paid_search", "email", "direct"]),
            "revenue": [100.0, 320.0, 59.0, 59.0],
            "margin": [40.0, 120.0, 25.5, 25.5],
        }
    )


def test_channel_totals_adds_up_the_weeks():
    totals = channels.channel_totals(spend_table())
    assert list(totals.columns) == ["spend", "impressions", "clicks", "conversions"]
    assert totals.loc["paid_search"].tolist() == [210, 2100, 100, 9]
    assert totals.loc["microblog_official"].tolist() == [160, 8000, 40, 2]
    assert totals.loc["offline_event"].tolist() == [500, 100, 0, 5]
    assert sorted(totals.index) == ["microblog_official", "offline_event", "paid_search"]
    assert not isinstance(totals.index, pd.CategoricalIndex)  # plain text labels


def test_ctr_and_cpc_leave_out_channels_without_clicks():
    ctr = channels.ctr_by_channel(spend_table())
    assert sorted(ctr.index) == ["microblog_official", "paid_search"]
    assert ctr["paid_search"] == pytest.approx(100 / 2100)
    assert ctr["microblog_official"] == pytest.approx(40 / 8000)
    cpc = channels.cpc_by_channel(spend_table())
    assert cpc["paid_search"] == pytest.approx(2.1)
    assert cpc["microblog_official"] == pytest.approx(4.0)
    assert "offline_event" not in cpc.index


def test_cpa_by_channel_is_spend_per_conversion_and_inf_for_none():
    cpa = channels.cpa_by_channel(spend_table())
    assert cpa["paid_search"] == pytest.approx(210 / 9)
    assert cpa["microblog_official"] == pytest.approx(80.0)
    assert cpa["offline_event"] == pytest.approx(100.0)
    rows = [*ROWS, (1, "kol", 300.0, 500, 5, 0)]
    assert channels.cpa_by_channel(spend_table(rows))["kol"] == math.inf


def test_cpa_by_group_pools_spend_and_conversions():
    groups = {"paid": ("paid_search",), "social": ("microblog_official", "offline_event")}
    cpa = channels.cpa_by_group(spend_table(), groups)
    assert list(cpa.index) == ["paid", "social"]
    assert cpa["paid"] == pytest.approx(210 / 9)
    # (160 + 500) / (2 + 5) = 94.29, not the mean of the channels' CPAs (80 and 100).
    assert cpa["social"] == pytest.approx(660 / 7)


def test_cpa_by_group_names_a_channel_missing_from_the_data():
    with pytest.raises(ValueError, match="channel of group 'traditional' must be one of"):
        channels.cpa_by_group(spend_table())


def test_weekly_cpc_and_its_growth_by_hand():
    price = channels.weekly_cpc(spend_table(), "paid_search")
    assert price.index.tolist() == [1, 2]
    assert price.tolist() == pytest.approx([2.0, 2.2])
    # Two points: the fitted line goes through both, slope ln(2.2 / 2.0), growth 10 %.
    assert channels.weekly_cpc_growth(spend_table()) == pytest.approx(0.1)


def test_weekly_cpc_growth_recovers_a_constant_growth_rate():
    weeks = np.arange(1, 13)
    price = 1.6 * 1.03 ** (weeks - 1)
    clicks = np.full(12, 500)
    rows = [
        (int(w), "paid_search", float(p * c), 10_000, int(c), 10)
        for w, p, c in zip(weeks, price, clicks, strict=True)
    ]
    assert channels.weekly_cpc_growth(spend_table(rows)) == pytest.approx(0.03, rel=1e-9)


def test_weekly_cpc_growth_of_the_sample_data_is_the_documented_3_percent():
    # data/README.md: paid search CPC in week w = 1.60 x 1.03^(w-1); clicks are whole numbers,
    # so the recovered rate is close to, not exactly, 3 %.
    growth = channels.weekly_cpc_growth(data.load("channel_spend"))
    assert growth == pytest.approx(0.03, abs=0.002)


def test_weekly_cpc_refuses_weeks_without_clicks_and_unknown_channels():
    with pytest.raises(ValueError, match="offline_event has weeks without clicks"):
        channels.weekly_cpc(spend_table(), "offline_event")
    with pytest.raises(ValueError, match="channel must be one of"):
        channels.weekly_cpc(spend_table(), "tv")
    one_week = [row for row in ROWS if row[0] == 1]
    with pytest.raises(ValueError, match="at least two weeks"):
        channels.weekly_cpc_growth(spend_table(one_week))


def test_channel_roas_uses_the_channels_orders_only():
    # Paid-search orders bring 100 + 320 = 420 yuan for 210 yuan of spend.
    assert channels.channel_roas(orders_table(), spend_table()) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="channel must be one of"):
        channels.channel_roas(orders_table(), spend_table(), "email")


def test_next_week_outcome_by_hand():
    outcome = channels.next_week_outcome(spend_table(), orders_table(), budget=900)
    cpc = 2.2 * 1.1  # week-2 price grown once more by 10 %
    clicks = 900 / cpc
    orders = clicks * 9 / 100  # season CVR of paid search: 9 conversions from 100 clicks
    revenue = orders * (100 + 320) / 2  # mean paid-search order
    gross_profit = revenue * (40 + 120) / (100 + 320)
    assert outcome["budget"] == 900
    assert outcome["clicks"] == pytest.approx(clicks)
    assert outcome["impressions"] == pytest.approx(clicks / (100 / 2100))
    assert outcome["orders"] == pytest.approx(orders)
    assert outcome["revenue"] == pytest.approx(revenue)
    assert outcome["profit"] == pytest.approx(gross_profit - 900)


def test_next_week_outcome_checks_its_inputs():
    with pytest.raises(ValueError, match="budget must be more than 0, got -5"):
        channels.next_week_outcome(spend_table(), orders_table(), budget=-5)
    no_paid_orders = orders_table().iloc[2:]
    with pytest.raises(ValueError, match="no order has paid_search as its channel"):
        channels.next_week_outcome(spend_table(), no_paid_orders)


@pytest.mark.parametrize(
    "function",
    [
        channels.channel_totals,
        channels.ctr_by_channel,
        channels.cpc_by_channel,
        channels.cpa_by_channel,
        channels.weekly_cpc_growth,
    ],
)
def test_tables_are_checked_with_clear_messages(function):
    with pytest.raises(ValueError, match="channel_spend must be a pandas DataFrame"):
        function([1, 2, 3])
    with pytest.raises(ValueError, match="channel_spend table is missing column 'clicks'"):
        function(spend_table().drop(columns="clicks"))
    with pytest.raises(ValueError, match="channel_spend table is empty"):
        function(spend_table().iloc[:0])


def test_orders_table_is_checked():
    with pytest.raises(ValueError, match="orders table is missing column 'revenue'"):
        channels.channel_roas(orders_table().drop(columns="revenue"), spend_table())


def test_reference_answers_on_the_sample_data_are_consistent():
    table = data.load("channel_spend")
    totals = channels.channel_totals(table)
    assert len(totals) == 7
    assert totals["spend"].sum() == pytest.approx(table["spend"].sum())
    cpc = channels.cpc_by_channel(table)
    ctr = channels.ctr_by_channel(table)
    # Display is bought per 1,000 impressions at 20 yuan (data/README.md): CPC = CPM / (1000 CTR).
    assert cpc["display"] == pytest.approx(20.0 / (1000 * ctr["display"]))


week_rows = st.lists(
    st.tuples(
        st.sampled_from(["paid_search", "display", "kol"]),
        st.floats(0.01, 10_000, allow_nan=False),
        st.integers(1, 100_000),
        st.floats(0, 1),
        st.floats(0, 1),
    ),
    min_size=1,
    max_size=12,
)


def random_table(rows) -> pd.DataFrame:
    records = []
    for week, (channel, spend, impressions, click_share, conversion_share) in enumerate(rows):
        clicks = int(impressions * click_share)
        records.append(
            (week + 1, channel, spend, impressions, clicks, int(clicks * conversion_share))
        )
    return spend_table(records)


@settings(max_examples=60, deadline=None)
@given(week_rows)
def test_valid_tables_never_give_nan_and_rates_are_shares(rows):
    table = random_table(rows)
    totals = channels.channel_totals(table)
    assert totals["clicks"].sum() == table["clicks"].sum()
    assert not channels.cpa_by_channel(table).isna().any()
    if (totals["clicks"] > 0).any():
        ctr = channels.ctr_by_channel(table)
        assert ((ctr >= 0) & (ctr <= 1)).all()
        cpc = channels.cpc_by_channel(table)
        assert not cpc.isna().any() and (cpc >= 0).all()


@settings(max_examples=50, deadline=None)
@given(week_rows, st.floats(-1e6, -0.01))
def test_negative_spend_is_refused_with_a_clear_message(rows, bad_spend):
    table = random_table(rows)
    table.loc[table["channel"] == table["channel"][0], "spend"] = bad_spend
    with pytest.raises(ValueError, match="must be 0 or more"):
        channels.cpa_by_channel(table)
