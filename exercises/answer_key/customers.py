"""Customers who come back: retention, cohorts, replies to fans and lifetime value.

The reference answers of the graded exercise ``04_relationship_marketing``, in plain pandas.
The functions take the tables of :mod:`socialmarketing.data` as loaded by ``data.load`` and
lean on :mod:`socialmarketing.relationship` for the models (retention rate, lifetime value).

* :func:`season_week` - the week of the season (1 to 12) of a date and time;
* :func:`club_weekly_retention` - weekly retention of club members and of other customers;
* :func:`first_week_retention_by_cohort` - share of each week's new customers who order again
  the next week;
* :func:`fan_comments_on_brand_posts`, :func:`author_reply_share`,
  :func:`fan_to_fan_reply_share` - how often fans' comments get an answer;
* :func:`margin_per_active_week`, :func:`clv_by_club` - what a club member and another
  customer are worth;
* :func:`cost_per_new_customer`, :func:`channels_within_break_even_cac` - which channels win
  customers for less than they are worth.
"""

from __future__ import annotations

import pandas as pd

from socialmarketing import relationship
from socialmarketing.data.parameters import SEASON_START, SEASON_WEEKS
from socialmarketing.validation import check_nonnegative, check_table

__all__ = [
    "BRAND_KINDS",
    "WEEKLY_DISCOUNT_RATE",
    "author_reply_share",
    "channels_within_break_even_cac",
    "club_weekly_retention",
    "clv_by_club",
    "cost_per_new_customer",
    "fan_comments_on_brand_posts",
    "fan_to_fan_reply_share",
    "first_week_retention_by_cohort",
    "margin_per_active_week",
    "season_week",
]

#: Account kinds that speak for the brand; everyone else who comments is a fan.
BRAND_KINDS = ("official", "staff")

#: A discount rate of 10 % a year written as a rate per week (about 0.0018).
WEEKLY_DISCOUNT_RATE = 1.10 ** (1 / 52) - 1


def season_week(times: pd.Series) -> pd.Series:
    """The week of the season (a whole number, 1 = the week from Monday 2 March 2026) of each time.

    Weeks start on Mondays, like the ``week`` column of ``channel_spend``. ``times`` is a
    Series of dates and times; the result has the same index. Times before the season give
    0 or less, times after it more than 12.
    """
    if not isinstance(times, pd.Series) or not pd.api.types.is_datetime64_any_dtype(times):
        raise ValueError("times must be a pandas Series of dates and times (datetime64)")
    days = (times - pd.Timestamp(SEASON_START)).dt.days
    return (days // 7 + 1).astype("int64")


def club_weekly_retention(orders: pd.DataFrame, accounts: pd.DataFrame) -> pd.Series:
    """Weekly retention rate of club members (index True) and other customers (index False).

    The share of the weeks in which a customer ordered, and whose next week is inside the
    data, that were followed by another order in the next week: the maximum likelihood
    estimate of :func:`socialmarketing.relationship.estimate_retention_by_group`. A share
    between 0 and 1 per week.
    """
    check_table("orders", orders, ["customer_id", "order_time"])
    check_table("accounts", accounts, ["account_id", "club_member"])
    table = relationship.estimate_retention_by_group(orders, accounts, group="club_member")
    return table.set_index("club_member")["retention"].rename("weekly_retention")


def first_week_retention_by_cohort(orders: pd.DataFrame) -> pd.Series:
    """For each week's new customers, the share who ordered again in the following week.

    A customer's *cohort* is the week of the season of their first order. The result is
    indexed by that week (1 to 11; week 12's customers have no following week in the data)
    and holds the share of the cohort's customers (between 0 and 1) with at least one order in
    the week right after it. Under the geometric retention model every value estimates the
    same weekly retention rate.
    """
    check_table("orders", orders, ["customer_id", "order_time"])
    weeks = pd.DataFrame(
        {"customer_id": orders["customer_id"], "week": season_week(orders["order_time"])}
    ).drop_duplicates()
    first_week = weeks.groupby("customer_id")["week"].min().rename("cohort")
    weeks = weeks.join(first_week, on="customer_id")
    came_back = weeks.loc[weeks["week"] == weeks["cohort"] + 1, "customer_id"]
    customers = first_week.to_frame()
    customers["came_back"] = customers.index.isin(came_back)
    customers = customers[customers["cohort"] < SEASON_WEEKS]
    share = customers.groupby("cohort")["came_back"].mean()
    share.index.name = "first_order_week"
    return share.rename("ordered_again_next_week")


def fan_comments_on_brand_posts(
    comments: pd.DataFrame, posts: pd.DataFrame, accounts: pd.DataFrame
) -> pd.DataFrame:
    """Every fan comment on a post by the official account or a staff account, and its answers.

    A *fan comment* is a comment on the post itself (``reply_to_comment_id`` empty) written
    by an account that is not official or staff. Returns one row per fan comment with columns
    ``comment_id``, ``post_id``, ``author_kind`` (``"official"`` or ``"staff"``: who wrote the
    post), ``answered_by_author`` (True if the post's author replied to it) and
    ``answered_by_fan`` (True if another fan replied to it).
    """
    check_table(
        "comments", comments, ["comment_id", "post_id", "account_id", "reply_to_comment_id"]
    )
    check_table("posts", posts, ["post_id", "account_id"])
    check_table("accounts", accounts, ["account_id", "kind"])
    kind = accounts.set_index("account_id")["kind"].astype(str)
    table = comments[["comment_id", "post_id", "account_id", "reply_to_comment_id"]].copy()
    table["writer_kind"] = table["account_id"].map(kind)
    table["post_author"] = table["post_id"].map(posts.set_index("post_id")["account_id"])
    table["author_kind"] = table["post_author"].map(kind)

    replies = table[table["reply_to_comment_id"].notna()]
    by_author = replies.loc[replies["account_id"] == replies["post_author"], "reply_to_comment_id"]
    fan_replies = replies[~replies["writer_kind"].isin(BRAND_KINDS)]

    is_fan_comment = table["reply_to_comment_id"].isna() & ~table["writer_kind"].isin(BRAND_KINDS)
    on_brand_post = table["author_kind"].isin(BRAND_KINDS)
    fan_comments = table[is_fan_comment & on_brand_post].copy()
    fan_comments["answered_by_author"] = fan_comments["comment_id"].isin(by_author)
    # Answered by a fan other than the one who wrote the comment.
    fan_replies = fan_replies.join(
        table.set_index("comment_id")["account_id"].rename("answered_writer"),
        on="reply_to_comment_id",
    )
    by_other_fan = fan_replies.loc[
        fan_replies["account_id"] != fan_replies["answered_writer"], "reply_to_comment_id"
    ]
    fan_comments["answered_by_fan"] = fan_comments["comment_id"].isin(by_other_fan)
    return fan_comments[
        ["comment_id", "post_id", "author_kind", "answered_by_author", "answered_by_fan"]
    ].reset_index(drop=True)


def author_reply_share(
    comments: pd.DataFrame, posts: pd.DataFrame, accounts: pd.DataFrame
) -> pd.Series:
    """Share of fans' comments (0 to 1) that the post's author answered, by kind of author.

    Indexed by ``"official"`` (posts by the official account) and ``"staff"`` (posts by staff
    accounts); see :func:`fan_comments_on_brand_posts` for what counts as a fan comment.
    """
    table = fan_comments_on_brand_posts(comments, posts, accounts)
    share = table.groupby("author_kind")["answered_by_author"].mean()
    share.index.name = "author_kind"
    return share.rename("answered_by_author")


def fan_to_fan_reply_share(
    comments: pd.DataFrame, posts: pd.DataFrame, accounts: pd.DataFrame
) -> float:
    """Share of fans' comments on official and staff posts (0 to 1) answered by another fan."""
    table = fan_comments_on_brand_posts(comments, posts, accounts)
    return float(table["answered_by_fan"].mean())


def margin_per_active_week(orders: pd.DataFrame, accounts: pd.DataFrame) -> pd.Series:
    """Margin (yuan) per week in which a customer ordered, for club members (True) and others.

    Total margin of the group's orders divided by the number of (customer, week) pairs with at
    least one order: the ``m`` of the lifetime value formula.
    """
    check_table("orders", orders, ["customer_id", "order_time", "revenue", "margin"])
    check_table("accounts", accounts, ["account_id", "club_member"])
    table = relationship.compare_groups(orders, accounts, group="club_member")
    return table.set_index("club_member")["margin_per_active_period"].rename(
        "margin_per_active_week"
    )


def clv_by_club(
    orders: pd.DataFrame,
    accounts: pd.DataFrame,
    discount_rate: float = WEEKLY_DISCOUNT_RATE,
) -> pd.Series:
    """Customer lifetime value (yuan) of a club member (index True) and another customer (False).

    :func:`socialmarketing.relationship.customer_lifetime_value` with the group's
    :func:`margin_per_active_week`, its :func:`club_weekly_retention`, the weekly
    ``discount_rate`` (default 10 % a year) and an endless horizon.
    """
    rate = check_nonnegative("discount_rate", discount_rate)
    margin = margin_per_active_week(orders, accounts)
    retention = club_weekly_retention(orders, accounts)
    values = {
        member: relationship.customer_lifetime_value(margin[member], retention[member], rate)
        for member in margin.index
    }
    result = pd.Series(values, name="clv")
    result.index.name = "club_member"
    return result


def cost_per_new_customer(channel_spend: pd.DataFrame) -> pd.Series:
    """Season spend per new customer (yuan) for each channel: spend / conversions.

    ``conversions`` in ``channel_spend`` are the first orders whose last touch was the channel
    (last-click credit). A channel that spent money and won nobody gets ``inf``.
    """
    check_table("channel_spend", channel_spend, ["channel", "spend", "conversions"])
    totals = channel_spend.groupby("channel", observed=True)[["spend", "conversions"]].sum()
    cost = totals["spend"] / totals["conversions"]
    return cost.rename("cost_per_new_customer")


def channels_within_break_even_cac(
    orders: pd.DataFrame,
    accounts: pd.DataFrame,
    channel_spend: pd.DataFrame,
    discount_rate: float = WEEKLY_DISCOUNT_RATE,
) -> list[str]:
    """The channels (sorted by name) whose cost per new customer is at most an ordinary CLV.

    An ordinary customer is one who is not a club member; their lifetime value
    (:func:`clv_by_club`, index False) is the most worth paying for one at a 1 : 1 CLV to CAC
    ratio (:func:`socialmarketing.relationship.max_acquisition_cost`).
    """
    clv = clv_by_club(orders, accounts, discount_rate)
    limit = relationship.max_acquisition_cost(float(clv[False]), 1.0)
    cost = cost_per_new_customer(channel_spend)
    return sorted(str(channel) for channel in cost.index[cost <= limit])
