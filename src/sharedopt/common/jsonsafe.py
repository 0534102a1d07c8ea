"""Plain, strictly JSON-able Python structures from numpy/pandas-laden ones."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["is_missing", "json_safe", "json_scalar"]


def json_safe(value: Any, digits: int | None = None) -> Any:
    """Convert a value into something ``json.dumps`` accepts strictly.

    Parameters
    ----------
    value : Any
        Nested dicts/lists/tuples/sets of scalars, numpy or pandas scalars.
    digits : int, optional
        Round every float to this many decimals (the run summary uses 6); None keeps them.

    Returns
    -------
    Any
        Plain Python structure; NaN, infinity and missing values become
        ``None``; numpy scalars become Python scalars; paths and other
        objects become ``str``; sets become sorted lists.
    """
    if isinstance(value, Mapping):
        return {str(k): json_safe(v, digits) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((json_safe(v, digits) for v in value), key=repr)
    if isinstance(value, (list, tuple, np.ndarray)):
        return [json_safe(v, digits) for v in value]
    return json_scalar(value, digits)


def json_scalar(value: Any, digits: int | None = None) -> Any:
    """Convert one scalar for :func:`json_safe` (floats rounded to ``digits`` when given)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            return None
        return float(value) if digits is None else round(float(value), digits)
    if is_missing(value):
        return None
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    return str(value)


def is_missing(value: Any) -> bool:
    """True for pandas/numpy missing scalars (NA, NaT, nan)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
