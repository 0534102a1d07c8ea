"""Exact max-weight packing of one service's candidates by a profile DP (numba).

The elements (the service's slot rows, one per body) are ordered by reverse
Cuthill-McKee on the co-membership graph so that groups are short in that order. A
state at level ``t`` is the set of elements ``>= t`` already covered by groups chosen
earlier (a bitmask). At level ``t`` a covered element is passed; a free one is left
empty or becomes the smallest element of a group ``S`` (``min S = t``, ``S`` disjoint
from the state). Every packing is one path from the start state to the empty state of
level ``n``, so the best path is the best packing.

The state graph depends only on the groups, not on their weights: it is built once per
service (:func:`build_graph`), and each Lagrangian iteration is one backward pass
(:func:`best_packing`) plus, for reduced-cost fixing, one forward pass
(:func:`best_with_each`: the best packing that contains each group).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sharedopt.common.lazyjit import lazy_njit

#: numba's typed dictionary and types, bound when :func:`build_graph` is first compiled
Dict = types = None

#: kinds of transition besides a group index
SKIP, COVERED = -1, -2


@lazy_njit()
def _grow(arr, size):
    if size < len(arr):
        return arr
    out = np.empty(2 * len(arr) + 16, dtype=arr.dtype)
    out[: len(arr)] = arr
    return out


@lazy_njit(Dict="numba.typed:Dict", types="numba:types")
def build_graph(n, cmask, cstart, start_mask, max_states):
    """State graph of the profile DP.

    ``cmask`` holds group bitmasks sorted by lowest element, ``cstart[t]:cstart[t+1]``
    those whose lowest element is ``t``. Returns (trans_ptr, trans_cand, trans_next,
    n_states), or n_states = -1 when more than ``max_states`` states would be needed.
    """
    states = np.empty(1024, dtype=np.int64)
    states[0] = start_mask
    lo, hi = 0, 1
    trans_ptr = np.zeros(1025, dtype=np.int64)
    trans_cand = np.empty(4096, dtype=np.int64)
    trans_next = np.empty(4096, dtype=np.int64)
    n_tr = 0
    for t in range(n):
        index = Dict.empty(key_type=types.int64, value_type=types.int64)
        bit = np.int64(1) << np.int64(t)
        for si in range(lo, hi):
            C = states[si]
            k0, k1 = (cstart[t], cstart[t + 1]) if (C & bit) == 0 else (0, 0)
            n_out = 1 + (k1 - k0)
            while n_tr + n_out >= len(trans_cand):
                trans_cand = _grow(trans_cand, n_tr + n_out)
                trans_next = _grow(trans_next, n_tr + n_out)
            for k in range(k0 - 1, k1):
                if k < k0:
                    cand = COVERED if (C & bit) != 0 else SKIP
                    nxt = C & ~bit
                elif (cmask[k] & C) == 0:
                    cand = k
                    nxt = (C | cmask[k]) & ~bit
                else:
                    continue
                if nxt not in index:
                    index[nxt] = hi + len(index)
                    if hi + len(index) > max_states:
                        return trans_ptr, trans_cand, trans_next, -1
                    states = _grow(states, hi + len(index))
                    states[hi + len(index) - 1] = nxt
                trans_cand[n_tr] = cand
                trans_next[n_tr] = index[nxt]
                n_tr += 1
            trans_ptr = _grow(trans_ptr, si + 2)
            trans_ptr[si + 1] = n_tr
        lo, hi = hi, hi + len(index)
    trans_ptr = _grow(trans_ptr, hi + 1)
    for si in range(lo, hi):
        trans_ptr[si + 1] = n_tr
    return trans_ptr[: hi + 1].copy(), trans_cand[:n_tr].copy(), trans_next[:n_tr].copy(), hi


@lazy_njit()
def best_packing(trans_ptr, trans_cand, trans_next, n_states, w):
    """Backward pass: V (best value from each state) and the chosen groups from the start."""
    V = np.zeros(n_states)
    pick = np.full(n_states, -1, dtype=np.int64)
    for si in range(n_states - 1, -1, -1):
        a, b = trans_ptr[si], trans_ptr[si + 1]
        if a == b:
            continue
        best, arg = -np.inf, a
        for tr in range(a, b):
            k = trans_cand[tr]
            val = V[trans_next[tr]] + (w[k] if k >= 0 else 0.0)
            if val > best:
                best, arg = val, tr
        V[si], pick[si] = best, arg
    chosen = np.zeros(len(w), dtype=np.uint8)
    si = 0
    while trans_ptr[si] < trans_ptr[si + 1]:
        tr = pick[si]
        if trans_cand[tr] >= 0:
            chosen[trans_cand[tr]] = 1
        si = trans_next[tr]
    return V, chosen


@lazy_njit()
def best_with_each(trans_ptr, trans_cand, trans_next, n_states, w, V):
    """Forward pass: for each group, the best packing value that contains it (-inf if none)."""
    F = np.full(n_states, -np.inf)
    F[0] = 0.0
    out = np.full(len(w), -np.inf)
    for si in range(n_states):
        if F[si] == -np.inf:
            continue
        for tr in range(trans_ptr[si], trans_ptr[si + 1]):
            k = trans_cand[tr]
            gain = w[k] if k >= 0 else 0.0
            nxt = trans_next[tr]
            if F[si] + gain > F[nxt]:
                F[nxt] = F[si] + gain
            if k >= 0 and F[si] + gain + V[nxt] > out[k]:
                out[k] = F[si] + gain + V[nxt]
    return out


def element_order(masks_rows: list[np.ndarray], n: int) -> np.ndarray:
    """Reverse Cuthill-McKee order of ``n`` elements linked when a group holds both."""
    r, c = [], []
    for rows in masks_rows:
        for a in rows:
            r.extend([a] * len(rows))
            c.extend(rows)
    G = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(n, n))
    from scipy.sparse.csgraph import reverse_cuthill_mckee  # imports scipy.linalg: only when this bound runs
    return np.asarray(reverse_cuthill_mckee(G, symmetric_mode=True), dtype=np.int64)
