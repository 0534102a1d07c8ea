"""Live solver progress: incumbent, bound and gap as HiGHS reports them.

A caller (the run's 'solve' events) installs a listener with :func:`listening`; the
solver paths attach :func:`attach` to every HiGHS instance they run. Without a
listener nothing is attached and solving is unaffected. A listener that also wants
``pieces=(done, total)`` of a decomposed solve says so when it is installed
(``listening(listener, pieces=True)``): nothing is guessed from its signature.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import threading
from collections.abc import Callable, Iterator

Listener = Callable[[float | None, float | None, float | None], None]
_LISTENER: contextvars.ContextVar[Listener | None] = contextvars.ContextVar("sharedopt_progress", default=None)
_WITH_PIECES: contextvars.ContextVar[bool] = contextvars.ContextVar("sharedopt_progress_pieces", default=False)


@contextlib.contextmanager
def listening(listener: Listener, *, pieces: bool = False) -> Iterator[None]:
    """Within this block, solver progress goes to ``listener(incumbent, bound, gap)``.

    Parameters
    ----------
    listener : callable
        Called with the incumbent, the bound and the gap (None where unknown).
    pieces : bool, default False
        Also pass ``pieces=(done, total)`` when the solve is decomposed into pieces.
    """
    token, flag = _LISTENER.set(listener), _WITH_PIECES.set(pieces)
    try:
        yield
    finally:
        _LISTENER.reset(token)
        _WITH_PIECES.reset(flag)


def _finite(value) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def attach(highs) -> None:
    """Forward a HiGHS instance's MIP progress to the current listener (if any)."""
    listener = _LISTENER.get()
    if listener is None:
        return

    def forward(event) -> None:
        data = event.data_out
        listener(_finite(data.objective_function_value), _finite(data.mip_dual_bound), _finite(data.mip_gap))

    highs.cbMipImprovingSolution += forward
    highs.cbMipLogging += forward


def current() -> Listener | None:
    """The listener installed by :func:`listening` in this context (None without one)."""
    return _LISTENER.get()


def wants_pieces() -> bool:
    """Whether the listener in this context was installed with ``pieces=True``."""
    return _WITH_PIECES.get()


class PieceProgress:
    """Whole-model progress of a decomposed solve, from its pieces' own reports.

    The incumbent is the sum over pieces of their best portfolio so far (0 for a piece
    without one: choosing nothing is feasible), plus the pieces solved before
    (``base_objective``); the bound is the sum of the pieces' bounds, known once every
    piece has reported one. The listener also gets ``pieces=(done, total)`` when
    ``with_pieces`` (it was installed with ``listening(..., pieces=True)``).
    """

    def __init__(self, listener: Listener, n_pieces: int, base_objective: float = 0.0, base_bound: float = 0.0,
                 with_pieces: bool = False):
        self.listener, self.n = listener, int(n_pieces)
        self._with_pieces = bool(with_pieces)
        self.base_objective, self.base_bound = float(base_objective), float(base_bound)
        self.incumbent: dict[int, float] = {}
        self.bound: dict[int, float] = {}
        self.done = 0
        self._lock = threading.Lock()

    def piece_listener(self, piece: int) -> Listener:
        """A listener for one piece's solver (install it with :func:`listening`)."""

        def hear(incumbent, bound, gap, pieces=None) -> None:
            with self._lock:
                if incumbent is not None:
                    self.incumbent[piece] = max(incumbent, self.incumbent.get(piece, -math.inf))
                if bound is not None:
                    self.bound[piece] = min(bound, self.bound.get(piece, math.inf))
            self._emit()

        return hear

    def finished(self, piece: int, objective: float | None, bound: float | None) -> None:
        """Record a piece's final objective and bound."""
        with self._lock:
            self.done += 1
            if objective is not None:
                self.incumbent[piece] = objective
            if bound is not None:
                self.bound[piece] = bound
        self._emit()

    def _emit(self) -> None:
        with self._lock:  # one report at a time, so 'pieces done' never goes back
            incumbent = self.base_objective + sum(self.incumbent.values())
            bound = self.base_bound + sum(self.bound.values()) if len(self.bound) == self.n else None
            gap = (bound - incumbent) / max(abs(incumbent), 1e-9) if bound is not None and incumbent else None
            if self._with_pieces:
                self.listener(incumbent, bound, gap, pieces=(self.done, self.n))
            else:
                self.listener(incumbent, bound, gap)
