"""How assignment 05_integrated_marketing is marked (instructors only).

Every numeric answer counts as right within 0.1 % of the exact value; Series are compared label
by label, in any order; the channel name of part 7 as text (case and outer spaces ignored).
Error carried forward, so one mistake costs once: the synergy (part 2) is marked against the
student's own conversion rates from part 1, and the channel whose credit changes most (part 7)
against their own Shapley credit (part 6) and last-click credit (part 4).
"""

from __future__ import annotations

import math

import pandas as pd

from answer_key import journeys
from socialmarketing.grading.verdicts import Labelled, Number, Part, Text

#: The precision every numeric part of this assignment accepts.
RTOL = 1e-3


def _numbers_at(labels):
    """A test of an earlier answer: a Series with a finite number for each of ``labels``."""

    def usable(value) -> bool:
        if not isinstance(value, pd.Series) or value.index.duplicated().any():
            return False
        return all(
            label in value.index and isinstance(value[label], float) and math.isfinite(value[label])
            for label in labels
        )

    return usable


def _credits(value) -> bool:
    """A usable credit Series (parts 4 and 6): at least one channel, every value a finite
    number, no channel twice."""
    if not isinstance(value, pd.Series) or len(value) == 0:
        return False
    return _numbers_at(list(value.index))(value)


def _rates_of_every_voice(value) -> bool:
    """A usable part-1 answer: a conversion rate between 0 and 1 for every voice."""
    return _numbers_at(journeys.VOICES)(value) and all(
        0 <= value[voice] <= 1 for voice in journeys.VOICES
    )


def _voice_synergy(tables, answers) -> float:
    """As journeys.voice_synergy, from the student's own conversion rates (part 1)."""
    rate = answers.own("conversion_rate_by_voice", usable=_rates_of_every_voice)
    return float(rate["both"] - rate["official_only"] - rate["staff_only"] + rate["neither"])


def _biggest_credit_change(tables, answers) -> str:
    """As journeys.biggest_credit_change, from the student's own Shapley credit (part 6) and
    last-click credit (part 4): the channel with the largest absolute difference."""
    channels = set(journeys.attribution_credit(tables["touchpoints"], "shapley").index.map(str))

    def usable(value) -> bool:  # the real channels, every one: made-up labels are not taken
        return _credits(value) and set(value.index.map(str)) == channels

    shapley = answers.own("shapley_credit", usable=usable).rename(index=str).astype(float)
    last = answers.own("last_click_credit", usable=usable).rename(index=str).astype(float)
    change = (shapley - last.reindex(shapley.index, fill_value=0.0)).abs()
    return str(change.idxmax())


PARTS = {
    "conversion_rate_by_voice": Part(
        lambda t, a: journeys.conversion_rate_by_voice(t["touchpoints"]),
        Labelled("journey group", rtol=RTOL),
    ),
    "voice_synergy": Part(_voice_synergy, Number(rtol=RTOL)),
    "clicks_per_link_post_by_target": Part(
        lambda t, a: journeys.clicks_per_link_post_by_target(t["posts"], t["link_clicks"]),
        Labelled("link target", rtol=RTOL),
    ),
    "last_click_credit": Part(
        lambda t, a: journeys.last_click_credit(t["orders"]), Labelled("channel", rtol=RTOL)
    ),
    "position_based_credit": Part(
        lambda t, a: journeys.attribution_credit(t["touchpoints"], "position_based"),
        Labelled("channel", rtol=RTOL),
    ),
    "shapley_credit": Part(
        lambda t, a: journeys.attribution_credit(t["touchpoints"], "shapley"),
        Labelled("channel", rtol=RTOL),
    ),
    "biggest_credit_change": Part(_biggest_credit_change, Text()),
}
