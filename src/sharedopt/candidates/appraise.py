"""Value named groups exactly as the candidate table values them, none pruned.

A named group (:class:`sharedopt.config.groups.GroupSpec`) is resolved against the
region (members by GSS code or council name, services by name) and valued through the
same functions as the candidate table: :func:`sharedopt.candidates.batch.value_at_depth`
(realisation, readiness checklist, depth, partnership mode and its governance factor,
then :func:`sharedopt.candidates.value.evaluate`) for one or two services,
:func:`sharedopt.candidates.wholeorg.value_whole_org` for ``Whole_Organisation``, then
:func:`sharedopt.candidates.finish.finish_table` (per-candidate realisation overrides).
So a group that the candidate table lists gets the table's row, bit for bit; a
loss-making group (the table prunes it), a group larger than ``max_group_size``, a group
beyond its service's maximum span or (when asked) members that are not connected
neighbours are valued all the same, with a note saying why the table would not list it.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from sharedopt.candidates.batch import group_table, max_span, value_at_depth
from sharedopt.candidates.finish import finish_table
from sharedopt.candidates.graphs import intersection_graph
from sharedopt.candidates.readiness import MODE_PARTS
from sharedopt.candidates.table import NPV, WHOLE_ORGANISATION_LABEL
from sharedopt.candidates.value import CostBase, span_km
from sharedopt.candidates.wholeorg import value_whole_org, whole_org_graph, whole_org_table
from sharedopt.common.errors import ConfigError
from sharedopt.common.literal import clean
from sharedopt.common.suggest import did_you_mean
from sharedopt.config.assumptions import WHOLE_ORG_DEPTH
from sharedopt.config.groups import MODES, GroupSpec
from sharedopt.config.params import ModelParams

GROUP = "group"
NOTES = "notes"


@dataclass(frozen=True)
class ResolvedGroup:
    """A group spec resolved against the region: sorted member codes, services, depths, notes."""

    spec: GroupSpec
    codes: tuple[str, ...]
    services: tuple[str, ...]
    depths: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def whole_organisation(self) -> bool:
        """Whether the group shares its whole organisation (management team and back office)."""
        return self.services == (WHOLE_ORGANISATION_LABEL,)


def resolve_groups(specs: list[GroupSpec], base: CostBase, params: ModelParams, graphs: dict,
                   names: dict[str, str], allow_unconnected: bool = False) -> list[ResolvedGroup]:
    """Resolve every spec (members, services, depth) and say where the candidate table would differ.

    Parameters
    ----------
    specs : list of GroupSpec
    base : CostBase
    params : ModelParams
    graphs : dict
        The run's service neighbour graphs.
    names : dict
        GSS code -> council name (names are accepted for members).
    allow_unconnected : bool
        Value members that are not connected neighbours for the service (with a note);
        otherwise refuse them.

    Raises
    ------
    ConfigError
        Unknown member or service, a member named twice (by code and by name), an unknown
        depth, or (unless ``allow_unconnected``) members that are not connected neighbours.
    """
    return [_resolve(spec, base, params, graphs, names, allow_unconnected) for spec in specs]


def _resolve(spec: GroupSpec, base: CostBase, params: ModelParams, graphs: dict, names: dict[str, str],
             allow_unconnected: bool) -> ResolvedGroup:
    codes = _member_codes(spec, base, names)
    services = _services(spec, base, params)
    whole = services == (WHOLE_ORGANISATION_LABEL,)
    if len(codes) < 2 and (whole or len(services) == 1):
        raise spec.fail("members", f"{len(codes)} member; a group sharing one service (or its whole "
                                   "organisation) needs two or more councils")
    depths = _depths(spec, params, whole)
    notes = _space_notes(spec, base, params, graphs, codes, services, allow_unconnected)
    return ResolvedGroup(spec, tuple(codes), services, depths, tuple(notes))


def _member_codes(spec: GroupSpec, base: CostBase, names: dict[str, str]) -> list[str]:
    known = set(base.codes.tolist())
    by_name = {}
    for code, name in names.items():
        by_name.setdefault(" ".join(str(name).lower().split()), []).append(code)
    out = []
    for token in spec.members:
        code = token.upper() if token.upper() in known else None
        hits = by_name.get(" ".join(token.lower().split()), [])
        if code is None and len(hits) > 1:
            raise spec.fail("members", f"{clean(token)!r} names {len(hits)} councils ({', '.join(sorted(hits))}); "
                                       "give the GSS code")
        code = code or (hits[0] if hits else None)
        if code is None:
            raise spec.fail("members", f"{clean(token)!r} is not a GSS code or council name of this region"
                                       f"{did_you_mean(token, sorted(known), names)}")
        if code in out:
            raise spec.fail("members", f"{clean(token)!r} is {code}, already listed; list each member once")
        out.append(code)
    return sorted(out)


def _services(spec: GroupSpec, base: CostBase, params: ModelParams) -> tuple[str, ...]:
    known = [s for s in base.services if s in params.services and params.services[s].eligible]
    if spec.services == (WHOLE_ORGANISATION_LABEL,):
        return spec.services
    for s in spec.services:
        if s not in known:
            raise spec.fail("services", f"{clean(s)!r} is not a service of this run; use one of "
                                        f"{', '.join(known)} or {WHOLE_ORGANISATION_LABEL}"
                                        f"{did_you_mean(s, known + [WHOLE_ORGANISATION_LABEL])}")
    if len(set(spec.services)) != len(spec.services):
        raise spec.fail("services", f"{clean(spec.services[0])!r} is listed twice; list each service once")
    return tuple(sorted(spec.services)) if len(spec.services) == 2 else spec.services


def _depths(spec: GroupSpec, params: ModelParams, whole: bool) -> tuple[str, ...]:
    if whole:
        if spec.depth not in (None, WHOLE_ORG_DEPTH):
            raise spec.fail("depth", f"{clean(spec.depth)!r}: a whole-organisation group has one depth, "
                                     f"{WHOLE_ORG_DEPTH}; leave it blank")
        return (WHOLE_ORG_DEPTH,)
    if spec.depth is None:
        return tuple(params.depths)
    if spec.depth not in params.depth_settings:
        raise spec.fail("depth", f"{clean(spec.depth)!r} is not a depth; use one of "
                                 f"{', '.join(params.depth_settings)}")
    return (spec.depth,)


def group_graph(base: CostBase, params: ModelParams, graphs: dict, services: tuple[str, ...]) -> nx.Graph:
    """The neighbour graph the candidate table enumerates the group's kind on."""
    if services == (WHOLE_ORGANISATION_LABEL,):
        return whole_org_graph(base, graphs, params.whole_org_tiers)
    if len(services) == 1:
        return graphs.get(services[0], nx.Graph())
    if all(s in graphs for s in services):
        return intersection_graph(graphs[services[0]], graphs[services[1]])
    return nx.Graph()


def _space_notes(spec, base, params, graphs, codes, services, allow_unconnected) -> list[str]:
    """Why the candidate table would not list this group (empty: it would, if its NPV is positive)."""
    graph = group_graph(base, params, graphs, services)
    absent = [c for c in codes if c not in graph]
    whole = services == (WHOLE_ORGANISATION_LABEL,)
    connected = not absent and len(codes) > 0 and nx.is_connected(graph.subgraph(codes))
    notes = []
    if not connected:
        what = (f"{', '.join(absent)} not in the neighbour graph (" + (
            "not of a whole-organisation tier class)" if whole else "not delivering the service)")) if absent \
            else "members not connected neighbours"
        if not allow_unconnected:
            raise spec.fail("members", f"{what}: the candidate table never lists this group; add "
                                       "--allow-unconnected (Python: allow_unconnected=True) to value it anyway")
        notes.append(f"valued on request although {what}: the candidate table never lists it")
    if whole and not params.whole_organisation:
        notes.append("whole-organisation candidates are off in this config ([model] whole_organisation)")
    limit = params.whole_org_max_group_size if whole else (
        params.max_group_size if len(services) == 1 else params.scope_max_group_size)
    if len(codes) > limit:
        notes.append(f"{len(codes)} members, more than the candidate table's {limit}")
    span_limit = None if whole else max_span(params, services)
    if span_limit is not None:
        span = float(span_km(base.lon, base.lat, base.index_of(codes)[None, :])[0])
        if span > span_limit:
            notes.append(f"span {span:,.0f} km beyond the service's maximum {span_limit:,.0f} km")
    return notes


def with_mode(params: ModelParams, mode: str | None) -> ModelParams:
    """``params`` with every candidate's partnership mode set to ``mode`` (None: unchanged).

    The same setting as ``[model.realisation] mode/relationship`` for the whole run.
    """
    if mode is None:
        return params
    if mode not in MODES:
        raise ConfigError(f"partnership mode {clean(mode)!r}: use one of {', '.join(MODES)}")
    legal, basis = MODE_PARTS[mode]
    rule = params.realisation.model_copy(update={"mode": legal, "relationship": basis})
    return params.model_copy(update={"realisation": rule})


def value_group(base: CostBase, params: ModelParams, group: ResolvedGroup, depth: str) -> pd.DataFrame:
    """The candidate-table row of one resolved group at one depth (never pruned)."""
    params = with_mode(params, group.spec.mode)
    members = base.index_of(list(group.codes))[None, :]
    if group.whole_organisation:
        values, _ = value_whole_org(base, params, members)
        table = whole_org_table(base, params, members, values)
    else:
        values, _, _ = value_at_depth(base, params, group.services, members, np.ones(1, dtype=bool), depth)
        table = group_table(base, group.services, members, values, depth)
    return finish_table(table, params, base)


def appraise_groups(base: CostBase, params: ModelParams, groups: list[ResolvedGroup]) -> pd.DataFrame:
    """One row per group and depth: ``group``, the candidate-table columns, ``notes``.

    Rows keep the order of ``groups`` (then of the depths); a loss-making group has its
    negative NPV, and ``notes`` says where the candidate table would not list it
    (pruned as loss-making, too large, beyond the span, not connected).
    """
    rows = []
    for group in groups:
        for depth in group.depths:
            row = value_group(base, params, group, depth)
            notes = list(group.notes)
            if not group.whole_organisation and depth not in params.depths:
                notes.append(f"depth {depth} not offered by [model] depths: the candidate table has no row at it")
            if not float(row[NPV].iloc[0]) > 0:
                notes.append("NPV not positive: the candidate table prunes it")
            row.insert(0, GROUP, group.spec.name)
            row[NOTES] = "; ".join(notes)
            rows.append(row)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
