"""The one progress event every step of a run emits.

A run reports what it is doing through a single callback, ``on_event(event)``, that
takes an :class:`Event`. The command line's progress bar, the what-if and Monte Carlo
progress bars and any script subscribe the same way::

    from sharedopt.pipeline.sequencer import run

    result = run(config, on_event=lambda e: print(e.step, e.stage, e.message))

The pipeline draws nothing. Counted work (sweep variants, Monte Carlo draws) is shown by
the task display the presentation layer registers (:func:`register_task_display`;
:mod:`sharedopt.console` registers its progress bar when imported, which ``import sharedopt``
does on first use of a public name); :func:`task_display` is how ``progress=True`` uses it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Literal

__all__ = ["STEPS", "Event", "OnEvent", "TaskDisplay", "emit", "register_task_display", "subscribers", "task_display"]

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


#: ``display(description, total)``: a context manager that shows counted work while it runs and
#: yields the subscriber that follows its 'tasks' events.
TaskDisplay = Callable[[str, int], AbstractContextManager[OnEvent]]
_DISPLAYS: dict[str, TaskDisplay] = {}


def register_task_display(display: TaskDisplay) -> None:
    """Set how counted work is shown (the presentation layer calls this; the last one registered is used).

    Parameters
    ----------
    display : callable
        ``display(description, total)`` -> context manager yielding an event subscriber.
    """
    _DISPLAYS["tasks"] = display


@contextlib.contextmanager
def task_display(description: str, total: int, show: bool) -> Iterator[OnEvent | None]:
    """The registered task display while the block runs, when ``show`` and one is registered.

    Parameters
    ----------
    description : str
        What is counted (the display's label).
    total : int
        Units of work in all.
    show : bool
        Whether to show anything.

    Yields
    ------
    callable or None
        The display's event subscriber (None when nothing is shown).
    """
    display = _DISPLAYS.get("tasks")
    if not show or display is None:
        yield None
        return
    with display(description, total) as follow:
        yield follow
