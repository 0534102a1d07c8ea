"""The data layer's entry point: :func:`load_region` turns a :class:`Selection` into :class:`RegionData`."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from sharedopt.data.region.register import RegisterRegion
from sharedopt.data.region.selection import RegionData, RegionSource, Selection
from sharedopt.data.region.stored import stored_load
from sharedopt.data.region.us import UsCountyRegion
from sharedopt.data.region.user import UserBoundaryRegion
from sharedopt.data.us_regions import is_us_region
from sharedopt.data.validate import DataQuality


def region_source(selection: Selection) -> RegionSource:
    """The family of ``selection``: a user's boundary file, US counties, or the embedded register."""
    if selection.boundary_file is not None:
        return UserBoundaryRegion()
    if is_us_region(selection.region):
        return UsCountyRegion()
    return RegisterRegion()


def load_region(selection: Selection, quality: DataQuality,
                check_authorities: Callable[[pd.DataFrame], None] | None = None) -> RegionData:
    """Load the authorities, spend, per-service neighbour graphs and sources of a selection.

    Parameters
    ----------
    selection : Selection
        What to load (built by the caller from its run configuration).
    quality : DataQuality
        Receives every row excluded, estimated or flagged, and one line per authority
        with no neighbour delivering a service.
    check_authorities : callable, optional
        Called with the authorities before the spend is loaded (e.g. to check the
        references of a config against them); it raises to stop the load.

    Returns
    -------
    RegionData
    """
    source = region_source(selection)
    if isinstance(source, RegisterRegion):  # the embedded register: the same load each time, kept on disk
        return stored_load(selection, quality, lambda notes, check: _load(source, selection, notes, check),
                           check_authorities)
    return _load(source, selection, quality, check_authorities)


def _load(source: RegionSource, selection: Selection, quality: DataQuality,
          check_authorities: Callable[[pd.DataFrame], None] | None) -> RegionData:
    """The load itself (see :func:`load_region`)."""
    authorities = source.authorities(selection, quality)
    if check_authorities is not None:
        check_authorities(authorities)
    costs = source.costs(selection, authorities, quality)
    graphs = source.graphs(selection, authorities, costs)
    for service, graph in graphs.items():
        for code in graph.graph["isolated"]:
            quality.add(file="adjacency", code=code, field=service,
                        issue=f"{graph.nodes[code]['name']} has no neighbour delivering {service}",
                        action="no scale partnership possible; add a link in [region] links if one exists")
    return RegionData(authorities=authorities, costs=costs, graphs=graphs,
                      sources=source.sources(selection, authorities, costs),
                      arrangements_on_record=source.arrangements_on_record)
