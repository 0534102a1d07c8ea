"""A HiGHS run that Ctrl-C stops cleanly: :func:`run_highs` (see :mod:`sharedopt.solve.interrupt`).

Every sharedopt HiGHS run goes through it: the MIP backend, the LP bounds, column
generation's master. Within :func:`sharedopt.solve.interrupt.interruptible`, HiGHS's interrupt
callbacks see the flag SIGINT sets and stop the solver (HiGHS reports ``kInterrupt``), and
:func:`run_highs` then raises ``KeyboardInterrupt`` in the caller's thread; outside such a
block it attaches no callback.
"""

from __future__ import annotations

import highspy

from sharedopt.solve.interrupt import armed, interrupt_requested, solving

__all__ = ["run_highs"]


def _stop_if_asked(event) -> None:
    if interrupt_requested():
        event.interrupt()


def run_highs(h: highspy.Highs) -> None:
    """``h.run()``, stopped by SIGINT (see the module docstring).

    Raises
    ------
    KeyboardInterrupt
        SIGINT arrived before or during the solve; the solver's answer is discarded.
    """
    if armed():  # within interruptible(); else Python's own handling
        h.cbMipInterrupt += _stop_if_asked
        h.cbSimplexInterrupt += _stop_if_asked
        h.cbIpmInterrupt += _stop_if_asked
    with solving():
        if not interrupt_requested():
            h.run()
    if interrupt_requested():
        raise KeyboardInterrupt
