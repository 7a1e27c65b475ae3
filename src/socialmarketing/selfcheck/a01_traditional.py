"""Self-checks of assignment 01_traditional_vs_social (paid and social channels, costs).

Each check looks at the form of the answer (type, index, columns, range) and at facts that hold
whatever the exact numbers are (clicks are whole numbers, a click costs more than a few jiao,
paid-search prices rise); the values themselves are compared by the hidden tests.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from socialmarketing.costs import campaign_outcome
from socialmarketing.selfcheck import (
    CheckFailed,
    expect,
    expect_answers,
    expect_close,
    expect_number,
    expect_series,
    register,
)

__all__ = [
    "ALL_CHANNELS",
    "CLICKED_CHANNELS",
    "check_channel_totals",
    "check_cpa_by_channel",
    "check_cpa_traditional_vs_social",
    "check_cpc_by_channel",
    "check_ctr_by_channel",
    "check_paid_search_roas_and_next_week",
    "check_paid_search_weekly_cpc_growth",
]

#: Every channel of channel_spend.
ALL_CHANNELS = (
    "paid_search",
    "display",
    "email",
    "microblog_official",
    "microblog_staff",
    "kol",
    "offline_event",
)

#: The channels with clicks: every channel but the pop-up.
CLICKED_CHANNELS = ALL_CHANNELS[:-1]

#: The rows of the Series that costs.campaign_outcome returns.
OUTCOME_ROWS = tuple(campaign_outcome(1000, 2, 0.01, 0.03, 150, 0.4).index)


def _indexed_by(answer: Any, name: str, labels: tuple[str, ...], what: str) -> None:
    """Explain the two usual index mistakes: the labels sit in a column, or a number index."""
    if isinstance(answer, pd.Series | pd.DataFrame) and "channel" in getattr(answer, "columns", []):
        raise CheckFailed(
            f"{name} has a 'channel' column, but the channels should be its index (row labels). "
            "Use .groupby('channel') without as_index=False, or .set_index('channel')."
        )
    if (
        isinstance(answer, pd.Series)
        and len(answer)
        and not any(str(label) in labels for label in answer.index)
    ):
        raise CheckFailed(
            f"{name} should be indexed by {what} ({', '.join(labels[:3])}, ...), but its index "
            f"starts with {list(answer.index[:3])}. Group by channel to get one row per channel."
        )


def _shares(answer: Any, name: str, labels: tuple[str, ...]) -> pd.Series:
    """A Series of shares between 0 and 1 indexed by ``labels``; hints for percentages."""
    _indexed_by(answer, name, labels, "channel")
    series = expect_series(answer, name, index=labels)
    expect(
        not bool((series > 1).any()),
        f"some values of {name} are above 1. Give shares between 0 and 1, not percentages "
        "(write 3.5 % as 0.035), and divide clicks by impressions, not the other way round.",
    )
    return expect_series(series, name, low=0, high=1)


@register("channel_totals")
def check_channel_totals(answer: Any) -> None:
    """Season totals: a DataFrame indexed by all seven channels with four summed columns."""
    name = "channel_totals"
    if isinstance(answer, pd.Series):
        raise CheckFailed(
            f"{name} should be a DataFrame with the columns spend, impressions, clicks and "
            "conversions, but it is a Series. Select the four columns with a list: "
            "table.groupby('channel')[['spend', 'impressions', 'clicks', 'conversions']]."
        )
    expect(
        isinstance(answer, pd.DataFrame),
        f"{name} should be a pandas DataFrame, but it is a {type(answer).__name__}.",
    )
    if "channel" in answer.columns:
        _indexed_by(answer, name, ALL_CHANNELS, "channel")
    columns = ["spend", "impressions", "clicks", "conversions"]
    missing = [column for column in columns if column not in answer.columns]
    expect(
        not missing,
        f"{name} is missing the column(s) {', '.join(missing)}; it has "
        f"{', '.join(map(str, answer.columns))}.",
    )
    for column in columns:
        values = expect_series(answer[column], f"{name}[{column!r}]", index=ALL_CHANNELS, low=0)
        if column != "spend":
            expect(
                bool((values == values.round()).all()),
                f"{name}[{column!r}] should hold whole numbers (counts), but some are not: did "
                "you take the mean instead of the sum over the weeks?",
            )
    expect(
        bool((answer["clicks"] <= answer["impressions"]).all()),
        f"{name}: some channel has more clicks than impressions. Check the column names.",
    )


@register("ctr_by_channel")
def check_ctr_by_channel(answer: Any) -> None:
    """Click-through rate of the six channels with clicks, shares between 0 and 1."""
    if isinstance(answer, pd.Series) and "offline_event" in map(str, answer.index):
        raise CheckFailed(
            "ctr_by_channel includes offline_event, but the pop-up has no clicks: leave it out "
            "(keep the channels whose clicks are more than 0)."
        )
    series = _shares(answer, "ctr_by_channel", CLICKED_CHANNELS)
    expect(
        bool((series > 0).all()),
        "every channel in ctr_by_channel has clicks, so none of its click-through rates is 0.",
    )


@register("cpc_by_channel")
def check_cpc_by_channel(answer: Any) -> None:
    """Cost per click of the six channels with clicks, in yuan."""
    name = "cpc_by_channel"
    if isinstance(answer, pd.Series) and "offline_event" in map(str, answer.index):
        raise CheckFailed(
            f"{name} includes offline_event, but the pop-up has no clicks, so it has no cost "
            "per click: leave it out."
        )
    _indexed_by(answer, name, CLICKED_CHANNELS, "channel")
    series = expect_series(answer, name, index=CLICKED_CHANNELS)
    expect(
        bool((series >= 0.5).all()),
        f"some values of {name} are below 0.5 yuan. A click costs spend / clicks yuan; "
        "did you divide clicks by spend?",
    )


@register("cpa_by_channel")
def check_cpa_by_channel(answer: Any) -> None:
    """Cost per new customer of all seven channels, in yuan."""
    name = "cpa_by_channel"
    _indexed_by(answer, name, ALL_CHANNELS, "channel")
    series = expect_series(answer, name, index=ALL_CHANNELS)
    expect(
        bool((series >= 1).all()),
        f"some values of {name} are below 1 yuan. The cost per acquisition is spend / "
        "conversions (yuan per new customer); did you divide conversions by spend?",
    )


@register("cpa_traditional_vs_social")
def check_cpa_traditional_vs_social(answer: Any) -> None:
    """CPA of the traditional and the social group, in yuan, indexed traditional and social."""
    name = "cpa_traditional_vs_social"
    series = expect_series(answer, name, index=("traditional", "social"), low=0)
    expect(
        bool((series >= 1).all()),
        f"{name} should be yuan per new customer (total spend / total conversions of the "
        "group), and every channel here pays more than 1 yuan per customer.",
    )


@register("paid_search_weekly_cpc_growth")
def check_paid_search_weekly_cpc_growth(answer: Any) -> None:
    """Weekly growth of the paid-search CPC: a small positive share."""
    name = "paid_search_weekly_cpc_growth"
    value = expect_number(answer, name)
    expect(
        not 1 < value < 2,
        f"{name} is {value:g}: that is the weekly price factor exp(slope). The growth is "
        "exp(slope) - 1 (a factor of 1.05 is a growth of 0.05).",
    )
    expect(
        not 2 <= value <= 100,
        f"{name} is {value:g}: that looks like a percentage. Give a share (write 5 % as 0.05).",
    )
    expect(
        value > 0,
        f"{name} is {value:g}, but paid-search clicks got dearer during the season. Fit the "
        "line to log(spend / clicks), the price of a click, against the week number.",
    )
    expect(
        value < 0.5,
        f"{name} is {value:g}: the price of a click does not rise by half every week. Fit the "
        "line to the natural log of the price (numpy.log), then take exp(slope) - 1.",
    )


def _check_paid_search_roas(answer: Any) -> None:
    """7a: return on advertising spend of paid search, revenue / spend, a positive number."""
    name = "paid_search_roas"
    value = expect_number(answer, name, low=0)
    expect(
        value >= 1,
        f"{name} is {value:g}, below 1. ROAS is the revenue of the paid-search orders divided "
        "by the paid-search spend (not the other way round), and here it is above 1.",
    )
    expect(
        value < 100,
        f"{name} is {value:g}: 100 yuan of sales for every yuan spent is far too much. Use only "
        "the orders whose channel is paid_search, and all of paid search's spend.",
    )


def _check_paid_search_next_week(answer: Any) -> None:
    """7b: the Series costs.campaign_outcome returns, for a budget of 900 yuan."""
    name = "paid_search_next_week"
    if isinstance(answer, pd.DataFrame):
        raise CheckFailed(
            f"{name} should be the Series that costs.campaign_outcome returns (one campaign), "
            "but it is a DataFrame. Call campaign_outcome, not campaign_grid."
        )
    series = expect_series(answer, name, index=OUTCOME_ROWS)
    expect_close(series["budget"], 900.0, f"{name}['budget']")
    cpc = 900.0 / series["clicks"]
    expect(
        1.0 < cpc < 10.0,
        f"{name} buys a click for {cpc:.2f} yuan (budget / clicks). Use the week-12 cost per "
        "click of paid search (spend / clicks that week) grown once by your weekly growth.",
    )
    expect(
        series["impressions"] > series["clicks"] > series["orders"] > 0,
        f"{name} should have more impressions than clicks and more clicks than orders; check "
        "that ctr and cvr are shares between 0 and 1 (clicks / impressions, conversions / "
        "clicks).",
    )
    expect(
        0 < series["revenue"] / series["orders"] < 1000,
        f"{name}: an order is worth revenue / orders yuan, about the price of a case or two; "
        "use the mean revenue of the paid-search orders as order_value.",
    )
    expect(
        0 < series["gross_profit"] < series["revenue"],
        f"{name}: the margin should be a share between 0 and 1 (total margin / total revenue "
        "of the paid-search orders), so gross profit is part of revenue.",
    )


@register("paid_search_roas_and_next_week")
def check_paid_search_roas_and_next_week(answer: Any) -> None:
    """Part 7, two answers checked together: ``(paid_search_roas, paid_search_next_week)``."""
    roas, next_week = expect_answers(
        answer, "paid_search_roas_and_next_week", ("paid_search_roas", "paid_search_next_week")
    )
    _check_paid_search_roas(roas)
    _check_paid_search_next_week(next_week)
