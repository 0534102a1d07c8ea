"""End-to-end wall clock of ``sharedopt run`` from two source trees, alternated, on the same machine.

Usage (from the repository root)::

    git archive <commit> src data configs | tar -x -C /tmp/before      # the tree to compare with
    .venv/bin/python benchmarks/side_by_side.py --before /tmp/before/src --after src \\
        --config configs/north-east.toml --repeats 7

Each repeat runs the CLI once from each tree (``PYTHONPATH`` set to the tree's ``src``, the same
interpreter and packages), in alternating order, each into a fresh folder; the machine's load
changes over a session, so alternating lets both see the same load. Per tree it reports the median
and the range of the wall clock, and the median CPU seconds (user + system of the child and its
workers, which load changes far less). The two trees' outputs of the first repeat are compared
file by file (same names, same bytes). Writes ``benchmarks/results/<stem>.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
CLI = "from sharedopt.cli import app; app()"


def one_run(src: Path, config: Path, formats: str | None, out: Path) -> dict:
    """One CLI run from the tree at ``src``; wall and CPU seconds, load before."""
    cmd = [sys.executable, "-c", CLI, "run", str(config), "--out", str(out)]
    cmd += ["--format", formats] if formats else []
    env = {**os.environ, "PYTHONPATH": str(src.resolve())}
    load = os.getloadavg()[0]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise SystemExit(f"{src}: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    return {"wall": round(wall, 2), "cpu": round(cpu, 2), "load": round(load, 2)}


def same_files(a: Path, b: Path) -> list[str]:
    """Names that differ between two report folders (missing on one side, or other bytes)."""
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    return [n for n in names if not ((a / n).is_file() and (b / n).is_file()
                                     and (a / n).read_bytes() == (b / n).read_bytes())]


def compare(trees: dict[str, Path], config: Path, formats: str | None, repeats: int) -> dict:
    """Alternate the trees ``repeats`` times; medians, ranges and the output comparison."""
    work = Path(tempfile.mkdtemp(prefix="side-by-side-"))
    runs: dict[str, list[dict]] = {name: [] for name in trees}
    try:
        for i in range(repeats):
            order = list(trees) if i % 2 == 0 else list(trees)[::-1]
            for name in order:
                runs[name].append(one_run(trees[name], config, formats, work / f"{name}-{i}"))
                print(f"{i + 1}/{repeats} {name}: {runs[name][-1]}", flush=True)
        differ = same_files(*(work / f"{name}-0" for name in trees))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"config": str(config), "formats": formats or "default", "repeats": repeats, "runs": runs,
            "median_wall": {n: round(statistics.median(r["wall"] for r in rs), 2) for n, rs in runs.items()},
            "range_wall": {n: [min(r["wall"] for r in rs), max(r["wall"] for r in rs)] for n, rs in runs.items()},
            "median_cpu": {n: round(statistics.median(r["cpu"] for r in rs), 2) for n, rs in runs.items()},
            "load_1min": [min(r["load"] for rs in runs.values() for r in rs),
                          max(r["load"] for rs in runs.values() for r in rs)],
            "outputs_differ": differ, "cores": len(os.sched_getaffinity(0)),
            "finished_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def markdown(rows: list[dict]) -> str:
    """One table row per (config, formats) comparison."""
    lines = ["# Side by side: end to end before and after", "",
             "`benchmarks/side_by_side.py`: the CLI from each tree, alternated, fresh process each time; "
             "median (range) of the wall clock, median CPU (user + system, workers included), the 1-minute "
             "load average seen before the runs (min to max; 2 cores, shared).", "",
             "| config | formats | repeats | before s | after s | CPU before / after s | load | outputs |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        w, g, c = r["median_wall"], r["range_wall"], r["median_cpu"]
        same = "identical" if not r["outputs_differ"] else "DIFFER: " + ", ".join(r["outputs_differ"])
        lines.append(f"| {Path(r['config']).stem} | {r['formats']} | {r['repeats']} | "
                     f"{w['before']} ({g['before'][0]}-{g['before'][1]}) | {w['after']} ({g['after'][0]}-{g['after'][1]}) | "
                     f"{c['before']} / {c['after']} | {r['load_1min'][0]}-{r['load_1min'][1]} | {same} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="src folder of the tree to compare with")
    parser.add_argument("--after", type=Path, default=Path("src"), help="src folder of this tree (default src)")
    parser.add_argument("--config", type=Path, default=Path("configs/north-east.toml"))
    parser.add_argument("--formats", nargs="*", default=[None], help="e.g. csv,json (default: the config's)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--results", default="side_by_side", help="stem of the files in benchmarks/results/")
    args = parser.parse_args()
    rows = [compare({"before": args.before, "after": args.after}, args.config, f, args.repeats) for f in args.formats]
    (RESULTS / f"{args.results}.json").write_text(json.dumps(rows, indent=1) + "\n")
    (RESULTS / f"{args.results}.md").write_text(markdown(rows))
    print(markdown(rows))


if __name__ == "__main__":
    main()
