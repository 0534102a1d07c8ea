"""Which data sources a run used, with vintage, licence and whether they are estimates."""

from __future__ import annotations

import pandas as pd

from sharedopt.data.detail import detail_sources
from sharedopt.data.region.selection import Selection

ATTRIBUTION = ("Source: Office for National Statistics licensed under the Open Government Licence "
               "v.3.0. Contains OS data © Crown copyright and database right 2024. Contains "
               "MHCLG and StatsWales data (OGL v3.0) and mySociety data (CC BY 4.0).")

BOUNDARIES = dict(name="Boundaries", source="ONS Local Authority Districts and Counties & Unitary "
                  "Authorities, ultra generalised (500 m)", vintage="December 2024",
                  licence="OGL v3.0", estimated=False)
POPULATION = dict(name="Population", source="ONS mid-year population estimates",
                  vintage="mid-2022", licence="OGL v3.0", estimated=False)
REGISTER = dict(name="Council register", source="mySociety UK local authorities register (tiers, "
                "parent counties, regions)", vintage="current", licence="CC BY 4.0 (mySociety)",
                estimated=False)
ENGLAND = dict(name="England service spend", source="MHCLG revenue outturn, net current "
               "expenditure by service", licence="OGL v3.0", estimated=False)
WALES = dict(name="Wales service spend (ESTIMATE)", source="ESTIMATED: English unitary median spend per "
             "head in the run's year (MHCLG outturn) x each Welsh council's relative need from StatsWales net "
             "current expenditure (mean 2002-03..2021-22, used only as ratios); education and children's "
             "services from the council's own StatsWales shares; no Public Health line (an NHS service in "
             "Wales); see data/README.md", licence="OGL v3.0", estimated=True)


def sources_for(authorities: pd.DataFrame, costs: pd.DataFrame, selection: Selection) -> list[dict]:
    """Data sources behind a run of an English or Welsh region, in a fixed order."""
    out = []
    if selection.boundary_file is not None:
        out.append(dict(name="Boundaries", source=f"user file {selection.boundary_file.name}",
                        vintage="user supplied", licence="user supplied", estimated=False))
    else:
        out += [dict(BOUNDARIES), dict(POPULATION), dict(REGISTER)]
    years = ", ".join(sorted(costs["year"].astype(str).unique()))
    if selection.costs_csv is not None:
        out.append(dict(name="Service spend", source=f"user file {selection.costs_csv.name}",
                        vintage=years, licence="user supplied",
                        estimated=bool(costs["estimated"].any())))
    else:
        if costs["authority"].str.startswith("E").any():
            out.append({**ENGLAND, "vintage": years})
        if costs["authority"].str.startswith("W").any():
            out.append({**WALES, "vintage": f"{years} (estimate)"})
        if selection.service_detail == "fine":
            out += detail_sources(years)
    carried = carried_forward_source(authorities, costs)
    return out + ([carried] if carried else [])


def carried_forward_source(authorities: pd.DataFrame, costs: pd.DataFrame) -> dict | None:
    """A sources entry (``estimated=True``) naming the councils whose spend is carried forward."""
    if "provenance" not in costs.columns:
        return None
    rows = costs[costs["provenance"].astype(str).str.startswith("carried forward")]
    if rows.empty:
        return None
    names = authorities["name"] if "name" in authorities else pd.Series(dtype=str)
    pairs = rows[["authority", "provenance"]].drop_duplicates().sort_values("authority")
    listed = "; ".join(f"{names.get(code, code)} ({code}): {label}" for code, label in
                       zip(pairs["authority"], pairs["provenance"]))
    year = ", ".join(sorted(rows["year"].astype(str).unique()))
    count = f"{len(pairs)} council" + ("s" if len(pairs) != 1 else "")
    return dict(name=f"Service spend carried forward (ESTIMATE, {count})",
                source=f"ESTIMATED: no {year} outturn return, latest return uprated by each service's "
                       f"growth across councils that reported both years: {listed}",
                vintage=year, licence="OGL v3.0", estimated=True)


def estimate_notes(sources: list[dict]) -> list[str]:
    """Plain-language list of the inputs that are estimates."""
    notes = [f"{s['name']}: {s['source']}" for s in sources if s["estimated"]]
    notes.append("All modelling parameters (asset intensity, scale elasticities, minimum efficient "
                 "scale, cost rates, realisation) are stated assumptions, not data: see assumptions.")
    return notes
