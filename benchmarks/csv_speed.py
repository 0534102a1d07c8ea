"""CPU time of writing a run's two large CSVs (``report.tables.write_csv``), per source tree.

A national run writes ``candidates.csv`` and ``shares.csv`` (England: 371,164 and 1.76 million
rows). This runs a config once per source tree, in a fresh process importing the package from
that tree, and times the two steps of ``write_csv`` for each table in CPU seconds (not wall
clock, so a shared machine moves the figure less): the injection guard (``neutralise_frame``)
and the formatting (``csv_blocks``, or pandas where it declines). The md5 of each file's bytes
shows whether the trees write the same file. Writes ``benchmarks/results/csv_speed.md``.

Run::

    .venv/bin/python benchmarks/csv_speed.py                                 # this tree, England
    .venv/bin/python benchmarks/csv_speed.py --src /path/to/old/src --src src --config configs/kent.toml
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "csv_speed.md"

CHILD = r"""
import hashlib, io, json, sys, time, warnings
warnings.simplefilter("ignore")
import sharedopt
from sharedopt.report.tables.cells import neutralise_frame
from sharedopt.report.tables.csvtext import csv_blocks
from sharedopt.report.tables.files import CSV_FLOAT_FORMAT
result = sharedopt.run(sharedopt.load_config(sys.argv[1]), draws=0, tornado=False)
out = {}
for name in ("candidates", "shares"):
    frame = getattr(result, name)
    start = time.process_time()
    guarded = neutralise_frame(frame)
    guard = time.process_time() - start
    start = time.process_time()
    blocks = csv_blocks(guarded, CSV_FLOAT_FORMAT)
    digest = hashlib.md5()
    if blocks is None:
        text = io.StringIO()
        guarded.to_csv(text, index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n")
        digest.update(text.getvalue().encode())
    else:
        for block in blocks:
            digest.update(block if isinstance(block, bytes) else block.encode())
    out[name] = {"rows": len(frame), "columns": frame.shape[1], "guard_cpu_s": round(guard, 2),
                 "format_cpu_s": round(time.process_time() - start, 2), "md5": digest.hexdigest()}
print(json.dumps(out))
"""


def measure(src: str, config: str) -> dict:
    """One measurement in a fresh process importing the package from ``src``."""
    env = {**os.environ, "PYTHONPATH": str(Path(src).resolve())}
    out = subprocess.run([sys.executable, "-c", CHILD, config], env=env, check=True, cwd=ROOT,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def table(rows: list[tuple[str, dict]]) -> str:
    """The results as a Markdown table, a line per source tree and file."""
    lines = ["| source tree | file | rows x columns | guard CPU s | format CPU s | total CPU s | md5 |",
             "|---|---|---|---|---|---|---|"]
    for src, result in rows:
        for name, r in result.items():
            total = round(r["guard_cpu_s"] + r["format_cpu_s"], 2)
            lines.append(f"| `{src}` | {name}.csv | {r['rows']:,} x {r['columns']} | {r['guard_cpu_s']} | "
                         f"{r['format_cpu_s']} | {total} | `{r['md5']}` |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", action="append", help="source tree(s) to compare (default: src)")
    parser.add_argument("--config", default="configs/england.toml")
    args = parser.parse_args()
    rows = [(src, measure(src, args.config)) for src in (args.src or ["src"])]
    text = (f"# CPU time of writing the large CSVs\n\n`benchmarks/csv_speed.py --config {args.config}` "
            f"({os.cpu_count()} cores; CPU seconds of the writing process, so another job on the "
            f"machine moves them less than the wall clock).\n\n{table(rows)}\n")
    RESULTS.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
