"""The spatial and efficiency terms of the savings model.

* ``span_km``: the group's spread, the length of a minimum spanning tree over the
  members' centroids (great-circle km on the centroid longitude/latitude; for ONS
  areas these are the ONS LAD centroids, i.e. BNG_E/BNG_N converted).
* efficiency convergence: under one management member *i* closes a fraction
  ``theta`` of its gap to the group's most efficient member:
  ``saving_i = theta * C_i * (1 - e_min / e_i)``, where ``e`` is the member's
  actual/expected spend ratio and ``C_i`` its poolable cost after the scale effect.
* distance cost: ``span_km * (distance_cost_per_km + distance_rate_per_km * pooled)``.
"""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius
SINGLE_TIER = "single-tier"


def tier_class(tier) -> str:
    """Tier class for whole-organisation sharing: 'district', 'county' or 'single-tier'.

    Unitary, metropolitan, London and Welsh councils all deliver every service (one tier).
    """
    text = str(tier).strip().lower()
    return text if text in ("district", "county") else SINGLE_TIER


def _gather(values: np.ndarray, members: np.ndarray, fill: float = 0.0) -> np.ndarray:
    out = values[np.where(members >= 0, members, 0)]
    return np.where(members >= 0, out, fill)


def pairwise_km(lon: np.ndarray, lat: np.ndarray, members: np.ndarray) -> np.ndarray:
    """(m, k, k) great-circle distances between each group's members (0 for padding).

    The distances between the authorities the groups use are computed once (haversine) and
    gathered per group, so the trigonometry costs the number of authorities squared, not the
    number of groups times their size squared.
    """
    members = np.atleast_2d(members)
    valid = members >= 0
    used = np.unique(members[valid])
    if len(used) == 0:
        return np.zeros(members.shape + members.shape[1:])
    table = haversine_table(np.asarray(lon, dtype=float)[used], np.asarray(lat, dtype=float)[used])
    local = np.searchsorted(used, np.where(valid, members, used[0]))
    dist = table[local[:, :, None], local[:, None, :]]
    return np.where(valid[:, :, None] & valid[:, None, :], dist, 0.0)


def haversine_table(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """(n, n) great-circle distances, km, between points given in degrees (NaN where unknown)."""
    lo, la = np.radians(lon), np.radians(lat)
    dlat = la[:, None] - la[None, :]
    dlon = lo[:, None] - lo[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(la[:, None]) * np.cos(la[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def span_km(lon: np.ndarray | None, lat: np.ndarray | None, members: np.ndarray) -> np.ndarray:
    """Length of the minimum spanning tree over each group's member centroids, km.

    Prim's algorithm, vectorised over groups (rows of ``members``, padded with -1).
    A single member spans 0; unknown centroids (NaN, or no centroids at all) give 0.

    Parameters
    ----------
    lon, lat : numpy.ndarray or None
        Centroid longitude/latitude per authority (degrees).
    members : numpy.ndarray
        (m, k) authority indices, padded with -1.

    Returns
    -------
    numpy.ndarray
        (m,) spans in km.
    """
    members = np.atleast_2d(members)
    m, k = members.shape
    if lon is None or lat is None or k < 2 or m == 0:
        return np.zeros(m)
    dist = np.nan_to_num(pairwise_km(lon, lat, members), nan=0.0)
    valid = members >= 0
    in_tree = np.zeros((m, k), dtype=bool)
    in_tree[:, 0] = valid[:, 0]
    best = np.where(valid, dist[:, 0, :], np.inf)
    best[:, 0] = np.inf
    total = np.zeros(m)
    rows = np.arange(m)
    for _ in range(k - 1):
        candidate = np.where(in_tree | ~valid, np.inf, best)
        nxt = candidate.argmin(axis=1)
        step = candidate[rows, nxt]
        grow = np.isfinite(step)
        total += np.where(grow, step, 0.0)
        in_tree[rows[grow], nxt[grow]] = True
        best = np.minimum(best, np.where(grow[:, None], dist[rows, nxt, :], np.inf))
    return total


def convergence_saving(cost_after_scale: np.ndarray, efficiency: np.ndarray, members: np.ndarray,
                       theta: float) -> np.ndarray:
    """Efficiency-convergence saving per group (sum over members), £k a year.

    Parameters
    ----------
    cost_after_scale : numpy.ndarray
        (m, k) each member's poolable cost after the scale effect (0 for padding).
    efficiency : numpy.ndarray
        (n_authorities,) actual/expected spend ratio of the service (1 = as expected;
        NaN or non-positive counts as 1, no convergence).
    members : numpy.ndarray
        (m, k) authority indices, padded with -1.
    theta : float
        Share of the gap to the group's most efficient member that is closed.
    """
    ratio = np.where(np.isfinite(efficiency) & (efficiency > 0), efficiency, 1.0)
    e = _gather(ratio, members, fill=np.inf)
    best = e.min(axis=1, keepdims=True)
    gap = np.where(members >= 0, 1.0 - best / e, 0.0)
    return theta * (cost_after_scale * gap).sum(axis=1)


def distance_cost(span: np.ndarray, pooled: np.ndarray, per_km_gbp_k: float,
                  rate_per_km: float) -> np.ndarray:
    """Recurring coordination cost of a group's spread, £k a year."""
    return span * (per_km_gbp_k + rate_per_km * pooled)


def payback_years(saving: np.ndarray, governance: np.ndarray, one_off: np.ndarray, ramp_years: int) -> np.ndarray:
    """Years until cumulative undiscounted net savings cover the one-off cost (inf if never)."""
    result = np.full(len(saving), np.inf)
    done = one_off <= 0
    result[done] = 0.0
    cumulative = np.zeros(len(saving))
    for year in range(1, ramp_years + 1):
        net = min(1.0, year / ramp_years) * saving - governance
        crossing = ~done & (cumulative + net >= one_off) & (net > 0)
        result[crossing] = year - 1 + (one_off[crossing] - cumulative[crossing]) / net[crossing]
        done |= crossing
        cumulative += net
    steady = saving - governance
    later = ~done & (steady > 0)
    result[later] = ramp_years + (one_off[later] - cumulative[later]) / steady[later]
    return result
