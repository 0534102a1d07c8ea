"""Ranking: conflicts, exclusion reasons, loss if forced (vs brute force)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import sharedopt.solve.pieces as pieces_mod
from portfolio_instances import brute_force, disjoint_candidates, hard_instance, random_candidates, random_constraints
from sharedopt.model.build import REQUIRED_COLUMNS, Constraints, build_model
from sharedopt.results.rank import loss_if_forced, rank_candidates
from sharedopt.config.solver import SolverOptions
from sharedopt.solve.api import solve

EXACT = SolverOptions(mip_gap=0.0)


def hand_table() -> pd.DataFrame:
    rows = [  # id, members, services, npv
        ("A", "E06000001;E06000002", "Environment", 100.0),
        ("B", "E06000002;E06000003", "Environment", 90.0),
        ("C", "E06000001", "Environment;Public_Health", 50.0),
        ("D", "E06000003;E06000004", "Public_Health", 40.0),
        ("E", "E06000004;E06000005", "Public_Health", 30.0),
        ("F", "E06000003;E06000005", "Environment", -10.0),
        ("G", "E06000002;E06000004", "Environment;Public_Health", 30.0),
    ]
    return pd.DataFrame([{
        "candidate_id": cid, "kind": "scale", "services": s, "members": m,
        "n_members": len(m.split(";")), "annual_saving_gbp_k": 10.0,
        "annual_net_saving_gbp_k": npv / 10, "one_off_cost_gbp_k": 20.0, "npv_gbp_k": npv,
        "payback_years": 2.0 if npv > 0 else math.inf} for cid, m, s, npv in rows])


def test_conflicts_with_hand_example():
    df = hand_table()
    model = build_model(df, Constraints(governance_capacity=None, forbidden=["F"]))
    chosen = np.array([1, 0, 0, 1, 0, 0, 0])  # A and D
    out = rank_candidates(df, chosen, model, top_n=0).set_index("candidate_id")
    assert out.loc["A", "conflicts_with"] == "" and out.loc["D", "conflicts_with"] == ""
    assert out.loc["B", "conflicts_with"] == "A"  # E06000002|Environment
    assert out.loc["C", "conflicts_with"] == "A"  # E06000001|Environment
    assert out.loc["E", "conflicts_with"] == "D"  # E06000004|Public_Health
    assert out.loc["G", "conflicts_with"] == "A;D"
    assert out.loc["F", "conflicts_with"] == ""  # shares E06000003|Env with B only (not chosen)
    assert out.loc["F", "excluded_reason"] == "forbidden"
    assert out.loc["B", "excluded_reason"] == ""
    assert out["chosen"].tolist() == [True, False, False, True, False, False, False]
    assert out["loss_if_forced_gbp_k"].isna().all()


def test_rank_order_and_ties():
    df = hand_table()
    model = build_model(df)
    res, x = solve(model, EXACT)
    out = rank_candidates(df, x, model, EXACT, top_n=0)
    assert out["rank"].tolist() == list(range(1, len(df) + 1))
    # E and G tie on 30: candidate_id breaks the tie
    assert out["candidate_id"].tolist() == ["A", "B", "C", "D", "E", "G", "F"]
    assert set(df.columns) <= set(out.columns)


def test_loss_if_forced_hand_example():
    df = hand_table()
    cons = Constraints(governance_capacity=None)
    model = build_model(df, cons)
    res, x = solve(model, EXACT)
    # optimum: A + D + ... ; check every not-chosen candidate against brute force
    best, _ = brute_force(df, cons)
    out = rank_candidates(df, x, model, EXACT, top_n=10).set_index("candidate_id")
    for cid in out.index[~out["chosen"]]:
        forced_best, _ = brute_force(df, cons.model_copy(update={"forced": [cid]}))
        assert out.loc[cid, "loss_if_forced_gbp_k"] == pytest.approx(best - forced_best, abs=1e-6)
        assert out.loc[cid, "forced_status"] == "optimal"
    assert not out.loc["A", "chosen"] and out.loc["A", "loss_if_forced_gbp_k"] > 0  # A blocks B + C


def _check_losses(df, cons, options, top_n=6):
    best, _ = brute_force(df, cons)
    if best is None:
        return 0
    model = build_model(df, cons)
    res, x = solve(model, options)
    assert res.objective == pytest.approx(best, abs=1e-6)
    out = rank_candidates(df, x, model, options, top_n=top_n)
    got = out.dropna(subset=["loss_if_forced_gbp_k"])
    assert len(got) == min(top_n, int(((~out.chosen) & (out.excluded_reason == "")).sum()))
    # the candidates priced are the best-ranked eligible ones
    eligible = out[(~out.chosen) & (out.excluded_reason == "")]
    assert got["candidate_id"].tolist() == eligible["candidate_id"].tolist()[:top_n]
    for cid, loss, status in got[["candidate_id", "loss_if_forced_gbp_k", "forced_status"]].itertuples(index=False):
        forced_best, _ = brute_force(df, cons.model_copy(update={"forced": list(cons.forced) + [cid]}))
        if forced_best is None:
            assert math.isinf(loss) and status == "infeasible"
        else:
            assert loss >= -1e-9
            assert loss == pytest.approx(best - forced_best, abs=1e-6)
    return len(got)


@pytest.mark.parametrize("decompose", [True, False])
@pytest.mark.parametrize("seed", range(8))
def test_loss_if_forced_matches_brute_force(seed, decompose):
    df = random_candidates(seed, n_auth=6 + seed % 5, n_services=1 + seed % 3, max_candidates=12)
    cons = random_constraints(seed, df)
    if brute_force(df, cons)[0] is None:  # keep the test meaningful: relax to feasible
        cons = cons.model_copy(update={"forced": [], "forced_pairs": []})
    if brute_force(df, cons)[0] is None:
        cons = Constraints()
    assert _check_losses(df, cons, SolverOptions(mip_gap=0.0, decompose=decompose)) > 0


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_loss_if_forced_pieces_with_solver(monkeypatch, solver):
    """Re-solve only the affected piece, with a real solver call per piece."""
    monkeypatch.setattr(pieces_mod, "ENUMERATE_MAX_VARS", 1)
    df = disjoint_candidates(2, parts=2, per_part=7)
    cons = Constraints(governance_capacity=1)
    n = _check_losses(df, cons, SolverOptions(name=solver, mip_gap=0.0), top_n=8)
    assert n >= 4


def test_loss_if_forced_infeasible_is_inf():
    df = hand_table()
    cons = Constraints(governance_capacity=None, forced=["A"])
    model = build_model(df, cons)
    _, x = solve(model, EXACT)
    j = df.index[df.candidate_id == "B"][0]  # B shares a slot with the forced A
    loss, status = loss_if_forced(model, x, int(j), EXACT)
    assert math.isinf(loss) and status == "infeasible"


def test_misaligned_inputs_rejected():
    df = hand_table()
    model = build_model(df)
    with pytest.raises(ValueError, match="aligned"):
        rank_candidates(df.iloc[::-1], np.zeros(len(df)), model)
    with pytest.raises(ValueError, match="shape"):
        rank_candidates(df, np.zeros(3), model)


def portfolio_table(candidates: pd.DataFrame, chosen: np.ndarray) -> pd.DataFrame:
    """Chosen candidates, best NPV first, with running totals (the old rank.portfolio_table)."""
    chosen = np.asarray(chosen).astype(bool)
    if chosen.shape != (len(candidates),):
        raise ValueError(f"chosen has shape {chosen.shape}, expected ({len(candidates)},)")
    cols = [c for c in REQUIRED_COLUMNS if c in candidates.columns]
    tab = candidates.loc[chosen, cols].copy()
    tab["_id"] = tab["candidate_id"].astype(str)
    tab = tab.sort_values(["npv_gbp_k", "_id"], ascending=[False, True]).drop(columns="_id")
    tab["cumulative_npv_gbp_k"] = tab["npv_gbp_k"].cumsum()
    tab["cumulative_one_off_cost_gbp_k"] = tab["one_off_cost_gbp_k"].cumsum()
    return tab.reset_index(drop=True)


def test_portfolio_table():
    df = hand_table()
    chosen = np.array([1, 0, 1, 0, 1, 0, 1])
    tab = portfolio_table(df, chosen)
    assert tab["candidate_id"].tolist() == ["A", "C", "E", "G"]
    np.testing.assert_allclose(tab["cumulative_npv_gbp_k"], [100, 150, 180, 210])
    np.testing.assert_allclose(tab["cumulative_one_off_cost_gbp_k"], [20, 40, 60, 80])
    assert portfolio_table(df, np.zeros(len(df))).empty


# ------------------------------------------------------------------ proven intervals, determinism
def _exact_losses(df, cons, ids):
    best, _ = brute_force(df, cons)
    out = {}
    for cid in ids:
        forced_best, _ = brute_force(df, cons.model_copy(update={"forced": list(cons.forced) + [cid]}))
        out[cid] = math.inf if forced_best is None else best - forced_best
    return out


@pytest.mark.parametrize("seed", range(6))
def test_loss_intervals_contain_the_exact_loss(seed):
    """Re-solves stopped after one node still give an interval that holds the true loss."""
    df = random_candidates(seed, n_auth=8 + seed % 4, n_services=2, max_candidates=14)
    cons = Constraints(governance_capacity=2)
    model = build_model(df, cons)
    _, x = solve(model, EXACT)
    tight = SolverOptions(mip_gap=0.0, node_limit=1, decompose=bool(seed % 2))
    out = rank_candidates(df, x, model, tight, top_n=8)
    got = out.dropna(subset=["loss_if_forced_low_gbp_k"])
    assert len(got) > 0
    exact = _exact_losses(df, cons, got["candidate_id"])
    for row in got.itertuples(index=False):
        true = exact[row.candidate_id]
        if math.isinf(true):
            assert row.forced_status == "infeasible" and math.isinf(row.loss_if_forced_gbp_k)
            continue
        assert row.loss_if_forced_low_gbp_k - 1e-6 <= true <= row.loss_if_forced_high_gbp_k + 1e-6
        if row.forced_status == "optimal":
            assert row.loss_if_forced_gbp_k == pytest.approx(true, abs=1e-6)
        else:
            assert math.isnan(row.loss_if_forced_gbp_k) and row.forced_status.startswith("bounds")


@pytest.mark.slow
def test_unproven_interval_is_reported_with_its_limit():
    """A hard instance whose forced re-solves cannot finish in 1 node: interval, no point value."""
    df = hard_instance(0, n_auth=30, n_cand=600)
    cons = Constraints(governance_capacity=2, budget_total_gbp_k=float(df.one_off_cost_gbp_k.sum() * 0.02))
    model = build_model(df, cons)
    _, x = solve(model, SolverOptions(mip_gap=0.0, node_limit=20))
    out = rank_candidates(df, x, model, SolverOptions(mip_gap=0.0, node_limit=1, time_limit=60), top_n=3)
    got = out.dropna(subset=["loss_if_forced_low_gbp_k"])
    assert (got["forced_status"] == "bounds (work limit)").any()
    unproven = got[got["forced_status"] != "optimal"]
    assert unproven["loss_if_forced_gbp_k"].isna().all()
    assert (unproven["loss_if_forced_low_gbp_k"] <= unproven["loss_if_forced_high_gbp_k"]).all()
    assert (unproven["loss_if_forced_low_gbp_k"] >= 0).all()


def _ranking_values(df, model, x, options):
    out = rank_candidates(df, x, model, options, top_n=3)
    cols = ["candidate_id", "loss_if_forced_gbp_k", "loss_if_forced_low_gbp_k", "loss_if_forced_high_gbp_k",
            "forced_status"]
    rows = out.dropna(subset=["loss_if_forced_low_gbp_k"])[cols].to_numpy().tolist()
    return [[None if isinstance(v, float) and math.isnan(v) else v for v in row] for row in rows]


@pytest.mark.slow
def test_ranking_identical_under_a_cpu_hog(cpu_hogs):
    """Node limits, not the clock, stop the re-solves: a busy machine gives the same figures."""
    df = hard_instance(1, n_auth=30, n_cand=600)
    cons = Constraints(governance_capacity=2, budget_total_gbp_k=float(df.one_off_cost_gbp_k.sum() * 0.02))
    model = build_model(df, cons)
    _, x = solve(model, SolverOptions(mip_gap=0.0, node_limit=20))
    options = SolverOptions(mip_gap=0.0, node_limit=5, time_limit=120)
    idle = _ranking_values(df, model, x, options)
    with cpu_hogs():
        loaded = _ranking_values(df, model, x, options)
    assert idle == loaded
    assert any(row[-1] == "bounds (work limit)" for row in idle)  # the limit did bind
    assert not any("time limit" in row[-1] for row in idle)


@pytest.mark.parametrize("case", ["pieces", "work_limit"])
def test_re_solves_in_parallel_threads_give_the_serial_figures(monkeypatch, case):
    """The loss-if-forced re-solves run up to ``threads`` at once; every figure and status is the
    serial one, on pieces solved by HiGHS and on re-solves stopped by the node limit."""
    import sharedopt.results.rank as rank_mod

    if case == "pieces":
        monkeypatch.setattr(pieces_mod, "ENUMERATE_MAX_VARS", 1)
        df = disjoint_candidates(3, parts=3, per_part=7)
        cons, options, top_n = Constraints(governance_capacity=1), SolverOptions(mip_gap=0.0, threads=2), 9
    else:
        df = hard_instance(1, n_auth=24, n_cand=250)
        cons = Constraints(governance_capacity=2, budget_total_gbp_k=float(df.one_off_cost_gbp_k.sum() * 0.02))
        options, top_n = SolverOptions(mip_gap=0.0, node_limit=2, threads=2), 4
    model = build_model(df, cons)
    _, x = solve(model, SolverOptions(mip_gap=0.0, node_limit=20))
    used = []
    workers = rank_mod.piece_workers
    monkeypatch.setattr(rank_mod, "piece_workers", lambda *a: used.append(workers(*a)) or used[-1])
    parallel = rank_candidates(df, x, model, options, top_n=top_n)
    monkeypatch.setattr(rank_mod, "piece_workers", lambda *a: 1)
    serial = rank_candidates(df, x, model, options, top_n=top_n)
    assert used == [2]
    pd.testing.assert_frame_equal(parallel, serial)
    assert parallel["forced_status"].ne("").sum() == top_n
    if case == "work_limit":
        assert parallel["forced_status"].eq("bounds (work limit)").any()  # the limit did bind
