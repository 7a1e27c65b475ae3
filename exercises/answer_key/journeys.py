"""Customer journeys: the official and staff voices together, links, and credit for sales.

The reference answers of the graded exercise ``05_integrated_marketing``, in plain pandas.
The functions take the tables of :mod:`socialmarketing.data` as loaded by ``data.load`` and
lean on :mod:`socialmarketing.integrated` for the attribution models.

* :func:`journey_voices` and :func:`conversion_rate_by_voice` - did a journey touch the
  official account, a staff account, both or neither, and how often did it convert;
* :func:`voice_synergy` - do the two voices together do more than the sum of each alone;
* :func:`clicks_per_link_post_by_target` - the post as an index: clicks by link target;
* :func:`last_click_credit`, :func:`attribution_credit` and :func:`biggest_credit_change` -
  who gets the credit for the first orders under different attribution models.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from socialmarketing import integrated
from socialmarketing.validation import check_choice, check_table

__all__ = [
    "CREDIT_MODELS",
    "LINK_TARGETS",
    "VOICES",
    "attribution_credit",
    "biggest_credit_change",
    "clicks_per_link_post_by_target",
    "conversion_rate_by_voice",
    "journey_voices",
    "last_click_credit",
    "voice_synergy",
]

#: Which of the brand's two microblog voices a journey touched.
VOICES = ("neither", "official_only", "staff_only", "both")

#: Where the link of a post can point (posts without a link have ``link_target`` "none").
LINK_TARGETS = ("web", "video", "article", "print_code")

#: The attribution models :func:`attribution_credit` knows.
CREDIT_MODELS = integrated.ALL_MODELS

_OFFICIAL, _STAFF = "microblog_official", "microblog_staff"


def journey_voices(touchpoints: pd.DataFrame) -> pd.DataFrame:
    """One row per journey: its id, whether it converted, and which microblog voices it touched.

    Columns ``journey_id``, ``converted`` (True/False), ``official`` and ``staff`` (True if
    any touch was on the channel ``microblog_official`` / ``microblog_staff``) and ``voice``,
    one of :data:`VOICES`.
    """
    check_table("touchpoints", touchpoints, ["journey_id", "channel", "converted"])
    touched = touchpoints.assign(
        official=touchpoints["channel"] == _OFFICIAL,
        staff=touchpoints["channel"] == _STAFF,
    )
    journeys = touched.groupby("journey_id", as_index=False).agg(
        converted=("converted", "max"), official=("official", "max"), staff=("staff", "max")
    )
    journeys["voice"] = np.select(
        [
            journeys["official"] & journeys["staff"],
            journeys["official"],
            journeys["staff"],
        ],
        ["both", "official_only", "staff_only"],
        default="neither",
    )
    return journeys


def conversion_rate_by_voice(touchpoints: pd.DataFrame) -> pd.Series:
    """Share of journeys (0 to 1) that converted, for each value of :data:`VOICES`, in order."""
    journeys = journey_voices(touchpoints)
    rate = journeys.groupby("voice")["converted"].mean().reindex(list(VOICES))
    if rate.isna().any():
        empty = ", ".join(rate.index[rate.isna()])
        raise ValueError(f"no journey falls in the group(s) {empty}; the rate is undefined")
    rate.index.name = "voice"
    return rate.rename("conversion_rate")


def voice_synergy(touchpoints: pd.DataFrame) -> float:
    """The synergy of the two voices, a difference of conversion rates (shares).

    ``rate(both) - rate(official only) - rate(staff only) + rate(neither)``: how much more
    journeys touching both voices convert than adding up the lift of each voice alone would
    predict. Computed with :func:`socialmarketing.integrated.synergy`.
    """
    check_table("touchpoints", touchpoints, ["journey_id", "channel", "converted"])
    table = integrated.journey_table(touchpoints)
    result = integrated.synergy(
        table, "converted", official_column=_OFFICIAL, staff_column=_STAFF
    ).set_index("term")
    return float(result.loc["synergy", "estimate"])


def clicks_per_link_post_by_target(posts: pd.DataFrame, link_clicks: pd.DataFrame) -> pd.Series:
    """Average number of link clicks per post with a link, by link target (a count per post).

    Indexed by :data:`LINK_TARGETS`. Every post with ``has_link`` True counts, also those
    whose link nobody clicked (0 clicks).
    """
    check_table("posts", posts, ["post_id", "has_link", "link_target"])
    check_table("link_clicks", link_clicks, ["click_id", "post_id"])
    clicks = link_clicks["post_id"].value_counts()
    with_link = posts[posts["has_link"]].copy()
    with_link["clicks"] = with_link["post_id"].map(clicks).fillna(0)
    with_link["link_target"] = with_link["link_target"].astype(str)
    mean = with_link.groupby("link_target")["clicks"].mean()
    result = mean.reindex([target for target in LINK_TARGETS if target in mean.index])
    result.index.name = "link_target"
    return result.rename("clicks_per_post")


def last_click_credit(orders: pd.DataFrame) -> pd.Series:
    """First orders per channel of their last touch (``orders.channel``), a count.

    Only new customers' first orders (``is_first_order``) count, the conversions of the
    customer journeys; channels without any first order are left out.
    """
    check_table("orders", orders, ["order_id", "channel", "is_first_order"])
    first = orders[orders["is_first_order"]]
    counts = first["channel"].astype(str).value_counts().sort_index()
    counts.index.name = "channel"
    return counts.rename("conversions")


def attribution_credit(touchpoints: pd.DataFrame, model: str) -> pd.Series:
    """Conversions credited to each channel (may be fractional) under an attribution ``model``.

    ``model`` is one of :data:`CREDIT_MODELS`: a rule of
    :func:`socialmarketing.integrated.attribute` (``"last_touch"``, ``"position_based"``, ...),
    ``"shapley"`` or ``"markov"``. Indexed by channel; the credits add up to the number of
    converted journeys.
    """
    model = check_choice("model", model, CREDIT_MODELS)
    check_table("touchpoints", touchpoints, ["journey_id", "channel", "converted"])
    table = integrated.compare_attribution(touchpoints, [model])
    credit = table.set_index("channel")["conversions"]
    credit.index = credit.index.astype(str)
    return credit.rename(model)


def biggest_credit_change(touchpoints: pd.DataFrame, model: str = "shapley") -> str:
    """The channel whose credit differs most (in conversions, up or down) from last click.

    Compares :func:`attribution_credit` under ``model`` with ``"last_touch"`` and returns the
    name of the channel with the largest absolute difference.
    """
    model = check_choice("model", model, CREDIT_MODELS)
    other = attribution_credit(touchpoints, model)
    last = attribution_credit(touchpoints, "last_touch")
    change = (other - last.reindex(other.index, fill_value=0.0)).abs()
    return str(change.idxmax())
