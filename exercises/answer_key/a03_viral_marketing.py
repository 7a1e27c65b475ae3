"""How assignment 03_viral_marketing is marked (instructors only).

Every numeric answer counts as right within 0.1 % of the exact value (the assignment says so);
labels are compared as text, in any order. Part 5 is marked against the student's own AISAS
attention-to-action share from part 4, and part 6 against their own K from part 5 (error
carried forward), so one mistake costs once.
"""

from __future__ import annotations

from answer_key import engagement
from socialmarketing import funnel
from socialmarketing.grading.verdicts import Labelled, Number, Part

#: The precision every numeric part of this assignment accepts, as its text states.
RTOL = 1e-3


def _k(tables, answers) -> float:
    events, accounts = tables["funnel_events"], tables["accounts"]
    own_conversion = answers.own(
        "attention_to_action_by_funnel",
        usable=lambda v: hasattr(v, "index") and "AISAS" in v.index and 0 < v["AISAS"] <= 1,
    )
    conversion = float(own_conversion["AISAS"])
    return funnel.viral_coefficient(
        engagement.share_rate(events),
        engagement.followers_per_sharer(events, accounts),
        conversion,
    )


def _customers(tables, answers) -> float:
    first = engagement.people_at_stage(tables["funnel_events"], "AISAS", "Action")
    own_k = answers.own(
        "aisas_viral_coefficient", usable=lambda k: isinstance(k, float) and 0 < k < 1
    )
    return engagement.customers_with_sharing(first, own_k)


PARTS = {
    "reposts_per_post_by_type": Part(
        lambda t, a: engagement.mean_reposts_by(t["posts"], t["reposts"]),
        Labelled("post type", rtol=RTOL),
    ),
    "share_posts_depth_two_plus": Part(
        lambda t, a: engagement.share_with_depth_at_least(t["posts"], t["reposts"], 2),
        Number(rtol=RTOL),
    ),
    "repost_probability_by_type": Part(
        lambda t, a: engagement.repost_probability_by(t["posts"], t["reposts"], t["accounts"]),
        Labelled("post type", rtol=RTOL),
    ),
    "attention_to_action_by_funnel": Part(
        lambda t, a: engagement.attention_to_action(t["funnel_events"]),
        Labelled("funnel", rtol=RTOL),
    ),
    "aisas_viral_coefficient": Part(_k, Number(rtol=RTOL)),
    "aisas_customers_with_sharing": Part(_customers, Number(rtol=RTOL)),
}
