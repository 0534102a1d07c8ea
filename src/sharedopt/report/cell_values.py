"""One Python value as one workbook cell: finite number, bool, quoted text within Excel's limit, or None."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .cells import neutralise_text
from .sheets import EXCEL_MAX_CHARS
from .tables import json_safe

__all__ = ["CUT_MARK", "cell_value", "cell_text"]

CUT_MARK = " [cut at Excel's cell limit: full text in the CSV]"


def cell_value(value: Any) -> Any:
    """One value for a cell: finite number, bool, text (quoted, within the cell limit) or None."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, (Mapping, list, tuple, set, frozenset)):
        return cell_text(json.dumps(json_safe(value), sort_keys=True))
    if _is_missing(value):
        return None
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    return cell_text(str(value))


def cell_text(value: str) -> str:
    """Text quoted against formula injection and cut to Excel's cell limit (saying so)."""
    value = neutralise_text(value)
    if len(value) > EXCEL_MAX_CHARS:
        value = value[: EXCEL_MAX_CHARS - len(CUT_MARK)] + CUT_MARK
    return value


def _is_missing(value: Any) -> bool:
    """True for pandas/numpy missing scalars (NA, NaT, nan)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
