"""When to generate candidates: what the pricing cannot model, and a capped count of the groups."""

from __future__ import annotations

from dataclasses import dataclass

from sharedopt.candidates.counting import count_groups_capped
from sharedopt.common.errors import ConfigError
from sharedopt.config.params import ModelParams
from sharedopt.model.rows import RowGroup, in_force, setting


def _rows(group: RowGroup) -> str:
    """The setting behind the rows of ``group``, as the config spells it."""
    return f"constraints.{setting(group)}"


def generation_blockers(params: ModelParams, constraints) -> list[str]:
    """Reasons column generation cannot be used for this scenario ([] when it can).

    The master models only the row groups of
    :data:`sharedopt.solve.generate.layout.MASTER_GROUPS`: its slot rows are required,
    and forced-pair and per-authority budget rows block generation, as do the settings
    that fix or exclude candidates, per-candidate realisation and a non-NPV objective.
    Every term of the savings model is priced (:mod:`sharedopt.candidates.pricing_terms`).
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
        (in_force(RowGroup.GENERAL_FUND, c), _rows(RowGroup.GENERAL_FUND)),
        (bool(params.realisation_overrides), "model.realisation_overrides"),
        (not params.include_scale, "model.include_scale is off"),
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
    blockers = generation_blockers(params, constraints)
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
