"""Self-checks of assignment 06_strategy_measurement (spend, returns, break-even, budgets).

Each check looks at the form of the answer (type, index, range) and at totals that follow from
the data without the answer (all spend adds up to the season's spend, a split spends the whole
budget); the values themselves are compared by the hidden tests.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from socialmarketing import data
from socialmarketing.selfcheck import expect, expect_answers, expect_number, expect_series, register

__all__ = [
    "check_last_click_roas_by_channel",
    "check_last_click_roi_by_channel",
    "check_optimal_spend_and_extra_conversions",
    "check_paid_search_break_even_cpc",
    "check_paid_search_weekly_profit",
    "check_roi_by_campaign",
    "check_spend_by_cost_kind",
]

#: The kinds of cost in channel_spend.
COST_KINDS = (
    "cost_per_click",
    "cost_per_mille",
    "per_email_sent",
    "content_production",
    "staff_time",
    "kol_fee",
    "event_costs",
)

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

#: The price of a case in the online shop (yuan), the most a paid click could ever be worth.
CASE_PRICE = 59.00


def _no_direct(answer: Any, name: str) -> None:
    """Direct orders cost nothing, so they have no return on spend."""
    if isinstance(answer, pd.Series):
        expect(
            "direct" not in [str(label) for label in answer.index],
            f"{name} has a row for 'direct': direct orders had no marketing touch and no "
            "spend, so there is no return on spend to compute. Keep the channels of "
            "channel_spend.",
        )


@register("spend_by_cost_kind")
def check_spend_by_cost_kind(answer: Any) -> None:
    """Spend in yuan per cost kind, adding up to the season's spend."""
    series = expect_series(answer, "spend_by_cost_kind", index=COST_KINDS, low=0)
    total = float(data.load("channel_spend")["spend"].sum())
    expect(
        abs(float(series.sum()) - total) <= 0.01,
        f"spend_by_cost_kind adds up to {float(series.sum()):,.2f} yuan, but the spend "
        f"column of channel_spend adds up to {total:,.2f} yuan. Sum 'spend' (not another "
        "column) over all weeks.",
    )


@register("last_click_roas_by_channel")
def check_last_click_roas_by_channel(answer: Any) -> None:
    """Revenue per yuan spent, per channel: 0 or more."""
    _no_direct(answer, "last_click_roas_by_channel")
    expect_series(answer, "last_click_roas_by_channel", index=SPEND_CHANNELS, low=0)


@register("last_click_roi_by_channel")
def check_last_click_roi_by_channel(answer: Any) -> None:
    """(margin - spend) / spend per channel: -1 or more."""
    _no_direct(answer, "last_click_roi_by_channel")
    series = expect_series(answer, "last_click_roi_by_channel", index=SPEND_CHANNELS)
    expect(
        bool((series >= -1).all()),
        "an ROI below -1 would mean losing more than was spent. Compute (margin - spend) / "
        "spend with the margin of the orders credited to the channel (0 or more).",
    )


@register("roi_by_campaign")
def check_roi_by_campaign(answer: Any) -> None:
    """(tracked margin - budget) / budget per campaign 1 to 5: -1 or more."""
    series = expect_series(answer, "roi_by_campaign", index=(1, 2, 3, 4, 5))
    expect(
        bool((series >= -1).all()),
        "an ROI below -1 would mean losing more than the budget. Compute (margin - budget) "
        "/ budget with the margin of the tracked orders (0 or more).",
    )
    expect(
        not bool((series == -1).all()),
        "every ROI is exactly -1, so no order was tracked to any campaign. Follow each "
        "order's session_id to its session, the session's click_id to link_clicks, and the "
        "click's post_id to the post's campaign_id.",
    )


@register("paid_search_weekly_profit")
def check_paid_search_weekly_profit(answer: Any) -> None:
    """Margin minus spend of paid search in yuan, weeks 1 to 12."""
    name = "paid_search_weekly_profit"
    if isinstance(answer, pd.Series):
        expect(
            "0" not in [str(label) for label in answer.index],
            f"{name} has a row for week 0. Weeks of the season are numbered from 1: "
            "(order_time - 2026-03-02).dt.days // 7 + 1.",
        )
    series = expect_series(answer, name, index=tuple(range(1, 13)))
    spend = data.load("channel_spend")
    spend = spend[spend["channel"] == "paid_search"].groupby("week")["spend"].sum()
    profit = pd.Series(series.to_numpy(dtype=float), index=[int(str(w)) for w in series.index])
    lowest = -spend.reindex(profit.index, fill_value=0.0)
    expect(
        bool((profit >= lowest - 0.01).all()),
        f"some values of {name} lose more than that week's paid-search spend, which cannot "
        "happen: the margin of the orders is 0 or more. Subtract the spend only once.",
    )


@register("paid_search_break_even_cpc")
def check_paid_search_break_even_cpc(answer: Any) -> None:
    """The highest affordable cost per click in yuan."""
    value = expect_number(answer, "paid_search_break_even_cpc", low=0)
    expect(
        0 < value < CASE_PRICE,
        f"paid_search_break_even_cpc is {value:g} yuan, but a click is worth only a share of "
        f"an order: conversion rate x order value x margin share, far below the "
        f"{CASE_PRICE:.2f} yuan price of a case. Are your rates shares between 0 and 1?",
    )


def _check_optimal_spend_by_channel(answer: Any) -> None:
    """7a: yuan per channel (all but the pop-up), spending this season's money on them."""
    if isinstance(answer, pd.Series):
        expect(
            "offline_event" not in [str(label) for label in answer.index],
            "optimal_spend_by_channel has a row for 'offline_event': the pop-up was a one-off "
            "event, so leave it out of the response curves and of the budget.",
        )
    channels = tuple(name for name in SPEND_CHANNELS if name != "offline_event")
    series = expect_series(answer, "optimal_spend_by_channel", index=channels, low=0)
    spend = data.load("channel_spend")
    budget = float(spend.loc[spend["channel"] != "offline_event", "spend"].sum())
    total = float(series.sum())
    expect(
        abs(total - budget) <= 1.0,
        f"optimal_spend_by_channel adds up to {total:,.2f} yuan, but the split should spend "
        f"this season's {budget:,.2f} yuan on these six channels. Take the 'spend' column of "
        "costs.allocate_budget (not 'share_of_budget' or 'conversions').",
    )


def _check_extra_conversions_from_optimal(answer: Any) -> None:
    """7b: optimal minus equal conversions: 0 or more."""
    value = expect_number(answer, "extra_conversions_from_optimal")
    expect(
        value >= 0,
        f"extra_conversions_from_optimal is {value:g}, but the optimal split can never do "
        "worse than the equal one. Subtract the equal split's conversions from the optimal "
        "split's.",
    )


@register("optimal_spend_and_extra_conversions")
def check_optimal_spend_and_extra_conversions(answer: Any) -> None:
    """Part 7, two answers checked together:
    ``(optimal_spend_by_channel, extra_conversions_from_optimal)``."""
    spend, extra = expect_answers(
        answer,
        "optimal_spend_and_extra_conversions",
        ("optimal_spend_by_channel", "extra_conversions_from_optimal"),
    )
    _check_optimal_spend_by_channel(spend)
    _check_extra_conversions_from_optimal(extra)
