"""Spreadsheet-injection guard shared by every CSV and XLSX writer.

A spreadsheet program reading a CSV (or a user re-saving a workbook as CSV)
treats text that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and a
leading tab or carriage return can smuggle one past a naive check. Council
names, codes, config names and boundary attributes come from input files, so
every text cell written by :mod:`sharedopt.report` goes through
:func:`neutralise_text` (one cell) or :func:`neutralise_frame` (a table): text
starting with one of those characters gets a single quote ``'`` in front, the
OWASP rule (https://owasp.org/www-community/attacks/CSV_Injection). Numbers,
booleans and missing values are never changed: a negative number is a number,
not text.

A cell can hold more than one line, and a program that splits a row at a bare
carriage return would make each line a cell of its own. So, before the guard:
every line break (``\r\n``, ``\r``, ``\n``) becomes one ``\n``, which the CSV
writer quotes (the lines stay in their cell); every other control character
(and the bidirectional overrides) is replaced by its visible escape, as on the
terminal (:func:`sharedopt.common.literal.clean`); and the guard applies to *every*
line of the cell, and to a cell that starts with a line break.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from sharedopt.common.literal import clean

__all__ = ["FORMULA_TRIGGERS", "neutralise_frame", "neutralise_text"]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
_TRIGGER_SET = frozenset(FORMULA_TRIGGERS)
_BREAKS = re.compile("\r\n|\r")
#: text that needs more than the first-character check: a line break or any other control character
_NEEDS_WORK = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: the triggers that are not control characters (tab and CR are, found by ``_NEEDS_WORK``)
_LINE_TRIGGERS = tuple(t for t in FORMULA_TRIGGERS if not _NEEDS_WORK.match(t))
_ASCII_TRIGGERS = np.frombuffer("".join(_LINE_TRIGGERS).encode("ascii"), dtype=np.uint8)


def neutralise_text(value: Any) -> Any:
    """Return ``value`` with a leading ``'`` if it is text a spreadsheet could run.

    Parameters
    ----------
    value : Any
        A cell value.

    Returns
    -------
    Any
        For a ``str``: line breaks as ``\\n``, other control characters escaped, and
        ``'`` in front of every line that starts with one of :data:`FORMULA_TRIGGERS`
        (and of a cell that starts with a line break); every other value unchanged.

    Examples
    --------
    >>> neutralise_text('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise_text("Durham\\r=cmd|' /C calc'!A0")
    "Durham\\n'=cmd|' /C calc'!A0"
    >>> neutralise_text(-5.0)
    -5.0
    """
    if not isinstance(value, str):
        return value
    if not _NEEDS_WORK.search(value):
        return _QUOTE + value if value.startswith(FORMULA_TRIGGERS) else value
    text = clean(_BREAKS.sub("\n", value)).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    lines = [_QUOTE + part if part.startswith(FORMULA_TRIGGERS) else part for part in text.split("\n")]
    return (_QUOTE if text.startswith("\n") else "") + "\n".join(lines)


def _risky(value: Any) -> bool:
    """Whether :func:`neutralise_text` changes ``value``."""
    return isinstance(value, str) and (value[:1] in _TRIGGER_SET or _NEEDS_WORK.search(value) is not None)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Apply :func:`neutralise_text` to every text cell and column name of a table.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table about to be written.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself when no cell or column name needs quoting (no copy),
        else a copy with the risky text cells and names quoted. Numeric and
        boolean columns are never touched.
    """
    out = frame
    for position in range(frame.shape[1]):
        series = frame.iloc[:, position]
        if not _may_hold_text(series):
            continue
        values = series.astype(object).tolist()
        if _all_safe(values):
            continue
        risky = [_risky(v) for v in values]
        if any(risky):
            out = frame.copy() if out is frame else out
            quoted = [neutralise_text(v) if r else v for v, r in zip(values, risky)]
            out.isetitem(position, pd.Series(quoted, index=frame.index, dtype=object))
    names = [neutralise_text(c) for c in frame.columns]
    if names != list(frame.columns):
        out = frame.copy() if out is frame else out
        out.columns = names
    return out


def _all_safe(values: list[Any]) -> bool:
    """Whether no text among ``values`` needs :func:`neutralise_text` (other values never do).

    ASCII text is checked on its bytes at once (:func:`_ascii_safe`), other text a block at a
    time (:func:`_texts_safe`).
    """
    try:
        joined = "".join(values)
    except TypeError:  # missing values or other objects among the text
        return _texts_safe([value for value in values if isinstance(value, str)])
    return _ascii_safe(joined, values) if joined.isascii() else _texts_safe(values)


def _ascii_safe(joined: str, texts: list[str]) -> bool:
    """:func:`_all_safe` for ASCII ``texts`` (``joined`` is their concatenation): no control
    character, and no cell's first character a formula trigger."""
    codes = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    if ((codes < 0x20) | (codes == 0x7F)).any():
        return False
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    firsts = codes[(np.cumsum(lengths) - lengths)[lengths > 0]]
    return not np.isin(firsts, _ASCII_TRIGGERS).any()


def _texts_safe(texts: list[str], block: int = 65_536) -> bool:
    """:func:`_all_safe` for any text, in bulk, a block of cells at a time.

    Joined with nothing, the text is printable (no control character, no bidirectional
    override, no line or paragraph separator) iff every cell is; then, joined with line breaks,
    a line starts with a trigger iff a cell does. Text that is not printable is checked as before.
    """
    for start in range(0, len(texts), block):
        part = texts[start:start + block]
        joined = "".join(part)
        if not joined.isprintable() and _NEEDS_WORK.search(joined):
            return False
        lines = "\n" + "\n".join(part)
        if any("\n" + trigger in lines for trigger in _LINE_TRIGGERS):
            return False
    return True


def _may_hold_text(series: pd.Series) -> bool:
    """True for object, string and categorical columns (numbers and booleans never hold text)."""
    dtype = series.dtype
    return dtype == object or pd.api.types.is_string_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype)
