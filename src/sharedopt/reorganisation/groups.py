"""Connected groups of blocks within population bounds: the candidate new unitaries.

Groups are bitmasks over the area's blocks (bit i = ``area.blocks[i]``). Every connected
set of blocks is grown from its members one neighbour at a time; a group heavier than the
upper bound is not grown further (populations are positive, so no superset can fit).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from sharedopt.common.errors import ConfigError

MAX_GROUPS = 2_000_000


@dataclass(frozen=True)
class Groups:
    """Candidate unitaries: bitmasks, their populations and member lists."""

    masks: np.ndarray          # int64 bitmasks
    population: np.ndarray     # residents
    blocks: list[str]

    def members(self, i: int) -> list[str]:
        """Block codes of group ``i``."""
        return mask_members(int(self.masks[i]), self.blocks)

    def __len__(self) -> int:
        return len(self.masks)


def mask_members(mask: int, blocks: list[str]) -> list[str]:
    """Codes of the blocks in ``mask``."""
    return [code for i, code in enumerate(blocks) if mask >> i & 1]


def mask_of(members, blocks: list[str]) -> int:
    """Bitmask of a list of block codes."""
    index = {code: i for i, code in enumerate(blocks)}
    return sum(1 << index[m] for m in set(members))


def _neighbour_masks(graph: nx.Graph, blocks: list[str]) -> list[int]:
    index = {code: i for i, code in enumerate(blocks)}
    return [sum(1 << index[n] for n in graph.neighbors(code) if n in index) for code in blocks]


def connected_groups(graph: nx.Graph, blocks: list[str], population: dict[str, float],
                     high: float = float("inf")) -> tuple[np.ndarray, np.ndarray]:
    """Every connected set of blocks with at most ``high`` residents.

    Returns
    -------
    masks : ndarray of int64
        Sorted bitmasks.
    population : ndarray
        Residents of each group.
    """
    if len(blocks) > 62:
        raise ConfigError(f"[reorganisation]: {len(blocks)} councils in one area; at most 62 fit "
                          "the exact partition search (split the area)")
    nbr = _neighbour_masks(graph, blocks)
    pop = np.array([population[c] for c in blocks], dtype=float)
    seen: dict[int, float] = {}
    frontier = [(1 << i, pop[i]) for i in range(len(blocks)) if pop[i] <= high]
    seen.update(frontier)
    while frontier:
        grown = []
        for mask, residents in frontier:
            rim = 0
            for i in _bits(mask):
                rim |= nbr[i]
            rim &= ~mask
            for j in _bits(rim):
                new = mask | (1 << j)
                if new not in seen and residents + pop[j] <= high:
                    seen[new] = residents + pop[j]
                    grown.append((new, seen[new]))
        if len(seen) > MAX_GROUPS:
            raise ConfigError(f"[reorganisation]: more than {MAX_GROUPS:,} connected groups; set "
                              "population_max to bound the search")
        frontier = grown
    masks = np.array(sorted(seen), dtype=np.int64)
    return masks, np.array([seen[int(m)] for m in masks])


def _bits(mask: int):
    i = 0
    while mask:
        if mask & 1:
            yield i
        mask >>= 1
        i += 1


def candidate_groups(graph: nx.Graph, blocks: list[str], population: dict[str, float],
                     low: float, high: float, exempt: set[str] = frozenset()) -> Groups:
    """Connected groups within [low, high] residents; an exempt block may also stand alone."""
    masks, pops = connected_groups(graph, blocks, population, high)
    alone = {1 << i for i, code in enumerate(blocks) if code in exempt}
    keep = (pops >= low) | np.isin(masks, list(alone))
    return Groups(masks=masks[keep], population=pops[keep], blocks=list(blocks))
