"""sharedopt benchmarks: enumeration, portfolio, plain-PuLP baseline, sweep, Monte Carlo.

Usage (from the repository root)::

    .venv/bin/python benchmarks/run.py                 # full run (~15-25 min on 2 cores)
    .venv/bin/python benchmarks/run.py --quick         # smoke run: small instances, 20 draws
    .venv/bin/python benchmarks/run.py --only sweep montecarlo

Writes ``benchmarks/results/results.md`` (one Markdown table per section) and
``benchmarks/results/results.json``, and prints the tables. With ``--only``, the other
sections already in ``results.json`` are kept (each section records when it ran).

Every measurement runs in its own child process (spawned, one at a time, never two
heavy runs together): timings start cold (the data loaders' caches are per process),
peak RSS is per measurement, and a run that exceeds its wall-clock or memory limit is
stopped and recorded as such instead of taking the benchmark down. Only the public API
is used: ``load_inputs``, ``enumerate_candidates``, ``create_model``, ``solve_model``,
``assign_solution``, ``Scenario``, ``sweep``, ``uncertainty``, ``connected_groups``,
``count_connected_groups``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata as metadata
import json
import math
import multiprocessing as mp
import os
import platform
import queue
import resource
import signal
import subprocess
import sys
import time
import traceback
import warnings
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"
RESULTS = ROOT / "benchmarks" / "results"
SECTIONS = ("enumeration", "portfolio", "baseline", "sweep", "montecarlo")

# (label, config file, k, heavy) -- heavy instances are skipped with --quick
INSTANCES = [
    ("North East", "north-east.toml", 5, False),
    ("Wales", "wales.toml", 6, False),
    ("England", "england.toml", 4, True),
    ("England", "england.toml", 5, True),
    ("England", "england.toml", 6, True),
    ("US counties", "us-counties.toml", 4, True),
    ("US counties", "us-counties.toml", 6, True),
]
# figures of the last run before column generation over implicit groups (session 1,
# benchmarks/results at commit 067c7e9), for the "England k=6 gets faster" target
ENGLAND_K6_BEFORE = {"end_to_end_s": 218.2, "gap": 0.09066, "peak_rss_mb": 3014.0}
BASELINE_INSTANCES = [("North East", 5), ("Wales", 6), ("England", 4)]
# constraint-only sweeps whose every variant solves to optimality (label, config, k, capacities)
SWEEP_INSTANCES = [("North East", "north-east.toml", 5, [1, 2, 3, 4]),
                   ("Wales", "wales.toml", 4, [1, 2, 3, 4])]
MC_DISTRIBUTIONS = {
    "model.services.Environment.e_down": {"dist": "uniform", "low": 0.06, "high": 0.18},
    "costs": {"dist": "lognormal", "sigma": 0.1},
}


# ----------------------------------------------------------------------------------
# small helpers: peak memory, child processes, table formatting
# ----------------------------------------------------------------------------------
def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size in MiB (Linux reports KiB)."""
    return resource.getrusage(who).ru_maxrss / 1024.0


def _child_main(func_name: str, kwargs: dict, out: mp.Queue, mem_limit_gb: float | None) -> None:
    os.setpgrp()  # own process group: the parent can stop this child and its workers together
    if mem_limit_gb:
        limit = int(mem_limit_gb * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    warnings.simplefilter("ignore", DeprecationWarning)

    def report(**info) -> None:
        out.put(("progress", info))

    try:
        result = globals()[func_name](report=report, **kwargs)
        result["peak_rss_mb"] = round(peak_rss_mb(), 1)
        children = peak_rss_mb(resource.RUSAGE_CHILDREN)
        if children > 0:
            result["peak_rss_children_mb"] = round(children, 1)
        out.put(("done", result))
    except MemoryError:
        out.put(("error", {"error": "MemoryError (address-space limit "
                           f"{mem_limit_gb:g} GB)", "peak_rss_mb": round(peak_rss_mb(), 1)}))
    except BaseException as exc:  # noqa: BLE001 -- report anything, the parent carries on
        out.put(("error", {"error": f"{type(exc).__name__}: {exc}",
                           "traceback": traceback.format_exc(limit=8),
                           "peak_rss_mb": round(peak_rss_mb(), 1)}))


def isolated(func_name: str, kwargs: dict, *, timeout: float, mem_limit_gb: float | None,
             label: str) -> dict:
    """Run ``func_name(report=..., **kwargs)`` in a spawned child; never raises.

    Returns the function's dict, or ``{"error": ..., "progress": [...]}`` when the child
    failed, ran out of memory, died, or passed ``timeout`` seconds (then it is killed).
    """
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_child_main, args=(func_name, kwargs, out, mem_limit_gb), daemon=False)
    start = time.perf_counter()
    proc.start()
    progress: list[dict] = []
    outcome: tuple[str, dict] | None = None
    while outcome is None:
        left = timeout - (time.perf_counter() - start)
        if left <= 0:
            break
        try:
            kind, info = out.get(timeout=min(left, 2.0))
        except queue.Empty:
            if not proc.is_alive():
                try:  # the last message may still be in the pipe
                    kind, info = out.get(timeout=1.0)
                except queue.Empty:
                    break
            else:
                continue
        if kind == "progress":
            progress.append({"t": round(time.perf_counter() - start, 2), **info})
            print(f"    [{label}] {time.perf_counter() - start:7.1f}s {info}", flush=True)
        else:
            outcome = (kind, info)
    wall = time.perf_counter() - start
    if outcome is None:
        if proc.is_alive():
            reason = f"stopped after the {timeout:g} s wall-clock limit"
            _kill_group(proc)
        else:
            proc.join()
            reason = f"child died (exit code {proc.exitcode}; killed by the kernel if negative)"
        print(f"    [{label}] {reason}", flush=True)
        result = {"error": reason, "progress": progress}
    else:
        result = outcome[1]
        if outcome[0] == "error":
            result["progress"] = progress
            print(f"    [{label}] error: {result['error']}", flush=True)
        proc.join(timeout=30)
        if proc.is_alive():
            _kill_group(proc)
    result["child_wall_s"] = round(wall, 2)
    return result


def _kill_group(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the child's own group (it called setpgrp)
    except ProcessLookupError:
        pass
    proc.join(timeout=30)


def fmt(value, kind: str = "auto") -> str:
    """Format one table cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "pct":
        if abs(value) >= 10:
            return f"{100 * value:.3g}%"
        return f"{100 * value:.3f}%" if abs(value) < 0.1 else f"{100 * value:.1f}%"
    if kind == "s":
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    if kind == "x":
        return f"{value:.1f}x"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.2f}" if abs(value) >= 1 else f"{value:.3g}"
    return str(value)


def markdown_table(columns: list[tuple], rows: list[dict]) -> str:
    """``columns`` are ``(key, header[, kind])``; missing keys show as a dash."""
    head = "| " + " | ".join(c[1] for c in columns) + " |"
    rule = "|" + "|".join("---" if (c[2] if len(c) > 2 else "auto") == "text" else "---:"
                          for c in columns) + "|"
    body = ["| " + " | ".join(fmt(row.get(c[0]), c[2] if len(c) > 2 else "auto")
                              for c in columns) + " |" for row in rows]
    return "\n".join([head, rule, *body])


def scenario_changes(k: int | None, time_limit: float | None, config_limit: float | None) -> dict:
    changes = {"report.top_n": 0}
    if k is not None:
        changes["model.max_group_size"] = k
    if time_limit is not None:
        changes["solver.time_limit"] = min(time_limit, config_limit) if config_limit else time_limit
    return changes


# ----------------------------------------------------------------------------------
# child-process work (module-level so that spawned children can import them)
# ----------------------------------------------------------------------------------
def work_enumeration(*, report, config: str, k: int) -> dict:
    import numpy as np

    from sharedopt.candidates.counting import count_connected_groups
    from sharedopt.candidates.enumerate import connected_groups
    from sharedopt.candidates.graphs import service_graphs
    from sharedopt.run.pipeline import load_inputs
    from sharedopt.run.scenario import Scenario

    scenario = Scenario.from_config(CONFIGS / config).with_({"model.max_group_size": k})
    t0 = time.perf_counter()
    inputs = load_inputs(scenario.config)
    load_s = time.perf_counter() - t0
    tiers = inputs.authorities["tier"]
    rows = []
    for service, graph in sorted(inputs.graphs.items()):
        t = time.perf_counter()  # rebuild this service's graph alone, to time it
        service_graphs(inputs.authorities, inputs.costs, scenario.config.model,
                       scenario.config.region.link_list(), [service])
        graph_s = time.perf_counter() - t
        t = time.perf_counter()
        groups = connected_groups(graph, k, min_size=2)
        enum_s = time.perf_counter() - t
        t = time.perf_counter()
        counted = count_connected_groups(graph, k, min_size=2)
        count_s = time.perf_counter() - t
        by_size = np.bincount(np.asarray(groups.sizes, dtype=np.int64), minlength=k + 1)
        row = {"service": service, "district_level": bool((tiers.reindex(list(graph.nodes)) == "district").any()),
               "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
               "groups": int(len(groups)), "graph_s": graph_s, "enumerate_s": enum_s, "count_s": count_s,
               "counts_agree": {s: int(by_size[s]) for s in range(2, k + 1)} == counted}
        row.update({f"size_{s}": int(by_size[s]) for s in range(2, k + 1)})
        rows.append(row)
        report(service=service, groups=row["groups"], seconds=round(enum_s, 3))
    return {"rows": rows, "load_s": load_s}


def work_portfolio(*, report, config: str, k: int, time_limit: float, baseline: bool,
                   baseline_limit: float | None = None) -> dict:
    from sharedopt.run.pipeline import assign_solution, create_model, enumerate_candidates, load_inputs, solve_model
    from sharedopt.run.scenario import Scenario

    base = Scenario.from_config(CONFIGS / config)
    scenario = base.with_(scenario_changes(k, time_limit, base.config.solver.time_limit))
    config_ = scenario.config
    out = {"time_limit_s": config_.solver.time_limit, "mip_gap": config_.solver.mip_gap}

    t = time.perf_counter()
    inputs = load_inputs(config_)
    out["load_s"] = time.perf_counter() - t
    out["authorities"] = int(len(inputs.authorities))
    report(step="load", seconds=round(out["load_s"], 2))

    last = [0.0]

    def progress(step, info):  # throttled: one line every 15 s at most
        if time.perf_counter() - last[0] > 15:
            last[0] = time.perf_counter()
            report(step=step, **info)

    t = time.perf_counter()
    candidates = enumerate_candidates(inputs, config_, progress)
    out["enumerate_s"] = time.perf_counter() - t
    out["candidates"] = int(len(candidates.table))
    out["enumerated"] = int(candidates.enumeration["enumerated"].sum())
    generation = candidates.generation
    out["method"] = "generated" if generation is not None else "enumerated"
    if generation is not None:
        out["generation_note"] = generation.note
        out["lp_bound"] = generation.lp_bound
        out["groups_counted"] = int(sum(generation.groups_counted.values()))
        out["count_exact"] = bool(all(generation.count_exact.values()))
    report(step="enumerate", seconds=round(out["enumerate_s"], 2), candidates=out["candidates"],
           enumerated=out["enumerated"], rss_mb=round(peak_rss_mb(), 1))

    t = time.perf_counter()
    model = create_model(candidates, config_)
    out["build_s"] = time.perf_counter() - t
    out["rows"] = model.n_constraints
    report(step="build", seconds=round(out["build_s"], 2), rows=model.n_constraints)

    t = time.perf_counter()
    solved, chosen = solve_model(model, config_)
    out["solve_s"] = time.perf_counter() - t
    out["end_to_end_s"] = out["load_s"] + out["enumerate_s"] + out["build_s"] + out["solve_s"]
    out.update(status=solved.status, objective=solved.objective, best_bound=solved.best_bound,
               gap=solved.gap, n_pieces=solved.n_pieces, solver=solved.solver_version,
               solver_message=solved.message, termination=solved.termination)
    report(step="solve", seconds=round(out["solve_s"], 2), status=solved.status, gap=solved.gap)

    t = time.perf_counter()
    result = assign_solution(inputs, candidates, model, solved, chosen, config_)
    out["assign_s"] = time.perf_counter() - t
    frontier = result.summary["frontier"]
    out["frontier_annual_gbp_k"] = frontier["scale_frontier_annual_gbp_k"]
    out["portfolio_scale_saving_gbp_k"] = frontier["portfolio_scale_saving_gbp_k"]
    out["share_of_frontier"] = frontier["share_of_frontier_captured"]
    out["n_partnerships"] = result.summary["totals"]["n_partnerships"]
    out["peak_rss_before_baseline_mb"] = round(peak_rss_mb(), 1)

    if baseline:
        del result, model, chosen
        report(step="baseline start", candidates=out["candidates"])
        out["baseline"] = plain_baseline(candidates.table, config_, config_.solver.mip_gap,
                                         baseline_limit or config_.solver.time_limit)
    return out


def plain_baseline(table, config, gap: float, time_limit: float | None) -> dict:
    """The portfolio MIP "as an analyst would write it": PuLP objects in Python loops, CBC."""
    import pulp

    cons = config.constraints
    ignored = [name for name, value in cons.model_dump().items()
               if name not in ("one_partnership_per_slot", "governance_capacity", "objective")
               and value not in (None, [], {}, False)]
    capacity = cons.governance_capacity
    t0 = time.perf_counter()
    prob = pulp.LpProblem("plain_baseline", pulp.LpMaximize)
    x = [pulp.LpVariable(f"x_{j}", cat="Binary") for j in range(len(table))]
    prob += pulp.lpSum(float(v) * x[j] for j, v in enumerate(table["npv_gbp_k"]))
    slot_users = defaultdict(list)
    authority_users = defaultdict(list)
    for j, (services, members) in enumerate(zip(table["services"], table["members"])):
        for authority in members.split(";"):
            authority_users[authority].append(x[j])
            for service in services.split(";"):
                slot_users[(authority, service)].append(x[j])
    for (authority, service), users in slot_users.items():
        prob += pulp.lpSum(users) <= 1, f"slot_{authority}_{service}"
    for authority, users in authority_users.items():
        prob += pulp.lpSum(users) <= capacity, f"governance_{authority}"
    build_s = time.perf_counter() - t0
    t = time.perf_counter()
    prob.solve(pulp.PULP_CBC_CMD(msg=False, gapRel=gap, timeLimit=time_limit))
    solve_s = time.perf_counter() - t
    return {"build_s": build_s, "solve_s": solve_s, "total_s": build_s + solve_s,
            "status": pulp.LpStatus[prob.status], "sol_status": pulp.LpSolution.get(prob.sol_status),
            "objective": pulp.value(prob.objective), "rows": len(prob.constraints),
            "time_limit_s": time_limit,
            "ignored_constraints": ignored}


def work_sweep(*, report, config: str, k: int, time_limit: float, values: list, mode: str) -> dict:
    """One constraint-only sweep timing: mode 'reuse' / 'no_reuse' (``sweep``) or 'run'
    (every variant through :func:`sharedopt.run.whatif.run`, the whole pipeline as the CLI)."""
    from sharedopt.run.scenario import Scenario
    from sharedopt.run.whatif import sweep
    from sharedopt.run.whatif import run as run_scenario

    base = Scenario.from_config(CONFIGS / config)
    changes = scenario_changes(k, time_limit, base.config.solver.time_limit)
    changes.pop("report.top_n")  # each mode keeps its own ranking settings
    scenario = base.with_(changes)
    key = "constraints.governance_capacity"
    t = time.perf_counter()
    if mode == "run":
        rows = []
        for value in values:
            result = run_scenario(scenario.with_({key: value}))
            picked = result.portfolio
            rows.append({key: value, "status": result.solver.status, "objective": result.solver.objective,
                         "best_bound": result.solver.best_bound, "gap": result.solver.gap,
                         "n_partnerships": int(len(picked)),
                         "annual_net_saving_gbp_k": float(picked["annual_net_saving_gbp_k"].sum()),
                         "npv_gbp_k": float(picked["npv_gbp_k"].sum()),
                         "one_off_cost_gbp_k": float(picked["one_off_cost_gbp_k"].sum()),
                         "chosen": ";".join(sorted(picked["candidate_id"]))})
    else:
        frame = sweep(scenario, {key: values}, engine="serial", progress=False, reuse=mode == "reuse")
        rows = json.loads(frame.to_json(orient="records"))
    seconds = time.perf_counter() - t
    report(mode=mode, seconds=round(seconds, 2))
    return {"seconds": seconds, "rows": rows, "top_n": scenario.config.report.top_n}


def work_montecarlo(*, report, config: str, n: int, max_workers: int) -> dict:
    from sharedopt.run.scenario import Scenario
    from sharedopt.run.uncertainty import uncertainty

    scenario = Scenario.from_config(CONFIGS / config)
    t = time.perf_counter()
    res = uncertainty(scenario, n, MC_DISTRIBUTIONS, engine="process", max_workers=max_workers,
                      progress=False)
    seconds = time.perf_counter() - t
    totals = res.totals.set_index("measure")
    statuses = res.draws["status"].value_counts().to_dict()
    report(n=n, seconds=round(seconds, 2))
    return {"seconds": seconds, "n": n, "statuses": {str(k): int(v) for k, v in statuses.items()},
            "totals": json.loads(totals.reset_index().to_json(orient="records")),
            "max_gap": float(res.draws["gap"].max()),
            "time_limit_s": scenario.config.solver.time_limit}


# ----------------------------------------------------------------------------------
# sections (run in the parent; each measurement in a child)
# ----------------------------------------------------------------------------------
class Bench:
    def __init__(self, args):
        self.args = args
        self._portfolio: dict[tuple[str, int], dict] = {}

    def time_cap(self, label: str) -> float:
        if label == "US counties":
            return self.args.us_time_cap
        return self.args.england_time_cap if label == "England" else self.args.time_cap

    def instances(self):
        for label, config, k, heavy in INSTANCES:
            if self.args.quick and heavy:
                continue
            if self.args.instances and f"{label}:{k}" not in self.args.instances:
                continue
            yield label, config, k

    def portfolio_result(self, label: str, config: str, k: int, baseline: bool) -> dict:
        key = (label, k)
        cached = self._portfolio.get(key)
        if cached is not None and (not baseline or "baseline" in cached or "error" in cached):
            return cached
        cap = self.time_cap(label)
        # the plain baseline gets the same solver limit, except England (its own cap)
        baseline_limit = self.args.baseline_england_cap if label == "England" else None
        budget = self.args.instance_timeout + ((baseline_limit or cap) + 300 if baseline else 0)
        print(f"  portfolio {label} k={k} (solver cap {cap:g} s{', + baseline' if baseline else ''})",
              flush=True)
        result = isolated("work_portfolio", {"config": config, "k": k, "time_limit": cap,
                                             "baseline": baseline, "baseline_limit": baseline_limit},
                          timeout=budget, mem_limit_gb=self.args.mem_limit_gb, label=f"{label} k={k}")
        result.update(instance=label, k=k, config=config)
        self._portfolio[key] = result
        return result

    # -- 1 ---------------------------------------------------------------------------
    def enumeration(self) -> dict:
        k = 5
        res = isolated("work_enumeration", {"config": "england.toml", "k": k}, timeout=900,
                       mem_limit_gb=self.args.mem_limit_gb, label="enumeration")
        if "error" in res:
            return {"columns": [("error", "error", "text")], "rows": [res], "notes": []}
        services = res["rows"]
        rows = list(services)
        for scope, pick in (("district-level services", lambda r: r["district_level"]),
                            ("all services", lambda r: True)):
            chosen = [r for r in services if pick(r)]
            total = {"service": f"**total: {scope}** ({len(chosen)})",
                     "groups": sum(r["groups"] for r in chosen),
                     "graph_s": sum(r["graph_s"] for r in chosen),
                     "enumerate_s": sum(r["enumerate_s"] for r in chosen),
                     "count_s": sum(r["count_s"] for r in chosen),
                     "counts_agree": all(r["counts_agree"] for r in chosen)}
            total.update({f"size_{s}": sum(r[f"size_{s}"] for r in chosen) for s in range(2, k + 1)})
            rows.append(total)
        columns = [("service", "service", "text"), ("district_level", "district-level", "text"),
                   ("nodes", "nodes"), ("edges", "edges")]
        columns += [(f"size_{s}", f"size {s}") for s in range(2, k + 1)]
        columns += [("groups", f"groups 2..{k}"), ("graph_s", "graph s", "s"),
                    ("enumerate_s", "connected_groups s", "s"),
                    ("count_s", "count_connected_groups s", "s"),
                    ("counts_agree", "counts agree", "text")]
        district = rows[-2]
        notes = [f"England (configs/england.toml), k = {k}; service graphs from `load_inputs` "
                 f"({res['load_s']:.2f} s, not included). A service is district-level when a "
                 "district council delivers it (its graph has district-tier nodes).",
                 "graph s = `service_graphs` for that service alone (neighbour graph from the "
                 "boundaries, spatial index); not part of the enumeration time. "
                 "`connected_groups` builds the sorted group arrays the pipeline uses; "
                 "`count_connected_groups` only counts (cross-check).",
                 f"Peak RSS {res['peak_rss_mb']:.0f} MB."]
        return {"columns": columns, "rows": rows, "notes": notes, "k": k,
                "district_total_s": district["enumerate_s"]}

    # -- 2 ---------------------------------------------------------------------------
    def portfolio(self) -> dict:
        rows = []
        for label, config, k in self.instances():
            want_baseline = (label, k) in BASELINE_INSTANCES and "baseline" in self.selected
            res = self.portfolio_result(label, config, k, want_baseline)
            row = {key: value for key, value in res.items() if key != "baseline"}
            if "error" in res:
                row["status"] = "not run to the end: " + res["error"]
                row["stage"] = _last_stage(res.get("progress", []))
            rows.append(row)
        columns = [("instance", "instance", "text"), ("authorities", "authorities"), ("k", "k"),
                   ("candidates", "candidates (kept)"), ("method", "candidates by", "text"),
                   ("enumerated", "valued"),
                   ("load_s", "load s", "s"), ("enumerate_s", "enumerate s", "s"),
                   ("build_s", "build s", "s"), ("solve_s", "solve s", "s"),
                   ("end_to_end_s", "end-to-end s", "s"), ("status", "status", "text"),
                   ("objective", "objective £k"), ("best_bound", "best bound £k"),
                   ("gap", "gap", "pct"), ("frontier_annual_gbp_k", "frontier annual £k"),
                   ("share_of_frontier", "frontier captured", "pct"),
                   ("time_limit_s", "solver limit s"), ("peak_rss_mb", "peak RSS MB")]
        notes = ["End-to-end = load + enumerate + build + solve (wall clock, `time.perf_counter`), "
                 "each step timed around the public pipeline function in a fresh process. "
                 "`assign_solution` (run with `report.top_n = 0`) is not included "
                 "(see `assign_s` in results.json).",
                 "Objective and bound are NPV in £k; gap = (bound - objective) / objective. "
                 "Frontier = economies-of-scale frontier (annual £k, every authority at its "
                 "minimum unit cost); captured = portfolio scale saving / frontier.",
                 f"Solver time limit = the config's, capped at {self.args.time_cap:g} s "
                 f"({self.args.england_time_cap:g} s for England, {self.args.us_time_cap:g} s for "
                 "the US counties, whose costs are SYNTHETIC). Each instance has a "
                 f"{self.args.instance_timeout:g} s wall-clock limit and a "
                 f"{self.args.mem_limit_gb:g} GB address-space limit."]
        notes.append("candidates by: 'enumerated' = every connected group listed and valued; "
                     "'generated' = column generation over implicit groups (sharedopt.solve.generate), "
                     "used when there are more than 2,000,000 groups; valued = groups valued "
                     "(enumerated, or generated plus the small starting groups).")
        for r in rows:
            if r.get("generation_note"):
                counted = f"{r['groups_counted']:,}" + ("" if r.get("count_exact") else "+ (count stopped at the cap)")
                notes.append(f"{r['instance']} k={r['k']}: connected groups counted first: {counted}; "
                             f"{r['generation_note']}")
            if r.get("solver_message"):
                notes.append(f"{r['instance']} k={r['k']}: solver note: {r['solver_message']}")
            if "error" in r:
                notes.append(f"{r['instance']} k={r['k']}: {r['error']} (last stage: {r.get('stage')})")
        return {"columns": columns, "rows": rows, "notes": notes}

    # -- 3 ---------------------------------------------------------------------------
    def baseline(self) -> dict:
        rows = []
        for label, config, k in self.instances():
            if (label, k) not in BASELINE_INSTANCES:
                continue
            res = self.portfolio_result(label, config, k, baseline=True)
            row = {"instance": label, "k": k, "candidates": res.get("candidates")}
            if "error" in res:
                row["status"] = "not run: " + res["error"]
                rows.append(row)
                continue
            b = res["baseline"]
            ours = res["build_s"] + res["solve_s"]
            gap = res["mip_gap"]
            agree = None
            if b["objective"] is not None and res["objective"] is not None:
                diff = abs(b["objective"] - res["objective"])
                row["rel_diff"] = diff / max(abs(res["objective"]), 1e-9)
                agree = diff <= gap * max(abs(b["objective"]), abs(res["objective"])) + 1e-6
            proven = b["status"] == "Optimal" and b["sol_status"] == "Optimal Solution Found"
            ratio = b["total_s"] / ours if ours > 0 else None
            if res["status"] != "optimal":
                ratio_text = "n/a: sharedopt not at the gap"
            elif not proven:
                ratio_text = f">= {ratio:.1f}x (baseline not at the gap)"
            else:
                ratio_text = f"{ratio:.1f}x"
            row.update(ratio_text=ratio_text, sharedopt_s=ours, sharedopt_status=res["status"], sharedopt_objective=res["objective"],
                       baseline_build_s=b["build_s"], baseline_solve_s=b["solve_s"],
                       baseline_s=b["total_s"], baseline_status=b["sol_status"],
                       baseline_objective=b["objective"], ratio=ratio,
                       agree=agree, gap_target=gap, baseline_rows=b["rows"], sharedopt_rows=res["rows"],
                       baseline_proven=proven, time_limit_s=res["time_limit_s"],
                       baseline_limit_s=b["time_limit_s"])
            rows.append(row)
        columns = [("instance", "instance", "text"), ("k", "k"), ("candidates", "candidates"),
                   ("gap_target", "gap target", "pct"),
                   ("sharedopt_s", "sharedopt build+solve s", "s"),
                   ("sharedopt_status", "sharedopt status", "text"),
                   ("sharedopt_objective", "sharedopt objective £k"),
                   ("baseline_build_s", "baseline build s", "s"),
                   ("baseline_solve_s", "baseline solve s", "s"),
                   ("baseline_s", "baseline total s", "s"), ("baseline_status", "baseline status", "text"),
                   ("baseline_objective", "baseline objective £k"), ("ratio_text", "speed ratio", "text"),
                   ("rel_diff", "objective diff", "pct"), ("agree", "agree within gap", "text"),
                   ("sharedopt_rows", "sharedopt rows"), ("baseline_rows", "baseline rows"),
                   ("time_limit_s", "sharedopt limit s"), ("baseline_limit_s", "baseline limit s")]
        notes = ["Baseline: one `pulp.LpVariable` (binary) per candidate, `lpSum` constraints from "
                 "Python loops (one per authority-service slot over the candidates using it, one "
                 "per authority for governance capacity 3), solved by "
                 "`pulp.PULP_CBC_CMD(msg=False, gapRel=<config gap>, timeLimit=<solver limit>)` "
                 "(CBC, 1 thread), on the same candidates table as sharedopt. Timed build + solve.",
                 "Measured in the same child processes as the portfolio section (right after "
                 "sharedopt's solve), so this section's own wall time is ~0 when both run. "
                 "Speed ratio = baseline build+solve / sharedopt `create_model` + `solve_model` "
                 "(HiGHS via highspy, 2 threads, decomposition). 'Agree within gap' = "
                 "|difference| <= gap x max(|objectives|)."]
        notes.append("Speed ratio is measured only when both reach the gap; if only sharedopt does, "
                     "it is a lower bound; if sharedopt stops at its time limit it is not comparable "
                     "(then compare the objectives reached in about the same time).")
        for r in rows:
            if r.get("baseline_status") and r["baseline_status"] != "Optimal Solution Found":
                note = (f"{r['instance']} k={r['k']}: the baseline stopped at its {r['baseline_limit_s']:g} s "
                        f"limit without reaching the gap ({r['baseline_status']})")
                if r.get("sharedopt_status") != "optimal":
                    note += (f"; sharedopt did not reach the gap either ({r['sharedopt_status']} after "
                             f"{r['sharedopt_s']:.1f} s, limit {r['time_limit_s']:g} s)")
                if r.get("baseline_objective") is not None and r.get("sharedopt_objective"):
                    better = r["sharedopt_objective"] / r["baseline_objective"] - 1
                    note += f"; sharedopt's objective is {100 * better:+.2f}% vs the baseline's"
                notes.append(note + ".")
        return {"columns": columns, "rows": rows, "notes": notes}

    # -- 4 ---------------------------------------------------------------------------
    def sweep(self) -> dict:
        rows, notes, details = [], [], {}
        for label, config, k, values in SWEEP_INSTANCES:
            runs = {}
            for mode in ("reuse", "no_reuse", "run"):
                print(f"  sweep {label} k={k} {mode}", flush=True)
                runs[mode] = isolated("work_sweep", {"config": config, "k": k, "values": values, "mode": mode,
                                                     "time_limit": self.args.sweep_time_cap},
                                      timeout=self.args.instance_timeout + len(values) * (self.args.sweep_time_cap + 120),
                                      mem_limit_gb=self.args.mem_limit_gb, label=f"sweep {label} {mode}")
            if any("error" in r for r in runs.values()):
                rows.append({"instance": f"{label} k={k}", "error": "; ".join(r.get("error", "") for r in runs.values())})
                continue
            a, b, c = runs["reuse"]["rows"], runs["no_reuse"]["rows"], runs["run"]["rows"]
            equal = (len(a) == len(b) == len(c) and all(_rows_close(x, y) and _rows_close(x, z)
                                                       for x, y, z in zip(a, b, c)))
            rows.append({"instance": f"{label} k={k}", "variants": len(values),
                         "reuse_s": runs["reuse"]["seconds"], "no_reuse_s": runs["no_reuse"]["seconds"],
                         "run_s": runs["run"]["seconds"],
                         "ratio_run": runs["run"]["seconds"] / runs["reuse"]["seconds"],
                         "ratio": runs["no_reuse"]["seconds"] / runs["reuse"]["seconds"],
                         "per_variant_reuse_s": runs["reuse"]["seconds"] / len(values),
                         "equal_tol": equal, "optimal": all(r["status"] == "optimal" for r in a + b + c),
                         "top_n": runs["run"]["top_n"]})
            details[label] = a
            notes.append(f"{label} k={k}, governance capacity {values}: " + "; ".join(
                f"cap {r['constraints.governance_capacity']}: {r['status']}, NPV {fmt(r['objective'])}, "
                f"{r['n_partnerships']} partnerships" for r in a))
        columns = [("instance", "instance", "text"), ("variants", "variants"),
                   ("run_s", "run() per variant s", "s"), ("no_reuse_s", "sweep reuse=False s", "s"),
                   ("reuse_s", "sweep reuse=True s", "s"), ("ratio_run", "vs run()", "x"),
                   ("ratio", "vs reuse=False", "x"), ("per_variant_reuse_s", "s/variant (reuse)", "s"),
                   ("equal_tol", "rows equal (rel 1e-9)", "text"), ("optimal", "all optimal", "text")]
        notes = ["Constraint-only sweep over `constraints.governance_capacity`, engine='serial', solver "
                 f"time limit {self.args.sweep_time_cap:g} s per variant (every variant solves to "
                 "optimality, so all three timings do the same solver work and give the same rows); each "
                 "timing in a fresh process. Three ways to get the rows, measured in the same run: "
                 "**run() per variant** = re-running each scenario from scratch through the whole pipeline, "
                 "as `sharedopt run` would (load, enumerate with shares, model, solve, ranking with the "
                 "config's loss-if-forced re-solves, summary); **sweep reuse=False** = the sweep's own "
                 "per-variant work (load, enumerate, model, solve; no shares or ranking) repeated for every "
                 "variant; **sweep reuse=True** = data and candidates once, then model and solve per variant.",
                 "'vs run()' is the speed-up over re-running each scenario from scratch; 'vs reuse=False' "
                 "isolates what reusing the data and the enumeration alone saves. Enumeration is fast "
                 "(0.1 s North East, 0.2 s Wales k=4) next to the MIP, so most of the saving is not "
                 "re-running what a sweep row does not need (shares, ranking re-solves)."] + notes
        return {"columns": columns, "rows": rows, "notes": notes, "variants": details}

    # -- 5 ---------------------------------------------------------------------------
    def montecarlo(self) -> dict:
        n = 20 if self.args.quick else self.args.draws
        print(f"  Monte Carlo North East, {n} draws", flush=True)
        res = isolated("work_montecarlo", {"config": "north-east.toml", "n": n, "max_workers": 2},
                       timeout=self.args.instance_timeout + 10 * n,
                       mem_limit_gb=self.args.mem_limit_gb, label="montecarlo")
        if "error" in res:
            return {"columns": [("error", "error", "text")], "rows": [res], "notes": []}
        q = {t["measure"]: t for t in res["totals"]}
        row = {"instance": "North East k=5", "draws": n, "workers": 2, "total_s": res["seconds"],
               "per_scenario_s": res["seconds"] / n,
               "npv_p10": q["npv_gbp_k"]["p10"], "npv_p50": q["npv_gbp_k"]["p50"],
               "npv_p90": q["npv_gbp_k"]["p90"],
               "saving_p50": q["annual_net_saving_gbp_k"]["p50"],
               "statuses": ", ".join(f"{k} {v}" for k, v in res["statuses"].items()),
               "peak_rss_mb": res["peak_rss_mb"]}
        columns = [("instance", "instance", "text"), ("draws", "draws"), ("workers", "workers"),
                   ("total_s", "total s", "s"), ("per_scenario_s", "s/scenario", "s"),
                   ("npv_p10", "NPV P10 £k"), ("npv_p50", "NPV P50 £k"), ("npv_p90", "NPV P90 £k"),
                   ("saving_p50", "annual net saving P50 £k"), ("statuses", "statuses", "text")]
        notes = ["`uncertainty(north-east default, n, {Environment.e_down ~ U(0.06, 0.18), "
                 "costs ~ lognormal(sigma 0.1)}, engine='process', max_workers=2)`; "
                 "s/scenario = total wall time / draws (2 workers in parallel).",
                 f"Peak RSS of the calling process {res['peak_rss_mb']:.0f} MB (the pool's workers "
                 "are forked from a forkserver, not children of it, so `getrusage` does not see "
                 "them; not measured)."]
        return {"columns": columns, "rows": [row], "notes": notes, "totals": res["totals"]}


def _rows_close(x: dict, y: dict, rel: float = 1e-9) -> bool:
    if x.keys() != y.keys():
        return False
    for key in x:
        a, b = x[key], y[key]
        if isinstance(a, float) and isinstance(b, float):
            if not math.isclose(a, b, rel_tol=rel, abs_tol=1e-6):
                return False
        elif a != b:
            return False
    return True


def _last_stage(progress: list[dict]) -> str:
    done = [p["step"] for p in progress if "step" in p]
    order = ["load", "enumerate", "build", "solve"]
    last = max((order.index(s) for s in done if s in order), default=-1)
    return "during " + (order[last + 1] if last + 1 < len(order) else "assign/baseline")


# ----------------------------------------------------------------------------------
# targets, machine info, output
# ----------------------------------------------------------------------------------
def targets(sections: dict) -> list[dict]:
    """Targets from the issues, with the measured value and whether it is met."""
    out = []

    def port(label, k):
        rows = sections.get("portfolio", {}).get("rows", [])
        return next((r for r in rows if r.get("instance") == label and r.get("k") == k), None)

    w = port("Wales", 6)
    if w:
        met = w.get("status") == "optimal" and (w.get("end_to_end_s") or 1e9) < 5
        out.append({"target": "Wales all services k=6 proven optimal < 5 s end to end",
                    "measured": f"{w.get('status')}, gap {fmt(w.get('gap'), 'pct')}, "
                                f"{fmt(w.get('end_to_end_s'), 's')} s", "met": met})
    e = port("England", 5)
    if e:
        gap = e.get("gap")
        met = gap is not None and gap <= 0.001 and (e.get("end_to_end_s") or 1e9) < 60
        out.append({"target": "England all bodies k=5 within 0.1% of the true bound < 60 s end to end",
                    "measured": f"{e.get('status')}, gap {fmt(gap, 'pct')}, "
                                f"{fmt(e.get('end_to_end_s'), 's')} s", "met": met})
    for r in sections.get("baseline", {}).get("rows", []):
        if r.get("ratio") is not None:
            met = (r["ratio"] >= 5 and bool(r["agree"]) and r.get("sharedopt_status") == "optimal")
            out.append({"target": f">= 5x faster than the plain PuLP/CBC baseline to the same gap "
                                  f"({r['instance']} k={r['k']})",
                        "measured": f"{r.get('ratio_text', fmt(r['ratio'], 'x'))} ({fmt(r['baseline_s'], 's')} s vs "
                                    f"{fmt(r['sharedopt_s'], 's')} s), objectives agree: {fmt(r['agree'])}",
                        "met": met})
    us4 = port("US counties", 4)
    if us4:
        gap, t, mem = us4.get("gap"), us4.get("end_to_end_s"), us4.get("peak_rss_mb")
        met = gap is not None and gap <= 0.005 and (t or 1e9) < 300 and (mem or 1e9) < 4096
        out.append({"target": "US counties all services k=4 within 0.5% of the true bound < 300 s, peak < 4 GB",
                    "measured": f"{us4.get('status')}, gap {fmt(gap, 'pct')}, {fmt(t, 's')} s, "
                                f"{fmt(mem)} MB", "met": met})
    us6 = port("US counties", 6)
    if us6:
        out.append({"target": "US counties k=6 via column generation: gap and time (reported, no threshold)",
                    "measured": f"{us6.get('method')}, {us6.get('status')}, gap {fmt(us6.get('gap'), 'pct')}, "
                                f"{fmt(us6.get('end_to_end_s'), 's')} s, {fmt(us6.get('peak_rss_mb'))} MB",
                    "met": None if us6.get("gap") is None else us6.get("method") == "generated"})
    e6 = port("England", 6)
    if e6 and e6.get("end_to_end_s") is not None:
        b = ENGLAND_K6_BEFORE
        faster = e6["end_to_end_s"] < b["end_to_end_s"]
        out.append({"target": "England k=6 faster than before",
                    "measured": f"before {b['end_to_end_s']:.1f} s, gap {fmt(b['gap'], 'pct')}, "
                                f"{b['peak_rss_mb']:.0f} MB; now {fmt(e6['end_to_end_s'], 's')} s, gap "
                                f"{fmt(e6.get('gap'), 'pct')}, {fmt(e6.get('peak_rss_mb'))} MB ({e6.get('method')})",
                    "met": faster})
    en = sections.get("enumeration")
    if en and "district_total_s" in en:
        out.append({"target": "Enumerate all English district-level services at k=5 < 60 s",
                    "measured": f"{fmt(en['district_total_s'], 's')} s", "met": en["district_total_s"] < 60})
    for r in sections.get("sweep", {}).get("rows", []):
        if "ratio_run" not in r:
            continue
        out.append({"target": f"Constraint-only sweep with reuse >= 3x faster than re-running each scenario "
                              f"from scratch, rows equal ({r['instance']})",
                    "measured": f"{fmt(r['ratio_run'], 'x')} vs run() per variant "
                                f"({fmt(r['run_s'], 's')} s vs {fmt(r['reuse_s'], 's')} s); reuse of data and "
                                f"enumeration alone {fmt(r['ratio'], 'x')}; rows equal: {fmt(r['equal_tol'])}",
                    "met": r["ratio_run"] >= 3 and bool(r["equal_tol"])})
    mc = sections.get("montecarlo", {}).get("rows", [])
    if mc and "per_scenario_s" in mc[0]:
        out.append({"target": "200-scenario Monte Carlo: time per scenario (reported, no threshold)",
                    "measured": f"{fmt(mc[0]['per_scenario_s'], 's')} s/scenario over {mc[0]['draws']} "
                                f"draws ({fmt(mc[0]['total_s'], 's')} s total)", "met": None})
    return out


def machine_info() -> dict:
    def version(name):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    mem = next((int(line.split()[1]) / 1024**2 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), None) if Path("/proc/meminfo").exists() else None
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=ROOT, capture_output=True,
                               text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit, dirty = None, ""
    return {"cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)), "cpu": cpu,
            "memory_gb": round(mem, 1) if mem else None, "python": platform.python_version(),
            "platform": platform.platform(), "sharedopt": version("sharedopt"), "highspy": version("highspy"),
            "pulp": version("pulp"), "numpy": version("numpy"), "scipy": version("scipy"),
            "pandas": version("pandas"), "git_commit": commit,
            "src_uncommitted_changes": [line[3:] for line in dirty.splitlines()]}


def source_hashes() -> dict[str, str]:
    """SHA-256 (short) of every sharedopt source file: shows edits made during the run."""
    import hashlib

    src = ROOT / "src" / "sharedopt"
    return {str(p.relative_to(src)): hashlib.sha256(p.read_bytes()).hexdigest()[:12]
            for p in sorted(src.rglob("*.py"))}


def render(doc: dict) -> str:
    m = doc["machine"]
    lines = ["# sharedopt benchmark results", "",
             f"Run {doc['run_at']} ({'quick' if doc['quick'] else 'full'} run; command "
             f"`{doc['command']}`).", "",
             f"Machine: {m['cores']} cores ({m['usable_cores']} usable), {m['cpu']}, "
             f"{m['memory_gb']} GB RAM; Python {m['python']}, highspy {m['highspy']}, "
             f"PuLP {m['pulp']}, numpy {m['numpy']}, scipy {m['scipy']}; sharedopt {m['sharedopt']} "
             f"at commit {m['git_commit']}"
             + (f" with uncommitted changes in {', '.join(m['src_uncommitted_changes'])}"
                if m["src_uncommitted_changes"] else "") + ".", ""]
    if doc.get("sources_changed_during_run"):
        lines += ["**Source files changed while the benchmark ran** (another engineer's edits; "
                  "sections may have used different versions): "
                  + ", ".join(doc["sources_changed_during_run"]), ""]
    if doc.get("targets"):
        lines += ["## Targets", "", markdown_table(
            [("target", "target", "text"), ("measured", "measured", "text"), ("met", "met", "text")],
            doc["targets"]), ""]
    for name in SECTIONS:
        section = doc["sections"].get(name)
        if not section:
            continue
        lines += [f"## {name}", "", f"_ran {section.get('run_at', '?')}, section wall time "
                  f"{fmt(section.get('section_s'), 's')} s_", "",
                  markdown_table([tuple(c) for c in section["columns"]], section["rows"]), ""]
        lines += [f"- {note}" for note in section.get("notes", [])]
        if section.get("sources_changed"):
            lines.append("- **sharedopt sources changed while this section ran**: "
                         + ", ".join(section["sources_changed"]))
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="skip the England portfolio instances, 20 Monte Carlo draws")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, metavar="NAME",
                        help=f"run only these sections ({', '.join(SECTIONS)})")
    parser.add_argument("--time-cap", type=float, default=120.0,
                        help="cap on the config's solver time limit, seconds (default 120)")
    parser.add_argument("--england-time-cap", type=float, default=120.0,
                        help="cap for the England instances (default 120; 300 if time allows)")
    parser.add_argument("--us-time-cap", type=float, default=240.0,
                        help="cap for the US counties instances (default 240)")
    parser.add_argument("--instance-timeout", type=float, default=600.0,
                        help="wall-clock limit of one measurement besides its solver limit (default 600)")
    parser.add_argument("--mem-limit-gb", type=float, default=16.0,
                        help="address-space limit of each measuring process (default 16)")
    parser.add_argument("--instances", nargs="+", metavar="LABEL:K",
                        help="portfolio/baseline instances to run, e.g. 'Wales:6' 'England:5' "
                             "(default: all)")
    parser.add_argument("--sweep-time-cap", type=float, default=60.0,
                        help="solver time limit of each sweep variant, seconds (default 60)")
    parser.add_argument("--baseline-england-cap", type=float, default=300.0,
                        help="time limit of the plain baseline on England k=4 (default 300)")
    parser.add_argument("--draws", type=int, default=200, help="Monte Carlo draws (default 200)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    args = parser.parse_args(argv)

    selected = list(args.only or SECTIONS)
    bench = Bench(args)
    bench.selected = selected
    args.out.mkdir(parents=True, exist_ok=True)
    json_path = args.out / "results.json"
    old = json.loads(json_path.read_text()) if (args.only and json_path.exists()) else {}
    doc = {"run_at": dt.datetime.now().isoformat(timespec="seconds"), "quick": args.quick,
           "command": "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
           "machine": machine_info(), "sections": old.get("sections", {})}
    hashes = source_hashes()
    doc["source_hashes"] = hashes
    t_all = time.perf_counter()
    for name in SECTIONS:
        if name not in selected:
            continue
        print(f"== {name}", flush=True)
        t = time.perf_counter()
        before = source_hashes()
        section = getattr(bench, name)()
        after = source_hashes()
        section["sources_changed"] = sorted(f for f in set(before) | set(after)
                                            if before.get(f) != after.get(f))
        section["run_at"] = dt.datetime.now().isoformat(timespec="seconds")
        section["section_s"] = time.perf_counter() - t
        section["quick"] = args.quick
        doc["sections"][name] = section
        print(markdown_table([tuple(c) for c in section["columns"]], section["rows"]), flush=True)
        for note in section.get("notes", []):
            print(f"  - {note}")
        print(flush=True)
        _write(doc, args.out)  # keep partial results if a later section fails
    doc["total_s"] = time.perf_counter() - t_all
    after = source_hashes()
    doc["sources_changed_during_run"] = sorted(f for f in set(hashes) | set(after)
                                               if hashes.get(f) != after.get(f))
    doc["targets"] = targets(doc["sections"])
    print("== targets")
    print(markdown_table([("target", "target", "text"), ("measured", "measured", "text"),
                          ("met", "met", "text")], doc["targets"]))
    print(f"\ntotal {doc['total_s']:.0f} s; wrote {args.out / 'results.md'} and {json_path}")
    _write(doc, args.out)
    return 0


def _write(doc: dict, out: Path) -> None:
    doc = dict(doc, targets=targets(doc["sections"]))
    (out / "results.json").write_text(json.dumps(_finite(doc), indent=2, default=_json_default) + "\n")
    (out / "results.md").write_text(render(doc) + "\n")


def _finite(value):
    """NaN / inf -> None, recursively (results.json stays strict JSON)."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _json_default(value):
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
