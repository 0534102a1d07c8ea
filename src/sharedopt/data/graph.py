"""The neighbour graph: land borders from geometry plus configured links."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from sharedopt.config.assumptions import ADJACENCY_TOLERANCE_M, DEFAULT_LINKS, DELIVERY_SHARE_THRESHOLD
from sharedopt.data.costs import load_costs
from sharedopt.data.validate import DataQuality
from sharedopt.common.errors import DataError

METRIC_CRS = "EPSG:27700"
# In two-tier England the law, not the spending line, says who delivers some services:
# the district is the local housing authority (Housing Act 1985 s.1, Housing Act 1996
# Part 7), so a county's general-fund housing line (e.g. housing-related support)
# does not make it a housing authority.
# Likewise the Environmental Protection Act 1990 s.30 makes the district the waste
# collection authority and the county the waste disposal authority; the county is the
# library authority (Public Libraries and Museums Act 1964 s.1); the district is the
# local planning authority for development control (counties decide only minerals
# and waste applications) and the litter authority for street cleansing (EPA s.89).
STATUTORY_TIER = {"Housing": "district", "Waste_Collection": "district", "Waste_Disposal": "county",
                  "Libraries": "county", "Development_Control": "district", "Street_Cleansing": "district"}


def normalise_links(links: Iterable | None) -> list[dict]:
    """Links as dicts ``{a, b, reason}``; None gives the default links (the Menai bridges)."""
    if links is None:
        return [dict(link) for link in DEFAULT_LINKS]
    out = []
    for link in links:
        if isinstance(link, dict):
            out.append({"a": str(link["a"]), "b": str(link["b"]), "reason": link.get("reason", "configured link")})
        else:
            a, b, *rest = link
            out.append({"a": str(a), "b": str(b), "reason": rest[0] if rest else "configured link"})
    return out


def border_pairs(authorities: gpd.GeoDataFrame, tolerance_m: float = ADJACENCY_TOLERANCE_M) -> np.ndarray:
    """Index pairs (i < j) of areas whose boundaries touch or lie within ``tolerance_m``.

    Uses the spatial index (STRtree ``dwithin`` query) in British National Grid metres,
    not an all-pairs loop. A county and a district never count as neighbours: they are
    different tiers (and a county contains its own districts).
    """
    geoms = authorities.geometry
    if geoms.crs is None:
        raise DataError("authorities: geometry has no CRS; set it (EPSG:4326 for lon/lat)")
    metric = geoms.to_crs(METRIC_CRS)
    left, right = metric.sindex.query(metric, predicate="dwithin", distance=tolerance_m)
    keep = left < right
    left, right = left[keep], right[keep]
    tier = authorities["tier"].to_numpy()
    mixed = ((tier[left] == "county") & (tier[right] == "district")) | (
        (tier[left] == "district") & (tier[right] == "county"))
    return np.column_stack([left[~mixed], right[~mixed]])


def delivering_bodies(costs: pd.DataFrame, service: str, authorities: pd.DataFrame | None = None,
                      threshold: float = DELIVERY_SHARE_THRESHOLD) -> set[str]:
    """Authorities that deliver ``service``: positive net spend, and in a two-tier
    area a tier share of at least ``threshold`` of the area's spend on it.
    """
    rows = costs[(costs["service"] == service) & (costs["net_expenditure_gbp_k"] > 0)]
    spend = rows.set_index("authority")["net_expenditure_gbp_k"]
    if authorities is None or "parent_county" not in authorities.columns:
        return set(spend.index)
    parent = authorities["parent_county"].reindex(spend.index)
    county_of = parent.where(parent.notna(), pd.Series(spend.index, index=spend.index))
    area_total = spend.groupby(county_of).transform("sum")
    tier = authorities["tier"].reindex(spend.index)
    tier_total = spend.groupby([county_of, tier]).transform("sum")
    two_tier = tier.isin(["county", "district"])
    keep = ~two_tier | (tier_total >= threshold * area_total)
    if service in STATUTORY_TIER:
        keep = ~two_tier | (tier == STATUTORY_TIER[service])
    return set(spend.index[keep.to_numpy()])


def neighbour_graph(authorities: gpd.GeoDataFrame, service: str | None = None, links: Iterable | None = None,
                    *, costs: pd.DataFrame | None = None, tolerance_m: float = ADJACENCY_TOLERANCE_M,
                    quality: DataQuality | None = None) -> nx.Graph:
    """Build the adjacency graph of a region, optionally for one service.

    Parameters
    ----------
    authorities : geopandas.GeoDataFrame
        From :func:`load_authorities` (indexed by GSS code).
    service : str, optional
        Restrict the nodes to the bodies that deliver this service (positive net
        spend in ``costs``): in two-tier England, counties for education, districts
        for housing. None: every authority.
    links : iterable, optional
        Extra edges that are not land borders, as ``{a, b, reason}`` dicts or
        ``(a, b[, reason])`` tuples. None uses the defaults (the Menai bridges);
        ``[]`` adds none.
    costs : pandas.DataFrame, optional
        Cost table (from :func:`load_costs`); loaded for the authorities when a
        service is given and this is None.
    tolerance_m : float
        Gap in metres under which two generalised boundaries count as touching.
    quality : DataQuality, optional
        Receives a line per island (node with no neighbour).

    Returns
    -------
    networkx.Graph
        Nodes are GSS codes with ``name``, ``population`` and ``tier``; edges carry
        ``kind`` (``"border"`` or ``"link"``) and, for links, ``reason``. The graph
        attribute ``isolated`` lists islands without any link.
    """
    nodes = list(authorities.index)
    if service is not None:
        if costs is None:
            costs = load_costs(nodes)
        delivering = delivering_bodies(costs, service, authorities)
        nodes = [code for code in nodes if code in delivering]
    sub = authorities.loc[nodes]
    graph = nx.Graph(service=service)
    for code, row in sub.iterrows():
        graph.add_node(code, name=row["name"], population=float(row["population"]), tier=row["tier"])
    if len(sub) > 1 and sub.geometry.notna().all():
        pairs = border_pairs(sub, tolerance_m)
        index = np.asarray(sub.index)
        graph.add_edges_from((index[i], index[j], {"kind": "border"}) for i, j in pairs)
    add_links(graph, normalise_links(links), set(authorities.index))
    graph.graph["isolated"] = sorted(nx.isolates(graph))
    graph.graph["n_components"] = nx.number_connected_components(graph) if len(graph) else 0
    if quality is not None:
        for code in graph.graph["isolated"]:
            quality.add(file="adjacency", code=code, field=service or "all services",
                        issue=f"{graph.nodes[code]['name']} has no land neighbour or link",
                        action="kept as a node with no partner; add a link in [region] links if one exists")
    return graph


def add_links(graph: nx.Graph, links: list[dict], known: set[str]) -> None:
    """Add configured links whose two ends are both in the graph."""
    for link in links:
        for end in (link["a"], link["b"]):
            if end not in known and not _is_default(link):
                raise DataError(f"links: unknown authority code '{end}' in link "
                                f"{link['a']}-{link['b']}; use GSS codes of the selected region")
        if link["a"] in graph and link["b"] in graph:
            graph.add_edge(link["a"], link["b"], kind="link", reason=link["reason"])


def _is_default(link: dict) -> bool:
    return any(link["a"] == d["a"] and link["b"] == d["b"] for d in DEFAULT_LINKS)
