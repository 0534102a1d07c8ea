"""Write the workbook and the main map in other processes while this one writes the rest.

The workbook (XlsxWriter, pure Python) and the maps (matplotlib) are the two slow parts of
a large report and need nothing from each other, so for a large run on Linux the workbook
is written by a forked worker process into the same temporary report folder (forked, so the
tables are not copied and the caller's script is not run again, as a fresh "spawn" process
would; elsewhere, where forking is not the safe default, the workbook is written serially). The bytes are
those of a serial write: the same function writes the same file from the same tables; only
the order in which files appear changes, and the marker lists them sorted. The worker's
progress texts are passed on when it finishes. If no worker can be started, or the worker
fails in any way (it dies, a table cannot be sent to it, the workbook raises), the workbook is
written here, serially, so any error is the one a serial write raises.

:func:`start_job` runs any other part of the report (the main map's PNG and SVG) the same way,
in a process forked from this one: it starts with this process's memory (the run's tables, the
modules loaded), so nothing is sent to it but its answer back. Same function, same input, same
bytes; a job that fails or cannot start is run here instead.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sharedopt.report.workbook import write_xlsx

__all__ = ["PARALLEL_MIN_ROWS", "ForkedJob", "PendingWorkbook", "start_job", "start_workbook"]

#: candidate rows from which the workbook is written in a second process. Starting and joining
#: the forked worker costs a few hundredths of a second; a workbook takes 0.2 s and more even for
#: a few dozen candidates (its scenario, summary, assumption and cash-flow sheets), about half a
#: second from a hundred (Lancashire), which then overlaps the maps.
PARALLEL_MIN_ROWS = 100


@dataclass
class PendingWorkbook:
    """A workbook being written by a worker process."""

    pool: ProcessPoolExecutor
    future: Future
    arguments: dict[str, Any]

    def finish(self, say: Callable[[str, int, int], None]) -> Path:
        """Wait for the worker; pass on its progress texts; return the file written.

        Parameters
        ----------
        say : callable
            Gets ``(sheet, done, total)`` per progress report of the worker.

        Returns
        -------
        pathlib.Path
        """
        try:
            path, said = self.future.result()
        except Exception:  # noqa: BLE001 - any failure: write it here, raising what a serial write raises
            return write_xlsx(**self.arguments, progress=say)
        finally:
            self.pool.shutdown(wait=True)
        for sheet, done, total in said:
            say(sheet, done, total)
        return path

    def abandon(self) -> None:
        """The report failed elsewhere: let the worker end (its file is thrown away with the folder)."""
        self.pool.shutdown(wait=True, cancel_futures=True)


def start_workbook(arguments: dict[str, Any], rows: int) -> PendingWorkbook | None:
    """Start writing the workbook in a worker process, for a large run.

    Parameters
    ----------
    arguments : dict
        Keyword arguments of :func:`sharedopt.report.workbook.book.write_xlsx` (no ``progress``).
    rows : int
        Candidate rows of the run.

    Returns
    -------
    PendingWorkbook or None
        None when the run is small or no worker could be started (write it serially).
    """
    if rows < PARALLEL_MIN_ROWS or not sys.platform.startswith("linux"):
        return None
    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        return PendingWorkbook(pool, pool.submit(_write_in_worker, arguments), arguments)
    except (OSError, RuntimeError, ValueError):
        return None


def _write_in_worker(arguments: dict[str, Any]) -> tuple[Path, list[tuple[str, int, int]]]:
    """The worker's job: write the workbook, keep the progress texts."""
    said: list[tuple[str, int, int]] = []
    path = write_xlsx(**arguments, progress=lambda sheet, done, total: said.append((sheet, done, total)))
    return path, said


@dataclass
class ForkedJob:
    """A function running in a forked process; its answer comes back through a pipe."""

    process: Any
    answer: Any
    call: Callable[[], Any]

    def result(self) -> Any:
        """Wait for the job; its value, or (when the worker failed or died) the value of running it here.

        Returns
        -------
        object
            What the function returned.
        """
        try:
            done, value = self.answer.recv()
        except (EOFError, OSError):  # the worker died before answering
            done, value = False, None
        finally:
            self.abandon()
        return value if done else self.call()

    def abandon(self) -> None:
        """Stop waiting: end the worker (its files are thrown away with the report's folder)."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.answer.close()


def two_cores() -> bool:
    """True when this process may run on two cores or more (a second process then runs alongside).

    Returns
    -------
    bool
    """
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else range(os.cpu_count() or 1)
    return len(cores) >= 2


def start_job(function: Callable[..., Any], *arguments: Any) -> ForkedJob | None:
    """Start ``function(*arguments)`` in a forked process (Linux, two cores or more).

    Parameters
    ----------
    function : callable
        Writes its files and returns something small (it is sent back pickled).
    *arguments
        Its arguments (not sent: the forked process has them already).

    Returns
    -------
    ForkedJob or None
        None when no second process can run alongside or none could be started: call it here.
    """
    if not sys.platform.startswith("linux") or not two_cores() or multiprocessing.current_process().daemon:
        return None  # (a daemonic process, such as a multiprocessing.Pool worker, may not start one)
    context = multiprocessing.get_context("fork")
    try:
        answer, sender = context.Pipe(duplex=False)
        process = context.Process(target=_job_in_worker, args=(sender, function, arguments), daemon=True)
        process.start()
    except (OSError, RuntimeError, ValueError, AssertionError):
        return None
    sender.close()
    return ForkedJob(process, answer, lambda: function(*arguments))


def _job_in_worker(sender, function: Callable[..., Any], arguments: tuple) -> None:
    """The worker's side: run the job, send back ``(True, value)``, or ``(False, None)`` on any failure."""
    try:
        answer = (True, function(*arguments))
    except BaseException:  # noqa: BLE001 - any failure (even Ctrl-C): the caller runs the job itself
        answer = (False, None)
    try:
        sender.send(answer)
    except Exception:  # noqa: BLE001 - the value cannot be sent: the caller runs the job itself
        sender.send((False, None))
    sender.close()
