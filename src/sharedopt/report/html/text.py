"""Plain-language text for the HTML report: money, numbers, years, free-form values, solver status.

Missing or non-numeric figures show as an em dash; negative ones with a true
minus sign.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

from sharedopt.common.gaps import PROVEN_GAP, format_gap
from sharedopt.common.literal import clean
from sharedopt.solve.status import Status
from sharedopt.results.run_summary import SolveReport

__all__ = [
    "escape_visible",
    "DASH",
    "finite_number",
    "format_money",
    "format_number",
    "format_plain",
    "format_years",
    "relative_gap",
    "solver_status",
]

DASH = "\u2014"
_MINUS = "\u2212"


# --------------------------------------------------------------------------- formatting


def escape_visible(text: Any) -> str:
    """Text for HTML built outside the template: escaped, its control and bidi-override characters as escapes."""
    return html.escape(clean(str(text)))


def format_money(value: Any, digits: int = 0) -> str:
    """Format £ thousand figures, e.g. ``1234.5 -> '£1,235k'``.

    Parameters
    ----------
    value : Any
        Number in £ thousand; missing/non-numeric gives an em dash.
    digits : int, default 0
        Decimal places.

    Returns
    -------
    str
        Text such as ``'£1,235k'`` or ``'−£35k'``.
    """
    number = finite_number(value)
    if number is None:
        return DASH
    sign = _MINUS if number < 0 else ""
    return f"{sign}£{abs(number):,.{digits}f}k"


def format_number(value: Any, digits: int = 0) -> str:
    """Format a plain number with thousands separators (em dash if missing).

    Parameters
    ----------
    value : Any
        Number.
    digits : int, default 0
        Decimal places.

    Returns
    -------
    str
        Formatted text.
    """
    number = finite_number(value)
    if number is None:
        return DASH
    text = f"{abs(number):,.{digits}f}"
    return f"{_MINUS}{text}" if number < 0 else text


def format_years(value: Any) -> str:
    """Payback period, e.g. ``'2.4 yrs'``; infinite gives ``'never'``.

    Parameters
    ----------
    value : Any
        Years.

    Returns
    -------
    str
        Formatted text.
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        return DASH
    if math.isinf(number) and number > 0:
        return "never"
    return DASH if math.isnan(number) else f"{number:.1f} yrs"


def format_plain(value: Any) -> str:
    """Human text for an assumption value or similar free-form cell.

    Parameters
    ----------
    value : Any
        Scalar, list or mapping.

    Returns
    -------
    str
        ``'Yes'``/``'No'`` for booleans, compact numbers, comma-joined lists.
    """
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return DASH if not math.isfinite(value) else f"{value:,.6g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(format_plain(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {format_plain(v)}" for k, v in value.items())
    return DASH if value is None else str(value)


def finite_number(value: Any) -> float | None:
    """A value as a finite float.

    Parameters
    ----------
    value : Any
        Number or numeric text.

    Returns
    -------
    float or None
        The float; None when missing, non-numeric, infinite or NaN.
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


# --------------------------------------------------------------------------- solver status


def solver_status(report: SolveReport) -> dict[str, str]:
    """Plain-language solver status.

    Parameters
    ----------
    report : SolveReport
        The run summary's solver report: ``status`` and ideally ``gap`` (a relative
        fraction, 0.01 = 1%) or ``objective`` and ``best_bound``.

    Returns
    -------
    dict
        ``text`` (the sentence shown), ``level`` ('ok', 'warn' or 'bad')
        and ``raw`` (the status as given). The word 'optimal' is used only
        when the status is 'optimal'.
    """
    raw = str(report.status or "unknown").strip()
    status = raw.lower()
    gap = relative_gap(report)
    if status == Status.OPTIMAL and gap is not None and abs(gap) > PROVEN_GAP:
        text, level = (f"Optimal within the gap tolerance: proven within {format_gap(gap)} of the best "
                       "portfolio possible under the model.", "ok")
    elif status == Status.OPTIMAL:
        text, level = "Optimal: the solver proved no better portfolio exists under the model.", "ok"
    elif status == Status.FEASIBLE:
        where = f"within {_percent(gap)} of the bound" if gap is not None else "distance from the bound unknown"
        text, level = f"Best found, {where} (the solver stopped before proving it is the best).", "warn"
    elif status == Status.INFEASIBLE:
        text, level = "No feasible portfolio: the constraints cannot all be met.", "bad"
    else:
        text, level = f"Solver finished with status '{raw}'; treat the portfolio as unverified.", "bad"
    return {"text": text, "level": level, "raw": raw}


def relative_gap(report: SolveReport) -> float | None:
    """The solver's relative gap to its best bound.

    Parameters
    ----------
    report : SolveReport
        The run summary's solver report: ``gap`` or ``objective`` and ``best_bound``.

    Returns
    -------
    float or None
        ``|gap|`` if given, else ``|bound - objective| / |objective|``;
        None when neither can be read.
    """
    gap = finite_number(report.gap)
    if gap is not None:
        return abs(gap)
    objective, bound = finite_number(report.objective), finite_number(report.best_bound)
    if objective is None or bound is None:
        return None
    return abs(bound - objective) / max(abs(objective), 1e-9)


def _percent(fraction: float) -> str:
    """0.0123 -> '1.23%'."""
    return f"{fraction * 100:.2f}%"
