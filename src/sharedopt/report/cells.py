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
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["FORMULA_TRIGGERS", "neutralise_frame", "neutralise_text"]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
_TRIGGER_SET = frozenset(FORMULA_TRIGGERS)


def neutralise_text(value: Any) -> Any:
    """Return ``value`` with a leading ``'`` if it is text a spreadsheet could run.

    Parameters
    ----------
    value : Any
        A cell value.

    Returns
    -------
    Any
        ``"'" + value`` for a ``str`` starting with one of
        :data:`FORMULA_TRIGGERS`; every other value unchanged.

    Examples
    --------
    >>> neutralise_text('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise_text(-5.0)
    -5.0
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return _QUOTE + value
    return value


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
        risky = [isinstance(v, str) and v[:1] in _TRIGGER_SET for v in values]
        if any(risky):
            out = frame.copy() if out is frame else out
            quoted = [_QUOTE + v if r else v for v, r in zip(values, risky)]
            out.isetitem(position, pd.Series(quoted, index=frame.index, dtype=object))
    names = [neutralise_text(c) for c in frame.columns]
    if names != list(frame.columns):
        out = frame.copy() if out is frame else out
        out.columns = names
    return out


def _may_hold_text(series: pd.Series) -> bool:
    """True for object, string and categorical columns (numbers and booleans never hold text)."""
    dtype = series.dtype
    return dtype == object or pd.api.types.is_string_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype)
