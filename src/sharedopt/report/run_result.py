"""A run's :class:`~sharedopt.pipeline.result.Result` to files and to a map figure."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sharedopt.report.map import plot_portfolio_map
from sharedopt.report import write_outputs
from sharedopt.report.early_maps import EarlyMaps, report_options
from sharedopt.pipeline.result import Result
from sharedopt.solve.status import Status

__all__ = ["plot_result", "write_result"]


def write_result(result: Result, path: str | Path, formats: set[str] | None = None,
                 progress: Callable[[str], None] | None = None, early_maps: EarlyMaps | None = None) -> dict[str, Path]:
    """Write a run's outputs (CSV, JSON, XLSX, map, HTML) atomically into ``path``.

    Parameters
    ----------
    result : Result
        From :func:`sharedopt.pipeline.sequencer.run`.
    path : str or pathlib.Path
        Output folder (see :func:`sharedopt.report.write_outputs`).
    formats : set of str, optional
        Default: the config's ``[report] formats``.
    progress : callable, optional
        Gets a short text per file (and per 5,000 workbook rows).
    early_maps : EarlyMaps, optional
        The run's watcher, whose worker drew the maps while the run ran (used when drawn from
        this result's tables; see :mod:`sharedopt.report.early_maps`).

    Returns
    -------
    dict of str to pathlib.Path
        The files written.

    Raises
    ------
    ValueError
        The result is of an interrupted solve: it is no result, and the folder is left as it was.
    """
    if result.summary.solve.status == Status.INTERRUPTED:
        if early_maps is not None:
            early_maps.abandon()
        raise ValueError(f"{path}: not written: the run was interrupted, so it has no result")
    options = report_options(result.config, formats)
    return write_outputs(
        Path(path), authorities=result.authorities, candidates=result.candidates,
        portfolio=result.portfolio, shares=result.shares, summary=result.summary,
        formats=set(options.formats), per_service_maps=options.per_service,
        map_shading=options.shading, title=options.title, early_maps=early_maps,
        extra_tables={"data_quality": result.quality,
                      "enumeration": result.enumeration.drop(columns=["seconds"], errors="ignore"),
                      "council_cashflows": result.cashflows,
                      **({"existing_partnerships": result.existing} if len(result.existing.columns) else {}),
                      **({"alternatives": result.alternatives} if len(result.alternatives.columns) else {})},
        progress=progress,
    )


def plot_result(result: Result):
    """The portfolio map of a run.

    Parameters
    ----------
    result : Result
        From :func:`sharedopt.pipeline.sequencer.run`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    return plot_portfolio_map(result.authorities, result.portfolio, result.shares,
                              attribution=result.summary.attribution)
