"""Which candidates the constraints exclude (fixed to 0 in the model), and why.

One rule per kind of constraint that excludes candidates (``exclude_*``), each reached
through its kind's :class:`~sharedopt.model.rows.RowKind` (``exclude``);
:func:`sharedopt.model.rows.exclusions` applies them in the kinds' order and :func:`reasons`
joins their reasons.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sharedopt.candidates.table import CANDIDATE_ID, MIN_MEMBER_GENERAL_FUND_NPV, PAYBACK_YEARS
from sharedopt.config.constraints import Constraints

__all__ = ["Excluded", "exclude_existing", "exclude_forbidden", "exclude_forbidden_pairs", "exclude_general_fund",
           "exclude_payback", "existing_slots", "known_ids", "pair_mask", "reasons"]


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


#: candidates excluded by one rule: their positions and the reason (one text, or one per position)
Excluded = tuple[np.ndarray, object]


def exclude_forbidden(f) -> list[Excluded]:
    """The candidates the config forbids by id (``forbidden``); ``f`` is a :class:`~sharedopt.model.rows.ModelFacts`."""
    ids = pd.Index(f.candidates[CANDIDATE_ID].astype(str))
    return [(known_ids(ids, list(f.cons.forbidden), "forbidden"), "forbidden")]


def exclude_existing(f) -> list[Excluded]:
    """The candidates using a slot an existing partnership holds (``existing``), named by it."""
    ex_slots = existing_slots(f.cons)
    if not ex_slots or not len(f.slots):
        return []
    slot_keys = zip(f.slots["authority"], f.slots["service"])
    slot_label = np.array([ex_slots.get(k, "") for k in slot_keys], dtype=object)
    hit = f.S[:, np.flatnonzero(slot_label != "")].tocsr()
    labels = slot_label[slot_label != ""]
    hit.eliminate_zeros()
    rows = np.flatnonzero(np.diff(hit.indptr))
    texts = [
        "existing partnership "
        + ", ".join(sorted(set(labels[hit.indices[hit.indptr[j] : hit.indptr[j + 1]]])))
        for j in rows
    ]
    return [(rows, np.array(texts, dtype=object))]


def exclude_payback(f) -> list[Excluded]:
    """The candidates paying back later than ``max_payback_years`` (or never)."""
    if f.cons.max_payback_years is None:
        return []
    pay = pd.to_numeric(f.candidates[PAYBACK_YEARS], errors="coerce").to_numpy(float)
    return [(np.flatnonzero(~(pay <= f.cons.max_payback_years)), "payback above max")]


def exclude_general_fund(f) -> list[Excluded]:
    """The candidates leaving a member's general fund worse off (``general_fund_no_worse``)."""
    if not f.cons.general_fund_no_worse:
        return []
    worst = pd.to_numeric(f.candidates[MIN_MEMBER_GENERAL_FUND_NPV], errors="coerce").to_numpy(float)
    return [(np.flatnonzero(~(worst >= 0)), "a member's general fund worse off")]


def exclude_forbidden_pairs(f) -> list[Excluded]:
    """The candidates holding both councils of a pair in ``forbidden_pairs``."""
    return [(np.flatnonzero(pair_mask(f.M, f.auth, pair)), f"forbidden pair {pair[0]}+{pair[1]}")
            for pair in f.cons.forbidden_pairs]


def reasons(ids: pd.Index, excluded: Iterable[Excluded]) -> pd.Series:
    """Reason string per candidate ('' = available); a candidate's reasons joined by '; ' in the order given.

    Parameters
    ----------
    ids : pandas.Index
        The candidate ids, in the candidates' order.
    excluded : iterable of (positions, reason)
        The rules' exclusions (:data:`Excluded`).

    Returns
    -------
    pandas.Series
        ``excluded`` (object), indexed by candidate id.
    """
    out = np.full(len(ids), "", dtype=object)
    for idx, text in excluded:
        if len(idx):
            cur = out[idx]
            text = np.broadcast_to(np.asarray(text, dtype=object), cur.shape)
            out[idx] = np.where(cur == "", text, cur + "; " + text)
    return pd.Series(out, index=ids, name="excluded", dtype=object)
