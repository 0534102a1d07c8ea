"""Scale candidates by column generation, end to end (:class:`ColumnGenerator`, injected into
:func:`sharedopt.candidates.build.build_candidates`)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from sharedopt.candidates.batch import value_at_depth, value_groups, within_span
from sharedopt.candidates.table import MEMBERS, NPV, ONE_OFF_COST, SERVICES, split_codes
from sharedopt.candidates.value import CostBase, span_km
from sharedopt.config.params import ModelParams
from sharedopt.solve.budget import Budget
from sharedopt.solve.generate.close import CLOSE_CAP, close_gap, master_incumbent
from sharedopt.solve.generate.master import Generation, column_generation
from sharedopt.solve.generate.plan import GenerationPlan, plan_generation
from sharedopt.solve.generate.pricer import ServicePricer, groups_to_local, initial_groups, to_global


def _table_columns(base: CostBase, table: pd.DataFrame, width: int) -> tuple:
    """Valued candidates of a table as master columns ``(members, service_idx, npv, one_off)``."""
    members = np.full((len(table), width), -1, dtype=np.int64)
    for i, text in enumerate(table[MEMBERS].tolist()):
        idx = base.index_of(split_codes(text))
        members[i, :len(idx)] = idx
    services = [tuple(base.service_index(s) for s in split_codes(text)) for text in table[SERVICES].tolist()]
    return (members, np.array(services, dtype=np.int64), table[NPV].to_numpy(float),
            table[ONE_OFF_COST].to_numpy(float), None)


def generate_scale_candidates(base: CostBase, params: ModelParams, constraints, graphs: dict,
                              scope_tables: list[pd.DataFrame], plan: GenerationPlan, with_shares: bool,
                              progress=None, solver=None, budget: Budget | None = None):
    """Scale candidates by column generation; returns ``(tables, shares, stats, Generation)``.

    It stops at ``params.generation_time_limit`` or when the run's ``budget`` is spent,
    whichever comes first (the note then says the time budget stopped it).
    """
    t0 = time.perf_counter()
    k, seed_size = params.max_group_size, min(params.generation_seed_size, params.max_group_size)
    pricers = {s: ServicePricer(base, params, s, g, k, seed_size) for s, g in sorted(graphs.items()) if len(g)}
    initial, seeds = _seed_columns(base, params, graphs, pricers)
    initial += _scope_columns(base, params, scope_tables)
    budget = budget or Budget()
    limit = budget.limit(params.generation_time_limit)
    cut = budget.cuts(params.generation_time_limit)
    with budget.charging():
        generated, generation, master = column_generation(
            base, params, constraints, list(pricers.values()), initial, time_limit=limit, progress=progress,
            solver=solver)
        closed, close_note = False, ""
        if generation.complete:
            closed, close_note = _close(base, params, pricers, master, generated, plan, limit, t0)
    if cut and not generation.complete and generation.seconds >= limit:
        close_note += "; stopped by the run's time budget ([solver] time_limit)"
    tables, shares, stats = _value_generated(base, params, graphs, pricers, seeds, generated, plan, with_shares)
    generation = Generation(generation.lp_bound, generation.lp_objective, generation.complete,
                            generation.rounds, generation.columns, closed, dict(plan.counts),
                            dict(plan.exact), time.perf_counter() - t0,
                            f"{plan.reason}; {generation.note}{close_note}")
    return tables, shares, stats, generation


def _seed_columns(base: CostBase, params: ModelParams, graphs: dict, pricers: dict) -> tuple[list, dict]:
    """The small scale groups (2..seed_size) with a positive NPV at some depth: master columns
    (one per group and depth), and per service the groups."""
    initial, seeds = [], {}
    for service, pricer in pricers.items():
        members = to_global(initial_groups(pricer, graphs[service]), pricer, params.max_group_size)
        spans = span_km(base.lon, base.lat, members)
        within = within_span(params, (service,), spans)
        kept = np.zeros(len(members), dtype=bool)
        for d, depth in enumerate(params.depths):
            values, _, keep = value_at_depth(base, params, (service,), members, within, depth, spans)
            kept |= keep
            initial.append((members[keep], np.full((int(keep.sum()), 1), base.service_index(service)),
                            values[NPV][keep], values[ONE_OFF_COST][keep], np.full(int(keep.sum()), d)))
        seeds[service] = members[kept]
    return initial, seeds


def _scope_columns(base: CostBase, params: ModelParams, scope_tables: list[pd.DataFrame]) -> list:
    """The already valued (scope) candidates as master columns, one block per services cell."""
    out = []
    for table in scope_tables:
        if len(table):
            for _, part in table.groupby(SERVICES, sort=True):
                out.append(_table_columns(base, part, params.scope_max_group_size))
    return out


def _close(base: CostBase, params: ModelParams, pricers: dict, master, generated: dict, plan: GenerationPlan,
           limit, t0: float) -> tuple[bool, str]:
    """Add every group that could beat a greedy incumbent (into ``generated``); returns (closed, note).

    Tried only when the whole space (connected groups times depths) is at most
    :data:`~sharedopt.solve.generate.close.CLOSE_CAP`, so it always fits; on a larger space
    the groups that could beat even a good incumbent run into millions, and the run's gap is
    against the LP bound over all groups instead.
    """
    space = sum(plan.counts.values()) * len(params.depths)
    if not all(plan.exact.values()) or space > CLOSE_CAP:
        return False, (f"; not closed: {'more than ' if not all(plan.exact.values()) else ''}{space:,} groups "
                       f"and depths in all, over the {CLOSE_CAP:,} that closing the gap may add, so the gap is "
                       "against the LP bound over all groups")
    left = (limit - (time.perf_counter() - t0)) if limit is not None else 60.0
    z = master_incumbent(master)
    extra = close_gap(base, params, list(pricers.values()), master, z, CLOSE_CAP,
                      time.perf_counter() + max(left, 1.0))
    if extra is None:
        return False, f"; not closed: time ran out adding the groups that could beat the incumbent {z:,.1f}"
    added = sum(len(g) for g in extra.values())
    for service, groups in extra.items():
        generated[service] = np.vstack([generated[service], groups]) if len(generated[service]) else groups
    return True, (f"; closed: {added:,} more groups could beat the incumbent {z:,.1f} "
                  "(reduced cost above incumbent - bound) and were added, so the MIP is exact")


def _value_generated(base: CostBase, params: ModelParams, graphs: dict, pricers: dict, seeds: dict,
                     generated: dict, plan: GenerationPlan, with_shares: bool) -> tuple[list, list, list]:
    """Value, prune and share each service's seed and generated groups (as enumerated ones are)."""
    tables, shares, stats = [], [], []
    for service, pricer in pricers.items():
        start = time.perf_counter()
        found = generated.get(service)
        allg = seeds[service] if found is None or not len(found) else np.unique(np.vstack([seeds[service], found]),
                                                                                axis=0)
        table, share, stat = value_groups(base, params, (service,), graphs[service],
                                          groups_to_local(allg, pricer), with_shares)
        stat.update(seconds=time.perf_counter() - start, method="generated",
                    groups_counted=plan.counts.get(service), count_exact=plan.exact.get(service))
        tables.append(table), shares.append(share), stats.append(stat)
    return tables, shares, stats


class ColumnGenerator:
    """Column generation of scale candidates, as :func:`sharedopt.candidates.build.build_candidates`
    takes it (``generator=ColumnGenerator()``).

    Parameters
    ----------
    budget : Budget, optional
        The run's time budget: generation stops when it is spent (None: its own limit only).
    """

    def __init__(self, budget: Budget | None = None):
        self.budget = budget

    def plan(self, graphs: dict, params: ModelParams, constraints) -> GenerationPlan:
        """Whether to generate (:func:`sharedopt.solve.generate.plan.plan_generation`)."""
        return plan_generation(graphs, params, constraints)

    def generate(self, base: CostBase, params: ModelParams, constraints, graphs: dict,
                 tables: list[pd.DataFrame], plan: GenerationPlan, with_shares: bool, progress=None,
                 solver=None):
        """The scale candidates (:func:`generate_scale_candidates`)."""
        return generate_scale_candidates(base, params, constraints, graphs, tables, plan, with_shares,
                                         progress, solver, self.budget)
