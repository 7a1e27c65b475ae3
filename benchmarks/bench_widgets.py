"""Time the live widgets' callbacks: milliseconds from moving a control to a new chart on show.

    .venv/bin/python benchmarks/bench_widgets.py [--repeats 30]

A callback is everything that happens when a student moves a control: the model runs again,
the chart's spec is rewritten with the new values and passed through the Altair renderer, and
the summary is rewritten. Each row moves one control back and forth between two values and
prints the median and 90th-percentile time per callback (target: median at most 50 ms).

For comparison, the last rows build each chart from scratch with its builder and call
``to_dict()`` (what a callback would cost if it rebuilt the Altair chart every time), and the
cascade widget's "new seeds" row includes a fresh reach-curve simulation (a cache miss).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from socialmarketing import charts, costs, viral, widgets


def _times(action: Callable[[int], object], repeats: int) -> list[float]:
    """Milliseconds per call of ``action(i)`` for i = 0 .. repeats - 1 (after one warm-up)."""
    action(-1)
    spent = []
    for i in range(repeats):
        start = time.perf_counter()
        action(i)
        spent.append((time.perf_counter() - start) * 1000.0)
    return spent


def _mover(widget: widgets.ModelWidget, name: str, a: object, b: object) -> Callable[[int], None]:
    """Set control ``name`` to ``a`` and ``b`` in turn (every set triggers one callback)."""

    def move(i: int) -> None:
        widget.controls[name].value = a if i % 2 else b

    return move


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="callbacks timed per row")
    repeats = parser.parse_args().repeats
    charts.setup()  # the course renderer, as in a course notebook

    funnel_ui = widgets.funnel_widget()
    cost_ui = widgets.cost_widget()
    clv_ui = widgets.clv_widget()
    graph = widgets.demo_follower_graph()
    cascade_ui = widgets.cascade_widget(graph)
    new_seed_counts = iter(range(6, 51))

    def new_seeds(_i: int) -> None:
        cascade_ui.controls["seeds"].value = next(new_seed_counts)  # never seen: simulates

    curve = viral.expected_reach_curve(graph, [0, 1, 2], np.arange(0, 0.31, 0.02), runs=20)
    weekly = costs.paid_vs_social(52, 10_000)
    rows: list[tuple[str, Callable[[int], object], int]] = [
        ("funnel_widget: share rate slider", _mover(funnel_ui, "share_rate", 0.25, 0.4), repeats),
        ("funnel_widget: audience box", _mover(funnel_ui, "audience", 10_000, 20_000), repeats),
        ("cost_widget: CVR slider", _mover(cost_ui, "cvr", 0.03, 0.05), repeats),
        ("cost_widget: budget box", _mover(cost_ui, "budget", 10_000, 12_500), repeats),
        ("clv_widget: retention slider", _mover(clv_ui, "retention", 0.8, 0.9), repeats),
        ("clv_widget: periods slider", _mover(clv_ui, "periods", 20, 30), repeats),
        ("cascade_widget: p slider", _mover(cascade_ui, "p", 0.1, 0.2), repeats),
        (
            "cascade_widget: strategy (curves cached)",
            _mover(cascade_ui, "strategy", "random", "top_followers"),
            repeats,
        ),
        ("cascade_widget: new seed count (simulates)", new_seeds, min(repeats, 10)),
        ("rebuild: funnel_chart().to_dict()", lambda _i: charts.funnel_chart().to_dict(), 10),
        (
            "rebuild: cost_calculator_chart().to_dict()",
            lambda _i: charts.cost_calculator_chart().to_dict(),
            10,
        ),
        (
            "rebuild: cascade_reach_chart(curve).to_dict()",
            lambda _i: charts.cascade_reach_chart(curve).to_dict(),
            10,
        ),
        (
            "rebuild: paid_vs_social_chart(table).to_dict()",
            lambda _i: charts.paid_vs_social_chart(weekly).to_dict(),
            10,
        ),
        ("rebuild: clv_chart().to_dict()", lambda _i: charts.clv_chart().to_dict(), 10),
    ]

    width = max(len(label) for label, _, _ in rows)
    print(f"{'callback':<{width}}  {'runs':>5}  {'median ms':>9}  {'p90 ms':>8}")
    for label, action, count in rows:
        spent = _times(action, count)
        p90 = float(np.percentile(spent, 90))
        print(f"{label:<{width}}  {count:>5}  {statistics.median(spent):>9.1f}  {p90:>8.1f}")


if __name__ == "__main__":
    main()
