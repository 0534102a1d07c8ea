"""Benchmark: each shipped reorganisation area's best structures proven optimal, and how fast.

Runs every ``configs/reorganisation/*.toml``: load and check (``prepare``), value the
candidate unitaries and solve k = 1..K with alternatives (``optimise_structures``) on
2 HiGHS threads. Target: every area's optimum proven (gap 0) in under 60 s.
Writes ``benchmarks/results/reorganisation.md``.

Usage: python benchmarks/reorganisation.py
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path
from time import perf_counter

from sharedopt.config.schema import load_config
from sharedopt.reorganisation.run import optimise_structures, prepare
from sharedopt.solve.status import Status

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "reorganisation.md"


def bench(path: Path) -> dict:
    config = load_config(path)
    section = config.reorganisation
    t0 = perf_counter()
    area, proposals, params, bounds, exempt = prepare(config)
    t0_check = perf_counter() - t0
    t1 = perf_counter()
    optimise_structures(area, params, bounds, exempt, section.max_unitaries, 0, 60.0, 2)
    best_only = perf_counter() - t1
    t1 = perf_counter()
    structures, frontier = optimise_structures(area, params, bounds, exempt, section.max_unitaries,
                                               section.alternatives, 60.0, 2)
    t2 = perf_counter()
    solved = frontier[frontier["status"].isin([Status.OPTIMAL, Status.FEASIBLE])]
    return dict(area=path.stem, councils=len(area.blocks), groups=int(frontier["candidate_groups"].iloc[0]),
                ks=f"{int(solved['unitaries'].min())}-{int(solved['unitaries'].max())}",
                proven=bool((solved["status"] == Status.OPTIMAL).all()), worst_gap=float(solved["gap"].max()),
                structures=len(structures), check_s=t0_check, best_s=best_only, optimise_s=t2 - t1,
                total_s=t0_check + t2 - t1)


def main() -> None:
    rows = [bench(p) for p in sorted((ROOT / "configs" / "reorganisation").glob("*.toml"))]
    lines = ["# Reorganisation benchmark", "",
             f"Machine: {platform.machine()}, Python {sys.version.split()[0]}, HiGHS threads 2 "
             "(the machine's 2 cores were shared with other jobs while this ran).", "",
             "Each area: load, check proposals and bounds (`prepare`), then value every candidate unitary "
             "and solve the set-partitioning programme for each k with its alternatives "
             "(`optimise_structures`, relative gap 0; first the best for every k alone, then with the "
             "alternatives). Times include valuing the candidate unitaries. Target: optimum proven in under 60 s.", "",
             "| area | councils | candidate unitaries | k solved | all proven optimal | worst gap | structures "
             "(best + alternatives) | check s | best for every k s | best + alternatives s | check + best + "
             "alternatives s |", "|" + "---|" * 11]
    for r in rows:
        lines.append(f"| {r['area']} | {r['councils']} | {r['groups']:,} | {r['ks']} | {r['proven']} | "
                     f"{r['worst_gap']:.1e} | {r['structures']} | {r['check_s']:.1f} | {r['best_s']:.1f} | {r['optimise_s']:.1f} | "
                     f"{r['total_s']:.1f} |")
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
