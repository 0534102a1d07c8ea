"""National check: a single unitary for every two-tier county area, beside CCN/PwC's figures.

Each of the 21 county areas in the data becomes one unitary of its districts (no neighbouring
unitary joins); then the most unitaries of at least 300k and of at least 500k each area's
districts can form, best structure proven optimal. Writes ``benchmarks/results/reorganisation_national.md``.

Usage: python benchmarks/reorganisation_national.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sharedopt.config.schema import config_from_dict
from sharedopt.data.authorities import authority_table, slug
from sharedopt.reorganisation.appraise import Structure, appraise, group_npv, unitary_name
from sharedopt.reorganisation.checks import achievable_counts
from sharedopt.reorganisation.groups import candidate_groups
from sharedopt.reorganisation.optimise import solve_partition
from sharedopt.reorganisation.run import prepare
from sharedopt.solve.status import Status

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "reorganisation_national.md"


def single(name: str) -> dict:
    config = config_from_dict({"region": {"name": slug(name)}, "reorganisation": {"population_min": 0}})
    area, _, params, bounds, exempt = prepare(config)
    a = appraise(area, Structure("single", "proposal", [list(area.blocks)], [name]), params, bounds, exempt)
    t = a.terms.set_index("term")
    return dict(county=name, councils=len(area.blocks) + 1, savings=t["annual_gbp_k"].iloc[:4].sum(),
                one_off=-t.at["one_off", "one_off_gbp_k"], five_year=a.five_year,
                npv=a.npv, low=a.npv_low, high=a.npv_high)


def most_unitaries(name: str, minimum: float) -> dict:
    """The most unitaries of at least ``minimum`` residents the area's districts can form, best such structure."""
    config = config_from_dict({"region": {"name": slug(name)}, "reorganisation": {"population_min": 0}})
    area, _, params, bounds, exempt = prepare(config)
    groups = candidate_groups(area.graph, area.blocks, area.population, minimum, float("inf"))
    counts = achievable_counts(groups.masks, len(area.blocks))
    if not counts:  # the whole area is below the threshold: one unitary
        groups = candidate_groups(area.graph, area.blocks, area.population, 0, float("inf"))
        counts = {1}
    k = max(counts)
    value = [group_npv(area, groups.members(i), params) for i in range(len(groups))]
    part = solve_partition(groups, value, k, threads=2)
    assert part.status == Status.OPTIMAL, (name, minimum, part.status)
    units = [groups.members(j) for j in part.chosen]
    a = appraise(area, Structure(f">= {minimum:,.0f}", "best", units, [unitary_name(area, u) for u in units]),
                 params, bounds, exempt)
    t = a.terms.set_index("term")
    return dict(county=name, k=k, five_year=a.five_year, npv=a.npv, one_off=-float(t.at["one_off", "one_off_gbp_k"]),
                savings=float(t["annual_gbp_k"].iloc[:4].sum()), disaggregation=-float(t.at["disaggregation", "annual_gbp_k"]))


def sized(counties: list[str]) -> list[str]:
    """Markdown rows: the most unitaries of at least 300k and of at least 500k, per area and in total."""
    lines = ["", "## The most unitaries of at least 300k, and of at least 500k", "",
             "Per county area (its districts only), the largest number of connected unitaries each of at least "
             "the threshold, and the best such structure (proven optimal). An area below the threshold stays one "
             "unitary.", "",
             "| threshold | unitaries | savings a year £m | disaggregation a year £m | one-off £m | five-year net £m "
             "| NPV (10 y) £m | CCN/PwC 2025 (`ccn-pwc-2025`) |",
             "|---|---|---|---|---|---|---|---|"]
    ccn = {300_000: "58 unitaries of about 300k: cost £850m over five years",
           500_000: "29 unitaries above 500k: save £1.8bn over five years"}
    for minimum in (300_000, 500_000):
        rows = pd.DataFrame([most_unitaries(n, minimum) for n in counties])
        lines.append(f"| {minimum:,} | {rows['k'].sum()} | {rows['savings'].sum() / 1000:.0f} | "
                     f"{rows['disaggregation'].sum() / 1000:.0f} | {rows['one_off'].sum() / 1000:.0f} | "
                     f"{rows['five_year'].sum() / 1000:.0f} | {rows['npv'].sum() / 1000:.0f} | {ccn[minimum]} |")
    return lines


def main() -> None:
    table = authority_table()
    counties = sorted(table.loc[table["tier"] == "county", "name"])
    rows = pd.DataFrame([single(n) for n in counties])
    total = rows[["savings", "one_off", "five_year", "npv", "low", "high"]].sum()
    lines = ["# National check: single county unitaries", "",
             "Every county area in the data (21; Cumbria, North Yorkshire and Somerset are already unitary) "
             "as one unitary of its districts, default parameters (`sharedopt.config.assumptions.reorganisation`). "
             "£m.", "",
             "| county | councils | savings a year (after realisation) | one-off | five-year net | NPV (10 y) | NPV range |",
             "|---|---|---|---|---|---|---|"]
    for r in rows.itertuples():
        lines.append(f"| {r.county} | {r.councils} | {r.savings / 1000:.1f} | {r.one_off / 1000:.1f} | "
                     f"{r.five_year / 1000:.1f} | {r.npv / 1000:.1f} | {r.low / 1000:.1f} to {r.high / 1000:.1f} |")
    lines.append(f"| **total** | {rows['councils'].sum()} | {total['savings'] / 1000:.0f} | {total['one_off'] / 1000:.0f} | "
                 f"{total['five_year'] / 1000:.0f} | {total['npv'] / 1000:.0f} | {total['low'] / 1000:.0f} to "
                 f"{total['high'] / 1000:.0f} |")
    lines += ["", "## Beside CCN/PwC", "",
              "| | this model (21 areas) | CCN/PwC 2020 (25 areas then two-tier, `ccn-pwc-2020`) |", "|---|---|---|",
              f"| one-off | £{total['one_off'] / 1000:.0f}m | about £400m |",
              f"| net recurring a year | £{total['savings'] / 1000:.0f}m | about £700m |",
              f"| five-year net | £{total['five_year'] / 1000:.0f}m | £2.9bn |", "",
              *sized(counties), "",
              "Differences, term by term:", "",
              "- **Savings against disaggregation.** Here the sized structures' central-services savings (table "
              "above) are far below their disaggregation costs; CCN/PwC's 500k structures still save because "
              "their aggregation savings are several times larger (about £700m a year for single unitaries in "
              "2020, against £177m here) while their disaggregation is of the same order.",
              "- **Scope of savings.** This model saves only on central services (senior management, "
              "democratic, back office, property: the councils' `Central_Services` outturn, about £5m a district "
              "and £21m a county in 2023-24); PwC's percentages also apply to service spend (the 'efficiency of "
              "spend through scale' chosen-path-2025 questions). Frontline scale economies are not modelled "
              "here: the Danish mergers show no net expenditure effect (`blom-hansen-2016`).",
              "- **Realisation.** Savings here are halved (realisation 0.5, range 0-1); PwC assume full delivery.",
              "- **Areas.** 21 areas now against 25 in 2020, and 2023-24 spend; neighbouring unitaries "
              "(which CCN/PwC 2025 fold into the new structures) are left out here.",
              "- **Disaggregation.** The sized structures split counties: each extra successor costs 2% of the "
              "county's net spend on the split services a year (set from CCN/PwC 2020's own aggregate), which "
              "is what turns the sized structures negative here as in CCN/PwC 2025.",
              "- **One-off.** Per new unitary £7m + £2.4m per predecessor, calibrated on three reported "
              "transitions; PwC's costs of change are their own estimate.",
              "- Not tuned to CCN/PwC: only the disaggregation rate (zero for single unitaries) is set from "
              "their aggregate."]
    OUT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
