"""Whole-organisation sharing: one chief executive, management team and back office.

Two or three neighbouring councils of the same tier class (two districts, two
unitaries; never a county with a district; by default districts only, the class the
calibration rests on: ``[model] whole_org_tiers``) share their management and support
overhead across ALL their services. The candidate occupies every eligible service
slot of its members (``services`` lists them), so the exact model never combines it
with another partnership of the same members: the overhead it saves is embedded in
every service line, and counting it twice is impossible.

Valuation (all £k a year, before realisation):

* overhead of member *i*: ``O_i = overhead_share[tier class] * sum_s spend_is``
  (management and support recharged into every line; shares calibrated on 15
  Lancashire councils, see :data:`sharedopt.config.assumptions.WHOLE_ORG_DEFAULTS`);
* saving (the ``saving_scale_gbp_k`` column): ``rate * (sum_i O_i - max_i O_i)``: the
  largest member's team absorbs the others, whose overhead falls by ``rate`` (one chief
  executive and senior team instead of n; one back office). The saving does not grow
  with the largest member's size, so pairing two large councils is not favoured by
  size alone;
* distance: ``span_km * (distance_cost_per_km + distance_rate_per_km[Central_Services] * sum_i O_i)``;
* governance: the fixed terms only (0 by default), no client-side rate: the saving rate is
  calibrated on savings councils reported net of running their shared team; one-off ``(setup_fixed + setup_per_member * n +
  transition_rate * delivered saving) * (1 + optimism_bias_cost_uplift)`` (redundancy,
  pension strain, systems). The saving rate is calibrated on reported (delivered) savings,
  so the delivery ratio is not applied again; the success probability is.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from sharedopt.candidates.batch import member_shares
from sharedopt.candidates.enumerate import connected_groups
from sharedopt.candidates.readiness import candidate_realisation
from sharedopt.candidates.table import (
    BASELINE_SPEND, DEPTH_SEPARATOR, ESTIMATED, NPV, N_MEMBERS, POOLED_SPEND, POPULATION, SERVICES, SPAN,
    WHOLE_ORGANISATION, WHOLE_ORGANISATION_LABEL, candidate_frame, join_codes, make_id, parse_id,
)
from sharedopt.candidates.value import CostBase, _gather, asset_budgets, banked, distance_cost, money, span_km
from sharedopt.common.errors import ConfigError
from sharedopt.config.assumptions import WHOLE_ORG_DEPTH
from sharedopt.config.params import ModelParams

KIND = WHOLE_ORGANISATION
LABEL = WHOLE_ORGANISATION_LABEL
BACK_OFFICE = "Central_Services"


def whole_org_graph(base: CostBase, graphs: dict, tiers=("district",)) -> nx.Graph:
    """Neighbours (an edge in any service graph) of the same tier class, for classes in ``tiers``."""
    tier = {c: t for c, t in zip(base.codes.tolist(), base.tier.tolist()) if t in tiers} \
        if base.tier is not None else {}
    graph = nx.Graph()
    for g in graphs.values():
        graph.add_nodes_from(n for n in g.nodes if n in tier)
        graph.add_edges_from((a, b) for a, b in g.edges if a in tier and b in tier and tier[a] == tier[b])
    return graph


def overhead(base: CostBase, params: ModelParams) -> np.ndarray:
    """Management and support overhead embedded in each authority's service lines, £k a year."""
    share = params.whole_org_overhead_share
    tiers = base.tier if base.tier is not None else np.full(len(base.codes), "single-tier", dtype=object)
    rate = np.array([share.get(t, share.get("single-tier", 0.0)) for t in tiers], dtype=float)
    return rate * base.spend.sum(axis=1)


def evaluate_whole_org(base: CostBase, params: ModelParams, members: np.ndarray,
                       realisation: np.ndarray | float | None = None) -> dict[str, np.ndarray]:
    """Value whole-organisation groups; same keys as :func:`sharedopt.candidates.value.evaluate`."""
    members = np.atleast_2d(members)
    n = (members >= 0).sum(axis=1)
    each = _gather(overhead(base, params), members)
    pooled = each.sum(axis=1)
    gross = params.whole_org_saving_rate * (pooled - each.max(axis=1))
    span = span_km(base.lon, base.lat, members)
    back = params.services.get(BACK_OFFICE)
    distance = distance_cost(span, pooled, params.distance_cost_per_km_gbp_k,
                             back.distance_rate_per_km if back is not None else 0.0)
    setup_fixed = params.setup_fixed_gbp_k + params.setup_per_member_gbp_k * n
    zero = np.zeros(len(members))
    out = money(params, n, gross, zero, zero, distance, setup_fixed, _undelivered(params, realisation),
                setup_ratio=params.whole_org_transition_rate)
    services = [s for s in base.services if s in params.services]
    out.update(banked(params, services, asset_budgets(base, params, services, members), members >= 0, out))
    estimated = (base.estimated[np.where(members >= 0, members, 0)].any(axis=2) & (members >= 0)).any(axis=1)
    return {N_MEMBERS: n, POPULATION: _gather(base.population, members).sum(axis=1), SPAN: span,
            BASELINE_SPEND: _gather(base.spend.sum(axis=1), members).sum(axis=1),
            POOLED_SPEND: pooled, **out, ESTIMATED: estimated}


def _undelivered(params: ModelParams, realisation) -> np.ndarray | float:
    """The realisation of a whole-organisation saving without the delivery ratio.

    Its saving rate is calibrated on savings councils reported, already delivered: the delivery
    ratio is not applied a second time; readiness, mode and depth multipliers and the success
    probability still are.
    """
    factor = params.realisation_factor() if realisation is None else realisation
    base = params.realisation.base_rate()
    return np.asarray(factor, dtype=float) / base if base > 0 else np.asarray(factor, dtype=float)


def slot_services(base: CostBase, params: ModelParams, members: np.ndarray) -> list[str]:
    """Per group, the ';'-joined eligible services any member delivers (the slots it occupies)."""
    eligible = np.array([params.services[s].eligible if s in params.services else False
                         for s in base.services])
    delivers = (base.spend > 0) & eligible[None, :]
    out = []
    for row in members.tolist():
        idx = [i for i in row if i >= 0]
        cols = np.flatnonzero(delivers[idx].any(axis=0))
        out.append(join_codes(base.services[c] for c in cols))
    return out


def whole_org_candidates(base: CostBase, params: ModelParams, graphs: dict, with_shares: bool):
    """Enumerate, value and prune (NPV <= 0) whole-organisation groups.

    Returns ``(table, shares, stats)`` like :func:`sharedopt.candidates.batch.value_groups`.
    """
    graph = whole_org_graph(base, graphs, params.whole_org_tiers)
    stats = {SERVICES: LABEL, "kind": KIND, "enumerated": 0, "kept": 0, "pruned_nonpositive_npv": 0,
             "pruned_beyond_max_span": 0}
    if graph.number_of_edges() == 0:
        return pd.DataFrame(), pd.DataFrame(), stats
    groups = connected_groups(graph, params.whole_org_max_group_size, min_size=2)
    to_global = base.index_of(groups.nodes.tolist())
    members = np.where(groups.members >= 0, to_global[np.maximum(groups.members, 0)], -1)
    values, realisation = value_whole_org(base, params, members)
    keep = values[NPV] > 0
    table = _table(base, params, members[keep], {k: v[keep] for k, v in values.items()})
    shares = pd.DataFrame()
    if with_shares and keep.any():
        shares = member_shares(base, params, (LABEL,), graph, groups, members, keep, realisation, table,
                         evaluator=lambda b, p, s, m, r: evaluate_whole_org(b, p, m, r),
                         weights=overhead(base, params))
    stats.update(enumerated=int(len(members)), kept=int(keep.sum()), pruned_nonpositive_npv=int((~keep).sum()))
    return table, shares, stats


def value_whole_org(base: CostBase, params: ModelParams, members: np.ndarray) -> tuple[dict, np.ndarray]:
    """Valued and checklist columns of whole-organisation groups, none pruned, and their realisation.

    The candidate table (:func:`whole_org_candidates`) and the appraisal of named groups
    (:mod:`sharedopt.candidates.appraise`) both value through here.
    """
    realisation, checklist = _realisation(base, params, members)
    return {**evaluate_whole_org(base, params, members, realisation), **checklist}, realisation


def whole_org_table(base: CostBase, params: ModelParams, members: np.ndarray, values: dict) -> pd.DataFrame:
    """Candidate rows of whole-organisation groups (global indices, padded with -1) from their values."""
    return _table(base, params, members, values)


def _table(base: CostBase, params: ModelParams, members: np.ndarray, values: dict) -> pd.DataFrame:
    codes = [[base.codes[i] for i in row if i >= 0] for row in members.tolist()]
    return candidate_frame([make_id((LABEL,), c) for c in codes], KIND, slot_services(base, params, members),
                           codes, values)


def forced_whole_org(cid: str, base: CostBase, params: ModelParams, graphs: dict) -> pd.DataFrame:
    """One whole-organisation candidate named by id (``Whole_Organisation|code+code``), valued.

    Raises
    ------
    ConfigError
        Unknown codes, or members that are not connected neighbours of one tier class.
    """
    codes = _id_codes(cid)
    known = set(base.codes.tolist())
    graph = whole_org_graph(base, graphs, ("district", "single-tier", "county"))
    if not 2 <= len(codes) <= params.whole_org_max_group_size or not set(codes) <= known \
            or not set(codes) <= set(graph) or not nx.is_connected(graph.subgraph(codes)):
        raise ConfigError(f"[constraints] forced: '{cid}' is not 2..{params.whole_org_max_group_size} "
                          "neighbouring councils of one tier class of this region (see candidates.csv)",
                          setting=("constraints", "forced"))
    members = base.index_of(codes)[None, :]
    factor, checklist = _realisation(base, params, members)
    if cid in params.realisation_overrides:
        factor = np.array([params.realisation_factor(cid)])
    return _table(base, params, members, {**evaluate_whole_org(base, params, members, factor), **checklist})


def _id_codes(cid: str) -> list[str]:
    """Sorted member codes of a whole-organisation id ([] when it is not one: bad form or a depth suffix)."""
    try:
        _, codes, _ = parse_id(cid)
    except ValueError:
        return []
    return [] if DEPTH_SEPARATOR in cid else sorted(codes)


def _realisation(base: CostBase, params: ModelParams, members: np.ndarray):
    """Realisation and checklist of shared management teams (voluntary, trust-based: creating)."""
    return candidate_realisation(base, params, (LABEL,), members, WHOLE_ORG_DEPTH, kind=KIND)


# Evidence register row lga-localis-shared-ce-savings (achieved): sharing a chief executive and
# management team saved "some areas ... £1m year on year". (The LGA's "at least £60 million" for
# about 45 councils, row lga-stronger-together-shared-management, is cumulative, not a year's.)
SAVING_PER_ABSORBED_COUNCIL_GBP_K = 1_000.0


def calibrate_saving_rate(base: CostBase, params: ModelParams, graph: nx.Graph,
                          target_gbp_k: float = SAVING_PER_ABSORBED_COUNCIL_GBP_K) -> float:
    """The saving rate at which the mean gross saving over every district-district edge is ``target``.

    A pair absorbs one council's team, so ``target`` is the typical annual saving of a shared
    chief executive and management team (£1m, evidence register); matched on average over all
    neighbouring district pairs, never on a named pair.
    """
    codes = {c: i for i, c in enumerate(base.codes.tolist())}
    pairs = np.array([(codes[a], codes[b]) for a, b in graph.edges
                      if a in codes and b in codes and base.tier[codes[a]] == base.tier[codes[b]] == "district"])
    each = overhead(base, params)[pairs]
    return float(target_gbp_k / (each.sum(axis=1) - each.max(axis=1)).mean())
