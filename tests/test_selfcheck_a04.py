"""Tests for the self-checks of assignment 04_relationship_marketing.

A correct answer (the reference solution on the sample data) passes every check; typical wrong
answers fail with a message that points at the mistake.
"""

from __future__ import annotations

import pandas as pd
import pytest

from answer_key import customers
from socialmarketing import data, relationship
from socialmarketing.selfcheck import CheckFailed, check


@pytest.fixture(scope="module")
def answers() -> dict[str, object]:
    orders, accounts = data.load("orders"), data.load("accounts")
    comments, posts = data.load("comments"), data.load("posts")
    spend = data.load("channel_spend")
    return {
        "repeat_purchase_rate": relationship.repeat_purchase_rate(orders),
        "club_weekly_retention": customers.club_weekly_retention(orders, accounts),
        "first_week_retention_by_cohort": customers.first_week_retention_by_cohort(orders),
        "author_reply_share": customers.author_reply_share(comments, posts, accounts),
        "fan_to_fan_reply_share": customers.fan_to_fan_reply_share(comments, posts, accounts),
        "margin_per_active_week": customers.margin_per_active_week(orders, accounts),
        "clv_by_club": customers.clv_by_club(orders, accounts),
        "margin_and_clv_by_club": (
            customers.margin_per_active_week(orders, accounts),
            customers.clv_by_club(orders, accounts),
        ),
        "channels_within_break_even_cac": customers.channels_within_break_even_cac(
            orders, accounts, spend
        ),
    }


GRADE_IDS = [
    "repeat_purchase_rate",
    "club_weekly_retention",
    "first_week_retention_by_cohort",
    "author_reply_share",
    "fan_to_fan_reply_share",
    "margin_and_clv_by_club",
    "channels_within_break_even_cac",
]


@pytest.mark.parametrize("grade_id", GRADE_IDS)
def test_the_reference_answer_passes(grade_id, answers, capsys):
    check(grade_id, answers[grade_id])
    assert "passed the self-check" in capsys.readouterr().out


@pytest.mark.parametrize("grade_id", GRADE_IDS)
def test_an_unanswered_part_fails(grade_id):
    with pytest.raises(CheckFailed, match=r"still `\.\.\.`"):
        check(grade_id, ...)


def test_a_series_of_text_labels_passes_too(answers):
    # "True"/"False" written as text is the same answer to a reader; the check accepts it.
    retention = answers["club_weekly_retention"].rename(index=str)
    check("club_weekly_retention", retention)


@pytest.mark.parametrize(
    ("grade_id", "wrong", "message"),
    [
        ("repeat_purchase_rate", 15.6, "looks like a percentage"),
        ("repeat_purchase_rate", pd.Series([0.1, 0.2]), "single number"),
        ("repeat_purchase_rate", 0.0, "some customers ordered again"),
        ("repeat_purchase_rate", "0.16", "should be a number"),
    ],
)
def test_repeat_purchase_rate_wrong_answers(grade_id, wrong, message):
    with pytest.raises(CheckFailed, match=message):
        check(grade_id, wrong)


def test_club_retention_wrong_answers(answers):
    right = answers["club_weekly_retention"]
    frame = relationship.estimate_retention_by_group(data.load("orders"), data.load("accounts"))
    with pytest.raises(CheckFailed, match="should be a pandas Series"):
        check("club_weekly_retention", frame)
    with pytest.raises(CheckFailed, match="not percentages"):
        check("club_weekly_retention", right * 100)
    with pytest.raises(CheckFailed, match="missing: False"):
        check("club_weekly_retention", right.drop(index=False))
    with pytest.raises(CheckFailed, match="exactly 0 or 1"):
        check("club_weekly_retention", pd.Series({True: 1.0, False: 0.5}))


def test_cohort_wrong_answers(answers):
    right = answers["first_week_retention_by_cohort"]
    with_week_12 = pd.concat([right, pd.Series({12: 0.0})])
    with pytest.raises(CheckFailed, match="Leave week 12 out"):
        check("first_week_retention_by_cohort", with_week_12)
    zero_based = right.copy()
    zero_based.index = range(0, 11)
    with pytest.raises(CheckFailed, match="numbered from 1"):
        check("first_week_retention_by_cohort", zero_based)
    with pytest.raises(CheckFailed, match="counted that week"):
        check("first_week_retention_by_cohort", right * 0 + 1)
    with pytest.raises(CheckFailed, match="Select that column"):
        check("first_week_retention_by_cohort", right.to_frame())


def test_reply_share_wrong_answers(answers):
    right = answers["author_reply_share"]
    with pytest.raises(CheckFailed, match="missing: staff"):
        check("author_reply_share", right.loc[["official"]])
    with pytest.raises(CheckFailed, match="unexpected: user"):
        check("author_reply_share", pd.concat([right, pd.Series({"user": 0.1})]))
    with pytest.raises(CheckFailed, match="has a 0 or a 1"):
        check("author_reply_share", pd.Series({"official": 1.0, "staff": 1.0}))
    with pytest.raises(CheckFailed, match="looks like a percentage"):
        check("fan_to_fan_reply_share", 7.7)
    with pytest.raises(CheckFailed, match="another fan"):
        check("fan_to_fan_reply_share", 0)


def test_margin_and_clv_wrong_answers(answers):
    margin, clv = answers["margin_per_active_week"], answers["clv_by_club"]
    # Margin per order of the whole season divided by all customers' weeks is far too small.
    with pytest.raises(CheckFailed, match="margin_per_active_week cannot be smaller"):
        check("margin_and_clv_by_club", (pd.Series({True: 5.0, False: 4.0}), clv))
    with pytest.raises(CheckFailed, match="at least the margin of one case"):
        check("margin_and_clv_by_club", (margin, answers["club_weekly_retention"]))
    with pytest.raises(CheckFailed, match="every value of clv_by_club should be at least 0"):
        check("margin_and_clv_by_club", (margin, pd.Series({True: -10.0, False: 50.0})))
    # Both answers are checked: a right margin does not hide a wrong CLV, nor the reverse.
    with pytest.raises(CheckFailed, match="missing: False"):
        check("margin_and_clv_by_club", (margin, clv.drop(index=False)))
    with pytest.raises(CheckFailed, match="margin_per_active_week should be a pandas Series"):
        check("margin_and_clv_by_club", (float(margin.mean()), clv))


def test_margin_and_clv_are_checked_together(answers):
    margin, clv = answers["margin_per_active_week"], answers["clv_by_club"]
    with pytest.raises(CheckFailed, match=r"margin_per_active_week: the answer is still `\.\.\.`"):
        check("margin_and_clv_by_club", (..., clv))
    with pytest.raises(CheckFailed, match=r"clv_by_club: the answer is still `\.\.\.`"):
        check("margin_and_clv_by_club", (margin, ...))
    with pytest.raises(CheckFailed, match="checks 2 answers together"):
        check("margin_and_clv_by_club", clv)


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (pd.Series({"email": 5.2}), "list of channel names"),
        ("email", "list of channel names"),
        (["email", "wechat"], "'wechat', which is not a channel"),
        (["email", "email"], "more than once"),
        ([], "keep some channels and drop others"),
    ],
)
def test_channel_list_wrong_answers(wrong, message):
    with pytest.raises(CheckFailed, match=message):
        check("channels_within_break_even_cac", wrong)
