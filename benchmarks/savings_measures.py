"""Before/after measures of the savings model on a run's outputs.

Usage: ``python benchmarks/savings_measures.py OUTDIR [OUTDIR ...]`` (folders written by
``sharedopt run --format csv,json``). Prints, per folder: headline NPV and annual net
saving, number of candidates, the Spearman rank correlation of NPV with group
population per service (scale candidates and, separately, all candidates whose
``services`` is that one service), and the size distribution of the top candidates.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd


def measures(folder: Path, top: int = 20) -> dict:
    """The figures of one run folder."""
    summary = json.loads((folder / "summary.json").read_text())
    cands = pd.read_csv(folder / "candidates.csv")
    single = cands[~cands["services"].str.contains(";")]
    rho = {s: round(float(g["npv_gbp_k"].corr(g["population"], method="spearman")), 2)
           for s, g in single.groupby("services") if len(g) >= 5}
    top_rows = cands.sort_values("npv_gbp_k", ascending=False).head(top)
    return {"npv_gbp_k": round(summary["totals"]["npv_gbp_k"]),
            "annual_net_saving_gbp_k": round(summary["totals"]["annual_net_saving_gbp_k"]),
            "n_partnerships": summary["totals"].get("n_partnerships"),
            "n_candidates": len(cands), "by_kind": cands["kind"].value_counts().to_dict(),
            "spearman_npv_population": rho,
            "max_abs_spearman": max((abs(v) for v in rho.values()), default=None),
            f"top{top}_sizes": top_rows["n_members"].value_counts().sort_index().to_dict(),
            f"top{top}_kinds": top_rows["kind"].value_counts().to_dict()}


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(arg, json.dumps(measures(Path(arg)), indent=1, default=str))
