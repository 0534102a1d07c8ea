"""PuLP view of a :class:`~sharedopt.model.build.PortfolioModel` (for CBC and users' extra constraints).

Works with PuLP 3.3 and PuLP 4.x (Rust core): the few calls that differ between
them (creating variables and expressions, reading the outcome of a solve) go
through :mod:`sharedopt.solve.backends.pulp_compat`. It is the PuLP backends' view of the
model, so it lives with them (the model layer knows no solver).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pulp

from sharedopt.model.build import PortfolioModel
from sharedopt.solve.backends.pulp_compat import affine, new_variable

__all__ = ["ExtraHook", "build_pulp", "to_pulp"]

#: user hook applied to the PuLP problem before solving
ExtraHook = Callable[[pulp.LpProblem, dict[str, pulp.LpVariable]], None]


def _pulp_rows(model: PortfolioModel, xs: list[pulp.LpVariable]):
    A = model.A
    indptr, indices, data = A.indptr, A.indices, A.data
    for i in range(A.shape[0]):
        sl = slice(indptr[i], indptr[i + 1])
        terms = list(zip([xs[j] for j in indices[sl]], data[sl].tolist()))
        lo, hi = model.row_lower[i], model.row_upper[i]
        if np.isfinite(lo) and lo == hi:
            yield f"r{i}_eq", affine(terms) == float(hi)
            continue
        if np.isfinite(hi):
            yield f"r{i}_le", affine(terms) <= float(hi)
        if np.isfinite(lo):
            yield f"r{i}_ge", affine(terms) >= float(lo)


def build_pulp(
    model: PortfolioModel, name: str = "sharedopt_portfolio"
) -> tuple[pulp.LpProblem, dict[str, pulp.LpVariable]]:
    """PuLP problem equivalent to ``model`` plus its variables by candidate id.

    Variables are named ``x_<j>`` (``j`` = position), integer in
    ``[var_lower, var_upper]``; constraints ``r<i>_le`` / ``r<i>_ge`` / ``r<i>_eq``
    where ``i`` indexes ``model.rows``.
    """
    prob = pulp.LpProblem(name, pulp.LpMaximize)
    xs = [
        new_variable(prob, f"x_{j}", float(lo), float(hi))
        for j, (lo, hi) in enumerate(zip(model.var_lower.tolist(), model.var_upper.tolist()))
    ]
    # every variable appears in the objective (zero coefficients kept) so that
    # PuLP passes all of them to the solver
    prob.setObjective(affine(list(zip(xs, model.c.tolist()))))
    for cname, con in _pulp_rows(model, xs):
        prob.addConstraint(con, cname)
    return prob, dict(zip(model.candidate_ids.tolist(), xs))


def to_pulp(model: PortfolioModel) -> pulp.LpProblem:
    """PuLP problem equivalent to ``model`` (see :func:`build_pulp`)."""
    return build_pulp(model)[0]
