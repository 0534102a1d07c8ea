"""What a run knows before it ends, for a caller that starts work early: :class:`Watcher`, :class:`Preview`.

The ranking's re-solves, the cash flows and the summary take a while after the solve, yet
the chosen portfolio is final as soon as the solve ends (no chosen candidate gets a
loss-if-forced figure). A watcher passed to :func:`sharedopt.pipeline.sequencer.run` is told
when the inputs are loaded and, before the re-solves, what the portfolio is: the report
writer uses it to draw the maps in a second process while the run goes on
(:mod:`sharedopt.report.early_maps`). Nothing the run computes depends on a watcher.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from sharedopt.config.schema import RunConfig
from sharedopt.pipeline.result import Inputs
from sharedopt.results.run_summary import RunSummary

__all__ = ["Preview", "Watcher"]


@dataclass(frozen=True)
class Preview:
    """The run's portfolio before the ranking's re-solves: tables as the :class:`~sharedopt.pipeline.result.Result`
    will hold them.

    Attributes
    ----------
    config : RunConfig
    authorities : geopandas.GeoDataFrame
        The very object the result will hold.
    portfolio : pandas.DataFrame
        The chosen candidates, every column (the result's ``portfolio``).
    shares : pandas.DataFrame
        The result's ``shares`` (every candidate's).
    summary : RunSummary
        Only the blocks known before the ranking: ``region``, ``data_sources``, ``attribution``,
        ``existing_partnerships`` (:func:`sharedopt.results.summary.map_blocks`).
    """

    config: RunConfig
    authorities: object
    portfolio: pd.DataFrame
    shares: pd.DataFrame
    summary: RunSummary


class Watcher(Protocol):
    """Told what a run knows as soon as it knows it (see the module docstring)."""

    def loaded(self, inputs: Inputs) -> None:
        """The inputs are loaded (the candidates are enumerated next)."""

    def chosen(self, preview: Preview) -> None:
        """The solve chose this portfolio (the ranking's re-solves and the summary follow)."""
