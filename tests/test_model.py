"""Model building: incidence, constraint validation, rows, bounds, PuLP view."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pulp
import pytest
from pydantic import ValidationError

from portfolio_instances import brute_force, candidate_row, random_candidates
from sharedopt.model.build import (
    Constraints,
    ExistingPartnership,
    build_model,
    member_incidence,
    slot_incidence,
)
from sharedopt.solve.backends.pulp_view import build_pulp, to_pulp
from sharedopt.solve.backends.registry import check_solver


def table(rows: list[tuple[str, str, str, float, float]]) -> pd.DataFrame:
    """(id, members, services, npv, one_off_cost) -> candidate table."""
    out = []
    for cid, members, services, npv, cost in rows:
        m = members.split(";")
        out.append({
            "candidate_id": cid,
            "kind": "scale" if ";" not in services else ("scope" if len(m) == 1 else "scale+scope"),
            "services": services,
            "members": members,
            "n_members": len(m),
            "annual_saving_gbp_k": 100.0,
            "annual_net_saving_gbp_k": npv / 10,
            "one_off_cost_gbp_k": cost,
            "npv_gbp_k": npv,
            "payback_years": cost / (npv / 10) if npv > 0 else math.inf,
        })
    return pd.DataFrame(out)


@pytest.fixture
def small() -> pd.DataFrame:
    return table([
        ("A", "E06000001;E06000002", "Environment", 100.0, 50.0),
        ("B", "E06000002;E06000003", "Environment", 80.0, 40.0),
        ("C", "E06000001", "Environment;Public_Health", 60.0, 30.0),
        ("D", "E06000003;E06000004", "Public_Health", -20.0, 10.0),
    ])


# -------------------------------------------------------------------- incidence
def test_slot_incidence_entries_and_order(small):
    S, slots = slot_incidence(small)
    assert S.shape == (4, 6)
    assert list(zip(slots.authority, slots.service)) == [
        ("E06000001", "Environment"), ("E06000001", "Public_Health"),
        ("E06000002", "Environment"), ("E06000003", "Environment"),
        ("E06000003", "Public_Health"), ("E06000004", "Public_Health"),
    ]
    dense = S.toarray()
    np.testing.assert_array_equal(dense[0], [1, 0, 1, 0, 0, 0])  # A
    np.testing.assert_array_equal(dense[2], [1, 1, 0, 0, 0, 0])  # C: scope, one member
    np.testing.assert_array_equal(dense.sum(axis=1), [2, 2, 2, 2])


def test_slot_incidence_independent_of_row_order(small):
    S, slots = slot_incidence(small)
    S2, slots2 = slot_incidence(small.iloc[::-1].reset_index(drop=True))
    pd.testing.assert_frame_equal(slots, slots2)
    np.testing.assert_array_equal(S.toarray(), S2.toarray()[::-1])


def test_slot_incidence_counts_duplicates_once():
    df = table([("A", "E06000001;E06000001", "Environment;Environment", 1.0, 1.0)])
    S, slots = slot_incidence(df)
    assert S.shape == (1, 1) and S.toarray()[0, 0] == 1


def test_member_incidence(small):
    M, auth = member_incidence(small)
    assert list(auth) == ["E06000001", "E06000002", "E06000003", "E06000004"]
    np.testing.assert_array_equal(M.toarray().sum(axis=0), [2, 2, 2, 1])


def test_codes_of_repeated_and_ragged_cells_match_a_split_per_cell():
    """Each distinct cell is split once and gathered per row: the same entries as splitting every
    row's cell on its own (blanks and spaces dropped, codes numbered in sorted order)."""
    from sharedopt.model.incidence import _explode_codes

    rng = np.random.default_rng(7)
    pool = ["E06000001;E06000002", " E06000003 ; E06000001", "", "E06000002", ";", "E06000004;;E06000002",
            "E06000005;E06000001;E06000003"]
    cells = pd.Series([pool[i] for i in rng.integers(0, len(pool), 400)], dtype=object)
    codes = _explode_codes(cells, "authority")
    expected = [(row, part.strip()) for row, cell in enumerate(cells) for part in cell.split(";") if part.strip()]
    assert list(codes.index) == sorted({code for _, code in expected}) and codes.index.name == "authority"
    assert list(zip(codes.row.tolist(), codes.index[codes.code].tolist())) == expected
    assert codes.row.dtype == codes.code.dtype == np.int64
    empty = _explode_codes(pd.Series([], dtype=object), "service")
    assert len(empty.row) == len(empty.code) == len(empty.index) == 0


# -------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    "kw, text",
    [
        ({"budget_total_gbp_k": -1.0}, "budget_total_gbp_k must be >= 0"),
        ({"governance_capacity": -2}, "governance_capacity must be >= 0"),
        ({"max_payback_years": float("nan")}, "max_payback_years must be >= 0"),
        ({"governance_overrides": {"E06000001": -1}}, "governance_overrides values must be >= 0"),
        ({"forced_pairs": [("E06000001", "E06000001")]}, "must be distinct"),
        ({"forbidden_pairs": [("E06000001", "")]}, "non-empty"),
        ({"forced_pairs": [("E1", "E2", "E3")]}, "forced_pairs"),
        ({"forced_pairs": [("E1", "E2")], "forbidden_pairs": [("E2", "E1")]}, "both forced and forbidden"),
        ({"budget": 3}, "budget"),
    ],
)
def test_constraints_validation(kw, text):
    with pytest.raises(ValueError, match=text):
        Constraints(**kw)


def test_constraints_from_toml_like_dict_and_frozen():
    cons = Constraints.model_validate({
        "forced_pairs": [["E06000002", "E06000001"]],
        "existing": [{"service": "Environment", "members": ["E06000001"], "name": "old"}],
        "objective": "annual_net_saving",
    })
    assert cons.forced_pairs == [("E06000001", "E06000002")]  # normalised order
    assert cons.existing[0].label == "old"
    with pytest.raises(ValidationError):
        cons.governance_capacity = 5
    with pytest.raises(ValueError):
        Constraints(objective="profit")


# -------------------------------------------------------------------- build_model
def test_rows_and_keys(small):
    cons = Constraints(governance_capacity=1, budget_total_gbp_k=70.0,
                       budget_per_authority_gbp_k=20.0, max_per_service=1,
                       forced_pairs=[("E06000002", "E06000003")])
    m = build_model(small, cons)
    assert m.A.shape == (len(m.rows), 4)
    groups = m.rows.groupby("group")["key"].apply(list).to_dict()
    # E06000001|Environment is used by A and C, E06000003|... by single candidates -> dropped
    assert groups["slot"] == ["E06000001|Environment", "E06000002|Environment"]
    assert groups["governance"] == ["E06000001", "E06000002", "E06000003"]
    assert groups["budget_total"] == ["total"]
    assert groups["forced_pair"] == ["E06000002|E06000003"]
    assert "max_per_service" in groups
    # per-authority budget: each member bears cost / n_members
    i = m.rows.index[(m.rows.group == "budget_authority") & (m.rows.key == "E06000001")][0]
    row = m.A[i].toarray().ravel()
    np.testing.assert_allclose(row, [25.0, 0.0, 30.0, 0.0])
    assert m.row_upper[i] == 20.0
    # forced pair row: candidates containing both E06000002 and E06000003 -> B only
    i = m.rows.index[m.rows.group == "forced_pair"][0]
    np.testing.assert_array_equal(m.A[i].toarray().ravel(), [0, 1, 0, 0])
    assert m.row_lower[i] == 1 and np.isinf(m.row_upper[i])
    assert m.build_seconds >= 0 and m.objective_name == "npv"
    np.testing.assert_array_equal(m.c, small["npv_gbp_k"].to_numpy())


def test_bounds_and_exclusion_reasons(small):
    cons = Constraints(
        forced=["A"], forbidden=["B"], max_payback_years=5.5,
        existing=[ExistingPartnership(service="Public_Health", members=["E06000004"], name="PH4")],
        forbidden_pairs=[("E06000001", "E06000002")],
    )
    m = build_model(small, cons)
    ex = m.excluded
    assert ex["B"] == "forbidden"
    assert ex["D"].startswith("existing partnership PH4")
    assert "payback above max" in ex["D"]  # negative NPV -> never pays back
    assert "forbidden pair E06000001+E06000002" in ex["A"]
    assert ex["C"] == ""
    np.testing.assert_array_equal(m.var_lower, [1, 0, 0, 0])
    np.testing.assert_array_equal(m.var_upper, [0, 0, 1, 0])


def test_governance_reduced_by_existing(small):
    cons = Constraints(governance_capacity=2,
                       existing=[ExistingPartnership(service="Waste", members=["E06000001"])])
    m = build_model(small, cons)
    gov = m.rows[m.rows.group == "governance"]
    # E06000001: capacity 2 - 1 existing = 1 and two candidates -> kept; others redundant
    assert list(gov.key) == ["E06000001"]
    assert m.row_upper[gov.index[0]] == 1.0
    assert "1 used by existing" in gov.note.iloc[0]


def test_switches_off(small):
    cons = Constraints(one_partnership_per_slot=False, governance_capacity=None)
    m = build_model(small, cons)
    assert m.n_constraints == 0
    assert (m.var_upper == 1).all() and (m.var_lower == 0).all()


def test_overrides_apply_without_default(small):
    cons = Constraints(governance_capacity=None, governance_overrides={"E06000002": 1},
                       max_per_service_overrides={"Public_Health": 0}, one_partnership_per_slot=False)
    m = build_model(small, cons)
    assert sorted(m.rows.group) == ["governance", "max_per_service"]
    assert m.rows.key.tolist() == ["E06000002", "Public_Health"]


def test_objective_choice(small):
    m = build_model(small, Constraints(objective="annual_net_saving"))
    np.testing.assert_array_equal(m.c, small["annual_net_saving_gbp_k"].to_numpy())


@pytest.mark.parametrize(
    "kw, text",
    [({"forced": ["ZZZ"]}, "forced candidate ids not found"),
     ({"forbidden": ["ZZZ"]}, "forbidden candidate ids not found")],
)
def test_unknown_ids(small, kw, text):
    with pytest.raises(ValueError, match=text):
        build_model(small, Constraints(**kw))


def test_bad_tables(small):
    with pytest.raises(ValueError, match="missing columns"):
        build_model(small.drop(columns="npv_gbp_k"))
    dup = pd.concat([small, small.iloc[:1]], ignore_index=True)
    with pytest.raises(ValueError, match="unique"):
        build_model(dup)
    bad = small.copy()
    bad.loc[0, "npv_gbp_k"] = np.nan
    with pytest.raises(ValueError, match="finite"):
        build_model(bad)


def test_empty_table():
    df = table([("A", "E06000001;E06000002", "Environment", 1.0, 1.0)]).iloc[:0]
    m = build_model(df)
    assert m.n_variables == 0 and m.n_constraints == 0


# -------------------------------------------------------------------- PuLP view
def test_to_pulp_matches_arrays(small):
    cons = Constraints(governance_capacity=1, budget_total_gbp_k=70.0,
                       forced_pairs=[("E06000002", "E06000003")])
    m = build_model(small, cons)
    prob, xs = build_pulp(m)
    assert list(xs) == ["A", "B", "C", "D"]
    assert len(prob.variables()) == 4
    for i in range(m.n_constraints):  # every row is one-sided here
        side = "le" if np.isfinite(m.row_upper[i]) else "ge"
        con = prob.get_constraint_by_name(f"r{i}_{side}")
        assert con is not None
        coefs = {v.name: a for v, a in con.items()}
        expected = {f"x_{j}": a for j, a in zip(m.A[i].indices, m.A[i].data)}
        assert coefs == pytest.approx(expected)
    assert isinstance(to_pulp(m), pulp.LpProblem)


@pytest.mark.filterwarnings("ignore:PULP_CBC_CMD is deprecated:DeprecationWarning")
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_to_pulp_solves_to_brute_force(seed):
    df = random_candidates(seed, n_auth=8, n_services=2, max_candidates=12)
    cons = Constraints(governance_capacity=2, max_per_service=3)
    best, _ = brute_force(df, cons)
    prob = to_pulp(build_model(df, cons))
    prob.solve(pulp.getSolver(check_solver("cbc"), msg=False))
    assert pulp.value(prob.objective) == pytest.approx(best, abs=1e-6)


def test_candidate_row_helper_consistent():
    row = candidate_row(np.random.default_rng(0), "X", ("E06000002", "E06000001"), ["Environment"])
    assert row["members"] == "E06000001;E06000002" and row["n_members"] == 2


# -------------------------------------------------------------------- dominance
def nested() -> pd.DataFrame:
    return table([
        ("P", "E06000001;E06000002", "Environment", 100.0, 50.0),
        ("T", "E06000001;E06000002;E06000003", "Environment", 80.0, 60.0),
        ("S", "E06000003", "Environment;Public_Health", 50.0, 10.0),
        ("U", "E06000003", "Public_Health", 60.0, 10.0),
        ("V", "E06000004;E06000005", "Environment", 10.0, 5.0),
    ])


def dom_of(model) -> dict[str, str]:
    ids = list(model.candidate_ids)
    return {ids[j]: ids[k] for j, k in enumerate(model.dominated_by) if k >= 0}


def test_dominance_detected():
    m = build_model(nested(), Constraints(governance_capacity=None))
    # T uses P's slots plus one more and is worth less; S is U plus a service, worth less
    assert dom_of(m) == {"T": "P", "S": "U"}


@pytest.mark.parametrize(
    "kw",
    [
        {"one_partnership_per_slot": False, "governance_capacity": None},  # never exclusive
        {"forced_pairs": [("E06000001", "E06000003")]},  # T needed by a >= row
    ],
)
def test_dominance_requires_exclusive_and_no_ge_rows(kw):
    assert "T" not in dom_of(build_model(nested(), Constraints(**kw)))


def test_dominance_respects_budget_coefficients():
    df = nested()
    df.loc[df.candidate_id == "P", "one_off_cost_gbp_k"] = 70.0  # P now costs more than T
    m = build_model(df, Constraints(budget_total_gbp_k=100.0, governance_capacity=None))
    assert "T" not in dom_of(m) and dom_of(m)["S"] == "U"
    m = build_model(df, Constraints(governance_capacity=None))  # no budget row: dominance back
    assert dom_of(m)["T"] == "P"
