"""Candidates named by id (forced ones that pruning left out): parse the id, value the group.

An id is ``"<service>[+<service>]|<code>[+<code>...]"``, optionally ``@<depth>``
(:mod:`sharedopt.candidates.table`); whole-organisation ids are ``Whole_Organisation|code+code``.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from sharedopt.candidates.batch import group_table
from sharedopt.candidates.depth import depth_params
from sharedopt.candidates.finish import finish_table
from sharedopt.candidates.graphs import intersection_graph
from sharedopt.candidates.readiness import candidate_realisation
from sharedopt.candidates.table import (
    CANDIDATE_ID, ID_PART_SEPARATOR, PARTNERSHIP_MODE, WHOLE_ORGANISATION_LABEL, CandidateSet, parse_id,
)
from sharedopt.candidates.poolable import with_status_quo
from sharedopt.candidates.value import CostBase, evaluate
from sharedopt.candidates.wholeorg import forced_whole_org
from sharedopt.common.errors import ConfigError
from sharedopt.config.params import ModelParams


def ensure_candidates(candidates: CandidateSet, ids: list[str], authorities, costs: pd.DataFrame,
                      params: ModelParams, constraints=None) -> CandidateSet:
    """Add candidates named by id (e.g. forced ones) that pruning left out.

    An id is ``"<service>[+<service>]|<code>[+<code>...]"``. A candidate whose NPV was
    not positive is normally pruned; forcing it brings it back with its real value
    (net of what existing function-level arrangements in ``constraints`` already pool).
    """
    if not ids:   # the usual case: no set of every id to build (0.1 s of an England draw)
        return candidates
    known = set(candidates.table[CANDIDATE_ID]) if len(candidates.table) else set()
    missing = [cid for cid in ids if cid not in known]
    if not missing:
        return candidates
    base = with_status_quo(CostBase.from_frames(authorities, costs, params), constraints)
    rows = [_named_row(cid, base, params, candidates.graphs) for cid in missing]
    table = finish_table(pd.concat([candidates.table, *rows], ignore_index=True), params, base)
    return CandidateSet(table, candidates.shares, candidates.enumeration, candidates.graphs,
                        candidates.generation)


def _named_row(cid: str, base: CostBase, params: ModelParams, graphs: dict) -> pd.DataFrame:
    """The valued row of the candidate ``cid``, after checking it is a connected group of its service(s)."""
    if cid.startswith(WHOLE_ORGANISATION_LABEL + ID_PART_SEPARATOR):
        return forced_whole_org(cid, base, params, graphs)
    services, members, depth = _parse_id(cid, base, params)
    graph = graphs.get(services[0]) if len(services) == 1 else intersection_graph(
        graphs[services[0]], graphs[services[1]])
    codes = list(base.codes[members])
    if graph is None or not all(c in graph for c in codes) or not nx.is_connected(graph.subgraph(codes)):
        raise ConfigError(f"[constraints] forced: candidate '{cid}' is not a connected group of "
                          "bodies delivering its service(s); check the id (see candidates.csv)",
                          setting=("constraints", "forced"))
    return _forced_row(base, params, services, members, depth, cid)


def _forced_row(base: CostBase, params: ModelParams, services, members: np.ndarray, depth: str,
                cid: str) -> pd.DataFrame:
    """One forced candidate valued at its depth, with its checklist columns."""
    factor, checklist = candidate_realisation(base, params, services, members[None, :], depth)
    if cid in params.realisation_overrides:
        factor = np.array([params.realisation_factor(cid) * params.depth_settings[depth].realisation])
    mode = checklist[PARTNERSHIP_MODE][0]
    dparams = depth_params(params, depth, params.readiness.mode_governance_factors.get(mode, 1.0))
    values = {**evaluate(base, dparams, services, members[None, :], factor), **checklist}
    return group_table(base, services, members[None, :], values, depth)


def _parse_id(cid: str, base: CostBase, params: ModelParams | None = None) -> tuple[tuple[str, ...], np.ndarray, str]:
    """``(services, member indices, depth)`` of an id ``Service[+Service]|code+code[@depth]``."""
    try:
        services, codes, depth = parse_id(cid)
        members = base.index_of(sorted(codes))
        for s in services:
            base.service_index(s)
        if params is not None and depth not in params.depth_settings:
            raise KeyError(depth)
    except (ValueError, KeyError):
        raise ConfigError(f"[constraints] forced: '{cid}' is not a candidate id of this region "
                          "(format 'Service|E06000001+E06000002', optionally '@depth' such as "
                          "'@pooled'; see candidates.csv)", setting=("constraints", "forced")) from None
    return services, members, depth
