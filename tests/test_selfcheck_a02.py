"""Tests of the self-checks of assignment 02_landscape_targeting.

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
    "user_share_by_city_tier",
    "engagements_per_user_by_tier",
    "tea_index_by_city_tier",
    "club_tea_index",
    "popup_target_cpm",
    "popup_effective_reach",
]


@pytest.fixture(scope="module")
def answers() -> dict[str, object]:
    accounts = data.load("accounts")
    spend = data.load("channel_spend")
    tables = {name: data.load(name) for name in ("likes", "comments", "reposts")}
    popup = engagement.popup_targeting(accounts, spend)
    return {
        "user_share_by_city_tier": engagement.user_share_by(accounts, "city_tier"),
        "engagements_per_user_by_tier": engagement.engagements_per_user_by(accounts, **tables),
        "tea_index_by_city_tier": engagement.interest_index_by(accounts, "city_tier"),
        "club_tea_index": float(engagement.interest_index_by(accounts, "club_member")[True]),
        "popup_target_cpm": popup["target_cpm"],
        "popup_effective_reach": popup["effective_reach"],
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
    "grade_id", ["user_share_by_city_tier", "engagements_per_user_by_tier", "popup_target_cpm"]
)
def test_a_dataframe_with_one_column_fails(answers, grade_id):
    fails(grade_id, answers[grade_id].to_frame(), "Select that column")


def test_shares_as_counts_or_percentages_fail(answers):
    shares = answers["user_share_by_city_tier"]
    fails("user_share_by_city_tier", shares * 100, "not counts or percentages")
    fails("user_share_by_city_tier", (shares * 19847).round(), "add up to")


def test_shares_of_one_tier_only_fail(answers):
    shares = answers["user_share_by_city_tier"]
    fails("user_share_by_city_tier", shares.drop(4), "missing: 4")
    fails("user_share_by_city_tier", shares / 2, "should add up to 1")


def test_tier_in_a_column_fails(answers):
    shares = answers["user_share_by_city_tier"].rename("share").reset_index()
    fails("user_share_by_city_tier", shares, "'city_tier' column")


def test_engagement_totals_or_counts_fail(answers):
    per_user = answers["engagements_per_user_by_tier"]
    fails("engagements_per_user_by_tier", per_user * 5000, "total number of engagements")
    fails("engagements_per_user_by_tier", per_user.round() + 1, "whole number")
    fails("engagements_per_user_by_tier", per_user * 0, "has a 0")


def test_tea_index_as_a_rate_or_with_the_wrong_base_fails(answers):
    index = answers["tea_index_by_city_tier"]
    fails("tea_index_by_city_tier", index / 100 * 0.19, "share of tea lovers")
    fails("tea_index_by_city_tier", index * 3, "all above or all below 100")


def test_club_tea_index_mistakes_fail(answers):
    value = answers["club_tea_index"]
    fails("club_tea_index", value / 100 * 0.19, "looks like a share")
    fails("club_tea_index", 10_000 / value, "below the average of 100")
    fails("club_tea_index", pd.Series([value, 91.0]), "single number")


def test_popup_target_cpm_mistakes_fail(answers):
    cpm = answers["popup_target_cpm"]
    fails("popup_target_cpm", cpm / 1000, "price of one impression")
    fails("popup_target_cpm", cpm[::-1].set_axis(cpm.index), "not dearer")
    fails("popup_target_cpm", cpm.drop("targeted"), "missing: targeted")
    table = pd.DataFrame({"target_cpm": cpm, "reach": [1.0, 2.0]})
    fails("popup_target_cpm", table, "Pick the one column")


def test_popup_effective_reach_mistakes_fail(answers):
    reach = answers["popup_effective_reach"]
    fails("popup_effective_reach", reach / 2483, "not a share of the audience")
    fails("popup_effective_reach", reach[::-1].set_axis(reach.index), "reaches as many")
