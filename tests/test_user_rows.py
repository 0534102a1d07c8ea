"""The native hook: a user's rows go into the model every backend receives (real North East data)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from sharedopt.candidates.table import parse_id
from sharedopt.model.rows import RowGroup
from sharedopt.model.user_rows import UserRows, add_rows
from sharedopt.pipeline.steps import solve_steps
from sharedopt.solve.api import PULP_HOOK_NOTE


def _chosen(solved) -> set[str]:
    return set(solved.model.candidate_ids[solved.chosen.astype(bool)])


def _with_both(ids, pair) -> list[str]:
    return [cid for cid in ids if set(pair) <= set(parse_id(cid)[1])]


@pytest.fixture(scope="module")
def apart(north_east_config, north_east_inputs, north_east_candidates):
    """The shipped North East solved three ways: as shipped, with two councils of its best
    partnership kept apart by a user row, and the same by ``forbidden_pairs``."""
    config = north_east_config.model_copy(update={"report": north_east_config.report.model_copy(update={"top_n": 0})})
    same = {"inputs": north_east_inputs, "candidates": north_east_candidates, "with_shares": False}
    base = solve_steps(config, **same)
    pair = tuple(next(parse_id(cid)[1][:2] for cid in sorted(_chosen(base)) if len(parse_id(cid)[1]) > 1))

    def hook(model):
        return UserRows.sum_of(model, {f"{pair[0]} apart from {pair[1]}": _with_both(model.candidate_ids, pair)},
                               upper=0)

    rows = solve_steps(config, extra=hook, **same)
    cons = config.constraints.model_copy(update={"forbidden_pairs": [pair]})
    forbidden = solve_steps(config.model_copy(update={"constraints": cons}), **same)
    return base, rows, forbidden, pair


def test_a_user_row_keeps_two_councils_apart_as_forbidden_pairs_do(apart):
    base, rows, forbidden, pair = apart
    assert _with_both(_chosen(base), pair)  # the row binds: the shipped optimum has them together
    assert not _with_both(_chosen(rows), pair)
    assert rows.solver.status == forbidden.solver.status == "optimal"
    assert rows.solver.objective == pytest.approx(forbidden.solver.objective, rel=1e-9)
    assert rows.solver.objective < base.solver.objective - 1e-6
    assert (rows.model.rows["group"] == RowGroup.USER).sum() == 1


def test_the_native_hook_keeps_reductions_and_pieces(apart):
    base, rows, _, _ = apart
    assert rows.solver.n_pieces == base.solver.n_pieces and rows.solver.solver_version == base.solver.solver_version
    assert "reductions fixed" in rows.solver.message and PULP_HOOK_NOTE not in rows.solver.message


def test_dominance_that_a_user_row_breaks_is_dropped(apart):
    """A row that lets only a dominated candidate in undoes its dominance (else the reduction would be wrong)."""
    model = apart[0].model
    j = int(np.flatnonzero(model.dominated_by >= 0)[0])
    k = int(model.dominated_by[j])
    A = sp.csr_matrix(([1.0], ([0], [k])), shape=(1, model.n_variables))  # x_k <= 0: k can no longer replace j
    added = add_rows(model, UserRows(A, [-np.inf], [0.0], ["k out"]))
    assert added.dominated_by[j] == -1 and added.n_constraints == model.n_constraints + 1


def test_user_rows_of_the_wrong_width_are_named(apart):
    model = apart[0].model
    with pytest.raises(ValueError, match="columns; the model has"):
        add_rows(model, UserRows(sp.csr_matrix((1, 3)), [0.0], [1.0], ["narrow"]))
    with pytest.raises(ValueError, match="'nope' is no candidate"):
        UserRows.sum_of(model, {"r": ["nope"]}, upper=0)
