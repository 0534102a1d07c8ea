"""Swap moves polishing a 0/1 packing solution, and the compiled greedy fill, on hand-built
instances with known answers, random packings checked exhaustively, and real Welsh candidates."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from sharedopt.solve.heuristics import _greedy_fill, greedy_solution
from sharedopt.solve.local_search import improve_by_swaps, is_packing


def _bounds(A, upper, lower=None, forced=()):
    n = A.shape[1]
    lb = np.zeros(n)
    lb[list(forced)] = 1.0
    rl = np.full(A.shape[0], -np.inf) if lower is None else np.asarray(lower, float)
    return rl, np.asarray(upper, float), lb, np.ones(n)


def _feasible(A, bounds, x) -> bool:
    rl, ru, lb, ub = bounds
    act = A @ x
    return bool(np.all(act <= ru + 1e-9) and np.all(act >= rl - 1e-9) and np.all(x >= lb) and np.all(x <= ub))


# rows: two slots of capacity 1. Column 0 (value 5) holds both; column 1 (value 6) holds slot 0,
# column 2 (value 3) slot 1. From {0}: the swap "add 1, remove 0" gains 1, then 2 fits: 9.
C = np.array([5.0, 6.0, 3.0])
A = sp.csc_matrix(np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]]))


def test_a_swap_then_an_addition_reach_the_known_optimum():
    x = improve_by_swaps(C, A, np.array([1.0, 0.0, 0.0]), _bounds(A, [1, 1]))
    assert x.tolist() == [0.0, 1.0, 1.0] and C @ x == 9.0


def test_a_forced_column_is_never_removed():
    x = improve_by_swaps(C, A, np.array([1.0, 0.0, 0.0]), _bounds(A, [1, 1], forced=[0]))
    assert x.tolist() == [1.0, 0.0, 0.0]


def test_a_row_with_a_lower_bound_leaves_the_start_unchanged():
    bounds = _bounds(A, [1, 1], lower=[1, -np.inf])
    assert not is_packing(A, bounds[0])
    assert improve_by_swaps(C, A, np.array([1.0, 0.0, 0.0]), bounds).tolist() == [1.0, 0.0, 0.0]


def _random_packing(rng, n_rows=6, n_cols=12):
    dense = (rng.random((n_rows, n_cols)) < 0.35).astype(float)
    dense[rng.integers(n_rows, size=n_cols), np.arange(n_cols)] = 1.0
    upper = rng.integers(1, 3, size=n_rows).astype(float)
    return rng.uniform(1, 10, size=n_cols), sp.csc_matrix(dense), upper


@pytest.mark.parametrize("seed", range(6))
def test_swaps_improve_a_random_start_and_never_beat_exhaustive_search(seed):
    rng = np.random.default_rng(seed)
    c, A_r, upper = _random_packing(rng)
    bounds = _bounds(A_r, upper)
    grid = np.array(list(itertools.product([0.0, 1.0], repeat=len(c))))
    ok = np.all(grid @ A_r.T.toarray() <= upper + 1e-9, axis=1)
    best = float((grid[ok] @ c).max())
    for start in (np.zeros(len(c)), grid[ok][len(grid[ok]) // 2]):
        x = improve_by_swaps(c, A_r, start, bounds)
        assert _feasible(A_r, bounds, x) and c @ start <= c @ x <= best + 1e-9
        assert improve_by_swaps(c, A_r, x, bounds).tolist() == x.tolist()   # a fixed point: no swap improves


def test_swaps_on_real_candidates_stay_feasible_and_do_not_lose(wales_inputs):
    from pathlib import Path

    from sharedopt.config.schema import load_config
    from sharedopt.model.build import Constraints, build_model
    from sharedopt.pipeline.steps import enumerate_candidates

    config = load_config(Path(__file__).resolve().parents[1] / "configs" / "wales.toml")
    config = config.model_copy(update={"model": config.model.model_copy(update={"max_group_size": 3})})
    model = build_model(enumerate_candidates(wales_inputs, config).table, Constraints(governance_capacity=2))
    c, A_w = np.asarray(model.c, float), sp.csc_matrix(model.A)
    bounds = tuple(np.asarray(v, float) for v in (model.row_lower, model.row_upper, model.var_lower, model.var_upper))
    start = greedy_solution(c, A_w, *bounds, priority=-c)   # the least valuable first: a poor start
    x = improve_by_swaps(c, A_w, start, bounds)
    assert _feasible(A_w, bounds, x) and c @ x > 2 * c @ start


def test_the_compiled_greedy_fill_matches_its_python_source():
    rng = np.random.default_rng(3)
    c, A_r, upper = _random_packing(rng, n_rows=20, n_cols=200)
    c[::7] = -1.0   # losing columns are never taken
    order = np.argsort(-c, kind="stable").astype(np.int64)
    results = []
    for fill in (_greedy_fill, _greedy_fill.py_func):
        x, activity = np.zeros(len(c)), np.zeros(A_r.shape[0])
        fill(A_r.indptr, A_r.indices, A_r.data, order, x, activity, upper, np.ones(len(c)), c)
        results.append((x, activity))
    assert np.array_equal(results[0][0], results[1][0]) and np.array_equal(results[0][1], results[1][1])
    assert results[0][0].sum() > 0 and not results[0][0][::7].any()
