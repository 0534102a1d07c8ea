"""Candidate collaborations: scale (one service, a connected group) and scope (two services).

:func:`build_candidates` enumerates every connected group of 2..k delivering
bodies in each service's neighbour graph (ESU, each set once), every within-
authority pair of complementary services, and complementary pairs across connected
groups (scale+scope); values each with :mod:`sharedopt.candidates.value`; keeps those with a
positive NPV (the rest are counted as pruned); and splits each kept candidate's NPV
between its members, proportionally to spend and by the Myerson value
(:mod:`sharedopt.candidates.batch`). When there are too many scale groups to list, an
injected generator (column generation, :mod:`sharedopt.solve.generate`) finds them instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import networkx as nx
import pandas as pd

from sharedopt.candidates.batch import value_groups
from sharedopt.candidates.enumerate import connected_groups
from sharedopt.candidates.finish import finish_table
from sharedopt.candidates.graphs import intersection_graph, service_graphs
from sharedopt.candidates.table import (
    CANDIDATE_ID, ID_CODE_SEPARATOR, KIND, MEMBER, SCALE, SCOPE, CandidateSet,
)
from sharedopt.candidates.poolable import with_status_quo
from sharedopt.candidates.value import CostBase
from sharedopt.candidates.wholeorg import whole_org_candidates
from sharedopt.config.params import ModelParams

Progress = Callable[[str, int], None]


class ScaleGenerator(Protocol):
    """What :func:`build_candidates` needs of a scale-candidate generator (column generation).

    ``plan`` decides whether to generate (an object with ``generate``, ``counts``,
    ``exact``, ``reason``; it may raise ``ConfigError``); ``generate`` returns
    ``(tables, shares, stats, generation)`` for the scale candidates.
    """

    def plan(self, graphs: dict, params: ModelParams, constraints): ...

    def generate(self, base: CostBase, params: ModelParams, constraints, graphs: dict,
                 tables: list[pd.DataFrame], plan, with_shares: bool, progress=None, solver=None): ...


@dataclass
class _Batches:
    """Tables, shares and enumeration stats collected batch by batch, with progress reports."""

    progress: Progress | None
    tables: list = field(default_factory=list)
    shares: list = field(default_factory=list)
    stats: list = field(default_factory=list)

    def add(self, label: str, table: pd.DataFrame, share: pd.DataFrame, stat: dict) -> None:
        self.tables.append(table), self.shares.append(share), self.stats.append(stat)
        if self.progress is not None:
            self.progress(label, sum(len(t) for t in self.tables))


def build_candidates(authorities, costs: pd.DataFrame, params: ModelParams | None = None, *,
                     links=None, services: list[str] | None = None, with_shares: bool = True,
                     graphs: dict | None = None, progress: Progress | None = None,
                     constraints=None, solver=None, generator: ScaleGenerator | None = None) -> CandidateSet:
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
    constraints : Constraints, optional
        Portfolio constraints. Needed for column generation (``params.candidates``
        'auto' or 'generate'): without them every group is enumerated.
    solver : SolverOptions, optional
        Solver settings for the MIPs inside column generation (threads, seed).
    generator : ScaleGenerator, optional
        Column generation (:class:`sharedopt.solve.generate.ColumnGenerator`); without
        it every group is enumerated.

    Returns
    -------
    CandidateSet
        ``table`` columns: :data:`sharedopt.candidates.table.CANDIDATE_COLUMNS`, then the
        readiness checklist.

    Raises
    ------
    ValueError
        ``params.candidates`` is 'generate' and no ``generator`` is given.
    """
    params = params or ModelParams()
    base = with_status_quo(CostBase.from_frames(authorities, costs, params), constraints)
    graphs = graphs if graphs is not None else service_graphs(authorities, costs, params, links, services)
    plan = _generation_plan(generator, graphs, params, constraints)
    batches = _Batches(progress)
    if params.include_scale and not (plan and plan.generate):
        _enumerate_scale(base, params, graphs, with_shares, batches)
    if params.include_scope:
        _enumerate_scope(base, params, graphs, with_shares, batches)
    if params.whole_organisation:
        batches.add("whole organisation", *whole_org_candidates(base, params, graphs, with_shares))
    generation = None
    if plan and plan.generate:
        generation = _generate_scale(generator, base, params, constraints, graphs, plan, with_shares, batches,
                                     solver)
    return _candidate_set(batches, params, base, graphs, generation)


def _generation_plan(generator: ScaleGenerator | None, graphs: dict, params: ModelParams, constraints):
    """The generator's plan, or None when every group is enumerated."""
    if generator is None and params.candidates == "generate":
        raise ValueError("[model] candidates = \"generate\" needs a column generator: pass "
                         "generator=sharedopt.solve.generate.ColumnGenerator() to build_candidates")
    if generator is None or not params.include_scale or constraints is None or params.candidates == "enumerate":
        return None
    return generator.plan(graphs, params, constraints)


def _enumerate_batch(base: CostBase, params: ModelParams, services: tuple[str, ...], graph: nx.Graph,
                     min_size: int, max_size: int, with_shares: bool) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Enumerate, value, prune and share the candidates of one service (pair)."""
    start = time.perf_counter()
    groups = connected_groups(graph, max_size, min_size=min_size) if len(graph) else None
    table, shares, stats = value_groups(base, params, services, graph, groups, with_shares)
    stats["seconds"] = time.perf_counter() - start
    return table, shares, stats


def _enumerate_scale(base: CostBase, params: ModelParams, graphs: dict, with_shares: bool,
                     batches: _Batches) -> None:
    """Every connected group of 2..max_group_size bodies of each service."""
    for service, graph in sorted(graphs.items()):
        table, share, stat = _enumerate_batch(base, params, (service,), graph, 2, params.max_group_size,
                                              with_shares)
        stat[KIND] = SCALE
        batches.add(service, table, share, stat)


def _enumerate_scope(base: CostBase, params: ModelParams, graphs: dict, with_shares: bool,
                     batches: _Batches) -> None:
    """Every connected group of 1..scope_max_group_size bodies delivering both services of a scope pair."""
    for pair in params.scope_pairs:
        if all(s in graphs for s in pair.services):
            graph = intersection_graph(graphs[pair.services[0]], graphs[pair.services[1]])
            table, share, stat = _enumerate_batch(base, params, pair.services, graph, 1,
                                                  params.scope_max_group_size, with_shares)
            stat[KIND] = SCOPE
            batches.add(ID_CODE_SEPARATOR.join(pair.services), table, share, stat)


def _generate_scale(generator: ScaleGenerator, base: CostBase, params: ModelParams, constraints, graphs: dict,
                    plan, with_shares: bool, batches: _Batches, solver):
    """Scale candidates by column generation, put before the other batches; returns the generation report."""
    def report_round(rounds, columns, lp, bound):
        if batches.progress is not None:
            batches.progress(f"column generation round {rounds} (LP {lp:,.0f}, bound {bound:,.0f})", columns)

    tables, shares, stats, generation = generator.generate(
        base, params, constraints, graphs, batches.tables, plan, with_shares, report_round, solver)
    for stat in stats:
        stat[KIND] = SCALE
    batches.tables, batches.shares, batches.stats = (tables + batches.tables, shares + batches.shares,
                                                     stats + batches.stats)
    return generation


def _candidate_set(batches: _Batches, params: ModelParams, base: CostBase, graphs: dict,
                   generation) -> CandidateSet:
    """The collected batches as one finished table, sorted shares and the enumeration report."""
    tables, shares = batches.tables, batches.shares
    table = finish_table(pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(), params, base)
    share = pd.concat(shares, ignore_index=True) if shares else pd.DataFrame()
    if len(share):
        share = share.sort_values([CANDIDATE_ID, MEMBER]).reset_index(drop=True)
    return CandidateSet(table, share, pd.DataFrame(batches.stats), graphs, generation)
