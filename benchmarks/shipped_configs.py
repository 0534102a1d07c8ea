"""Run every shipped config end to end, as a user would, and record time, memory and exit status.

Usage (from the repository root)::

    .venv/bin/python benchmarks/shipped_configs.py                      # every configs/*.toml
    .venv/bin/python benchmarks/shipped_configs.py --only north-east kent wales
    .venv/bin/python benchmarks/shipped_configs.py --only england --timeout 3600

Each config runs as ``sharedopt run CONFIG --out TMPDIR`` with its default formats, in a
fresh child process, one at a time. Per run: wall time, the child's peak resident memory
(``os.wait4``: the largest of the child and the processes it waited for, not their sum),
the exit status, the files written and their sizes, the solver status and gap from
``summary.json``, the solve and build seconds from the run's console ``Times:`` line
(``summary.json`` holds no wall-clock figure), and the last lines of the error output when
the run failed. The outputs are deleted afterwards unless ``--keep``.

Writes ``benchmarks/results/shipped_configs.json`` and ``shipped_configs.md``. With
``--only``, the other configs already in the JSON are kept (each row records when it ran).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"
RESULTS = Path(__file__).resolve().parent / "results"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
POLL_SECONDS = 0.2
#: the console line ``sharedopt run`` ends with, e.g. "Times: solve 12.3 s (of a 60 s budget, ...), build 0.1 s."
TIMES = re.compile(r"Times:\s+solve\s+([0-9.]+)\s+s.*?build\s+([0-9.]+)\s+s", re.S)


def sharedopt_command() -> list[str]:
    """The ``sharedopt`` console script of this Python, or the CLI module run by it."""
    script = Path(sys.executable).with_name("sharedopt")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from sharedopt.cli import app; app()"]


def run_one(config: Path, timeout: float, keep: Path | None) -> dict:
    """Run one config in a fresh process; return its measurements."""
    work = Path(tempfile.mkdtemp(prefix=f"shipped-{config.stem}-"))
    out = work / "out"
    log = work / "stderr.txt"
    cmd = sharedopt_command() + ["run", str(config), "--out", str(out)]
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    started = time.perf_counter()
    with open(work / "stdout.txt", "wb") as stdout, open(log, "wb") as stderr:
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, env=env, cwd=ROOT, start_new_session=True)
        status, usage, timed_out = _wait(proc.pid, timeout)
    wall = time.perf_counter() - started
    row = {"config": config.name, "command": f"sharedopt run configs/{config.name} --out TMPDIR",
           "exit_status": _exit_code(status), "timed_out": timed_out, "wall_seconds": round(wall, 1),
           "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "finished_at": _now()}
    row.update(_outputs(out))
    row.update(_console_times(work / "stdout.txt"))
    if row["exit_status"] != 0:
        row["error_tail"] = _tail(log)
    if keep is not None and out.exists():
        shutil.copytree(out, keep / config.stem, dirs_exist_ok=True)
    shutil.rmtree(work, ignore_errors=True)
    return row


def _wait(pid: int, timeout: float):
    """Wait for ``pid`` (killing its process group after ``timeout`` s); (status, rusage, timed_out)."""
    deadline = time.perf_counter() + timeout
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage, False
        if time.perf_counter() > deadline:
            os.killpg(pid, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
            return status, usage, True
        time.sleep(POLL_SECONDS)


def _exit_code(status: int) -> int:
    """Exit code, or minus the signal number for a killed process."""
    return os.waitstatus_to_exitcode(status)


def _outputs(out: Path) -> dict:
    """Files written (name -> bytes) and the solver facts of summary.json."""
    if not out.is_dir():
        return {"files": {}}
    files = {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file() and not p.name.startswith(".")}
    facts: dict = {"files": files}
    summary = out / "summary.json"
    if summary.exists():
        data = json.loads(summary.read_text(encoding="utf-8"))
        facts.update({k: data.get(k) for k in ("status", "gap", "objective", "n_variables")})
        facts["n_partnerships"] = (data.get("totals") or {}).get("n_partnerships")
    return facts


def _console_times(stdout: Path) -> dict:
    """``solve_seconds`` and ``build_seconds`` from the run's console ``Times:`` line (None when absent)."""
    text = ANSI.sub("", stdout.read_text(encoding="utf-8", errors="replace")) if stdout.exists() else ""
    found = TIMES.search(text)
    solve, build = (float(found.group(1)), float(found.group(2))) if found else (None, None)
    return {"solve_seconds": solve, "build_seconds": build}


def _tail(log: Path, lines: int = 6) -> str:
    """The last non-empty lines of a log, without terminal escapes."""
    text = ANSI.sub("", log.read_text(encoding="utf-8", errors="replace")).replace("\r", "\n")
    kept = [line.rstrip() for line in text.splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def machine() -> dict:
    """Cores, CPU, Python, load and git commit of this measurement."""
    cpu = ""
    if Path("/proc/cpuinfo").exists():
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "")
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=ROOT, capture_output=True, text=True)
    return {"cores": os.cpu_count(), "cpu": cpu or platform.processor(), "python": platform.python_version(),
            "git_commit": git.stdout.strip(), "src_changed": [line[3:] for line in dirty.stdout.splitlines()],
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def render(doc: dict) -> str:
    """The Markdown report."""
    lines = ["# Shipped configs, end to end", "",
             "`sharedopt run CONFIG --out TMPDIR` with each config's default formats, one fresh process "
             "at a time (`benchmarks/shipped_configs.py`). Peak RSS: the child's `ru_maxrss` from "
             "`os.wait4`. Load average: the machine's 1/5/15-minute load when the row ran (2 cores "
             "shared with other work make wall times noisy).", "",
             "| config | exit | wall s | peak RSS MB | status | gap | partnerships | xlsx MB | files "
             "| load at start | finished at |",
             "|---|---:|---:|---:|---|---:|---:|---:|---:|---|---|"]
    for row in doc["runs"]:
        gap = row.get("gap")
        files = row.get("files") or {}
        xlsx = files.get("opportunities.xlsx")
        exit_text = "timeout" if row.get("timed_out") else str(row["exit_status"])
        lines.append(f"| {row['config']} | {exit_text} | {row['wall_seconds']:,.1f} | {row['peak_rss_mb']:,.0f} | "
                     f"{row.get('status') or '-'} | {f'{gap:.4%}' if gap is not None else '-'} | "
                     f"{row.get('n_partnerships') if row.get('n_partnerships') is not None else '-'} | "
                     f"{f'{xlsx / 1e6:.2f}' if xlsx else '-'} | {len(files)} | "
                     f"{'/'.join(str(x) for x in row.get('load_average', []))} | {row['finished_at']} |")
    failed = [row for row in doc["runs"] if row["exit_status"] != 0]
    for row in failed:
        lines += ["", f"**{row['config']}** failed:", "", "```", row.get("error_tail", ""), "```"]
    m = doc["machine"]
    lines += ["", f"Machine: {m['cores']} cores, {m['cpu']}, Python {m['python']}, commit {m['git_commit']}"
              + (f" (uncommitted src changes: {', '.join(m['src_changed'])})" if m["src_changed"] else "") + "."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help="config stems (e.g. north-east wales)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per config before it is killed")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    parser.add_argument("--keep", type=Path, help="copy each run's outputs to KEEP/<config stem>/")
    args = parser.parse_args(argv)
    configs = sorted(CONFIGS.glob("*.toml"))
    if args.only:
        unknown = sorted(set(args.only) - {p.stem for p in configs})
        if unknown:
            parser.error(f"unknown config(s) {unknown}; choose from {[p.stem for p in configs]}")
        configs = [p for p in configs if p.stem in args.only]
    args.out.mkdir(parents=True, exist_ok=True)
    doc = _previous(args.out / "shipped_configs.json") if args.only else {"runs": []}
    for config in configs:
        load = [round(x, 2) for x in os.getloadavg()]
        print(f"{config.name}: running (load {load})", flush=True)
        row = {**run_one(config, args.timeout, args.keep), "load_average": load}
        print(f"{config.name}: exit {row['exit_status']}, {row['wall_seconds']:.1f} s, "
              f"peak RSS {row['peak_rss_mb']:,.0f} MB, status {row.get('status')}", flush=True)
        doc["runs"] = [r for r in doc["runs"] if r["config"] != row["config"]] + [row]
        doc["runs"].sort(key=lambda r: r["config"])
        doc["machine"] = machine()
        _write(doc, args.out)
    print(render(doc))
    return 0 if all(r["exit_status"] == 0 for r in doc["runs"]) else 1


def _previous(path: Path) -> dict:
    """The results document so far (empty when there is none)."""
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"runs": []}


def _write(doc: dict, out: Path) -> None:
    (out / "shipped_configs.json").write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (out / "shipped_configs.md").write_text(render(doc), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
