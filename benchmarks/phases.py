"""Time every phase of a run (load, enumerate, model, solve, rank, each output file) per config.

Usage (from the repository root)::

    .venv/bin/python benchmarks/phases.py                         # every configs/*.toml but us-counties
    .venv/bin/python benchmarks/phases.py --only north-east kent
    .venv/bin/python benchmarks/phases.py --config benchmarks/configs/england-hard.toml
    .venv/bin/python benchmarks/phases.py --all                   # us-counties too (slow)

Each config runs twice, side by side: with its default formats and with ``csv,json``, each
in a fresh child process (this script, ``--child``), one after the other, so the two runs see
the same machine load. A child runs the pipeline (:func:`sharedopt.pipeline.sequencer.run`)
and timestamps its :class:`~sharedopt.pipeline.events.Event` stream (start and end of every
step), then writes the outputs with :func:`sharedopt.report.run_result.write_result` and
timestamps its progress texts (one per file, so each output format gets its seconds). Peak
resident memory is ``resource.getrusage`` of the child, read after each phase (it only grows).
End to end is the parent's wall clock around the child: Python start-up, imports, the run
and the report. The machine's load average (``os.getloadavg``) is recorded before and after.

Writes ``benchmarks/results/phases.json`` and ``phases.md`` (wall-clock figures belong in
benchmarks, never in the product's outputs). With ``--only`` or ``--config``, rows of other
configs already in the JSON are kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
SLOW = {"us-counties"}
#: the run's steps as the pipeline's events name them
STEPS = ("load", "enumerate", "model", "solve", "assign")
#: output file name -> the format it belongs to (extra CSV tables count as csv)
FORMAT_OF = {".csv": "csv", ".json": "json", ".xlsx": "xlsx", "map.png": "png", "map_by_service.png": "png",
             ".svg": "svg", ".html": "html"}


# --------------------------------------------------------------------------- child


def child(config_path: str, formats: str, out: str) -> dict:
    """Run one config in this process; return its phase seconds and peak memory."""
    start = time.perf_counter()
    from sharedopt.common.collector import loading
    with loading():  # as the CLI's run loads them
        from sharedopt.config.schema import load_config
        from sharedopt.pipeline.sequencer import run
        from sharedopt.report.early_maps import EarlyMaps
        from sharedopt.report.run_result import write_result
    imported = time.perf_counter()
    config = load_config(config_path)
    marks: dict[str, dict[str, float]] = {}
    peak: dict[str, float] = {"imports": _rss_mb()}

    def on_event(event) -> None:
        if event.stage in ("start", "end"):
            marks.setdefault(event.step, {})[event.stage] = time.perf_counter()
            if event.stage == "end":
                peak[event.step] = _rss_mb()

    wanted = set(formats.split(",")) if formats != "default" else None
    maps = EarlyMaps(config, wanted)  # as the CLI's run: the maps drawn in a worker while the run runs
    result = run(config, on_event, watcher=maps)
    ran = time.perf_counter()
    files: list[tuple[str, float]] = []
    early = maps.started
    write_result(result, out, formats=wanted, progress=lambda text: files.append((text, time.perf_counter())),
                 early_maps=maps)
    done = time.perf_counter()
    peak["report"] = _rss_mb()
    return {"imports_seconds": round(imported - start, 2), "steps": _step_seconds(marks),
            "timings": {k: v for k, v in result.timings.items() if k != "time_budget"},
            "report_seconds": round(done - ran, 2), "by_format": _format_seconds(files, done),
            "in_process_seconds": round(done - start, 2), "peak_rss_mb": peak,
            "candidates": len(result.candidates), "status": result.summary.solve.status, "early_maps": early,
            "gap": result.summary.solve.gap, "objective": result.summary.solve.objective}


def _rss_mb() -> float:
    """Peak resident memory of this process so far, MB (Linux reports kB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _step_seconds(marks: dict[str, dict[str, float]]) -> dict[str, float]:
    """Seconds from each step's start event to its end event."""
    return {step: round(m["end"] - m["start"], 2) for step, m in marks.items() if {"start", "end"} <= set(m)}


def _format_seconds(files: list[tuple[str, float]], done: float) -> dict[str, float]:
    """Seconds per output format: each progress text starts a file, the next one ends it."""
    out: dict[str, float] = {}
    ends = [t for _, t in files[1:]] + [done]
    for (text, began), ended in zip(files, ends):
        name = text.split(":")[0].strip()
        fmt = next((f for key, f in FORMAT_OF.items() if name == key or name.endswith(key)), "other")
        out[fmt] = round(out.get(fmt, 0.0) + ended - began, 2)
    return out


# --------------------------------------------------------------------------- parent


def measure(config: Path, formats: str, timeout: float) -> dict:
    """One child run of ``config`` with ``formats``; wall clock, load and the child's figures."""
    work = Path(tempfile.mkdtemp(prefix=f"phases-{config.stem}-"))
    report = work / "phases.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(config), "--formats", formats,
           "--out", str(work / "out"), "--report", str(report)]
    load_before = os.getloadavg()
    cpu_before = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - started
    row = {"formats": formats, "end_to_end_seconds": round(wall, 2), "exit_status": proc.returncode,
           "cpu_seconds": round(_children_cpu() - cpu_before, 2),
           "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in os.getloadavg()]}
    if proc.returncode == 0:
        row.update(json.loads(report.read_text()))
    else:
        row["error_tail"] = proc.stderr.strip().splitlines()[-5:]
    shutil.rmtree(work, ignore_errors=True)
    return row


def _children_cpu() -> float:
    """User + system CPU seconds of this process's finished children (the child and its workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench(config: Path, timeout: float) -> dict:
    """Default formats and csv,json side by side for one config."""
    default = measure(config, "default", timeout)
    print(f"{config.stem}: default {default['end_to_end_seconds']} s", flush=True)
    lean = measure(config, "csv,json", timeout)
    print(f"{config.stem}: csv,json {lean['end_to_end_seconds']} s", flush=True)
    ratio = default["end_to_end_seconds"] / lean["end_to_end_seconds"] if lean["end_to_end_seconds"] else None
    return {"config": str(config.relative_to(ROOT)), "default": default, "csv_json": lean,
            "ratio_default_to_csv_json": round(ratio, 2) if ratio else None,
            "finished_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def _cell(value) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, (int, float)) else str(value)


def markdown(rows: list[dict], machine: dict) -> str:
    """The phase table and the side-by-side ratios."""
    head = ["config", "formats", "imports", "load", "enumerate", "model", "solve", "rank (assign)", "csv", "json", "xlsx",
            "png", "svg", "html", "report", "end to end", "CPU s", "peak RSS MB", "load avg (1 min) before/after"]
    lines = ["# Phases of a run, per shipped config", "",
             f"Measured with `benchmarks/phases.py` on {machine['cores']} cores shared with other jobs "
             f"({machine['platform']}, Python {machine['python']}). Seconds of wall clock; load average is "
             "`os.getloadavg()` (runnable processes; above the core count means the machine was shared). "
             "Step seconds come from the run's event stream (start to end event), output seconds from the "
             "report writer's progress texts (one per file), end to end from the parent around a fresh "
             "process (Python start-up and imports included); CPU s is the child's user + system CPU "
             "(`resource.getrusage(RUSAGE_CHILDREN)`, its workers included), which the machine's load "
             "changes far less than the wall clock; imports is the child's time to import the run's modules.", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        for key in ("default", "csv_json"):
            r = row[key]
            steps, fmt = r.get("steps", {}), r.get("by_format", {})
            cells = [Path(row["config"]).stem, r["formats"], _cell(r.get("imports_seconds"))] + \
                [_cell(steps.get(s)) for s in STEPS] + \
                [_cell(fmt.get(f)) for f in ("csv", "json", "xlsx", "png", "svg", "html")] + \
                [_cell(r.get("report_seconds")), _cell(r["end_to_end_seconds"]), _cell(r.get("cpu_seconds")),
                 _cell(max((r.get("peak_rss_mb") or {0: None}).values(), default=None)),
                 f"{r['load_before'][0]:.1f} / {r['load_after'][0]:.1f}"]
            lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## End to end: default formats / csv,json (same machine, back to back)", "",
              "| config | default (s) | csv,json (s) | ratio | CPU default / csv,json (s) | status |",
              "|---|---|---|---|---|---|"]
    for row in rows:
        d, c = row["default"], row["csv_json"]
        lines.append(f"| {Path(row['config']).stem} | {d['end_to_end_seconds']} | {c['end_to_end_seconds']} | "
                     f"{_cell(row['ratio_default_to_csv_json'])} | {_cell(d.get('cpu_seconds'))} / {_cell(c.get('cpu_seconds'))} | "
                     f"{d.get('status', 'exit ' + str(d['exit_status']))} |")
    return "\n".join(lines) + "\n"


def _configs(args) -> list[Path]:
    if args.config:
        return [Path(c).resolve() for c in args.config]
    found = sorted((ROOT / "configs").glob("*.toml"))
    if args.only:
        return [c for c in found if c.stem in set(args.only)]
    return [c for c in found if args.all or c.stem not in SLOW]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="config stems under configs/")
    parser.add_argument("--config", nargs="*", help="config files (e.g. benchmarks/configs/england-hard.toml)")
    parser.add_argument("--all", action="store_true", help="include us-counties (slow)")
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--results", default=str(RESULTS / "phases"), help="path stem of the .json/.md written")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--formats", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--report", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        Path(args.report).write_text(json.dumps(child(args.child, args.formats, args.out)))
        return
    stem = Path(args.results)
    old = json.loads(stem.with_suffix(".json").read_text()) if stem.with_suffix(".json").exists() else {}
    rows = {r["config"]: r for r in old.get("rows", [])}
    for config in _configs(args):
        row = bench(config, args.timeout)
        rows[row["config"]] = row
        machine = {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
        data = {"machine": machine, "rows": sorted(rows.values(), key=lambda r: r["config"])}
        stem.with_suffix(".json").write_text(json.dumps(data, indent=2) + "\n")
        stem.with_suffix(".md").write_text(markdown(data["rows"], machine))


if __name__ == "__main__":
    main()
