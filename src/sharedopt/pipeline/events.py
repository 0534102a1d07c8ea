"""The one progress event every step of a run emits.

A run reports what it is doing through a single callback, ``on_event(event)``, that
takes an :class:`Event`. The command line's progress bar, the what-if and Monte Carlo
progress bars and any script subscribe the same way::

    from sharedopt.pipeline.sequencer import run

    result = run(config, on_event=lambda e: print(e.step, e.stage, e.message))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

__all__ = ["STEPS", "Event", "OnEvent", "emit", "subscribers"]

# The steps of a run, in order: "tasks" is a what-if sweep's or a Monte Carlo's variants.
STEPS = ("check", "load", "enumerate", "model", "solve", "assign", "uncertainty", "tasks")
Stage = Literal["start", "progress", "end"]


@dataclass(frozen=True)
class Event:
    """One progress report from a step of a run.

    Attributes
    ----------
    step : str
        Which step reports (one of :data:`STEPS`).
    message : str
        What happened, as plain text for a person (no markup).
    stage : {'start', 'progress', 'end'}
        The step began, is under way, or finished.
    done, total : int or None
        Units of work done and in all, when the step counts them (solver pieces,
        sweep variants, Monte Carlo draws); None otherwise.
    """

    step: str
    message: str = ""
    stage: Stage = "progress"
    done: int | None = None
    total: int | None = None


OnEvent = Callable[[Event], None]


def emit(on_event: OnEvent | None, step: str, message: str = "", stage: Stage = "progress",
         done: int | None = None, total: int | None = None) -> None:
    """Send one :class:`Event` to ``on_event`` (nothing when no one listens).

    Parameters
    ----------
    on_event : callable or None
        The subscriber.
    step, message, stage, done, total
        The event's fields (see :class:`Event`).
    """
    if on_event is not None:
        on_event(Event(step, message, stage, done, total))


def subscribers(*listeners: OnEvent | None) -> OnEvent | None:
    """One subscriber that passes each event to every given one.

    Parameters
    ----------
    *listeners : callable or None
        Subscribers; None entries are skipped.

    Returns
    -------
    callable or None
        The only subscriber given, a fan-out over several, or None when none is given.
    """
    given = [listener for listener in listeners if listener is not None]
    if len(given) <= 1:
        return given[0] if given else None

    def fan_out(event: Event) -> None:
        for listener in given:
            listener(event)

    return fan_out
