"""Self-checks of assignment 04_relationship_marketing (retention, replies, lifetime value).

Each check looks at the form of the answer (type, index, range) and at facts that can be
worked out without the answer; the values themselves are compared by the hidden tests.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from socialmarketing.selfcheck import (
    CheckFailed,
    expect,
    expect_answers,
    expect_number,
    expect_series,
    register,
)

__all__ = [
    "check_author_reply_share",
    "check_channels_within_break_even_cac",
    "check_club_weekly_retention",
    "check_fan_to_fan_reply_share",
    "check_first_week_retention_by_cohort",
    "check_margin_and_clv_by_club",
    "check_repeat_purchase_rate",
]

#: The channels of channel_spend (every channel that costs money).
SPEND_CHANNELS = (
    "paid_search",
    "display",
    "email",
    "microblog_official",
    "microblog_staff",
    "kol",
    "offline_event",
)

#: The smallest margin (yuan) of one case: a pop-up case sells for 49.00 and costs 33.50.
SMALLEST_CASE_MARGIN = 49.00 - 33.50


def _share_not_percent(answer: Any, name: str) -> float:
    """A single share between 0 and 1, with a hint when it looks like a percentage."""
    value = expect_number(answer, name)
    expect(
        not 1 < value <= 100,
        f"{name} is {value:g}: that looks like a percentage. Give a share between 0 and 1 "
        "(write 15 % as 0.15).",
    )
    return expect_number(value, name, low=0, high=1)


def _shares_not_percent(answer: Any, name: str, index: tuple) -> pd.Series:
    """A Series of shares between 0 and 1 with the given index labels."""
    series = expect_series(answer, name, index=index)
    expect(
        not bool((series > 1).any()),
        f"some values of {name} are above 1: give shares between 0 and 1, not percentages "
        "(write 15 % as 0.15).",
    )
    return expect_series(series, name, low=0, high=1)


@register("repeat_purchase_rate")
def check_repeat_purchase_rate(answer: Any) -> None:
    """Share of customers with two or more orders: a number strictly between 0 and 1."""
    value = _share_not_percent(answer, "repeat_purchase_rate")
    expect(
        0 < value < 1,
        f"repeat_purchase_rate is {value:g}, but some customers ordered again and some did "
        "not. Count orders per customer (value_counts), then take the share with 2 or more.",
    )


@register("club_weekly_retention")
def check_club_weekly_retention(answer: Any) -> None:
    """Weekly retention indexed by club_member True/False, shares."""
    series = _shares_not_percent(answer, "club_weekly_retention", (True, False))
    expect(
        bool((series > 0).all()) and bool((series < 1).all()),
        "a weekly retention of exactly 0 or 1 means nobody (or everybody) came back: "
        "check that you took the 'retention' column of estimate_retention_by_group.",
    )


@register("first_week_retention_by_cohort")
def check_first_week_retention_by_cohort(answer: Any) -> None:
    """Share of each week's new customers who ordered the following week, weeks 1 to 11."""
    name = "first_week_retention_by_cohort"
    if isinstance(answer, pd.Series):
        labels = [str(label) for label in answer.index]
        expect(
            "12" not in labels,
            f"{name} has a row for week 12, but the season ends with week 12: its new "
            "customers have no following week in the data. Leave week 12 out.",
        )
        expect(
            "0" not in labels,
            f"{name} has a row for week 0. Weeks of the season are numbered from 1: "
            "(order_time - 2026-03-02).dt.days // 7 + 1.",
        )
    series = _shares_not_percent(answer, name, tuple(range(1, 12)))
    expect(
        not bool((series == 1).all()),
        f"every value of {name} is 1: every customer orders in their first week, so you "
        "probably counted that week instead of the week after it.",
    )


@register("author_reply_share")
def check_author_reply_share(answer: Any) -> None:
    """Share of fans' comments answered by the post's author, for official and staff posts."""
    series = _shares_not_percent(answer, "author_reply_share", ("official", "staff"))
    expect(
        bool((series < 1).all()) and bool((series > 0).all()),
        "author_reply_share has a 0 or a 1: the brand answered some of the fans' comments "
        "but not all. Count a fan comment as answered when a reply to it "
        "(reply_to_comment_id) was written by the post's author.",
    )


@register("fan_to_fan_reply_share")
def check_fan_to_fan_reply_share(answer: Any) -> None:
    """Share of fans' comments on brand posts answered by another fan."""
    value = _share_not_percent(answer, "fan_to_fan_reply_share")
    expect(
        0 < value < 1,
        f"fan_to_fan_reply_share is {value:g}, but some fans' comments got an answer from "
        "another fan and most did not.",
    )


def _check_margin_per_active_week(answer: Any) -> None:
    """6a: margin in yuan per week with an order, for club members (True) and others (False)."""
    series = expect_series(answer, "margin_per_active_week", index=(True, False), low=0)
    expect(
        bool((series >= SMALLEST_CASE_MARGIN).all()),
        "every week with an order sold at least one case, and a case earns at least "
        f"{SMALLEST_CASE_MARGIN:.2f} yuan of margin, so margin_per_active_week cannot be "
        "smaller. Did you divide by the number of orders of the whole table, or by "
        "something other than the (customer, week) pairs with an order?",
    )


def _check_clv_by_club(answer: Any) -> None:
    """6b: lifetime value in yuan, for club members (True) and others (False)."""
    series = expect_series(answer, "clv_by_club", index=(True, False), low=0)
    expect(
        bool((series >= SMALLEST_CASE_MARGIN).all()),
        "a customer's lifetime value includes the margin of their first week, so it is at "
        "least the margin of one case. Use customer_lifetime_value(margin, retention, "
        "discount_rate) with the margin per active week, not a share.",
    )


@register("margin_and_clv_by_club")
def check_margin_and_clv_by_club(answer: Any) -> None:
    """Part 6, two answers checked together: ``(margin_per_active_week, clv_by_club)``."""
    margin, clv = expect_answers(
        answer, "margin_and_clv_by_club", ("margin_per_active_week", "clv_by_club")
    )
    _check_margin_per_active_week(margin)
    _check_clv_by_club(clv)


@register("channels_within_break_even_cac")
def check_channels_within_break_even_cac(answer: Any) -> None:
    """A list of channel names from channel_spend, each at most once."""
    name = "channels_within_break_even_cac"
    if isinstance(answer, pd.Series | pd.DataFrame):
        raise CheckFailed(
            f"{name} should be a list of channel names, but it is a pandas "
            f"{type(answer).__name__}. Take the index labels you keep and turn them into a "
            "list, e.g. list(cost.index[cost <= limit])."
        )
    expect(
        isinstance(answer, list | tuple | set | pd.Index),
        f"{name} should be a list of channel names, but it is a {type(answer).__name__}.",
    )
    names = [str(item) for item in answer]
    unknown = [item for item in names if item not in SPEND_CHANNELS]
    expect(
        not unknown,
        f"{name} contains {', '.join(map(repr, unknown))}, which is not a channel of "
        f"channel_spend ({', '.join(SPEND_CHANNELS)}).",
    )
    expect(len(names) == len(set(names)), f"{name} names a channel more than once.")
    expect(
        0 < len(names) < len(SPEND_CHANNELS),
        f"{name} should keep some channels and drop others: compare each channel's cost per "
        "new customer with the lifetime value of an ordinary customer.",
    )
