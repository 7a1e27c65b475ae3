"""Tests of the sample data generator (socialmarketing.data.generate) and the `data` CLI verb.

The course-scale data set is generated once per test session (a session-scoped fixture) and
compared byte for byte with the committed data/ folder. Every expected number below is either
the documented model parameter written out by hand (repost probabilities, weekly retention,
funnel step rates, the paid search cost per click, prices) or computed here from the tables
with a small estimator of our own; nothing is read back from the generator's internals.
"""

from __future__ import annotations

import importlib
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmarketing import cli
from socialmarketing.data import DEFAULT_SEED, TABLES, build_tables, generate, load_all
from socialmarketing.funnel import AIDMA_STAGES, AISAS_STAGES

# the module (the package's name `generate` is the function)
generate_module = importlib.import_module("socialmarketing.data.generate")

SEASON_START = pd.Timestamp("2026-03-02 00:00:00")
SEASON_END = pd.Timestamp("2026-05-24 23:59:59")
FILES = sorted([f"{name}.csv" for name in TABLES] + ["README.md"])


def week(times: pd.Series) -> pd.Series:
    """Week of the season (1-12) of each time."""
    return (times - SEASON_START).dt.days // 7 + 1


def binomial_tolerance(rate: float, trials: int, sigmas: float = 4.0) -> float:
    """``sigmas`` standard errors of a share estimated from ``trials`` yes/no trials."""
    return sigmas * math.sqrt(rate * (1 - rate) / trials)


@pytest.fixture(scope="session")
def course_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course-scale data set with the default seed, generated once for the session."""
    out = tmp_path_factory.mktemp("course") / "data"
    generate(out)
    return out


@pytest.fixture(scope="session")
def course(course_dir: Path) -> dict[str, pd.DataFrame]:
    return load_all(course_dir)


@pytest.fixture(scope="session")
def small_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small") / "data"
    generate(out, seed=7, scale="small")
    return out


# --- Reproducibility --------------------------------------------------------------------------


def test_committed_data_is_exactly_a_fresh_generation(course_dir: Path, repo: Path) -> None:
    committed = repo / "data"
    assert sorted(p.name for p in committed.iterdir()) == FILES
    for name in FILES:
        assert (committed / name).read_bytes() == (course_dir / name).read_bytes(), name


def test_committed_data_is_small_enough_to_commit(repo: Path) -> None:
    total = sum((repo / "data" / name).stat().st_size for name in FILES)
    assert total <= 10 * 1024 * 1024
    accounts = pd.read_csv(repo / "data" / "accounts.csv")
    assert 20_000 <= len(accounts) <= 30_000


def test_files_are_plain_csv_with_unix_line_endings(course_dir: Path) -> None:
    for table in TABLES.values():
        data = (course_dir / table.file_name).read_bytes()
        assert b"\r" not in data
        assert data.endswith(b"\n")
        assert data.split(b"\n", 1)[0].decode() == ",".join(c.name for c in table.columns)
    orders = (course_dir / "orders.csv").read_text().splitlines()[1:]
    for line in orders[:50]:
        revenue, margin = line.split(",")[6:8]
        assert len(revenue.split(".")[1]) == 2 and len(margin.split(".")[1]) == 2


def test_same_seed_gives_identical_bytes(small_dir: Path, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", seed=7, scale="small")
    for name in FILES:
        assert (small_dir / name).read_bytes() == (tmp_path / "again" / name).read_bytes()
    assert set(again) == {*TABLES, "README"}


def test_different_seeds_give_different_data(small_dir: Path, tmp_path: Path) -> None:
    generate(tmp_path / "other", seed=8, scale="small")
    for name in ("follows.csv", "posts.csv", "orders.csv", "funnel_events.csv"):
        assert (small_dir / name).read_bytes() != (tmp_path / "other" / name).read_bytes()


def test_each_table_has_its_own_random_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drawing extra random numbers while making likes must not change any other table."""
    before = build_tables(seed=3, scale="small")
    original = generate_module.build_likes

    def greedy_likes(rng, *args):
        rng.random(1000)
        return original(rng, *args)

    monkeypatch.setattr(generate_module, "build_likes", greedy_likes)
    after = build_tables(seed=3, scale="small")
    assert not before["likes"].equals(after["likes"])
    for name in TABLES:
        if name != "likes":
            pd.testing.assert_frame_equal(before[name], after[name])


def test_cascades_run_in_two_processes_give_the_same_data(monkeypatch) -> None:
    """At the large scale a helper process runs half of the cascades; nothing may change."""
    one_by_one = build_tables(seed=5, scale="small")
    engagement = importlib.import_module("socialmarketing.data.engagement")
    monkeypatch.setattr(engagement, "_PARALLEL_CASCADES", 1)
    shared = build_tables(seed=5, scale="small")
    for name in TABLES:
        pd.testing.assert_frame_equal(one_by_one[name], shared[name])


def test_files_written_by_two_processes_are_identical(small_dir: Path, tmp_path, monkeypatch):
    monkeypatch.setattr(generate_module, "_PARALLEL_CELLS", 1)
    generate(tmp_path / "data", seed=7, scale="small")
    for name in FILES:
        assert (small_dir / name).read_bytes() == (tmp_path / "data" / name).read_bytes()


# --- Integrity --------------------------------------------------------------------------------

REFERENCES = [
    ("follows", "follower_id", "accounts", "account_id"),
    ("follows", "followee_id", "accounts", "account_id"),
    ("posts", "account_id", "accounts", "account_id"),
    ("posts", "campaign_id", "campaigns", "campaign_id"),
    ("reposts", "post_id", "posts", "post_id"),
    ("reposts", "parent_repost_id", "reposts", "repost_id"),
    ("reposts", "account_id", "accounts", "account_id"),
    ("reposts", "parent_account_id", "accounts", "account_id"),
    ("comments", "post_id", "posts", "post_id"),
    ("comments", "account_id", "accounts", "account_id"),
    ("comments", "reply_to_comment_id", "comments", "comment_id"),
    ("likes", "post_id", "posts", "post_id"),
    ("likes", "account_id", "accounts", "account_id"),
    ("link_clicks", "post_id", "posts", "post_id"),
    ("link_clicks", "account_id", "accounts", "account_id"),
    ("sessions", "account_id", "accounts", "account_id"),
    ("sessions", "click_id", "link_clicks", "click_id"),
    ("orders", "customer_id", "accounts", "account_id"),
    ("orders", "session_id", "sessions", "session_id"),
    ("touchpoints", "account_id", "accounts", "account_id"),
    ("touchpoints", "order_id", "orders", "order_id"),
    ("funnel_events", "account_id", "accounts", "account_id"),
    ("funnel_events", "campaign_id", "campaigns", "campaign_id"),
]


@pytest.mark.parametrize(("table", "column", "parent", "key"), REFERENCES)
def test_every_reference_points_to_an_existing_row(course, table, column, parent, key) -> None:
    values = course[table][column].dropna()
    assert len(values) > 0
    assert values.isin(course[parent][key]).all()


def test_ids_are_unique_and_numbered_in_order(course) -> None:
    for table, column in [
        ("accounts", "account_id"),
        ("posts", "post_id"),
        ("reposts", "repost_id"),
        ("comments", "comment_id"),
        ("link_clicks", "click_id"),
        ("sessions", "session_id"),
        ("orders", "order_id"),
    ]:
        ids = course[table][column].to_numpy()
        assert (ids == np.arange(1, len(ids) + 1)).all(), table
    assert not course["follows"].duplicated().any()
    assert not course["likes"].duplicated(["post_id", "account_id"]).any()
    # ids numbered in order of time
    assert course["posts"]["posted_at"].is_monotonic_increasing
    assert course["orders"]["order_time"].is_monotonic_increasing


def test_everything_happens_inside_the_season(course) -> None:
    for table, column in [
        ("posts", "posted_at"),
        ("reposts", "reposted_at"),
        ("comments", "commented_at"),
        ("likes", "liked_at"),
        ("link_clicks", "clicked_at"),
        ("sessions", "started_at"),
        ("orders", "order_time"),
        ("touchpoints", "touch_time"),
        ("funnel_events", "at"),
    ]:
        times = course[table][column]
        assert times.min() >= SEASON_START and times.max() <= SEASON_END, table


def test_followers_and_following_are_the_degrees_of_the_follow_graph(course) -> None:
    accounts, follows = course["accounts"], course["follows"]
    in_degree = follows["followee_id"].value_counts()
    out_degree = follows["follower_id"].value_counts()
    ids = accounts["account_id"]
    assert (accounts["followers"].to_numpy() == ids.map(in_degree).fillna(0).to_numpy()).all()
    assert (accounts["following"].to_numpy() == ids.map(out_degree).fillna(0).to_numpy()).all()
    assert not (follows["follower_id"] == follows["followee_id"]).any()


def test_followers_are_heavy_tailed(course) -> None:
    followers = np.sort(course["accounts"]["followers"].to_numpy())[::-1]
    top = len(followers) // 100
    assert followers[:top].sum() / followers.sum() > 0.40
    by_kind = course["accounts"].groupby("kind", observed=True)["followers"].median()
    assert by_kind["kol"] > 20 * by_kind["user"]
    assert by_kind["media"] > 20 * by_kind["user"]
    official = course["accounts"].set_index("account_id").loc[1]
    assert official["kind"] == "official"
    assert official["followers"] > 0.9 * followers[:top].min()


# --- Reposts ----------------------------------------------------------------------------------


def test_repost_parents_exist_and_come_first(course) -> None:
    posts = course["posts"].set_index("post_id")
    reposts = course["reposts"]
    direct = reposts[reposts["parent_repost_id"].isna()]
    assert (direct["depth"] == 1).all()
    assert (
        direct["parent_account_id"].to_numpy()
        == posts.loc[direct["post_id"], "account_id"].to_numpy()
    ).all()
    assert (
        direct["reposted_at"].to_numpy() > posts.loc[direct["post_id"], "posted_at"].to_numpy()
    ).all()
    child = reposts[reposts["parent_repost_id"].notna()]
    parent = reposts.set_index("repost_id").loc[child["parent_repost_id"].astype(int)]
    assert (child["post_id"].to_numpy() == parent["post_id"].to_numpy()).all()
    assert (child["reposted_at"].to_numpy() > parent["reposted_at"].to_numpy()).all()
    assert (child["depth"].to_numpy() == parent["depth"].to_numpy() + 1).all()
    assert (child["parent_account_id"].to_numpy() == parent["account_id"].to_numpy()).all()
    assert len(child) > 0  # cascades go deeper than one step
    # an account reposts a given post at most once, and never its own post
    assert not reposts.duplicated(["post_id", "account_id"]).any()
    author = posts.loc[reposts["post_id"], "account_id"].to_numpy()
    assert not (reposts["account_id"].to_numpy() == author).any()


def test_every_repost_travels_along_a_follow_edge(course) -> None:
    edges = set(
        zip(course["follows"]["follower_id"], course["follows"]["followee_id"], strict=True)
    )
    reposts = course["reposts"]
    pairs = zip(reposts["account_id"], reposts["parent_account_id"], strict=True)
    assert all(pair in edges for pair in pairs)


def test_repost_probability_per_post_type_is_recovered(course) -> None:
    """p = reposts / exposures. Exposures are the followers of the author and of each reposter
    who did not (yet) repost the post; each is one independent-cascade trial."""
    documented = {
        "promotion": 0.015,
        "discussion": 0.02,
        "club_event": 0.03,
        "news": 0.025,
        "giveaway": 0.06,
    }
    posts, reposts, follows = course["posts"], course["reposts"], course["follows"]
    active = pd.concat(
        [posts[["post_id", "account_id"]], reposts[["post_id", "account_id"]]], ignore_index=True
    )
    seen = active.merge(follows, left_on="account_id", right_on="followee_id")
    seen = seen[["post_id", "follower_id"]].rename(columns={"follower_id": "account_id"})
    never_reposted = seen.merge(active, how="left", indicator=True)
    failures = never_reposted[never_reposted["_merge"] == "left_only"]
    post_type = posts.set_index("post_id")["post_type"].astype(str)
    fails = failures["post_id"].map(post_type).value_counts()
    successes = reposts["post_id"].map(post_type).value_counts()
    for kind, p in documented.items():
        trials = successes[kind] + fails[kind]
        estimate = successes[kind] / trials
        # A few trials into accounts that another reposter reached first are not counted and
        # reposts after the season's end are cut, so allow 5 % bias on top of 4 standard errors.
        assert abs(estimate - p) <= binomial_tolerance(p, trials) + 0.05 * p, (kind, estimate)
    assert successes["giveaway"] / posts["post_type"].eq("giveaway").sum() == max(
        successes[k] / posts["post_type"].eq(k).sum() for k in documented
    )


# --- Customers ----------------------------------------------------------------------------


def weekly_retention(orders: pd.DataFrame, customers: pd.Index) -> tuple[float, int]:
    """Share of (customer, week k) activity followed by activity in week k+1 (k = 1..11)."""
    active = orders.assign(week=week(orders["order_time"]))[["customer_id", "week"]]
    active = active[active["customer_id"].isin(customers)].drop_duplicates()
    keys = set(zip(active["customer_id"], active["week"], strict=True))
    observable = active[active["week"] < 12]
    stayed = [
        (c, w + 1) in keys
        for c, w in zip(observable["customer_id"], observable["week"], strict=True)
    ]
    return float(np.mean(stayed)), len(stayed)


def test_weekly_retention_per_group_is_recovered(course) -> None:
    accounts = course["accounts"]
    club = accounts.loc[accounts["club_member"], "account_id"]
    others = accounts.loc[~accounts["club_member"], "account_id"]
    club_rate, club_n = weekly_retention(course["orders"], pd.Index(club))
    other_rate, other_n = weekly_retention(course["orders"], pd.Index(others))
    assert abs(club_rate - 0.35) <= binomial_tolerance(0.35, club_n)
    assert abs(other_rate - 0.15) <= binomial_tolerance(0.15, other_n)
    assert club_rate > other_rate


def test_each_customer_has_exactly_one_first_order_and_it_comes_first(course) -> None:
    orders = course["orders"]
    assert (orders.groupby("customer_id")["is_first_order"].sum() == 1).all()
    earliest = orders.sort_values(["order_time", "order_id"]).groupby("customer_id").head(1)
    assert earliest["is_first_order"].all()
    assert orders["is_first_order"].sum() < len(orders)  # there are repeat orders


def test_order_money_follows_the_price_list(course) -> None:
    orders = course["orders"]
    w = week(orders["order_time"])
    at_event = orders["channel"] == "offline_event"
    price = np.where(at_event, 49.00, np.where(w.isin([9, 10]), 50.15, 59.00))  # 59 x 0.85
    assert np.allclose(orders["revenue"], np.round(orders["items"] * price, 2))
    assert np.allclose(orders["margin"], np.round(orders["revenue"] - orders["items"] * 33.50, 2))
    assert (orders["items"] >= 1).all()
    assert (at_event == orders["session_id"].isna()).all()
    assert (w[at_event] == 8).all()


def test_journeys_lead_to_their_orders(course) -> None:
    touches = course["touchpoints"]
    orders = course["orders"].set_index("order_id")
    assert (touches.groupby("journey_id")["account_id"].nunique() == 1).all()
    assert (touches.groupby("journey_id")["converted"].nunique() == 1).all()
    assert (touches["converted"] == touches["order_id"].notna()).all()
    assert (
        touches.groupby("journey_id")["touch_time"].apply(lambda t: t.is_monotonic_increasing).all()
    )
    numbers = touches.groupby("journey_id")["touch_number"]
    assert (numbers.min() == 1).all() and (numbers.max() == numbers.count()).all()
    last = touches.sort_values(["journey_id", "touch_number"]).groupby("journey_id").tail(1)
    bought = last[last["converted"]]
    order = orders.loc[bought["order_id"].astype(int)]
    assert (order["customer_id"].to_numpy() == bought["account_id"].to_numpy()).all()
    assert (order["order_time"].to_numpy() >= bought["touch_time"].to_numpy()).all()
    assert (
        order["channel"].astype(str).to_numpy() == bought["channel"].astype(str).to_numpy()
    ).all()
    assert order["is_first_order"].all()
    assert 0 < last["converted"].mean() < 1  # journeys that did not convert are included
    first_orders = orders[orders["is_first_order"]]
    assert first_orders.index.isin(bought["order_id"]).all()


def test_journeys_touching_official_and_staff_convert_more_often(course) -> None:
    touches = course["touchpoints"]
    journeys = touches.groupby("journey_id").agg(
        converted=("converted", "first"),
        official=("channel", lambda c: (c == "microblog_official").any()),
        staff=("channel", lambda c: (c == "microblog_staff").any()),
    )
    rate = journeys.groupby(["official", "staff"])["converted"].mean()
    assert rate[(True, True)] > rate[(True, False)] + 0.1
    assert rate[(True, True)] > rate[(False, True)] + 0.1


def test_clicks_sessions_and_orders_chain_together(course) -> None:
    posts = course["posts"].set_index("post_id")
    clicks = course["link_clicks"]
    sessions = course["sessions"]
    orders = course["orders"]
    assert (
        clicks["target"].astype(str).to_numpy()
        == posts.loc[clicks["post_id"], "link_target"].astype(str).to_numpy()
    ).all()
    assert (
        clicks["clicked_at"].to_numpy() > posts.loc[clicks["post_id"], "posted_at"].to_numpy()
    ).all()
    from_click = sessions[sessions["click_id"].notna()]
    click = clicks.set_index("click_id").loc[from_click["click_id"].astype(int)]
    assert (click["account_id"].to_numpy() == from_click["account_id"].to_numpy()).all()
    assert (click["clicked_at"].to_numpy() == from_click["started_at"].to_numpy()).all()
    assert (click["target"] == "web").all()
    online = orders[orders["session_id"].notna()]
    session = sessions.set_index("session_id").loc[online["session_id"].astype(int)]
    assert (session["account_id"].to_numpy() == online["customer_id"].to_numpy()).all()
    assert (session["started_at"].to_numpy() <= online["order_time"].to_numpy()).all()
    assert (
        session["source_channel"].astype(str).to_numpy() == online["channel"].astype(str).to_numpy()
    ).all()
    # a first order whose last touch was the official account started from a link in its post
    official = online[(online["channel"] == "microblog_official") & online["is_first_order"]]
    official_sessions = sessions.set_index("session_id").loc[official["session_id"].astype(int)]
    clicked_posts = clicks.set_index("click_id").loc[
        official_sessions["click_id"].astype(int), "post_id"
    ]
    assert len(clicked_posts) > 0
    assert (posts.loc[clicked_posts, "account_id"] == 1).all()


def test_channel_spend_agrees_with_the_other_tables(course) -> None:
    spend = course["channel_spend"]
    sessions = course["sessions"].assign(week=lambda s: week(s["started_at"]))
    first = course["orders"][course["orders"]["is_first_order"]]
    first = first.assign(week=week(first["order_time"]))
    for channel in ("paid_search", "display", "email"):
        rows = spend[spend["channel"] == channel].set_index("week")
        visits = sessions[sessions["source_channel"] == channel].groupby("week").size()
        assert (rows["clicks"] == visits.reindex(rows.index, fill_value=0)).all(), channel
    for channel, rows in spend.groupby("channel", observed=True):
        rows = rows.set_index("week")
        bought = first[first["channel"] == channel].groupby("week").size()
        assert (rows["conversions"] == bought.reindex(rows.index, fill_value=0)).all(), channel
    event = spend[spend["channel"] == "offline_event"]
    assert event["week"].tolist() == [8]
    assert event["spend"].iloc[0] > 0
    assert set(spend.loc[spend["channel"] != "offline_event", "week"]) == set(range(1, 13))


def test_paid_search_cost_per_click_rises_three_percent_a_week(course) -> None:
    paid = course["channel_spend"].query("channel == 'paid_search'").sort_values("week")
    cpc = (paid["spend"] / paid["clicks"]).to_numpy()
    expected = 1.60 * 1.03 ** np.arange(12)  # 1.60 yuan in week 1, +3 % a week
    assert np.allclose(cpc, expected, atol=0.001)
    assert (np.diff(paid["clicks"].to_numpy()) <= 0).all()  # the same budget buys fewer clicks


# --- Engagement -------------------------------------------------------------------------------


def test_comments_and_likes_make_sense(course) -> None:
    posts = course["posts"].set_index("post_id")
    comments = course["comments"]
    likes = course["likes"]
    assert (
        likes["liked_at"].to_numpy() > posts.loc[likes["post_id"], "posted_at"].to_numpy()
    ).all()
    assert (
        comments["commented_at"].to_numpy() > posts.loc[comments["post_id"], "posted_at"].to_numpy()
    ).all()
    replies = comments[comments["reply_to_comment_id"].notna()]
    answered = comments.set_index("comment_id").loc[replies["reply_to_comment_id"].astype(int)]
    assert (replies["post_id"].to_numpy() == answered["post_id"].to_numpy()).all()
    assert (replies["commented_at"].to_numpy() > answered["commented_at"].to_numpy()).all()
    kind = course["accounts"].set_index("account_id")["kind"].astype(str)
    replier, fan = replies["account_id"].map(kind), answered["account_id"].map(kind).to_numpy()
    assert ((replier == "official").to_numpy() & (fan == "user")).any()  # the brand answers fans
    assert ((replier == "user").to_numpy() & (fan == "user")).any()  # fans answer fans
    assert (posts["text_length"].between(1, 140)).all()
    assert ((posts["link_target"] != "none") == posts["has_link"]).all()


def test_staff_post_together_with_the_official_account(course) -> None:
    """Half of the staff posts echo an official post 30 minutes to 3 hours later."""
    posts = course["posts"]
    kind = posts["account_id"].map(course["accounts"].set_index("account_id")["kind"].astype(str))
    official = posts.loc[kind == "official", "posted_at"].sort_values().to_numpy()
    staff = posts.loc[kind == "staff", "posted_at"].to_numpy()
    latest = official[np.searchsorted(official, staff, side="right") - 1]
    soon_after = (staff - latest) <= np.timedelta64(3, "h")
    assert len(official) == 2 * 84 and len(staff) > 100
    assert soon_after.mean() > 0.5


# --- Funnels ----------------------------------------------------------------------------------


def test_funnel_stages_follow_each_funnel_in_time(course) -> None:
    events = course["funnel_events"].sort_values(["account_id", "stage_number"])
    assert events.groupby("account_id")["funnel"].nunique().max() == 1
    assert events.groupby("account_id")["at"].apply(lambda t: t.is_monotonic_increasing).all()
    numbers = events.groupby("account_id")["stage_number"]
    assert (numbers.min() == 1).all() and (numbers.max() == numbers.count()).all()
    for funnel, stages in (("AIDMA", AIDMA_STAGES), ("AISAS", AISAS_STAGES)):
        rows = events[events["funnel"] == funnel]
        names = rows["stage"].astype(str).to_numpy()
        assert (names == np.array(stages)[rows["stage_number"].to_numpy() - 1]).all()
    stage = events["stage"]
    assert stage.cat.ordered
    for stages in (AIDMA_STAGES, AISAS_STAGES):
        codes = [stage.cat.categories.get_loc(s) for s in stages]
        assert codes == sorted(codes)


def test_funnel_step_rates_are_recovered(course) -> None:
    documented = {"AIDMA": (0.30, 0.45, 0.60, 0.30), "AISAS": (0.35, 0.55, 0.35, 0.30)}
    events = course["funnel_events"]
    for funnel, rates in documented.items():
        reached = events[events["funnel"] == funnel].groupby("stage_number").size()
        for step, rate in enumerate(rates, start=2):
            before = reached[step - 1]
            estimate = reached.get(step, 0) / before
            assert abs(estimate - rate) <= binomial_tolerance(rate, before), (funnel, step)


# --- The data sheet ---------------------------------------------------------------------------


def test_data_sheet_describes_every_column_of_every_file(repo: Path) -> None:
    sheet = (repo / "data" / "README.md").read_text()
    for name in FILES:
        if name.endswith(".csv"):
            assert f"### {name}" in sheet
            header = (repo / "data" / name).read_text().split("\n", 1)[0].split(",")
            for column in header:
                assert f"| {column} |" in sheet, (name, column)
    for words in (
        "CC BY 4.0",
        str(DEFAULT_SEED),
        "socialmarketing data generate --out",
        "giveaway 6 %",
    ):
        assert words in sheet
    assert "club_member 0.5" in sheet and "35 %" in sheet and "15 %" in sheet


# --- Safe writing -----------------------------------------------------------------------------


def test_generate_refuses_a_folder_with_unrelated_files(tmp_path: Path) -> None:
    (tmp_path / "thesis.docx").write_text("precious")
    with pytest.raises(ValueError, match=r"thesis\.docx"):
        generate(tmp_path, scale="small")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.docx"]


def test_generate_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "data"
    target.write_text("not a folder")
    with pytest.raises(ValueError, match="is a file"):
        generate(target, scale="small")


def test_generate_replaces_a_previous_data_set(small_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(small_dir, tmp_path / "data")
    generate(tmp_path / "data", seed=8, scale="small")
    assert (tmp_path / "data" / "orders.csv").read_bytes() != (
        small_dir / "orders.csv"
    ).read_bytes()
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == FILES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # no temporary folder left


def test_a_failure_leaves_no_half_written_data_set(tmp_path: Path, monkeypatch) -> None:
    calls = []

    def fail_on_third_table(frame, table, path):
        calls.append(table.name)
        if len(calls) == 3:
            raise OSError("disk full")
        Path(path).write_text("partial")

    monkeypatch.setattr(generate_module, "write_table", fail_on_third_table)
    with pytest.raises(OSError, match="disk full"):
        generate(tmp_path / "data", scale="small")
    assert list(tmp_path.iterdir()) == []


@settings(max_examples=50, deadline=None)
@given(
    seed=st.one_of(
        st.integers(max_value=-1),
        st.floats(allow_nan=True).filter(lambda x: not float(x).is_integer()),
        st.text(max_size=5),
    )
)
def test_bad_seeds_are_refused_with_a_clear_message(seed) -> None:
    with pytest.raises(ValueError, match="seed must be"):
        generate("never-written", seed=seed, scale="small")


@settings(max_examples=50, deadline=None)
@given(scale=st.text(max_size=10).filter(lambda s: s not in ("small", "course", "large")))
def test_unknown_scales_are_refused_with_a_clear_message(scale: str) -> None:
    with pytest.raises(ValueError, match="scale must be one of 'small', 'course', 'large'"):
        generate("never-written", scale=scale)


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_any_seed_gives_complete_tables_without_negative_counts(seed: int) -> None:
    tables = build_tables(seed=seed, scale="small")
    for name, table in TABLES.items():
        frame = tables[name]
        assert len(frame) > 0, name
        for column in table.columns:
            values = frame[column.name]
            if not column.nullable:
                assert not values.isna().any(), (name, column.name)
            if column.kind in ("int", "float"):
                assert (values.dropna() >= 0).all(), (name, column.name)


# --- The command line -------------------------------------------------------------------------


def test_cli_help_explains_the_data_verb(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["data", "generate", "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    for words in ("--out", "--seed", "--scale", str(DEFAULT_SEED), "byte for byte"):
        assert words in out
    assert cli.main(["data"]) == 1
    assert "generate" in capsys.readouterr().out


def test_cli_generates_a_small_data_set(tmp_path: Path, capsys) -> None:
    assert cli.main(["data", "generate", "--out", str(tmp_path / "cli"), "--scale", "small"]) == 0
    printed = capsys.readouterr().out.split()
    assert sorted(Path(p).name for p in printed) == FILES
    generate(tmp_path / "api", seed=DEFAULT_SEED, scale="small")
    for name in FILES:
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "api" / name).read_bytes()


def test_cli_reports_refusals_in_one_line(tmp_path: Path, capsys) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert cli.main(["data", "generate", "--out", str(tmp_path), "--scale", "small"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("socialmarketing: error:") and "notes.txt" in err
