"""Depth of integration: alternative ways of sharing the same service across the same councils.

Dunleavy & Hancock (2010) describe stages of joining up, from agency co-operation and
co-ordination (stages 2-4) through a lead agency (6a), pooled budgets or common leaders
(6b, 6c) to merger (7). The model offers, for every candidate group, one row per depth
named in ``[model] depths`` (default ``["lead_council"]``: no choice, the valuation of
the savings model as it stands). Each depth (:data:`sharedopt.config.assumptions.DEPTH_DEFAULTS`,
typed :class:`sharedopt.config.params.DepthParams`) multiplies

* the poolable share of each service (``poolable_factor``, capped at 1),
* the one-off set-up cost and the recurring joint-governance cost,
* the realisation factor,

and sets the years to full savings (``ramp_years``, relative to the model's own).
The rows of one group share its slot rows (authority x service), so the optimiser
picks at most one depth per group. Ids: the reference depth keeps the plain id
(``Service|A+B``); another depth is suffixed ``@depth`` (``Service|A+B@pooled``;
:func:`sharedopt.candidates.table.with_depth`).
"""

from __future__ import annotations

from sharedopt.candidates.table import DEPTH, PARTNERSHIP_MODE
from sharedopt.config.assumptions import DEPTH_DEFAULTS, DEPTH_REFERENCE, READINESS_DEFAULTS
from sharedopt.config.params import ModelParams


def ramp_years(params: ModelParams, depth: str) -> int:
    """Years to full savings at ``depth``: the model's ramp shifted by the depth's offset from the reference."""
    offset = params.depth_settings[depth].ramp_years - params.depth_settings[DEPTH_REFERENCE].ramp_years \
        if DEPTH_REFERENCE in params.depth_settings else 0
    return max(1, params.ramp_years + offset)


def depth_params(params: ModelParams, depth: str, governance_factor: float = 1.0) -> ModelParams:
    """``params`` as they apply at ``depth`` (and a partnership mode's governance factor).

    Parameters
    ----------
    params : ModelParams
    depth : str
        A key of ``params.depth_settings``.
    governance_factor : float
        The partnership mode's multiplier on governance cost (:mod:`sharedopt.candidates.readiness`).

    Returns
    -------
    ModelParams
        The same object when nothing changes (the reference depth, factor 1).
    """
    d = params.depth_settings[depth]
    gov = d.governance * governance_factor
    if (d.poolable, d.setup, gov, ramp_years(params, depth)) == (1.0, 1.0, 1.0, params.ramp_years):
        return params
    return params.model_copy(update={
        "poolable_factor": params.poolable_factor * d.poolable,
        "setup_fixed_gbp_k": params.setup_fixed_gbp_k * d.setup,
        "setup_per_member_gbp_k": params.setup_per_member_gbp_k * d.setup,
        "setup_rate": params.setup_rate * d.setup,
        "setup_ratio": params.setup_ratio * d.setup,
        "whole_org_transition_rate": params.whole_org_transition_rate * d.setup,
        "governance_per_member_gbp_k": params.governance_per_member_gbp_k * gov,
        "governance_per_pair_gbp_k": params.governance_per_pair_gbp_k * gov,
        "governance_rate": params.governance_rate * gov,
        "ramp_years": ramp_years(params, depth),
    })


def depth_table(params: ModelParams) -> list[dict]:
    """Every depth with its multipliers, stage and source (for ``summary.json`` and README)."""
    rows = []
    for name, d in params.depth_settings.items():
        info = DEPTH_DEFAULTS.get(name, {})
        rows.append({DEPTH: name, "offered": name in params.depths, **d.model_dump(),
                     "ramp_years_at_model_ramp": ramp_years(params, name),
                     "stage": info.get("stage", "user-defined"),
                     "range": info.get("range", {}), "source": info.get("source", "config")})
    return rows


def readiness_depth_rows(params: ModelParams) -> list[dict]:
    """Assumption rows (summary.json) of readiness, partnership mode and depth, with value, range, source."""
    ready = params.readiness
    rows = []
    for key, entry in READINESS_DEFAULTS.items():
        value = getattr(ready, key)
        rows.append({"parameter": f"readiness.{key}", "value": value, "range": list(entry["range"]),
                     "source": entry["source"] if value == entry["value"] else "config override"})
    rows.append({"parameter": "readiness.councils", "value": len(ready.councils),
                 "source": "councils with readiness given in [readiness] (file or table); the others unknown"})
    for row in depth_table(params):
        default = DEPTH_DEFAULTS.get(row[DEPTH], {})
        same = all(row[k] == default.get(k) for k in ("poolable", "setup", "governance", "realisation", "mode"))
        rows.append({"parameter": f"depth.{row[DEPTH]}", "value": {k: row[k] for k in (
            "offered", "poolable", "setup", "governance", "ramp_years_at_model_ramp", "realisation", "mode")},
            "range": row["range"], "source": f"{row['stage']}. " + (row["source"] if same else "config override")})
    return rows


def depth_summary(params: ModelParams, portfolio) -> dict:
    """The ``depths`` block of summary.json: depths offered and how many chosen partnerships use each."""
    chosen = {}
    if portfolio is not None and len(portfolio) and DEPTH in portfolio:
        chosen = {str(k): int(v) for k, v in portfolio[DEPTH].value_counts().sort_index().items()}
    modes = {}
    if portfolio is not None and len(portfolio) and PARTNERSHIP_MODE in portfolio:
        modes = {str(k): int(v) for k, v in portfolio[PARTNERSHIP_MODE].value_counts().sort_index().items()}
    return {"offered": list(params.depths), "chosen": chosen, "partnership_modes_chosen": modes}
