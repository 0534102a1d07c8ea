"""A user's own constraint rows, appended to the model every backend receives.

The native hook of a run is ``extra(model) -> UserRows``: it reads the built
:class:`~sharedopt.model.build.PortfolioModel` (its ``candidate_ids`` name the variables)
and returns a block of rows ``lower <= A x <= upper``. :func:`add_rows` appends the block
as :attr:`~sharedopt.model.rows.RowGroup.USER` rows, so HiGHS, CBC, the exact reductions,
the decomposition into pieces and the large-model path all see it. The dominance found at
build time is checked again against the new rows and kept only where it still holds.

Example: two councils never share any service::

    def apart(model):
        both = [cid for cid in model.candidate_ids if {"E06000047", "E06000005"} <= set(parse_id(cid)[1])]
        return UserRows.sum_of(model, {"E06000047 apart from E06000005": both}, upper=0)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sharedopt.model.build import PortfolioModel
from sharedopt.model.dominance import verified_dominators
from sharedopt.model.packing_dominance import still_dominating
from sharedopt.model.rows import RowGroup

__all__ = ["UserRows", "ModelHook", "add_rows"]


@dataclass(frozen=True)
class UserRows:
    """A block of rows ``lower <= A x <= upper`` over the model's variables.

    Attributes
    ----------
    A : scipy.sparse matrix
        Shape (rows, ``model.n_variables``); column ``j`` is candidate ``model.candidate_ids[j]``.
    lower, upper : array-like
        Row bounds, one per row (``-inf`` / ``inf`` when absent).
    keys : sequence of str
        A name per row: how the diagnosis of an infeasible model names it.
    """

    A: sp.spmatrix
    lower: np.ndarray
    upper: np.ndarray
    keys: Sequence[str]

    @classmethod
    def sum_of(cls, model: PortfolioModel, groups: Mapping[str, Iterable[str]], *,
               lower: float = -np.inf, upper: float = np.inf) -> UserRows:
        """One row per named group of candidate ids: ``lower <= sum of their x <= upper``.

        Raises
        ------
        ValueError
            An id that is no candidate of the model, named with its row.
        """
        where = {str(cid): j for j, cid in enumerate(model.candidate_ids)}
        rows, cols = [], []
        for i, (key, ids) in enumerate(groups.items()):
            for cid in ids:
                if str(cid) not in where:
                    raise ValueError(f"user row {key!r}: {cid!r} is no candidate of the model")
                rows.append(i)
                cols.append(where[str(cid)])
        k = len(groups)
        A = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(k, model.n_variables))
        return cls(A, np.full(k, float(lower)), np.full(k, float(upper)), [str(key) for key in groups])


#: the native hook of a run: reads the model, returns the rows to add (None: none)
ModelHook = Callable[[PortfolioModel], "UserRows | None"]


def _checked(model: PortfolioModel, rows: UserRows) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray, list[str]]:
    """The block as CSR and float bounds, its shape and values checked."""
    A = sp.csr_matrix(rows.A, dtype=np.float64)
    k = A.shape[0]
    lower = np.broadcast_to(np.asarray(rows.lower, dtype=float), (k,)).copy()
    upper = np.broadcast_to(np.asarray(rows.upper, dtype=float), (k,)).copy()
    keys = [str(key) for key in rows.keys]
    if A.shape[1] != model.n_variables:
        raise ValueError(f"user rows have {A.shape[1]} columns; the model has {model.n_variables} variables")
    if len(keys) != k:
        raise ValueError(f"user rows: {len(keys)} keys for {k} rows")
    if not np.isfinite(A.data).all() or np.isnan(lower).any() or np.isnan(upper).any():
        raise ValueError("user rows: coefficients must be finite and bounds numbers (inf allowed)")
    bad = np.flatnonzero(lower > upper)
    if len(bad):
        raise ValueError(f"user row {keys[bad[0]]!r}: lower bound {lower[bad[0]]} above upper {upper[bad[0]]}")
    return A, lower, upper, keys


@dataclass(frozen=True)
class _Rows:
    A: sp.csr_matrix
    lower: np.ndarray
    upper: np.ndarray


def add_rows(model: PortfolioModel, rows: UserRows | None) -> PortfolioModel:
    """The model with the user's rows appended (group ``user``), its dominance checked again.

    Parameters
    ----------
    model : PortfolioModel
    rows : UserRows or None
        None or an empty block: the model unchanged.

    Returns
    -------
    PortfolioModel

    Raises
    ------
    ValueError
        A block of the wrong width, keys that do not match its rows, non-finite coefficients or a
        lower bound above an upper one, named.
    """
    if rows is None:
        return model
    A, lower, upper, keys = _checked(model, rows)
    if A.shape[0] == 0:
        return model
    table = pd.DataFrame({"group": [RowGroup.USER] * len(keys), "key": keys,
                          "limit": np.where(np.isfinite(upper), upper, lower), "note": ["user row"] * len(keys)})
    block = _Rows(sp.vstack([model.A, A], format="csr"), np.concatenate([model.row_lower, lower]),
                  np.concatenate([model.row_upper, upper]))
    dominated = (None if model.dominated_by is None
                 else verified_dominators(block, model.c, model.dominated_by))
    return replace(model, A=block.A, row_lower=block.lower, row_upper=block.upper,
                   rows=pd.concat([model.rows, table], ignore_index=True), dominated_by=dominated,
                   packings=still_dominating(model.packings, block.A, block.lower, block.upper))
