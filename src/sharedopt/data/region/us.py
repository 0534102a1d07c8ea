"""US counties (:mod:`sharedopt.data.us`): SYNTHETIC costs unless the user gives a costs CSV."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from sharedopt.data.costs import finish_costs, normalise_year
from sharedopt.data.region.selection import Selection
from sharedopt.data.us import (
    COUNTIES_SOURCE, US_POPULATION, load_us_counties, read_us_cost_csv, us_county_graph, us_service_graphs,
)
from sharedopt.data.us_costs import SYNTHETIC_YEAR, synthetic_source, synthetic_us_costs
from sharedopt.data.us_regions import PREFIX, resolve_us_region
from sharedopt.data.validate import DataQuality, check_code_sets

SYNTHETIC_FILE = "synthetic_us_costs"


class UsCountyRegion:
    """``us-counties`` or ``us-state-NN`` (:class:`RegionSource`); no real arrangements on record."""

    arrangements_on_record = False

    def authorities(self, selection: Selection, quality: DataQuality) -> pd.DataFrame:
        """The counties of the selected states (centroids, no boundaries)."""
        return load_us_counties(resolve_us_region(selection.region), quality=quality)

    def costs(self, selection: Selection, authorities: pd.DataFrame, quality: DataQuality) -> pd.DataFrame:
        """The user's costs CSV restricted to the region, else SYNTHETIC costs (recorded as such)."""
        year = normalise_year(selection.year)
        if selection.costs_csv is not None:
            file = str(selection.costs_csv)
            costs = _user_costs(selection, authorities, year, quality)
        else:
            file = SYNTHETIC_FILE
            costs = synthetic_us_costs(authorities, seed=selection.synthetic_seed, year=year)
            quality.add(file=file, code=f"{PREFIX}*", field="net_expenditure_gbp_k",
                        issue="no US spending data: every cost is SYNTHETIC",
                        action="SYNTHETIC: population x median English unitary per-head spend x noise x scale effect")
        return finish_costs(costs, file, selection.include_non_council, quality)

    def graphs(self, selection: Selection, authorities: pd.DataFrame,
               costs: pd.DataFrame) -> dict[str, nx.Graph]:
        """Per-service graphs from the dual-graph adjacency (and the links)."""
        graph = us_county_graph(authorities, list(selection.links))
        return us_service_graphs(graph, costs, selection.graph_services(costs))

    def sources(self, selection: Selection, authorities: pd.DataFrame, costs: pd.DataFrame) -> list[dict]:
        """County graphs, census population and the spend (user file or SYNTHETIC), in this order."""
        out = [dict(COUNTIES_SOURCE), dict(US_POPULATION)]
        if selection.costs_csv is not None:
            years = ", ".join(sorted(costs["year"].astype(str).unique()))
            out.append(dict(name="Service spend", source=f"user file {selection.costs_csv.name}",
                            vintage=years, licence="user supplied", estimated=bool(costs["estimated"].any())))
        else:
            year = str(costs["year"].iloc[0]) if len(costs) else SYNTHETIC_YEAR
            out.append(synthetic_source(selection.synthetic_seed, year))
        return out


def _user_costs(selection: Selection, authorities: pd.DataFrame, year: str, quality: DataQuality) -> pd.DataFrame:
    """The user's US costs CSV: rows of counties outside the region dropped (recorded), the rest complete."""
    file = str(selection.costs_csv)
    codes = set(authorities.index)
    costs = read_us_cost_csv(selection.costs_csv, year)
    outside = ~costs["authority"].isin(codes)
    for code in sorted(costs.loc[outside, "authority"].unique()):
        quality.add(file=file, code=code, field="authority", issue="county outside the selected region",
                    action="rows ignored for this run")
    costs = costs[~outside]
    check_code_sets(set(costs["authority"]), codes, file, quality, strict=True)
    return costs
