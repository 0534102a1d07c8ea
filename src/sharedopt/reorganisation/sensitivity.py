"""What decides the ranking, and how sure it is.

:func:`tornado`: each uncertain parameter swung to each end of its range, one at a time.
:func:`monte_carlo`: all of them drawn together, uniformly within their ranges.

For every parameter with a range (``REORGANISATION_DEFAULTS``) and each end, every
option's NPV is recomputed with that one parameter changed; the tornado reports the
central leader's margin over the central runner-up at each end, and which option leads there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sharedopt.config.assumptions import REORGANISATION_DEFAULTS
from sharedopt.reorganisation.appraise import Appraisal
from sharedopt.reorganisation.area import Area
from sharedopt.reorganisation.value import PESSIMISTIC, npv_terms, value_unitary


def _npv(area: Area, appraisal: Appraisal, params: dict[str, float]) -> float:
    return float(sum(sum(npv_terms(value_unitary(area, m, params), params).values())
                     for m in appraisal.structure.unitaries))


def swings(area: Area, appraisals: list[Appraisal], params: dict[str, float]) -> pd.DataFrame:
    """Every option's NPV (£k) with each uncertain parameter at each end of its range."""
    rows = []
    for key in PESSIMISTIC:
        for end, value in zip(("low", "high"), REORGANISATION_DEFAULTS[key]["range"]):
            p = {**params, key: float(value)}
            for a in appraisals:
                rows.append(dict(parameter=key, end=end, value=float(value), option=a.structure.label,
                                 net_present_value_gbp_k=round(_npv(area, a, p), 1)))
    return pd.DataFrame(rows)


def _ranked(npvs: pd.Series) -> list[str]:
    return list(npvs.sort_values(ascending=False, kind="stable").index)


def distinct(appraisals: list[Appraisal]) -> list[Appraisal]:
    """The appraisals of distinct structures (a proposal the optimiser also found counts once, first)."""
    seen, out = set(), []
    for a in appraisals:
        key = frozenset(frozenset(u) for u in a.structure.unitaries)
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


def tornado(area: Area, appraisals: list[Appraisal], params: dict[str, float]) -> pd.DataFrame:
    """Per parameter: the central leader's margin (£k) over the central runner-up at each end of the range.

    Options are distinct structures; ``low_leader`` / ``high_leader`` name the option that leads
    at each end. Sorted by how far the margin moves (widest first), as a tornado chart is drawn.
    """
    appraisals = distinct(appraisals)
    central = pd.Series({a.structure.label: a.npv for a in appraisals})
    order = _ranked(central)
    if len(order) < 2:
        return pd.DataFrame()
    lead, runner = order[0], order[1]
    table = swings(area, appraisals, params)
    rows = []
    for key, part in table.groupby("parameter", sort=False):
        row = dict(parameter=key, central_value=params[key], leader=lead, runner_up=runner,
                   margin_gbp_k=round(float(central[lead] - central[runner]), 1))
        for end in ("low", "high"):
            npvs = part[part["end"] == end].set_index("option")["net_present_value_gbp_k"]
            row.update({f"{end}_value": float(part.loc[part["end"] == end, "value"].iloc[0]),
                        f"{end}_margin_gbp_k": round(float(npvs[lead] - npvs[runner]), 1),
                        f"{end}_leader": _ranked(npvs)[0]})
        row["swing_gbp_k"] = abs(row["high_margin_gbp_k"] - row["low_margin_gbp_k"])
        row["leader_changes"] = row["low_leader"] != lead or row["high_leader"] != lead
        rows.append(row)
    return pd.DataFrame(rows).sort_values("swing_gbp_k", ascending=False, kind="stable").reset_index(drop=True)


def monte_carlo(area: Area, appraisals: list[Appraisal], params: dict[str, float], draws: int,
                seed: int = 0) -> pd.DataFrame:
    """Each option's NPV over ``draws`` joint draws of the uncertain parameters.

    Each parameter is drawn independently and uniformly within its range (an assumption: the
    sources give ranges, not distributions). Options are distinct structures.

    Returns
    -------
    pandas.DataFrame
        Per option: NPV percentiles (P10, P50, P90, £k) and the share of draws in which it leads.
    """
    appraisals = distinct(appraisals)
    if draws <= 0 or not appraisals:
        return pd.DataFrame()
    rng = np.random.default_rng(seed)
    keys = list(PESSIMISTIC)
    lows = np.array([REORGANISATION_DEFAULTS[k]["range"][0] for k in keys], dtype=float)
    highs = np.array([REORGANISATION_DEFAULTS[k]["range"][1] for k in keys], dtype=float)
    samples = rng.uniform(lows, highs, size=(draws, len(keys)))
    npv = np.empty((draws, len(appraisals)))
    for d in range(draws):
        p = {**params, **dict(zip(keys, samples[d].tolist()))}
        npv[d] = [_npv(area, a, p) for a in appraisals]
    leads = np.bincount(npv.argmax(axis=1), minlength=len(appraisals)) / draws
    p10, p50, p90 = np.percentile(npv, [10, 50, 90], axis=0)
    return pd.DataFrame(dict(option=[a.structure.label for a in appraisals], npv_p10_gbp_k=p10.round(1),
                             npv_p50_gbp_k=p50.round(1), npv_p90_gbp_k=p90.round(1),
                             share_of_draws_leading=leads.round(4), draws=draws))
