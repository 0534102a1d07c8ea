"""English and Welsh councils from the embedded register, with MHCLG outturn or the Welsh estimate."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from sharedopt.data.authorities import load_authorities
from sharedopt.data.costs import load_costs
from sharedopt.data.graph import neighbour_graph
from sharedopt.data.plausibility import report_unusual_spend
from sharedopt.data.region.selection import Selection
from sharedopt.data.sources import sources_for
from sharedopt.data.validate import DataQuality


class RegisterRegion:
    """A nation, an English region, a county area or a list of GSS codes (:class:`RegionSource`)."""

    arrangements_on_record = True

    def authorities(self, selection: Selection, quality: DataQuality) -> pd.DataFrame:
        """The register's authorities of the selected area, with boundaries."""
        return load_authorities(selection.area(), quality=quality)

    def costs(self, selection: Selection, authorities: pd.DataFrame, quality: DataQuality) -> pd.DataFrame:
        """Embedded spend (or the user's costs CSV), unusual spend per head reported."""
        costs = self._load_costs(selection, authorities, quality)
        report_unusual_spend(costs, authorities, quality)
        return costs

    def _load_costs(self, selection: Selection, authorities: pd.DataFrame, quality: DataQuality) -> pd.DataFrame:
        return load_costs(selection.area(), selection.year, costs_csv=selection.costs_csv,
                          include_non_council=selection.include_non_council, quality=quality,
                          service_detail=selection.service_detail)

    def graphs(self, selection: Selection, authorities: pd.DataFrame,
               costs: pd.DataFrame) -> dict[str, nx.Graph]:
        """Neighbour graph of each service from the boundaries and the links."""
        links = list(selection.links)
        return {s: neighbour_graph(authorities, s, links, costs=costs) for s in selection.graph_services(costs)}

    def sources(self, selection: Selection, authorities: pd.DataFrame, costs: pd.DataFrame) -> list[dict]:
        """Boundaries, population, register and spend sources (:func:`sources_for`)."""
        return sources_for(authorities, costs, selection)
