"""Tests for the report step (``sharedopt.report``) on the report_mini fixtures."""

from __future__ import annotations

import json
import math
import re
from html import unescape
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

import sharedopt.report as report
from sharedopt.report import atomic_directory, plot_portfolio_map, write_outputs, write_text_atomic
from sharedopt.config.schema import load_config
from sharedopt.pipeline.result import Result
from sharedopt.report.html.text import solver_status
from sharedopt.results.run_summary import SolveReport
from sharedopt.report.run_result import write_result
from sharedopt.report.workbook.sheets import EXCEL_MAX_CHARS, EXCEL_MAX_COLS, EXCEL_MAX_ROWS, contents_note, workbook_tables

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "report_mini"
SOLVER_KEYS = {"status", "objective", "best_bound", "gap", "solver", "time_limit",
               "n_variables", "n_constraints"}
ALL_FILES = {"portfolio.csv", "candidates.csv", "shares.csv", "summary.json", "opportunities.xlsx",
             "map.png", "map.svg", "report.html"}
SHEETS = ["Scenario", "summary", "portfolio", "councils", "levers", "assumptions", "candidates", "shares"]


def load_inputs() -> dict:
    """The fixture inputs in the shape the pipeline hands to write_outputs."""
    authorities = gpd.read_file(FIXTURES / "authorities.geojson").set_index("code")
    candidates = pd.read_csv(FIXTURES / "candidates.csv")
    return {
        "authorities": authorities,
        "candidates": candidates,
        "portfolio": candidates[candidates["chosen"]].reset_index(drop=True),
        "shares": pd.read_csv(FIXTURES / "shares.csv"),
        "summary": json.loads((FIXTURES / "summary.json").read_text(encoding="utf-8")),
    }


@pytest.fixture(scope="module")
def inputs() -> dict:
    return load_inputs()


@pytest.fixture(scope="module")
def written(tmp_path_factory, inputs) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("report") / "out"
    return out, write_outputs(out, **inputs)


def render(tmp_path: Path, inputs: dict, name: str = "out", **overrides) -> str:
    """Write only the HTML and return it."""
    args = {**inputs, **overrides}
    paths = write_outputs(tmp_path / name, formats={"html"}, **args)
    return paths["report.html"].read_text(encoding="utf-8")


def table_body(html: str, table_id: str) -> str:
    """The <tbody> of the table with ``table_id``."""
    match = re.search(rf'<table id="{table_id}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert match, f"table {table_id} not found"
    return match.group(1)


# --------------------------------------------------------------------------- files


def test_all_files_written(written):
    out, paths = written
    assert set(paths) == ALL_FILES
    assert {p.name for p in out.iterdir()} == ALL_FILES | {".sharedopt-report"}
    assert all(path.parent == out and path.stat().st_size > 0 for path in paths.values())


@pytest.mark.parametrize("name, key", [("portfolio.csv", "portfolio"), ("candidates.csv", "candidates"),
                                       ("shares.csv", "shares")])
def test_csv_reads_back_equal(written, inputs, name, key):
    out, _ = written
    back = pd.read_csv(out / name)
    pd.testing.assert_frame_equal(back, inputs[key].reset_index(drop=True), check_dtype=False, rtol=1e-6, atol=5e-4)


def test_csv_is_plain_unix_text(written):
    out, _ = written
    raw = (out / "candidates.csv").read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    assert b"3560.400" in raw  # fixed float format


def test_summary_json_valid_with_solver_keys(written, inputs):
    out, _ = written
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert SOLVER_KEYS <= set(data)
    assert {k: data[k] for k in inputs["summary"]} == inputs["summary"]  # every key written as given


def test_json_nan_and_inf_become_null(tmp_path, inputs):
    summary = {**inputs["summary"], "gap": float("nan"), "best_bound": float("inf"), "objective": np.float64(1.5)}
    paths = write_outputs(tmp_path / "o", formats={"json"}, **{**inputs, "summary": summary})
    text = paths["summary.json"].read_text(encoding="utf-8")
    data = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    assert data["gap"] is None and data["best_bound"] is None and data["objective"] == 1.5


# --------------------------------------------------------------------------- xlsx


def test_xlsx_sheets_and_finance_formatting(written, inputs):
    out, _ = written
    wb = load_workbook(out / "opportunities.xlsx")
    assert wb.sheetnames == SHEETS
    for name in SHEETS:
        ws = wb[name]
        header = [c.value for c in ws[1]]
        names = [i for i, h in enumerate(header) if h in ("member_names", "member_name", "name")]
        expected = f"{get_column_letter(names[0] + 2)}2" if names else "A2"  # names stay beside the figures
        assert ws.freeze_panes == expected, name
        assert ws["A1"].font.b
        if name != "Scenario":  # item/value sheet, no filter
            assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
    ws = wb["candidates"]
    header = [c.value for c in ws[1]]
    money = [i for i, h in enumerate(header, start=1) if h and h.endswith("(£k)")]  # unit in header
    assert len(money) == 7
    for col in money:  # values are £k, and the format says so ('£3,560k', as in the HTML)
        assert all(ws.cell(row=r, column=col).number_format == '£#,##0"k"' for r in range(2, ws.max_row + 1))
    assert any(isinstance(v, str) and "£ thousand" in v for v in header)
    assert ws.cell(row=2, column=header.index("npv (£k)") + 1).value == pytest.approx(3560.4)
    assert ws.max_row == len(inputs["candidates"]) + 1
    assert all(ws.column_dimensions[letter].width >= 8 for letter in "ABCD")


def test_xlsx_summary_sheet_and_fixed_properties(written):
    out, _ = written
    wb = load_workbook(out / "opportunities.xlsx")
    items = {row[0]: row[1] for row in wb["summary"].iter_rows(min_row=2, max_col=2, values_only=True) if row[0]}
    assert items["status"] == "optimal"
    assert items["totals.npv_gbp_k"] == pytest.approx(7161.0)
    assert wb.properties.created.year == 2000 and wb.properties.modified == wb.properties.created


def test_xlsx_never_turns_text_into_formulas(tmp_path, inputs):
    candidates = inputs["candidates"].assign(kind="=HYPERLINK(\"x\")")
    paths = write_outputs(tmp_path / "o", formats={"xlsx"}, **{**inputs, "candidates": candidates})
    ws = load_workbook(paths["opportunities.xlsx"])["candidates"]
    assert ws["B2"].data_type == "s" and ws["B2"].value == "'=HYPERLINK(\"x\")"  # quoted


def _capped_inputs(inputs: dict) -> dict:
    """Fixture inputs where a cap of 2 leaves candidates and shares out of the workbook.

    Loss-if-forced only for C004; shares added for C006 (not chosen, rank 6).
    """
    candidates = inputs["candidates"].copy()
    candidates.loc[candidates["candidate_id"] != "C004", "loss_if_forced_gbp_k"] = np.nan
    extra = pd.DataFrame({"candidate_id": ["C006", "C006"], "member": ["E06900002", "E06900003"]})
    shares = pd.concat([inputs["shares"], extra], ignore_index=True)
    return {**inputs, "candidates": candidates, "shares": shares}


def _sheet_column(ws, name: str) -> list:
    header = [c.value for c in ws[1]]
    return [row[header.index(name)] for row in ws.iter_rows(min_row=2, values_only=True)]


def test_xlsx_holds_top_chosen_and_forced_candidates_and_says_where_the_rest_is(tmp_path, inputs):
    capped = _capped_inputs(inputs)
    paths = write_outputs(tmp_path / "o", formats={"csv", "xlsx"}, xlsx_max_candidates=2, **capped)
    wb = load_workbook(paths["opportunities.xlsx"])
    # top 2 by rank (C001, C002), chosen (C003, C008) and the one with a loss-if-forced figure (C004)
    assert _sheet_column(wb["candidates"], "candidate_id") == ["C001", "C002", "C003", "C004", "C008"]
    assert set(_sheet_column(wb["shares"], "candidate_id")) == {"C001", "C002", "C003", "C004", "C008"}
    assert wb["shares"].max_row - 1 == len(inputs["shares"])  # all but the two C006 rows
    assert _sheet_column(wb["portfolio"], "candidate_id") == ["C001", "C002", "C003", "C008"]
    note = wb["summary"]["B2"].value
    assert wb["summary"]["A2"].value == "contents"
    assert "candidates: 5 of 8 rows" in note and "shares: 11 of 13 rows" in note
    assert "3 candidate rows, 2 share rows" in note and "candidates.csv" in note
    assert len(pd.read_csv(paths["candidates.csv"])) == 8 and len(pd.read_csv(paths["shares.csv"])) == 13


def test_xlsx_note_when_everything_fits_or_csv_not_written(tmp_path, inputs):
    wb = load_workbook(write_outputs(tmp_path / "a", formats={"xlsx"}, **inputs)["opportunities.xlsx"])
    assert wb["summary"]["B2"].value.startswith("This workbook holds every row (portfolio: 4 of 4 rows;")
    path = write_outputs(tmp_path / "b", formats={"xlsx"}, xlsx_max_candidates=2,
                         **_capped_inputs(inputs))["opportunities.xlsx"]
    assert "which this run did not write (add 'csv' to [report] formats)" in load_workbook(path)["summary"]["B2"].value


def test_workbook_tables_never_pass_excel_limits():
    tall = pd.DataFrame({"candidate_id": np.zeros(EXCEL_MAX_ROWS + 10, dtype=np.int8)})
    wide = pd.DataFrame(np.zeros((2, EXCEL_MAX_COLS + 5), dtype=np.int8))
    tables = {t.name: t for t in workbook_tables(tall, wide, tall.iloc[:0])}
    assert len(tables["portfolio"].frame) == EXCEL_MAX_ROWS - 1  # plus the header row
    assert tables["portfolio"].rows_left == 11
    assert tables["candidates"].frame.shape[1] == EXCEL_MAX_COLS - 2  # plus a gap and the £k note
    note = contents_note(list(tables.values()), 10)
    assert "11 portfolio rows" in note and "7 candidates columns" in note


def test_xlsx_cuts_overlong_text_at_the_cell_limit(tmp_path, inputs):
    candidates = inputs["candidates"].assign(kind="x" * 40_000)
    path = write_outputs(tmp_path / "o", formats={"xlsx"}, **{**inputs, "candidates": candidates})["opportunities.xlsx"]
    value = load_workbook(path)["candidates"]["B2"].value
    assert len(value) == EXCEL_MAX_CHARS and value.endswith("full text in the CSV]")


def test_write_outputs_reports_progress(tmp_path, inputs):
    said: list[str] = []
    write_outputs(tmp_path / "o", formats={"csv", "xlsx", "html"}, progress=said.append, **inputs)
    assert "candidates.csv: 8 rows" in said
    assert "opportunities.xlsx: candidates 8/8 rows" in said and "opportunities.xlsx: shares 11/11 rows" in said
    assert said[-2:] == ["map.png", "report.html"]  # the map is drawn (as PNG, for the page) before the page


# --------------------------------------------------------------------------- determinism


def test_outputs_are_byte_identical_across_runs(tmp_path, inputs, written):
    out, _ = written
    again = write_outputs(tmp_path / "second", **inputs)
    for name in sorted(ALL_FILES):  # CSV, JSON, XLSX, PNG, SVG and HTML
        assert again[name].read_bytes() == (out / name).read_bytes(), name


def test_run_times_reach_no_file(tmp_path, inputs):
    """Wall-clock seconds stay on the Result: a slower run writes the same bytes, summary.json included."""
    config = load_config(ROOT / "configs" / "north-east.toml")
    fast, slow = ({"solve_seconds": s, "build_seconds": s / 10, "seconds_by_phase": {"ranking_re_solves": s},
                   "time_budget": {"budget_seconds": 60.0, "spent_seconds": s, "left_seconds": 60.0 - s}}
                  for s in (0.42, 42.0))
    written = []
    for name, timings in (("a", fast), ("b", slow)):
        result = Result(config, None, inputs["candidates"], inputs["portfolio"], inputs["shares"],
                        inputs["summary"], pd.DataFrame(), inputs["authorities"], timings=timings)
        written.append(write_result(result, tmp_path / name, formats={"csv", "json", "xlsx", "html"}))
    a, b = written
    assert "summary.json" in a and set(a) == set(b)
    for name in sorted(a):
        assert a[name].read_bytes() == b[name].read_bytes(), name


def test_xlsx_bytes_do_not_depend_on_time_zone_or_clock(tmp_path, inputs, monkeypatch):
    import time
    import zipfile

    paths = []
    for zone in ("UTC", "Pacific/Kiritimati"):  # UTC+14: another local date for the same instant
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        paths.append(write_outputs(tmp_path / zone.replace("/", "_"), formats={"xlsx"}, **inputs)["opportunities.xlsx"])
    monkeypatch.undo()
    time.tzset()
    assert paths[0].read_bytes() == paths[1].read_bytes()
    with zipfile.ZipFile(paths[0]) as archive:
        assert {info.date_time[:3] for info in archive.infolist()} == {(1980, 1, 31)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2  # created and modified, fixed


def test_png_and_svg_have_no_timestamps(written):
    out, _ = written
    svg = (out / "map.svg").read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "matplotlib.org" not in svg
    assert b"Software" not in (out / "map.png").read_bytes()


# --------------------------------------------------------------------------- atomicity


def test_failure_midway_keeps_previous_output(tmp_path, inputs, monkeypatch):
    out = tmp_path / "out"
    write_outputs(out, **inputs)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(report, "write_xlsx", boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_outputs(out, **inputs)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temp or old dirs left


def test_rewrite_replaces_whole_directory(tmp_path, inputs):
    out = tmp_path / "out"
    write_outputs(out, **inputs)
    paths = write_outputs(out, formats={"csv"}, **inputs)
    assert set(paths) == {"portfolio.csv", "candidates.csv", "shares.csv"}
    assert {p.name for p in out.iterdir()} == set(paths) | {".sharedopt-report"}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_refuses_to_replace_foreign_directory(tmp_path, inputs):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("precious", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_outputs(out, formats={"csv"}, **inputs)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]


def test_atomic_directory_cleans_up_on_error(tmp_path):
    target = tmp_path / "d"
    with pytest.raises(ValueError):
        with atomic_directory(target) as tmp:
            (tmp / "partial").write_text("x", encoding="utf-8")
            raise ValueError
    assert list(tmp_path.iterdir()) == []


def test_write_text_atomic(tmp_path):
    path = write_text_atomic(tmp_path / "a.txt", "héllo\n")
    assert path.read_bytes() == "héllo\n".encode() and [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_formats_are_validated(tmp_path, inputs):
    with pytest.raises(ValueError, match="unknown output format"):
        write_outputs(tmp_path / "o", formats={"pdf"}, **inputs)
    assert not (tmp_path / "o").exists()


# --------------------------------------------------------------------------- html


def test_html_escapes_input_text(written):
    out, _ = written
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<b>Bold</b>" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt; District" in html
    assert "Tees &amp; Wear Borough" in html and "Tees & Wear" not in html
    assert "Revenues &amp; benefits" in html


def test_html_script_injection_is_inert(tmp_path, inputs):
    authorities = inputs["authorities"].copy()
    authorities.loc["E06900003", "name"] = '<script>alert("x")</script>'
    summary = {**inputs["summary"], "region": "<img src=x onerror=alert(1)>"}
    html = render(tmp_path, inputs, authorities=authorities, summary=summary)
    assert html.count("<script") == 1 and html.count("<script>(function ()") == 1  # only the map's own script
    assert "<img src=x" not in html and 'alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_html_is_self_contained(written):
    out, _ = written
    html = (out / "report.html").read_text(encoding="utf-8")
    refs = re.findall(r"""(?:src|href|action|poster|srcset)\s*=\s*["']?([^"'\s>]+)""", html, re.I)
    assert refs and all(ref.startswith("data:") for ref in refs)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html, re.I)
    assert "<link" not in html.lower() and "@import" not in html
    # one inline script (the interactive map), no src, allowed by its hash, not 'unsafe-inline'
    assert html.lower().count("<script") == 1 and "<script>" in html
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]{44}'", html) and "unsafe-inline'; base" not in html
    assert re.search(r'<img id="map" src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"', html)
    assert "default-src 'none'" in html  # CSP: a mail client or browser must not fetch anything


def test_html_headline_tables_and_names(written, inputs):
    out, _ = written
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Test Region (invented fixture)" in html
    assert 'id="headline-npv">£7,161k<' in html and 'id="headline-count">4<' in html
    top = table_body(html, "alternatives")  # alternatives NOT chosen, near-duplicates collapsed
    assert top.count("<tr") == (~inputs["candidates"]["chosen"]).sum() == 4
    assert "Westdale" in top and "E06900004" not in top  # codes resolved to names
    assert "chosen</span>" not in top
    assert table_body(html, "portfolio").count("<tr") == 4
    assert "Waste collection" in table_body(html, "by-service")
    assert "discount_rate" in table_body(html, "assumptions")
    assert "Revenue outturn (fixture)" in table_body(html, "data-sources")
    assert "Open Government Licence" in html


def test_alternatives_collapse_near_duplicates_and_are_ranked(tmp_path, inputs):
    many = pd.concat([inputs["candidates"].assign(candidate_id=lambda d, k=k: d["candidate_id"] + f"-{k}",
                                                  rank=lambda d, k=k: d["rank"] + 8 * k) for k in range(3)])
    html = render(tmp_path, inputs, candidates=many.iloc[::-1])
    body = table_body(html, "alternatives")
    ranks = re.findall(r'<tr[^>]*><td class="num">(\d+)</td>', body)
    # the copies (same members, same services) collapse into their best-ranked row: ranks 4..7 stay
    assert ranks == ["4", "5", "6", "7"]
    assert re.findall(r'<td class="num">(\d+)</td><td class="why">', body) == ["2", "2", "2", "2"]


def test_estimates_box_only_when_estimated(tmp_path, inputs):
    html = render(tmp_path, inputs, name="a")
    assert 'id="estimates"' in html and "imputed from peers" in html
    clean_sources = [{**s, "estimated": False} for s in inputs["summary"]["data_sources"]]
    clean_summary = {**inputs["summary"], "data_sources": clean_sources,  # modelling assumptions
                     "estimates": ["All modelling parameters (...) are stated assumptions, not data."]}  # warn not
    clean = inputs["candidates"].assign(estimated=False)
    html = render(tmp_path, inputs, name="b", candidates=clean, portfolio=clean[clean["chosen"]],
                  summary=clean_summary)
    assert 'id="estimates"' not in html
    html = render(tmp_path, inputs, name="c", summary=clean_summary)  # estimated candidates alone trigger it
    assert 'id="estimates"' in html


@pytest.mark.parametrize(
    "status, gap, expected",
    [
        ("optimal", 0.0, "Optimal"),
        ("feasible", 0.0123, "Best found, within 1.23% of the bound"),
        ("infeasible", None, "No feasible portfolio"),
        ("time_limit", None, "status 'time_limit'"),
    ],
)
def test_status_text_says_optimal_only_when_optimal(tmp_path, inputs, status, gap, expected):
    summary = {**inputs["summary"], "status": status, "gap": gap}
    html = render(tmp_path, inputs, summary=summary)
    text = unescape(re.search(r'id="solver-status"[^>]*>(.*?)</div>', html, re.S).group(1))
    assert expected in text
    if status != "optimal":
        assert "optimal" not in html.lower()


def test_feasible_gap_derived_from_bound_when_missing():
    status = solver_status(SolveReport(status="feasible", objective=100.0, best_bound=105.0))
    assert "within 5.00% of the bound" in status["text"] and status["level"] == "warn"


def test_html_survives_sparse_summary(tmp_path, inputs):
    summary = {"status": "optimal"}  # only guaranteed-ish key
    html = render(tmp_path, inputs, summary=summary)
    assert 'id="alternatives"' in html and "£" in html


def test_attribution_override(tmp_path, inputs):
    summary = {**inputs["summary"], "attribution": "Boundaries: invented & test-only"}
    html = render(tmp_path, inputs, summary=summary)
    assert "Boundaries: invented &amp; test-only" in html and "Crown copyright" not in html


# --------------------------------------------------------------------------- maps


def test_plot_portfolio_map_returns_figure(inputs, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fig = plot_portfolio_map(inputs["authorities"], inputs["portfolio"], inputs["shares"])
    assert isinstance(fig, Figure)
    texts = " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))
    assert "Open Government Licence" in texts and "km" in texts and "£" in texts
    assert list(tmp_path.iterdir()) == []


def test_map_with_partly_missing_geometry_uses_centroids(tmp_path, inputs):
    authorities = inputs["authorities"].copy()
    authorities["centroid_x"] = [-1.42, -1.26, -1.10, -1.42, -1.26]
    authorities["centroid_y"] = [54.65, 54.65, 54.65, 54.55, 54.55]
    authorities.loc[["E06900002", "E06900003"], "geometry"] = None
    authorities.loc["E06900003", ["centroid_x", "centroid_y"]] = np.nan
    paths = write_outputs(tmp_path / "o", formats={"png", "html"}, **{**inputs, "authorities": authorities})
    assert paths["map.png"].stat().st_size > 10_000
    fig = plot_portfolio_map(authorities, inputs["portfolio"], inputs["shares"])
    texts = " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))
    assert "1 authority without location not shown" in texts


def test_map_without_any_geometry_is_a_placeholder(tmp_path, inputs):
    authorities = inputs["authorities"].copy()
    authorities["geometry"] = None
    paths = write_outputs(tmp_path / "o", **{**inputs, "authorities": authorities})
    assert paths["map.png"].exists() and paths["map.svg"].exists()
    fig = plot_portfolio_map(authorities, inputs["portfolio"], inputs["shares"])
    assert any("Map unavailable" in t.get_text() for t in fig.texts)


def test_map_handles_empty_portfolio_and_dollar_names(tmp_path, inputs):
    authorities = inputs["authorities"].copy()
    authorities.loc["E06900001", "name"] = "Cost $5 $ Council"
    empty = inputs["portfolio"].iloc[0:0]
    paths = write_outputs(tmp_path / "o", formats={"png", "html"},
                          **{**inputs, "authorities": authorities, "portfolio": empty})
    html = paths["report.html"].read_text(encoding="utf-8")
    assert "No partnerships were chosen." in html


@pytest.mark.slow
def test_per_service_maps(tmp_path, inputs):
    paths = write_outputs(tmp_path / "o", formats={"png"}, per_service_maps=True, **inputs)
    assert {"map_ict.png", "map_legal_services.png", "map_revenues_benefits.png",
            "map_waste_collection.png"} <= set(paths)
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in paths.values())


def test_authority_savings_sum_the_default_share_over_chosen(inputs):
    from sharedopt.report.map.data import authority_savings

    savings = authority_savings(inputs["authorities"], inputs["portfolio"], inputs["shares"])
    assert savings["E06900001"] == pytest.approx(1529.2 + 1024.6 + 176.1)  # pooled-spend shares
    assert savings["E06900003"] == 0.0  # in no chosen partnership
    assert not math.isnan(savings.sum())


def test_assumptions_in_two_layers_and_the_delivery_ratio_and_success_probability_named(tmp_path, inputs):
    html = render(tmp_path, inputs)
    section = html[html.index('id="assumptions-heading"'):html.index('id="sources-heading"')]
    levers, folded = section.index('<table id="levers">'), section.index('<details id="all-assumptions">')
    assert levers < folded < section.index('<table id="assumptions">') < section.index("</details>")
    rows = re.findall(r"<tr><td>.*?</tr>", table_body(section, "levers"), re.S)
    assert rows and all(re.search(r"<td[^>]*>(evidence: [a-z0-9-]+|assumption)", row) for row in rows)
    header = re.search(r'<table id="portfolio">.*?<thead>(.*?)</thead>', html, re.S).group(1)
    assert ">Delivery ratio</th>" in header and ">Success probability</th>" in header
    assert ">Realisation</th>" not in header


def test_optimal_within_a_gap_never_reads_as_proven():
    within = solver_status(SolveReport(status="optimal", objective=100.0, best_bound=101.0))
    assert "proven within 1.00%" in within["text"] and "no better portfolio exists" not in within["text"]
    proven = solver_status(SolveReport(status="optimal", objective=100.0, best_bound=100.0))
    assert "no better portfolio exists" in proven["text"]
