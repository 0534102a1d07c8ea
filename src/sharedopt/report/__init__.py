"""Report step: write tables, maps and an HTML report for a solved run.

The one entry point is :func:`write_outputs`; :func:`plot_portfolio_map`
builds the map figure without writing anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from sharedopt.candidates.table import ESTIMATED, without_duplicates
from sharedopt.data.authorities import council_names
from sharedopt.report.atomic import atomic_directory, write_bytes_atomic, write_text_atomic
from sharedopt.report.early_maps import EarlyMaps
from sharedopt.report.html import InteractiveMap
from sharedopt.report.map import plot_portfolio_map, shared_geometry
from sharedopt.report.map_files import (
    MAP_FORMATS,
    draw_maps,
    estimated_text,
    map_options,
    start_main_map,
    write_drawn_maps_and_html,
    write_maps_and_html,
    write_service_maps,
)
from sharedopt.report.parallel import CSV_MIN_CELLS, start_tables, start_workbook
from sharedopt.report.tables import write_csv, write_json
from sharedopt.report.workbook import MAX_CANDIDATE_ROWS, write_xlsx
from sharedopt.results.run_summary import RunSummary

__all__ = [
    "ALL_FORMATS",
    "InteractiveMap",
    "atomic_directory",
    "plot_portfolio_map",
    "write_outputs",
    "write_text_atomic",
    "write_bytes_atomic",
]

ALL_FORMATS = frozenset({"csv", "json", "xlsx", "png", "svg", "html"})
MARKER = ".sharedopt-report"


def write_outputs(
    out_dir: Path, *, authorities: pd.DataFrame, candidates: pd.DataFrame, portfolio: pd.DataFrame,
    shares: pd.DataFrame, summary: RunSummary | Mapping[str, Any], formats: set[str] | None = None,
    per_service_maps: bool = False, title: str = "sharedopt report",
    extra_tables: Mapping[str, pd.DataFrame] | None = None, xlsx_max_candidates: int = MAX_CANDIDATE_ROWS,
    progress: Callable[[str], None] | None = None, map_shading: str = "per_head", early_maps: EarlyMaps | None = None,
) -> dict[str, Path]:
    """Write all report files into ``out_dir``, atomically.

    Parameters
    ----------
    out_dir : pathlib.Path
        Output directory, built next to itself and swapped in whole when
        complete. A non-empty directory not written by this function (no
        ``.sharedopt-report`` marker) is refused with ``FileExistsError``.
    authorities : geopandas.GeoDataFrame
        Indexed by GSS code; ``name``, ``tier``, ``population``, geometry
        in EPSG:4326 (may be missing; see :func:`plot_portfolio_map`).
    candidates, portfolio, shares : pandas.DataFrame
        All ranked candidate partnerships; the chosen ones (same columns);
        per-member NPV shares of each partnership.
    summary : RunSummary or Mapping
        JSON-safe run summary (solver keys, ``totals``, ``by_service``, ...).
    formats : set of str, optional
        Subset of ``{'csv', 'json', 'xlsx', 'png', 'svg', 'html'}`` (default all; the HTML embeds the map).
    per_service_maps : bool, default False
        Also write ``map_<service>.png`` per service (needs 'png').
    title : str, default 'sharedopt report'
        Report title.
    extra_tables : mapping of str to DataFrame, optional
        More CSV files written with 'csv' (``{'data_quality': frame}`` gives ``data_quality.csv``).
    xlsx_max_candidates : int, default 10,000
        Best-ranked candidates the workbook holds (plus every chosen one and every one with a
        loss-if-forced figure) with their shares; the CSVs hold every row, as its summary sheet says.
    progress : callable, optional
        Called with a short text (file being written, rows done) as files are written.
    map_shading : {'per_head', 'total'}, default 'per_head'
        Static-map shading (``[report] map_shading``): NPV share per resident or in £k.
    early_maps : EarlyMaps, optional
        Maps drawn during the run (:mod:`sharedopt.report.early_maps`), used when drawn from these tables.

    Returns
    -------
    dict of str to pathlib.Path
        File name (e.g. ``'portfolio.csv'``) to its final path in ``out_dir``.

    Raises
    ------
    ValueError
        For unknown format names.
    FileExistsError
        If ``out_dir`` is a file or a foreign non-empty directory.
    """
    wanted, out_dir, summary = _resolve_formats(formats), Path(out_dir), RunSummary.of(summary)  # summary.json too
    inputs = {"authorities": authorities, "candidates": candidates, "portfolio": portfolio, "shares": shares,
              "summary": summary, "xlsx_max_candidates": xlsx_max_candidates, "progress": progress or _quiet,
              "extra": dict(extra_tables or {}), "map": map_options(summary, map_shading)}
    with atomic_directory(out_dir, marker=MARKER) as tmp, shared_geometry():  # every map projects once
        names = _write_all(tmp, inputs, wanted, per_service_maps, title, early_maps)
    return {name: out_dir / name for name in names}


def _resolve_formats(formats: set[str] | None) -> frozenset[str]:
    """Validate requested formats (None means all)."""
    if formats is None:
        return ALL_FORMATS
    wanted = frozenset(str(f).lower().lstrip(".") for f in formats)
    unknown = wanted - ALL_FORMATS
    if unknown:
        raise ValueError(f"unknown output format(s) {sorted(unknown)}; choose from {sorted(ALL_FORMATS)}")
    return wanted


def _write_all(tmp: Path, inputs: dict, wanted: frozenset[str], per_service: bool, title: str,
               early: EarlyMaps | None) -> list[str]:
    """Write every requested file into ``tmp`` (a large workbook, large CSVs and the main map in
    workers, alongside; the maps of ``early`` when usable); return the names."""
    maps = wanted & MAP_FORMATS
    if early is not None and not (maps and early.usable(inputs, wanted, title, per_service)):
        early.abandon()
        early = None
    workbook = _workbook_arguments(tmp, inputs, title, csv_written="csv" in wanted) if "xlsx" in wanted else None
    book = start_workbook(workbook, len(inputs["candidates"])) if workbook and maps else None
    aside = main_map = None
    try:
        tables = _csv_tables(tmp, inputs) if "csv" in wanted else {}
        aside = start_tables(_tables_aside(tables, busy=bool(maps)))
        if aside is not None:
            for name, (frame, _) in aside.tables.items():
                inputs["progress"](f"{name}: {len(frame):,} rows")
            tables = {name: table for name, table in tables.items() if name not in aside.tables}
        main_map = start_main_map(tmp, inputs, wanted, title) if maps and early is None else None
        written = _write_files(tmp, inputs, wanted, (per_service, title), workbook if book is None else None,
                               tables, main_map, early)
        if aside is not None:
            written += aside.finish()
        if book is not None:
            written.append(book.finish(_sheet_progress(inputs["progress"])).name)
    except BaseException:
        for job in (book, aside, main_map, early):
            if job is not None:
                job.abandon()
        raise
    return written


def _tables_aside(tables: dict[str, tuple[pd.DataFrame, Path]], busy: bool) -> dict[str, tuple[pd.DataFrame, Path]]:
    """The large CSV tables a worker writes: every one while this process draws maps (``busy``),
    else all but the largest, which this process writes meanwhile."""
    large = {name: table for name, table in tables.items() if table[0].size >= CSV_MIN_CELLS}
    if not busy and large:
        del large[max(large, key=lambda name: large[name][0].size)]
    return large


def _write_files(tmp: Path, inputs: dict, wanted: frozenset[str], page: tuple[bool, str],
                 workbook: dict[str, Any] | None, tables: dict[str, tuple[pd.DataFrame, Path]],
                 main_map, early: EarlyMaps | None) -> list[str]:
    """Every requested file but a workbook and CSV tables being written by workers (``page``: per-service
    maps or not, and the title; ``main_map``: the main map's job, if any; ``early``: the maps drawn
    during the run)."""
    (per_service, title), written = page, []
    if "csv" in wanted:
        written += [_csv(inputs, frame, path) for frame, path in tables.values()]
    if "json" in wanted:
        inputs["progress"]("summary.json")
        written.append(write_json(inputs["summary"].to_dict(), tmp / "summary.json").name)
    if workbook is not None:
        written.append(_write_workbook(inputs, workbook).name)
    if early is not None:
        written += write_drawn_maps_and_html(
            tmp, inputs, wanted, title, lambda: early.drawn_or(lambda: draw_maps(inputs, wanted, title, per_service)))
    elif wanted & MAP_FORMATS:
        written += write_maps_and_html(tmp, inputs, wanted, title, main_map)
    if per_service and "png" in wanted and early is None:
        written += write_service_maps(tmp, inputs)
    if "csv" in wanted:
        written += [_csv(inputs, frame, tmp / f"{name}.csv") for name, frame in sorted(inputs["extra"].items())]
    return written


def _quiet(_: str) -> None:
    """No progress display."""


def _csv(inputs: dict, frame: pd.DataFrame, path: Path) -> str:
    """Write one CSV, saying so; return its name."""
    inputs["progress"](f"{path.name}: {len(frame):,} rows")
    return write_csv(frame, path).name


def _csv_tables(tmp: Path, inputs: dict) -> dict[str, tuple[pd.DataFrame, Path]]:
    """portfolio.csv, candidates.csv and shares.csv: each table and its file."""
    return {f"{key}.csv": (without_duplicates(inputs[key]), tmp / f"{key}.csv")
            for key in ("portfolio", "candidates", "shares")}


def _workbook_arguments(tmp: Path, inputs: dict, title: str, csv_written: bool) -> dict[str, Any]:
    """What :func:`write_xlsx` needs for opportunities.xlsx (the chosen portfolio, the best candidates
    and their shares), without the progress callback (a worker process cannot call it)."""
    return {"path": tmp / "opportunities.xlsx", "summary": inputs["summary"], "portfolio": inputs["portfolio"],
            "candidates": inputs["candidates"], "shares": inputs["shares"], "title": title,
            "max_candidates": inputs["xlsx_max_candidates"], "csv_written": csv_written,
            "names": council_names(inputs["authorities"]), "extra": inputs["extra"]}


def _write_workbook(inputs: dict, arguments: dict[str, Any]) -> Path:
    """opportunities.xlsx, written here."""
    inputs["progress"]("opportunities.xlsx")
    return write_xlsx(**arguments, progress=_sheet_progress(inputs["progress"]))


def _sheet_progress(say: Callable[[str], None]) -> Callable[[str, int, int], None]:
    """The workbook's progress as text."""
    return lambda sheet, done, total: say(f"opportunities.xlsx: {sheet} {done:,}/{total:,} rows")
