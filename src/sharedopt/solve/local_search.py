"""Improve a 0/1 packing solution by swap moves (a local search polishing an incumbent).

A *swap* adds one candidate ``j`` that is not chosen and, on every row that ``j`` would
overfill, removes the least valuable chosen candidate using that row. Its gain is ``c_j``
minus the value removed (each removed candidate counted once). :func:`improve_by_swaps`
computes the gain of every possible swap at once with sparse products, applies the improving
swaps in order of gain (greatest first; ties by column order) as long as they touch disjoint
rows, checks each applied swap's rows exactly, and repeats until no swap improves.

The search is exact arithmetic on the model's matrices in a fixed order: the same model and
start give the same answer on any machine, whatever its load (no clock). It applies only to
packing programmes (non-negative coefficients, no row with a positive lower bound), where
removing a candidate can never violate a row; otherwise the start is returned unchanged.
On England it lifts the LP dive's incumbent by about 0.2% of the objective in under a
second, more than the MIP over the LP's neighbourhood found in half a minute.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["improve_by_swaps", "is_packing"]

#: row activity tolerance (the models' coefficients are whole numbers or money in £k)
FEASIBILITY_TOL = 1e-9
#: a swap must gain at least this share of the largest objective coefficient
MIN_GAIN_SHARE = 1e-9
#: safety cap on the rounds (each round applies at least one swap, and the objective rises)
MAX_ROUNDS = 1000


def is_packing(A_csc: sp.csc_matrix, row_lower: np.ndarray) -> bool:
    """Whether removing chosen columns can never make a solution infeasible."""
    return bool(np.all(A_csc.data >= 0) and np.all(row_lower <= 0))


def improve_by_swaps(c: np.ndarray, A_csc: sp.csc_matrix, x: np.ndarray, bounds: tuple) -> np.ndarray:
    """A solution at least as good as ``x``, locally optimal for swap moves.

    Parameters
    ----------
    c : ndarray
        Objective coefficients (maximised).
    A_csc : scipy.sparse.csc_matrix
        Constraint matrix.
    x : ndarray
        A feasible 0/1 solution aligned with ``c``.
    bounds : tuple of ndarray
        ``(row_lower, row_upper, var_lower, var_upper)``; columns with a lower bound of 1 are
        never removed and columns with an upper bound of 0 never added.

    Returns
    -------
    ndarray
        0/1 floats aligned with ``c``; ``x`` itself (as floats) when the model is not a packing
        programme or no swap improves it.
    """
    row_lower, row_upper, var_lower, var_upper = bounds
    chosen = np.asarray(x) > 0.5
    if not is_packing(A_csc, row_lower):
        return chosen.astype(float)
    min_gain = MIN_GAIN_SHARE * max(1.0, float(np.abs(c).max(initial=1.0)))
    addable = (var_upper > 0.5) & (c > min_gain)
    entries = _column_entries(A_csc, np.flatnonzero(addable))   # once: each round filters them
    for _ in range(MAX_ROUNDS):
        activity = A_csc @ chosen.astype(float)
        swaps = _improving_swaps(c, A_csc, chosen, activity, addable, entries, row_upper, var_lower > 0.5,
                                 min_gain)
        if swaps is None or not _apply_disjoint(A_csc, chosen, activity, swaps, row_upper):
            break
    return chosen.astype(float)


def _column_entries(A_csc: sp.csc_matrix, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, value) of every entry of the columns ``cols``, column by column."""
    block = A_csc[:, cols].tocoo()
    return block.row, cols[block.col], block.data


def _improving_swaps(c, A_csc, chosen, activity, addable, entries, row_upper, forced, min_gain):
    """(columns to add, removal matrix, gains) of the improving swaps, best first; None if none.

    ``entries``: the :func:`_column_entries` of the ``addable`` columns (the chosen ones among
    them are skipped here)."""
    entry_row, entry_col, entry_value = entries
    cheapest = _cheapest_removable(c, A_csc, chosen & ~forced)
    adds = np.flatnonzero(addable & ~chosen)
    place = np.full(len(c), -1, dtype=np.int64)
    place[adds] = np.arange(len(adds))
    over = (activity[entry_row] + entry_value > row_upper[entry_row] + FEASIBILITY_TOL) & ~chosen[entry_col]
    rows, which = entry_row[over], place[entry_col[over]]
    blocked = np.zeros(len(adds), dtype=bool)
    blocked[which[cheapest[rows] < 0]] = True      # an overfilled row with nothing to remove
    keep = cheapest[rows] >= 0
    removal = sp.csr_matrix((np.ones(int(keep.sum())), (which[keep], cheapest[rows[keep]])),
                            shape=(len(adds), len(c)))
    removal.data[:] = 1.0                           # each removed column counted once
    gain = c[adds] - removal @ c
    gain[blocked] = -np.inf
    good = np.flatnonzero(gain > min_gain)
    if len(good) == 0:
        return None
    order = good[np.argsort(-gain[good], kind="stable")]
    return adds[order], removal[order], gain[order]


def _cheapest_removable(c, A_csc, removable) -> np.ndarray:
    """Per row, the least valuable removable chosen column using it (ties: lowest index); -1 if none."""
    cols = np.flatnonzero(removable)
    block = A_csc[:, cols].tocoo()
    order = np.lexsort((cols[block.col], c[cols[block.col]], block.row))
    rows = block.row[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = rows[1:] != rows[:-1]
    cheapest = np.full(A_csc.shape[0], -1, dtype=np.int64)
    cheapest[rows[first]] = cols[block.col[order][first]]
    return cheapest


def _apply_disjoint(A_csc, chosen, activity, swaps, row_upper) -> bool:
    """Apply the swaps in order while their rows are disjoint from those already changed and
    every row of the added column stays within its bound (``activity``: the rows' activity before
    them); whether any was applied."""
    adds, removal, _ = swaps
    touched = np.zeros(A_csc.shape[0], dtype=bool)
    applied = False
    for k, j in enumerate(adds):
        removed = removal.indices[removal.indptr[k]:removal.indptr[k + 1]]
        cols = np.concatenate([[j], removed])
        rows = np.concatenate([_entries(A_csc, col)[0] for col in cols])
        if touched[rows].any() or not chosen[removed].all():
            continue
        after = activity.copy()
        for col, sign in zip(cols, [1.0] + [-1.0] * len(removed)):
            col_rows, values = _entries(A_csc, col)
            after[col_rows] += sign * values
        if np.any(after[rows] > row_upper[rows] + FEASIBILITY_TOL):
            continue
        chosen[removed], chosen[j] = False, True
        activity, applied = after, True
        touched[rows] = True
    return applied


def _entries(A_csc, j) -> tuple[np.ndarray, np.ndarray]:
    """Rows and values of column ``j``."""
    span = slice(A_csc.indptr[j], A_csc.indptr[j + 1])
    return A_csc.indices[span], A_csc.data[span]
