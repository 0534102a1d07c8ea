"""The tornado of unknowns: each bar is a single-parameter rerun, hinges name what drops a partnership."""

from __future__ import annotations

from pathlib import Path

import pytest

from sharedopt.candidates.table import CANDIDATE_ID, NPV
from sharedopt.pipeline.scenario import Scenario
from sharedopt.pipeline.sequencer import run
from sharedopt.pipeline.tornado import TORNADO_COLUMNS, attach_tornado

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def small():
    """The North East with groups of up to 3 (fast), its run and its tornado (serial engine)."""
    scenario = Scenario.from_config(ROOT / "configs" / "north-east.toml").with_(
        {"model.max_group_size": 3, "report.top_n": 0, "uncertainty.engine": "serial"})
    base = run(scenario)
    return scenario, base, attach_tornado(base, enabled=True)


@pytest.mark.slow
def test_bars_reproduce_single_parameter_reruns(small):
    scenario, base, result = small
    levers = {row["parameter"]: row for row in result.summary["tornado"]["levers"]}
    for parameter in ("setup_ratio", "success_probability"):
        row = levers[parameter]
        for end in ("low", "high"):
            rerun = run(scenario.with_({f"model.{parameter}": row[end]}))
            assert rerun.summary["totals"][NPV] == pytest.approx(row[f"npv_at_{end}_gbp_k"], rel=1e-6)
    assert result.summary["tornado"]["base_npv_gbp_k"] == pytest.approx(base.summary["totals"][NPV])


@pytest.mark.slow
def test_levers_are_ranked_by_swing_and_move_the_headline_the_right_way(small):
    _, base, result = small
    block = result.summary["tornado"]
    rows = block["levers"]
    assert list(rows[0]) == TORNADO_COLUMNS
    assert list(result.tornado.columns) == TORNADO_COLUMNS and len(result.tornado) == len(rows)
    swings = [r["swing_gbp_k"] for r in rows]
    assert swings == sorted(swings, reverse=True)
    by = {r["parameter"]: r for r in rows}
    # more likely success and cheaper set-up can only raise the best portfolio's NPV
    assert by["success_probability"]["npv_at_high_gbp_k"] >= by["success_probability"]["npv_at_low_gbp_k"]
    assert by["setup_ratio"]["npv_at_low_gbp_k"] >= by["setup_ratio"]["npv_at_high_gbp_k"]
    assert by["governance_rate"]["npv_at_low_gbp_k"] >= by["governance_rate"]["npv_at_high_gbp_k"]
    # every chosen partnership either names the lever that drops it or none
    assert set(result.portfolio[CANDIDATE_ID]) == set(base.portfolio[CANDIDATE_ID])
    assert result.portfolio["hinges_on"].notna().all()
    for cid, words in block["hinges"].items():
        assert cid in set(base.portfolio[CANDIDATE_ID]) and " at " in words


def test_tornado_is_off_by_default(north_east_k3_run):
    assert attach_tornado(north_east_k3_run) is north_east_k3_run
    assert "tornado" not in north_east_k3_run.summary
