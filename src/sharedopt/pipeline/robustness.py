"""Recommendations that hold: the robust core, the contingent rest and one headline with its band.

After a run's Monte Carlo (:mod:`sharedopt.pipeline.uncertainty`) each chosen partnership has
``p_in_portfolio``, the share of draws whose best portfolio holds it. It is **robust** when that
share is at least ``[uncertainty] robust_share`` (0.8), else **contingent**; a contingent
partnership names the assumption it hinges on when the run also has a tornado
(:mod:`sharedopt.pipeline.tornado`). The headline states the run's NPV, which sets every lever at
the median of the distribution the draws use, with the draws' P10-P90.
"""

from __future__ import annotations

from dataclasses import replace

from sharedopt.candidates.table import NPV
from sharedopt.common.jsonsafe import json_safe
from sharedopt.pipeline.result import Result
from sharedopt.results.summary import SUMMARY_DIGITS

ROBUST, CONTINGENT = "robust", "contingent"


def recommendation(p_in_portfolio: float, threshold: float) -> str:
    """'robust' when a chosen partnership is in the best portfolio in at least ``threshold`` of draws."""
    return ROBUST if p_in_portfolio >= threshold else CONTINGENT


def attach_robustness(result: Result) -> Result:
    """Split the portfolio into robust and contingent and state the headline with its band.

    Returns ``result`` unchanged when the run had no Monte Carlo.
    """
    band = result.summary.uncertainty
    if not band or result.portfolio.empty or "p_in_portfolio" not in result.portfolio:
        return result
    threshold = result.config.uncertainty.robust_share
    portfolio = result.portfolio.assign(
        recommendation=[recommendation(p, threshold) for p in result.portfolio["p_in_portfolio"]])
    robust = portfolio[portfolio["recommendation"] == ROBUST]
    block = {"robust_share": threshold, "n_robust": int(len(robust)),
             "n_contingent": int(len(portfolio) - len(robust)),
             "robust_npv_gbp_k": float(robust[NPV].sum()),
             "headline": _headline(float(result.summary.totals[NPV]), band)}
    return replace(result, portfolio=portfolio,
                   summary=result.summary.with_blocks(robustness=json_safe(block, SUMMARY_DIGITS)))


def _headline(npv: float, band: dict) -> dict:
    """The headline NPV with its band, as figures and as the one sentence every output prints."""
    q = band[NPV]
    below = band.get("npv_draws_below_headline")
    return {NPV: npv, "p10_gbp_k": q["p10"], "p50_gbp_k": q["p50"], "p90_gbp_k": q["p90"], "draws": band["draws"],
            "share_of_draws_below": below, "text": band_text(npv, q["p10"], q["p90"]),
            "position": position(npv, q["p10"], q["p50"], q["p90"], below),
            "basis": "the headline sets every lever at the median of the distribution the "
                     "Monte Carlo draws it from; P10-P90 are the draws' portfolio NPVs"}


def _millions(value: float) -> str:
    return f"£{value / 1000:,.1f}m".replace("£-", "-£")


def band_text(npv: float, p10: float, p90: float) -> str:
    """'£43.4m NPV (P10 £29.9m - P90 £168.3m)' from £k figures."""
    return f"{_millions(npv)} NPV (P10 {_millions(p10)} - P90 {_millions(p90)})"


def position(npv: float, p10: float, p50: float, p90: float, below: float | None) -> str:
    """Where the headline sits in its band, in words (``below``: the share of draws under it)."""
    if npv < p10:
        where = "below P10"
    elif npv > p90:
        where = "above P90"
    else:
        where = "between P10 and P50" if npv < p50 else "between P50 and P90"
    share = f"; {below:.0%} of draws are below it" if below is not None else ""
    return (f"Central value: the deterministic run at the medians of the distributions the draws use "
            f"({_millions(npv)}, {where}, P50 {_millions(p50)}{share}).")
