"""The marketing plan and its results: campaigns, weekly spend per channel, and funnel events.

``channel_spend`` is computed from the other tables, so it agrees with them: paid search,
display and e-mail clicks are the shop visits from those channels; microblog and KOL
impressions are the followers reached by posts and reposts (organic reach); conversions are the
first orders whose last touch was the channel. Paid search's cost per click rises by
:data:`~socialmarketing.data.parameters.PAID_SEARCH_CPC_GROWTH` a week, so the same budget buys
fewer clicks as the season goes on.

``funnel_events`` follows the accounts reached by the spring launch through a funnel: AIDMA
(Attention, Interest, Desire, Memory, Action) for accounts reached by traditional adverts and
AISAS (Attention, Interest, Search, Action, Share) for accounts reached online. Each stage is
reached with a fixed share of those at the stage before
(:data:`~socialmarketing.data.parameters.FUNNEL_RATES`), after a log-normal wait.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from socialmarketing.data import parameters as P
from socialmarketing.data.clock import (
    DAY,
    HOUR,
    SEASON_SECONDS,
    random_times_of_day,
    week_of,
)
from socialmarketing.data.commerce import paid_search_cpc
from socialmarketing.data.people import FollowGraph
from socialmarketing.funnel import AIDMA_STAGES, AISAS_STAGES

__all__ = ["build_campaigns", "build_channel_spend", "build_funnel_events"]

_LAUNCH_CAMPAIGN = 1
_LAUNCH_DAYS = 42  # weeks 1-6
_EVENT_WEEK = 8


def build_campaigns(scale: P.Scale) -> pd.DataFrame:
    """Return the campaigns table (budgets scaled to the data set's size)."""
    rows = [
        (
            cid,
            name,
            np.datetime64(start, "D"),
            np.datetime64(end, "D"),
            goal,
            round(budget * scale.money, 2),
        )
        for cid, name, start, end, goal, budget in P.CAMPAIGNS
    ]
    return pd.DataFrame(
        rows, columns=["campaign_id", "name", "start_date", "end_date", "goal", "budget"]
    )


def _weekly(values_week: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Sum ``weights`` (or count rows) per week 1-12; returns an array of 12 numbers."""
    values_week = np.asarray(values_week, dtype=np.int64)
    inside = (values_week >= 1) & (values_week <= P.SEASON_WEEKS)
    w = None if weights is None else np.asarray(weights)[inside]
    return np.bincount(values_week[inside] - 1, weights=w, minlength=P.SEASON_WEEKS)


def build_channel_spend(
    accounts: pd.DataFrame,
    graph: FollowGraph,
    posts: pd.DataFrame,
    reposts: pd.DataFrame,
    clicks: pd.DataFrame,
    sessions: pd.DataFrame,
    orders: pd.DataFrame,
    touchpoints: pd.DataFrame,
    paid_plan: pd.DataFrame,
    scale: P.Scale,
) -> pd.DataFrame:
    """Return the channel_spend table: one row per week and channel (the pop-up: week 8 only).

    ``paid_plan`` is what :func:`~socialmarketing.data.commerce.build_sessions` says the paid
    channels bought each week.
    """
    weeks = np.arange(1, P.SEASON_WEEKS + 1)
    kind = accounts["kind"].to_numpy()
    post_kind = kind[posts["account_id"].to_numpy() - 1]
    post_week = week_of(posts["posted_at"].to_numpy())
    first = orders[orders["is_first_order"].to_numpy()]
    first_week = week_of(first["order_time"].to_numpy())
    session_week = week_of(sessions["started_at"].to_numpy())

    # Reach: every post and repost shows the post to the followers of whoever made it.
    show_kind = np.concatenate([post_kind, post_kind[reposts["post_id"].to_numpy() - 1]])
    show_week = np.concatenate([post_week, week_of(reposts["reposted_at"].to_numpy())])
    shower = np.concatenate([posts["account_id"].to_numpy(), reposts["account_id"].to_numpy()]) - 1
    show_reach = graph.followers[shower]
    click_kind = post_kind[clicks["post_id"].to_numpy() - 1]
    click_week = week_of(clicks["clicked_at"].to_numpy())

    hired = posts["campaign_id"].to_numpy(dtype=float, na_value=np.nan) == 2
    kol_fee = np.where(
        hired & (post_kind == "kol"),
        P.KOL_BASE_FEE * scale.money
        + P.KOL_FEE_PER_FOLLOWER * graph.followers[posts["account_id"].to_numpy() - 1],
        0.0,
    )
    per_post_cost = {"official": P.OFFICIAL_POST_COST, "staff": P.STAFF_POST_COST}

    rows = []
    for channel in P.CHANNELS:
        conversions = _weekly(first_week[first["channel"].to_numpy() == channel])
        if channel in ("paid_search", "display", "email"):
            impressions = paid_plan.loc[paid_plan["channel"] == channel, "impressions"].to_numpy()
            clicks_w = _weekly(session_week[sessions["source_channel"].to_numpy() == channel])
            if channel == "paid_search":
                spend = clicks_w * paid_search_cpc(weeks)
            elif channel == "display":
                spend = impressions / 1000 * P.DISPLAY_CPM
            else:
                spend = impressions * P.EMAIL_COST_PER_SEND
        elif channel == "offline_event":
            visitors = (touchpoints["channel"].to_numpy() == "offline_event").sum()
            impressions = np.where(weeks == _EVENT_WEEK, visitors, 0)
            clicks_w = np.zeros(P.SEASON_WEEKS)
            spend = np.where(weeks == _EVENT_WEEK, P.EVENT_COST * scale.money, 0.0)
        else:
            author = {"microblog_official": "official", "microblog_staff": "staff", "kol": "kol"}[
                channel
            ]
            impressions = _weekly(show_week[show_kind == author], show_reach[show_kind == author])
            clicks_w = _weekly(click_week[click_kind == author])
            if channel == "kol":
                spend = _weekly(post_week, kol_fee)
            else:
                cost = per_post_cost[author] * scale.money
                spend = _weekly(post_week[post_kind == author]) * cost
        frame = pd.DataFrame(
            {
                "week": weeks,
                "week_start": np.datetime64(P.SEASON_START.date(), "D")
                + ((weeks - 1) * 7).astype("timedelta64[D]"),
                "channel": channel,
                "cost_kind": P.CHANNEL_COST_KIND[channel],
                "spend": np.round(np.asarray(spend, dtype=float), 2),
                "impressions": np.asarray(impressions).astype(np.int64),
                "clicks": np.asarray(clicks_w).astype(np.int64),
                "conversions": conversions.astype(np.int64),
            }
        )
        if channel == "offline_event":
            frame = frame[frame["week"] == _EVENT_WEEK]
        rows.append(frame)
    spend = pd.concat(rows, ignore_index=True)
    order = {name: i for i, name in enumerate(P.CHANNELS)}
    spend = spend.sort_values(
        ["week", "channel"], key=lambda s: s.map(order) if s.name == "channel" else s
    )
    return spend.reset_index(drop=True)


def build_funnel_events(rng: np.random.Generator, accounts: pd.DataFrame) -> pd.DataFrame:
    """Return the funnel_events table for the spring launch (campaign 1, weeks 1-6)."""
    users = np.flatnonzero(accounts["kind"].to_numpy() == "user")
    reached = np.sort(rng.choice(users, size=round(0.3 * len(users)), replace=False))
    n = len(reached)
    young = np.isin(accounts["age_band"].to_numpy()[reached], ["18-24", "25-34"])
    online = rng.random(n) < np.where(young, 0.7, 0.4)
    rates = np.where(online[:, None], P.FUNNEL_RATES["AISAS"], P.FUNNEL_RATES["AIDMA"])
    steps = np.cumprod(rng.random((n, 4)) < rates, axis=1).sum(axis=1)
    stages_reached = 1 + steps

    owner = np.repeat(np.arange(n), stages_reached)
    first_row = np.cumsum(stages_reached) - stages_reached
    stage_number = np.arange(len(owner)) - first_row[owner] + 1
    start = rng.integers(0, _LAUNCH_DAYS, n) * DAY + random_times_of_day(rng, n)
    median_gap = HOUR * np.where(
        online[owner], P.FUNNEL_STAGE_GAP_HOURS["AISAS"], P.FUNNEL_STAGE_GAP_HOURS["AIDMA"]
    )
    gap = np.maximum(1, np.round(median_gap * rng.lognormal(0.0, 1.0, len(owner))))
    gap = np.where(stage_number == 1, 0, gap).astype(np.int64)
    elapsed = np.cumsum(gap)
    at = start[owner] + elapsed - elapsed[first_row][owner]
    names = np.where(
        online[owner][:, None], np.array(AISAS_STAGES)[None, :], np.array(AIDMA_STAGES)[None, :]
    )[np.arange(len(owner)), stage_number - 1]
    events = pd.DataFrame(
        {
            "account_id": reached[owner] + 1,
            "campaign_id": _LAUNCH_CAMPAIGN,
            "funnel": np.where(online[owner], "AISAS", "AIDMA"),
            "stage": names,
            "stage_number": stage_number.astype(np.int64),
            "at": at,
        }
    )
    return events[events["at"] < SEASON_SECONDS].reset_index(drop=True)
