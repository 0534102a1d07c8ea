"""A table's CSV text, column by column: the bytes pandas' ``to_csv`` writes, a few times faster.

pandas formats a table for CSV cell by cell (a Python call per float, a boxed object per
cell, then the ``csv`` module per row); a national run's candidate and share tables have
millions of cells. Here each column of a block of rows becomes its cells' bytes in bulk, as a
byte matrix (:mod:`~sharedopt.report.tables.csvbytes`: floats and integers by integer arithmetic
on whole columns, booleans by a look-up, text encoded once), and the matrices are joined with
``,`` and ``\\n`` (the memory of one block, not of the file). A block the matrices cannot hold
(a float format other than ``%.Nf``, text with a zero byte) is formatted cell by cell, floats by
one ``%``-format per value, integers by ``str``.

The bytes are those of ``frame.to_csv(index=False, float_format=..., lineterminator="\\n")``:
a missing value is an empty field; a float is ``float_format % value`` (``-0.0`` is
``-0.000``, infinity ``inf``); an integer is its digits; a boolean ``True`` or ``False``;
text that holds a delimiter, a quote or a line break is quoted by the ``csv`` module itself,
with the dialect pandas uses, and the header row is written by it too. A table with a column
of any other kind (a nullable integer, a category, a date, an object column holding anything
but text), with labels that are not all text, or with fewer than two columns is not formatted
here (:func:`csv_blocks` returns None) and pandas writes it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from sharedopt.report.tables.csvbytes import bool_bytes, decimals, float_bytes, int_bytes, joined_rows, text_bytes

__all__ = ["BLOCK_CELLS", "csv_blocks"]

#: cells formatted at once: the rows of a block hold about this many cells (a few MB of text)
BLOCK_CELLS = 250_000
#: a text cell holding one of these goes through the ``csv`` module, which decides whether to quote it
#: (a superset of the characters that make it quote)
_SPECIAL_CHARACTERS = ',"\r\n'
_SPECIAL = re.compile(f"[{_SPECIAL_CHARACTERS}]")
_BOOLEAN = {True: "True", False: "False"}


def csv_blocks(frame: pd.DataFrame, float_format: str) -> Iterator[bytes] | None:
    """The CSV text of ``frame`` (no index), in blocks, or None when pandas must write it.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table to write (text already guarded, :func:`~sharedopt.report.tables.cells.neutralise_frame`).
    float_format : str
        ``%``-format of a float cell (as pandas' ``float_format``).

    Returns
    -------
    iterator of bytes or None
        The header line, then blocks of whole lines, each ending in ``\\n``, in UTF-8; None for a
        table with a column this module does not format.
    """
    labels = list(frame.columns)
    if len(labels) < 2 or not all(isinstance(label, str) for label in labels):
        return None
    columns = [_column(frame.iloc[:, position]) for position in range(len(labels))]
    if any(column is None for column in columns):
        return None
    return _blocks(labels, columns, len(frame), float_format)


def _blocks(labels: list[str], columns: list[tuple[str, np.ndarray]], rows: int,
            float_format: str) -> Iterator[bytes]:
    """The header line, then the rows, a block at a time (UTF-8)."""
    yield _csv_line(labels).encode()
    step = max(1, BLOCK_CELLS // len(columns))
    places = decimals(float_format)
    for start in range(0, rows, step):
        block = [(kind, values[start:start + step]) for kind, values in columns]
        matrices = None if places is None else _matrices(block, places, float_format)
        if matrices is not None:
            yield joined_rows(matrices)
        else:
            cells = [_cells(kind, values, float_format) for kind, values in block]
            yield ("\n".join(map(",".join, zip(*cells))) + "\n").encode()


def _matrices(block: list[tuple[str, np.ndarray]], places: int, float_format: str) -> list[np.ndarray] | None:
    """Each column's cells as a byte matrix (:mod:`~sharedopt.report.tables.csvbytes`); None when
    one column cannot be (then the block is formatted as text)."""
    matrices = []
    for kind, values in block:
        if kind == "float":
            cells = float_bytes(values, places, float_format)
        elif kind == "int":
            cells = int_bytes(values)
        elif kind == "bool":
            cells = bool_bytes(values)
        else:
            cells = text_bytes(_text_cells(values.tolist()))
        if cells is None:
            return None
        matrices.append(cells)
    return matrices


def _column(series: pd.Series) -> tuple[str, np.ndarray] | None:
    """A column as (kind, values) for :func:`_cells`, or None when this module does not format it."""
    dtype = series.dtype
    if isinstance(dtype, np.dtype):
        if dtype.kind == "f" and dtype.itemsize in (4, 8):
            return "float", series.to_numpy()
        if dtype.kind in "iu":
            return "int", series.to_numpy()
        if dtype.kind == "b":
            return "bool", series.to_numpy()
        if dtype.kind == "O":
            return _object_column(series.to_numpy())
        return None
    if isinstance(dtype, pd.StringDtype):
        return "text", series.to_numpy(dtype=object, na_value="")
    return None


def _object_column(values: np.ndarray) -> tuple[str, np.ndarray] | None:
    """An object column of text and missing values (as empty text), else None."""
    missing = pd.isna(values)
    if not all(isinstance(value, str) for value in values[~missing].tolist()):
        return None
    if missing.any():
        values = values.copy()
        values[missing] = ""
    return "text", values


def _cells(kind: str, values: np.ndarray, float_format: str) -> list[str]:
    """The cells of one column of a block as text."""
    if kind == "float":
        return _float_cells(values, float_format)
    if kind == "int":
        return list(map(str, values.tolist()))
    if kind == "bool":
        return [_BOOLEAN[value] for value in values.tolist()]
    return _text_cells(values.tolist())


def _float_cells(values: np.ndarray, float_format: str) -> list[str]:
    """Floats formatted, missing values empty (one format for a column of one value)."""
    bits = values.view(np.int32 if values.itemsize == 4 else np.int64)
    if len(values) and (bits == bits[0]).all():
        first = values[0]
        return [("" if first != first else float_format % first)] * len(values)
    cells = list(map(float_format.__mod__, values.tolist()))
    for position in np.flatnonzero(np.isnan(values)).tolist():
        cells[position] = ""
    return cells


def _text_cells(texts: list[str]) -> list[str]:
    """Text cells, quoted where the ``csv`` module quotes them."""
    joined = "".join(texts)
    if not any(character in joined for character in _SPECIAL_CHARACTERS):
        return texts
    return [_quoted(text) if _SPECIAL.search(text) else text for text in texts]


@lru_cache(maxsize=4096)
def _quoted(text: str) -> str:
    """One non-empty cell as the ``csv`` module writes it."""
    return _csv_line([text])[:-1]


def _csv_line(cells: list[Any]) -> str:
    """One row as the ``csv`` module writes it with pandas' dialect (ending in ``\\n``)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n", delimiter=",", quoting=csv.QUOTE_MINIMAL, doublequote=True,
               escapechar=None, quotechar='"').writerow(cells)
    return buffer.getvalue()
