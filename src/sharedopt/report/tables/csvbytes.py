"""A block of CSV rows as one byte matrix: every column's cells in bulk, then the padding dropped.

:mod:`~sharedopt.report.tables.csvtext` decides what a column is and quotes its text; here each
column of a block becomes a matrix of bytes (a row per cell, its bytes left to right, unused places
zero), the matrices are laid side by side with the commas and line ends between them, and the zero
bytes are dropped: what is left, row after row, is the block's text. No cell holds a zero byte
(a block with text holding one is left to :mod:`~sharedopt.report.tables.csvtext`), so nothing
else is dropped.

Floats: ``%.Nf`` writes a float's exact binary value rounded half to even at N decimals. Below
``SCALED_MAX`` the product ``x * 10**N`` is within about 1e-4 of the exact one, so away from a tie
(``TIE_MARGIN``) rounding it gives the same integer, whose digits come from integer arithmetic;
values near a tie, huge ones and non-finite ones are formatted by ``%`` itself. The sign is the
float's sign bit, so ``-0.0`` and ``-0.0001`` are ``-0.000``, as ``%`` writes them.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["MATRIX_MAX_BYTES", "SCALED_MAX", "TIE_MARGIN", "bool_bytes", "decimals", "float_bytes", "int_bytes",
           "joined_rows", "text_bytes"]

#: largest ``|x| * 10**N`` formatted from integers (the product's rounding error stays below 1.2e-4)
SCALED_MAX = 1e12
#: distance from a rounding tie (in units of the last decimal) within which ``%`` formats the value
TIE_MARGIN = 1e-3
#: largest byte matrix of one text column of a block; a block with a larger one is formatted as text
MATRIX_MAX_BYTES = 64 * 2**20
_FIXED = re.compile(r"%\.([0-9])f\Z")
_ZERO, _MINUS, _POINT, _COMMA, _NEWLINE = 48, 45, 46, 44, 10
_WORD = np.dtype("<u4")  # little-endian everywhere, so a word's bytes are in writing order
#: each thousand's three digits as one word (a zero byte last), with leading zeros and without
_FULL = np.array([int.from_bytes(f"{n:03d}".encode(), "little") for n in range(1000)], dtype=_WORD)
_LEAD = np.array([int.from_bytes(str(n).rjust(3, "\0").encode(), "little") for n in range(1000)], dtype=_WORD)
_BOOLEANS = np.frombuffer(b"False" + b"True\0", dtype=np.uint8).reshape(2, 5)


def decimals(float_format: str) -> int | None:
    """N of a ``%.Nf`` float format (N from 0 to 9); None for any other format."""
    match = _FIXED.match(float_format)
    return int(match.group(1)) if match else None


def _digits(magnitude: np.ndarray, width: int | None = None) -> np.ndarray:
    """Decimal digits of non-negative int64s: in ``width`` places with leading zeros, or (``width``
    None) as many as each needs, left of them empty (zero bytes); right-aligned, a uint8 matrix.

    Three digits at a time: each group of a thousand is looked up as one 4-byte word (its three
    digit bytes, then a zero byte, dropped when the rows are joined).
    """
    top = int(magnitude.max()) if len(magnitude) else 0
    groups = max(1, -(-(width if width is not None else len(str(top))) // 3))
    words = np.empty((len(magnitude), groups), dtype=_WORD)
    rest = magnitude
    for group in range(groups - 1, -1, -1):
        rest, thousands = np.divmod(rest, 1000)
        if width is not None:
            words[:, group] = _FULL[thousands]
        elif group == groups - 1:
            words[:, group] = np.where(rest > 0, _FULL[thousands], _LEAD[thousands])
        else:
            words[:, group] = np.where(rest > 0, _FULL[thousands],
                                       np.where(thousands > 0, _LEAD[thousands], 0))
    cells = words.view(np.uint8).reshape(len(magnitude), 4 * groups)
    if width is not None and width % 3:
        cells[:, :3 - width % 3] = 0  # the first group's leading zeros beyond ``width``
    return cells


def _column_of(byte: int, rows: int) -> np.ndarray:
    """One place of one byte in every row."""
    return np.full((rows, 1), byte, dtype=np.uint8)


def _with_texts(cells: np.ndarray, rows: np.ndarray, texts: list[str]) -> np.ndarray:
    """``cells`` with the rows ``rows`` holding ``texts`` instead (widened to fit)."""
    encoded = [text.encode() for text in texts]
    width = max([cells.shape[1], *map(len, encoded)])
    if width > cells.shape[1]:
        cells = np.hstack([cells, np.zeros((len(cells), width - cells.shape[1]), dtype=np.uint8)])
    padded = b"".join(text.ljust(width, b"\0") for text in encoded)
    cells[rows] = np.frombuffer(padded, dtype=np.uint8).reshape(len(rows), width)
    return cells


def float_bytes(values: np.ndarray, places: int, float_format: str) -> np.ndarray:
    """Cells of a float column as ``float_format`` (``%.{places}f``) writes them; missing values empty.

    Parameters
    ----------
    values : numpy.ndarray
        float32 or float64.
    places : int
        Decimals of ``float_format``.
    float_format : str
        The ``%`` format, for the values formatted by it.

    Returns
    -------
    numpy.ndarray
        uint8 matrix, a row per value.
    """
    x = values.astype(np.float64, copy=False)
    with np.errstate(invalid="ignore"):
        scaled = x * 10.0**places
        tie = np.abs(scaled - np.floor(scaled) - 0.5) < TIE_MARGIN
        fixed = (np.abs(scaled) < SCALED_MAX) & ~tie
    whole, fraction = np.divmod(np.abs(np.rint(np.where(fixed, scaled, 0.0))).astype(np.int64), 10**places)
    parts = [np.where(np.signbit(x), _MINUS, 0).astype(np.uint8)[:, None], _digits(whole)]
    if places:
        parts += [_column_of(_POINT, len(x)), _digits(fraction, places)]
    cells = np.hstack(parts)
    cells[~fixed] = 0
    other = np.flatnonzero(~fixed & ~np.isnan(x))
    if len(other):
        cells = _with_texts(cells, other, [float_format % value for value in x[other].tolist()])
    return cells


def int_bytes(values: np.ndarray) -> np.ndarray | None:
    """Cells of an integer column (its digits, ``-`` first when negative); None above the int64 range."""
    if values.dtype.kind == "u" and len(values) and int(values.max()) > np.iinfo(np.int64).max:
        return None
    v = values.astype(np.int64, copy=False)
    lowest = v == np.iinfo(np.int64).min  # no int64 magnitude: written by str
    cells = np.hstack([np.where(v < 0, _MINUS, 0).astype(np.uint8)[:, None],
                       _digits(np.abs(np.where(lowest, 0, v)))])
    if lowest.any():
        rows = np.flatnonzero(lowest)
        cells = _with_texts(cells, rows, [str(value) for value in v[rows].tolist()])
    return cells


def bool_bytes(values: np.ndarray) -> np.ndarray:
    """Cells of a boolean column: ``True`` or ``False``."""
    return _BOOLEANS[values.astype(np.intp)]


def text_bytes(texts: list[str]) -> np.ndarray | None:
    """Cells of a text column (already quoted) in UTF-8; None for text holding a zero byte, text
    UTF-8 cannot encode, or a matrix over ``MATRIX_MAX_BYTES``.

    ASCII text is laid out by numpy at once (a fixed-width text array, one byte per character);
    other text is encoded cell by cell.
    """
    joined = "".join(texts)
    width = max(map(len, texts), default=0)  # characters: in UTF-8 at most 4 bytes each
    if "\0" in joined or width * len(texts) > MATRIX_MAX_BYTES:
        return None
    if joined.isascii():
        array = np.array(texts, dtype=f"U{max(width, 1)}")
        return array.view(np.uint32).reshape(len(texts), array.dtype.itemsize // 4).astype(np.uint8)
    try:
        encoded = [text.encode() for text in texts]
    except UnicodeEncodeError:
        return None
    width = max(map(len, encoded), default=0)
    if width * len(texts) > MATRIX_MAX_BYTES:
        return None
    array = np.array(encoded, dtype=f"S{max(width, 1)}")
    return array.view(np.uint8).reshape(len(texts), array.dtype.itemsize)


def joined_rows(columns: list[np.ndarray]) -> bytes:
    """The CSV lines of a block from its columns' cells (commas between, ``\\n`` after each row)."""
    rows = len(columns[0])
    comma, newline = _column_of(_COMMA, rows), _column_of(_NEWLINE, rows)
    parts = [part for cells in columns for part in (cells, comma)]
    parts[-1] = newline
    flat = np.hstack(parts).ravel()
    return flat[flat != 0].tobytes()
