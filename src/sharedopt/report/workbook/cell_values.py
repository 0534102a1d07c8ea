"""One Python value as one workbook cell: finite number, bool, quoted text within Excel's limit, or None."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


from sharedopt.report.tables import neutralise_text
from sharedopt.report.workbook.sheets import EXCEL_MAX_CHARS
from sharedopt.common.jsonsafe import json_safe, json_scalar

__all__ = ["CUT_MARK", "cell_value", "cell_text"]

CUT_MARK = " [cut at Excel's cell limit: full text in the CSV]"


def cell_value(value: Any) -> Any:
    """One value for a cell: finite number, bool, text (quoted, within the cell limit) or None."""
    if isinstance(value, (Mapping, list, tuple, set, frozenset)):
        return cell_text(json.dumps(json_safe(value), sort_keys=True))
    plain = json_scalar(value)
    return cell_text(plain) if isinstance(plain, str) else plain


def cell_text(value: str) -> str:
    """Text quoted against formula injection and cut to Excel's cell limit (saying so)."""
    value = neutralise_text(value)
    if len(value) > EXCEL_MAX_CHARS:
        value = value[: EXCEL_MAX_CHARS - len(CUT_MARK)] + CUT_MARK
    return value
