"""Enumeration of connected induced subgraphs (candidate council groups).

The enumerator is Wernicke's ESU algorithm ("EnumerateSubgraphs", 2006):
every connected node set is grown from its smallest node (the *root*)
using an *exclusive* extension set, so each set is produced exactly once
without any duplicate check.  Node sets are kept as Python ``int``
bitsets inside the inner loop; results are returned as compact numpy
arrays in a :class:`GroupArrays`.

Nodes are arbitrary hashable labels (e.g. GSS codes such as
``"E06000001"``).  They are mapped to integer indices ``0..n-1`` in
sorted label order, or in the order of ``nodes_order`` when given.
Edges are treated as undirected and self-loops are ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence

import networkx as nx
import numpy as np

from sharedopt.candidates.groups import GroupArrays

__all__ = [
    "GroupArrays",
    "adjacency_bitsets",
    "connected_groups",
    "index_nodes",
    "is_connected_subset",
    "progress_mark",
]

#: Approximate number of new groups between two calls of a progress hook.
PROGRESS_EVERY = 50_000

ProgressHook = Callable[[int], None]


def index_nodes(graph: nx.Graph, nodes_order: Sequence[Hashable] | None = None) -> np.ndarray:
    """Return the index -> label array used by :func:`connected_groups`.

    Parameters
    ----------
    graph : networkx.Graph
        Graph whose nodes are to be indexed.
    nodes_order : sequence of hashable, optional
        Explicit order.  Must contain every node of ``graph`` exactly once;
        extra labels are allowed and act as nodes outside the graph (they
        never appear in a group).  Default: sorted node labels.

    Returns
    -------
    numpy.ndarray
        Labels; ``result[i]`` is the label of index ``i``.

    Raises
    ------
    ValueError
        If ``nodes_order`` has duplicates or misses a graph node.
    """
    if nodes_order is None:
        labels = sorted(graph.nodes)
    else:
        labels = list(nodes_order)
        _check_order(graph, labels)
    out = np.empty(len(labels), dtype=object)
    out[:] = labels
    if labels and all(isinstance(x, str) for x in labels):
        return out.astype(str)
    return out


def _check_order(graph: nx.Graph, labels: list) -> None:
    """Validate an explicit ``nodes_order`` against ``graph``."""
    if len(set(labels)) != len(labels):
        raise ValueError("nodes_order contains duplicate labels")
    missing = set(graph.nodes) - set(labels)
    if missing:
        raise ValueError(f"nodes_order misses {len(missing)} graph node(s), e.g. {next(iter(missing))!r}")


def adjacency_bitsets(graph: nx.Graph, nodes: Sequence[Hashable]) -> list[int]:
    """Return the adjacency of ``graph`` as one ``int`` bitset per node index.

    Parameters
    ----------
    graph : networkx.Graph
        Input graph (edges treated as undirected, self-loops ignored).
    nodes : sequence of hashable
        Index -> label mapping, e.g. from :func:`index_nodes`.

    Returns
    -------
    list of int
        Bit ``j`` of ``result[i]`` is set iff nodes ``i`` and ``j`` are adjacent.
    """
    position = {label: i for i, label in enumerate(_as_list(nodes))}
    bits = [0] * len(position)
    for u, v in graph.edges():
        i, j = position[u], position[v]
        if i != j:
            bits[i] |= 1 << j
            bits[j] |= 1 << i
    return bits


def _as_list(nodes: Sequence[Hashable]) -> list:
    """Return labels as plain Python objects (numpy scalars -> builtins)."""
    return nodes.tolist() if isinstance(nodes, np.ndarray) else list(nodes)


def is_connected_subset(adjacency: nx.Graph | Sequence[int], members: Iterable) -> bool:
    """Tell whether ``members`` induce a connected subgraph.

    Parameters
    ----------
    adjacency : networkx.Graph or sequence of int
        Either a graph (then ``members`` are node labels) or a list of
        adjacency bitsets as from :func:`adjacency_bitsets` (then
        ``members`` are node indices; negative indices, i.e. padding, are
        skipped).
    members : iterable
        Node labels or indices.

    Returns
    -------
    bool
        ``True`` if the induced subgraph is non-empty and connected.
    """
    if isinstance(adjacency, nx.Graph):
        nodes = set(members)
        return bool(nodes) and nodes <= set(adjacency) and nx.is_connected(adjacency.subgraph(nodes))
    indices = [int(i) for i in members if int(i) >= 0]
    return bool(indices) and _bits_connected(adjacency, _to_mask(indices))


def _to_mask(indices: Iterable[int]) -> int:
    """Return the bitset with the given bit positions set."""
    mask = 0
    for i in indices:
        mask |= 1 << i
    return mask


def _bits_connected(bits: Sequence[int], mask: int) -> bool:
    """Tell whether the node bitset ``mask`` is connected under ``bits``."""
    reached = mask & -mask
    frontier = reached
    while frontier:
        low = frontier & -frontier
        frontier ^= low
        new = bits[low.bit_length() - 1] & mask & ~reached
        reached |= new
        frontier |= new
    return reached == mask


def connected_groups(
    graph: nx.Graph,
    max_size: int,
    min_size: int = 2,
    nodes_order: Sequence[Hashable] | None = None,
    progress: ProgressHook | None = None,
) -> GroupArrays:
    """Enumerate all connected induced subgraphs with ``min_size..max_size`` nodes.

    Parameters
    ----------
    graph : networkx.Graph
        Adjacency graph; node labels are arbitrary hashables.
    max_size : int
        Largest group size (inclusive); also the width of ``members``.
    min_size : int, default 2
        Smallest group size (inclusive), at least 1.
    nodes_order : sequence of hashable, optional
        Index order of the labels (see :func:`index_nodes`).  Default:
        sorted labels.
    progress : callable, optional
        Called with the running number of groups found, roughly every
        :data:`PROGRESS_EVERY` groups and once more at the end.

    Returns
    -------
    GroupArrays
        Each connected node set exactly once, ordered by size then
        lexicographically by member indices.

    Raises
    ------
    ValueError
        If ``min_size < 1`` or ``nodes_order`` is inconsistent with ``graph``.
    """
    nodes = index_nodes(graph, nodes_order)
    flat = _enumerate_flat(graph, nodes, max_size, min_size, progress)
    members, sizes = _pack(flat, max(int(max_size), 0))
    return GroupArrays(nodes=_read_only(nodes), members=_read_only(members), sizes=_read_only(sizes))


def _enumerate_flat(
    graph: nx.Graph,
    nodes: np.ndarray,
    max_size: int,
    min_size: int,
    progress: ProgressHook | None,
) -> dict[int, list[int]]:
    """Run ESU; return ``{size: flat list of member indices}`` (unsorted rows)."""
    if min_size < 1:
        raise ValueError(f"min_size must be >= 1, got {min_size}")
    flat: dict[int, list[int]] = {size: [] for size in range(min_size, max_size + 1)}
    if not flat:
        return flat
    present = _present_mask(graph, nodes)
    adjacency = adjacency_bitsets(graph, nodes)
    sinks = [flat.get(size, _Discard()) for size in range(max_size + 1)]
    reported = 0
    for root in range(len(nodes)):
        if present >> root & 1:
            _grow_from_root(root, adjacency, max_size, sinks)
            if progress is not None:
                reported = progress_mark(_total(flat), reported, progress)
    if progress is not None:
        progress(_total(flat))
    return flat


def _present_mask(graph: nx.Graph, nodes: np.ndarray) -> int:
    """Return the bitset of indices whose label is a node of ``graph``."""
    return _to_mask(i for i, label in enumerate(_as_list(nodes)) if label in graph)


class _Discard(list):
    """List stand-in that drops appended values (sizes below ``min_size``)."""

    def append(self, value: object) -> None:  # noqa: D102 - trivial
        return None

    def extend(self, values: Iterable) -> None:  # noqa: D102 - trivial
        return None


def _grow_from_root(root: int, adjacency: list[int], max_size: int, sinks: list[list[int]]) -> None:
    """Emit every connected set whose smallest index is ``root``."""
    sinks[1].append(root)
    if max_size < 2:
        return
    below = (1 << (root + 1)) - 1
    neighbours = adjacency[root]
    _extend((root,), neighbours & ~below, below | neighbours, adjacency, max_size, sinks)


def _extend(
    members: tuple[int, ...],
    extension: int,
    closed: int,
    adjacency: list[int],
    max_size: int,
    sinks: list[list[int]],
) -> None:
    """ESU recursion step.

    ``extension`` is the exclusive extension set; ``closed`` holds the
    current members, their neighbours and every index <= root, i.e. the
    nodes that must never enter the extension set again.
    """
    size = len(members) + 1
    sink = sinks[size]
    if size == max_size:
        while extension:
            low = extension & -extension
            extension ^= low
            sink.extend(members)
            sink.append(low.bit_length() - 1)
        return
    while extension:
        low = extension & -extension
        extension ^= low
        grown = members + (low.bit_length() - 1,)
        sink.extend(grown)
        neighbours = adjacency[grown[-1]]
        _extend(grown, extension | (neighbours & ~closed), closed | neighbours, adjacency, max_size, sinks)


def progress_mark(total: int, reported: int, progress: ProgressHook) -> int:
    """Call ``progress`` if :data:`PROGRESS_EVERY` groups were added since ``reported``.

    Parameters
    ----------
    total : int
        Groups found so far.
    reported : int
        ``total`` at the last call of ``progress``.
    progress : callable
        Called with ``total``.

    Returns
    -------
    int
        The new ``reported``.
    """
    if total - reported >= PROGRESS_EVERY:
        progress(total)
        return total
    return reported


def _total(flat: dict[int, list[int]]) -> int:
    """Number of groups stored in a flat per-size dict."""
    return sum(len(values) // size for size, values in flat.items())


def _pack(flat: dict[int, list[int]], width: int) -> tuple[np.ndarray, np.ndarray]:
    """Turn per-size flat lists into sorted, padded ``members`` and ``sizes``."""
    blocks = [_sorted_block(values, size, width) for size, values in sorted(flat.items())]
    blocks = [b for b in blocks if len(b)]
    if not blocks:
        return np.empty((0, width), dtype=np.int32), np.empty(0, dtype=np.int16)
    members = np.concatenate(blocks)
    sizes = (members >= 0).sum(axis=1).astype(np.int16)
    return members, sizes


def _sorted_block(values: list[int], size: int, width: int) -> np.ndarray:
    """Return one size class as rows sorted ascending, padded to ``width``."""
    rows = np.array(values, dtype=np.int32).reshape(-1, size)
    rows.sort(axis=1)
    rows = rows[_lexicographic_order(rows)]
    block = np.full((len(rows), width), -1, dtype=np.int32)
    block[:, :size] = rows
    return block


def _lexicographic_order(rows: np.ndarray) -> np.ndarray:
    """Return the permutation sorting non-negative ``rows`` lexicographically."""
    if rows.size == 0:
        return np.arange(len(rows))
    base = int(rows.max()) + 1
    if base ** rows.shape[1] >= 2**63:
        return np.lexsort(rows.T[::-1])
    keys = np.zeros(len(rows), dtype=np.int64)
    for column in rows.T:
        keys = keys * base + column
    return np.argsort(keys, kind="stable")


def _read_only(array: np.ndarray) -> np.ndarray:
    """Mark ``array`` read-only and return it."""
    array.setflags(write=False)
    return array
