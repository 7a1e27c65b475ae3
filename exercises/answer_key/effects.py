"""What the written answers' rubrics take for granted about the data (instructors only).

Each rubric of a written part rests on a finding of the data (for example, for assignment 03,
that giveaways are reposted more than promotions per exposure too, and that K is well below 1).
With the committed data they all hold; with data made from another seed they usually do, but a
private course must not hand students a data set in which a rubric's finding is false.
``socialmarketing course private`` checks :data:`EFFECTS` on the new data before it writes the
course, and names any that fail (then try another seed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from answer_key import channels, customers, engagement, journeys

Tables = Mapping[str, pd.DataFrame]


def _giveaways_out_spread_promotions(t: Tables) -> bool:
    per_post = engagement.mean_reposts_by(t["posts"], t["reposts"])
    per_exposure = engagement.repost_probability_by(t["posts"], t["reposts"], t["accounts"])
    return bool(
        per_post["giveaway"] > per_post["promotion"]
        and per_exposure["giveaway"] > per_exposure["promotion"]
    )


def _sharing_is_a_bonus_not_a_chain_reaction(t: Tables) -> bool:
    k = engagement.aisas_viral_coefficient(t["funnel_events"], t["accounts"])
    shallow = engagement.share_with_depth_at_least(t["posts"], t["reposts"], 2) < 0.5
    return bool(0 < k < 0.5 and shallow)


def _members_come_back_more_not_spend_more(t: Tables) -> bool:
    retention = customers.club_weekly_retention(t["orders"], t["accounts"])
    margin = customers.margin_per_active_week(t["orders"], t["accounts"])
    clv = customers.clv_by_club(t["orders"], t["accounts"])
    return bool(
        retention[True] > retention[False]
        and abs(margin[True] / margin[False] - 1) < 0.2
        and clv[True] > clv[False]
    )


def _both_voices_convert_best(t: Tables) -> bool:
    rates = journeys.conversion_rate_by_voice(t["touchpoints"])
    best_single = max(rates["official_only"], rates["staff_only"], rates["neither"])
    return bool(rates["both"] > best_single and journeys.voice_synergy(t["touchpoints"]) > 0)


def _paid_search_gets_dearer(t: Tables) -> bool:
    return bool(channels.weekly_cpc_growth(t["channel_spend"]) > 0)


#: (assignment, what the rubric takes for granted, check on the tables).
EFFECTS: list[tuple[str, str, Callable[[Tables], bool]]] = [
    (
        "01_traditional_vs_social",
        "paid search's cost per click grows from week to week",
        _paid_search_gets_dearer,
    ),
    (
        "03_viral_marketing",
        "giveaways are reposted more than promotions, per post and per exposure",
        _giveaways_out_spread_promotions,
    ),
    (
        "03_viral_marketing",
        "K is well below 1 (between 0 and 0.5) and most cascades stay shallow",
        _sharing_is_a_bonus_not_a_chain_reaction,
    ),
    (
        "04_relationship_marketing",
        "club members come back more often and are worth more, without spending much more a week",
        _members_come_back_more_not_spend_more,
    ),
    (
        "05_integrated_marketing",
        "journeys that met both voices convert best, and the synergy is above 0",
        _both_voices_convert_best,
    ),
]


def missing_effects(tables: Tables) -> list[str]:
    """The rubric findings that do not hold in ``tables`` ("assignment: finding")."""
    return [f"{name}: {finding}" for name, finding, holds in EFFECTS if not holds(tables)]
