"""Ctrl-C is an interrupt, whatever is running: :func:`interruptible` and :func:`run_highs`.

Python turns SIGINT into ``KeyboardInterrupt`` at the next bytecode of the main thread.
During a HiGHS solve that bytecode is one of sharedopt's progress callbacks: the
exception surfaces inside HiGHS, which then reports a solver *error*, and the run went
on to write an empty portfolio as if it were a result. So, while a run is under way
(:func:`interruptible`, installed by :func:`sharedopt.pipeline.sequencer.run`):

- SIGINT sets a process-wide flag. Outside a HiGHS solve it also raises
  ``KeyboardInterrupt`` at once (Python's usual behaviour);
- inside a solve (:func:`run_highs`, which every sharedopt HiGHS run goes through) it
  raises nothing: HiGHS's interrupt callbacks see the flag and stop the solver cleanly
  (HiGHS reports ``kInterrupt``, mapped to :attr:`~sharedopt.solve.status.Status.INTERRUPTED`),
  and :func:`run_highs` then raises ``KeyboardInterrupt`` in the caller's thread;
- when the run ends with the flag set, :func:`interruptible` raises ``KeyboardInterrupt``
  (the safety net for a solver that swallowed the signal, such as a CBC child process).

An interrupted solve is therefore never a result: the caller gets ``KeyboardInterrupt``
and nothing is written. Outside the main thread (where Python cannot install signal
handlers) :func:`interruptible` changes nothing, and outside an :func:`interruptible`
block :func:`run_highs` attaches no callback (Python's own handling applies).
:func:`sharedopt.pipeline.sequencer.run`, ``sweep`` and ``uncertainty`` install it.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

import highspy

__all__ = ["interruptible", "interrupt_requested", "run_highs"]

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
        SIGINT arrived during the block (also when the code inside swallowed it).
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
    finally:
        if ours:
            signal.signal(signal.SIGINT, previous)
            asked = _ASKED.is_set()
            _ASKED.clear()  # a later run in this process starts afresh
    if asked:
        raise KeyboardInterrupt


def _stop_if_asked(event) -> None:
    if _ASKED.is_set():
        event.interrupt()


def run_highs(h: highspy.Highs) -> None:
    """``h.run()``, stopped by SIGINT (see the module docstring).

    Raises
    ------
    KeyboardInterrupt
        SIGINT arrived before or during the solve; the solver's answer is discarded.
    """
    if signal.getsignal(signal.SIGINT) is _on_sigint:  # within interruptible(); else Python's own handling
        h.cbMipInterrupt += _stop_if_asked
        h.cbSimplexInterrupt += _stop_if_asked
        h.cbIpmInterrupt += _stop_if_asked
    with _LOCK:
        _SOLVING[0] += 1
    try:
        if not _ASKED.is_set():
            h.run()
    finally:
        with _LOCK:
            _SOLVING[0] -= 1
    if _ASKED.is_set():
        raise KeyboardInterrupt
