"""Tests for socialmarketing.integrated: attribution models, synergy and the index funnel.

Expected values are worked out by hand in the comments, or computed here independently: Shapley
values by brute force over every ordering of the channels, Markov absorption probabilities by
summing the power series of the transition matrix (counted here with plain Python loops), and
normal quantiles from scipy.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from socialmarketing.integrated import (
    ALL_MODELS,
    INDEX_FUNNEL_STAGES,
    RULE_BASED_MODELS,
    SYNERGY_TERMS,
    attribute,
    compare_attribution,
    index_funnel,
    journey_table,
    markov_attribution,
    markov_transition_matrix,
    shapley_attribution,
    synergy,
)

SETTINGS = settings(max_examples=60, deadline=None)
CHANNELS = [
    "paid_search",
    "display",
    "email",
    "microblog_official",
    "microblog_staff",
    "kol",
    "offline_event",
]
START = pd.Timestamp("2026-03-02 10:00")


def make_touchpoints(journeys: list[tuple[list[tuple[str, float]], bool, float]]) -> pd.DataFrame:
    """A touchpoints table from journeys given as ([(channel, day), ...], converted, revenue)."""
    rows = []
    for journey_id, (touches, converted, revenue) in enumerate(journeys, start=1):
        for channel, day in touches:
            rows.append(
                {
                    "journey_id": journey_id,
                    "channel": channel,
                    "touch_time": START + pd.Timedelta(days=day),
                    "converted": converted,
                    "revenue": revenue if converted else np.nan,
                }
            )
    return pd.DataFrame(rows)


# The hand-worked journeys (days after 2 March):
#   J1: paid_search (0), email (4), microblog_official (6)      converted, 100 yuan
#   J2: display (1)                                             converted,  50 yuan
#   J3: kol (2), display (3)                                    not converted
#   J4: email (0), microblog_staff (7), email (14)              converted,  30 yuan
#   J5: microblog_official (8), kol (15)                        converted,  20 yuan
HAND_JOURNEYS = [
    ([("paid_search", 0), ("email", 4), ("microblog_official", 6)], True, 100.0),
    ([("display", 1)], True, 50.0),
    ([("kol", 2), ("display", 3)], False, 0.0),
    ([("email", 0), ("microblog_staff", 7), ("email", 14)], True, 30.0),
    ([("microblog_official", 8), ("kol", 15)], True, 20.0),
]


@pytest.fixture
def hand_touchpoints() -> pd.DataFrame:
    table = make_touchpoints(HAND_JOURNEYS)
    table["channel"] = pd.Categorical(table["channel"], categories=CHANNELS)
    # Shuffle the rows: the functions must put each journey in time order themselves.
    return table.sample(frac=1.0, random_state=3).reset_index(drop=True)


def credit(table: pd.DataFrame, column: str = "conversions") -> list[float]:
    """The credit column in CHANNELS order."""
    return table.set_index("channel").loc[CHANNELS, column].tolist()


# ---------------------------------------------------------------------------------------------
# Rule-based attribution
# ---------------------------------------------------------------------------------------------

#                    paid_s  display  email          m_official     m_staff  kol  offline
EXPECTED_RULES = {
    "first_touch": [1, 1, 1, 1, 0, 0, 0],
    "last_touch": [0, 1, 1, 1, 0, 1, 0],
    # J1 thirds, J2 all, J4 email 2/3 + staff 1/3, J5 halves.
    "linear": [1 / 3, 1, 1 / 3 + 2 / 3, 1 / 3 + 1 / 2, 1 / 3, 1 / 2, 0],
    # J1 40/20/40, J2 100, J4 email 40 + 40, staff 20, J5 50/50 (two touches).
    "position_based": [0.4, 1, 0.2 + 0.8, 0.4 + 0.5, 0.2, 0.5, 0],
}


@pytest.mark.parametrize("model", list(EXPECTED_RULES))
def test_rule_based_models_hand_worked(hand_touchpoints, model):
    table = attribute(hand_touchpoints, model)
    assert table["channel"].tolist() == CHANNELS
    assert credit(table) == pytest.approx(EXPECTED_RULES[model])
    assert table["share"].tolist() == pytest.approx([c / 4 for c in EXPECTED_RULES[model]])


def test_time_decay_hand_worked(hand_touchpoints):
    # Weight 0.5 ** (days before the last touch / 7), scaled to 1 per journey.
    # J1: paid_search 6 days before, email 2, official 0.
    j1 = np.array([2 ** (-6 / 7), 2 ** (-2 / 7), 1.0])
    j1 = j1 / j1.sum()
    # J4: email 14 days before (0.25), staff 7 (0.5), email 0 (1): total 1.75.
    # J5: official 7 days before (0.5), kol 0 (1): total 1.5.
    expected = [j1[0], 1.0, j1[1] + 1.25 / 1.75, j1[2] + 0.5 / 1.5, 0.5 / 1.75, 1.0 / 1.5, 0.0]
    table = attribute(hand_touchpoints, "time_decay", half_life_days=7)
    assert credit(table) == pytest.approx(expected)
    # A very long half-life treats every touch alike: the linear model.
    nearly_linear = attribute(hand_touchpoints, "time_decay", half_life_days=1e9)
    assert credit(nearly_linear) == pytest.approx(EXPECTED_RULES["linear"])


def test_linear_revenue_hand_worked(hand_touchpoints):
    table = attribute(hand_touchpoints, "linear", value_column="revenue")
    # J1 100 yuan in thirds, J2 50, J4 30 (email 20, staff 10), J5 20 in halves.
    expected = [100 / 3, 50, 100 / 3 + 20, 100 / 3 + 10, 10, 10, 0]
    assert credit(table, "revenue") == pytest.approx(expected)
    assert table["revenue"].sum() == pytest.approx(200.0)


def test_touch_order_from_time_not_from_table(hand_touchpoints):
    ordered = hand_touchpoints.sort_values(["journey_id", "touch_time"])
    pd.testing.assert_frame_equal(
        attribute(ordered, "first_touch"), attribute(hand_touchpoints, "first_touch")
    )
    # Without times the table order is used: J1 reversed gives first touch to the official.
    reversed_j1 = ordered.iloc[::-1]
    table = attribute(reversed_j1, "first_touch", time_column=None)
    assert credit(table) == pytest.approx([0, 1, 1, 1, 0, 1, 0])


def journeys_strategy():
    touch = st.sampled_from(["paid_search", "email", "kol", "microblog_official"])
    journey = st.tuples(
        st.lists(st.tuples(touch, st.floats(0, 60)), min_size=1, max_size=6),
        st.booleans(),
        st.floats(0, 500),
    )
    return st.lists(journey, min_size=1, max_size=25)


@SETTINGS
@given(journeys=journeys_strategy(), half_life=st.floats(0.1, 100))
def test_every_model_hands_out_exactly_the_conversions(journeys, half_life):
    touchpoints = make_touchpoints(journeys)
    conversions = sum(converted for _, converted, _ in journeys)
    total_revenue = sum(revenue for _, converted, revenue in journeys if converted)
    table = compare_attribution(touchpoints, half_life_days=half_life, value_column="revenue")
    assert set(table["model"]) == set(ALL_MODELS)
    assert not table.isna().any().any()
    assert (table["conversions"] >= -1e-12).all()
    for _, one_model in table.groupby("model"):
        assert one_model["conversions"].sum() == pytest.approx(conversions, abs=1e-9)
        assert one_model["revenue"].sum() == pytest.approx(total_revenue, rel=1e-9, abs=1e-6)
        expected_share = 1.0 if conversions else 0.0
        assert one_model["share"].sum() == pytest.approx(expected_share, abs=1e-9)


# ---------------------------------------------------------------------------------------------
# Shapley attribution
# ---------------------------------------------------------------------------------------------


def brute_force_shapley(journeys: list[tuple[set[str], float]]) -> dict[str, float]:
    """Average marginal contribution over every ordering of the channels.

    ``journeys`` holds (channel set, value) of the *converted* journeys; the value of a
    coalition S is the total value of journeys whose channel set is inside S.
    """
    players = sorted(set().union(*(channels for channels, _ in journeys)))

    def coalition_value(coalition: set[str]) -> float:
        return sum(value for channels, value in journeys if channels <= coalition)

    totals = dict.fromkeys(players, 0.0)
    orderings = list(itertools.permutations(players))
    for ordering in orderings:
        coalition: set[str] = set()
        for player in ordering:
            before = coalition_value(coalition)
            coalition = coalition | {player}
            totals[player] += coalition_value(coalition) - before
    return {player: total / len(orderings) for player, total in totals.items()}


def test_shapley_hand_worked_against_brute_force(hand_touchpoints):
    table = shapley_attribution(hand_touchpoints, value_column="revenue")
    converted = [
        ({"paid_search", "email", "microblog_official"}, 100.0),
        ({"display"}, 50.0),
        ({"email", "microblog_staff"}, 30.0),
        ({"microblog_official", "kol"}, 20.0),
    ]
    by_count = brute_force_shapley([(channels, 1.0) for channels, _ in converted])
    by_revenue = brute_force_shapley(converted)
    expected_counts = [by_count.get(c, 0.0) for c in CHANNELS]
    assert credit(table) == pytest.approx(expected_counts)
    assert credit(table, "revenue") == pytest.approx([by_revenue.get(c, 0.0) for c in CHANNELS])
    # Written out: each journey's conversion split equally over its different channels.
    assert expected_counts == pytest.approx(
        [1 / 3, 1, 1 / 3 + 1 / 2, 1 / 3 + 1 / 2, 1 / 2, 1 / 2, 0]
    )
    # Efficiency: the values add up to v(all channels) = 4 conversions, 200 yuan.
    assert table["conversions"].sum() == pytest.approx(4)
    assert table["revenue"].sum() == pytest.approx(200)


@SETTINGS
@given(journeys=journeys_strategy())
def test_shapley_matches_brute_force(journeys):
    touchpoints = make_touchpoints(journeys)
    table = shapley_attribution(touchpoints, value_column="revenue").set_index("channel")
    converted = [
        ({channel for channel, _ in touches}, revenue)
        for touches, is_converted, revenue in journeys
        if is_converted
    ]
    if not converted:
        assert (table["conversions"] == 0).all()
        return
    by_count = brute_force_shapley([(channels, 1.0) for channels, _ in converted])
    by_revenue = brute_force_shapley(converted)
    for channel in table.index:
        assert table.loc[channel, "conversions"] == pytest.approx(by_count.get(channel, 0.0))
        assert table.loc[channel, "revenue"] == pytest.approx(
            by_revenue.get(channel, 0.0), rel=1e-9, abs=1e-6
        )


def test_shapley_refuses_too_many_channels():
    touches = [(f"channel_{i:02d}", i) for i in range(17)]
    with pytest.raises(ValueError, match="17 channels is more than 16"):
        shapley_attribution(make_touchpoints([(touches, True, 1.0)]))


# ---------------------------------------------------------------------------------------------
# Markov attribution
# ---------------------------------------------------------------------------------------------

# Four journeys over channels A and B:
#   A -> B -> conversion,  A -> null,  B -> conversion,  A -> B -> null
MARKOV_JOURNEYS = [
    ([("A", 0), ("B", 1)], True, 10.0),
    ([("A", 0)], False, 0.0),
    ([("B", 0)], True, 30.0),
    ([("A", 0), ("B", 1)], False, 0.0),
]


def test_markov_transition_matrix_hand_worked():
    matrix = markov_transition_matrix(make_touchpoints(MARKOV_JOURNEYS))
    # Steps: start->A 3, start->B 1; A->B 2, A->null 1; B->conversion 2, B->null 1.
    expected = pd.DataFrame(
        [[3 / 4, 1 / 4, 0, 0], [0, 2 / 3, 0, 1 / 3], [0, 0, 2 / 3, 1 / 3]],
        index=["start", "A", "B"],
        columns=["A", "B", "conversion", "null"],
    )
    assert list(matrix.index) == list(expected.index)
    assert list(matrix.columns) == list(expected.columns)
    np.testing.assert_allclose(matrix.to_numpy(), expected.to_numpy())


def test_markov_attribution_hand_worked():
    table = markov_attribution(make_touchpoints(MARKOV_JOURNEYS), value_column="revenue")
    # P(conversion) = 3/4 * 2/3 * 2/3 (start->A->B->conv) + 1/4 * 2/3 (start->B->conv)
    #               = 1/3 + 1/6 = 1/2.
    # Without A (start->A goes to null): 1/4 * 2/3 = 1/6; removal effect 1 - (1/6)/(1/2) = 2/3.
    # Without B: no path reaches conversion: 0; removal effect 1.
    # Credit: 2 conversions shared 2/3 : 1, i.e. A 2/5 and B 3/5 -> 0.8 and 1.2.
    assert table["channel"].tolist() == ["A", "B"]
    assert table["removal_effect"].tolist() == pytest.approx([2 / 3, 1.0])
    assert table["conversions"].tolist() == pytest.approx([0.8, 1.2])
    assert table["share"].tolist() == pytest.approx([0.4, 0.6])
    assert table["revenue"].tolist() == pytest.approx([40 * 0.4, 40 * 0.6])


def absorption_by_power_series(
    journeys: list[tuple[list[str], bool]], removed: str | None = None
) -> float:
    """P(start ends in conversion), from transition counts made with plain Python loops.

    Sums the probability of reaching conversion in 1, 2, 3, ... steps until it stops
    changing, instead of solving a linear system. ``removed`` sends its steps to null.
    """
    counts: Counter[tuple[str, str]] = Counter()
    for channels, converted in journeys:
        path = ["start", *channels, "conversion" if converted else "null"]
        for here, there in itertools.pairwise(path):
            counts[here, there] += 1
    states = sorted({here for here, _ in counts})
    out_of = Counter()
    for (here, _), n in counts.items():
        out_of[here] += n
    distribution = {"start": 1.0}
    converted_probability = 0.0
    for _ in range(5000):
        step: dict[str, float] = {}
        for here, mass in distribution.items():
            for there in [*states, "conversion"]:
                n = counts.get((here, there), 0)
                if n == 0 or there == removed:
                    continue
                if there == "conversion":
                    converted_probability += mass * n / out_of[here]
                else:
                    step[there] = step.get(there, 0.0) + mass * n / out_of[here]
        distribution = step
        if sum(distribution.values()) < 1e-15:
            break
    return converted_probability


def test_markov_attribution_with_loops_against_power_series():
    rng = np.random.default_rng(42)
    channels = ["email", "kol", "microblog_official", "paid_search"]
    journeys = []
    for _ in range(300):
        length = int(rng.integers(1, 7))
        path = list(rng.choice(channels, size=length))  # repeats and loops allowed
        converted = bool(rng.random() < 0.15 + 0.1 * ("kol" in path) + 0.05 * length / 6)
        journeys.append((path, converted))
    touchpoints = make_touchpoints(
        [([(c, day) for day, c in enumerate(path)], conv, 1.0) for path, conv in journeys]
    )
    table = markov_attribution(touchpoints).set_index("channel")

    base = absorption_by_power_series(journeys)
    effects = {c: 1 - absorption_by_power_series(journeys, removed=c) / base for c in channels}
    total_effect = sum(effects.values())
    conversions = sum(conv for _, conv in journeys)
    for channel in channels:
        assert table.loc[channel, "removal_effect"] == pytest.approx(effects[channel], rel=1e-9)
        assert table.loc[channel, "conversions"] == pytest.approx(
            effects[channel] / total_effect * conversions, rel=1e-9
        )


def test_markov_keeps_each_journey_together_without_times():
    # Rows of different journeys interleaved; without a time column the table order within
    # each journey is used, and the chain must not step from one journey into another.
    touchpoints = make_touchpoints(MARKOV_JOURNEYS).drop(columns="touch_time")
    interleaved = touchpoints.iloc[[0, 2, 3, 1, 4, 5]]
    assert interleaved["journey_id"].tolist() == [1, 2, 3, 1, 4, 4]
    matrix = markov_transition_matrix(interleaved, time_column=None)
    assert matrix.loc["A", "B"] == pytest.approx(2 / 3)
    assert matrix.loc["start", "A"] == pytest.approx(3 / 4)


def test_markov_without_conversions_gives_zero_credit():
    table = markov_attribution(make_touchpoints([([("A", 0), ("B", 1)], False, 0.0)]))
    assert table["conversions"].tolist() == [0.0, 0.0]
    assert table["removal_effect"].tolist() == [0.0, 0.0]


def test_markov_refuses_channel_named_like_a_state():
    with pytest.raises(ValueError, match="may not be called 'null'"):
        markov_attribution(make_touchpoints([([("null", 0)], True, 1.0)]))


# ---------------------------------------------------------------------------------------------
# compare_attribution and journey_table
# ---------------------------------------------------------------------------------------------


def test_compare_attribution_is_tidy_and_consistent(hand_touchpoints):
    table = compare_attribution(hand_touchpoints)
    assert list(table.columns) == ["model", "channel", "conversions", "share"]
    assert len(table) == len(ALL_MODELS) * len(CHANNELS)
    assert table["model"].unique().tolist() == list(ALL_MODELS)
    for model, expected in EXPECTED_RULES.items():
        assert credit(table[table["model"] == model]) == pytest.approx(expected)
    shapley = shapley_attribution(hand_touchpoints)
    assert credit(table[table["model"] == "shapley"]) == pytest.approx(credit(shapley))
    two = compare_attribution(hand_touchpoints, models=["last_touch", "markov"])
    assert two["model"].unique().tolist() == ["last_touch", "markov"]


def test_journey_table(hand_touchpoints):
    table = journey_table(hand_touchpoints, value_column="revenue")
    assert table["journey_id"].tolist() == [1, 2, 3, 4, 5]
    assert table["touches"].tolist() == [3, 1, 2, 3, 2]
    assert table["converted"].tolist() == [True, True, False, True, True]
    assert table["revenue"].tolist() == [100.0, 50.0, 0.0, 30.0, 20.0]
    assert table["email"].tolist() == [True, False, False, True, False]
    assert table["kol"].tolist() == [False, False, True, False, True]
    assert not table["offline_event"].any()


# ---------------------------------------------------------------------------------------------
# synergy
# ---------------------------------------------------------------------------------------------


def synergy_table() -> pd.DataFrame:
    # Cell means: neither 2, official only 5, staff only 4, both 11; every cell sd sqrt(2).
    return pd.DataFrame(
        {
            "official_post": [False, False, True, True, False, False, True, True],
            "staff_post": [False, False, False, False, True, True, True, True],
            "engagements": [1, 3, 4, 6, 3, 5, 10, 12],
        }
    )


def test_synergy_hand_worked_normal():
    table = synergy(synergy_table(), "engagements")
    assert table["term"].tolist() == list(SYNERGY_TERMS)
    assert table["rows"].tolist() == [2, 2, 2, 2, 8]
    # Synergy = 11 - 5 - 4 + 2 = 4: both together give 4 more than the two lifts added up.
    assert table["estimate"].tolist() == pytest.approx([2, 5, 4, 11, 4])
    # Each cell: sd sqrt(2), n 2 -> standard error 1; the contrast: sqrt(1+1+1+1) = 2.
    assert table["standard_error"].tolist() == pytest.approx([1, 1, 1, 1, 2])
    z = stats.norm.ppf(0.975)
    synergy_row = table.iloc[-1]
    assert synergy_row["ci_low"] == pytest.approx(4 - 2 * z)
    assert synergy_row["ci_high"] == pytest.approx(4 + 2 * z)


def simulated_engagement(seed: int, per_cell: int = 1500) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    official = np.repeat([False, True, False, True], per_cell)
    staff = np.repeat([False, False, True, True], per_cell)
    outcome = 1 + 2 * official + 1 * staff + 3 * (official & staff) + rng.normal(0, 2, 4 * per_cell)
    return pd.DataFrame({"official_post": official, "staff_post": staff, "outcome": outcome})


def test_synergy_recovers_a_known_interaction():
    data = simulated_engagement(5)
    normal = synergy(data, "outcome").set_index("term")
    boot = synergy(data, "outcome", method="bootstrap", bootstrap_samples=1000).set_index("term")
    # True contrast 3; each cell has sd 2 and 1500 rows, so the contrast's standard error is
    # sqrt(4 * 4 / 1500) = 0.103.
    assert normal.loc["synergy", "standard_error"] == pytest.approx(math.sqrt(16 / 1500), rel=0.1)
    assert abs(normal.loc["synergy", "estimate"] - 3) < 4 * math.sqrt(16 / 1500)
    assert normal.loc["synergy", "ci_low"] < 3 < normal.loc["synergy", "ci_high"]
    assert boot.loc["synergy", "estimate"] == normal.loc["synergy", "estimate"]
    assert boot.loc["synergy", "standard_error"] == pytest.approx(
        normal.loc["synergy", "standard_error"], rel=0.15
    )


def test_synergy_bootstrap_is_seeded():
    data = simulated_engagement(6, per_cell=50)
    first = synergy(data, "outcome", method="bootstrap", seed=1)
    again = synergy(data, "outcome", method="bootstrap", seed=1)
    other = synergy(data, "outcome", method="bootstrap", seed=2)
    pd.testing.assert_frame_equal(first, again)
    assert not first["ci_low"].equals(other["ci_low"])


def test_synergy_on_journeys(hand_touchpoints):
    # A conversion outcome per journey. The five journeys: J2, J3 touch neither microblog
    # voice, J1 and J5 only the official one, J4 only staff, none both: cells too small.
    journeys = journey_table(hand_touchpoints)
    with pytest.raises(ValueError, match="at least 2 rows in each cell; the cell 'staff_only'"):
        synergy(
            journeys,
            "converted",
            official_column="microblog_official",
            staff_column="microblog_staff",
        )
    doubled = pd.concat([journeys, journeys, journeys], ignore_index=True)
    doubled.loc[[4, 9], "microblog_staff"] = True  # J5's copies now touch both voices
    table = synergy(
        doubled, "converted", official_column="microblog_official", staff_column="microblog_staff"
    ).set_index("term")
    # neither: J2, J3 x3 -> 3 of 6 convert; official only: J1 x3, J5 -> 4 of 4;
    # staff only: J4 x3 -> 3 of 3; both: J5 x2 -> 2 of 2. Synergy 1 - 1 - 1 + 0.5 = -0.5.
    assert table["rows"].tolist() == [6, 4, 3, 2, 15]
    assert table["estimate"].tolist() == pytest.approx([0.5, 1, 1, 1, -0.5])


def test_synergy_bad_input():
    data = synergy_table()
    with pytest.raises(ValueError, match="table is missing column 'likes'"):
        synergy(data, "likes")
    with pytest.raises(ValueError, match="method must be one of 'normal', 'bootstrap'"):
        synergy(data, "engagements", method="magic")
    with pytest.raises(ValueError, match="confidence must be between 0 and 1"):
        synergy(data, "engagements", confidence=1.0)
    with pytest.raises(ValueError, match="confidence must be between 0 and 1"):
        synergy(data, "engagements", confidence=95)
    flags = data.assign(official_post=["yes"] * 8)
    with pytest.raises(ValueError, match="'official_post' must hold True/False"):
        synergy(flags, "engagements")


# ---------------------------------------------------------------------------------------------
# index_funnel
# ---------------------------------------------------------------------------------------------


def test_index_funnel_hand_worked():
    table = index_funnel(10_000, click_rate=0.02, content_completion=0.5, conversion=0.1)
    assert table["stage"].tolist() == list(INDEX_FUNNEL_STAGES)
    # 10,000 impressions -> 200 clicks -> 100 finish the content -> 10 buy.
    assert table["people"].tolist() == pytest.approx([10_000, 200, 100, 10])
    assert table["step_rate"].tolist() == pytest.approx([1, 0.02, 0.5, 0.1])
    assert table["cumulative_rate"].tolist() == pytest.approx([1, 0.02, 0.01, 0.001])


@SETTINGS
@given(
    impressions=st.floats(0, 1e9),
    rates=st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1)),
)
def test_index_funnel_never_negative(impressions, rates):
    table = index_funnel(impressions, *rates)
    assert not table.isna().any().any()
    assert (table["people"] >= 0).all()
    assert (np.diff(table["people"]) <= 1e-9 * max(impressions, 1)).all()
    assert table["people"].iloc[-1] == pytest.approx(impressions * math.prod(rates))


@SETTINGS
@given(
    name=st.sampled_from(["click_rate", "content_completion", "conversion"]),
    value=st.one_of(st.floats(-10, -1e-9), st.floats(1.000001, 1e6)),
)
def test_index_funnel_rejects_bad_rates(name, value):
    arguments = {"click_rate": 0.1, "content_completion": 0.5, "conversion": 0.1}
    arguments[name] = value
    with pytest.raises(ValueError, match=f"{name} must be between 0 and 1"):
        index_funnel(1000, **arguments)


def test_index_funnel_rejects_negative_impressions():
    with pytest.raises(ValueError, match="impressions must be 0 or more"):
        index_funnel(-1, 0.1, 0.1, 0.1)


# ---------------------------------------------------------------------------------------------
# Bad touchpoints tables
# ---------------------------------------------------------------------------------------------


def test_empty_and_incomplete_tables(hand_touchpoints):
    empty = hand_touchpoints.iloc[0:0]
    for call in (
        lambda t: attribute(t, "linear"),
        shapley_attribution,
        markov_attribution,
        journey_table,
    ):
        with pytest.raises(ValueError, match="touchpoints table is empty"):
            call(empty)
    with pytest.raises(ValueError, match="touchpoints table is missing column 'converted'"):
        attribute(hand_touchpoints.drop(columns="converted"), "linear")
    with pytest.raises(ValueError, match="missing column 'touch_time'"):
        markov_attribution(hand_touchpoints.drop(columns="touch_time"))
    with pytest.raises(ValueError, match="missing column 'order_value'"):
        attribute(hand_touchpoints, "linear", value_column="order_value")


def test_bad_arguments(hand_touchpoints):
    with pytest.raises(ValueError, match="model must be one of 'first_touch', 'last_touch'"):
        attribute(hand_touchpoints, "u_shaped")
    with pytest.raises(ValueError, match="half_life_days must be more than 0"):
        attribute(hand_touchpoints, "time_decay", half_life_days=-1)
    with pytest.raises(ValueError, match="needs the touch times"):
        attribute(hand_touchpoints, "time_decay", time_column=None)
    with pytest.raises(ValueError, match="models\\[1\\] must be one of"):
        compare_attribution(hand_touchpoints, models=["linear", "bogus"])
    with pytest.raises(ValueError, match="models must name at least one model"):
        compare_attribution(hand_touchpoints, models=[])


@SETTINGS
@given(half_life=st.one_of(st.floats(max_value=0.0), st.just(float("inf"))))
def test_half_life_must_be_positive_and_finite(half_life):
    touchpoints = make_touchpoints(HAND_JOURNEYS)
    with pytest.raises(ValueError, match="half_life_days must be"):
        attribute(touchpoints, "time_decay", half_life_days=half_life)
    with pytest.raises(ValueError, match="half_life_days must be"):
        compare_attribution(touchpoints, half_life_days=half_life)


def test_bad_columns(hand_touchpoints):
    words = hand_touchpoints.assign(converted=hand_touchpoints["converted"].map({True: "yes"}))
    words["converted"] = words["converted"].fillna("no")
    with pytest.raises(ValueError, match="'converted' must hold True/False"):
        attribute(words, "linear")
    text_times = hand_touchpoints.assign(touch_time="2026-03-02")
    with pytest.raises(ValueError, match="'touch_time' must hold dates and times"):
        attribute(text_times, "linear")
    no_revenue = hand_touchpoints.copy()
    no_revenue.loc[no_revenue["journey_id"] == 2, "revenue"] = np.nan
    with pytest.raises(ValueError, match="journey 2 has nan"):
        attribute(no_revenue, "linear", value_column="revenue")
    negative = hand_touchpoints.copy()
    negative.loc[negative["journey_id"] == 4, "revenue"] = -30.0
    with pytest.raises(ValueError, match="0 or more, for every converted journey; journey 4"):
        shapley_attribution(negative, value_column="revenue")
    gaps = hand_touchpoints.copy()
    gaps.loc[0, "channel"] = np.nan
    with pytest.raises(ValueError, match="'channel' has 1 empty value"):
        attribute(gaps, "linear")


def test_integer_conversion_flags_are_accepted(hand_touchpoints):
    as_numbers = hand_touchpoints.assign(converted=hand_touchpoints["converted"].astype(int))
    pd.testing.assert_frame_equal(
        attribute(as_numbers, "position_based"), attribute(hand_touchpoints, "position_based")
    )


@pytest.mark.parametrize("model", RULE_BASED_MODELS)
def test_only_converted_journeys_get_credit(hand_touchpoints, model):
    # J3 (kol, display) did not convert: dropping it changes nothing.
    without_j3 = hand_touchpoints[hand_touchpoints["journey_id"] != 3]
    pd.testing.assert_frame_equal(attribute(without_j3, model), attribute(hand_touchpoints, model))
