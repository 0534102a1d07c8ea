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
from sharedopt.solve.status import SOLVED, Status, StoppedBy, worst

__all__ = ["SolveResult", "SolveOutcome", "ModelSize", "SolveTiming", "make_result", "against_outer_bound"]


@dataclass(frozen=True)
class SolveOutcome:
    """How a solve ended.

    Attributes
    ----------
    status : Status
        OPTIMAL (proven within ``mip_gap``), FEASIBLE (incumbent, not proven), INFEASIBLE,
        TIME_LIMIT_NO_SOLUTION or ERROR.
    stopped_by : StoppedBy
        Which limit stopped a solver call (NOTHING when none did).
    termination : str
        Raw solver termination text (';'-joined over pieces when they differ).
    objective, best_bound : float or None
        Objective of the returned portfolio; proven upper bound on the optimum (None if unknown).
    gap : float or None
        ``(best_bound - objective) / max(1e-9, |objective|)``.
    message : str
        Human-readable notes.
    n_pieces : int
        Independent pieces solved (1 when not decomposed).
    """

    status: Status
    termination: str
    objective: float | None
    best_bound: float | None
    gap: float | None
    stopped_by: StoppedBy = StoppedBy.NOTHING
    message: str = ""
    n_pieces: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))
        object.__setattr__(self, "stopped_by", StoppedBy(self.stopped_by))


@dataclass(frozen=True)
class ModelSize:
    """Size of the full problem: variables, constraint rows, nonzeros."""

    n_variables: int
    n_constraints: int
    n_nonzeros: int


@dataclass(frozen=True)
class SolveTiming:
    """Wall-clock seconds of a solve: on the object only, never serialised (they vary run to run).

    Attributes
    ----------
    solve_seconds, build_seconds : float
        Solver wall time; model build time (+ solver-model construction).
    seconds_by_phase : dict
        Seconds per solve phase where the solver path has phases (column generation,
        working-set MIP, MIP after reduced-cost fixing), summed over pieces.
    """

    solve_seconds: float = 0.0
    build_seconds: float = 0.0
    seconds_by_phase: dict = field(default_factory=dict)


def _read(part: str, name: str) -> property:
    """A read-only attribute of the result that reads ``self.<part>.<name>``."""
    return property(lambda self: getattr(getattr(self, part), name),
                    doc=f"``{part}.{name}`` (see :class:`SolveResult`).")


@dataclass(frozen=True)
class SolveResult:
    """Outcome of :func:`solve` (never a mutated model): outcome, size, solver and timing.

    :meth:`to_dict` writes the outcome, the size and the solver, never the timing: the same
    input gives the same dict on an idle or a busy machine. Every field of the parts reads as
    an attribute of the result too (``result.status``, ``result.n_variables``,
    ``result.solve_seconds``, ...).

    Attributes
    ----------
    outcome : SolveOutcome
    size : ModelSize
    solver, solver_version : str
        Solver used and its version.
    seed : int
        Random seed passed to the solver.
    timing : SolveTiming
        Wall clock: on this object only, never in an output file.
    """

    outcome: SolveOutcome
    size: ModelSize
    solver: str
    solver_version: str
    seed: int
    timing: SolveTiming = field(default_factory=SolveTiming)

    status = _read("outcome", "status")
    stopped_by = _read("outcome", "stopped_by")
    termination = _read("outcome", "termination")
    objective = _read("outcome", "objective")
    best_bound = _read("outcome", "best_bound")
    gap = _read("outcome", "gap")
    message = _read("outcome", "message")
    n_pieces = _read("outcome", "n_pieces")
    n_variables = _read("size", "n_variables")
    n_constraints = _read("size", "n_constraints")
    n_nonzeros = _read("size", "n_nonzeros")
    solve_seconds = _read("timing", "solve_seconds")
    build_seconds = _read("timing", "build_seconds")
    seconds_by_phase = _read("timing", "seconds_by_phase")

    def with_outcome(self, **changes: Any) -> SolveResult:
        """A copy with the outcome's fields changed (``status=...``, ``message=...``)."""
        return replace(self, outcome=replace(self.outcome, **changes))

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of the outcome, the size and the solver (inf / NaN become None; enums as
        their plain strings); the timing is never in it.

        Returns
        -------
        dict
        """
        out = {**asdict(self.outcome), **asdict(self.size), "solver": self.solver,
               "solver_version": self.solver_version, "seed": self.seed}
        out["status"], out["stopped_by"] = self.status.value, self.stopped_by.value
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
    stopped_by = (StoppedBy.TIME_LIMIT if "time" in limits
                  else StoppedBy.WORK_LIMIT if "work" in limits else StoppedBy.NOTHING)
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
    return result.with_outcome(status=status, best_bound=bound, gap=gap, message=message)


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
    outcome = SolveOutcome(
        status=_within_gap(info["status"], gap, options.mip_gap), termination=info["termination"],
        objective=info["objective"] if solved else None, best_bound=info["best_bound"], gap=gap,
        stopped_by=info["stopped_by"], message="; ".join(t for t in (note, info["message"]) if t),
        n_pieces=info["n_pieces"])
    return SolveResult(
        outcome=outcome,
        size=ModelSize(model.n_variables, model.n_constraints, model.n_nonzeros),
        solver=solver, solver_version=info["solver_version"], seed=options.seed,
        timing=SolveTiming(solve_seconds=max(elapsed - info["setup"], 0.0),
                           build_seconds=model.build_seconds + info["setup"], seconds_by_phase=info["phases"]),
    )
