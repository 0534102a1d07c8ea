"""Tests for sharedopt.candidates.shares (vectorised Myerson value)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from sharedopt.candidates.batch import distinct_rows
from sharedopt.candidates.shares import (
    graph_restricted,
    internal_edge_masks,
    myerson_shares,
    pair_index,
    shapley_bruteforce,
)


class TableGame:
    """Vectorised ``subset_value`` callback backed by a {frozenset: value} table.

    Records every sub-coalition it is asked about.
    """

    def __init__(self, table: dict[frozenset, float]) -> None:
        self.table = table
        self.calls: list[tuple[np.ndarray, np.ndarray]] = []

    def value(self, coalition: frozenset) -> float:
        return self.table[coalition]

    def __call__(self, rows: np.ndarray, sub_members: np.ndarray) -> np.ndarray:
        self.calls.append((rows.copy(), sub_members.copy()))
        return np.array([self.table[frozenset(m[m >= 0].tolist())] for m in sub_members])

    def coalitions_asked(self) -> list[frozenset]:
        return [frozenset(m[m >= 0].tolist()) for _, subs in self.calls for m in subs]


def all_subsets(players: list[int]) -> list[frozenset]:
    return [frozenset(c) for k in range(1, len(players) + 1) for c in itertools.combinations(players, k)]


def edge_mask(graph: nx.Graph, group: list[int]) -> int:
    """Pair bitmask of ``group`` (positions = order in ``group``) under ``graph``."""
    return sum(
        1 << pair_index(i, j)
        for i, j in itertools.combinations(range(len(group)), 2)
        if graph.has_edge(group[i], group[j])
    )


def single_group_shares(graph: nx.Graph, group: list[int], game: Callable) -> np.ndarray:
    members = np.array([group])
    sizes = np.array([len(group)])
    edges = np.array([edge_mask(graph, group)])
    return myerson_shares(members, sizes, edges, game)[0]


# Path a - b - c with a=0, b=1, c=2.  v({a,c}) is deliberately huge: the
# graph-restricted game must ignore it and use v(a) + v(c) = 3 instead.
PATH_ABC = nx.path_graph(3)
PATH_TABLE = {
    frozenset({0}): 1.0,
    frozenset({1}): 0.0,
    frozenset({2}): 2.0,
    frozenset({0, 1}): 6.0,
    frozenset({1, 2}): 4.0,
    frozenset({0, 2}): 100.0,
    frozenset({0, 1, 2}): 12.0,
}


def test_hand_computed_path_example() -> None:
    # v^G: a=1, b=0, c=2, ab=6, bc=4, ac=v(a)+v(c)=3, abc=12.
    # Marginal contributions (a, b, c) for each arrival order:
    #   a b c: 1, 5, 6      a c b: 1, 9, 2      b a c: 6, 0, 6
    #   b c a: 8, 0, 4      c a b: 1, 9, 2      c b a: 8, 2, 2
    # Sums: a = 25, b = 25, c = 22; divide by 3! = 6.
    shares = single_group_shares(PATH_ABC, [0, 1, 2], TableGame(PATH_TABLE))
    np.testing.assert_allclose(shares, [25 / 6, 25 / 6, 22 / 6], atol=1e-12)
    assert shares.sum() == pytest.approx(12.0)


def test_disconnected_pair_valued_as_sum_of_singletons() -> None:
    game = TableGame(PATH_TABLE)
    shares = single_group_shares(PATH_ABC, [0, 1, 2], game)
    assert frozenset({0, 2}) not in game.coalitions_asked()
    restricted = dict(PATH_TABLE)
    restricted[frozenset({0, 2})] = PATH_TABLE[frozenset({0})] + PATH_TABLE[frozenset({2})]
    expected = shapley_bruteforce([0, 1, 2], restricted.__getitem__)
    unrestricted = shapley_bruteforce([0, 1, 2], PATH_TABLE.__getitem__)
    np.testing.assert_allclose(shares, [expected[p] for p in range(3)], atol=1e-12)
    assert not np.allclose(shares, [unrestricted[p] for p in range(3)])


def test_callback_only_sees_connected_subcoalitions() -> None:
    graph = nx.star_graph(4)  # centre 0, leaves 1..4
    table = {s: float(len(s) ** 2) for s in all_subsets(list(range(5)))}
    game = TableGame(table)
    single_group_shares(graph, [0, 1, 2, 3, 4], game)
    asked = game.coalitions_asked()
    assert asked, "callback was never called"
    assert all(nx.is_connected(graph.subgraph(s)) for s in asked)
    assert len(asked) == len(set(asked))
    # star on 5 nodes: 5 singletons + every non-empty set of leaves plus the centre (15).
    assert len(asked) == 5 + 15
    assert len(game.calls) <= 2**5 - 1


def test_efficiency_connected_and_disconnected_groups() -> None:
    graph = nx.Graph([(0, 1), (1, 2), (2, 3), (4, 5), (5, 6)])
    graph.add_node(7)
    rng = np.random.default_rng(3)
    table = {s: float(rng.uniform(0, 10)) for s in all_subsets(list(range(8)))}
    groups = [[0, 1, 2, 3], [2, 3, 4, 5], [4, 5, 6], [0, 7]]
    members = np.full((len(groups), 4), -1)
    for g, group in enumerate(groups):
        members[g, : len(group)] = group
    sizes = np.array([len(g) for g in groups])
    adjacency = [set(graph.neighbors(v)) for v in range(8)]
    edges = internal_edge_masks(members, sizes, adjacency)
    shares = myerson_shares(members, sizes, edges, TableGame(table))
    for g, group in enumerate(groups):
        v_restricted = graph_restricted(table.__getitem__, graph)(frozenset(group))
        assert np.nansum(shares[g]) == pytest.approx(v_restricted)
    assert np.nansum(shares[0]) == pytest.approx(table[frozenset({0, 1, 2, 3})])
    # group {2,3,4,5} is two components: {2,3} and {4,5}
    assert np.nansum(shares[1]) == pytest.approx(table[frozenset({2, 3})] + table[frozenset({4, 5})])


def test_padding_is_nan_and_singleton_gets_own_value() -> None:
    members = np.array([[5, -1, -1], [5, 6, -1]])
    sizes = np.array([1, 2])
    edges = np.array([0, 1 << pair_index(0, 1)])
    table = {frozenset({5}): 2.5, frozenset({6}): 0.5, frozenset({5, 6}): 7.0}
    shares = myerson_shares(members, sizes, edges, TableGame(table))
    assert shares[0, 0] == pytest.approx(2.5)
    assert np.isnan(shares[0, 1:]).all() and np.isnan(shares[1, 2])
    # two players: each gets own value plus half the surplus 7 - 3 = 4
    np.testing.assert_allclose(shares[1, :2], [4.5, 2.5])


def test_dummy_leaf_gets_zero() -> None:
    # d=3 is a leaf hanging off 1; v ignores d entirely (v(T) = f(T - {d})).
    graph = nx.Graph([(0, 1), (1, 2), (1, 3)])
    d = 3

    def f(s: frozenset) -> float:
        return float(len(s) ** 3 + 2 * (0 in s) - (2 in s)) if s else 0.0

    table = {s: f(s - {d}) for s in all_subsets([0, 1, 2, 3])}
    shares = single_group_shares(graph, [0, 1, 2, 3], TableGame(table))
    assert shares[3] == pytest.approx(0.0, abs=1e-12)
    assert shares.sum() == pytest.approx(table[frozenset({0, 1, 2, 3})])


def test_symmetric_players_get_equal_shares() -> None:
    # path a-b-c with v(ab) = v(bc): a and c are symmetric.
    table = dict(PATH_TABLE)
    table[frozenset({0})] = table[frozenset({2})] = 1.0
    table[frozenset({0, 1})] = table[frozenset({1, 2})] = 5.0
    shares = single_group_shares(PATH_ABC, [0, 1, 2], TableGame(table))
    assert shares[0] == pytest.approx(shares[2])
    assert shares[1] != pytest.approx(shares[0])


def test_complete_graph_symmetric_game_splits_equally() -> None:
    graph = nx.complete_graph(5)
    table = {s: float(len(s)) ** 1.5 for s in all_subsets(list(range(5)))}
    shares = single_group_shares(graph, [0, 1, 2, 3, 4], TableGame(table))
    np.testing.assert_allclose(shares, np.full(5, 5**1.5 / 5))


def test_additive_game_returns_stand_alone_values() -> None:
    weights = np.array([1.0, -2.0, 3.5, 0.0, 4.0, 6.0])

    def additive(rows: np.ndarray, sub_members: np.ndarray) -> np.ndarray:
        return np.where(sub_members >= 0, weights[np.maximum(sub_members, 0)], 0.0).sum(axis=1)

    members = np.array([[0, 1, 2, 3, 4, 5]])
    graph = nx.path_graph(6)
    shares = myerson_shares(members, np.array([6]), np.array([edge_mask(graph, list(range(6)))]), additive)
    np.testing.assert_allclose(shares[0], weights)


def test_callback_wrong_length_raises() -> None:
    with pytest.raises(ValueError):
        myerson_shares(np.array([[0, 1]]), np.array([2]), np.array([1]), lambda rows, subs: np.zeros(len(rows) + 1))


def test_shape_mismatch_raises() -> None:
    with pytest.raises(ValueError):
        myerson_shares(np.array([[0, 1]]), np.array([2, 2]), np.array([1]), lambda rows, subs: np.zeros(len(rows)))


def test_pair_index_colex_order() -> None:
    assert [pair_index(i, j) for j in range(4) for i in range(j)] == list(range(6))
    assert pair_index(2, 0) == pair_index(0, 2) == 1
    with pytest.raises(ValueError):
        pair_index(1, 1)


def test_internal_edge_masks_sparse_dense_and_lists_agree() -> None:
    graph = nx.gnp_random_graph(12, 0.4, seed=11)
    rng = np.random.default_rng(0)
    members = np.full((40, 5), -1)
    sizes = rng.integers(1, 6, size=40)
    for g, size in enumerate(sizes):
        members[g, :size] = np.sort(rng.choice(12, size=size, replace=False))
    expected = np.array([edge_mask(graph, members[g, : sizes[g]].tolist()) for g in range(40)])
    dense = nx.to_numpy_array(graph, nodelist=range(12))
    lists = [set(graph.neighbors(v)) for v in range(12)]
    np.testing.assert_array_equal(internal_edge_masks(members, sizes, sp.csr_array(dense)), expected)
    np.testing.assert_array_equal(internal_edge_masks(members, sizes, sp.csr_matrix(dense)), expected)
    np.testing.assert_array_equal(internal_edge_masks(members, sizes, dense), expected)
    np.testing.assert_array_equal(internal_edge_masks(members, sizes, lists), expected)


def test_shapley_bruteforce_glove_game() -> None:
    # Classic glove game: L owns a left glove, R1 and R2 right gloves.
    def v(s: frozenset) -> float:
        return float(min(len(s & {"L"}), len(s & {"R1", "R2"})))

    shares = shapley_bruteforce(["L", "R1", "R2"], v)
    assert shares == pytest.approx({"L": 2 / 3, "R1": 1 / 6, "R2": 1 / 6})


@st.composite
def group_batches(draw: st.DrawFn) -> tuple[nx.Graph, list[list[int]], dict[frozenset, float]]:
    """Several disjoint random groups (sizes 1..6) with random internal edges and values."""
    sizes = draw(st.lists(st.integers(1, 6), min_size=1, max_size=5))
    graph = nx.Graph()
    groups = []
    for g, size in enumerate(sizes):
        group = [10 * g + k for k in range(size)]
        graph.add_nodes_from(group)
        pairs = list(itertools.combinations(group, 2))
        graph.add_edges_from(draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else [])
        groups.append(group)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    table = {s: float(rng.integers(-5, 20)) for group in groups for s in all_subsets(group)}
    return graph, groups, table


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(batch=group_batches())
def test_property_vectorised_equals_bruteforce(batch: tuple) -> None:
    graph, groups, table = batch
    width = max(len(g) for g in groups)
    members = np.full((len(groups), width), -1)
    for g, group in enumerate(groups):
        members[g, : len(group)] = group
    sizes = np.array([len(g) for g in groups])
    adjacency = [set(graph.neighbors(v)) if v in graph else set() for v in range(10 * len(groups))]
    game = TableGame(table)
    shares = myerson_shares(members, sizes, internal_edge_masks(members, sizes, adjacency), game)
    restricted = graph_restricted(table.__getitem__, graph)
    for g, group in enumerate(groups):
        expected = shapley_bruteforce(group, restricted)
        np.testing.assert_allclose(shares[g, : len(group)], [expected[p] for p in group], atol=1e-9)
        assert np.isnan(shares[g, len(group) :]).all()
        assert np.nansum(shares[g]) == pytest.approx(restricted(frozenset(group)))
    assert all(nx.is_connected(graph.subgraph(s)) for s in game.coalitions_asked())


@pytest.mark.parametrize("width, largest", [(3, 20), (8, 400)])   # one integer per row; too wide for one
def test_distinct_rows_groups_equal_member_rows_and_factors(width, largest):
    rng = np.random.default_rng(width)
    pool = rng.integers(-1, largest, size=(15, width))
    members = pool[rng.integers(0, 15, size=400)]
    factor = rng.choice([0.5, 0.75], size=400)
    first, inverse = distinct_rows(members, factor)
    assert np.array_equal(members[first][inverse], members) and np.array_equal(factor[first][inverse], factor)
    pairs = {(tuple(row), f) for row, f in zip(members.tolist(), factor.tolist())}
    assert len(first) == len(pairs)
    assert all(first[inverse[i]] <= i for i in range(400))   # each pair valued at its first row
