"""The validity benchmark's groups: the real arrangements as named groups, and each one's
reference set (the connected groups of its size and tier class containing any of its
members), valued through the candidate table's own functions."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from sharedopt.candidates.batch import value_at_depth
from sharedopt.candidates.table import NPV, POOLED_SPEND, WHOLE_ORGANISATION, WHOLE_ORGANISATION_LABEL
from sharedopt.candidates.value import CostBase
from sharedopt.candidates.wholeorg import value_whole_org, whole_org_graph
from sharedopt.config.groups import GroupSpec
from sharedopt.config.schema import load_config
from sharedopt.data.arrangements import ARRANGEMENTS_FILE, load_arrangements


def blank_sheet_config(path: Path, model_updates: dict | None = None, keep_prior_uplift: bool = False):
    """The config with the status quo off and every group listed (no column generation).

    ``model_updates``: ``[model]`` settings to change first (a sensitivity run), validated.
    Unless ``keep_prior_uplift``, the prior-collaboration uplift is 0: it lifts any group two
    of whose members share a real arrangement, i.e. every real arrangement being tested, so
    testing them with it would be circular.
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


def arrangement_table() -> pd.DataFrame:
    """One row per real arrangement and model service, with its group name for the appraisal.

    Shared chief executive / management teams (``intended_kind = whole_organisation``) are
    whole-organisation groups; the rest share their model service.
    """
    arr = load_arrangements().reset_index(drop=True)
    whole = arr["intended_kind"] == WHOLE_ORGANISATION
    arr["model_service"] = np.where(whole, WHOLE_ORGANISATION_LABEL, arr["service"])
    arr["group"] = arr["arrangement"] + " | " + arr["model_service"]
    return arr


def arrangement_specs(arr: pd.DataFrame) -> list[GroupSpec]:
    """The arrangements as named groups: their members and service, the model's default mode and depths."""
    return [GroupSpec(row.group, tuple(row.members), (row.model_service,), None, None,
                      f"{ARRANGEMENTS_FILE}, {row.arrangement}") for row in arr.itertuples(index=False)]


def out_of_space(members: tuple, service: str, graph: nx.Graph, k: int) -> str:
    """Why the candidate table would not list a group ('' when it would, given a positive NPV)."""
    absent = [m for m in members if m not in graph]
    if absent:
        return f"member(s) not in the {service} neighbour graph: {', '.join(absent)}"
    if len(members) > k:
        return f"too many members ({len(members)} > {k})"
    if not nx.is_connected(graph.subgraph(members)):
        return "not connected neighbours"
    return ""


def service_graph(base: CostBase, params, graphs: dict, service: str) -> nx.Graph:
    """The neighbour graph the candidate table enumerates a service's (or whole-organisation) groups on."""
    if service == WHOLE_ORGANISATION_LABEL:
        return whole_org_graph(base, graphs, params.whole_org_tiers)
    return graphs.get(service, nx.Graph())


def anchored_groups(graph: nx.Graph, anchors, size: int, limit: int) -> list[tuple] | None:
    """Every connected group of ``size`` nodes containing at least one of ``anchors``, each once.

    ESU (Wernicke 2006) rooted at each anchor in turn, on the graph without the anchors
    already used as roots (so a group with two anchors is listed once). None when there
    are more than ``limit`` groups.
    """
    out: list[tuple] = []
    used: set = set()
    for root in sorted(a for a in anchors if a in graph):
        sub = graph.subgraph([n for n in graph if n not in used])
        for group in _rooted(sub, root, size):
            out.append(tuple(sorted(group)))
            if len(out) > limit:
                return None
        used.add(root)
    return out


def _rooted(graph: nx.Graph, root, size: int):
    """Connected groups of ``size`` nodes containing ``root`` (ESU with ``root`` as the smallest node)."""
    def extend(members: tuple, ext: list, closed: set):
        if len(members) == size:
            yield members
            return
        ext = list(ext)
        while ext:
            w = ext.pop()
            new = [u for u in graph[w] if u not in closed]
            yield from extend(members + (w,), ext + new, closed | set(graph[w]) | {w})

    yield from extend((root,), [u for u in graph[root]], set(graph[root]) | {root})


def tier_class(base: CostBase, codes) -> tuple[str, ...]:
    """The tier classes of a group's members (sorted, distinct)."""
    idx = base.index_of(list(codes))
    return tuple(sorted(set(base.tier[idx].tolist()))) if base.tier is not None else ("single-tier",)


def value_members(base: CostBase, params, service: str, codes: list[tuple]) -> pd.DataFrame:
    """NPV and pooled spend of groups (code tuples), each at its best offered depth, as the table values them."""
    members = np.array([base.index_of(list(c)) for c in codes], dtype=np.int64)
    if service == WHOLE_ORGANISATION_LABEL:
        values, _ = value_whole_org(base, params, members)
        return pd.DataFrame({NPV: values[NPV], POOLED_SPEND: values[POOLED_SPEND]})
    best = None
    for depth in params.depths:
        values, _, _ = value_at_depth(base, params, (service,), members,
                                      np.ones(len(members), dtype=bool), depth)
        frame = pd.DataFrame({NPV: values[NPV], POOLED_SPEND: values[POOLED_SPEND]})
        best = frame if best is None else frame.where(frame[NPV] > best[NPV], best)
    return best


def reference_rates(base: CostBase, params, graphs: dict, service: str, codes: tuple, limit: int) -> dict:
    """The NPV per £ pooled of a real group's reference set, or why there is none."""
    graph = service_graph(base, params, graphs, service)
    wanted = tier_class(base, codes)
    groups = anchored_groups(graph, codes, len(codes), limit)
    if groups is None:
        return {"rates": None, "why": f"more than {limit:,} reference groups"}
    own = tuple(sorted(codes))
    groups = [g for g in groups if g != own and tier_class(base, g) == wanted]
    if not groups:
        return {"rates": None, "why": "no connected group of its size and tier class"}
    valued = value_members(base, params, service, groups)
    valued = valued[valued[POOLED_SPEND] > 0]
    return {"rates": (valued[NPV] / valued[POOLED_SPEND]).to_numpy(dtype=float), "why": ""}
