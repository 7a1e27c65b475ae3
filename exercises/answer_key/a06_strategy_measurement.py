"""How assignment 06_strategy_measurement is marked (instructors only).

Every numeric answer counts as right within 0.1 % of the exact value; Series are compared label
by label, in any order (campaigns as "1" to "5", weeks as "1" to "12"). One exception: in part
7a a channel whose optimal spend is 0 yuan (the best split gives it nothing) also counts as
right within 1 yuan of 0, since no relative precision can be met there; 1 yuan is far less than
0.1 % of any channel's season spend. Part 7 hands in two answers, the optimal split (7a) and the
extra customers it brings (7b); no part is computed from another part's answer.
"""

from __future__ import annotations

import pandas as pd

from answer_key import returns
from socialmarketing.grading.verdicts import Labelled, Number, Part

#: The precision every numeric part of this assignment accepts.
RTOL = 1e-3

#: Yuan within which an optimal spend of 0 counts as right (see the module's docstring).
ZERO_SPEND_ATOL = 1.0


def _optimal_spend_and_extra(tables, answers) -> tuple[pd.Series, float]:
    split = returns.season_budget_split(tables["channel_spend"])
    extra = float(split["optimal_conversions"].sum() - split["equal_conversions"].sum())
    return split["optimal_spend"], extra


def _roi_by_campaign(tables, answers) -> pd.Series:
    return returns.roi_by_campaign(
        tables["orders"],
        tables["sessions"],
        tables["link_clicks"],
        tables["posts"],
        tables["campaigns"],
    )


PARTS = {
    "spend_by_cost_kind": Part(
        lambda t, a: returns.spend_by_cost_kind(t["channel_spend"]),
        Labelled("cost kind", rtol=RTOL),
    ),
    "last_click_roas_by_channel": Part(
        lambda t, a: returns.last_click_roas_by_channel(t["orders"], t["channel_spend"]),
        Labelled("channel", rtol=RTOL),
    ),
    "last_click_roi_by_channel": Part(
        lambda t, a: returns.last_click_roi_by_channel(t["orders"], t["channel_spend"]),
        Labelled("channel", rtol=RTOL),
    ),
    "roi_by_campaign": Part(_roi_by_campaign, Labelled("campaign_id", rtol=RTOL)),
    "paid_search_weekly_profit": Part(
        lambda t, a: returns.paid_search_weekly(t["orders"], t["channel_spend"])["profit"],
        Labelled("week", rtol=RTOL),
    ),
    "paid_search_break_even_cpc": Part(
        lambda t, a: returns.paid_search_break_even_cpc(t["orders"], t["channel_spend"]),
        Number(rtol=RTOL),
    ),
    "optimal_spend_and_extra_conversions": Part(
        _optimal_spend_and_extra,
        (Labelled("channel", rtol=RTOL, atol=ZERO_SPEND_ATOL), Number(rtol=RTOL)),
        names=("optimal_spend_by_channel", "extra_conversions_from_optimal"),
    ),
}
