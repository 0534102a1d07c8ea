"""What the data layer is asked for (:class:`Selection`) and what it gives back (:class:`RegionData`).

The run configuration stays above the data layer: the pipeline builds a
:class:`Selection` from it, and each family of regions (:class:`RegionSource`:
the embedded English and Welsh register, a user's boundary file, US counties)
turns a selection into a :class:`RegionData`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import networkx as nx
import pandas as pd

from sharedopt.data.validate import DataQuality


@dataclass(frozen=True)
class Selection:
    """Which authorities, which spend and which services a run loads.

    Attributes
    ----------
    region : str or None
        A region name (a nation, an English region, a county, ``us-counties``,
        ``us-state-NN``); None when ``codes`` or ``boundary_file`` selects.
    codes : tuple of str or None
        GSS codes of the authorities, when the region is given as a list.
    boundary_file : Path or None
        A user's boundary file (GeoPackage, shapefile, GeoJSON) instead of the register.
    code_field, name_field, population_field : str
        Columns of ``boundary_file`` holding the code, the name and the population.
    year : str, int or None
        Financial year of the spend (``"2023-24"`` or its start year); None is the default year.
    costs_csv : Path or None
        A user's tidy cost CSV used instead of the embedded spend.
    include_non_council : bool
        Keep police and fire (not council services).
    service_detail : {"top_level", "fine"}
        ``"fine"`` splits Environment, Culture, Planning and Central_Services into parts.
    services : tuple of str or None
        Services in scope for the neighbour graphs; None is every service.
    eligible_services : tuple of str
        Services the model may pool: a neighbour graph is built for those present in the spend.
    links : tuple of dict
        Adjacency links that are not land borders (``a``, ``b``, ``reason``), defaults included.
    synthetic_seed : int
        Seed of the SYNTHETIC US costs.
    """

    region: str | None = None
    codes: tuple[str, ...] | None = None
    boundary_file: Path | None = None
    code_field: str = "code"
    name_field: str = "name"
    population_field: str = "population"
    year: str | int | None = None
    costs_csv: Path | None = None
    include_non_council: bool = False
    service_detail: str = "top_level"
    services: tuple[str, ...] | None = None
    eligible_services: tuple[str, ...] = ()
    links: tuple[dict, ...] = ()
    synthetic_seed: int = 0

    def area(self) -> str | list[str]:
        """The region argument of the register loaders: the name, else the list of codes."""
        return self.region if self.region is not None else list(self.codes or [])

    def graph_services(self, costs: pd.DataFrame) -> list[str]:
        """Services that get a neighbour graph: present in ``costs``, eligible and in scope, sorted."""
        present = sorted(set(costs["service"]))
        return [s for s in present if s in self.eligible_services
                and (self.services is None or s in self.services)]


@dataclass(frozen=True)
class RegionData:
    """The loaded data of one region.

    Attributes
    ----------
    authorities : pandas.DataFrame
        Indexed by code: ``name``, ``population``, ``tier`` and the rest of the register.
    costs : pandas.DataFrame
        Tidy spend: ``authority, service, year, net_expenditure_gbp_k, estimated, eligible, provenance``.
    graphs : dict of str to networkx.Graph
        Per-service neighbour graph (graph attribute ``isolated``).
    sources : list of dict
        Data sources used (``name, source, vintage, licence, estimated``).
    arrangements_on_record : bool
        Whether the region's real partnerships (the status quo data) are on record.
    """

    authorities: pd.DataFrame
    costs: pd.DataFrame
    graphs: dict[str, nx.Graph]
    sources: list[dict]
    arrangements_on_record: bool


class RegionSource(Protocol):
    """A family of regions: how a selection becomes authorities, spend, graphs and sources."""

    arrangements_on_record: bool

    def authorities(self, selection: Selection, quality: DataQuality) -> pd.DataFrame:
        """The selected authorities, indexed by code."""

    def costs(self, selection: Selection, authorities: pd.DataFrame, quality: DataQuality) -> pd.DataFrame:
        """Tidy spend of ``authorities`` (see :class:`RegionData`)."""

    def graphs(self, selection: Selection, authorities: pd.DataFrame,
               costs: pd.DataFrame) -> dict[str, nx.Graph]:
        """Neighbour graph of each service of :meth:`Selection.graph_services`."""

    def sources(self, selection: Selection, authorities: pd.DataFrame, costs: pd.DataFrame) -> list[dict]:
        """Data sources behind the loaded data, in a fixed order."""
