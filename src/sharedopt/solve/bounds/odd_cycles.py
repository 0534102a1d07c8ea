"""Odd-cycle cuts on the slot rows of one service, valid for every group, listed or not.

A set ``T`` of an odd number of slot rows of one service (the slots of ``|T|`` councils in
that service) gives the rank-1 Chvatal-Gomory cut with multiplier 1/2 on each of its rows:

    sum_j floor(|T & slots(j)| / 2) x_j  <=  floor(|T| / 2).

Three groups {a, b}, {b, c}, {a, c} of one service at 1/2 each satisfy every slot row and
break the cut on ``T = {a, b, c}`` (1.5 > 1): the LP relaxation's odd cycles, which HiGHS's
clique cuts find only among the columns it is given. A group's coefficient depends only on
which of ``T``'s councils it holds, so the cut is defined for every connected group; in column
generation a group's reduced cost falls by ``sigma_T`` (the cut's dual, >= 0) times its
coefficient (>= 0), so a bound on the reduced cost without the cuts still bounds it with them,
and the LP bound with the cuts is a true bound over all groups.

Separation is a heuristic over the LP solution's support: per service, the graph of council
pairs that share a fractional column, its cycles of length 3 and 5, each checked exactly.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import numpy as np
import scipy.sparse as sp

__all__ = ["cut_coefficients", "cut_indicator", "cut_rhs", "group_penalty", "separate_odd_cycles"]

#: LP values within this of 0 or 1 count as integral
INTEGRAL_TOL = 1e-6
#: partial cycles extended per start node of the search for cycles of length 5 and more (a work
#: limit, so every start is searched; triangles are all listed)
MAX_PATHS = 2_000


def separate_odd_cycles(A: sp.csc_matrix, row_service: np.ndarray, x: np.ndarray, seen: set, *,
                        max_length: int = 5, max_cuts: int = 1000, tol: float = 1e-6) -> list[tuple[int, ...]]:
    """Violated odd-cycle cuts for the LP solution ``x``, most violated first.

    Parameters
    ----------
    A : scipy.sparse.csc_matrix
        Constraint matrix (rows by columns); only the slot rows are read.
    row_service : numpy.ndarray of int
        Per row, the service of a slot row, -1 for every other row.
    x : numpy.ndarray
        LP values of the columns.
    seen : set of tuple
        Cuts already made (not returned again).
    max_length : int
        Longest cycle (3 or 5).
    max_cuts : int
        At most this many cuts.
    tol : float
        A cut is violated when its left side exceeds its right side by more than ``tol``.

    Returns
    -------
    list of tuple of int
        Each cut's slot rows, ascending; ordered by violation (largest first), then rows.
    """
    by_service = _support_by_service(A, row_service, x)
    found = []
    for service in sorted(by_service):
        found.extend(_violated(by_service[service], seen, max_length, tol))
    found.sort(key=lambda item: (-item[0], item[1]))
    return [rows for _, rows in found[:max_cuts]]


def _support_by_service(A: sp.csc_matrix, row_service: np.ndarray, x: np.ndarray) -> dict:
    """Per service, ``(slot rows, value)`` of each column of the support with two or more of its slots."""
    out: dict = defaultdict(list)
    for j in np.flatnonzero(x > INTEGRAL_TOL).tolist():
        rows = A.indices[A.indptr[j]:A.indptr[j + 1]]
        services = row_service[rows]
        for service in np.unique(services[services >= 0]).tolist():
            mine = rows[services == service]
            if len(mine) >= 2:
                out[service].append((tuple(sorted(mine.tolist())), float(x[j])))
    return out


def _violated(columns: list, seen: set, max_length: int, tol: float) -> list:
    """(violation, rows) of every violated cut over the cycles of the fractional pair graph."""
    weight: dict = defaultdict(float)
    on_row: dict = defaultdict(list)
    for k, (rows, value) in enumerate(columns):
        for r in rows:
            on_row[r].append(k)
        if value < 1.0 - INTEGRAL_TOL:
            for pair in combinations(rows, 2):
                weight[pair] += value
    out = []
    for cycle in _odd_cycles(_heaviest_first(weight), max_length):
        if cycle in seen:
            continue
        excess = _lhs(cycle, columns, on_row) - len(cycle) // 2
        if excess > tol:
            out.append((excess, cycle))
    return out


def _heaviest_first(weight: dict) -> dict:
    """Each node's neighbours in the pair graph, by the fractional weight of the pair (heaviest
    first, then by node)."""
    around: dict = defaultdict(list)
    for (a, b), w in weight.items():
        around[a].append((-w, b)), around[b].append((-w, a))
    return {v: [u for _, u in sorted(pairs)] for v, pairs in around.items()}


def _lhs(cycle: tuple, columns: list, on_row: dict) -> float:
    """The cut's left side at the LP values."""
    counts: dict = defaultdict(int)
    for r in cycle:
        for k in on_row[r]:
            counts[k] += 1
    return sum(columns[k][1] * (n // 2) for k, n in counts.items())


def _odd_cycles(neighbours: dict, max_length: int) -> list[tuple]:
    """Node sets of the graph's triangles (all of them) and of its simple cycles of length 5 .. up to
    ``max_length`` (each once, sorted): a depth-first search from each start through larger
    nodes only, heaviest pairs first, at most :data:`MAX_PATHS` extensions per start."""
    adjacent = {v: set(n) for v, n in neighbours.items()}
    found = {tuple(sorted((a, b, c))) for a in adjacent for b in adjacent[a] if b > a
             for c in adjacent[a] & adjacent[b] if c > b}
    for start in sorted(neighbours) if max_length >= 5 else ():
        stack, paths = [(start,)], 0
        while stack and paths < MAX_PATHS:
            path = stack.pop()
            for v in reversed(neighbours[path[-1]]):   # the heaviest pair is popped first
                if v <= start or v in path:
                    continue
                longer = path + (v,)
                paths += 1
                if len(longer) >= 5 and len(longer) % 2 == 1 and start in adjacent[v]:
                    found.add(tuple(sorted(longer)))
                if len(longer) < max_length:
                    stack.append(longer)
    return sorted(found)


def cut_rhs(cuts: list[tuple]) -> np.ndarray:
    """Each cut's right side, ``floor(|T| / 2)``."""
    return np.array([len(t) // 2 for t in cuts], dtype=float)


def cut_indicator(cuts: list[tuple], n_rows: int) -> sp.csr_matrix:
    """``M[t, r] = 1`` when row ``r`` is in cut ``t``."""
    sizes = [len(t) for t in cuts]
    rows = np.repeat(np.arange(len(cuts)), sizes)
    cols = np.array([r for t in cuts for r in t], dtype=np.int64)
    return sp.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(cuts), n_rows))


def cut_coefficients(indicator: sp.csr_matrix, block: sp.spmatrix) -> sp.csr_matrix:
    """The cuts' coefficients of the columns of ``block`` (rows as ``indicator``'s columns, slot
    entries 1): ``floor(|T & slots(j)| / 2)``."""
    return _halved(indicator @ sp.csc_matrix(block))


def group_penalty(groups: np.ndarray, members: np.ndarray, sigma: np.ndarray, n_nodes: int) -> np.ndarray:
    """Per group, ``sum_t sigma_t floor(|group & T_t| / 2)``: what one service's cuts take off its
    reduced cost.

    Parameters
    ----------
    groups : numpy.ndarray of int, shape (n, k)
        Member indices (padded with -1).
    members : numpy.ndarray of int, shape (m, w)
        Each cut's councils in the same indices (padded with -1).
    sigma : numpy.ndarray, shape (m,)
        The cuts' duals.
    n_nodes : int
        Indices run below this.
    """
    if not len(groups) or not len(members):
        return np.zeros(len(groups))
    G = _membership(groups, n_nodes)
    Q = _membership(members, n_nodes).T.tocsr()
    return np.asarray(_halved(G @ Q) @ sigma, dtype=float).ravel()


def _halved(counts: sp.spmatrix) -> sp.csr_matrix:
    """``floor(n / 2)`` of every count (how many of a cut's councils a column holds -> its
    coefficient), zeros dropped."""
    out = sp.csr_matrix(counts)
    out.data = np.floor(out.data / 2.0 + 1e-9)
    out.eliminate_zeros()
    return out


def _membership(padded: np.ndarray, n_nodes: int) -> sp.csr_matrix:
    """Row ``i`` marks the entries of ``padded[i]`` (padding dropped)."""
    r, c = np.nonzero(padded >= 0)
    return sp.csr_matrix((np.ones(len(r)), (r, padded[r, c])), shape=(len(padded), n_nodes))
