"""A backend's raw answer made into a checked :class:`~sharedopt.solve.pieces.Piece`.

Every solver path ends here: the solution is rounded to 0/1 and checked against the
constraints, the objective recomputed exactly, the bound kept at or above it (a cheap
weak-duality bound when the solver has none), and the start (greedy) portfolio
returned when the solver stopped without an incumbent or with a worse one.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from sharedopt.model.build import PortfolioModel
from sharedopt.solve.heuristics import cheap_bound, is_feasible
from sharedopt.solve.pieces import Piece
from sharedopt.solve.status import Status

__all__ = ["finish", "fallback"]


def finish(model: PortfolioModel, status: Status, text: str, x, bound, **kw) -> Piece:
    """Round x, recompute the objective exactly, keep bound >= objective."""
    if x is not None:
        x = np.clip(np.round(np.asarray(x, dtype=float)), 0, 1)
        if not is_feasible(model, x):
            note = "solver solution violates the constraints after rounding to 0/1"
            return Piece(Status.ERROR, text, None, None, None, message=note, **kw)
    obj = float(model.c @ x) if x is not None else None
    if bound is not None and not math.isfinite(bound):
        bound = None
    if bound is None and obj is not None:  # solver gave none: weak but true bound
        bound = cheap_bound(model)
        kw["message"] = "solver reported no bound; best_bound from a cheap dual bound"
    if bound is not None and obj is not None:
        bound = max(float(bound), obj)
    return Piece(status, text, obj, bound, x, **kw)


def _prefer_start(model: PortfolioModel, piece: Piece, start: np.ndarray | None) -> Piece:
    """Return the start portfolio when it beats the solver's incumbent."""
    if piece.x is None or start is None or piece.objective is None:
        return piece
    value = float(model.c @ start)
    if value <= piece.objective + 1e-9 or not is_feasible(model, start):
        return piece
    note = "the solver's incumbent was worse than the start portfolio; returned the start"
    message = "; ".join(t for t in (piece.message, note) if t)
    bound = None if piece.bound is None else max(piece.bound, value)
    return replace(piece, x=start.copy(), objective=value, bound=bound, message=message)


def fallback(model: PortfolioModel, piece: Piece, start: np.ndarray | None) -> Piece:
    """No incumbent within the time limit: use the start (greedy) or x = lower bounds."""
    if piece.status != Status.TIME_LIMIT_NO_SOLUTION:
        return _prefer_start(model, piece, start)
    if start is not None and is_feasible(model, start):
        x, note = start, "no solver incumbent within the time limit; returned the start portfolio"
    elif is_feasible(model, model.var_lower):
        x = model.var_lower
        note = "no incumbent within the time limit; returned the forced-only portfolio"
    else:
        return piece
    done = finish(model, Status.FEASIBLE, piece.termination, x, piece.bound,
                  version=piece.version, setup_seconds=piece.setup_seconds, limit=piece.limit)
    return replace(done, message="; ".join(t for t in (note, done.message) if t))
