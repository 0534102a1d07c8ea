"""Tabular outputs (CSV and JSON) and the spreadsheet-injection guard every table writer uses."""

from __future__ import annotations

from sharedopt.report.tables.assumptions import (
    LEVER_COLUMNS, assumption_rows, drawn_inputs, headline_levers, public_text,
)
from sharedopt.report.tables.cells import FORMULA_TRIGGERS, neutralise_frame, neutralise_text
from sharedopt.report.tables.labels import region_label
from sharedopt.report.tables.files import MONEY_SUFFIX, write_csv, write_json

__all__ = ["FORMULA_TRIGGERS", "LEVER_COLUMNS", "MONEY_SUFFIX", "assumption_rows", "drawn_inputs", "headline_levers",
           "neutralise_frame",
           "neutralise_text", "public_text", "region_label", "write_csv", "write_json"]
