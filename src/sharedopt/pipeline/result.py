"""What a run works on and what it produces: :class:`Inputs` and :class:`Result`."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sharedopt.candidates.table import CANDIDATE_ID
from sharedopt.config.schema import RunConfig
from sharedopt.data import DataQuality
from sharedopt.data.authorities import council_names
from sharedopt.pipeline.notebook import map_view, result_html
from sharedopt.results.run_summary import RunSummary
from sharedopt.solve.result import SolveResult

__all__ = ["Inputs", "Result"]


@dataclass(frozen=True)
class Inputs:
    """Loaded data of one region: authorities, costs, data-quality report, service graphs."""

    authorities: object
    costs: pd.DataFrame
    quality: DataQuality
    graphs: dict
    sources: list[dict]


@dataclass(frozen=True)
class Result:
    """Everything a run produced: solver report and tables.

    Write it with :func:`sharedopt.report.run_result.write_result`; draw its map with
    :func:`sharedopt.report.run_result.plot_result`.

    Attributes
    ----------
    config : RunConfig
    solver : SolveResult
    candidates : pandas.DataFrame
        Every candidate, ranked, with ``chosen``.
    portfolio : pandas.DataFrame
        The chosen candidates.
    shares : pandas.DataFrame
        Per-member shares of every candidate.
    summary : RunSummary
        The run summary (what ``summary.json`` holds), read by attribute.
    quality : pandas.DataFrame
        Data-quality report.
    authorities : geopandas.GeoDataFrame
    enumeration, existing, cashflows, alternatives : pandas.DataFrame
        Enumeration statistics, existing partnerships, per-council cash flows and
        near-optimal alternatives.
    timings : dict
        Wall-clock figures of the run, never written to a file (the outputs are the same
        bytes on an idle or a busy machine): ``solve_seconds``, ``build_seconds``,
        ``seconds_by_phase`` (solver phases, ``ranking_re_solves``, ``alternatives``) and,
        with a time budget, ``time_budget`` = ``{budget_seconds, spent_seconds, left_seconds}``.
        ``sharedopt run`` prints them on the console.
    """

    config: RunConfig
    solver: SolveResult
    candidates: pd.DataFrame
    portfolio: pd.DataFrame
    shares: pd.DataFrame
    summary: RunSummary
    quality: pd.DataFrame
    authorities: object
    enumeration: pd.DataFrame = field(default_factory=pd.DataFrame)
    existing: pd.DataFrame = field(default_factory=pd.DataFrame)
    cashflows: pd.DataFrame = field(default_factory=pd.DataFrame)
    alternatives: pd.DataFrame = field(default_factory=pd.DataFrame)
    timings: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "summary", RunSummary.of(self.summary))  # its JSON form is read back

    def __repr__(self) -> str:
        """Short: name, solver status, objective and counts (the tables are attributes)."""
        objective = self.summary.solve.objective
        shown = f"£{objective:,.0f}k" if isinstance(objective, (int, float)) else "n/a"
        return (f"Result(name={self.config.name!r}, status={self.summary.solve.status!r}, objective={shown}, "
                f"partnerships={len(self.portfolio)}, candidates={len(self.candidates):,}, "
                f"councils={len(self.authorities)})")

    def _repr_html_(self) -> str:
        """The headline and the chosen partnerships as HTML tables (Jupyter shows this)."""
        return result_html(self.summary, self.portfolio, council_names(self.authorities))

    @property
    def tornado(self) -> pd.DataFrame:
        """The tornado of unknowns, one row per lever, widest swing first (empty without ``--tornado``)."""
        block = self.summary.tornado or {}
        return pd.DataFrame(block.get("levers", []))

    @property
    def robustness(self) -> pd.DataFrame:
        """Each chosen partnership's share of Monte Carlo draws, its recommendation and its hinge.

        Columns the candidate id, ``p_in_portfolio, recommendation, hinges_on`` where the run has
        them (a Monte Carlo, a tornado); empty when it has neither.
        """
        cols = [c for c in (CANDIDATE_ID, "p_in_portfolio", "recommendation", "hinges_on") if c in self.portfolio]
        return self.portfolio[cols].reset_index(drop=True) if len(cols) > 1 else pd.DataFrame()

    def map(self):
        """The interactive map of the run (councils named, shaded by NPV share; shows itself in Jupyter).

        Returns
        -------
        sharedopt.report.html.notebook.InteractiveMap
            An object with ``_repr_html_`` and ``html`` (the SVG and its legend).
        """
        return map_view(self)
