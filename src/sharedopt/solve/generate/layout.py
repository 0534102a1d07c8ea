"""The master LP's row layout: slot, governance, budget and service-limit blocks, in order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sharedopt.candidates.value import CostBase
from sharedopt.model.exclusions import existing_slots
from sharedopt.model.rows import ROW_KINDS, RowGroup, in_force


#: The master's row blocks, in this order: one row per authority-service slot, one
#: governance row per authority, the total budget row, one limit row per service.
MASTER_GROUPS = tuple(group for group, kind in ROW_KINDS.items() if kind.in_master)


@dataclass(frozen=True)
class MasterRows:
    """Row layout of the master LP: one block per group of :data:`MASTER_GROUPS`, in order.

    Slot ``(a, s)`` is row ``start(SLOT) + a * n_services + s``; authority ``a``'s
    governance row is ``start(GOVERNANCE) + a``; the budget row is ``start(BUDGET_TOTAL)``;
    service ``s``'s limit row ``start(MAX_PER_SERVICE) + s``. Rows without a limit have an
    infinite upper bound (their dual is 0).
    """

    n_authorities: int
    n_services: int
    upper: np.ndarray
    budget_on: bool

    def start(self, group: RowGroup) -> int:
        """First row of the block of ``group``."""
        sizes = {RowGroup.SLOT: self.n_authorities * self.n_services, RowGroup.GOVERNANCE: self.n_authorities,
                 RowGroup.BUDGET_TOTAL: 1, RowGroup.MAX_PER_SERVICE: self.n_services}
        return sum(sizes[g] for g in MASTER_GROUPS[:MASTER_GROUPS.index(group)])

    @classmethod
    def build(cls, base: CostBase, constraints) -> "MasterRows":
        """The layout and row limits for ``constraints`` over the authorities and services of ``base``."""
        n_a, n_s = len(base.codes), len(base.services)
        slots = np.ones(n_a * n_s)
        gov = np.full(n_a, np.inf if constraints.governance_capacity is None
                      else float(constraints.governance_capacity))
        for code, cap in constraints.governance_overrides.items():
            hit = np.flatnonzero(base.codes == code)
            gov[hit] = float(cap)
        budget = np.inf if constraints.budget_total_gbp_k is None else float(constraints.budget_total_gbp_k)
        svc = np.full(n_s, np.inf if constraints.max_per_service is None else float(constraints.max_per_service))
        for name, cap in constraints.max_per_service_overrides.items():
            if name in base.services:
                svc[base.service_index(name)] = float(cap)
        _existing_rows(base, constraints, slots, gov)
        limits = {RowGroup.SLOT: slots, RowGroup.GOVERNANCE: gov, RowGroup.BUDGET_TOTAL: [budget],
                  RowGroup.MAX_PER_SERVICE: svc}
        upper = np.concatenate([limits[g] for g in MASTER_GROUPS])
        return cls(n_a, n_s, upper, in_force(RowGroup.BUDGET_TOTAL, constraints))

    def columns(self, members: np.ndarray, service_idx: np.ndarray, one_off: np.ndarray) -> sp.csc_matrix:
        """Column block of candidates: ``members`` (n, w) global indices padded with -1,
        ``service_idx`` (n, t) service columns, ``one_off`` (n,) costs."""
        n = len(members)
        rows, cols, vals = [], [], []
        alive = members >= 0
        slot0, gov0, budget, svc0 = (self.start(g) for g in MASTER_GROUPS)
        for t in range(service_idx.shape[1]):
            slot = slot0 + members * self.n_services + service_idx[:, [t]]
            r, c = np.nonzero(alive)
            rows.append(slot[r, c]), cols.append(r), vals.append(np.ones(len(r)))
            rows.append(svc0 + service_idx[:, t]), cols.append(np.arange(n)), vals.append(np.ones(n))
        r, c = np.nonzero(alive)
        rows.append(gov0 + members[r, c]), cols.append(r), vals.append(np.ones(len(r)))
        if self.budget_on:
            rows.append(np.full(n, budget)), cols.append(np.arange(n)), vals.append(one_off)
        return sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                             shape=(len(self.upper), n))

    def node_duals(self, y: np.ndarray, to_global: np.ndarray, service: int) -> tuple[np.ndarray, float, float]:
        """(slot + governance dual per node, budget dual, service-limit dual) for one service."""
        slot0, gov0, budget, svc0 = (self.start(g) for g in MASTER_GROUPS)
        d = y[slot0 + to_global * self.n_services + service] + y[gov0 + to_global]
        beta = y[budget] if self.budget_on else 0.0
        return d, float(beta), float(y[svc0 + service])


def _existing_rows(base: CostBase, constraints, slots: np.ndarray, gov: np.ndarray) -> None:
    """Existing partnerships: the slots they hold closed (upper 0), one governance unit used per member.

    The slots are the model's (:func:`sharedopt.model.exclusions.existing_slots`: a partnership
    of a separable function holds none, it occupies a share of the poolable base instead), and
    the governance use its governance rows', so the LP bound over all groups holds with them (a
    closed slot's dual prices out every group using it).
    """
    n_s = len(base.services)
    for ex in getattr(constraints, "existing", []):
        for code in {str(m).strip() for m in ex.members}:
            hit = np.flatnonzero(base.codes == code)
            gov[hit] = np.maximum(gov[hit] - 1.0, 0.0)
    for code, service in existing_slots(constraints) if getattr(constraints, "existing", None) else ():
        if service in base.services:
            slots[np.flatnonzero(base.codes == code) * n_s + base.service_index(service)] = 0.0
