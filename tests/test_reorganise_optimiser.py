"""The partition optimiser against brute force: every set partition of small real areas."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from sharedopt.config.schema import config_from_dict
from sharedopt.reorganisation.appraise import group_npv
from sharedopt.reorganisation.run import optimise_structures, prepare


def _partitions(items):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in _partitions(rest):
        for i in range(len(part)):
            yield part[:i] + [[first] + part[i]] + part[i + 1:]
        yield [[first]] + part


def _brute_force(area, params, low, high):
    best = {}
    for part in _partitions(list(area.blocks)):
        ok = all(low <= sum(area.population[c] for c in g) <= high and nx.is_connected(area.graph.subgraph(g))
                 for g in part)
        if ok:
            value = sum(group_npv(area, g, params) for g in part)
            best[len(part)] = max(best.get(len(part), -np.inf), value)
    return best


@pytest.mark.parametrize("region,low", [("norfolk", 100_000), ("east-sussex", 90_000)])
def test_optimiser_matches_brute_force(region, low):
    config = config_from_dict({"region": {"name": region},
                               "reorganisation": {"population_min": low, "max_unitaries": 7}})
    area, _, params, bounds, exempt = prepare(config)
    expected = _brute_force(area, params, *bounds)
    structures, frontier = optimise_structures(area, params, bounds, exempt, 7, 0)
    solved = frontier[frontier["status"] == "optimal"].set_index("unitaries")["net_present_value_gbp_k"]
    assert set(solved.index) == set(expected)
    assert len(expected) >= 3  # the bounds leave several sizes of structure to compare
    for k, value in expected.items():
        assert solved[k] == pytest.approx(value, abs=0.2)  # the frontier rounds to 0.1 £k
    for s in structures:  # each structure is a partition of connected groups within bounds
        assert sorted(c for u in s.unitaries for c in u) == sorted(area.blocks)
        assert all(nx.is_connected(area.graph.subgraph(u)) for u in s.unitaries)


def test_alternatives_differ_materially_and_rank_below_the_best():
    config = config_from_dict({"region": {"name": "norfolk"},
                               "reorganisation": {"population_min": 150_000, "max_unitaries": 3,
                                                  "alternatives": 2}})
    area, _, params, bounds, exempt = prepare(config)
    structures, _ = optimise_structures(area, params, bounds, exempt, 3, 2)
    by_k: dict[int, list] = {}
    for s in structures:
        by_k.setdefault(s.k, []).append(s)
    three = by_k[3]
    assert len(three) == 3
    values = [sum(group_npv(area, u, params) for u in s.unitaries) for s in three]
    assert values[0] >= values[1] - 1e-6 and values[0] >= values[2] - 1e-6
    sets = [[frozenset(u) for u in s.unitaries] for s in three]
    for i in range(3):
        for j in range(i):
            near = sum(any(len(a ^ b) <= 1 for b in sets[j]) for a in sets[i])
            assert near <= 1  # at most k - 2 unitaries within one council of an earlier option
