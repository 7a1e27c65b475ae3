"""Self-checks of assignment 03_viral_marketing (reposts, cascades, repost probability, funnels).

Each check looks at the form of the answer (type, index, range) and at facts that hold whatever
the exact numbers are (p is a probability, giveaways ask to be reposted, Moonbrew's sharing is
a bonus rather than viral growth); the values themselves are compared by the hidden tests.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from socialmarketing.selfcheck import CheckFailed, expect, expect_number, expect_series, register

__all__ = [
    "FUNNELS",
    "POST_TYPES",
    "check_aisas_customers_with_sharing",
    "check_aisas_viral_coefficient",
    "check_attention_to_action_by_funnel",
    "check_repost_probability_by_type",
    "check_reposts_per_post_by_type",
    "check_share_posts_depth_two_plus",
]

#: The post types of the posts table.
POST_TYPES = ("promotion", "discussion", "club_event", "news", "giveaway")

#: The two funnel models of the funnel_events table.
FUNNELS = ("AIDMA", "AISAS")


def _no_label_column(answer: Any, name: str, column: str) -> None:
    """Explain the usual index mistake: the labels sit in a column instead of the index."""
    if isinstance(answer, pd.DataFrame) and column in answer.columns:
        raise CheckFailed(
            f"{name} has a {column!r} column, but the {column} values should be its index "
            f"(row labels). Use .groupby({column!r}) without as_index=False, or "
            f".set_index({column!r}), and keep one column of numbers."
        )


def _share(answer: Any, name: str, what: str) -> float:
    """One share between 0 and 1, with hints for percentages and counts."""
    value = expect_number(answer, name, low=0)
    expect(
        value <= 1,
        f"{name} is {value:g}, more than 1. Give a share between 0 and 1: {what} "
        "(write 5 % as 0.05, and divide the count by the number of posts).",
    )
    return value


@register("reposts_per_post_by_type")
def check_reposts_per_post_by_type(answer: Any) -> None:
    """Average reposts per original post, for each post type."""
    name = "reposts_per_post_by_type"
    _no_label_column(answer, name, "post_type")
    series = expect_series(answer, name, index=POST_TYPES, low=0)
    expect(
        not bool((series == series.round()).all()),
        f"every value of {name} is a whole number: that looks like a count of reposts or of "
        "posts. Divide each type's reposts by its number of posts.",
    )
    expect(
        float(series["giveaway"]) == float(series.max()),
        f"{name} does not put giveaways first, although giveaways ask people to repost them. "
        "Count the reposts of each post with reposts['post_id'] and attach them to the posts "
        "table (posts that nobody reposted count with 0).",
    )


@register("share_posts_depth_two_plus")
def check_share_posts_depth_two_plus(answer: Any) -> None:
    """Share of all posts whose cascade reached depth 2 or more."""
    name = "share_posts_depth_two_plus"
    value = _share(answer, name, "the posts with depth 2 or more divided by all posts")
    expect(
        0 < value < 1,
        f"{name} is {value:g}, but some posts were reposted from a repost and most were not. "
        "A post's depth is the largest depth among its reposts (0 if nobody reposted it).",
    )
    expect(
        value < 0.3,
        f"{name} is {value:g}: that many posts reaching depth 2 is far more than cascades on "
        "a microblog usually manage. Divide by ALL posts, including the many that nobody "
        "reposted, not only the posts that appear in the reposts table.",
    )


@register("repost_probability_by_type")
def check_repost_probability_by_type(answer: Any) -> None:
    """Repost probability p = reposts / exposures, for each post type."""
    name = "repost_probability_by_type"
    _no_label_column(answer, name, "post_type")
    series = expect_series(answer, name, index=POST_TYPES, low=0)
    expect(
        bool((series <= 1).all()),
        f"some values of {name} are above 1, but p is a probability. Divide reposts by "
        "exposures (the followers of the author and of every reposter), not the other way "
        "round, and not by the number of posts.",
    )
    expect(
        bool((series > 0).all()) and bool((series < 0.5).all()),
        f"{name} should be a small probability for every type (each person who sees a post "
        "rarely reposts it). Check that exposures add up the followers of the author and of "
        "each reposter.",
    )
    expect(
        float(series["giveaway"]) == float(series.max()),
        f"{name} does not give giveaways the highest p, although they ask to be reposted. "
        "Sum the reposts and the exposures of each type first, then divide.",
    )


@register("attention_to_action_by_funnel")
def check_attention_to_action_by_funnel(answer: Any) -> None:
    """Share of the people at Attention who reached Action, for AIDMA and AISAS."""
    name = "attention_to_action_by_funnel"
    _no_label_column(answer, name, "funnel")
    series = expect_series(answer, name, index=FUNNELS, low=0)
    expect(
        bool((series <= 1).all()),
        f"some values of {name} are above 1. Divide the people at Action by the people at "
        "Attention (shares between 0 and 1, not percentages).",
    )
    expect(
        bool((series > 0).all()) and bool((series < 1).all()),
        f"{name} has a 0 or a 1, but in both funnels some people who paid attention bought "
        "and most did not. The Action stage is stage 5 of AIDMA but stage 4 of AISAS: pick it "
        "by its name in the 'stage' column.",
    )


@register("aisas_viral_coefficient")
def check_aisas_viral_coefficient(answer: Any) -> None:
    """The viral coefficient K of the AISAS share loop: one number, 0 or more."""
    name = "aisas_viral_coefficient"
    value = expect_number(answer, name, low=0)
    expect(
        value > 0,
        f"{name} is 0, but some AISAS buyers shared and their followers saw it. Use "
        "funnel.viral_coefficient(share_rate, contacts_per_share, contact_conversion).",
    )
    expect(
        value < 1,
        f"{name} is {value:g}. A sharer on the Moonbrew microblog has only a handful of "
        "followers and a few per cent of them buy, so K is well below 1. Check that the share "
        "rate and the conversion are shares between 0 and 1 and that contacts are the "
        "followers of the accounts at the Share stage.",
    )


@register("aisas_customers_with_sharing")
def check_aisas_customers_with_sharing(answer: Any) -> None:
    """All customers once sharing has run its course: a number of people."""
    name = "aisas_customers_with_sharing"
    value = expect_number(answer, name, low=0)
    expect(
        value >= 2,
        f"{name} is {value:g}: give a number of customers (first customers / (1 - K)), not "
        "a share or a multiplier.",
    )
    expect(
        value != round(value),
        f"{name} is a whole number, {value:g}. Sharing adds an expected number of customers, "
        "first / (1 - K), which is hardly ever whole: did you count only the first customers, "
        "or round?",
    )
