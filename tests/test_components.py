"""The pieces of a model are split as SciPy splits them: the same components, numbered the same
(``tests/test_lean_imports.py`` checks that a regional run no longer imports scipy.linalg)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components as scipy_components

from sharedopt.model.build import build_model
from sharedopt.solve import components
from sharedopt.solve.components import connected_components


def _same_as_scipy(graph) -> None:
    n, labels = connected_components(graph)
    want_n, want = scipy_components(graph, directed=False)
    assert n == want_n
    np.testing.assert_array_equal(labels, want)


def test_random_graphs_split_as_scipy_splits_them():
    rng = np.random.default_rng(7)
    for nodes, edges in [(1, 0), (5, 0), (40, 10), (40, 35), (300, 150), (300, 290), (2000, 1900), (2000, 4000)]:
        a, b = rng.integers(0, nodes, edges), rng.integers(0, nodes, edges)
        directed = sp.csr_matrix((np.ones(edges), (a, b)), shape=(nodes, nodes))  # one direction only
        _same_as_scipy(directed)
    _same_as_scipy(sp.csr_matrix((0, 0)))
    path = sp.diags([np.ones(999)], [1], shape=(1000, 1000)).tocsr()[::-1, ::-1]  # a long chain, numbered backwards
    _same_as_scipy(path)


def test_the_north_east_model_and_a_large_graph_split_as_scipy_splits_them(north_east_uncoordinated_candidates,
                                                                          north_east_config, monkeypatch):
    model = build_model(north_east_uncoordinated_candidates.table, north_east_config.constraints)
    B = model.A.tocsr()
    graph = sp.bmat([[None, B.T], [B, None]], format="csr")
    _same_as_scipy(graph)
    monkeypatch.setattr(components, "SMALL_GRAPH_ENTRIES", 0)  # SciPy's own splitter
    _same_as_scipy(graph)

