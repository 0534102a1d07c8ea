"""Dominated candidates, found while building the model and used by the solve step as an
exact reduction: candidate ``k`` dominates ``j`` when its members and services are a
subset, its objective is at least as high, every row coefficient is at most as high and
the two can never be chosen together."""

from __future__ import annotations

import numpy as np

from sharedopt.model.incidence import Codes


_MAX_DOM_MEMBERS = 4


def code_matrix(codes: Codes, n: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(n x width) sorted codes (-1 padded) and the count per candidate."""
    row, code = codes.row, codes.code
    same_row = row[1:] == row[:-1]
    if np.any(row[1:] < row[:-1]) or np.any(code[1:][same_row] <= code[:-1][same_row]):
        order = np.lexsort((code, row))  # codes arrive sorted when members are sorted
        row, code = row[order], code[order]
    count = np.bincount(row, minlength=n)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    pos = np.arange(len(row)) - start[row]
    mat = np.full((n, width), -1, dtype=np.int64)
    ok = pos < width
    mat[row[ok], pos[ok]] = code[ok]
    return mat, count


def dominator_guesses(mem: Codes, svc: Codes, c: np.ndarray) -> np.ndarray:
    """Best candidate whose members and services are subsets (not yet verified)."""
    n = len(c)
    guess = np.full(n, -1, dtype=np.int64)
    n_auth, n_svc = len(mem.index), len(svc.index)
    base = n_auth + 1
    if n == 0 or n_svc > 20 or float(base) ** _MAX_DOM_MEMBERS * 2.0**n_svc > 2.0**62:
        return guess
    members, n_mem = code_matrix(mem, n, _MAX_DOM_MEMBERS)
    smask = np.zeros(n, dtype=np.int64)
    np.bitwise_or.at(smask, svc.row, np.left_shift(1, svc.code.astype(np.int64)))
    powers = base ** np.arange(_MAX_DOM_MEMBERS, dtype=np.int64)

    def member_key(cols: np.ndarray) -> np.ndarray:
        return ((cols + 1) * powers[: cols.shape[1]]).sum(axis=1)

    ok = (n_mem >= 1) & (n_mem <= _MAX_DOM_MEMBERS) & (smask > 0)
    full_key = np.where(ok, member_key(members) * (1 << n_svc) + smask, -1)
    # best candidate per exact key: highest c, then lowest index
    order = np.lexsort((np.arange(n), -c, full_key))
    keys_sorted = full_key[order]
    first = np.r_[True, keys_sorted[1:] != keys_sorted[:-1]]
    uniq_keys, best = keys_sorted[first], order[first]
    best_of = best[np.searchsorted(uniq_keys, full_key)]
    same = ok & (best_of != np.arange(n))  # duplicates: the best one dominates
    guess[same] = best_of[same]

    def lookup(idx: np.ndarray, key: np.ndarray) -> None:
        pos = np.minimum(np.searchsorted(uniq_keys, key), len(uniq_keys) - 1)
        hit = uniq_keys[pos] == key
        k = best[pos]
        better = hit & (c[k] >= c[idx]) & (k != idx)
        better &= (guess[idx] < 0) | (c[k] > c[np.maximum(guess[idx], 0)])
        guess[idx[better]] = k[better]

    masks = np.unique(smask[ok])[::-1]  # every service mask some candidate has, largest first
    for m in range(1, _MAX_DOM_MEMBERS + 1):
        of_size = np.flatnonzero(ok & (n_mem == m))
        for own in np.unique(smask[of_size]):
            idx = of_size[smask[of_size] == own]
            subsets = masks[(masks & ~own) == 0]  # the service subsets that exist, in the order a
            for pattern in range(1, 2**m):        # walk over every subset (largest first) meets them
                pick = [b for b in range(m) if pattern >> b & 1]
                mkey = member_key(members[idx][:, pick]) * (1 << n_svc)
                for sub in subsets:
                    if pattern != 2**m - 1 or sub != own:  # a proper subset: not j's own key
                        lookup(idx, mkey + sub)
    return guess


def verified_dominators(block, c: np.ndarray, guess: np.ndarray) -> np.ndarray:
    """Keep guesses k for j where A[:,k] <= A[:,j], no >= rows, and k, j exclusive."""
    dom = np.full(len(c), -1, dtype=np.int64)
    J = np.flatnonzero(guess >= 0)
    if not len(J) or block.A.shape[0] == 0:
        return dom
    K = guess[J]
    A = block.A.tocsc()
    AJ, AK = A[:, J], A[:, K]
    bigger = (AK - AJ).tocsc()
    bigger.data = (bigger.data > 1e-12).astype(float)
    ok = np.asarray(bigger.sum(axis=0)).ravel() == 0
    ge = np.isfinite(block.lower).astype(float)
    ok &= (abs(AJ).T @ ge == 0) & (abs(AK).T @ ge == 0)
    ok &= (AJ.min(axis=0).toarray().ravel() >= 0) & (AK.min(axis=0).toarray().ravel() >= 0)
    both = (AK + AJ).tocsc()
    on_k = (AK != 0).astype(float).tocsc()
    excl = both.multiply(on_k).tocsc()
    excl.data = (excl.data > block.upper[excl.indices] + 1e-9).astype(float)
    ok &= np.asarray(excl.sum(axis=0)).ravel() > 0
    ok &= c[K] >= c[J]
    dom[J[ok]] = K[ok]
    return dom
