"""Spreadsheet injection: input text never starts a formula in a CSV or XLSX cell.

The hostile fixture (``tests/fixtures/hostile``) is a scenario over invented boundaries whose
names start with ``=``, ``+``, ``@`` and ``-``; it runs through the real CLI and writers.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sharedopt.cli import app
from sharedopt.data import DataQuality
from sharedopt.report import write_outputs
from sharedopt.report.cells import FORMULA_TRIGGERS, neutralise_frame, neutralise_text

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
MINI = Path(__file__).parent / "fixtures" / "report_mini"
EVIL = '=HYPERLINK("http://x","y")'
EVIL_NAMES = {"E06900001": EVIL, "E06900002": "+Beta", "E06900003": "@Gamma", "E06900004": "-Delta"}

runner = CliRunner(env={"COLUMNS": "250"})


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- the helper


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
def test_every_trigger_is_quoted(trigger):
    assert neutralise_text(trigger + "cmd") == "'" + trigger.replace("\r", "\n") + "cmd"


@pytest.mark.parametrize("value", ["Alpha", "", "'=already quoted", "a=b", -5.0, -5, np.float64(-1.5), True,
                                   None, float("nan")])
def test_other_values_are_unchanged(value):
    out = neutralise_text(value)
    assert out is value or (out != out and value != value)


def test_frame_text_quoted_numbers_kept_input_untouched():
    frame = pd.DataFrame({
        "name": [EVIL, "Alpha", None],
        "label": pd.Series(["-x", "y", "z"], dtype="string"),
        "kind": pd.Categorical(["@a", "b", "@a"]),
        "npv_gbp_k": [-35.0, 1.5, np.nan],
        "rank": [-1, 2, 3],
        "chosen": [True, False, True],
        "=col": ["ok", "ok", "ok"],
    })
    before = frame.copy()
    out = neutralise_frame(frame)
    assert out["name"].tolist()[:2] == ["'" + EVIL, "Alpha"] and pd.isna(out["name"].iloc[2])
    assert out["label"].tolist() == ["'-x", "y", "z"]
    assert out["kind"].tolist() == ["'@a", "b", "'@a"]
    assert list(out.columns)[-1] == "'=col"
    for col in ("npv_gbp_k", "rank", "chosen"):  # numbers (negative ones too) stay numbers
        assert out[col].dtype == before[col].dtype
        pd.testing.assert_series_equal(out[col], before[col])
    pd.testing.assert_frame_equal(frame, before)  # the caller's table is not changed


def test_clean_frame_is_not_copied():
    frame = pd.DataFrame({"name": ["Alpha", "Beta"], "npv_gbp_k": [-1.0, 2.0]})
    assert neutralise_frame(frame) is frame


# --------------------------------------------------------------------------- a real run


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hostile") / "out"
    result = runner.invoke(app, ["run", str(HOSTILE / "hostile.toml"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_hostile_boundary_names_are_quoted_in_the_workbook(hostile_run):
    ws = load_workbook(hostile_run / "opportunities.xlsx")["summary"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "by_authority")
    header = list(rows[start + 1])
    names = {r[header.index("authority")]: r[header.index("name")] for r in rows[start + 2:] if r[0]}
    assert names and names == {code: "'" + EVIL_NAMES[code] for code in names}


# the report's own formulas: cell and sheet references ('cash flow N'!$F$21), NPV/SUM, arithmetic
OWN_FORMULA = re.compile(r"=(?:[A-Z]+\(|'cash flow \d+'!|\$?[A-Z]+\$?\d+|discount_rate|[-+*/(),:.0-9 ])+")


def test_no_workbook_cell_can_run(hostile_run):
    wb = load_workbook(hostile_run / "opportunities.xlsx")
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # only the live formulas the report writes over its own cells
                    assert OWN_FORMULA.fullmatch(cell.value), (ws.title, cell.coordinate, cell.value)
                    assert not any(name in cell.value for name in EVIL_NAMES.values()), cell.value
                    continue
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_TRIGGERS), (ws.title, cell.coordinate, cell.value)


def test_no_csv_field_can_run(hostile_run):
    for path in sorted(hostile_run.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.reader(handle), start=1):
                for field in row:
                    if field.startswith(FORMULA_TRIGGERS):
                        assert _is_number(field), f"{path.name}:{line}: {field!r}"


def test_hostile_description_stays_literal_in_json(hostile_run):
    summary = json.loads((hostile_run / "summary.json").read_text(encoding="utf-8"))
    assert summary["description"] == "=1+1 hostile description"  # JSON is data, not a spreadsheet


# --------------------------------------------------------------------------- the writers


@pytest.fixture()
def hostile_tables() -> dict:
    """report_mini inputs with hostile text in candidates and a data-quality report naming a boundary."""
    import geopandas as gpd

    candidates = pd.read_csv(MINI / "candidates.csv")
    candidates["conflicts_with"] = candidates["conflicts_with"].astype(object)
    candidates.loc[0, "conflicts_with"] = "@SUM(A1:A9)"
    candidates.loc[1, "loss_if_forced_gbp_k"] = -35.0  # a negative number is a number
    quality = DataQuality()
    quality.add(file="boundaries.geojson", row=3, code="E06900001", field="name",
                issue=f"{EVIL} is not a council name", action="-kept as given")
    return {
        "authorities": gpd.read_file(MINI / "authorities.geojson").set_index("code"),
        "candidates": candidates,
        "portfolio": candidates[candidates["chosen"]].reset_index(drop=True),
        "shares": pd.read_csv(MINI / "shares.csv"),
        "summary": json.loads((MINI / "summary.json").read_text(encoding="utf-8")),
        "extra_tables": {"data_quality": quality.to_frame()},
    }


def test_data_quality_csv_quotes_hostile_text(tmp_path, hostile_tables):
    paths = write_outputs(tmp_path / "o", formats={"csv"}, **hostile_tables)
    with paths["data_quality.csv"].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows == [{"file": "boundaries.geojson", "row": "3", "code": "E06900001", "field": "name",
                     "issue": f"'{EVIL} is not a council name", "action": "'-kept as given"}]


def test_candidates_csv_and_workbook_quote_text_not_numbers(tmp_path, hostile_tables):
    paths = write_outputs(tmp_path / "o", formats={"csv", "xlsx"}, **hostile_tables)
    back = pd.read_csv(paths["candidates.csv"])
    assert back.loc[0, "conflicts_with"] == "'@SUM(A1:A9)"
    assert back.loc[1, "loss_if_forced_gbp_k"] == -35.0
    assert b",-35.000\n" in paths["candidates.csv"].read_bytes()  # written as a number, not quoted text
    ws = load_workbook(paths["opportunities.xlsx"])["candidates"]
    header = [c.value for c in ws[1]]
    conflicts = ws.cell(row=2, column=header.index("conflicts_with") + 1)
    loss = ws.cell(row=3, column=header.index("loss_if_forced (£k)") + 1)
    assert conflicts.data_type == "s" and conflicts.value == "'@SUM(A1:A9)"
    assert loss.data_type == "n" and loss.value == -35.0
