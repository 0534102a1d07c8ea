"""Scripted what-if runs: run, compare, sweep and Monte Carlo uncertainty.

Scenarios are run on a local process pool by default, or on a Dask cluster when given
a ``distributed.Client`` or a scheduler address: the same task function either way, and
every task is seeded from the scenario seed and its index, so results are identical
whichever engine runs them.

Work that does not change is reused: a sweep whose changes touch only
``constraints``/``solver``/``report`` enumerates candidates once; one that changes
``model`` parameters reuses the loaded data and service graphs. Candidates found by
column generation (:mod:`sharedopt.solve.generate`) depend on the constraints, so such sweeps
reuse the data only.
"""

from __future__ import annotations

import functools
import itertools
import multiprocessing
import multiprocessing.queues
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sharedopt.candidates.table import ANNUAL_NET_SAVING, CANDIDATE_ID, NPV, ONE_OFF_COST, join_codes
from sharedopt.results.compare import compare_tables
from sharedopt.pipeline.events import OnEvent, emit, subscribers, task_display
from sharedopt.pipeline.result import Inputs, Result
from sharedopt.pipeline.scenario import Scenario
from sharedopt.pipeline.steps import enumerate_candidates, load_inputs, solve_steps
from sharedopt.solve.interrupt import interruptible

SOLVE_ONLY = ("constraints", "solver", "report", "name", "description")
#: Imported once by the process pool's fork server (a worker then starts without importing them).
PRELOAD = ("sharedopt.pipeline.draws", "sharedopt.pipeline.whatif")


def compare(*results: Result, names: list[str] | None = None) -> pd.DataFrame:
    """Tidy differences between results: one row per (table, key, scenario).

    Returns
    -------
    pandas.DataFrame
        ``table`` (str: 'totals', 'portfolio differences', 'npv_by_service_gbp_k',
        'npv_share_by_authority_gbp_k'), ``key`` (str), ``scenario`` (str),
        ``value`` (float64; 1.0/0.0 for 'in the portfolio') and ``text`` (str, the
        value as text for non-numeric entries such as the solver status, else '').
    """
    names = names or [r.config.name if r.config.name not in [x.config.name for x in results[:i]] else f"{r.config.name}_{i}"
                      for i, r in enumerate(results)]
    tables = compare_tables({n: r.portfolio for n, r in zip(names, results)},
                            {n: r.summary for n, r in zip(names, results)})
    rows = []
    for title, frame in tables.items():
        key_col = frame.columns[0]
        for _, row in frame.iterrows():
            for name in names:
                if name in frame.columns:
                    rows.append({"table": _TABLE_KEYS.get(title, title), "key": str(row[key_col]), "scenario": name,
                                 **_typed(row[name])})
    frame = pd.DataFrame(rows, columns=["table", "key", "scenario", "value", "text"])
    return frame.astype({"table": str, "key": str, "scenario": str, "value": "float64", "text": str})


_TABLE_KEYS = {"NPV by service (£k)": "npv_by_service_gbp_k", "NPV share by authority (£k)": "npv_share_by_authority_gbp_k"}


def _typed(value: Any) -> dict[str, Any]:
    """A cell as a float ``value`` (NaN when not a number) and a ``text``."""
    if isinstance(value, (bool, np.bool_)):
        return {"value": float(value), "text": ""}
    try:
        return {"value": float(value), "text": ""}
    except (TypeError, ValueError):
        return {"value": float("nan"), "text": "" if value is None else str(value)}


def expand_grid(grid: dict[str, list] | list[dict]) -> list[dict]:
    """A grid of dotted keys (cartesian product) or a list of change dicts -> list of change dicts.

    Raises
    ------
    ValueError
        An empty grid, a key without a list of values, or a list item that is not a dict.
    """
    example = "e.g. {'constraints.governance_capacity': [1, 2, 3]}"
    if isinstance(grid, dict):
        bad = [k for k, v in grid.items() if not isinstance(v, (list, tuple)) or not len(v)]
        if not grid or bad:
            what = f"'{bad[0]}' needs a non-empty list of values" if bad else "the grid is empty"
            raise ValueError(f"sweep: {what}; give dotted keys with lists of values, {example}")
        keys = list(grid)
        return [dict(zip(keys, values)) for values in itertools.product(*[grid[k] for k in keys])]
    if not isinstance(grid, (list, tuple)) or not grid or not all(isinstance(c, dict) for c in grid):
        raise ValueError(f"sweep: give a dict of dotted keys to lists of values ({example}) or a non-empty "
                         f"list of change dicts, not {type(grid).__name__} {str(grid)[:80]!r}")
    return [dict(changes) for changes in grid]


def reuse_level(changes: Iterable[dict]) -> str:
    """'candidates' when only solve-level keys change, 'inputs' for model keys, else 'none'."""
    keys = {key.split(".")[0] for change in changes for key in change}
    if keys <= set(SOLVE_ONLY):
        return "candidates"
    if keys <= set(SOLVE_ONLY) | {"model"}:
        return "inputs"
    return "none"


@dataclass(frozen=True)
class Task:
    """One variant to solve: its config and what it reuses (``level``: 'candidates', 'inputs' or 'none').

    What it reuses is not in the task but shared by all (:func:`run_tasks`): ``(inputs,
    candidates)`` at level 'candidates', the loaded inputs at level 'inputs', else None.
    """

    index: int
    config: object
    level: str


def summary_row(solved, table: pd.DataFrame, chosen: np.ndarray) -> dict:
    """One sweep row: the solver report and the chosen portfolio's totals."""
    picked = table[np.asarray(chosen).astype(bool)]
    return {
        "status": str(solved.status), "objective": solved.objective,
        "best_bound": solved.best_bound, "gap": solved.gap,
        "n_partnerships": int(len(picked)),
        ANNUAL_NET_SAVING: float(picked[ANNUAL_NET_SAVING].sum()),
        NPV: float(picked[NPV].sum()),
        ONE_OFF_COST: float(picked[ONE_OFF_COST].sum()),
        "chosen": join_codes(sorted(picked[CANDIDATE_ID])),
    }


def light(config):
    """``config`` without the ranking re-solves (a sweep row or a draw needs its totals only)."""
    report = config.report.model_copy(update={"top_n": 0})
    return config.model_copy(update={"report": report})


def run_task(task: Task, shared=None) -> dict:
    """Solve one variant through :func:`~sharedopt.pipeline.steps.solve_steps` (no shares, no ranking).

    Parameters
    ----------
    task : Task
    shared : tuple, Inputs or None
        What the variants reuse (see :class:`Task`).

    Returns
    -------
    dict
        ``index`` and the sweep row: status, objective, bound, gap and the portfolio's totals.
    """
    inputs, candidates = shared if task.level == "candidates" else (shared, None)
    run = solve_steps(light(task.config), inputs=inputs, candidates=candidates, with_shares=False)
    return {"index": task.index, **summary_row(run.solver, run.candidates.table, run.chosen)}


def perturb_costs(inputs: Inputs, factor: np.ndarray | None) -> Inputs:
    """``inputs`` with each cost row's spend multiplied by its ``factor`` (None: unchanged)."""
    if factor is None:
        return inputs
    costs = inputs.costs.copy()
    costs["net_expenditure_gbp_k"] = costs["net_expenditure_gbp_k"] * factor
    return Inputs(inputs.authorities, costs, inputs.quality, inputs.graphs, inputs.sources)


def map_tasks(func: Callable, tasks: list, engine="process", max_workers: int | None = None,
              on_event: OnEvent | None = None, description: str = "tasks", sizes: list[int] | None = None,
              shared: Any = None) -> list:
    """Run ``func`` over ``tasks`` on the chosen engine; results in task order.

    ``engine``: ``"serial"``, ``"threads"`` (a thread pool here: for tasks whose time is mostly in a
    solver that releases the GIL), ``"process"`` (local pool; ``"auto"`` means the same here), a
    ``distributed.Client``, or a Dask scheduler address such as ``"tcp://127.0.0.1:8786"``. Each finished task is a
    'tasks' :class:`~sharedopt.pipeline.events.Event` (``done`` of ``total``) to ``on_event``;
    with ``sizes`` (units of work per task, e.g. draws), ``done`` and ``total`` count units.

    ``shared``, when given, is what every task reads (the loaded data, the enumerated groups):
    ``func`` is called as ``func(task, shared)``, and ``shared`` goes to each worker once (a pool
    worker's initialiser, a Dask broadcast), not with every task. England's enumerated groups
    pickle to about 150 MB: sent with each of 50 tasks, pickling them took 90 s of the parent's CPU.
    """
    sizes = list(sizes) if sizes is not None else [1] * len(tasks)
    total, counted = sum(sizes), {"done": 0}

    def progress(i: int) -> None:
        counted["done"] += sizes[i]
        emit(on_event, "tasks", f"{description}: {counted['done']}/{total}", done=counted["done"], total=total)

    if engine == "auto":
        engine = "process"
    if engine in ("serial", "threads") or len(tasks) <= 1:
        call = func if shared is None else functools.partial(_call_with, func=func, shared=shared)
        return _map_here(call, tasks, engine if len(tasks) > 1 else "serial", max_workers, progress)
    if engine == "process":
        return _map_pool(func, tasks, max_workers, progress, shared)
    return _map_dask(func, tasks, engine, progress, shared)


def _call_with(task, func: Callable, shared):
    return func(task, shared)


def _map_here(func: Callable, tasks: list, engine: str, max_workers: int | None,
              progress: Callable[[int], None]) -> list:
    """``func`` over ``tasks`` in this process: in turn, or on a thread pool (``engine="threads"``)."""
    if engine == "serial":
        out = []
        for i, task in enumerate(tasks):
            out.append(func(task))
            progress(i)
        return out
    # for tasks whose work is mostly in a solver that releases the GIL (HiGHS does): no start cost
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        out = []
        for i, value in enumerate(pool.map(func, tasks)):
            out.append(value)
            progress(i)
        return out


def _map_pool(func: Callable, tasks: list, max_workers: int | None, progress: Callable[[int], None],
              shared=None) -> list:
    """``func`` over ``tasks`` on a local process pool; ``shared`` goes to each worker as it starts."""
    # forkserver: workers fork from a clean process, never from one whose solver
    # threads may hold locks (fork-after-threads deadlocks)
    context = multiprocessing.get_context("forkserver")
    # the server imports the package once; each worker forks from it with the modules loaded
    context.set_forkserver_preload(list(PRELOAD))
    call = func if shared is None else functools.partial(_call_with_worker_shared, func)
    with ProcessPoolExecutor(max_workers=max_workers, mp_context=context, initializer=start_worker,
                             initargs=(shared,)) as pool:
        out = []
        for i, value in enumerate(pool.map(call, tasks, chunksize=max(1, len(tasks) // 32))):
            out.append(value)
            progress(i)
        return out


#: In a pool worker: the ``shared`` object of :func:`map_tasks`, set once as the worker starts.
_WORKER_SHARED: list = [None]


def start_worker(shared=None) -> None:
    """A pool worker's initialiser: keep ``shared`` (see :func:`map_tasks`); end quietly on Ctrl-C."""
    _WORKER_SHARED[0] = shared
    quiet_interrupt()


def _call_with_worker_shared(func: Callable, task):
    return func(task, _WORKER_SHARED[0])


def quiet_interrupt() -> None:
    """In a pool worker: Ctrl-C (sent to the whole process group) ends the worker quietly.

    The parent process hears the same signal and stops the run; without this, a worker waiting
    for its next task would print a KeyboardInterrupt traceback.
    """
    signal.signal(signal.SIGINT, _exit_quietly)
    _end_quietly_at_queue_end()


def _exit_quietly(signum, frame) -> None:
    raise SystemExit(128 + signum)


def _end_quietly_at_queue_end() -> None:
    """In a pool worker: when the interrupted parent tears the pool down while the worker waits
    for its next task, the task queue ends (``EOFError``) before the worker's own Ctrl-C handler
    runs; the worker then ends quietly too, instead of printing that ``EOFError``. Only this
    process's queues change (a worker runs nothing but the pool's tasks, which use no queue)."""
    get = multiprocessing.queues.Queue.get

    def get_or_end(self, *args, **kwargs):
        try:
            return get(self, *args, **kwargs)
        except EOFError:
            raise SystemExit(128 + signal.SIGINT) from None

    multiprocessing.queues.Queue.get = get_or_end


def _map_dask(func, tasks, engine, progress: Callable[[int], None], shared=None):
    # imported only for a Dask engine: importing distributed takes ~0.8 s, which every run would pay
    from distributed import Client, as_completed

    client = Client(engine) if isinstance(engine, str) else engine
    if shared is None:
        futures = client.map(func, tasks, pure=False)
    else:   # sent once to every worker; each task then names it
        futures = client.map(functools.partial(_call_with, func=func), tasks,
                             shared=client.scatter(shared, broadcast=True), pure=False)
    position = {future.key: i for i, future in enumerate(futures)}
    for future in as_completed(futures):
        progress(position[future.key])
    results = client.gather(futures)
    if isinstance(engine, str):
        client.close()
    return results


def run_tasks(tasks: list, shared, description: str, engine, max_workers: int | None, progress: bool,
              on_event: OnEvent | None = None) -> list[dict]:
    """Run scenario tasks on the engine, shown by the task display when ``progress``; rows in task order.

    ``shared`` (what every task reuses, see :class:`Task`) goes to each worker once.

    Ctrl-C stops them all with ``KeyboardInterrupt`` (:func:`sharedopt.solve.interrupt.interruptible`):
    an interrupted solve is never a row.
    """
    with interruptible(), task_display(description, len(tasks), progress) as bar:
        return map_tasks(run_task, tasks, engine, max_workers, subscribers(bar, on_event), description,
                         shared=shared)


def _shared_for(scenario: Scenario, level: str):
    if level == "none":
        return None
    inputs = load_inputs(scenario.config)
    if level == "inputs":
        return inputs
    return inputs, enumerate_candidates(inputs, scenario.config, with_shares=False)


def sweep(scenario: Scenario, grid: dict[str, list] | list[dict], *, engine="process",
          max_workers: int | None = None, progress: bool = True, reuse: bool = True,
          on_event: OnEvent | None = None) -> pd.DataFrame:
    """Run many variants of ``scenario``: one row per variant.

    Parameters
    ----------
    scenario : Scenario
    grid : dict of dotted key -> list of values, or list of change dicts
    engine : "process", "serial", distributed.Client or scheduler address
    max_workers : int, optional
    progress : bool
        Show a progress bar (variants done, time left) through the registered task display
        (:func:`sharedopt.pipeline.events.task_display`).
    reuse : bool
        Reuse loaded data / enumerated candidates across variants where the changes
        allow it (set False to re-run everything from scratch).
    on_event : callable, optional
        Gets a 'tasks' :class:`~sharedopt.pipeline.events.Event` as each variant finishes.

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per variant, in grid order; one column per changed key (its value), then
        ``status`` (text), ``objective``, ``best_bound``, ``gap``, ``n_partnerships``,
        ``annual_net_saving_gbp_k``, ``npv_gbp_k``, ``one_off_cost_gbp_k`` (numbers) and ``chosen``
        (the portfolio's candidate ids, ';'-joined).
    """
    changes = expand_grid(grid)
    level = reuse_level(changes) if reuse else "none"
    if level == "candidates" and scenario.config.model.candidates == "generate":
        level = "inputs"  # generated per variant (see below)
    shared = _shared_for(scenario, level)
    if level == "candidates" and shared[1].generation is not None:
        # generated candidates are priced against this scenario's constraints: with other
        # constraints they are a valid subset but their bound is not, so each variant generates its own
        level, shared = "inputs", shared[0]
    tasks = [Task(i, scenario.with_(c).config, level) for i, c in enumerate(changes)]
    rows = run_tasks(tasks, shared, "sweep", engine, max_workers, progress, on_event)
    frame = pd.DataFrame(changes)
    return pd.concat([frame, pd.DataFrame(rows).drop(columns="index")], axis=1)
