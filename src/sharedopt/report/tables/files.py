"""Tabular outputs: CSV and JSON (the workbook is :mod:`sharedopt.report.workbook.book`).

Everything here is byte-deterministic for identical inputs: fixed float
formatting and line endings in CSV, sorted keys in JSON. Every CSV cell of
text is quoted against formula injection by
:func:`sharedopt.report.tables.cells.neutralise_frame`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from sharedopt.common.jsonsafe import json_safe
from sharedopt.report.tables.cells import neutralise_frame
from sharedopt.report.tables.csvtext import csv_blocks

__all__ = [
    "CSV_FLOAT_FORMAT",
    "write_csv",
    "write_json",
]

CSV_FLOAT_FORMAT = "%.3f"
MONEY_SUFFIX = "_gbp_k"


# --------------------------------------------------------------------------- CSV / JSON


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write a table as deterministic UTF-8 CSV.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table to write; the index is dropped (write it as a column first if
        it matters).
    path : pathlib.Path
        Destination file.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    Floats use ``CSV_FLOAT_FORMAT`` ('%.3f'), lines end in ``\\n``, missing
    values are empty fields. Text starting with ``=``, ``+``, ``-``, ``@``, tab
    or CR gets a leading ``'`` (:func:`sharedopt.report.tables.cells.neutralise_frame`).
    The text is formatted in bulk (:mod:`sharedopt.report.tables.csvtext`, the bytes pandas
    writes); pandas writes a table with a column of another kind.
    """
    frame = neutralise_frame(frame)
    blocks = csv_blocks(frame, CSV_FLOAT_FORMAT)
    if blocks is None:
        frame.to_csv(path, index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n", encoding="utf-8")
        return path
    with open(path, "wb") as handle:
        handle.writelines(blocks)
    return path


def write_json(data: Mapping[str, Any], path: Path) -> Path:
    """Write a mapping as deterministic, strict JSON.

    Parameters
    ----------
    data : Mapping
        JSON-like data (see :func:`json_safe` for conversions).
    path : pathlib.Path
        Destination file.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    text = json.dumps(json_safe(data), sort_keys=True, indent=2, allow_nan=False, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path
