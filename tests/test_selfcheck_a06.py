"""Tests for the self-checks of assignment 06_strategy_measurement.

A correct answer (the reference solution on the sample data) passes every check; typical wrong
answers fail with a message that points at the mistake.
"""

from __future__ import annotations

import pandas as pd
import pytest

from answer_key import returns
from socialmarketing import costs, data
from socialmarketing.selfcheck import CheckFailed, check


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    names = ("orders", "channel_spend", "sessions", "link_clicks", "posts", "campaigns")
    return {name: data.load(name) for name in names}


@pytest.fixture(scope="module")
def answers(tables) -> dict[str, object]:
    orders, spend = tables["orders"], tables["channel_spend"]
    split = returns.season_budget_split(spend)
    campaign_tables = [tables[name] for name in ("sessions", "link_clicks", "posts", "campaigns")]
    return {
        "spend_by_cost_kind": returns.spend_by_cost_kind(spend),
        "last_click_roas_by_channel": returns.last_click_roas_by_channel(orders, spend),
        "last_click_roi_by_channel": returns.last_click_roi_by_channel(orders, spend),
        "roi_by_campaign": returns.roi_by_campaign(orders, *campaign_tables),
        "paid_search_weekly_profit": returns.paid_search_weekly(orders, spend)["profit"],
        "paid_search_break_even_cpc": returns.paid_search_break_even_cpc(orders, spend),
        "optimal_spend_by_channel": split["optimal_spend"],
        "extra_conversions_from_optimal": float(
            split["optimal_conversions"].sum() - split["equal_conversions"].sum()
        ),
        "optimal_spend_and_extra_conversions": (
            split["optimal_spend"],
            float(split["optimal_conversions"].sum() - split["equal_conversions"].sum()),
        ),
    }


GRADE_IDS = [
    "spend_by_cost_kind",
    "last_click_roas_by_channel",
    "last_click_roi_by_channel",
    "roi_by_campaign",
    "paid_search_weekly_profit",
    "paid_search_break_even_cpc",
    "optimal_spend_and_extra_conversions",
]


@pytest.mark.parametrize("grade_id", GRADE_IDS)
def test_the_reference_answer_passes(grade_id, answers, capsys):
    check(grade_id, answers[grade_id])
    assert "passed the self-check" in capsys.readouterr().out


@pytest.mark.parametrize("grade_id", GRADE_IDS)
def test_an_unanswered_part_fails(grade_id):
    with pytest.raises(CheckFailed, match=r"still `\.\.\.`"):
        check(grade_id, ...)


def test_spend_wrong_answers(answers, tables):
    right = answers["spend_by_cost_kind"]
    with pytest.raises(CheckFailed, match="adds up to"):
        check("spend_by_cost_kind", right / 2)
    by_channel = tables["channel_spend"].groupby("channel", observed=True)["spend"].sum()
    with pytest.raises(CheckFailed, match="one row for each of cost_per_click"):
        check("spend_by_cost_kind", by_channel)
    with pytest.raises(CheckFailed, match="Select that column"):
        check("spend_by_cost_kind", right.to_frame())


def test_return_wrong_answers(answers, tables):
    roas = answers["last_click_roas_by_channel"]
    with_direct = pd.concat([roas, pd.Series({"direct": 0.0})])
    with pytest.raises(CheckFailed, match="row for 'direct'"):
        check("last_click_roas_by_channel", with_direct)
    with pytest.raises(CheckFailed, match="at least 0"):
        check("last_click_roas_by_channel", roas - 5)
    roi = answers["last_click_roi_by_channel"]
    with pytest.raises(CheckFailed, match="losing more than was spent"):
        check("last_click_roi_by_channel", roi - 2)
    table = returns.last_click_returns(tables["orders"], tables["channel_spend"])
    with pytest.raises(CheckFailed, match="should be a pandas Series"):
        check("last_click_roi_by_channel", table)


def test_campaign_wrong_answers(answers):
    right = answers["roi_by_campaign"]
    with pytest.raises(CheckFailed, match="missing: 5"):
        check("roi_by_campaign", right.drop(5))
    with pytest.raises(CheckFailed, match="no order was tracked"):
        check("roi_by_campaign", right * 0 - 1)
    with pytest.raises(CheckFailed, match="losing more than the budget"):
        check("roi_by_campaign", right * 3)


def test_weekly_profit_wrong_answers(answers):
    right = answers["paid_search_weekly_profit"]
    zero_based = right.copy()
    zero_based.index = range(0, 12)
    with pytest.raises(CheckFailed, match="numbered from 1"):
        check("paid_search_weekly_profit", zero_based)
    with pytest.raises(CheckFailed, match="Subtract the spend only once"):
        check("paid_search_weekly_profit", right - 2000)
    with pytest.raises(CheckFailed, match="missing: 12"):
        check("paid_search_weekly_profit", right.drop(12))


def test_break_even_and_budget_wrong_answers(answers, tables):
    with pytest.raises(CheckFailed, match="Are your rates shares"):
        check("paid_search_break_even_cpc", answers["paid_search_break_even_cpc"] * 100)
    with pytest.raises(CheckFailed, match="at least 0"):
        check("paid_search_break_even_cpc", -1.0)
    curves = returns.response_curves_from_season(tables["channel_spend"])
    budget = curves["saturation"].sum()
    shares = costs.allocate_budget(budget, curves).set_index("channel")
    spend, extra = answers["optimal_spend_by_channel"], answers["extra_conversions_from_optimal"]
    with pytest.raises(CheckFailed, match=r"optimal_spend_by_channel adds up to .*this season"):
        check("optimal_spend_and_extra_conversions", (shares["share_of_budget"], extra))
    with_pop_up = costs.allocate_budget(
        tables["channel_spend"]["spend"].sum(),
        returns.response_curves_from_season(tables["channel_spend"], exclude=()),
    ).set_index("channel")["spend"]
    with pytest.raises(CheckFailed, match="pop-up was a one-off"):
        check("optimal_spend_and_extra_conversions", (with_pop_up, extra))
    with pytest.raises(CheckFailed, match="optimal split can never do worse"):
        check("optimal_spend_and_extra_conversions", (spend, -extra))
    with pytest.raises(CheckFailed, match="extra_conversions_from_optimal should be a single"):
        check("optimal_spend_and_extra_conversions", (spend, shares["conversions"]))


def test_optimal_spend_and_extra_conversions_are_checked_together(answers):
    spend, extra = answers["optimal_spend_by_channel"], answers["extra_conversions_from_optimal"]
    # With both answers wrong, the message is about the first one, the spend.
    with pytest.raises(CheckFailed, match="optimal_spend_by_channel adds up to"):
        check("optimal_spend_and_extra_conversions", (spend / 2, -extra))
    with pytest.raises(CheckFailed, match="optimal_spend_by_channel: the answer is still"):
        check("optimal_spend_and_extra_conversions", (..., extra))
    with pytest.raises(CheckFailed, match="extra_conversions_from_optimal: the answer is still"):
        check("optimal_spend_and_extra_conversions", (spend, ...))
    with pytest.raises(CheckFailed, match="checks 2 answers together"):
        check("optimal_spend_and_extra_conversions", extra)
