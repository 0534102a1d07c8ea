"""Text cells with line breaks and control characters, through every CSV and XLSX writer.

Council names come from a user's boundary file. A bare carriage return in one used to be
written unquoted into ``portfolio.csv``: ``csv``, pandas, Excel and LibreOffice split the
row there and the next "row" started with ``=cmd|...``. Now every line break is one
``\\n`` in a quoted cell, every other control character is escaped, and the formula guard
applies to every line of a cell (:mod:`sharedopt.report.tables.cells`).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cell_checks import lines_that_can_run
from sharedopt.cli import app
from sharedopt.report.tables.cells import FORMULA_TRIGGERS, neutralise_frame, neutralise_text

FIXTURES = Path(__file__).parent / "fixtures" / "hostile_cells"
DURHAM = "County Durham\r=cmd|' /C calc'!A0"
runner = CliRunner(env={"COLUMNS": "250"})


@pytest.fixture(scope="module")
def run_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cells") / "out"
    result = runner.invoke(app, ["run", str(FIXTURES / "hostile_cells.toml"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert ": 1 partnership, " in result.output  # one group of all four hostile names reaches portfolio.csv
    return out


def test_every_csv_keeps_its_rows_whole_for_the_csv_module(run_out):
    for path in sorted(run_out.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert all(len(row) == len(rows[0]) for row in rows), path.name
        for line, row in enumerate(rows, start=1):
            for field in row:
                assert "\r" not in field, f"{path.name}:{line}: {field!r}"
                assert not lines_that_can_run(field), f"{path.name}:{line}: {field!r}"


def test_every_csv_reads_back_with_pandas_without_a_formula(run_out):
    for path in sorted(run_out.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        with path.open(encoding="utf-8", newline="") as handle:
            assert len(frame) == sum(1 for _ in csv.reader(handle)) - 1, path.name
        bad = [v for v in frame.to_numpy().ravel().tolist() + list(frame.columns) if lines_that_can_run(v)]
        assert not bad, (path.name, bad)


def test_the_names_stay_in_their_cell_with_every_line_guarded(run_out):
    portfolio = pd.read_csv(run_out / "portfolio.csv")
    names = portfolio["member_names"].tolist()
    assert len(names) == 1  # one group of the four hostile councils
    assert names[0].startswith("County Durham\n'=cmd|' /C calc'!A0;")
    assert "Beta\n'+SUM(A1:A9)\n'@Gamma;Gamma\\x1b[31m\\u202e\t-Minus" in names[0]


def test_no_workbook_cell_or_line_can_run(run_out):
    wb = load_workbook(run_out / "opportunities.xlsx")
    texts = []
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # the live formulas the report writes itself, over its own cells
                    assert "cmd" not in cell.value and "SUM(A1:A9)" not in cell.value, (ws.title, cell.coordinate)
                    continue
                assert not lines_that_can_run(cell.value), (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert "\r" not in cell.value and "\x1b" not in cell.value, (ws.title, cell.coordinate)
                    texts.append(cell.value)
    assert any("County Durham\n'=cmd|' /C calc'!A0" in text for text in texts)


@pytest.mark.parametrize(("given", "written"), [
    (DURHAM, "County Durham\n'=cmd|' /C calc'!A0"),
    ("a\r\n+b\n@c", "a\n'+b\n'@c"),
    ("\r=x", "'\n'=x"),
    ("ok\x1b[2Jthen", "ok\\x1b[2Jthen"),
    ("x\u202ey\u2028=z", "x\\u202ey\\u2028=z"),
    ("\t-1", "'\t-1"),
])
def test_neutralise_text_guards_every_line(given, written):
    assert neutralise_text(given) == written


def test_a_frame_with_a_break_mid_cell_is_copied_and_guarded():
    frame = pd.DataFrame({"name": ["Alpha", DURHAM], "npv_gbp_k": [-1.0, 2.0]})
    out = neutralise_frame(frame)
    assert out is not frame and out["name"].tolist() == ["Alpha", "County Durham\n'=cmd|' /C calc'!A0"]
    assert frame["name"].tolist() == ["Alpha", DURHAM]  # the caller's table is not changed


def test_report_html_shows_control_and_bidi_characters_as_escapes(tmp_path):
    """A right-to-left override in a council name made the page read in another order than written."""
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(FIXTURES / "hostile_cells.toml"), "--out", str(out), "--format", "html"])
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert not [c for c in page if c in "\u202e\x1b\r"]
    assert "Gamma\\x1b[31m\\u202e" in page  # shown, not hidden
    assert str(FIXTURES) not in page  # input files named without their folder


def test_the_workbook_names_input_files_without_their_folder(run_out):
    wb = load_workbook(run_out / "opportunities.xlsx")
    texts = [cell.value for ws in wb for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert any("boundaries.geojson" in text for text in texts)
    assert not [text for text in texts if str(FIXTURES) in text]
