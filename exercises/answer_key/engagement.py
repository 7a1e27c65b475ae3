"""Who engages with the brand, what it costs to reach them, and how posts and buyers spread.

The reference answers of the graded exercises ``02_landscape_targeting`` and
``03_viral_marketing``, in plain pandas. The functions take the tables of
:mod:`socialmarketing.data` as loaded by ``data.load`` and lean on the course's models
(:mod:`socialmarketing.targeting`, :mod:`socialmarketing.costs`, :mod:`socialmarketing.funnel`)
for the formulas.

Segments and targeting (assignment 02):

* :func:`ordinary_users` - the accounts of kind ``"user"`` (not the brand, KOLs or media);
* :func:`user_share_by` - share of the users in each segment (city tier, income band, ...);
* :func:`engagements_per_user_by` - likes, comments and reposts per user, by segment;
* :func:`interest_index_by` - target group index of the users with an interest (tea lovers);
* :func:`channel_cpm` - what 1,000 impressions of a channel cost over the season;
* :func:`near_event_share` - share of the users who live near the Shanghai pop-up;
* :func:`popup_targeting` - broad against targeted display adverts for the pop-up.

Reposts, cascades and funnels (assignment 03):

* :func:`reposts_per_post`, :func:`mean_reposts_by` - reposts of each original post;
* :func:`cascade_depth`, :func:`share_with_depth_at_least` - how far each post travelled;
* :func:`post_exposures`, :func:`repost_probability_by` - repost probability p = reposts /
  exposures;
* :func:`funnel_stage_counts`, :func:`people_at_stage`, :func:`attention_to_action` - people
  at each funnel stage and the share of attention that ends in a purchase;
* :func:`share_rate`, :func:`followers_per_sharer`, :func:`aisas_viral_coefficient` - the
  viral coefficient K of the AISAS share loop;
* :func:`customers_with_sharing` - first customers plus everyone sharing brings in (K < 1).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from socialmarketing import costs, funnel, targeting
from socialmarketing.data.parameters import EVENT_CITIES
from socialmarketing.validation import (
    check_choice,
    check_columns,
    check_count,
    check_nonnegative,
    check_positive,
    check_rate,
    check_table,
)

__all__ = [
    "POPUP_CITIES",
    "SEGMENT_COLUMNS",
    "aisas_viral_coefficient",
    "attention_to_action",
    "cascade_depth",
    "channel_cpm",
    "customers_with_sharing",
    "engagements_per_user_by",
    "followers_per_sharer",
    "funnel_stage_counts",
    "interest_index_by",
    "mean_reposts_by",
    "near_event_share",
    "ordinary_users",
    "people_at_stage",
    "popup_targeting",
    "post_exposures",
    "repost_probability_by",
    "reposts_per_post",
    "share_rate",
    "share_with_depth_at_least",
    "user_share_by",
]

#: The cities from which a weekend visit to the Shanghai tasting pop-up is easy.
POPUP_CITIES = EVENT_CITIES

#: Every stage name of the two funnels, in the order of the funnel_events ``stage`` category.
_ALL_STAGES = tuple(dict.fromkeys([*funnel.AIDMA_STAGES[:4], *funnel.AISAS_STAGES[2:]]))

#: The segment columns of the accounts table that :func:`user_share_by` and friends accept.
SEGMENT_COLUMNS = ("city_tier", "age_band", "income_band", "platform", "city", "club_member")


def _check_segment(by: object) -> str:
    """``by`` if it names a segment column of the accounts table."""
    if by not in SEGMENT_COLUMNS:
        listed = ", ".join(repr(column) for column in SEGMENT_COLUMNS)
        raise ValueError(f"by must be one of {listed}, got {by!r}")
    return str(by)


# ---------------------------------------------------------------------------------------------
# Segments and targeting (assignment 02)
# ---------------------------------------------------------------------------------------------


def ordinary_users(accounts: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``accounts`` whose kind is ``"user"``: the public, without the brand's own
    accounts, KOLs and media. A copy, so adding columns to it leaves ``accounts`` alone."""
    check_table("accounts", accounts, ["account_id", "kind"])
    users = accounts[accounts["kind"] == "user"].copy()
    if users.empty:
        raise ValueError("accounts has no row of kind 'user': there are no ordinary users")
    return users


def user_share_by(accounts: pd.DataFrame, by: str = "city_tier") -> pd.Series:
    """Share of the ordinary users in each segment of the column ``by``.

    Returns a Series indexed by the segments that have users (in the column's own order, e.g.
    city tiers 1 to 4), holding shares between 0 and 1 that add up to 1.

    Example: 3 users in tier 1 and 1 in tier 2 give 0.75 and 0.25.
    """
    by = _check_segment(by)
    users = ordinary_users(accounts)
    check_columns("accounts", users, [by])
    counts = users.groupby(by, observed=True).size()
    return (counts / counts.sum()).rename("share_of_users")


def engagements_per_user_by(
    accounts: pd.DataFrame,
    likes: pd.DataFrame,
    comments: pd.DataFrame,
    reposts: pd.DataFrame,
    by: str = "city_tier",
) -> pd.Series:
    """Average number of engagements per ordinary user in each segment of ``by``.

    A user's engagements are the likes, comments (replies included) and reposts they made
    over the season, added up; a user who did none of these counts with 0. Returns a Series
    indexed by segment, in engagements per user (0 or more).

    Example: two tier-1 users, one with 2 likes and 1 comment, the other with nothing, give
    (3 + 0) / 2 = 1.5 engagements per user in tier 1.
    """
    by = _check_segment(by)
    users = ordinary_users(accounts)
    check_columns("accounts", users, [by])
    actions = [
        check_table(name, table, ["account_id"])["account_id"]
        for name, table in (("likes", likes), ("comments", comments), ("reposts", reposts))
    ]
    per_account = pd.concat(actions).value_counts()
    users["engagements"] = users["account_id"].map(per_account).fillna(0)
    return users.groupby(by, observed=True)["engagements"].mean().rename("engagements_per_user")


def interest_index_by(accounts: pd.DataFrame, by: str, interest: str = "tea") -> pd.Series:
    """Target group index (TGI) of the ordinary users with an interest, for each segment.

    The target group is the users whose ``interests`` include ``interest``. A segment's index
    is ``100 x (share of the segment in the target group) / (share of all users in it)``:
    100 is average, 200 twice as concentrated. Computed with
    :func:`socialmarketing.targeting.segment_table`; returns its ``index`` column.

    Example: 1,000 users of whom 200 love tea (20 %); a segment of 100 users holding 40 tea
    lovers (40 %) has an index of 100 x 0.40 / 0.20 = 200.
    """
    by = _check_segment(by)
    users = ordinary_users(accounts)
    check_columns("accounts", users, [by, "interests"])
    users["in_target"] = targeting.has_interest(users["interests"], interest)
    table = targeting.segment_table(users, by, "in_target")
    return table["index"].rename(f"{interest}_index")


def channel_cpm(channel_spend: pd.DataFrame, channel: str = "display") -> float:
    """Cost per 1,000 impressions of one channel over the whole season, in yuan.

    The channel's spend over all weeks divided by its impressions over all weeks, times 1,000
    (:func:`socialmarketing.costs.cpm`).
    """
    check_table("channel_spend", channel_spend, ["channel", "spend", "impressions"])
    rows = channel_spend[channel_spend["channel"] == channel]
    if rows.empty:
        raise ValueError(f"channel_spend has no row for channel {channel!r}")
    return float(costs.cpm(float(rows["spend"].sum()), float(rows["impressions"].sum())))


def near_event_share(accounts: pd.DataFrame, cities: Sequence[str] = POPUP_CITIES) -> float:
    """Share of the ordinary users (between 0 and 1) who live in one of ``cities``.

    By default the cities near the Shanghai tasting pop-up: Shanghai, Suzhou and Hangzhou.
    """
    users = ordinary_users(accounts)
    check_columns("accounts", users, ["city"])
    return float(users["city"].isin(list(cities)).mean())


def popup_targeting(
    accounts: pd.DataFrame,
    channel_spend: pd.DataFrame,
    budget: float = 200.0,
    targeting_premium: float = 0.5,
    targeted_target_share: float = 0.9,
    min_frequency: int = 3,
) -> pd.DataFrame:
    """Broad against targeted display adverts announcing the pop-up to the users near it.

    The target audience is the ordinary users who live in :data:`POPUP_CITIES`. Broad buying
    pays the season's display CPM (:func:`channel_cpm`) and lands on target in proportion to
    the audience's share of all users (:func:`near_event_share`); targeted buying pays
    ``1 + targeting_premium`` times that CPM and lands ``targeted_target_share`` on target.
    ``budget`` is in yuan; ``min_frequency`` is the number of exposures that counts a person as
    effectively reached.

    Returns :func:`socialmarketing.targeting.compare_targeting`: one row per option ("broad",
    "targeted") with, among others, ``target_cpm`` (yuan per 1,000 on-target impressions),
    ``reach`` and ``effective_reach`` (people near the pop-up).
    """
    budget = check_positive("budget", budget)
    targeting_premium = check_nonnegative("targeting_premium", targeting_premium)
    targeted_target_share = check_rate("targeted_target_share", targeted_target_share)
    min_frequency = check_count("min_frequency", min_frequency, minimum=1)
    users = ordinary_users(accounts)
    check_columns("accounts", users, ["city"])
    audience = int(users["city"].isin(list(POPUP_CITIES)).sum())
    if audience == 0:
        raise ValueError("no ordinary user lives near the pop-up: there is nobody to target")
    return targeting.compare_targeting(
        budget=budget,
        broad_cpm=channel_cpm(channel_spend, "display"),
        targeting_premium=targeting_premium,
        broad_target_share=near_event_share(accounts),
        targeted_target_share=targeted_target_share,
        target_audience=audience,
        min_frequency=min_frequency,
    )


# ---------------------------------------------------------------------------------------------
# Reposts and cascades (assignment 03)
# ---------------------------------------------------------------------------------------------


def reposts_per_post(posts: pd.DataFrame, reposts: pd.DataFrame) -> pd.Series:
    """Number of reposts of each original post (a count, 0 for posts nobody reposted).

    Indexed by ``post_id`` in the order of ``posts``. Every repost in a cascade counts, at any
    depth, because ``reposts.post_id`` always names the original post.
    """
    check_table("posts", posts, ["post_id"])
    check_table("reposts", reposts, ["post_id"])
    counts = reposts["post_id"].value_counts()
    per_post = posts["post_id"].map(counts).fillna(0).astype("int64")
    per_post.index = pd.Index(posts["post_id"], name="post_id")
    return per_post.rename("reposts")


def mean_reposts_by(posts: pd.DataFrame, reposts: pd.DataFrame, by: str = "post_type") -> pd.Series:
    """Average number of reposts per original post in each group of ``by`` (e.g. post type).

    Posts that nobody reposted count with 0, so this is reposts / posts of the group (reposts
    per post, 0 or more).

    Example: three giveaways with 10, 2 and 0 reposts give 12 / 3 = 4 reposts per giveaway.
    """
    check_table("posts", posts, ["post_id", by])
    counts = reposts_per_post(posts, reposts).to_numpy()
    table = pd.DataFrame({"group": posts[by].to_numpy(), "reposts": counts})
    mean = table.groupby("group", observed=True)["reposts"].mean()
    mean.index.name = by
    return mean.rename("reposts_per_post")


def cascade_depth(posts: pd.DataFrame, reposts: pd.DataFrame) -> pd.Series:
    """Depth of each post's cascade: the largest ``depth`` among its reposts, 0 if none.

    Depth 1 means only followers of the author reposted; depth 2 means somebody reposted a
    repost; and so on. Indexed by ``post_id`` in the order of ``posts`` (whole numbers).
    """
    check_table("posts", posts, ["post_id"])
    check_table("reposts", reposts, ["post_id", "depth"])
    deepest = reposts.groupby("post_id")["depth"].max()
    depth = posts["post_id"].map(deepest).fillna(0).astype("int64")
    depth.index = pd.Index(posts["post_id"], name="post_id")
    return depth.rename("depth")


def share_with_depth_at_least(
    posts: pd.DataFrame, reposts: pd.DataFrame, min_depth: int = 2
) -> float:
    """Share of all original posts (between 0 and 1) whose cascade reached ``min_depth``.

    The denominator is every post, including the posts nobody reposted.
    """
    min_depth = check_count("min_depth", min_depth, minimum=0)
    return float((cascade_depth(posts, reposts) >= min_depth).mean())


def post_exposures(posts: pd.DataFrame, reposts: pd.DataFrame, accounts: pd.DataFrame) -> pd.Series:
    """Exposures of each original post: the followers of its author plus, for every repost of
    it, the followers of the account that reposted.

    Everyone who follows the author or a reposter saw the post once per account they follow,
    so this counts views (impressions), not people. Indexed by ``post_id`` in the order of
    ``posts``; whole numbers, 0 or more.

    Example: an author with 400 followers and two reposters with 30 and 0 followers give
    400 + 30 + 0 = 430 exposures.
    """
    check_table("posts", posts, ["post_id", "account_id"])
    check_table("reposts", reposts, ["post_id", "account_id"])
    check_table("accounts", accounts, ["account_id", "followers"])
    followers = accounts.set_index("account_id")["followers"]
    author = posts["account_id"].map(followers)
    by_reposters = reposts["account_id"].map(followers).groupby(reposts["post_id"]).sum()
    added = posts["post_id"].map(by_reposters).fillna(0)
    if author.isna().any():
        missing = posts.loc[author.isna(), "account_id"].iloc[0]
        raise ValueError(f"posts has an author ({missing}) that is not in accounts")
    total = (author + added).astype("int64")
    total.index = pd.Index(posts["post_id"], name="post_id")
    return total.rename("exposures")


def repost_probability_by(
    posts: pd.DataFrame, reposts: pd.DataFrame, accounts: pd.DataFrame, by: str = "post_type"
) -> pd.Series:
    """Repost probability p in each group of ``by``: the group's reposts / its exposures.

    The chance that one person who sees a post reposts it (a share between 0 and 1): all the
    group's reposts divided by all its exposures (:func:`post_exposures`), not an average of
    the posts' own ratios.

    Example: a post with 430 exposures and 2 reposts and a post with 70 exposures and 3
    reposts give p = (2 + 3) / (430 + 70) = 0.01.
    """
    check_table("posts", posts, ["post_id", by])
    table = pd.DataFrame(
        {
            "group": posts[by].to_numpy(),
            "reposts": reposts_per_post(posts, reposts).to_numpy(),
            "exposures": post_exposures(posts, reposts, accounts).to_numpy(),
        }
    )
    totals = table.groupby("group", observed=True)[["reposts", "exposures"]].sum()
    if (totals["exposures"] == 0).any():
        empty = totals.index[totals["exposures"] == 0][0]
        raise ValueError(f"the posts of group {empty!r} were seen by nobody (0 exposures)")
    p = totals["reposts"] / totals["exposures"]
    p.index.name = by
    return p.rename("repost_probability")


# ---------------------------------------------------------------------------------------------
# Funnels and the share loop (assignment 03)
# ---------------------------------------------------------------------------------------------


def funnel_stage_counts(funnel_events: pd.DataFrame) -> pd.DataFrame:
    """People who reached each stage of each funnel.

    One row per (funnel, stage_number) with columns ``stage`` (its name) and ``people`` (the
    number of accounts that reached it; a count).
    """
    columns = ["account_id", "funnel", "stage", "stage_number"]
    check_table("funnel_events", funnel_events, columns)
    grouped = funnel_events.groupby(["funnel", "stage_number"], observed=True)
    table = grouped.agg(stage=("stage", "first"), people=("account_id", "nunique"))
    table["stage"] = table["stage"].astype(str)
    return table


def people_at_stage(funnel_events: pd.DataFrame, funnel_name: str, stage: str) -> int:
    """Number of accounts of the funnel ``funnel_name`` ("AIDMA" or "AISAS") that reached the
    stage named ``stage`` (e.g. "Action"); a count, 0 if nobody did."""
    check_table("funnel_events", funnel_events, ["account_id", "funnel", "stage"])
    funnel_name = check_choice("funnel_name", funnel_name, ("AIDMA", "AISAS"))
    stage = check_choice("stage", stage, _ALL_STAGES)
    rows = funnel_events[
        (funnel_events["funnel"] == funnel_name) & (funnel_events["stage"] == stage)
    ]
    return int(rows["account_id"].nunique())


def attention_to_action(funnel_events: pd.DataFrame) -> pd.Series:
    """For each funnel (AIDMA, AISAS), the share of the people who paid attention who bought.

    People at the Action stage divided by people at the Attention stage: a share between 0 and
    1, the product of the funnel's step rates up to Action.
    """
    check_table("funnel_events", funnel_events, ["account_id", "funnel", "stage"])
    shares = {}
    for name in ("AIDMA", "AISAS"):
        attention = people_at_stage(funnel_events, name, "Attention")
        if attention == 0:
            raise ValueError(f"funnel_events has nobody at the Attention stage of {name}")
        shares[name] = people_at_stage(funnel_events, name, "Action") / attention
    result = pd.Series(shares, name="attention_to_action")
    result.index.name = "funnel"
    return result


def share_rate(funnel_events: pd.DataFrame) -> float:
    """Share of the AISAS buyers (Action stage) who went on to share (Share stage), 0 to 1."""
    check_table("funnel_events", funnel_events, ["account_id", "funnel", "stage"])
    buyers = people_at_stage(funnel_events, "AISAS", "Action")
    if buyers == 0:
        raise ValueError("funnel_events has nobody at the Action stage of AISAS")
    return people_at_stage(funnel_events, "AISAS", "Share") / buyers


def followers_per_sharer(funnel_events: pd.DataFrame, accounts: pd.DataFrame) -> float:
    """Average number of followers of the accounts that reached the AISAS Share stage.

    Each share is seen by the sharer's followers, so this is the contacts per share of the
    viral coefficient (accounts, 0 or more).
    """
    check_table("funnel_events", funnel_events, ["account_id", "funnel", "stage"])
    check_table("accounts", accounts, ["account_id", "followers"])
    is_share = (funnel_events["funnel"] == "AISAS") & (funnel_events["stage"] == "Share")
    sharers = funnel_events.loc[is_share, "account_id"].unique()
    if len(sharers) == 0:
        raise ValueError("funnel_events has nobody at the Share stage of AISAS")
    followers = accounts.set_index("account_id")["followers"]
    return float(followers.reindex(sharers).mean())


def aisas_viral_coefficient(funnel_events: pd.DataFrame, accounts: pd.DataFrame) -> float:
    """The viral coefficient K of the AISAS share loop, measured on the data.

    ``K = share rate x followers per sharer x attention-to-action share of AISAS``
    (:func:`socialmarketing.funnel.viral_coefficient` of :func:`share_rate`,
    :func:`followers_per_sharer` and :func:`attention_to_action`): the new customers each
    customer brings in by sharing, assuming the sharers' followers convert like the people
    the campaign reached. Customers per customer, 0 or more.
    """
    return funnel.viral_coefficient(
        share_rate(funnel_events),
        followers_per_sharer(funnel_events, accounts),
        float(attention_to_action(funnel_events)["AISAS"]),
    )


def customers_with_sharing(first_customers: float, k: float) -> float:
    """All customers a campaign wins once sharing has run its course: ``first / (1 - k)``.

    ``first_customers`` (a count, 0 or more) buy directly; each of them brings in ``k`` more,
    who bring in ``k`` more each, and so on: ``first x (1 + k + k^2 + ...)``. The sum is
    finite only for ``k`` below 1 (see :func:`socialmarketing.funnel.viral_generations` for
    the generation-by-generation table). A count of customers (float, an expected number).

    Example: 1,000 first customers and K = 0.6 give 1,000 / 0.4 = 2,500 customers.
    """
    first_customers = check_nonnegative("first_customers", first_customers)
    k = check_nonnegative("k", k)
    if k >= 1:
        raise ValueError(
            f"k must be less than 1 for the total to settle, got {k!r}: at 1 or more every "
            "customer replaces themselves and growth only stops when the market runs out"
        )
    return first_customers / (1.0 - k)
