"""The workbook is live: every formula recomputed (a small spreadsheet engine for the functions the
workbook writes) equals its cached value; after changing ``discount_rate`` the headline, portfolio,
council and partnership NPVs equal the CSV cash flows discounted at the new rate; and after changing
each named input of the Scenario sheet, every partnership's figures and the headline equal the
model's own valuation of the same partnerships at that input."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from sharedopt.report.run_result import write_result

_TOKEN = re.compile(r"""
    (?P<qrange>(?:'(?:[^']|'')+'|[A-Za-z_]\w*)!\$?[A-Z]+\$?\d+:\$?[A-Z]+\$?\d+)
  | (?P<qcell>(?:'(?:[^']|'')+'|[A-Za-z_]\w*)!\$?[A-Z]+\$?\d+)
  | (?P<range>\$?[A-Z]+\$?\d+:\$?[A-Z]+\$?\d+)
  | (?P<func>[A-Z]+)\(
  | (?P<cell>\$?[A-Z]{1,3}\$?\d+)(?![\w(])
  | (?P<name>[A-Za-z_]\w*)
  | (?P<num>\d+\.?\d*(?:[eE][+-]?\d+)?)
  | (?P<op><=|>=|<>|=|[-+*/(),<>])
  | (?P<space>\s+)""", re.X)


def _flat(values):
    for v in values:
        yield from (_flat(v) if isinstance(v, list) else [v])


_FUNCTIONS = {
    "IF": lambda cond, yes, no=0.0: yes if cond else no,
    "AND": lambda *conds: all(conds),
    "MIN": lambda *v: min(_flat(v)), "MAX": lambda *v: max(_flat(v)), "SUM": lambda *v: sum(_flat(v)),
    "NPV": lambda rate, *v: sum(x / (1 + rate) ** t for t, x in enumerate(_flat(v), start=1)),
}


@functools.lru_cache(maxsize=2)
def _books(path: Path):
    """The workbook with its formulas and with its cached values, loaded once per file."""
    return load_workbook(path), load_workbook(path, data_only=True)


class Recalc:
    """A small spreadsheet engine for the formulas the workbook writes: cell and range references
    (sheet-qualified or not), workbook names, + - * /, comparisons and IF, AND, MIN, MAX, SUM, NPV.

    ``inputs`` overrides named input cells (``{"discount_rate": 0.06}``), as an analyst would in Excel.
    """

    def __init__(self, path: Path, inputs: dict[str, float] | None = None):
        self.formulas, self.cached = _books(path)
        self.names = {n: tuple(d.attr_text.replace("$", "").split("!")) for n, d in self.formulas.defined_names.items()}
        self.memo = {self.names[n]: float(v) for n, v in (inputs or {}).items()}

    def value(self, sheet: str, cell: str):
        key = (sheet, cell)
        if key not in self.memo:
            content = self.formulas[sheet][cell].value
            text = content[1:] if isinstance(content, str) and content.startswith("=") else None
            self.memo[key] = self.evaluate(sheet, text) if text is not None else (
                float(content) if isinstance(content, (int, float)) else content)
        return self.memo[key]

    def evaluate(self, sheet: str, text: str):
        parts, at = [], 0
        for match in _TOKEN.finditer(text):
            assert match.start() == at, f"formula not understood at {text[at:]!r}: {text}"
            parts.append(self._python(sheet, match))
            at = match.end()
        assert at == len(text), f"formula not understood at {text[at:]!r}: {text}"
        return eval("".join(parts), {"_v": self.value, "_r": self._range, **_FUNCTIONS})

    def _python(self, sheet: str, match: re.Match) -> str:
        kind, token = match.lastgroup, match.group(0)
        if kind in ("qrange", "qcell"):
            where, _, ref = token.rpartition("!")
            sheet, token = where.strip("'").replace("''", "'"), ref
        token = token.replace("$", "")
        if kind in ("qrange", "range"):
            return f"_r({sheet!r}, {token!r})"
        if kind in ("qcell", "cell"):
            return f"_v({sheet!r}, {token!r})"
        if kind == "name":
            return "_v(%r, %r)" % self.names[token]
        if kind == "func":
            return match.group("func") + "("
        return {"=": "==", "<>": "!="}.get(token, token)

    def _range(self, sheet: str, ref: str) -> list:
        return [self.value(sheet, c.coordinate) for row in self.formulas[sheet][ref] for c in row]


@pytest.fixture(scope="module")
def written(north_east_k3_run, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("live") / "out"
    write_result(north_east_k3_run, out, formats={"csv", "json", "xlsx"})
    return out


def _formula_cells(evaluator: Recalc):
    for ws in evaluator.formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    yield ws.title, cell.coordinate


def test_every_formula_recomputes_to_its_cached_value(written):
    evaluator = Recalc(written / "opportunities.xlsx")
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
    evaluator = Recalc(written / "opportunities.xlsx", {"discount_rate": rate})
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


def test_scenario_sheet_carries_the_uncertainty_band_and_the_robust_core(tmp_path):
    from sharedopt.report.workbook.book import write_xlsx

    band = {"draws": 20, "distributions": {"costs": {}, "model.efficiency_theta": {},
                                           "model.depth_settings.merger.realisation": {}}, "npv_gbp_k": {"p10": 100.0, "p50": 150.0, "p90": 210.0},
            "annual_net_saving_gbp_k": {"p10": 10.0, "p50": 15.0, "p90": 21.0}}
    robust = {"robust_share": 0.8, "n_robust": 3, "n_contingent": 2, "robust_npv_gbp_k": 120.0,
              "headline": {"npv_gbp_k": 150.0, "p10_gbp_k": 100.0, "p50_gbp_k": 150.0, "p90_gbp_k": 210.0,
                           "draws": 20, "basis": "every lever at its median"}}
    path = write_xlsx(tmp_path / "w.xlsx", summary={"uncertainty": band, "robustness": robust,
                                                    "totals": {"npv_gbp_k": 150.0}},
                      portfolio=pd.DataFrame(), candidates=pd.DataFrame(), shares=pd.DataFrame())
    items = {a: b for a, b in load_workbook(path)["Scenario"].iter_rows(min_row=2, max_col=2, values_only=True)}
    assert items["NPV, P10 (£k)"] == 100.0 and items["NPV, P90 (£k)"] == 210.0
    assert items["Annual net saving, P50 (£k)"] == 15.0
    assert items["Uncertainty band"].startswith("20 Monte Carlo draws of delivery ratio of merger partnerships, "
                                                "every spend figure, share of the efficiency gap closed;")
    assert "model." not in items["Uncertainty band"]   # plain words, not config keys
    assert items["Robust core: partnerships chosen in at least 80% of the draws"] == 3
    assert items["Robust core NPV (£k)"] == 120.0 and items["Contingent partnerships (chosen in fewer draws)"] == 2


#: Each named input, a changed value, and the model parameters that value means.
CHANGES = {
    "discount_rate": (0.07, lambda m, v: {"discount_rate": v}),
    "delivery_ratio": (0.55, lambda m, v: {"realisation": m.realisation.model_copy(update={"base": v})}),
    "success_probability": (0.6, lambda m, v: {"success_probability": v}),
    "setup_ratio": (1.6, lambda m, v: {"setup_ratio": v}),
    "horizon_years": (14, lambda m, v: {"horizon_years": int(v)}),
    "ramp_years": (3, lambda m, v: {"ramp_years": int(v)}),
}
_FIGURES = ["npv_gbp_k", "annual_saving_gbp_k", "one_off_cost_gbp_k", "annual_net_saving_gbp_k"]


@pytest.fixture(scope="module")
def valuation(north_east_k3_run, north_east_inputs):
    """The model's valuation of the chosen partnerships at changed parameters (no re-solve)."""
    from sharedopt.candidates.appraise import appraise_groups, resolve_groups
    from sharedopt.candidates.value import CostBase
    from sharedopt.pipeline.appraise import group_specs

    model, portfolio = north_east_k3_run.config.model, north_east_k3_run.portfolio
    specs = group_specs([f"{row.candidate_id}={row.members.replace(';', '+')}:{row.services.replace(';', '+')}"
                         f"@{row.depth}" for row in portfolio.itertuples()])
    base = CostBase.from_frames(north_east_inputs.authorities, north_east_inputs.costs, model)
    resolved = resolve_groups(specs, base, model, north_east_inputs.graphs, {}, True)

    def at(update: dict) -> pd.DataFrame:
        return appraise_groups(base, model.model_copy(update=update), resolved).set_index("group")[_FIGURES]
    return at


def _portfolio_figures(recalc: Recalc) -> pd.DataFrame:
    ws = recalc.formulas["portfolio"]
    header = [c.value for c in ws[1]]
    rows = {}
    for r in range(2, ws.max_row + 1):
        cid = ws.cell(r, header.index("candidate_id") + 1).value
        rows[cid] = [recalc.value("portfolio", ws.cell(r, header.index(f[:-6] + " (£k)") + 1).coordinate)
                     for f in _FIGURES]
    return pd.DataFrame.from_dict(rows, orient="index", columns=_FIGURES)


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_changing_a_named_input_moves_every_figure_as_the_model_values_it(written, valuation, north_east_k3_run, name):
    value, update = CHANGES[name]
    recalc = Recalc(written / "opportunities.xlsx", {name: value})
    assert name in recalc.names, name
    model = valuation(update(north_east_k3_run.config.model, value))
    shown = _portfolio_figures(recalc)
    at_run = north_east_k3_run.portfolio.set_index("candidate_id")[_FIGURES].loc[shown.index]
    assert (shown - at_run).abs().to_numpy().max() > 1.0, f"{name}: no figure moved"
    for cid, row in shown.iterrows():
        assert list(row) == pytest.approx(list(model.loc[cid]), rel=1e-6, abs=0.01), (name, cid)
    scenario = recalc.formulas["Scenario"]
    for label, figure in (("NPV (£k)", "npv_gbp_k"), ("Annual net saving (£k)", "annual_net_saving_gbp_k"),
                          ("One-off cost (£k)", "one_off_cost_gbp_k")):
        total = recalc.value("Scenario", _label_cell(scenario, label))
        assert total == pytest.approx(model[figure].sum(), rel=1e-6), (name, label)
    councils = recalc.formulas["councils"]
    header = [c.value for c in councils[1]]
    npv = header.index("npv (£k)") + 1
    council_sum = sum(recalc.value("councils", councils.cell(r, npv).coordinate) for r in range(2, councils.max_row + 1))
    assert council_sum == pytest.approx(model["npv_gbp_k"].sum(), rel=1e-6), name
