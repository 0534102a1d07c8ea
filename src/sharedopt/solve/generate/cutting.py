"""Odd-cycle cuts in the restricted master (:mod:`sharedopt.solve.bounds.odd_cycles`).

The cuts are rows over every connected group, not only the master's columns: each new column
gets its coefficients as it enters, and pricing takes each cut's dual off a group's reduced cost
(:meth:`MasterCuts.for_service`). The master's slot block comes first, slot ``(a, s)`` at row
``a * n_services + s`` (:class:`~sharedopt.solve.generate.layout.MasterRows`); the cut rows
follow every row of the layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from sharedopt.solve.bounds.odd_cycles import cut_coefficients, cut_indicator, cut_rhs, separate_odd_cycles

#: separation rounds after column generation converges (each: separate, add, price again)
MAX_CUT_ROUNDS = 20
#: cuts added per round at most (the most violated)
CUTS_PER_ROUND = 1000


@dataclass
class MasterCuts:
    """The master's cuts: each cut's slot rows, the rows' right sides, and how to extend them.

    Attributes
    ----------
    n_base : int
        Rows of the master's layout (the cuts are rows ``n_base`` on).
    n_services : int
    n_slots : int
        Slot rows (the first block of the layout).
    sets : list of tuple
        Each cut's slot rows, in the order the cut rows were added.
    """

    n_base: int
    n_services: int
    n_slots: int
    sets: list = field(default_factory=list)
    _seen: set = field(default_factory=set)
    _indicator: sp.csr_matrix | None = None  # every cut's slot rows, kept as cuts are added

    @property
    def rhs(self) -> np.ndarray:
        """The cut rows' right sides."""
        return cut_rhs(self.sets)

    def row_service(self, n_rows: int) -> np.ndarray:
        """Per master row, the service of a slot row, else -1."""
        out = np.full(n_rows, -1, dtype=np.int64)
        out[:self.n_slots] = np.arange(self.n_slots) % self.n_services
        return out

    def separate(self, A: sp.csc_matrix, x: np.ndarray) -> list[tuple]:
        """New violated cuts at the master LP values ``x`` (``A``: the master, cut rows included)."""
        return separate_odd_cycles(A, self.row_service(A.shape[0]), x, self._seen, max_cuts=CUTS_PER_ROUND)

    def add(self, cuts: list[tuple], A: sp.csc_matrix) -> sp.csr_matrix:
        """Record ``cuts``; their rows over the master's columns ``A`` (layout rows first)."""
        self.sets.extend(cuts)
        self._seen.update(cuts)
        new = cut_indicator(cuts, self.n_base)
        self._indicator = new if self._indicator is None else sp.vstack([self._indicator, new], format="csr")
        return cut_coefficients(new, A[:self.n_base])

    def coefficients(self, block: sp.csc_matrix) -> sp.csr_matrix:
        """Every cut's row over a block of new columns (rows of the layout)."""
        return cut_coefficients(self._indicator, block)

    def for_service(self, service: int, y: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The cuts of ``service`` with a positive dual in ``y``: (members, global authority indices
        padded with -1; duals), or None when there are none."""
        if not self.sets:
            return None
        sigma = y[self.n_base:self.n_base + len(self.sets)]
        mine = [t for t, rows in enumerate(self.sets) if rows[0] % self.n_services == service and sigma[t] > 0]
        if not mine:
            return None
        width = max(len(self.sets[t]) for t in mine)
        members = np.full((len(mine), width), -1, dtype=np.int64)
        for i, t in enumerate(mine):
            members[i, :len(self.sets[t])] = np.asarray(self.sets[t]) // self.n_services
        return members, sigma[mine]
