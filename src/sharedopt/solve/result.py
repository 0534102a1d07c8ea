"""What a solve returns: :class:`SolveResult`, made from the pieces' outcomes.

Statuses are values, never read back from message text: OPTIMAL only when the
reported gap (``best_bound`` against the objective) is within ``mip_gap``
(:func:`make_result` enforces it); the worst piece's status is the solve's.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from sharedopt.model.build import PortfolioModel
from sharedopt.solve.pieces import Piece
from sharedopt.solve.status import SOLVED, Status, worst

__all__ = ["SolveResult", "WALL_CLOCK_FIELDS", "make_result", "against_outer_bound"]

#: the :class:`SolveResult` fields measured on the wall clock: never written to an output file
WALL_CLOCK_FIELDS = ("solve_seconds", "build_seconds", "seconds_by_phase")


@dataclass(frozen=True)
class SolveResult:
    """Outcome of :func:`solve` (never a mutated model).

    Attributes
    ----------
    status : Status
        OPTIMAL (proven within ``mip_gap``), FEASIBLE (incumbent, not
        proven), INFEASIBLE, TIME_LIMIT_NO_SOLUTION or ERROR.
    termination : str
        Raw solver termination text (';'-joined over pieces when they differ).
    objective : float or None
        Objective of the returned portfolio.
    best_bound : float or None
        Proven upper bound on the optimum (None if unknown).
    gap : float or None
        ``(best_bound - objective) / max(1e-9, |objective|)``.
    solve_seconds, build_seconds : float
        Solver wall time; model build time (+ solver-model construction). Wall clock: on
        this object only, never in an output file (see :data:`WALL_CLOCK_FIELDS`).
    solver, solver_version : str
        Solver used and its version.
    n_variables, n_constraints, n_nonzeros : int
        Size of the full problem.
    seed : int
        Random seed passed to the solver.
    n_pieces : int
        Independent pieces solved (1 when not decomposed).
    message : str
        Human-readable notes.
    stopped_by : str
        'time limit' when the wall-clock limit stopped a solver call (the result may
        then depend on machine load), 'work limit' when only ``node_limit`` did, else ''.
    seconds_by_phase : dict
        Seconds per solve phase where the solver path has phases (column generation,
        working-set MIP, MIP after reduced-cost fixing), summed over pieces. Wall clock,
        like ``solve_seconds``.
    """

    status: Status
    termination: str
    objective: float | None
    best_bound: float | None
    gap: float | None
    solve_seconds: float
    build_seconds: float
    solver: str
    solver_version: str
    n_variables: int
    n_constraints: int
    n_nonzeros: int
    seed: int
    n_pieces: int
    message: str = ""
    stopped_by: str = ""
    seconds_by_phase: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))

    def to_dict(self, wall_clock: bool = True) -> dict[str, Any]:
        """JSON-safe dict (inf / NaN become None; the status as its plain string).

        Parameters
        ----------
        wall_clock : bool, default True
            False leaves out the :data:`WALL_CLOCK_FIELDS` (what output files carry: the same
            input then gives the same dict on an idle or a busy machine).

        Returns
        -------
        dict
        """
        out = asdict(self)
        if not wall_clock:
            out = {k: v for k, v in out.items() if k not in WALL_CLOCK_FIELDS}
        out["status"] = self.status.value
        for k, v in out.items():
            if isinstance(v, float) and not math.isfinite(v):
                out[k] = None
        return out


def _combine(pieces: list[Piece], n_pieces: int) -> dict[str, Any]:
    status = worst(p.status for p in pieces)
    objs, bounds = [p.objective for p in pieces], [p.bound for p in pieces]
    objective = None if None in objs else float(sum(objs))
    bound = None if None in bounds else float(sum(bounds))
    texts = sorted({p.termination for p in pieces} - {"enumerated"}) or ["enumerated"]
    versions = sorted({p.version for p in pieces if p.version}) or ["enumeration"]
    messages = sorted({p.message for p in pieces if p.message})
    limits = {p.limit for p in pieces}
    phases: dict[str, float] = {}
    for p in pieces:
        for k, v in (p.phases or {}).items():
            phases[k] = round(phases.get(k, 0.0) + float(v), 3)
    stopped_by = "time limit" if "time" in limits else ("work limit" if "work" in limits else "")
    return dict(stopped_by=stopped_by, status=status, termination="; ".join(texts), objective=objective, best_bound=bound,
                solver_version="; ".join(versions), message="; ".join(messages),
                setup=sum(p.setup_seconds for p in pieces), n_pieces=max(n_pieces, 1), phases=phases)


def _gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return max(0.0, (bound - objective) / max(1e-9, abs(objective)))


def against_outer_bound(result: SolveResult, outer: float | None, mip_gap: float) -> SolveResult:
    """Report a restricted model's solution against the bound of the full candidate space.

    The solver's own bound only covers the generated candidates; ``outer`` covers
    every candidate. The result is OPTIMAL only when within ``mip_gap`` of it.
    """
    if outer is None or result.objective is None or result.status not in SOLVED:
        return result
    bound = max(float(outer), result.objective)
    gap = _gap(result.objective, bound)
    status = Status.OPTIMAL if result.status == Status.OPTIMAL and gap <= mip_gap + 1e-12 else Status.FEASIBLE
    note = (f"gap against the bound over all connected groups {bound:,.1f}"
            f" (the solver's bound over the generated candidates: {result.best_bound:,.1f})"
            if result.best_bound is not None else "")
    message = "; ".join(t for t in (result.message, note) if t)
    return replace(result, status=status, best_bound=bound, gap=gap, message=message)


def _within_gap(status: Status, gap: float | None, mip_gap: float) -> Status:
    """OPTIMAL only when the reported gap is within ``mip_gap`` (relative, +1e-9 for rounding)."""
    if status == Status.OPTIMAL and (gap is None or gap > mip_gap + 1e-9):
        return Status.FEASIBLE
    return Status(status)


def make_result(model: PortfolioModel, options, solver: str, pieces: list[Piece], n_pieces: int, note: str,
                elapsed: float) -> SolveResult:
    """The :class:`SolveResult` of a solve of ``model`` made of ``pieces`` (``solver``: its user-facing name)."""
    info = _combine(pieces, n_pieces)
    solved = info["status"] in SOLVED
    gap = _gap(info["objective"], info["best_bound"]) if solved else None
    return SolveResult(
        status=_within_gap(info["status"], gap, options.mip_gap),
        termination=info["termination"],
        objective=info["objective"] if solved else None,
        best_bound=info["best_bound"],
        gap=gap,
        solve_seconds=max(elapsed - info["setup"], 0.0),
        build_seconds=model.build_seconds + info["setup"],
        solver=solver,
        solver_version=info["solver_version"],
        n_variables=model.n_variables,
        n_constraints=model.n_constraints,
        n_nonzeros=model.n_nonzeros,
        seed=options.seed,
        n_pieces=info["n_pieces"],
        message="; ".join(t for t in (note, info["message"]) if t),
        stopped_by=info["stopped_by"],
        seconds_by_phase=info["phases"],
    )
