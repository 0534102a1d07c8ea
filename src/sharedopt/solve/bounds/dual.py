"""The Lagrangian bound of a linear programme at any row duals: valid whatever the LP's accuracy."""

from __future__ import annotations

import numpy as np

__all__ = ["lp_dual_bound"]


def lp_dual_bound(c, A_csc, y, row_lower, row_upper, var_lower, var_upper) -> tuple[float, np.ndarray]:
    """Valid upper bound ``L(y)`` for ``max c.x, l <= Ax <= u, lb <= x <= ub`` and the reduced costs."""
    y = np.where((y > 0) & ~np.isfinite(row_upper), 0.0, y)
    y = np.where((y < 0) & ~np.isfinite(row_lower), 0.0, y)
    rc = c - A_csc.T @ y
    row_part = np.where(y > 0, y * np.where(np.isfinite(row_upper), row_upper, 0.0),
                        y * np.where(np.isfinite(row_lower), row_lower, 0.0)).sum()
    col_part = np.where(rc > 0, rc * var_upper, rc * var_lower).sum()
    return float(row_part + col_part), rc
