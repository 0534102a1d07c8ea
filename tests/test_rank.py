"""Ranking: conflicts, exclusion reasons, loss if forced (vs brute force)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import sharedopt.solve as solve_mod
from portfolio_instances import brute_force, disjoint_candidates, random_candidates, random_constraints
from sharedopt.model import Constraints, build_model
from sharedopt.rank import loss_if_forced, portfolio_table, rank_candidates
from sharedopt.solve import SolverOptions, solve

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
    monkeypatch.setattr(solve_mod, "ENUMERATE_MAX_VARS", 1)
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


def test_portfolio_table():
    df = hand_table()
    chosen = np.array([1, 0, 1, 0, 1, 0, 1])
    tab = portfolio_table(df, chosen)
    assert tab["candidate_id"].tolist() == ["A", "C", "E", "G"]
    np.testing.assert_allclose(tab["cumulative_npv_gbp_k"], [100, 150, 180, 210])
    np.testing.assert_allclose(tab["cumulative_one_off_cost_gbp_k"], [20, 40, 60, 80])
    assert portfolio_table(df, np.zeros(len(df))).empty
