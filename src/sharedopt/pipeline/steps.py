"""The steps of a run, each callable on its own, and the chain up to the solver's answer.

``load_inputs`` (data) -> ``enumerate_candidates`` (candidates) -> ``create_model``
(model) -> ``solve_model`` (solve); :func:`solve_steps` chains them, reusing inputs or
candidates a caller already has. Every step reports through one
:class:`~sharedopt.pipeline.events.Event` callback, ``on_event``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np

from sharedopt.candidates.build import build_candidates
from sharedopt.candidates.forced import ensure_candidates
from sharedopt.candidates.table import CANDIDATE_ID, CandidateSet
from sharedopt.common.errors import ConfigError, DataError
from sharedopt.common.gaps import format_gap
from sharedopt.config.schema import RunConfig
from sharedopt.data import DataQuality
from sharedopt.data.capital import report_capital
from sharedopt.data.poolable import report_poolable
from sharedopt.data.region.load import load_region
from sharedopt.data.region.selection import Selection
from sharedopt.model.build import PortfolioModel, build_model
from sharedopt.model.rows import RowGroup
from sharedopt.model.user_rows import ModelHook, add_rows
from sharedopt.candidates.status_quo import effective_constraints, status_quo_table
from sharedopt.pipeline.events import OnEvent, emit
from sharedopt.pipeline.preview import Watcher
from sharedopt.pipeline.references import at_setting, check_references
from sharedopt.pipeline.result import Inputs
from sharedopt.solve.api import solve
from sharedopt.solve.result import SolveResult
from sharedopt.solve.backends.registry import SolverUnavailableError, check_solver
from sharedopt.solve.budget import Budget
from sharedopt.solve.generate import ColumnGenerator
from sharedopt.solve.progress import listening
from sharedopt.solve.status import Status

__all__ = ["Solved", "create_model", "enumerate_candidates", "load_inputs", "region_of", "solve_model",
           "solve_steps"]


def load_inputs(config: RunConfig, on_event: OnEvent | None = None) -> Inputs:
    """Step 1 (data): authorities, costs and the per-service neighbour graphs."""
    emit(on_event, "load", "loading data", "start")
    quality = DataQuality()
    try:
        loaded = load_region(selection_of(config), quality,
                             check_authorities=lambda found: check_references(config, found))
    except DataError as exc:  # a setting's value the data refused (a region name, a year): say where it is
        raise (at_setting(config, exc) if exc.setting else exc) from None
    if config.constraints.status_quo and loaded.arrangements_on_record:
        status_quo_table(loaded.authorities.index, quality)
    report_poolable(loaded.authorities, loaded.costs, config.model.services, quality)
    report_capital(loaded.authorities, loaded.costs, config.model.services, quality)
    emit(on_event, "load", f"{len(loaded.authorities)} authorities, {len(loaded.costs)} cost rows", "end")
    return Inputs(loaded.authorities, loaded.costs, quality, loaded.graphs, loaded.sources)


def check_config_solver(config: RunConfig) -> None:
    """The config's solver is known and installed (before any data loads); a refusal names its config line.

    Raises
    ------
    SolverUnavailableError
        Unknown (with the config file and line of ``[solver] name``) or not installed.
    """
    try:
        check_solver(config.solver.name)
    except SolverUnavailableError as exc:
        if exc.setting is None:
            raise
        raise SolverUnavailableError(str(at_setting(config, exc)), setting=exc.setting) from None


def selection_of(config: RunConfig) -> Selection:
    """What the data layer needs of a run config: region, year, files and services."""
    region, data = config.region, config.data
    return Selection(
        region=region.name, codes=tuple(region.codes) if region.codes is not None else None,
        boundary_file=region.boundary_file, code_field=region.code_field, name_field=region.name_field,
        population_field=region.population_field, year=data.year, costs_csv=data.costs_csv,
        include_non_council=data.include_non_council, service_detail=data.service_detail,
        services=tuple(data.services) if data.services is not None else None,
        eligible_services=tuple(name for name, spec in config.model.services.items() if spec.eligible),
        links=tuple(region.link_list()))


def enumerate_candidates(inputs: Inputs, config: RunConfig, on_event: OnEvent | None = None,
                         with_shares: bool = True, budget: Budget | None = None) -> CandidateSet:
    """Step 2 (candidates): every candidate collaboration with its value and (optionally) shares.

    Column generation (when it applies) stops at ``[model] generation_time_limit`` or when the
    run's ``budget`` is spent, whichever comes first (None: its own limit only).
    """
    emit(on_event, "enumerate", "enumerating candidates", "start")

    def report(label: str, count: int) -> None:
        emit(on_event, "enumerate", f"{label}: {count:,} candidates")

    constraints = effective_constraints(config.constraints, inputs.authorities.index)
    try:  # a setting the candidates cannot honour (forced ids, generation) is named at its config line
        candidates = build_candidates(inputs.authorities, inputs.costs, config.model, graphs=inputs.graphs,
                                      progress=report, with_shares=with_shares, constraints=constraints,
                                      solver=config.solver, generator=ColumnGenerator(budget))
        candidates = ensure_candidates(candidates, list(config.constraints.forced), inputs.authorities,
                                       inputs.costs, config.model, constraints)
    except ConfigError as exc:
        raise (at_setting(config, exc) if exc.setting else exc) from None
    _unmatched_overrides(candidates, config)
    generated = " (scale groups by column generation)" if candidates.generation is not None else ""
    pruned = int(candidates.enumeration["pruned_nonpositive_npv"].sum())
    emit(on_event, "enumerate", f"{len(candidates.table):,} candidates kept{generated}, {pruned:,} pruned", "end")
    return candidates


def _unmatched_overrides(candidates: CandidateSet, config: RunConfig) -> None:
    """Warn about each realisation override that names no candidate kept (it would change nothing)."""
    ids = set(candidates.table[CANDIDATE_ID]) if len(candidates.table) else set()
    for cid in config.model.realisation_overrides:
        if cid not in ids:
            warnings.warn(f"[model.realisation_overrides] '{cid}' matches no candidate kept (not a connected group "
                          "of councils delivering its service, or pruned for a non-positive NPV), so it changes "
                          "nothing; to value that group with the override, force it ([constraints] forced)",
                          stacklevel=3)


def create_model(candidates: CandidateSet, config: RunConfig, on_event: OnEvent | None = None) -> PortfolioModel:
    """Step 3 (model): the 0/1 programme over the candidates.

    When the candidates were generated (:mod:`sharedopt.solve.generate`), the model carries the
    bound over every connected group, so the solve step reports its gap against it.
    """
    emit(on_event, "model", "building the model", "start")
    model = build_model(candidates.table, effective_constraints(config.constraints, region_of(candidates)))
    if candidates.generation is not None and not candidates.generation.closed:
        model = replace(model, outer_bound=candidates.generation.lp_bound)
    emit(on_event, "model", f"{model.n_variables:,} variables, {model.n_constraints:,} constraints", "end")
    return model


def solve_model(model: PortfolioModel, config: RunConfig, pulp_extra=None, on_event: OnEvent | None = None,
                budget: Budget | None = None) -> tuple[SolveResult, np.ndarray]:
    """Step 4 (solve): solve with the configured solver; optional PuLP hook ``pulp_extra`` (the
    escape hatch of :func:`sharedopt.solve.api.solve`: it switches off the exact reductions, the
    decomposition and the large-model path).

    The model is split into independent pieces first; large HiGHS pieces (many more
    candidates than constraints) go through column generation and reduced-cost fixing
    (:mod:`sharedopt.solve.lp_bounds`), and pieces run in parallel threads (``solver.threads``).
    With ``on_event``, the solver's live incumbent, bound and gap arrive as 'solve' events.
    With the run's ``budget``, the solve takes at most what is left of it (and at most
    ``[solver] time_limit``); None: the time limit only.
    """
    emit(on_event, "solve", "solving", "start")
    if on_event is None:
        solved, chosen = solve(model, config.solver, pulp_extra=pulp_extra, budget=budget)
    else:
        with listening(_solver_listener(on_event), pieces=True):
            solved, chosen = solve(model, config.solver, pulp_extra=pulp_extra, budget=budget)
    if solved.status == Status.INTERRUPTED:  # stopped by the user: no result, nothing written
        raise KeyboardInterrupt
    emit(on_event, "solve", f"{solved.status}, objective {solved.objective or 0:,.0f}, gap {_gap(solved.gap)}", "end")
    return solved, chosen


def with_user_rows(model: PortfolioModel, extra: ModelHook | None, on_event: OnEvent | None = None) -> PortfolioModel:
    """The user hook step: the rows ``extra(model)`` returns, appended to the model (no hook: the model)."""
    if extra is None:
        return model
    model = add_rows(model, extra(model))
    n_user = int((model.rows["group"] == RowGroup.USER).sum())
    emit(on_event, "model", f"{n_user:,} user rows added by the hook")
    return model


def _gap(gap: float | None) -> str:
    return format_gap(gap) if gap is not None else "unknown"


def _solver_listener(on_event: OnEvent):
    """The solver's live reports (incumbent, bound, gap; pieces done of all) as 'solve' events."""

    def hear(incumbent, bound, gap, pieces=None) -> None:
        done, total = pieces if pieces else (None, None)
        counted = f"pieces {done}/{total} done, " if pieces else ""
        emit(on_event, "solve", f"{counted}incumbent {incumbent or 0:,.0f}, bound "
                                f"{bound if bound is not None else float('inf'):,.0f}, gap {_gap(gap)}",
             done=done, total=total)

    return hear


def region_of(candidates: CandidateSet) -> set[str]:
    """Codes of the bodies in the candidates' service graphs (all a model can allocate)."""
    return {code for graph in candidates.graphs.values() for code in graph.nodes}


@dataclass(frozen=True)
class Solved:
    """A run up to the solver's answer: inputs, candidates, model, solver report, 0/1 portfolio
    and the run's time budget (what is left of it is for the ranking re-solves and alternatives)."""

    inputs: Inputs
    candidates: CandidateSet
    model: PortfolioModel
    solver: SolveResult
    chosen: np.ndarray
    budget: Budget = field(default_factory=Budget)


def solve_steps(config: RunConfig, on_event: OnEvent | None = None, *, inputs: Inputs | None = None,
                candidates: CandidateSet | None = None, with_shares: bool = True, extra: ModelHook | None = None,
                pulp_extra=None, watcher: Watcher | None = None) -> Solved:
    """check -> load inputs -> candidates -> model -> user hook -> solve, in that order.

    One :class:`~sharedopt.solve.budget.Budget` of ``[solver] time_limit`` seconds of solver
    time is made after the solver check: column generation and the solve spend it and take
    their limits from what is left, and :attr:`Solved.budget` carries it on to the ranking
    re-solves and alternatives.

    Parameters
    ----------
    config : RunConfig
    on_event : callable, optional
        Gets every step's :class:`~sharedopt.pipeline.events.Event`.
    inputs : Inputs, optional
        Loaded data to reuse (the load step is skipped).
    candidates : CandidateSet, optional
        Candidates to reuse with ``inputs`` (the enumeration step is skipped too).
    with_shares : bool
        Compute every candidate's per-member shares (a full run reports them; a sweep row does not).
    extra : callable, optional
        The native hook ``extra(model) -> UserRows``: rows appended to the model every backend
        receives (:mod:`sharedopt.model.user_rows`); the ranking re-solves and alternatives keep them.
    pulp_extra : callable, optional
        The escape hatch ``pulp_extra(prob, variables)`` on the PuLP problem before the solve.
    watcher : Watcher, optional
        Told when the inputs are loaded (:mod:`sharedopt.pipeline.preview`).

    Returns
    -------
    Solved
    """
    check_config_solver(config)  # before any data is loaded
    emit(on_event, "check", f"solver {config.solver.name} available", "end")
    budget = Budget.starting_now(config.solver.time_limit)
    inputs = inputs if inputs is not None else load_inputs(config, on_event)
    if watcher is not None:
        watcher.loaded(inputs)
    if candidates is None:
        candidates = enumerate_candidates(inputs, config, on_event, with_shares, budget)
    model = with_user_rows(create_model(candidates, config, on_event), extra, on_event)
    solved, chosen = solve_model(model, config, pulp_extra, on_event, budget)
    return Solved(inputs, candidates, model, solved, chosen, budget)
