"""Tests for answer_key.journeys (reference answers of assignment 05).

Expected values come from a tiny set of journeys worked out by hand in the comments below and
from facts of the sample data that can be computed another way (the last touch of every
converted journey is the channel of its order; data/README.md's synergy is positive).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from answer_key import journeys
from socialmarketing import data

SETTINGS = settings(max_examples=50, deadline=None)

# Eight journeys, two in each voice group; touches in the order written.
#   neither:       J1 paid_search (no order); J2 display, paid_search (order)      -> 1/2
#   official_only: J3 official (order);      J4 paid_search, official (order)      -> 2/2
#   staff_only:    J5 staff (no order);      J6 staff, email (no order)            -> 0/2
#   both:          J7 official, staff (order); J8 staff, display, official (order) -> 2/2
# Synergy: 1 - 1 - 0 + 0.5 = 0.5.
OFF, STAFF = "microblog_official", "microblog_staff"
JOURNEYS = {
    1: (["paid_search"], False),
    2: (["display", "paid_search"], True),
    3: ([OFF], True),
    4: (["paid_search", OFF], True),
    5: ([STAFF], False),
    6: ([STAFF, "email"], False),
    7: ([OFF, STAFF], True),
    8: ([STAFF, "display", OFF], True),
}


def make_touchpoints(journey_map: dict[int, tuple[list[str], bool]]) -> pd.DataFrame:
    """A touchpoints table: touches a day apart, in the order given."""
    rows = []
    for journey_id, (channels, converted) in journey_map.items():
        for number, channel in enumerate(channels, start=1):
            time = pd.Timestamp("2026-03-02") + pd.Timedelta(days=journey_id * 10 + number)
            rows.append((journey_id, number, time, channel, converted))
    return pd.DataFrame(
        rows, columns=["journey_id", "touch_number", "touch_time", "channel", "converted"]
    )


TOUCHPOINTS = make_touchpoints(JOURNEYS)


def test_journey_voices_hand_example():
    table = journeys.journey_voices(TOUCHPOINTS)
    assert table["voice"].tolist() == [
        "neither",
        "neither",
        "official_only",
        "official_only",
        "staff_only",
        "staff_only",
        "both",
        "both",
    ]


def test_conversion_rate_by_voice_hand_example():
    result = journeys.conversion_rate_by_voice(TOUCHPOINTS)
    assert list(result.index) == ["neither", "official_only", "staff_only", "both"]
    assert result.tolist() == pytest.approx([0.5, 1.0, 0.0, 1.0])


def test_voice_synergy_hand_example():
    assert journeys.voice_synergy(TOUCHPOINTS) == pytest.approx(0.5)


def test_conversion_rate_by_voice_needs_every_group():
    only_neither = make_touchpoints({1: (["email"], True), 2: (["display"], False)})
    with pytest.raises(ValueError, match="official_only"):
        journeys.conversion_rate_by_voice(only_neither)


# Credit for the five converted journeys J2, J3, J4, J7, J8:
#   last touch:      paid_search (J2), official (J3, J4, J8), staff (J7)
#   shapley (equal parts of each journey over its distinct channels):
#     display 1/2 + 1/3, paid_search 1/2 + 1/2, official 1 + 1/2 + 1/2 + 1/3, staff 1/2 + 1/3
#   position based (40/20/40; two touches 50/50):
#     display 0.5 + 0.2, paid_search 0.5 + 0.5, official 1 + 0.5 + 0.5 + 0.4, staff 0.5 + 0.4
LAST = {"display": 0.0, "email": 0.0, OFF: 3.0, STAFF: 1.0, "paid_search": 1.0}
SHAPLEY = {"display": 5 / 6, "email": 0.0, OFF: 7 / 3, STAFF: 5 / 6, "paid_search": 1.0}
POSITION = {"display": 0.7, "email": 0.0, OFF: 2.4, STAFF: 0.9, "paid_search": 1.0}


@pytest.mark.parametrize(
    ("model", "expected"),
    [("last_touch", LAST), ("shapley", SHAPLEY), ("position_based", POSITION)],
)
def test_attribution_credit_hand_example(model, expected):
    result = journeys.attribution_credit(TOUCHPOINTS, model)
    assert result.to_dict() == pytest.approx(expected)


def test_biggest_credit_change_hand_example():
    # Shapley minus last touch: display +5/6, official -2/3, staff -1/6, paid_search 0.
    assert journeys.biggest_credit_change(TOUCHPOINTS, "shapley") == "display"
    # Position based minus last touch: display +0.7, official -0.6, staff -0.1.
    assert journeys.biggest_credit_change(TOUCHPOINTS, "position_based") == "display"


def test_attribution_credit_rejects_an_unknown_model():
    with pytest.raises(ValueError, match="model must be one of"):
        journeys.attribution_credit(TOUCHPOINTS, "last_click")


def test_last_click_credit_counts_first_orders_only():
    orders = pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4, 5],
            "channel": pd.Categorical(
                ["paid_search", "email", "email", "direct", "paid_search"],
                categories=["paid_search", "email", "kol", "direct"],
            ),
            "is_first_order": [True, True, False, False, True],
        }
    )
    assert journeys.last_click_credit(orders).to_dict() == {"email": 1, "paid_search": 2}


def test_clicks_per_link_post_by_target_hand_example():
    posts = pd.DataFrame(
        {
            "post_id": [1, 2, 3, 4, 5],
            "has_link": [True, True, True, False, True],
            "link_target": ["web", "web", "video", "none", "article"],
        }
    )
    # Post 1: 3 clicks, post 2: none, post 3: 2, post 5: none.
    clicks = pd.DataFrame({"click_id": range(1, 6), "post_id": [1, 1, 1, 3, 3]})
    result = journeys.clicks_per_link_post_by_target(posts, clicks)
    assert result.to_dict() == {"web": 1.5, "video": 2.0, "article": 0.0}


# ---------------------------------------------------------------------------------------------
# The sample data
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {name: data.load(name) for name in ("touchpoints", "orders", "posts", "link_clicks")}


def test_last_click_credit_is_the_last_touch_of_converted_journeys(tables):
    touchpoints = tables["touchpoints"]
    converted = touchpoints[touchpoints["converted"]]
    last = converted.sort_values(["journey_id", "touch_number"]).groupby("journey_id").tail(1)
    expected = last["channel"].astype(str).value_counts().sort_index()
    result = journeys.last_click_credit(tables["orders"])
    pd.testing.assert_series_equal(result, expected, check_names=False)
    from_touches = journeys.attribution_credit(touchpoints, "last_touch")
    pd.testing.assert_series_equal(
        from_touches.sort_index(), expected.astype(float), check_names=False
    )


def test_both_voices_convert_best_and_the_synergy_is_positive(tables):
    # data/README.md: synergy of +0.9 on the log-odds for journeys touching both voices.
    rates = journeys.conversion_rate_by_voice(tables["touchpoints"])
    assert rates["both"] == rates.max()
    assert journeys.voice_synergy(tables["touchpoints"]) > 0.1


def test_clicks_per_post_times_posts_is_every_link_click(tables):
    posts, clicks = tables["posts"], tables["link_clicks"]
    per_post = journeys.clicks_per_link_post_by_target(posts, clicks)
    linked = posts[posts["has_link"]]["link_target"].astype(str).value_counts()
    assert (per_post * linked.reindex(per_post.index)).sum() == pytest.approx(len(clicks))


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

CHANNELS = ["paid_search", "display", "email", OFF, STAFF]
random_journeys = st.lists(
    st.tuples(
        st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=5),
        st.booleans(),
    ),
    min_size=1,
    max_size=25,
)


@SETTINGS
@given(random_journeys, st.sampled_from(["last_touch", "linear", "position_based", "shapley"]))
def test_credits_add_up_to_the_conversions(journey_list, model):
    touchpoints = make_touchpoints(dict(enumerate(journey_list, start=1)))
    credit = journeys.attribution_credit(touchpoints, model)
    conversions = sum(converted for _, converted in journey_list)
    assert not credit.isna().any()
    assert (credit >= -1e-12).all()
    assert credit.sum() == pytest.approx(conversions)


@SETTINGS
@given(random_journeys)
def test_voice_groups_cover_every_journey(journey_list):
    touchpoints = make_touchpoints(dict(enumerate(journey_list, start=1)))
    table = journeys.journey_voices(touchpoints)
    assert len(table) == len(journey_list)
    assert set(table["voice"]) <= set(journeys.VOICES)
    assert np.array_equal(table["converted"], [converted for _, converted in journey_list])


@pytest.mark.parametrize(
    "call",
    [
        lambda: journeys.journey_voices([1, 2, 3]),
        lambda: journeys.conversion_rate_by_voice(TOUCHPOINTS.drop(columns="channel")),
        lambda: journeys.voice_synergy(TOUCHPOINTS.iloc[0:0]),
        lambda: journeys.last_click_credit(pd.DataFrame({"order_id": [1]})),
        lambda: journeys.clicks_per_link_post_by_target(pd.DataFrame(), pd.DataFrame()),
    ],
)
def test_bad_tables_raise_a_clear_value_error(call):
    with pytest.raises(ValueError, match=r"DataFrame|missing column|empty"):
        call()
