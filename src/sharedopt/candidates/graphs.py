"""Neighbour graphs of the services: one per service, and the intersection of two (scope pairs)."""

from __future__ import annotations

import networkx as nx

from sharedopt.config.params import ModelParams
from sharedopt.data.graph import neighbour_graph


def service_graphs(authorities, costs, params: ModelParams, links=None,
                   services: list[str] | None = None) -> dict[str, nx.Graph]:
    """Neighbour graph of every eligible service present in ``costs``."""
    present = sorted(set(costs["service"]))
    wanted = [s for s in present if params.services.get(s) is not None and params.services[s].eligible
              and (services is None or s in services)]
    return {s: neighbour_graph(authorities, s, links, costs=costs) for s in wanted}


def intersection_graph(g1: nx.Graph, g2: nx.Graph) -> nx.Graph:
    """Bodies delivering both services, adjacent in both graphs."""
    common = set(g1) & set(g2)
    graph = nx.Graph()
    graph.add_nodes_from(sorted(common))
    graph.add_edges_from((a, b) for a, b in g1.subgraph(common).edges if g2.has_edge(a, b))
    return graph
