"""Authorities from a user's boundary file; spend from the embedded data or the user's costs CSV."""

from __future__ import annotations

import pandas as pd

from sharedopt.data.authorities import load_user_boundaries
from sharedopt.data.costs import load_costs
from sharedopt.data.region.register import RegisterRegion
from sharedopt.data.region.selection import Selection
from sharedopt.data.validate import DataQuality


class UserBoundaryRegion(RegisterRegion):
    """A region drawn by the user (:class:`RegionSource`); graphs and sources as for the register."""

    def authorities(self, selection: Selection, quality: DataQuality) -> pd.DataFrame:
        """The authorities of the boundary file, with its code, name and population fields."""
        return load_user_boundaries(selection.boundary_file, selection.code_field, selection.name_field,
                                    selection.population_field, quality=quality)

    def _load_costs(self, selection: Selection, authorities: pd.DataFrame, quality: DataQuality) -> pd.DataFrame:
        return load_costs(list(authorities.index), selection.year, costs_csv=selection.costs_csv,
                          include_non_council=selection.include_non_council, quality=quality,
                          authorities=authorities, service_detail=selection.service_detail)
