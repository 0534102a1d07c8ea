"""One time budget for a run's solver work: solve, diagnosis, ranking, alternatives, generation.

A :class:`Budget` holds ``[solver] time_limit`` seconds of *solver* time for the whole run.
The clock runs only inside :meth:`Budget.charging` blocks, which the solver steps open
(:func:`sharedopt.solve.api.solve`, column generation, near-optimal alternatives): loading
data, enumerating candidates and writing outputs do not spend it. Each solver call takes
its limit from what is left (:meth:`Budget.limit`), so what follows a solve in the same run
(the elastic relaxation that explains an infeasible model, ranking re-solves) spends what
is left instead of another full time limit. Nested blocks count once; solver pieces run
in threads inside one block.

The budget is a safety net: the results written to outputs stop on work limits (nodes,
rounds) wherever determinism matters, and a step the budget cut short says so. Only
limits are derived from it; the seconds spent are shown on the console and kept on the
run's ``Result.timings``, never written to an output file.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Iterator
from time import perf_counter

__all__ = ["Budget", "MIN_SECONDS"]

#: smallest time limit handed to a solver (a limit of 0 means "none" to some solvers)
MIN_SECONDS = 0.01


class Budget:
    """Seconds of solver time for a run (``None`` or ``math.inf``: unlimited).

    Parameters
    ----------
    seconds : float, optional
        The whole budget; 0 is a budget already spent.
    """

    def __init__(self, seconds: float | None = None):
        self.seconds = math.inf if seconds is None else float(seconds)
        self._used = 0.0
        self._depth = 0
        self._started = 0.0
        self._lock = threading.Lock()

    @classmethod
    def starting_now(cls, seconds: float | None) -> Budget:
        """A budget of ``seconds`` of solver time (None: unlimited)."""
        return cls(seconds)

    @property
    def unlimited(self) -> bool:
        """Whether there is no budget at all."""
        return math.isinf(self.seconds)

    @property
    def deadline(self) -> float:
        """When the budget would run out if the clock ran from now on (``math.inf``: never)."""
        return math.inf if self.unlimited else perf_counter() + self.remaining()

    @contextlib.contextmanager
    def charging(self) -> Iterator[Budget]:
        """Spend the budget while the block runs (an inner block inside an outer one counts once)."""
        with self._lock:
            self._depth += 1
            if self._depth == 1:
                self._started = perf_counter()
        try:
            yield self
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0:
                    self._used += perf_counter() - self._started

    def spent(self) -> float | None:
        """Solver seconds spent so far (None when unlimited)."""
        if self.unlimited:
            return None
        with self._lock:
            running = perf_counter() - self._started if self._depth else 0.0
            return self._used + running

    def remaining(self) -> float | None:
        """Seconds left (never below :data:`MIN_SECONDS`), None when unlimited."""
        spent = self.spent()
        return None if spent is None else max(self.seconds - spent, MIN_SECONDS)

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

    def to_dict(self) -> dict:
        """How the budget was spent (wall clock: never in an output file): seconds, spent and left."""
        spent = self.spent()
        if spent is None:
            return {"budget_seconds": None, "spent_seconds": None, "left_seconds": None}
        return {"budget_seconds": self.seconds, "spent_seconds": round(spent, 3),
                "left_seconds": round(max(self.seconds - spent, 0.0), 3)}
