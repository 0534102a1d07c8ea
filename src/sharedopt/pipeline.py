"""The pipeline as named steps, each callable on its own.

``load_inputs`` (data) -> ``enumerate_candidates`` (options) -> ``create_model``
(model) -> ``solve_model`` (solve) -> ``assign_solution`` (rank, shares, summary)
-> :meth:`Result.to_dir` (report). :func:`run` chains them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from sharedopt.config import RunConfig
from sharedopt.data import DataQuality, load_authorities, load_costs, load_user_boundaries
from sharedopt.data.sources import sources_for
from sharedopt.model import PortfolioModel, build_model
from sharedopt.options import CandidateSet, build_candidates, ensure_candidates, service_graphs
from sharedopt.rank import rank_candidates
from sharedopt.pricing import is_large
from sharedopt.savings import CostBase, scale_frontier
from sharedopt.solve import SolveResult, solve
from sharedopt.summary import build_summary

Progress = Callable[[str, dict], None]


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
    summary : dict
        JSON-safe summary (solver report at the top level, totals, breakdowns).
    quality : pandas.DataFrame
        Data-quality report.
    authorities : geopandas.GeoDataFrame
    """

    config: RunConfig
    solver: SolveResult
    candidates: pd.DataFrame
    portfolio: pd.DataFrame
    shares: pd.DataFrame
    summary: dict
    quality: pd.DataFrame
    authorities: object
    enumeration: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_dir(self, path: str | Path, formats: set[str] | None = None) -> dict[str, Path]:
        """Write the outputs (CSV, JSON, XLSX, map, HTML) atomically into ``path``."""
        from sharedopt.report import write_outputs
        formats = formats or set(self.config.report.formats)
        return write_outputs(
            Path(path), authorities=self.authorities, candidates=self.candidates,
            portfolio=self.portfolio, shares=self.shares, summary=self.summary,
            formats=formats, per_service_maps=self.config.report.per_service_maps,
            title=self.config.report.title or "Shared-services opportunities",
            extra_tables={"data_quality": self.quality,
                          "enumeration": self.enumeration.drop(columns=["seconds"], errors="ignore")},
        )

    def plot(self):
        """The portfolio map as a matplotlib Figure."""
        from sharedopt.report.maps import plot_portfolio_map
        return plot_portfolio_map(self.authorities, self.portfolio, self.shares,
                                  attribution=self.summary.get("attribution"))


def _emit(progress: Progress | None, step: str, **info) -> None:
    if progress is not None:
        progress(step, info)


def load_inputs(config: RunConfig, progress: Progress | None = None) -> Inputs:
    """Step 1 (data): authorities, costs and the per-service neighbour graphs."""
    quality = DataQuality()
    region = config.region
    if (region.name or "").startswith("us-"):  # US counties: SYNTHETIC costs, graph from the JSON adjacency
        from sharedopt.data.us import us_inputs
        authorities, costs, graphs, sources = us_inputs(config, quality)
        _emit(progress, "load", authorities=len(authorities), cost_rows=len(costs))
        return Inputs(authorities, costs, quality, graphs, sources)
    if region.boundary_file is not None:
        authorities = load_user_boundaries(region.boundary_file, region.code_field, region.name_field,
                                           region.population_field, quality=quality)
        selection = list(authorities.index)
        user_authorities = authorities
    else:
        selection = region.selection()
        authorities = load_authorities(selection, quality=quality)
        user_authorities = None
    costs = load_costs(selection, config.data.year, costs_csv=config.data.costs_csv,
                       include_non_council=config.data.include_non_council, quality=quality,
                       authorities=user_authorities)
    _emit(progress, "load", authorities=len(authorities), cost_rows=len(costs))
    graphs = service_graphs(authorities, costs, config.model, region.link_list(), config.data.services)
    for service, graph in graphs.items():
        for code in graph.graph["isolated"]:
            quality.add(file="adjacency", code=code, field=service,
                        issue=f"{graph.nodes[code]['name']} has no neighbour delivering {service}",
                        action="no scale partnership possible; add a link in [region] links if one exists")
    sources = sources_for(authorities, costs, config)
    return Inputs(authorities, costs, quality, graphs, sources)


def enumerate_candidates(inputs: Inputs, config: RunConfig, progress: Progress | None = None,
                         with_shares: bool = True) -> CandidateSet:
    """Step 2 (options): every candidate collaboration with its value and (optionally) shares."""
    def report(label: str, count: int) -> None:
        _emit(progress, "enumerate", label=label, candidates=count)

    candidates = build_candidates(inputs.authorities, inputs.costs, config.model,
                                  graphs=inputs.graphs, progress=report, with_shares=with_shares,
                                  constraints=config.constraints, solver=config.solver)
    return ensure_candidates(candidates, list(config.constraints.forced), inputs.authorities,
                             inputs.costs, config.model)


def create_model(candidates: CandidateSet, config: RunConfig) -> PortfolioModel:
    """Step 3 (model): the 0/1 programme over the candidates.

    When the candidates were generated (:mod:`sharedopt.colgen`), the model carries the
    bound over every connected group, so the solve step reports its gap against it.
    """
    model = build_model(candidates.table, config.constraints)
    if candidates.generation is not None and not candidates.generation.closed:
        model = replace(model, outer_bound=candidates.generation.lp_bound)
    return model


def solve_model(model: PortfolioModel, config: RunConfig, extra=None) -> tuple[SolveResult, np.ndarray]:
    """Step 4 (solve): solve with the configured solver; optional user hook ``extra``.

    The model is split into independent pieces first; large HiGHS pieces (many more
    candidates than constraints) go through column generation and reduced-cost fixing
    (:mod:`sharedopt.pricing`), and pieces run in parallel threads (``solver.threads``).
    """
    return solve(model, config.solver, extra=extra)


def assign_solution(inputs: Inputs, candidates: CandidateSet, model: PortfolioModel, solved: SolveResult,
                    chosen: np.ndarray, config: RunConfig) -> Result:
    """Step 5: rank candidates, pick the portfolio, build the summary."""
    ranked = rank_candidates(candidates.table, chosen, model, ranking_options(config, model),
                             top_n=ranking_depth(config, model))
    portfolio = chosen_portfolio(ranked)
    base = CostBase.from_frames(inputs.authorities, inputs.costs, config.model)
    frontier = scale_frontier(base, config.model)
    summary = build_summary(config=config, solver=solved, portfolio=portfolio, candidates=ranked,
                            shares=candidates.shares, authorities=inputs.authorities,
                            enumeration=candidates.enumeration, frontier=frontier,
                            sources=inputs.sources, quality=inputs.quality, generation=candidates.generation)
    return Result(config, solved, ranked, portfolio, candidates.shares, summary,
                  inputs.quality.to_frame(), inputs.authorities, candidates.enumeration)


RANKING_TIME_LIMIT = 10.0  # seconds per "loss if forced" re-solve
# Large models: no loss-if-forced re-solves. Each would be a full MIP on which HiGHS
# overruns short time limits (presolve), so the ranking keeps NPV, chosen and conflicts only.
LARGE_RANKING_DEPTH = 0


def ranking_options(config: RunConfig, model: PortfolioModel):
    """Solver options for the ranking re-solves: a short time limit each."""
    limit = config.solver.time_limit
    return config.solver.model_copy(update={"time_limit": min(limit or RANKING_TIME_LIMIT, RANKING_TIME_LIMIT)})


def ranking_depth(config: RunConfig, model: PortfolioModel) -> int:
    """How many not-chosen candidates get a loss-if-forced re-solve."""
    top_n = config.report.top_n
    return min(top_n, LARGE_RANKING_DEPTH) if is_large(model, config.solver) else top_n


def chosen_portfolio(ranked: pd.DataFrame) -> pd.DataFrame:
    """The chosen candidates with every column, best NPV first, with running totals."""
    table = ranked[ranked["chosen"].astype(bool)].sort_values("rank").reset_index(drop=True)
    table["cumulative_npv_gbp_k"] = table["npv_gbp_k"].cumsum()
    table["cumulative_one_off_cost_gbp_k"] = table["one_off_cost_gbp_k"].cumsum()
    return table


def run(config: RunConfig, progress: Progress | None = None, extra=None) -> Result:
    """Run the whole pipeline for one scenario."""
    inputs = load_inputs(config, progress)
    candidates = enumerate_candidates(inputs, config, progress)
    model = create_model(candidates, config)
    _emit(progress, "model", variables=model.n_variables, constraints=model.n_constraints)
    solved, chosen = solve_model(model, config, extra)
    _emit(progress, "solve", status=solved.status, objective=solved.objective, gap=solved.gap)
    return assign_solution(inputs, candidates, model, solved, chosen, config)
