"""CPU time of valuing one service's connected groups (``candidates.batch.value_groups``).

Valuation (spans, readiness, the savings terms, shares) dominates enumeration: listing the
groups is fast, valuing them at every depth is not. This times ``value_groups`` on one
service of a config, in CPU seconds (not wall clock, so a shared machine does not move the
figure much), for one or more source trees side by side, and writes
``benchmarks/results/valuation_speed.md``.

Run::

    .venv/bin/python benchmarks/valuation_speed.py                       # this tree
    .venv/bin/python benchmarks/valuation_speed.py --src /path/to/old/src --src src
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "valuation_speed.md"

CHILD = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
import sharedopt
from sharedopt.config.schema import load_config
from sharedopt.pipeline.steps import load_inputs
from sharedopt.candidates.enumerate import connected_groups
from sharedopt.candidates.value import CostBase
from sharedopt.candidates.batch import value_groups
config = load_config(sys.argv[1])
inputs = load_inputs(config)
base = CostBase.from_frames(inputs.authorities, inputs.costs, config.model)
graph = inputs.graphs[sys.argv[2]]
groups = connected_groups(graph, int(sys.argv[3]))
start = time.process_time()
table, shares, stats = value_groups(base, config.model, (sys.argv[2],), graph, groups, True)
print(json.dumps({"cpu_s": time.process_time() - start, "groups": int(len(groups)), "kept": int(len(table)),
                  "depths": len(config.model.depths), "package": sharedopt.__file__}))
"""


def measure(src: str, config: str, service: str, k: int) -> dict:
    """One measurement in a fresh process importing the package from ``src``."""
    env = {**os.environ, "PYTHONPATH": str(Path(src).resolve())}
    out = subprocess.run([sys.executable, "-c", CHILD, config, service, str(k)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", action="append", help="source tree(s) to compare (default: src)")
    parser.add_argument("--config", default="benchmarks/configs/england-hard.toml")
    parser.add_argument("--service", default="Waste_Collection")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for src in args.src or ["src"]:
        runs = [measure(src, args.config, args.service, args.k) for _ in range(args.repeat)]
        best = min(r["cpu_s"] for r in runs)
        rows.append((src, runs[0]["groups"], runs[0]["kept"], runs[0]["depths"], best))
        print(f"{src}: {best:.2f} s CPU (best of {args.repeat}), {runs[0]['groups']:,} groups, {runs[0]['kept']:,} kept")
    lines = ["# Valuation speed", "",
             f"`value_groups` on {args.service}, connected groups up to {args.k} councils, config "
             f"`{args.config}`; CPU seconds, best of {args.repeat} fresh processes. Reproduce: "
             "`.venv/bin/python benchmarks/valuation_speed.py --src <old tree>/src --src src`.", "",
             "| source tree | groups | kept (all depths) | depths | CPU s |", "|---|---:|---:|---:|---:|"]
    lines += [f"| `{src}` | {g:,} | {kept:,} | {d} | {cpu:.2f} |" for src, g, kept, d, cpu in rows]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
