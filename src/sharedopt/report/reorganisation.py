"""A reorganisation run's outputs: CSV and JSON tables, small-multiple maps (PNG), one HTML page."""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path

import jinja2
import pandas as pd

from sharedopt.common.jsonsafe import json_safe
from sharedopt.reorganisation import ReorganisationResult, parameter_table
from sharedopt.report.atomic import atomic_directory
from sharedopt.report.map import options_png, tornado_png
from sharedopt.report.workbook import fixed_timestamp
from sharedopt.solve.status import Status

MARKER = ".sharedopt-reorganisation"


def _money(value: float) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value / 1000:,.1f}"


def _frontier_rows(result: ReorganisationResult) -> list[dict]:
    rows = []
    for r in result.frontier.to_dict("records"):
        solved = r["status"] in (Status.OPTIMAL, Status.FEASIBLE)
        r.update(gap_text=f"{r['gap']:.1e}" if solved else "",
                 smallest_text=f"{r['smallest_population']:,.0f}" if solved else "",
                 largest_text=f"{r['largest_population']:,.0f}" if solved else "",
                 balance_text=f"{r['balance_max_over_min']:.2f}" if solved else "no structure meets the rules")
        rows.append(r)
    return rows


def render_html(result: ReorganisationResult, png: bytes, tornado: bytes | None = None,
                tornado_table: pd.DataFrame | None = None, uncertainty: pd.DataFrame | None = None) -> str:
    """The report page: maps, comparison, frontier, unitaries, sources, parameters, notes."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("sharedopt.report.html", "templates"),
                             autoescape=jinja2.select_autoescape(["html"]))
    low, high = result.bounds
    area = result.area
    return env.get_template("reorganisation.html").render(
        title=f"Reorganisation options: {result.name}", m=_money, maps=base64.b64encode(png).decode(),
        area_line=f"{len(area.blocks)} councils ({', '.join(area.names[c] for c in area.blocks)}) and "
                  f"{', '.join(area.names[c] for c in area.counties)} (county, disaggregated by population share).",
        bounds_line=f"each between {low:,.0f} and " + ("no maximum" if math.isinf(high) else f"{high:,.0f}") +
                    " residents (exempt councils may stand alone)",
        guidance=f"{result.params['guidance_population']:,.0f}", year=area.year,
        horizon=int(result.params["horizon_years"]), discount=f"{result.params['discount_rate']:.1%}",
        options=result.table().to_dict("records"), frontier=_frontier_rows(result),
        unitaries=result.unitaries().to_dict("records"),
        proposals=[a.structure for a in result.appraisals if a.structure.kind == "proposal"],
        parameters=parameter_table(result.params).to_dict("records"), notes=result.notes,
        tornado=base64.b64encode(tornado).decode() if tornado else "",
        tornado_rows=tornado_table.to_dict("records") if tornado_table is not None else [],
        uncertainty=uncertainty.to_dict("records") if uncertainty is not None else [])


def write_workbook(tables: dict, path: Path) -> None:
    """One sheet per table, with fixed document properties (same input, same bytes)."""
    with pd.ExcelWriter(path, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}) as writer:
        writer.book.set_properties({"title": "sharedopt reorganisation", "author": "sharedopt",
                                    "created": fixed_timestamp()})
        for name, table in tables.items():
            table.to_excel(writer, sheet_name=name[:31], index=False)


def write_reorganisation(result: ReorganisationResult, path: str | Path) -> dict[str, Path]:
    """Write every output of a reorganisation run atomically into folder ``path``.

    CSV tables, ``summary.json``, ``workbook.xlsx`` (every table, cash flows by option),
    ``options.png`` (small-multiple maps), ``tornado.png`` and ``report.html``.

    Returns
    -------
    dict of str to pathlib.Path
        File name -> final path.
    """
    tables = {"options": result.table(), "unitaries": result.unitaries(), "terms": result.terms(),
              "cashflows": result.cashflows(), "frontier": result.frontier, "tornado": result.tornado(),
              "uncertainty": result.uncertainty(), "parameters": parameter_table(result.params)}
    png, tornado = options_png(result), tornado_png(tables["tornado"])
    names = []
    with atomic_directory(path, marker=MARKER) as tmp:
        for name, table in tables.items():
            table.to_csv(tmp / f"{name}.csv", index=False, lineterminator="\n")
            names.append(f"{name}.csv")
        summary = {"name": result.name, "bounds": list(result.bounds), "notes": result.notes,
                   "options": tables["options"].to_dict("records"), "frontier": result.frontier.to_dict("records")}
        (tmp / "summary.json").write_text(json.dumps(json_safe(summary), indent=2, sort_keys=True) + "\n")
        write_workbook(tables, tmp / "workbook.xlsx")
        (tmp / "options.png").write_bytes(png)
        (tmp / "tornado.png").write_bytes(tornado)
        (tmp / "report.html").write_text(render_html(result, png, tornado, tables["tornado"], tables["uncertainty"]), encoding="utf-8")
        names += ["summary.json", "workbook.xlsx", "options.png", "tornado.png", "report.html"]
    return {n: Path(path) / n for n in names}
