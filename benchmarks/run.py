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

The sections live in one module each (``bench_enumeration``, ``bench_portfolio``,
``bench_baseline``, ``bench_sweep``, ``bench_montecarlo``); this script is the command
line and runs them in order.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from bench_baseline import baseline_section
from bench_enumeration import enumeration_section
from bench_format import markdown_table
from bench_montecarlo import montecarlo_section
from bench_output import TARGET_COLUMNS, changed_sources, machine_info, source_hashes, write_results
from bench_paths import RESULTS
from bench_portfolio import PortfolioRuns, portfolio_section
from bench_sweep import sweep_section
from bench_targets import targets

SECTIONS = ("enumeration", "portfolio", "baseline", "sweep", "montecarlo")


def build_parser() -> argparse.ArgumentParser:
    """The command line (see ``--help``)."""
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
    return parser


def section_runners(args, selected: list[str]) -> dict:
    """Section name -> a callable measuring it (portfolio and baseline share their children)."""
    runs = PortfolioRuns(args)
    return {"enumeration": lambda: enumeration_section(args),
            "portfolio": lambda: portfolio_section(runs, with_baseline="baseline" in selected),
            "baseline": lambda: baseline_section(runs),
            "sweep": lambda: sweep_section(args),
            "montecarlo": lambda: montecarlo_section(args)}


def run_section(name: str, measure, quick: bool) -> dict:
    """Measure one section, stamp it (when, how long, sources changed meanwhile), print it."""
    print(f"== {name}", flush=True)
    t = time.perf_counter()
    before = source_hashes()
    section = measure()
    section["sources_changed"] = changed_sources(before, source_hashes())
    section["run_at"] = dt.datetime.now().isoformat(timespec="seconds")
    section["section_s"] = time.perf_counter() - t
    section["quick"] = quick
    print(markdown_table([tuple(c) for c in section["columns"]], section["rows"]), flush=True)
    for note in section.get("notes", []):
        print(f"  - {note}")
    print(flush=True)
    return section


def main(argv=None) -> int:
    """Run the selected sections; write ``results.json`` and ``results.md`` after each."""
    args = build_parser().parse_args(argv)
    selected = list(args.only or SECTIONS)
    args.out.mkdir(parents=True, exist_ok=True)
    json_path = args.out / "results.json"
    old = json.loads(json_path.read_text()) if (args.only and json_path.exists()) else {}
    doc = {"run_at": dt.datetime.now().isoformat(timespec="seconds"), "quick": args.quick,
           "command": "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
           "machine": machine_info(), "sections": old.get("sections", {})}
    hashes = source_hashes()
    doc["source_hashes"] = hashes
    t_all = time.perf_counter()
    runners = section_runners(args, selected)
    for name in SECTIONS:
        if name in selected:
            doc["sections"][name] = run_section(name, runners[name], args.quick)
            write_results(doc, args.out, SECTIONS)  # keep partial results if a later section fails
    doc["total_s"] = time.perf_counter() - t_all
    doc["sources_changed_during_run"] = changed_sources(hashes, source_hashes())
    doc["targets"] = targets(doc["sections"])
    print("== targets")
    print(markdown_table(TARGET_COLUMNS, doc["targets"]))
    print(f"\ntotal {doc['total_s']:.0f} s; wrote {args.out / 'results.md'} and {json_path}")
    write_results(doc, args.out, SECTIONS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
