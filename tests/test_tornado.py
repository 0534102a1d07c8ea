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
    """The North East's back office and children's services, groups of up to 3 (fast: the tornado
    re-solves the scenario twice per lever), its run and its tornado (serial engine)."""
    scenario = Scenario.from_config(ROOT / "configs" / "north-east.toml").with_(
        {"model.max_group_size": 3, "report.top_n": 0, "uncertainty.engine": "serial",
         "data.services": ["Central_Services", "Children_Social_Care", "Education"]})
    base = run(scenario)
    return scenario, base, attach_tornado(base, enabled=True)


@pytest.mark.slow
def test_bars_reproduce_single_parameter_reruns(small):
    scenario, base, result = small
    levers = {row["parameter"]: row for row in result.summary.tornado["levers"]}
    for parameter in ("setup_ratio", "success_probability"):
        row = levers[parameter]
        for end in ("low", "high"):
            rerun = run(scenario.with_({f"model.{parameter}": row[end]}))
            assert rerun.summary.totals[NPV] == pytest.approx(row[f"npv_at_{end}_gbp_k"], rel=1e-6)
    assert result.summary.tornado["base_npv_gbp_k"] == pytest.approx(base.summary.totals[NPV])


@pytest.mark.slow
def test_levers_are_ranked_by_swing_and_move_the_headline_the_right_way(small):
    _, base, result = small
    block = result.summary.tornado
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
    assert north_east_k3_run.summary.tornado is None


@pytest.mark.slow
def test_workbook_holds_the_unknowns_and_the_general_fund_years(small, tmp_path):
    from openpyxl import load_workbook
    from sharedopt.report.run_result import write_result

    _, _, result = small
    write_result(result.__class__(**{**result.__dict__, "config": result.config.model_copy(update={
        "report": result.config.report.model_copy(update={"formats": ["xlsx"]})})}), tmp_path / "out")
    wb = load_workbook(tmp_path / "out" / "opportunities.xlsx")
    assert {"unknowns", "general fund 5 years"} <= set(wb.sheetnames)
    unknowns = [row for row in wb["unknowns"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert [r[0] for r in unknowns] == [lv["parameter"] for lv in result.summary.tornado["levers"]]
    sheet = list(wb["general fund 5 years"].iter_rows(values_only=True))
    header, rows = list(sheet[0]), [r for r in sheet[1:] if r[0]]
    column = next(i for i, h in enumerate(header) if h and str(h).startswith("cumulative"))
    view = result.summary.cash_flows["medium_term"]
    assert len(rows) == len(view["by_partnership"])
    assert sum(r[column] for r in rows) == pytest.approx(view["cumulative"], abs=1e-3)
