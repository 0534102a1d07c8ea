"""Candidate collaborations: scale (one service, a connected group) and scope (two services).

:func:`build_candidates` enumerates every connected group of 2..k delivering
bodies in each service's neighbour graph (ESU, each set once), every within-
authority pair of complementary services, and complementary pairs across connected
groups (scale+scope); values each with :mod:`sharedopt.savings`; keeps those with a
positive NPV (the rest are counted as pruned); and splits each kept candidate's NPV
between its members, proportionally to spend and by the Myerson value.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from sharedopt.data.graph import neighbour_graph
from sharedopt.enumerate import connected_groups
from sharedopt.params import ModelParams
from sharedopt.savings import CostBase, evaluate
from sharedopt.shapley import internal_edge_masks, myerson_shares

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class CandidateSet:
    """Candidates, their per-member shares and the enumeration report.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per kept candidate (see :func:`build_candidates`).
    shares : pandas.DataFrame
        ``candidate_id, member, npv_share_proportional_gbp_k, npv_share_shapley_gbp_k,
        standalone_npv_gbp_k, better_off_alone``.
    enumeration : pandas.DataFrame
        Per service (pair) and kind: groups enumerated, kept, pruned, seconds.
    graphs : dict
        The neighbour graph used for each service.
    """

    table: pd.DataFrame
    shares: pd.DataFrame
    enumeration: pd.DataFrame
    graphs: dict


def service_graphs(authorities, costs, params: ModelParams, links=None,
                   services: list[str] | None = None) -> dict[str, nx.Graph]:
    """Neighbour graph of every eligible service present in ``costs``."""
    present = sorted(set(costs["service"]))
    wanted = [s for s in present if params.services.get(s) is not None and params.services[s].eligible
              and (services is None or s in services)]
    return {s: neighbour_graph(authorities, s, links, costs=costs) for s in wanted}


def intersection_graph(g1: nx.Graph, g2: nx.Graph) -> nx.Graph:
    """Bodies delivering both services, adjacent in both graphs."""
    common = set(g1) & set(g2)
    graph = nx.Graph()
    graph.add_nodes_from(sorted(common))
    graph.add_edges_from((a, b) for a, b in g1.subgraph(common).edges if g2.has_edge(a, b))
    return graph


def _local_adjacency(graph: nx.Graph, nodes: np.ndarray) -> list[set[int]]:
    position = {label: i for i, label in enumerate(nodes.tolist())}
    return [{position[n] for n in graph[label]} for label in nodes.tolist()]


def _value_function(base: CostBase, params: ModelParams, services: tuple[str, ...],
                    realisation: np.ndarray):
    """v(S) for Myerson shares: NPV of the sub-group; a lone member gets its standalone value."""

    def subset_value(rows: np.ndarray, sub: np.ndarray) -> np.ndarray:
        values = evaluate(base, params, services, sub, realisation[rows])["npv_gbp_k"]
        alone = (sub >= 0).sum(axis=1) == 1
        return np.where(alone, _standalone(values, services), values)

    return subset_value


def _standalone(values: np.ndarray, services: tuple[str, ...]) -> np.ndarray:
    """A member alone: nothing for one service; its own scope merger (if worth it) for two."""
    return np.maximum(values, 0.0) if len(services) == 2 else np.zeros_like(values)


def _batch(base: CostBase, params: ModelParams, services: tuple[str, ...], graph: nx.Graph,
           min_size: int, max_size: int, kind_of: Callable[[np.ndarray], np.ndarray],
           with_shares: bool) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Enumerate, value, prune and share the candidates of one service (pair)."""
    start = time.perf_counter()
    groups = connected_groups(graph, max_size, min_size=min_size) if len(graph) else None
    label = "+".join(services)
    if groups is None or len(groups) == 0:
        return pd.DataFrame(), pd.DataFrame(), {"services": label, "enumerated": 0, "kept": 0,
                                                "pruned_nonpositive_npv": 0,
                                                "seconds": time.perf_counter() - start}
    to_global = base.index_of(groups.nodes.tolist())
    members = np.where(groups.members >= 0, to_global[np.maximum(groups.members, 0)], -1)
    realisation = np.full(len(members), params.realisation_factor())
    values = evaluate(base, params, services, members, realisation)
    keep = values["npv_gbp_k"] > 0
    table = _table(base, services, members[keep], {k: v[keep] for k, v in values.items()},
                   kind_of(groups.sizes[keep]))
    shares = pd.DataFrame()
    if with_shares and keep.any():
        shares = _shares(base, params, services, graph, groups, members, keep, realisation, table)
    stats = {"services": label, "enumerated": int(len(members)), "kept": int(keep.sum()),
             "pruned_nonpositive_npv": int((~keep).sum()), "seconds": time.perf_counter() - start}
    return table, shares, stats


def _codes(base: CostBase, members: np.ndarray) -> list[list[str]]:
    codes = base.codes
    return [[codes[i] for i in row if i >= 0] for row in members.tolist()]


def _table(base: CostBase, services: tuple[str, ...], members: np.ndarray, values: dict,
           kinds: np.ndarray) -> pd.DataFrame:
    member_codes = _codes(base, members)
    joined = [";".join(c) for c in member_codes]
    label = ";".join(services)
    ids = ["+".join(services) + "|" + "+".join(c) for c in member_codes]
    table = pd.DataFrame({"candidate_id": ids, "kind": kinds, "services": label, "members": joined})
    for key, array in values.items():
        table[key] = array
    return table


def _shares(base, params, services, graph, groups, members, keep, realisation, table) -> pd.DataFrame:
    local = groups.members[keep]
    sizes = groups.sizes[keep]
    masks = internal_edge_masks(local, sizes, _local_adjacency(graph, groups.nodes))
    kept_members = members[keep]
    value = _value_function(base, params, services, realisation[keep])
    lookup = base.index_of(groups.nodes.tolist())

    def subset_value(rows, sub_local):
        return value(rows, np.where(sub_local >= 0, lookup[np.maximum(sub_local, 0)], -1))

    shapley = myerson_shares(local, sizes, masks, subset_value)
    asset = sum(base.spend[:, base.service_index(s)] * params.services[s].asset_intensity for s in services)
    own = np.where(kept_members >= 0, asset[np.maximum(kept_members, 0)], np.nan)
    proportional = own / np.nansum(own, axis=1, keepdims=True) * table["npv_gbp_k"].to_numpy()[:, None]
    alone = np.where(kept_members >= 0, _standalone_values(base, params, services, kept_members, realisation[keep]), np.nan)
    valid = kept_members >= 0
    rows = np.repeat(np.arange(len(kept_members)), valid.sum(axis=1))
    return pd.DataFrame({
        "candidate_id": table["candidate_id"].to_numpy()[rows],
        "member": base.codes[kept_members[valid]],
        "npv_share_proportional_gbp_k": proportional[valid],
        "npv_share_shapley_gbp_k": shapley[valid],
        "standalone_npv_gbp_k": alone[valid],
        "better_off_alone": shapley[valid] < alone[valid] - 1e-9,
    })


def _standalone_values(base, params, services, members, realisation) -> np.ndarray:
    """Each member's value alone (0 for one service; its own scope merger for two)."""
    out = np.zeros(members.shape)
    if len(services) != 2:
        return out
    for col in range(members.shape[1]):
        alive = members[:, col] >= 0
        single = np.where(alive, members[:, col], 0)[:, None]
        npv = evaluate(base, params, services, single, realisation)["npv_gbp_k"]
        out[:, col] = np.where(alive, np.maximum(npv, 0.0), 0.0)
    return out


def _scale_kind(sizes: np.ndarray) -> np.ndarray:
    return np.full(len(sizes), "scale", dtype=object)


def _scope_kind(sizes: np.ndarray) -> np.ndarray:
    return np.where(sizes == 1, "scope", "scale+scope").astype(object)


def build_candidates(authorities, costs: pd.DataFrame, params: ModelParams | None = None, *,
                     links=None, services: list[str] | None = None, with_shares: bool = True,
                     graphs: dict | None = None, progress: Progress | None = None) -> CandidateSet:
    """Enumerate and value every candidate collaboration.

    Parameters
    ----------
    authorities : geopandas.GeoDataFrame
        From :func:`sharedopt.data.load_authorities`.
    costs : pandas.DataFrame
        From :func:`sharedopt.data.load_costs`.
    params : ModelParams, optional
        Model parameters (defaults if None).
    links : list, optional
        Extra adjacency links (None: the defaults, e.g. the Menai bridges).
    services : list of str, optional
        Services in scope (default: every eligible service).
    with_shares : bool
        Compute per-member shares (Myerson value and proportional).
    graphs : dict, optional
        Pre-built service graphs (reused across scenarios).
    progress : callable, optional
        Called as ``progress(label, n_candidates_so_far)`` after each service (pair).

    Returns
    -------
    CandidateSet
        ``table`` columns: ``candidate_id, kind, services, members, n_members, population,
        baseline_spend_gbp_k, pooled_spend_gbp_k, scale_saving_gbp_k, scope_saving_gbp_k,
        realisation_factor, annual_saving_gbp_k, governance_cost_gbp_k,
        annual_net_saving_gbp_k, one_off_cost_gbp_k, npv_gbp_k, payback_years, estimated``.
    """
    params = params or ModelParams()
    base = CostBase.from_frames(authorities, costs)
    graphs = graphs if graphs is not None else service_graphs(authorities, costs, params, links, services)
    tables, shares, stats = [], [], []

    def run(services_key, graph, lo, hi, kind_of, kind_label):
        table, share, stat = _batch(base, params, services_key, graph, lo, hi, kind_of, with_shares)
        stat["kind"] = kind_label
        tables.append(table)
        shares.append(share)
        stats.append(stat)
        if progress is not None:
            progress("+".join(services_key), sum(len(t) for t in tables))

    if params.include_scale:
        for service, graph in sorted(graphs.items()):
            run((service,), graph, 2, params.max_group_size, _scale_kind, "scale")
    if params.include_scope:
        for pair in params.scope_pairs:
            if all(s in graphs for s in pair.services):
                graph = intersection_graph(graphs[pair.services[0]], graphs[pair.services[1]])
                run(pair.services, graph, 1, params.scope_max_group_size, _scope_kind, "scope")
    table = _finish(pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(), params, base)
    share = pd.concat(shares, ignore_index=True) if shares else pd.DataFrame()
    if len(share):
        share = share.sort_values(["candidate_id", "member"]).reset_index(drop=True)
    return CandidateSet(table, share, pd.DataFrame(stats), graphs)


def _finish(table: pd.DataFrame, params: ModelParams, base: CostBase) -> pd.DataFrame:
    if table.empty:
        return table
    table = _apply_realisation_overrides(table, params, base)
    table = table.sort_values(["services", "n_members", "members"], kind="stable").reset_index(drop=True)
    if table["candidate_id"].duplicated().any():
        raise AssertionError("duplicate candidate ids")
    return table


def _apply_realisation_overrides(table: pd.DataFrame, params: ModelParams, base: CostBase) -> pd.DataFrame:
    """Re-value candidates whose realisation is set per candidate in the config."""
    for cid in params.realisation_overrides:
        hit = table.index[table["candidate_id"] == cid]
        if len(hit) == 0:
            continue
        row = table.loc[hit[0]]
        services = tuple(row["services"].split(";"))
        members = base.index_of(row["members"].split(";"))[None, :]
        values = evaluate(base, params, services, members, params.realisation_factor(cid))
        for key, array in values.items():
            table.loc[hit[0], key] = array[0]
    return table


def ensure_candidates(candidates: CandidateSet, ids: list[str], authorities, costs: pd.DataFrame,
                      params: ModelParams) -> CandidateSet:
    """Add candidates named by id (e.g. forced ones) that pruning left out.

    An id is ``"<service>[+<service>]|<code>[+<code>...]"``. A candidate whose NPV was
    not positive is normally pruned; forcing it brings it back with its real value.
    """
    from sharedopt.errors import ConfigError

    known = set(candidates.table["candidate_id"]) if len(candidates.table) else set()
    missing = [cid for cid in ids if cid not in known]
    if not missing:
        return candidates
    base = CostBase.from_frames(authorities, costs)
    rows = []
    for cid in missing:
        services, members = _parse_id(cid, base)
        graph = candidates.graphs.get(services[0]) if len(services) == 1 else intersection_graph(
            candidates.graphs[services[0]], candidates.graphs[services[1]])
        codes = list(base.codes[members])
        if graph is None or not all(c in graph for c in codes) or not nx.is_connected(graph.subgraph(codes)):
            raise ConfigError(f"[constraints] forced: candidate '{cid}' is not a connected group of "
                              "bodies delivering its service(s); check the id (see candidates.csv)")
        values = evaluate(base, params, services, members[None, :], params.realisation_factor(cid))
        kind = "scale" if len(services) == 1 else ("scope" if len(codes) == 1 else "scale+scope")
        rows.append(_table(base, services, members[None, :], values, np.array([kind], dtype=object)))
    table = _finish(pd.concat([candidates.table, *rows], ignore_index=True), params, base)
    return CandidateSet(table, candidates.shares, candidates.enumeration, candidates.graphs)


def _parse_id(cid: str, base: CostBase) -> tuple[tuple[str, ...], np.ndarray]:
    from sharedopt.errors import ConfigError

    try:
        service_part, member_part = cid.split("|")
        services = tuple(service_part.split("+"))
        members = base.index_of(sorted(member_part.split("+")))
        for s in services:
            base.service_index(s)
    except (ValueError, KeyError):
        raise ConfigError(f"[constraints] forced: '{cid}' is not a candidate id of this region "
                          "(format 'Service|E06000001+E06000002'; see candidates.csv)") from None
    return services, members
