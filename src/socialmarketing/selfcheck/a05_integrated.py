"""Self-checks of assignment 05_integrated_marketing (two voices, links, attribution).

Each check looks at the form of the answer (type, index, range) and at totals that follow from
the data without the answer (the credits of every attribution model add up to the number of
converted journeys); the values themselves are compared by the hidden tests.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from socialmarketing import data
from socialmarketing.selfcheck import CheckFailed, expect, expect_number, expect_series, register

__all__ = [
    "check_biggest_credit_change",
    "check_clicks_per_link_post_by_target",
    "check_conversion_rate_by_voice",
    "check_last_click_credit",
    "check_position_based_credit",
    "check_shapley_credit",
    "check_voice_synergy",
]

#: The four groups of journeys by the microblog voices they touched.
VOICES = ("neither", "official_only", "staff_only", "both")

#: Where a post's link can point.
LINK_TARGETS = ("web", "video", "article", "print_code")

#: The channels of the customer journeys (touchpoints.channel).
JOURNEY_CHANNELS = (
    "paid_search",
    "display",
    "email",
    "microblog_official",
    "microblog_staff",
    "kol",
    "offline_event",
)


def _converted_journeys() -> int:
    """Number of journeys that ended in an order, from the touchpoints table."""
    touchpoints = data.load("touchpoints")
    return int(touchpoints.groupby("journey_id")["converted"].max().sum())


def _check_credit(answer: Any, name: str) -> pd.Series:
    """Credit per journey channel: non-negative, adding up to the converted journeys."""
    if isinstance(answer, pd.Series) and "direct" in [str(label) for label in answer.index]:
        direct = answer[[str(label) == "direct" for label in answer.index]]
        if bool((direct == 0).all()):
            raise CheckFailed(
                f"{name} has a row for 'direct' with 0 orders: the channel column is a "
                "category, so value_counts lists every category, even unused ones. Drop that "
                "row, or turn the column into text first with .astype(str)."
            )
        raise CheckFailed(
            f"{name} has a row for 'direct'. A direct order had no marketing touch, and "
            "only new customers' first orders (the journeys that converted) are credited."
        )
    if isinstance(answer, pd.DataFrame) and answer.shape[1] > 1:
        raise CheckFailed(
            f"{name} should be a Series of conversions indexed by channel, but it is a "
            f"DataFrame with columns {', '.join(map(str, answer.columns))}. Set 'channel' "
            "as the index and select the 'conversions' column."
        )
    series = expect_series(answer, name, index=JOURNEY_CHANNELS, low=0)
    conversions = _converted_journeys()
    total = float(series.sum())
    expect(
        abs(total - conversions) < 1e-6 * conversions + 1e-9,
        f"the values of {name} add up to {total:g}, but every model hands out exactly one "
        f"conversion per converted journey, {conversions} in all. Did you keep only the "
        "first orders, and take the 'conversions' column (not 'share')?",
    )
    return series


@register("conversion_rate_by_voice")
def check_conversion_rate_by_voice(answer: Any) -> None:
    """Conversion rate of journeys by voice group, shares between 0 and 1."""
    series = expect_series(answer, "conversion_rate_by_voice", index=VOICES)
    expect(
        not bool((series > 1).any()),
        "some values of conversion_rate_by_voice are above 1: give shares of journeys, not "
        "percentages or counts.",
    )
    expect_series(series, "conversion_rate_by_voice", low=0, high=1)
    expect(
        bool((series > 0).all()),
        "a conversion rate of 0 means no journey in that group converted. Group journeys "
        "(not touches): one row per journey_id, then the share with converted True.",
    )


@register("voice_synergy")
def check_voice_synergy(answer: Any) -> None:
    """A difference of conversion rates: a number between -2 and 2."""
    value = expect_number(answer, "voice_synergy")
    expect(
        -2 <= value <= 2,
        f"voice_synergy is {value:g}, but it adds and subtracts four shares between 0 and 1, "
        "so it lies between -2 and 2. Use shares, not percentages.",
    )


@register("clicks_per_link_post_by_target")
def check_clicks_per_link_post_by_target(answer: Any) -> None:
    """Average clicks per post with a link, by link target."""
    name = "clicks_per_link_post_by_target"
    if isinstance(answer, pd.Series):
        expect(
            "none" not in [str(label) for label in answer.index],
            f"{name} has a row for 'none': posts without a link cannot be clicked. Keep "
            "only the posts with has_link True.",
        )
    series = expect_series(answer, name, index=LINK_TARGETS, low=0)
    expect(
        not bool((series == series.round()).all()),
        f"every value of {name} is a whole number: did you count the clicks instead of "
        "averaging them over the posts with that kind of link?",
    )


@register("last_click_credit")
def check_last_click_credit(answer: Any) -> None:
    """First orders per last-touch channel, whole numbers adding up to the conversions."""
    series = _check_credit(answer, "last_click_credit")
    expect(
        bool((series == series.round()).all()),
        "last_click_credit should count orders, so every value is a whole number.",
    )


@register("position_based_credit")
def check_position_based_credit(answer: Any) -> None:
    """Position-based credit per channel, adding up to the conversions."""
    _check_credit(answer, "position_based_credit")


@register("shapley_credit")
def check_shapley_credit(answer: Any) -> None:
    """Shapley credit per channel, adding up to the conversions."""
    _check_credit(answer, "shapley_credit")


@register("biggest_credit_change")
def check_biggest_credit_change(answer: Any) -> None:
    """The name of one channel of the journeys."""
    if isinstance(answer, pd.Series | pd.DataFrame):
        raise CheckFailed(
            "biggest_credit_change should be one channel name (a str), but it is a pandas "
            f"{type(answer).__name__}. Use .abs().idxmax() on the differences."
        )
    expect(
        isinstance(answer, str),
        f"biggest_credit_change should be a channel name (a str), but it is a "
        f"{type(answer).__name__}.",
    )
    expect(
        answer in JOURNEY_CHANNELS,
        f"biggest_credit_change is {answer!r}, which is not one of the channels "
        f"{', '.join(JOURNEY_CHANNELS)}.",
    )
