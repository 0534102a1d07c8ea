"""When to generate candidates: what the pricing cannot model, and a capped count of the groups."""

from __future__ import annotations

from dataclasses import dataclass

from sharedopt.candidates.counting import count_groups_capped
from sharedopt.candidates.curves import uses_fitted
from sharedopt.candidates.readiness import any_prior_collaboration
from sharedopt.common.errors import ConfigError
from sharedopt.config.assumptions import DEPTH_REFERENCE
from sharedopt.config.params import ModelParams
from sharedopt.model.rows import RowGroup, in_force, setting


def _rows(group: RowGroup) -> str:
    """The setting behind the rows of ``group``, as the config spells it."""
    return f"constraints.{setting(group)}"


def generation_blockers(params: ModelParams, constraints) -> list[str]:
    """Reasons column generation cannot be used for this scenario ([] when it can).

    The master models only the row groups of
    :data:`sharedopt.solve.generate.master.MASTER_GROUPS`: its slot rows are required,
    and forced-pair and per-authority budget rows block generation, as do the settings
    that fix or exclude candidates and a non-NPV objective.
    """
    c = constraints
    checks = [
        (not in_force(RowGroup.SLOT, c), f"{_rows(RowGroup.SLOT)} is off"),
        (c.objective != "npv", f"constraints.objective is '{c.objective}'"),
        (bool(c.forced), "constraints.forced"), (bool(c.forbidden), "constraints.forbidden"),
        (in_force(RowGroup.FORCED_PAIR, c), _rows(RowGroup.FORCED_PAIR)),
        (bool(c.forbidden_pairs), "constraints.forbidden_pairs"),
        (c.max_payback_years is not None, "constraints.max_payback_years"),
        (in_force(RowGroup.BUDGET_AUTHORITY, c), _rows(RowGroup.BUDGET_AUTHORITY)),
        (bool(params.realisation_overrides), "model.realisation_overrides"),
        (not params.include_scale, "model.include_scale is off"),
    ]
    return [why for bad, why in checks if bad] + savings_blockers(params)


def savings_blockers(params: ModelParams) -> list[str]:
    """Savings terms the pricing does not price (it prices scale, set-up and governance only).

    Efficiency convergence depends on the group's most efficient member, the coordination
    cost on the group's size times its pooled budget, the distance
    cost and the span limit on the group's minimum spanning tree, whole-organisation
    candidates span every service, and a fitted curve is not the kernel's U-shape: none
    is a sum over members, so the generated path is not exact with them and the run
    enumerates instead.
    """
    services = params.services.values()
    checks = [
        (params.efficiency_theta > 0, "model.efficiency_theta > 0 (efficiency convergence)"),
        (params.distance_cost_per_km_gbp_k > 0 or any(s.distance_rate_per_km > 0 for s in services),
         "model distance cost (distance_cost_per_km_gbp_k, services' distance_rate_per_km)"),
        (any(s.max_span_km is not None for s in services), "model services' max_span_km"),
        (params.coordination_best_size > 0 or any(s.coordination_rate for s in services),
         "model.coordination_best_size > 0 (coordination cost; or a service's coordination_rate)"),
        (params.whole_organisation, "model.whole_organisation"),
        (uses_fitted(params), "model.cost_curves: fitted curves (not the kernel's U-shape)"),
    ]
    return [why for bad, why in checks if bad]


def realisation_blockers(params: ModelParams, graphs: dict) -> list[str]:
    """Candidate-specific realisation the pricing does not price (it prices one factor for all).

    A realisation above the scenario's factor for some groups would make the pricing
    under-value them, and the bound over all groups would no longer hold: depths other
    than the reference one, councils' readiness answers (``yes`` lifts a group), and the
    prior-collaboration uplift where real arrangements join two of the region's bodies.
    """
    codes = tuple(sorted({code for graph in graphs.values() for code in graph}))
    answered = [code for code, answers in params.readiness.councils.items()
                if code in codes and any(value != "unknown" for value in answers.values())]
    shared = params.readiness.prior_collaboration_uplift > 0 and any_prior_collaboration(codes)
    checks = [
        (list(params.depths) != [DEPTH_REFERENCE], "model.depths other than the reference depth"),
        (bool(answered), "readiness answers for the region's councils"),
        (shared,
         "readiness.prior_collaboration_uplift > 0 with real arrangements between the region's bodies"),
    ]
    return [why for bad, why in checks if bad]


@dataclass(frozen=True)
class GenerationPlan:
    """Whether to generate, and the (capped) group counts behind the decision."""

    generate: bool
    counts: dict
    exact: dict
    reason: str


def plan_generation(graphs: dict, params: ModelParams, constraints) -> GenerationPlan:
    """Count scale groups per service (capped at ``params.generate_above``) and decide.

    Raises
    ------
    ConfigError
        ``candidates = "generate"`` with a constraint the pricing does not model.
    """
    blockers = generation_blockers(params, constraints) + realisation_blockers(params, graphs)
    if params.candidates == "generate" and blockers:
        raise ConfigError("[model] candidates = \"generate\" cannot be used with " + ", ".join(blockers)
                          + ": set candidates = \"enumerate\" (or \"auto\"), or drop those settings",
                          setting=("model", "candidates"))
    counts, exact, total = {}, {}, 0
    cap = max(int(params.generate_above), 0)
    for service, graph in sorted(graphs.items()):
        left = max(cap - total, 0)
        n, ok = count_groups_capped(graph, params.max_group_size, 2, left) if len(graph) else (0, True)
        counts[service], exact[service] = n, ok
        total += n
        if not ok:
            break
    over = total > cap
    if params.candidates == "generate":
        return GenerationPlan(True, counts, exact, "[model] candidates = \"generate\"")
    if over and not blockers:
        return GenerationPlan(True, counts, exact,
                              f"more than {cap:,} connected groups (model.generate_above): generated")
    reason = "enumerated" if not over else (f"more than {cap:,} groups, but " + ", ".join(blockers)
                                            + " need full enumeration")
    return GenerationPlan(False, counts, exact, reason)
