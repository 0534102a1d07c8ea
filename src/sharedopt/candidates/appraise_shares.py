"""Myerson shares of appraised groups, as the candidate table's shares table computes them.

Each member's Myerson value (the Shapley value restricted to the links of the group's
neighbour graph), its standalone value and whether it is better off alone, from
:func:`sharedopt.candidates.batch.member_shares` on the group's own valuation
(:func:`sharedopt.candidates.batch.value_at_depth` /
:func:`sharedopt.candidates.wholeorg.value_whole_org`). Members that are not linked in the
graph (a group valued with ``allow_unconnected``) form separate components, as the
Myerson value defines. Groups of more than :data:`sharedopt.candidates.shares.MAX_GROUP_SIZE`
members get no Myerson share.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from sharedopt.candidates.appraise import GROUP, ResolvedGroup, group_graph, with_mode
from sharedopt.candidates.batch import group_table, member_shares, value_at_depth
from sharedopt.candidates.depth import depth_params
from sharedopt.candidates.groups import GroupArrays
from sharedopt.candidates.shares import MAX_GROUP_SIZE
from sharedopt.candidates.table import (
    BETTER_OFF_ALONE, CANDIDATE_ID, MEMBER, PARTNERSHIP_MODE, SHARE_SHAPLEY, STANDALONE_NPV,
    WHOLE_ORGANISATION_LABEL,
)
from sharedopt.candidates.value import CostBase
from sharedopt.candidates.wholeorg import evaluate_whole_org, overhead, value_whole_org, whole_org_table
from sharedopt.config.params import ModelParams

COLUMNS = [GROUP, CANDIDATE_ID, MEMBER, SHARE_SHAPLEY, STANDALONE_NPV, BETTER_OFF_ALONE]


def myerson_table(base: CostBase, params: ModelParams, graphs: dict, groups: list[ResolvedGroup]) -> pd.DataFrame:
    """Per group, depth and member: Myerson share, standalone NPV, better off alone (:data:`COLUMNS`)."""
    frames = []
    for group in groups:
        if len(group.codes) > MAX_GROUP_SIZE:
            continue
        for depth in group.depths:
            shares = group_myerson(base, params, graphs, group, depth)
            shares.insert(0, GROUP, group.spec.name)
            frames.append(shares[COLUMNS])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


def group_myerson(base: CostBase, params: ModelParams, graphs: dict, group: ResolvedGroup,
                  depth: str) -> pd.DataFrame:
    """The shares-table rows of one group at one depth."""
    params = with_mode(params, group.spec.mode)
    codes = list(group.codes)
    members = base.index_of(codes)[None, :]
    arrays = GroupArrays(np.array(codes, dtype=object), np.arange(len(codes), dtype=np.int32)[None, :],
                         np.array([len(codes)], dtype=np.int16))
    graph = _local_graph(group_graph(base, params, graphs, group.services), codes)
    keep = np.ones(1, dtype=bool)
    if group.whole_organisation:
        values, realisation = value_whole_org(base, params, members)
        table = whole_org_table(base, params, members, values)
        return member_shares(base, params, (WHOLE_ORGANISATION_LABEL,), graph, arrays, members, keep, realisation,
                             table, evaluator=lambda b, p, s, m, r: evaluate_whole_org(b, p, m, r),
                             weights=overhead(base, params))
    values, realisation, _ = value_at_depth(base, params, group.services, members, keep, depth)
    table = group_table(base, group.services, members, values, depth)
    mode = values[PARTNERSHIP_MODE][0]
    at_mode = depth_params(params, depth, params.readiness.mode_governance_factors.get(mode, 1.0))
    return member_shares(base, at_mode, group.services, graph, arrays, members, keep, realisation, table)


def _local_graph(graph: nx.Graph, codes: list[str]) -> nx.Graph:
    """The group's members with the links between them in ``graph`` (members outside it: no links)."""
    local = nx.Graph()
    local.add_nodes_from(codes)
    local.add_edges_from(graph.subgraph([c for c in codes if c in graph]).edges)
    return local
