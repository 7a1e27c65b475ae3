"""Live widget: split a marketing budget across channels with diminishing returns.

Show it by leaving it as the last line of a cell, after :func:`socialmarketing.charts.setup`::

    from socialmarketing.widgets.budget import budget_widget
    budget_widget()

The controls are the budget, what to split it for (conversions or profit) and which channels
are in the plan. When one moves, the widget calls :func:`socialmarketing.costs.allocate_budget`
twice (the best split and an equal split), keeps both tables in ``widget.result``, rewrites the
summary and redraws the chart of :func:`socialmarketing.charts.budget.budget_allocation_chart`.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import pandas as pd

from socialmarketing import costs
from socialmarketing.charts import with_values
from socialmarketing.charts.budget import BUDGET_PARAMS, budget_allocation_chart, example_channels
from socialmarketing.validation import check_nonnegative
from socialmarketing.widgets import _CONTROL_LAYOUT, _LABEL_STYLE, ModelWidget, _number_box

__all__ = ["budget_widget"]

#: The largest budget the budget box accepts, in yuan.
MAX_BUDGET = 100_000_000.0


def budget_widget(
    channels: pd.DataFrame | None = None,
    budget: float = 50_000.0,
    objective: str = "conversions",
) -> ModelWidget:
    """Split a budget across channels: the best split against an equal split.

    Parameters
    ----------
    channels
        One row per channel (1 to 8 rows), as for
        :func:`socialmarketing.charts.budget.budget_allocation_chart`: ``channel``,
        ``max_conversions`` (a count), ``saturation`` (yuan) and optionally
        ``value_per_conversion`` (yuan of gross profit per conversion). ``None`` uses
        :func:`socialmarketing.charts.budget.example_channels`.
    budget
        Starting budget in yuan (0 to 100 million).
    objective
        Starting objective, "conversions" or "profit" (profit needs ``value_per_conversion``).

    Try this: start from a small budget and raise it step by step; watch channels join the
    best split one after another, each when the return of the others' next yuan has fallen to
    what its first yuan buys. Then take a channel out of the plan and see what the rest absorb.

    ``widget.result`` is a dict with ``optimal`` and ``equal`` (the
    :func:`~socialmarketing.costs.allocate_budget` tables for the channels in the plan), or
    ``None`` for both when no channel is picked.
    """
    table = example_channels() if channels is None else channels
    budget = check_nonnegative("budget", budget)
    if budget > MAX_BUDGET:
        raise ValueError(f"budget must be at most {MAX_BUDGET:,.0f} yuan, got {budget:g}")
    first = budget_allocation_chart(table, budget, objective, sliders=False)  # checks inputs
    names = table["channel"].astype(str).tolist()
    has_value = "value_per_conversion" in table
    templates: dict[tuple[str, ...], dict[str, Any]] = {tuple(names): first.to_dict()}

    controls: dict[str, widgets.ValueWidget] = {
        "budget": _number_box("Budget (yuan)", budget, 0, MAX_BUDGET, 1_000),
    }
    if has_value:
        controls["objective"] = widgets.Dropdown(
            options=[("Most conversions", "conversions"), ("Most profit", "profit")],
            value=objective,
            description="Split for",
            style=_LABEL_STYLE,
            layout=_CONTROL_LAYOUT,
        )
    controls["channels"] = widgets.SelectMultiple(
        options=names,
        value=tuple(names),
        rows=len(names),
        description="Channels in the plan (Ctrl/Cmd-click)",
        style=_LABEL_STYLE,
        layout=_CONTROL_LAYOUT,
    )

    def chosen_rows(picked: tuple[str, ...]) -> pd.DataFrame:
        return table[table["channel"].astype(str).isin(picked)].reset_index(drop=True)

    def compute(
        budget: float, channels: tuple[str, ...], objective: str = objective
    ) -> dict[str, pd.DataFrame | None]:
        if not channels:
            return {"optimal": None, "equal": None}
        rows = chosen_rows(channels)
        return {
            method: costs.allocate_budget(budget, rows, objective, method=method)
            for method in ("optimal", "equal")
        }

    shown: dict[str, dict[str, Any]] = {}

    def draw(_result: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        picked = tuple(name for name in names if name in values["channels"])
        if not picked:  # nothing to draw: keep the chart on show
            return shown["spec"]
        if picked not in templates:  # built once per set of channels (a tenth of a second)
            templates[picked] = budget_allocation_chart(
                chosen_rows(picked), budget, objective, sliders=False
            ).to_dict()
        shown["spec"] = with_values(
            templates[picked],
            **{
                BUDGET_PARAMS["budget"]: values["budget"],
                BUDGET_PARAMS["objective"]: values.get("objective", objective),
            },
        )
        return shown["spec"]

    def describe(result: dict[str, Any], values: dict[str, Any]) -> str:
        best, equal = result["optimal"], result["equal"]
        if best is None:
            return "<p><b>Pick at least one channel</b> to split the budget.</p>"
        if values.get("objective", objective) == "profit":
            unspent = values["budget"] - best["spend"].sum()
            totals = (
                f"<b>Best split:</b> profit {best['profit'].sum():,.0f} yuan from "
                f"{best['spend'].sum():,.0f} yuan spent. <b>Equal split:</b> profit "
                f"{equal['profit'].sum():,.0f} yuan from {equal['spend'].sum():,.0f} yuan."
            )
            if unspent > 0.5:
                totals += (
                    f"<br>The best split leaves {unspent:,.0f} yuan unspent: there the next "
                    "yuan would bring back less than it costs."
                )
        else:
            best_total, equal_total = best["conversions"].sum(), equal["conversions"].sum()
            gain = (
                f" (the best split buys {best_total / equal_total - 1:.1%} more)"
                if equal_total > 0
                else ""
            )
            totals = (
                f"<b>Best split:</b> {best_total:,.1f} conversions. "
                f"<b>Equal split:</b> {equal_total:,.1f}{gain}."
            )
        funded = best.loc[best["spend"] > 0.005, "channel"].tolist()
        left_out = best.loc[best["spend"] <= 0.005, "channel"].tolist()
        plan = "Funded: " + (", ".join(funded) if funded else "none")
        if left_out:
            plan += "; left out: " + ", ".join(left_out)
        return f"<p>{totals}<br>{plan}.</p>"

    return ModelWidget("Splitting a budget across channels", controls, compute, draw, describe)
