"""Tests for answer_key.engagement (reference answers of assignments 02 and 03).

Expected values come from tiny tables worked out by hand in the comments below, from closed
forms (Poisson reach, geometric series) computed with scipy, and from the parameters the sample
data were generated with (data/README.md), recovered within a tolerance.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from answer_key import engagement
from socialmarketing import data, funnel
from socialmarketing.data import parameters

SETTINGS = settings(max_examples=60, deadline=None)

TIERS = pd.CategoricalDtype([1, 2, 3, 4], ordered=True)

# ---------------------------------------------------------------------------------------------
# A tiny microblog for the segment questions (assignment 02)
# ---------------------------------------------------------------------------------------------
# Two brand/KOL accounts (1, 2) that must be left out, and seven ordinary users:
#
#   user  tier  city       interests      club   likes comments reposts  engagements
#   3     1     Shanghai   tea;food       yes    2     1        1        4
#   4     1     Beijing    food           no     1     0        0        1
#   9     1     Guangzhou  food           no     0     0        0        0
#   5     2     Suzhou     tea            no     0     1        0        1
#   6     2     Chengdu    gaming         no     0     0        0        0
#   8     2     Hangzhou   teaching;tea   yes    0     0        0        0
#   7     3     Kunming    music          no     0     0        1        1
#
# Shares of users by tier: 3/7, 3/7, 1/7 (tier 4 has nobody).
# Engagements per user: tier 1 (4 + 1 + 0) / 3 = 5/3, tier 2 (1 + 0 + 0) / 3 = 1/3, tier 3 1.
# Tea lovers: users 3, 5, 8 ("teaching" is not "tea"), 3 of 7 users overall.
#   Tier 1: 1/3 -> index 100 x (1/3) / (3/7) = 700/9; tier 2: 2/3 -> 1400/9; tier 3: 0.
#   Club members (3, 8): 2/2 -> 700/3; others (4, 5, 6, 7, 9): 1/5 -> 140/3.
# Near the pop-up (Shanghai, Suzhou, Hangzhou): users 3, 5, 8 -> 3/7 (account 1 does not count).


def tiny_accounts() -> pd.DataFrame:
    rows = [
        # account_id, kind, tier, city, interests, club, followers
        (1, "official", 1, "Shanghai", "tea", False, 400),
        (2, "kol", 1, "Beijing", "tea;food", False, 5),
        (3, "user", 1, "Shanghai", "tea;food", True, 0),
        (4, "user", 1, "Beijing", "food", False, 0),
        (5, "user", 2, "Suzhou", "tea", False, 0),
        (6, "user", 2, "Chengdu", "gaming", False, 0),
        (7, "user", 3, "Kunming", "music", False, 0),
        (8, "user", 2, "Hangzhou", "teaching;tea", True, 0),
        (9, "user", 1, "Guangzhou", "food", False, 0),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "account_id",
            "kind",
            "city_tier",
            "city",
            "interests",
            "club_member",
            "followers",
        ],
    )
    frame["city_tier"] = frame["city_tier"].astype(TIERS)
    return frame


def tiny_engagement() -> dict[str, pd.DataFrame]:
    likes = pd.DataFrame({"post_id": [1, 1, 2, 1], "account_id": [3, 4, 3, 2]})
    comments = pd.DataFrame({"post_id": [1, 1, 2], "account_id": [3, 5, 1]})
    reposts = pd.DataFrame({"repost_id": [1, 2], "post_id": [1, 2], "account_id": [3, 7]})
    return {"likes": likes, "comments": comments, "reposts": reposts}


def as_dict(series: pd.Series) -> dict:
    return {key: float(value) for key, value in series.items()}


def test_user_share_by_city_tier_counts_only_users():
    shares = engagement.user_share_by(tiny_accounts(), "city_tier")
    assert as_dict(shares) == pytest.approx({1: 3 / 7, 2: 3 / 7, 3: 1 / 7})


def test_user_share_by_club_membership():
    shares = engagement.user_share_by(tiny_accounts(), "club_member")
    assert as_dict(shares) == pytest.approx({False: 5 / 7, True: 2 / 7})


def test_engagements_per_user_counts_users_without_any_as_zero():
    tables = tiny_engagement()
    per_user = engagement.engagements_per_user_by(tiny_accounts(), **tables, by="city_tier")
    assert as_dict(per_user) == pytest.approx({1: 5 / 3, 2: 1 / 3, 3: 1.0})


def test_interest_index_by_city_tier_and_club():
    accounts = tiny_accounts()
    by_tier = engagement.interest_index_by(accounts, "city_tier")
    assert as_dict(by_tier) == pytest.approx({1: 700 / 9, 2: 1400 / 9, 3: 0.0})
    by_club = engagement.interest_index_by(accounts, "club_member", "tea")
    assert as_dict(by_club) == pytest.approx({False: 140 / 3, True: 700 / 3})


def test_interest_index_for_another_interest():
    # Food lovers: users 3, 4, 9 (all tier 1): 3 of 7; tier 1 has 3/3 -> 100 x 1 / (3/7).
    index = engagement.interest_index_by(tiny_accounts(), "city_tier", "food")
    assert as_dict(index) == pytest.approx({1: 700 / 3, 2: 0.0, 3: 0.0})


def test_channel_cpm_uses_the_season_totals_of_one_channel():
    spend = pd.DataFrame(
        {
            "channel": ["display", "paid_search", "display"],
            "spend": [100.0, 500.0, 60.0],
            "impressions": [5000, 1000, 3000],
        }
    )
    # (100 + 60) / (5000 + 3000) x 1000 = 20 yuan per 1,000 impressions.
    assert engagement.channel_cpm(spend) == pytest.approx(20.0)
    assert engagement.channel_cpm(spend, "paid_search") == pytest.approx(500.0)
    with pytest.raises(ValueError, match="no row for channel 'email'"):
        engagement.channel_cpm(spend, "email")


def test_near_event_share():
    assert engagement.near_event_share(tiny_accounts()) == pytest.approx(3 / 7)
    assert engagement.near_event_share(tiny_accounts(), ["Kunming"]) == pytest.approx(1 / 7)


def test_popup_targeting_worked_by_hand():
    spend = pd.DataFrame({"channel": ["display"], "spend": [20.0], "impressions": [1000]})
    # CPM 20 yuan. A budget of 0.1 yuan buys 1000 x 0.1 / 20 = 5 broad impressions, 3/7 of
    # them on target; targeted impressions cost 30 yuan per 1,000: 10/3 impressions, 90 % on
    # target. Target audience: the 3 users near the pop-up.
    table = engagement.popup_targeting(tiny_accounts(), spend, budget=0.1)
    broad_on_target = 5 * 3 / 7
    targeted_on_target = 0.9 * 10 / 3
    assert table.loc["broad", "target_cpm"] == pytest.approx(20 / (3 / 7))
    assert table.loc["targeted", "target_cpm"] == pytest.approx(30 / 0.9)
    for option, on_target in (("broad", broad_on_target), ("targeted", targeted_on_target)):
        mean = on_target / 3
        assert table.loc[option, "reach"] == pytest.approx(3 * stats.poisson.sf(0, mean))
        # Effective reach: people who see it 3 times or more, P(X >= 3) = sf(2).
        assert table.loc[option, "effective_reach"] == pytest.approx(3 * stats.poisson.sf(2, mean))


def test_segment_functions_reject_bad_input():
    with pytest.raises(ValueError, match="by must be one of"):
        engagement.user_share_by(tiny_accounts(), "shoe_size")
    with pytest.raises(ValueError, match="accounts must be a pandas DataFrame"):
        engagement.user_share_by([1, 2, 3])
    with pytest.raises(ValueError, match="missing column 'kind'"):
        engagement.user_share_by(tiny_accounts().drop(columns="kind"))
    no_users = tiny_accounts().iloc[:2]
    with pytest.raises(ValueError, match="no row of kind 'user'"):
        engagement.near_event_share(no_users)
    tables = tiny_engagement()
    tables["likes"] = tables["likes"].rename(columns={"account_id": "who"})
    with pytest.raises(ValueError, match="likes table is missing column 'account_id'"):
        engagement.engagements_per_user_by(tiny_accounts(), **tables)
    spend = pd.DataFrame({"channel": ["display"], "spend": [20.0], "impressions": [1000]})
    with pytest.raises(ValueError, match="targeted_target_share must be between 0 and 1"):
        engagement.popup_targeting(tiny_accounts(), spend, targeted_target_share=90)
    with pytest.raises(ValueError, match="budget must be more than 0"):
        engagement.popup_targeting(tiny_accounts(), spend, budget=0)
    with pytest.raises(ValueError, match="nobody to target"):
        engagement.popup_targeting(tiny_accounts()[lambda a: a["city"] == "Beijing"], spend)


# ---------------------------------------------------------------------------------------------
# A tiny cascade for the repost questions (assignment 03)
# ---------------------------------------------------------------------------------------------
# The practice question of chapter 3: post 1, a giveaway by an account with 400 followers, is
# reposted by five followers with 30, 50, 20, 100 and 0 followers (depth 1), and the one with
# 100 followers is reposted once more by an account with 12 followers (depth 2).
# Post 2, a promotion by account 2 (5 followers), is never reposted: depth 0, 5 exposures.
# Post 3, a promotion by account 1, is reposted once, by account 10 (30 followers): depth 1.
#
#   post  type       reposts  depth  exposures
#   1     giveaway   6        2      400 + 30 + 50 + 20 + 100 + 0 + 12 = 612
#   2     promotion  0        0      5
#   3     promotion  1        1      400 + 30 = 430
#
# Reposts per post: giveaway 6, promotion (0 + 1) / 2 = 0.5.
# Share of posts with depth >= 2: 1/3; >= 1: 2/3.
# p: giveaway 6 / 612; promotion (0 + 1) / (5 + 430) = 1 / 435.


def cascade_tables() -> dict[str, pd.DataFrame]:
    followers = {1: 400, 2: 5, 10: 30, 11: 50, 12: 20, 13: 100, 14: 0, 15: 12}
    accounts = pd.DataFrame({"account_id": list(followers), "followers": list(followers.values())})
    posts = pd.DataFrame(
        {
            "post_id": [1, 2, 3],
            "account_id": [1, 2, 1],
            "post_type": pd.Categorical(
                ["giveaway", "promotion", "promotion"], categories=parameters.POST_TYPES
            ),
        }
    )
    reposts = pd.DataFrame(
        {
            "repost_id": range(1, 8),
            "post_id": [1, 1, 1, 1, 1, 1, 3],
            "account_id": [10, 11, 12, 13, 14, 15, 10],
            "depth": [1, 1, 1, 1, 1, 2, 1],
        }
    )
    return {"posts": posts, "reposts": reposts, "accounts": accounts}


def test_reposts_per_post_and_by_type():
    t = cascade_tables()
    assert engagement.reposts_per_post(t["posts"], t["reposts"]).to_dict() == {1: 6, 2: 0, 3: 1}
    mean = engagement.mean_reposts_by(t["posts"], t["reposts"])
    assert as_dict(mean) == pytest.approx({"giveaway": 6.0, "promotion": 0.5})


def test_cascade_depth_and_share_with_depth():
    t = cascade_tables()
    assert engagement.cascade_depth(t["posts"], t["reposts"]).to_dict() == {1: 2, 2: 0, 3: 1}
    share = engagement.share_with_depth_at_least
    assert share(t["posts"], t["reposts"]) == pytest.approx(1 / 3)
    assert share(t["posts"], t["reposts"], min_depth=1) == pytest.approx(2 / 3)
    assert share(t["posts"], t["reposts"], min_depth=0) == pytest.approx(1.0)


def test_exposures_and_repost_probability():
    t = cascade_tables()
    exposures = engagement.post_exposures(t["posts"], t["reposts"], t["accounts"])
    assert exposures.to_dict() == {1: 612, 2: 5, 3: 430}
    p = engagement.repost_probability_by(t["posts"], t["reposts"], t["accounts"])
    assert as_dict(p) == pytest.approx({"giveaway": 6 / 612, "promotion": 1 / 435})


def test_exposures_match_viral_exposure_on_a_graph():
    # viral.exposure adds up the out-degrees (followers) of the posters in a follower graph.
    import networkx as nx

    from socialmarketing import viral

    t = cascade_tables()
    graph = nx.DiGraph()
    for account, count in zip(t["accounts"]["account_id"], t["accounts"]["followers"], strict=True):
        graph.add_node(account)
        graph.add_edges_from((account, f"fan_{account}_{i}") for i in range(count))
    posters = [1, 10, 11, 12, 13, 14, 15]
    exposures = engagement.post_exposures(t["posts"], t["reposts"], t["accounts"])
    assert exposures[1] == viral.exposure(graph, posters)


def test_repost_functions_reject_bad_input():
    t = cascade_tables()
    with pytest.raises(ValueError, match="reposts table is missing column 'depth'"):
        engagement.cascade_depth(t["posts"], t["reposts"].drop(columns="depth"))
    with pytest.raises(ValueError, match="min_depth must be 0 or more"):
        engagement.share_with_depth_at_least(t["posts"], t["reposts"], min_depth=-1)
    with pytest.raises(ValueError, match="posts table is empty"):
        engagement.reposts_per_post(t["posts"].iloc[:0], t["reposts"])
    strangers = t["posts"].assign(account_id=[1, 99, 1])
    with pytest.raises(ValueError, match="author \\(99\\) that is not in accounts"):
        engagement.post_exposures(strangers, t["reposts"], t["accounts"])


# ---------------------------------------------------------------------------------------------
# A tiny funnel table
# ---------------------------------------------------------------------------------------------
# AIDMA: 10 people at Attention, 4, 3, 2 at the next stages, 1 at Action  -> 1/10.
# AISAS: 20 at Attention, 10 Interest, 6 Search, 4 Action, 2 Share        -> 4/20 = 0.2.
# Share rate 2/4 = 0.5; the sharers (accounts 201, 202) have 3 and 1 followers: 2 on average.
# K = 0.5 x 2 x 0.2 = 0.2; the 4 AISAS buyers grow to 4 / (1 - 0.2) = 5 customers.


def funnel_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for name, stages, counts, first in (
        ("AIDMA", funnel.AIDMA_STAGES, [10, 4, 3, 2, 1], 101),
        ("AISAS", funnel.AISAS_STAGES, [20, 10, 6, 4, 2], 201),
    ):
        for number, (stage, count) in enumerate(zip(stages, counts, strict=True), start=1):
            rows += [(first + i, name, stage, number) for i in range(count)]
    events = pd.DataFrame(rows, columns=["account_id", "funnel", "stage", "stage_number"])
    accounts = pd.DataFrame({"account_id": [201, 202, 203], "followers": [3, 1, 50]})
    return events, accounts


def test_funnel_stage_counts_and_attention_to_action():
    events, _ = funnel_tables()
    counts = engagement.funnel_stage_counts(events)
    assert counts.loc["AISAS", "people"].tolist() == [20, 10, 6, 4, 2]
    assert counts.loc[("AIDMA", 4), "stage"] == "Memory"
    shares = engagement.attention_to_action(events)
    assert as_dict(shares) == pytest.approx({"AIDMA": 0.1, "AISAS": 0.2})
    assert engagement.people_at_stage(events, "AISAS", "Action") == 4
    assert engagement.people_at_stage(events, "AIDMA", "Memory") == 2
    assert engagement.people_at_stage(events, "AIDMA", "Share") == 0  # not an AIDMA stage


def test_viral_coefficient_and_customers_with_sharing():
    events, accounts = funnel_tables()
    assert engagement.share_rate(events) == pytest.approx(0.5)
    assert engagement.followers_per_sharer(events, accounts) == pytest.approx(2.0)
    k = engagement.aisas_viral_coefficient(events, accounts)
    assert k == pytest.approx(0.2)
    assert engagement.customers_with_sharing(4, k) == pytest.approx(5.0)


def test_funnel_functions_reject_bad_input():
    events, accounts = funnel_tables()
    no_sharers = events[events["stage"] != "Share"]
    with pytest.raises(ValueError, match="nobody at the Share stage"):
        engagement.followers_per_sharer(no_sharers, accounts)
    with pytest.raises(ValueError, match="k must be less than 1"):
        engagement.customers_with_sharing(100, 1.0)
    with pytest.raises(ValueError, match="first_customers must be 0 or more"):
        engagement.customers_with_sharing(-5, 0.2)
    with pytest.raises(ValueError, match="funnel_events must be a pandas DataFrame"):
        engagement.attention_to_action("funnel_events.csv")
    with pytest.raises(ValueError, match="stage must be one of 'Attention'"):
        engagement.people_at_stage(events, "AISAS", "Buy")
    with pytest.raises(ValueError, match="funnel_name must be one of 'AIDMA', 'AISAS'"):
        engagement.people_at_stage(events, "AIDA", "Action")


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------


@SETTINGS
@given(
    first=st.floats(min_value=0, max_value=1e6, allow_nan=False),
    k=st.floats(min_value=0, max_value=0.9),
)
def test_customers_with_sharing_is_the_limit_of_the_generations(first, k):
    total = engagement.customers_with_sharing(first, k)
    generations = funnel.viral_generations(first, k, generations=400)
    assert total >= first
    assert total == pytest.approx(generations["cumulative_customers"].iloc[-1], rel=1e-9, abs=1e-9)


@SETTINGS
@given(k=st.one_of(st.floats(max_value=-1e-9), st.floats(min_value=1.0), st.just(math.nan)))
def test_customers_with_sharing_rejects_k_outside_0_to_1(k):
    with pytest.raises(ValueError, match="k must be"):
        engagement.customers_with_sharing(10, k)


cities = st.sampled_from(["Shanghai", "Suzhou", "Hangzhou", "Beijing", "Kunming"])


@st.composite
def random_microblog(draw):
    """Users with random tiers, cities and interests, and random likes/comments/reposts."""
    n = draw(st.integers(min_value=1, max_value=30))
    accounts = pd.DataFrame(
        {
            "account_id": range(1, n + 1),
            "kind": "user",
            "city_tier": pd.Categorical(
                draw(st.lists(st.sampled_from([1, 2, 3, 4]), min_size=n, max_size=n)),
                categories=[1, 2, 3, 4],
                ordered=True,
            ),
            "city": draw(st.lists(cities, min_size=n, max_size=n)),
            "interests": draw(
                st.lists(st.sampled_from(["tea", "food", "tea;food"]), min_size=n, max_size=n)
            ),
        }
    )
    ids = st.integers(min_value=1, max_value=n)
    tables = {
        name: pd.DataFrame({"account_id": draw(st.lists(ids, min_size=1, max_size=60))})
        for name in ("likes", "comments", "reposts")
    }
    return accounts, tables


@SETTINGS
@given(random_microblog())
def test_segment_shares_and_engagement_are_valid(microblog):
    accounts, tables = microblog
    shares = engagement.user_share_by(accounts, "city_tier")
    assert shares.sum() == pytest.approx(1.0)
    assert bool((shares > 0).all())
    per_user = engagement.engagements_per_user_by(accounts, **tables)
    assert per_user.notna().all() and bool((per_user >= 0).all())
    # The user-weighted average over tiers is all engagements divided by all users.
    total = sum(len(table) for table in tables.values())
    assert float((per_user * shares).sum()) == pytest.approx(total / len(accounts))
    if accounts["interests"].str.contains("tea").any():
        index = engagement.interest_index_by(accounts, "city_tier")
        assert float((index * shares).sum()) == pytest.approx(100.0)


@SETTINGS
@given(
    followers=st.lists(st.integers(min_value=0, max_value=500), min_size=3, max_size=3),
    reposters=st.lists(st.integers(min_value=0, max_value=2), max_size=20),
)
def test_repost_probability_is_a_probability(followers, reposters):
    accounts = pd.DataFrame({"account_id": [1, 2, 3], "followers": [f + 1 for f in followers]})
    posts = pd.DataFrame({"post_id": [1, 2], "account_id": [1, 2], "post_type": ["news", "news"]})
    reposts = pd.DataFrame(
        {
            "post_id": [1 + (i % 2) for i in range(len(reposters))],
            "account_id": [r + 1 for r in reposters],
            "depth": 1,
        }
    )
    if reposts.empty:
        reposts = pd.DataFrame({"post_id": [1], "account_id": [3], "depth": [1]}).iloc[:0]
        with pytest.raises(ValueError, match="reposts table is empty"):
            engagement.repost_probability_by(posts, reposts, accounts)
        return
    p = engagement.repost_probability_by(posts, reposts, accounts)
    assert p.notna().all() and bool((p >= 0).all())
    exposures = engagement.post_exposures(posts, reposts, accounts)
    assert float(p["news"]) == pytest.approx(len(reposts) / exposures.sum())


# ---------------------------------------------------------------------------------------------
# The sample data: the functions recover the parameters the data were generated with
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> dict[str, pd.DataFrame]:
    names = ["accounts", "posts", "reposts", "likes", "comments", "funnel_events", "channel_spend"]
    return {name: data.load(name) for name in names}


def test_sample_city_tier_shares_match_the_data_sheet(sample):
    shares = engagement.user_share_by(sample["accounts"], "city_tier")
    assert shares.tolist() == pytest.approx(list(parameters.CITY_TIER_SHARES), abs=0.015)


def test_sample_repost_probability_recovers_the_model(sample):
    p = engagement.repost_probability_by(sample["posts"], sample["reposts"], sample["accounts"])
    exposures = engagement.post_exposures(sample["posts"], sample["reposts"], sample["accounts"])
    exposures_by_type = exposures.groupby(sample["posts"]["post_type"].to_numpy()).sum()
    for post_type, true_p in parameters.REPOST_PROBABILITY.items():
        # Binomial standard error of reposts / exposures; allow five of them.
        error = math.sqrt(true_p * (1 - true_p) / exposures_by_type[post_type])
        assert abs(p[post_type] - true_p) < 5 * error, post_type


def test_sample_funnel_step_rates_recover_the_model(sample):
    counts = engagement.funnel_stage_counts(sample["funnel_events"])["people"]
    for name, rates in parameters.FUNNEL_RATES.items():
        people = counts.loc[name].to_numpy()
        for step, true_rate in enumerate(rates):
            error = math.sqrt(true_rate * (1 - true_rate) / people[step])
            assert abs(people[step + 1] / people[step] - true_rate) < 5 * error, (name, step)


def test_sample_display_cpm_is_the_price_list(sample):
    assert engagement.channel_cpm(sample["channel_spend"]) == pytest.approx(parameters.DISPLAY_CPM)


def test_sample_club_members_are_tea_lovers_more_often(sample):
    index = engagement.interest_index_by(sample["accounts"], "club_member")
    # The data sheet: 12 % of tea lovers but about 3 % of all users are club members.
    assert index[True] > 200 > 100 > index[False]
