"""The validity benchmark's measures, each with a 95% interval: the sign test (share of real
arrangements with NPV > 0), the revealed-choice percentile and its sign test, calibration
against reported savings; and the Spearman rows of the extra checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binom, binomtest, spearmanr
from statsmodels.stats.proportion import proportion_confint

LEVEL = 0.95
MIN_ACHIEVED = 5  # achieved-basis figures needed before calibration is scored


def share_ci(k: int, n: int) -> dict:
    """Share ``k / n`` with its 95% Clopper-Pearson (exact) and Wilson intervals (None when n = 0)."""
    if n == 0:
        return {"k": 0, "n": 0, "share": None, "clopper_pearson": None, "wilson": None}
    exact = proportion_confint(k, n, alpha=1 - LEVEL, method="beta")
    wilson = proportion_confint(k, n, alpha=1 - LEVEL, method="wilson")
    return {"k": int(k), "n": int(n), "share": k / n, "clopper_pearson": [float(exact[0]), float(exact[1])],
            "wilson": [float(wilson[0]), float(wilson[1])]}


def mid_percentile(value: float, reference: np.ndarray) -> float:
    """Percentile of ``value`` in ``reference`` (0-100): share below plus half the ties, x 100."""
    reference = np.asarray(reference, dtype=float)
    below = float((reference < value).sum())
    ties = float((reference == value).sum())
    return 100.0 * (below + 0.5 * ties) / len(reference)


def median_ci(values) -> dict:
    """Median with its distribution-free 95% interval (order statistics; None below 6 values).

    The interval is ``[x_(j), x_(n+1-j)]`` with the largest ``j`` such that
    ``P(j <= B <= n - j) >= 0.95`` for ``B ~ Binomial(n, 1/2)``.
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0:
        return {"n": 0, "median": None, "ci": None}
    out = {"n": n, "median": float(np.median(x)), "ci": None}
    for j in range(n // 2, 0, -1):
        if binom.cdf(n - j, n, 0.5) - binom.cdf(j - 1, n, 0.5) >= LEVEL:
            out["ci"] = [float(x[j - 1]), float(x[n - j])]
            break
    return out


def sign_test(percentiles, null: float = 50.0) -> dict:
    """Share of percentiles above ``null`` (ties dropped), its interval and the one-sided p-value.

    p is the exact binomial probability of at least that many above ``null`` out of the
    untied ones if each were above or below with probability 1/2.
    """
    x = np.asarray([p for p in percentiles if p is not None and np.isfinite(p)], dtype=float)
    above, below = int((x > null).sum()), int((x < null).sum())
    n = above + below
    p = float(binomtest(above, n, 0.5, alternative="greater").pvalue) if n else None
    return {**share_ci(above, n), "n_above": above, "n_below": below, "n_ties": int(len(x) - n), "p_value": p}


def basis_of(text) -> str:
    """'achieved' for a saving reported as achieved, else 'target' (targets, expectations, projections)."""
    return "achieved" if str(text).strip().lower().startswith("achieved") else "target"


def calibration(frame: pd.DataFrame) -> dict:
    """Modelled / reported annual saving, split by basis; scored where >= 5 achieved figures exist.

    ``frame`` has ``modelled_annual_net_saving_gbp_k``, ``reported_annual_saving_gbp_k`` and
    ``reported_saving_basis``; rows without a positive reported figure are left out.
    """
    rep = frame[frame["reported_annual_saving_gbp_k"] > 0]
    ratio = rep["modelled_annual_net_saving_gbp_k"] / rep["reported_annual_saving_gbp_k"]
    bases = rep["reported_saving_basis"].map(basis_of)
    out = {}
    for basis in ("achieved", "target"):
        r = ratio[bases == basis]
        out[basis] = {**median_ci(r.to_numpy()), "ratios": [float(v) for v in r]}
    n_achieved = out["achieved"]["n"]
    out["scored"] = n_achieved >= MIN_ACHIEVED
    out["within_0_67_1_5"] = (0.67 <= out["achieved"]["median"] <= 1.5) if out["scored"] else None
    out["note"] = (f"{n_achieved} achieved-basis figure(s): " + ("scored" if out["scored"] else
                   f"fewer than {MIN_ACHIEVED}, reported, not scored"))
    return out


def spearman_rows(part: pd.DataFrame, sizes=(2, 3)) -> dict:
    """Spearman rho of NPV with group population: all candidates and at each fixed size in ``sizes``.

    With a ``pooled_spend_gbp_k`` column, ``spearman_rate_population`` is the rho of NPV per
    £ pooled: size in the saving RATE, not in the budget it applies to.
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
