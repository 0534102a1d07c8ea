"""What a person sees on the terminal: literal text and the progress bar of counted work.

Messages and tables carry text from input files (council names, codes, paths,
config values). Printed through rich markup, ``[region]`` would vanish and
``[/x]`` would crash; printed raw, an ANSI escape in a boundary file would drive
the terminal. Everything the CLI prints goes through :func:`line` and :func:`table`:
rich ``Text`` (never markup) with every control character shown as a visible escape
(:func:`sharedopt.common.literal.clean`).

The pipeline only emits events; drawing them is done here. :func:`task_bar` follows the
'tasks' events of a what-if sweep or a Monte Carlo (units done of all, and the time left);
importing this module registers it as the pipeline's task display
(:func:`sharedopt.pipeline.events.register_task_display`), which ``sweep(..., progress=True)``
and ``uncertainty(..., progress=True)`` show. ``import sharedopt`` imports it on first use of
any public name, and so does the command line.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TaskProgressColumn, TextColumn,
                           TimeRemainingColumn)
from rich.table import Table
from rich.text import Text

from sharedopt.common.literal import clean
from sharedopt.pipeline.events import Event, OnEvent, register_task_display

__all__ = ["line", "literal", "table", "task_bar", "task_columns"]


def literal(text: object, style: str = "") -> Text:
    """A rich ``Text`` showing ``text`` exactly (no markup), control characters escaped."""
    return Text(clean(text), style=style)


def line(*parts: object | tuple[object, str]) -> Text:
    """One message from parts: plain values, or ``(value, style)`` pairs; all shown literally.

    Examples
    --------
    >>> line(("error: ", "bold red"), "typo.toml:5: [constraints] unknown key").plain
    'error: typo.toml:5: [constraints] unknown key'
    """
    text = Text()
    for part in parts:
        value, style = part if isinstance(part, tuple) else (part, "")
        text.append(clean(value), style=style)
    return text


def table(title: object, columns: Iterable[object], rows: Iterable[Iterable[object]]) -> Table:
    """A rich ``Table`` whose title, headers and cells are all shown literally."""
    out = Table(title=literal(title))
    for column in columns:
        out.add_column(literal(column))
    for row in rows:
        out.add_row(*[literal(cell) for cell in row])
    return out


def task_columns() -> tuple[ProgressColumn, ...]:
    """The task bar's columns: label, bar, units done of all, per cent, time left (ETA)."""
    return (TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
            TaskProgressColumn(), TimeRemainingColumn())


@contextlib.contextmanager
def task_bar(description: str, total: int, console: Console | None = None) -> Iterator[OnEvent]:
    """A transient progress bar that follows 'tasks' events while the block runs.

    Parameters
    ----------
    description : str
        The bar's label (shown literally).
    total : int
        Units of work in all (variants, draws).
    console : rich.console.Console, optional
        Where to draw (default: rich's console, stdout).

    Yields
    ------
    callable
        The bar's event subscriber: a 'tasks' event with ``done`` moves the bar.
    """
    bar = Progress(*task_columns(), console=console, transient=True)
    task = bar.add_task(clean(description), total=total)

    def follow(event: Event) -> None:
        if event.step == "tasks" and event.done is not None:
            bar.update(task, completed=event.done, total=event.total or total)

    bar.start()
    try:
        yield follow
    finally:
        bar.stop()


register_task_display(task_bar)
