"""Tests for the self-checks of assignment 05_integrated_marketing.

A correct answer (the reference solution on the sample data) passes every check; typical wrong
answers fail with a message that points at the mistake.
"""

from __future__ import annotations

import pandas as pd
import pytest

from answer_key import journeys
from socialmarketing import data, integrated
from socialmarketing.selfcheck import CheckFailed, check


@pytest.fixture(scope="module")
def touchpoints() -> pd.DataFrame:
    return data.load("touchpoints")


@pytest.fixture(scope="module")
def answers(touchpoints) -> dict[str, object]:
    orders, posts, clicks = data.load("orders"), data.load("posts"), data.load("link_clicks")
    return {
        "conversion_rate_by_voice": journeys.conversion_rate_by_voice(touchpoints),
        "voice_synergy": journeys.voice_synergy(touchpoints),
        "clicks_per_link_post_by_target": journeys.clicks_per_link_post_by_target(posts, clicks),
        "last_click_credit": journeys.last_click_credit(orders),
        "position_based_credit": journeys.attribution_credit(touchpoints, "position_based"),
        "shapley_credit": journeys.attribution_credit(touchpoints, "shapley"),
        "biggest_credit_change": journeys.biggest_credit_change(touchpoints),
    }


GRADE_IDS = [
    "conversion_rate_by_voice",
    "voice_synergy",
    "clicks_per_link_post_by_target",
    "last_click_credit",
    "position_based_credit",
    "shapley_credit",
    "biggest_credit_change",
]


@pytest.mark.parametrize("grade_id", GRADE_IDS)
def test_the_reference_answer_passes(grade_id, answers, capsys):
    check(grade_id, answers[grade_id])
    assert "passed the self-check" in capsys.readouterr().out


@pytest.mark.parametrize("grade_id", GRADE_IDS)
def test_an_unanswered_part_fails(grade_id):
    with pytest.raises(CheckFailed, match=r"still `\.\.\.`"):
        check(grade_id, ...)


def test_voice_wrong_answers(answers, touchpoints):
    right = answers["conversion_rate_by_voice"]
    with pytest.raises(CheckFailed, match="not percentages or counts"):
        check("conversion_rate_by_voice", right * 100)
    with pytest.raises(CheckFailed, match="missing: both"):
        check("conversion_rate_by_voice", right.drop("both"))
    # Counting touches instead of journeys: rows per touch with the journey's flag.
    per_touch = pd.Series({"neither": 0.0, "official_only": 0.3, "staff_only": 0.2, "both": 0.5})
    with pytest.raises(CheckFailed, match="Group journeys"):
        check("conversion_rate_by_voice", per_touch)
    with pytest.raises(CheckFailed, match="between -2 and 2"):
        check("voice_synergy", answers["voice_synergy"] * 100)
    synergy_table = integrated.synergy(
        integrated.journey_table(touchpoints),
        "converted",
        official_column="microblog_official",
        staff_column="microblog_staff",
    )
    with pytest.raises(CheckFailed, match="single number"):
        check("voice_synergy", synergy_table["estimate"])


def test_clicks_wrong_answers(answers):
    right = answers["clicks_per_link_post_by_target"]
    with pytest.raises(CheckFailed, match="posts without a link"):
        check("clicks_per_link_post_by_target", pd.concat([right, pd.Series({"none": 0.0})]))
    totals = pd.Series({"web": 2973, "video": 1926, "article": 502, "print_code": 326})
    with pytest.raises(CheckFailed, match="count the clicks instead of averaging"):
        check("clicks_per_link_post_by_target", totals)


def test_credit_wrong_answers(answers, touchpoints):
    right = answers["last_click_credit"]
    all_orders = data.load("orders")["channel"].astype(str).value_counts()
    with pytest.raises(CheckFailed, match="row for 'direct'"):
        check("last_click_credit", all_orders)
    orders = data.load("orders")
    categorical = orders.loc[orders["is_first_order"], "channel"].value_counts()
    with pytest.raises(CheckFailed, match="'direct' with 0 orders"):
        check("last_click_credit", categorical)
    check("last_click_credit", categorical.drop("direct"))
    with pytest.raises(CheckFailed, match="add up to"):
        check("last_click_credit", right * 2)
    with pytest.raises(CheckFailed, match="whole number"):
        check("last_click_credit", answers["shapley_credit"])
    table = integrated.attribute(touchpoints, "position_based").set_index("channel")
    with pytest.raises(CheckFailed, match="'conversions' column"):
        check("position_based_credit", table)
    with pytest.raises(CheckFailed, match="not 'share'"):
        check("position_based_credit", table["share"])
    with pytest.raises(CheckFailed, match="missing: offline_event"):
        check("shapley_credit", answers["shapley_credit"].drop("offline_event"))


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (pd.Series({"kol": 10.0}), "one channel name"),
        (3, "should be a channel name"),
        ("direct", "not one of the channels"),
        ("Offline event", "not one of the channels"),
    ],
)
def test_biggest_change_wrong_answers(wrong, message):
    with pytest.raises(CheckFailed, match=message):
        check("biggest_credit_change", wrong)
