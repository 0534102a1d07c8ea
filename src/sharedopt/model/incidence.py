"""Candidate incidence matrices (slots, members, services) from the ';'-joined table columns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sharedopt.candidates.table import CODE_SEPARATOR, MEMBERS, SERVICES, join_codes


@dataclass(frozen=True)
class Codes:
    """Exploded ';'-joined column: entry e is code ``code[e]`` of candidate ``row[e]``."""

    row: np.ndarray
    code: np.ndarray
    index: pd.Index  # sorted unique codes


def _explode_codes(series: pd.Series, name: str) -> Codes:
    """The codes of every cell: each distinct cell is split once (groups recur across services and
    depths, and a service cell across most candidates), and the rows gather their cell's codes."""
    cells, distinct = pd.factorize(np.asarray(series.astype(str), dtype=object), sort=False)
    values = [str(v) for v in distinct]
    # one join + split is much cheaper than a split per cell (fewer list objects)
    lens = np.fromiter((v.count(CODE_SEPARATOR) + 1 for v in values), dtype=np.int64, count=len(values))
    flat = join_codes(values).split(CODE_SEPARATOR) if values else []
    flat = np.array([p.strip() for p in flat], dtype=object)
    part_code = np.full(len(flat), -1, dtype=np.int64)
    keep = flat != ""
    codes, uniques = pd.factorize(flat[keep], sort=True)
    part_code[keep] = codes
    row_lens = lens[cells]
    rows = np.repeat(np.arange(len(cells), dtype=np.int64), row_lens)
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int64)
    within = np.arange(int(row_lens.sum()), dtype=np.int64) - np.repeat(np.cumsum(row_lens) - row_lens, row_lens)
    gathered = part_code[np.repeat(starts[cells], row_lens) + within]
    present = gathered >= 0
    return Codes(rows[present], gathered[present], pd.Index(uniques, dtype=object, name=name))


def _incidence(rows: np.ndarray, codes: np.ndarray, n_rows: int, n_cols: int) -> sp.csr_matrix:
    mat = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, codes)), shape=(n_rows, n_cols)
    )
    mat.sum_duplicates()
    mat.data[:] = 1.0  # a code listed twice still counts once
    return mat


def _slots_from(
    mem: Codes, svc: Codes, n: int
) -> tuple[sp.csr_matrix, pd.DataFrame]:
    pairs = pd.DataFrame({"row": mem.row, "a": mem.code}).merge(
        pd.DataFrame({"row": svc.row, "s": svc.code}), on="row", how="inner"
    )
    n_s = max(len(svc.index), 1)
    key = pairs["a"].to_numpy() * n_s + pairs["s"].to_numpy()
    uniq, inverse = _dense_unique(key, max(len(mem.index), 1) * n_s)  # sorted by (authority, service)
    slots = pd.DataFrame(
        {
            "authority": np.asarray(mem.index, dtype=object)[uniq // n_s].astype(str),
            "service": np.asarray(svc.index, dtype=object)[uniq % n_s].astype(str),
        }
    )
    return _incidence(pairs["row"].to_numpy(), inverse.ravel(), n, len(slots)), slots


def _dense_unique(key: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(key, return_inverse=True)`` for keys in ``range(size)``: marked, not sorted
    (one pass; the sort took 0.2 s of each England draw's model)."""
    present = np.zeros(size, dtype=bool)
    present[key] = True
    uniq = np.flatnonzero(present)
    place = np.cumsum(present) - 1
    return uniq, place[key]


def slot_incidence(candidates: pd.DataFrame) -> tuple[sp.csr_matrix, pd.DataFrame]:
    """Candidate x (authority, service) slot incidence.

    Parameters
    ----------
    candidates : DataFrame
        Needs ``members`` and ``services`` (';'-joined).

    Returns
    -------
    S : scipy.sparse.csr_matrix, shape (n_candidates, n_slots)
        ``S[j, k] = 1`` when candidate ``j`` occupies slot ``k``.
    slots : DataFrame
        Columns ``authority``, ``service``; sorted, row ``k`` is slot ``k``.
    """
    mem = _explode_codes(candidates[MEMBERS], "authority")
    svc = _explode_codes(candidates[SERVICES], "service")
    return _slots_from(mem, svc, len(candidates))


def member_incidence(candidates: pd.DataFrame) -> tuple[sp.csr_matrix, pd.Index]:
    """Candidate x authority incidence (CSR) and the sorted authority codes."""
    mem = _explode_codes(candidates[MEMBERS], "authority")
    return _incidence(mem.row, mem.code, len(candidates), len(mem.index)), mem.index


def service_incidence(candidates: pd.DataFrame) -> tuple[sp.csr_matrix, pd.Index]:
    """Candidate x service incidence (CSR) and the sorted service names."""
    svc = _explode_codes(candidates[SERVICES], "service")
    return _incidence(svc.row, svc.code, len(candidates), len(svc.index)), svc.index


def all_incidences(candidates: pd.DataFrame):
    """(S, slots, M, authorities, V, services, mem, svc) from one pass over the strings."""
    n = len(candidates)
    mem = _explode_codes(candidates[MEMBERS], "authority")
    svc = _explode_codes(candidates[SERVICES], "service")
    S, slots = _slots_from(mem, svc, n)
    M = _incidence(mem.row, mem.code, n, len(mem.index))
    V = _incidence(svc.row, svc.code, n, len(svc.index))
    return S, slots, M, mem.index, V, svc.index, mem, svc
