"""Which candidates the constraints exclude (fixed to 0 in the model), and why."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sharedopt.candidates.table import CANDIDATE_ID, MIN_MEMBER_GENERAL_FUND_NPV, PAYBACK_YEARS
from sharedopt.config.constraints import Constraints


def known_ids(ids: pd.Index, wanted: list[str], what: str) -> np.ndarray:
    if not wanted:
        return np.zeros(0, dtype=np.int64)
    pos = ids.get_indexer(wanted)
    if (pos < 0).any():
        unknown = sorted({w for w, p in zip(wanted, pos) if p < 0})
        raise ValueError(f"{what} candidate ids not found in candidates: {unknown}")
    return pos


def pair_mask(M: sp.csr_matrix, authorities: pd.Index, pair: tuple[str, str]) -> np.ndarray:
    """Candidates containing both authorities of ``pair``."""
    pos = authorities.get_indexer(list(pair))
    if (pos < 0).any():
        return np.zeros(M.shape[0], dtype=bool)
    cols = M[:, pos].toarray()
    return cols.all(axis=1)


def existing_slots(constraints: Constraints) -> dict[tuple[str, str], str]:
    """(authority, service) -> label(s) of the existing partnership(s) holding that slot.

    A partnership of a separable function (``function`` set) holds no slot: it occupies
    that function's share of its members' poolable base instead (:mod:`sharedopt.candidates.poolable`).
    """
    labels: dict[tuple[str, str], set[str]] = {}
    for ex in (e for e in constraints.existing if not e.function):
        for m in ex.members:
            labels.setdefault((str(m).strip(), ex.service), set()).add(ex.label)
    return {key: ", ".join(sorted(names)) for key, names in labels.items()}


def exclusions(
    candidates: pd.DataFrame,
    constraints: Constraints,
    S: sp.csr_matrix,
    slots: pd.DataFrame,
    M: sp.csr_matrix,
    authorities: pd.Index,
) -> pd.Series:
    """Reason string per candidate ('' = available); reasons joined by '; '."""
    ids = pd.Index(candidates[CANDIDATE_ID].astype(str))
    reasons = np.full(len(ids), "", dtype=object)

    def add(idx: np.ndarray, text) -> None:
        if len(idx):
            cur = reasons[idx]
            text = np.broadcast_to(np.asarray(text, dtype=object), cur.shape)
            reasons[idx] = np.where(cur == "", text, cur + "; " + text)

    add(known_ids(ids, list(constraints.forbidden), "forbidden"), "forbidden")

    ex_slots = existing_slots(constraints)
    if ex_slots and len(slots):
        slot_keys = zip(slots["authority"], slots["service"])
        slot_label = np.array([ex_slots.get(k, "") for k in slot_keys], dtype=object)
        hit = S[:, np.flatnonzero(slot_label != "")].tocsr()
        labels = slot_label[slot_label != ""]
        hit.eliminate_zeros()
        rows = np.flatnonzero(np.diff(hit.indptr))
        texts = [
            "existing partnership "
            + ", ".join(sorted(set(labels[hit.indices[hit.indptr[j] : hit.indptr[j + 1]]])))
            for j in rows
        ]
        add(rows, np.array(texts, dtype=object))

    if constraints.max_payback_years is not None:
        pay = pd.to_numeric(candidates[PAYBACK_YEARS], errors="coerce").to_numpy(float)
        add(np.flatnonzero(~(pay <= constraints.max_payback_years)), "payback above max")

    if constraints.general_fund_no_worse:
        worst = pd.to_numeric(candidates[MIN_MEMBER_GENERAL_FUND_NPV], errors="coerce").to_numpy(float)
        add(np.flatnonzero(~(worst >= 0)), "a member's general fund worse off")

    for pair in constraints.forbidden_pairs:
        add(np.flatnonzero(pair_mask(M, authorities, pair)), f"forbidden pair {pair[0]}+{pair[1]}")

    return pd.Series(reasons, index=ids, name="excluded", dtype=object)
