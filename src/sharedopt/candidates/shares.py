"""Myerson value (graph-restricted Shapley value) for many small groups at once.

For a group ``N`` of ``n <= 6`` councils with internal adjacency graph
``G`` (the subgraph induced by the group's own members), the
graph-restricted game is::

    v^G(S) = sum of v(C) over the connected components C of S in G

and the Myerson value of member ``i`` is the Shapley value of ``v^G``::

    phi_i = sum over S not containing i of
            |S|! (n - |S| - 1)! / n!  *  (v^G(S + i) - v^G(S))

Vectorisation: groups are processed by size ``n``.  A *sub-mask* is an
``n``-bit integer over the group's member **positions** (columns of
``members``).  For every distinct internal edge pattern the component of
the lowest member of every sub-mask is tabulated; the value callback is
called once per (``n``, connected sub-mask) with all groups for which
that sub-mask is connected; ``v^G`` follows by peeling off components,
and the Shapley weights are applied as one matrix product.

Edge-pair order (``edges_within`` bit layout)
---------------------------------------------
Bit ``p`` of a group's edge mask says whether the members at positions
``i < j`` are adjacent, with ``p = j * (j - 1) // 2 + i`` (colexicographic
order: (0,1), (0,2), (1,2), (0,3), (1,3), (2,3), ...).  The index does not
depend on the group size, so a size-``n`` group uses bits
``0 .. n(n-1)/2 - 1`` only; higher bits are ignored.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

import networkx as nx
import numpy as np

__all__ = [
    "SubsetValue",
    "graph_restricted",
    "internal_edge_masks",
    "myerson_shares",
    "pair_index",
    "shapley_bruteforce",
]

#: ``subset_value(rows, sub_members) -> values``; see :func:`myerson_shares`.
SubsetValue = Callable[[np.ndarray, np.ndarray], np.ndarray]

#: Largest group size supported (edge masks are int64: 8*7/2 = 28 bits).
MAX_GROUP_SIZE = 8
#: sub-coalition rows valued per call of ``subset_value`` (several sub-masks: few calls, bounded memory)
CALL_ROWS = 100_000


def pair_index(i: int, j: int) -> int:
    """Return the bit position of the member-position pair ``{i, j}``.

    Parameters
    ----------
    i, j : int
        Distinct member positions (columns of ``members``).

    Returns
    -------
    int
        ``hi * (hi - 1) // 2 + lo`` with ``lo, hi = sorted((i, j))``.
    """
    lo, hi = sorted((int(i), int(j)))
    if lo == hi or lo < 0:
        raise ValueError(f"need two distinct non-negative positions, got {i}, {j}")
    return hi * (hi - 1) // 2 + lo


def internal_edge_masks(members: np.ndarray, sizes: np.ndarray, adjacency: Any) -> np.ndarray:
    """Compute each group's internal adjacency as a pair bitmask.

    Parameters
    ----------
    members : numpy.ndarray
        ``(m, width)`` node indices, first ``sizes[g]`` columns valid,
        padded with ``-1``.
    sizes : numpy.ndarray
        ``(m,)`` group sizes.
    adjacency : scipy.sparse matrix/array, numpy.ndarray or sequence of iterables
        Node adjacency over node indices: a square (sparse or dense)
        matrix whose non-zero entries are edges, or ``adjacency[i]`` =
        the neighbour indices of node ``i`` (list of sets).  Treated as
        undirected.

    Returns
    -------
    numpy.ndarray
        ``int64`` array ``(m,)``; bit :func:`pair_index` ``(i, j)`` is set
        iff the members at positions ``i`` and ``j`` are adjacent.
    """
    members = np.asarray(members, dtype=np.int64)
    sizes = np.asarray(sizes, dtype=np.int64)
    _check_width(members.shape[1])
    n_nodes, keys = _edge_keys(adjacency)
    if members.size and members.max() >= n_nodes:
        raise ValueError(f"member index {members.max()} outside adjacency of {n_nodes} nodes")
    masks = np.zeros(len(members), dtype=np.int64)
    for i, j in _pairs(members.shape[1]):
        valid = sizes > j
        a, b = members[valid, i], members[valid, j]
        hit = _contains(keys, np.minimum(a, b) * n_nodes + np.maximum(a, b))
        masks[valid] |= hit.astype(np.int64) << pair_index(i, j)
    return masks


def _check_width(width: int) -> None:
    """Reject groups wider than :data:`MAX_GROUP_SIZE`."""
    if width > MAX_GROUP_SIZE:
        raise ValueError(f"groups of more than {MAX_GROUP_SIZE} members are not supported (got {width})")


def _pairs(width: int) -> list[tuple[int, int]]:
    """Return all position pairs ``(i, j)``, ``i < j < width``, in bit order."""
    return [(i, j) for j in range(width) for i in range(j)]


def _edge_keys(adjacency: Any) -> tuple[int, np.ndarray]:
    """Return ``(n_nodes, sorted unique keys lo * n_nodes + hi)`` of all edges."""
    rows, cols, n_nodes = _edge_arrays(adjacency)
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    keep = lo != hi
    return n_nodes, np.unique(lo[keep] * n_nodes + hi[keep])


def _edge_arrays(adjacency: Any) -> tuple[np.ndarray, np.ndarray, int]:
    """Return edge endpoint arrays and node count from any adjacency form."""
    if hasattr(adjacency, "tocoo"):
        coo = adjacency.tocoo()
        nonzero = coo.data != 0
        return coo.row[nonzero].astype(np.int64), coo.col[nonzero].astype(np.int64), int(coo.shape[0])
    if isinstance(adjacency, np.ndarray) and adjacency.ndim == 2:
        rows, cols = np.nonzero(adjacency)
        return rows.astype(np.int64), cols.astype(np.int64), int(adjacency.shape[0])
    return _edge_arrays_from_lists(adjacency)


def _edge_arrays_from_lists(adjacency: Sequence[Iterable[int]]) -> tuple[np.ndarray, np.ndarray, int]:
    """Edge endpoint arrays from a list-of-neighbour-sets adjacency."""
    pairs = [(i, int(j)) for i, neighbours in enumerate(adjacency) for j in neighbours]
    array = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return array[:, 0], array[:, 1], max(len(adjacency), int(array.max(initial=-1)) + 1)


def _contains(sorted_keys: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Vectorised membership test of ``queries`` in ``sorted_keys``."""
    if sorted_keys.size == 0:
        return np.zeros(queries.shape, dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, queries), sorted_keys.size - 1)
    return sorted_keys[at] == queries


def myerson_shares(
    members: np.ndarray,
    sizes: np.ndarray,
    edges_within: np.ndarray,
    subset_value: SubsetValue,
) -> np.ndarray:
    """Myerson value of every member of every group, vectorised.

    Parameters
    ----------
    members : numpy.ndarray
        ``(m, width)`` node indices, first ``sizes[g]`` columns valid,
        padded with ``-1`` (e.g. ``GroupArrays.members``).
    sizes : numpy.ndarray
        ``(m,)`` group sizes, each ``<= width <=`` :data:`MAX_GROUP_SIZE`.
    edges_within : numpy.ndarray
        ``(m,)`` integer pair bitmasks as from :func:`internal_edge_masks`
        (bit layout in the module docstring).
    subset_value : callable
        ``subset_value(rows, sub_members) -> values`` where ``rows`` is an
        ``(k,)`` int array of row indices into ``members`` and
        ``sub_members`` a ``(k, width)`` int array holding, for each of
        those rows, a non-empty **connected** sub-coalition of that
        row's group (members in the group's column order, padded with
        ``-1``).  Must return ``(k,)`` values ``v`` of the sub-coalitions.
        Called once per group size, with every connected sub-coalition of
        every group of that size (singletons and whole groups included;
        never a disconnected one), so a row's value must depend on that row alone.

    Returns
    -------
    numpy.ndarray
        ``float64`` array ``(m, width)``; ``[g, c]`` is the Myerson value
        of member ``members[g, c]`` in group ``g``; NaN in padding.  Each
        row sums to ``v^G(group)``, i.e. to ``v(group)`` when the group is
        connected.

    Raises
    ------
    ValueError
        On inconsistent shapes or a callback result of the wrong length.
    """
    members, sizes, edges = _validated(members, sizes, edges_within)
    shares = np.full(members.shape, np.nan)
    for n in np.unique(sizes[sizes > 0]).tolist():
        rows = np.flatnonzero(sizes == n)
        edge_bits = edges[rows] & ((1 << (n * (n - 1) // 2)) - 1)
        shares[rows, :n] = _shares_for_size(members, rows, n, edge_bits, subset_value)
    return shares


def _validated(members: Any, sizes: Any, edges_within: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coerce inputs to arrays and check their shapes agree."""
    members = np.asarray(members)
    sizes = np.asarray(sizes, dtype=np.int64)
    edges = np.asarray(edges_within, dtype=np.int64)
    if members.size and not np.issubdtype(members.dtype, np.integer):
        raise ValueError(f"members must be an integer array, got {members.dtype}")
    if members.ndim != 2 or sizes.shape != (len(members),) or edges.shape != (len(members),):
        raise ValueError("members must be (m, width); sizes and edges_within must be (m,)")
    _check_width(members.shape[1])
    if sizes.size and (sizes.min() < 0 or sizes.max() > members.shape[1]):
        raise ValueError("sizes must lie in 0..members.shape[1]")
    return members, sizes, edges


def _shares_for_size(
    members: np.ndarray, rows: np.ndarray, n: int, edge_bits: np.ndarray, subset_value: SubsetValue
) -> np.ndarray:
    """Myerson shares ``(len(rows), n)`` for groups that all have ``n`` members."""
    patterns, inverse = np.unique(edge_bits, return_inverse=True)
    lead = _lead_components(patterns, n)
    values = _connected_values(members, rows, lead, inverse.ravel(), subset_value)
    restricted = _restricted_values(values, lead, inverse.ravel())
    return (_shapley_weights(n).T @ restricted).T


def _position_neighbours(patterns: np.ndarray, n: int) -> np.ndarray:
    """``(u, n)`` bitmasks over positions: neighbours of each position per pattern."""
    neighbours = np.zeros((len(patterns), n), dtype=np.int64)
    for i, j in _pairs(n):
        present = (patterns >> pair_index(i, j)) & 1
        neighbours[:, i] |= present << j
        neighbours[:, j] |= present << i
    return neighbours


def _lead_components(patterns: np.ndarray, n: int) -> np.ndarray:
    """Tabulate, per edge pattern and sub-mask, the lowest member's component.

    Returns
    -------
    numpy.ndarray
        ``(u, 2**n)`` int64; ``[p, S]`` is the sub-mask of the connected
        component of ``S`` (under pattern ``p``) containing ``S``'s lowest
        position; ``0`` for ``S = 0``.  ``S`` is connected iff ``[p, S] == S``.
    """
    neighbours = _position_neighbours(patterns, n)
    subsets = np.arange(1 << n, dtype=np.int64)[None, :]
    reached = np.broadcast_to(subsets & -subsets, (len(patterns), 1 << n)).copy()
    for _ in range(n - 1):
        grown = reached.copy()
        for i in range(n):
            grown |= np.where(((reached >> i) & 1).astype(bool), neighbours[:, i : i + 1], 0)
        reached = grown & subsets
    return reached


def _connected_values(
    members: np.ndarray, rows: np.ndarray, lead: np.ndarray, inverse: np.ndarray, subset_value: SubsetValue
) -> np.ndarray:
    """``(2**n, k)`` values ``v(S)`` of connected sub-masks (NaN elsewhere, 0 at S=0).

    ``lead`` is the per-pattern table of :func:`_lead_components`, ``inverse`` maps each of the ``k``
    rows to its pattern. Several sub-masks are valued per call, up to :data:`CALL_ROWS` rows.
    """
    n_masks = lead.shape[1]
    values = np.full((n_masks, len(rows)), np.nan)
    values[0] = 0.0
    picked = [(mask, np.flatnonzero((lead[:, mask] == mask)[inverse])) for mask in range(1, n_masks)]
    chunk: list[tuple[int, np.ndarray]] = []  # a row's value depends on that row alone (see myerson_shares)
    for k, (mask, selected) in enumerate(picked):
        chunk += [(mask, selected)] if selected.size else []
        if chunk and (k == len(picked) - 1 or sum(len(sel) for _, sel in chunk) >= CALL_ROWS):
            _value_masks(values, members, rows, chunk, subset_value)
            chunk = []
    return values


def _value_masks(values: np.ndarray, members: np.ndarray, rows: np.ndarray, chunk: list[tuple[int, np.ndarray]],
                 subset_value: SubsetValue) -> None:
    """Fill ``values[mask, selected]`` for each (mask, selected rows) of ``chunk``: one call of ``subset_value``."""
    width, subs = members.shape[1], []
    for mask, selected in chunk:  # each row's sub-coalition: its members in the group's column order, -1 padded
        positions = [c for c in range(width) if mask >> c & 1]
        sub = np.full((len(selected), width), -1, dtype=members.dtype)
        sub[:, : len(positions)] = members[np.ix_(rows[selected], positions)]
        subs.append(sub)
    asked = np.concatenate([rows[selected] for _, selected in chunk])
    result = np.asarray(subset_value(asked, np.concatenate(subs)), dtype=float).reshape(-1)
    if result.shape != (len(asked),):
        raise ValueError(f"subset_value returned {result.shape[0]} values for {len(asked)} rows")
    ends = np.cumsum([len(selected) for _, selected in chunk]).tolist()
    for (mask, selected), end in zip(chunk, ends):
        values[mask, selected] = result[end - len(selected):end]


def _restricted_values(values: np.ndarray, lead: np.ndarray, inverse: np.ndarray) -> np.ndarray:
    """``(2**n, k)`` graph-restricted values ``v^G(S)`` by peeling off components.

    ``v^G(S) = v(C) + v^G(S - C)`` where ``C`` is the component of ``S``'s
    lowest member; ``S - C < S``, so ascending masks see it computed.
    """
    n_masks, k = values.shape
    restricted = np.zeros_like(values)
    flat_values, flat_restricted = values.ravel(), restricted.ravel()
    column = np.arange(k)
    for mask in range(1, n_masks):
        if np.all(lead[:, mask] == mask):
            restricted[mask] = values[mask]
            continue
        component = lead[:, mask][inverse]
        restricted[mask] = flat_values[component * k + column] + flat_restricted[(mask ^ component) * k + column]
    return restricted


def _shapley_weights(n: int) -> np.ndarray:
    """``(2**n, n)`` matrix ``W`` with ``phi = v @ W`` for a game ``v`` over sub-masks."""
    weight = [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)]
    matrix = np.zeros((1 << n, n))
    for mask in range(1 << n):
        size = mask.bit_count()
        for i in range(n):
            if mask >> i & 1:
                matrix[mask, i] = weight[size - 1]
            elif size < n:
                matrix[mask, i] = -weight[size]
    return matrix


def shapley_bruteforce(
    players: Sequence[Hashable], value_fn: Callable[[frozenset], float]
) -> dict[Hashable, float]:
    """Shapley value of one small game by the plain subset formula.

    Parameters
    ----------
    players : sequence of hashable
        The players (distinct).
    value_fn : callable
        ``value_fn(frozenset_of_players) -> float``; ``value_fn`` of the
        empty set is taken as 0 and never called.

    Returns
    -------
    dict
        ``{player: Shapley value}`` in the order of ``players``.
    """
    players = list(players)
    n = len(players)
    shares = {}
    for player in players:
        others = [p for p in players if p != player]
        total = 0.0
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for coalition in itertools.combinations(others, size):
                base = frozenset(coalition)
                total += weight * (value_fn(base | {player}) - _value_or_zero(value_fn, base))
        shares[player] = total
    return shares


def _value_or_zero(value_fn: Callable[[frozenset], float], coalition: frozenset) -> float:
    """``value_fn(coalition)``, or 0 for the empty coalition."""
    return value_fn(coalition) if coalition else 0.0


def graph_restricted(value_fn: Callable[[frozenset], float], graph: nx.Graph) -> Callable[[frozenset], float]:
    """Return the graph-restricted game ``v^G`` of ``value_fn`` on ``graph``.

    Parameters
    ----------
    value_fn : callable
        ``value_fn(frozenset) -> float`` for any coalition.
    graph : networkx.Graph
        Communication graph over the players.

    Returns
    -------
    callable
        ``S -> sum of value_fn(C)`` over the connected components ``C`` of
        the subgraph of ``graph`` induced by ``S`` (0 for the empty set).
    """

    def restricted(coalition: frozenset) -> float:
        components = nx.connected_components(graph.subgraph(coalition))
        return float(sum(value_fn(frozenset(c)) for c in components))

    return restricted
