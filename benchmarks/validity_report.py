"""The validity benchmark's result as Markdown."""

from __future__ import annotations

import json

from validity_checks import LGA
from validity_measures import MIN_ACHIEVED, fmt as _fmt


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def _interval(ci, scale: float = 1.0, digits: int = 0) -> str:
    if not ci:
        return "-"
    return f"{ci[0] * scale:.{digits}f}-{ci[1] * scale:.{digits}f}"


def _yes(flag) -> str:
    return "n/a (not scored)" if flag is None else ("met" if flag else "NOT met")


def _head(res: dict) -> list[str]:
    m = res["measures"]
    a, s = m["sign_test"]["all"], m["sign_test"]["in_candidate_space"]
    med, above = m["revealed_choice"]["median_percentile"], m["revealed_choice"]["above_50"]
    cal = m["calibration"]
    t = m["targets"]
    return [
        f"# Validity benchmark ({res['config']}, commit {res['commit']}, status quo off)", "",
        f"Model: {res.get('model_label', 'the savings model at commit ' + res['commit'])}. Depths offered: "
        f"{', '.join(res['depths'])} (each arrangement at its best).", "",
        *([f"Settings changed from the config: `{json.dumps(res['model_updates'], sort_keys=True)}`.", ""]
          if res.get("model_updates") else []),
        "Each real arrangement is valued by `sharedopt appraise`, the candidate table's own code, never pruned. "
        "No parameter is set from these arrangements; the prior-collaboration uplift is "
        + ("kept." if res["prior_collaboration_uplift_kept"] else "0 (it would lift every one of them)."), "",
        "| measure | value | 95% CI | target |", "|---|---|---|---|",
        f"| (a) share with NPV > 0, all {a['n']} | {a['k']} / {a['n']} = {_pct(a['share'])} | "
        f"{_interval(a['clopper_pearson'], 100)}% (Clopper-Pearson); {_interval(a['wilson'], 100)}% (Wilson) | "
        f">= 75%: {_yes(t['sign_test_share_at_least_0_75'])} |",
        f"| (a) share with NPV > 0, in the candidate space | {s['k']} / {s['n']} = {_pct(s['share'])} | "
        f"{_interval(s['clopper_pearson'], 100)}% (Clopper-Pearson) | - |",
        f"| (a) positive annual net saving (before the one-off cost) | "
        f"{m['sign_test']['n_positive_annual_net_saving']} / {a['n']} | - | - |",
        f"| (b) median revealed-choice percentile ({med['n']} scored) | {_fmt(med['median'], 1)} | "
        f"{_interval(med['ci'], 1, 1)} (order statistics) | > 50 |",
        f"| (b) share above 50 ({above['n_above']} above, {above['n_below']} below, {above['n_ties']} ties) | "
        f"{_pct(above['share'])} | {_interval(above['clopper_pearson'], 100)}% | p (one-sided sign test) = "
        f"{_fmt(above['p_value'], 3)}; with the median: {_yes(t['revealed_median_above_50_and_share_above_half_p_below_0_05'])} |",
        f"| (c) modelled / reported, achieved basis ({cal['achieved']['n']}) | {_fmt(cal['achieved']['median'], 2)} | "
        f"{_interval(cal['achieved']['ci'], 1, 2)} | 0.67-1.5 if >= {MIN_ACHIEVED}: {_yes(t['achieved_calibration_within_0_67_1_5'])} |",
        f"| (c) modelled / reported, target or projection ({cal['target']['n']}) | {_fmt(cal['target']['median'], 2)} | "
        f"{_interval(cal['target']['ci'], 1, 2)} | reported only |",
    ]


def _rows(res: dict) -> list[str]:
    lines = ["", "## Real arrangements", "",
             "| arrangement | service | n | NPV £k | general-fund NPV £k | annual net £k | reported £k | basis "
             "| mode | in the candidate space? | reference groups | percentile |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for a in res["arrangements"]:
        pct = _fmt(a["percentile"], 1) if a["percentile"] is not None else f"not scored: {a['why_not_scored']}"
        lines.append(
            f"| {a['arrangement']} | {a['model_service']} | {a['n_members']} | {_fmt(a['npv_gbp_k'], 0)} | "
            f"{_fmt(a['general_fund_npv_gbp_k'], 0)} | {_fmt(a['modelled_annual_net_saving_gbp_k'], 0)} | "
            f"{_fmt(a['reported_annual_saving_gbp_k'], 0)} | {a['reported_saving_basis'] or '-'} | "
            f"{a['partnership_mode']} | {a['why_not_in_space'] or 'yes'} | "
            f"{'-' if a['n_reference'] is None else format(int(a['n_reference']), ',')} | {pct} |")
    return lines


def _extras(res: dict) -> list[str]:
    extra = res.get("extras")
    if not extra:
        return []
    g, lga = extra["greedy_portfolio"], extra["lga"]
    return ["", "## Extra checks (--extras)", "",
            f"Greedy portfolio over the config's candidates (a lower bound on the optimum): {g['n_partnerships']} "
            f"partnerships, £{g['annual_net_saving_gbp_k']:,.0f}k a year, NPV £{g['npv_gbp_k']:,.0f}k.", "",
            lga["explanation"], "", f"Source: {LGA['source']}.", "",
            f"City of London in positive Culture candidates: "
            f"{_fmt(extra['city_of_london_culture']['share_with_city_of_london'], 3)}."]


NOTES = [
    "(a) counts arrangement x model service rows; NPV over the model's horizon at its discount rate, after "
    "the one-off cost. Clopper-Pearson is exact (conservative); Wilson is the usual score interval.",
    "(b) reference set: every connected group (in the service's neighbour graph; whole-organisation groups in "
    "theirs) with as many members, the same tier classes and at least one of the real group's members, valued "
    "by the same code, loss-making ones included, at its best offered depth; the real group itself left out. "
    "Percentile = share of the reference set below the real group's NPV per £ pooled, ties counted half "
    "(100 = better than every alternative). The median's interval is distribution-free (binomial order "
    "statistics); the sign test counts groups above and below 50 (ties dropped). Groups larger than "
    "--max-size are not scored (their reference sets are too large to list).",
    "(c) modelled = the group's full-year net saving (after realisation and recurring costs, before the "
    "one-off cost); reported = the published annual figure in the data file. Achieved = reported as achieved; "
    "target = targets, expectations, projections and proposals (what a business case promised, not what was "
    "banked).",
    "Cross-sectional checks on a small, non-random list of arrangements: they say where the model puts value, "
    "not what sharing causes.",
]


def to_markdown(res: dict) -> str:
    """The benchmark's result as Markdown: the measures table, the arrangements, the extras, the notes."""
    lines = _head(res) + _rows(res) + _extras(res)
    lines += ["", "## Notes", ""] + [f"- {n}" for n in NOTES]
    return "\n".join(lines) + "\n"
