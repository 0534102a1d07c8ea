"""The report's maps drawn while the run is still running: :class:`EarlyMaps`.

A run's slowest report files are its maps (matplotlib: loading it, then drawing the main map,
its SVG and the service panels), and they need only the councils, the chosen portfolio and a
few lines of the summary, all known before the ranking's re-solves. So, passed to
:func:`sharedopt.pipeline.sequencer.run` as its watcher (:mod:`sharedopt.pipeline.preview`),
:class:`EarlyMaps` forks a worker (:func:`sharedopt.report.parallel.start_job`: on Linux, with a
spare core) as soon as the inputs are loaded. The worker loads matplotlib and projects the
councils while this process enumerates and solves; once the solve has chosen the portfolio it
is sent the tables it draws from, and it draws every map (:func:`sharedopt.report.map_files.draw_maps`)
while this process ranks, builds the summary and writes the tables and the workbook. Given
to :func:`sharedopt.report.run_result.write_result`, the report writes the maps' bytes as they
came back.

The bytes are those of a serial write: the same functions draw from the same tables. The
report uses the worker's maps only when what it would draw them from is what the worker was
sent (the same councils object, equal portfolio, shares and map texts, the same formats and
title); otherwise, or when the worker failed, the maps are drawn in this process as usual.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sharedopt.candidates.table import CANDIDATE_ID
from sharedopt.config.schema import RunConfig
from sharedopt.pipeline.preview import Preview
from sharedopt.pipeline.result import Inputs
from sharedopt.report.map import preload, projected_shapes, shared_geometry, simplified_shapes
from sharedopt.report.map_files import MAP_FORMATS, Drawn, draw_maps, map_options, map_title
from sharedopt.report.parallel import ForkedJob, WorkerFailed, start_job

__all__ = ["DEFAULT_TITLE", "EarlyMaps", "ReportOptions", "report_options"]

#: the report's title when the config names none
DEFAULT_TITLE = "Shared-services opportunities"


@dataclass(frozen=True)
class ReportOptions:
    """How a run's report is written, from its config (:func:`report_options`)."""

    formats: frozenset[str]
    title: str
    per_service: bool
    shading: str


def report_options(config: RunConfig, formats: set[str] | None = None) -> ReportOptions:
    """The report's formats, title, per-service maps and map shading for ``config``.

    Parameters
    ----------
    config : RunConfig
    formats : set of str, optional
        Default: the config's ``[report] formats``.

    Returns
    -------
    ReportOptions
    """
    report = config.report
    wanted = frozenset(str(f).lower().lstrip(".") for f in (formats or report.formats))
    return ReportOptions(wanted, report.title or DEFAULT_TITLE, bool(report.per_service_maps), report.map_shading)


@dataclass(frozen=True)
class _Sent:
    """What the worker was sent, to tell whether the report draws from the same."""

    authorities: object
    portfolio: pd.DataFrame
    shares: pd.DataFrame
    options: ReportOptions
    map: dict
    map_title: str
    attribution: str | None


class EarlyMaps:
    """Draws a run's maps in a worker process while the run goes on (see the module docstring).

    Parameters
    ----------
    config : RunConfig
        The run's config (its report formats say whether there are maps to draw).
    formats : set of str, optional
        The formats the report will be written in, when not the config's.
    """

    def __init__(self, config: RunConfig, formats: set[str] | None = None):
        self._formats = formats
        self._wanted = report_options(config, formats).formats & MAP_FORMATS
        self._job: ForkedJob | None = None
        self._send = None
        self._sent: _Sent | None = None

    @property
    def started(self) -> bool:
        """Whether a worker is drawing (or waiting to draw) the maps."""
        return self._job is not None

    def loaded(self, inputs: Inputs) -> None:
        """Fork the worker (when the report has maps and a core is spare); it loads matplotlib meanwhile."""
        if not self._wanted or self._job is not None:
            return
        receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
        authorities = inputs.authorities
        self._job = start_job(lambda: _serve(authorities, receive, send))
        receive.close()
        if self._job is None:
            send.close()
        else:
            self._send = send

    def chosen(self, preview: Preview) -> None:
        """Send the worker the tables its maps are drawn from."""
        if self._send is None:
            return
        try:
            options = report_options(preview.config, self._formats)
            sent = {"portfolio": preview.portfolio, "shares": _chosen_shares(preview.shares, preview.portfolio),
                    "summary": preview.summary, "map": map_options(preview.summary, options.shading)}
            self._send.send((sent, options.formats, options.title, options.per_service))
        except Exception:  # noqa: BLE001 - the maps are then drawn at the end, as without the worker
            self.abandon()
            return
        self._send.close()
        self._send = None
        self._sent = _Sent(preview.authorities, preview.portfolio, preview.shares, options, sent["map"],
                           map_title(options.title, preview.summary), preview.summary.attribution)

    def usable(self, inputs: dict[str, Any], wanted: frozenset[str], title: str, per_service: bool) -> bool:
        """Whether the worker draws what the report writer would draw from ``inputs``.

        Parameters
        ----------
        inputs : dict
            The report writer's tables and map options.
        wanted : frozenset of str
            The report's formats.
        title : str
            The report's title.
        per_service : bool
            Whether map_<service>.png files are written.

        Returns
        -------
        bool
        """
        sent = self._sent
        if sent is None or self._job is None:
            return False
        same_options = (sent.options.formats, sent.options.title, sent.options.per_service) == (
            wanted, title, per_service)
        return (same_options and inputs["authorities"] is sent.authorities and inputs["map"] == sent.map
                and map_title(title, inputs["summary"]) == sent.map_title
                and inputs["summary"].attribution == sent.attribution
                and _same(inputs["portfolio"], sent.portfolio) and _same(inputs["shares"], sent.shares))

    def drawn_or(self, fallback: Callable[[], Drawn]) -> Drawn:
        """Wait for the worker's maps; ``fallback()`` (drawn here) if it failed."""
        job, self._job = self._job, None
        if job is None:
            return fallback()
        try:
            return job.result()
        except WorkerFailed:
            return fallback()

    def abandon(self) -> None:
        """Stop the worker (its maps are not used)."""
        if self._send is not None:
            self._send.close()
            self._send = None
        job, self._job = self._job, None
        if job is not None:
            job.abandon()


def _serve(authorities, receive, send) -> Drawn:
    """The worker: load matplotlib, project the councils, wait for the tables, draw every map."""
    send.close()  # this process's copy of the parent's end: the parent closing its own then ends recv()
    preload()
    with shared_geometry():
        projected_shapes(authorities)
        simplified_shapes(authorities)
        sent, wanted, title, per_service = receive.recv()
        return draw_maps({**sent, "authorities": authorities}, wanted, title, per_service)


def _chosen_shares(shares: pd.DataFrame, portfolio: pd.DataFrame) -> pd.DataFrame:
    """The share rows of the chosen candidates (all the maps read), in their order."""
    if CANDIDATE_ID not in shares or CANDIDATE_ID not in portfolio:
        return shares
    return shares[shares[CANDIDATE_ID].isin(portfolio[CANDIDATE_ID])]


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """The same table: the very object, or equal columns and values."""
    return a is b or (a.columns.equals(b.columns) and a.equals(b))
