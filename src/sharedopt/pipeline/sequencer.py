"""The one sequencer of a run: :func:`run`.

check -> load inputs -> candidates -> model -> user hook -> solve
(:func:`~sharedopt.pipeline.steps.solve_steps`) -> assign solution
(:func:`~sharedopt.pipeline.assign.assign_solution`) -> Monte Carlo when asked for
(:func:`~sharedopt.pipeline.uncertainty.attach_uncertainty`). Every step reports through one
callback that takes a :class:`~sharedopt.pipeline.events.Event`; writing the outputs is the
report step's job (:func:`sharedopt.report.run_result.write_result`).

One time budget of ``[solver] time_limit`` seconds (:class:`~sharedopt.solve.budget.Budget`),
started after the solver check, covers column generation, the solve, an infeasibility
diagnosis, the ranking re-solves and alternatives: each takes its limit from what is left.
"""

from __future__ import annotations

from sharedopt.common.cpuload import mark as mark_cpu_idle
from sharedopt.config.schema import RunConfig
from sharedopt.model.user_rows import ModelHook
from sharedopt.pipeline.assign import assign_solution
from sharedopt.pipeline.events import OnEvent
from sharedopt.pipeline.preview import Watcher
from sharedopt.pipeline.result import Result
from sharedopt.pipeline.scenario import Scenario
from sharedopt.pipeline.steps import solve_steps
from sharedopt.pipeline.robustness import attach_robustness
from sharedopt.pipeline.tornado import attach_tornado
from sharedopt.pipeline.uncertainty import attach_uncertainty, check_draws
from sharedopt.solve.interrupt import interruptible

__all__ = ["run"]


def run(config: RunConfig | Scenario, on_event: OnEvent | None = None, *, extra: ModelHook | None = None,
        pulp_extra=None, draws: int | None = None, tornado: bool | None = None,
        watcher: Watcher | None = None) -> Result:
    """Run the whole pipeline for one scenario (the solver is checked before any data is loaded).

    Parameters
    ----------
    config : RunConfig or Scenario
    on_event : callable, optional
        Gets every step's :class:`~sharedopt.pipeline.events.Event` (the command line's progress
        bar subscribes here).
    extra : callable, optional
        The native hook ``extra(model) -> UserRows``: the user's own rows, appended to the model
        every backend receives, with the exact reductions and the decomposition kept
        (:mod:`sharedopt.model.user_rows`).
    pulp_extra : callable, optional
        The escape hatch ``pulp_extra(prob, variables)`` on the PuLP problem before the solve; it
        switches off the exact reductions, the decomposition and the large-model path.
    draws : int, optional
        Monte Carlo draws, overriding ``[uncertainty] draws`` (0 = none).
    tornado : bool, optional
        Add the tornado of unknowns (:mod:`sharedopt.pipeline.tornado`), overriding
        ``[uncertainty] tornado``.
    watcher : Watcher, optional
        Told when the inputs are loaded and which portfolio the solve chose, before the ranking's
        re-solves (:mod:`sharedopt.pipeline.preview`; the report writer draws its maps meanwhile).

    Returns
    -------
    Result

    Raises
    ------
    KeyboardInterrupt
        SIGINT (Ctrl-C) at any step, the solve included (:mod:`sharedopt.solve.interrupt`):
        an interrupted run has no result.
    """
    config = config.config if isinstance(config, Scenario) else config
    if not isinstance(config, RunConfig):
        raise TypeError(f"run() takes a RunConfig or a Scenario, not {type(config).__name__} "
                        f"{str(config)[:80]!r}; load a config file first: run(load_config(path))")
    if draws is not None:
        check_draws(draws, "draws")  # before any work
    mark_cpu_idle()  # whether a second process pays is judged on the machine since now
    with interruptible():
        solved = solve_steps(config, on_event, extra=extra, pulp_extra=pulp_extra,
                             watcher=watcher)  # check, load, candidates, model, hook, solve
        result = assign_solution(solved.inputs, solved.candidates, solved.model, solved.solver, solved.chosen,
                                 config, on_event, budget=solved.budget, watcher=watcher)
        result = attach_uncertainty(result, draws, on_event, inputs=solved.inputs)
        result = attach_tornado(result, on_event, enabled=tornado)
        return attach_robustness(result)
