"""Live widget: broad against targeted buying of the same budget.

Show it by leaving it as the last line of a cell, after :func:`socialmarketing.charts.setup`::

    from socialmarketing.widgets.targeting import targeting_widget
    targeting_widget()

Each control is an input of :func:`socialmarketing.targeting.compare_targeting`; when one moves,
the widget calls the model again, keeps its table in ``widget.result``, rewrites the summary and
redraws the chart of :func:`socialmarketing.charts.targeting.targeting_chart`.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import pandas as pd

from socialmarketing import targeting
from socialmarketing.charts import with_values
from socialmarketing.charts.targeting import (
    MAX_MIN_FREQUENCY,
    TARGETING_PARAMS,
    TARGETING_START,
    targeting_chart,
)
from socialmarketing.widgets import (
    _CONTROL_LAYOUT,
    _LABEL_STYLE,
    ModelWidget,
    _number_box,
    _rate_slider,
    _slider,
)

__all__ = ["targeting_widget"]


def targeting_widget(
    budget: float = TARGETING_START["budget"],
    broad_cpm: float = TARGETING_START["broad_cpm"],
    targeting_premium: float = TARGETING_START["targeting_premium"],
    broad_target_share: float = TARGETING_START["broad_target_share"],
    targeted_target_share: float = TARGETING_START["targeted_target_share"],
    target_audience: int = TARGETING_START["target_audience"],
    min_frequency: int = TARGETING_START["min_frequency"],
) -> ModelWidget:
    """Broad or targeted buying: budget, CPM, premium, target shares, audience and frequency.

    The arguments are the starting values (see
    :func:`socialmarketing.targeting.compare_targeting`: money in yuan, shares 0 to 1, the
    audience in people). With the defaults targeting costs 50 % more per impression but lands
    four times as many impressions on target, so it stays cheaper up to a premium of 300 %:
    push the premium past 3 and watch the verdict change; then shrink the budget and watch how
    few people broad buying reaches three times.

    ``widget.result`` is the :func:`~socialmarketing.targeting.compare_targeting` table (one row
    per option, "broad" and "targeted").
    """
    template = targeting_chart(
        budget,
        broad_cpm,
        targeting_premium,
        broad_target_share,
        targeted_target_share,
        target_audience,
        min_frequency,
        sliders=False,
    ).to_dict()  # also checks the starting values
    controls = {
        "budget": _number_box("Budget (yuan)", budget, 100, 10_000_000, 100),
        "broad_cpm": _slider("Broad CPM (yuan per 1,000 impressions)", broad_cpm, 1, 200, 1),
        "targeting_premium": _rate_slider(
            "Targeting premium (extra CPM)", targeting_premium, 4.0, 0.05
        ),
        "broad_target_share": _rate_slider(
            "Broad: share of impressions on target", broad_target_share
        ),
        "targeted_target_share": _rate_slider(
            "Targeted: share of impressions on target", targeted_target_share
        ),
        "target_audience": widgets.BoundedIntText(
            value=target_audience,
            min=1,
            max=1_000_000_000,
            step=1_000,
            description="Target audience (people)",
            style=_LABEL_STYLE,
            layout=_CONTROL_LAYOUT,
        ),
        "min_frequency": widgets.IntSlider(
            value=min_frequency,
            min=1,
            max=MAX_MIN_FREQUENCY,
            description="Effective frequency k (exposures needed)",
            style=_LABEL_STYLE,
            layout=_CONTROL_LAYOUT,
            continuous_update=False,
        ),
    }

    def compute(**values: Any) -> pd.DataFrame:
        return targeting.compare_targeting(**values)

    def draw(_result: pd.DataFrame, values: dict[str, Any]) -> dict[str, Any]:
        return with_values(
            template, **{TARGETING_PARAMS[name]: value for name, value in values.items()}
        )

    def describe(result: pd.DataFrame, values: dict[str, Any]) -> str:
        broad, targeted = result.loc["broad"], result.loc["targeted"]
        k = values["min_frequency"]
        if values["broad_target_share"] > 0:
            premium = targeting.break_even_premium(
                values["broad_target_share"], values["targeted_target_share"]
            )
            break_even = f"targeting pays up to a premium of <b>{premium:.0%}</b>"
        else:
            break_even = "broad buying lands nothing on target, so any premium pays"
        return (
            f"<p>{_option_line('Broad', broad, k)}<br>{_option_line('Targeted', targeted, k)}<br>"
            f"Break-even: {break_even} (now {values['targeting_premium']:.0%}).</p>"
        )

    return ModelWidget("Broad or targeted buying?", controls, compute, draw, describe)


def _option_line(label: str, row: pd.Series, k: int) -> str:
    """One option's line of the summary: impressions on target, people reached, their cost."""
    bought = (
        f"<b>{label}:</b> {row['target_impressions']:,.0f} of {row['impressions']:,.0f} "
        "impressions on target; "
    )
    if row["reach"] <= 0:
        return bought + "nobody in the target audience is reached."
    return bought + (
        f"{row['reach']:,.0f} target people reached ({row['cost_per_reached']:,.3f} yuan each), "
        f"{row['effective_reach']:,.0f} of them {k}+ times."
    )
