"""The tornado of unknowns for shipped configs: which levers move each headline, and by how much.

    python benchmarks/tornado_unknowns.py                      # north-east and kent
    python benchmarks/tornado_unknowns.py configs/wales.toml   # any configs

Writes ``benchmarks/results/tornado.md`` and ``tornado.json``: per config the headline NPV and,
per lever, its basis (evidence register or assumption), the two values tested, the NPV at each
end, the swing and whether it moves the headline by more than 10%.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sharedopt.candidates.table import NPV
from sharedopt.pipeline.scenario import Scenario
from sharedopt.pipeline.sequencer import run

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results"
DEFAULT = [ROOT / "configs" / "north-east.toml", ROOT / "configs" / "kent.toml"]


def measure(path: Path) -> dict:
    """One config's headline and tornado (every lever at each end of its range)."""
    result = run(Scenario.from_config(path).with_({"report.top_n": 0}), tornado=True)
    block = result.summary.tornado
    base = float(result.summary.totals[NPV])
    levers = [{**lever, "moves_over_10pct": max(abs(lever["npv_at_low_gbp_k"] - base),
                                               abs(lever["npv_at_high_gbp_k"] - base)) > 0.1 * abs(base)}
              for lever in block["levers"]]
    return {"config": path.stem, "status": result.summary.solve.status, "npv_gbp_k": base,
            "n_partnerships": result.summary.totals["n_partnerships"], "levers": levers,
            "hinges": block["hinges"]}


def markdown(rows: list[dict]) -> str:
    """The results as a markdown page."""
    out = ["# Tornado of unknowns (`python benchmarks/tornado_unknowns.py`)", "",
           "Each lever at the low and the high end of its range, one at a time, portfolio re-optimised. "
           "*evidence*: the range rests on rows of the evidence register; *assumption*: it does not. "
           "'> 10%' marks a lever that moves the headline by more than 10% within its range.", ""]
    for row in rows:
        out += [f"## {row['config']}: NPV £{row['npv_gbp_k']:,.0f}k, {row['n_partnerships']} partnerships "
                f"({row['status']})", "",
                "| lever | basis | low | high | NPV at low (£k) | NPV at high (£k) | swing (£k) | > 10% |",
                "|---|---|---:|---:|---:|---:|---:|---|"]
        for lv in row["levers"]:
            out.append(f"| {lv['label']} (`{lv['parameter']}`) | {lv['basis']} | {lv['low']:g} | {lv['high']:g} | "
                       f"{lv['npv_at_low_gbp_k']:,.0f} | {lv['npv_at_high_gbp_k']:,.0f} | {lv['swing_gbp_k']:,.0f} | "
                       f"{'yes' if lv['moves_over_10pct'] else ''} |")
        out.append("")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> None:
    paths = [Path(a) for a in argv] or DEFAULT
    rows = [measure(p) for p in paths]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "tornado.json").write_text(json.dumps(rows, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    (OUT / "tornado.md").write_text(markdown(rows), encoding="utf-8")
    print(markdown(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
