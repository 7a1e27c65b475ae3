"""Chart: broad against targeted buying of the same budget, with sliders for every input.

Import it as ``from socialmarketing.charts.targeting import targeting_chart``. The numbers are
computed in the browser from the slider values with the definitions of
:func:`socialmarketing.targeting.compare_targeting` (the tests render the chart with the Vega
engine and check that the two agree). Call :func:`socialmarketing.charts.setup` first, as for
every course chart.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from socialmarketing import targeting
from socialmarketing.charts import PALETTE, _pick_field, _slider
from socialmarketing.validation import check_count

__all__ = ["MAX_MIN_FREQUENCY", "TARGETING_PARAMS", "TARGETING_START", "targeting_chart"]

#: Starting values shared by the chart and the widget: a 10,000-yuan buy at a CPM of 20 yuan.
#: Broad buying lands 15 % of impressions on a target audience of 200,000 people; targeting
#: costs 50 % more per impression and lands 60 % on target (break-even premium: 300 %).
TARGETING_START = {
    "budget": 10_000.0,
    "broad_cpm": 20.0,
    "targeting_premium": 0.5,
    "broad_target_share": 0.15,
    "targeted_target_share": 0.6,
    "target_audience": 200_000,
    "min_frequency": 3,
}

#: The chart parameter that holds each input of compare_targeting (for with_values).
TARGETING_PARAMS = {
    "budget": "tg_budget",
    "broad_cpm": "tg_cpm",
    "targeting_premium": "tg_premium",
    "broad_target_share": "tg_broad_share",
    "targeted_target_share": "tg_targeted_share",
    "target_audience": "tg_audience",
    "min_frequency": "tg_min_frequency",
}

#: The most exposures the "effectively reached" slider offers.
MAX_MIN_FREQUENCY = 10

_OPTION_LABELS = {"broad": "Broad buying", "targeted": "Targeted buying"}
_PART_LABELS = {"on_target": "On target", "wasted": "Wasted (outside the target)"}

#: Rows of the table of numbers: (column of compare_targeting, label, number format).
_TABLE_ROWS = (
    ("cpm", "CPM paid (yuan per 1,000 impressions)", ",.2f"),
    ("impressions", "Impressions bought", ",.0f"),
    ("target_share", "Share of impressions on target", ".1%"),
    ("target_impressions", "On-target impressions", ",.0f"),
    ("wasted_impressions", "Wasted impressions", ",.0f"),
    ("target_cpm", "Yuan per 1,000 on-target impressions", ",.2f"),
    ("average_frequency", "Exposures per target person (average)", ",.2f"),
    ("reach", "Target people reached at least once", ",.0f"),
    ("frequency", "Exposures per person reached", ",.2f"),
    ("effective_reach", "Target people reached k+ times", ",.0f"),
    ("cost_per_reached", "Yuan per target person reached", ",.3f"),
    ("cost_per_effective_reach", "Yuan per person reached k+ times", ",.2f"),
)


def _poisson_tail(mean: str, k: str, max_k: int = MAX_MIN_FREQUENCY, terms: int = 15) -> str:
    """Vega expression for P(Poisson(mean) >= k), for a whole number k from 1 to ``max_k``.

    Python computes it with scipy's regularised incomplete gamma function; the browser has no
    such function, so it sums the Poisson probabilities in two ways. For a mean below 1 it sums
    the tail directly, ``e^-f f^k / k! x (1 + f/(k+1) + f^2/((k+1)(k+2)) + ...)``, which stays
    accurate when the answer is tiny (``terms`` extra terms leave an error below 1e-13). From 1
    on it takes ``1 - e^-f x (1 + f + ... + f^(k-1)/(k-1)!)``, whose rounding error is then far
    below the answer. Both sums are written in Horner form.
    """
    first_term = " * ".join(f"({k} >= {j} ? {mean} / {j} : 1)" for j in range(1, max_k + 1))
    tail = "1"
    for i in range(terms, 0, -1):
        tail = f"1 + {mean} / ({k} + {i}) * ({tail})"
    head = "0"
    for j in range(max_k - 1, 0, -1):
        head = f"({k} > {j} ? {mean} / {j} * (1 + {head}) : 0)"
    small = f"exp(-{mean}) * {first_term} * ({tail})"
    large = f"1 - exp(-{mean}) * (1 + {head})"
    return f"{mean} < 1 ? {small} : {large}"


def _option_expressions() -> dict[str, str]:
    """Vega expressions for one option's columns of compare_targeting, in computing order.

    A row's ``option`` is "broad" or "targeted"; each expression may use the ones before it as
    ``datum.<name>``. Same definitions as :func:`socialmarketing.targeting.compare_targeting`.
    """
    return {
        "cpm": "datum.option == 'broad' ? tg_cpm : tg_cpm * (1 + tg_premium)",
        "impressions": "1000 * tg_budget / datum.cpm",
        "target_share": "datum.option == 'broad' ? tg_broad_share : tg_targeted_share",
        "target_impressions": "datum.impressions * datum.target_share",
        "wasted_impressions": "datum.impressions * (1 - datum.target_share)",
        "target_cpm": "datum.target_share > 0 ? datum.cpm / datum.target_share : 1 / 0",
        "average_frequency": "datum.target_impressions / tg_audience",
        "reach": "tg_audience * (1 - exp(-datum.average_frequency))",
        "frequency": "datum.reach > 0 ? datum.target_impressions / datum.reach : 0",
        "effective_reach": (
            f"tg_audience * ({_poisson_tail('datum.average_frequency', 'tg_min_frequency')})"
        ),
        "cost_per_reached": "datum.reach > 0 ? tg_budget / datum.reach : 1 / 0",
        "cost_per_effective_reach": (
            "datum.effective_reach > 0 ? tg_budget / datum.effective_reach : 1 / 0"
        ),
    }


def _with_option_fields(chart: alt.Chart) -> alt.Chart:
    """Add every column of compare_targeting as a field of each row (one row = one option)."""
    for name, expression in _option_expressions().items():
        chart = chart.transform_calculate(**{name: expression})
    return chart.transform_calculate(
        option_label="datum.option == 'broad' ? 'Broad buying' : 'Targeted buying'"
    )


def targeting_chart(
    budget: float = TARGETING_START["budget"],
    broad_cpm: float = TARGETING_START["broad_cpm"],
    targeting_premium: float = TARGETING_START["targeting_premium"],
    broad_target_share: float = TARGETING_START["broad_target_share"],
    targeted_target_share: float = TARGETING_START["targeted_target_share"],
    target_audience: int = TARGETING_START["target_audience"],
    min_frequency: int = TARGETING_START["min_frequency"],
    sliders: bool = True,
) -> alt.VConcatChart:
    """Broad against targeted buying of one budget: where the impressions land, whom they reach.

    Parameters (starting slider values; money in yuan, shares 0 to 1, audiences in people)
    ----------
    budget
        Money spent on each option (more than 0).
    broad_cpm
        Price of 1,000 broadly bought impressions (more than 0).
    targeting_premium
        Extra price of targeted impressions as a share of the broad CPM (0 or more; 0.5 = 50 %).
    broad_target_share, targeted_target_share
        Share of each option's impressions that land on the target audience.
    target_audience
        People in the target audience (a whole number, 1 or more).
    min_frequency
        Exposures needed to count a person as effectively reached (1 to 10).
    sliders
        ``True`` draws a slider for each input; ``False`` draws the chart for these values only
        (for the live widget, whose own controls redraw it).

    Top left: each option's impressions, split into on target and wasted. Top right: target
    people reached at least once and at least k times, against the whole target audience.
    Below: a table with every number of :func:`socialmarketing.targeting.compare_targeting`,
    and a line on the break-even premium (:func:`socialmarketing.targeting.break_even_premium`).
    """
    start = targeting.compare_targeting(  # checks every input
        budget,
        broad_cpm,
        targeting_premium,
        broad_target_share,
        targeted_target_share,
        target_audience,
        min_frequency,
    )
    min_frequency = check_count("min_frequency", min_frequency, minimum=1)
    if min_frequency > MAX_MIN_FREQUENCY:
        raise ValueError(
            f"min_frequency must be at most {MAX_MIN_FREQUENCY} for this chart, got {min_frequency}"
        )
    params = [
        _slider("tg_budget", "Budget (yuan)", float(budget), 100, 100_000, 100, sliders),
        _slider(
            "tg_cpm", "Broad CPM (yuan per 1,000 impressions)", float(broad_cpm), 1, 100, 1, sliders
        ),
        _slider(
            "tg_premium",
            "Targeting premium (extra CPM, 0.5 = +50 %)",
            float(targeting_premium),
            0,
            4,
            0.05,
            sliders,
        ),
        _slider(
            "tg_broad_share",
            "Broad: share of impressions on target",
            float(broad_target_share),
            0,
            1,
            0.01,
            sliders,
        ),
        _slider(
            "tg_targeted_share",
            "Targeted: share of impressions on target",
            float(targeted_target_share),
            0,
            1,
            0.01,
            sliders,
        ),
        _slider(
            "tg_audience",
            "Target audience (people)",
            int(target_audience),
            100,
            1_000_000,
            1,
            sliders,
        ),
        _slider(
            "tg_min_frequency",
            "Effective frequency k (exposures needed)",
            min_frequency,
            1,
            MAX_MIN_FREQUENCY,
            1,
            sliders,
        ),
    ]
    option_y = alt.Y(
        "option_label:N",
        title=None,
        sort=list(_OPTION_LABELS.values()),
        axis=alt.Axis(labelLimit=200),
    )

    # Where the impressions land: stacked bars, on target and wasted.
    part_rows = pd.DataFrame(
        [
            {"option": option, "part": part, "part_label": label, "part_order": i}
            for option in targeting.OPTIONS
            for i, (part, label) in enumerate(_PART_LABELS.items())
        ]
    )
    parts = _with_option_fields(alt.Chart(part_rows)).transform_calculate(
        value="datum.part == 'on_target' ? datum.target_impressions : datum.wasted_impressions"
    )
    part_colour = alt.Color(
        "part_label:N",
        title="Impressions",
        scale=alt.Scale(domain=list(_PART_LABELS.values()), range=[PALETTE[0], "#c8c8c8"]),
        legend=alt.Legend(orient="bottom"),
    )
    impression_bars = parts.mark_bar().encode(
        x=alt.X("value:Q", title="Impressions", stack="zero", scale=alt.Scale(domainMin=0)),
        y=option_y,
        color=part_colour,
        order=alt.Order("part_order:Q"),
        tooltip=[
            alt.Tooltip("option_label:N", title="Buying"),
            alt.Tooltip("part_label:N", title="Impressions"),
            alt.Tooltip("value:Q", title="Count", format=",.0f"),
            alt.Tooltip("target_share:Q", title="Share on target", format=".1%"),
        ],
    )
    impressions = impression_bars.properties(
        name="targeting_impressions", width=300, height=110, title="Where the impressions land"
    )

    # Whom they reach: target people reached at least once and at least k times.
    measure_labels = {"reach": "At least once", "effective_reach": "At least k times"}
    reach_rows = pd.DataFrame(
        [
            {"option": option, "measure": measure, "measure_label": label, "measure_order": i}
            for option in targeting.OPTIONS
            for i, (measure, label) in enumerate(measure_labels.items())
        ]
    )
    reached = (
        _with_option_fields(alt.Chart(reach_rows))
        .transform_calculate(value=_pick_field("measure", list(measure_labels)))
        .transform_calculate(
            measure_text="datum.measure == 'reach' ? 'At least once' : "
            "'At least ' + tg_min_frequency + ' times'"
        )
    )
    reach_colour = alt.Color(
        "measure_label:N",
        title="Target people reached (k: effective frequency)",
        scale=alt.Scale(domain=list(measure_labels.values()), range=[PALETTE[2], PALETTE[1]]),
        legend=alt.Legend(orient="bottom", titleLimit=320),
    )
    people_x = alt.X("value:Q", title="Target people", scale=alt.Scale(domainMin=0))
    reach_bars = reached.mark_bar().encode(
        x=people_x,
        y=option_y,
        yOffset=alt.YOffset("measure_label:N", sort=list(measure_labels.values())),
        color=reach_colour,
        tooltip=[
            alt.Tooltip("option_label:N", title="Buying"),
            alt.Tooltip("measure_text:N", title="Reached"),
            alt.Tooltip("value:Q", title="People", format=",.0f"),
        ],
    )
    audience_rule = (
        alt.Chart(pd.DataFrame({"one": [1]}))
        .transform_calculate(audience="tg_audience")
        .mark_rule(color=PALETTE[7], strokeDash=[6, 3])
        .encode(
            x="audience:Q",
            tooltip=[alt.Tooltip("audience:Q", title="Whole target audience", format=",.0f")],
        )
    )
    reach = alt.layer(reach_bars, audience_rule, name="targeting_reach").properties(
        width=300, height=110, title="Whom they reach (dashed line: everyone in the target)"
    )

    # The numbers: one row per column of compare_targeting, one column per option.
    table_rows = pd.DataFrame(
        [
            {"option": option, "metric": metric, "label": label, "fmt": fmt, "order": i}
            for option in targeting.OPTIONS
            for i, (metric, label, fmt) in enumerate(_TABLE_ROWS)
        ]
    )
    table_base = (
        _with_option_fields(alt.Chart(table_rows))
        .transform_calculate(value=_pick_field("metric", [row[0] for row in _TABLE_ROWS]))
        .transform_calculate(
            shown="isFinite(datum.value) ? format(datum.value, datum.fmt) : 'nobody reached'",
            row_label="replace(datum.label, 'k+', tg_min_frequency + '+')",
            x_position="datum.option == 'broad' ? 430 : 560",
        )
    )
    row_y = alt.Y("label:N", sort=alt.EncodingSortField("order"), axis=None)
    names = (
        table_base.transform_filter("datum.option == 'broad'")
        .mark_text(align="left", baseline="middle")
        .encode(x=alt.value(0), y=row_y, text="row_label:N")
        .add_params(*params)  # lifted to the top of the spec (faster than on the whole chart)
    )
    values = table_base.mark_text(align="right", baseline="middle", fontWeight="bold").encode(
        x=alt.X("x_position:Q", scale=None),
        y=row_y,
        text="shown:N",
        tooltip=[
            alt.Tooltip("option_label:N", title="Buying"),
            alt.Tooltip("row_label:N", title="Quantity"),
            alt.Tooltip("shown:N", title="Value"),
        ],
    )
    headings = (
        alt.Chart(
            pd.DataFrame(
                {
                    "heading": ["Broad", "Targeted"],
                    "x_position": [430, 560],
                    "y_position": [-10, -10],
                }
            )
        )
        .mark_text(align="right", baseline="bottom", fontWeight="bold", color=PALETTE[0])
        .encode(
            x=alt.X("x_position:Q", scale=None),
            y=alt.Y("y_position:Q", scale=None),
            text="heading:N",
        )
    )
    table = alt.layer(names, values, headings, name="targeting_table").properties(
        width=580, height=20 * len(_TABLE_ROWS), view=alt.ViewConfig(stroke=None)
    )

    # The verdict: break-even premium, and which option reaches a target person more cheaply.
    verdict = (
        alt.Chart(pd.DataFrame({"line": [1, 2]}), name="targeting_summary")
        .transform_calculate(
            break_even="tg_broad_share > 0 ? tg_targeted_share / tg_broad_share - 1 : 1 / 0",
            broad_cost="tg_cpm / tg_broad_share",
            targeted_cost="tg_cpm * (1 + tg_premium) / tg_targeted_share",
        )
        .transform_calculate(
            text=(
                "datum.line == 1 ? (isFinite(datum.break_even) ? 'Break-even premium = "
                "targeted share / broad share − 1 = ' + format(datum.break_even, '.0%') + "
                "'; the premium now is ' + format(tg_premium, '.0%') : 'Broad buying lands "
                "nothing on target: any premium is worth paying') : "
                "(datum.targeted_cost < datum.broad_cost ? 'Targeting buys on-target "
                "impressions more cheaply: ' : datum.targeted_cost > datum.broad_cost ? "
                "'Broad buying is cheaper per on-target impression: ' : 'Both cost the same "
                "per on-target impression: ') + 'yuan per 1,000 on target: broad ' + "
                "(isFinite(datum.broad_cost) ? format(datum.broad_cost, ',.2f') : 'none') + "
                "', targeted ' + (isFinite(datum.targeted_cost) ? "
                "format(datum.targeted_cost, ',.2f') : 'none')"
            )
        )
        .mark_text(align="left", baseline="middle", fontSize=13)
        .encode(x=alt.value(0), y=alt.Y("line:O", axis=None), text="text:N")
        .properties(width=580, height=44, view=alt.ViewConfig(stroke=None))
    )

    broad, targeted = start.loc["broad"], start.loc["targeted"]
    return alt.vconcat(
        alt.hconcat(impressions, reach).resolve_scale(color="independent"), table, verdict
    ).properties(
        title=alt.Title(
            "Broad or targeted? The same budget, two ways of buying impressions",
            subtitle=(
                "Move the sliders: budget, prices, how much of each buy lands on target, the "
                "size of the target audience and the exposures that count."
                if sliders
                else "Budget, prices, target shares, audience and exposures as set."
            ),
        ),
        description=(
            "Two horizontal bar charts compare broad and targeted buying of the same budget. "
            "The first splits each option's impressions into those seen by the target audience "
            "and those wasted on other people; the second shows how many target people each "
            "option reaches at least once and at least k times, with a dashed line at the size "
            "of the whole target audience. A table below lists the CPM, impressions, share on "
            "target, cost per 1,000 on-target impressions, reach, frequency and cost per target "
            "person reached for both options, and a line of text gives the break-even premium. "
            f"At the starting values broad buying reaches {broad['reach']:,.0f} target people "
            f"and targeted buying {targeted['reach']:,.0f}."
        ),
    )
