"""The validity benchmark's candidate space: blank-sheet config, per-service candidates,
why a real group is outside the space, and the model's valuation of a real group."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

from sharedopt.candidates.build import build_candidates
from sharedopt.candidates.value import CostBase, evaluate
from sharedopt.candidates.wholeorg import KIND as WHOLE_ORG, LABEL as WHOLE_ORG_LABEL
from sharedopt.candidates.wholeorg import evaluate_whole_org
from sharedopt.config.schema import load_config


def blank_sheet_config(path: Path, model_updates: dict | None = None, keep_prior_uplift: bool = False):
    """The config with the status quo off and every group listed (no column generation).

    ``model_updates``: ``[model]`` settings to change first (a sensitivity run), validated.
    Unless ``keep_prior_uplift``, the prior-collaboration uplift is 0: it lifts any group two
    of whose members share a real arrangement, i.e. every real arrangement being ranked, so
    ranking them with it would be circular.
    """
    config = load_config(path)
    if not keep_prior_uplift:
        readiness = config.model.readiness.model_copy(update={"prior_collaboration_uplift": 0.0})
        config = config.model_copy(update={"model": config.model.model_copy(update={"readiness": readiness})})
    if model_updates:
        model = type(config.model).model_validate({**config.model.model_dump(), **model_updates})
        config = config.model_copy(update={"model": model})
    constraints = config.constraints.model_copy(update={"status_quo": False})
    model = config.model.model_copy(update={"candidates": "enumerate"})
    return config.model_copy(update={"constraints": constraints, "model": model})


def service_candidates(inputs, params, service: str, k: int) -> pd.DataFrame:
    """Scale candidates of one service at group size ``k`` (the candidates step, one service; no
    whole-organisation candidates, which would otherwise be built on the service's graph and ranked
    with, and matched to, the service's real arrangements)."""
    p = params.model_copy(update={"max_group_size": k, "include_scope": False, "whole_organisation": False})
    table = build_candidates(inputs.authorities, inputs.costs, p, graphs={service: inputs.graphs[service]},
                             with_shares=False).table
    keep = ["candidate_id", "members", "n_members", "population", "npv_gbp_k", "annual_net_saving_gbp_k",
            "realisation_factor"]
    return table[keep] if len(table) else pd.DataFrame(columns=keep)


def whole_org_candidates_table(inputs, params) -> pd.DataFrame:
    """The whole-organisation candidates (the candidates step with scale and scope off)."""
    p = params.model_copy(update={"include_scale": False, "include_scope": False, "whole_organisation": True})
    table = build_candidates(inputs.authorities, inputs.costs, p, graphs=inputs.graphs, with_shares=False).table
    keep = ["candidate_id", "members", "n_members", "population", "npv_gbp_k", "annual_net_saving_gbp_k"]
    return table.loc[table["kind"] == WHOLE_ORG, keep].reset_index(drop=True) if len(table) else \
        pd.DataFrame(columns=keep)


def out_of_whole_org_space(members: tuple, graph: nx.Graph, k: int, region: set) -> str:
    """Why a group is not a whole-organisation candidate ('' when it is in the space)."""
    outside = [m for m in members if m not in region]
    if outside:
        return f"member(s) outside the region: {', '.join(outside)}"
    absent = [m for m in members if m not in graph]
    if absent:
        return f"member(s) not of a whole-organisation tier class: {', '.join(absent)}"
    if len(members) > k:
        return f"too many members ({len(members)} > whole_org_max_group_size {k})"
    if not nx.is_connected(graph.subgraph(members)):
        return "not connected neighbours of one tier class"
    return ""


def out_of_space(members: tuple, service: str, graphs: dict, k: int, region: set) -> str:
    """Why a group is not in the candidate space ('' when it is)."""
    outside = [m for m in members if m not in region]
    if outside:
        return f"member(s) outside the region: {', '.join(outside)}"
    graph = graphs.get(service)
    if graph is None:
        return f"{service} not in the run's services"
    absent = [m for m in members if m not in graph]
    if absent:
        return f"member(s) not delivering {service} in the model: {', '.join(absent)}"
    tiers = {graph.nodes[m].get("tier", "") for m in members}
    if "county" in tiers and len(tiers) > 1:
        return "cross-tier (county with districts): never neighbours in the model"
    if len(members) > k:
        return f"too many members ({len(members)} > max_group_size {k})"
    if not nx.is_connected(graph.subgraph(members)):
        return "not connected in the service's neighbour graph"
    return ""


def modelled(base: CostBase, params, service: str, members: tuple) -> dict:
    """The model's valuation of one real group (whether or not it is in the candidate space)."""
    index = base.index_of(list(members))[None, :]
    vals = evaluate_whole_org(base, params, index) if service == WHOLE_ORG_LABEL else \
        evaluate(base, params, (service,), index)
    return {k: float(vals[k][0]) for k in ("population", "annual_net_saving_gbp_k", "npv_gbp_k")}
