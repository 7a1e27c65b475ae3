"""What happens on the microblog: posts, and the reposts, likes, comments and link clicks they get.

Posts come from the brand's official account (two a day), its staff (who often echo an official
post an hour or two later: official and staff accounts posting together), hired KOLs (during
the KOL taste test), media (around the launch and the pop-up) and ordinary users.

Reposts are independent cascades over the follower graph, simulated with
:func:`socialmarketing.viral.simulate_cascade_tree`: whoever sees a post (the author's
followers, and the followers of everyone who reposted it) reposts it with the probability
:data:`~socialmarketing.data.parameters.REPOST_PROBABILITY` of its post type. Everyone who sees
a post may also like it, comment on it or click its link, each with a fixed probability per
post type (or link target). Times are the time the post or repost was seen plus a log-normal
wait; anything that would fall after the season's last second is not in the data.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
from scipy import sparse

from socialmarketing import viral
from socialmarketing.data import parameters as P
from socialmarketing.data.clock import (
    DAY,
    HOUR,
    MINUTE,
    SEASON_DAYS,
    SEASON_SECONDS,
    random_delays,
    random_times_of_day,
)
from socialmarketing.data.frames import sorted_by
from socialmarketing.data.people import FollowGraph

__all__ = [
    "build_comments",
    "build_likes",
    "build_organic_clicks",
    "build_posts",
    "build_reposts",
    "seen_by",
]

_OFFICIAL_TYPE_SHARES = (0.35, 0.28, 0.12, 0.10, 0.15)
_STAFF_TYPE_SHARES = (0.30, 0.50, 0.20, 0.0, 0.0)
_MEDIA_SHARE = {"official": 0.85, "staff": 0.6, "kol": 0.95, "media": 0.7, "user": 0.35}
_TYPE = {name: i for i, name in enumerate(P.POST_TYPES)}
_TARGET = {name: i for i, name in enumerate(P.LINK_TARGETS)}


def _kind_index(accounts: pd.DataFrame, kind: str) -> np.ndarray:
    return np.flatnonzero(accounts["kind"].to_numpy() == kind)


def build_posts(rng: np.random.Generator, accounts: pd.DataFrame, scale: P.Scale) -> pd.DataFrame:
    """Return the posts table (see the module docstring for who posts what and when)."""
    authors, times, types = [], [], []

    # Official account: about 10:00 and 20:00 every day.
    days = np.repeat(np.arange(SEASON_DAYS), 2)
    slot = np.tile([10 * HOUR, 20 * HOUR], SEASON_DAYS)
    jitter = np.clip(rng.normal(0, 25 * MINUTE, len(days)), -2 * HOUR, 2 * HOUR).astype(np.int64)
    official_times = days * DAY + slot + jitter
    official_types = rng.choice(len(P.POST_TYPES), size=len(days), p=_OFFICIAL_TYPE_SHARES)
    authors.append(np.zeros(len(days), dtype=np.int64))
    times.append(official_times)
    types.append(official_types)

    # Staff: each posts on about a third of the days; half of those posts echo an official post.
    staff = _kind_index(accounts, "staff")
    staff_day = rng.random((len(staff), SEASON_DAYS)) < 0.35
    who, day = np.nonzero(staff_day)
    echo = rng.random(len(day)) < 0.5
    echoed = 2 * day + rng.integers(0, 2, len(day))
    own_time = day * DAY + random_times_of_day(rng, len(day))
    echo_time = official_times[echoed] + rng.integers(30 * MINUTE, 3 * HOUR, len(day))
    own_type = rng.choice(len(P.POST_TYPES), size=len(day), p=_STAFF_TYPE_SHARES)
    authors.append(staff[who])
    times.append(np.where(echo, echo_time, own_time))
    types.append(np.where(echo, official_types[echoed], own_type))

    # KOLs: hired ones post 1-2 promotions in weeks 3-6; a few others mention the brand.
    kols = _kind_index(accounts, "kol")
    reach = accounts["followers"].to_numpy()[kols].astype(float) + 1
    hired = rng.choice(kols, size=scale.hired_kols, replace=False, p=reach / reach.sum())
    hired_posts = np.repeat(hired, rng.integers(1, 3, len(hired)))
    others = np.setdiff1d(kols, hired)
    mentioning = others[rng.random(len(others)) < 0.1]
    kol_authors = np.concatenate([hired_posts, mentioning])
    kol_days = np.concatenate(
        [rng.integers(14, 42, len(hired_posts)), rng.integers(0, SEASON_DAYS, len(mentioning))]
    )
    authors.append(kol_authors)
    times.append(kol_days * DAY + random_times_of_day(rng, len(kol_authors)))
    types.append(np.r_[np.full(len(hired_posts), 0), np.full(len(mentioning), 1)])

    # Media: news around the launch (weeks 1-2) and the pop-up (weeks 7-8).
    media = _kind_index(accounts, "media")
    for first_day in (0, 42):
        writing = media[rng.random(len(media)) < 0.4]
        authors.append(writing)
        times.append(
            (first_day + rng.integers(0, 14, len(writing))) * DAY
            + random_times_of_day(rng, len(writing))
        )
        types.append(np.full(len(writing), _TYPE["news"]))

    # Users: a few talk about Moonbrew; club members talk more, often about club events.
    users = _kind_index(accounts, "user")
    club = accounts["club_member"].to_numpy()[users]
    posts_each = rng.poisson(np.where(club, 0.3, 0.05))
    user_authors = np.repeat(users, posts_each)
    club_author = np.repeat(club, posts_each)
    authors.append(user_authors)
    times.append(
        rng.integers(0, SEASON_DAYS, len(user_authors)) * DAY
        + random_times_of_day(rng, len(user_authors))
    )
    club_post = club_author & (rng.random(len(user_authors)) < 0.4)
    types.append(np.where(club_post, _TYPE["club_event"], _TYPE["discussion"]))

    author = np.concatenate(authors)
    time = np.clip(np.concatenate(times), 0, SEASON_SECONDS - 1)
    post_type = np.concatenate(types)
    n = len(author)

    shares = np.array([P.LINK_TARGET_SHARES[t] for t in P.POST_TYPES])[post_type]
    cumulative = np.cumsum(shares, axis=1)
    target = np.minimum((rng.random(n)[:, None] > cumulative).sum(axis=1), len(P.LINK_TARGETS) - 1)
    kind = accounts["kind"].to_numpy()[author]
    has_media = rng.random(n) < np.vectorize(_MEDIA_SHARE.get)(kind)
    brand_like = kind != "user"
    long_text = np.clip(np.round(rng.normal(100, 25, n)), 20, 140)
    short_text = np.clip(np.round(rng.lognormal(np.log(45), 0.6, n)), 2, 140)
    text_length = np.where(brand_like, long_text, short_text).astype(np.int64)

    day = time // DAY
    brand = np.isin(kind, ["official", "staff"])
    selling = np.isin(post_type, [_TYPE["promotion"], _TYPE["giveaway"]])
    campaign = np.select(
        [
            (kind == "kol") & (post_type == _TYPE["promotion"]),
            post_type == _TYPE["club_event"],
            (brand | (kind == "media")) & (day >= 42) & (day < 56) & (selling | (post_type == 3)),
            brand & (day >= 56) & (day < 70) & selling,
            brand & (day < 42) & (selling | (post_type == _TYPE["news"])),
        ],
        [2, 3, 4, 5, 1],
        0,
    )

    posts = pd.DataFrame(
        {
            "account_id": author + 1,
            "posted_at": time,
            "post_type": np.array(P.POST_TYPES)[post_type],
            "text_length": text_length,
            "has_link": target != _TARGET["none"],
            "link_target": np.array(P.LINK_TARGETS)[target],
            "has_media": has_media,
            "campaign_id": pd.array(np.where(campaign > 0, campaign, None), dtype="Int64"),
        }
    )
    posts = sorted_by(posts, ["posted_at", "account_id"])
    posts.insert(0, "post_id", np.arange(1, n + 1, dtype=np.int64))
    return posts


_PARALLEL_CASCADES = 5_000  # with more posts to spread, a second process runs half of them


def _cascades(
    matrix: sparse.csr_matrix,
    post_author: np.ndarray,
    probability: np.ndarray,
    seeds: np.ndarray,
    todo: np.ndarray,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Run the cascade of each post in ``todo`` (row numbers of posts, in increasing order).

    Returns the reposts (not the authors) in post order, each cascade in the order that
    :func:`~socialmarketing.viral.simulate_cascade_tree` gives: columns ``post_index``,
    ``node``, ``parent`` (account indices) and ``generation``.
    """
    parts: list[tuple[np.ndarray, ...]] = []
    for i in todo:
        tree = viral.simulate_cascade_tree(
            matrix, [int(post_author[i])], float(probability[i]), seed=int(seeds[i])
        )
        generation = tree["generation"].to_numpy()
        spread = generation > 0
        if spread.any():
            nodes = tree["node"].to_numpy()[spread]
            parents = tree["parent"].to_numpy()[spread]
            parts.append((np.full(len(nodes), i), nodes, parents, generation[spread]))
        if progress is not None:
            progress(1)
    columns = ["post_index", "node", "parent", "generation"]
    return pd.DataFrame(
        {
            name: np.concatenate([part[k] for part in parts]).astype(np.int64)
            if parts
            else np.zeros(0, dtype=np.int64)
            for k, name in enumerate(columns)
        }
    )


def build_reposts(
    rng: np.random.Generator,
    posts: pd.DataFrame,
    graph: FollowGraph,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Return the reposts table: one independent cascade per post (see the module docstring).

    Each post's cascade has its own seed, drawn from ``rng``, so the result does not depend
    on the order the cascades run in: with many posts (the large scale) a second process
    runs every other cascade at the same time. ``progress``, if given, is called with the
    number of posts done as the work goes on.
    """
    report = progress or (lambda done: None)
    post_author = posts["account_id"].to_numpy() - 1
    post_time = posts["posted_at"].to_numpy()
    probability = posts["post_type"].map(P.REPOST_PROBABILITY).to_numpy()
    seeds = rng.integers(0, 2**62, size=len(posts))
    todo = np.flatnonzero(graph.followers[post_author] > 0)  # no followers: nobody sees it
    report(len(posts) - len(todo))
    arguments = (graph.matrix, post_author, probability, seeds)
    if len(todo) >= _PARALLEL_CASCADES and "fork" in mp.get_all_start_methods():
        with ProcessPoolExecutor(1, mp_context=mp.get_context("fork")) as helper:
            theirs = helper.submit(_cascades, *arguments, todo[1::2])
            mine = _cascades(*arguments, todo[0::2], report)
            cascade = pd.concat([mine, theirs.result()], ignore_index=True)
        report(len(todo[1::2]))
        cascade = sorted_by(cascade, ["post_index"])  # back in post order, as if run one by one
    else:
        cascade = _cascades(*arguments, todo, report)

    # Times: a repost comes a log-normal wait (median 40 minutes) after what it reposts.
    # Rows are identified by (post, account): an account reposts a post at most once.
    n_accounts = len(graph.followers)
    post_index = cascade["post_index"].to_numpy()
    node = cascade["node"].to_numpy()
    parent = cascade["parent"].to_numpy()
    generation = cascade["generation"].to_numpy()
    wait = random_delays(rng, 40 * MINUTE, 1.2, len(cascade))
    time = post_time[post_index] + wait  # right for generation 1; later ones are fixed below
    row_of = _row_finder(post_index * n_accounts + node)
    for g in range(2, int(generation.max(initial=0)) + 1):
        rows = np.flatnonzero(generation == g)
        parent_rows = row_of(post_index[rows] * n_accounts + parent[rows])
        time[rows] = time[parent_rows] + wait[rows]
    cascade["reposted_at"] = time
    cascade = cascade[cascade["reposted_at"] < SEASON_SECONDS]  # the season is over

    cascade = sorted_by(cascade, ["reposted_at", "post_index", "node"])
    post_index = cascade["post_index"].to_numpy()
    node = cascade["node"].to_numpy()
    parent = cascade["parent"].to_numpy()
    depth = cascade["generation"].to_numpy()
    repost_id = np.arange(1, len(cascade) + 1, dtype=np.int64)
    deeper = np.flatnonzero(depth > 1)
    parent_repost = np.full(len(cascade), None, dtype=object)
    parent_rows = _row_finder(post_index * n_accounts + node)(
        post_index[deeper] * n_accounts + parent[deeper]
    )
    parent_repost[deeper] = repost_id[parent_rows]
    return pd.DataFrame(
        {
            "repost_id": repost_id,
            "post_id": post_index + 1,
            "parent_repost_id": pd.array(parent_repost, dtype="Int64"),
            "parent_account_id": parent + 1,
            "account_id": node + 1,
            "reposted_at": cascade["reposted_at"].to_numpy(),
            "depth": depth,
        }
    )


def _row_finder(keys: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Return a function giving the position in ``keys`` of each wanted key (all present)."""
    order = np.argsort(keys, kind="stable")
    return lambda wanted: order[np.searchsorted(keys, wanted, sorter=order)]


def seen_by(posts: pd.DataFrame, reposts: pd.DataFrame) -> pd.DataFrame:
    """Return who showed each post to their followers, and when.

    One row per post for its author (at the posting time) and one per repost (at the repost
    time): columns ``post_index`` (row of ``posts``), ``shower`` (account index) and ``time``.
    """
    post_index = np.concatenate([np.arange(len(posts)), reposts["post_id"].to_numpy() - 1])
    shower = np.concatenate(
        [posts["account_id"].to_numpy() - 1, reposts["account_id"].to_numpy() - 1]
    )
    time = np.concatenate([posts["posted_at"].to_numpy(), reposts["reposted_at"].to_numpy()])
    return pd.DataFrame({"post_index": post_index, "shower": shower, "time": time})


def _reactions(
    rng: np.random.Generator,
    posts: pd.DataFrame,
    shown: pd.DataFrame,
    graph: FollowGraph,
    rate: np.ndarray,
    median_wait: float,
) -> pd.DataFrame:
    """Followers of each shower react with probability ``rate`` (per row of ``shown``).

    Returns one row per (post, account) that reacted, keeping its earliest reaction:
    ``post_index``, ``account`` (index) and ``time``. The author never reacts to their own post,
    and nothing after the season's end is kept.
    """
    shower = shown["shower"].to_numpy()
    counts = rng.binomial(graph.followers[shower], rate)
    row, account = graph.random_followers(rng, shower, counts)
    post_index = shown["post_index"].to_numpy()[row]
    time = shown["time"].to_numpy()[row] + random_delays(rng, median_wait, 1.2, len(row))
    author = posts["account_id"].to_numpy()[post_index] - 1
    reacted = pd.DataFrame({"post_index": post_index, "account": account, "time": time})
    reacted = reacted[(account != author) & (time < SEASON_SECONDS)]
    reacted = sorted_by(reacted, ["post_index", "account", "time"])
    return reacted.drop_duplicates(["post_index", "account"], ignore_index=True)


def build_likes(
    rng: np.random.Generator, posts: pd.DataFrame, shown: pd.DataFrame, graph: FollowGraph
) -> pd.DataFrame:
    """Return the likes table: followers who see a post like it with its type's like rate."""
    rate = posts["post_type"].map(P.LIKE_RATE).to_numpy()[shown["post_index"].to_numpy()]
    liked = _reactions(rng, posts, shown, graph, rate, 30 * MINUTE)
    return pd.DataFrame(
        {
            "post_id": liked["post_index"].to_numpy() + 1,
            "account_id": liked["account"].to_numpy() + 1,
            "liked_at": liked["time"].to_numpy(),
        }
    )


def build_organic_clicks(
    rng: np.random.Generator, posts: pd.DataFrame, shown: pd.DataFrame, graph: FollowGraph
) -> pd.DataFrame:
    """Return link clicks by followers who see a post with a link (columns as in link_clicks,
    without ``click_id``, which is given once the clicks that lead to orders are added)."""
    per_post = posts["link_target"].map(P.CLICK_RATE).fillna(0.0).to_numpy()
    rate = per_post[shown["post_index"].to_numpy()]
    clicked = _reactions(rng, posts, shown, graph, rate, 15 * MINUTE)
    return pd.DataFrame(
        {
            "post_id": clicked["post_index"].to_numpy() + 1,
            "account_id": clicked["account"].to_numpy() + 1,
            "clicked_at": clicked["time"].to_numpy(),
            "target": posts["link_target"].to_numpy()[clicked["post_index"].to_numpy()],
        }
    )


def _sentiments(rng: np.random.Generator, shares: np.ndarray) -> np.ndarray:
    """Pick negative / neutral / positive for each row of ``shares`` (n x 3)."""
    cumulative = np.cumsum(shares, axis=1)
    picked = (rng.random(len(shares))[:, None] > cumulative).sum(axis=1)
    return np.array(["negative", "neutral", "positive"])[np.minimum(picked, 2)]


def build_comments(
    rng: np.random.Generator,
    posts: pd.DataFrame,
    shown: pd.DataFrame,
    graph: FollowGraph,
    accounts: pd.DataFrame,
) -> pd.DataFrame:
    """Return the comments table: comments by followers who see a post, and replies.

    Two-way communication: the official account answers 35 % of the fans' comments on its
    posts, a staff author answers half of the comments on theirs, and 8 % of the fans' comments
    get an answer from another fan who commented on the same post.
    """
    rate = posts["post_type"].map(P.COMMENT_RATE).to_numpy()[shown["post_index"].to_numpy()]
    first = _reactions(rng, posts, shown, graph, rate, 45 * MINUTE)
    first["reply_to"] = -1
    kind = accounts["kind"].to_numpy()
    author = posts["account_id"].to_numpy()[first["post_index"].to_numpy()] - 1
    fan = ~np.isin(kind[first["account"].to_numpy()], ["official", "staff"])
    answer_rate = np.select([author == 0, kind[author] == "staff"], [0.35, 0.5], 0.0)
    answered = np.flatnonzero(fan & (rng.random(len(first)) < answer_rate))
    brand_replies = pd.DataFrame(
        {
            "post_index": first["post_index"].to_numpy()[answered],
            "account": author[answered],
            "time": first["time"].to_numpy()[answered]
            + random_delays(rng, 40 * MINUTE, 0.8, len(answered)),
            "reply_to": answered,
        }
    )

    # Fans answering fans: another commenter on the same post answers.
    post_index = first["post_index"].to_numpy()  # sorted, so each post's comments are together
    start = np.searchsorted(post_index, post_index, side="left")
    size = np.searchsorted(post_index, post_index, side="right") - start
    chosen = np.flatnonzero(fan & (size > 1) & (rng.random(len(first)) < 0.08))
    other = start[chosen] + rng.integers(0, size[chosen] - 1)
    other = np.where(other >= chosen, other + 1, other)  # skip the comment itself
    fan_replies = pd.DataFrame(
        {
            "post_index": post_index[chosen],
            "account": first["account"].to_numpy()[other],
            "time": first["time"].to_numpy()[chosen]
            + random_delays(rng, 60 * MINUTE, 1.0, len(chosen)),
            "reply_to": chosen,
        }
    )
    comments = pd.concat([first, brand_replies, fan_replies], ignore_index=True)
    comments["row"] = np.arange(len(comments))
    comments = comments[comments["time"] < SEASON_SECONDS]
    comments = sorted_by(comments, ["time", "post_index", "account"])
    comment_id = np.full(comments["row"].max() + 1 if len(comments) else 0, -1, dtype=np.int64)
    comment_id[comments["row"].to_numpy()] = np.arange(1, len(comments) + 1)
    reply_to = comments["reply_to"].to_numpy()

    n = len(comments)
    is_giveaway = posts["post_type"].to_numpy()[comments["post_index"].to_numpy()] == "giveaway"
    by_brand = np.isin(kind[comments["account"].to_numpy()], ["official", "staff"])
    shares = np.select(
        [by_brand[:, None], is_giveaway[:, None]],
        [np.array([[0.0, 0.3, 0.7]]), np.array([[0.05, 0.2, 0.75]])],
        np.array([[0.10, 0.35, 0.55]]),
    )
    return pd.DataFrame(
        {
            "comment_id": np.arange(1, n + 1, dtype=np.int64),
            "post_id": comments["post_index"].to_numpy() + 1,
            "account_id": comments["account"].to_numpy() + 1,
            "commented_at": comments["time"].to_numpy(),
            "reply_to_comment_id": pd.array(
                np.where(reply_to >= 0, comment_id[np.maximum(reply_to, 0)], None), dtype="Int64"
            ),
            "text_length": np.clip(np.round(rng.lognormal(np.log(25), 0.7, n)), 1, 140).astype(
                np.int64
            ),
            "sentiment": _sentiments(rng, shares),
        }
    )
