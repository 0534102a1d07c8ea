"""Every money table adds up, in every format: net cash = saving - one-off - governance - distance.

One real run (North East, partnerships of up to 3) is written in full; each table is read back
the way its reader would (CSV with pandas, the workbook with openpyxl, the report's HTML parsed)
and each row's terms are summed against the net cash it shows.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from sharedopt.report.run_result import write_result
from sharedopt.results.cashflow import NET_TERMS

TERMS = [name for name, _ in NET_TERMS]
SIGNS = [sign for _, sign in NET_TERMS]


@pytest.fixture(scope="module")
def written(north_east_k3_run, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("money") / "out"
    write_result(north_east_k3_run, out)
    return out


def _net(values) -> float:
    return sum(sign * float(v) for sign, v in zip(SIGNS, values))


def test_council_cashflows_csv_rows_add_up(written):
    flows = pd.read_csv(written / "council_cashflows.csv")
    assert set(TERMS) <= set(flows.columns)
    assert (flows["distance_cost_gbp_k"] > 0).any()  # the run has a distance cost to leave out
    net = sum(sign * flows[name] for name, sign in NET_TERMS)
    assert (net - flows["net_cash_gbp_k"]).abs().max() < 0.003  # four terms, each rounded to 0.0005
    fund = flows["net_cash_gbp_k"] - flows["ring_fenced_gbp_k"]
    assert (fund - flows["general_fund_net_gbp_k"]).abs().max() < 0.002


def _flow_sheets(wb):
    return [wb[n] for n in wb.sheetnames if n.startswith("cash flow ")]


def _header_row(ws) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "year")


def test_workbook_cashflow_sheets_show_every_term_and_net_cash_is_their_formula(written):
    formulas = load_workbook(written / "opportunities.xlsx")
    cached = load_workbook(written / "opportunities.xlsx", data_only=True)
    sheets = _flow_sheets(formulas)
    assert sheets
    for ws in sheets:
        head = _header_row(ws)
        header = [c.value for c in ws[head]]
        assert header == ["year", "Saving (£k)", "One-off cost (£k)", "Governance and coordination (£k)",
                          "Distance cost (£k)", "Net cash (£k)"], ws.title
        values = cached[ws.title]
        for r in range(head + 1, ws.max_row + 1):
            if not isinstance(ws.cell(r, 1).value, int):
                break
            assert ws.cell(r, 6).value == f"=B{r}-C{r}-D{r}-E{r}", (ws.title, r)
            terms = [values.cell(r, c).value for c in range(2, 6)]
            assert values.cell(r, 6).value == pytest.approx(_net(terms), abs=1e-6), (ws.title, r)


def test_workbook_cashflow_sheets_sum_to_the_csv(written):
    flows = pd.read_csv(written / "council_cashflows.csv")
    wb = load_workbook(written / "opportunities.xlsx", data_only=True)
    for ws in _flow_sheets(wb):
        cid = ws["B2"].value
        mine = flows[flows["candidate_id"] == cid].groupby("year")[TERMS + ["net_cash_gbp_k"]].sum()
        head = _header_row(ws)
        for year, row in mine.iterrows():
            cells = [ws.cell(head + 1 + int(year), c).value for c in range(2, 7)]
            assert cells == pytest.approx(list(row), abs=0.01), (ws.title, year)


def test_workbook_councils_sheet_rows_add_up(written):
    ws = load_workbook(written / "opportunities.xlsx", data_only=True)["councils"]
    header = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(header)}
    wanted = ["saving (£k)", "one_off_cost (£k)", "governance_cost (£k)", "distance_cost (£k)"]
    assert set(wanted + ["net_cash (£k)"]) <= set(col)
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows
    for row in rows:
        assert row[col["net_cash (£k)"]] == pytest.approx(_net([row[col[h]] for h in wanted]), abs=1e-4)  # JSON keeps 6 decimals


class _Table(HTMLParser):
    """The header and body cells of one table, by id."""

    def __init__(self, table_id: str):
        super().__init__()
        self.id, self.inside, self.cell = table_id, False, None
        self.header: list[str] = []
        self.rows: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def _money(text: str) -> float:
    match = re.fullmatch(r"(-?)£(-?[\d,]+)k", text.replace("\u2212", "-"))
    assert match, text
    return float(match.group(1) + match.group(2).replace(",", ""))


def test_html_council_money_rows_add_up(written):
    table = _Table("councils")
    table.feed((written / "report.html").read_text(encoding="utf-8"))
    header, body = table.rows[0], table.rows[1:]
    col = {h: i for i, h in enumerate(header)}
    wanted = ["Saving", "One-off cost", "Governance and coordination", "Distance cost"]
    assert set(wanted + ["Net cash", "Ring-fenced", "General fund net"]) <= set(col), header
    assert any(h.startswith("NPV (pooled-spend share") for h in header), header
    assert body
    for row in body:
        terms = [_money(row[col[h]]) for h in wanted]
        assert _money(row[col["Net cash"]]) == pytest.approx(_net(terms), abs=2.01), row  # each shown to £1k
        fund = _money(row[col["Net cash"]]) - _money(row[col["Ring-fenced"]])
        assert _money(row[col["General fund net"]]) == pytest.approx(fund, abs=1.01), row


def test_portfolio_outputs_name_each_column_once(written):
    from sharedopt.candidates.table import DUPLICATE_COLUMNS

    csv = pd.read_csv(written / "portfolio.csv")
    header = [c.value for c in load_workbook(written / "opportunities.xlsx")["portfolio"][1]]
    for old, new in DUPLICATE_COLUMNS.items():
        assert new in csv.columns and old not in csv.columns, old
        shown = [h for h in header if h in (old[: -len("_gbp_k")] + " (£k)", new[: -len("_gbp_k")] + " (£k)")]
        assert shown == [new[: -len("_gbp_k")] + " (£k)"], shown
    assert len(set(header)) == len(header)


def test_workbook_keeps_names_beside_the_figures_and_formats_span(written):
    wb = load_workbook(written / "opportunities.xlsx")
    for sheet, label in (("portfolio", "member_names"), ("candidates", "member_names"), ("councils", "name")):
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        col = header.index(label) + 1
        assert ws.freeze_panes == f"{ws.cell(2, col + 1).column_letter}2", sheet
    ws = wb["portfolio"]
    header = [c.value for c in ws[1]]
    span = header.index("span_km") + 1
    assert {ws.cell(r, span).number_format for r in range(2, ws.max_row + 1)} == {'#,##0.0" km"'}


@pytest.mark.slow
def test_one_rule_per_council_npv_everywhere_even_for_a_whole_organisation_partnership():
    """Kent chooses a whole-organisation partnership: each council's NPV in its cash flows is its
    pooled-spend share in shares.csv, the figure the By authority table and the map show."""
    from sharedopt.config.schema import load_config
    from sharedopt.pipeline.sequencer import run

    result = run(load_config(Path(__file__).resolve().parents[1] / "configs" / "kent.toml"))
    shares = {row["authority"]: row["npv_share_gbp_k"] for row in result.summary.by_authority}
    flows = result.summary.cash_flows["by_authority"]
    assert flows and all(row["share_rule"] == "pooled-spend share" for row in result.summary.by_authority)
    for row in flows:
        assert row["npv_gbp_k"] == pytest.approx(shares[row["authority"]], abs=0.01), row["authority"]
