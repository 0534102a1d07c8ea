"""US counties as a region: the large-scale test case, with SYNTHETIC costs.

Geography: Daryl DeFord's dual graphs of the US Census TIGER/Line 2010 counties
(``data/raw/us_counties/countyNN.json``, one file per state FIPS code, 52 files,
3,221 counties including DC and Puerto Rico; US public domain, cite DeFord's dual
graphs). Each file is networkx adjacency-data JSON: one node per county with
``GEOID10``, ``NAME10``, ``NAMELSAD10``, ``TOTPOP`` (2010 census population),
centroid ``C_X``/``C_Y`` (lon/lat), ``ALAND10`` (m²); edges join counties of the
same state that share a boundary. There are no boundaries, only centroids, and no
edges across state lines.

Costs: there is NO US spending data here. :func:`synthetic_us_costs`
(:mod:`sharedopt.data.us_costs`) makes a
SYNTHETIC cost table so the model can run at US scale; it must never be read as
an estimate of what US counties spend. Money stays in £ thousand on purpose, so
the model's parameters (setup and governance costs in £k, minimum efficient scales
in residents) apply unchanged.

Region names (:mod:`sharedopt.data.us_regions`): ``us-counties`` (all 3,221) and
``us-state-NN`` (one state by FIPS code, e.g. ``us-state-10`` for Delaware). Codes are the 5-digit GEOID prefixed
with ``US`` (``US10001``) so they never clash with GSS codes.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
from networkx.readwrite import json_graph

from sharedopt.common.errors import DataError
from sharedopt.data.costs import read_cost_csv
from sharedopt.data.graph import add_links
from sharedopt.data.us_regions import CODE_PATTERN, PREFIX, STATES, US_DIR, state_fips, us_dir
from sharedopt.data.validate import DataQuality, check_population, require_file

NATION = "United States"
TIER = "US county"

COUNTIES_SOURCE = dict(
    name="US counties", source="Daryl DeFord's dual graphs of US Census TIGER/Line 2010 counties "
    "(adjacency within each state, centroids, land area; no boundaries, no links across state lines)",
    vintage="2010", licence="US public domain (cite DeFord's dual graphs)", estimated=False)
US_POPULATION = dict(name="US population", source="US Census 2010 (TOTPOP in DeFord's dual graphs)",
                     vintage="2010", licence="US public domain", estimated=False)


@lru_cache(maxsize=64)
def _state_graph(fips: str) -> nx.Graph:
    """One state's dual graph as stored (nodes are the file's integer ids)."""
    path = require_file(us_dir() / f"county{fips}.json", "US county graph")
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    return json_graph.adjacency_graph(data)


def _code(geoid: object) -> str:
    return PREFIX + str(geoid).zfill(5)


def load_us_counties(states: list[str] | None = None, quality: DataQuality | None = None) -> gpd.GeoDataFrame:
    """US counties as an authorities table.

    Parameters
    ----------
    states : list of str, optional
        State FIPS codes (``"10"`` or ``10``); None loads every state file (3,221 counties).
    quality : DataQuality, optional
        Receives a line per state whose file has no ``C_X``/``C_Y`` centroid (DC,
        Kentucky, Mississippi, Puerto Rico): the Census internal point
        (``INTPTLON10``/``INTPTLAT10``) is used there instead.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``code`` (``"US"`` + 5-digit GEOID): ``name`` ("Kent County, DE"),
        ``nation`` ("United States"), ``region`` (state FIPS), ``tier`` ("US county"),
        ``parent_county`` (None), ``population`` (2010 census), ``centroid_lon``,
        ``centroid_lat``, ``area_km2`` (land), ``centroid_x``/``centroid_y`` (= lon/lat,
        for the map's point fallback) and ``geometry``: Points at the centroids in
        EPSG:4326 (there are no boundaries).
    """
    fips_list = state_fips() if states is None else sorted({str(s).zfill(2) for s in states})
    rows = []
    for fips in fips_list:
        graph = _state_graph(fips)
        abbr = STATES.get(fips, (fips, ""))[0]
        fallback = 0
        for _, attrs in graph.nodes(data=True):
            lon, lat = attrs.get("C_X"), attrs.get("C_Y")
            if lon is None or lat is None:
                lon, lat = float(attrs["INTPTLON10"]), float(attrs["INTPTLAT10"])
                fallback += 1
            label = attrs.get("NAMELSAD10") or attrs["NAME10"]
            rows.append({"code": _code(attrs["GEOID10"]), "name": f"{label}, {abbr}", "nation": NATION,
                         "region": fips, "tier": TIER, "parent_county": None,
                         "population": float(attrs["TOTPOP"]), "centroid_lon": float(lon),
                         "centroid_lat": float(lat), "area_km2": float(attrs["ALAND10"]) / 1e6})
        if fallback and quality is not None:
            quality.add(file=f"{US_DIR}/county{fips}.json", code=f"{PREFIX}{fips}*", field="C_X/C_Y",
                        issue=f"no centroid for {fallback} count{'y' if fallback == 1 else 'ies'}",
                        action="used the Census internal point (INTPTLON10/INTPTLAT10)")
    table = pd.DataFrame(rows).set_index("code").sort_index()
    if table.index.duplicated().any():
        raise DataError(f"{US_DIR}: duplicate GEOID {table.index[table.index.duplicated()][0]}")
    check_population(table["population"], US_DIR)
    table["centroid_x"], table["centroid_y"] = table["centroid_lon"], table["centroid_lat"]
    geometry = gpd.points_from_xy(table["centroid_lon"], table["centroid_lat"], crs="EPSG:4326")
    return gpd.GeoDataFrame(table, geometry=geometry, crs="EPSG:4326")


def us_county_graph(authorities: pd.DataFrame, links: list[dict] | None = None) -> nx.Graph:
    """Neighbour graph of US counties from the dual-graph adjacency (not from geometry).

    Nodes are the codes of ``authorities`` with ``name``, ``population`` and ``tier``;
    edges (``kind="border"``) join counties sharing a boundary within a state. Optional
    ``links`` (``{a, b, reason}`` dicts, e.g. across a state line) are added as
    ``kind="link"``; links naming codes outside ``authorities`` are skipped only when
    they are the UK default links. Graph attributes as for
    :func:`sharedopt.data.graph.neighbour_graph` (``isolated``, ``n_components``).
    """
    codes = set(authorities.index)
    graph = nx.Graph(service=None, source="DeFord county dual graphs (2010)")
    for code, row in authorities.sort_index().iterrows():
        graph.add_node(code, name=row["name"], population=float(row["population"]), tier=row["tier"])
    for fips in sorted(set(authorities["region"])):
        state = _state_graph(str(fips))
        label = {node: _code(attrs["GEOID10"]) for node, attrs in state.nodes(data=True)}
        for u, v in state.edges():
            a, b = label[u], label[v]
            if a != b and a in codes and b in codes:
                graph.add_edge(a, b, kind="border")
    if links:
        add_links(graph, list(links), codes)
    _mark(graph)
    return graph


def _mark(graph: nx.Graph) -> nx.Graph:
    graph.graph["isolated"] = sorted(nx.isolates(graph))
    graph.graph["n_components"] = nx.number_connected_components(graph) if len(graph) else 0
    return graph


def check_us_codes(codes: pd.Series, file: str) -> None:
    """Every code must be a US county code (``US`` + 5-digit GEOID)."""
    bad = ~codes.astype(str).str.match(CODE_PATTERN)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"{file}: row {i + 2}, field 'authority': '{codes.iloc[i]}' is not a "
                        "US county code ('US' + 5-digit GEOID, e.g. US10001); fix or remove the row")


def read_us_cost_csv(path: str | Path, year: str | None = None) -> pd.DataFrame:
    """A user's tidy cost CSV for US counties (codes ``US#####``); as :func:`read_cost_csv`."""
    return read_cost_csv(path, year, check_authority_codes=check_us_codes)


def us_service_graphs(graph: nx.Graph, costs: pd.DataFrame, wanted: list[str]) -> dict[str, nx.Graph]:
    """Per-service graphs: the county graph restricted to counties with positive spend.

    One graph per service in ``wanted``; ``graph.graph['isolated']`` lists counties
    without a neighbour delivering the service, as :func:`neighbour_graph` does.
    """
    out = {}
    for service in wanted:
        rows = costs[(costs["service"] == service) & (costs["net_expenditure_gbp_k"] > 0)]
        delivering = set(rows["authority"])
        nodes = [n for n in graph if n in delivering]
        sub = graph.subgraph(nodes).copy()
        sub.graph["service"] = service
        out[service] = _mark(sub)
    return out
