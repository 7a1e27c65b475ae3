"""Tests for answer_key.customers (reference answers of assignment 04).

Expected values come from tiny tables worked out by hand in the comments below, from closed
forms (CLV = m / (1 - r) without discounting) and from the parameters the sample data were
generated with (data/README.md), recovered within a few standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from answer_key import customers
from socialmarketing import data

SETTINGS = settings(max_examples=60, deadline=None)


def make_orders(rows: list[tuple[int, str, float]]) -> pd.DataFrame:
    """An orders table from (customer_id, order_time, margin) rows; revenue = 2 x margin."""
    return pd.DataFrame(
        {
            "order_id": range(1, len(rows) + 1),
            "customer_id": [row[0] for row in rows],
            "order_time": pd.to_datetime([row[1] for row in rows]),
            "margin": [row[2] for row in rows],
            "revenue": [2 * row[2] for row in rows],
        }
    )


# ---------------------------------------------------------------------------------------------
# season_week
# ---------------------------------------------------------------------------------------------


def test_season_week_counts_weeks_from_monday_2_march():
    times = pd.Series(
        pd.to_datetime(
            [
                "2026-03-02 00:00:00",  # the first second of the season: week 1
                "2026-03-08 23:59:59",  # Sunday night: still week 1
                "2026-03-09 00:00:00",  # Monday: week 2
                "2026-05-24 23:59:59",  # the last second of the season: week 12
            ]
        )
    )
    assert customers.season_week(times).tolist() == [1, 1, 2, 12]


def test_season_week_rejects_text():
    with pytest.raises(ValueError, match="dates and times"):
        customers.season_week(pd.Series(["2026-03-02"]))


# ---------------------------------------------------------------------------------------------
# Cohorts and retention on a hand-worked example
# ---------------------------------------------------------------------------------------------

# Customer 1: weeks 1 and 2 -> cohort 1, came back the next week.
# Customer 2: week 1 only   -> cohort 1, did not.
# Customer 3: weeks 2 and 4 -> cohort 2, did not come back in week 3.
# Customer 4: week 12 only  -> cohort 12, left out (no week 13 in the data).
# Customer 5: weeks 11, 12  -> cohort 11, came back.
# So: week 1 -> 1/2, week 2 -> 0/1, week 11 -> 1/1.
COHORT_ROWS = [
    (1, "2026-03-03 10:00", 25.5),
    (1, "2026-03-10 10:00", 25.5),
    (2, "2026-03-05 10:00", 25.5),
    (3, "2026-03-09 10:00", 25.5),
    (3, "2026-03-25 10:00", 25.5),
    (4, "2026-05-20 10:00", 25.5),
    (5, "2026-05-12 10:00", 25.5),
    (5, "2026-05-19 10:00", 25.5),
]


def test_first_week_retention_by_cohort_hand_example():
    result = customers.first_week_retention_by_cohort(make_orders(COHORT_ROWS))
    expected = pd.Series({1: 0.5, 2: 0.0, 11: 1.0})
    pd.testing.assert_series_equal(result, expected, check_names=False, check_index_type=False)


def test_first_week_retention_counts_a_customer_once_per_week():
    # Two orders in the next week still make one customer who came back: 1 of 1.
    rows = [(1, "2026-03-02 10:00", 1.0), (1, "2026-03-09 10:00", 1.0)]
    rows.append((1, "2026-03-10 10:00", 1.0))
    result = customers.first_week_retention_by_cohort(make_orders(rows))
    assert result.to_dict() == {1: 1.0}


# Club example, observed until week 4 (customer 13's order):
#   member 1 orders in weeks 1, 2, 3: chances 1->2 (taken), 2->3 (taken), 3->4 (not taken);
#   member 2 orders in week 1 only: chance 1->2 (not taken).  Members: 2 / 4 = 0.5.
#   other 11 orders in weeks 2, 3: chances 2->3 (taken), 3->4 (not);
#   other 12 orders in week 1: chance 1->2 (not); other 13 orders in week 4: no chance seen.
#   Others: 1 / 3.
# Margins: member 1 has two orders in week 1 (10 + 20) and 30 in each of weeks 2 and 3; member 2
# has 30 -> members' margin 120 over 4 active weeks = 30 yuan. Others: 12 + 18 + 24 + 6 = 60
# over 4 active weeks = 15 yuan.
CLUB_ROWS = [
    (1, "2026-03-02 10:00", 10.0),
    (1, "2026-03-04 10:00", 20.0),
    (1, "2026-03-10 10:00", 30.0),
    (1, "2026-03-17 10:00", 30.0),
    (2, "2026-03-03 10:00", 30.0),
    (11, "2026-03-11 10:00", 12.0),
    (11, "2026-03-18 10:00", 18.0),
    (12, "2026-03-05 10:00", 24.0),
    (13, "2026-03-25 10:00", 6.0),
]
CLUB_ACCOUNTS = pd.DataFrame(
    {"account_id": [1, 2, 11, 12, 13, 99], "club_member": [True, True, False, False, False, True]}
)


def test_club_weekly_retention_hand_example():
    result = customers.club_weekly_retention(make_orders(CLUB_ROWS), CLUB_ACCOUNTS)
    assert result[True] == pytest.approx(0.5)
    assert result[False] == pytest.approx(1 / 3)


def test_margin_per_active_week_hand_example():
    result = customers.margin_per_active_week(make_orders(CLUB_ROWS), CLUB_ACCOUNTS)
    assert result[True] == pytest.approx(30.0)
    assert result[False] == pytest.approx(15.0)


def test_clv_by_club_without_discount_is_margin_over_churn():
    result = customers.clv_by_club(make_orders(CLUB_ROWS), CLUB_ACCOUNTS, discount_rate=0.0)
    assert result[True] == pytest.approx(30.0 / (1 - 0.5))
    assert result[False] == pytest.approx(15.0 / (1 - 1 / 3))


def test_clv_by_club_with_discount_uses_the_closed_form():
    d = 0.01
    result = customers.clv_by_club(make_orders(CLUB_ROWS), CLUB_ACCOUNTS, discount_rate=d)
    assert result[True] == pytest.approx(30.0 * (1 + d) / (1 + d - 0.5))


def test_weekly_discount_rate_is_ten_percent_a_year():
    assert pytest.approx(1.10) == (1 + customers.WEEKLY_DISCOUNT_RATE) ** 52


def test_clv_by_club_rejects_a_negative_discount_rate():
    with pytest.raises(ValueError, match="discount_rate must be 0 or more"):
        customers.clv_by_club(make_orders(CLUB_ROWS), CLUB_ACCOUNTS, discount_rate=-0.1)


# ---------------------------------------------------------------------------------------------
# Replies to fans on a hand-worked example
# ---------------------------------------------------------------------------------------------

ACCOUNTS = pd.DataFrame(
    {
        "account_id": [1, 2, 3, 4, 5],
        "kind": ["official", "staff", "user", "user", "kol"],
    }
)
POSTS = pd.DataFrame({"post_id": [10, 11, 12], "account_id": [1, 2, 3]})
# (comment_id, post_id, writer, reply_to)
COMMENT_ROWS = [
    (100, 10, 3, None),  # fan comment on the official post ...
    (101, 10, 1, 100),  # ... answered by the official account (the author) ...
    (102, 10, 4, 100),  # ... and by another fan.
    (103, 10, 4, None),  # fan comment nobody answers
    (104, 10, 5, None),  # a KOL is a fan too; ...
    (105, 10, 5, 104),  # ... answering their own comment is not a fan's answer.
    (106, 11, 3, None),  # fan comment on the staff post, answered by its author
    (107, 11, 2, 106),
    (108, 11, 4, None),  # answered by the official account, which did not write the post
    (109, 11, 1, 108),
    (110, 12, 4, None),  # on a user's post: not a brand post
    (111, 10, 2, None),  # a staff member commenting: not a fan
]
# Fan comments on brand posts: 100, 103, 104 (official) and 106, 108 (staff).
# Answered by the author: official 1 of 3, staff 1 of 2. By another fan: 1 of 5.
COMMENTS = pd.DataFrame(
    {
        "comment_id": [row[0] for row in COMMENT_ROWS],
        "post_id": [row[1] for row in COMMENT_ROWS],
        "account_id": [row[2] for row in COMMENT_ROWS],
        "reply_to_comment_id": pd.array([row[3] for row in COMMENT_ROWS], dtype="Int64"),
    }
)


def test_fan_comments_on_brand_posts_hand_example():
    table = customers.fan_comments_on_brand_posts(COMMENTS, POSTS, ACCOUNTS)
    assert table["comment_id"].tolist() == [100, 103, 104, 106, 108]
    assert table["author_kind"].tolist() == ["official"] * 3 + ["staff"] * 2
    assert table["answered_by_author"].tolist() == [True, False, False, True, False]
    assert table["answered_by_fan"].tolist() == [True, False, False, False, False]


def test_author_reply_share_hand_example():
    result = customers.author_reply_share(COMMENTS, POSTS, ACCOUNTS)
    assert result.to_dict() == pytest.approx({"official": 1 / 3, "staff": 1 / 2})


def test_fan_to_fan_reply_share_hand_example():
    assert customers.fan_to_fan_reply_share(COMMENTS, POSTS, ACCOUNTS) == pytest.approx(1 / 5)


# ---------------------------------------------------------------------------------------------
# Acquisition cost against lifetime value
# ---------------------------------------------------------------------------------------------

SPEND = pd.DataFrame(
    {
        "week": [1, 2, 1, 2, 1],
        "channel": ["cheap", "cheap", "dear", "dear", "idle"],
        "spend": [100.0, 50.0, 44.0, 44.0, 10.0],
        "conversions": [3, 2, 1, 1, 0],
    }
)


def test_cost_per_new_customer_hand_example():
    # cheap: 150 / 5 = 30; dear: 88 / 2 = 44; idle: 10 yuan for nobody -> inf.
    result = customers.cost_per_new_customer(SPEND)
    assert result["cheap"] == pytest.approx(30.0)
    assert result["dear"] == pytest.approx(44.0)
    assert math.isinf(result["idle"])


def test_channels_within_break_even_cac_hand_example():
    # An ordinary customer of the club example is worth 15 / (1 - 1/3) = 22.5 yuan without
    # discounting: no channel qualifies. Doubling every margin makes it 45: cheap and dear.
    orders = make_orders(CLUB_ROWS)
    assert customers.channels_within_break_even_cac(orders, CLUB_ACCOUNTS, SPEND, 0.0) == []
    orders["margin"] *= 2
    result = customers.channels_within_break_even_cac(orders, CLUB_ACCOUNTS, SPEND, 0.0)
    assert result == ["cheap", "dear"]


# ---------------------------------------------------------------------------------------------
# Recovering the parameters of the sample data (data/README.md)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {name: data.load(name) for name in ("orders", "accounts", "comments", "posts")}


def test_club_retention_recovers_35_and_15_percent(tables):
    result = customers.club_weekly_retention(tables["orders"], tables["accounts"])
    # About 180 chances for members (standard error 0.036) and 1,100 for others (0.011).
    assert result[True] == pytest.approx(0.35, abs=0.1)
    assert result[False] == pytest.approx(0.15, abs=0.035)


def test_cohort_retention_matches_the_pooled_model(tables):
    # Under geometric retention every cohort's week-1 share estimates the same weekly rate,
    # a mix of 35 % (members) and 15 % (others): between the two.
    result = customers.first_week_retention_by_cohort(tables["orders"])
    assert list(result.index) == list(range(1, 12))
    assert 0.15 - 0.03 < result.mean() < 0.35


def test_reply_shares_recover_the_data_sheet(tables):
    args = (tables["comments"], tables["posts"], tables["accounts"])
    shares = customers.author_reply_share(*args)
    # About 4,200 fan comments on official posts, 250 on staff posts.
    assert shares["official"] == pytest.approx(0.35, abs=0.03)
    assert shares["staff"] == pytest.approx(0.50, abs=0.12)
    assert customers.fan_to_fan_reply_share(*args) == pytest.approx(0.08, abs=0.02)


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

order_rows = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=8),
        st.integers(min_value=0, max_value=84 * 24 - 1),  # hours into the season
        st.floats(min_value=0, max_value=200, allow_nan=False),
    ),
    min_size=1,
    max_size=40,
)


def as_orders(rows: list[tuple[int, int, float]]) -> pd.DataFrame:
    start = pd.Timestamp("2026-03-02")
    return make_orders([(c, str(start + pd.Timedelta(hours=h)), m) for c, h, m in rows])


@SETTINGS
@given(order_rows)
def test_first_week_retention_is_a_share_for_every_cohort(rows):
    orders = as_orders(rows)
    result = customers.first_week_retention_by_cohort(orders)
    assert not result.isna().any()
    assert ((result >= 0) & (result <= 1)).all()
    weeks = customers.season_week(orders["order_time"])
    first_weeks = set(weeks.groupby(orders["customer_id"]).min())
    assert set(result.index) == {week for week in first_weeks if week < 12}


@SETTINGS
@given(order_rows)
def test_clv_is_at_least_the_margin_per_active_week(rows):
    orders = as_orders(rows)
    accounts = pd.DataFrame({"account_id": range(1, 9), "club_member": [True, False] * 4})
    # Both groups need a customer whose next week is inside the data.
    orders = pd.concat(
        [orders, as_orders([(1, 0, 1.0), (2, 0, 1.0), (3, 24 * 20, 1.0)])], ignore_index=True
    )
    margin = customers.margin_per_active_week(orders, accounts)
    clv = customers.clv_by_club(orders, accounts, discount_rate=0.0)
    assert np.isfinite(clv).all()
    assert (clv >= margin - 1e-9).all()


@pytest.mark.parametrize(
    "call",
    [
        lambda: customers.first_week_retention_by_cohort("orders.csv"),
        lambda: customers.first_week_retention_by_cohort(pd.DataFrame({"customer_id": [1]})),
        lambda: customers.club_weekly_retention(make_orders(CLUB_ROWS), pd.DataFrame()),
        lambda: customers.author_reply_share(COMMENTS.drop(columns="post_id"), POSTS, ACCOUNTS),
        lambda: customers.cost_per_new_customer(SPEND.iloc[0:0]),
    ],
)
def test_bad_tables_raise_a_clear_value_error(call):
    with pytest.raises(ValueError, match=r"DataFrame|missing column|empty"):
        call()
