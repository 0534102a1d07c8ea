"""Fast Monte Carlo draws: value the enumerated groups again, warm-start the solve, run in fixed chunks.

A draw changes what groups are worth, not which groups exist. So a draw does not re-enumerate:
:class:`~sharedopt.candidates.revalue.Revaluer` values the groups enumerated once (per worker
process) with the drawn parameters and costs, in vectorised arithmetic, and builds the same
candidate table as a full enumeration (a test checks this on a sample of draws). Only a draw that
changes a group-size bound enumerates, once for that bound; a run whose scale candidates come from
column generation (:mod:`sharedopt.solve.generate`) re-runs every step per draw, as the
candidates then depend on the drawn prices.

Draws run in fixed chunks of :data:`DRAWS_PER_TASK` consecutive draws, whatever the number of
workers: each chunk is one task for the local process pool or a Dask cluster
(:func:`sharedopt.pipeline.whatif.map_tasks`; the loaded data and the enumerated groups,
:class:`DrawData`, go to each worker once), and within a chunk each solve is warm-started
(HiGHS ``setSolution``, when the start is feasible) from the previous draw's portfolio. The first
draw of a chunk starts cold. Which draws share a chunk depends only on their index, so the
results do not depend on the engine, the number of workers or their timing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from time import perf_counter

import numpy as np

from sharedopt.candidates.forced import ensure_candidates
from sharedopt.candidates.revalue import Revaluer
from sharedopt.config.schema import RunConfig
from sharedopt.model.build import build_model
from sharedopt.candidates.status_quo import effective_constraints
from sharedopt.common.cpuload import idle_cores
from sharedopt.pipeline.events import Event, OnEvent, emit
from sharedopt.pipeline.result import Inputs
from sharedopt.pipeline.steps import region_of, solve_steps
from sharedopt.pipeline.whatif import light, map_tasks, perturb_costs, summary_row
from sharedopt.solve.api import solve
from sharedopt.solve.budget import Budget
from sharedopt.solve.generate.plan import generation_blockers, plan_generation
from sharedopt.solve.status import Status

#: Consecutive draws per task: fixed, so the warm starts (and so the results) never depend on
#: the number of workers or the order they finish in.
DRAWS_PER_TASK = 4

#: Seconds a local process pool takes to start a worker and warm it up (imports, data caches, a cold
#: first draw), measured on 2 shared cores; below this much work per extra worker, draws stay in process.
POOL_STARTUP_SECONDS = 30.0
#: How many times :data:`POOL_STARTUP_SECONDS` the draws must be expected to save (from a hint: the
#: deterministic run's own time) before the pool starts at once, without timing a first chunk here.
#: The hint is a cold solve with its extras, so it overstates a warm draw: only a clear case counts.
CLEAR_GAIN = 10.0
DESCRIPTION = "Monte Carlo draws"

_EFFECTIVE: dict[tuple, object] = {}
_PLANS: dict[tuple, bool] = {}


@dataclass(frozen=True)
class DrawChunk:
    """Consecutive draws of one Monte Carlo: one task for a worker.

    Attributes
    ----------
    first : int
        Index of the chunk's first draw.
    configs : tuple of RunConfig
        Each draw's config (the drawn parameters set).
    factors : tuple
        Each draw's spend factors per cost row (None: the costs as loaded).
    """

    first: int
    configs: tuple
    factors: tuple


@dataclass(frozen=True)
class DrawData:
    """What every chunk of one Monte Carlo reads: sent to each worker once, not with each chunk.

    Attributes
    ----------
    inputs : Inputs
        The loaded data, shared by every draw.
    revaluer : Revaluer or None
        Values the enumerated groups again per draw (None: every step from scratch, per draw). Its
        groups are enumerated and its cost base built on first use; a worker gets a copy made after
        that (:func:`run_chunks`), so it does neither again.
    """

    inputs: Inputs
    revaluer: Revaluer | None = None


def chunks(configs: list, factors: list) -> list[DrawChunk]:
    """The draws in chunks of :data:`DRAWS_PER_TASK`, in order."""
    return [DrawChunk(i, tuple(configs[i:i + DRAWS_PER_TASK]), tuple(factors[i:i + DRAWS_PER_TASK]))
            for i in range(0, len(configs), DRAWS_PER_TASK)]


def draw_data(inputs: Inputs, fast: bool = True) -> DrawData:
    """The data of a Monte Carlo's draws: with a revaluer of the enumerated groups when ``fast``."""
    return DrawData(inputs, Revaluer(inputs.authorities, inputs.costs, inputs.graphs) if fast else None)


def run_chunk(chunk: DrawChunk, data: DrawData, seconds: list | None = None) -> list[dict]:
    """Solve each draw of ``chunk`` in order; one sweep row (with ``index``) per draw.

    ``seconds``, when given, gets each draw's wall time (for choosing an engine; never in a result).
    """
    rows, previous = [], None
    for offset, (config, factors) in enumerate(zip(chunk.configs, chunk.factors)):
        start = perf_counter()
        row, previous = solve_draw(config, data.inputs, factors, data.revaluer, previous)
        rows.append({"index": chunk.first + offset, **row})
        if seconds is not None:
            seconds.append(perf_counter() - start)
    return rows


def run_chunks(tasks: list[DrawChunk], data: DrawData, engine="auto", max_workers: int | None = None,
               on_event: OnEvent | None = None, seconds_hint: float | None = None) -> list[dict]:
    """Every chunk's rows in draw order, on ``engine`` (see :func:`sharedopt.pipeline.whatif.map_tasks`).

    ``data`` goes to each worker once. With ``engine="auto"`` the first chunk runs here first: a
    local process pool starts only when the draws left would take longer here than
    :data:`POOL_STARTUP_SECONDS` per extra worker (a worker pays for its start and its first, cold
    draw); otherwise, when a core is idle, the chunks left run in a thread per worker here, which
    start at once and overlap one chunk's solve (HiGHS releases the GIL) with another's valuation.
    ``seconds_hint`` (seconds a draw may take, e.g. the deterministic run's) starts the pool at once,
    before any chunk, when at that rate the pool would save :data:`CLEAR_GAIN` times its start-up
    (England: the first chunk alone, here, left a core idle for half a minute).
    The rows are the same on any engine.
    """
    sizes = [len(task.configs) for task in tasks]
    total = sum(sizes)
    workers = max_workers or os.cpu_count() or 1
    if engine == "auto" and seconds_hint is not None and len(tasks) > 1 and \
            _saved(seconds_hint, total, workers) > CLEAR_GAIN * POOL_STARTUP_SECONDS:
        engine = "process"
    if engine not in ("auto", "serial") and tasks and data.revaluer is not None:
        _ready(tasks[0], data)   # before the revaluer is copied to the workers
    if engine != "auto" or len(tasks) <= 1:
        parts = map_tasks(run_chunk, tasks, "serial" if engine == "auto" else engine, max_workers, on_event,
                          DESCRIPTION, sizes, shared=data)
        return [row for part in parts for row in part]
    seconds: list[float] = []
    first = run_chunk(tasks[0], data, seconds)
    emit(on_event, "tasks", f"{DESCRIPTION}: {sizes[0]}/{total}", done=sizes[0], total=total)
    warm = seconds[1:] or seconds   # the first draw in a process is cold
    per_draw = sum(warm) / len(warm)  # the mean: the fastest of a few varied draws understates the work left
    pays = _saved(per_draw, total - sizes[0], workers) > POOL_STARTUP_SECONDS
    here = "threads" if workers > 1 and len(tasks) > 2 and _idle_cores() >= 1 else "serial"
    parts = map_tasks(run_chunk, tasks[1:], "process" if pays else here, workers,
                      _shifted(on_event, sizes[0], total), DESCRIPTION, sizes[1:], shared=data)
    return first + [row for part in parts for row in part]


def _saved(per_draw: float, draws: int, workers: int) -> float:
    """Seconds ``workers`` processes would save on ``draws`` draws of ``per_draw`` seconds (0 with one)."""
    return per_draw * draws * (1 - 1 / workers) if workers > 1 else 0.0


def _idle_cores() -> float:
    """Cores no process is using since the run began (:func:`sharedopt.common.cpuload.idle_cores`).

    Threads only pay where a core is idle: on busy cores HiGHS's own threads and a second chunk's
    contend, and the draws ran about 10% slower in threads than in turn (2 cores, load average 3).
    """
    return idle_cores()


def _shifted(on_event: OnEvent | None, done: int, total: int) -> OnEvent | None:
    """``on_event`` counting ``done`` draws already finished."""
    if on_event is None:
        return None

    def listen(event: Event) -> None:
        if event.step == "tasks" and event.done is not None:
            count = event.done + done
            on_event(Event("tasks", f"{DESCRIPTION}: {count}/{total}", event.stage, count, total))
        else:
            on_event(event)

    return listen


def _ready(chunk: DrawChunk, data: DrawData) -> None:
    """Value the chunk's first draw's groups here (enumerating them and building the cost base), unperturbed."""
    config = light(chunk.configs[0])
    data.revaluer.candidates(config.model, _effective(config.constraints, data.inputs.authorities.index))


def solve_draw(config: RunConfig, inputs: Inputs, factors: np.ndarray | None, revaluer: Revaluer | None,
               previous: set[str] | None = None) -> tuple[dict, set[str]]:
    """One draw: its candidates, model and solve; the sweep row and the chosen ids.

    Parameters
    ----------
    config : RunConfig
        The draw's config.
    inputs : Inputs
        The loaded data (before the draw's cost factors).
    factors : ndarray or None
        The draw's factor per cost row.
    revaluer : Revaluer or None
        Values the enumerated groups again; None (or a run that generates its scale candidates):
        every step from scratch.
    previous : set of str, optional
        The previous draw's portfolio: the solve's warm start, where feasible.

    Returns
    -------
    (dict, set of str)
    """
    config = _at_draw_gap(light(config))
    drawn = perturb_costs(inputs, factors)
    constraints = _effective(config.constraints, inputs.authorities.index)
    if revaluer is None or _generates(inputs.graphs, config.model, constraints):
        run = solve_steps(config, inputs=drawn, with_shares=False)
        return summary_row(run.solver, run.candidates.table, run.chosen), _chosen(run.model, run.chosen)
    candidates = revaluer.candidates(config.model, constraints, None if factors is None else drawn.costs)
    candidates = ensure_candidates(candidates, list(config.constraints.forced), inputs.authorities, drawn.costs,
                                   config.model, constraints)
    model = build_model(candidates.table, _effective(config.constraints, region_of(candidates)), packings=False)
    warm = None if not previous else _indicator(model.candidate_ids, previous)
    solved, chosen = solve(model, config.solver, warm_start=warm, budget=Budget.starting_now(config.solver.time_limit))
    if solved.status == Status.INTERRUPTED:
        raise KeyboardInterrupt
    return summary_row(solved, candidates.table, chosen), _chosen(model, chosen)


def _at_draw_gap(config: RunConfig) -> RunConfig:
    """``config`` with ``[solver] mip_gap`` set to ``[uncertainty] draw_gap``, when that is set."""
    gap = config.uncertainty.draw_gap
    if gap is None:
        return config
    return config.model_copy(update={"solver": config.solver.model_copy(update={"mip_gap": gap})})


def _generates(graphs: dict, params, constraints) -> bool:
    """Whether the full enumeration would generate its scale candidates (as it decides, see
    :func:`~sharedopt.solve.generate.plan.plan_generation`), counting the groups once per process
    and size bound, and not at all when a blocker rules generation out."""
    if not params.include_scale or params.candidates == "enumerate":
        return False
    if params.candidates == "auto" and generation_blockers(params, constraints):
        return False
    if params.candidates == "generate":
        return plan_generation(graphs, params, constraints).generate   # raises when a blocker forbids it
    region = tuple((service, tuple(sorted(graph.nodes)), graph.number_of_edges())
                   for service, graph in sorted(graphs.items()))
    key = (params.max_group_size, params.generate_above, region)
    if key not in _PLANS:
        _PLANS[key] = plan_generation(graphs, params, constraints).generate
    return _PLANS[key]


def _effective(constraints, codes) -> object:
    """:func:`~sharedopt.candidates.status_quo.effective_constraints`, read once per process for each
    constraints and region (it reads the register of existing arrangements)."""
    key = (constraints.model_dump_json(), tuple(sorted(codes)))
    if key not in _EFFECTIVE:
        _EFFECTIVE[key] = effective_constraints(constraints, codes)
    return _EFFECTIVE[key]


def _indicator(ids: np.ndarray, chosen: set[str]) -> np.ndarray:
    """1.0 where ``ids[j]`` is in ``chosen``, else 0.0 (a hash lookup per id: ``np.isin`` sorts the
    object array, about 2 s on England's 371,164 ids)."""
    return np.fromiter((cid in chosen for cid in ids), dtype=float, count=len(ids))


def _chosen(model, chosen: np.ndarray) -> set[str]:
    return set(model.candidate_ids[np.asarray(chosen).astype(bool)].tolist())
