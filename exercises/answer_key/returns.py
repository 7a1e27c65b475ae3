"""What the marketing money bought: spend, ROAS and ROI, break-even CPC, budget splits.

The reference answers of the graded exercise ``06_strategy_measurement``, in plain pandas.
The functions take the tables of :mod:`socialmarketing.data` as loaded by ``data.load`` and
lean on :mod:`socialmarketing.costs` for the ratios and the budget allocation.

Attribution: every order is credited to the channel of its last touch, ``orders.channel``
(last click), first and repeat orders alike. Orders with channel ``direct`` had no marketing
touch and cost nothing, so they belong to no channel's return.

* :func:`spend_by_cost_kind` - where the money went;
* :func:`last_click_returns`, with :func:`last_click_roas_by_channel` and
  :func:`last_click_roi_by_channel` - revenue and margin against spend, per channel;
* :func:`campaign_returns` and :func:`roi_by_campaign` - margin of the orders tracked to each
  campaign against its budget;
* :func:`paid_search_weekly` and :func:`paid_search_break_even_cpc` - a paid channel whose
  clicks get dearer every week;
* :func:`response_curves_from_season`, :func:`budget_split` and :func:`season_budget_split` -
  an optimal against an equal split of the same money next season.
"""

from __future__ import annotations

import math

import pandas as pd

from answer_key.customers import season_week
from socialmarketing import costs
from socialmarketing.validation import check_choice, check_nonnegative, check_table

__all__ = [
    "budget_split",
    "campaign_returns",
    "last_click_returns",
    "last_click_roas_by_channel",
    "last_click_roi_by_channel",
    "paid_search_break_even_cpc",
    "paid_search_weekly",
    "response_curves_from_season",
    "roi_by_campaign",
    "season_budget_split",
    "spend_by_cost_kind",
]

_POP_UP_CAMPAIGN = 4


def spend_by_cost_kind(channel_spend: pd.DataFrame) -> pd.Series:
    """Money spent over the season (yuan) for each kind of cost (``cost_kind``)."""
    check_table("channel_spend", channel_spend, ["cost_kind", "spend"])
    spend = channel_spend.groupby("cost_kind", observed=True)["spend"].sum()
    spend.index = spend.index.astype(str)
    return spend.rename("spend")


def last_click_returns(orders: pd.DataFrame, channel_spend: pd.DataFrame) -> pd.DataFrame:
    """Spend against what the orders credited to each channel by last click brought in.

    One row per channel of ``channel_spend`` (index ``channel``) with columns ``spend``
    (yuan), ``orders`` (count of orders whose ``channel`` is that channel, first and repeat),
    ``revenue`` and ``margin`` (yuan), ``roas`` (revenue / spend, yuan per yuan, from
    :func:`socialmarketing.costs.roas`) and ``roi`` ((margin - spend) / spend, the profit per
    yuan spent, from :func:`socialmarketing.costs.roi` applied to the margin).
    """
    check_table("orders", orders, ["order_id", "channel", "revenue", "margin"])
    check_table("channel_spend", channel_spend, ["channel", "spend"])
    spend = channel_spend.groupby("channel", observed=True)["spend"].sum()
    spend.index = spend.index.astype(str)
    credited = orders.assign(channel=orders["channel"].astype(str)).groupby("channel")
    table = pd.DataFrame({"spend": spend})
    table["orders"] = credited.size().reindex(table.index, fill_value=0)
    table["revenue"] = credited["revenue"].sum().reindex(table.index, fill_value=0.0)
    table["margin"] = credited["margin"].sum().reindex(table.index, fill_value=0.0)
    table["roas"] = costs.roas(table["revenue"], table["spend"])
    table["roi"] = costs.roi(table["margin"], table["spend"])
    table.index.name = "channel"
    return table


def last_click_roas_by_channel(orders: pd.DataFrame, channel_spend: pd.DataFrame) -> pd.Series:
    """Revenue per yuan spent for each channel, with last-click credit (see
    :func:`last_click_returns`)."""
    return last_click_returns(orders, channel_spend)["roas"]


def last_click_roi_by_channel(orders: pd.DataFrame, channel_spend: pd.DataFrame) -> pd.Series:
    """(margin - spend) / spend for each channel, with last-click credit (see
    :func:`last_click_returns`). 0 means the channel's orders just paid for it."""
    return last_click_returns(orders, channel_spend)["roi"]


def campaign_returns(
    orders: pd.DataFrame,
    sessions: pd.DataFrame,
    link_clicks: pd.DataFrame,
    posts: pd.DataFrame,
    campaigns: pd.DataFrame,
) -> pd.DataFrame:
    """Margin of the orders tracked to each campaign, against the campaign's budget.

    An order is *tracked* to a campaign when it was placed in a shop visit that started with
    a click on the link of one of the campaign's posts (orders -> sessions.click_id ->
    link_clicks.post_id -> posts.campaign_id). The orders at the pop-up (channel
    ``offline_event``) are tracked to the pop-up campaign (campaign 4).

    One row per campaign (index ``campaign_id``) with columns ``budget`` (yuan),
    ``tracked_orders`` (count), ``tracked_margin`` (yuan) and ``roi``, (tracked margin -
    budget) / budget: the return if the tracked orders were all the campaign brought.
    """
    check_table("orders", orders, ["order_id", "session_id", "channel", "margin"])
    check_table("sessions", sessions, ["session_id", "click_id"])
    check_table("link_clicks", link_clicks, ["click_id", "post_id"])
    check_table("posts", posts, ["post_id", "campaign_id"])
    check_table("campaigns", campaigns, ["campaign_id", "budget"])
    click_of_session = sessions.set_index("session_id")["click_id"]
    post_of_click = link_clicks.set_index("click_id")["post_id"]
    campaign_of_post = posts.set_index("post_id")["campaign_id"]
    tracked = orders[["order_id", "session_id", "channel", "margin"]].copy()
    tracked["click_id"] = tracked["session_id"].map(click_of_session)
    tracked["post_id"] = tracked["click_id"].map(post_of_click)
    tracked["campaign_id"] = tracked["post_id"].map(campaign_of_post).astype("Int64")
    tracked.loc[tracked["channel"] == "offline_event", "campaign_id"] = _POP_UP_CAMPAIGN
    tracked = tracked[tracked["campaign_id"].notna()]

    by_campaign = tracked.groupby("campaign_id")
    table = campaigns.set_index("campaign_id")[["budget"]].copy()
    table["tracked_orders"] = by_campaign.size().reindex(table.index, fill_value=0)
    table["tracked_margin"] = by_campaign["margin"].sum().reindex(table.index, fill_value=0.0)
    table["roi"] = costs.roi(table["tracked_margin"], table["budget"])
    return table


def roi_by_campaign(
    orders: pd.DataFrame,
    sessions: pd.DataFrame,
    link_clicks: pd.DataFrame,
    posts: pd.DataFrame,
    campaigns: pd.DataFrame,
) -> pd.Series:
    """(tracked margin - budget) / budget for each campaign (see :func:`campaign_returns`)."""
    return campaign_returns(orders, sessions, link_clicks, posts, campaigns)["roi"]


def paid_search_weekly(
    orders: pd.DataFrame, channel_spend: pd.DataFrame, channel: str = "paid_search"
) -> pd.DataFrame:
    """Week by week: what a paid channel cost and what its orders earned.

    One row per week in which ``channel_spend`` has a row for the channel (index ``week``, 1
    to 12) with columns ``spend`` (yuan), ``clicks`` (count), ``cpc`` (yuan per click,
    :func:`socialmarketing.costs.cpc`; ``inf`` for money spent on no clicks), ``orders``
    (count of orders credited to the channel by last click and placed that week), ``margin``
    (yuan, of those orders) and ``profit`` (margin - spend, yuan).
    """
    channel = check_choice("channel", channel, ("paid_search", "display", "email"))
    check_table("orders", orders, ["order_time", "channel", "margin"])
    check_table("channel_spend", channel_spend, ["week", "channel", "spend", "clicks"])
    rows = channel_spend[channel_spend["channel"] == channel]
    if len(rows) == 0:
        raise ValueError(f"channel_spend has no row for {channel}")
    table = rows.groupby("week")[["spend", "clicks"]].sum()
    table["cpc"] = costs.cpc(table["spend"], table["clicks"])
    credited = orders[orders["channel"] == channel]
    by_week = credited.groupby(season_week(credited["order_time"]))
    table["orders"] = by_week.size().reindex(table.index, fill_value=0)
    table["margin"] = by_week["margin"].sum().reindex(table.index, fill_value=0.0)
    table["profit"] = table["margin"] - table["spend"]
    return table


def paid_search_break_even_cpc(
    orders: pd.DataFrame, channel_spend: pd.DataFrame, channel: str = "paid_search"
) -> float:
    """The highest cost per click (yuan) at which the channel's clicks still pay for themselves.

    :func:`socialmarketing.costs.break_even_cpc` with the season's conversion rate (first
    orders / clicks, from ``channel_spend``), the average revenue of the channel's orders
    (yuan) and their margin as a share of revenue.
    """
    channel = check_choice("channel", channel, ("paid_search", "display", "email"))
    check_table("orders", orders, ["channel", "revenue", "margin"])
    check_table("channel_spend", channel_spend, ["channel", "clicks", "conversions"])
    rows = channel_spend[channel_spend["channel"] == channel]
    conversion_rate = costs.cvr(int(rows["conversions"].sum()), int(rows["clicks"].sum()))
    credited = orders[orders["channel"] == channel]
    if len(credited) == 0:
        raise ValueError(f"no order is credited to {channel}: its order value is unknown")
    order_value = float(credited["revenue"].mean())
    margin_share = float(credited["margin"].sum() / credited["revenue"].sum())
    return float(costs.break_even_cpc(conversion_rate, order_value, margin_share))


def response_curves_from_season(
    channel_spend: pd.DataFrame, exclude: tuple[str, ...] = ("offline_event",)
) -> pd.DataFrame:
    """Diminishing-returns curves for next season, fitted to this season's spend and results.

    The assumption: every channel's season spend ``S`` (yuan) was its *saturation*, the spend
    at which a channel brings 1 - 1/e (about 63 %) of the most new customers it could ever
    bring. The curve ``max_conversions x (1 - exp(-spend / saturation))`` of
    :func:`socialmarketing.costs.response_conversions` then passes through this season's point
    (``S`` yuan, ``C`` conversions) when ``saturation = S`` and
    ``max_conversions = C / (1 - exp(-1))``.

    One row per channel of ``channel_spend`` except those in ``exclude`` (by default the
    one-off pop-up), with columns ``channel``, ``max_conversions`` (new customers) and
    ``saturation`` (yuan): the ``channels`` table of :func:`socialmarketing.costs.allocate_budget`.
    """
    check_table("channel_spend", channel_spend, ["channel", "spend", "conversions"])
    totals = channel_spend.groupby("channel", observed=True)[["spend", "conversions"]].sum()
    totals.index = totals.index.astype(str)
    totals = totals.drop(index=[name for name in exclude if name in totals.index])
    if len(totals) == 0 or (totals["spend"] <= 0).any():
        raise ValueError("every channel needs a season spend above 0 to fit its curve")
    return pd.DataFrame(
        {
            "channel": totals.index.to_numpy(),
            "max_conversions": (totals["conversions"] / (1 - math.exp(-1))).to_numpy(),
            "saturation": totals["spend"].to_numpy(dtype=float),
        }
    )


def budget_split(response_curves: pd.DataFrame, budget: float) -> pd.DataFrame:
    """The best split of ``budget`` yuan over the channels against an equal split.

    Uses :func:`socialmarketing.costs.allocate_budget` (objective: the most conversions).
    One row per channel (index ``channel``) with columns ``optimal_spend`` and
    ``equal_spend`` (yuan) and ``optimal_conversions`` and ``equal_conversions`` (expected
    new customers).
    """
    budget = check_nonnegative("budget", budget)
    check_table("response_curves", response_curves, ["channel", "max_conversions", "saturation"])
    optimal = costs.allocate_budget(budget, response_curves, method="optimal")
    equal = costs.allocate_budget(budget, response_curves, method="equal")
    return pd.DataFrame(
        {
            "optimal_spend": optimal["spend"].to_numpy(),
            "equal_spend": equal["spend"].to_numpy(),
            "optimal_conversions": optimal["conversions"].to_numpy(),
            "equal_conversions": equal["conversions"].to_numpy(),
        },
        index=pd.Index(response_curves["channel"].astype(str), name="channel"),
    )


def season_budget_split(
    channel_spend: pd.DataFrame, exclude: tuple[str, ...] = ("offline_event",)
) -> pd.DataFrame:
    """:func:`budget_split` of this season's spend on the channels (yuan) over the curves of
    :func:`response_curves_from_season`: the same money, split better."""
    curves = response_curves_from_season(channel_spend, exclude)
    return budget_split(curves, float(curves["saturation"].sum()))
