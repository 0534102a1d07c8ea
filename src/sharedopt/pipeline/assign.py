"""Step 5 of a run: rank the candidates, pick the portfolio, build the summary.

:func:`assign_solution` turns a :class:`~sharedopt.pipeline.steps.Solved` run into a
:class:`~sharedopt.pipeline.result.Result`.
"""

from __future__ import annotations

from time import perf_counter

import numpy as np
import pandas as pd

from sharedopt.candidates.table import CandidateSet, MEMBERS, NPV, ONE_OFF_COST, POPULATION
from sharedopt.candidates.poolable import with_status_quo
from sharedopt.candidates.frontier import scale_frontier
from sharedopt.candidates.value import CostBase
from sharedopt.config.schema import RunConfig
from sharedopt.data.authorities import council_names
from sharedopt.model.build import PortfolioModel
from sharedopt.candidates.status_quo import effective_constraints, existing_partnerships_table
from sharedopt.results.alternatives import alternatives_table, near_optimal_alternatives, stability
from sharedopt.results.cashflow import cashflow_summary, council_cashflows
from sharedopt.results.rank import by_rank, ranked_table, with_forced_losses
from sharedopt.results.run_summary import RunSummary
from sharedopt.results.summary import build_summary, map_blocks
from sharedopt.pipeline.events import OnEvent, emit
from sharedopt.pipeline.preview import Preview, Watcher
from sharedopt.pipeline.result import Inputs, Result
from sharedopt.solve.budget import Budget
from sharedopt.solve.result import SolveResult
from sharedopt.solve.status import SOLVED, Status
from sharedopt.solve.backends.registry import backend_for
from sharedopt.solve.lp_bounds import is_large

__all__ = ["assign_solution", "chosen_portfolio", "preview_of", "ranking_depth", "ranking_options",
           "run_timings", "with_member_names"]


def assign_solution(inputs: Inputs, candidates: CandidateSet, model: PortfolioModel, solved: SolveResult,
                    chosen: np.ndarray, config: RunConfig, on_event: OnEvent | None = None,
                    budget: Budget | None = None, watcher: Watcher | None = None) -> Result:
    """Step 5: rank candidates, pick the portfolio, build the summary.

    With the run's ``budget`` (:attr:`~sharedopt.pipeline.steps.Solved.budget`), the ranking
    re-solves and alternatives take their time limits from what is left of it; None: their own
    limits only. The wall-clock figures go to :attr:`~sharedopt.pipeline.result.Result.timings`,
    never to the summary (see :func:`run_timings`). A ``watcher`` is shown the portfolio
    before the re-solves (:func:`preview_of`).
    """
    emit(on_event, "assign", "ranking candidates and building the summary", "start")
    table = ranked_table(candidates.table, chosen, model)
    existing = existing_partnerships_table(config.constraints, inputs.authorities.index)
    if watcher is not None:
        watcher.chosen(preview_of(config, inputs, table, candidates.shares, existing))
    t_rank = perf_counter()
    ranked = by_rank(with_forced_losses(table, model, ranking_options(config, model),
                                        top_n=ranking_depth(config, model), budget=budget))
    t_rank = perf_counter() - t_rank
    ranked = _integer_counts(ranked)
    portfolio = with_member_names(chosen_portfolio(ranked), inputs.authorities)
    base = with_status_quo(CostBase.from_frames(inputs.authorities, inputs.costs, config.model),
                           effective_constraints(config.constraints, inputs.authorities.index))
    frontier = scale_frontier(base, config.model)
    flows = council_cashflows(portfolio, base, config.model, candidates.shares)
    alternatives, stable = pd.DataFrame(), None
    phases = {"ranking_re_solves": round(t_rank, 3)}
    if config.solver.alternatives and solved.status in SOLVED:
        t_alt = perf_counter()
        alternatives, stable = _alternatives(model, solved, chosen, config, budget)
        phases["alternatives"] = round(perf_counter() - t_alt, 3)
    summary = build_summary(config=config, solver=solved, portfolio=portfolio, candidates=ranked,
                            shares=candidates.shares, authorities=inputs.authorities,
                            enumeration=candidates.enumeration, frontier=frontier,
                            sources=inputs.sources, quality=inputs.quality, existing=existing,
                            cash_flows=cashflow_summary(flows, inputs.authorities, config.model),
                            generation=candidates.generation, alternatives=stable)
    emit(on_event, "assign", f"{len(portfolio)} partnerships chosen", "end")
    return Result(config, solved, ranked, portfolio, candidates.shares, summary,
                  inputs.quality.to_frame(), inputs.authorities, candidates.enumeration, existing, flows,
                  alternatives, run_timings(solved, phases, budget))


def run_timings(solved: SolveResult, phases: dict[str, float], budget: Budget | None) -> dict:
    """The wall-clock figures of a run, for :attr:`~sharedopt.pipeline.result.Result.timings`.

    Parameters
    ----------
    solved : SolveResult
        The solve: its ``solve_seconds``, ``build_seconds`` and ``seconds_by_phase``.
    phases : dict of str to float
        Seconds of the phases after the solve (``ranking_re_solves``, ``alternatives``).
    budget : Budget or None
        The run's time budget (None: no budget, no ``time_budget`` entry).

    Returns
    -------
    dict
        ``solve_seconds``, ``build_seconds``, ``seconds_by_phase`` (the solver's phases, then
        ``phases``) and, with a budget, ``time_budget`` = ``{budget_seconds, spent_seconds,
        left_seconds}``. Never written to an output file: they vary run to run.
    """
    timings = {"solve_seconds": solved.solve_seconds, "build_seconds": solved.build_seconds,
               "seconds_by_phase": {**solved.seconds_by_phase, **phases}}
    if budget is not None:
        timings["time_budget"] = budget.to_dict()
    return timings


def _alternatives(model: PortfolioModel, solved: SolveResult, chosen: np.ndarray, config: RunConfig,
                  budget: Budget | None):
    """Near-optimal alternatives (``solver.alternatives``): the table and the stability summary."""
    opts = config.solver
    alts = near_optimal_alternatives(model, chosen, opts.alternatives, opts.alternatives_gap, opts, budget)
    table = alternatives_table(model, chosen, alts, solved.best_bound)
    proven = solved.status == Status.OPTIMAL and (solved.gap or 0.0) <= 1e-6
    return table, stability(chosen, alts, opts.alternatives_gap, proven)


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
    priced = backend_for(config.solver).prices_large_models and is_large(model)
    return min(top_n, LARGE_RANKING_DEPTH) if priced else top_n


def _integer_counts(table: pd.DataFrame, whole: pd.DataFrame | None = None) -> pd.DataFrame:
    """Population as whole people (int64) when every value is a whole number (of ``whole``, default the table)."""
    column = (table if whole is None else whole).get(POPULATION)
    if column is None or not pd.api.types.is_float_dtype(column) or column.isna().any():
        return table
    if not (column == column.round()).all():
        return table
    return table.assign(population=table[POPULATION].astype("int64"))


def preview_of(config: RunConfig, inputs: Inputs, table: pd.DataFrame, shares: pd.DataFrame,
               existing: pd.DataFrame) -> Preview:
    """The portfolio as :func:`assign_solution` will return it, from the ranking's table before its re-solves.

    Parameters
    ----------
    config : RunConfig
    inputs : Inputs
    table : DataFrame
        :func:`~sharedopt.results.rank.ranked_table`'s (no chosen row gets a loss-if-forced figure).
    shares : DataFrame
        Every candidate's shares.
    existing : DataFrame
        The existing-partnerships table.

    Returns
    -------
    Preview
    """
    chosen = _integer_counts(table[table["chosen"].astype(bool)], whole=table)
    portfolio = with_member_names(chosen_portfolio(chosen), inputs.authorities)
    summary = RunSummary(**map_blocks(config, inputs.authorities, inputs.sources, existing))
    return Preview(config, inputs.authorities, portfolio, shares, summary)


def with_member_names(table: pd.DataFrame, authorities) -> pd.DataFrame:
    """The table with ``member_names`` (';'-joined council names) right after ``members``."""
    if MEMBERS not in table or "name" not in getattr(authorities, "columns", ()) or "member_names" in table:
        return table
    names = council_names(authorities)
    out = table.copy()
    out.insert(list(out.columns).index(MEMBERS) + 1, "member_names",
               [";".join(names.get(code, code) for code in str(cell).split(";") if code) for cell in out[MEMBERS]])
    return out


def chosen_portfolio(ranked: pd.DataFrame) -> pd.DataFrame:
    """The chosen candidates with every column, best NPV first, with running totals."""
    table = ranked[ranked["chosen"].astype(bool)].sort_values("rank").reset_index(drop=True)
    table["cumulative_npv_gbp_k"] = table[NPV].cumsum()
    table["cumulative_one_off_cost_gbp_k"] = table[ONE_OFF_COST].cumsum()
    return table
