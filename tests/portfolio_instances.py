"""Seeded random portfolio instances and an exhaustive reference optimiser.

The brute force checks every constraint directly from the candidate table and
the :class:`~sharedopt.model.build.Constraints` (it does not use ``build_model``).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from sharedopt.model.build import Constraints, ExistingPartnership

SERVICES = ["Adult_Social_Care", "Environment", "Public_Health"]


def authority_codes(n: int, prefix: str = "E06") -> list[str]:
    """GSS-like codes E06000001 ... (sorted)."""
    return [f"{prefix}{i:06d}" for i in range(1, n + 1)]


def random_graph(rng: np.random.Generator, codes: list[str], extra_edges: int) -> set[tuple[str, str]]:
    """Connected graph: random spanning tree plus a few extra edges."""
    order = list(rng.permutation(codes))
    edges = set()
    for i in range(1, len(order)):
        a, b = order[i], order[int(rng.integers(0, i))]
        edges.add(tuple(sorted((a, b))))
    for _ in range(extra_edges):
        a, b = rng.choice(codes, 2, replace=False)
        edges.add(tuple(sorted((str(a), str(b)))))
    return edges


def connected_groups(edges: set[tuple[str, str]]) -> list[tuple[str, ...]]:
    """All connected groups of size 2 and 3."""
    groups = {tuple(e) for e in edges}
    adj: dict[str, set[str]] = {}
    for a, b in edges:
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)
    for a, b in edges:
        for c in adj[a] | adj[b]:
            if c not in (a, b):
                groups.add(tuple(sorted((a, b, c))))
    return sorted(groups)


def candidate_row(rng, cid: str, members: tuple[str, ...], services: list[str]) -> dict:
    kind = "scope" if len(members) == 1 else ("scale+scope" if len(services) > 1 else "scale")
    saving = float(rng.uniform(20, 400))
    net = saving - float(rng.uniform(0, 250))
    one_off = float(rng.uniform(10, 600))
    npv = float(rng.normal(150, 250))
    return {
        "candidate_id": cid,
        "kind": kind,
        "services": ";".join(services),
        "members": ";".join(sorted(members)),
        "n_members": len(members),
        "annual_saving_gbp_k": saving,
        "annual_net_saving_gbp_k": net,
        "one_off_cost_gbp_k": one_off,
        "npv_gbp_k": npv,
        "payback_years": one_off / net if net > 0 else math.inf,
    }


def random_candidates(
    seed: int,
    n_auth: int = 8,
    n_services: int = 2,
    max_candidates: int = 14,
    prefix: str = "E06",
    id_prefix: str = "C",
) -> pd.DataFrame:
    """Random candidate table (scale, scope and scale+scope candidates)."""
    rng = np.random.default_rng(seed)
    codes = authority_codes(n_auth, prefix)
    services = SERVICES[:n_services]
    groups = connected_groups(random_graph(rng, codes, extra_edges=n_auth // 3))
    pool: list[tuple[tuple[str, ...], list[str]]] = [(g, [s]) for g in groups for s in services]
    if n_services >= 2:
        pairs = [list(p) for p in itertools.combinations(services, 2)]
        pool += [(g, pairs[int(rng.integers(len(pairs)))]) for g in groups[: len(groups) // 3]]
        pool += [((a,), pairs[int(rng.integers(len(pairs)))]) for a in codes[:2]]
    pick = rng.choice(len(pool), size=min(max_candidates, len(pool)), replace=False)
    rows = [candidate_row(rng, f"{id_prefix}{k:03d}", *pool[i]) for k, i in enumerate(sorted(pick))]
    return pd.DataFrame(rows)


def disjoint_candidates(seed: int, parts: int = 2, per_part: int = 7) -> pd.DataFrame:
    """Union of instances on disjoint authority sets (several independent pieces)."""
    tabs = [
        random_candidates(seed * 31 + p, n_auth=6, n_services=2, max_candidates=per_part,
                          prefix=f"E0{6 + p}", id_prefix=f"P{p}_")
        for p in range(parts)
    ]
    return pd.concat(tabs, ignore_index=True)


def _members(df: pd.DataFrame) -> list[set[str]]:
    return [set(m.split(";")) for m in df["members"]]


def _services(df: pd.DataFrame) -> list[set[str]]:
    return [set(s.split(";")) for s in df["services"]]


def random_constraints(seed: int, df: pd.DataFrame) -> Constraints:
    """Random mix of every constraint type, drawn to be often (not always) feasible."""
    rng = np.random.default_rng(seed + 10_000)
    ids = df["candidate_id"].tolist()
    mem, svc = _members(df), _services(df)
    auths = sorted(set().union(*mem))
    kw: dict = {}
    kw["governance_capacity"] = [None, 1, 2, 3][int(rng.integers(4))]
    if rng.random() < 0.3:
        kw["governance_overrides"] = {str(rng.choice(auths)): int(rng.integers(0, 3))}
    if rng.random() < 0.4:
        kw["budget_total_gbp_k"] = float(df["one_off_cost_gbp_k"].sum() * rng.uniform(0.1, 0.5))
    if rng.random() < 0.3:
        kw["budget_per_authority_gbp_k"] = float(rng.uniform(50, 400))
    if rng.random() < 0.3:
        kw["max_per_service"] = int(rng.integers(1, 3))
    if rng.random() < 0.2:
        s = sorted(set().union(*svc))
        kw["max_per_service_overrides"] = {str(rng.choice(s)): int(rng.integers(0, 2))}
    if rng.random() < 0.3:
        kw["forced"] = [str(rng.choice(ids))]
    if rng.random() < 0.3:
        kw["forbidden"] = [str(x) for x in rng.choice(ids, 2, replace=False)]
    multi = [sorted(m) for m in mem if len(m) >= 2]
    if multi and rng.random() < 0.3:
        m = multi[int(rng.integers(len(multi)))]
        kw["forced_pairs"] = [(m[0], m[1])]
    if multi and rng.random() < 0.3:
        m = multi[int(rng.integers(len(multi)))]
        pair = (m[-2], m[-1])
        if pair not in kw.get("forced_pairs", []):
            kw["forbidden_pairs"] = [pair]
    if rng.random() < 0.3:
        s = sorted(set().union(*svc))
        kw["existing"] = [ExistingPartnership(
            service=str(rng.choice(s)), members=[str(a) for a in rng.choice(auths, 2, replace=False)],
            name="old")]
    if rng.random() < 0.3:
        kw["max_payback_years"] = float(rng.uniform(1, 6))
    kw["one_partnership_per_slot"] = bool(rng.random() < 0.9)
    kw["objective"] = "npv" if rng.random() < 0.7 else "annual_net_saving"
    return Constraints(**kw)


def brute_force(df: pd.DataFrame, cons: Constraints) -> tuple[float | None, np.ndarray | None]:
    """Best objective over all subsets satisfying every constraint, or (None, None)."""
    n = len(df)
    X = ((np.arange(2**n)[:, None] >> np.arange(n)[None, :]) & 1).astype(bool)
    ok = np.ones(len(X), dtype=bool)
    ids = df["candidate_id"].tolist()
    mem, svc = _members(df), _services(df)

    def count(cols: list[int]) -> np.ndarray:
        return X[:, cols].sum(axis=1) if cols else np.zeros(len(X), dtype=int)

    if cons.one_partnership_per_slot:
        slots = {(a, s) for j in range(n) for a in mem[j] for s in svc[j]}
        for a, s in slots:
            ok &= count([j for j in range(n) if a in mem[j] and s in svc[j]]) <= 1
    auths = set().union(*mem) if n else set()
    used = {a: sum(a in set(e.members) for e in cons.existing) for a in auths}
    for a in auths:
        cap = cons.governance_overrides.get(a, cons.governance_capacity)
        if cap is not None:
            ok &= count([j for j in range(n) if a in mem[j]]) <= max(cap - used[a], 0)
    cost = df["one_off_cost_gbp_k"].to_numpy(float)
    if cons.budget_total_gbp_k is not None:
        ok &= X @ cost <= cons.budget_total_gbp_k + 1e-9
    if cons.budget_per_authority_gbp_k is not None:
        share = cost / df["n_members"].to_numpy(float)
        for a in auths:
            w = np.array([share[j] if a in mem[j] else 0.0 for j in range(n)])
            ok &= X @ w <= cons.budget_per_authority_gbp_k + 1e-9
    services = set().union(*svc) if n else set()
    for s in services:
        cap = cons.max_per_service_overrides.get(s, cons.max_per_service)
        if cap is not None:
            ok &= count([j for j in range(n) if s in svc[j]]) <= cap
    for cid in cons.forced:
        ok &= X[:, ids.index(cid)]
    for cid in cons.forbidden:
        ok &= ~X[:, ids.index(cid)]
    for a, b in cons.forced_pairs:
        ok &= count([j for j in range(n) if {a, b} <= mem[j]]) >= 1
    for a, b in cons.forbidden_pairs:
        ok &= count([j for j in range(n) if {a, b} <= mem[j]]) == 0
    for e in cons.existing:
        taken = {(m, e.service) for m in e.members}
        ok &= count([j for j in range(n) if any((a, s) in taken for a in mem[j] for s in svc[j])]) == 0
    if cons.max_payback_years is not None:
        pay = df["payback_years"].to_numpy(float)
        ok &= count([j for j in range(n) if not pay[j] <= cons.max_payback_years]) == 0
    if not ok.any():
        return None, None
    col = "npv_gbp_k" if cons.objective == "npv" else "annual_net_saving_gbp_k"
    values = np.where(ok, X @ df[col].to_numpy(float), -np.inf)
    best = int(np.argmax(values))
    return float(values[best]), X[best].astype(int)


def hard_instance(seed: int = 0, n_auth: int = 60, n_cand: int = 3000) -> pd.DataFrame:
    """Many overlapping random candidates: hard for the solver in a fraction of a second."""
    rng = np.random.default_rng(seed)
    codes = authority_codes(n_auth)
    rows = []
    for k in range(n_cand):
        size = int(rng.integers(2, 4))
        members = tuple(str(a) for a in rng.choice(codes, size, replace=False))
        n_s = 1 if rng.random() < 0.7 else 2
        services = sorted(str(s) for s in rng.choice(SERVICES, n_s, replace=False))
        rows.append(candidate_row(rng, f"H{k:05d}", members, services))
    df = pd.DataFrame(rows)
    # correlate value with cost so that the budget row is a real knapsack
    df["npv_gbp_k"] = df["one_off_cost_gbp_k"] * rng.uniform(0.8, 1.3, len(df))
    return df
