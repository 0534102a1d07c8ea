"""Table cells and Markdown tables of the benchmark results."""

from __future__ import annotations

import math


def fmt(value, kind: str = "auto") -> str:
    """Format one table cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "pct":
        if abs(value) >= 10:
            return f"{100 * value:.3g}%"
        return f"{100 * value:.3f}%" if abs(value) < 0.1 else f"{100 * value:.1f}%"
    if kind == "s":
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    if kind == "x":
        return f"{value:.1f}x"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.2f}" if abs(value) >= 1 else f"{value:.3g}"
    return str(value)


def markdown_table(columns: list[tuple], rows: list[dict]) -> str:
    """``columns`` are ``(key, header[, kind])``; missing keys show as a dash."""
    head = "| " + " | ".join(c[1] for c in columns) + " |"
    rule = "|" + "|".join("---" if (c[2] if len(c) > 2 else "auto") == "text" else "---:"
                          for c in columns) + "|"
    body = ["| " + " | ".join(fmt(row.get(c[0]), c[2] if len(c) > 2 else "auto")
                              for c in columns) + " |" for row in rows]
    return "\n".join([head, rule, *body])
