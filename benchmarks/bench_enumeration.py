"""Section 1, enumeration: connected groups of every English service at k = 5."""

from __future__ import annotations

import time

import numpy as np

from sharedopt.candidates.graphs import service_graphs
from sharedopt.candidates.enumerate import connected_groups, count_connected_groups
from sharedopt.pipeline.steps import load_inputs
from sharedopt.pipeline.scenario import Scenario

from bench_isolation import isolated
from bench_paths import CONFIGS

K = 5


def work_enumeration(*, report, config: str, k: int) -> dict:
    """Child-process work: per service, time its graph, ``connected_groups`` and the count."""
    scenario = Scenario.from_config(CONFIGS / config).with_({"model.max_group_size": k})
    t0 = time.perf_counter()
    inputs = load_inputs(scenario.config)
    load_s = time.perf_counter() - t0
    rows = []
    for service, graph in sorted(inputs.graphs.items()):
        row = _service_row(inputs, scenario.config, service, graph, k)
        rows.append(row)
        report(service=service, groups=row["groups"], seconds=round(row["enumerate_s"], 3))
    return {"rows": rows, "load_s": load_s}


def _service_row(inputs, config, service: str, graph, k: int) -> dict:
    """The timings and group counts of one service."""
    t = time.perf_counter()  # rebuild this service's graph alone, to time it
    service_graphs(inputs.authorities, inputs.costs, config.model, config.region.link_list(), [service])
    graph_s = time.perf_counter() - t
    t = time.perf_counter()
    groups = connected_groups(graph, k, min_size=2)
    enum_s = time.perf_counter() - t
    t = time.perf_counter()
    counted = count_connected_groups(graph, k, min_size=2)
    count_s = time.perf_counter() - t
    by_size = np.bincount(np.asarray(groups.sizes, dtype=np.int64), minlength=k + 1)
    tiers = inputs.authorities["tier"]
    row = {"service": service, "district_level": bool((tiers.reindex(list(graph.nodes)) == "district").any()),
           "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
           "groups": int(len(groups)), "graph_s": graph_s, "enumerate_s": enum_s, "count_s": count_s,
           "counts_agree": {s: int(by_size[s]) for s in range(2, k + 1)} == counted}
    row.update({f"size_{s}": int(by_size[s]) for s in range(2, k + 1)})
    return row


def enumeration_section(args) -> dict:
    """Measure England at k = 5 in a child; per-service rows plus district and all totals."""
    res = isolated(work_enumeration, {"config": "england.toml", "k": K}, timeout=900,
                   mem_limit_gb=args.mem_limit_gb, label="enumeration")
    if "error" in res:
        return {"columns": [("error", "error", "text")], "rows": [res], "notes": []}
    services = res["rows"]
    rows = list(services)
    for scope, pick in (("district-level services", lambda r: r["district_level"]),
                        ("all services", lambda r: True)):
        rows.append(_total_row(scope, [r for r in services if pick(r)]))
    district = rows[-2]
    return {"columns": _columns(), "rows": rows, "notes": _notes(res), "k": K,
            "district_total_s": district["enumerate_s"]}


def _total_row(scope: str, chosen: list[dict]) -> dict:
    total = {"service": f"**total: {scope}** ({len(chosen)})",
             "groups": sum(r["groups"] for r in chosen),
             "graph_s": sum(r["graph_s"] for r in chosen),
             "enumerate_s": sum(r["enumerate_s"] for r in chosen),
             "count_s": sum(r["count_s"] for r in chosen),
             "counts_agree": all(r["counts_agree"] for r in chosen)}
    total.update({f"size_{s}": sum(r[f"size_{s}"] for r in chosen) for s in range(2, K + 1)})
    return total


def _columns() -> list[tuple]:
    columns = [("service", "service", "text"), ("district_level", "district-level", "text"),
               ("nodes", "nodes"), ("edges", "edges")]
    columns += [(f"size_{s}", f"size {s}") for s in range(2, K + 1)]
    columns += [("groups", f"groups 2..{K}"), ("graph_s", "graph s", "s"),
                ("enumerate_s", "connected_groups s", "s"),
                ("count_s", "count_connected_groups s", "s"),
                ("counts_agree", "counts agree", "text")]
    return columns


def _notes(res: dict) -> list[str]:
    return [f"England (configs/england.toml), k = {K}; service graphs from `load_inputs` "
            f"({res['load_s']:.2f} s, not included). A service is district-level when a "
            "district council delivers it (its graph has district-tier nodes).",
            "graph s = `service_graphs` for that service alone (neighbour graph from the "
            "boundaries, spatial index); not part of the enumeration time. "
            "`connected_groups` builds the sorted group arrays the pipeline uses; "
            "`count_connected_groups` only counts (cross-check).",
            f"Peak RSS {res['peak_rss_mb']:.0f} MB."]
