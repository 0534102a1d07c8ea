"""The finance workbook read as an analyst would, cell by cell, on a real run."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from sharedopt.config.schema import load_config
from sharedopt.report.run_result import write_result
from sharedopt.pipeline.sequencer import run

pytestmark = pytest.mark.slow  # a full run written and read back, cell by cell

ROOT = Path(__file__).resolve().parents[1]
MONEY = '£#,##0"k"'


@pytest.fixture(scope="module")
def tight(tmp_path_factory) -> Path:
    """The North East tight-governance what-if, written in full."""
    out = tmp_path_factory.mktemp("tight") / "out"
    write_result(run(load_config(ROOT / "configs" / "north-east-tight-governance.toml")), out)
    return out


def _header(ws, row: int = 1) -> list:
    return [c.value for c in ws[row]]


def test_every_money_header_names_its_unit_and_shows_it(tight):
    wb = load_workbook(tight / "opportunities.xlsx")
    for name in ("portfolio", "candidates", "shares", "councils"):
        ws = wb[name]
        header = _header(ws)
        assert not [h for h in header if isinstance(h, str) and h.endswith("_gbp_k")], name
        money = [i for i, h in enumerate(header, start=1) if isinstance(h, str) and h.endswith("(£k)")]
        assert money, name
        for col in money:
            formats = {ws.cell(row=r, column=col).number_format for r in range(2, min(ws.max_row, 50) + 1)}
            assert formats == {MONEY}, (name, header[col - 1], formats)


def test_names_beside_codes(tight):
    wb = load_workbook(tight / "opportunities.xlsx")
    header = _header(wb["portfolio"])
    assert header[header.index("members") + 1] == "member_names"
    row = [c.value for c in wb["portfolio"][2]]
    codes, names = row[header.index("members")], row[header.index("member_names")]
    listed = [n.strip() for n in names.split(";")]
    assert len(codes.split(";")) == len(listed) and not any(n.startswith("E0") for n in listed)


def test_scenario_sheet_first_states_what_was_asked(tight):
    wb = load_workbook(tight / "opportunities.xlsx")
    assert wb.sheetnames[0] == "Scenario"
    items = [(a, b) for a, b in wb["Scenario"].iter_rows(min_row=2, max_col=2, values_only=True)]
    text = " ".join(str(b) for _, b in items)
    assert "governance capacity 1" in text and "£40m" in text
    assert dict(items)["Gap to the best bound"] == "0.00% (proven optimal)"
    assert dict(items)["Data vintage (the run's 'as of' date)"] == "2023-24"


def test_cashflow_npv_is_a_live_formula_equal_to_the_portfolio(tight):
    wb = load_workbook(tight / "opportunities.xlsx")
    values = load_workbook(tight / "opportunities.xlsx", data_only=True)
    portfolio = pd.read_csv(tight / "portfolio.csv").set_index("candidate_id")
    rate_cell = wb.defined_names["discount_rate"].attr_text.replace("$", "").split("!")
    rate = wb[rate_cell[0]][rate_cell[1]].value
    assert rate == pytest.approx(0.035)
    sheets = [n for n in wb.sheetnames if n.startswith("cash flow ")]
    assert len(sheets) == len(portfolio)
    for name in sheets:
        ws = wb[name]
        cid = ws["B2"].value
        cells = {c.coordinate: c.value for row in ws.iter_rows() for c in row}
        formula = next(v for v in cells.values() if isinstance(v, str) and "NPV(discount_rate" in v)
        first, later = formula[1:].split("+NPV(discount_rate,")
        start, end = later.rstrip(")").split(":")
        col = start[0]
        cached = values[name]  # net cash is itself a formula over the terms: read its cached value
        flows = [cached[f"{col}{r}"].value for r in range(int(start[1:]), int(end[1:]) + 1)]
        value = cached[first].value + sum(v / (1 + rate) ** t for t, v in enumerate(flows, start=1))
        assert value == pytest.approx(portfolio.loc[cid, "npv_gbp_k"], abs=0.01), name


def test_side_sheets_present(tight):
    wb = load_workbook(tight / "opportunities.xlsx")
    assert {"assumptions", "data quality", "existing partnerships", "councils"} <= set(wb.sheetnames)
    summary = json.loads((tight / "summary.json").read_text(encoding="utf-8"))
    assert wb["councils"].max_row - 1 == len(summary["cash_flows"]["by_authority"])
    for name, frozen in (("portfolio", "F2"), ("candidates", "F2"), ("councils", "C2")):
        assert wb[name].freeze_panes == frozen and wb[name].auto_filter.ref  # names stay in view


def test_workbook_bytes_repeat(tight, tmp_path):
    again = tmp_path / "again"
    write_result(run(load_config(ROOT / "configs" / "north-east-tight-governance.toml")), again)
    assert (again / "opportunities.xlsx").read_bytes() == (tight / "opportunities.xlsx").read_bytes()


def test_tight_governance_report_states_capacity_and_budget(tight):
    html = (tight / "report.html").read_text(encoding="utf-8")
    scenario = html[html.index('id="scenario"'):html.index('id="headline-heading"')]
    assert "governance capacity 1" in scenario and "£40m" in scenario
    assert 'id="estimates"' not in html  # North East data are real: no estimates warning
    assert "StatsWales" not in html and "MHCLG" in html  # attribution only for the sources used
    assert "0.00% (proven optimal)" in html


def test_summary_states_constraints_and_vintage(tight):
    summary = json.loads((tight / "summary.json").read_text(encoding="utf-8"))
    by_name = {c["constraint"]: c["value"] for c in summary["constraints"]}
    assert by_name["governance_capacity"] == 1 and by_name["budget_total_gbp_k"] == 40000
    assert summary["data_vintage"] == "2023-24" and "StatsWales" not in summary["attribution"]
