"""How assignment 04_relationship_marketing is marked (instructors only).

Every numeric answer counts as right within 0.1 % of the exact value; Series are compared label
by label, in any order (club membership as the text "True" and "False", cohort weeks as "1" to
"11"); the list of channels of part 7 as a set of names, in any order and case. Part 6 hands in
two answers, the margin per active week (6a) and the lifetime values (6b). Error carried
forward, so one mistake costs once: 6b is marked against the student's own weekly retention from
part 2, and part 7 against their own lifetime value of an ordinary customer from 6b. (6b is
marked against the reference margin of 6a: both answers of part 6 share its points anyway.)
"""

from __future__ import annotations

import math

import pandas as pd

from answer_key import customers
from socialmarketing import relationship
from socialmarketing.grading.verdicts import Labelled, Names, Number, Part

#: The precision every numeric part of this assignment accepts.
RTOL = 1e-3


def _is_retention(value) -> bool:
    """A usable part-2 answer: a share strictly between 0 and 1 for "True" and for "False"
    (0 or 1 would make the lifetime values trivial)."""
    if not isinstance(value, pd.Series) or value.index.duplicated().any():
        return False
    return all(
        member in value.index and isinstance(value[member], float) and 0 < value[member] < 1
        for member in ("True", "False")
    )


def _has_ordinary_clv(value) -> bool:
    """A usable 6b answer: a finite lifetime value above 0 for "False" (a value of 0 would make
    part 7's answer trivially an empty list)."""
    if not isinstance(value, pd.Series) or value.index.duplicated().any():
        return False
    clv = value["False"] if "False" in value.index else None
    return isinstance(clv, float) and math.isfinite(clv) and clv > 0


def _margin_and_clv(tables, answers) -> tuple[pd.Series, pd.Series]:
    """As customers.margin_per_active_week and customers.clv_by_club, the lifetime values from
    the student's own weekly retention (part 2)."""
    orders, accounts = tables["orders"], tables["accounts"]
    margin = customers.margin_per_active_week(orders, accounts)
    retention = answers.own("club_weekly_retention", usable=_is_retention).rename(index=str)
    clv = pd.Series(
        {
            member: relationship.customer_lifetime_value(
                margin[member], float(retention[str(member)]), customers.WEEKLY_DISCOUNT_RATE
            )
            for member in margin.index
        },
        dtype=float,
    )
    return margin, clv


def _channels_within_break_even_cac(tables, answers) -> list[str]:
    """As customers.channels_within_break_even_cac, below the student's own CLV of an ordinary
    customer (6b)."""
    clv = answers.own("clv_by_club", usable=_has_ordinary_clv).rename(index=str)
    limit = relationship.max_acquisition_cost(float(clv["False"]), 1.0)
    cost = customers.cost_per_new_customer(tables["channel_spend"])
    return sorted(str(channel) for channel in cost.index[cost <= limit])


PARTS = {
    "repeat_purchase_rate": Part(
        lambda t, a: relationship.repeat_purchase_rate(t["orders"]), Number(rtol=RTOL)
    ),
    "club_weekly_retention": Part(
        lambda t, a: customers.club_weekly_retention(t["orders"], t["accounts"]),
        Labelled("club membership", rtol=RTOL),
    ),
    "first_week_retention_by_cohort": Part(
        lambda t, a: customers.first_week_retention_by_cohort(t["orders"]),
        Labelled("cohort week", rtol=RTOL),
    ),
    "author_reply_share": Part(
        lambda t, a: customers.author_reply_share(t["comments"], t["posts"], t["accounts"]),
        Labelled("kind of post author", rtol=RTOL),
    ),
    "fan_to_fan_reply_share": Part(
        lambda t, a: customers.fan_to_fan_reply_share(t["comments"], t["posts"], t["accounts"]),
        Number(rtol=RTOL),
    ),
    "margin_and_clv_by_club": Part(
        _margin_and_clv,
        Labelled("club membership", rtol=RTOL),
        names=("margin_per_active_week", "clv_by_club"),
    ),
    "channels_within_break_even_cac": Part(_channels_within_break_even_cac, Names("channels")),
}
