"""summary.json stays the same bytes as the owner of the run summary changes.

The fixtures under ``tests/fixtures/golden/`` are the ``summary.json`` written for the North
East (the shared k = 3 run) and Wales (k = 3, no ranking re-solves, no tornado, no draws)
before the run summary became a typed record. A change to a figure or a key shows here;
an intended one is made by rewriting the fixture with ``python tests/test_summary_golden.py``
(then read the diff).
"""

from __future__ import annotations

import json
import sys
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from sharedopt.pipeline.scenario import Scenario
from sharedopt.pipeline.sequencer import run
from sharedopt.report.run_result import write_result
from sharedopt.results.run_summary import RunSummary

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "fixtures" / "golden"
WALES = {"model.max_group_size": 3, "report.top_n": 0, "solver.time_limit": 30}


def summary_text(result, folder: Path) -> str:
    """The summary.json a run writes, as text."""
    write_result(result, folder, formats={"json"})
    return (folder / "summary.json").read_text(encoding="utf-8")


def wales_run():
    """Wales at k = 3: no ranking re-solves, no tornado, no Monte Carlo draws."""
    return run(Scenario.from_config(ROOT / "configs" / "wales.toml").with_(WALES), draws=0, tornado=False)


def test_north_east_summary_is_unchanged(north_east_k3_run, tmp_path):
    expected = (GOLDEN / "north-east-k3.summary.json").read_text(encoding="utf-8")
    assert summary_text(north_east_k3_run, tmp_path) == expected


@pytest.mark.slow
def test_wales_summary_is_unchanged(tmp_path):
    expected = (GOLDEN / "wales-k3.summary.json").read_text(encoding="utf-8")
    assert summary_text(wales_run(), tmp_path) == expected


if __name__ == "__main__":  # rewrite the fixtures (an intended change only)
    import tempfile
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from conftest import CONFIGS  # noqa: F401  (starts the HiGHS scheduler as the tests do)
    ne = run(Scenario.from_config(CONFIGS / "north-east.toml").with_(
        {"model.max_group_size": 3, "report.top_n": 0, "solver.time_limit": 30}))
    for name, result in (("north-east-k3", ne), ("wales-k3", wales_run())):
        with tempfile.TemporaryDirectory() as tmp:
            (GOLDEN / f"{name}.summary.json").write_text(summary_text(result, Path(tmp)), encoding="utf-8")


def test_summary_json_reads_back_into_its_owner():
    """Every key of a real summary.json is a RunSummary field (strict), and it writes back the same."""
    data = json.loads((GOLDEN / "wales-k3.summary.json").read_text(encoding="utf-8"))
    summary = RunSummary.from_dict(data)
    assert summary.to_dict() == data and summary.solve.status == data["status"]
    assert summary.council_names == {r["authority"]: r["name"] for r in data["by_authority"]}
    with pytest.raises(ValueError, match="'wall_seconds'"):
        RunSummary.from_dict({**data, "wall_seconds": 1.0})
    with pytest.raises(FrozenInstanceError):
        summary.totals = {}
