"""The workbook's totals are live: every formula recomputed (a small evaluator for the few formula
shapes the workbook writes) equals its cached value, and after changing ``discount_rate`` the
headline, portfolio, council and partnership NPVs equal the CSV cash flows discounted at the new rate."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from sharedopt.report.run_result import write_result

_REF = r"(?:'((?:[^']|'')+)'!|([A-Za-z_][\w ]*)!)?\$?([A-Z]+)\$?(\d+)"
_TERM = re.compile(r"([+-]?)(?:([0-9.eE+-]+)\*)?(" + _REF + ")")


class Evaluator:
    """Values of cells of the shapes the workbook writes: sums of (weight *) references, and
    ``year0 + NPV(discount_rate, range)``."""

    def __init__(self, path: Path, rate: float | None = None):
        self.formulas = load_workbook(path)
        self.cached = load_workbook(path, data_only=True)
        sheet, cell = self.formulas.defined_names["discount_rate"].attr_text.replace("$", "").split("!")
        self.rate = float(self.cached[sheet][cell].value) if rate is None else rate

    def value(self, sheet: str, cell: str) -> float:
        content = self.formulas[sheet][cell].value
        if isinstance(content, str) and content.startswith("="):
            return self.formula(sheet, content[1:])
        return float(content)

    def formula(self, sheet: str, text: str) -> float:
        total = 0.0
        npv = re.match(r"(.*)\+NPV\(discount_rate,\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)\)$", text)
        if npv:
            body, col, first, _, last = npv.groups()
            flows = [self.value(sheet, f"{col}{r}") for r in range(int(first), int(last) + 1)]
            total += sum(v / (1 + self.rate) ** t for t, v in enumerate(flows, start=1))
            text = body
        consumed = 0
        for match in _TERM.finditer(text):
            sign, weight, _, quoted, plain, col, row = match.groups()
            where = (quoted or "").replace("''", "'") or plain or sheet
            term = float(weight or 1.0) * self.value(where, f"{col}{row}")
            total += -term if sign == "-" else term
            consumed += len(match.group(0))
        assert consumed == len(text), f"formula shape not understood: {text}"
        return total


@pytest.fixture(scope="module")
def written(north_east_k3_run, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("live") / "out"
    write_result(north_east_k3_run, out, formats={"csv", "json", "xlsx"})
    return out


def _formula_cells(evaluator: Evaluator):
    for ws in evaluator.formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    yield ws.title, cell.coordinate


def test_every_formula_recomputes_to_its_cached_value(written):
    evaluator = Evaluator(written / "opportunities.xlsx")
    cells = list(_formula_cells(evaluator))
    sheets = {s for s, _ in cells}
    assert {"Scenario", "portfolio", "councils"} <= sheets  # the totals are live, not only the cash flows
    for sheet, cell in cells:
        cached = evaluator.cached[sheet][cell].value
        assert evaluator.value(sheet, cell) == pytest.approx(cached, abs=0.02), (sheet, cell)


def _label_cell(ws, label: str) -> str:
    return next(f"B{r}" for r in range(1, ws.max_row + 1) if ws[f"A{r}"].value == label)


def test_changing_the_discount_rate_moves_every_total_as_the_csv_says(written):
    rate = 0.08
    evaluator = Evaluator(written / "opportunities.xlsx", rate=rate)
    flows = pd.read_csv(written / "council_cashflows.csv")
    flows["at_new_rate"] = flows["net_cash_gbp_k"] / (1 + rate) ** flows["year"]
    by_partnership = flows.groupby("candidate_id")["at_new_rate"].sum()
    by_council = flows.groupby("authority")["at_new_rate"].sum()

    headline = evaluator.value("Scenario", _label_cell(evaluator.formulas["Scenario"], "NPV (£k)"))
    assert headline == pytest.approx(by_partnership.sum(), abs=0.05)
    assert headline != pytest.approx(evaluator.cached["Scenario"][
        _label_cell(evaluator.formulas["Scenario"], "NPV (£k)")].value, abs=1.0)  # it moved

    portfolio = evaluator.formulas["portfolio"]
    header = [c.value for c in portfolio[1]]
    ids, npv = header.index("candidate_id") + 1, header.index("npv (£k)") + 1
    for r in range(2, portfolio.max_row + 1):
        cid = portfolio.cell(r, ids).value
        cell = portfolio.cell(r, npv).coordinate
        assert evaluator.value("portfolio", cell) == pytest.approx(by_partnership[cid], abs=0.02), cid

    councils = evaluator.formulas["councils"]
    header = [c.value for c in councils[1]]
    codes, npv = header.index("authority") + 1, header.index("npv (£k)") + 1
    for r in range(2, councils.max_row + 1):
        code = councils.cell(r, codes).value
        assert evaluator.value("councils", councils.cell(r, npv).coordinate) == pytest.approx(
            by_council[code], abs=0.02), code


def test_scenario_sheet_carries_the_uncertainty_band(tmp_path):
    from sharedopt.report.workbook.book import write_xlsx

    band = {"draws": 20, "distributions": {"costs": {}}, "npv_gbp_k": {"p10": 100.0, "p50": 150.0, "p90": 210.0},
            "annual_net_saving_gbp_k": {"p10": 10.0, "p50": 15.0, "p90": 21.0}}
    path = write_xlsx(tmp_path / "w.xlsx", summary={"uncertainty": band, "totals": {"npv_gbp_k": 150.0}},
                      portfolio=pd.DataFrame(), candidates=pd.DataFrame(), shares=pd.DataFrame())
    items = {a: b for a, b in load_workbook(path)["Scenario"].iter_rows(min_row=2, max_col=2, values_only=True)}
    assert items["NPV, P10 (£k)"] == 100.0 and items["NPV, P90 (£k)"] == 210.0
    assert items["Annual net saving, P50 (£k)"] == 15.0
    assert items["Uncertainty band"].startswith("20 Monte Carlo draws of costs")
