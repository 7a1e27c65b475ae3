"""Paid and social channels side by side: what a view, a click and a customer cost.

The reference answers of the graded exercise ``01_traditional_vs_social``, in plain pandas.
The functions take the tables of :mod:`socialmarketing.data` as loaded by ``data.load`` and use
the ratio functions of :mod:`socialmarketing.costs` (CTR, CPC, CPA, ROAS) for the arithmetic.
Every Series and DataFrame they return is indexed by channel name as plain text.

* :func:`channel_totals` - season totals of spend, impressions, clicks and conversions;
* :func:`ctr_by_channel`, :func:`cpc_by_channel`, :func:`cpa_by_channel` - the season's
  click-through rate, cost per click and cost per new customer of each channel;
* :func:`cpa_by_group` - cost per new customer of the traditional and the social channels;
* :func:`weekly_cpc`, :func:`weekly_cpc_growth` - a channel's cost per click week by week, and
  how fast it grows;
* :func:`channel_roas` - revenue of the orders a channel brought (last click) per yuan spent;
* :func:`next_week_outcome` - what one more week of paid search would buy and earn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from socialmarketing import costs
from socialmarketing.validation import check_choice, check_positive, check_table

__all__ = [
    "CHANNEL_GROUPS",
    "SPEND_COLUMNS",
    "channel_roas",
    "channel_totals",
    "cpa_by_channel",
    "cpa_by_group",
    "cpc_by_channel",
    "ctr_by_channel",
    "next_week_outcome",
    "weekly_cpc",
    "weekly_cpc_growth",
]

#: The count and money columns of channel_spend that add up over weeks.
SPEND_COLUMNS = ("spend", "impressions", "clicks", "conversions")

#: Which channels are traditional online advertising and which are the brand's social media.
#: The pop-up (offline_event) belongs to neither group.
CHANNEL_GROUPS: dict[str, tuple[str, ...]] = {
    "traditional": ("paid_search", "display", "email"),
    "social": ("microblog_official", "microblog_staff", "kol"),
}


def _channel_spend(channel_spend: object) -> pd.DataFrame:
    return check_table("channel_spend", channel_spend, ("week", "channel", *SPEND_COLUMNS))


def _with_text_index(data: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    """The same data with its index labels as plain text (not a pandas category)."""
    data = data.copy()
    data.index = pd.Index(data.index.astype(str), name=data.index.name)
    return data


def channel_totals(channel_spend: pd.DataFrame) -> pd.DataFrame:
    """Season totals per channel: one row per channel, columns spend (yuan), impressions,
    clicks and conversions (counts), summed over the weeks of ``channel_spend``."""
    table = _channel_spend(channel_spend)
    totals = table.groupby("channel", observed=True)[list(SPEND_COLUMNS)].sum()
    return _with_text_index(totals)


def _clicked_channels(channel_spend: pd.DataFrame) -> pd.DataFrame:
    """The season totals of the channels with at least one click (the online channels)."""
    totals = channel_totals(channel_spend)
    return totals[totals["clicks"] > 0]


def ctr_by_channel(channel_spend: pd.DataFrame) -> pd.Series:
    """Season click-through rate of each channel with clicks: clicks / impressions, a share
    between 0 and 1. Channels without any click (the pop-up) are left out."""
    totals = _clicked_channels(channel_spend)
    return costs.ctr(totals["clicks"], totals["impressions"]).rename("ctr")


def cpc_by_channel(channel_spend: pd.DataFrame) -> pd.Series:
    """Season cost per click of each channel with clicks: spend / clicks, in yuan per click.
    Channels without any click (the pop-up) are left out."""
    totals = _clicked_channels(channel_spend)
    return costs.cpc(totals["spend"], totals["clicks"]).rename("cpc")


def cpa_by_channel(channel_spend: pd.DataFrame) -> pd.Series:
    """Season cost per acquisition of every channel: spend / conversions, in yuan per new
    customer (a conversion is a first order whose last touch was the channel). A channel that
    spent money and won nobody gets ``inf``."""
    totals = channel_totals(channel_spend)
    return costs.cpa(totals["spend"], totals["conversions"]).rename("cpa")


def cpa_by_group(
    channel_spend: pd.DataFrame, groups: dict[str, tuple[str, ...]] | None = None
) -> pd.Series:
    """Cost per acquisition of groups of channels: the group's total spend divided by its total
    conversions, in yuan per new customer (not the average of the channels' CPAs).

    ``groups`` maps a group name to its channels; the default is :data:`CHANNEL_GROUPS`
    (traditional and social). The result is indexed by group name, in the order given.
    """
    groups = CHANNEL_GROUPS if groups is None else groups
    totals = channel_totals(channel_spend)
    spend, conversions = {}, {}
    for group, members in groups.items():
        for channel in members:
            check_choice(f"channel of group {group!r}", channel, list(totals.index))
        spend[group] = totals.loc[list(members), "spend"].sum()
        conversions[group] = totals.loc[list(members), "conversions"].sum()
    return costs.cpa(pd.Series(spend), pd.Series(conversions)).rename("cpa")


def weekly_cpc(channel_spend: pd.DataFrame, channel: str = "paid_search") -> pd.Series:
    """Cost per click of one channel in each week: spend / clicks, in yuan per click, indexed
    by week number (1 = the first week of the season)."""
    table = _channel_spend(channel_spend)
    channel = check_choice("channel", channel, sorted(table["channel"].astype(str).unique()))
    rows = table[table["channel"].astype(str) == channel].sort_values("week")
    if (rows["clicks"] == 0).any():
        raise ValueError(f"{channel} has weeks without clicks, so it has no weekly cost per click")
    price = costs.cpc(rows["spend"], rows["clicks"])
    return pd.Series(price.to_numpy(), index=pd.Index(rows["week"].to_numpy(), name="week"))


def weekly_cpc_growth(channel_spend: pd.DataFrame, channel: str = "paid_search") -> float:
    """How fast a channel's cost per click grows: a share per week (0.03 = 3 % a week).

    A straight line is fitted to the natural logarithm of the weekly CPC against the week
    number (least squares, ``numpy.polyfit`` of degree 1); a slope ``b`` means the price is
    multiplied by ``exp(b)`` every week, so the growth is ``exp(b) - 1``.
    """
    price = weekly_cpc(channel_spend, channel)
    if len(price) < 2:
        raise ValueError(f"{channel} needs at least two weeks of clicks to measure a growth rate")
    slope, _ = np.polyfit(price.index.to_numpy(dtype=float), np.log(price.to_numpy()), 1)
    return float(np.expm1(slope))


def _orders(orders: object) -> pd.DataFrame:
    return check_table("orders", orders, ("channel", "revenue", "margin"))


def channel_roas(
    orders: pd.DataFrame, channel_spend: pd.DataFrame, channel: str = "paid_search"
) -> float:
    """Return on advertising spend of one channel: the revenue (yuan) of all orders whose last
    touch was the channel, divided by the channel's season spend (yuan). Last-click
    attribution: every order counts fully for its last channel."""
    totals = channel_totals(channel_spend)
    channel = check_choice("channel", channel, list(totals.index))
    table = _orders(orders)
    revenue = table.loc[table["channel"].astype(str) == channel, "revenue"].sum()
    return float(costs.roas(revenue, totals.loc[channel, "spend"]))


def next_week_outcome(
    channel_spend: pd.DataFrame,
    orders: pd.DataFrame,
    budget: float = 900.0,
    channel: str = "paid_search",
) -> pd.Series:
    """What one more week of a pay-per-click channel would buy and earn (week 13 of the season).

    :func:`socialmarketing.costs.campaign_outcome` with

    * ``budget`` - yuan for the week (default 900, paid search's weekly budget);
    * ``cpc`` - the channel's cost per click in its last week, grown once more at the rate
      :func:`weekly_cpc_growth`;
    * ``ctr`` and ``cvr`` - the season's clicks / impressions and conversions / clicks;
    * ``order_value`` - the average revenue (yuan) of the orders whose last touch was the
      channel, and ``margin`` - their total margin / total revenue (a share).
    """
    budget = check_positive("budget", budget)
    totals = channel_totals(channel_spend)
    channel = check_choice("channel", channel, list(totals.index))
    table = _orders(orders)
    bought = table[table["channel"].astype(str) == channel]
    if len(bought) == 0:
        raise ValueError(f"no order has {channel} as its channel, so there is no order value")
    price = weekly_cpc(channel_spend, channel)
    season = totals.loc[channel]
    return costs.campaign_outcome(
        budget=budget,
        cpc=float(price.iloc[-1]) * (1 + weekly_cpc_growth(channel_spend, channel)),
        ctr=float(costs.ctr(season["clicks"], season["impressions"])),
        cvr=float(costs.cvr(season["conversions"], season["clicks"])),
        order_value=float(bought["revenue"].mean()),
        margin=float(bought["margin"].sum() / bought["revenue"].sum()),
    )
