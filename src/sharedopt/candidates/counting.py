"""Counting connected induced subgraphs (candidate council groups) without listing them.

The same ESU order as :func:`sharedopt.candidates.enumerate.connected_groups` (each
connected set once, grown from its smallest node), one loop for both counters: by
size (:func:`count_connected_groups`) and in total up to a cap
(:func:`count_groups_capped`, how column generation decides whether to list).
"""

from __future__ import annotations

import networkx as nx

from sharedopt.candidates.enumerate import ProgressHook, adjacency_bitsets, index_nodes, progress_mark


def count_connected_groups(
    graph: nx.Graph, max_size: int, min_size: int = 1, progress: ProgressHook | None = None
) -> dict[int, int]:
    """Count connected induced subgraphs by size (without listing them).

    Parameters
    ----------
    graph : networkx.Graph
        Adjacency graph.
    max_size : int
        Largest size counted (inclusive).
    min_size : int, default 1
        Smallest size counted (inclusive).
    progress : callable, optional
        Progress hook, as in :func:`connected_groups`.

    Returns
    -------
    dict of int to int
        ``{size: count}`` for every size in ``min_size..max_size``
        (zero counts included), ascending.

    Raises
    ------
    ValueError
        If ``min_size < 1``.
    """
    if min_size < 1:
        raise ValueError(f"min_size must be >= 1, got {min_size}")
    if max_size < min_size:
        return {}
    adjacency = adjacency_bitsets(graph, index_nodes(graph))
    counts = [0] * (max_size + 1)
    reported = 0
    for root in range(len(adjacency)):
        _count_from(root, adjacency, max_size, counts)
        if progress is not None:
            reported = progress_mark(sum(counts[min_size:]), reported, progress)
    if progress is not None:
        progress(sum(counts[min_size:]))
    return {size: counts[size] for size in range(min_size, max_size + 1)}


def count_groups_capped(graph: nx.Graph, max_size: int, min_size: int, cap: int) -> tuple[int, bool]:
    """Connected groups of ``min_size..max_size`` nodes, counted up to ``cap``.

    Parameters
    ----------
    graph : networkx.Graph
        Adjacency graph.
    max_size, min_size : int
        Largest and smallest size counted (inclusive).
    cap : int
        Counting stops once the count exceeds it.

    Returns
    -------
    count : int
    exact : bool
        False when counting stopped at the cap (the true count is larger).
    """
    adjacency = adjacency_bitsets(graph, index_nodes(graph))
    counts = [0] * (max(max_size, 1) + 1)
    total = 0
    for root in range(len(adjacency)):
        _count_from(root, adjacency, max_size, counts)
        total = sum(counts[max(min_size, 1):max_size + 1])
        if total > cap:
            return total, False
    return total, True


def _count_from(root: int, adjacency: list[int], max_size: int, counts: list[int]) -> None:
    """Add to ``counts[size]`` the connected sets of each size whose smallest index is ``root`` (ESU)."""
    counts[1] += 1
    if max_size < 2:
        return
    below = (1 << (root + 1)) - 1
    stack = [(1, adjacency[root] & ~below, below | adjacency[root])]
    while stack:
        size, extension, closed = stack.pop()
        while extension:
            low = extension & -extension
            extension ^= low
            counts[size + 1] += 1
            if size + 1 < max_size:
                neighbours = adjacency[low.bit_length() - 1]
                stack.append((size + 1, extension | (neighbours & ~closed), closed | neighbours))
