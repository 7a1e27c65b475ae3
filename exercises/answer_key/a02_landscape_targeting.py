"""How assignment 02_landscape_targeting is marked (instructors only).

Every numeric answer counts as right within 0.1 % of the exact value; Series are compared label
by label, in any order (city tiers as text, "1" to "4"). Part 6 is marked against the
student's own cost per 1,000 on-target impressions from part 5 (error carried forward): the
effective reach follows from it, since 200 yuan at that price buy 200,000 / target CPM
on-target impressions; so one mistake costs once.
"""

from __future__ import annotations

import math

import pandas as pd

from answer_key import engagement
from socialmarketing import targeting
from socialmarketing.grading.verdicts import Labelled, Number, Part

#: The precision every numeric part of this assignment accepts.
RTOL = 1e-3

#: The pop-up's display budget (yuan) and the effective frequency, as the task states.
POPUP_BUDGET = 200.0
MIN_FREQUENCY = 3

#: The two ways of buying the pop-up's adverts.
OPTIONS = ("broad", "targeted")


def _has_target_cpms(value) -> bool:
    """A usable part-5 answer: a plausible price for both options, above 0 and below 100,000
    yuan per thousand impressions (a wild price would make part 6's reach trivially 0)."""
    if not isinstance(value, pd.Series) or value.index.duplicated().any():
        return False
    return all(
        option in value.index
        and isinstance(value[option], float)
        and math.isfinite(value[option])
        and 0 < value[option] < 1e5
        for option in OPTIONS
    )


def _effective_reach(tables, answers) -> pd.Series:
    """As the ``effective_reach`` of engagement.popup_targeting, from the student's own target
    CPMs (part 5): each option's on-target impressions are 1,000 x budget / target CPM."""
    target_cpm = answers.own("popup_target_cpm", usable=_has_target_cpms)
    users = engagement.ordinary_users(tables["accounts"])
    audience = int(users["city"].isin(list(engagement.POPUP_CITIES)).sum())
    reach = {
        option: targeting.reach_frequency(
            1000.0 * POPUP_BUDGET / float(target_cpm[option]), audience, MIN_FREQUENCY
        )["effective_reach"]
        for option in OPTIONS
    }
    return pd.Series(reach, dtype=float)


def _club_tea_index(tables, answers) -> float:
    return float(engagement.interest_index_by(tables["accounts"], "club_member")[True])


PARTS = {
    "user_share_by_city_tier": Part(
        lambda t, a: engagement.user_share_by(t["accounts"], "city_tier"),
        Labelled("city tier", rtol=RTOL),
    ),
    "engagements_per_user_by_tier": Part(
        lambda t, a: engagement.engagements_per_user_by(
            t["accounts"], t["likes"], t["comments"], t["reposts"]
        ),
        Labelled("city tier", rtol=RTOL),
    ),
    "tea_index_by_city_tier": Part(
        lambda t, a: engagement.interest_index_by(t["accounts"], "city_tier", "tea"),
        Labelled("city tier", rtol=RTOL),
    ),
    "club_tea_index": Part(_club_tea_index, Number(rtol=RTOL)),
    "popup_target_cpm": Part(
        lambda t, a: engagement.popup_targeting(t["accounts"], t["channel_spend"])["target_cpm"],
        Labelled("buying option", rtol=RTOL),
    ),
    "popup_effective_reach": Part(_effective_reach, Labelled("buying option", rtol=RTOL)),
}
