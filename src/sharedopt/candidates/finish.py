"""The last step of every candidate table: per-candidate realisation overrides, order, unique ids."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sharedopt.candidates.depth import depth_params
from sharedopt.candidates.readiness import override_columns
from sharedopt.candidates.table import (
    CANDIDATE_ID, DEPTH, KIND, MEMBERS, N_MEMBERS, PARTNERSHIP_MODE, SERVICES, WHOLE_ORGANISATION, split_codes,
)
from sharedopt.candidates.value import CostBase, evaluate
from sharedopt.candidates.wholeorg import evaluate_whole_org
from sharedopt.config.params import ModelParams


def finish_table(table: pd.DataFrame, params: ModelParams, base: CostBase,
                 order: np.ndarray | None = None) -> pd.DataFrame:
    """Apply the realisation overrides, sort by services, size and members, and check ids are unique.

    ``order``, when the caller knows it (:func:`sharedopt.candidates.revalue.table_order`), is that
    sort's order of the rows: taken instead of sorting the text cells again.

    Raises
    ------
    AssertionError
        Two rows share an id.
    """
    if table.empty:
        return table
    table = _apply_realisation_overrides(table, params, base)
    if order is None:
        table = table.sort_values([SERVICES, N_MEMBERS, MEMBERS], kind="stable").reset_index(drop=True)
    else:
        table = table.take(order).reset_index(drop=True)
    if table[CANDIDATE_ID].duplicated().any():
        raise AssertionError("duplicate candidate ids")
    return table


def _apply_realisation_overrides(table: pd.DataFrame, params: ModelParams, base: CostBase) -> pd.DataFrame:
    """Re-value candidates whose realisation is set per candidate in the config.

    The override's conditions and mode replace the readiness and mode defaults; the
    candidate's depth still applies (an override names the plain id or ``id@depth``).
    """
    for cid, rule in params.realisation_overrides.items():
        hit = table.index[table[CANDIDATE_ID] == cid]
        if len(hit) == 0:
            continue
        row = table.loc[hit[0]]
        members = base.index_of(split_codes(row[MEMBERS]))[None, :]
        checklist = override_columns(rule)
        depth = row[DEPTH] if DEPTH in row else None
        values = _revalue(base, params, row, members, params.realisation_factor(cid), depth,
                          checklist[PARTNERSHIP_MODE])
        for key, value in {**{k: v[0] for k, v in values.items()}, **checklist}.items():
            table.loc[hit[0], key] = value
    return table


def _revalue(base: CostBase, params: ModelParams, row, members: np.ndarray, factor: float,
             depth: str | None = None, mode: str | None = None) -> dict:
    """Value one table row again at its depth and mode (whole-organisation rows by their own rule)."""
    if depth in params.depth_settings:
        factor = factor * params.depth_settings[depth].realisation
        params = depth_params(params, depth, params.readiness.mode_governance_factors.get(mode, 1.0))
    if row[KIND] == WHOLE_ORGANISATION:
        return evaluate_whole_org(base, params, members, factor)
    return evaluate(base, params, tuple(split_codes(row[SERVICES])), members, factor)
