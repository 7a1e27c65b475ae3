"""Viral spread on a follower graph: the independent-cascade (IC) model.

On a microblog a post spreads when followers repost it. Every repost does two things for a
brand: it *exposes* the post (and the brand's logo) to the reposter's followers, and it
*endorses* the message, because people trust what their friends pass on.

The **follower graph** has one node per account and an edge ``i -> j`` when account ``j``
follows account ``i``: edges point the way information flows, from an account to its
followers. The out-degree of an account is its number of followers.

The **independent-cascade model** follows one post:

1. The seed accounts (the brand, or the KOLs and members it pays) post it. They form
   generation 0.
2. Every account that has just reposted gets exactly one chance to make each of its
   followers repost, and each chance succeeds with probability ``p``, independently of all
   the others. The followers who repost form the next generation.
3. Step 2 repeats until a generation is empty. Nobody reposts the same post twice.

The number of accounts that posted or reposted in the end (seeds included) is the **cascade
size**, or reach. It is random, so we simulate many runs (Monte Carlo) and look at the mean
and the spread.

An account with ``k`` followers who just reposted causes ``p x k`` new reposts on average.
Whether a cascade fizzles out or takes off depends on the **reproduction number** ``R``
(:func:`reproduction_number`): below 1 each generation is smaller than the one before; above 1
a cascade can reach a large share of the graph. The ``p`` at which ``R = 1`` is the
**epidemic threshold** (:func:`epidemic_threshold`, :func:`spectral_threshold`).

Graphs can be given as a :class:`networkx.DiGraph` (nodes may be any labels, such as
``"kol_9"``) or as a square scipy sparse matrix ``A`` with ``A[i, j] != 0`` when ``j`` follows
``i`` (nodes are then the integers ``0 .. n-1``). Seeds and other node lists are given the same
way as the graph: node labels for a DiGraph, integer indices for a matrix. Results that list
nodes (:func:`simulate_cascade_tree`) use indices ``0 .. n-1`` in ``list(graph.nodes)`` order.

All functions are pure: no printing, no plotting, no global state. Randomness comes from a
``numpy`` random generator started from ``seed``: the same whole-number ``seed`` always gives
the same result, and ``seed=None`` gives fresh randomness every call.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csgraph
from scipy.sparse import linalg as sparse_linalg

from socialmarketing.validation import (
    check_choice,
    check_count,
    check_nonnegative,
    check_positive,
    check_rate,
    check_rates,
)

__all__ = [
    "SEEDING_STRATEGIES",
    "choose_seeds",
    "compare_seeding",
    "epidemic_threshold",
    "expected_reach_curve",
    "exposure",
    "reproduction_number",
    "simulate_cascade_tree",
    "simulate_cascades",
    "spectral_threshold",
    "to_adjacency",
]

#: The seeding strategies :func:`choose_seeds` knows: pick accounts at random, pick the accounts
#: with the most followers (key opinion leaders, KOLs), or pick among the members of a group
#: such as a brand's fan club.
SEEDING_STRATEGIES = ("random", "top_followers", "members")

# simulate_cascades keeps one "has reposted" flag per (run, account) pair. Runs are simulated in
# batches of at most this many pairs, which keeps memory well under 1 GB even when a cascade
# reaches almost everybody (the per-step work arrays then hold about 30 bytes per pair).
_STATE_CELLS_PER_BATCH = 2**24

# Below this many accounts spectral_threshold uses a dense eigenvalue routine (exact and fast).
_DENSE_EIGEN_LIMIT = 400

GraphLike = nx.DiGraph | sparse.spmatrix | sparse.sparray


# ---------------------------------------------------------------------------------------------
# Graphs and node lists
# ---------------------------------------------------------------------------------------------


def _canonical_csr(graph: object) -> sparse.csr_matrix:
    """Return ``graph`` as a square CSR matrix without duplicate entries (values untouched).

    A CSR matrix that is already in canonical form is returned as it is, without a copy, so
    that repeated calls on a big graph cost nothing. Explicit zeros may remain: callers decide
    whether they need a 0/1 matrix (see :func:`to_adjacency`).
    """
    if isinstance(graph, nx.Graph):
        if not graph.is_directed():
            raise ValueError(
                "the graph must be directed (a networkx.DiGraph): edges must point from an "
                "account to its followers, got an undirected networkx.Graph"
            )
        n = graph.number_of_nodes()
        if n == 0:
            raise ValueError("the graph is empty: it must have at least one account (node)")
        position = {node: i for i, node in enumerate(graph.nodes)}
        edges = np.array(
            [(position[u], position[v]) for u, v in graph.edges()], dtype=np.int64
        ).reshape(-1, 2)
        ones = np.ones(len(edges), dtype=np.int8)
        matrix = sparse.csr_matrix((ones, (edges[:, 0], edges[:, 1])), shape=(n, n))
        matrix.data[:] = 1  # a MultiDiGraph's repeated edges are still one follow
        matrix.sum_duplicates()
        return matrix
    if sparse.issparse(graph):
        rows, columns = graph.shape
        if rows != columns:
            raise ValueError(
                f"the adjacency matrix must be square (one row and one column per account), "
                f"got shape {rows} x {columns}"
            )
        if rows == 0:
            raise ValueError("the graph is empty: it must have at least one account (node)")
        if graph.format == "csr" and isinstance(graph, sparse.csr_matrix):
            matrix = graph
        else:
            matrix = sparse.csr_matrix(graph)
        if not matrix.has_canonical_format:
            matrix = matrix.copy()
            matrix.sum_duplicates()
        return matrix
    raise ValueError(
        "graph must be a networkx.DiGraph or a square scipy sparse matrix A with A[i, j] != 0 "
        f"when account j follows account i, got {type(graph).__name__}"
    )


def to_adjacency(graph: GraphLike) -> sparse.csr_matrix:
    """Return the follower graph as a 0/1 sparse adjacency matrix in CSR format.

    Parameters
    ----------
    graph
        Either a :class:`networkx.DiGraph` whose edges point from an account to its followers
        (edge ``u -> v`` means ``v`` follows ``u``; nodes may be any labels), or a square scipy
        sparse matrix ``A`` with ``A[i, j] != 0`` when account ``j`` follows account ``i``.

    Returns
    -------
    scipy.sparse.csr_matrix
        ``n x n`` matrix with ``A[i, j] = 1`` when ``j`` follows ``i`` and no stored zeros.
        Row ``i`` lists the followers of ``i``; row sums are follower counts (out-degrees),
        column sums are followee counts (in-degrees). For a DiGraph, node ``list(graph.nodes)[i]``
        becomes index ``i``. A CSR matrix that is already 0/1 without duplicates is returned
        as it is (not copied).

    Raises
    ------
    ValueError
        For an undirected graph, a non-square or empty matrix, or anything else.
    """
    matrix = _canonical_csr(graph)
    if not np.all(matrix.data == 1):
        matrix = matrix.copy()
        matrix.data = (matrix.data != 0).astype(np.int8)
        matrix.eliminate_zeros()
    return matrix


def _label_positions(graph: object) -> dict[Hashable, int] | None:
    """For a DiGraph, map each node label to its index; ``None`` for a matrix."""
    if isinstance(graph, nx.Graph):
        return {node: i for i, node in enumerate(graph.nodes)}
    return None


def _labels(graph: object, indices: np.ndarray) -> np.ndarray:
    """Turn node indices back into the caller's node names (labels for a DiGraph)."""
    if isinstance(graph, nx.Graph):
        nodes = list(graph.nodes)
        labels = np.empty(len(indices), dtype=object)  # labels may be strings, tuples, ...
        labels[:] = [nodes[i] for i in indices]
        return labels
    return np.asarray(indices, dtype=np.int64)


def _node_indices(
    what: str,
    nodes: object,
    positions: dict[Hashable, int] | None,
    n: int,
    *,
    allow_empty: bool = False,
) -> np.ndarray:
    """Return ``nodes`` (labels or indices, see the module docstring) as unique indices.

    ``what`` names one node in messages ("seed" gives "seed node 'kol_9' is not in the
    graph"). A single label or index is accepted as a list of one. Repeated nodes are an error:
    listing an account twice is almost always a mistake, so we say so instead of guessing.
    """
    if isinstance(nodes, str | int | np.integer) or not isinstance(nodes, Iterable):
        nodes = [nodes]
    items = list(nodes)
    if not items and not allow_empty:
        raise ValueError(f"give at least one {what} node, got an empty list")
    indices = np.empty(len(items), dtype=np.int64)
    for k, node in enumerate(items):
        if positions is not None:
            try:
                indices[k] = positions[node]
            except (KeyError, TypeError):
                raise ValueError(f"{what} node {node!r} is not in the graph") from None
        else:
            is_whole = isinstance(node, int | np.integer) and not isinstance(node, bool | np.bool_)
            if not is_whole or not 0 <= node < n:
                raise ValueError(
                    f"{what} node {node!r} is not in the graph (the accounts of a graph given "
                    f"as a matrix are the whole numbers 0 to {n - 1})"
                )
            indices[k] = node
    unique, counts = np.unique(indices, return_counts=True)
    if np.any(counts > 1):
        repeated = items[int(np.flatnonzero(indices == unique[counts > 1][0])[0])]
        raise ValueError(f"{what} node {repeated!r} is listed more than once; list each once")
    return indices


def _prepare(
    graph: GraphLike, seeds: object, *, binary: bool = True
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Return the adjacency matrix of ``graph`` and the seed indices, both checked."""
    matrix = to_adjacency(graph) if binary else _canonical_csr(graph)
    seed_index = _node_indices("seed", seeds, _label_positions(graph), matrix.shape[0])
    return matrix, seed_index


def _out_edges(matrix: sparse.csr_matrix, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All edges leaving ``nodes``: ``(source, position)`` with ``matrix.indices[position]``
    the follower at the other end of each edge. Vectorised slicing of the CSR rows."""
    starts = matrix.indptr[nodes].astype(np.int64)
    counts = matrix.indptr[nodes + 1].astype(np.int64) - starts
    total = int(counts.sum())
    source = np.repeat(nodes, counts)
    row_start_in_output = np.cumsum(counts) - counts
    position = np.arange(total, dtype=np.int64) + np.repeat(starts - row_start_in_output, counts)
    return source, position


def _followers(matrix: sparse.csr_matrix) -> np.ndarray:
    """Follower count (out-degree) of every account of a 0/1 CSR matrix."""
    return np.diff(matrix.indptr).astype(np.int64)


# ---------------------------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------------------------


def simulate_cascade_tree(
    graph: GraphLike, seeds: object, p: float, seed: int | None = None
) -> pd.DataFrame:
    """Simulate ONE cascade and record who made whom repost (the repost tree).

    Parameters
    ----------
    graph
        Follower graph: a :class:`networkx.DiGraph` (edges from an account to its followers)
        or a square sparse matrix with ``A[i, j] != 0`` when ``j`` follows ``i``.
    seeds
        The accounts that post first: node labels for a DiGraph, indices for a matrix. Each
        may appear only once.
    p
        Probability (0 to 1) that one follower who sees a post reposts it.
    seed
        Seed of the random generator (a whole number for a reproducible run, or ``None``).

    Returns
    -------
    pandas.DataFrame
        One row per account that posted or reposted, with int64 columns

        * ``node`` - the account's index ``0 .. n-1`` (for a DiGraph, in ``list(graph.nodes)``
          order);
        * ``parent`` - the index of the account whose post it reposted, ``-1`` for seeds;
        * ``generation`` - 0 for seeds, 1 for their reposters, and so on; always the parent's
          generation + 1.

        Seeds come first (in the order given), then each generation sorted by ``node``. When
        several accounts of the same generation succeed in making one follower repost, the
        parent is one of them picked uniformly at random (the follower reposts once only).

    The run costs time in proportion to the followers of the accounts that repost, not to the
    size of the graph, so it is fast on graphs of millions of accounts. When simulating many
    posts on a big DiGraph, convert it once with :func:`to_adjacency` and pass the matrix.
    """
    matrix, seed_index = _prepare(graph, seeds, binary=False)
    p = check_rate("p", p)
    rng = np.random.default_rng(seed)
    n = matrix.shape[0]

    reposted = np.zeros(n, dtype=bool)
    reposted[seed_index] = True
    nodes = [seed_index]
    parents = [np.full(len(seed_index), -1, dtype=np.int64)]
    generations = [np.zeros(len(seed_index), dtype=np.int64)]
    frontier = seed_index
    generation = 0
    while len(frontier) > 0 and p > 0:
        generation += 1
        source, position = _out_edges(matrix, frontier)
        # One independent chance per edge; a stored 0 in a matrix is not a follow.
        success = (rng.random(len(position)) < p) & (matrix.data[position] != 0)
        source = source[success]
        follower = matrix.indices[position[success]].astype(np.int64)
        fresh = ~reposted[follower]
        source, follower = source[fresh], follower[fresh]
        # Shuffle the successful edges, then keep the first one into each follower: every
        # successful parent of a follower is equally likely to be the one kept.
        order = rng.permutation(len(follower))
        new_nodes, first = np.unique(follower[order], return_index=True)
        new_parents = source[order][first]
        reposted[new_nodes] = True
        nodes.append(new_nodes)
        parents.append(new_parents)
        generations.append(np.full(len(new_nodes), generation, dtype=np.int64))
        frontier = new_nodes
    return pd.DataFrame(
        {
            "node": np.concatenate(nodes),
            "parent": np.concatenate(parents),
            "generation": np.concatenate(generations),
        }
    )


def _simulate_batch(
    matrix: sparse.csr_matrix,
    seed_index: np.ndarray,
    p: float,
    batch: int,
    rng: np.random.Generator,
    followers: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Run ``batch`` cascades at once; return their sizes and impressions (see module doc).

    The state is a (runs x accounts) table of "has reposted" flags, stored flat. Each step
    multiplies the sparse (runs x accounts) 0/1 frontier by the adjacency matrix: entry
    ``k = (frontier @ A)[r, j]`` counts the accounts that just reposted in run ``r`` and that
    ``j`` follows. Each of them has an independent chance ``p``, so ``j`` reposts with
    probability ``1 - (1 - p) ** k``: exactly the IC model, one random number per (run, account).
    """
    n = matrix.shape[0]
    n_seeds = len(seed_index)
    reposted = np.zeros(batch * n, dtype=bool)
    seed_run = np.repeat(np.arange(batch, dtype=np.int64), n_seeds)
    reposted[seed_run * n + np.tile(seed_index, batch)] = True
    sizes = np.full(batch, n_seeds, dtype=np.int64)
    impressions = np.full(batch, int(followers[seed_index].sum()), dtype=np.int64)
    frontier = sparse.csr_matrix(
        (
            np.ones(batch * n_seeds, dtype=np.int32),
            np.tile(seed_index, batch),
            np.arange(0, batch * n_seeds + 1, n_seeds),
        ),
        shape=(batch, n),
    )
    stay_quiet = 1.0 - p
    while frontier.nnz > 0:
        exposures = frontier @ matrix  # (runs x accounts): k per follower, stored where k > 0
        run = np.repeat(np.arange(batch, dtype=np.int64), np.diff(exposures.indptr))
        account = exposures.indices.astype(np.int64)
        fresh = ~reposted[run * n + account]
        run, account = run[fresh], account[fresh]
        k = exposures.data[fresh]
        reposts = rng.random(len(account)) < 1.0 - stay_quiet**k
        run, account = run[reposts], account[reposts]
        reposted[run * n + account] = True
        per_run = np.bincount(run, minlength=batch)
        sizes += per_run
        impressions += np.bincount(run, weights=followers[account], minlength=batch).astype(
            np.int64
        )
        indptr = np.concatenate([[0], np.cumsum(per_run)])
        frontier = sparse.csr_matrix(
            (np.ones(len(account), dtype=np.int32), account, indptr), shape=(batch, n)
        )
    return sizes, impressions


def _simulate(
    matrix: sparse.csr_matrix,
    seed_index: np.ndarray,
    p: float,
    runs: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Sizes and impressions of ``runs`` cascades, simulated in memory-bounded batches."""
    n = matrix.shape[0]
    followers = _followers(matrix)
    per_batch = max(1, min(runs, _STATE_CELLS_PER_BATCH // n))
    sizes, impressions = [], []
    for start in range(0, runs, per_batch):
        batch = min(per_batch, runs - start)
        batch_sizes, batch_impressions = _simulate_batch(
            matrix, seed_index, p, batch, rng, followers
        )
        sizes.append(batch_sizes)
        impressions.append(batch_impressions)
    return np.concatenate(sizes), np.concatenate(impressions)


def simulate_cascades(
    graph: GraphLike,
    seeds: object,
    p: float,
    runs: int = 1000,
    seed: int | None = None,
) -> np.ndarray:
    """Simulate many independent cascades from the same seeds; return their final sizes.

    Parameters
    ----------
    graph
        Follower graph: a :class:`networkx.DiGraph` (edges from an account to its followers)
        or a square sparse matrix with ``A[i, j] != 0`` when ``j`` follows ``i``.
    seeds
        The accounts that post first: node labels for a DiGraph, indices for a matrix. Each
        may appear only once (a repeated seed raises ValueError).
    p
        Probability (0 to 1) that one follower who sees a post reposts it.
    runs
        Number of Monte-Carlo runs (1 or more).
    seed
        Seed of the random generator (a whole number for reproducible results, or ``None``).

    Returns
    -------
    numpy.ndarray
        int64 array of shape ``(runs,)``: the number of accounts that posted or reposted in
        each run, seeds included (a count between ``len(seeds)`` and the number of accounts).

    All runs are simulated together, generation by generation, with sparse matrix products
    (see the module source); 1,000 runs on a graph of 100,000 accounts take a fraction of a
    second when cascades stay small.
    """
    matrix, seed_index = _prepare(graph, seeds)
    p = check_rate("p", p)
    runs = check_count("runs", runs, minimum=1)
    sizes, _ = _simulate(matrix, seed_index, p, runs, np.random.default_rng(seed))
    return sizes


def expected_reach_curve(
    graph: GraphLike,
    seeds: object,
    ps: Iterable[float],
    runs: int = 200,
    seed: int | None = None,
) -> pd.DataFrame:
    """Mean reach and its 5 % - 95 % range for each repost probability in ``ps``.

    ``graph``, ``seeds`` and ``seed`` are as in :func:`simulate_cascades`; ``ps`` is a list of
    repost probabilities (each 0 to 1) and ``runs`` the number of runs per probability.

    Returns a DataFrame with one row per ``p`` (in the order given) and columns

    * ``p`` - the repost probability;
    * ``mean_reach`` - mean cascade size (accounts, seeds included);
    * ``low`` and ``high`` - the 5 % and 95 % quantiles of the cascade size: nine runs in ten
      land between them.

    Handy for precomputing a chart with a slider over ``p``: watch the reach take off once
    ``p`` passes the :func:`epidemic_threshold`.
    """
    matrix, seed_index = _prepare(graph, seeds)
    if isinstance(ps, str) or not isinstance(ps, Iterable):
        raise ValueError(f"ps must be a list of repost probabilities, got {ps!r}")
    probabilities = check_rates("ps", ps)
    if not probabilities:
        raise ValueError("ps must hold at least one repost probability, got an empty list")
    runs = check_count("runs", runs, minimum=1)
    streams = np.random.SeedSequence(seed).spawn(len(probabilities))
    rows = []
    for p, stream in zip(probabilities, streams, strict=True):
        sizes, _ = _simulate(matrix, seed_index, p, runs, np.random.default_rng(stream))
        low, high = np.quantile(sizes, [0.05, 0.95])
        rows.append({"p": p, "mean_reach": sizes.mean(), "low": low, "high": high})
    return pd.DataFrame(rows, columns=["p", "mean_reach", "low", "high"])


# ---------------------------------------------------------------------------------------------
# Exposure and thresholds
# ---------------------------------------------------------------------------------------------


def exposure(graph: GraphLike, reposters: object) -> int:
    """Brand impressions of a post: the follower counts of everyone who posted it, added up.

    ``reposters`` lists the accounts that posted or reposted (the original poster included;
    for example the ``node`` column of :func:`simulate_cascade_tree` when the graph is a
    matrix). Node labels for a DiGraph, indices for a matrix; an empty list gives 0.

    Every post or repost shows the post, and the brand's logo, to all followers of the account
    that posted it. The result counts impressions (views), not people: a follower of two
    reposters sees the post twice and is counted twice.
    """
    matrix = to_adjacency(graph)
    index = _node_indices(
        "reposter", reposters, _label_positions(graph), matrix.shape[0], allow_empty=True
    )
    return int(_followers(matrix)[index].sum())


def _degree_moments(graph: GraphLike) -> tuple[float, float]:
    """Mean in-degree E[k_in] and mean product of in- and out-degree E[k_in x k_out]."""
    matrix = to_adjacency(graph)
    out_degree = _followers(matrix).astype(float)
    in_degree = np.bincount(matrix.indices, minlength=matrix.shape[0]).astype(float)
    return float(in_degree.mean()), float((in_degree * out_degree).mean())


def reproduction_number(graph: GraphLike, p: float) -> float:
    """Expected number of new reposts caused by a typical account that has just reposted.

    An account usually reposts because someone it follows posted: it was reached by following
    a random edge. Accounts are reached that way in proportion to how many accounts they
    follow (their in-degree ``k_in``), and then pass the post to each of their ``k_out``
    followers with probability ``p``. Averaging over such accounts gives

        R = p x E[k_in x k_out] / E[k_in]

    where ``E`` is the mean over all accounts. If R < 1 cascades die out quickly; if R > 1 a
    cascade can take off (see :func:`epidemic_threshold`). The formula treats the graph as
    random apart from its degrees (no clustering); on real graphs it is a good first guess.
    A graph without any edges gives 0.
    """
    p = check_rate("p", p)
    mean_in, mean_in_out = _degree_moments(graph)
    if mean_in == 0:
        return 0.0
    return p * mean_in_out / mean_in


def epidemic_threshold(graph: GraphLike) -> float:
    """The repost probability above which a cascade can become large (degree-based).

    ``p_c = E[k_in] / E[k_in x k_out]``, the ``p`` at which :func:`reproduction_number` is
    exactly 1. Returns ``math.inf`` when ``E[k_in x k_out] = 0`` (no account both follows
    someone and has followers, so no cascade can go beyond one step).

    The formula only uses the degrees. :func:`spectral_threshold` uses the whole structure of
    the graph instead; the two agree on graphs that are random apart from their degrees and
    differ when well-connected accounts follow each other or the graph has tight clusters.
    """
    mean_in, mean_in_out = _degree_moments(graph)
    if mean_in_out == 0:
        return math.inf
    return mean_in / mean_in_out


def spectral_threshold(graph: GraphLike) -> float:
    """Spectral epidemic threshold ``1 / lambda_max``, the largest eigenvalue of the adjacency.

    The number of ways a post can travel ``t`` steps from a seed grows like ``lambda_max ** t``
    and each step succeeds with probability ``p``, so for ``p < 1 / lambda_max`` the expected
    reach stays bounded however big the graph: cascades are surely small. Unlike
    :func:`epidemic_threshold`, which only looks at degrees, this bound sees who follows whom:
    when popular accounts follow each other ``lambda_max`` grows and the threshold drops. On a
    graph that is random apart from its degrees both numbers are close.

    Returns ``math.inf`` when the graph has no cycles (``lambda_max = 0``): posts then die out
    after a bounded number of steps whatever ``p`` is. Uses a dense routine for small graphs
    and ``scipy.sparse.linalg.eigs`` for large ones.
    """
    matrix = to_adjacency(graph).astype(float)
    n = matrix.shape[0]
    _, component = csgraph.connected_components(matrix, directed=True, connection="strong")
    has_cycle = np.bincount(component).max() > 1 or matrix.diagonal().any()
    if not has_cycle:
        return math.inf
    if n <= _DENSE_EIGEN_LIMIT:
        largest = float(np.max(np.abs(np.linalg.eigvals(matrix.toarray()))))
    else:
        values = sparse_linalg.eigs(
            matrix, k=1, which="LM", v0=np.ones(n), return_eigenvectors=False
        )
        largest = float(np.abs(values[0]))
    return 1.0 / largest


# ---------------------------------------------------------------------------------------------
# Seeding strategies
# ---------------------------------------------------------------------------------------------


def choose_seeds(
    graph: GraphLike,
    k: int,
    strategy: str,
    seed: int | None = None,
    members: object = None,
) -> np.ndarray:
    """Pick ``k`` different accounts to seed a campaign.

    Strategies (see :data:`SEEDING_STRATEGIES`):

    * ``"random"`` - ``k`` accounts drawn at random (a cheap, untargeted campaign);
    * ``"top_followers"`` - the ``k`` accounts with the most followers (the key opinion
      leaders, KOLs); ties go to the account that comes first in the graph;
    * ``"members"`` - ``k`` accounts drawn at random from ``members`` (for example the brand's
      fan-club members, who are cheap to recruit). ``members`` is only used by this strategy.

    ``seed`` seeds the random draws. Returns the seeds in the form :func:`simulate_cascades`
    accepts: node labels for a DiGraph, indices (int64) for a matrix.
    """
    matrix = to_adjacency(graph)
    n = matrix.shape[0]
    k = check_count("k", k, minimum=1)
    strategy = check_choice("strategy", strategy, SEEDING_STRATEGIES)
    rng = np.random.default_rng(seed)
    if strategy == "members":
        if members is None:
            raise ValueError("the 'members' strategy needs members: the list of member accounts")
        pool = _node_indices("member", members, _label_positions(graph), n)
        if k > len(pool):
            raise ValueError(f"k must be at most the number of members ({len(pool)}), got {k}")
        chosen = rng.choice(pool, size=k, replace=False)
    else:
        if k > n:
            raise ValueError(f"k must be at most the number of accounts ({n}), got {k}")
        if strategy == "random":
            chosen = rng.choice(n, size=k, replace=False)
        else:
            chosen = np.argsort(-_followers(matrix), kind="stable")[:k]
    return _labels(graph, np.asarray(chosen, dtype=np.int64))


def compare_seeding(
    graph: GraphLike,
    k: int,
    strategies: Sequence[str],
    p: float,
    cost_per_seed: Mapping[str, float] | float,
    value_per_reached: float = 1.0,
    runs: int = 1000,
    seed: int | None = None,
    members: object = None,
) -> pd.DataFrame:
    """Compare seeding strategies on reach, exposure, cost and return on investment.

    Parameters
    ----------
    graph
        Follower graph (DiGraph or sparse matrix, see the module docstring).
    k
        Number of seed accounts each strategy pays (1 or more).
    strategies
        Names from :data:`SEEDING_STRATEGIES`, e.g. ``["random", "top_followers"]``.
    p
        Repost probability (0 to 1).
    cost_per_seed
        Yuan paid per seed account: one number for every strategy, or a dict from strategy to
        yuan (KOLs cost more than ordinary accounts). Must be more than 0.
    value_per_reached
        Yuan that one account reached (posting or reposting) is worth to the brand, 0 or more.
    runs, seed
        Monte-Carlo runs per strategy and the random seed, as in :func:`simulate_cascades`.
    members
        The member accounts for the ``"members"`` strategy (see :func:`choose_seeds`).

    Returns
    -------
    pandas.DataFrame
        One row per strategy with columns

        * ``strategy``;
        * ``seeds`` - number of seed accounts (``k``);
        * ``cost`` - yuan paid: ``seeds x cost_per_seed``;
        * ``mean_reach`` - mean number of accounts that posted or reposted (seeds included);
        * ``cost_per_reached`` - yuan per account reached, ``cost / mean_reach``;
        * ``exposure`` - mean impressions (see :func:`exposure`) per campaign;
        * ``roi`` - return on investment, ``(mean_reach x value_per_reached - cost) / cost``
          (0.5 means every yuan spent came back as 1.5 yuan of value);
        * ``seed_nodes`` - the accounts chosen (labels or indices) as a tuple.

        A KOL costs more per seed but reaches more per seed: compare ``cost_per_reached`` and
        ``roi`` to see when paying a KOL is worth it.
    """
    matrix = to_adjacency(graph)
    if isinstance(strategies, str) or not isinstance(strategies, Iterable):
        raise ValueError(f"strategies must be a list of strategy names, got {strategies!r}")
    names = [check_choice("strategies", name, SEEDING_STRATEGIES) for name in strategies]
    if not names:
        raise ValueError("strategies must name at least one strategy, got an empty list")
    if len(set(names)) < len(names):
        raise ValueError(f"strategies must all be different, got {names!r}")
    k = check_count("k", k, minimum=1)
    p = check_rate("p", p)
    runs = check_count("runs", runs, minimum=1)
    value_per_reached = check_nonnegative("value_per_reached", value_per_reached)
    if isinstance(cost_per_seed, Mapping):
        missing = [name for name in names if name not in cost_per_seed]
        if missing:
            raise ValueError(f"cost_per_seed has no cost for strategy {missing[0]!r}")
        costs = {
            name: check_positive(f"cost_per_seed[{name!r}]", cost_per_seed[name]) for name in names
        }
    else:
        one_cost = check_positive("cost_per_seed", cost_per_seed)
        costs = {name: one_cost for name in names}

    streams = np.random.SeedSequence(seed).spawn(len(names))
    rows = []
    for name, stream in zip(names, streams, strict=True):
        rng = np.random.default_rng(stream)
        chosen = choose_seeds(graph, k, name, seed=int(rng.integers(2**63)), members=members)
        seed_index = _node_indices("seed", chosen, _label_positions(graph), matrix.shape[0])
        sizes, impressions = _simulate(matrix, seed_index, p, runs, rng)
        cost = k * costs[name]
        mean_reach = float(sizes.mean())
        rows.append(
            {
                "strategy": name,
                "seeds": k,
                "cost": cost,
                "mean_reach": mean_reach,
                "cost_per_reached": cost / mean_reach,
                "exposure": float(impressions.mean()),
                "roi": (mean_reach * value_per_reached - cost) / cost,
                "seed_nodes": tuple(chosen.tolist()),
            }
        )
    return pd.DataFrame(rows)
