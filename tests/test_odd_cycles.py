"""Odd-cycle cuts on slot rows (sharedopt.solve.bounds.odd_cycles) against brute force.

Built instances: councils' slots in one or two services, groups as columns, every 0/1 packing
listed. The cuts must hold for every packing, separation must return only violated cuts, and the
LP with the cuts must stay above the best packing while falling below the LP without them.
"""

from __future__ import annotations

from itertools import combinations, product

import numpy as np
import pytest
import scipy.sparse as sp

from sharedopt.solve.backends.highs import matrix_lp
from sharedopt.solve.backends.highs_api import OPTIMAL, GrowingLp
from sharedopt.solve.bounds.odd_cycles import (
    cut_coefficients, cut_indicator, cut_rhs, group_penalty, separate_odd_cycles,
)


def _instance(groups: list[tuple[int, tuple]], n_councils: int, n_services: int, capacity: float | None = None):
    """Columns of ``(service, members)``: slot row ``a * n_services + s`` per council and service,
    then (with ``capacity``) one governance row per council."""
    n_slots = n_councils * n_services
    rows, cols = [], []
    for j, (s, members) in enumerate(groups):
        for a in members:
            rows.append(a * n_services + s), cols.append(j)
            if capacity is not None:
                rows.append(n_slots + a), cols.append(j)
    n_rows = n_slots + (n_councils if capacity is not None else 0)
    A = sp.csc_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_rows, len(groups)))
    upper = np.concatenate([np.ones(n_slots), np.full(n_rows - n_slots, capacity or 0.0)])
    service = np.full(n_rows, -1)
    service[:n_slots] = np.arange(n_slots) % n_services
    return A, upper, service


def _packings(A: sp.csc_matrix, upper: np.ndarray):
    """Every 0/1 vector within the rows."""
    n = A.shape[1]
    for bits in product((0.0, 1.0), repeat=n):
        x = np.array(bits)
        if np.all(A @ x <= upper + 1e-9):
            yield x


def _random_groups(rng, n_councils: int, n_services: int, n_groups: int) -> list[tuple[int, tuple]]:
    out = set()
    while len(out) < n_groups:
        size = int(rng.integers(2, 5))
        out.add((int(rng.integers(n_services)), tuple(sorted(rng.choice(n_councils, size, replace=False).tolist()))))
    return sorted(out)


def _lp(c, A, upper, cuts=()):
    """The LP optimum and solution, with ``cuts`` as rows."""
    rows = A
    bound = upper
    if cuts:
        rows = sp.vstack([A, cut_coefficients(cut_indicator(list(cuts), A.shape[0]), A)], format="csc")
        bound = np.concatenate([upper, cut_rhs(list(cuts))])
    n = A.shape[1]
    lp = GrowingLp(matrix_lp(c, rows, np.arange(n), np.full(rows.shape[0], -np.inf), bound, np.zeros(n), np.ones(n),
                             False), threads=1)
    assert lp.solve(60.0) == OPTIMAL
    return lp.objective(), lp.column_values()


def test_the_triangle_of_three_half_pairs_is_cut():
    groups = [(0, (0, 1)), (0, (1, 2)), (0, (0, 2)), (1, (0, 1))]
    A, upper, service = _instance(groups, 3, 2)
    x = np.array([0.5, 0.5, 0.5, 1.0])
    cuts = separate_odd_cycles(A, service, x, set())
    assert cuts == [(0, 2, 4)]   # the slots of councils 0, 1, 2 in service 0
    coefficients = cut_coefficients(cut_indicator(cuts, A.shape[0]), A).toarray()
    assert coefficients.tolist() == [[1.0, 1.0, 1.0, 0.0]]
    assert cut_rhs(cuts).tolist() == [1.0]
    assert separate_odd_cycles(A, service, x, set(cuts)) == []   # a cut already made is not made again
    # at integral values nothing is violated
    assert separate_odd_cycles(A, service, np.array([1.0, 0.0, 0.0, 1.0]), set()) == []


@pytest.mark.parametrize("seed", range(6))
def test_every_packing_satisfies_every_odd_cut(seed):
    rng = np.random.default_rng(seed)
    A, upper, _ = _instance(_random_groups(rng, 6, 2, 12), 6, 2, capacity=2.0)
    odd_sets = [tuple(sorted(a * 2 + s for a in councils)) for s in range(2)
                for size in (3, 5) for councils in combinations(range(6), size)]
    coefficients = cut_coefficients(cut_indicator(odd_sets, A.shape[0]), A)
    rhs = cut_rhs(odd_sets)
    for x in _packings(A, upper):
        assert np.all(coefficients @ x <= rhs + 1e-9)


def test_separation_cuts_the_lp_and_never_an_integer_optimum():
    tightened = 0
    for seed in range(8):
        rng = np.random.default_rng(100 + seed)
        groups = _random_groups(rng, 7, 2, 14)
        A, upper, service = _instance(groups, 7, 2, capacity=2.0)
        c = rng.uniform(1.0, 10.0, len(groups)) * np.array([len(m) for _, m in groups])
        best = max(float(c @ x) for x in _packings(A, upper))
        first, x = _lp(c, A, upper)
        lp, cuts = first, []
        for _ in range(10):
            new = separate_odd_cycles(A, service, x, set(cuts))
            if not new:
                break
            rows = cut_coefficients(cut_indicator(new, A.shape[0]), A)
            excess = rows @ x - cut_rhs(new)
            assert np.all(excess > 1e-6)                       # only violated cuts
            assert np.all(np.diff(excess) <= 1e-12)            # most violated first
            cuts += new
            tighter, x = _lp(c, A, upper, cuts)
            assert best - 1e-6 <= tighter <= lp + 1e-6          # a true bound, never above the LP's
            lp = tighter
        tightened += lp < first - 1e-6
    assert tightened >= 4   # the instances are built so that most have odd cycles to cut


def test_the_cuts_close_an_odd_cycle_of_five():
    """Five pairs round a cycle of five councils at 1/2 each: every slot row holds, the cut on
    the five slots does not (2.5 > 2)."""
    groups = [(0, (i, (i + 1) % 5)) for i in range(5)]
    A, upper, service = _instance(groups, 5, 1)
    c = np.ones(5)
    lp, x = _lp(c, A, upper)
    assert lp == pytest.approx(2.5)
    cuts = separate_odd_cycles(A, service, x, set())
    assert cuts == [tuple(range(5))]
    assert _lp(c, A, upper, cuts)[0] == pytest.approx(2.0)
    assert separate_odd_cycles(A, service, x, set(), max_length=3) == []


def test_group_penalty_counts_each_cut_member_of_a_group():
    rng = np.random.default_rng(3)
    groups = np.full((200, 5), -1)
    for i in range(200):
        size = int(rng.integers(2, 6))
        groups[i, :size] = np.sort(rng.choice(30, size, replace=False))
    members = np.full((12, 5), -1)
    for t in range(12):
        size = int(rng.choice([3, 5]))
        members[t, :size] = np.sort(rng.choice(30, size, replace=False))
    sigma = rng.uniform(0.0, 5.0, 12)
    want = [sum(s * (len(set(g[g >= 0]) & set(m[m >= 0])) // 2) for m, s in zip(members, sigma)) for g in groups]
    assert group_penalty(groups, members, sigma, 30) == pytest.approx(want, abs=1e-12)
    assert group_penalty(groups[:0], members, sigma, 30).shape == (0,)


def test_rows_added_to_a_growing_lp_give_the_fresh_lp():
    groups = [(0, (i, (i + 1) % 5)) for i in range(5)] + [(0, (0, 2)), (0, (1, 3, 4))]
    A, upper, _ = _instance(groups, 5, 1)
    c = np.array([3.0, 2.0, 4.0, 1.0, 2.5, 3.5, 4.0])
    n = A.shape[1]
    lp = GrowingLp(matrix_lp(c, A, np.arange(n), np.full(A.shape[0], -np.inf), upper, np.zeros(n), np.ones(n), False),
                   threads=1)
    assert lp.solve(60.0) == OPTIMAL
    cuts = [(0, 1, 2), (0, 1, 2, 3, 4)]
    block = cut_coefficients(cut_indicator(cuts, A.shape[0]), A)
    lp.add_rows(np.full(2, -np.inf), cut_rhs(cuts), block)
    assert lp.solve(60.0) == OPTIMAL
    fresh, _ = _lp(c, A, upper, cuts)
    assert lp.objective() == pytest.approx(fresh, abs=1e-9)
    assert len(lp.row_duals()) == A.shape[0] + 2
