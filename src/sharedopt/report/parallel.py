"""Write the slow files of a report in forked worker processes while this one does the rest.

The workbook (XlsxWriter, pure Python), the large CSV tables (millions of cells) and the main
map (matplotlib, :mod:`sharedopt.report.map_files`) are the slow parts of a report and need
nothing from each other. So, on Linux with a core to spare (:func:`spare_core`), they are
written by forked child processes into the same temporary report folder while this process
draws the service panels and writes the HTML. On a machine already busy a worker would only
take turns with this process on the same cores, so everything is then written here.

Forked, so the tables are neither copied nor sent (the child reads the parent's memory, copied
only where it is written) and the caller's script is not run again, as a fresh "spawn" process
would; elsewhere, where forking is not the safe default, everything is written serially. Only
a small answer comes back through a pipe: the names written, or the workbook's progress texts.
The bytes are those of a serial write (the same function writes the same file from the same
tables); only the order in which files appear changes, and the marker lists them sorted. If no
child can be started, or it fails in any way (it dies, or its write raises), the file is written
here, serially, so any error is the one a serial write raises.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sharedopt.common.cpuload import others_busy
from sharedopt.report.tables import write_csv
from sharedopt.report.workbook import write_xlsx

__all__ = ["CSV_MIN_CELLS", "PARALLEL_MIN_ROWS", "SPARE_LOAD", "ForkedJob", "PendingTables", "PendingWorkbook",
           "WorkerFailed", "spare_core", "start_job", "start_tables", "start_workbook"]

#: candidate rows from which the workbook is written in a second process. Starting and joining
#: the forked worker costs a few hundredths of a second; a workbook takes 0.2 s and more even for
#: a few dozen candidates (its scenario, summary, assumption and cash-flow sheets), about half a
#: second from a hundred (Lancashire), which then overlaps the maps.
PARALLEL_MIN_ROWS = 100
#: cells (rows x columns) from which a CSV table is written in a second process: about a third of
#: a second of formatting (England's shares table has 10.6 million cells, its candidates 16.3 million)
CSV_MIN_CELLS = 1_000_000
#: cores other processes may keep busy beyond ``cores - 1`` with a worker still started
SPARE_LOAD = 0.5


class WorkerFailed(Exception):
    """A forked job did not give its answer (it raised, or its process died)."""


class ForkedJob:
    """One job run in a forked child process; its small, picklable answer comes back through a pipe.

    Parameters
    ----------
    job : callable
        Run in the child with no arguments; it sees this process's memory as it was at the fork.
    """

    def __init__(self, job: Callable[[], Any]):
        context = multiprocessing.get_context("fork")
        self._answer, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(job, send), daemon=True)
        gc.freeze()  # the child's collector leaves the parent's objects alone (no copies of their pages)
        try:
            self._process.start()
        finally:
            gc.unfreeze()
            send.close()

    def result(self) -> Any:
        """Wait for the child; its answer.

        Raises
        ------
        WorkerFailed
            The job raised in the child, or the child died.
        """
        try:
            ok, answer = self._answer.recv()
        except (EOFError, OSError) as error:
            raise WorkerFailed(f"the worker process ended without an answer ({error!r})") from None
        finally:
            self._answer.close()
            self._process.join()
        if not ok:
            raise WorkerFailed(answer)
        return answer

    def result_or(self, fallback: Callable[[], Any]) -> Any:
        """The child's answer, or (when it failed) ``fallback()`` run here, raising what a serial run raises."""
        try:
            return self.result()
        except WorkerFailed:
            return fallback()

    def abandon(self) -> None:
        """The report failed elsewhere: stop the child (its files are thrown away with the folder)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._answer.close()


def _run(job: Callable[[], Any], send) -> None:
    """The child's work: run the job, send ``(True, answer)`` or ``(False, what it raised)``, and end
    at once (no exit handlers, no flush of the standard streams a parent's thread may have held)."""
    try:
        answer = (True, job())
    except BaseException as error:  # noqa: BLE001 - any failure goes back to the parent, which writes serially
        answer = (False, repr(error))
    try:
        send.send(answer)
        send.close()
    finally:
        os._exit(0)


def spare_core() -> bool:
    """True when a second process would get a core's share: this process may run on two cores
    or more, and other processes kept at most ``cores - 1 + SPARE_LOAD`` of them busy on average
    since the run began (:func:`sharedopt.common.cpuload.others_busy`, which leaves this process
    out; the load average without a run's mark).

    On a machine already busy, a worker only takes turns with this process on the same cores,
    and both pay for the switching: measured on 2 cores at load 3 to 4.7, North East's report
    took 3.1-5.2 s written serially and 3.4-8.2 s with its workers. Up to the core count the
    workers still win: North East end to end, workers against serial, run alternately, took
    4.70 and 5.52 s against 6.23 and 6.19 s at load 1.3, and 11.8-13.7 s against 13.7-16.6 s at
    load 1.8-2.9. The load average would have turned them off there: it still holds the runs just
    finished (this machine idles at about 1.0-1.4) and, a minute into a long run, most of this
    process's own core.

    Returns
    -------
    bool
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores >= 2 and others_busy() <= cores - 1 + SPARE_LOAD


def start_job(job: Callable[[], Any]) -> ForkedJob | None:
    """Start ``job`` in a forked child process (on Linux, with a spare core).

    Parameters
    ----------
    job : callable
        See :class:`ForkedJob`.

    Returns
    -------
    ForkedJob or None
        None when no second process should run alongside (not Linux, where forking is not the safe
        default; a daemonic process, such as a ``multiprocessing.Pool`` worker, which may not start
        one; no :func:`spare_core`) or none could be started: run it here.
    """
    if not sys.platform.startswith("linux") or multiprocessing.current_process().daemon or not spare_core():
        return None
    try:
        return ForkedJob(job)
    except (OSError, RuntimeError, ValueError, AssertionError):
        return None


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
        try:
            path, said = self.job.result()
        except WorkerFailed:  # any failure: write it here, raising what a serial write raises
            return write_xlsx(**self.arguments, progress=say)
        for sheet, done, total in said:
            say(sheet, done, total)
        return path

    def abandon(self) -> None:
        """The report failed elsewhere: stop the worker (its file is thrown away with the folder)."""
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
    job = start_job(lambda: _write_in_worker(arguments))
    return PendingWorkbook(job, arguments) if job is not None else None


def _write_in_worker(arguments: dict[str, Any]) -> tuple[Path, list[tuple[str, int, int]]]:
    """The worker's job: write the workbook, keep the progress texts."""
    said: list[tuple[str, int, int]] = []
    path = write_xlsx(**arguments, progress=lambda sheet, done, total: said.append((sheet, done, total)))
    return path, said


@dataclass
class PendingTables:
    """CSV tables being written by a worker process."""

    job: ForkedJob
    tables: dict[str, tuple[pd.DataFrame, Path]]

    def finish(self) -> list[str]:
        """Wait for the worker; the names of the files written (written here if the worker failed)."""
        try:
            return self.job.result()
        except WorkerFailed:  # any failure: write them here, raising what a serial write raises
            return _write_tables(self.tables)

    def abandon(self) -> None:
        """The report failed elsewhere: stop the worker (its files are thrown away with the folder)."""
        self.job.abandon()


def start_tables(tables: dict[str, tuple[pd.DataFrame, Path]]) -> PendingTables | None:
    """Start writing CSV tables, one after the other, in a worker process.

    Parameters
    ----------
    tables : dict of str to (DataFrame, pathlib.Path)
        Each table and its file (written with :func:`sharedopt.report.tables.write_csv`).

    Returns
    -------
    PendingTables or None
        None when there is no table or no worker could be started (write them serially).
    """
    job = start_job(lambda: _write_tables(tables)) if tables else None
    return PendingTables(job, tables) if job is not None else None


def _write_tables(tables: dict[str, tuple[pd.DataFrame, Path]]) -> list[str]:
    """Write the tables; their file names."""
    return [write_csv(frame, path).name for frame, path in tables.values()]
