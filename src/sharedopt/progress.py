"""Live solver progress: incumbent, bound and gap as HiGHS reports them.

A caller (the CLI's progress bar) installs a listener with :func:`listening`; the
solver paths attach :func:`attach` to every HiGHS instance they run. Without a
listener nothing is attached and solving is unaffected.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
from collections.abc import Callable, Iterator

Listener = Callable[[float | None, float | None, float | None], None]
_LISTENER: contextvars.ContextVar[Listener | None] = contextvars.ContextVar("sharedopt_progress", default=None)


@contextlib.contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Within this block, solver progress goes to ``listener(incumbent, bound, gap)``."""
    token = _LISTENER.set(listener)
    try:
        yield
    finally:
        _LISTENER.reset(token)


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
