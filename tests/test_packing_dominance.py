"""Exact dominance by packings (any group size): removing every packing-dominated
candidate never changes the optimum found by exhaustive search."""

from __future__ import annotations

import numpy as np
import pytest

from portfolio_instances import brute_force, random_candidates, random_constraints
from sharedopt.model.build import Constraints, build_model
from sharedopt.model.packing_dominance import removable
from sharedopt.solve.reductions import reduce_model


def _dominated_ids(model):
    keep = removable(model.packings, model.c, model.var_lower, model.var_upper)
    return sorted(set(model.candidate_ids[keep]))


@pytest.mark.parametrize("seed", range(24))
def test_packing_dominance_keeps_the_exhaustive_optimum(seed):
    df = random_candidates(300 + seed, n_auth=5, n_services=2, max_candidates=15)
    cons = random_constraints(300 + seed, df) if seed % 2 else Constraints()
    model = build_model(df, cons)
    best, _ = brute_force(df, cons)
    gone = _dominated_ids(model)
    if best is None:
        return
    without = cons.model_copy(update={"forbidden": sorted(set(cons.forbidden) | set(gone))})
    assert brute_force(df, without)[0] == pytest.approx(best, abs=1e-6)
    reduced = reduce_model(model)
    assert set(model.candidate_ids[(reduced.var_upper == 0) & (model.var_upper > 0)]) >= set(gone)


def test_packings_are_found_and_are_real_packings():
    """Non-vacuous: packings of several candidates occur, are member-disjoint, use a subset
    of the dominated candidate's members and services and are worth at least as much."""
    n_multi = 0
    for seed in range(24):
        df = random_candidates(300 + seed, n_auth=5, n_services=2, max_candidates=15)
        model = build_model(df, Constraints())
        mem = [set(m.split(";")) for m in df["members"]]
        svc = [set(s.split(";")) for s in df["services"]]
        p = model.packings
        for j in np.flatnonzero(p.dominated()):
            ks = p.members[p.indptr[j]:p.indptr[j + 1]]
            n_multi += len(ks) > 1
            union = [a for k in ks for a in mem[k]]
            assert len(union) == len(set(union)) and set(union) <= mem[j]
            assert all(svc[k] <= svc[j] for k in ks)
            assert model.c[ks].sum() >= model.c[j]
    assert n_multi >= 5


def test_a_forbidden_packing_member_keeps_the_candidate():
    df = random_candidates(305, n_auth=5, n_services=2, max_candidates=15)
    model = build_model(df, Constraints())
    p = model.packings
    j = int(np.flatnonzero(p.dominated())[0])
    k = p.members[p.indptr[j]]
    upper = model.var_upper.copy()
    upper[k] = 0.0
    keep = removable(p, model.c, model.var_lower, upper)
    assert not keep[j] or model.c[k] <= 0
