"""Benchmark socialmarketing.viral.simulate_cascades against NDlib's IndependentCascadesModel.

Run from the repository root:

    .venv/bin/python benchmarks/bench_viral.py                  # 100,000 accounts, 10 NDlib runs
    .venv/bin/python benchmarks/bench_viral.py --ndlib-runs 5   # fewer (slow) NDlib runs

One directed random graph (100,000 accounts, each follows about 10 others; edges point from an
account to its followers), 10 seed accounts. For p = 0.05 and p = 0.1 (R is about 0.5 and 1):

* our vectorised simulation: 1,000 runs, seconds per run and peak memory (tracemalloc);
* NDlib: a handful of runs on the same graph (each iterated until nobody is active any more),
  seconds per run (model set-up is timed separately and not counted);
* the speed-up per run, both mean final sizes with standard errors and a z statistic (the two
  should agree: |z| below about 3).

Targets: under 1 s for 1,000 runs at p = 0.05, at least 300x faster per run than NDlib, and
peak memory under 1 GB. This is a script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import math
import resource
import time
import tracemalloc

import ndlib.models.epidemics as ndlib_epidemics
import ndlib.models.ModelConfig as ndlib_config
import networkx as nx
import numpy as np
from scipy import sparse

from socialmarketing.viral import reproduction_number, simulate_cascades

ACCOUNTS = 100_000
MEAN_FOLLOWERS = 10
SEED_ACCOUNTS = 10
PROBABILITIES = (0.05, 0.1)
OUR_RUNS = 1000


def random_follower_matrix(n: int, mean_degree: float, seed: int) -> sparse.csr_matrix:
    """A G(n, m)-like directed random graph straight from numpy: no self-follows, no repeats."""
    rng = np.random.default_rng(seed)
    m = int(n * mean_degree)
    source = rng.integers(0, n, m)
    target = rng.integers(0, n, m)
    keep = source != target
    matrix = sparse.csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.int8), (source[keep], target[keep])), shape=(n, n)
    )
    matrix.data[:] = 1  # repeated pairs were summed: one follow each
    return matrix


def ndlib_model(graph: nx.DiGraph, seeds: list[int], p: float, seed: int):
    """NDlib's IC model with activation probability p on every edge and the seeds infected."""
    model = ndlib_epidemics.IndependentCascadesModel(graph, seed=seed)
    config = ndlib_config.Configuration()
    config.add_model_initial_configuration("Infected", seeds)
    for edge in graph.edges():
        config.add_edge_configuration("threshold", edge, p)
    model.set_initial_status(config)
    return model


def ndlib_run(model, seeds: list[int]) -> int:
    """One NDlib cascade: iterate until nobody is infected (status 1); return the removed (2)."""
    model.reset(infected_nodes=seeds)
    while True:
        result = model.iteration(node_status=False)
        if result["node_count"][1] == 0:
            return int(result["node_count"][2])


def mean_and_error(sizes: np.ndarray) -> tuple[float, float]:
    sizes = np.asarray(sizes, dtype=float)
    error = sizes.std(ddof=1) / math.sqrt(len(sizes)) if len(sizes) > 1 else math.nan
    return float(sizes.mean()), float(error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ndlib-runs", type=int, default=10, help="NDlib runs per p (slow)")
    parser.add_argument("--accounts", type=int, default=ACCOUNTS)
    args = parser.parse_args()

    start = time.perf_counter()
    matrix = random_follower_matrix(args.accounts, MEAN_FOLLOWERS, seed=2024)
    seeds = list(range(0, args.accounts, args.accounts // SEED_ACCOUNTS))[:SEED_ACCOUNTS]
    print(
        f"graph: {matrix.shape[0]:,} accounts, {matrix.nnz:,} follows "
        f"(built in {time.perf_counter() - start:.2f} s); seeds: {SEED_ACCOUNTS} accounts"
    )
    start = time.perf_counter()
    rows, columns = matrix.nonzero()
    graph = nx.DiGraph()
    graph.add_nodes_from(range(matrix.shape[0]))
    graph.add_edges_from(zip(rows.tolist(), columns.tolist(), strict=True))
    print(f"same graph as a networkx.DiGraph for NDlib: {time.perf_counter() - start:.1f} s")
    simulate_cascades(matrix, seeds, 0.05, runs=10, seed=0)  # warm up imports and caches

    table = []
    for p in PROBABILITIES:
        start = time.perf_counter()
        ours = simulate_cascades(matrix, seeds, p, runs=OUR_RUNS, seed=1)
        our_seconds = time.perf_counter() - start
        tracemalloc.start()
        simulate_cascades(matrix, seeds, p, runs=OUR_RUNS, seed=1)
        _, peak_bytes = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        start = time.perf_counter()
        model = ndlib_model(graph, seeds, p, seed=7)
        setup_seconds = time.perf_counter() - start
        theirs, ndlib_seconds = [], []
        for _ in range(args.ndlib_runs):
            start = time.perf_counter()
            theirs.append(ndlib_run(model, seeds))
            ndlib_seconds.append(time.perf_counter() - start)

        our_mean, our_error = mean_and_error(ours)
        their_mean, their_error = mean_and_error(np.array(theirs))
        z = (our_mean - their_mean) / math.hypot(our_error, their_error)
        our_per_run = our_seconds / OUR_RUNS
        their_per_run = float(np.mean(ndlib_seconds))
        table.append(
            {
                "p": p,
                "R": reproduction_number(matrix, p),
                "ours_s_total": our_seconds,
                "ours_s_per_run": our_per_run,
                "ours_peak_mb": peak_bytes / 1e6,
                "ndlib_runs": args.ndlib_runs,
                "ndlib_setup_s": setup_seconds,
                "ndlib_s_per_run": their_per_run,
                "speedup": their_per_run / our_per_run,
                "ours_mean": f"{our_mean:.1f} +- {our_error:.1f}",
                "ndlib_mean": f"{their_mean:.1f} +- {their_error:.1f}",
                "z": z,
            }
        )

    print()
    print(f"simulate_cascades: {OUR_RUNS} runs per p; NDlib: {args.ndlib_runs} runs per p")
    header = list(table[0])
    widths = [max(len(h), 11) for h in header]
    print("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    for row in table:
        cells = []
        for value, width in zip(row.values(), widths, strict=True):
            if isinstance(value, float):
                text = f"{value:.3g}" if abs(value) < 1e4 else f"{value:,.0f}"
            else:
                text = str(value)
            cells.append(text.rjust(width))
        print("  ".join(cells))
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory of the whole script (includes NDlib's graph): {peak_rss:.0f} MB")


if __name__ == "__main__":
    main()
