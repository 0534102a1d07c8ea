"""England's Monte Carlo end to end, as a user runs it, against its target: 200 draws in under 10 minutes.

Runs ``sharedopt run configs/england.toml --uncertainty N --format csv,json`` in a fresh process
(imports, data load, the deterministic run, the draws and the outputs: everything a user waits
for) and records the wall time, the CPU time of the run's own process (its pool workers are the
fork server's children, not counted), the machine's load before it, and what the run's ``summary.json`` says of its draws: the band, the statuses, the
largest gap a draw ended at, the robust core. Run it from any checkout's interpreter to measure
that checkout::

    .venv/bin/python benchmarks/england_monte_carlo.py --label after          # about 10 minutes
    .venv/bin/python benchmarks/england_monte_carlo.py --draws 24 --label quick

Results: one line per run appended to ``benchmarks/results/england_monte_carlo.jsonl`` and the
table ``benchmarks/results/england_monte_carlo.md`` written again from all of them. The cores
may be shared: a run with other work alongside is slower, so compare runs of similar load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
TARGET_SECONDS = 600.0


def run_once(draws: int, config: str) -> dict:
    """One end-to-end run: wall seconds, the run's own CPU seconds (not its pool workers') and its summary."""
    sharedopt = Path(sys.executable).with_name("sharedopt")
    with tempfile.TemporaryDirectory() as out:
        load = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([str(sharedopt), "run", str(ROOT / "configs" / config), "--uncertainty", str(draws),
                        "--format", "csv,json", "--out", out], check=True, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        summary = json.loads((Path(out) / "summary.json").read_text())
    spread, npv = summary["uncertainty"], summary["uncertainty"]["npv_gbp_k"]
    return {"config": config, "draws": draws, "load_before": round(load, 2), "seconds": round(seconds, 1),
            "cpu_seconds": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1),
            "peak_rss_gb": round(after.ru_maxrss / 1e6, 2), "npv_p10": npv.get("p10"), "npv_p50": npv.get("p50"),
            "npv_p90": npv.get("p90"), "solver_status": spread.get("solver_status"),
            "largest_draw_gap": spread.get("largest_draw_gap"), "robust": summary["robustness"]["n_robust"],
            "headline_npv": summary["totals"]["npv_gbp_k"]}


def table(rows: list[dict]) -> str:
    """The markdown table of every recorded run."""
    lines = ["# England's Monte Carlo end to end (`benchmarks/england_monte_carlo.py`)", "",
             f"`sharedopt run configs/england.toml --uncertainty N --format csv,json`; target: 200 draws in under "
             f"{TARGET_SECONDS / 60:.0f} minutes on 2 cores. CPU: the run's own process (the deterministic run, the "
             "outputs, the pool's upkeep; not the pool workers). Load: the 1-minute load "
             "average before the run (the cores may be shared).", "",
             "| label | commit | draws | wall | CPU (run's process) | load | peak RSS (parent) | NPV P10 / P50 / P90 £k | largest draw gap | target |",
             "|---|---|---:|---:|---:|---:|---:|---|---:|---|"]
    for r in rows:
        band = " / ".join(f"{r[k]:,.0f}" if r.get(k) is not None else "-" for k in ("npv_p10", "npv_p50", "npv_p90"))
        gap = f"{r['largest_draw_gap']:.3%}" if r.get("largest_draw_gap") is not None else "-"
        met = "met" if r["draws"] >= 200 and r["seconds"] < TARGET_SECONDS else ("-" if r["draws"] < 200 else "not met")
        minutes, seconds = divmod(round(r["seconds"]), 60)
        lines.append(f"| {r['label']} | {r['commit']} | {r['draws']} | {minutes} min {seconds:02d} s | {r['cpu_seconds']:.0f} s | {r['load_before']:.1f} | "
                     f"{r['peak_rss_gb']:.1f} GB | {band} | {gap} | {met} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--config", default="england.toml")
    parser.add_argument("--label", default="run")
    args = parser.parse_args()
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    row = {"label": args.label, "commit": commit, **run_once(args.draws, args.config)}
    log = RESULTS / "england_monte_carlo.jsonl"
    with log.open("a") as f:
        f.write(json.dumps(row) + "\n")
    write_table(log)
    print(table([row]))


def write_table(log: Path) -> None:
    """``england_monte_carlo.md`` from every run in ``log``."""
    rows = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    (RESULTS / "england_monte_carlo.md").write_text(table(rows))


if __name__ == "__main__":
    main()
