"""Time the public functions of the funnel and costs models: prints median milliseconds per call.

    .venv/bin/python benchmarks/bench_models.py [--repeats 15]

Every function is called with its teaching defaults (or the sizes a chart or widget uses, noted
in the label). Each call is timed on its own; the table shows the median and the fastest run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from socialmarketing import costs, funnel

CHANNELS = pd.DataFrame(
    {
        "channel": ["search", "wechat", "douyin", "weibo", "xiaohongshu", "bilibili"],
        "segment": ["tier-1", "tier-1", "lower-tier", "lower-tier", "tier-1", "lower-tier"],
        "max_conversions": [300.0, 500.0, 800.0, 200.0, 400.0, 250.0],
        "saturation": [5e3, 2e4, 6e4, 1e4, 1.5e4, 3e4],
        "value_per_conversion": [60.0, 60.0, 40.0, 50.0, 70.0, 45.0],
    }
)
MANY_CHANNELS = pd.DataFrame(
    {
        "channel": [f"c{i}" for i in range(1000)],
        "max_conversions": np.linspace(10, 1000, 1000),
        "saturation": np.linspace(1e3, 1e5, 1000),
    }
)
MILLION = np.linspace(1, 1e6, 1_000_000)

CASES: dict[str, Callable[[], object]] = {
    "funnel.aidma(10_000)": lambda: funnel.aidma(10_000),
    "funnel.aisas(10_000)": lambda: funnel.aisas(10_000),
    "funnel.viral_generations(100, 0.8, 50)": lambda: funnel.viral_generations(100, 0.8, 50),
    "funnel.viral_generations(..., market_size=1e6)": lambda: funnel.viral_generations(
        100, 1.5, 50, market_size=1e6
    ),
    "funnel.aisas_with_sharing(100_000)": lambda: funnel.aisas_with_sharing(100_000),
    "funnel.compare_funnels(10_000, 20)": lambda: funnel.compare_funnels(10_000, 20),
    "costs.cpc(scalar)": lambda: costs.cpc(500, 400),
    "costs.cpc(1e6-element arrays)": lambda: costs.cpc(MILLION, MILLION / 2),
    "costs.campaign_outcome(...)": lambda: costs.campaign_outcome(1e4, 2, 0.01, 0.03, 150, 0.4),
    "costs.campaign_grid(21x21x11x21 = 101,871 rows)": lambda: costs.campaign_grid(
        np.linspace(1e3, 1e5, 21),
        np.linspace(0.5, 10, 21),
        np.linspace(0.005, 0.05, 11),
        np.linspace(0.0, 0.1, 21),
        150,
        0.4,
    ),
    "costs.rising_click_cost(52, 2, 0.03)": lambda: costs.rising_click_cost(52, 2.0, 0.03),
    "costs.paid_vs_social(52, 10_000)": lambda: costs.paid_vs_social(52, 10_000),
    "costs.paid_vs_social(520, 10_000)": lambda: costs.paid_vs_social(520, 10_000),
    "costs.allocate_budget(6 channels)": lambda: costs.allocate_budget(10_000, CHANNELS),
    "costs.allocate_budget(6 channels, profit)": lambda: costs.allocate_budget(
        10_000, CHANNELS, objective="profit"
    ),
    "costs.allocate_budget(1,000 channels)": lambda: costs.allocate_budget(1e6, MANY_CHANNELS),
}


def time_call(call: Callable[[], object], repeats: int) -> list[float]:
    """Seconds taken by each of ``repeats`` calls (after one warm-up call)."""
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="timed calls per function")
    args = parser.parse_args()
    width = max(len(label) for label in CASES)
    print(f"{'function':<{width}}  {'median ms':>10}  {'best ms':>10}")
    for label, call in CASES.items():
        times = time_call(call, args.repeats)
        median_ms = statistics.median(times) * 1000
        best_ms = min(times) * 1000
        print(f"{label:<{width}}  {median_ms:>10.3f}  {best_ms:>10.3f}")


if __name__ == "__main__":
    main()
