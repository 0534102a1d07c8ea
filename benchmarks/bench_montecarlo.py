"""Section 5, montecarlo: ``uncertainty()`` on the North East default, 200 draws."""

from __future__ import annotations

import json
import time

from sharedopt.pipeline.scenario import Scenario
from sharedopt.pipeline.uncertainty import uncertainty

from bench_isolation import isolated
from bench_paths import CONFIGS

MC_DISTRIBUTIONS = {
    "model.services.Environment.e_down": {"dist": "uniform", "low": 0.06, "high": 0.18},
    "costs": {"dist": "lognormal", "sigma": 0.1},
}
WORKERS = 2


def work_montecarlo(*, report, config: str, n: int, max_workers: int) -> dict:
    """Child-process work: ``n`` draws with a process pool; time, quantiles, statuses."""
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


def montecarlo_section(args) -> dict:
    """Measure the draws in a child (``--quick``: 20 draws); one row."""
    n = 20 if args.quick else args.draws
    print(f"  Monte Carlo North East, {n} draws", flush=True)
    res = isolated(work_montecarlo, {"config": "north-east.toml", "n": n, "max_workers": WORKERS},
                   timeout=args.instance_timeout + 10 * n,
                   mem_limit_gb=args.mem_limit_gb, label="montecarlo")
    if "error" in res:
        return {"columns": [("error", "error", "text")], "rows": [res], "notes": []}
    q = {t["measure"]: t for t in res["totals"]}
    row = {"instance": "North East k=5", "draws": n, "workers": WORKERS, "total_s": res["seconds"],
           "per_scenario_s": res["seconds"] / n,
           "npv_p10": q["npv_gbp_k"]["p10"], "npv_p50": q["npv_gbp_k"]["p50"],
           "npv_p90": q["npv_gbp_k"]["p90"],
           "saving_p50": q["annual_net_saving_gbp_k"]["p50"],
           "statuses": ", ".join(f"{k} {v}" for k, v in res["statuses"].items()),
           "peak_rss_mb": res["peak_rss_mb"]}
    notes = ["`uncertainty(north-east default, n, {Environment.e_down ~ U(0.06, 0.18), "
             "costs ~ lognormal(sigma 0.1)}, engine='process', max_workers=2)`; "
             "s/scenario = total wall time / draws (2 workers in parallel).",
             f"Peak RSS of the calling process {res['peak_rss_mb']:.0f} MB (the pool's workers "
             "are forked from a forkserver, not children of it, so `getrusage` does not see "
             "them; not measured)."]
    return {"columns": _COLUMNS, "rows": [row], "notes": notes, "totals": res["totals"]}


_COLUMNS = [("instance", "instance", "text"), ("draws", "draws"), ("workers", "workers"),
            ("total_s", "total s", "s"), ("per_scenario_s", "s/scenario", "s"),
            ("npv_p10", "NPV P10 £k"), ("npv_p50", "NPV P50 £k"), ("npv_p90", "NPV P90 £k"),
            ("saving_p50", "annual net saving P50 £k"), ("statuses", "statuses", "text")]
