"""Tests for sharedopt.candidates.enumerate (connected-subgraph enumeration)."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sharedopt.candidates import enumerate as enum_mod
from sharedopt.candidates.counting import count_connected_groups
from sharedopt.candidates.enumerate import (
    GroupArrays,
    adjacency_bitsets,
    connected_groups,
    index_nodes,
    is_connected_subset,
)


def brute_force(graph: nx.Graph, max_size: int, min_size: int = 2) -> set[frozenset]:
    """Reference: every node combination that induces a connected subgraph."""
    found = set()
    for size in range(max(min_size, 1), max_size + 1):
        for combo in itertools.combinations(graph.nodes, size):
            if nx.is_connected(graph.subgraph(combo)):
                found.add(frozenset(combo))
    return found


def as_label_sets(groups: GroupArrays) -> list[frozenset]:
    return [frozenset(labels) for labels in groups.label_lists()]


def gss(graph: nx.Graph) -> nx.Graph:
    """Relabel integer nodes as GSS-like string codes."""
    return nx.relabel_nodes(graph, {v: f"E0{7000000 + i:07d}" for i, v in enumerate(graph.nodes)})


def random_connected_graph(n: int, p: float, seed: int) -> nx.Graph:
    graph = nx.gnp_random_graph(n, p, seed=seed)
    components = [sorted(c) for c in nx.connected_components(graph)]
    for left, right in itertools.pairwise(components):
        graph.add_edge(left[0], right[0])
    return graph


SMALL_GRAPHS = {
    "path6": nx.path_graph(6),
    "cycle7": nx.cycle_graph(7),
    "star6": nx.star_graph(5),
    "complete6": nx.complete_graph(6),
    "grid3x3": gss(nx.grid_2d_graph(3, 3)),
    "petersen": nx.petersen_graph(),
    "random10": random_connected_graph(10, 0.3, seed=7),
}


@pytest.mark.parametrize("name", sorted(SMALL_GRAPHS))
@pytest.mark.parametrize("max_size", [1, 3, 5])
def test_matches_brute_force_without_duplicates(name: str, max_size: int) -> None:
    graph = SMALL_GRAPHS[name]
    groups = as_label_sets(connected_groups(graph, max_size))
    assert len(groups) == len(set(groups)), "a group was generated twice"
    assert set(groups) == brute_force(graph, max_size)


def test_path_of_five_counts() -> None:
    groups = connected_groups(nx.path_graph(5), 5)
    assert len(groups) == 4 + 3 + 2 + 1
    assert count_connected_groups(nx.path_graph(5), 5) == {1: 5, 2: 4, 3: 3, 4: 2, 5: 1}


def test_complete_k5_counts() -> None:
    # Every subset of K5 is connected: C(5,2)+C(5,3)+C(5,4)+C(5,5) = 10+10+5+1.
    assert len(connected_groups(nx.complete_graph(5), 5)) == 26
    assert count_connected_groups(nx.complete_graph(5), 5, min_size=2) == {2: 10, 3: 10, 4: 5, 5: 1}


def test_cycle_counts() -> None:
    # A cycle of n nodes has exactly n connected arcs of each size 1..n-1.
    assert count_connected_groups(nx.cycle_graph(8), 4) == {1: 8, 2: 8, 3: 8, 4: 8}


def test_array_layout_and_order() -> None:
    groups = connected_groups(nx.grid_2d_graph(3, 3), 4)
    assert groups.members.dtype == np.int32
    assert groups.members.shape == (len(groups), 4)
    assert groups.sizes.dtype == np.int16
    assert groups.max_size == 4
    for row, size in zip(groups.members.tolist(), groups.sizes.tolist()):
        assert row[:size] == sorted(row[:size])
        assert all(x == -1 for x in row[size:])
    keys = [(len(m), m) for m in groups.member_lists()]
    assert keys == sorted(keys), "groups must be ordered by (size, members)"


def test_arrays_are_read_only() -> None:
    groups = connected_groups(nx.path_graph(4), 3)
    with pytest.raises(ValueError):
        groups.members[0, 0] = 3


def test_min_size_filters_but_keeps_order() -> None:
    graph = SMALL_GRAPHS["random10"]
    groups = connected_groups(graph, 5, min_size=4)
    assert set(groups.sizes.tolist()) == {4, 5}
    assert set(as_label_sets(groups)) == brute_force(graph, 5, min_size=4)


def test_min_size_one_includes_singletons() -> None:
    groups = connected_groups(nx.path_graph(3), 2, min_size=1)
    assert groups.member_lists() == [[0], [1], [2], [0, 1], [1, 2]]


def test_invalid_min_size() -> None:
    with pytest.raises(ValueError):
        connected_groups(nx.path_graph(3), 2, min_size=0)


def test_min_size_above_max_size_is_empty() -> None:
    groups = connected_groups(nx.path_graph(4), 2, min_size=3)
    assert len(groups) == 0
    assert groups.members.shape == (0, 2)


def test_empty_graph() -> None:
    groups = connected_groups(nx.Graph(), 5)
    assert len(groups) == 0
    assert groups.members.shape == (0, 5)
    assert count_connected_groups(nx.Graph(), 3) == {1: 0, 2: 0, 3: 0}


def test_single_node_graph() -> None:
    graph = nx.Graph()
    graph.add_node("E06000001")
    assert len(connected_groups(graph, 5)) == 0
    singles = connected_groups(graph, 5, min_size=1)
    assert singles.label_lists() == [("E06000001",)]


def test_disconnected_graph_never_bridges_components() -> None:
    graph = nx.disjoint_union(nx.complete_graph(3), nx.path_graph(4))
    groups = as_label_sets(connected_groups(graph, 5))
    # K3: 3 pairs + 1 triple; P4: 3 + 2 + 1.
    assert len(groups) == 4 + 6
    components = [set(c) for c in nx.connected_components(graph)]
    assert all(any(g <= c for c in components) for g in groups)


def test_self_loops_are_ignored() -> None:
    graph = nx.path_graph(3)
    graph.add_edge(1, 1)
    assert set(as_label_sets(connected_groups(graph, 3))) == brute_force(nx.path_graph(3), 3)


def test_string_labels_sorted_to_indices() -> None:
    graph = nx.Graph([("E06000003", "E06000001"), ("E06000001", "E06000002")])
    groups = connected_groups(graph, 3)
    assert groups.nodes.tolist() == ["E06000001", "E06000002", "E06000003"]
    assert groups.labels(0) == ("E06000001", "E06000002")
    assert all(isinstance(x, str) for x in groups.labels(len(groups) - 1))
    assert groups.label_lists() == [
        ("E06000001", "E06000002"),
        ("E06000001", "E06000003"),
        ("E06000001", "E06000002", "E06000003"),
    ]


def test_nodes_order_defines_indices() -> None:
    graph = nx.path_graph(["a", "b", "c"])
    groups = connected_groups(graph, 2, nodes_order=["c", "b", "a", "z"])
    assert groups.nodes.tolist() == ["c", "b", "a", "z"]
    assert groups.member_lists() == [[0, 1], [1, 2]]
    assert groups.label_lists() == [("c", "b"), ("b", "a")]


def test_nodes_order_extra_label_is_not_a_singleton() -> None:
    graph = nx.path_graph(["a", "b"])
    groups = connected_groups(graph, 2, min_size=1, nodes_order=["a", "b", "z"])
    assert groups.label_lists() == [("a",), ("b",), ("a", "b")]


@pytest.mark.parametrize("order", [["a", "b"], ["a", "b", "c", "a"]])
def test_nodes_order_validation(order: list[str]) -> None:
    with pytest.raises(ValueError):
        connected_groups(nx.path_graph(["a", "b", "c"]), 2, nodes_order=order)


def test_progress_hook_reports_running_totals(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(enum_mod, "PROGRESS_EVERY", 20)
    calls: list[int] = []
    groups = connected_groups(nx.grid_2d_graph(4, 4), 4, progress=calls.append)
    assert len(calls) >= 3
    assert calls == sorted(calls)
    assert calls[-1] == len(groups)
    assert all(later - earlier >= 20 for earlier, later in zip(calls, calls[1:-1]))


def test_is_connected_subset_with_bitsets_and_graph() -> None:
    graph = nx.path_graph(["a", "b", "c", "d"])
    nodes = index_nodes(graph)
    bits = adjacency_bitsets(graph, nodes)
    assert bits == [0b0010, 0b0101, 0b1010, 0b0100]
    assert is_connected_subset(bits, [0, 1, 2, -1, -1])
    assert not is_connected_subset(bits, [0, 2])
    assert is_connected_subset(bits, [3])
    assert not is_connected_subset(bits, [])
    assert is_connected_subset(graph, ["b", "c", "d"])
    assert not is_connected_subset(graph, ["a", "d"])
    assert not is_connected_subset(graph, ["a", "zz"])


def test_every_enumerated_group_is_connected_by_helper() -> None:
    graph = SMALL_GRAPHS["random10"]
    groups = connected_groups(graph, 6)
    bits = adjacency_bitsets(graph, groups.nodes)
    assert all(is_connected_subset(bits, row) for row in groups.members)


@st.composite
def small_graphs(draw: st.DrawFn) -> nx.Graph:
    n = draw(st.integers(min_value=0, max_value=9))
    pairs = list(itertools.combinations(range(n), 2))
    edges = draw(st.lists(st.sampled_from(pairs), unique=True) if pairs else st.just([]))
    graph = nx.Graph()
    graph.add_nodes_from(f"N{i:02d}" for i in range(n))
    graph.add_edges_from((f"N{u:02d}", f"N{v:02d}") for u, v in edges)
    return graph


@settings(max_examples=150, deadline=None)
@given(graph=small_graphs(), max_size=st.integers(1, 9), min_size=st.integers(1, 4))
def test_property_equals_brute_force(graph: nx.Graph, max_size: int, min_size: int) -> None:
    groups = connected_groups(graph, max_size, min_size=min_size)
    sets = as_label_sets(groups)
    assert len(sets) == len(set(sets))
    assert all(nx.is_connected(graph.subgraph(s)) for s in sets)
    assert set(sets) == brute_force(graph, max_size, min_size)
    assert groups.sizes.tolist() == [len(s) for s in sets]
    expected = {k: 0 for k in range(min_size, max_size + 1)}
    for s in sets:
        expected[len(s)] += 1
    assert count_connected_groups(graph, max_size, min_size=min_size) == expected
