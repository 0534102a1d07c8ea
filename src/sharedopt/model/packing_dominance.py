"""Exact dominance by packings, at every group size.

Candidate ``j`` is *dominated by a packing* ``P`` when the candidates in ``P`` have
pairwise disjoint member sets, each member set is a subset of ``j``'s members and each
service set a subset of ``j``'s services (so together they use a subset of ``j``'s
slots), their summed row coefficients are at most ``j``'s in every row, each of them can
never be chosen together with ``j``, and their summed objective is at least ``c_j``.
Then any solution using ``j`` stays feasible and no worse when ``j`` is swapped for
``P``, so fixing ``j`` to 0 never changes the optimum. ``P`` may be a single candidate
(a subset group, the classic check of :mod:`sharedopt.model.dominance`) or several.

Every member of a packing has fewer slots than ``j`` (several members: each has fewer
members; one member: it has fewer services), so the swaps cannot cycle: removing every
dominated candidate at once is exact, as long as each packing member is available (or
has a non-positive objective, which a swap may drop).

The best packing of each candidate is found by a subset DP over its ``m`` members
(``2^m`` states), vectorised over all candidates with ``m`` members; candidates in a
row with a lower bound (forced pairs) or with a negative coefficient take no part.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sharedopt.model.dominance import code_matrix
from sharedopt.model.incidence import Codes

#: largest member count examined (2^m DP states, 3^m (pattern, mask) pairs per candidate)
MAX_MEMBERS = 8
#: largest number of services of a candidate whose service subsets are enumerated
MAX_SERVICES = 4


@dataclass(frozen=True)
class Packings:
    """``members[indptr[j]:indptr[j+1]]``: the packing that dominates candidate ``j`` (empty if none)."""

    indptr: np.ndarray
    members: np.ndarray

    def dominated(self) -> np.ndarray:
        """Boolean mask of the candidates that have a dominating packing."""
        return np.diff(self.indptr) > 0


def _eligible(A: sp.csr_matrix, lower: np.ndarray, n: int) -> np.ndarray:
    """Columns with no negative coefficient and in no row with a finite lower bound."""
    if A.shape[0] == 0:
        return np.ones(n, dtype=bool)
    A = A.tocsc()
    ge = np.isfinite(lower).astype(float)
    in_ge = (abs(A).T @ ge) > 0
    neg = A.min(axis=0).toarray().ravel() < 0
    return ~in_ge & ~neg


class _Keys:
    """Lookup ``(member set, service mask) -> best eligible candidate`` (highest c, then lowest index)."""

    def __init__(self, members, n_mem, smask, c, usable, base, n_svc):
        self.base, self.n_svc = base, n_svc
        self.powers = base ** np.arange(members.shape[1], dtype=np.int64)
        mkey = self.member_key(members)
        self.uniq_m = np.unique(mkey[usable])
        key = self.full_key(mkey, smask)
        key = np.where(usable, key, -1)
        order = np.lexsort((np.arange(len(c)), -c, key))
        ks = key[order]
        first = np.r_[True, ks[1:] != ks[:-1]] & (ks >= 0)
        self.keys, self.best = ks[first], order[first]

    def member_key(self, cols: np.ndarray) -> np.ndarray:
        return ((cols + 1) * self.powers[: cols.shape[1]]).sum(axis=1)

    def full_key(self, mkey: np.ndarray, smask: np.ndarray) -> np.ndarray:
        pos = np.minimum(np.searchsorted(self.uniq_m, mkey), max(len(self.uniq_m) - 1, 0))
        hit = (self.uniq_m[pos] == mkey) if len(self.uniq_m) else np.zeros(len(mkey), bool)
        return np.where(hit, pos.astype(np.int64) * (1 << self.n_svc) + smask, -1)

    def lookup(self, key: np.ndarray) -> np.ndarray:
        """Best candidate per key, -1 where none."""
        if not len(self.keys):
            return np.full(len(key), -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        return np.where((self.keys[pos] == key) & (key >= 0), self.best[pos], -1)


def _pattern_values(idx, members, smask, c, keys: _Keys, m: int):
    """Best sub-candidate per member pattern p (bitmask over the m members), -inf / -1 where none."""
    n_pat = 1 << m
    val = np.full((len(idx), n_pat), -np.inf)
    arg = np.full((len(idx), n_pat), -1, dtype=np.int64)
    own = smask[idx]
    for p in range(1, n_pat):
        pick = [b for b in range(m) if p >> b & 1]
        mkey = keys.member_key(members[idx][:, pick])
        sub = own.copy()
        while (sub > 0).any():
            live = sub > 0
            proper = live & ((p != n_pat - 1) | (sub != own))
            k = keys.lookup(np.where(proper, keys.full_key(mkey, sub), -1))
            better = (k >= 0) & (c[np.maximum(k, 0)] > val[:, p])
            val[better, p], arg[better, p] = c[k[better]], k[better]
            sub = np.where(live, (sub - 1) & own, 0)
    return val, arg


def _best_packing(val: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Subset DP: f[mask] = best disjoint packing of patterns within mask; returns (f, choice).

    The tables are kept pattern-major (one contiguous row of candidates per mask) while they
    are filled, and returned candidate-major like ``val``.
    """
    n_pat = 1 << m
    values = np.ascontiguousarray(val.T)
    f = np.zeros((n_pat, val.shape[0]))
    choice = np.zeros((n_pat, val.shape[0]), dtype=np.int64)  # 0: lowest member left out
    for mask in range(1, n_pat):
        low = mask & -mask
        f[mask] = f[mask ^ low]
        rest = mask ^ low
        sub = rest
        while True:
            p = sub | low
            cand = values[p] + f[mask ^ p]
            better = cand > f[mask]
            f[mask, better], choice[mask, better] = cand[better], p
            if sub == 0:
                break
            sub = (sub - 1) & rest
    return f.T, choice.T


def _unwind(choice_row: np.ndarray, arg_row: np.ndarray, m: int) -> list[int]:
    out, mask = [], (1 << m) - 1
    while mask:
        p = int(choice_row[mask])
        if p == 0:
            mask ^= mask & -mask
        else:
            out.append(int(arg_row[p]))
            mask ^= p
    return out


def _verify(A: sp.csr_matrix, upper: np.ndarray, J: np.ndarray, packs: list[list[int]]) -> np.ndarray:
    """Summed packing coefficients <= j's in every row, and every member exclusive with j."""
    ok = np.ones(len(J), dtype=bool)
    if A.shape[0] == 0:
        return ok & np.array([len(p) == 0 for p in packs], dtype=bool)
    A = A.tocsc()
    lens = np.array([len(p) for p in packs], dtype=np.int64)
    flat = np.array([k for p in packs for k in p], dtype=np.int64)
    owner = np.repeat(np.arange(len(J)), lens)
    P = sp.csr_matrix((np.ones(len(flat)), (owner, flat)), shape=(len(J), A.shape[1]))
    excess = (A @ P.T.tocsc()) - A[:, J]
    ok &= np.asarray((excess > 1e-9).sum(axis=0)).ravel() == 0
    if len(flat):
        both = (A[:, flat] + A[:, J[owner]]).tocsc()
        over = both.copy()
        over.data = (over.data > upper[over.indices] + 1e-9).astype(float)
        excl = np.asarray(over.sum(axis=0)).ravel() > 0
        ok &= np.bincount(owner, weights=~excl, minlength=len(J)) == 0
    return ok


def find_packings(mem: Codes, svc: Codes, c: np.ndarray, A: sp.csr_matrix, lower: np.ndarray,
                  upper: np.ndarray, var_lower: np.ndarray, var_upper: np.ndarray) -> Packings:
    """Dominating packings of every candidate (see the module docstring).

    Parameters
    ----------
    mem, svc : Codes
        Members and services of each candidate (:func:`sharedopt.model.incidence.all_incidences`).
    c : ndarray
        Objective (maximised).
    A, lower, upper : sparse matrix and ndarrays
        The model's rows.
    var_lower, var_upper : ndarray
        Variable bounds: forced candidates are never dominated, unavailable ones never dominate.

    Returns
    -------
    Packings
    """
    n, n_auth, n_svc = len(c), len(mem.index), len(svc.index)
    empty = Packings(np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64))
    base = n_auth + 1
    width = min(MAX_MEMBERS, int(np.bincount(mem.row, minlength=n).max(initial=0)))
    if n == 0 or width == 0 or n_svc > 40 or float(base) ** width > 2.0 ** 62 or n * 2.0 ** n_svc > 2.0 ** 62:
        return empty
    members, n_mem = code_matrix(mem, n, width)
    smask = np.zeros(n, dtype=np.int64)
    np.bitwise_or.at(smask, svc.row, np.left_shift(1, svc.code.astype(np.int64)))
    n_s = np.array([bin(int(s)).count("1") for s in smask])
    elig = _eligible(A, lower, n) & (n_mem >= 1) & (n_mem <= width) & (smask > 0)
    keys = _Keys(members, n_mem, smask, c, elig & (var_upper > 0), base, n_svc)
    packs: dict[int, list[int]] = {}
    for m in range(1, width + 1):
        idx = np.flatnonzero(elig & (n_mem == m) & (n_s <= MAX_SERVICES) & (var_lower <= 0) & (var_upper > 0))
        if not len(idx):
            continue
        val, arg = _pattern_values(idx, members, smask, c, keys, m)
        f, choice = _best_packing(val, m)
        hit = np.flatnonzero(f[:, -1] >= c[idx])
        for i in hit:
            packs[int(idx[i])] = _unwind(choice[i], arg[i], m)
    J = np.array(sorted(packs), dtype=np.int64)
    if not len(J):
        return empty
    ok = _verify(A.tocsr(), upper, J, [packs[int(j)] for j in J])
    J = J[ok & np.array([len(packs[int(j)]) > 0 for j in J], dtype=bool)]
    lens = np.zeros(n, dtype=np.int64)
    lens[J] = [len(packs[int(j)]) for j in J]
    flat = np.array([k for j in J for k in packs[int(j)]], dtype=np.int64)
    return Packings(np.concatenate([[0], np.cumsum(lens)]), flat)


def still_dominating(packings: Packings | None, A: sp.csr_matrix, lower: np.ndarray,
                     upper: np.ndarray) -> Packings | None:
    """The packings that still dominate after rows were added to the model (the rest dropped).

    A candidate keeps its packing when it and every packing member are still eligible (no
    negative coefficient, no row with a lower bound) and the packing still passes the row check
    of :func:`find_packings` over all the rows ``A``, ``lower``, ``upper``.
    """
    if packings is None:
        return None
    n = len(packings.indptr) - 1
    lens = np.diff(packings.indptr)
    J = np.flatnonzero(lens > 0)
    packs = [packings.members[packings.indptr[j]:packings.indptr[j + 1]].tolist() for j in J]
    elig = _eligible(A, lower, n)
    ok = elig[J] & np.array([bool(elig[p].all()) for p in packs], dtype=bool)
    ok &= _verify(A.tocsr(), upper, J, packs)
    keep = np.zeros(n, dtype=np.int64)
    keep[J[ok]] = lens[J[ok]]
    flat = np.array([k for j, p, good in zip(J, packs, ok) if good for k in p], dtype=np.int64)
    return Packings(np.concatenate([[0], np.cumsum(keep)]), flat)


def removable(packings: Packings | None, c: np.ndarray, var_lower: np.ndarray,
              var_upper: np.ndarray) -> np.ndarray:
    """Candidates that may be fixed to 0 under the current bounds: free, with every packing
    member available (upper bound > 0) or of non-positive objective."""
    n = len(c)
    if packings is None or len(packings.indptr) != n + 1:
        return np.zeros(n, dtype=bool)
    lens = np.diff(packings.indptr)
    owner = np.repeat(np.arange(n), lens)
    k = packings.members
    bad = ~((var_upper[k] > 0) | (c[k] <= 0))
    blocked = np.bincount(owner, weights=bad, minlength=n) > 0
    return (lens > 0) & ~blocked & (var_lower <= 0) & (var_upper > 0)
