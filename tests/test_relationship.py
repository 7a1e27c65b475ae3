"""Tests for socialmarketing.relationship: cohorts, censoring, retention estimates and CLV.

Expected values come from hand-worked examples written out below, closed forms, data simulated
here with numpy from the geometric retention model (with the true rate known), and scipy's
optimiser for the censored likelihood.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from socialmarketing.relationship import (
    clv_table,
    cohort_retention_long,
    cohort_table,
    compare_groups,
    customer_lifetime_value,
    estimate_retention_by_group,
    estimate_retention_rate,
    max_acquisition_cost,
    repeat_purchase_rate,
    retention_curve,
)

SETTINGS = settings(max_examples=60, deadline=None)
SEASON_START = pd.Timestamp("2026-03-02")  # a Monday


def make_orders(rows: list[tuple[int, str]], **extra: list) -> pd.DataFrame:
    """An orders table from (customer_id, order_time) pairs, plus optional extra columns."""
    table = pd.DataFrame(
        {
            "order_id": range(1, len(rows) + 1),
            "customer_id": [customer for customer, _ in rows],
            "order_time": pd.to_datetime([time for _, time in rows]),
        }
    )
    for name, values in extra.items():
        table[name] = values
    return table


# The hand-worked example. Weeks run Monday to Sunday:
#   W0 = 2026-03-02..08, W1 = 03-09..15, W2 = 03-16..22, W3 = 03-23..29 (the last observed week).
# Customer 1 orders in W0 (twice), W1 and W2; customer 2 only in W0; customer 3 in W1 and W3
# (skipping W2); customer 4 in W2 and W3; customer 5 only in W3.
HAND_ROWS = [
    (1, "2026-03-02 09:00"),
    (1, "2026-03-08 23:59"),  # Sunday night: still W0
    (2, "2026-03-04 12:00"),
    (1, "2026-03-09 00:00"),  # Monday midnight: W1
    (3, "2026-03-12 18:00"),
    (1, "2026-03-20 10:00"),
    (4, "2026-03-17 08:00"),
    (3, "2026-03-25 20:00"),
    (4, "2026-03-23 09:30"),
    (5, "2026-03-28 15:00"),
]


@pytest.fixture
def hand_orders() -> pd.DataFrame:
    return make_orders(HAND_ROWS)


# ---------------------------------------------------------------------------------------------
# repeat_purchase_rate
# ---------------------------------------------------------------------------------------------


def test_repeat_purchase_rate_hand_worked():
    orders = pd.DataFrame({"customer_id": [1, 1, 2, 3, 3, 3]})
    # Customers 1 and 3 ordered again, customer 2 did not: 2 of 3.
    assert repeat_purchase_rate(orders) == pytest.approx(2 / 3)


def test_repeat_purchase_rate_other_column_name():
    orders = pd.DataFrame({"buyer": ["a", "b", "c", "d"]})
    assert repeat_purchase_rate(orders, customer_column="buyer") == 0.0


@SETTINGS
@given(customers=st.lists(st.integers(0, 20), min_size=1, max_size=60))
def test_repeat_purchase_rate_matches_counting(customers):
    counts = Counter(customers)
    expected = sum(1 for n in counts.values() if n >= 2) / len(counts)
    rate = repeat_purchase_rate(pd.DataFrame({"customer_id": customers}))
    assert rate == pytest.approx(expected)
    assert 0.0 <= rate <= 1.0


# ---------------------------------------------------------------------------------------------
# cohort_table and cohort_retention_long
# ---------------------------------------------------------------------------------------------


def test_cohort_table_hand_worked(hand_orders):
    table = cohort_table(hand_orders, "W")
    nan = np.nan
    expected = pd.DataFrame(
        [
            # Cohort W0 = customers 1 and 2; customer 1 is active in W1 and W2, nobody in W3.
            [1.0, 0.5, 0.5, 0.0],
            # Cohort W1 = customer 3: skips W2, back in W3; its k = 3 is not observed yet.
            [1.0, 0.0, 1.0, nan],
            # Cohort W2 = customer 4, active in W3.
            [1.0, 1.0, nan, nan],
            # Cohort W3 = customer 5.
            [1.0, nan, nan, nan],
        ],
        index=pd.to_datetime(["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"]),
        columns=[0, 1, 2, 3],
    )
    assert table.index.name == "cohort_start"
    assert list(table.columns) == [0, 1, 2, 3]
    np.testing.assert_allclose(table.to_numpy(), expected.to_numpy())
    assert (table.index == expected.index).all()


def test_cohort_long_hand_worked(hand_orders):
    long = cohort_retention_long(hand_orders, "W")
    assert list(long.columns) == [
        "cohort_start",
        "periods_since_first",
        "cohort_size",
        "active_customers",
        "share_active",
    ]
    # Only observed cells: 4 + 3 + 2 + 1 = 10 rows and no empty values.
    assert len(long) == 10
    assert not long.isna().any().any()
    first = long[long["cohort_start"] == pd.Timestamp("2026-03-02")]
    assert first["cohort_size"].tolist() == [2, 2, 2, 2]
    assert first["active_customers"].tolist() == [2, 1, 1, 0]
    second = long[long["cohort_start"] == pd.Timestamp("2026-03-09")]
    assert second["active_customers"].tolist() == [1, 0, 1]


def test_cohort_table_months():
    orders = make_orders(
        [
            (1, "2026-01-31 23:00"),
            (1, "2026-02-01 01:00"),
            (1, "2026-04-15 12:00"),
            (2, "2026-01-10 12:00"),
            (3, "2026-02-20 12:00"),
            (3, "2026-03-01 12:00"),
            (4, "2026-04-30 12:00"),
        ]
    )
    table = cohort_table(orders, "M")
    # January cohort {1, 2}: Feb: customer 1 -> 1/2; Mar: nobody; Apr: customer 1 -> 1/2.
    # February cohort {3}: Mar: 1; Apr: 0. April cohort {4}.
    nan = np.nan
    expected = [[1.0, 0.5, 0.0, 0.5], [1.0, 1.0, 0.0, nan], [1.0, nan, nan, nan]]
    np.testing.assert_allclose(table.to_numpy(), expected)
    assert list(table.index) == list(pd.to_datetime(["2026-01-01", "2026-02-01", "2026-04-01"]))


@SETTINGS
@given(
    events=st.lists(
        st.tuples(st.integers(1, 15), st.integers(0, 9 * 7 * 24)), min_size=1, max_size=50
    )
)
def test_cohort_tables_are_shares_and_agree(events):
    orders = make_orders(
        [(c, str(SEASON_START + pd.Timedelta(hours=h))) for c, h in events],
    )
    table = cohort_table(orders, "W")
    long = cohort_retention_long(orders, "W")
    values = table.to_numpy()
    observed = ~np.isnan(values)
    assert ((values[observed] >= 0) & (values[observed] <= 1)).all()
    assert (table[0] == 1.0).all()
    assert not long.isna().any().any()
    assert (long["active_customers"] >= 0).all()
    assert (long["active_customers"] <= long["cohort_size"]).all()
    assert int(observed.sum()) == len(long)
    # Cohort sizes add up to the number of customers.
    sizes = long[long["periods_since_first"] == 0]["cohort_size"]
    assert sizes.sum() == len(set(orders["customer_id"]))


# ---------------------------------------------------------------------------------------------
# retention_curve and censoring
# ---------------------------------------------------------------------------------------------


def test_retention_curve_handles_censoring(hand_orders):
    curve = retention_curve(hand_orders, "W")
    # Horizons (last observable k): customers 1, 2 -> 3; 3 -> 2; 4 -> 1; 5 -> 0.
    # k = 1: observed {1, 2, 3, 4}, active {1, 4}       -> 2 / 4
    # k = 2: observed {1, 2, 3},    active {1, 3}       -> 2 / 3
    # k = 3: observed {1, 2},       active nobody       -> 0 / 2
    assert curve["periods_since_first"].tolist() == [0, 1, 2, 3]
    assert curve["customers_observed"].tolist() == [5, 4, 3, 2]
    assert curve["active_customers"].tolist() == [5, 2, 2, 0]
    assert curve["share_active"].tolist() == pytest.approx([1.0, 0.5, 2 / 3, 0.0])
    # Counting customer 5 (acquired in the last week) as lost would give 2 / 5 at k = 1.
    assert curve["share_active"].iloc[1] != pytest.approx(2 / 5)


def test_observed_until_cuts_the_data(hand_orders):
    # End the data on Sunday 22 March: W3's orders are left out, W2 is the last week.
    curve = retention_curve(hand_orders, "W", observed_until="2026-03-22 23:59:59")
    # Customers 1, 2 (cohort W0, horizon 2), 3 (W1, horizon 1), 4 (W2, horizon 0).
    # k = 1: observed {1, 2, 3}, active {1} -> 1/3; k = 2: observed {1, 2}, active {1} -> 1/2.
    assert curve["customers_observed"].tolist() == [4, 3, 2]
    assert curve["share_active"].tolist() == pytest.approx([1.0, 1 / 3, 1 / 2])


def test_retention_curve_by_group_from_accounts(hand_orders):
    accounts = pd.DataFrame(
        {
            "account_id": [1, 2, 3, 4, 5, 6],
            "club_member": [True, False, True, False, False, True],
        }
    )
    curve = retention_curve(hand_orders, "W", by="club_member", accounts=accounts)
    members = curve[curve["club_member"]]
    others = curve[~curve["club_member"]]
    # Members 1 (horizon 3) and 3 (horizon 2): k=1 active {1} of 2; k=2 {1, 3} of 2; k=3 0 of 1.
    assert members["customers_observed"].tolist() == [2, 2, 2, 1]
    assert members["share_active"].tolist() == pytest.approx([1.0, 0.5, 1.0, 0.0])
    # Others 2 (horizon 3), 4 (1), 5 (0): k=1 active {4} of 2; k=2 0 of 1; k=3 0 of 1.
    assert others["customers_observed"].tolist() == [3, 2, 1, 1]
    assert others["share_active"].tolist() == pytest.approx([1.0, 0.5, 0.0, 0.0])


def test_retention_curve_by_first_order_channel(hand_orders):
    channels = ["kol", "email", "email", "email", "kol", "email", "email", "email", "kol", "kol"]
    orders = hand_orders.assign(channel=channels)
    curve = retention_curve(orders, "W", by="channel")
    # First orders: customer 1 kol, 2 email, 3 kol, 4 email, 5 kol (later orders don't count).
    kol = curve[curve["channel"] == "kol"]
    assert kol["customers_observed"].tolist() == [3, 2, 2, 1]
    assert kol["active_customers"].tolist() == [3, 1, 2, 0]


def test_retention_curve_customer_missing_from_accounts(hand_orders):
    accounts = pd.DataFrame({"account_id": [1, 2, 3, 4], "club_member": [True] * 4})
    with pytest.raises(ValueError, match=r"no row in accounts.*customer_id 5"):
        retention_curve(hand_orders, by="club_member", accounts=accounts)


def test_retention_curve_unknown_group_column(hand_orders):
    with pytest.raises(ValueError, match="'club_member' is not in the orders table"):
        retention_curve(hand_orders, by="club_member")


@SETTINGS
@given(
    events=st.lists(
        st.tuples(st.integers(1, 12), st.integers(0, 8 * 7 * 24)), min_size=1, max_size=40
    )
)
def test_retention_curve_never_nan_or_negative(events):
    orders = make_orders([(c, str(SEASON_START + pd.Timedelta(hours=h))) for c, h in events])
    curve = retention_curve(orders, "W")
    assert not curve.isna().any().any()
    assert (curve["active_customers"] >= 0).all()
    assert (curve["active_customers"] <= curve["customers_observed"]).all()
    assert (curve["customers_observed"] > 0).all()
    assert curve["share_active"].between(0, 1).all()
    # The number observed can only shrink as k grows (fewer cohorts are old enough).
    assert (np.diff(curve["customers_observed"]) <= 0).all()


# ---------------------------------------------------------------------------------------------
# estimate_retention_rate
# ---------------------------------------------------------------------------------------------


def test_mle_hand_worked(hand_orders):
    # Chances to order again next week (next week inside the data), and whether taken:
    #   customer 1: k0->k1 yes, k1->k2 yes, k2->k3 no        3 chances, 2 taken
    #   customer 2: k0->k1 no                                1 chance,  0 taken
    #   customer 3: k0->k1 no (k2 active, but k3 is unseen)  1 chance,  0 taken
    #   customer 4: k0->k1 yes                               1 chance,  1 taken
    #   customer 5: acquired in the last week                0 chances
    # r = 3 / 6.
    assert estimate_retention_rate(hand_orders, "W") == pytest.approx(0.5)


def simulate_geometric_orders(
    rng: np.random.Generator, customers: int, retention: float, weeks: int = 12
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Orders from the geometric model, and each customer's run length and horizon.

    Each customer is acquired in a random week; after every week with an order they order
    again the next week with probability ``retention``, otherwise they are gone. The data end
    after ``weeks`` weeks. Returns the orders, the number of repeat weeks each customer would
    have had without the end of the data (``run``) and the last week we can see (``horizon``).
    """
    cohort = rng.integers(0, weeks, size=customers)
    run = rng.geometric(1 - retention, size=customers) - 1  # P(run >= k) = retention ** k
    horizon = weeks - 1 - cohort
    seen = np.minimum(run, horizon)
    customer = np.repeat(np.arange(customers), seen + 1)
    offset = np.arange(len(customer)) - np.repeat(np.cumsum(seen + 1) - (seen + 1), seen + 1)
    week = cohort[customer] + offset
    seconds = rng.integers(0, 7 * 24 * 3600, size=len(customer))
    times = SEASON_START + pd.to_timedelta(week * 7 * 24 * 3600 + seconds, unit="s")
    orders = pd.DataFrame({"customer_id": customer, "order_time": times})
    # Put one order of the last week at the last second, so the data cover all of it.
    orders.loc[len(orders)] = [customers, SEASON_START + pd.Timedelta(weeks=weeks, seconds=-1)]
    return orders, run, horizon


def censored_geometric_mle(run: np.ndarray, horizon: np.ndarray) -> float:
    """Closed-form MLE: seen repeat weeks / (seen repeat weeks + observed losses)."""
    seen = np.minimum(run, horizon)
    lost = run < horizon
    return seen.sum() / (seen.sum() + lost.sum())


@pytest.mark.parametrize("true_rate", [0.15, 0.35])
def test_mle_equals_censored_likelihood_maximum(true_rate):
    rng = np.random.default_rng(2026)
    orders, run, horizon = simulate_geometric_orders(rng, 3000, true_rate)
    # The extra customer added for the last second is acquired in the last week: no chances.
    run = np.append(run, 0)
    horizon = np.append(horizon, 0)
    estimate = estimate_retention_rate(orders, "W")
    assert estimate == pytest.approx(censored_geometric_mle(run, horizon))

    # Same number from scipy maximising the censored log-likelihood
    # sum(seen * log r + lost * log(1 - r)).
    seen = np.minimum(run, horizon)
    lost = run < horizon

    def negative_log_likelihood(r: float) -> float:
        return -(seen.sum() * math.log(r) + lost.sum() * math.log(1 - r))

    best = optimize.minimize_scalar(
        negative_log_likelihood, bounds=(1e-6, 1 - 1e-6), method="bounded"
    )
    assert estimate == pytest.approx(best.x, abs=1e-4)
    assert estimate == pytest.approx(true_rate, abs=0.03)


@pytest.mark.parametrize("true_rate", [0.15, 0.35, 0.7])
def test_mle_is_unbiased_on_simulated_data(true_rate):
    rng = np.random.default_rng(20260302)
    estimates = []
    for _ in range(200):
        orders, _, _ = simulate_geometric_orders(rng, 400, true_rate)
        estimates.append(estimate_retention_rate(orders, "W"))
    estimates = np.array(estimates)
    standard_error_of_mean = estimates.std(ddof=1) / math.sqrt(len(estimates))
    # The average of many estimates sits on the true rate (within 4 standard errors) ...
    assert abs(estimates.mean() - true_rate) < 4 * standard_error_of_mean
    # ... and the bias is small in absolute terms.
    assert abs(estimates.mean() - true_rate) < 0.01


def test_ignoring_censoring_would_be_biased():
    # Half of all customers come back at least once (r = 0.5), but those acquired in the last
    # week had no time to: the raw repeat rate is about 0.5 x 11/12 = 0.46. The estimator
    # corrects for that.
    rng = np.random.default_rng(7)
    orders, _, _ = simulate_geometric_orders(rng, 4000, 0.5)
    assert repeat_purchase_rate(orders) < 0.48
    assert estimate_retention_rate(orders, "W") == pytest.approx(0.5, abs=0.03)


def test_log_least_squares_exact_on_exact_geometric_data():
    # One cohort of 1024 customers in week 0; 1024 / 2**k of them are still active in week k,
    # for k = 0..10, and the data run to week 12. log S(k) = k log 0.5 exactly.
    rows = []
    for customer in range(1024):
        # Active in week k while (customer + 1) * 2**k <= 1024, i.e. for k = 0 .. log2(m).
        weeks_active = (1024 // (customer + 1)).bit_length()
        for week in range(weeks_active):
            rows.append((customer, str(SEASON_START + pd.Timedelta(weeks=week, hours=10))))
    orders = make_orders(rows)
    end = SEASON_START + pd.Timedelta(weeks=13, seconds=-1)  # Sunday night of week 12
    curve = retention_curve(orders, "W", observed_until=end)
    assert curve["periods_since_first"].max() == 12
    assert curve["active_customers"].tolist()[:12] == [1024 // 2**k for k in range(11)] + [0]
    rate = estimate_retention_rate(orders, "W", method="log_least_squares", observed_until=end)
    assert rate == pytest.approx(0.5)


def test_log_least_squares_close_on_simulated_data():
    rng = np.random.default_rng(11)
    orders, _, _ = simulate_geometric_orders(rng, 5000, 0.35)
    rate = estimate_retention_rate(orders, "W", method="log_least_squares")
    assert rate == pytest.approx(0.35, abs=0.04)


def test_retention_by_group_recovers_each_rate():
    rng = np.random.default_rng(99)
    members, _, _ = simulate_geometric_orders(rng, 3000, 0.35)
    others, _, _ = simulate_geometric_orders(rng, 3000, 0.15)
    others["customer_id"] += 10_000
    orders = pd.concat([members, others], ignore_index=True)
    accounts = pd.DataFrame({"account_id": orders["customer_id"].unique()})
    accounts["club_member"] = accounts["account_id"] < 10_000
    table = estimate_retention_by_group(orders, accounts, "club_member")
    assert table["club_member"].tolist() == [False, True]
    assert list(table.columns) == [
        "club_member",
        "customers",
        "repeat_chances",
        "repeats",
        "retention",
        "standard_error",
    ]
    for is_member, true_rate in [(True, 0.35), (False, 0.15)]:
        row = table[table["club_member"] == is_member].iloc[0]
        assert row["retention"] == pytest.approx(row["repeats"] / row["repeat_chances"])
        assert row["standard_error"] == pytest.approx(
            math.sqrt(row["retention"] * (1 - row["retention"]) / row["repeat_chances"])
        )
        assert abs(row["retention"] - true_rate) < 4 * row["standard_error"]


def test_retention_needs_two_periods():
    orders = make_orders([(1, "2026-03-02 10:00"), (2, "2026-03-03 10:00")])
    with pytest.raises(ValueError, match="at least two periods"):
        estimate_retention_rate(orders)
    with pytest.raises(ValueError, match="at least two periods"):
        estimate_retention_rate(orders, method="log_least_squares")


@SETTINGS
@given(
    events=st.lists(
        st.tuples(st.integers(1, 12), st.integers(0, 8 * 7 * 24)), min_size=2, max_size=40
    ),
    method=st.sampled_from(["mle", "log_least_squares"]),
)
def test_retention_estimate_is_a_share(events, method):
    # Make sure at least one customer can be followed for a second week.
    events = [(99, 0), *events, (98, 8 * 7 * 24)]
    orders = make_orders([(c, str(SEASON_START + pd.Timedelta(hours=h))) for c, h in events])
    rate = estimate_retention_rate(orders, "W", method=method)
    assert 0.0 <= rate <= 1.0
    assert not math.isnan(rate)


# ---------------------------------------------------------------------------------------------
# customer_lifetime_value, clv_table, max_acquisition_cost
# ---------------------------------------------------------------------------------------------


def test_clv_hand_worked():
    # m = 100 yuan, r = 0.5, d = 0.1; t = 0 is not discounted:
    # 100 + 100 * 0.5 / 1.1 + 100 * 0.25 / 1.21 = 100 + 45.4545... + 20.6611... = 166.1157...
    assert customer_lifetime_value(100, 0.5, 0.1, periods=3) == pytest.approx(
        100 + 50 / 1.1 + 25 / 1.21
    )
    # Endless: 100 * 1.1 / (1.1 - 0.5) = 183.333...
    assert customer_lifetime_value(100, 0.5, 0.1) == pytest.approx(110 / 0.6)


def test_clv_special_cases():
    assert customer_lifetime_value(80, 0.0, 0.05) == pytest.approx(80.0)  # only t = 0
    assert customer_lifetime_value(80, 0.6, 0.0) == pytest.approx(80 / 0.4)  # m / (1 - r)
    assert customer_lifetime_value(80, 1.0, 0.0, periods=10) == pytest.approx(800.0)
    assert customer_lifetime_value(80, 1.0, 0.25) == pytest.approx(80 * 1.25 / 0.25)
    assert customer_lifetime_value(80, 0.6, 0.1, periods=0) == 0.0
    with pytest.raises(ValueError, match="give a number of periods"):
        customer_lifetime_value(80, 1.0, 0.0)


@SETTINGS
@given(
    margin=st.floats(0, 1e4),
    retention=st.floats(0, 0.99),
    discount=st.floats(0, 0.5),
)
def test_clv_finite_sum_approaches_closed_form(margin, retention, discount):
    endless = customer_lifetime_value(margin, retention, discount)
    long = customer_lifetime_value(margin, retention, discount, periods=5000)
    short = customer_lifetime_value(margin, retention, discount, periods=5)
    assert long == pytest.approx(endless, rel=1e-9, abs=1e-9)
    assert 0.0 <= short <= endless * (1 + 1e-12) + 1e-9
    assert not math.isnan(endless)


@SETTINGS
@given(
    bad=st.sampled_from(
        [
            {"margin_per_period": -1.0},
            {"retention": 1.5},
            {"retention": -0.1},
            {"discount_rate": -0.01},
            {"periods": -3},
            {"periods": 2.5},
            {"margin_per_period": float("nan")},
        ]
    )
)
def test_clv_rejects_out_of_range_input(bad):
    arguments = {"margin_per_period": 50.0, "retention": 0.3, "discount_rate": 0.01, "periods": 4}
    arguments.update(bad)
    name = next(iter(bad))
    with pytest.raises(ValueError, match=name):
        customer_lifetime_value(**arguments)


def test_clv_table_terms():
    table = clv_table(100, 0.5, 0.1, periods=3)
    assert table["period"].tolist() == [0, 1, 2]
    assert table["still_customer"].tolist() == pytest.approx([1.0, 0.5, 0.25])
    assert table["expected_margin"].tolist() == pytest.approx([100.0, 50.0, 25.0])
    assert table["discount_factor"].tolist() == pytest.approx([1.0, 1 / 1.1, 1 / 1.21])
    assert table["present_value"].tolist() == pytest.approx([100.0, 50 / 1.1, 25 / 1.21])
    assert table["cumulative_clv"].tolist() == pytest.approx(
        [100.0, 100 + 50 / 1.1, 100 + 50 / 1.1 + 25 / 1.21]
    )
    with pytest.raises(ValueError, match="periods must be 1 or more"):
        clv_table(100, 0.5, 0.1, periods=0)


@SETTINGS
@given(
    margin=st.floats(0, 1e4),
    retention=st.floats(0, 1),
    discount=st.floats(0, 1),
    periods=st.integers(1, 60),
)
def test_clv_table_ends_at_the_clv(margin, retention, discount, periods):
    table = clv_table(margin, retention, discount, periods)
    assert len(table) == periods
    assert not table.isna().any().any()
    assert (table["present_value"] >= 0).all()
    assert table["cumulative_clv"].iloc[-1] == pytest.approx(
        sum(margin * retention**t / (1 + discount) ** t for t in range(periods))
    )


def test_max_acquisition_cost():
    assert max_acquisition_cost(300.0) == pytest.approx(300.0)
    assert max_acquisition_cost(300.0, clv_to_cac_ratio=3) == pytest.approx(100.0)
    with pytest.raises(ValueError, match="clv_to_cac_ratio must be more than 0"):
        max_acquisition_cost(300.0, clv_to_cac_ratio=0)
    with pytest.raises(ValueError, match="clv must be 0 or more"):
        max_acquisition_cost(-5.0)


# ---------------------------------------------------------------------------------------------
# compare_groups
# ---------------------------------------------------------------------------------------------


def test_compare_groups_hand_worked(hand_orders):
    orders = hand_orders.assign(
        revenue=[59.0, 59.0, 118.0, 59.0, 59.0, 59.0, 177.0, 59.0, 59.0, 118.0],
        margin=[25.5, 25.5, 51.0, 25.5, 25.5, 25.5, 76.5, 25.5, 25.5, 51.0],
    )
    accounts = pd.DataFrame(
        {"account_id": [1, 2, 3, 4, 5], "club_member": [True, False, True, False, False]}
    )
    table = compare_groups(orders, accounts, "club_member", "W")
    assert table["club_member"].tolist() == [False, True]
    members = table[table["club_member"]].iloc[0]
    others = table[~table["club_member"]].iloc[0]

    # Members 1 and 3: 4 + 2 = 6 orders, both ordered again.
    assert members["customers"] == 2
    assert members["orders"] == 6
    assert members["orders_per_customer"] == pytest.approx(3.0)
    assert members["repeat_rate"] == pytest.approx(1.0)
    assert members["revenue_per_customer"] == pytest.approx((59 * 4 + 59 + 59) / 2)
    # Active weeks: customer 1 in W0, W1, W2 (the two W0 orders share a week), 3 in W1, W3:
    # 5 active weeks, margin 25.5 * 6 = 153 yuan -> 30.6 yuan per active week.
    assert members["margin_per_active_period"] == pytest.approx(153 / 5)
    # Chances: customer 1 -> 3 chances, 2 taken; customer 3 -> 1 chance, 0 taken: r = 2/4.
    assert members["retention"] == pytest.approx(0.5)
    assert members["clv"] == pytest.approx((153 / 5) / (1 - 0.5))

    # Others 2, 4, 5: 1 + 2 + 1 = 4 orders; only customer 4 ordered again.
    assert others["customers"] == 3
    assert others["orders"] == 4
    assert others["repeat_rate"] == pytest.approx(1 / 3)
    assert others["revenue_per_customer"] == pytest.approx((118 + 177 + 59 + 118) / 3)
    # Active weeks: 2 (W0), 4 (W2, W3), 5 (W3) = 4; margin 51 + 76.5 + 25.5 + 51 = 204.
    assert others["margin_per_active_period"] == pytest.approx(204 / 4)
    # Chances: customer 2 -> 1 (not taken), customer 4 -> 1 (taken): r = 1/2.
    assert others["retention"] == pytest.approx(0.5)
    discounted = compare_groups(orders, accounts, discount_rate=0.1, periods=3)
    other_clv = discounted[~discounted["club_member"]]["clv"].iloc[0]
    assert other_clv == pytest.approx(51 * (1 + 0.5 / 1.1 + 0.25 / 1.21))


def test_compare_groups_without_accounts_uses_first_order(hand_orders):
    orders = hand_orders.assign(
        revenue=59.0,
        margin=25.5,
        channel=["kol", "email", "email", "email", "kol", "email", "email", "email", "kol", "kol"],
    )
    table = compare_groups(orders, None, "channel")
    assert table["channel"].tolist() == ["email", "kol"]
    assert table["customers"].tolist() == [2, 3]


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------


def test_empty_orders_rejected():
    empty = make_orders([])
    for call in (repeat_purchase_rate, cohort_table, retention_curve, estimate_retention_rate):
        with pytest.raises(ValueError, match="orders table is empty"):
            call(empty)


def test_missing_column_named():
    orders = pd.DataFrame({"customer_id": [1, 2]})
    with pytest.raises(ValueError, match="orders table is missing column 'order_time'"):
        cohort_table(orders)
    with pytest.raises(ValueError, match="orders table is missing column 'customer_id'"):
        repeat_purchase_rate(pd.DataFrame({"buyer": [1]}))
    accounts = pd.DataFrame({"account_id": [1, 2]})
    orders = make_orders([(1, "2026-03-02"), (2, "2026-03-10")], revenue=1.0, margin=1.0)
    with pytest.raises(ValueError, match="accounts table is missing column 'club_member'"):
        compare_groups(orders, accounts)


@pytest.mark.filterwarnings("ignore:Could not infer format")
def test_bad_choices_and_times(hand_orders):
    with pytest.raises(ValueError, match="period must be one of 'W', 'M'"):
        cohort_table(hand_orders, period="D")
    with pytest.raises(ValueError, match="method must be one of 'mle', 'log_least_squares'"):
        estimate_retention_rate(hand_orders, method="guess")
    with pytest.raises(ValueError, match="before the first order"):
        retention_curve(hand_orders, observed_until="2025-01-01")
    text_times = hand_orders.assign(order_time=["not a date"] * len(hand_orders))
    with pytest.raises(ValueError, match="'order_time' must hold dates and times"):
        cohort_table(text_times)
    gaps = hand_orders.astype({"customer_id": "float"})
    gaps.loc[0, "customer_id"] = np.nan
    with pytest.raises(ValueError, match="'customer_id' has 1 empty value"):
        retention_curve(gaps)


def test_string_times_are_accepted(hand_orders):
    as_text = hand_orders.assign(order_time=hand_orders["order_time"].astype(str))
    pd.testing.assert_frame_equal(cohort_table(as_text), cohort_table(hand_orders))
