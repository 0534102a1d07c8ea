"""Rank measures of the validity benchmark: percentiles against reference sets, Spearman rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import spearmanr


def percentile(npv: np.ndarray, value: float) -> float:
    """Rank percentile of ``value`` among ``npv`` (100 = best, 0 = worst; ties share the best rank)."""
    n = len(npv)
    if n <= 1:
        return 100.0
    better = int((npv > value).sum())
    return 100.0 * (n - 1 - better) / (n - 1)


def counterfactual_percentiles(table: pd.DataFrame, members: tuple, npv: float | None) -> dict:
    """Percentile of a real group's NPV in three reference sets of one service's candidates.

    Parameters
    ----------
    table : pandas.DataFrame
        The service's candidates (positive NPV): ``members`` (';'-joined codes),
        ``n_members``, ``npv_gbp_k``.
    members : tuple of str
        The real group's member codes.
    npv : float or None
        The group's NPV; ``None`` or <= 0 (pruned as loss-making) gives 0 in every set.

    Returns
    -------
    dict
        ``national`` (all candidates, the issue's definition), ``size_matched``
        (candidates with the same number of members) and ``own_options`` (candidates
        containing at least one of the members), each a percentile (100 = best) with
        ``n_<set>``, the size of the reference set.
    """
    codes = set(members)
    sets = {"national": np.ones(len(table), dtype=bool),
            "size_matched": (table["n_members"] == len(members)).to_numpy(),
            "own_options": table["members"].str.split(";").map(lambda m: not codes.isdisjoint(m)).to_numpy(bool)}
    values = table["npv_gbp_k"].to_numpy(dtype=float)
    out = {}
    for name, mask in sets.items():
        out[f"n_{name}"] = int(mask.sum())
        positive = npv is not None and np.isfinite(npv) and npv > 0
        out[name] = percentile(values[mask], npv) if positive and mask.any() else 0.0 if mask.any() else None
    return out


def spearman_rows(part: pd.DataFrame, sizes=(2, 3)) -> dict:
    """Spearman rho of NPV with group population: all candidates and at each fixed size in ``sizes``.

    The fixed-size figures separate "size alone drives the ranking" (the all-sizes rho)
    from "bigger groups pool more money" (within one size, the rho left over says how
    far the members' own size drives the value). With a ``pooled_spend_gbp_k`` column,
    ``spearman_rate_population`` is the rho of NPV per £ pooled: size in the saving
    RATE, not in the budget it applies to.
    """
    def rho(frame):
        if len(frame) <= 2 or frame["population"].nunique() < 2 or frame["npv_gbp_k"].nunique() < 2:
            return None
        return float(spearmanr(frame["npv_gbp_k"], frame["population"]).statistic)

    out = dict(n_candidates=int(len(part)), spearman_npv_population=rho(part),
               spearman_rate_population=rho(part.assign(npv_gbp_k=part["npv_gbp_k"] / part["pooled_spend_gbp_k"]))
               if "pooled_spend_gbp_k" in part and len(part) else None,
               share_at_max_size=float((part["n_members"] == part["n_members"].max()).mean()) if len(part) else None)
    for k in sizes:
        sub = part[part["n_members"] == k]
        out[f"n_size_{k}"] = int(len(sub))
        out[f"spearman_size_{k}"] = rho(sub)
    return out


def fmt(x, digits=1):
    """A number for a Markdown table ('-' for None or not finite)."""
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "-"
    return f"{x:,.{digits}f}" if isinstance(x, float) else str(x)
