"""Consumer funnels: AIDMA against AISAS, and how the Share step makes growth viral.

A funnel follows a crowd of people through the steps that end in a purchase. At every step
only a share of the people from the step before carries on; the rest drop off.

* **AIDMA** (Attention, Interest, Desire, Memory, Action) is the classic funnel of the age of
  print, radio and television, usually credited to Roland Hall in the 1920s. People see an
  advert, become interested, want the product, remember it, and buy it later in a shop.
* **AISAS** (Attention, Interest, Search, Action, Share) was proposed by the Japanese agency
  Dentsu in 2004/2005 for the internet age. Two steps changed: interested people now *search*
  (reviews, prices, other buyers' posts) instead of just remembering, and buyers *share* what
  they bought with their friends.

Share is what makes AISAS more than a funnel: every sharer shows the product to friends, and
those friends enter the funnel again at Attention. The funnel becomes a loop. The strength of
the loop is the **viral coefficient** K, the number of new customers each customer brings in:

    K = share_rate x contacts_per_share x contact_conversion

If K < 1 each round of sharing is smaller than the one before and the total settles at
``initial / (1 - K)``; if K >= 1 growth only stops when the market runs out of new people.

All functions are pure: numbers in, numbers or tidy pandas DataFrames out. People are counted
as floats because they are expected numbers (a 2 % rate applied to 150 people gives 3.0 people
on average, and 3.3 is a sensible expected number too). Rates are shares between 0 and 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from socialmarketing.validation import (
    check_count,
    check_nonnegative,
    check_positive,
    check_rate,
    check_rates,
)

__all__ = [
    "AIDMA_DEFAULT_RATES",
    "AIDMA_STAGES",
    "AISAS_DEFAULT_RATES",
    "AISAS_STAGES",
    "aidma",
    "aisas",
    "aisas_with_sharing",
    "compare_funnels",
    "funnel_table",
    "viral_coefficient",
    "viral_generations",
]

#: The five stages of the classic AIDMA funnel (Roland Hall, 1920s).
AIDMA_STAGES = ("Attention", "Interest", "Desire", "Memory", "Action")

#: The five stages of Dentsu's AISAS funnel for the internet age (2004/2005).
AISAS_STAGES = ("Attention", "Interest", "Search", "Action", "Share")

#: Teaching defaults for AIDMA: the share of the previous stage that reaches each stage.
#: They are plausible round numbers, not measurements. From Attention to Action they multiply
#: to 0.2 x 0.4 x 0.5 x 0.3 = 0.012, i.e. 1.2 % of the people who notice an advert buy.
AIDMA_DEFAULT_RATES = {"interest": 0.20, "desire": 0.40, "memory": 0.50, "action": 0.30}

#: Teaching defaults for AISAS. Attention to Action is 0.2 x 0.5 x 0.12 = 0.012, the same 1.2 %
#: as AIDMA on purpose: before sharing both funnels turn the same attention into the same
#: buyers, so any difference you see in :func:`compare_funnels` comes from the Share loop.
#: A quarter of buyers share (post, review, forward) what they bought.
AISAS_DEFAULT_RATES = {"interest": 0.20, "search": 0.50, "action": 0.12, "share": 0.25}


def _check_stage_names(stages: Sequence[str]) -> list[str]:
    """Return ``stages`` as a list of unique, non-empty names, or raise ValueError."""
    if isinstance(stages, str):
        raise ValueError(
            f"stages must be a list of stage names such as ('Attention', 'Interest'), "
            f"not the single string {stages!r}"
        )
    names = list(stages)
    if not names:
        raise ValueError("stages must name at least one stage, got an empty list")
    for position, name in enumerate(names):
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"stages[{position}] must be a non-empty stage name, got {name!r}")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"stages must all have different names; repeated: {', '.join(repeated)}")
    return names


def _check_rate_list(name: str, rates: Sequence[float]) -> list[float]:
    """Return ``rates`` as a list of shares between 0 and 1, or raise ValueError."""
    if isinstance(rates, str) or not isinstance(rates, Sequence | np.ndarray | pd.Series):
        raise ValueError(f"{name} must be a list of shares between 0 and 1, got {rates!r}")
    return check_rates(name, rates)


def _check_step_rates(name: str, rates: Sequence[float], stages: Sequence[str]) -> list[float]:
    """Return ``rates`` if it holds one valid share per step between ``stages``."""
    step_rates = _check_rate_list(name, rates)
    if len(step_rates) != len(stages) - 1:
        raise ValueError(
            f"{name} must have one share for each step between stages: {len(stages)} stages "
            f"need {len(stages) - 1} rates, got {len(step_rates)}"
        )
    return step_rates


def funnel_table(audience: float, rates: Sequence[float], stages: Sequence[str]) -> pd.DataFrame:
    """Follow ``audience`` people through a funnel, one row per stage.

    Parameters
    ----------
    audience
        Number of people in the first stage (a count, 0 or more; may be fractional because
        it is an expected number).
    rates
        ``rates[i]`` is the share (0 to 1) of the people in stage ``i`` who go on to stage
        ``i + 1``. There is one rate per step, so ``len(rates) == len(stages) - 1``.
    stages
        Stage names in order, e.g. :data:`AIDMA_STAGES`.

    Returns
    -------
    pandas.DataFrame
        One row per stage with columns

        * ``stage`` - the stage name, an ordered categorical in funnel order (so charts keep
          the order instead of sorting alphabetically);
        * ``people`` - expected number of people who reach this stage (float);
        * ``step_rate`` - share of the previous stage who reached this one (1.0 for the first);
        * ``cumulative_rate`` - share of the whole audience who reached this stage, the
          product of all step rates so far;
        * ``drop_off`` - people lost at this step: previous stage's people minus this stage's
          people (0 for the first stage).

    Example
    -------
    1,000 people, half become interested and a fifth of those buy:
    ``funnel_table(1000, [0.5, 0.2], ["Attention", "Interest", "Action"])`` has
    ``people`` 1000, 500, 100 and ``drop_off`` 0, 500, 400.
    """
    audience = check_nonnegative("audience", audience)
    names = _check_stage_names(stages)
    step_rates = _check_step_rates("rates", rates, names)

    step_rate = np.array([1.0, *step_rates])
    cumulative_rate = np.cumprod(step_rate)
    people = audience * cumulative_rate
    previous_people = np.concatenate([[audience], people[:-1]])
    drop_off = previous_people - people
    return pd.DataFrame(
        {
            "stage": pd.Categorical(names, categories=names, ordered=True),
            "people": people,
            "step_rate": step_rate,
            "cumulative_rate": cumulative_rate,
            "drop_off": drop_off,
        }
    )


def aidma(
    audience: float,
    interest: float = AIDMA_DEFAULT_RATES["interest"],
    desire: float = AIDMA_DEFAULT_RATES["desire"],
    memory: float = AIDMA_DEFAULT_RATES["memory"],
    action: float = AIDMA_DEFAULT_RATES["action"],
) -> pd.DataFrame:
    """The classic AIDMA funnel for ``audience`` people who notice an advert.

    Each rate is the share (0 to 1) of the previous stage who reach the named stage:
    ``interest`` of those who paid attention, ``desire`` of the interested, ``memory`` of those
    who want it (they still remember it when they can buy), ``action`` of those who remember.
    The defaults are the teaching numbers in :data:`AIDMA_DEFAULT_RATES` (1.2 % of attention
    ends in a purchase). Returns the :func:`funnel_table` for :data:`AIDMA_STAGES`.
    """
    return funnel_table(audience, [interest, desire, memory, action], AIDMA_STAGES)


def aisas(
    audience: float,
    interest: float = AISAS_DEFAULT_RATES["interest"],
    search: float = AISAS_DEFAULT_RATES["search"],
    action: float = AISAS_DEFAULT_RATES["action"],
    share: float = AISAS_DEFAULT_RATES["share"],
) -> pd.DataFrame:
    """Dentsu's AISAS funnel for ``audience`` people who notice a post or advert.

    Each rate is the share (0 to 1) of the previous stage who reach the named stage:
    ``interest`` of those who paid attention, ``search`` of the interested (they look the
    product up), ``action`` of the searchers (they buy), ``share`` of the buyers (they post,
    review or forward it). The defaults are the teaching numbers in
    :data:`AISAS_DEFAULT_RATES`. Returns the :func:`funnel_table` for :data:`AISAS_STAGES`.

    This table is one pass through the funnel. The people in the Share stage start new passes:
    see :func:`aisas_with_sharing`.
    """
    return funnel_table(audience, [interest, search, action, share], AISAS_STAGES)


def viral_coefficient(
    share_rate: float, contacts_per_share: float, contact_conversion: float
) -> float:
    """The viral coefficient K: how many new customers each customer brings in.

    ``K = share_rate x contacts_per_share x contact_conversion`` where

    * ``share_rate`` is the share of customers who share (0 to 1);
    * ``contacts_per_share`` is how many people see each share (a count, 0 or more);
    * ``contact_conversion`` is the share of those people who become customers (0 to 1).

    K is a number of customers per customer, 0 or more. Below 1 sharing adds a limited bonus
    (in total ``1 / (1 - K)`` times the first customers); at 1 or more every customer replaces
    themselves and growth only stops when the market runs out.

    Example: a quarter of buyers share, each share is seen by 40 friends and 5 % of those buy:
    ``K = 0.25 x 40 x 0.05 = 0.5`` new customers per customer.
    """
    share_rate = check_rate("share_rate", share_rate)
    contacts_per_share = check_nonnegative("contacts_per_share", contacts_per_share)
    contact_conversion = check_rate("contact_conversion", contact_conversion)
    return share_rate * contacts_per_share * contact_conversion


def viral_generations(
    initial_customers: float,
    k: float,
    generations: int,
    market_size: float | None = None,
) -> pd.DataFrame:
    """Customers won by word of mouth, generation after generation.

    Generation 0 is the ``initial_customers`` (e.g. bought after an advert). Each later
    generation's new customers are the previous generation's new customers times the viral
    coefficient ``k`` (see :func:`viral_coefficient`).

    When ``market_size`` (the number of people who could ever become customers) is given, the
    growth is slowed by the share of the market not yet reached: new customers are
    ``k x previous new customers x (1 - cumulative customers / market_size)``, and never more
    than the people still left. So the cumulative total never exceeds ``market_size``.
    Without a market size, the total after ``n`` generations is the geometric series
    ``initial x (1 - k**(n+1)) / (1 - k)`` (for k != 1), which tends to ``initial / (1 - k)``
    when k < 1.

    Parameters
    ----------
    initial_customers
        Customers in generation 0 (a count, 0 or more).
    k
        Viral coefficient, new customers per customer (0 or more; may be above 1).
    generations
        How many generations of sharing to follow after generation 0 (a whole number, 0 or
        more). The table has ``generations + 1`` rows.
    market_size
        Optional cap: people who could ever become customers (more than 0, and at least
        ``initial_customers``). ``None`` means no limit.

    Returns
    -------
    pandas.DataFrame
        Columns ``generation`` (0, 1, 2, ...), ``new_customers`` and ``cumulative_customers``
        (counts, as floats).
    """
    initial_customers = check_nonnegative("initial_customers", initial_customers)
    k = check_nonnegative("k", k)
    generations = check_count("generations", generations)
    if market_size is not None:
        market_size = check_positive("market_size", market_size)
        if initial_customers > market_size:
            raise ValueError(
                f"initial_customers ({initial_customers:g}) cannot be more than "
                f"market_size ({market_size:g})"
            )

    new_customers = np.zeros(generations + 1)
    cumulative_customers = np.zeros(generations + 1)
    new_customers[0] = cumulative_customers[0] = initial_customers
    for generation in range(1, generations + 1):
        previous_new = new_customers[generation - 1]
        previous_total = cumulative_customers[generation - 1]
        if market_size is None:
            new = k * previous_new
            total = previous_total + new
        else:
            people_left = market_size - previous_total
            share_not_reached = people_left / market_size
            new = min(k * previous_new * share_not_reached, people_left)
            total = min(previous_total + new, market_size)
        new_customers[generation] = new
        cumulative_customers[generation] = total

    return pd.DataFrame(
        {
            "generation": np.arange(generations + 1),
            "new_customers": new_customers,
            "cumulative_customers": cumulative_customers,
        }
    )


def aisas_with_sharing(
    audience: float,
    interest: float = AISAS_DEFAULT_RATES["interest"],
    search: float = AISAS_DEFAULT_RATES["search"],
    action: float = AISAS_DEFAULT_RATES["action"],
    share: float = AISAS_DEFAULT_RATES["share"],
    contacts_per_share: float = 50.0,
    generations: int = 10,
    market_size: float | None = None,
) -> pd.DataFrame:
    """The AISAS funnel as a loop: every share brings new people to the Attention stage.

    Generation 0 is the ``audience`` reached by the campaign. It goes through the funnel
    (``interest``, ``search``, ``action`` and ``share`` are the step rates, as in
    :func:`aisas`). Each sharer is seen by ``contacts_per_share`` people, who are the
    Attention of the next generation and go through the same funnel. So each generation's
    attention is ``K`` times the previous one with

        K = viral_coefficient(share, contacts_per_share, interest x search x action),

    i.e. the contacts convert like any other audience (``contact_conversion`` is the funnel's
    Attention-to-Action rate). Buyers follow ``viral_generations(first buyers, K, ...)``.

    ``market_size`` (optional) is the number of people who could ever pay attention. New
    attention is then scaled by the share of those not yet reached (as in
    :func:`viral_generations`) and the total attention never exceeds it.

    Returns
    -------
    pandas.DataFrame
        One row per generation (0 to ``generations``) with the expected number of people at
        each stage - ``attention``, ``interest``, ``search``, ``buyers`` (the Action stage) and
        ``sharers`` - and the running totals ``cumulative_attention`` and
        ``cumulative_buyers``. All counts are floats.
    """
    interest = check_rate("interest", interest)
    search = check_rate("search", search)
    action = check_rate("action", action)
    share = check_rate("share", share)
    audience = check_nonnegative("audience", audience)
    if market_size is not None:
        market_size = check_positive("market_size", market_size)
        if audience > market_size:
            raise ValueError(
                f"audience ({audience:g}) cannot be more than market_size ({market_size:g}), "
                f"the number of people who could ever pay attention"
            )
    contact_conversion = interest * search * action
    k = viral_coefficient(share, contacts_per_share, contact_conversion)

    attention = viral_generations(audience, k, generations, market_size)
    new_attention = attention["new_customers"].to_numpy()
    interested = new_attention * interest
    searchers = interested * search
    buyers = searchers * action
    sharers = buyers * share
    return pd.DataFrame(
        {
            "generation": attention["generation"],
            "attention": new_attention,
            "interest": interested,
            "search": searchers,
            "buyers": buyers,
            "sharers": sharers,
            "cumulative_attention": attention["cumulative_customers"].to_numpy(),
            "cumulative_buyers": np.cumsum(buyers),
        }
    )


def compare_funnels(
    budget: float,
    cpm: float,
    aidma_rates: Sequence[float] | None = None,
    aisas_rates: Sequence[float] | None = None,
    contacts_per_share: float = 50.0,
    generations: int = 10,
    market_size: float | None = None,
) -> pd.DataFrame:
    """What the same advertising budget buys under AIDMA and under AISAS.

    The budget (yuan) buys ``budget / cpm x 1000`` impressions at ``cpm`` yuan per 1,000
    impressions. We treat every impression as one person's attention (a simplification: real
    campaigns show an advert several times to the same person), and send that attention through
    both funnels.

    Parameters
    ----------
    budget
        Advertising money in yuan (more than 0).
    cpm
        Price of 1,000 impressions in yuan (more than 0).
    aidma_rates, aisas_rates
        The four step rates of each funnel in stage order (Interest, Desire, Memory, Action for
        AIDMA; Interest, Search, Action, Share for AISAS). ``None`` uses
        :data:`AIDMA_DEFAULT_RATES` / :data:`AISAS_DEFAULT_RATES`.
    contacts_per_share, generations, market_size
        The AISAS share loop, as in :func:`aisas_with_sharing`.

    Returns
    -------
    pandas.DataFrame
        A tidy table for a grouped bar chart, six rows per model:

        * ``model`` - "AIDMA" or "AISAS";
        * ``position`` - 1 to 6, the step's place in the funnel (use it for the x axis: the
          models have different stage names);
        * ``stage`` - the five stage names of the model, then "Total buyers";
        * ``people`` - expected people at that stage in the first pass; the "Total buyers" row
          adds the buyers from every generation of sharing (for AIDMA, which has no share
          loop, it equals the Action stage);
        * ``yuan_per_person`` - budget divided by people: what each person at this stage cost
          (for "Total buyers" this is the cost per customer). It is ``inf`` when nobody reaches
          the stage.
    """
    budget = check_positive("budget", budget)
    cpm = check_positive("cpm", cpm)
    if aidma_rates is None:
        aidma_rates = list(AIDMA_DEFAULT_RATES.values())
    if aisas_rates is None:
        aisas_rates = list(AISAS_DEFAULT_RATES.values())
    aidma_rates = _check_step_rates("aidma_rates", aidma_rates, AIDMA_STAGES)
    aisas_rates = _check_step_rates("aisas_rates", aisas_rates, AISAS_STAGES)
    attention = budget / cpm * 1000.0
    if market_size is not None:
        market_size = check_positive("market_size", market_size)
        if attention > market_size:
            raise ValueError(
                f"the budget buys {attention:g} impressions, more than market_size "
                f"({market_size:g}); lower the budget or raise market_size"
            )

    aidma_table = funnel_table(attention, aidma_rates, AIDMA_STAGES)
    aisas_table = funnel_table(attention, aisas_rates, AISAS_STAGES)
    interest, search, action, share = aisas_rates
    loop = aisas_with_sharing(
        attention,
        interest=interest,
        search=search,
        action=action,
        share=share,
        contacts_per_share=contacts_per_share,
        generations=generations,
        market_size=market_size,
    )

    rows = []
    for model, table, total_buyers in (
        ("AIDMA", aidma_table, aidma_table["people"].iloc[-1]),
        ("AISAS", aisas_table, loop["cumulative_buyers"].iloc[-1]),
    ):
        stages = [*table["stage"].astype(str), "Total buyers"]
        people = [*table["people"], total_buyers]
        for position, (stage, count) in enumerate(zip(stages, people, strict=True), start=1):
            rows.append({"model": model, "position": position, "stage": stage, "people": count})
    result = pd.DataFrame(rows)
    with np.errstate(divide="ignore"):  # nobody at a stage: each of them cost infinitely much
        result["yuan_per_person"] = budget / result["people"].to_numpy()
    return result
