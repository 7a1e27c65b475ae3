"""Targeting: what it costs to put an advert in front of the people you actually want.

Money is in yuan; shares are between 0 and 1 (write 15 % as 0.15); audiences are counts of
people.

A platform sells impressions (times an advert is shown) at a price per 1,000 impressions, the
**CPM**. Only some of the people who see an advert belong to the **target audience** the brand
wants to reach: the **target share** of the impressions is *on target*, the rest is *wasted*.
Buying *broad* (anyone on the platform) is cheap per impression but wastes most of them; buying
*targeted* (only a chosen city, age group or interest) costs a premium per impression but wastes
fewer. What matters is the price of an impression that lands on target:

    cost per 1,000 on-target impressions = CPM / target share

Targeting pays when the premium is smaller than the gain in target share
(:func:`break_even_premium`).

Impressions are not people. This module assumes on-target impressions land on the members of
the target audience at random, each independently, so some people see the advert several times
and others never. The number of times one person sees it then follows a Poisson distribution
whose mean is the **average frequency** ``f = on-target impressions / audience size``:

    reach (people who see it at least once)  = audience x (1 - e^(-f))
    people who see it at least k times       = audience x P(Poisson(f) >= k)

(:func:`reach_frequency`). Advertisers often count a person as *effectively* reached only after
several exposures (k of 2 or 3), which is why a small budget spread over a huge audience buys
little: every person sees the advert about once, or not at all.

:func:`segment_table` describes the segments of an accounts table: their size, how many of them
are in the target group, and the target group index (TGI) that media planners use to compare
segments. :func:`has_interest` finds the accounts with an interest tag.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.special import gammainc

from socialmarketing.validation import (
    check_columns,
    check_count,
    check_nonnegative,
    check_positive,
    check_rate,
)

__all__ = [
    "OPTIONS",
    "break_even_premium",
    "compare_targeting",
    "has_interest",
    "reach_frequency",
    "segment_table",
    "targeted_reach",
]

#: The two ways of buying compared by :func:`compare_targeting`, in the order of its rows.
OPTIONS = ("broad", "targeted")


def targeted_reach(budget: float, cpm: float, target_share: float) -> pd.Series:
    """What a budget buys at a CPM, and how much of it lands on the target audience.

    Parameters
    ----------
    budget
        Money spent on impressions, in yuan (0 or more).
    cpm
        Price of 1,000 impressions, in yuan (more than 0).
    target_share
        Share of the impressions seen by members of the target audience (0 to 1).

    Returns
    -------
    pandas.Series
        ``budget`` and ``cpm`` (yuan), ``target_share``, ``impressions``
        (``1000 x budget / cpm``), ``target_impressions`` (on target),
        ``wasted_impressions`` (seen by people outside the target; counts), ``target_cpm``
        (yuan per 1,000 on-target impressions, ``cpm / target_share``; ``inf`` when nothing
        lands on target) and ``cost_per_target_impression`` (yuan, ``target_cpm / 1000``).

    Example: 10,000 yuan at a CPM of 20 yuan buys 500,000 impressions; with a target share of
    0.15, 75,000 land on target and 425,000 are wasted, so 1,000 on-target impressions cost
    20 / 0.15 = 133.33 yuan.
    """
    budget = check_nonnegative("budget", budget)
    cpm = check_positive("cpm", cpm)
    target_share = check_rate("target_share", target_share)
    impressions = 1000.0 * budget / cpm
    target_cpm = cpm / target_share if target_share > 0 else np.inf
    return pd.Series(
        {
            "budget": budget,
            "cpm": cpm,
            "target_share": target_share,
            "impressions": impressions,
            "target_impressions": impressions * target_share,
            "wasted_impressions": impressions * (1.0 - target_share),
            "target_cpm": target_cpm,
            "cost_per_target_impression": target_cpm / 1000.0,
        },
        name="targeted_reach",
    )


def reach_frequency(impressions: float, audience_size: int, min_frequency: int = 1) -> pd.Series:
    """How many people of an audience a number of impressions reaches, and how often.

    The impressions land on the ``audience_size`` people at random, each independently, so the
    number of times one person sees the advert is Poisson with mean
    ``f = impressions / audience_size`` (the average frequency, or opportunities to see).

    Parameters
    ----------
    impressions
        Impressions shown to members of the audience (0 or more; may be fractional, as an
        expected count).
    audience_size
        People in the audience (a whole number, 1 or more).
    min_frequency
        Exposures a person needs to count as *effectively* reached (a whole number, 1 or
        more). With 1, effective reach equals reach.

    Returns
    -------
    pandas.Series
        ``impressions``, ``audience_size``, ``min_frequency``, ``average_frequency`` (``f``,
        impressions per person of the audience), ``reach`` (people who see the advert at least
        once, ``audience x (1 - e^-f)``), ``reach_share`` (reach / audience), ``frequency``
        (average exposures per person reached, ``impressions / reach``; 0 when nobody is
        reached), ``effective_reach`` (people who see it at least ``min_frequency`` times) and
        ``effective_reach_share``.

    Example: 100,000 impressions on an audience of 100,000 give ``f = 1``: 63.2 % of the
    audience see the advert (reach 63,212), those reached see it 1.58 times on average, and
    8.0 % see it three times or more (1 - e^-1 x (1 + 1 + 1/2) = 0.0803).
    """
    impressions = check_nonnegative("impressions", impressions)
    audience_size = check_count("audience_size", audience_size, minimum=1)
    min_frequency = check_count("min_frequency", min_frequency, minimum=1)
    average_frequency = impressions / audience_size
    reach_share = -np.expm1(-average_frequency)  # 1 - e^-f, accurate for tiny f
    reach = audience_size * reach_share
    # P(Poisson(f) >= k) is the regularised lower incomplete gamma function P(k, f).
    effective_share = float(gammainc(min_frequency, average_frequency))
    return pd.Series(
        {
            "impressions": impressions,
            "audience_size": float(audience_size),
            "min_frequency": float(min_frequency),
            "average_frequency": average_frequency,
            "reach": reach,
            "reach_share": reach_share,
            "frequency": impressions / reach if reach > 0 else 0.0,
            "effective_reach": audience_size * effective_share,
            "effective_reach_share": effective_share,
        },
        name="reach_frequency",
    )


def break_even_premium(broad_target_share: float, targeted_target_share: float) -> float:
    """The highest CPM premium at which targeted buying is no dearer per on-target impression.

    Broad buying pays ``cpm / broad_target_share`` per 1,000 on-target impressions, targeted
    buying ``cpm x (1 + premium) / targeted_target_share``; they cost the same when

        premium = targeted_target_share / broad_target_share - 1.

    ``broad_target_share`` must be more than 0 and ``targeted_target_share`` between 0 and 1.
    The result is a share (0.5 = a 50 % premium). It is negative when targeting lands *fewer*
    impressions on target than broad buying: then only a discount would make it worth it.

    Example: broad buying lands 15 % of impressions on target, targeting 60 %: targeting stays
    cheaper per on-target impression up to a premium of 0.60 / 0.15 - 1 = 3, i.e. 300 %.
    """
    broad_target_share = check_rate("broad_target_share", broad_target_share)
    targeted_target_share = check_rate("targeted_target_share", targeted_target_share)
    if broad_target_share == 0:
        raise ValueError(
            "broad_target_share must be more than 0: if broad buying never reaches the target, "
            "any premium is worth paying"
        )
    return targeted_target_share / broad_target_share - 1.0


def compare_targeting(
    budget: float,
    broad_cpm: float,
    targeting_premium: float,
    broad_target_share: float,
    targeted_target_share: float,
    target_audience: int,
    min_frequency: int = 1,
) -> pd.DataFrame:
    """Broad against targeted buying of the same budget: impressions, reach and costs.

    Parameters
    ----------
    budget
        Money spent, in yuan (more than 0), the same for both options.
    broad_cpm
        CPM of broad buying, in yuan per 1,000 impressions (more than 0).
    targeting_premium
        Extra price of targeted impressions, as a share of the broad CPM (0 or more): 0.5
        means targeted impressions cost 1.5 times as much.
    broad_target_share, targeted_target_share
        Share of each option's impressions that land on the target audience (0 to 1).
    target_audience
        People in the target audience (a whole number, 1 or more). Both options spread their
        on-target impressions over these people at random (see :func:`reach_frequency`).
    min_frequency
        Exposures needed to count a person as effectively reached (a whole number, 1 or more).

    Returns
    -------
    pandas.DataFrame
        One row per option (index ``OPTIONS``: "broad", "targeted"), with the columns of
        :func:`targeted_reach` (``cpm``, ``impressions``, ``target_share``,
        ``target_impressions``, ``wasted_impressions``, ``target_cpm``) and of
        :func:`reach_frequency` for the on-target impressions (``average_frequency``,
        ``reach``, ``frequency``, ``effective_reach``; people), then ``cost_per_reached``
        (yuan per target person reached, ``budget / reach``) and
        ``cost_per_effective_reach`` (yuan per target person reached at least
        ``min_frequency`` times). A cost is ``inf`` when nobody is reached.

    Example: 10,000 yuan at a broad CPM of 20 yuan with 15 % on target buys 500,000
    impressions, 75,000 on target; with a 50 % premium (CPM 30) and 60 % on target it buys
    333,333 impressions, 200,000 on target. On a target audience of 200,000 people broad
    buying reaches 62,542 of them (0.16 yuan each) and targeted buying 126,424 (0.08 yuan).
    """
    budget = check_positive("budget", budget)
    broad_cpm = check_positive("broad_cpm", broad_cpm)
    targeting_premium = check_nonnegative("targeting_premium", targeting_premium)
    broad_target_share = check_rate("broad_target_share", broad_target_share)
    targeted_target_share = check_rate("targeted_target_share", targeted_target_share)
    target_audience = check_count("target_audience", target_audience, minimum=1)
    min_frequency = check_count("min_frequency", min_frequency, minimum=1)

    rows = {}
    for option, cpm, share in (
        ("broad", broad_cpm, broad_target_share),
        ("targeted", broad_cpm * (1.0 + targeting_premium), targeted_target_share),
    ):
        bought = targeted_reach(budget, cpm, share)
        seen = reach_frequency(bought["target_impressions"], target_audience, min_frequency)
        with np.errstate(divide="ignore", over="ignore"):  # nobody reached: infinitely dear
            per_reached = np.float64(budget) / seen["reach"]
            per_effective = np.float64(budget) / seen["effective_reach"]
        rows[option] = {
            "cpm": bought["cpm"],
            "impressions": bought["impressions"],
            "target_share": bought["target_share"],
            "target_impressions": bought["target_impressions"],
            "wasted_impressions": bought["wasted_impressions"],
            "target_cpm": bought["target_cpm"],
            "average_frequency": seen["average_frequency"],
            "reach": seen["reach"],
            "frequency": seen["frequency"],
            "effective_reach": seen["effective_reach"],
            "cost_per_reached": float(per_reached),
            "cost_per_effective_reach": float(per_effective),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "buying"
    return table


def has_interest(interests: pd.Series, tag: str) -> pd.Series:
    """True for each account whose interest tags include ``tag``.

    ``interests`` holds tags separated by ``;`` (as in the accounts table, e.g.
    ``"tea;gaming"``); a missing value counts as no tags. The whole tag must match:
    ``"tea"`` does not match ``"bubble tea"`` or ``"teaching"``. Returns a Series of True/False
    with the same index.
    """
    if not isinstance(interests, pd.Series):
        raise ValueError(
            f"interests must be a pandas Series (a column such as accounts['interests']), "
            f"got {type(interests).__name__}"
        )
    if not isinstance(tag, str) or not tag.strip() or ";" in tag:
        raise ValueError(f"tag must be one interest, such as 'tea', without ';', got {tag!r}")
    pattern = rf"(?:^|;){re.escape(tag.strip())}(?:;|$)"
    found = interests.astype("string").str.contains(pattern, regex=True, na=False)
    return found.astype(bool).rename(f"likes_{tag.strip()}")


def segment_table(accounts: pd.DataFrame, by: str | Sequence[str], target: str) -> pd.DataFrame:
    """Size of each segment, and how concentrated the target group is in it.

    Parameters
    ----------
    accounts
        One row per account (for example the users of the accounts table).
    by
        Column (or list of columns) that defines the segments, e.g. ``"city_tier"`` or
        ``["city_tier", "income_band"]``.
    target
        Name of a True/False column marking the accounts in the target group (e.g. tea lovers).

    Returns
    -------
    pandas.DataFrame
        One row per segment that has accounts (index: the segment columns, in their own order),
        with ``accounts`` (count), ``share_of_accounts`` (of all accounts), ``targets`` (count
        in the target group), ``target_rate`` (share of the segment in the target group),
        ``share_of_targets`` (of the whole target group found in this segment) and ``index``:
        the target group index (TGI), ``100 x target_rate / overall target rate``. An index
        above 100 means the target group is over-represented in the segment.

    Example: 1,000 accounts, 200 of them tea lovers (20 %). A segment of 100 accounts holding
    40 tea lovers has a target rate of 40 %, holds 20 % of all tea lovers and has an index of
    100 x 0.40 / 0.20 = 200.
    """
    if not isinstance(accounts, pd.DataFrame):
        raise ValueError(f"accounts must be a pandas DataFrame, got {type(accounts).__name__}")
    columns = [by] if isinstance(by, str) else list(by)
    if not columns:
        raise ValueError("by must name at least one column to segment by")
    if target in columns:
        raise ValueError(f"target {target!r} cannot also be a segment column")
    check_columns("accounts", accounts, [*columns, target])
    if accounts.empty:
        raise ValueError("accounts table is empty: it needs at least one row")
    flags = accounts[target]
    if not pd.api.types.is_bool_dtype(flags) or flags.isna().any():
        raise ValueError(
            f"target column {target!r} must hold True/False for every account, got "
            f"{flags.dtype} values"
        )
    total_targets = int(flags.sum())
    if total_targets == 0:
        raise ValueError(
            f"no account has {target} = True: there is no target group to look for in segments"
        )
    overall_rate = total_targets / len(accounts)
    grouped = flags.astype(int).groupby([accounts[c] for c in columns], observed=True, sort=True)
    table = pd.DataFrame({"accounts": grouped.size(), "targets": grouped.sum()})
    table["share_of_accounts"] = table["accounts"] / len(accounts)
    table["target_rate"] = table["targets"] / table["accounts"]
    table["share_of_targets"] = table["targets"] / total_targets
    table["index"] = 100.0 * table["target_rate"] / overall_rate
    return table[
        ["accounts", "share_of_accounts", "targets", "target_rate", "share_of_targets", "index"]
    ]
