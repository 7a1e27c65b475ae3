"""Altair charts for the course: one set-up function, then one builder per teaching chart.

Call :func:`setup` once at the top of a page or notebook (the book does it in a hidden cell). It
enables the course theme (readable sizes, a colour-blind-safe palette) and a renderer that draws
charts from JavaScript served by the course itself, never from a CDN:

* on the published site, each chart queues itself and the page loads the chart script once,
  deferred (the book's Sphinx extension :mod:`socialmarketing.site` adds it to pages with charts);
* in a live kernel (JupyterLab, Binder), each chart is a small widget
  (:class:`socialmarketing.charts.live.LiveChart`) drawn with the Vega libraries that ship in the
  package, sent once per kernel; charts survive a browser reload, a second tab and a reconnect.

Builders are thin: they take model output (DataFrames from the model modules) and return an
``alt.Chart``; they hold no marketing maths of their own. Charts whose parameters a reader changes
on the static page use Altair parameters bound to sliders or dropdowns.
"""

from __future__ import annotations

import html
import itertools
import json
import math
import os
from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from socialmarketing import costs, funnel, relationship
from socialmarketing.validation import (
    check_choice,
    check_columns,
    check_count,
    check_nonnegative,
    check_rate,
    check_rates,
)

__all__ = [
    "CLV_START",
    "COST_START",
    "FUNNEL_START",
    "PALETTE",
    "SITE_BUILD_ENV",
    "attribution_chart",
    "cascade_reach_chart",
    "chart_html",
    "clv_chart",
    "cost_calculator_chart",
    "funnel_chart",
    "paid_vs_social_chart",
    "retention_chart",
    "setup",
    "with_values",
]

#: Set (to "1") by the book's Sphinx extension so kernels executing book pages render for the site.
SITE_BUILD_ENV = "SOCIALMARKETING_SITE_BUILD"

#: Okabe-Ito colours: distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

#: Starting values shared by the charts and the widgets, so both tell the same story: 300
#: contacts per share put the AISAS viral coefficient just below 1 (K = 0.9).
FUNNEL_START = {"audience": 10_000, "contacts_per_share": 300.0, "generations": 10}
#: A small pay-per-click campaign: 10,000 yuan at 2 yuan a click, 1 % CTR, 3 % CVR.
COST_START = {
    "budget": 10_000,
    "cpc": 2.0,
    "ctr": 0.01,
    "cvr": 0.03,
    "order_value": 150.0,
    "margin": 0.4,
}
#: A loyal customer: 100 yuan of margin a period, 80 % retention, 10 % discount rate.
CLV_START = {
    "margin_per_period": 100.0,
    "retention": 0.8,
    "discount_rate": 0.1,
    "periods": 20,
    "max_periods": 40,
}

_THEME = "socialmarketing"
_RENDERER = "socialmarketing"
_EMBED_OPTIONS = {"actions": False, "renderer": "svg"}
CHART_PLACEHOLDER_HEIGHT = 360  # pixels: a 300-pixel plot with its title and a control or two
_ids = itertools.count(1)


@alt.theme.register(_THEME, enable=False)
def _course_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', sans-serif",
            "view": {"continuousWidth": 520, "continuousHeight": 300, "stroke": None},
            "title": {"fontSize": 16, "anchor": "start", "offset": 12, "subtitleFontSize": 13},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 12, "titleFontSize": 13},
            "range": {"category": PALETTE},
        }
    }


def _in_site_build() -> bool:
    return os.environ.get(SITE_BUILD_ENV) == "1"


def chart_html(spec: dict[str, Any], *, inline_script: bool = False) -> str:
    """Return the HTML that draws ``spec`` (a Vega-Lite dict) with the course's offline script.

    On the site's pages the chart queues itself for the chart script the page loads. With
    ``inline_script`` the script travels inside the HTML, for a standalone page (the grading
    report). The chart's ``description`` becomes the figure's accessible name and the text shown
    where JavaScript is off.
    """
    chart_id = f"sm-chart-{os.getpid()}-{next(_ids)}"
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    description = spec.get("description") or (str(title) if title else "Interactive chart")
    label = html.escape(str(description), quote=True)
    payload = json.dumps(spec, separators=(",", ":")).replace("</", "<\\/")
    options = json.dumps(_EMBED_OPTIONS)
    # Until the chart is drawn its box keeps about a chart's height, so the page does not jump
    # when a reader scrolls and the site's chart library arrives (the drawer clears it).
    parts = [
        f'<div id="{chart_id}" class="sm-chart" data-socialmarketing-chart="1" '
        f'style="min-height:{CHART_PLACEHOLDER_HEIGHT}px" '
        f'role="figure" aria-label="{label}"><noscript>{label}</noscript></div>'
    ]
    if inline_script:
        from socialmarketing.assets import chart_script

        parts.append(f"<script>{chart_script()}</script>")
    parts.append(
        "<script>(function(){var q=window.smChartQueue=window.smChartQueue||[];"
        f'q.push(["{chart_id}",{payload},{options}]);'
        "if(window.smChartsReady){window.smChartsReady();}})();</script>"
    )
    return "".join(parts)


def _render(spec: dict[str, Any], **_metadata: Any) -> dict[str, Any]:
    """The course's Altair renderer: HTML for the site build, a live chart widget elsewhere."""
    if _in_site_build():
        title = spec.get("title")
        if isinstance(title, dict):
            title = title.get("text")
        return {
            "text/html": chart_html(spec),
            "text/plain": f"<Chart: {title or spec.get('description', 'untitled')}>",
        }
    from socialmarketing.charts.live import live_chart

    return live_chart(spec)


alt.renderers.register(_RENDERER, _render)


def setup() -> None:
    """Enable the course theme and the offline renderer for every Altair chart shown after it."""
    alt.theme.enable(_THEME)
    alt.renderers.enable(_RENDERER)
    alt.data_transformers.disable_max_rows()


# --- chart builders -------------------------------------------------------------------------
# One function per teaching chart; each returns an Altair chart with a title and a description
# and takes model output (or calls the models), never holding marketing maths of its own.

# --- shared helpers ---------------------------------------------------------------------------


def _slider(
    name: str,
    label: str,
    value: float,
    minimum: float,
    maximum: float,
    step: float,
    bound: bool = True,
) -> alt.Parameter:
    """A chart parameter called ``name``, drawn as a labelled slider when ``bound``.

    The slider's range widens to include ``value``, and its step shrinks (by tenths) until
    ``value`` lies on the step grid, so a chart never starts where its slider cannot be.
    Without ``bound`` the parameter is a fixed number (used by the live widgets, whose own
    controls change it).
    """
    if not bound:
        return alt.param(name=name, value=value)
    minimum = min(minimum, value)
    # A browser's range input snaps its value to the step grid: refine the step until the
    # starting value lies on it, so the slider shows the value the chart starts from.
    for _ in range(6):
        steps = (value - minimum) / step
        if abs(steps - round(steps)) <= 1e-9 * max(1.0, abs(steps)):
            break
        step /= 10
    binding = alt.binding_range(min=minimum, max=max(maximum, value), step=step, name=f"{label} ")
    return alt.param(name=name, value=value, bind=binding)


def _dropdown(
    name: str, label: str, options: Sequence[str], value: str, labels: Sequence[str] | None = None
) -> alt.Parameter:
    """A chart parameter called ``name``, drawn as a labelled drop-down list of ``options``."""
    binding = alt.binding_select(
        options=list(options),
        labels=list(labels) if labels is not None else list(options),
        name=f"{label} ",
    )
    return alt.param(name=name, value=value, bind=binding)


def _check_table(
    table: str, frame: object, columns: Sequence[str], numeric: Sequence[str] = ()
) -> pd.DataFrame:
    """Check that ``frame`` is a non-empty DataFrame with ``columns``; ``numeric`` hold numbers.

    ``table`` names the table in the messages, e.g. "curve table is empty".
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{table} must be a pandas DataFrame, got {type(frame).__name__}")
    check_columns(table, frame, columns)
    if frame.empty:
        raise ValueError(f"{table} table is empty: it needs at least one row")
    for column in numeric:
        values = frame[column]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            raise ValueError(
                f"{table} column {column!r} must hold numbers, got {values.dtype} values"
            )
        if values.isna().any():
            row = int(np.flatnonzero(values.isna().to_numpy())[0])
            raise ValueError(f"{table} column {column!r} has a missing value in row {row}")
    return frame


def _finite_or_none(values: pd.Series) -> list[float | None]:
    """Numbers for a chart's data: JSON has no infinity, so ``inf`` becomes an empty cell."""
    return [float(v) if np.isfinite(v) else None for v in values.to_numpy(dtype=float)]


def _powers_sum(ratio: str, highest_power: int) -> str:
    """Vega expression for ``1 + r + r^2 + ... + r^n`` (n = ``highest_power``), Horner style.

    Written as ``1 + r * (1 + r * (...))``: it needs no special case when ``r`` is 1, unlike
    the closed form ``(1 - r^(n+1)) / (1 - r)``.
    """
    expression = "1"
    for _ in range(highest_power):
        expression = f"1 + {ratio} * ({expression})"
    return expression


def _readout(
    rows: alt.Chart,
    group_field: str,
    groups: Sequence[str],
    value_field: str,
    fmt: str,
    heading: str,
    corner: str,
    width: int,
) -> alt.Chart:
    """One line of text in a corner of the plot giving every group's value, e.g. at a slider.

    ``rows`` must already be filtered to one row per group. Writing all groups on one line
    (instead of a label beside each point) keeps labels from landing on top of each other when
    two groups have close values. ``heading`` is a Vega expression placed in front;
    ``corner`` is "left" or "right" (top of the plot).
    """
    parts = [
        f"{json.dumps(group + ': ')} + (isValid(datum[{json.dumps(group)}]) ? "
        f"format(datum[{json.dumps(group)}], '{fmt}') : 'no data')"
        for group in groups
    ]
    text = f"{heading} + '  ' + " + " + '  ·  ' + ".join(parts)
    left = corner == "left"
    return (
        rows.transform_pivot(group_field, value=value_field, groupby=[])
        .transform_calculate(text=text)
        .mark_text(align="left" if left else "right", baseline="top", fontWeight="bold")
        .encode(x=alt.value(4 if left else width - 4), y=alt.value(4), text="text:N")
    )


def with_values(spec: dict[str, Any], **values: Any) -> dict[str, Any]:
    """A copy of a chart spec (from ``chart.to_dict()``) whose parameters take new values.

    The live widgets use it to redraw a chart when a control moves: changing a few numbers in
    the spec takes microseconds, while building the Altair chart again takes a tenth of a
    second. ``values`` maps parameter names (e.g. ``cost_budget``) to their new values.
    Raises ValueError naming a parameter the chart does not have.
    """
    params = spec.get("params", [])
    known = [param["name"] for param in params if "value" in param]
    for name in values:
        if name not in known:
            raise ValueError(
                f"the chart has no parameter called {name!r}; it has: {', '.join(known)}"
            )
    updated = dict(spec)
    updated["params"] = [
        {**param, "value": _plain(values[param["name"]])} if param["name"] in values else param
        for param in params
    ]
    return updated


def _plain(value: Any) -> Any:
    """numpy numbers as plain Python numbers, so the spec stays valid JSON."""
    return value.item() if isinstance(value, np.generic) else value


# --- AIDMA vs. AISAS --------------------------------------------------------------------------

#: Slider names and labels for the four step rates of each funnel (in stage order).
_AIDMA_SLIDERS = (
    ("aidma_interest", "AIDMA Interest (share of Attention who become interested)"),
    ("aidma_desire", "AIDMA Desire (share of the interested who want it)"),
    ("aidma_memory", "AIDMA Memory (share of those who want it who still remember it)"),
    ("aidma_action", "AIDMA Action (share of those who remember who buy)"),
)
_AISAS_SLIDERS = (
    ("aisas_interest", "AISAS Interest (share of Attention who become interested)"),
    ("aisas_search", "AISAS Search (share of the interested who look it up)"),
    ("aisas_action", "AISAS Action (share of the searchers who buy)"),
    ("share_rate", "Share rate (share of buyers who repost)"),
)
_ALL_BUYERS_AIDMA = "All buyers (no share loop)"
_ALL_BUYERS_AISAS = "All buyers (with sharing)"


def _check_step_rates(name: str, rates: object, stages: Sequence[str]) -> list[float]:
    """``rates`` as a list with one share (0 to 1) per step between ``stages``, or ValueError."""
    if isinstance(rates, str) or not isinstance(rates, Sequence | np.ndarray | pd.Series):
        raise ValueError(f"{name} must be a list of shares between 0 and 1, got {rates!r}")
    checked = check_rates(name, rates)
    if len(checked) != len(stages) - 1:
        raise ValueError(
            f"{name} must have one share for each step between the {len(stages)} stages "
            f"({', '.join(stages)}): {len(stages) - 1} rates, got {len(checked)}"
        )
    return checked


def _funnel_rows(model: str, table: pd.DataFrame, all_buyers: str) -> pd.DataFrame:
    """Chart rows for one funnel: its stages (from the model's table) and an all-buyers row.

    ``steps`` counts the step rates applied to reach the row (0 for Attention); the all-buyers
    row counts the steps up to Action.
    """
    stages = [*table["stage"].astype(str), all_buyers]
    action_steps = list(table["stage"].astype(str)).index("Action")
    return pd.DataFrame(
        {
            "model": model,
            "position": np.arange(1, len(stages) + 1),
            "stage": stages,
            "steps": [*range(len(table)), action_steps],
            "all_buyers": [False] * len(table) + [True],
        }
    )


def _rate_expressions(names: Sequence[str]) -> tuple[str, str]:
    """Vega expressions for a funnel row: people reached, and the step rate into the row.

    ``names`` are the parameters holding the step rates. A row that took ``datum.steps``
    steps has ``audience x rate_1 x ... x rate_steps`` people (the funnel_table product).
    """
    factors = [f"(datum.steps >= {i} ? {name} : 1)" for i, name in enumerate(names, start=1)]
    people = " * ".join(["funnel_audience", *factors])
    step_rate = "1"
    for i, name in reversed(list(enumerate(names, start=1))):
        step_rate = f"(datum.steps == {i} ? {name} : {step_rate})"
    return people, step_rate


def funnel_chart(
    audience: float = FUNNEL_START["audience"],
    aidma_rates: Sequence[float] | None = None,
    aisas_rates: Sequence[float] | None = None,
    contacts_per_share: float = FUNNEL_START["contacts_per_share"],
    generations: int = FUNNEL_START["generations"],
    sliders: bool = True,
) -> alt.VConcatChart:
    """AIDMA and AISAS side by side: people at each stage, and the buyers sharing brings in.

    Parameters
    ----------
    audience
        People who pay attention to the campaign (the first stage of both funnels; a count).
    aidma_rates, aisas_rates
        Starting values of the four step rates of each funnel in stage order (shares 0 to 1):
        Interest, Desire, Memory, Action for AIDMA; Interest, Search, Action, Share for AISAS.
        ``None`` uses the models' teaching defaults
        (:data:`socialmarketing.funnel.AIDMA_DEFAULT_RATES` / ``AISAS_DEFAULT_RATES``).
    contacts_per_share
        Starting number of people who see each share (a count). The default 300 puts the viral
        coefficient K at 0.9, just below 1: push a slider and watch what happens above 1.
    generations
        Rounds of sharing counted in the AISAS "all buyers" bar (a whole number, 0 or more).
    sliders
        ``True`` draws sliders for every rate and for contacts per share, so a reader can change
        them on a static web page. ``False`` draws the chart for the given values only (the
        live widget uses this; its own controls redraw the chart).

    The people at each stage are computed in the browser from the slider values with the same
    formulas as :func:`socialmarketing.funnel.funnel_table` (a product of step rates) and
    :func:`socialmarketing.funnel.aisas_with_sharing` (buyers over ``generations`` rounds of
    sharing, without a market-size cap); the tests check that both give the same numbers.
    """
    if aidma_rates is None:
        aidma_rates = list(funnel.AIDMA_DEFAULT_RATES.values())
    if aisas_rates is None:
        aisas_rates = list(funnel.AISAS_DEFAULT_RATES.values())
    aidma_rates = _check_step_rates("aidma_rates", aidma_rates, funnel.AIDMA_STAGES)
    aisas_rates = _check_step_rates("aisas_rates", aisas_rates, funnel.AISAS_STAGES)
    audience = check_nonnegative("audience", audience)
    contacts_per_share = check_nonnegative("contacts_per_share", contacts_per_share)
    generations = check_count("generations", generations)
    # The model tables give the stages, in order, of the first pass through each funnel.
    aidma_table = funnel.funnel_table(audience, aidma_rates, funnel.AIDMA_STAGES)
    aisas_table = funnel.funnel_table(audience, aisas_rates, funnel.AISAS_STAGES)

    params = [alt.param(name="funnel_audience", value=audience)]
    for (name, label), rate in zip(
        _AIDMA_SLIDERS + _AISAS_SLIDERS, [*aidma_rates, *aisas_rates], strict=True
    ):
        params.append(_slider(name, label, float(rate), 0.0, 1.0, 0.01, bound=sliders))
    params.append(
        _slider(
            "contacts_per_share",
            "Contacts per share (people who see each repost)",
            float(contacts_per_share),
            0.0,
            500.0,
            10.0,
            bound=sliders,
        )
    )
    # K = share rate x contacts per share x contact conversion, where the contacts convert
    # like any audience: interest x search x action (as in funnel.aisas_with_sharing).
    contact_conversion = "aisas_interest * aisas_search * aisas_action"
    params.append(
        alt.param(name="viral_k", expr=f"share_rate * contacts_per_share * {contact_conversion}")
    )
    first_buyers = f"funnel_audience * {contact_conversion}"
    all_aisas_buyers = f"{first_buyers} * ({_powers_sum('viral_k', generations)})"

    x_scale = alt.Scale(domainMin=0)
    panels = []
    for model, table, sliders_of_model, all_buyers, colour in (
        ("AIDMA", aidma_table, _AIDMA_SLIDERS, _ALL_BUYERS_AIDMA, PALETTE[0]),
        ("AISAS", aisas_table, _AISAS_SLIDERS, _ALL_BUYERS_AISAS, PALETTE[1]),
    ):
        rows = _funnel_rows(model, table, all_buyers)
        people, step_rate = _rate_expressions([name for name, _ in sliders_of_model])
        if model == "AISAS":
            people = f"datum.all_buyers ? {all_aisas_buyers} : {people}"
        base = alt.Chart(rows).transform_calculate(
            people=people,
            step_rate=f"datum.all_buyers ? null : {step_rate}",
            share_of_audience="funnel_audience > 0 ? datum.people / funnel_audience : 0",
            label="format(datum.people, ',.0f')",
        )
        y = alt.Y(
            "stage:N",
            sort=rows["stage"].tolist(),
            title=None,
            axis=alt.Axis(labelLimit=220),
        )
        bars = base.mark_bar(color=colour).encode(
            x=alt.X("people:Q", title="People (expected count)", scale=x_scale),
            y=y,
            opacity=alt.condition("datum.all_buyers", alt.value(0.55), alt.value(1.0)),
            strokeDash=alt.condition("datum.all_buyers", alt.value([4, 2]), alt.value([1, 0])),
            stroke=alt.value(PALETTE[7]),
            strokeWidth=alt.condition("datum.all_buyers", alt.value(1.5), alt.value(0)),
            tooltip=[
                alt.Tooltip("stage:N", title="Stage"),
                alt.Tooltip("people:Q", title="People", format=",.1f"),
                alt.Tooltip("step_rate:Q", title="Share of the stage before", format=".1%"),
                alt.Tooltip("share_of_audience:Q", title="Share of the audience", format=".2%"),
            ],
        )
        labels = base.mark_text(align="left", dx=4, baseline="middle").encode(
            x="people:Q", y=y, text="label:N"
        )
        panels.append(
            alt.layer(bars, labels, name=f"funnel_{model.lower()}").properties(
                width=260, height=210, title=f"{model}: people at each stage"
            )
        )

    summary_rows = pd.DataFrame({"line": [1, 2, 3]})
    summary = (
        alt.Chart(summary_rows, name="funnel_sharing")
        .transform_calculate(
            k="viral_k",
            first_buyers=first_buyers,
            all_buyers=all_aisas_buyers,
        )
        .transform_calculate(extra_buyers="datum.all_buyers - datum.first_buyers")
        .transform_calculate(
            text=(
                "datum.line == 1 ? 'Viral coefficient K = share rate × contacts per share × "
                "(interest × search × action) = ' + format(datum.k, '.2f') + "
                "' new customers per customer' : datum.line == 2 ? 'Sharing adds ' + "
                "format(datum.extra_buyers, ',.0f') + ' buyers to the campaign\\'s ' + "
                f"format(datum.first_buyers, ',.0f') + ' over {generations} rounds of sharing'"
                " : (datum.k < 1 ? 'K below 1: each round of sharing is smaller than the one "
                "before, so the total levels off' : 'K of 1 or more: every buyer brings at "
                "least one more, and growth only stops when the market runs out')"
            )
        )
        .mark_text(align="left", baseline="middle", fontSize=13)
        .encode(
            x=alt.value(0),
            y=alt.Y("line:O", axis=None),
            text="text:N",
        )
        .properties(width=560, height=66, view=alt.ViewConfig(stroke=None))
        # Parameters go on one small view; Altair lifts them to the top of the spec, where
        # every view can use them (adding them to the whole concatenation is much slower).
        .add_params(*params)
    )
    return alt.vconcat(alt.hconcat(*panels).resolve_scale(x="shared"), summary).properties(
        title=alt.Title(
            "AIDMA vs. AISAS: the same attention, and what sharing adds",
            subtitle=(
                "The same attention goes down both funnels. Move the sliders to change each "
                "step's rate."
                if sliders
                else "The same attention goes down both funnels."
            ),
        ),
        description=(
            "Two horizontal bar charts side by side show how many of the people who pay "
            "attention reach each stage of the AIDMA funnel (Attention, Interest, Desire, "
            "Memory, Action) and of the AISAS funnel (Attention, Interest, Search, Action, "
            "Share). A last, dashed bar in each shows all buyers; for AISAS it adds the "
            "buyers won by sharing. A line of text below gives the viral coefficient K."
        ),
    )


# --- cost / ROI calculator ----------------------------------------------------------------------

#: The campaign quantities the calculator shows: (name in campaign_outcome, label, format, unit,
#: text shown when the value is infinite).
_CAMPAIGN_ROWS = (
    ("impressions", "Impressions", ",.0f", "views", ""),
    ("clicks", "Clicks", ",.0f", "clicks", ""),
    ("orders", "Orders", ",.1f", "orders", ""),
    ("revenue", "Revenue", ",.0f", "yuan", ""),
    ("gross_profit", "Gross profit (revenue × margin)", ",.0f", "yuan", ""),
    ("profit", "Profit (gross profit − budget)", ",.0f", "yuan", ""),
    ("cpm", "CPM (cost per 1,000 impressions)", ",.2f", "yuan", ""),
    ("cpa", "CPA (cost per order)", ",.2f", "yuan", "no orders"),
    ("roas", "ROAS (revenue per yuan spent)", ",.2f", "yuan", ""),
    ("roi", "ROI (profit per yuan spent)", ".1%", "", ""),
    ("break_even_cpc", "Break-even CPC (highest affordable)", ",.2f", "yuan", ""),
    ("break_even_cvr", "Break-even CVR (lowest that pays)", ".2%", "", "none: margin is 0"),
    ("break_even_roas", "Break-even ROAS (1 / margin)", ",.2f", "yuan", "none: margin is 0"),
)

#: The money bars: (name in campaign_outcome, label).
_MONEY_BARS = (
    ("budget", "Ad spend (budget)"),
    ("revenue", "Revenue"),
    ("gross_profit", "Gross profit"),
)


def _campaign_expressions() -> dict[str, str]:
    """Vega expressions for campaign_outcome's quantities, from the calculator's parameters.

    Same definitions as :func:`socialmarketing.costs.campaign_outcome` (the tests compare
    them). Each may use the ones before it as ``datum.<name>``.
    """
    return {
        "budget": "cost_budget",
        "clicks": "cost_budget / cost_cpc",
        "impressions": "datum.clicks / cost_ctr",
        "orders": "datum.clicks * cost_cvr",
        "revenue": "datum.orders * cost_order_value",
        "gross_profit": "datum.revenue * cost_margin",
        "profit": "datum.gross_profit - cost_budget",
        "cpm": "1000 * cost_cpc * cost_ctr",
        "cpa": "cost_budget / datum.orders",
        "roas": "datum.revenue / cost_budget",
        "roi": "datum.profit / cost_budget",
        "break_even_cvr": "cost_cpc / (cost_order_value * cost_margin)",
        "break_even_cpc": "cost_cvr * cost_order_value * cost_margin",
        "break_even_roas": "1 / cost_margin",
    }


def _pick_field(key: str, names: Sequence[str], fallback: str = "null") -> str:
    """An expression for the field named by ``datum.<key>``, one of ``names``.

    Use it instead of ``datum[datum.<key>]``. Vega reruns a calculation on rows whose fields
    it reads have changed, but it cannot see which field a computed name like
    ``datum[datum.metric]`` reads, so after a slider moves that calculation keeps its old
    result. This chain of ``?:`` names every field, so it stays up to date.
    """
    chain = fallback
    for name in reversed(list(names)):
        chain = f"datum.{key} == {json.dumps(name)} ? datum.{name} : {chain}"
    return chain


def _with_campaign_fields(chart: alt.Chart) -> alt.Chart:
    """Add every campaign quantity as a field, then ``value``: the row's own ``metric``."""
    expressions = _campaign_expressions()
    for name, expression in expressions.items():
        chart = chart.transform_calculate(**{name: expression})
    return chart.transform_calculate(value=_pick_field("metric", list(expressions)))


def cost_calculator_chart(
    budget: float = COST_START["budget"],
    cpc: float = COST_START["cpc"],
    ctr: float = COST_START["ctr"],
    cvr: float = COST_START["cvr"],
    order_value: float = COST_START["order_value"],
    margin: float = COST_START["margin"],
    sliders: bool = True,
) -> alt.HConcatChart:
    """A pay-per-click campaign calculator: from budget to orders, profit and ROI.

    Parameters (the starting slider values; money in yuan, rates as shares 0 to 1)
    ----------
    budget
        Money spent on clicks (more than 0).
    cpc
        Price of one click (more than 0).
    ctr
        Click-through rate, the share of impressions clicked (more than 0, at most 1).
    cvr
        Conversion rate, the share of clicks that order (0 to 1).
    order_value
        Average order value (more than 0).
    margin
        Gross margin, the share of each order's value kept after paying for the goods.
    sliders
        ``True`` draws a slider for each input; ``False`` draws the chart for these values only
        (for the live widget, whose own controls redraw it).

    Left: a table of what the budget buys (impressions, clicks, orders), earns (revenue, gross
    profit, profit) and the ratios (CPM, CPA, ROAS, ROI, break-even CPC, CVR and ROAS). Right:
    bars of ad spend, revenue and gross profit in yuan with a dashed break-even line at the ad
    spend: the campaign makes money when the gross-profit bar crosses it.

    The browser computes the numbers from the sliders with the definitions of
    :func:`socialmarketing.costs.campaign_outcome`; the tests check the two agree.
    """
    outcome = costs.campaign_outcome(budget, cpc, ctr, cvr, order_value, margin)  # checks inputs
    params = [
        _slider("cost_budget", "Budget (yuan)", float(budget), 1_000, 100_000, 500, sliders),
        _slider("cost_cpc", "CPC (yuan per click)", float(cpc), 0.1, 10.0, 0.1, sliders),
        _slider(
            "cost_ctr", "CTR (share of impressions clicked)", float(ctr), 0.001, 0.1, 0.001, sliders
        ),
        _slider(
            "cost_cvr", "CVR (share of clicks that order)", float(cvr), 0.0, 0.2, 0.001, sliders
        ),
        _slider(
            "cost_order_value",
            "Average order value (yuan)",
            float(order_value),
            10,
            1000,
            10,
            sliders,
        ),
        _slider(
            "cost_margin",
            "Gross margin (share of order value kept)",
            float(margin),
            0,
            1,
            0.01,
            sliders,
        ),
    ]
    known = set(outcome.index)
    table_rows = pd.DataFrame(
        [
            {"order": i, "metric": name, "label": label, "fmt": fmt, "unit": unit, "inf": inf}
            for i, (name, label, fmt, unit, inf) in enumerate(_CAMPAIGN_ROWS)
            if name in known
        ]
    )
    table_base = _with_campaign_fields(alt.Chart(table_rows)).transform_calculate(
        shown=(
            "isFinite(datum.value) ? format(datum.value, datum.fmt) + "
            "(datum.unit ? ' ' + datum.unit : '') : datum.inf"
        )
    )
    y = alt.Y("label:N", sort=alt.EncodingSortField("order"), axis=None)
    names = (
        table_base.mark_text(align="left", baseline="middle")
        .encode(x=alt.value(0), y=y, text="label:N")
        .add_params(*params)  # lifted to the top of the spec (faster than on the whole chart)
    )
    values = table_base.mark_text(align="right", baseline="middle", fontWeight="bold").encode(
        x=alt.value(340),
        y=y,
        text="shown:N",
        tooltip=[alt.Tooltip("label:N", title="Quantity"), alt.Tooltip("shown:N", title="Value")],
    )
    table = alt.layer(names, values, name="campaign_table").properties(
        width=340,
        height=20 * len(table_rows),
        title="What the budget buys and earns",
        view=alt.ViewConfig(stroke=None),
    )

    bar_rows = pd.DataFrame(
        [
            {"order": i, "metric": name, "label": label}
            for i, (name, label) in enumerate(_MONEY_BARS)
        ]
    )
    bar_base = _with_campaign_fields(alt.Chart(bar_rows))
    bar_y = alt.Y("label:N", sort=alt.EncodingSortField("order"), title=None)
    money_x = alt.X("value:Q", title="Yuan", scale=alt.Scale(domainMin=0))
    bars = bar_base.mark_bar(color=PALETTE[0]).encode(
        x=money_x,
        y=bar_y,
        tooltip=[
            alt.Tooltip("label:N", title="Amount"),
            alt.Tooltip("value:Q", title="Yuan", format=",.0f"),
        ],
    )
    bar_labels = bar_base.mark_text(align="left", dx=4, baseline="middle").encode(
        x="value:Q", y=bar_y, text=alt.Text("value:Q", format=",.0f")
    )
    break_even = (
        bar_base.transform_filter("datum.metric == 'budget'")
        .mark_rule(color=PALETTE[5], strokeDash=[6, 3], strokeWidth=2)
        .encode(
            x="value:Q",
            tooltip=[alt.Tooltip("value:Q", title="Break-even gross profit (yuan)", format=",.0f")],
        )
    )
    break_even_label = (
        bar_base.transform_filter("datum.metric == 'budget'")
        .transform_calculate(
            note="datum.profit >= 0 ? 'break-even: profit ' + format(datum.profit, ',.0f') + "
            "' yuan' : 'break-even: loss ' + format(-datum.profit, ',.0f') + ' yuan'"
        )
        .mark_text(align="left", dx=4, dy=-8, baseline="bottom", color=PALETTE[5])
        .encode(x="value:Q", y=alt.value(0), text="note:N")
    )
    money = alt.layer(bars, bar_labels, break_even, break_even_label, name="campaign_money")
    money = money.properties(
        width=300, height=150, title="Gross profit must reach the ad spend (dashed line)"
    )
    return alt.hconcat(table, money).properties(
        title=alt.Title(
            "Cost and ROI calculator for a pay-per-click campaign",
            subtitle=(
                "Move the sliders: budget, price per click, click and conversion rates, "
                "order value and margin."
                if sliders
                else "Budget, price per click, click and conversion rates, order value "
                "and margin as set."
            ),
        ),
        description=(
            "A table lists what a pay-per-click budget buys (impressions, clicks, orders), "
            "what it earns (revenue, gross profit, profit) and the ratios CPM, CPA, ROAS, "
            "ROI and the break-even CPC, CVR and ROAS. Beside it, horizontal bars compare "
            "the ad spend, revenue and gross profit in yuan, with a dashed break-even line "
            "at the ad spend."
        ),
    )


# --- cascade reach against the repost probability -----------------------------------------------


_REACH_HEIGHT = 300  # pixels


def _slider_step(values: np.ndarray) -> float:
    """A slider step that lands on every value of a sorted grid (its smallest gap, rounded)."""
    if len(values) < 2:
        return 0.01
    gap = float(np.min(np.diff(values)))
    return float(f"{gap:.3g}")


def cascade_reach_chart(
    curve: pd.DataFrame,
    threshold: float | None = None,
    p: float | None = None,
    accounts: int | None = None,
) -> alt.LayerChart:
    """Expected reach of a post against the repost probability p, with a slider over p.

    Parameters
    ----------
    curve
        Output of :func:`socialmarketing.viral.expected_reach_curve`, computed by the caller
        for a grid of repost probabilities: one row per ``p`` with ``mean_reach`` (mean number
        of accounts that posted or reposted) and ``low`` / ``high`` (the 5 % and 95 % quantiles,
        counts). Keep the grid modest (a few dozen values of p).
    threshold
        The epidemic threshold (:func:`socialmarketing.viral.epidemic_threshold`), drawn as a
        dashed vertical rule when it lies between 0 and 1; ``None`` draws no rule.
    p
        Where the slider starts (the nearest grid value is highlighted); ``None`` starts at the
        grid value nearest the threshold, or in the middle of the grid.
    accounts
        Number of accounts in the graph (a count), mentioned in the subtitle if given.

    The slider picks the grid value nearest to its position and prints that row's expected
    reach and range. The numbers are the caller's simulation results; the chart only shows them.
    """
    _check_table(
        "curve", curve, ["p", "mean_reach", "low", "high"], ["p", "mean_reach", "low", "high"]
    )
    grid = curve.sort_values("p", ignore_index=True)[["p", "mean_reach", "low", "high"]]
    for column in grid.columns:
        values = grid[column].to_numpy(dtype=float)
        if not np.isfinite(values).all():
            raise ValueError(f"curve column {column!r} must hold finite numbers")
        if column == "p":
            check_rate("curve column 'p'", float(values.min()))
            check_rate("curve column 'p'", float(values.max()))
        else:
            check_nonnegative(f"curve column {column!r}", float(values.min()))
    if grid["p"].duplicated().any():
        repeated = grid.loc[grid["p"].duplicated(), "p"].iloc[0]
        raise ValueError(
            f"curve column 'p' must not repeat a value, but {repeated:g} appears twice"
        )
    if (grid["low"] > grid["high"]).any():
        row = int(np.flatnonzero((grid["low"] > grid["high"]).to_numpy())[0])
        raise ValueError(f"curve row {row} has low above high: low must be the 5 % quantile")
    if threshold is not None and not (isinstance(threshold, float) and threshold == math.inf):
        threshold = check_nonnegative("threshold", threshold)
    else:
        threshold = None  # no threshold, or an infinite one: no p makes a cascade take off
    draw_threshold = threshold is not None and threshold <= 1
    if accounts is not None:
        accounts = check_count("accounts", accounts, minimum=1)

    ps = grid["p"].to_numpy(dtype=float)
    if p is None:
        p = threshold if draw_threshold else float(np.median(ps))
    p = check_rate("p", p)
    start = float(ps[np.argmin(np.abs(ps - p))])
    slider = _slider(
        "reach_p",
        "Repost probability p (chance each follower reposts)",
        start,
        float(ps.min()),
        float(ps.max()),
        _slider_step(ps),
    )

    base = alt.Chart(grid)
    x = alt.X(
        "p:Q",
        title="Repost probability p (share of followers who repost)",
        scale=alt.Scale(domain=[0, max(float(ps.max()), threshold if draw_threshold else 0.0)]),
    )
    tooltip = [
        alt.Tooltip("p:Q", title="Repost probability p", format=".3f"),
        alt.Tooltip("mean_reach:Q", title="Expected reach (accounts)", format=",.1f"),
        alt.Tooltip("low:Q", title="5 % of runs reach at most", format=",.0f"),
        alt.Tooltip("high:Q", title="95 % of runs reach at most", format=",.0f"),
    ]
    band = base.mark_area(opacity=0.25, color=PALETTE[0]).encode(
        x=x, y=alt.Y("low:Q", title="Accounts reached (cascade size)"), y2="high:Q", tooltip=tooltip
    )
    line = base.mark_line(color=PALETTE[0], point=alt.OverlayMarkDef(color=PALETTE[0])).encode(
        x=x, y="mean_reach:Q", tooltip=tooltip
    )
    chosen = (
        base.transform_calculate(distance="abs(datum.p - reach_p)")
        .transform_joinaggregate(nearest="min(distance)")
        .transform_filter("datum.distance == datum.nearest")
    )
    highlight = chosen.mark_point(
        shape="diamond", size=180, filled=True, color=PALETTE[5], stroke=PALETTE[7], strokeWidth=1
    ).encode(x=x, y="mean_reach:Q", tooltip=tooltip)
    note = (
        chosen.transform_calculate(
            text="'p = ' + format(datum.p, '.3f') + ': expected reach ' + "
            "format(datum.mean_reach, ',.1f') + ' accounts (90 % of runs: ' + "
            "format(datum.low, ',.0f') + ' to ' + format(datum.high, ',.0f') + ')'"
        )
        .mark_text(align="left", baseline="top", fontSize=13)
        .encode(x=alt.value(4), y=alt.value(4), text="text:N")
    )
    layers = [band, line, highlight, note]
    subtitle = ["The line is the mean of many simulated cascades; the band holds 90 % of runs."]
    if draw_threshold:
        rule_data = pd.DataFrame({"threshold": [threshold]})
        rule = (
            alt.Chart(rule_data)
            .mark_rule(strokeDash=[6, 3], color=PALETTE[7])
            .encode(
                x="threshold:Q",
                tooltip=[alt.Tooltip("threshold:Q", title="Epidemic threshold p_c", format=".3f")],
            )
        )
        rule_label = (
            alt.Chart(rule_data)
            .mark_text(align="left", dx=4, baseline="bottom", angle=0)
            .encode(
                x="threshold:Q",
                y=alt.value(_REACH_HEIGHT - 4),
                text=alt.value(f"epidemic threshold p_c = {threshold:.3f}"),
            )
        )
        layers += [rule, rule_label]
        subtitle.append(
            "Right of the dashed line each repost causes more than one more, on average."
        )
    elif threshold is not None:
        subtitle.append(
            f"The epidemic threshold ({threshold:.3g}) is above 1: no p makes it take off."
        )
    if accounts is not None:
        subtitle[0] = f"On a follower graph of {accounts:,} accounts. " + subtitle[0]
    return (
        alt.layer(*layers, name="reach_curve")
        .add_params(slider)
        .properties(
            width=520,
            height=_REACH_HEIGHT,
            title=alt.Title("How far a post spreads as reposting gets likelier", subtitle=subtitle),
            description=(
                "A line chart of the expected number of accounts a post reaches (y) against the "
                "probability p that a follower reposts it (x), with a shaded band between the 5 % "
                "and 95 % quantiles of simulated cascades. A diamond marks the p chosen with the "
                "slider and a text line gives its expected reach"
                + (
                    "; a dashed vertical rule marks the epidemic threshold."
                    if draw_threshold
                    else "."
                )
            ),
        )
    )


# --- paid search vs. social media, week by week --------------------------------------------------

_PAID_VS_SOCIAL_COLUMNS = (
    "week",
    "channel",
    "customers",
    "cumulative_customers",
    "cost_per_customer",
    "cumulative_cost_per_customer",
)


def paid_vs_social_chart(table: pd.DataFrame, week: int | None = None) -> alt.VConcatChart:
    """Customers and cost per customer, week by week, for paid search against social media.

    Parameters
    ----------
    table
        Output of :func:`socialmarketing.costs.paid_vs_social`: one row per (week, channel)
        with ``customers`` and ``cumulative_customers`` (counts) and ``cost_per_customer`` and
        ``cumulative_cost_per_customer`` (yuan; ``inf`` before the first customer).
    week
        Where the week slider starts (a whole number); ``None`` starts at the last week.

    A drop-down switches between totals so far (cumulative) and each week on its own; a slider
    picks a week, marks both channels' points and prints their numbers in one line of text.
    Cost per customer uses a log scale because the social channel's first weeks cost hundreds
    of times more per customer than its later weeks. Weeks without customers (cost per
    customer ``inf``) or without spending have no cost point.
    """
    numeric = [c for c in _PAID_VS_SOCIAL_COLUMNS if c != "channel"]
    _check_table("paid_vs_social", table, list(_PAID_VS_SOCIAL_COLUMNS), numeric)
    for column in ("week", "customers", "cumulative_customers"):
        values = table[column].to_numpy(dtype=float)
        if not np.isfinite(values).all() or (values < 0).any():
            raise ValueError(f"paid_vs_social column {column!r} must hold numbers 0 or more")
    if table.duplicated(["week", "channel"]).any():
        raise ValueError("paid_vs_social table must have one row per week and channel")
    last_week = int(table["week"].max())
    first_week = int(table["week"].min())
    week = last_week if week is None else check_count("week", week, minimum=first_week)
    week = min(week, last_week)

    # Only what the chart draws; inf and 0 cost (no customers, no spending) become empty cells.
    data = pd.DataFrame(
        {
            "week": table["week"].astype(int).to_numpy(),
            "channel": table["channel"].astype(str).to_numpy(),
            "customers": table["customers"].to_numpy(dtype=float),
            "cumulative_customers": table["cumulative_customers"].to_numpy(dtype=float),
        }
    )
    for column in ("cost_per_customer", "cumulative_cost_per_customer"):
        cost = table[column].where(table[column] > 0, np.inf)
        data[column] = _finite_or_none(cost)
    channels = sorted(data["channel"].unique())

    view = _dropdown(
        "psv_view",
        "Show",
        ["so far", "each week"],
        "so far",
        labels=["Totals so far (cumulative)", "Each week on its own"],
    )
    chosen_week = _slider("psv_week", "Week", week, first_week, last_week, 1)
    base = alt.Chart(data).transform_calculate(
        shown_customers=("psv_view == 'so far' ? datum.cumulative_customers : datum.customers"),
        shown_cost=(
            "psv_view == 'so far' ? datum.cumulative_cost_per_customer : datum.cost_per_customer"
        ),
    )
    colour = alt.Color(
        "channel:N",
        title="Channel",
        scale=alt.Scale(domain=channels, range=PALETTE[: len(channels)]),
    )
    dash = alt.StrokeDash(
        "channel:N",
        title="Channel",
        scale=alt.Scale(
            domain=channels, range=[[1, 0], [6, 3], [2, 2], [8, 2, 2, 2]][: len(channels)]
        ),
    )
    shape = alt.Shape(
        "channel:N",
        title="Channel",
        scale=alt.Scale(
            domain=channels, range=["circle", "square", "triangle-up", "diamond"][: len(channels)]
        ),
    )
    x = alt.X("week:Q", title="Week", axis=alt.Axis(tickMinStep=1))
    tooltip = [
        alt.Tooltip("channel:N", title="Channel"),
        alt.Tooltip("week:Q", title="Week"),
        alt.Tooltip("customers:Q", title="Customers that week", format=",.1f"),
        alt.Tooltip("cumulative_customers:Q", title="Customers so far", format=",.1f"),
        alt.Tooltip("cost_per_customer:Q", title="Yuan per customer that week", format=",.1f"),
        alt.Tooltip(
            "cumulative_cost_per_customer:Q", title="Yuan per customer so far", format=",.1f"
        ),
    ]

    def panel(
        field: str, title: str, y_title: str, log: bool, fmt: str, name: str, corner: str
    ) -> alt.LayerChart:
        shown = base.transform_filter(f"isValid(datum.{field})")
        y = alt.Y(
            f"{field}:Q",
            title=y_title,
            scale=alt.Scale(type="log") if log else alt.Scale(domainMin=0),
        )
        lines = shown.mark_line().encode(x=x, y=y, color=colour, strokeDash=dash)
        points = shown.mark_point(filled=True, size=30).encode(
            x=x, y=y, color=colour, shape=shape, tooltip=tooltip
        )
        at_week = shown.transform_filter("datum.week == psv_week")
        rule = (
            alt.Chart(pd.DataFrame({"one": [1]}))
            .transform_calculate(week="psv_week")
            .mark_rule(color=PALETTE[7], strokeDash=[2, 2])
            .encode(x="week:Q")
        )
        marked = at_week.mark_point(filled=True, size=140, opacity=1).encode(
            x=x, y=y, color=colour, shape=shape, tooltip=tooltip
        )
        readout = _readout(
            at_week, "channel", channels, field, fmt, "'Week ' + psv_week + ':'", corner, 520
        )
        return alt.layer(lines, points, rule, marked, readout, name=name).properties(
            width=520, height=200, title=title
        )

    customers_panel = panel(
        "shown_customers",
        "Customers",
        "Customers (expected count)",
        False,
        ",.0f",
        "psv_customers",
        "left",
    )
    cost_panel = panel(
        "shown_cost",
        "Cost per customer",
        "Yuan per customer (log scale)",
        True,
        ",.0f",
        "psv_cost",
        "right",
    )
    return (
        alt.vconcat(customers_panel, cost_panel)
        .add_params(view, chosen_week)
        .properties(
            title=alt.Title(
                "Paid search vs. social media: the same weekly budget",
                subtitle=(
                    "Paid clicks get dearer every week; the social audience builds up slowly, "
                    "then keeps working. Pick a view and a week."
                ),
            ),
            description=(
                "Two line charts over weeks compare a paid-search channel with a social-media "
                "channel given the same weekly budget: the top chart shows customers, the bottom "
                "chart the cost per customer in yuan on a log scale. A drop-down switches "
                "between totals so far and each week on its own; a dotted vertical line marks "
                "the week chosen with the slider and a line of text gives both channels' "
                "values there."
            ),
        )
    )


# --- retention: club members and others ------------------------------------------------------

_RETENTION_COLUMNS = (
    "periods_since_first",
    "customers_observed",
    "active_customers",
    "share_active",
)
_PERIOD_WORDS = {"W": "Weeks", "M": "Months"}


def _group_label(by: str, value: object) -> str:
    """How a group appears in the legend: ``club member: yes`` for True/False groups."""
    if isinstance(value, bool | np.bool_):
        return f"{by.replace('_', ' ')}: {'yes' if value else 'no'}"
    return str(value)


def retention_chart(
    curve: pd.DataFrame,
    period: str = "W",
    min_customers: int = 20,
    labels: dict[object, str] | None = None,
) -> alt.LayerChart:
    """Share of customers still ordering k weeks (or months) after their first order.

    Parameters
    ----------
    curve
        Output of :func:`socialmarketing.relationship.retention_curve`, either for all
        customers or split by a group (e.g. ``by="club_member"``): columns
        ``periods_since_first`` (k), ``customers_observed`` and ``active_customers`` (counts)
        and ``share_active`` (a share between 0 and 1), plus the group column if split.
    period
        The curve's period, ``"W"`` (weeks) or ``"M"`` (months), for the axis title.
    min_customers
        Points resting on fewer observed customers than this (a count) are left out: late
        points see only the earliest cohorts and jump around. 1 keeps every point.
    labels
        Optional names for the groups, e.g. ``{True: "club members", False: "others"}``.
        Without, True/False groups read "club member: yes" / "club member: no".

    A slider picks k, marks each group's point and prints the groups' shares in one line of
    text. Groups differ in colour, line dash and point shape.
    """
    _check_table("retention curve", curve, list(_RETENTION_COLUMNS), list(_RETENTION_COLUMNS))
    period = check_choice("period", period, list(_PERIOD_WORDS))
    min_customers = check_count("min_customers", min_customers, minimum=1)
    shares = curve["share_active"].to_numpy(dtype=float)
    if ((shares < 0) | (shares > 1)).any():
        row = int(np.flatnonzero((shares < 0) | (shares > 1))[0])
        raise ValueError(
            f"retention curve column 'share_active' must be between 0 and 1, got "
            f"{shares[row]!r} in row {row}"
        )
    extra = [c for c in curve.columns if c not in _RETENTION_COLUMNS]
    if len(extra) > 1:
        raise ValueError(
            "retention curve table must have at most one group column besides "
            f"{', '.join(_RETENTION_COLUMNS)}; it also has {', '.join(map(str, extra))}"
        )
    by = extra[0] if extra else None
    kept = curve[curve["customers_observed"] >= min_customers]
    if kept.empty:
        raise ValueError(
            f"every point of the retention curve rests on fewer than min_customers="
            f"{min_customers} customers; lower min_customers"
        )
    names = labels or {}
    data = pd.DataFrame(
        {
            "group": [names.get(v, _group_label(by, v)) for v in kept[by]]
            if by is not None
            else "all customers",
            "k": kept["periods_since_first"].astype(int).to_numpy(),
            "customers_observed": kept["customers_observed"].astype(int).to_numpy(),
            "active_customers": kept["active_customers"].astype(int).to_numpy(),
            "share_active": kept["share_active"].to_numpy(dtype=float),
        }
    )
    groups = list(dict.fromkeys(data["group"]))
    unit = _PERIOD_WORDS[period]
    last_k = int(data["k"].max())
    chosen_k = _slider("retention_k", f"{unit} since the first order", min(1, last_k), 0, last_k, 1)
    x = alt.X("k:Q", title=f"{unit} since the first order (k)", axis=alt.Axis(tickMinStep=1))
    y = alt.Y(
        "share_active:Q",
        title="Share of customers ordering again",
        axis=alt.Axis(format="%"),
        scale=alt.Scale(domain=[0, 1]),
    )
    colour = alt.Color(
        "group:N", title="Customers", scale=alt.Scale(domain=groups, range=PALETTE[: len(groups)])
    )
    dash = alt.StrokeDash(
        "group:N",
        title="Customers",
        scale=alt.Scale(domain=groups, range=[[1, 0], [6, 3], [2, 2], [8, 2, 2, 2]][: len(groups)]),
    )
    shape = alt.Shape(
        "group:N",
        title="Customers",
        scale=alt.Scale(domain=groups, range=["circle", "square", "triangle-up", "diamond"]),
    )
    tooltip = [
        alt.Tooltip("group:N", title="Customers"),
        alt.Tooltip("k:Q", title=f"{unit} since the first order"),
        alt.Tooltip("share_active:Q", title="Share ordering", format=".1%"),
        alt.Tooltip("active_customers:Q", title="Customers ordering", format=","),
        alt.Tooltip("customers_observed:Q", title="Customers observed that long", format=","),
    ]
    base = alt.Chart(data)
    lines = base.mark_line().encode(x=x, y=y, color=colour, strokeDash=dash)
    points = base.mark_point(filled=True, size=40).encode(
        x=x, y=y, color=colour, shape=shape, tooltip=tooltip
    )
    rule = (
        alt.Chart(pd.DataFrame({"one": [1]}))
        .transform_calculate(k="retention_k")
        .mark_rule(color=PALETTE[7], strokeDash=[2, 2])
        .encode(x="k:Q")
    )
    at_k = base.transform_filter("datum.k == retention_k")
    marked = at_k.mark_point(filled=True, size=140, opacity=1).encode(
        x=x, y=y, color=colour, shape=shape, tooltip=tooltip
    )
    unit_word = unit.lower().rstrip("s")
    readout = _readout(
        at_k,
        "group",
        groups,
        "share_active",
        ".1%",
        f"'{unit_word.capitalize()} ' + retention_k + ':'",
        "right",
        520,
    )
    return (
        alt.layer(lines, points, rule, marked, readout, name="retention_curve")
        .add_params(chosen_k)
        .properties(
            width=520,
            height=300,
            title=alt.Title(
                "Do customers come back?",
                subtitle=(
                    f"Share of customers who order again k {unit.lower()} after their first "
                    f"order. Points resting on fewer than {min_customers} customers are left out."
                ),
            ),
            description=(
                f"A line chart of the share of customers who order in each {unit_word} after "
                "their first order, "
                + (
                    "one line per group (" + ", ".join(groups) + "), told apart by colour, "
                    "dash and point shape. "
                    if by is not None
                    else "for all customers. "
                )
                + f"A dotted vertical line marks the {unit_word} chosen with the slider and "
                "a line of text gives the shares there."
            ),
        )
    )


# --- customer lifetime value ------------------------------------------------------------------


def clv_chart(
    margin_per_period: float = CLV_START["margin_per_period"],
    retention: float = CLV_START["retention"],
    discount_rate: float = CLV_START["discount_rate"],
    periods: int = CLV_START["periods"],
    max_periods: int = CLV_START["max_periods"],
    sliders: bool = True,
) -> alt.LayerChart:
    """Customer lifetime value, period by period, against its closed form.

    Parameters (starting slider values)
    ----------
    margin_per_period
        Gross profit per period from an active customer, in yuan (0 or more).
    retention
        Share of customers kept from one period to the next (0 to 1; the slider stops at 0.99).
    discount_rate
        Discount rate per period (0 or more).
    periods
        Periods counted in the CLV (a whole number, 1 to ``max_periods``).
    max_periods
        The longest horizon the periods slider offers (a whole number, 1 or more).
    sliders
        ``True`` draws sliders; ``False`` draws the chart for these values only (for the live
        widget).

    Bars show each period's present value ``m r^t / (1 + d)^t``, a line their running total,
    and a dashed line the endless-horizon closed form ``m (1 + d) / (1 + d - r)``. The browser
    computes them from the sliders with the definitions of
    :func:`socialmarketing.relationship.clv_table` and
    :func:`socialmarketing.relationship.customer_lifetime_value`; the tests check they agree.
    """
    max_periods = check_count("max_periods", max_periods, minimum=1)
    periods = check_count("periods", periods, minimum=1)
    if periods > max_periods:
        raise ValueError(f"periods must be at most max_periods ({max_periods}), got {periods}")
    table = relationship.clv_table(margin_per_period, retention, discount_rate, max_periods)
    endless = relationship.customer_lifetime_value(margin_per_period, retention, discount_rate)
    params = [
        _slider(
            "clv_margin",
            "Margin per period (yuan of gross profit)",
            float(margin_per_period),
            0,
            1000,
            10,
            sliders,
        ),
        _slider(
            "clv_retention",
            "Retention (share of customers kept each period)",
            float(retention),
            0,
            0.99,
            0.01,
            sliders,
        ),
        _slider(
            "clv_discount",
            "Discount rate per period",
            float(discount_rate),
            0,
            0.5,
            0.01,
            sliders,
        ),
        _slider("clv_periods", "Periods counted", periods, 1, max_periods, 1, sliders),
        # The endless-horizon closed form of relationship.customer_lifetime_value.
        alt.param(
            name="clv_endless",
            expr="clv_margin * (1 + clv_discount) / (1 + clv_discount - clv_retention)",
        ),
    ]
    rows = table[["period"]]
    terms = (
        alt.Chart(rows)
        .transform_filter("datum.period < clv_periods")
        .transform_calculate(
            still_customer="pow(clv_retention, datum.period)",
            discount_factor="1 / pow(1 + clv_discount, datum.period)",
        )
        .transform_calculate(expected_margin="clv_margin * datum.still_customer")
        .transform_calculate(present_value="datum.expected_margin * datum.discount_factor")
        .transform_window(
            cumulative_clv="sum(present_value)",
            sort=[alt.SortField("period")],
            frame=[None, 0],
        )
    )
    x = alt.X(
        "period:O",
        title="Period t (0 = the period of the first order)",
        axis=alt.Axis(labelAngle=0),
    )
    money = alt.Y("present_value:Q", title="Yuan (value today)", scale=alt.Scale(domainMin=0))
    tooltip = [
        alt.Tooltip("period:Q", title="Period t"),
        alt.Tooltip("still_customer:Q", title="Share still a customer (r^t)", format=".1%"),
        alt.Tooltip("expected_margin:Q", title="Expected margin (yuan)", format=",.2f"),
        alt.Tooltip("discount_factor:Q", title="Discount factor 1/(1+d)^t", format=".3f"),
        alt.Tooltip("present_value:Q", title="Value today (yuan)", format=",.2f"),
        alt.Tooltip("cumulative_clv:Q", title="CLV so far (yuan)", format=",.2f"),
    ]
    bars = terms.mark_bar(color=PALETTE[0], opacity=0.8).encode(x=x, y=money, tooltip=tooltip)
    running = terms.mark_line(
        color=PALETTE[7], point=alt.OverlayMarkDef(color=PALETTE[7], shape="square")
    ).encode(x=x, y="cumulative_clv:Q", tooltip=tooltip)
    one_row = alt.Chart(pd.DataFrame({"one": [1]})).transform_calculate(endless="clv_endless")
    closed_form = one_row.mark_rule(color=PALETTE[5], strokeDash=[6, 3], strokeWidth=2).encode(
        y="endless:Q",
        tooltip=[alt.Tooltip("endless:Q", title="CLV for ever (yuan)", format=",.2f")],
    )
    summary = (
        terms.transform_filter("datum.period == clv_periods - 1")
        .transform_calculate(endless="clv_endless")
        .transform_calculate(
            text="'CLV over ' + (datum.period + 1) + ' periods: ' + "
            "format(datum.cumulative_clv, ',.2f') + ' yuan (line);  for ever: ' + "
            "(isFinite(datum.endless) ? format(datum.endless, ',.2f') + ' yuan' : 'endless') + "
            "' (dashed: m(1+d)/(1+d−r))'"
        )
        .mark_text(align="left", baseline="top", fontSize=13)
        .encode(x=alt.value(4), y=alt.value(-18), text="text:N")
    )
    return (
        alt.layer(bars, running, closed_form, summary, name="clv_terms")
        .add_params(*params)
        .properties(
            width=520,
            height=300,
            title=alt.Title(
                "What a customer is worth: customer lifetime value",
                subtitle=[
                    "Bars: each period's margin, weighted by the chance the customer is still "
                    "there and discounted to today.",
                    "Line: their running total. Dashed: the closed form for an endless horizon."
                    + (" Move the sliders." if sliders else ""),
                ],
                offset=24,
            ),
            description=(
                "A bar chart of the value today of each period's expected margin from one "
                "customer, a line of the running total (the customer lifetime value over the "
                "periods counted) and a dashed horizontal line at the lifetime value for an "
                f"endless horizon (about {endless:,.0f} yuan at the starting values)."
            ),
        )
    )


# --- attribution: who gets the credit ---------------------------------------------------------

#: Readable names of the attribution models of socialmarketing.integrated.
_MODEL_LABELS = {
    "first_touch": "First touch",
    "last_touch": "Last touch",
    "linear": "Linear (equal shares)",
    "position_based": "Position-based (40 % first, 40 % last)",
    "time_decay": "Time decay (recent touches count more)",
    "shapley": "Shapley value",
    "markov": "Markov chain (removal effect)",
}


def attribution_chart(
    table: pd.DataFrame, model: str | None = None, measure: str = "conversions"
) -> alt.LayerChart:
    """Credit per channel under one attribution model, against every other model's credit.

    Parameters
    ----------
    table
        Output of :func:`socialmarketing.integrated.compare_attribution`: one row per model and
        channel with ``model``, ``channel``, ``conversions`` (credited conversions, a count
        that may be fractional) and ``share`` (of all conversions, 0 to 1).
    model
        The model shown first (the drop-down list offers every model in the table); ``None``
        picks the table's first model.
    measure
        The column drawn: ``"conversions"`` (default) or a credited value column of the table
        (e.g. ``"revenue"``, in yuan, when compare_attribution was given ``value_column``).

    Bars show the chosen model's credit per channel, labelled with the number and the share;
    small black ticks show every model's credit for the same channel, so the spread between
    models (how much the choice of model matters) is visible at a glance.
    """
    _check_table("attribution", table, ["model", "channel", measure, "share"], [measure, "share"])
    values = table[measure].to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise ValueError(f"attribution column {measure!r} must hold finite numbers")
    if measure in ("model", "channel", "share"):
        raise ValueError(
            f"measure must be a credited column such as 'conversions', got {measure!r}"
        )
    if table.duplicated(["model", "channel"]).any():
        raise ValueError("attribution table must have one row per model and channel")
    models = [str(name) for name in dict.fromkeys(table["model"].astype(str))]
    model = models[0] if model is None else check_choice("model", model, models)
    data = pd.DataFrame(
        {
            "model": table["model"].astype(str).to_numpy(),
            "model_label": [_MODEL_LABELS.get(m, m) for m in table["model"].astype(str)],
            "channel": table["channel"].astype(str).str.replace("_", " ").to_numpy(),
            "credit": values,
            "share": table["share"].to_numpy(dtype=float),
        }
    )
    # Channels in order of their average credit over all models, biggest first.
    channel_order = list(
        data.groupby("channel", sort=False)["credit"].mean().sort_values(ascending=False).index
    )
    chosen = _dropdown(
        "attribution_model",
        "Attribution model",
        models,
        model,
        labels=[_MODEL_LABELS.get(m, m) for m in models],
    )
    unit = "conversions" if measure == "conversions" else f"{measure.replace('_', ' ')}"
    fmt = ",.1f" if measure == "conversions" else ",.0f"
    y = alt.Y("channel:N", sort=channel_order, title="Channel")
    x = alt.X("credit:Q", title=f"Credited {unit}", scale=alt.Scale(domainMin=0))
    tooltip = [
        alt.Tooltip("model_label:N", title="Model"),
        alt.Tooltip("channel:N", title="Channel"),
        alt.Tooltip("credit:Q", title=f"Credited {unit}", format=fmt),
        alt.Tooltip("share:Q", title="Share of all conversions", format=".1%"),
    ]
    base = alt.Chart(data)
    selected = base.transform_filter("datum.model == attribution_model")
    bars = selected.mark_bar(color=PALETTE[0], opacity=0.85, size=14).encode(
        x=x, y=y, tooltip=tooltip
    )
    ticks = base.mark_tick(color=PALETTE[7], thickness=2, size=26, opacity=0.7).encode(
        x=x, y=y, tooltip=tooltip
    )
    labels = (
        selected.transform_calculate(
            text=f"format(datum.credit, '{fmt}') + '  (' + format(datum.share, '.0%') + ')'"
        )
        .mark_text(align="left", baseline="middle")
        .encode(x=alt.value(520 + 8), y=y, text="text:N")  # a column right of the plot
    )
    heading = (
        selected.transform_aggregate(total="sum(credit)", groupby=["model_label"])
        .transform_calculate(
            text=f"'Credit by ' + datum.model_label + ': ' + format(datum.total, '{fmt}') + "
            f"' {unit} in all'"
        )
        .mark_text(align="left", baseline="top", fontWeight="bold")
        .encode(x=alt.value(0), y=alt.value(-16), text="text:N")
    )
    return (
        alt.layer(bars, ticks, labels, heading, name="attribution")
        .add_params(chosen)
        .properties(
            width=520,
            height=max(160, 34 * len(channel_order)),
            title=alt.Title(
                "Who gets the credit for a sale? Attribution models compared",
                subtitle=(
                    "Bars: the model chosen in the drop-down list. Black ticks: the same "
                    "channel's credit under each model.",
                ),
                offset=22,
            ),
            description=(
                "A horizontal bar chart of the conversions credited to each marketing channel "
                f"by the attribution model chosen in a drop-down list ({len(models)} models: "
                + ", ".join(_MODEL_LABELS.get(m, m) for m in models)
                + "). Small black tick marks on each channel's row show the credit that every "
                "model gives the channel, so the spread between models is visible."
            ),
        )
    )
