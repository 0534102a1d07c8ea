"""Fast Monte Carlo draws: the revalued candidates and each draw's solve equal a full re-enumeration
(real North East data, the run's own distributions and perturbed costs)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rich.progress import Progress

from sharedopt.candidates.revalue import Revaluer, table_order
from sharedopt.candidates.table import KIND, MEMBERS, N_MEMBERS, SERVICES, WHOLE_ORGANISATION
from sharedopt.cli import StepRows
from sharedopt.candidates.status_quo import effective_constraints
from sharedopt.pipeline.draws import DRAWS_PER_TASK, chunks, draw_data, run_chunk, run_chunks, solve_draw
from sharedopt.pipeline.events import Event
from sharedopt.pipeline.scenario import Scenario
from sharedopt.pipeline.steps import enumerate_candidates, load_inputs, solve_steps
from sharedopt.pipeline.uncertainty import make_draws
from sharedopt.pipeline.whatif import light, map_tasks, perturb_costs, summary_row


ROOT = Path(__file__).resolve().parents[1]

@pytest.fixture(scope="module")
def sample(north_east_config, north_east_inputs):
    """Draws 0-2 of the North East's own distributions, with every spend perturbed in draw 1."""
    scenario = Scenario(north_east_config)
    scenario = scenario.with_({"model.realisation.base": north_east_config.model.realisation.base_rate()})
    spec = {**north_east_config.uncertainty.distributions, "costs": {"dist": "lognormal", "sigma": 0.1}}
    draws = make_draws(scenario, 3, spec, seed=11, n_cost_rows=len(north_east_inputs.costs))
    return [(scenario.with_(changes).config, factors if i % 2 else None) for i, (changes, factors) in enumerate(draws)]


def test_each_draw_revalued_and_warm_started_equals_a_full_rerun(sample, north_east_inputs):
    revaluer = Revaluer(north_east_inputs.authorities, north_east_inputs.costs, north_east_inputs.graphs)
    previous = None
    for config, factors in sample:
        drawn = perturb_costs(north_east_inputs, factors)
        full = solve_steps(light(config), inputs=drawn, with_shares=False)   # enumerate, model, solve: cold
        constraints = effective_constraints(config.constraints, north_east_inputs.authorities.index)
        table = revaluer.candidates(config.model, constraints, None if factors is None else drawn.costs).table
        pd.testing.assert_frame_equal(table, full.candidates.table)
        fast, previous = solve_draw(config, north_east_inputs, factors, revaluer, previous)  # warm-started
        assert fast == summary_row(full.solver, full.candidates.table, full.chosen) | {
            k: fast[k] for k in ("objective", "best_bound", "gap")}   # the solver's own report may differ
        assert fast["status"] == "optimal"
    assert len({config.model.setup_ratio for config, _ in sample}) > 1   # the draws did differ
    # the draws change values, not groups: each service (pair) was enumerated once
    assert revaluer.enumerations == len(revaluer._groups)
    counted = revaluer.enumerations
    revaluer.candidates(sample[0][0].model.model_copy(update={"max_group_size": 3}))
    assert revaluer.enumerations > counted   # a group-size bound is the one change that re-enumerates


def test_chunks_depend_on_the_draw_index_only(sample, north_east_inputs):
    configs = [c for c, _ in sample] * 4
    tasks = chunks(configs, [None] * len(configs))
    assert [t.first for t in tasks] == list(range(0, len(configs), DRAWS_PER_TASK))
    assert sum(len(t.configs) for t in tasks) == len(configs)


def test_progress_counts_draws_not_tasks():
    seen = []
    out = map_tasks(len, [[1] * 4, [1] * 4, [1] * 2], "serial", on_event=seen.append, sizes=[4, 4, 2])
    assert out == [4, 4, 2]
    assert [(e.done, e.total) for e in seen] == [(4, 10), (8, 10), (10, 10)]


def test_draws_rows_come_back_in_draw_order(sample, north_east_inputs):
    configs = [c for c, _ in sample[:2]]
    tasks = chunks(configs, [None, None])
    seen = []
    rows = run_chunks(tasks, draw_data(north_east_inputs), "serial", on_event=seen.append)
    assert [r["index"] for r in rows] == [0, 1]
    assert seen[-1].done == seen[-1].total == 2
    assert np.isfinite([r["npv_gbp_k"] for r in rows]).all()


def test_command_line_counts_draws_and_the_time_left():
    bar = Progress(disable=True)
    rows = StepRows(bar)
    rows.on_event(Event("uncertainty", "Monte Carlo: 8 draws", "start"))
    rows.on_event(Event("tasks", "Monte Carlo draws: 4/8", done=4, total=8))
    task = next(t for t in bar.tasks if t.description == "Monte Carlo draws")
    assert (task.completed, task.total) == (4, 8) and task.fields["info"].startswith("4/8, about 0:00:")
    rows.on_event(Event("tasks", "Monte Carlo draws: 8/8", done=8, total=8))
    assert task.completed == 8 and task.fields["info"] == "8/8"


def test_chunks_in_threads_give_the_rows_of_chunks_in_turn(sample, north_east_inputs):
    configs = [c for c, _ in sample] + [sample[1][0], sample[0][0]]   # two chunks: 4 draws, then 1
    tasks = chunks(configs, [None] * len(configs))
    assert len(tasks) == 2
    data = draw_data(north_east_inputs)
    in_turn = map_tasks(run_chunk, tasks, "serial", shared=data)
    assert map_tasks(run_chunk, tasks, "threads", 2, shared=data) == in_turn   # the solves overlapped; the rows did not change


def test_a_pattern_of_parts_seen_before_is_stacked_as_arrays_into_the_same_table(sample, north_east_inputs):
    revaluer = Revaluer(north_east_inputs.authorities, north_east_inputs.costs, north_east_inputs.graphs)
    params = sample[0][0].model
    first = revaluer.candidates(params).table   # pandas stacks the parts' frames; the arrays are checked against it
    assert len(revaluer._stacks) == 1           # they agreed, so the pattern is stacked as arrays from now on
    pd.testing.assert_frame_equal(revaluer.candidates(params).table, first)


def test_warm_start_indicator_marks_exactly_the_previous_portfolio():
    """The previous draw's portfolio as a 0/1 start: a hash lookup per id, as ``np.isin`` would mark it."""
    from sharedopt.pipeline.draws import _indicator

    rng = np.random.default_rng(3)
    ids = np.array([f"scale|Waste|E0{n:05d}" for n in rng.permutation(5000)], dtype=object)
    previous = set(ids[rng.choice(len(ids), 40, replace=False)]) | {"not-a-candidate"}
    marked = _indicator(ids, previous)
    assert marked.dtype == float and marked.sum() == 40
    assert np.array_equal(marked, np.isin(ids, sorted(previous)).astype(float))
    assert not _indicator(ids, set()).any()


def test_the_draw_data_goes_to_each_pool_worker_once_not_with_each_chunk(sample, north_east_inputs, monkeypatch):
    """England's enumerated groups pickle to about 150 MB: they travel once per worker, not once per chunk."""
    pickled = []

    def counted(self):
        pickled.append(self)
        return self.__dict__

    monkeypatch.setattr(Revaluer, "__getstate__", counted, raising=False)
    monkeypatch.setattr("sharedopt.pipeline.draws.DRAWS_PER_TASK", 1)
    configs = [c for c, _ in sample] * 2
    tasks = chunks(configs, [None] * len(configs))
    data = draw_data(north_east_inputs)
    assert len(tasks) == 6
    in_turn = map_tasks(run_chunk, tasks, "serial", shared=data)
    assert not pickled
    assert map_tasks(run_chunk, tasks, "process", 2, shared=data) == in_turn
    assert 1 <= len(pickled) <= 2   # once per worker started (six chunks)


def test_a_clear_hint_starts_the_pool_at_once_and_a_small_one_times_a_first_chunk_here(
        sample, north_east_inputs, monkeypatch):
    import sharedopt.pipeline.draws as draws

    sent = []

    def recorded(func, tasks, engine, *args, **kwargs):
        sent.append((engine, [t.first for t in tasks]))
        return [[{"index": t.first}] for t in tasks]

    monkeypatch.setattr(draws, "map_tasks", recorded)
    configs = [c for c, _ in sample] * 3
    tasks = chunks(configs, [None] * len(configs))
    firsts = [t.first for t in tasks]
    data = draw_data(north_east_inputs)
    draws.run_chunks(tasks, data, "auto", 2, seconds_hint=3600.0)
    assert sent == [("process", firsts)]   # every chunk to the pool: none ran here
    assert data.revaluer.enumerations > 0   # the groups were enumerated before the workers got a copy
    sent.clear()
    rows = draws.run_chunks(tasks, data, "auto", 1, seconds_hint=3600.0)   # one worker: no pool pays
    assert sent[0][1] == firsts[1:] and sent[0][0] != "process"
    assert [r["index"] for r in rows[:len(tasks[0].configs)]] == list(range(len(tasks[0].configs)))
    sent.clear()
    draws.run_chunks(tasks, data, "auto", 2, seconds_hint=1e-6)   # no clear case: the first chunk runs here
    assert sent[0][1] == firsts[1:]


@pytest.fixture(scope="module")
def kent():
    config = Scenario.from_config(ROOT / "configs" / "kent.toml").config
    return config, load_inputs(config)


def test_revalued_table_of_a_region_with_districts_is_the_enumerated_one_in_its_order(kent):
    """Kent's districts add whole-organisation rows (a frame, ranked on the spot) beside the groups'."""
    config, inputs = kent
    full = enumerate_candidates(inputs, config, with_shares=False).table
    assert (full[KIND] == WHOLE_ORGANISATION).any()
    revaluer = Revaluer(inputs.authorities, inputs.costs, inputs.graphs)
    constraints = effective_constraints(config.constraints, inputs.authorities.index)
    pd.testing.assert_frame_equal(revaluer.candidates(config.model, constraints).table, full)


def test_table_order_is_the_stable_sort_by_services_size_and_members():
    """The same group at two depths keeps its parts' order; a frame is ranked on the spot."""
    def part(label, members, rank=None, source=1):
        cells = {SERVICES: np.array([label] * len(members), dtype=object),
                 N_MEMBERS: np.array([m.count("|") + 1 for m in members]),
                 MEMBERS: np.array(members, dtype=object)}
        return cells, None if rank is None else (source, np.asarray(rank))

    groups = ["b|c", "a|b", "a|b|c"]   # ranked by size, then members: a|b, b|c, a|b|c
    parts = [part("waste", groups, [1, 0, 2]), part("waste", groups[:2], [1, 0]), part("arts", ["x|y"], [0], 2)]
    frame = pd.DataFrame(part("whole", ["q|r|s", "p|q"])[0])
    cells = [p for p, _ in parts] + [frame]
    ranks = [r for _, r in parts] + [None]
    stacked = pd.concat([pd.DataFrame(c) for c in cells], ignore_index=True)
    expected = stacked.sort_values([SERVICES, N_MEMBERS, MEMBERS], kind="stable").index.to_numpy()
    assert np.array_equal(table_order(cells, ranks), expected)
    assert table_order(cells[:2] + [part("waste", ["a|b"], [0], 3)[0]], ranks[:2] + [(3, np.array([0]))]) is None
    mixed = pd.DataFrame({SERVICES: ["v", "u", "v"], N_MEMBERS: [2, 2, 1], MEMBERS: ["a|b", "a|c", "d"]})
    assert np.array_equal(table_order([mixed], [None]), [1, 2, 0])   # a frame of several services cells
    assert table_order([mixed, part("u", ["e"], [0], 4)[0]], [None, (4, np.array([0]))]) is None
