"""Self-checks of assignment 01: right answers pass, typical wrong answers get the right hint.

The right answers are the reference answers on the sample data; the wrong ones are the
mistakes students make (percentages, upside-down ratios, a DataFrame for a Series, a missing
or extra channel, `...`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from answer_key import channels
from socialmarketing import data
from socialmarketing.selfcheck import CheckFailed, check, grade_ids

GRADE_IDS = [
    "channel_totals",
    "ctr_by_channel",
    "cpc_by_channel",
    "cpa_by_channel",
    "cpa_traditional_vs_social",
    "paid_search_weekly_cpc_growth",
    "paid_search_roas_and_next_week",
]

#: Part 7 has two answers, checked together.
PAID_SEARCH = "paid_search_roas_and_next_week"


@pytest.fixture(scope="module")
def right():
    spend = data.load("channel_spend")
    orders = data.load("orders")
    return {
        "channel_totals": channels.channel_totals(spend),
        "ctr_by_channel": channels.ctr_by_channel(spend),
        "cpc_by_channel": channels.cpc_by_channel(spend),
        "cpa_by_channel": channels.cpa_by_channel(spend),
        "cpa_traditional_vs_social": channels.cpa_by_group(spend),
        "paid_search_weekly_cpc_growth": channels.weekly_cpc_growth(spend),
        "paid_search_roas": channels.channel_roas(orders, spend),
        "paid_search_next_week": channels.next_week_outcome(spend, orders),
        PAID_SEARCH: (
            channels.channel_roas(orders, spend),
            channels.next_week_outcome(spend, orders),
        ),
        "spend": spend,
    }


def fails(grade_id: str, answer, message: str) -> None:
    with pytest.raises(CheckFailed, match=message):
        check(grade_id, answer)


def test_every_part_has_a_registered_check():
    assert set(GRADE_IDS) <= set(grade_ids())


@pytest.mark.parametrize("grade_id", GRADE_IDS)
def test_the_reference_answer_passes(right, grade_id, capsys):
    check(grade_id, right[grade_id])
    assert f"{grade_id}: passed the self-check" in capsys.readouterr().out


def test_a_students_groupby_with_a_category_index_passes(right):
    totals = (
        right["spend"]
        .groupby("channel", observed=True)[["spend", "impressions", "clicks", "conversions"]]
        .sum()
    )
    assert isinstance(totals.index, pd.CategoricalIndex)
    check("channel_totals", totals)
    online = totals[totals["clicks"] > 0]
    check("ctr_by_channel", online["clicks"] / online["impressions"])
    # Dividing columns of different rows lines them up by label: the pop-up comes back as NaN.
    misaligned = totals["clicks"][totals["clicks"] > 0] / totals["impressions"]
    fails("ctr_by_channel", misaligned, "pop-up")


@pytest.mark.parametrize("grade_id", GRADE_IDS)
def test_an_unanswered_part_says_so(grade_id):
    fails(grade_id, ..., "still `...`")


def test_channel_totals_mistakes(right):
    totals = right["channel_totals"]
    fails("channel_totals", totals["spend"], "but it is a Series")
    fails("channel_totals", totals.reset_index(), "should be its index")
    fails("channel_totals", totals.drop(columns="clicks"), "missing the column.*clicks")
    fails("channel_totals", totals.drop(index="kol"), "missing: kol")
    means = right["spend"].groupby("channel", observed=True)[list(totals.columns)].mean()
    fails("channel_totals", means, "mean instead of the sum")
    swapped = totals.rename(columns={"clicks": "impressions", "impressions": "clicks"})
    fails("channel_totals", swapped, "more clicks than impressions")


def test_ctr_mistakes(right):
    ctr = right["ctr_by_channel"]
    fails("ctr_by_channel", ctr * 100, "not percentages")
    fails("ctr_by_channel", 1 / ctr, "not percentages")
    with_popup = pd.concat([ctr, pd.Series({"offline_event": 0.0})])
    fails("ctr_by_channel", with_popup, "includes offline_event")
    fails("ctr_by_channel", ctr.to_frame(), "Series, but it is a DataFrame with one column")
    fails("ctr_by_channel", ctr.drop("email"), "missing: email")
    fails("ctr_by_channel", ctr.reset_index(drop=True), "should be indexed by channel")
    fails("ctr_by_channel", ctr.to_dict(), "should be a pandas Series")


def test_cpc_mistakes(right):
    cpc = right["cpc_by_channel"]
    fails("cpc_by_channel", 1 / cpc, "did you divide clicks by spend")
    fails("cpc_by_channel", pd.concat([cpc, pd.Series({"offline_event": np.inf})]), "pop-up")
    fails("cpc_by_channel", cpc.rename({"kol": "KOL"}), "missing: kol; unexpected: KOL")


def test_cpa_mistakes(right):
    cpa = right["cpa_by_channel"]
    fails("cpa_by_channel", 1 / cpa, "did you divide conversions by spend")
    fails("cpa_by_channel", cpa.drop("offline_event"), "missing: offline_event")
    with_nan = cpa.copy()
    with_nan["kol"] = np.nan
    fails("cpa_by_channel", with_nan, "missing or non-numeric values")


def test_cpa_group_mistakes(right):
    groups = right["cpa_traditional_vs_social"]
    fails("cpa_traditional_vs_social", groups.rename({"social": "microblog"}), "missing: social")
    fails("cpa_traditional_vs_social", 1 / groups, "yuan per new customer")
    fails("cpa_traditional_vs_social", float(groups.iloc[0]), "should be a pandas Series")


def test_growth_mistakes(right):
    growth = right["paid_search_weekly_cpc_growth"]
    fails("paid_search_weekly_cpc_growth", 1 + growth, "exp\\(slope\\) - 1")
    fails("paid_search_weekly_cpc_growth", 100 * growth, "looks like a percentage")
    fails("paid_search_weekly_cpc_growth", -growth, "got dearer")
    fails("paid_search_weekly_cpc_growth", 0.6, "does not rise by half")
    weekly = channels.weekly_cpc(right["spend"])
    fails("paid_search_weekly_cpc_growth", weekly, "single number")
    fails("paid_search_weekly_cpc_growth", "3%", "should be a number")


def test_roas_mistakes(right):
    roas, outcome = right["paid_search_roas"], right["paid_search_next_week"]
    fails(PAID_SEARCH, (1 / roas, outcome), "paid_search_roas is .*not the other way round")
    fails(PAID_SEARCH, (150.0, outcome), "paid_search_roas is 150: .*far too much")
    fails(PAID_SEARCH, (-roas, outcome), "paid_search_roas should be at least 0")


def test_next_week_mistakes(right):
    roas, outcome = right["paid_search_roas"], right["paid_search_next_week"]
    from socialmarketing import costs

    def next_week_fails(answer, message):
        fails(PAID_SEARCH, (roas, answer), message)

    grid = costs.campaign_grid(900, 2.3, 0.035, 0.05, 100, 0.4)
    next_week_fails(grid, "paid_search_next_week should be the Series .*campaign_grid")
    next_week_fails(outcome.drop("roi"), "missing: roi")
    next_week_fails(
        costs.campaign_outcome(1000, 2.3, 0.035, 0.05, 100, 0.4),
        "paid_search_next_week\\['budget'\\] should be 900",
    )
    next_week_fails(
        costs.campaign_outcome(900, 0.5, 0.035, 0.05, 100, 0.4),
        "buys a click for 0.50 yuan",
    )
    next_week_fails(
        costs.campaign_outcome(900, 2.3, 0.035, 0.05, 3000, 0.4),
        "mean revenue of the paid-search orders",
    )


def test_both_paid_search_answers_are_checked(right, capsys):
    roas, outcome = right["paid_search_roas"], right["paid_search_next_week"]
    # A wrong ROAS is reported first; a right ROAS does not hide a wrong next week.
    fails(PAID_SEARCH, (1 / roas, outcome.drop("roi")), "paid_search_roas is")
    fails(PAID_SEARCH, (roas, outcome.drop("roi")), "paid_search_next_week .*missing: roi")
    check(PAID_SEARCH, (roas, outcome))
    assert f"{PAID_SEARCH}: passed the self-check" in capsys.readouterr().out


def test_paid_search_says_which_answer_is_still_unanswered(right):
    roas, outcome = right["paid_search_roas"], right["paid_search_next_week"]
    fails(PAID_SEARCH, (..., outcome), "paid_search_roas: the answer is still `...`")
    fails(PAID_SEARCH, (roas, ...), "paid_search_next_week: the answer is still `...`")


def test_paid_search_wants_both_answers_together(right):
    # Checking one answer on its own (not the test cell's pair) says how the cell calls it.
    fails(PAID_SEARCH, right["paid_search_roas"], "checks 2 answers together")
    fails(PAID_SEARCH, (right["paid_search_roas"],), "paid_search_roas, paid_search_next_week")
