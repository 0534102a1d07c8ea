"""Value, prune and share a batch of connected groups of one service (pair).

:func:`value_groups` values every group at every offered depth (realisation and
checklist from :mod:`sharedopt.candidates.readiness`, mode-specific governance),
keeps those with a positive NPV and splits each kept candidate's NPV between its
members (:func:`member_shares`: proportionally to spend and by the Myerson value).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from sharedopt.candidates.depth import depth_params
from sharedopt.candidates.readiness import candidate_realisation, readiness_common
from sharedopt.candidates.shares import internal_edge_masks, myerson_shares
from sharedopt.candidates.table import (
    BETTER_OFF_ALONE, CANDIDATE_ID, ID_CODE_SEPARATOR, MEMBER, NPV, PARTNERSHIP_MODE, SERVICES,
    SHARE_PROPORTIONAL, SHARE_SHAPLEY, STANDALONE_NPV, candidate_columns, candidate_frame, group_kinds, join_codes,
    make_id, with_depth,
)
from sharedopt.candidates.value import CostBase, asset_budget, coordination_rate, evaluate, span_km
from sharedopt.config.params import ModelParams


def value_groups(base: CostBase, params: ModelParams, services: tuple[str, ...], graph: nx.Graph,
                 groups, with_shares: bool) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Value, prune (NPV <= 0) and share given connected groups of one service (pair).

    ``groups`` is a :class:`~sharedopt.candidates.enumerate.GroupArrays` over ``graph``'s nodes
    (or None); returns the candidates table, the shares and the per-service counts.
    """
    label = ID_CODE_SEPARATOR.join(services)
    rates = ID_CODE_SEPARATOR.join(f"{coordination_rate(base, params, s):.4g}" for s in services)
    if groups is None or len(groups) == 0:
        return pd.DataFrame(), pd.DataFrame(), {SERVICES: label, "enumerated": 0, "kept": 0,
                                                "pruned_nonpositive_npv": 0, "pruned_beyond_max_span": 0,
                                                "coordination_rate": rates}
    members = global_members(base, groups)
    limit = max_span(params, services)
    spans = span_km(base.lon, base.lat, members)
    within = within_span(params, services, spans)
    tables, shares, kept, pruned = [], [], 0, 0
    shared = spans, readiness_common(base, params, members)
    for depth in params.depths:
        table, share, keep = _value_depth(base, params, services, graph, groups, members, within,
                                          with_shares, depth, shared)
        tables.append(table), shares.append(share)
        kept, pruned = kept + int(keep.sum()), pruned + int((within & ~keep).sum())
    stats = {SERVICES: label, "enumerated": int(len(members)), "kept": kept,
             "pruned_nonpositive_npv": pruned,
             "pruned_beyond_max_span": int((~within).sum()), "max_span_km": limit, "coordination_rate": rates}
    return concat_frames(tables), concat_frames(shares), stats


def global_members(base: CostBase, groups) -> np.ndarray:
    """The groups' members as the cost base's authority indices (padding stays -1)."""
    to_global = base.index_of(groups.nodes.tolist())
    return np.where(groups.members >= 0, to_global[np.maximum(groups.members, 0)], -1)


def within_span(params: ModelParams, services: tuple[str, ...], spans: np.ndarray) -> np.ndarray:
    """Which groups lie within the tightest span limit of ``services`` (all when none has one)."""
    limit = max_span(params, services)
    return spans <= limit if limit is not None else np.ones(len(spans), bool)


def concat_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The non-empty frames stacked (the first frame, or an empty one, when all are empty)."""
    kept = [f for f in frames if len(f)]
    if kept:
        return pd.concat(kept, ignore_index=True)
    return frames[0] if frames else pd.DataFrame()


def _mode_params(params: ModelParams, depth: str, mode) -> ModelParams:
    """``params`` at ``depth`` with the governance factor of partnership ``mode``."""
    return depth_params(params, depth, params.readiness.mode_governance_factors.get(mode, 1.0))


def value_at_depth(base: CostBase, params: ModelParams, services: tuple[str, ...], members: np.ndarray,
                   within: np.ndarray, depth: str, spans: np.ndarray | None = None,
                   common: tuple | None = None, inside: np.ndarray | None = None) -> tuple[dict, np.ndarray, np.ndarray]:
    """Value groups at one depth, none pruned: realisation, checklist, mode-specific governance.

    Returns the valued and checklist columns (one entry per group; zero outside ``within``,
    the span limit), the realisation factor per group and which groups have a positive NPV.
    The candidate table (:func:`value_groups`) and the appraisal of named groups
    (:mod:`sharedopt.candidates.appraise`) both value through here. ``common`` and ``inside``: the
    groups' :func:`~sharedopt.candidates.readiness.readiness_common` and
    :func:`~sharedopt.candidates.readiness.statutory`, when the caller keeps them.
    """
    realisation, checklist = candidate_realisation(base, params, services, members, depth, common=common,
                                                   inside=inside)
    modes = checklist[PARTNERSHIP_MODE]
    values, keep = _value_by_mode(base, params, services, members, within, realisation, modes, depth, spans)
    return {**values, **checklist}, realisation, keep


def _value_depth(base, params, services, graph, groups, members, within, with_shares, depth, shared):
    """Value the groups at one depth (:func:`value_at_depth`); prune; share.

    ``shared``: the groups' spans and :func:`~sharedopt.candidates.readiness.readiness_common`,
    the same at every depth.
    """
    spans, common = shared
    values, realisation, keep = value_at_depth(base, params, services, members, within, depth, spans, common)
    modes = values[PARTNERSHIP_MODE]
    values = {k: v[keep] for k, v in values.items()}
    table = group_table(base, services, members[keep], values, depth)
    shares = pd.DataFrame()
    if with_shares and keep.any():
        common = max(set(modes[keep].tolist()), key=list(modes[keep]).count)
        shares = member_shares(base, _mode_params(params, depth, common), services, graph, groups, members,
                               keep, realisation, table)
    return table, shares, keep


def _value_by_mode(base, params, services, members, within, realisation, modes, depth, spans=None):
    """Value the groups within the span limit, each with its partnership mode's parameters.

    ``spans`` (km per group), when given, saves recomputing them per mode.

    Returns the valued columns (one entry per group; zero outside the span limit) and
    which groups have a positive NPV.
    """
    values, keep = {}, np.zeros(len(members), dtype=bool)
    index, labels = pd.factorize(modes)   # each group's mode as a number: no string comparisons per mode
    for k in sorted(range(len(labels)), key=lambda k: labels[k]):
        rows = np.flatnonzero(within & (index == k))
        if len(rows) == 0:
            continue
        mode = labels[k]
        part = evaluate(base, _mode_params(params, depth, mode), services, members[rows], realisation[rows],
                        span=None if spans is None else spans[rows])
        for key, array in part.items():
            values.setdefault(key, np.zeros(len(members), dtype=np.asarray(array).dtype))[rows] = array
        keep[rows] = part[NPV] > 0
    return values, keep


def max_span(params: ModelParams, services: tuple[str, ...]) -> float | None:
    """Largest span (km) a group sharing ``services`` may have (the tightest service's; None: no limit)."""
    limits = [params.services[s].max_span_km for s in services if params.services[s].max_span_km is not None]
    return min(limits) if limits else None


def group_table(base: CostBase, services: tuple[str, ...], members: np.ndarray, values: dict,
                depth: str) -> pd.DataFrame:
    """Candidate rows of groups (global indices, padded with -1) sharing ``services`` at ``depth``."""
    codes = [[base.codes[i] for i in row if i >= 0] for row in members.tolist()]
    ids = [with_depth(make_id(services, c), depth) for c in codes]
    kinds = group_kinds(len(services), (members >= 0).sum(axis=1))
    return candidate_frame(ids, kinds, join_codes(services), codes, values)


def group_labels(base: CostBase, services: tuple[str, ...], members: np.ndarray, depth: str) -> dict:
    """The leading columns :func:`group_table` gives groups ``members`` at ``depth``, as object arrays."""
    codes = [[base.codes[i] for i in row if i >= 0] for row in members.tolist()]
    ids = [with_depth(make_id(services, c), depth) for c in codes]
    kinds = group_kinds(len(services), (members >= 0).sum(axis=1))
    cells = candidate_columns(ids, kinds, [join_codes(services)] * len(codes), [join_codes(c) for c in codes])
    return {key: np.asarray(value, dtype=object) for key, value in cells.items()}


def member_shares(base, params, services, graph, groups, members, keep, realisation, table,
                  evaluator=evaluate, weights=None) -> pd.DataFrame:
    """Each kept candidate's NPV split between its members: proportionally and by the Myerson value.

    ``weights`` (default: the services' asset budgets) set the proportional split;
    ``evaluator`` values sub-groups (as :func:`sharedopt.candidates.value.evaluate`).
    """
    local = groups.members[keep]
    sizes = groups.sizes[keep]
    masks = internal_edge_masks(local, sizes, _local_adjacency(graph, groups.nodes))
    kept_members = members[keep]
    value = _value_function(base, params, services, realisation[keep], evaluator)
    lookup = base.index_of(groups.nodes.tolist())

    def subset_value(rows, sub_local):
        return value(rows, np.where(sub_local >= 0, lookup[np.maximum(sub_local, 0)], -1))

    shapley = myerson_shares(local, sizes, masks, subset_value)
    asset = weights if weights is not None else sum(asset_budget(base, params, s) for s in services)
    own = np.where(kept_members >= 0, asset[np.maximum(kept_members, 0)], np.nan)
    proportional = own / np.nansum(own, axis=1, keepdims=True) * table[NPV].to_numpy()[:, None]
    alone = np.where(kept_members >= 0, _standalone_values(base, params, services, kept_members, realisation[keep]), np.nan)
    valid = kept_members >= 0
    rows = np.repeat(np.arange(len(kept_members)), valid.sum(axis=1))
    return pd.DataFrame({
        CANDIDATE_ID: table[CANDIDATE_ID].to_numpy()[rows],
        MEMBER: base.codes[kept_members[valid]],
        SHARE_PROPORTIONAL: proportional[valid],
        SHARE_SHAPLEY: shapley[valid],
        STANDALONE_NPV: alone[valid],
        BETTER_OFF_ALONE: shapley[valid] < alone[valid] - 1e-9,
    })


def _local_adjacency(graph: nx.Graph, nodes: np.ndarray) -> list[set[int]]:
    position = {label: i for i, label in enumerate(nodes.tolist())}
    return [{position[n] for n in graph[label]} for label in nodes.tolist()]


def _value_function(base: CostBase, params: ModelParams, services: tuple[str, ...],
                    realisation: np.ndarray, evaluator=evaluate):
    """v(S) for Myerson shares: NPV of the sub-group; a lone member gets its standalone value."""

    def subset_value(rows: np.ndarray, sub: np.ndarray) -> np.ndarray:
        # the same sub-group (same members in the same order, same realisation) recurs in many
        # groups: each distinct one is valued once (a row's value depends on that row alone)
        first, inverse = distinct_rows(sub, np.asarray(realisation[rows], dtype=float))
        values = np.asarray(evaluator(base, params, services, sub[first], realisation[rows][first])[NPV])[inverse]
        alone = (sub >= 0).sum(axis=1) == 1
        return np.where(alone, _standalone(values, services), values)

    return subset_value


def distinct_rows(members: np.ndarray, factor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first, inverse): the first row of each distinct (member row, factor) pair, in the order the
    pairs sort, and each row's position among them (``members`` are indices >= -1)."""
    radix = int(members.max(initial=0)) + 2
    if radix ** members.shape[1] < 2 ** 62:   # each row as one integer: one sort, not a row-wise unique
        packed = np.zeros(len(members), dtype=np.int64)
        for column in members.T:
            packed = packed * radix + (column.astype(np.int64) + 1)
        keys = (factor.view(np.int64), packed)
    else:
        keys = tuple(factor.view(np.int64)[None]) + tuple(members.T[::-1])
    order = np.lexsort(keys)
    ordered = np.column_stack([k[order] for k in keys])
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
    inverse = np.empty(len(order), dtype=np.int64)
    inverse[order] = np.cumsum(starts) - 1
    return order[starts], inverse


def _standalone(values: np.ndarray, services: tuple[str, ...]) -> np.ndarray:
    """A member alone: nothing for one service; its own scope merger (if worth it) for two."""
    return np.maximum(values, 0.0) if len(services) == 2 else np.zeros_like(values)


def _standalone_values(base, params, services, members, realisation) -> np.ndarray:
    """Each member's value alone (0 for one service; its own scope merger for two)."""
    out = np.zeros(members.shape)
    if len(services) != 2:
        return out
    for col in range(members.shape[1]):
        alive = members[:, col] >= 0
        single = np.where(alive, members[:, col], 0)[:, None]
        npv = evaluate(base, params, services, single, realisation)[NPV]
        out[:, col] = np.where(alive, np.maximum(npv, 0.0), 0.0)
    return out
