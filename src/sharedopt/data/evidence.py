"""The evidence register: quantitative figures from published sources, one row each.

``data/raw/evidence/register.csv`` holds every figure the model's levers can be set
from: what was measured, the number (or a low-high range), its unit, its basis
(``achieved``, ``target``, ``projection``, ``estimate`` or ``derived``), the sample it
comes from, the model parameters it informs, the address read and a short verbatim
quote. :func:`load_register` reads and validates it; :func:`rows_for` and
:func:`summary` give one parameter's rows and their spread by basis. The file's
columns and how it was compiled are described in ``data/raw/evidence/README.md``.
"""

from __future__ import annotations

import csv
import io
import math
from functools import lru_cache
from pathlib import Path

import pandas as pd

from sharedopt.common.errors import DataError
from sharedopt.common.literal import clean
from sharedopt.data.paths import data_dir
from sharedopt.data.validate import read_csv_checked, require_file

REGISTER_FILE = "raw/evidence/register.csv"
COLUMNS = ("id", "source", "year", "url", "read", "measure", "figure", "low", "high", "unit",
           "basis", "population", "parameters", "quote", "notes")
NUMBER_COLUMNS = ("figure", "low", "high")
READ_VALUES = ("primary", "secondary")
BASIS_VALUES = ("achieved", "target", "projection", "estimate", "derived")
QUOTE_MAX = 200

# parameter name -> what the register's rows for it measure
PARAMETERS: dict[str, str] = {
    "setup_ratio": "one-off cost as a multiple of a year's realised saving",
    "optimism_bias_cost_uplift": "uplift on estimated costs (or duration) for optimism bias",
    "success_probability": "probability a partnership survives and delivers (dissolutions, breakdowns)",
    "delivery_ratio": "realised / planned savings among arrangements that operate",
    "exit_cost": "cost of unwinding an arrangement",
    "governance_cost": "observable annual cost of running a partnership",
    "scale_exhaustion_population": "population beyond which scale economies are exhausted",
    "scale_effect": "measured effect of sharing or size on cost",
    "whole_org_saving": "savings of shared chief executives and management teams",
    "lga_aggregate": "Local Government Association totals for shared services",
    "ramp_years": "time to set up or to reach full savings",
    "reorganisation": "whole-council merger (unitary reorganisation) evidence",
}


def register_path() -> Path:
    """The embedded register, ``data/raw/evidence/register.csv``."""
    return data_dir() / REGISTER_FILE


def load_register(path: Path | str | None = None) -> pd.DataFrame:
    """Read and validate the evidence register.

    Parameters
    ----------
    path : path-like, optional
        A register CSV; the embedded ``data/raw/evidence/register.csv`` by default.

    Returns
    -------
    pandas.DataFrame
        One row per figure, the columns of :data:`COLUMNS` in that order plus
        ``line`` (the 1-based line of the row in the file). ``figure``, ``low`` and
        ``high`` are floats (NaN where blank), ``year`` an int, the rest strings.

    Raises
    ------
    DataError
        Naming the file, the line, the field and the fix, for a missing column, a
        duplicate or blank id, a ``read`` or ``basis`` outside its closed set, a number
        that does not parse, a row with no number, ``low <= figure <= high`` broken, an
        unknown parameter name, or a quote longer than 200 characters.
    """
    path = Path(path) if path is not None else register_path()
    return _load(str(require_file(path, "evidence register"))).copy()


@lru_cache(maxsize=8)
def _load(path_text: str) -> pd.DataFrame:
    path = Path(path_text)
    raw = read_csv_checked(path, "evidence register", dtype=str)
    _check_columns(raw, path)
    frame = raw[list(COLUMNS)].fillna("").astype(str).apply(lambda col: col.str.strip())
    frame.insert(0, "line", _record_lines(path)[:len(frame)])
    for row in frame.itertuples(index=False):
        _check_row(row._asdict(), path)
    _check_unique_ids(frame, path)
    for column in NUMBER_COLUMNS:
        frame[column] = frame[column].map(lambda v: float(v) if v else math.nan)
    frame["year"] = frame["year"].astype(int)
    return frame.reset_index(drop=True)


def _record_lines(path: Path) -> list[int]:
    """1-based starting line of each data record (a quoted field may span lines)."""
    text = path.read_bytes().decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    starts, previous_end = [], reader.line_num
    for record in reader:
        if record:
            starts.append(previous_end + 1)
        previous_end = reader.line_num
    return starts


def _check_columns(raw: pd.DataFrame, path: Path) -> None:
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(f"{path}: line 1: the header lacks column(s) {', '.join(missing)}; the register "
                        f"needs exactly these columns: {', '.join(COLUMNS)}")
    extra = [clean(c) for c in raw.columns if c not in COLUMNS]
    if extra:
        raise DataError(f"{path}: line 1: the header has unknown column(s) {', '.join(extra)}; the register "
                        f"needs exactly these columns: {', '.join(COLUMNS)} (put remarks in 'notes')")


def _fail(path: Path, row: dict, field: str, problem: str, fix: str) -> DataError:
    return DataError(f"{path}: line {row['line']} (id '{clean(row['id'])}'), field '{field}': "
                     f"{problem}; {fix}")


def _check_row(row: dict, path: Path) -> None:
    """Every per-row rule; the first broken one raises."""
    if not row["id"]:
        raise _fail(path, row, "id", "the id is blank", "give the row a unique slug such as "
                    "'lga-2012-investment-ratio'")
    _check_closed(row, path, "read", READ_VALUES)
    _check_closed(row, path, "basis", BASIS_VALUES)
    _check_year(row, path)
    numbers = {c: _number(row, path, c) for c in NUMBER_COLUMNS}
    _check_order(row, path, numbers)
    _check_parameters(row, path)
    if len(row["quote"]) > QUOTE_MAX:
        raise _fail(path, row, "quote", f"the quote has {len(row['quote'])} characters",
                    f"shorten it to at most {QUOTE_MAX} characters of verbatim text")
    if not row["url"]:
        raise _fail(path, row, "url", "the url is blank", "give the address the figure was read at")


def _check_closed(row: dict, path: Path, field: str, allowed: tuple[str, ...]) -> None:
    if row[field] not in allowed:
        raise _fail(path, row, field, f"'{clean(row[field])}' is not allowed",
                    f"use one of: {', '.join(allowed)}")


def _check_year(row: dict, path: Path) -> None:
    if not row["year"].isdigit() or not 1900 <= int(row["year"]) <= 2100:
        raise _fail(path, row, "year", f"'{clean(row['year'])}' is not a year",
                    "give the four-digit year of the source, such as 2012")


def _number(row: dict, path: Path, field: str) -> float | None:
    text = row[field]
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise _fail(path, row, field, f"'{clean(text)}' is not a number",
                    "write a plain number such as 0.59 or 1790 (no units, % or thousands separators), "
                    "or leave it blank")
    return value


def _check_order(row: dict, path: Path, numbers: dict[str, float | None]) -> None:
    figure, low, high = numbers["figure"], numbers["low"], numbers["high"]
    if figure is None and low is None and high is None:
        raise _fail(path, row, "figure", "the row has no number (figure, low and high are all blank)",
                    "give the figure, or the low and/or high of its range")
    if low is not None and high is not None and low > high:
        raise _fail(path, row, "low", f"low {low:g} is above high {high:g}", "swap them")
    if figure is not None and low is not None and figure < low:
        raise _fail(path, row, "figure", f"figure {figure:g} is below low {low:g}",
                    "check the numbers: low <= figure <= high")
    if figure is not None and high is not None and figure > high:
        raise _fail(path, row, "figure", f"figure {figure:g} is above high {high:g}",
                    "check the numbers: low <= figure <= high")


def _check_parameters(row: dict, path: Path) -> None:
    names = [n.strip() for n in row["parameters"].split(";")]
    if not any(names):
        raise _fail(path, row, "parameters", "no parameter is named",
                    f"name at least one of: {', '.join(PARAMETERS)} (';'-joined)")
    for name in names:
        if name not in PARAMETERS:
            raise _fail(path, row, "parameters", f"unknown parameter '{clean(name)}'",
                        f"use names from: {', '.join(PARAMETERS)} (';'-joined)")


def _check_unique_ids(frame: pd.DataFrame, path: Path) -> None:
    seen: dict[str, int] = {}
    for row in frame.itertuples(index=False):
        if row.id in seen:
            raise DataError(f"{path}: line {row.line}, field 'id': id '{clean(row.id)}' is already used "
                            f"on line {seen[row.id]}; give each row a unique id")
        seen[row.id] = row.line


def parameter_names(frame: pd.DataFrame) -> pd.Series:
    """Each row's parameter names as a list (same index as ``frame``)."""
    return frame["parameters"].map(lambda text: [n.strip() for n in text.split(";") if n.strip()])


def rows_for(parameter: str, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The register rows that inform ``parameter``.

    Parameters
    ----------
    parameter : str
        A name from :data:`PARAMETERS`.
    frame : pandas.DataFrame, optional
        A loaded register; the embedded one by default.

    Returns
    -------
    pandas.DataFrame
        The matching rows in file order (possibly none).

    Raises
    ------
    KeyError
        If ``parameter`` is not a known parameter name.
    """
    if parameter not in PARAMETERS:
        raise KeyError(f"unknown parameter '{parameter}'; known: {', '.join(PARAMETERS)}")
    frame = load_register() if frame is None else frame
    hit = parameter_names(frame).map(lambda names: parameter in names)
    return frame[hit].reset_index(drop=True)


def summary(parameter: str, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows, and min/median/max of the figures, for one parameter by basis and unit.

    Figures of different units are never pooled, so the table has one row per
    (basis, unit). A range-only row contributes its midpoint where both ends are
    given and is otherwise counted in ``n_rows`` but not in the statistics.

    Parameters
    ----------
    parameter : str
        A name from :data:`PARAMETERS`.
    frame : pandas.DataFrame, optional
        A loaded register; the embedded one by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``basis, unit, n_rows, n_figures, min, median, max``, sorted by basis
        (in :data:`BASIS_VALUES` order) then unit.
    """
    rows = rows_for(parameter, frame)
    value = rows["figure"].where(rows["figure"].notna(), (rows["low"] + rows["high"]) / 2)
    rows = rows.assign(value=value)
    table = (rows.groupby(["basis", "unit"], sort=False)["value"]
             .agg(n_rows="size", n_figures="count", min="min", median="median", max="max")
             .reset_index())
    order = {b: i for i, b in enumerate(BASIS_VALUES)}
    table = table.sort_values(["basis", "unit"], key=lambda s: s.map(order) if s.name == "basis" else s)
    return table.reset_index(drop=True)
