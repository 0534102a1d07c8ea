"""Value already-enumerated groups again under other parameters: a Monte Carlo draw without re-enumeration.

A draw of the Monte Carlo changes what groups are worth, not which groups exist: the connected
groups of each service's neighbour graph depend only on the graph and the group-size bounds.
:class:`Revaluer` enumerates the groups of each service (pair) once per ``(services, smallest,
largest size)`` and keeps them; each draw values the kept groups with the same vectorised valuation
as :func:`~sharedopt.candidates.build.build_candidates` (:func:`~sharedopt.candidates.batch.value_at_depth`),
prunes those with a non-positive NPV and finishes the table the same way, so the table is the one a
full enumeration builds (``with_shares=False``). A draw that changes a group-size bound
(``max_group_size``, ``scope_max_group_size``) enumerates the groups of the new bound, once;
whole-organisation groups (few: districts only) are enumerated with their valuation each time.

Column generation (too many groups to list) is not covered: its candidates depend on the drawn
prices, so such a run re-runs every step per draw (the caller decides, see
:func:`sharedopt.pipeline.draws.can_revalue`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from sharedopt.candidates.batch import global_members, group_labels, group_table, value_at_depth, within_span
from sharedopt.candidates.enumerate import connected_groups
from sharedopt.candidates.finish import finish_table
from sharedopt.candidates.graphs import intersection_graph
from sharedopt.candidates.poolable import with_status_quo
from sharedopt.candidates.readiness import group_statuses, readiness_common, statutory
from sharedopt.candidates.table import MEMBERS, N_MEMBERS, SERVICES, CandidateSet
from sharedopt.candidates.value import CostBase, span_km
from sharedopt.candidates.wholeorg import whole_org_candidates
from sharedopt.config.params import ModelParams


@dataclass
class _Groups:
    """One service (pair)'s connected groups as global member indices, and their spans (km).

    ``labels`` (per depth: the id, kind, services and members cells of every group) and
    ``statuses`` (per stated readiness: :func:`~sharedopt.candidates.readiness.group_statuses`)
    are kept once made: a draw changes neither.
    """

    members: np.ndarray
    span: np.ndarray
    labels: dict = field(default_factory=dict)
    statuses: dict = field(default_factory=dict)
    rank: np.ndarray | None = None   # each group's place in the table's order (by size, then members)
    inside: np.ndarray | None = None   # each group inside one statutory body (readiness.statutory)


@dataclass
class Revaluer:
    """The enumerated groups of one region, valued again for each set of parameters.

    Attributes
    ----------
    authorities : pandas.DataFrame
    costs : pandas.DataFrame
        The tidy cost table the groups are valued on (a draw may pass perturbed costs instead).
    graphs : dict
        Service -> neighbour graph (the run's).
    enumerations : int
        How many group lists have been enumerated (one per service (pair) and size bounds).
    """

    authorities: pd.DataFrame
    costs: pd.DataFrame
    graphs: dict
    enumerations: int = 0
    _groups: dict = field(default_factory=dict, repr=False)
    _bases: dict = field(default_factory=dict, repr=False)
    _empties: dict = field(default_factory=dict, repr=False)
    _graphs: dict = field(default_factory=dict, repr=False)
    _stacks: dict = field(default_factory=dict, repr=False)
    _signatures: dict = field(default_factory=dict, repr=False)  # of the kept empty frames, by id

    def candidates(self, params: ModelParams, constraints=None, costs: pd.DataFrame | None = None) -> CandidateSet:
        """The candidate table (no shares) of ``params``, as a full enumeration would build it.

        Parameters
        ----------
        params : ModelParams
        constraints : Constraints, optional
            The effective constraints (existing arrangements occupy part of the spend).
        costs : pandas.DataFrame, optional
            Costs to value on instead of :attr:`costs` (a draw's perturbed spend).

        Returns
        -------
        CandidateSet
            ``shares`` and ``enumeration`` empty, ``generation`` None.
        """
        base = self._base(params, constraints, costs)
        ranked = []   # (part, its ranks) pairs
        if params.include_scale:
            for service, graph in sorted(self.graphs.items()):
                ranked += self._valued(base, params, (service,), graph, 2, params.max_group_size)
        if params.include_scope:
            for pair in params.scope_pairs:
                if all(s in self.graphs for s in pair.services):
                    ranked += self._valued(base, params, pair.services, self._intersection(pair.services), 1,
                                           params.scope_max_group_size)
        if params.whole_organisation:
            ranked.append((whole_org_candidates(base, params, self.graphs, False)[0], None))
        parts, ranks = [part for part, _ in ranked], [rank for _, rank in ranked]
        table = self._stack(parts) if parts else pd.DataFrame()
        table = finish_table(table, params, base, order=table_order(parts, ranks))
        return CandidateSet(table, pd.DataFrame(), pd.DataFrame(), self.graphs, None)

    def __setstate__(self, state: dict) -> None:
        """A copy (in another process) keys the empty frames' signatures by its own objects' ids."""
        self.__dict__.update(state)
        self._signatures = {id(frame): _signature(frame) for frame in self._empties.values()}

    def _intersection(self, services: tuple[str, ...]) -> nx.Graph:
        """The bodies delivering both services, adjacent in both graphs (made once per pair)."""
        if services not in self._graphs:
            self._graphs[services] = intersection_graph(self.graphs[services[0]], self.graphs[services[1]])
        return self._graphs[services]

    def _stack(self, parts: list) -> pd.DataFrame:
        """The parts stacked as ``pandas.concat(frames, ignore_index=True)`` stacks their frames.

        A part is a frame or a dict of column arrays. The first time a pattern of parts (each
        one's columns, types and emptiness) is seen, the frames are stacked by pandas and the
        result is compared with the arrays stacked column by column and given pandas' column types
        (:func:`_stacked`); when they are equal, later parts of the same pattern are stacked that
        way, without building a frame per part.
        """
        key = tuple(self._signatures.get(id(part)) or _signature(part) for part in parts)
        dtypes = self._stacks.get(key)
        if dtypes is not None:
            return _stacked(parts, dtypes)
        slow = pd.concat([part if isinstance(part, pd.DataFrame) else pd.DataFrame(part) for part in parts],
                         ignore_index=True)
        fast = _stacked(parts, slow.dtypes)
        if fast is not None and fast.columns.equals(slow.columns) and fast.equals(slow):
            self._stacks[key] = slow.dtypes
        return slow

    def _base(self, params: ModelParams, constraints, costs: pd.DataFrame | None) -> CostBase:
        """The cost base, built once per curve setting and constraints unless the costs are a draw's own."""
        if costs is not None:
            return with_status_quo(CostBase.from_frames(self.authorities, costs, params), constraints)
        key = (params.cost_curves, None if constraints is None else constraints.model_dump_json())
        if key not in self._bases:
            self._bases[key] = with_status_quo(CostBase.from_frames(self.authorities, self.costs, params),
                                               constraints)
        return self._bases[key]

    def _valued(self, base: CostBase, params: ModelParams, services: tuple[str, ...], graph: nx.Graph,
                min_size: int, max_size: int) -> list[tuple]:
        """The kept (positive-NPV) candidates of one service (pair) at every depth: one dict of column
        arrays per depth with any (the rows :func:`~sharedopt.candidates.batch.group_table` makes),
        each with ``(id of the group list, its rows' group_ranks)`` (None for a frame; :func:`table_order`).

        Stacked as :func:`~sharedopt.candidates.batch.value_groups` stacks them (a service with none
        kept adds an empty frame, which sets the stacked table's column types as it does there).
        """
        groups = self._enumerated(base, services, graph, min_size, max_size)
        if groups is None:
            return [(pd.DataFrame(), None)]
        within = within_span(params, services, groups.span)
        stated = repr(sorted(params.readiness.councils.items()))
        if stated not in groups.statuses:
            groups.statuses[stated] = group_statuses(base, params, groups.members)
        common = readiness_common(base, params, groups.members, groups.statuses[stated])  # the same at every depth
        if groups.inside is None:
            groups.inside = statutory(base.codes, services, groups.members)
        parts, first = [], None
        for depth in params.depths:
            values, _, keep = value_at_depth(base, params, services, groups.members, within, depth, groups.span,
                                             common, groups.inside)
            first = first or (values, depth)
            if keep.any():
                if depth not in groups.labels:
                    groups.labels[depth] = group_labels(base, services, groups.members, depth)
                if groups.rank is None:
                    groups.rank = group_ranks((groups.members >= 0).sum(axis=1), groups.labels[depth][MEMBERS])
                parts.append(({**{k: v[keep] for k, v in groups.labels[depth].items()},
                               **{k: v[keep] for k, v in values.items()}}, (id(groups), groups.rank[keep])))
        return parts or [(self._empty(base, services, *first), None)]

    def _empty(self, base: CostBase, services: tuple[str, ...], values: dict, depth: str) -> pd.DataFrame:
        """An empty candidate frame with the columns and types of ``values`` (made once per signature)."""
        key = (len(services), tuple((k, np.asarray(v).dtype.str) for k, v in values.items()))
        if key not in self._empties:
            self._empties[key] = group_table(base, services, np.zeros((0, 1), dtype=np.int64),
                                             {k: np.asarray(v)[:0] for k, v in values.items()}, depth)
            self._signatures[id(self._empties[key])] = _signature(self._empties[key])
        return self._empties[key]

    def _enumerated(self, base: CostBase, services: tuple[str, ...], graph: nx.Graph, min_size: int,
                    max_size: int) -> _Groups | None:
        """The groups of ``services`` within the size bounds, enumerated on first use."""
        key = (services, min_size, max_size)
        if key not in self._groups:
            groups = connected_groups(graph, max_size, min_size=min_size) if len(graph) else None
            self.enumerations += 1
            if groups is None or len(groups) == 0:
                self._groups[key] = None
            else:
                members = global_members(base, groups)
                self._groups[key] = _Groups(members, span_km(base.lon, base.lat, members))
        return self._groups[key]


def _signature(part) -> tuple:
    """What decides the column types pandas gives a stack of parts: each part's columns, types, emptiness."""
    if isinstance(part, pd.DataFrame):
        return "frame", len(part) > 0, tuple(part.columns), tuple(map(str, part.dtypes.tolist()))
    return "arrays", len(next(iter(part.values()))) > 0, tuple((name, array.dtype.str) for name, array in part.items())


def _stacked(parts: list, dtypes: pd.Series) -> pd.DataFrame | None:
    """The non-empty parts stacked column by column, with the column types ``dtypes`` (None: the parts'
    columns differ, or none has rows)."""
    arrays = [_arrays(part) for part in parts if len(part if isinstance(part, pd.DataFrame)
                                                     else next(iter(part.values())))]
    names = list(dtypes.index)
    if not arrays or any(list(part) != names for part in arrays):
        return None
    return pd.DataFrame({name: pd.Series(np.concatenate([part[name] for part in arrays]), dtype=dtype, copy=False)
                         for name, dtype in dtypes.items()})


def _arrays(part) -> dict:
    """A part as column arrays."""
    return {name: part[name].to_numpy() for name in part.columns} if isinstance(part, pd.DataFrame) else part


def group_ranks(sizes: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Each group's place when sorted by size, then by its members cell (the table's order within
    one ``services`` cell, :func:`~sharedopt.candidates.finish.finish_table`)."""
    order = pd.DataFrame({"n": sizes, "m": members}).sort_values(["n", "m"], kind="stable").index.to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def table_order(parts: list, ranks: list) -> np.ndarray | None:
    """The rows of the stacked ``parts`` in the table's order (by services, size, members; stable),
    without sorting the text cells again.

    ``ranks[i]`` is ``(source, ranks)`` for a part of enumerated groups (``source`` names the group
    list; its rows' :func:`group_ranks`), or None for a frame (whole-organisation candidates),
    ranked here. None when two sources share a services cell (the caller then sorts the table).
    """
    sources, keys = {}, []
    for index, (part, rank) in enumerate(zip(parts, ranks)):
        if not len(part if isinstance(part, pd.DataFrame) else next(iter(part.values()))):
            continue
        if rank is None:
            cells = np.asarray(part[SERVICES], dtype=object)
            rank = (id(part), group_ranks(part[N_MEMBERS].to_numpy(), part[MEMBERS].to_numpy()))
        else:
            cells = part[SERVICES][:1]   # one cell for every row
        for label in pd.unique(cells):
            if sources.setdefault(label, rank[0]) != rank[0]:
                return None
        keys.append((cells, rank[1], index))
    if not keys:
        return None
    place = {label: i for i, label in enumerate(sorted(sources))}
    label_rank = np.concatenate([np.fromiter((place[c] for c in cells), np.int64, len(cells)) if len(cells) > 1
                                 else np.full(len(rank), place[cells[0]]) for cells, rank, _ in keys])
    group = np.concatenate([rank for _, rank, _ in keys])
    part = np.concatenate([np.full(len(rank), index) for _, rank, index in keys])
    return np.lexsort((part, group, label_rank))
