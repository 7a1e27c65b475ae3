"""Tests of the self-checks of assignment 03_viral_marketing.

A correct answer (the reference function on the sample data) passes; the typical mistakes of
students fail with a message that points at the mistake.
"""

from __future__ import annotations

import pandas as pd
import pytest

from answer_key import engagement
from socialmarketing import data
from socialmarketing.selfcheck import CheckFailed, check, grade_ids

GRADE_IDS = [
    "reposts_per_post_by_type",
    "share_posts_depth_two_plus",
    "repost_probability_by_type",
    "attention_to_action_by_funnel",
    "aisas_viral_coefficient",
    "aisas_customers_with_sharing",
]


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {name: data.load(name) for name in ("accounts", "posts", "reposts", "funnel_events")}


@pytest.fixture(scope="module")
def answers(tables) -> dict[str, object]:
    accounts, posts, reposts, events = (
        tables[name] for name in ("accounts", "posts", "reposts", "funnel_events")
    )
    k = engagement.aisas_viral_coefficient(events, accounts)
    buyers = int(engagement.funnel_stage_counts(events).loc[("AISAS", 4), "people"])
    return {
        "reposts_per_post_by_type": engagement.mean_reposts_by(posts, reposts),
        "share_posts_depth_two_plus": engagement.share_with_depth_at_least(posts, reposts, 2),
        "repost_probability_by_type": engagement.repost_probability_by(posts, reposts, accounts),
        "attention_to_action_by_funnel": engagement.attention_to_action(events),
        "aisas_viral_coefficient": k,
        "aisas_customers_with_sharing": engagement.customers_with_sharing(buyers, k),
    }


def fails(grade_id: str, answer: object, *phrases: str) -> None:
    with pytest.raises(CheckFailed) as failure:
        check(grade_id, answer)
    for phrase in phrases:
        assert phrase in str(failure.value)


def test_every_part_has_a_registered_check():
    assert set(GRADE_IDS) <= set(grade_ids())


@pytest.mark.parametrize("grade_id", GRADE_IDS)
def test_correct_answers_pass(answers, grade_id, capsys):
    check(grade_id, answers[grade_id])
    assert f"{grade_id}: passed the self-check" in capsys.readouterr().out


@pytest.mark.parametrize("grade_id", GRADE_IDS)
def test_unanswered_parts_fail(grade_id):
    fails(grade_id, ..., "still `...`")


@pytest.mark.parametrize("grade_id", GRADE_IDS)
def test_text_instead_of_numbers_fails(grade_id):
    with pytest.raises(CheckFailed, match="should be a"):
        check(grade_id, "0.25")


@pytest.mark.parametrize(
    "grade_id",
    ["reposts_per_post_by_type", "repost_probability_by_type", "attention_to_action_by_funnel"],
)
def test_a_dataframe_with_one_column_fails(answers, grade_id):
    fails(grade_id, answers[grade_id].to_frame(), "Select that column")


def test_reposts_per_post_mistakes_fail(answers, tables):
    mean = answers["reposts_per_post_by_type"]
    posts, reposts = tables["posts"], tables["reposts"]
    # Total reposts of each type instead of the mean.
    totals = reposts["post_id"].map(posts.set_index("post_id")["post_type"]).value_counts()
    fails("reposts_per_post_by_type", totals, "whole number")
    fails("reposts_per_post_by_type", mean.drop("news"), "missing: news")
    fails("reposts_per_post_by_type", mean.rename("mean").reset_index(), "'post_type' column")
    # Giveaways not first: the mean over the posts of the wrong column, e.g. shuffled labels.
    shuffled = mean.set_axis(["giveaway", "discussion", "club_event", "news", "promotion"])
    fails("reposts_per_post_by_type", shuffled, "does not put giveaways first")


def test_share_with_depth_mistakes_fail(answers, tables):
    share = answers["share_posts_depth_two_plus"]
    fails("share_posts_depth_two_plus", share * 100, "more than 1")
    depth = tables["reposts"].groupby("post_id")["depth"].max()
    # Dividing by the posts that were reposted only.
    fails("share_posts_depth_two_plus", float((depth >= 2).mean()), "Divide by ALL posts")
    fails("share_posts_depth_two_plus", 0.0, "some posts were reposted")
    fails("share_posts_depth_two_plus", pd.Series([share]), "single number")


def test_repost_probability_mistakes_fail(answers):
    p = answers["repost_probability_by_type"]
    fails("repost_probability_by_type", 1 / p, "p is a probability")
    fails("repost_probability_by_type", p * 100, "p is a probability")
    swapped = p.rename({"giveaway": "discussion", "discussion": "giveaway"})
    fails("repost_probability_by_type", swapped, "highest p")
    fails("repost_probability_by_type", p.drop("giveaway"), "missing: giveaway")


def test_attention_to_action_mistakes_fail(answers):
    shares = answers["attention_to_action_by_funnel"]
    fails("attention_to_action_by_funnel", shares * 100, "above 1")
    fails("attention_to_action_by_funnel", pd.Series({"AIDMA": 0.0, "AISAS": 0.06}), "stage 5")
    fails("attention_to_action_by_funnel", shares.rename({"AIDMA": "aidma"}), "missing: AIDMA")


def test_viral_coefficient_mistakes_fail(answers):
    k = answers["aisas_viral_coefficient"]
    fails("aisas_viral_coefficient", k * 100, "well below 1")
    fails("aisas_viral_coefficient", 0, "is 0")
    fails("aisas_viral_coefficient", -k, "at least 0")


def test_customers_with_sharing_mistakes_fail(answers):
    total = answers["aisas_customers_with_sharing"]
    fails("aisas_customers_with_sharing", 1 / (1 - 0.07), "not a share or a multiplier")
    fails("aisas_customers_with_sharing", 231, "whole number")
    fails("aisas_customers_with_sharing", round(total), "whole number")
