"""Unit economics: what a click, an order and a customer cost, and what they bring back.

Money is in yuan; rates are shares between 0 and 1 (write 2 % as 0.02).

The ratios every marketer uses:

* **CPM**, cost per mille: yuan paid per 1,000 impressions (times an advert was shown).
* **CPC**, cost per click: yuan paid per click.
* **CTR**, click-through rate: clicks / impressions.
* **CVR**, conversion rate: conversions (orders) / clicks.
* **CPA**, cost per acquisition (also CAC, customer acquisition cost): yuan per conversion.
* **ROAS**, return on advertising spend: revenue / cost.
* **ROI**, return on investment: (revenue x margin - cost) / cost, the profit the spending made
  per yuan spent. With ``margin=1`` it is measured on revenue, which flatters the campaign;
  pass your gross margin to measure it on gross profit.

They are tied together by two identities, which the tests check:

    CPC = CPM / (1000 x CTR)        CPA = CPC / CVR

Break-even: a click pays for itself when the gross profit it brings in on average,
``CVR x order value x margin``, covers its price. That gives the highest CPC you can afford
(:func:`break_even_cpc`) and the lowest CVR you need (:func:`break_even_cvr`).

The module then compares a paid-search channel whose clicks get dearer every week with a social
channel whose audience compounds (:func:`paid_vs_social`), and splits a budget across channels
with diminishing returns (:func:`allocate_budget`).

Zero denominators
-----------------
No function returns NaN for valid input. The rule is:

* cost per something (:func:`cpm`, :func:`cpc`, :func:`cpa`): money spent for nothing is
  infinitely expensive per result, so ``cost > 0`` with 0 results gives ``inf``; 0 yuan for 0
  results has no cost per result and raises ValueError.
* shares (:func:`ctr`, :func:`cvr`): a share of nobody does not exist, so a 0 denominator
  raises ValueError.
* returns (:func:`roas`, :func:`roi`): a return on nothing spent does not exist, so ``cost``
  must be more than 0.

The ratio functions accept single numbers, lists, numpy arrays or pandas Series (they use
numpy broadcasting): a number in gives a float out, a Series in gives a Series with the same
index out, anything else gives a numpy array.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from socialmarketing.validation import (
    check_choice,
    check_columns,
    check_count,
    check_nonnegative,
    check_positive,
    check_rate,
)

__all__ = [
    "PaidSearch",
    "SocialChannel",
    "allocate_budget",
    "break_even_cpc",
    "break_even_cvr",
    "campaign_grid",
    "campaign_outcome",
    "cpa",
    "cpc",
    "cpm",
    "ctr",
    "cvr",
    "paid_vs_social",
    "response_conversions",
    "rising_click_cost",
    "roas",
    "roi",
]

#: A number, or several numbers as a list, numpy array or pandas Series.
Numbers = float | Sequence[float] | np.ndarray | pd.Series

# ---------------------------------------------------------------------------------------------
# Checking numbers and arrays of numbers with the shared validation helpers
# ---------------------------------------------------------------------------------------------

# For each shared check, which values it rejects (used to find the first bad item of an array).
_REJECTS: dict[Callable[[str, object], float], Callable[[np.ndarray], np.ndarray]] = {
    check_nonnegative: lambda values: values < 0,
    check_positive: lambda values: values <= 0,
    check_rate: lambda values: (values < 0) | (values > 1),
}


def _checked(name: str, value: object, check: Callable[[str, object], float]) -> float | np.ndarray:
    """Check a number, or every item of an array of numbers, with a shared validation helper.

    Returns a float for a single number and a float numpy array otherwise. For an array, the
    first bad item is passed to ``check`` under the name ``name[position]`` so the student sees
    the usual message, e.g. ``clicks[2] must be 0 or more, got -1.0``.
    """
    if isinstance(value, pd.DataFrame):
        raise ValueError(f"{name} must be a number or a list of numbers, not a whole table")
    if np.ndim(value) == 0:
        if isinstance(value, np.ndarray):
            value = value.item()
        return check(name, value)
    values = np.asarray(value)
    if values.dtype.kind not in "iuf":  # text, True/False or missing values
        for position, item in enumerate(values.ravel()):
            check(f"{name}[{position}]", item)  # raises on the first item that is not a number
    values = values.astype(float)
    bad = ~np.isfinite(values) | _REJECTS[check](values)
    if bad.any():
        position = int(np.flatnonzero(bad.ravel())[0])
        check(f"{name}[{position}]", values.ravel()[position].item())  # raises the usual error
    return values


def _broadcast(named_values: dict[str, Any]) -> list[np.ndarray]:
    """Line up numbers and arrays for element-wise arithmetic, or explain why they don't fit."""
    series = {name: v for name, v in named_values.items() if isinstance(v, pd.Series)}
    if len(series) > 1:
        (first_name, first), *others = series.items()
        for other_name, other in others:
            if not first.index.equals(other.index):
                raise ValueError(
                    f"{first_name} and {other_name} are pandas Series with different index "
                    f"labels; line them up first (for example with .reindex)"
                )
    arrays = [np.asarray(v, dtype=float) for v in named_values.values()]
    try:
        return np.broadcast_arrays(*arrays)
    except ValueError:
        sizes = ", ".join(
            f"{name} has {np.size(v)} value{'s' if np.size(v) != 1 else ''}"
            for name, v in zip(named_values, arrays, strict=True)
        )
        raise ValueError(f"the inputs must have the same length, but {sizes}") from None


def _shaped_like(result: np.ndarray, *inputs: object) -> Numbers:
    """Give ``result`` the form of the inputs: float, pandas Series or numpy array."""
    if np.ndim(result) == 0:
        return float(result)
    for item in inputs:
        if isinstance(item, pd.Series) and len(item) == len(result):
            return pd.Series(result, index=item.index)
    return result


def _where(mask: np.ndarray) -> str:
    """Text pointing at the first True item of ``mask`` (nothing for single numbers)."""
    if mask.ndim == 0:
        return ""
    return f" at position {int(np.flatnonzero(mask.ravel())[0])}"


# ---------------------------------------------------------------------------------------------
# The ratios
# ---------------------------------------------------------------------------------------------


def _cost_per(
    cost_name: str, cost: Numbers, count_name: str, count: Numbers, per: float, unit: str
) -> Numbers:
    """``per x cost / count``: inf where money bought nothing, error where 0 bought 0."""
    _checked(cost_name, cost, check_nonnegative)
    _checked(count_name, count, check_nonnegative)
    cost_values, count_values = _broadcast({cost_name: cost, count_name: count})
    nothing_for_nothing = (cost_values == 0) & (count_values == 0)
    if nothing_for_nothing.any():
        raise ValueError(
            f"{cost_name} and {count_name} are both 0{_where(nothing_for_nothing)}: "
            f"nothing was bought, so there is no cost per {unit}"
        )
    with np.errstate(divide="ignore", over="ignore"):  # money for no result: inf per result
        result = per * cost_values / count_values
    return _shaped_like(result, cost, count)


def _share_of(part_name: str, part: Numbers, whole_name: str, whole: Numbers) -> Numbers:
    """``part / whole`` for a part that cannot be bigger than the whole."""
    _checked(part_name, part, check_nonnegative)
    _checked(whole_name, whole, check_nonnegative)
    part_values, whole_values = _broadcast({part_name: part, whole_name: whole})
    empty = whole_values == 0
    if empty.any():
        raise ValueError(
            f"{whole_name} must be more than 0{_where(empty)} to compute a share of them, got 0"
        )
    too_many = part_values > whole_values
    if too_many.any():
        position = np.flatnonzero(too_many.ravel())[0]
        raise ValueError(
            f"{part_name} cannot be more than {whole_name}{_where(too_many)}: got "
            f"{part_values.ravel()[position]:g} {part_name} from "
            f"{whole_values.ravel()[position]:g} {whole_name}"
        )
    return _shaped_like(part_values / whole_values, part, whole)


def cpm(cost: Numbers, impressions: Numbers) -> Numbers:
    """Cost per mille: yuan paid per 1,000 impressions, ``1000 x cost / impressions``.

    ``cost`` in yuan and ``impressions`` (a count) must be 0 or more. Money spent on 0
    impressions gives ``inf``; 0 yuan for 0 impressions raises ValueError.
    Example: 500 yuan for 40,000 impressions is ``1000 x 500 / 40000 = 12.5`` yuan CPM.
    """
    return _cost_per("cost", cost, "impressions", impressions, per=1000.0, unit="impression")


def cpc(cost: Numbers, clicks: Numbers) -> Numbers:
    """Cost per click: yuan paid per click, ``cost / clicks``.

    ``cost`` in yuan and ``clicks`` (a count) must be 0 or more. Money spent for 0 clicks gives
    ``inf``; 0 yuan for 0 clicks raises ValueError.
    Example: 500 yuan for 400 clicks is 1.25 yuan per click.
    """
    return _cost_per("cost", cost, "clicks", clicks, per=1.0, unit="click")


def cpa(cost: Numbers, conversions: Numbers) -> Numbers:
    """Cost per acquisition (CPA, also CAC): yuan paid per conversion, ``cost / conversions``.

    ``cost`` in yuan and ``conversions`` (a count of orders, sign-ups, new customers) must be 0
    or more. Money spent for 0 conversions gives ``inf``; 0 yuan for 0 conversions raises.
    Example: 500 yuan for 8 orders is 62.5 yuan per order.
    """
    return _cost_per("cost", cost, "conversions", conversions, per=1.0, unit="conversion")


def ctr(clicks: Numbers, impressions: Numbers) -> Numbers:
    """Click-through rate: the share of impressions that were clicked, ``clicks / impressions``.

    Counts, 0 or more, with no more clicks than impressions; ``impressions`` must be more than
    0. Returns a share between 0 and 1. Example: 400 clicks from 40,000 impressions is 0.01.
    """
    return _share_of("clicks", clicks, "impressions", impressions)


def cvr(conversions: Numbers, clicks: Numbers) -> Numbers:
    """Conversion rate: the share of clicks that became conversions, ``conversions / clicks``.

    Counts, 0 or more, with no more conversions than clicks (each click converts at most once
    here); ``clicks`` must be more than 0. Returns a share between 0 and 1.
    Example: 8 orders from 400 clicks is 0.02.
    """
    return _share_of("conversions", conversions, "clicks", clicks)


def roas(revenue: Numbers, cost: Numbers) -> Numbers:
    """Return on advertising spend: yuan of revenue per yuan spent, ``revenue / cost``.

    ``revenue`` (yuan, 0 or more) and ``cost`` (yuan, more than 0). A ROAS of 3 means every
    yuan of advertising brought 3 yuan of sales - not 3 yuan of profit: compare it with
    ``1 / margin`` (the break-even ROAS), or use :func:`roi`.
    """
    _checked("revenue", revenue, check_nonnegative)
    _checked("cost", cost, check_positive)
    revenue_values, cost_values = _broadcast({"revenue": revenue, "cost": cost})
    return _shaped_like(revenue_values / cost_values, revenue, cost)


def roi(revenue: Numbers, cost: Numbers, margin: Numbers = 1.0) -> Numbers:
    """Return on investment: ``(revenue x margin - cost) / cost``, profit per yuan spent.

    ``revenue`` in yuan (0 or more), ``cost`` in yuan (more than 0), ``margin`` the gross
    margin as a share between 0 and 1 (the part of each yuan of sales left after paying for
    the goods). With the default ``margin=1.0`` ROI is measured on revenue, as many advertising
    dashboards do; pass your real margin to measure it on gross profit. Below 0 the campaign
    lost money; -1 means everything spent was lost.
    Example: 3,000 yuan of sales at 40 % margin from 1,000 yuan spent:
    ``(3000 x 0.4 - 1000) / 1000 = 0.2``, a 20 % return.
    """
    _checked("revenue", revenue, check_nonnegative)
    _checked("cost", cost, check_positive)
    _checked("margin", margin, check_rate)
    revenue_values, cost_values, margin_values = _broadcast(
        {"revenue": revenue, "cost": cost, "margin": margin}
    )
    result = (revenue_values * margin_values - cost_values) / cost_values
    return _shaped_like(result, revenue, cost, margin)


def break_even_cpc(cvr: Numbers, order_value: Numbers, margin: Numbers = 1.0) -> Numbers:
    """The highest cost per click (yuan) at which clicks still pay for themselves.

    A click brings ``cvr`` orders on average, each worth ``order_value`` yuan of which the
    share ``margin`` is gross profit, so it is worth ``cvr x order_value x margin`` yuan.
    ``cvr`` and ``margin`` are shares between 0 and 1, ``order_value`` is in yuan (more than
    0). Example: 2 % of clicks buy a 200-yuan item at 40 % margin: 0.02 x 200 x 0.4 = 1.6 yuan.
    """
    _checked("cvr", cvr, check_rate)
    _checked("order_value", order_value, check_positive)
    _checked("margin", margin, check_rate)
    cvr_values, value_values, margin_values = _broadcast(
        {"cvr": cvr, "order_value": order_value, "margin": margin}
    )
    return _shaped_like(cvr_values * value_values * margin_values, cvr, order_value, margin)


def break_even_cvr(cpc: Numbers, order_value: Numbers, margin: Numbers = 1.0) -> Numbers:
    """The lowest conversion rate at which clicks bought at ``cpc`` pay for themselves.

    ``cpc / (order_value x margin)``: ``cpc`` and ``order_value`` in yuan (more than 0),
    ``margin`` a share between 0 and 1. The answer is a share; above 1 it means no conversion
    rate can break even at this price, and with ``margin=0`` it is ``inf`` (orders that earn
    nothing never pay for a click). Example: 1.6 yuan clicks, 200-yuan orders at 40 % margin
    need 1.6 / 80 = 0.02, i.e. 2 % of clicks must buy.
    """
    _checked("cpc", cpc, check_positive)
    _checked("order_value", order_value, check_positive)
    _checked("margin", margin, check_rate)
    cpc_values, value_values, margin_values = _broadcast(
        {"cpc": cpc, "order_value": order_value, "margin": margin}
    )
    with np.errstate(divide="ignore", over="ignore"):  # margin 0: no conversion rate is enough
        result = cpc_values / (value_values * margin_values)
    return _shaped_like(result, cpc, order_value, margin)


# ---------------------------------------------------------------------------------------------
# A campaign, from budget to profit
# ---------------------------------------------------------------------------------------------

#: The quantities computed by :func:`campaign_outcome`, in order.
_OUTCOME_FIELDS = (
    "budget",
    "impressions",
    "clicks",
    "orders",
    "revenue",
    "gross_profit",
    "profit",
    "cpm",
    "cpa",
    "roas",
    "roi",
    "break_even_cvr",
    "break_even_cpc",
    "break_even_roas",
)


def _check_campaign_inputs(
    budget: Numbers,
    cpc: Numbers,
    ctr: Numbers,
    cvr: Numbers,
    order_value: Numbers,
    margin: Numbers,
) -> None:
    """Raise a clear ValueError for any campaign input outside its range."""
    _checked("budget", budget, check_positive)
    _checked("cpc", cpc, check_positive)
    _checked("ctr", ctr, check_rate)
    _checked("ctr", ctr, check_positive)  # with no clicks at all, impressions are undefined
    _checked("cvr", cvr, check_rate)
    _checked("order_value", order_value, check_positive)
    _checked("margin", margin, check_rate)


def _outcome_columns(
    budget: np.ndarray,
    cpc: np.ndarray,
    ctr: np.ndarray,
    cvr: np.ndarray,
    order_value: np.ndarray,
    margin: np.ndarray,
) -> dict[str, np.ndarray]:
    """The campaign arithmetic on checked, equally shaped arrays (see campaign_outcome)."""
    clicks = budget / cpc
    impressions = clicks / ctr
    orders = clicks * cvr
    revenue = orders * order_value
    gross_profit = revenue * margin
    with np.errstate(divide="ignore", over="ignore"):  # no orders or margin: infinite cost
        cost_per_order = budget / orders
        roas_to_break_even = 1.0 / margin
        conversion_to_break_even = cpc / (order_value * margin)
    return {
        "budget": budget,
        "impressions": impressions,
        "clicks": clicks,
        "orders": orders,
        "revenue": revenue,
        "gross_profit": gross_profit,
        "profit": gross_profit - budget,
        "cpm": 1000.0 * cpc * ctr,
        "cpa": cost_per_order,
        "roas": revenue / budget,
        "roi": (gross_profit - budget) / budget,
        "break_even_cvr": conversion_to_break_even,
        "break_even_cpc": cvr * order_value * margin,
        "break_even_roas": roas_to_break_even,
    }


def campaign_outcome(
    budget: float,
    cpc: float,
    ctr: float,
    cvr: float,
    order_value: float,
    margin: float,
) -> pd.Series:
    """What a pay-per-click campaign buys and earns, from budget to return on investment.

    Parameters
    ----------
    budget
        Money spent on clicks, yuan (more than 0).
    cpc
        Price of one click, yuan (more than 0).
    ctr
        Click-through rate, the share of impressions clicked (more than 0, at most 1).
    cvr
        Conversion rate, the share of clicks that order (0 to 1).
    order_value
        Average order value, yuan (more than 0).
    margin
        Gross margin, the share of each order's value kept after paying for the goods (0 to 1).

    Returns
    -------
    pandas.Series
        Indexed by name (all money in yuan):

        * ``budget``; ``clicks = budget / cpc``; ``impressions = clicks / ctr``;
          ``orders = clicks x cvr`` (expected counts, floats);
        * ``revenue = orders x order_value``; ``gross_profit = revenue x margin``;
          ``profit = gross_profit - budget`` (before any other costs);
        * ``cpm = 1000 x cpc x ctr``; ``cpa = budget / orders`` (``inf`` with no orders);
        * ``roas = revenue / budget``; ``roi = profit / budget`` (on gross profit);
        * ``break_even_cvr`` (:func:`break_even_cvr`), ``break_even_cpc``
          (:func:`break_even_cpc`) and ``break_even_roas = 1 / margin``, the ROAS at which
          profit is 0 (``inf`` for ``margin=0``).

    Example
    -------
    10,000 yuan at 2 yuan per click, 1 % CTR, 3 % CVR, 150-yuan orders, 40 % margin:
    5,000 clicks, 500,000 impressions, 150 orders, 22,500 yuan revenue, 9,000 yuan gross
    profit, profit -1,000 yuan, ROI -0.1: the campaign loses money. Break-even needs a CVR of
    2 / (150 x 0.4) = 3.33 % or a CPC of at most 0.03 x 150 x 0.4 = 1.8 yuan.
    """
    _check_campaign_inputs(budget, cpc, ctr, cvr, order_value, margin)
    inputs = (budget, cpc, ctr, cvr, order_value, margin)
    names = ("budget", "cpc", "ctr", "cvr", "order_value", "margin")
    for name, value in zip(names, inputs, strict=True):
        if np.ndim(value) != 0:
            raise ValueError(f"{name} must be a single number here; use campaign_grid for many")
    columns = _outcome_columns(*(np.float64(value) for value in inputs))
    return pd.Series({name: float(columns[name]) for name in _OUTCOME_FIELDS}, name="value")


def campaign_grid(
    budget: Numbers,
    cpc: Numbers,
    ctr: Numbers,
    cvr: Numbers,
    order_value: Numbers,
    margin: Numbers,
    max_rows: int = 200_000,
) -> pd.DataFrame:
    """:func:`campaign_outcome` for every combination of the values given, as one table.

    Each argument is a single number or a list of values (same units and ranges as in
    :func:`campaign_outcome`). The result has one row per combination, with the six inputs and
    every outcome as columns (``budget`` appears once). It is meant for charts on a static page,
    where sliders pick a row instead of running Python.

    ``max_rows`` (default 200,000) guards against accidentally huge tables; more combinations
    than that raise ValueError.
    """
    _check_campaign_inputs(budget, cpc, ctr, cvr, order_value, margin)
    max_rows = check_count("max_rows", max_rows, minimum=1)
    inputs = {
        "budget": budget,
        "cpc": cpc,
        "ctr": ctr,
        "cvr": cvr,
        "order_value": order_value,
        "margin": margin,
    }
    value_lists = {}
    for name, value in inputs.items():
        if np.ndim(value) > 1:
            raise ValueError(f"{name} must be a number or a flat list of numbers")
        value_lists[name] = np.atleast_1d(np.asarray(value, dtype=float))
    rows = int(np.prod([len(values) for values in value_lists.values()]))
    if rows > max_rows:
        raise ValueError(
            f"campaign_grid would have {rows:,} rows (more than max_rows={max_rows:,}); "
            f"use fewer values per input"
        )
    grid = pd.MultiIndex.from_product(list(value_lists.values()), names=list(value_lists))
    table = grid.to_frame(index=False)
    outcome = _outcome_columns(*(table[name].to_numpy() for name in value_lists))
    for name in _OUTCOME_FIELDS:
        if name not in table:
            table[name] = outcome[name]
    return table


# ---------------------------------------------------------------------------------------------
# Paid search against social media, week by week
# ---------------------------------------------------------------------------------------------


def rising_click_cost(weeks: int, start_cpc: float, weekly_growth: float) -> pd.DataFrame:
    """Cost per click on a paid-search channel where competitors keep bidding the price up.

    ``cpc`` in week ``w`` is ``start_cpc x (1 + weekly_growth) ** (w - 1)``.

    Parameters
    ----------
    weeks
        Number of weeks (a whole number, 1 or more).
    start_cpc
        Price of a click in week 1, yuan (more than 0).
    weekly_growth
        Share by which the price rises each week (0 to 1; 0.03 is 3 % a week).

    Returns
    -------
    pandas.DataFrame
        Columns ``week`` (1 to ``weeks``), ``cpc`` (yuan per click) and ``clicks_per_1000_yuan``
        (how many clicks 1,000 yuan still buys that week).
    """
    weeks = check_count("weeks", weeks, minimum=1)
    start_cpc = check_positive("start_cpc", start_cpc)
    weekly_growth = check_rate("weekly_growth", weekly_growth)
    week = np.arange(1, weeks + 1)
    price = start_cpc * (1.0 + weekly_growth) ** (week - 1)
    return pd.DataFrame({"week": week, "cpc": price, "clicks_per_1000_yuan": 1000.0 / price})


@dataclass(frozen=True)
class PaidSearch:
    """A paid-search (keyword advertising) channel: every customer is bought with clicks.

    Attributes
    ----------
    start_cpc
        Price of a click in week 1, yuan (more than 0). Default 2.0.
    weekly_cpc_growth
        Share by which the click price rises each week as competitors bid on the same
        keywords (0 to 1). Default 0.03 (3 % a week, so prices double in about 23 weeks).
    conversion_rate
        Share of clicks that become customers (0 to 1). Default 0.02.
    """

    start_cpc: float = 2.0
    weekly_cpc_growth: float = 0.03
    conversion_rate: float = 0.02

    def __post_init__(self) -> None:
        check_positive("start_cpc", self.start_cpc)
        check_rate("weekly_cpc_growth", self.weekly_cpc_growth)
        check_rate("conversion_rate", self.conversion_rate)


@dataclass(frozen=True)
class SocialChannel:
    """A social-media channel: money goes into content and seeding, and the audience compounds.

    Each week the budget pays for content and seeding (giveaways, posts by key opinion
    leaders) that win ``budget / cost_per_seeded_follower`` new followers. Followers see the
    week's posts (``organic_reach``), some repost them (``repost_rate``), each repost is seen
    by ``contacts_per_repost`` people, and some of those follow too (``follow_rate``). Every
    week a share of followers drifts away (``unfollow_rate``). Buyers come from everyone who saw
    a post: followers reached plus people reached by reposts, times ``purchase_rate``.

    The defaults are honest on purpose. Week 1 starts with no followers, so no sales: social is
    slow to start. Reposts win 0.3 x 0.05 x 20 x 0.1 = 0.03 new followers per follower per week,
    less than the 0.05 who drift away, so the audience only keeps growing while you keep
    posting and seeding: stop paying and it shrinks. Social is neither free nor quick; it wins
    because what you built keeps working.

    Attributes
    ----------
    cost_per_seeded_follower
        Yuan of content and seeding spent per follower won directly (more than 0). Default 10.
    organic_reach
        Share of followers who see the week's posts (0 to 1). Default 0.3.
    repost_rate
        Share of people who see a post and repost it (0 to 1). Default 0.05.
    contacts_per_repost
        People who see each repost (0 or more). Default 20.
    follow_rate
        Share of people reached by a repost who start following (0 to 1). Default 0.1.
    unfollow_rate
        Share of followers lost each week (0 to 1). Default 0.05.
    purchase_rate
        Share of everyone who saw a post that week who buys (0 to 1). Default 0.01.
    market_size
        People who could ever follow (more than 0). Growth slows as followers approach it.
        Default 1,000,000.
    """

    cost_per_seeded_follower: float = 10.0
    organic_reach: float = 0.3
    repost_rate: float = 0.05
    contacts_per_repost: float = 20.0
    follow_rate: float = 0.1
    unfollow_rate: float = 0.05
    purchase_rate: float = 0.01
    market_size: float = 1_000_000.0

    def __post_init__(self) -> None:
        check_positive("cost_per_seeded_follower", self.cost_per_seeded_follower)
        check_rate("organic_reach", self.organic_reach)
        check_rate("repost_rate", self.repost_rate)
        check_nonnegative("contacts_per_repost", self.contacts_per_repost)
        check_rate("follow_rate", self.follow_rate)
        check_rate("unfollow_rate", self.unfollow_rate)
        check_rate("purchase_rate", self.purchase_rate)
        check_positive("market_size", self.market_size)


def _channel_settings(name: str, given: object, kind: type) -> Any:
    """Turn ``None``, a settings object or a dict of changes into a settings object."""
    if given is None:
        return kind()
    if isinstance(given, kind):
        return given
    if isinstance(given, Mapping):
        known = [field.name for field in fields(kind)]
        for key in given:
            check_choice(f"a key of {name}", key, known)
        return kind(**given)
    raise ValueError(
        f"{name} must be a {kind.__name__}, a dict of its settings or None, got {given!r}"
    )


def _weekly_budget(weeks: int, budget_per_week: Numbers) -> np.ndarray:
    """The budget of each week as an array of ``weeks`` amounts in yuan."""
    budget = _checked("budget_per_week", budget_per_week, check_nonnegative)
    if np.ndim(budget) == 0:
        return np.full(weeks, budget)
    if budget.ndim != 1 or len(budget) != weeks:
        raise ValueError(
            f"budget_per_week must be one amount or one amount per week: {weeks} weeks need "
            f"{weeks} amounts, got {np.size(budget)}"
        )
    return budget


def _paid_weeks(spend: np.ndarray, paid: PaidSearch) -> pd.DataFrame:
    """Week-by-week customers bought on the paid-search channel."""
    prices = rising_click_cost(len(spend), paid.start_cpc, paid.weekly_cpc_growth)
    customers = spend / prices["cpc"].to_numpy() * paid.conversion_rate
    return pd.DataFrame({"customers": customers, "followers": np.zeros(len(spend))})


def _social_weeks(spend: np.ndarray, social: SocialChannel) -> pd.DataFrame:
    """Week-by-week customers and followers on the social channel."""
    customers = np.zeros(len(spend))
    followers_at_end = np.zeros(len(spend))
    followers = 0.0  # nobody follows a brand-new account
    for week, money in enumerate(spend):
        saw_post = followers * social.organic_reach
        reposts = saw_post * social.repost_rate
        reached_by_reposts = reposts * social.contacts_per_repost
        customers[week] = (saw_post + reached_by_reposts) * social.purchase_rate

        seeded = money / social.cost_per_seeded_follower
        from_reposts = reached_by_reposts * social.follow_rate
        room_left = 1.0 - followers / social.market_size
        gained = min((seeded + from_reposts) * room_left, social.market_size - followers)
        lost = followers * social.unfollow_rate
        followers = min(followers - lost + gained, social.market_size)
        followers_at_end[week] = followers
    return pd.DataFrame({"customers": customers, "followers": followers_at_end})


def paid_vs_social(
    weeks: int,
    budget_per_week: Numbers,
    paid: PaidSearch | Mapping[str, float] | None = None,
    social: SocialChannel | Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The same weekly budget spent on paid search or on social media, week by week.

    Paid search (:class:`PaidSearch`) turns money into customers at once, but its clicks get
    dearer every week, so each week's budget buys fewer customers and nothing is left when you
    stop paying. The social channel (:class:`SocialChannel`) starts with no audience and no
    sales; the money builds followers, whose reposts reach new people, so its weekly customers
    grow - but only while you keep spending.

    Parameters
    ----------
    weeks
        Number of weeks to follow (a whole number, 1 or more).
    budget_per_week
        Yuan spent each week on each channel (0 or more): one amount for every week, or a list
        of ``weeks`` amounts (e.g. to see what happens when spending stops).
    paid, social
        Channel settings: ``None`` for the defaults, a :class:`PaidSearch` /
        :class:`SocialChannel`, or a dict of the settings to change, e.g. ``{"start_cpc": 3}``.

    Returns
    -------
    pandas.DataFrame
        A tidy table, one row per (week, channel), with columns

        * ``week`` (1 to ``weeks``) and ``channel`` ("paid search" or "social");
        * ``spend`` and ``cumulative_spend`` (yuan);
        * ``customers`` and ``cumulative_customers`` (expected counts, floats);
        * ``cost_per_customer`` - that week's spend / that week's customers, and
          ``cumulative_cost_per_customer`` - spend so far / customers so far (yuan). Both are
          ``inf`` when money was spent but no customer came yet (social in week 1) and 0 when
          nothing was spent;
        * ``followers`` - the audience the channel owns at the end of the week (always 0 for
          paid search: renting attention builds no audience).
    """
    weeks = check_count("weeks", weeks, minimum=1)
    spend = _weekly_budget(weeks, budget_per_week)
    paid = _channel_settings("paid", paid, PaidSearch)
    social = _channel_settings("social", social, SocialChannel)

    tables = []
    for channel, weekly in (
        ("paid search", _paid_weeks(spend, paid)),
        ("social", _social_weeks(spend, social)),
    ):
        customers = weekly["customers"].to_numpy()
        cumulative_spend = np.cumsum(spend)
        cumulative_customers = np.cumsum(customers)
        tables.append(
            pd.DataFrame(
                {
                    "week": np.arange(1, weeks + 1),
                    "channel": channel,
                    "spend": spend,
                    "cumulative_spend": cumulative_spend,
                    "customers": customers,
                    "cumulative_customers": cumulative_customers,
                    "cost_per_customer": _yuan_per_customer(spend, customers),
                    "cumulative_cost_per_customer": _yuan_per_customer(
                        cumulative_spend, cumulative_customers
                    ),
                    "followers": weekly["followers"].to_numpy(),
                }
            )
        )
    return pd.concat(tables, ignore_index=True).sort_values(["week", "channel"], ignore_index=True)


def _yuan_per_customer(spend: np.ndarray, customers: np.ndarray) -> np.ndarray:
    """Spend / customers with the module's rule: inf for money without customers, 0 for 0/0."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = spend / customers
    return np.where(spend == 0, 0.0, ratio)


# ---------------------------------------------------------------------------------------------
# Splitting a budget across channels with diminishing returns
# ---------------------------------------------------------------------------------------------


def response_conversions(spend: Numbers, max_conversions: Numbers, saturation: Numbers) -> Numbers:
    """Conversions bought by ``spend`` yuan on a channel with diminishing returns.

    ``conversions = max_conversions x (1 - exp(-spend / saturation))``: the first yuan buy the
    most (``max_conversions / saturation`` conversions per yuan), each further yuan buys less,
    and no amount of money buys more than ``max_conversions`` (the channel's audience runs
    out). ``saturation`` (yuan, more than 0) sets the scale: spending ``saturation`` yuan gets
    1 - 1/e, about 63 %, of the maximum. ``spend`` and ``max_conversions`` are 0 or more.
    """
    _checked("spend", spend, check_nonnegative)
    _checked("max_conversions", max_conversions, check_nonnegative)
    _checked("saturation", saturation, check_positive)
    spend_values, maximum, scale = _broadcast(
        {"spend": spend, "max_conversions": max_conversions, "saturation": saturation}
    )
    result = maximum * -np.expm1(-spend_values / scale)
    return _shaped_like(result, spend, max_conversions, saturation)


_ALLOCATION_OBJECTIVES = ("conversions", "profit")
_ALLOCATION_METHODS = ("optimal", "equal")


def _column(channels: pd.DataFrame, name: str, check: Callable, default: float) -> np.ndarray:
    """A numeric column of the channels table, checked item by item (or a default)."""
    if name not in channels:
        return np.full(len(channels), default)
    return np.asarray(_checked(f"channels.{name}", channels[name].to_numpy(), check), dtype=float)


def _spending_limit(channels: pd.DataFrame) -> np.ndarray:
    """The ``max_spend`` column in yuan, with empty cells (or no column) meaning no limit."""
    if "max_spend" not in channels:
        return np.full(len(channels), np.inf)
    limits = channels["max_spend"]
    given = limits.notna().to_numpy()
    result = np.full(len(channels), np.inf)
    checked = _checked("channels.max_spend", limits[given].to_numpy(), check_nonnegative)
    result[given] = checked
    return result


def _optimal_spend(
    budget: float,
    slope_at_zero: np.ndarray,
    saturation: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    stop_when_unprofitable: bool,
) -> np.ndarray:
    """Water-filling: give every channel money until its next yuan earns the same as the others.

    With ``value = v x a x (1 - exp(-x / s))`` the value of the next yuan on a channel is
    ``v a / s x exp(-x / s)``. At the best split every channel that gets more than its minimum
    and less than its maximum earns the same amount ``lam`` from its next yuan, so its spend is
    ``s x ln(v a / (s lam))``, clipped to its limits. We search (bisection on ln lam) for the
    ``lam`` at which the spends add up to the budget. When maximising profit a yuan is only
    worth spending if it earns more than 1 yuan back, so ``lam`` never drops below 1.
    """
    with np.errstate(divide="ignore", over="ignore"):
        log_slope = np.log(slope_at_zero)  # -inf for a channel that earns nothing

    def spend_at(log_lam: float) -> np.ndarray:
        return np.clip(saturation * (log_slope - log_lam), low, high)

    earning = np.isfinite(log_slope)
    if not earning.any():
        return low.copy()
    # Above log_lam_top every channel sits at its minimum; below log_lam_bottom every channel
    # has its maximum (or the whole budget).
    log_lam_top = float(np.max((log_slope - low / saturation)[earning]))
    most = np.minimum(high, budget)
    log_lam_bottom = float(np.min((log_slope - most / saturation)[earning])) - 1.0
    if stop_when_unprofitable:
        log_lam_bottom = max(log_lam_bottom, 0.0)
    if spend_at(log_lam_bottom).sum() <= budget:
        return spend_at(log_lam_bottom)  # limits or profitability leave money unspent

    low_end, high_end = log_lam_bottom, log_lam_top
    for _ in range(200):
        middle = 0.5 * (low_end + high_end)
        if middle in (low_end, high_end):
            break
        if spend_at(middle).sum() > budget:
            low_end = middle
        else:
            high_end = middle
    return spend_at(high_end)


def allocate_budget(
    budget: float,
    channels: pd.DataFrame,
    objective: str = "conversions",
    segments: Sequence[str] | None = None,
    method: str = "optimal",
) -> pd.DataFrame:
    """Split a fixed budget across channels to get the most conversions (or profit).

    Every channel has diminishing returns (:func:`response_conversions`):
    ``conversions = max_conversions x (1 - exp(-spend / saturation))``. We chose this curve
    because it is concave (each extra yuan buys less), it starts at 0, it has a ceiling (a
    channel's audience is finite), and the best split has a simple rule: keep moving money to
    the channel whose *next* yuan buys the most, until every funded channel's next yuan buys
    the same amount. This is the "input-output ratio" thinking of marketing managers, and also
    why precision targeting works: with a small budget the best split puts all of it into the
    few well-targeted channels or segments whose first yuan buy the most, while an equal split
    spreads it thin over channels that hardly respond.

    Parameters
    ----------
    budget
        Yuan to split (0 or more).
    channels
        One row per channel (or per channel and target segment) with columns

        * ``channel`` - a name;
        * ``max_conversions`` - the most conversions the channel can ever deliver (0 or more);
        * ``saturation`` - yuan at which it delivers 63 % of that (more than 0);
        * optional ``min_spend`` / ``max_spend`` - limits in yuan (default 0 and no limit; an
          empty ``max_spend`` cell means no limit for that row);
        * optional ``value_per_conversion`` - gross profit per conversion in yuan (needed for
          ``objective="profit"``);
        * optional ``segment`` - the target group, e.g. "tier-1 cities" (needed for
          ``segments``).
    objective
        "conversions" (default) spends the whole budget to get the most conversions, unless
        every channel hits its ``max_spend`` or no channel can convert anybody
        (``max_conversions`` all 0). "profit" maximises
        ``value_per_conversion x conversions - spend`` and leaves money unspent when the next
        yuan would earn less than 1 yuan back.
    segments
        Only fund the rows whose ``segment`` is in this list (precision targeting); the other
        rows get 0 yuan and their ``min_spend`` is ignored. ``None`` funds every row.
    method
        "optimal" (default) finds the best split. "equal" gives every funded row the same
        amount, ignoring ``min_spend`` and ``max_spend``: the naive plan to compare against.

    Returns
    -------
    pandas.DataFrame
        The channels table's ``channel`` (and ``segment``) columns plus

        * ``funded`` - whether the row was allowed any money (see ``segments``);
        * ``spend`` - yuan given to the row; ``share_of_budget`` - spend / budget (0 for a 0
          budget). ``budget - spend.sum()`` is the money left unspent;
        * ``conversions`` - expected conversions bought;
        * ``conversions_per_yuan`` - conversions / spend, the average input-output ratio (for a
          row with no spend, the limit ``max_conversions / saturation``: what the first yuan
          would buy);
        * ``marginal_conversions_per_yuan`` - what the next yuan would buy;
        * ``value`` and ``profit`` (yuan) when ``value_per_conversion`` is given.
    """
    budget = check_nonnegative("budget", budget)
    objective = check_choice("objective", objective, _ALLOCATION_OBJECTIVES)
    method = check_choice("method", method, _ALLOCATION_METHODS)
    if not isinstance(channels, pd.DataFrame):
        raise ValueError(f"channels must be a pandas DataFrame, got {type(channels).__name__}")
    required = ["channel", "max_conversions", "saturation"]
    if objective == "profit":
        required.append("value_per_conversion")
    if segments is not None:
        required.append("segment")
    check_columns("channels", channels, required)
    if len(channels) == 0:
        raise ValueError("channels must have at least one row")

    maximum = _column(channels, "max_conversions", check_nonnegative, 0.0)
    saturation = _column(channels, "saturation", check_positive, 1.0)
    value = _column(channels, "value_per_conversion", check_nonnegative, 1.0)
    low = _column(channels, "min_spend", check_nonnegative, 0.0)
    high = _spending_limit(channels)
    too_low = low > high
    if too_low.any():
        row = int(np.flatnonzero(too_low)[0])
        raise ValueError(
            f"channels.min_spend[{row}] ({low[row]:g}) cannot be more than "
            f"channels.max_spend[{row}] ({high[row]:g})"
        )

    funded = np.ones(len(channels), dtype=bool)
    if segments is not None:
        if isinstance(segments, str):
            segments = [segments]
        known = sorted(channels["segment"].astype(str).unique())
        for segment in segments:
            check_choice("segments", segment, known)
        funded = channels["segment"].astype(str).isin(list(segments)).to_numpy()
    low = np.where(funded, low, 0.0)
    high = np.where(funded, high, 0.0)

    if method == "equal":
        spend = np.where(funded, budget / max(int(funded.sum()), 1), 0.0)
    else:
        if low.sum() > budget:
            raise ValueError(
                f"the channels' min_spend adds up to {low.sum():g} yuan, more than the budget "
                f"of {budget:g} yuan"
            )
        worth = value if objective == "profit" else np.ones(len(channels))
        spend = _optimal_spend(
            budget,
            slope_at_zero=worth * maximum / saturation,
            saturation=saturation,
            low=low,
            high=high,
            stop_when_unprofitable=objective == "profit",
        )

    conversions = response_conversions(spend, maximum, saturation)
    first_yuan = maximum / saturation
    with np.errstate(divide="ignore", invalid="ignore"):
        average = np.where(spend > 0, conversions / spend, first_yuan)
    result = pd.DataFrame({"channel": channels["channel"].to_numpy()})
    if "segment" in channels:
        result["segment"] = channels["segment"].to_numpy()
    result["funded"] = funded
    result["spend"] = spend
    result["share_of_budget"] = spend / budget if budget > 0 else 0.0
    result["conversions"] = conversions
    result["conversions_per_yuan"] = average
    result["marginal_conversions_per_yuan"] = first_yuan * np.exp(-spend / saturation)
    if "value_per_conversion" in channels:
        result["value"] = conversions * value
        result["profit"] = result["value"] - spend
    return result
