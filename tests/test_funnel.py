"""Tests for socialmarketing.funnel: hand-worked funnels, the geometric series, the share loop."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmarketing import funnel
from socialmarketing.funnel import (
    AIDMA_STAGES,
    AISAS_STAGES,
    aidma,
    aisas,
    aisas_with_sharing,
    compare_funnels,
    funnel_table,
    viral_coefficient,
    viral_generations,
)

rates = st.floats(min_value=0.0, max_value=1.0)
audiences = st.floats(min_value=0.0, max_value=1e9)
SETTINGS = settings(max_examples=75, deadline=None)


# ---------------------------------------------------------------------------------------------
# funnel_table, aidma, aisas
# ---------------------------------------------------------------------------------------------


def test_funnel_table_hand_worked():
    # 1,000 people; half become interested (500); a fifth of those buy (100).
    table = funnel_table(1000, [0.5, 0.2], ["Attention", "Interest", "Action"])
    assert list(table.columns) == ["stage", "people", "step_rate", "cumulative_rate", "drop_off"]
    assert table["people"].tolist() == pytest.approx([1000.0, 500.0, 100.0])
    assert table["step_rate"].tolist() == pytest.approx([1.0, 0.5, 0.2])
    assert table["cumulative_rate"].tolist() == pytest.approx([1.0, 0.5, 0.1])
    assert table["drop_off"].tolist() == pytest.approx([0.0, 500.0, 400.0])


def test_stage_is_an_ordered_categorical_in_funnel_order():
    table = funnel_table(10, [1, 1, 1, 1], AISAS_STAGES)
    assert isinstance(table["stage"].dtype, pd.CategoricalDtype)
    assert table["stage"].cat.ordered
    assert list(table["stage"].cat.categories) == list(AISAS_STAGES)
    # Alphabetical order would put "Action" first; funnel order keeps "Attention" first.
    assert table.sort_values("stage")["stage"].iloc[0] == "Attention"


def test_single_stage_funnel_holds_the_audience():
    table = funnel_table(42, [], ["Attention"])
    assert table["people"].tolist() == [42.0]
    assert table["drop_off"].tolist() == [0.0]


def test_stage_names_are_the_textbook_ones():
    assert AIDMA_STAGES == ("Attention", "Interest", "Desire", "Memory", "Action")
    assert AISAS_STAGES == ("Attention", "Interest", "Search", "Action", "Share")


def test_aidma_defaults_hand_worked():
    # 10,000 x 0.2 = 2,000 interested; x 0.4 = 800 desire; x 0.5 = 400 remember; x 0.3 = 120 buy.
    table = aidma(10_000)
    assert table["stage"].astype(str).tolist() == list(AIDMA_STAGES)
    assert table["people"].tolist() == pytest.approx([10_000, 2_000, 800, 400, 120])


def test_aisas_defaults_hand_worked():
    # 10,000 x 0.2 = 2,000; x 0.5 = 1,000 search; x 0.12 = 120 buy; x 0.25 = 30 share.
    table = aisas(10_000)
    assert table["stage"].astype(str).tolist() == list(AISAS_STAGES)
    assert table["people"].tolist() == pytest.approx([10_000, 2_000, 1_000, 120, 30])


def test_wrappers_pass_their_rates_in_stage_order():
    table = aisas(1000, interest=0.5, search=0.4, action=0.25, share=0.1)
    assert table["step_rate"].tolist() == pytest.approx([1.0, 0.5, 0.4, 0.25, 0.1])
    table = aidma(1000, interest=0.9, desire=0.8, memory=0.7, action=0.6)
    assert table["step_rate"].tolist() == pytest.approx([1.0, 0.9, 0.8, 0.7, 0.6])


@SETTINGS
@given(audience=audiences, step_rates=st.lists(rates, min_size=0, max_size=8))
def test_funnel_is_the_product_of_its_rates(audience, step_rates):
    stages = [f"stage {i}" for i in range(len(step_rates) + 1)]
    table = funnel_table(audience, step_rates, stages)
    people = table["people"].to_numpy()
    assert not table.isna().to_numpy().any()
    assert (people >= 0).all() and (table["drop_off"] >= 0).all()
    assert people[-1] == pytest.approx(audience * math.prod(step_rates), rel=1e-9, abs=1e-9)
    assert (np.diff(people) <= 1e-9 * max(audience, 1)).all()  # a funnel never widens
    # everyone who does not reach the last stage dropped off at some step
    assert table["drop_off"].sum() == pytest.approx(audience - people[-1], rel=1e-9, abs=1e-6)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: funnel_table(100, [0.5, 0.5], AIDMA_STAGES),
            r"rates must have one share for each step between stages: 5 stages need 4 rates, "
            r"got 2",
        ),
        (
            lambda: funnel_table(100, [0.5, 1.5], ["A", "B", "C"]),
            r"rates\[1\] must be between 0 and 1 \(write 5% as 0.05\), got 1.5",
        ),
        (lambda: funnel_table(100, [-0.1], ["A", "B"]), r"rates\[0\] must be between 0 and 1"),
        (lambda: funnel_table(-5, [0.5], ["A", "B"]), "audience must be 0 or more, got -5"),
        (lambda: funnel_table(100, "0.5", ["A", "B"]), "rates must be a list of shares"),
        (lambda: funnel_table(100, [], "Attention"), "not the single string 'Attention'"),
        (lambda: funnel_table(100, [], []), "stages must name at least one stage"),
        (lambda: funnel_table(100, [0.5], ["A", "A"]), "different names; repeated: A"),
        (lambda: funnel_table(100, [0.5], ["A", ""]), r"stages\[1\] must be a non-empty"),
        (lambda: aidma(100, interest=20), r"rates\[0\] must be between 0 and 1 \(write 5%"),
        (lambda: aisas(math.nan), "audience must be a finite number"),
    ],
)
def test_funnel_errors_explain_the_problem(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------------------------------------
# viral_coefficient and viral_generations
# ---------------------------------------------------------------------------------------------


def test_viral_coefficient_hand_worked():
    # A quarter share, 40 friends see each share, 5 % of them buy: 0.25 x 40 x 0.05 = 0.5.
    assert viral_coefficient(0.25, 40, 0.05) == pytest.approx(0.5)
    assert viral_coefficient(0, 1000, 1) == 0.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1.2, 40, 0.05), "share_rate must be between 0 and 1"),
        ((0.2, -1, 0.05), "contacts_per_share must be 0 or more, got -1"),
        ((0.2, 40, 5), r"contact_conversion must be between 0 and 1 \(write 5% as 0.05\)"),
    ],
)
def test_viral_coefficient_errors(args, message):
    with pytest.raises(ValueError, match=message):
        viral_coefficient(*args)


def test_viral_generations_hand_worked_without_market():
    # 100 customers, K = 0.5: new 100, 50, 25, 12.5; cumulative 100, 150, 175, 187.5.
    table = viral_generations(100, 0.5, 3)
    assert list(table.columns) == ["generation", "new_customers", "cumulative_customers"]
    assert table["generation"].tolist() == [0, 1, 2, 3]
    assert table["new_customers"].tolist() == pytest.approx([100, 50, 25, 12.5])
    assert table["cumulative_customers"].tolist() == pytest.approx([100, 150, 175, 187.5])


def test_viral_generations_hand_worked_with_market():
    # initial 10, K = 2, market 100:
    # gen 1: 2 x 10 x (1 - 10/100) = 18, cumulative 28
    # gen 2: 2 x 18 x (1 - 28/100) = 25.92, cumulative 53.92
    # gen 3: 2 x 25.92 x (1 - 53.92/100) = 23.887872, cumulative 77.807872
    table = viral_generations(10, 2, 3, market_size=100)
    assert table["new_customers"].tolist() == pytest.approx([10, 18, 25.92, 23.887872])
    assert table["cumulative_customers"].tolist() == pytest.approx([10, 28, 53.92, 77.807872])


def test_viral_generations_never_overshoots_the_market():
    # initial 60, K = 5, market 100: 5 x 60 x 0.4 = 120 would overshoot; only 40 are left.
    table = viral_generations(60, 5, 3, market_size=100)
    assert table["new_customers"].tolist() == pytest.approx([60, 40, 0, 0])
    assert table["cumulative_customers"].tolist() == pytest.approx([60, 100, 100, 100])


@SETTINGS
@given(
    initial=st.floats(min_value=0, max_value=1e6),
    k=st.one_of(st.floats(min_value=0, max_value=0.99), st.floats(min_value=1.01, max_value=3)),
    n=st.integers(min_value=0, max_value=30),
)
def test_viral_generations_match_the_geometric_series(initial, k, n):
    table = viral_generations(initial, k, n)
    expected_total = initial * (1 - k ** (n + 1)) / (1 - k)
    assert table["cumulative_customers"].iloc[-1] == pytest.approx(expected_total, rel=1e-9)
    expected_new = initial * k ** np.arange(n + 1)
    assert table["new_customers"].to_numpy() == pytest.approx(expected_new, rel=1e-9)


def test_viral_generations_k_equal_to_one_adds_the_same_each_time():
    # K = 1: every generation is as big as the first, so n generations give initial x (n + 1).
    table = viral_generations(7, 1.0, 9)
    assert table["cumulative_customers"].iloc[-1] == pytest.approx(70)


def test_viral_generations_converge_to_initial_over_one_minus_k():
    # K = 0.6 < 1: the total tends to 100 / (1 - 0.6) = 250.
    table = viral_generations(100, 0.6, 200)
    assert table["cumulative_customers"].iloc[-1] == pytest.approx(250, rel=1e-12)


@SETTINGS
@given(
    initial=st.floats(min_value=0, max_value=1e4),
    extra=st.floats(min_value=0, max_value=1e6),
    k=st.floats(min_value=0, max_value=20),
    n=st.integers(min_value=0, max_value=40),
)
def test_viral_generations_with_market_stay_inside_it(initial, extra, k, n):
    market = max(initial + extra, 1.0)
    table = viral_generations(initial, k, n, market_size=market)
    assert not table.isna().to_numpy().any()
    assert (table["new_customers"] >= 0).all()
    assert (table["cumulative_customers"] <= market).all()
    assert (np.diff(table["cumulative_customers"]) >= 0).all()
    assert table["cumulative_customers"].to_numpy() == pytest.approx(
        np.cumsum(table["new_customers"]), rel=1e-9, abs=1e-9
    )


def test_a_market_only_slows_growth():
    free = viral_generations(100, 1.5, 10)
    capped = viral_generations(100, 1.5, 10, market_size=10_000)
    assert (capped["cumulative_customers"] <= free["cumulative_customers"] + 1e-9).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"initial_customers": -1, "k": 0.5, "generations": 3}, "initial_customers must be 0"),
        ({"initial_customers": 10, "k": -0.5, "generations": 3}, "k must be 0 or more, got -0.5"),
        ({"initial_customers": 10, "k": 0.5, "generations": 2.5}, "generations must be a whole"),
        ({"initial_customers": 10, "k": 0.5, "generations": -1}, "generations must be 0 or more"),
        (
            {"initial_customers": 10, "k": 0.5, "generations": 3, "market_size": 0},
            "market_size must be more than 0, got 0",
        ),
        (
            {"initial_customers": 500, "k": 0.5, "generations": 3, "market_size": 100},
            r"initial_customers \(500\) cannot be more than market_size \(100\)",
        ),
    ],
)
def test_viral_generations_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        viral_generations(**kwargs)


# ---------------------------------------------------------------------------------------------
# aisas_with_sharing
# ---------------------------------------------------------------------------------------------


def test_aisas_with_sharing_hand_worked():
    # 100,000 people: 0.2 x 0.5 x 0.12 = 1.2 % buy -> 1,200 buyers; a quarter share -> 300.
    # 300 sharers x 50 contacts = 15,000 new attention -> 180 buyers -> 45 sharers -> ...
    table = aisas_with_sharing(100_000, generations=2)
    assert table["generation"].tolist() == [0, 1, 2]
    assert table["attention"].tolist() == pytest.approx([100_000, 15_000, 2_250])
    assert table["interest"].tolist() == pytest.approx([20_000, 3_000, 450])
    assert table["search"].tolist() == pytest.approx([10_000, 1_500, 225])
    assert table["buyers"].tolist() == pytest.approx([1_200, 180, 27])
    assert table["sharers"].tolist() == pytest.approx([300, 45, 6.75])
    assert table["cumulative_attention"].tolist() == pytest.approx([100_000, 115_000, 117_250])
    assert table["cumulative_buyers"].tolist() == pytest.approx([1_200, 1_380, 1_407])


def test_aisas_with_sharing_converges_to_the_closed_form():
    # K = 0.25 x 50 x 0.012 = 0.15, so buyers tend to 1,200 / (1 - 0.15) = 1,411.76...
    table = aisas_with_sharing(100_000, generations=100)
    assert table["cumulative_buyers"].iloc[-1] == pytest.approx(1200 / 0.85, rel=1e-12)


@SETTINGS
@given(
    audience=st.floats(min_value=0, max_value=1e6),
    interest=rates,
    search=rates,
    action=rates,
    share=rates,
    contacts=st.floats(min_value=0, max_value=500),
    generations=st.integers(min_value=0, max_value=25),
    extra_market=st.one_of(st.none(), st.floats(min_value=0, max_value=1e7)),
)
def test_aisas_with_sharing_is_viral_generations_with_k_from_the_funnel(
    audience, interest, search, action, share, contacts, generations, extra_market
):
    market = None if extra_market is None else max(audience + extra_market, 1.0)
    table = aisas_with_sharing(
        audience, interest, search, action, share, contacts, generations, market
    )
    assert not table.isna().to_numpy().any()
    assert (table.drop(columns="generation") >= 0).to_numpy().all()
    # Each contact converts like the original audience, so K uses the funnel's conversion.
    conversion = interest * search * action
    k = viral_coefficient(share, contacts, conversion)
    first_buyers = audience * conversion
    buyer_market = None if market is None else market * conversion
    if buyer_market == 0:  # nobody can ever buy: the market of buyers is empty
        assert (table["buyers"] == 0).all()
        return
    expected = viral_generations(first_buyers, k, generations, market_size=buyer_market)
    assert table["buyers"].to_numpy() == pytest.approx(
        expected["new_customers"].to_numpy(), rel=1e-9, abs=1e-9
    )
    if market is not None:
        assert (table["cumulative_attention"] <= market * (1 + 1e-12)).all()


def test_aisas_with_sharing_errors():
    with pytest.raises(ValueError, match=r"^share must be between 0 and 1 \(write 5%"):
        aisas_with_sharing(1000, share=2)
    with pytest.raises(ValueError, match="contacts_per_share must be 0 or more"):
        aisas_with_sharing(1000, contacts_per_share=-3)
    with pytest.raises(ValueError, match=r"audience \(1000\) cannot be more than market_size"):
        aisas_with_sharing(1000, market_size=10)
    with pytest.raises(ValueError, match="market_size must be more than 0, got -1"):
        aisas_with_sharing(1000, market_size=-1)


# ---------------------------------------------------------------------------------------------
# compare_funnels
# ---------------------------------------------------------------------------------------------


def test_compare_funnels_hand_worked():
    # 10,000 yuan at 20 yuan CPM buys 10,000 / 20 x 1,000 = 500,000 impressions.
    # Both funnels: 500,000 x 0.012 = 6,000 buyers in the first pass, 10,000 / 6,000 = 1.667
    # yuan per buyer. AISAS sharing: K = 0.25 x 50 x 0.012 = 0.15 over 10 generations gives
    # 6,000 x (1 - 0.15^11) / 0.85 buyers in total.
    table = compare_funnels(10_000, 20)
    assert list(table.columns) == ["model", "position", "stage", "people", "yuan_per_person"]
    assert table["model"].tolist() == ["AIDMA"] * 6 + ["AISAS"] * 6
    assert table["position"].tolist() == [1, 2, 3, 4, 5, 6] * 2
    assert table["stage"].tolist() == [*AIDMA_STAGES, "Total buyers", *AISAS_STAGES, "Total buyers"]
    people = table.set_index(["model", "stage"])["people"]
    assert people["AIDMA", "Attention"] == pytest.approx(500_000)
    assert people["AIDMA", "Action"] == pytest.approx(6_000)
    assert people["AIDMA", "Total buyers"] == pytest.approx(6_000)
    assert people["AISAS", "Action"] == pytest.approx(6_000)
    assert people["AISAS", "Share"] == pytest.approx(1_500)
    assert people["AISAS", "Total buyers"] == pytest.approx(6_000 * (1 - 0.15**11) / 0.85)
    cost = table.set_index(["model", "stage"])["yuan_per_person"]
    assert cost["AIDMA", "Attention"] == pytest.approx(20 / 1000)  # CPM / 1,000
    assert cost["AIDMA", "Action"] == pytest.approx(10_000 / 6_000)


def test_compare_funnels_with_custom_rates_and_a_dead_stage():
    table = compare_funnels(1000, 10, aidma_rates=[0.5, 0.5, 0.5, 0], aisas_rates=[1, 1, 1, 0])
    people = table.set_index(["model", "stage"])["people"]
    assert people["AIDMA", "Action"] == 0
    assert people["AISAS", "Total buyers"] == pytest.approx(100_000)  # no sharing, all buy
    cost = table.set_index(["model", "stage"])["yuan_per_person"]
    assert cost["AIDMA", "Action"] == math.inf  # money spent, nobody bought
    assert not table["yuan_per_person"].isna().any()


@SETTINGS
@given(
    budget=st.floats(min_value=1, max_value=1e6),
    more=st.floats(min_value=0, max_value=1e6),
    cpm=st.floats(min_value=0.5, max_value=500),
)
def test_more_budget_never_buys_fewer_people(budget, more, cpm):
    small = compare_funnels(budget, cpm)["people"].to_numpy()
    large = compare_funnels(budget + more, cpm)["people"].to_numpy()
    assert (large >= small * (1 - 1e-12)).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"budget": 0, "cpm": 20}, "budget must be more than 0, got 0"),
        ({"budget": 100, "cpm": 0}, "cpm must be more than 0, got 0"),
        (
            {"budget": 100, "cpm": 20, "aidma_rates": [0.5, 0.5]},
            "aidma_rates must have one share for each step between stages: 5 stages need 4",
        ),
        (
            {"budget": 100, "cpm": 20, "market_size": 1000},
            r"the budget buys 5000 impressions, more than market_size \(1000\)",
        ),
        (
            {"budget": 100, "cpm": 20, "aisas_rates": [0.5, 0.5, 0.5, 5]},
            r"aisas_rates\[3\] must be between 0 and 1",
        ),
    ],
)
def test_compare_funnels_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        compare_funnels(**kwargs)


def test_public_api_is_listed():
    required = {"AIDMA_STAGES", "AISAS_STAGES", "funnel_table", "aidma", "aisas"}
    required |= {"viral_coefficient", "viral_generations", "aisas_with_sharing", "compare_funnels"}
    assert required <= set(funnel.__all__)
    assert all(hasattr(funnel, name) for name in funnel.__all__)
