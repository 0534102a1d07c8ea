"""One time budget for a whole run: a deadline every solver call takes its limit from.

A :class:`Budget` is an absolute deadline on the monotonic clock
(:func:`time.perf_counter`). :func:`sharedopt.solve.api.solve` takes one so that what
follows a solve in the same run (the elastic relaxation that explains an infeasible
model, ranking re-solves) spends what is left instead of another full time limit.
Only limits are derived from it: no clock reading is ever written to an output.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from time import perf_counter

__all__ = ["Budget"]

#: smallest time limit handed to a solver (a limit of 0 means "none" to some solvers)
MIN_SECONDS = 0.01


@dataclass(frozen=True)
class Budget:
    """A deadline in :func:`time.perf_counter` seconds (``math.inf``: no deadline).

    Attributes
    ----------
    deadline : float
        Absolute monotonic time at which the budget is spent.
    seconds : float
        The whole budget (``math.inf``: no deadline), for saying how it was spent.
    """

    deadline: float = math.inf
    seconds: float = math.inf

    @classmethod
    def starting_now(cls, seconds: float | None) -> Budget:
        """A budget of ``seconds`` from now (None: unlimited)."""
        if seconds is None:
            return cls()
        return cls(perf_counter() + float(seconds), float(seconds))

    def spent(self) -> float | None:
        """Seconds since the budget started (None when there is no deadline)."""
        if math.isinf(self.deadline):
            return None
        return perf_counter() - (self.deadline - self.seconds)

    def remaining(self) -> float | None:
        """Seconds left (never below :data:`MIN_SECONDS`), None when there is no deadline."""
        if math.isinf(self.deadline):
            return None
        return max(self.deadline - perf_counter(), MIN_SECONDS)

    def limit(self, time_limit: float | None) -> float | None:
        """The tighter of ``time_limit`` and what is left of the budget (None: no limit at all)."""
        left = self.remaining()
        if left is None:
            return time_limit
        return left if time_limit is None else min(float(time_limit), left)

    def cuts(self, time_limit: float | None) -> bool:
        """Whether what is left of the budget is shorter than ``time_limit`` (None: no limit)."""
        left = self.remaining()
        return left is not None and (time_limit is None or left < float(time_limit))

    def to_summary(self) -> dict:
        """How the budget was spent (wall-clock figures, volatile): seconds, spent and left."""
        spent = self.spent()
        if spent is None:
            return {"budget_seconds": None, "spent_seconds": None, "left_seconds": None}
        return {"budget_seconds": self.seconds, "spent_seconds": round(spent, 3),
                "left_seconds": round(max(self.seconds - spent, 0.0), 3)}
