"""Input validation in one place, and the data-quality report.

Every check raises :class:`~sharedopt.common.errors.DataError` with a message that names
the file, the row (1-based line number in the file, header = line 1) or code, the
field, and what to do. Anything the loaders leave out on purpose is recorded in a
:class:`DataQuality` report instead of being dropped silently.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from sharedopt.common.errors import DataError
from sharedopt.common.files import check_input_file
from sharedopt.common.literal import cut

COST_COLUMNS = ["authority", "service", "year", "net_expenditure_gbp_k"]
#: the index name of a table read from a CSV whose index is each row's line in the file (header = row 1)
FILE_ROW = "row"
GSS_PATTERN = r"^[EWSNK]\d{8}$"


@dataclass
class DataQuality:
    """Rows and items the loaders excluded or flagged, with the reason.

    Attributes
    ----------
    entries : list of dict
        One dict per issue: ``file``, ``row``, ``code``, ``field``, ``issue``, ``action``.
    """

    entries: list[dict] = field(default_factory=list)

    def add(self, *, file: str, issue: str, action: str, row: int | None = None,
            code: str = "", field: str = "") -> None:
        """Record one issue."""
        self.entries.append({"file": file, "row": row, "code": code, "field": field,
                             "issue": issue, "action": action})

    def extend(self, other: "DataQuality") -> None:
        """Append the entries of another report."""
        self.entries.extend(other.entries)

    def to_frame(self) -> pd.DataFrame:
        """The report as a DataFrame (one row per issue)."""
        cols = ["file", "row", "code", "field", "issue", "action"]
        frame = pd.DataFrame(self.entries, columns=cols)
        frame["row"] = frame["row"].astype("Int64")
        return frame

    def __len__(self) -> int:
        return len(self.entries)


def require_file(path: Path, what: str) -> Path:
    """``path``, checked: a DataError names it when it is missing, not a regular file or too large.

    See :func:`sharedopt.common.files.check_input_file` (a device such as ``/dev/zero`` is never read).
    """
    return check_input_file(Path(path), what, "check the path (relative paths are resolved from the config "
                                              "file's folder) or run `python -m sharedopt.data.build`")


WORKBOOK_MAGIC = {b"PK\x03\x04": "an Excel workbook (.xlsx) or another zip file",
                  b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)"}
SAVE_AS_CSV = "save it as CSV UTF-8 (in Excel: File > Save As > 'CSV UTF-8 (Comma delimited)')"


def read_csv_checked(path: Path, what: str, dtype: dict | None = None) -> pd.DataFrame:
    """Read a CSV with messages that name the file, the line and the fix.

    Catches what pandas reports without context: an empty file, a workbook or a
    non-UTF-8 file given as CSV, and a line with more fields than the header (an
    unquoted ``42,048``). A UTF-8 byte-order mark is accepted; quoted numbers with
    thousands separators (``"42,048"``) are read as numbers.
    """
    data = Path(path).read_bytes()
    text = _decode_csv(data, path, what)
    if not text.strip():
        raise DataError(f"{path}: the {what} is empty ({len(data)} bytes); it needs a header line "
                        "and one row per record (see the README for the columns)")
    _check_field_counts(text, path)
    frame = pd.read_csv(io.StringIO(text), dtype=dtype)
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column]):
            frame[column] = _strip_thousands(frame[column])
    return frame


THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def _strip_thousands(values: pd.Series) -> pd.Series:
    """``"42,048"`` -> ``"42048"`` where every comma separates a group of three digits; else unchanged."""
    text = values.astype(str).str.strip()
    grouped = text.str.match(THOUSANDS) & values.notna()
    if not grouped.any():
        return values
    return values.where(~grouped, text.str.replace(",", "", regex=False))


def _decode_csv(data: bytes, path: Path, what: str) -> str:
    for magic, kind in WORKBOOK_MAGIC.items():
        if data.startswith(magic):
            raise DataError(f"{path}: line 1: the {what} is {kind}, not a CSV text file; {SAVE_AS_CSV}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        guess = data[exc.start:exc.start + 1].decode("latin-1")
        raise DataError(f"{path}: line {line}: the {what} is not UTF-8 (byte 0x{data[exc.start]:02x}, "
                        f"'{guess}' in Latin-1/Windows-1252); {SAVE_AS_CSV}") from None


def _check_field_counts(text: str, path: Path) -> None:
    """Every line must have as many fields as the header."""
    rows = csv.reader(io.StringIO(text))
    header = next(rows, [])
    for row in rows:
        if not row or len(row) == len(header):
            continue
        line = rows.line_num
        if len(row) > len(header):
            split = [v for v in row if re.fullmatch(r"\d{3}(\.\d*)?", v.strip())]
            if not any(v.strip() for v in row[len(header):]):
                raise DataError(f"{path}: line {line} has {len(row)} fields but the header has {len(header)} "
                                f"({shown_columns(header)}): it ends with extra commas; remove them")
            hint = (f"; a number with a thousands separator (such as '{row[len(header) - 1]},{split[0]}')"
                    " splits into two fields: quote numbers with thousands separators or remove the comma"
                    if split else "; quote any value that contains a comma")
            raise DataError(f"{path}: line {line} has {len(row)} fields but the header has {len(header)} "
                            f"({shown_columns(header)}){hint}")
        raise DataError(f"{path}: line {line} has {len(row)} fields but the header has {len(header)} "
                        f"({shown_columns(header)}); fill in the missing values")


def shown_columns(columns, limit: int = 12, width: int = 40) -> str:
    """Column names for a message: at most ``limit``, each cut to ``width`` characters.

    The header of an arbitrary file (a binary, a document) given as a CSV is never echoed whole.
    """
    names = [str(c) if len(str(c)) <= width else str(c)[:width] + "..." for c in columns]
    more = f" and {len(names) - limit:,} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def require_columns(df: pd.DataFrame, columns: list[str], file: str) -> None:
    """Raise when a required column is missing, spotting unit mix-ups."""
    for col in columns:
        if col in df.columns:
            continue
        hint = ""
        if col == "net_expenditure_gbp_k":
            other = [c for c in df.columns if c.startswith("net_expenditure")]
            if other:
                hint = (f"; found '{other[0]}': spend must be in £ thousand. Convert the values "
                        "and name the column 'net_expenditure_gbp_k'")
        raise DataError(f"{file}: required column '{col}' is missing (columns: "
                        f"{shown_columns(df.columns)}){hint}")


def check_codes(codes: pd.Series, file: str, field: str = "authority") -> None:
    """Every code must look like a GSS code (e.g. E06000001)."""
    bad = ~codes.astype(str).str.match(GSS_PATTERN)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"{file}: row {i + 2}, field '{field}': '{cut(codes.iloc[i])}' is not a GSS code "
                        "(a letter and 8 digits, e.g. E06000001); fix or remove the row")


def check_numeric(df: pd.DataFrame, column: str, file: str) -> pd.Series:
    """Return ``df[column]`` as floats; raise naming the first NaN or non-numeric row."""
    values = pd.to_numeric(df[column], errors="coerce")
    bad = values.isna() | ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        code = df["authority"].iloc[i] if "authority" in df.columns else ""
        raise DataError(f"{file}: row {i + 2} ({code}), field '{column}': value "
                        f"'{cut(df[column].iloc[i])}' is missing or not a number; give a number in £ thousand "
                        "(0 if the authority does not spend on the service)")
    return values.astype(float)


def check_unique(df: pd.DataFrame, keys: list[str], file: str) -> None:
    """Raise when a key combination occurs twice."""
    dup = df.duplicated(keys, keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        key = ", ".join(f"{k}={cut(df[k].iloc[i])}" for k in keys)
        raise DataError(f"{file}: row {i + 2}: duplicate entry ({key}); keep one row per "
                        f"{'/'.join(keys)}")


def check_known_services(services: pd.Series, known: list[str], file: str) -> None:
    """Every service name must be in the catalogue."""
    unknown = ~services.isin(known)
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise DataError(f"{file}: row {i + 2}, field 'service': unknown service '{cut(services.iloc[i])}'; "
                        f"use one of {', '.join(known)}")


def check_code_sets(cost_codes: set[str], boundary_codes: set[str], file: str,
                    quality: DataQuality, strict: bool = True) -> None:
    """Costs and boundaries must cover the same authorities."""
    only_costs = sorted(cost_codes - boundary_codes)
    only_bounds = sorted(boundary_codes - cost_codes)
    if only_costs:
        raise DataError(f"{file}: authority code(s) {', '.join(only_costs[:10])} have costs but no "
                        "boundary in the selected region; fix the code, add the boundary, or remove the rows")
    if only_bounds:
        msg = (f"authority code(s) {', '.join(only_bounds[:10])} are in the region's boundaries but "
               "have no cost rows")
        if strict:
            raise DataError(f"{file}: {msg}; add their costs (0 where they do not deliver a service) "
                            "or narrow the region")
        for code in only_bounds:
            quality.add(file=file, code=code, field="authority", issue="no cost rows",
                        action="authority kept on the map, not eligible for any saving")


def check_geometry(gdf, file: str) -> None:
    """Raise on a missing CRS or an empty/missing geometry, naming the feature."""
    if gdf.crs is None:
        raise DataError(f"{file}: the boundary file has no CRS; set one (e.g. EPSG:4326 for lon/lat "
                        "or EPSG:27700 for British National Grid) and save it again")
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    if empty.any():
        i = int(np.flatnonzero(empty.to_numpy())[0])
        raise DataError(f"{file}: feature {i + 1} ({gdf.index[i]}), field 'geometry': empty or "
                        "missing geometry; fix the boundary or remove the feature")


def check_population(values: pd.Series, file: str) -> None:
    """Population must be a positive number for every authority."""
    bad = values.isna() | (values <= 0)
    if bad.any():
        code = values.index[int(np.flatnonzero(bad.to_numpy())[0])]
        raise DataError(f"{file}: code {code}, field 'population': missing or not positive; "
                        "give the resident population (ONS mid-year estimate)")


TRUE_WORDS = {"true", "1", "yes", "y"}
FALSE_WORDS = {"false", "0", "no", "n", ""}


def check_boolean(df: pd.DataFrame, column: str, file: str) -> pd.Series:
    """``df[column]`` as booleans (true/false, yes/no, 1/0; blank = false); raise on anything else."""
    text = df[column].map(lambda v: "" if v is None or v != v else str(v)).str.strip().str.lower()
    text = text.str.replace(r"\.0$", "", regex=True)  # pandas reads 1/0 as 1.0/0.0 when blanks occur
    bad = ~text.isin(TRUE_WORDS | FALSE_WORDS)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"{file}: row {i + 2}, field '{column}': '{cut(df[column].iloc[i])}' is not true or false; "
                        "write true or false (or leave it blank for false)")
    return text.isin(TRUE_WORDS)


def check_complete(costs: pd.DataFrame, file: str) -> None:
    """Every authority in a user's costs needs a row for every service the file covers.

    A missing (authority, service) row is an error, not a zero: a gap would silently
    take that council out of every partnership for the service.
    """
    services = sorted(costs["service"].unique())
    have = set(zip(costs["authority"], costs["service"]))
    gaps = [(a, s) for a in sorted(costs["authority"].unique()) for s in services if (a, s) not in have]
    if gaps:
        shown = ", ".join(f"({a}, {s})" for a, s in gaps[:10])
        more = f" and {len(gaps) - 10} more" if len(gaps) > 10 else ""
        raise DataError(f"{file}: {len(gaps)} missing (authority, service) row(s): {shown}{more}; every "
                        "authority needs a row for every service in the file: add the row "
                        "(0 if the authority does not spend on the service)")


POLYGONAL = ("Polygon", "MultiPolygon")
BNG_EXTENT = (0.0, 0.0, 700_000.0, 1_300_000.0)  # British National Grid, metres (EPSG:27700)
SET_CRS = ("(e.g. `ogr2ogr -a_srs {crs} out.gpkg in.geojson`, or in QGIS: Layer > Set CRS, then save "
           "as GeoPackage)")


def _feature(gdf, i: int) -> str:
    return f"feature {i + 1} ({gdf.index[i]})"


def check_polygons(gdf, file: str, repaired: bool = False) -> None:
    """Every geometry must be a (multi)polygon: boundaries are areas, not points or lines.

    After repair (``repaired=True``) each must also have an area (a zero-area polygon
    is an invalid one that ``make_valid`` turns into lines).
    """
    types = gdf.geometry.geom_type.to_numpy()
    bad = ~np.isin(types, POLYGONAL)
    if repaired:
        bad |= shapely.area(gdf.geometry.to_numpy()) <= 0  # degrees² will do: only > 0 matters
    if not bad.any():
        return
    i = int(np.flatnonzero(bad)[0])
    others = f"; {int(bad.sum())} of {len(gdf)} features are not areas" if bad.sum() > 1 else ""
    if repaired:
        what = f"has no area even after repair (it became a {types[i]}: its corners lie on a line?)"
    else:
        what = f"is a {types[i]}, not a polygon"
    raise DataError(f"{file}: {_feature(gdf, i)}, field 'geometry': {what}{others}; a boundary file holds "
                    "council areas (Polygon or MultiPolygon): points or lines cannot tell which councils "
                    "border each other. Give the areas' boundaries or remove the feature")


#: the smallest area a council's boundary may have, km² (the smallest real ones: the City of London,
#: 2.9 km²; Falls Church, Virginia, 5.3 km²); a smaller polygon is a sliver that changes adjacency
MIN_AREA_KM2 = 0.01


def check_area(area_km2: pd.Series, file: str) -> None:
    """Refuse a boundary whose area is below :data:`MIN_AREA_KM2` (a near-zero sliver), naming it."""
    small = area_km2[area_km2 < MIN_AREA_KM2]
    if len(small):
        code, area = small.index[0], float(small.iloc[0])
        raise DataError(f"{file}: code {code}, field 'geometry': its area is {area:.2g} km², under the "
                        f"{MIN_AREA_KM2:g} km² any council covers (the smallest, the City of London, is 2.9 km²): "
                        "a sliver or a boundary in the wrong units; fix the boundary or remove the feature")


def check_coordinates(gdf, file: str) -> None:
    """Coordinates must fit the declared CRS: degrees for a geographic CRS, metres-like for a projected one."""
    bounds = gdf.geometry.bounds.to_numpy(dtype=float)
    crs = gdf.crs
    name = crs.to_string()
    finite = np.isfinite(bounds).all(axis=1)
    if not finite.all():
        i = int(np.flatnonzero(~finite)[0])
        raise DataError(f"{file}: {_feature(gdf, i)}, field 'geometry': coordinates are not finite numbers; "
                        "fix the boundary")
    if crs.is_geographic:
        bad = (bounds[:, 0] < -180) | (bounds[:, 2] > 180) | (bounds[:, 1] < -90) | (bounds[:, 3] > 90)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            x, y = bounds[i, 0], bounds[i, 1]
            lo_x, lo_y, hi_x, hi_y = BNG_EXTENT
            total = gdf.total_bounds
            bng = total[0] >= lo_x and total[1] >= lo_y and total[2] <= hi_x and total[3] <= hi_y
            hint = (f"these look like British National Grid metres: set the CRS to EPSG:27700 "
                    f"{SET_CRS.format(crs='EPSG:27700')}" if bng else
                    "set the CRS the coordinates are really in " + SET_CRS.format(crs="EPSG:NNNN"))
            raise DataError(f"{file}: {_feature(gdf, i)}, field 'geometry': coordinates ({x:,.0f}, {y:,.0f}) "
                            f"are outside longitude -180..180 / latitude -90..90 of the declared CRS {name} "
                            f"(degrees); {hint}. GeoJSON is always read as EPSG:4326 unless it names a CRS")
    else:
        total = gdf.total_bounds
        if np.abs(total).max() <= 180 and (total[2] - total[0]) < 360:
            raise DataError(f"{file}: every coordinate is within -180..180 but the declared CRS {name} is in "
                            f"{crs.axis_info[0].unit_name}s: these look like longitude/latitude degrees: set the "
                            f"CRS to EPSG:4326 {SET_CRS.format(crs='EPSG:4326')}")


def check_boundary_codes(codes: pd.Series, file: str, field: str) -> None:
    """Codes must be given and unique; name the feature rows."""
    text = codes.astype(str).str.strip()
    blank = codes.isna().to_numpy() | text.isin(["", "nan", "None"]).to_numpy()
    if blank.any():
        i = int(np.flatnonzero(blank)[0])
        raise DataError(f"{file}: feature {i + 1}, field '{field}': the code is missing; give each area "
                        "its GSS code (e.g. E06000001)")
    dup = text.duplicated(keep=False).to_numpy()
    if dup.any():
        first = text[dup].iloc[0]
        rows = [str(i + 1) for i in np.flatnonzero((text == first).to_numpy())]
        raise DataError(f"{file}: duplicate code '{cut(first)}' in field '{field}' (features {', '.join(rows)}); "
                        "each area once: merge the parts into one MultiPolygon or fix the code")
