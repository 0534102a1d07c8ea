"""What a spreadsheet would run: shared by the cell-safety tests (injection, hostile cells)."""

from __future__ import annotations

from sharedopt.report.tables.cells import FORMULA_TRIGGERS


def is_number(text: str) -> bool:
    """Whether ``text`` reads as a number (``-5``, ``+1e3``): a spreadsheet keeps it a value."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def lines_that_can_run(value) -> list[str]:
    """The lines of a text cell that a spreadsheet would run as a formula ([] for a number or a blank)."""
    if not isinstance(value, str):
        return []
    return [part for part in value.split("\n") if part.startswith(FORMULA_TRIGGERS) and not is_number(part)]
