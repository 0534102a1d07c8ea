"""A run that writes no map never loads matplotlib (its maps import it when they draw), and a regional
run never loads scipy.linalg (only a large model's pieces are split by scipy.sparse.csgraph, which imports it)."""

from __future__ import annotations

import pickle
import subprocess
import sys

CHILD = """
import pickle, sys
import sharedopt.cli
from sharedopt.pipeline.sequencer import run
from sharedopt.report.run_result import write_result
result = pickle.loads(open(sys.argv[1], "rb").read())
written = write_result(result, sys.argv[2], formats={"csv", "json"})
print(sorted(m for m in sys.modules if m.startswith(("scipy.linalg", "scipy.sparse.csgraph"))))
print(sorted(written), sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib"))
"""


def test_a_csv_and_json_report_loads_no_matplotlib(north_east_k3_run, tmp_path):
    (tmp_path / "result.pkl").write_bytes(pickle.dumps(north_east_k3_run))
    out = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "result.pkl"), str(tmp_path / "out")],
                         capture_output=True, text=True, check=True).stdout
    assert "'summary.json'" in out and "'portfolio.csv'" in out  # the report was written
    assert out.strip().endswith("[]"), out  # and no matplotlib module was loaded
    assert out.splitlines()[0] == "[]", out  # nor scipy.linalg, the pipeline and report modules loaded
