"""Candidates named by id (forced ones that pruning left out): parse the id, value the group.

An id is ``"<service>[+<service>]|<code>[+<code>...]"``, optionally ``@<depth>``
(:mod:`sharedopt.candidates.depth`); whole-organisation ids are ``Whole_Organisation|code+code``.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from sharedopt.config.params import ModelParams
from sharedopt.candidates.value import CostBase, evaluate


def ensure_candidates(candidates: CandidateSet, ids: list[str], authorities, costs: pd.DataFrame,
                      params: ModelParams) -> CandidateSet:
    """Add candidates named by id (e.g. forced ones) that pruning left out.

    An id is ``"<service>[+<service>]|<code>[+<code>...]"``. A candidate whose NPV was
    not positive is normally pruned; forcing it brings it back with its real value.
    """
    from sharedopt.common.errors import ConfigError
    from sharedopt.candidates.build import CandidateSet, _finish, intersection_graph

    known = set(candidates.table["candidate_id"]) if len(candidates.table) else set()
    missing = [cid for cid in ids if cid not in known]
    if not missing:
        return candidates
    base = CostBase.from_frames(authorities, costs, params)
    rows = []
    for cid in missing:
        if cid.startswith("Whole_Organisation|"):
            from sharedopt.candidates.wholeorg import forced_whole_org
            rows.append(forced_whole_org(cid, base, params, candidates.graphs))
            continue
        services, members, depth = _parse_id(cid, base, params)
        graph = candidates.graphs.get(services[0]) if len(services) == 1 else intersection_graph(
            candidates.graphs[services[0]], candidates.graphs[services[1]])
        codes = list(base.codes[members])
        if graph is None or not all(c in graph for c in codes) or not nx.is_connected(graph.subgraph(codes)):
            raise ConfigError(f"[constraints] forced: candidate '{cid}' is not a connected group of "
                              "bodies delivering its service(s); check the id (see candidates.csv)")
        rows.append(_forced_row(base, params, services, members, depth, cid))
    table = _finish(pd.concat([candidates.table, *rows], ignore_index=True), params, base)
    return CandidateSet(table, candidates.shares, candidates.enumeration, candidates.graphs,
                        candidates.generation)


def _forced_row(base: CostBase, params: ModelParams, services, members: np.ndarray, depth: str,
                cid: str) -> pd.DataFrame:
    """One forced candidate valued at its depth, with its checklist columns."""
    from sharedopt.candidates.depth import depth_params, with_depth
    from sharedopt.candidates.readiness import candidate_realisation

    factor, checklist = candidate_realisation(base, params, services, members[None, :], depth)
    if cid in params.realisation_overrides:
        factor = np.array([params.realisation_factor(cid) * params.depth_settings[depth].realisation])
    mode = checklist["partnership_mode"][0]
    dparams = depth_params(params, depth, params.readiness.mode_governance_factors.get(mode, 1.0))
    values = {**evaluate(base, dparams, services, members[None, :], factor), **checklist}
    kind = "scale" if len(services) == 1 else ("scope" if len(members) == 1 else "scale+scope")
    from sharedopt.candidates.build import _table

    table = _table(base, services, members[None, :], values, np.array([kind], dtype=object))
    table["candidate_id"] = [with_depth(c, depth) for c in table["candidate_id"]]
    return table


def _parse_id(cid: str, base: CostBase, params: ModelParams | None = None) -> tuple[tuple[str, ...], np.ndarray, str]:
    """``(services, member indices, depth)`` of an id ``Service[+Service]|code+code[@depth]``."""
    from sharedopt.candidates.depth import split_id
    from sharedopt.common.errors import ConfigError

    try:
        plain, depth = split_id(cid)
        service_part, member_part = plain.split("|")
        services = tuple(service_part.split("+"))
        members = base.index_of(sorted(member_part.split("+")))
        for s in services:
            base.service_index(s)
        if params is not None and depth not in params.depth_settings:
            raise KeyError(depth)
    except (ValueError, KeyError):
        raise ConfigError(f"[constraints] forced: '{cid}' is not a candidate id of this region "
                          "(format 'Service|E06000001+E06000002', optionally '@depth' such as "
                          "'@pooled'; see candidates.csv)") from None
    return services, members, depth
