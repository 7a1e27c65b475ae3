"""Relationship marketing: from one-time transactions to repeat customers.

Leonard Berry coined the term *relationship marketing* in 1983: attracting a customer is only
the first step; keeping the customer and turning them into a loyal, repeat buyer is where the
value is. Barbara Bund Jackson (1985) contrasted *transaction* customers, who buy once and
shop around next time, with *relationship* customers, who come back. Clubs and fan communities
are one way to build relationships: members hear from the brand (brand -> fans), answer it
(fans -> brand) and talk to each other (fans <-> fans), and this two-way communication keeps
them buying.

This module measures how well customers are kept, from an ``orders`` table with one row per
order (columns ``customer_id``, ``order_time``, ``revenue`` in yuan, ``margin`` in yuan;
you can pass other column names as keyword arguments):

* :func:`repeat_purchase_rate` - the share of customers who ordered twice or more;
* :func:`cohort_table` and :func:`cohort_retention_long` - customers grouped by the week (or
  month) of their first order, and the share of each group still ordering later;
* :func:`retention_curve` - the same, pooled over all cohorts, optionally split by a group
  such as club membership;
* :func:`estimate_retention_rate` and :func:`estimate_retention_by_group` - the weekly (or
  monthly) retention rate ``r`` of a geometric model;
* :func:`customer_lifetime_value` and :func:`clv_table` - what a customer is worth;
* :func:`compare_groups` - all of the above, side by side for club members and others;
* :func:`max_acquisition_cost` - the most you should pay to win a customer.

Periods and activity
--------------------
Time is cut into periods: ``period="W"`` gives weeks from Monday to Sunday, ``period="M"``
calendar months. A customer's *cohort* is the period of their first order (period 0). The
customer is *active* in period ``k`` if they ordered at least once in the ``k``-th period after
their first one. Every customer is active in period 0 by definition.

The geometric retention model
-----------------------------
The simplest model of keeping customers: in every period after a period in which a customer
ordered, they order again with probability ``r`` (the *retention rate*, a share between 0 and
1); the first time they do not, they are gone for good. Then the share of customers still
active ``k`` periods after their first order is ``S(k) = r ** k``, and a customer stays active
for ``1 / (1 - r)`` periods on average (counting period 0).

Censoring
---------
The data stop at some point (the end of the season). A customer who first ordered in the last
week cannot have ordered "3 weeks later" yet: we have not *seen* whether they will. Counting
them as lost would make retention look worse than it is, and the later the cohort the worse.
So every function here only uses a customer for period ``k`` if period ``k`` after their first
order is inside the data (it starts no later than the last observed period). The last observed
period is the one that contains ``observed_until`` (by default the time of the latest order in
the table); the data are assumed to cover that whole period, so pass an earlier
``observed_until`` if the last period is only partly recorded. Orders after ``observed_until``
are left out. A date without a time means midnight at the start of that day, so write
``"2026-05-24 23:59:59"`` to include all of 24 May.
"""

from __future__ import annotations

from typing import NamedTuple

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
    "PERIODS",
    "RETENTION_METHODS",
    "clv_table",
    "cohort_retention_long",
    "cohort_table",
    "compare_groups",
    "customer_lifetime_value",
    "estimate_retention_by_group",
    "estimate_retention_rate",
    "max_acquisition_cost",
    "repeat_purchase_rate",
    "retention_curve",
]

#: The periods the cohort functions understand: weeks (Monday to Sunday) or calendar months.
PERIODS = {"W": "week (Monday to Sunday)", "M": "calendar month"}

#: Ways to estimate the retention rate; see :func:`estimate_retention_rate`.
RETENTION_METHODS = ("mle", "log_least_squares")

# A Monday long ago: week numbers count the weeks since it, so every week starts on a Monday.
_FIRST_MONDAY = pd.Timestamp("1970-01-05")


# --------------------------------------------------------------------------------------------
# Input checks and the customer-by-period activity table shared by the functions below.
# --------------------------------------------------------------------------------------------


def _shown(value: object) -> str:
    """``value`` as it would be typed in Python (numpy numbers shown as plain numbers)."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _check_table(name: str, table: object, columns: list[str]) -> pd.DataFrame:
    """``table`` if it is a non-empty DataFrame with ``columns`` and no gaps in them."""
    if not isinstance(table, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(table).__name__}")
    check_columns(name, table, columns)
    if len(table) == 0:
        raise ValueError(f"{name} table is empty: it needs at least one row")
    for column in columns:
        missing = table[column].isna()
        if missing.any():
            raise ValueError(
                f"{name} column {column!r} has {int(missing.sum())} empty value(s); "
                f"fill them in or drop those rows"
            )
    return table


def _order_times(orders: pd.DataFrame, time_column: str) -> pd.Series:
    """The order times as datetime64 values without a time zone."""
    times = orders[time_column]
    if not pd.api.types.is_datetime64_any_dtype(times):
        try:
            times = pd.to_datetime(times)
        except (ValueError, TypeError) as error:
            raise ValueError(
                f"orders column {time_column!r} must hold dates and times "
                f"(convert it with pd.to_datetime), got values such as {_shown(times.iloc[0])}"
            ) from error
    if times.dt.tz is not None:
        times = times.dt.tz_localize(None)
    return times


def _period_number(times: pd.Series, period: str) -> pd.Series:
    """Number the periods so that consecutive weeks (or months) get consecutive numbers."""
    if period == "W":
        return (times - _FIRST_MONDAY).dt.days // 7
    return times.dt.year * 12 + (times.dt.month - 1)


def _period_start(numbers: pd.Series, period: str) -> pd.Series:
    """The first day of each numbered period (a Monday for weeks, the 1st for months)."""
    numbers = pd.Series(numbers, dtype="int64")
    if period == "W":
        return _FIRST_MONDAY + pd.to_timedelta(numbers * 7, unit="D")
    years, months = np.divmod(numbers.to_numpy(), 12)
    return pd.to_datetime(pd.DataFrame({"year": years, "month": months + 1, "day": 1}))


class _Activity(NamedTuple):
    """Who was active when (see :func:`_activity`)."""

    active: pd.DataFrame
    customers: pd.DataFrame
    last_period: int
    kept_orders: pd.Series


def _activity(
    orders: pd.DataFrame,
    period: str,
    observed_until: object,
    customer_column: str,
    time_column: str,
) -> _Activity:
    """Who was active when.

    Returns

    * ``active``: one row per customer and period in which they ordered, with columns
      ``customer``, ``cohort`` (period number of the first order) and ``k`` (periods since the
      first order), sorted by customer and ``k``;
    * ``customers``: one row per customer (index = customer id) with ``cohort`` and
      ``observable``, the largest ``k`` inside the data (censoring);
    * ``last_period``: the number of the last observed period;
    * ``kept_orders``: True for the rows of ``orders`` up to ``observed_until``.
    """
    period = check_choice("period", period, PERIODS)
    _check_table("orders", orders, [customer_column, time_column])
    times = _order_times(orders, time_column)
    customer_ids = orders[customer_column]
    inside = pd.Series(True, index=orders.index)
    if observed_until is None:
        end = times.max()
    else:
        try:
            end = pd.Timestamp(observed_until)
        except (ValueError, TypeError) as error:
            raise ValueError(
                f"observed_until must be a date and time such as '2026-05-24 23:59', "
                f"got {observed_until!r}"
            ) from error
        if end.tz is not None:
            end = end.tz_localize(None)
        inside = times <= end
        if not inside.any():
            raise ValueError(
                f"observed_until ({end}) is before the first order ({times.min()}): "
                f"no orders are left to analyse"
            )
        times, customer_ids = times[inside], customer_ids[inside]
    last_period = int(_period_number(pd.Series([end]), period).iloc[0])

    active = pd.DataFrame(
        {"customer": customer_ids.to_numpy(), "period": _period_number(times, period).to_numpy()}
    ).drop_duplicates()
    active = active.sort_values(["customer", "period"], kind="stable", ignore_index=True)
    active["cohort"] = active.groupby("customer", sort=False)["period"].transform("min")
    active["k"] = active["period"] - active["cohort"]
    customers = active.groupby("customer", sort=True)[["cohort"]].first()
    customers["observable"] = last_period - customers["cohort"]
    return _Activity(active[["customer", "cohort", "k"]], customers, last_period, inside)


def _customer_groups(
    orders: pd.DataFrame,
    accounts: pd.DataFrame | None,
    by: str,
    customers: pd.Index,
    customer_column: str,
    time_column: str,
    account_column: str,
) -> pd.Series:
    """The value of the group column ``by`` for every customer (index = customer id).

    Taken from ``accounts`` (matched on ``account_column``) when it is given, otherwise from
    the customer's first order in ``orders`` (so ``by="channel"`` groups customers by the
    channel that brought them in).
    """
    if accounts is not None:
        _check_table("accounts", accounts, [account_column, by])
        if accounts[account_column].duplicated().any():
            raise ValueError(f"accounts column {account_column!r} must not repeat an account")
        values = accounts.set_index(account_column)[by]
        unknown = customers.difference(values.index)
        if len(unknown) > 0:
            raise ValueError(
                f"{len(unknown)} customer(s) in orders have no row in accounts "
                f"(for example {customer_column} {_shown(unknown[0])})"
            )
        return values.reindex(customers)
    if by not in orders.columns:
        raise ValueError(
            f"the group column {by!r} is not in the orders table; pass the accounts table "
            f"if it is an account column such as 'club_member'"
        )
    _check_table("orders", orders, [customer_column, time_column, by])
    first_orders = orders.assign(_time=_order_times(orders, time_column)).sort_values(
        "_time", kind="stable"
    )
    values = first_orders.groupby(customer_column, sort=True, observed=True)[by].first()
    return values.reindex(customers)


def _curve(active: pd.DataFrame, observable: pd.Series) -> pd.DataFrame:
    """Pooled retention curve from one group's activity rows and observable horizons."""
    horizon = int(observable.max())
    # Customers observed at k: those whose observable horizon is k or more.
    customers_per_horizon = np.bincount(observable.to_numpy(), minlength=horizon + 1)
    observed = customers_per_horizon[::-1].cumsum()[::-1]
    active_counts = np.bincount(active["k"].to_numpy(), minlength=horizon + 1)[: horizon + 1]
    return pd.DataFrame(
        {
            "periods_since_first": np.arange(horizon + 1),
            "customers_observed": observed,
            "active_customers": active_counts,
            "share_active": active_counts / observed,
        }
    )


def _repeat_chances(active: pd.DataFrame, observable: pd.Series) -> tuple[int, int]:
    """Chances to order again next period, and how many were taken (for the MLE).

    A *chance* is a customer active in period ``k`` whose period ``k + 1`` is inside the data;
    it is *taken* if the customer is active in period ``k + 1`` too.
    """
    next_k = active.groupby("customer", sort=False)["k"].shift(-1)
    taken = next_k == active["k"] + 1
    has_next_period = active["k"] + 1 <= active["customer"].map(observable)
    return int(has_next_period.sum()), int((taken & has_next_period).sum())


def _least_squares_rate(curve: pd.DataFrame) -> float:
    """Weighted least-squares fit of ``log S(k) = k log r`` through the origin."""
    points = curve[curve["periods_since_first"] >= 1]
    if len(points) == 0:
        raise ValueError(
            "need orders from at least two periods to estimate retention: every customer's "
            "second period is still in the future"
        )
    points = points[points["share_active"] > 0]
    if len(points) == 0:
        return 0.0
    k = points["periods_since_first"].to_numpy(dtype=float)
    log_share = np.log(points["share_active"].to_numpy())
    weight = points["customers_observed"].to_numpy(dtype=float)
    log_rate = np.sum(weight * k * log_share) / np.sum(weight * k * k)
    return float(np.exp(log_rate))


def _retention_from_activity(active: pd.DataFrame, customers: pd.DataFrame, method: str) -> float:
    if method == "mle":
        chances, taken = _repeat_chances(active, customers["observable"])
        if chances == 0:
            raise ValueError(
                "need orders from at least two periods to estimate retention: every customer's "
                "second period is still in the future"
            )
        return taken / chances
    return _least_squares_rate(_curve(active, customers["observable"]))


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def repeat_purchase_rate(orders: pd.DataFrame, *, customer_column: str = "customer_id") -> float:
    """The share of customers (between 0 and 1) who placed two or more orders.

    Every row of ``orders`` is one order; ``customer_column`` says who placed it. A customer
    with orders on two days, or two orders on the same day, counts as a repeat customer.

    Example: customers 1, 1, 2, 3, 3, 3 -> customers 1 and 3 ordered again -> 2 / 3.
    """
    _check_table("orders", orders, [customer_column])
    orders_per_customer = orders[customer_column].value_counts()
    return float((orders_per_customer >= 2).mean())


def cohort_retention_long(
    orders: pd.DataFrame,
    period: str = "W",
    *,
    observed_until: object = None,
    customer_column: str = "customer_id",
    time_column: str = "order_time",
) -> pd.DataFrame:
    """Cohort retention as a long (tidy) table: one row per cohort and period, for charts.

    Parameters
    ----------
    orders
        One row per order, with a customer id and an order time.
    period
        ``"W"`` for weeks (Monday to Sunday) or ``"M"`` for calendar months.
    observed_until
        The end of the data (a date and time); cells after it are not observed yet and are
        left out. Default: the latest order. See "Censoring" in the module docstring.
    customer_column, time_column
        Column names in ``orders``.

    Returns
    -------
    pandas.DataFrame
        Columns ``cohort_start`` (first day of the cohort's period), ``periods_since_first``
        (0, 1, 2, ...), ``cohort_size`` (customers whose first order was in that period),
        ``active_customers`` (how many of them ordered in that period, a count) and
        ``share_active`` (active_customers / cohort_size, between 0 and 1). Only cells that
        are inside the data appear, so there are no empty values.
    """
    activity = _activity(orders, period, observed_until, customer_column, time_column)
    active, customers = activity.active, activity.customers
    counts = active.groupby(["cohort", "k"]).size().rename("active_customers")
    sizes = customers.groupby("cohort").size()

    # Every observed cell, including those in which nobody from the cohort ordered.
    cohorts = sizes.index.to_numpy()
    cells = pd.DataFrame(
        [(c, k) for c in cohorts for k in range(activity.last_period - c + 1)],
        columns=["cohort", "k"],
    )
    cells = cells.join(counts, on=["cohort", "k"])
    cells["active_customers"] = cells["active_customers"].fillna(0).astype("int64")
    cells["cohort_size"] = cells["cohort"].map(sizes).astype("int64")
    return pd.DataFrame(
        {
            "cohort_start": _period_start(cells["cohort"], period).to_numpy(),
            "periods_since_first": cells["k"].to_numpy(),
            "cohort_size": cells["cohort_size"].to_numpy(),
            "active_customers": cells["active_customers"].to_numpy(),
            "share_active": (cells["active_customers"] / cells["cohort_size"]).to_numpy(),
        }
    )


def cohort_table(
    orders: pd.DataFrame,
    period: str = "W",
    *,
    observed_until: object = None,
    customer_column: str = "customer_id",
    time_column: str = "order_time",
) -> pd.DataFrame:
    """The classic cohort triangle: share of each cohort active in each later period.

    Rows are *acquisition cohorts*: customers whose first order fell in the same week (or
    month); the index ``cohort_start`` is the first day of that period. Columns are the
    periods since acquisition, 0, 1, 2, ... Each value is the share (0 to 1) of the cohort who
    ordered in that period. Column 0 is always 1.0: everyone orders in their first period.

    Cells after the end of the data are empty (NaN): they are *not observed yet*, which is
    different from 0 (observed, and nobody ordered). That gives the table its triangle shape.
    Arguments are as in :func:`cohort_retention_long`, which returns the same numbers as a
    long table.
    """
    long = cohort_retention_long(
        orders,
        period,
        observed_until=observed_until,
        customer_column=customer_column,
        time_column=time_column,
    )
    table = long.pivot(index="cohort_start", columns="periods_since_first", values="share_active")
    table.columns.name = "periods_since_first"
    return table


def retention_curve(
    orders: pd.DataFrame,
    period: str = "W",
    by: str | None = None,
    accounts: pd.DataFrame | None = None,
    *,
    observed_until: object = None,
    customer_column: str = "customer_id",
    time_column: str = "order_time",
    account_column: str = "account_id",
) -> pd.DataFrame:
    """Share of customers active ``k`` periods after their first order, pooled over cohorts.

    For each ``k`` the curve only counts customers whose ``k``-th period after their first
    order is inside the data (``customers_observed``), and reports the share of them who
    ordered in that period. Customers acquired too late to be seen at ``k`` are left out of
    that point instead of being counted as lost (censoring; see the module docstring), so
    late points rest on fewer customers and are noisier.

    Parameters
    ----------
    orders
        One row per order, with a customer id and an order time.
    period
        ``"W"`` for weeks (Monday to Sunday) or ``"M"`` for calendar months.
    by
        Optional group column, e.g. ``"club_member"``. With ``accounts`` it is read from the
        accounts table (matched on ``account_column``); without, from the customer's first
        order (``by="channel"`` then splits customers by the channel that brought them in).
    accounts
        Optional accounts table, one row per account.
    observed_until
        End of the data (a date and time). Default: the latest order.
    customer_column, time_column, account_column
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per (group and) ``k`` with columns ``by`` (only if grouped),
        ``periods_since_first`` (k, in periods), ``customers_observed`` (a count),
        ``active_customers`` (a count) and ``share_active`` (between 0 and 1). Under the
        geometric model ``share_active`` is about ``r ** k``.
    """
    activity = _activity(orders, period, observed_until, customer_column, time_column)
    active, customers = activity.active, activity.customers
    if by is None:
        return _curve(active, customers["observable"])
    groups = _customer_groups(
        orders, accounts, by, customers.index, customer_column, time_column, account_column
    )
    active_group = active["customer"].map(groups)
    curves = []
    for value in pd.unique(groups.sort_values()):
        in_group = groups.index[groups == value]
        curve = _curve(active[active_group == value], customers.loc[in_group, "observable"])
        curve.insert(0, by, value)
        curves.append(curve)
    return pd.concat(curves, ignore_index=True)


def estimate_retention_rate(
    orders: pd.DataFrame,
    period: str = "W",
    *,
    method: str = "mle",
    observed_until: object = None,
    customer_column: str = "customer_id",
    time_column: str = "order_time",
) -> float:
    """Estimate the per-period retention rate ``r`` of the geometric model ``S(k) = r ** k``.

    Two methods (``method``):

    * ``"mle"`` (maximum likelihood, recommended). Every time a customer is active in a period
      and the next period is inside the data, they get one *chance* to order again; under the
      model they take it with probability ``r``. The maximum likelihood estimate is the share
      of chances taken::

          r = (customer-periods followed by an active period) / (customer-periods with a
              next period inside the data)

      This is the share of customers active in period k + 1 among those active in period k,
      pooled over all k and all cohorts. Customers still active in the last observed period
      (censored) add their active periods but no lost chance, which is exactly what keeps the
      estimate unbiased. Its standard error is about ``sqrt(r (1 - r) / chances)``.
    * ``"log_least_squares"``: fit a straight line through the origin to
      ``log share_active`` against ``k`` on the :func:`retention_curve` (points with
      ``k >= 1``, weighted by ``customers_observed``), and take ``r = exp(slope)``. Easy to
      see on a chart, but points where nobody was active (log 0) must be dropped, and the log
      of a noisy share is biased, so it is less accurate than the MLE on small data.

    Returns ``r``, a share between 0 and 1 per period (per week for ``period="W"``). Raises
    ValueError if no customer's second period is inside the data yet.
    """
    method = check_choice("method", method, RETENTION_METHODS)
    activity = _activity(orders, period, observed_until, customer_column, time_column)
    active, customers = activity.active, activity.customers
    return _retention_from_activity(active, customers, method)


def estimate_retention_by_group(
    orders: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    group: str = "club_member",
    period: str = "W",
    *,
    method: str = "mle",
    observed_until: object = None,
    customer_column: str = "customer_id",
    time_column: str = "order_time",
    account_column: str = "account_id",
) -> pd.DataFrame:
    """The retention rate of :func:`estimate_retention_rate`, separately for each group.

    ``group`` is read from ``accounts`` if given (e.g. ``"club_member"``), otherwise from the
    customer's first order (see :func:`retention_curve`).

    Returns one row per group with columns ``group`` (named after the group column),
    ``customers`` (count), ``repeat_chances`` (customer-periods followed by an observed
    period, count), ``repeats`` (how many of those chances led to an order, count) and
    ``retention`` (per period, between 0 and 1). With ``method="mle"`` there is also
    ``standard_error``, ``sqrt(r (1 - r) / repeat_chances)``, a share; a rough 95 % interval
    is retention plus or minus two standard errors.
    """
    method = check_choice("method", method, RETENTION_METHODS)
    activity = _activity(orders, period, observed_until, customer_column, time_column)
    active, customers = activity.active, activity.customers
    groups = _customer_groups(
        orders, accounts, group, customers.index, customer_column, time_column, account_column
    )
    active_group = active["customer"].map(groups)
    rows = []
    for value in pd.unique(groups.sort_values()):
        in_group = customers.loc[groups.index[groups == value]]
        group_active = active[active_group == value]
        chances, taken = _repeat_chances(group_active, in_group["observable"])
        row = {
            group: value,
            "customers": len(in_group),
            "repeat_chances": chances,
            "repeats": taken,
            "retention": _retention_from_activity(group_active, in_group, method),
        }
        if method == "mle":
            rate = row["retention"]
            row["standard_error"] = float(np.sqrt(rate * (1 - rate) / chances))
        rows.append(row)
    return pd.DataFrame(rows)


def customer_lifetime_value(
    margin_per_period: float,
    retention: float,
    discount_rate: float,
    periods: int | None = None,
) -> float:
    """Customer lifetime value (CLV): today's value of the margin a customer will bring.

    Convention: the customer brings ``margin_per_period`` yuan of gross profit in every period
    in which they are still a customer, and the first margin is received *now*, at ``t = 0``
    (the period of the first order), so it is not discounted. A customer is still there at
    period ``t`` with probability ``retention ** t`` and money at ``t`` is worth
    ``1 / (1 + discount_rate) ** t`` of money now::

        CLV = sum over t = 0 .. periods - 1 of  m * r**t / (1 + d)**t

    With ``periods=None`` the sum runs for ever, which has the closed form
    ``CLV = m * (1 + d) / (1 + d - r)``. With ``d = 0`` that is ``m / (1 - r)``: the margin
    times the expected number of periods as a customer.

    Parameters
    ----------
    margin_per_period
        Gross profit per period from an active customer, in yuan (0 or more).
    retention
        Share of customers kept from one period to the next (0 to 1).
    discount_rate
        Discount rate per period (0 or more; 0.10 a year is about 0.0018 a week).
    periods
        Number of periods counted (0 or more), or None for an endless horizon.

    Example: m = 100 yuan, r = 0.5, d = 0.1, three periods:
    100 + 100 x 0.5 / 1.1 + 100 x 0.25 / 1.21 = 166.12 yuan; for ever: 110 / 0.6 = 183.33.
    """
    margin = check_nonnegative("margin_per_period", margin_per_period)
    rate = check_rate("retention", retention)
    discount = check_nonnegative("discount_rate", discount_rate)
    if periods is None:
        if rate == 1.0 and discount == 0.0:
            raise ValueError(
                "with retention 1 and discount_rate 0 a customer stays for ever and is worth "
                "an endless amount; give a number of periods or a discount rate above 0"
            )
        return margin * (1 + discount) / (1 + discount - rate)
    count = check_count("periods", periods)
    t = np.arange(count)
    # r**t / (1 + d)**t written as one power, which cannot overflow for long horizons.
    return float(np.sum(margin * (rate / (1 + discount)) ** t))


def clv_table(
    margin_per_period: float,
    retention: float,
    discount_rate: float,
    periods: int,
) -> pd.DataFrame:
    """The terms of :func:`customer_lifetime_value`, one row per period, for a chart.

    Arguments are as in :func:`customer_lifetime_value`; ``periods`` must be 1 or more.
    Columns: ``period`` (t = 0, 1, ..., periods - 1), ``still_customer`` (share still a
    customer, ``r ** t``), ``expected_margin`` (yuan, ``m r ** t``), ``discount_factor``
    (``1 / (1 + d) ** t``), ``present_value`` (yuan, expected margin x discount factor) and
    ``cumulative_clv`` (yuan, the CLV counting periods 0 to t). The last ``cumulative_clv``
    equals ``customer_lifetime_value(m, r, d, periods)``.
    """
    margin = check_nonnegative("margin_per_period", margin_per_period)
    rate = check_rate("retention", retention)
    discount = check_nonnegative("discount_rate", discount_rate)
    count = check_count("periods", periods, minimum=1)
    t = np.arange(count)
    still_customer = rate**t
    expected_margin = margin * still_customer
    discount_factor = (1 + discount) ** -t.astype(float)
    present_value = expected_margin * discount_factor
    return pd.DataFrame(
        {
            "period": t,
            "still_customer": still_customer,
            "expected_margin": expected_margin,
            "discount_factor": discount_factor,
            "present_value": present_value,
            "cumulative_clv": np.cumsum(present_value),
        }
    )


def compare_groups(
    orders: pd.DataFrame,
    accounts: pd.DataFrame | None,
    group: str = "club_member",
    period: str = "W",
    *,
    discount_rate: float = 0.0,
    periods: int | None = None,
    observed_until: object = None,
    customer_column: str = "customer_id",
    time_column: str = "order_time",
    revenue_column: str = "revenue",
    margin_column: str = "margin",
    account_column: str = "account_id",
) -> pd.DataFrame:
    """Relationship customers against transaction customers: one row per group.

    ``group`` is read from ``accounts`` (e.g. ``"club_member"``); pass ``accounts=None`` to
    read it from the customer's first order instead (e.g. ``"channel"``).

    Columns:

    * ``customers`` - number of customers;
    * ``orders`` - number of orders;
    * ``orders_per_customer`` - orders / customers;
    * ``repeat_rate`` - share of customers with 2 or more orders (:func:`repeat_purchase_rate`);
    * ``revenue_per_customer`` - yuan, over the data;
    * ``margin_per_active_period`` - yuan of margin per period in which a customer ordered
      (total margin / number of customer-periods with an order): the ``m`` of the CLV;
    * ``retention`` - per-period retention rate (maximum likelihood,
      :func:`estimate_retention_rate`);
    * ``clv`` - :func:`customer_lifetime_value` with that margin, retention,
      ``discount_rate`` and ``periods`` (None = endless horizon), in yuan.

    The revenue and order numbers describe the data as they are (customers acquired late had
    less time to order again); ``retention`` and ``clv`` correct for that.
    """
    _check_table("orders", orders, [customer_column, time_column, revenue_column, margin_column])
    activity = _activity(orders, period, observed_until, customer_column, time_column)
    active, customers = activity.active, activity.customers
    groups = _customer_groups(
        orders, accounts, group, customers.index, customer_column, time_column, account_column
    )
    kept_orders = orders[activity.kept_orders]
    order_group = kept_orders[customer_column].map(groups)
    active_group = active["customer"].map(groups)

    rows = []
    for value in pd.unique(groups.sort_values()):
        in_group = customers.loc[groups.index[groups == value]]
        group_orders = kept_orders[order_group == value]
        group_active = active[active_group == value]
        customer_count = len(in_group)
        margin_per_active_period = float(group_orders[margin_column].sum()) / len(group_active)
        if margin_per_active_period < 0:
            raise ValueError(
                f"customers with {group} = {_shown(value)} lose money: their margin per active "
                f"period is {margin_per_active_period:.2f} yuan, so no lifetime value is "
                f"worth computing; check the {margin_column!r} column"
            )
        retention = _retention_from_activity(group_active, in_group, "mle")
        rows.append(
            {
                group: value,
                "customers": customer_count,
                "orders": len(group_orders),
                "orders_per_customer": len(group_orders) / customer_count,
                "repeat_rate": repeat_purchase_rate(group_orders, customer_column=customer_column),
                "revenue_per_customer": float(group_orders[revenue_column].sum()) / customer_count,
                "margin_per_active_period": margin_per_active_period,
                "retention": retention,
                "clv": customer_lifetime_value(
                    margin_per_active_period, retention, discount_rate, periods
                ),
            }
        )
    return pd.DataFrame(rows)


def max_acquisition_cost(clv: float, clv_to_cac_ratio: float = 1.0) -> float:
    """The most you should pay to acquire one customer, in yuan.

    A customer is worth acquiring only if the customer acquisition cost (CAC) is at most what
    the customer brings back, their lifetime value: ``CAC <= CLV``. At ``clv_to_cac_ratio=1``
    you break even. Many firms want a safety margin and aim for a CLV at least three times the
    CAC (``clv_to_cac_ratio=3``), because CLV is an estimate and acquisition has hidden costs.

    Returns ``clv / clv_to_cac_ratio``. Example: a CLV of 300 yuan and a 3:1 target allow at
    most 100 yuan per new customer.
    """
    value = check_nonnegative("clv", clv)
    ratio = check_positive("clv_to_cac_ratio", clv_to_cac_ratio)
    return value / ratio
