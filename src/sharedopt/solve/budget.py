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
    """

    deadline: float = math.inf

    @classmethod
    def starting_now(cls, seconds: float | None) -> Budget:
        """A budget of ``seconds`` from now (None: unlimited)."""
        return cls(math.inf if seconds is None else perf_counter() + float(seconds))

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
