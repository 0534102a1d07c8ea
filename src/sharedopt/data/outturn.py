"""The embedded cost tables built by :mod:`sharedopt.data.build`: England's outturn, Wales's estimate."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from sharedopt.data.paths import data_dir
from sharedopt.data.validate import require_file

ENGLAND_FILE = "derived/costs_england.csv"
WALES_FILE = "derived/costs_wales_estimated.csv"


@lru_cache(maxsize=4)
def embedded_table(rel: str) -> pd.DataFrame:
    """The embedded cost table at ``rel`` (relative to the data folder), ``year`` as text.

    Raises
    ------
    sharedopt.common.errors.DataError
        The file is missing (names it and how to build it).
    """
    path = require_file(data_dir() / rel, "embedded cost table")
    return pd.read_csv(path, dtype={"year": str})
