"""The unknowns: every lever of the valuation that has a range, for the tornado and the robustness checks.

Part of :mod:`sharedopt.config.assumptions`; import from there. Each lever names the
assumption entry that owns its value, range and source (nothing is restated here); a lever is
``evidence`` when its entry cites rows of the evidence register (``data/raw/evidence``), else
``assumption``. ``low``/``high`` are the entry's range unless the lever states the two values
it is tested at (``values``), e.g. the coordination cost, which is off by default and tested
switched on at its strongest and weakest best size.
"""

from __future__ import annotations

from sharedopt.config.assumptions.money import APPRAISAL_DEFAULTS, COST_DEFAULTS
from sharedopt.config.assumptions.poolable import CAPITAL_ACTION
from sharedopt.config.assumptions.realisation import (
    READINESS_DEFAULTS, REALISATION_BASE, SUCCESS_PROBABILITY, UNCERTAINTY_DEFAULTS,
)
from sharedopt.config.assumptions.savings import MAX_GROUP_SIZE, SAVINGS_TERM_DEFAULTS, WHOLE_ORG_DEFAULTS

#: (dotted config key, plain-words label, owning entry[, the two values tested]).
_LEVERS: list[tuple] = [
    ("model.success_probability", "chance a partnership succeeds", SUCCESS_PROBABILITY),
    ("model.realisation.base", "share of the saving delivered (delivery ratio)", REALISATION_BASE),
    ("model.setup_ratio", "one-off cost per £ of annual saving", COST_DEFAULTS["setup_ratio"]),
    ("model.optimism_bias_cost_uplift", "optimism-bias uplift on one-off costs",
     APPRAISAL_DEFAULTS["optimism_bias_cost_uplift"]),
    ("model.exit_cost_rate", "exit cost of a failed partnership / set-up cost", COST_DEFAULTS["exit_cost_rate"]),
    ("model.horizon_years", "appraisal horizon (years)", APPRAISAL_DEFAULTS["horizon_years"]),
    ("model.ramp_years", "years to full savings", APPRAISAL_DEFAULTS["ramp_years"]),
    ("model.governance_rate", "client-side governance / pooled spend", COST_DEFAULTS["governance_rate"]),
    ("model.governance_per_member_gbp_k", "governance cost per member (£k a year)",
     COST_DEFAULTS["governance_per_member_gbp_k"]),
    ("model.governance_per_pair_gbp_k", "governance cost per pair of members (£k a year)",
     COST_DEFAULTS["governance_per_pair_gbp_k"]),
    ("model.scale_causal_share", "share of the scale association pooling realises",
     SAVINGS_TERM_DEFAULTS["scale_causal_share"]),
    ("model.efficiency_theta", "share of the efficiency gap closed", SAVINGS_TERM_DEFAULTS["efficiency_theta"]),
    ("model.scale_on_human", "share of the human capital scale economies act on",
     {**CAPITAL_ACTION, "value": CAPITAL_ACTION["value"]["scale_on_human"]}),
    ("model.scope_on_physical", "share of the physical capital scope economies act on",
     {**CAPITAL_ACTION, "value": CAPITAL_ACTION["value"]["scope_on_physical"]}),
    ("model.distance_cost_per_km_gbp_k", "coordination cost per km of span (£k a year)",
     SAVINGS_TERM_DEFAULTS["distance_cost_per_km_gbp_k"]),
    ("model.coordination_best_size", "coordination cost per partner (best size; 0 = off)",
     SAVINGS_TERM_DEFAULTS["coordination_best_size"], (2, 5)),
    ("model.whole_org_saving_rate", "shared management: share of absorbed overhead saved",
     WHOLE_ORG_DEFAULTS["whole_org_saving_rate"]),
    ("model.whole_org_transition_rate", "shared management: one-off cost per £ of saving",
     WHOLE_ORG_DEFAULTS["whole_org_transition_rate"]),
    ("model.readiness.prior_collaboration_uplift", "uplift where members already share a service",
     READINESS_DEFAULTS["prior_collaboration_uplift"]),
    ("model.max_group_size", "largest group considered", MAX_GROUP_SIZE),
]


def unknowns() -> list[dict]:
    """Every lever with its default, the two values it is tested at, its basis and evidence rows.

    Returns
    -------
    list of dict
        ``key, label, default, low, high, basis ('evidence' or 'assumption'), evidence (register
        row ids), source`` per lever.
    """
    rows = []
    for lever in _LEVERS:
        key, label, entry = lever[:3]
        low, high = lever[3] if len(lever) > 3 else entry["range"]
        evidence = list(entry.get("evidence", ()))
        basis = "evidence" if evidence and not entry["source"].startswith("Assumption") else "assumption"
        rows.append(dict(key=key, label=label, default=entry["value"], low=low, high=high, basis=basis,
                         evidence=evidence, source=entry["source"]))
    return rows


def plain_label(key: str) -> str:
    """A drawn or tested input's plain-words label: the lever's label, the delivery ratio of a
    depth for ``model.depth_settings.<depth>.realisation``, else the key itself."""
    labels = {lever[0]: lever[1] for lever in _LEVERS}
    if key in labels:
        return labels[key]
    parts = key.split(".")
    if len(parts) == 4 and parts[:2] == ["model", "depth_settings"] and parts[3] == "realisation":
        return f"delivery ratio of {parts[2]} partnerships"
    return {"costs": "every spend figure"}.get(key, key)


def lever_distributions() -> dict[str, dict]:
    """The Monte Carlo's default distribution of every lever whose default lies in its range.

    A ``split`` distribution (:func:`sharedopt.pipeline.uncertainty.draw_value`): its median is
    the default, so a run's headline (every lever at its default) is the run at the median of
    each input the draws vary. A lever tested only away from its default (the coordination
    cost, off by default) and the structural levers (:data:`STRUCTURAL`) are left to the tornado.
    """
    return {lever["key"]: dict(dist="split", low=float(lever["low"]), mode=float(lever["default"]),
                               high=float(lever["high"]))
            for lever in unknowns() if lever["low"] <= lever["default"] <= lever["high"]
            and lever["key"] not in STRUCTURAL}


#: Levers that change which groups exist, not what they are worth: in the tornado, never drawn (a
#: draw's "probability chosen" would then refer to groups the run's own table does not hold).
STRUCTURAL = ("model.max_group_size",)


UNCERTAINTY_DEFAULTS.update(lever_distributions())
