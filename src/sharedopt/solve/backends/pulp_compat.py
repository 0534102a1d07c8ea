"""The few PuLP calls that differ between PuLP 3.3 and PuLP 4.x, behind one adapter.

PuLP 4 (Python 3.12+) has a Rust core: variables are made by
``prob.add_variable``, expressions by ``LpAffineExpression.from_dict``, and
``prob.solve`` returns an ``LpSolveStats`` (why the solver stopped, whether it
has a solution) instead of setting ``prob.status`` / ``prob.sol_status``; CBC
comes from the ``cbcbox`` wheel (``pulp[cbc]``) as ``COIN_CMD``. PuLP 3.3 has
``add_variable`` too but builds expressions from ``(variable, coefficient)`` pairs.
Everything else sharedopt uses (``getSolver``, ``value``, ``varValue``,
``setInitialValue``, ``solverModel`` for HiGHS) is the same in both.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import pulp

from sharedopt.solve.status import Status

__all__ = ["PULP_MAJOR", "PulpOutcome", "affine", "new_variable", "run_pulp", "highs_pulp_bound"]

PULP_MAJOR = int(pulp.__version__.split(".")[0])

#: PuLP 4 ``LpSolveStatus`` names meaning "stopped on a limit" (the incumbent, if any, is not proven)
_LIMIT_NAMES = ("TimeLimit", "MemoryLimit", "NodeLimit", "IterationLimit",
                "SolutionLimit", "Interrupted", "Stopped")


def new_variable(prob: pulp.LpProblem, name: str, low: float, up: float):
    """An integer variable of ``prob`` in ``[low, up]``."""
    return prob.add_variable(name, low, up, pulp.LpInteger)


def affine(terms: list[tuple]) -> pulp.LpAffineExpression:
    """Linear expression from ``(variable, coefficient)`` pairs (each variable once)."""
    from_dict = getattr(pulp.LpAffineExpression, "from_dict", None)
    if from_dict is not None:  # PuLP 4
        return from_dict(dict(terms))
    return pulp.LpAffineExpression(terms)


@dataclass(frozen=True)
class PulpOutcome:
    """What a PuLP solve says, in sharedopt's words.

    Attributes
    ----------
    status : Status
        OPTIMAL (the solver says it finished), FEASIBLE (stopped on a limit with
        an incumbent), INFEASIBLE (the solver claims so), TIME_LIMIT_NO_SOLUTION
        (stopped on a limit without one) or ERROR.
    text : str
        The solver's stop reason as PuLP words it.
    """

    status: Status
    text: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))


def run_pulp(prob: pulp.LpProblem, solver) -> PulpOutcome:
    """Solve ``prob`` with ``solver`` and say how it ended (PuLP 3.3 or 4.x)."""
    stats = prob.solve(solver)
    if PULP_MAJOR >= 4:
        return _outcome_v4(stats)
    return _outcome_v3(prob)


def _outcome_v4(stats) -> PulpOutcome:
    status = pulp.LpSolveStatus(stats.status)
    text = stats.solver_status or status.name
    # GapLimit: the mip_gap tolerance was met (sharedopt sets no cutoff or target); the
    # gap itself is checked against the reported bound in sharedopt.solve.result
    if status in (pulp.LpSolveStatus.Optimal, pulp.LpSolveStatus.GapLimit) and stats.has_solution:
        return PulpOutcome(Status.OPTIMAL, text)
    if status.name in _LIMIT_NAMES:
        return PulpOutcome(Status.FEASIBLE if stats.has_solution else Status.TIME_LIMIT_NO_SOLUTION, text)
    if status == pulp.LpSolveStatus.Infeasible:
        return PulpOutcome(Status.INFEASIBLE, text)
    return PulpOutcome(Status.ERROR, text)


def _outcome_v3(prob: pulp.LpProblem) -> PulpOutcome:
    text = pulp.LpStatus.get(prob.status, str(prob.status))
    if prob.sol_status == pulp.LpSolutionOptimal:
        return PulpOutcome(Status.OPTIMAL, text)
    if prob.sol_status == pulp.LpSolutionIntegerFeasible:
        return PulpOutcome(Status.FEASIBLE, text)
    if prob.status == pulp.LpStatusInfeasible:
        return PulpOutcome(Status.INFEASIBLE, text)
    if prob.status == pulp.LpStatusNotSolved:  # PuLP 3 says 'Not Solved' for a limit without incumbent
        return PulpOutcome(Status.TIME_LIMIT_NO_SOLUTION, text)
    return PulpOutcome(Status.ERROR, text)


def highs_pulp_bound(prob: pulp.LpProblem) -> float:
    """HiGHS's MIP dual bound in the problem's (maximisation) sense, for PuLP's HiGHS wrapper.

    PuLP 3.3 hands HiGHS ``min -objective`` without the constant; PuLP 4.x hands it
    ``max objective`` with the constant as offset. The HiGHS model's own sense tells which.
    """
    h = prob.solverModel
    bound = float(h.getInfo().mip_dual_bound)
    _, sense = h.getObjectiveSense()
    if sense == highspy.ObjSense.kMaximize:
        return bound
    const = float(prob.objective.constant) if prob.objective is not None else 0.0
    return -bound + const
