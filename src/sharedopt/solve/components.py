"""Connected components of an undirected graph, numbered as SciPy numbers them: :func:`connected_components`.

:func:`scipy.sparse.csgraph.connected_components` is the tool, but importing
``scipy.sparse.csgraph`` also imports ``scipy.sparse.linalg`` and ``scipy.linalg`` (about 0.15 s
of every run's start-up, for a call that takes microseconds on a regional model). So a graph of
up to :data:`SMALL_GRAPH_ENTRIES` stored entries is split here, with NumPy; a larger one by SciPy,
imported then. Both number the components the same way: by their smallest node (the component
holding node 0 is 0, the one holding the smallest node outside it is 1, and so on).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["SMALL_GRAPH_ENTRIES", "connected_components"]

#: stored entries of the adjacency matrix up to which NumPy splits the graph (a regional model has
#: thousands; at 50,000 NumPy takes about 10 ms a call against SciPy's 2 ms, after its 0.15 s import)
SMALL_GRAPH_ENTRIES = 50_000


def connected_components(graph: sp.spmatrix) -> tuple[int, np.ndarray]:
    """``scipy.sparse.csgraph.connected_components(graph, directed=False)``.

    Parameters
    ----------
    graph : scipy.sparse matrix
        Square adjacency matrix; an entry (i, j) joins nodes i and j (in either direction).

    Returns
    -------
    n_components : int
    labels : ndarray of int
        Component of each node, numbered by the components' smallest nodes.
    """
    if graph.nnz > SMALL_GRAPH_ENTRIES:
        from scipy.sparse.csgraph import connected_components as scipy_components  # large graphs only (see above)
        return scipy_components(graph, directed=False)
    coo = graph.tocoo()
    roots = _roots(graph.shape[0], coo.row.astype(np.int64), coo.col.astype(np.int64))
    found, labels = np.unique(roots, return_inverse=True)
    return len(found), labels.astype(np.int32)


def _roots(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Each node's smallest connected node: join the roots of every edge's ends (the larger under the
    smaller), then point every node at its root, until every edge joins one root."""
    parent = np.arange(n, dtype=np.int64)
    while True:
        ra, rb = parent[a], parent[b]
        apart = ra != rb
        if not apart.any():
            return parent
        np.minimum.at(parent, np.maximum(ra, rb)[apart], np.minimum(ra, rb)[apart])
        while True:
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up
