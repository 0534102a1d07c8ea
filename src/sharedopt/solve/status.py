"""The words a solve ends with: :class:`Status` and what each says to a user.

Like linopy's ``constants.py``: one enum, whose members *are* the strings written to
``summary.json``, the CSVs and the reports (``enum.StrEnum``: ``str(s)``, ``f"{s}"``
and ``json.dumps(s)`` give the plain value), so outputs read exactly as before.
Every backend maps its own solver codes to a member (the mapping lives in the
backend); no status is ever read back from a solver's message text.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from sharedopt.common.gaps import PROVEN_GAP, format_gap

__all__ = ["Status", "StoppedBy", "SOLVED", "worst", "describe_status"]


class Status(StrEnum):
    """How a solve (or one piece of it) ended, best first.

    OPTIMAL
        Proven within ``mip_gap`` (the reported gap says how close).
    FEASIBLE
        A portfolio that satisfies every constraint, not proven optimal.
    TIME_LIMIT_NO_SOLUTION
        A limit stopped the solver before any portfolio was found.
    INFEASIBLE
        The constraints cannot all hold (proven).
    ERROR
        The solver failed or returned something unusable.
    INTERRUPTED
        The user stopped the solve (Ctrl-C, SIGINT). Never a result: the run stops
        (``KeyboardInterrupt``) and nothing is written (:mod:`sharedopt.solve.interrupt`).
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    TIME_LIMIT_NO_SOLUTION = "time_limit_no_solution"
    INFEASIBLE = "infeasible"
    ERROR = "error"
    INTERRUPTED = "interrupted"


class StoppedBy(StrEnum):
    """Which limit stopped a solve (beside :class:`Status`: how it ended), written as its value.

    NOTHING
        No limit stopped it (``""``): the solver finished on its own.
    TIME_LIMIT
        The wall-clock limit stopped a solver call: the result may depend on machine load.
    WORK_LIMIT
        Only the deterministic work limit (``node_limit``) did.
    TIME_BUDGET
        The run's time budget was spent (a ranking re-solve cut short by what was left of it).
    """

    NOTHING = ""
    TIME_LIMIT = "time limit"
    WORK_LIMIT = "work limit"
    TIME_BUDGET = "time budget"


#: statuses that come with a portfolio
SOLVED = frozenset({Status.OPTIMAL, Status.FEASIBLE})

_ORDER = list(Status)

#: what each status says to a user (see :func:`describe_status`)
_WORDS = {
    Status.OPTIMAL: "optimal",
    Status.FEASIBLE: "best found, not proven optimal",
    Status.TIME_LIMIT_NO_SOLUTION: "time limit, no solution found",
    Status.INFEASIBLE: "infeasible",
    Status.ERROR: "solver error",
    Status.INTERRUPTED: "interrupted by the user",
}


def worst(statuses: Iterable[Status]) -> Status:
    """The worst of ``statuses`` (the status of a solve made of pieces); OPTIMAL when there are none."""
    return max(statuses, key=_ORDER.index, default=Status.OPTIMAL)


def describe_status(status: Status, gap: float | None, mip_gap: float) -> str:
    """What a result's status says to a user, e.g. 'proven optimal' or 'time limit, no solution found'.

    'proven optimal' only when the gap is at most :data:`~sharedopt.common.gaps.PROVEN_GAP`;
    an OPTIMAL result within a looser ``mip_gap`` says so with both numbers.
    """
    gap_text = "gap unknown" if gap is None else f"gap {format_gap(gap)}"
    if status == Status.OPTIMAL:
        if gap is not None and gap <= PROVEN_GAP:
            return "proven optimal"
        return f"optimal within the {format_gap(mip_gap)} gap tolerance ({gap_text})"
    if status == Status.FEASIBLE:
        return f"{_WORDS[Status.FEASIBLE]} ({gap_text})"
    return _WORDS.get(status, status)
