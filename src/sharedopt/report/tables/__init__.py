"""Tabular outputs (CSV and JSON) and the spreadsheet-injection guard every table writer uses."""

from __future__ import annotations

from sharedopt.report.tables.cells import FORMULA_TRIGGERS, neutralise_frame, neutralise_text
from sharedopt.report.tables.files import MONEY_SUFFIX, write_csv, write_json

__all__ = ["FORMULA_TRIGGERS", "MONEY_SUFFIX", "neutralise_frame", "neutralise_text", "write_csv", "write_json"]
