"""Scale candidates by column generation, end to end (called from :func:`sharedopt.candidates.build.build_candidates`)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from sharedopt.candidates.generate.master import CLOSE_CAP, INCUMBENT_SECONDS, Generation, close_gap, column_generation, master_incumbent
from sharedopt.candidates.generate.plan import GenerationPlan
from sharedopt.candidates.generate.pricer import ServicePricer, groups_to_local, initial_groups, to_global
from sharedopt.config.params import ModelParams
from sharedopt.candidates.value import CostBase, evaluate


def _table_columns(base: CostBase, table: pd.DataFrame, width: int) -> tuple:
    """Valued candidates of a table as master columns ``(members, service_idx, npv, one_off)``."""
    members = np.full((len(table), width), -1, dtype=np.int64)
    for i, text in enumerate(table["members"].tolist()):
        idx = base.index_of(text.split(";"))
        members[i, :len(idx)] = idx
    services = [tuple(base.service_index(s) for s in text.split(";")) for text in table["services"].tolist()]
    return (members, np.array(services, dtype=np.int64), table["npv_gbp_k"].to_numpy(float),
            table["one_off_cost_gbp_k"].to_numpy(float))


def generate_scale_candidates(base: CostBase, params: ModelParams, constraints, graphs: dict,
                              scope_tables: list[pd.DataFrame], plan: GenerationPlan, with_shares: bool,
                              progress=None, solver=None):
    """Scale candidates by column generation; returns ``(tables, shares, stats, Generation)``."""
    from sharedopt.candidates.build import _scale_kind, value_groups

    t0 = time.perf_counter()
    k, seed_size = params.max_group_size, min(params.generation_seed_size, params.max_group_size)
    pricers = {s: ServicePricer(base, params, s, g, k, seed_size) for s, g in sorted(graphs.items()) if len(g)}
    initial, seeds = [], {}
    for service, pricer in pricers.items():
        groups = initial_groups(pricer, graphs[service])
        members = to_global(groups, pricer, k)
        values = evaluate(base, params, (service,), members)
        keep = values["npv_gbp_k"] > 0
        seeds[service] = members[keep]
        initial.append((members[keep], np.full((int(keep.sum()), 1), base.service_index(service)),
                        values["npv_gbp_k"][keep], values["one_off_cost_gbp_k"][keep]))
    for table in scope_tables:
        if len(table):
            for services, part in table.groupby("services", sort=True):
                initial.append(_table_columns(base, part, params.scope_max_group_size))
    limit = params.generation_time_limit
    generated, generation, master = column_generation(
        base, params, constraints, list(pricers.values()), initial, time_limit=limit, progress=progress,
        solver=solver)
    closed, close_note = False, ""
    if generation.complete:
        left = (limit - (time.perf_counter() - t0)) if limit is not None else 60.0
        z, _ = master_incumbent(master, min(max(left / 2, 1.0), INCUMBENT_SECONDS), solver)
        extra = close_gap(base, params, list(pricers.values()), master, z,
                          CLOSE_CAP, time.perf_counter() + max(left / 2, 1.0))
        if extra is not None:
            closed = True
            added = sum(len(g) for g in extra.values())
            close_note = (f"; closed: {added:,} more groups could beat the incumbent {z:,.1f} "
                          "(reduced cost above incumbent - bound) and were added, so the MIP is exact")
            for service, groups in extra.items():
                generated[service] = np.vstack([generated[service], groups]) if len(generated[service]) \
                    else groups
        else:
            close_note = (f"; not closed: with the incumbent {z:,.1f} more than {CLOSE_CAP:,} groups "
                          "could still beat it, or time ran out")
    tables, shares, stats = [], [], []
    for service, pricer in pricers.items():
        start = time.perf_counter()
        found = generated.get(service)
        allg = seeds[service] if found is None or not len(found) else np.vstack([seeds[service], found])
        table, share, stat = value_groups(base, params, (service,), graphs[service],
                                          groups_to_local(allg, pricer), _scale_kind, with_shares)
        stat.update(seconds=time.perf_counter() - start, method="generated",
                    groups_counted=plan.counts.get(service), count_exact=plan.exact.get(service))
        tables.append(table), shares.append(share), stats.append(stat)
    generation = Generation(generation.lp_bound, generation.lp_objective, generation.complete,
                            generation.rounds, generation.columns, closed, dict(plan.counts),
                            dict(plan.exact), time.perf_counter() - t0,
                            f"{plan.reason}; {generation.note}{close_note}")
    return tables, shares, stats, generation
