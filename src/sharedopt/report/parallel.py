"""Write the workbook and the main map in other processes while this one writes the rest.

The workbook (XlsxWriter, pure Python) and the maps (matplotlib) are the slow parts of a
report and need nothing from each other, so on Linux they are written by processes forked
from this one (:func:`start_job`) into the same temporary report folder. A forked process
starts with this process's memory (the run's tables, the modules loaded), so nothing is sent
to it but its answer back, and the caller's script is not run again, as a fresh "spawn"
process would; elsewhere, where forking is not the safe default, everything is written
serially. The bytes are those of a serial write: the same function writes the same file from
the same tables; only the order in which files appear changes, and the marker lists them
sorted. If no worker can be started, or a worker fails in any way (it dies, its answer cannot
be sent back, the function raises), the job is run here, serially, so any error is the one a
serial write raises. The workbook's progress texts are passed on when its worker finishes.
Workers are started only when a core is idle (:func:`spare_core`): on a busy machine they
would only take turns with this process.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sharedopt.report.workbook import write_xlsx

__all__ = ["PARALLEL_MIN_ROWS", "SPARE_LOAD", "ForkedJob", "PendingWorkbook", "spare_core", "start_job",
           "start_workbook"]

#: candidate rows from which the workbook is written in a second process. Starting and joining
#: the forked worker costs a few hundredths of a second; a workbook takes 0.2 s and more even for
#: a few dozen candidates (its scenario, summary, assumption and cash-flow sheets), about half a
#: second from a hundred (Lancashire), which then overlaps the maps.
PARALLEL_MIN_ROWS = 100
#: seconds a worker that has answered is given to end before it is stopped
EXIT_WAIT = 5.0
#: load above ``cores - 1`` (runnable processes, averaged over a minute) still taken as a spare core
SPARE_LOAD = 0.5


@dataclass
class PendingWorkbook:
    """A workbook being written by a worker process."""

    job: ForkedJob
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
        path, said = self.job.result()
        for sheet, done, total in said:
            say(sheet, done, total)
        return path

    def abandon(self) -> None:
        """The report failed elsewhere: end the worker (its file is thrown away with the folder)."""
        self.job.abandon()


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
    if rows < PARALLEL_MIN_ROWS:
        return None
    job = start_job(_write_keeping_progress, arguments)
    return PendingWorkbook(job, arguments) if job is not None else None


def _write_keeping_progress(arguments: dict[str, Any]) -> tuple[Path, list[tuple[str, int, int]]]:
    """Write the workbook; keep the progress texts (a worker cannot show them)."""
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
            self.process.join(timeout=EXIT_WAIT)  # it has answered: let it end on its own
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


def spare_core() -> bool:
    """True when a second process would have a core to itself: this process may run on two cores
    or more, and the last minute's load average (this process included) leaves one idle.

    On a machine already busy, a worker only takes turns with this process on the same cores,
    and both pay for the switching: measured on 2 cores at load 3 to 4.7, North East's report
    took 3.1-5.2 s written serially and 3.4-8.2 s with its workers.

    Returns
    -------
    bool
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores >= 2 and os.getloadavg()[0] <= cores - 1 + SPARE_LOAD


def start_job(function: Callable[..., Any], *arguments: Any) -> ForkedJob | None:
    """Start ``function(*arguments)`` in a forked process (Linux, a spare core).

    Parameters
    ----------
    function : callable
        Writes its files and returns something small (it is sent back pickled).
    *arguments
        Its arguments (not sent: the forked process has them already).

    Returns
    -------
    ForkedJob or None
        None when no second process can run alongside (not Linux, a daemonic process, no
        :func:`spare_core`) or none could be started: call it here.
    """
    if not sys.platform.startswith("linux") or multiprocessing.current_process().daemon or not spare_core():
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
