"""From marketing touches to money: customer journeys, shop visits, link clicks and orders.

1. **Journeys.** Some ordinary users are prospects. Each prospect's journey is a few touches by
   the channels (paid search, display ads, e-mail, the official account, a staff account, a
   KOL, the pop-up) at increasing times. Whether the journey converts is a logistic model
   (:data:`~socialmarketing.data.parameters.CONVERSION_LOGIT`): every channel touched adds
   log-odds, club members buy more readily, and touching *both* the official and a staff account
   adds :data:`~socialmarketing.data.parameters.SYNERGY_LOGIT` (integrated communication).
2. **First orders.** A converting journey ends in the customer's first order, shortly after the
   last touch, in a shop visit (session) that came from the last touch's channel; a last touch
   on the microblog is a click on a link to the shop in a post by that kind of account. Orders
   at the pop-up have no session.
3. **Repeat orders.** Geometric retention: each week after a week with an order, the customer
   orders again with probability :data:`~socialmarketing.data.parameters.RETENTION` (club
   members 0.35, others 0.15); after the first week without an order they are gone.
4. **Other visits.** Link clicks to the shop start visits that buy nothing; paid search, display
   and e-mail bring as many visits per week as their budgets buy; some visitors come direct.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from socialmarketing.data import parameters as P
from socialmarketing.data.clock import (
    DAY,
    MINUTE,
    SEASON_SECONDS,
    WEEK,
    random_delays,
    random_times_of_day,
    week_of,
)
from socialmarketing.data.frames import sorted_by
from socialmarketing.data.people import FollowGraph

__all__ = [
    "build_journeys",
    "build_orders",
    "build_sessions",
    "paid_search_cpc",
]

_CHANNEL = {name: i for i, name in enumerate(P.CHANNELS)}
_EVENT_DAYS = (53, 54, 55)  # Friday 24 to Sunday 26 April 2026, in week 8
_KOL_DAYS = (14, 42)  # the KOL taste test: weeks 3 to 6
_MICROBLOG_AUTHOR = {"microblog_official": "official", "microblog_staff": "staff", "kol": "kol"}


def paid_search_cpc(week: np.ndarray) -> np.ndarray:
    """Paid search cost per click in yuan for each week (1-12): 1.60 x 1.03^(week - 1)."""
    return P.PAID_SEARCH_START_CPC * (1 + P.PAID_SEARCH_CPC_GROWTH) ** (np.asarray(week) - 1)


def _top_k(rng: np.random.Generator, candidates: np.ndarray, weights: np.ndarray, k: int):
    """Draw ``k`` of ``candidates`` without replacement, with probability ~ ``weights``."""
    keys = np.log(weights) + rng.gumbel(size=len(candidates))
    k = min(k, len(candidates))
    return np.sort(candidates[np.argpartition(-keys, k - 1)[:k]]) if k else candidates[:0]


def build_journeys(
    rng: np.random.Generator, accounts: pd.DataFrame, graph: FollowGraph, scale: P.Scale
) -> pd.DataFrame:
    """Return every touch of every prospect's journey and whether the journey converts.

    Columns: ``journey`` (0-based), ``account`` (index), ``time`` (seconds), ``channel``
    (name), ``touch_number`` (from 1), ``wants_to_buy`` (the conversion model's draw, the same
    on every row of a journey; an order only follows if it still fits in the season).
    """
    kind = accounts["kind"].to_numpy()
    club = accounts["club_member"].to_numpy()
    users = np.flatnonzero(kind == "user")
    matrix = graph.matrix
    follows_official = np.zeros(len(accounts), dtype=bool)
    follows_official[matrix.indices[matrix.indptr[0] : matrix.indptr[1]]] = True
    staff = np.flatnonzero(kind == "staff")
    follows_staff = np.zeros(len(accounts), dtype=bool)
    staff_rows = matrix[staff]
    follows_staff[staff_rows.indices] = True

    weight = 1.0 + follows_official[users] + club[users]
    prospects = _top_k(rng, users, weight, round(0.3 * len(users)))
    n = len(prospects)

    touches = 1 + np.minimum(rng.poisson(1.6, n), 7)
    journey = np.repeat(np.arange(n), touches)
    first_touch = rng.integers(0, SEASON_SECONDS, n)
    gaps = np.round(rng.exponential(2.5 * DAY, len(journey))).astype(np.int64)
    starts = np.r_[0, np.cumsum(touches)[:-1]]
    gaps[starts] = 0
    cumulative = np.cumsum(gaps)
    time = first_touch[journey] + cumulative - cumulative[starts][journey]
    account = prospects[journey]

    in_kol_weeks = (time >= _KOL_DAYS[0] * DAY) & (time < _KOL_DAYS[1] * DAY)
    weights = np.column_stack(
        [
            np.full(len(time), 0.22),
            np.full(len(time), 0.22),
            np.where(club[account], 0.30, 0.10),
            np.where(follows_official[account], 0.50, 0.06),
            np.where(follows_staff[account], 0.30, 0.02),
            np.where(in_kol_weeks, 0.15, 0.0),
            np.zeros(len(time)),
        ]
    )
    cumulative_weights = np.cumsum(weights, axis=1)
    draw = rng.random(len(time))[:, None] * cumulative_weights[:, -1:]
    channel = (draw > cumulative_weights).sum(axis=1)

    # Pop-up visitors: prospects from Shanghai and nearby come on one of the event days.
    cities = accounts["city"].to_numpy()[prospects]
    nearby = np.flatnonzero(np.isin(cities, P.EVENT_CITIES))
    visitors = np.sort(
        rng.choice(nearby, size=min(scale.event_visitors, len(nearby)), replace=False)
    )
    visit_day = rng.choice(_EVENT_DAYS, size=len(visitors))
    visit_time = visit_day * DAY + rng.integers(10 * 3600, 20 * 3600, len(visitors))

    journey = np.concatenate([journey, visitors])
    time = np.concatenate([time, visit_time])
    channel = np.concatenate([channel, np.full(len(visitors), _CHANNEL["offline_event"])])
    keep = time < SEASON_SECONDS
    frame = pd.DataFrame({"journey": journey[keep], "time": time[keep], "channel": channel[keep]})
    frame = sorted_by(frame, ["journey", "time", "channel"])
    frame["account"] = prospects[frame["journey"].to_numpy()]
    frame["touch_number"] = frame.groupby("journey").cumcount() + 1

    # Conversion: log-odds from the channels touched, club membership and synergy.
    touched = np.zeros((n, len(P.CHANNELS)), dtype=bool)
    touched[frame["journey"].to_numpy(), frame["channel"].to_numpy()] = True
    beta = np.array([P.CONVERSION_LOGIT[c] for c in P.CHANNELS])
    logit = P.CONVERSION_LOGIT["intercept"] + touched @ beta
    logit += P.CONVERSION_LOGIT["club_member"] * club[prospects]
    both = touched[:, _CHANNEL["microblog_official"]] & touched[:, _CHANNEL["microblog_staff"]]
    logit += P.SYNERGY_LOGIT * both
    wants = rng.random(n) < 1 / (1 + np.exp(-logit))
    frame["wants_to_buy"] = wants[frame["journey"].to_numpy()]
    frame["channel"] = np.array(P.CHANNELS)[frame["channel"].to_numpy()]
    return frame


def _order_money(items: np.ndarray, week: np.ndarray, at_event: np.ndarray):
    """Revenue and margin in yuan: cases x price (May Day discount in weeks 9-10, event price
    at the pop-up) and revenue minus cases x cost, both rounded to the fen."""
    price = np.where(
        at_event,
        P.EVENT_PRICE,
        np.where((week == 9) | (week == 10), P.CASE_PRICE * (1 - P.MAY_DAY_DISCOUNT), P.CASE_PRICE),
    )
    revenue = np.round(items * price, 2)
    margin = np.round(revenue - items * P.CASE_COST, 2)
    return revenue, margin


def build_orders(
    rng: np.random.Generator,
    journeys: pd.DataFrame,
    accounts: pd.DataFrame,
    posts: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Turn converting journeys into first orders and add the repeat orders.

    Returns ``(orders, touchpoints, buying_clicks)``: the orders table (with a temporary
    ``session_start``/``session_seconds``/``click`` description of the visit it was placed in,
    turned into ids by :func:`build_sessions`), the touchpoints table, and the link clicks that
    started the buying visits from the microblog (without ``click_id``).
    """
    last = journeys.groupby("journey").tail(1)
    last = last[last["wants_to_buy"].to_numpy()].reset_index(drop=True)
    time = last["time"].to_numpy().copy()
    channel = last["channel"].to_numpy()
    account = last["account"].to_numpy()

    # A last touch on the microblog is a click on a link to the shop in a recent post.
    post_author_kind = accounts["kind"].to_numpy()[posts["account_id"].to_numpy() - 1]
    web = posts["link_target"].to_numpy() == "web"
    click_post = np.full(len(last), -1, dtype=np.int64)
    for name, author_kind in _MICROBLOG_AUTHOR.items():
        rows = np.flatnonzero(channel == name)
        candidates = np.flatnonzero(web & (post_author_kind == author_kind))
        if len(rows) == 0 or len(candidates) == 0:
            continue
        post_times = posts["posted_at"].to_numpy()[candidates]
        latest = np.searchsorted(post_times, time[rows], side="left") - 1
        too_early = latest < 0
        latest = np.maximum(latest, 0)
        click_post[rows] = candidates[latest]
        wait = random_delays(rng, 20 * MINUTE, 1.0, len(rows))
        time[rows] = np.where(too_early, post_times[latest] + wait, time[rows])

    at_event = channel == "offline_event"
    session_seconds = random_delays(rng, 7 * MINUTE, 0.6, len(last)) + 60
    order_time = np.where(
        at_event,
        time + rng.integers(5 * MINUTE, 40 * MINUTE, len(last)),
        time + np.round(rng.uniform(0.5, 1.0, len(last)) * session_seconds).astype(np.int64),
    )
    fits = order_time < SEASON_SECONDS
    first = pd.DataFrame(
        {
            "journey": last["journey"].to_numpy()[fits],
            "customer": account[fits],
            "order_time": order_time[fits],
            "channel": channel[fits],
            "items": 1 + rng.poisson(np.where(at_event, 0.3, 0.8))[fits],
            "is_first_order": True,
            "session_start": np.where(at_event, -1, time)[fits],
            "session_seconds": session_seconds[fits],
            "click_post": click_post[fits],
        }
    )

    # Repeat orders: geometric retention, one order in each consecutive active week.
    club = accounts["club_member"].to_numpy()[first["customer"].to_numpy()]
    retention = np.where(club, P.RETENTION["club_member"], P.RETENTION["other"])
    first_week = week_of(first["order_time"].to_numpy())
    extra_weeks = np.minimum(rng.geometric(1 - retention) - 1, P.SEASON_WEEKS - first_week)
    owner = np.repeat(np.arange(len(first)), extra_weeks)
    step = np.arange(len(owner)) - np.repeat(np.cumsum(extra_weeks) - extra_weeks, extra_weeks)
    week = first_week[owner] + step + 1
    repeat_time = (week - 1) * WEEK + rng.integers(0, 7, len(owner)) * DAY
    repeat_time += random_times_of_day(rng, len(owner))
    email_share = np.where(
        club[owner], P.CLUB_EMAIL_SHARE["club_member"], P.CLUB_EMAIL_SHARE["other"]
    )
    repeat_seconds = random_delays(rng, 5 * MINUTE, 0.6, len(owner)) + 60
    repeat = pd.DataFrame(
        {
            "journey": -1,
            "customer": first["customer"].to_numpy()[owner],
            "order_time": repeat_time,
            "channel": np.where(rng.random(len(owner)) < email_share, "email", "direct"),
            "items": 1 + rng.poisson(1.2, len(owner)),
            "is_first_order": False,
            "session_start": repeat_time
            - np.round(rng.uniform(0.5, 1.0, len(owner)) * repeat_seconds).astype(np.int64),
            "session_seconds": repeat_seconds,
            "click_post": -1,
        }
    )
    orders = pd.concat([first, repeat], ignore_index=True)
    orders = sorted_by(orders, ["order_time", "customer"])
    orders["order_id"] = np.arange(1, len(orders) + 1, dtype=np.int64)
    revenue, margin = _order_money(
        orders["items"].to_numpy(),
        week_of(orders["order_time"].to_numpy()),
        orders["channel"].to_numpy() == "offline_event",
    )
    orders["revenue"] = revenue
    orders["margin"] = margin

    # Touchpoints: the journeys, with the converting last touch moved to its click time.
    touchpoints = journeys.copy()
    journey_order = np.full(journeys["journey"].max() + 1, -1, dtype=np.int64)
    bought = orders[orders["journey"] >= 0]
    journey_order[bought["journey"].to_numpy()] = bought["order_id"].to_numpy()
    order_of_row = journey_order[touchpoints["journey"].to_numpy()]
    is_last = ~touchpoints["journey"].duplicated(keep="last").to_numpy()
    moved = pd.Series(time, index=last["journey"].to_numpy())
    rows = np.flatnonzero(is_last & (order_of_row > 0))
    touchpoints.loc[rows, "time"] = moved.loc[touchpoints["journey"].to_numpy()[rows]].to_numpy()
    touchpoints = pd.DataFrame(
        {
            "journey_id": touchpoints["journey"].to_numpy() + 1,
            "touch_number": touchpoints["touch_number"].to_numpy(),
            "account_id": touchpoints["account"].to_numpy() + 1,
            "touch_time": touchpoints["time"].to_numpy(),
            "channel": touchpoints["channel"].to_numpy(),
            "converted": order_of_row > 0,
            "order_id": pd.array(np.where(order_of_row > 0, order_of_row, None), dtype="Int64"),
        }
    )

    clicked = orders[orders["click_post"] >= 0]
    buying_clicks = pd.DataFrame(
        {
            "post_id": clicked["click_post"].to_numpy() + 1,
            "account_id": clicked["customer"].to_numpy() + 1,
            "clicked_at": clicked["session_start"].to_numpy(),
            "target": "web",
            "order_id": clicked["order_id"].to_numpy(),
        }
    )
    return orders, touchpoints, buying_clicks


def _random_visits(
    rng: np.random.Generator, weeks: np.ndarray, pool: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One visit per entry of ``weeks``: a random account of ``pool`` at a random time that week."""
    time = (
        (weeks - 1) * WEEK
        + rng.integers(0, 7, len(weeks)) * DAY
        + random_times_of_day(rng, len(weeks))
    )
    return pool[rng.integers(0, len(pool), len(weeks))], time


def build_sessions(
    rng: np.random.Generator,
    orders: pd.DataFrame,
    clicks: pd.DataFrame,
    posts: pd.DataFrame,
    accounts: pd.DataFrame,
    scale: P.Scale,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return ``(sessions, orders, paid_plan)``: every shop visit, the orders table with its
    final columns (``session_id`` filled in) and what the paid channels bought each week
    (``paid_plan``: columns ``week``, ``channel`` and ``impressions``, the adverts shown or
    e-mails sent, for paid search, display and e-mail).

    ``clicks`` is the final link_clicks table with an extra ``order_id`` column (the order
    each buying click led to, -1 for other clicks).
    """
    kind = accounts["kind"].to_numpy()
    users = np.flatnonzero(kind == "user")
    weeks = np.arange(1, P.SEASON_WEEKS + 1)

    online = orders[orders["session_start"] >= 0]
    order_click = pd.Series(clicks["click_id"].to_numpy(), index=clicks["order_id"].to_numpy())
    order_click = order_click[order_click.index >= 0]
    buying = pd.DataFrame(
        {
            "account": online["customer"].to_numpy(),
            "start": online["session_start"].to_numpy(),
            "source": online["channel"].to_numpy(),
            "click_id": order_click.reindex(online["order_id"].to_numpy())
            .fillna(-1)
            .to_numpy(np.int64),
            "pages": 3 + rng.poisson(4, len(online)),
            "seconds": online["session_seconds"].to_numpy(),
            "order_id": online["order_id"].to_numpy(),
        }
    )

    # Visits from link clicks to the shop that did not lead to an order.
    web_clicks = clicks[(clicks["target"] == "web") & (clicks["order_id"] < 0)]
    author_kind = kind[posts["account_id"].to_numpy()[web_clicks["post_id"].to_numpy() - 1] - 1]
    source = np.select(
        [author_kind == "official", author_kind == "staff", author_kind == "kol"],
        ["microblog_official", "microblog_staff", "kol"],
        "microblog_other",
    )
    parts = [
        buying,
        pd.DataFrame(
            {
                "account": web_clicks["account_id"].to_numpy() - 1,
                "start": web_clicks["clicked_at"].to_numpy(),
                "source": source,
                "click_id": web_clicks["click_id"].to_numpy(),
            }
        ),
    ]

    # Paid channels: each week's budget buys a number of visits; the buying ones are among them.
    buying_week = week_of(buying["start"].to_numpy())
    plan = []
    email_list = users[
        accounts["club_member"].to_numpy()[users] | (rng.random(len(users)) < P.EMAIL_LIST_SHARE)
    ]
    first_orders = orders[orders["is_first_order"]]
    customers_by_week = np.searchsorted(
        np.sort(first_orders["order_time"].to_numpy()), (weeks - 1) * WEEK
    )
    for name in ("paid_search", "display", "email"):
        already = np.bincount(
            buying_week[buying["source"].to_numpy() == name], minlength=P.SEASON_WEEKS + 1
        )[1:]
        if name == "paid_search":
            budget = P.PAID_SEARCH_WEEKLY_BUDGET * scale.money
            visits = np.maximum(np.floor(budget / paid_search_cpc(weeks)).astype(np.int64), already)
            impressions = np.round(visits / 0.035).astype(np.int64)
        elif name == "display":
            impressions = np.full(
                P.SEASON_WEEKS, round(P.DISPLAY_WEEKLY_BUDGET * scale.money / P.DISPLAY_CPM * 1000)
            )
            visits = np.maximum(rng.binomial(impressions, P.DISPLAY_CLICK_RATE), already)
        else:
            impressions = len(email_list) + customers_by_week
            visits = np.maximum(rng.binomial(impressions, P.EMAIL_CLICK_RATE), already)
        plan.append(pd.DataFrame({"week": weeks, "channel": name, "impressions": impressions}))
        extra_weeks = np.repeat(weeks, visits - already)
        pool = email_list if name == "email" else users
        account, start = _random_visits(rng, extra_weeks, pool)
        parts.append(pd.DataFrame({"account": account, "start": start, "source": name}))

    direct = round(P.DIRECT_SESSIONS_PER_DAY * scale.money * 7)
    account, start = _random_visits(rng, np.repeat(weeks, direct), users)
    parts.append(pd.DataFrame({"account": account, "start": start, "source": "direct"}))

    sessions = pd.concat(parts, ignore_index=True)
    browsing = sessions["pages"].isna().to_numpy()
    n_browsing = int(browsing.sum())
    pages = 1 + rng.geometric(0.45, n_browsing) - 1
    sessions.loc[browsing, "pages"] = pages
    sessions.loc[browsing, "seconds"] = np.maximum(
        1, np.round(pages * rng.lognormal(np.log(40), 0.8, n_browsing))
    )
    sessions["click_id"] = sessions["click_id"].fillna(-1)
    sessions["order_id"] = sessions["order_id"].fillna(-1)
    sessions["source_code"] = pd.Categorical(sessions["source"], categories=P.SESSION_SOURCES).codes
    sessions = sorted_by(sessions, ["start", "account", "source_code"])
    sessions["session_id"] = np.arange(1, len(sessions) + 1, dtype=np.int64)

    session_of_order = sessions.loc[sessions["order_id"] >= 0, ["order_id", "session_id"]]
    session_map = pd.Series(
        session_of_order["session_id"].to_numpy(), index=session_of_order["order_id"].to_numpy()
    )
    order_session = session_map.reindex(orders["order_id"].to_numpy()).to_numpy()
    final_orders = pd.DataFrame(
        {
            "order_id": orders["order_id"].to_numpy(),
            "customer_id": orders["customer"].to_numpy() + 1,
            "order_time": orders["order_time"].to_numpy(),
            "session_id": pd.array(
                np.where(np.isnan(order_session), None, order_session), dtype="Int64"
            ),
            "channel": orders["channel"].to_numpy(),
            "items": orders["items"].to_numpy().astype(np.int64),
            "revenue": orders["revenue"].to_numpy(),
            "margin": orders["margin"].to_numpy(),
            "is_first_order": orders["is_first_order"].to_numpy().astype(bool),
        }
    )
    click_id = sessions["click_id"].to_numpy().astype(np.int64)
    final_sessions = pd.DataFrame(
        {
            "session_id": sessions["session_id"].to_numpy(),
            "account_id": sessions["account"].to_numpy().astype(np.int64) + 1,
            "started_at": sessions["start"].to_numpy().astype(np.int64),
            "source_channel": sessions["source"].to_numpy(),
            "click_id": pd.array(np.where(click_id > 0, click_id, None), dtype="Int64"),
            "pages": sessions["pages"].to_numpy().astype(np.int64),
            "duration_seconds": sessions["seconds"].to_numpy().astype(np.int64),
        }
    )
    return final_sessions, final_orders, pd.concat(plan, ignore_index=True)
