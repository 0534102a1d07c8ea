"""Section 3, baseline: the same candidates solved by a plain PuLP/CBC model.

The baseline is measured in the portfolio section's child processes (right after
sharedopt's solve, on the same candidates table); this section only tabulates it.
"""

from __future__ import annotations

import time
from collections import defaultdict

import pulp

# (label, k) of the portfolio instances that also get the plain baseline
BASELINE_INSTANCES = [("North East", 5), ("Wales", 6), ("England", 4)]


def plain_baseline(table, config, gap: float, time_limit: float | None) -> dict:
    """The portfolio MIP "as an analyst would write it": PuLP objects in Python loops, CBC."""
    cons = config.constraints
    ignored = [name for name, value in cons.model_dump().items()
               if name not in ("one_partnership_per_slot", "governance_capacity", "objective")
               and value not in (None, [], {}, False)]
    t0 = time.perf_counter()
    prob = _plain_problem(table, cons.governance_capacity)
    build_s = time.perf_counter() - t0
    t = time.perf_counter()
    prob.solve(pulp.PULP_CBC_CMD(msg=False, gapRel=gap, timeLimit=time_limit))
    solve_s = time.perf_counter() - t
    return {"build_s": build_s, "solve_s": solve_s, "total_s": build_s + solve_s,
            "status": pulp.LpStatus[prob.status], "sol_status": pulp.LpSolution.get(prob.sol_status),
            "objective": pulp.value(prob.objective), "rows": len(prob.constraints),
            "time_limit_s": time_limit,
            "ignored_constraints": ignored}


def _plain_problem(table, capacity) -> pulp.LpProblem:
    """A binary per candidate, one row per authority-service slot and per authority."""
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
    return prob


def baseline_section(runs) -> dict:
    """Tabulate baseline against sharedopt for the baseline instances ``runs`` selects.

    ``runs`` is the run's :class:`bench_portfolio.PortfolioRuns` (measures each instance
    once, with its baseline, for both sections).
    """
    rows = []
    for label, config, k in runs.instances():
        if (label, k) not in BASELINE_INSTANCES:
            continue
        res = runs.result(label, config, k, baseline=True)
        row = {"instance": label, "k": k, "candidates": res.get("candidates")}
        if "error" in res:
            row["status"] = "not run: " + res["error"]
        else:
            row.update(_comparison(res))
        rows.append(row)
    return {"columns": _COLUMNS, "rows": rows, "notes": _NOTES + [_stop_note(r) for r in rows if _stopped(r)]}


def _comparison(res: dict) -> dict:
    """Baseline against sharedopt on one instance: times, objectives, speed ratio."""
    b = res["baseline"]
    ours = res["build_s"] + res["solve_s"]
    gap = res["mip_gap"]
    row, agree = {}, None
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
    return row


def _stopped(r: dict) -> bool:
    return bool(r.get("baseline_status")) and r["baseline_status"] != "Optimal Solution Found"


def _stop_note(r: dict) -> str:
    """The note on a baseline stopped by its time limit before the gap."""
    note = (f"{r['instance']} k={r['k']}: the baseline stopped at its {r['baseline_limit_s']:g} s "
            f"limit without reaching the gap ({r['baseline_status']})")
    if r.get("sharedopt_status") != "optimal":
        note += (f"; sharedopt did not reach the gap either ({r['sharedopt_status']} after "
                 f"{r['sharedopt_s']:.1f} s, limit {r['time_limit_s']:g} s)")
    if r.get("baseline_objective") is not None and r.get("sharedopt_objective"):
        better = r["sharedopt_objective"] / r["baseline_objective"] - 1
        note += f"; sharedopt's objective is {100 * better:+.2f}% vs the baseline's"
    return note + "."


_COLUMNS = [("instance", "instance", "text"), ("k", "k"), ("candidates", "candidates"),
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
_NOTES = ["Baseline: one `pulp.LpVariable` (binary) per candidate, `lpSum` constraints from "
          "Python loops (one per authority-service slot over the candidates using it, one "
          "per authority for governance capacity 3), solved by "
          "`pulp.PULP_CBC_CMD(msg=False, gapRel=<config gap>, timeLimit=<solver limit>)` "
          "(CBC, 1 thread), on the same candidates table as sharedopt. Timed build + solve.",
          "Measured in the same child processes as the portfolio section (right after "
          "sharedopt's solve), so this section's own wall time is ~0 when both run. "
          "Speed ratio = baseline build+solve / sharedopt `create_model` + `solve_model` "
          "(HiGHS via highspy, 2 threads, decomposition). 'Agree within gap' = "
          "|difference| <= gap x max(|objectives|).",
          "Speed ratio is measured only when both reach the gap; if only sharedopt does, "
          "it is a lower bound; if sharedopt stops at its time limit it is not comparable "
          "(then compare the objectives reached in about the same time)."]
