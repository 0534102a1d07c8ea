"""Headlines before and after a model change, from two sets of run folders (``--format csv,json``).

Usage::

    sharedopt run configs/X.toml --out /tmp/cap/before-X --format csv,json   # at the old commit
    sharedopt run configs/X.toml --out /tmp/cap/after-X --format csv,json    # at the new commit
    python benchmarks/capital_headlines.py --before /tmp/cap/before-{} --after /tmp/cap/after-{} \
        --configs north-east kent wales --name capital_headlines

Writes ``benchmarks/results/<name>.json`` and ``<name>.md``: per config the status, partnerships,
NPV and the decomposed annual terms before and after, and per service (as the portfolio
names it) the NPV and scale saving before and after. Deterministic: only the runs' outputs.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results"
TERMS = ["npv_gbp_k", "saving_scale_gbp_k", "saving_scope_gbp_k", "saving_efficiency_gbp_k",
         "cost_governance_gbp_k", "annual_net_saving_gbp_k", "one_off_cost_gbp_k"]


def headline(folder: Path) -> dict:
    """Status, partnerships and totals of one run folder, and its portfolio by service."""
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    portfolio = pd.read_csv(folder / "portfolio.csv")
    by = portfolio.groupby("services")
    table = by[["npv_gbp_k", "saving_scale_gbp_k", "saving_scope_gbp_k"]].sum().round(1)
    table["n"] = by.size()
    return {"status": summary["status"], "gap": summary.get("gap"),
            "n_partnerships": summary["totals"]["n_partnerships"],
            **{t: round(float(summary["totals"].get(t, 0.0)), 1) for t in TERMS},
            "by_service": table.reset_index().to_dict("records")}


def markdown(doc: dict) -> str:
    """The results as Markdown: one headline table, then one service table per config."""
    lines = ["# Headlines before and after", "", doc["note"], "",
             "| config | before: status, partnerships, NPV £k | after | scale £k/yr before -> after "
             "| scope £k/yr before -> after | efficiency £k/yr before -> after |", "|---|---|---|---|---|---|"]
    for name, pair in doc["configs"].items():
        b, a = pair["before"], pair["after"]
        lines.append(f"| {name} | {b['status']}, {b['n_partnerships']}, {b['npv_gbp_k']:,.0f} | "
                     f"{a['status']}, {a['n_partnerships']}, {a['npv_gbp_k']:,.0f} | "
                     + " | ".join(f"{b[t]:,.0f} -> {a[t]:,.0f}" for t in TERMS[1:4]) + " |")
    for name, pair in doc["configs"].items():
        lines += ["", f"## {name}: portfolio by service", "",
                  "| services | n before | n after | NPV £k before | NPV £k after | scale £k/yr before | after |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        rows = {r["services"]: [r, None] for r in pair["before"]["by_service"]}
        for r in pair["after"]["by_service"]:
            rows.setdefault(r["services"], [None, None])[1] = r
        for service, (b, a) in sorted(rows.items()):
            cell = lambda r, k: "0" if r is None else f"{r[k]:,.0f}"  # noqa: E731
            lines.append(f"| {service} | {cell(b, 'n')} | {cell(a, 'n')} | {cell(b, 'npv_gbp_k')} | "
                         f"{cell(a, 'npv_gbp_k')} | {cell(b, 'saving_scale_gbp_k')} | {cell(a, 'saving_scale_gbp_k')} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="folder pattern, {} = config stem")
    parser.add_argument("--after", required=True, help="folder pattern, {} = config stem")
    parser.add_argument("--configs", nargs="+", required=True)
    parser.add_argument("--name", default="capital_headlines")
    parser.add_argument("--note", default="")
    args = parser.parse_args(argv)
    doc = {"note": args.note, "configs": {c: {"before": headline(Path(args.before.format(c))),
                                               "after": headline(Path(args.after.format(c)))} for c in args.configs}}
    (RESULTS / f"{args.name}.json").write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (RESULTS / f"{args.name}.md").write_text(markdown(doc), encoding="utf-8")


if __name__ == "__main__":
    main()
