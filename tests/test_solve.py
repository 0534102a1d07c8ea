"""Solve step: exactness against brute force, statuses, bounds, diagnostics."""

from __future__ import annotations

import json
import math
from functools import lru_cache

import numpy as np
import pandas as pd
import pulp
import pytest

import sharedopt.solve.backends.pulp as pulp_backend
import sharedopt.solve.heuristics as heuristics
import sharedopt.solve.outcome as outcome
import sharedopt.solve.pieces as pieces_mod
import sharedopt.solve.reductions as reductions
from portfolio_instances import (
    brute_force,
    disjoint_candidates,
    random_candidates,
    random_constraints,
)
from sharedopt.solve.diagnose import InfeasibleError, diagnose_infeasibility, precheck
from sharedopt.model.build import Constraints, ExistingPartnership, build_model
from sharedopt.config.solver import SolverOptions
from sharedopt.solve.api import solve
from sharedopt.solve.backends.registry import SolverUnavailableError
from sharedopt.solve.pieces import piece_labels
from sharedopt.solve.result import SolveResult

SEEDS = range(30)


@lru_cache(maxsize=None)
def instance(seed: int):
    df = random_candidates(seed, n_auth=6 + seed % 7, n_services=1 + seed % 3, max_candidates=14)
    cons = random_constraints(seed, df)
    best, _ = brute_force(df, cons)
    return df, cons, best


def check_against(best, model, options) -> SolveResult | None:
    """Solve and compare with the brute-force optimum (None = infeasible)."""
    if best is None:
        with pytest.raises(InfeasibleError):
            solve(model, options)
        return None
    res, x = solve(model, options)
    assert res.status == "optimal"
    assert res.objective == pytest.approx(best, abs=1e-6)
    assert float(model.c @ x) == pytest.approx(res.objective, abs=1e-9)
    assert res.best_bound is not None and res.best_bound >= res.objective - 1e-9
    assert res.gap is not None and res.gap <= 1e-6
    act = model.A @ x
    assert np.all(act <= model.row_upper + 1e-6) and np.all(act >= model.row_lower - 1e-6)
    assert np.all(x >= model.var_lower) and np.all(x <= model.var_upper)
    return res


# ------------------------------------------------------------------ exactness
@pytest.mark.parametrize("decompose", [True, False], ids=["decomp", "mono"])
@pytest.mark.parametrize("solver", ["highs", "cbc"])
@pytest.mark.parametrize("seed", SEEDS)
def test_matches_brute_force(seed, solver, decompose):
    df, cons, best = instance(seed)
    opts = SolverOptions(name=solver, decompose=decompose, mip_gap=0.0, time_limit=20)
    check_against(best, build_model(df, cons), opts)


def test_random_instances_cover_every_constraint_type():
    """Guard: the random configs above really exercise all constraint kinds and both outcomes."""
    seen = {k: 0 for k in ["governance_capacity", "budget_total_gbp_k", "budget_per_authority_gbp_k",
                           "max_per_service", "forced", "forbidden", "forced_pairs",
                           "forbidden_pairs", "existing", "max_payback_years"]}
    infeasible = 0
    for seed in SEEDS:
        _, cons, best = instance(seed)
        infeasible += best is None
        for k in seen:
            seen[k] += bool(getattr(cons, k))
    assert all(v >= 2 for v in seen.values()), seen
    assert 2 <= infeasible <= 15


@pytest.mark.parametrize("solver", ["highs", "cbc"])
@pytest.mark.parametrize("seed", range(6))
def test_pieces_solved_by_solver(monkeypatch, seed, solver):
    """Several independent pieces, each large enough to need a solver call."""
    monkeypatch.setattr(pieces_mod, "ENUMERATE_MAX_VARS", 1)
    df = disjoint_candidates(seed, parts=2, per_part=8)
    cons = Constraints(governance_capacity=1 + seed % 2, max_per_service=None)
    best, _ = brute_force(df, cons)
    model = build_model(df, cons)
    res = check_against(best, model, SolverOptions(name=solver, mip_gap=0.0))
    assert res.n_pieces >= 2
    mono = check_against(best, model, SolverOptions(name=solver, mip_gap=0.0, decompose=False))
    assert mono.n_pieces == 1


def test_piece_labels_respect_rows():
    df = disjoint_candidates(3, parts=3, per_part=6)
    model = build_model(df, Constraints(governance_capacity=1))
    col_lab, row_lab = piece_labels(model)
    assert col_lab.max() >= 2  # disjoint authority sets -> >= 3 pieces
    A = model.A.tocoo()
    active = model.var_upper[A.col] > 0
    np.testing.assert_array_equal(col_lab[A.col[active]], row_lab[A.row[active]])
    # a total budget couples every candidate with a cost
    coupled = build_model(df, Constraints(governance_capacity=1, budget_total_gbp_k=300.0))
    lab, _ = piece_labels(coupled)
    assert len(set(lab[lab >= 0])) == 1


def test_excluded_only_model_is_trivial():
    df, _, _ = instance(1)
    model = build_model(df, Constraints(forbidden=df.candidate_id.tolist()))
    res, x = solve(model, SolverOptions())
    assert res.status == "optimal" and res.objective == 0.0 and x.sum() == 0


# ------------------------------------------------------------------ user hook
@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_extra_hook(solver):
    df, _, _ = instance(2)
    cons = Constraints(governance_capacity=2)
    model = build_model(df, cons)
    base, x0 = solve(model, SolverOptions(name=solver, mip_gap=0.0))
    victim = model.candidate_ids[np.flatnonzero(x0)[0]]
    seen = {}

    def hook(prob: pulp.LpProblem, xs: dict[str, pulp.LpVariable]) -> None:
        seen["n"] = len(xs)
        prob += xs[victim] <= 0, "user_forbid"

    res, x = solve(model, SolverOptions(name=solver, mip_gap=0.0), pulp_extra=hook)
    expected, _ = brute_force(df, cons.model_copy(update={"forbidden": [victim]}))
    assert seen["n"] == len(df) and "PuLP hook: exact reductions" in res.message  # says what it switched off
    assert res.objective == pytest.approx(expected, abs=1e-6)
    assert res.objective < base.objective
    assert x[list(model.candidate_ids).index(victim)] == 0
    assert res.n_pieces == 1 and res.status == "optimal"


def test_warm_start_keeps_optimum():
    df, cons, best = instance(4)
    model = build_model(df, cons)
    _, x = solve(model, SolverOptions(mip_gap=0.0))
    for name in ("highs", "cbc"):
        res, _ = solve(model, SolverOptions(name=name, mip_gap=0.0, decompose=False), warm_start=x)
        assert res.objective == pytest.approx(best, abs=1e-6)


# ------------------------------------------------------------------ infeasibility
def small_table() -> pd.DataFrame:
    rows = [
        ("A", "E06000001;E06000002", "Environment", 100.0, 50.0),
        ("B", "E06000002;E06000003", "Environment", 80.0, 40.0),
        ("C", "E06000002;E06000004", "Public_Health", 60.0, 300.0),
        ("D", "E06000003;E06000004", "Public_Health", 30.0, 10.0),
    ]
    return pd.DataFrame([{
        "candidate_id": cid, "kind": "scale", "services": s, "members": m, "n_members": 2,
        "annual_saving_gbp_k": 50.0, "annual_net_saving_gbp_k": 40.0, "one_off_cost_gbp_k": cost,
        "npv_gbp_k": npv, "payback_years": cost / 40.0} for cid, m, s, npv, cost in rows])


def test_infeasible_forced_share_slot():
    cons = Constraints(forced=["A", "B"])
    with pytest.raises(InfeasibleError) as err:
        solve(build_model(small_table(), cons))
    msg = str(err.value)
    assert "A" in msg and "B" in msg and "E06000002|Environment" in msg
    assert err.value.lines == msg.splitlines()


def test_infeasible_budget_below_forced_cost():
    cons = Constraints(forced=["C"], budget_total_gbp_k=120.0)
    with pytest.raises(InfeasibleError, match=r"(?s)C costs 300.*120") as err:
        solve(build_model(small_table(), cons))
    assert "budget_total_gbp_k" in str(err.value)


def test_infeasible_budget_per_authority():
    cons = Constraints(forced=["C"], budget_per_authority_gbp_k=100.0)
    with pytest.raises(InfeasibleError, match=r"C costs E06000002 150.*per-authority budget.*100"):
        solve(build_model(small_table(), cons))


def test_infeasible_governance_capacity():
    cons = Constraints(forced=["A", "C"], governance_capacity=1)
    with pytest.raises(InfeasibleError, match=r"E06000002.*A, C.*governance capacity.*capacity 1"):
        solve(build_model(small_table(), cons), SolverOptions(name="cbc"))


def test_infeasible_forced_excluded_says_why():
    cons = Constraints(
        forced=["D"],
        existing=[ExistingPartnership(service="Public_Health", members=["E06000003"], name="PH3")],
    )
    with pytest.raises(InfeasibleError, match="D is forced but excluded: existing partnership PH3"):
        solve(build_model(small_table(), cons))


def test_infeasible_forced_pair_without_candidate():
    df = small_table()
    cons = Constraints(forced_pairs=[("E06000001", "E06000003")], governance_capacity=None)
    model = build_model(df, cons)
    with pytest.raises(InfeasibleError, match="forced pair E06000001 \\+ E06000003"):
        solve(model)
    lines = diagnose_infeasibility(model, df, cons.model_copy(update={"forced_pairs": [("E06000001", "E09")]}))
    assert any("E09 is not a member of any candidate" in line for line in lines)


def test_infeasible_found_by_elastic_relaxation():
    """Pre-checks pass; only the combination of constraints is infeasible."""
    cons = Constraints(forced_pairs=[("E06000002", "E06000003"), ("E06000001", "E06000002")],
                       governance_capacity=None)
    model = build_model(small_table(), cons)
    assert precheck(model) == []
    with pytest.raises(InfeasibleError) as err:
        solve(model, SolverOptions(name="cbc"))
    msg = str(err.value)
    assert "the fewest 1 constraint(s)" in msg
    assert "forced pair" in msg or "one partnership per slot (E06000002, Environment)" in msg
    assert err.value.result is not None and err.value.result.status == "infeasible"


# ------------------------------------------------------------------ time limit, bounds
@pytest.fixture(scope="module")
def hard_longer_run(hard_model):
    return solve(hard_model, SolverOptions(time_limit=2, mip_gap=0.0))[0]


@pytest.mark.slow
@pytest.mark.parametrize("solver, hook", [("highs", False), ("cbc", False), ("highs", True)])
def test_time_limit_reports_feasible_with_gap(hard_model, hard_longer_run, solver, hook):
    """0.2 s cannot prove this instance optimal: never report 'optimal'."""
    opts = SolverOptions(name=solver, time_limit=0.2, mip_gap=0.0)
    res, x = solve(hard_model, opts, pulp_extra=(lambda prob, xs: None) if hook else None)
    assert res.status != "optimal"
    assert "time" in res.termination.lower()
    if hook and res.status == "time_limit_no_solution":  # possible on a loaded machine
        assert res.objective is None and res.gap is None and not x.any()
        return
    # without a hook a time-limited run always returns a portfolio (forced-only at worst)
    assert res.status == "feasible"
    assert res.best_bound is not None and res.objective is not None
    assert res.best_bound >= res.objective - 1e-9 and res.gap > 0
    assert float(hard_model.c @ x) == pytest.approx(res.objective)
    assert np.all(hard_model.A @ x <= hard_model.row_upper + 1e-6)
    # a longer run's incumbent never beats the reported bound
    assert hard_longer_run.objective <= res.best_bound + 1e-6
    assert hard_longer_run.best_bound >= res.objective - 1e-6


def test_decomposed_bound_is_upper_bound(monkeypatch):
    monkeypatch.setattr(pieces_mod, "ENUMERATE_MAX_VARS", 1)
    df = disjoint_candidates(5, parts=3, per_part=8)
    cons = Constraints(governance_capacity=1)
    res, _ = solve(build_model(df, cons), SolverOptions(mip_gap=0.0))
    assert res.n_pieces >= 3 and res.best_bound >= res.objective - 1e-9


# ------------------------------------------------------------------ solver selection, result
def test_unknown_solver_lists_available():
    df, _, _ = instance(1)
    with pytest.raises(SolverUnavailableError) as err:
        solve(build_model(df), SolverOptions(name="gurobi_magic"))
    msg = str(err.value)
    # user-facing names only (no internal PuLP class names)
    assert "'highs'" in msg and "'cbc'" in msg and "gurobi_magic" in msg
    assert "PULP_CBC_CMD" not in msg and "COIN_CMD" not in msg
    assert isinstance(err.value, ValueError)


def test_solver_options_validation():
    with pytest.raises(ValueError, match="time_limit"):
        SolverOptions(time_limit=0)
    with pytest.raises(ValueError):
        SolverOptions(threads=2, foo=1)


def test_result_fields_and_json():
    df, cons, best = instance(5)
    model = build_model(df, cons)
    res, x = solve(model, SolverOptions(name="cbc", seed=3, mip_gap=0.0))
    d = res.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["solver"] == "cbc" and d["seed"] == 3 and d["n_variables"] == len(df)
    assert d["n_constraints"] == model.n_constraints and d["n_nonzeros"] == model.n_nonzeros
    assert res.build_seconds >= model.build_seconds and res.solve_seconds >= 0
    assert "CBC" in res.solver_version or res.solver_version == "enumeration"
    assert not {"solve_seconds", "build_seconds", "seconds_by_phase"} & set(d)  # the timing is never serialised
    inf_res = res.with_outcome(best_bound=math.inf, gap=math.nan)
    assert inf_res.to_dict()["best_bound"] is None and inf_res.to_dict()["gap"] is None
    with pytest.raises(AttributeError):
        res.status = "x"


def test_no_incumbent_falls_back_to_start_or_forced_only():
    df, _, _ = instance(2)
    model = build_model(df, Constraints(governance_capacity=2, forced=[df.candidate_id[0]]))
    empty = pieces_mod.Piece("time_limit_no_solution", "Time limit reached", None, None, None)
    res = outcome.fallback(model, empty, None)
    assert res.status == "feasible" and "forced-only" in res.message
    np.testing.assert_array_equal(res.x, model.var_lower)
    assert res.objective == pytest.approx(float(model.c @ model.var_lower))
    assert res.objective <= res.bound <= heuristics.trivial_bound(model) + 1e-9
    start = heuristics.greedy_start(model)
    res = outcome.fallback(model, empty, start)
    assert "start portfolio" in res.message and res.objective == pytest.approx(float(model.c @ start))


@pytest.mark.parametrize("seed", SEEDS)
def test_greedy_and_cheap_bound_bracket_optimum(seed):
    df, cons, best = instance(seed)
    if best is None:
        return
    model = build_model(df, cons)
    bound = heuristics.cheap_bound(model)
    assert bound >= best - 1e-6
    assert bound <= heuristics.trivial_bound(model) + 1e-9
    start = heuristics.greedy_start(model)
    if start is not None:
        assert float(model.c @ start) <= best + 1e-6
        act = model.A @ start
        assert np.all(act <= model.row_upper + 1e-6) and np.all(act >= model.row_lower - 1e-6)
        assert np.all(start >= model.var_lower) and np.all(start <= model.var_upper)


def test_cbc_log_bound_rounded_up(tmp_path):
    log = tmp_path / "cbc.log"
    log.write_text("Version: 2.10.3\nResult - Stopped on time limit\n\n"
                   "Objective value:                8772.44619890\nUpper bound:                    9104.470\n")
    parsed = pulp_backend._cbc_log(str(log))
    assert parsed["result"] == "Stopped on time limit" and parsed["version"] == "2.10.3"
    assert parsed["bound"] == pytest.approx(9104.4705)


def test_fix_unprofitable_is_exact_and_selective():
    df = small_table()
    df.loc[df.candidate_id == "D", "npv_gbp_k"] = -5.0
    df.loc[df.candidate_id == "B", "npv_gbp_k"] = -1.0
    cons = Constraints(governance_capacity=1, forced_pairs=[("E06000002", "E06000003")])
    model = build_model(df, cons)
    reduced = reductions.fix_unprofitable(model)
    # D is unprofitable and free -> fixed; B is needed by the forced pair -> kept
    np.testing.assert_array_equal(reduced.var_upper, [1, 1, 1, 0])
    assert model.var_upper[3] == 1  # the input model is not mutated
    res, x = solve(model, SolverOptions(mip_gap=0.0))
    assert res.objective == pytest.approx(brute_force(df, cons)[0]) and x[1] == 1


@pytest.mark.parametrize("seed", range(12))
def test_dominance_rich_instances_match_brute_force(seed):
    """Few authorities -> many nested candidates; random exclusions break dominance chains."""
    df = random_candidates(100 + seed, n_auth=4, n_services=2, max_candidates=14)
    cons = random_constraints(100 + seed, df)
    model = build_model(df, cons)
    best, _ = brute_force(df, cons)
    reduced = reductions.reduce_model(model)
    assert np.all(reduced.var_upper <= model.var_upper)
    for name in ("highs", "cbc"):
        check_against(best, model, SolverOptions(name=name, mip_gap=0.0))
    if best is not None:  # the reduced model keeps the optimum
        assert brute_force(df, cons.model_copy(update={"forbidden": sorted(
            set(cons.forbidden) | set(model.candidate_ids[reduced.var_upper < model.var_upper])
        )}))[0] == pytest.approx(best, abs=1e-6)


def test_dominance_rich_instances_do_reduce():
    n_dom = sum(int((build_model(random_candidates(100 + s, n_auth=4, n_services=2, max_candidates=14),
                                 Constraints()).dominated_by >= 0).sum()) for s in range(12))
    assert n_dom >= 12


def test_parallel_pieces_match_serial_and_survive_thread_changes(north_east_uncoordinated_candidates):
    """Independent pieces solved in parallel threads give the serial answer; changing
    solver.threads between solves in one process (HiGHS keeps one scheduler per
    process, see pricing.set_threads) still runs and still agrees."""
    table = north_east_uncoordinated_candidates.table
    model = build_model(table, Constraints(governance_capacity=None))  # pieces = services
    results = {}
    for threads in (2, 1, 2):
        result, chosen = solve(model, SolverOptions(threads=threads, mip_gap=0.0, time_limit=60))
        results.setdefault(threads, []).append((result, chosen))
    parallel, serial = results[2][0][0], results[1][0][0]
    assert parallel.n_pieces > 2 and "in parallel" in parallel.message
    assert "in parallel" not in serial.message
    for result, chosen in results[2] + results[1]:
        assert result.status == "optimal"
        assert result.objective == pytest.approx(serial.objective, rel=1e-9)
        assert float(model.c @ chosen) == pytest.approx(serial.objective, rel=1e-9)
