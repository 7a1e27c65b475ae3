"""Live widgets for a running Jupyter kernel: move a control, the model runs again.

Each function returns a :class:`ModelWidget`: a panel with controls (sliders, drop-down lists,
number boxes that cannot leave their range), a short summary in words and numbers, and a chart
drawn by :mod:`socialmarketing.charts`. Show it by leaving it as the last line of a cell::

    from socialmarketing import widgets
    widgets.funnel_widget()

When a control changes, the widget calls the model (from :mod:`socialmarketing.funnel`,
:mod:`socialmarketing.costs`, :mod:`socialmarketing.viral` or
:mod:`socialmarketing.relationship`) with the controls' values, keeps
the model's output in ``widget.result``, rewrites the summary and redraws the chart. The
widgets hold no marketing maths of their own.

The chart of each widget is built once; a redraw only changes the numbers in its spec (see
:func:`socialmarketing.charts.with_values`), because building an Altair chart from scratch takes
a tenth of a second and a slider should feel instant.

For code and tests, ``widget.controls`` maps each input's name to its widget: set
``widget.controls["cvr"].value = 0.05`` and ``widget.result`` holds the model's new output.

Each widget draws its chart with :class:`socialmarketing.charts.live.LiveChart`, from the Vega
libraries that ship in the package: no internet connection is needed, and the chart survives a
browser reload. Call :func:`socialmarketing.charts.setup` once at the top of the notebook for the
course's theme in the charts you draw yourself.

On the static website there is no Python kernel, so the book uses the charts' own sliders
instead (the builders in :mod:`socialmarketing.charts` with ``sliders=True``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets
import networkx as nx
import numpy as np
import pandas as pd

from socialmarketing import charts, costs, funnel, relationship, viral
from socialmarketing.charts.live import LiveChart
from socialmarketing.validation import check_count, check_positive, check_rates

__all__ = [
    "ModelWidget",
    "cascade_widget",
    "clv_widget",
    "cost_widget",
    "demo_follower_graph",
    "funnel_widget",
]

#: Room for the long, explanatory slider labels. On a narrow screen (a phone, a split window)
#: the label stacks above its control instead: see ``_NARROW_LAYOUT_CSS``.
_LABEL_STYLE = {"description_width": "20em"}
_CONTROL_LAYOUT = widgets.Layout(width="100%", max_width="38em")


#: CSS class of every course widget's panel.
WIDGET_CLASS = "sm-model-widget"

#: Two fixes for keyboard and screen-reader users, applied by a script shown (hidden) inside
#: each course widget, also to controls drawn later. JupyterLab runs it because the kernel
#: produced it in this session (a trusted output).
#:
#: * ipywidgets 8 draws a slider's handle as a ``div role="slider"`` without a name, so screen
#:   readers announce a bare number and axe-core reports "ARIA input fields must have an
#:   accessible name": every handle is named after its slider's label.
#: * In a notebook, the arrow keys pressed in a drop-down list reach JupyterLab's shortcuts
#:   (they move to the next cell) instead of choosing another option: lists are marked with
#:   Lumino's ``data-lm-suppress-shortcuts``, so their keys stay theirs.
_LABEL_HANDLES_SCRIPT = """
(function () {
  function nameHandles() {
    document.querySelectorAll('.WIDGET_CLASS select').forEach(function (list) {
      if (!list.hasAttribute('data-lm-suppress-shortcuts')) {
        list.setAttribute('data-lm-suppress-shortcuts', 'true');
      }
    });
    document.querySelectorAll('.WIDGET_CLASS .widget-slider').forEach(function (slider) {
      var label = slider.querySelector('.widget-label');
      var name = label ? label.textContent.trim() : '';
      slider.querySelectorAll('.noUi-handle').forEach(function (handle) {
        if (name && handle.getAttribute('aria-label') !== name) {
          handle.setAttribute('aria-label', name);
        }
      });
    });
  }
  nameHandles();
  if (!window.smNameHandles) {
    window.smNameHandles = new MutationObserver(nameHandles);
    window.smNameHandles.observe(document.body, {childList: true, subtree: true});
  }
})();
""".replace("WIDGET_CLASS", WIDGET_CLASS)
#: Below 36em of panel width (a 390-pixel phone, a narrow split), each control's label goes on
#: its own line above the control, which then takes the panel's full width: with the labels'
#: fixed 20em beside them, the sliders would be pushed off-screen. A container query measures the
#: panel itself, so it also works in a narrow JupyterLab panel on a wide screen.
_NARROW_LAYOUT_CSS = """
.WIDGET_CLASS { container-type: inline-size; max-width: 100%; }
.WIDGET_CLASS .sm-chart { max-width: 100%; overflow-x: auto; }
@container (max-width: 36em) {
  .WIDGET_CLASS .widget-inline-hbox { flex-wrap: wrap; height: auto; }
  .WIDGET_CLASS .widget-inline-hbox > .widget-label {
    width: 100% !important; max-width: 100% !important; text-align: left; white-space: normal;
    line-height: 1.3; margin-bottom: 2px;
  }
  .WIDGET_CLASS .widget-inline-hbox > :not(.widget-label) { flex: 1 1 auto; min-width: 0; }
  .WIDGET_CLASS .widget-hslider .slider-container { flex: 1 1 8em; margin-left: 8px; }
  .WIDGET_CLASS .widget-hslider .widget-readout { flex: 0 0 auto; min-width: 4em; }
}
""".replace("WIDGET_CLASS", WIDGET_CLASS)

_LABEL_HANDLES_OUTPUT = {
    "output_type": "display_data",
    "data": {"application/javascript": _LABEL_HANDLES_SCRIPT, "text/plain": ""},
    "metadata": {},
}


class ModelWidget(widgets.VBox):
    """Controls, a summary and a chart, kept in step with a model.

    Parameters
    ----------
    title
        Heading shown above the controls.
    controls
        The input widgets by name; their names are the keyword arguments of ``compute``.
    compute
        Runs the model: ``compute(**values)`` returns its output (kept in :attr:`result`).
    draw
        ``draw(result, values)`` returns the Vega-Lite spec (a dict) of the chart to show.
    describe
        ``describe(result, values)`` returns the summary as HTML.

    Attributes
    ----------
    controls
        The input widgets by name (for code and tests: set ``.value`` to move one).
    result
        The model's output for the current values of the controls.
    spec
        The Vega-Lite spec of the chart on show.
    summary, chart
        The HTML summary widget and the chart (a :class:`socialmarketing.charts.live.LiveChart`,
        redrawn in place when :attr:`spec` changes).
    """

    def __init__(
        self,
        title: str,
        controls: dict[str, widgets.ValueWidget],
        compute: Callable[..., Any],
        draw: Callable[[Any, dict[str, Any]], dict[str, Any]],
        describe: Callable[[Any, dict[str, Any]], str],
    ) -> None:
        self.controls = controls
        self.result: Any = None
        self.spec: dict[str, Any] = {}
        self._compute = compute
        self._draw = draw
        self._describe = describe
        self.summary = widgets.HTML()
        values = self.values()
        self.result = compute(**values)
        self.spec = draw(self.result, values)
        self.summary.value = describe(self.result, values)
        self.chart = LiveChart(self.spec)
        heading = widgets.HTML(f"<style>{_NARROW_LAYOUT_CSS}</style><h3>{html.escape(title)}</h3>")
        accessibility = widgets.Output(layout=widgets.Layout(display="none"))
        accessibility.outputs = (_LABEL_HANDLES_OUTPUT,)
        super().__init__([heading, *controls.values(), self.summary, self.chart, accessibility])
        self.add_class(WIDGET_CLASS)
        for control in controls.values():
            control.observe(self._on_change, names="value")

    def values(self) -> dict[str, Any]:
        """The current value of every control, by name.

        A typed ``-0`` counts as ``0`` (adding 0.0 turns -0.0 into 0.0): the two are equal, so
        changing one into the other does not rerun the model, and ``1 / -0.0`` is ``-inf``.
        """
        return {
            name: control.value + 0.0 if isinstance(control.value, float) else control.value
            for name, control in self.controls.items()
        }

    def refresh(self) -> None:
        """Run the model for the controls' values, then rewrite the summary and the chart."""
        values = self.values()
        self.result = self._compute(**values)
        self.spec = self._draw(self.result, values)
        self.summary.value = self._describe(self.result, values)
        self.chart.spec = self.spec

    def _on_change(self, _change: dict[str, Any]) -> None:
        self.refresh()


def _room_for(value: float, maximum: float, ceiling: float = math.inf) -> float:
    """``maximum``, raised when a starting value lies beyond it (ipywidgets would silently clamp
    the value to the old maximum, so the widget would show a different case from the one asked
    for); the new maximum leaves as much room above the value as below it, up to ``ceiling``."""
    return maximum if value <= maximum else min(2 * value, ceiling)


def _rate_slider(label: str, value: float, maximum: float = 1.0, step: float = 0.01) -> Any:
    """A slider for a share between 0 and ``maximum``, shown as a percentage."""
    maximum = _room_for(value, maximum, ceiling=1.0)
    return widgets.FloatSlider(
        value=value,
        min=0.0,
        max=maximum,
        step=step,
        description=label,
        readout_format=".1%",
        style=_LABEL_STYLE,
        layout=_CONTROL_LAYOUT,
        continuous_update=False,
    )


def _number_box(label: str, value: float, minimum: float, maximum: float, step: float) -> Any:
    """A number box that refuses values outside ``minimum`` to ``maximum``."""
    maximum = _room_for(value, maximum)
    return widgets.BoundedFloatText(
        value=value,
        min=minimum,
        max=maximum,
        step=step,
        description=label,
        style=_LABEL_STYLE,
        layout=_CONTROL_LAYOUT,
    )


def _slider(label: str, value: float, minimum: float, maximum: float, step: float) -> Any:
    """A plain number slider."""
    maximum = _room_for(value, maximum)
    return widgets.FloatSlider(
        value=value,
        min=minimum,
        max=maximum,
        step=step,
        description=label,
        style=_LABEL_STYLE,
        layout=_CONTROL_LAYOUT,
        continuous_update=False,
    )


# --- AIDMA vs. AISAS ------------------------------------------------------------------------------


def funnel_widget(
    audience: float = charts.FUNNEL_START["audience"],
    contacts_per_share: float = charts.FUNNEL_START["contacts_per_share"],
    generations: int = charts.FUNNEL_START["generations"],
) -> ModelWidget:
    """AIDMA against AISAS with the share loop: sliders for every step rate.

    ``audience`` (people who pay attention) and ``contacts_per_share`` (people who see each
    repost) are the starting values; ``generations`` is the number of sharing rounds counted.
    The rates start at the models' teaching defaults, and 300 contacts per share put the viral
    coefficient K at 0.9, just below 1: push the share rate or the contacts up and watch the
    buyers from sharing grow much faster once K passes 1.

    ``widget.result`` is a dict with the model outputs ``aidma`` and ``aisas``
    (:func:`socialmarketing.funnel.funnel_table`), ``sharing``
    (:func:`socialmarketing.funnel.aisas_with_sharing`) and ``k``
    (:func:`socialmarketing.funnel.viral_coefficient`).
    """
    generations = check_count("generations", generations)
    audience = check_positive("audience", audience)
    aidma_defaults = funnel.AIDMA_DEFAULT_RATES
    aisas_defaults = funnel.AISAS_DEFAULT_RATES
    controls = {
        "audience": _number_box("People who pay attention", audience, 1, 10_000_000, 1_000),
        "aidma_interest": _rate_slider("AIDMA Interest (of Attention)", aidma_defaults["interest"]),
        "aidma_desire": _rate_slider("AIDMA Desire (of the interested)", aidma_defaults["desire"]),
        "aidma_memory": _rate_slider("AIDMA Memory (still remember it)", aidma_defaults["memory"]),
        "aidma_action": _rate_slider(
            "AIDMA Action (of those who remember)", aidma_defaults["action"]
        ),
        "aisas_interest": _rate_slider("AISAS Interest (of Attention)", aisas_defaults["interest"]),
        "aisas_search": _rate_slider("AISAS Search (of the interested)", aisas_defaults["search"]),
        "aisas_action": _rate_slider("AISAS Action (of the searchers)", aisas_defaults["action"]),
        "share_rate": _rate_slider(
            "Share rate (share of buyers who repost)", aisas_defaults["share"]
        ),
        "contacts_per_share": _slider(
            "Contacts per share (people who see a repost)", contacts_per_share, 0, 1000, 10
        ),
    }
    template = charts.funnel_chart(
        audience,
        [aidma_defaults[k] for k in ("interest", "desire", "memory", "action")],
        [aisas_defaults[k] for k in ("interest", "search", "action", "share")],
        contacts_per_share=contacts_per_share,
        generations=generations,
        sliders=False,
    ).to_dict()

    def compute(
        audience: float,
        aidma_interest: float,
        aidma_desire: float,
        aidma_memory: float,
        aidma_action: float,
        aisas_interest: float,
        aisas_search: float,
        aisas_action: float,
        share_rate: float,
        contacts_per_share: float,
    ) -> dict[str, Any]:
        return {
            "aidma": funnel.aidma(
                audience, aidma_interest, aidma_desire, aidma_memory, aidma_action
            ),
            "aisas": funnel.aisas(audience, aisas_interest, aisas_search, aisas_action, share_rate),
            "sharing": funnel.aisas_with_sharing(
                audience,
                aisas_interest,
                aisas_search,
                aisas_action,
                share_rate,
                contacts_per_share=contacts_per_share,
                generations=generations,
            ),
            "k": funnel.viral_coefficient(
                share_rate, contacts_per_share, aisas_interest * aisas_search * aisas_action
            ),
        }

    def draw(_result: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        chart_values = {name: value for name, value in values.items() if name != "audience"}
        return charts.with_values(template, funnel_audience=values["audience"], **chart_values)

    def describe(result: dict[str, Any], _values: dict[str, Any]) -> str:
        aidma_buyers = result["aidma"]["people"].iloc[-1]
        first_buyers = result["sharing"]["buyers"].iloc[0]
        all_buyers = result["sharing"]["cumulative_buyers"].iloc[-1]
        k = result["k"]
        trend = (
            "below 1: each round of sharing is smaller than the one before"
            if k < 1
            else "1 or more: every buyer brings at least one more, until the market runs out"
        )
        return (
            f"<p><b>AIDMA:</b> {aidma_buyers:,.0f} buyers. "
            f"<b>AISAS:</b> {first_buyers:,.0f} buyers from the campaign, plus "
            f"{all_buyers - first_buyers:,.0f} won by {generations} rounds of sharing = "
            f"{all_buyers:,.0f} buyers.<br>"
            f"Viral coefficient <b>K = {k:.2f}</b> new customers per customer ({trend}).</p>"
        )

    return ModelWidget("AIDMA vs. AISAS", controls, compute, draw, describe)


# --- cost / ROI calculator ------------------------------------------------------------------------


def cost_widget(
    budget: float = charts.COST_START["budget"],
    cpc: float = charts.COST_START["cpc"],
    ctr: float = charts.COST_START["ctr"],
    cvr: float = charts.COST_START["cvr"],
    order_value: float = charts.COST_START["order_value"],
    margin: float = charts.COST_START["margin"],
) -> ModelWidget:
    """A pay-per-click calculator: budget, CPC, CTR, CVR, order value and margin to ROI.

    The arguments are the starting values (money in yuan, rates as shares 0 to 1; see
    :func:`socialmarketing.costs.campaign_outcome`). The defaults lose a little money (ROI
    -10 %): a conversion rate of 3.33 % or a click price of 1.80 yuan breaks even - try it.

    ``widget.result`` is the :func:`socialmarketing.costs.campaign_outcome` Series.
    """
    costs.campaign_outcome(budget, cpc, ctr, cvr, order_value, margin)  # checks the inputs
    controls = {
        "budget": _number_box("Budget (yuan)", budget, 100, 10_000_000, 500),
        "cpc": _slider("CPC (yuan per click)", cpc, 0.1, 20.0, 0.1),
        "ctr": _rate_slider("CTR (share of impressions clicked)", ctr, 0.1, 0.001),
        "cvr": _rate_slider("CVR (share of clicks that order)", cvr, 0.2, 0.001),
        "order_value": _number_box("Average order value (yuan)", order_value, 1, 100_000, 10),
        "margin": _rate_slider("Gross margin (share of order value kept)", margin),
    }
    controls["ctr"].min = 0.001  # with no clicks at all the model has no impressions to count
    template = charts.cost_calculator_chart(
        budget, cpc, ctr, cvr, order_value, margin, sliders=False
    ).to_dict()

    def compute(**values: float) -> pd.Series:
        return costs.campaign_outcome(**values)

    def draw(_result: pd.Series, values: dict[str, Any]) -> dict[str, Any]:
        return charts.with_values(template, **{f"cost_{k}": v for k, v in values.items()})

    def describe(result: pd.Series, _values: dict[str, Any]) -> str:
        verdict = "makes" if result["profit"] >= 0 else "loses"
        cpa = f"{result['cpa']:,.2f} yuan" if np.isfinite(result["cpa"]) else "no orders yet"
        break_even_cvr = (
            f"{result['break_even_cvr']:.2%}"
            if np.isfinite(result["break_even_cvr"])
            else "none (margin is 0)"
        )
        return (
            f"<p>{result['clicks']:,.0f} clicks bring {result['orders']:,.1f} orders "
            f"(CPA {cpa}) and {result['revenue']:,.0f} yuan of revenue. "
            f"The campaign <b>{verdict} {abs(result['profit']):,.0f} yuan</b> "
            f"(ROI {result['roi']:.1%}, ROAS {result['roas']:.2f}).<br>"
            f"Break-even: a CVR of at least {break_even_cvr}, or a CPC of at most "
            f"{result['break_even_cpc']:,.2f} yuan.</p>"
        )

    return ModelWidget("Cost and ROI calculator", controls, compute, draw, describe)


# --- viral cascades on a follower graph -----------------------------------------------------------


def demo_follower_graph(
    accounts: int = 2_000, follows_per_account: int = 8, seed: int = 7
) -> nx.DiGraph:
    """A small, reproducible follower graph for the cascade widget.

    Every account follows ``follows_per_account`` others. Whom it follows is drawn at random,
    favouring popular accounts (popularity has a heavy, Pareto tail), so a few accounts collect
    hundreds of followers - the KOLs - while most have a handful. Edges point from an account
    to its followers, as :mod:`socialmarketing.viral` expects. With every account following the
    same number of others, the epidemic threshold is exactly ``1 / follows_per_account``.
    ``seed`` makes the graph the same every time.
    """
    accounts = check_count("accounts", accounts, minimum=2)
    follows_per_account = check_count("follows_per_account", follows_per_account, minimum=1)
    if follows_per_account >= accounts:
        raise ValueError(
            f"follows_per_account must be less than accounts ({accounts}), "
            f"got {follows_per_account}"
        )
    rng = np.random.default_rng(seed)
    popularity = rng.pareto(1.5, accounts) + 1.0
    chance = popularity / popularity.sum()
    graph = nx.DiGraph()
    graph.add_nodes_from(range(accounts))
    for follower in range(accounts):
        picked = rng.choice(accounts, size=follows_per_account + 1, replace=False, p=chance)
        followed = picked[picked != follower][:follows_per_account]
        graph.add_edges_from((int(account), follower) for account in followed)
    return graph


#: Seeding strategies offered by the cascade widget: (label, name in socialmarketing.viral).
_STRATEGY_OPTIONS = (
    ("Random accounts", "random"),
    ("Accounts with the most followers (KOLs)", "top_followers"),
)
_STRATEGY_WORDS = {"random": "picked at random", "top_followers": "the KOLs: most followers"}


def cascade_widget(
    graph: nx.DiGraph | None = None,
    seeds: int = 5,
    ps: Sequence[float] | None = None,
    runs: int = 100,
    seed: int = 0,
) -> ModelWidget:
    """Independent cascades on a follower graph: repost probability, seeds and strategy.

    Parameters
    ----------
    graph
        Follower graph (edges from an account to its followers); ``None`` uses
        :func:`demo_follower_graph` (2,000 accounts, epidemic threshold 0.125).
    seeds
        Starting number of seed accounts (1 to 50).
    ps
        Grid of repost probabilities simulated for the curve (shares 0 to 1); ``None`` uses
        0, 0.02, ..., 0.3. The p slider moves along this grid.
    runs, seed
        Monte-Carlo runs per probability and the random seed
        (:func:`socialmarketing.viral.expected_reach_curve`).

    Changing the strategy or the number of seeds picks new seeds
    (:func:`socialmarketing.viral.choose_seeds`) and simulates the reach curve again (about half
    a second; each curve is kept, so going back is instant). Moving p only picks a point on the
    curve.

    ``widget.result`` is a dict with ``seeds`` (the seed accounts), ``curve`` (the
    expected_reach_curve table), ``p`` (the grid value nearest the slider), ``reach`` (that row
    of the curve), ``threshold`` (:func:`socialmarketing.viral.epidemic_threshold`) and
    ``seed_followers`` (:func:`socialmarketing.viral.exposure` of the seeds: their followers).
    """
    graph = demo_follower_graph() if graph is None else graph
    grid = np.round(np.arange(0.0, 0.3001, 0.02), 2) if ps is None else np.asarray(ps, float)
    grid = np.unique(check_rates("ps", list(grid)))
    if len(grid) == 0:
        raise ValueError("ps must hold at least one repost probability, got an empty list")
    runs = check_count("runs", runs, minimum=1)
    seed = check_count("seed", seed)
    threshold = viral.epidemic_threshold(graph)
    accounts = graph.number_of_nodes()
    most_seeds = min(50, accounts)
    seeds = min(check_count("seeds", seeds, minimum=1), most_seeds)
    step = float(np.min(np.diff(grid))) if len(grid) > 1 else 0.01
    start_p = float(grid[np.argmin(np.abs(grid - min(max(threshold, grid[0]), grid[-1])))])
    controls = {
        "strategy": widgets.Dropdown(
            options=list(_STRATEGY_OPTIONS),
            value="top_followers",
            description="Seeding strategy",
            style=_LABEL_STYLE,
            layout=_CONTROL_LAYOUT,
        ),
        "seeds": widgets.IntSlider(
            value=seeds,
            min=1,
            max=most_seeds,
            description="Seed accounts (how many post first)",
            style=_LABEL_STYLE,
            layout=_CONTROL_LAYOUT,
            continuous_update=False,
        ),
        "p": widgets.FloatSlider(
            value=start_p,
            min=float(grid[0]),
            max=float(grid[-1]),
            step=step,
            description="Repost probability p (per follower)",
            readout_format=".2f",
            style=_LABEL_STYLE,
            layout=_CONTROL_LAYOUT,
            continuous_update=False,
        ),
    }
    curves: dict[tuple[str, int], dict[str, Any]] = {}

    def simulated(strategy: str, count: int) -> dict[str, Any]:
        """Seeds, reach curve and chart for one strategy and seed count (kept once made)."""
        key = (strategy, count)
        if key not in curves:
            chosen = viral.choose_seeds(graph, count, strategy, seed=seed)
            curve = viral.expected_reach_curve(graph, chosen, grid, runs=runs, seed=seed)
            chart = charts.cascade_reach_chart(curve, threshold=threshold, accounts=accounts)
            curves[key] = {
                "seeds": chosen,
                "curve": curve,
                "spec": chart.to_dict(),
                "seed_followers": viral.exposure(graph, chosen),
            }
        return curves[key]

    def compute(strategy: str, seeds: int, p: float) -> dict[str, Any]:
        made = simulated(strategy, seeds)
        curve = made["curve"]
        row = curve.iloc[int(np.argmin(np.abs(curve["p"].to_numpy() - p)))]
        return {
            "seeds": made["seeds"],
            "curve": curve,
            "p": float(row["p"]),
            "reach": row,
            "threshold": threshold,
            "seed_followers": made["seed_followers"],
        }

    def draw(result: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        spec = simulated(values["strategy"], values["seeds"])["spec"]
        return charts.with_values(spec, reach_p=result["p"])

    def describe(result: dict[str, Any], values: dict[str, Any]) -> str:
        reach = result["reach"]
        chosen_how = _STRATEGY_WORDS[values["strategy"]]
        return (
            f"<p>{len(result['seeds'])} seed accounts ({chosen_how}) with "
            f"{result['seed_followers']:,} followers in all. At p = {result['p']:.2f} a post "
            f"reaches <b>{reach['mean_reach']:,.1f} accounts</b> on average (90 % of runs: "
            f"{reach['low']:,.0f} to {reach['high']:,.0f}) out of {accounts:,}.<br>"
            f"Epidemic threshold p<sub>c</sub> = {threshold:.3f}: above it, each repost "
            f"causes more than one more on average.</p>"
        )

    return ModelWidget("Viral spread on a follower graph", controls, compute, draw, describe)


# --- customer lifetime value ------------------------------------------------------------------


def clv_widget(
    margin_per_period: float = charts.CLV_START["margin_per_period"],
    retention: float = charts.CLV_START["retention"],
    discount_rate: float = charts.CLV_START["discount_rate"],
    periods: int = charts.CLV_START["periods"],
    max_periods: int = charts.CLV_START["max_periods"],
    clv_to_cac_ratio: float = 3.0,
) -> ModelWidget:
    """Customer lifetime value: margin, retention, discount rate and horizon.

    The arguments are the starting values (see
    :func:`socialmarketing.relationship.customer_lifetime_value`: margin in yuan per period,
    retention and discount rate per period); ``max_periods`` is the longest horizon offered and
    ``clv_to_cac_ratio`` the safety factor used for the most you should pay to win a customer
    (:func:`socialmarketing.relationship.max_acquisition_cost`). Try raising retention from
    0.8 to 0.9: the customer is worth much more, because every later period counts too.

    ``widget.result`` is a dict with ``table`` (:func:`~socialmarketing.relationship.clv_table`
    over the periods counted), ``clv`` (over those periods), ``clv_forever`` (endless horizon)
    and ``max_cac`` (yuan).
    """
    template = charts.clv_chart(
        margin_per_period, retention, discount_rate, periods, max_periods, sliders=False
    ).to_dict()  # also checks the starting values
    relationship.max_acquisition_cost(0.0, clv_to_cac_ratio)  # checks the ratio
    controls = {
        "margin_per_period": _number_box(
            "Margin per period (yuan of gross profit)", margin_per_period, 0, 1_000_000, 10
        ),
        "retention": _rate_slider("Retention (share kept each period)", retention, 0.99),
        "discount_rate": _rate_slider("Discount rate per period", discount_rate, 0.5),
        "periods": widgets.IntSlider(
            value=periods,
            min=1,
            max=max_periods,
            description="Periods counted",
            style=_LABEL_STYLE,
            layout=_CONTROL_LAYOUT,
            continuous_update=False,
        ),
    }

    def compute(
        margin_per_period: float, retention: float, discount_rate: float, periods: int
    ) -> dict[str, Any]:
        clv = relationship.customer_lifetime_value(
            margin_per_period, retention, discount_rate, periods=periods
        )
        return {
            "table": relationship.clv_table(margin_per_period, retention, discount_rate, periods),
            "clv": clv,
            "clv_forever": relationship.customer_lifetime_value(
                margin_per_period, retention, discount_rate
            ),
            "max_cac": relationship.max_acquisition_cost(clv, clv_to_cac_ratio),
        }

    def draw(_result: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        return charts.with_values(
            template,
            clv_margin=values["margin_per_period"],
            clv_retention=values["retention"],
            clv_discount=values["discount_rate"],
            clv_periods=values["periods"],
        )

    def describe(result: dict[str, Any], values: dict[str, Any]) -> str:
        return (
            f"<p>Over {values['periods']} periods a customer is worth "
            f"<b>{result['clv']:,.2f} yuan</b> today (for ever: {result['clv_forever']:,.2f} "
            f"yuan).<br>With a CLV-to-CAC target of {clv_to_cac_ratio:g} : 1, pay at most "
            f"<b>{result['max_cac']:,.2f} yuan</b> to win a customer.</p>"
        )

    return ModelWidget("Customer lifetime value", controls, compute, draw, describe)
