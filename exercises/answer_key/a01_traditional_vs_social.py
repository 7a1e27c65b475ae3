"""How assignment 01_traditional_vs_social is marked (instructors only).

Every numeric answer counts as right within 0.1 % of the exact value; Series are compared label
by label, in any order, and the table of part 1 column by column (extra columns do no harm).
Part 7 hands in two answers: the ROAS (7a) and the forecast for week 13 (7b); 7b is marked
against the student's own weekly CPC growth from part 6 and own paid-search CTR from part 2
(error carried forward), so one mistake costs once.
"""

from __future__ import annotations

import math

import pandas as pd

from answer_key import channels
from socialmarketing import costs
from socialmarketing.grading.verdicts import Columns, Labelled, Number, Part

#: The precision every numeric part of this assignment accepts.
RTOL = 1e-3

#: What week 13 of paid search costs, in yuan (the task's budget).
NEXT_WEEK_BUDGET = 900.0


def _is_growth(value) -> bool:
    """A usable weekly growth: a finite number above -1 (a price cannot fall below 0)."""
    return isinstance(value, float) and math.isfinite(value) and value > -1


def _has_paid_search_ctr(value) -> bool:
    """A usable CTR Series: a number for paid_search between 0 (excluded) and 1."""
    if not isinstance(value, pd.Series) or "paid_search" not in value.index:
        return False
    if value.index.duplicated().any():
        return False
    ctr = value["paid_search"]
    return isinstance(ctr, float) and 0 < ctr <= 1


def _paid_search_roas_and_next_week(tables, answers) -> tuple[float, pd.Series]:
    spend, orders = tables["channel_spend"], tables["orders"]
    roas = channels.channel_roas(orders, spend, "paid_search")
    # As channels.next_week_outcome, with the student's own growth (part 6) and CTR (part 2).
    growth = answers.own("paid_search_weekly_cpc_growth", usable=_is_growth)
    ctr = answers.own("ctr_by_channel", usable=_has_paid_search_ctr)["paid_search"]
    season = channels.channel_totals(spend).loc["paid_search"]
    bought = orders[orders["channel"].astype(str) == "paid_search"]
    outcome = costs.campaign_outcome(
        budget=NEXT_WEEK_BUDGET,
        cpc=float(channels.weekly_cpc(spend, "paid_search").iloc[-1]) * (1 + growth),
        ctr=float(ctr),
        cvr=float(costs.cvr(season["conversions"], season["clicks"])),
        order_value=float(bought["revenue"].mean()),
        margin=float(bought["margin"].sum() / bought["revenue"].sum()),
    )
    return roas, outcome


PARTS = {
    "channel_totals": Part(
        lambda t, a: channels.channel_totals(t["channel_spend"]),
        Columns("channel", channels.SPEND_COLUMNS),
    ),
    "ctr_by_channel": Part(
        lambda t, a: channels.ctr_by_channel(t["channel_spend"]),
        Labelled("channel", rtol=RTOL),
    ),
    "cpc_by_channel": Part(
        lambda t, a: channels.cpc_by_channel(t["channel_spend"]),
        Labelled("channel", rtol=RTOL),
    ),
    "cpa_by_channel": Part(
        lambda t, a: channels.cpa_by_channel(t["channel_spend"]),
        Labelled("channel", rtol=RTOL),
    ),
    "cpa_traditional_vs_social": Part(
        lambda t, a: channels.cpa_by_group(t["channel_spend"]),
        Labelled("channel group", rtol=RTOL),
    ),
    "paid_search_weekly_cpc_growth": Part(
        lambda t, a: channels.weekly_cpc_growth(t["channel_spend"], "paid_search"),
        Number(rtol=RTOL),
    ),
    "paid_search_roas_and_next_week": Part(
        _paid_search_roas_and_next_week,
        (Number(rtol=RTOL), Labelled("outcome", rtol=RTOL)),
        names=("paid_search_roas", "paid_search_next_week"),
    ),
}
