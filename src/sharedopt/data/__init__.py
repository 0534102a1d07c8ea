"""Data layer: authorities, costs, services and the neighbour graph.

The pipeline's entry point is :func:`sharedopt.data.region.load.load_region`: a
:class:`~sharedopt.data.region.selection.Selection` in, the region's authorities,
spend, neighbour graphs and sources out. The loaders below return plain pandas /
geopandas / networkx objects: :func:`load_authorities`, :func:`load_costs`,
:func:`load_services`, :func:`neighbour_graph`, plus loaders for user-supplied files.
"""

from sharedopt.data.authorities import load_authorities, load_user_boundaries, region_names, resolve_region
from sharedopt.data.costs import load_costs, read_cost_csv
from sharedopt.data.graph import neighbour_graph
from sharedopt.data.services import load_services
from sharedopt.data.validate import DataQuality

__all__ = [
    "DataQuality", "load_authorities", "load_costs", "load_services", "load_user_boundaries",
    "neighbour_graph", "read_cost_csv", "region_names", "resolve_region",
]
