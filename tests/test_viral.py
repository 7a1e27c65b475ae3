"""Tests for socialmarketing.viral: independent cascades checked against closed forms,
networkx (reachability, shortest paths, degrees), numpy's dense eigenvalues and NDlib."""

from __future__ import annotations

import math

import ndlib.models.epidemics as ndlib_epidemics
import ndlib.models.ModelConfig as ndlib_config
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from socialmarketing import viral
from socialmarketing.viral import (
    choose_seeds,
    compare_seeding,
    epidemic_threshold,
    expected_reach_curve,
    exposure,
    reproduction_number,
    simulate_cascade_tree,
    simulate_cascades,
    spectral_threshold,
    to_adjacency,
)

SETTINGS = settings(max_examples=60, deadline=None)


# ---------------------------------------------------------------------------------------------
# Helpers and graphs
# ---------------------------------------------------------------------------------------------


def path_graph(n: int) -> nx.DiGraph:
    """0 -> 1 -> ... -> n-1: each account is followed by the next one."""
    return nx.path_graph(n, create_using=nx.DiGraph)


def star_graph(leaves: int) -> nx.DiGraph:
    """Centre 0 followed by ``leaves`` accounts 1..leaves (edges centre -> leaf)."""
    graph = nx.DiGraph()
    graph.add_edges_from((0, leaf) for leaf in range(1, leaves + 1))
    return graph


def random_digraph(n: int, mean_degree: float, seed: int) -> nx.DiGraph:
    return nx.gnp_random_graph(n, mean_degree / n, seed=seed, directed=True)


def reachable(graph: nx.DiGraph, seeds) -> set:
    """Seeds plus everything reachable from them (networkx, independent of viral)."""
    found = set(seeds)
    for s in seeds:
        found |= nx.descendants(graph, s)
    return found


def z_against(sizes: np.ndarray, expected: float) -> float:
    """z statistic of the sample mean against an exact expected value."""
    standard_error = sizes.std(ddof=1) / math.sqrt(len(sizes))
    return (sizes.mean() - expected) / standard_error


def ndlib_cascade_sizes(graph: nx.DiGraph, seeds, p: float, runs: int, seed: int) -> np.ndarray:
    """Final cascade sizes from NDlib's IndependentCascadesModel (the reference library).

    Every edge gets the 'threshold' (activation probability) p; NDlib only uses per-edge
    thresholds when every edge has one. Status codes: 0 susceptible, 1 infected (active in
    this step), 2 removed (was active). A run ends when nobody is infected any more.
    """
    sizes = []
    for run in range(runs):
        model = ndlib_epidemics.IndependentCascadesModel(graph, seed=seed + run)
        config = ndlib_config.Configuration()
        config.add_model_initial_configuration("Infected", list(seeds))
        for edge in graph.edges():
            config.add_edge_configuration("threshold", edge, p)
        model.set_initial_status(config)
        while True:
            result = model.iteration()
            if result["node_count"][1] == 0:
                break
        sizes.append(result["node_count"][2])
    return np.array(sizes)


@st.composite
def small_graphs(draw, max_nodes: int = 12):
    """A random small DiGraph (self-loops allowed) and a non-empty list of distinct seeds."""
    n = draw(st.integers(min_value=1, max_value=max_nodes))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    edges = draw(st.lists(pairs, max_size=3 * n))
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges)
    seeds = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
    return graph, seeds


def check_tree(graph: nx.DiGraph, seeds, tree: pd.DataFrame) -> None:
    """The invariants every repost tree must satisfy (graph nodes are 0..n-1 here)."""
    assert list(tree.columns) == ["node", "parent", "generation"]
    assert all(tree[c].dtype == np.int64 for c in tree.columns)
    assert not tree["node"].duplicated().any()
    head = tree.iloc[: len(seeds)]
    assert head["node"].tolist() == list(seeds)
    assert (head["parent"] == -1).all() and (head["generation"] == 0).all()
    rest = tree.iloc[len(seeds) :]
    assert (rest["parent"] >= 0).all() and (rest["generation"] >= 1).all()
    row_of = {node: row for row, node in enumerate(tree["node"])}
    generation_of = dict(zip(tree["node"], tree["generation"], strict=True))
    for row, (node, parent, generation) in enumerate(rest.itertuples(index=False), len(seeds)):
        assert graph.has_edge(parent, node), (parent, node)
        assert row_of[parent] < row  # the parent reposted before the child
        assert generation == generation_of[parent] + 1


# ---------------------------------------------------------------------------------------------
# simulate_cascade_tree
# ---------------------------------------------------------------------------------------------


def test_tree_invariants_on_random_graph():
    graph = random_digraph(300, 4.0, seed=3)
    for s in range(20):
        tree = simulate_cascade_tree(graph, [0, 7, 42], 0.35, seed=s)
        check_tree(graph, [0, 7, 42], tree)
    assert len(tree) > 3  # p = 0.35 with 4 followers each: the cascade does spread


def test_tree_with_p_one_is_the_breadth_first_search_tree():
    # With p = 1 every follower reposts, so the generation of an account is its distance
    # from the nearest seed (networkx shortest paths) and everything reachable is reached.
    graph = random_digraph(200, 2.0, seed=5)
    seeds = [1, 2, 3]
    tree = simulate_cascade_tree(graph, seeds, 1.0, seed=0)
    check_tree(graph, seeds, tree)
    distance = nx.multi_source_dijkstra_path_length(graph, set(seeds))
    assert set(tree["node"]) == reachable(graph, seeds) == set(distance)
    assert dict(zip(tree["node"], tree["generation"], strict=True)) == distance


def test_tree_with_p_zero_is_just_the_seeds():
    tree = simulate_cascade_tree(random_digraph(50, 5.0, seed=1), [4, 2], 0.0, seed=1)
    assert tree.to_dict("list") == {"node": [4, 2], "parent": [-1, -1], "generation": [0, 0]}


def test_tree_picks_each_successful_parent_with_equal_chance():
    # Diamond 0 -> {1, 2} -> 3 with p = 1: both 1 and 2 succeed on 3 in the same step, so
    # the parent of 3 is 1 or 2 with probability 1/2 each: Binomial(400, 1/2), sd 10.
    graph = nx.DiGraph([(0, 1), (0, 2), (1, 3), (2, 3)])
    parents = []
    for s in range(400):
        tree = simulate_cascade_tree(graph, [0], 1.0, seed=s)
        parents.append(int(tree.loc[tree["node"] == 3, "parent"].iloc[0]))
    assert set(parents) == {1, 2}
    assert abs(parents.count(1) - 200) < 40


def test_tree_sizes_match_the_star_formula():
    # Star with 20 followers: size = 1 + Binomial(20, p), mean 1 + 20 p.
    graph, p = star_graph(20), 0.3
    sizes = np.array([len(simulate_cascade_tree(graph, [0], p, seed=s)) for s in range(500)])
    assert abs(z_against(sizes, 1 + 20 * p)) < 4


def test_tree_accepts_labels_and_matrices_the_same_way():
    graph = nx.DiGraph([("brand", "fan"), ("fan", "friend"), ("brand", "kol")])
    tree = simulate_cascade_tree(graph, ["brand"], 1.0, seed=0)
    # list(graph.nodes) is brand, fan, friend, kol -> indices 0, 1, 2, 3.
    assert tree.to_dict("list") == {
        "node": [0, 1, 3, 2],
        "parent": [-1, 0, 0, 1],
        "generation": [0, 1, 1, 2],
    }
    matrix = sparse.csr_matrix(([1, 1, 1], ([0, 1, 0], [1, 2, 3])), shape=(4, 4))
    pd.testing.assert_frame_equal(simulate_cascade_tree(matrix, [0], 1.0, seed=0), tree)


def test_tree_ignores_stored_zeros_in_a_matrix():
    # A[0, 1] is stored but 0: account 1 does not follow account 0.
    matrix = sparse.csr_matrix((np.array([0, 1]), np.array([1, 2]), np.array([0, 2, 2, 2])))
    tree = simulate_cascade_tree(matrix, [0], 1.0, seed=0)
    assert tree["node"].tolist() == [0, 2]


def test_tree_is_reproducible():
    graph = random_digraph(300, 4.0, seed=8)
    first = simulate_cascade_tree(graph, [0], 0.4, seed=11)
    pd.testing.assert_frame_equal(first, simulate_cascade_tree(graph, [0], 0.4, seed=11))
    others = [simulate_cascade_tree(graph, [0], 0.4, seed=s) for s in range(12, 17)]
    assert any(not other.equals(first) for other in others)


@SETTINGS
@given(small_graphs(), st.floats(0.0, 1.0), st.integers(0, 2**32))
def test_tree_invariants_property(graph_and_seeds, p, seed):
    graph, seeds = graph_and_seeds
    tree = simulate_cascade_tree(graph, seeds, p, seed=seed)
    check_tree(graph, seeds, tree)
    assert set(tree["node"]) <= reachable(graph, seeds)


# ---------------------------------------------------------------------------------------------
# simulate_cascades: closed forms, reachability, NDlib
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.3, 0.7])
def test_path_graph_mean_is_the_geometric_sum(p):
    # Account i is reached only if all i edges before it fire: E[size] = sum_i p^i.
    n = 8
    sizes = simulate_cascades(path_graph(n), [0], p, runs=4000, seed=1)
    assert abs(z_against(sizes, sum(p**i for i in range(n)))) < 4


def test_star_mean_is_one_plus_k_p():
    sizes = simulate_cascades(star_graph(50), [0], 0.2, runs=4000, seed=2)
    assert abs(z_against(sizes, 1 + 50 * 0.2)) < 4
    assert sizes.min() >= 1 and sizes.max() <= 51


def test_p_zero_gives_the_seeds_and_p_one_everything_reachable():
    graph = random_digraph(200, 1.5, seed=4)
    seeds = [0, 10, 20]
    assert (simulate_cascades(graph, seeds, 0.0, runs=50, seed=0) == 3).all()
    everything = len(reachable(graph, seeds))
    assert (simulate_cascades(graph, seeds, 1.0, runs=50, seed=0) == everything).all()


def test_output_type_and_shape():
    sizes = simulate_cascades(star_graph(3), [0], 0.5, runs=17, seed=0)
    assert sizes.shape == (17,) and sizes.dtype == np.int64


@pytest.mark.parametrize(("p", "mean_degree"), [(0.2, 3.0), (0.45, 3.0)])
def test_agrees_with_ndlib(p, mean_degree):
    # Small random digraph; p = 0.2 is below the threshold (R = 0.6), p = 0.45 above it.
    graph = random_digraph(200, mean_degree, seed=21)
    seeds = [0, 1, 2]
    ours = simulate_cascades(graph, seeds, p, runs=2000, seed=5).astype(float)
    theirs = ndlib_cascade_sizes(graph, seeds, p, runs=150, seed=1000).astype(float)
    standard_error = math.sqrt(ours.var(ddof=1) / len(ours) + theirs.var(ddof=1) / len(theirs))
    z = (ours.mean() - theirs.mean()) / standard_error
    assert abs(z) < 4, (ours.mean(), theirs.mean(), z)


def test_matrix_and_digraph_give_identical_runs():
    graph = random_digraph(100, 3.0, seed=6)
    # A[i, j] = 1 when j follows i, i.e. for the networkx edge i -> j.
    rows, columns = zip(*graph.edges(), strict=True)
    matrix = sparse.coo_matrix((np.ones(len(rows)), (rows, columns)), shape=(100, 100))
    from_graph = simulate_cascades(graph, [0, 1], 0.3, runs=300, seed=9)
    from_matrix = simulate_cascades(matrix, [0, 1], 0.3, runs=300, seed=9)
    np.testing.assert_array_equal(from_graph, from_matrix)


def test_small_batches_give_the_same_distribution(monkeypatch):
    # Force batches of 3 runs on a 10-account path graph (30 state cells per batch).
    monkeypatch.setattr(viral, "_STATE_CELLS_PER_BATCH", 30)
    n, p = 10, 0.6
    sizes = simulate_cascades(path_graph(n), [0], p, runs=3001, seed=3)
    assert sizes.shape == (3001,)
    assert abs(z_against(sizes, sum(p**i for i in range(n)))) < 4
    assert (simulate_cascades(path_graph(n), [0], 1.0, runs=7, seed=3) == n).all()


def test_simulate_cascades_is_reproducible():
    graph = random_digraph(300, 3.0, seed=2)
    first = simulate_cascades(graph, [0, 1], 0.3, runs=200, seed=42)
    np.testing.assert_array_equal(first, simulate_cascades(graph, [0, 1], 0.3, runs=200, seed=42))
    assert not np.array_equal(first, simulate_cascades(graph, [0, 1], 0.3, runs=200, seed=43))


@SETTINGS
@given(small_graphs(), st.floats(0.0, 1.0), st.integers(1, 30), st.integers(0, 2**32))
def test_sizes_stay_between_the_seeds_and_what_is_reachable(graph_and_seeds, p, runs, seed):
    graph, seeds = graph_and_seeds
    sizes = simulate_cascades(graph, seeds, p, runs=runs, seed=seed)
    assert sizes.shape == (runs,) and sizes.dtype == np.int64
    assert (sizes >= len(seeds)).all()
    assert (sizes <= len(reachable(graph, seeds))).all()


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda g: simulate_cascades(g, ["brand"], 1.5), "p must be between 0 and 1"),
        (lambda g: simulate_cascades(g, ["brand"], -0.1), "p must be between 0 and 1"),
        (lambda g: simulate_cascades(g, ["brand"], 0.1, runs=0), "runs must be 1 or more"),
        (lambda g: simulate_cascades(g, ["kol_9"], 0.1), "seed node 'kol_9' is not in the graph"),
        (lambda g: simulate_cascades(g, ["fan", "fan"], 0.1), "'fan' is listed more than once"),
        (lambda g: simulate_cascades(g, [], 0.1), "at least one seed"),
        (lambda g: simulate_cascade_tree(g, ["kol_9"], 0.1), "'kol_9' is not in the graph"),
        (lambda g: simulate_cascade_tree(g, ["brand"], 2.0), "p must be between 0 and 1"),
        (lambda g: expected_reach_curve(g, ["brand"], [0.1, 1.2]), r"ps\[1\] must be between"),
        (lambda g: expected_reach_curve(g, ["brand"], []), "at least one repost probability"),
        (lambda g: exposure(g, ["nobody"]), "reposter node 'nobody' is not in the graph"),
        (lambda g: reproduction_number(g, 3), "p must be between 0 and 1"),
    ],
)
def test_bad_input_on_a_labelled_graph(call, message):
    graph = nx.DiGraph([("brand", "fan"), ("fan", "friend")])
    with pytest.raises(ValueError, match=message):
        call(graph)


def test_bad_graphs():
    with pytest.raises(ValueError, match="edges must point from an account to its followers"):
        simulate_cascades(nx.path_graph(3), [0], 0.5)
    with pytest.raises(ValueError, match="must be square"):
        to_adjacency(sparse.csr_matrix((3, 4)))
    with pytest.raises(ValueError, match="graph is empty"):
        simulate_cascades(nx.DiGraph(), [0], 0.5)
    with pytest.raises(ValueError, match="graph is empty"):
        to_adjacency(sparse.csr_matrix((0, 0)))
    with pytest.raises(ValueError, match=r"networkx\.DiGraph or a square scipy sparse matrix"):
        to_adjacency([[0, 1], [0, 0]])
    matrix = sparse.csr_matrix((5, 5))
    with pytest.raises(ValueError, match="seed node 5 is not in the graph"):
        simulate_cascades(matrix, [5], 0.5)
    with pytest.raises(ValueError, match="seed node -1 is not in the graph"):
        simulate_cascade_tree(matrix, [-1], 0.5)
    with pytest.raises(ValueError, match=r"seed node 1\.5 is not in the graph"):
        simulate_cascades(matrix, [1.5], 0.5)


@SETTINGS
@given(st.one_of(st.floats(max_value=-1e-9), st.floats(min_value=1 + 1e-9)))
def test_out_of_range_p_always_raises(p):
    with pytest.raises(ValueError, match="p must be"):
        simulate_cascades(star_graph(3), [0], p, runs=2)
    with pytest.raises(ValueError, match="p must be"):
        simulate_cascade_tree(star_graph(3), [0], p)


# ---------------------------------------------------------------------------------------------
# to_adjacency
# ---------------------------------------------------------------------------------------------


def test_to_adjacency_matches_networkx_in_node_order():
    graph = nx.DiGraph()
    graph.add_nodes_from(["kol", "fan", "brand", "lurker"])
    graph.add_edges_from([("kol", "fan"), ("brand", "fan"), ("brand", "kol"), ("fan", "brand")])
    nx.set_edge_attributes(graph, 7.5, "weight")  # weights are not follows: still 1
    reference = nx.to_scipy_sparse_array(graph, nodelist=list(graph.nodes), weight=None)
    matrix = to_adjacency(graph)
    assert isinstance(matrix, sparse.csr_matrix)
    np.testing.assert_array_equal(matrix.toarray(), reference.toarray())
    assert matrix[2, 1] == 1 and matrix[1, 2] == 1 and matrix[1, 0] == 0


def test_to_adjacency_cleans_a_matrix():
    # Duplicates, weights and a stored zero: the result is the 0/1 pattern of non-zeros.
    rows, columns = np.array([0, 0, 1, 2, 2]), np.array([1, 1, 2, 0, 1])
    values = np.array([1.0, 2.0, 0.25, 0.0, -3.0])
    matrix = to_adjacency(sparse.coo_matrix((values, (rows, columns)), shape=(3, 3)))
    assert isinstance(matrix, sparse.csr_matrix) and matrix.nnz == 3
    np.testing.assert_array_equal(matrix.toarray(), [[0, 1, 0], [0, 0, 1], [0, 1, 0]])


def test_to_adjacency_does_not_copy_a_clean_csr_matrix():
    clean = sparse.csr_matrix(np.array([[0, 1], [1, 0]], dtype=np.int8))
    assert to_adjacency(clean) is clean


# ---------------------------------------------------------------------------------------------
# expected_reach_curve and exposure
# ---------------------------------------------------------------------------------------------


def test_expected_reach_curve():
    n = 6
    ps = [0.0, 0.5, 1.0]
    curve = expected_reach_curve(path_graph(n), [0], ps, runs=3000, seed=1)
    assert list(curve.columns) == ["p", "mean_reach", "low", "high"]
    assert curve["p"].tolist() == ps
    assert curve.iloc[0][["mean_reach", "low", "high"]].tolist() == [1.0, 1.0, 1.0]
    assert curve.iloc[2][["mean_reach", "low", "high"]].tolist() == [n, n, n]
    # p = 0.5: mean sum 0.5^i = 1.96875; size s has P = 0.5^s for s < 6, so the 5 % quantile is
    # 1 (half the runs stop at the seed) and the 95 % quantile is 5 (P[size <= 4] = 0.9375).
    middle = curve.iloc[1]
    assert middle["mean_reach"] == pytest.approx(sum(0.5**i for i in range(n)), abs=0.08)
    assert middle["low"] == 1.0 and middle["high"] == pytest.approx(5.0, abs=1.0)
    assert curve.equals(expected_reach_curve(path_graph(n), [0], ps, runs=3000, seed=1))


def test_exposure_adds_up_follower_counts():
    # brand has 3 followers, fan_a has 2, fan_b has none: 3 + 2 + 0 = 5 impressions.
    graph = nx.DiGraph(
        [("brand", "fan_a"), ("brand", "fan_b"), ("brand", "x"), ("fan_a", "y"), ("fan_a", "x")]
    )
    assert exposure(graph, ["brand", "fan_a", "fan_b"]) == 5
    assert exposure(graph, "brand") == 3
    assert exposure(graph, []) == 0
    graph = random_digraph(100, 4.0, seed=3)
    tree = simulate_cascade_tree(graph, [0], 0.5, seed=1)
    assert exposure(graph, tree["node"]) == sum(graph.out_degree(v) for v in tree["node"])


# ---------------------------------------------------------------------------------------------
# Reproduction number and thresholds
# ---------------------------------------------------------------------------------------------


def test_directed_cycle():
    # Everyone follows exactly one account and has one follower: R = p, p_c = 1, lambda = 1.
    cycle = nx.cycle_graph(10, create_using=nx.DiGraph)
    assert reproduction_number(cycle, 0.3) == pytest.approx(0.3)
    assert epidemic_threshold(cycle) == pytest.approx(1.0)
    assert spectral_threshold(cycle) == pytest.approx(1.0)


def test_one_way_star_has_no_second_step():
    # Leaves have no followers and the centre follows nobody: E[k_in x k_out] = 0.
    star = star_graph(8)
    assert reproduction_number(star, 0.9) == 0.0
    assert epidemic_threshold(star) == math.inf
    assert spectral_threshold(star) == math.inf


def test_two_way_star():
    # Centre and k leaves follow each other. Centre: k_in = k_out = k; leaves: 1 and 1.
    # E[k_in k_out] = (k^2 + k) / (k + 1) = k, E[k_in] = 2k / (k + 1), so
    # R = p (k + 1) / 2 and p_c = 2 / (k + 1); the adjacency eigenvalue is sqrt(k).
    k = 9
    star = nx.DiGraph(star_graph(k).to_undirected())
    assert reproduction_number(star, 0.1) == pytest.approx(0.1 * (k + 1) / 2)
    assert epidemic_threshold(star) == pytest.approx(2 / (k + 1))
    assert spectral_threshold(star) == pytest.approx(1 / math.sqrt(k))


@pytest.mark.parametrize("n", [40, 1500])  # dense eigenvalues, then scipy's sparse eigs
def test_regular_digraph(n):
    # Account i is followed by i+1, ..., i+d (mod n): every in- and out-degree is d, so
    # R = p d, p_c = 1 / d and the largest eigenvalue is d.
    d = 6
    graph = nx.DiGraph()
    graph.add_edges_from((i, (i + j) % n) for i in range(n) for j in range(1, d + 1))
    assert reproduction_number(graph, 0.05) == pytest.approx(0.05 * d)
    assert epidemic_threshold(graph) == pytest.approx(1 / d)
    assert spectral_threshold(graph) == pytest.approx(1 / d)


def test_reproduction_number_is_one_at_the_threshold():
    graph = random_digraph(500, 5.0, seed=12)
    assert reproduction_number(graph, epidemic_threshold(graph)) == pytest.approx(1.0)


def test_spectral_threshold_matches_dense_eigenvalues_on_a_larger_graph():
    graph = random_digraph(700, 4.0, seed=13)
    largest = np.max(np.abs(np.linalg.eigvals(nx.to_numpy_array(graph))))
    assert spectral_threshold(graph) == pytest.approx(1 / largest, rel=1e-6)


def test_graph_without_edges():
    empty = nx.DiGraph()
    empty.add_nodes_from(range(4))
    assert reproduction_number(empty, 0.5) == 0.0
    assert epidemic_threshold(empty) == math.inf
    assert spectral_threshold(empty) == math.inf


# ---------------------------------------------------------------------------------------------
# Seeding strategies
# ---------------------------------------------------------------------------------------------


def kol_graph() -> nx.DiGraph:
    """Two KOLs with many followers, a small club and ordinary accounts."""
    graph = nx.DiGraph()
    graph.add_nodes_from(f"user_{i}" for i in range(60))
    graph.add_edges_from(("kol_1", f"user_{i}") for i in range(40))
    graph.add_edges_from(("kol_2", f"user_{i}") for i in range(20, 50))
    graph.add_edges_from((f"user_{i}", f"user_{i + 1}") for i in range(59))
    graph.add_edges_from(("club_a", f"user_{i}") for i in range(3))
    graph.add_edges_from(("club_b", f"user_{i}") for i in range(3, 5))
    return graph


def test_top_followers_are_the_highest_out_degrees():
    graph = random_digraph(200, 5.0, seed=7)
    chosen = choose_seeds(graph, 5, "top_followers")
    degrees = sorted((d for _, d in graph.out_degree()), reverse=True)
    assert sorted((graph.out_degree(v) for v in chosen), reverse=True) == degrees[:5]
    assert choose_seeds(kol_graph(), 2, "top_followers").tolist() == ["kol_1", "kol_2"]


def test_random_and_member_seeds():
    graph = random_digraph(200, 5.0, seed=7)
    chosen = choose_seeds(graph, 10, "random", seed=1)
    assert len(set(chosen)) == 10 and set(chosen) <= set(graph.nodes)
    assert chosen.tolist() == choose_seeds(graph, 10, "random", seed=1).tolist()
    assert chosen.tolist() != choose_seeds(graph, 10, "random", seed=2).tolist()
    members = [3, 9, 27, 81, 100]
    picked = choose_seeds(graph, 3, "members", seed=4, members=members)
    assert len(set(picked)) == 3 and set(picked) <= set(members)
    # the chosen seeds can go straight into the simulation
    assert simulate_cascades(graph, picked, 0.0, runs=3).tolist() == [3, 3, 3]


def test_choose_seeds_bad_input():
    graph = kol_graph()
    with pytest.raises(ValueError, match="strategy must be one of"):
        choose_seeds(graph, 2, "famous")
    with pytest.raises(ValueError, match="needs members"):
        choose_seeds(graph, 2, "members")
    with pytest.raises(ValueError, match="at most the number of members"):
        choose_seeds(graph, 3, "members", members=["club_a", "club_b"])
    with pytest.raises(ValueError, match="member node 'club_z' is not in the graph"):
        choose_seeds(graph, 1, "members", members=["club_z"])
    with pytest.raises(ValueError, match="at most the number of accounts"):
        choose_seeds(graph, 1000, "random")
    with pytest.raises(ValueError, match="k must be 1 or more"):
        choose_seeds(graph, 0, "random")


def test_compare_seeding_with_p_zero_is_exact():
    # With p = 0 nobody reposts: reach = k and exposure = the seeds' followers (networkx).
    graph = kol_graph()
    table = compare_seeding(
        graph,
        2,
        ["top_followers", "members"],
        0.0,
        {"top_followers": 500.0, "members": 20.0},
        value_per_reached=30.0,
        runs=50,
        seed=1,
        members=["club_a", "club_b"],
    )
    assert list(table.columns) == [
        "strategy",
        "seeds",
        "cost",
        "mean_reach",
        "cost_per_reached",
        "exposure",
        "roi",
        "seed_nodes",
    ]
    assert table["strategy"].tolist() == ["top_followers", "members"]
    assert table["seeds"].tolist() == [2, 2]
    assert table["cost"].tolist() == [1000.0, 40.0]
    assert table["mean_reach"].tolist() == [2.0, 2.0]
    assert table["cost_per_reached"].tolist() == [500.0, 20.0]
    assert table["exposure"].tolist() == [40.0 + 30.0, 3.0 + 2.0]
    # roi = (2 x 30 - cost) / cost
    assert table["roi"].tolist() == pytest.approx([(60 - 1000) / 1000, (60 - 40) / 40])
    assert sorted(table["seed_nodes"].iloc[1]) == ["club_a", "club_b"]


def test_compare_seeding_kols_reach_more():
    graph = kol_graph()
    table = compare_seeding(graph, 2, ["random", "top_followers"], 0.3, 10.0, runs=400, seed=2)
    reach = dict(zip(table["strategy"], table["mean_reach"], strict=True))
    # Each KOL alone reaches about 1 + 0.3 x (30 to 40) accounts; two random accounts with
    # 0 to 3 followers reach far fewer.
    assert reach["top_followers"] > 15 > reach["random"]
    assert (table["cost"] == 20.0).all()
    assert table["roi"].tolist() == pytest.approx(((table["mean_reach"] - 20) / 20).tolist())
    assert table.equals(
        compare_seeding(graph, 2, ["random", "top_followers"], 0.3, 10.0, runs=400, seed=2)
    )


def test_compare_seeding_bad_input():
    graph = kol_graph()
    with pytest.raises(ValueError, match="no cost for strategy 'random'"):
        compare_seeding(graph, 1, ["random", "top_followers"], 0.1, {"top_followers": 5.0})
    with pytest.raises(ValueError, match="cost_per_seed must be more than 0"):
        compare_seeding(graph, 1, ["random"], 0.1, 0.0)
    with pytest.raises(ValueError, match="strategies must be one of"):
        compare_seeding(graph, 1, ["kols"], 0.1, 1.0)
    with pytest.raises(ValueError, match="value_per_reached must be 0 or more"):
        compare_seeding(graph, 1, ["random"], 0.1, 1.0, value_per_reached=-1)
    with pytest.raises(ValueError, match="p must be between 0 and 1"):
        compare_seeding(graph, 1, ["random"], 1.1, 1.0)


@SETTINGS
@given(
    small_graphs(),
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=4),
    st.integers(0, 2**32),
)
def test_curve_and_thresholds_are_never_nan_or_negative(graph_and_seeds, ps, seed):
    graph, seeds = graph_and_seeds
    curve = expected_reach_curve(graph, seeds, ps, runs=20, seed=seed)
    values = curve[["mean_reach", "low", "high"]].to_numpy()
    assert not np.isnan(values).any()
    assert (values >= len(seeds)).all() and (values <= len(reachable(graph, seeds))).all()
    assert (curve["low"] <= curve["high"]).all()
    for p in ps:
        r = reproduction_number(graph, p)
        assert not math.isnan(r) and r >= 0
    assert epidemic_threshold(graph) > 0 and spectral_threshold(graph) > 0
    assert exposure(graph, seeds) == sum(graph.out_degree(s) for s in seeds)


@SETTINGS
@given(st.integers(max_value=0), st.integers(min_value=0, max_value=5))
def test_bad_runs_and_k_always_raise(runs, extra):
    graph = star_graph(4)
    with pytest.raises(ValueError, match="runs must be 1 or more"):
        simulate_cascades(graph, [0], 0.5, runs=runs)
    with pytest.raises(ValueError, match="k must be 1 or more"):
        choose_seeds(graph, runs, "random")
    with pytest.raises(ValueError, match="at most the number of accounts"):
        choose_seeds(graph, 6 + extra, "top_followers")
