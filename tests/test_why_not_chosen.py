"""Each alternative not chosen says why (conflict, capacity, budget) and what forcing it costs;
the constraints that bind are named in words."""

from __future__ import annotations

import re

import pandas as pd

from sharedopt.report.run_result import write_result
from sharedopt.results.why import binding_constraints, why_not_chosen

PORTFOLIO = pd.DataFrame({"candidate_id": ["A|x+y", "B|y+z"], "members": ["x;y", "y;z"],
                          "one_off_cost_gbp_k": [300.0, 500.0]})
NAMES = {"x": "Xton", "y": "Yford", "z": "Zbury", "w": "Wick"}


def _constraints(capacity=None, budget=None):
    out = [{"constraint": "one_partnership_per_slot", "value": True}]
    if capacity is not None:
        out.append({"constraint": "governance_capacity", "value": capacity})
    if budget is not None:
        out.append({"constraint": "budget_total_gbp_k", "value": budget})
    return out


def test_conflict_names_the_chosen_partnership_by_its_number():
    record = {"members": "z;w", "conflicts_with": "B|y+z", "npv_gbp_k": 90.0, "one_off_cost_gbp_k": 10.0,
              "loss_if_forced_gbp_k": 42.5}
    why = why_not_chosen(record, PORTFOLIO, _constraints(), NAMES)
    assert why["reason"].startswith("Conflicts with partnership 2 ")
    assert why["loss_if_forced_gbp_k"] == 42.5


def test_capacity_names_the_council_at_its_limit():
    record = {"members": "y;w", "conflicts_with": "", "npv_gbp_k": 90.0, "one_off_cost_gbp_k": 10.0}
    why = why_not_chosen(record, PORTFOLIO, _constraints(capacity=2), NAMES)
    assert why["reasons"] == ["exceeds the governance capacity of Yford (at most 2 new partnerships per council)"]
    assert why["loss_if_forced_gbp_k"] is None


def test_budget_states_what_is_left():
    record = {"members": "w;x", "conflicts_with": "", "npv_gbp_k": 90.0, "one_off_cost_gbp_k": 250.0}
    why = why_not_chosen(record, PORTFOLIO, _constraints(budget=1000.0), NAMES)
    assert why["reasons"] == ["over the transition budget: its one-off cost £250k is more than the £200k left of £1,000k"]


def test_binding_constraints_in_words():
    candidates = pd.DataFrame({
        "candidate_id": ["A|x+y", "B|y+z", "C|y+w", "D|w+x"], "members": ["x;y", "y;z", "y;w", "w;x"],
        "chosen": [True, True, False, False], "conflicts_with": ["", "", "", ""],
        "npv_gbp_k": [100.0, 80.0, 50.0, 40.0], "one_off_cost_gbp_k": [300.0, 500.0, 10.0, 250.0]})
    words = binding_constraints(candidates, PORTFOLIO, _constraints(capacity=2, budget=1000.0), NAMES)
    assert words == ["Governance capacity binds: Yford is at the limit, which keeps out 1 positive-NPV "
                     "alternative(s).",
                     "The transition budget binds: 1 positive-NPV alternative(s) would take the one-off costs "
                     "over it."]


def test_report_gives_every_alternative_a_reason_and_the_cost_of_forcing(north_east_k3_run, tmp_path):
    write_result(north_east_k3_run, tmp_path / "out", formats={"html"})
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    body = re.search(r'<table id="alternatives">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    assert rows
    reasons = [re.search(r'<td class="why">(.*?)</td>', r, re.S).group(1) for r in rows]
    assert all(reasons) and any(r.startswith("Conflicts with partnership") for r in reasons)
    assert "Cost of forcing it in" in html
    forcing = [re.findall(r'<td class="num">(.*?)</td>', r)[-1] for r in rows]
    assert all(re.fullmatch(r"\u2212?£[\d,]+k|\u2014", f) for f in forcing), forcing  # this run ranks none: dashes
    assert 'id="binding"' in html
