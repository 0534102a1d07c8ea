"""The optimality gap, written one way everywhere (CLI, summary readers, HTML, workbook).

The one owner of how a gap reads: a percentage with two decimals, and "proven optimal"
only at or below :data:`PROVEN_GAP` (the floating-point noise of a bound).
"""

from __future__ import annotations

#: gap at or below which a result is called "proven optimal" (floating-point noise of the bound)
PROVEN_GAP = 1e-6


def format_gap(gap: float) -> str:
    """A relative gap (a fraction, 0.01 = 1%) as a percentage with two decimals, e.g. '0.99%'.

    Parameters
    ----------
    gap : float
        Relative gap between the incumbent and the best bound.

    Returns
    -------
    str
        ``'<0.01%'`` for a positive gap that would round to zero, so an unproven result
        never reads as 0.00%.
    """
    value = abs(float(gap))
    if 0.0 < value < 5e-5 and value > PROVEN_GAP:
        return "<0.01%"
    return f"{value * 100:.2f}%"
