"""Self-checks of assignment 02_landscape_targeting (segments, engagement, targeting).

Each check looks at the form of the answer (type, index, range) and at facts that hold whatever
the exact numbers are (shares add up to 1, an index averages 100 over the segments, targeting
with 90 % on target beats broad buying); the values themselves are compared by the hidden tests.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from socialmarketing.selfcheck import CheckFailed, expect, expect_number, expect_series, register

__all__ = [
    "BUYING_OPTIONS",
    "CITY_TIERS",
    "check_club_tea_index",
    "check_engagements_per_user_by_tier",
    "check_popup_effective_reach",
    "check_popup_target_cpm",
    "check_tea_index_by_city_tier",
    "check_user_share_by_city_tier",
]

#: The city tiers of the accounts table.
CITY_TIERS = (1, 2, 3, 4)

#: The two ways of buying the pop-up adverts, as in targeting.compare_targeting.
BUYING_OPTIONS = ("broad", "targeted")


def _no_label_column(answer: Any, name: str, column: str) -> None:
    """Explain the usual index mistake: the labels sit in a column instead of the index."""
    if isinstance(answer, pd.DataFrame) and column in answer.columns:
        raise CheckFailed(
            f"{name} has a {column!r} column, but the {column} values should be its index "
            f"(row labels). Use .groupby({column!r}) without as_index=False, or "
            f".set_index({column!r}), and keep one column of numbers."
        )


def _by_tier(answer: Any, name: str) -> pd.Series:
    """A Series of numbers indexed by city tiers 1 to 4."""
    _no_label_column(answer, name, "city_tier")
    return expect_series(answer, name, index=CITY_TIERS)


def _by_option(answer: Any, name: str) -> pd.Series:
    """A Series of numbers indexed by "broad" and "targeted"."""
    _no_label_column(answer, name, "buying")
    if (
        isinstance(answer, pd.DataFrame)
        and answer.shape[1] > 1
        and list(answer.index) == list(BUYING_OPTIONS)
    ):
        raise CheckFailed(
            f"{name} should be a Series with one number per option, but it is a DataFrame with "
            f"{answer.shape[1]} columns. Pick the one column the task asks for."
        )
    return expect_series(answer, name, index=BUYING_OPTIONS)


@register("user_share_by_city_tier")
def check_user_share_by_city_tier(answer: Any) -> None:
    """Share of ordinary users in each city tier: shares indexed 1 to 4 that add up to 1."""
    name = "user_share_by_city_tier"
    series = _by_tier(answer, name)
    total = float(series.sum())
    expect(
        not bool((series > 1).any()),
        f"the values of {name} add up to {total:g}, not 1. Give shares between 0 and 1 (the "
        "number of users in the tier divided by all users), not counts or percentages: "
        "value_counts(normalize=True) does it.",
    )
    expect_series(series, name, low=0, high=1)
    expect(
        abs(total - 1) < 1e-6,
        f"the shares of {name} add up to {total:g}, but every user lives in exactly one tier, "
        "so they should add up to 1. Divide by the number of users of all tiers together.",
    )


@register("engagements_per_user_by_tier")
def check_engagements_per_user_by_tier(answer: Any) -> None:
    """Average likes + comments + reposts per ordinary user, by city tier."""
    name = "engagements_per_user_by_tier"
    series = _by_tier(answer, name)
    expect_series(series, name, low=0)
    expect(
        bool((series < 100).all()),
        f"{name} has values of 100 or more. That looks like the total number of engagements "
        "of a tier: divide it by the number of users in the tier to get engagements per user.",
    )
    expect(
        bool((series > 0).all()),
        f"{name} has a 0: in every tier some users liked, commented or reposted. Count the "
        "likes, comments and reposts of each account_id in those three tables.",
    )
    whole = bool((series == series.round()).all())
    expect(
        not whole,
        f"every value of {name} is a whole number, which an average over thousands of users "
        "hardly ever is. Did you count users instead of averaging their engagements?",
    )


@register("tea_index_by_city_tier")
def check_tea_index_by_city_tier(answer: Any) -> None:
    """Target group index (100 = average) of tea lovers, by city tier."""
    name = "tea_index_by_city_tier"
    series = _by_tier(answer, name)
    expect_series(series, name, low=0)
    expect(
        bool((series > 1).any()),
        f"every value of {name} is 1 or less: that looks like the share of tea lovers in "
        "each tier. The index is 100 x (share in the tier) / (share among all users), so "
        "an average tier has an index of 100.",
    )
    expect(
        bool((series >= 99.999).any()) and bool((series <= 100.001).any()),
        f"the values of {name} are all above or all below 100. The whole user base has an "
        "index of exactly 100, so some tiers must be at or above it and some at or below it. "
        "Divide each tier's share of tea lovers by the share among ALL users (not among the "
        "tea lovers, or among one tier).",
    )


@register("club_tea_index")
def check_club_tea_index(answer: Any) -> None:
    """Target group index of tea lovers among club members: one number."""
    name = "club_tea_index"
    value = expect_number(answer, name, low=0)
    expect(
        value > 1,
        f"{name} is {value:g}: that looks like a share of tea lovers, not an index. The index "
        "is 100 x (share of club members who love tea) / (share of all users who love tea).",
    )
    expect(
        value > 100,
        f"{name} is {value:g}, below the average of 100. The data sheet says about 12 % of tea "
        "lovers but only 3 % of users are club members, so tea lovers are over-represented "
        "in the club. Check which group you divided by which.",
    )


@register("popup_target_cpm")
def check_popup_target_cpm(answer: Any) -> None:
    """Cost in yuan per 1,000 on-target impressions, for broad and targeted buying."""
    name = "popup_target_cpm"
    series = _by_option(answer, name)
    expect_series(series, name, low=0)
    expect(
        bool((series > 1).all()),
        f"{name} has a value of 1 yuan or less. That is the price of one impression, or a "
        "share: give the cost of 1,000 on-target impressions, CPM / share on target.",
    )
    expect(
        float(series["broad"]) > float(series["targeted"]),
        f"{name} says broad buying is not dearer per on-target impression. Broad adverts land "
        "on target only as often as people near the pop-up occur among all users, targeted "
        "ones 90 % of the time, and the premium is only 50 %: divide each CPM by its own "
        "share on target.",
    )


@register("popup_effective_reach")
def check_popup_effective_reach(answer: Any) -> None:
    """People near the pop-up who see the advert at least 3 times, broad and targeted."""
    name = "popup_effective_reach"
    series = _by_option(answer, name)
    expect_series(series, name, low=0)
    expect(
        bool((series > 1).all()),
        f"{name} has a value of 1 or less: give a number of people (effective_reach), not a "
        "share of the audience (effective_reach_share).",
    )
    expect(
        float(series["targeted"]) > float(series["broad"]),
        f"{name} says broad buying reaches as many people three times as targeted buying. "
        "Targeted buying puts several times more impressions on the people near the pop-up; "
        "check that each option's on-target impressions went into its own calculation.",
    )
