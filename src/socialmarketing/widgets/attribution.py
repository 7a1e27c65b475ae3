"""Live widget: pick an attribution model and see which channels get the credit for the sales.

Show it by leaving it as the last line of a cell, after :func:`socialmarketing.charts.setup`::

    from socialmarketing.widgets.attribution import attribution_widget
    attribution_widget()

It divides the conversions of Moonbrew's customer journeys (``data/touchpoints.csv``, or a
touchpoints table you pass in) among the channels with every model of
:func:`socialmarketing.integrated.compare_attribution`. The drop-down list picks the model shown
as bars in :func:`socialmarketing.charts.attribution_chart` (the black ticks show every model's
credit); the slider sets the half-life of the time-decay model. The summary compares the model
with last touch, which is what a shop's own "last click" report shows.

``widget.result`` is a dict:

* ``"model"``: the model on show (a name from :data:`socialmarketing.integrated.ALL_MODELS`);
* ``"table"``: the :func:`~socialmarketing.integrated.compare_attribution` table for every
  model (one row per model and channel);
* ``"credit"``: the chosen model's rows, one per channel, with columns ``channel``,
  ``conversions``, ``share`` (and the value column, if given), ``last_touch`` (the same
  channel's credit under last touch) and ``change`` (credit minus last-touch credit, in
  conversions or in the value's unit).
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd

from socialmarketing import data, integrated
from socialmarketing.charts import _MODEL_LABELS, attribution_chart, with_values
from socialmarketing.validation import check_choice, check_positive
from socialmarketing.widgets import _CONTROL_LAYOUT, _LABEL_STYLE, ModelWidget

__all__ = ["ATTRIBUTION_START", "MAX_HALF_LIFE_DAYS", "MIN_HALF_LIFE_DAYS", "attribution_widget"]

#: Starting values of the controls.
ATTRIBUTION_START = {"model": "last_touch", "half_life_days": 7.0}

#: The range of the half-life slider, in days.
MIN_HALF_LIFE_DAYS = 0.5
MAX_HALF_LIFE_DAYS = 30.0


def attribution_widget(
    touchpoints: pd.DataFrame | None = None,
    model: str = ATTRIBUTION_START["model"],
    half_life_days: float = ATTRIBUTION_START["half_life_days"],
    *,
    value_column: str | None = None,
) -> ModelWidget:
    """Attribution models side by side: a drop-down list of models and a half-life slider.

    Parameters
    ----------
    touchpoints
        One row per touch with the columns ``journey_id``, ``channel``, ``touch_time`` and
        ``converted`` (see :mod:`socialmarketing.integrated`); ``None`` loads the Moonbrew
        journeys with ``socialmarketing.data.load("touchpoints")``.
    model
        The model shown first, one of :data:`socialmarketing.integrated.ALL_MODELS`.
    half_life_days
        Starting half-life of the time-decay model, in days (0.5 to 30): a touch this many days
        before the journey's last touch counts half as much as the last touch.
    value_column
        Optional column of ``touchpoints`` holding each converted journey's value (e.g. the
        order's revenue in yuan); the chart and the summary then share out that value instead of
        the number of conversions.

    With the Moonbrew data the widget starts at last touch, the shop's own report. Pick
    *Shapley value* and watch e-mail, the official account and the KOLs gain credit while the
    pop-up, which usually came last in its journeys, loses almost half of its credit.
    """
    if touchpoints is None:
        touchpoints = data.load("touchpoints")
    model = check_choice("model", model, integrated.ALL_MODELS)
    half_life_days = check_positive("half_life_days", half_life_days)
    if not MIN_HALF_LIFE_DAYS <= half_life_days <= MAX_HALF_LIFE_DAYS:
        raise ValueError(
            f"half_life_days must be between {MIN_HALF_LIFE_DAYS:g} and "
            f"{MAX_HALF_LIFE_DAYS:g} days, got {half_life_days!r}"
        )
    measure = "conversions" if value_column is None else value_column

    # Tables and chart specs by half-life: choosing another model only changes the chart's
    # drop-down value, so it reruns nothing; a new half-life reruns the models once.
    made: dict[float, dict[str, Any]] = {}

    def made_for(half_life: float) -> dict[str, Any]:
        if half_life not in made:
            table = integrated.compare_attribution(
                touchpoints, half_life_days=half_life, value_column=value_column
            )
            spec = attribution_chart(table, model, measure=measure).to_dict()
            made[half_life] = {"table": table, "spec": spec}
        return made[half_life]

    made_for(half_life_days)  # checks the touchpoints table before any control is built
    controls = {
        "model": widgets.Dropdown(
            options=[(_MODEL_LABELS[name], name) for name in integrated.ALL_MODELS],
            value=model,
            description="Attribution model",
            style=_LABEL_STYLE,
            layout=_CONTROL_LAYOUT,
        ),
        "half_life_days": widgets.FloatSlider(
            value=half_life_days,
            min=MIN_HALF_LIFE_DAYS,
            max=MAX_HALF_LIFE_DAYS,
            step=0.5,
            description="Time-decay half-life (days)",
            readout_format=".1f",
            style=_LABEL_STYLE,
            layout=_CONTROL_LAYOUT,
            continuous_update=False,
        ),
    }

    def compute(model: str, half_life_days: float) -> dict[str, Any]:
        table = made_for(half_life_days)["table"]
        chosen = table[table["model"] == model].drop(columns="model").reset_index(drop=True)
        last = table[table["model"] == "last_touch"].set_index("channel")[measure]
        chosen["last_touch"] = chosen["channel"].map(last).to_numpy(dtype=float)
        chosen["change"] = chosen[measure] - chosen["last_touch"]
        return {"model": model, "table": table, "credit": chosen}

    def draw(result: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        spec = made_for(values["half_life_days"])["spec"]
        return with_values(spec, attribution_model=result["model"])

    def describe(result: dict[str, Any], values: dict[str, Any]) -> str:
        return _summary(result, measure, values["half_life_days"])

    return ModelWidget("Who gets the credit for a sale?", controls, compute, draw, describe)


def _channel_name(channel: object) -> str:
    """A channel as the chart writes it: ``microblog_official`` -> ``microblog official``."""
    return html.escape(str(channel).replace("_", " "))


def _summary(result: dict[str, Any], measure: str, half_life_days: float) -> str:
    """The summary in words: the chosen model's credit, and how it differs from last touch."""
    credit = result["credit"]
    model = result["model"]
    label = html.escape(_MODEL_LABELS[model])
    unit = "conversions" if measure == "conversions" else html.escape(measure.replace("_", " "))
    fmt = ",.1f" if measure == "conversions" else ",.0f"
    total = float(credit[measure].sum())
    if total <= 0:
        return (
            f"<p><b>{label}</b>: no journey in the table converted, so there is no credit to "
            "share out.</p>"
        )
    top = credit.loc[credit[measure].idxmax()]
    top_share = top[measure] / total
    lines = [
        f"<b>{label}</b> shares out {total:{fmt}} {unit}. The biggest share goes to "
        f"<b>{_channel_name(top['channel'])}</b>: {top[measure]:{fmt}} ({top_share:.1%})."
    ]
    if model == "last_touch":
        lines.append(
            "This is the shop's own last-click report: every sale goes to the channel of the "
            "final touch before the order."
        )
    else:
        change = credit["change"].to_numpy(dtype=float)
        if np.allclose(change, 0.0, atol=1e-9 * max(total, 1.0)):
            lines.append("It gives every channel the same credit as last touch.")
        else:
            gain = credit.iloc[int(np.argmax(change))]
            loss = credit.iloc[int(np.argmin(change))]
            lines.append(
                "Compared with last touch, it gives most extra credit to "
                f"<b>{_channel_name(gain['channel'])}</b> ({gain['change']:+{fmt}}) and takes "
                f"most from <b>{_channel_name(loss['channel'])}</b> ({loss['change']:+{fmt}})."
            )
    if model == "time_decay":
        lines.append(
            f"A touch {half_life_days:g} days before the journey's last touch counts half as much "
            "as the last touch."
        )
    return "<p>" + "<br>".join(lines) + "</p>"
