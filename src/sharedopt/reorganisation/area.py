"""The area to reorganise: its building blocks, their neighbours, populations and spend.

A *block* is a council that goes whole into one new unitary: a district or an existing
unitary. A county is not a block: its services are disaggregated across the successors
that take its districts, by population share (stated as such wherever it is used).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import geopandas as gpd
import networkx as nx
import pandas as pd

from sharedopt.common.errors import ConfigError
from sharedopt.common.suggest import did_you_mean
from sharedopt.data.authorities import authority_table, load_authorities, resolve_region
from sharedopt.data.costs import load_costs
from sharedopt.data.graph import neighbour_graph

BLOCK_TIERS = ("district", "unitary")


@dataclass(frozen=True)
class Area:
    """The councils of a reorganisation area.

    Attributes
    ----------
    blocks : list of str
        GSS codes of districts and unitaries, sorted.
    names : dict
        Code -> name for blocks and counties.
    population : dict
        Code -> residents (ONS mid-2022) for blocks and counties.
    tier : dict
        Code -> ``"district"``, ``"unitary"`` or ``"county"``.
    county_of : dict
        District code -> its county's code.
    counties : list of str
        County codes in the area.
    graph : networkx.Graph
        Neighbour graph over the blocks (land borders and configured links).
    spend : pandas.DataFrame
        Net expenditure (£k) by council (rows) and service (columns).
    year : str
        Financial year of ``spend``.
    geometry : geopandas.GeoSeries
        Boundaries of the blocks, for maps.
    """

    blocks: list[str]
    names: dict[str, str]
    population: dict[str, float]
    tier: dict[str, str]
    county_of: dict[str, str]
    counties: list[str]
    graph: nx.Graph
    spend: pd.DataFrame
    year: str
    geometry: gpd.GeoSeries | None = field(default=None, compare=False)

    @cached_property
    def spend_of(self) -> dict[str, dict[str, float]]:
        """Council -> service -> net expenditure (£k), as plain dicts for fast lookups."""
        return {code: {k: float(v) for k, v in row.items()} for code, row in self.spend.to_dict("index").items()}

    def county_share(self, district: str) -> float:
        """The district's share of its county's residents (0 for a unitary)."""
        county = self.county_of.get(district)
        return 0.0 if county is None else self.population[district] / self.population[county]

    def code_of(self, text: str, where: str) -> str:
        """The block code for a member given as a code or a name; a clear error otherwise."""
        text = str(text).strip()
        if text in self.blocks:
            return text
        by_name = {name.lower(): code for code, name in self.names.items() if code in self.blocks}
        if text.lower() in by_name:
            return by_name[text.lower()]
        if text in self.counties or text.lower() in {self.names[c].lower() for c in self.counties}:
            raise ConfigError(f"{where}: '{text}' is a county; list its districts, whose unitaries "
                              "share its services by population")
        known = {code: self.names[code] for code in self.blocks}
        raise ConfigError(f"{where}: '{text}' is not a council of this area{did_you_mean(text, list(known.values()))}; "
                          f"the area's councils are {', '.join(sorted(known.values()))}")


def _codes(selection, extra: list[str], where: str) -> list[str]:
    table = authority_table()
    codes = set(resolve_region(selection))
    by_name = {str(name).lower(): code for code, name in table["name"].items()}
    for item in extra:
        code = item if item in table.index else by_name.get(str(item).lower())
        if code is None:
            raise ConfigError(f"{where}: unknown council '{item}'{did_you_mean(item, list(by_name))}; "
                              "give a GSS code or a council name")
        if table.at[code, "tier"] in ("county", "district"):
            raise ConfigError(f"{where}: '{item}' is a {table.at[code, 'tier']}, not a unitary; a county area "
                              "comes from [region] (its name gives the county and its districts)")
        codes.add(code)
    return sorted(codes)


def load_area(selection, unitaries: list[str], links: list[dict], *, where: str = "[reorganisation]",
              detail: str = "analysis") -> Area:
    """Load the councils of a reorganisation area.

    Parameters
    ----------
    selection : str or list of str
        The ``[region]`` selection (a county name gives the county and its districts).
    unitaries : list of str
        Neighbouring unitaries that join (codes or names).
    links : list of dict
        ``{a, b, reason}`` links that are not land borders.
    where : str
        Config location for messages.
    detail : {"analysis", "map"}
        Boundary detail.

    Returns
    -------
    Area
    """
    codes = _codes(selection, unitaries, f"{where} unitaries")
    gdf = load_authorities(codes, detail=detail)
    tiers = gdf["tier"].map(lambda t: "unitary" if t not in ("county", "district") else t)
    blocks = sorted(gdf.index[tiers.isin(BLOCK_TIERS)])
    counties = sorted(gdf.index[tiers == "county"])
    county_of = {c: gdf.at[c, "parent_county"] for c in blocks
                 if gdf.at[c, "parent_county"] in counties}
    graph = neighbour_graph(gdf.loc[blocks], links=links)
    costs = load_costs(codes)
    year = str(costs["year"].max())
    spend = (costs[costs["year"] == year]
             .pivot_table(index="authority", columns="service", values="net_expenditure_gbp_k", aggfunc="sum")
             .reindex(codes).fillna(0.0))
    return Area(blocks=blocks, names=dict(gdf["name"]), population=dict(gdf["population"].astype(float)),
                tier=dict(tiers), county_of=county_of, counties=counties, graph=graph, spend=spend,
                year=year, geometry=gdf.geometry.loc[blocks])
