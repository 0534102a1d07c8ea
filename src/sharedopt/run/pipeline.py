"""The pipeline as named steps, each callable on its own.

``load_inputs`` (data) -> ``enumerate_candidates`` (options) -> ``create_model``
(model) -> ``solve_model`` (solve) -> ``assign_solution`` (rank, shares, summary)
-> :meth:`Result.to_dir` (report). :func:`run` chains them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from time import perf_counter

import numpy as np
import pandas as pd

from sharedopt.results.alternatives import alternatives_table, near_optimal_alternatives, stability
from sharedopt.results.cashflow import cashflow_summary, council_cashflows
from sharedopt.config.schema import RunConfig
from sharedopt.data import DataQuality, load_authorities, load_costs, load_user_boundaries
from sharedopt.data.plausibility import report_unusual_spend
from sharedopt.data.sources import sources_for
from sharedopt.model.build import PortfolioModel, build_model
from sharedopt.candidates.build import build_candidates
from sharedopt.candidates.forced import ensure_candidates
from sharedopt.candidates.graphs import service_graphs
from sharedopt.candidates.table import CandidateSet
from sharedopt.results.rank import rank_candidates
from sharedopt.run.references import check_references
from sharedopt.solve.lp_bounds import is_large
from sharedopt.candidates.value import CostBase, scale_frontier
from sharedopt.model.status_quo import (effective_constraints, existing_partnerships_json,
                                  existing_partnerships_table, status_quo_table)
from sharedopt.solve.api import SolveResult, solve
from sharedopt.solve.backends.registry import check_solver
from sharedopt.solve.generate import ColumnGenerator
from sharedopt.results.summary import build_summary, json_safe

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
    existing: pd.DataFrame = field(default_factory=pd.DataFrame)
    cashflows: pd.DataFrame = field(default_factory=pd.DataFrame)
    alternatives: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __repr__(self) -> str:
        """Short: name, solver status, objective and counts (the tables are attributes)."""
        objective = self.summary.get("objective")
        shown = f"£{objective:,.0f}k" if isinstance(objective, (int, float)) else "n/a"
        return (f"Result(name={self.config.name!r}, status={self.summary.get('status')!r}, objective={shown}, "
                f"partnerships={len(self.portfolio)}, candidates={len(self.candidates):,}, "
                f"councils={len(self.authorities)})")

    def to_dir(self, path: str | Path, formats: set[str] | None = None,
               progress: Callable[[str], None] | None = None) -> dict[str, Path]:
        """Write the outputs (CSV, JSON, XLSX, map, HTML) atomically into ``path``.

        ``progress``, when given, gets a short text per file (and per 5,000 workbook rows).
        """
        from sharedopt.report import write_outputs
        formats = formats or set(self.config.report.formats)
        return write_outputs(
            Path(path), authorities=self.authorities, candidates=self.candidates,
            portfolio=self.portfolio, shares=self.shares, summary=self.summary,
            formats=formats, per_service_maps=self.config.report.per_service_maps,
            map_shading=self.config.report.map_shading,
            title=self.config.report.title or "Shared-services opportunities",
            extra_tables={"data_quality": self.quality,
                          "enumeration": self.enumeration.drop(columns=["seconds"], errors="ignore"),
                          "council_cashflows": self.cashflows,
                          **({"existing_partnerships": self.existing} if len(self.existing.columns) else {}),
                          **({"alternatives": self.alternatives} if len(self.alternatives.columns) else {})},
            progress=progress,
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
        check_references(config, authorities)
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
    check_references(config, authorities)
    costs = load_costs(selection, config.data.year, costs_csv=config.data.costs_csv,
                       include_non_council=config.data.include_non_council, quality=quality,
                       authorities=user_authorities, service_detail=config.data.service_detail)
    report_unusual_spend(costs, authorities, quality)
    _emit(progress, "load", authorities=len(authorities), cost_rows=len(costs))
    graphs = service_graphs(authorities, costs, config.model, region.link_list(), config.data.services)
    for service, graph in graphs.items():
        for code in graph.graph["isolated"]:
            quality.add(file="adjacency", code=code, field=service,
                        issue=f"{graph.nodes[code]['name']} has no neighbour delivering {service}",
                        action="no scale partnership possible; add a link in [region] links if one exists")
    if config.constraints.status_quo:
        status_quo_table(authorities.index, quality)
    sources = sources_for(authorities, costs, config)
    return Inputs(authorities, costs, quality, graphs, sources)


def enumerate_candidates(inputs: Inputs, config: RunConfig, progress: Progress | None = None,
                         with_shares: bool = True) -> CandidateSet:
    """Step 2 (options): every candidate collaboration with its value and (optionally) shares."""
    def report(label: str, count: int) -> None:
        _emit(progress, "enumerate", label=label, candidates=count)

    candidates = build_candidates(inputs.authorities, inputs.costs, config.model,
                                  graphs=inputs.graphs, progress=report, with_shares=with_shares,
                                  constraints=effective_constraints(config.constraints, inputs.authorities.index),
                                  solver=config.solver, generator=ColumnGenerator())
    return ensure_candidates(candidates, list(config.constraints.forced), inputs.authorities,
                             inputs.costs, config.model)


def create_model(candidates: CandidateSet, config: RunConfig) -> PortfolioModel:
    """Step 3 (model): the 0/1 programme over the candidates.

    When the candidates were generated (:mod:`sharedopt.solve.generate`), the model carries the
    bound over every connected group, so the solve step reports its gap against it.
    """
    model = build_model(candidates.table, effective_constraints(config.constraints, region_of(candidates)))
    if candidates.generation is not None and not candidates.generation.closed:
        model = replace(model, outer_bound=candidates.generation.lp_bound)
    return model


def solve_model(model: PortfolioModel, config: RunConfig, extra=None) -> tuple[SolveResult, np.ndarray]:
    """Step 4 (solve): solve with the configured solver; optional user hook ``extra``.

    The model is split into independent pieces first; large HiGHS pieces (many more
    candidates than constraints) go through column generation and reduced-cost fixing
    (:mod:`sharedopt.solve.lp_bounds`), and pieces run in parallel threads (``solver.threads``).
    """
    return solve(model, config.solver, extra=extra)


def assign_solution(inputs: Inputs, candidates: CandidateSet, model: PortfolioModel, solved: SolveResult,
                    chosen: np.ndarray, config: RunConfig) -> Result:
    """Step 5: rank candidates, pick the portfolio, build the summary."""
    t_rank = perf_counter()
    ranked = rank_candidates(candidates.table, chosen, model, ranking_options(config, model),
                             top_n=ranking_depth(config, model))
    t_rank = perf_counter() - t_rank
    ranked = _integer_counts(ranked)
    portfolio = with_member_names(chosen_portfolio(ranked), inputs.authorities)
    base = CostBase.from_frames(inputs.authorities, inputs.costs, config.model)
    frontier = scale_frontier(base, config.model)
    summary = build_summary(config=config, solver=solved, portfolio=portfolio, candidates=ranked,
                            shares=candidates.shares, authorities=inputs.authorities,
                            enumeration=candidates.enumeration, frontier=frontier,
                            sources=inputs.sources, quality=inputs.quality, generation=candidates.generation)
    existing = existing_partnerships_table(config.constraints, inputs.authorities.index)
    summary.update(status_quo_summary(config, existing))
    from sharedopt.candidates.depth import depth_summary
    summary["depths"] = depth_summary(config.model, portfolio)
    flows = council_cashflows(portfolio, base, config.model)
    summary = {**summary, "cash_flows": json_safe(cashflow_summary(flows, inputs.authorities, config.model))}
    alternatives = pd.DataFrame()
    phases = {**summary.get("seconds_by_phase", {}), "ranking_re_solves": round(t_rank, 3)}
    if config.solver.alternatives and solved.status in ("optimal", "feasible"):
        t_alt = perf_counter()
        alternatives, summary["alternatives"] = _alternatives(model, solved, chosen, config)
        phases["alternatives"] = round(perf_counter() - t_alt, 3)
    summary["seconds_by_phase"] = phases
    return Result(config, solved, ranked, portfolio, candidates.shares, summary,
                  inputs.quality.to_frame(), inputs.authorities, candidates.enumeration, existing, flows,
                  alternatives)


def _alternatives(model: PortfolioModel, solved: SolveResult, chosen: np.ndarray, config: RunConfig):
    """Near-optimal alternatives (``solver.alternatives``): the table and the stability summary."""
    opts = config.solver
    alts = near_optimal_alternatives(model, chosen, opts.alternatives, opts.alternatives_gap, opts)
    table = alternatives_table(model, chosen, alts, solved.best_bound)
    proven = solved.status == "optimal" and (solved.gap or 0.0) <= 1e-6
    return table, json_safe(stability(chosen, alts, opts.alternatives_gap, proven))


def region_of(candidates: CandidateSet) -> set[str]:
    """Codes of the bodies in the candidates' service graphs (all a model can allocate)."""
    return {code for graph in candidates.graphs.values() for code in graph.nodes}


def status_quo_summary(config: RunConfig, existing: pd.DataFrame) -> dict:
    """``existing_partnerships`` (those with a member in the region) and a ``status_quo`` note."""
    in_region = existing[existing["n_members"] > 0]
    return {
        "existing_partnerships": existing_partnerships_json(in_region),
        "status_quo": {
            "on": bool(config.constraints.status_quo),
            "arrangements_in_data": int((existing["origin"] == "status quo data").sum()),
            "with_members_in_region": int(((existing["origin"] == "status quo data")
                                           & (existing["n_members"] > 0)).sum()),
            "note": ("Savings are additional to the existing partnerships listed: their members are "
                     "not re-allocated for that service." if config.constraints.status_quo else
                     "Blank-sheet view (status_quo = false): real arrangements are listed but not kept."),
        },
    }


# "Loss if forced" re-solves stop on a deterministic work limit (branch-and-bound nodes per
# solver call), so their figures do not depend on machine load; the wall clock is only a
# safety net, said in `forced_status` when it fires. Assumption: 1,000 nodes prove the
# North East re-solves in well under a second each; a piece not proven within them gets
# the proven interval instead of a point value.
RANKING_NODE_LIMIT = 1000
RANKING_TIME_LIMIT = 60.0  # seconds per re-solve: safety net only
# Large models: no loss-if-forced re-solves. Each would be a full MIP on which HiGHS
# overruns short time limits (presolve), so the ranking keeps NPV, chosen and conflicts only.
LARGE_RANKING_DEPTH = 0


def ranking_options(config: RunConfig, model: PortfolioModel):
    """Solver options for the ranking re-solves: a node limit each, the time limit as a safety net."""
    limit, nodes = config.solver.time_limit, config.solver.node_limit
    update = {"time_limit": max(limit or 0.0, RANKING_TIME_LIMIT),
              "node_limit": min(nodes or RANKING_NODE_LIMIT, RANKING_NODE_LIMIT)}
    if config.solver.name.strip().lower() == "cbc":
        update["threads"] = 1  # CBC's parallel search is not reproducible run to run
    return config.solver.model_copy(update=update)


def ranking_depth(config: RunConfig, model: PortfolioModel) -> int:
    """How many not-chosen candidates get a loss-if-forced re-solve."""
    top_n = config.report.top_n
    return min(top_n, LARGE_RANKING_DEPTH) if is_large(model, config.solver) else top_n


def _integer_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Population as whole people (int64) when every value is a whole number."""
    column = table.get("population")
    if column is None or not pd.api.types.is_float_dtype(column) or column.isna().any():
        return table
    if not (column == column.round()).all():
        return table
    return table.assign(population=column.astype("int64"))


def with_member_names(table: pd.DataFrame, authorities) -> pd.DataFrame:
    """The table with ``member_names`` (';'-joined council names) right after ``members``."""
    if "members" not in table or "name" not in getattr(authorities, "columns", ()) or "member_names" in table:
        return table
    names = authorities["name"].astype(str).to_dict()
    out = table.copy()
    out.insert(list(out.columns).index("members") + 1, "member_names",
               [";".join(names.get(code, code) for code in str(cell).split(";") if code) for cell in out["members"]])
    return out


def chosen_portfolio(ranked: pd.DataFrame) -> pd.DataFrame:
    """The chosen candidates with every column, best NPV first, with running totals."""
    table = ranked[ranked["chosen"].astype(bool)].sort_values("rank").reset_index(drop=True)
    table["cumulative_npv_gbp_k"] = table["npv_gbp_k"].cumsum()
    table["cumulative_one_off_cost_gbp_k"] = table["one_off_cost_gbp_k"].cumsum()
    return table


def run(config: RunConfig, progress: Progress | None = None, extra=None) -> Result:
    """Run the whole pipeline for one scenario (the solver is checked before any data is loaded)."""
    check_solver(config.solver.name)
    inputs = load_inputs(config, progress)
    candidates = enumerate_candidates(inputs, config, progress)
    model = create_model(candidates, config)
    _emit(progress, "model", variables=model.n_variables, constraints=model.n_constraints)
    solved, chosen = solve_model(model, config, extra)
    _emit(progress, "solve", status=solved.status, objective=solved.objective, gap=solved.gap)
    result = assign_solution(inputs, candidates, model, solved, chosen, config)
    if config.uncertainty.draws > 0:  # [uncertainty] draws = N: Monte Carlo over the uncertain inputs
        from sharedopt.run.uncertainty import attach_uncertainty
        result = attach_uncertainty(result)
    return result
