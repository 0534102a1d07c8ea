"""Live solver progress reaches a listener, and nothing is attached without one."""

from __future__ import annotations

import pytest

from sharedopt.pipeline.steps import create_model, enumerate_candidates, solve_model
from sharedopt.solve.progress import listening


def test_listener_sees_incumbents_below_the_bound(north_east_config, north_east_inputs):
    config = north_east_config
    config = config.model_copy(update={"solver": config.solver.model_copy(update={"decompose": False})})
    model = create_model(enumerate_candidates(north_east_inputs, config), config)
    seen = []
    with listening(lambda incumbent, bound, gap: seen.append((incumbent, bound, gap))):
        result, _ = solve_model(model, config)
    assert seen, "HiGHS reported no progress"
    for incumbent, bound, _ in seen:
        if incumbent is not None and bound is not None:
            assert incumbent <= bound + 1e-6 * abs(bound)
    best = max(i for i, _, _ in seen if i is not None)
    assert best <= result.objective + 1e-6 * abs(result.objective)
    # outside the block nothing is reported
    seen.clear()
    solve_model(model, config)
    assert seen == []


def test_decomposed_solve_reports_whole_model_progress_and_pieces_done(north_east_config, north_east_inputs):
    """Pieces solved separately: the listener sees whole-model sums and pieces done."""
    config = north_east_config
    config = config.model_copy(update={"constraints": config.constraints.model_copy(
        update={"governance_capacity": None}),  # no coupling: one piece per service
        "model": config.model.model_copy(update={"coordination_best_size": 0.0})})  # more services with candidates
    model = create_model(enumerate_candidates(north_east_inputs, config, with_shares=False), config)
    seen = []
    with listening(lambda incumbent, bound, gap, pieces=None: seen.append((incumbent, bound, pieces)), pieces=True):
        result, _ = solve_model(model, config)
    assert result.n_pieces > 2
    with_pieces = [s for s in seen if s[2] is not None]
    assert with_pieces, "no piece-level progress"
    done, total = with_pieces[-1][2]
    assert done == total >= 2
    incumbent, bound, _ = with_pieces[-1]
    assert incumbent == pytest.approx(result.objective, rel=1e-9)
    assert bound >= result.objective - 1e-6
    counts = [p[0] for _, _, p in with_pieces]
    assert counts == sorted(counts)  # pieces done never goes back
