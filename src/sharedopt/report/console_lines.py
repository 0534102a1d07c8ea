"""What the console says about a run's result: the headline, the band, the unknowns, the times.

Each function returns lines as tuples of parts for :func:`sharedopt.common.literal.line`
(a part is text or ``(text, style)``); the command line prints them literally.
"""

from __future__ import annotations

from sharedopt.candidates.table import ANNUAL_NET_SAVING, NPV, ONE_OFF_COST
from sharedopt.common.gaps import format_gap
from sharedopt.solve.status import describe_status
from sharedopt.results.run_summary import RunSummary

__all__ = ["headline_lines", "spread_lines", "timing_line"]


def headline_lines(s: RunSummary, name: str, mip_gap: float) -> list[tuple]:
    """The run's headline, its estimated inputs and its alternatives."""
    t = s.totals
    quality = describe_status(s.solve.status, s.solve.gap, mip_gap)
    lines = [((name, "bold"), f": {t['n_partnerships']} partnership{'' if t['n_partnerships'] == 1 else 's'}, annual net saving "
              f"£{t[ANNUAL_NET_SAVING]:,.0f}k, NPV £{t[NPV]:,.0f}k, one-off cost £{t[ONE_OFF_COST]:,.0f}k; {quality}.")]
    if s.estimated:
        lines.append((("Uses ESTIMATED inputs: ", "yellow"), "; ".join(s.estimates[:1])))
    if s.alternatives:
        a = s.alternatives
        lines.append((f"{a['alternatives']} alternative portfolio(s) within {format_gap(a['alternatives_gap'])} of "
                      f"{a['within_gap_of']}: the most different replaces {a['partnerships_replaced_by_most_different']} "
                      f"of the {a['partnerships_in_best']} chosen partnerships (alternatives.csv).",))
    return lines


def spread_lines(s: RunSummary) -> list[tuple]:
    """The Monte Carlo's P10/P50/P90 of the NPV, the robust core and the three widest unknowns."""
    lines = []
    if spread := s.uncertainty:
        q = spread[NPV]
        lines.append((f"Monte Carlo, {spread['draws']} draws: NPV P10 £{q['p10']:,.0f}k, "
                      f"P50 £{q['p50']:,.0f}k, P90 £{q['p90']:,.0f}k.",))
    if robust := s.robustness:
        lines.append((f"Robust core: {robust['n_robust']} partnership(s) in the best portfolio of at least "
                      f"{robust['robust_share']:.0%} of draws (NPV £{robust['robust_npv_gbp_k']:,.0f}k); "
                      f"{robust['n_contingent']} contingent.",))
    if levers := (s.tornado or {}).get("levers", [])[:3]:
        lines.append(("Widest unknowns: ", "; ".join(f"{lv['label']} ({lv['basis']}) £{lv['npv_at_low_gbp_k']:,.0f}k "
                                                     f"to £{lv['npv_at_high_gbp_k']:,.0f}k" for lv in levers), "."))
    return lines


def timing_line(timings: dict) -> str:
    """The run's wall-clock times in one line (they are in no output file).

    Parameters
    ----------
    timings : dict
        :attr:`sharedopt.pipeline.result.Result.timings`.

    Returns
    -------
    str
        E.g. ``"Times: solve 12.3 s (of a 60 s budget, 12.9 s spent), build 0.1 s, ranking 0.6 s."``
    """
    budget = timings.get("time_budget") or {}
    of = ""
    if budget.get("budget_seconds") is not None:
        of = f" (of a {budget['budget_seconds']:g} s budget, {budget['spent_seconds']:.1f} s spent)"
    phases = timings.get("seconds_by_phase", {})
    after = "".join(f", {label} {phases[key]:.1f} s" for key, label in
                    (("ranking_re_solves", "ranking"), ("alternatives", "alternatives")) if key in phases)
    return (f"Times: solve {timings.get('solve_seconds', 0.0):.1f} s{of}, "
            f"build {timings.get('build_seconds', 0.0):.1f} s{after}.")


