"""Chart: splitting one budget across channels with diminishing returns, best split against equal.

Import it as ``from socialmarketing.charts.budget import budget_allocation_chart``. Call
:func:`socialmarketing.charts.setup` first, as for every course chart.

Every channel buys conversions along the curve of
:func:`socialmarketing.costs.response_conversions`,
``max_conversions x (1 - exp(-spend / saturation))``. A slider sets the budget and (when the
channels have a ``value_per_conversion``) a drop-down switches between getting the most
conversions and the most profit. The browser then splits the budget two ways, with the
definitions of :func:`socialmarketing.costs.allocate_budget`: the best split (``method="optimal"``)
and an equal split (``method="equal"``). The tests render the chart with the Vega engine a browser
runs and check that its numbers equal the Python model's.

How the browser finds the best split without a search loop
----------------------------------------------------------
At the best split every funded channel's next yuan earns the same amount ``lam``, so channel i
gets ``s_i x (ln g_i - ln lam)`` yuan, or nothing when that is below 0. Here ``s_i`` is its
saturation and ``g_i = w_i x max_conversions_i / s_i`` what its first yuan earns (``w_i`` is 1
for conversions and ``value_per_conversion`` for profit). If the funded channels are those whose
first yuan earns the most, the spends add up to the budget ``B`` when

    ln lam = (sum over funded channels of s_i ln g_i  -  B) / (sum over funded channels of s_i).

Sort the channels by ``g``, compute this level for the top 1, top 2, ... channels, and take the
highest: that is the right ``ln lam`` (each level is a lower bound, and the level of the channels
that are really funded is exact). Maximising profit also stops where the next yuan earns less
than 1 yuan back, so there ``ln lam`` is at least 0.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from socialmarketing import costs
from socialmarketing.charts import PALETTE, _dropdown, _slider
from socialmarketing.validation import check_choice, check_nonnegative, check_positive

__all__ = [
    "BUDGET_PARAMS",
    "MAX_CHANNELS",
    "budget_allocation_chart",
    "example_channels",
]

#: The chart parameter that holds each input (for :func:`socialmarketing.charts.with_values`).
BUDGET_PARAMS = {"budget": "bud_budget", "objective": "bud_objective"}

#: The most channels one chart can draw (one colour and one dash pattern each).
MAX_CHANNELS = 8

#: Points drawn along each response curve.
_CURVE_POINTS = 41

_DASHES = [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2], [4, 4], [1, 3], [10, 4], [3, 1, 1, 1]]
_METHOD_LABELS = {"optimal": "Best split", "equal": "Equal split"}
_OBJECTIVE_LABELS = {"conversions": "Most conversions", "profit": "Most profit"}
_LIMIT_COLUMNS = ("min_spend", "max_spend", "segment")


def example_channels() -> pd.DataFrame:
    """A small, made-up channel plan for a tea brand, with round numbers to work by hand.

    One row per channel with ``max_conversions`` (the most new customers the channel could ever
    bring, a count), ``saturation`` (yuan at which it brings 63 % of that) and
    ``value_per_conversion`` (yuan of gross profit per new customer). E-mail is cheap but its
    list is small; the microblog and paid search are large; KOLs are dear.
    """
    return pd.DataFrame(
        {
            "channel": ["paid search", "display", "e-mail", "microblog", "KOL posts"],
            "max_conversions": [400.0, 300.0, 150.0, 350.0, 200.0],
            "saturation": [20_000.0, 25_000.0, 2_000.0, 15_000.0, 30_000.0],
            "value_per_conversion": [60.0, 60.0, 60.0, 60.0, 60.0],
        }
    )


def _check_channels(channels: object) -> pd.DataFrame:
    """The channels table in the form the chart draws, or a ValueError a student understands."""
    if not isinstance(channels, pd.DataFrame):
        raise ValueError(f"channels must be a pandas DataFrame, got {type(channels).__name__}")
    limits = [column for column in _LIMIT_COLUMNS if column in channels]
    if limits:
        raise ValueError(
            f"this chart splits the budget without spending limits or segments; drop the "
            f"column{'s' if len(limits) > 1 else ''} {', '.join(map(repr, limits))} (or use "
            f"costs.allocate_budget directly)"
        )
    if not 1 <= len(channels) <= MAX_CHANNELS:
        raise ValueError(
            f"channels must have 1 to {MAX_CHANNELS} rows for this chart, got {len(channels)}"
        )
    names = channels["channel"].astype(str) if "channel" in channels else None
    if names is not None and names.duplicated().any():
        raise ValueError(
            f"channels must have one row per channel; {names[names.duplicated()].iloc[0]!r} "
            f"appears more than once"
        )
    return channels


def _share_of_ceiling(ratio: str) -> str:
    """Vega expression for ``1 - exp(-ratio)``, the share of its ceiling a channel delivers.

    Python computes it as ``-expm1(-ratio)``, which stays accurate for tiny ratios; the browser
    has no ``expm1``, and ``1 - exp(-u)`` is 0 for u below about 1e-16. Below 1e-5 we use the
    series ``u - u^2/2 + u^3/6``, whose error is under u^4/24 (far below the rounding error).
    """
    return (
        f"({ratio} < 1e-5 ? ({ratio}) * (1 - ({ratio}) / 2 * (1 - ({ratio}) / 3)) : "
        f"1 - exp(-({ratio})))"
    )


def _allocation(chart: alt.Chart) -> alt.Chart:
    """Add both splits of the budget to every channel row, as in costs.allocate_budget.

    Rows need ``max_conversions``, ``saturation`` and ``value_per_conversion``. The fields
    added are ``optimal_*`` and ``equal_*`` for ``spend``, ``conversions``,
    ``conversions_per_yuan``, ``marginal_conversions_per_yuan``, ``value`` and ``profit``, plus
    ``log_lam`` (the log of what the next yuan earns on every funded channel at the best split).
    """
    chart = chart.transform_calculate(
        worth="bud_objective == 'profit' ? datum.value_per_conversion : 1"
    ).transform_calculate(
        log_slope="log(datum.worth * datum.max_conversions / datum.saturation)",
    )
    chart = chart.transform_calculate(
        weighted_log_slope="datum.saturation * datum.log_slope"
    ).transform_window(
        # ignorePeers=False: channels with equal first-yuan returns enter the sums together.
        funded_saturation="sum(saturation)",
        funded_weighted="sum(weighted_log_slope)",
        sort=[alt.SortField("log_slope", order="descending")],
        frame=[None, 0],
        ignorePeers=False,
    )
    chart = chart.transform_calculate(
        level="(datum.funded_weighted - bud_budget) / datum.funded_saturation"
    ).transform_joinaggregate(top_level="max(level)", channel_count="count()")
    chart = chart.transform_calculate(
        log_lam="bud_objective == 'profit' ? max(0, datum.top_level) : datum.top_level"
    ).transform_calculate(
        optimal_spend=(
            "isFinite(datum.log_lam) && isFinite(datum.log_slope) ? "
            "max(0, datum.saturation * (datum.log_slope - datum.log_lam)) : 0"
        ),
        equal_spend="bud_budget / datum.channel_count",
    )
    for method in ("optimal", "equal"):
        spend = f"datum.{method}_spend"
        chart = (
            chart.transform_calculate(
                **{
                    f"{method}_conversions": (
                        "datum.max_conversions * "
                        f"{_share_of_ceiling(f'{spend} / datum.saturation')}"
                    ),
                    f"{method}_marginal_conversions_per_yuan": (
                        f"datum.max_conversions / datum.saturation"
                        f" * exp(-{spend} / datum.saturation)"
                    ),
                }
            )
            .transform_calculate(
                **{
                    f"{method}_conversions_per_yuan": (
                        f"{spend} > 0 ? datum.{method}_conversions / {spend} : "
                        "datum.max_conversions / datum.saturation"
                    ),
                    f"{method}_value": f"datum.{method}_conversions * datum.value_per_conversion",
                }
            )
            .transform_calculate(
                **{f"{method}_profit": f"datum.{method}_value - {spend}"},
            )
        )
    return chart


def _budget_slider_step(max_budget: float) -> float:
    """A round slider step giving a few hundred positions up to ``max_budget``."""
    return float(10 ** max(0, math.floor(math.log10(max_budget / 100))))


def budget_allocation_chart(
    channels: pd.DataFrame | None = None,
    budget: float = 50_000.0,
    objective: str = "conversions",
    max_budget: float | None = None,
    sliders: bool = True,
) -> alt.VConcatChart:
    """One budget split across channels with diminishing returns: best split against equal.

    Parameters
    ----------
    channels
        One row per channel (1 to 8 rows) with ``channel`` (a name), ``max_conversions`` (the
        most conversions it can ever deliver, 0 or more), ``saturation`` (yuan at which it
        delivers 63 % of that, more than 0) and, optionally, ``value_per_conversion`` (yuan of
        gross profit per conversion, 0 or more; needed for the "Most profit" objective). No
        spending limits or segments. ``None`` uses :func:`example_channels`.
    budget
        Starting budget in yuan (0 or more).
    objective
        Starting objective: "conversions" or "profit" (see
        :func:`socialmarketing.costs.allocate_budget`).
    max_budget
        Right end of the budget slider, in yuan (more than 0); ``None`` uses twice the budget
        (or 10,000 yuan for a budget of 0). The response curves are drawn up to this amount, or
        up to the budget if it is larger.
    sliders
        ``True`` draws a budget slider (and an objective drop-down when the channels have a
        value per conversion); ``False`` draws the chart for the given values only (for the
        live widget, whose own controls redraw it).

    Top left: each channel's response curve, with a filled circle where the best split puts
    it and an open square for the equal split. Top right: the yuan each split gives each
    channel. Below: a table of spend, conversions and what the next 1,000 yuan would buy (for
    profit: what the next yuan brings back), and four lines comparing the totals.
    """
    table = _check_channels(example_channels() if channels is None else channels)
    budget = check_nonnegative("budget", budget)
    objective = check_choice("objective", objective, tuple(_OBJECTIVE_LABELS))
    has_value = "value_per_conversion" in table
    start = {  # the model checks every column (and needs a value for the profit objective)
        method: costs.allocate_budget(budget, table, objective, method=method)
        for method in ("optimal", "equal")
    }
    if max_budget is None:
        max_budget = 2 * budget if budget > 0 else 10_000.0
    max_budget = check_positive("max_budget", max_budget)

    names = table["channel"].astype(str).tolist()
    rows = pd.DataFrame(
        {
            "channel": names,
            "order": np.arange(len(names)),
            "max_conversions": table["max_conversions"].to_numpy(dtype=float),
            "saturation": table["saturation"].to_numpy(dtype=float),
            "value_per_conversion": (
                table["value_per_conversion"].to_numpy(dtype=float)
                if has_value
                else np.ones(len(names))
            ),
        }
    )
    params = [
        _slider(
            "bud_budget",
            "Budget (yuan)",
            budget,
            0.0,
            max_budget,
            _budget_slider_step(max_budget),
            bound=sliders,
        ),
        _dropdown(
            "bud_objective",
            "Split for",
            list(_OBJECTIVE_LABELS),
            objective,
            labels=list(_OBJECTIVE_LABELS.values()),
        )
        if sliders and has_value
        else alt.param(name="bud_objective", value=objective),
        alt.param(name="bud_curve_max", value=max_budget),
    ]

    colour = alt.Color(
        "channel:N",
        title="Channel",
        sort=names,
        scale=alt.Scale(domain=names, range=PALETTE[: len(names)]),
        legend=alt.Legend(orient="bottom", columns=2, symbolStrokeWidth=2),
    )
    dash = alt.StrokeDash(
        "channel:N",
        title="Channel",
        sort=names,
        scale=alt.Scale(domain=names, range=_DASHES[: len(names)]),
        legend=alt.Legend(orient="bottom", columns=2, symbolStrokeWidth=2),
    )
    return (
        alt.vconcat(
            alt.hconcat(
                _curve_view(rows, names, colour, dash), _split_view(rows, names)
            ).resolve_scale(color="independent", strokeDash="independent"),
            alt.vconcat(_table_headings(), _table_view(rows, names), spacing=2),
            _summary_view(rows).add_params(*params),  # lifted to the top of the spec (faster)
        )
        .resolve_scale(color="independent", strokeDash="independent")
        .properties(
            title=alt.Title(
                "Splitting one budget across channels: the best split against an equal split",
                subtitle=[
                    "Move the budget slider"
                    + (" and pick what to split for." if has_value else ".")
                    if sliders
                    else "Budget and objective as set.",
                    "The best split keeps giving money to the channel whose next yuan buys most.",
                ],
            ),
            description=(
                "Line charts show, for each marketing channel, the conversions bought by each "
                "amount of spend: every curve rises steeply at first and then flattens "
                "(diminishing returns). A filled circle marks where the best split of the budget "
                "puts each channel and an open square where an equal split puts it. Horizontal "
                "bars beside them compare the yuan each split gives each channel, a table lists "
                "spend, conversions and the return of the next yuan per channel, and four lines "
                f"of text compare the totals. At the starting budget of {budget:,.0f} yuan the "
                f"best split buys {start['optimal']['conversions'].sum():,.1f} conversions and the "
                f"equal split {start['equal']['conversions'].sum():,.1f}."
            ),
        )
    )


def _curve_view(
    rows: pd.DataFrame, names: list[str], colour: alt.Color, dash: alt.StrokeDash
) -> alt.LayerChart:
    """Each channel's response curve, with markers where the two splits put the channel."""
    grid = rows.merge(
        pd.DataFrame({"fraction": np.linspace(0.0, 1.0, _CURVE_POINTS)}), how="cross"
    )[["channel", "max_conversions", "saturation", "fraction"]]
    curves = (
        alt.Chart(grid)
        .transform_calculate(spend="datum.fraction * max(bud_curve_max, bud_budget)")
        .transform_calculate(
            conversions=(
                f"datum.max_conversions * {_share_of_ceiling('datum.spend / datum.saturation')}"
            )
        )
        .mark_line()
        .encode(
            x=alt.X("spend:Q", title="Spend on the channel (yuan)", scale=alt.Scale(domainMin=0)),
            y=alt.Y("conversions:Q", title="Conversions (expected)", scale=alt.Scale(domainMin=0)),
            color=colour,
            strokeDash=dash,
            order="fraction:Q",
            tooltip=[
                alt.Tooltip("channel:N", title="Channel"),
                alt.Tooltip("spend:Q", title="Spend (yuan)", format=",.0f"),
                alt.Tooltip("conversions:Q", title="Conversions", format=",.1f"),
            ],
        )
    )
    methods = list(_METHOD_LABELS.values())
    points = (
        _allocation(alt.Chart(rows))
        .transform_fold(["optimal_spend", "equal_spend"], as_=["field", "spend"])
        .transform_calculate(
            method="datum.field == 'optimal_spend' ? 'optimal' : 'equal'",
            method_label="datum.field == 'optimal_spend' ? 'Best split' : 'Equal split'",
            conversions=(
                "datum.field == 'optimal_spend' ? datum.optimal_conversions : "
                "datum.equal_conversions"
            ),
        )
        .mark_point(size=90, strokeWidth=2)
        .encode(
            x="spend:Q",
            y="conversions:Q",
            color=alt.Color("channel:N", sort=names, legend=None),
            shape=alt.Shape(
                "method_label:N",
                sort=methods,
                scale=alt.Scale(domain=methods, range=["circle", "square"]),
                legend=None,
            ),
            fill=alt.condition(
                "datum.method == 'optimal'", alt.Color("channel:N", legend=None), alt.value(None)
            ),
            tooltip=[
                alt.Tooltip("channel:N", title="Channel"),
                alt.Tooltip("method_label:N", title="Split"),
                alt.Tooltip("spend:Q", title="Spend (yuan)", format=",.0f"),
                alt.Tooltip("conversions:Q", title="Conversions", format=",.1f"),
            ],
        )
    )
    return (
        alt.layer(curves, points, name="budget_curves")
        .resolve_scale(color="shared")
        .properties(
            width=270,
            height=220,
            title=alt.Title(
                "Response curves: each extra yuan buys less",
                subtitle="● best split   □ equal split",
            ),
        )
    )


def _split_view(rows: pd.DataFrame, names: list[str]) -> alt.LayerChart:
    """Bars of the yuan each split gives each channel."""
    methods = list(_METHOD_LABELS.values())
    colour = alt.Color(
        "method_label:N",
        title="Split",
        sort=methods,
        scale=alt.Scale(domain=methods, range=[PALETTE[0], "#b0b0b0"]),
        legend=alt.Legend(orient="bottom"),
    )
    channel_y = alt.Y("channel:N", sort=names, title=None, axis=alt.Axis(labelLimit=115))
    offset = alt.YOffset("method_label:N", sort=methods)
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X(
                "spend:Q",
                title="Yuan to the channel",
                scale=alt.Scale(domainMin=0),
                axis=alt.Axis(tickCount=3),
            ),
            y=channel_y,
            yOffset=offset,
            color=colour,
            tooltip=[
                alt.Tooltip("channel:N", title="Channel"),
                alt.Tooltip("method_label:N", title="Split"),
                alt.Tooltip("spend:Q", title="Yuan", format=",.0f"),
            ],
        )
    )
    view = alt.layer(bars, data=rows, name="budget_split")
    return (
        _allocation(view)
        .transform_fold(["optimal_spend", "equal_spend"], as_=["field", "spend"])
        .transform_calculate(
            method_label="datum.field == 'optimal_spend' ? 'Best split' : 'Equal split'",
        )
        .properties(width=150, height=220, title="Where the money goes")
    )


#: The table's number columns: (field, heading, number format, right edge in pixels).
_TABLE_COLUMNS = (
    ("optimal_spend", "yuan", ",.0f", 210),
    ("optimal_conversions", "conversions", ",.1f", 290),
    ("optimal_next", "next", ",.2f", 350),
    ("equal_spend", "yuan", ",.0f", 430),
    ("equal_conversions", "conversions", ",.1f", 510),
    ("equal_next", "next", ",.2f", 570),
)
_TABLE_WIDTH = 570


def _table_headings() -> alt.Chart:
    """Two rows of headings above the table: the split, then each column."""
    headings = pd.DataFrame(
        [
            {"text": "Best split", "x": 350, "y": 10},
            {"text": "Equal split", "x": 570, "y": 10},
            *({"text": heading, "x": x, "y": 28} for _, heading, _, x in _TABLE_COLUMNS),
        ]
    )
    return (
        alt.Chart(headings)
        .mark_text(align="right", baseline="middle", color=PALETTE[0], fontWeight="bold")
        .encode(x=alt.X("x:Q", scale=None), y=alt.Y("y:Q", scale=None), text="text:N")
        .properties(
            width=_TABLE_WIDTH,
            height=36,
            view=alt.ViewConfig(stroke=None),
            title=alt.Title(
                "Per channel",
                subtitle=[
                    "next: conversions the next 1,000 yuan would buy (when splitting for",
                    "profit: yuan the next yuan would bring back)",
                ],
                fontSize=13,
            ),
        )
    )


def _table_view(rows: pd.DataFrame, names: list[str]) -> alt.LayerChart:
    """The numbers of both splits, one row per channel."""
    row_y = alt.Y("channel:N", sort=names, axis=None)
    layers = [
        alt.Chart()
        .mark_text(align="left", baseline="middle")
        .encode(x=alt.value(0), y=row_y, text="channel:N")
    ]
    for field, heading, fmt, x in _TABLE_COLUMNS:
        layers.append(
            alt.Chart()
            .mark_text(align="right", baseline="middle", fontWeight="bold")
            .encode(
                x=alt.value(x),
                y=row_y,
                text=alt.Text(f"{field}:Q", format=fmt),
                tooltip=[
                    alt.Tooltip("channel:N", title="Channel"),
                    alt.Tooltip(f"{field}:Q", title=heading, format=fmt),
                ],
            )
        )
    view = alt.layer(*layers, data=rows, name="budget_table")
    return (
        _allocation(view)
        .transform_calculate(
            optimal_next=(
                "bud_objective == 'profit' ? "
                "datum.worth * datum.optimal_marginal_conversions_per_yuan : "
                "1000 * datum.optimal_marginal_conversions_per_yuan"
            ),
            equal_next=(
                "bud_objective == 'profit' ? "
                "datum.worth * datum.equal_marginal_conversions_per_yuan : "
                "1000 * datum.equal_marginal_conversions_per_yuan"
            ),
        )
        .properties(width=_TABLE_WIDTH, height=20 * len(names), view=alt.ViewConfig(stroke=None))
    )


def _summary_view(rows: pd.DataFrame) -> alt.Chart:
    """Four lines of text: both splits' totals and what the next yuan earns at the best split."""
    totals = _allocation(alt.Chart(rows)).transform_aggregate(
        optimal_spend="sum(optimal_spend)",
        optimal_conversions="sum(optimal_conversions)",
        optimal_profit="sum(optimal_profit)",
        equal_spend="sum(equal_spend)",
        equal_conversions="sum(equal_conversions)",
        equal_profit="sum(equal_profit)",
        log_lam="max(log_lam)",
    )
    return (
        totals.transform_calculate(
            next_return="exp(datum.log_lam)",
            unspent="max(0, bud_budget - datum.optimal_spend)",
        )
        .transform_calculate(
            line_1=(
                "bud_objective == 'profit' ? 'Best split: profit ' + "
                "format(datum.optimal_profit, ',.0f') + ' yuan from ' + "
                "format(datum.optimal_spend, ',.0f') + ' yuan spent.' : 'Best split: ' + "
                "format(datum.optimal_conversions, ',.1f') + ' conversions.'"
            ),
            line_2=(
                "bud_objective == 'profit' ? 'Equal split: profit ' + "
                "format(datum.equal_profit, ',.0f') + ' yuan from ' + "
                "format(datum.equal_spend, ',.0f') + ' yuan spent.' : 'Equal split: ' + "
                "format(datum.equal_conversions, ',.1f') + ' conversions' + "
                "(datum.equal_conversions > 0 ? ' (the best split buys ' + "
                "format(datum.optimal_conversions / datum.equal_conversions - 1, '.1%') + "
                "' more).' : '.')"
            ),
            line_3=(
                "!isFinite(datum.log_lam) ? 'No channel can convert anybody.' : "
                "bud_objective == 'profit' ? 'At the best split the next yuan on every funded "
                "channel brings back ' + format(datum.next_return, ',.2f') + ' yuan.' : "
                "'At the best split the next 1,000 yuan buy ' + "
                "format(1000 * datum.next_return, ',.2f') + ' conversions on every funded "
                "channel.'"
            ),
            line_4=(
                "!isFinite(datum.log_lam) ? '' : bud_objective == 'profit' ? "
                "(datum.unspent > 0.005 ? 'That is no more than it costs, so ' + "
                "format(datum.unspent, ',.0f') + ' yuan of the budget stay unspent.' : "
                "'That is more than it costs: a bigger budget would still pay.') : "
                "'A channel whose first 1,000 yuan would buy fewer gets nothing.'"
            ),
        )
        .transform_fold(["line_1", "line_2", "line_3", "line_4"], as_=["line", "text"])
        .mark_text(align="left", baseline="middle", fontSize=13)
        .encode(x=alt.value(0), y=alt.Y("line:N", axis=None), text="text:N")
        .properties(
            name="budget_summary", width=_TABLE_WIDTH, height=80, view=alt.ViewConfig(stroke=None)
        )
    )
