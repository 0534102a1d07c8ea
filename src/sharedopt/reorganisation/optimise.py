"""The best structure with k new unitaries: a set-partitioning 0/1 programme, solved by HiGHS.

Variables: one per candidate group (connected, within the population bounds). Rows:
every block in exactly one chosen group; exactly k groups chosen. Objective: the sum of
the groups' NPVs (each group's value does not depend on the others: a county's
disaggregation cost is charged per successor by its share, see
:mod:`sharedopt.reorganisation.value`). HiGHS runs with a relative gap of 0, so an
``optimal`` answer is proven optimal.

Near-optimal alternatives differ *materially*: for each structure already found, at most
k - 2 of an alternative's unitaries may be within one council of one of its unitaries (so
moving a single council between two unitaries is not an alternative).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sharedopt.reorganisation.groups import Groups
from sharedopt.solve.backends.highs import highs_status, matrix_lp
from sharedopt.solve.backends.highs_api import solve_mip
from sharedopt.solve.status import SOLVED, Status


@dataclass(frozen=True)
class Partition:
    """A solve's answer for one k: chosen group indices, objective, proof."""

    k: int
    chosen: tuple[int, ...]
    objective: float
    bound: float
    status: Status

    @property
    def gap(self) -> float:
        """Relative gap between the proven bound and the objective (0 when proven optimal)."""
        if self.status != Status.OPTIMAL:
            return float("inf")
        return max(self.bound - self.objective, 0.0) / max(abs(self.objective), 1.0)


def cover_matrix(groups: Groups) -> sp.csc_matrix:
    """Blocks x groups incidence (1 where the block is in the group), plus a last all-ones row."""
    n = len(groups.blocks)
    rows, cols = [], []
    for j, mask in enumerate(groups.masks):
        for i in range(n):
            if int(mask) >> i & 1:
                rows.append(i)
                cols.append(j)
    rows += [n] * len(groups)
    cols += list(range(len(groups)))
    return sp.csc_matrix((np.ones(len(rows)), (rows, cols)), shape=(n + 1, len(groups)))


def _near(groups: Groups, chosen: tuple[int, ...]) -> np.ndarray:
    """Indices of groups within one council (symmetric difference <= 1) of a chosen group."""
    near = np.zeros(len(groups), dtype=bool)
    for j in chosen:
        diff = np.bitwise_xor(groups.masks, groups.masks[j])
        near |= np.array([int(d).bit_count() <= 1 for d in diff])
    return np.flatnonzero(near)


def solve_partition(groups: Groups, value: np.ndarray, k: int, *, exclude: list[tuple[int, ...]] = (),
                    time_limit: float = 60.0, threads: int = 1) -> Partition:
    """The best partition of the blocks into ``k`` candidate groups.

    Parameters
    ----------
    groups : Groups
        Candidate unitaries.
    value : ndarray
        NPV (£k) of each group.
    k : int
        Number of new unitaries.
    exclude : list of tuple
        Structures already found: the answer must differ materially from each.
    time_limit : float
        Seconds for HiGHS.
    threads : int
        HiGHS threads (the first count in a process holds, see ``set_threads``).

    Returns
    -------
    Partition
        ``status`` INFEASIBLE when no structure meets the rules.
    """
    A = cover_matrix(groups)
    n = len(groups.blocks)
    rows = [A]
    lower, upper = [np.ones(n), [k]], [np.ones(n), [k]]
    for found in exclude:
        cut = np.zeros(len(groups))
        cut[_near(groups, found)] = 1.0
        rows.append(sp.csc_matrix(cut.reshape(1, -1)))
        lower.append([-np.inf])
        upper.append([max(k - 2, 0)])
    A = sp.vstack(rows).tocsc()
    cols = np.arange(len(groups))
    lp = matrix_lp(np.asarray(value, float), A, cols, np.concatenate(lower), np.concatenate(upper),
                   np.zeros(len(groups)), np.ones(len(groups)), integer=True)
    # pure set partitioning: HiGHS's presolve costs more than it saves (Lancashire k = 2: 2.8 s with
    # it, 0.6 s without); with the alternatives' cuts it pays (Essex k = 5: 1.1 s with, 43 s without)
    options = {"time_limit": float(time_limit), "mip_rel_gap": 0.0, "random_seed": 0,
               "presolve": "on" if exclude else "off"}
    answer = solve_mip(lp, options, threads=threads, interruptible=False)  # HiGHS directly, no Ctrl-C hooks
    status = highs_status(answer.status, answer.values is not None)
    if status not in SOLVED:
        return Partition(k=k, chosen=(), objective=float("nan"), bound=float("nan"), status=status)
    chosen = tuple(int(j) for j in np.flatnonzero(answer.values > 0.5))
    objective = float(np.asarray(value)[list(chosen)].sum())
    bound = max(answer.dual_bound, objective) if status == Status.OPTIMAL else answer.dual_bound
    return Partition(k=k, chosen=chosen, objective=objective, bound=bound, status=status)


def best_and_alternatives(groups: Groups, value: np.ndarray, k: int, alternatives: int,
                          time_limit: float = 60.0, threads: int = 1) -> list[Partition]:
    """The best structure for ``k`` and up to ``alternatives`` materially different runners-up."""
    found: list[Partition] = []
    best = solve_partition(groups, value, k, time_limit=time_limit, threads=threads)
    if best.status not in SOLVED:
        return [best]
    found.append(best)
    for _ in range(alternatives if k >= 2 else 0):
        nxt = solve_partition(groups, value, k, exclude=[p.chosen for p in found],
                              time_limit=time_limit, threads=threads)
        if nxt.status not in SOLVED:
            break
        found.append(nxt)
    return found
