"""Ctrl-C is an interrupt, whatever is running: :func:`interruptible`, and the hooks a solver run
uses (:func:`armed`, :func:`solving`; HiGHS's are in :func:`sharedopt.solve.backends.highs_interrupt.run_highs`).

Python turns SIGINT into ``KeyboardInterrupt`` at the next bytecode of the main thread.
During a HiGHS solve that bytecode is one of sharedopt's progress callbacks: the
exception surfaces inside HiGHS, which then reports a solver *error*, and the run went
on to write an empty portfolio as if it were a result. So, while a run is under way
(:func:`interruptible`, installed by :func:`sharedopt.pipeline.sequencer.run`):

- SIGINT sets a process-wide flag. Outside a HiGHS solve it also raises
  ``KeyboardInterrupt`` at once (Python's usual behaviour);
- inside a solve (:func:`~sharedopt.solve.backends.highs_interrupt.run_highs`, which every sharedopt HiGHS run goes through) it
  raises nothing: HiGHS's interrupt callbacks see the flag and stop the solver cleanly
  (HiGHS reports ``kInterrupt``, mapped to :attr:`~sharedopt.solve.status.Status.INTERRUPTED`),
  and :func:`~sharedopt.solve.backends.highs_interrupt.run_highs` then raises ``KeyboardInterrupt`` in the caller's thread;
- when the run ends with the flag set, :func:`interruptible` raises ``KeyboardInterrupt``
  (the safety net for a solver that swallowed the signal, such as a CBC child process).

An interrupted solve is therefore never a result: the caller gets ``KeyboardInterrupt``
and nothing is written. Outside the main thread (where Python cannot install signal
handlers) :func:`interruptible` changes nothing, and outside an :func:`interruptible`
block :func:`~sharedopt.solve.backends.highs_interrupt.run_highs` attaches no callback (Python's own handling applies).
:func:`sharedopt.pipeline.sequencer.run`, ``sweep`` and ``uncertainty`` install it.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

__all__ = ["armed", "interruptible", "interrupt_requested", "solving"]

_ASKED = threading.Event()
_LOCK = threading.Lock()
_SOLVING = [0]  # HiGHS runs under way in this process (any thread)


def interrupt_requested() -> bool:
    """Whether SIGINT arrived during the current :func:`interruptible` block."""
    return _ASKED.is_set()


def _on_sigint(signum, frame) -> None:
    _ASKED.set()
    with _LOCK:
        solving = _SOLVING[0]
    if not solving:  # ordinary Python code: stop it here, as Python would
        raise KeyboardInterrupt


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Within this block, SIGINT stops HiGHS cleanly and ends in ``KeyboardInterrupt``.

    Raises
    ------
    KeyboardInterrupt
        SIGINT arrived during the block (also when the code inside swallowed it, or failed
        with another exception after it).
    """
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGINT) if in_main else None
    # a caller that ignores SIGINT, or handles it its own way, keeps its handler
    ours = in_main and previous is signal.default_int_handler
    if ours:
        _ASKED.clear()
        signal.signal(signal.SIGINT, _on_sigint)
    asked = False
    try:
        yield
    except Exception:
        # an error raised after Ctrl-C is the interrupt's doing (e.g. CPython 3.13's Condition.wait,
        # interrupted inside concurrent.futures, ends in "cannot release un-acquired lock"): the
        # user asked to stop, so the run stops as interrupted
        if ours and _ASKED.is_set():
            raise KeyboardInterrupt from None
        raise
    finally:
        if ours:
            signal.signal(signal.SIGINT, previous)
            asked = _ASKED.is_set()
            _ASKED.clear()  # a later run in this process starts afresh
    if asked:
        raise KeyboardInterrupt


def armed() -> bool:
    """Whether SIGINT is handled by :func:`interruptible` now: a solver run should then attach its
    stop hooks (outside such a block Python's own handling applies)."""
    return signal.getsignal(signal.SIGINT) is _on_sigint


@contextlib.contextmanager
def solving() -> Iterator[None]:
    """Mark a solver run under way (any thread): SIGINT then only sets the flag, which the
    solver's stop hooks see (:func:`sharedopt.solve.backends.highs_interrupt.run_highs`)."""
    with _LOCK:
        _SOLVING[0] += 1
    try:
        yield
    finally:
        with _LOCK:
            _SOLVING[0] -= 1
