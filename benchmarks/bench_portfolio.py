"""Section 2, portfolio: load, enumerate, build and solve each instance end to end.

Instances: North East (k = 5), Wales (k = 6), England (k = 4, 5, 6) and the US
counties (k = 4, 6). The instances of :data:`bench_baseline.BASELINE_INSTANCES` also
run the plain baseline in the same child, right after sharedopt's solve.
"""

from __future__ import annotations

import time

from sharedopt.pipeline.assign import assign_solution
from sharedopt.pipeline.steps import create_model, enumerate_candidates, load_inputs, solve_model
from sharedopt.pipeline.scenario import Scenario

from bench_baseline import BASELINE_INSTANCES, plain_baseline
from bench_isolation import isolated, peak_rss_mb
from bench_paths import CONFIGS

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
STEPS = ["load", "enumerate", "build", "solve"]


def scenario_changes(k: int | None, time_limit: float | None, config_limit: float | None) -> dict:
    """Scenario changes of a measurement: no ranking re-solves, group size, capped time limit."""
    changes = {"report.top_n": 0}
    if k is not None:
        changes["model.max_group_size"] = k
    if time_limit is not None:
        changes["solver.time_limit"] = min(time_limit, config_limit) if config_limit else time_limit
    return changes


def work_portfolio(*, report, config: str, k: int, time_limit: float, baseline: bool,
                   baseline_limit: float | None = None) -> dict:
    """Child-process work: time each public pipeline step on one instance (and the baseline)."""
    base = Scenario.from_config(CONFIGS / config)
    config_ = base.with_(scenario_changes(k, time_limit, base.config.solver.time_limit)).config
    out = {"time_limit_s": config_.solver.time_limit, "mip_gap": config_.solver.mip_gap}

    t = time.perf_counter()
    inputs = load_inputs(config_)
    out["load_s"] = time.perf_counter() - t
    out["authorities"] = int(len(inputs.authorities))
    report(step="load", seconds=round(out["load_s"], 2))
    candidates = _timed_candidates(inputs, config_, out, report)
    _timed_model_and_solve(inputs, candidates, config_, out, report)
    out["peak_rss_before_baseline_mb"] = round(peak_rss_mb(), 1)

    if baseline:
        report(step="baseline start", candidates=out["candidates"])
        out["baseline"] = plain_baseline(candidates.table, config_, config_.solver.mip_gap,
                                         baseline_limit or config_.solver.time_limit)
    return out


def _timed_candidates(inputs, config, out: dict, report):
    """``enumerate_candidates`` timed, with how the candidates were found, into ``out``."""
    last = [0.0]

    def on_event(event):  # the run's one event type, throttled: one line every 15 s at most
        if time.perf_counter() - last[0] > 15:
            last[0] = time.perf_counter()
            report(step=event.step, message=event.message, done=event.done)

    t = time.perf_counter()
    candidates = enumerate_candidates(inputs, config, on_event)
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
    return candidates


def _timed_model_and_solve(inputs, candidates, config, out: dict, report) -> None:
    """``create_model``, ``solve_model`` and ``assign_solution`` timed, results into ``out``.

    The model and the assigned result are dropped on return (before any baseline).
    """
    t = time.perf_counter()
    model = create_model(candidates, config)
    out["build_s"] = time.perf_counter() - t
    out["rows"] = model.n_constraints
    report(step="build", seconds=round(out["build_s"], 2), rows=model.n_constraints)

    t = time.perf_counter()
    solved, chosen = solve_model(model, config)
    out["solve_s"] = time.perf_counter() - t
    out["end_to_end_s"] = out["load_s"] + out["enumerate_s"] + out["build_s"] + out["solve_s"]
    out.update(status=solved.status, objective=solved.objective, best_bound=solved.best_bound,
               gap=solved.gap, n_pieces=solved.n_pieces, solver=solved.solver_version,
               solver_message=solved.message, termination=solved.termination)
    report(step="solve", seconds=round(out["solve_s"], 2), status=solved.status, gap=solved.gap)

    t = time.perf_counter()
    result = assign_solution(inputs, candidates, model, solved, chosen, config)
    out["assign_s"] = time.perf_counter() - t
    frontier = result.summary.frontier
    out["frontier_annual_gbp_k"] = frontier["scale_frontier_annual_gbp_k"]
    out["portfolio_scale_saving_gbp_k"] = frontier["portfolio_scale_saving_gbp_k"]
    out["share_of_frontier"] = frontier["share_of_frontier_captured"]
    out["n_partnerships"] = result.summary.totals["n_partnerships"]


class PortfolioRuns:
    """The run's portfolio measurements: which instances, their solver caps, each measured once.

    Parameters
    ----------
    args : argparse.Namespace
        The command line (``quick``, ``instances``, the time caps, limits).
    """

    def __init__(self, args):
        self.args = args
        self._results: dict[tuple[str, int], dict] = {}

    def time_cap(self, label: str) -> float:
        """The cap on the config's solver time limit for an instance family."""
        if label == "US counties":
            return self.args.us_time_cap
        return self.args.england_time_cap if label == "England" else self.args.time_cap

    def instances(self):
        """``(label, config, k)`` of the instances this run measures."""
        for label, config, k, heavy in INSTANCES:
            if self.args.quick and heavy:
                continue
            if self.args.instances and f"{label}:{k}" not in self.args.instances:
                continue
            yield label, config, k

    def result(self, label: str, config: str, k: int, baseline: bool) -> dict:
        """Measure one instance in a child (once; again only to add a missing baseline)."""
        key = (label, k)
        cached = self._results.get(key)
        if cached is not None and (not baseline or "baseline" in cached or "error" in cached):
            return cached
        cap = self.time_cap(label)
        # the plain baseline gets the same solver limit, except England (its own cap)
        baseline_limit = self.args.baseline_england_cap if label == "England" else None
        budget = self.args.instance_timeout + ((baseline_limit or cap) + 300 if baseline else 0)
        print(f"  portfolio {label} k={k} (solver cap {cap:g} s{', + baseline' if baseline else ''})",
              flush=True)
        result = isolated(work_portfolio, {"config": config, "k": k, "time_limit": cap,
                                           "baseline": baseline, "baseline_limit": baseline_limit},
                          timeout=budget, mem_limit_gb=self.args.mem_limit_gb, label=f"{label} k={k}")
        result.update(instance=label, k=k, config=config)
        self._results[key] = result
        return result


def portfolio_section(runs: PortfolioRuns, with_baseline: bool) -> dict:
    """One row per instance; ``with_baseline``: measure the baseline in the same children."""
    rows = []
    for label, config, k in runs.instances():
        want_baseline = (label, k) in BASELINE_INSTANCES and with_baseline
        res = runs.result(label, config, k, want_baseline)
        row = {key: value for key, value in res.items() if key != "baseline"}
        if "error" in res:
            row["status"] = "not run to the end: " + res["error"]
            row["stage"] = _last_stage(res.get("progress", []))
        rows.append(row)
    return {"columns": _COLUMNS, "rows": rows, "notes": _notes(runs.args) + _instance_notes(rows)}


def _last_stage(progress: list[dict]) -> str:
    """The pipeline step a stopped measurement was in, from its progress lines."""
    done = [p["step"] for p in progress if "step" in p]
    last = max((STEPS.index(s) for s in done if s in STEPS), default=-1)
    return "during " + (STEPS[last + 1] if last + 1 < len(STEPS) else "assign/baseline")


def _notes(args) -> list[str]:
    return ["End-to-end = load + enumerate + build + solve (wall clock, `time.perf_counter`), "
            "each step timed around the public pipeline function in a fresh process. "
            "`assign_solution` (run with `report.top_n = 0`) is not included "
            "(see `assign_s` in results.json).",
            "Objective and bound are NPV in £k; gap = (bound - objective) / objective. "
            "Frontier = economies-of-scale frontier (annual £k, every authority at its "
            "minimum unit cost); captured = portfolio scale saving / frontier.",
            f"Solver time limit = the config's, capped at {args.time_cap:g} s "
            f"({args.england_time_cap:g} s for England, {args.us_time_cap:g} s for "
            "the US counties, whose costs are SYNTHETIC). Each instance has a "
            f"{args.instance_timeout:g} s wall-clock limit and a "
            f"{args.mem_limit_gb:g} GB address-space limit.",
            "candidates by: 'enumerated' = every connected group listed and valued; "
            "'generated' = column generation over implicit groups (sharedopt.solve.generate), "
            "used when there are more than 2,000,000 groups; valued = groups valued "
            "(enumerated, or generated plus the small starting groups)."]


def _instance_notes(rows: list[dict]) -> list[str]:
    """Per instance: column generation's counts, solver messages, errors."""
    notes = []
    for r in rows:
        if r.get("generation_note"):
            counted = f"{r['groups_counted']:,}" + ("" if r.get("count_exact") else "+ (count stopped at the cap)")
            notes.append(f"{r['instance']} k={r['k']}: connected groups counted first: {counted}; "
                         f"{r['generation_note']}")
        if r.get("solver_message"):
            notes.append(f"{r['instance']} k={r['k']}: solver note: {r['solver_message']}")
        if "error" in r:
            notes.append(f"{r['instance']} k={r['k']}: {r['error']} (last stage: {r.get('stage')})")
    return notes


_COLUMNS = [("instance", "instance", "text"), ("authorities", "authorities"), ("k", "k"),
            ("candidates", "candidates (kept)"), ("method", "candidates by", "text"),
            ("enumerated", "valued"),
            ("load_s", "load s", "s"), ("enumerate_s", "enumerate s", "s"),
            ("build_s", "build s", "s"), ("solve_s", "solve s", "s"),
            ("end_to_end_s", "end-to-end s", "s"), ("status", "status", "text"),
            ("objective", "objective £k"), ("best_bound", "best bound £k"),
            ("gap", "gap", "pct"), ("frontier_annual_gbp_k", "frontier annual £k"),
            ("share_of_frontier", "frontier captured", "pct"),
            ("time_limit_s", "solver limit s"), ("peak_rss_mb", "peak RSS MB")]
